// The planner's statistics of the dumped relations (ndump --statistics), as pg_dump 18 reads
// them: pg_class's page and row counts, and pg_stats (the view that prints each column's
// statistics as text and leaves out what the role may not read).
#include <string>

#include "catalog/reader.h"
#include "catalog/reader_util.h"

namespace libdump::catalog {

namespace {

// The relations as an array literal of OIDs, in order, for unnest ... WITH ORDINALITY: one
// query for all of them, whose rows say by their ordinality which relation they belong to.
std::string OidArray(const std::vector<Oid>& relations) {
  std::string oids = "'{";
  for (size_t i = 0; i < relations.size(); ++i) {
    if (i != 0) oids += ',';
    oids += std::to_string(relations[i]);
  }
  return oids + "}'::pg_catalog.oid[]";
}

}  // namespace

Status ReadStatistics(pg::PgConn& conn, const std::vector<Oid>& relations,
                      const std::function<Status(size_t, RelationStats)>& on_relation,
                      const std::function<Status(size_t, AttributeStats)>& on_attribute) {
  if (relations.empty()) return Status::Ok();
  const int v = conn.server_version();
  const std::string from = "FROM pg_catalog.unnest(" + OidArray(relations) +
                           ") WITH ORDINALITY AS u(oid, ord) "
                           "JOIN pg_catalog.pg_class c ON c.oid = u.oid ";
  // Before 14, reltuples 0 meant either an empty table or one never vacuumed nor analyzed; the
  // latter is -1 from 14 on. As pg_dump 18 does, 0 from such a server is restored as -1
  // (unknown), so that the planner of the target does not take the table for empty.
  const char* reltuples = pg::Has(v, pg::Feature::kRelTuplesUnknown)
                              ? "c.reltuples"
                              : "CASE WHEN c.reltuples = 0 THEN -1 ELSE c.reltuples END";
  // Each result is read a row at a time (single-row mode): on a database of many relations the
  // statistics are the largest thing read, and only the SQL made of them is kept.
  RETURN_IF_ERROR(conn.QueryRows(
      std::string("SELECT u.ord, c.relpages, ") + reltuples + " AS reltuples, c.relallvisible, " +
          (pg::Has(v, pg::Feature::kRelAllFrozen) ? "c.relallfrozen" : "NULL::pg_catalog.int4") +
          " AS relallfrozen " + from + "ORDER BY u.ord",
      [&](const pg::PgResult& r) -> Status {
        const pg::Row row(r, 0);
        RelationStats s;
        s.relpages = row.GetString("relpages");
        s.reltuples = row.GetString("reltuples");
        s.relallvisible = row.GetString("relallvisible");
        s.relallfrozen = row.Opt("relallfrozen");
        return on_relation(static_cast<size_t>(row.GetInt("ord")) - 1, std::move(s));
      }));
  // pg_stats names its relation by schema and name; an index's columns are addressed by their
  // position in the index (attnum), found from the name. Range statistics exist from 17.
  const char* range = pg::Has(v, pg::Feature::kRangeStatistics)
                          ? "s.range_length_histogram, s.range_empty_frac, "
                            "s.range_bounds_histogram, "
                          : "NULL AS range_length_histogram, NULL AS range_empty_frac, "
                            "NULL AS range_bounds_histogram, ";
  return conn.QueryRows(
      std::string("SELECT u.ord, s.attname, s.inherited, s.null_frac, s.avg_width, "
                  "s.n_distinct, s.most_common_vals, s.most_common_freqs, s.histogram_bounds, "
                  "s.correlation, s.most_common_elems, s.most_common_elem_freqs, "
                  "s.elem_count_histogram, ") +
          range + "CASE WHEN c.relkind IN ('i', 'I') THEN a.attnum ELSE 0 END AS index_attnum " +
          from +
          "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
          "JOIN pg_catalog.pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname "
          "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = s.attname "
          "ORDER BY u.ord, s.attname, s.inherited",
      [&](const pg::PgResult& r) -> Status {
        const pg::Row row(r, 0);
        AttributeStats s;
        s.attname = row.GetString("attname");
        s.index_attnum = static_cast<int>(row.GetInt("index_attnum"));
        s.inherited = row.Opt("inherited");
        s.null_frac = row.Opt("null_frac");
        s.avg_width = row.Opt("avg_width");
        s.n_distinct = row.Opt("n_distinct");
        s.most_common_vals = row.Opt("most_common_vals");
        s.most_common_freqs = row.Opt("most_common_freqs");
        s.histogram_bounds = row.Opt("histogram_bounds");
        s.correlation = row.Opt("correlation");
        s.most_common_elems = row.Opt("most_common_elems");
        s.most_common_elem_freqs = row.Opt("most_common_elem_freqs");
        s.elem_count_histogram = row.Opt("elem_count_histogram");
        s.range_length_histogram = row.Opt("range_length_histogram");
        s.range_empty_frac = row.Opt("range_empty_frac");
        s.range_bounds_histogram = row.Opt("range_bounds_histogram");
        return on_attribute(static_cast<size_t>(row.GetInt("ord")) - 1, std::move(s));
      });
}

}  // namespace libdump::catalog
