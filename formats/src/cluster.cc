// ClusterWriter and ClusterReader: archive_format.md §14.
//
// The writer's mutex covers the sink and the bookkeeping of where each chunk landed, as the
// archive writer's does for blocks; each part sink fills its own buffer without the lock.
#include "libdump/format/cluster.h"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <list>
#include <thread>

#include "cluster_layout.h"
#include "codec.h"
#include "compression.h"
#include "layout.h"

namespace libdump::format {

using internal::BlockHeader;

namespace {

std::string Num(uint64_t v) { return std::to_string(v); }
std::string At(uint64_t offset) { return " at offset " + Num(offset); }
std::string ChunkName(uint32_t part, uint32_t seq, uint64_t offset) {
  return "chunk " + Num(seq) + " of part " + Num(part) + At(offset);
}

// §14.3: the checks of a chunk's header that need no context; `where` names it.
Status CheckChunkHeader(const BlockHeader& h, uint32_t chunk_size, const std::string& where) {
  if (h.kind != layout::kKindChunk) {
    return Status::Corruption("cluster: unexpected block kind " + Num(h.kind) + " (" + where + ")");
  }
  if ((h.flags & ~layout::kBlockFlagLast) != 0) {
    return Status::Corruption("cluster: " + where + ": flags " + Num(h.flags) +
                              " not allowed on a chunk");
  }
  if (h.reserved != 0 || h.rows != 0 || h.raw_len != h.stored_len || h.raw_len == 0 ||
      (chunk_size != 0 && h.raw_len > chunk_size) || h.raw_len > layout::kMaxChunkSize) {
    return Status::Corruption("cluster: " + where + ": malformed chunk header");
  }
  return Status::Ok();
}

std::string EncodeClusterIndex(const std::vector<ClusterPart>& parts, uint32_t chunk_size) {
  std::string out;
  internal::AppendU32(&out, static_cast<uint32_t>(parts.size()));
  internal::AppendU32(&out, chunk_size);
  for (const ClusterPart& p : parts) {
    std::string fields;
    internal::AppendU32Field(&fields, layout::kPartNumber, p.part);
    if (!p.database.empty())
      internal::AppendStringField(&fields, layout::kPartDatabase, p.database);
    internal::AppendU64Field(&fields, layout::kPartBytes, p.bytes);
    std::string offsets;
    for (uint64_t o : p.chunk_offsets) internal::AppendU64(&offsets, o);
    internal::AppendStringField(&fields, layout::kPartChunks, offsets);
    internal::AppendU32(&out, static_cast<uint32_t>(fields.size()));
    out += fields;
  }
  return out;
}

Status DecodeClusterIndex(std::string_view raw, std::vector<ClusterPart>* parts,
                          uint32_t* chunk_size) {
  if (raw.size() < 8) return Status::Corruption("cluster index: truncated");
  const uint8_t* b = internal::Bytes(raw);
  const uint32_t count = internal::LoadU32(b);
  *chunk_size = internal::LoadU32(b + 4);
  if (*chunk_size < layout::kMinChunkSize || *chunk_size > layout::kMaxChunkSize) {
    return Status::Corruption("cluster index: chunk size " + Num(*chunk_size) + " out of range");
  }
  if (count == 0) return Status::Corruption("cluster index: no parts");
  size_t pos = 8;
  for (uint32_t i = 0; i < count; ++i) {
    if (raw.size() - pos < 4) return Status::Corruption("cluster index: truncated");
    const uint32_t len = internal::LoadU32(b + pos);
    pos += 4;
    if (raw.size() - pos < len) return Status::Corruption("cluster index: truncated");
    std::vector<internal::Field> fields;
    const std::string what = "cluster index: part record " + Num(i);
    RETURN_IF_ERROR(internal::SplitFields(raw.substr(pos, len), what, &fields));
    pos += len;
    ClusterPart p;
    bool has_part = false, has_bytes = false, has_chunks = false;
    for (const internal::Field& f : fields) {
      switch (f.tag) {
        case layout::kPartNumber:
          RETURN_IF_ERROR(internal::FieldU32(f, what, &p.part));
          has_part = true;
          break;
        case layout::kPartDatabase:
          p.database = f.value;
          break;
        case layout::kPartBytes:
          RETURN_IF_ERROR(internal::FieldU64(f, what, &p.bytes));
          has_bytes = true;
          break;
        case layout::kPartChunks:
          if (f.value.size() % 8 != 0) return Status::Corruption(what + ": bad chunks length");
          for (size_t k = 0; k < f.value.size(); k += 8) {
            p.chunk_offsets.push_back(internal::LoadU64(internal::Bytes(f.value) + k));
          }
          has_chunks = true;
          break;
        default:
          break;  // §12: unknown fields are skipped
      }
    }
    if (!has_part || !has_bytes || !has_chunks) {
      return Status::Corruption(what + ": a required field is missing");
    }
    if (p.part != i) return Status::Corruption(what + ": names part " + Num(p.part));
    const uint64_t want = (p.bytes + *chunk_size - 1) / *chunk_size;
    if (p.bytes == 0 || p.chunk_offsets.size() != want) {
      return Status::Corruption(what + ": " + Num(p.chunk_offsets.size()) + " chunks for " +
                                Num(p.bytes) + " bytes");
    }
    parts->push_back(std::move(p));
  }
  if (pos != raw.size()) return Status::Corruption("cluster index: bytes left over");
  return Status::Ok();
}

// §14.6: the chunks of all parts tile [data_start, index_offset), part 0's first. Chunk sizes
// follow from the bytes and chunk size of each part.
Status CheckTiling(const std::vector<ClusterPart>& parts, uint32_t chunk_size, uint64_t data_start,
                   uint64_t index_offset, uint64_t block_count) {
  struct Span {
    uint64_t offset, length;
    uint32_t part;
  };
  std::vector<Span> spans;
  for (const ClusterPart& p : parts) {
    for (size_t k = 0; k < p.chunk_offsets.size(); ++k) {
      const uint64_t len = k + 1 < p.chunk_offsets.size()
                               ? chunk_size
                               : p.bytes - uint64_t{chunk_size} * (p.chunk_offsets.size() - 1);
      spans.push_back({p.chunk_offsets[k], layout::kBlockHeaderSize + len, p.part});
    }
  }
  if (spans.size() != block_count) {
    return Status::Corruption("cluster index: " + Num(spans.size()) + " chunks, the footer says " +
                              Num(block_count));
  }
  std::sort(spans.begin(), spans.end(),
            [](const Span& a, const Span& b) { return a.offset < b.offset; });
  uint64_t at = data_start;
  const size_t part0 = parts[0].chunk_offsets.size();
  for (size_t i = 0; i < spans.size(); ++i) {
    if (spans[i].offset != at) {
      return Status::Corruption("cluster index: chunks do not tile the archive" + At(at));
    }
    if ((i < part0) != (spans[i].part == 0)) {
      return Status::Corruption("cluster index: part 0 is not first and whole");
    }
    at += spans[i].length;
  }
  if (at != index_offset) {
    return Status::Corruption("cluster index: chunks end at " + Num(at) + ", the index begins at " +
                              Num(index_offset));
  }
  return Status::Ok();
}

}  // namespace

// ---- Writer ------------------------------------------------------------------------------------

class ClusterWriter::PartSink final : public ByteSink {
 public:
  PartSink(ClusterWriter* w, uint32_t part) : w_(w), part_(part) {}
  Status Write(const void* data, size_t n) override {
    if (committed_) return Status::InvalidArgument(Describe() + ": write after commit");
    const char* p = static_cast<const char*>(data);
    // Hold back up to chunk_size bytes: a full chunk is the last only if nothing follows.
    while (n > 0) {
      const size_t room = 2 * size_t{w_->chunk_size_} - buffer_.size();
      const size_t take = std::min(n, room);
      buffer_.append(p, take);
      p += take;
      n -= take;
      while (buffer_.size() > w_->chunk_size_) {
        RETURN_IF_ERROR(
            w_->WriteChunk(part_, std::string_view(buffer_).substr(0, w_->chunk_size_), false));
        buffer_.erase(0, w_->chunk_size_);
      }
    }
    return Status::Ok();
  }
  Status Commit() override {
    if (committed_) return Status::InvalidArgument(Describe() + ": committed twice");
    if (buffer_.empty()) return Status::InvalidArgument(Describe() + ": a part with no bytes");
    RETURN_IF_ERROR(w_->WriteChunk(part_, buffer_, true));
    committed_ = true;
    buffer_.clear();
    std::lock_guard<std::mutex> lock(w_->mu_);
    w_->committed_[part_] = true;
    return Status::Ok();
  }
  std::string Describe() const override { return "cluster part " + Num(part_); }

