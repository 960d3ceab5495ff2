// Reads a cluster's global objects (model_globals.h). Apart from reader.h: the globals are read
// once per cluster by ndumpall, not with a database's catalog.
#ifndef LIBDUMP_SRC_CATALOG_READER_GLOBALS_H_
#define LIBDUMP_SRC_CATALOG_READER_GLOBALS_H_

#include "catalog/model_globals.h"
#include "libdump/status.h"
#include "pg/pg.h"

namespace libdump::catalog {

struct GlobalsReadOptions {
  // Read roles from pg_authid, with their password hashes. false reads pg_roles, which any role
  // may read and which shows no password (ndumpall --no-role-passwords).
  bool role_passwords = true;
};

// Reads roles (their settings in no database, comments and security labels), role memberships,
// tablespaces and, from 15, privileges on parameters, in a few queries whatever their number.
// Roles and tablespaces named pg_* are the server's own and are left out, as are memberships of
// one pg_* role in another. The session's DateStyle and TimeZone print rolvaliduntil.
Result<Globals> ReadGlobals(pg::PgConn& conn, const GlobalsReadOptions& options);

}  // namespace libdump::catalog

#endif  // LIBDUMP_SRC_CATALOG_READER_GLOBALS_H_
