// Small helpers the cluster dump and restore share.
#ifndef LIBDUMP_SRC_CLUSTER_CLUSTER_UTIL_H_
#define LIBDUMP_SRC_CLUSTER_CLUSTER_UTIL_H_

#include <string>
#include <string_view>

namespace libdump::cluster {

// A libpq dbname that connects to database `name` with the settings of `base` (a database name,
// a conninfo string or empty; host, port and user come from the other ConnectionOptions): a
// conninfo `dbname='name'` (quotes and backslashes escaped), after `base`'s own keywords when
// it is a conninfo string, so that ours wins. A URI's settings are not kept.
inline std::string ConnInfoFor(std::string_view base, std::string_view name) {
  std::string quoted = "dbname='";
  for (char c : name) {
    if (c == '\'' || c == '\\') quoted += '\\';
    quoted += c;
  }
  quoted += "'";
  if (base.find('=') != std::string_view::npos && base.find("://") == std::string_view::npos) {
    return std::string(base) + " " + quoted;
  }
  return quoted;
}

}  // namespace libdump::cluster

#endif  // LIBDUMP_SRC_CLUSTER_CLUSTER_UTIL_H_
