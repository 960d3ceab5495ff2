// How libdump reaches a PostgreSQL server: the same inputs pg_dump takes.
//
// `dbname` may be a plain database name, a conninfo string ("host=... dbname=...") or a URI
// ("postgresql://..."); libpq expands it. Explicit host/port/user override what it contains.
// Anything left empty falls back to libpq's defaults: PGHOST, PGPORT, PGUSER, PGDATABASE, the
// service file and ~/.pgpass (or PGPASSFILE) all work as they do for psql.
#ifndef LIBDUMP_CONNECTION_H_
#define LIBDUMP_CONNECTION_H_

#include <functional>
#include <string>

namespace libdump {

enum class PasswordPolicy {
  kAuto,    // ask password_prompt only if the server requires a password and none is known
  kNever,   // -w: never ask; a server that wants a password is a connection failure
  kAlways,  // -W: ask before the first connection attempt
};

struct ConnectionOptions {
  std::string dbname;  // name, conninfo or URI; empty = libpq default (PGDATABASE, user name)
  std::string host;
  std::string port;
  std::string user;
  std::string password;  // if already known; otherwise libpq's sources (PGPASSWORD, .pgpass)
  PasswordPolicy password_policy = PasswordPolicy::kAuto;
  // Called at most once, on the calling thread of Dump()/Restore(), to ask for a password. The
  // library never reads a terminal itself. May be empty: then no prompting happens.
  std::function<std::string()> password_prompt;
  std::string application_name = "libdump";
};

}  // namespace libdump

#endif  // LIBDUMP_CONNECTION_H_
