// ArchiveWriter and EntryStream: produce an archive as described in archive_format.md.
//
// Concurrency: each EntryStream belongs to one worker thread, which compresses and checksums its
// blocks itself; the writer's mutex covers only the sink writes and the bookkeeping of where each
// block landed. The blocks of one entry therefore reach the sink in seq order (§7.2), while blocks
// of different entries interleave in whatever order the workers get the lock.
//
// End-of-entry marks (§7.4): a stream cannot know that a block is its last until the caller
// appends another one or closes the stream, so with marks on each stream keeps its most recent
// block (already compressed and checksummed) and writes it one call later.
#include <xxhash.h>

#include <limits>
#include <unordered_set>

#include "cipher.h"
#include "codec.h"
#include "compression.h"
#include "layout.h"
#include "libdump/format/archive.h"

namespace libdump::format {

using internal::BlockHeader;

namespace {

struct HashStateFree {
  void operator()(XXH3_state_t* s) const { XXH3_freeState(s); }
};

constexpr uint8_t kUnopened = 0;
constexpr uint8_t kOpen = 1;
constexpr uint8_t kClosed = 2;

std::string EntryLabel(uint32_t dump_id) { return "entry " + std::to_string(dump_id); }

}  // namespace

struct EntryStream::Impl {
  internal::CCtxPtr cctx;                             // null when compression is off
  std::unique_ptr<XXH3_state_t, HashStateFree> hash;  // §7.3 content hash, streaming
  std::unique_ptr<RowHasher> rows;                    // §7.6; null when not recorded
  RowForm form = RowForm::kNone;
  std::string compressed;  // reused between blocks
  // The block about to be written, or held back when entry ends are marked.
  bool has_pending = false;
  BlockHeader pending;
  std::string pending_stored;     // owns the held block's payload
  std::string_view pending_view;  // the payload: pending_stored, or the caller's bytes
  std::string sealed;             // the payload sealed (§15.4), reused between blocks
};

Status EntryStream::WritePending(bool last) {
  Impl& m = *impl_;
  m.has_pending = false;
  if (last) m.pending.flags |= layout::kBlockFlagLast;
  // §15.4: sealed here, with the flags final, in the stream's own thread.
  std::string_view payload = m.pending_view;
  if (const internal::BlockCipher* cipher = writer_->cipher()) {
    m.pending.stored_len = static_cast<uint32_t>(payload.size() + internal::kSealOverhead);
    cipher->Seal(m.pending, payload, {}, &m.sealed);
    payload = m.sealed;
  }
  m.pending.payload_checksum = internal::Checksum(payload);
  uint8_t header[layout::kBlockHeaderSize];
  internal::EncodeBlockHeader(m.pending, header);
  BlockInfo info;
  info.dump_id = m.pending.dump_id;
  info.seq = m.pending.seq;
  info.raw_len = m.pending.raw_len;
  info.stored_len = m.pending.stored_len;
  info.rows = m.pending.rows;
  info.last = last;
  return writer_->WriteBlock(header, payload, info);
}

EntryStream::EntryStream(ArchiveWriter* writer, uint32_t dump_id, std::unique_ptr<Impl> impl)
    : writer_(writer), dump_id_(dump_id), impl_(std::move(impl)) {}

EntryStream::~EntryStream() = default;

Status EntryStream::AppendBlock(std::string_view raw, uint32_t rows) {
  if (closed_) return Status::InvalidArgument(EntryLabel(dump_id_) + ": AppendBlock after Close");
  if (raw.size() > kMaxBlockRaw) {
    return Status::InvalidArgument(EntryLabel(dump_id_) + ": block of " +
                                   std::to_string(raw.size()) + " bytes exceeds the limit of " +
                                   std::to_string(kMaxBlockRaw));
  }
  if (raw.empty()) return Status::Ok();  // §7.1: empty blocks are never written
  if (next_seq_ == std::numeric_limits<uint32_t>::max()) {
    return Status::InvalidArgument(EntryLabel(dump_id_) + ": too many blocks");
  }

  // §5.2: compressed only when that makes it shorter. This runs outside the writer's lock.
  std::string_view stored = raw;
  uint8_t flags = 0;
  if (impl_->cctx != nullptr) {
    ASSIGN_OR_RETURN(const bool shrunk,
                     internal::Compress(impl_->cctx.get(), raw, &impl_->compressed));
    if (shrunk) {
      stored = impl_->compressed;
      flags = layout::kBlockFlagZstd;
    }
  }
  XXH3_64bits_update(impl_->hash.get(), raw.data(), raw.size());
  if (impl_->rows) impl_->rows->Update(raw);

  BlockHeader h;
  h.kind = layout::kKindData;
  h.flags = flags;
  h.dump_id = dump_id_;
  h.seq = next_seq_;
  h.raw_len = static_cast<uint32_t>(raw.size());
  h.stored_len = static_cast<uint32_t>(stored.size());
  h.rows = rows;  // the payload checksum is WritePending's, over the bytes it writes
  // §7.4: another block follows the held one, so the held one is not the last.
  if (impl_->has_pending) RETURN_IF_ERROR(WritePending(false));
  impl_->pending = h;
  impl_->has_pending = true;
  ++next_seq_;
  if (!writer_->mark_entry_ends()) {
    impl_->pending_view = stored;  // written at once: the caller's bytes are still there
    return WritePending(false);
  }
  if (flags != 0) {
    impl_->pending_stored.swap(impl_->compressed);
  } else {
    impl_->pending_stored.assign(raw);
  }
  impl_->pending_view = impl_->pending_stored;
  return writer_->first_error();  // a held block still owes the caller an earlier failure
}

RowForm EntryStream::FinishFingerprint(RowFingerprint* out) {
  // A stream the hasher cannot read as its form (never from a server) gets no fingerprint,
  // rather than one that would fail every check.
  if (!impl_->rows || !impl_->rows->Finish(out)) return RowForm::kNone;
  return impl_->form;
}

Status EntryStream::Close() {
  if (closed_) return Status::InvalidArgument(EntryLabel(dump_id_) + ": stream closed twice");
  closed_ = true;
  // §7.4: the held block is the entry's last.
  const Status st = impl_->has_pending ? WritePending(true) : Status::Ok();
  // The stream is closed either way; a sink failure is sticky and EndStream returns it too.
  RowFingerprint fingerprint;
  const RowForm form = FinishFingerprint(&fingerprint);
  const Status end =
      writer_->EndStream(dump_id_, XXH3_64bits_digest(impl_->hash.get()), form, fingerprint);
  return st.ok() ? end : st;
}

Result<std::unique_ptr<ArchiveWriter>> ArchiveWriter::Create(ByteSink* sink,
                                                             const ArchiveHeader& header,
                                                             const std::vector<TocEntry>& toc,
                                                             const WriterOptions& options) {
  if (sink == nullptr) return Status::InvalidArgument("ArchiveWriter needs a sink");
  if (options.compression != layout::kCompressionNone &&
      options.compression != layout::kCompressionZstd) {
    return Status::InvalidArgument("unknown compression method " +
                                   std::to_string(options.compression));
  }
  internal::CCtxPtr cctx;
  if (options.compression == layout::kCompressionZstd) {
    ASSIGN_OR_RETURN(cctx, internal::NewCCtx(options.compression_level));
  }

  std::unordered_set<uint32_t> ids;
  for (const TocEntry& e : toc) {
    if (e.dump_id == 0) return Status::InvalidArgument("TOC entry with dump id 0");
    if (!ids.insert(e.dump_id).second) {
      return Status::InvalidArgument("dump id " + std::to_string(e.dump_id) + " used twice");
    }
    if (static_cast<uint8_t>(e.section) > static_cast<uint8_t>(Section::kPostData)) {
      return Status::InvalidArgument(EntryLabel(e.dump_id) + ": invalid section");
    }
    if (e.index_sql.empty() != e.attach_sql.empty()) {
      return Status::InvalidArgument(EntryLabel(e.dump_id) +
                                     ": index_sql and attach_sql go together");
    }
    if (Status st = internal::CheckCharColumns(e); !st.ok()) {
      return Status::InvalidArgument(EntryLabel(e.dump_id) + ": " + st.message());
    }
  }

  ArchiveHeader h = header;
  h.compression = options.compression;
  h.compression_level = options.compression_level;
  // §12: 1.5 for the fingerprint fields of the index (§8.3); an archive without them is the
  // archive an older writer wrote, time_zone (which only they need) left out.
  uint16_t minor = internal::TocMinorVersion(toc);
  if (options.fingerprint_rows) {
    minor = std::max<uint16_t>(minor, 5);
  } else {
    h.time_zone.clear();
  }
  uint32_t flags = internal::TocHeaderFlags(toc, options.mark_entry_ends);
  std::unique_ptr<internal::BlockCipher> cipher;
  if (options.encryption.enabled()) {  // §15: 1.7, the flag and the encryption field
    ASSIGN_OR_RETURN(cipher, internal::BlockCipher::ForWriting(options.encryption, &h.encryption));
    flags |= layout::kHeaderFlagEncrypted;
  }
  const std::string header_bytes = internal::EncodeHeader(h, flags, minor);
  if (header_bytes.size() - layout::kHeaderFixedSize - layout::kChecksumSize >
      layout::kMaxHeaderFields) {
    return Status::InvalidArgument("archive header fields exceed 1 MiB");
  }
  ASSIGN_OR_RETURN(std::string toc_block, internal::EncodeTocBlock(cctx.get(), toc));
  if (cipher) {
    cipher->SetHeader(
        std::string_view(header_bytes).substr(0, header_bytes.size() - layout::kChecksumSize));
    toc_block = internal::SealWholeBlock(*cipher, toc_block);
  }

  std::unique_ptr<ArchiveWriter> w(new ArchiveWriter());
  w->sink_ = sink;
  w->options_ = options;
  w->cipher_ = std::move(cipher);
  w->header_checksum_ = internal::LoadU64(internal::Bytes(header_bytes) + header_bytes.size() -
                                          layout::kChecksumSize);
  for (const TocEntry& e : toc) {
    if (!e.has_data()) continue;
    w->stats_index_[e.dump_id] = w->stats_.size();
    EntryStats s;
    s.dump_id = e.dump_id;
    s.content_hash = layout::kEmptyContentHash;  // §7.3, until a stream closes
    w->stats_.push_back(s);
    w->forms_.push_back(options.fingerprint_rows ? RowFormOf(e.copy_sql) : RowForm::kNone);
  }
  w->stream_state_.assign(w->stats_.size(), kUnopened);
  {
    std::lock_guard<std::mutex> lock(w->mu_);
    RETURN_IF_ERROR(w->WriteLocked(header_bytes.data(), header_bytes.size()));
    RETURN_IF_ERROR(w->WriteLocked(toc_block.data(), toc_block.size()));
  }
  return w;
}

ArchiveWriter::~ArchiveWriter() = default;

Result<std::unique_ptr<EntryStream>> ArchiveWriter::OpenStream(uint32_t dump_id) {
  // Built before taking the lock: allocation failure must not leave the entry marked open.
  auto impl = std::make_unique<EntryStream::Impl>();
  impl->hash.reset(XXH3_createState());
  if (impl->hash == nullptr) return Status::Internal("out of memory creating a hash state");
  XXH3_64bits_reset(impl->hash.get());
  if (options_.compression == layout::kCompressionZstd) {
    ASSIGN_OR_RETURN(impl->cctx, internal::NewCCtx(options_.compression_level));
  }

  std::lock_guard<std::mutex> lock(mu_);
  if (!sticky_error_.ok()) return sticky_error_;
  if (finished_) return Status::InvalidArgument("OpenStream after Finish");
  const auto it = stats_index_.find(dump_id);
  if (it == stats_index_.end()) {
    return Status::InvalidArgument(EntryLabel(dump_id) + " is not a TOC entry with data");
  }
  impl->form = forms_[it->second];
  if (impl->form != RowForm::kNone) impl->rows = std::make_unique<RowHasher>(impl->form);
  if (stream_state_[it->second] != kUnopened) {
    return Status::InvalidArgument(EntryLabel(dump_id) + ": stream opened twice");
  }
  stream_state_[it->second] = kOpen;
  return std::unique_ptr<EntryStream>(new EntryStream(this, dump_id, std::move(impl)));
}

Status ArchiveWriter::WriteLocked(const void* data, size_t n) {
  if (!sticky_error_.ok()) return sticky_error_;
  Status st = sink_->Write(data, n);
  if (!st.ok()) {
    sticky_error_ = st;
    return st;
  }
  offset_ += n;
  return Status::Ok();
}

Status ArchiveWriter::WriteBlock(const uint8_t* header, std::string_view stored,
                                 const BlockInfo& info) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!sticky_error_.ok()) return sticky_error_;
  if (blocks_.size() == std::numeric_limits<uint32_t>::max()) {
    return Status::InvalidArgument("too many blocks in one archive");  // §13
  }
  BlockInfo b = info;
  b.offset = offset_;
  RETURN_IF_ERROR(WriteLocked(header, layout::kBlockHeaderSize));
  RETURN_IF_ERROR(WriteLocked(stored.data(), stored.size()));
  blocks_.push_back(b);
  EntryStats& s = stats_[stats_index_.at(b.dump_id)];
  s.blocks += 1;
  s.rows += b.rows;
  s.raw_bytes += b.raw_len;
  s.stored_bytes += b.stored_len;
  return Status::Ok();
}

