// Row fingerprints (archive_format.md §7.6): the row hasher on COPY text and binary streams fed
// in pieces cut anywhere, and the fingerprints' way through the writer, the index and Verify.
#include "libdump/format/fingerprint.h"

#include <xxhash.h>

#include <algorithm>
#include <random>

#include "archive_test_util.h"

namespace libdump::format::testing {
namespace {

// The fingerprint of `rows` computed straight from §7.6: each row's XXH3-128, summed as 128-bit
// numbers with the carry written out here, apart from RowFingerprint::Add.
RowFingerprint Expected(const std::vector<std::string>& rows) {
  RowFingerprint f;
  for (const std::string& r : rows) {
    const XXH128_hash_t h = XXH3_128bits(r.data(), r.size());
    const uint64_t low = f.low + h.low64;
    f.high = f.high + h.high64 + (low < f.low ? 1 : 0);
    f.low = low;
    ++f.rows;
  }
  return f;
}

// Feeds `stream` in pieces cut at random places (pieces of 0 to `max_piece` bytes).
bool HashInPieces(RowForm form, const std::string& stream, uint32_t seed, size_t max_piece,
                  RowFingerprint* out) {
  std::mt19937 rng(seed);
  RowHasher h(form);
  size_t at = 0;
  while (at < stream.size()) {
    const size_t n =
        std::min(stream.size() - at, std::uniform_int_distribution<size_t>(0, max_piece)(rng));
    h.Update(std::string_view(stream).substr(at, n));
    at += n;
  }
  return h.Finish(out);
}

bool HashWhole(RowForm form, const std::string& stream, RowFingerprint* out) {
  RowHasher h(form);
  h.Update(stream);
  return h.Finish(out);
}

std::vector<std::string> TextRows() {
  std::vector<std::string> rows;
  for (int i = 0; i < 300; ++i) {
    rows.push_back(std::to_string(i) + "\tvalue " + std::to_string(i * 31) + "\t\\N\tline\\nbreak");
  }
  rows.push_back("");                      // a row of a table without columns
  rows.push_back(std::string(5000, 'x'));  // longer than most pieces
  rows.push_back(std::to_string(7) + "\tvalue 217\t\\N\tline\\nbreak");  // a duplicate row
  return rows;
}

std::string TextStream(const std::vector<std::string>& rows) {
  std::string s;
  for (const std::string& r : rows) s += r + "\n";
  return s;
}

void PutBe16(std::string* s, uint16_t v) {
  s->push_back(static_cast<char>(v >> 8));
  s->push_back(static_cast<char>(v & 0xff));
}
void PutBe32(std::string* s, uint32_t v) {
  PutBe16(s, static_cast<uint16_t>(v >> 16));
  PutBe16(s, static_cast<uint16_t>(v & 0xffff));
}

// A binary row: field count, then each field's length and bytes; a field "NULL" is NULL.
std::string BinaryRow(const std::vector<std::string>& fields) {
  std::string s;
  PutBe16(&s, static_cast<uint16_t>(fields.size()));
  for (const std::string& f : fields) {
    if (f == "NULL") {
      PutBe32(&s, 0xffffffffu);
      continue;
    }
    PutBe32(&s, static_cast<uint32_t>(f.size()));
    s += f;
  }
  return s;
}

std::vector<std::string> BinaryRows() {
  std::vector<std::string> rows;
  for (int i = 0; i < 200; ++i) {
    rows.push_back(BinaryRow({std::string("\0\0\0", 3) + static_cast<char>(i), "NULL",
                              "text with\nnewline " + std::to_string(i), ""}));
  }
  rows.push_back(BinaryRow({}));  // no columns
  rows.push_back(BinaryRow({std::string(70000, '\xff')}));
  return rows;
}

// The stream COPY TO sends: header (with `extension` bytes), rows, trailer.
std::string BinaryStream(const std::vector<std::string>& rows, const std::string& extension = "") {
  std::string s("PGCOPY\n\xff\r\n\0", 11);
  PutBe32(&s, 0);
  PutBe32(&s, static_cast<uint32_t>(extension.size()));
  s += extension;
  for (const std::string& r : rows) s += r;
  PutBe16(&s, 0xffff);
  return s;
}

TEST(RowHasherTest, TextRowsAreLinesWithoutTheirNewline) {
  const auto rows = TextRows();
  RowFingerprint got;
  ASSERT_TRUE(HashWhole(RowForm::kText, TextStream(rows), &got));
  EXPECT_EQ(got, Expected(rows));
  EXPECT_EQ(got.rows, rows.size());
}

TEST(RowHasherTest, TextCutAnywhereGivesTheSameFingerprint) {
  const auto rows = TextRows();
  const std::string stream = TextStream(rows);
  const RowFingerprint want = Expected(rows);
  for (uint32_t seed = 0; seed < 200; ++seed) {
    RowFingerprint got;
    ASSERT_TRUE(HashInPieces(RowForm::kText, stream, seed, seed % 2 ? 7 : 9000, &got));
    ASSERT_EQ(got, want) << "seed " << seed;
  }
  // One byte at a time.
  RowFingerprint got;
  ASSERT_TRUE(HashInPieces(RowForm::kText, stream, 1, 1, &got));
  EXPECT_EQ(got, want);
}

TEST(RowHasherTest, OrderDoesNotMatterAndContentDoes) {
  auto rows = TextRows();
  RowFingerprint before;
  ASSERT_TRUE(HashWhole(RowForm::kText, TextStream(rows), &before));
  std::mt19937 rng(5);
  std::shuffle(rows.begin(), rows.end(), rng);
  RowFingerprint shuffled;
  ASSERT_TRUE(HashWhole(RowForm::kText, TextStream(rows), &shuffled));
  EXPECT_EQ(shuffled, before);

  rows[10][0] ^= 1;  // one changed byte
  RowFingerprint changed;
  ASSERT_TRUE(HashWhole(RowForm::kText, TextStream(rows), &changed));
  EXPECT_NE(changed, before);
  EXPECT_EQ(changed.rows, before.rows);
}

TEST(RowHasherTest, SplitStreamsAddUpToTheWhole) {
  const auto rows = TextRows();
  const std::vector<std::string> first(rows.begin(), rows.begin() + 100);
  const std::vector<std::string> second(rows.begin() + 100, rows.end());
  RowFingerprint a;
  RowFingerprint b;
  RowFingerprint whole;
  ASSERT_TRUE(HashWhole(RowForm::kText, TextStream(first), &a));
  ASSERT_TRUE(HashWhole(RowForm::kText, TextStream(second), &b));
  ASSERT_TRUE(HashWhole(RowForm::kText, TextStream(rows), &whole));
  a.Add(b);
  EXPECT_EQ(a, whole);
}

TEST(RowHasherTest, TextLastLineWithoutNewlineIsARow) {
  RowFingerprint got;
  ASSERT_TRUE(HashWhole(RowForm::kText, "a\nb", &got));
  EXPECT_EQ(got, Expected({"a", "b"}));
  ASSERT_TRUE(HashWhole(RowForm::kText, "", &got));
  EXPECT_EQ(got, RowFingerprint());
}

TEST(RowHasherTest, BinaryRowsAreTuplesWithoutHeaderOrTrailer) {
  const auto rows = BinaryRows();
  RowFingerprint got;
  ASSERT_TRUE(HashWhole(RowForm::kBinary, BinaryStream(rows), &got));
  EXPECT_EQ(got, Expected(rows));
  // A header extension is skipped, not part of a row.
  ASSERT_TRUE(HashWhole(RowForm::kBinary, BinaryStream(rows, "extension"), &got));
  EXPECT_EQ(got, Expected(rows));
  // No rows at all: header and trailer.
  ASSERT_TRUE(HashWhole(RowForm::kBinary, BinaryStream({}), &got));
  EXPECT_EQ(got, RowFingerprint());
}

TEST(RowHasherTest, BinaryCutAnywhereGivesTheSameFingerprint) {
  const auto rows = BinaryRows();
  const std::string stream = BinaryStream(rows, "xy");
  const RowFingerprint want = Expected(rows);
  for (uint32_t seed = 0; seed < 200; ++seed) {
    RowFingerprint got;
    ASSERT_TRUE(HashInPieces(RowForm::kBinary, stream, seed, seed % 2 ? 5 : 20000, &got));
    ASSERT_EQ(got, want) << "seed " << seed;
  }
  RowFingerprint got;
  ASSERT_TRUE(HashInPieces(RowForm::kBinary, stream, 1, 1, &got));
  EXPECT_EQ(got, want);
}

TEST(RowHasherTest, MalformedBinaryHasNoFingerprint) {
  const std::string good = BinaryStream(BinaryRows());
  RowFingerprint got;
  EXPECT_FALSE(HashWhole(RowForm::kBinary, good.substr(0, good.size() - 2), &got));  // no trailer
  EXPECT_FALSE(HashWhole(RowForm::kBinary, good.substr(0, good.size() / 2), &got));  // cut
  EXPECT_FALSE(HashWhole(RowForm::kBinary, good + "x", &got));  // after the trailer
  std::string bad_signature = good;
  bad_signature[0] = 'X';
  EXPECT_FALSE(HashWhole(RowForm::kBinary, bad_signature, &got));
  EXPECT_FALSE(HashWhole(RowForm::kBinary, "", &got));
  EXPECT_FALSE(HashWhole(RowForm::kNone, "a\n", &got));
}

TEST(RowFingerprintTest, SumCarriesIntoTheHighHalf) {
  RowFingerprint a;
  a.low = ~0ull;
  a.high = 5;
  a.rows = 1;
  RowFingerprint b;
  b.low = 2;
  b.high = ~0ull;
  b.rows = 2;
  a.Add(b);
  EXPECT_EQ(a.low, 1u);
  EXPECT_EQ(a.high, 5u);  // 5 + 2^64 - 1 + carry 1, modulo 2^64
  EXPECT_EQ(a.rows, 3u);
  EXPECT_EQ(a.Hex(), "00000000000000050000000000000001");
}

TEST(RowFingerprintTest, FormFollowsCopySql) {
  EXPECT_EQ(RowFormOf("COPY public.t (a) FROM stdin;"), RowForm::kText);
  EXPECT_EQ(RowFormOf("COPY public.t (a) FROM stdin WITH (FORMAT binary);"), RowForm::kBinary);
  EXPECT_EQ(RowFormOf(""), RowForm::kNone);
}

// The writer records each entry's fingerprint in the index, from the blocks however they are
// cut; both readers give it back, and Verify recomputes it.
TEST(FingerprintArchiveTest, WriterRecordsAndReadersReturnFingerprints) {
  TocEntry text = TableData(1);
  TocEntry binary = TableData(2);
  binary.copy_sql = "COPY public.t2 (a, b) FROM stdin WITH (FORMAT binary);";
  TocEntry empty = TableData(3);
  const std::string t = TextStream(TextRows());
  const std::string b = BinaryStream(BinaryRows());
  const std::vector<EntryContent> content = {
      {1, {t.substr(0, 1001), t.substr(1001, 77), t.substr(1078)}},
      {2, {b.substr(0, 3), b.substr(3, 40000), b.substr(40003)}}};
  WriterOptions opts;
  opts.compression = 0;
  opts.fingerprint_rows = true;
  const std::string bytes = WriteArchive({text, binary, empty}, content, opts);
  for (const bool seekable : {true, false}) {
    MemorySource src(bytes);
    src.set_seekable(seekable);
    auto r = ArchiveReader::Open(&src);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ((*r)->header().format_minor, 5);
    if (seekable) {
      ASSERT_TRUE((*r)->LoadIndex().ok());
    } else {
      ASSERT_TRUE(ReadSequential(r->get()).ok());
    }
    const auto& stats = (*r)->stats();
    ASSERT_EQ(stats.size(), 3u);
    EXPECT_EQ(stats[0].fingerprint_form, RowForm::kText);
    EXPECT_EQ(stats[0].fingerprint, Expected(TextRows()));
    EXPECT_EQ(stats[1].fingerprint_form, RowForm::kBinary);
    EXPECT_EQ(stats[1].fingerprint, Expected(BinaryRows()));
    EXPECT_EQ(stats[2].fingerprint_form, RowForm::kNone);  // never opened
  }
  EXPECT_TRUE(OpenAndVerify(bytes, true).ok());
  EXPECT_TRUE(OpenAndVerify(bytes, false).ok());
}

TEST(FingerprintArchiveTest, WithoutFingerprintsTheArchiveIsTheOlderOne) {
  WriterOptions opts;  // fingerprint_rows is off by default
  const std::string bytes = WriteArchive(SmallToc(), SmallContent(), opts);
  MemorySource src(bytes);
  auto r = ArchiveReader::Open(&src);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->header().format_minor, 1);
  ASSERT_TRUE((*r)->LoadIndex().ok());
  for (const auto& s : (*r)->stats()) EXPECT_EQ(s.fingerprint_form, RowForm::kNone);
}

// A fingerprint in the index that the data does not give fails Verify: the index is rewritten
// with one bit of one fingerprint changed (checksums recomputed, as a buggy writer would).
TEST(FingerprintArchiveTest, VerifyFindsAFingerprintTheDataDoesNotGive) {
  WriterOptions opts;
  opts.compression = 0;
  opts.fingerprint_rows = true;
  const std::string t = TextStream(TextRows());
  const std::string good = WriteArchive({TableData(1)}, {{1, {t}}}, opts);
  ASSERT_TRUE(OpenAndVerify(good, true).ok());

  MemorySource src(good);
  auto r = ArchiveReader::Open(&src);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE((*r)->LoadIndex().ok());
  std::vector<EntryStats> stats = (*r)->stats();
  std::vector<BlockInfo> blocks = (*r)->blocks();
  stats[0].fingerprint.high ^= 1;
  auto index = internal::EncodeBlock(nullptr, layout::kKindIndex, 0, 0, 0,
                                     internal::EncodeIndex(blocks, stats, true));
  ASSERT_TRUE(index.ok());
  internal::Footer f;
  const uint64_t index_offset =
      blocks.back().offset + layout::kBlockHeaderSize + blocks.back().stored_len;
  f.index_offset = index_offset;
  f.index_length = index->size();
  f.block_count = blocks.size();
  f.header_checksum =
      internal::LoadU64(internal::Bytes(good) + good.size() - layout::kFooterSize + 32);
  uint8_t footer[layout::kFooterSize];
  internal::EncodeFooter(f, footer);
  const std::string bad = good.substr(0, index_offset) + *index +
                          std::string(reinterpret_cast<const char*>(footer), sizeof footer);
  EXPECT_ERROR(OpenAndVerify(bad, true), StatusCode::kCorruption, "row fingerprint mismatch");
  EXPECT_ERROR(OpenAndVerify(bad, false), StatusCode::kCorruption, "row fingerprint mismatch");
}

}  // namespace
}  // namespace libdump::format::testing
