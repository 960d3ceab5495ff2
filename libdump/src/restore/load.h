// Loading one table's data (a TABLE DATA or BLOBS entry) over a restore connection: the COPY
// FROM STDIN of its blocks read from a seekable archive, with char(n) padding trimmed and COPY
// FREEZE where they pay (docs/architecture.md, "Bulk loading"). The pieces a pipe's loader
// (restore/stream_loader.h) shares are here too.
#ifndef LIBDUMP_SRC_RESTORE_LOAD_H_
#define LIBDUMP_SRC_RESTORE_LOAD_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/events.h"
#include "libdump/cancel.h"
#include "libdump/format/archive.h"
#include "libdump/restore.h"
#include "libdump/status.h"
#include "pg/pg.h"
#include "restore/char_trim.h"
#include "restore/journal.h"
#include "restore/selection.h"

namespace libdump::restore {

// COPY FREEZE only pays for a table of at least this much COPY text: the TRUNCATE it needs gives
// the table (and its TOAST table and index) new files, and the new TOAST index costs a file
// sync, which outweighs the gain on a small table. Measured: about 10% off the load and the
// primary key build of a 200 MB table.
inline constexpr uint64_t kFreezeMinBytes = 8ull << 20;

// The data statement of an unsplit table loaded in the transaction that truncated it: COPY ...
// FREEZE writes its rows frozen and its pages all-visible, so the index builds that follow, and
// the first VACUUM, need not visit every tuple's transaction status and rewrite the page with
// hint bits. "" when copy_sql does not end as ndump writes it.
std::string FreezeCopySql(const std::string& copy_sql);

// Sends a piece of an entry's COPY data: as it is, or through the entry's CharPaddingTrimmer
// when it has one (the trimmed copy in `scratch`, the spaces left out added to `padding`).
Status PutRows(pg::PgConn& conn, CharPaddingTrimmer* trimmer, std::string_view data,
               std::string* scratch, std::atomic<uint64_t>* padding);

// At the end of an entry's data: sends what its trimmer still holds (a last row without its
// newline, which COPY text never has), as it came.
Status PutRest(pg::PgConn& conn, CharPaddingTrimmer* trimmer);

// Runs `sql` (the statements around a COPY); `in_transaction`: inside the load's transaction, as
// a subtransaction, so that its failure, which the error policy may pass over, leaves the load's
// transaction usable.
Status RunAroundCopy(pg::PgConn& conn, const std::string& sql, bool in_transaction);

// Running totals of the data loaded, shared by the workers.
struct LoadTotals {
  std::atomic<uint64_t> tables{0};
  std::atomic<uint64_t> rows{0};
  std::atomic<uint64_t> raw{0};      // COPY bytes of the archive
  std::atomic<uint64_t> padding{0};  // of raw, char(n) padding not sent
};

// What a load needs besides its connection and entry; every pointer borrowed, shared by the
// workers (all of them thread-safe for what the load does with them).
struct LoadContext {
  const format::ArchiveReader* reader = nullptr;  // seekable, index loaded
  const RestoreContent* content = nullptr;
  ErrorPolicy* policy = nullptr;
  Events* events = nullptr;
  const CancelToken* cancel = nullptr;  // may be null
  LoadTotals* totals = nullptr;
  const Journal* journal = nullptr;  // may be null: no journal
};

// How one entry loads, as the restore decided: `trim`, without char(n) padding (into a table
// this restore created); `freeze`, as COPY FREEZE after a TRUNCATE in the same transaction (a
// big table this restore created, loaded in one piece).
struct LoadMode {
  bool trim = false;
  bool freeze = false;
};

// Loads entry `e`'s data over `conn`: its blocks, each checked against its checksum before a byte
// of it is sent. A server error goes through the error policy; a damaged block, a lost
// connection or a cancellation is returned. A failed COPY is rolled back whole. With an enabled
// journal, the statements around the COPY (BeforeCopySql, AfterCopySql), the COPY and the
// journal's row for the entry are one transaction: the entry is loaded and recorded, or
// neither.
Status LoadEntry(const LoadContext& ctx, pg::PgConn& conn, const format::TocEntry& e,
                 LoadMode mode);

}  // namespace libdump::restore

#endif  // LIBDUMP_SRC_RESTORE_LOAD_H_
