// The only part of libdump that sees libpq: RAII connections and results, COPY in both
// directions. SQL quoting, which needs no connection, is pg/quote.h.
#ifndef LIBDUMP_SRC_PG_PG_H_
#define LIBDUMP_SRC_PG_PG_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libdump/connection.h"
#include "libdump/status.h"
#include "pg/quote.h"  // the quoting every user of a connection needs

struct pg_conn;
struct pg_result;
struct pg_cancel;

namespace libdump::pg {

// Owns a PGresult.
class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(pg_result* res) : res_(res) {}
  PgResult(PgResult&& other) noexcept : res_(other.res_) { other.res_ = nullptr; }
  PgResult& operator=(PgResult&& other) noexcept;
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;
  ~PgResult();

  int rows() const;
  int cols() const;
  bool IsNull(int row, int col) const;
  // Column value as text; "" for NULL.
  std::string_view Get(int row, int col) const;
  std::string GetString(int row, int col) const { return std::string(Get(row, col)); }
  int64_t GetInt(int row, int col) const;
  uint64_t GetUInt(int row, int col) const;
  bool GetBool(int row, int col) const { return Get(row, col) == "t"; }
  // Column index by name; -1 when absent.
  int Col(const char* name) const;

 private:
  pg_result* res_ = nullptr;
};

// One row of a result, read by column name (the SELECT's column or its alias), so that a column
// a server version adds or renames does not renumber the others. A name the result lacks reads
// as NULL. Each read looks the name up (PQfnumber): for results of many rows, look the columns
// up once with PgResult::Col instead.
class Row {
 public:
  Row(const PgResult& result, int row) : r_(result), row_(row) {}
  bool IsNull(const char* col) const { return r_.IsNull(row_, r_.Col(col)); }
  std::string_view Get(const char* col) const { return r_.Get(row_, r_.Col(col)); }
  std::string GetString(const char* col) const { return std::string(Get(col)); }
  int64_t GetInt(const char* col) const { return r_.GetInt(row_, r_.Col(col)); }
  uint32_t GetOid(const char* col) const {
    return static_cast<uint32_t>(r_.GetUInt(row_, r_.Col(col)));
  }
  bool GetBool(const char* col) const { return Get(col) == "t"; }
  // The first character of a "char" column; `fallback` for NULL or empty.
  char GetChar(const char* col, char fallback = '\0') const {
    const std::string_view v = Get(col);
    return v.empty() ? fallback : v[0];
  }
  // The value, or nothing for NULL.
  std::optional<std::string> Opt(const char* col) const {
    const int c = r_.Col(col);
    if (r_.IsNull(row_, c)) return std::nullopt;
    return r_.GetString(row_, c);
  }

 private:
  const PgResult& r_;
  int row_;
};

// One server connection. Used by one thread at a time; Cancel() may be called from any thread.
class PgConn {
 public:
  // Connects and applies `session_sql` (one or more statements) before returning. A non-empty
  // `database` is a plain database name that replaces the one options.dbname names (or implies),
  // keeping every other setting of a conninfo string or URI there (nrestore --create).
  static Result<std::unique_ptr<PgConn>> Connect(const ConnectionOptions& options,
                                                 std::string_view session_sql,
                                                 std::string_view database = {});
  ~PgConn();
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  // Runs statements that return no rows (several may be ';'-separated).
  Status Command(std::string_view sql);
  // Runs one query and returns its rows.
  Result<PgResult> Query(std::string_view sql);
  // Runs one query and calls `on_row` for each row as it arrives (libpq single-row mode): `row`
  // holds that row only (row 0) and is freed after the call, so a large result is never held
  // whole beside what is made of it. Stops calling after the first error `on_row` returns, reads
  // the rest of the result, and returns that error.
  Status QueryRows(std::string_view sql, const std::function<Status(const PgResult& row)>& on_row);

  // COPY ... TO STDOUT: calls `on_row` for every row (one COPY text line with its newline).
  // Stops early when `on_row` returns an error, and returns that error.
  Status CopyOut(std::string_view copy_sql, const std::function<Status(std::string_view)>& on_row);

  // COPY ... FROM STDIN, fed by repeated PutCopyData calls and ended by EndCopy.
  Status BeginCopyIn(std::string_view copy_sql);
  Status PutCopyData(std::string_view data);
  // Ends the COPY; with a non-empty `abort_reason`, aborts it (the server rolls it back).
  Status EndCopy(const std::string& abort_reason = "");

  // Asks the server to cancel the statement in progress (thread-safe, best effort).
  void Cancel();

  int server_version() const { return server_version_; }
  // The password the connection was made with (as libpq knows it), so that worker connections
  // can reuse a password the user typed once.
  std::string password() const;
  std::string ParameterStatus(const char* name) const;

 private:
  explicit PgConn(pg_conn* conn);
  Status ResultStatus(pg_result* res, std::string_view sql);
  Status ConnectionError(std::string_view what);

  pg_conn* conn_ = nullptr;
  int server_version_ = 0;
  std::mutex cancel_mu_;
  pg_cancel* cancel_ = nullptr;
};

}  // namespace libdump::pg

#endif  // LIBDUMP_SRC_PG_PG_H_
