// The ways of naming a server and a database: -h/-p/-U with a database name, a conninfo string,
// a URI, the PG* environment variables alone, and passwords from PGPASSWORD or a password file.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "tools.h"

namespace ndump_test {
namespace {

std::string SmallDatabase(const std::string& hint = "src") {
  const std::string db = Cluster().CreateDatabase(hint);
  EXPECT_TRUE(Cluster().Psql(db, R"sql(
      CREATE SCHEMA s;
      CREATE TABLE s.t (id int PRIMARY KEY, v text, d date DEFAULT '2000-01-01');
      INSERT INTO s.t (id, v) SELECT g, 'value ' || g FROM generate_series(1, 50) g;
      CREATE INDEX t_v_idx ON s.t (v);
  )sql"));
  return db;
}

std::vector<std::string> HostPortUser() {
  return {"-h", Cluster().socket_dir(), "-p", std::to_string(Cluster().port()),
          "-U", Cluster().user()};
}

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// The environment points nowhere, so that only what the command line says can work.
RunOptions MisleadingEnvironment() {
  RunOptions options;
  options.env = {
      {"PGHOST", "/nonexistent"}, {"PGPORT", "1"}, {"PGUSER", "nobody"}, {"PGDATABASE", "nowhere"}};
  return options;
}

// A server that accepts the TCP connection but never answers: connect_timeout (from the conninfo
// or PGCONNECT_TIMEOUT) bounds the handshake, which libdump drives itself (PQconnectPoll).
TEST(Connection, ConnectTimeoutBoundsASilentServer) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 4), 0);  // the kernel completes handshakes; nothing ever reads
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const std::string port = std::to_string(ntohs(addr.sin_port));

