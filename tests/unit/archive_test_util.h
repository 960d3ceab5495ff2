// Helpers shared by the archive format unit tests: TOC and content fixtures, readers that collect
// an archive's data, an error-injecting sink, and a builder that assembles archives block by block
// (to produce damage the real writer never would).
#ifndef NDUMP_TESTS_UNIT_ARCHIVE_TEST_UTIL_H_
#define NDUMP_TESTS_UNIT_ARCHIVE_TEST_UTIL_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "codec.h"
#include "compression.h"
#include "layout.h"
#include "libdump/format/archive.h"
#include "libdump/format/byte_io.h"
#include "libdump/status.h"

namespace libdump::format::testing {

// Asserts that a Status or Result failed with `code` and a message containing `fragment`.
#define EXPECT_ERROR(expr, code_, fragment)                                       \
  do {                                                                            \
    const ::libdump::Status st_ = ::libdump::format::testing::StatusOf(expr);     \
    EXPECT_EQ(st_.code(), (code_)) << st_.ToString();                             \
    EXPECT_THAT(st_.message(), ::testing::HasSubstr(fragment)) << st_.ToString(); \
  } while (0)

inline Status StatusOf(const Status& s) { return s; }
template <typename T>
Status StatusOf(const Result<T>& r) {
  return r.status();
}

inline ArchiveHeader TestHeader() {
  ArchiveHeader h;
  h.tool_version = "ndump 0.1.0-test";
  h.server_version = "15.18";
  h.server_version_num = 150018;
  h.database = "shop";
  h.encoding = "UTF8";
  h.created_unix_seconds = 1700000000;
  return h;
}

// A "TABLE DATA" entry public.t<id>.
inline TocEntry TableData(uint32_t id) {
  TocEntry e;
  e.dump_id = id;
  e.kind = "TABLE DATA";
  e.section = Section::kData;
  e.schema = "public";
  e.name = "t" + std::to_string(id);
  e.owner = "alice";
  e.copy_sql = "COPY public.t" + std::to_string(id) + " (a, b) FROM stdin;";
  e.size_estimate = 1000 * id;
  e.catalog_oid = 16384 + id;
  return e;
}

// An entry without data.
inline TocEntry Ddl(uint32_t id, std::string kind, std::string name) {
  TocEntry e;
  e.dump_id = id;
  e.kind = std::move(kind);
  e.section = Section::kPreData;
  e.schema = "public";
  e.name = std::move(name);
  e.owner = "alice";
  e.create_sql = "CREATE SOMETHING " + e.name + ";";
  e.drop_sql = "DROP SOMETHING " + e.name + ";";
  return e;
}

// Compressible COPY-like text of about `bytes` bytes.
inline std::string CopyText(size_t bytes, uint32_t seed) {
  std::string s;
  for (uint32_t row = 0; s.size() < bytes; ++row) {
    s += std::to_string(seed) + "\t" + std::to_string(row) + "\tsome text for row " +
         std::to_string(row * 7 + seed) + "\n";
  }
  s.resize(bytes);
  return s;
}

// Incompressible bytes (splitmix64).
inline std::string NoiseBytes(size_t n, uint64_t seed) {
  std::string s(n, '\0');
  uint64_t x = seed;
  for (size_t i = 0; i < n; ++i) {
    x += 0x9E3779B97F4A7C15ull;
    uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    s[i] = static_cast<char>(z ^ (z >> 31));
  }
  return s;
}

// The blocks to write for one entry.
struct EntryContent {
  uint32_t dump_id = 0;
  std::vector<std::string> blocks;
};

// Writes an archive in memory with the real writer, one entry after the other.
inline std::string WriteArchive(const std::vector<TocEntry>& toc,
                                const std::vector<EntryContent>& content,
                                const WriterOptions& options = WriterOptions()) {
  MemorySink sink;
  auto w = ArchiveWriter::Create(&sink, TestHeader(), toc, options);
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  if (!w.ok()) return "";
  for (const EntryContent& c : content) {
    auto s = (*w)->OpenStream(c.dump_id);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) return "";
    for (const std::string& b : c.blocks) {
      EXPECT_TRUE((*s)->AppendBlock(b, 3).ok());
    }
    EXPECT_TRUE((*s)->Close().ok());
  }
  const Status st = (*w)->Finish();
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(sink.committed());
  return sink.data();
}

