// Status and Result basics: the names and strings other layers show to users.
#include "libdump/status.h"

#include <cerrno>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace libdump {
namespace {

TEST(StatusTest, CodeNamesAreStable) {
  EXPECT_STREQ(StatusCodeName(StatusCode::kOk), "ok");
  EXPECT_STREQ(StatusCodeName(StatusCode::kInvalidArgument), "invalid_argument");
  EXPECT_STREQ(StatusCodeName(StatusCode::kNotFound), "not_found");
  EXPECT_STREQ(StatusCodeName(StatusCode::kIoError), "io_error");
  EXPECT_STREQ(StatusCodeName(StatusCode::kCorruption), "corruption");
  EXPECT_STREQ(StatusCodeName(StatusCode::kUnsupported), "unsupported");
  EXPECT_STREQ(StatusCodeName(StatusCode::kConnectionFailed), "connection_failed");
  EXPECT_STREQ(StatusCodeName(StatusCode::kServerError), "server_error");
  EXPECT_STREQ(StatusCodeName(StatusCode::kCancelled), "cancelled");
  EXPECT_STREQ(StatusCodeName(StatusCode::kInternal), "internal");
  EXPECT_STREQ(StatusCodeName(StatusCode::kUnsupportedServer), "unsupported_server");
}

TEST(StatusTest, ToString) {
  EXPECT_EQ(Status::Ok().ToString(), "OK");
  EXPECT_EQ(Status::Corruption("bad block").ToString(), "bad block");
  EXPECT_EQ(Status::Corruption("bad block").WithObject("TABLE DATA s.t").ToString(),
            "TABLE DATA s.t: bad block");
  EXPECT_EQ(Status::ServerError("relation does not exist", "42P01")
                .WithObject("TABLE s.t")
                .WithContext("COPY")
                .ToString(),
            "TABLE s.t: COPY: relation does not exist (SQLSTATE 42P01)");
  EXPECT_EQ(Status::IoError("").ToString(), "io_error");
}

TEST(StatusTest, WithObjectKeepsTheFirstName) {
  const Status s = Status::NotFound("gone").WithObject("inner").WithObject("outer");
  EXPECT_EQ(s.object(), "inner");
  EXPECT_TRUE(Status::Ok().WithObject("x").object().empty());
  EXPECT_TRUE(Status::Ok().WithContext("x").message().empty());
}

Result<int> Half(int v) {
  if (v % 2 != 0) return Status::InvalidArgument("odd");
  return v / 2;
}

Status Quarter(int v, int* out) {
  ASSIGN_OR_RETURN(const int h, Half(v));
  ASSIGN_OR_RETURN(*out, Half(h));
  RETURN_IF_ERROR(Status::Ok());
  return Status::Ok();
}

TEST(StatusTest, Macros) {
  int q = 0;
  EXPECT_TRUE(Quarter(8, &q).ok());
  EXPECT_EQ(q, 2);
  const Status s = Quarter(6, &q);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "odd");
}

TEST(ErrnoText, NamesTheErrorFromAnyThread) {
  EXPECT_EQ(ErrnoText(ENOENT), "No such file or directory");
  std::vector<std::string> seen(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&seen, i] {
      const int err = i % 2 ? EACCES : ENOSPC;
      for (int n = 0; n < 1000; ++n) seen[i] = ErrnoText(err);
    });
  }
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i], i % 2 ? "Permission denied" : "No space left on device");
  }
}

}  // namespace
}  // namespace libdump
