// nrestore: restore an ndump archive into a database, or list its contents.
#include <CLI/CLI.hpp>

#include <cctype>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli_common.h"
#include "cluster_cli.h"
#include "help.h"
#include "libdump/check.h"
#include "libdump/format/archive.h"
#include "libdump/format/byte_io.h"
#include "libdump/format/cluster.h"
#include "libdump/restore.h"
#include "libdump/version.h"
#include "progress.h"

namespace {

// A name as --list prints it: newlines and carriage returns become spaces (as pg_restore -l
// prints them), so that a crafted name cannot add lines to a list that -L reads back.
std::string ListSafe(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

std::string OrDash(const std::string& s) { return s.empty() ? "-" : ListSafe(s); }

// Opens the archive and tells whether it is a cluster archive (ndumpall): `*in` is then the
// source to read, the file's or one that gives back the bytes the check read from a pipe.
libdump::Result<bool> OpenArchive(const std::string& file,
                                  std::unique_ptr<libdump::ByteSource>* file_source,
                                  std::unique_ptr<libdump::ByteSource>* replay,
                                  libdump::ByteSource** in) {
  ASSIGN_OR_RETURN(*file_source, libdump::OpenFileSource(file));
  ASSIGN_OR_RETURN(const bool cluster,
                   libdump::format::IsClusterArchive(file_source->get(), replay));
  *in = *replay ? replay->get() : file_source->get();
  return cluster;
}

int List(const std::string& file, const libdump::format::Keyring& keys) {
  std::unique_ptr<libdump::ByteSource> file_source, replay;
  libdump::ByteSource* in = nullptr;
  auto cluster = OpenArchive(file, &file_source, &replay, &in);
  if (!cluster.ok()) return ndump_cli::ReportError("nrestore", cluster.status());
  if (*cluster) return nrestore_cli::ListCluster(in, file);
  libdump::format::ArchiveHeader header;
  auto toc = libdump::ListArchive(in, &header, &keys);
  if (!toc.ok()) return ndump_cli::ReportError("nrestore", toc.status());
  char when[64] = "?";
  std::time_t t = static_cast<std::time_t>(header.created_unix_seconds);
  std::tm tm{};
  if (gmtime_r(&t, &tm)) std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
  std::printf(";\n; Archive created at %s\n;     dbname: %s\n;     TOC Entries: %zu\n", when,
              ListSafe(header.database).c_str(), toc->size());
  std::printf(
      ";     Compression: %s\n;     Format version: %u.%u\n",
      header.compression ? ("zstd:" + std::to_string(header.compression_level)).c_str() : "none",
      header.format_major, header.format_minor);
  if (header.encrypted) {
    std::printf(";     Encryption: %s\n", DescribeEncryption(header).c_str());
  }
  std::printf(";     Dumped from database version: %s\n;     Dumped by: %s\n;\n",
              ListSafe(header.server_version).c_str(), ListSafe(header.tool_version).c_str());
  for (const auto& e : *toc) {
    std::printf("%u; %s %s %s %s\n", e.dump_id, ListSafe(e.kind).c_str(), OrDash(e.schema).c_str(),
                ListSafe(e.name).c_str(), OrDash(e.owner).c_str());
  }
  return std::fflush(stdout) == 0 ? ndump_cli::kExitOk : ndump_cli::kExitError;
}

// --verify: every checksum and structure, no server. Damage goes to stderr as one error line
// naming the block and entry (exit 4); a valid archive gets its totals on stdout.
// An encrypted archive without its key: structure and checksums only, said on stdout.
int Verify(const std::string& file, const libdump::format::Keyring& keys) {
  std::unique_ptr<libdump::ByteSource> file_source, replay;
  libdump::ByteSource* in = nullptr;
  auto cluster = OpenArchive(file, &file_source, &replay, &in);
  if (!cluster.ok()) return ndump_cli::ReportError("nrestore", cluster.status());
  if (*cluster) return nrestore_cli::VerifyCluster(in, file);
  libdump::format::VerifyReport r;
  const libdump::Status st = libdump::VerifyArchive(in, &r, &keys);
  if (!st.ok()) return ndump_cli::ReportError("nrestore", st);
  const auto u = [](uint64_t v) { return static_cast<unsigned long long>(v); };
  const double ratio =
      r.stored_bytes ? static_cast<double>(r.raw_bytes) / static_cast<double>(r.stored_bytes) : 1.0;
  std::printf("archive: %s\nstatus: valid\nentries: %llu\ndata entries: %llu\n",
              file == "-" ? "stdin" : file.c_str(), u(r.entries), u(r.data_entries));
  std::printf("data blocks: %llu\nraw bytes: %llu\nstored bytes: %llu\n", u(r.blocks),
              u(r.raw_bytes), u(r.stored_bytes));
  std::printf("compression ratio: %.2f\narchive bytes: %llu\n", ratio, u(r.archive_bytes));
  if (r.encrypted) {
    std::printf("encryption: %s\n",
                r.authenticated ? "every block authenticated"
                                : "not authenticated (no key given: structure and checksums only)");
  }
  return std::fflush(stdout) == 0 ? ndump_cli::kExitOk : ndump_cli::kExitError;
}

std::string Table(const std::string& schema, const std::string& name) {
  return schema.empty() ? name : schema + "." + name;
}

// The tables a check found not the same, one line each, on standard output.
void PrintMismatches(const libdump::CheckReport& r) {
  for (const auto& m : r.mismatches) {
    const std::string t = ListSafe(Table(m.schema, m.name));
    if (m.missing) {
      std::printf("missing: %s (%llu rows in the archive): %s\n", t.c_str(),
                  static_cast<unsigned long long>(m.source_rows), ListSafe(m.detail).c_str());
    } else if (!m.detail.empty()) {
      std::printf("differs: %s (%llu rows in the archive): %s\n", t.c_str(),
                  static_cast<unsigned long long>(m.source_rows), ListSafe(m.detail).c_str());
    } else {
      std::printf("differs: %s: %llu rows in the archive, %llu in the database\n", t.c_str(),
                  static_cast<unsigned long long>(m.source_rows),
                  static_cast<unsigned long long>(m.copy_rows));
    }
  }
}

constexpr const char* kNoFingerprints =
    "the archive has no row fingerprints (written before archive format 1.5, or by ndump "
    "--no-row-fingerprints): nothing can be proven";

// --check: exit 0 when every selected table is proven the same, 1 when one differs or is
// missing, 6 when the archive cannot prove anything.
int Check(const std::string& file, const libdump::CheckOptions& options,
          ndump_cli::ProgressReporter* observer, libdump::CancelToken* cancel) {
  using namespace ndump_cli;
  auto source = libdump::OpenFileSource(file);
  if (!source.ok()) return ReportError("nrestore", source.status());
  auto r = libdump::CheckRestore(options, source->get(), observer, cancel);
  if (!r.ok()) return ReportError("nrestore", r.status());
  PrintMismatches(*r);
  const auto u = [](uint64_t v) { return static_cast<unsigned long long>(v); };
  if (!r->fingerprinted) {
    std::fprintf(stderr, "nrestore: %s\n", kNoFingerprints);
    return kExitUnproven;
  }
  std::printf("checked %llu tables, %llu rows in the archive, %llu read back: ", u(r->tables),
              u(r->rows), u(r->rows_read));
  if (!r->mismatches.empty()) {
    std::printf("%zu not the same\n", r->mismatches.size());
  } else {
    std::printf("all the same\n");
  }
  if (r->tables_unproven > 0) {
    std::printf("not proven: %llu tables without a row fingerprint\n", u(r->tables_unproven));
  }
  if (std::fflush(stdout) != 0) return kExitError;
  if (!r->mismatches.empty()) return kExitError;
  return r->tables_unproven > 0 ? kExitUnproven : kExitOk;
}

std::string Json(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (b < 0x20) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", b);
      out += esc;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string JsonNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

// --test-restore: the report as one JSON object on standard output (docs/nrestore.md, "Test
// restores"); exit 0 when it passed, 1 when it failed, 6 when nothing could be proven.
int TestRestoreCommand(const std::string& file, const libdump::TestRestoreOptions& options,
                       ndump_cli::ProgressReporter* observer, libdump::CancelToken* cancel) {
  using namespace ndump_cli;
  const std::time_t started = std::time(nullptr);
  auto source = libdump::OpenFileSource(file);
  if (!source.ok()) return ReportError("nrestore", source.status());
  std::string failure;
  auto r = libdump::TestRestore(options, source->get(), &failure, observer, cancel);
  if (!r.ok()) return ReportError("nrestore", r.status());
  const bool passed = failure.empty() && r->passed();
  const bool unproven = failure.empty() && r->restore.errors == 0 && r->objects_missing.empty() &&
                        r->check.mismatches.empty() && !r->check.proven();
  const char* result = passed ? "pass" : unproven ? "unproven" : "fail";
  if (!failure.empty()) std::fprintf(stderr, "nrestore: error: %s\n", failure.c_str());
  if (unproven && !r->check.fingerprinted) std::fprintf(stderr, "nrestore: %s\n", kNoFingerprints);
  char when[32] = "";
  std::tm tm{};
  if (gmtime_r(&started, &tm)) std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  const auto u = [](uint64_t v) { return std::to_string(v); };
  std::string j = "{";
  j += "\"result\": " + Json(result);
  j += ", \"archive\": " + Json(file == "-" ? "stdin" : file);
  j += ", \"started_at\": " + Json(when);
  j += ", \"database\": " + Json(r->database);
  j += ", \"throwaway\": " + std::string(options.use_database ? "false" : "true");
  j += ", \"dropped\": " + std::string(r->dropped ? "true" : "false");
  j += ", \"jobs\": " + std::to_string(options.restore.jobs);
  j += ", \"duration_seconds\": " + JsonNumber(r->seconds);
  j += ", \"restore_seconds\": " + JsonNumber(r->restore_seconds);
  j += ", \"check_seconds\": " + JsonNumber(r->check.seconds);
  j += ", \"archive_bytes\": " + (r->archive_bytes ? u(r->archive_bytes) : "null");
  j += ", \"data_bytes\": " + u(r->restore.raw_bytes);
  j += ", \"data_stored_bytes\": " + u(r->restore.stored_bytes);
  j += ", \"entries\": " + u(r->restore.entries);
  j += ", \"restore_errors\": " + u(r->restore.errors);
  j += ", \"fingerprinted\": " + std::string(r->check.fingerprinted ? "true" : "false");
  j += ", \"tables\": " + u(r->check.tables);
  j += ", \"tables_unproven\": " + u(r->check.tables_unproven);
  j += ", \"rows\": " + u(r->check.rows);
  j += ", \"rows_read\": " + u(r->check.rows_read);
  j += ", \"mismatches\": [";
  for (size_t i = 0; i < r->check.mismatches.size(); ++i) {
    const auto& m = r->check.mismatches[i];
    j += std::string(i ? ", " : "") + "{\"table\": " + Json(Table(m.schema, m.name)) +
         ", \"missing\": " + (m.missing ? "true" : "false") +
         ", \"source_rows\": " + u(m.source_rows) + ", \"copy_rows\": " + u(m.copy_rows) +
         ", \"detail\": " + Json(m.detail) + "}";
  }
  j += "], \"objects_expected\": " + u(r->objects_expected);
  j += ", \"objects_found\": " + u(r->objects_found);
  j += ", \"objects_missing\": [";
  for (size_t i = 0; i < r->objects_missing.size(); ++i) {
    j += std::string(i ? ", " : "") + Json(r->objects_missing[i]);
  }
  j += "], \"failure\": " + (failure.empty() ? std::string("null") : Json(failure)) + "}\n";
  std::fputs(j.c_str(), stdout);
  if (std::fflush(stdout) != 0) return kExitError;
  return passed ? kExitOk : unproven ? kExitUnproven : kExitError;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ndump_cli;
  CLI::App app{
      "nrestore restores a database from an ndump archive, or lists the archive.\n"
      "Every block is checked against its checksum before it reaches the server.\n",
      "nrestore"};
  SetUpHelp(app, "nrestore", NrestoreHelp());

  ConnectionFlags conn;
  std::string file = "-";
  int jobs = 1;
  bool list = false;
  bool verify = false;
  bool check = false;
  bool test_restore = false;
  bool verbose = false;
  std::string script = "-";
  std::string use_list;
  std::vector<std::string> sections;
  libdump::RestoreContent content;
  app.add_option("FILE", file, "archive to read, - for standard input")->capture_default_str();
  auto* list_flag = app.add_flag("-l,--list", list, "print a summarized TOC of the archive");
  app.add_flag("--verify", verify, "check every checksum and structure of the archive, no server")
      ->excludes(list_flag);
  app.add_flag("--check", check,
               "with -d: compare every restored table with the archive's row fingerprints")
      ->excludes(list_flag);
  app.add_flag("--test-restore", test_restore,
               "restore into a throwaway database (or the empty one -d names), check it, drop "
               "it, and print a JSON report")
      ->excludes(list_flag)
      ->excludes("--check");
  std::string jobs_text = "1";
  app.add_option("-j,--jobs", jobs_text, "use this many parallel jobs to restore (1..256)")
      ->type_name("NUM")
      ->capture_default_str();
  std::string format;
  app.add_option("-F,--format", format,
                 "archive format: c or custom, the only one nrestore reads (it also finds it "
                 "out by itself)")
      ->type_name("c");
  app.add_flag("-v,--verbose", verbose, "verbose mode");
  std::string decrypt_key;
  std::string decrypt_passphrase_file;
  app.add_option("--decrypt-key", decrypt_key,
                 "the secret key file of an archive encrypted to its public key (ndump "
                 "--encrypt-to)")
      ->type_name("FILE");
  app.add_option("--decrypt-passphrase-file", decrypt_passphrase_file,
                 "the passphrase of an archive encrypted with one, on the first line of this file")
      ->type_name("FILE");
  bool keep_char_padding = false;
  app.add_flag("--keep-char-padding", keep_char_padding,
               "send char(n) values with their trailing spaces; by default they go without "
               "into the tables the restore creates, whose char(n) input adds them back");
  bool no_verify_first = false;
  bool resume = false;
  app.add_flag("--resume", resume,
               "finish a restore of this archive into this database that stopped before its "
               "end (killed, server crash, lost connection), from its journal in the database");
  app.add_flag("--no-verify-first", no_verify_first,
               "from a file, do not read and check every data block before touching the "
               "server (each block is still checked before it is sent)");
  app.add_option("-f,--file", script,
                 "without -d: write the archive as a psql script to this file (- for standard "
                 "output)")
      ->capture_default_str();
  std::string progress_mode = "auto";
  AddProgressOption(app, &progress_mode);
  nrestore_cli::ClusterFlags cluster_flags;
  app.add_option("--database", cluster_flags.databases,
                 "from a cluster archive (ndumpall): restore only this database (repeatable)")
      ->type_name("NAME")
      ->allow_extra_args(false);
  app.add_flag("--no-globals", cluster_flags.no_globals,
               "from a cluster archive: leave out the roles and tablespaces");
  app.add_flag("-g,--globals-only", cluster_flags.globals_only,
               "from a cluster archive: restore only the roles and tablespaces");
  app.add_option("--tablespace-mapping", cluster_flags.tablespace_mapping,
                 "from a cluster archive: create the tablespace at OLDDIR in NEWDIR instead")
      ->type_name("OLDDIR=NEWDIR")
      ->allow_extra_args(false);
  AddConnectionOptions(app, &conn);
  // Selection and content, as pg_restore's (docs/nrestore.md).
  app.add_option(
      "-L,--use-list", use_list,
      "restore only the entries of this list (nrestore -l output, edited), in its order");
  app.add_option("-n,--schema", content.schemas, "restore only objects in this schema")
      ->allow_extra_args(false);
  app.add_option("-N,--exclude-schema", content.exclude_schemas,
                 "do not restore objects in this schema")
      ->allow_extra_args(false);
  app.add_option("-t,--table", content.tables,
                 "restore only this table, view, materialized view, foreign table or sequence")
      ->allow_extra_args(false);
  app.add_option("-T,--trigger", content.triggers, "restore only this trigger (\"TABLE TRIGGER\")")
      ->allow_extra_args(false);
  app.add_option("-I,--index", content.indexes, "restore only this index")->allow_extra_args(false);
  app.add_option("-P,--function", content.functions,
                 "restore only this function, e.g. \"f(integer)\"")
      ->allow_extra_args(false);
  app.add_option("--section", sections, "restore only this section: pre-data, data or post-data")
      ->check(CLI::IsMember({"pre-data", "data", "post-data"}))
      ->allow_extra_args(false);
  app.add_flag("-a,--data-only", content.data_only, "restore only the data, no schema");
  app.add_flag("-s,--schema-only", content.schema_only, "restore only the schema, no data");
  bool statistics = false, no_statistics = false;
  app.add_flag("--statistics", statistics, "restore the statistics (the default)");
  app.add_flag("--no-statistics", no_statistics, "do not restore statistics");
  app.add_flag("--statistics-only", content.statistics_only,
               "restore only the statistics, not schema or data");
  app.add_flag("-c,--clean", content.clean, "drop database objects before recreating them");
  app.add_flag("--if-exists", content.if_exists, "use IF EXISTS when dropping objects");
  app.add_flag("-C,--create", content.create, "create the target database");
  app.add_flag("-O,--no-owner", content.no_owner, "skip restoration of object ownership");
  app.add_flag("-x,--no-privileges", content.no_privileges,
               "skip restoration of access privileges (grant/revoke)");
  app.add_option("--role", content.role, "do SET ROLE before restore");
  app.add_flag("-1,--single-transaction", content.single_transaction,
               "restore as a single transaction");
  app.add_flag("-e,--exit-on-error", content.exit_on_error,
               "exit on error, default is to continue");
  app.add_flag("--disable-triggers", content.disable_triggers,
               "disable triggers during data-only restore");
  app.add_option("-S,--superuser", content.superuser,
                 "superuser user name to use for disabling triggers")
      ->type_name("NAME");
  bool no_data = false, no_schema = false;
  app.add_flag("--no-data", no_data, "do not restore data (as -s)");
  app.add_flag("--no-schema", no_schema, "do not restore the schema (as -a)");
  app.add_flag("--no-comments", content.no_comments, "do not restore comment commands");
  app.add_flag("--no-publications", content.no_publications, "do not restore publications");
  app.add_flag("--no-subscriptions", content.no_subscriptions, "do not restore subscriptions");
  app.add_flag("--no-security-labels", content.no_security_labels,
               "do not restore security labels");
  app.add_flag("--no-policies", content.no_policies, "do not restore row security policies");
  app.add_flag("--no-tablespaces", content.no_tablespaces, "do not restore tablespace assignments");
  app.add_flag("--no-table-access-method", content.no_table_access_method,
               "do not restore table access methods");
  app.add_flag("--strict-names", content.strict_names,
               "require each -n/-t/-I/-P/-T name to match at least one entry");
  std::string restrict_key;
  app.add_option("--restrict-key", restrict_key,
                 "use this string (letters and digits) as the psql \\restrict key of a script")
      ->type_name("RESTRICT_KEY");
  // pg_restore options nrestore does not implement: taken, so that using one is an error naming
  // it.
  bool no_data_for_failed = false, set_session_auth = false;
  std::string transaction_size;
  app.add_flag("--no-data-for-failed-tables", no_data_for_failed,
               "not supported by nrestore: an error");
  app.add_option("--transaction-size", transaction_size, "not supported by nrestore: an error")
      ->type_name("N");
  app.add_flag("--use-set-session-authorization", set_session_auth,
               "not supported by nrestore: an error (ownership is set with ALTER ... OWNER TO)");
  app.add_flag("--enable-row-security", content.enable_row_security, "enable row security");
  SetHelpGroup(app, "Output options",
               {"--list", "--verify", "--check", "--test-restore", "--file", "--format",
                "--restrict-key", "--decrypt-key", "--decrypt-passphrase-file"});
  SetHelpGroup(app, "Selection options",
               {"--use-list", "--schema", "--exclude-schema", "--table", "--trigger", "--index",
                "--function", "--section", "--data-only", "--schema-only", "--no-data",
                "--no-schema", "--statistics-only", "--strict-names"});
  SetHelpGroup(
      app, "Content options",
      {"--clean", "--if-exists", "--create", "--no-owner", "--no-privileges", "--role",
       "--disable-triggers", "--superuser", "--no-comments", "--no-publications",
       "--no-subscriptions", "--no-security-labels", "--no-policies", "--no-tablespaces",
       "--no-table-access-method", "--enable-row-security", "--statistics", "--no-statistics"});
  SetHelpGroup(app, "Cluster archive options (ndumpall)",
               {"--database", "--no-globals", "--globals-only", "--tablespace-mapping"});
  SetHelpGroup(
      app, "Options nrestore does not support",
      {"--no-data-for-failed-tables", "--transaction-size", "--use-set-session-authorization"});
  SetHelpGroup(
      app, "Behaviour options",
      {"--jobs", "--single-transaction", "--exit-on-error", "--resume", "--keep-char-padding",
       "--no-verify-first", "--verbose", "--progress", "--help", "--version"});

  if (const int code = ParseCommandLine(app, "nrestore", argc, argv); code >= 0) return code;
  // pg_restore's usage errors, in its order and words.
  auto usage = [](const std::string& what) {
    std::cerr << "nrestore: error: " << what << "\n";
    return kExitUsage;
  };
  {
    std::string error;
    if (!ParseIntOption(jobs_text, "-j/--jobs", 1, 256, &jobs, &error)) return usage(error);
  }
  if (!format.empty()) {
    std::string f = format;
    for (char& c : f) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (f == "p" || f == "plain") {
      return usage("archive format \"" + format + "\" is not supported; please use psql");
    }
    if (f == "d" || f == "directory" || f == "t" || f == "tar") {
      return usage("archive format \"" + format +
                   "\" is not supported: nrestore reads ndump's single-file archive (-F c)");
    }
    if (f != "c" && f != "custom") {
      return usage("unrecognized archive format \"" + format +
                   "\"; please specify \"c\", \"d\", or \"t\"");
    }
  }
  libdump::format::Keyring keys;
  if (!decrypt_key.empty()) {
    auto key = libdump::format::ReadSecretKeyFile(decrypt_key);
    if (!key.ok()) return ReportError("nrestore", key.status());
    keys.secret_key = *key;
  }
  if (!decrypt_passphrase_file.empty()) {
    auto phrase = libdump::format::ReadPassphraseFile(decrypt_passphrase_file);
    if (!phrase.ok()) return ReportError("nrestore", phrase.status());
    keys.passphrase = *phrase;
  }
  if (list) return List(file, keys);
  if (verify) return Verify(file, keys);
  if ((check || test_restore) && (verify || app.count("--file") > 0)) {
    return usage("options --check and --test-restore cannot be used with --verify or -f/--file");
  }
  if (check && conn.dbname.empty()) return usage("option --check needs -d/--dbname");
  if (test_restore && content.create) {
    return usage("options --test-restore and -C/--create cannot be used together");
  }
  if (!conn.dbname.empty() && app.count("--file") > 0) {
    return usage("options -d/--dbname and -f/--file cannot be used together");
  }
  if (!conn.dbname.empty() && !restrict_key.empty()) {
    return usage("options -d/--dbname and --restrict-key cannot be used together");
  }
  if (content.data_only && content.schema_only) {
    return usage("options -s/--schema-only and -a/--data-only cannot be used together");
  }
  if (content.data_only && no_data) {
    return usage("options -a/--data-only and --no-data cannot be used together");
  }
  if (content.schema_only && no_schema) {
    return usage("options -s/--schema-only and --no-schema cannot be used together");
  }
  if (no_data && no_schema)
    return usage("options --no-data and --no-schema leave nothing to restore");
  if ((content.data_only || no_schema) && content.clean) {
    return usage("options -c/--clean and -a/--data-only cannot be used together");
  }
  // pg_restore 18's rules for the statistics options (the others: restore::CheckContent).
  if (statistics && no_statistics) {
    return usage("options --statistics and --no-statistics cannot be used together");
  }
  if (content.data_only && statistics) {
    return usage("options -a/--data-only and --statistics cannot be used together");
  }
  if (content.schema_only && statistics) {
    return usage("options -s/--schema-only and --statistics cannot be used together");
  }
  if (content.schema_only && content.statistics_only) {
    return usage("options -s/--schema-only and --statistics-only cannot be used together");
  }
  if (content.data_only && content.statistics_only) {
    return usage("options -a/--data-only and --statistics-only cannot be used together");
  }
  if (content.statistics_only && no_statistics) {
    return usage("options --statistics-only and --no-statistics cannot be used together");
  }
  content.statistics = !no_statistics;
  if (content.single_transaction && content.create) {
    return usage("options -C/--create and -1/--single-transaction cannot be used together");
  }
  if (content.single_transaction && jobs > 1) {
    return usage("cannot specify both --single-transaction and multiple jobs");
  }
  if (content.if_exists && !content.clean) {
    return usage("option --if-exists requires option -c/--clean");
  }
  for (const auto& [given, name] :
       {std::pair{no_data_for_failed, "--no-data-for-failed-tables"},
        std::pair{!transaction_size.empty(), "--transaction-size"},
        std::pair{set_session_auth, "--use-set-session-authorization"}}) {
    if (given) return usage(std::string("option ") + name + " is not supported by nrestore");
  }
  content.data_only = content.data_only || no_schema;
  content.schema_only = content.schema_only || no_data;
  if (!sections.empty()) {
    content.pre_data = content.data = content.post_data = false;
    for (const auto& s : sections) {
      if (s == "pre-data") content.pre_data = true;
      if (s == "data") content.data = true;
      if (s == "post-data") content.post_data = true;
    }
  }
  if (!use_list.empty()) {
    std::ifstream in(use_list);
    if (!in) {
      return ReportError("nrestore",
                         libdump::Status::IoError("could not open the list file " + use_list));
    }
    std::stringstream text;
    text << in.rdbuf();
    std::vector<std::string> ignored;
    content.use_list = true;
    content.list = libdump::ParseRestoreList(text.str(), &ignored);
    for (const auto& line : ignored)
      std::cerr << "nrestore: warning: line ignored: " << line << "\n";
  }
  if (check || test_restore) {
    libdump::CancelToken cancel;
    InstallSignalHandlers(&cancel);
    ProgressReporter observer("nrestore", verbose, ParseProgressMode(progress_mode));
    if (check) {
      libdump::CheckOptions options;
      options.connection = ToConnectionOptions(conn, "nrestore");
      options.content = content;
      options.jobs = jobs;
      options.keys = keys;
      return Check(file, options, &observer, &cancel);
    }
    libdump::TestRestoreOptions options;
    options.restore.connection = ToConnectionOptions(conn, "nrestore");
    options.restore.jobs = jobs;
    options.restore.content = content;
    options.restore.trim_char_padding = !keep_char_padding;
    options.restore.check_blocks_first = !no_verify_first;
    options.restore.keys = keys;
    options.use_database = !conn.dbname.empty();
    return TestRestoreCommand(file, options, &observer, &cancel);
  }
  if (conn.dbname.empty()) {
    // As pg_restore: with no database to restore into, print the archive as a script.
    if (file == "-") {
      std::cerr << "nrestore: error: writing a script needs the archive as a FILE (or give -d)\n";
      return kExitUsage;
    }
    auto in = libdump::OpenFileSource(file);
    if (!in.ok()) return ReportError("nrestore", in.status());
    std::unique_ptr<libdump::ByteSource> unused;
    auto cluster = libdump::format::IsClusterArchive(in->get(), &unused);
    if (!cluster.ok()) return ReportError("nrestore", cluster.status());
    if (*cluster) return nrestore_cli::ScriptCluster(in->get(), script, content, cluster_flags);
    auto out = libdump::OpenFileSink(script);
    if (!out.ok()) return ReportError("nrestore", out.status());
    libdump::ScriptOptions script_options;
    script_options.restrict_key = restrict_key;
    script_options.keys = keys;
    libdump::Status st = libdump::WriteScript(in->get(), out->get(), content, script_options);
    if (!st.ok()) {
      out->reset();  // no partial script left behind
      return ReportError("nrestore", st);
    }
    return kExitOk;
  }

  libdump::CancelToken cancel;
  InstallSignalHandlers(&cancel);
  std::unique_ptr<libdump::ByteSource> file_source, replay;
  libdump::ByteSource* in = nullptr;
  auto cluster = OpenArchive(file, &file_source, &replay, &in);
  if (!cluster.ok()) return ReportError("nrestore", cluster.status());
  if (!*cluster && cluster_flags.any()) {
    return usage(
        "options --database, --no-globals, --globals-only and --tablespace-mapping "
        "need a cluster archive (ndumpall)");
  }

  libdump::RestoreOptions options;
  options.connection = ToConnectionOptions(conn, "nrestore");
  options.jobs = jobs;
  options.content = content;
  options.trim_char_padding = !keep_char_padding;
  options.check_blocks_first = !no_verify_first;
  options.resume = resume;
  options.keys = keys;
  ProgressReporter observer("nrestore", verbose, ParseProgressMode(progress_mode));
  if (*cluster) {
    libdump::ClusterRestoreOptions cluster_options;
    cluster_options.connection = options.connection;
    cluster_options.jobs = jobs;
    cluster_options.database = options;
    return nrestore_cli::RestoreCluster(in, cluster_options, cluster_flags, &observer, &cancel);
  }
  auto result = libdump::Restore(options, in, &observer, &cancel);
  if (!result.ok()) return observer.Fail(result.status());
  observer.Finish(SummaryOf(*result));
  if (result->errors > 0) {
    // As pg_restore: the restore went on past failed entries (each reported above).
    std::fprintf(stderr, "nrestore: warning: errors ignored on restore: %llu\n",
                 static_cast<unsigned long long>(result->errors));
    return kExitError;
  }
  return kExitOk;
}
