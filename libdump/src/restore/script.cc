// nrestore without a database: the archive as a psql script, in restore order.
#include <algorithm>
#include <cctype>
#include <random>
#include <string>
#include <string_view>

#include "common/events.h"
#include "libdump/restore.h"
#include "pg/pg.h"
#include "pg/quote.h"
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

// One field of a COPY text row (never \N), as a SQL string literal: COPY's escapes undone, single
// quotes doubled (the script runs with standard_conforming_strings on).
void AppendLiteral(std::string_view field, std::string* out) {
  out->push_back('\'');
  auto hex = [](char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c - 'A' + 10;
  };
  for (size_t i = 0; i < field.size(); ++i) {
    char c = field[i];
    if (c == '\\' && i + 1 < field.size()) {
      const char n = field[++i];
      switch (n) {
        case 'b':
          c = '\b';
          break;
        case 'f':
          c = '\f';
          break;
        case 'n':
          c = '\n';
          break;
        case 'r':
          c = '\r';
          break;
        case 't':
          c = '\t';
          break;
        case 'v':
          c = '\v';
          break;
        case 'x':
          if (i + 1 < field.size() && std::isxdigit(static_cast<unsigned char>(field[i + 1]))) {
            int v = hex(field[++i]);
            if (i + 1 < field.size() && std::isxdigit(static_cast<unsigned char>(field[i + 1]))) {
              v = v * 16 + hex(field[++i]);
            }
            c = static_cast<char>(v);
          } else {
            c = 'x';
          }
          break;
        default:
          if (n >= '0' && n <= '7') {
            int v = n - '0';
            for (int k = 0;
                 k < 2 && i + 1 < field.size() && field[i + 1] >= '0' && field[i + 1] <= '7'; ++k) {
              v = v * 8 + (field[++i] - '0');
            }
            c = static_cast<char>(v);
          } else {
            c = n;
          }
      }
    }
    if (c == '\'') out->push_back('\'');
    out->push_back(c);
  }
  out->push_back('\'');
}

// A TABLE DATA (or BLOBS) entry's rows as INSERT statements (pg_dump --inserts and its
// siblings): "INSERT INTO <target> (<columns>) OVERRIDING SYSTEM VALUE VALUES (...), ...;" with
// up to rows_per_insert rows each. OVERRIDING SYSTEM VALUE, which pg_dump writes only for a table
// with a GENERATED ALWAYS identity column (its own or, from 17 on, a partition's parent's), is
// accepted by every table and keeps the dumped values of such columns. The target and the columns
// are those of the entry's COPY statement, so the statements load what the COPY would. Rows arrive
// in blocks; a row longer than a block spans several, so the last partial line is carried to the
// next block.
class InsertWriter {
 public:
  InsertWriter(ScriptWriter* w, const ScriptOptions& o) : w_(w), o_(o) {}

  // Reads "COPY <target> (<columns>) FROM stdin;". false if the statement has another form.
  bool Start(const std::string& copy_sql) {
    constexpr std::string_view kCopy = "COPY ";
    if (!copy_sql.starts_with(kCopy)) return false;
    bool quoted = false;
    size_t open = std::string::npos, close = std::string::npos;
    for (size_t i = kCopy.size(); i < copy_sql.size(); ++i) {
      const char c = copy_sql[i];
      if (c == '"') quoted = !quoted;
      if (quoted) continue;
      if (c == '(' && open == std::string::npos) open = i;
      if (c == ')' && open != std::string::npos) {
        close = i;
        break;
      }
    }
    pending_.clear();
    statement_.clear();
    rows_ = 0;
    constexpr std::string_view kTail = " FROM stdin;";
    default_values_ = open == std::string::npos && copy_sql.ends_with(kTail);
    if (default_values_) {
      // A table without columns (COPY names none): each row is a row of defaults.
      prefix_ = "INSERT INTO " +
                copy_sql.substr(kCopy.size(), copy_sql.size() - kCopy.size() - kTail.size()) +
                " DEFAULT VALUES";
      return true;
    }
    if (open == std::string::npos || close == std::string::npos || open < kCopy.size() + 1) {
      return false;
    }
    prefix_ = "INSERT INTO " + copy_sql.substr(kCopy.size(), open - 1 - kCopy.size()) + " " +
              copy_sql.substr(open, close - open + 1) + " OVERRIDING SYSTEM VALUE VALUES";
    return true;
  }

