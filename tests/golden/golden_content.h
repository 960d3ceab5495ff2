// What the golden archives contain: shared by the generator (make_golden.cc), which wrote the
// files once, and the test (golden_test.cc), which checks that they still read back exactly so.
//
// Never change anything here that an existing golden file was made from: the files are not
// regenerated (README.md), so a change here would make the test compare old bytes with new
// expectations. New archives get new functions.
#ifndef NDUMP_TESTS_GOLDEN_GOLDEN_CONTENT_H_
#define NDUMP_TESTS_GOLDEN_GOLDEN_CONTENT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "libdump/format/archive.h"

namespace ndump_golden {

using libdump::format::ArchiveHeader;
using libdump::format::Section;
using libdump::format::TocEntry;

inline ArchiveHeader GoldenHeader() {
  ArchiveHeader h;
  h.tool_version = "ndump golden";
  h.server_version = "15.18";
  h.server_version_num = 150018;
  h.database = "golden";
  h.encoding = "UTF8";
  h.created_unix_seconds = 1735689600;  // 2025-01-01 00:00:00 UTC
  return h;
}

// Schema, a table with its data, a second table with data, an empty table, an index, a comment.
inline std::vector<TocEntry> GoldenToc() {
  std::vector<TocEntry> toc;
  auto add = [&](uint32_t id, const char* kind, Section section, const char* schema,
                 const char* name, const std::string& create, std::vector<uint32_t> deps) {
    TocEntry e;
    e.dump_id = id;
    e.kind = kind;
    e.section = section;
    e.schema = schema;
    e.name = name;
    e.owner = "postgres";
    e.create_sql = create;
    e.deps = std::move(deps);
    e.catalog_oid = 16384 + id;
    toc.push_back(e);
    return &toc.back();
  };
  add(1, "SCHEMA", Section::kPreData, "", "shop", "CREATE SCHEMA shop;\n", {});
  add(2, "TABLE", Section::kPreData, "shop", "orders",
      "CREATE TABLE shop.orders (id integer NOT NULL, note text);\n", {1});
  add(3, "TABLE", Section::kPreData, "shop", "items",
      "CREATE TABLE shop.items (order_id integer, sku text, qty numeric);\n", {1});
  add(4, "TABLE", Section::kPreData, "shop", "empty", "CREATE TABLE shop.empty (x integer);\n",
      {1});
  TocEntry* orders = add(5, "TABLE DATA", Section::kData, "shop", "orders", "", {2});
  orders->copy_sql = "COPY shop.orders (id, note) FROM stdin;\n";
  orders->size_estimate = 8192;
  TocEntry* items = add(6, "TABLE DATA", Section::kData, "shop", "items", "", {3});
  items->copy_sql = "COPY shop.items (order_id, sku, qty) FROM stdin;\n";
  items->size_estimate = 16384;
  TocEntry* empty = add(7, "TABLE DATA", Section::kData, "shop", "empty", "", {4});
  empty->copy_sql = "COPY shop.empty (x) FROM stdin;\n";
  add(8, "INDEX", Section::kPostData, "shop", "orders_id_idx",
      "CREATE INDEX orders_id_idx ON shop.orders USING btree (id);\n", {2});
  add(9, "COMMENT", Section::kPreData, "shop", "TABLE orders",
      "COMMENT ON TABLE shop.orders IS 'golden \\N, tabs\\t and ''quotes''';\n", {2});
  return toc;
}

// The COPY text of `rows` rows of shop.orders starting at `first`: some with NULLs, escapes and
// non-ASCII text.
inline std::string OrdersRows(int first, int rows) {
  std::string s;
  for (int i = first; i < first + rows; ++i) {
    s += std::to_string(i) + "\t";
    if (i % 7 == 0) {
      s += "\\N";
    } else {
      s += "order " + std::to_string(i) + (i % 5 == 0 ? " caf\xc3\xa9 \\t tab" : " plain");
    }
    s += "\n";
  }
  return s;
}

inline std::string ItemsRows(int first, int rows) {
  std::string s;
  for (int i = first; i < first + rows; ++i) {
    s += std::to_string(i / 3) + "\tSKU-" + std::to_string(i * 7919 % 10007) + "\t" +
         std::to_string(i % 13) + "." + std::to_string(i % 100) + "\n";
  }
  return s;
}

// The blocks of each data entry, in the order the generator interleaves them: orders gets blocks
// 0..2, items 0..3, alternating, and the empty table none.
struct GoldenBlock {
  uint32_t dump_id;
  std::string raw;
  uint32_t rows;
};

inline std::vector<GoldenBlock> GoldenBlocks() {
  return {
      {5, OrdersRows(1, 40), 40},  {6, ItemsRows(1, 60), 60},   {5, OrdersRows(41, 40), 40},
      {6, ItemsRows(61, 60), 60},  {6, ItemsRows(121, 60), 60}, {5, OrdersRows(81, 20), 20},
      {6, ItemsRows(181, 10), 10},
  };
}

// The whole COPY text of each data entry.
inline std::string GoldenData(uint32_t dump_id) {
  std::string all;
  for (const GoldenBlock& b : GoldenBlocks()) {
    if (b.dump_id == dump_id) all += b.raw;
  }
  return all;
}

// v1.5-fingerprints.ndump (format 1.5, row fingerprints): GoldenHeader with the dump's time zone.
inline ArchiveHeader GoldenHeaderV15() {
  ArchiveHeader h = GoldenHeader();
  h.time_zone = "Europe/Paris";
  return h;
}

}  // namespace ndump_golden

#endif  // NDUMP_TESTS_GOLDEN_GOLDEN_CONTENT_H_
