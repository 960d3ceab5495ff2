// Global objects -> SQL (ddl_globals.h). The statement forms are pg_dumpall's, so that a
// cluster restored from an ndumpall archive reads back the same through pg_dumpall.
#include "ddl/ddl_globals.h"

#include <set>
#include <string>

#include "ddl/acl.h"
#include "ddl/ddl.h"
#include "pg/quote.h"
#include "pg/server_versions.h"

namespace libdump::ddl {

using pg::QuoteIdent;
using pg::QuoteLiteral;

namespace {

// The settings the server stores as a list of names, each of which pg_dump writes as its own
// literal (pg_dump's GUC_LIST_QUOTE variables).
bool IsListSetting(std::string_view name) {
  return name == "search_path" || name == "temp_tablespaces" ||
         name == "session_preload_libraries" || name == "shared_preload_libraries" ||
         name == "local_preload_libraries" || name == "unix_socket_directories";
}

// Splits a stored list value (`a, "B c"`) into its elements, double quotes removed and doubled
// quotes undone, case kept. A value that does not parse is returned whole, as one element.
std::vector<std::string> SplitList(std::string_view v) {
  std::vector<std::string> out;
  size_t i = 0;
  auto skip_space = [&] {
    while (i < v.size() && (v[i] == ' ' || v[i] == '\t' || v[i] == '\n' || v[i] == '\r')) ++i;
  };
  skip_space();
  if (i == v.size()) return out;
  while (true) {
    std::string item;
    if (v[i] == '"') {
      ++i;
      while (true) {
        if (i >= v.size()) return {std::string(v)};
        if (v[i] == '"') {
          if (i + 1 < v.size() && v[i + 1] == '"') {
            item.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        item.push_back(v[i++]);
      }
    } else {
      while (i < v.size() && v[i] != ',' && v[i] != ' ' && v[i] != '\t' && v[i] != '\n' &&
             v[i] != '\r') {
        item.push_back(v[i++]);
      }
      if (item.empty()) return {std::string(v)};
    }
    out.push_back(std::move(item));
    skip_space();
    if (i == v.size()) return out;
    if (v[i] != ',') return {std::string(v)};
    ++i;
    skip_space();
  }
}

std::string Labels(const std::vector<std::pair<std::string, std::string>>& labels,
                   const std::string& target) {
  std::string out;
  for (const auto& [provider, label] : labels) out += SecurityLabel(provider, target, label);
  return out;
}

}  // namespace

std::string CreateRoleLine(std::string_view name) {
  return "CREATE ROLE " + QuoteIdent(name) + ";\n";
}

std::string RoleSql(const catalog::Role& r, const GlobalsSqlOptions& options) {
  const std::string q = QuoteIdent(r.name);
  std::string sql = CreateRoleLine(r.name);
  sql += "ALTER ROLE " + q + " WITH";
  sql += r.superuser ? " SUPERUSER" : " NOSUPERUSER";
  sql += r.inherit ? " INHERIT" : " NOINHERIT";
  sql += r.create_role ? " CREATEROLE" : " NOCREATEROLE";
  sql += r.create_db ? " CREATEDB" : " NOCREATEDB";
  sql += r.login ? " LOGIN" : " NOLOGIN";
  sql += r.replication ? " REPLICATION" : " NOREPLICATION";
  sql += r.bypass_rls ? " BYPASSRLS" : " NOBYPASSRLS";
  if (r.connection_limit != -1) sql += " CONNECTION LIMIT " + std::to_string(r.connection_limit);
  if (options.role_passwords && r.password) sql += " PASSWORD " + QuoteLiteral(*r.password);
  if (r.valid_until) sql += " VALID UNTIL " + QuoteLiteral(*r.valid_until);
  sql += ";\n";
  if (options.comments && r.comment) sql += Comment("ROLE " + q, *r.comment);
  if (options.security_labels) sql += Labels(r.security_labels, "ROLE " + q);
  return sql;
}

std::string AlterSetSql(std::string_view target, std::string_view setting) {
  const size_t eq = setting.find('=');
  if (eq == std::string_view::npos) return "";
  const std::string_view name = setting.substr(0, eq);
  const std::string_view value = setting.substr(eq + 1);
  std::string sql = "ALTER " + std::string(target) + " SET " + QuoteIdent(name) + " TO ";
  if (IsListSetting(name)) {
    const std::vector<std::string> items = SplitList(value);
    if (items.empty()) sql += "''";
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0) sql += ", ";
      sql += QuoteLiteral(items[i]);
    }
  } else {
    sql += QuoteLiteral(value);
  }
  return sql + ";\n";
}

std::string RoleSettingsSql(const catalog::Role& r) {
  std::string sql;
  for (const std::string& s : r.settings) sql += AlterSetSql("ROLE " + QuoteIdent(r.name), s);
  return sql;
}

Result<std::vector<catalog::RoleMembership>> OrderMemberships(const catalog::Globals& g) {
  const bool grantors = pg::Has(g.server_version, pg::Feature::kRoleGrantOptions);
  std::vector<catalog::RoleMembership> out;
  out.reserve(g.memberships.size());
  // The input is sorted by role, so each role's grants are adjacent.
  size_t start = 0;
  while (start < g.memberships.size()) {
    size_t end = start;
    while (end < g.memberships.size() && g.memberships[end].role == g.memberships[start].role) {
      ++end;
    }
    std::vector<bool> done(end - start, false);
    std::set<std::string> admins;  // members granted ADMIN on this role so far
    size_t remaining = end - start;
    while (remaining > 0) {
      const size_t before = remaining;
      for (size_t i = start; i < end; ++i) {
        if (done[i - start]) continue;
        const catalog::RoleMembership& m = g.memberships[i];
        // Before 16, or with a grantor that no longer exists, the grant is written without
        // GRANTED BY and can go at once.
        const bool named = grantors && m.grantor;
        if (named && m.grantor_oid != 10 && admins.count(*m.grantor) == 0) continue;
        done[i - start] = true;
        --remaining;
        if (m.admin) admins.insert(m.member);
        out.push_back(m);
      }
      if (remaining == before) {
        return Status::Internal("no order grants the memberships in role \"" +
                                g.memberships[start].role + "\" with their grantors");
      }
    }
    start = end;
  }
  return out;
}

std::string MembershipSql(const catalog::RoleMembership& m, int server_version) {
  const bool options = pg::Has(server_version, pg::Feature::kRoleGrantOptions);
  std::string with;
  if (m.admin) with = "ADMIN OPTION";
  if (options && m.inherit) {
    if (!with.empty()) with += ", ";
    with += *m.inherit ? "INHERIT TRUE" : "INHERIT FALSE";
  }
  if (options && m.set && !*m.set) {
    if (!with.empty()) with += ", ";
    with += "SET FALSE";
  }
  std::string sql = "GRANT " + QuoteIdent(m.role) + " TO " + QuoteIdent(m.member);
  if (!with.empty()) sql += " WITH " + with;
  if (options && m.grantor) sql += " GRANTED BY " + QuoteIdent(*m.grantor);
  return sql + ";\n";
}

Result<std::string> ParameterAclSql(const catalog::ParameterAcl& p,
                                    std::string_view bootstrap_superuser, int server_version) {
  if (!p.acl) return std::string();
  return AclSql("PARAMETER", QuoteIdent(p.name), bootstrap_superuser, *p.acl, std::nullopt,
                server_version);
}

std::string TablespaceLocation(const catalog::Tablespace& t) {
  return !t.location.empty() && t.location[0] == '/' ? t.location : std::string();
}

Result<std::string> TablespaceSql(const catalog::Tablespace& t, const GlobalsSqlOptions& options,
                                  int server_version) {
  const std::string q = QuoteIdent(t.name);
  std::string sql = "CREATE TABLESPACE " + q + " OWNER " + QuoteIdent(t.owner) + " LOCATION " +
                    QuoteLiteral(TablespaceLocation(t)) + ";\n";
  if (t.options) sql += "ALTER TABLESPACE " + q + " SET (" + *t.options + ");\n";
  if (options.privileges && t.acl) {
    ASSIGN_OR_RETURN(std::string acl,
                     AclSql("TABLESPACE", q, t.owner, *t.acl, std::nullopt, server_version));
    sql += acl;
  }
  if (options.comments && t.comment) sql += Comment("TABLESPACE " + q, *t.comment);
  if (options.security_labels) sql += Labels(t.security_labels, "TABLESPACE " + q);
  return sql;
}

}  // namespace libdump::ddl
