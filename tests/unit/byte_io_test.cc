// ByteSink and ByteSource implementations: memory, file descriptors, pipes, and the atomic file
// sink's temporary-name-then-rename contract.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "archive_test_util.h"

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
