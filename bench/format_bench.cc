// format_bench: what the archive format costs on top of plain zstd.
//
//   format_bench [--mb N] [--level L] [--runs R]
//
// Generates about N MB (default 200) of COPY-like text in memory: eight tables with integer,
// timestamp, numeric, word-text, hex-id and NULL columns, deterministic. Cuts each table into
// 1 MiB blocks at line ends (as ndump does) and times, on those same blocks:
//   - raw zstd: compressing every block (one reused context per thread; 1 and 2 threads) and
//     decompressing it, with no framing, checksum or I/O at all;
//   - XXH3-64 over every block (the checksum the format adds);
//   - the archive writer into memory, with 1 and 2 threads (threads take whole tables, as
//     `ndump -j 2` does);
//   - the archive reader from memory: sequentially (NextBlock, as a restore from a pipe),
//     a full Verify (NextBlock plus content hashes), and by random access (LoadIndex + ReadBlock,
//     as a restore from a file) with 1 and 2 threads.
// Each figure is the best of R runs (default 3), in MB/s of raw (uncompressed) data, 1 MB = 10^6
// bytes, by wall clock and per CPU-second of the process. Prints a markdown report. Not a test; see
// docs/benchmarks.md ("Archive format cost").
#include <zstd.h>

#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "libdump/format/archive.h"
#include "libdump/format/byte_io.h"

namespace {

using libdump::format::ArchiveReader;
using libdump::format::ArchiveWriter;
using libdump::format::BlockInfo;
using libdump::format::TocEntry;

constexpr size_t kBlock = libdump::format::kDefaultBlockRaw;
constexpr int kTables = 8;

struct Table {
  uint32_t dump_id = 0;
  std::vector<std::string> blocks;
  std::vector<uint32_t> rows;
};

// splitmix64: small, fast and deterministic.
struct Rng {
  uint64_t x;
  uint64_t Next() {
    x += 0x9E3779B97F4A7C15ull;
    uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return Next() % n; }
};

const char* const kWords[] = {
    "order",   "customer", "shipped",   "pending", "invoice", "refund",  "priority", "delivery",
    "express", "standard", "warehouse", "berlin",  "paris",   "lisbon",  "returned", "gift",
    "large",   "small",    "blue",      "green",   "account", "premium", "trial",    "cancelled",
    "the",     "a",        "of",        "and",     "with",    "for",     "to",       "from"};

// One COPY line of table `t`.
void AppendRow(Rng& rng, int t, uint64_t id, std::string* out) {
  char buf[64];
  out->append(std::to_string(id));
  out->push_back('\t');
  // A timestamp in 2024 that grows with the id, as rows inserted over time do.
  const uint64_t s = (id * 37 + rng.Below(600)) % (366ull * 86400);
  std::snprintf(buf, sizeof buf, "2024-%02d-%02d %02d:%02d:%02d+00",
                static_cast<int>(1 + s / 2678400 % 12), static_cast<int>(1 + s / 86400 % 28),
                static_cast<int>(s / 3600 % 24), static_cast<int>(s / 60 % 60),
                static_cast<int>(s % 60));
  out->append(buf);
  out->push_back('\t');
  std::snprintf(buf, sizeof buf, "%llu.%02llu", static_cast<unsigned long long>(rng.Below(100000)),
                static_cast<unsigned long long>(rng.Below(100)));
  out->append(buf);
  out->push_back('\t');
  if (rng.Below(10) < 2) {
    out->append("\\N");
  } else {
    const int words = 2 + static_cast<int>(rng.Below(4 + static_cast<uint64_t>(t) * 3));
    for (int w = 0; w < words; ++w) {
      if (w) out->push_back(' ');
      out->append(kWords[rng.Below(sizeof kWords / sizeof kWords[0])]);
    }
  }
  out->push_back('\t');
  std::snprintf(buf, sizeof buf, "%016llx%08llx", static_cast<unsigned long long>(rng.Next()),
                static_cast<unsigned long long>(rng.Below(1ull << 32)));
  out->append(buf);
  out->push_back('\t');
  out->append(rng.Below(2) ? "t" : "f");
  out->push_back('\n');
}

// About `total` bytes spread over kTables tables of different sizes, in blocks of at most kBlock
// bytes cut at line ends.
std::vector<Table> Generate(size_t total) {
  std::vector<Table> tables(kTables);
  Rng rng{42};
  // Table t gets a share proportional to t + 1.
  const size_t weight_sum = kTables * (kTables + 1) / 2;
  for (int t = 0; t < kTables; ++t) {
    Table& table = tables[static_cast<size_t>(t)];
    table.dump_id = 100 + static_cast<uint32_t>(t);
    const size_t want = total * static_cast<size_t>(t + 1) / weight_sum;
    size_t have = 0;
    uint64_t id = 1;
    std::string block, row;
    uint32_t rows = 0;
    while (have + block.size() < want) {
      row.clear();
      AppendRow(rng, t, id++, &row);
      if (block.size() + row.size() > kBlock) {
        have += block.size();
        table.blocks.push_back(std::move(block));
        table.rows.push_back(rows);
        block.clear();
        rows = 0;
      }
      block += row;
      ++rows;
    }
    if (!block.empty()) {
      table.blocks.push_back(std::move(block));
      table.rows.push_back(rows);
    }
  }
  return tables;
}

std::vector<TocEntry> Toc(const std::vector<Table>& tables) {
  std::vector<TocEntry> toc;
  for (const Table& t : tables) {
    TocEntry e;
    e.dump_id = t.dump_id;
    e.kind = "TABLE DATA";
    e.section = libdump::format::Section::kData;
    e.schema = "bench";
    e.name = "t" + std::to_string(t.dump_id);
    e.copy_sql = "COPY bench." + e.name + " FROM stdin;";
    toc.push_back(e);
  }
  return toc;
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "format_bench: %s\n", what.c_str());
  std::exit(1);
}

