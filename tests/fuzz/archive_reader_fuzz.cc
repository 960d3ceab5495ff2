// libFuzzer target for ArchiveReader (scripts/fuzz.sh builds and runs it).
//
// Every input is read twice: as it is, and with every checksum it has recomputed ("resealed"),
// so that mutations reach the structural checks and decoders behind the checksums instead of
// stopping at the first checksum mismatch. Each version is read every way the library reads
// archives: open + index + ReadBlock of every block + Verify on a seekable source, NextBlock to
// the end and Verify on a pipe.
//
// Besides the sanitizers, the readers must agree with one another (a crash otherwise):
//   - a Verify of the same bytes fails or succeeds identically on a file and on a pipe;
//   - when Verify accepts an archive, LoadIndex and every ReadBlock accept it too, and the data
//     read at random equals the data read sequentially.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>

#include "codec.h"
#include "layout.h"
#include "libdump/format/archive.h"
#include "libdump/format/byte_io.h"

namespace {

using libdump::MemorySource;
using libdump::Status;
using libdump::format::ArchiveReader;
using libdump::format::BlockInfo;
namespace internal = libdump::format::internal;
namespace layout = libdump::format::layout;

[[noreturn]] void Disagree(const char* what, const Status& a, const Status& b) {
  std::fprintf(stderr, "archive_reader_fuzz: %s\n  first:  %s\n  second: %s\n", what,
               a.ToString().c_str(), b.ToString().c_str());
  std::abort();
}

uint8_t* At(std::string& s, size_t offset) { return reinterpret_cast<uint8_t*>(s.data()) + offset; }

// Recomputes the header checksum, each block's payload and header checksums, and the footer's
// checksums, walking the structure as far as the lengths in it allow.
std::string Reseal(std::string s) {
  const size_t n = s.size();
  if (n < layout::kHeaderFixedSize) return s;
  const uint64_t fields = internal::LoadU32(At(s, 16));
  const uint64_t covered = layout::kHeaderFixedSize + fields;
  if (covered + layout::kChecksumSize > n) return s;
  internal::StoreU64(At(s, covered), internal::Checksum(s.data(), covered));
  const uint64_t header_checksum = internal::LoadU64(At(s, covered));
  uint64_t pos = covered + layout::kChecksumSize;
  while (pos + layout::kBlockHeaderSize <= n) {
    uint8_t* h = At(s, pos);
    const uint64_t stored = internal::LoadU32(h + 16);
    const uint64_t payload = pos + layout::kBlockHeaderSize;
    if (payload + stored > n) break;
    internal::StoreU64(h + 24, internal::Checksum(s.data() + payload, stored));
    internal::StoreU64(h + 32, internal::Checksum(h, layout::kBlockHeaderCovered));
    pos = payload + stored;
    if (h[0] == layout::kKindIndex) break;
  }
  // The footer: wherever the walk ended, and at the very end.
  for (uint64_t f : {pos, n >= layout::kFooterSize ? n - layout::kFooterSize : n}) {
    if (f + layout::kFooterSize > n) continue;
    if (std::memcmp(At(s, f), layout::kFooterMagic, layout::kMagicSize) != 0) continue;
    internal::StoreU64(At(s, f + 32), header_checksum);
    internal::StoreU64(At(s, f + 40), internal::Checksum(At(s, f), layout::kFooterCovered));
  }
  return s;
}

// Sequential reading from a pipe: each entry's data, or the failure.
Status ReadPipe(const std::string& bytes, std::map<uint32_t, std::string>* data) {
  MemorySource src(bytes);
  src.set_seekable(false);
  auto r = ArchiveReader::Open(&src);
  if (!r.ok()) return r.status();
  BlockInfo info;
  std::string raw;
  for (;;) {
    auto more = (*r)->NextBlock(&info, &raw);
    if (!more.ok()) return more.status();
    if (!*more) return Status::Ok();
    (*data)[info.dump_id] += raw;
  }
}

Status VerifyOn(const std::string& bytes, bool seekable) {
  MemorySource src(bytes);
  src.set_seekable(seekable);
  auto r = ArchiveReader::Open(&src);
  if (!r.ok()) return r.status();
  return (*r)->Verify(nullptr);
}

void Exercise(const std::string& bytes) {
  // Random access: the index, then every block it lists.
  std::map<uint32_t, std::string> random;
  Status index_status;
  Status blocks_status;
  {
    MemorySource src(bytes);
    auto r = ArchiveReader::Open(&src);
    if (r.ok()) {
      index_status = (*r)->LoadIndex();
      if (index_status.ok()) {
        std::string raw;
        for (const BlockInfo& b : (*r)->blocks()) {
          const Status st = (*r)->ReadBlock(b, &raw);
          if (!st.ok()) {
            blocks_status = st;
            break;
          }
          random[b.dump_id] += raw;
        }
        for (const auto& s : (*r)->stats()) (void)(*r)->BlocksOf(s.dump_id);
      }
    }
  }
  std::map<uint32_t, std::string> piped;
  const Status pipe_status = ReadPipe(bytes, &piped);
  const Status verify_file = VerifyOn(bytes, true);
  const Status verify_pipe = VerifyOn(bytes, false);

  if (verify_file.code() != verify_pipe.code() || verify_file.message() != verify_pipe.message()) {
    Disagree("Verify differs between a file and a pipe", verify_file, verify_pipe);
  }
  if (verify_file.ok()) {
    if (!index_status.ok())
      Disagree("Verify accepts, LoadIndex refuses", verify_file, index_status);
    if (!blocks_status.ok())
      Disagree("Verify accepts, ReadBlock refuses", verify_file, blocks_status);
    if (!pipe_status.ok()) Disagree("Verify accepts, NextBlock refuses", verify_file, pipe_status);
    if (random != piped) Disagree("random and sequential data differ", verify_file, pipe_status);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  Exercise(bytes);
  const std::string resealed = Reseal(bytes);
  if (resealed != bytes) Exercise(resealed);
  return 0;
}
