// Restore: an archive back into a database, and the cheap things one can do with an archive
// without a server (list it).
//
// Restore runs in passes, as pg_restore does: pre-data entries in dependency order on one
// connection; then table data and post-data over `jobs` connections: COPY FROM STDIN streams,
// largest tables first (in list order with content.use_list), and each table's indexes,
// constraints, triggers and rules as soon as its data is in; foreign keys and other entries that
// involve several tables once all data is in (from a pipe: all data first, then post-data); then
// sequence values. Restore connections use bulk-load settings (synchronous_commit off, with one
// synchronous commit at the end; maintenance_work_mem at least 256MB); a big table this restore
// created, loaded in one piece, gets COPY ... FREEZE (docs/manual.md, "How a restore runs").
// With content.single_transaction, everything is one transaction; otherwise there is none
// around the whole restore (below).
//
// What is restored is chosen by options.content (RestoreContent, below; docs/nrestore.md).
//
// The target: the database named by options.connection must already exist (with
// content.create, it is only where CREATE DATABASE runs). It should be empty (created from
// template0) unless content.clean: an object that already exists is a failed entry (see
// RestoreContent::exit_on_error). The roles that own the objects must exist in the target
// cluster (the archive holds no roles, as with pg_dump). There is no transaction around the whole
// restore: each entry's statements, and each table's COPY, commit on their own (each with its
// journal row), so a failed, cancelled or killed restore leaves the database as far as it got,
// and RestoreOptions::resume finishes it.
//
// Thread safety: Restore() and ListArchive() are reentrant. Any number of restores (and dumps)
// may run at the same time in one process, each with its own source (and, for restores, target
// database); they share no mutable state.
#ifndef LIBDUMP_RESTORE_H_
#define LIBDUMP_RESTORE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "libdump/cancel.h"
#include "libdump/connection.h"
#include "libdump/format/archive.h"
#include "libdump/format/byte_io.h"
#include "libdump/observer.h"
#include "libdump/status.h"

