// The ndump archive: writer and reader. The normative description of the bytes is
// formats/archive_format.md; this header is the API over it.
//
// An archive is: a header, the table of contents (TOC), data blocks from any number of entries
// interleaved in any order, a trailing block index with per-entry statistics, and a fixed-size
// footer. Writing never seeks. Every byte is covered by an XXH3-64 checksum or a structural check.
#ifndef LIBDUMP_FORMAT_ARCHIVE_H_
#define LIBDUMP_FORMAT_ARCHIVE_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "libdump/format/byte_io.h"
#include "libdump/format/crypto.h"
#include "libdump/format/fingerprint.h"
#include "libdump/status.h"

namespace libdump::format {

namespace internal {
class BlockCipher;  // formats/src/cipher.h
struct Footer;      // formats/src/codec.h
}  // namespace internal

// Archive format version written by this library (archive_format.md §1, §12).
inline constexpr uint16_t kFormatMajor = 1;
// 1.1 added end-of-entry marks (archive_format.md §7.4), 1.2 the index_sql and attach_sql of TOC
// entries (§6.2), 1.3 their char_columns, 1.4 BLOBS entries (large-object contents, §7.5), 1.5
// row fingerprints (§7.6), 1.6 cluster archives (§14, libdump/format/cluster.h; a
// single-database archive never claims it), 1.7 encryption (§15). An archive claims the minor
// version of the newest feature it uses (§12).
inline constexpr uint16_t kFormatMinor = 7;

// The one entry kind the format itself gives a meaning to: an entry of this kind with data holds
// large objects' contents (§7.5). libdump's registry of kinds (libdump/src/common/kinds.h) names
// the others.
inline constexpr std::string_view kKindBlobs = "BLOBS";

// pg_dump's three sections; kNone for entries that belong to none (unused for now).
enum class Section : uint8_t { kNone = 0, kPreData = 1, kData = 2, kPostData = 3 };
const char* SectionName(Section s);  // "PRE-DATA", "DATA", "POST-DATA", "NONE"

// One object in the archive, in pg_dump's vocabulary.
struct TocEntry {
  uint32_t dump_id = 0;  // unique within the archive, > 0
  std::string kind;      // "TABLE", "TABLE DATA", "INDEX", "FK CONSTRAINT", "COMMENT", ...
  Section section = Section::kNone;
  std::string schema;          // namespace name, empty for objects outside a schema
  std::string name;            // the object's tag, e.g. table name or "COLUMN t.c" for comments
  std::string owner;           // role name, empty when not applicable
  std::string create_sql;      // statements that create the object (may be several, ';'-separated)
  std::string drop_sql;        // statements that drop it (for --clean)
  std::vector<uint32_t> deps;  // dump ids this entry depends on
  // For entries that carry data (kind "TABLE DATA"): the statement that loads the data,
  // "COPY s.t (a, b) FROM stdin;". Empty for entries without data.
  std::string copy_sql;
  uint64_t size_estimate = 0;  // bytes the server estimated for the data; used for scheduling
  uint64_t catalog_oid = 0;    // the object's OID in the source database (informational)
  // The object as `ALTER <owner_object> OWNER TO <owner>` names it, e.g. `TABLE "s"."t"` or
  // `FUNCTION "s"."f"(integer)`; empty when restoring the entry sets no owner.
  std::string owner_object;
  // Since 1.2, for a PRIMARY KEY or UNIQUE constraint (kind "CONSTRAINT") whose index can be
  // built apart: `index_sql` creates the constraint's index as a plain unique index under the
  // constraint's name, `attach_sql` then makes it the constraint (ADD CONSTRAINT ... USING
  // INDEX). Together they do what create_sql does; a restorer may run either. Both or neither.
  std::string index_sql;
  std::string attach_sql;
  // Since 1.3, for an entry with data: the 0-based positions, in copy_sql's column list and so
  // in each row of the data, of the columns of type char(n), strictly increasing. char(n) input
  // pads a value to n characters with spaces, so a restorer that loads the data into the table
  // it created from this archive may leave out the values' trailing spaces: the server then
  // neither receives nor parses them, and stores the same values.
  std::vector<uint32_t> char_columns;

