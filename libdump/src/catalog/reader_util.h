// Small helpers the catalog readers share (reader.cc, reader_code.cc, reader_misc.cc).
#ifndef LIBDUMP_SRC_CATALOG_READER_UTIL_H_
#define LIBDUMP_SRC_CATALOG_READER_UTIL_H_

#include <optional>
#include <string>

#include "catalog/model.h"
#include "pg/pg.h"
#include "pg/server_versions.h"

namespace libdump::catalog {

// SQL that is true when the object is not a member of an extension (those are dumped by
// CREATE EXTENSION, never one by one). The alias xm keeps clear of the callers' own aliases.
inline std::string NotExtensionMember(const char* catalog, const char* oid_expr) {
  return std::string("NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend xm WHERE xm.classid = '") +
         catalog + "'::pg_catalog.regclass AND xm.objid = " + oid_expr + " AND xm.deptype = 'e')";
}

inline std::optional<std::string> OptString(const pg::PgResult& r, int row, int col) {
  if (r.IsNull(row, col)) return std::nullopt;
  return r.GetString(row, col);
}

// The same, with an empty string taken as no value (an option list that array_to_string made of
// an empty or NULL array).
inline std::optional<std::string> OptNonEmpty(const pg::PgResult& r, int row, int col) {
  std::optional<std::string> s = OptString(r, row, col);
  if (s && s->empty()) s.reset();
  return s;
}

inline Oid GetOid(const pg::PgResult& r, int row, int col) {
  return static_cast<Oid>(r.GetUInt(row, col));
}

// The same readers for a row read by column name (pg::Row).
inline std::optional<std::string> OptNonEmpty(const pg::Row& row, const char* col) {
  std::optional<std::string> s = row.Opt(col);
  if (s && s->empty()) s.reset();
  return s;
}

// An unsigned 64-bit column (a size, a count).
inline uint64_t GetUInt(const pg::Row& row, const char* col) {
  return static_cast<uint64_t>(row.GetInt(col));
}

}  // namespace libdump::catalog

#endif  // LIBDUMP_SRC_CATALOG_READER_UTIL_H_
