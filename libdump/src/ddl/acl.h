// Privileges: parsing aclitem[] text and the GRANT/REVOKE statements that reproduce it.
#ifndef LIBDUMP_SRC_DDL_ACL_H_
#define LIBDUMP_SRC_DDL_ACL_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libdump/status.h"

namespace libdump::ddl {

struct AclItem {
  std::string grantee;        // role name; empty means PUBLIC
  std::string grantor;        // role name
  std::string privileges;     // privilege letters, e.g. "arwd"
  std::string grant_options;  // the letters granted WITH GRANT OPTION
};

// The SQL name of an aclitem privilege letter ('r' -> "SELECT", ...); null for an unknown one.
const char* PrivilegeName(char c);

// Parses the text form of an aclitem[] value, e.g. `{postgres=arwdDxt/postgres,"a b"=r*/x}`.
Result<std::vector<AclItem>> ParseAcl(std::string_view text);

// The privilege letters an object of `object_kind` (as GRANT spells it: TABLE, SEQUENCE,
// FUNCTION, SCHEMA, ...) can hold on a server of `server_version`, in aclitem order: "arwdDxt"
// for a table before 17, "arwdDxtm" from 17 (MAINTAIN); "arwx" for a column. Empty for a kind
// this code does not know.
std::string KindPrivileges(std::string_view object_kind, bool column, int server_version);

// The privileges an object has while its ACL is NULL (the server's acldefault): every privilege of
// its kind for the owner, and for functions, languages, types and databases some for PUBLIC.
// Columns have none.
std::vector<AclItem> DefaultAcl(std::string_view object_kind, std::string_view owner, bool column,
                                int server_version);

// Statements that turn an object's privileges from `base` into `acl`, as pg_dump writes them:
// REVOKE each item of `base` that `acl` lacks, then GRANT each item of `acl` that `base` lacks
// (the owner's own grants first, then in `acl`'s order, each as its grantor when that is not the
// owner). So a target server's own defaults apply wherever the source kept its defaults (a table
// owner's MAINTAIN on 17+ for an archive of 15). `base` holds the initial privileges (ParseAcl of
// pg_init_privs for objects made by initdb or an extension script); without it, DefaultAcl. A
// privilege list that holds every privilege of the kind as the newest supported server has it
// is written ALL, any other by name (a 15 table's full list lacks MAINTAIN: never ALL).
// `object_kind` as GRANT spells it, `object` its SQL name; with a `column`, column privileges
// `GRANT p (col) ON TABLE ...`.
Result<std::string> AclSql(std::string_view object_kind, std::string_view object,
                           std::string_view owner, std::string_view acl,
                           const std::optional<std::vector<AclItem>>& base, int server_version,
                           std::string_view column = "");

// ALTER DEFAULT PRIVILEGES statements that turn the built-in defaults into `acl` (pg_default_acl:
// `object_type` its defaclobjtype r, S, f, T or n), the same difference as AclSql: a
// database-wide entry (no `schema`) starts from the kind's defaults for `role`, one IN SCHEMA
// from nothing.
Result<std::string> DefaultPrivilegesSql(char object_type, std::string_view role,
                                         std::string_view schema, std::string_view acl,
                                         int server_version);

// The privileges pg_dump takes as the public schema's initial ones, whatever pg_init_privs says:
// the owner's USAGE and CREATE, and PUBLIC's USAGE (PostgreSQL 15's initdb ACL, as it reads after
// ALTER SCHEMA public OWNER TO the owner).
std::vector<AclItem> PublicSchemaAcl(std::string_view owner);

}  // namespace libdump::ddl

#endif  // LIBDUMP_SRC_DDL_ACL_H_