void Check(const libdump::Status& st) {
  if (!st.ok()) Die(st.ToString());
}

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

struct Timing {
  double wall = 1e100;  // best wall-clock seconds
  double cpu = 1e100;   // best CPU seconds of the process (all threads)
};

// The best of `runs` calls of `fn`. CPU time is the steadier figure on a shared machine: other
// processes stretch wall time, not the CPU time this one uses.
Timing Best(int runs, const std::function<void()>& fn) {
  Timing best;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = CpuSeconds();
    fn();
    best.cpu = std::min(best.cpu, CpuSeconds() - c0);
    best.wall = std::min(
        best.wall, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

// Runs fn(worker) on `threads` threads and waits.
void Parallel(int threads, const std::function<void(int)>& fn) {
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) pool.emplace_back(fn, i);
  for (auto& t : pool) t.join();
}

std::string WriteArchive(const std::vector<Table>& tables, int level, int threads,
                         bool fingerprints = false) {
  libdump::MemorySink sink;
  sink.mutable_data().reserve(size_t{64} << 20);
  libdump::format::WriterOptions options;
  options.compression_level = level;
  options.fingerprint_rows = fingerprints;
  auto w = ArchiveWriter::Create(&sink, libdump::format::ArchiveHeader(), Toc(tables), options);
  if (!w.ok()) Die(w.status().ToString());
  std::atomic<size_t> next{0};
  Parallel(threads, [&](int) {
    for (size_t i; (i = next++) < tables.size();) {
      auto s = (*w)->OpenStream(tables[i].dump_id);
      if (!s.ok()) Die(s.status().ToString());
      for (size_t b = 0; b < tables[i].blocks.size(); ++b) {
        Check((*s)->AppendBlock(tables[i].blocks[b], tables[i].rows[b]));
      }
      Check((*s)->Close());
    }
  });
  Check((*w)->Finish());
  return std::move(sink.mutable_data());
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const size_t colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  }
  return "unknown";
}

}  // namespace

