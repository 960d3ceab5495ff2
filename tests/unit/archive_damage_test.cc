// Every kind of damage an archive can suffer is detected and reported with its own error
// (archive_format.md §10, §11.5). One test per damage class, plus exhaustive byte-flip and
// truncation sweeps that prove every byte is covered.
#include <xxhash.h>

#include "archive_test_util.h"

namespace libdump::format::testing {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;

std::string Flip(std::string bytes, uint64_t at, uint8_t mask = 0x01) {
  bytes[at] = static_cast<char>(static_cast<uint8_t>(bytes[at]) ^ mask);
  return bytes;
}

size_t HeaderSize(const std::string& bytes) {
  return layout::kHeaderFixedSize + internal::LoadU32(internal::Bytes(bytes) + 16) +
         layout::kChecksumSize;
}

class DamageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriterOptions o;
    o.compression = 1;
    archive_ = WriteArchive(SmallToc(), SmallContent(), o);
    ASSERT_FALSE(archive_.empty());
    marks_ = FindLandmarks(archive_);
    ASSERT_EQ(marks_.blocks.size(), 4u);
  }

  // The first failure reading `bytes` through a reader, each way.
  static Status Sequential(const std::string& bytes) { return OpenAndVerify(bytes, false); }
  static Status Seekable(const std::string& bytes) { return OpenAndVerify(bytes, true); }
  static Status Random(const std::string& bytes) { return OpenAndReadRandom(bytes); }

  // ReadBlock of block `i` (per the undamaged index) in `bytes`.
  Status ReadOne(const std::string& bytes, size_t i) const {
    MemorySource src(bytes);
    ASSIGN_OR_RETURN(auto r, ArchiveReader::Open(&src));
    std::string raw;
    return r->ReadBlock(marks_.blocks[i], &raw);
  }

  std::string archive_;
  Landmarks marks_;
};

TEST_F(DamageTest, UndamagedArchivePassesEveryReader) {
  EXPECT_TRUE(Sequential(archive_).ok()) << Sequential(archive_).ToString();
  EXPECT_TRUE(Seekable(archive_).ok());
  EXPECT_TRUE(Random(archive_).ok());
}

TEST_F(DamageTest, BadMagic) {
  std::string bytes = archive_;
  bytes.replace(0, 5, "PGDMP");
  EXPECT_ERROR(Seekable(bytes), StatusCode::kCorruption, "not an ndump archive (bad magic)");
  EXPECT_ERROR(Sequential("hello"), StatusCode::kCorruption, "not an ndump archive (bad magic)");
  EXPECT_ERROR(Sequential(""), StatusCode::kCorruption, "not an ndump archive (empty input)");
}

TEST_F(DamageTest, UnsupportedMajorVersion) {
  EXPECT_ERROR(Seekable(HeaderBytes(2, 0, 0)), StatusCode::kUnsupported,
               "unsupported archive version 2.0");
  EXPECT_ERROR(Seekable(HeaderBytes(0, 9, 0)), StatusCode::kUnsupported,
               "unsupported archive version 0.9");
  // The version is checked before anything after the fixed part, which a new major may change.
  std::string bytes = archive_;
  internal::StoreU16(reinterpret_cast<uint8_t*>(bytes.data()) + 8, 3);
  EXPECT_ERROR(Seekable(bytes.substr(0, layout::kHeaderFixedSize)), StatusCode::kUnsupported,
               "unsupported archive version 3." +
                   std::to_string(internal::LoadU16(internal::Bytes(bytes) + 10)));
}

TEST_F(DamageTest, HeaderFieldsLengthOutOfRange) {
  std::string bytes = archive_;
  internal::StoreU32(reinterpret_cast<uint8_t*>(bytes.data()) + 16, 0xFFFFFFFFu);
  EXPECT_ERROR(Seekable(bytes), StatusCode::kCorruption, "exceeds the limit");
}

TEST_F(DamageTest, FlippedHeaderByte) {
  EXPECT_ERROR(Seekable(Flip(archive_, layout::kHeaderFixedSize + 3)), StatusCode::kCorruption,
               "header checksum mismatch");
  EXPECT_ERROR(Seekable(Flip(archive_, 12)), StatusCode::kCorruption, "header checksum mismatch");
  EXPECT_ERROR(Seekable(Flip(archive_, 10)), StatusCode::kCorruption, "header checksum mismatch");
}

