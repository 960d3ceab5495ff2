// backup_example: what an application does with libdump, from start to finish.
//
//   backup_example --source DB --target DB --archive PATH [--jobs N] [--verbose]
//                  [--tables SCHEMA.TABLE,... --selected-target DB]
//   backup_example --version
//
// 1. Dumps the source database through ChecksummingFileSink, the application's own ByteSink: it
//    writes the archive with plain POSIX calls, counts the bytes and computes its own checksum as
//    they pass (what a backup service would store next to the object), and only renames the file
//    into place when the library commits it.
// 2. Checks the stored file against that checksum, then opens it through PreadFileSource, the
//    application's own ByteSource, lists the archive and verifies every block
//    (format::ArchiveReader::Open, LoadIndex, Verify).
// 3. Restores it into the target database (which must exist and be empty).
// 4. With --tables, restores only those tables (definition, data, indexes, constraints, comments,
//    and whatever they need: their schema, an owned sequence...) into --selected-target, choosing
//    the entries from the archive's table of contents (ListArchive) and handing them to Restore
//    as a list (RestoreContent::use_list), as `nrestore -L` does.
// Progress and events arrive through an Observer and are printed here, by the application: the
// library itself never prints. Ctrl-C cancels through a CancelToken set from the application's
// own signal handler: the library installs none.
//
// DB is anything libpq accepts (a name, "host=... dbname=...", a postgresql:// URI); PGHOST,
// PGPORT, PGUSER and ~/.pgpass apply as for psql. Exit status: 0 on success, 1 on any failure,
// 2 for a bad command line.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "libdump/cancel.h"
#include "libdump/dump.h"
#include "libdump/format/archive.h"
#include "libdump/format/byte_io.h"
#include "libdump/observer.h"
#include "libdump/restore.h"
#include "libdump/status.h"
#include "libdump/version.h"

namespace {

// 64-bit FNV-1a: the application's own end-to-end checksum of the archive file, independent of
// the checksums the archive carries inside.
class Fnv1a64 {
 public:
  void Update(const void* data, size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < n; ++i) {
      hash_ ^= p[i];
      hash_ *= 0x100000001b3ull;
    }
  }
  uint64_t value() const { return hash_; }

 private:
  uint64_t hash_ = 0xcbf29ce484222325ull;
};

std::string ErrnoText(const std::string& what, int err) { return what + ": " + std::strerror(err); }

// Writes the archive to PATH.partial and renames it to PATH on Commit(), so PATH only ever holds a
// complete archive. libdump calls Write() from several threads but never two at once (dump.h), so
// no locking is needed here.
class ChecksummingFileSink final : public libdump::ByteSink {
 public:
  static libdump::Result<std::unique_ptr<ChecksummingFileSink>> Create(const std::string& path) {
    const std::string partial = path + ".partial";
    const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return libdump::Status::IoError(ErrnoText("cannot create " + partial, errno));
    return std::unique_ptr<ChecksummingFileSink>(new ChecksummingFileSink(path, partial, fd));
  }

  // Without a successful Commit() (the dump failed or was cancelled) the partial file goes away.
  ~ChecksummingFileSink() override {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(partial_.c_str());
  }

  libdump::Status Write(const void* data, size_t n) override {
    const char* p = static_cast<const char*>(data);
    size_t left = n;
    while (left > 0) {
      const ssize_t w = ::write(fd_, p, left);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return libdump::Status::IoError(ErrnoText("write to " + partial_, errno));
      p += w;
      left -= static_cast<size_t>(w);
    }
    checksum_.Update(data, n);
    bytes_ += n;
    return libdump::Status::Ok();
  }

  libdump::Status Flush() override {
    if (::fsync(fd_) != 0) return libdump::Status::IoError(ErrnoText("fsync " + partial_, errno));
    return libdump::Status::Ok();
  }

