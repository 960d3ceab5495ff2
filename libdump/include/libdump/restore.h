// Restore: an archive back into a database, and the cheap things one can do with an archive
// without a server (list it).
//
// Restore runs in passes, as pg_restore does: pre-data entries in dependency order on one
// connection; then table data, `jobs` COPY FROM STDIN streams at once, largest tables first; then
// post-data (indexes and constraints in parallel where dependencies allow, foreign keys last);
// then sequence values.
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
  int jobs = 1;  // parallel connections for data and post-data, >= 1
};

struct RestoreSummary {
  uint64_t entries = 0;  // TOC entries executed
  uint64_t tables = 0;   // tables whose data was loaded
  uint64_t rows = 0;
  uint64_t raw_bytes = 0;
  double seconds = 0;
};

// Restores every entry of the archive read from `source` into the database named by
// options.connection. A seekable source is checked (footer and block index) before anything is
// sent to the server; every block is checked against its checksum before its bytes reach the
// server. `observer` and `cancel` may be null; both must outlive the call.
Result<RestoreSummary> Restore(const RestoreOptions& options, ByteSource* source,
                               Observer* observer = nullptr, const CancelToken* cancel = nullptr);

// The entries of an archive in the order Restore executes them (header and TOC only).
Result<std::vector<format::TocEntry>> ListArchive(ByteSource* source,
                                                  format::ArchiveHeader* header = nullptr);

}  // namespace libdump

#endif  // LIBDUMP_RESTORE_H_
