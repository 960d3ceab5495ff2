// Round trips through ArchiveWriter and ArchiveReader, in memory.
#include <xxhash.h>

#include <atomic>
#include <thread>

#include "archive_test_util.h"

namespace libdump::format::testing {
namespace {

using ::testing::HasSubstr;

class RoundTripTest : public ::testing::TestWithParam<uint8_t> {
 protected:
  WriterOptions Options() const {
    WriterOptions o;
    o.compression = GetParam();
    o.compression_level = 3;
    return o;
  }
};

INSTANTIATE_TEST_SUITE_P(Compression, RoundTripTest, ::testing::Values(0, 1),
                         [](const ::testing::TestParamInfo<uint8_t>& param_info) {
                           return param_info.param == 0 ? std::string("None") : std::string("Zstd");
                         });

TEST_P(RoundTripTest, EmptyArchive) {
  const std::string bytes = WriteArchive({}, {}, Options());
  MemorySource src(bytes);
  auto r = ArchiveReader::Open(&src);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE((*r)->toc().empty());
  ASSERT_TRUE((*r)->LoadIndex().ok());
  EXPECT_TRUE((*r)->blocks().empty());
  EXPECT_TRUE((*r)->stats().empty());
  BlockInfo info;
  std::string raw;
  auto more = (*r)->NextBlock(&info, &raw);
  ASSERT_TRUE(more.ok()) << more.status().ToString();
  EXPECT_FALSE(*more);
  VerifyReport rep;
  ASSERT_TRUE((*r)->Verify(&rep).ok());
  EXPECT_EQ(rep.entries, 0u);
  EXPECT_EQ(rep.blocks, 0u);
  EXPECT_EQ(rep.archive_bytes, bytes.size());
}

TEST_P(RoundTripTest, HeaderAndTocFieldsSurvive) {
  TocEntry a = Ddl(3, "TABLE", "orders");
  a.deps = {1, 2, 99};
  a.catalog_oid = 0xFFFFFFFFFFull;
  a.size_estimate = 1ull << 40;
  a.section = Section::kPostData;
  a.index_sql = "CREATE UNIQUE INDEX k ON s.t USING btree (a);\n";
  a.attach_sql = "ALTER TABLE ONLY s.t\n    ADD CONSTRAINT k PRIMARY KEY USING INDEX k;\n";
  TocEntry b;  // mostly empty fields, and bytes a C string would cut
  b.dump_id = 4;
  b.name = std::string("odd\0name", 8);
  b.kind = "COMMENT";
  TocEntry c = Ddl(5, "SCHEMA", "s\xc3\xa9");
  c.schema.clear();
  c.section = Section::kNone;
  TocEntry d = TableData(7);  // char(n) columns at positions 0, 3 and a large one
  d.char_columns = {0, 3, 1599};
  const std::vector<TocEntry> toc = {a, b, c, d};
  const std::string bytes = WriteArchive(toc, {}, Options());

  MemorySource src(bytes);
  auto r = ArchiveReader::Open(&src);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const ArchiveHeader& h = (*r)->header();
  const ArchiveHeader want = TestHeader();
  EXPECT_EQ(h.format_major, kFormatMajor);
  EXPECT_EQ(h.format_minor, 3);  // 1.3: an entry has char_columns
  EXPECT_FALSE(h.large_objects);
  EXPECT_EQ(h.tool_version, want.tool_version);
  EXPECT_EQ(h.server_version, want.server_version);
  EXPECT_EQ(h.server_version_num, want.server_version_num);
  EXPECT_EQ(h.database, want.database);
  EXPECT_EQ(h.encoding, want.encoding);
  EXPECT_EQ(h.created_unix_seconds, want.created_unix_seconds);
  EXPECT_EQ(h.compression, GetParam());  // taken from the options
  EXPECT_EQ(h.compression_level, 3);

  ASSERT_EQ((*r)->toc().size(), toc.size());
  for (size_t i = 0; i < toc.size(); ++i) {
    const TocEntry& got = (*r)->toc()[i];
    EXPECT_EQ(got.dump_id, toc[i].dump_id);
    EXPECT_EQ(got.kind, toc[i].kind);
    EXPECT_EQ(got.section, toc[i].section);
    EXPECT_EQ(got.schema, toc[i].schema);
    EXPECT_EQ(got.name, toc[i].name);
    EXPECT_EQ(got.owner, toc[i].owner);
    EXPECT_EQ(got.create_sql, toc[i].create_sql);
    EXPECT_EQ(got.drop_sql, toc[i].drop_sql);
    EXPECT_EQ(got.deps, toc[i].deps);
    EXPECT_EQ(got.copy_sql, toc[i].copy_sql);
    EXPECT_EQ(got.size_estimate, toc[i].size_estimate);
    EXPECT_EQ(got.catalog_oid, toc[i].catalog_oid);
    EXPECT_EQ(got.index_sql, toc[i].index_sql);
    EXPECT_EQ(got.attach_sql, toc[i].attach_sql);
    EXPECT_EQ(got.char_columns, toc[i].char_columns);
  }
  ASSERT_NE((*r)->FindEntry(4), nullptr);
  EXPECT_EQ((*r)->FindEntry(4)->name, b.name);
  EXPECT_EQ((*r)->FindEntry(6), nullptr);
  EXPECT_TRUE((*r)->Verify(nullptr).ok());
}

TEST_P(RoundTripTest, OneEntryManyBlocks) {
  std::vector<std::string> blocks;
  std::string all;
  for (uint32_t i = 0; i < 40; ++i) {
    blocks.push_back(i % 3 == 0 ? NoiseBytes(500 + i, i) : CopyText(2000 + 13 * i, i));
    all += blocks.back();
  }
  const std::vector<TocEntry> toc = {Ddl(1, "TABLE", "t42"), TableData(42)};
  const std::string bytes = WriteArchive(toc, {{42, blocks}}, Options());

  MemorySource src(bytes);
  auto r = ArchiveReader::Open(&src);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto random = ReadRandom(r->get());
  ASSERT_TRUE(random.ok()) << random.status().ToString();
  EXPECT_EQ((*random)[42], all);

  ASSERT_EQ((*r)->stats().size(), 1u);
  const EntryStats& s = (*r)->stats()[0];
  EXPECT_EQ(s.dump_id, 42u);
  EXPECT_EQ(s.blocks, 40u);
  EXPECT_EQ(s.rows, 40u * 3);  // WriteArchive says 3 rows per block
  EXPECT_EQ(s.raw_bytes, all.size());
  EXPECT_EQ(s.content_hash, XXH3_64bits(all.data(), all.size()));
  uint64_t stored = 0;
  const std::vector<BlockInfo> of = (*r)->BlocksOf(42);
  ASSERT_EQ(of.size(), 40u);
  for (uint32_t i = 0; i < of.size(); ++i) {
    EXPECT_EQ(of[i].seq, i);
    EXPECT_EQ(of[i].raw_len, blocks[i].size());
    stored += of[i].stored_len;
  }
  EXPECT_EQ(s.stored_bytes, stored);
  if (GetParam() == 0) {
    EXPECT_EQ(s.stored_bytes, s.raw_bytes);
  } else {
    EXPECT_LT(s.stored_bytes, s.raw_bytes);
  }

  auto seq = ReadSequential(r->get());
  ASSERT_TRUE(seq.ok()) << seq.status().ToString();
  EXPECT_EQ((*seq)[42], all);

  VerifyReport rep;
  ASSERT_TRUE((*r)->Verify(&rep).ok());
  EXPECT_EQ(rep.entries, 2u);
  EXPECT_EQ(rep.data_entries, 1u);
  EXPECT_EQ(rep.blocks, 40u);
  EXPECT_EQ(rep.raw_bytes, all.size());
  EXPECT_EQ(rep.stored_bytes, stored);
  EXPECT_EQ(rep.archive_bytes, bytes.size());
}

TEST_P(RoundTripTest, EntriesWithoutBlocks) {
  // 42 is opened and closed without data; 7 is never opened. Both get empty statistics.
  const std::vector<TocEntry> toc = {TableData(42), TableData(7), Ddl(9, "VIEW", "v")};
  const std::string bytes = WriteArchive(toc, {{42, {}}}, Options());
  MemorySource src(bytes);
  auto r = ArchiveReader::Open(&src);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE((*r)->LoadIndex().ok());
  ASSERT_EQ((*r)->stats().size(), 2u);
  for (const EntryStats& s : (*r)->stats()) {
    EXPECT_EQ(s.blocks, 0u);
    EXPECT_EQ(s.content_hash, XXH3_64bits(nullptr, 0));
  }
  EXPECT_TRUE((*r)->Verify(nullptr).ok());
}

TEST_P(RoundTripTest, ConcurrentWritersInterleave) {
  constexpr int kThreads = 4;
  constexpr int kEntriesPerThread = 3;
  constexpr int kBlocks = 25;
  std::vector<TocEntry> toc;
  for (uint32_t id = 1; id <= kThreads * kEntriesPerThread; ++id) toc.push_back(TableData(id));
  MemorySink sink;
  auto w = ArchiveWriter::Create(&sink, TestHeader(), toc, Options());
  ASSERT_TRUE(w.ok());

  auto content = [](uint32_t id, int block) {
    return CopyText(300 + 17 * block + id, id * 100 + block);
  };
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Each thread feeds its entries round-robin, so the archive interleaves within threads too.
      std::vector<std::unique_ptr<EntryStream>> streams;
      for (int k = 0; k < kEntriesPerThread; ++k) {
        auto s = (*w)->OpenStream(static_cast<uint32_t>(t * kEntriesPerThread + k + 1));
        if (!s.ok()) {
          ++failures;
          return;
        }
        streams.push_back(std::move(*s));
      }
      for (int b = 0; b < kBlocks; ++b) {
        for (auto& s : streams) {
          if (!s->AppendBlock(content(s->dump_id(), b), 1).ok()) ++failures;
        }
      }
      for (auto& s : streams) {
        if (!s->Close().ok()) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_EQ(failures.load(), 0);
  ASSERT_TRUE((*w)->Finish().ok());
  EXPECT_EQ((*w)->bytes_written(), sink.data().size());

  MemorySource src(sink.data());
  auto r = ArchiveReader::Open(&src);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE((*r)->Verify(nullptr).ok());
  auto data = ReadRandom(r->get());
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  for (uint32_t id = 1; id <= kThreads * kEntriesPerThread; ++id) {
    std::string want;
    for (int b = 0; b < kBlocks; ++b) want += content(id, b);
    EXPECT_EQ((*data)[id], want) << "entry " << id;
  }
  // Blocks of different entries really are interleaved in the archive.
  int switches = 0;
  for (size_t i = 1; i < (*r)->blocks().size(); ++i) {
    switches += (*r)->blocks()[i].dump_id != (*r)->blocks()[i - 1].dump_id;
  }
  EXPECT_GT(switches, kThreads * kEntriesPerThread);
}

TEST_P(RoundTripTest, ConcurrentReadBlock) {
  std::vector<std::string> blocks;
  for (int i = 0; i < 64; ++i) blocks.push_back(CopyText(1000 + i, i));
  const std::string bytes = WriteArchive({TableData(42)}, {{42, blocks}}, Options());
  MemorySource src(bytes);
  auto r = ArchiveReader::Open(&src);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE((*r)->LoadIndex().ok());
  const std::vector<BlockInfo> infos = (*r)->BlocksOf(42);
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::string raw;
      for (size_t i = static_cast<size_t>(t); i < infos.size(); i += 4) {
        if (!(*r)->ReadBlock(infos[i], &raw).ok() || raw != blocks[i]) ++bad;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0);
}

TEST_P(RoundTripTest, SequentialReadingOnAPipe) {
  const std::string bytes = WriteArchive(SmallToc(), SmallContent(), Options());
  MemorySource src(bytes);
  src.set_seekable(false);
  auto r = ArchiveReader::Open(&src);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->LoadIndex().code(), StatusCode::kUnsupported);
  std::string raw;
  EXPECT_EQ((*r)->ReadBlock(BlockInfo{42, 0, 0, 1, 1, 0}, &raw).code(), StatusCode::kUnsupported);

  auto data = ReadSequential(r->get());
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  EXPECT_EQ((*data)[42], CopyText(300, 1) + NoiseBytes(40, 2) + CopyText(200, 3));
  EXPECT_EQ((*data)[7], CopyText(100, 4));
  // The end is sticky, and the index read on the way is available.
  BlockInfo info;
  auto more = (*r)->NextBlock(&info, &raw);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
  EXPECT_EQ((*r)->blocks().size(), 4u);
  ASSERT_EQ((*r)->stats().size(), 2u);
  EXPECT_EQ((*r)->stats()[0].dump_id, 42u);
  // The stream is used up: a verification cannot start over.
  EXPECT_ERROR((*r)->Verify(nullptr), StatusCode::kInvalidArgument, "NextBlock");
}

TEST_P(RoundTripTest, VerifyOnAPipe) {
  const std::string bytes = WriteArchive(SmallToc(), SmallContent(), Options());
  MemorySource src(bytes);
  src.set_seekable(false);
  auto r = ArchiveReader::Open(&src);
  ASSERT_TRUE(r.ok());
  VerifyReport rep;
  ASSERT_TRUE((*r)->Verify(&rep).ok());
  EXPECT_EQ(rep.blocks, 4u);
  EXPECT_EQ(rep.data_entries, 2u);
  EXPECT_EQ(rep.archive_bytes, bytes.size());
}

TEST_P(RoundTripTest, VerifyIsIndependentOfNextBlockWhenSeekable) {
  const std::string bytes = WriteArchive(SmallToc(), SmallContent(), Options());
  MemorySource src(bytes);
  auto r = ArchiveReader::Open(&src);
  ASSERT_TRUE(r.ok());
  BlockInfo info;
  std::string raw;
  ASSERT_TRUE((*r)->NextBlock(&info, &raw).ok());
  ASSERT_TRUE((*r)->Verify(nullptr).ok());
  auto rest = ReadSequential(r->get());
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->size(), 2u);
}

TEST(CompressionTest, IncompressibleBlocksAreStoredRaw) {
  WriterOptions o;
  o.compression = 1;
  const std::string noise = NoiseBytes(10000, 5);
  const std::string text = CopyText(10000, 5);
  const std::string one = "x";
  const std::string bytes = WriteArchive({TableData(42)}, {{42, {noise, text, one}}}, o);
  MemorySource src(bytes);
  auto r = ArchiveReader::Open(&src);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE((*r)->LoadIndex().ok());
  const auto& b = (*r)->blocks();
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b[0].stored_len, b[0].raw_len);  // noise: zstd would not shrink it
  EXPECT_LT(b[1].stored_len, b[1].raw_len / 4);
  EXPECT_EQ(b[2].stored_len, 1u);
  auto data = ReadRandom(r->get());
  ASSERT_TRUE(data.ok());
  EXPECT_EQ((*data)[42], noise + text + one);
  // Per-block overhead: a 40-byte block header.
  EXPECT_EQ(b[1].offset, b[0].offset + 40 + b[0].stored_len);
}

