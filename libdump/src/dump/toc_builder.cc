#include "dump/toc_builder.h"

#include <algorithm>
#include <unordered_set>

#include "ddl/acl.h"
#include "ddl/ddl.h"
#include "dump/toc_builder_internal.h"
#include "sort/sort.h"

namespace libdump::dump {

using kinds::InfoOf;
using kinds::Is;
using kinds::Kind;
using kinds::NameOf;

using format::Section;

namespace {

// About how many entries the tables and sequences give (most of a TOC when there are many), so
// that the entry array is allocated once: grown by doubling, on 10,000 tables it ended up with
// 20 MB of which 9 were never used, at the dump's peak of memory. Other objects and split tables
// may take it past the estimate; the array then grows as before.
size_t EstimateEntries(const catalog::Catalog& cat) {
  size_t n = cat.schemas.size() * 3 + cat.index_attachments.size() + cat.sequences.size() * 5;
  for (const catalog::Table& t : cat.tables) {
    n += 2 + t.indexes.size() + t.constraints.size() + t.policies.size() + t.parents.size();
    n += (t.comment ? 1 : 0) + (t.acl ? 1 : 0);
    for (const catalog::Column& c : t.columns) n += (c.comment ? 1 : 0) + (c.acl ? 1 : 0);
    for (const catalog::Index& i : t.indexes) n += i.comment ? 1 : 0;
    for (const catalog::Constraint& c : t.constraints) {
      n += (c.comment ? 1 : 0) + (c.index_comment ? 1 : 0);
    }
  }
  return n;
}

}  // namespace

Result<BuiltToc> TocBuilder::Build() {
  out_.entries.reserve(EstimateEntries(cat_));
  AddSchemas();
  AddTypes();
  AddSequences();
  AddRelations();
  AddSequenceTails();
  FreeColumns();  // only views' are read from here on (RepairLoops)
  AddPostData();
  AddCodeObjects();
  AddMiscObjects();
  AddDatabase();
  AddSecurityLabels();
  if (options_.statistics) AddStatistics();
  ResolveCatalogDepends();
  RepairLoops();
  OrderMaterializedViewRefreshes();
  PostponeForPostData();
  for (auto& e : out_.entries) {
    std::sort(e.deps.begin(), e.deps.end());
    e.deps.erase(std::unique(e.deps.begin(), e.deps.end()), e.deps.end());
  }
  RETURN_IF_ERROR(sort::SortToc(&out_.entries));
  std::stable_sort(
      out_.data_jobs.begin(), out_.data_jobs.end(),
      [](const DataJob& a, const DataJob& b) { return a.size_estimate > b.size_estimate; });
  return std::move(out_);
}

uint32_t TocBuilder::Add(Kind kind, Section section, std::string schema, std::string name,
                         std::string owner, std::string create_sql, std::string drop_sql,
                         std::vector<uint32_t> deps) {
  format::TocEntry e;
  e.dump_id = static_cast<uint32_t>(out_.entries.size() + 1);
  e.kind = NameOf(kind);
  e.section = section;
  e.schema = std::move(schema);
  e.name = std::move(name);
  e.owner = std::move(owner);
  // SQL built by appending has up to twice the room it needs; on 10,000 tables the spare room
  // was 3 MB at the dump's peak of memory.
  e.create_sql = std::move(create_sql);
  e.create_sql.shrink_to_fit();
  e.drop_sql = std::move(drop_sql);
  e.drop_sql.shrink_to_fit();
  for (uint32_t d : deps) {
    if (d != 0) e.deps.push_back(d);
  }
  out_.entries.push_back(std::move(e));
  return out_.entries.back().dump_id;
}

void TocBuilder::AddDep(uint32_t from, uint32_t to) {
  if (from != 0 && to != 0 && from != to) Entry(from).deps.push_back(to);
}

void TocBuilder::AddComment(const std::optional<std::string>& text, uint32_t target_id,
                            const std::string& target, const std::string& tag) {
  if (!text) return;
  const format::TocEntry& t = Entry(target_id);
  Add(Kind::kComment, t.section, t.schema, tag, t.owner, ddl::Comment(target, *text), "",
      {target_id});
}

void TocBuilder::AddAcl(const std::optional<std::string>& acl, uint32_t target_id,
                        const std::string& object_kind, const std::string& object,
                        const std::string& tag, const std::string& column,
                        const std::optional<std::vector<ddl::AclItem>>& base,
                        const std::string& owner) {
  if (!acl) return;
  const format::TocEntry& t = Entry(target_id);
  auto sql = ddl::AclSql(object_kind, object, owner.empty() ? t.owner : owner, *acl, base,
                         cat_.server_version, column);
  // An aclitem the parser does not know (a privilege newer than this code) would be restored
  // wrongly; keep the object and leave its privileges out rather than fail the whole dump.
  if (!sql.ok() || sql->empty()) return;
  Add(Kind::kAcl, t.section, t.schema, tag, t.owner, std::move(*sql), "", {target_id});
}

void TocBuilder::Register(catalog::Oid classid, catalog::Oid oid, uint32_t dump_id) {
  if (oid != 0 && dump_id != 0) registry_[{classid, oid}] = dump_id;
}

uint32_t TocBuilder::Lookup(catalog::Oid classid, catalog::Oid oid) const {
  auto it = registry_.find({classid, oid});
  return it == registry_.end() ? 0 : it->second;
}

uint32_t TocBuilder::SchemaId(const std::string& name) const {
  auto it = schema_ids_.find(name);
  return it == schema_ids_.end() ? 0 : it->second;
}

void TocBuilder::ResolveCatalogDepends() {
  for (const auto& d : cat_.depends) {
    uint32_t from = Lookup(d.classid, d.objid);
    uint32_t to = Lookup(d.refclassid, d.refobjid);
    if (from == 0 || to == 0 || from == to) continue;
    if (d.classid == cls::kProc) {
      auto shell = shell_redirects_.find({d.objid, to});
      if (shell != shell_redirects_.end()) to = shell->second;
    }
    const format::TocEntry& e = Entry(from);
    // A sequence OWNED BY a column depends on its table ('a'), while the table's default needs
    // the sequence first: the SEQUENCE OWNED BY entry carries that edge instead.
    if (d.type == 'a' && Is(e, Kind::kSequence)) continue;
    AddDep(from, to);
  }
}

void TocBuilder::OrderMaterializedViewRefreshes() {
  // A materialized view that reads another must be refreshed after it, or it would read an
  // empty one; also when it reads it through views (as pg_dump links refreshes), so the walk
  // goes on through VIEW entries and a looped view's real definition (RULE).
  std::unordered_map<uint32_t, uint32_t> refresh_of;  // matview entry -> its REFRESH entry
  for (const auto& e : out_.entries) {
    if (Is(e, Kind::kMaterializedViewData) && !e.deps.empty()) {
      refresh_of[e.deps.front()] = e.dump_id;
    }
  }
  for (const auto& [view, refresh] : refresh_of) {
    std::vector<uint32_t> todo = Entry(view).deps;
    std::unordered_set<uint32_t> seen(todo.begin(), todo.end());
    while (!todo.empty()) {
      const uint32_t d = todo.back();
      todo.pop_back();
      if (auto it = refresh_of.find(d); it != refresh_of.end()) {
        AddDep(refresh, it->second);
        continue;
      }
      const format::TocEntry& e = Entry(d);
      if (!Is(e, Kind::kView) && !Is(e, Kind::kRule)) continue;
      for (uint32_t next : e.deps) {
        if (seen.insert(next).second) todo.push_back(next);
      }
    }
  }
}

void TocBuilder::PostponeForPostData() {
  // An object that needs something restored after the data (a view whose GROUP BY relies on a
  // primary key) moves to post-data, and with it whatever depends on it: views, comments, ACLs.
  std::unordered_set<uint32_t> post;
  for (const auto& e : out_.entries) {
    if (e.section == Section::kPostData) post.insert(e.dump_id);
  }
  for (bool grew = true; grew;) {
    grew = false;
    for (auto& e : out_.entries) {
      if (e.section != Section::kPreData) continue;
      // The postponable kinds (common/kinds.h): views; materialized views (pg_dump's postponed
      // definition: the refresh is post-data already, the indexes follow); functions, whose
      // SQL-standard body (BEGIN ATOMIC) is parsed, and depends, like a view; a RULE in pre-data
      // (a looped view's real definition, toc_loops.cc); and the comments, ACLs and labels on
      // them.
      if (!InfoOf(e.kind).postponable) continue;
      for (uint32_t d : e.deps) {
        if (post.count(d)) {
          e.section = Section::kPostData;
          post.insert(e.dump_id);
          grew = true;
          break;
        }
      }
    }
  }
}

void TocBuilder::FreeColumns() {
  if (columns_to_free_ == nullptr) return;
  for (catalog::Table& t : columns_to_free_->tables) {
    if (t.kind != 'v') std::vector<catalog::Column>().swap(t.columns);
  }
}

Result<BuiltToc> BuildToc(const catalog::Catalog& catalog, const BuildOptions& options) {
  return TocBuilder(catalog, options).Build();
}

Result<BuiltToc> BuildTocFreeingColumns(catalog::Catalog* catalog, const BuildOptions& options) {
  return TocBuilder(*catalog, options, catalog).Build();
}

}  // namespace libdump::dump
