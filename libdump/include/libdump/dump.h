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

#include "libdump/cancel.h"
#include "libdump/connection.h"
#include "libdump/format/byte_io.h"
#include "libdump/observer.h"
#include "libdump/status.h"

namespace libdump {

struct DumpOptions {
  ConnectionOptions connection;
  // Worker connections (and threads) that copy table data, >= 1 (else kInvalidArgument). Capped
  // at the number of data entries. The server sees jobs + 1 connections at most.
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
};

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
// starts (min(jobs, data entries) workers, plus one cancel watcher when `cancel` is not null) and
// every connection it opens are gone when it returns, whatever the outcome.
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
//   kInvalidArgument   bad options (jobs, compression_level, block_size) or a null sink
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