// A small archive with data in two entries and one entry without data.
inline std::vector<TocEntry> SmallToc() {
  return {Ddl(1, "TABLE", "t42"), TableData(42), TableData(7)};
}
inline std::vector<EntryContent> SmallContent() {
  return {{42, {CopyText(300, 1), NoiseBytes(40, 2), CopyText(200, 3)}}, {7, {CopyText(100, 4)}}};
}

// Reads every block with NextBlock; returns dump_id -> concatenated raw data.
inline Result<std::map<uint32_t, std::string>> ReadSequential(ArchiveReader* r) {
  std::map<uint32_t, std::string> out;
  BlockInfo info;
  std::string raw;
  for (;;) {
    ASSIGN_OR_RETURN(const bool more, r->NextBlock(&info, &raw));
    if (!more) break;
    out[info.dump_id] += raw;
  }
  return out;
}

// Loads the index and reads every block with ReadBlock; returns dump_id -> concatenated data.
inline Result<std::map<uint32_t, std::string>> ReadRandom(ArchiveReader* r) {
  RETURN_IF_ERROR(r->LoadIndex());
  std::map<uint32_t, std::string> out;
  for (const EntryStats& s : r->stats()) {
    std::string& all = out[s.dump_id];
    std::string raw;
    for (const BlockInfo& b : r->BlocksOf(s.dump_id)) {
      RETURN_IF_ERROR(r->ReadBlock(b, &raw));
      all += raw;
    }
  }
  return out;
}

// The first failure of: open, verify (sequential, content hashes).
inline Status OpenAndVerify(const std::string& bytes, bool seekable) {
  MemorySource src(bytes);
  src.set_seekable(seekable);
  ASSIGN_OR_RETURN(auto r, ArchiveReader::Open(&src));
  return r->Verify(nullptr);
}

// The first failure of: open, load the index, read every block by random access.
inline Status OpenAndReadRandom(const std::string& bytes) {
  MemorySource src(bytes);
  ASSIGN_OR_RETURN(auto r, ArchiveReader::Open(&src));
  ASSIGN_OR_RETURN(auto data, ReadRandom(r.get()));
  (void)data;
  return Status::Ok();
}

// A sink that accepts `limit` bytes and then fails every write; optionally fails Commit.
class FailingSink final : public ByteSink {
 public:
  explicit FailingSink(size_t limit, bool fail_commit = false)
      : limit_(limit), fail_commit_(fail_commit) {}
  Status Write(const void* data, size_t n) override {
    ++writes_;
    if (data_.size() + n > limit_) {
      ++failures_;
      return Status::IoError("injected write failure after " + std::to_string(data_.size()) +
                             " bytes");
    }
    data_.append(static_cast<const char*>(data), n);
    return Status::Ok();
  }
  Status Commit() override {
    if (fail_commit_) return Status::IoError("injected commit failure");
    committed_ = true;
    return Status::Ok();
  }
  std::string Describe() const override { return "failing sink"; }
  bool committed() const { return committed_; }
  int failures() const { return failures_; }
  const std::string& data() const { return data_; }

 private:
  size_t limit_;
  bool fail_commit_;
  std::string data_;
  bool committed_ = false;
  int writes_ = 0;
  int failures_ = 0;
};

// The header bytes with chosen versions, flags and extra (unknown) header fields.
inline std::string HeaderBytes(uint16_t major, uint16_t minor, uint32_t flags,
                               const std::string& extra_fields = "") {
  const std::string standard = internal::EncodeHeader(TestHeader());
  const uint32_t len = internal::LoadU32(internal::Bytes(standard) + 16);
  std::string fields = standard.substr(layout::kHeaderFixedSize, len) + extra_fields;
  std::string out(reinterpret_cast<const char*>(layout::kHeaderMagic), layout::kMagicSize);
  internal::AppendU16(&out, major);
  internal::AppendU16(&out, minor);
  internal::AppendU32(&out, flags);
  internal::AppendU32(&out, static_cast<uint32_t>(fields.size()));
  out += fields;
  internal::AppendU64(&out, internal::Checksum(out));
  return out;
}

// Assembles an archive from hand-placed blocks. The index and statistics are derived from the
// blocks as added unless the test overrides them.
class ArchiveBuilder {
 public:
  explicit ArchiveBuilder(const std::vector<TocEntry>& toc, std::string header = "") : toc_(toc) {
    bytes_ = header.empty() ? internal::EncodeHeader(TestHeader()) : std::move(header);
    header_checksum_ =
        internal::LoadU64(internal::Bytes(bytes_) + bytes_.size() - layout::kChecksumSize);
    bytes_ += Block(layout::kKindToc, 0, 0, 0, internal::EncodeToc(toc));
  }