TEST(CompressionTest, LargestBlockRoundTrips) {
  WriterOptions o;
  o.compression = 1;
  o.compression_level = 1;
  const std::string big = CopyText(kMaxBlockRaw, 9);
  const std::string bytes = WriteArchive({TableData(42)}, {{42, {big}}}, o);
  MemorySource src(bytes);
  auto r = ArchiveReader::Open(&src);
  ASSERT_TRUE(r.ok());
  auto data = ReadRandom(r->get());
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  EXPECT_EQ((*data)[42], big);
}

// The writer compresses the TOC in batches of entries (EncodeTocBlock) rather than encoding the
// whole payload first. The block must hold exactly the payload EncodeToc makes, whether it spans
// many zstd blocks (the 10,000-table TOC is about 13 MB), fits in one, or does not compress and
// is stored raw (then it is byte for byte the one-shot block). zstd's streaming output is a valid
// frame of the same content, not necessarily the bytes of a one-shot ZSTD_compress2.
TEST(CompressionTest, StreamedTocBlockHoldsTheTocPayload) {
  std::vector<TocEntry> big;
  for (uint32_t id = 1; id <= 20000; ++id) {
    const std::string n = std::to_string(id);
    TocEntry e = Ddl(id, id % 3 == 0 ? "INDEX" : "TABLE", "t_" + n);
    e.schema = n.substr(n.size() - 1);
    e.create_sql = "CREATE TABLE s.t_" + n + " (id integer NOT NULL, v" + std::string(id % 7, 'x') +
                   " text); -- " + std::to_string(id * 2654435761u);
    e.drop_sql = "DROP TABLE s.t_" + n + ";";
    if (id > 1) e.deps = {id - 1, (id + 1) / 2};
    big.push_back(std::move(e));
  }
  std::vector<TocEntry> noisy = {Ddl(1, "TABLE", "n")};
  noisy[0].create_sql = NoiseBytes(300000, 11);  // zstd cannot shrink it
  const std::vector<std::vector<TocEntry>> tocs = {{}, {Ddl(1, "TABLE", "t")}, big, noisy};
  for (int level : {1, 3, 9}) {
    auto cctx = internal::NewCCtx(level);
    ASSERT_TRUE(cctx.ok());
    for (size_t t = 0; t < tocs.size(); ++t) {
      SCOPED_TRACE("level " + std::to_string(level) + ", TOC " + std::to_string(t));
      const std::string payload = internal::EncodeToc(tocs[t]);
      auto streamed = internal::EncodeTocBlock(cctx->get(), tocs[t]);
      ASSERT_TRUE(streamed.ok()) << streamed.status().ToString();
      ASSERT_GE(streamed->size(), layout::kBlockHeaderSize);
      internal::BlockHeader h;
      ASSERT_TRUE(internal::DecodeBlockHeader(internal::Bytes(*streamed), &h));
      const std::string_view stored = std::string_view(*streamed).substr(layout::kBlockHeaderSize);
      EXPECT_EQ(h.kind, layout::kKindToc);
      EXPECT_EQ(h.raw_len, payload.size());
      EXPECT_EQ(h.stored_len, stored.size());
      EXPECT_EQ(h.payload_checksum, internal::Checksum(stored));
      const bool zstd = (h.flags & layout::kBlockFlagZstd) != 0;
      // Compressed exactly when the one-shot encoding compresses (§5.2: only when shorter).
      auto one_shot = internal::EncodeBlock(cctx->get(), layout::kKindToc, 0, 0, 0, payload);
      ASSERT_TRUE(one_shot.ok());
      internal::BlockHeader one_shot_header;
      ASSERT_TRUE(internal::DecodeBlockHeader(internal::Bytes(*one_shot), &one_shot_header));
      EXPECT_EQ(h.flags, one_shot_header.flags);
      if (zstd) {
        EXPECT_LT(stored.size(), payload.size());
        std::string raw;
        ASSERT_TRUE(internal::Decompress(stored, h.raw_len, "TOC", &raw).ok());
        EXPECT_TRUE(raw == payload);
      } else {
        EXPECT_TRUE(*streamed == *one_shot);
      }
      // Without compression, the one-shot block itself.
      auto raw_block = internal::EncodeTocBlock(nullptr, tocs[t]);
      auto raw_one_shot = internal::EncodeBlock(nullptr, layout::kKindToc, 0, 0, 0, payload);
      ASSERT_TRUE(raw_block.ok() && raw_one_shot.ok());
      EXPECT_TRUE(*raw_block == *raw_one_shot);
    }
  }
  // The large TOC really is compressed, over many zstd blocks of 128 KiB; the small and the
  // noisy ones are stored raw.
  auto cctx = internal::NewCCtx(3);
  ASSERT_TRUE(cctx.ok());
  auto flags = [&](const std::vector<TocEntry>& toc) {
    auto block = internal::EncodeTocBlock(cctx->get(), toc);
    internal::BlockHeader h;
    EXPECT_TRUE(block.ok() && internal::DecodeBlockHeader(internal::Bytes(*block), &h));
    EXPECT_TRUE(h.flags != layout::kBlockFlagZstd || h.raw_len > (1u << 20));
    return h.flags;
  };
  EXPECT_EQ(flags(big), layout::kBlockFlagZstd);
  EXPECT_EQ(flags(noisy), 0);
  EXPECT_EQ(flags({}), 0);
}

