#include "restore/precheck.h"

#include <chrono>
#include <cstdio>
#include <string>

namespace libdump::restore {

Status CheckBlocksFirst(const format::ArchiveReader& reader, const Plan& plan, Events* events,
                        const CancelToken* cancel) {
  uint64_t blocks = 0;
  uint64_t stored = 0;
  for (const format::BlockInfo& b : reader.blocks()) {
    if (!plan.Has(b.dump_id)) continue;
    ++blocks;
    stored += b.stored_len;
  }
  if (blocks == 0) return Status::Ok();
  events->Verbose("checking " + std::to_string(blocks) + " data blocks (" + std::to_string(stored) +
                  " bytes) before restoring");
  const auto t0 = std::chrono::steady_clock::now();
  std::string scratch;
  // Archive order is offset order: one forward pass over the file, which the kernel reads ahead.
  for (const format::BlockInfo& b : reader.blocks()) {
    if (!plan.Has(b.dump_id)) continue;
    if (cancel && cancel->cancelled()) return Status::Cancelled("restore cancelled");
    RETURN_IF_ERROR(reader.CheckBlock(b, &scratch));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  char took[32];
  std::snprintf(took, sizeof took, "%.2f", seconds);
  events->Verbose("checked " + std::to_string(blocks) + " data blocks in " + took + " s");
  return Status::Ok();
}

}  // namespace libdump::restore
