// ByteSink and ByteSource implementations: memory, file descriptors, pipes, and the atomic file
// sink's temporary-name-then-rename contract.
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "archive_test_util.h"
#include "ndump_test/special_files.h"

namespace libdump::format::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// A fresh directory under /tmp, removed with its files afterwards.
class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ndump_byte_io_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    for (const std::string& name : List()) ::unlink((dir_ + "/" + name).c_str());
    ::rmdir(dir_.c_str());
  }

  std::vector<std::string> List() const {
    std::vector<std::string> names;
    DIR* d = ::opendir(dir_.c_str());
    if (d == nullptr) return names;
    while (const dirent* e = ::readdir(d)) {
      const std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(n);
    }
    ::closedir(d);
    return names;
  }

  static std::string Slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  static bool WriteFileForTest(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
    return static_cast<bool>(out.flush());
  }

  std::string dir_;
};

using FileSinkTest = TempDirTest;

TEST_F(FileSinkTest, UncommittedLeavesNoFile) {
  const std::string path = dir_ + "/a.ndump";
  {
    auto sink = OpenFileSink(path);
    ASSERT_TRUE(sink.ok()) << sink.status().ToString();
    ASSERT_TRUE((*sink)->Write("abc", 3).ok());
    EXPECT_EQ((*sink)->Describe(), path);
    const std::vector<std::string> during = List();
    ASSERT_EQ(during.size(), 1u);
    EXPECT_THAT(during[0], StartsWith("a.ndump.partial."));
    EXPECT_NE(::access(path.c_str(), F_OK), 0);
  }
  EXPECT_TRUE(List().empty());
}

TEST_F(FileSinkTest, CommitRenamesToTheFinalName) {
  const std::string path = dir_ + "/b.ndump";
  {
    auto sink = OpenFileSink(path);
    ASSERT_TRUE(sink.ok());
    ASSERT_TRUE((*sink)->Write("hello ", 6).ok());
    ASSERT_TRUE((*sink)->Flush().ok());
    ASSERT_TRUE((*sink)->Write("world", 5).ok());
    ASSERT_TRUE((*sink)->Commit().ok());
    EXPECT_TRUE((*sink)->Commit().ok());  // idempotent
    EXPECT_EQ((*sink)->Write("x", 1).code(), StatusCode::kIoError);
  }
  EXPECT_EQ(List(), std::vector<std::string>{"b.ndump"});
  EXPECT_EQ(Slurp(path), "hello world");
}

TEST_F(FileSinkTest, TwoSinksForOnePathGetDistinctTemporaries) {
  const std::string path = dir_ + "/c.ndump";
  auto a = OpenFileSink(path);
  auto b = OpenFileSink(path);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(List().size(), 2u);
}

TEST_F(FileSinkTest, MissingDirectoryIsNotFound) {
  const std::string path = dir_ + "/no/such/dir/x.ndump";
  EXPECT_ERROR(OpenFileSink(path), StatusCode::kNotFound, dir_ + "/no/such/dir/x.ndump.partial.");
  EXPECT_ERROR(OpenFileSink(path), StatusCode::kNotFound, "No such file or directory");
}

// --- Outputs that are not regular files (issue 15.1) -------------------------------------------
// A device, a FIFO or a link must stay what it is and receive the bytes: renaming a temporary
// over it would put a regular file in its place. Every node is made in the test's own directory;
// no test touches a system path.

// The small test archive, written through `sink` and committed.
void WriteSmallArchive(ByteSink* sink) {
  auto w = ArchiveWriter::Create(sink, TestHeader(), SmallToc(), WriterOptions());
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  for (const EntryContent& c : SmallContent()) {
    auto s = (*w)->OpenStream(c.dump_id);
    ASSERT_TRUE(s.ok());
    for (const std::string& b : c.blocks) ASSERT_TRUE((*s)->AppendBlock(b, 1).ok());
    ASSERT_TRUE((*s)->Close().ok());
  }
  ASSERT_TRUE((*w)->Finish().ok());
}

using OutputKindTest = TempDirTest;

TEST_F(OutputKindTest, CharDeviceIsWrittenNotReplaced) {
  // Major 1, minor 3 is the null device: writes to it succeed and vanish.
  const std::string dev = dir_ + "/null";
  ASSERT_TRUE(ndump_test::MakeNullDevice(dev));
  for (const bool commit : {true, false}) {
    SCOPED_TRACE(commit ? "committed" : "abandoned");
    {
      auto sink = OpenFileSink(dev);
      ASSERT_TRUE(sink.ok()) << sink.status().ToString();
      EXPECT_EQ((*sink)->Describe(), dev);
      if (commit) {
        WriteSmallArchive(sink->get());
      } else {
        ASSERT_TRUE((*sink)->Write("abc", 3).ok());
      }
      EXPECT_EQ(List(), std::vector<std::string>{"null"}) << "a temporary file was made";
    }
    struct stat st;
    ASSERT_EQ(::lstat(dev.c_str(), &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode)) << "the device was replaced";
    EXPECT_EQ(st.st_rdev, ::makedev(1, 3));
    EXPECT_EQ(List(), std::vector<std::string>{"null"});
  }
  // --no-sync takes the same path.
  auto sink = OpenFileSink(dev, /*sync=*/false);
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  ASSERT_TRUE((*sink)->Write("abc", 3).ok());
  EXPECT_TRUE((*sink)->Commit().ok());
}