// --- writer contract -------------------------------------------------------------------------

TEST(WriterTest, RejectsBadOptionsAndToc) {
  MemorySink sink;
  WriterOptions bad_method;
  bad_method.compression = 2;
  EXPECT_ERROR(ArchiveWriter::Create(&sink, TestHeader(), {}, bad_method),
               StatusCode::kInvalidArgument, "compression method 2");
  WriterOptions bad_level;
  bad_level.compression_level = 1000;
  EXPECT_ERROR(ArchiveWriter::Create(&sink, TestHeader(), {}, bad_level),
               StatusCode::kInvalidArgument, "level 1000");
  EXPECT_ERROR(ArchiveWriter::Create(&sink, TestHeader(), {TableData(0)}, WriterOptions()),
               StatusCode::kInvalidArgument, "dump id 0");
  EXPECT_ERROR(
      ArchiveWriter::Create(&sink, TestHeader(), {TableData(3), Ddl(3, "X", "y")}, WriterOptions()),
      StatusCode::kInvalidArgument, "used twice");
  TocEntry half = Ddl(4, "CONSTRAINT", "t k");
  half.index_sql = "CREATE UNIQUE INDEX k ON t (a);";
  EXPECT_ERROR(ArchiveWriter::Create(&sink, TestHeader(), {half}, WriterOptions()),
               StatusCode::kInvalidArgument, "index_sql and attach_sql go together");
  TocEntry no_data = Ddl(5, "TABLE", "t");
  no_data.char_columns = {1};
  EXPECT_ERROR(ArchiveWriter::Create(&sink, TestHeader(), {no_data}, WriterOptions()),
               StatusCode::kInvalidArgument, "entry 5: char_columns on an entry without data");
  for (const std::vector<uint32_t>& bad : {std::vector<uint32_t>{2, 2}, {3, 1}}) {
    TocEntry unordered = TableData(6);
    unordered.char_columns = bad;
    EXPECT_ERROR(ArchiveWriter::Create(&sink, TestHeader(), {unordered}, WriterOptions()),
                 StatusCode::kInvalidArgument, "char_columns not in increasing order");
  }
  EXPECT_TRUE(sink.data().empty());
}

