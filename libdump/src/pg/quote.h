// SQL quoting of identifiers and literals: pure text functions, no connection and no libpq, so
// that the DDL emitters (src/ddl), which may not use a connection, can quote too.
#ifndef LIBDUMP_SRC_PG_QUOTE_H_
#define LIBDUMP_SRC_PG_QUOTE_H_

#include <string>
#include <string_view>

namespace libdump::pg {

// Whether a name must be double-quoted to be read back as itself: it is empty, has a character
// other than a-z, 0-9 and _ (or starts with a digit), or is a keyword that is not unreserved. The
// rule of the server's quote_ident() and of pg_dump, so a script names things as pg_dump's does.
bool NeedsQuotes(std::string_view name);
// The name as it may be written in SQL: as is when NeedsQuotes says it may, else "name" with
// embedded quotes doubled; always quoted inside a QuoteAllIdentifiersScope on this thread.
std::string QuoteIdent(std::string_view name);
// While one with `on` lives, QuoteIdent on this thread quotes every name (pg_dump's
// --quote-all-identifiers). Scopes nest; one with `on` false does nothing.
class QuoteAllIdentifiersScope {
 public:
  explicit QuoteAllIdentifiersScope(bool on);
  ~QuoteAllIdentifiersScope();
  QuoteAllIdentifiersScope(const QuoteAllIdentifiersScope&) = delete;
  QuoteAllIdentifiersScope& operator=(const QuoteAllIdentifiersScope&) = delete;

 private:
  bool on_;
};
// schema.name, or just name when schema is empty, each part as QuoteIdent writes it.
std::string QualifiedName(std::string_view schema, std::string_view name);
// 'text' with embedded quotes doubled; requires standard_conforming_strings = on, which every
// session libdump opens sets. Backslashes are then ordinary characters.
std::string QuoteLiteral(std::string_view text);

}  // namespace libdump::pg

#endif  // LIBDUMP_SRC_PG_QUOTE_H_
