// ndump: dump one PostgreSQL database into a single-file ndump archive (or to stdout).
#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli_common.h"
#include "help.h"
#include "libdump/dump.h"
#include "libdump/format/byte_io.h"
#include "libdump/version.h"
#include "progress.h"

namespace {

// -Z/--compress: "zstd", "zstd:LEVEL", "zstd:level=LEVEL", "none", or a bare LEVEL (a zstd level,
// 0 = none). Returns false with `error` set for anything else.
bool ParseCompress(const std::string& spec, int* level, std::string* error) {
  auto parse_level = [&](const std::string& text) {
    if (text.empty() || text.size() > 3 ||
        text.find_first_not_of("0123456789") != std::string::npos) {
      *error = "invalid compression level \"" + text + "\" (expected 0..22)";
      return false;
    }
    const int v = std::stoi(text);
    if (v > 22) {
      *error = "compression level " + text + " is out of range (0..22)";
      return false;
    }
    *level = v;
    return true;
  };
  if (!spec.empty() && spec.find_first_not_of("0123456789") == std::string::npos) {
    return parse_level(spec);
  }
  const size_t colon = spec.find(':');
  const std::string method = spec.substr(0, colon);
  if (method == "none") {
    if (colon != std::string::npos) {
      *error = "compression method \"none\" takes no level";
      return false;
    }
    *level = 0;
    return true;
  }
  if (method != "zstd") {
    *error = "compression method \"" + method +
             "\" is not supported by ndump (use zstd, zstd:LEVEL or none)";
    return false;
  }
  if (colon == std::string::npos) {
    *level = 3;
    return true;
  }
  std::string detail = spec.substr(colon + 1);
  if (detail.rfind("level=", 0) == 0) detail = detail.substr(6);
  return parse_level(detail);
}

bool ReadWholeFile(const std::string& path, std::string* text) {
  if (path == "-") {
    text->assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return true;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *text = ss.str();
  return !in.bad();
}

}  // namespace

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
  std::string compress;
  app.add_option("-Z,--compress", compress,
                 "compression: zstd, zstd:LEVEL, none, or a zstd LEVEL (0 = none); default zstd:3");
  app.add_option("--compress-level", level, "zstd compression level (0 stores uncompressed)")
      ->check(CLI::Range(0, 22))
      ->capture_default_str();
  app.add_option("--split-size", split_mb,
                 "dump tables larger than this many MB in chunks of about this size, so that "
                 "jobs share them (0: never split)")
      ->check(CLI::Range(0.0, 1e7))
      ->capture_default_str();
  std::string copy_format = "text";
  app.add_option("--copy-format", copy_format,
                 "COPY format of table data: text, or binary for the tables whose columns all "
                 "have built-in types with an exact binary form (the others stay text); binary "
                 "loads faster but only into the same column types, and not through a script")
      ->type_name("FORMAT")
      ->check(CLI::IsMember({"text", "binary"}))
      ->capture_default_str();
  bool no_row_fingerprints = false;
  app.add_flag("--no-row-fingerprints", no_row_fingerprints,
               "do not record each table's row fingerprint, with which nrestore --check proves "
               "a restored copy whole (writes an archive of format 1.4 or lower)");
  app.add_flag("-v,--verbose", verbose, "verbose mode");
  std::string progress_mode = "auto";
  AddProgressOption(app, &progress_mode);