  bool has_data() const { return !copy_sql.empty(); }
  bool has_index_sql() const { return !index_sql.empty(); }
};

struct ArchiveHeader {
  uint16_t format_major = kFormatMajor;
  uint16_t format_minor = kFormatMinor;
  std::string tool_version;    // e.g. "ndump 0.1.0"
  std::string server_version;  // server_version of the source, e.g. "15.18"
  uint32_t server_version_num = 0;
  std::string database;  // source database name
  std::string encoding;  // client encoding the data was written in, e.g. "UTF8"
  int64_t created_unix_seconds = 0;
  uint8_t compression = 1;  // 0 = none, 1 = zstd (archive_format.md §2.5)
  int32_t compression_level = 3;
  // Header flag bit 0 (§4.3, since 1.1): the last data block of every entry is marked, so a
  // sequential reader knows where an entry ends before it reaches the index. Set by the reader;
  // the writer takes it from WriterOptions::mark_entry_ends instead.
  bool entry_ends_marked = false;
  // Header flag bit 1 (§4.3, since 1.4): the archive has entries of kind "BLOBS" with data, whose
  // rows are large objects' contents (§7.5), not a table's. Set by the reader; the writer sets
  // the flag when the TOC has such an entry.
  bool large_objects = false;
  // Since 1.5 (§4.2): the source session's TimeZone setting, in which the text of timestamptz
  // values in the data was written; a reader that reads a restored copy back in COPY text to
  // compare row fingerprints (§7.6) sets it. Empty when unknown.
  std::string time_zone;
  // Header flag bit 2 (§4.3, since 1.7): the archive is encrypted (§15). Set by the reader; the
  // writer takes it from WriterOptions::encryption.
  bool encrypted = false;
  // Since 1.7 (§4.2, §15.3): the encryption field as stored (how the file key is wrapped). Set by
  // the reader; the writer makes it. DescribeEncryption() says it in words.
  std::string encryption;
};

// For humans: how the archive `h` is encrypted ("X25519 public key 1a2b3c4d5e6f7081",
// "passphrase (Argon2id, 2 passes over 64 MiB)"), or empty when it is not.
std::string DescribeEncryption(const ArchiveHeader& h);

// Where one data block lives; from the trailing index.
struct BlockInfo {
  uint32_t dump_id = 0;
  uint32_t seq = 0;         // 0, 1, 2, ... within its entry
  uint64_t offset = 0;      // of the block header, from the start of the archive
  uint32_t raw_len = 0;     // uncompressed payload bytes
  uint32_t stored_len = 0;  // bytes stored after the block header
  uint32_t rows = 0;        // rows in the block (COPY lines), as told by the writer
  // The entry's last block. From NextBlock: the block's end-of-entry mark, so always false in
  // archives that do not mark entry ends (header().entry_ends_marked). From the index (blocks(),
  // BlocksOf): derived from the index, for every archive.
  bool last = false;
};

// Per-entry totals; from the trailing index.
struct EntryStats {
  uint32_t dump_id = 0;
  uint64_t blocks = 0;
  uint64_t rows = 0;
  uint64_t raw_bytes = 0;
  uint64_t stored_bytes = 0;
  uint64_t content_hash = 0;  // XXH3-64 of all raw bytes of the entry in seq order
  // Since 1.5 (§7.6, §8.3): the fingerprint of the entry's rows, in the COPY form `form`;
  // kNone when the archive (older, or written without them) or the entry has none.
  RowForm fingerprint_form = RowForm::kNone;
  RowFingerprint fingerprint;
};

struct WriterOptions {
  uint8_t compression = 1;  // 0 = none, 1 = zstd
  int compression_level = 3;
  // Mark the last block of every entry (format 1.1, §7.4). Each open stream then holds its most
  // recent block back until the next AppendBlock or Close, when it knows whether that block is
  // the last. false writes a 1.0 archive (for compatibility tests).
  bool mark_entry_ends = true;
  // Record each entry's row fingerprint (format 1.5, §7.6) in the index, computed from the
  // blocks as they are appended, in the appending thread (Dump() turns it on). false writes the
  // archive an older writer wrote (1.4 or lower), byte for byte.
  bool fingerprint_rows = false;
  // Encrypt the archive (format 1.7, §15): every block sealed with a random file key, wrapped
  // for a recipient's public key or with a passphrase. Each stream seals its blocks in its own
  // thread. kNone (the default) writes the archive as without it, byte for byte.
  Encryption encryption;
};

class ArchiveWriter;

// Appends the data of one TOC entry as a sequence of blocks. Obtained from
// ArchiveWriter::OpenStream; used by one thread; must not outlive its writer.
class EntryStream {
 public:
  // Compresses `raw` (in the calling thread, so workers compress in parallel) and appends it as
  // the entry's next block. `raw.size()` must be at most kMaxBlockRaw. `rows` is recorded as
  // information only. An empty `raw` is a no-op. After a sink failure returns that failure.
  // When entry ends are marked, the block reaches the sink with the next AppendBlock or Close.
  Status AppendBlock(std::string_view raw, uint32_t rows);
  // Ends the entry (writing a held-back last block). Must be called once before
  // ArchiveWriter::Finish. Returns the writer's first sink failure, if there was one.
  Status Close();

