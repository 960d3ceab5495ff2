// The dumped database itself: what CREATE DATABASE, the DATABASE PROPERTIES entry and the
// database's comment, ACL and security labels need.
#include <string>

#include "catalog/reader.h"
#include "catalog/reader_util.h"

namespace libdump::catalog {

Status ReadDatabase(pg::PgConn& conn, Catalog* cat) {
  // datlocprovider and daticulocale are new in PostgreSQL 15; before, every database is libc.
  const bool v15 = conn.server_version() >= 150000;
  const std::string sql =
      std::string(
          "SELECT d.oid, d.datname, pg_catalog.pg_get_userbyid(d.datdba), "
          "pg_catalog.pg_encoding_to_char(d.encoding), d.datcollate, d.datctype, ") +
      (v15 ? "d.datlocprovider, d.daticulocale, " : "'c', NULL, ") +
      "CASE WHEN t.spcname = 'pg_default' THEN '' ELSE t.spcname END, d.datistemplate, "
      "d.datconnlimit, d.datacl, pg_catalog.shobj_description(d.oid, 'pg_database') "
      "FROM pg_catalog.pg_database d "
      "LEFT JOIN pg_catalog.pg_tablespace t ON t.oid = d.dattablespace "
      "WHERE d.datname = pg_catalog.current_database()";
  ASSIGN_OR_RETURN(pg::PgResult r, conn.Query(sql));
  if (r.rows() != 1) return Status::Internal("current_database() not found in pg_database");
  Database d;
  d.oid = GetOid(r, 0, 0);
  d.name = r.GetString(0, 1);
  d.owner = r.GetString(0, 2);
  d.encoding = r.GetString(0, 3);
  d.collate = r.GetString(0, 4);
  d.ctype = r.GetString(0, 5);
  const std::string provider = r.GetString(0, 6);
  d.locale_provider = provider.empty() ? 'c' : provider[0];
  if (!r.IsNull(0, 7)) d.icu_locale = r.GetString(0, 7);
  d.tablespace = r.GetString(0, 8);
  d.is_template = r.GetBool(0, 9);
  d.connection_limit = r.GetInt(0, 10);
  d.acl = OptString(r, 0, 11);
  d.comment = OptString(r, 0, 12);

  // Settings for everybody first, then per role, each in a stable order.
  ASSIGN_OR_RETURN(
      pg::PgResult s,
      conn.Query("SELECT CASE WHEN s.setrole = 0 THEN NULL "
                 "ELSE pg_catalog.pg_get_userbyid(s.setrole) END, c.setting "
                 "FROM pg_catalog.pg_db_role_setting s, "
                 "LATERAL pg_catalog.unnest(s.setconfig) WITH ORDINALITY AS c(setting, n) "
                 "WHERE s.setdatabase = " +
                 std::to_string(d.oid) +
                 " ORDER BY s.setrole <> 0, pg_catalog.pg_get_userbyid(s.setrole), c.n"));
  for (int i = 0; i < s.rows(); ++i) {
    if (s.IsNull(i, 0)) {
      d.settings.push_back(s.GetString(i, 1));
    } else {
      d.role_settings.emplace_back(s.GetString(i, 0), s.GetString(i, 1));
    }
  }
  // Its security labels are in the shared catalog, as the database is a shared object.
  ASSIGN_OR_RETURN(pg::PgResult l,
                   conn.Query("SELECT provider, label FROM pg_catalog.pg_shseclabel "
                              "WHERE classoid = 'pg_catalog.pg_database'::pg_catalog.regclass "
                              "AND objoid = " +
                              std::to_string(d.oid) + " ORDER BY provider"));
  for (int i = 0; i < l.rows(); ++i) {
    d.security_labels.emplace_back(l.GetString(i, 0), l.GetString(i, 1));
  }
  cat->database = std::move(d);
  return Status::Ok();
}

}  // namespace libdump::catalog