 private:
  ClusterWriter* w_;
  uint32_t part_;
  std::string buffer_;
  bool committed_ = false;
};

Result<std::unique_ptr<ClusterWriter>> ClusterWriter::Create(ByteSink* sink,
                                                             const ArchiveHeader& header,
                                                             uint32_t chunk_size) {
  if (sink == nullptr) return Status::InvalidArgument("null sink");
  if (chunk_size < layout::kMinChunkSize || chunk_size > layout::kMaxChunkSize) {
    return Status::InvalidArgument("chunk size " + Num(chunk_size) + " out of range");
  }
  std::unique_ptr<ClusterWriter> w(new ClusterWriter());
  w->sink_ = sink;
  w->chunk_size_ = chunk_size;
  ArchiveHeader h = header;
  h.database.clear();
  const std::string bytes =
      internal::EncodeHeader(h, layout::kHeaderFlagCluster, kClusterFormatMinor);
  w->header_checksum_ = internal::LoadU64(internal::Bytes(bytes) + bytes.size() - 8);
  RETURN_IF_ERROR(sink->Write(bytes.data(), bytes.size()));
  w->offset_ = bytes.size();
  return w;
}

ClusterWriter::~ClusterWriter() = default;

Result<std::unique_ptr<ByteSink>> ClusterWriter::OpenPart(const std::string& database) {
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_) return Status::InvalidArgument("OpenPart after Finish");
  const uint32_t part = static_cast<uint32_t>(parts_.size());
  if (part == 0 && !database.empty()) {
    return Status::InvalidArgument("part 0 holds the globals and names no database");
  }
  ClusterPart p;
  p.part = part;
  p.database = database;
  parts_.push_back(std::move(p));
  next_seq_.push_back(0);
  committed_.push_back(false);
  return std::unique_ptr<ByteSink>(new PartSink(this, part));
}

