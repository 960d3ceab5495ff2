// nrestore without a database: the archive as a psql script, in restore order.
#include <random>
#include <string>

#include "common/events.h"
#include "libdump/restore.h"
#include "pg/pg.h"
#include "restore/entry_sql.h"
#include "restore/precheck.h"
#include "restore/selection.h"

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

// psql's \connect to database `name`, reusing the other connection parameters: a conninfo string
// (so that no name is taken for a URI or an option), inside a psql double-quoted argument.
std::string ConnectCommand(const std::string& name) {
  std::string value = "dbname='";
  for (char c : name) {
    if (c == '\\' || c == '\'') value.push_back('\\');
    value.push_back(c);
  }
  value += "'";
  std::string arg = "\"";
  for (char c : value) {
    if (c == '"') arg.push_back('"');
    arg.push_back(c);
  }
  return "\\connect -reuse-previous=on " + arg + "\"\n";
}

}  // namespace

Status WriteScript(ByteSource* source, ByteSink* out, const RestoreContent& requested) {
  RETURN_IF_ERROR(restore::CheckContent(requested, 1));
  if (!source->Seekable()) {
    return Status::Unsupported(
        "writing a script needs a seekable archive file; save the stream to a file first");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<format::ArchiveReader> reader,
                   format::ArchiveReader::Open(source));
  RETURN_IF_ERROR(reader->LoadIndex());
  const auto& header = reader->header();
  ASSIGN_OR_RETURN(const restore::Plan plan, restore::Select(reader->toc(), requested));
  // The options as given, but for data_only, which the selection may imply (DataOnly).
  RestoreContent effective_content = requested;
  effective_content.data_only = restore::DataOnly(plan, requested);
  const RestoreContent& content = effective_content;
  // psql's \connect cannot name such a database: the script would go on in the database it
  // started in. pg_dump and pg_restore refuse it too.
  if (plan.database != nullptr && plan.database->name.find_first_of("\n\r") != std::string::npos) {
    std::string shown;  // on one line, as every error message
    for (char c : plan.database->name) {
      shown += c == '\n' ? std::string("\\n") : c == '\r' ? std::string("\\r") : std::string(1, c);
    }
    return Status::InvalidArgument(
        "database name contains a newline or carriage return: \"" + shown +
        "\"; a script cannot connect to it (restore with -d, which can)");
  }
  // COPY's binary format cannot go through psql's COPY FROM stdin; say so before writing
  // anything.
  for (const TocEntry* e : plan.entries) {
    if (e->has_data() && IsBinaryCopy(e->copy_sql)) {
      return Status::InvalidArgument(
          Describe(*e) +
          " holds its rows in COPY's binary format (ndump --copy-format binary), which a psql "
          "script cannot carry; restore it with -d, or leave that data out (-s, or -t/-L to choose "
          "other tables)");
    }
  }
  // A script piped into psql changes a database as it is read: every block it will carry is
  // checked before its first byte goes out, as a restore checks them before connecting.
  Events quiet(nullptr);
  RETURN_IF_ERROR(restore::CheckBlocksFirst(*reader, plan, &quiet, nullptr));
  ScriptWriter w(out);
  const std::string key = RestrictKey();
  RETURN_IF_ERROR(w.Write("--\n-- ndump archive of database " + CommentSafe(header.database) +
                          ", as a psql script\n-- Dumped from database version " +
                          CommentSafe(header.server_version) + " by " +
                          CommentSafe(header.tool_version) + "\n--\n\n\\restrict " + key + "\n\n"));
  // The same settings nrestore -d runs with.
  const std::string session = restore::SessionSql(header.encoding, content);
  RETURN_IF_ERROR(w.Write(session + "\n\n"));
  if (plan.database != nullptr) {
    for (const TocEntry* d : plan.drops) {
      RETURN_IF_ERROR(w.Header(*d));
      RETURN_IF_ERROR(w.Write(restore::DropSql(*d, content.if_exists) + "\n"));
    }
    RETURN_IF_ERROR(w.Header(*plan.database));
    RETURN_IF_ERROR(w.Write(restore::EntrySql(*plan.database, content) + "\n"));
    // \connect is a meta-command: lift the restriction for it alone. The new session needs the
    // settings again.
    RETURN_IF_ERROR(w.Write("\\unrestrict " + key + "\n" + ConnectCommand(plan.database->name) +
                            "\\restrict " + key + "\n\n" + session + "\n\n"));
  }
  if (content.single_transaction) RETURN_IF_ERROR(w.Write("BEGIN;\n\n"));
  if (plan.database == nullptr) {
    for (const TocEntry* d : plan.drops) {
      RETURN_IF_ERROR(w.Header(*d));
      RETURN_IF_ERROR(w.Write(restore::DropSql(*d, content.if_exists) + "\n"));
    }
  }
  auto emit = [&](const TocEntry& e) -> Status {
    std::string sql = restore::EntrySql(e, content);
    if (sql.empty()) return Status::Ok();
    RETURN_IF_ERROR(w.Header(e));
    return w.Write(sql + "\n");
  };
  // The same passes as Restore: pre-data, table data, post-data, then the other data entries
  // (sequence values).
  for (const TocEntry* e : plan.entries) {
    if (restore::RunsBeforeData(*e)) RETURN_IF_ERROR(emit(*e));
  }
  std::string block;
  std::vector<const TocEntry*> data;
  for (const TocEntry* ep : plan.entries) {
    if (ep->has_data()) data.push_back(ep);
  }
  // Data only: into tables whose foreign keys exist, referenced tables first (as pg_dump -a).
  if (content.data_only) {
    restore::SortDataEntries(restore::ForeignKeyDataOrder(reader->toc(), data), &data);
  }
  for (const TocEntry* ep : data) {
    const TocEntry& e = *ep;
    RETURN_IF_ERROR(w.Header(e));
    RETURN_IF_ERROR(w.Write(restore::BeforeCopySql(e, content) + e.copy_sql + "\n"));
    bool at_line_start = true;
    for (const auto& b : reader->BlocksOf(e.dump_id)) {
      RETURN_IF_ERROR(reader->ReadBlock(b, &block));
      RETURN_IF_ERROR(w.Write(block));
      if (!block.empty()) at_line_start = block.back() == '\n';
    }
    // COPY text data ends every row with a new line, and a backslash in data is always escaped,
    // so no data line can read as the terminator.
    RETURN_IF_ERROR(w.Write(at_line_start ? "\\.\n" : "\n\\.\n"));
    RETURN_IF_ERROR(w.Write(restore::AfterCopySql(e, content) + "\n"));
  }
  for (const TocEntry* e : plan.entries) {
    if (e->section == Section::kPostData) RETURN_IF_ERROR(emit(*e));
  }
  for (const TocEntry* e : plan.entries) {
    if (e->section == Section::kData && !e->has_data() && !restore::RunsBeforeData(*e)) {
      RETURN_IF_ERROR(emit(*e));
    }
  }
  if (content.single_transaction) RETURN_IF_ERROR(w.Write("COMMIT;\n\n"));
  RETURN_IF_ERROR(w.Write("\\unrestrict " + key + "\n"));
  return out->Commit();
}

}  // namespace libdump
