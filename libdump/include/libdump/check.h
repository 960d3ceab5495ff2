// Proving a restore whole: each table's rows in a restored database, read back in the form the
// dump read them, against the row fingerprints the archive recorded (archive_format.md §7.6);
// and a test restore into a throwaway database that does the same, for cron and monitoring.
//
// Thread safety: CheckRestore, CheckRestoreOf and TestRestore are reentrant; they share no
// mutable state. Each blocks the calling thread; the threads and connections it opens are gone
// when it returns.
#ifndef LIBDUMP_CHECK_H_
#define LIBDUMP_CHECK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "libdump/cancel.h"
#include "libdump/connection.h"
#include "libdump/format/archive.h"
#include "libdump/format/byte_io.h"
#include "libdump/observer.h"
#include "libdump/restore.h"
#include "libdump/status.h"

namespace libdump {

struct CheckOptions {
  // The database that holds the restored copy.
  ConnectionOptions connection;
  // The selection the restore was made with (-t, -n, -L, --section, -a, -s ...): only the tables
  // whose data such a restore loads are checked. Its other fields are ignored, except `role`
  // (SET ROLE on every connection).
  RestoreContent content;
  // Connections reading tables at the same time, >= 1 (else kInvalidArgument). All read under
  // one snapshot, exported by the first.
  int jobs = 1;
  // The key of an encrypted archive (archive_format.md §15), as for RestoreOptions::keys.
  format::Keyring keys;
};

// One table that is not proven: its data differs from the archive's, or it is not there.
struct TableMismatch {
  std::string schema;
  std::string name;
  bool missing = false;      // the table could not be read (detail says why)
  uint64_t source_rows = 0;  // rows the archive holds for it (all its entries)
  uint64_t copy_rows = 0;    // rows read back (0 when missing)
  std::string detail;        // the server's message for a table that could not be read
};

struct CheckReport {
  // False when the archive records no row fingerprints (written before format 1.5, or without
  // them): nothing was compared and nothing is proven, whatever the other fields say.
  bool fingerprinted = false;
  uint64_t tables = 0;                    // tables compared (a table dumped in pieces counts once)
  uint64_t tables_unproven = 0;           // selected tables with data but without a fingerprint
  uint64_t rows = 0;                      // the archive's rows of the compared tables
  uint64_t rows_read = 0;                 // rows read back from the database
  std::vector<TableMismatch> mismatches;  // in archive order
  double seconds = 0;

  // Every selected table was compared and is the same.
  bool proven() const { return fingerprinted && tables_unproven == 0 && mismatches.empty(); }
};

// Reads the archive's TOC and index from `source` (from a pipe, the whole stream, every block
// checked on the way), then reads every selected table of the database named by
// options.connection with `COPY (columns) TO STDOUT` in the entry's COPY form and compares the
// fingerprint of its rows with the sum of its entries' fingerprints (several for a table dumped
// in pieces). The session reads with the dump's settings (DateStyle ISO, extra_float_digits 3,
// the archive's encoding and time zone), so values print as they did.
//
// A differing or missing table is not an error: it is in the report (OK is returned). Errors:
// kInvalidArgument (jobs < 1, contradicting selection options, a null source), the archive's
// kCorruption / kUnsupported / kIoError as for a restore, kConnectionFailed, kServerError for a
// failure that is not about one table, kCancelled.
Result<CheckReport> CheckRestore(const CheckOptions& options, ByteSource* source,
                                 Observer* observer = nullptr, const CancelToken* cancel = nullptr);

// The same for a caller that has the archive's header, TOC and entry statistics already (after a
// restore from a pipe, RestoreSummary::stats).
Result<CheckReport> CheckRestoreOf(const CheckOptions& options, const format::ArchiveHeader& header,
                                   const std::vector<format::TocEntry>& toc,
                                   const std::vector<format::EntryStats>& stats,
                                   Observer* observer = nullptr,
                                   const CancelToken* cancel = nullptr);

struct TestRestoreOptions {
  // Where to restore. With `use_database` false, options.connection names the maintenance
  // database (empty dbname: "postgres") in which a throwaway database is created from template0
  // and dropped at the end, whatever the outcome. With it true, the database options.connection
  // names is used as it is; it must be empty (no relation, function, type or schema of its own;
  // else kInvalidArgument, nothing touched) and is not dropped.
  RestoreOptions restore;
  bool use_database = false;
};

struct TestRestoreReport {
  std::string database;    // where it was restored
  bool dropped = false;    // the throwaway database was dropped
  RestoreSummary restore;  // the restore's own summary (errors: entries that failed)
  double restore_seconds = 0;
  CheckReport check;
  // Relations (tables, views, materialized views, sequences, foreign tables, indexes) the
  // restore was to create, and how many of them exist in the database afterwards.
  uint64_t objects_expected = 0;
  uint64_t objects_found = 0;
  std::vector<std::string> objects_missing;  // "kind schema.name", in archive order
  uint64_t archive_bytes = 0;
  double seconds = 0;  // the whole test: create, restore, check, drop

  // No failed entry, every object there, every table proven.
  bool passed() const { return restore.errors == 0 && objects_missing.empty() && check.proven(); }
};

// Restores the archive read from `source` (a file or a pipe) with options.restore (jobs,
// selection), then checks it (CheckRestoreOf) and counts its relations, then drops the throwaway
// database. A restore that fails part-way is a report with what is known (Status OK, passed()
// false, `failure` set), not an error, so that a monitoring job gets its report; errors are
// kInvalidArgument for bad options or a non-empty database, kConnectionFailed when the server
// cannot be reached, and a failure to create the throwaway database.
Result<TestRestoreReport> TestRestore(const TestRestoreOptions& options, ByteSource* source,
                                      std::string* failure, Observer* observer = nullptr,
                                      const CancelToken* cancel = nullptr);

}  // namespace libdump

#endif  // LIBDUMP_CHECK_H_
