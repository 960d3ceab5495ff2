// Reads the catalog model from a server, in a bounded number of queries: one per object kind,
// never one per object. Queries are gated by server version; each path names the versions it
// serves.
#ifndef LIBDUMP_SRC_CATALOG_READER_H_
#define LIBDUMP_SRC_CATALOG_READER_H_

#include <functional>
#include <vector>

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
struct ReadOptions {
  // Whether a table whose pg_class.relpages is 0 (never vacuumed nor analyzed, or empty) has its
  // files measured for Table::size_bytes and heap_pages, which cut a table into chunks and order
  // the data jobs. Opening every such table costs about 0.1 ms each on the server (seconds on
  // tens of thousands of tables); a dump without table data does without (they read as empty).
  bool measure_unvacuumed_tables = true;
};
Result<Catalog> ReadCatalog(pg::PgConn& conn, pg::PgConn* helper = nullptr,
                            const ReadOptions& options = {});

// Family readers, one file each; called by ReadCatalog.
Status ReadCodeObjects(pg::PgConn& conn, Catalog* catalog);  // reader_code.cc
Status ReadMiscObjects(pg::PgConn& conn, Catalog* catalog);  // reader_misc.cc
Status ReadDatabase(pg::PgConn& conn, Catalog* catalog);     // reader_database.cc

// Reads the current value of every sequence in `catalog`: one query for all, plus one per 500
// sequences not yet called (or readable only with USAGE).
Status ReadSequenceValues(pg::PgConn& conn, Catalog* catalog);

// Reads the planner statistics of `relations` (tables, partitioned tables, materialized views,
// foreign tables and indexes, by OID) in two queries, each read a row at a time: first
// `on_relation(i, ...)` for relations[i] (a relation that no longer exists gets no call), then
// `on_attribute(i, ...)` for each pg_stats row of relations[i], by i, then by column name and
// `inherited`, as pg_dump 18 orders them (reader_stats.cc). Stops at the first error a callback
// returns and returns it.
Status ReadStatistics(pg::PgConn& conn, const std::vector<Oid>& relations,
                      const std::function<Status(size_t, RelationStats)>& on_relation,
                      const std::function<Status(size_t, AttributeStats)>& on_attribute);

}  // namespace libdump::catalog

#endif  // LIBDUMP_SRC_CATALOG_READER_H_
