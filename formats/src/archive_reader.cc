// ArchiveReader: open (header + TOC), random access through the index, sequential reading and
// full verification, as described in archive_format.md §11.
//
// Every read goes through a Cursor. On a seekable source it uses positional reads only, so the
// sequential pass of NextBlock, a Verify pass and concurrent ReadBlock calls never disturb one
// another; on a pipe it consumes the source's own cursor.
#include <xxhash.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "cipher.h"
#include "codec.h"
#include "compression.h"
#include "layout.h"
#include "libdump/format/archive.h"

namespace libdump::format {

using internal::BlockHeader;

namespace {

std::string Num(uint64_t v) { return std::to_string(v); }
std::string At(uint64_t offset) { return " at offset " + Num(offset); }
std::string Hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", v);
  return buf;
}

std::string Describe(const TocEntry& e) {
  std::string s = e.kind;
  s += ' ';
  if (!e.schema.empty()) {
    s += e.schema;
    s += '.';
  }
  s += e.name;
  return s;
}

class Cursor {
 public:
  Cursor(ByteSource* src, uint64_t offset)
      : src_(src), positional_(src->Seekable()), offset_(offset) {}

  // Reads up to `n` bytes; fewer only at the end of the input.
  Result<size_t> ReadUpTo(void* buf, size_t n) {
    char* p = static_cast<char*>(buf);
    size_t got = 0;
    while (got < n) {
      Result<size_t> r =
          positional_ ? src_->ReadAt(offset_, p + got, n - got) : src_->Read(p + got, n - got);
      if (!r.ok()) return r.status();
      if (*r == 0) break;
      got += *r;
      offset_ += *r;
    }
    return got;
  }

  // Reads exactly `n` bytes; running out is kCorruption "truncated <what>".
  Status Read(void* buf, size_t n, const std::string& what) {
    ASSIGN_OR_RETURN(const size_t got, ReadUpTo(buf, n));
    if (got < n) {
      return Status::Corruption("truncated " + what + " (got " + Num(got) + " of " + Num(n) +
                                " bytes)");
    }
    return Status::Ok();
  }

  // Reads exactly `n` bytes into `out`, like Read. The buffer grows with the bytes that really
  // arrive, so a damaged length cannot make a huge allocation out of a short input.
  Status ReadInto(std::string* out, size_t n, const std::string& what) {
    constexpr size_t kStep = size_t{16} << 20;
    out->clear();
    while (out->size() < n) {
      const size_t have = out->size();
      const size_t want = std::min(kStep, n - have);
      out->resize(have + want);
      ASSIGN_OR_RETURN(const size_t got, ReadUpTo(out->data() + have, want));
      if (got < want) {
        return Status::Corruption("truncated " + what + " (got " + Num(have + got) + " of " +
                                  Num(n) + " bytes)");
      }
    }
    return Status::Ok();
  }

  uint64_t offset() const { return offset_; }

 private:
  ByteSource* src_;
  bool positional_;
  uint64_t offset_;
};

struct HashStateFree {
  void operator()(XXH3_state_t* s) const { XXH3_freeState(s); }
};
using HashPtr = std::unique_ptr<XXH3_state_t, HashStateFree>;

// §15.5: what a block that does not authenticate is reported as.
Status AuthFailure(const std::string& where) {
  return Status::Corruption(where +
                            ": authentication failed (wrong key, or the block was altered, moved "
                            "or taken from another archive)");
}

// §15.4: opens the sealed payload in `stored` with `cipher` in place (into `stored`), or fails.
Status OpenSealed(const internal::BlockCipher& cipher, const BlockHeader& h, std::string* stored,
                  std::string_view extra, const std::string& where) {
  thread_local std::string plain;
  if (!cipher.Open(h, *stored, extra, &plain)) return AuthFailure(where);
  stored->swap(plain);
  return Status::Ok();
}

// §5.2: checks the payload checksum, then (in an encrypted archive, §15.4) authenticates and
// decrypts it with `cipher` and `extra`, then decodes it into `raw`. `stored` may be consumed
// (swapped into `raw` when the payload is not compressed).
Status DecodePayload(const BlockHeader& h, std::string* stored, const std::string& mismatch,
                     const std::string& where, std::string* raw,
                     const internal::BlockCipher* cipher, std::string_view extra = {}) {
  if (internal::Checksum(*stored) != h.payload_checksum) return Status::Corruption(mismatch);
  if (cipher != nullptr) RETURN_IF_ERROR(OpenSealed(*cipher, h, stored, extra, where));
  if ((h.flags & layout::kBlockFlagZstd) != 0) {
    return internal::Decompress(*stored, h.raw_len, where, raw);
  }
  raw->swap(*stored);
  return Status::Ok();
}

// §9.1: decodes the footer read at `footer_at` and checks what it says of itself and of the
// header, for both the random-access and the sequential reader. Where the index is, they check
// each against what they know. No footer magic means the archive was not finished (§11, the
// error table): an incomplete archive, not a damaged one.
Status CheckFooter(const uint8_t* bytes, uint64_t footer_at, uint64_t header_checksum,
                   internal::Footer* f) {
  switch (internal::DecodeFooter(bytes, f)) {
    case internal::FooterCheck::kNoMagic:
      return Status::Corruption("incomplete archive: no footer magic" + At(footer_at));
    case internal::FooterCheck::kBadChecksum:
      return Status::Corruption("footer checksum mismatch" + At(footer_at));
    case internal::FooterCheck::kOk:
      break;
  }
  if (f->header_checksum != header_checksum) {
    return Status::Corruption("footer belongs to another archive (header checksum differs)");
  }
  return Status::Ok();
}

bool SameBlock(const BlockInfo& a, const BlockInfo& b) {
  return a.dump_id == b.dump_id && a.seq == b.seq && a.offset == b.offset &&
         a.raw_len == b.raw_len && a.stored_len == b.stored_len && a.rows == b.rows;
}

}  // namespace

