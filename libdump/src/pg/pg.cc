#include "pg/pg.h"
#include "pg/server_versions.h"

#include <libpq-fe.h>

#include <poll.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace libdump::pg {

namespace {

// libpq messages end with a newline and may span lines; a Status message is one line.
std::string OneLine(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  for (char& c : s) {
    if (c == '\n') c = ' ';
  }
  return s;
}

// The connect_timeout libpq resolved for `conn` (conninfo, URI or PGCONNECT_TIMEOUT), in seconds;
// 0 for none. libpq treats values 1 as 2 and ignores values it cannot parse.
int ConnectTimeoutSeconds(pg_conn* conn) {
  int seconds = 0;
  PQconninfoOption* opts = PQconninfo(conn);
  if (opts == nullptr) return 0;
  for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
    if (std::strcmp(o->keyword, "connect_timeout") == 0 && o->val != nullptr && *o->val) {
      char* end = nullptr;
      const long v = std::strtol(o->val, &end, 10);
      if (end != o->val && *end == '\0' && v > 0) seconds = v == 1 ? 2 : static_cast<int>(v);
    }
  }
  PQconninfoFree(opts);
  return seconds;
}

// PQconnectdbParams, except that no server message is ever printed: libpq's default notice
// processor writes NOTICEs and WARNINGs to stderr, and a server may send some while the
// connection is being established (e.g. a database with client_min_messages = debug5), so the
// silent processor is installed before the first byte is exchanged, and the handshake is driven
// with PQconnectPoll. The whole handshake (every host libpq tries) gets connect_timeout.
// Returns null when libpq could not allocate the connection, or (with *timed_out set) when the
// timeout expired; otherwise the caller checks PQstatus.
pg_conn* ConnectQuietly(const char* const* keys, const char* const* values, bool* timed_out) {
  *timed_out = false;
  pg_conn* conn = PQconnectStartParams(keys, values, 1);
  if (conn == nullptr) return nullptr;
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  if (PQstatus(conn) == CONNECTION_BAD) return conn;
  const int timeout = ConnectTimeoutSeconds(conn);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout);
  PostgresPollingStatusType poll_status = PGRES_POLLING_WRITING;
  for (;;) {
    if (poll_status == PGRES_POLLING_OK || poll_status == PGRES_POLLING_FAILED) return conn;
    pollfd p{};
    p.fd = PQsocket(conn);
    p.events = poll_status == PGRES_POLLING_READING ? POLLIN : POLLOUT;
    int wait_ms = -1;
    if (timeout > 0) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        PQfinish(conn);
        *timed_out = true;
        return nullptr;
      }
      wait_ms = static_cast<int>(left.count());
    }
    if (p.fd >= 0) {
      const int r = ::poll(&p, 1, wait_ms);
      if (r < 0 && errno == EINTR) continue;
      if (r == 0) continue;  // the deadline check above reports the timeout
    }
    poll_status = PQconnectPoll(conn);
  }
}

std::string Abbreviate(std::string_view sql) {
  std::string s(sql.substr(0, 120));
  for (char& c : s) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  if (sql.size() > 120) s += "...";
  return s;
}

}  // namespace

PgResult& PgResult::operator=(PgResult&& other) noexcept {
  if (this != &other) {
    if (res_) PQclear(res_);
    res_ = other.res_;
    other.res_ = nullptr;
  }
  return *this;
}

PgResult::~PgResult() {
  if (res_) PQclear(res_);
}

int PgResult::rows() const { return res_ ? PQntuples(res_) : 0; }
int PgResult::cols() const { return res_ ? PQnfields(res_) : 0; }
bool PgResult::IsNull(int row, int col) const { return PQgetisnull(res_, row, col) != 0; }

std::string_view PgResult::Get(int row, int col) const {
  if (PQgetisnull(res_, row, col)) return {};
  return std::string_view(PQgetvalue(res_, row, col),
                          static_cast<size_t>(PQgetlength(res_, row, col)));
}

int64_t PgResult::GetInt(int row, int col) const {
  if (IsNull(row, col)) return 0;
  return std::strtoll(PQgetvalue(res_, row, col), nullptr, 10);
}

uint64_t PgResult::GetUInt(int row, int col) const {
  if (IsNull(row, col)) return 0;
  return std::strtoull(PQgetvalue(res_, row, col), nullptr, 10);
}

int PgResult::Col(const char* name) const { return PQfnumber(res_, name); }

PgConn::PgConn(pg_conn* conn) : conn_(conn) { server_version_ = PQserverVersion(conn_); }

PgConn::~PgConn() {
  {
    std::lock_guard<std::mutex> lock(cancel_mu_);
    if (cancel_) PQfreeCancel(cancel_);
    cancel_ = nullptr;
  }
  if (conn_) PQfinish(conn_);
}