Status ClusterWriter::WriteChunk(uint32_t part, std::string_view payload, bool last) {
  BlockHeader h;
  h.kind = layout::kKindChunk;
  h.flags = last ? layout::kBlockFlagLast : 0;
  h.dump_id = part;
  h.raw_len = h.stored_len = static_cast<uint32_t>(payload.size());
  h.payload_checksum = internal::Checksum(payload);
  std::lock_guard<std::mutex> lock(mu_);
  if (!sticky_error_.ok()) return sticky_error_;
  if (part > 0 && !committed_[0]) {
    return Status::InvalidArgument("cluster part " + Num(part) +
                                   " written before part 0 was committed");
  }
  h.seq = next_seq_[part]++;
  uint8_t bh[layout::kBlockHeaderSize];
  internal::EncodeBlockHeader(h, bh);
  Status s = sink_->Write(bh, sizeof bh);
  if (s.ok()) s = sink_->Write(payload.data(), payload.size());
  if (!s.ok()) {
    sticky_error_ = s;
    return s;
  }
  parts_[part].chunk_offsets.push_back(offset_);
  parts_[part].bytes += payload.size();
  offset_ += sizeof bh + payload.size();
  ++chunk_count_;
  return Status::Ok();
}

Status ClusterWriter::Finish() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!sticky_error_.ok()) return sticky_error_;
  if (finished_) return Status::InvalidArgument("Finish called twice");
  if (parts_.empty()) return Status::InvalidArgument("a cluster archive needs its globals part");
  for (size_t i = 0; i < parts_.size(); ++i) {
    if (!committed_[i]) return Status::InvalidArgument("cluster part " + Num(i) + " not committed");
  }
  finished_ = true;
  ASSIGN_OR_RETURN(internal::CCtxPtr cctx, internal::NewCCtx(3));
  ASSIGN_OR_RETURN(std::string block,
                   internal::EncodeBlock(cctx.get(), layout::kKindClusterIndex, 0, 0, 0,
                                         EncodeClusterIndex(parts_, chunk_size_)));
  internal::Footer f;
  f.index_offset = offset_;
  f.index_length = block.size();
  f.block_count = chunk_count_;
  f.header_checksum = header_checksum_;
  uint8_t footer[layout::kFooterSize];
  internal::EncodeFooter(f, footer);
  RETURN_IF_ERROR(sink_->Write(block.data(), block.size()));
  RETURN_IF_ERROR(sink_->Write(footer, sizeof footer));
  offset_ += block.size() + sizeof footer;
  return sink_->Commit();
}

uint64_t ClusterWriter::bytes_written() const {
  std::lock_guard<std::mutex> lock(mu_);
  return offset_;
}

// ---- Reader ------------------------------------------------------------------------------------

// A sequential pass over the chunks (§14.4).
struct ClusterReader::SeqState {
  uint64_t offset = 0;
  bool done = false;
  Status error;
  std::vector<ClusterPart> seen;  // parts as the chunks built them
  std::vector<bool> ended;
  uint32_t chunk_size = 0;  // learnt from the first full chunk; checked against the index
};

