// Sequences, tables and views, their data, and what follows the data: indexes and constraints.
#include <map>
#include <unordered_map>

#include "ddl/ddl.h"
#include "dump/toc_builder_internal.h"
#include "pg/pg.h"

namespace libdump::dump {

using catalog::Oid;
using format::Section;
using pg::QualifiedName;
using pg::QuoteIdent;

void TocBuilder::AddSequences() {
  for (const auto& s : cat_.sequences) {
    if (s.identity) continue;  // created by its table's identity column
    const std::string qname = QualifiedName(s.schema, s.name);
    uint32_t id =
        Add("SEQUENCE", Section::kPreData, s.schema, s.name, s.owner, ddl::CreateSequence(s),
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
  for (const auto& t : cat_.tables) {
    const std::string qname = QualifiedName(t.schema, t.name);
    const bool view = t.kind == 'v';
    const std::string kind = view ? "VIEW" : "TABLE";
    std::string sql = view ? ddl::CreateView(t) : ddl::CreateTable(t, identity[t.oid]);
    const uint32_t id = Add(kind, Section::kPreData, t.schema, t.name, t.owner, std::move(sql),
                            "DROP " + kind + " " + qname + ";\n", {SchemaId(t.schema)});
    Entry(id).catalog_oid = t.oid;
    Entry(id).owner_object = kind + " " + qname;
    Register(cls::kClass, t.oid, id);
    Register(cls::kType, t.row_type, id);
    AddComment(t.comment, id, kind + " " + qname, kind + " " + t.name);
    for (const auto& col : t.columns) {
      if (col.dropped) continue;
      AddComment(col.comment, id, "COLUMN " + qname + "." + QuoteIdent(col.name),
                 "COLUMN " + t.name + "." + col.name);
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
    if (!view) {
      const uint32_t data_id =
          Add("TABLE DATA", Section::kData, t.schema, t.name, t.owner, "", "", {id});
      format::TocEntry& de = Entry(data_id);
      de.copy_sql = ddl::CopyInSql(t);
      de.size_estimate = t.size_bytes;
      de.catalog_oid = t.oid;
      out_.data_jobs.push_back({data_id, ddl::CopyOutSql(t), qname, t.size_bytes});
    }
  }
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
        Add("SEQUENCE OWNED BY", Section::kPreData, s.schema, s.name, s.owner,
            ddl::SequenceOwnedBy(s, t, column), "", {seq_id, Lookup(cls::kClass, t.oid)});
      }
    }
    Add("SEQUENCE SET", Section::kData, s.schema, s.name, s.owner, ddl::SequenceSet(s), "",
        {seq_id});
  }
}

void TocBuilder::AddPostData() {
  auto add_constraint = [&](const catalog::Table& t, const catalog::Constraint& c,
                            const char* kind) {
    const std::string qname = QualifiedName(t.schema, t.name);
    const uint32_t id =
        Add(kind, Section::kPostData, t.schema, t.name + " " + c.name, t.owner,
            ddl::AddConstraint(t, c),
            "ALTER TABLE ONLY " + qname + " DROP CONSTRAINT " + QuoteIdent(c.name) + ";\n",
            {Lookup(cls::kClass, t.oid)});
    Register(cls::kConstraint, c.oid, id);
    // The index a primary key, unique or exclusion constraint creates is the constraint's.
    if (c.type != 'f') Register(cls::kClass, c.index_oid, id);
    AddComment(c.comment, id, "CONSTRAINT " + QuoteIdent(c.name) + " ON " + qname,
               "CONSTRAINT " + c.name + " ON " + t.name);
    AddComment(c.index_comment, id, "INDEX " + QualifiedName(t.schema, c.index_name),
               "INDEX " + c.index_name);
    return id;
  };
  for (const auto& t : cat_.tables) {
    const uint32_t table_id = Lookup(cls::kClass, t.oid);
    for (const auto& i : t.indexes) {
      const uint32_t id =
          Add("INDEX", Section::kPostData, t.schema, i.name, t.owner, ddl::CreateIndex(i),
              "DROP INDEX " + QualifiedName(t.schema, i.name) + ";\n", {table_id});
      Register(cls::kClass, i.oid, id);
      AddComment(i.comment, id, "INDEX " + QualifiedName(t.schema, i.name), "INDEX " + i.name);
    }
    for (const auto& c : t.constraints) {
      if (!c.local) continue;
      if (c.type == 'p' || c.type == 'u' || c.type == 'x') {
        add_constraint(t, c, "CONSTRAINT");
      } else if (c.type == 'c' && !c.validated) {
        add_constraint(t, c, "CHECK CONSTRAINT");
      }
    }
  }
  // Foreign keys last. pg_depend ties each to the referenced table's unique index, which
  // ResolveCatalogDepends turns into a dependency on the entry that creates that index.
  for (const auto& t : cat_.tables) {
    for (const auto& c : t.constraints) {
      if (c.local && c.type == 'f') {
        const uint32_t id = add_constraint(t, c, "FK CONSTRAINT");
        AddDep(id, Lookup(cls::kClass, c.ref_table));
      }
    }
  }
}

}  // namespace libdump::dump