TEST(WriterTest, StreamMisuse) {
  MemorySink sink;
  auto w = ArchiveWriter::Create(&sink, TestHeader(), {TableData(42), Ddl(1, "TABLE", "t")},
                                 WriterOptions());
  ASSERT_TRUE(w.ok());
  EXPECT_ERROR((*w)->OpenStream(99), StatusCode::kInvalidArgument, "entry 99");
  EXPECT_ERROR((*w)->OpenStream(1), StatusCode::kInvalidArgument, "entry 1");
  auto s = (*w)->OpenStream(42);
  ASSERT_TRUE(s.ok());
  EXPECT_ERROR((*w)->OpenStream(42), StatusCode::kInvalidArgument, "opened twice");
  EXPECT_ERROR((*s)->AppendBlock(std::string(kMaxBlockRaw + 1, 'a'), 1),
               StatusCode::kInvalidArgument, "exceeds");
  const uint64_t before = (*w)->bytes_written();
  EXPECT_TRUE((*s)->AppendBlock("", 0).ok());  // no-op
  EXPECT_EQ((*w)->bytes_written(), before);
  EXPECT_ERROR((*w)->Finish(), StatusCode::kInvalidArgument, "entry 42: stream not closed");
  EXPECT_TRUE((*s)->AppendBlock("1\t2\n", 1).ok());
  EXPECT_TRUE((*s)->Close().ok());
  EXPECT_ERROR((*s)->Close(), StatusCode::kInvalidArgument, "closed twice");
  EXPECT_ERROR((*s)->AppendBlock("x", 1), StatusCode::kInvalidArgument, "after Close");
  EXPECT_TRUE((*w)->Finish().ok());
  EXPECT_ERROR((*w)->Finish(), StatusCode::kInvalidArgument, "twice");
  EXPECT_ERROR((*w)->OpenStream(42), StatusCode::kInvalidArgument, "after Finish");
  EXPECT_TRUE(OpenAndVerify(sink.data(), true).ok());
}

