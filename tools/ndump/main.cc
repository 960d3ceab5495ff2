// ndump: dump one PostgreSQL database into a single-file ndump archive (or to stdout).
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
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
#include "libdump/restore.h"
#include "libdump/version.h"
#include "progress.h"

namespace {

// -Z/--compress: "zstd", "zstd:LEVEL", "zstd:level=LEVEL", "none", or a bare LEVEL (a zstd level,
// 0 = none). Returns false with `error` set for anything else.
bool ParseCompress(const std::string& spec, int* level, std::string* error) {
  auto parse_level = [&](const std::string& text) {
    if (text.empty() || text.size() > 3 ||
        text.find_first_not_of("0123456789") != std::string::npos) {
      *error = "-Z/--compress: invalid compression level \"" + text + "\" (expected 0..22)";
      return false;
    }
    const int v = std::stoi(text);
    if (v > 22) {
      *error = "-Z/--compress: compression level " + text + " is out of range (0..22)";
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
      *error =
          "invalid compression specification: compression algorithm \"none\" does not accept a "
          "compression level";
      return false;
    }
    *level = 0;
    return true;
  }
  if (method == "gzip" || method == "lz4") {
    *error = "-Z/--compress: compression method \"" + method +
             "\" is not supported by ndump (use zstd, zstd:LEVEL or none)";
    return false;
  }
  if (method != "zstd") {
    // pg_dump's words, then which forms -Z takes.
    *error = "unrecognized compression algorithm: \"" + method +
             "\" (-Z/--compress takes zstd, zstd:LEVEL, none or a zstd LEVEL)";
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

// -F p: the dump goes to an archive in an unlinked temporary file (in $TMPDIR, else /tmp), which
// WriteScript then turns into the script, as nrestore -f would, so that `ndump -F p` and
// `ndump | nrestore -f` write the same text. Memory stays that of a dump and of a script writer;
// the disk holds the compressed archive until the script is written.
int DumpPlain(const libdump::DumpOptions& options, libdump::ByteSink* out,
              const libdump::RestoreContent& content, const libdump::ScriptOptions& script,
              ndump_cli::ProgressReporter* observer, const libdump::CancelToken* cancel) {
  const char* tmpdir = std::getenv("TMPDIR");
  std::string path =
      std::string(tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp") + "/ndump-plain.XXXXXX";
  const int fd = ::mkstemp(path.data());
  if (fd < 0) {
    return observer->Fail(libdump::Status::IoError("could not create a temporary file in " +
                                                   path.substr(0, path.rfind('/')) + ": " +
                                                   std::strerror(errno)));
  }
  ::unlink(path.c_str());
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  std::unique_ptr<libdump::ByteSink> temp = libdump::FdSink(fd, "temporary archive");
  auto result = libdump::Dump(options, temp.get(), observer, cancel);
  if (!result.ok()) return observer->Fail(result.status());
  std::unique_ptr<libdump::ByteSource> archive = libdump::FdSource(fd, "temporary archive");
  const libdump::Status st = libdump::WriteScript(archive.get(), out, content, script);
  if (!st.ok()) return observer->Fail(st);
  observer->Finish(ndump_cli::SummaryOf(*result));
  return ndump_cli::kExitOk;
}

// --keygen FILE: a new key pair in FILE (secret, 0600) and FILE.pub; prints the public key's id.
int KeyGen(const std::string& path) {
  auto pair = libdump::format::GenerateKeyPair();
  if (!pair.ok()) return ndump_cli::ReportError("ndump", pair.status());
  const libdump::Status st = libdump::format::WriteKeyPairFiles(*pair, path, path + ".pub");
  if (!st.ok()) return ndump_cli::ReportError("ndump", st);
  std::printf(
      "secret key: %s (keep it off the machine that dumps)\npublic key: %s.pub\nkey id: %s\n",
      path.c_str(), path.c_str(), libdump::format::KeyId(pair->public_key).c_str());
  return std::fflush(stdout) == 0 ? ndump_cli::kExitOk : ndump_cli::kExitError;
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
  std::string format = "custom";
  std::string jobs_text = "1";
  int jobs = 1;
  int level = 3;
  bool verbose = false;
  double split_mb = 64;
  app.add_option("DBNAME", positional_db, "database to dump (same as -d)");
  app.add_option("-f,--file", file, "output file name, - for standard output")
      ->capture_default_str();
  app.add_option("-F,--format", format,
                 "output format: c or custom, the ndump archive; p or plain, a psql script of "
                 "the same content as nrestore -f writes (d/directory and t/tar are not "
                 "supported: use the single-file archive)")
      ->type_name("c|p")
      ->capture_default_str();
  app.add_option("-j,--jobs", jobs_text, "use this many parallel jobs to dump (1..256)")
      ->type_name("NUM")
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
  std::string encrypt_to;
  std::string encrypt_passphrase_file;
  std::string keygen;
  app.add_option("--encrypt-to", encrypt_to,
                 "encrypt the archive to the public key in this file (from ndump --keygen): only "
                 "its secret key can read the archive")
      ->type_name("KEYFILE");
  app.add_option("--encrypt-passphrase-file", encrypt_passphrase_file,
                 "encrypt the archive with the passphrase on the first line of this file (which "
                 "only its owner may read)")
      ->type_name("FILE")
      ->excludes("--encrypt-to");
  app.add_option("--keygen", keygen,
                 "write a new key pair, the secret key to FILE (mode 0600) and the public key to "
                 "FILE.pub, and exit")
      ->type_name("FILE");
  bool no_row_fingerprints = false;
  app.add_flag("--no-row-fingerprints", no_row_fingerprints,
               "do not record each table's row fingerprint, with which nrestore --check proves "
               "a restored copy whole (writes an archive of format 1.4 or lower)");
  app.add_flag("-v,--verbose", verbose, "verbose mode");
  std::string progress_mode = "auto";
  AddProgressOption(app, &progress_mode);

  libdump::DumpOptions options;
  libdump::ScriptOptions script;
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
  repeatable("-e,--extension", &options.extensions, "dump only the extensions matching PATTERN");
  repeatable("--exclude-extension", &options.exclude_extensions,
             "do NOT dump the extensions matching PATTERN");
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
               "skip restoration of object ownership in a plain script (-F p); an archive "
               "always records owners (use nrestore -O)");
  app.add_flag("-C,--create", create,
               "include commands to create the database in a plain script (-F p); ignored for "
               "an archive (use nrestore -C)");
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
  // pg_dump still takes -R (--no-reconnect) and ignores it, for old scripts: so does ndump.
  bool no_reconnect = false;
  app.add_flag("-R,--no-reconnect", no_reconnect, "obsolete, accepted and ignored (as pg_dump)");
  // pg_dump's content options that ndump takes as pg_dump does.
  bool no_data = false, no_schema = false;
  app.add_flag("--no-data", no_data, "do not dump data (as -s)");
  app.add_flag("--no-schema", no_schema, "do not dump the schema (as -a)");
  app.add_flag("--sequence-data", options.sequence_data,
               "include sequence values in the dump (with -s)");
  bool no_unlogged = false, no_policies = false, no_tablespaces = false, no_table_am = false;
  bool no_toast_compression = false;
  app.add_flag("--no-unlogged-table-data", no_unlogged, "do not dump unlogged table data");
  app.add_flag("--no-policies", no_policies, "do not dump row security policies");
  app.add_flag("--no-tablespaces", no_tablespaces, "do not dump tablespace assignments");
  app.add_flag("--no-table-access-method", no_table_am, "do not dump table access methods");
  app.add_flag("--no-toast-compression", no_toast_compression,
               "do not dump TOAST compression methods");
  app.add_option("-E,--encoding", options.encoding, "dump the data in encoding ENCODING");
  std::string extra_float_digits;
  app.add_option("--extra-float-digits", extra_float_digits,
                 "override the extra_float_digits setting (-15..3; 3, the default, keeps every "
                 "float value exact)")
      ->type_name("NUM");
  app.add_flag("--enable-row-security", options.enable_row_security,
               "enable row security (dump only the rows the user may see)");
  app.add_option("--role", options.role, "do SET ROLE before dump")->type_name("ROLENAME");
  // Plain-format options: they shape the script -F p writes, as pg_dump's shape its plain output.
  bool clean = false, if_exists = false, disable_triggers = false, inserts = false;
  bool column_inserts = false, on_conflict = false;
  std::string rows_per_insert_text, superuser, restrict_key;
  app.add_flag("-c,--clean", clean, "clean (drop) database objects before recreating (-F p)");
  app.add_flag("--if-exists", if_exists, "use IF EXISTS when dropping objects");
  app.add_flag("--disable-triggers", disable_triggers,
               "disable triggers during data-only restore (-F p)");
  app.add_option("-S,--superuser", superuser,
                 "superuser user name to use for --disable-triggers in a script (-F p)")
      ->type_name("NAME");
  app.add_flag("--inserts", inserts, "dump data as INSERT commands, rather than COPY (-F p)");
  app.add_flag("--column-inserts", column_inserts,
               "dump data as INSERT commands with column names (-F p)");
  app.add_option("--rows-per-insert", rows_per_insert_text,
                 "number of rows per INSERT; implies --inserts (-F p)")
      ->type_name("NROWS");
  app.add_flag("--on-conflict-do-nothing", on_conflict,
               "add ON CONFLICT DO NOTHING to INSERT commands (-F p)");
  app.add_option("--restrict-key", restrict_key,
                 "use this string (letters and digits) as the psql \\restrict key (-F p)")
      ->type_name("RESTRICT_KEY");
  // pg_dump options ndump does not implement: taken, so that using one is an error naming it.
  std::vector<std::string> include_foreign_data;
  bool load_via_root = false, set_session_auth = false;
  bool binary_upgrade = false, no_dollar_quoting = false;
  app.add_option("--include-foreign-data", include_foreign_data,
                 "not supported by ndump: an error (foreign tables' data is not dumped)")
      ->allow_extra_args(false)
      ->type_name("PATTERN");

  app.add_flag("--quote-all-identifiers", options.quote_all_identifiers,
               "quote all identifiers, even if not key words");
  app.add_flag("--load-via-partition-root", load_via_root, "not supported by ndump: an error");
  app.add_flag("--use-set-session-authorization", set_session_auth,
               "not supported by ndump: an error (ownership is set with ALTER ... OWNER TO)");
  app.add_flag("--binary-upgrade", binary_upgrade, "not supported by ndump: an error");
  app.add_flag("--disable-dollar-quoting", no_dollar_quoting, "not supported by ndump: an error");
  std::string sync_method;
  app.add_option("--sync-method", sync_method,
                 "fsync or syncfs: accepted, with one meaning: ndump fsyncs its one output file "
                 "and its directory (unless --no-sync)")
      ->type_name("METHOD")
      ->check(CLI::IsMember({"fsync", "syncfs"}));
  AddConnectionOptions(app, &conn);
  SetHelpGroup(app, "Output options",
               {"--file", "--format", "--compress", "--compress-level", "--no-sync",
                "--sync-method", "--encrypt-to", "--encrypt-passphrase-file", "--keygen"});
  SetHelpGroup(app, "Selection options",
               {"--schema",
                "--exclude-schema",
                "--table",
                "--exclude-table",
                "--exclude-table-data",
                "--table-and-children",
                "--exclude-table-and-children",
                "--exclude-table-data-and-children",
                "--extension",
                "--exclude-extension",
                "--strict-names",
                "--filter",
                "--data-only",
                "--schema-only",
                "--no-data",
                "--no-schema",
                "--statistics-only",
                "--sequence-data",
                "--section",
                "--no-unlogged-table-data"});
  SetHelpGroup(app, "Content options",
               {"--no-owner", "--create", "--no-privileges", "--no-comments", "--no-publications",
                "--no-subscriptions", "--no-security-labels", "--no-policies", "--no-tablespaces",
                "--no-table-access-method", "--no-toast-compression", "--quote-all-identifiers",
                "--large-objects", "--no-large-objects", "--statistics", "--no-statistics"});
  SetHelpGroup(
      app, "Plain format options",
      {"--clean", "--if-exists", "--disable-triggers", "--superuser", "--inserts",
       "--column-inserts", "--rows-per-insert", "--on-conflict-do-nothing", "--restrict-key"});
  SetHelpGroup(app, "Behaviour options",
               {"--jobs", "--split-size", "--copy-format", "--no-row-fingerprints", "--snapshot",
                "--lock-wait-timeout", "--serializable-deferrable", "--encoding",
                "--extra-float-digits", "--enable-row-security", "--role", "--verbose",
                "--progress", "--no-reconnect", "--help", "--version"});
  SetHelpGroup(app, "Options ndump does not support",
               {"--include-foreign-data", "--load-via-partition-root",
                "--use-set-session-authorization", "--binary-upgrade", "--disable-dollar-quoting"});

  if (const int code = ParseCommandLine(app, "ndump", argc, argv); code >= 0) return code;
  if (!keygen.empty()) return KeyGen(keygen);
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
  {
    std::string error;
    if (!ParseIntOption(jobs_text, "-j/--jobs", 1, 256, &jobs, &error)) return usage(error);
    if (!extra_float_digits.empty() &&
        !ParseIntOption(extra_float_digits, "--extra-float-digits", -15, 3,
                        &options.extra_float_digits, &error)) {
      return usage(error);
    }
    if (!rows_per_insert_text.empty()) {
      int rows = 0;
      if (!ParseIntOption(rows_per_insert_text, "--rows-per-insert", 1, 2147483647, &rows,
                          &error)) {
        return usage(error);
      }
      script.rows_per_insert = rows;
    }
    if (!compress.empty() && !ParseCompress(compress, &level, &error)) return usage(error);
  }
  // As pg_dump: --column-inserts implies --inserts, whose statements carry one row each.
  if ((inserts || column_inserts) && script.rows_per_insert == 0) script.rows_per_insert = 1;
  script.column_inserts = column_inserts;
  script.on_conflict_do_nothing = on_conflict;
  script.quote_all_identifiers = options.quote_all_identifiers;
  // pg_dump's checks, in its order and words.
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
  if (data_only && no_data) {
    return usage("options -a/--data-only and --no-data cannot be used together");
  }
  if (schema_only && no_schema) {
    return usage("options -s/--schema-only and --no-schema cannot be used together");
  }
  // pg_dump 18: --no-data --no-schema leaves the statistics, when they are asked for.
  if (no_data && no_schema && !statistics) {
    return usage("options --no-data and --no-schema leave nothing to dump");
  }
  if (schema_only && !include_foreign_data.empty()) {
    return usage("options -s/--schema-only and --include-foreign-data cannot be used together");
  }
  if (jobs > 1 && !include_foreign_data.empty()) {
    return usage("option --include-foreign-data is not supported with parallel backup");
  }
  if ((data_only || no_schema) && clean) {
    return usage("options -c/--clean and -a/--data-only cannot be used together");
  }
  if (if_exists && !clean) return usage("option --if-exists requires option -c/--clean");
  if (on_conflict && script.rows_per_insert == 0) {
    return usage(
        "option --on-conflict-do-nothing requires option --inserts, --rows-per-insert, or "
        "--column-inserts");
  }
  // The output format: pg_dump's names, case-insensitive.
  std::string format_lower = format;
  for (char& c : format_lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool plain = false;
  if (format_lower == "p" || format_lower == "plain") {
    plain = true;
  } else if (format_lower == "d" || format_lower == "directory" || format_lower == "t" ||
             format_lower == "tar") {
    return usage("output format \"" + format +
                 "\" is not supported: ndump writes a single-file archive (-F c, the default, "
                 "which nrestore -j restores in parallel as pg_restore does a directory "
                 "archive) or a plain script (-F p)");
  } else if (format_lower != "c" && format_lower != "custom") {
    return usage("invalid output format \"" + format + "\" specified");
  }
  if (!plain) {
    if (script.rows_per_insert > 0) {
      return usage(std::string(inserts          ? "--inserts"
                               : column_inserts ? "--column-inserts"
                                                : "--rows-per-insert") +
                   " only applies to a plain script (-F p): the archive keeps table data as "
                   "COPY data, which nrestore loads with COPY");
    }
    if (!restrict_key.empty()) {
      return usage("option --restrict-key can only be used with --format=plain");
    }
  } else if (copy_format == "binary") {
    return usage(
        "--copy-format binary cannot be used with -F p: a psql script carries COPY "
        "data in text form only");
  } else if (!encrypt_to.empty() || !encrypt_passphrase_file.empty()) {
    return usage("encryption applies to the archive (-F c): a plain script is not encrypted");
  }
  if (!encrypt_to.empty()) {
    auto key = libdump::format::ReadPublicKeyFile(encrypt_to);
    if (!key.ok()) return ReportError("ndump", key.status());
    options.encryption.mode = libdump::format::Encryption::Mode::kRecipient;
    options.encryption.recipient = *key;
  } else if (!encrypt_passphrase_file.empty()) {
    auto phrase = libdump::format::ReadPassphraseFile(encrypt_passphrase_file);
    if (!phrase.ok()) return ReportError("ndump", phrase.status());
    options.encryption.mode = libdump::format::Encryption::Mode::kPassphrase;
    options.encryption.passphrase = *phrase;
  }
  for (const auto& [given, name] :
       {std::pair{!include_foreign_data.empty(), "--include-foreign-data"},
        std::pair{load_via_root, "--load-via-partition-root"},
        std::pair{set_session_auth, "--use-set-session-authorization"},
        std::pair{binary_upgrade, "--binary-upgrade"},
        std::pair{no_dollar_quoting, "--disable-dollar-quoting"}}) {
    if (given) return usage(std::string("option ") + name + " is not supported by ndump");
  }
  if (plain && !restrict_key.empty() &&
      restrict_key.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                     "0123456789") != std::string::npos) {
    return usage("invalid restrict key");
  }
  script.restrict_key = restrict_key;
  options.content = statistics_only || (no_data && no_schema)
                        ? libdump::DumpOptions::Content::kStatisticsOnly
                    : data_only || no_schema ? libdump::DumpOptions::Content::kDataOnly
                    : schema_only || no_data ? libdump::DumpOptions::Content::kSchemaOnly
                                             : libdump::DumpOptions::Content::kAll;
  options.statistics = statistics || statistics_only;
  options.unlogged_table_data = !no_unlogged;
  options.policies = !no_policies;
  options.tablespaces = !no_tablespaces;
  options.table_access_methods = !no_table_am;
  options.toast_compression = !no_toast_compression;
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
  // -O, -C, -c, --if-exists, --disable-triggers and -S change what a script says (-F p); an
  // archive keeps owners and the database's properties either way, and nrestore decides (as
  // pg_dump does for its archive formats).
  libdump::RestoreContent content;
  content.no_owner = no_owner;
  content.create = create;
  content.clean = clean;
  content.if_exists = if_exists;
  content.disable_triggers = disable_triggers;
  content.superuser = superuser;
  content.no_tablespaces = no_tablespaces;
  content.no_table_access_method = no_table_am;
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
  if (plain) {
    const int code = DumpPlain(options, sink->get(), content, script, &observer, &cancel);
    if (code != kExitOk) sink->reset();  // removes the partial file
    return code;
  }
  auto result = libdump::Dump(options, sink->get(), &observer, &cancel);
  if (!result.ok()) {
    sink->reset();  // removes the partial file before reporting
    return observer.Fail(result.status());
  }
  observer.Finish(SummaryOf(*result));
  return kExitOk;
}
