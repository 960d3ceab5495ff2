// Turns the catalog model into TOC entries: one entry per object (and per comment, per table's
// data, per sequence value), each with its section, SQL and dependencies.
#ifndef LIBDUMP_SRC_DUMP_TOC_BUILDER_H_
#define LIBDUMP_SRC_DUMP_TOC_BUILDER_H_

#include <string>
#include <vector>

#include "catalog/model.h"
#include "libdump/format/archive.h"
#include "libdump/status.h"

namespace libdump::dump {

struct DataJob {
  uint32_t dump_id = 0;
  std::string copy_out_sql;
  std::string label;  // `"s"."t"` for messages
  uint64_t size_estimate = 0;
  std::string kind = "TABLE DATA";  // the entry's kind, for messages
};

struct BuiltToc {
  std::vector<format::TocEntry> entries;  // sorted for restore
  std::vector<DataJob> data_jobs;         // largest first
};

struct BuildOptions {
  // Tables bigger than this are dumped in chunks of about this size (0: never split).
  uint64_t chunk_bytes = 64ull << 20;
  // A STATISTICS DATA entry for every table, partitioned table, materialized view, foreign table
  // and index (pg_dump 18 --statistics). Their SQL is empty until FillStatistics reads it.
  bool statistics = false;
};

Result<BuiltToc> BuildToc(const catalog::Catalog& catalog, const BuildOptions& options = {});

// BuildToc, for a caller that needs the catalog's names afterwards but not its columns (Dump):
// every table's columns are freed as soon as the entries made from them exist, before the
// post-data entries, the loop repair and the sort, where the dump's memory peaks (on 10,000
// tables the columns are 7 MB of it). A view keeps its columns: a view in a dependency loop is
// first created as a stub made from them. Nothing else in `catalog` changes. Same TOC as BuildToc.
Result<BuiltToc> BuildTocFreeingColumns(catalog::Catalog* catalog,
                                        const BuildOptions& options = {});

}  // namespace libdump::dump

#endif  // LIBDUMP_SRC_DUMP_TOC_BUILDER_H_
