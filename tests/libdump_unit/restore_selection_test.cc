// The restore selection rules (restore/selection.h) and the -L list reader, without a server.
#include "restore/selection.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace libdump::restore {
namespace {

using format::Section;
using format::TocEntry;

TocEntry Entry(uint32_t id, std::string kind, Section section, std::string schema, std::string name,
               std::vector<uint32_t> deps = {}) {
  TocEntry e;
  e.dump_id = id;
  e.kind = std::move(kind);
  e.section = section;
  e.schema = std::move(schema);
  e.name = std::move(name);
  e.create_sql = "CREATE " + e.kind + " " + e.name + ";";
  e.drop_sql = "DROP " + e.kind + " \"" + e.name + "\";\n";
  e.deps = std::move(deps);
  return e;
}

std::vector<TocEntry> SampleToc() {
  std::vector<TocEntry> toc;
  toc.push_back(Entry(1, "DATABASE", Section::kPreData, "", "db"));
  toc.push_back(Entry(2, "DATABASE PROPERTIES", Section::kPreData, "", "db", {1}));
  toc.push_back(Entry(3, "COMMENT", Section::kPreData, "", "DATABASE db", {1}));
  toc.push_back(Entry(4, "SCHEMA", Section::kPreData, "", "app"));
  toc.push_back(Entry(5, "TABLE", Section::kPreData, "app", "t", {4}));
  toc.push_back(Entry(6, "COMMENT", Section::kPreData, "app", "TABLE t", {5}));
  toc.push_back(Entry(7, "ACL", Section::kPreData, "app", "TABLE t", {5}));
  toc.push_back(Entry(8, "TABLE", Section::kPreData, "app", "u", {4}));
  toc.push_back(Entry(9, "TABLE DATA", Section::kData, "app", "t", {5}));
  toc[8].copy_sql = "COPY \"app\".\"t\" FROM stdin;";
  toc[8].drop_sql.clear();
  toc.push_back(Entry(10, "SEQUENCE SET", Section::kData, "app", "s"));
  toc[9].drop_sql.clear();
  toc.push_back(Entry(11, "INDEX", Section::kPostData, "app", "t_idx", {5}));
  toc.push_back(Entry(12, "TRIGGER", Section::kPostData, "app", "t trg", {5}));
  return toc;
}

std::vector<uint32_t> Ids(const Plan& p) {
  std::vector<uint32_t> ids;
  for (const TocEntry* e : p.entries) ids.push_back(e->dump_id);
  return ids;
}

std::vector<uint32_t> Selected(const RestoreContent& c) {
  static const std::vector<TocEntry> toc = SampleToc();
  auto plan = Select(toc, c);
  EXPECT_TRUE(plan.ok()) << plan.status().ToString();
  return plan.ok() ? Ids(*plan) : std::vector<uint32_t>{};
}

TEST(Selection, EverythingButTheDatabaseByDefault) {
  EXPECT_EQ(Selected({}), (std::vector<uint32_t>{4, 5, 6, 7, 8, 9, 10, 11, 12}));
}

TEST(Selection, CreateAddsTheDatabaseEntries) {
  RestoreContent c;
  c.create = true;
  const auto toc = SampleToc();
  auto plan = Select(toc, c);
  ASSERT_TRUE(plan.ok());
  ASSERT_NE(plan->database, nullptr);
  EXPECT_EQ(plan->database->dump_id, 1u);
  EXPECT_EQ(Ids(*plan), (std::vector<uint32_t>{2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
}

// The database's security labels go with --create, like its comment, even when the restore is
// selective or schema-only; a label on a table goes with the table.
TEST(Selection, DatabaseLabelsOnlyWithCreate) {
  std::vector<TocEntry> toc = SampleToc();
  toc.push_back(Entry(13, "SECURITY LABEL", Section::kPreData, "", "DATABASE db", {1}));
  toc.push_back(Entry(14, "SECURITY LABEL", Section::kPreData, "app", "TABLE t", {5}));
  auto ids = [&](const RestoreContent& c) {
    auto plan = Select(toc, c);
    EXPECT_TRUE(plan.ok()) << plan.status().ToString();
    return plan.ok() ? Ids(*plan) : std::vector<uint32_t>{};
  };
  auto has = [](const std::vector<uint32_t>& v, uint32_t id) {
    return std::find(v.begin(), v.end(), id) != v.end();
  };
  RestoreContent c;
  EXPECT_FALSE(has(ids(c), 13));
  EXPECT_TRUE(has(ids(c), 14));
  c.create = true;
  EXPECT_TRUE(has(ids(c), 13));
  c.schema_only = true;
  EXPECT_TRUE(has(ids(c), 13));
  c.schema_only = false;
  c.tables = {"u"};
  EXPECT_TRUE(has(ids(c), 13));
  EXPECT_FALSE(has(ids(c), 14));
  c.create = false;
  EXPECT_FALSE(has(ids(c), 13));
}

TEST(Selection, TableBringsItsDataCommentAndAclOnly) {
  RestoreContent c;
  c.tables = {"t"};
  EXPECT_EQ(Selected(c), (std::vector<uint32_t>{5, 6, 7, 9}));
  c.no_privileges = true;
  EXPECT_EQ(Selected(c), (std::vector<uint32_t>{5, 6, 9}));
  c.triggers = {"t trg"};
  c.indexes = {"t_idx"};
  EXPECT_EQ(Selected(c), (std::vector<uint32_t>{5, 6, 9, 11, 12}));
}

TEST(Selection, SchemaLeavesOutObjectsOutsideSchemas) {
  RestoreContent c;
  c.schemas = {"app"};
  EXPECT_EQ(Selected(c), (std::vector<uint32_t>{5, 6, 7, 8, 9, 10, 11, 12}));
  c.exclude_schemas = {"app"};
  EXPECT_EQ(Selected(c), std::vector<uint32_t>{});
}

TEST(Selection, DataOnlySchemaOnlyAndSections) {
  RestoreContent c;
  c.data_only = true;
  EXPECT_EQ(Selected(c), (std::vector<uint32_t>{9, 10}));
  c = {};
  c.schema_only = true;
  EXPECT_EQ(Selected(c), (std::vector<uint32_t>{4, 5, 6, 7, 8, 11, 12}));
  c = {};
  c.pre_data = false;
  c.data = false;
  EXPECT_EQ(Selected(c), (std::vector<uint32_t>{11, 12}));
}

TEST(Selection, UseListKeepsItsOrderAndRejectsUnknownIds) {
  RestoreContent c;
  c.use_list = true;
  c.list = {8, 4, 11};
  EXPECT_EQ(Selected(c), (std::vector<uint32_t>{8, 4, 11}));
  c.list = {4, 99};
  const auto toc = SampleToc();
  auto plan = Select(toc, c);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(plan.status().message().find("99"), std::string::npos);
}

TEST(Selection, CleanDropsInReverseOrder) {
  RestoreContent c;
  c.clean = true;
  const auto toc = SampleToc();
  auto plan = Select(toc, c);
  ASSERT_TRUE(plan.ok());
  std::vector<uint32_t> drops;
  for (const TocEntry* e : plan->drops) drops.push_back(e->dump_id);
  // Comments and ACLs have drop statements in this made-up TOC; table data and sequence values
  // have none.
  EXPECT_EQ(drops, (std::vector<uint32_t>{12, 11, 8, 7, 6, 5, 4}));
  c.create = true;
  plan = Select(toc, c);
  ASSERT_TRUE(plan.ok());
  drops.clear();
  for (const TocEntry* e : plan->drops) drops.push_back(e->dump_id);
  EXPECT_EQ(drops, (std::vector<uint32_t>{2, 1}));
}

TEST(Selection, OldArchivesCannotBeCleanedOrCreated) {
  auto toc = SampleToc();
  for (auto& e : toc) e.drop_sql.clear();
  RestoreContent c;
  c.clean = true;
  auto plan = Select(toc, c);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), StatusCode::kInvalidArgument);
  toc.erase(toc.begin());
  c = {};
  c.create = true;
  plan = Select(toc, c);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), StatusCode::kInvalidArgument);
}