struct ArchiveReader::SeqState {
  explicit SeqState(Cursor c) : cursor(c) {}

  struct Progress {
    uint32_t next_seq = 0;
    bool ended = false;  // its end-of-entry mark has been read (§7.4)
    HashPtr hash;        // only when hashing content (Verify)
    // §7.6, only when hashing content: the entry's rows as its copy_sql's form reads them.
    std::unique_ptr<RowHasher> rows;
  };

  Cursor cursor;
  bool started = false;
  bool done = false;
  bool hash_content = false;
  Status error;  // the first failure, returned again by later calls
  std::unordered_map<uint32_t, Progress> progress;
  std::vector<BlockInfo> seen;
  std::string stored;  // scratch
};

const TocEntry* ArchiveReader::FindEntry(uint32_t dump_id) const {
  const auto it = toc_index_.find(dump_id);
  return it == toc_index_.end() ? nullptr : &toc_[it->second];
}

std::string ArchiveReader::BlockName(uint32_t dump_id, uint32_t seq) const {
  std::string s = "block " + Num(seq) + " of entry " + Num(dump_id);
  if (const TocEntry* e = FindEntry(dump_id)) s += " (" + Describe(*e) + ")";
  return s;
}

Status ArchiveReader::EntryError(uint32_t dump_id, const std::string& problem) const {
  Status st = Status::Corruption("entry " + Num(dump_id) + ": " + problem);
  if (const TocEntry* e = FindEntry(dump_id)) st = st.WithObject(Describe(*e));
  return st;
}

// --- §11.1 opening ---------------------------------------------------------------------------

ArchiveReader::~ArchiveReader() = default;

Result<std::unique_ptr<ArchiveReader>> ArchiveReader::Open(ByteSource* source,
                                                           const ReadOptions& options) {
  if (source == nullptr) return Status::InvalidArgument("ArchiveReader needs a source");
  std::unique_ptr<ArchiveReader> r(new ArchiveReader());
  r->source_ = source;
  auto s = std::make_shared<SeqState>(Cursor(source, 0));
  RETURN_IF_ERROR(r->ReadHeaderAndToc(s.get(), options));
  r->data_start_ = s->cursor.offset();
  r->seq_ = std::move(s);
  return r;
}

