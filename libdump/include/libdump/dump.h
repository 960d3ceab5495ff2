// Dump: one database into one archive.
//
// The leader connection opens a REPEATABLE READ, READ ONLY transaction, exports its snapshot,
// locks the tables it will dump (ACCESS SHARE), and reads the catalog; `jobs` worker threads each
// open their own connection, import the snapshot, and stream tables with COPY TO STDOUT into the
// archive, largest first. Every table is read at the same instant of the database's history.
//
// Effects on the server: nothing is written. The ACCESS SHARE locks are held until the dump ends,
// so DDL that needs a stronger lock on a dumped table (ALTER TABLE, DROP TABLE, TRUNCATE) waits
// for the dump; and the open snapshot keeps VACUUM from removing rows that died after it started.
//
// Thread safety: Dump() is reentrant. Any number of dumps (and restores) may run at the same time
// in one process, on different threads, as long as each has its own sink; they share no mutable
// state. A CancelToken may be shared between them; an Observer shared between them must do its
// own locking (see observer.h).
#ifndef LIBDUMP_DUMP_H_
#define LIBDUMP_DUMP_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "libdump/cancel.h"
#include "libdump/connection.h"
#include "libdump/format/byte_io.h"
#include "libdump/format/crypto.h"
#include "libdump/observer.h"
#include "libdump/status.h"

namespace libdump {

struct DumpOptions {
  ConnectionOptions connection;
  // Worker connections (and threads) that copy table data, >= 1 (else kInvalidArgument). Capped
  // at the number of data entries. The server sees jobs + 1 connections at most. With 2 or more,
  // the first worker's connection also reads half of the catalog, with the leader's.
  int jobs = 1;
  // zstd level 1..22 for data blocks and the TOC (outside that range: kInvalidArgument); 0 or less
  // stores blocks uncompressed. 3 is a good default; levels above 19 are slow.
  int compression_level = 3;
  // Target uncompressed bytes per data block, 4 KiB .. 8 MiB (else kInvalidArgument). Rows are
  // not split across blocks, so a block may end before the target; only a row longer than 8 MiB
  // (the largest block) is split over several blocks.
  uint32_t block_size = 1u << 20;
  // Tables bigger than this (heap + TOAST, as pg_table_size counts) are dumped as several chunks
  // of heap pages of about this size, each its own TABLE DATA entry, so that jobs share a big
  // table on dump and on restore. 0 never splits. Needs PostgreSQL 14+ (TID range scans); older
  // servers dump every table whole.
  uint64_t split_bytes = 64ull << 20;
  // The COPY format of table data. kText (the default) is COPY's text format, portable to any
  // server and column type and the only one a psql script (nrestore -f) can carry. kBinary
  // copies a table in COPY's binary format when every column of it has a built-in type whose
  // binary form is exact and does not depend on the database (numbers, text, dates and times,
  // bytea, uuid, json/jsonb, network and geometric types, ranges, and arrays of these); any
  // other table (a domain, enum, composite or extension type, reg* OID aliases, xml, ...) stays
  // in text. Each TABLE DATA entry's COPY statement records its format. Binary data loads only
  // into columns of exactly the dumped types and is cheaper for the server to parse and write
  // (docs/benchmarks.md).
  enum class CopyFormat { kText, kBinary };
  CopyFormat copy_format = CopyFormat::kText;
  // Record each TABLE DATA entry's row fingerprint (archive format 1.5, §7.6), computed from the
  // COPY stream as it passes, so that `nrestore --check` can prove a restored copy whole
  // (CheckRestore, libdump/check.h). false writes an archive without them (format 1.4 or lower).
  bool row_fingerprints = true;