  // Called once, after the last Write() of a successful dump.
  libdump::Status Commit() override {
    libdump::Status st = Flush();
    if (!st.ok()) return st;
    if (::close(fd_) != 0) {
      fd_ = -1;
      return libdump::Status::IoError(ErrnoText("close " + partial_, errno));
    }
    fd_ = -1;
    if (::rename(partial_.c_str(), path_.c_str()) != 0) {
      return libdump::Status::IoError(ErrnoText("rename to " + path_, errno));
    }
    committed_ = true;
    return libdump::Status::Ok();
  }

  std::string Describe() const override { return path_; }
  uint64_t bytes() const { return bytes_; }
  uint64_t checksum() const { return checksum_.value(); }

 private:
  ChecksummingFileSink(std::string path, std::string partial, int fd)
      : path_(std::move(path)), partial_(std::move(partial)), fd_(fd) {}

  std::string path_;
  std::string partial_;
  int fd_;
  bool committed_ = false;
  uint64_t bytes_ = 0;
  Fnv1a64 checksum_;
};

// Reads a file with pread(): seekable, and ReadAt() has no shared cursor, so restore workers may
// call it from several threads at once, as byte_io.h requires of a seekable source.
class PreadFileSource final : public libdump::ByteSource {
 public:
  static libdump::Result<std::unique_ptr<PreadFileSource>> Open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return libdump::Status::IoError(ErrnoText("cannot open " + path, errno));
    return std::unique_ptr<PreadFileSource>(new PreadFileSource(path, fd));
  }
  ~PreadFileSource() override { ::close(fd_); }

  libdump::Result<size_t> Read(void* buf, size_t n) override {
    libdump::Result<size_t> r = ReadAt(cursor_, buf, n);
    if (r.ok()) cursor_ += *r;
    return r;
  }
  bool Seekable() const override { return true; }
  libdump::Result<uint64_t> Size() const override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return libdump::Status::IoError(ErrnoText("stat " + path_, errno));
    return static_cast<uint64_t>(st.st_size);
  }
  libdump::Result<size_t> ReadAt(uint64_t offset, void* buf, size_t n) const override {
    for (;;) {
      const ssize_t r = ::pread(fd_, buf, n, static_cast<off_t>(offset));
      if (r >= 0) return static_cast<size_t>(r);
      if (errno != EINTR) return libdump::Status::IoError(ErrnoText("read " + path_, errno));
    }
  }
  std::string Describe() const override { return path_; }

 private:
  PreadFileSource(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}

  std::string path_;
  int fd_;
  uint64_t cursor_ = 0;
};

// Prints events, and a progress line per finished data entry (a table, or a chunk of a big one),
// on stderr. libdump serializes the calls
// of one operation (observer.h), so there is no locking here either.
class ConsoleObserver final : public libdump::Observer {
 public:
  ConsoleObserver(const char* what, bool verbose) : what_(what), verbose_(verbose) {}

  void OnMessage(libdump::EventLevel level, const std::string& text) override {
    if (level == libdump::EventLevel::kVerbose && !verbose_) return;
    std::fprintf(stderr, "  [%s] %s%s\n", what_,
                 level == libdump::EventLevel::kWarning ? "warning: " : "", text.c_str());
  }

  // Called after every block; only a finished entry is worth a line.
  void OnProgress(const libdump::Progress& p) override {
    if (p.entries_done == last_entries_done_) return;
    last_entries_done_ = p.entries_done;
    std::fprintf(stderr,
                 "  [%s] %" PRIu64 "/%" PRIu64 " data entries, %" PRIu64
                 " rows, %.1f MiB of COPY data\n",
                 what_, p.entries_done, p.entries_total, p.rows_done,
                 static_cast<double>(p.raw_bytes_done) / (1024.0 * 1024.0));
  }

 private:
  const char* what_;
  bool verbose_;
  uint64_t last_entries_done_ = 0;
};

// Set by the SIGINT/SIGTERM handler; CancelToken::Cancel() is async-signal-safe.
libdump::CancelToken g_cancel;

extern "C" void OnSignal(int) { g_cancel.Cancel(); }

