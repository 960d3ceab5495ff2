#include "dump/toc_builder.h"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "ddl/ddl.h"
#include "pg/pg.h"
#include "sort/sort.h"

namespace libdump::dump {

namespace {

using catalog::Oid;
using format::Section;
using format::TocEntry;
using pg::QualifiedName;
using pg::QuoteIdent;

// PostgreSQL 15 creates the public schema owned by pg_database_owner with this comment; a schema
// in that state needs no entry of its own, as in pg_dump.
constexpr const char* kPublicSchemaComment = "standard public schema";

class Builder {
 public:
  explicit Builder(const catalog::Catalog& cat) : cat_(cat) {}

  Result<BuiltToc> Build() {
    AddSchemas();
    AddTypes();
    AddSequences();
    AddRelations();
    AddSequenceTails();
    AddPostData();
    PostponeViewsNeedingConstraints();
    RETURN_IF_ERROR(sort::SortToc(&out_.entries));
    std::stable_sort(
        out_.data_jobs.begin(), out_.data_jobs.end(),
        [](const DataJob& a, const DataJob& b) { return a.size_estimate > b.size_estimate; });
    return std::move(out_);
  }

 private:
  TocEntry& Add(std::string kind, Section section, std::string schema, std::string name,
                std::string owner, std::string create_sql, std::string drop_sql,
                std::vector<uint32_t> deps) {
    TocEntry e;
    e.dump_id = next_id_++;
    e.kind = std::move(kind);
    e.section = section;
    e.schema = std::move(schema);
    e.name = std::move(name);
    e.owner = std::move(owner);
    e.create_sql = std::move(create_sql);
    e.drop_sql = std::move(drop_sql);
    e.deps = std::move(deps);
    std::sort(e.deps.begin(), e.deps.end());
    e.deps.erase(std::unique(e.deps.begin(), e.deps.end()), e.deps.end());
    out_.entries.push_back(std::move(e));
    return out_.entries.back();
  }

  // A COMMENT entry attached to entry `target_id`; `target` is e.g. `TABLE "s"."t"`, `tag` what
  // --list shows, e.g. "TABLE t".
  void AddComment(const std::optional<std::string>& text, uint32_t target_id,
                  const std::string& target, const std::string& tag, const std::string& schema,
                  const std::string& owner, Section section) {
    if (!text) return;
    Add("COMMENT", section, schema, tag, owner, ddl::Comment(target, *text), "", {target_id});
  }

  uint32_t SchemaId(const std::string& name) const {
    auto it = schema_ids_.find(name);
    return it == schema_ids_.end() ? 0 : it->second;
  }

  std::vector<uint32_t> Deps(const std::string& schema, const std::vector<Oid>& type_deps,
                             const std::vector<Oid>& relation_deps = {}, Oid self = 0) const {
    std::vector<uint32_t> deps;
    if (uint32_t s = SchemaId(schema)) deps.push_back(s);
    for (Oid t : type_deps) {
      auto it = type_ids_.find(t);
      if (it != type_ids_.end() && t != self) deps.push_back(it->second);
    }
    for (Oid r : relation_deps) {
      auto it = relation_ids_.find(r);
      if (it != relation_ids_.end() && r != self) deps.push_back(it->second);
    }
    return deps;
  }

  void AddSchemas() {
    for (const auto& s : cat_.schemas) {
      const bool pristine_public = s.name == "public" && s.owner == "pg_database_owner";
      uint32_t id;
      if (s.name == "public") {
        // The target database already has a public schema; only a changed owner is restored.
        id =
            Add("SCHEMA", Section::kPreData, "", s.name, pristine_public ? "" : s.owner, "", "", {})
                .dump_id;
      } else {
        id = Add("SCHEMA", Section::kPreData, "", s.name, s.owner, ddl::CreateSchema(s),
                 "DROP SCHEMA " + QuoteIdent(s.name) + ";\n", {})
                 .dump_id;
      }
      schema_ids_[s.name] = id;
      if (!(s.name == "public" && s.comment && *s.comment == kPublicSchemaComment)) {
        AddComment(s.comment, id, "SCHEMA " + QuoteIdent(s.name), "SCHEMA " + s.name, "", s.owner,
                   Section::kPreData);
      }
    }
  }