  // --- Dump options and filters: which objects, as pg_dump's options choose them -------------
  //
  // Patterns are pg_dump's (docs/ndump.md, "Patterns"): `*` and `?` wildcards, letters folded to
  // lower case outside double quotes, `schema.name`, and `database.schema.name` where the
  // database must be the one dumped. A table pattern without a schema matches only tables
  // visible in the role's default search_path, as in pg_dump. Matching runs on the server.
  //
  // Schemas whose objects are dumped (-n). Not empty: only objects in these schemas are dumped,
  // with the schemas themselves; objects outside any schema (extensions, languages, casts,
  // foreign data wrappers and servers, publications, subscriptions, event triggers, large
  // objects unless large_objects is kInclude) are not.
  std::vector<std::string> schemas;
  // Schemas left out with everything in them (-N); wins over `schemas`.
  std::vector<std::string> exclude_schemas;
  // Tables, views, materialized views, sequences, foreign and partitioned tables to dump (-t).
  // Not empty: only these relations are dumped, each with what belongs to it (columns, defaults,
  // constraints, indexes, triggers, rules, policies, comments, privileges, the sequences it owns,
  // its data); not its schema, types or functions it uses, nor its partitions. `schemas` and
  // `exclude_schemas` then have no effect.
  std::vector<std::string> tables;
  // Relations left out with what belongs to them (-T); wins over `tables`. A sequence owned by
  // an excluded table is still dumped.
  std::vector<std::string> exclude_tables;
  // Relations whose definition is dumped but not their data (--exclude-table-data): tables'
  // rows, sequences' values, materialized views' REFRESH.
  std::vector<std::string> exclude_table_data;
  // The same three with the matched tables' partitions and inheritance children, at every level
  // (pg_dump 16's --table-and-children, --exclude-table-and-children and
  // --exclude-table-data-and-children; the filter file's table_and_children and
  // table_data_and_children).
  std::vector<std::string> tables_and_children;
  std::vector<std::string> exclude_tables_and_children;
  std::vector<std::string> exclude_table_data_and_children;
  // Extensions to dump (-e), name patterns (no schema part). Not empty: only these extensions
  // are dumped, also with `schemas` or `tables` given, and only their configuration tables' rows
  // (the other objects are chosen as without it). Empty: every extension when neither `schemas`
  // nor `tables` is given, none otherwise.
  std::vector<std::string> extensions;
  // Extensions left out, with their configuration tables' rows (--exclude-extension); wins over
  // `extensions`.
  std::vector<std::string> exclude_extensions;
  // Every include pattern (schemas, tables, extensions) must match at least one object, else
  // kNotFound
  // naming the pattern. Without it, only "nothing matched at all" is an error (kNotFound, "no
  // matching tables were found" / "no matching schemas were found" / "no matching extensions
  // were found").
  bool strict_names = false;

  enum class Content {
    kAll,
    kSchemaOnly,      // -s: everything but table data, sequence values and large objects
    kDataOnly,        // -a: only table data, sequence values and large objects
    kStatisticsOnly,  // --statistics-only: only the STATISTICS DATA entries (see statistics)
  };
  Content content = Content::kAll;
  // The planner's statistics of every dumped table, partitioned table, materialized view,
  // foreign table and index, as pg_dump 18 --statistics dumps them: one STATISTICS DATA entry
  // each (pg_class's relpages, reltuples, relallvisible and from 18 relallfrozen, and pg_stats'
  // rows), whose SQL calls pg_restore_relation_stats() and pg_restore_attribute_stats(), which a
  // PostgreSQL 18 or later target has. A table's are in the data section, an index's and a
  // materialized view's in post-data. Off by default, as in pg_dump 18. With kSchemaOnly or
  // kDataOnly they come along all the same (pg_dump 18's --no-data --statistics and --no-schema
  // --statistics; its -s and -a refuse --statistics, as ndump's command line does). kStatisticsOnly
  // implies it. Extended statistics' data
  // (CREATE STATISTICS objects) is not dumped, as pg_dump 18 does not dump it.
  bool statistics = false;
  // Sections to dump (--section), a mask of kSection* bits; combined with `content`.
  static constexpr unsigned kSectionPreData = 1, kSectionData = 2, kSectionPostData = 4;
  unsigned sections = kSectionPreData | kSectionData | kSectionPostData;

  bool privileges = true;       // false: no GRANT/REVOKE entries (-x)
  bool comments = true;         // false: no COMMENT entries (--no-comments)
  bool publications = true;     // false: no publications (--no-publications)
  bool subscriptions = true;    // false: no subscriptions (--no-subscriptions)
  bool security_labels = true;  // false: no SECURITY LABEL entries (--no-security-labels)
  enum class LargeObjects {
    kDefault,  // dumped when neither `schemas` nor `tables` is given
    kInclude,  // always dumped (-b), also with -n / -t
    kExclude,  // never dumped (-B)
  };
  LargeObjects large_objects = LargeObjects::kDefault;
  // With Content::kSchemaOnly, still dump the sequences' values (--sequence-data, pg_dump 18).
  bool sequence_data = false;
  bool unlogged_table_data = true;  // false: no data of UNLOGGED tables (--no-unlogged-table-data)
  bool policies = true;             // false: no POLICY and ROW SECURITY entries (--no-policies)
  // false: objects carry no tablespace (no SET default_tablespace, no CREATE DATABASE ...
  // TABLESPACE): a restore puts them in the target's default (--no-tablespaces).
  bool tablespaces = true;
  // false: tables and materialized views carry no access method (--no-table-access-method).
  bool table_access_methods = true;
  // false: columns carry no SET COMPRESSION (--no-toast-compression).
  bool toast_compression = true;

