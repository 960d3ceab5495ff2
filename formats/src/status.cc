#include "libdump/status.h"

#include <cstring>

namespace libdump {

namespace {

// strerror_r comes in a GNU flavour (returns the text) and an XSI flavour (fills the buffer);
// overloading on the return type picks whichever the C library provides.
[[maybe_unused]] std::string StrerrorText(const char* text, const char* /*buf*/) { return text; }
[[maybe_unused]] std::string StrerrorText(int rc, const char* buf) {
  return rc == 0 ? std::string(buf) : std::string("unknown error");
}

}  // namespace

std::string ErrnoText(int err) {
  char buf[256] = {};
  return StrerrorText(strerror_r(err, buf, sizeof buf), buf);
}

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
    case StatusCode::kUnsupportedServer:
      return "unsupported_server";
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