  libdump::DumpOptions options;
  // One pattern per occurrence, so that `-n s DBNAME` does not take DBNAME as a second pattern.
  auto repeatable = [&](const std::string& names, std::vector<std::string>* into,
                        const std::string& help) {
    app.add_option(names, *into, help)->allow_extra_args(false)->type_name("PATTERN");
  };
  repeatable("-n,--schema", &options.schemas, "dump only the schemas matching PATTERN");
  repeatable("-N,--exclude-schema", &options.exclude_schemas,
             "do NOT dump the schemas matching PATTERN");
  repeatable("-t,--table", &options.tables, "dump only the tables matching PATTERN");
  repeatable("-T,--exclude-table", &options.exclude_tables,
             "do NOT dump the tables matching PATTERN");
  repeatable("--exclude-table-data", &options.exclude_table_data,
             "do NOT dump data for the tables matching PATTERN");
  repeatable("--table-and-children", &options.tables_and_children,
             "like -t, with the matching tables' partitions and inheritance children");
  repeatable("--exclude-table-and-children", &options.exclude_tables_and_children,
             "like -T, with the matching tables' partitions and inheritance children");
  repeatable("--exclude-table-data-and-children", &options.exclude_table_data_and_children,
             "like --exclude-table-data, with the matching tables' partitions and children");
  app.add_flag("--strict-names", options.strict_names,
               "require table and/or schema include patterns to match at least one entity each");
  std::vector<std::string> filters;
  app.add_option("--filter", filters, "include or exclude objects as listed in FILE")
      ->allow_extra_args(false)
      ->type_name("FILE");
  bool data_only = false, schema_only = false;
  app.add_flag("-a,--data-only", data_only, "dump only the data, not the schema");
  app.add_flag("-s,--schema-only", schema_only, "dump only the schema, no data");
  bool statistics = false, no_statistics = false, statistics_only = false;
  app.add_flag("--statistics", statistics, "dump the statistics");
  app.add_flag("--no-statistics", no_statistics, "do not dump statistics (the default)");
  app.add_flag("--statistics-only", statistics_only,
               "dump only the statistics, not schema or data");
  std::vector<std::string> sections;
  app.add_option("--section", sections, "dump named section (pre-data, data, or post-data)")
      ->allow_extra_args(false)
      ->type_name("SECTION");
  bool no_owner = false, create = false, no_privileges = false, no_comments = false;
  bool no_publications = false, no_subscriptions = false, no_security_labels = false;
  bool large_objects = false, no_large_objects = false;
  app.add_flag("-O,--no-owner", no_owner,
               "accepted for pg_dump compatibility; an archive always records owners (use "
               "nrestore -O)");
  app.add_flag("-C,--create", create,
               "accepted for pg_dump compatibility; ignored for an archive (use nrestore -C)");
  app.add_flag("-x,--no-privileges,--no-acl", no_privileges,
               "do not dump privileges (grant/revoke)");
  app.add_flag("--no-comments", no_comments, "do not dump comments");
  app.add_flag("--no-publications", no_publications, "do not dump publications");
  app.add_flag("--no-subscriptions", no_subscriptions, "do not dump subscriptions");
  app.add_flag("--no-security-labels", no_security_labels,
               "do not dump security label assignments");
  app.add_flag("-b,--large-objects,--blobs", large_objects, "include large objects in the dump");
  app.add_flag("-B,--no-large-objects,--no-blobs", no_large_objects,
               "exclude large objects from the dump");
  app.add_option("--snapshot", options.snapshot, "use the given snapshot for the dump")
      ->type_name("NAME");
  app.add_option("--lock-wait-timeout", options.lock_wait_timeout,
                 "fail after waiting TIMEOUT for a table lock")
      ->type_name("TIMEOUT");
  app.add_flag("--serializable-deferrable", options.serializable_deferrable,
               "wait until the dump can run without anomalies");
  bool no_sync = false;
  app.add_flag("--no-sync", no_sync, "do not wait for the archive to be written safely to disk");
  AddConnectionOptions(app, &conn);
  SetHelpGroup(app, "Output options", {"--file", "--compress", "--compress-level", "--no-sync"});
  SetHelpGroup(app, "Selection options",
               {"--schema", "--exclude-schema", "--table", "--exclude-table",
                "--exclude-table-data", "--table-and-children", "--exclude-table-and-children",
                "--exclude-table-data-and-children", "--strict-names", "--filter", "--data-only",
                "--schema-only", "--statistics-only", "--section"});
  SetHelpGroup(app, "Content options",
               {"--no-owner", "--create", "--no-privileges", "--no-comments", "--no-publications",
                "--no-subscriptions", "--no-security-labels", "--large-objects",
                "--no-large-objects", "--statistics", "--no-statistics"});
  SetHelpGroup(app, "Behaviour options",
               {"--jobs", "--split-size", "--copy-format", "--no-row-fingerprints", "--snapshot",
                "--lock-wait-timeout", "--serializable-deferrable", "--verbose", "--progress",
                "--help", "--version"});

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

