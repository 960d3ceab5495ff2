// --help that reads like a man page section, and --version, for both tools. The same text is the
// source of the installed man pages (help2man runs the tools' --help and --version at build time),
// so the man pages list exactly the options the parsers know.
#ifndef NDUMP_TOOLS_COMMON_HELP_H_
#define NDUMP_TOOLS_COMMON_HELP_H_

#include <CLI/CLI.hpp>

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace ndump_cli {

struct HelpText {
  std::string purpose;      // one line, as a man page's NAME: "dump a PostgreSQL database ..."
  std::string usage;        // after the tool's name: "[OPTION]... [DBNAME]"
  std::string description;  // a paragraph or two; lines are kept as written
  // Option groups in the order they are listed; groups not named here follow, options in no
  // named group last, under "Other options".
  std::vector<std::string> group_order;
  // Closing sections, each a title and its lines (e.g. "Exit status", "Environment").
  std::vector<std::pair<std::string, std::vector<std::string>>> sections;
};

// Installs the help formatter on `app` and its help and version flags (--help; -V, --version
// printing VersionText(tool)). Call before adding options.
void SetUpHelp(CLI::App& app, const std::string& tool, HelpText text);

// Moves the named options (any of their names, "-f" or "--file") into help group `group`.
// Options that are in an option group already are left there. Unknown names are ignored, so the
// assignment can be written before every option exists.
void SetHelpGroup(CLI::App& app, const std::string& group,
                  std::initializer_list<const char*> names);

// The help of each tool: purpose, usage, group order, exit status and environment. The
// description is the CLI::App's own (its constructor's text) unless `description` is set.
HelpText NdumpHelp();
HelpText NrestoreHelp();

// "<tool> <version>", then the libdump version and the archive format versions written and read
// (libdump/version.h).
std::string VersionText(const std::string& tool);

}  // namespace ndump_cli

#endif  // NDUMP_TOOLS_COMMON_HELP_H_
