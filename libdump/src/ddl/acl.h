// Privileges: parsing aclitem[] text and the GRANT/REVOKE statements that reproduce it.
#ifndef LIBDUMP_SRC_DDL_ACL_H_
#define LIBDUMP_SRC_DDL_ACL_H_

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

// Statements that give an object exactly the privileges `acl` lists, in its order: revoke the
// implicit defaults from PUBLIC and the owner, then grant each item (as its grantor when that is
// not the owner). `object_kind` as GRANT spells it (TABLE, SEQUENCE, FUNCTION, SCHEMA, ...),
// `object` its SQL name. With a `column`, column privileges: no revokes, `GRANT p (col) ON ...`.
Result<std::string> AclSql(std::string_view object_kind, std::string_view object,
                           std::string_view owner, std::string_view acl,
                           std::string_view column = "");

}  // namespace libdump::ddl

#endif  // LIBDUMP_SRC_DDL_ACL_H_