TEST_F(DamageTest, FlippedTocByte) {
  const size_t toc_at = HeaderSize(archive_);
  EXPECT_ERROR(Seekable(Flip(archive_, toc_at + 13)), StatusCode::kCorruption,
               "TOC checksum mismatch");
  EXPECT_ERROR(Sequential(Flip(archive_, marks_.data_start - 1)), StatusCode::kCorruption,
               "TOC checksum mismatch");
}

TEST_F(DamageTest, FlippedBlockHeaderByte) {
  const uint64_t at = marks_.blocks[1].offset;
  const std::string bytes = Flip(archive_, at + 9);
  EXPECT_ERROR(Seekable(bytes), StatusCode::kCorruption,
               "block header checksum mismatch at offset " + std::to_string(at));
  EXPECT_ERROR(ReadOne(bytes, 1), StatusCode::kCorruption,
               "block 1 of entry 42 (TABLE DATA public.t42): header checksum mismatch at offset " +
                   std::to_string(at));
}

TEST_F(DamageTest, FlippedPayloadByte) {
  const uint64_t at = marks_.blocks[1].offset;
  const std::string bytes = Flip(archive_, at + layout::kBlockHeaderSize + 7);
  const std::string want =
      "block 1 of entry 42 (TABLE DATA public.t42): payload checksum mismatch at offset " +
      std::to_string(at);
  EXPECT_ERROR(Seekable(bytes), StatusCode::kCorruption, want);
  EXPECT_ERROR(Sequential(bytes), StatusCode::kCorruption, want);
  EXPECT_ERROR(ReadOne(bytes, 1), StatusCode::kCorruption, want);
  // The other blocks are still readable by random access.
  EXPECT_TRUE(ReadOne(bytes, 0).ok());
  EXPECT_TRUE(ReadOne(bytes, 2).ok());
}

TEST_F(DamageTest, FlippedIndexByte) {
  const std::string payload = Flip(archive_, marks_.index_offset + layout::kBlockHeaderSize + 2);
  EXPECT_ERROR(Seekable(payload), StatusCode::kCorruption, "index checksum mismatch");
  EXPECT_ERROR(Random(payload), StatusCode::kCorruption, "index checksum mismatch");
  const std::string header = Flip(archive_, marks_.index_offset + 1);
  EXPECT_ERROR(Random(header), StatusCode::kCorruption, "index checksum mismatch");
  EXPECT_ERROR(Seekable(header), StatusCode::kCorruption,
               "block header checksum mismatch at offset " + std::to_string(marks_.index_offset));
}

TEST_F(DamageTest, FlippedFooterByte) {
  const std::string bytes = Flip(archive_, marks_.footer_offset + 20);
  EXPECT_ERROR(Seekable(bytes), StatusCode::kCorruption, "footer checksum mismatch");
  EXPECT_ERROR(Random(bytes), StatusCode::kCorruption, "footer checksum mismatch");
  const std::string magic = Flip(archive_, marks_.footer_offset + 2);
  // One check for both readers (§11: no footer magic is an incomplete archive).
  const std::string no_magic =
      "incomplete archive: no footer magic at offset " + std::to_string(marks_.footer_offset);
  EXPECT_ERROR(Random(magic), StatusCode::kCorruption, no_magic);
  EXPECT_ERROR(Sequential(magic), StatusCode::kCorruption, no_magic);
}

TEST_F(DamageTest, MissingFooterIsIncomplete) {
  const std::string no_footer = archive_.substr(0, marks_.footer_offset);
  EXPECT_ERROR(Sequential(no_footer), StatusCode::kCorruption,
               "incomplete archive: no footer after the index");
  EXPECT_ERROR(Random(no_footer), StatusCode::kCorruption, "incomplete archive");
  // What a writer that died after its last block leaves behind.
  const std::string no_index = archive_.substr(0, marks_.index_offset);
  EXPECT_ERROR(Sequential(no_index), StatusCode::kCorruption, "incomplete archive: no footer");
  EXPECT_ERROR(Seekable(no_index), StatusCode::kCorruption, "incomplete archive: no footer");
  EXPECT_ERROR(Random(no_index), StatusCode::kCorruption, "incomplete archive");
}

TEST_F(DamageTest, TrailingData) {
  EXPECT_ERROR(Seekable(archive_ + "x"), StatusCode::kCorruption, "trailing data after the footer");
  EXPECT_ERROR(Random(archive_ + "x"), StatusCode::kCorruption, "incomplete archive");
}

