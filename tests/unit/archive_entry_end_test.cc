// End-of-entry marks (archive_format.md §7.4, format 1.1): the writer marks each entry's last
// block, sequential readers report it, and every way the marks can disagree with the blocks or
// the index is detected. Also the 1.0 compatibility path (no marks) and the reader's defences
// against lengths that would drive huge allocations.
#include <zstd.h>

#include <map>

#include "archive_test_util.h"

namespace libdump::format::testing {
namespace {

// Every block NextBlock returns, in archive order.
std::vector<BlockInfo> SequentialBlocks(const std::string& bytes, ArchiveHeader* header) {
  MemorySource src(bytes);
  src.set_seekable(false);
  auto r = ArchiveReader::Open(&src);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return {};
  *header = (*r)->header();
  std::vector<BlockInfo> out;
  BlockInfo info;
  std::string raw;
  for (;;) {
    auto more = (*r)->NextBlock(&info, &raw);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    out.push_back(info);
  }
  return out;
}

// The dump id -> seq of the blocks marked last.
std::map<uint32_t, uint32_t> LastSeqs(const std::vector<BlockInfo>& blocks) {
  std::map<uint32_t, uint32_t> out;
  for (const BlockInfo& b : blocks) {
    if (b.last) {
      EXPECT_EQ(out.count(b.dump_id), 0u) << "two last blocks for entry " << b.dump_id;
      out[b.dump_id] = b.seq;
    }
  }
  return out;
}

std::vector<TocEntry> ThreeTables() { return {Ddl(1, "TABLE", "t"), TableData(5), TableData(6)}; }

// Entry 5 has three blocks, entry 6 one, entry 7 none.
std::vector<EntryContent> ThreeTablesContent() {
  return {{5, {CopyText(300, 1), CopyText(400, 2), NoiseBytes(50, 3)}}, {6, {CopyText(90, 4)}}};
}

std::string MarkedHeader() { return HeaderBytes(1, 1, layout::kHeaderFlagEntryEnds); }

TEST(EntryEndTest, WriterMarksTheLastBlockOfEachEntry) {
  std::vector<TocEntry> toc = ThreeTables();
  toc.push_back(TableData(7));
  const std::string bytes = WriteArchive(toc, ThreeTablesContent());
  ArchiveHeader h;
  const std::vector<BlockInfo> seq = SequentialBlocks(bytes, &h);
  EXPECT_EQ(h.format_minor, 1);
  EXPECT_TRUE(h.entry_ends_marked);
  ASSERT_EQ(seq.size(), 4u);
  EXPECT_EQ(LastSeqs(seq), (std::map<uint32_t, uint32_t>{{5, 2}, {6, 0}}));

  // The index-derived flags agree, and ReadBlock accepts every block with them.
  MemorySource src(bytes);
  auto r = ArchiveReader::Open(&src);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE((*r)->LoadIndex().ok());
  EXPECT_EQ(LastSeqs((*r)->blocks()), LastSeqs(seq));
  std::string raw;
  for (const BlockInfo& b : (*r)->blocks()) EXPECT_TRUE((*r)->ReadBlock(b, &raw).ok());
  EXPECT_TRUE((*r)->Verify(nullptr).ok());
}

TEST(EntryEndTest, WriterWithoutMarksWritesVersion10) {
  WriterOptions o;
  o.mark_entry_ends = false;
  const std::string bytes = WriteArchive(ThreeTables(), ThreeTablesContent(), o);
  EXPECT_EQ(internal::LoadU16(internal::Bytes(bytes) + 10), 0);   // format_minor
  EXPECT_EQ(internal::LoadU32(internal::Bytes(bytes) + 12), 0u);  // flags
  ArchiveHeader h;
  const std::vector<BlockInfo> seq = SequentialBlocks(bytes, &h);
  EXPECT_EQ(h.format_minor, 0);
  EXPECT_FALSE(h.entry_ends_marked);
  ASSERT_EQ(seq.size(), 4u);
  EXPECT_TRUE(LastSeqs(seq).empty());  // a pipe reader of 1.0 learns entry ends at the index

  MemorySource src(bytes);
  auto r = ArchiveReader::Open(&src);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE((*r)->LoadIndex().ok());
  EXPECT_EQ(LastSeqs((*r)->blocks()), (std::map<uint32_t, uint32_t>{{5, 2}, {6, 0}}));
  auto data = ReadRandom(r->get());
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  EXPECT_EQ((*data)[5], CopyText(300, 1) + CopyText(400, 2) + NoiseBytes(50, 3));
  EXPECT_TRUE(OpenAndVerify(bytes, false).ok());
}

TEST(EntryEndTest, HeldBackBlocksKeepTheirOrderAcrossInterleavedStreams) {
  // Two streams appending alternately: each stream's blocks stay in seq order, and the marks
  // land on the blocks written at Close.
  MemorySink sink;
  auto w = ArchiveWriter::Create(&sink, TestHeader(), ThreeTables(), WriterOptions());
  ASSERT_TRUE(w.ok());
  auto a = (*w)->OpenStream(5);
  auto b = (*w)->OpenStream(6);
  ASSERT_TRUE(a.ok() && b.ok());
  for (uint32_t i = 0; i < 5; ++i) {
    ASSERT_TRUE((*a)->AppendBlock(CopyText(100 + i, i), 1).ok());
    ASSERT_TRUE((*b)->AppendBlock(CopyText(200 + i, i), 1).ok());
  }
  // Held back: four of each stream's five blocks are in the sink so far.
  EXPECT_TRUE((*a)->Close().ok());
  ASSERT_TRUE((*b)->Close().ok());
  ASSERT_TRUE((*w)->Finish().ok());
  ArchiveHeader h;
  const std::vector<BlockInfo> seq = SequentialBlocks(sink.data(), &h);
  ASSERT_EQ(seq.size(), 10u);
  EXPECT_EQ(LastSeqs(seq), (std::map<uint32_t, uint32_t>{{5, 4}, {6, 4}}));
  EXPECT_EQ(seq[8].dump_id, 5u);  // a's last block went out at a's Close, before b's
  EXPECT_EQ(seq[9].dump_id, 6u);
}

TEST(EntryEndTest, BlockAfterTheLastIsCorruption) {
  ArchiveBuilder b({TableData(42)}, MarkedHeader());
  b.AddBlock(42, 0, "a\n", 1, layout::kBlockFlagLast);
  b.AddBlock(42, 1, "b\n", 1, layout::kBlockFlagLast);
  EXPECT_ERROR(OpenAndVerify(b.Finish(), false), StatusCode::kCorruption,
               "entry 42: block seq 1 at offset");
  EXPECT_ERROR(OpenAndVerify(b.Finish(), true), StatusCode::kCorruption, "after the entry's last");
}

TEST(EntryEndTest, MissingMarkIsCorruption) {
  ArchiveBuilder b({TableData(42), TableData(43)}, MarkedHeader());
  b.AddBlock(42, 0, "a\n");
  b.AddBlock(43, 0, "x\n", 1, layout::kBlockFlagLast);
  b.AddBlock(42, 1, "b\n");  // should carry the mark
  const std::string bytes = b.Finish();
  EXPECT_ERROR(OpenAndVerify(bytes, false), StatusCode::kCorruption,
               "entry 42: its last block (seq 1) has no end-of-entry mark");
  // Random access checks the mark against the index.
  MemorySource src(bytes);
  auto r = ArchiveReader::Open(&src);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE((*r)->LoadIndex().ok());
  std::string raw;
  EXPECT_TRUE((*r)->ReadBlock((*r)->blocks()[1], &raw).ok());
  EXPECT_ERROR((*r)->ReadBlock((*r)->blocks()[2], &raw), StatusCode::kCorruption,
               "block 1 of entry 42 (TABLE DATA public.t42): end-of-entry mark at offset");
}

TEST(EntryEndTest, MarkBeforeTheLastBlockFailsRandomAccess) {
  // A mark on seq 0 of two: sequential reading stops at seq 1; ReadBlock of seq 0 sees that the
  // index lists a later block.
  ArchiveBuilder b({TableData(42)}, MarkedHeader());
  b.AddBlock(42, 0, "a\n", 1, layout::kBlockFlagLast);
  b.AddBlock(42, 1, "b\n", 1, layout::kBlockFlagLast);
  MemorySource src(b.Finish());
  auto r = ArchiveReader::Open(&src);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE((*r)->LoadIndex().ok());
  std::string raw;
  EXPECT_ERROR((*r)->ReadBlock((*r)->blocks()[0], &raw), StatusCode::kCorruption,
               "does not match the index");
}

TEST(EntryEndTest, MarkInAnArchiveWithoutTheHeaderFlag) {
  ArchiveBuilder b({TableData(42)});  // a 1.0 header
  b.AddBlock(42, 0, "a\n", 1, layout::kBlockFlagLast);
  const std::string bytes = b.Finish();
  EXPECT_ERROR(OpenAndVerify(bytes, false), StatusCode::kCorruption,
               "in an archive that does not mark entry ends");
  EXPECT_ERROR(OpenAndReadRandom(bytes), StatusCode::kCorruption,
               "in an archive that does not mark entry ends");
}

TEST(EntryEndTest, MarkOnANonDataBlock) {
  internal::BlockHeader h;
  h.kind = layout::kKindToc;
  h.flags = layout::kBlockFlagLast;
  const std::string toc = internal::EncodeToc({});
  h.raw_len = h.stored_len = static_cast<uint32_t>(toc.size());
  h.payload_checksum = internal::Checksum(toc);
  uint8_t hb[layout::kBlockHeaderSize];
  internal::EncodeBlockHeader(h, hb);
  MemorySource src(MarkedHeader() + std::string(reinterpret_cast<const char*>(hb), sizeof hb) +
                   toc);
  EXPECT_ERROR(ArchiveReader::Open(&src), StatusCode::kCorruption,
               "end-of-entry mark on a non-data block");
}

TEST(EntryEndTest, EntriesWithoutBlocksNeedNoMark) {
  ArchiveBuilder b({TableData(42), TableData(43)}, MarkedHeader());
  b.AddBlock(43, 0, "x\n", 1, layout::kBlockFlagLast);
  EXPECT_TRUE(OpenAndVerify(b.Finish(), false).ok());
  EXPECT_TRUE(OpenAndReadRandom(b.Finish()).ok());
}

// --- lengths that must not drive allocations -------------------------------------------------

TEST(ReaderLimitsTest, HugeTocLengthOnAShortPipeIsTruncation) {
  // A TOC block header claiming 4 GiB - 1 stored bytes, followed by a few bytes: the reader must
  // report truncation after reading what is there, not allocate 4 GiB first.
  internal::BlockHeader h;
  h.kind = layout::kKindToc;
  h.raw_len = h.stored_len = 0xFFFFFFFFu;
  uint8_t hb[layout::kBlockHeaderSize];
  internal::EncodeBlockHeader(h, hb);
  const std::string bytes =
      HeaderBytes(1, 0, 0) + std::string(reinterpret_cast<const char*>(hb), sizeof hb) + "short";
  for (bool seekable : {false, true}) {
    MemorySource src(bytes);
    src.set_seekable(seekable);
    EXPECT_ERROR(ArchiveReader::Open(&src), StatusCode::kCorruption,
                 "truncated TOC at offset " + std::to_string(HeaderBytes(1, 0, 0).size()) +
                     " (got 5 of 4294967295 bytes)");
  }
}

// A zstd frame of `text` with or without the content size in its header.
std::string Frame(const std::string& text, bool with_size) {
  std::string out(ZSTD_compressBound(text.size()), '\0');
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, with_size ? 1 : 0);
  const size_t n = ZSTD_compress2(cctx, out.data(), out.size(), text.data(), text.size());
  ZSTD_freeCCtx(cctx);
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(ZSTD_isError(n) ? 0 : n);
  return out;
}

TEST(ReaderLimitsTest, FramesWithAndWithoutContentSize) {
  const std::string text = CopyText(200000, 9);
  std::string raw;
  // The usual frame, with its size.
  ASSERT_TRUE(internal::Decompress(Frame(text, true), 200000, "here", &raw).ok());
  EXPECT_EQ(raw, text);
  EXPECT_ERROR(internal::Decompress(Frame(text, true), 4000000000u, "here", &raw),
               StatusCode::kCorruption, "here: zstd frame holds 200000 bytes, expected 4000000000");
  // Without a size, the output grows as the frame produces it, within raw_len.
  raw.clear();
  ASSERT_TRUE(internal::Decompress(Frame(text, false), 200000, "here", &raw).ok());
  EXPECT_EQ(raw, text);
  EXPECT_ERROR(internal::Decompress(Frame(text, false), 199999, "here", &raw),
               StatusCode::kCorruption, "here: decompresses to more than 199999 bytes");
  EXPECT_ERROR(internal::Decompress(Frame(text, false), 4000000000u, "here", &raw),
               StatusCode::kCorruption, "here: decompressed to 200000 bytes, expected 4000000000");
}

}  // namespace
}  // namespace libdump::format::testing