  RunOptions options = MisleadingEnvironment();
  options.timeout_seconds = 60;
  const auto t0 = std::chrono::steady_clock::now();
  CommandResult r = Ndump(
      {"-d", "host=127.0.0.1 port=" + port + " dbname=x connect_timeout=3", "-f", "/dev/null"},
      options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ::close(fd);
  EXPECT_FALSE(r.timed_out);
  EXPECT_TRUE(IsToolError(r, "ndump", kExitConnection, {"timeout"}));
  EXPECT_GE(seconds, 2.5);
  EXPECT_LT(seconds, 30.0);
}

TEST(Connection, HostPortUserOptionsAndPositionalDatabaseName) {
  const std::string src = SmallDatabase();
  const std::string copy = Cluster().CreateDatabase("copy");
  ScopedTempDir dir;
  const std::string archive = dir.File("a.ndump");
  CommandResult r = Ndump(Concat(HostPortUser(), {src, "-f", archive}), MisleadingEnvironment());
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  r = Nrestore(Concat(HostPortUser(), {"-d", copy, archive}), MisleadingEnvironment());
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_SAME_DATABASE(src, copy);
}

TEST(Connection, DashDWithADatabaseName) {
  const std::string src = SmallDatabase();
  ScopedTempDir dir;
  const std::string archive = dir.File("a.ndump");
  CommandResult r =
      Ndump(Concat(HostPortUser(), {"-d", src, "-f", archive}), MisleadingEnvironment());
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
}

TEST(Connection, ConninfoString) {
  const std::string src = SmallDatabase();
  const std::string copy = Cluster().CreateDatabase("copy");
  ScopedTempDir dir;
  const std::string archive = dir.File("a.ndump");
  CommandResult r = Ndump({"-d", Cluster().ConnInfo(src), "-f", archive}, MisleadingEnvironment());
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  r = Nrestore({"-d", Cluster().ConnInfo(copy), archive}, MisleadingEnvironment());
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_SAME_DATABASE(src, copy);
}

TEST(Connection, Uri) {
  const std::string src = SmallDatabase();
  const std::string copy = Cluster().CreateDatabase("copy");
  ScopedTempDir dir;
  const std::string archive = dir.File("a.ndump");
  // As positional argument and as -d.
  CommandResult r = Ndump({Cluster().Uri(src), "-f", archive}, MisleadingEnvironment());
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  r = Nrestore({"-d", Cluster().Uri(copy), archive}, MisleadingEnvironment());
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_SAME_DATABASE(src, copy);
  const std::string short_uri = "postgresql:///" + src + "?host=" + Cluster().socket_dir() +
                                "&port=" + std::to_string(Cluster().port());
  r = Ndump({"-d", short_uri, "-U", Cluster().user(), "-f", dir.File("b.ndump")},
            MisleadingEnvironment());
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
}

TEST(Connection, EnvironmentVariablesAlone) {
  const std::string src = SmallDatabase();
  const std::string copy = Cluster().CreateDatabase("copy");
  ScopedTempDir dir;
  const std::string archive = dir.File("a.ndump");
  RunOptions env;
  env.env = Cluster().PgEnv();
  CommandResult r = Ndump({src, "-f", archive}, env);
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  r = Nrestore({"-d", copy, archive}, env);
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_SAME_DATABASE(src, copy);
}

TEST(Connection, OptionsOverrideTheEnvironment) {
  const std::string src = SmallDatabase();
  ScopedTempDir dir;
  RunOptions env;
  env.env = Cluster().PgEnv();
  // PGPORT is right but -p is wrong: the option must win, so this fails to connect.
  CommandResult r = Ndump({"-p", "1", src, "-f", dir.File("a.ndump")}, env);
  EXPECT_TRUE(IsToolError(r, "ndump", kExitConnection));
  EXPECT_TRUE(dir.List().empty());
}

TEST(Connection, DatabaseNameWithSpacesQuotesAndUnicode) {
  const std::string src = "Ünï db \"quoted\" 'single' x";
  ASSERT_TRUE(Cluster().CreateDatabaseNamed(src));
  ASSERT_TRUE(Cluster().Psql(src, "CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2);"));
  const std::string copy = "copy of " + src;
  ASSERT_TRUE(Cluster().CreateDatabaseNamed(copy));
  ScopedTempDir dir;
  const std::string archive = dir.File("a.ndump");
  CommandResult r = Ndump(Concat(HostPortUser(), {src, "-f", archive}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  r = Nrestore(Concat(HostPortUser(), {"-d", copy, archive}));
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_SAME_DATABASE(src, copy);
}

// Password tests: members of ndt_password must authenticate with scram-sha-256 (see
// TestCluster). The role is a superuser so that it may read everything it dumps.
class PasswordTest : public ::testing::Test {
 protected:
  void SetUp() override {
    src_ = SmallDatabase();
    role_ = "pw_" + src_;
    ASSERT_TRUE(Cluster().Psql("postgres", "CREATE ROLE \"" + role_ +
                                               "\" LOGIN SUPERUSER PASSWORD 'p:w\\d x' IN ROLE"
                                               " ndt_password"));
  }
  void TearDown() override {
    EXPECT_TRUE(Cluster().Psql("postgres", "DROP ROLE \"" + role_ + "\""));
  }

  std::vector<std::string> DumpArgs() {
    return {"-w", "-h", Cluster().socket_dir(), "-p", std::to_string(Cluster().port()), "-U", role_,
            src_, "-f", dir_.File("a.ndump")};
  }
  void ExpectRestorable() {
    const std::string copy = Cluster().CreateDatabase("copy");
    ASSERT_TRUE(RestoreFrom(copy, dir_.File("a.ndump")));
    EXPECT_SAME_DATABASE(src_, copy);
  }

  std::string src_;
  std::string role_;
  ScopedTempDir dir_;
};

TEST_F(PasswordTest, FromPasswordFile) {
  const std::string pgpass = dir_.File("pgpass");
  // ':' and '\' in a password file field are escaped with a backslash.
  ASSERT_TRUE(WriteFile(pgpass, "*:*:*:" + role_ + ":p\\:w\\\\d x\n"));
  ASSERT_EQ(chmod(pgpass.c_str(), 0600), 0);
  RunOptions env;
  env.env = {{"PGPASSFILE", pgpass}};
  CommandResult r = Ndump(DumpArgs(), env);
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ExpectRestorable();
}

TEST_F(PasswordTest, FromPGPASSWORD) {
  RunOptions env;
  env.env = {{"PGPASSWORD", "p:w\\d x"}, {"PGPASSFILE", "/nonexistent"}};
  CommandResult r = Ndump(DumpArgs(), env);
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ExpectRestorable();
}

TEST_F(PasswordTest, NoPasswordWithDashWFailsWithoutPrompting) {
  RunOptions env;
  env.env = {{"PGPASSFILE", "/nonexistent"}};
  env.timeout_seconds = 60;
  CommandResult r = Ndump(DumpArgs(), env);
  EXPECT_FALSE(r.timed_out);
  EXPECT_TRUE(IsToolError(r, "ndump", kExitConnection, {"password"}));
  EXPECT_EQ(dir_.List().size(), 0u);
}

TEST_F(PasswordTest, WrongPassword) {
  RunOptions env;
  env.env = {{"PGPASSWORD", "wrong"}, {"PGPASSFILE", "/nonexistent"}};
  CommandResult r = Ndump(DumpArgs(), env);
  EXPECT_TRUE(IsToolError(r, "ndump", kExitConnection, {"password", "authentication"}));
  EXPECT_EQ(dir_.List().size(), 0u);
}

}  // namespace
}  // namespace ndump_test