Status ArchiveReader::ReadHeaderAndToc(SeqState* s, const ReadOptions& options) {
  Cursor& c = s->cursor;
  // §4.1, checked in the order the spec gives: magic, major version, length, checksum, flags.
  std::string header(layout::kHeaderFixedSize, '\0');
  ASSIGN_OR_RETURN(const size_t got, c.ReadUpTo(header.data(), header.size()));
  if (std::memcmp(header.data(), layout::kHeaderMagic, std::min(got, layout::kMagicSize)) != 0) {
    return Status::Corruption("not an ndump archive (bad magic)");
  }
  if (got == 0) return Status::Corruption("not an ndump archive (empty input)");
  if (got < header.size()) {
    return Status::Corruption("truncated archive header (got " + Num(got) + " of " +
                              Num(header.size()) + " bytes)");
  }
  const uint8_t* fixed = internal::Bytes(header);
  header_.format_major = internal::LoadU16(fixed + 8);
  header_.format_minor = internal::LoadU16(fixed + 10);
  const uint32_t flags = internal::LoadU32(fixed + 12);
  const uint32_t fields_len = internal::LoadU32(fixed + 16);
  if (header_.format_major != kFormatMajor) {  // §12
    return Status::Unsupported("unsupported archive version " + Num(header_.format_major) + "." +
                               Num(header_.format_minor) + " (this reader reads " +
                               Num(kFormatMajor) + ".x)");
  }
  if (fields_len > layout::kMaxHeaderFields) {
    return Status::Corruption("archive header fields length " + Num(fields_len) +
                              " exceeds the limit");
  }
  header.resize(layout::kHeaderFixedSize + fields_len + layout::kChecksumSize);
  RETURN_IF_ERROR(c.Read(header.data() + layout::kHeaderFixedSize,
                         fields_len + layout::kChecksumSize, "archive header"));
  const size_t covered = layout::kHeaderFixedSize + fields_len;
  header_checksum_ = internal::LoadU64(internal::Bytes(header) + covered);
  if (internal::Checksum(header.data(), covered) != header_checksum_) {
    return Status::Corruption("header checksum mismatch");
  }
  if ((flags & ~layout::kKnownHeaderFlags) != 0) {  // §4.3
    return Status::Unsupported("unsupported archive header flags " + Hex(flags));
  }
  header_.entry_ends_marked = (flags & layout::kHeaderFlagEntryEnds) != 0;
  header_.large_objects = (flags & layout::kHeaderFlagLargeObjects) != 0;
  header_.encrypted = (flags & layout::kHeaderFlagEncrypted) != 0;
  RETURN_IF_ERROR(internal::DecodeHeaderFields(
      std::string_view(header).substr(layout::kHeaderFixedSize, fields_len), &header_));
  // §15.3: the encryption field is there exactly when the flag is.
  if (header_.encrypted != !header_.encryption.empty()) {
    return Status::Corruption(header_.encrypted ? "header: encrypted, but no encryption field"
                                                : "header: encryption field without the flag");
  }
  if (header_.encrypted) {
    internal::EncryptionField field;
    RETURN_IF_ERROR(internal::ParseEncryptionField(header_.encryption, &field));
    const bool have_key = options.keys != nullptr && !options.keys->empty();
    if (!have_key && options.allow_locked) {
      locked_ = true;
    } else {
      ASSIGN_OR_RETURN(cipher_, internal::BlockCipher::ForReading(
                                    header_.encryption, have_key ? *options.keys : Keyring{}));
      cipher_->SetHeader(std::string_view(header).substr(0, covered));
    }
  }

  // §6.1: the TOC block.
  const uint64_t toc_at = c.offset();
  uint8_t bh[layout::kBlockHeaderSize];
  RETURN_IF_ERROR(c.Read(bh, sizeof bh, "TOC block header" + At(toc_at)));
  BlockHeader h;
  if (!internal::DecodeBlockHeader(bh, &h)) {
    return Status::Corruption("TOC checksum mismatch (block header" + At(toc_at) + ")");
  }
  RETURN_IF_ERROR(internal::CheckBlockHeader(h, "TOC block" + At(toc_at), overhead()));
  if (h.kind != layout::kKindToc) {
    return Status::Corruption("expected the TOC block" + At(toc_at) + ", found another kind");
  }
  RETURN_IF_ERROR(c.ReadInto(&s->stored, h.stored_len, "TOC" + At(toc_at)));
  if (locked_) {  // §15.6: without the key the TOC is only checked, not read
    if (internal::Checksum(s->stored) != h.payload_checksum) {
      return Status::Corruption("TOC checksum mismatch (payload" + At(toc_at) + ")");
    }
    return Status::Ok();
  }
  std::string raw;
  RETURN_IF_ERROR(DecodePayload(h, &s->stored, "TOC checksum mismatch (payload" + At(toc_at) + ")",
                                "TOC" + At(toc_at), &raw, cipher_.get()));
  RETURN_IF_ERROR(internal::DecodeToc(raw, &toc_));
  toc_index_.reserve(toc_.size());
  for (size_t i = 0; i < toc_.size(); ++i) toc_index_[toc_[i].dump_id] = i;
  return Status::Ok();
}

// --- §8.4 index validation -------------------------------------------------------------------

