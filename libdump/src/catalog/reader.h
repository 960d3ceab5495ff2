// Reads the catalog model from a server, in a bounded number of queries: one per object kind,
// never one per object. Queries are gated by server version; each path names the versions it
// serves.
#ifndef LIBDUMP_SRC_CATALOG_READER_H_
#define LIBDUMP_SRC_CATALOG_READER_H_

#include "catalog/model.h"
#include "libdump/status.h"
#include "pg/pg.h"

namespace libdump::catalog {

// Reads every user object of the connected database. The connection must already be inside the
// dump's REPEATABLE READ transaction with search_path set to '' (so that every name the server
// deparses is schema-qualified).
Result<Catalog> ReadCatalog(pg::PgConn& conn);

// Family readers, one file each; called by ReadCatalog.
Status ReadCodeObjects(pg::PgConn& conn, Catalog* catalog);  // reader_code.cc
Status ReadMiscObjects(pg::PgConn& conn, Catalog* catalog);  // reader_misc.cc
Status ReadDatabase(pg::PgConn& conn, Catalog* catalog);     // reader_database.cc

// Takes ACCESS SHARE locks on every user table (in one statement), so that
// no table can be dropped or altered while its data is being copied.
Status LockUserTables(pg::PgConn& conn);

// Reads the current value of every sequence in `catalog` (one query per 500 sequences).
Status ReadSequenceValues(pg::PgConn& conn, Catalog* catalog);

}  // namespace libdump::catalog

#endif  // LIBDUMP_SRC_CATALOG_READER_H_
