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
// deparses is schema-qualified). `helper`, when not null, is a second connection in the same
// state that has imported the snapshot of `conn`'s transaction: some queries run on it while
// `conn` runs the others, driven from a second thread (the catalog read takes less time when the
// server has a core to spare). Both connections are free again when ReadCatalog returns.
Result<Catalog> ReadCatalog(pg::PgConn& conn, pg::PgConn* helper = nullptr);

// Family readers, one file each; called by ReadCatalog.
Status ReadCodeObjects(pg::PgConn& conn, Catalog* catalog);  // reader_code.cc
Status ReadMiscObjects(pg::PgConn& conn, Catalog* catalog);  // reader_misc.cc
Status ReadDatabase(pg::PgConn& conn, Catalog* catalog);     // reader_database.cc

// Reads the current value of every sequence in `catalog`: one query for all, plus one per 500
// sequences not yet called (or readable only with USAGE).
Status ReadSequenceValues(pg::PgConn& conn, Catalog* catalog);

}  // namespace libdump::catalog

#endif  // LIBDUMP_SRC_CATALOG_READER_H_