TEST(Selection, IfExistsRewrite) {
  TocEntry e;
  auto drop = [&](const std::string& sql) {
    e.drop_sql = sql;
    return DropSql(e, true);
  };
  EXPECT_EQ(drop("DROP TABLE \"s\".\"t\";\n"), "DROP TABLE IF EXISTS \"s\".\"t\";\n");
  EXPECT_EQ(drop("DROP MATERIALIZED VIEW \"s\".\"v\";\n"),
            "DROP MATERIALIZED VIEW IF EXISTS \"s\".\"v\";\n");
  EXPECT_EQ(drop("DROP CAST (integer AS text);\n"), "DROP CAST IF EXISTS (integer AS text);\n");
  EXPECT_EQ(drop("DROP USER MAPPING FOR \"u\" SERVER \"s\";\n"),
            "DROP USER MAPPING IF EXISTS FOR \"u\" SERVER \"s\";\n");
  EXPECT_EQ(
      drop("ALTER TABLE ONLY \"a DROP CONSTRAINT b\" DROP CONSTRAINT \"c\";\n"),
      "ALTER TABLE IF EXISTS ONLY \"a DROP CONSTRAINT b\" DROP CONSTRAINT IF EXISTS \"c\";\n");
  EXPECT_EQ(drop("SELECT pg_catalog.lo_unlink('16401');\n"),
            "SELECT pg_catalog.lo_unlink(oid) FROM pg_catalog.pg_largeobject_metadata WHERE oid = "
            "'16401';\n");
  // A domain's constraint: only when the domain is there (ALTER DOMAIN has no IF EXISTS).
  EXPECT_EQ(drop("ALTER DOMAIN \"s\".\"d 'q'\" DROP CONSTRAINT \"c\";\n"),
            "DO $ndump_drop$BEGIN IF pg_catalog.to_regtype('\"s\".\"d ''q''\"') IS NOT NULL THEN "
            "ALTER DOMAIN \"s\".\"d 'q'\" DROP CONSTRAINT IF EXISTS \"c\"; END IF; "
            "END$ndump_drop$;\n");
  EXPECT_EQ(drop("ALTER DOMAIN \"$ndump_drop$\" DROP CONSTRAINT \"c\";\n"),
            "ALTER DOMAIN \"$ndump_drop$\" DROP CONSTRAINT IF EXISTS \"c\";\n");
  e.drop_sql = "DROP TABLE \"t\";\n";
  EXPECT_EQ(DropSql(e, false), "DROP TABLE \"t\";\n");
}

