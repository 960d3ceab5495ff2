// Row fingerprints, archive_format.md §7.6.
//
// Each row is hashed where it lies in the piece being fed when it lies there whole (one call of
// XXH3_128bits); a row cut by a piece boundary goes through a streaming state, which gives the
// same hash (xxHash defines the streaming and one-shot forms as equal). So the result does not
// depend on where the stream is cut, and memory does not depend on the rows' sizes.
#include "libdump/format/fingerprint.h"

#include <xxhash.h>

#include <algorithm>
#include <cstring>

namespace libdump::format {

namespace {

constexpr std::string_view kBinaryTail = " WITH (FORMAT binary);";
// COPY binary's file header (PostgreSQL's "COPY" page): an 11-byte signature, a 32-bit flags
// field and the 32-bit length of a header extension that follows.
constexpr char kBinarySignature[] = "PGCOPY\n\xff\r\n";  // + the terminating NUL: 11 bytes
constexpr size_t kSignatureSize = 11;
constexpr size_t kBinaryHeaderSize = 19;

uint32_t LoadBe32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

struct StateFree {
  void operator()(XXH3_state_t* s) const { XXH3_freeState(s); }
};

}  // namespace

RowForm RowFormOf(std::string_view copy_sql) {
  if (copy_sql.empty()) return RowForm::kNone;
  return copy_sql.ends_with(kBinaryTail) ? RowForm::kBinary : RowForm::kText;
}

void RowFingerprint::Add(const RowFingerprint& other) {
  // §7.6: a 128-bit sum, the carry out of the low half going into the high half.
  const uint64_t low_sum = low + other.low;
  high += other.high + (low_sum < low ? 1 : 0);
  low = low_sum;
  rows += other.rows;
}

std::string RowFingerprint::Hex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(32, '0');
  for (int i = 0; i < 16; ++i) {
    out[static_cast<size_t>(15 - i)] = kDigits[(high >> (4 * i)) & 0xf];
    out[static_cast<size_t>(31 - i)] = kDigits[(low >> (4 * i)) & 0xf];
  }
  return out;
}

struct RowHasher::Impl {
  // Where a binary stream's parser is: in the file header, its extension, or a row's field
  // count, a field's length or a field's bytes; after the trailer; or lost.
  enum class Binary { kHeader, kExtension, kCount, kLength, kValue, kEnd, kBad };

  RowForm form;
  RowFingerprint sum;
  std::unique_ptr<XXH3_state_t, StateFree> state;
  bool streaming = false;  // `state` holds the first bytes of the current row
  bool in_row = false;     // binary: inside a row (text: a row is always open)
  Binary at = Binary::kHeader;
  uint8_t gathered[kBinaryHeaderSize] = {};  // an integer (or the header) cut by a boundary
  size_t have = 0;
  uint64_t skip = 0;         // bytes left of the header extension or of a field's value
  uint32_t fields_left = 0;  // fields of the current row not yet read

  void AddHash(XXH128_hash_t h) {
    RowFingerprint one;
    one.low = h.low64;
    one.high = h.high64;
    one.rows = 1;
    sum.Add(one);
  }
  // Keeps the start of a row that the piece cuts.
  void Stream(const char* p, size_t n) {
    if (!streaming) {
      if (!state) state.reset(XXH3_createState());
      XXH3_128bits_reset(state.get());
      streaming = true;
    }
    XXH3_128bits_update(state.get(), p, n);
  }
  // A row whose last bytes are [p, p + n).
  void EndRow(const char* p, size_t n) {
    if (streaming) {
      XXH3_128bits_update(state.get(), p, n);
      AddHash(XXH3_128bits_digest(state.get()));
      streaming = false;
    } else {
      AddHash(XXH3_128bits(p, n));
    }
  }
  void UpdateText(const char* p, size_t n);
  void UpdateBinary(const char* p, size_t n);
  // Gathers up to `want` bytes of an integer or header into `gathered`; true when complete.
  bool Gather(const char* p, size_t n, size_t* i, size_t want) {
    const size_t k = std::min(want - have, n - *i);
    std::memcpy(gathered + have, p + *i, k);
    have += k;
    *i += k;
    return have == want;
  }
};

