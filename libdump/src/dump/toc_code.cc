// Code-like objects: procedural languages, extensions (and the data of their configuration
// tables), functions, procedures, aggregates, casts, transforms in pre-data; triggers, rules and
// event triggers in post-data.
#include <map>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ddl/acl.h"
#include "ddl/ddl.h"
#include "ddl/ddl_code.h"
#include "dump/toc_builder_internal.h"
#include "pg/pg.h"

namespace libdump::dump {

using kinds::Kind;

using format::Section;
using pg::QualifiedName;
using pg::QuoteIdent;

namespace {
// The first OID of objects made after initdb (FirstNormalObjectId).
constexpr catalog::Oid kFirstNormalOid = 16384;
}  // namespace

void TocBuilder::AddCodeObjects() {
  const catalog::CodeObjects& code = cat_.code;

  for (const auto& l : code.languages) {
    const std::string target = "LANGUAGE " + QuoteIdent(l.name);
    const uint32_t id = Add(Kind::kProceduralLanguage, Section::kPreData, "", l.name, l.owner,
                            ddl::CreateLanguage(l), "DROP " + target + ";\n", {});
    Entry(id).owner_object = target;
    Register(cls::kLanguage, l.oid, id);
    AddComment(l.comment, id, target, "LANGUAGE " + l.name);
    AddAcl(l.acl, id, "LANGUAGE", QuoteIdent(l.name), "LANGUAGE " + l.name);
  }

  // An extension has no owner to restore: CREATE EXTENSION makes the restoring role its owner,
  // as with pg_restore.
  for (const auto& x : code.extensions) {
    const std::string target = "EXTENSION " + QuoteIdent(x.name);
    const uint32_t id =
        Add(Kind::kExtension, Section::kPreData, "", x.name, "", ddl::CreateExtension(x),
            "DROP " + target + ";\n", {SchemaId(x.schema)});
    Register(cls::kExtension, x.oid, id);
    AddComment(x.comment, id, target, "EXTENSION " + x.name);
  }
  // A user object depending on a member (a column of an extension's type, an index with its
  // operator class) then depends on the extension's entry.
  for (const auto& m : code.extension_members) {
    Register(m.classid, m.objid, Lookup(cls::kExtension, m.extension));
  }
  // Privileges changed on members and on pg_catalog's objects: the ACL entry of the object,
  // made here rather than by AddAcl because it has no entry of its own (a member's owner is not
  // its extension entry's). A member's follows CREATE EXTENSION.
  for (const auto& m : code.extension_member_acls) {
    // A member of an extension the dump leaves out (plpgsql's, which initdb made; one outside
    // the selection has no row here) has no entry to follow.
    const uint32_t ext_id = m.extension == 0 ? 0 : Lookup(cls::kExtension, m.extension);
    if (m.extension >= kFirstNormalOid && ext_id == 0) continue;
    auto base = ddl::ParseAcl(m.base_acl);
    if (!base.ok()) continue;
    auto sql = ddl::AclSql(m.kind, m.object, m.owner, m.acl, *base, cat_.server_version, m.column);
    // A privilege this code does not know: as AddAcl, leave it out.
    if (!sql.ok() || sql->empty()) continue;
    const std::string tag = m.column.empty() ? m.kind + " " + m.tag : "COLUMN " + m.tag;
    Add(Kind::kAcl, Section::kPreData, m.schema, tag, m.owner, std::move(*sql), "",
        ext_id == 0 ? std::vector<uint32_t>{} : std::vector<uint32_t>{ext_id});
  }
  // Configuration rows follow their extension's entry; when the selection (-n / -t) left the
  // extension out, they are restored into a database that has it already.
  for (const auto& t : code.extension_config_tables) {
    if (t.column_list.empty()) continue;
    const uint32_t ext_id = Lookup(cls::kExtension, t.extension);
    const uint32_t id = Add(Kind::kTableData, Section::kData, t.schema, t.name, t.owner, "", "",
                            {ext_id, SchemaId(t.schema)});
    format::TocEntry& e = Entry(id);
    e.copy_sql = ddl::ConfigTableCopyIn(t);
    e.size_estimate = t.size_bytes;
    e.catalog_oid = t.oid;
    out_.data_jobs.push_back(
        {id, ddl::ConfigTableCopyOut(t), QualifiedName(t.schema, t.name), t.size_bytes});
  }

  for (const auto& c : code.extension_config_sequences) {
    const uint32_t ext_id = Lookup(cls::kExtension, c.extension);
    catalog::Sequence value;
    value.schema = c.schema;
    value.name = c.name;
    value.last_value = c.last_value;
    value.is_called = c.is_called;
    Add(Kind::kSequenceSet, Section::kData, c.schema, c.name, c.owner, ddl::SequenceSet(value), "",
        {ext_id, SchemaId(c.schema)});
  }

  for (const auto& f : code.functions) {
    const std::string kind = ddl::FunctionKeyword(f);
    const std::string sig = ddl::FunctionSignature(f);
    const std::string tag = f.name + "(" + f.identity_args + ")";
    const uint32_t id = Add(f.kind == 'p' ? Kind::kProcedure : Kind::kFunction, Section::kPreData,
                            f.schema, tag, f.owner, ddl::CreateFunction(f),
                            "DROP " + kind + " " + sig + ";\n", {SchemaId(f.schema)});
    Entry(id).owner_object = kind + " " + sig;
    Entry(id).catalog_oid = f.oid;
    Register(cls::kProc, f.oid, id);
    AddComment(f.comment, id, kind + " " + sig, kind + " " + tag);
    AddAcl(f.acl, id, kind, sig, kind + " " + tag);
  }

  for (const auto& a : code.aggregates) {
    const std::string sig = ddl::AggregateSignature(a);
    const std::string tag =
        a.name + "(" + (a.identity_args.empty() ? std::string("*") : a.identity_args) + ")";
    const uint32_t id =
        Add(Kind::kAggregate, Section::kPreData, a.schema, tag, a.owner, ddl::CreateAggregate(a),
            "DROP AGGREGATE " + sig + ";\n", {SchemaId(a.schema)});
    Entry(id).owner_object = "AGGREGATE " + sig;
    Entry(id).catalog_oid = a.oid;
    Register(cls::kProc, a.oid, id);
    AddComment(a.comment, id, "AGGREGATE " + sig, "AGGREGATE " + tag);
    // GRANT has no aggregate form: it names an aggregate as a function of all its argument
    // types, direct and aggregated alike.
    AddAcl(a.acl, id, "FUNCTION", QualifiedName(a.schema, a.name) + "(" + a.grant_signature + ")",
           "FUNCTION " + tag);
  }

  for (const auto& c : code.casts) {
    const std::string sig = ddl::CastSignature(c);
    const uint32_t id = Add(Kind::kCast, Section::kPreData, "", "CAST " + sig, "",
                            ddl::CreateCast(c), "DROP CAST " + sig + ";\n", {});
    Register(cls::kCast, c.oid, id);
    AddComment(c.comment, id, "CAST " + sig, "CAST " + sig);
  }

  for (const auto& t : code.transforms) {
    const std::string sig = ddl::TransformSignature(t);
    const uint32_t id = Add(Kind::kTransform, Section::kPreData, "", sig, "",
                            ddl::CreateTransform(t), "DROP TRANSFORM " + sig + ";\n", {});
    Register(cls::kTransform, t.oid, id);
    AddComment(t.comment, id, "TRANSFORM " + sig, "TRANSFORM " + sig);
  }

  // Triggers and rules have no owner of their own: they belong to their table's owner. A clone's
  // own state is set after its parent's, whose ALTER TABLE recurses to the partitions.
  std::vector<std::pair<uint32_t, const catalog::Trigger*>> clones;
  std::map<std::pair<catalog::Oid, std::string>, uint32_t> by_table;  // (table, name) -> entry
  for (const auto& t : code.triggers) {
    const std::string table = QualifiedName(t.table_schema, t.table_name);
    const std::string target = "TRIGGER " + QuoteIdent(t.name) + " ON " + table;
    const uint32_t id =
        Add(Kind::kTrigger, Section::kPostData, t.table_schema, t.table_name + " " + t.name,
            t.table_owner, ddl::CreateTrigger(t), t.clone ? "" : "DROP " + target + ";\n",
            {Lookup(cls::kClass, t.table_oid)});
    Register(cls::kTrigger, t.oid, id);
    by_table[{t.table_oid, t.name}] = id;
    if (t.clone) {
      clones.emplace_back(id, &t);
      continue;
    }
    AddComment(t.comment, id, target, "TRIGGER " + t.name + " ON " + t.table_name);
  }
  // A clone's parent is a clone too below the first level of partitions, and read only when its
  // state differs from its own parent's: then the clone waits for the nearest entry up the
  // partition tree with its name (clones keep their parent's name), or its state would be set
  // before the trigger exists (42704) or be undone by an ancestor's recursing ALTER TABLE.
  std::unordered_map<catalog::Oid, const catalog::Table*> tables;
  for (const auto& t : cat_.tables) tables[t.oid] = &t;
  for (const auto& [id, trigger] : clones) {
    uint32_t parent = Lookup(cls::kTrigger, trigger->parent_oid);
    for (catalog::Oid table = trigger->table_oid; parent == 0;) {
      auto it = tables.find(table);
      if (it == tables.end() || it->second->parents.empty()) break;
      table = it->second->parents[0];
      auto found = by_table.find({table, trigger->name});
      if (found != by_table.end()) parent = found->second;
    }
    AddDep(id, parent);
  }

  for (const auto& r : code.rules) {
    const std::string target =
        "RULE " + QuoteIdent(r.name) + " ON " + QualifiedName(r.table_schema, r.table_name);
    const uint32_t id = Add(Kind::kRule, Section::kPostData, r.table_schema,
                            r.table_name + " " + r.name, r.table_owner, ddl::CreateRule(r),
                            "DROP " + target + ";\n", {Lookup(cls::kClass, r.table_oid)});
    Register(cls::kRewrite, r.oid, id);
    AddComment(r.comment, id, target, "RULE " + r.name + " ON " + r.table_name);
  }

  // Event triggers come last in post-data (the sorter ranks them so, and restore runs them after
  // every other post-data entry) so that they fire for none of the restore's own statements.
  for (const auto& e : code.event_triggers) {
    const std::string target = "EVENT TRIGGER " + QuoteIdent(e.name);
    const uint32_t id = Add(Kind::kEventTrigger, Section::kPostData, "", e.name, e.owner,
                            ddl::CreateEventTrigger(e), "DROP " + target + ";\n", {});
    Entry(id).owner_object = target;
    Register(cls::kEventTrigger, e.oid, id);
    AddComment(e.comment, id, target, "EVENT TRIGGER " + e.name);
  }
}

}  // namespace libdump::dump
