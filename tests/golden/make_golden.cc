// make_golden: writes the golden archives of tests/golden with the current writer.
//
//   make_golden DIR
//
// Writes every golden archive that DIR does not have yet and never touches one that exists
// (README.md: golden files are only ever added). For an existing file it says whether the
// current writer would still produce the same bytes; a difference is not an error (the old file
// must still read back, which golden_test checks), but worth knowing.
//
// The valid archives come from the writer and golden_content.h. The must-fail ones are a valid
// archive with one defect each, made with the format's internal codec where a defect needs
// checksums recomputed (so that the defect itself is what a reader meets).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "codec.h"
#include "golden_content.h"
#include "layout.h"
#include "libdump/format/archive.h"
#include "libdump/format/byte_io.h"

namespace {

using libdump::MemorySink;
using libdump::MemorySource;
using libdump::format::ArchiveReader;
using libdump::format::ArchiveWriter;
using libdump::format::BlockInfo;
using libdump::format::EntryStream;
using libdump::format::WriterOptions;
namespace internal = libdump::format::internal;
namespace layout = libdump::format::layout;

bool Fail(const std::string& what) {
  std::fprintf(stderr, "make_golden: %s\n", what.c_str());
  return false;
}

// The golden TOC and blocks through the real writer, streams interleaved as GoldenBlocks says.
bool WriteGolden(const WriterOptions& options, bool with_content, std::string* out,
                 const libdump::format::ArchiveHeader& header = ndump_golden::GoldenHeader()) {
  MemorySink sink;
  const std::vector<libdump::format::TocEntry> toc =
      with_content ? ndump_golden::GoldenToc() : std::vector<libdump::format::TocEntry>{};
  auto w = ArchiveWriter::Create(&sink, header, toc, options);
  if (!w.ok()) return Fail(w.status().ToString());
  if (with_content) {
    std::vector<std::unique_ptr<EntryStream>> streams;
    auto stream_of = [&](uint32_t id) -> EntryStream* {
      for (auto& s : streams) {
        if (s->dump_id() == id) return s.get();
      }
      auto s = (*w)->OpenStream(id);
      if (!s.ok()) return nullptr;
      streams.push_back(std::move(*s));
      return streams.back().get();
    };
    for (const ndump_golden::GoldenBlock& b : ndump_golden::GoldenBlocks()) {
      EntryStream* s = stream_of(b.dump_id);
      if (s == nullptr) return Fail("cannot open a stream");
      const libdump::Status st = s->AppendBlock(b.raw, b.rows);
      if (!st.ok()) return Fail(st.ToString());
    }
    for (auto& s : streams) {
      const libdump::Status st = s->Close();
      if (!st.ok()) return Fail(st.ToString());
    }
  }
  const libdump::Status st = (*w)->Finish();
  if (!st.ok()) return Fail(st.ToString());
  *out = sink.data();
  return true;
}

// Where the parts of a valid archive are.
struct Parts {
  size_t header_size = 0;
  std::vector<BlockInfo> blocks;
  uint64_t index_offset = 0;
  uint64_t footer_offset = 0;
};

bool FindParts(const std::string& bytes, Parts* p) {
  MemorySource src(bytes);
  auto r = ArchiveReader::Open(&src);
  if (!r.ok()) return Fail(r.status().ToString());
  const libdump::Status st = (*r)->LoadIndex();
  if (!st.ok()) return Fail(st.ToString());
  p->header_size = layout::kHeaderFixedSize + internal::LoadU32(internal::Bytes(bytes) + 16) +
                   layout::kChecksumSize;
  p->blocks = (*r)->blocks();
  p->footer_offset = bytes.size() - layout::kFooterSize;
  p->index_offset = internal::LoadU64(internal::Bytes(bytes) + p->footer_offset + 8);
  return p->blocks.size() >= 3;
}

std::string Flip(std::string bytes, uint64_t at) {
  bytes[at] = static_cast<char>(bytes[at] ^ 0x20);
  return bytes;
}

uint8_t* Raw(std::string& bytes) { return reinterpret_cast<uint8_t*>(bytes.data()); }

// The header checksum recomputed after an edit of the fixed part or fields.
void ResealHeader(std::string& bytes, size_t header_size) {
  const size_t covered = header_size - layout::kChecksumSize;
  internal::StoreU64(Raw(bytes) + covered, internal::Checksum(bytes.data(), covered));
}

struct Golden {
  std::string name;
  std::string bytes;
};

std::vector<Golden> Damaged(const std::string& good) {
  Parts p;
  if (!FindParts(good, &p)) return {};
  const BlockInfo& b1 = p.blocks[1];
  const BlockInfo& b2 = p.blocks[2];
  const uint64_t toc_payload = p.header_size + layout::kBlockHeaderSize;
  std::vector<Golden> out;

  std::string magic = good;
  magic[1] = 'X';
  out.push_back({"bad-magic.ndump", magic});

  std::string major = good;
  internal::StoreU16(Raw(major) + 8, 2);  // checked before the checksum: no reseal needed
  out.push_back({"bad-future-major.ndump", major});

  std::string hflag = good;
  internal::StoreU32(Raw(hflag) + 12, internal::LoadU32(Raw(hflag) + 12) | 0x100);
  ResealHeader(hflag, p.header_size);
  out.push_back({"bad-unknown-header-flag.ndump", hflag});

  std::string bflag = good;
  uint8_t* bh = Raw(bflag) + b1.offset;
  bh[1] = static_cast<uint8_t>(bh[1] | 0x40);
  internal::StoreU64(bh + 32, internal::Checksum(bh, layout::kBlockHeaderCovered));
  out.push_back({"bad-unknown-block-flag.ndump", bflag});

  out.push_back({"bad-truncated-header.ndump", good.substr(0, 15)});
  out.push_back({"bad-truncated-block.ndump",
                 good.substr(0, b1.offset + layout::kBlockHeaderSize + b1.stored_len / 2)});
  out.push_back({"bad-no-footer.ndump", good.substr(0, p.index_offset)});
  out.push_back({"bad-truncated-footer.ndump", good.substr(0, good.size() - 10)});
  out.push_back({"bad-trailing-data.ndump", good + "extra\n"});
  out.push_back({"bad-flip-header.ndump", Flip(good, layout::kHeaderFixedSize + 10)});
  out.push_back({"bad-flip-toc.ndump", Flip(good, toc_payload + 5)});
  out.push_back({"bad-flip-block-header.ndump", Flip(good, b2.offset + 4)});
  out.push_back(
      {"bad-flip-block-payload.ndump", Flip(good, b2.offset + layout::kBlockHeaderSize + 3)});
  out.push_back(
      {"bad-flip-index.ndump", Flip(good, p.index_offset + layout::kBlockHeaderSize + 2)});
  out.push_back({"bad-flip-footer.ndump", Flip(good, p.footer_offset + 24)});
  return out;
}

bool ReadWhole(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

// Creates `path` with `bytes`, or reports that it exists (never replacing it).
bool Emit(const std::string& dir, const Golden& g) {
  const std::string path = dir + "/" + g.name;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno != EEXIST) return Fail("cannot create " + path + ": " + std::strerror(errno));
    std::string existing;
    const bool same = ReadWhole(path, &existing) && existing == g.bytes;
    std::printf("kept     %s (%s)\n", g.name.c_str(),
                same ? "the writer still makes these bytes" : "the writer now makes other bytes");
    return true;
  }
  size_t done = 0;
  while (done < g.bytes.size()) {
    const ssize_t w = ::write(fd, g.bytes.data() + done, g.bytes.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      ::close(fd);
      return Fail("cannot write " + path + ": " + std::strerror(errno));
    }
    done += static_cast<size_t>(w);
  }
  if (::close(fd) != 0) return Fail("cannot write " + path + ": " + std::strerror(errno));
  std::printf("written  %s (%zu bytes)\n", g.name.c_str(), g.bytes.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_golden DIR\n");
    return 2;
  }
  WriterOptions zstd;
  zstd.compression = 1;
  zstd.compression_level = 3;
  WriterOptions plain = zstd;
  plain.compression = 0;
  WriterOptions v10 = zstd;
  v10.mark_entry_ends = false;

  std::vector<Golden> all(4);
  all[0].name = "v1.1-small.ndump";
  all[1].name = "v1.1-uncompressed.ndump";
  all[2].name = "v1.0-small.ndump";
  all[3].name = "v1.1-empty.ndump";
  if (!WriteGolden(zstd, true, &all[0].bytes) || !WriteGolden(plain, true, &all[1].bytes) ||
      !WriteGolden(v10, true, &all[2].bytes) || !WriteGolden(zstd, false, &all[3].bytes)) {
    return 1;
  }
  const std::vector<Golden> damaged = Damaged(all[0].bytes);
  if (damaged.empty()) return Fail("cannot derive the damaged archives") ? 0 : 1;
  all.insert(all.end(), damaged.begin(), damaged.end());
  // Format 1.5: row fingerprints in the index, the time zone in the header.
  WriterOptions v15 = zstd;
  v15.fingerprint_rows = true;
  all.push_back({"v1.5-fingerprints.ndump", ""});
  if (!WriteGolden(v15, true, &all.back().bytes, ndump_golden::GoldenHeaderV15())) return 1;
  for (const Golden& g : all) {
    if (!Emit(argv[1], g)) return 1;
  }
  return 0;
}