Status ArchiveReader::CheckIndex(const std::vector<BlockInfo>& blocks,
                                 const std::vector<EntryStats>& stats,
                                 uint64_t index_offset) const {
  struct Tally {
    uint64_t blocks = 0, rows = 0, raw = 0, stored = 0;
  };
  std::unordered_map<uint32_t, Tally> tally;
  uint64_t expect = data_start_;  // (1) the records tile the data region
  for (size_t i = 0; i < blocks.size(); ++i) {
    const BlockInfo& b = blocks[i];
    const std::string rec = "index: block record " + Num(i);
    const std::string claims = "index: block record " + Num(i) + ": block claims entry ";
    if (b.offset != expect) {
      return Status::Corruption(rec + ": offset " + Num(b.offset) + ", expected " + Num(expect));
    }
    const TocEntry* e = FindEntry(b.dump_id);  // (2)
    if (e == nullptr) {
      return Status::Corruption(claims + Num(b.dump_id) + " which is not in the TOC");
    }
    if (!e->has_data()) return Status::Corruption(claims + Num(b.dump_id) + " which has no data");
    Tally& t = tally[b.dump_id];  // (3)
    if (b.seq > t.blocks)
      return EntryError(b.dump_id, "missing block seq " + Num(t.blocks) + " in the index");
    if (b.seq < t.blocks)
      return EntryError(b.dump_id, "repeated block seq " + Num(b.seq) + " in the index");
    if (b.raw_len == 0 || b.raw_len > kMaxBlockRaw ||
        b.stored_len > uint64_t{b.raw_len} + overhead()) {  // (4)
      return Status::Corruption(rec + ": lengths out of range");
    }
    expect += layout::kBlockHeaderSize + b.stored_len;
    if (expect > index_offset) {
      return Status::Corruption(rec + ": block runs into the index" + At(index_offset));
    }
    t.blocks += 1;
    t.rows += b.rows;
    t.raw += b.raw_len;
    t.stored += b.stored_len;
  }
  if (expect != index_offset) {
    return Status::Corruption("index: the blocks end" + At(expect) + " but the index block starts" +
                              At(index_offset));
  }
  size_t k = 0;  // (5) one statistics record per entry with data, in TOC order
  for (const TocEntry& e : toc_) {
    if (!e.has_data()) continue;
    if (k >= stats.size()) return EntryError(e.dump_id, "no statistics in the index");
    const EntryStats& s = stats[k++];
    if (s.dump_id != e.dump_id) {
      return Status::Corruption("index: statistics record " + Num(k - 1) + " is for entry " +
                                Num(s.dump_id) + ", expected entry " + Num(e.dump_id));
    }
    const auto it = tally.find(e.dump_id);
    const Tally t = it == tally.end() ? Tally{} : it->second;
    if (s.blocks != t.blocks || s.rows != t.rows || s.raw_bytes != t.raw ||
        s.stored_bytes != t.stored) {
      return EntryError(e.dump_id, "index statistics disagree with its block records");
    }
  }
  if (k != stats.size()) {
    return Status::Corruption("index: " + Num(stats.size()) + " statistics records, expected " +
                              Num(k));
  }
  return Status::Ok();
}

// --- §9.2 random access ----------------------------------------------------------------------

