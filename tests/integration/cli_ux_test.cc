// What both tools share on the command line (docs/manual.md, "Progress and summary"): the
// --progress modes, the json schema and its final totals, the closing summary, --help and the
// man pages covering every option of the parsers, --version.
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "libdump/format/archive.h"
#include "libdump/format/byte_io.h"
#include "libdump/version.h"
#include "tools.h"

namespace ndump_test {
namespace {

// ---- A strict JSON reader, enough for the progress schema ---------------------------------------

struct Json {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject } type = Type::kNull;
  bool boolean = false;
  double number = 0;
  std::string text;  // the number's literal text too, to compare large integers exactly
  std::vector<Json> items;
  std::map<std::string, Json> fields;

  bool Has(const std::string& k) const { return fields.count(k) > 0; }
  const Json& operator[](const std::string& k) const { return fields.at(k); }
  uint64_t U() const { return std::stoull(text); }
};

class JsonParser {
 public:
  explicit JsonParser(const std::string& s) : s_(s) {}

  // The whole text as one value; nullopt on any syntax error or trailing text.
  std::optional<Json> ParseAll() {
    Json v;
    if (!Value(&v)) return std::nullopt;
    Space();
    if (i_ != s_.size()) return std::nullopt;
    return v;
  }

 private:
  void Space() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  bool Literal(const char* word) {
    const std::string w(word);
    if (s_.compare(i_, w.size(), w) != 0) return false;
    i_ += w.size();
    return true;
  }
  bool String(std::string* out) {
    if (i_ >= s_.size() || s_[i_] != '"') return false;
    ++i_;
    while (i_ < s_.size() && s_[i_] != '"') {
      const char c = s_[i_++];
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (i_ >= s_.size()) return false;
      const char e = s_[i_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out->push_back(e);
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 'b':
        case 'f':
          out->push_back(' ');
          break;
        case 'u':
          if (i_ + 4 > s_.size()) return false;
          out->push_back('?');
          i_ += 4;
          break;
        default:
          return false;
      }
    }
    if (i_ >= s_.size()) return false;
    ++i_;
    return true;
  }
  bool Value(Json* v) {
    Space();
    if (i_ >= s_.size()) return false;
    const char c = s_[i_];
    if (c == '{') {
      v->type = Json::Type::kObject;
      ++i_;
      Space();
      if (i_ < s_.size() && s_[i_] == '}') return ++i_, true;
      while (true) {
        Space();
        std::string key;
        if (!String(&key)) return false;
        Space();
        if (i_ >= s_.size() || s_[i_++] != ':') return false;
        Json item;
        if (!Value(&item)) return false;
        if (!v->fields.emplace(key, std::move(item)).second) return false;  // duplicate key
        Space();
        if (i_ >= s_.size()) return false;
        if (s_[i_] == ',') {
          ++i_;
          continue;
        }
        if (s_[i_] == '}') return ++i_, true;
        return false;
      }
    }
    if (c == '[') {
      v->type = Json::Type::kArray;
      ++i_;
      Space();
      if (i_ < s_.size() && s_[i_] == ']') return ++i_, true;
      while (true) {
        Json item;
        if (!Value(&item)) return false;
        v->items.push_back(std::move(item));
        Space();
        if (i_ >= s_.size()) return false;
        if (s_[i_] == ',') {
          ++i_;
          continue;
        }
        if (s_[i_] == ']') return ++i_, true;
        return false;
      }
    }
    if (c == '"') {
      v->type = Json::Type::kString;
      return String(&v->text);
    }
    if (Literal("null")) return true;
    if (Literal("true") || Literal("false")) {
      v->type = Json::Type::kBool;
      v->boolean = s_[i_ - 1] == 'e' && s_[i_ - 2] == 'u';
      return true;
    }
    static const std::regex kNumber(R"(^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?)");
    std::smatch m;
    const std::string rest = s_.substr(i_, 64);
    if (!std::regex_search(rest, m, kNumber)) return false;
    v->type = Json::Type::kNumber;
    v->text = m[0].str();
    v->number = std::stod(v->text);
    i_ += v->text.size();
    return true;
  }

