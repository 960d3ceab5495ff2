// WriteClusterScript (libdump/cluster.h): a cluster archive as one psql script, in the shape of
// pg_dumpall's: the globals, then each database's script (WriteScript) after its CREATE DATABASE
// and \connect, or, for postgres and template1 that every cluster has, after a \connect alone and
// followed by the database's own properties.
#include <algorithm>
#include <random>

#include "cluster/cluster_util.h"
#include "cluster/globals.h"
#include "libdump/cluster.h"
#include "libdump/format/cluster.h"
#include "libdump/restore.h"

namespace libdump {

namespace {

// A sink that passes writes on and takes Commit() as the end of one part of the script.
class PartOfScript final : public ByteSink {
 public:
  explicit PartOfScript(ByteSink* out) : out_(out) {}
  Status Write(const void* data, size_t n) override { return out_->Write(data, n); }
  Status Flush() override { return Status::Ok(); }
  Status Commit() override { return Status::Ok(); }
  std::string Describe() const override { return out_->Describe(); }

 private:
  ByteSink* out_;
};

std::string Key() {
  static constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device rd;
  std::string key;
  for (int i = 0; i < 64; ++i) key.push_back(kChars[rd() % (sizeof kChars - 1)]);
  return key;
}

// psql's \connect to database `name` keeping the other connection settings.
std::string Connect(const std::string& name) {
  const std::string value = cluster::ConnInfoFor("", name);
  std::string arg = "\"";
  for (char c : value) {
    if (c == '"') arg.push_back('"');
    arg.push_back(c);
  }
  return "\\connect -reuse-previous=on " + arg + "\"\n";
}

// One line of a comment: no line break can end it early.
std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

}  // namespace

// Defined in cluster_restore.cc.
std::string ClusterDatabaseLevelSql(const std::vector<format::TocEntry>& toc,
                                    const std::string& name);

Status WriteClusterScript(ByteSource* source, ByteSink* out, const RestoreContent& content,
                          const std::vector<std::string>& databases, bool globals,
                          bool globals_only,
                          const std::vector<std::pair<std::string, std::string>>& mapping) {
  ASSIGN_OR_RETURN(std::unique_ptr<format::ClusterReader> reader,
                   format::ClusterReader::Open(source));
  RETURN_IF_ERROR(reader->LoadIndex());
  for (const std::string& name : databases) {
    bool found = false;
    for (const format::ClusterPart& p : reader->parts()) found |= p.part > 0 && p.database == name;
    if (!found) return Status::NotFound("database \"" + name + "\" is not in the archive");
  }
  auto write = [&](const std::string& s) { return out->Write(s.data(), s.size()); };
  RETURN_IF_ERROR(
      write("--\n-- ndumpall cluster archive as a psql script (run it connected to "
            "the postgres database)\n--\n\n"));
  if (globals) {
    ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> g, reader->OpenPart(0));
    ASSIGN_OR_RETURN(std::vector<format::TocEntry> toc, ListArchive(g.get()));
    const std::string key = Key();
    RETURN_IF_ERROR(write("\\restrict " + key +
                          "\n\nSET client_encoding = 'UTF8';\n"
                          "SET standard_conforming_strings = on;\n\n"));
    for (const format::TocEntry& e : toc) {
      std::string sql = e.create_sql;
      if (e.kind == cluster::kKindTablespace) {
        for (const auto& [from, to] : mapping) {
          if (from == e.schema) sql = cluster::WithLocation(e, to);
        }
      }
      RETURN_IF_ERROR(write(std::string("-- ").append(OneLine(e.kind + " " + e.name))));
      RETURN_IF_ERROR(write(std::string(1, '\n').append(sql).append(1, '\n')));
    }
    RETURN_IF_ERROR(write("\\unrestrict " + key + "\n\n"));
  }
  for (const format::ClusterPart& p : reader->parts()) {
    if (p.part == 0 || globals_only) continue;
    if (!databases.empty() &&
        std::find(databases.begin(), databases.end(), p.database) == databases.end()) {
      continue;
    }
    ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> src, reader->OpenPart(p.part));
    RestoreContent c = content;
    const bool builtin = p.database == "postgres" || p.database == "template1";
    c.create = !builtin;
    RETURN_IF_ERROR(write("--\n-- Database " + OneLine(p.database) + "\n--\n\n"));
    if (builtin) RETURN_IF_ERROR(write(Connect(p.database)));
    PartOfScript part(out);
    RETURN_IF_ERROR(
        WriteScript(src.get(), &part, c).WithContext("database \"" + p.database + "\""));
    if (builtin) {
      ASSIGN_OR_RETURN(std::vector<format::TocEntry> toc, ListArchive(src.get()));
      const std::string sql = ClusterDatabaseLevelSql(toc, p.database);
      if (!sql.empty()) {
        RETURN_IF_ERROR(write(sql));
        RETURN_IF_ERROR(write(std::string(1, '\n')));
      }
    }
    RETURN_IF_ERROR(write(Connect("postgres")));
  }
  return out->Commit();
}

}  // namespace libdump
