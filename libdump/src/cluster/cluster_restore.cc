// RestoreCluster, ListCluster, VerifyCluster (libdump/cluster.h): the globals part run statement
// by statement on the maintenance database, then each database part through Restore().
#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "cluster/cluster_util.h"
#include "cluster/globals.h"
#include "libdump/cluster.h"
#include "libdump/format/archive.h"
#include "libdump/format/cluster.h"
#include "pg/pg.h"
#include "pg/quote.h"
#include "pg/server_versions.h"

namespace libdump {

namespace {

constexpr const char* kGlobalsSessionSql =
    "SET search_path = ''; SET statement_timeout = 0; SET client_encoding = 'UTF8'; "
    "SET standard_conforming_strings = on";

void Warn(Observer* observer, const std::string& text) {
  if (observer != nullptr) observer->OnMessage(EventLevel::kWarning, text);
}

struct Shared {
  const ClusterRestoreOptions* options;
  Observer* observer;
  const CancelToken* cancel;
  ConnectionOptions maintenance;
  std::set<std::string> existing;  // databases the target has
  std::mutex mu;
  ClusterRestoreSummary summary;
};

// Runs the globals part's entries (archive_format.md §14.5).
Status RestoreGlobals(Shared& sh, const std::vector<format::TocEntry>& toc) {
  const ClusterRestoreOptions& o = *sh.options;
  ASSIGN_OR_RETURN(std::unique_ptr<pg::PgConn> conn,
                   pg::PgConn::Connect(sh.maintenance, kGlobalsSessionSql));
  ASSIGN_OR_RETURN(pg::PgResult r,
                   conn->Query("SELECT rolname, rolname = CURRENT_USER AS me, oid = 10 AS boot "
                               "FROM pg_catalog.pg_roles"));
  std::set<std::string> roles;
  std::set<std::string> keep;  // never dropped: the restoring role, the bootstrap superuser
  for (int i = 0; i < r.rows(); ++i) {
    const pg::Row row(r, i);
    roles.insert(row.GetString("rolname"));
    if (row.GetBool("me") || row.GetBool("boot")) keep.insert(row.GetString("rolname"));
  }
  const bool stop_on_error = o.database.content.exit_on_error;
  auto run = [&](const format::TocEntry& e, const std::string& sql) -> Status {
    if (sql.empty()) return Status::Ok();
    Status st;
    if (e.kind == cluster::kKindTablespace && sql.compare(0, 7, "CREATE ") == 0) {
      // CREATE TABLESPACE cannot run in the implicit transaction of a multi-statement string:
      // its first line (§14.5) goes alone.
      const size_t nl = sql.find('\n');
      st = conn->Command(sql.substr(0, nl));
      if (st.ok() && nl != std::string::npos && nl + 1 < sql.size()) {
        st = conn->Command(sql.substr(nl + 1));
      }
    } else {
      st = conn->Command(sql);
    }
    if (st.ok()) {
      ++sh.summary.global_entries;
      return st;
    }
    const std::string what = e.kind + " " + e.name + ": " + st.message();
    if (stop_on_error || st.code() != StatusCode::kServerError) {
      return st.WithContext(e.kind + " " + e.name);
    }
    ++sh.summary.errors;
    Warn(sh.observer, what);
    return Status::Ok();
  };
  if (o.clean) {
    for (auto it = toc.rbegin(); it != toc.rend(); ++it) {
      if (it->drop_sql.empty()) continue;
      if (it->kind == cluster::kKindRole && keep.count(it->name) != 0) continue;
      std::string drop = it->drop_sql;
      if (o.if_exists && drop.find(" IF EXISTS ") == std::string::npos) {
        const size_t sp = drop.find(' ', 5);  // after "DROP ROLE" / "DROP TABLESPACE"
        if (sp != std::string::npos) drop.insert(sp, " IF EXISTS");
      }
      RETURN_IF_ERROR(run(*it, drop));
      if (it->kind == cluster::kKindRole) roles.erase(it->name);
    }
  }
  for (const format::TocEntry& e : toc) {
    if (sh.cancel != nullptr && sh.cancel->cancelled()) return Status::Cancelled("cancelled");
    std::string sql = e.create_sql;
    if (e.kind == cluster::kKindRole && roles.count(e.name) != 0) {
      sql = cluster::WithoutCreateRole(e);
    } else if (e.kind == cluster::kKindTablespace) {
      for (const auto& [from, to] : o.tablespace_mapping) {
        if (from == e.schema) sql = cluster::WithLocation(e, to);
      }
    }
    RETURN_IF_ERROR(run(e, sql));
  }
  return Status::Ok();
}

// The statements that give an existing database (postgres, template1) the archived one's
// properties: owner, DATABASE PROPERTIES, and the database's comment, ACL and labels, which a
// restore without create leaves out.
}  // namespace

std::string ClusterDatabaseLevelSql(const std::vector<format::TocEntry>& toc,
                                    const std::string& name) {
  std::string sql;
  const std::string tag = "DATABASE " + name;
  for (const format::TocEntry& e : toc) {
    if (e.kind == "DATABASE") {
      if (!e.owner.empty()) {
        sql += "ALTER DATABASE " + pg::QuoteIdent(name) + " OWNER TO " + pg::QuoteIdent(e.owner) +
               ";\n";
      }
    } else if (e.kind == "DATABASE PROPERTIES" ||
               ((e.kind == "COMMENT" || e.kind == "ACL" || e.kind == "SECURITY LABEL") &&
                e.schema.empty() && e.name == tag)) {
      sql += e.create_sql;
    }
  }
  return sql;
}

namespace {

// Restores one database part read from `src`.
Status RestoreDatabase(Shared& sh, const std::string& name, ByteSource* src) {
  const ClusterRestoreOptions& o = *sh.options;
  RestoreOptions ro = o.database;
  ArchiveCatalog catalog;
  ro.catalog_out = &catalog;
  const bool exists = sh.existing.count(name) != 0;
  if (exists) {
    ro.content.create = false;
    ro.connection = sh.maintenance;
    ro.connection.dbname = cluster::ConnInfoFor(o.connection.dbname, name);
  } else {
    ro.content.create = true;
    ro.connection = sh.maintenance;
  }
  Result<RestoreSummary> r = Restore(ro, src, sh.observer, sh.cancel);
  if (!r.ok()) {
    return r.status().WithContext("database \"" + name + "\"");
  }
  if (exists) {
    const std::string sql = ClusterDatabaseLevelSql(catalog.toc, name);
    if (!sql.empty()) {
      ASSIGN_OR_RETURN(std::unique_ptr<pg::PgConn> conn,
                       pg::PgConn::Connect(sh.maintenance, kGlobalsSessionSql));
      Status st = conn->Command(sql);
      if (!st.ok()) {
        if (o.database.content.exit_on_error) return st;
        std::lock_guard<std::mutex> lock(sh.mu);
        ++sh.summary.errors;
        Warn(sh.observer, "database \"" + name + "\" properties: " + st.message());
      }
    }
  }
  std::lock_guard<std::mutex> lock(sh.mu);
  ++sh.summary.databases;
  sh.summary.errors += r->errors;
  sh.summary.totals.entries += r->entries;
  sh.summary.totals.tables += r->tables;
  sh.summary.totals.rows += r->rows;
  sh.summary.totals.raw_bytes += r->raw_bytes;
  sh.summary.totals.stored_bytes += r->stored_bytes;
  return Status::Ok();
}

bool Wanted(const ClusterRestoreOptions& o, const std::string& name) {
  if (o.globals_only) return false;
  return o.databases.empty() ||
         std::find(o.databases.begin(), o.databases.end(), name) != o.databases.end();
}

Status ReadExisting(Shared& sh) {
  ASSIGN_OR_RETURN(std::unique_ptr<pg::PgConn> conn,
                   pg::PgConn::Connect(sh.maintenance, kGlobalsSessionSql));
  RETURN_IF_ERROR(
      pg::CheckRestoreTarget(conn->server_version(), conn->ParameterStatus("server_version")));
  ASSIGN_OR_RETURN(pg::PgResult r, conn->Query("SELECT datname FROM pg_catalog.pg_database"));
  for (int i = 0; i < r.rows(); ++i) sh.existing.insert(r.GetString(i, 0));
  return Status::Ok();
}

// Drains a part nobody restores (a pipe must be read to its end).
Status Drain(ByteSource* src) {
  char buf[64 << 10];
  while (true) {
    ASSIGN_OR_RETURN(const size_t n, src->Read(buf, sizeof buf));
    if (n == 0) return Status::Ok();
  }
}

}  // namespace

Result<ClusterRestoreSummary> RestoreCluster(const ClusterRestoreOptions& options,
                                             ByteSource* source, Observer* observer,
                                             const CancelToken* cancel) {
  const auto start = std::chrono::steady_clock::now();
  if (source == nullptr) return Status::InvalidArgument("null source");
  if (options.jobs < 1) return Status::InvalidArgument("jobs must be at least 1");
  Shared sh;
  sh.options = &options;
  sh.observer = observer;
  sh.cancel = cancel;
  sh.maintenance = options.connection;
  if (sh.maintenance.dbname.empty()) sh.maintenance.dbname = "postgres";
  ASSIGN_OR_RETURN(std::unique_ptr<format::ClusterReader> reader,
                   format::ClusterReader::Open(source));
  const bool want_globals = options.globals;

  if (source->Seekable()) {
    RETURN_IF_ERROR(reader->LoadIndex());
    const std::vector<format::ClusterPart>& parts = reader->parts();
    for (const std::string& name : options.databases) {
      if (std::none_of(parts.begin(), parts.end(), [&](const format::ClusterPart& p) {
            return p.part > 0 && p.database == name;
          })) {
        return Status::NotFound("database \"" + name + "\" is not in the archive");
      }
    }
    RETURN_IF_ERROR(ReadExisting(sh));
    if (want_globals) {
      ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> g, reader->OpenPart(0));
      ASSIGN_OR_RETURN(std::unique_ptr<format::ArchiveReader> ar,
                       format::ArchiveReader::Open(g.get()));
      RETURN_IF_ERROR(RestoreGlobals(sh, ar->toc()));
    }
    std::vector<const format::ClusterPart*> todo;
    for (const format::ClusterPart& p : parts) {
      if (p.part > 0 && Wanted(options, p.database)) todo.push_back(&p);
    }
    std::mutex mu;
    size_t next = 0;
    Status first;
    auto work = [&] {
      while (true) {
        const format::ClusterPart* p;
        {
          std::lock_guard<std::mutex> lock(mu);
          if (next >= todo.size() || !first.ok()) return;
          p = todo[next++];
        }
        Status st;
        Result<std::unique_ptr<ByteSource>> src = reader->OpenPart(p->part);
        st = src.ok() ? RestoreDatabase(sh, p->database, src->get()) : src.status();
        if (!st.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          if (first.ok()) first = st;
          return;
        }
      }
    };
    const int threads = std::max(1, std::min<int>(options.jobs, static_cast<int>(todo.size())));
    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i) pool.emplace_back(work);
    work();
    for (std::thread& t : pool) t.join();
    RETURN_IF_ERROR(first);
  } else {
    RETURN_IF_ERROR(ReadExisting(sh));
    // A pipe: every part is read as its chunks arrive, the databases side by side.
    Status streamed = reader->ReadParts([&](uint32_t part, ByteSource* src) -> Status {
      if (part == 0) {
        if (!want_globals) return Drain(src);
        ASSIGN_OR_RETURN(std::unique_ptr<format::ArchiveReader> ar,
                         format::ArchiveReader::Open(src));
        RETURN_IF_ERROR(RestoreGlobals(sh, ar->toc()));
        // The part's index and footer are still to be read and checked.
        format::BlockInfo info;
        std::string raw;
        while (true) {
          ASSIGN_OR_RETURN(const bool more, ar->NextBlock(&info, &raw));
          if (!more) break;
        }
        return Drain(src);
      }
      // The database's name is in its part's header; Restore reads that header itself, so it
      // is peeked through a source that gives the bytes back.
      std::unique_ptr<ByteSource> replay;
      ASSIGN_OR_RETURN(std::string name, format::PeekDatabaseName(src, &replay));
      if (!Wanted(options, name)) return Drain(replay.get());
      return RestoreDatabase(sh, name, replay.get());
    });
    RETURN_IF_ERROR(streamed);
  }
  sh.summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return sh.summary;
}

Result<std::vector<ClusterPartListing>> ListCluster(ByteSource* source,
                                                    format::ArchiveHeader* header) {
  ASSIGN_OR_RETURN(std::unique_ptr<format::ClusterReader> reader,
                   format::ClusterReader::Open(source));
  RETURN_IF_ERROR(reader->LoadIndex());
  if (header != nullptr) *header = reader->header();
  std::vector<ClusterPartListing> out;
  for (const format::ClusterPart& p : reader->parts()) {
    ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> src, reader->OpenPart(p.part));
    ClusterPartListing l;
    l.part = p.part;
    l.database = p.database;
    l.bytes = p.bytes;
    ASSIGN_OR_RETURN(l.toc, ListArchive(src.get(), &l.header));
    out.push_back(std::move(l));
  }
  return out;
}

Status VerifyCluster(ByteSource* source, format::ClusterVerifyReport* report) {
  ASSIGN_OR_RETURN(std::unique_ptr<format::ClusterReader> reader,
                   format::ClusterReader::Open(source));
  return reader->Verify(report);
}

}  // namespace libdump