TEST(WriterTest, StreamDestroyedWithoutCloseBlocksFinish) {
  MemorySink sink;
  auto w = ArchiveWriter::Create(&sink, TestHeader(), {TableData(42)}, WriterOptions());
  ASSERT_TRUE(w.ok());
  {
    auto s = (*w)->OpenStream(42);
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->AppendBlock("abc", 1).ok());
  }
  EXPECT_ERROR((*w)->Finish(), StatusCode::kInvalidArgument, "not closed");
  EXPECT_FALSE(sink.committed());
  EXPECT_ERROR(OpenAndVerify(sink.data(), true), StatusCode::kCorruption, "incomplete");
}

// --- compatibility (archive_format.md §12) ---------------------------------------------------

TEST(CompatibilityTest, NewerMinorWithUnknownFieldsIsRead) {
  std::string extra;
  internal::AppendStringField(&extra, 300, "a header field from the future");
  const std::string header = HeaderBytes(kFormatMajor, kFormatMinor + 3, 0, extra);

  // A TOC entry carrying an unknown field between known ones.
  std::string rec;
  internal::AppendU32Field(&rec, layout::kTocDumpId, 42);
  internal::AppendStringField(&rec, 999, "unknown");
  internal::AppendStringField(&rec, layout::kTocCopySql, "COPY t FROM stdin;");
  internal::AppendStringField(&rec, layout::kTocName, "t");
  std::string toc_payload;
  internal::AppendU32(&toc_payload, 1);
  internal::AppendU32(&toc_payload, static_cast<uint32_t>(rec.size()));
  toc_payload += rec;

  // Index records longer than 1.0's, with tails a 1.0 reader ignores.
  BlockInfo b{42, 0, 0, 5, 5, 1};
  std::string bytes = header + ArchiveBuilder::Block(layout::kKindToc, 0, 0, 0, toc_payload);
  b.offset = bytes.size();
  bytes += ArchiveBuilder::Block(layout::kKindData, 42, 0, 1, "hello");
  std::string index;
  internal::AppendU32(&index, 1);
  internal::AppendU32(&index, 1);
  internal::AppendU16(&index, layout::kBlockRecordSize + 4);
  internal::AppendU16(&index, layout::kStatsRecordSize + 2);
  std::string one_block = internal::EncodeIndex({b}, {}).substr(layout::kIndexPreambleSize);
  index += one_block + "TAIL";
  EntryStats s{42, 1, 1, 5, 5, XXH3_64bits("hello", 5), RowForm::kNone, {}};
  index += internal::EncodeIndex({}, {s}).substr(layout::kIndexPreambleSize) + "ZZ";
  internal::Footer f;
  f.index_offset = bytes.size();
  const std::string index_block = ArchiveBuilder::Block(layout::kKindIndex, 0, 0, 0, index);
  f.index_length = index_block.size();
  f.block_count = 1;
  f.header_checksum = internal::LoadU64(internal::Bytes(header) + header.size() - 8);
  bytes += index_block;
  uint8_t footer[layout::kFooterSize];
  internal::EncodeFooter(f, footer);
  bytes.append(reinterpret_cast<const char*>(footer), sizeof footer);

  MemorySource src(bytes);
  auto r = ArchiveReader::Open(&src);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->header().format_minor, kFormatMinor + 3);
  EXPECT_EQ((*r)->header().database, "shop");
  ASSERT_EQ((*r)->toc().size(), 1u);
  EXPECT_EQ((*r)->toc()[0].name, "t");
  EXPECT_TRUE((*r)->Verify(nullptr).ok());
  auto data = ReadRandom(r->get());
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  EXPECT_EQ((*data)[42], "hello");
}

