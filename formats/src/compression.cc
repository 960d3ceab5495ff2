#include "compression.h"

#include <zstd_errors.h>

#include <algorithm>
#include <cstring>

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

Result<std::string> EncodeBlock(ZSTD_CCtx* cctx, uint8_t kind, uint32_t dump_id, uint32_t seq,
                                uint32_t rows, std::string_view raw) {
  std::string compressed;
  bool use_zstd = false;
  if (cctx != nullptr && !raw.empty()) {
    ASSIGN_OR_RETURN(use_zstd, Compress(cctx, raw, &compressed));
  }
  const std::string_view stored = use_zstd ? std::string_view(compressed) : raw;
  BlockHeader h;
  h.kind = kind;
  h.flags = use_zstd ? layout::kBlockFlagZstd : 0;
  h.dump_id = dump_id;
  h.seq = seq;
  h.raw_len = static_cast<uint32_t>(raw.size());
  h.stored_len = static_cast<uint32_t>(stored.size());
  h.rows = rows;
  h.payload_checksum = Checksum(stored);
  std::string out(layout::kBlockHeaderSize + stored.size(), '\0');
  EncodeBlockHeader(h, reinterpret_cast<uint8_t*>(out.data()));
  std::memcpy(out.data() + layout::kBlockHeaderSize, stored.data(), stored.size());
  return out;
}

}  // namespace libdump::format::internal
