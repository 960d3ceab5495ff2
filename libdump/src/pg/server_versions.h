// The version policy: which PostgreSQL servers libdump dumps from and restores into, and, for
// each catalog difference between the supported versions, the version that brought it. Every
// version test in the library names one of these features instead of a bare number, so that
// docs/versions.md (which lists them, checked by a unit test) says where each difference is
// handled.
#ifndef LIBDUMP_SRC_PG_SERVER_VERSIONS_H_
#define LIBDUMP_SRC_PG_SERVER_VERSIONS_H_

#include <string>
#include <string_view>

#include "libdump/status.h"

namespace libdump::pg {

// Servers older than 12 are refused by both commands: the catalog queries assume 12's catalog
// (no WITH OIDS tables, pg_class.relhasoids gone, generated columns present).
inline constexpr int kOldestServer = 120000;
// The newest major version whose catalog this build knows. A dump from a newer server is
// refused (as pg_dump refuses one), since its catalog may hold state the queries do not read.
// A restore into a newer server is allowed, as pg_restore allows it: SQL stays compatible.
inline constexpr int kNewestServerMajor = 18;

// Catalog differences, by the version that introduced them (server_version_num).
enum class Feature {
  kInheritedTriggerParent,     // 13: pg_trigger.tgparentid
  kStatisticsTarget,           // 13: pg_statistic_ext.stxstattarget
  kPublicationViaRoot,         // 13: pg_publication.pubviaroot
  kRangeMultirange,            // 14: pg_range.rngmultitypid, multirange types
  kTypeSubscript,              // 14: pg_type.typsubscript
  kColumnCompression,          // 14: pg_attribute.attcompression
  kTidRangeScan,               // 14: ctid ranges served by a TID range scan
  kSubscriptionBinary,         // 14: pg_subscription.subbinary, substream (boolean)
  kDatabaseLocaleProvider,     // 15: pg_database.datlocprovider, daticulocale
  kCollationIcuLocale,         // 15: pg_collation.colliculocale
  kNullsNotDistinct,           // 15: pg_index.indnullsnotdistinct
  kPublicationSchemas,         // 15: pg_publication_namespace, row filters, column lists
  kSubscriptionTwoPhase,       // 15: pg_subscription.subtwophasestate, subdisableonerr
  kCollationIcuRules,          // 16: pg_collation.collicurules
  kSubscriptionOrigin,         // 16: suborigin, subpasswordrequired, subrunasowner; substream char
  kDatabaseIcuRules,           // 16: pg_database.daticurules
  kLocale17,                   // 17: datlocale and colllocale replace daticulocale/colliculocale
  kMaintainPrivilege,          // 17: the MAINTAIN privilege ('m') on tables
  kStatTargetNullable,         // 17: attstattarget/stxstattarget NULL for the default
  kPartitionedIdentity,        // 17: identity columns on partitioned tables
  kSubscriptionFailover,       // 17: pg_subscription.subfailover
  kNotNullConstraints,         // 18: NOT NULL as pg_constraint rows (contype 'n') for tables
  kVirtualGenerated,           // 18: attgenerated 'v', virtual generated columns
  kNotEnforced,                // 18: pg_constraint.conenforced
  kTemporalKeys,               // 18: pg_constraint.conperiod (WITHOUT OVERLAPS, PERIOD)
  kLargeObjectsInDataSection,  // 17: pg_dump dumps large objects' metadata in the data section
  kRelTuplesUnknown,           // 14: pg_class.reltuples -1 for "never vacuumed or analyzed"
  kRangeStatistics,            // 17: pg_stats.range_length_histogram, range_empty_frac, ...
  kRelAllFrozen,               // 18: pg_class.relallfrozen
  kRestoreStatistics,          // 18: pg_restore_relation_stats(), pg_restore_attribute_stats()
  kPublicationGeneratedColumns,  // 18: pg_publication.pubgencols
  kParameterAcl,                 // 15: pg_parameter_acl, GRANT ... ON PARAMETER
  kRoleGrantOptions,             // 16: pg_auth_members.inherit_option, set_option; grantors tracked
  kFeatureCount,
};

struct FeatureInfo {
  Feature feature;
  int since;                 // server_version_num of the first version that has it
  std::string_view name;     // as docs/versions.md names it
  std::string_view catalog;  // the catalog change
};

// The table of features, in Feature order.
const FeatureInfo& InfoOf(Feature f);

// Whether a server of `server_version` (server_version_num) has `f`.
bool Has(int server_version, Feature f);

// "18" for 180006, "9.6" for 90624: the major version as users write it.
std::string MajorVersionString(int server_version);

// OK for a server libdump may dump from: 12 to kNewestServerMajor. Otherwise kUnsupportedServer,
// naming the server's version (`version_string`, as the server reports it) and the supported range.
Status CheckDumpSource(int server_version, std::string_view version_string);

// OK for a server libdump may restore into: 12 or later.
Status CheckRestoreTarget(int server_version, std::string_view version_string);

}  // namespace libdump::pg

#endif  // LIBDUMP_SRC_PG_SERVER_VERSIONS_H_
