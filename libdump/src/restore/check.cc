// CheckRestore: a restored copy's tables read back and compared with the archive's row
// fingerprints (archive_format.md §7.6; docs/nrestore.md, "Proving a restore").
#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <utility>

#include "common/events.h"
#include "libdump/check.h"
#include "pg/cancel_watch.h"
#include "pg/pg.h"
#include "restore/selection.h"
#include "sched/task_graph.h"

namespace libdump {

namespace {

using format::RowFingerprint;
using format::RowForm;

// One table of the archive: the sum of its entries' fingerprints (a table dumped in pieces has
// several TABLE DATA entries, each with the same copy_sql).
struct TableToCheck {
  std::string schema;
  std::string name;
  std::string copy_out;  // COPY "s"."t" (cols) TO STDOUT [WITH (FORMAT binary)]
  RowForm form = RowForm::kNone;
  RowFingerprint expected;
  bool fingerprinted = true;  // every entry of it has a fingerprint
  uint64_t size = 0;          // the server's estimate at dump time: largest tables first
};

// The COPY TO that reads back what copy_sql loaded: the same table, columns and format. "" for a
// statement ndump does not write.
std::string CopyOutOf(const std::string& copy_sql) {
  static constexpr std::string_view kText = " FROM stdin;";
  static constexpr std::string_view kBinary = " FROM stdin WITH (FORMAT binary);";
  const std::string_view s = copy_sql;
  if (s.ends_with(kBinary)) {
    return std::string(s.substr(0, s.size() - kBinary.size())) + " TO STDOUT WITH (FORMAT binary)";
  }
  if (s.ends_with(kText)) return std::string(s.substr(0, s.size() - kText.size())) + " TO STDOUT";
  return "";
}

// The dump's session (dump.cc): the settings that shape COPY text output, the archive's
// encoding and the dump's time zone (timestamptz text).
std::string CheckSessionSql(const format::ArchiveHeader& header, const RestoreContent& content) {
  std::string sql =
      "SET DateStyle = ISO; SET IntervalStyle = postgres; SET extra_float_digits = 3; "
      "SET statement_timeout = 0; SET lock_timeout = 0; "
      "SET idle_in_transaction_session_timeout = 0; SET row_security = off; SET jit = off; "
      "SELECT pg_catalog.set_config('search_path', '', false);";
  if (!header.encoding.empty()) {
    sql += " SET client_encoding = " + pg::QuoteLiteral(header.encoding) + ";";
  }
  if (!header.time_zone.empty()) {
    sql += " SET TimeZone = " + pg::QuoteLiteral(header.time_zone) + ";";
  }
  if (!content.role.empty()) sql += " SET ROLE " + pg::QuoteIdent(content.role) + ";";
  return sql;
}

// The tables whose data a restore with `content` loads, in archive order.
Result<std::vector<TableToCheck>> SelectTables(const std::vector<format::TocEntry>& toc,
                                               const std::vector<format::EntryStats>& stats,
                                               const RestoreContent& content) {
  RETURN_IF_ERROR(restore::CheckContent(content, 1));
  ASSIGN_OR_RETURN(const restore::Plan plan, restore::Select(toc, content));
  std::map<uint32_t, const format::EntryStats*> by_id;
  for (const auto& s : stats) by_id[s.dump_id] = &s;
  std::vector<TableToCheck> tables;
  std::map<std::pair<std::string, std::string>, size_t> index;
  for (const format::TocEntry& e : toc) {
    if (e.kind != "TABLE DATA" || !e.has_data() || !plan.Has(e.dump_id)) continue;
    const auto key = std::make_pair(e.schema, e.name);
    auto [it, added] = index.emplace(key, tables.size());
    if (added) {
      TableToCheck t;
      t.schema = e.schema;
      t.name = e.name;
      t.copy_out = CopyOutOf(e.copy_sql);
      t.form = format::RowFormOf(e.copy_sql);
      tables.push_back(std::move(t));
    }
    TableToCheck& t = tables[it->second];
    t.size += e.size_estimate;
    const auto s = by_id.find(e.dump_id);
    if (s == by_id.end() || s->second->fingerprint_form == RowForm::kNone ||
        s->second->fingerprint_form != t.form || t.copy_out.empty() ||
        CopyOutOf(e.copy_sql) != t.copy_out) {
      t.fingerprinted = false;
      continue;
    }
    t.expected.Add(s->second->fingerprint);
  }
  return tables;
}

// A failure to read a table that says the table (or its schema) is not there: 42P01
// undefined_table, 3F000 invalid_schema_name. Any other (a dumped column the copy lacks, 42703)
// makes the table differ.
bool IsMissingTable(const Status& st) {
  return st.code() == StatusCode::kServerError &&
         (st.sqlstate() == "42P01" || st.sqlstate() == "3F000");
}

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

Result<CheckReport> CheckRestoreOf(const CheckOptions& options, const format::ArchiveHeader& header,
                                   const std::vector<format::TocEntry>& toc,
                                   const std::vector<format::EntryStats>& stats, Observer* observer,
                                   const CancelToken* cancel) {
  const auto t0 = std::chrono::steady_clock::now();
  Events events(observer);
  if (options.jobs < 1) return Status::InvalidArgument("--jobs must be at least 1");
  ASSIGN_OR_RETURN(std::vector<TableToCheck> all, SelectTables(toc, stats, options.content));

  CheckReport report;
  report.fingerprinted = std::any_of(stats.begin(), stats.end(), [](const auto& s) {
    return s.fingerprint_form != RowForm::kNone;
  });
  std::vector<TableToCheck> tables;
  for (const auto& t : all) {
    if (t.fingerprinted) {
      tables.push_back(t);  // `all` keeps its names: the report follows its order
    } else {
      ++report.tables_unproven;
    }
  }
  if (!report.fingerprinted || tables.empty()) {
    report.seconds = SecondsSince(t0);
    return report;
  }
  // Largest first, so that the last tables to finish are small ones.
  std::stable_sort(tables.begin(), tables.end(),
                   [](const TableToCheck& a, const TableToCheck& b) { return a.size > b.size; });

  // One snapshot for all connections: the tables are compared as of one moment.
  const std::string session = CheckSessionSql(header, options.content);
  pg::ConnGroup group;
  ASSIGN_OR_RETURN(std::unique_ptr<pg::PgConn> leader,
                   pg::PgConn::Connect(options.connection, session));
  std::vector<std::unique_ptr<pg::PgConn>> conns;
  group.Add(leader.get());
  pg::CancelWatcher watcher(cancel, &group);
  RETURN_IF_ERROR(leader->Command("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"));
  ASSIGN_OR_RETURN(pg::PgResult snap, leader->Query("SELECT pg_catalog.pg_export_snapshot()"));
  const std::string import =
      "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY; "
      "SET TRANSACTION SNAPSHOT " +
      pg::QuoteLiteral(snap.GetString(0, 0));
  ConnectionOptions worker_opts = options.connection;
  worker_opts.password = leader->password();
  worker_opts.password_policy = PasswordPolicy::kNever;
  const int workers = std::min<int>(options.jobs, static_cast<int>(tables.size()));
  std::vector<pg::PgConn*> by_worker = {leader.get()};
  for (int w = 1; w < workers; ++w) {
    ASSIGN_OR_RETURN(auto c, pg::PgConn::Connect(worker_opts, session));
    group.Add(c.get());
    RETURN_IF_ERROR(c->Command(import));
    by_worker.push_back(c.get());
    conns.push_back(std::move(c));
  }

  std::mutex mu;
  std::map<size_t, TableMismatch> mismatches;  // by position in `tables`, for a stable order
  std::atomic<uint64_t> rows_read{0};
  auto run = [&](int w, size_t i) -> Status {
    const TableToCheck& t = tables[i];
    pg::PgConn* conn = by_worker[static_cast<size_t>(w)];
    const std::string label = pg::QualifiedName(t.schema, t.name);
    format::RowHasher hasher(t.form);
    // A table that cannot be read fails its statement only: the transaction (and its snapshot)
    // goes on from the savepoint.
    RETURN_IF_ERROR(conn->Command("SAVEPOINT ndump_check"));
    Status st = conn->CopyOut(t.copy_out, [&](std::string_view data) -> Status {
      hasher.Update(data);
      return Status::Ok();
    });
    TableMismatch m;
    m.schema = t.schema;
    m.name = t.name;
    m.source_rows = t.expected.rows;
    if (!st.ok()) {
      if (st.code() != StatusCode::kServerError) return st.WithObject("TABLE DATA " + label);
      RETURN_IF_ERROR(conn->Command("ROLLBACK TO SAVEPOINT ndump_check"));
      m.missing = IsMissingTable(st);
      m.detail = st.message();
      events.Warning("check: " + label + " could not be read: " + st.message());
      std::lock_guard<std::mutex> lock(mu);
      mismatches[i] = std::move(m);
      return Status::Ok();
    }
    RETURN_IF_ERROR(conn->Command("RELEASE SAVEPOINT ndump_check"));
    RowFingerprint got;
    if (!hasher.Finish(&got)) {
      return Status::Internal("check: the server's COPY output of " + label + " is malformed");
    }
    rows_read += got.rows;
    if (got == t.expected) {
      events.Verbose("check: " + label + ": " + std::to_string(got.rows) + " rows, same");
      return Status::Ok();
    }
    m.copy_rows = got.rows;
    events.Verbose("check: " + label + " differs");
    std::lock_guard<std::mutex> lock(mu);
    mismatches[i] = std::move(m);
    return Status::Ok();
  };
  std::vector<sched::Task> tasks(tables.size());
  RETURN_IF_ERROR(sched::RunTaskGraph(tasks, workers, run, cancel, [&] { group.CancelAll(); }));
  if (cancel && cancel->cancelled()) return Status::Cancelled("check cancelled");
  for (auto& c : conns) {
    group.Remove(c.get());
    RETURN_IF_ERROR(c->Command("COMMIT"));
  }
  RETURN_IF_ERROR(leader->Command("COMMIT"));
  group.Remove(leader.get());

  // Archive order for the report (the work ran largest first).
  std::map<std::pair<std::string, std::string>, TableMismatch> found;
  for (auto& [i, m] : mismatches) found[{m.schema, m.name}] = std::move(m);
  for (const auto& t : all) {
    const auto it = found.find({t.schema, t.name});
    if (it != found.end()) report.mismatches.push_back(std::move(it->second));
  }
  for (const auto& t : tables) report.rows += t.expected.rows;
  report.tables = tables.size();
  report.rows_read = rows_read.load();
  report.seconds = SecondsSince(t0);
  return report;
}

Result<CheckReport> CheckRestore(const CheckOptions& options, ByteSource* source,
                                 Observer* observer, const CancelToken* cancel) {
  if (source == nullptr) return Status::InvalidArgument("no archive source");
  format::ReadOptions ro;
  ro.keys = &options.keys;
  ASSIGN_OR_RETURN(std::unique_ptr<format::ArchiveReader> reader,
                   format::ArchiveReader::Open(source, ro));
  if (source->Seekable()) {
    RETURN_IF_ERROR(reader->LoadIndex());
  } else {
    // A pipe has its index at the end: read through, checking every block on the way.
    format::BlockInfo info;
    std::string raw;
    for (;;) {
      if (cancel && cancel->cancelled()) return Status::Cancelled("check cancelled");
      ASSIGN_OR_RETURN(const bool more, reader->NextBlock(&info, &raw));
      if (!more) break;
    }
  }
  return CheckRestoreOf(options, reader->header(), reader->toc(), reader->stats(), observer,
                        cancel);
}

}  // namespace libdump