Status ArchiveReader::LoadIndex() {
  if (!source_->Seekable()) {
    return Status::Unsupported("LoadIndex needs a seekable source; " + source_->Describe() +
                               " is not");
  }
  if (locked_) {
    return Status::InvalidArgument("the archive is encrypted: reading its index needs the key");
  }
  ASSIGN_OR_RETURN(const uint64_t size, source_->Size());
  if (size < data_start_ + layout::kFooterSize) {
    return Status::Corruption("incomplete archive: no footer (" + Num(size) + " bytes)");
  }
  const uint64_t footer_at = size - layout::kFooterSize;
  uint8_t fb[layout::kFooterSize];
  RETURN_IF_ERROR(ReadFullyAt(source_, footer_at, fb, sizeof fb, "footer" + At(footer_at)));
  internal::Footer f;
  RETURN_IF_ERROR(CheckFooter(fb, footer_at, header_checksum_, &f));
  if (f.index_offset < data_start_ || f.index_offset > footer_at ||
      f.index_length != footer_at - f.index_offset || f.index_length < layout::kBlockHeaderSize) {
    return Status::Corruption("footer: index location out of range");
  }

  uint8_t bh[layout::kBlockHeaderSize];
  RETURN_IF_ERROR(
      ReadFullyAt(source_, f.index_offset, bh, sizeof bh, "index block" + At(f.index_offset)));
  BlockHeader h;
  if (!internal::DecodeBlockHeader(bh, &h)) {
    return Status::Corruption("index checksum mismatch (block header" + At(f.index_offset) + ")");
  }
  RETURN_IF_ERROR(internal::CheckBlockHeader(h, "index block" + At(f.index_offset), overhead()));
  if (h.kind != layout::kKindIndex ||
      layout::kBlockHeaderSize + uint64_t{h.stored_len} != f.index_length) {
    return Status::Corruption("footer does not point at the index block" + At(f.index_offset));
  }
  std::string stored(h.stored_len, '\0');
  RETURN_IF_ERROR(ReadFullyAt(source_, f.index_offset + layout::kBlockHeaderSize, stored.data(),
                              stored.size(), "index" + At(f.index_offset)));
  std::string raw;
  // §15.4: the footer's fields are the index's associated data.
  RETURN_IF_ERROR(
      DecodePayload(h, &stored, "index checksum mismatch (payload" + At(f.index_offset) + ")",
                    "index" + At(f.index_offset), &raw, cipher_.get(),
                    std::string_view(reinterpret_cast<const char*>(fb) + internal::kFooterBoundFrom,
                                     internal::kFooterBoundTo - internal::kFooterBoundFrom)));
  std::vector<BlockInfo> blocks;
  std::vector<EntryStats> stats;
  RETURN_IF_ERROR(internal::DecodeIndex(raw, &blocks, &stats));
  if (f.block_count != blocks.size()) {
    return Status::Corruption("footer counts " + Num(f.block_count) + " blocks, the index " +
                              Num(blocks.size()));
  }
  RETURN_IF_ERROR(CheckIndex(blocks, stats, f.index_offset));
  AdoptIndex(std::move(blocks), std::move(stats));
  return Status::Ok();
}

void ArchiveReader::AdoptIndex(std::vector<BlockInfo> blocks, std::vector<EntryStats> stats) {
  blocks_ = std::move(blocks);
  stats_ = std::move(stats);
  block_counts_.clear();
  for (const EntryStats& s : stats_) block_counts_[s.dump_id] = s.blocks;
  // §8.2 lists an entry's blocks in seq order, so its last record is its last block.
  for (BlockInfo& b : blocks_) b.last = b.seq + uint64_t{1} == block_counts_[b.dump_id];
  index_loaded_ = true;
}

std::vector<BlockInfo> ArchiveReader::BlocksOf(uint32_t dump_id) const {
  std::vector<BlockInfo> out;
  for (const BlockInfo& b : blocks_) {
    if (b.dump_id == dump_id) out.push_back(b);
  }
  // §8.2 lists blocks in archive order, which §7.2 makes seq order within an entry; sorting
  // anyway keeps this correct for a caller-built list.
  std::sort(out.begin(), out.end(),
            [](const BlockInfo& a, const BlockInfo& b) { return a.seq < b.seq; });
  return out;
}

Status ArchiveReader::ReadBlock(const BlockInfo& block, std::string* raw) const {
  const std::string name = BlockName(block.dump_id, block.seq);
  // A compressed payload goes through a per-thread buffer so repeated calls do not allocate; an
  // uncompressed one could go straight into `raw`, but which it is shows only in the header.
  thread_local std::string scratch;
  bool compressed = false;
  RETURN_IF_ERROR(ReadCheckedPayload(block, name, &scratch, &compressed));
  if (!compressed) {
    raw->swap(scratch);
    return Status::Ok();
  }
  return internal::Decompress(scratch, block.raw_len, name + At(block.offset), raw);
}

Status ArchiveReader::CheckBlock(const BlockInfo& block, std::string* scratch) const {
  bool compressed = false;
  return ReadCheckedPayload(block, BlockName(block.dump_id, block.seq), scratch, &compressed);
}