TEST_F(DamageTest, EveryFlippedByteIsRejected) {
  for (const uint8_t compression : {0, 1}) {
    WriterOptions o;
    o.compression = compression;
    const std::string bytes = WriteArchive(SmallToc(), SmallContent(), o);
    int accepted = 0;
    for (size_t i = 0; i < bytes.size(); ++i) {
      for (const uint8_t mask : {0x01, 0x80, 0xFF}) {
        const std::string damaged = Flip(bytes, i, mask);
        for (const Status& st : {Seekable(damaged), Sequential(damaged), Random(damaged)}) {
          const bool rejected =
              st.code() == StatusCode::kCorruption || st.code() == StatusCode::kUnsupported;
          if (!rejected && ++accepted <= 5) {
            ADD_FAILURE() << "byte " << i << " ^ " << int{mask} << " (compression "
                          << int{compression} << ") gave: " << st.ToString();
          }
        }
      }
    }
    EXPECT_EQ(accepted, 0) << "of " << bytes.size() << " bytes";
  }
}

// The check a restore makes before touching the server (CheckBlock on every block the index
// lists, no decompression) finds damage to any byte of the data region, and passes the
// undamaged archive. Damage elsewhere is LoadIndex's or Open's to find.
TEST_F(DamageTest, CheckBlockFindsEveryFlippedByteOfTheDataRegion) {
  for (const uint8_t compression : {0, 1}) {
    WriterOptions o;
    o.compression = compression;
    const std::string bytes = WriteArchive(SmallToc(), SmallContent(), o);
    const Landmarks marks = FindLandmarks(bytes);
    ASSERT_FALSE(marks.blocks.empty());
    const auto check_all = [&](const std::string& archive) -> Status {
      MemorySource src(archive);
      ASSIGN_OR_RETURN(auto r, ArchiveReader::Open(&src));
      RETURN_IF_ERROR(r->LoadIndex());
      std::string scratch;
      for (const BlockInfo& b : r->blocks()) RETURN_IF_ERROR(r->CheckBlock(b, &scratch));
      return Status::Ok();
    };
    ASSERT_TRUE(check_all(bytes).ok()) << check_all(bytes).ToString();
    const uint64_t begin = marks.blocks.front().offset;
    const BlockInfo& last = marks.blocks.back();
    const uint64_t end = last.offset + layout::kBlockHeaderSize + last.stored_len;
    int accepted = 0;
    for (uint64_t i = begin; i < end; ++i) {
      for (const uint8_t mask : {0x01, 0x80}) {
        const Status st = check_all(Flip(bytes, i, mask));
        if (st.code() != StatusCode::kCorruption && st.code() != StatusCode::kUnsupported &&
            ++accepted <= 5) {
          ADD_FAILURE() << "byte " << i << " ^ " << int{mask} << " (compression "
                        << int{compression} << ") gave: " << st.ToString();
        }
      }
    }
    EXPECT_EQ(accepted, 0);
  }
}

// CheckBlock reports a damaged payload as ReadBlock does, naming the block and entry.
TEST_F(DamageTest, CheckBlockNamesTheBlock) {
  const uint64_t at = marks_.blocks[1].offset;
  const std::string bytes = Flip(archive_, at + layout::kBlockHeaderSize + 7);
  MemorySource src(bytes);
  auto r = ArchiveReader::Open(&src);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE((*r)->LoadIndex().ok());
  std::string scratch;
  EXPECT_TRUE((*r)->CheckBlock(marks_.blocks[0], &scratch).ok());
  EXPECT_ERROR((*r)->CheckBlock(marks_.blocks[1], &scratch), StatusCode::kCorruption,
               "block 1 of entry 42 (TABLE DATA public.t42): payload checksum mismatch at "
               "offset " +
                   std::to_string(at));
  MemorySource pipe(bytes);
  pipe.set_seekable(false);
  auto p = ArchiveReader::Open(&pipe);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)->CheckBlock(marks_.blocks[0], &scratch).code(), StatusCode::kUnsupported);
}

