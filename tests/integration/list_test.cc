// nrestore --list: one line per TOC entry, in restore order, in the shape of `pg_restore -l`:
//   <dump_id>; [<catalog oids> ]<KIND> <schema> <name> <owner>
// plus, optionally, comment lines starting with ';'.
// Names are printed as they are (not quoted), so the checks look for a line of the right kind that
// contains the name.
#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "tools.h"

namespace ndump_test {
namespace {

struct Entry {
  int dump_id = 0;
  std::string kind;
  std::string rest;  // everything after the kind: schema, name, owner
  std::string line;
};

// Kinds made of several words must be recognized before their one-word prefixes.
const std::vector<std::string> kKinds = {"SEQUENCE OWNED BY",
                                         "SEQUENCE SET",
                                         "TABLE DATA",
                                         "FK CONSTRAINT",
                                         "CHECK CONSTRAINT",
                                         "INDEX ATTACH",
                                         "DEFAULT ACL",
                                         "TABLE",
                                         "SEQUENCE",
                                         "CONSTRAINT",
                                         "INDEX",
                                         "VIEW",
                                         "TYPE",
                                         "DOMAIN",
                                         "SCHEMA",
                                         "COMMENT",
                                         "DEFAULT",
                                         "ENCODING",
                                         "STDSTRINGS",
                                         "SEARCHPATH",
                                         "DATABASE"};

// Lines starting with ';' are comments (as in pg_restore -l), e.g. a header; if the header states
// "TOC Entries: N", N must be the number of entry lines.
::testing::AssertionResult ParseList(const std::string& out, std::vector<Entry>* entries) {
  static const std::regex kLine(R"(^(\d+); (?:\d+ \d+ )?(.*)$)");
  static const std::regex kCount(R"(^;\s*TOC Entries:\s*(\d+)\s*$)");
  int stated_count = -1;
  for (const std::string& line : Lines(out)) {
    std::smatch m;
    if (line.empty() || line[0] == ';') {
      if (std::regex_match(line, m, kCount)) stated_count = std::stoi(m[1].str());
      continue;
    }
    if (!std::regex_match(line, m, kLine)) {
      return ::testing::AssertionFailure() << "not a TOC line: [" << line << "]";
    }
    Entry e;
    e.dump_id = std::stoi(m[1].str());
    e.line = line;
    const std::string body = m[2].str();
    for (const std::string& kind : kKinds) {
      if (body.rfind(kind + " ", 0) == 0) {
        e.kind = kind;
        break;
      }
    }
    if (e.kind.empty()) e.kind = body.substr(0, body.find(' '));
    e.rest = body.substr(std::min(body.size(), e.kind.size() + 1));
    entries->push_back(e);
  }
  if (stated_count >= 0 && stated_count != static_cast<int>(entries->size())) {
    return ::testing::AssertionFailure() << "the header says " << stated_count
                                         << " TOC entries, but there are " << entries->size();
  }
  return ::testing::AssertionSuccess();
}

// Position of the first entry of `kind` whose line contains `name`, or -1.
int Find(const std::vector<Entry>& entries, const std::string& kind, const std::string& name) {
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].kind == kind && entries[i].rest.find(name) != std::string::npos) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

class ListTest : public ::testing::Test {
 protected:
  void SetUp() override {
    src_ = NewLoadedDatabase();
    archive_ = dir_.File("foundation.ndump");
    ASSERT_TRUE(DumpTo(src_, archive_, {"-j", "2"}));
  }

