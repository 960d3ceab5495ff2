// ndump: dump one PostgreSQL database into a single-file ndump archive (or to stdout).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <memory>

#include "cli_common.h"
#include "help.h"
#include "libdump/dump.h"
#include "libdump/format/byte_io.h"
#include "libdump/version.h"
#include "progress.h"

int main(int argc, char** argv) {
  using namespace ndump_cli;
  CLI::App app{
      "ndump dumps a PostgreSQL database into a single-file, compressed, checksummed archive.\n"
      "All tables are read under one snapshot; -j N streams N tables at once.\n",
      "ndump"};
  SetUpHelp(app, "ndump", NdumpHelp());

  ConnectionFlags conn;
  std::string positional_db;
  std::string file = "-";
  int jobs = 1;
  int level = 3;
  bool verbose = false;
  double split_mb = 64;
  app.add_option("DBNAME", positional_db, "database to dump (same as -d)");
  app.add_option("-f,--file", file, "output file name, - for standard output")
      ->capture_default_str();
  app.add_option("-j,--jobs", jobs, "use this many parallel jobs to dump")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--compress-level", level, "zstd compression level (0 stores uncompressed)")
      ->check(CLI::Range(0, 19))
      ->capture_default_str();
  app.add_option("--split-size", split_mb,
                 "dump tables larger than this many MB in chunks of about this size, so that "
                 "jobs share them (0: never split)")
      ->check(CLI::Range(0.0, 1e7))
      ->capture_default_str();
  app.add_flag("-v,--verbose", verbose, "verbose mode");
  std::string progress_mode = "auto";
  AddProgressOption(app, &progress_mode);
  AddConnectionOptions(app, &conn);
  SetHelpGroup(app, "Output options", {"--file", "--compress-level"});
  SetHelpGroup(app, "Behaviour options",
               {"--jobs", "--split-size", "--verbose", "--progress", "--help", "--version"});

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::cerr << "ndump: error: " << e.what() << "\nTry \"ndump --help\" for more information.\n";
    return kExitUsage;
  }
  if (!positional_db.empty()) {
    if (!conn.dbname.empty()) {
      std::cerr << "ndump: error: database given twice (-d and DBNAME)\n";
      return kExitUsage;
    }
    conn.dbname = positional_db;
  }

  libdump::CancelToken cancel;
  InstallSignalHandlers(&cancel);

  auto sink = libdump::OpenFileSink(file);
  if (!sink.ok()) return ReportError("ndump", sink.status());

  libdump::DumpOptions options;
  options.connection = ToConnectionOptions(conn, "ndump");
  options.jobs = jobs;
  options.compression_level = level;
  options.split_bytes = static_cast<uint64_t>(split_mb * 1024 * 1024);
  ProgressReporter observer("ndump", verbose, ParseProgressMode(progress_mode));
  auto result = libdump::Dump(options, sink->get(), &observer, &cancel);
  if (!result.ok()) {
    sink->reset();  // removes the partial file before reporting
    return observer.Fail(result.status());
  }
  observer.Finish(SummaryOf(*result));
  return kExitOk;
}
