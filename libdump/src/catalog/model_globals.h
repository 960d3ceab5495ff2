// Catalog model of a cluster's global objects, which belong to no database: roles, role
// memberships, tablespaces and privileges on configuration parameters (ndumpall's globals,
// archive_format.md §14.5). Read by reader_globals.cc from any database of the cluster.
#ifndef LIBDUMP_SRC_CATALOG_MODEL_GLOBALS_H_
#define LIBDUMP_SRC_CATALOG_MODEL_GLOBALS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace libdump::catalog {

struct Role {
  uint32_t oid = 0;
  std::string name;
  bool superuser = false, inherit = true, create_role = false, create_db = false;
  bool login = false, replication = false, bypass_rls = false;
  int64_t connection_limit = -1;
  // The password hash (pg_authid.rolpassword); nullopt when it has none or when it was read
  // without passwords (from pg_roles, which shows none).
  std::optional<std::string> password;
  std::optional<std::string> valid_until;  // rolvaliduntil as the session prints timestamptz
  std::optional<std::string> comment;
  std::vector<std::pair<std::string, std::string>> security_labels;  // provider, label
  std::vector<std::string> settings;  // "name=value" from pg_db_role_setting, in no database
  bool is_current_user = false;       // the role the dump connected as
};

// One row of pg_auth_members: `member` is a member of `role`.
struct RoleMembership {
  std::string role, member;
  // The grantor's name; nullopt when the grantor OID names no role (possible before 16).
  std::optional<std::string> grantor;
  uint32_t grantor_oid = 0;
  bool admin = false;
  // 16+: the INHERIT and SET options of the grant; nullopt before 16, which has neither.
  std::optional<bool> inherit, set;
};

struct Tablespace {
  uint32_t oid = 0;
  std::string name, owner;
  std::string location;  // pg_tablespace_location; relative (in-place tablespace) as read
  std::optional<std::string> options;  // spcoptions joined by ", " (name=value), when any
  std::optional<std::string> acl;      // spcacl
  std::optional<std::string> comment;
  std::vector<std::pair<std::string, std::string>> security_labels;
};

// A configuration parameter with privileges (pg_parameter_acl, 15+).
struct ParameterAcl {
  std::string name;
  std::optional<std::string> acl;
};

struct Globals {
  int server_version = 0;
  std::string bootstrap_superuser;           // the role with OID 10 (initdb's superuser)
  std::vector<Role> roles;                   // by name; no pg_* role
  std::vector<RoleMembership> memberships;   // by role, member, grantor
  std::vector<Tablespace> tablespaces;       // by name; no pg_* tablespace
  std::vector<ParameterAcl> parameter_acls;  // by name
};

}  // namespace libdump::catalog

#endif  // LIBDUMP_SRC_CATALOG_MODEL_GLOBALS_H_
