#include "codec.h"

#include <xxhash.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <unordered_set>

namespace libdump::format {

const char* SectionName(Section s) {
  switch (s) {
    case Section::kPreData:
      return "PRE-DATA";
    case Section::kData:
      return "DATA";
    case Section::kPostData:
      return "POST-DATA";
    case Section::kNone:
      break;
  }
  return "NONE";
}

namespace internal {
namespace {

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string Cat(std::string_view a, std::string_view b) {
  std::string s(a);
  s += b;
  return s;
}

void AppendFieldHeader(std::string* out, uint16_t tag, size_t len) {
  AppendU16(out, tag);
  AppendU32(out, static_cast<uint32_t>(len));
}

Status BadLength(const Field& f, std::string_view what, size_t want) {
  return Status::Corruption(Cat(what, ": field ") + std::to_string(f.tag) + " has length " +
                            std::to_string(f.value.size()) + ", expected " + std::to_string(want));
}

}  // namespace

bool Decoder::GetU8(uint8_t* v) {
  if (rest_.empty()) return false;
  *v = Bytes(rest_)[0];
  rest_.remove_prefix(1);
  return true;
}

bool Decoder::GetU16(uint16_t* v) {
  if (rest_.size() < 2) return false;
  *v = LoadU16(Bytes(rest_));
  rest_.remove_prefix(2);
  return true;
}

bool Decoder::GetU32(uint32_t* v) {
  if (rest_.size() < 4) return false;
  *v = LoadU32(Bytes(rest_));
  rest_.remove_prefix(4);
  return true;
}

bool Decoder::GetU64(uint64_t* v) {
  if (rest_.size() < 8) return false;
  *v = LoadU64(Bytes(rest_));
  rest_.remove_prefix(8);
  return true;
}

bool Decoder::GetBytes(size_t n, std::string_view* out) {
  if (rest_.size() < n) return false;
  *out = rest_.substr(0, n);
  rest_.remove_prefix(n);
  return true;
}

uint64_t Checksum(const void* data, size_t n) { return XXH3_64bits(data, n); }

// --- §2.3 ------------------------------------------------------------------------------------

void AppendStringField(std::string* out, uint16_t tag, std::string_view value) {
  AppendFieldHeader(out, tag, value.size());
  out->append(value);
}

void AppendU8Field(std::string* out, uint16_t tag, uint8_t value) {
  AppendFieldHeader(out, tag, 1);
  AppendU8(out, value);
}

void AppendU32Field(std::string* out, uint16_t tag, uint32_t value) {
  AppendFieldHeader(out, tag, 4);
  AppendU32(out, value);
}

void AppendU64Field(std::string* out, uint16_t tag, uint64_t value) {
  AppendFieldHeader(out, tag, 8);
  AppendU64(out, value);
}

void AppendU32ArrayField(std::string* out, uint16_t tag, const std::vector<uint32_t>& values) {
  AppendFieldHeader(out, tag, 4 * values.size());
  for (uint32_t v : values) AppendU32(out, v);
}

Status SplitFields(std::string_view record, std::string_view what, std::vector<Field>* fields) {
  fields->clear();
  Decoder d(record);
  while (d.remaining() > 0) {
    Field f;
    uint32_t len = 0;
    if (!d.GetU16(&f.tag) || !d.GetU32(&len) || !d.GetBytes(len, &f.value)) {
      return Status::Corruption(Cat(what, ": field runs past the end of the record"));
    }
    fields->push_back(f);
  }
  // Sorted rather than compared pairwise: a crafted record of many empty fields must not make
  // this quadratic.
  std::vector<uint16_t> tags;
  tags.reserve(fields->size());
  for (const Field& f : *fields) tags.push_back(f.tag);
  std::sort(tags.begin(), tags.end());
  const auto dup = std::adjacent_find(tags.begin(), tags.end());
  if (dup != tags.end()) {
    return Status::Corruption(Cat(what, ": repeated field ") + std::to_string(*dup));
  }
  return Status::Ok();
}

Status FieldU8(const Field& f, std::string_view what, uint8_t* v) {
  if (f.value.size() != 1) return BadLength(f, what, 1);
  *v = Bytes(f.value)[0];
  return Status::Ok();
}

Status FieldU32(const Field& f, std::string_view what, uint32_t* v) {
  if (f.value.size() != 4) return BadLength(f, what, 4);
  *v = LoadU32(Bytes(f.value));
  return Status::Ok();
}

Status FieldU64(const Field& f, std::string_view what, uint64_t* v) {
  if (f.value.size() != 8) return BadLength(f, what, 8);
  *v = LoadU64(Bytes(f.value));
  return Status::Ok();
}

Status FieldU32Array(const Field& f, std::string_view what, std::vector<uint32_t>* v) {
  if (f.value.size() % 4 != 0) {
    return Status::Corruption(Cat(what, ": field ") + std::to_string(f.tag) + " has length " +
                              std::to_string(f.value.size()) + ", not a multiple of 4");
  }
  v->clear();
  for (size_t i = 0; i < f.value.size(); i += 4) v->push_back(LoadU32(Bytes(f.value) + i));
  return Status::Ok();
}

// --- §4 --------------------------------------------------------------------------------------

std::string EncodeHeader(const ArchiveHeader& h, uint32_t flags, uint16_t minor) {
  std::string fields;
  AppendStringField(&fields, layout::kHdrToolVersion, h.tool_version);
  AppendStringField(&fields, layout::kHdrServerVersion, h.server_version);
  AppendU32Field(&fields, layout::kHdrServerVersionNum, h.server_version_num);
  AppendStringField(&fields, layout::kHdrDatabase, h.database);
  AppendStringField(&fields, layout::kHdrEncoding, h.encoding);
  AppendU64Field(&fields, layout::kHdrCreated, static_cast<uint64_t>(h.created_unix_seconds));
  AppendU8Field(&fields, layout::kHdrCompression, h.compression);
  AppendU32Field(&fields, layout::kHdrCompressionLevel, static_cast<uint32_t>(h.compression_level));
  // Since 1.5; left out when empty, so that older archives keep their bytes.
  if (!h.time_zone.empty()) AppendStringField(&fields, layout::kHdrTimeZone, h.time_zone);
  // Since 1.7, exactly in encrypted archives (§15.3).
  if ((flags & layout::kHeaderFlagEncrypted) != 0) {
    AppendStringField(&fields, layout::kHdrEncryption, h.encryption);
  }

  std::string out(reinterpret_cast<const char*>(layout::kHeaderMagic), layout::kMagicSize);
  AppendU16(&out, kFormatMajor);
  // §12: an archive claims the minor version of the newest feature it uses, no more.
  if ((flags & layout::kHeaderFlagEntryEnds) != 0) minor = std::max<uint16_t>(minor, 1);
  if ((flags & layout::kHeaderFlagEncrypted) != 0) minor = std::max<uint16_t>(minor, 7);
  AppendU16(&out, minor);
  AppendU32(&out, flags);  // §4.3
  AppendU32(&out, static_cast<uint32_t>(fields.size()));
  out += fields;
  AppendU64(&out, Checksum(out));
  return out;
}

Status DecodeHeaderFields(std::string_view fields, ArchiveHeader* h) {
  std::vector<Field> list;
  RETURN_IF_ERROR(SplitFields(fields, "header", &list));
  for (const Field& f : list) {
    uint32_t u32 = 0;
    uint64_t u64 = 0;
    switch (f.tag) {
      case layout::kHdrToolVersion:
        h->tool_version = f.value;
        break;
      case layout::kHdrServerVersion:
        h->server_version = f.value;
        break;
      case layout::kHdrServerVersionNum:
        RETURN_IF_ERROR(FieldU32(f, "header", &h->server_version_num));
        break;
      case layout::kHdrDatabase:
        h->database = f.value;
        break;
      case layout::kHdrEncoding:
        h->encoding = f.value;
        break;
      case layout::kHdrCreated:
        RETURN_IF_ERROR(FieldU64(f, "header", &u64));
        h->created_unix_seconds = static_cast<int64_t>(u64);
        break;
      case layout::kHdrCompression:
        RETURN_IF_ERROR(FieldU8(f, "header", &h->compression));
        if (h->compression != layout::kCompressionNone &&
            h->compression != layout::kCompressionZstd) {
          return Status::Unsupported("unsupported compression method " +
                                     std::to_string(h->compression));
        }
        break;
      case layout::kHdrCompressionLevel:
        RETURN_IF_ERROR(FieldU32(f, "header", &u32));
        h->compression_level = static_cast<int32_t>(u32);
        break;
      case layout::kHdrTimeZone:
        h->time_zone = f.value;
        break;
      case layout::kHdrEncryption:
        h->encryption = f.value;
        break;
      default:
        break;  // §12: a newer minor version's field
    }
  }
  return Status::Ok();
}

// --- §5.1 ------------------------------------------------------------------------------------

void EncodeBlockHeader(const BlockHeader& h, uint8_t* out) {
  out[0] = h.kind;
  out[1] = h.flags;
  StoreU16(out + 2, h.reserved);
  StoreU32(out + 4, h.dump_id);
  StoreU32(out + 8, h.seq);
  StoreU32(out + 12, h.raw_len);
  StoreU32(out + 16, h.stored_len);
  StoreU32(out + 20, h.rows);
  StoreU64(out + 24, h.payload_checksum);
  StoreU64(out + 32, Checksum(out, layout::kBlockHeaderCovered));
}

bool DecodeBlockHeader(const uint8_t* in, BlockHeader* h) {
  if (LoadU64(in + 32) != Checksum(in, layout::kBlockHeaderCovered)) return false;
  h->kind = in[0];
  h->flags = in[1];
  h->reserved = LoadU16(in + 2);
  h->dump_id = LoadU32(in + 4);
  h->seq = LoadU32(in + 8);
  h->raw_len = LoadU32(in + 12);
  h->stored_len = LoadU32(in + 16);
  h->rows = LoadU32(in + 20);
  h->payload_checksum = LoadU64(in + 24);
  return true;
}

Status CheckBlockHeader(const BlockHeader& h, std::string_view where, uint32_t overhead) {
  if (h.kind != layout::kKindToc && h.kind != layout::kKindData && h.kind != layout::kKindIndex) {
    return Status::Corruption(Cat(where, ": unknown block kind ") + Hex(h.kind));
  }
  if ((h.flags & ~layout::kKnownBlockFlags) != 0) {
    return Status::Unsupported(Cat(where, ": unsupported block flags ") + Hex(h.flags));
  }
  if ((h.flags & layout::kBlockFlagLast) != 0 && h.kind != layout::kKindData) {
    return Status::Corruption(Cat(where, ": end-of-entry mark on a non-data block"));
  }
  if (h.reserved != 0) return Status::Corruption(Cat(where, ": reserved field is not zero"));
  if (h.kind != layout::kKindData && (h.dump_id != 0 || h.seq != 0 || h.rows != 0)) {
    return Status::Corruption(Cat(where, ": dump id, seq or rows set in a non-data block"));
  }
  // §15.4: a sealed payload is `overhead` bytes longer than the plain one.
  const uint64_t plain = uint64_t{h.stored_len} - overhead;
  if (h.stored_len < overhead ||
      ((h.flags & layout::kBlockFlagZstd) != 0 ? plain >= h.raw_len : plain != h.raw_len)) {
    return Status::Corruption(Cat(where, ": stored length ") + std::to_string(h.stored_len) +
                              " does not fit raw length " + std::to_string(h.raw_len));
  }
  if (h.kind == layout::kKindData && (h.raw_len == 0 || h.raw_len > kMaxBlockRaw)) {
    return Status::Corruption(Cat(where, ": raw length ") + std::to_string(h.raw_len) +
                              " out of range");
  }
  return Status::Ok();
}

// --- §6 --------------------------------------------------------------------------------------

void AppendTocEntry(std::string* out, const TocEntry& e) {
  const size_t length_at = out->size();
  AppendU32(out, 0);  // entry_length, filled in below
  AppendU32Field(out, layout::kTocDumpId, e.dump_id);
  AppendStringField(out, layout::kTocKind, e.kind);
  AppendU8Field(out, layout::kTocSection, static_cast<uint8_t>(e.section));
  AppendStringField(out, layout::kTocSchema, e.schema);
  AppendStringField(out, layout::kTocName, e.name);
  AppendStringField(out, layout::kTocOwner, e.owner);
  AppendStringField(out, layout::kTocCreateSql, e.create_sql);
  AppendStringField(out, layout::kTocDropSql, e.drop_sql);
  AppendU32ArrayField(out, layout::kTocDeps, e.deps);
  AppendStringField(out, layout::kTocCopySql, e.copy_sql);
  AppendU64Field(out, layout::kTocSizeEstimate, e.size_estimate);
  AppendU64Field(out, layout::kTocCatalogOid, e.catalog_oid);
  AppendStringField(out, layout::kTocOwnerObject, e.owner_object);
  // 1.2 fields only when set, so an archive without them is the 1.1 archive it was.
  if (!e.index_sql.empty()) AppendStringField(out, layout::kTocIndexSql, e.index_sql);
  if (!e.attach_sql.empty()) AppendStringField(out, layout::kTocAttachSql, e.attach_sql);
  if (!e.char_columns.empty()) AppendU32ArrayField(out, layout::kTocCharColumns, e.char_columns);
  StoreU32(reinterpret_cast<uint8_t*>(out->data()) + length_at,
           static_cast<uint32_t>(out->size() - length_at - 4));
}

bool IsLargeObjectData(const TocEntry& e) { return e.kind == kKindBlobs && e.has_data(); }

uint16_t TocMinorVersion(const std::vector<TocEntry>& toc) {
  uint16_t minor = 0;
  for (const TocEntry& e : toc) {
    if (IsLargeObjectData(e)) return 4;
    if (!e.char_columns.empty()) minor = 3;
    if (e.has_index_sql()) minor = std::max<uint16_t>(minor, 2);
  }
  return minor;
}

uint32_t TocHeaderFlags(const std::vector<TocEntry>& toc, bool mark_entry_ends) {
  uint32_t flags = mark_entry_ends ? layout::kHeaderFlagEntryEnds : 0;
  // §4.3: a reader older than 1.4 would load BLOBS data as a table's; the flag makes it refuse
  // the archive instead.
  if (std::any_of(toc.begin(), toc.end(), IsLargeObjectData)) {
    flags |= layout::kHeaderFlagLargeObjects;
  }
  return flags;
}

Status CheckCharColumns(const TocEntry& e) {
  if (e.char_columns.empty()) return Status::Ok();
  if (!e.has_data()) return Status::InvalidArgument("char_columns on an entry without data");
  for (size_t i = 1; i < e.char_columns.size(); ++i) {
    if (e.char_columns[i] <= e.char_columns[i - 1]) {
      return Status::InvalidArgument("char_columns not in increasing order");
    }
  }
  return Status::Ok();
}

std::string EncodeToc(const std::vector<TocEntry>& toc) {
  std::string out;
  AppendU32(&out, static_cast<uint32_t>(toc.size()));
  for (const TocEntry& e : toc) AppendTocEntry(&out, e);
  return out;
}

Status DecodeToc(std::string_view payload, std::vector<TocEntry>* toc) {
  Decoder d(payload);
  uint32_t count = 0;
  if (!d.GetU32(&count)) return Status::Corruption("TOC: too short for its entry count");
  // Every entry takes at least its 4-byte length, so a larger count is damage; checking it first
  // keeps a damaged count from driving a huge allocation.
  if (count > d.remaining() / 4) {
    return Status::Corruption("TOC: entry count " + std::to_string(count) +
                              " does not fit in the TOC");
  }
  toc->clear();
  toc->reserve(count);
  std::unordered_set<uint32_t> ids;
  std::vector<Field> fields;
  for (uint32_t i = 0; i < count; ++i) {
    const std::string what = "TOC entry " + std::to_string(i);
    uint32_t len = 0;
    std::string_view rec;
    if (!d.GetU32(&len) || !d.GetBytes(len, &rec)) {
      return Status::Corruption(what + ": runs past the end of the TOC");
    }
    RETURN_IF_ERROR(SplitFields(rec, what, &fields));
    TocEntry e;
    bool have_id = false;
    uint8_t section = 0;
    for (const Field& f : fields) {
      switch (f.tag) {
        case layout::kTocDumpId:
          RETURN_IF_ERROR(FieldU32(f, what, &e.dump_id));
          have_id = true;
          break;
        case layout::kTocKind:
          e.kind = f.value;
          break;
        case layout::kTocSection:
          RETURN_IF_ERROR(FieldU8(f, what, &section));
          break;
        case layout::kTocSchema:
          e.schema = f.value;
          break;
        case layout::kTocName:
          e.name = f.value;
          break;
        case layout::kTocOwner:
          e.owner = f.value;
          break;
        case layout::kTocCreateSql:
          e.create_sql = f.value;
          break;
        case layout::kTocDropSql:
          e.drop_sql = f.value;
          break;
        case layout::kTocDeps:
          RETURN_IF_ERROR(FieldU32Array(f, what, &e.deps));
          break;
        case layout::kTocCopySql:
          e.copy_sql = f.value;
          break;
        case layout::kTocSizeEstimate:
          RETURN_IF_ERROR(FieldU64(f, what, &e.size_estimate));
          break;
        case layout::kTocCatalogOid:
          RETURN_IF_ERROR(FieldU64(f, what, &e.catalog_oid));
          break;
        case layout::kTocOwnerObject:
          e.owner_object = f.value;
          break;
        case layout::kTocIndexSql:
          e.index_sql = f.value;
          break;
        case layout::kTocAttachSql:
          e.attach_sql = f.value;
          break;
        case layout::kTocCharColumns:
          RETURN_IF_ERROR(FieldU32Array(f, what, &e.char_columns));
          break;
        default:
          break;  // §12: a newer minor version's field
      }
    }
    if (!have_id || e.dump_id == 0) {
      return Status::Corruption(what + ": missing or zero dump id");
    }
    if (section > static_cast<uint8_t>(Section::kPostData)) {
      return Status::Corruption(what + " (dump id " + std::to_string(e.dump_id) +
                                "): invalid section " + std::to_string(section));
    }
    e.section = static_cast<Section>(section);
    if (e.index_sql.empty() != e.attach_sql.empty()) {
      return Status::Corruption(
          what + " (dump id " + std::to_string(e.dump_id) + "): " +
          (e.index_sql.empty() ? "attach_sql without index_sql" : "index_sql without attach_sql"));
    }
    if (Status st = CheckCharColumns(e); !st.ok()) {
      return Status::Corruption(what + " (dump id " + std::to_string(e.dump_id) +
                                "): " + st.message());
    }
    if (!ids.insert(e.dump_id).second) {
      return Status::Corruption("TOC: duplicate dump id " + std::to_string(e.dump_id));
    }
    toc->push_back(std::move(e));
  }
  if (d.remaining() != 0) {
    return Status::Corruption("TOC: " + std::to_string(d.remaining()) +
                              " bytes after the last entry");
  }
  return Status::Ok();
}

// --- §8 --------------------------------------------------------------------------------------

std::string EncodeIndex(const std::vector<BlockInfo>& blocks, const std::vector<EntryStats>& stats,
                        bool fingerprints) {
  const uint16_t stats_size =
      fingerprints ? layout::kStatsRecordSizeFingerprint : layout::kStatsRecordSize;
  std::string out;
  out.reserve(layout::kIndexPreambleSize + blocks.size() * layout::kBlockRecordSize +
              stats.size() * stats_size);
  AppendU32(&out, static_cast<uint32_t>(blocks.size()));
  AppendU32(&out, static_cast<uint32_t>(stats.size()));
  AppendU16(&out, layout::kBlockRecordSize);
  AppendU16(&out, stats_size);
  for (const BlockInfo& b : blocks) {
    AppendU32(&out, b.dump_id);
    AppendU32(&out, b.seq);
    AppendU64(&out, b.offset);
    AppendU32(&out, b.raw_len);
    AppendU32(&out, b.stored_len);
    AppendU32(&out, b.rows);
  }
  for (const EntryStats& s : stats) {
    AppendU32(&out, s.dump_id);
    AppendU64(&out, s.blocks);
    AppendU64(&out, s.rows);
    AppendU64(&out, s.raw_bytes);
    AppendU64(&out, s.stored_bytes);
    AppendU64(&out, s.content_hash);
    if (!fingerprints) continue;
    // §8.3, 1.5: a record without a fingerprint has zeros after its form.
    const bool has = s.fingerprint_form != RowForm::kNone;
    out.push_back(static_cast<char>(s.fingerprint_form));
    AppendU64(&out, has ? s.fingerprint.rows : 0);
    AppendU64(&out, has ? s.fingerprint.low : 0);
    AppendU64(&out, has ? s.fingerprint.high : 0);
  }
  return out;
}

Status DecodeIndex(std::string_view payload, std::vector<BlockInfo>* blocks,
                   std::vector<EntryStats>* stats) {
  if (payload.size() < layout::kIndexPreambleSize) {
    return Status::Corruption("index: too short for its counts");
  }
  const uint8_t* p = Bytes(payload);
  const uint64_t block_count = LoadU32(p);
  const uint64_t stats_count = LoadU32(p + 4);
  const uint64_t block_size = LoadU16(p + 8);
  const uint64_t stats_size = LoadU16(p + 10);
  if (block_size < layout::kBlockRecordSize || stats_size < layout::kStatsRecordSize) {
    return Status::Corruption("index: record sizes " + std::to_string(block_size) + "/" +
                              std::to_string(stats_size) + " are too small");
  }
  // All terms are below 2^48, so the sum cannot overflow.
  const uint64_t want =
      layout::kIndexPreambleSize + block_count * block_size + stats_count * stats_size;
  if (want != payload.size()) {
    return Status::Corruption("index: " + std::to_string(payload.size()) +
                              " bytes, but its records need " + std::to_string(want));
  }
  blocks->clear();
  stats->clear();
  blocks->reserve(block_count);
  stats->reserve(stats_count);
  p += layout::kIndexPreambleSize;
  for (uint64_t i = 0; i < block_count; ++i, p += block_size) {
    BlockInfo b;
    b.dump_id = LoadU32(p);
    b.seq = LoadU32(p + 4);
    b.offset = LoadU64(p + 8);
    b.raw_len = LoadU32(p + 16);
    b.stored_len = LoadU32(p + 20);
    b.rows = LoadU32(p + 24);
    blocks->push_back(b);
  }
  for (uint64_t i = 0; i < stats_count; ++i, p += stats_size) {
    EntryStats s;
    s.dump_id = LoadU32(p);
    s.blocks = LoadU64(p + 4);
    s.rows = LoadU64(p + 12);
    s.raw_bytes = LoadU64(p + 20);
    s.stored_bytes = LoadU64(p + 28);
    s.content_hash = LoadU64(p + 36);
    if (stats_size >= layout::kStatsRecordSizeFingerprint) {
      // §8.3: forms other than 0, 1 and 2 are reserved.
      if (p[44] > static_cast<uint8_t>(RowForm::kBinary)) {
        return Status::Corruption("index: entry " + std::to_string(s.dump_id) +
                                  ": unknown fingerprint form " + std::to_string(p[44]));
      }
      s.fingerprint_form = static_cast<RowForm>(p[44]);
      if (s.fingerprint_form != RowForm::kNone) {
        s.fingerprint.rows = LoadU64(p + 45);
        s.fingerprint.low = LoadU64(p + 53);
        s.fingerprint.high = LoadU64(p + 61);
      }
    }
    stats->push_back(s);
  }
  return Status::Ok();
}

// --- §9 --------------------------------------------------------------------------------------

void EncodeFooter(const Footer& f, uint8_t* out) {
  std::memcpy(out, layout::kFooterMagic, layout::kMagicSize);
  StoreU64(out + 8, f.index_offset);
  StoreU64(out + 16, f.index_length);
  StoreU64(out + 24, f.block_count);
  StoreU64(out + 32, f.header_checksum);
  StoreU64(out + 40, Checksum(out, layout::kFooterCovered));
}

FooterCheck DecodeFooter(const uint8_t* in, Footer* f) {
  if (std::memcmp(in, layout::kFooterMagic, layout::kMagicSize) != 0) return FooterCheck::kNoMagic;
  if (LoadU64(in + 40) != Checksum(in, layout::kFooterCovered)) return FooterCheck::kBadChecksum;
  f->index_offset = LoadU64(in + 8);
  f->index_length = LoadU64(in + 16);
  f->block_count = LoadU64(in + 24);
  f->header_checksum = LoadU64(in + 32);
  return FooterCheck::kOk;
}

}  // namespace internal
}  // namespace libdump::format
