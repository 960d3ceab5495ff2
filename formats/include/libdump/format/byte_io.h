// ByteSink and ByteSource: the only way archive bytes enter or leave libdump.
//
// Every archive reader and writer works on these interfaces, so the same code writes to a file, a
// pipe, memory, or an application's own storage. Format tests run entirely in memory, and an
// error-injecting sink exercises every failure path.
//
// Thread safety: a sink or source is used by one thread at a time (the archive writer serializes
// its calls), except ByteSource::ReadAt on a seekable source, which must be safe to call from
// several threads at once (positional reads, no shared cursor).
#ifndef LIBDUMP_FORMAT_BYTE_IO_H_
#define LIBDUMP_FORMAT_BYTE_IO_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "libdump/status.h"

namespace libdump {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  // Appends all `n` bytes or fails. Never writes a part and reports success.
  virtual Status Write(const void* data, size_t n) = 0;
  // Makes everything written so far durable where that means something (fsync for files).
  virtual Status Flush() { return Status::Ok(); }
  // Marks the output complete. For an atomic file sink this is the rename to the final name; a
  // sink destroyed without a successful Commit() leaves no file under the final name.
  virtual Status Commit() { return Flush(); }
  // A name for messages, e.g. the path or "stdout".
  virtual std::string Describe() const = 0;
};

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `n` bytes at the cursor. Returns 0 only at end of input.
  virtual Result<size_t> Read(void* buf, size_t n) = 0;
  // True when ReadAt and Size work (a regular file or memory), false for pipes.
  virtual bool Seekable() const { return false; }
  // Total size; only for seekable sources.
  virtual Result<uint64_t> Size() const {
    return Status::Unsupported(Describe() + " is not seekable");
  }
  // Positional read of up to `n` bytes at `offset`, independent of the cursor; thread-safe.
  virtual Result<size_t> ReadAt(uint64_t offset, void* buf, size_t n) const {
    (void)offset;
    (void)buf;
    (void)n;
    return Status::Unsupported(Describe() + " is not seekable");
  }
  virtual std::string Describe() const = 0;
};

// Reads exactly `n` bytes or fails with kCorruption ("truncated") naming `what`.
Status ReadFully(ByteSource* src, void* buf, size_t n, std::string_view what);
Status ReadFullyAt(const ByteSource* src, uint64_t offset, void* buf, size_t n,
                   std::string_view what);

// An output file, written the way its path calls for ("-" means standard output: no rename,
// Commit() only flushes). Symbolic links in the last component are followed first, so a link
// is kept and what it points at gets the bytes; then:
// - A regular file, or no file yet: written under a temporary name beside it
//   (`<file>.partial.<random>`) and renamed over it by Commit(). Destroying the sink uncommitted
//   removes the temporary, so the file never holds a partial archive. With `sync` (the default),
//   Commit() fsyncs the file before the rename and its directory after it, so that a reported
//   success survives a crash; `sync` false skips both (ndump --no-sync).
// - A character or block device, or a FIFO, whatever links lead to it (/dev/stdout and
//   /dev/fd/N included): opened and written directly (never replaced);
//   Commit() fsyncs with `sync`, where the file supports it. Opening a FIFO waits for a reader;
//   a signal that interrupts that wait gives kCancelled. Destroying the sink uncommitted leaves
//   what was written (a FIFO's reader sees the stream end early; an archive without its footer
//   is refused by every reader).
// - A directory: kIoError, "it is a directory". A socket: kIoError from open().
// Describe() is `path` as given, in every case.
Result<std::unique_ptr<ByteSink>> OpenFileSink(const std::string& path, bool sync = true);
// A sink over a file descriptor the caller owns (not closed by the sink).
std::unique_ptr<ByteSink> FdSink(int fd, std::string name);

// A file opened for reading; "-" means standard input (not seekable).
Result<std::unique_ptr<ByteSource>> OpenFileSource(const std::string& path);
// A source over a file descriptor the caller owns; seekable when the descriptor is a regular file.
std::unique_ptr<ByteSource> FdSource(int fd, std::string name);

// In-memory sink; `data()` holds what was written.
class MemorySink final : public ByteSink {
 public:
  Status Write(const void* data, size_t n) override;
  std::string Describe() const override { return "memory"; }
  const std::string& data() const { return data_; }
  std::string& mutable_data() { return data_; }
  bool committed() const { return committed_; }
  Status Commit() override {
    committed_ = true;
    return Status::Ok();
  }

 private:
  std::string data_;
  bool committed_ = false;
};

// In-memory seekable source over bytes it owns.
class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::string data) : data_(std::move(data)) {}
  Result<size_t> Read(void* buf, size_t n) override;
  bool Seekable() const override { return seekable_; }
  Result<uint64_t> Size() const override;
  Result<size_t> ReadAt(uint64_t offset, void* buf, size_t n) const override;
  std::string Describe() const override { return "memory"; }
  // Makes the source behave like a pipe (for tests of the streaming paths).
  void set_seekable(bool seekable) { seekable_ = seekable; }

 private:
  std::string data_;
  size_t pos_ = 0;
  bool seekable_ = true;
};

}  // namespace libdump

#endif  // LIBDUMP_FORMAT_BYTE_IO_H_
