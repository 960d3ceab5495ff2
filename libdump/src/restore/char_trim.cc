#include "restore/char_trim.h"

#include <cstring>

namespace libdump::restore {

namespace {

// The end of [begin, end) without its trailing spaces; eight bytes at a time while it can (a
// char(n) value is mostly padding: pgbench's are 84 spaces).
const char* SkipSpacesBack(const char* begin, const char* end) {
  constexpr uint64_t kSpaces = 0x2020202020202020ull;
  while (end - begin >= 8) {
    uint64_t word;
    std::memcpy(&word, end - 8, 8);
    if (word != kSpaces) break;
    end -= 8;
  }
  while (end > begin && end[-1] == ' ') --end;
  return end;
}

}  // namespace

CharPaddingTrimmer::CharPaddingTrimmer(const std::vector<uint32_t>& columns) {
  // A row has at most 1,600 fields (PostgreSQL's column limit): a larger position never
  // matches, and must not size the table (a damaged or hostile TOC may hold 2^32 - 1).
  constexpr uint32_t kMaxFields = 1600;
  for (const uint32_t c : columns) {
    if (c >= kMaxFields) continue;
    if (trim_.size() <= c) trim_.resize(static_cast<size_t>(c) + 1, false);
    trim_[c] = true;
  }
}

uint64_t CharPaddingTrimmer::TrimRows(std::string_view rows, std::string* out) const {
  uint64_t dropped = 0;
  const char* p = rows.data();
  const char* const end = p + rows.size();
  while (p < end) {
    const char* const row_end = static_cast<const char*>(std::memchr(p, '\n', end - p));
    // Fields up to the last one to trim; the rest of the row goes as it is.
    size_t field = 0;
    const char* start = p;   // of the current field
    const char* copied = p;  // everything before this is in `out`
    while (field < trim_.size()) {
      const char* tab = static_cast<const char*>(std::memchr(start, '\t', row_end - start));
      const char* const field_end = tab ? tab : row_end;
      if (trim_[field]) {
        const char* last = SkipSpacesBack(start, field_end);
        if (last != field_end) {
          out->append(copied, last - copied);
          dropped += static_cast<uint64_t>(field_end - last);
          copied = field_end;
        }
      }
      if (!tab) break;
      start = tab + 1;
      ++field;
    }
    out->append(copied, row_end + 1 - copied);
    p = row_end + 1;
  }
  return dropped;
}

uint64_t CharPaddingTrimmer::Trim(std::string_view in, std::string* out) {
  out->clear();
  if (trim_.empty()) {
    out->append(in);
    return 0;
  }
  uint64_t dropped = 0;
  if (!carry_.empty()) {
    // Finish the held row first.
    const void* nl = std::memchr(in.data(), '\n', in.size());
    if (nl == nullptr) {
      carry_.append(in);
      return 0;
    }
    const size_t head = static_cast<const char*>(nl) - in.data() + 1;
    carry_.append(in.substr(0, head));
    dropped += TrimRows(carry_, out);
    carry_.clear();
    in.remove_prefix(head);
  }
  const size_t last_nl = in.rfind('\n');
  const size_t whole = last_nl == std::string_view::npos ? 0 : last_nl + 1;
  out->reserve(out->size() + whole);
  dropped += TrimRows(in.substr(0, whole), out);
  carry_.assign(in.substr(whole));
  return dropped;
}

std::string CharPaddingTrimmer::TakeRest() {
  std::string rest;
  rest.swap(carry_);
  return rest;
}

}  // namespace libdump::restore