  uint32_t dump_id() const { return dump_id_; }

  ~EntryStream();
  EntryStream(const EntryStream&) = delete;
  EntryStream& operator=(const EntryStream&) = delete;

 private:
  friend class ArchiveWriter;
  struct Impl;  // zstd context, hash state and scratch buffer (archive_writer.cc)
  EntryStream(ArchiveWriter* writer, uint32_t dump_id, std::unique_ptr<Impl> impl);
  // Writes the block in impl_->pending, with the end-of-entry mark when `last` (§7.4).
  Status WritePending(bool last);
  // The entry's row fingerprint when it is done (§7.6): kNone when not recorded.
  RowForm FinishFingerprint(RowFingerprint* out);

  ArchiveWriter* writer_;
  uint32_t dump_id_;
  uint32_t next_seq_ = 0;
  bool closed_ = false;
  std::unique_ptr<Impl> impl_;
};

// Largest uncompressed payload of one data block (archive_format.md §5.1, §13).
inline constexpr uint32_t kMaxBlockRaw = 8u << 20;
// The block size producers should aim for.
inline constexpr uint32_t kDefaultBlockRaw = 1u << 20;

// Writes one archive to a sink. Thread-safe: several EntryStreams may append concurrently; the
// writer serializes their blocks into the sink.
class ArchiveWriter {
 public:
  // Writes the header and the TOC immediately. The sink must outlive the writer. The header's
  // format version, flags and compression fields are not taken from `header`: the writer records
  // the version it writes (the lowest that has the features it uses, §12) and `options`'
  // compression, level and mark_entry_ends. kInvalidArgument for bad options (unknown compression,
  // zstd level out of range) or a bad TOC (a dump id of 0 or used twice, an invalid section);
  // otherwise the sink's error.
  static Result<std::unique_ptr<ArchiveWriter>> Create(ByteSink* sink, const ArchiveHeader& header,
                                                       const std::vector<TocEntry>& toc,
                                                       const WriterOptions& options);
  ~ArchiveWriter();

  // Opens the data stream of `dump_id`, which must name a TOC entry with data. At most one
  // stream per entry. Thread-safe.
  Result<std::unique_ptr<EntryStream>> OpenStream(uint32_t dump_id);

  // Writes the block index and the footer, then commits the sink. Fails if a stream is open
  // (opened and not closed, including one destroyed without Close). Entries with data whose stream
  // was never opened are recorded with no blocks. Without a successful Finish the archive has no
  // footer and every reader rejects it as incomplete.
  Status Finish();

  // Bytes handed to the sink so far. Thread-safe.
  uint64_t bytes_written() const;

