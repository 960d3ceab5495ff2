// The tools' help formatter (tools/common/help.h) on parsers built here: every option the parser
// knows, found by walking the parser itself (its options and its option groups), appears in the
// help with all its names, in the right group, in the documented order.
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "help.h"

namespace ndump_cli {
namespace {

// Each option of `app` and of its option groups: every name, positionals by their name.
std::vector<std::vector<std::string>> AllOptionNames(const CLI::App& app) {
  std::vector<std::vector<std::string>> all;
  auto take = [&](const CLI::Option* opt) {
    std::vector<std::string> names;
    if (opt->get_positional()) {
      names.push_back(opt->get_name());
    } else {
      for (const auto& s : opt->get_snames()) names.push_back("-" + s);
      for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
    }
    all.push_back(names);
  };
  for (const CLI::Option* opt : app.get_options()) take(opt);
  for (const CLI::App* sub :
       app.get_subcommands([](const CLI::App* a) { return a->get_name().empty(); })) {
    for (const CLI::Option* opt : sub->get_options()) {
      if (opt != sub->get_help_ptr()) take(opt);
    }
  }
  return all;
}

// The help's lines from the title "<group>:" to the next blank line.
std::string Section(const std::string& help, const std::string& group) {
  const size_t at = help.find("\n" + group + ":\n");
  if (at == std::string::npos) return "";
  const size_t end = help.find("\n\n", at + 1);
  return help.substr(at + 1, end == std::string::npos ? std::string::npos : end - at - 1);
}

struct Parser {
  CLI::App app{"A tool that does one thing.\nA second line of description.\n", "tool"};
  std::string file, host, mode = "auto", pos;
  int jobs = 1;
  bool verbose = false, quiet = false;

  Parser() {
    HelpText text;
    text.purpose = "do one thing";
    text.usage = "[OPTION]... [THING]";
    text.group_order = {"Connection options", "Output options", "Behaviour options"};
    text.sections = {{"Exit status", {"0  success", "2  bad command line"}}};
    SetUpHelp(app, "tool", text);
    app.add_option("THING", pos, "the thing");
    app.add_option("-f,--file", file, "output file")->capture_default_str();
    app.add_option("-j,--jobs", jobs, "parallel jobs")->check(CLI::Range(1, 9));
    app.add_flag("-v,--verbose", verbose, "say more");
    app.add_flag("--quiet", quiet,
                 "say less; this description is long enough that it has to be "
                 "wrapped onto a second and maybe a third line of the help");
    app.add_option("--mode", mode, "how")->type_name("WHEN");
    auto* g = app.add_option_group("Connection options");
    g->add_option("-h,--host", host, "server host");
    SetHelpGroup(app, "Output options", {"--file"});
    SetHelpGroup(app, "Behaviour options", {"-j", "--verbose", "--help", "--version"});
  }
  std::string Help() { return app.help(); }
};

TEST(HelpFormat, EveryOptionOfTheParserAppearsWithAllItsNames) {
  Parser p;
  const std::string help = p.Help();
  const auto all = AllOptionNames(p.app);
  ASSERT_EQ(all.size(), 9u);  // THING, -f, -j, -v, --quiet, --mode, -h, --help, --version
  for (const auto& names : all) {
    for (const std::string& n : names) EXPECT_NE(help.find(n), std::string::npos) << n;
  }
}

TEST(HelpFormat, ManPageShape) {
  Parser p;
  const std::string help = p.Help();
  EXPECT_EQ(help.rfind("tool - do one thing\n\nUsage: tool [OPTION]... [THING]\n\n", 0), 0u)
      << help;
  EXPECT_NE(help.find("A tool that does one thing.\nA second line of description.\n"),
            std::string::npos);
  // Groups in the given order, the unassigned options last under "Other options".
  const std::vector<std::string> order = {
      "Arguments:",         "Connection options:", "Output options:",
      "Behaviour options:", "Other options:",      "Exit status:"};
  size_t last = 0;
  for (const std::string& g : order) {
    const size_t at = help.find("\n" + g + "\n");
    ASSERT_NE(at, std::string::npos) << g << "\n" << help;
    EXPECT_GT(at, last) << g;
    last = at;
  }
  EXPECT_NE(Section(help, "Connection options").find("  -h, --host=HOST"), std::string::npos);
  EXPECT_NE(Section(help, "Output options").find("  -f, --file=FILE"), std::string::npos);
  const std::string behaviour = Section(help, "Behaviour options");
  EXPECT_NE(behaviour.find("  -j, --jobs=NUM"), std::string::npos) << behaviour;
  EXPECT_NE(behaviour.find("  -v, --verbose "), std::string::npos) << "a flag takes no value";
  // --help and --version close their group.
  EXPECT_GT(behaviour.find("--help"), behaviour.find("--verbose"));
  EXPECT_GT(behaviour.find("-V, --version"), behaviour.find("--help"));
  const std::string other = Section(help, "Other options");
  EXPECT_NE(other.find("  --mode=WHEN"), std::string::npos) << other;
  EXPECT_NE(other.find("  --quiet "), std::string::npos) << other;
  // Every line fits 79 columns, and descriptions start in one column.
  std::istringstream lines(help);
  for (std::string l; std::getline(lines, l);) EXPECT_LE(l.size(), 79u) << l;
  auto column = [&](const std::string& text, const std::string& desc) {
    const size_t at = text.find(desc);
    return at == std::string::npos ? std::string::npos : at - text.rfind('\n', at) - 1;
  };
  EXPECT_EQ(column(help, "parallel jobs"), column(help, "say more"));
  EXPECT_EQ(column(help, "parallel jobs"), column(help, "server host"));
  EXPECT_NE(column(help, "parallel jobs"), std::string::npos);
}

TEST(HelpFormat, VersionTextHasThreeLines) {
  const std::string v = VersionText("tool");
  EXPECT_EQ(v.rfind("tool ", 0), 0u);
  EXPECT_NE(v.find("\nlibdump "), std::string::npos);
  EXPECT_NE(v.find("\narchive format "), std::string::npos);
}

}  // namespace
}  // namespace ndump_cli
