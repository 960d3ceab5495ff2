// The kind registry's selection rules applied to a built TOC (dump::FilterToc): every kind whose
// registry row says it follows its schema (-n/-N) or belongs to a dump of everything is left out
// of a dump that does not take it, whether or not PruneCatalog knew the catalog list it came from.
// Driven by the registry, so a kind added later is covered without a new case here.
#include <gtest/gtest.h>

#include <string>

#include "catalog/model.h"
#include "common/kinds.h"
#include "dump/selection.h"
#include "libdump/dump.h"

namespace libdump::dump {
namespace {

using kinds::Kind;
using kinds::KindInfo;
using kinds::Prune;

// One entry of every kind ndump writes, all in schema `schema` (a SCHEMA entry named `schema`).
BuiltToc EveryKindIn(const std::string& schema) {
  BuiltToc toc;
  uint32_t id = 0;
  for (int i = 0; i < kinds::kKindCount - 1; ++i) {
    const KindInfo& info = kinds::InfoOf(static_cast<Kind>(i));
    if (info.prune == Prune::kNone || info.decoration) continue;
    format::TocEntry e;
    e.dump_id = ++id;
    e.kind = std::string(info.name);
    e.section = info.section;
    e.schema = info.kind == Kind::kSchema ? "" : schema;
    e.name = info.kind == Kind::kSchema ? schema : "x " + std::to_string(i);
    toc.entries.push_back(std::move(e));
  }
  return toc;
}

bool Has(const BuiltToc& toc, std::string_view kind) {
  for (const auto& e : toc.entries) {
    if (e.kind == kind) return true;
  }
  return false;
}

TEST(PruneByRegistry, SchemaOptionsLeaveOutEveryKindOfAnotherSchema) {
  const DumpOptions options;
  const catalog::Catalog catalog;
  for (const auto& [sel, what] : {std::pair{Selection::OfSchemas({"kept"}, {}), "-n kept"},
                                  std::pair{Selection::OfSchemas({}, {"other"}), "-N other"},
                                  std::pair{Selection::OfSchemas({"kept", "other"}, {"other"}),
                                            "-n kept -n other -N other"}}) {
    BuiltToc toc = EveryKindIn("other");
    FilterToc(sel, options, catalog, &toc);
    for (const auto& e : toc.entries) {
      const KindInfo& info = kinds::InfoOf(e.kind);
      EXPECT_NE(info.prune, Prune::kBySchema) << what << " kept " << e.kind << " of schema other";
      if (sel.include_everything()) continue;
      EXPECT_NE(info.prune, Prune::kWholeDatabase) << what << " kept " << e.kind;
    }
    EXPECT_TRUE(Has(toc, "TABLE")) << what << ": tables are PruneCatalog's to choose";
    EXPECT_TRUE(Has(toc, "DATABASE")) << what;
  }
}

TEST(PruneByRegistry, EveryKindOfASelectedSchemaStays) {
  const DumpOptions options;
  const catalog::Catalog catalog;
  for (const auto& [sel, whole] : {std::pair{Selection::OfSchemas({}, {}), true},
                                   std::pair{Selection::OfSchemas({"kept"}, {}), false},
                                   std::pair{Selection::OfSchemas({}, {"other"}), true}}) {
    BuiltToc toc = EveryKindIn("kept");
    const size_t before = toc.entries.size();
    FilterToc(sel, options, catalog, &toc);
    size_t whole_database = 0;
    for (int i = 0; i < kinds::kKindCount - 1; ++i) {
      if (kinds::InfoOf(static_cast<Kind>(i)).prune == Prune::kWholeDatabase) ++whole_database;
    }
    EXPECT_EQ(toc.entries.size(), whole ? before : before - whole_database);
    EXPECT_TRUE(Has(toc, "SCHEMA"));
    EXPECT_TRUE(Has(toc, "FUNCTION"));
    EXPECT_TRUE(Has(toc, "TEXT SEARCH CONFIGURATION"));
  }
}

TEST(PruneByRegistry, EntriesOutsideSchemasFollowADumpOfEverything) {
  const DumpOptions options;
  const catalog::Catalog catalog;
  // A DEFAULT ACL for all schemas has no schema: only in a dump of everything.
  for (const bool all : {true, false}) {
    BuiltToc toc;
    format::TocEntry e;
    e.dump_id = 1;
    e.kind = "DEFAULT ACL";
    e.section = format::Section::kPostData;
    e.name = "DEFAULT PRIVILEGES FOR TABLES";
    toc.entries.push_back(e);
    FilterToc(all ? Selection::OfSchemas({}, {"other"}) : Selection::OfSchemas({"kept"}, {}),
              options, catalog, &toc);
    EXPECT_EQ(toc.entries.size(), all ? 1u : 0u);
  }
}

}  // namespace
}  // namespace libdump::dump