Status ArchiveReader::ReadCheckedPayload(const BlockInfo& block, const std::string& name,
                                         std::string* stored, bool* compressed) const {
  if (!source_->Seekable()) {
    return Status::Unsupported("reading a block by its offset needs a seekable source; " +
                               source_->Describe() + " is not");
  }
  if (locked_) {
    return Status::InvalidArgument("the archive is encrypted: reading a block needs the key");
  }
  if (block.raw_len == 0 || block.raw_len > kMaxBlockRaw ||
      block.stored_len > uint64_t{block.raw_len} + overhead()) {
    return Status::InvalidArgument(name + ": block lengths out of range");
  }
  // §11.3
  uint8_t bh[layout::kBlockHeaderSize];
  RETURN_IF_ERROR(ReadFullyAt(source_, block.offset, bh, sizeof bh, name + At(block.offset)));
  BlockHeader h;
  if (!internal::DecodeBlockHeader(bh, &h)) {
    return Status::Corruption(name + ": header checksum mismatch" + At(block.offset));
  }
  RETURN_IF_ERROR(internal::CheckBlockHeader(h, name + At(block.offset), overhead()));
  if (h.kind != layout::kKindData || h.dump_id != block.dump_id || h.seq != block.seq ||
      h.raw_len != block.raw_len || h.stored_len != block.stored_len || h.rows != block.rows) {
    return Status::Corruption(name + ": block header" + At(block.offset) +
                              " does not match the index");
  }
  // §7.4: the mark must sit on exactly the last block the index lists for the entry.
  const bool marked = (h.flags & layout::kBlockFlagLast) != 0;
  if (!header_.entry_ends_marked && marked) {
    return Status::Corruption(name + ": end-of-entry mark" + At(block.offset) +
                              " in an archive that does not mark entry ends");
  }
  if (header_.entry_ends_marked && index_loaded_) {
    const auto it = block_counts_.find(block.dump_id);
    const bool last = it != block_counts_.end() && block.seq + uint64_t{1} == it->second;
    if (marked != last) {
      return Status::Corruption(name + ": end-of-entry mark" + At(block.offset) +
                                " does not match the index");
    }
  }
  stored->resize(h.stored_len);
  RETURN_IF_ERROR(ReadFullyAt(source_, block.offset + layout::kBlockHeaderSize, stored->data(),
                              stored->size(), name + " payload" + At(block.offset)));
  if (internal::Checksum(*stored) != h.payload_checksum) {
    return Status::Corruption(name + ": payload checksum mismatch" + At(block.offset));
  }
  if (cipher_) RETURN_IF_ERROR(OpenSealed(*cipher_, h, stored, {}, name + At(block.offset)));
  *compressed = (h.flags & layout::kBlockFlagZstd) != 0;
  return Status::Ok();
}

// --- §11.2 sequential reading ----------------------------------------------------------------

Result<bool> ArchiveReader::NextBlock(BlockInfo* info, std::string* raw) {
  if (locked_) {
    return Status::InvalidArgument("the archive is encrypted: reading its blocks needs the key");
  }
  seq_->started = true;
  return ScanNext(seq_.get(), info, raw);
}

Result<bool> ArchiveReader::ScanNext(SeqState* s, BlockInfo* info, std::string* raw) {
  if (!s->error.ok()) return s->error;
  if (s->done) return false;
  Result<bool> r = ScanNextUnchecked(s, info, raw);
  if (!r.ok()) s->error = r.status();
  return r;
}