namespace {

// Reads exactly n bytes at the cursor of a sequential pass.
Status ReadSeq(ByteSource* src, uint64_t* offset, void* buf, size_t n, const std::string& what) {
  RETURN_IF_ERROR(ReadFully(src, buf, n, what));
  *offset += n;
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<ClusterReader>> ClusterReader::Open(ByteSource* source) {
  std::unique_ptr<ClusterReader> r(new ClusterReader());
  r->source_ = source;
  RETURN_IF_ERROR(r->ReadHeader());
  return r;
}

Status ClusterReader::ReadHeader() {
  std::string header(layout::kHeaderFixedSize, '\0');
  RETURN_IF_ERROR(ReadFully(source_, header.data(), header.size(), "archive header"));
  if (std::memcmp(header.data(), layout::kHeaderMagic, layout::kMagicSize) != 0) {
    return Status::Corruption("not an ndump archive (bad magic)");
  }
  const uint8_t* fixed = internal::Bytes(header);
  header_.format_major = internal::LoadU16(fixed + 8);
  header_.format_minor = internal::LoadU16(fixed + 10);
  const uint32_t flags = internal::LoadU32(fixed + 12);
  const uint32_t fields_len = internal::LoadU32(fixed + 16);
  if (header_.format_major != kFormatMajor) {
    return Status::Unsupported("unsupported archive version " + Num(header_.format_major) + "." +
                               Num(header_.format_minor));
  }
  if (fields_len > layout::kMaxHeaderFields) {
    return Status::Corruption("archive header fields length " + Num(fields_len) +
                              " exceeds the limit");
  }
  header.resize(layout::kHeaderFixedSize + fields_len + layout::kChecksumSize);
  RETURN_IF_ERROR(ReadFully(source_, header.data() + layout::kHeaderFixedSize,
                            fields_len + layout::kChecksumSize, "archive header"));
  const size_t covered = layout::kHeaderFixedSize + fields_len;
  header_checksum_ = internal::LoadU64(internal::Bytes(header) + covered);
  if (internal::Checksum(header.data(), covered) != header_checksum_) {
    return Status::Corruption("header checksum mismatch");
  }
  if ((flags & layout::kHeaderFlagCluster) == 0) {
    return Status::InvalidArgument(source_->Describe() + " is not a cluster archive");
  }
  if (flags != layout::kHeaderFlagCluster) {
    return Status::Unsupported("unsupported cluster archive header flags " + Num(flags));
  }
  RETURN_IF_ERROR(internal::DecodeHeaderFields(
      std::string_view(header).substr(layout::kHeaderFixedSize, fields_len), &header_));
  data_start_ = header.size();
  seq_ = std::make_shared<SeqState>();
  seq_->offset = data_start_;
  return Status::Ok();
}

Status ClusterReader::LoadIndex() {
  if (!source_->Seekable()) {
    return Status::Unsupported(source_->Describe() + " is not seekable");
  }
  ASSIGN_OR_RETURN(const uint64_t size, source_->Size());
  if (size < data_start_ + layout::kFooterSize) {
    return Status::Corruption("incomplete archive: too short for a footer");
  }
  uint8_t fb[layout::kFooterSize];
  RETURN_IF_ERROR(ReadFullyAt(source_, size - sizeof fb, fb, sizeof fb, "footer"));
  internal::Footer f;
  switch (internal::DecodeFooter(fb, &f)) {
    case internal::FooterCheck::kNoMagic:
      return Status::Corruption("incomplete archive: no footer magic");
    case internal::FooterCheck::kBadChecksum:
      return Status::Corruption("footer checksum mismatch");
    case internal::FooterCheck::kOk:
      break;
  }
  if (f.header_checksum != header_checksum_) {
    return Status::Corruption("footer belongs to another archive (header checksum differs)");
  }
  if (f.index_offset < data_start_ || f.index_length < layout::kBlockHeaderSize ||
      f.index_offset + f.index_length != size - sizeof fb) {
    return Status::Corruption("footer: cluster index position does not fit the archive");
  }
  uint8_t bh[layout::kBlockHeaderSize];
  RETURN_IF_ERROR(ReadFullyAt(source_, f.index_offset, bh, sizeof bh, "cluster index"));
  BlockHeader h;
  if (!internal::DecodeBlockHeader(bh, &h) || h.kind != layout::kKindClusterIndex ||
      layout::kBlockHeaderSize + uint64_t{h.stored_len} != f.index_length) {
    return Status::Corruption("cluster index checksum mismatch" + At(f.index_offset));
  }
  std::string stored(h.stored_len, '\0');
  RETURN_IF_ERROR(ReadFullyAt(source_, f.index_offset + sizeof bh, stored.data(), stored.size(),
                              "cluster index"));
  if (internal::Checksum(stored) != h.payload_checksum) {
    return Status::Corruption("cluster index checksum mismatch" + At(f.index_offset));
  }
  std::string raw;
  if ((h.flags & layout::kBlockFlagZstd) != 0) {
    RETURN_IF_ERROR(internal::Decompress(stored, h.raw_len, "cluster index", &raw));
  } else {
    raw.swap(stored);
  }
  std::vector<ClusterPart> parts;
  uint32_t chunk_size = 0;
  RETURN_IF_ERROR(DecodeClusterIndex(raw, &parts, &chunk_size));
  RETURN_IF_ERROR(CheckTiling(parts, chunk_size, data_start_, f.index_offset, f.block_count));
  parts_ = std::move(parts);
  chunk_size_ = chunk_size;
  return Status::Ok();
}

namespace {

// A part's bytes over a seekable cluster archive: offset o is in chunk o / chunk_size (§14.4).
// Checked chunks are kept (a few, most recent first), so that the many small reads of an archive
// reader do not check a chunk each time.
class PartSource final : public ByteSource {
 public:
  PartSource(const ByteSource* src, ClusterPart part, uint32_t chunk_size)
      : src_(src), part_(std::move(part)), chunk_size_(chunk_size) {}

  Result<size_t> Read(void* buf, size_t n) override {
    ASSIGN_OR_RETURN(const size_t got, ReadAt(pos_, buf, n));
    pos_ += got;
    return got;
  }
  bool Seekable() const override { return true; }
  Result<uint64_t> Size() const override { return part_.bytes; }
  Result<size_t> ReadAt(uint64_t offset, void* buf, size_t n) const override {
    size_t done = 0;
    char* out = static_cast<char*>(buf);
    while (done < n && offset + done < part_.bytes) {
      const uint64_t at = offset + done;
      const uint32_t k = static_cast<uint32_t>(at / chunk_size_);
      const size_t within = static_cast<size_t>(at % chunk_size_);
      ASSIGN_OR_RETURN(std::shared_ptr<const std::string> chunk, Chunk(k));
      const size_t take = std::min(n - done, chunk->size() - within);
      std::memcpy(out + done, chunk->data() + within, take);
      done += take;
    }
    return done;
  }
  std::string Describe() const override {
    return src_->Describe() + " (part " + Num(part_.part) +
           (part_.database.empty() ? std::string() : ", database \"" + part_.database + "\"") + ")";
  }

 private:
  Result<std::shared_ptr<const std::string>> Chunk(uint32_t k) const {
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto it = cache_.begin(); it != cache_.end(); ++it) {
        if (it->first == k) {
          cache_.splice(cache_.begin(), cache_, it);
          return cache_.front().second;
        }
      }
    }
    const uint64_t at = part_.chunk_offsets[k];
    const bool last = k + 1 == part_.chunk_offsets.size();
    const uint64_t want = last ? part_.bytes - uint64_t{chunk_size_} * k : uint64_t{chunk_size_};
    const std::string name = ChunkName(part_.part, k, at);
    uint8_t bh[layout::kBlockHeaderSize];
    RETURN_IF_ERROR(ReadFullyAt(src_, at, bh, sizeof bh, name));
    BlockHeader h;
    if (!internal::DecodeBlockHeader(bh, &h)) {
      return Status::Corruption("header checksum mismatch" + At(at) + " (" + name + ")");
    }
    RETURN_IF_ERROR(CheckChunkHeader(h, chunk_size_, name));
    if (h.dump_id != part_.part || h.seq != k || h.raw_len != want ||
        ((h.flags & layout::kBlockFlagLast) != 0) != last) {
      return Status::Corruption("cluster index: " + name + " disagrees with its block header");
    }
    auto payload = std::make_shared<std::string>(h.stored_len, '\0');
    RETURN_IF_ERROR(ReadFullyAt(src_, at + sizeof bh, payload->data(), payload->size(), name));
    if (internal::Checksum(*payload) != h.payload_checksum) {
      return Status::Corruption("payload checksum mismatch" + At(at) + " (" + name + ")");
    }
    std::lock_guard<std::mutex> lock(mu_);
    cache_.emplace_front(k, payload);
    if (cache_.size() > kCached) cache_.pop_back();
    return std::shared_ptr<const std::string>(payload);
  }

  static constexpr size_t kCached = 4;
  const ByteSource* src_;
  ClusterPart part_;
  uint32_t chunk_size_;
  uint64_t pos_ = 0;
  mutable std::mutex mu_;
  mutable std::list<std::pair<uint32_t, std::shared_ptr<const std::string>>> cache_;
};

}  // namespace