int main(int argc, char** argv) {
  size_t mb = 200;
  int level = 3;
  int runs = 3;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 < argc && a == "--mb") {
      mb = std::strtoul(argv[++i], nullptr, 10);
    } else if (i + 1 < argc && a == "--level") {
      level = std::atoi(argv[++i]);
    } else if (i + 1 < argc && a == "--runs") {
      runs = std::max(1, std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: format_bench [--mb N] [--level L] [--runs R]\n");
      return 2;
    }
  }

  const std::vector<Table> tables = Generate(mb * 1000000);
  std::vector<const std::string*> blocks;
  uint64_t raw = 0;
  for (const Table& t : tables) {
    for (const std::string& b : t.blocks) {
      blocks.push_back(&b);
      raw += b.size();
    }
  }
  const double raw_mb = static_cast<double>(raw) / 1e6;

  struct Row {
    std::string what;
    Timing t;
  };
  std::vector<Row> rows;
  auto add = [&](std::string what, Timing t) {
    rows.push_back({std::move(what), t});
    std::fprintf(stderr, "  %-46s %8.1f MB/s %8.1f MB/cpu-s\n", rows.back().what.c_str(),
                 raw_mb / t.wall, raw_mb / t.cpu);
  };

  // --- raw zstd on the same blocks ---
  std::vector<std::string> frames(blocks.size());
  auto compress = [&](int threads) {
    Parallel(threads, [&](int w) {
      ZSTD_CCtx* cctx = ZSTD_createCCtx();
      ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
      for (size_t i = static_cast<size_t>(w); i < blocks.size();
           i += static_cast<size_t>(threads)) {
        std::string& out = frames[i];
        out.resize(ZSTD_compressBound(blocks[i]->size()));
        const size_t n =
            ZSTD_compress2(cctx, out.data(), out.size(), blocks[i]->data(), blocks[i]->size());
        if (ZSTD_isError(n)) Die("zstd compression failed");
        out.resize(n);
      }
      ZSTD_freeCCtx(cctx);
    });
  };
  add("zstd compress, 1 thread", Best(runs, [&] { compress(1); }));
  add("zstd compress, 2 threads", Best(runs, [&] { compress(2); }));
  uint64_t zstd_bytes = 0;
  for (const std::string& f : frames) zstd_bytes += f.size();
  std::string out(kBlock, '\0');
  add("zstd decompress, 1 thread", Best(runs, [&] {
        ZSTD_DCtx* dctx = ZSTD_createDCtx();
        for (size_t i = 0; i < frames.size(); ++i) {
          const size_t n =
              ZSTD_decompressDCtx(dctx, out.data(), out.size(), frames[i].data(), frames[i].size());
          if (ZSTD_isError(n) || n != blocks[i]->size()) Die("zstd decompression failed");
        }
        ZSTD_freeDCtx(dctx);
      }));
  uint64_t sink_hash = 0;
  add("XXH3-64 of every block, 1 thread", Best(runs, [&] {
        for (const std::string* b : blocks) sink_hash ^= libdump::format::Checksum64(*b);
      }));
  // archive_format.md §7.6: what ndump adds to each table's data as it passes.
  add("row fingerprints (XXH3-128 per row), 1 thread", Best(runs, [&] {
        for (const Table& t : tables) {
          libdump::format::RowHasher h(libdump::format::RowForm::kText);
          for (const std::string& b : t.blocks) h.Update(b);
          libdump::format::RowFingerprint f;
          if (!h.Finish(&f)) Die("row hasher failed");
          sink_hash ^= f.low;
        }
      }));

  // --- the archive ---
  std::string archive;
  add("archive write, 1 thread", Best(runs, [&] { archive = WriteArchive(tables, level, 1); }));
  add("archive write, 2 threads", Best(runs, [&] { archive = WriteArchive(tables, level, 2); }));
  add("archive write with row fingerprints, 1 thread",
      Best(runs, [&] { archive = WriteArchive(tables, level, 1, true); }));
  add("archive read, sequential (NextBlock)", Best(runs, [&] {
        libdump::MemorySource src(archive);
        src.set_seekable(false);
        auto r = ArchiveReader::Open(&src);
        if (!r.ok()) Die(r.status().ToString());
        BlockInfo info;
        std::string data;
        for (;;) {
          auto more = (*r)->NextBlock(&info, &data);
          if (!more.ok()) Die(more.status().ToString());
          if (!*more) break;
        }
      }));
  add("archive verify (NextBlock + content hashes)", Best(runs, [&] {
        libdump::MemorySource src(archive);
        src.set_seekable(false);
        auto r = ArchiveReader::Open(&src);
        if (!r.ok()) Die(r.status().ToString());
        Check((*r)->Verify(nullptr));
      }));
  auto random = [&](int threads) {
    libdump::MemorySource src(archive);
    auto r = ArchiveReader::Open(&src);
    if (!r.ok()) Die(r.status().ToString());
    Check((*r)->LoadIndex());
    const std::vector<BlockInfo>& index = (*r)->blocks();
    Parallel(threads, [&](int w) {
      std::string data;
      for (size_t i = static_cast<size_t>(w); i < index.size(); i += static_cast<size_t>(threads)) {
        Check((*r)->ReadBlock(index[i], &data));
      }
    });
  };
  add("archive read, random (ReadBlock), 1 thread", Best(runs, [&] { random(1); }));
  add("archive read, random (ReadBlock), 2 threads", Best(runs, [&] { random(2); }));

  std::printf("Machine: %u hardware threads, %s\n\n", std::thread::hardware_concurrency(),
              CpuModel().c_str());
  std::printf(
      "Data: %zu tables, %zu blocks, %.1f MB of COPY text; zstd level %d; best of %d runs\n",
      tables.size(), blocks.size(), raw_mb, level, runs);
  std::printf(
      "Sizes: raw zstd frames %.1f MB (ratio %.2f); archive %.1f MB (ratio %.2f, %+.3f%%"
      " over the frames)\n\n",
      static_cast<double>(zstd_bytes) / 1e6,
      static_cast<double>(raw) / static_cast<double>(zstd_bytes),
      static_cast<double>(archive.size()) / 1e6,
      static_cast<double>(raw) / static_cast<double>(archive.size()),
      100.0 * (static_cast<double>(archive.size()) - static_cast<double>(zstd_bytes)) /
          static_cast<double>(zstd_bytes));
  std::printf(
      "| operation | MB/s (wall) | MB per CPU-second | wall s | CPU s |\n"
      "|---|---:|---:|---:|---:|\n");
  for (const Row& r : rows) {
    std::printf("| %s | %.0f | %.0f | %.3f | %.3f |\n", r.what.c_str(), raw_mb / r.t.wall,
                raw_mb / r.t.cpu, r.t.wall, r.t.cpu);
  }
  return sink_hash == 1 ? 3 : 0;  // keeps the hashing from being optimized away
}