Status ArchiveWriter::EndStream(uint32_t dump_id, uint64_t content_hash, RowForm form,
                                const RowFingerprint& fingerprint) {
  std::lock_guard<std::mutex> lock(mu_);
  const size_t i = stats_index_.at(dump_id);
  stats_[i].content_hash = content_hash;
  stats_[i].fingerprint_form = form;
  stats_[i].fingerprint = fingerprint;
  stream_state_[i] = kClosed;
  return sticky_error_;
}

Status ArchiveWriter::Finish() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!sticky_error_.ok()) return sticky_error_;
  if (finished_) return Status::InvalidArgument("Finish called twice");
  for (size_t i = 0; i < stats_.size(); ++i) {
    if (stream_state_[i] == kOpen) {
      return Status::InvalidArgument(EntryLabel(stats_[i].dump_id) + ": stream not closed");
    }
  }

  // §8: the index, compressed like everything else.
  const std::string payload = internal::EncodeIndex(blocks_, stats_, options_.fingerprint_rows);
  if (payload.size() > std::numeric_limits<uint32_t>::max()) {
    return Status::InvalidArgument("the block index exceeds 4 GiB");  // §13
  }
  internal::CCtxPtr cctx;
  if (options_.compression == layout::kCompressionZstd) {
    ASSIGN_OR_RETURN(cctx, internal::NewCCtx(options_.compression_level));
  }
  ASSIGN_OR_RETURN(std::string index_block,
                   internal::EncodeBlock(cctx.get(), layout::kKindIndex, 0, 0, 0, payload));

  // §9: the footer points back at the index.
  internal::Footer f;
  f.index_offset = offset_;
  f.index_length = index_block.size() + (cipher_ ? internal::kSealOverhead : 0);
  f.block_count = blocks_.size();
  f.header_checksum = header_checksum_;
  uint8_t footer[layout::kFooterSize];
  internal::EncodeFooter(f, footer);
  if (cipher_) {  // §15.4: the index is sealed with the footer's fields as associated data
    index_block = internal::SealWholeBlock(
        *cipher_, index_block,
        std::string_view(reinterpret_cast<const char*>(footer) + internal::kFooterBoundFrom,
                         internal::kFooterBoundTo - internal::kFooterBoundFrom));
  }

  RETURN_IF_ERROR(WriteLocked(index_block.data(), index_block.size()));
  RETURN_IF_ERROR(WriteLocked(footer, sizeof footer));
  finished_ = true;
  Status st = sink_->Commit();
  if (!st.ok()) sticky_error_ = st;
  return st;
}

Status ArchiveWriter::first_error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sticky_error_;
}

uint64_t ArchiveWriter::bytes_written() const {
  std::lock_guard<std::mutex> lock(mu_);
  return offset_;
}

}  // namespace libdump::format