  std::string src_;
  ScopedTempDir dir_;
  std::string archive_;
};

TEST_F(ListTest, OneLinePerEntryInRestoreOrder) {
  CommandResult r = Nrestore({"--list", archive_});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  std::vector<Entry> entries;
  ASSERT_TRUE(ParseList(r.out, &entries)) << r.out;
  ASSERT_FALSE(entries.empty());

  std::set<int> ids;
  for (const Entry& e : entries) {
    EXPECT_TRUE(ids.insert(e.dump_id).second) << "dump id used twice: " << e.line;
  }

  const std::vector<std::pair<std::string, std::string>> expected = {
      {"SCHEMA", "Mixed Case"},
      {"SCHEMA", "we\"ird.sch\\ema $1"},
      {"SCHEMA", "Ünïcødé 表"},
      {"TYPE", "mood"},
      {"TYPE", "Empty Enum"},
      {"TYPE", "point3"},
      {"DOMAIN", "posint"},
      {"DOMAIN", "short \"text\""},
      {"SEQUENCE", "Down \"Seq\""},
      {"SEQUENCE", "never_called"},
      {"TABLE", "hostile_values"},
      {"TABLE", "Tab \"le\".with.dots"},
      {"TABLE", "Grand table"},
      {"TABLE", "No Columns"},
      {"TABLE", "empty table"},
      {"VIEW", "Hostile view"},
      {"VIEW", "view on view"},
      {"TABLE DATA", "hostile_values"},
      {"TABLE DATA", "Grand table"},
      {"SEQUENCE SET", "Down \"Seq\""},
      {"CONSTRAINT", "table_pkey \"quoted\""},
      {"CONSTRAINT", "label unique"},
      {"CONSTRAINT", "Grand table_pkey"},
      {"FK CONSTRAINT", "line_table_fk"},
      {"FK CONSTRAINT", "grand_owner_fk"},
      {"INDEX", "Grand idx: name DESC"},
      {"INDEX", "grand_covering"},
      {"INDEX", "grand_partial_unique"},
      {"INDEX", "idx on \"from\".and.where"},
      {"COMMENT", "Grand table"},
  };
  for (const auto& [kind, name] : expected) {
    EXPECT_GE(Find(entries, kind, name), 0) << "no " << kind << " entry for [" << name << "] in\n"
                                            << r.out;
  }

  // Restore order: a table before its data, its data before its indexes and constraints, both
  // ends of a foreign key filled before the key is added.
  const int table = Find(entries, "TABLE", "Grand table");
  const int data = Find(entries, "TABLE DATA", "Grand table");
  const int index = Find(entries, "INDEX", "Grand idx: name DESC");
  const int pkey = Find(entries, "CONSTRAINT", "Grand table_pkey");
  const int fk = Find(entries, "FK CONSTRAINT", "grand_owner_fk");
  const int referenced_data = Find(entries, "TABLE DATA", "hostile_values");
  EXPECT_LT(table, data);
  EXPECT_LT(data, index);
  EXPECT_LT(data, pkey);
  EXPECT_LT(data, fk);
  EXPECT_LT(referenced_data, fk);
  EXPECT_LT(Find(entries, "TYPE", "mood"), Find(entries, "TABLE", "hostile_values"));
  EXPECT_LT(Find(entries, "VIEW", "Hostile view"), Find(entries, "VIEW", "view on view"));
}

TEST_F(ListTest, ShortOptionAndStdinGiveTheSameList) {
  CommandResult by_file = Nrestore({"--list", archive_});
  ASSERT_EQ(by_file.exit_code, 0) << by_file.Describe();
  CommandResult short_option = Nrestore({"-l", archive_});
  ASSERT_EQ(short_option.exit_code, 0) << short_option.Describe();
  EXPECT_EQ(short_option.out, by_file.out);

  RunOptions feed;
  feed.stdin_data = ReadFile(archive_).value_or("");
  CommandResult by_stdin = Nrestore({"--list", "-"}, feed);
  ASSERT_EQ(by_stdin.exit_code, 0) << by_stdin.Describe();
  EXPECT_EQ(by_stdin.out, by_file.out);
}

TEST_F(ListTest, ListingDoesNotNeedAServer) {
  RunOptions no_server;
  no_server.env = {{"PGHOST", "/nonexistent"}, {"PGPORT", "1"}};
  CommandResult r = Nrestore({"--list", archive_}, no_server);
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_FALSE(r.out.empty());
}

}  // namespace
}  // namespace ndump_test
