// The --filter file of pg_dump 17: one rule per line,
//
//   { include | exclude } OBJECT_TYPE PATTERN   [# comment]
//
// keywords case-insensitive, `#` starting a comment line or a comment after the pattern, blank
// lines ignored. PATTERN is a name pattern (name_pattern.h) that may contain double-quoted parts,
// with `""` for a quote inside them; a quoted part may not span lines. Parsing is pure; what a
// rule means for a dump is decided by AddDumpFilter (dump.h).
#ifndef LIBDUMP_SRC_DUMP_FILTER_FILE_H_
#define LIBDUMP_SRC_DUMP_FILTER_FILE_H_

#include <string>
#include <string_view>
#include <vector>

#include "libdump/dump.h"
#include "libdump/status.h"

namespace libdump::dump {

enum class FilterObject {
  kAggregate,
  kDatabase,
  kExtension,
  kForeignData,
  kFunction,
  kIndex,
  kSchema,
  kTable,
  kTableAndChildren,
  kTableData,
  kTableDataAndChildren,
  kTrigger,
};

struct FilterRule {
  bool include = true;
  FilterObject object = FilterObject::kTable;
  std::string pattern;  // as written, quotes included
  int line = 0;         // 1-based
};

// The object type as messages spell it ("table data", "foreign data", ...).
const char* FilterObjectName(FilterObject object);

// Parses the whole text. Errors are kInvalidArgument: `invalid format in filter read from file
// "<source_name>" on line N: <what>`.
Result<std::vector<FilterRule>> ParseFilterRules(std::string_view text,
                                                 const std::string& source_name);

}  // namespace libdump::dump

#endif  // LIBDUMP_SRC_DUMP_FILTER_FILE_H_
