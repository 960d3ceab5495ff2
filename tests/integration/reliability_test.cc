// Issue 15: what ndump and nrestore do with the paths and archives they are given.
//   1. -f writes through a device, a FIFO or a symbolic link instead of replacing it.
//   2. A restore from a damaged file changes nothing in the target (every block is checked before
//      the server is touched); --no-verify-first restores the old order.
//   3. nrestore --list refuses a file whose footer or index is damaged or missing.
// Every device, FIFO and link is made inside the test's own temporary directory: no test points
// a tool at a system path.
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "libdump/format/archive.h"
#include "libdump/format/byte_io.h"
#include "ndump_test/special_files.h"
#include "tools.h"

namespace ndump_test {
namespace {

namespace fs = std::filesystem;
using libdump::format::ArchiveReader;
using libdump::format::BlockInfo;

// Three tables of a few blocks each, a schema, a view, an index and a function: enough that a
// restore has pre-data, data and post-data to do.
std::string SourceDatabase() {
  const std::string db = Cluster().CreateDatabase("rel");
  EXPECT_TRUE(Cluster().Psql(
      db,
      "CREATE SCHEMA app;"
      "CREATE FUNCTION app.twice(int) RETURNS int LANGUAGE sql AS 'SELECT $1 * 2';"
      "CREATE TABLE app.a (id int PRIMARY KEY, v text);"
      "CREATE TABLE app.b (id int PRIMARY KEY, v text);"
      "CREATE TABLE app.c (id int, v text);"
      "CREATE INDEX c_v ON app.c (v);"
      "CREATE VIEW app.av AS SELECT id FROM app.a;"
      "INSERT INTO app.a SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 30000) g;"
      "INSERT INTO app.b SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 30000) g;"
      "INSERT INTO app.c SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 30000) g;"));
  return db;
}

// Row counts of the catalogs a restore writes to, as one line: equal before and after a restore
// exactly when the restore created nothing (no schema, table, type, function, comment, ...).
std::string CatalogCounts(const std::string& db) {
  std::string sql = "SELECT concat_ws(','";
  for (const char* catalog :
       {"pg_class", "pg_type", "pg_proc", "pg_namespace", "pg_extension", "pg_description",
        "pg_constraint", "pg_trigger", "pg_attrdef", "pg_depend", "pg_rewrite", "pg_index",
        "pg_sequence", "pg_largeobject_metadata", "pg_default_acl", "pg_policy"}) {
    sql += std::string(", '") + catalog + "=' || (SELECT count(*) FROM pg_catalog." + catalog + ")";
  }
  return Cluster().Query(db, sql + ")");
}

std::string ArchiveBytes(const std::string& path) { return ReadFile(path).value_or(""); }

// The data blocks of `bytes` (from its index) and the dump id -> "schema.name" of their entries.
std::vector<BlockInfo> DataBlocks(const std::string& bytes,
                                  std::map<uint32_t, std::string>* names = nullptr) {
  libdump::MemorySource mem(bytes);
  auto reader = ArchiveReader::Open(&mem);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return {};
  const libdump::Status st = (*reader)->LoadIndex();
  EXPECT_TRUE(st.ok()) << st.ToString();
  if (names != nullptr) {
    for (const auto& e : (*reader)->toc()) (*names)[e.dump_id] = e.schema + "." + e.name;
  }
  return (*reader)->blocks();
}

// The middle of a data block's compressed payload, past its 40-byte header (archive_format.md
// §5.1): a byte there fails the block's payload checksum.
uint64_t PayloadMiddle(const BlockInfo& b) { return b.offset + 40 + b.stored_len / 2; }

std::string Flip(std::string bytes, uint64_t at) {
  bytes[at] = static_cast<char>(bytes[at] ^ 0x20);
  return bytes;
}

// Script text without psql's \restrict and \unrestrict lines, whose key is new every time.
std::string WithoutRestrictLines(const std::string& script) {
  std::string out;
  for (const std::string& line : Lines(script)) {
    if (line.rfind("\\restrict ", 0) == 0 || line.rfind("\\unrestrict ", 0) == 0) continue;
    out += line + "\n";
  }
  return out;
}

// --- 1. -f writes into what is at the path ---------------------------------------------------

TEST(OutputPath, DumpIntoACharDeviceKeepsTheDevice) {
  const std::string db = SourceDatabase();
  ScopedTempDir dir;
  const std::string dev = dir.File("null");
  ASSERT_TRUE(MakeNullDevice(dev));
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{}, std::vector<std::string>{"--no-sync", "-j", "2"}}) {
    std::vector<std::string> args = {"-d", Cluster().ConnInfo(db), "-f", dev};
    args.insert(args.end(), extra.begin(), extra.end());
    CommandResult r = Ndump(args);
    EXPECT_EQ(r.exit_code, kExitOk) << r.Describe();
    EXPECT_TRUE(IsNullDevice(dev)) << "ndump replaced the device";
    EXPECT_EQ(dir.List(), std::vector<std::string>{"null"});
  }
}

