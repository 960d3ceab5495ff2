#include "libdump/restore.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "common/events.h"
#include "pg/cancel_watch.h"
#include "pg/pg.h"
#include "sched/task_graph.h"

namespace libdump {

namespace {

using format::Section;
using format::TocEntry;

// Settings every restore session runs with; the empty search_path matches how the dump
// deparsed names, standard_conforming_strings matches how it quoted literals.
std::string RestoreSessionSql(const std::string& encoding) {
  return "SET client_encoding = " + pg::QuoteLiteral(encoding.empty() ? "UTF8" : encoding) +
         "; SET standard_conforming_strings = on; SET check_function_bodies = false; "
         "SET xmloption = content; SET client_min_messages = warning; SET row_security = off; "
         "SET DateStyle = ISO; SET IntervalStyle = postgres; SET statement_timeout = 0; "
         "SET lock_timeout = 0; SET idle_in_transaction_session_timeout = 0; "
         "SELECT pg_catalog.set_config('search_path', '', false);";
}

// ALTER ... OWNER TO for the kinds that have an owner, derived from the entry as pg_restore
// does, so that options such as --no-owner need not edit the stored SQL.
std::string OwnerSql(const TocEntry& e) {
  if (e.owner.empty()) return "";
  const char* what = nullptr;
  if (e.kind == "SCHEMA") {
    return "ALTER SCHEMA " + pg::QuoteIdent(e.name) + " OWNER TO " + pg::QuoteIdent(e.owner) +
           ";\n";
  }
  if (e.kind == "TABLE") what = "TABLE";
  if (e.kind == "VIEW") what = "VIEW";
  if (e.kind == "SEQUENCE") what = "SEQUENCE";
  if (e.kind == "TYPE") what = "TYPE";
  if (e.kind == "DOMAIN") what = "DOMAIN";
  if (what == nullptr) return "";
  return std::string("ALTER ") + what + " " + pg::QualifiedName(e.schema, e.name) + " OWNER TO " +
         pg::QuoteIdent(e.owner) + ";\n";
}

std::string Describe(const TocEntry& e) {
  std::string s = e.kind + " ";
  if (!e.schema.empty()) s += e.schema + ".";
  return s + e.name;
}

// Owns a descriptor and reads it as a seekable source (the spool of a piped archive).
class OwnedFdSource final : public ByteSource {
 public:
  OwnedFdSource(int fd, std::string name) : fd_(fd), inner_(FdSource(fd, std::move(name))) {}
  ~OwnedFdSource() override { ::close(fd_); }
  Result<size_t> Read(void* buf, size_t n) override { return inner_->Read(buf, n); }
  bool Seekable() const override { return inner_->Seekable(); }
  Result<uint64_t> Size() const override { return inner_->Size(); }
  Result<size_t> ReadAt(uint64_t offset, void* buf, size_t n) const override {
    return inner_->ReadAt(offset, buf, n);
  }
  std::string Describe() const override { return inner_->Describe(); }

