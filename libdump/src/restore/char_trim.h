// Leaves the trailing spaces of char(n) values out of COPY text on its way to the server.
//
// char(n) input pads a value to n characters with spaces, so a value sent without its trailing
// spaces is stored exactly as the value with them: the server then neither receives nor parses
// the padding (pgbench_accounts' rows are 84 bytes of padding out of 97). Only for data loading
// into a table the restore created from the archive, whose char(n) columns the TOC entry names
// (format 1.3, char_columns); anything else gets the data as it is stored.
#ifndef LIBDUMP_SRC_RESTORE_CHAR_TRIM_H_
#define LIBDUMP_SRC_RESTORE_CHAR_TRIM_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace libdump::restore {

// COPY text format: rows end with '\n', fields are separated by '\t'; a tab, newline or
// backslash inside a value is escaped (`\t`, `\n`, `\\`), and a space never is, so a run of
// spaces just before a field's delimiter is that value's trailing spaces. These bytes mean the
// same in every encoding an archive can be in (in each encoding PostgreSQL knows, a byte after a
// multibyte character's first is 0x30 or more). NULL (`\N`) ends in no space. Only for COPY's
// default text format: not binary, not CSV.
class CharPaddingTrimmer {
 public:
  // `columns`: 0-based field positions (TocEntry::char_columns); positions of 1,600 and more
  // are ignored.
  explicit CharPaddingTrimmer(const std::vector<uint32_t>& columns);

  // Appends `in` to `out` (cleared first) without the trailing spaces of the chosen fields.
  // Input may end inside a row: the row's start is kept and finished by the next call (only a
  // row longer than a block spans blocks). Returns the number of bytes left out.
  uint64_t Trim(std::string_view in, std::string* out);

  // The part of a row still held back (a stream that ends inside a row, which COPY text never
  // does), as it came; clears it.
  std::string TakeRest();

 private:
  // Appends whole rows of `rows` (every row ends with '\n') to `out`; returns bytes left out.
  uint64_t TrimRows(std::string_view rows, std::string* out) const;

  std::vector<bool> trim_;  // by field position
  std::string carry_;       // the start of a row whose end has not come yet
};

}  // namespace libdump::restore

#endif  // LIBDUMP_SRC_RESTORE_CHAR_TRIM_H_
