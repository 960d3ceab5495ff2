#include "ddl/ddl.h"

#include <gtest/gtest.h>

#include <limits>

#include "pg/pg.h"

namespace libdump::ddl {
namespace {

TEST(Quoting, IdentifiersQuotedOnlyWhenNeededAndQuotesDoubled) {
  EXPECT_EQ(pg::QuoteIdent("plain"), "plain");
  EXPECT_EQ(pg::QuoteIdent("_x9"), "_x9");
  EXPECT_EQ(pg::QuoteIdent("Mixed Case"), "\"Mixed Case\"");
  EXPECT_EQ(pg::QuoteIdent("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(pg::QuoteIdent("9lives"), "\"9lives\"");
  EXPECT_EQ(pg::QuoteIdent("a$b"), "\"a$b\"");
  EXPECT_EQ(pg::QuoteIdent(""), "\"\"");
  // Reserved and other non-unreserved keywords are quoted; unreserved ones are not.
  EXPECT_EQ(pg::QuoteIdent("select"), "\"select\"");
  EXPECT_EQ(pg::QuoteIdent("integer"), "\"integer\"");
  EXPECT_EQ(pg::QuoteIdent("json_table"), "\"json_table\"");
  EXPECT_EQ(pg::QuoteIdent("abort"), "abort");
  EXPECT_EQ(pg::QualifiedName("s.x", "t"), "\"s.x\".t");
  EXPECT_EQ(pg::QualifiedName("", "t"), "t");
  {
    const pg::QuoteAllIdentifiersScope all(true);
    const pg::QuoteAllIdentifiersScope nested(false);
    EXPECT_EQ(pg::QuoteIdent("plain"), "\"plain\"");
  }
  EXPECT_EQ(pg::QuoteIdent("plain"), "plain");
}

TEST(Quoting, LiteralsDoubleQuotesAndKeepBackslashes) {
  EXPECT_EQ(pg::QuoteLiteral("it's"), "'it''s'");
  EXPECT_EQ(pg::QuoteLiteral("a\\b"), "'a\\b'");
  EXPECT_EQ(pg::QuoteLiteral(""), "''");
}

catalog::Table SampleTable() {
  catalog::Table t;
  t.schema = "My Schema";
  t.name = "Order \"Items\"";
  catalog::Column id;
  id.attnum = 1;
  id.name = "id";
  id.type = "integer";
  id.not_null = true;
  id.identity = 'a';
  catalog::Column dropped;
  dropped.attnum = 2;
  dropped.dropped = true;
  dropped.name = "........pg.dropped.2........";
  catalog::Column name;
  name.attnum = 3;
  name.name = "Name";
  name.type = "character varying(40)";
  name.collation = "pg_catalog.\"C\"";
  name.default_expr = "'x'::character varying";
  catalog::Column gen;
  gen.attnum = 4;
  gen.name = "g";
  gen.type = "integer";
  gen.generated = 's';
  gen.default_expr = "(id * 2)";
  t.columns = {id, dropped, name, gen};
  catalog::Constraint check;
  check.name = "pos";
  check.type = 'c';
  check.definition = "CHECK ((id > 0))";
  catalog::Constraint not_valid = check;
  not_valid.name = "later";
  not_valid.validated = false;
  t.constraints = {check, not_valid};
  t.reloptions = "fillfactor=70\nautovacuum_enabled=false";
  return t;
}

TEST(CreateTable, ColumnsInOrderWithoutDroppedOnes) {
  catalog::Table t = SampleTable();
  catalog::Sequence seq;
  seq.schema = "My Schema";
  seq.name = "ids";
  seq.type = "integer";
  seq.start = 10;
  seq.increment = 5;
  seq.min = 1;
  seq.max = 2147483647;
  seq.cache = 1;
  std::map<int, const catalog::Sequence*> identity = {{1, &seq}};
  EXPECT_EQ(CreateTable(t, identity),
            "CREATE TABLE \"My Schema\".\"Order \"\"Items\"\"\" (\n"
            "    id integer NOT NULL GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME "
            "\"My Schema\".ids START WITH 10 INCREMENT BY 5 NO MINVALUE NO MAXVALUE "
            "CACHE 1),\n"
            "    \"Name\" character varying(40) COLLATE pg_catalog.\"C\" DEFAULT "
            "'x'::character varying,\n"
            "    g integer GENERATED ALWAYS AS ((id * 2)) STORED,\n"
            "    CONSTRAINT pos CHECK ((id > 0))\n"
            ")\nWITH (fillfactor='70', autovacuum_enabled='false');\n");
}

TEST(CreateTable, NoColumns) {
  catalog::Table t;
  t.schema = "s";
  t.name = "t";
  t.persistence = 'u';
  EXPECT_EQ(CreateTable(t, {}), "CREATE UNLOGGED TABLE s.t ();\n");
  EXPECT_EQ(CopyOutSql(t), "COPY s.t TO STDOUT");
  EXPECT_EQ(CopyInSql(t), "COPY s.t FROM stdin;");
}

TEST(Copy, GeneratedAndDroppedColumnsAreNotCopied) {
  catalog::Table t = SampleTable();
  EXPECT_EQ(CopyColumnList(t), "(id, \"Name\")");
  EXPECT_EQ(CopyOutSql(t), "COPY \"My Schema\".\"Order \"\"Items\"\"\" (id, \"Name\") TO STDOUT");
}

TEST(Copy, CharNPositionsCountOnlyCopiedColumns) {
  catalog::Table t = SampleTable();  // id, (dropped), "Name", (generated g)
  auto add = [&](const std::string& name, const std::string& type, catalog::Oid oid) {
    catalog::Column c;
    c.attnum = static_cast<int>(t.columns.size()) + 1;
    c.name = name;
    c.type = type;
    c.type_oid = oid;
    t.columns.push_back(c);
    return &t.columns.back();
  };
  EXPECT_TRUE(FixedCharPositions(t).empty());
  add("c8", "character(8)", 1042);
  add("free", "bpchar", 1042);         // no length: its spaces are data
  add("arr", "character(3)[]", 1042);  // an array's type_oid is its element type's
  add("dom", "s.code", 16400);         // a domain over char(n)
  add("gone", "character(2)", 1042)->dropped = true;
  add("gen", "character(2)", 1042)->generated = 's';
  add("c1", "character(1)", 1042);
  EXPECT_EQ(CopyColumnList(t), "(id, \"Name\", c8, free, arr, dom, c1)");
  EXPECT_EQ(FixedCharPositions(t), (std::vector<uint32_t>{2, 6}));
  // An inheritance child: only its own (local) columns; a partition: all; a typed table: none.
  t.parents = {4242};
  t.columns.back().local = false;
  EXPECT_EQ(FixedCharPositions(t), (std::vector<uint32_t>{2}));
  t.is_partition = true;
  EXPECT_EQ(FixedCharPositions(t), (std::vector<uint32_t>{2, 6}));
  t.of_type = "s.ct";
  EXPECT_TRUE(FixedCharPositions(t).empty());
}

TEST(Sequence, AllOptionsSpelledOut) {
  catalog::Sequence s;
  s.schema = "public";
  s.name = "s1";
  s.type = "smallint";
  s.start = 50;
  s.increment = -2;
  s.min = -100;
  s.max = 100;
  s.cache = 5;
  s.cycle = true;
  s.last_value = 42;
  s.is_called = true;
  EXPECT_EQ(CreateSequence(s),
            "CREATE SEQUENCE public.s1\n    AS smallint\n    START WITH 50\n"
            "    INCREMENT BY -2\n    MINVALUE -100\n    MAXVALUE 100\n    CACHE 5\n    CYCLE;\n");
  EXPECT_EQ(SequenceSet(s), "SELECT pg_catalog.setval('public.s1', 42, true);\n");
}

// As pg_dump: bounds that are the defaults of the type and direction are NO MINVALUE/MAXVALUE.
TEST(Sequence, DefaultBoundsWrittenAsNoMinMaxValue) {
  catalog::Sequence s;
  s.schema = "public";
  s.name = "up";
  s.type = "integer";
  s.min = 1;
  s.max = 2147483647;
  EXPECT_EQ(CreateSequence(s),
            "CREATE SEQUENCE public.up\n    AS integer\n    START WITH 1\n"
            "    INCREMENT BY 1\n    NO MINVALUE\n    NO MAXVALUE\n    CACHE 1;\n");
  s.name = "down";
  s.type = "bigint";
  s.increment = -1;
  s.start = -1;
  s.min = std::numeric_limits<int64_t>::min();
  s.max = -1;
  EXPECT_EQ(CreateSequence(s),
            "CREATE SEQUENCE public.down\n    START WITH -1\n"
            "    INCREMENT BY -1\n    NO MINVALUE\n    NO MAXVALUE\n    CACHE 1;\n");
  s.max = 5;  // not the default any more
  EXPECT_NE(CreateSequence(s).find("    MAXVALUE 5\n"), std::string::npos);
}

TEST(Comment, QuotesText) {
  EXPECT_EQ(Comment("TABLE s.t", "it's"), "COMMENT ON TABLE s.t IS 'it''s';\n");
}

TEST(RelOptions, ValuesQuoted) {
  EXPECT_EQ(FormatRelOptions("check_option=local\nsecurity_barrier=true"),
            "check_option='local', security_barrier='true'");
  EXPECT_EQ(FormatRelOptions(""), "");
}

}  // namespace
}  // namespace libdump::ddl