Result<std::unique_ptr<ByteSource>> ClusterReader::OpenPart(uint32_t part) const {
  if (parts_.empty()) return Status::InvalidArgument("OpenPart before LoadIndex");
  if (part >= parts_.size()) return Status::NotFound("no part " + Num(part));
  return std::unique_ptr<ByteSource>(new PartSource(source_, parts_[part], chunk_size_));
}

Result<bool> ClusterReader::NextChunk(uint32_t* part, std::string* payload, bool* last) {
  SeqState& s = *seq_;
  if (!s.error.ok()) return s.error;
  if (s.done) return false;
  auto fail = [&](Status st) -> Result<bool> {
    s.error = st;
    return st;
  };
  const uint64_t at = s.offset;
  uint8_t bh[layout::kBlockHeaderSize];
  ASSIGN_OR_RETURN(const size_t got, source_->Read(bh, sizeof bh));
  if (got == 0) return fail(Status::Corruption("incomplete archive: input ends" + At(at)));
  if (got < sizeof bh) {
    Status st = ReadFully(source_, bh + got, sizeof bh - got, "block header" + At(at));
    if (!st.ok()) return fail(st);
  }
  s.offset += sizeof bh;
  BlockHeader h;
  if (!internal::DecodeBlockHeader(bh, &h)) {
    return fail(Status::Corruption("block header checksum mismatch" + At(at)));
  }
  if (h.kind == layout::kKindClusterIndex) {
    // §14.6, §14.7: the index, then the footer, then nothing.
    std::string stored(h.stored_len, '\0');
    Status st = ReadSeq(source_, &s.offset, stored.data(), stored.size(), "cluster index");
    if (!st.ok()) return fail(st);
    if (internal::Checksum(stored) != h.payload_checksum) {
      return fail(Status::Corruption("cluster index checksum mismatch" + At(at)));
    }
    std::string raw;
    if ((h.flags & layout::kBlockFlagZstd) != 0) {
      st = internal::Decompress(stored, h.raw_len, "cluster index", &raw);
      if (!st.ok()) return fail(st);
    } else {
      raw.swap(stored);
    }
    std::vector<ClusterPart> parts;
    uint32_t chunk_size = 0;
    st = DecodeClusterIndex(raw, &parts, &chunk_size);
    if (!st.ok()) return fail(st);
    uint8_t fb[layout::kFooterSize];
    st = ReadSeq(source_, &s.offset, fb, sizeof fb, "footer");
    if (!st.ok()) return fail(st);
    internal::Footer f;
    if (internal::DecodeFooter(fb, &f) != internal::FooterCheck::kOk ||
        f.header_checksum != header_checksum_ || f.index_offset != at ||
        f.index_length != s.offset - sizeof fb - at) {
      return fail(Status::Corruption("footer checksum mismatch or footer disagrees" + At(at)));
    }
    uint8_t extra;
    ASSIGN_OR_RETURN(const size_t more, source_->Read(&extra, 1));
    if (more != 0) return fail(Status::Corruption("trailing data after the footer"));
    st = CheckTiling(parts, chunk_size, data_start_, at, f.block_count);
    if (!st.ok()) return fail(st);
    if (parts.size() != s.seen.size()) {
      return fail(Status::Corruption("cluster index: " + Num(parts.size()) + " parts, " +
                                     Num(s.seen.size()) + " read"));
    }
    for (size_t i = 0; i < parts.size(); ++i) {
      if (!s.ended[i])
        return fail(Status::Corruption("cluster: part " + Num(i) + " has no last chunk"));
      if (parts[i].bytes != s.seen[i].bytes || parts[i].chunk_offsets != s.seen[i].chunk_offsets) {
        return fail(
            Status::Corruption("cluster index: part " + Num(i) + " disagrees with its chunks"));
      }
      s.seen[i].database = parts[i].database;
    }
    if (s.chunk_size != 0 && s.chunk_size != chunk_size) {
      return fail(Status::Corruption("cluster index: chunk size disagrees with the chunks"));
    }
    if (parts_.empty()) {
      parts_ = std::move(s.seen);
      chunk_size_ = chunk_size;
    }
    s.done = true;
    return false;
  }
  const std::string name = ChunkName(h.dump_id, h.seq, at);
  Status st = CheckChunkHeader(h, 0, name);
  if (!st.ok()) return fail(st);
  // §14.3 order rules.
  const uint32_t p = h.dump_id;
  if (p > s.seen.size()) return fail(Status::Corruption("cluster: " + name + ": part number gap"));
  if (p == s.seen.size()) {
    if (p > 0 && !s.ended[0]) {
      return fail(Status::Corruption("cluster: " + name + " before part 0 ended"));
    }
    ClusterPart np;
    np.part = p;
    s.seen.push_back(std::move(np));
    s.ended.push_back(false);
  }
  ClusterPart& cp = s.seen[p];
  if (s.ended[p]) return fail(Status::Corruption("cluster: " + name + " after its part's last"));
  if (h.seq != cp.chunk_offsets.size()) {
    return fail(
        Status::Corruption("cluster: " + name + ": expected seq " + Num(cp.chunk_offsets.size())));
  }
  const bool is_last = (h.flags & layout::kBlockFlagLast) != 0;
  if (!is_last) {
    if (s.chunk_size == 0) s.chunk_size = h.raw_len;
    if (h.raw_len != s.chunk_size) {
      return fail(Status::Corruption("cluster: " + name + ": a short chunk not marked last"));
    }
  }
  payload->resize(h.stored_len);
  st = ReadSeq(source_, &s.offset, payload->data(), payload->size(), name);
  if (!st.ok()) return fail(st);
  if (internal::Checksum(*payload) != h.payload_checksum) {
    return fail(Status::Corruption("payload checksum mismatch" + At(at) + " (" + name + ")"));
  }
  cp.chunk_offsets.push_back(at);
  cp.bytes += h.raw_len;
  s.ended[p] = is_last;
  *part = p;
  *last = is_last;
  return true;
}

