#include "libdump/restore.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/events.h"
#include "pg/cancel_watch.h"
#include "pg/pg.h"
#include "pg/server_versions.h"
#include "restore/entry_sql.h"
#include "restore/journal.h"
#include "restore/load.h"
#include "restore/precheck.h"
#include "restore/schedule.h"
#include "restore/selection.h"
#include "restore/stream_loader.h"
#include "sched/task_graph.h"

namespace libdump {

namespace {

using format::Section;
using format::TocEntry;

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Settings for the restore connections only (not the script writer: they change speed, not
// what is restored). Commits need not wait for the WAL flush: a restore commits once per table
// and index, and the end of the restore makes everything durable at once (kDurableSql).
// Index builds get at least 256 MB of maintenance memory; a server configured higher keeps its
// value.
constexpr const char* kBulkLoadSessionSql =
    "SET synchronous_commit = off; "
    "SELECT pg_catalog.set_config('maintenance_work_mem', '256MB', false) "
    "WHERE pg_catalog.pg_size_bytes(pg_catalog.current_setting('maintenance_work_mem')) < "
    "256 * 1024 * 1024;";

// Run last on a restore connection: a transaction that writes a commit record and waits for its
// flush, which flushes the WAL of every earlier (asynchronous) commit of the restore too.
constexpr const char* kDurableSql =
    "SET synchronous_commit = on; BEGIN; SELECT pg_catalog.txid_current(); COMMIT;";

// One restore: the state its steps share, and the steps Restore() runs in sequence. The schedule
// (what runs when) is restore/schedule.cc's; loading a table is restore/load.cc's (a pipe's:
// restore/stream_loader.cc). Here: the connections, the entries' statements, and the passes.
class Restorer {
 public:
  Restorer(const RestoreOptions& options, Observer* observer, const CancelToken* cancel)
      : options_(options), content_(options.content), events_(observer), cancel_(cancel) {}
  Restorer(const Restorer&) = delete;
  Restorer& operator=(const Restorer&) = delete;

  // Reads and checks the archive and selects what to restore: nothing touches the server yet.
  Status Open(ByteSource* source);
  // --create's CREATE DATABASE, then the leader connection, the journal (started, or read with
  // --resume), and -1's BEGIN.
  Status Connect();
  // The task graph of passes 1 to 3 (restore/schedule.h), for what the target server can take:
  // statistics are left out of a server before 18.
  Status PlanSchedule();
  // --clean: drops what is about to be created, dependents first.
  Status Clean();
  // Passes 1 to 3, as the schedule says.
  Status RunSchedule();
  // Pass 4: sequence values and any other data-section entry without COPY data.
  Status RunLast();
  // Commits (-1), makes everything durable, and sums up.
  Result<RestoreSummary> Finish();

 private:
  bool Cancelled() const { return cancel_ && cancel_->cancelled(); }
  Status OpenJournal();
  // Runs an entry's statements, with the journal's row for (step, its dump id) in their
  // transaction; nothing when the journal says an earlier run did. A failure goes through the
  // error policy (counted and passed over unless -e or -1); `ran`, when given, says whether the
  // statements succeeded (or had before). `report` false: not reported as restored (the first
  // half of a split entry).
  Status ExecEntry(pg::PgConn& conn, const TocEntry& e, restore::Step step, bool* ran = nullptr,
                   bool report = true);
  // A pass 1 entry: run, and remembered as created when it succeeded.
  Status RunPre(pg::PgConn& conn, const TocEntry& e);
  bool WasCreated(uint32_t dump_id) {
    std::lock_guard<std::mutex> lock(created_mu_);
    return created_.count(dump_id) != 0;
  }
  // A pass 3 task (schedule_.post[i]); an attach is skipped when its build failed.
  Status RunPost(int w, size_t i);
  // char(n) values go without their trailing spaces (CharPaddingTrimmer) into a table this
  // restore created from the archive, whose char(n) columns pad them back. Into any other table
  // (one that existed, even if the archive's CREATE TABLE was also run and failed) the data goes
  // as stored, as pg_restore sends it.
  bool Trims(const TocEntry& e) {
    // Only COPY's default text format, as ndump writes it: not binary, nor any other options.
    return options_.trim_char_padding && !e.char_columns.empty() &&
           e.copy_sql.ends_with(") FROM stdin;") && e.deps.size() == 1 && WasCreated(e.deps[0]);
  }
  // How data entry schedule_.data[i] loads from a file. COPY FREEZE needs the table created or
  // truncated in the same transaction: only for a table this restore created (so the TRUNCATE
  // empties nothing) and loaded in one piece (chunks of a split table load in parallel
  // transactions), and not inside -1's own transaction.
  restore::LoadMode ModeOf(const TocEntry& e);
  void CancelStatements() {
    for (auto& c : conns_) c->Cancel();
  }

  const RestoreOptions& options_;
  // The options as given, but for data_only, which the selection may imply (DataOnly).
  RestoreContent content_;
  Events events_;
  const CancelToken* cancel_;
  const std::chrono::steady_clock::time_point t0_ = std::chrono::steady_clock::now();

  bool streaming_ = false;
  std::unique_ptr<format::ArchiveReader> reader_;
  restore::Plan plan_;
  std::unordered_map<uint32_t, uint64_t> raw_size_;  // data entry -> its COPY bytes (index)
  restore::Schedule schedule_;
  std::optional<restore::ErrorPolicy> policy_;
  restore::Journal journal_;  // read-only once Connect has set it

  std::string session_;
  ConnectionOptions conn_opts_;
  std::string target_db_;  // with --create, the database created
  // Declared before the watcher, so the watcher stops before any connection is closed.
  pg::ConnGroup group_;
  std::vector<std::unique_ptr<pg::PgConn>> conns_;  // [0] is the leader
  std::unique_ptr<pg::CancelWatcher> watcher_;

  std::mutex created_mu_;
  std::unordered_set<uint32_t> created_;  // pre-data entries this restore ran successfully
  // Whether a build task's statement succeeded: its attach is skipped otherwise (the failure was
  // reported once, through the error policy). Each slot is written by one task and read by a
  // task that the scheduler starts after it.
  std::vector<char> built_;
  restore::LoadTotals totals_;
  RestoreSummary summary_;
};

Status Restorer::Open(ByteSource* source) {
  if (options_.jobs < 1) return Status::InvalidArgument("--jobs must be at least 1");
  if (source == nullptr) return Status::InvalidArgument("no input source");
  RETURN_IF_ERROR(restore::CheckContent(content_, options_.jobs));
  if (options_.resume && content_.single_transaction) {
    return Status::InvalidArgument(
        "--resume and --single-transaction: a single-transaction restore that stops leaves "
        "nothing behind, so there is nothing to resume");
  }
  // A seekable archive: header, TOC, footer and block index, then (unless the caller opts out)
  // every data block to be loaded are checked before the server is contacted, so a truncated,
  // foreign or damaged file never touches the target database. A pipe is read once, as it comes
  // (StreamLoader): header and TOC before the server is contacted, the rest while loading.
  streaming_ = !source->Seekable();
  format::ReadOptions ro;
  ro.keys = &options_.keys;
  ASSIGN_OR_RETURN(reader_, format::ArchiveReader::Open(source, ro));
  if (!streaming_) RETURN_IF_ERROR(reader_->LoadIndex());
  ASSIGN_OR_RETURN(plan_, restore::Select(reader_->toc(), content_));
  if (!streaming_ && options_.check_blocks_first) {
    RETURN_IF_ERROR(restore::CheckBlocksFirst(*reader_, plan_, &events_, cancel_));
  }
  content_.data_only = restore::DataOnly(plan_, content_);
  policy_.emplace(content_, &events_);
  for (const auto& s : reader_->stats()) raw_size_[s.dump_id] = s.raw_bytes;
  return Status::Ok();
}

Status Restorer::PlanSchedule() {
  // Statistics restore through functions PostgreSQL 18 brought: into an older server they are
  // left out, with one warning for all of them rather than an error each.
  if (!pg::Has(conns_[0]->server_version(), pg::Feature::kRestoreStatistics)) {
    const size_t skipped = restore::DropStatistics(&plan_);
    if (skipped > 0) {
      events_.Warning("skipped " + std::to_string(skipped) +
                      " STATISTICS DATA entries: PostgreSQL " +
                      pg::MajorVersionString(conns_[0]->server_version()) +
                      " has no pg_restore_relation_stats() (new in 18); the restored relations "
                      "have no optimizer statistics until they are analyzed");
    }
  }
  restore::ScheduleInput in;
  in.plan = &plan_;
  in.toc = &reader_->toc();
  in.content = &content_;
  in.workers = options_.jobs;
  in.streaming = streaming_;
  // From a pipe the pre-data all runs first, on the leader. From a file it is a chain of tasks
  // at the head of the task graph, so the data of a table whose pre-data is done (its CREATE and
  // every pre-data entry that depends on it) loads on another connection while the rest of the
  // pre-data runs: creating many small tables is bound by file syncs, not by the CPU. With
  // --create (the database's settings apply to connections opened after its DATABASE PROPERTIES
  // entry) and with -1 (one connection) it all runs first, as from a pipe.
  in.pre_data_first =
      streaming_ || plan_.database != nullptr || content_.single_transaction || options_.jobs == 1;
  for (const TocEntry* ep : plan_.entries) {
    if (ep->has_data()) in.data_bytes[ep->dump_id] = streaming_ ? ep->size_estimate : 0;
  }
  if (!streaming_) {
    for (auto& [id, bytes] : in.data_bytes) bytes = raw_size_[id];
  }
  if (content_.data_only) {
    std::vector<const TocEntry*> data;
    for (const TocEntry* ep : plan_.entries) {
      if (ep->has_data()) data.push_back(ep);
    }
    in.fk_order = restore::ForeignKeyDataOrder(reader_->toc(), data);
    if (!in.fk_order.cycle.empty()) {
      std::string names;
      for (const auto& t : in.fk_order.cycle) names += (names.empty() ? "" : ", ") + t;
      events_.Warning("there are circular foreign-key constraints among these tables: " + names +
                      "; their data may not load without --disable-triggers or dropping the "
                      "constraints for a while");
    }
  }
  schedule_ = restore::BuildSchedule(in);
  built_.assign(schedule_.post.size(), 0);
  return Status::Ok();
}

Status Restorer::Connect() {
  conn_opts_ = options_.connection;
  session_ = restore::SessionSql(reader_->header().encoding, content_) + kBulkLoadSessionSql;
  if (plan_.database != nullptr && options_.resume) {
    // --create --resume: the database was created by the run being resumed.
    target_db_ = plan_.database->name;
  } else if (plan_.database != nullptr) {
    // --create: CREATE DATABASE (after DROP DATABASE with --clean) from the database named on
    // the command line, then everything else in the new database.
    ASSIGN_OR_RETURN(std::unique_ptr<pg::PgConn> admin, pg::PgConn::Connect(conn_opts_, session_));
    for (const TocEntry* d : plan_.drops) {
      RETURN_IF_ERROR(policy_->Handle(
          admin->Command(restore::DropSql(*d, content_.if_exists)).WithObject(Describe(*d))));
    }
    // CREATE DATABASE cannot share a (transaction-wrapped) string with its owner statement.
    RETURN_IF_ERROR(
        admin->Command(plan_.database->create_sql).WithObject(Describe(*plan_.database)));
    const std::string owner =
        restore::EntrySql(*plan_.database, content_).substr(plan_.database->create_sql.size());
    if (!owner.empty()) {
      RETURN_IF_ERROR(policy_->Handle(admin->Command(owner).WithObject(Describe(*plan_.database))));
    }
    events_.Verbose("created " + Describe(*plan_.database));
    conn_opts_.password = admin->password();
    target_db_ = plan_.database->name;
  }
  ASSIGN_OR_RETURN(std::unique_ptr<pg::PgConn> leader,
                   pg::PgConn::Connect(conn_opts_, session_, target_db_));
  group_.Add(leader.get());
  conns_.push_back(std::move(leader));
  watcher_ = std::make_unique<pg::CancelWatcher>(cancel_, &group_);
  RETURN_IF_ERROR(OpenJournal());
  // -1: one transaction, on the one connection (CheckContent made sure jobs is 1).
  if (content_.single_transaction) RETURN_IF_ERROR(conns_[0]->Command("BEGIN"));
  return Status::Ok();
}

Status Restorer::OpenJournal() {
  // -1: one transaction, so nothing is left to resume.
  if (content_.single_transaction) return Status::Ok();
  const std::string archive = restore::ArchiveIdentity(reader_->header(), reader_->toc());
  const std::string selection = restore::SelectionIdentity(plan_, content_);
  if (options_.resume) {
    ASSIGN_OR_RETURN(journal_, restore::Journal::Resume(*conns_[0], archive, selection));
    events_.Info("resuming a restore: " + std::to_string(journal_.done_count()) +
                 " units of work were done before and are skipped");
    return Status::Ok();
  }
  std::string warning;
  ASSIGN_OR_RETURN(journal_, restore::Journal::Start(*conns_[0], archive, selection, &warning));
  if (!warning.empty()) events_.Warning(warning);
  return Status::Ok();
}

Status Restorer::Clean() {
  if (plan_.database != nullptr) return Status::Ok();  // dropped with the database
  for (const TocEntry* d : plan_.drops) {
    if (Cancelled()) return Status::Cancelled("restore cancelled");
    if (journal_.Done(restore::Step::kDrop, d->dump_id)) continue;
    const std::string sql = restore::DropSql(*d, content_.if_exists) +
                            journal_.RecordSql(restore::Step::kDrop, d->dump_id);
    RETURN_IF_ERROR(policy_->Handle(conns_[0]->Command(sql).WithObject(Describe(*d))));
  }
  return Status::Ok();
}

Status Restorer::ExecEntry(pg::PgConn& conn, const TocEntry& e, restore::Step step, bool* ran,
                           bool report) {
  if (journal_.Done(step, e.dump_id)) {
    if (ran) *ran = true;
    return Status::Ok();
  }
  if (ran) *ran = false;
  std::string sql = restore::AdaptToServer(e, restore::EntrySql(e, content_),
                                           static_cast<int>(reader_->header().server_version_num),
                                           conn.server_version());
  if (sql.empty()) return Status::Ok();
  // One string, so one transaction: the entry's statements and its journal row commit together.
  Status st = conn.Command(sql + journal_.RecordSql(step, e.dump_id));
  if (!st.ok()) return policy_->Handle(st.WithObject(Describe(e)));
  if (ran) *ran = true;
  if (report) events_.Verbose("restored " + Describe(e));
  return Status::Ok();
}

Status Restorer::RunPre(pg::PgConn& conn, const TocEntry& e) {
  bool ran = false;
  RETURN_IF_ERROR(ExecEntry(conn, e, restore::Step::kEntry, &ran));
  if (ran) {
    std::lock_guard<std::mutex> lock(created_mu_);
    created_.insert(e.dump_id);
  }
  return Status::Ok();
}

Status Restorer::RunPost(int w, size_t i) {
  pg::PgConn& conn = *conns_[static_cast<size_t>(w)];
  auto attach = schedule_.build_of.find(i);
  if (attach != schedule_.build_of.end() && built_[attach->second] == 0) return Status::Ok();
  const TocEntry& e = *schedule_.post[i];
  const bool is_build = schedule_.IsBuild(i);
  bool ran = false;
  // A run resumed with another -j may split a key the earlier run did not, or the other way
  // round: a key attached whole needs no build, and a key whose index an earlier run built
  // needs only its attach.
  if (is_build && journal_.Done(restore::Step::kEntry, e.dump_id)) {
    built_[i] = 1;
    return Status::Ok();
  }
  if (!is_build && attach == schedule_.build_of.end() && e.has_index_sql() &&
      journal_.Done(restore::Step::kBuild, e.dump_id)) {
    TocEntry rest = e;
    rest.create_sql = e.attach_sql;
    return ExecEntry(conn, rest, restore::Step::kEntry);
  }
  RETURN_IF_ERROR(ExecEntry(conn, e, is_build ? restore::Step::kBuild : restore::Step::kEntry, &ran,
                            !is_build));
  built_[i] = ran ? 1 : 0;
  return Status::Ok();
}

restore::LoadMode Restorer::ModeOf(const TocEntry& e) {
  restore::LoadMode mode;
  mode.trim = Trims(e);
  if (e.kind != "TABLE DATA" || content_.single_transaction || e.deps.size() != 1) return mode;
  auto bytes = raw_size_.find(e.dump_id);
  auto chunks = schedule_.data_of_table.find(e.deps[0]);
  mode.freeze = bytes != raw_size_.end() && bytes->second >= restore::kFreezeMinBytes &&
                chunks != schedule_.data_of_table.end() && chunks->second.size() == 1 &&
                WasCreated(e.deps[0]);
  return mode;
}

Status Restorer::RunSchedule() {
  const restore::Schedule& s = schedule_;
  if (s.pre_data_first) {
    for (const TocEntry* ep : s.pre) {
      if (Cancelled()) return Status::Cancelled("restore cancelled");
      RETURN_IF_ERROR(RunPre(*conns_[0], *ep));
    }
  }
  summary_.entries += s.pre.size();
  events_.SetTotals(s.data.size(), s.data_bytes_total);

  const int workers = options_.jobs;
  ConnectionOptions worker_opts = conn_opts_;
  worker_opts.password = conns_[0]->password();
  worker_opts.password_policy = PasswordPolicy::kNever;
  for (int w = 1; w < workers; ++w) {
    ASSIGN_OR_RETURN(auto c, pg::PgConn::Connect(worker_opts, session_, target_db_));
    group_.Add(c.get());
    conns_.push_back(std::move(c));
  }
  auto on_stop = [this]() { CancelStatements(); };
  auto run_post = [this](int w, size_t i) { return RunPost(w, i); };

  if (streaming_) {
    // From a pipe, the data goes first in the order it arrives, then the post-data graph.
    std::vector<pg::PgConn*> worker_conns;
    for (auto& c : conns_) worker_conns.push_back(c.get());
    RETURN_IF_ERROR(restore::LoadFromStream(
        reader_.get(), worker_conns, &events_, cancel_, &plan_, &content_,
        [this](const TocEntry& e) { return Trims(e); }, &journal_, &totals_));
    RETURN_IF_ERROR(sched::RunTaskGraph(s.post_tasks, workers, run_post, cancel_, on_stop));
  } else {
    // From a file, one task graph: a table's indexes and constraints start as soon as its data
    // is in.
    restore::LoadContext load;
    load.reader = reader_.get();
    load.content = &content_;
    load.policy = &*policy_;
    load.events = &events_;
    load.cancel = cancel_;
    load.totals = &totals_;
    load.journal = &journal_;
    auto run = [&](int w, size_t k) -> Status {
      const restore::Schedule::Node& n = s.nodes[k];
      pg::PgConn& conn = *conns_[static_cast<size_t>(w)];
      switch (n.kind) {
        case restore::Schedule::Kind::kPre:
          if (Cancelled()) return Status::Cancelled("restore cancelled");
          return RunPre(conn, *s.pre[n.index]);
        case restore::Schedule::Kind::kData: {
          const TocEntry& e = *s.data[n.index];
          if (journal_.Done(restore::Step::kData, e.dump_id)) {  // loaded by an earlier run
            events_.AddProgress(0, 0, 0, true);
            return Status::Ok();
          }
          return restore::LoadEntry(load, conn, e, ModeOf(e));
        }
        case restore::Schedule::Kind::kPost:
          return RunPost(w, n.index);
      }
      return Status::Internal("unknown task kind");
    };
    RETURN_IF_ERROR(sched::RunTaskGraph(s.tasks, workers, run, cancel_, on_stop));
  }
  summary_.entries += s.data.size() + s.post.size() - s.build_of.size();
  return Status::Ok();
}

Status Restorer::RunLast() {
  for (const TocEntry* ep : schedule_.last) {
    if (Cancelled()) return Status::Cancelled("restore cancelled");
    RETURN_IF_ERROR(ExecEntry(*conns_[0], *ep, restore::Step::kEntry));
    ++summary_.entries;
  }
  return Status::Ok();
}

Result<RestoreSummary> Restorer::Finish() {
  if (content_.single_transaction) RETURN_IF_ERROR(conns_[0]->Command("COMMIT"));
  // Done: the copy keeps nothing of the journal. Until this commits, --resume finds every unit
  // done and only drops it.
  RETURN_IF_ERROR(journal_.Finish(*conns_[0]));
  RETURN_IF_ERROR(conns_[0]->Command(kDurableSql));
  summary_.errors = policy_->errors();
  summary_.tables = totals_.tables.load();
  summary_.rows = totals_.rows.load();
  summary_.raw_bytes = totals_.raw.load();
  summary_.char_padding_bytes = totals_.padding.load();
  summary_.stored_bytes = events_.progress().stored_bytes_done;
  summary_.seconds = SecondsSince(t0_);
  if (options_.catalog_out != nullptr) {
    options_.catalog_out->header = reader_->header();
    options_.catalog_out->toc = reader_->toc();
    options_.catalog_out->stats = reader_->stats();
  }
  return summary_;
}

}  // namespace

Result<std::vector<TocEntry>> ListArchive(ByteSource* source, format::ArchiveHeader* header,
                                          const format::Keyring* keys) {
  if (source == nullptr) return Status::InvalidArgument("no input source");
  format::ReadOptions ro;
  ro.keys = keys;
  ASSIGN_OR_RETURN(std::unique_ptr<format::ArchiveReader> reader,
                   format::ArchiveReader::Open(source, ro));
  // A file is complete only with a valid footer and index (archive_format.md §3): a list of a
  // truncated or damaged file must not look like the list of a good one. Both are read from the
  // end of the file, whatever its size.
  if (source->Seekable()) RETURN_IF_ERROR(reader->LoadIndex());
  if (header) *header = reader->header();
  return reader->toc();
}

Status VerifyArchive(ByteSource* source, format::VerifyReport* report,
                     const format::Keyring* keys) {
  if (source == nullptr) return Status::InvalidArgument("no input source");
  // Without a key an encrypted archive is read locked (archive_format.md §15.6).
  format::ReadOptions ro;
  ro.keys = keys;
  ro.allow_locked = keys == nullptr || keys->empty();
  ASSIGN_OR_RETURN(std::unique_ptr<format::ArchiveReader> reader,
                   format::ArchiveReader::Open(source, ro));
  // A file cut short (a killed dump's leftover) is first of all incomplete: say so, rather than
  // which structure the cut happens to fall in. (A locked reader cannot read the sealed index:
  // its Verify finds the cut.)
  if (source->Seekable() && !reader->locked()) RETURN_IF_ERROR(reader->LoadIndex());
  return reader->Verify(report);
}
Result<RestoreSummary> Restore(const RestoreOptions& options, ByteSource* source,
                               Observer* observer, const CancelToken* cancel) {
  Restorer r(options, observer, cancel);
  RETURN_IF_ERROR(r.Open(source));
  RETURN_IF_ERROR(r.Connect());
  RETURN_IF_ERROR(r.PlanSchedule());
  RETURN_IF_ERROR(r.Clean());
  RETURN_IF_ERROR(r.RunSchedule());
  RETURN_IF_ERROR(r.RunLast());
  return r.Finish();
}

}  // namespace libdump
