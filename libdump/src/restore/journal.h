// The restore journal (docs/manual.md, "Resuming a restore"; docs/architecture.md, "Resumable
// restore"): a schema in the target database that records each unit of work a restore has
// committed, in the same transaction as the unit's own effect, so that the journal and the data
// cannot disagree whatever stops the restore (a killed nrestore, a terminated backend, a crashed
// server, a lost network). `nrestore --resume` reads it and runs only what it does not record.
// A restore that ends drops the schema, so a finished copy holds nothing of it.
#ifndef LIBDUMP_SRC_RESTORE_JOURNAL_H_
#define LIBDUMP_SRC_RESTORE_JOURNAL_H_

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "libdump/format/archive.h"
#include "libdump/restore.h"
#include "libdump/status.h"
#include "pg/pg.h"
#include "restore/selection.h"

namespace libdump::restore {

// The journal's schema in the target database.
inline constexpr const char* kJournalSchema = "_nrestore_journal";

// The units of work the journal records, each with a dump id.
enum class Step : char {
  kDrop = 'd',   // --clean's drop statement of an entry
  kEntry = 'e',  // an entry's statements (pre-data, post-data, sequence values), or the attach of
                 // a split key
  kBuild = 'b',  // the index build of a split key (restore/schedule.h)
  kData = 't',   // a data entry's COPY (one chunk of a split table)
};

// What identifies an archive: a hash of its header's origin (database, server version, tool,
// creation time) and of every TOC entry (id, kind, section, name, owner, statements,
// dependencies), as 16 hex digits. Two dumps of one database differ at least in their creation
// time; an archive copied or piped is the same archive.
std::string ArchiveIdentity(const format::ArchiveHeader& header,
                            const std::vector<format::TocEntry>& toc);

// What identifies what a restore of that archive does: the selected entries in order and every
// content option that changes the statements sent (not -j, nor how data is sent).
std::string SelectionIdentity(const Plan& plan, const RestoreContent& content);

class Journal {
 public:
  Journal() = default;  // disabled: records nothing, everything is to do

  // Creates the journal in the database `conn` is connected to, for a restore of `archive` with
  // `selection` (one transaction: the schema, its two tables and the restore's identity). When
  // the database already has a journal: kInvalidArgument (an unfinished restore: --resume it,
  // or restore into another database). When the user may not create a schema there (SQLSTATE
  // 42501): a disabled journal and `*warning` says so (the restore goes on and cannot be
  // resumed). Other errors as they come.
  static Result<Journal> Start(pg::PgConn& conn, const std::string& archive,
                               const std::string& selection, std::string* warning);

  // Reads the journal of an interrupted restore. kInvalidArgument when there is none (a
  // finished restore dropped it: nothing to do) or when it was started from another archive or
  // with other selection and content options.
  static Result<Journal> Resume(pg::PgConn& conn, const std::string& archive,
                                const std::string& selection);

  bool enabled() const { return enabled_; }
  // Whether an earlier run of this restore committed the unit. Read-only after Resume: safe
  // from any thread.
  bool Done(Step step, uint32_t dump_id) const;
  size_t done_count() const { return done_.size(); }

  // The statement that records the unit, to run in the unit's own transaction (appended to its
  // statements, or before the COMMIT of its COPY); "" when disabled. Starts with a newline and a
  // semicolon, so it ends whatever statement (or comment line) comes before it.
  std::string RecordSql(Step step, uint32_t dump_id) const;

  // At the successful end of a restore: drops the journal (a no-op when disabled).
  Status Finish(pg::PgConn& conn) const;

 private:
  static uint64_t Key(Step step, uint32_t dump_id) {
    return (static_cast<uint64_t>(static_cast<unsigned char>(step)) << 32) | dump_id;
  }

  bool enabled_ = false;
  std::unordered_set<uint64_t> done_;
};

}  // namespace libdump::restore

#endif  // LIBDUMP_SRC_RESTORE_JOURNAL_H_