void InstallSignalHandlers() {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int Fail(const char* step, const libdump::Status& status) {
  std::fprintf(stderr, "backup_example: %s failed (%s): %s\n", step,
               libdump::StatusCodeName(status.code()), status.ToString().c_str());
  return 1;
}

struct Args {
  std::string source;
  std::string target;
  std::string archive;
  int jobs = 2;
  bool verbose = false;
  std::vector<std::string> tables;  // "schema.table", for step 4
  std::string selected_target;
};

// Returns 0 to go on, or the exit status.
int ParseArgs(int argc, char** argv, Args* args) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) return false;
      *out = argv[++i];
      return true;
    };
    std::string jobs, tables;
    if (a == "--version") {
      std::printf("backup_example, libdump %s, writes archive format %d.%d, reads %d.x\n",
                  LIBDUMP_VERSION, LIBDUMP_ARCHIVE_FORMAT_MAJOR, LIBDUMP_ARCHIVE_FORMAT_MINOR,
                  LIBDUMP_ARCHIVE_FORMAT_READ_MAJOR);
      return -1;
    } else if (a == "--verbose") {
      args->verbose = true;
    } else if ((a == "--source" && value(&args->source)) ||
               (a == "--target" && value(&args->target)) ||
               (a == "--archive" && value(&args->archive))) {
      continue;
    } else if (a == "--jobs" && value(&jobs)) {
      args->jobs = std::atoi(jobs.c_str());
    } else if (a == "--selected-target" && value(&args->selected_target)) {
      continue;
    } else if (a == "--tables" && value(&tables)) {
      for (size_t start = 0; start <= tables.size();) {
        const size_t comma = std::min(tables.find(',', start), tables.size());
        if (comma > start) args->tables.push_back(tables.substr(start, comma - start));
        start = comma + 1;
      }
    } else {
      std::fprintf(stderr, "backup_example: unexpected argument: %s\n", a.c_str());
      return 2;
    }
  }
  if (args->source.empty() || args->target.empty() || args->archive.empty() || args->jobs < 1 ||
      args->tables.empty() != args->selected_target.empty()) {
    std::fprintf(stderr,
                 "usage: backup_example --source DB --target DB --archive PATH [--jobs N] "
                 "[--verbose] [--tables SCHEMA.TABLE,... --selected-target DB]\n");
    return 2;
  }
  return 0;
}

// Step 1: the database into the application's sink.
int Backup(const Args& args, uint64_t* checksum) {
  std::printf("1. dump %s -> %s\n", args.source.c_str(), args.archive.c_str());
  libdump::Result<std::unique_ptr<ChecksummingFileSink>> sink =
      ChecksummingFileSink::Create(args.archive);
  if (!sink.ok()) return Fail("creating the archive", sink.status());

  libdump::DumpOptions options;
  options.connection.dbname = args.source;
  options.connection.application_name = "backup_example";
  options.jobs = args.jobs;
  ConsoleObserver observer("dump", args.verbose);
  libdump::Result<libdump::DumpSummary> summary =
      libdump::Dump(options, sink->get(), &observer, &g_cancel);
  if (!summary.ok()) return Fail("dump", summary.status());

  *checksum = (*sink)->checksum();
  std::printf("   %" PRIu64 " entries, %" PRIu64 " tables, %" PRIu64 " rows, %" PRIu64
              " bytes of COPY data in %" PRIu64 " archive bytes (%.2f s)\n",
              summary->entries, summary->tables, summary->rows, summary->raw_bytes,
              summary->archive_bytes, summary->seconds);
  std::printf("   stored %" PRIu64 " bytes, fnv1a64 %016" PRIx64 "\n", (*sink)->bytes(), *checksum);
  return 0;
}