TEST(OutputPath, DumpIntoAFifoFeedsItsReaderAWholeArchive) {
  const std::string db = SourceDatabase();
  ScopedTempDir dir;
  const std::string fifo = dir.File("out.fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0) << std::strerror(errno);
  FifoReader reader(fifo);
  ASSERT_TRUE(reader.opened()) << std::strerror(errno);
  CommandResult r = Ndump({"-j", "2", "-d", Cluster().ConnInfo(db), "-f", fifo});
  EXPECT_EQ(r.exit_code, kExitOk) << r.Describe();
  ASSERT_TRUE(reader.Join()) << "the reader got no complete stream (" << reader.bytes().size()
                             << " bytes)";
  EXPECT_TRUE(IsFifo(fifo)) << "ndump replaced the FIFO";
  // What the reader got is a complete, valid archive of the database.
  const std::string got = dir.File("got.ndump");
  ASSERT_TRUE(WriteFile(got, reader.bytes()));
  CommandResult v = Nrestore({"--verify", got});
  EXPECT_EQ(v.exit_code, kExitOk) << v.Describe();
  const std::string copy = Cluster().CreateDatabase("copy");
  EXPECT_TRUE(RestoreFrom(copy, got));
  EXPECT_EQ(TableFingerprints(copy), TableFingerprints(db));
}

TEST(OutputPath, DumpThroughASymlinkRewritesItsTargetAndKeepsTheLink) {
  const std::string db = SourceDatabase();
  ScopedTempDir dir;
  ASSERT_TRUE(fs::create_directory(dir.File("store")));
  const std::string real = dir.File("store/real.ndump");
  const std::string link = dir.File("latest.ndump");
  ASSERT_TRUE(WriteFile(real, "yesterday's archive"));
  ASSERT_EQ(::symlink("store/real.ndump", link.c_str()), 0);
  CommandResult r = Ndump({"-d", Cluster().ConnInfo(db), "-f", link});
  EXPECT_EQ(r.exit_code, kExitOk) << r.Describe();
  EXPECT_TRUE(fs::is_symlink(link)) << "ndump replaced the link";
  EXPECT_EQ(fs::read_symlink(link), "store/real.ndump");
  EXPECT_EQ(dir.List(), (std::vector<std::string>{"latest.ndump", "store"}));
  EXPECT_EQ(fs::directory_iterator(dir.File("store"))->path().filename(), "real.ndump");
  CommandResult v = Nrestore({"--verify", real});
  EXPECT_EQ(v.exit_code, kExitOk) << v.Describe();
}

TEST(OutputPath, DumpThroughASymlinkToAFifo) {
  const std::string db = SourceDatabase();
  ScopedTempDir dir;
  const std::string fifo = dir.File("out.fifo");
  const std::string link = dir.File("link.ndump");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0) << std::strerror(errno);
  ASSERT_EQ(::symlink(fifo.c_str(), link.c_str()), 0);
  FifoReader reader(fifo);
  ASSERT_TRUE(reader.opened()) << std::strerror(errno);
  CommandResult r = Ndump({"-d", Cluster().ConnInfo(db), "-f", link});
  EXPECT_EQ(r.exit_code, kExitOk) << r.Describe();
  ASSERT_TRUE(reader.Join()) << "the reader got no complete stream";
  EXPECT_TRUE(IsFifo(fifo));
  EXPECT_TRUE(fs::is_symlink(link));
  const std::string got = dir.File("got.ndump");
  ASSERT_TRUE(WriteFile(got, reader.bytes()));
  CommandResult v = Nrestore({"--verify", got});
  EXPECT_EQ(v.exit_code, kExitOk) << v.Describe();
}

