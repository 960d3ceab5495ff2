#include "dump/statistics.h"

#include <string>

#include "catalog/reader.h"
#include "common/kinds.h"
#include "ddl/ddl_misc.h"

namespace libdump::dump {

Status FillStatistics(pg::PgConn& conn, int server_version,
                      std::vector<format::TocEntry>* entries) {
  std::vector<format::TocEntry*> stats;
  std::vector<catalog::Oid> oids;
  for (format::TocEntry& e : *entries) {
    if (!kinds::Is(e, kinds::Kind::kStatisticsData)) continue;
    stats.push_back(&e);
    oids.push_back(static_cast<catalog::Oid>(e.catalog_oid));
  }
  // Relation statistics come first for every relation, then the columns': each entry's SQL is
  // its pg_restore_relation_stats() call followed by its pg_restore_attribute_stats() calls.
  auto entry = [&](size_t i) -> Result<format::TocEntry*> {
    if (i >= stats.size()) return Status::Internal("statistics row for an unknown relation");
    return stats[i];
  };
  RETURN_IF_ERROR(catalog::ReadStatistics(
      conn, oids,
      [&](size_t i, catalog::RelationStats s) -> Status {
        ASSIGN_OR_RETURN(format::TocEntry * e, entry(i));
        e->create_sql = ddl::RestoreRelationStats(server_version, e->schema, e->name, s);
        return Status::Ok();
      },
      [&](size_t i, catalog::AttributeStats s) -> Status {
        ASSIGN_OR_RETURN(format::TocEntry * e, entry(i));
        e->create_sql += ddl::RestoreAttributeStats(server_version, e->schema, e->name, s);
        return Status::Ok();
      }));
  for (format::TocEntry* e : stats) e->create_sql.shrink_to_fit();
  return Status::Ok();
}

}  // namespace libdump::dump
