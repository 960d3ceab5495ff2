// The archive format end to end, with a throwaway server: restores streamed from a pipe (in
// parallel, with interleaved blocks, from 1.0 archives), dumps killed midway, truncated streams,
// and nrestore --verify.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <vector>

#include "libdump/format/archive.h"
#include "libdump/format/byte_io.h"
#include "ndump_test/cluster.h"
#include "ndump_test/compare.h"
#include "ndump_test/process.h"

namespace ndump_test {
namespace {

using libdump::format::ArchiveReader;
using libdump::format::ArchiveWriter;
using libdump::format::BlockInfo;
using libdump::format::EntryStream;
using libdump::format::WriterOptions;

constexpr int kExitDamaged = 4;
constexpr int kExitInterrupted = 5;

TestCluster& Cluster() { return TestCluster::Get(); }

CommandResult Tool(const std::string& tool, std::vector<std::string> args,
                   const RunOptions& options = {}) {
  args.insert(args.begin(), tool);
  return RunCommand(args, options);
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

// The tools' error contract: exit code, one stderr line "nrestore: error: ..." containing every
// fragment.
::testing::AssertionResult IsError(const CommandResult& r, int code,
                                   const std::vector<std::string>& fragments) {
  if (r.exit_code != code) {
    return ::testing::AssertionFailure() << "expected exit " << code << "\n" << r.Describe();
  }
  const std::vector<std::string> lines = Lines(r.err);
  if (lines.size() != 1 || lines[0].rfind("nrestore: error: ", 0) != 0) {
    return ::testing::AssertionFailure() << "expected one error line\n" << r.Describe();
  }
  for (const std::string& f : fragments) {
    if (lines[0].find(f) == std::string::npos) {
      return ::testing::AssertionFailure() << "the error does not mention [" << f << "]\n"
                                           << r.Describe();
    }
  }
  return ::testing::AssertionSuccess();
}

// The foundation fixture plus four tables of several MiB of COPY text each (several 1 MiB blocks
// each, so that a parallel dump interleaves them).
std::string LargeDatabase() {
  const std::string db = Cluster().CreateDatabase("src");
  EXPECT_TRUE(Cluster().PsqlFile(db, std::string(NDUMP_SQL_DIR) + "/foundation.sql"));
  EXPECT_TRUE(Cluster().Psql(
      db,
      "CREATE SCHEMA big;"
      "CREATE TABLE big.a (id int PRIMARY KEY, t text);"
      "INSERT INTO big.a SELECT g, md5(g::text) || ' row ' || g FROM generate_series(1, 150000) g;"
      "CREATE TABLE big.b (id bigint, x text, y numeric);"
      "INSERT INTO big.b SELECT g, repeat(md5(g::text), 3), g / 7.0 "
      "  FROM generate_series(1, 60000) g;"
      "CREATE TABLE big.c (k int, v int, w text);"
      "INSERT INTO big.c SELECT g, g * 31 % 1000, 'c' || (g % 97) FROM generate_series(1, 250000) "
      "g;"
      "CREATE TABLE big.d (id int, payload bytea);"
      "INSERT INTO big.d SELECT g, sha256(g::text::bytea) || sha256((g+1)::text::bytea) "
      "  FROM generate_series(1, 40000) g;"));
  return db;
}

// `ndump -j N -f - | nrestore -j M -` between two databases, through a real pipe; pipefail so that
// either side's failure shows.
CommandResult ShellPipe(const std::string& src, int dump_jobs, const std::string& copy,
                        int restore_jobs) {
  return RunCommand({"bash", "-c",
                     "set -o pipefail; \"$0\" -j \"$1\" -d \"$2\" -f - | "
                     "\"$3\" -j \"$4\" -d \"$5\" -",
                     NDUMP_BIN, std::to_string(dump_jobs), Cluster().ConnInfo(src), NRESTORE_BIN,
                     std::to_string(restore_jobs), Cluster().ConnInfo(copy)});
}

std::string DumpFile(const std::string& db, const ScopedTempDir& dir, int jobs = 2) {
  const std::string path = dir.File("db.ndump");
  CommandResult r =
      Tool(NDUMP_BIN, {"-j", std::to_string(jobs), "-d", Cluster().ConnInfo(db), "-f", path});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  return ReadFile(path).value_or("");
}

// The archive rewritten with the blocks of all its entries interleaved round robin (one block of
// each entry in turn), which maximizes what a streaming restore must juggle: with -j 1, every
// entry but one is waiting at any time.
std::string Interleaved(const std::string& archive, bool mark_entry_ends) {
  libdump::MemorySource src(archive);
  auto r = ArchiveReader::Open(&src);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok() || !(*r)->LoadIndex().ok()) return "";
  std::map<uint32_t, std::vector<BlockInfo>> blocks;
  for (const BlockInfo& b : (*r)->blocks()) blocks[b.dump_id].push_back(b);
  WriterOptions options;
  options.mark_entry_ends = mark_entry_ends;
  libdump::MemorySink sink;
  std::vector<libdump::format::TocEntry> toc = (*r)->toc();
  if (!mark_entry_ends) {
    // The archive a 1.0 writer would have written: without the TOC fields of 1.2 and 1.3
    // either.
    for (auto& e : toc) {
      e.index_sql.clear();
      e.attach_sql.clear();
      e.char_columns.clear();
    }
  }
  auto w = ArchiveWriter::Create(&sink, (*r)->header(), toc, options);
  EXPECT_TRUE(w.ok());
  if (!w.ok()) return "";
  std::map<uint32_t, std::unique_ptr<EntryStream>> streams;
  for (const auto& [id, list] : blocks) {
    auto s = (*w)->OpenStream(id);
    EXPECT_TRUE(s.ok());
    if (!s.ok()) return "";
    streams[id] = std::move(*s);
  }
  std::string raw;
  for (size_t round = 0;; ++round) {
    bool any = false;
    for (const auto& [id, list] : blocks) {
      if (round >= list.size()) continue;
      any = true;
      EXPECT_TRUE((*r)->ReadBlock(list[round], &raw).ok());
      EXPECT_TRUE(streams[id]->AppendBlock(raw, list[round].rows).ok());
    }
    if (!any) break;
  }
  for (auto& [id, s] : streams) EXPECT_TRUE(s->Close().ok());
  EXPECT_TRUE((*w)->Finish().ok());
  return sink.data();
}

// Restores `archive` fed through nrestore's standard input (a pipe).
CommandResult RestoreFromStdin(const std::string& archive, const std::string& copy, int jobs,
                               const std::string& tmpdir = "") {
  RunOptions feed;
  feed.stdin_data = archive;
  if (!tmpdir.empty()) feed.env.push_back({"TMPDIR", tmpdir});
  return Tool(NRESTORE_BIN, {"-v", "-j", std::to_string(jobs), "-d", Cluster().ConnInfo(copy), "-"},
              feed);
}

// Every user table of `copy` has either all the rows it has in `src`, or none. The journal a
// stopped restore keeps for --resume (docs/manual.md, "Resuming a restore") is not the source's:
// its rows name the data entries loaded, each of which must be complete.
void ExpectNoHalfLoadedTable(const std::string& src, const std::string& copy) {
  const auto want = TableFingerprints(src);
  const auto got = TableFingerprints(copy);
  for (const auto& [name, fp] : got) {
    if (name.starts_with("_nrestore_journal.")) continue;
    const auto it = want.find(name);
    ASSERT_NE(it, want.end()) << name;
    EXPECT_TRUE(fp.rows == 0 || fp == it->second)
        << name << " has " << fp.rows << " rows of " << it->second.rows;
  }
}

// --- (a), (b): streaming restores -------------------------------------------------------------

TEST(StreamRestore, ParallelDumpIntoParallelRestoreThroughAPipe) {
  const std::string src = LargeDatabase();
  const std::string copy = Cluster().CreateDatabase("copy");
  CommandResult r = ShellPipe(src, 4, copy, 4);
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_SAME_DATABASE(src, copy);
}

TEST(StreamRestore, ParallelDumpIntoOneConnection) {
  // The dump interleaves up to 4 tables; one restore connection must take them one at a time
  // without deadlocking or holding everything in memory.
  const std::string src = LargeDatabase();
  const std::string copy = Cluster().CreateDatabase("copy");
  CommandResult r = ShellPipe(src, 4, copy, 1);
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_SAME_DATABASE(src, copy);
}

TEST(StreamRestore, FullyInterleavedArchiveWithFewerConnectionsThanTables) {
  const std::string src = LargeDatabase();
  ScopedTempDir dir;
  const std::string archive = Interleaved(DumpFile(src, dir), /*mark_entry_ends=*/true);
  ASSERT_FALSE(archive.empty());
  for (int jobs : {1, 2}) {
    SCOPED_TRACE("jobs " + std::to_string(jobs));
    ScopedTempDir tmp("ndt-spill");
    const std::string copy = Cluster().CreateDatabase("copy");
    CommandResult r = RestoreFromStdin(archive, copy, jobs, tmp.path());
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
    // Tables waiting for a connection went through the spill file, which is gone afterwards.
    EXPECT_NE(r.err.find("to a temporary file while every connection was busy"), std::string::npos)
        << r.err;
    EXPECT_TRUE(tmp.List().empty());
    EXPECT_SAME_DATABASE(src, copy);
  }
}

TEST(StreamRestore, VersionOneZeroArchiveFromAPipe) {
  // Without end-of-entry marks, entries end only at the index; the restore still completes.
  const std::string src = LargeDatabase();
  ScopedTempDir dir;
  const std::string archive = Interleaved(DumpFile(src, dir), /*mark_entry_ends=*/false);
  ASSERT_EQ(archive.substr(8, 4), std::string("\x01\x00\x00\x00", 4));  // format 1.0
  const std::string copy = Cluster().CreateDatabase("copy");
  CommandResult r = RestoreFromStdin(archive, copy, 2);
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_SAME_DATABASE(src, copy);
}

// --- (c): a dump killed midway leaves nothing --verify accepts ---------------------------------

// Runs ndump into dir/out.ndump, sends `signal` once the partial file holds more than 1 MB, and
// returns ndump's exit status as printed by the script.
CommandResult DumpAndKill(const std::string& db, const ScopedTempDir& dir, const char* signal) {
  const char* script =
      "\"$0\" -j 2 -d \"$1\" -f \"$2/out.ndump\" & pid=$!\n"
      "for i in $(seq 1 1200); do\n"
      "  size=$(stat -c %s \"$2\"/out.ndump.partial.* 2>/dev/null | head -n 1)\n"
      "  [ \"${size:-0}\" -gt 1000000 ] && break\n"
      "  kill -0 $pid 2>/dev/null || break\n"
      "  sleep 0.05\n"
      "done\n"
      "kill -\"$3\" $pid\n"
      "wait $pid\n"
      "echo \"status=$?\"\n";
  return RunCommand({"bash", "-c", script, NDUMP_BIN, Cluster().ConnInfo(db), dir.path(), signal});
}

std::string BigTableDatabase() {
  const std::string db = Cluster().CreateDatabase("killme");
  EXPECT_TRUE(Cluster().Psql(db,
                             "CREATE TABLE t (id int, a text, b text);"
                             "INSERT INTO t SELECT g, md5(g::text), md5((g * 7)::text) "
                             "FROM generate_series(1, 1500000) g;"));
  return db;
}

TEST(KilledDump, SigkillLeavesOnlyAnIncompletePartialFile) {
  const std::string db = BigTableDatabase();
  ScopedTempDir dir;
  CommandResult r = DumpAndKill(db, dir, "KILL");
  ASSERT_NE(r.out.find("status=137"), std::string::npos) << r.Describe();
  const std::vector<std::string> files = dir.List();
  ASSERT_EQ(files.size(), 1u);  // no out.ndump, only the partial file
  EXPECT_EQ(files[0].rfind("out.ndump.partial.", 0), 0u) << files[0];
  CommandResult v = Tool(NRESTORE_BIN, {"--verify", dir.File(files[0])});
  EXPECT_TRUE(IsError(v, kExitDamaged, {"incomplete archive"}));
  EXPECT_TRUE(v.out.empty()) << v.out;
  // The same bytes through a pipe are refused as well.
  RunOptions feed;
  feed.stdin_data = ReadFile(dir.File(files[0])).value_or("");
  CommandResult p = Tool(NRESTORE_BIN, {"--verify", "-"}, feed);
  EXPECT_EQ(p.exit_code, kExitDamaged) << p.Describe();
}

TEST(KilledDump, SigintRemovesThePartialFile) {
  const std::string db = BigTableDatabase();
  ScopedTempDir dir;
  CommandResult r = DumpAndKill(db, dir, "INT");
  ASSERT_NE(r.out.find("status=" + std::to_string(kExitInterrupted)), std::string::npos)
      << r.Describe();
  EXPECT_TRUE(dir.List().empty());
  CommandResult v = Tool(NRESTORE_BIN, {"--verify", dir.File("out.ndump")});
  EXPECT_NE(v.exit_code, 0) << v.Describe();
}

// --- (d): a truncated stream ------------------------------------------------------------------

TEST(TruncatedStream, LoadsExactlyTheEntriesThatEndedBeforeTheCut) {
  const std::string src = LargeDatabase();
  ScopedTempDir dir;
  const std::string archive = DumpFile(src, dir, 4);
  ASSERT_GT(archive.size(), 1000000u);
  libdump::MemorySource mem(archive);
  auto reader = ArchiveReader::Open(&mem);
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE((*reader)->LoadIndex().ok());
  const std::vector<BlockInfo> blocks = (*reader)->blocks();
  ASSERT_GT(blocks.size(), 8u);
  const uint64_t index_at = blocks.back().offset + 40 + blocks.back().stored_len;
  // Where each big.* table's data ends in the archive (its last block's end).
  std::map<std::string, uint64_t> ends;
  for (const auto& e : (*reader)->toc()) {
    if (!e.has_data() || e.schema != "big") continue;
    const std::vector<BlockInfo> own = (*reader)->BlocksOf(e.dump_id);
    ASSERT_FALSE(own.empty());
    ends["big." + e.name] = own.back().offset + 40 + own.back().stored_len;
  }
  ASSERT_EQ(ends.size(), 4u);
  // A cut in the middle of the block that ends the table finishing halfway through the data.
  std::vector<uint64_t> sorted_ends;
  for (const auto& [name, end] : ends) sorted_ends.push_back(end);
  std::sort(sorted_ends.begin(), sorted_ends.end());
  const uint64_t middle_end = sorted_ends[1];
  uint64_t middle_cut = 0;
  for (const BlockInfo& b : blocks) {
    if (b.offset + 40 + b.stored_len == middle_end) middle_cut = b.offset + 40 + b.stored_len / 2;
  }
  ASSERT_GT(middle_cut, 0u);

  struct Cut {
    const char* what;
    uint64_t at;
    const char* message;
  };
  const std::vector<Cut> cuts = {
      {"inside a block", middle_cut, "truncated block"},
      {"before the index", index_at, "incomplete archive"},
      {"inside the footer", archive.size() - 20, "incomplete archive"},
  };
  const auto want = TableFingerprints(src);
  for (const Cut& cut : cuts) {
    SCOPED_TRACE(cut.what);
    const std::string copy = Cluster().CreateDatabase("copy");
    RunOptions feed;
    feed.stdin_data = archive.substr(0, cut.at);
    CommandResult r = Tool(NRESTORE_BIN, {"-j", "3", "-d", Cluster().ConnInfo(copy), "-"}, feed);
    // One warning naming the entries loaded completely, then the error.
    std::vector<std::string> lines = Lines(r.err);
    ASSERT_EQ(lines.size(), 2u) << r.Describe();
    const std::string warning = lines[0];
    EXPECT_EQ(warning.rfind("nrestore: warning: the archive failed part-way: ", 0), 0u) << warning;
    r.err = lines[1] + "\n";
    EXPECT_TRUE(IsError(r, kExitDamaged, {cut.message}));
    // The database is left partially restored (documented): a table whose data ended before the
    // cut is loaded whole, whatever the timing of the workers; any other is empty. The warning
    // names exactly the loaded ones.
    ExpectNoHalfLoadedTable(src, copy);
    const auto got = TableFingerprints(copy);
    for (const auto& [name, end] : ends) {
      ASSERT_EQ(got.count(name), 1u) << name;
      const std::string entry = "TABLE DATA " + name;
      const size_t at = warning.find(entry);
      const bool named = at != std::string::npos &&
                         (at + entry.size() == warning.size() || warning[at + entry.size()] == ',');
      if (end <= cut.at) {
        EXPECT_EQ(got.at(name), want.at(name)) << name << " ended before the cut";
        EXPECT_TRUE(named) << name << " is not named complete: " << warning;
      } else {
        EXPECT_EQ(got.at(name).rows, 0) << name << " did not end before the cut";
        EXPECT_FALSE(named) << name << " is named complete: " << warning;
      }
    }
  }
}

TEST(TruncatedStream, InterruptedRestoreExitsFive) {
  // Half the archive, then a stalled pipe: SIGINT arrives while the restore waits for input.
  const std::string src = LargeDatabase();
  ScopedTempDir dir;
  const std::string archive = DumpFile(src, dir, 4);
  ASSERT_TRUE(WriteFile(dir.File("half.ndump"), archive.substr(0, archive.size() / 2)));
  const std::string copy = Cluster().CreateDatabase("copy");
  const char* script =
      "{ cat \"$2\"; sleep 4; } | \"$0\" -j 2 -d \"$1\" - & pid=$!\n"
      "sleep 2\n"
      "kill -INT $pid\n"  // $! of a pipeline is its last command: nrestore
      "wait $pid\n"
      "echo \"status=$?\"\n";
  CommandResult r = RunCommand(
      {"bash", "-c", script, NRESTORE_BIN, Cluster().ConnInfo(copy), dir.File("half.ndump")});
  EXPECT_NE(r.out.find("status=" + std::to_string(kExitInterrupted)), std::string::npos)
      << r.Describe();
  ExpectNoHalfLoadedTable(src, copy);
}

// --- (e): nrestore --verify ---------------------------------------------------------------------

TEST(Verify, GoodArchivePrintsTheSummary) {
  const std::string src = LargeDatabase();
  ScopedTempDir dir;
  const std::string archive = DumpFile(src, dir);
  libdump::MemorySource mem(archive);
  auto reader = ArchiveReader::Open(&mem);
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE((*reader)->LoadIndex().ok());
  uint64_t raw = 0;
  for (const BlockInfo& b : (*reader)->blocks()) raw += b.raw_len;

  CommandResult r = Tool(NRESTORE_BIN, {"--verify", dir.File("db.ndump")});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_TRUE(r.err.empty()) << r.err;
  const std::vector<std::string> want = {
      "archive: " + dir.File("db.ndump"),
      "status: valid",
      "entries: " + std::to_string((*reader)->toc().size()),
      "data blocks: " + std::to_string((*reader)->blocks().size()),
      "raw bytes: " + std::to_string(raw),
      "archive bytes: " + std::to_string(archive.size()),
  };
  const std::vector<std::string> lines = Lines(r.out);
  for (const std::string& line : want) {
    EXPECT_NE(std::find(lines.begin(), lines.end(), line), lines.end())
        << "missing [" << line << "] in\n"
        << r.out;
  }
  EXPECT_NE(r.out.find("compression ratio: "), std::string::npos);
  // From a pipe: the same summary.
  RunOptions feed;
  feed.stdin_data = archive;
  CommandResult p = Tool(NRESTORE_BIN, {"--verify", "-"}, feed);
  ASSERT_EQ(p.exit_code, 0) << p.Describe();
  EXPECT_NE(p.out.find("raw bytes: " + std::to_string(raw)), std::string::npos) << p.out;
}

TEST(Verify, DamagedBlockIsNamed) {
  const std::string src = LargeDatabase();
  ScopedTempDir dir;
  std::string archive = DumpFile(src, dir);
  libdump::MemorySource mem(archive);
  auto reader = ArchiveReader::Open(&mem);
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE((*reader)->LoadIndex().ok());
  // The third block of big.a.
  const libdump::format::TocEntry* entry = nullptr;
  for (const auto& e : (*reader)->toc()) {
    if (e.kind == "TABLE DATA" && e.schema == "big" && e.name == "a") entry = &e;
  }
  ASSERT_NE(entry, nullptr);
  const std::vector<BlockInfo> blocks = (*reader)->BlocksOf(entry->dump_id);
  ASSERT_GE(blocks.size(), 3u);
  const BlockInfo b = blocks[2];
  archive[b.offset + 40 + b.stored_len / 2] ^= 0x10;
  ASSERT_TRUE(WriteFile(dir.File("bad.ndump"), archive));

  const std::string block_name = "block 2 of entry " + std::to_string(entry->dump_id) +
                                 " (TABLE DATA big.a): payload checksum mismatch at offset " +
                                 std::to_string(b.offset);
  CommandResult r = Tool(NRESTORE_BIN, {"--verify", dir.File("bad.ndump")});
  EXPECT_TRUE(IsError(r, kExitDamaged, {block_name}));
  EXPECT_TRUE(r.out.empty()) << r.out;
  RunOptions feed;
  feed.stdin_data = archive;
  CommandResult p = Tool(NRESTORE_BIN, {"--verify", "-"}, feed);
  EXPECT_TRUE(IsError(p, kExitDamaged, {block_name}));
  // Restoring it from a pipe stops at that block with the same message.
  const std::string copy = Cluster().CreateDatabase("copy");
  CommandResult restore =
      Tool(NRESTORE_BIN, {"-j", "2", "-d", Cluster().ConnInfo(copy), "-"}, feed);
  // The error comes after one warning naming the entries loaded before the damage; big.a is
  // not among them.
  const std::vector<std::string> lines = Lines(restore.err);
  ASSERT_EQ(lines.size(), 2u) << restore.Describe();
  EXPECT_EQ(lines[0].rfind("nrestore: warning: the archive failed part-way: ", 0), 0u) << lines[0];
  EXPECT_EQ(lines[0].find("TABLE DATA big.a"), std::string::npos) << lines[0];
  restore.err = lines[1] + "\n";
  EXPECT_TRUE(IsError(restore, kExitDamaged, {block_name}));
  ExpectNoHalfLoadedTable(src, copy);
}

}  // namespace
}  // namespace ndump_test
