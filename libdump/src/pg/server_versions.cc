#include "pg/server_versions.h"

#include <array>
#include <cstddef>

namespace libdump::pg {

namespace {

constexpr std::array<FeatureInfo, static_cast<size_t>(Feature::kFeatureCount)> kFeatures = {{
    {Feature::kInheritedTriggerParent, 130000, "trigger parents", "pg_trigger.tgparentid"},
    {Feature::kStatisticsTarget, 130000, "extended statistics target",
     "pg_statistic_ext.stxstattarget"},
    {Feature::kPublicationViaRoot, 130000, "publish via partition root",
     "pg_publication.pubviaroot"},
    {Feature::kRangeMultirange, 140000, "multirange types", "pg_range.rngmultitypid"},
    {Feature::kTypeSubscript, 140000, "type subscripting", "pg_type.typsubscript"},
    {Feature::kColumnCompression, 140000, "column compression", "pg_attribute.attcompression"},
    {Feature::kTidRangeScan, 140000, "TID range scans", "ctid ranges of a split table"},
    {Feature::kSubscriptionBinary, 140000, "binary and streaming subscriptions",
     "pg_subscription.subbinary, substream"},
    {Feature::kDatabaseLocaleProvider, 150000, "database locale provider",
     "pg_database.datlocprovider, daticulocale"},
    {Feature::kCollationIcuLocale, 150000, "ICU locale of a collation",
     "pg_collation.colliculocale"},
    {Feature::kNullsNotDistinct, 150000, "NULLS NOT DISTINCT", "pg_index.indnullsnotdistinct"},
    {Feature::kPublicationSchemas, 150000, "publication schemas, row filters, column lists",
     "pg_publication_namespace, pg_publication_rel.prqual/prattrs"},
    {Feature::kSubscriptionTwoPhase, 150000, "two-phase subscriptions",
     "pg_subscription.subtwophasestate, subdisableonerr"},
    {Feature::kCollationIcuRules, 160000, "ICU tailoring rules", "pg_collation.collicurules"},
    {Feature::kSubscriptionOrigin, 160000, "subscription origin and owner options",
     "pg_subscription.suborigin, subpasswordrequired, subrunasowner; substream as char"},
    {Feature::kDatabaseIcuRules, 160000, "ICU rules of a database", "pg_database.daticurules"},
    {Feature::kLocale17, 170000, "builtin locale provider",
     "pg_database.datlocale, pg_collation.colllocale replace daticulocale, colliculocale"},
    {Feature::kMaintainPrivilege, 170000, "MAINTAIN privilege", "aclitem letter 'm'"},
    {Feature::kStatTargetNullable, 170000, "default statistics target as NULL",
     "pg_attribute.attstattarget, pg_statistic_ext.stxstattarget"},
    {Feature::kPartitionedIdentity, 170000, "identity columns on partitioned tables",
     "pg_attribute.attidentity on relkind 'p'"},
    {Feature::kSubscriptionFailover, 170000, "failover slots of subscriptions",
     "pg_subscription.subfailover"},
    {Feature::kNotNullConstraints, 180000, "NOT NULL constraints",
     "pg_constraint rows of contype 'n' for table columns"},
    {Feature::kVirtualGenerated, 180000, "virtual generated columns",
     "pg_attribute.attgenerated 'v'"},
    {Feature::kNotEnforced, 180000, "NOT ENFORCED constraints", "pg_constraint.conenforced"},
    {Feature::kTemporalKeys, 180000, "temporal keys (WITHOUT OVERLAPS, PERIOD)",
     "pg_constraint.conperiod"},
    {Feature::kLargeObjectsInDataSection, 170000, "large objects in the data section",
     "none: pg_dump 17 and later dump a large object's metadata with its data"},
    {Feature::kRelTuplesUnknown, 140000, "unknown row count",
     "pg_class.reltuples -1 before the first VACUUM or ANALYZE (0 before 14)"},
    {Feature::kRangeStatistics, 170000, "range statistics",
     "pg_stats.range_length_histogram, range_empty_frac, range_bounds_histogram"},
    {Feature::kRelAllFrozen, 180000, "all-frozen pages", "pg_class.relallfrozen"},
    {Feature::kRestoreStatistics, 180000, "statistics restore functions",
     "pg_restore_relation_stats(), pg_restore_attribute_stats()"},
    {Feature::kPublicationGeneratedColumns, 180000, "published generated columns",
     "pg_publication.pubgencols"},
    {Feature::kParameterAcl, 150000, "privileges on parameters", "pg_parameter_acl"},
    {Feature::kRoleGrantOptions, 160000, "role membership options",
     "pg_auth_members.inherit_option, set_option; grantor kept valid"},
}};

// The table is in enum order, so InfoOf can index it; checked when the library is built.
constexpr bool InEnumOrder() {
  for (size_t i = 0; i < kFeatures.size(); ++i) {
    if (static_cast<size_t>(kFeatures[i].feature) != i) return false;
  }
  return true;
}
static_assert(InEnumOrder(), "kFeatures must list every Feature in enum order");

}  // namespace

const FeatureInfo& InfoOf(Feature f) { return kFeatures[static_cast<size_t>(f)]; }

bool Has(int server_version, Feature f) { return server_version >= InfoOf(f).since; }

std::string MajorVersionString(int server_version) {
  // From 10 on, the major version is server_version_num / 10000; before, two parts.
  if (server_version >= 100000) return std::to_string(server_version / 10000);
  return std::to_string(server_version / 10000) + "." + std::to_string(server_version / 100 % 100);
}

Status CheckDumpSource(int server_version, std::string_view version_string) {
  RETURN_IF_ERROR(CheckRestoreTarget(server_version, version_string));
  if (server_version / 10000 > kNewestServerMajor) {
    return Status::UnsupportedServer(
        "server version " + std::string(version_string) +
        " is newer than ndump supports (newest: " + std::to_string(kNewestServerMajor) + ")");
  }
  return Status::Ok();
}

Status CheckRestoreTarget(int server_version, std::string_view version_string) {
  if (server_version < kOldestServer) {
    return Status::UnsupportedServer(
        "server version " + std::string(version_string) +
        " is older than ndump supports (oldest: " + MajorVersionString(kOldestServer) + ")");
  }
  return Status::Ok();
}

}  // namespace libdump::pg
