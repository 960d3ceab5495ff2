// Cluster archives (archive_format.md §14): ClusterWriter and ClusterReader, all in memory.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "libdump/format/archive.h"
#include "libdump/format/cluster.h"

namespace libdump::format {
namespace {

// A small single-database archive: one entry with data of `rows` lines, in `block` sized
// blocks, uncompressed so that its size is predictable.
std::string SmallArchive(const std::string& database, int rows) {
  MemorySink sink;
  ArchiveHeader h;
  h.database = database;
  TocEntry e;
  e.dump_id = 1;
  e.kind = "TABLE DATA";
  e.section = Section::kData;
  e.name = "t";
  e.copy_sql = "COPY t FROM stdin;";
  WriterOptions w;
  w.compression = 0;
  auto writer = ArchiveWriter::Create(&sink, h, {e}, w);
  EXPECT_TRUE(writer.ok());
  auto stream = (*writer)->OpenStream(1);
  EXPECT_TRUE(stream.ok());
  for (int i = 0; i < rows; ++i) {
    const std::string line = database + " row " + std::to_string(i) + "\n";
    EXPECT_TRUE((*stream)->AppendBlock(line, 1).ok());
  }
  EXPECT_TRUE((*stream)->Close().ok());
  EXPECT_TRUE((*writer)->Finish().ok());
  return sink.data();
}

// Writes a cluster of the given part archives (part 0 first), the later parts' bytes
// interleaved `piece` bytes at a time, with the smallest chunk size (4 KiB).
std::string WriteCluster(const std::vector<std::pair<std::string, std::string>>& parts,
                         size_t piece) {
  MemorySink out;
  auto cw = ClusterWriter::Create(&out, ArchiveHeader{}, 4096);
  EXPECT_TRUE(cw.ok());
  std::vector<std::unique_ptr<ByteSink>> sinks;
  for (const auto& [db, bytes] : parts) {
    auto s = (*cw)->OpenPart(db);
    EXPECT_TRUE(s.ok());
    sinks.push_back(std::move(*s));
  }
  EXPECT_TRUE(sinks[0]->Write(parts[0].second.data(), parts[0].second.size()).ok());
  EXPECT_TRUE(sinks[0]->Commit().ok());
  std::vector<size_t> at(parts.size(), 0);
  bool more = true;
  while (more) {
    more = false;
    for (size_t i = 1; i < parts.size(); ++i) {
      const std::string& b = parts[i].second;
      if (at[i] >= b.size()) continue;
      const size_t n = std::min(piece, b.size() - at[i]);
      EXPECT_TRUE(sinks[i]->Write(b.data() + at[i], n).ok());
      at[i] += n;
      more = true;
    }
  }
  for (size_t i = 1; i < parts.size(); ++i) EXPECT_TRUE(sinks[i]->Commit().ok());
  EXPECT_TRUE((*cw)->Finish().ok());
  return out.data();
}

std::vector<std::pair<std::string, std::string>> ThreeParts() {
  return {{"", SmallArchive("", 0)},
          {"one", SmallArchive("one", 700)},
          {"two \"quoted\"", SmallArchive("two \"quoted\"", 300)}};
}

std::string ReadAllOf(ByteSource* src) {
  std::string out;
  char buf[1000];
  while (true) {
    auto n = src->Read(buf, sizeof buf);
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    if (!n.ok() || *n == 0) return out;
    out.append(buf, *n);
  }
}

TEST(ClusterFormat, EachPartReadsBackByteForByteThroughTheIndex) {
  const auto parts = ThreeParts();
  const std::string bytes = WriteCluster(parts, 1000);
  MemorySource src(bytes);
  auto r = ClusterReader::Open(&src);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->header().format_minor, kClusterFormatMinor);
  ASSERT_TRUE((*r)->LoadIndex().ok());
  ASSERT_EQ((*r)->parts().size(), 3u);
  for (uint32_t p = 0; p < 3; ++p) {
    EXPECT_EQ((*r)->parts()[p].database, parts[p].first);
    auto part = (*r)->OpenPart(p);
    ASSERT_TRUE(part.ok());
    EXPECT_EQ(ReadAllOf(part->get()), parts[p].second) << "part " << p;
    // And the single-database reader reads it as the file it is.
    auto ar = ArchiveReader::Open(part->get());
    ASSERT_TRUE(ar.ok());
    ASSERT_TRUE((*ar)->LoadIndex().ok());
    EXPECT_EQ((*ar)->header().database, parts[p].first);
  }
  // Parts 1 and 2 were written 1000 bytes at a time each, so their 4 KiB chunks interleave.
  const auto& one = (*r)->parts()[1].chunk_offsets;
  const auto& two = (*r)->parts()[2].chunk_offsets;
  ASSERT_GE(one.size(), 2u);
  ASSERT_GE(two.size(), 1u);
  EXPECT_LT(two[0], one.back());
}

TEST(ClusterFormat, PipeReadingGivesEachPartToItsOwnConsumer) {
  const auto parts = ThreeParts();
  MemorySource src(WriteCluster(parts, 700));
  src.set_seekable(false);
  auto r = ClusterReader::Open(&src);
  ASSERT_TRUE(r.ok());
  std::vector<std::string> got(3);
  std::vector<bool> part0_done_first(3, false);
  std::atomic<bool> part0_done{false};
  Status st = (*r)->ReadParts([&](uint32_t part, ByteSource* s) -> Status {
    part0_done_first[part] = part == 0 || part0_done.load();
    got[part] = ReadAllOf(s);
    if (part == 0) part0_done.store(true);
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  for (size_t p = 0; p < 3; ++p) {
    EXPECT_EQ(got[p], parts[p].second) << "part " << p;
    EXPECT_TRUE(part0_done_first[p]) << "part " << p << " began before part 0 was consumed";
  }
}

TEST(ClusterFormat, VerifyPassesOnFilesAndPipes) {
  const std::string bytes = WriteCluster(ThreeParts(), 512);
  for (bool seekable : {true, false}) {
    MemorySource src(bytes);
    src.set_seekable(seekable);
    auto r = ClusterReader::Open(&src);
    ASSERT_TRUE(r.ok());
    ClusterVerifyReport report;
    Status st = (*r)->Verify(&report);
    ASSERT_TRUE(st.ok()) << (seekable ? "file: " : "pipe: ") << st.ToString();
    EXPECT_EQ(report.parts, 3u);
    ASSERT_EQ(report.part_reports.size(), 3u);
    EXPECT_EQ(report.part_reports[1].data_entries, 1u);
    EXPECT_EQ(report.archive_bytes, bytes.size());
  }
}

// §10, §14.1: every byte is covered. A change to any byte of a cluster archive fails a full
// verification, on a file and on a pipe.
TEST(ClusterFormat, EveryChangedByteFailsVerification) {
  const std::string bytes =
      WriteCluster({{"", SmallArchive("", 0)}, {"a", SmallArchive("a", 3)}}, 100);
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string damaged = bytes;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x20);
    for (bool seekable : {true, false}) {
      MemorySource src(damaged);
      src.set_seekable(seekable);
      auto r = ClusterReader::Open(&src);
      if (!r.ok()) continue;
      EXPECT_FALSE((*r)->Verify(nullptr).ok())
          << "byte " << i << " of " << bytes.size() << (seekable ? " (file)" : " (pipe)");
    }
  }
}

TEST(ClusterFormat, TruncationAndTrailingBytesFail) {
  const std::string bytes = WriteCluster(ThreeParts(), 4096);
  for (size_t cut : {bytes.size() - 1, bytes.size() - 48, bytes.size() / 2}) {
    MemorySource src(bytes.substr(0, cut));
    auto r = ClusterReader::Open(&src);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE((*r)->Verify(nullptr).ok()) << "cut at " << cut;
  }
  MemorySource extra(bytes + "x");
  extra.set_seekable(false);
  auto r = ClusterReader::Open(&extra);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE((*r)->Verify(nullptr).ok());
}

TEST(ClusterFormat, SingleDatabaseReadersAndClusterReadersRefuseEachOther) {
  const std::string cluster = WriteCluster(ThreeParts(), 4096);
  MemorySource a(cluster);
  auto ar = ArchiveReader::Open(&a);
  ASSERT_FALSE(ar.ok());
  EXPECT_EQ(ar.status().code(), StatusCode::kUnsupported);  // §12: unknown header flag bit 2
  std::unique_ptr<ByteSource> replay;
  auto is = IsClusterArchive(&a, &replay);
  ASSERT_TRUE(is.ok());
  EXPECT_TRUE(*is);

  MemorySource b(SmallArchive("x", 1));
  auto cr = ClusterReader::Open(&b);
  ASSERT_FALSE(cr.ok());
  EXPECT_EQ(cr.status().code(), StatusCode::kInvalidArgument);
  is = IsClusterArchive(&b, &replay);
  ASSERT_TRUE(is.ok());
  EXPECT_FALSE(*is);

  // A pipe: the bytes the probe read come back through `replay`.
  MemorySource pipe(cluster);
  pipe.set_seekable(false);
  is = IsClusterArchive(&pipe, &replay);
  ASSERT_TRUE(is.ok() && *is);
  EXPECT_EQ(ReadAllOf(replay.get()), cluster);
}

TEST(ClusterFormat, WriterKeepsPartZeroFirstAndWhole) {
  MemorySink out;
  auto cw = ClusterWriter::Create(&out, ArchiveHeader{}, 4096);
  ASSERT_TRUE(cw.ok());
  auto globals = (*cw)->OpenPart("");
  auto db = (*cw)->OpenPart("d");
  ASSERT_TRUE(globals.ok() && db.ok());
  const std::string big(9000, 'x');
  // More than a chunk of part 1 before part 0 is committed: refused.
  EXPECT_EQ((*db)->Write(big.data(), big.size()).code(), StatusCode::kInvalidArgument);
  // Finish with a part never committed: refused.
  ASSERT_TRUE((*globals)->Write("g", 1).ok());
  ASSERT_TRUE((*globals)->Commit().ok());
  EXPECT_EQ((*cw)->Finish().code(), StatusCode::kInvalidArgument);
  // An empty part cannot be committed.
  auto empty = (*cw)->OpenPart("e");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ((*empty)->Commit().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace libdump::format