  void AddTypes() {
    // Types are entered first and their dependencies on each other resolved after, since a
    // domain may sit on a composite declared later in name order.
    struct Pending {
      size_t entry;
      std::vector<Oid> type_deps;
      Oid self;
    };
    std::vector<Pending> pending;
    for (const auto& e : cat_.enums) {
      auto& te = Add("TYPE", Section::kPreData, e.schema, e.name, e.owner, ddl::CreateEnum(e),
                     "DROP TYPE " + QualifiedName(e.schema, e.name) + ";\n", {SchemaId(e.schema)});
      type_ids_[e.oid] = te.dump_id;
      AddComment(e.comment, te.dump_id, "TYPE " + QualifiedName(e.schema, e.name), "TYPE " + e.name,
                 e.schema, e.owner, Section::kPreData);
    }
    for (const auto& d : cat_.domains) {
      auto& te =
          Add("DOMAIN", Section::kPreData, d.schema, d.name, d.owner, ddl::CreateDomain(d),
              "DROP DOMAIN " + QualifiedName(d.schema, d.name) + ";\n", {SchemaId(d.schema)});
      uint32_t id = te.dump_id;
      pending.push_back({out_.entries.size() - 1, d.type_deps, d.oid});
      type_ids_[d.oid] = id;
      AddComment(d.comment, id, "DOMAIN " + QualifiedName(d.schema, d.name), "DOMAIN " + d.name,
                 d.schema, d.owner, Section::kPreData);
      for (const auto& c : d.constraints) {
        AddComment(
            c.comment, id,
            "CONSTRAINT " + QuoteIdent(c.name) + " ON DOMAIN " + QualifiedName(d.schema, d.name),
            "CONSTRAINT " + c.name + " ON DOMAIN " + d.name, d.schema, d.owner, Section::kPreData);
      }
    }
    for (const auto& c : cat_.composites) {
      auto& te = Add("TYPE", Section::kPreData, c.schema, c.name, c.owner, ddl::CreateComposite(c),
                     "DROP TYPE " + QualifiedName(c.schema, c.name) + ";\n", {SchemaId(c.schema)});
      uint32_t id = te.dump_id;
      pending.push_back({out_.entries.size() - 1, c.type_deps, c.oid});
      type_ids_[c.oid] = id;
      AddComment(c.comment, id, "TYPE " + QualifiedName(c.schema, c.name), "TYPE " + c.name,
                 c.schema, c.owner, Section::kPreData);
      int attnum = 0;
      for (const auto& a : c.attributes) {
        ++attnum;
        auto it = c.column_comments.find(attnum);
        if (a.dropped || it == c.column_comments.end()) continue;
        AddComment(it->second, id,
                   "COLUMN " + QualifiedName(c.schema, c.name) + "." + QuoteIdent(a.name),
                   "COLUMN " + c.name + "." + a.name, c.schema, c.owner, Section::kPreData);
      }
    }
    for (const auto& p : pending) {
      for (Oid t : p.type_deps) {
        auto it = type_ids_.find(t);
        if (it != type_ids_.end() && t != p.self) out_.entries[p.entry].deps.push_back(it->second);
      }
    }
  }

  void AddSequences() {
    for (const auto& s : cat_.sequences) {
      if (s.identity) continue;  // created by its table's identity column
      auto& te =
          Add("SEQUENCE", Section::kPreData, s.schema, s.name, s.owner, ddl::CreateSequence(s),
              "DROP SEQUENCE " + QualifiedName(s.schema, s.name) + ";\n", {SchemaId(s.schema)});
      relation_ids_[s.oid] = te.dump_id;
      AddComment(s.comment, te.dump_id, "SEQUENCE " + QualifiedName(s.schema, s.name),
                 "SEQUENCE " + s.name, s.schema, s.owner, Section::kPreData);
    }
  }

