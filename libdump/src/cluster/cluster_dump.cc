// DumpCluster (libdump/cluster.h): the globals part, then one Dump() per database into its part
// of the cluster archive (archive_format.md §14), `jobs` databases at a time.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <mutex>
#include <thread>

#include "catalog/reader_globals.h"
#include "cluster/cluster_util.h"
#include "cluster/globals.h"
#include "libdump/cluster.h"
#include "libdump/format/archive.h"
#include "libdump/format/cluster.h"
#include "libdump/version.h"
#include "pg/pg.h"
#include "pg/quote.h"
#include "pg/server_versions.h"

namespace libdump {

namespace {

// DateStyle ISO and UTC print rolvaliduntil as pg_dumpall's session does; the rest as every
// libdump session.
constexpr const char* kGlobalsSessionSql =
    "SET DateStyle = ISO; SET TimeZone = 'UTC'; SET search_path = ''; "
    "SET statement_timeout = 0; SET client_encoding = 'UTF8'";

// pg_dumpall's --exclude-database pattern as an anchored regular expression: `*` any text, `?`
// one character, letters folded to lower case outside double quotes, `""` a quote inside them,
// other characters literal.
std::string PatternRegex(std::string_view pattern) {
  std::string re = "^(";
  bool quoted = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '"') {
      if (quoted && i + 1 < pattern.size() && pattern[i + 1] == '"') {
        re += "\"";
        ++i;
      } else {
        quoted = !quoted;
      }
    } else if (!quoted && c == '*') {
      re += ".*";
    } else if (!quoted && c == '?') {
      re += ".";
    } else {
      const char lc = quoted ? c : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (std::string_view("\\.^$|()[]{}+*?").find(lc) != std::string_view::npos) re += '\\';
      re += lc;
    }
  }
  return re + ")$";
}

Result<std::vector<std::string>> ListDatabases(pg::PgConn& conn,
                                               const std::vector<std::string>& exclude) {
  std::string sql =
      "SELECT datname FROM pg_catalog.pg_database WHERE datallowconn AND datconnlimit <> -2 "
      "AND datname <> 'template0'";
  for (const std::string& p : exclude) {
    sql += " AND datname !~ " + pg::QuoteLiteral(PatternRegex(p));
  }
  sql += " ORDER BY datname COLLATE \"C\"";
  ASSIGN_OR_RETURN(pg::PgResult r, conn.Query(sql));
  std::vector<std::string> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(r.GetString(i, 0));
  return out;
}

Status WriteGlobals(format::ClusterWriter* cw, const format::ArchiveHeader& cluster_header,
                    const std::vector<format::TocEntry>& toc, int compression_level) {
  ASSIGN_OR_RETURN(std::unique_ptr<ByteSink> part, cw->OpenPart(""));
  format::ArchiveHeader h = cluster_header;
  h.database.clear();
  format::WriterOptions w;
  w.compression = compression_level > 0 ? 1 : 0;
  w.compression_level = compression_level > 0 ? compression_level : 0;
  ASSIGN_OR_RETURN(std::unique_ptr<format::ArchiveWriter> writer,
                   format::ArchiveWriter::Create(part.get(), h, toc, w));
  return writer->Finish();
}

}  // namespace