namespace libdump {

// What to restore, and how: the selection and content options of nrestore, shared by Restore()
// and WriteScript() so that a script restores exactly what `nrestore -d` would. The rules are
// pg_restore 15's (docs/nrestore.md, "Selection"): names are exact, never patterns; each list
// may hold several names, an entry matching any of them being selected.
struct RestoreContent {
  // -n / -N: only entries whose schema is (is not) one of these. With `schemas`, entries outside
  // any schema (extensions, the schemas themselves, casts...) are not restored, as pg_restore.
  std::vector<std::string> schemas;
  std::vector<std::string> exclude_schemas;
  // -t / -I / -P / -T: when any of these four is non-empty only objects of the named kinds are
  // restored: -t tables, views, materialized views, foreign tables and sequences (their
  // definition and their data, not their indexes, constraints or triggers); -I indexes; -P
  // functions, aggregates and procedures by signature, e.g. "f(integer)"; -T triggers by their
  // tag, "<table> <trigger>". Comments, ACLs and security labels come with a selected object.
  std::vector<std::string> tables;
  std::vector<std::string> indexes;
  std::vector<std::string> functions;
  std::vector<std::string> triggers;
  // -L: when `use_list` is true only the dump ids in `list` are restored, in that order within
  // each pass (ParseRestoreList reads nrestore -l output). An id the archive lacks is
  // kInvalidArgument.
  bool use_list = false;
  std::vector<uint32_t> list;
  // --section: which sections to restore (all three by default).
  bool pre_data = true;
  bool data = true;
  bool post_data = true;
  // -a: only data (table data, sequence values, large objects); -s: everything but data.
  bool data_only = false;
  bool schema_only = false;
  // STATISTICS DATA entries (ndump --statistics, pg_dump 18): restored when the archive has them
  // (`statistics`, false with --no-statistics), but not with -a or -s; `statistics_only`
  // restores them alone (with neither -a, -s nor statistics false: kInvalidArgument). Into a
  // server older than 18, which lacks pg_restore_relation_stats(), they are skipped with one
  // warning that counts them.
  bool statistics = true;
  bool statistics_only = false;
  // -O: no ALTER ... OWNER TO statements. -x: no ACL and DEFAULT ACL entries.
  bool no_owner = false;
  bool no_privileges = false;
  // -c: drop every selected object that has a drop statement (in reverse restore order) before
  // creating anything; with `if_exists`, as DROP ... IF EXISTS. An archive written before ndump
  // stored drop statements makes --clean kInvalidArgument.
  bool clean = false;
  bool if_exists = false;
  // -C: create the archived database (its DATABASE entry; dropped first with `clean`), connect
  // to it and restore into it; its DATABASE PROPERTIES, comment and ACL entries are restored
  // too. Without it those entries are skipped. The connection's database is only used to run
  // CREATE DATABASE. An archive without a DATABASE entry (older ndump) makes it kInvalidArgument.
  bool create = false;
  // --role: SET ROLE to this role on every connection (empty: none).
  std::string role;
  // -1: everything in one transaction on one connection (jobs must be 1); implies
  // exit_on_error, and nothing is left behind by a failure.
  bool single_transaction = false;
  // -e: stop at the first failed entry. By default (as pg_restore) a failed entry is reported
  // (Observer warning naming the object, the server's message and SQLSTATE), counted in
  // RestoreSummary::errors, and the restore goes on.
  bool exit_on_error = false;
  // --disable-triggers: in a data-only restore, ALTER TABLE ... DISABLE TRIGGER ALL around each
  // table's data (needs superuser, as with pg_restore).
  bool disable_triggers = false;
  // -S: with disable_triggers, SET SESSION AUTHORIZATION to this role before each table's
  // triggers are disabled and again before they are enabled, as pg_restore does (empty: the
  // session's own role).
  std::string superuser;
  // --no-comments, --no-publications, --no-subscriptions, --no-security-labels, --no-policies:
  // leave out the entries of those kinds (COMMENT; PUBLICATION and its PUBLICATION TABLE /
  // PUBLICATION TABLES IN SCHEMA members; SUBSCRIPTION and SUBSCRIPTION TABLE; SECURITY LABEL;
  // POLICY and ROW SECURITY).
  bool no_comments = false;
  bool no_publications = false;
  bool no_subscriptions = false;
  bool no_security_labels = false;
  bool no_policies = false;
  // --no-tablespaces: the entries' `SET default_tablespace` statements and a CREATE DATABASE's
  // TABLESPACE clause are left out, so everything goes to the target's default tablespace.
  // --no-table-access-method: their `SET default_table_access_method` statements are left out,
  // and the session does not pin the access method to heap, so tables get the target's default.
  bool no_tablespaces = false;
  bool no_table_access_method = false;
  // --strict-names: every name given to -n, -t, -I, -P and -T must select at least one entry of
  // the archive, else kNotFound naming it (pg_restore's "table "x" not found").
  bool strict_names = false;
  // --enable-row-security: restore sessions run with row_security on instead of off, so that
  // loading into a table with row security policies fails unless the role bypasses them.
  bool enable_row_security = false;
};

// How WriteScript writes what a restore would send: options a psql script has and a restore
// through a connection does not (pg_dump's plain-format options).
struct ScriptOptions {
  // The key of psql's \restrict (--restrict-key): letters and digits only, else
  // kInvalidArgument. Empty: a random key.
  std::string restrict_key;
  // Table data as INSERT statements instead of COPY blocks (--inserts, --column-inserts,
  // --rows-per-insert): each statement carries up to this many rows; 0 keeps COPY. A value is
  // written as a string literal (NULL for a null) that the server converts to the column's type,
  // so the statements load into columns of other types too, like pg_dump's.
  int rows_per_insert = 0;
  // With rows_per_insert: name the columns in each INSERT (--column-inserts).
  bool column_inserts = false;
  // With rows_per_insert: add ON CONFLICT DO NOTHING to each INSERT (--on-conflict-do-nothing).
  bool on_conflict_do_nothing = false;
  // The key of an encrypted archive (archive_format.md §15), as for RestoreOptions::keys.
  format::Keyring keys;
  // Quote every name the script's own statements write (ndump -F p --quote-all-identifiers);
  // the archive's statements are written as they were dumped.
  bool quote_all_identifiers = false;
};

// Reads a list in the format of `nrestore -l` (and pg_restore -l): one entry per line starting
// with its dump id, `;` starting a comment (a line commented out is skipped). The ids in order
// of appearance; a line with no leading id, or repeating one, is ignored and, when `ignored` is
// not null, appended to it (pg_restore warns "line ignored").
std::vector<uint32_t> ParseRestoreList(std::string_view text,
                                       std::vector<std::string>* ignored = nullptr);

// What an archive holds besides its data: its header, TOC, and the entry statistics of its
// index (archive_format.md §8.3), with the row fingerprints of format 1.5 (§7.6).
struct ArchiveCatalog {
  format::ArchiveHeader header;
  std::vector<format::TocEntry> toc;
  std::vector<format::EntryStats> stats;
};

struct RestoreOptions {
  ConnectionOptions connection;
  RestoreContent content;
  // Connections (and worker threads) for the data and post-data passes, >= 1 (else
  // kInvalidArgument). The first one is also the leader that runs the serial passes, so the server
  // sees exactly `jobs` connections.
  int jobs = 1;
  // Send the values of char(n) columns without their trailing spaces, when they load into a
  // table this restore created from the archive (archive format 1.3 names those columns):
  // char(n) input pads them back, so the same values are stored, and the server neither
  // receives nor parses the padding. Data loading into tables that existed goes as stored.
  // false sends all data as stored (nrestore --keep-char-padding).
  bool trim_char_padding = true;
  // From a seekable source: read every data block the restore will load, and check its
  // checksums, before the server is contacted, so that a damaged block fails the restore with
  // nothing changed (one extra read of the data, at the speed of the disk or page cache; no
  // decompression). false skips that pass (nrestore --no-verify-first): each block is still
  // checked before its bytes are sent, but damage is then found while loading, after the schema
  // and the tables loaded before it were committed. Ignored for a pipe, which is read once.
  bool check_blocks_first = true;
  // When not null, a successful restore copies the archive's header, TOC and entry statistics
  // here: what a check of the restored copy needs (CheckRestoreOf, libdump/check.h), which a
  // pipe cannot give twice. Borrowed; written by the calling thread before Restore() returns.
  ArchiveCatalog* catalog_out = nullptr;
  // Finish a restore that stopped before its end (nrestore --resume): the target database holds
  // the journal of a restore of this archive with the same content options, and only what it
  // does not record as done is run, in the same schedule (docs/manual.md, "Resuming a
  // restore"). kInvalidArgument when the database has no journal (a finished restore dropped
  // it: nothing to resume) or one of another archive or other options. jobs may differ.
  //
  // Every restore but a single-transaction one (content.single_transaction) keeps that journal:
  // a schema `_nrestore_journal` in the target, created first, written in the same transaction
  // as each entry's statements and each data entry's COPY, dropped at the end. A restore into a
  // database that holds one is kInvalidArgument without resume. Where the user may not create a
  // schema, the restore runs without a journal (a warning says it cannot be resumed).
  bool resume = false;
  // The key of an encrypted archive (archive_format.md §15): its recipient's secret key or its
  // passphrase. Without the fitting key such an archive is kInvalidArgument (which key it needs);
  // with a wrong one kCorruption, before the server is contacted. Every block is authenticated
  // before any of its bytes is sent; from a pipe, data that must wait for a connection is
  // spilled to the temporary file encrypted (with a key that lives only in memory).
  format::Keyring keys;
};

struct RestoreSummary {
  uint64_t entries = 0;    // TOC entries executed
  uint64_t tables = 0;     // tables whose data was loaded
  uint64_t rows = 0;       // COPY rows loaded
  uint64_t raw_bytes = 0;  // uncompressed COPY bytes of the archive loaded
  // Of raw_bytes, the trailing spaces of char(n) values left out (RestoreOptions::
  // trim_char_padding): the server received raw_bytes - char_padding_bytes.
  uint64_t char_padding_bytes = 0;
  // The archive's stored (compressed) size of those bytes: the data blocks read and loaded.
  uint64_t stored_bytes = 0;
  double seconds = 0;  // wall-clock duration of the call
  // Entries that failed and were passed over (RestoreContent::exit_on_error false). Restore()
  // returns OK with errors > 0 when it went to the end past failed entries: the host decides
  // what that means (nrestore prints "errors ignored on restore: N" and exits 1).
  uint64_t errors = 0;
};

// Restores every entry of the archive read from `source` into the database named by
// options.connection.
//
// Blocks the calling thread until the restore is complete, failed, or cancelled. The threads it
// starts (up to `jobs` workers per pass, plus one cancel watcher when `cancel` is not null) and
// every connection it opens are gone when it returns, whatever the outcome.
//
// `source` (required), `observer` and `cancel` (both may be null) are borrowed: the caller owns
// them and they must outlive the call; the library neither closes nor destroys the source.
// A seekable source (Seekable() true) is read in place with Size() and ReadAt() only, never
// Read(): ReadAt() is called from the calling thread and from the worker threads concurrently,
// which byte_io.h requires to be safe.
// A non-seekable source (a pipe, a network stream) is read once, in order, with Read() on the
// calling thread, and each table's blocks go to a worker connection as they arrive. Memory stays
// bounded (a few blocks per worker); the blocks of tables that find every connection busy are
// spilled to an unlinked temporary file in $TMPDIR (default /tmp), removed when the call returns
// (docs/architecture.md, "Restore from a pipe").
//
// Checks: for a seekable source, header, TOC, footer and block index, and then (with
// options.check_blocks_first, the default) every data block of the selected entries (header and
// payload checksums, agreement with the index), are checked before the server is contacted, so a
// truncated, foreign or damaged archive never touches the target. Content hashes (which need
// the data decompressed) are checked only by VerifyArchive. A pipe's header and TOC are checked
// before the server is contacted, its index and footer only when the data has been read: a pipe
// found damaged or cut short part-way fails with kCorruption after loading exactly the TABLE
// DATA entries whose data ended before the damage (each entry is loaded completely or not at
// all; post-data is not run), and reports them to the observer (a warning naming each entry
// loaded). Every data block is checked against its checksum before its bytes reach the server.
//
// Errors (Status codes, see status.h), each with a one-line message and, where known, the object
// being processed (e.g. `TABLE DATA public.orders`, `INDEX public.orders_pkey`):
//   kInvalidArgument   jobs < 1, or a null source
//   kCorruption        the archive failed a structural or checksum check; before the server was
//                      contacted, except for damage in a pipe's data (or in a file's with
//                      check_blocks_first false), found while loading that table; an archive
//                      without its footer is reported as "incomplete"
//   kUnsupported       an archive of another major format version (see version.h), or a server
//                      older than PostgreSQL 12
//   kIoError           reading the source, or writing the spool file, failed
//   kConnectionFailed  a connection could not be made or was lost (see connection.h)
//   kServerError       the server rejected a statement; sqlstate() says why (42P07: the object
//                      already exists; 42704: a role or other object the entry needs is missing)
//   kCancelled         `cancel` was set; also a statement cancelled on the server side
//                      (SQLSTATE 57014, e.g. pg_cancel_backend() from another session)
//   kInternal          a bug in libdump
// With content.exit_on_error (or single_transaction) the first failure stops the other workers
// and is the one returned. Without it a kServerError of one entry is counted in
// RestoreSummary::errors and the restore goes on; every other failure still stops it. Also
// kInvalidArgument for contradicting content options (single_transaction with jobs > 1,
// data_only with schema_only, a -L id the archive lacks, clean or create on an archive written
// before ndump stored drop statements and the DATABASE entry).
Result<RestoreSummary> Restore(const RestoreOptions& options, ByteSource* source,
                               Observer* observer = nullptr, const CancelToken* cancel = nullptr);

// The entries of an archive, in archive (TOC) order: by section, and within a section every
// entry after those it depends on; the serial passes of Restore() follow this order. Reads, on
// the calling thread, the header and the TOC and, from a seekable source, the footer and the
// block index (ReadAt() only; a pipe is read with Read() up to the end of the TOC and left
// there), and checks them: kCorruption if any is damaged or the file is incomplete (truncated:
// "incomplete archive"), kUnsupported for another major format version, the source's own error if
// reading fails. Data blocks are not read; VerifyArchive checks those. `header`, when not null,
// receives the archive header.
// An encrypted archive's TOC needs its key, `keys` (may be null): without it kInvalidArgument
// says which key, a wrong one is kCorruption.
Result<std::vector<format::TocEntry>> ListArchive(ByteSource* source,
                                                  format::ArchiveHeader* header = nullptr,
                                                  const format::Keyring* keys = nullptr);

// Checks a whole archive without a server: every checksum, the structure, the index and footer,
// and each entry's content hash (format::ArchiveReader::Verify, archive_format.md §11.4). Reads
// `source` (borrowed) on the calling thread: a seekable one footer and index first, then from
// start to end; a pipe once, from start to end. OK only for a complete, valid archive; then
// `report` (may be null) receives its totals. Otherwise kCorruption (the message names the block
// and entry, e.g. `block 3 of entry 42 (TABLE DATA public.t): payload checksum mismatch at offset
// 1234`; a file without its footer is "incomplete archive", wherever it was cut), kUnsupported
// (another major version, unknown flags) or the source's kIoError.
// An encrypted archive (archive_format.md §15.6): with `keys` (may be null) holding its key,
// every block is also authenticated (a wrong key is kCorruption); without, the archive is read
// locked: structure and every checksum are checked, nothing is authenticated or decrypted, and
// the index (which is sealed) cannot be compared with the blocks.
Status VerifyArchive(ByteSource* source, format::VerifyReport* report = nullptr,
                     const format::Keyring* keys = nullptr);

// Writes the archive as a psql script to `out`, in restore order (pre-data, table data as
// COPY ... FROM stdin blocks, post-data, sequence values), like pg_restore without -d. The script
// starts with psql's \restrict and a random key, so no text inside it (a crafted object name)
// can act as a psql meta-command. Every block the script will carry is read and checked
// against its checksums before anything is written, so a damaged archive (kCorruption) writes
// nothing: a script piped into psql must not be cut short by damage. Needs a seekable source
// (kUnsupported otherwise). Commits `out` on success. `content` selects and shapes the script
// exactly as it does a restore (with create, the script runs CREATE DATABASE and psql's \connect;
// with single_transaction, BEGIN ... COMMIT); exit_on_error is psql's business (ON_ERROR_STOP) and
// ignored here. `script` shapes the script's own text (its \restrict key, INSERT statements for
// the data); its errors are kInvalidArgument (a bad key; INSERTs for binary COPY data, or for an
// entry whose data is not a table's).
Status WriteScript(ByteSource* source, ByteSink* out, const RestoreContent& content = {},
                   const ScriptOptions& script = {});

}  // namespace libdump

#endif  // LIBDUMP_RESTORE_H_
