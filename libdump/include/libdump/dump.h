// Dump: one database into one archive.
//
// The leader connection opens a REPEATABLE READ, READ ONLY transaction, exports its snapshot,
// locks the tables it will dump (ACCESS SHARE), and reads the catalog; `jobs` worker threads each
// open their own connection, import the snapshot, and stream tables with COPY TO STDOUT into the
// archive, largest first. Every table is read at the same instant of the database's history.
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
  int jobs = 1;                    // worker connections, >= 1
  int compression_level = 3;       // zstd level 1..19; 0 stores blocks uncompressed
  uint32_t block_size = 1u << 20;  // target uncompressed bytes per data block
};

struct DumpSummary {
  uint64_t entries = 0;  // TOC entries
  uint64_t tables = 0;   // tables whose data was dumped
  uint64_t rows = 0;
  uint64_t raw_bytes = 0;      // COPY text bytes
  uint64_t archive_bytes = 0;  // bytes written to the sink
  double seconds = 0;
};

// Dumps the database named by options.connection into `sink` and commits the sink on success.
// On any failure (or cancellation) the sink is not committed, so an atomic file sink leaves no
// file behind. `observer` and `cancel` may be null; both must outlive the call. Blocks the
// calling thread until the dump is complete.
Result<DumpSummary> Dump(const DumpOptions& options, ByteSink* sink, Observer* observer = nullptr,
                         const CancelToken* cancel = nullptr);

}  // namespace libdump

#endif  // LIBDUMP_DUMP_H_