namespace {

// A part's bytes as a pipe delivers them: chunks queued by the demultiplexer, read by the part's
// consumer thread (ReadParts).
class QueueSource final : public ByteSource {
 public:
  explicit QueueSource(uint32_t part) : part_(part) {}
  Result<size_t> Read(void* buf, size_t n) override {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !queue_.empty() || closed_; });
    if (queue_.empty()) {
      if (!error_.ok()) return error_;
      return size_t{0};
    }
    std::string& front = queue_.front();
    const size_t take = std::min(n, front.size() - pos_);
    std::memcpy(buf, front.data() + pos_, take);
    pos_ += take;
    if (pos_ == front.size()) {
      queue_.pop_front();
      pos_ = 0;
      cv_.notify_all();
    }
    return take;
  }
  std::string Describe() const override { return "cluster part " + Num(part_); }

  // Blocks while the queue is full, unless the consumer has gone.
  void Push(std::string chunk) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return queue_.size() < kDepth || gone_; });
    if (gone_) return;
    queue_.push_back(std::move(chunk));
    cv_.notify_all();
  }
  // The part's input ends: cleanly (OK) or with `error`. Only the first call counts.
  void Close(Status error) {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return;
    closed_ = true;
    error_ = std::move(error);
    cv_.notify_all();
  }
  // The consumer returned: pushes are dropped from now on.
  void Gone() {
    std::lock_guard<std::mutex> lock(mu_);
    gone_ = true;
    queue_.clear();
    cv_.notify_all();
  }

 private:
  static constexpr size_t kDepth = 8;
  uint32_t part_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  size_t pos_ = 0;
  bool closed_ = false;
  bool gone_ = false;
  Status error_;
};

}  // namespace

