// Constants of the ndump archive format. Internal to libdump_format.
//
// The normative description is formats/archive_format.md; each constant names the section that
// defines it. Changing any value here changes the format: it needs a new version (§12) and a
// change-log line in the spec.
#ifndef LIBDUMP_FORMAT_SRC_LAYOUT_H_
#define LIBDUMP_FORMAT_SRC_LAYOUT_H_

#include <cstddef>
#include <cstdint>

namespace libdump::format::layout {

// §4.1 header, fixed part.
inline constexpr size_t kMagicSize = 8;
inline constexpr uint8_t kHeaderMagic[kMagicSize] = {0x89, 'N', 'D', 'U', 'M', 'P', '\r', '\n'};
inline constexpr size_t kHeaderFixedSize = 20;  // magic, versions, flags, fields_length
inline constexpr size_t kChecksumSize = 8;
inline constexpr uint32_t kMaxHeaderFields = 1u << 20;

// §4.3 header flags. Bit 0 (1.1): the last data block of every entry is marked (§7.4).
inline constexpr uint32_t kHeaderFlagEntryEnds = 0x1;
// Bit 1 (1.4): the archive has BLOBS entries, whose data is large-object contents (§7.5).
inline constexpr uint32_t kHeaderFlagLargeObjects = 0x2;
// Bit 3 (1.7): every block's payload is sealed with the archive's file key (§15). Bit 2 (1.6)
// is the cluster flag, layout::kHeaderFlagCluster (cluster_layout.h).
inline constexpr uint32_t kHeaderFlagEncrypted = 0x8;
inline constexpr uint32_t kKnownHeaderFlags =
    kHeaderFlagEntryEnds | kHeaderFlagLargeObjects | kHeaderFlagEncrypted;

// §4.2 header field tags.
inline constexpr uint16_t kHdrToolVersion = 1;
inline constexpr uint16_t kHdrServerVersion = 2;
inline constexpr uint16_t kHdrServerVersionNum = 3;
inline constexpr uint16_t kHdrDatabase = 4;
inline constexpr uint16_t kHdrEncoding = 5;
inline constexpr uint16_t kHdrCreated = 6;
inline constexpr uint16_t kHdrCompression = 7;
inline constexpr uint16_t kHdrCompressionLevel = 8;
inline constexpr uint16_t kHdrTimeZone = 9;     // since 1.5
inline constexpr uint16_t kHdrEncryption = 10;  // since 1.7 (§15.3)

// §2.5, §4.2 compression methods.
inline constexpr uint8_t kCompressionNone = 0;
inline constexpr uint8_t kCompressionZstd = 1;

// §2.3 tagged field: tag u16 + length u32.
inline constexpr size_t kFieldHeaderSize = 6;

// §5.1 block header.
inline constexpr size_t kBlockHeaderSize = 40;
inline constexpr size_t kBlockHeaderCovered = 32;  // bytes under the header checksum
inline constexpr uint8_t kKindToc = 'T';
inline constexpr uint8_t kKindData = 'D';
inline constexpr uint8_t kKindIndex = 'I';
inline constexpr uint8_t kBlockFlagZstd = 0x01;
inline constexpr uint8_t kBlockFlagLast = 0x02;  // 1.1: the entry's last data block (§7.4)
inline constexpr uint8_t kKnownBlockFlags = kBlockFlagZstd | kBlockFlagLast;

// §6.2 TOC entry field tags.
inline constexpr uint16_t kTocDumpId = 1;
inline constexpr uint16_t kTocKind = 2;
inline constexpr uint16_t kTocSection = 3;
inline constexpr uint16_t kTocSchema = 4;
inline constexpr uint16_t kTocName = 5;
inline constexpr uint16_t kTocOwner = 6;
inline constexpr uint16_t kTocCreateSql = 7;
inline constexpr uint16_t kTocDropSql = 8;
inline constexpr uint16_t kTocDeps = 9;
inline constexpr uint16_t kTocCopySql = 10;
inline constexpr uint16_t kTocSizeEstimate = 11;
inline constexpr uint16_t kTocCatalogOid = 12;
inline constexpr uint16_t kTocOwnerObject = 13;
inline constexpr uint16_t kTocIndexSql = 14;     // since 1.2
inline constexpr uint16_t kTocAttachSql = 15;    // since 1.2
inline constexpr uint16_t kTocCharColumns = 16;  // since 1.3

// §8.1 index payload.
inline constexpr size_t kIndexPreambleSize = 12;
inline constexpr uint16_t kBlockRecordSize = 28;  // §8.2
inline constexpr uint16_t kStatsRecordSize = 44;  // §8.3
// §8.3 since 1.5: the record with the row fingerprint fields, written when an entry has one.
inline constexpr uint16_t kStatsRecordSizeFingerprint = 69;

// §9.1 footer.
inline constexpr size_t kFooterSize = 48;
inline constexpr size_t kFooterCovered = 40;  // bytes under the footer checksum
inline constexpr uint8_t kFooterMagic[kMagicSize] = {0x89, 'N', 'D', 'E', 'N', 'D', '\r', '\n'};

// §7.3: XXH3-64 of zero bytes, the content hash of an entry without blocks.
inline constexpr uint64_t kEmptyContentHash = 0x2D06800538D394C2ull;

}  // namespace libdump::format::layout

#endif  // LIBDUMP_FORMAT_SRC_LAYOUT_H_
