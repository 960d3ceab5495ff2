// How libdump reaches a PostgreSQL server: the same inputs pg_dump takes.
//
// `dbname` may be a plain database name, a conninfo string ("host=... dbname=...") or a URI
// ("postgresql://..."); libpq expands it. Explicit host/port/user override what it contains.
// Anything left empty falls back to libpq's defaults: PGHOST, PGPORT, PGUSER, PGDATABASE, the
// service file and ~/.pgpass (or PGPASSFILE) all work as they do for psql. libpq reads those
// environment variables each time the library connects, so a host that changes them (setenv)
// while an operation is starting races with it.
//
// Ownership and lifetime: ConnectionOptions is a plain value. Dump() and Restore() copy what they
// need at the start of the call; the caller's object may be changed or destroyed afterwards.
//
// Connections an operation opens: one leader connection on the calling thread, then the worker
// connections (see DumpOptions::jobs and RestoreOptions::jobs), all made with these options and
// the password the leader ended up using. Every one of them is closed before the operation
// returns, on success and on every error path. The server must be PostgreSQL 12 or later.
//
// Errors: a connection that cannot be made (unreachable server, authentication failure, a
// password the server requires and nobody supplied, a database that does not exist) is
// kConnectionFailed with libpq's message; a connection lost later is kConnectionFailed too. A
// server older than 12 is kUnsupported.
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
  std::string host;    // host name, IP address, or a Unix-socket directory (starts with '/')
  std::string port;
  std::string user;
  std::string password;  // if already known; otherwise libpq's sources (PGPASSWORD, .pgpass)
  PasswordPolicy password_policy = PasswordPolicy::kAuto;
  // Called at most once per operation, on the thread that called Dump()/Restore(), while the
  // leader connection is being made, to ask for a password; worker connections reuse the answer
  // and never prompt. The library never reads a terminal itself. May be empty: then no prompting
  // happens. The function is copied with the options; it must not throw. An empty answer means
  // "no password", and the connection then fails with kConnectionFailed.
  std::function<std::string()> password_prompt;
  // Sent as libpq's fallback_application_name, so PGAPPNAME or an application_name inside
  // `dbname` win over it. If left at the default "libdump", dump connections currently show up as
  // "ndump" and restore connections as "nrestore" in pg_stat_activity; set your own name to tell
  // your program's sessions apart.
  std::string application_name = "libdump";
};

}  // namespace libdump

#endif  // LIBDUMP_CONNECTION_H_