 private:
  friend class EntryStream;
  ArchiveWriter() = default;
  // Appends one encoded data block under the lock; `info` is the block without its offset.
  Status WriteBlock(const uint8_t* header, std::string_view stored, const BlockInfo& info);
  bool mark_entry_ends() const { return options_.mark_entry_ends; }
  Status first_error() const;  // the sticky sink failure, or OK
  Status EndStream(uint32_t dump_id, uint64_t content_hash, RowForm form,
                   const RowFingerprint& fingerprint);
  Status WriteLocked(const void* data, size_t n);  // requires mu_; records a sticky failure
  // The archive's cipher, or null when it is not encrypted; set at Create, immutable after.
  const internal::BlockCipher* cipher() const { return cipher_.get(); }

  mutable std::mutex mu_;
  ByteSink* sink_ = nullptr;
  WriterOptions options_;
  uint64_t offset_ = 0;
  uint64_t header_checksum_ = 0;
  Status sticky_error_;  // the first write failure; later calls return it
  std::vector<BlockInfo> blocks_;
  std::vector<EntryStats> stats_;      // one per entry with data, in TOC order
  std::vector<uint8_t> stream_state_;  // parallel to stats_: 0 unopened, 1 open, 2 closed
  std::vector<RowForm> forms_;         // parallel to stats_: the fingerprint each stream makes
  std::unordered_map<uint32_t, size_t> stats_index_;  // dump_id -> position in stats_
  bool finished_ = false;
  std::unique_ptr<internal::BlockCipher> cipher_;
};

// What a full verification found.
struct VerifyReport {
  uint64_t entries = 0;
  uint64_t data_entries = 0;
  uint64_t blocks = 0;
  uint64_t raw_bytes = 0;
  uint64_t stored_bytes = 0;  // data block payload bytes as stored
  uint64_t archive_bytes = 0;
  bool encrypted = false;      // the archive is encrypted (§15)
  bool authenticated = false;  // ... and every block was authenticated (read with its key)
};

// How to open an archive.
struct ReadOptions {
  // Keys for an encrypted archive (§15); may be null. Borrowed for the call to Open only.
  const Keyring* keys = nullptr;
  // An encrypted archive opened without a fitting key: false (the default) fails Open with
  // kInvalidArgument saying which key it needs. true opens it "locked": no TOC (toc() is empty),
  // no index, no block contents; only Verify works, and checks the structure and every checksum
  // without authenticating anything (§15.6).
  bool allow_locked = false;
};

// Reads an archive. Open() reads and checks the header and TOC only, so listing is cheap.
//
// Thread safety: after Open (and LoadIndex), ReadBlock may be called from several threads at once
// on a seekable source. NextBlock is for one thread.
class ArchiveReader {
 public:
  // The source must outlive the reader.
  // An encrypted archive (§15) needs options.keys to hold the key that unwraps its file key: a
  // wrong key or passphrase is kCorruption naming which. Every block is then authenticated
  // before any byte of its content is returned or decompressed.
  static Result<std::unique_ptr<ArchiveReader>> Open(ByteSource* source,
                                                     const ReadOptions& options = {});
  ~ArchiveReader();
  // Opened without the key of an encrypted archive (ReadOptions::allow_locked).
  bool locked() const { return locked_; }

  const ArchiveHeader& header() const { return header_; }
  const std::vector<TocEntry>& toc() const { return toc_; }
  const TocEntry* FindEntry(uint32_t dump_id) const;

  // Seekable sources only (kUnsupported otherwise): reads and checks the footer and the block
  // index (archive_format.md §9.2, §8.4). An archive without a footer is kCorruption with a
  // message containing "incomplete".
  Status LoadIndex();
  const std::vector<BlockInfo>& blocks() const { return blocks_; }
  const std::vector<EntryStats>& stats() const { return stats_; }
  // The blocks of one entry, in seq order (after LoadIndex).
  std::vector<BlockInfo> BlocksOf(uint32_t dump_id) const;

