// Cluster archives (archive_format.md §14): a cluster's globals and every database in one file,
// each part a complete single-database archive carried in checksummed chunk blocks.
//
// ClusterWriter hands out one ByteSink per part; an ArchiveWriter (through Dump()) writes a
// part's archive into it as into any sink. Parts after the first may be written concurrently:
// their chunks interleave in the output. ClusterReader gives back each part as a ByteSource
// that an ArchiveReader reads as it reads a file: seekable over a seekable cluster archive
// (random access through the cluster index), or sequential, demultiplexed from a pipe.
#ifndef LIBDUMP_FORMAT_CLUSTER_H_
#define LIBDUMP_FORMAT_CLUSTER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "libdump/format/archive.h"
#include "libdump/format/byte_io.h"
#include "libdump/status.h"

namespace libdump::format {

// The minor version of a cluster archive (§14) and its header flag bit 2 (§4.3).
inline constexpr uint16_t kClusterFormatMinor = 6;
// Bytes in every chunk of a part but its last (§14.3, §14.6), as ndumpall writes them.
inline constexpr uint32_t kDefaultChunkSize = 1u << 20;

// One part as the cluster index describes it (§14.6).
struct ClusterPart {
  uint32_t part = 0;
  std::string database;  // empty for part 0, the globals
  uint64_t bytes = 0;    // the part archive's length
  std::vector<uint64_t> chunk_offsets;
};

class ClusterWriter {
 public:
  // Writes the cluster header (flag bit 2, minor 6; `header`'s database is written empty). The
  // sink must outlive the writer. `chunk_size` 4 KiB .. 8 MiB, else kInvalidArgument.
  static Result<std::unique_ptr<ClusterWriter>> Create(ByteSink* sink, const ArchiveHeader& header,
                                                       uint32_t chunk_size = kDefaultChunkSize);
  ~ClusterWriter();

  // A sink for the next part: the first call opens part 0 (the globals, `database` empty), the
  // next ones parts 1, 2, ... Part 0 must be committed before any byte of another part is
  // written (§14.3): a write to a later part before that is kInvalidArgument. A part's sink
  // writes its bytes as chunks, holding back up to chunk_size bytes; Commit() writes its last
  // chunk (a part of no bytes is kInvalidArgument). Each part sink is used by one thread at a
  // time; different parts from different threads. The sink must not outlive the writer.
  Result<std::unique_ptr<ByteSink>> OpenPart(const std::string& database);

  // Writes the cluster index and the footer and commits the sink. Every opened part must have
  // been committed (else kInvalidArgument), at least part 0.
  Status Finish();

  uint64_t bytes_written() const;

 private:
  class PartSink;
  ClusterWriter() = default;
  Status WriteChunk(uint32_t part, std::string_view payload, bool last);

  mutable std::mutex mu_;
  ByteSink* sink_ = nullptr;
  uint32_t chunk_size_ = 0;
  uint64_t offset_ = 0;
  uint64_t header_checksum_ = 0;
  uint64_t chunk_count_ = 0;
  Status sticky_error_;
  std::vector<ClusterPart> parts_;
  std::vector<uint32_t> next_seq_;
  std::vector<bool> committed_;
  bool finished_ = false;
};

// What a full verification of a cluster archive found.
struct ClusterVerifyReport {
  uint64_t parts = 0;
  uint64_t chunks = 0;
  uint64_t archive_bytes = 0;
  std::vector<VerifyReport> part_reports;  // by part
};

class ClusterReader {
 public:
  // Reads and checks the cluster header (§4, §14.2). An archive without the cluster flag is
  // kInvalidArgument ("is not a cluster archive"). The source must outlive the reader.
  static Result<std::unique_ptr<ClusterReader>> Open(ByteSource* source);

  const ArchiveHeader& header() const { return header_; }

  // Seekable sources: reads the footer and the cluster index and checks them (§14.6, §14.7).
  Status LoadIndex();
  const std::vector<ClusterPart>& parts() const { return parts_; }

  // After LoadIndex: a seekable source over part `part`'s bytes. Each chunk is checked (§14.3:
  // header checksum, part, seq, length, mark, payload checksum) before any of its bytes is
  // returned. Thread-safe as ByteSource requires; must not outlive the reader.
  Result<std::unique_ptr<ByteSource>> OpenPart(uint32_t part) const;

  // Sequential reading (pipes and files): the next chunk's part, payload and whether it is its
  // part's last; false after the cluster index and the footer were read and checked against
  // every chunk seen. One thread.
  Result<bool> NextChunk(uint32_t* part, std::string* payload, bool* last);

  // Sequential reading of whole parts (pipes and files): reads the chunks in order and runs
  // `consume(part, source)` for each part, in a thread of its own, with a source that gives the
  // part's bytes as they arrive (blocking until they do; a part whose chunks interleave with
  // others' is read side by side with them). Part 0's `consume` returns before any other part's
  // starts (§14.3). Returns the first failure: the cluster's structure, or a `consume` error
  // (the other parts' sources then fail with it, so their consumers end). A consumer must read
  // its source to the end or fail. Not with NextChunk on the same reader.
  Status ReadParts(const std::function<Status(uint32_t part, ByteSource* source)>& consume);

  // Full verification (§14.8): a sequential pass that checks every chunk, the cluster index and
  // the footer, and verifies every part with ArchiveReader::Verify as its bytes arrive. On a
  // seekable source it makes its own pass; on a pipe it consumes the stream.
  Status Verify(ClusterVerifyReport* report);

 private:
  struct SeqState;
  ClusterReader() = default;
  Status ReadHeader();

  ByteSource* source_ = nullptr;
  ArchiveHeader header_;
  uint64_t header_checksum_ = 0;
  uint64_t data_start_ = 0;
  uint32_t chunk_size_ = 0;
  std::vector<ClusterPart> parts_;
  std::shared_ptr<SeqState> seq_;
};

// Whether the archive `source` begins with is a cluster archive (its header's flag bit 2), from
// its first 16 bytes. A seekable source is read with ReadAt and left untouched; a pipe's bytes
// are consumed, and `*replay` is then set to a source that gives them back before the rest of
// the pipe (use it instead of `source`). Input too short to tell: false.
Result<bool> IsClusterArchive(ByteSource* source, std::unique_ptr<ByteSource>* replay);

// For a part read from a pipe: the database name in the header of the single-database archive
// `source` begins with (§4.2), read without checking the header (its reader checks it). `*replay`
// is set to a source that gives back the bytes read, then the rest of `source`.
Result<std::string> PeekDatabaseName(ByteSource* source, std::unique_ptr<ByteSource>* replay);

}  // namespace libdump::format

#endif  // LIBDUMP_FORMAT_CLUSTER_H_
