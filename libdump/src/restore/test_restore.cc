// TestRestore: restore into a throwaway (or an empty) database, prove the copy whole, count its
// relations, drop it (docs/nrestore.md, "Test restores").
#include <chrono>
#include <cstdio>
#include <random>

#include "common/kinds.h"
#include "libdump/check.h"
#include "pg/pg.h"
#include "restore/selection.h"

namespace libdump {

namespace {

// The kinds of entries that create one relation named by the entry's schema and name.
bool IsRelation(const std::string& kind) {
  using kinds::Kind;
  switch (kinds::KindOf(kind)) {
    case Kind::kTable:
    case Kind::kView:
    case Kind::kMaterializedView:
    case Kind::kForeignTable:
    case Kind::kSequence:
    case Kind::kIndex:
      return true;
    default:
      return false;
  }
}

std::string ThrowawayName() {
  std::random_device rd;
  char name[40];
  std::snprintf(name, sizeof name, "ndump_test_%08x%08x", rd(), rd());
  return name;
}

// Objects of the database's own: relations, functions, types outside the system schemas,
// schemas other than public, extensions other than plpgsql. A database created from template0
// has none.
constexpr const char* kOwnObjectsSql =
    "WITH own AS (SELECT oid, nspname FROM pg_catalog.pg_namespace WHERE nspname NOT IN "
    "('pg_catalog', 'information_schema', 'pg_toast') AND nspname NOT LIKE 'pg\\_temp\\_%' "
    "AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%') "
    "SELECT (SELECT pg_catalog.count(*) FROM pg_catalog.pg_class WHERE relnamespace IN "
    "(SELECT oid FROM own)) + (SELECT pg_catalog.count(*) FROM pg_catalog.pg_proc WHERE "
    "pronamespace IN (SELECT oid FROM own)) + (SELECT pg_catalog.count(*) FROM "
    "pg_catalog.pg_type WHERE typnamespace IN (SELECT oid FROM own)) + (SELECT "
    "pg_catalog.count(*) FROM own WHERE nspname <> 'public') + (SELECT "
    "pg_catalog.count(*) FROM pg_catalog.pg_extension WHERE extname <> 'plpgsql')";

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The relations the restore of `catalog` with `content` creates, and those not in the database.
Status CountRelations(const ConnectionOptions& conn_opts, const ArchiveCatalog& catalog,
                      const RestoreContent& content, TestRestoreReport* report) {
  ASSIGN_OR_RETURN(const restore::Plan plan, restore::Select(catalog.toc, content));
  std::vector<const format::TocEntry*> relations;
  for (const format::TocEntry* e : plan.entries) {
    if (IsRelation(e->kind) && (e->section != format::Section::kData)) relations.push_back(e);
  }
  report->objects_expected = relations.size();
  if (relations.empty()) return Status::Ok();
  std::string values;
  for (size_t i = 0; i < relations.size(); ++i) {
    values += (i ? ", (" : "(") + std::to_string(i) + ", " +
              pg::QuoteLiteral(pg::QualifiedName(relations[i]->schema, relations[i]->name)) + ")";
  }
  ASSIGN_OR_RETURN(std::unique_ptr<pg::PgConn> conn,
                   pg::PgConn::Connect(conn_opts, "SET search_path = ''"));
  ASSIGN_OR_RETURN(pg::PgResult res,
                   conn->Query("SELECT i FROM (VALUES " + values +
                               ") AS v(i, n) WHERE pg_catalog.to_regclass(n) IS NULL ORDER BY i"));
  for (int r = 0; r < res.rows(); ++r) {
    const format::TocEntry* e = relations[res.GetUInt(r, 0)];
    report->objects_missing.push_back(e->kind + " " + pg::QualifiedName(e->schema, e->name));
  }
  report->objects_found = relations.size() - report->objects_missing.size();
  return Status::Ok();
}

}  // namespace

Result<TestRestoreReport> TestRestore(const TestRestoreOptions& options, ByteSource* source,
                                      std::string* failure, Observer* observer,
                                      const CancelToken* cancel) {
  const auto t0 = std::chrono::steady_clock::now();
  if (source == nullptr) return Status::InvalidArgument("no archive source");
  if (options.restore.jobs < 1) return Status::InvalidArgument("--jobs must be at least 1");
  RETURN_IF_ERROR(restore::CheckContent(options.restore.content, options.restore.jobs));
  if (options.restore.content.create) {
    return Status::InvalidArgument("a test restore cannot use --create");
  }
  TestRestoreReport report;
  if (source->Seekable()) {
    ASSIGN_OR_RETURN(report.archive_bytes, source->Size());
  }

  RestoreOptions ropts = options.restore;
  ArchiveCatalog catalog;
  ropts.catalog_out = &catalog;
  std::unique_ptr<pg::PgConn> admin;  // where the throwaway database is created and dropped
  if (options.use_database) {
    ASSIGN_OR_RETURN(std::unique_ptr<pg::PgConn> conn,
                     pg::PgConn::Connect(ropts.connection, "SET search_path = ''"));
    ASSIGN_OR_RETURN(pg::PgResult own, conn->Query(kOwnObjectsSql));
    ASSIGN_OR_RETURN(pg::PgResult db, conn->Query("SELECT pg_catalog.current_database()"));
    report.database = db.GetString(0, 0);
    if (own.GetUInt(0, 0) != 0) {
      return Status::InvalidArgument("database \"" + report.database + "\" is not empty (" +
                                     own.GetString(0, 0) +
                                     " objects of its own): a test restore needs an empty "
                                     "database, or none to create a throwaway one");
    }
  } else {
    ConnectionOptions maintenance = ropts.connection;
    if (maintenance.dbname.empty()) maintenance.dbname = "postgres";
    ASSIGN_OR_RETURN(admin, pg::PgConn::Connect(maintenance, ""));
    report.database = ThrowawayName();
    RETURN_IF_ERROR(admin->Command("CREATE DATABASE " + pg::QuoteIdent(report.database) +
                                   " TEMPLATE template0"));
    ropts.connection = maintenance;
    ropts.connection.dbname = report.database;
    ropts.connection.password = admin->password();
  }

  // From here on, the throwaway database is dropped whatever happens.
  auto finish = [&](Status st) -> Result<TestRestoreReport> {
    if (admin) {
      const Status dropped =
          admin->Command("DROP DATABASE IF EXISTS " + pg::QuoteIdent(report.database));
      report.dropped = dropped.ok();
      if (st.ok() && !dropped.ok()) st = dropped;
    }
    report.seconds = SecondsSince(t0);
    if (!st.ok()) {
      if (failure != nullptr) *failure = st.ToString();
      // A failure after the database existed is reported, not returned: the caller gets the
      // report (passed() false) and `failure`, for a monitoring job to send on.
      if (st.code() == StatusCode::kCancelled) return st;
    }
    return report;
  };

  const auto restore_t0 = std::chrono::steady_clock::now();
  Result<RestoreSummary> restored = Restore(ropts, source, observer, cancel);
  report.restore_seconds = SecondsSince(restore_t0);
  if (!restored.ok()) return finish(restored.status());
  report.restore = *restored;

  CheckOptions copts;
  copts.connection = ropts.connection;
  copts.content = ropts.content;
  copts.jobs = ropts.jobs;
  Result<CheckReport> checked =
      CheckRestoreOf(copts, catalog.header, catalog.toc, catalog.stats, observer, cancel);
  if (!checked.ok()) return finish(checked.status());
  report.check = std::move(*checked);
  Status counted = CountRelations(ropts.connection, catalog, ropts.content, &report);
  return finish(counted);
}

}  // namespace libdump