  // Seekable sources only: reads, checks and decompresses one block into `raw` (§11.3). The block
  // header must agree with `block` in every field. Thread-safe.
  Status ReadBlock(const BlockInfo& block, std::string* raw) const;
  // Seekable sources only: reads one block and makes every check ReadBlock makes (§11.3: the
  // block header's checksum and structure, its agreement with `block`, the end-of-entry mark,
  // the payload checksum) without decompressing it. The payload checksum covers every stored
  // byte, so a block that passes reads back the same bytes later, unless the file changes in
  // between. `scratch` is a buffer the caller lends for the payload, reused across calls.
  // Thread-safe.
  Status CheckBlock(const BlockInfo& block, std::string* scratch) const;

  // Sequential reading, for pipes and files alike: returns the next data block (its info and
  // decompressed payload) and true, or false after the last block, once the index and footer have
  // been read and checked against every block seen. A stream without a valid footer is an error
  // (kCorruption, "incomplete archive"), never a clean end. Once it has returned false or an
  // error it keeps returning the same. When the index has been read this way and LoadIndex was
  // not called, blocks() and stats() are filled from it.
  Result<bool> NextBlock(BlockInfo* info, std::string* raw);

  // Reads the whole archive sequentially and checks every checksum and structure, including that
  // each entry's content hash matches. Names the entry and block on failure. On a seekable source
  // it makes its own pass, independent of NextBlock; on a pipe it consumes the stream and fails
  // with kInvalidArgument if NextBlock has already been called. `report` may be null.
  Status Verify(VerifyReport* report);

 private:
  struct SeqState;  // a sequential pass: cursor, per-entry progress, blocks seen
  ArchiveReader() = default;
  Status ReadHeaderAndToc(SeqState* s, const ReadOptions& options);
  Result<bool> ScanNext(SeqState* s, BlockInfo* info, std::string* raw);
  Result<bool> ScanNextUnchecked(SeqState* s, BlockInfo* info, std::string* raw);
  Status FinishScan(SeqState* s, uint64_t index_offset, const uint8_t* index_block_header);
  Status FinishLockedScan(SeqState* s, const internal::Footer& footer);
  Status CheckIndex(const std::vector<BlockInfo>& blocks, const std::vector<EntryStats>& stats,
                    uint64_t index_offset) const;
  void AdoptIndex(std::vector<BlockInfo> blocks, std::vector<EntryStats> stats);
  // ReadBlock and CheckBlock: checks the header of `block` and reads its payload, checked, into
  // `stored`; `*compressed` says whether it is a zstd frame.
  Status ReadCheckedPayload(const BlockInfo& block, const std::string& name, std::string* stored,
                            bool* compressed) const;
  std::string BlockName(uint32_t dump_id, uint32_t seq) const;
  Status EntryError(uint32_t dump_id, const std::string& problem) const;

  ByteSource* source_ = nullptr;
  ArchiveHeader header_;
  uint64_t header_checksum_ = 0;
  std::vector<TocEntry> toc_;
  std::unordered_map<uint32_t, size_t> toc_index_;  // dump_id -> position in toc_
  std::vector<BlockInfo> blocks_;
  std::vector<EntryStats> stats_;
  std::unordered_map<uint32_t, uint64_t> block_counts_;  // dump_id -> blocks, from the index
  bool index_loaded_ = false;
  uint64_t data_start_ = 0;        // offset of the first byte after the TOC
  std::shared_ptr<SeqState> seq_;  // NextBlock's pass
  // §15: the archive's cipher when it is encrypted and unlocked; immutable after Open.
  std::unique_ptr<internal::BlockCipher> cipher_;
  bool locked_ = false;
  uint32_t overhead() const { return header_.encrypted ? 16 : 0; }  // §15.4 kSealOverhead
};

// XXH3-64 with seed 0 of `bytes`: the checksum the format uses everywhere (§2.4). For callers
// that set archive content aside (a restore's spill file) and want the same check when they read
// it back.
uint64_t Checksum64(std::string_view bytes);

}  // namespace libdump::format

#endif  // LIBDUMP_FORMAT_ARCHIVE_H_
