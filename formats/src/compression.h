// zstd compression of block payloads (archive_format.md §2.5, §5.2) and whole-block encoding.
// Internal to libdump_format and its unit tests.
#ifndef LIBDUMP_FORMAT_SRC_COMPRESSION_H_
#define LIBDUMP_FORMAT_SRC_COMPRESSION_H_

#include <zstd.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "libdump/format/archive.h"
#include "libdump/status.h"

namespace libdump::format::internal {

struct CCtxFree {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
using CCtxPtr = std::unique_ptr<ZSTD_CCtx, CCtxFree>;

// A compression context set to `level`. kInvalidArgument for a level zstd rejects, kInternal when
// out of memory.
Result<CCtxPtr> NewCCtx(int level);

// §5.2: compresses `raw` into `out` as one zstd frame. Returns true when the frame is shorter than
// `raw` (then `out` holds it), false when the block must be stored raw (`out` is then garbage).
// `raw` must not be empty.
Result<bool> Compress(ZSTD_CCtx* cctx, std::string_view raw, std::string* out);

// §5.2: decompresses `stored`, which must be exactly one zstd frame, into `raw`, which must come
// out exactly `raw_len` bytes long. Failures are kCorruption prefixed with `where`. Uses a
// decompression context owned by the calling thread.
Status Decompress(std::string_view stored, uint32_t raw_len, std::string_view where,
                  std::string* raw);

// §5: a complete block (header and payload) of `kind` holding `raw`, compressed with `cctx`
// when it is not null and compression shrinks the payload. `raw` must be below 4 GiB.
Result<std::string> EncodeBlock(ZSTD_CCtx* cctx, uint8_t kind, uint32_t dump_id, uint32_t seq,
                                uint32_t rows, std::string_view raw);

// §5, §6.1: the TOC block of `toc`, holding the payload EncodeToc(toc) makes, compressed with
// `cctx` when it is not null and compression shrinks it (else exactly EncodeBlock(nullptr,
// kKindToc, 0, 0, 0, EncodeToc(toc))). With `cctx` the payload goes to zstd ~128 KiB of entries at
// a time and is never held whole (on 10,000 tables it is about 13 MB, beside the TOC itself at
// the writer's start; the frame is a tenth of that). The frame is zstd's streaming output: the
// same content as a one-shot ZSTD_compress2, not always the same bytes. A payload of 4 GiB or
// more is kInvalidArgument.
Result<std::string> EncodeTocBlock(ZSTD_CCtx* cctx, const std::vector<TocEntry>& toc);

}  // namespace libdump::format::internal

#endif  // LIBDUMP_FORMAT_SRC_COMPRESSION_H_