  const std::string& s_;
  size_t i_ = 0;
};

// Every line of `err` as a JSON object with a string "event"; fails on the first that is not.
::testing::AssertionResult ParseJsonLines(const std::string& err, std::vector<Json>* events) {
  for (const std::string& line : Lines(err)) {
    std::optional<Json> v = JsonParser(line).ParseAll();
    if (!v || v->type != Json::Type::kObject || !v->Has("event") ||
        (*v)["event"].type != Json::Type::kString) {
      return ::testing::AssertionFailure() << "not a JSON event object: " << line;
    }
    events->push_back(std::move(*v));
  }
  return ::testing::AssertionSuccess();
}

// The fields of the documented schema (docs/manual.md), each with its type.
::testing::AssertionResult MatchesSchema(const Json& e, const std::string& tool) {
  using T = Json::Type;
  static const std::map<std::string, std::map<std::string, T>> kSchema = {
      {"progress",
       {{"tool", T::kString},
        {"elapsed", T::kNumber},
        {"bytes_done", T::kNumber},
        {"bytes_total", T::kNumber},
        {"stored_bytes_done", T::kNumber},
        {"rows_done", T::kNumber},
        {"tables_done", T::kNumber},
        {"tables_total", T::kNumber},
        {"rate", T::kNumber},
        {"workers", T::kArray}}},
      {"message", {{"tool", T::kString}, {"elapsed", T::kNumber}, {"level", T::kString}}},
      {"summary",
       {{"tool", T::kString},
        {"objects", T::kNumber},
        {"tables", T::kNumber},
        {"rows", T::kNumber},
        {"raw_bytes", T::kNumber},
        {"stored_bytes", T::kNumber},
        {"ratio", T::kNumber},
        {"seconds", T::kNumber}}},
      {"error", {{"tool", T::kString}, {"exit_code", T::kNumber}, {"message", T::kString}}},
  };
  const std::string& kind = e["event"].text;
  auto it = kSchema.find(kind);
  if (it == kSchema.end()) return ::testing::AssertionFailure() << "unknown event " << kind;
  for (const auto& [field, type] : it->second) {
    if (!e.Has(field) || e[field].type != type) {
      return ::testing::AssertionFailure()
             << kind << " event: field " << field << " missing or of the wrong type";
    }
  }
  if (e["tool"].text != tool) return ::testing::AssertionFailure() << "tool " << e["tool"].text;
  if (kind == "progress") {
    if (!e.Has("eta") || (e["eta"].type != T::kNull && e["eta"].type != T::kNumber)) {
      return ::testing::AssertionFailure() << "progress event: eta must be null or a number";
    }
    for (const Json& w : e["workers"].items) {
      if (w.type != T::kObject || !w.Has("worker") || w["worker"].type != T::kNumber ||
          !w.Has("entry") || (w["entry"].type != T::kNull && w["entry"].type != T::kString)) {
        return ::testing::AssertionFailure() << "progress event: malformed worker state";
      }
    }
  }
  return ::testing::AssertionSuccess();
}

// What the archive holds, read back through libdump_format.
struct ArchiveTotals {
  uint64_t entries = 0, data_entries = 0, rows = 0, raw_bytes = 0, stored_bytes = 0, size = 0;
};

ArchiveTotals ReadTotals(const std::string& path) {
  ArchiveTotals t;
  auto source = libdump::OpenFileSource(path);
  EXPECT_TRUE(source.ok()) << source.status().ToString();
  if (!source.ok()) return t;
  auto reader = libdump::format::ArchiveReader::Open(source->get());
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return t;
  EXPECT_TRUE((*reader)->LoadIndex().ok());
  t.entries = (*reader)->toc().size();
  for (const auto& s : (*reader)->stats()) {
    ++t.data_entries;
    t.rows += s.rows;
    t.raw_bytes += s.raw_bytes;
    t.stored_bytes += s.stored_bytes;
  }
  auto size = (*source)->Size();
  if (size.ok()) t.size = *size;
  return t;
}

// The events, checked against the schema and each other: progress counters only grow, the
// summary is the last event and the last progress event carries its totals.
struct JsonRun {
  std::vector<Json> progress;
  Json summary;
};

::testing::AssertionResult CheckJsonRun(const CommandResult& r, const std::string& tool,
                                        JsonRun* run) {
  std::vector<Json> events;
  if (auto ok = ParseJsonLines(r.err, &events); !ok) return ok;
  if (events.empty()) return ::testing::AssertionFailure() << "no events\n" << r.Describe();
  uint64_t last_rows = 0, last_bytes = 0, last_tables = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    const Json& e = events[i];
    if (auto ok = MatchesSchema(e, tool); !ok) return ok;
    const std::string& kind = e["event"].text;
    if (kind == "summary" && i + 1 != events.size()) {
      return ::testing::AssertionFailure() << "the summary is not the last event";
    }
    if (kind != "progress") continue;
    if (e["rows_done"].U() < last_rows || e["bytes_done"].U() < last_bytes ||
        e["tables_done"].U() < last_tables) {
      return ::testing::AssertionFailure() << "progress went backwards";
    }
    last_rows = e["rows_done"].U();
    last_bytes = e["bytes_done"].U();
    last_tables = e["tables_done"].U();
    run->progress.push_back(e);
  }
  if (events.back()["event"].text != "summary") {
    return ::testing::AssertionFailure() << "the last event is not the summary\n" << r.Describe();
  }
  if (run->progress.empty()) return ::testing::AssertionFailure() << "no progress event";
  run->summary = events.back();
  const Json& last = run->progress.back();
  const Json& s = run->summary;
  if (last["rows_done"].U() != s["rows"].U() || last["bytes_done"].U() != s["raw_bytes"].U() ||
      last["tables_done"].U() != s["tables"].U() ||
      last["tables_done"].U() != last["tables_total"].U()) {
    return ::testing::AssertionFailure() << "the last progress event and the summary differ\n"
                                         << r.err;
  }
  for (const Json& w : last["workers"].items) {
    if (w["entry"].type != Json::Type::kNull) {
      return ::testing::AssertionFailure()
             << "a worker is still busy at the end: " << w["entry"].text;
    }
  }
  return ::testing::AssertionSuccess();
}

