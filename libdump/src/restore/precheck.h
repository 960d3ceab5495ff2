// The check of a seekable archive's data before a restore touches the server (issue 15.2): every
// data block the restore will load is read and checked against its checksum first, so that a
// damaged file is refused whole instead of failing after the schema and the intact tables have
// been committed.
#ifndef LIBDUMP_SRC_RESTORE_PRECHECK_H_
#define LIBDUMP_SRC_RESTORE_PRECHECK_H_

#include "common/events.h"
#include "libdump/cancel.h"
#include "libdump/format/archive.h"
#include "libdump/status.h"
#include "restore/selection.h"

namespace libdump::restore {

// Reads every data block of the entries `plan` selects, in archive order, and checks it as the
// load will (format::ArchiveReader::CheckBlock: header and payload checksums, agreement with the
// index, end-of-entry marks), without decompressing. `reader` must have a seekable source and
// its index loaded. Reports the pass on `events` (verbose). The first damaged block's
// kCorruption, the source's kIoError, or kCancelled when `cancel` (may be null) is set.
Status CheckBlocksFirst(const format::ArchiveReader& reader, const Plan& plan, Events* events,
                        const CancelToken* cancel);

}  // namespace libdump::restore

#endif  // LIBDUMP_SRC_RESTORE_PRECHECK_H_
