// Contract (e) and the other manners of a library inside someone else's process: it writes
// nothing to stdout or stderr (its events go to the Observer), installs no signal handlers and
// changes no signal mask, and leaves no threads running.
#include <signal.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "api_util.h"
#include "libdump/dump.h"
#include "libdump/format/archive.h"
#include "libdump/restore.h"
#include "libdump/version.h"

namespace ndump_api_test {
namespace {

// The disposition of every standard signal, and this thread's signal mask.
struct SignalState {
  std::vector<std::pair<int, uintptr_t>> handlers;
  std::vector<int> blocked;

  static SignalState Now() {
    SignalState s;
    for (int sig = 1; sig < NSIG; ++sig) {
      if (sig == SIGKILL || sig == SIGSTOP) continue;
      struct sigaction sa {};
      if (sigaction(sig, nullptr, &sa) != 0) continue;
      s.handlers.emplace_back(sig, reinterpret_cast<uintptr_t>(sa.sa_handler));
    }
    sigset_t mask;
    sigemptyset(&mask);
    pthread_sigmask(SIG_BLOCK, nullptr, &mask);
    for (int sig = 1; sig < NSIG; ++sig) {
      if (sigismember(&mask, sig) == 1) s.blocked.push_back(sig);
    }
    return s;
  }
  bool operator==(const SignalState&) const = default;
};

TEST(ApiHost, DumpListVerifyRestoreWriteNothingAndTouchNoSignals) {
  const std::string src = NewLoadedDatabase("foundation.sql", "quiet_src");
  const std::string copy = Cluster().CreateDatabase("quiet_copy");
  const SignalState signals_before = SignalState::Now();
  const int threads_before = ThreadCount();

  // Nothing that prints (gtest assertions included) runs while fds 1 and 2 are captured.
  CapturedStdio captured;
  libdump::MemorySink sink;
  libdump::DumpOptions dump_options;
  dump_options.connection = Conn(src);
  dump_options.jobs = 2;
  auto dumped = libdump::Dump(dump_options, &sink);

  libdump::MemorySource list_source(sink.data());
  auto listed = libdump::ListArchive(&list_source);

  libdump::MemorySource verify_source(sink.data());
  auto reader = libdump::format::ArchiveReader::Open(&verify_source);
  libdump::Status verified = reader.ok() ? (*reader)->LoadIndex() : reader.status();
  if (verified.ok()) verified = (*reader)->Verify(nullptr);

  libdump::MemorySource restore_source(sink.data());
  libdump::RestoreOptions restore_options;
  restore_options.connection = Conn(copy);
  restore_options.jobs = 2;
  auto restored = libdump::Restore(restore_options, &restore_source);

  // Failures must be as quiet as successes: a database that does not exist, and garbage.
  libdump::DumpOptions missing;
  missing.connection = Conn("no_such_database_here");
  libdump::MemorySink unused;
  auto failed_dump = libdump::Dump(missing, &unused);
  libdump::MemorySource garbage(std::string(4096, 'x'));
  auto failed_restore = libdump::Restore(restore_options, &garbage);
  const std::string output = captured.Stop();

  EXPECT_EQ(output, "") << "the library wrote to stdout or stderr";
  ASSERT_TRUE(dumped.ok()) << Describe(dumped.status());
  EXPECT_TRUE(listed.ok()) << Describe(listed.status());
  EXPECT_TRUE(verified.ok()) << Describe(verified);
  ASSERT_TRUE(restored.ok()) << Describe(restored.status());
  EXPECT_EQ(failed_dump.status().code(), libdump::StatusCode::kConnectionFailed)
      << Describe(failed_dump.status());
  EXPECT_EQ(failed_restore.status().code(), libdump::StatusCode::kCorruption)
      << Describe(failed_restore.status());
  EXPECT_TRUE(SignalState::Now() == signals_before) << "signal handlers or mask changed";
  EXPECT_EQ(ThreadCount(), threads_before);
  EXPECT_SAME_DATABASE(src, copy);
}

// Server messages (NOTICE, WARNING) must not reach stderr either: libpq prints them there unless
// the connection's notice processor is replaced. The archive is built with the public format API
// so that its one entry makes the server raise a WARNING while it is restored.
TEST(ApiHost, ServerWarningsDuringRestoreAreNotPrinted) {
  libdump::format::ArchiveHeader header;
  header.tool_version = std::string("ndump_api_test ") + LIBDUMP_VERSION;
  header.server_version = "15.0";
  header.server_version_num = 150000;
  header.database = "handmade";
  header.encoding = "UTF8";
  libdump::format::TocEntry entry;
  entry.dump_id = 1;
  entry.kind = "TABLE";
  entry.section = libdump::format::Section::kPreData;
  entry.schema = "public";
  entry.name = "noisy";
  entry.create_sql =
      "DO $$ BEGIN RAISE WARNING 'a warning raised by the archive'; END $$;\n"
      "CREATE TABLE public.noisy (a integer);\n";
  entry.drop_sql = "DROP TABLE public.noisy;\n";
  libdump::MemorySink sink;
  auto writer = libdump::format::ArchiveWriter::Create(&sink, header, {entry},
                                                       libdump::format::WriterOptions{});
  ASSERT_TRUE(writer.ok()) << Describe(writer.status());
  ASSERT_TRUE((*writer)->Finish().ok());

  const std::string target = Cluster().CreateDatabase("noisy");
  CapturedStdio captured;
  libdump::MemorySource source(sink.data());
  libdump::RestoreOptions options;
  options.connection = Conn(target);
  auto restored = libdump::Restore(options, &source);
  const std::string output = captured.Stop();

  ASSERT_TRUE(restored.ok()) << Describe(restored.status());
  EXPECT_EQ(Cluster().Query(target, "SELECT count(*) FROM public.noisy"), "0");
  EXPECT_EQ(output, "") << "the library wrote to stdout or stderr";
}

// A server that sends messages while a connection is being established (here: a database whose
// client_min_messages is debug5) must not reach libpq's default notice processor, which prints to
// stderr: the library installs its own before the handshake (PQconnectStartParams).
TEST(ApiHost, ServerMessagesDuringConnectionAreNotPrinted) {
  const std::string src = NewLoadedDatabase("foundation.sql", "chatty");
  ASSERT_TRUE(
      Cluster().Psql("postgres", "ALTER DATABASE " + src + " SET client_min_messages = debug5"));
  CapturedStdio captured;
  libdump::MemorySink sink;
  libdump::DumpOptions options;
  options.connection = Conn(src);
  auto dumped = libdump::Dump(options, &sink);
  const std::string output = captured.Stop();
  ASSERT_TRUE(dumped.ok()) << Describe(dumped.status());
  EXPECT_EQ(output, "") << "the library wrote to stdout or stderr";
}

}  // namespace
}  // namespace ndump_api_test