TEST(CliProgress, JsonTotalsEqualTheSummaryAndTheArchive) {
  const std::string src = NewLoadedDatabase("sample.sql", "json_src");
  ScopedTempDir dir;
  const std::string archive = dir.File("a.ndump");
  const CommandResult dumped = Ndump({"-d", Cluster().ConnInfo(src), "-f", archive, "-j", "3",
                                      "--split-size", "0.05", "--progress=json"});
  ASSERT_EQ(dumped.exit_code, kExitOk) << dumped.Describe();
  const ArchiveTotals t = ReadTotals(archive);
  ASSERT_GT(t.rows, 0u);

  JsonRun dump;
  ASSERT_TRUE(CheckJsonRun(dumped, "ndump", &dump));
  EXPECT_EQ(dump.summary["rows"].U(), t.rows);
  EXPECT_EQ(dump.summary["raw_bytes"].U(), t.raw_bytes);
  EXPECT_EQ(dump.summary["tables"].U(), t.data_entries);
  EXPECT_EQ(dump.summary["objects"].U(), t.entries);
  EXPECT_EQ(dump.summary["stored_bytes"].U(), t.size);  // a dump: the whole archive
  EXPECT_GT(dump.progress.back()["bytes_total"].U(), 0u);
  EXPECT_LE(dump.progress.back()["workers"].items.size(), 3u);

  const std::string copy = Cluster().CreateDatabase("json_copy");
  const CommandResult restored =
      Nrestore({"-d", Cluster().ConnInfo(copy), "-j", "2", "--progress=json", archive});
  ASSERT_EQ(restored.exit_code, kExitOk) << restored.Describe();
  JsonRun restore;
  ASSERT_TRUE(CheckJsonRun(restored, "nrestore", &restore));
  EXPECT_EQ(restore.summary["rows"].U(), t.rows);
  EXPECT_EQ(restore.summary["raw_bytes"].U(), t.raw_bytes);
  EXPECT_EQ(restore.summary["stored_bytes"].U(), t.stored_bytes);  // a restore: the data blocks
  EXPECT_EQ(restore.summary["tables"].U(), t.data_entries);
  // The restore's estimate is exact: the archive's raw sizes.
  EXPECT_EQ(restore.progress.back()["bytes_total"].U(), t.raw_bytes);
  EXPECT_SAME_DATABASE(src, copy);
}

