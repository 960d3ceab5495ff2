// ndumpall: a whole PostgreSQL cluster (its roles, tablespaces and every database) into one
// cluster archive (docs/ndumpall.md, archive_format.md §14).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "cli_common.h"
#include "help.h"
#include "libdump/cluster.h"
#include "libdump/version.h"

int main(int argc, char** argv) {
  using namespace ndump_cli;
  CLI::App app{
      "ndumpall dumps a PostgreSQL cluster (globals and every database) into one "
      "ndump cluster archive."};
  ndump_cli::HelpText help;
  help.purpose = "dump a PostgreSQL cluster into a single-file ndump cluster archive";
  help.usage = "[OPTION]...";
  help.group_order = {"Options controlling the output content", "Connection options"};
  SetUpHelp(app, "ndumpall", help);
  std::string file = "-";
  std::string jobs_text = "1";
  std::string compress_text = "3";
  bool verbose = false, globals_only = false, roles_only = false, tablespaces_only = false;
  bool no_role_passwords = false, clean = false, if_exists = false, no_owner = false;
  bool no_privileges = false, no_comments = false, no_security_labels = false, no_sync = false;
  std::string database;
  std::vector<std::string> exclude;
  app.add_option("-f,--file", file, "output file name, - for standard output (the default)");
  app.add_option("-j,--jobs", jobs_text, "dump this many databases at once (1..256)");
  app.add_option("-Z,--compress", compress_text, "zstd level 1..22 of every part, 0 for none");
  app.add_flag("-v,--verbose", verbose, "verbose mode");
  app.add_flag("--no-sync", no_sync, "do not wait for the archive to be written safely to disk");
  auto* what = app.add_option_group("Options controlling the output content");
  what->add_flag("-g,--globals-only", globals_only, "dump only global objects, no databases");
  what->add_flag("-r,--roles-only", roles_only, "dump only roles, no databases or tablespaces");
  what->add_flag("-t,--tablespaces-only", tablespaces_only,
                 "dump only tablespaces, no databases or roles");
  what->add_option("--exclude-database", exclude, "exclude databases whose name matches PATTERN")
      ->type_name("PATTERN")
      ->allow_extra_args(false);
  what->add_flag("--no-role-passwords", no_role_passwords,
                 "do not dump passwords for roles (reads pg_roles)");
  what->add_flag("-c,--clean", clean, "accepted for pg_dumpall's sake: nrestore -c cleans");
  what->add_flag("--if-exists", if_exists, "write DROP ... IF EXISTS for the globals");
  what->add_flag("-O,--no-owner", no_owner,
                 "accepted for pg_dumpall's sake: nrestore -O leaves out ownership");
  what->add_flag("-x,--no-privileges", no_privileges, "do not dump privileges (grant/revoke)");
  what->add_flag("--no-comments", no_comments, "do not dump comment commands");
  what->add_flag("--no-security-labels", no_security_labels,
                 "do not dump security label assignments");
  ConnectionFlags conn;
  AddConnectionOptions(app, &conn);
  app.get_option_group("Connection options")
      ->add_option("-l,--database", database, "alternative default database (postgres)");
  if (const int rc = ParseCommandLine(app, "ndumpall", argc, argv); rc >= 0) return rc;

  auto usage = [](const std::string& message) {
    std::fprintf(stderr, "ndumpall: error: %s\n", message.c_str());
    return kExitUsage;
  };
  libdump::ClusterDumpOptions options;
  std::string error;
  if (!ParseIntOption(jobs_text, "-j/--jobs", 1, 256, &options.jobs, &error)) return usage(error);
  int level = 3;
  if (!ParseIntOption(compress_text, "-Z/--compress", 0, 22, &level, &error)) return usage(error);
  if (globals_only + roles_only + tablespaces_only > 1) {
    return usage(
        "options -g/--globals-only, -r/--roles-only and -t/--tablespaces-only cannot "
        "be used together");
  }
  if (if_exists && !clean) return usage("option --if-exists requires option -c/--clean");
  options.connection = ToConnectionOptions(conn, "ndumpall");
  if (!database.empty()) {
    if (!conn.dbname.empty()) return usage("options -d/--dbname and -l/--database conflict");
    options.connection.dbname = database;
  }
  options.database.compression_level = level;
  options.database.privileges = !no_privileges;
  options.database.comments = !no_comments;
  options.database.security_labels = !no_security_labels;
  options.globals_only = globals_only;
  options.roles_only = roles_only;
  options.tablespaces_only = tablespaces_only;
  options.exclude_databases = exclude;
  options.role_passwords = !no_role_passwords;
  options.if_exists = if_exists;

  libdump::CancelToken cancel;
  InstallSignalHandlers(&cancel);
  StderrObserver observer("ndumpall", verbose);
  auto sink = libdump::OpenFileSink(file, !no_sync);
  if (!sink.ok()) return ReportError("ndumpall", sink.status());
  auto r = libdump::DumpCluster(options, sink->get(), &observer, &cancel);
  if (!r.ok()) return ReportError("ndumpall", r.status());
  if (verbose) {
    std::fprintf(stderr, "ndumpall: %llu roles, %llu tablespaces, %llu databases, %llu bytes\n",
                 static_cast<unsigned long long>(r->roles),
                 static_cast<unsigned long long>(r->tablespaces),
                 static_cast<unsigned long long>(r->databases),
                 static_cast<unsigned long long>(r->archive_bytes));
  }
  return kExitOk;
}
