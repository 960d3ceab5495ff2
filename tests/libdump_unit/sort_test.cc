#include "sort/sort.h"

#include <gtest/gtest.h>

namespace libdump::sort {
namespace {

using format::Section;
using format::TocEntry;

TocEntry Entry(uint32_t id, std::string kind, Section section, std::vector<uint32_t> deps = {}) {
  TocEntry e;
  e.dump_id = id;
  e.kind = std::move(kind);
  e.section = section;
  e.name = "e" + std::to_string(id);
  e.deps = std::move(deps);
  return e;
}

std::vector<uint32_t> Ids(const std::vector<TocEntry>& entries) {
  std::vector<uint32_t> ids;
  for (const auto& e : entries) ids.push_back(e.dump_id);
  return ids;
}

TEST(SortToc, SectionsThenDependenciesThenPriority) {
  std::vector<TocEntry> toc = {
      Entry(1, "INDEX", Section::kPostData, {4}),
      Entry(2, "TABLE DATA", Section::kData, {4}),
      Entry(3, "VIEW", Section::kPreData, {5, 4}),
      Entry(4, "TABLE", Section::kPreData, {6}),
      Entry(5, "VIEW", Section::kPreData, {4}),
      Entry(6, "SCHEMA", Section::kPreData),
      Entry(7, "FK CONSTRAINT", Section::kPostData, {4}),
      Entry(8, "CONSTRAINT", Section::kPostData, {4}),
  };
  ASSERT_TRUE(SortToc(&toc).ok());
  // View 3 reads view 5, so 5 goes first although its id is higher.
  EXPECT_EQ(Ids(toc), (std::vector<uint32_t>{6, 4, 5, 3, 2, 1, 8, 7}));
}

TEST(SortToc, CommentFollowsItsObject) {
  std::vector<TocEntry> toc = {
      Entry(1, "SCHEMA", Section::kPreData),
      Entry(2, "TABLE", Section::kPreData, {1}),
      Entry(3, "TABLE", Section::kPreData, {1}),
      Entry(4, "COMMENT", Section::kPreData, {2}),
  };
  ASSERT_TRUE(SortToc(&toc).ok());
  EXPECT_EQ(Ids(toc), (std::vector<uint32_t>{1, 2, 4, 3}));
}

TEST(SortToc, ReportsCycle) {
  std::vector<TocEntry> toc = {
      Entry(1, "VIEW", Section::kPreData, {2}),
      Entry(2, "VIEW", Section::kPreData, {1}),
      Entry(3, "TABLE", Section::kPreData),
  };
  Status st = SortToc(&toc);
  EXPECT_EQ(st.code(), StatusCode::kInternal);
  EXPECT_NE(st.message().find("dependency loop"), std::string::npos);
  EXPECT_NE(st.message().find("e1"), std::string::npos);
}

TEST(SortToc, RejectsUnknownDependency) {
  std::vector<TocEntry> toc = {Entry(1, "TABLE", Section::kPreData, {9})};
  EXPECT_EQ(SortToc(&toc).code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace libdump::sort
