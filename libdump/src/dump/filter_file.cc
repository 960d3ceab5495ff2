#include "dump/filter_file.h"

#include <array>
#include <cctype>
#include <utility>

namespace libdump::dump {

namespace {

struct ObjectWord {
  std::string_view word;
  FilterObject object;
  const char* name;
};

constexpr std::array<ObjectWord, 12> kObjects{{
    {"aggregate", FilterObject::kAggregate, "aggregate"},
    {"database", FilterObject::kDatabase, "database"},
    {"extension", FilterObject::kExtension, "extension"},
    {"foreign_data", FilterObject::kForeignData, "foreign data"},
    {"function", FilterObject::kFunction, "function"},
    {"index", FilterObject::kIndex, "index"},
    {"schema", FilterObject::kSchema, "schema"},
    {"table", FilterObject::kTable, "table"},
    {"table_and_children", FilterObject::kTableAndChildren, "table and children"},
    {"table_data", FilterObject::kTableData, "table data"},
    {"table_data_and_children", FilterObject::kTableDataAndChildren, "table data and children"},
    {"trigger", FilterObject::kTrigger, "trigger"},
}};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// A line being scanned, left to right.
class LineScanner {
 public:
  explicit LineScanner(std::string_view line) : line_(line) {}
  void SkipSpace() {
    while (pos_ < line_.size() && IsSpace(line_[pos_])) ++pos_;
  }
  bool AtEnd() const { return pos_ >= line_.size(); }
  char Peek() const { return line_[pos_]; }
  // A keyword: letters, digits and underscores.
  std::string_view Word() {
    const size_t start = pos_;
    while (pos_ < line_.size() &&
           (std::isalnum(static_cast<unsigned char>(line_[pos_])) || line_[pos_] == '_')) {
      ++pos_;
    }
    return line_.substr(start, pos_ - start);
  }
  // A pattern: up to the first unquoted white space. Quoted parts are kept with their quotes.
  // Returns false for an unterminated quoted part.
  bool Pattern(std::string* out) {
    bool in_quotes = false;
    while (pos_ < line_.size()) {
      const char c = line_[pos_];
      if (!in_quotes && IsSpace(c)) break;
      if (c == '"') {
        if (in_quotes && pos_ + 1 < line_.size() && line_[pos_ + 1] == '"') {
          out->append("\"\"");
          pos_ += 2;
          continue;
        }
        in_quotes = !in_quotes;
      }
      out->push_back(c);
      ++pos_;
    }
    return !in_quotes;
  }

 private:
  std::string_view line_;
  size_t pos_ = 0;
};

}  // namespace

const char* FilterObjectName(FilterObject object) {
  for (const auto& o : kObjects) {
    if (o.object == object) return o.name;
  }
  return "?";
}

Result<std::vector<FilterRule>> ParseFilterRules(std::string_view text,
                                                 const std::string& source_name) {
  std::vector<FilterRule> rules;
  int line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    auto error = [&](const std::string& what) {
      return Status::InvalidArgument("invalid format in filter read from file \"" + source_name +
                                     "\" on line " + std::to_string(line_no) + ": " + what);
    };

    LineScanner scan(line);
    scan.SkipSpace();
    if (scan.AtEnd() || scan.Peek() == '#') continue;
    FilterRule rule;
    rule.line = line_no;
    const std::string_view command = scan.Word();
    if (command.empty())
      return error("no filter command found (expected \"include\" or \"exclude\")");
    if (EqualsIgnoreCase(command, "include")) {
      rule.include = true;
    } else if (EqualsIgnoreCase(command, "exclude")) {
      rule.include = false;
    } else {
      return error("invalid filter command (expected \"include\" or \"exclude\")");
    }
    scan.SkipSpace();
    const std::string_view type = scan.Word();
    if (type.empty()) return error("missing object type");
    bool known = false;
    for (const auto& o : kObjects) {
      if (EqualsIgnoreCase(type, o.word)) {
        rule.object = o.object;
        known = true;
        break;
      }
    }
    if (!known) return error("unsupported filter object type: \"" + std::string(type) + "\"");
    scan.SkipSpace();
    if (scan.AtEnd() || scan.Peek() == '#') return error("missing object name pattern");
    if (!scan.Pattern(&rule.pattern)) return error("unterminated quoted string");
    scan.SkipSpace();
    if (!scan.AtEnd() && scan.Peek() != '#') return error("unexpected extra data after pattern");
    rules.push_back(std::move(rule));
  }
  return rules;
}

}  // namespace libdump::dump

namespace libdump {

Status AddDumpFilter(std::string_view text, const std::string& source_name, DumpOptions* options) {
  using dump::FilterObject;
  ASSIGN_OR_RETURN(std::vector<dump::FilterRule> rules, dump::ParseFilterRules(text, source_name));
  for (auto& r : rules) {
    auto error = [&](const std::string& what) {
      return Status::InvalidArgument("invalid format in filter read from file \"" + source_name +
                                     "\" on line " + std::to_string(r.line) + ": " + what);
    };
    const char* verb = r.include ? "include" : "exclude";
    switch (r.object) {
      case FilterObject::kSchema:
        (r.include ? options->schemas : options->exclude_schemas).push_back(std::move(r.pattern));
        break;
      case FilterObject::kTable:
        (r.include ? options->tables : options->exclude_tables).push_back(std::move(r.pattern));
        break;
      case FilterObject::kTableData:
        if (r.include) return error("include filter for \"table data\" is not allowed");
        options->exclude_table_data.push_back(std::move(r.pattern));
        break;
      case FilterObject::kTableAndChildren:
        (r.include ? options->tables_and_children : options->exclude_tables_and_children)
            .push_back(std::move(r.pattern));
        break;
      case FilterObject::kTableDataAndChildren:
        if (r.include)
          return error("include filter for \"table data and children\" is not allowed");
        options->exclude_table_data_and_children.push_back(std::move(r.pattern));
        break;
      case FilterObject::kExtension:
        return error(std::string(verb) + " filter for \"" + dump::FilterObjectName(r.object) +
                     "\" is not supported by ndump");
      case FilterObject::kForeignData:
        if (!r.include) return error("exclude filter for \"foreign data\" is not allowed");
        return error("include filter for \"foreign data\" is not supported by ndump");
      default:
        return error(std::string(verb) + " filter for \"" + dump::FilterObjectName(r.object) +
                     "\" is not allowed");
    }
  }
  return Status::Ok();
}

}  // namespace libdump
