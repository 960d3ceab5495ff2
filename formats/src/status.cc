#include "libdump/status.h"

namespace libdump {

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidArgument:
      return "invalid_argument";
    case StatusCode::kNotFound:
      return "not_found";
    case StatusCode::kIoError:
      return "io_error";
    case StatusCode::kCorruption:
      return "corruption";
    case StatusCode::kUnsupported:
      return "unsupported";
    case StatusCode::kConnectionFailed:
      return "connection_failed";
    case StatusCode::kServerError:
      return "server_error";
    case StatusCode::kCancelled:
      return "cancelled";
    case StatusCode::kInternal:
      return "internal";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string s;
  if (!object_.empty()) {
    s += object_;
    s += ": ";
  }
  // An error without a message still says what kind of error it is.
  s += message_.empty() ? std::string(StatusCodeName(code_)) : message_;
  if (!sqlstate_.empty()) {
    s += " (SQLSTATE ";
    s += sqlstate_;
    s += ")";
  }
  return s;
}

}  // namespace libdump