  void AddRelations() {
    std::map<Oid, std::map<int, const catalog::Sequence*>> identity;
    for (const auto& s : cat_.sequences) {
      if (s.identity) identity[s.owned_by_table][s.owned_by_column] = &s;
    }
    // Views may read views declared later in name order, so dependencies between relations are
    // resolved once every relation has its entry.
    struct Pending {
      size_t entry;
      const catalog::Table* table;
    };
    std::vector<Pending> pending;
    for (const auto& t : cat_.tables) {
      const std::string qname = QualifiedName(t.schema, t.name);
      const bool view = t.kind == 'v';
      std::string sql = view ? ddl::CreateView(t) : ddl::CreateTable(t, identity[t.oid]);
      auto& te =
          Add(view ? "VIEW" : "TABLE", Section::kPreData, t.schema, t.name, t.owner, std::move(sql),
              std::string(view ? "DROP VIEW " : "DROP TABLE ") + qname + ";\n", {});
      te.catalog_oid = t.oid;
      relation_ids_[t.oid] = te.dump_id;
      pending.push_back({out_.entries.size() - 1, &t});
      const uint32_t id = te.dump_id;
      AddComment(t.comment, id, std::string(view ? "VIEW " : "TABLE ") + qname,
                 std::string(view ? "VIEW " : "TABLE ") + t.name, t.schema, t.owner,
                 Section::kPreData);
      for (const auto& col : t.columns) {
        if (col.dropped) continue;
        AddComment(col.comment, id, "COLUMN " + qname + "." + QuoteIdent(col.name),
                   "COLUMN " + t.name + "." + col.name, t.schema, t.owner, Section::kPreData);
      }
      for (const auto& c : t.constraints) {
        if (c.type == 'c' && c.validated && c.local) {
          AddComment(c.comment, id, "CONSTRAINT " + QuoteIdent(c.name) + " ON " + qname,
                     "CONSTRAINT " + c.name + " ON " + t.name, t.schema, t.owner,
                     Section::kPreData);
        }
      }
      for (const auto& [attnum, seq] : identity[t.oid]) {
        relation_ids_[seq->oid] = id;
        AddComment(seq->comment, id, "SEQUENCE " + QualifiedName(seq->schema, seq->name),
                   "SEQUENCE " + seq->name, seq->schema, seq->owner, Section::kPreData);
      }
      if (!view) {
        auto& de = Add("TABLE DATA", Section::kData, t.schema, t.name, t.owner, "", "", {id});
        de.copy_sql = ddl::CopyInSql(t);
        de.size_estimate = t.size_bytes;
        de.catalog_oid = t.oid;
        out_.data_jobs.push_back({de.dump_id, ddl::CopyOutSql(t), qname, t.size_bytes});
      }
    }
    for (const auto& p : pending) {
      auto deps = Deps(p.table->schema, p.table->type_deps, p.table->relation_deps, p.table->oid);
      auto& e = out_.entries[p.entry];
      e.deps.insert(e.deps.end(), deps.begin(), deps.end());
      std::sort(e.deps.begin(), e.deps.end());
      e.deps.erase(std::unique(e.deps.begin(), e.deps.end()), e.deps.end());
    }
  }

  void AddSequenceTails() {
    std::unordered_map<Oid, const catalog::Table*> tables;
    for (const auto& t : cat_.tables) tables[t.oid] = &t;
    for (const auto& s : cat_.sequences) {
      uint32_t seq_id = relation_ids_.count(s.oid) ? relation_ids_.at(s.oid) : 0;
      if (seq_id == 0) continue;
      if (!s.identity && s.owned_by_table != 0) {
        auto it = tables.find(s.owned_by_table);
        if (it != tables.end()) {
          const catalog::Table& t = *it->second;
          std::string column;
          for (const auto& c : t.columns) {
            if (c.attnum == s.owned_by_column) column = c.name;
          }
          Add("SEQUENCE OWNED BY", Section::kPreData, s.schema, s.name, s.owner,
              ddl::SequenceOwnedBy(s, t, column), "", {seq_id, relation_ids_.at(t.oid)});
        }
      }
      Add("SEQUENCE SET", Section::kData, s.schema, s.name, s.owner, ddl::SequenceSet(s), "",
          {seq_id});
    }
  }