Result<std::unique_ptr<PgConn>> PgConn::Connect(const ConnectionOptions& options,
                                                std::string_view session_sql,
                                                std::string_view database) {
  const std::string database_name(database);
  std::string password = options.password;
  bool asked = false;
  if (options.password_policy == PasswordPolicy::kAlways && password.empty() &&
      options.password_prompt) {
    password = options.password_prompt();
    asked = true;
  }
  for (;;) {
    // dbname comes first so that explicit host/port/user given after it win over whatever a
    // conninfo string or URI in dbname contains (expand_dbname = 1).
    std::vector<const char*> keys;
    std::vector<const char*> values;
    auto add = [&](const char* k, const std::string& v) {
      if (!v.empty()) {
        keys.push_back(k);
        values.push_back(v.c_str());
      }
    };
    add("dbname", options.dbname);
    // libpq expands only the first dbname; a later one is a plain name that wins.
    add("dbname", database_name);
    add("host", options.host);
    add("port", options.port);
    add("user", options.user);
    add("password", password);
    add("fallback_application_name", options.application_name);
    keys.push_back(nullptr);
    values.push_back(nullptr);

    bool timed_out = false;
    pg_conn* raw = ConnectQuietly(keys.data(), values.data(), &timed_out);
    if (timed_out) {
      return Status::ConnectionFailed(
          "connection to server failed: timeout expired (connect_timeout)");
    }
    if (raw == nullptr) return Status::ConnectionFailed("out of memory allocating a connection");
    if (PQstatus(raw) != CONNECTION_OK) {
      bool needs_password = PQconnectionNeedsPassword(raw) && password.empty();
      std::string msg = OneLine(PQerrorMessage(raw));
      PQfinish(raw);
      if (needs_password && !asked && options.password_policy == PasswordPolicy::kAuto &&
          options.password_prompt) {
        password = options.password_prompt();
        asked = true;
        continue;
      }
      return Status::ConnectionFailed("connection to server failed: " + msg);
    }
    std::unique_ptr<PgConn> conn(new PgConn(raw));
    {
      std::lock_guard<std::mutex> lock(conn->cancel_mu_);
      conn->cancel_ = PQgetCancel(raw);
    }
    RETURN_IF_ERROR(
        CheckRestoreTarget(conn->server_version_, conn->ParameterStatus("server_version")));
    if (!session_sql.empty()) RETURN_IF_ERROR(conn->Command(session_sql));
    return conn;
  }
}

std::string PgConn::password() const {
  const char* p = PQpass(conn_);
  return p ? p : "";
}

std::string PgConn::ParameterStatus(const char* name) const {
  const char* v = PQparameterStatus(conn_, name);
  return v ? v : "";
}

Status PgConn::ConnectionError(std::string_view what) {
  std::string msg = OneLine(PQerrorMessage(conn_));
  if (PQstatus(conn_) == CONNECTION_BAD) {
    return Status::ConnectionFailed(std::string(what) + ": connection lost: " + msg);
  }
  return Status::ServerError(std::string(what) + ": " + msg, "");
}

Status PgConn::ResultStatus(pg_result* res, std::string_view sql) {
  ExecStatusType st = PQresultStatus(res);
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) {
    return Status::Ok();
  }
  const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
  std::string sqlstate = state ? state : "";
  // The primary message and its detail, without libpq's "ERROR:  " prefix and line breaks.
  std::string msg = OneLine(PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
  if (const char* detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL)) {
    msg += " (" + OneLine(detail) + ")";
  }
  if (msg.empty()) msg = OneLine(PQresultErrorMessage(res));
  if (msg.empty()) msg = OneLine(PQerrorMessage(conn_));
  if (PQstatus(conn_) == CONNECTION_BAD) {
    return Status::ConnectionFailed("connection lost: " + msg);
  }
  if (sqlstate == "57014") return Status::Cancelled("statement cancelled: " + Abbreviate(sql));
  return Status::ServerError(msg + " [in: " + Abbreviate(sql) + "]", sqlstate);
}

Status PgConn::Command(std::string_view sql) {
  std::string s(sql);
  // PQexec runs a multi-statement string as one implicit transaction unless it contains
  // transaction control; it returns only the last result, but stops at the first error.
  pg_result* res = PQexec(conn_, s.c_str());
  if (res == nullptr) return ConnectionError("sending a statement");
  Status st = ResultStatus(res, sql);
  PQclear(res);
  return st;
}

Result<PgResult> PgConn::Query(std::string_view sql) {
  std::string s(sql);
  pg_result* res = PQexec(conn_, s.c_str());
  if (res == nullptr) return ConnectionError("sending a query");
  PgResult owned(res);
  RETURN_IF_ERROR(ResultStatus(res, sql));
  if (PQresultStatus(res) != PGRES_TUPLES_OK) {
    return Status::Internal("query returned no rows result: " + Abbreviate(sql));
  }
  return owned;
}