TEST_F(OutputKindTest, FifoReaderGetsTheWholeArchive) {
  const std::string fifo = dir_ + "/out.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0) << std::strerror(errno);
  ndump_test::FifoReader reader(fifo, std::chrono::seconds(10));
  ASSERT_TRUE(reader.opened()) << std::strerror(errno);
  {
    auto sink = OpenFileSink(fifo);
    ASSERT_TRUE(sink.ok()) << sink.status().ToString();
    WriteSmallArchive(sink->get());
  }  // closing the sink ends the reader's stream
  ASSERT_TRUE(reader.Join()) << "the FIFO's reader got no complete stream ("
                             << reader.bytes().size() << " bytes)";
  EXPECT_TRUE(OpenAndVerify(reader.bytes(), /*seekable=*/false).ok());
  struct stat st;
  ASSERT_EQ(::lstat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode)) << "the FIFO was replaced";
  EXPECT_EQ(List(), std::vector<std::string>{"out.fifo"});
}

TEST_F(OutputKindTest, SymlinkToAFileRewritesTheTargetAndKeepsTheLink) {
  const std::string real = dir_ + "/real.ndump";
  const std::string link = dir_ + "/link.ndump";
  ASSERT_TRUE(WriteFileForTest(real, "old contents"));
  ASSERT_EQ(::symlink("real.ndump", link.c_str()), 0);  // relative, as ln -s makes it
  {
    auto sink = OpenFileSink(link);
    ASSERT_TRUE(sink.ok()) << sink.status().ToString();
    EXPECT_EQ((*sink)->Describe(), link);
    ASSERT_TRUE((*sink)->Write("new", 3).ok());
    // The temporary lies beside the target, so that the rename stays in one directory.
    std::vector<std::string> during = List();
    std::sort(during.begin(), during.end());
    ASSERT_EQ(during.size(), 3u);
    EXPECT_EQ(during[0], "link.ndump");
    EXPECT_EQ(during[1], "real.ndump");
    EXPECT_THAT(during[2], StartsWith("real.ndump.partial."));
    EXPECT_EQ(Slurp(real), "old contents");  // untouched until the commit
    ASSERT_TRUE((*sink)->Commit().ok());
  }
  struct stat st;
  ASSERT_EQ(::lstat(link.c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode)) << "the link was replaced";
  EXPECT_EQ(Slurp(real), "new");
  EXPECT_EQ(Slurp(link), "new");
  std::vector<std::string> after = List();
  std::sort(after.begin(), after.end());
  EXPECT_EQ(after, (std::vector<std::string>{"link.ndump", "real.ndump"}));
}

TEST_F(OutputKindTest, AbandonedOutputThroughALinkLeavesTheTargetAlone) {
  const std::string real = dir_ + "/real.ndump";
  const std::string link = dir_ + "/link.ndump";
  ASSERT_TRUE(WriteFileForTest(real, "old contents"));
  ASSERT_EQ(::symlink(real.c_str(), link.c_str()), 0);  // absolute
  {
    auto sink = OpenFileSink(link);
    ASSERT_TRUE(sink.ok()) << sink.status().ToString();
    ASSERT_TRUE((*sink)->Write("partial", 7).ok());
  }
  EXPECT_EQ(Slurp(real), "old contents");
  std::vector<std::string> after = List();
  std::sort(after.begin(), after.end());
  EXPECT_EQ(after, (std::vector<std::string>{"link.ndump", "real.ndump"}));
}