TEST_F(DamageTest, EveryTruncationIsRejected) {
  int accepted = 0;
  for (size_t n = 0; n < archive_.size(); ++n) {
    const std::string prefix = archive_.substr(0, n);
    for (const Status& st : {Seekable(prefix), Sequential(prefix), Random(prefix)}) {
      const bool rejected = st.code() == StatusCode::kCorruption &&
                            (st.message().find("truncated") != std::string::npos ||
                             st.message().find("incomplete") != std::string::npos ||
                             st.message().find("empty input") != std::string::npos);
      if (!rejected && ++accepted <= 5) {
        ADD_FAILURE() << "prefix of " << n << " bytes gave: " << st.ToString();
      }
    }
  }
  EXPECT_EQ(accepted, 0);
  // Cuts at block boundaries are incomplete archives rather than truncated structures.
  for (const BlockInfo& b : marks_.blocks) {
    EXPECT_ERROR(Sequential(archive_.substr(0, b.offset)), StatusCode::kCorruption,
                 "incomplete archive");
  }
  EXPECT_ERROR(Sequential(archive_.substr(0, marks_.footer_offset + 10)), StatusCode::kCorruption,
               "incomplete archive: truncated footer");
  EXPECT_ERROR(Seekable(archive_.substr(0, marks_.blocks[2].offset + 20)), StatusCode::kCorruption,
               "truncated block header at offset " + std::to_string(marks_.blocks[2].offset));
}

TEST_F(DamageTest, FooterFieldsAreChecked) {
  // Footers with a valid checksum whose fields disagree with the archive.
  auto with_footer = [&](auto tweak) {
    internal::Footer f;
    EXPECT_EQ(internal::DecodeFooter(internal::Bytes(archive_) + marks_.footer_offset, &f),
              internal::FooterCheck::kOk);
    tweak(&f);
    std::string bytes = archive_;
    internal::EncodeFooter(f, reinterpret_cast<uint8_t*>(bytes.data()) + marks_.footer_offset);
    return bytes;
  };
  const std::string count = with_footer([](internal::Footer* f) { f->block_count += 1; });
  EXPECT_ERROR(Seekable(count), StatusCode::kCorruption, "footer counts 5 blocks, the index 4");
  EXPECT_ERROR(Random(count), StatusCode::kCorruption, "footer counts 5 blocks, the index 4");
  const std::string offset = with_footer([](internal::Footer* f) { f->index_offset -= 1; });
  EXPECT_ERROR(Seekable(offset), StatusCode::kCorruption, "footer does not point at the index");
  EXPECT_ERROR(Random(offset), StatusCode::kCorruption, "index location out of range");
  const std::string both = with_footer([&](internal::Footer* f) {
    f->index_offset = marks_.blocks[3].offset;  // a data block, with a matching length
    f->index_length = marks_.footer_offset - f->index_offset;
  });
  EXPECT_ERROR(Seekable(both), StatusCode::kCorruption, "footer does not point at the index");
  EXPECT_ERROR(Random(both), StatusCode::kCorruption, "footer does not point at the index block");
  const std::string far = with_footer([](internal::Footer* f) { f->index_offset = ~0ull - 5; });
  EXPECT_ERROR(Random(far), StatusCode::kCorruption, "index location out of range");
}

TEST_F(DamageTest, FooterFromAnotherArchive) {
  std::string field_a, field_b;
  internal::AppendStringField(&field_a, 300, "a");
  internal::AppendStringField(&field_b, 300, "b");
  ArchiveBuilder a({TableData(42)}, HeaderBytes(1, 0, 0, field_a));
  ArchiveBuilder b({TableData(42)}, HeaderBytes(1, 0, 0, field_b));
  a.AddBlock(42, 0, "same");
  b.AddBlock(42, 0, "same");
  const std::string from_a = a.Finish();
  const std::string from_b = b.Finish();
  ASSERT_EQ(from_a.size(), from_b.size());
  const std::string spliced = from_a.substr(0, from_a.size() - layout::kFooterSize) +
                              from_b.substr(from_b.size() - layout::kFooterSize);
  EXPECT_ERROR(Seekable(spliced), StatusCode::kCorruption, "footer belongs to another archive");
  EXPECT_ERROR(Random(spliced), StatusCode::kCorruption, "footer belongs to another archive");
}

// --- structural damage crafted with ArchiveBuilder -------------------------------------------

std::vector<TocEntry> BuilderToc() { return {Ddl(1, "TABLE", "t42"), TableData(42), TableData(7)}; }

TEST(StructureTest, BuilderArchiveIsValid) {
  ArchiveBuilder b(BuilderToc());
  b.AddBlock(42, 0, "a\n");
  b.AddBlock(7, 0, "b\n");
  b.AddBlock(42, 1, "c\n");
  EXPECT_TRUE(OpenAndVerify(b.Finish(), true).ok()) << OpenAndVerify(b.Finish(), true).ToString();
  EXPECT_TRUE(OpenAndReadRandom(b.Finish()).ok());
}

