#include "compression.h"

#include <zstd_errors.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "codec.h"
#include "layout.h"

namespace libdump::format::internal {
namespace {

// One decompression context per thread: ReadBlock runs on many threads at once and a context
// must not be shared, while creating one per block would cost an allocation each time.
ZSTD_DCtx* ThreadDCtx() {
  struct Holder {
    ZSTD_DCtx* dctx = ZSTD_createDCtx();
    ~Holder() { ZSTD_freeDCtx(dctx); }
  };
  thread_local Holder holder;
  return holder.dctx;
}

std::string Prefix(std::string_view where) {
  std::string s(where);
  s += ": ";
  return s;
}

}  // namespace

Result<CCtxPtr> NewCCtx(int level) {
  if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel()) {
    return Status::InvalidArgument("zstd compression level " + std::to_string(level) +
                                   " is outside " + std::to_string(ZSTD_minCLevel()) + ".." +
                                   std::to_string(ZSTD_maxCLevel()));
  }
  CCtxPtr cctx(ZSTD_createCCtx());
  if (cctx == nullptr) return Status::Internal("out of memory creating a zstd context");
  size_t rc = ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_compressionLevel, level);
  // §5.2: the frame records its content size, and carries no checksum of its own.
  if (!ZSTD_isError(rc)) rc = ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_contentSizeFlag, 1);
  if (!ZSTD_isError(rc)) rc = ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_checksumFlag, 0);
  if (ZSTD_isError(rc)) {
    return Status::InvalidArgument(std::string("zstd rejected the parameters: ") +
                                   ZSTD_getErrorName(rc));
  }
  return cctx;
}

Result<bool> Compress(ZSTD_CCtx* cctx, std::string_view raw, std::string* out) {
  // §5.2: a frame that is not shorter than the content is not kept. Giving zstd one byte less
  // than the content as room makes it stop early with dstSize_tooSmall instead of producing a
  // frame only to throw it away.
  out->resize(raw.size() - 1);
  const size_t n = ZSTD_compress2(cctx, out->data(), out->size(), raw.data(), raw.size());
  if (ZSTD_isError(n)) {
    if (ZSTD_getErrorCode(n) == ZSTD_error_dstSize_tooSmall) return false;
    return Status::Internal(std::string("zstd compression failed: ") + ZSTD_getErrorName(n));
  }
  out->resize(n);
  return true;
}

Status Decompress(std::string_view stored, uint32_t raw_len, std::string_view where,
                  std::string* raw) {
  ZSTD_DCtx* dctx = ThreadDCtx();
  if (dctx == nullptr) return Status::Internal("out of memory creating a zstd context");
  // §5.2: exactly one frame, filling the payload.
  const size_t frame = ZSTD_findFrameCompressedSize(stored.data(), stored.size());
  if (ZSTD_isError(frame) || frame != stored.size()) {
    return Status::Corruption(Prefix(where) + "payload is not exactly one zstd frame");
  }
  // The frame's own content size, when it has one, must agree before raw_len bytes are
  // allocated: a damaged (or hostile) header must not make a 4 GiB allocation out of a few bytes.
  const unsigned long long declared = ZSTD_getFrameContentSize(stored.data(), stored.size());
  if (declared == ZSTD_CONTENTSIZE_ERROR) {
    return Status::Corruption(Prefix(where) + "payload is not exactly one zstd frame");
  }
  if (declared != ZSTD_CONTENTSIZE_UNKNOWN) {
    if (declared != raw_len) {
      return Status::Corruption(Prefix(where) + "zstd frame holds " + std::to_string(declared) +
                                " bytes, expected " + std::to_string(raw_len));
    }
    raw->resize(raw_len);
    const size_t n =
        ZSTD_decompressDCtx(dctx, raw->data(), raw->size(), stored.data(), stored.size());
    if (ZSTD_isError(n)) {
      return Status::Corruption(Prefix(where) + "zstd: " + ZSTD_getErrorName(n));
    }
    if (n != raw_len) {
      return Status::Corruption(Prefix(where) + "decompressed to " + std::to_string(n) +
                                " bytes, expected " + std::to_string(raw_len));
    }
    return Status::Ok();
  }
  // §5.2 only recommends the content size. Without it the output grows with what the frame
  // really produces, up to raw_len, instead of being allocated up front.
  size_t rc = ZSTD_DCtx_reset(dctx, ZSTD_reset_session_only);
  if (ZSTD_isError(rc)) return Status::Internal(std::string("zstd: ") + ZSTD_getErrorName(rc));
  raw->clear();
  ZSTD_inBuffer in{stored.data(), stored.size(), 0};
  size_t produced = 0;
  for (;;) {
    const size_t room = std::min<size_t>(raw_len - produced, size_t{1} << 20);
    raw->resize(produced + room + 1);  // one byte more than allowed, to see an overlong frame
    ZSTD_outBuffer out{raw->data() + produced, room + 1, 0};
    const size_t in_before = in.pos;
    rc = ZSTD_decompressStream(dctx, &out, &in);
    if (ZSTD_isError(rc)) {
      return Status::Corruption(Prefix(where) + "zstd: " + ZSTD_getErrorName(rc));
    }
    produced += out.pos;
    if (produced > raw_len) {
      return Status::Corruption(Prefix(where) + "decompresses to more than " +
                                std::to_string(raw_len) + " bytes");
    }
    if (rc == 0) break;                         // the frame is complete
    if (out.pos == 0 && in.pos == in_before) {  // no progress: the frame is cut short
      return Status::Corruption(Prefix(where) + "zstd frame ends early");
    }
  }
  raw->resize(produced);
  if (produced != raw_len) {
    return Status::Corruption(Prefix(where) + "decompressed to " + std::to_string(produced) +
                              " bytes, expected " + std::to_string(raw_len));
  }
  return Status::Ok();
}