TEST(CompatibilityTest, IndexSqlMakesAVersion12Archive) {
  // §12: the minor version is that of the newest feature used, whatever the flags.
  WriterOptions o;
  o.mark_entry_ends = false;
  TocEntry k = Ddl(3, "CONSTRAINT", "t k");
  const std::string without = WriteArchive({k}, {}, o);
  EXPECT_EQ(internal::LoadU16(internal::Bytes(without) + 10), 0);
  k.index_sql = "CREATE UNIQUE INDEX k ON s.t USING btree (a);\n";
  k.attach_sql = "ALTER TABLE ONLY s.t\n    ADD CONSTRAINT k UNIQUE USING INDEX k;\n";
  const std::string with = WriteArchive({k}, {}, o);
  EXPECT_EQ(internal::LoadU16(internal::Bytes(with) + 10), 2);
  EXPECT_EQ(internal::LoadU32(internal::Bytes(with) + 12), 0u);  // no flag
  MemorySource src(with);
  auto r = ArchiveReader::Open(&src);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->header().format_minor, 2);
  ASSERT_EQ((*r)->toc().size(), 1u);
  EXPECT_EQ((*r)->toc()[0].index_sql, k.index_sql);
  EXPECT_EQ((*r)->toc()[0].attach_sql, k.attach_sql);
}