TEST(Selection, ContradictingOptions) {
  RestoreContent c;
  EXPECT_TRUE(CheckContent(c, 4).ok());
  c.single_transaction = true;
  EXPECT_EQ(CheckContent(c, 2).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(CheckContent(c, 1).ok());
  c = {};
  c.if_exists = true;
  EXPECT_EQ(CheckContent(c, 1).code(), StatusCode::kInvalidArgument);
  c = {};
  c.data_only = c.schema_only = true;
  EXPECT_EQ(CheckContent(c, 1).code(), StatusCode::kInvalidArgument);
}

// pg_restore 18's rules for STATISTICS DATA entries: restored by default, not with -a, -s or
// --no-statistics; alone with --statistics-only; -t and -I through the entry they depend on;
// left out of a plan for a server without pg_restore_relation_stats().
TEST(Selection, StatisticsEntries) {
  std::vector<TocEntry> toc = SampleToc();
  toc.push_back(Entry(13, "STATISTICS DATA", Section::kData, "app", "t", {5}));
  toc.push_back(Entry(14, "STATISTICS DATA", Section::kPostData, "app", "t_idx", {11}));
  toc.push_back(Entry(15, "STATISTICS DATA", Section::kData, "app", "u", {8}));
  for (TocEntry& e : toc) {
    if (e.kind == "STATISTICS DATA") e.drop_sql.clear();
  }
  auto selected = [&](const RestoreContent& c) {
    auto plan = Select(toc, c);
    EXPECT_TRUE(plan.ok()) << plan.status().ToString();
    std::vector<uint32_t> ids;
    if (plan.ok()) {
      for (const TocEntry* e : plan->entries) {
        if (IsStatistics(*e)) ids.push_back(e->dump_id);
      }
    }
    return ids;
  };
  const std::vector<uint32_t> all = {13, 14, 15};
  EXPECT_EQ(selected({}), all);
  RestoreContent c;
  c.statistics = false;
  EXPECT_TRUE(selected(c).empty());
  c = {};
  c.schema_only = true;
  EXPECT_TRUE(selected(c).empty());
  c = {};
  c.data_only = true;
  EXPECT_TRUE(selected(c).empty());
  c = {};
  c.statistics_only = true;
  EXPECT_EQ(selected(c), all);
  {
    auto plan = Select(toc, c);
    ASSERT_TRUE(plan.ok());
    EXPECT_EQ(Ids(*plan), all);  // nothing else
    EXPECT_EQ(DropStatistics(&*plan), 3u);
    EXPECT_TRUE(plan->entries.empty());
    EXPECT_FALSE(plan->Has(13));
  }
  c = {};
  c.post_data = false;
  EXPECT_EQ(selected(c), (std::vector<uint32_t>{13, 15}));
  c = {};
  c.tables = {"t"};
  EXPECT_EQ(selected(c), (std::vector<uint32_t>{13}));
  c = {};
  c.indexes = {"t_idx"};
  EXPECT_EQ(selected(c), (std::vector<uint32_t>{14}));
  c = {};
  c.exclude_schemas = {"app"};
  EXPECT_TRUE(selected(c).empty());
  c = {};
  c.statistics_only = true;
  c.statistics = false;
  EXPECT_EQ(CheckContent(c, 1).code(), StatusCode::kInvalidArgument);
  c.statistics = true;
  c.schema_only = true;
  EXPECT_EQ(CheckContent(c, 1).code(), StatusCode::kInvalidArgument);
}

TEST(RestoreList, ReadsWhatListWrites) {
  std::vector<std::string> ignored;
  const auto ids = ParseRestoreList(
      ";\n; Archive created at ...\n;\n12; TABLE app t postgres\n"
      ";13; TABLE app u postgres\n  7; INDEX app i postgres\r\n"
      "no id here\n12; TABLE app t postgres\n\n0; bad\n",
      &ignored);
  EXPECT_EQ(ids, (std::vector<uint32_t>{12, 7}));
  EXPECT_EQ(ignored,
            (std::vector<std::string>{"no id here", "12; TABLE app t postgres", "0; bad"}));
}

// archive_format.md §7.5: a group's owner goes to each of its objects; a BLOBS entry's COPY goes
// into a temporary table that lo_put empties into the objects; both count as data.
TEST(LargeObjects, OwnerAndStatementsAroundTheCopy) {
  TocEntry meta = Entry(3, "BLOB METADATA", Section::kPreData, "", "16400..16402");
  meta.owner = "Ann \"A\"";
  meta.owner_object = "LARGE OBJECT";
  meta.create_sql =
      "SELECT pg_catalog.count(pg_catalog.lo_create(o)) FROM "
      "pg_catalog.unnest('{16400,16402}'::pg_catalog.oid[]) AS o;\n";
  RestoreContent c;
  EXPECT_EQ(EntrySql(meta, c), meta.create_sql +
                                   "ALTER LARGE OBJECT 16400 OWNER TO \"Ann \"\"A\"\"\";\n"
                                   "ALTER LARGE OBJECT 16402 OWNER TO \"Ann \"\"A\"\"\";\n");
  c.no_owner = true;
  EXPECT_EQ(EntrySql(meta, c), meta.create_sql);

  TocEntry blobs = Entry(4, "BLOBS", Section::kData, "", "16400..16402", {3});
  blobs.copy_sql = "COPY pg_temp.ndump_blobs (loid, off, data) FROM stdin;";
  const RestoreContent plain;
  EXPECT_NE(BeforeCopySql(blobs, plain).find("CREATE TEMP TABLE pg_temp.ndump_blobs"),
            std::string::npos);
  EXPECT_NE(AfterCopySql(blobs, plain).find("pg_catalog.lo_put(loid, off, data)"),
            std::string::npos);
  // --disable-triggers does not apply: there is no table of the user's.
  RestoreContent triggers;
  triggers.data_only = triggers.disable_triggers = true;
  EXPECT_EQ(BeforeCopySql(blobs, triggers).find("ALTER TABLE"), std::string::npos);
  EXPECT_TRUE(IsDataEntry(meta));
  EXPECT_TRUE(IsDataEntry(blobs));
  // From a 17+ source the metadata is in the data section, and still runs before any data.
  EXPECT_TRUE(RunsBeforeData(meta));
  meta.section = Section::kData;
  EXPECT_TRUE(RunsBeforeData(meta));
  EXPECT_FALSE(RunsBeforeData(blobs));
}

}  // namespace
}  // namespace libdump::restore

