// Name patterns (dump/name_pattern.h) and --filter files (dump/filter_file.h): pure functions,
// no server.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dump/filter_file.h"
#include "dump/name_pattern.h"
#include "libdump/dump.h"

namespace libdump::dump {
namespace {

std::vector<std::string> Parts(const std::string& pattern, int max_parts) {
  return ParseNamePattern(pattern, max_parts).regex_parts;
}

TEST(NamePattern, PlainNameIsAnchoredAndFoldedToLowerCase) {
  EXPECT_EQ(Parts("Orders", 3), std::vector<std::string>{"^(orders)$"});
}

TEST(NamePattern, WildcardsBecomeRegex) {
  EXPECT_EQ(Parts("ord*", 3), std::vector<std::string>{"^(ord.*)$"});
  EXPECT_EQ(Parts("t?", 3), std::vector<std::string>{"^(t.)$"});
  EXPECT_EQ(Parts("*", 3), std::vector<std::string>{"^(.*)$"});
  EXPECT_TRUE(MatchesEverything(Parts("*", 1)[0]));
}

TEST(NamePattern, QuotesKeepCaseAndMakeEverythingLiteral) {
  EXPECT_EQ(Parts("\"MiXed\"", 3), std::vector<std::string>{"^(MiXed)$"});
  EXPECT_EQ(Parts("\"a*b?.c\"", 3), std::vector<std::string>{"^(a\\*b\\?\\.c)$"});
  EXPECT_EQ(Parts("\"x|y(z)[1]{2}^\\\\\"", 1),
            std::vector<std::string>{"^(x\\|y\\(z\\)\\[1\\]\\{2\\}\\^\\\\\\\\)$"});
}

TEST(NamePattern, DoubledQuoteInsideQuotesIsOneQuote) {
  EXPECT_EQ(Parts("\"we\"\"ird\"", 3), std::vector<std::string>{"^(we\"ird)$"});
}

TEST(NamePattern, MixedQuotedAndUnquotedParts) {
  EXPECT_EQ(Parts("A\"B\"c", 3), std::vector<std::string>{"^(aBc)$"});
}

TEST(NamePattern, DotsSplitSchemaAndName) {
  EXPECT_EQ(Parts("Public.T*", 3), (std::vector<std::string>{"^(public)$", "^(t.*)$"}));
  EXPECT_EQ(Parts("db.s.t", 3), (std::vector<std::string>{"^(db)$", "^(s)$", "^(t)$"}));
  NamePattern p = ParseNamePattern("\"My DB\".s.t", 3);
  EXPECT_EQ(p.dots, 2);
  EXPECT_EQ(p.first_literal, "My DB");
}

TEST(NamePattern, QuotedDotIsNotASeparator) {
  NamePattern p = ParseNamePattern("\"a.b\".\"c.d\"", 3);
  EXPECT_EQ(p.dots, 1);
  EXPECT_EQ(p.regex_parts, (std::vector<std::string>{"^(a\\.b)$", "^(c\\.d)$"}));
}

TEST(NamePattern, ExtraDotsAreCountedAndKeptInTheLastPart) {
  NamePattern p = ParseNamePattern("a.b.c.d", 3);
  EXPECT_EQ(p.dots, 3);
  EXPECT_EQ(p.regex_parts, (std::vector<std::string>{"^(a)$", "^(b)$", "^(c.d)$"}));
  NamePattern s = ParseNamePattern("a.b.c", 2);
  EXPECT_EQ(s.dots, 2);
  EXPECT_EQ(s.regex_parts, (std::vector<std::string>{"^(a)$", "^(b.c)$"}));
}

TEST(NamePattern, DollarIsAlwaysLiteral) {
  EXPECT_EQ(Parts("a$1", 1), std::vector<std::string>{"^(a\\$1)$"});
  EXPECT_EQ(Parts("\"a$\"", 1), std::vector<std::string>{"^(a\\$)$"});
}

TEST(NamePattern, RegexClassesPassThroughOutsideQuotes) {
  EXPECT_EQ(Parts("t[0-9]+", 1), std::vector<std::string>{"^(t[0-9]+)$"});
  EXPECT_EQ(Parts("a|b", 1), std::vector<std::string>{"^(a|b)$"});
}

TEST(NamePattern, EmptyBracketsStayLiteral) {
  EXPECT_EQ(Parts("int[]", 1), std::vector<std::string>{"^(int\\[])$"});
}

TEST(NamePattern, NonAsciiBytesAreKept) {
  EXPECT_EQ(Parts("Ünïcødé", 1), std::vector<std::string>{"^(Ünïcødé)$"});
}

TEST(NamePattern, EmptyPartMatchesOnlyAnEmptyName) {
  EXPECT_EQ(Parts("s.", 3), (std::vector<std::string>{"^(s)$", "^()$"}));
}

// --- filter files ------------------------------------------------------------------------------

TEST(FilterFile, ParsesRulesCommentsAndBlankLines) {
  auto rules = ParseFilterRules(
      "# a comment\n"
      "\n"
      "include table public.t*\n"
      "  EXCLUDE   Schema \"My Schema\"   # trailing comment\n"
      "exclude table_data \"a b\".\"c\"\"d\"\n",
      "f.txt");
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  ASSERT_EQ(rules->size(), 3u);
  EXPECT_TRUE((*rules)[0].include);
  EXPECT_EQ((*rules)[0].object, FilterObject::kTable);
  EXPECT_EQ((*rules)[0].pattern, "public.t*");
  EXPECT_EQ((*rules)[0].line, 3);
  EXPECT_FALSE((*rules)[1].include);
  EXPECT_EQ((*rules)[1].object, FilterObject::kSchema);
  EXPECT_EQ((*rules)[1].pattern, "\"My Schema\"");
  EXPECT_EQ((*rules)[2].object, FilterObject::kTableData);
  EXPECT_EQ((*rules)[2].pattern, "\"a b\".\"c\"\"d\"");
  EXPECT_EQ((*rules)[2].line, 5);
}

void ExpectFilterError(const std::string& text, const std::string& what) {
  auto rules = ParseFilterRules(text, "my.filter");
  ASSERT_FALSE(rules.ok()) << text;
  EXPECT_EQ(rules.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(rules.status().message().find("filter read from file \"my.filter\" on line 2"),
            std::string::npos)
      << rules.status().message();
  EXPECT_NE(rules.status().message().find(what), std::string::npos) << rules.status().message();
}

TEST(FilterFile, ErrorsNameTheFileAndLine) {
  ExpectFilterError("include table a\ninclud table b\n", "invalid filter command");
  ExpectFilterError("# c\ninclude\n", "missing object type");
  ExpectFilterError("\ninclude tables x\n", "unsupported filter object type: \"tables\"");
  ExpectFilterError("\ninclude table\n", "missing object name pattern");
  ExpectFilterError("\ninclude table  # only a comment\n", "missing object name pattern");
  ExpectFilterError("\ninclude table a b\n", "unexpected extra data after pattern");
  ExpectFilterError("\ninclude table \"abc\n", "unterminated quoted string");
  ExpectFilterError("\n*\n", "no filter command found");
}

TEST(FilterFile, AddDumpFilterMapsRulesToOptions) {
  DumpOptions o;
  ASSERT_TRUE(AddDumpFilter("include table a\nexclude table b\ninclude schema c\n"
                            "exclude schema d\nexclude table_data e\n",
                            "f", &o)
                  .ok());
  EXPECT_EQ(o.tables, std::vector<std::string>{"a"});
  EXPECT_EQ(o.exclude_tables, std::vector<std::string>{"b"});
  EXPECT_EQ(o.schemas, std::vector<std::string>{"c"});
  EXPECT_EQ(o.exclude_schemas, std::vector<std::string>{"d"});
  EXPECT_EQ(o.exclude_table_data, std::vector<std::string>{"e"});
}

TEST(FilterFile, ChildrenRulesMapToTheAndChildrenOptions) {
  DumpOptions o;
  ASSERT_TRUE(AddDumpFilter("include table_and_children a\nexclude table_and_children b\n"
                            "exclude table_data_and_children c\n",
                            "k.filter", &o)
                  .ok());
  EXPECT_EQ(o.tables_and_children, std::vector<std::string>{"a"});
  EXPECT_EQ(o.exclude_tables_and_children, std::vector<std::string>{"b"});
  EXPECT_EQ(o.exclude_table_data_and_children, std::vector<std::string>{"c"});
  EXPECT_TRUE(o.tables.empty());
}

TEST(FilterFile, AddDumpFilterRejectsWhatNdumpCannotDo) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"include table_data t", "include filter for \"table data\" is not allowed"},
      {"include table_data_and_children t",
       "include filter for \"table data and children\" is not allowed"},
      {"include extension e", "\"extension\" is not supported"},
      {"include foreign_data s", "\"foreign data\" is not supported"},
      {"exclude foreign_data s", "exclude filter for \"foreign data\" is not allowed"},
      {"include function f", "include filter for \"function\" is not allowed"},
      {"exclude index i", "exclude filter for \"index\" is not allowed"},
  };
  for (const auto& [rule, what] : cases) {
    DumpOptions o;
    Status st = AddDumpFilter("# first\n" + rule + "\n", "x.filter", &o);
    ASSERT_FALSE(st.ok()) << rule;
    EXPECT_NE(st.message().find("\"x.filter\" on line 2: "), std::string::npos) << st.message();
    EXPECT_NE(st.message().find(what), std::string::npos) << st.message();
  }
}

}  // namespace
}  // namespace libdump::dump
