// The golden archives (README.md): committed bytes that every future reader must keep reading
// exactly as it reads them today. Valid ones must give back exactly the TOC and data of
// golden_content.h, by every way of reading; must-fail ones must fail with the same code and
// message, read from a pipe or at random.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "golden_content.h"
#include "libdump/format/archive.h"
#include "libdump/format/byte_io.h"

namespace {

using libdump::MemorySource;
using libdump::Status;
using libdump::StatusCode;
using libdump::format::ArchiveReader;
using libdump::format::BlockInfo;
using libdump::format::TocEntry;
using libdump::format::VerifyReport;
using ::testing::HasSubstr;

std::string Golden(const std::string& name) {
  std::ifstream in(std::string(NDUMP_GOLDEN_DIR) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing golden file " << name;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The data of every entry, read from a pipe with NextBlock; also the blocks marked last.
Status ReadPipe(const std::string& bytes, std::map<uint32_t, std::string>* data,
                std::map<uint32_t, uint32_t>* last_seq) {
  MemorySource src(bytes);
  src.set_seekable(false);
  auto r = ArchiveReader::Open(&src);
  if (!r.ok()) return r.status();
  BlockInfo info;
  std::string raw;
  for (;;) {
    auto more = (*r)->NextBlock(&info, &raw);
    if (!more.ok()) return more.status();
    if (!*more) return Status::Ok();
    (*data)[info.dump_id] += raw;
    if (info.last) (*last_seq)[info.dump_id] = info.seq;
  }
}

// The data of every entry, through the index and ReadBlock.
Status ReadRandom(const std::string& bytes, std::map<uint32_t, std::string>* data) {
  MemorySource src(bytes);
  auto r = ArchiveReader::Open(&src);
  if (!r.ok()) return r.status();
  const Status st = (*r)->LoadIndex();
  if (!st.ok()) return st;
  std::string raw;
  for (const BlockInfo& b : (*r)->blocks()) {
    const Status read = (*r)->ReadBlock(b, &raw);
    if (!read.ok()) return read;
    (*data)[b.dump_id] += raw;
  }
  return Status::Ok();
}

void ExpectGoldenToc(const std::vector<TocEntry>& got) {
  const std::vector<TocEntry> want = ndump_golden::GoldenToc();
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE("TOC entry " + std::to_string(i));
    EXPECT_EQ(got[i].dump_id, want[i].dump_id);
    EXPECT_EQ(got[i].kind, want[i].kind);
    EXPECT_EQ(got[i].section, want[i].section);
    EXPECT_EQ(got[i].schema, want[i].schema);
    EXPECT_EQ(got[i].name, want[i].name);
    EXPECT_EQ(got[i].owner, want[i].owner);
    EXPECT_EQ(got[i].create_sql, want[i].create_sql);
    EXPECT_EQ(got[i].drop_sql, want[i].drop_sql);
    EXPECT_EQ(got[i].deps, want[i].deps);
    EXPECT_EQ(got[i].copy_sql, want[i].copy_sql);
    EXPECT_EQ(got[i].size_estimate, want[i].size_estimate);
    EXPECT_EQ(got[i].catalog_oid, want[i].catalog_oid);
  }
}

struct ValidCase {
  const char* file;
  uint16_t minor;
  bool marks;
  uint8_t compression;
};

class ValidGoldenTest : public ::testing::TestWithParam<ValidCase> {};

TEST_P(ValidGoldenTest, ReadsBackExactly) {
  const ValidCase& c = GetParam();
  const std::string bytes = Golden(c.file);
  ASSERT_FALSE(bytes.empty());
  MemorySource src(bytes);
  auto r = ArchiveReader::Open(&src);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto& h = (*r)->header();
  const auto want = ndump_golden::GoldenHeader();
  EXPECT_EQ(h.format_major, 1);
  EXPECT_EQ(h.format_minor, c.minor);
  EXPECT_EQ(h.entry_ends_marked, c.marks);
  EXPECT_EQ(h.compression, c.compression);
  EXPECT_EQ(h.tool_version, want.tool_version);
  EXPECT_EQ(h.server_version, want.server_version);
  EXPECT_EQ(h.server_version_num, want.server_version_num);
  EXPECT_EQ(h.database, want.database);
  EXPECT_EQ(h.encoding, want.encoding);
  EXPECT_EQ(h.created_unix_seconds, want.created_unix_seconds);
  ExpectGoldenToc((*r)->toc());

  VerifyReport rep;
  const Status verified = (*r)->Verify(&rep);
  ASSERT_TRUE(verified.ok()) << verified.ToString();
  EXPECT_EQ(rep.entries, 9u);
  EXPECT_EQ(rep.data_entries, 3u);
  EXPECT_EQ(rep.blocks, 7u);
  EXPECT_EQ(rep.raw_bytes, ndump_golden::GoldenData(5).size() + ndump_golden::GoldenData(6).size());
  EXPECT_EQ(rep.archive_bytes, bytes.size());

  const std::map<uint32_t, std::string> want_data = {{5, ndump_golden::GoldenData(5)},
                                                     {6, ndump_golden::GoldenData(6)}};
  std::map<uint32_t, std::string> piped, random;
  std::map<uint32_t, uint32_t> last_seq;
  const Status p = ReadPipe(bytes, &piped, &last_seq);
  ASSERT_TRUE(p.ok()) << p.ToString();
  EXPECT_EQ(piped, want_data);
  // Orders has 3 blocks, items 4; only 1.1 archives mark them.
  const std::map<uint32_t, uint32_t> want_last =
      c.marks ? std::map<uint32_t, uint32_t>{{5, 2}, {6, 3}} : std::map<uint32_t, uint32_t>{};
  EXPECT_EQ(last_seq, want_last);
  const Status rnd = ReadRandom(bytes, &random);
  ASSERT_TRUE(rnd.ok()) << rnd.ToString();
  EXPECT_EQ(random, want_data);
}

INSTANTIATE_TEST_SUITE_P(Golden, ValidGoldenTest,
                         ::testing::Values(ValidCase{"v1.1-small.ndump", 1, true, 1},
                                           ValidCase{"v1.1-uncompressed.ndump", 1, true, 0},
                                           ValidCase{"v1.0-small.ndump", 0, false, 1}),
                         [](const ::testing::TestParamInfo<ValidCase>& param_info) {
                           std::string name = param_info.param.file;
                           name = name.substr(0, name.find(".ndump"));
                           for (char& ch : name) {
                             if (ch == '.' || ch == '-') ch = '_';
                           }
                           return name;
                         });

// Format 1.5: the same TOC and data, with row fingerprints (archive_format.md §7.6) that every
// reader gives back and Verify recomputes, and the header's time_zone.
TEST(GoldenTest, V15Fingerprints) {
  const std::string bytes = Golden("v1.5-fingerprints.ndump");
  for (const bool seekable : {true, false}) {
    SCOPED_TRACE(seekable ? "file" : "pipe");
    MemorySource src(bytes);
    src.set_seekable(seekable);
    auto r = ArchiveReader::Open(&src);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ((*r)->header().format_minor, 5);
    EXPECT_EQ((*r)->header().time_zone, "Europe/Paris");
    ExpectGoldenToc((*r)->toc());
    const Status verified = (*r)->Verify(nullptr);
    ASSERT_TRUE(verified.ok()) << verified.ToString();
    const auto& stats = (*r)->stats();
    ASSERT_EQ(stats.size(), 3u);
    for (const auto& s : stats) {
      SCOPED_TRACE("entry " + std::to_string(s.dump_id));
      if (s.dump_id == 7) {  // the empty table: its stream was never opened
        EXPECT_EQ(s.fingerprint_form, libdump::format::RowForm::kNone);
        continue;
      }
      const std::string data = ndump_golden::GoldenData(s.dump_id);
      libdump::format::RowHasher h(libdump::format::RowForm::kText);
      h.Update(data);
      libdump::format::RowFingerprint want;
      ASSERT_TRUE(h.Finish(&want));
      EXPECT_EQ(s.fingerprint_form, libdump::format::RowForm::kText);
      EXPECT_EQ(s.fingerprint, want);
      EXPECT_EQ(s.fingerprint.rows,
                static_cast<uint64_t>(std::count(data.begin(), data.end(), '\n')));
    }
  }
  // The older golden files have no fingerprints.
  MemorySource old(Golden("v1.1-small.ndump"));
  auto r = ArchiveReader::Open(&old);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE((*r)->LoadIndex().ok());
  for (const auto& s : (*r)->stats()) {
    EXPECT_EQ(s.fingerprint_form, libdump::format::RowForm::kNone);
  }
}

TEST(GoldenTest, EmptyArchive) {
  const std::string bytes = Golden("v1.1-empty.ndump");
  MemorySource src(bytes);
  auto r = ArchiveReader::Open(&src);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE((*r)->toc().empty());
  EXPECT_EQ((*r)->header().database, "golden");
  VerifyReport rep;
  ASSERT_TRUE((*r)->Verify(&rep).ok());
  EXPECT_EQ(rep.entries, 0u);
  EXPECT_EQ(rep.blocks, 0u);
  EXPECT_EQ(rep.archive_bytes, bytes.size());
}

struct BadCase {
  const char* file;
  StatusCode code;
  const char* pipe_fragment;    // read from a pipe (NextBlock to the end)
  const char* random_fragment;  // LoadIndex + ReadBlock of every block
};

class BadGoldenTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadGoldenTest, FailsAsExpected) {
  const BadCase& c = GetParam();
  const std::string bytes = Golden(c.file);
  ASSERT_FALSE(bytes.empty());
  std::map<uint32_t, std::string> data;
  std::map<uint32_t, uint32_t> last_seq;
  const Status p = ReadPipe(bytes, &data, &last_seq);
  EXPECT_EQ(p.code(), c.code) << p.ToString();
  EXPECT_THAT(p.message(), HasSubstr(c.pipe_fragment));
  data.clear();
  const Status r = ReadRandom(bytes, &data);
  EXPECT_EQ(r.code(), c.code) << r.ToString();
  EXPECT_THAT(r.message(), HasSubstr(c.random_fragment));
}

constexpr StatusCode kCorrupt = StatusCode::kCorruption;
constexpr StatusCode kUnsupported = StatusCode::kUnsupported;

INSTANTIATE_TEST_SUITE_P(
    Golden, BadGoldenTest,
    ::testing::Values(
        BadCase{"bad-magic.ndump", kCorrupt, "not an ndump archive (bad magic)",
                "not an ndump archive (bad magic)"},
        BadCase{"bad-future-major.ndump", kUnsupported, "unsupported archive version 2.1",
                "unsupported archive version 2.1"},
        BadCase{"bad-unknown-header-flag.ndump", kUnsupported,
                "unsupported archive header flags 0x101", "unsupported archive header flags 0x101"},
        BadCase{"bad-unknown-block-flag.ndump", kUnsupported,
                "block at offset 893: unsupported block flags 0x41",
                "unsupported block flags 0x41"},
        BadCase{"bad-truncated-header.ndump", kCorrupt, "truncated archive header (got 15 of 20",
                "truncated archive header (got 15 of 20"},
        BadCase{"bad-truncated-block.ndump", kCorrupt,
                "truncated block 0 of entry 6 (TABLE DATA shop.items) payload at offset 893",
                "incomplete archive"},
        BadCase{"bad-no-footer.ndump", kCorrupt,
                "incomplete archive: no footer (input ends at offset 2805 after 7 data blocks)",
                "incomplete archive"},
        BadCase{"bad-truncated-footer.ndump", kCorrupt, "incomplete archive: truncated footer",
                "incomplete archive"},
        BadCase{"bad-trailing-data.ndump", kCorrupt,
                "trailing data after the footer at offset 3088", "incomplete archive"},
        BadCase{"bad-flip-header.ndump", kCorrupt, "header checksum mismatch",
                "header checksum mismatch"},
        BadCase{"bad-flip-toc.ndump", kCorrupt, "TOC checksum mismatch (payload at offset 120)",
                "TOC checksum mismatch"},
        BadCase{"bad-flip-block-header.ndump", kCorrupt,
                "block header checksum mismatch at offset 1341",
                "block 1 of entry 6 (TABLE DATA shop.items): header checksum mismatch at offset "
                "1341"},
        BadCase{"bad-flip-block-payload.ndump", kCorrupt,
                "block 1 of entry 6 (TABLE DATA shop.items): payload checksum mismatch at offset "
                "1341",
                "block 1 of entry 6 (TABLE DATA shop.items): payload checksum mismatch at offset "
                "1341"},
        BadCase{"bad-flip-index.ndump", kCorrupt,
                "index checksum mismatch (payload at offset 2805)",
                "index checksum mismatch (payload at offset 2805)"},
        BadCase{"bad-flip-footer.ndump", kCorrupt, "footer checksum mismatch at offset 3040",
                "footer checksum mismatch at offset 3040"}),
    [](const ::testing::TestParamInfo<BadCase>& param_info) {
      std::string name = param_info.param.file;
      name = name.substr(4, name.find(".ndump") - 4);
      for (char& ch : name) {
        if (ch == '-') ch = '_';
      }
      return name;
    });

}  // namespace
