// nrestore without a database: the archive as a psql script, in restore order.
#include <random>
#include <string>

#include "libdump/restore.h"
#include "pg/pg.h"
#include "restore/entry_sql.h"

namespace libdump {

namespace {

using format::Section;
using format::TocEntry;

// One line of an entry header comment: a name may hold new lines, which must not end the
// comment (the rest of the name would be read as SQL or as a psql meta-command).
std::string CommentSafe(const std::string& text) {
  std::string out;
  for (char c : text) out.push_back(c == '\n' || c == '\r' ? ' ' : c);
  return out;
}

// The key of psql's \restrict: while it is in force psql refuses every meta-command, so that no
// text in the script (a crafted object name, say) can reach psql as one (CVE-2025-8714).
std::string RestrictKey() {
  static constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device rd;
  std::string key;
  for (int i = 0; i < 64; ++i) key.push_back(kChars[rd() % (sizeof kChars - 1)]);
  return key;
}

class ScriptWriter {
 public:
  explicit ScriptWriter(ByteSink* out) : out_(out) {}
  Status Write(const std::string& s) { return out_->Write(s.data(), s.size()); }
  Status Header(const TocEntry& e) {
    return Write("--\n-- Name: " + CommentSafe(e.name) + "; Type: " + CommentSafe(e.kind) +
                 "; Schema: " + CommentSafe(e.schema.empty() ? "-" : e.schema) +
                 "; Owner: " + CommentSafe(e.owner.empty() ? "-" : e.owner) + "\n--\n\n");
  }

 private:
  ByteSink* out_;
};

}  // namespace

Status WriteScript(ByteSource* source, ByteSink* out) {
  if (!source->Seekable()) {
    return Status::Unsupported(
        "writing a script needs a seekable archive file; save the stream to a file first");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<format::ArchiveReader> reader,
                   format::ArchiveReader::Open(source));
  RETURN_IF_ERROR(reader->LoadIndex());
  const auto& header = reader->header();
  ScriptWriter w(out);
  const std::string key = RestrictKey();
  RETURN_IF_ERROR(w.Write("--\n-- ndump archive of database " + CommentSafe(header.database) +
                          ", as a psql script\n-- Dumped from database version " +
                          CommentSafe(header.server_version) + " by " +
                          CommentSafe(header.tool_version) + "\n--\n\n\\restrict " + key + "\n\n"));
  // The same settings nrestore -d runs with.
  RETURN_IF_ERROR(w.Write(RestoreSessionSql(header.encoding) + "\n\n"));
  auto emit = [&](const TocEntry& e) -> Status {
    std::string sql = e.create_sql + OwnerSql(e);
    if (sql.empty()) return Status::Ok();
    RETURN_IF_ERROR(w.Header(e));
    return w.Write(sql + "\n");
  };
  // The same passes as Restore: pre-data, table data, post-data, then the other data entries
  // (sequence values).
  for (const auto& e : reader->toc()) {
    if (e.section == Section::kPreData) RETURN_IF_ERROR(emit(e));
  }
  std::string block;
  for (const auto& e : reader->toc()) {
    if (!e.has_data()) continue;
    RETURN_IF_ERROR(w.Header(e));
    RETURN_IF_ERROR(w.Write(e.copy_sql + "\n"));
    bool at_line_start = true;
    for (const auto& b : reader->BlocksOf(e.dump_id)) {
      RETURN_IF_ERROR(reader->ReadBlock(b, &block));
      RETURN_IF_ERROR(w.Write(block));
      if (!block.empty()) at_line_start = block.back() == '\n';
    }
    // COPY text data ends every row with a new line, and a backslash in data is always escaped,
    // so no data line can read as the terminator.
    RETURN_IF_ERROR(w.Write(at_line_start ? "\\.\n\n" : "\n\\.\n\n"));
  }
  for (const auto& e : reader->toc()) {
    if (e.section == Section::kPostData) RETURN_IF_ERROR(emit(e));
  }
  for (const auto& e : reader->toc()) {
    if (e.section == Section::kData && !e.has_data()) RETURN_IF_ERROR(emit(e));
  }
  RETURN_IF_ERROR(w.Write("\\unrestrict " + key + "\n"));
  return out->Commit();
}

}  // namespace libdump