TEST(CliProgress, JsonReportsAFailureAsAnErrorObject) {
  ScopedTempDir dir;
  const std::string bogus = dir.File("not-an-archive");
  ASSERT_TRUE(WriteFile(bogus, std::string(4096, 'x')));
  const std::string copy = Cluster().CreateDatabase("json_fail");
  const CommandResult r = Nrestore({"-d", Cluster().ConnInfo(copy), "--progress=json", bogus});
  EXPECT_EQ(r.exit_code, kExitBadArchive) << r.Describe();
  std::vector<Json> events;
  ASSERT_TRUE(ParseJsonLines(r.err, &events));
  ASSERT_FALSE(events.empty());
  const Json& last = events.back();
  ASSERT_TRUE(MatchesSchema(last, "nrestore"));
  EXPECT_EQ(last["event"].text, "error");
  EXPECT_EQ(last["exit_code"].U(), static_cast<uint64_t>(kExitBadArchive));
}

TEST(CliProgress, AutoPrintsNothingWhenStderrIsNotATerminal) {
  const std::string src = NewLoadedDatabase("sample.sql", "auto_src");
  ScopedTempDir dir;
  const std::string archive = dir.File("a.ndump");
  for (const char* mode : {"--progress=auto", "--progress=never"}) {
    SCOPED_TRACE(mode);
    const CommandResult d = Ndump({"-d", Cluster().ConnInfo(src), "-f", archive, mode});
    ASSERT_EQ(d.exit_code, kExitOk) << d.Describe();
    EXPECT_EQ(d.err, "");
    const std::string copy = Cluster().CreateDatabase("auto_copy");
    const CommandResult r = Nrestore({"-d", Cluster().ConnInfo(copy), mode, archive});
    ASSERT_EQ(r.exit_code, kExitOk) << r.Describe();
    EXPECT_EQ(r.err, "");
  }
  // Without the option at all: auto.
  const CommandResult d = Ndump({"-d", Cluster().ConnInfo(src), "-f", archive});
  ASSERT_EQ(d.exit_code, kExitOk) << d.Describe();
  EXPECT_EQ(d.err, "");
}

TEST(CliProgress, AlwaysWithoutATerminalWritesPlainLinesAndVerboseAddsTheSummary) {
  const std::string src = NewLoadedDatabase("sample.sql", "always_src");
  ScopedTempDir dir;
  const std::string archive = dir.File("a.ndump");
  const CommandResult d =
      Ndump({"-d", Cluster().ConnInfo(src), "-f", archive, "-j", "2", "--progress=always", "-v"});
  ASSERT_EQ(d.exit_code, kExitOk) << d.Describe();
  EXPECT_EQ(d.err.find('\x1b'), std::string::npos) << "terminal escapes without a terminal";
  EXPECT_EQ(d.err.find('\r'), std::string::npos);
  const ArchiveTotals t = ReadTotals(archive);
  // 1234567 -> "1,234,567", as the display writes counts.
  const std::string digits = std::to_string(t.rows);
  std::string rows;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) rows.push_back(',');
    rows.push_back(digits[i]);
  }
  const std::vector<std::string> lines = Lines(d.err);
  bool final_line = false, summary = false;
  for (const std::string& l : lines) {
    if (l.rfind("ndump: 100% ", 0) == 0 && l.find(" " + rows + " rows") != std::string::npos) {
      final_line = true;
    }
    if (l.rfind("ndump: done: ", 0) == 0) {
      summary = l.find(" " + rows + " rows") != std::string::npos &&
                l.find(std::to_string(t.entries) + " objects") != std::string::npos &&
                l.find("ratio") != std::string::npos;
    }
  }
  EXPECT_TRUE(final_line) << d.err;
  EXPECT_TRUE(summary) << d.err;
  // The summary alone is a -v matter when stderr is not a terminal.
  const CommandResult quiet =
      Ndump({"-d", Cluster().ConnInfo(src), "-f", archive, "--progress=never"});
  ASSERT_EQ(quiet.exit_code, kExitOk) << quiet.Describe();
  EXPECT_EQ(quiet.err.find("done:"), std::string::npos);
}

// Runs a shell command line on a pseudo-terminal (util-linux script(1)): stdin, stdout and
// stderr are the terminal, whose output comes back in `out`.
CommandResult OnTerminal(const std::string& command_line) {
  return RunCommand(
      {"script", "--quiet", "--return", "--flush", "--command", command_line, "/dev/null"});
}

