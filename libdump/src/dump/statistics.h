// The SQL of the STATISTICS DATA entries (ndump --statistics), read once the selection has
// pruned the TOC, so that only the statistics of dumped relations are read.
#ifndef LIBDUMP_SRC_DUMP_STATISTICS_H_
#define LIBDUMP_SRC_DUMP_STATISTICS_H_

#include <vector>

#include "libdump/format/archive.h"
#include "libdump/status.h"
#include "pg/pg.h"

namespace libdump::dump {

// Fills the create_sql of every STATISTICS DATA entry of `entries` (each names its relation by
// catalog_oid) with pg_dump 18's statements for the relation's statistics as `conn` sees them,
// for a server of `server_version` (server_version_num). Two catalog queries, whatever the number
// of relations (catalog::ReadStatistics). An entry whose relation has no statistics rows still
// restores its page and row counts. kServerError from the server.
Status FillStatistics(pg::PgConn& conn, int server_version, std::vector<format::TocEntry>* entries);

}  // namespace libdump::dump

#endif  // LIBDUMP_SRC_DUMP_STATISTICS_H_
