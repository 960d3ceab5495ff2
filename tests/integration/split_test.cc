// Big tables dumped in chunks of heap pages (--split-size): every row lands exactly once, the
// chunks are separate TABLE DATA entries, and an inheritance parent's chunks hold only its own
// rows (SELECT ... FROM ONLY).
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "archive_toc.h"
#include "catalog/reader.h"
#include "pg/pg.h"
#include "tools.h"

namespace ndump_test {
namespace {

TEST(SplitTables, ChunksCoverEveryRowOnce) {
  const std::string src = Cluster().CreateDatabase("split");
  ASSERT_TRUE(Cluster().Psql(src,
                             "CREATE TABLE big (id int PRIMARY KEY, s text, "
                             "  g int GENERATED ALWAYS AS (id * 2) STORED);"
                             "INSERT INTO big (id, s) SELECT g, repeat(md5(g::text), 1 + g % 9) "
                             "  FROM generate_series(1, 40000) g;"
                             "DELETE FROM big WHERE id % 13 = 0;"  // holes in the pages
                             "CREATE TABLE big_child (extra int) INHERITS (big);"
                             "INSERT INTO big_child (id, s, extra) VALUES (-1, 'child', 7);"
                             "CREATE TABLE small (x int); INSERT INTO small VALUES (1);"));
  ScopedTempDir dir;
  const std::string archive = dir.File("split.ndump");
  ASSERT_TRUE(DumpTo(src, archive, {"-j", "2", "--split-size", "0.5"}));

  CommandResult list = Nrestore({"--list", archive});
  ASSERT_EQ(list.exit_code, 0) << list.Describe();
  int big_chunks = 0, small_chunks = 0;
  for (const std::string& line : Lines(list.out)) {
    if (line.find("TABLE DATA public big ") != std::string::npos) ++big_chunks;
    if (line.find("TABLE DATA public small ") != std::string::npos) ++small_chunks;
  }
  EXPECT_GT(big_chunks, 3) << list.out;
  EXPECT_EQ(small_chunks, 1) << list.out;

  const std::string copy = Cluster().CreateDatabase("splitcopy");
  ASSERT_TRUE(RestoreFrom(copy, archive, {"-j", "2"}));
  EXPECT_SAME_DATABASE(src, copy);
  EXPECT_EQ(Cluster().Query(copy, "SELECT count(*) FROM ONLY big"), "36924");
}

// Sizes decide the split. A table never vacuumed nor analyzed has relpages 0 whatever its size:
// a dump with data measures its files (the main forks of the table and of its TOAST table); one
// without data, which has nothing to cut, takes it as empty instead of opening every table.
TEST(SplitTables, UnvacuumedTablesAreMeasuredOnlyWhenDataIsDumped) {
  const std::string db = Cluster().CreateDatabase("unvacuumed");
  ASSERT_TRUE(Cluster().Psql(db,
                             "CREATE TABLE fresh (id int, s text);"
                             "INSERT INTO fresh SELECT g, repeat('z', 300) "
                             "  FROM generate_series(1, 3000) g;"
                             // One value stored out of line: the TOAST table has pages too.
                             "INSERT INTO fresh SELECT 0, string_agg(md5(g::text), '') "
                             "  FROM generate_series(1, 4000) g;"));
  ASSERT_EQ(Cluster().Query(db, "SELECT relpages FROM pg_class WHERE relname = 'fresh'"), "0");
  const uint64_t heap = std::stoull(Cluster().Query(db, "SELECT pg_relation_size('fresh')"));
  const uint64_t toast = std::stoull(Cluster().Query(
      db, "SELECT pg_relation_size(reltoastrelid) FROM pg_class WHERE relname = 'fresh'"));
  ASSERT_GT(heap, 0u);
  ASSERT_GT(toast, 0u);

  libdump::ConnectionOptions options;
  options.dbname = Cluster().ConnInfo(db);
  auto conn = libdump::pg::PgConn::Connect(options, "");
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  ASSERT_TRUE((*conn)
                  ->Command("BEGIN ISOLATION LEVEL REPEATABLE READ; "
                            "SELECT pg_catalog.set_config('search_path', '', false);")
                  .ok());
  for (const bool measure : {true, false}) {
    libdump::catalog::ReadOptions read;
    read.measure_unvacuumed_tables = measure;
    auto cat = libdump::catalog::ReadCatalog(**conn, nullptr, read);
    ASSERT_TRUE(cat.ok()) << cat.status().ToString();
    ASSERT_EQ(cat->tables.size(), 1u);
    const auto& t = cat->tables[0];
    EXPECT_EQ(t.size_bytes, measure ? heap + toast : 0u) << measure;
    EXPECT_EQ(t.heap_pages, measure ? heap / 8192 : 0u) << measure;
  }
}

// A table of a few MB (20,000 rows of about 200 bytes) with no key, index or generated column.
constexpr const char* kPlainBigTableSql =
    "CREATE TABLE big (id int, s text);"
    "INSERT INTO big SELECT g, repeat('y', 200) FROM generate_series(1, 20000) g;";

TEST(SplitTables, TheLastChunkIsCutInFourPieces) {
  const std::string src = Cluster().CreateDatabase("tail");
  ASSERT_TRUE(Cluster().Psql(src, kPlainBigTableSql));
  const uint64_t size =
      std::stoull(Cluster().Query(src, "SELECT pg_table_size('big') / (1024 * 1024)"));
  ASSERT_GE(size, 3u);
  ScopedTempDir dir;
  const std::string archive = dir.File("tail.ndump");
  ASSERT_TRUE(DumpTo(src, archive, {"--split-size", "1"}));
  std::vector<uint64_t> sizes;  // size estimates of big's TABLE DATA entries, in TOC order
  for (const auto& e : ArchiveToc(archive)) {
    if (e.kind == "TABLE DATA" && e.name == "big") sizes.push_back(e.size_estimate);
  }
  // Chunks of about 1 MB (a table of `size` whole MB needs size or size + 1 of them), the last
  // one as four pieces of about a quarter of a chunk each.
  ASSERT_GE(sizes.size(), size + 3);
  ASSERT_LE(sizes.size(), size + 4);
  const size_t whole = sizes.size() - 4;
  for (size_t i = whole; i < sizes.size(); ++i) {
    EXPECT_LT(sizes[i] * 3, sizes[0]) << "piece " << i;
    EXPECT_GT(sizes[i] * 5, sizes[0]) << "piece " << i;
  }
  for (size_t i = 1; i < whole; ++i) EXPECT_GT(sizes[i] * 5, sizes[0] * 4) << "chunk " << i;

  const std::string copy = Cluster().CreateDatabase("tailcopy");
  ASSERT_TRUE(RestoreFrom(copy, archive, {"-j", "2"}));
  EXPECT_SAME_DATABASE(src, copy);
}

TEST(SplitTables, SplitSizeZeroNeverSplits) {
  const std::string src = Cluster().CreateDatabase("nosplit");
  ASSERT_TRUE(Cluster().Psql(src, kPlainBigTableSql));
  ScopedTempDir dir;
  const std::string archive = dir.File("whole.ndump");
  ASSERT_TRUE(DumpTo(src, archive, {"-j", "2", "--split-size", "0"}));
  CommandResult list = Nrestore({"--list", archive});
  ASSERT_EQ(list.exit_code, 0) << list.Describe();
  int chunks = 0;
  for (const std::string& line : Lines(list.out)) {
    if (line.find("TABLE DATA public big ") != std::string::npos) ++chunks;
  }
  EXPECT_EQ(chunks, 1) << list.out;
}

}  // namespace
}  // namespace ndump_test
