// SQL quoting of identifiers and literals: pure text functions, no connection and no libpq, so
// that the DDL emitters (src/ddl), which may not use a connection, can quote too.
#ifndef LIBDUMP_SRC_PG_QUOTE_H_
#define LIBDUMP_SRC_PG_QUOTE_H_

#include <string>
#include <string_view>

namespace libdump::pg {

// "name" with embedded quotes doubled. Always quotes, so keywords, case and odd characters are
// safe without a keyword list.
std::string QuoteIdent(std::string_view name);
// "schema"."name", or just "name" when schema is empty.
std::string QualifiedName(std::string_view schema, std::string_view name);
// 'text' with embedded quotes doubled; requires standard_conforming_strings = on, which every
// session libdump opens sets. Backslashes are then ordinary characters.
std::string QuoteLiteral(std::string_view text);

}  // namespace libdump::pg

#endif  // LIBDUMP_SRC_PG_QUOTE_H_
