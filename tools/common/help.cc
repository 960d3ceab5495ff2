#include "help.h"

#include <algorithm>
#include <cctype>
#include <memory>

#include "libdump/version.h"

namespace ndump_cli {

namespace {

constexpr size_t kWidth = 79;         // the help fits an 80-column terminal
constexpr size_t kMaxNameWidth = 28;  // longer option names put their description on a new line
constexpr const char* kOtherGroup = "Other options";

struct Entry {
  std::string names;  // "-f, --file=FILE"
  std::string description;
};

// The value's placeholder: an explicit type_name(), else NUM for numbers and the long name for
// text (--file=FILE). CLI11 appends its validators' descriptions after a ':'; they are dropped.
std::string ValueName(const CLI::Option* opt) {
  std::string type = opt->get_type_name();
  type = type.substr(0, type.find(':'));
  if (type == "INT" || type == "UINT" || type == "FLOAT" || type == "NUMBER") return "NUM";
  if (!type.empty() && type != "TEXT") return type;
  std::string name = opt->get_lnames().empty() ? opt->get_name() : opt->get_lnames().front();
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

// A flag expects no value: CLI11 sets its expected count to 0.
bool TakesValue(const CLI::Option* opt) { return opt->get_expected_max() != 0; }

Entry Describe(const CLI::Option* opt) {
  Entry e;
  if (opt->get_positional()) {
    e.names = opt->get_name();
  } else {
    for (const auto& s : opt->get_snames()) e.names += (e.names.empty() ? "-" : ", -") + s;
    for (const auto& l : opt->get_lnames()) e.names += (e.names.empty() ? "--" : ", --") + l;
    if (TakesValue(opt)) e.names += "=" + ValueName(opt);
  }
  e.description = opt->get_description();
  const std::string def = opt->get_default_str();
  if (!def.empty() && TakesValue(opt)) e.description += " (default: " + def + ")";
  return e;
}

// Word-wraps `text` into lines of at most `width` characters.
std::vector<std::string> Wrap(const std::string& text, size_t width) {
  std::vector<std::string> lines;
  std::string line;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    size_t j = text.find(' ', i);
    if (j == std::string::npos) j = text.size();
    const std::string word = text.substr(i, j - i);
    i = j;
    if (word.empty()) continue;
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      lines.push_back(line);
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty() || lines.empty()) lines.push_back(line);
  return lines;
}

class ManFormatter : public CLI::FormatterBase {
 public:
  ManFormatter(std::string tool, HelpText text) : tool_(std::move(tool)), text_(std::move(text)) {}

  std::string make_help(const CLI::App* app, std::string, CLI::AppFormatMode) const override {
    // Groups in order: positionals first, then group_order, then the rest as met.
    std::vector<std::pair<std::string, std::vector<Entry>>> groups;
    auto add = [&](std::string group, const CLI::Option* opt) {
      if (group.empty()) return;  // a hidden option
      if (group == "Options" || group == "OPTIONS") group = kOtherGroup;
      auto it = std::find_if(groups.begin(), groups.end(),
                             [&](const auto& g) { return g.first == group; });
      if (it == groups.end()) it = groups.insert(groups.end(), {group, {}});
      it->second.push_back(Describe(opt));
    };
    groups.push_back({"Arguments", {}});
    for (const std::string& g : text_.group_order) groups.push_back({g, {}});
    // --help and --version close their group, whenever they were created.
    const CLI::Option* last[] = {app->get_help_ptr(), app->get_version_ptr()};
    for (const CLI::Option* opt : app->get_options()) {
      if (opt == last[0] || opt == last[1]) continue;
      add(opt->get_positional() ? "Arguments" : opt->get_group(), opt);
    }
    for (const CLI::Option* opt : last) {
      if (opt != nullptr) add(opt->get_group(), opt);
    }
    for (const CLI::App* sub :
         app->get_subcommands([](const CLI::App* a) { return a->get_name().empty(); })) {
      for (const CLI::Option* opt : sub->get_options()) {
        // An option group is an App of its own and has a copy of the help flag.
        if (opt != sub->get_help_ptr() && opt != sub->get_help_all_ptr()) {
          add(sub->get_group(), opt);
        }
      }
    }
    // "Other options" closes the list.
    std::stable_partition(groups.begin(), groups.end(),
                          [](const auto& g) { return g.first != kOtherGroup; });

    size_t name_width = 0;
    for (const auto& g : groups) {
      for (const Entry& e : g.second) {
        if (e.names.size() <= kMaxNameWidth) name_width = std::max(name_width, e.names.size());
      }
    }
    const size_t indent = 2 + name_width + 2;

    const std::string description =
        text_.description.empty() ? app->get_description() : text_.description;
    std::string out =
        tool_ + " - " + text_.purpose + "\n\nUsage: " + tool_ + " " + text_.usage + "\n\n";
    // The description's lines as written, each wrapped to the width.
    size_t from = 0;
    while (from < description.size()) {
      size_t to = description.find('\n', from);
      if (to == std::string::npos) to = description.size();
      for (const std::string& l : Wrap(description.substr(from, to - from), kWidth)) {
        out += l + "\n";
      }
      from = to + 1;
    }
    for (const auto& [title, entries] : groups) {
      if (entries.empty()) continue;
      out += "\n" + title + ":\n";
      for (const Entry& e : entries) {
        std::string line = "  " + e.names;
        const std::vector<std::string> desc = Wrap(e.description, kWidth - indent);
        size_t k = 0;
        if (e.names.size() > name_width) {
          out += line + "\n";
        } else {
          out += line + std::string(indent - line.size(), ' ') + desc[k++] + "\n";
        }
        for (; k < desc.size(); ++k) out += std::string(indent, ' ') + desc[k] + "\n";
      }
    }
    for (const auto& [title, lines] : text_.sections) {
      out += "\n" + title + ":\n";
      for (const std::string& l : lines) out += "  " + l + "\n";
    }
    return out;
  }