TEST(StructureTest, BlockClaimsUnknownEntry) {
  ArchiveBuilder b(BuilderToc());
  b.AddBlock(42, 0, "a\n");
  b.AddBlock(99, 0, "b\n");
  const std::string bytes = b.Finish();
  EXPECT_ERROR(OpenAndVerify(bytes, false), StatusCode::kCorruption,
               "block claims entry 99 which is not in the TOC, at offset");
  EXPECT_ERROR(OpenAndReadRandom(bytes), StatusCode::kCorruption,
               "index: block record 1: block claims entry 99 which is not in the TOC");
}

TEST(StructureTest, BlockClaimsEntryWithoutData) {
  ArchiveBuilder b(BuilderToc());
  b.AddBlock(1, 0, "a\n");
  const std::string bytes = b.Finish();
  EXPECT_ERROR(OpenAndVerify(bytes, true), StatusCode::kCorruption,
               "claims entry 1 which has no data");
  EXPECT_ERROR(OpenAndReadRandom(bytes), StatusCode::kCorruption,
               "claims entry 1 which has no data");
}

TEST(StructureTest, MissingBlockSeq) {
  ArchiveBuilder b(BuilderToc());
  b.AddBlock(42, 0, "a\n");
  b.AddBlock(7, 0, "b\n");
  b.AddBlock(42, 2, "c\n");
  const std::string bytes = b.Finish();
  const Status seq = OpenAndVerify(bytes, false);
  EXPECT_ERROR(seq, StatusCode::kCorruption,
               "entry 42: missing block seq 1 (found seq 2 at offset");
  EXPECT_EQ(seq.object(), "TABLE DATA public.t42");
  EXPECT_ERROR(OpenAndReadRandom(bytes), StatusCode::kCorruption,
               "entry 42: missing block seq 1 in the index");
}

TEST(StructureTest, RepeatedBlockSeq) {
  ArchiveBuilder b(BuilderToc());
  b.AddBlock(42, 0, "a\n");
  b.AddBlock(42, 1, "b\n");
  b.AddBlock(42, 1, "b\n");
  const std::string bytes = b.Finish();
  EXPECT_ERROR(OpenAndVerify(bytes, true), StatusCode::kCorruption,
               "entry 42: repeated block seq 1 at offset");
  EXPECT_ERROR(OpenAndReadRandom(bytes), StatusCode::kCorruption,
               "entry 42: repeated block seq 1 in the index");
}

TEST(StructureTest, ContentHashMismatch) {
  // Blocks, index and statistics all agree except for the content hash: only a full
  // verification can tell.
  ArchiveBuilder b(BuilderToc());
  b.AddBlock(42, 0, "a\n");
  std::vector<EntryStats> stats = b.DerivedStats();
  stats[0].content_hash ^= 1;
  const std::string bytes = b.Finish(stats);
  EXPECT_TRUE(OpenAndReadRandom(bytes).ok());
  EXPECT_ERROR(OpenAndVerify(bytes, true), StatusCode::kCorruption,
               "entry 42: content hash mismatch");
  EXPECT_ERROR(OpenAndVerify(bytes, false), StatusCode::kCorruption,
               "entry 42: content hash mismatch");
}

TEST(StructureTest, StatisticsDisagreeWithBlocks) {
  ArchiveBuilder b(BuilderToc());
  b.AddBlock(42, 0, "a\n");
  std::vector<EntryStats> stats = b.DerivedStats();
  stats[0].rows += 1;
  EXPECT_ERROR(OpenAndReadRandom(b.Finish(stats)), StatusCode::kCorruption,
               "entry 42: index statistics disagree");
  stats = b.DerivedStats();
  stats.pop_back();
  EXPECT_ERROR(OpenAndReadRandom(b.Finish(stats)), StatusCode::kCorruption,
               "entry 7: no statistics");
  stats = b.DerivedStats();
  std::swap(stats[0], stats[1]);
  EXPECT_ERROR(OpenAndReadRandom(b.Finish(stats)), StatusCode::kCorruption,
               "statistics record 0 is for entry 7, expected entry 42");
}

TEST(StructureTest, IndexRecordDisagreesWithBlock) {
  ArchiveBuilder b(BuilderToc());
  b.AddBlock(42, 0, "a\n", 1);
  b.blocks()[0].rows = 5;  // the index says 5 rows, the block header 1
  const std::string bytes = b.Finish();
  EXPECT_ERROR(OpenAndVerify(bytes, true), StatusCode::kCorruption,
               "index: block record 0 does not match the block");
  MemorySource src(bytes);
  auto r = ArchiveReader::Open(&src);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE((*r)->LoadIndex().ok());
  std::string raw;
  EXPECT_ERROR((*r)->ReadBlock((*r)->blocks()[0], &raw), StatusCode::kCorruption,
               "does not match the index");
}

