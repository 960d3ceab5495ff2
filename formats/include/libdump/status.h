// Status and Result<T>: how every libdump function reports failure.
//
// A Status is a small value: a code, a human-readable message, and for errors that came from a
// PostgreSQL server the SQLSTATE, plus the name of the object being processed when it failed
// (e.g. `table "public"."orders"`, `block 17 of entry 42`). The library never throws, never
// exits and never prints: every failure travels back to the caller as a Status.
//
// Thread safety: Status and Result are plain values. Distinct objects may be used from different
// threads freely; one object shared between threads needs external synchronization, like any
// std::string.
//
// This header lives in the format library (the bottom layer) so that both libdump_format and
// libdump speak the same error type.
#ifndef LIBDUMP_STATUS_H_
#define LIBDUMP_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace libdump {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,    // the caller asked for something that cannot be done (bad option, pattern)
  kNotFound,           // a named thing (file, database, entry) does not exist
  kIoError,            // reading or writing a file or pipe failed
  kCorruption,         // an archive failed a checksum or structural check
  kUnsupported,        // a valid but unsupported input (an archive of another major version)
  kConnectionFailed,   // could not connect to, or lost the connection to, the server
  kServerError,        // the server rejected a statement; sqlstate() says why
  kCancelled,          // the operation was cancelled through a CancelToken or a signal
  kInternal,           // a bug in libdump
  kUnsupportedServer,  // the server's version is outside the range this build supports
};

// Returns a stable lower-case name for a code, e.g. "corruption".
const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) {
    return Status(StatusCode::kInvalidArgument, std::move(msg));
  }
  static Status NotFound(std::string msg) { return Status(StatusCode::kNotFound, std::move(msg)); }
  static Status IoError(std::string msg) { return Status(StatusCode::kIoError, std::move(msg)); }
  static Status Corruption(std::string msg) {
    return Status(StatusCode::kCorruption, std::move(msg));
  }
  static Status Unsupported(std::string msg) {
    return Status(StatusCode::kUnsupported, std::move(msg));
  }
  static Status ConnectionFailed(std::string msg) {
    return Status(StatusCode::kConnectionFailed, std::move(msg));
  }
  static Status ServerError(std::string msg, std::string sqlstate) {
    Status s(StatusCode::kServerError, std::move(msg));
    s.sqlstate_ = std::move(sqlstate);
    return s;
  }
  static Status Cancelled(std::string msg) {
    return Status(StatusCode::kCancelled, std::move(msg));
  }
  static Status Internal(std::string msg) { return Status(StatusCode::kInternal, std::move(msg)); }
  static Status UnsupportedServer(std::string msg) {
    return Status(StatusCode::kUnsupportedServer, std::move(msg));
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // Five-character SQLSTATE for kServerError (may also be set on kConnectionFailed), else empty.
  const std::string& sqlstate() const { return sqlstate_; }
  // What was being processed, e.g. `TABLE DATA "s"."t"`; empty when not known.
  const std::string& object() const { return object_; }

  // Returns a copy that names the object being processed. Keeps an existing, more precise name.
  Status WithObject(std::string object) const {
    Status s = *this;
    if (!s.ok() && s.object_.empty()) s.object_ = std::move(object);
    return s;
  }
  // Returns a copy whose message is prefixed with `context: `.
  Status WithContext(const std::string& context) const {
    Status s = *this;
    if (!s.ok()) s.message_ = context + ": " + s.message_;
    return s;
  }

  // One line: "<object>: <message> (SQLSTATE xxxxx)", parts omitted when empty.
  std::string ToString() const;

 private:
  Status(StatusCode code, std::string msg) : code_(code), message_(std::move(msg)) {}

  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string sqlstate_;
  std::string object_;
};

// Either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    assert(!status_.ok() && "a Result built from a Status must carry an error");
    if (status_.ok()) status_ = Status::Internal("Result constructed from an OK status");
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

// The C library's text for an errno value (e.g. "No such file or directory"); unlike
// std::strerror, safe to call from several threads at once.
std::string ErrnoText(int err);

}  // namespace libdump

#define LIBDUMP_CONCAT_INNER_(a, b) a##b
#define LIBDUMP_CONCAT_(a, b) LIBDUMP_CONCAT_INNER_(a, b)

// Returns from the enclosing function when `expr` (a Status) is not OK.
#define RETURN_IF_ERROR(expr)                          \
  do {                                                 \
    ::libdump::Status libdump_status_ = (expr);        \
    if (!libdump_status_.ok()) return libdump_status_; \
  } while (0)

// Declares or assigns `lhs` from a Result-valued `expr`, returning its Status on error.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(LIBDUMP_CONCAT_(libdump_result_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                           \
  if (!tmp.ok()) return tmp.status();          \
  lhs = std::move(tmp).value()

#endif  // LIBDUMP_STATUS_H_
