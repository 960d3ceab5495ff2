// PgConn::QueryRows (libdump/src/pg): rows one at a time in libpq's single-row mode, as the
// catalog reader reads its largest result. On the test cluster, through the library's own
// connection class.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pg/pg.h"
#include "tools.h"

namespace ndump_test {
namespace {

std::unique_ptr<libdump::pg::PgConn> Connect(const std::string& db) {
  libdump::ConnectionOptions options;
  options.dbname = Cluster().ConnInfo(db);
  auto conn = libdump::pg::PgConn::Connect(options, "");
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  return conn.ok() ? std::move(*conn) : nullptr;
}

TEST(QueryRows, EveryRowInOrderEachInAResultOfItsOwn) {
  auto conn = Connect(Cluster().CreateDatabase("rows"));
  ASSERT_NE(conn, nullptr);
  std::vector<std::string> seen;
  libdump::Status st = conn->QueryRows(
      "SELECT g, CASE WHEN g % 2 = 0 THEN 'even' END FROM generate_series(1, 1000) g ORDER BY g",
      [&](const libdump::pg::PgResult& row) {
        EXPECT_EQ(row.rows(), 1);
        EXPECT_EQ(row.cols(), 2);
        seen.push_back(row.GetString(0, 0) + (row.IsNull(0, 1) ? "-" : row.GetString(0, 1)));
        return libdump::Status::Ok();
      });
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(seen.size(), 1000u);
  EXPECT_EQ(seen.front(), "1-");
  EXPECT_EQ(seen[1], "2even");
  EXPECT_EQ(seen.back(), "1000even");

  // No rows: no call, and success.
  int calls = 0;
  st = conn->QueryRows("SELECT 1 WHERE false", [&](const libdump::pg::PgResult&) {
    ++calls;
    return libdump::Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(calls, 0);
}

TEST(QueryRows, ErrorsLeaveTheConnectionReady) {
  auto conn = Connect(Cluster().CreateDatabase("rows"));
  ASSERT_NE(conn, nullptr);
  // The callback's error: returned, no more calls, the rest of the result read.
  int calls = 0;
  libdump::Status st = conn->QueryRows(
      "SELECT g FROM generate_series(1, 100) g", [&](const libdump::pg::PgResult& row) {
        ++calls;
        return row.GetInt(0, 0) == 3 ? libdump::Status::Corruption("stop at 3")
                                     : libdump::Status::Ok();
      });
  EXPECT_EQ(st.code(), libdump::StatusCode::kCorruption) << st.ToString();
  EXPECT_EQ(calls, 3);
  // A server error after some rows (division by zero at the third): the rows before it were
  // delivered, the error is the server's.
  calls = 0;
  st = conn->QueryRows("SELECT 10 / (3 - g) FROM generate_series(1, 5) g",
                       [&](const libdump::pg::PgResult&) {
                         ++calls;
                         return libdump::Status::Ok();
                       });
  EXPECT_EQ(st.code(), libdump::StatusCode::kServerError) << st.ToString();
  EXPECT_EQ(st.sqlstate(), "22012");
  EXPECT_EQ(calls, 2);
  // A syntax error: nothing delivered.
  st = conn->QueryRows("SELEC 1", [&](const libdump::pg::PgResult&) {
    ADD_FAILURE() << "no row expected";
    return libdump::Status::Ok();
  });
  EXPECT_EQ(st.sqlstate(), "42601");
  // The connection still works.
  auto r = conn->Query("SELECT 42");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->GetString(0, 0), "42");
}

}  // namespace
}  // namespace ndump_test