namespace libdump::restore {
namespace {

// Tables "a" (references "b", and partitioned "p" through its partition "p1") and "b", their
// data in name order; "c" and "d" reference each other.
std::vector<TocEntry> ForeignKeyToc() {
  std::vector<TocEntry> toc;
  toc.push_back(Entry(1, "TABLE", Section::kPreData, "s", "a"));
  toc.push_back(Entry(2, "TABLE", Section::kPreData, "s", "b"));
  toc.push_back(Entry(3, "TABLE", Section::kPreData, "s", "p"));
  toc.push_back(Entry(4, "TABLE", Section::kPreData, "s", "p1"));
  toc.push_back(Entry(5, "TABLE ATTACH", Section::kPreData, "s", "p1", {3, 4}));
  toc.push_back(Entry(6, "TABLE", Section::kPreData, "s", "c"));
  toc.push_back(Entry(7, "TABLE", Section::kPreData, "s", "d"));
  for (uint32_t table : {1u, 2u, 4u, 6u, 7u}) {
    TocEntry data =
        Entry(10 + table, "TABLE DATA", Section::kData, "s", toc[table - 1].name, {table});
    data.copy_sql = "COPY x FROM stdin;";
    toc.push_back(data);
  }
  toc.push_back(Entry(20, "CONSTRAINT", Section::kPostData, "s", "b b_pkey", {2}));
  toc.push_back(Entry(21, "FK CONSTRAINT", Section::kPostData, "s", "a a_b_fkey", {1, 2, 20}));
  toc.push_back(Entry(22, "FK CONSTRAINT", Section::kPostData, "s", "a a_p_fkey", {1, 3}));
  toc.push_back(Entry(23, "FK CONSTRAINT", Section::kPostData, "s", "c c_d_fkey", {6, 7}));
  toc.push_back(Entry(24, "FK CONSTRAINT", Section::kPostData, "s", "d d_c_fkey", {6, 7}));
  return toc;
}

TEST(DataOrder, ReferencedTablesAndPartitionsFirstCyclesReported) {
  const std::vector<TocEntry> toc = ForeignKeyToc();
  std::vector<const TocEntry*> data;
  for (const auto& e : toc) {
    if (e.has_data()) data.push_back(&e);
  }
  const DataOrder order = ForeignKeyDataOrder(toc, data);
  EXPECT_EQ(order.cycle, (std::vector<std::string>{"s.c", "s.d"}));
  SortDataEntries(order, &data);
  std::vector<uint32_t> ids;
  for (const TocEntry* e : data) ids.push_back(e->dump_id);
  // b and p1 before a; c and d keep their order, after the others.
  EXPECT_EQ(ids, (std::vector<uint32_t>{12, 14, 11, 16, 17}));
}

TEST(DataOrder, DataOnlyIsImpliedByASelectionOfDataOnly) {
  std::vector<TocEntry> toc = ForeignKeyToc();
  Plan plan;
  plan.entries = {&toc[7], &toc[8]};
  EXPECT_TRUE(DataOnly(plan, RestoreContent{}));
  plan.entries.push_back(&toc[0]);
  EXPECT_FALSE(DataOnly(plan, RestoreContent{}));
  RestoreContent a;
  a.data_only = true;
  EXPECT_TRUE(DataOnly(plan, a));
}

}  // namespace
}  // namespace libdump::restore
