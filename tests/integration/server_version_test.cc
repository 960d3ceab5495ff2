// Servers outside the supported range (docs/versions.md): ndump refuses a server newer than the
// newest major version it knows, and one older than 12, with exit 1, a message naming
// both versions, and no output file. No such PostgreSQL is installed here, so a stand-in speaks
// just enough of the wire protocol on a Unix socket of a temp dir: it accepts the startup
// message, reports the server_version it is given, and answers every query with "SET".
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tools.h"

namespace ndump_test {
namespace {

class FakeServer {
 public:
  FakeServer(const std::string& dir, int port, std::string version) : version_(std::move(version)) {
    path_ = dir + "/.s.PGSQL." + std::to_string(port);
    listen_fd_ = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path_.c_str(), sizeof(addr.sun_path) - 1);
    ok_ = listen_fd_ >= 0 &&
          bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
          listen(listen_fd_, 4) == 0;
    if (ok_) thread_ = std::thread([this] { Serve(); });
  }
  ~FakeServer() {
    stop_ = true;
    shutdown(listen_fd_, SHUT_RDWR);
    close(listen_fd_);
    if (thread_.joinable()) thread_.join();
    unlink(path_.c_str());
  }
  bool ok() const { return ok_; }

 private:
  static void Put32(std::string* s, uint32_t v) {
    const uint32_t n = htonl(v);
    s->append(reinterpret_cast<const char*>(&n), 4);
  }
  static void Message(std::string* out, char type, const std::string& body) {
    out->push_back(type);
    Put32(out, static_cast<uint32_t>(body.size() + 4));
    out->append(body);
  }
  static bool ReadFull(int fd, char* buf, size_t n) {
    while (n > 0) {
      const ssize_t r = read(fd, buf, n);
      if (r <= 0) return false;
      buf += r;
      n -= static_cast<size_t>(r);
    }
    return true;
  }
  static uint32_t Get32(const char* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return ntohl(v);
  }

  void Serve() {
    while (!stop_) {
      const int fd = accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      Session(fd);
      close(fd);
    }
  }

  void Session(int fd) {
    char head[8];
    if (!ReadFull(fd, head, 4)) return;
    const uint32_t len = Get32(head);
    if (len < 8 || len > 10000) return;
    std::string startup(len - 4, '\0');
    if (!ReadFull(fd, startup.data(), startup.size())) return;
    std::string out;
    Message(&out, 'R', std::string("\0\0\0\0", 4));  // AuthenticationOk
    for (const auto& [k, v] : {std::pair<std::string, std::string>{"server_version", version_},
                               {"server_encoding", "UTF8"},
                               {"client_encoding", "UTF8"},
                               {"standard_conforming_strings", "on"},
                               {"integer_datetimes", "on"},
                               {"DateStyle", "ISO, MDY"}}) {
      Message(&out, 'S', k + '\0' + v + '\0');
    }
    Message(&out, 'K', std::string("\0\0\0\1\0\0\0\2", 8));
    Message(&out, 'Z', "I");
    if (write(fd, out.data(), out.size()) != static_cast<ssize_t>(out.size())) return;
    for (;;) {
      char type;
      if (!ReadFull(fd, &type, 1) || !ReadFull(fd, head, 4)) return;
      const uint32_t n = Get32(head);
      if (n < 4 || n > 1000000) return;
      std::string body(n - 4, '\0');
      if (!ReadFull(fd, body.data(), body.size())) return;
      if (type == 'X') return;
      std::string reply;
      Message(&reply, 'C', std::string("SET") + '\0');
      Message(&reply, 'Z', "I");
      if (write(fd, reply.data(), reply.size()) != static_cast<ssize_t>(reply.size())) return;
    }
  }

  std::string version_, path_;
  int listen_fd_ = -1;
  bool ok_ = false;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

std::string ConnInfo(const std::string& dir, int port) {
  return "host=" + dir + " port=" + std::to_string(port) + " user=nobody dbname=db";
}

TEST(ServerVersion, DumpFromANewerServerIsRefusedWithoutAFile) {
  ScopedTempDir dir;
  FakeServer server(dir.path(), 5491, "19.0");
  ASSERT_TRUE(server.ok());
  const std::string out = dir.File("new.ndump");
  CommandResult r = Ndump({"-d", ConnInfo(dir.path(), 5491), "-f", out});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_NE(r.err.find("server version 19.0 is newer than ndump supports (newest: 18)"),
            std::string::npos)
      << r.Describe();
  // Nothing was left beside the stand-in's socket: no archive, no partial file.
  EXPECT_EQ(dir.List(), std::vector<std::string>{".s.PGSQL.5491"});
}

TEST(ServerVersion, DumpFromAServerOlderThanTwelveIsRefused) {
  ScopedTempDir dir;
  FakeServer server(dir.path(), 5492, "11.22");
  ASSERT_TRUE(server.ok());
  CommandResult d = Ndump({"-d", ConnInfo(dir.path(), 5492), "-f", dir.File("old.ndump")});
  EXPECT_EQ(d.exit_code, 1) << d.Describe();
  EXPECT_NE(d.err.find("server version 11.22 is older than ndump supports (oldest: 12)"),
            std::string::npos)
      << d.Describe();
  EXPECT_FALSE(std::filesystem::exists(dir.File("old.ndump")));
}

}  // namespace
}  // namespace ndump_test
