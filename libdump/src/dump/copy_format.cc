#include "dump/copy_format.h"

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "common/kinds.h"

namespace libdump::dump {

using kinds::Is;
using kinds::Kind;

const char* const kBinarySafeTypes[] = {"bool",
                                        "bytea",
                                        "char",
                                        "name",
                                        "int2",
                                        "int4",
                                        "int8",
                                        "text",
                                        "varchar",
                                        "bpchar",
                                        "oid",
                                        "tid",
                                        "xid",
                                        "xid8",
                                        "cid",
                                        "float4",
                                        "float8",
                                        "numeric",
                                        "money",
                                        "date",
                                        "time",
                                        "timetz",
                                        "timestamp",
                                        "timestamptz",
                                        "interval",
                                        "json",
                                        "jsonb",
                                        "jsonpath",
                                        "uuid",
                                        "inet",
                                        "cidr",
                                        "macaddr",
                                        "macaddr8",
                                        "bit",
                                        "varbit",
                                        "point",
                                        "lseg",
                                        "path",
                                        "box",
                                        "polygon",
                                        "line",
                                        "circle",
                                        "tsvector",
                                        "tsquery",
                                        "pg_lsn",
                                        "int2vector",
                                        "oidvector",
                                        "int4range",
                                        "int8range",
                                        "numrange",
                                        "daterange",
                                        "tsrange",
                                        "tstzrange",
                                        "int4multirange",
                                        "int8multirange",
                                        "nummultirange",
                                        "datemultirange",
                                        "tsmultirange",
                                        "tstzmultirange",
                                        nullptr};

namespace {

bool EndsWith(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

}  // namespace

bool IsBinaryCopyTrailer(std::string_view message) {
  static constexpr std::string_view kTrailer("\xff\xff", 2);
  static constexpr std::string_view kSignature("PGCOPY\n\xff\r\n\0", 11);
  if (message.size() == 2) return message == kTrailer;
  return message.size() == 21 && message.starts_with(kSignature) && message.ends_with(kTrailer);
}

std::string BinaryCopyOutSql(const std::string& copy_out_sql) {
  if (!EndsWith(copy_out_sql, " TO STDOUT")) return "";
  return copy_out_sql + " WITH (FORMAT binary)";
}

std::string BinaryCopyInSql(const std::string& copy_in_sql) {
  static constexpr std::string_view kTail = " FROM stdin;";
  if (!EndsWith(copy_in_sql, kTail)) return "";
  return copy_in_sql.substr(0, copy_in_sql.size() - 1) + " WITH (FORMAT binary);";
}

Status UseBinaryCopy(pg::PgConn& conn, BuiltToc* toc) {
  std::string names;
  for (const char* const* t = kBinarySafeTypes; *t != nullptr; ++t) {
    names += names.empty() ? "" : ",";
    names += *t;
  }
  // Tables with a column outside the list (by the element type for an array: a varlena type
  // with an element type). Dropped and generated columns are not copied.
  const std::string sql =
      "SELECT DISTINCT a.attrelid FROM pg_catalog.pg_attribute a "
      "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
      "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
      "LEFT JOIN pg_catalog.pg_type e ON e.oid = t.typelem AND t.typlen = -1 "
      "WHERE c.relkind IN ('r', 'p', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped "
      "AND a.attgenerated = '' AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type s "
      "WHERE s.oid = COALESCE(e.oid, t.oid) "
      "AND s.typnamespace = 'pg_catalog'::pg_catalog.regnamespace "
      "AND s.typname OPERATOR(pg_catalog.=) ANY ('{" +
      names + "}'::pg_catalog.name[]))";
  ASSIGN_OR_RETURN(pg::PgResult res, conn.Query(sql));
  std::unordered_set<uint64_t> text_only;
  for (int r = 0; r < res.rows(); ++r) text_only.insert(res.GetUInt(r, 0));

  std::unordered_map<uint32_t, format::TocEntry*> by_id;
  for (auto& e : toc->entries) {
    if (Is(e, Kind::kTableData) && e.catalog_oid != 0) by_id[e.dump_id] = &e;
  }
  for (auto& job : toc->data_jobs) {
    auto it = by_id.find(job.dump_id);
    if (it == by_id.end() || text_only.count(it->second->catalog_oid) != 0) continue;
    std::string out = BinaryCopyOutSql(job.copy_out_sql);
    std::string in = BinaryCopyInSql(it->second->copy_sql);
    if (out.empty() || in.empty()) continue;
    job.copy_out_sql = std::move(out);
    it->second->copy_sql = std::move(in);
  }
  return Status::Ok();
}

}  // namespace libdump::dump