TEST(StructureTest, IndexDoesNotTileTheDataRegion) {
  ArchiveBuilder b(BuilderToc());
  b.AddBlock(42, 0, "a\n");
  b.AddBlock(42, 1, "b\n");
  b.blocks()[1].offset += 1;
  EXPECT_ERROR(OpenAndReadRandom(b.Finish()), StatusCode::kCorruption,
               "index: block record 1: offset");
}

TEST(StructureTest, GarbageBetweenBlocks) {
  ArchiveBuilder b(BuilderToc());
  b.AddBlock(42, 0, "a\n");
  const uint64_t junk_at = b.bytes().size();
  b.AppendRaw(std::string(layout::kBlockHeaderSize, 'j'));
  b.AddBlock(42, 1, "b\n");
  const std::string bytes = b.Finish();
  EXPECT_ERROR(OpenAndVerify(bytes, true), StatusCode::kCorruption,
               "block header checksum mismatch at offset " + std::to_string(junk_at));
  EXPECT_ERROR(OpenAndReadRandom(bytes), StatusCode::kCorruption, "index: block record 1: offset");
}

TEST(StructureTest, SecondTocInTheDataRegion) {
  ArchiveBuilder b(BuilderToc());
  b.AppendRaw(ArchiveBuilder::Block(layout::kKindToc, 0, 0, 0, internal::EncodeToc({})));
  EXPECT_ERROR(OpenAndVerify(b.Finish(), true), StatusCode::kCorruption, "unexpected TOC block");
}

TEST(StructureTest, BadZstdPayload) {
  // Checksums are right, but the payload is not a zstd frame of the promised size.
  auto block_with = [](const std::string& stored, uint32_t raw_len) {
    internal::BlockHeader h;
    h.kind = layout::kKindData;
    h.flags = layout::kBlockFlagZstd;
    h.dump_id = 42;
    h.raw_len = raw_len;
    h.stored_len = static_cast<uint32_t>(stored.size());
    h.payload_checksum = internal::Checksum(stored);
    uint8_t hb[layout::kBlockHeaderSize];
    internal::EncodeBlockHeader(h, hb);
    return std::string(reinterpret_cast<const char*>(hb), sizeof hb) + stored;
  };
  {
    ArchiveBuilder b(BuilderToc());
    b.AppendRaw(block_with("not a zstd frame", 100));
    EXPECT_ERROR(OpenAndVerify(b.Finish(), true), StatusCode::kCorruption,
                 "payload is not exactly one zstd frame");
  }
  {
    auto cctx = internal::NewCCtx(3);
    ASSERT_TRUE(cctx.ok());
    std::string frame;
    const std::string text = CopyText(1000, 1);
    auto shrunk = internal::Compress(cctx->get(), text, &frame);
    ASSERT_TRUE(shrunk.ok() && *shrunk);
    ArchiveBuilder b(BuilderToc());
    b.AppendRaw(block_with(frame, 1001));
    EXPECT_ERROR(OpenAndVerify(b.Finish(), true), StatusCode::kCorruption,
                 "block 0 of entry 42 (TABLE DATA public.t42) at offset");
    ArchiveBuilder c(BuilderToc());
    c.AppendRaw(block_with(frame + frame, 2000));
    EXPECT_ERROR(OpenAndVerify(c.Finish(), true), StatusCode::kCorruption,
                 "payload is not exactly one zstd frame");
  }
}

TEST(StructureTest, ReadBlockChecksTheCallersInfo) {
  ArchiveBuilder b(BuilderToc());
  b.AddBlock(42, 0, "a\n");
  b.AddBlock(42, 1, "b\n");
  MemorySource src(b.Finish());
  auto r = ArchiveReader::Open(&src);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE((*r)->LoadIndex().ok());
  BlockInfo wrong = (*r)->blocks()[1];
  wrong.seq = 0;
  std::string raw;
  EXPECT_ERROR((*r)->ReadBlock(wrong, &raw), StatusCode::kCorruption,
               "block 0 of entry 42 (TABLE DATA public.t42): block header at offset");
  wrong = (*r)->blocks()[1];
  wrong.raw_len = kMaxBlockRaw + 1;
  EXPECT_ERROR((*r)->ReadBlock(wrong, &raw), StatusCode::kInvalidArgument, "out of range");
  ASSERT_TRUE((*r)->ReadBlock((*r)->blocks()[1], &raw).ok());
  EXPECT_EQ(raw, "b\n");
}

