// nrestore's handling of cluster archives (ndumpall, archive_format.md §14): listing,
// verification and restore. main.cc routes an archive here when its header says it is one.
#ifndef NDUMP_TOOLS_NRESTORE_CLUSTER_CLI_H_
#define NDUMP_TOOLS_NRESTORE_CLUSTER_CLI_H_

#include <string>
#include <utility>
#include <vector>

#include "libdump/cluster.h"
#include "libdump/format/byte_io.h"
#include "progress.h"

namespace nrestore_cli {

// The options only a cluster archive takes.
struct ClusterFlags {
  std::vector<std::string> databases;           // --database NAME
  bool no_globals = false;                      // --no-globals
  bool globals_only = false;                    // -g/--globals-only
  std::vector<std::string> tablespace_mapping;  // --tablespace-mapping=OLD=NEW

  bool any() const {
    return !databases.empty() || no_globals || globals_only || !tablespace_mapping.empty();
  }
};

// --list of a cluster archive: its header, then each part's database and TOC (`name` for
// messages). Exit code.
int ListCluster(libdump::ByteSource* source, const std::string& name);
// --verify of a cluster archive. Exit code.
int VerifyCluster(libdump::ByteSource* source, const std::string& name);
// A restore of a cluster archive: `options.connection` is the target's maintenance database.
// Exit code; usage errors (a bad --tablespace-mapping) print and give kExitUsage.
int RestoreCluster(libdump::ByteSource* source, libdump::ClusterRestoreOptions options,
                   const ClusterFlags& flags, ndump_cli::ProgressReporter* observer,
                   libdump::CancelToken* cancel);

// -f without -d: the cluster archive as one psql script written to `path` (- for stdout).
int ScriptCluster(libdump::ByteSource* source, const std::string& path,
                  const libdump::RestoreContent& content, const ClusterFlags& flags);

}  // namespace nrestore_cli

#endif  // NDUMP_TOOLS_NRESTORE_CLUSTER_CLI_H_
