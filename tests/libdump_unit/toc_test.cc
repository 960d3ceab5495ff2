// The TOC builder on hand-made catalogs (no server): security labels, dependency-loop repair,
// base types and their shells, foreign, typed and tablespace-placed tables.
#include "dump/toc_builder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/kinds.h"
#include "ddl/ddl.h"

namespace libdump::dump {
namespace {

using catalog::Catalog;
using catalog::DependEdge;
using catalog::Oid;

constexpr Oid kClass = 1259, kType = 1247, kProc = 1255, kNamespace = 2615, kConstraint = 2606;

catalog::Column Col(int attnum, std::string name, std::string type) {
  catalog::Column c;
  c.attnum = attnum;
  c.name = std::move(name);
  c.type = std::move(type);
  return c;
}

Catalog WithSchema() {
  Catalog cat;
  catalog::Schema s;
  s.oid = 20000;
  s.name = "Sch \"Ü\"";
  s.owner = "alice";
  cat.schemas.push_back(s);
  return cat;
}

catalog::Table Table(Oid oid, std::string name, char kind = 'r') {
  catalog::Table t;
  t.oid = oid;
  t.row_type = oid + 1;
  t.schema = "Sch \"Ü\"";
  t.name = std::move(name);
  t.owner = "alice";
  t.kind = kind;
  t.columns = {Col(1, "id", "integer"), Col(2, "select", "text")};
  return t;
}

catalog::Function Function(Oid oid, std::string name, std::string args) {
  catalog::Function f;
  f.oid = oid;
  f.schema = "Sch \"Ü\"";
  f.name = std::move(name);
  f.owner = "alice";
  f.identity_args = std::move(args);
  f.definition = "CREATE OR REPLACE FUNCTION ...\n";
  return f;
}

// Every entry the builder writes is of a kind the registry has a row for (common/kinds.h), in
// that row's section, but where the builder decides otherwise: a comment, ACL or label takes its
// object's section, a postponable kind may move to post-data, a CHECK CONSTRAINT or RULE made by
// loop repair goes with the object it was split from (toc_loops.cc), and large objects' metadata
// goes to the data section from a 17+ server.
void ExpectRegisteredKinds(const BuiltToc& toc) {
  using kinds::Kind;
  for (const auto& e : toc.entries) {
    const kinds::KindInfo& info = kinds::InfoOf(e.kind);
    ASSERT_NE(info.kind, Kind::kUnknown) << "entry " << e.dump_id << " of kind " << e.kind;
    if (info.decoration || e.section == info.section) continue;
    const bool postponed = info.postponable && e.section == format::Section::kPostData;
    const bool moved = info.kind == Kind::kCheckConstraint || info.kind == Kind::kRule ||
                       info.kind == Kind::kBlobMetadata;
    EXPECT_TRUE(postponed || moved)
        << e.kind << " " << e.name << " in section " << format::SectionName(e.section);
  }
}

BuiltToc Build(const Catalog& cat) {
  auto toc = BuildToc(cat);
  EXPECT_TRUE(toc.ok()) << toc.status().ToString();
  if (toc.ok()) ExpectRegisteredKinds(*toc);
  return toc.ok() ? std::move(*toc) : BuiltToc{};
}

// Position of the first entry of `kind` whose SQL contains `text`; -1 if none.
int Find(const BuiltToc& toc, const std::string& kind, const std::string& text) {
  for (size_t i = 0; i < toc.entries.size(); ++i) {
    const auto& e = toc.entries[i];
    if (e.kind == kind && e.create_sql.find(text) != std::string::npos) return static_cast<int>(i);
  }
  return -1;
}

TEST(SecurityLabels, OneEntryPerLabelAfterItsObject) {
  Catalog cat = WithSchema();
  cat.tables.push_back(Table(20010, "T 1"));
  cat.tables.push_back(Table(20020, "V", 'v'));
  cat.tables.back().view_definition = " SELECT 1 AS id, 'x'::text AS \"select\";";
  cat.code.functions.push_back(Function(20030, "f", "integer"));
  cat.security_labels = {
      {kClass, 20010, 0, "selinux", "system_u:object_r:sepgsql_table_t:s0", ""},
      {kClass, 20010, 2, "dummy", "it's", "select"},
      {kClass, 20020, 0, "dummy", "classified", ""},
      {kProc, 20030, 0, "dummy", "unclassified", ""},
      {kNamespace, 20000, 0, "Prov \"x\"", "secret", ""},
      {kConstraint, 424242, 0, "dummy", "unknown object", ""},
  };
  BuiltToc toc = Build(cat);
  const int table = Find(toc, "TABLE", "CREATE TABLE \"Sch \"\"Ü\"\"\".\"T 1\"");
  const int label = Find(toc, "SECURITY LABEL",
                         "SECURITY LABEL FOR selinux ON TABLE \"Sch \"\"Ü\"\"\".\"T 1\" IS "
                         "'system_u:object_r:sepgsql_table_t:s0';\n");
  ASSERT_GE(table, 0);
  ASSERT_GE(label, 0);
  EXPECT_LT(table, label);
  // Tagged like comments, as --list and the restore selection see them.
  EXPECT_EQ(toc.entries[static_cast<size_t>(label)].name, "TABLE T 1");
  const int column = Find(toc, "SECURITY LABEL", "ON COLUMN");
  ASSERT_GE(column, 0);
  EXPECT_EQ(toc.entries[static_cast<size_t>(column)].name, "COLUMN T 1.select");
  const int schema = Find(toc, "SECURITY LABEL", "ON SCHEMA");
  ASSERT_GE(schema, 0);
  EXPECT_EQ(toc.entries[static_cast<size_t>(schema)].name, "SCHEMA Sch \"Ü\"");
  EXPECT_GE(Find(toc, "SECURITY LABEL",
                 "SECURITY LABEL FOR dummy ON COLUMN \"Sch \"\"Ü\"\"\".\"T 1\".\"select\" IS "
                 "'it''s';\n"),
            0);
  EXPECT_GE(Find(toc, "SECURITY LABEL", "ON VIEW \"Sch \"\"Ü\"\"\".\"V\" IS 'classified'"), 0);
  EXPECT_GE(Find(toc, "SECURITY LABEL", "ON FUNCTION "), 0);
  EXPECT_GE(
      Find(toc, "SECURITY LABEL", "FOR \"Prov \"\"x\"\"\" ON SCHEMA \"Sch \"\"Ü\"\"\" IS 'secret'"),
      0);
  int labels = 0;
  for (const auto& e : toc.entries) labels += e.kind == "SECURITY LABEL";
  EXPECT_EQ(labels, 5);  // the label on an object the dump does not know is left out
}

// The database's own labels (pg_shseclabel): one entry per label after the DATABASE entry, tagged
// "DATABASE name" like its comment, so that nrestore applies them only with --create.
TEST(SecurityLabels, OnTheDatabase) {
  Catalog cat = WithSchema();
  catalog::Database d;
  d.oid = 16400;
  d.name = "Db \"ü\"";
  d.owner = "alice";
  d.encoding = "UTF8";
  d.security_labels = {{"ndump_test", "it's secret"}, {"selinux", "system_u:object_r:db_t:s0"}};
  cat.database = d;
  BuiltToc toc = Build(cat);
  const int database = Find(toc, "DATABASE", "CREATE DATABASE");
  ASSERT_GE(database, 0);
  const int first = Find(toc, "SECURITY LABEL",
                         "SECURITY LABEL FOR ndump_test ON DATABASE \"Db \"\"ü\"\"\" IS "
                         "'it''s secret';\n");
  const int second = Find(toc, "SECURITY LABEL", "FOR selinux ON DATABASE");
  ASSERT_GE(first, 0);
  ASSERT_GE(second, 0);
  EXPECT_LT(database, first);
  for (const int label : {first, second}) {
    const auto& e = toc.entries[static_cast<size_t>(label)];
    EXPECT_EQ(e.name, "DATABASE Db \"ü\"");
    EXPECT_EQ(e.schema, "");
    EXPECT_EQ(e.owner, "alice");
    EXPECT_EQ(e.deps, std::vector<uint32_t>{toc.entries[static_cast<size_t>(database)].dump_id});
  }
}

TEST(SecurityLabels, Statement) {
  EXPECT_EQ(ddl::SecurityLabel("dummy", "TYPE s.t", "a'b"),
            "SECURITY LABEL FOR dummy ON TYPE s.t IS 'a''b';\n");
}

TEST(RepairLoops, CheckConstraintCallingFunctionOnRowTypeIsSeparated) {
  Catalog cat = WithSchema();
  catalog::Table t = Table(20010, "Checked");
  catalog::Constraint plain, loop;
  plain.oid = 20011;
  plain.name = "plain";
  plain.definition = "CHECK ((id > 0))";
  loop.oid = 20012;
  loop.name = "row ok";
  loop.definition = "CHECK (\"Sch \"\"Ü\"\"\".ok(\"Checked\".*))";
  t.constraints = {plain, loop};
  cat.tables.push_back(t);
  cat.code.functions.push_back(Function(20030, "ok", "r \"Sch \"\"Ü\"\"\".\"Checked\""));
  cat.depends = {
      DependEdge{kProc, 20030, kType, 20011, 'n'},        // function -> row type
      DependEdge{kConstraint, 20012, kProc, 20030, 'n'},  // constraint -> function
      DependEdge{kConstraint, 20012, kClass, 20010, 'a'},
      DependEdge{kConstraint, 20011, kClass, 20010, 'a'},
  };
  BuiltToc toc = Build(cat);
  const int table = Find(toc, "TABLE", "CREATE TABLE");
  const int fn = Find(toc, "FUNCTION", "");
  const int con = Find(toc, "CHECK CONSTRAINT", "ADD CONSTRAINT \"row ok\" CHECK");
  ASSERT_GE(table, 0);
  ASSERT_GE(fn, 0);
  ASSERT_GE(con, 0);
  EXPECT_LT(table, fn);
  EXPECT_LT(fn, con);
  EXPECT_EQ(toc.entries[static_cast<size_t>(con)].section, format::Section::kPostData);
  const std::string& create = toc.entries[static_cast<size_t>(table)].create_sql;
  EXPECT_NE(create.find("CONSTRAINT plain CHECK ((id > 0))"), std::string::npos) << create;
  EXPECT_EQ(create.find("row ok"), std::string::npos) << create;
}

TEST(RepairLoops, ViewsReadingEachOtherStartAsStubs) {
  Catalog cat = WithSchema();
  catalog::Table ping = Table(20010, "ping", 'v'), pong = Table(20020, "pong", 'v');
  ping.view_definition = " SELECT pong.id, pong.\"select\" FROM \"Sch \"\"Ü\"\"\".pong;";
  pong.view_definition = " SELECT ping.id, ping.\"select\" FROM \"Sch \"\"Ü\"\"\".ping;";
  ping.columns[1].collation = "pg_catalog.\"C\"";
  cat.tables = {ping, pong};
  cat.depends = {DependEdge{kClass, 20010, kClass, 20020, 'n'},
                 DependEdge{kClass, 20020, kClass, 20010, 'n'}};
  BuiltToc toc = Build(cat);
  const int stub = Find(toc, "VIEW",
                        "CREATE VIEW \"Sch \"\"Ü\"\"\".ping AS\n SELECT\n    "
                        "NULL::integer AS id,\n    NULL::text COLLATE "
                        "pg_catalog.\"C\" AS \"select\";\n");
  const int other = Find(toc, "VIEW", "CREATE VIEW \"Sch \"\"Ü\"\"\".pong AS\n SELECT ping");
  const int real =
      Find(toc, "RULE", "CREATE OR REPLACE VIEW \"Sch \"\"Ü\"\"\".ping AS\n SELECT pong");
  ASSERT_GE(stub, 0);
  ASSERT_GE(other, 0);
  ASSERT_GE(real, 0);
  EXPECT_LT(stub, other);
  EXPECT_LT(other, real);
}

TEST(RepairLoops, LoopedViewNeedingAKeyIsStubbedInPreDataAndReplacedInPostData) {
  Catalog cat = WithSchema();
  catalog::Table keyed = Table(20040, "keyed");
  catalog::Constraint pk;
  pk.oid = 20041;
  pk.name = "keyed_pkey";
  pk.type = 'p';
  pk.definition = "PRIMARY KEY (id)";
  pk.index_oid = 20042;
  pk.index_name = "keyed_pkey";
  keyed.constraints = {pk};
  catalog::Table v = Table(20010, "Grouped", 'v');
  v.view_definition = " SELECT k.id, k.\"select\" FROM f() GROUP BY k.id;";
  cat.tables = {keyed, v};
  cat.code.functions.push_back(Function(20030, "f", ""));
  cat.depends = {DependEdge{kProc, 20030, kType, 20011, 'n'},    // f returns the view's row type
                 DependEdge{kClass, 20010, kProc, 20030, 'n'},   // the view calls f
                 DependEdge{kClass, 20010, kClass, 20040, 'n'},  // and reads keyed
                 DependEdge{kClass, 20010, kConstraint, 20041, 'n'}};  // GROUP BY needs the key
  BuiltToc toc = Build(cat);
  const int stub = Find(toc, "VIEW", "NULL::integer");
  const int real = Find(toc, "RULE", "CREATE OR REPLACE VIEW");
  const int key = Find(toc, "CONSTRAINT", "PRIMARY KEY");
  ASSERT_GE(stub, 0);
  ASSERT_GE(real, 0);
  ASSERT_GE(key, 0);
  EXPECT_EQ(toc.entries[static_cast<size_t>(stub)].section, format::Section::kPreData);
  EXPECT_EQ(toc.entries[static_cast<size_t>(real)].section, format::Section::kPostData);
  EXPECT_LT(key, real);
}

TEST(RepairLoops, DomainConstraintCallingFunctionOnDomainIsSeparated) {
  Catalog cat = WithSchema();
  catalog::DomainType d;
  d.oid = 20010;
  d.schema = "Sch \"Ü\"";
  d.name = "Even";
  d.owner = "alice";
  d.base_type = "integer";
  d.constraints = {{20011, "small", "CHECK ((VALUE < 1000))", std::nullopt},
                   {20012, "even", "CHECK (((VALUE)::integer % f()) = 0)", std::nullopt}};
  cat.domains.push_back(d);
  cat.code.functions.push_back(Function(20030, "f", ""));
  cat.depends = {DependEdge{kProc, 20030, kType, 20010, 'n'},
                 DependEdge{kConstraint, 20012, kProc, 20030, 'n'},
                 DependEdge{kConstraint, 20011, kType, 20010, 'a'},
                 DependEdge{kConstraint, 20012, kType, 20010, 'a'}};
  BuiltToc toc = Build(cat);
  const int domain = Find(toc, "DOMAIN", "CONSTRAINT small");
  const int fn = Find(toc, "FUNCTION", "");
  const int con = Find(toc, "CHECK CONSTRAINT",
                       "ALTER DOMAIN \"Sch \"\"Ü\"\"\".\"Even\"\n    ADD CONSTRAINT even CHECK");
  ASSERT_GE(domain, 0);
  ASSERT_GE(con, 0);
  EXPECT_LT(domain, fn);
  EXPECT_LT(fn, con);
  EXPECT_EQ(toc.entries[static_cast<size_t>(con)].section, format::Section::kPreData);
  EXPECT_EQ(toc.entries[static_cast<size_t>(domain)].create_sql.find("even"), std::string::npos);
}

TEST(RepairLoops, RangeAndCanonicalFunctionGetAShellType) {
  Catalog cat = WithSchema();
  catalog::RangeType r;
  r.oid = 20010;
  r.schema = "Sch \"Ü\"";
  r.name = "Int Range";
  r.owner = "alice";
  r.subtype = "integer";
  r.canonical = "\"Sch \"\"Ü\"\"\".canon";
  cat.misc.ranges.push_back(r);
  cat.code.functions.push_back(Function(20030, "canon", "\"Sch \"\"Ü\"\"\".\"Int Range\""));
  cat.depends = {DependEdge{kProc, 20030, kType, 20010, 'n'},
                 DependEdge{kType, 20010, kProc, 20030, 'n'}};
  BuiltToc toc = Build(cat);
  const int shell = Find(toc, "SHELL TYPE", "CREATE TYPE \"Sch \"\"Ü\"\"\".\"Int Range\";\n");
  const int fn = Find(toc, "FUNCTION", "");
  const int range = Find(toc, "TYPE", "AS RANGE");
  ASSERT_GE(shell, 0);
  ASSERT_GE(fn, 0);
  ASSERT_GE(range, 0);
  EXPECT_LT(shell, fn);
  EXPECT_LT(fn, range);
}

TEST(BaseTypes, ShellThenFunctionsThenDefinitionThenUsers) {
  Catalog cat = WithSchema();
  catalog::BaseType b;
  b.oid = 20010;
  b.array_oid = 20011;
  b.schema = "Sch \"Ü\"";
  b.name = "wid get";
  b.owner = "bob";
  b.input = "\"Sch \"\"Ü\"\"\".w_in";
  b.output = "\"Sch \"\"Ü\"\"\".w_out";
  b.functions = {20030, 20031};
  b.default_value = "it's";
  b.delimiter = ';';
  b.category = 'X';
  b.collatable = true;
  cat.base_types.push_back(b);
  cat.code.functions.push_back(Function(20030, "w_in", "cstring"));
  cat.code.functions.push_back(Function(20031, "w_out", "\"Sch \"\"Ü\"\"\".\"wid get\""));
  catalog::Table t = Table(20040, "uses");
  cat.tables.push_back(t);
  cat.depends = {
      DependEdge{kProc, 20030, kType, 20010, 'n'}, DependEdge{kProc, 20031, kType, 20010, 'n'},
      DependEdge{kType, 20010, kProc, 20030, 'n'}, DependEdge{kType, 20010, kProc, 20031, 'n'},
      DependEdge{kClass, 20040, kType, 20010, 'n'}};
  BuiltToc toc = Build(cat);
  const int shell = Find(toc, "SHELL TYPE", "CREATE TYPE \"Sch \"\"Ü\"\"\".\"wid get\";\n");
  const int in = Find(toc, "FUNCTION", "");
  const int full = Find(toc, "TYPE", "INPUT = \"Sch \"\"Ü\"\"\".w_in");
  const int table = Find(toc, "TABLE", "CREATE TABLE");
  ASSERT_GE(shell, 0);
  ASSERT_GE(full, 0);
  EXPECT_LT(shell, in);
  EXPECT_LT(in, full);
  EXPECT_LT(full, table);
  EXPECT_TRUE(toc.entries[static_cast<size_t>(shell)].owner_object.empty());
  EXPECT_EQ(toc.entries[static_cast<size_t>(full)].create_sql,
            "CREATE TYPE \"Sch \"\"Ü\"\"\".\"wid get\" (\n    INTERNALLENGTH = variable,\n"
            "    INPUT = \"Sch \"\"Ü\"\"\".w_in,\n    OUTPUT = \"Sch \"\"Ü\"\"\".w_out,\n"
            "    COLLATABLE = true,\n    DEFAULT = 'it''s',\n    CATEGORY = 'X',\n"
            "    DELIMITER = ';',\n    ALIGNMENT = int4,\n    STORAGE = plain\n);\n");
}

TEST(Tables, ForeignTypedAndInTablespace) {
  catalog::Table f = Table(1, "Remote", 'f');
  f.columns[0].fdw_options = "column_name 'ID'";
  f.columns[0].not_null = true;
  f.columns[1].collation = "pg_catalog.\"C\"";
  f.foreign_server = "\"Srv Ü\"";
  f.foreign_options = "table_name 'it''s'";
  EXPECT_EQ(ddl::CreateTable(f, {}),
            "CREATE FOREIGN TABLE \"Sch \"\"Ü\"\"\".\"Remote\" (\n"
            "    id integer OPTIONS (column_name 'ID') NOT NULL,\n"
            "    \"select\" text COLLATE pg_catalog.\"C\"\n)\nSERVER \"Srv Ü\"\n"
            "OPTIONS (\n    table_name 'it''s'\n);\n");
  catalog::Table typed = Table(2, "People");
  typed.of_type = "\"Sch \"\"Ü\"\"\".person";
  EXPECT_EQ(ddl::CreateTable(typed, {}),
            "CREATE TABLE \"Sch \"\"Ü\"\"\".\"People\" OF "
            "\"Sch \"\"Ü\"\"\".person;\n");
  typed.columns[1].default_expr = "'anon'::text";
  typed.columns[1].not_null = true;
  EXPECT_EQ(ddl::CreateTable(typed, {}),
            "CREATE TABLE \"Sch \"\"Ü\"\"\".\"People\" OF \"Sch \"\"Ü\"\"\".person (\n"
            "    \"select\" WITH OPTIONS DEFAULT 'anon'::text NOT NULL\n);\n");
  EXPECT_EQ(ddl::InTablespace("", "X;\n"), "X;\n");
  EXPECT_EQ(ddl::InTablespace("TS \"1\"", "X;\n"),
            "SET default_tablespace = \"TS \"\"1\"\"\";\nX;\nSET default_tablespace = '';\n");
}

// Dump builds its TOC with BuildTocFreeingColumns, which frees the tables' columns (the largest
// part of the catalog) once the entries made from them exist, before the builder's peak of
// memory. It must make the very TOC BuildToc makes, from columns read after the release too:
// a sequence owned by a column, column comments and privileges, copy statements, and a view in
// a loop, created as a stub from its columns during loop repair.
TEST(Tables, FreeingColumnsGivesTheSameToc) {
  Catalog cat = WithSchema();
  catalog::Table t = Table(20100, "events");
  t.columns[0].default_expr = "nextval('\"Sch \"\"Ü\"\"\".events_id_seq'::regclass)";
  t.columns[1].comment = "what happened";
  t.columns[1].acl = "{bob=r/alice}";
  catalog::Constraint check;
  check.oid = 20101;
  check.name = "id_positive";
  check.type = 'c';
  check.definition = "CHECK ((id > 0))";
  t.constraints = {check};
  catalog::Sequence seq;
  seq.oid = 20110;
  seq.schema = t.schema;
  seq.name = "events_id_seq";
  seq.owner = "alice";
  seq.type = "integer";
  seq.owned_by_table = t.oid;
  seq.owned_by_column = 1;
  catalog::Table ping = Table(20010, "ping", 'v'), pong = Table(20020, "pong", 'v');
  ping.view_definition = " SELECT pong.id, pong.\"select\" FROM \"Sch \"\"Ü\"\"\".pong;";
  pong.view_definition = " SELECT ping.id, ping.\"select\" FROM \"Sch \"\"Ü\"\"\".ping;";
  cat.tables = {t, ping, pong};
  cat.sequences = {seq};
  cat.depends = {DependEdge{kClass, 20010, kClass, 20020, 'n'},
                 DependEdge{kClass, 20020, kClass, 20010, 'n'},
                 DependEdge{kClass, 20110, kClass, 20100, 'a'}};

  const BuiltToc whole = Build(cat);
  Catalog freed_cat = cat;
  auto freed = BuildTocFreeingColumns(&freed_cat);
  ASSERT_TRUE(freed.ok()) << freed.status().ToString();
  ASSERT_EQ(freed->entries.size(), whole.entries.size());
  for (size_t i = 0; i < whole.entries.size(); ++i) {
    const format::TocEntry& a = whole.entries[i];
    const format::TocEntry& b = freed->entries[i];
    SCOPED_TRACE(a.kind + " " + a.name);
    EXPECT_EQ(b.dump_id, a.dump_id);
    EXPECT_EQ(b.kind, a.kind);
    EXPECT_EQ(b.section, a.section);
    EXPECT_EQ(b.schema, a.schema);
    EXPECT_EQ(b.name, a.name);
    EXPECT_EQ(b.owner, a.owner);
    EXPECT_EQ(b.create_sql, a.create_sql);
    EXPECT_EQ(b.drop_sql, a.drop_sql);
    EXPECT_EQ(b.deps, a.deps);
    EXPECT_EQ(b.copy_sql, a.copy_sql);
    EXPECT_EQ(b.owner_object, a.owner_object);
  }
  ASSERT_EQ(freed->data_jobs.size(), whole.data_jobs.size());
  for (size_t i = 0; i < whole.data_jobs.size(); ++i) {
    EXPECT_EQ(freed->data_jobs[i].copy_out_sql, whole.data_jobs[i].copy_out_sql);
  }
  // The case covers what it claims: the column comment, the ACL, OWNED BY and the stub.
  EXPECT_GE(Find(whole, "COMMENT", "what happened"), 0);
  EXPECT_GE(Find(whole, "ACL", "GRANT SELECT (\"select\")"), 0);
  EXPECT_GE(Find(whole, "SEQUENCE OWNED BY", ".id;"), 0);
  EXPECT_GE(Find(whole, "VIEW", "NULL::integer AS id"), 0);

  // The table's columns are gone, the views' kept; names, OIDs and the rest are untouched.
  ASSERT_EQ(freed_cat.tables.size(), 3u);
  EXPECT_TRUE(freed_cat.tables[0].columns.empty());
  EXPECT_EQ(freed_cat.tables[0].constraints.size(), 1u);
  EXPECT_EQ(freed_cat.tables[1].columns.size(), 2u);
  EXPECT_EQ(freed_cat.tables[2].columns.size(), 2u);
  for (size_t i = 0; i < cat.tables.size(); ++i) {
    EXPECT_EQ(freed_cat.tables[i].oid, cat.tables[i].oid);
    EXPECT_EQ(freed_cat.tables[i].schema, cat.tables[i].schema);
    EXPECT_EQ(freed_cat.tables[i].name, cat.tables[i].name);
  }
  EXPECT_EQ(cat.tables[0].columns.size(), 2u);  // BuildToc left its catalog whole
}

// archive_format.md §7.5: a BLOB METADATA entry and a BLOBS data job per group; comments and
// privileges only for the objects that have them, on their group's entry.
TEST(LargeObjects, GroupsBecomeMetadataAndDataEntries) {
  Catalog cat = WithSchema();
  catalog::LargeObjectGroup a;
  a.owner = "alice";
  a.oids = {100, 101, 105};
  catalog::LargeObjectGroup b;
  b.owner = "bob";
  b.oids = {102};
  cat.misc.large_object_groups = {a, b};
  catalog::LargeObject decorated;
  decorated.oid = 105;
  decorated.comment = "five";
  cat.misc.large_objects = {decorated};
  const BuiltToc toc = Build(cat);
  const int meta = Find(toc, "BLOB METADATA", "'{100,101,105}'::pg_catalog.oid[]");
  ASSERT_GE(meta, 0);
  const auto& m = toc.entries[static_cast<size_t>(meta)];
  EXPECT_EQ(m.name, "100..105");
  EXPECT_EQ(m.owner, "alice");
  EXPECT_EQ(m.owner_object, "LARGE OBJECT");
  EXPECT_EQ(m.section, format::Section::kPreData);
  EXPECT_NE(m.drop_sql.find("lo_unlink"), std::string::npos);
  ASSERT_GE(Find(toc, "BLOB METADATA", "'{102}'::pg_catalog.oid[]"), 0);
  int blobs = 0, comments = 0;
  for (const auto& e : toc.entries) {
    if (e.kind == "BLOBS") {
      ++blobs;
      EXPECT_EQ(e.copy_sql, "COPY pg_temp.ndump_blobs (loid, off, data) FROM stdin;");
      EXPECT_EQ(e.section, format::Section::kData);
      ASSERT_EQ(e.deps.size(), 1u);
      EXPECT_EQ(toc.entries[static_cast<size_t>(meta)].dump_id == e.deps[0], e.name == "100..105");
    }
    if (e.kind == "COMMENT") {
      ++comments;
      EXPECT_EQ(e.name, "LARGE OBJECT 105");
      EXPECT_EQ(e.deps, std::vector<uint32_t>{m.dump_id});
    }
  }
  EXPECT_EQ(blobs, 2);
  EXPECT_EQ(comments, 1);
  ASSERT_EQ(toc.data_jobs.size(), 2u);
  for (const auto& j : toc.data_jobs) {
    EXPECT_EQ(j.kind, "BLOBS");
    EXPECT_TRUE(j.copy_out_sql.starts_with("COPY (WITH RECURSIVE")) << j.copy_out_sql;
    EXPECT_TRUE(j.copy_out_sql.ends_with(") TO STDOUT")) << j.copy_out_sql;
  }
}

}  // namespace
}  // namespace libdump::dump