// Step 2: is the stored file what the sink saw, and is it a sound archive?
int CheckArchive(const Args& args, uint64_t expected_checksum) {
  std::printf("2. check %s\n", args.archive.c_str());
  libdump::Result<std::unique_ptr<PreadFileSource>> source = PreadFileSource::Open(args.archive);
  if (!source.ok()) return Fail("opening the archive", source.status());

  Fnv1a64 checksum;
  std::vector<char> buf(1 << 20);
  for (;;) {
    libdump::Result<size_t> n = (*source)->Read(buf.data(), buf.size());
    if (!n.ok()) return Fail("reading the archive", n.status());
    if (*n == 0) break;
    checksum.Update(buf.data(), *n);
  }
  if (checksum.value() != expected_checksum) {
    std::fprintf(stderr, "backup_example: the stored archive does not match what was written\n");
    return 1;
  }
  std::printf("   fnv1a64 matches\n");

  libdump::Result<std::unique_ptr<libdump::format::ArchiveReader>> reader =
      libdump::format::ArchiveReader::Open(source->get());
  if (!reader.ok()) return Fail("opening the archive", reader.status());
  const libdump::format::ArchiveHeader& h = (*reader)->header();
  std::printf("   archive format %u.%u by \"%s\", database \"%s\" (%s) on server %s\n",
              static_cast<unsigned>(h.format_major), static_cast<unsigned>(h.format_minor),
              h.tool_version.c_str(), h.database.c_str(), h.encoding.c_str(),
              h.server_version.c_str());
  libdump::Status st = (*reader)->LoadIndex();
  if (!st.ok()) return Fail("reading the block index", st);

  std::map<uint32_t, libdump::format::EntryStats> stats;
  for (const auto& s : (*reader)->stats()) stats[s.dump_id] = s;
  for (const libdump::format::TocEntry& e : (*reader)->toc()) {
    std::string line = "   " + std::string(libdump::format::SectionName(e.section)) + "  " +
                       e.kind + "  " + (e.schema.empty() ? "" : e.schema + ".") + e.name;
    auto it = stats.find(e.dump_id);
    if (e.has_data() && it != stats.end())
      line += "  (" + std::to_string(it->second.rows) + " rows)";
    std::printf("%s\n", line.c_str());
  }

  libdump::format::VerifyReport report;
  st = (*reader)->Verify(&report);
  if (!st.ok()) return Fail("verify", st);
  std::printf("   verified: %" PRIu64 " entries, %" PRIu64 " with data, %" PRIu64
              " blocks, %" PRIu64 " raw bytes stored as %" PRIu64 "\n",
              report.entries, report.data_entries, report.blocks, report.raw_bytes,
              report.stored_bytes);
  return 0;
}

// Restores what `content` selects of the archive into `target`, stopping at the first failed
// entry rather than counting it and going on (the library's default, as pg_restore's).
int RunRestore(const Args& args, PreadFileSource* source, const std::string& target,
               libdump::RestoreContent content) {
  libdump::RestoreOptions options;
  options.connection.dbname = target;
  options.connection.application_name = "backup_example";
  options.jobs = args.jobs;
  options.content = std::move(content);
  options.content.exit_on_error = true;
  ConsoleObserver observer("restore", args.verbose);
  libdump::Result<libdump::RestoreSummary> summary =
      libdump::Restore(options, source, &observer, &g_cancel);
  if (!summary.ok()) return Fail("restore", summary.status());
  std::printf("   %" PRIu64 " entries, %" PRIu64 " tables, %" PRIu64 " rows (%.2f s)\n",
              summary->entries, summary->tables, summary->rows, summary->seconds);
  return 0;
}

// Step 3: the archive into the target database. RestoreContent selects what to restore
// (pg_restore's options); its defaults restore every entry.
int RestoreInto(const Args& args) {
  std::printf("3. restore %s -> %s (every entry, stopping at the first failure)\n",
              args.archive.c_str(), args.target.c_str());
  libdump::Result<std::unique_ptr<PreadFileSource>> source = PreadFileSource::Open(args.archive);
  if (!source.ok()) return Fail("opening the archive", source.status());
  return RunRestore(args, source->get(), args.target, libdump::RestoreContent{});
}

