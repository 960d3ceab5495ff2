#include "cluster_cli.h"

#include <cstdio>
#include <ctime>

#include "cli_common.h"

namespace nrestore_cli {

namespace {

// As main.cc's ListSafe: no line breaks from names.
std::string Safe(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

std::string OrDash(const std::string& s) { return s.empty() ? "-" : Safe(s); }

unsigned long long U(uint64_t v) { return static_cast<unsigned long long>(v); }

}  // namespace

int ListCluster(libdump::ByteSource* source, const std::string& name) {
  (void)name;
  libdump::format::ArchiveHeader header;
  auto parts = libdump::ListCluster(source, &header);
  if (!parts.ok()) return ndump_cli::ReportError("nrestore", parts.status());
  char when[64] = "?";
  std::time_t t = static_cast<std::time_t>(header.created_unix_seconds);
  std::tm tm{};
  if (gmtime_r(&t, &tm)) std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
  std::printf(";\n; Cluster archive created at %s\n;     Databases: %zu\n", when,
              parts->empty() ? size_t{0} : parts->size() - 1);
  std::printf(
      ";     Format version: %u.%u\n;     Dumped from server version: %s\n"
      ";     Dumped by: %s\n;\n",
      header.format_major, header.format_minor, Safe(header.server_version).c_str(),
      Safe(header.tool_version).c_str());
  for (const auto& p : *parts) {
    if (p.part == 0) {
      std::printf("; Globals (part 0): %zu entries\n", p.toc.size());
    } else {
      std::printf("; Database \"%s\" (part %u): %zu entries, %llu bytes\n",
                  Safe(p.database).c_str(), p.part, p.toc.size(), U(p.bytes));
    }
  }
  for (const auto& p : *parts) {
    std::printf(";\n; part %u: %s\n", p.part,
                p.part == 0 ? "globals" : ("database " + Safe(p.database)).c_str());
    for (const auto& e : p.toc) {
      std::printf("%u; %s %s %s %s\n", e.dump_id, Safe(e.kind).c_str(), OrDash(e.schema).c_str(),
                  Safe(e.name).c_str(), OrDash(e.owner).c_str());
    }
  }
  return std::fflush(stdout) == 0 ? ndump_cli::kExitOk : ndump_cli::kExitError;
}

int VerifyCluster(libdump::ByteSource* source, const std::string& name) {
  libdump::format::ClusterVerifyReport r;
  const libdump::Status st = libdump::VerifyCluster(source, &r);
  if (!st.ok()) return ndump_cli::ReportError("nrestore", st);
  std::printf("archive: %s\nstatus: valid\nkind: cluster\nparts: %llu\nchunks: %llu\n",
              name == "-" ? "stdin" : name.c_str(), U(r.parts), U(r.chunks));
  uint64_t entries = 0, blocks = 0, raw = 0;
  for (const auto& p : r.part_reports) {
    entries += p.entries;
    blocks += p.blocks;
    raw += p.raw_bytes;
  }
  std::printf("entries: %llu\ndata blocks: %llu\nraw bytes: %llu\narchive bytes: %llu\n",
              U(entries), U(blocks), U(raw), U(r.archive_bytes));
  return std::fflush(stdout) == 0 ? ndump_cli::kExitOk : ndump_cli::kExitError;
}

namespace {

// --tablespace-mapping values; false (after the message) for a bad one.
bool ParseMapping(const ClusterFlags& flags,
                  std::vector<std::pair<std::string, std::string>>* out) {
  for (const std::string& m : flags.tablespace_mapping) {
    const size_t eq = m.find('=');
    if (eq == std::string::npos || eq == 0 || m[0] != '/' || eq + 1 >= m.size() ||
        m[eq + 1] != '/') {
      std::fprintf(stderr,
                   "nrestore: error: invalid tablespace mapping \"%s\": expected "
                   "OLDDIR=NEWDIR, both absolute\n",
                   m.c_str());
      return false;
    }
    out->emplace_back(m.substr(0, eq), m.substr(eq + 1));
  }
  return true;
}

}  // namespace

int ScriptCluster(libdump::ByteSource* source, const std::string& path,
                  const libdump::RestoreContent& content, const ClusterFlags& flags) {
  std::vector<std::pair<std::string, std::string>> mapping;
  if (!ParseMapping(flags, &mapping)) return ndump_cli::kExitUsage;
  auto out = libdump::OpenFileSink(path);
  if (!out.ok()) return ndump_cli::ReportError("nrestore", out.status());
  const libdump::Status st = libdump::WriteClusterScript(
      source, out->get(), content, flags.databases, !flags.no_globals, flags.globals_only, mapping);
  if (!st.ok()) {
    out->reset();  // no partial script left behind
    return ndump_cli::ReportError("nrestore", st);
  }
  return ndump_cli::kExitOk;
}

int RestoreCluster(libdump::ByteSource* source, libdump::ClusterRestoreOptions options,
                   const ClusterFlags& flags, ndump_cli::ProgressReporter* observer,
                   libdump::CancelToken* cancel) {
  if (!ParseMapping(flags, &options.tablespace_mapping)) return ndump_cli::kExitUsage;
  options.databases = flags.databases;
  options.globals = !flags.no_globals;
  options.globals_only = flags.globals_only;
  options.clean = options.database.content.clean;
  options.if_exists = options.database.content.if_exists;
  auto r = libdump::RestoreCluster(options, source, observer, cancel);
  if (!r.ok()) return observer->Fail(r.status());
  observer->Finish(ndump_cli::SummaryOf(r->totals));
  if (r->errors > 0) {
    std::fprintf(stderr, "nrestore: warning: errors ignored on restore: %llu\n", U(r->errors));
    return ndump_cli::kExitError;
  }
  return ndump_cli::kExitOk;
}

}  // namespace nrestore_cli