Status ClusterReader::ReadParts(
    const std::function<Status(uint32_t part, ByteSource* source)>& consume) {
  std::vector<std::unique_ptr<QueueSource>> sources;
  std::vector<std::thread> threads;
  std::mutex mu;
  Status first;  // the first consumer failure
  auto record = [&](const Status& st) {
    std::lock_guard<std::mutex> lock(mu);
    if (first.ok() && !st.ok()) first = st;
  };
  auto failed = [&] {
    std::lock_guard<std::mutex> lock(mu);
    return !first.ok();
  };
  Status structure;
  while (true) {
    uint32_t part = 0;
    std::string payload;
    bool last = false;
    Result<bool> more = NextChunk(&part, &payload, &last);
    if (!more.ok()) {
      structure = more.status();
      break;
    }
    if (!*more) break;
    if (part == sources.size()) {
      // §14.3: part 0 is whole before part 1 begins; its consumer finishes first.
      if (part == 1 && !threads.empty()) threads[0].join();
      if (failed()) break;
      sources.push_back(std::make_unique<QueueSource>(part));
      QueueSource* q = sources.back().get();
      threads.emplace_back([&, q, part] {
        Status st = consume(part, q);
        q->Gone();
        record(st);
      });
    }
    sources[part]->Push(std::move(payload));
    if (last) sources[part]->Close(Status::Ok());
    if (failed()) break;
  }
  // Parts whose input has not ended (the stream failed, or a consumer did) end with an error,
  // so that their consumers stop; the others were closed cleanly at their last chunk.
  Status cut = !structure.ok() ? structure : Status::Cancelled("another part failed");
  if (structure.ok() && !failed()) cut = Status::Corruption("cluster: a part has no last chunk");
  for (auto& q : sources) q->Close(cut);
  for (size_t i = 0; i < threads.size(); ++i) {
    if (threads[i].joinable()) threads[i].join();
  }
  if (!structure.ok()) return structure;
  return first;
}