namespace {

// §5.1: the block header for `stored` followed by `stored`.
std::string AssembleBlock(uint8_t kind, uint32_t dump_id, uint32_t seq, uint32_t rows,
                          size_t raw_len, bool zstd, std::string_view stored) {
  BlockHeader h;
  h.kind = kind;
  h.flags = zstd ? layout::kBlockFlagZstd : 0;
  h.dump_id = dump_id;
  h.seq = seq;
  h.raw_len = static_cast<uint32_t>(raw_len);
  h.stored_len = static_cast<uint32_t>(stored.size());
  h.rows = rows;
  h.payload_checksum = Checksum(stored);
  std::string out(layout::kBlockHeaderSize + stored.size(), '\0');
  EncodeBlockHeader(h, reinterpret_cast<uint8_t*>(out.data()));
  std::memcpy(out.data() + layout::kBlockHeaderSize, stored.data(), stored.size());
  return out;
}

}  // namespace

Result<std::string> EncodeBlock(ZSTD_CCtx* cctx, uint8_t kind, uint32_t dump_id, uint32_t seq,
                                uint32_t rows, std::string_view raw) {
  std::string compressed;
  bool use_zstd = false;
  if (cctx != nullptr && !raw.empty()) {
    ASSIGN_OR_RETURN(use_zstd, Compress(cctx, raw, &compressed));
  }
  return AssembleBlock(kind, dump_id, seq, rows, raw.size(), use_zstd,
                       use_zstd ? std::string_view(compressed) : raw);
}

Result<std::string> EncodeTocBlock(ZSTD_CCtx* cctx, const std::vector<TocEntry>& toc) {
  // First pass: the payload's length, which the frame header records (§5.2) and which must be
  // known before the first byte is compressed. One entry at a time, like the second pass.
  std::string piece;
  uint64_t raw_len = 4;  // entry_count
  for (const TocEntry& e : toc) {
    piece.clear();
    AppendTocEntry(&piece, e);
    raw_len += piece.size();
  }
  if (raw_len > std::numeric_limits<uint32_t>::max()) {
    return Status::InvalidArgument("the TOC exceeds 4 GiB");  // §13
  }
  if (cctx != nullptr) {
    // Second pass: the entries go to zstd as they are encoded, under the same parameters as a
    // one-shot compression of the whole payload, its content size pledged for the frame header.
    size_t rc = ZSTD_CCtx_reset(cctx, ZSTD_reset_session_only);
    if (!ZSTD_isError(rc)) rc = ZSTD_CCtx_setPledgedSrcSize(cctx, raw_len);
    if (ZSTD_isError(rc)) return Status::Internal(std::string("zstd: ") + ZSTD_getErrorName(rc));
    std::string frame;
    // Compresses `in`, or with ZSTD_e_end ends the frame. False once the frame is no shorter
    // than the payload: then the payload is stored raw (§5.2), and compressing further is moot.
    auto feed = [&](std::string_view in, ZSTD_EndDirective directive) -> Result<bool> {
      ZSTD_inBuffer input{in.data(), in.size(), 0};
      for (;;) {
        const size_t used = frame.size();
        frame.resize(used + ZSTD_CStreamOutSize());
        ZSTD_outBuffer output{frame.data() + used, frame.size() - used, 0};
        const size_t left = ZSTD_compressStream2(cctx, &output, &input, directive);
        frame.resize(used + output.pos);
        if (ZSTD_isError(left)) {
          return Status::Internal(std::string("zstd compression failed: ") +
                                  ZSTD_getErrorName(left));
        }
        if (frame.size() >= raw_len) return false;
        const bool done = directive == ZSTD_e_end ? left == 0 : input.pos == input.size;
        if (done) return true;
      }
    };
    // Entries go to zstd in batches of about one zstd block: a call per entry took twice as
    // long as compressing the whole payload at once.
    constexpr size_t kBatch = 128 << 10;
    piece.clear();
    AppendU32(&piece, static_cast<uint32_t>(toc.size()));
    bool shorter = true;
    for (size_t i = 0; shorter && i < toc.size(); ++i) {
      AppendTocEntry(&piece, toc[i]);
      if (piece.size() >= kBatch) {
        ASSIGN_OR_RETURN(shorter, feed(piece, ZSTD_e_continue));
        piece.clear();
      }
    }
    if (shorter) {
      ASSIGN_OR_RETURN(shorter, feed(piece, ZSTD_e_end));
    }
    if (shorter) return AssembleBlock(layout::kKindToc, 0, 0, 0, raw_len, true, frame);
  }
  // Stored raw: the payload is the block.
  return AssembleBlock(layout::kKindToc, 0, 0, 0, raw_len, false, EncodeToc(toc));
}

}  // namespace libdump::format::internal