TEST(OutputPath, ScriptIntoAFifoADeviceAndThroughALink) {
  const std::string db = SourceDatabase();
  ScopedTempDir dir;
  const std::string archive = dir.File("a.ndump");
  ASSERT_TRUE(DumpTo(db, archive));
  const std::string plain = dir.File("plain.sql");
  CommandResult r = Nrestore({"-f", plain, archive});
  ASSERT_EQ(r.exit_code, kExitOk) << r.Describe();
  const std::string want = WithoutRestrictLines(ReadFile(plain).value_or(""));
  ASSERT_NE(want.find("CREATE TABLE"), std::string::npos) << want.substr(0, 2000);

  const std::string fifo = dir.File("script.fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0) << std::strerror(errno);
  {
    FifoReader reader(fifo);
    ASSERT_TRUE(reader.opened());
    r = Nrestore({"-f", fifo, archive});
    EXPECT_EQ(r.exit_code, kExitOk) << r.Describe();
    ASSERT_TRUE(reader.Join()) << "the reader got no complete script";
    EXPECT_EQ(WithoutRestrictLines(reader.bytes()), want);
    EXPECT_TRUE(IsFifo(fifo)) << "nrestore replaced the FIFO";
  }

  const std::string dev = dir.File("null");
  ASSERT_TRUE(MakeNullDevice(dev));
  const std::string link = dir.File("to-null.sql");
  ASSERT_EQ(::symlink("null", link.c_str()), 0);
  for (const std::string& out : {dev, link}) {
    r = Nrestore({"-f", out, archive});
    EXPECT_EQ(r.exit_code, kExitOk) << r.Describe();
    EXPECT_TRUE(IsNullDevice(dev)) << "nrestore -f " << out << " replaced the device";
  }
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(dir.List(), (std::vector<std::string>{"a.ndump", "null", "plain.sql", "script.fifo",
                                                  "to-null.sql"}));
}

// --- 2. a damaged file changes nothing --------------------------------------------------------

TEST(CheckFirst, DamagedDataBlockLeavesTheTargetUntouched) {
  const std::string db = SourceDatabase();
  ScopedTempDir dir;
  const std::string archive = dir.File("good.ndump");
  ASSERT_TRUE(DumpTo(db, archive));
  const std::string bytes = ArchiveBytes(archive);
  std::map<uint32_t, std::string> names;
  const std::vector<BlockInfo> blocks = DataBlocks(bytes, &names);
  ASSERT_GE(blocks.size(), 3u);
  // The last block in the file: on the old order, everything else had been committed by then.
  const BlockInfo& last = blocks.back();
  struct Damage {
    const char* what;
    uint64_t at;
    const char* message;
  };
  const std::vector<Damage> damages = {
      {"payload", last.offset + 40 + last.stored_len / 2, "payload checksum mismatch"},
      {"block header", last.offset + 6, "header checksum mismatch"},
      {"first block's payload", blocks.front().offset + 40 + 1, "payload checksum mismatch"},
  };
  for (const Damage& d : damages) {
    const std::string bad = dir.File("bad.ndump");
    ASSERT_TRUE(WriteFile(bad, Flip(bytes, d.at)));
    for (const char* jobs : {"1", "3"}) {
      SCOPED_TRACE(std::string(d.what) + ", -j " + jobs);
      const std::string target = Cluster().CreateDatabase("target");
      const std::string before = CatalogCounts(target);
      ASSERT_FALSE(before.empty());
      CommandResult r = Nrestore({"-j", jobs, "-d", Cluster().ConnInfo(target), bad});
      EXPECT_TRUE(IsToolError(r, "nrestore", kExitBadArchive, {d.message}));
      EXPECT_EQ(CatalogCounts(target), before) << "the failed restore changed the target";
      EXPECT_EQ(UserObjectCount(target), 0);
    }
  }
}

TEST(CheckFirst, VerboseReportsThePass) {
  const std::string db = SourceDatabase();
  ScopedTempDir dir;
  const std::string archive = dir.File("good.ndump");
  ASSERT_TRUE(DumpTo(db, archive));
  const size_t blocks = DataBlocks(ArchiveBytes(archive)).size();
  const std::string target = Cluster().CreateDatabase("target");
  CommandResult r = Nrestore({"-v", "-d", Cluster().ConnInfo(target), archive});
  ASSERT_EQ(r.exit_code, kExitOk) << r.Describe();
  EXPECT_NE(r.err.find("checking " + std::to_string(blocks) + " data blocks"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("checked " + std::to_string(blocks) + " data blocks in "), std::string::npos)
      << r.err;
  EXPECT_EQ(TableFingerprints(target), TableFingerprints(db));
  // The pass comes before the first statement: its message precedes the first object restored.
  EXPECT_LT(r.err.find("checked "), r.err.find("restored "));
}

TEST(CheckFirst, NoVerifyFirstFindsTheDamageWhileLoading) {
  const std::string db = SourceDatabase();
  ScopedTempDir dir;
  const std::string archive = dir.File("good.ndump");
  ASSERT_TRUE(DumpTo(db, archive));
  const std::string bytes = ArchiveBytes(archive);
  const std::vector<BlockInfo> blocks = DataBlocks(bytes);
  ASSERT_FALSE(blocks.empty());
  const std::string bad = dir.File("bad.ndump");
  ASSERT_TRUE(WriteFile(bad, Flip(bytes, PayloadMiddle(blocks.back()))));
  const std::string target = Cluster().CreateDatabase("target");
  CommandResult r = Nrestore({"--no-verify-first", "-v", "-d", Cluster().ConnInfo(target), bad});
  EXPECT_TRUE(r.exit_code == kExitBadArchive) << r.Describe();
  EXPECT_EQ(r.err.find("checking "), std::string::npos) << "the pass ran anyway";
  // The damage was found while loading: the schema was there by then.
  EXPECT_GT(UserObjectCount(target), 0);
}

TEST(CheckFirst, DamageInATableNotSelectedDoesNotStopTheRestore) {
  const std::string db = SourceDatabase();
  ScopedTempDir dir;
  const std::string archive = dir.File("good.ndump");
  ASSERT_TRUE(DumpTo(db, archive));
  const std::string bytes = ArchiveBytes(archive);
  std::map<uint32_t, std::string> names;
  const std::vector<BlockInfo> blocks = DataBlocks(bytes, &names);
  uint64_t at = 0;
  for (const BlockInfo& b : blocks) {
    if (names[b.dump_id] == "app.c") at = PayloadMiddle(b);
  }
  ASSERT_GT(at, 0u);
  const std::string bad = dir.File("bad.ndump");
  ASSERT_TRUE(WriteFile(bad, Flip(bytes, at)));
  // The pass reads what the restore will load: app.a's data is intact, so it goes in.
  const std::string target = Cluster().CreateDatabase("target");
  ASSERT_TRUE(Cluster().Psql(target, "CREATE SCHEMA app;"));
  CommandResult r = Nrestore({"-n", "app", "-t", "a", "-d", Cluster().ConnInfo(target), bad});
  EXPECT_EQ(r.exit_code, kExitOk) << r.Describe();
  EXPECT_EQ(Cluster().Query(target, "SELECT count(*) FROM app.a"), "30000");
  // With app.c selected, the damage stops the restore before anything is sent.
  const std::string whole = Cluster().CreateDatabase("target");
  const std::string before = CatalogCounts(whole);
  r = Nrestore({"-d", Cluster().ConnInfo(whole), bad});
  EXPECT_TRUE(IsToolError(r, "nrestore", kExitBadArchive, {"app.c"}));
  EXPECT_EQ(CatalogCounts(whole), before);
}

TEST(CheckFirst, ScriptOfADamagedFileWritesNothing) {
  const std::string db = SourceDatabase();
  ScopedTempDir dir;
  const std::string archive = dir.File("good.ndump");
  ASSERT_TRUE(DumpTo(db, archive));
  const std::string bytes = ArchiveBytes(archive);
  const std::vector<BlockInfo> blocks = DataBlocks(bytes);
  ASSERT_FALSE(blocks.empty());
  const std::string bad = dir.File("bad.ndump");
  ASSERT_TRUE(WriteFile(bad, Flip(bytes, PayloadMiddle(blocks.back()))));
  // To standard output, as `nrestore -f - FILE | psql` reads it: not one line of the script.
  CommandResult r = Nrestore({"-f", "-", bad});
  EXPECT_TRUE(IsToolError(r, "nrestore", kExitBadArchive, {"payload checksum mismatch"}));
  EXPECT_TRUE(r.out.empty()) << r.out.substr(0, 500);
  // -s leaves the data out, so the damage does not matter to it.
  r = Nrestore({"-s", "-f", "-", bad});
  EXPECT_EQ(r.exit_code, kExitOk) << r.Describe();
  EXPECT_NE(r.out.find("CREATE TABLE"), std::string::npos);
}

// --- 3. --list checks footer and index ---------------------------------------------------------

TEST(ListChecks, TruncatedFileIsRefused) {
  const std::string db = SourceDatabase();
  ScopedTempDir dir;
  const std::string archive = dir.File("good.ndump");
  ASSERT_TRUE(DumpTo(db, archive));
  const std::string bytes = ArchiveBytes(archive);
  const std::vector<BlockInfo> blocks = DataBlocks(bytes);
  ASSERT_FALSE(blocks.empty());
  CommandResult good = Nrestore({"--list", archive});
  ASSERT_EQ(good.exit_code, kExitOk) << good.Describe();
  const uint64_t index_at = blocks.back().offset + 40 + blocks.back().stored_len;
  for (const uint64_t keep :
       {uint64_t{bytes.size() - 1}, uint64_t{bytes.size() - 48}, index_at, index_at + 3,
        blocks.back().offset + 17, blocks.front().offset, uint64_t{bytes.size() / 2}}) {
    SCOPED_TRACE("kept " + std::to_string(keep) + " of " + std::to_string(bytes.size()));
    const std::string cut = dir.File("cut.ndump");
    ASSERT_TRUE(WriteFile(cut, bytes.substr(0, keep)));
    for (const char* flag : {"--list", "-l"}) {
      CommandResult r = Nrestore({flag, cut});
      EXPECT_TRUE(IsToolError(r, "nrestore", kExitBadArchive, {"incomplete", "footer"}));
      EXPECT_TRUE(r.out.empty()) << r.out;
    }
  }
}

TEST(ListChecks, FooterAndIndexDamageIsNamed) {
  const std::string db = SourceDatabase();
  ScopedTempDir dir;
  const std::string archive = dir.File("good.ndump");
  ASSERT_TRUE(DumpTo(db, archive));
  const std::string bytes = ArchiveBytes(archive);
  const std::vector<BlockInfo> blocks = DataBlocks(bytes);
  ASSERT_FALSE(blocks.empty());
  const uint64_t index_at = blocks.back().offset + 40 + blocks.back().stored_len;
  const uint64_t footer_at = bytes.size() - 48;
  ASSERT_GT(footer_at, index_at + 40);
  std::vector<std::pair<uint64_t, std::vector<std::string>>> flips;
  for (uint64_t i = 0; i < 48; i += 5) flips.push_back({footer_at + i, {"footer"}});
  flips.push_back({footer_at + 47, {"footer"}});
  for (uint64_t at : {index_at, index_at + 13, index_at + 39}) {
    flips.push_back({at, {"index"}});  // the index block's header
  }
  const uint64_t step = std::max<uint64_t>(1, (footer_at - index_at - 40) / 7);
  for (uint64_t at = index_at + 40; at < footer_at; at += step) {
    flips.push_back({at, {"index"}});  // its payload
  }
  for (const auto& [at, words] : flips) {
    SCOPED_TRACE("flipped byte " + std::to_string(at));
    const std::string bad = dir.File("bad.ndump");
    ASSERT_TRUE(WriteFile(bad, Flip(bytes, at)));
    CommandResult r = Nrestore({"--list", bad});
    EXPECT_TRUE(IsToolError(r, "nrestore", kExitBadArchive, words));
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  // A list from a pipe reads the stream only up to the TOC (documented): it cannot see its end.
  const CommandResult good = Nrestore({"--list", archive});
  ASSERT_EQ(good.exit_code, kExitOk) << good.Describe();
  RunOptions feed;
  feed.stdin_data = bytes.substr(0, index_at);
  CommandResult piped = Nrestore({"--list", "-"}, feed);
  EXPECT_EQ(piped.exit_code, kExitOk) << piped.Describe();
  EXPECT_EQ(piped.out, good.out);
}

TEST(ListChecks, GoldenDamagedArchives) {
  const std::string golden = std::string(NDUMP_SOURCE_DIR) + "/tests/golden/";
  // Damage a list can see: anywhere but inside a data block, which only a restore or --verify
  // reads.
  for (const char* name :
       {"bad-magic", "bad-future-major", "bad-unknown-header-flag", "bad-truncated-header",
        "bad-truncated-block", "bad-no-footer", "bad-truncated-footer", "bad-trailing-data",
        "bad-flip-header", "bad-flip-toc", "bad-flip-index", "bad-flip-footer"}) {
    SCOPED_TRACE(name);
    CommandResult r = Nrestore({"--list", golden + name + ".ndump"});
    EXPECT_TRUE(IsToolError(r, "nrestore", kExitBadArchive));
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  for (const char* name : {"bad-flip-block-header", "bad-flip-block-payload",
                           "bad-unknown-block-flag", "v1.1-small", "v1.0-small"}) {
    SCOPED_TRACE(name);
    CommandResult r = Nrestore({"--list", golden + name + ".ndump"});
    EXPECT_EQ(r.exit_code, kExitOk) << r.Describe();
  }
  for (const char* name : {"bad-flip-block-header", "bad-flip-block-payload"}) {
    CommandResult r = Nrestore({"--verify", golden + name + ".ndump"});
    EXPECT_TRUE(IsToolError(r, "nrestore", kExitBadArchive)) << name;
  }
}

}  // namespace
}  // namespace ndump_test
