// Sequences, tables and views, their data, and what follows the data: indexes and constraints.
#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "ddl/ddl.h"
#include "dump/toc_builder_internal.h"
#include "pg/pg.h"

namespace libdump::dump {

using kinds::Kind;
using kinds::NameOf;

using catalog::Oid;
using format::Section;
using pg::QualifiedName;
using pg::QuoteIdent;

void TocBuilder::AddSequences() {
  for (const auto& s : cat_.sequences) {
    if (s.identity) continue;  // created by its table's identity column
    const std::string qname = QualifiedName(s.schema, s.name);
    uint32_t id =
        Add(Kind::kSequence, Section::kPreData, s.schema, s.name, s.owner, ddl::CreateSequence(s),
            "DROP SEQUENCE " + qname + ";\n", {SchemaId(s.schema)});
    Entry(id).owner_object = "SEQUENCE " + qname;
    Register(cls::kClass, s.oid, id);
    AddComment(s.comment, id, "SEQUENCE " + qname, "SEQUENCE " + s.name);
    AddAcl(s.acl, id, "SEQUENCE", qname, "SEQUENCE " + s.name);
  }
}

void TocBuilder::AddRelations() {
  std::map<Oid, std::map<int, const catalog::Sequence*>> identity;
  for (const auto& s : cat_.sequences) {
    if (s.identity) identity[s.owned_by_table][s.owned_by_column] = &s;
  }
  std::unordered_map<Oid, const catalog::Table*> by_oid;
  for (const auto& t : cat_.tables) by_oid[t.oid] = &t;
  for (const auto& t : cat_.outside_parents) by_oid[t.oid] = &t;
  std::vector<std::pair<uint32_t, Oid>> parent_links;  // ATTACH/INHERIT entry -> parent table
  for (const auto& t : cat_.tables) {
    const std::string qname = QualifiedName(t.schema, t.name);
    const bool view = t.kind == 'v';
    const bool matview = t.kind == 'm';
    const Kind relation_kind = view            ? Kind::kView
                               : matview       ? Kind::kMaterializedView
                               : t.kind == 'f' ? Kind::kForeignTable
                                               : Kind::kTable;
    const std::string kind(NameOf(relation_kind));  // as SQL names it too
    std::string sql;
    std::string attach;  // ATTACH PARTITION / INHERIT, run once the parents exist
    if (view) {
      sql = ddl::CreateView(t);
    } else if (matview) {
      sql = ddl::CreateMaterializedView(t);
    } else if (t.parents.empty()) {
      sql = ddl::CreateTable(t, identity[t.oid]);
    } else if (t.is_partition) {
      // As pg_dump: a stand-alone table with every column in its own order and the inherited
      // CHECK constraints, then ATTACH PARTITION.
      sql = ddl::CreateTable(t, identity[t.oid], "", /*all_checks=*/true);
      const catalog::Table* parent = by_oid.count(t.parents[0]) ? by_oid[t.parents[0]] : nullptr;
      if (parent) {
        attach = "ALTER TABLE ONLY " + QualifiedName(parent->schema, parent->name) +
                 " ATTACH PARTITION " + qname + " " + t.partition_bound + ";\n";
      }
    } else {
      sql = InheritanceChildSql(t, by_oid, identity[t.oid], &attach);
    }
    sql = ddl::InAccessMethod(t.access_method, ddl::InTablespace(t.tablespace, std::move(sql))) +
          ddl::TableProperties(t);
    const uint32_t id =
        Add(relation_kind, Section::kPreData, t.schema, t.name, t.owner, std::move(sql),
            "DROP " + kind + " " + qname + ";\n", {SchemaId(t.schema)});
    if (!attach.empty()) {
      const uint32_t attach_id =
          Add(t.is_partition ? Kind::kTableAttach : Kind::kTableInherit, Section::kPreData,
              t.schema, t.name, t.owner, attach, "", {id});
      for (Oid p : t.parents) parent_links.emplace_back(attach_id, p);
    }
    // As pg_dump: enabling row security is post-data, so that --section=pre-data leaves it out.
    if (t.row_security) {
      Add(Kind::kRowSecurity, Section::kPostData, t.schema, t.name, t.owner,
          "ALTER TABLE " + qname + " ENABLE ROW LEVEL SECURITY;\n", "", {id});
    }
    for (const auto& p : t.policies) {
      const uint32_t pid = Add(Kind::kPolicy, Section::kPostData, t.schema, t.name + " " + p.name,
                               t.owner, ddl::CreatePolicy(t, p),
                               "DROP POLICY " + QuoteIdent(p.name) + " ON " + qname + ";\n", {id});
      Register(cls::kPolicy, p.oid, pid);
      AddComment(p.comment, pid, "POLICY " + QuoteIdent(p.name) + " ON " + qname,
                 "POLICY " + p.name + " ON " + t.name);
    }
    Entry(id).catalog_oid = t.oid;
    Entry(id).owner_object = kind + " " + qname;
    Register(cls::kClass, t.oid, id);
    Register(cls::kType, t.row_type, id);
    AddComment(t.comment, id, kind + " " + qname, kind + " " + t.name);
    for (const auto& col : t.columns) {
      if (col.dropped) continue;
      AddComment(col.comment, id, "COLUMN " + qname + "." + QuoteIdent(col.name),
                 "COLUMN " + t.name + "." + col.name);
      // 18+: a comment on the column's NOT NULL constraint, which CREATE TABLE names for it (a
      // NOT VALID one is an entry of its own, with its comment).
      if (col.notnull_name && col.notnull_valid) {
        AddComment(col.notnull_comment, id,
                   "CONSTRAINT " + QuoteIdent(*col.notnull_name) + " ON " + qname,
                   "CONSTRAINT " + *col.notnull_name + " ON " + t.name);
      }
    }
    for (const auto& c : t.constraints) {
      if (c.type == 'c' && c.validated && c.local) {
        // Created inside CREATE TABLE.
        Register(cls::kConstraint, c.oid, id);
        AddComment(c.comment, id, "CONSTRAINT " + QuoteIdent(c.name) + " ON " + qname,
                   "CONSTRAINT " + c.name + " ON " + t.name);
      }
    }
    for (const auto& [attnum, seq] : identity[t.oid]) {
      Register(cls::kClass, seq->oid, id);
      AddComment(seq->comment, id, "SEQUENCE " + QualifiedName(seq->schema, seq->name),
                 "SEQUENCE " + seq->name);
      AddAcl(seq->acl, id, "SEQUENCE", QualifiedName(seq->schema, seq->name),
             "SEQUENCE " + seq->name);
    }
    AddAcl(t.acl, id, "TABLE", qname, kind + " " + t.name);
    for (const auto& col : t.columns) {
      if (col.dropped || !col.acl) continue;
      AddAcl(col.acl, id, "TABLE", qname, "COLUMN " + t.name + "." + col.name, col.name);
    }
    if (matview && t.populated) {
      Add(Kind::kMaterializedViewData, Section::kPostData, t.schema, t.name, t.owner,
          "REFRESH MATERIALIZED VIEW " + qname + ";\n", "", {id});
    }
    if (t.kind == 'r') AddTableData(t, id);
  }
  for (const auto& [entry, parent] : parent_links) AddDep(entry, Lookup(cls::kClass, parent));
}

void TocBuilder::AddTableData(const catalog::Table& t, uint32_t table_id) {
  const std::string qname = QualifiedName(t.schema, t.name);
  // A big table is dumped as several chunks of heap pages, each its own TABLE DATA entry, so
  // that -j workers share one huge table on dump and on restore. Chunks need TID range scans
  // (PostgreSQL 14+); older servers would read the whole table for every chunk.
  uint64_t chunks = 1;
  const uint64_t chunk = options_.chunk_bytes;
  if (cat_.tid_range_scans && chunk > 0 && t.size_bytes > chunk && t.heap_pages > 1) {
    chunks = std::min<uint64_t>({(t.size_bytes + chunk - 1) / chunk, kMaxChunks, t.heap_pages});
  }
  // First page of each piece. The last chunk is cut in kTailPieces smaller pieces: jobs take the
  // biggest pieces first (on dump and on restore), so a table ends with small pieces that all
  // jobs share, rather than with one job loading a whole last chunk while the others wait for
  // it (its indexes need all of its data).
  std::vector<uint64_t> starts;
  for (uint64_t i = 0; i + 1 < chunks; ++i) starts.push_back(t.heap_pages * i / chunks);
  if (chunks > 1) {
    const uint64_t last = t.heap_pages * (chunks - 1) / chunks;
    const uint64_t pieces = std::min<uint64_t>(kTailPieces, t.heap_pages - last);
    for (uint64_t k = 0; k < pieces; ++k)
      starts.push_back(last + (t.heap_pages - last) * k / pieces);
  }
  const size_t n = std::max<size_t>(1, starts.size());
  for (size_t i = 0; i < n; ++i) {
    const uint32_t data_id =
        Add(Kind::kTableData, Section::kData, t.schema, t.name, t.owner, "", "", {table_id});
    format::TocEntry& de = Entry(data_id);
    de.copy_sql = ddl::CopyInSql(t);
    de.copy_sql.shrink_to_fit();  // as Add() does for the entry's other SQL
    de.catalog_oid = t.oid;
    de.char_columns = ddl::FixedCharPositions(t);
    std::string copy_out;
    std::string label = qname;
    if (n == 1) {
      copy_out = ddl::CopyOutSql(t);
      de.size_estimate = t.size_bytes;
    } else {
      // The last piece has no upper bound: it also takes pages the table gained since its size
      // was read.
      const uint64_t first = starts[i];
      const uint64_t end = i + 1 == n ? 0 : starts[i + 1];
      copy_out = ddl::CopyOutPagesSql(t, first, end);
      const uint64_t pages = (end ? end : t.heap_pages) - first;
      de.size_estimate =
          static_cast<uint64_t>(static_cast<double>(t.size_bytes) * static_cast<double>(pages) /
                                static_cast<double>(t.heap_pages));
      label +=
          " (pages " + std::to_string(first) + "-" + (end ? std::to_string(end - 1) : "") + ")";
    }
    copy_out.shrink_to_fit();
    out_.data_jobs.push_back({data_id, std::move(copy_out), label, de.size_estimate});
  }
}

namespace {

// What an inheritance child changed on columns it inherits, which CREATE TABLE ... INHERITS
// cannot say (it lists the child's own columns only), as pg_dump writes it: its own NOT NULL
// (before 18: from 18 the constraint is named in CREATE TABLE) and its own default.
std::string InheritedColumnChanges(const catalog::Table& t,
                                   const std::unordered_map<Oid, const catalog::Table*>& by_oid) {
  std::string sql;
  const std::string qname = QualifiedName(t.schema, t.name);
  const std::string alter = "ALTER TABLE ONLY " + qname;
  for (const auto& c : t.columns) {
    if (c.dropped || c.local) continue;
    // A foreign-table child's options on a column it inherits (not written in its CREATE).
    if (t.kind == 'f' && c.fdw_options) {
      sql += "ALTER FOREIGN TABLE ONLY " + qname + " ALTER COLUMN " + QuoteIdent(c.name) +
             " OPTIONS (" + *c.fdw_options + ");\n";
    }
    if (c.generated != '\0' || c.identity != '\0') continue;
    bool parent_not_null = false;
    const catalog::OptionalText* parent_default = nullptr;
    for (Oid p : t.parents) {
      auto it = by_oid.find(p);
      if (it == by_oid.end()) continue;
      for (const auto& pc : it->second->columns) {
        if (pc.dropped || pc.name != c.name) continue;
        parent_not_null = parent_not_null || pc.not_null;
        if (pc.default_expr) parent_default = &pc.default_expr;
      }
    }
    const std::string column = alter + " ALTER COLUMN " + QuoteIdent(c.name);
    if (c.not_null && !parent_not_null && !c.notnull_name) sql += column + " SET NOT NULL;\n";
    if (c.default_expr && (parent_default == nullptr || **parent_default != *c.default_expr)) {
      sql += column + " SET DEFAULT " + *c.default_expr + ";\n";
    }
  }
  return sql;
}

}  // namespace

std::string TocBuilder::InheritanceChildSql(
    const catalog::Table& t, const std::unordered_map<Oid, const catalog::Table*>& by_oid,
    const std::map<int, const catalog::Sequence*>& identity, std::string* inherit_sql) {
  // The order the server gives a child created with INHERITS: its parents' columns first, in
  // their order, then its own.
  std::vector<std::string> expected;
  std::vector<std::string> generated;  // the parents' generated columns
  std::string parents;
  for (Oid p : t.parents) {
    auto it = by_oid.find(p);
    if (it == by_oid.end()) continue;
    if (!parents.empty()) parents += ", ";
    parents += QualifiedName(it->second->schema, it->second->name);
    for (const auto& c : it->second->columns) {
      if (!c.dropped && std::find(expected.begin(), expected.end(), c.name) == expected.end()) {
        expected.push_back(c.name);
      }
      if (!c.dropped && c.generated != '\0') generated.push_back(c.name);
    }
  }
  std::vector<std::string> actual;
  for (const auto& c : t.columns) {
    if (!c.dropped) actual.push_back(c.name);
  }
  for (const auto& name : actual) {
    if (std::find(expected.begin(), expected.end(), name) == expected.end()) {
      expected.push_back(name);
    }
  }
  if (expected == actual) {
    // 18+: a valid NOT NULL the child holds from a parent whose own is NOT VALID is written in
    // the child (the parent's is added after the data, and then merges with it), as pg_dump does.
    std::optional<catalog::Table> own_not_null;
    for (size_t i = 0; i < t.columns.size(); ++i) {
      const catalog::Column& c = t.columns[i];
      if (c.dropped || c.local || !c.notnull_name || !c.notnull_valid || c.notnull_local) continue;
      for (Oid p : t.parents) {
        auto it = by_oid.find(p);
        if (it == by_oid.end()) continue;
        for (const auto& pc : it->second->columns) {
          if (pc.name != c.name || pc.dropped || pc.notnull_valid) continue;
          if (!own_not_null) own_not_null = t;
          own_not_null->columns[i].notnull_local = true;
          own_not_null->columns[i].notnull_default_name = false;  // written by its name
        }
      }
    }
    return ddl::CreateTable(own_not_null ? *own_not_null : t, identity, parents, false, generated) +
           InheritedColumnChanges(t, by_oid);
  }
  // pg_dump would lose this column order. Keep it: create the table with every column in its
  // own order, then INHERIT, then mark the inherited columns and constraints as not local, as
  // the source has them (a catalog update, which needs a superuser, as pg_dump's binary-upgrade
  // mode does).
  const std::string qname = QualifiedName(t.schema, t.name);
  std::string sql;
  for (Oid p : t.parents) {
    auto it = by_oid.find(p);
    if (it == by_oid.end()) continue;
    sql += "ALTER TABLE ONLY " + qname + " INHERIT " +
           QualifiedName(it->second->schema, it->second->name) + ";\n";
  }
  std::string columns, checks;
  for (const auto& c : t.columns) {
    if (!c.dropped && !c.local) columns += (columns.empty() ? "" : ", ") + pg::QuoteLiteral(c.name);
  }
  for (const auto& c : t.constraints) {
    if (c.type == 'c' && !c.local)
      checks += (checks.empty() ? "" : ", ") + pg::QuoteLiteral(c.name);
  }
  // 18+: inherited NOT NULL constraints, written by name in the CREATE TABLE below.
  for (const auto& c : t.columns) {
    if (!c.dropped && c.notnull_name && c.notnull_valid && !c.notnull_local) {
      checks += (checks.empty() ? "" : ", ") + pg::QuoteLiteral(*c.notnull_name);
    }
  }
  const std::string rel = pg::QuoteLiteral(qname) + "::pg_catalog.regclass";
  if (!columns.empty()) {
    sql += "UPDATE pg_catalog.pg_attribute SET attislocal = false WHERE attrelid = " + rel +
           " AND attname IN (" + columns + ");\n";
  }
  if (!checks.empty()) {
    sql += "UPDATE pg_catalog.pg_constraint SET conislocal = false WHERE conrelid = " + rel +
           " AND conname IN (" + checks + ");\n";
  }
  *inherit_sql = sql;
  return ddl::CreateTable(t, identity, "", /*all_checks=*/true);
}

void TocBuilder::AddSequenceTails() {
  std::unordered_map<Oid, const catalog::Table*> tables;
  for (const auto& t : cat_.tables) tables[t.oid] = &t;
  for (const auto& s : cat_.sequences) {
    const uint32_t seq_id = Lookup(cls::kClass, s.oid);
    if (seq_id == 0) continue;
    if (!s.identity && s.owned_by_table != 0) {
      auto it = tables.find(s.owned_by_table);
      if (it != tables.end()) {
        const catalog::Table& t = *it->second;
        std::string column;
        for (const auto& c : t.columns) {
          if (c.attnum == s.owned_by_column) column = c.name;
        }
        Add(Kind::kSequenceOwnedBy, Section::kPreData, s.schema, s.name, s.owner,
            ddl::SequenceOwnedBy(s, t, column), "", {seq_id, Lookup(cls::kClass, t.oid)});
      }
    }
    Add(Kind::kSequenceSet, Section::kData, s.schema, s.name, s.owner, ddl::SequenceSet(s), "",
        {seq_id});
  }
}

void TocBuilder::AddPostData() {
  std::map<std::pair<std::string, std::string>, uint32_t> index_entry;  // (schema, name) -> id
  std::unordered_set<Oid> attached_indexes;
  for (const auto& a : cat_.index_attachments) attached_indexes.insert(a.index);
  auto add_constraint = [&](const catalog::Table& t, const catalog::Constraint& c, Kind kind) {
    const std::string qname = QualifiedName(t.schema, t.name);
    const uint32_t id = Add(kind, Section::kPostData, t.schema, t.name + " " + c.name, t.owner,
                            ddl::AddConstraint(t, c),
                            // A partition's copy of its parent's constraint cannot be dropped on
                            // its own (42P16); dropping the parent's drops it.
                            c.parent != 0 ? std::string()
                                          : ddl::AlterTableFor(t, c) + qname + " DROP CONSTRAINT " +
                                                QuoteIdent(c.name) + ";\n",
                            {Lookup(cls::kClass, t.oid)});
    // The two-statement form, for a restore to build a big table's key beside its other indexes.
    if (c.attachable && t.size_bytes >= kKeyApartMinBytes) {
      std::string index_sql = ddl::CreateConstraintIndex(t, c);
      if (!index_sql.empty()) {
        Entry(id).index_sql = std::move(index_sql);
        Entry(id).attach_sql = ddl::AttachConstraintIndex(t, c);
      }
    }
    Register(cls::kConstraint, c.oid, id);
    // The index a primary key, unique or exclusion constraint creates is the constraint's.
    if (c.type != 'f') Register(cls::kClass, c.index_oid, id);
    if (c.type != 'f') index_entry[{t.schema, c.index_name}] = id;
    AddComment(c.comment, id, "CONSTRAINT " + QuoteIdent(c.name) + " ON " + qname,
               "CONSTRAINT " + c.name + " ON " + t.name);
    AddComment(c.index_comment, id, "INDEX " + QualifiedName(t.schema, c.index_name),
               "INDEX " + c.index_name);
    return id;
  };
  for (const auto& t : cat_.tables) {
    const uint32_t table_id = Lookup(cls::kClass, t.oid);
    for (const auto& i : t.indexes) {
      // A partition's index attached to its parent's index cannot be dropped on its own (2BP01);
      // dropping the parent index or the partition drops it.
      const uint32_t id = Add(Kind::kIndex, Section::kPostData, t.schema, i.name, t.owner,
                              ddl::CreateIndex(i) + ddl::IndexStatistics(t.schema, i),
                              attached_indexes.count(i.oid) != 0
                                  ? std::string()
                                  : "DROP INDEX " + QualifiedName(t.schema, i.name) + ";\n",
                              {table_id});
      Register(cls::kClass, i.oid, id);
      index_entry[{t.schema, i.name}] = id;
      AddComment(i.comment, id, "INDEX " + QualifiedName(t.schema, i.name), "INDEX " + i.name);
    }
    for (const auto& c : t.constraints) {
      // A partition's copy of its parent's unique index constraint is not local, yet pg_dump
      // creates it on the partition and attaches its index (INDEX ATTACH).
      if (!c.local && c.parent == 0) continue;
      if (c.type == 'p' || c.type == 'u' || c.type == 'x') {
        add_constraint(t, c, Kind::kConstraint);
      } else if ((c.type == 'c' || c.type == 'n') && !c.validated) {
        add_constraint(t, c, Kind::kCheckConstraint);
      }
    }
  }
  for (const auto& a : cat_.index_attachments) {
    // Also when the parent index is not dumped (-t of a partition): as the partition's ATTACH
    // PARTITION, the attach names a parent the target must already have.
    const uint32_t child = Lookup(cls::kClass, a.index);
    const uint32_t parent = Lookup(cls::kClass, a.parent);
    if (child == 0) continue;
    Add(Kind::kIndexAttach, Section::kPostData, a.schema, a.name, Entry(child).owner,
        "ALTER INDEX " + QualifiedName(a.parent_schema, a.parent_name) + " ATTACH PARTITION " +
            QualifiedName(a.schema, a.name) + ";\n",
        "", {child, parent});
  }
  for (const auto& t : cat_.tables) {
    const uint32_t table_id = Lookup(cls::kClass, t.oid);
    const std::string alter = "ALTER TABLE ONLY " + QualifiedName(t.schema, t.name);
    if (!t.cluster_index.empty()) {
      Add(Kind::kClusterOn, Section::kPostData, t.schema, t.name, t.owner,
          alter + " CLUSTER ON " + QuoteIdent(t.cluster_index) + ";\n", "", {table_id});
      AddDep(static_cast<uint32_t>(out_.entries.size()), index_entry[{t.schema, t.cluster_index}]);
    }
    if (t.replica_identity == 'i' && !t.replica_index.empty()) {
      Add(Kind::kReplicaIdentity, Section::kPostData, t.schema, t.name, t.owner,
          alter + " REPLICA IDENTITY USING INDEX " + QuoteIdent(t.replica_index) + ";\n", "",
          {table_id});
      AddDep(static_cast<uint32_t>(out_.entries.size()), index_entry[{t.schema, t.replica_index}]);
    }
  }
  // Foreign keys last. pg_depend ties each to the referenced table's unique index, which
  // ResolveCatalogDepends turns into a dependency on the entry that creates that index.
  for (const auto& t : cat_.tables) {
    for (const auto& c : t.constraints) {
      // A partition's foreign keys are cloned from its parent's when that one is created.
      if (c.local && c.type == 'f' && c.parent == 0) {
        const uint32_t id = add_constraint(t, c, Kind::kFkConstraint);
        AddDep(id, Lookup(cls::kClass, c.ref_table));
      }
    }
  }
}

}  // namespace libdump::dump