TEST(CompatibilityTest, CharColumnsMakeAVersion13Archive) {
  WriterOptions o;
  o.mark_entry_ends = false;
  o.compression = 0;  // the TOC's bytes as they are, to find the field in
  TocEntry k = Ddl(3, "CONSTRAINT", "t k");
  k.index_sql = "CREATE UNIQUE INDEX k ON s.t USING btree (a);\n";
  k.attach_sql = "ALTER TABLE ONLY s.t\n    ADD CONSTRAINT k UNIQUE USING INDEX k;\n";
  TocEntry d = TableData(4);
  const std::string without = WriteArchive({k, d}, {}, o);
  EXPECT_EQ(internal::LoadU16(internal::Bytes(without) + 10), 2);
  d.char_columns = {1, 4};
  const std::string with = WriteArchive({k, d}, {}, o);
  EXPECT_EQ(internal::LoadU16(internal::Bytes(with) + 10), 3);
  EXPECT_EQ(internal::LoadU32(internal::Bytes(with) + 12), 0u);  // no flag
  // Tag 16, 8 bytes: two u32.
  EXPECT_NE(with.find(std::string("\x10\x00\x08\x00\x00\x00\x01\x00\x00\x00\x04\x00\x00\x00", 14)),
            std::string::npos);
  MemorySource src(with);
  auto r = ArchiveReader::Open(&src);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->header().format_minor, 3);
  ASSERT_EQ((*r)->toc().size(), 2u);
  EXPECT_EQ((*r)->toc()[1].char_columns, (std::vector<uint32_t>{1, 4}));
  EXPECT_TRUE((*r)->toc()[0].char_columns.empty());
}

