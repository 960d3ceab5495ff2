// Which archive entries a restore (or a script) runs, in which order, and with what SQL: the
// selection and content rules of RestoreContent (libdump/restore.h), shared by Restore() and
// WriteScript() so that both restore the same thing. The rules follow pg_restore 15 (its
// _tocEntryRequired); docs/nrestore.md states them for users.
#ifndef LIBDUMP_SRC_RESTORE_SELECTION_H_
#define LIBDUMP_SRC_RESTORE_SELECTION_H_

#include <atomic>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/events.h"
#include "libdump/format/archive.h"
#include "libdump/restore.h"
#include "libdump/status.h"

namespace libdump::restore {

// The database's own entries: DATABASE, DATABASE PROPERTIES, and the COMMENT, ACL and SECURITY
// LABEL entries tagged "DATABASE <name>". Restored only with --create.
bool IsDatabaseEntry(const format::TocEntry& e);

// STATISTICS DATA entries (pg_dump 18 --statistics): neither schema nor data.
bool IsStatistics(const format::TocEntry& e);

// Entries that count as data for -a/-s: table data, sequence values, large objects and their
// comments and ACLs (as pg_restore counts them).
bool IsDataEntry(const format::TocEntry& e);

// Entries of the first restore pass: pre-data and section-less ones, and BLOB METADATA in any
// section (archive_format.md §7.5: from a 17+ source it is in the data section, but the objects
// must exist before the BLOBS entries' data is loaded, which comes before other data entries).
bool RunsBeforeData(const format::TocEntry& e);

struct Plan {
  // The selected entries other than the DATABASE entry, in restore order: archive order, or the
  // order of the -L list. The restore passes take them section by section in this order.
  std::vector<const format::TocEntry*> entries;
  std::unordered_set<uint32_t> ids;
  // With --create: the DATABASE entry (CREATE DATABASE); null otherwise.
  const format::TocEntry* database = nullptr;
  // With --clean: the entries to drop, in the order to drop them (reverse archive order).
  std::vector<const format::TocEntry*> drops;

  bool Has(uint32_t dump_id) const { return ids.count(dump_id) != 0; }
};

// Removes the STATISTICS DATA entries from `plan` (for a target without the functions that
// restore them) and returns how many there were.
size_t DropStatistics(Plan* plan);

// Checks options that contradict each other (kInvalidArgument naming them). `jobs` is 1 for a
// script.
Status CheckContent(const RestoreContent& c, int jobs);

// Selects the entries of `toc` that `c` asks for. kInvalidArgument for a -L id the archive lacks,
// and for --create on an archive without a DATABASE entry or --clean on one without drop
// statements (both written by an older ndump).
Result<Plan> Select(const std::vector<format::TocEntry>& toc, const RestoreContent& c);

// Whether the restore of `plan` is data-only: -a, or, as pg_restore infers it, a selection of
// data entries only (an archive written by ndump -a). --disable-triggers acts on such restores.
bool DataOnly(const Plan& plan, const RestoreContent& c);

// The order a data-only restore loads tables in: a table's data after the data of the tables its
// foreign keys reference (as pg_dump orders a data-only dump), from the archive's FK CONSTRAINT
// entries (a foreign key on or to a partitioned table stands for its partitions: TABLE ATTACH
// entries), and after the data entries a data entry depends on (ndump -a records them, its
// archive having no foreign keys). A restore of data only has no foreign keys to create
// afterwards: they are in the target already, and check each row as it comes.
struct DataOrder {
  // Data entry dump id -> the data entries (of `data`) that must be loaded first.
  std::unordered_map<uint32_t, std::vector<uint32_t>> after;
  // Tables ("schema.name") on a cycle of foreign keys, or after one, which no order satisfies
  // (they have no `after` list); empty if none.
  std::vector<std::string> cycle;
};
DataOrder ForeignKeyDataOrder(const std::vector<format::TocEntry>& toc,
                              const std::vector<const format::TocEntry*>& data);
// The data entries of `data` reordered (stable) so that each follows those `order` puts first;
// the entries on a cycle keep their order, after the others.
void SortDataEntries(const DataOrder& order, std::vector<const format::TocEntry*>* data);

// What running an entry sends: its create_sql and, unless --no-owner, its owner statement.
std::string EntrySql(const format::TocEntry& e, const RestoreContent& c);

// An entry's statements `sql` as a server of `target_version` must get them, for an archive
// of a `source_version` server: what changed meaning between the two is said explicitly
// (docs/versions.md, "Across versions"). Today: a subscription of a server before 16, which
// applied changes as its owner, gets run_as_owner = true on 16 and later. Otherwise `sql`.
std::string AdaptToServer(const format::TocEntry& e, std::string sql, int source_version,
                          int target_version);

// The entry's drop statement; with `if_exists`, rewritten as pg_restore --if-exists does
// (DROP <kind> IF EXISTS ..., ALTER TABLE IF EXISTS ... DROP CONSTRAINT IF EXISTS ...).
std::string DropSql(const format::TocEntry& e, bool if_exists);

// The session settings of every restore connection, plus SET ROLE for --role.
std::string SessionSql(const std::string& encoding, const RestoreContent& c);

// The statements around a data entry's COPY: for BLOBS (archive_format.md §7.5) the temporary
// table the rows go to and the lo_put that writes them into the large objects; for a table's
// data, --disable-triggers in a data-only restore; else "".
std::string BeforeCopySql(const format::TocEntry& e, const RestoreContent& c);
std::string AfterCopySql(const format::TocEntry& e, const RestoreContent& c);

// The per-entry error policy. With exit_on_error (or -1) a failure is returned as it is. Without
// it a server error of one entry is reported as a warning (the object, the server's message and
// SQLSTATE), counted, and swallowed, so the restore goes on as pg_restore's does; cancellation,
// lost connections (also a session the server ended: SQLSTATE classes 57P and 08) and archive
// damage are always returned. Thread-safe.
class ErrorPolicy {
 public:
  ErrorPolicy(const RestoreContent& c, Events* events)
      : stop_(c.exit_on_error || c.single_transaction), events_(events) {}
  Status Handle(Status st);
  uint64_t errors() const { return errors_.load(); }

 private:
  bool stop_;
  Events* events_;
  std::atomic<uint64_t> errors_{0};
};

}  // namespace libdump::restore

#endif  // LIBDUMP_SRC_RESTORE_SELECTION_H_
