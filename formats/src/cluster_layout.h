// Constants of cluster archives (archive_format.md §14). Internal to libdump_format.
#ifndef LIBDUMP_FORMAT_SRC_CLUSTER_LAYOUT_H_
#define LIBDUMP_FORMAT_SRC_CLUSTER_LAYOUT_H_

#include <cstdint>

namespace libdump::format::layout {

// §4.3 bit 2 (1.6): a cluster archive.
inline constexpr uint32_t kHeaderFlagCluster = 0x4;
// §14.3, §14.6 block kinds.
inline constexpr uint8_t kKindChunk = 'C';
inline constexpr uint8_t kKindClusterIndex = 'X';
// §14.6 chunk sizes a writer may choose.
inline constexpr uint32_t kMinChunkSize = 4u << 10;
inline constexpr uint32_t kMaxChunkSize = 8u << 20;
// §14.6 part record field tags.
inline constexpr uint16_t kPartNumber = 1;
inline constexpr uint16_t kPartDatabase = 2;
inline constexpr uint16_t kPartBytes = 3;
inline constexpr uint16_t kPartChunks = 4;

}  // namespace libdump::format::layout

#endif  // LIBDUMP_FORMAT_SRC_CLUSTER_LAYOUT_H_
