// A whole cluster: its global objects and every database in one cluster archive
// (archive_format.md §14), as ndumpall writes it and nrestore reads it.
//
// DumpCluster reads the globals (roles, memberships, role settings, tablespaces, privileges on
// parameters) on one connection, writes them as part 0, then dumps the databases with Dump(),
// up to `jobs` at once, each into its own part under its own snapshot (each database is
// consistent in itself, as with pg_dumpall; two databases are not read at one instant).
// RestoreCluster runs the globals on the target's maintenance database, then creates and
// restores each database with Restore(), up to `jobs` at once.
//
// Thread safety: as Dump() and Restore(); the functions are reentrant.
#ifndef LIBDUMP_CLUSTER_H_
#define LIBDUMP_CLUSTER_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "libdump/cancel.h"
#include "libdump/connection.h"
#include "libdump/dump.h"
#include "libdump/format/byte_io.h"
#include "libdump/format/cluster.h"
#include "libdump/observer.h"
#include "libdump/restore.h"
#include "libdump/status.h"

namespace libdump {

struct ClusterDumpOptions {
  // Where the globals are read and the databases listed (pg_dumpall's -l/-d): a database name
  // or a conninfo string (default: postgres). Each database is then dumped through the same
  // settings with its own name.
  ConnectionOptions connection;
  // Databases dumped at once, >= 1 (else kInvalidArgument). Each dump uses database.jobs
  // workers, so the server sees up to jobs x (database.jobs + 1) + 1 connections.
  int jobs = 1;
  // How each database is dumped (its connection is replaced). Its filters apply in every
  // database.
  DumpOptions database;
  // What is dumped: everything by default; globals_only (-g) the globals part alone; roles_only
  // (-r) only roles, memberships, settings and parameter privileges; tablespaces_only (-t) only
  // tablespaces. The last two imply globals_only.
  bool globals_only = false;
  bool roles_only = false;
  bool tablespaces_only = false;
  // Databases left out (--exclude-database), pg_dumpall's patterns: `*` and `?` wildcards,
  // letters folded to lower case outside double quotes. template0 is never dumped, nor a
  // database that does not allow connections.
  std::vector<std::string> exclude_databases;
  // false: roles are read from pg_roles and written without passwords (--no-role-passwords),
  // so a role that is no superuser can dump the cluster.
  bool role_passwords = true;
  // drop_sql of the globals as DROP ... IF EXISTS (--if-exists).
  bool if_exists = false;
};

struct ClusterDumpSummary {
  uint64_t databases = 0;      // database parts written
  uint64_t roles = 0;          // ROLE entries in the globals
  uint64_t tablespaces = 0;    // TABLESPACE entries
  uint64_t archive_bytes = 0;  // the whole cluster archive
  double seconds = 0;
  DumpSummary totals;  // the databases' dumps, summed
};

// Dumps the cluster into `sink` as one cluster archive, committing it on success. Errors as
// Dump()'s; the first database that fails stops the others (cancelled) and is the one returned,
// with the database's name in its message. Borrowed arguments as for Dump().
Result<ClusterDumpSummary> DumpCluster(const ClusterDumpOptions& options, ByteSink* sink,
                                       Observer* observer = nullptr,
                                       const CancelToken* cancel = nullptr);

struct ClusterRestoreOptions {
  // The target cluster's maintenance database (default postgres), where the globals run and
  // CREATE DATABASE is issued. Each database is restored through the same settings.
  ConnectionOptions connection;
  // Databases restored at once, >= 1.
  int jobs = 1;
  // How each database is restored; content.create is set by RestoreCluster for a database the
  // target lacks, and the database's own properties are applied to one it has (postgres,
  // template1), as pg_dumpall's script does.
  RestoreOptions database;
  // Run the globals part (false: --no-globals with --database). Roles the target has already
  // (the role the restore connects as, the bootstrap superuser) are altered, not created.
  bool globals = true;
  // Only these databases (nrestore --database); empty restores every database of the archive.
  // A name the archive lacks is kNotFound. With databases_only, no globals.
  std::vector<std::string> databases;
  // Only the globals (no database).
  bool globals_only = false;
  // --tablespace-mapping=OLD=NEW: a tablespace whose location is OLD is created at NEW.
  std::vector<std::pair<std::string, std::string>> tablespace_mapping;
  // Before the globals, drop what the archive creates: the databases (not postgres or
  // template1), then tablespaces and roles, in reverse order (-c; with if_exists, IF EXISTS).
  bool clean = false;
  bool if_exists = false;
};

struct ClusterRestoreSummary {
  uint64_t databases = 0;       // databases restored
  uint64_t global_entries = 0;  // globals entries run
  uint64_t errors = 0;          // failed entries passed over (globals and databases)
  double seconds = 0;
  RestoreSummary totals;
};

// Restores a cluster archive read from `source` (seekable: databases in parallel; a pipe: the
// databases as their chunks arrive). A failed globals entry is counted in errors (as psql with a
// pg_dumpall script goes on) unless database.content.exit_on_error. Other errors as Restore().
Result<ClusterRestoreSummary> RestoreCluster(const ClusterRestoreOptions& options,
                                             ByteSource* source, Observer* observer = nullptr,
                                             const CancelToken* cancel = nullptr);

// One part of a cluster archive, as a listing shows it.
struct ClusterPartListing {
  uint32_t part = 0;
  std::string database;  // empty for the globals
  uint64_t bytes = 0;
  format::ArchiveHeader header;       // the part's own header
  std::vector<format::TocEntry> toc;  // its TOC
};

// The parts of a cluster archive with their headers and TOCs (seekable sources only; else
// kUnsupported). `header` (may be null) receives the cluster header.
Result<std::vector<ClusterPartListing>> ListCluster(ByteSource* source,
                                                    format::ArchiveHeader* header = nullptr);

// Full verification of a cluster archive (archive_format.md §14.8).
Status VerifyCluster(ByteSource* source, format::ClusterVerifyReport* report = nullptr);

// Writes a cluster archive as one psql script (nrestore -f), to be run connected to the target's
// postgres database: the globals (tablespaces moved by `mapping`, as OLD=NEW locations), then
// each database's script as WriteScript writes it, with CREATE DATABASE and \connect, except
// postgres and template1, which a cluster has: \connect, the script, then the database's own
// properties; with `globals_only`, no database. As with pg_dumpall's script, CREATE ROLE of a role
// the target has fails and psql goes on. `databases` (empty: all) and `globals` select; `content`
// shapes every database's script (its `create` is set here). Seekable sources only. Commits `out`
// on success.
Status WriteClusterScript(ByteSource* source, ByteSink* out, const RestoreContent& content,
                          const std::vector<std::string>& databases, bool globals,
                          bool globals_only,
                          const std::vector<std::pair<std::string, std::string>>& mapping);

}  // namespace libdump

#endif  // LIBDUMP_CLUSTER_H_