  auto usage = [](const std::string& what) {
    std::cerr << "ndump: error: " << what << "\n";
    return kExitUsage;
  };
  if (!compress.empty()) {
    std::string error;
    if (!ParseCompress(compress, &level, &error)) return usage("-Z/--compress: " + error);
  }
  if (data_only && schema_only) {
    return usage("options -s/--schema-only and -a/--data-only cannot be used together");
  }
  // pg_dump 18's rules for the statistics options.
  if (schema_only && statistics_only) {
    return usage("options -s/--schema-only and --statistics-only cannot be used together");
  }
  if (data_only && statistics_only) {
    return usage("options -a/--data-only and --statistics-only cannot be used together");
  }
  if (statistics_only && no_statistics) {
    return usage("options --statistics-only and --no-statistics cannot be used together");
  }
  if (statistics && no_statistics) {
    return usage("options --statistics and --no-statistics cannot be used together");
  }
  if (data_only && statistics) {
    return usage("options -a/--data-only and --statistics cannot be used together");
  }
  if (schema_only && statistics) {
    return usage("options -s/--schema-only and --statistics cannot be used together");
  }
  options.content = data_only         ? libdump::DumpOptions::Content::kDataOnly
                    : schema_only     ? libdump::DumpOptions::Content::kSchemaOnly
                    : statistics_only ? libdump::DumpOptions::Content::kStatisticsOnly
                                      : libdump::DumpOptions::Content::kAll;
  options.statistics = statistics || statistics_only;
  if (!sections.empty()) {
    options.sections = 0;
    for (const auto& name : sections) {
      if (name == "pre-data") {
        options.sections |= libdump::DumpOptions::kSectionPreData;
      } else if (name == "data") {
        options.sections |= libdump::DumpOptions::kSectionData;
      } else if (name == "post-data") {
        options.sections |= libdump::DumpOptions::kSectionPostData;
      } else {
        return usage("--section: unrecognized section name: \"" + name + "\"");
      }
    }
  }
  for (const auto& path : filters) {
    std::string text;
    if (!ReadWholeFile(path, &text)) {
      std::cerr << "ndump: error: could not open filter file \"" << path
                << "\": " << std::strerror(errno) << "\n";
      return kExitError;
    }
    const libdump::Status st = libdump::AddDumpFilter(text, path, &options);
    if (!st.ok()) return ReportError("ndump", st);
  }
  // -O and -C change what a script says; an archive keeps owners and the database's properties
  // either way, and nrestore decides (as pg_dump does for its archive formats).
  (void)no_owner;
  (void)create;
  options.privileges = !no_privileges;
  options.comments = !no_comments;
  options.publications = !no_publications;
  options.subscriptions = !no_subscriptions;
  options.security_labels = !no_security_labels;
  // As pg_dump, -b wins over -B.
  if (large_objects) {
    options.large_objects = libdump::DumpOptions::LargeObjects::kInclude;
  } else if (no_large_objects) {
    options.large_objects = libdump::DumpOptions::LargeObjects::kExclude;
  }

  libdump::CancelToken cancel;
  InstallSignalHandlers(&cancel);

  auto sink = libdump::OpenFileSink(file, !no_sync);
  if (!sink.ok()) return ReportError("ndump", sink.status());

  options.connection = ToConnectionOptions(conn, "ndump");
  options.jobs = jobs;
  options.compression_level = level;
  options.split_bytes = static_cast<uint64_t>(split_mb * 1024 * 1024);
  if (copy_format == "binary") options.copy_format = libdump::DumpOptions::CopyFormat::kBinary;
  options.row_fingerprints = !no_row_fingerprints;
  ProgressReporter observer("ndump", verbose, ParseProgressMode(progress_mode));
  auto result = libdump::Dump(options, sink->get(), &observer, &cancel);
  if (!result.ok()) {
    sink->reset();  // removes the partial file before reporting
    return observer.Fail(result.status());
  }
  observer.Finish(SummaryOf(*result));
  return kExitOk;
}