 private:
  std::string tool_;
  HelpText text_;
};

}  // namespace

void SetUpHelp(CLI::App& app, const std::string& tool, HelpText text) {
  app.formatter(std::make_shared<ManFormatter>(tool, std::move(text)));
  app.set_help_flag("--help", "show this help, then exit");
  app.set_version_flag("-V,--version", VersionText(tool),
                       "show the versions of the tool, libdump and the archive format, then exit");
}

void SetHelpGroup(CLI::App& app, const std::string& group,
                  std::initializer_list<const char*> names) {
  for (CLI::Option* opt : app.get_options()) {
    for (const char* name : names) {
      if (opt->check_name(name)) opt->group(group);
    }
  }
}

namespace {

const char* const kGroups[] = {"Connection options", "Output options", "Selection options",
                               "Content options", "Behaviour options"};

std::vector<std::string> LibpqEnvironment() {
  return {"PGDATABASE, PGHOST, PGPORT, PGUSER", "    default connection parameters, as for psql",
          "PGPASSWORD, PGPASSFILE (default ~/.pgpass), PGSERVICE, PGSSLMODE",
          "    and the other libpq environment variables apply as well"};
}

}  // namespace

HelpText NdumpHelp() {
  HelpText h;
  h.purpose = "dump a PostgreSQL database into a single-file ndump archive";
  h.usage = "[OPTION]... [DBNAME]";
  h.group_order.assign(std::begin(kGroups), std::end(kGroups));
  h.sections.push_back({"Exit status",
                        {"0  success", "1  error (server, I/O, anything else)",
                         "2  bad command line", "3  could not connect, or lost the connection",
                         "5  interrupted (SIGINT, SIGTERM); no archive file is left behind"}});
  h.sections.push_back({"Environment", LibpqEnvironment()});
  return h;
}

HelpText NrestoreHelp() {
  HelpText h;
  h.purpose = "restore, list or verify an ndump archive of a PostgreSQL database";
  h.usage = "[OPTION]... [FILE]";
  h.group_order.assign(std::begin(kGroups), std::end(kGroups));
  h.sections.push_back({"Exit status",
                        {"0  success", "1  error (server, I/O, anything else)",
                         "2  bad command line", "3  could not connect, or lost the connection",
                         "4  the archive is damaged, incomplete, or not an ndump archive",
                         "5  interrupted (SIGINT, SIGTERM)",
                         "With --check and --test-restore: 1  a table differs or is missing, or",
                         "   the test restore failed; 6  nothing proven: the archive has no row",
                         "   fingerprints (written before archive format 1.5)"}});
  std::vector<std::string> env = LibpqEnvironment();
  env.push_back("TMPDIR");
  env.push_back("    where a restore from a pipe spills blocks (default /tmp)");
  h.sections.push_back({"Environment", env});
  return h;
}

std::string VersionText(const std::string& tool) {
  return tool + " " + LIBDUMP_VERSION + "\nlibdump " + LIBDUMP_VERSION + "\narchive format " +
         std::to_string(LIBDUMP_ARCHIVE_FORMAT_MAJOR) + "." +
         std::to_string(LIBDUMP_ARCHIVE_FORMAT_MINOR) + " (reads " +
         std::to_string(LIBDUMP_ARCHIVE_FORMAT_READ_MAJOR) + "." +
         std::to_string(LIBDUMP_ARCHIVE_FORMAT_READ_MINOR_MIN) + " and later " +
         std::to_string(LIBDUMP_ARCHIVE_FORMAT_READ_MAJOR) + ".x)";
}

}  // namespace ndump_cli
