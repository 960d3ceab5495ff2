// The cluster's global objects, read from the shared catalogs (pg_authid or pg_roles,
// pg_auth_members, pg_db_role_setting, pg_tablespace, pg_parameter_acl, pg_shdescription,
// pg_shseclabel). Every query reads by column name, so a version-dependent column does not move
// the others (docs/versions.md).
#include "catalog/reader_globals.h"

#include <map>
#include <string>
#include <utility>

#include "catalog/reader_util.h"
#include "pg/server_versions.h"

namespace libdump::catalog {

namespace {

using Labels = std::map<uint32_t, std::vector<std::pair<std::string, std::string>>>;

// Security labels of the objects of one shared catalog, by object OID, in provider order.
Status ReadSharedLabels(pg::PgConn& conn, const char* catalog, Labels* out) {
  ASSIGN_OR_RETURN(pg::PgResult r,
                   conn.Query(std::string("SELECT objoid, provider, label "
                                          "FROM pg_catalog.pg_shseclabel WHERE classoid = "
                                          "'pg_catalog.") +
                              catalog + "'::pg_catalog.regclass ORDER BY objoid, provider"));
  for (int i = 0; i < r.rows(); ++i) {
    const pg::Row row(r, i);
    (*out)[row.GetOid("objoid")].emplace_back(row.GetString("provider"), row.GetString("label"));
  }
  return Status::Ok();
}

Status ReadRoles(pg::PgConn& conn, const GlobalsReadOptions& options, Globals* g) {
  // pg_roles shows '********' for every password: read none from it. Comments come from
  // pg_shdescription by OID, which either catalog's rows give.
  const std::string password =
      options.role_passwords ? "a.rolpassword" : "NULL::pg_catalog.text AS rolpassword";
  const std::string from =
      options.role_passwords ? "pg_catalog.pg_authid a" : "pg_catalog.pg_roles a";
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query("SELECT a.oid, a.rolname, a.rolsuper, a.rolinherit, a.rolcreaterole, "
                 "a.rolcreatedb, a.rolcanlogin, a.rolconnlimit, " +
                 password +
                 ", a.rolvaliduntil, a.rolreplication, a.rolbypassrls, "
                 "pg_catalog.shobj_description(a.oid, 'pg_authid') AS comment, "
                 "a.rolname = CURRENT_USER AS is_current_user, "
                 "pg_catalog.pg_get_userbyid(10) AS bootstrap "
                 "FROM " +
                 from + " WHERE a.rolname !~ '^pg_' ORDER BY a.rolname COLLATE \"C\""));
  Labels labels;
  RETURN_IF_ERROR(ReadSharedLabels(conn, "pg_authid", &labels));
  std::map<uint32_t, size_t> by_oid;
  for (int i = 0; i < r.rows(); ++i) {
    const pg::Row row(r, i);
    Role role;
    role.oid = row.GetOid("oid");
    role.name = row.GetString("rolname");
    role.superuser = row.GetBool("rolsuper");
    role.inherit = row.GetBool("rolinherit");
    role.create_role = row.GetBool("rolcreaterole");
    role.create_db = row.GetBool("rolcreatedb");
    role.login = row.GetBool("rolcanlogin");
    role.replication = row.GetBool("rolreplication");
    role.bypass_rls = row.GetBool("rolbypassrls");
    role.connection_limit = row.GetInt("rolconnlimit");
    role.password = row.Opt("rolpassword");
    role.valid_until = row.Opt("rolvaliduntil");
    role.comment = row.Opt("comment");
    role.is_current_user = row.GetBool("is_current_user");
    if (g->bootstrap_superuser.empty()) g->bootstrap_superuser = row.GetString("bootstrap");
    if (auto it = labels.find(role.oid); it != labels.end()) role.security_labels = it->second;
    by_oid[role.oid] = g->roles.size();
    g->roles.push_back(std::move(role));
  }
  // Settings in no database (setdatabase 0), each role's in their stored order.
  ASSIGN_OR_RETURN(pg::PgResult s,
                   conn.Query("SELECT s.setrole, c.setting "
                              "FROM pg_catalog.pg_db_role_setting s, "
                              "LATERAL pg_catalog.unnest(s.setconfig) WITH ORDINALITY "
                              "AS c(setting, n) "
                              "WHERE s.setdatabase = 0 AND s.setrole <> 0 "
                              "ORDER BY s.setrole, c.n"));
  for (int i = 0; i < s.rows(); ++i) {
    const pg::Row row(s, i);
    auto it = by_oid.find(row.GetOid("setrole"));
    if (it != by_oid.end()) g->roles[it->second].settings.push_back(row.GetString("setting"));
  }
  return Status::Ok();
}

Status ReadMemberships(pg::PgConn& conn, const GlobalsReadOptions& read, Globals* g) {
  // Before 16 a grant has no INHERIT or SET option, and its grantor may name a role that no
  // longer exists (the server did not keep it valid).
  const bool options = pg::Has(g->server_version, pg::Feature::kRoleGrantOptions);
  // pg_authid is for superusers only; without passwords, pg_roles serves as well.
  const std::string roles = read.role_passwords ? "pg_catalog.pg_authid" : "pg_catalog.pg_roles";
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query(std::string("SELECT ur.rolname AS role, um.rolname AS member, "
                             "ug.rolname AS grantor, m.grantor AS grantor_oid, m.admin_option") +
                 (options ? ", m.inherit_option, m.set_option" : "") +
                 " FROM pg_catalog.pg_auth_members m JOIN " + roles +
                 " ur ON ur.oid = m.roleid JOIN " + roles + " um ON um.oid = m.member LEFT JOIN " +
                 roles +
                 " ug ON ug.oid = m.grantor "
                 "WHERE NOT (ur.rolname ~ '^pg_' AND um.rolname ~ '^pg_') "
                 "ORDER BY ur.rolname COLLATE \"C\", um.rolname COLLATE \"C\", "
                 "ug.rolname COLLATE \"C\""));
  for (int i = 0; i < r.rows(); ++i) {
    const pg::Row row(r, i);
    RoleMembership m;
    m.role = row.GetString("role");
    m.member = row.GetString("member");
    m.grantor = row.Opt("grantor");
    m.grantor_oid = row.GetOid("grantor_oid");
    m.admin = row.GetBool("admin_option");
    if (options) {
      m.inherit = row.GetBool("inherit_option");
      m.set = row.GetBool("set_option");
    }
    g->memberships.push_back(std::move(m));
  }
  return Status::Ok();
}