Result<bool> ArchiveReader::ScanNextUnchecked(SeqState* s, BlockInfo* info, std::string* raw) {
  const uint64_t at = s->cursor.offset();
  uint8_t bh[layout::kBlockHeaderSize];
  ASSIGN_OR_RETURN(const size_t got, s->cursor.ReadUpTo(bh, sizeof bh));
  if (got == 0) {
    return Status::Corruption("incomplete archive: no footer (input ends" + At(at) + " after " +
                              Num(s->seen.size()) + " data blocks)");
  }
  if (got < sizeof bh) {
    return Status::Corruption("truncated block header" + At(at) + " (got " + Num(got) + " of " +
                              Num(sizeof bh) + " bytes)");
  }
  BlockHeader h;
  if (!internal::DecodeBlockHeader(bh, &h)) {
    return Status::Corruption("block header checksum mismatch" + At(at));
  }
  RETURN_IF_ERROR(internal::CheckBlockHeader(h, "block" + At(at), overhead()));
  if (h.kind == layout::kKindIndex) {
    RETURN_IF_ERROR(FinishScan(s, at, bh));
    s->done = true;
    return false;
  }
  if (h.kind != layout::kKindData) {
    return Status::Corruption("unexpected TOC block" + At(at));
  }
  const TocEntry* e = FindEntry(h.dump_id);
  if (e == nullptr && !locked_) {  // §15.6: a locked reader has no TOC to check against
    return Status::Corruption("block claims entry " + Num(h.dump_id) +
                              " which is not in the TOC, at offset " + Num(at));
  }
  if (e != nullptr && !e->has_data()) {
    return Status::Corruption("block claims entry " + Num(h.dump_id) +
                              " which has no data, at offset " + Num(at));
  }
  SeqState::Progress& p = s->progress[h.dump_id];  // §7.2
  const bool marked = (h.flags & layout::kBlockFlagLast) != 0;
  if (marked && !header_.entry_ends_marked) {
    return Status::Corruption(BlockName(h.dump_id, h.seq) + ": end-of-entry mark" + At(at) +
                              " in an archive that does not mark entry ends");
  }
  if (p.ended) {  // §7.4
    return EntryError(h.dump_id, "block seq " + Num(h.seq) + At(at) + " after the entry's last");
  }
  if (h.seq > p.next_seq) {
    return EntryError(h.dump_id, "missing block seq " + Num(p.next_seq) + " (found seq " +
                                     Num(h.seq) + At(at) + ")");
  }
  if (h.seq < p.next_seq) {
    return EntryError(h.dump_id, "repeated block seq " + Num(h.seq) + At(at));
  }
  const std::string name = BlockName(h.dump_id, h.seq);
  RETURN_IF_ERROR(s->cursor.ReadInto(&s->stored, h.stored_len, name + " payload" + At(at)));
  if (locked_) {
    if (internal::Checksum(s->stored) != h.payload_checksum) {
      return Status::Corruption(name + ": payload checksum mismatch" + At(at));
    }
    raw->clear();
  } else {
    RETURN_IF_ERROR(DecodePayload(h, &s->stored, name + ": payload checksum mismatch" + At(at),
                                  name + At(at), raw, cipher_.get()));
  }
  if (s->hash_content && !locked_) {  // §7.3
    if (p.hash == nullptr) {
      p.hash.reset(XXH3_createState());
      if (p.hash == nullptr) return Status::Internal("out of memory creating a hash state");
      XXH3_64bits_reset(p.hash.get());
      p.rows = std::make_unique<RowHasher>(RowFormOf(FindEntry(h.dump_id)->copy_sql));
    }
    XXH3_64bits_update(p.hash.get(), raw->data(), raw->size());
    p.rows->Update(*raw);
  }
  ++p.next_seq;
  p.ended = marked;
  BlockInfo b;
  b.dump_id = h.dump_id;
  b.seq = h.seq;
  b.offset = at;
  b.raw_len = h.raw_len;
  b.stored_len = h.stored_len;
  b.rows = h.rows;
  b.last = marked;
  s->seen.push_back(b);
  *info = b;
  return true;
}

// The index block has been recognised at `index_at`: check it, the footer and the end of the
// input against what the pass has seen (§11.2).
Status ArchiveReader::FinishScan(SeqState* s, uint64_t index_at, const uint8_t* index_header) {
  BlockHeader h;
  internal::DecodeBlockHeader(index_header, &h);  // already checked by the caller
  RETURN_IF_ERROR(s->cursor.ReadInto(&s->stored, h.stored_len, "index" + At(index_at)));
  const std::string mismatch = "index checksum mismatch (payload" + At(index_at) + ")";
  if (internal::Checksum(s->stored) != h.payload_checksum) return Status::Corruption(mismatch);

  // §9.1 the footer, then nothing. (Read before the index is decoded: in an encrypted archive its
  // fields are the index's associated data, §15.4.)
  const uint64_t footer_at = s->cursor.offset();
  uint8_t fb[layout::kFooterSize];
  ASSIGN_OR_RETURN(const size_t got, s->cursor.ReadUpTo(fb, sizeof fb));
  if (got == 0) return Status::Corruption("incomplete archive: no footer after the index");
  if (got < sizeof fb) {
    return Status::Corruption("incomplete archive: truncated footer (got " + Num(got) + " of " +
                              Num(sizeof fb) + " bytes)");
  }
  internal::Footer f;
  RETURN_IF_ERROR(CheckFooter(fb, footer_at, header_checksum_, &f));
  if (f.index_offset != index_at || f.index_length != footer_at - index_at) {
    return Status::Corruption("footer does not point at the index block" + At(index_at));
  }
  char extra;
  ASSIGN_OR_RETURN(const size_t more, s->cursor.ReadUpTo(&extra, 1));
  if (more != 0) {
    return Status::Corruption("trailing data after the footer" + At(s->cursor.offset() - 1));
  }
  if (locked_) return FinishLockedScan(s, f);

  std::string raw;
  RETURN_IF_ERROR(
      DecodePayload(h, &s->stored, mismatch, "index" + At(index_at), &raw, cipher_.get(),
                    std::string_view(reinterpret_cast<const char*>(fb) + internal::kFooterBoundFrom,
                                     internal::kFooterBoundTo - internal::kFooterBoundFrom)));
  std::vector<BlockInfo> blocks;
  std::vector<EntryStats> stats;
  RETURN_IF_ERROR(internal::DecodeIndex(raw, &blocks, &stats));

  if (f.block_count != blocks.size()) {
    return Status::Corruption("footer counts " + Num(f.block_count) + " blocks, the index " +
                              Num(blocks.size()));
  }
  // §8.4, and the index must describe exactly the blocks this pass read.
  RETURN_IF_ERROR(CheckIndex(blocks, stats, index_at));
  if (blocks.size() != s->seen.size()) {
    return Status::Corruption("index lists " + Num(blocks.size()) + " blocks, the archive has " +
                              Num(s->seen.size()));
  }
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (!SameBlock(blocks[i], s->seen[i])) {
      return Status::Corruption("index: block record " + Num(i) + " does not match the block" +
                                At(s->seen[i].offset));
    }
  }
  if (header_.entry_ends_marked) {  // §7.4: every entry with blocks ended with a marked one
    for (const EntryStats& st : stats) {
      const auto it = s->progress.find(st.dump_id);
      if (it != s->progress.end() && it->second.next_seq > 0 && !it->second.ended) {
        return EntryError(st.dump_id, "its last block (seq " + Num(it->second.next_seq - 1) +
                                          ") has no end-of-entry mark");
      }
    }
  }
  if (s->hash_content) {  // §7.3
    for (const EntryStats& st : stats) {
      const auto it = s->progress.find(st.dump_id);
      const uint64_t hash = it == s->progress.end() || it->second.hash == nullptr
                                ? layout::kEmptyContentHash
                                : XXH3_64bits_digest(it->second.hash.get());
      if (hash != st.content_hash) return EntryError(st.dump_id, "content hash mismatch");
      if (st.fingerprint_form == RowForm::kNone) continue;
      // §7.6: the fingerprint must be the one the entry's data gives, in the form of its
      // copy_sql. An entry without blocks has no rows.
      RowHasher empty(st.fingerprint_form);
      RowHasher* rows =
          it == s->progress.end() || it->second.rows == nullptr ? &empty : it->second.rows.get();
      RowFingerprint rows_got;
      if (st.fingerprint_form != RowFormOf(FindEntry(st.dump_id)->copy_sql) ||
          !rows->Finish(&rows_got) || !(rows_got == st.fingerprint)) {
        return EntryError(st.dump_id, "row fingerprint mismatch");
      }
    }
  }
  if (!index_loaded_) AdoptIndex(std::move(blocks), std::move(stats));
  return Status::Ok();
}