  void AddPostData() {
    std::unordered_map<Oid, uint32_t> index_providers;  // index OID -> entry creating it
    auto add_constraint = [&](const catalog::Table& t, const catalog::Constraint& c,
                              const char* kind, std::vector<uint32_t> deps) {
      const std::string qname = QualifiedName(t.schema, t.name);
      auto& e = Add(kind, Section::kPostData, t.schema, t.name + " " + c.name, t.owner,
                    ddl::AddConstraint(t, c),
                    "ALTER TABLE ONLY " + qname + " DROP CONSTRAINT " + QuoteIdent(c.name) + ";\n",
                    std::move(deps));
      const uint32_t id = e.dump_id;
      constraint_ids_[c.oid] = id;
      if (c.index_oid != 0 && c.type != 'f') index_providers[c.index_oid] = id;
      AddComment(c.comment, id, "CONSTRAINT " + QuoteIdent(c.name) + " ON " + qname,
                 "CONSTRAINT " + c.name + " ON " + t.name, t.schema, t.owner, Section::kPostData);
      AddComment(c.index_comment, id, "INDEX " + QualifiedName(t.schema, c.index_name),
                 "INDEX " + c.index_name, t.schema, t.owner, Section::kPostData);
    };
    for (const auto& t : cat_.tables) {
      const uint32_t table_id = relation_ids_.at(t.oid);
      for (const auto& i : t.indexes) {
        auto& e = Add("INDEX", Section::kPostData, t.schema, i.name, t.owner, ddl::CreateIndex(i),
                      "DROP INDEX " + QualifiedName(t.schema, i.name) + ";\n", {table_id});
        const uint32_t id = e.dump_id;
        index_providers[i.oid] = id;
        AddComment(i.comment, id, "INDEX " + QualifiedName(t.schema, i.name), "INDEX " + i.name,
                   t.schema, t.owner, Section::kPostData);
      }
      for (const auto& c : t.constraints) {
        if (!c.local) continue;
        if (c.type == 'p' || c.type == 'u' || c.type == 'x') {
          add_constraint(t, c, "CONSTRAINT", {table_id});
        } else if (c.type == 'c' && !c.validated) {
          add_constraint(t, c, "CHECK CONSTRAINT", {table_id});
        }
      }
    }
    // Foreign keys last: they need the referenced table's unique index.
    for (const auto& t : cat_.tables) {
      for (const auto& c : t.constraints) {
        if (!c.local || c.type != 'f') continue;
        std::vector<uint32_t> deps = {relation_ids_.at(t.oid)};
        if (auto it = relation_ids_.find(c.ref_table); it != relation_ids_.end()) {
          deps.push_back(it->second);
        }
        if (auto it = index_providers.find(c.index_oid); it != index_providers.end()) {
          deps.push_back(it->second);
        }
        add_constraint(t, c, "FK CONSTRAINT", std::move(deps));
      }
    }
  }

  // A view whose query needs a constraint (GROUP BY on a primary key) moves to post-data after
  // that constraint, and so do the views that read it and their comments.
  void PostponeViewsNeedingConstraints() {
    std::unordered_map<uint32_t, size_t> entry_of;
    for (size_t i = 0; i < out_.entries.size(); ++i) entry_of[out_.entries[i].dump_id] = i;
    std::unordered_set<uint32_t> postponed;
    for (const auto& t : cat_.tables) {
      for (Oid c : t.constraint_deps) {
        auto it = constraint_ids_.find(c);
        if (it == constraint_ids_.end()) continue;
        const uint32_t view_id = relation_ids_.at(t.oid);
        out_.entries[entry_of.at(view_id)].deps.push_back(it->second);
        postponed.insert(view_id);
      }
    }
    for (bool grew = !postponed.empty(); grew;) {
      grew = false;
      for (auto& e : out_.entries) {
        if (postponed.count(e.dump_id) || (e.kind != "VIEW" && e.kind != "COMMENT")) continue;
        for (uint32_t d : e.deps) {
          if (postponed.count(d)) {
            postponed.insert(e.dump_id);
            grew = true;
            break;
          }
        }
      }
    }
    for (auto& e : out_.entries) {
      if (postponed.count(e.dump_id)) e.section = Section::kPostData;
    }
  }

  const catalog::Catalog& cat_;
  std::unordered_map<Oid, uint32_t> constraint_ids_;
  BuiltToc out_;
  uint32_t next_id_ = 1;
  std::unordered_map<std::string, uint32_t> schema_ids_;
  std::unordered_map<Oid, uint32_t> type_ids_;
  std::unordered_map<Oid, uint32_t> relation_ids_;  // tables, views, sequences
};

}  // namespace

Result<BuiltToc> BuildToc(const catalog::Catalog& catalog) { return Builder(catalog).Build(); }

}  // namespace libdump::dump
