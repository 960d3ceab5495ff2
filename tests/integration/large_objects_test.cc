// Large objects as data (archive_format.md §7.5): BLOB METADATA entries that create them a group
// at a time, BLOBS entries whose blocks carry their contents. Round trips through nrestore -d
// (one and two jobs, from a file and from a pipe) and through nrestore -f into psql.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tools.h"

namespace ndump_test {
namespace {

// 2,500 objects (three groups of the first owner, one of the second), an empty one, one of
// 700 KB (three 256 KiB pieces, more than one 1 MiB block), with comments and
// privileges on a few.
std::string NewLargeObjectDatabase() {
  const std::string db = Cluster().CreateDatabase("lo");
  EXPECT_TRUE(Cluster().Psql(db, R"sql(
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lo_owner') THEN CREATE ROLE lo_owner; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lo_reader') THEN CREATE ROLE lo_reader; END IF;
END $$;
SELECT lo_from_bytea(0, convert_to('object ' || i, 'UTF8')) FROM generate_series(1, 2000) i;
SELECT lo_create(700001);
SELECT lo_from_bytea(700002, convert_to(repeat('0123456789abcdef', 45000), 'UTF8'));
SELECT lo_from_bytea(700003, '\x00ff5c0a0d09'::bytea);
COMMENT ON LARGE OBJECT 700003 IS 'bytes that COPY escapes';
GRANT SELECT ON LARGE OBJECT 700002 TO lo_reader;
GRANT SELECT, UPDATE ON LARGE OBJECT 700001 TO PUBLIC;
SELECT lo_from_bytea(800000 + i, convert_to('owned ' || i, 'UTF8')) FROM generate_series(1, 500) i;
DO $$ DECLARE o oid; BEGIN
  FOR o IN SELECT oid FROM pg_largeobject_metadata WHERE oid > 800000 LOOP
    EXECUTE format('ALTER LARGE OBJECT %s OWNER TO lo_owner', o);
  END LOOP;
END $$;
COMMENT ON LARGE OBJECT 800007 IS 'owned by lo_owner';
GRANT SELECT ON LARGE OBJECT 800009 TO lo_reader;
)sql"));
  return db;
}

// Every large object with its owner, privileges, comment and the md5 of its contents.
std::string LargeObjectReport(const std::string& db) {
  return Cluster().Query(
      db,
      "SELECT l.oid, pg_get_userbyid(l.lomowner), l.lomacl, obj_description(l.oid, "
      "'pg_largeobject'), md5(lo_get(l.oid)), length(lo_get(l.oid)) "
      "FROM pg_largeobject_metadata l ORDER BY l.oid");
}

void ExpectSameLargeObjects(const std::string& src, const std::string& copy) {
  const std::string expected = LargeObjectReport(src);
  ASSERT_EQ(Lines(expected).size(), 2503u);
  EXPECT_EQ(LargeObjectReport(copy), expected);
}

TEST(LargeObjects, ArchiveHasGroupsAndData) {
  const std::string src = NewLargeObjectDatabase();
  ScopedTempDir dir;
  ASSERT_TRUE(DumpTo(src, dir.File("lo.ndump"), {"-j", "2"}));
  CommandResult list = Nrestore({"-l", dir.File("lo.ndump")});
  ASSERT_EQ(list.exit_code, 0) << list.Describe();
  int metadata = 0, blobs = 0;
  for (const std::string& line : Lines(list.out)) {
    metadata += line.find("BLOB METADATA") != std::string::npos;
    blobs += line.find("BLOBS") != std::string::npos;
  }
  // 2,003 objects of postgres in three groups, 500 of lo_owner in one.
  EXPECT_EQ(metadata, 4) << list.out;
  EXPECT_EQ(blobs, 4) << list.out;
}

TEST(LargeObjects, RoundTripWithOneAndTwoJobs) {
  const std::string src = NewLargeObjectDatabase();
  ScopedTempDir dir;
  ASSERT_TRUE(DumpTo(src, dir.File("lo.ndump"), {"-j", "2", "-Z", "0"}));
  for (const std::string jobs : {"1", "2"}) {
    const std::string copy = Cluster().CreateDatabase("copy");
    ASSERT_TRUE(RestoreFrom(copy, dir.File("lo.ndump"), {"-j", jobs}));
    ExpectSameLargeObjects(src, copy);
  }
}

TEST(LargeObjects, RoundTripThroughAPipe) {
  const std::string src = NewLargeObjectDatabase();
  const std::string copy = Cluster().CreateDatabase("copy");
  CommandResult r =
      RunCommand({"bash", "-c", "set -o pipefail; \"$0\" -d \"$1\" -f - | \"$2\" -d \"$3\" -",
                  NDUMP_BIN, Cluster().ConnInfo(src), NRESTORE_BIN, Cluster().ConnInfo(copy)});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ExpectSameLargeObjects(src, copy);
}

TEST(LargeObjects, RoundTripThroughAScript) {
  const std::string src = NewLargeObjectDatabase();
  const std::string copy = Cluster().CreateDatabase("copy");
  ScopedTempDir dir;
  ASSERT_TRUE(DumpTo(src, dir.File("lo.ndump")));
  CommandResult script = Nrestore({"-f", dir.File("lo.sql"), dir.File("lo.ndump")});
  ASSERT_EQ(script.exit_code, 0) << script.Describe();
  ASSERT_TRUE(Cluster().PsqlFile(copy, dir.File("lo.sql")));
  ExpectSameLargeObjects(src, copy);
}

TEST(LargeObjects, NoOwnerAndCleanRestore) {
  const std::string src = NewLargeObjectDatabase();
  ScopedTempDir dir;
  ASSERT_TRUE(DumpTo(src, dir.File("lo.ndump")));
  const std::string copy = Cluster().CreateDatabase("copy");
  ASSERT_TRUE(RestoreFrom(copy, dir.File("lo.ndump"), {"--no-owner"}));
  EXPECT_EQ(Cluster().Query(copy,
                            "SELECT count(*) FROM pg_largeobject_metadata "
                            "WHERE lomowner <> 'postgres'::regrole"),
            "0");
  // --clean over the restored objects: they are unlinked and made again.
  ASSERT_TRUE(RestoreFrom(copy, dir.File("lo.ndump"), {"--clean", "--if-exists"}));
  ExpectSameLargeObjects(src, copy);
}

TEST(LargeObjects, LeftOutBySchemaOnlyAndTableSelection) {
  const std::string src = NewLargeObjectDatabase();
  ScopedTempDir dir;
  ASSERT_TRUE(DumpTo(src, dir.File("lo.ndump")));
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"-s"}, {"-t", "nothing"}}) {
    const std::string copy = Cluster().CreateDatabase("copy");
    std::vector<std::string> all = args;
    all.insert(all.end(), {"-d", Cluster().ConnInfo(copy), dir.File("lo.ndump")});
    CommandResult r = Nrestore(all);
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
    EXPECT_EQ(Cluster().Query(copy, "SELECT count(*) FROM pg_largeobject_metadata"), "0");
  }
  // Data only: the objects and their contents.
  const std::string copy = Cluster().CreateDatabase("copy");
  ASSERT_TRUE(RestoreFrom(copy, dir.File("lo.ndump"), {"-a"}));
  ExpectSameLargeObjects(src, copy);
}

}  // namespace
}  // namespace ndump_test
