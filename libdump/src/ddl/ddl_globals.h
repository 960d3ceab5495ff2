// A cluster's global objects -> SQL, in the statement forms pg_dumpall writes (roles,
// memberships, role settings, tablespaces, privileges on parameters; archive_format.md §14.5).
// Pure functions of the model; identifiers are always quoted, as everywhere in ndump.
#ifndef LIBDUMP_SRC_DDL_DDL_GLOBALS_H_
#define LIBDUMP_SRC_DDL_DDL_GLOBALS_H_

#include <string>
#include <string_view>
#include <vector>

#include "catalog/model_globals.h"
#include "libdump/status.h"

namespace libdump::ddl {

struct GlobalsSqlOptions {
  bool role_passwords = true;   // PASSWORD '...' in ALTER ROLE (false: --no-role-passwords)
  bool comments = true;         // COMMENT ON ROLE / TABLESPACE
  bool security_labels = true;  // SECURITY LABEL ON ROLE / TABLESPACE
  bool privileges = true;       // tablespace privileges (-x leaves them out)
};

// The first line of every RoleSql: `CREATE ROLE "name";` and its newline. A restorer leaves it
// out for a role the target already has (§14.5).
std::string CreateRoleLine(std::string_view name);

// CREATE ROLE, then ALTER ROLE ... WITH every attribute (so that an existing role gets them
// too), its comment and security labels.
std::string RoleSql(const catalog::Role& role, const GlobalsSqlOptions& options);

// ALTER ROLE ... SET for each of the role's settings in no database; empty when it has none.
std::string RoleSettingsSql(const catalog::Role& role);

// `ALTER <target> SET name TO value;` for one "name=value" of pg_db_role_setting, as pg_dump
// writes it: list-valued settings (search_path, temp_tablespaces, the *_preload_libraries,
// unix_socket_directories) as a list of literals, any other value as one literal. `target` is
// e.g. `ROLE "r"` or `ROLE "r" IN DATABASE "d"`. Empty for a setting without '='.
std::string AlterSetSql(std::string_view target, std::string_view setting);

// The memberships in the order a restore can grant them: grants of a role are taken in passes,
// each pass granting those whose grantor is the bootstrap superuser or already holds ADMIN on the
// role (pg_dumpall's order). Before 16 grantors are not kept, so the order is the input's.
// kInternal if some grants cannot be ordered (a grantor never gets ADMIN).
Result<std::vector<catalog::RoleMembership>> OrderMemberships(const catalog::Globals& globals);

// GRANT role TO member [WITH ADMIN OPTION, INHERIT TRUE|FALSE, SET FALSE] [GRANTED BY g];
// Options and grantor only from 16 (`server_version`), as pg_dumpall writes them.
std::string MembershipSql(const catalog::RoleMembership& m, int server_version);

// GRANT/REVOKE ... ON PARAMETER for one parameter's ACL, the difference from the default (the
// bootstrap superuser's privileges); empty when it has the default.
Result<std::string> ParameterAclSql(const catalog::ParameterAcl& p,
                                    std::string_view bootstrap_superuser, int server_version);

// CREATE TABLESPACE "t" OWNER "o" LOCATION '...'; (the first line exactly so, §14.5), then
// ALTER TABLESPACE ... SET (options), its privileges, comment and security labels. A relative
// location (an in-place tablespace) is written as '', as pg_dumpall does.
Result<std::string> TablespaceSql(const catalog::Tablespace& t, const GlobalsSqlOptions& options,
                                  int server_version);

// The location a TablespaceSql writes for `t`.
std::string TablespaceLocation(const catalog::Tablespace& t);

}  // namespace libdump::ddl

#endif  // LIBDUMP_SRC_DDL_DDL_GLOBALS_H_