Result<ClusterDumpSummary> DumpCluster(const ClusterDumpOptions& options, ByteSink* sink,
                                       Observer* observer, const CancelToken* cancel) {
  const auto start = std::chrono::steady_clock::now();
  if (sink == nullptr) return Status::InvalidArgument("null sink");
  if (options.jobs < 1) return Status::InvalidArgument("jobs must be at least 1");
  ConnectionOptions conn_opts = options.connection;
  if (conn_opts.dbname.empty()) conn_opts.dbname = "postgres";
  ASSIGN_OR_RETURN(std::unique_ptr<pg::PgConn> conn,
                   pg::PgConn::Connect(conn_opts, kGlobalsSessionSql));
  RETURN_IF_ERROR(
      pg::CheckDumpSource(conn->server_version(), conn->ParameterStatus("server_version")));
  // The password typed once serves every database's dump.
  conn_opts.password = conn->password();
  conn_opts.password_policy = PasswordPolicy::kAuto;
  conn_opts.password_prompt = nullptr;

  catalog::GlobalsReadOptions read;
  read.role_passwords = options.role_passwords;
  ASSIGN_OR_RETURN(catalog::Globals globals, catalog::ReadGlobals(*conn, read));
  cluster::GlobalsTocOptions toc_opts;
  toc_opts.sql.role_passwords = options.role_passwords;
  toc_opts.sql.comments = options.database.comments;
  toc_opts.sql.security_labels = options.database.security_labels;
  toc_opts.sql.privileges = options.database.privileges;
  toc_opts.roles = !options.tablespaces_only;
  toc_opts.tablespaces = !options.roles_only;
  toc_opts.if_exists = options.if_exists;
  ASSIGN_OR_RETURN(std::vector<format::TocEntry> toc, cluster::GlobalsToc(globals, toc_opts));

  ClusterDumpSummary summary;
  for (const format::TocEntry& e : toc) {
    if (e.kind == cluster::kKindRole) ++summary.roles;
    if (e.kind == cluster::kKindTablespace) ++summary.tablespaces;
  }
  std::vector<std::string> databases;
  if (!options.globals_only && !options.roles_only && !options.tablespaces_only) {
    ASSIGN_OR_RETURN(databases, ListDatabases(*conn, options.exclude_databases));
  }
  format::ArchiveHeader header;
  header.tool_version = std::string("ndumpall ") + LIBDUMP_VERSION;
  header.server_version = conn->ParameterStatus("server_version");
  header.server_version_num = static_cast<uint32_t>(conn->server_version());
  header.encoding = "UTF8";
  header.created_unix_seconds = static_cast<int64_t>(std::time(nullptr));
  const int level = options.database.compression_level;
  header.compression = level > 0 ? 1 : 0;
  header.compression_level = level > 0 ? level : 0;
  conn.reset();

  ASSIGN_OR_RETURN(std::unique_ptr<format::ClusterWriter> cw,
                   format::ClusterWriter::Create(sink, header));
  RETURN_IF_ERROR(WriteGlobals(cw.get(), header, toc, level));

  // The databases: `jobs` threads take the next name in turn. The first failure cancels the
  // dumps in progress through `stop`, which also follows the caller's token.
  CancelToken stop;
  std::atomic<bool> watching{true};
  std::thread watcher;
  if (cancel != nullptr) {
    watcher = std::thread([&] {
      while (watching.load()) {
        if (cancel->cancelled()) stop.Cancel();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
  }
  std::mutex mu;
  size_t next = 0;
  Status first;
  auto work = [&] {
    while (true) {
      std::string name;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (next >= databases.size() || !first.ok()) return;
        name = databases[next++];
      }
      DumpOptions d = options.database;
      d.connection = conn_opts;
      d.connection.dbname = cluster::ConnInfoFor(options.connection.dbname, name);
      Status st;
      Result<std::unique_ptr<ByteSink>> part = cw->OpenPart(name);
      if (!part.ok()) {
        st = part.status();
      } else {
        Result<DumpSummary> r = Dump(d, part->get(), observer, &stop);
        if (r.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          ++summary.databases;
          summary.totals.entries += r->entries;
          summary.totals.tables += r->tables;
          summary.totals.rows += r->rows;
          summary.totals.raw_bytes += r->raw_bytes;
        } else {
          st = r.status();
        }
      }
      if (!st.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (first.ok()) {
          first = st.WithContext("database \"" + name + "\"");
        }
        stop.Cancel();
        return;
      }
    }
  };
  const int threads = std::max(1, std::min<int>(options.jobs, static_cast<int>(databases.size())));
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  watching.store(false);
  if (watcher.joinable()) watcher.join();
  if (cancel != nullptr && cancel->cancelled() && first.ok()) {
    first = Status::Cancelled("cancelled");
  }
  RETURN_IF_ERROR(first);
  RETURN_IF_ERROR(cw->Finish());
  summary.archive_bytes = cw->bytes_written();
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace libdump