// §7.5: large objects' contents as BLOBS entries with data make a 1.4 archive with the
// large_objects header flag; their blocks read back like a table's.
TEST(CompatibilityTest, LargeObjectDataMakesAVersion14ArchiveWithItsFlag) {
  TocEntry meta = Ddl(3, "BLOB METADATA", "16400..16402");
  meta.schema.clear();
  meta.owner_object = "LARGE OBJECT";
  meta.create_sql =
      "SELECT pg_catalog.count(pg_catalog.lo_create(o)) FROM "
      "pg_catalog.unnest('{16400,16401,16402}'::pg_catalog.oid[]) AS o;\n";
  TocEntry blobs;
  blobs.dump_id = 4;
  blobs.kind = "BLOBS";
  blobs.section = Section::kData;
  blobs.name = "16400..16402";
  blobs.deps = {3};
  blobs.copy_sql = "COPY pg_temp.ndump_blobs (loid, off, data) FROM stdin;";
  const std::vector<std::string> rows = {"16400\t0\t\\\\x78\n16402\t0\t\\\\x00ff\n",
                                         "16401\t262144\t\\\\x79\n"};
  for (bool marks : {false, true}) {
    WriterOptions o;
    o.mark_entry_ends = marks;
    // Metadata alone (no BLOBS entry with data) needs no new version.
    const std::string without = WriteArchive({meta}, {}, o);
    EXPECT_EQ(internal::LoadU16(internal::Bytes(without) + 10), marks ? 1 : 0);
    EXPECT_EQ(internal::LoadU32(internal::Bytes(without) + 12), marks ? 1u : 0u);
    const std::string with = WriteArchive({meta, blobs}, {{4, rows}}, o);
    EXPECT_EQ(internal::LoadU16(internal::Bytes(with) + 10), 4);
    EXPECT_EQ(internal::LoadU32(internal::Bytes(with) + 12), marks ? 3u : 2u);
    MemorySource src(with);
    auto r = ArchiveReader::Open(&src);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ((*r)->header().format_minor, 4);
    EXPECT_TRUE((*r)->header().large_objects);
    EXPECT_EQ((*r)->header().entry_ends_marked, marks);
    ASSERT_EQ((*r)->toc().size(), 2u);
    EXPECT_EQ((*r)->toc()[0].owner_object, "LARGE OBJECT");
    EXPECT_EQ((*r)->toc()[0].create_sql, meta.create_sql);
    EXPECT_EQ((*r)->toc()[1].kind, "BLOBS");
    EXPECT_EQ((*r)->toc()[1].copy_sql, blobs.copy_sql);
    ASSERT_TRUE((*r)->LoadIndex().ok());
    std::string all, block;
    for (const auto& b : (*r)->BlocksOf(4)) {
      ASSERT_TRUE((*r)->ReadBlock(b, &block).ok());
      all += block;
    }
    EXPECT_EQ(all, rows[0] + rows[1]);
    VerifyReport rep;
    ASSERT_TRUE((*r)->Verify(&rep).ok());
    EXPECT_EQ(rep.blocks, 2u);
  }
  // This reader knows bit 1 (a 1.3 reader refuses it as it refuses 0x10 below): what stops it
  // here is the missing TOC, not the flag.
  MemorySource flagged(HeaderBytes(1, 4, 0x2));
  auto r = ArchiveReader::Open(&flagged);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().find("flags"), std::string::npos) << r.status().ToString();
}

TEST(CompatibilityTest, UnknownFlagsAreRefused) {
  // Bit 3 (0x8) is encryption since 1.7 (§15); bit 4 is the first no reader knows. Bit 2 (0x4),
  // the cluster flag of 1.6 (§14), is the cluster reader's: this reader refuses it too.
  MemorySource flagged(HeaderBytes(1, 0, 0x10));
  EXPECT_ERROR(ArchiveReader::Open(&flagged), StatusCode::kUnsupported,
               "unsupported archive header flags 0x10");
  MemorySource cluster(HeaderBytes(1, 0, 0x4));
  EXPECT_ERROR(ArchiveReader::Open(&cluster), StatusCode::kUnsupported,
               "unsupported archive header flags 0x4");

  // A data block with an unknown flag bit.
  ArchiveBuilder builder({TableData(42)});
  internal::BlockHeader h;
  h.kind = layout::kKindData;
  h.flags = 0x04;
  h.dump_id = 42;
  h.raw_len = h.stored_len = 3;
  h.rows = 1;
  h.payload_checksum = internal::Checksum("abc", 3);
  uint8_t hb[layout::kBlockHeaderSize];
  internal::EncodeBlockHeader(h, hb);
  builder.AppendRaw(std::string(reinterpret_cast<const char*>(hb), sizeof hb) + "abc");
  EXPECT_ERROR(OpenAndVerify(builder.Finish(), true), StatusCode::kUnsupported,
               "unsupported block flags 0x4");
}

TEST(CompatibilityTest, UnknownCompressionMethodIsRefused) {
  // The standard header with its compression method field replaced by method 7.
  const std::string standard = internal::EncodeHeader(TestHeader());
  const uint32_t len = internal::LoadU32(internal::Bytes(standard) + 16);
  std::string fields;
  std::vector<internal::Field> list;
  ASSERT_TRUE(
      internal::SplitFields(std::string_view(standard).substr(20, len), "header", &list).ok());
  for (const internal::Field& f : list) {
    if (f.tag == layout::kHdrCompression) {
      internal::AppendU8Field(&fields, f.tag, 7);
    } else {
      internal::AppendStringField(&fields, f.tag, f.value);
    }
  }
  std::string header(reinterpret_cast<const char*>(layout::kHeaderMagic), 8);
  internal::AppendU16(&header, 1);
  internal::AppendU16(&header, 0);
  internal::AppendU32(&header, 0);
  internal::AppendU32(&header, static_cast<uint32_t>(fields.size()));
  header += fields;
  internal::AppendU64(&header, internal::Checksum(header));
  MemorySource src(header);
  EXPECT_ERROR(ArchiveReader::Open(&src), StatusCode::kUnsupported, "compression method 7");
}

}  // namespace
}  // namespace libdump::format::testing