Status ReadTablespaces(pg::PgConn& conn, Globals* g) {
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query("SELECT t.oid, t.spcname, pg_catalog.pg_get_userbyid(t.spcowner) AS owner, "
                 "pg_catalog.pg_tablespace_location(t.oid) AS location, t.spcacl, "
                 "pg_catalog.array_to_string(t.spcoptions, ', ') AS options, "
                 "pg_catalog.shobj_description(t.oid, 'pg_tablespace') AS comment "
                 "FROM pg_catalog.pg_tablespace t WHERE t.spcname !~ '^pg_' "
                 "ORDER BY t.spcname COLLATE \"C\""));
  Labels labels;
  RETURN_IF_ERROR(ReadSharedLabels(conn, "pg_tablespace", &labels));
  for (int i = 0; i < r.rows(); ++i) {
    const pg::Row row(r, i);
    Tablespace t;
    t.oid = row.GetOid("oid");
    t.name = row.GetString("spcname");
    t.owner = row.GetString("owner");
    t.location = row.GetString("location");
    t.options = OptNonEmpty(row, "options");
    t.acl = row.Opt("spcacl");
    t.comment = row.Opt("comment");
    if (auto it = labels.find(t.oid); it != labels.end()) t.security_labels = it->second;
    g->tablespaces.push_back(std::move(t));
  }
  return Status::Ok();
}

Status ReadParameterAcls(pg::PgConn& conn, Globals* g) {
  if (!pg::Has(g->server_version, pg::Feature::kParameterAcl)) return Status::Ok();
  ASSIGN_OR_RETURN(pg::PgResult r,
                   conn.Query("SELECT parname, paracl FROM pg_catalog.pg_parameter_acl "
                              "ORDER BY parname COLLATE \"C\""));
  for (int i = 0; i < r.rows(); ++i) {
    const pg::Row row(r, i);
    g->parameter_acls.push_back({row.GetString("parname"), row.Opt("paracl")});
  }
  return Status::Ok();
}

}  // namespace

Result<Globals> ReadGlobals(pg::PgConn& conn, const GlobalsReadOptions& options) {
  Globals g;
  g.server_version = conn.server_version();
  RETURN_IF_ERROR(ReadRoles(conn, options, &g));
  if (g.bootstrap_superuser.empty()) {
    // Every role may be pg_* or unreadable in theory; the bootstrap superuser still has a name.
    ASSIGN_OR_RETURN(pg::PgResult r,
                     conn.Query("SELECT pg_catalog.pg_get_userbyid(10) AS bootstrap"));
    if (r.rows() == 1) g.bootstrap_superuser = pg::Row(r, 0).GetString("bootstrap");
  }
  RETURN_IF_ERROR(ReadMemberships(conn, options, &g));
  RETURN_IF_ERROR(ReadTablespaces(conn, &g));
  RETURN_IF_ERROR(ReadParameterAcls(conn, &g));
  return g;
}

}  // namespace libdump::catalog
