// The globals part of a cluster archive (archive_format.md §14.5): the TOC entries of a
// cluster's roles, role settings, memberships, privileges on parameters and tablespaces, in the
// order a restore runs them.
#ifndef LIBDUMP_SRC_CLUSTER_GLOBALS_H_
#define LIBDUMP_SRC_CLUSTER_GLOBALS_H_

#include <string>
#include <string_view>
#include <vector>

#include "catalog/model_globals.h"
#include "ddl/ddl_globals.h"
#include "libdump/format/archive.h"
#include "libdump/status.h"

namespace libdump::cluster {

// The entry kinds of the globals part (§14.5).
inline constexpr std::string_view kKindRole = "ROLE";
inline constexpr std::string_view kKindRoleSettings = "ROLE SETTINGS";
inline constexpr std::string_view kKindRoleMembership = "ROLE MEMBERSHIP";
inline constexpr std::string_view kKindParameterAcl = "PARAMETER ACL";
inline constexpr std::string_view kKindTablespace = "TABLESPACE";

struct GlobalsTocOptions {
  ddl::GlobalsSqlOptions sql;
  bool roles = true;        // ROLE, ROLE SETTINGS, ROLE MEMBERSHIP, PARAMETER ACL entries
  bool tablespaces = true;  // TABLESPACE entries
  bool if_exists = false;   // DROP ... IF EXISTS in drop_sql
};

// The TOC of the globals part, dump ids 1, 2, ... in restore order. kInternal when the
// memberships cannot be ordered; an ACL that does not parse is kInvalidArgument.
Result<std::vector<format::TocEntry>> GlobalsToc(const catalog::Globals& globals,
                                                 const GlobalsTocOptions& options);

// For a restore: `create_sql` of a ROLE entry without its first line (CreateRoleLine), for a
// role the target already has. Unchanged when it does not start with that line.
std::string WithoutCreateRole(const format::TocEntry& role_entry);

// For a restore that moves a tablespace: `create_sql` of a TABLESPACE entry with its LOCATION
// literal replaced by `location`. Unchanged when the first line is not the form §14.5 fixes.
std::string WithLocation(const format::TocEntry& tablespace_entry, std::string_view location);

}  // namespace libdump::cluster

#endif  // LIBDUMP_SRC_CLUSTER_GLOBALS_H_