std::string Quoted(const std::string& s) {
  std::string q = "'";
  for (const char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

TEST(CliProgress, OnATerminalTheDisplayIsRedrawnInPlaceAndTheSummaryPrinted) {
  const std::string src = NewLoadedDatabase("sample.sql", "tty_src");
  Cluster().Query(src,
                  "CREATE TABLE public.bulk AS SELECT g, md5(g::text) AS h, repeat('x', 100) AS r "
                  "FROM generate_series(1, 400000) AS g");
  ScopedTempDir dir;
  const std::string archive = dir.File("a.ndump");
  // Each command meets a pipe that stalls for two seconds in the middle of the table data, so
  // the display (5 redraws a second) is drawn and redrawn with workers busy however fast the
  // machine is. ndump writes to a reader that waits before it reads; nrestore reads an archive
  // whose second half arrives late.
  const CommandResult d =
      OnTerminal("bash -c " + Quoted("set -o pipefail; " + Quoted(NDUMP_BIN) + " -d " +
                                     Quoted(Cluster().ConnInfo(src)) +
                                     " -j 2 -f - | { sleep 2; cat > " + Quoted(archive) + "; }"));
  ASSERT_EQ(d.exit_code, kExitOk) << d.Describe() << d.out;
  const uint64_t half = std::filesystem::file_size(archive) / 2;
  const std::string copy = Cluster().CreateDatabase("tty_copy");
  const CommandResult r = OnTerminal(
      "bash -c " + Quoted("set -o pipefail; { head -c " + std::to_string(half) +
                          "; sleep 2; cat; } < " + Quoted(archive) + " | " + Quoted(NRESTORE_BIN) +
                          " -d " + Quoted(Cluster().ConnInfo(copy)) + " -j 2 -"));
  ASSERT_EQ(r.exit_code, kExitOk) << r.Describe() << r.out;
  for (const auto& [tool, out] :
       {std::pair<std::string, std::string>{"ndump", d.out}, {"nrestore", r.out}}) {
    SCOPED_TRACE(tool);
    // Drawn, then redrawn over itself: erase-line and cursor-up sequences.
    EXPECT_NE(out.find("\x1b[2K" + tool + ": "), std::string::npos) << out;
    EXPECT_TRUE(std::regex_search(out, std::regex("\x1b\\[[0-9]+A"))) << out;
    EXPECT_NE(out.find("  worker 0: TABLE DATA "), std::string::npos) << out;
    EXPECT_NE(out.find("  worker 1: "), std::string::npos) << out;
    // The last status line stays, the summary follows without -v on a terminal.
    EXPECT_NE(out.find(tool + ": 100% "), std::string::npos) << out;
    EXPECT_NE(out.find(tool + ": done: "), std::string::npos) << out;
  }
  EXPECT_SAME_DATABASE(src, copy);
}

TEST(CliProgress, ABadProgressValueIsAUsageErrorNamingTheOption) {
  for (const auto& [tool, run] :
       {std::pair<std::string, CommandResult (*)(const std::vector<std::string>&,
                                                 const RunOptions&)>{"ndump", &Ndump},
        {"nrestore", &Nrestore}}) {
    SCOPED_TRACE(tool);
    const CommandResult r = run({"--progress=sometimes", "x"}, {});
    EXPECT_EQ(r.exit_code, kExitUsage) << r.Describe();
    const std::vector<std::string> lines = Lines(r.err);
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines[0].rfind(tool + ": error: ", 0), 0u) << lines[0];
    EXPECT_NE(lines[0].find("--progress"), std::string::npos) << lines[0];
  }
}

// ---- --help, man pages, --version
// -----------------------------------------------------------------

std::string ReadSource(const std::string& relative) {
  std::ifstream in(std::string(NDUMP_SOURCE_DIR) + "/" + relative);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_FALSE(ss.str().empty()) << "cannot read " << relative;
  return ss.str();
}

// The option names the tool's parser is given, read from the sources that build it: every
// add_option/add_flag/set_*_flag call's (and ndump's repeatable() helper's) name list ("-f,--file"
// gives -f and --file; a name without a dash is a positional).
std::set<std::string> ParserOptionNames(const std::string& tool) {
  static const std::regex kCall(
      R"re((add_option|add_flag|set_version_flag|set_help_flag|repeatable)\(\s*"([^"]+)")re");
  std::set<std::string> names;
  for (const std::string& file :
       {"tools/" + tool + "/main.cc", std::string("tools/common/cli_common.cc"),
        std::string("tools/common/progress.cc"), std::string("tools/common/help.cc")}) {
    const std::string text = ReadSource(file);
    for (std::sregex_iterator it(text.begin(), text.end(), kCall), end; it != end; ++it) {
      std::stringstream list((*it)[2].str());
      std::string name;
      while (std::getline(list, name, ',')) names.insert(name);
    }
  }
  return names;
}

// Whether `name` appears in `text` as a word of its own (not as part of a longer option).
bool MentionsOption(const std::string& text, const std::string& name) {
  for (size_t at = text.find(name); at != std::string::npos; at = text.find(name, at + 1)) {
    const bool start_ok = at == 0 || std::string(" \t\n,[").find(text[at - 1]) != std::string::npos;
    const size_t end = at + name.size();
    const bool end_ok =
        end == text.size() || std::string(" \t\n,=]").find(text[end]) != std::string::npos;
    if (start_ok && end_ok) return true;
  }
  return false;
}

TEST(CliHelp, HelpMentionsEveryOptionOfTheParser) {
  for (const std::string tool : {"ndump", "nrestore"}) {
    SCOPED_TRACE(tool);
    const CommandResult r = tool == "ndump" ? Ndump({"--help"}) : Nrestore({"--help"});
    ASSERT_EQ(r.exit_code, kExitOk) << r.Describe();
    const std::set<std::string> names = ParserOptionNames(tool);
    ASSERT_GE(names.size(), 12u) << "too few options found in the sources";
    for (const std::string& name : names) EXPECT_TRUE(MentionsOption(r.out, name)) << name;
    // The man-page shape: NAME line, usage, option groups, exit status and environment.
    const std::vector<std::string> lines = Lines(r.out);
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines[0].rfind(tool + " - ", 0), 0u) << lines[0];
    for (const char* section : {"Usage: ", "Connection options:", "Output options:",
                                "Behaviour options:", "Exit status:", "Environment:"}) {
      EXPECT_NE(r.out.find(section), std::string::npos) << section;
    }
    EXPECT_EQ(r.out.find("Other options:"), std::string::npos) << "an option without a group";
    for (const std::string& l : lines) EXPECT_LE(l.size(), 79u) << l;
  }
}

TEST(CliHelp, ManPagesListEveryOptionOfTheParser) {
#ifdef NDUMP_MAN_DIR
  for (const std::string tool : {"ndump", "nrestore"}) {
    SCOPED_TRACE(tool);
    std::ifstream in(std::string(NDUMP_MAN_DIR) + "/" + tool + ".1");
    std::stringstream ss;
    ss << in.rdbuf();
    // roff escapes the dashes of option names: "\-\-file".
    std::string page;
    const std::string roff = ss.str();
    for (size_t k = 0; k < roff.size(); ++k) {
      if (roff[k] == '\\' && k + 1 < roff.size() && roff[k + 1] == '-') continue;
      page.push_back(roff[k]);
    }
    ASSERT_FALSE(page.empty()) << "no man page " << tool << ".1";
    for (const std::string& name : ParserOptionNames(tool)) {
      EXPECT_NE(page.find(name), std::string::npos) << name;
    }
  }
#else
  GTEST_FAIL() << "help2man was not found when the build was configured: no man pages to check";
#endif
}

TEST(CliHelp, VersionPrintsTheToolLibraryAndFormatVersions) {
  const std::string format = std::to_string(LIBDUMP_ARCHIVE_FORMAT_MAJOR) + "." +
                             std::to_string(LIBDUMP_ARCHIVE_FORMAT_MINOR);
  for (const std::string tool : {"ndump", "nrestore"}) {
    for (const char* flag : {"--version", "-V"}) {
      SCOPED_TRACE(tool + " " + flag);
      const CommandResult r = tool == "ndump" ? Ndump({flag}) : Nrestore({flag});
      ASSERT_EQ(r.exit_code, kExitOk) << r.Describe();
      const std::vector<std::string> lines = Lines(r.out);
      ASSERT_EQ(lines.size(), 3u) << r.out;
      EXPECT_EQ(lines[0], tool + " " + LIBDUMP_VERSION);
      EXPECT_EQ(lines[1], std::string("libdump ") + LIBDUMP_VERSION);
      EXPECT_EQ(lines[2].rfind("archive format " + format + " ", 0), 0u) << lines[2];
    }
  }
}

}  // namespace
}  // namespace ndump_test
