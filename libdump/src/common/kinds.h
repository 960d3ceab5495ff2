// The registry of TOC entry kinds: one row per kind says where the kind belongs (section, sort
// rank) and how every part of libdump treats it (selection, restore phases, -a/-s). The archive
// stores kinds as their names (archive_format.md §6.2); in memory the code names them by `Kind`,
// so a kind is added in one place and a comparison cannot misspell one. pg_dump keys its sort
// priorities by an enum the same way (pg_dump_sort.c).
//
// The TOC builder emits entries only through a `Kind` (TocBuilder::Add), so every kind it can
// write has a row here; kinds_test.cc checks that every row is complete and every name unique.
#ifndef LIBDUMP_SRC_COMMON_KINDS_H_
#define LIBDUMP_SRC_COMMON_KINDS_H_

#include <cstdint>
#include <string_view>

#include "libdump/format/archive.h"

namespace libdump::kinds {

enum class Kind : uint8_t {
  kDatabase,
  kDatabaseProperties,
  kSchema,
  kExtension,
  kProceduralLanguage,
  kType,
  kShellType,
  kDomain,
  kCollation,
  kAccessMethod,
  kFunction,
  kProcedure,
  kAggregate,
  kCast,
  kTransform,
  kOperator,
  kOperatorFamily,
  kOperatorClass,
  kConversion,
  kTextSearchParser,
  kTextSearchTemplate,
  kTextSearchDictionary,
  kTextSearchConfiguration,
  kForeignDataWrapper,
  kServer,
  kUserMapping,
  kSequence,
  kTable,
  kForeignTable,
  kTableAttach,
  kTableInherit,
  kSequenceOwnedBy,
  kView,
  kMaterializedView,
  kBlob,
  kBlobMetadata,
  kTableData,
  kSequenceSet,
  kBlobData,
  kBlobs,
  kIndex,
  kConstraint,
  kCheckConstraint,
  kIndexAttach,
  kFkConstraint,
  kClusterOn,
  kReplicaIdentity,
  kRule,
  kTrigger,
  kStatistics,
  kStatisticsData,
  kPolicy,
  kRowSecurity,
  kPublication,
  kPublicationTable,
  kPublicationTablesInSchema,
  kSubscription,
  kMaterializedViewData,
  kDefaultAcl,
  kEventTrigger,
  kComment,
  kAcl,
  kSecurityLabel,
  // A name no row has (an archive from a newer ndump): rank 50, nothing else set.
  kUnknown,
};
inline constexpr int kKindCount = static_cast<int>(Kind::kUnknown) + 1;

// How ndump's selection (-n/-N, -t/-T, dump of everything or not) decides whether an object of
// the kind is dumped (dump/selection.cc, PruneCatalog and FilterToc).
enum class Prune : uint8_t {
  kAlways,         // the database's own entries: in every archive
  kBySchema,       // dumped when its schema is (-n, -N)
  kByTable,        // goes with its table (-t, -T, and its table's schema)
  kWholeDatabase,  // database-wide objects: only in a dump of everything
  kExtensions,     // extensions: as -e/--exclude-extension choose (without -e, as kWholeDatabase)
  kLargeObjects,   // large objects: by default in a dump of everything, or with --large-objects
  kWithTarget,     // a comment, ACL or label: goes with the object it is on
  kNone,           // not written by ndump (kinds read from other archives)
};

// Which of nrestore's name options selects the kind (pg_restore's -t, -I, -P, -T).
enum class RestoreName : uint8_t { kNone, kTable, kIndex, kFunction, kTrigger };

struct KindInfo {
  Kind kind;
  std::string_view name;  // as stored in the archive
  // The section the TOC builder puts the kind in. Exceptions the builder decides: a comment, ACL
  // or label takes its object's section; a postponable kind may move to post-data
  // (TocBuilder::PostponeForPostData); a CHECK CONSTRAINT or RULE that repairs a loop, and
  // BLOB METADATA from a server of 17 or later, go elsewhere (toc_loops.cc, toc_misc.cc).
  format::Section section;
  int rank;  // sort priority among entries free to go: lower first (sort::SortToc)
  // Concerns one table, so a restore may run it once that table's data is in (post-data phase 0).
  // Comments, ACLs and labels follow their object, and count as table-local.
  bool table_local;
  // Counts as data for -a and -s whatever its section (sequence values, large objects).
  bool data;
  // A comment, ACL or security label: it decorates the entry it depends on and follows that
  // entry's selection.
  bool decoration;
  // Sorts right after the entry it is on (its first dependency), with that entry's rank.
  bool sorts_with_target;
  // Moves to post-data when it depends on a post-data entry (a view whose GROUP BY needs a
  // primary key, a function with a SQL-standard body, ... and their comments and ACLs).
  bool postponable;
  // A privilege entry: left out by -x / --no-privileges.
  bool privileges;
  Prune prune;
  RestoreName restore_name;
};

// The row of `kind`.
const KindInfo& InfoOf(Kind kind);
// The row of the kind named `name`; kUnknown's for a name no row has.
const KindInfo& InfoOf(std::string_view name);
inline std::string_view NameOf(Kind kind) { return InfoOf(kind).name; }
// The kind named `name`, or Kind::kUnknown.
Kind KindOf(std::string_view name);
// Whether entry `e` is of kind `kind`.
inline bool Is(const format::TocEntry& e, Kind kind) { return e.kind == NameOf(kind); }

}  // namespace libdump::kinds

#endif  // LIBDUMP_SRC_COMMON_KINDS_H_