void RowHasher::Impl::UpdateText(const char* p, size_t n) {
  size_t pos = 0;
  while (pos < n) {
    const void* nl = std::memchr(p + pos, '\n', n - pos);
    if (nl == nullptr) {
      Stream(p + pos, n - pos);
      return;
    }
    const size_t end = static_cast<size_t>(static_cast<const char*>(nl) - p);
    EndRow(p + pos, end - pos);  // §7.6: the newline is not part of the row
    pos = end + 1;
  }
}

void RowHasher::Impl::UpdateBinary(const char* p, size_t n) {
  size_t i = 0;
  size_t row_begin = 0;  // where the current row's bytes in this piece begin
  // A field is read: the row ends when it was the last one.
  auto field_done = [&] {
    if (--fields_left > 0) {
      at = Binary::kLength;
      return;
    }
    EndRow(p + row_begin, i - row_begin);
    in_row = false;
    at = Binary::kCount;
  };
  while (i < n && at != Binary::kBad) {
    switch (at) {
      case Binary::kHeader:
        if (!Gather(p, n, &i, kBinaryHeaderSize)) break;
        have = 0;
        if (std::memcmp(gathered, kBinarySignature, kSignatureSize) != 0) {
          at = Binary::kBad;
          break;
        }
        skip = LoadBe32(gathered + 15);
        at = skip > 0 ? Binary::kExtension : Binary::kCount;
        break;
      case Binary::kExtension:
      case Binary::kValue: {
        const uint64_t k = std::min<uint64_t>(skip, n - i);
        i += k;
        skip -= k;
        if (skip > 0) break;
        if (at == Binary::kExtension) {
          at = Binary::kCount;
        } else {
          field_done();
        }
        break;
      }
      case Binary::kCount: {
        if (have == 0) {
          in_row = true;  // until the count says it is the trailer
          row_begin = i;
        }
        if (!Gather(p, n, &i, 2)) break;
        have = 0;
        const int16_t count = static_cast<int16_t>((gathered[0] << 8) | gathered[1]);
        if (count == -1) {  // the trailer: no row
          in_row = false;
          streaming = false;
          at = Binary::kEnd;
        } else if (count < 0) {
          at = Binary::kBad;
        } else if (count == 0) {
          fields_left = 1;  // a row of a table without columns: nothing but its count
          field_done();
        } else {
          fields_left = static_cast<uint32_t>(count);
          at = Binary::kLength;
        }
        break;
      }
      case Binary::kLength: {
        if (!Gather(p, n, &i, 4)) break;
        have = 0;
        const int32_t length = static_cast<int32_t>(LoadBe32(gathered));
        if (length < -1) {
          at = Binary::kBad;
        } else if (length <= 0) {  // NULL (-1) or empty: no value bytes
          field_done();
        } else {
          skip = static_cast<uint64_t>(length);
          at = Binary::kValue;
        }
        break;
      }
      case Binary::kEnd:
      case Binary::kBad:
        at = Binary::kBad;  // bytes after the trailer
        break;
    }
  }
  if (at == Binary::kBad) return;
  if (in_row) Stream(p + row_begin, n - row_begin);
}

RowHasher::RowHasher(RowForm form) : impl_(std::make_unique<Impl>()) { impl_->form = form; }

RowHasher::~RowHasher() = default;

void RowHasher::Update(std::string_view bytes) {
  if (bytes.empty()) return;
  if (impl_->form == RowForm::kText) impl_->UpdateText(bytes.data(), bytes.size());
  if (impl_->form == RowForm::kBinary) impl_->UpdateBinary(bytes.data(), bytes.size());
}

bool RowHasher::Finish(RowFingerprint* out) {
  Impl& m = *impl_;
  switch (m.form) {
    case RowForm::kNone:
      return false;
    case RowForm::kText:
      if (m.streaming) m.EndRow(nullptr, 0);  // a last line without its newline
      break;
    case RowForm::kBinary:
      if (m.at != Impl::Binary::kEnd) return false;
      break;
  }
  *out = m.sum;
  return true;
}

}  // namespace libdump::format