  // --- Behaviour ------------------------------------------------------------------------------
  // A snapshot exported by another session (pg_export_snapshot()), used instead of exporting a
  // new one (--snapshot). That session's transaction must stay open until the dump has started
  // its workers; an unknown or expired name fails with kServerError.
  std::string snapshot;
  // How long to wait for each table lock (--lock-wait-timeout), in any form the server's
  // lock_timeout takes ("10s", "500ms", "2000" = milliseconds). Empty: wait forever. A lock
  // not granted in time fails the dump with kServerError (SQLSTATE 55P03) naming the table. The
  // timeout also bounds the catalog reads that wait for a lock (a table's size).
  std::string lock_wait_timeout;
  // SERIALIZABLE, READ ONLY, DEFERRABLE instead of REPEATABLE READ (--serializable-deferrable):
  // waits for a snapshot no serializable transaction can contradict.
  bool serializable_deferrable = false;
  // SET ROLE to this role on every connection after it is made (--role): the dump reads the
  // database with that role's privileges. Empty: the connecting user's.
  std::string role;
  // The encoding the archive's text is written in (-E/--encoding): any client_encoding name
  // the server knows (else kServerError). Empty: the database's encoding.
  std::string encoding;
  // extra_float_digits for the COPY output of float4/float8 columns (--extra-float-digits),
  // -15..3 (else kInvalidArgument). 3, the default, writes every value exactly.
  int extra_float_digits = 3;
  // row_security on instead of off (--enable-row-security): tables with row security policies
  // are dumped with only the rows those policies let the role see, where a dump without it fails
  // on them (as pg_dump) unless the role bypasses row security.
  bool enable_row_security = false;
  // quote_all_identifiers on for the dump sessions (--quote-all-identifiers): the definitions the
  // server deparses (indexes, constraints, views, defaults, ...) quote every identifier, as
  // ndump's own SQL always does.
  bool quote_all_identifiers = false;
  // Encrypt the archive (--encrypt-to, --encrypt-passphrase-file; archive_format.md §15): to a
  // recipient's public key, so that the machine that dumps cannot read the archive back, or with
  // a passphrase. Every block is sealed by the worker that writes it. kNone (the default): a
  // plain archive.
  format::Encryption encryption;
};

// Adds the rules of a pg_dump 17 --filter file (its whole text in `text`; `source_name` names it
// in messages) to `options`: include/exclude table -> tables/exclude_tables, include/exclude
// table_and_children -> tables_and_children/exclude_tables_and_children, include/exclude schema
// -> schemas/exclude_schemas, exclude table_data -> exclude_table_data, exclude
// table_data_and_children -> exclude_table_data_and_children. Any other rule (foreign_data,
// extension, an include of table data, ...) is rejected rather than ignored. Errors are
// kInvalidArgument: `invalid format in filter read from file "NAME" on line N: ...`.
Status AddDumpFilter(std::string_view text, const std::string& source_name, DumpOptions* options);

struct DumpSummary {
  uint64_t entries = 0;        // TOC entries written (every object, with or without data)
  uint64_t tables = 0;         // TOC entries with table data (a split table has several)
  uint64_t rows = 0;           // COPY rows written
  uint64_t raw_bytes = 0;      // uncompressed COPY text bytes written
  uint64_t archive_bytes = 0;  // bytes written to the sink, the whole archive
  double seconds = 0;          // wall-clock duration of the call
};

// Dumps the database named by options.connection into `sink` and commits the sink on success.
//
// Blocks the calling thread until the dump is complete, failed, or cancelled. The threads it
// starts (min(jobs, data entries) workers, plus one cancel watcher when `cancel` is not null, and
// with jobs >= 2 one more while the catalog is read) and every connection it opens are gone when
// it returns, whatever the outcome.
//
// `sink` (required), `observer` and `cancel` (both may be null) are borrowed: the caller owns them
// and they must outlive the call. The sink's methods are called from the calling thread and from
// worker threads, but one at a time (the archive writer serializes them under a lock, with
// happens-before between calls), so a sink needs no locking of its own. Write() receives the
// archive front to back, never seeking. On success Commit() is called exactly once, as the last
// call; on any failure or cancellation Commit() is never called, so an atomic file sink leaves no
// file behind and an application sink should discard what it received. The sink is not
// destroyed or closed by the library.
//
// Errors (Status codes, see status.h), each with a one-line message and, where known, the object
// being processed (e.g. `TABLE DATA "public"."orders"`):
//   kInvalidArgument   bad options (jobs, compression_level, block_size, sections) or a null
//                      sink; a pattern with too many dotted names or naming another database
//   kNotFound          -n / -t patterns that match nothing (see strict_names)
//   kConnectionFailed  a connection could not be made or was lost (see connection.h)
//   kUnsupported       the server is older than PostgreSQL 12
//   kServerError       the server rejected a statement; sqlstate() says why (e.g. 42501, no
//                      privilege to read a table: a dump needs SELECT on every table)
//   kCancelled         `cancel` was set; also a statement cancelled on the server side
//                      (SQLSTATE 57014, e.g. pg_cancel_backend() from another session)
//   any code           a failure the sink returned, passed through unchanged (its code and
//                      message), except that the object being dumped is added
//   kInternal          a bug in libdump
// The first failure stops the other workers (their statements are cancelled) and is the one
// returned; what those workers report after it is dropped.
Result<DumpSummary> Dump(const DumpOptions& options, ByteSink* sink, Observer* observer = nullptr,
                         const CancelToken* cancel = nullptr);

}  // namespace libdump

#endif  // LIBDUMP_DUMP_H_