// §15.6: the end of a pass without the key. The index cannot be read, so what is checked is what
// the block headers and the footer say: the footer counts the data blocks read, and (with
// entry_ends) every entry that had blocks ended with a marked one.
Status ArchiveReader::FinishLockedScan(SeqState* s, const internal::Footer& f) {
  if (f.block_count != s->seen.size()) {
    return Status::Corruption("footer counts " + Num(f.block_count) + " blocks, the archive has " +
                              Num(s->seen.size()));
  }
  if (header_.entry_ends_marked) {
    for (const auto& [dump_id, p] : s->progress) {
      if (p.next_seq > 0 && !p.ended) {
        return EntryError(
            dump_id, "its last block (seq " + Num(p.next_seq - 1) + ") has no end-of-entry mark");
      }
    }
  }
  return Status::Ok();
}

// --- §11.4 full verification -----------------------------------------------------------------

Status ArchiveReader::Verify(VerifyReport* report) {
  std::shared_ptr<SeqState> s;
  if (source_->Seekable()) {
    s = std::make_shared<SeqState>(Cursor(source_, data_start_));
  } else if (seq_->started) {
    return Status::InvalidArgument(
        "Verify must read the whole stream, but NextBlock has already "
        "consumed part of " +
        source_->Describe());
  } else {
    s = seq_;
    s->started = true;
  }
  s->hash_content = true;
  VerifyReport rep;
  rep.entries = toc_.size();
  for (const TocEntry& e : toc_) rep.data_entries += e.has_data() ? 1 : 0;
  BlockInfo info;
  std::string raw;
  for (;;) {
    ASSIGN_OR_RETURN(const bool more, ScanNext(s.get(), &info, &raw));
    if (!more) break;
    rep.blocks += 1;
    rep.raw_bytes += info.raw_len;
    rep.stored_bytes += info.stored_len;
  }
  rep.archive_bytes = s->cursor.offset();
  rep.encrypted = header_.encrypted;
  rep.authenticated = header_.encrypted && !locked_;
  if (report != nullptr) *report = rep;
  return Status::Ok();
}

uint64_t Checksum64(std::string_view bytes) { return internal::Checksum(bytes); }

}  // namespace libdump::format