Status ClusterReader::Verify(ClusterVerifyReport* report) {
  ClusterVerifyReport local;
  std::mutex mu;
  if (source_->Seekable()) {
    // An own pass from the first chunk, as ArchiveReader::Verify makes on a file.
    RETURN_IF_ERROR(LoadIndex());
    uint64_t chunks = 0;
    for (const ClusterPart& p : parts_) chunks += p.chunk_offsets.size();
    for (const ClusterPart& p : parts_) {
      ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> src, OpenPart(p.part));
      ASSIGN_OR_RETURN(std::unique_ptr<ArchiveReader> r, ArchiveReader::Open(src.get()));
      VerifyReport vr;
      Status st = r->Verify(&vr);
      if (!st.ok()) return st.WithContext(src->Describe());
      local.part_reports.push_back(vr);
    }
    local.parts = parts_.size();
    local.chunks = chunks;
  } else {
    Status st = ReadParts([&](uint32_t part, ByteSource* src) -> Status {
      ASSIGN_OR_RETURN(std::unique_ptr<ArchiveReader> r, ArchiveReader::Open(src));
      VerifyReport vr;
      Status s = r->Verify(&vr);
      if (!s.ok()) return s.WithContext("part " + Num(part));
      std::lock_guard<std::mutex> lock(mu);
      if (local.part_reports.size() <= part) local.part_reports.resize(part + 1);
      local.part_reports[part] = vr;
      return Status::Ok();
    });
    RETURN_IF_ERROR(st);
    local.parts = parts_.size();
    for (const ClusterPart& p : parts_) local.chunks += p.chunk_offsets.size();
  }
  if (source_->Seekable()) {
    ASSIGN_OR_RETURN(local.archive_bytes, source_->Size());
  } else {
    local.archive_bytes = seq_->offset;
  }
  if (report != nullptr) *report = std::move(local);
  return Status::Ok();
}

namespace {

// Bytes already read from a pipe, then the rest of the pipe.
class ReplaySource final : public ByteSource {
 public:
  ReplaySource(std::string head, ByteSource* rest) : head_(std::move(head)), rest_(rest) {}
  Result<size_t> Read(void* buf, size_t n) override {
    if (pos_ < head_.size()) {
      const size_t take = std::min(n, head_.size() - pos_);
      std::memcpy(buf, head_.data() + pos_, take);
      pos_ += take;
      return take;
    }
    return rest_->Read(buf, n);
  }
  std::string Describe() const override { return rest_->Describe(); }

 private:
  std::string head_;
  size_t pos_ = 0;
  ByteSource* rest_;
};

}  // namespace

Result<bool> IsClusterArchive(ByteSource* source, std::unique_ptr<ByteSource>* replay) {
  uint8_t head[16];
  size_t got = 0;
  if (source->Seekable()) {
    while (got < sizeof head) {
      ASSIGN_OR_RETURN(const size_t n, source->ReadAt(got, head + got, sizeof head - got));
      if (n == 0) break;
      got += n;
    }
  } else {
    while (got < sizeof head) {
      ASSIGN_OR_RETURN(const size_t n, source->Read(head + got, sizeof head - got));
      if (n == 0) break;
      got += n;
    }
    *replay = std::make_unique<ReplaySource>(std::string(reinterpret_cast<const char*>(head), got),
                                             source);
  }
  if (got < sizeof head || std::memcmp(head, layout::kHeaderMagic, layout::kMagicSize) != 0) {
    return false;
  }
  return (internal::LoadU32(head + 12) & layout::kHeaderFlagCluster) != 0;
}

Result<std::string> PeekDatabaseName(ByteSource* source, std::unique_ptr<ByteSource>* replay) {
  std::string head(layout::kHeaderFixedSize, '\0');
  RETURN_IF_ERROR(ReadFully(source, head.data(), head.size(), "archive header"));
  const uint32_t fields_len = internal::LoadU32(internal::Bytes(head) + 16);
  if (std::memcmp(head.data(), layout::kHeaderMagic, layout::kMagicSize) != 0 ||
      fields_len > layout::kMaxHeaderFields) {
    return Status::Corruption(source->Describe() + ": not an ndump archive (bad magic)");
  }
  head.resize(layout::kHeaderFixedSize + fields_len + layout::kChecksumSize);
  RETURN_IF_ERROR(ReadFully(source, head.data() + layout::kHeaderFixedSize,
                            fields_len + layout::kChecksumSize, "archive header"));
  ArchiveHeader h;
  RETURN_IF_ERROR(internal::DecodeHeaderFields(
      std::string_view(head).substr(layout::kHeaderFixedSize, fields_len), &h));
  *replay = std::make_unique<ReplaySource>(std::move(head), source);
  return h.database;
}

}  // namespace libdump::format
