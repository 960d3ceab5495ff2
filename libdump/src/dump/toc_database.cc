// The database's own entries, written by every dump as pg_dump -Fc writes them: DATABASE (CREATE
// DATABASE, restored only with --create), DATABASE PROPERTIES (ALTER DATABASE for the connection
// limit, the template flag and the SET settings), and the database's COMMENT, ACL and SECURITY
// LABELs (pg_shseclabel), all three restored only with --create.
#include "ddl/ddl.h"
#include "dump/toc_builder_internal.h"
#include "pg/pg.h"
#include "pg/server_versions.h"

namespace libdump::dump {

using kinds::Kind;

using format::Section;
using pg::QuoteIdent;
using pg::QuoteLiteral;

namespace {

// `SET name TO value` for one "name=value" of pg_db_role_setting. List settings are stored in
// their flattened SQL form (`"$user", public`) and go back as they are; others as a literal.
std::string SetClause(const std::string& setting) {
  const size_t eq = setting.find('=');
  if (eq == std::string::npos) return "";
  const std::string name = setting.substr(0, eq);
  const std::string value = setting.substr(eq + 1);
  const bool list = name == "search_path" || name == "temp_tablespaces" ||
                    name == "session_preload_libraries" || name == "shared_preload_libraries" ||
                    name == "local_preload_libraries";
  return "SET " + QuoteIdent(name) + " TO " + (list ? value : QuoteLiteral(value));
}

}  // namespace

void TocBuilder::AddDatabase() {
  if (!cat_.database) return;
  const catalog::Database& d = *cat_.database;
  const std::string q = QuoteIdent(d.name);
  std::string create = "CREATE DATABASE " + q + " WITH TEMPLATE = template0";
  if (!d.encoding.empty()) create += " ENCODING = " + QuoteLiteral(d.encoding);
  if (pg::Has(cat_.server_version, pg::Feature::kDatabaseLocaleProvider)) {
    create += std::string(" LOCALE_PROVIDER = ") + (d.locale_provider == 'i'   ? "icu"
                                                    : d.locale_provider == 'b' ? "builtin"
                                                                               : "libc");
  }
  if (!d.collate.empty() && d.collate == d.ctype) {
    create += " LOCALE = " + QuoteLiteral(d.collate);
  } else {
    if (!d.collate.empty()) create += " LC_COLLATE = " + QuoteLiteral(d.collate);
    if (!d.ctype.empty()) create += " LC_CTYPE = " + QuoteLiteral(d.ctype);
  }
  if (!d.locale.empty()) {
    create += (d.locale_provider == 'b' ? " BUILTIN_LOCALE = " : " ICU_LOCALE = ") +
              QuoteLiteral(d.locale);
  }
  if (!d.icu_rules.empty()) create += " ICU_RULES = " + QuoteLiteral(d.icu_rules);
  if (!d.tablespace.empty()) create += " TABLESPACE = " + QuoteIdent(d.tablespace);
  create += ";\n";
  const uint32_t id = Add(Kind::kDatabase, Section::kPreData, "", d.name, d.owner,
                          std::move(create), "DROP DATABASE " + q + ";\n", {});
  Entry(id).owner_object = "DATABASE " + q;
  Entry(id).catalog_oid = d.oid;

  // Separate from CREATE DATABASE, which cannot share a multi-statement string.
  std::string props;
  std::string drop;
  if (d.connection_limit != -1) {
    props +=
        "ALTER DATABASE " + q + " CONNECTION LIMIT = " + std::to_string(d.connection_limit) + ";\n";
  }
  if (d.is_template) {
    props += "ALTER DATABASE " + q + " IS_TEMPLATE = true;\n";
    // DROP DATABASE refuses a template: unmark it first.
    drop = "UPDATE pg_catalog.pg_database SET datistemplate = false WHERE datname = " +
           QuoteLiteral(d.name) + ";\n";
  }
  for (const auto& s : d.settings) {
    const std::string set = SetClause(s);
    if (!set.empty()) props += "ALTER DATABASE " + q + " " + set + ";\n";
  }
  for (const auto& [role, s] : d.role_settings) {
    const std::string set = SetClause(s);
    if (!set.empty())
      props += "ALTER ROLE " + QuoteIdent(role) + " IN DATABASE " + q + " " + set + ";\n";
  }
  if (!props.empty()) {
    Add(Kind::kDatabaseProperties, Section::kPreData, "", d.name, d.owner, std::move(props),
        std::move(drop), {id});
  }
  AddComment(d.comment, id, "DATABASE " + q, "DATABASE " + d.name);
  AddAcl(d.acl, id, "DATABASE", q, "DATABASE " + d.name);
  // One entry per label, as for every other object (toc_labels.cc); the tag makes the restore
  // selection treat them like the comment: only with --create.
  for (const auto& [provider, label] : d.security_labels) {
    Add(Kind::kSecurityLabel, Section::kPreData, "", "DATABASE " + d.name, d.owner,
        ddl::SecurityLabel(provider, "DATABASE " + q, label), "", {id});
  }
}

}  // namespace libdump::dump