TEST_F(OutputKindTest, DanglingLinkAndChainCreateTheFinalTarget) {
  // a -> b -> new.ndump, which does not exist yet: as open(O_CREAT) would, the commit creates
  // new.ndump, and both links stay.
  ASSERT_EQ(::symlink("b", (dir_ + "/a").c_str()), 0);
  ASSERT_EQ(::symlink("new.ndump", (dir_ + "/b").c_str()), 0);
  {
    auto sink = OpenFileSink(dir_ + "/a");
    ASSERT_TRUE(sink.ok()) << sink.status().ToString();
    ASSERT_TRUE((*sink)->Write("xyz", 3).ok());
    ASSERT_TRUE((*sink)->Commit().ok());
  }
  struct stat st;
  ASSERT_EQ(::lstat((dir_ + "/a").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  ASSERT_EQ(::lstat((dir_ + "/b").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  EXPECT_EQ(Slurp(dir_ + "/new.ndump"), "xyz");
}

TEST_F(OutputKindTest, SymlinkToAFifoWritesIntoTheFifo) {
  const std::string fifo = dir_ + "/out.fifo";
  const std::string link = dir_ + "/link.ndump";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0) << std::strerror(errno);
  ASSERT_EQ(::symlink("out.fifo", link.c_str()), 0);
  ndump_test::FifoReader reader(fifo, std::chrono::seconds(10));
  ASSERT_TRUE(reader.opened()) << std::strerror(errno);
  {
    auto sink = OpenFileSink(link);
    ASSERT_TRUE(sink.ok()) << sink.status().ToString();
    WriteSmallArchive(sink->get());
  }
  ASSERT_TRUE(reader.Join()) << "the FIFO's reader got no complete stream";
  EXPECT_TRUE(OpenAndVerify(reader.bytes(), /*seekable=*/false).ok());
  struct stat st;
  ASSERT_EQ(::lstat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  ASSERT_EQ(::lstat(link.c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
}

TEST_F(OutputKindTest, SymlinkToACharDeviceKeepsBoth) {
  const std::string dev = dir_ + "/null";
  const std::string link = dir_ + "/link.ndump";
  ASSERT_TRUE(ndump_test::MakeNullDevice(dev));
  ASSERT_EQ(::symlink(dev.c_str(), link.c_str()), 0);
  {
    auto sink = OpenFileSink(link);
    ASSERT_TRUE(sink.ok()) << sink.status().ToString();
    WriteSmallArchive(sink->get());
  }
  struct stat st;
  ASSERT_EQ(::lstat(dev.c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  ASSERT_EQ(::lstat(link.c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  std::vector<std::string> after = List();
  std::sort(after.begin(), after.end());
  EXPECT_EQ(after, (std::vector<std::string>{"link.ndump", "null"}));
}

// A link to one of /proc's fd links (what /dev/stdout is) names no path by its text
// ("pipe:[1234]"): the kernel must follow it. The link lives in the test's directory and leads to
// the test's own pipe.
TEST_F(OutputKindTest, LinkToAProcFdLinkWritesIntoThatDescriptor) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const std::string link = dir_ + "/stdout-like";
  ASSERT_EQ(::symlink(("/proc/self/fd/" + std::to_string(fds[1])).c_str(), link.c_str()), 0);
  {
    auto sink = OpenFileSink(link);
    ASSERT_TRUE(sink.ok()) << sink.status().ToString();
    ASSERT_TRUE((*sink)->Write("hello", 5).ok());
    EXPECT_TRUE((*sink)->Commit().ok());
  }
  ::close(fds[1]);
  char buf[16];
  std::string got;
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;)
    got.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);
  EXPECT_EQ(got, "hello");
  EXPECT_EQ(List(), std::vector<std::string>{"stdout-like"});
}

TEST_F(OutputKindTest, DirectoriesAndLinkLoopsAreRefused) {
  const std::string sub = dir_ + "/sub";
  ASSERT_EQ(::mkdir(sub.c_str(), 0700), 0);
  EXPECT_ERROR(OpenFileSink(sub), StatusCode::kIoError, sub + ": it is a directory");
  ASSERT_EQ(::symlink("sub", (dir_ + "/to-dir").c_str()), 0);
  EXPECT_ERROR(OpenFileSink(dir_ + "/to-dir"), StatusCode::kIoError, "it is a directory");
  ASSERT_EQ(::symlink("loop2", (dir_ + "/loop1").c_str()), 0);
  ASSERT_EQ(::symlink("loop1", (dir_ + "/loop2").c_str()), 0);
  EXPECT_ERROR(OpenFileSink(dir_ + "/loop1"), StatusCode::kIoError, dir_ + "/loop1");
  ::rmdir(sub.c_str());
  std::vector<std::string> after = List();
  std::sort(after.begin(), after.end());
  EXPECT_EQ(after, (std::vector<std::string>{"loop1", "loop2", "to-dir"}));
}

TEST(FdSinkTest, FailedWriteNamesTheSinkAndTheReason) {
  const int fd = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
  if (fd < 0) GTEST_SKIP() << "/dev/full is not available";
  auto sink = FdSink(fd, "full-device");
  EXPECT_ERROR(sink->Write("abc", 3), StatusCode::kIoError, "write to full-device failed");
  EXPECT_ERROR(sink->Write("abc", 3), StatusCode::kIoError, "No space left on device");
  ::close(fd);
}

TEST(FdSinkTest, StdoutIsNotClosed) {
  {
    auto sink = OpenFileSink("-");
    ASSERT_TRUE(sink.ok());
    EXPECT_EQ((*sink)->Describe(), "stdout");
  }
  EXPECT_NE(::fcntl(STDOUT_FILENO, F_GETFD), -1);
}

using FileSourceTest = TempDirTest;

TEST_F(FileSourceTest, MissingFileIsNotFound) {
  EXPECT_ERROR(OpenFileSource(dir_ + "/missing.ndump"), StatusCode::kNotFound,
               "cannot open " + dir_ + "/missing.ndump");
  EXPECT_ERROR(OpenFileSource(dir_), StatusCode::kIoError, "is a directory");
}

TEST_F(FileSourceTest, ArchiveThroughRealFiles) {
  const std::string path = dir_ + "/d.ndump";
  {
    auto sink = OpenFileSink(path);
    ASSERT_TRUE(sink.ok());
    WriterOptions o;
    auto w = ArchiveWriter::Create(sink->get(), TestHeader(), SmallToc(), o);
    ASSERT_TRUE(w.ok());
    for (const EntryContent& c : SmallContent()) {
      auto s = (*w)->OpenStream(c.dump_id);
      ASSERT_TRUE(s.ok());
      for (const std::string& b : c.blocks) ASSERT_TRUE((*s)->AppendBlock(b, 1).ok());
      ASSERT_TRUE((*s)->Close().ok());
    }
    ASSERT_TRUE((*w)->Finish().ok());  // commits: the file appears under its name
  }
  EXPECT_EQ(List(), std::vector<std::string>{"d.ndump"});

  auto src = OpenFileSource(path);
  ASSERT_TRUE(src.ok());
  EXPECT_TRUE((*src)->Seekable());
  auto size = (*src)->Size();
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, Slurp(path).size());
  auto r = ArchiveReader::Open(src->get());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto data = ReadRandom(r->get());
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  EXPECT_EQ((*data)[7], CopyText(100, 4));
  EXPECT_TRUE((*r)->Verify(nullptr).ok());
}

TEST(PipeTest, ArchiveThroughAPipe) {
  WriterOptions o;
  o.compression = 1;
  const std::string bytes = WriteArchive(SmallToc(), SmallContent(), o);
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::thread writer([&] {
    auto sink = FdSink(fds[1], "pipe");
    // Small writes, so the reader sees short reads.
    for (size_t i = 0; i < bytes.size(); i += 7) {
      if (!sink->Write(bytes.data() + i, std::min<size_t>(7, bytes.size() - i)).ok()) break;
    }
    ::close(fds[1]);
  });
  auto src = FdSource(fds[0], "pipe");
  EXPECT_FALSE(src->Seekable());
  EXPECT_EQ(src->Size().status().code(), StatusCode::kUnsupported);
  auto r = ArchiveReader::Open(src.get());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto data = ReadSequential(r->get());
  writer.join();
  ::close(fds[0]);
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  EXPECT_EQ((*data)[42], CopyText(300, 1) + NoiseBytes(40, 2) + CopyText(200, 3));
}

TEST(MemoryIoTest, SourceReadsAndPositionalReads) {
  MemorySource src("0123456789");
  char buf[8];
  auto n = src.Read(buf, 4);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf, *n), "0123");
  n = src.ReadAt(8, buf, 8);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf, *n), "89");
  n = src.ReadAt(20, buf, 8);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0u);
  n = src.Read(buf, 8);  // the cursor is unaffected by ReadAt
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf, *n), "456789");
  n = src.Read(buf, 8);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0u);
  EXPECT_EQ(*src.Size(), 10u);
  src.set_seekable(false);
  EXPECT_EQ(src.Size().status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(src.ReadAt(0, buf, 1).status().code(), StatusCode::kUnsupported);
}

TEST(MemoryIoTest, ReadFullyReportsTruncation) {
  MemorySource src("abc");
  char buf[8];
  EXPECT_ERROR(ReadFully(&src, buf, 5, "widget"), StatusCode::kCorruption,
               "truncated widget (got 3 of 5 bytes)");
  EXPECT_ERROR(ReadFullyAt(&src, 1, buf, 5, "gadget"), StatusCode::kCorruption,
               "truncated gadget (got 2 of 5 bytes)");
  EXPECT_TRUE(ReadFullyAt(&src, 1, buf, 2, "gadget").ok());
  EXPECT_EQ(std::string(buf, 2), "bc");
}

TEST(MemoryIoTest, SinkCollects) {
  MemorySink sink;
  ASSERT_TRUE(sink.Write("ab", 2).ok());
  ASSERT_TRUE(sink.Write("c", 1).ok());
  EXPECT_EQ(sink.data(), "abc");
  EXPECT_FALSE(sink.committed());
  ASSERT_TRUE(sink.Commit().ok());
  EXPECT_TRUE(sink.committed());
}

}  // namespace
}  // namespace libdump::format::testing