  Status Feed(std::string_view block) {
    size_t from = 0;
    while (from < block.size()) {
      const size_t nl = block.find('\n', from);
      if (nl == std::string_view::npos) {
        pending_.append(block.substr(from));
        break;
      }
      if (pending_.empty()) {
        RETURN_IF_ERROR(Row(block.substr(from, nl - from)));
      } else {
        pending_.append(block.substr(from, nl - from));
        const std::string line = std::move(pending_);
        pending_.clear();
        RETURN_IF_ERROR(Row(line));
      }
      from = nl + 1;
    }
    return Status::Ok();
  }

  Status Finish() {
    if (!pending_.empty()) {
      const std::string line = std::move(pending_);
      pending_.clear();
      RETURN_IF_ERROR(Row(line));
    }
    return Flush();
  }

 private:
  Status Row(std::string_view line) {
    if (default_values_) {
      return w_->Write(prefix_ + (o_.on_conflict_do_nothing ? " ON CONFLICT DO NOTHING" : "") +
                       ";\n");
    }
    statement_ += rows_ == 0 ? (o_.rows_per_insert == 1 ? " (" : "\n\t(") : ",\n\t(";
    size_t from = 0;
    for (bool first = true;; first = false) {
      const size_t tab = line.find('\t', from);
      const std::string_view field =
          line.substr(from, tab == std::string_view::npos ? std::string_view::npos : tab - from);
      if (!first) statement_ += ", ";
      if (field == "\\N") {
        statement_ += "NULL";
      } else {
        AppendLiteral(field, &statement_);
      }
      if (tab == std::string_view::npos) break;
      from = tab + 1;
    }
    statement_ += ")";
    if (++rows_ >= o_.rows_per_insert) return Flush();
    return Status::Ok();
  }

  Status Flush() {
    if (rows_ == 0) return Status::Ok();
    std::string sql = prefix_ + statement_;
    if (o_.on_conflict_do_nothing) sql += " ON CONFLICT DO NOTHING";
    sql += ";\n";
    statement_.clear();
    rows_ = 0;
    return w_->Write(sql);
  }

  ScriptWriter* w_;
  const ScriptOptions& o_;
  std::string prefix_, pending_, statement_;
  int rows_ = 0;
  bool default_values_ = false;
};

bool ValidRestrictKey(const std::string& key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
  });
}

}  // namespace

Status WriteScript(ByteSource* source, ByteSink* out, const RestoreContent& requested,
                   const ScriptOptions& script) {
  RETURN_IF_ERROR(restore::CheckContent(requested, 1));
  if (!script.restrict_key.empty() && !ValidRestrictKey(script.restrict_key)) {
    return Status::InvalidArgument("invalid restrict key");
  }
  if (script.rows_per_insert < 0) {
    return Status::InvalidArgument("rows per INSERT must be at least 1");
  }
  if (!source->Seekable()) {
    return Status::Unsupported(
        "writing a script needs a seekable archive file; save the stream to a file first");
  }
  format::ReadOptions ro;
  ro.keys = &script.keys;
  const pg::QuoteAllIdentifiersScope quote_all(script.quote_all_identifiers);
  ASSIGN_OR_RETURN(std::unique_ptr<format::ArchiveReader> reader,
                   format::ArchiveReader::Open(source, ro));
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
  const std::string key = script.restrict_key.empty() ? RestrictKey() : script.restrict_key;
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
  InsertWriter inserts(&w, script);
  for (const TocEntry* ep : data) {
    const TocEntry& e = *ep;
    if (script.rows_per_insert > 0) {
      if (!inserts.Start(e.copy_sql)) {
        return Status::InvalidArgument(Describe(e) +
                                       ": its COPY statement names no columns, so its rows "
                                       "cannot be written as INSERT statements");
      }
      RETURN_IF_ERROR(w.Header(e));
      RETURN_IF_ERROR(w.Write(restore::BeforeCopySql(e, content)));
      for (const auto& b : reader->BlocksOf(e.dump_id)) {
        RETURN_IF_ERROR(reader->ReadBlock(b, &block));
        RETURN_IF_ERROR(inserts.Feed(block));
      }
      RETURN_IF_ERROR(inserts.Finish());
      RETURN_IF_ERROR(w.Write(restore::AfterCopySql(e, content) + "\n"));
      continue;
    }
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