TEST(StructureTest, ErrorsAreSticky) {
  ArchiveBuilder b(BuilderToc());
  b.AddBlock(42, 0, "a\n");
  b.AddBlock(99, 0, "b\n");
  MemorySource src(b.Finish());
  auto r = ArchiveReader::Open(&src);
  ASSERT_TRUE(r.ok());
  BlockInfo info;
  std::string raw;
  auto first = (*r)->NextBlock(&info, &raw);
  ASSERT_TRUE(first.ok() && *first);
  EXPECT_ERROR((*r)->NextBlock(&info, &raw), StatusCode::kCorruption, "claims entry 99");
  EXPECT_ERROR((*r)->NextBlock(&info, &raw), StatusCode::kCorruption, "claims entry 99");
}

TEST(StructureTest, MalformedTocEntries) {
  // Checksums are right; the tagged fields inside are not (archive_format.md §2.3, §6).
  auto open_with_toc = [](const std::string& payload) {
    MemorySource src(internal::EncodeHeader(TestHeader()) +
                     ArchiveBuilder::Block(layout::kKindToc, 0, 0, 0, payload));
    return ArchiveReader::Open(&src).status();
  };
  auto toc_of = [](const std::vector<std::string>& entries) {
    std::string payload;
    internal::AppendU32(&payload, static_cast<uint32_t>(entries.size()));
    for (const std::string& e : entries) {
      internal::AppendU32(&payload, static_cast<uint32_t>(e.size()));
      payload += e;
    }
    return payload;
  };
  std::string id;
  internal::AppendU32Field(&id, layout::kTocDumpId, 5);

  std::string repeated = id;
  internal::AppendStringField(&repeated, layout::kTocName, "a");
  internal::AppendStringField(&repeated, layout::kTocName, "b");
  EXPECT_ERROR(open_with_toc(toc_of({repeated})), StatusCode::kCorruption,
               "TOC entry 0: repeated field 5");

  std::string narrow;
  internal::AppendStringField(&narrow, layout::kTocDumpId, "abc");
  EXPECT_ERROR(open_with_toc(toc_of({narrow})), StatusCode::kCorruption,
               "TOC entry 0: field 1 has length 3, expected 4");

  std::string no_id;
  internal::AppendStringField(&no_id, layout::kTocName, "a");
  EXPECT_ERROR(open_with_toc(toc_of({no_id})), StatusCode::kCorruption,
               "TOC entry 0: missing or zero dump id");

  std::string section = id;
  internal::AppendU8Field(&section, layout::kTocSection, 9);
  EXPECT_ERROR(open_with_toc(toc_of({section})), StatusCode::kCorruption, "invalid section 9");

  std::string deps = id;
  internal::AppendStringField(&deps, layout::kTocDeps, "12345");
  EXPECT_ERROR(open_with_toc(toc_of({deps})), StatusCode::kCorruption, "not a multiple of 4");

  // index_sql and attach_sql (1.2) go together.
  std::string index_only = id;
  internal::AppendStringField(&index_only, layout::kTocIndexSql, "CREATE UNIQUE INDEX i ON t (a);");
  EXPECT_ERROR(open_with_toc(toc_of({index_only})), StatusCode::kCorruption,
               "(dump id 5): index_sql without attach_sql");
  std::string attach_only = id;
  internal::AppendStringField(&attach_only, layout::kTocAttachSql, "ALTER TABLE t ADD ...;");
  EXPECT_ERROR(open_with_toc(toc_of({attach_only})), StatusCode::kCorruption,
               "(dump id 5): attach_sql without index_sql");

  // char_columns (1.3): increasing positions, on an entry with data.
  std::string data_id = id;
  internal::AppendStringField(&data_id, layout::kTocCopySql, "COPY t (a) FROM stdin;");
  std::string unordered = data_id;
  internal::AppendU32ArrayField(&unordered, layout::kTocCharColumns, {3, 3});
  EXPECT_ERROR(open_with_toc(toc_of({unordered})), StatusCode::kCorruption,
               "(dump id 5): char_columns not in increasing order");
  std::string odd_length = data_id;
  internal::AppendStringField(&odd_length, layout::kTocCharColumns, "abc");
  EXPECT_ERROR(open_with_toc(toc_of({odd_length})), StatusCode::kCorruption, "not a multiple of 4");
  std::string without_data = id;
  internal::AppendU32ArrayField(&without_data, layout::kTocCharColumns, {0});
  EXPECT_ERROR(open_with_toc(toc_of({without_data})), StatusCode::kCorruption,
               "(dump id 5): char_columns on an entry without data");

  std::string cut = toc_of({id});
  EXPECT_ERROR(open_with_toc(cut.substr(0, cut.size() - 1)), StatusCode::kCorruption,
               "TOC entry 0: runs past the end of the TOC");
  EXPECT_ERROR(open_with_toc(cut + "x"), StatusCode::kCorruption, "1 bytes after the last entry");
  std::string field_cut = id.substr(0, id.size() - 1);
  EXPECT_ERROR(open_with_toc(toc_of({field_cut})), StatusCode::kCorruption,
               "field runs past the end of the record");
  std::string huge;
  internal::AppendU32(&huge, 1000000);
  EXPECT_ERROR(open_with_toc(huge), StatusCode::kCorruption, "entry count 1000000 does not fit");

  std::string twice;
  internal::AppendStringField(&twice, layout::kHdrDatabase, "again");
  MemorySource src(HeaderBytes(1, 0, 0, twice));
  EXPECT_ERROR(ArchiveReader::Open(&src), StatusCode::kCorruption, "header: repeated field 4");
}

