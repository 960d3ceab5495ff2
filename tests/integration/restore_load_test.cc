// How a restore from a file loads: a big table loaded in one piece is written frozen (COPY
// FREEZE in the transaction that truncated it), a small one is not; and a partitioned table with
// an index and a trigger on the parent (created on every partition) restores with its data, the
// trigger firing for none of it, whether data and post-data run on one connection or two.
#include <string>

#include <gtest/gtest.h>

#include "tools.h"

namespace ndump_test {
namespace {

TEST(RestoreLoad, BigUnsplitTableIsLoadedFrozenSmallOneIsNot) {
  const std::string src = Cluster().CreateDatabase("freeze");
  // About 12 MB of COPY text: above the size from which nrestore uses COPY FREEZE.
  ASSERT_TRUE(Cluster().Psql(src,
                             "CREATE TABLE big (id int PRIMARY KEY, s text);"
                             "INSERT INTO big SELECT g, repeat(md5(g::text), 3) "
                             "  FROM generate_series(1, 120000) g;"
                             "CREATE INDEX big_s ON big (s);"
                             "CREATE TABLE small (id int PRIMARY KEY, big_id int REFERENCES big);"
                             "INSERT INTO small SELECT g, g FROM generate_series(1, 100) g;"));
  ScopedTempDir dir;
  const std::string archive = dir.File("freeze.ndump");
  ASSERT_TRUE(DumpTo(src, archive, {"--split-size", "0"}));

  const std::string copy = Cluster().CreateDatabase("freezecopy");
  ASSERT_TRUE(RestoreFrom(copy, archive, {"-j", "2"}));
  EXPECT_SAME_DATABASE(src, copy);
  ASSERT_TRUE(Cluster().Psql(copy, "CREATE EXTENSION pg_visibility"));
  // The big table's pages are all-frozen (every one on PostgreSQL 15; on 18 COPY FREEZE leaves a
  // few pages where one insert batch ended unmarked: 443 of 464 for a plain COPY FREEZE of
  // 100,000 rows there), none of the small one's.
  EXPECT_EQ(Cluster().Query(copy,
                            "SELECT (all_frozen >= 0.9 * (pg_relation_size('big') / 8192) "
                            "AND all_frozen > 0)::text FROM pg_visibility_map_summary('big')"),
            "true");
  EXPECT_EQ(Cluster().Query(copy, "SELECT all_frozen FROM pg_visibility_map_summary('small')"),
            "0");
}

TEST(RestoreLoad, TriggerOnAPartitionedTableDoesNotFireDuringTheLoad) {
  const std::string src = Cluster().CreateDatabase("parttrig");
  ASSERT_TRUE(Cluster().Psql(
      src,
      "CREATE TABLE p (id int, v text) PARTITION BY RANGE (id);"
      "CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (1000);"
      "CREATE TABLE p2 PARTITION OF p FOR VALUES FROM (1000) TO (2000);"
      "INSERT INTO p SELECT g, 'v' || g FROM generate_series(0, 1999) g;"
      "CREATE INDEX p_id ON p (id);"
      "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
      "  $$BEGIN RAISE EXCEPTION 'no more rows'; END$$;"
      "CREATE TRIGGER refuse BEFORE INSERT ON p FOR EACH ROW EXECUTE FUNCTION refuse();"));
  ScopedTempDir dir;
  const std::string archive = dir.File("parttrig.ndump");
  ASSERT_TRUE(DumpTo(src, archive, {"-j", "2"}));
  for (const char* jobs : {"1", "2"}) {
    const std::string copy = Cluster().CreateDatabase(std::string("parttrig") + jobs);
    ASSERT_TRUE(RestoreFrom(copy, archive, {"-j", jobs}));
    EXPECT_SAME_DATABASE(src, copy);
    EXPECT_EQ(Cluster().Query(copy, "SELECT count(*) FROM p"), "2000");
  }
}

}  // namespace
}  // namespace ndump_test
