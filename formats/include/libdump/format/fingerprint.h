// Row fingerprints (archive_format.md §7.6): a value computed from a COPY stream's rows that
// does not depend on their order nor on how the stream is cut, so that the data of a table
// dumped in several pieces, or read back from a restored copy, can be compared with one number.
#ifndef LIBDUMP_FORMAT_FINGERPRINT_H_
#define LIBDUMP_FORMAT_FINGERPRINT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace libdump::format {

// The COPY form of a stream (§7.6): which bytes make a row. The values are the ones stored in
// the index's fingerprint_form field (§8.3).
enum class RowForm : uint8_t {
  kNone = 0,    // no fingerprint
  kText = 1,    // COPY text: a row is a line without its newline
  kBinary = 2,  // COPY binary: a row is a tuple, from its field count to its last field's end
};

// The form of an entry's data by its copy_sql (§7.1): kBinary when it ends in
// " WITH (FORMAT binary);", kNone when it is empty, else kText.
RowForm RowFormOf(std::string_view copy_sql);

// The sum, modulo 2^128, of the XXH3-128 hashes of a set of rows, and how many there are. Sums
// of disjoint sets of rows add up to the sum of their union.
struct RowFingerprint {
  uint64_t low = 0;   // bits 0-63 of the sum
  uint64_t high = 0;  // bits 64-127
  uint64_t rows = 0;

  void Add(const RowFingerprint& other);
  // Spelled out: public headers stay valid C++17 for the applications that include them.
  bool operator==(const RowFingerprint& other) const {
    return low == other.low && high == other.high && rows == other.rows;
  }
  bool operator!=(const RowFingerprint& other) const { return !(*this == other); }
  // The sum as 32 lowercase hexadecimal digits, most significant first.
  std::string Hex() const;
};

// Hashes the rows of one COPY stream (one COPY ... TO STDOUT, whole) as it passes, fed in pieces
// cut anywhere. Memory stays bounded whatever the rows' sizes: a row cut by a piece boundary is
// hashed with a streaming state, not gathered. Not thread-safe; one per stream.
class RowHasher {
 public:
  explicit RowHasher(RowForm form);
  ~RowHasher();
  RowHasher(const RowHasher&) = delete;
  RowHasher& operator=(const RowHasher&) = delete;

  // The next bytes of the stream.
  void Update(std::string_view bytes);
  // Ends the stream. Returns false when the stream is not well formed for its form (a binary
  // stream without its signature, cut inside a row or without its trailer, or with bytes after
  // it; kNone): `out` is then left alone. A text stream whose last line has no newline counts
  // that line as a row.
  bool Finish(RowFingerprint* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace libdump::format

#endif  // LIBDUMP_FORMAT_FINGERPRINT_H_