Status PgConn::QueryRows(std::string_view sql,
                         const std::function<Status(const PgResult& row)>& on_row) {
  std::string s(sql);
  if (PQsendQuery(conn_, s.c_str()) == 0) return ConnectionError("sending a query");
  // Fails only when not called right after sending, which cannot happen here.
  const bool single_row = PQsetSingleRowMode(conn_) != 0;
  Status callback_status;
  Status final_status;
  bool completed = false;
  // A PGRES_SINGLE_TUPLE result per row, then a PGRES_TUPLES_OK with none (or an error result,
  // perhaps after some rows); libpq ends the sequence with a null. Every result is read, even
  // after an error, so that the connection is left ready for the next statement.
  while (pg_result* res = PQgetResult(conn_)) {
    PgResult row(res);
    const ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_SINGLE_TUPLE) {
      if (callback_status.ok()) callback_status = on_row(row);
    } else if (st == PGRES_TUPLES_OK && single_row) {
      completed = true;
    } else if (final_status.ok()) {
      final_status = ResultStatus(res, sql);
      if (final_status.ok()) {
        final_status = Status::Internal("query returned no rows result: " + Abbreviate(sql));
      }
    }
  }
  if (!callback_status.ok()) return callback_status;
  if (!final_status.ok()) return final_status;
  if (!completed) return ConnectionError("reading query results");
  return Status::Ok();
}

Status PgConn::CopyOut(std::string_view copy_sql,
                       const std::function<Status(std::string_view)>& on_row) {
  std::string s(copy_sql);
  pg_result* res = PQexec(conn_, s.c_str());
  if (res == nullptr) return ConnectionError("starting COPY");
  if (PQresultStatus(res) != PGRES_COPY_OUT) {
    Status st = ResultStatus(res, copy_sql);
    PQclear(res);
    return st.ok() ? Status::Internal("COPY did not start: " + Abbreviate(copy_sql)) : st;
  }
  PQclear(res);
  Status callback_status;
  for (;;) {
    char* buf = nullptr;
    int n = PQgetCopyData(conn_, &buf, 0);
    if (n > 0) {
      if (callback_status.ok()) {
        callback_status = on_row(std::string_view(buf, static_cast<size_t>(n)));
        // After a callback error we cannot leave COPY OUT early without dropping the
        // connection; ask the server to stop and drain what is in flight.
        if (!callback_status.ok()) Cancel();
      }
      PQfreemem(buf);
      continue;
    }
    if (buf) PQfreemem(buf);
    if (n == -1) break;  // COPY done; the final result follows
    return ConnectionError("reading COPY data");
  }
  Status final_status;
  while ((res = PQgetResult(conn_)) != nullptr) {
    Status st = ResultStatus(res, copy_sql);
    if (final_status.ok() && !st.ok()) final_status = st;
    PQclear(res);
  }
  if (!callback_status.ok()) return callback_status;
  return final_status;
}

Status PgConn::BeginCopyIn(std::string_view copy_sql) {
  std::string s(copy_sql);
  pg_result* res = PQexec(conn_, s.c_str());
  if (res == nullptr) return ConnectionError("starting COPY");
  if (PQresultStatus(res) != PGRES_COPY_IN) {
    Status st = ResultStatus(res, copy_sql);
    PQclear(res);
    return st.ok() ? Status::Internal("COPY did not start: " + Abbreviate(copy_sql)) : st;
  }
  PQclear(res);
  return Status::Ok();
}

Status PgConn::PutCopyData(std::string_view data) {
  // One CopyData message per 64 KiB. The server reads a whole message before it parses any of
  // it, so a message of a whole block (1 MiB) leaves it waiting for the client while the block
  // travels, and then makes it copy the block through a buffer larger than its CPU cache:
  // measured, COPY of one 537 MB table took 7.16 s in 1 MiB messages, 6.26 s in 64 KiB ones
  // (pg_restore: 6.30 s), and nrestore -j2 of the bench datasets 8-9% less time.
  constexpr size_t kMessageBytes = 64 << 10;
  while (!data.empty()) {
    size_t n = std::min(data.size(), kMessageBytes);
    if (PQputCopyData(conn_, data.data(), static_cast<int>(n)) != 1) {
      return ConnectionError("sending COPY data");
    }
    data.remove_prefix(n);
  }
  return Status::Ok();
}

Status PgConn::EndCopy(const std::string& abort_reason) {
  if (PQputCopyEnd(conn_, abort_reason.empty() ? nullptr : abort_reason.c_str()) != 1) {
    return ConnectionError("ending COPY");
  }
  Status final_status;
  pg_result* res;
  while ((res = PQgetResult(conn_)) != nullptr) {
    Status st = ResultStatus(res, "COPY FROM STDIN");
    if (final_status.ok() && !st.ok()) final_status = st;
    PQclear(res);
  }
  return final_status;
}

void PgConn::Cancel() {
  std::lock_guard<std::mutex> lock(cancel_mu_);
  if (cancel_ == nullptr) return;
  char errbuf[256];
  (void)PQcancel(cancel_, errbuf, sizeof errbuf);
}

}  // namespace libdump::pg
