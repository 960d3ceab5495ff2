// STATISTICS DATA entries (ndump --statistics): one per table, partitioned table, materialized
// view, foreign table and index, in pg_dump 18's sections. A table's statistics are data (the
// data section); an index's are restored once the index exists (post-data); a materialized
// view's after its REFRESH, which replaces its storage and with it the statistics (post-data).
// The entries' SQL is read afterwards, for the entries that the selection keeps
// (FillStatistics, statistics.cc).
#include <string>
#include <unordered_map>

#include "dump/toc_builder_internal.h"

namespace libdump::dump {

using format::Section;

void TocBuilder::AddStatistics() {
  std::unordered_map<uint32_t, uint32_t> refresh_of;  // matview entry -> its REFRESH entry
  for (const auto& e : out_.entries) {
    if (kinds::Is(e, kinds::Kind::kMaterializedViewData) && !e.deps.empty())
      refresh_of[e.deps[0]] = e.dump_id;
  }
  // The owner is left empty, as pg_dump leaves it: the entry creates nothing.
  auto add = [&](Section section, const std::string& schema, const std::string& name,
                 catalog::Oid oid, uint32_t after) {
    if (after == 0) return uint32_t{0};
    const uint32_t id =
        Add(kinds::Kind::kStatisticsData, section, schema, name, "", "", "", {after});
    Entry(id).catalog_oid = oid;
    return id;
  };
  for (const catalog::Table& t : cat_.tables) {
    if (t.kind != 'r' && t.kind != 'p' && t.kind != 'm' && t.kind != 'f') continue;
    const uint32_t table_id = Lookup(cls::kClass, t.oid);
    if (t.kind == 'm') {
      const uint32_t id = add(Section::kPostData, t.schema, t.name, t.oid, table_id);
      auto refresh = refresh_of.find(table_id);
      if (refresh != refresh_of.end()) AddDep(id, refresh->second);
    } else {
      add(Section::kData, t.schema, t.name, t.oid, table_id);
    }
    // An index's statistics follow the entry that creates it: its INDEX entry, or the
    // constraint whose index it is.
    for (const catalog::Index& i : t.indexes) {
      add(Section::kPostData, t.schema, i.name, i.oid, Lookup(cls::kClass, i.oid));
    }
    for (const catalog::Constraint& c : t.constraints) {
      if (c.type != 'p' && c.type != 'u' && c.type != 'x') continue;
      add(Section::kPostData, t.schema, c.index_name, c.index_oid,
          Lookup(cls::kClass, c.index_oid));
    }
  }
}

}  // namespace libdump::dump
