// pg::QuoteIdent against the server's own keyword list: a name is written bare exactly when the
// server reads it back as itself, as its quote_ident() decides (and pg_dump's scripts write).
#include <gtest/gtest.h>

#include <string>

#include "pg/pg.h"
#include "pg/quote.h"
#include "tools.h"

namespace ndump_test {
namespace {

TEST(QuoteKeywords, QuotedExactlyAsTheServersQuoteIdent) {
  libdump::ConnectionOptions options;
  options.dbname = Cluster().ConnInfo(Cluster().CreateDatabase("keywords"));
  auto conn = libdump::pg::PgConn::Connect(options, "");
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  // Every keyword, a few plain names, and names needing quotes for their characters.
  auto rows = (*conn)->Query(
      "SELECT w, quote_ident(w) FROM (SELECT word FROM pg_get_keywords() UNION ALL "
      "VALUES ('orders'), ('_x1'), ('a$b'), ('Mixed'), ('1st'), ('with space'), ('q\"q'), "
      "('caf\u00e9'), ('')) AS k(w) ORDER BY 1");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_GT(rows->rows(), 400);
  for (int i = 0; i < rows->rows(); ++i) {
    const std::string word = rows->GetString(i, 0);
    EXPECT_EQ(libdump::pg::QuoteIdent(word), rows->GetString(i, 1)) << word;
  }
  {
    const libdump::pg::QuoteAllIdentifiersScope all(true);
    EXPECT_EQ(libdump::pg::QuoteIdent("orders"), "\"orders\"");
    EXPECT_EQ(libdump::pg::QualifiedName("app", "orders"), "\"app\".\"orders\"");
  }
  EXPECT_EQ(libdump::pg::QualifiedName("app", "orders"), "app.orders");
  EXPECT_EQ(libdump::pg::QualifiedName("App", "select"), "\"App\".\"select\"");
}

}  // namespace
}  // namespace ndump_test
