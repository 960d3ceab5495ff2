// Restore: an archive back into a database, and the cheap things one can do with an archive
// without a server (list it).
//
// Restore runs in passes, as pg_restore does: pre-data entries in dependency order on one
// connection; then table data, `jobs` COPY FROM STDIN streams at once, largest tables first; then
// post-data (indexes and constraints in parallel where dependencies allow, foreign keys last);
// then sequence values.
//
// Every entry of the archive is restored: there is no selection of tables or schemas yet (it
// comes with the selection options of issue 6; see docs/library.md).
//
// The target: the database named by options.connection must already exist; Restore() does not
// create it. It should be empty (created from template0): an object that already exists is a
// kServerError and stops the restore. The roles that own the objects must exist in the target
// cluster (the archive holds no roles, as with pg_dump). There is no transaction around the whole
// restore: each entry's statements, and each table's COPY, commit on their own, so a failed or
// cancelled restore leaves the database as far as it got. Drop and recreate it to try again.
//
// Thread safety: Restore() and ListArchive() are reentrant. Any number of restores (and dumps)
// may run at the same time in one process, each with its own source (and, for restores, target
// database); they share no mutable state.
#ifndef LIBDUMP_RESTORE_H_
#define LIBDUMP_RESTORE_H_

#include <cstdint>
#include <vector>

#include "libdump/cancel.h"
#include "libdump/connection.h"
#include "libdump/format/archive.h"
#include "libdump/format/byte_io.h"
#include "libdump/observer.h"
#include "libdump/status.h"

namespace libdump {

struct RestoreOptions {
  ConnectionOptions connection;
  // Connections (and worker threads) for the data and post-data passes, >= 1 (else
  // kInvalidArgument). The first one is also the leader that runs the serial passes, so the server
  // sees exactly `jobs` connections.
  int jobs = 1;
};

struct RestoreSummary {
  uint64_t entries = 0;    // TOC entries executed
  uint64_t tables = 0;     // tables whose data was loaded
  uint64_t rows = 0;       // COPY rows loaded
  uint64_t raw_bytes = 0;  // uncompressed COPY bytes sent to the server
  // The archive's stored (compressed) size of those bytes: the data blocks read and loaded.
  uint64_t stored_bytes = 0;
  double seconds = 0;  // wall-clock duration of the call
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
// Checks: for a seekable source, header, TOC, footer and block index are checked before the
// server is contacted, so a truncated, foreign or damaged archive never touches the target. A
// pipe's header and TOC are checked before the server is contacted, its index and footer only
// when the data has been read: a pipe found damaged or cut short part-way fails with kCorruption
// after loading exactly the TABLE DATA entries whose data ended before the damage (each entry is
// loaded completely or not at all; post-data is not run). Every data block is checked against
// its checksum before its bytes reach the server.
//
// Errors (Status codes, see status.h), each with a one-line message and, where known, the object
// being processed (e.g. `TABLE DATA public.orders`, `INDEX public.orders_pkey`):
//   kInvalidArgument   jobs < 1, or a null source
//   kCorruption        the archive failed a structural or checksum check; before the server was
//                      contacted unless a data block is damaged (found while loading that table);
//                      an archive without its footer is reported as "incomplete"
//   kUnsupported       an archive of another major format version (see version.h), or a server
//                      older than PostgreSQL 12
//   kIoError           reading the source, or writing the spool file, failed
//   kConnectionFailed  a connection could not be made or was lost (see connection.h)
//   kServerError       the server rejected a statement; sqlstate() says why (42P07: the object
//                      already exists; 42704: a role or other object the entry needs is missing)
//   kCancelled         `cancel` was set; also a statement cancelled on the server side
//                      (SQLSTATE 57014, e.g. pg_cancel_backend() from another session)
//   kInternal          a bug in libdump
// The first failure stops the other workers and is the one returned.
Result<RestoreSummary> Restore(const RestoreOptions& options, ByteSource* source,
                               Observer* observer = nullptr, const CancelToken* cancel = nullptr);

// The entries of an archive, in archive (TOC) order: by section, and within a section every
// entry after those it depends on; the serial passes of Restore() follow this order. Reads only
// the header and the TOC, on the calling thread (ReadAt() on a seekable source; Read() on a pipe,
// which is left positioned after the TOC), and checks those two: kCorruption if they are damaged,
// kUnsupported for another major format version, the source's own error if reading fails. Data
// blocks are not checked; use format::ArchiveReader::Verify for that. `header`, when not null,
// receives the archive header.
Result<std::vector<format::TocEntry>> ListArchive(ByteSource* source,
                                                  format::ArchiveHeader* header = nullptr);

// Checks a whole archive without a server: every checksum, the structure, the index and footer,
// and each entry's content hash (format::ArchiveReader::Verify, archive_format.md §11.4). Reads
// `source` (borrowed) on the calling thread: a seekable one footer and index first, then from
// start to end; a pipe once, from start to end. OK only for a complete, valid archive; then
// `report` (may be null) receives its totals. Otherwise kCorruption (the message names the block
// and entry, e.g. `block 3 of entry 42 (TABLE DATA public.t): payload checksum mismatch at offset
// 1234`; a file without its footer is "incomplete archive", wherever it was cut), kUnsupported
// (another major version, unknown flags) or the source's kIoError.
Status VerifyArchive(ByteSource* source, format::VerifyReport* report = nullptr);

// Writes the archive as a psql script to `out`, in restore order (pre-data, table data as
// COPY ... FROM stdin blocks, post-data, sequence values), like pg_restore without -d. The script
// starts with psql's \restrict and a random key, so no text inside it (a crafted object name)
// can act as a psql meta-command. Every block is checked against its checksum before its bytes
// are written. Needs a seekable source (kUnsupported otherwise). Commits `out` on success.
Status WriteScript(ByteSource* source, ByteSink* out);

}  // namespace libdump

#endif  // LIBDUMP_RESTORE_H_