  // Appends raw bytes where the next block would go.
  void AppendRaw(const std::string& bytes) { bytes_ += bytes; }

  // Appends an uncompressed data block with the block flags `flags` (e.g. the end-of-entry mark)
  // and records it in the index.
  void AddBlock(uint32_t dump_id, uint32_t seq, const std::string& raw, uint32_t rows = 1,
                uint8_t flags = 0) {
    BlockInfo b;
    b.dump_id = dump_id;
    b.seq = seq;
    b.offset = bytes_.size();
    b.raw_len = static_cast<uint32_t>(raw.size());
    b.stored_len = b.raw_len;
    b.rows = rows;
    blocks_.push_back(b);
    content_[dump_id] += raw;
    internal::BlockHeader h;
    h.kind = layout::kKindData;
    h.flags = flags;
    h.dump_id = dump_id;
    h.seq = seq;
    h.raw_len = h.stored_len = b.raw_len;
    h.rows = rows;
    h.payload_checksum = internal::Checksum(raw);
    uint8_t hb[layout::kBlockHeaderSize];
    internal::EncodeBlockHeader(h, hb);
    bytes_.append(reinterpret_cast<const char*>(hb), sizeof hb);
    bytes_ += raw;
  }

  std::vector<BlockInfo>& blocks() { return blocks_; }

  // Statistics derived from the blocks added so far, one per TOC entry with data.
  std::vector<EntryStats> DerivedStats() const {
    std::vector<EntryStats> stats;
    for (const TocEntry& e : toc_) {
      if (!e.has_data()) continue;
      EntryStats s;
      s.dump_id = e.dump_id;
      for (const BlockInfo& b : blocks_) {
        if (b.dump_id != e.dump_id) continue;
        s.blocks += 1;
        s.rows += b.rows;
        s.raw_bytes += b.raw_len;
        s.stored_bytes += b.stored_len;
      }
      const auto it = content_.find(e.dump_id);
      s.content_hash =
          it == content_.end() ? layout::kEmptyContentHash : internal::Checksum(it->second);
      stats.push_back(s);
    }
    return stats;
  }

  // The index block, footer and everything before them.
  std::string Finish() const { return Finish(DerivedStats()); }
  std::string Finish(const std::vector<EntryStats>& stats) const {
    std::string out = bytes_;
    const std::string index =
        Block(layout::kKindIndex, 0, 0, 0, internal::EncodeIndex(blocks_, stats));
    internal::Footer f;
    f.index_offset = out.size();
    f.index_length = index.size();
    f.block_count = blocks_.size();
    f.header_checksum = header_checksum_;
    out += index;
    uint8_t footer[layout::kFooterSize];
    internal::EncodeFooter(f, footer);
    out.append(reinterpret_cast<const char*>(footer), sizeof footer);
    return out;
  }

  // The archive so far, without index or footer.
  const std::string& bytes() const { return bytes_; }

  static std::string Block(uint8_t kind, uint32_t dump_id, uint32_t seq, uint32_t rows,
                           const std::string& raw) {
    auto b = internal::EncodeBlock(nullptr, kind, dump_id, seq, rows, raw);
    EXPECT_TRUE(b.ok());
    return b.ok() ? *b : std::string();
  }

 private:
  std::vector<TocEntry> toc_;
  std::string bytes_;
  uint64_t header_checksum_ = 0;
  std::vector<BlockInfo> blocks_;
  std::map<uint32_t, std::string> content_;
};

// Where each structure of an archive starts, from its index.
struct Landmarks {
  uint64_t data_start = 0;
  std::vector<BlockInfo> blocks;
  uint64_t index_offset = 0;
  uint64_t footer_offset = 0;
};

inline Landmarks FindLandmarks(const std::string& bytes) {
  Landmarks l;
  MemorySource src(bytes);
  auto r = ArchiveReader::Open(&src);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return l;
  EXPECT_TRUE((*r)->LoadIndex().ok());
  l.blocks = (*r)->blocks();
  l.footer_offset = bytes.size() - layout::kFooterSize;
  l.index_offset = internal::LoadU64(internal::Bytes(bytes) + l.footer_offset + 8);
  l.data_start = l.blocks.empty() ? l.index_offset : l.blocks.front().offset;
  return l;
}

}  // namespace libdump::format::testing

#endif  // NDUMP_TESTS_UNIT_ARCHIVE_TEST_UTIL_H_
