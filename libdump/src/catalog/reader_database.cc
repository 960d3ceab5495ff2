// The dumped database itself: what CREATE DATABASE, the DATABASE PROPERTIES entry and the
// database's comment, ACL and security labels need.
#include <string>

#include "catalog/reader.h"
#include "catalog/reader_util.h"

namespace libdump::catalog {

Status ReadDatabase(pg::PgConn& conn, Catalog* cat) {
  // The locale columns by version: datlocprovider and daticulocale from 15 (before, every
  // database is libc), daticurules from 16, datlocale (the ICU or builtin locale) replacing
  // daticulocale from 17.
  const int v = conn.server_version();
  const char* provider =
      pg::Has(v, pg::Feature::kDatabaseLocaleProvider) ? "d.datlocprovider" : "'c'";
  const char* locale = pg::Has(v, pg::Feature::kLocale17)                 ? "d.datlocale"
                       : pg::Has(v, pg::Feature::kDatabaseLocaleProvider) ? "d.daticulocale"
                                                                          : "NULL::pg_catalog.text";
  const char* icu_rules =
      pg::Has(v, pg::Feature::kDatabaseIcuRules) ? "d.daticurules" : "NULL::pg_catalog.text";
  const std::string sql =
      std::string(
          "SELECT d.oid, d.datname, pg_catalog.pg_get_userbyid(d.datdba) AS owner, "
          "pg_catalog.pg_encoding_to_char(d.encoding) AS encoding, d.datcollate, d.datctype, ") +
      provider + " AS provider, " + locale + " AS locale, " + icu_rules +
      " AS icu_rules, "
      "CASE WHEN t.spcname = 'pg_default' THEN '' ELSE t.spcname END AS tablespace, "
      "d.datistemplate, d.datconnlimit, d.datacl, "
      "pg_catalog.shobj_description(d.oid, 'pg_database') AS comment "
      "FROM pg_catalog.pg_database d "
      "LEFT JOIN pg_catalog.pg_tablespace t ON t.oid = d.dattablespace "
      "WHERE d.datname = pg_catalog.current_database()";
  ASSIGN_OR_RETURN(pg::PgResult r, conn.Query(sql));
  if (r.rows() != 1) return Status::Internal("current_database() not found in pg_database");
  const pg::Row row(r, 0);
  Database d;
  d.oid = row.GetOid("oid");
  d.name = row.GetString("datname");
  d.owner = row.GetString("owner");
  d.encoding = row.GetString("encoding");
  d.collate = row.GetString("datcollate");
  d.ctype = row.GetString("datctype");
  const std::string_view p = row.Get("provider");
  d.locale_provider = p.empty() ? 'c' : p[0];
  d.locale = row.GetString("locale");
  d.icu_rules = row.GetString("icu_rules");
  d.tablespace = row.GetString("tablespace");
  d.is_template = row.GetBool("datistemplate");
  d.connection_limit = row.GetInt("datconnlimit");
  d.acl = row.Opt("datacl");
  d.comment = row.Opt("comment");

  // Settings for everybody first, then per role, each in a stable order.
  ASSIGN_OR_RETURN(
      pg::PgResult s,
      conn.Query("SELECT CASE WHEN s.setrole = 0 THEN NULL "
                 "ELSE pg_catalog.pg_get_userbyid(s.setrole) END AS role, c.setting "
                 "FROM pg_catalog.pg_db_role_setting s, "
                 "LATERAL pg_catalog.unnest(s.setconfig) WITH ORDINALITY AS c(setting, n) "
                 "WHERE s.setdatabase = " +
                 std::to_string(d.oid) +
                 " ORDER BY s.setrole <> 0, pg_catalog.pg_get_userbyid(s.setrole), c.n"));
  for (int i = 0; i < s.rows(); ++i) {
    const pg::Row setting(s, i);
    if (setting.IsNull("role")) {
      d.settings.push_back(setting.GetString("setting"));
    } else {
      d.role_settings.emplace_back(setting.GetString("role"), setting.GetString("setting"));
    }
  }
  // Its security labels are in the shared catalog, as the database is a shared object.
  ASSIGN_OR_RETURN(pg::PgResult l,
                   conn.Query("SELECT provider, label FROM pg_catalog.pg_shseclabel "
                              "WHERE classoid = 'pg_catalog.pg_database'::pg_catalog.regclass "
                              "AND objoid = " +
                              std::to_string(d.oid) + " ORDER BY provider"));
  for (int i = 0; i < l.rows(); ++i) {
    const pg::Row label(l, i);
    d.security_labels.emplace_back(label.GetString("provider"), label.GetString("label"));
  }
  cat->database = std::move(d);
  return Status::Ok();
}

}  // namespace libdump::catalog
