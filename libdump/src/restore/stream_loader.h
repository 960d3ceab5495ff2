// Pass 2 from a pipe (docs/architecture.md, "Restore from a pipe"): the archive read once, in
// order, on the calling thread, each entry's blocks handed to the worker connection that loads
// it, in bounded memory (a few blocks per worker; entries that find every connection busy are
// spilled to an unlinked temporary file).
#ifndef LIBDUMP_SRC_RESTORE_STREAM_LOADER_H_
#define LIBDUMP_SRC_RESTORE_STREAM_LOADER_H_

#include <functional>
#include <vector>

#include "common/events.h"
#include "libdump/cancel.h"
#include "libdump/format/archive.h"
#include "libdump/restore.h"
#include "libdump/status.h"
#include "pg/pg.h"
#include "restore/journal.h"
#include "restore/load.h"
#include "restore/selection.h"

namespace libdump::restore {

// Loads the data of every entry `plan` selects from `reader` (a pipe, read from after its TOC up
// to its footer) over `conns`, one worker thread per connection; the blocks of other entries are
// read and passed over, and so are those `journal` (may be null) records as loaded by an earlier
// run. `trims`: whether an entry's data goes without its char(n) padding. Adds what was loaded
// to `totals`. Every pointer is borrowed. With an enabled journal each entry's COPY, the
// statements around it and its journal row are one transaction.
//
// Returns the first failure (the reader's, a worker's, or kCancelled). When the archive fails
// part-way, the entries whose data ended before the failure are still loaded and reported (a
// warning naming them); no entry is ever loaded in part. Every worker thread has exited, and no
// COPY is open, when it returns.
Status LoadFromStream(format::ArchiveReader* reader, const std::vector<pg::PgConn*>& conns,
                      Events* events, const CancelToken* cancel, const Plan* plan,
                      const RestoreContent* content,
                      std::function<bool(const format::TocEntry&)> trims, const Journal* journal,
                      LoadTotals* totals);

}  // namespace libdump::restore

#endif  // LIBDUMP_SRC_RESTORE_STREAM_LOADER_H_
