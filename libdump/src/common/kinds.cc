#include "common/kinds.h"

#include <string>
#include <unordered_map>

namespace libdump::kinds {

namespace {

using format::Section;

// Traits of a row, or-ed together.
enum Trait : unsigned {
  kPlain = 0,
  kTableLocal = 1u << 0,
  kData = 1u << 1,
  kDecoration = 1u << 2,
  kSortsWithTarget = 1u << 3,
  kPostponable = 1u << 4,
  kPrivileges = 1u << 5,
};

constexpr KindInfo Row(Kind kind, std::string_view name, Section section, int rank, unsigned traits,
                       Prune prune, RestoreName restore = RestoreName::kNone) {
  return KindInfo{kind,
                  name,
                  section,
                  rank,
                  (traits & kTableLocal) != 0,
                  (traits & kData) != 0,
                  (traits & kDecoration) != 0,
                  (traits & kSortsWithTarget) != 0,
                  (traits & kPostponable) != 0,
                  (traits & kPrivileges) != 0,
                  prune,
                  restore};
}

constexpr Section kPre = Section::kPreData;
constexpr Section kDataSection = Section::kData;
constexpr Section kPost = Section::kPostData;

// In the order of `Kind`. Ranks follow the broad order of pg_dump's object type priorities:
// the database, then languages and extensions before the types and functions that may use them;
// catalog-level objects among the types; tables, then their data; indexes and constraints; rules,
// triggers and statistics after constraints, then publications and subscriptions; default
// privileges last of post-data, and event triggers last of all, so that they fire for none of the
// restore's own statements. Comments, ACLs and labels have no rank of their own (50): they follow
// what they are on through their dependencies.
constexpr KindInfo kRows[] = {
    Row(Kind::kDatabase, "DATABASE", kPre, 0, kPlain, Prune::kAlways),
    Row(Kind::kDatabaseProperties, "DATABASE PROPERTIES", kPre, 0, kPlain, Prune::kAlways),
    Row(Kind::kSchema, "SCHEMA", kPre, 1, kPlain, Prune::kBySchema),
    Row(Kind::kExtension, "EXTENSION", kPre, 1, kPlain, Prune::kExtensions),
    Row(Kind::kProceduralLanguage, "PROCEDURAL LANGUAGE", kPre, 1, kPlain, Prune::kWholeDatabase),
    Row(Kind::kType, "TYPE", kPre, 2, kPlain, Prune::kBySchema),
    Row(Kind::kShellType, "SHELL TYPE", kPre, 2, kPlain, Prune::kBySchema),
    Row(Kind::kDomain, "DOMAIN", kPre, 3, kPlain, Prune::kBySchema),
    Row(Kind::kCollation, "COLLATION", kPre, 2, kPlain, Prune::kBySchema),
    Row(Kind::kAccessMethod, "ACCESS METHOD", kPre, 2, kPlain, Prune::kWholeDatabase),
    Row(Kind::kFunction, "FUNCTION", kPre, 3, kPostponable, Prune::kBySchema,
        RestoreName::kFunction),
    Row(Kind::kProcedure, "PROCEDURE", kPre, 3, kPostponable, Prune::kBySchema,
        RestoreName::kFunction),
    Row(Kind::kAggregate, "AGGREGATE", kPre, 3, kPostponable, Prune::kBySchema,
        RestoreName::kFunction),
    Row(Kind::kCast, "CAST", kPre, 3, kPlain, Prune::kWholeDatabase),
    Row(Kind::kTransform, "TRANSFORM", kPre, 3, kPlain, Prune::kWholeDatabase),
    Row(Kind::kOperator, "OPERATOR", kPre, 3, kPlain, Prune::kBySchema),
    Row(Kind::kOperatorFamily, "OPERATOR FAMILY", kPre, 3, kPlain, Prune::kBySchema),
    Row(Kind::kOperatorClass, "OPERATOR CLASS", kPre, 3, kPlain, Prune::kBySchema),
    Row(Kind::kConversion, "CONVERSION", kPre, 3, kPlain, Prune::kBySchema),
    Row(Kind::kTextSearchParser, "TEXT SEARCH PARSER", kPre, 3, kPlain, Prune::kBySchema),
    Row(Kind::kTextSearchTemplate, "TEXT SEARCH TEMPLATE", kPre, 3, kPlain, Prune::kBySchema),
    Row(Kind::kTextSearchDictionary, "TEXT SEARCH DICTIONARY", kPre, 3, kPlain, Prune::kBySchema),
    Row(Kind::kTextSearchConfiguration, "TEXT SEARCH CONFIGURATION", kPre, 3, kPlain,
        Prune::kBySchema),
    Row(Kind::kForeignDataWrapper, "FOREIGN DATA WRAPPER", kPre, 3, kPlain, Prune::kWholeDatabase),
    Row(Kind::kServer, "SERVER", kPre, 3, kPlain, Prune::kWholeDatabase),
    Row(Kind::kUserMapping, "USER MAPPING", kPre, 3, kPlain, Prune::kWholeDatabase),
    Row(Kind::kSequence, "SEQUENCE", kPre, 4, kPlain, Prune::kByTable, RestoreName::kTable),
    Row(Kind::kTable, "TABLE", kPre, 5, kPlain, Prune::kByTable, RestoreName::kTable),
    Row(Kind::kForeignTable, "FOREIGN TABLE", kPre, 5, kPlain, Prune::kByTable,
        RestoreName::kTable),
    Row(Kind::kTableAttach, "TABLE ATTACH", kPre, 6, kPlain, Prune::kByTable),
    Row(Kind::kTableInherit, "TABLE INHERIT", kPre, 6, kPlain, Prune::kByTable),
    Row(Kind::kSequenceOwnedBy, "SEQUENCE OWNED BY", kPre, 6, kPlain, Prune::kByTable),
    Row(Kind::kView, "VIEW", kPre, 7, kPostponable, Prune::kByTable, RestoreName::kTable),
    Row(Kind::kMaterializedView, "MATERIALIZED VIEW", kPre, 7, kPostponable, Prune::kByTable,
        RestoreName::kTable),
    // pg_dump's one entry per large object (BLOB, BLOB DATA): read, never written by ndump.
    Row(Kind::kBlob, "BLOB", kPre, 8, kData, Prune::kNone),
    Row(Kind::kBlobMetadata, "BLOB METADATA", kPre, 8, kData, Prune::kLargeObjects),
    Row(Kind::kTableData, "TABLE DATA", kDataSection, 10, kData, Prune::kByTable,
        RestoreName::kTable),
    Row(Kind::kSequenceSet, "SEQUENCE SET", kDataSection, 11, kData, Prune::kByTable,
        RestoreName::kTable),
    Row(Kind::kBlobData, "BLOB DATA", kDataSection, 12, kData, Prune::kNone),
    Row(Kind::kBlobs, format::kKindBlobs, kDataSection, 12, kData, Prune::kLargeObjects),
    Row(Kind::kIndex, "INDEX", kPost, 20, kTableLocal, Prune::kByTable, RestoreName::kIndex),
    Row(Kind::kConstraint, "CONSTRAINT", kPost, 21, kTableLocal, Prune::kByTable),
    // Also a domain's NOT VALID check (with the domain's schema), or one split off a loop.
    Row(Kind::kCheckConstraint, "CHECK CONSTRAINT", kPost, 22, kTableLocal, Prune::kByTable),
    Row(Kind::kIndexAttach, "INDEX ATTACH", kPost, 22, kTableLocal, Prune::kByTable),
    Row(Kind::kFkConstraint, "FK CONSTRAINT", kPost, 23, kPlain, Prune::kByTable),
    Row(Kind::kClusterOn, "CLUSTER ON", kPost, 24, kTableLocal, Prune::kByTable),
    Row(Kind::kReplicaIdentity, "REPLICA IDENTITY", kPost, 24, kTableLocal, Prune::kByTable),
    Row(Kind::kRule, "RULE", kPost, 24, kTableLocal | kPostponable, Prune::kByTable),
    Row(Kind::kTrigger, "TRIGGER", kPost, 24, kTableLocal, Prune::kByTable, RestoreName::kTrigger),
    Row(Kind::kStatistics, "STATISTICS", kPost, 24, kTableLocal, Prune::kByTable),
    // Optimizer statistics (--statistics): a table's in the data section after the data, an
    // index's or a materialized view's in post-data (the entry says which), as pg_dump 18.
    Row(Kind::kStatisticsData, "STATISTICS DATA", kDataSection, 13, kTableLocal, Prune::kByTable),
    Row(Kind::kPolicy, "POLICY", kPost, 25, kTableLocal, Prune::kByTable),
    Row(Kind::kRowSecurity, "ROW SECURITY", kPost, 25, kPlain, Prune::kByTable),
    Row(Kind::kPublication, "PUBLICATION", kPost, 26, kPlain, Prune::kWholeDatabase),
    Row(Kind::kPublicationTable, "PUBLICATION TABLE", kPost, 27, kPlain, Prune::kByTable),
    Row(Kind::kPublicationTablesInSchema, "PUBLICATION TABLES IN SCHEMA", kPost, 27, kPlain,
        Prune::kBySchema),
    Row(Kind::kSubscription, "SUBSCRIPTION", kPost, 28, kPlain, Prune::kWholeDatabase),
    Row(Kind::kMaterializedViewData, "MATERIALIZED VIEW DATA", kPost, 30, kPlain, Prune::kByTable,
        RestoreName::kTable),
    // Database-wide ones only in a dump of everything; IN SCHEMA ones with their schema.
    Row(Kind::kDefaultAcl, "DEFAULT ACL", kPost, 98, kPrivileges, Prune::kBySchema),
    Row(Kind::kEventTrigger, "EVENT TRIGGER", kPost, 99, kPlain, Prune::kWholeDatabase),
    Row(Kind::kComment, "COMMENT", Section::kNone, 50,
        kTableLocal | kDecoration | kSortsWithTarget | kPostponable, Prune::kWithTarget),
    Row(Kind::kAcl, "ACL", Section::kNone, 50,
        kTableLocal | kDecoration | kPostponable | kPrivileges, Prune::kWithTarget),
    Row(Kind::kSecurityLabel, "SECURITY LABEL", Section::kNone, 50,
        kTableLocal | kDecoration | kSortsWithTarget | kPostponable, Prune::kWithTarget),
    Row(Kind::kUnknown, "", Section::kNone, 50, kPlain, Prune::kNone),
};

constexpr bool RowsInKindOrder() {
  if (sizeof(kRows) / sizeof(kRows[0]) != static_cast<size_t>(kKindCount)) return false;
  for (int i = 0; i < kKindCount; ++i) {
    if (static_cast<int>(kRows[i].kind) != i) return false;
  }
  return true;
}
static_assert(RowsInKindOrder(), "kRows must hold one row per Kind, in the order of Kind");

}  // namespace

const KindInfo& InfoOf(Kind kind) { return kRows[static_cast<int>(kind)]; }

Kind KindOf(std::string_view name) {
  // Built once, on first use (thread-safe); the sort looks up every entry's kind.
  static const std::unordered_map<std::string_view, Kind> by_name = [] {
    std::unordered_map<std::string_view, Kind> m;
    for (const KindInfo& r : kRows) {
      if (r.kind != Kind::kUnknown) m.emplace(r.name, r.kind);
    }
    return m;
  }();
  auto it = by_name.find(name);
  return it == by_name.end() ? Kind::kUnknown : it->second;
}

const KindInfo& InfoOf(std::string_view name) { return InfoOf(KindOf(name)); }

}  // namespace libdump::kinds