TEST(StructureTest, DuplicateDumpIdInToc) {
  ArchiveBuilder b({TableData(42), TableData(42)});
  EXPECT_ERROR(OpenAndVerify(b.Finish(), true), StatusCode::kCorruption, "duplicate dump id 42");
}

// --- the writer's sink failures --------------------------------------------------------------

// Writes SmallContent through `sink`, stopping at nothing; returns every call's status in order.
std::vector<Status> WriteThrough(ByteSink* sink) {
  std::vector<Status> out;
  WriterOptions o;
  o.compression = 1;
  auto w = ArchiveWriter::Create(sink, TestHeader(), SmallToc(), o);
  out.push_back(w.status());
  if (!w.ok()) return out;
  for (const EntryContent& c : SmallContent()) {
    auto s = (*w)->OpenStream(c.dump_id);
    out.push_back(s.status());
    if (!s.ok()) continue;
    for (const std::string& block : c.blocks) out.push_back((*s)->AppendBlock(block, 1));
    out.push_back((*s)->Close());
  }
  out.push_back((*w)->Finish());
  out.push_back((*w)->Finish());
  return out;
}

TEST(SinkFailureTest, EveryFailurePointIsReportedAndSticky) {
  MemorySink full;
  WriteThrough(&full);
  ASSERT_TRUE(full.committed());
  for (size_t limit = 0; limit < full.data().size(); ++limit) {
    FailingSink sink(limit);
    const std::vector<Status> calls = WriteThrough(&sink);
    size_t first = 0;
    while (first < calls.size() && calls[first].ok()) ++first;
    ASSERT_LT(first, calls.size()) << "limit " << limit;
    EXPECT_EQ(calls[first].code(), StatusCode::kIoError) << "limit " << limit;
    EXPECT_THAT(calls[first].message(), HasSubstr("injected write failure")) << "limit " << limit;
    for (size_t i = first + 1; i < calls.size(); ++i) {
      EXPECT_EQ(calls[i].code(), StatusCode::kIoError) << "limit " << limit << " call " << i;
      EXPECT_EQ(calls[i].message(), calls[first].message()) << "limit " << limit << " call " << i;
    }
    EXPECT_EQ(sink.failures(), 1) << "the writer kept writing after a failure, limit " << limit;
    EXPECT_FALSE(sink.committed());
    EXPECT_FALSE(OpenAndVerify(sink.data(), true).ok());
  }
}

TEST(SinkFailureTest, CommitFailureIsSticky) {
  FailingSink sink(1u << 30, /*fail_commit=*/true);
  const std::vector<Status> calls = WriteThrough(&sink);
  ASSERT_GE(calls.size(), 2u);
  EXPECT_ERROR(calls[calls.size() - 2], StatusCode::kIoError, "injected commit failure");
  EXPECT_ERROR(calls.back(), StatusCode::kIoError, "injected commit failure");
  // Everything was written, but the sink never committed: the caller must not use it.
  EXPECT_TRUE(OpenAndVerify(sink.data(), true).ok());
}

}  // namespace
}  // namespace libdump::format::testing