// Step 4: only some tables, into another database. The application picks the entries itself:
// the named TABLE entries and everything they depend on (their schema, a sequence a default
// uses, a type...), then what hangs on the chosen entries alone: their data, indexes,
// constraints, triggers, comments, privileges, sequence values. A foreign key to a table not
// chosen depends on that table too, so it is left out.
std::vector<uint32_t> EntriesForTables(const std::vector<libdump::format::TocEntry>& toc,
                                       const std::vector<std::string>& tables,
                                       std::vector<std::string>* missing) {
  std::map<uint32_t, const libdump::format::TocEntry*> by_id;
  for (const auto& e : toc) by_id[e.dump_id] = &e;
  std::map<uint32_t, bool> chosen;
  std::vector<uint32_t> todo;
  for (const std::string& t : tables) {
    bool found = false;
    for (const auto& e : toc) {
      if (e.kind == "TABLE" && e.schema + "." + e.name == t) {
        todo.push_back(e.dump_id);
        found = true;
      }
    }
    if (!found) missing->push_back(t);
  }
  // What the tables need, transitively.
  while (!todo.empty()) {
    const uint32_t id = todo.back();
    todo.pop_back();
    if (chosen[id]) continue;
    chosen[id] = true;
    auto it = by_id.find(id);
    if (it == by_id.end()) continue;
    for (uint32_t d : it->second->deps) todo.push_back(d);
  }
  // What hangs on the chosen entries only, until nothing more is added.
  static const char* const kAttached[] = {
      "TABLE DATA",       "SEQUENCE SET",  "INDEX",        "CONSTRAINT",        "FK CONSTRAINT",
      "TRIGGER",          "COMMENT",       "ACL",          "SEQUENCE OWNED BY", "DEFAULT",
      "CHECK CONSTRAINT", "POLICY",        "ROW SECURITY", "STATISTICS",        "CLUSTER ON",
      "REPLICA IDENTITY", "SECURITY LABEL"};
  for (bool added = true; added;) {
    added = false;
    for (const auto& e : toc) {
      if (chosen[e.dump_id] || e.deps.empty()) continue;
      if (std::find(std::begin(kAttached), std::end(kAttached), e.kind) == std::end(kAttached)) {
        continue;
      }
      bool all = true;
      for (uint32_t d : e.deps) all = all && chosen[d];
      if (all) {
        chosen[e.dump_id] = true;
        added = true;
      }
    }
  }
  std::vector<uint32_t> list;  // in archive order, which is a valid restore order
  for (const auto& e : toc) {
    if (chosen[e.dump_id]) list.push_back(e.dump_id);
  }
  return list;
}

int RestoreTables(const Args& args) {
  std::printf("4. restore only %zu table(s) -> %s\n", args.tables.size(),
              args.selected_target.c_str());
  libdump::Result<std::unique_ptr<PreadFileSource>> source = PreadFileSource::Open(args.archive);
  if (!source.ok()) return Fail("opening the archive", source.status());
  libdump::Result<std::vector<libdump::format::TocEntry>> toc = libdump::ListArchive(source->get());
  if (!toc.ok()) return Fail("listing the archive", toc.status());
  std::vector<std::string> missing;
  libdump::RestoreContent content;
  content.use_list = true;
  content.list = EntriesForTables(*toc, args.tables, &missing);
  if (!missing.empty()) {
    std::fprintf(stderr, "backup_example: no table %s in the archive\n", missing[0].c_str());
    return 1;
  }
  std::printf("   %zu of %zu entries chosen\n", content.list.size(), toc->size());
  return RunRestore(args, source->get(), args.selected_target, std::move(content));
}

}  // namespace

int main(int argc, char** argv) {
  // Line by line even into a pipe or file, so that the report interleaves with stderr in order.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  Args args;
  if (int rc = ParseArgs(argc, argv, &args); rc != 0) return rc < 0 ? 0 : rc;
  InstallSignalHandlers();

  uint64_t checksum = 0;
  if (int rc = Backup(args, &checksum); rc != 0) return rc;
  if (int rc = CheckArchive(args, checksum); rc != 0) return rc;
  if (int rc = RestoreInto(args); rc != 0) return rc;
  if (!args.tables.empty()) {
    if (int rc = RestoreTables(args); rc != 0) return rc;
  }
  std::printf("done\n");
  return 0;
}
