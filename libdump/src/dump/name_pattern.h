// Object name patterns as pg_dump's -n/-t options take them, turned into regular expressions the
// server matches with OPERATOR(pg_catalog.~). No I/O: selection.cc runs the queries.
//
// The rules (those of PostgreSQL's psql and pg_dump patterns):
//   - `*` matches any run of characters and `?` any one character, outside double quotes;
//   - letters outside double quotes are folded to lower case; inside them case is kept and every
//     character is literal; `""` inside quotes is one double quote;
//   - `.` outside quotes separates the parts of a qualified name (database.schema.name);
//   - `$` is always literal; other regular expression characters outside quotes pass through to
//     the server (so `[0-9]` is a bracket expression), except `[]`, which is kept literal;
//   - each part must match a whole name: it becomes `^(...)$`.
#ifndef LIBDUMP_SRC_DUMP_NAME_PATTERN_H_
#define LIBDUMP_SRC_DUMP_NAME_PATTERN_H_

#include <string>
#include <string_view>
#include <vector>

namespace libdump::dump {

struct NamePattern {
  // The parts in order, at most `max_parts` (see ParseNamePattern), each a regular expression
  // anchored as `^(...)$`. A part that matches everything is `^(.*)$`.
  std::vector<std::string> regex_parts;
  // The first part as the user meant it (quotes removed, letters folded, wildcards kept as typed),
  // for comparing a database name literally. Set only when there is more than one part.
  std::string first_literal;
  int dots = 0;  // unquoted dots seen, including any beyond max_parts - 1
};

// Splits and converts `pattern`. Dots beyond the `max_parts - 1`th are kept as characters of the
// last part but still counted in `dots`, so that the caller can reject them with its own message.
NamePattern ParseNamePattern(std::string_view pattern, int max_parts);

// True when `regex` (a part from ParseNamePattern) matches every name, so it needs no condition.
inline bool MatchesEverything(const std::string& regex) { return regex == "^(.*)$"; }

}  // namespace libdump::dump

#endif  // LIBDUMP_SRC_DUMP_NAME_PATTERN_H_
