// The registry of TOC entry kinds (common/kinds.h): one complete row per kind, names unique and
// found again, and the ranks the sort used before the registry existed.
#include "common/kinds.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "sort/sort.h"

namespace libdump::kinds {
namespace {

TEST(Kinds, EveryKindHasOneRowWithAUniqueName) {
  std::set<std::string_view> names;
  for (int i = 0; i < kKindCount - 1; ++i) {
    const Kind kind = static_cast<Kind>(i);
    const KindInfo& info = InfoOf(kind);
    EXPECT_EQ(info.kind, kind) << i;
    ASSERT_FALSE(info.name.empty()) << "kind " << i << " has no name";
    EXPECT_TRUE(names.insert(info.name).second) << info.name << " named twice";
    EXPECT_EQ(KindOf(info.name), kind) << info.name;
    EXPECT_EQ(&InfoOf(info.name), &info) << info.name;
    // Only comments, ACLs and labels take their section from what they are on.
    EXPECT_EQ(info.section == format::Section::kNone, info.decoration) << info.name;
    EXPECT_EQ(info.prune == Prune::kWithTarget, info.decoration) << info.name;
    EXPECT_GE(info.rank, 0) << info.name;
  }
}

TEST(Kinds, AnUnknownNameIsKUnknownWithTheDefaultRank) {
  for (const char* name : {"", "TABLE DATA ", "table", "STATISTICS DATA "}) {
    EXPECT_EQ(KindOf(name), Kind::kUnknown) << name;
    const KindInfo& info = InfoOf(name);
    EXPECT_EQ(info.kind, Kind::kUnknown);
    EXPECT_EQ(info.rank, 50);
    EXPECT_FALSE(info.data || info.table_local || info.decoration || info.postponable);
    EXPECT_EQ(info.restore_name, RestoreName::kNone);
  }
}

TEST(Kinds, DataKindsAreTheDataSectionsAndLargeObjectsAndSequenceValues) {
  for (int i = 0; i < kKindCount; ++i) {
    const KindInfo& info = InfoOf(static_cast<Kind>(i));
    const bool large_object_definition =
        info.kind == Kind::kBlob || info.kind == Kind::kBlobMetadata;
    // Statistics are in the data section (a table's) but hold no COPY data.
    const bool data_section =
        info.section == format::Section::kData && info.kind != Kind::kStatisticsData;
    EXPECT_EQ(info.data, data_section || large_object_definition) << info.name;
  }
  EXPECT_EQ(NameOf(Kind::kBlobs), format::kKindBlobs);
}

// The ranks the sort keyed by name before the registry (pg_dump's broad order): a change here
// changes the order of every archive's TOC.
TEST(Kinds, SortRanks) {
  EXPECT_EQ(sort::KindPriority("DATABASE"), 0);
  EXPECT_EQ(sort::KindPriority("SCHEMA"), 1);
  EXPECT_EQ(sort::KindPriority("EXTENSION"), 1);
  EXPECT_EQ(sort::KindPriority("TYPE"), 2);
  EXPECT_EQ(sort::KindPriority("FUNCTION"), 3);
  EXPECT_EQ(sort::KindPriority("SEQUENCE"), 4);
  EXPECT_EQ(sort::KindPriority("TABLE"), 5);
  EXPECT_EQ(sort::KindPriority("VIEW"), 7);
  EXPECT_EQ(sort::KindPriority("TABLE DATA"), 10);
  EXPECT_EQ(sort::KindPriority("INDEX"), 20);
  EXPECT_EQ(sort::KindPriority("FK CONSTRAINT"), 23);
  EXPECT_EQ(sort::KindPriority("MATERIALIZED VIEW DATA"), 30);
  EXPECT_EQ(sort::KindPriority("COMMENT"), 50);
  EXPECT_EQ(sort::KindPriority("DEFAULT ACL"), 98);
  EXPECT_EQ(sort::KindPriority("EVENT TRIGGER"), 99);
}

}  // namespace
}  // namespace libdump::kinds
