#include "libdump/dump.h"

#include <chrono>
#include <ctime>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "catalog/reader.h"
#include "common/events.h"
#include "dump/copy_format.h"
#include "dump/selection.h"
#include "dump/statistics.h"
#include "dump/toc_builder.h"
#include "libdump/format/archive.h"
#include "libdump/version.h"
#include "pg/cancel_watch.h"
#include "pg/pg.h"
#include "pg/quote.h"
#include "pg/server_versions.h"
#include "sched/task_graph.h"

namespace libdump {

namespace {

// Settings every dump session runs with. COPY text output depends on DateStyle, IntervalStyle
// and extra_float_digits (output functions read them), so they are pinned to values every
// server reads back exactly. An empty search_path makes the server qualify every name it
// deparses. synchronize_seqscans off makes the row order of a dump repeatable. jit off: the
// catalog queries are short, and the planner's estimates for the columns query crossed
// jit_above_cost, so that the server spent more time compiling it (with LLVM, in each parallel
// worker) than running it: on 10,000 tables, half of the query's time.
constexpr const char* kDumpSessionSql =
    "SET DateStyle = ISO; SET IntervalStyle = postgres; SET extra_float_digits = 3; "
    "SET statement_timeout = 0; SET lock_timeout = 0; "
    "SET idle_in_transaction_session_timeout = 0; SET synchronize_seqscans = off; "
    "SET row_security = off; SET jit = off; "
    "SELECT pg_catalog.set_config('search_path', '', false);";

std::string SetEncodingSql(const std::string& encoding) {
  return "SET client_encoding = " + pg::QuoteLiteral(encoding);
}

// What DumpOptions adds to kDumpSessionSql (it comes after, so its settings win): --role,
// --extra-float-digits, --enable-row-security and --quote-all-identifiers.
std::string OptionSessionSql(const DumpOptions& options) {
  std::string sql;
  if (options.extra_float_digits != 3) {
    sql += "SET extra_float_digits = " + std::to_string(options.extra_float_digits) + "; ";
  }
  if (options.enable_row_security) sql += "SET row_security = on; ";
  if (options.quote_all_identifiers) sql += "SET quote_all_identifiers = on; ";
  if (!options.role.empty()) sql += "SET ROLE " + pg::QuoteIdent(options.role) + "; ";
  return sql;
}

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

Result<DumpSummary> Dump(const DumpOptions& options, ByteSink* sink, Observer* observer,
                         const CancelToken* cancel) {
  const auto t0 = std::chrono::steady_clock::now();
  Events events(observer);
  if (options.jobs < 1) return Status::InvalidArgument("--jobs must be at least 1");
  if (options.block_size < 4096 || options.block_size > format::kMaxBlockRaw) {
    return Status::InvalidArgument("block size must be between 4 KiB and 8 MiB");
  }
  if (sink == nullptr) return Status::InvalidArgument("no output sink");
  if (options.extra_float_digits < -15 || options.extra_float_digits > 3) {
    return Status::InvalidArgument("--extra-float-digits must be in range -15..3");
  }
  const std::string session_sql = std::string(kDumpSessionSql) + OptionSessionSql(options);
  if ((options.sections & ~(DumpOptions::kSectionPreData | DumpOptions::kSectionData |
                            DumpOptions::kSectionPostData)) != 0 ||
      options.sections == 0) {
    return Status::InvalidArgument("invalid set of sections");
  }

  ConnectionOptions conn_opts = options.connection;
  pg::ConnGroup group;
  ASSIGN_OR_RETURN(std::unique_ptr<pg::PgConn> leader, pg::PgConn::Connect(conn_opts, session_sql));
  // Declared before the watcher, so the watcher stops before any connection is closed.
  std::vector<std::unique_ptr<pg::PgConn>> conns;
  std::unique_ptr<pg::PgConn> helper;  // the first worker's connection, opened early (below)
  group.Add(leader.get());
  pg::CancelWatcher watcher(cancel, &group);
  events.Verbose("connected to server " + leader->ParameterStatus("server_version"));
  RETURN_IF_ERROR(
      pg::CheckDumpSource(leader->server_version(), leader->ParameterStatus("server_version")));

  // The database encoding is what the archive's text is written in.
  ASSIGN_OR_RETURN(pg::PgResult enc,
                   leader->Query("SELECT pg_catalog.pg_encoding_to_char(d.encoding) "
                                 "FROM pg_catalog.pg_database d "
                                 "WHERE d.datname = pg_catalog.current_database()"));
  std::string encoding = enc.rows() == 1 ? enc.GetString(0, 0) : "UTF8";
  if (!options.encoding.empty()) {
    // -E: the server converts; the archive records the encoding under the name it uses.
    RETURN_IF_ERROR(leader->Command(SetEncodingSql(options.encoding)));
    encoding = leader->ParameterStatus("client_encoding");
  }
  RETURN_IF_ERROR(leader->Command(SetEncodingSql(encoding)));

  // The first query of a REPEATABLE READ transaction fixes its snapshot; exporting it lets every
  // worker see exactly the same database. With options.snapshot, the leader imports a snapshot
  // another session exported instead, and the workers import that one too.
  RETURN_IF_ERROR(leader->Command(options.serializable_deferrable
                                      ? "BEGIN ISOLATION LEVEL SERIALIZABLE, READ ONLY, DEFERRABLE"
                                      : "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"));
  std::string snapshot = options.snapshot;
  if (snapshot.empty()) {
    ASSIGN_OR_RETURN(pg::PgResult snap, leader->Query("SELECT pg_catalog.pg_export_snapshot()"));
    snapshot = snap.GetString(0, 0);
  } else {
    RETURN_IF_ERROR(
        leader->Command("SET TRANSACTION SNAPSHOT " + pg::QuoteLiteral(options.snapshot)));
  }

  // Worker connections: each imports the leader's snapshot before its first query.
  ConnectionOptions worker_opts = conn_opts;
  worker_opts.password = leader->password();
  worker_opts.password_policy = PasswordPolicy::kNever;
  // The snapshot import must be the first statement of its transaction, so it is sent apart
  // from the session settings (a multi-statement string is one implicit transaction).
  const std::string worker_session = session_sql + SetEncodingSql(encoding);
  const std::string import_snapshot =
      "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY; SET TRANSACTION SNAPSHOT " +
      pg::QuoteLiteral(snapshot);
  // With --jobs 2 or more, the first worker's connection is opened now, from a thread while the
  // leader locks the tables, and helps read the catalog (catalog::ReadCatalog) before it copies
  // data: the server reads the catalog on two cores, and the dump still uses at most jobs + 1
  // connections.
  Status helper_status;
  std::jthread helper_thread;
  if (options.jobs >= 2) {
    helper_thread = std::jthread([&] {
      auto c = pg::PgConn::Connect(worker_opts, worker_session);
      if (!c.ok()) {
        helper_status = c.status();
        return;
      }
      helper_status = (*c)->Command(import_snapshot);
      // Like the leader's (LockSelectedTables), the helper's catalog queries may wait for a lock
      // (pg_table_size of a table the dump leaves out): --lock-wait-timeout bounds that wait.
      if (helper_status.ok() && !options.lock_wait_timeout.empty()) {
        helper_status =
            (*c)->Command("SET lock_timeout = " + pg::QuoteLiteral(options.lock_wait_timeout));
      }
      helper = std::move(*c);
    });
  }
  ASSIGN_OR_RETURN(dump::Selection selection, dump::ResolveSelection(*leader, options));
  RETURN_IF_ERROR(dump::LockSelectedTables(*leader, selection, options.lock_wait_timeout));
  if (helper_thread.joinable()) helper_thread.join();
  RETURN_IF_ERROR(helper_status);
  if (helper) group.Add(helper.get());
  if (cancel && cancel->cancelled()) return Status::Cancelled("dump cancelled");

  format::ArchiveHeader header;
  dump::BuiltToc toc;
  {
    // Every name the TOC's statements write is quoted with --quote-all-identifiers (the leader
    // builds them all on this thread).
    const pg::QuoteAllIdentifiersScope quote_all(options.quote_all_identifiers);
    // The catalog model is only needed to build the TOC; it is freed before the TOC is encoded
    // (on 10,000 tables each is tens of MB, and the dump's peak memory is where they meet).
    catalog::ReadOptions read;
    read.measure_unvacuumed_tables = options.content != DumpOptions::Content::kSchemaOnly &&
                                     options.content != DumpOptions::Content::kStatisticsOnly &&
                                     (options.sections & DumpOptions::kSectionData) != 0;
    ASSIGN_OR_RETURN(catalog::Catalog cat, catalog::ReadCatalog(*leader, helper.get(), read));
    dump::PruneCatalog(selection, options, &cat);
    // Sequence values are data (SEQUENCE SET): not read when no data is dumped.
    if ((options.content != DumpOptions::Content::kSchemaOnly || options.sequence_data) &&
        options.content != DumpOptions::Content::kStatisticsOnly &&
        (options.sections & DumpOptions::kSectionData) != 0) {
      RETURN_IF_ERROR(catalog::ReadSequenceValues(*leader, &cat));
    }
    if (!options.lock_wait_timeout.empty()) {
      RETURN_IF_ERROR(leader->Command("SET lock_timeout = 0"));
      if (helper) RETURN_IF_ERROR(helper->Command("SET lock_timeout = 0"));
    }
    dump::BuildOptions build;
    build.chunk_bytes = options.split_bytes;
    build.statistics =
        options.statistics || options.content == DumpOptions::Content::kStatisticsOnly;
    ASSIGN_OR_RETURN(toc, dump::BuildTocFreeingColumns(&cat, build));
    dump::FilterToc(selection, options, cat, &toc);
    // Only for the entries the selection kept: a dump without statistics reads none.
    if (build.statistics) {
      RETURN_IF_ERROR(dump::FillStatistics(*leader, cat.server_version, &toc.entries));
    }
    if (options.copy_format == DumpOptions::CopyFormat::kBinary) {
      RETURN_IF_ERROR(dump::UseBinaryCopy(*leader, &toc));
    }
    header.server_version = cat.server_version_string;
    header.server_version_num = static_cast<uint32_t>(cat.server_version);
  }
  events.Verbose("read catalog: " + std::to_string(toc.entries.size()) + " entries, " +
                 std::to_string(toc.data_jobs.size()) + " tables with data");

  header.tool_version = std::string("ndump ") + LIBDUMP_VERSION;
  {
    ASSIGN_OR_RETURN(pg::PgResult db, leader->Query("SELECT pg_catalog.current_database()"));
    header.database = db.GetString(0, 0);
  }
  header.encoding = encoding;
  // Text of timestamptz values depends on it; a check of a restored copy reads them back in it
  // (archive_format.md §7.6).
  header.time_zone = leader->ParameterStatus("TimeZone");
  header.created_unix_seconds = static_cast<int64_t>(std::time(nullptr));
  format::WriterOptions wopts;
  wopts.compression = options.compression_level > 0 ? 1 : 0;
  wopts.compression_level = options.compression_level > 0 ? options.compression_level : 0;
  wopts.fingerprint_rows = options.row_fingerprints;
  wopts.encryption = options.encryption;
  header.compression = wopts.compression;
  header.compression_level = wopts.compression_level;
  ASSIGN_OR_RETURN(std::unique_ptr<format::ArchiveWriter> writer,
                   format::ArchiveWriter::Create(sink, header, toc.entries, wopts));
  // The writer has the TOC encoded; from here on only the data jobs are needed.
  const size_t entry_count = toc.entries.size();
  std::vector<format::TocEntry>().swap(toc.entries);

  const int workers =
      std::max(1, std::min<int>(options.jobs, static_cast<int>(toc.data_jobs.size())));
  if (helper && toc.data_jobs.empty()) {
    group.Remove(helper.get());
    helper.reset();
  }
  if (helper) conns.push_back(std::move(helper));
  if (!toc.data_jobs.empty()) {
    for (int w = static_cast<int>(conns.size()); w < workers; ++w) {
      ASSIGN_OR_RETURN(auto c, pg::PgConn::Connect(worker_opts, worker_session));
      group.Add(c.get());
      conns.push_back(std::move(c));
      RETURN_IF_ERROR(conns.back()->Command(import_snapshot));
    }
  }
  uint64_t estimate = 0;
  for (const auto& j : toc.data_jobs) estimate += j.size_estimate;
  events.SetTotals(toc.data_jobs.size(), estimate);

  std::vector<sched::Task> tasks(toc.data_jobs.size());
  std::atomic<uint64_t> total_rows{0};
  std::atomic<uint64_t> total_raw{0};
  auto run = [&](int w, size_t i) -> Status {
    const dump::DataJob& job = toc.data_jobs[i];
    const bool binary = job.copy_out_sql.ends_with("(FORMAT binary)");
    events.StartEntry(job.kind + " " + job.label);
    ASSIGN_OR_RETURN(std::unique_ptr<format::EntryStream> stream, writer->OpenStream(job.dump_id));
    std::string buffer;
    buffer.reserve(options.block_size + 4096);
    uint32_t rows = 0;
    // Appends one block and reports it. Stored bytes are the archive's running total (the
    // writer's), not per-worker differences, which would count other workers' blocks too.
    auto append = [&](std::string_view raw, uint32_t block_rows) -> Status {
      RETURN_IF_ERROR(stream->AppendBlock(raw, block_rows));
      total_rows += block_rows;
      total_raw += raw.size();
      events.SetStoredTotal(writer->bytes_written());
      events.AddProgress(block_rows, raw.size(), 0, false);
      return Status::Ok();
    };
    auto flush = [&]() -> Status {
      if (buffer.empty()) return Status::Ok();
      RETURN_IF_ERROR(append(buffer, rows));
      buffer.clear();
      rows = 0;
      return Status::Ok();
    };
    Status st = conns[static_cast<size_t>(w)]->CopyOut(
        job.copy_out_sql, [&](std::string_view row) -> Status {
          if (cancel && cancel->cancelled()) return Status::Cancelled("dump cancelled");
          // A row larger than a block gets a block of its own, split at the block limit.
          if (buffer.size() + row.size() > options.block_size) RETURN_IF_ERROR(flush());
          while (row.size() > format::kMaxBlockRaw) {
            RETURN_IF_ERROR(append(row.substr(0, format::kMaxBlockRaw), 0));
            row.remove_prefix(format::kMaxBlockRaw);
          }
          buffer.append(row);
          if (!(binary && dump::IsBinaryCopyTrailer(row))) ++rows;
          return Status::Ok();
        });
    if (st.ok()) st = flush();
    if (st.ok()) st = stream->Close();
    if (!st.ok()) return st.WithObject(job.kind + " " + job.label);
    events.AddProgress(0, 0, 0, true);
    events.Verbose("dumped " + job.label);
    return Status::Ok();
  };
  auto on_stop = [&]() {
    for (auto& c : conns) c->Cancel();
  };
  RETURN_IF_ERROR(sched::RunTaskGraph(tasks, workers, run, cancel, on_stop));
  if (cancel && cancel->cancelled()) return Status::Cancelled("dump cancelled");

  for (auto& c : conns) group.Remove(c.get());
  conns.clear();
  RETURN_IF_ERROR(leader->Command("COMMIT"));
  RETURN_IF_ERROR(writer->Finish());

  DumpSummary summary;
  summary.entries = entry_count;
  summary.tables = toc.data_jobs.size();
  summary.rows = total_rows.load();
  summary.raw_bytes = total_raw.load();
  summary.archive_bytes = writer->bytes_written();
  summary.seconds = SecondsSince(t0);
  return summary;
}

}  // namespace libdump
