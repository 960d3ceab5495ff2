// Byte-level encoding and decoding of the ndump archive structures. Internal to libdump_format
// (and its unit tests, which use it to craft damaged archives).
//
// Everything here is a pure function of its inputs: no I/O, no compression. The reader and writer
// build on it; archive_format.md is the reference for every layout.
#ifndef LIBDUMP_FORMAT_SRC_CODEC_H_
#define LIBDUMP_FORMAT_SRC_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "layout.h"
#include "libdump/format/archive.h"
#include "libdump/status.h"

namespace libdump::format::internal {

// --- §2.1 little-endian integers -----------------------------------------------------------

inline void StoreU16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
}
inline void StoreU32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
inline void StoreU64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
inline uint16_t LoadU16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] | (static_cast<uint16_t>(p[1]) << 8));
}
inline uint32_t LoadU32(const uint8_t* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
inline uint64_t LoadU64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

inline void AppendU8(std::string* out, uint8_t v) { out->push_back(static_cast<char>(v)); }
inline void AppendU16(std::string* out, uint16_t v) {
  uint8_t b[2];
  StoreU16(b, v);
  out->append(reinterpret_cast<const char*>(b), sizeof b);
}
inline void AppendU32(std::string* out, uint32_t v) {
  uint8_t b[4];
  StoreU32(b, v);
  out->append(reinterpret_cast<const char*>(b), sizeof b);
}
inline void AppendU64(std::string* out, uint64_t v) {
  uint8_t b[8];
  StoreU64(b, v);
  out->append(reinterpret_cast<const char*>(b), sizeof b);
}

inline const uint8_t* Bytes(std::string_view s) {
  return reinterpret_cast<const uint8_t*>(s.data());
}

// A bounds-checked cursor over a byte range. Each Get consumes bytes and returns true, or returns
// false without consuming anything when too few bytes remain.
class Decoder {
 public:
  explicit Decoder(std::string_view bytes) : rest_(bytes) {}
  size_t remaining() const { return rest_.size(); }
  bool GetU8(uint8_t* v);
  bool GetU16(uint16_t* v);
  bool GetU32(uint32_t* v);
  bool GetU64(uint64_t* v);
  bool GetBytes(size_t n, std::string_view* out);

 private:
  std::string_view rest_;
};

// --- §2.4 checksums --------------------------------------------------------------------------

// XXH3-64 with seed 0.
uint64_t Checksum(const void* data, size_t n);
inline uint64_t Checksum(std::string_view s) { return Checksum(s.data(), s.size()); }

// --- §2.3 tagged fields ----------------------------------------------------------------------

void AppendStringField(std::string* out, uint16_t tag, std::string_view value);
void AppendU8Field(std::string* out, uint16_t tag, uint8_t value);
void AppendU32Field(std::string* out, uint16_t tag, uint32_t value);
void AppendU64Field(std::string* out, uint16_t tag, uint64_t value);
void AppendU32ArrayField(std::string* out, uint16_t tag, const std::vector<uint32_t>& values);

struct Field {
  uint16_t tag = 0;
  std::string_view value;
};

// Splits `record` into its fields (views into `record`), checking that they fill it exactly and
// that no tag repeats. `what` names the record in messages ("header", "TOC entry 7").
Status SplitFields(std::string_view record, std::string_view what, std::vector<Field>* fields);

// Typed field values; a length that does not match the type is kCorruption naming `what`.
Status FieldU8(const Field& f, std::string_view what, uint8_t* v);
Status FieldU32(const Field& f, std::string_view what, uint32_t* v);
Status FieldU64(const Field& f, std::string_view what, uint64_t* v);
Status FieldU32Array(const Field& f, std::string_view what, std::vector<uint32_t>* v);

// --- §4 header -------------------------------------------------------------------------------

// The whole header (fixed part, fields, checksum) for `h` with the header flags `flags`. The
// version written is kFormatMajor and the lowest minor version that defines every feature used
// (§12): `minor` (what the TOC needs, see TocMinorVersion) or more if a flag needs it: 1.1 with
// kHeaderFlagEntryEnds. `h`'s version and flag members are not consulted.
std::string EncodeHeader(const ArchiveHeader& h, uint32_t flags = 0, uint16_t minor = 0);
// Decodes the §4.2 fields into `h` (versions are not touched).
Status DecodeHeaderFields(std::string_view fields, ArchiveHeader* h);

// --- §5.1 block header -----------------------------------------------------------------------

struct BlockHeader {
  uint8_t kind = 0;
  uint8_t flags = 0;
  uint16_t reserved = 0;
  uint32_t dump_id = 0;
  uint32_t seq = 0;
  uint32_t raw_len = 0;
  uint32_t stored_len = 0;
  uint32_t rows = 0;
  uint64_t payload_checksum = 0;
};

// Writes the kBlockHeaderSize bytes of `h`, computing the header checksum.
void EncodeBlockHeader(const BlockHeader& h, uint8_t* out);
// Decodes kBlockHeaderSize bytes. Returns false, leaving `h` untouched, when the header checksum
// does not match.
bool DecodeBlockHeader(const uint8_t* in, BlockHeader* h);
// The structural rules of §5.1 that do not depend on where the block is. `where` prefixes
// messages. Unknown flags are kUnsupported, everything else kCorruption. `overhead` is what
// sealing adds to a payload: 0, or in an encrypted archive kSealOverhead (§15.4).
Status CheckBlockHeader(const BlockHeader& h, std::string_view where, uint32_t overhead = 0);

// --- §6 TOC ----------------------------------------------------------------------------------

// The raw TOC payload.
std::string EncodeToc(const std::vector<TocEntry>& toc);
// The lowest minor version whose TOC fields `toc` uses: 4 when it has a BLOBS entry with data
// (§7.5), 3 when an entry has char_columns, 2 when one has index_sql (§6.2), else 0.
uint16_t TocMinorVersion(const std::vector<TocEntry>& toc);
// The §4.3 header flags of an archive of `toc`: entry_ends when the writer marks entry ends,
// large_objects when the TOC has a BLOBS entry with data (§7.5).
uint32_t TocHeaderFlags(const std::vector<TocEntry>& toc, bool mark_entry_ends);
// The §6.2 rules of char_columns: only on an entry with data, strictly increasing.
// kInvalidArgument; a reader reports it as corruption.
Status CheckCharColumns(const TocEntry& e);
// Appends one entry of the TOC payload (its entry_length, then its fields) to `out`: the
// payload is the u32 entry count followed by this for each entry.
void AppendTocEntry(std::string* out, const TocEntry& e);
// Decodes a raw TOC payload and checks §6.2 (dump ids present, > 0 and unique; valid sections).
Status DecodeToc(std::string_view payload, std::vector<TocEntry>* toc);

// --- §8 index --------------------------------------------------------------------------------

// The raw index payload.
// With `fingerprints`, the statistics records have the 1.5 fields (§8.3).
std::string EncodeIndex(const std::vector<BlockInfo>& blocks, const std::vector<EntryStats>& stats,
                        bool fingerprints = false);
// Decodes a raw index payload (record layout only; §8.4 validation is the reader's).
Status DecodeIndex(std::string_view payload, std::vector<BlockInfo>* blocks,
                   std::vector<EntryStats>* stats);

// --- §9 footer -------------------------------------------------------------------------------

struct Footer {
  uint64_t index_offset = 0;
  uint64_t index_length = 0;
  uint64_t block_count = 0;
  uint64_t header_checksum = 0;
};

void EncodeFooter(const Footer& f, uint8_t* out);  // kFooterSize bytes
enum class FooterCheck { kOk, kNoMagic, kBadChecksum };
FooterCheck DecodeFooter(const uint8_t* in, Footer* f);

}  // namespace libdump::format::internal

#endif  // LIBDUMP_FORMAT_SRC_CODEC_H_
