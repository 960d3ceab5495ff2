#include "cluster/globals.h"

#include "pg/quote.h"

namespace libdump::cluster {

using format::Section;
using format::TocEntry;
using pg::QuoteIdent;
using pg::QuoteLiteral;

namespace {

TocEntry MakeEntry(std::vector<TocEntry>* toc, std::string_view kind, std::string name,
                   std::string owner, std::string create_sql, std::string drop_sql) {
  TocEntry e;
  e.dump_id = static_cast<uint32_t>(toc->size() + 1);
  e.kind = std::string(kind);
  e.section = Section::kPreData;
  e.name = std::move(name);
  e.owner = std::move(owner);
  e.create_sql = std::move(create_sql);
  e.drop_sql = std::move(drop_sql);
  return e;
}

}  // namespace

Result<std::vector<TocEntry>> GlobalsToc(const catalog::Globals& g,
                                         const GlobalsTocOptions& options) {
  std::vector<TocEntry> toc;
  const std::string if_exists = options.if_exists ? "IF EXISTS " : "";
  if (options.roles) {
    for (const catalog::Role& r : g.roles) {
      toc.push_back(MakeEntry(&toc, kKindRole, r.name, "", ddl::RoleSql(r, options.sql),
                              "DROP ROLE " + if_exists + QuoteIdent(r.name) + ";\n"));
    }
    // Settings after every role: a setting may name another role.
    for (const catalog::Role& r : g.roles) {
      std::string sql = ddl::RoleSettingsSql(r);
      if (!sql.empty()) toc.push_back(MakeEntry(&toc, kKindRoleSettings, r.name, "", sql, ""));
    }
    ASSIGN_OR_RETURN(std::vector<catalog::RoleMembership> grants, ddl::OrderMemberships(g));
    for (const catalog::RoleMembership& m : grants) {
      toc.push_back(MakeEntry(&toc, kKindRoleMembership, m.member + " IN " + m.role,
                              m.grantor.value_or(""), ddl::MembershipSql(m, g.server_version), ""));
    }
    for (const catalog::ParameterAcl& p : g.parameter_acls) {
      ASSIGN_OR_RETURN(std::string sql,
                       ddl::ParameterAclSql(p, g.bootstrap_superuser, g.server_version));
      if (!sql.empty()) toc.push_back(MakeEntry(&toc, kKindParameterAcl, p.name, "", sql, ""));
    }
  }
  if (options.tablespaces) {
    for (const catalog::Tablespace& t : g.tablespaces) {
      ASSIGN_OR_RETURN(std::string sql, ddl::TablespaceSql(t, options.sql, g.server_version));
      TocEntry e = MakeEntry(&toc, kKindTablespace, t.name, t.owner, std::move(sql),
                             "DROP TABLESPACE " + if_exists + QuoteIdent(t.name) + ";\n");
      // §14.5: the location, for listings, in the schema field.
      e.schema = ddl::TablespaceLocation(t);
      toc.push_back(std::move(e));
    }
  }
  return toc;
}

std::string WithoutCreateRole(const TocEntry& e) {
  const std::string line = ddl::CreateRoleLine(e.name);
  if (e.create_sql.compare(0, line.size(), line) != 0) return e.create_sql;
  return e.create_sql.substr(line.size());
}

std::string WithLocation(const TocEntry& e, std::string_view location) {
  const std::string head =
      "CREATE TABLESPACE " + QuoteIdent(e.name) + " OWNER " + QuoteIdent(e.owner) + " LOCATION ";
  const std::string old_line = head + QuoteLiteral(e.schema) + ";\n";
  if (e.create_sql.compare(0, old_line.size(), old_line) != 0) return e.create_sql;
  return head + QuoteLiteral(location) + ";\n" + e.create_sql.substr(old_line.size());
}

}  // namespace libdump::cluster
