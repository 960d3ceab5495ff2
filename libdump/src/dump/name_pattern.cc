#include "dump/name_pattern.h"

#include <cstring>

namespace libdump::dump {

NamePattern ParseNamePattern(std::string_view pattern, int max_parts) {
  NamePattern out;
  std::string part = "^(";
  std::string literal;
  bool in_quotes = false;
  bool first = true;  // still in the first part (for first_literal)
  auto keep = [&](char c) {
    if (first) literal.push_back(c);
  };
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '"') {
      if (in_quotes && i + 1 < pattern.size() && pattern[i + 1] == '"') {
        part.push_back('"');
        keep('"');
        ++i;
      } else {
        in_quotes = !in_quotes;
      }
    } else if (!in_quotes && c >= 'A' && c <= 'Z') {
      // ASCII only: bytes of multibyte characters are never in this range in the encodings
      // PostgreSQL allows on the client side, and non-ASCII letters are left as typed.
      const char lower = static_cast<char>(c - 'A' + 'a');
      part.push_back(lower);
      keep(lower);
    } else if (!in_quotes && c == '*') {
      part += ".*";
      keep('*');
    } else if (!in_quotes && c == '?') {
      part.push_back('.');
      keep('?');
    } else if (!in_quotes && c == '.') {
      first = false;
      ++out.dots;
      if (static_cast<int>(out.regex_parts.size()) + 1 < max_parts) {
        out.regex_parts.push_back(part + ")$");
        part = "^(";
      } else {
        part.push_back('.');
      }
    } else if (c == '$') {
      // Anchoring is implicit, and `$` is a legal identifier character: always literal.
      part += "\\$";
      keep('$');
    } else {
      if (in_quotes && std::strchr("|*+?()[]{}.^$\\", c) != nullptr) {
        part.push_back('\\');
      } else if (c == '[' && i + 1 < pattern.size() && pattern[i + 1] == ']') {
        part.push_back('\\');  // `[]` is an array type suffix far more often than a bracket
      }
      part.push_back(c);
      keep(c);
    }
  }
  out.regex_parts.push_back(part + ")$");
  if (out.regex_parts.size() > 1) out.first_literal = literal;
  return out;
}

}  // namespace libdump::dump