 private:
  int fd_;
  std::unique_ptr<ByteSource> inner_;
};

// A pipe cannot be read at random, so its bytes are spooled into an unlinked temporary file
// first; the restore then runs from the file exactly as from a regular archive.
Result<std::unique_ptr<ByteSource>> SpoolToTempFile(ByteSource* source) {
  const char* tmpdir = std::getenv("TMPDIR");
  std::string path = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/nrestore.XXXXXX";
  int fd = ::mkstemp(path.data());
  if (fd < 0) {
    return Status::IoError("cannot create a spool file in " + path + ": " + std::strerror(errno));
  }
  ::unlink(path.c_str());
  auto owned = std::make_unique<OwnedFdSource>(fd, source->Describe());
  std::vector<char> buf(1 << 20);
  for (;;) {
    ASSIGN_OR_RETURN(size_t n, source->Read(buf.data(), buf.size()));
    if (n == 0) break;
    size_t done = 0;
    while (done < n) {
      ssize_t w = ::write(fd, buf.data() + done, n - done);
      if (w < 0) {
        if (errno == EINTR) continue;
        return Status::IoError(std::string("writing the spool file: ") + std::strerror(errno));
      }
      done += static_cast<size_t>(w);
    }
  }
  return std::unique_ptr<ByteSource>(std::move(owned));
}

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

Result<std::vector<TocEntry>> ListArchive(ByteSource* source, format::ArchiveHeader* header) {
  ASSIGN_OR_RETURN(std::unique_ptr<format::ArchiveReader> reader,
                   format::ArchiveReader::Open(source));
  if (header) *header = reader->header();
  return reader->toc();
}

Result<RestoreSummary> Restore(const RestoreOptions& options, ByteSource* source,
                               Observer* observer, const CancelToken* cancel) {
  const auto t0 = std::chrono::steady_clock::now();
  Events events(observer);
  if (options.jobs < 1) return Status::InvalidArgument("--jobs must be at least 1");
  if (source == nullptr) return Status::InvalidArgument("no input source");

  std::unique_ptr<ByteSource> spooled;
  if (!source->Seekable()) {
    ASSIGN_OR_RETURN(spooled, SpoolToTempFile(source));
    source = spooled.get();
  }
  // Header, TOC, footer and block index are all checked before the server is contacted: a
  // truncated or foreign file never touches the target database.
  ASSIGN_OR_RETURN(std::unique_ptr<format::ArchiveReader> reader,
                   format::ArchiveReader::Open(source));
  RETURN_IF_ERROR(reader->LoadIndex());
  const auto& toc = reader->toc();

  ConnectionOptions conn_opts = options.connection;
  if (conn_opts.application_name == "libdump") conn_opts.application_name = "nrestore";
  const std::string session = RestoreSessionSql(reader->header().encoding);
  pg::ConnGroup group;
  ASSIGN_OR_RETURN(std::unique_ptr<pg::PgConn> leader, pg::PgConn::Connect(conn_opts, session));
  // Declared before the watcher, so the watcher stops before any connection is closed.
  std::vector<std::unique_ptr<pg::PgConn>> conns;
  group.Add(leader.get());
  pg::CancelWatcher watcher(cancel, &group);
  ConnectionOptions worker_opts = conn_opts;
  worker_opts.password = leader->password();
  worker_opts.password_policy = PasswordPolicy::kNever;

  RestoreSummary summary;
  auto exec_entry = [&](pg::PgConn& conn, const TocEntry& e) -> Status {
    std::string sql = e.create_sql + OwnerSql(e);
    if (sql.empty()) return Status::Ok();
    Status st = conn.Command(sql);
    if (!st.ok()) return st.WithObject(Describe(e));
    events.Verbose("restored " + Describe(e));
    return Status::Ok();
  };

  // Pass 1: pre-data, in TOC order (the dump sorted it by dependencies), on one connection.
  for (const auto& e : toc) {
    if (e.section != Section::kPreData) continue;
    if (cancel && cancel->cancelled()) return Status::Cancelled("restore cancelled");
    RETURN_IF_ERROR(exec_entry(*leader, e));
    ++summary.entries;
  }

  // Pass 2: table data, largest first, `jobs` COPY streams at once.
  std::unordered_map<uint32_t, uint64_t> raw_size;
  for (const auto& s : reader->stats()) raw_size[s.dump_id] = s.raw_bytes;
  std::vector<const TocEntry*> data;
  uint64_t raw_total = 0;
  for (const auto& e : toc) {
    if (e.has_data()) {
      data.push_back(&e);
      raw_total += raw_size[e.dump_id];
    }
  }
  std::stable_sort(data.begin(), data.end(), [&](const TocEntry* a, const TocEntry* b) {
    return raw_size[a->dump_id] > raw_size[b->dump_id];
  });
  events.SetTotals(data.size(), raw_total);

  const int workers = options.jobs;
  conns.push_back(std::move(leader));
  for (int w = 1; w < workers; ++w) {
    ASSIGN_OR_RETURN(auto c, pg::PgConn::Connect(worker_opts, session));
    group.Add(c.get());
    conns.push_back(std::move(c));
  }
  auto on_stop = [&]() {
    for (auto& c : conns) c->Cancel();
  };

  std::atomic<uint64_t> rows{0};
  std::atomic<uint64_t> raw{0};
  std::atomic<uint64_t> tables{0};
  auto load = [&](int w, size_t i) -> Status {
    const TocEntry& e = *data[i];
    pg::PgConn& conn = *conns[static_cast<size_t>(w)];
    RETURN_IF_ERROR(conn.BeginCopyIn(e.copy_sql).WithObject(Describe(e)));
    std::string block;
    Status st;
    for (const auto& b : reader->BlocksOf(e.dump_id)) {
      if (cancel && cancel->cancelled()) {
        st = Status::Cancelled("restore cancelled");
        break;
      }
      // Checked against its checksum before a byte of it is sent.
      st = reader->ReadBlock(b, &block);
      if (!st.ok()) break;
      st = conn.PutCopyData(block);
      if (!st.ok()) break;
      rows += b.rows;
      raw += block.size();
      events.AddProgress(b.rows, block.size(), b.stored_len, false);
    }
    Status end = conn.EndCopy(st.ok() ? "" : "nrestore: " + st.message());
    if (!st.ok()) return st.WithObject(Describe(e));
    if (!end.ok()) return end.WithObject(Describe(e));
    events.AddProgress(0, 0, 0, true);
    events.Verbose("loaded " + Describe(e));
    ++tables;
    return Status::Ok();
  };
  {
    std::vector<sched::Task> tasks(data.size());
    RETURN_IF_ERROR(sched::RunTaskGraph(tasks, workers, load, cancel, on_stop));
    summary.entries += data.size();
  }

  // Pass 3: post-data in parallel where dependencies allow; foreign keys only once every index
  // and unique constraint exists (phase 1).
  {
    std::vector<const TocEntry*> post;
    std::unordered_map<uint32_t, size_t> post_index;
    for (const auto& e : toc) {
      if (e.section == Section::kPostData) {
        post_index[e.dump_id] = post.size();
        post.push_back(&e);
      }
    }
    std::vector<sched::Task> tasks(post.size());
    for (size_t i = 0; i < post.size(); ++i) {
      for (uint32_t d : post[i]->deps) {
        auto it = post_index.find(d);
        if (it != post_index.end()) tasks[i].deps.push_back(it->second);
      }
      tasks[i].phase = post[i]->kind == "FK CONSTRAINT" ? 1 : 0;
    }
    // Comments follow their object's phase through their dependency.
    for (size_t i = 0; i < post.size(); ++i) {
      for (size_t d : tasks[i].deps) tasks[i].phase = std::max(tasks[i].phase, tasks[d].phase);
    }
    auto run = [&](int w, size_t i) -> Status {
      return exec_entry(*conns[static_cast<size_t>(w)], *post[i]);
    };
    RETURN_IF_ERROR(sched::RunTaskGraph(tasks, workers, run, cancel, on_stop));
    summary.entries += post.size();
  }

  // Pass 4: sequence values and any other data-section entry without COPY data.
  for (const auto& e : toc) {
    if (e.section != Section::kData || e.has_data()) continue;
    if (cancel && cancel->cancelled()) return Status::Cancelled("restore cancelled");
    RETURN_IF_ERROR(exec_entry(*conns[0], e));
    ++summary.entries;
  }

  summary.tables = tables.load();
  summary.rows = rows.load();
  summary.raw_bytes = raw.load();
  summary.seconds = SecondsSince(t0);
  return summary;
}

}  // namespace libdump
