// COPY's binary format for table data (DumpOptions::copy_format): which tables may use it, and
// the COPY statements that say so.
#ifndef LIBDUMP_SRC_DUMP_COPY_FORMAT_H_
#define LIBDUMP_SRC_DUMP_COPY_FORMAT_H_

#include <string>
#include <string_view>

#include "dump/toc_builder.h"
#include "libdump/status.h"
#include "pg/pg.h"

namespace libdump::dump {

// The built-in types whose binary COPY form is exact and means the same in any database: no
// OIDs of database objects (the reg* aliases), no user-defined types (their OIDs differ between
// databases and composite and array values carry them), nothing without binary I/O. A column of
// an array type counts by its element type. Listed by name in pg_catalog.
extern const char* const kBinarySafeTypes[];

// The statements in binary format: COPY ... TO STDOUT WITH (FORMAT binary) and COPY ... FROM
// stdin WITH (FORMAT binary);. "" when the statement does not end as ndump writes it.
std::string BinaryCopyOutSql(const std::string& copy_out_sql);
std::string BinaryCopyInSql(const std::string& copy_in_sql);

// Whether a COPY ... TO STDOUT (FORMAT binary) message is the trailer (-1 as a 16-bit field
// count), which comes in a message of its own, after the 19-byte header in the same message when
// the table has no rows, and is not a row. (A row's field count is at most 1,600, so a row never
// reads as either.)
bool IsBinaryCopyTrailer(std::string_view message);

// Switches every table data job of `toc` whose table has only columns of binary-safe types to
// COPY's binary format, in the job's COPY TO and in its TOC entry's COPY FROM. One catalog
// query, for all tables.
Status UseBinaryCopy(pg::PgConn& conn, BuiltToc* toc);

}  // namespace libdump::dump

#endif  // LIBDUMP_SRC_DUMP_COPY_FORMAT_H_
