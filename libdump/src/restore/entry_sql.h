// What the restore and the script writer both send around an entry's stored SQL: the session
// settings and the owner statement. One definition, so a script restores exactly as nrestore -d.
#ifndef LIBDUMP_SRC_RESTORE_ENTRY_SQL_H_
#define LIBDUMP_SRC_RESTORE_ENTRY_SQL_H_

#include <string>

#include "common/kinds.h"
#include "libdump/format/archive.h"
#include "pg/pg.h"

namespace libdump {

// Settings every restore session runs with; the empty search_path matches how the dump
// deparsed names, standard_conforming_strings matches how it quoted literals; heap is the
// access method of every table whose entry does not set another (ddl::InAccessMethod), whatever
// the target database's default.
inline std::string RestoreSessionSql(const std::string& encoding) {
  return "SET client_encoding = " + pg::QuoteLiteral(encoding.empty() ? "UTF8" : encoding) +
         "; SET standard_conforming_strings = on; SET check_function_bodies = false; "
         "SET xmloption = content; SET client_min_messages = warning; SET row_security = off; "
         "SET DateStyle = ISO; SET IntervalStyle = postgres; SET statement_timeout = 0; "
         "SET lock_timeout = 0; SET idle_in_transaction_session_timeout = 0; "
         "SET default_table_access_method = heap; "
         "SELECT pg_catalog.set_config('search_path', '', false);";
}

// An entry as messages name it: `KIND schema.name`.
inline std::string Describe(const format::TocEntry& e) {
  std::string s = e.kind + " ";
  if (!e.schema.empty()) s += e.schema + ".";
  return s + e.name;
}

// Whether a TABLE DATA entry's COPY statement reads COPY's binary format (ndump
// --copy-format binary writes " FROM stdin WITH (FORMAT binary);").
inline bool IsBinaryCopy(const std::string& copy_sql) {
  return copy_sql.ends_with(" WITH (FORMAT binary);");
}

// ALTER ... OWNER TO, built at restore time from the entry (as pg_restore does) so that options
// such as --no-owner need not edit the stored SQL.
// A BLOB METADATA entry (archive_format.md §7.5) has owner_object "LARGE OBJECT": the owner is
// set on each object of the group, whose OIDs are the array literal of its create_sql.
inline std::string OwnerSql(const format::TocEntry& e) {
  if (e.owner.empty() || e.owner_object.empty()) return "";
  const std::string to = " OWNER TO " + pg::QuoteIdent(e.owner) + ";\n";
  if (!kinds::Is(e, kinds::Kind::kBlobMetadata)) return "ALTER " + e.owner_object + to;
  const size_t begin = e.create_sql.find("'{");
  const size_t end = e.create_sql.find("}'", begin);
  if (begin == std::string::npos || end == std::string::npos) return "";
  std::string sql;
  size_t from = begin + 2;
  while (from < end) {
    size_t comma = e.create_sql.find(',', from);
    if (comma == std::string::npos || comma > end) comma = end;
    sql += "ALTER LARGE OBJECT " + e.create_sql.substr(from, comma - from) + to;
    from = comma + 1;
  }
  return sql;
}

}  // namespace libdump

#endif  // LIBDUMP_SRC_RESTORE_ENTRY_SQL_H_
