#include "restore/selection.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <unordered_map>

#include "common/kinds.h"
#include "ddl/ddl_misc.h"
#include "pg/pg.h"
#include "pg/server_versions.h"
#include "restore/entry_sql.h"

namespace libdump {

std::vector<uint32_t> ParseRestoreList(std::string_view text, std::vector<std::string>* ignored) {
  std::vector<uint32_t> ids;
  std::unordered_set<uint32_t> seen;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // Everything from ';' on is a comment, so a line commented out is no line at all.
    const std::string_view cmd = line.substr(0, line.find(';'));
    size_t i = 0;
    while (i < cmd.size() && std::isspace(static_cast<unsigned char>(cmd[i]))) ++i;
    if (i == cmd.size()) continue;
    uint64_t id = 0;
    size_t digits = 0;
    while (i < cmd.size() && std::isdigit(static_cast<unsigned char>(cmd[i])) &&
           id <= 0xffffffffu) {
      id = id * 10 + static_cast<uint64_t>(cmd[i] - '0');
      ++i;
      ++digits;
    }
    if (digits == 0 || id == 0 || id > 0xffffffffu ||
        !seen.insert(static_cast<uint32_t>(id)).second) {
      if (ignored) ignored->emplace_back(line);
      continue;
    }
    ids.push_back(static_cast<uint32_t>(id));
  }
  return ids;
}

namespace restore {

using format::Section;
using format::TocEntry;
using kinds::InfoOf;
using kinds::Is;
using kinds::Kind;
using kinds::RestoreName;

namespace {

bool StartsWith(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

bool Member(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

bool IsDependent(const TocEntry& e) { return InfoOf(e.kind).decoration; }

bool IsAcl(const TocEntry& e) { return InfoOf(e.kind).privileges; }

// Kinds left out whole by --no-comments, --no-publications, --no-subscriptions,
// --no-security-labels and --no-policies.
bool KindExcluded(const TocEntry& e, const RestoreContent& c) {
  const std::string& k = e.kind;
  if (c.no_comments && k == "COMMENT") return true;
  if (c.no_security_labels && k == "SECURITY LABEL") return true;
  if (c.no_publications &&
      (k == "PUBLICATION" || k == "PUBLICATION TABLE" || k == "PUBLICATION TABLES IN SCHEMA")) {
    return true;
  }
  if (c.no_subscriptions && (k == "SUBSCRIPTION" || k == "SUBSCRIPTION TABLE")) return true;
  if (c.no_policies && (k == "POLICY" || k == "ROW SECURITY")) return true;
  return false;
}

// --strict-names: each name of -n, -t, -I, -P and -T selects some entry of the archive; the
// first that does not is kNotFound, in pg_restore's words.
Status CheckNamesFound(const std::vector<TocEntry>& toc, const RestoreContent& c) {
  auto found = [&](const std::string& name, auto&& kind_ok) {
    return std::any_of(toc.begin(), toc.end(),
                       [&](const TocEntry& e) { return e.name == name && kind_ok(e.kind); });
  };
  for (const auto& s : c.schemas) {
    if (std::none_of(toc.begin(), toc.end(), [&](const TocEntry& e) { return e.schema == s; })) {
      return Status::NotFound("schema \"" + s + "\" not found");
    }
  }
  const struct {
    const std::vector<std::string>* names;
    const char* what;
  } lists[] = {{&c.tables, "table"},
               {&c.indexes, "index"},
               {&c.functions, "function"},
               {&c.triggers, "trigger"}};
  for (const auto& l : lists) {
    const std::string what = l.what;
    for (const auto& name : *l.names) {
      const bool ok = found(name, [&](const std::string& k) {
        if (what == "table") {
          return k == "TABLE" || k == "VIEW" || k == "FOREIGN TABLE" || k == "MATERIALIZED VIEW" ||
                 k == "SEQUENCE";
        }
        if (what == "index") return k == "INDEX";
        if (what == "function") return k == "FUNCTION" || k == "AGGREGATE" || k == "PROCEDURE";
        return k == "TRIGGER";
      });
      if (!ok) return Status::NotFound(what + " \"" + name + "\" not found");
    }
  }
  return Status::Ok();
}

// The stored SQL without the lines `SET <setting> = ...;` the DDL puts around a statement
// (ddl::InTablespace, ddl::InAccessMethod), for the kinds whose entries hold them.
std::string WithoutSetting(const std::string& sql, std::string_view setting) {
  const std::string prefix = "SET " + std::string(setting) + " = ";
  std::string out;
  out.reserve(sql.size());
  size_t from = 0;
  while (from < sql.size()) {
    size_t end = sql.find('\n', from);
    end = end == std::string::npos ? sql.size() : end + 1;
    const std::string_view line(sql.data() + from, end - from);
    if (!(line.starts_with(prefix) && (line.ends_with(";\n") || line.ends_with(";")))) {
      out.append(line);
    }
    from = end;
  }
  return out;
}

bool HoldsRelationSettings(const TocEntry& e) {
  return e.kind == "TABLE" || e.kind == "MATERIALIZED VIEW" || e.kind == "INDEX" ||
         e.kind == "CONSTRAINT";
}

// The rules for an entry that stands on its own (not a comment, ACL or label): -n, -N and the
// -t/-I/-P/-T kinds.
bool StandaloneWanted(const TocEntry& e, const RestoreContent& c, bool sel_types) {
  if (!c.schemas.empty() && (e.schema.empty() || !Member(c.schemas, e.schema))) return false;
  if (!c.exclude_schemas.empty() && !e.schema.empty() && Member(c.exclude_schemas, e.schema)) {
    return false;
  }
  if (!sel_types) return true;
  switch (InfoOf(e.kind).restore_name) {
    case RestoreName::kTable:
      return Member(c.tables, e.name);
    case RestoreName::kIndex:
      return Member(c.indexes, e.name);
    case RestoreName::kFunction:
      return Member(c.functions, e.name);
    case RestoreName::kTrigger:
      return Member(c.triggers, e.name);
    case RestoreName::kNone:
      break;
  }
  return false;
}

// pg_restore 18's -t and -I for a STATISTICS DATA entry: its table's (a table, view, foreign
// table or materialized view named by -t) or its index's (named by -I), found among the entries
// it depends on.
bool StatisticsOfSelected(const TocEntry& e, const RestoreContent& c,
                          const std::unordered_map<uint32_t, const TocEntry*>& by_id) {
  for (uint32_t d : e.deps) {
    auto it = by_id.find(d);
    if (it == by_id.end()) continue;
    const TocEntry& parent = *it->second;
    const std::string& k = parent.kind;
    if ((k == "TABLE" || k == "VIEW" || k == "FOREIGN TABLE" || k == "MATERIALIZED VIEW") &&
        Member(c.tables, parent.name)) {
      return true;
    }
    if (k == "INDEX" && Member(c.indexes, parent.name)) return true;
  }
  return false;
}

// Where an identifier list may hold a keyword: the keyword outside double quotes, or npos.
size_t FindOutsideQuotes(const std::string& s, std::string_view word, size_t from = 0) {
  bool quoted = false;
  for (size_t i = from; i < s.size(); ++i) {
    if (s[i] == '"') quoted = !quoted;
    if (!quoted && s.compare(i, word.size(), word) == 0) return i;
  }
  return std::string::npos;
}

}  // namespace

bool IsStatistics(const TocEntry& e) { return Is(e, Kind::kStatisticsData); }

bool IsDatabaseEntry(const TocEntry& e) {
  if (Is(e, Kind::kDatabase) || Is(e, Kind::kDatabaseProperties)) return true;
  return IsDependent(e) && StartsWith(e.name, "DATABASE ");
}

bool RunsBeforeData(const TocEntry& e) {
  return e.section == Section::kPreData || e.section == Section::kNone ||
         Is(e, Kind::kBlobMetadata);
}

bool IsDataEntry(const TocEntry& e) {
  if (e.has_data() || InfoOf(e.kind).data) return true;
  return IsDependent(e) && StartsWith(e.name, "LARGE OBJECT ");
}

Status CheckContent(const RestoreContent& c, int jobs) {
  if (c.data_only && c.schema_only) {
    return Status::InvalidArgument(
        "options -s/--schema-only and -a/--data-only cannot be used together");
  }
  if (c.data_only && c.clean) {
    return Status::InvalidArgument("options -c/--clean and -a/--data-only cannot be used together");
  }
  if (c.if_exists && !c.clean) {
    return Status::InvalidArgument("option --if-exists requires option -c/--clean");
  }
  if (c.schema_only && c.statistics_only) {
    return Status::InvalidArgument(
        "options -s/--schema-only and --statistics-only cannot be used together");
  }
  if (c.data_only && c.statistics_only) {
    return Status::InvalidArgument(
        "options -a/--data-only and --statistics-only cannot be used together");
  }
  if (c.statistics_only && !c.statistics) {
    return Status::InvalidArgument(
        "options --statistics-only and --no-statistics cannot be used together");
  }
  if (c.single_transaction && jobs > 1) {
    return Status::InvalidArgument("cannot specify both --single-transaction and multiple jobs");
  }
  if (c.single_transaction && c.create) {
    return Status::InvalidArgument(
        "options -C/--create and -1/--single-transaction cannot be used together");
  }
  return Status::Ok();
}

Result<Plan> Select(const std::vector<TocEntry>& toc, const RestoreContent& c) {
  Plan plan;
  std::unordered_map<uint32_t, const TocEntry*> by_id;
  for (const auto& e : toc) by_id[e.dump_id] = &e;
  std::unordered_set<uint32_t> listed;
  if (c.use_list) {
    for (uint32_t id : c.list) {
      if (by_id.count(id) == 0) {
        return Status::InvalidArgument("could not find entry for ID " + std::to_string(id) +
                                       " of the list in the archive");
      }
      listed.insert(id);
    }
  }
  const bool sel_types =
      !c.tables.empty() || !c.indexes.empty() || !c.functions.empty() || !c.triggers.empty();
  const bool selective = sel_types || !c.schemas.empty() || !c.exclude_schemas.empty();
  // pg_restore 18: statistics are neither schema nor data; -a and -s leave them out.
  const bool statistics = (c.statistics && !c.schema_only && !c.data_only) || c.statistics_only;

  // Archive order puts every parent before its comments and ACLs, so a dependent entry can look
  // its parent's verdict up (pg_restore's "parent restored" rule for selective restores).
  std::unordered_set<uint32_t> wanted;
  std::unordered_set<uint32_t> kind_excluded;
  bool has_drops = false;
  if (c.strict_names) RETURN_IF_ERROR(CheckNamesFound(toc, c));
  for (const auto& e : toc) {
    if (!e.drop_sql.empty()) has_drops = true;
    if (Is(e, Kind::kDatabase)) {
      if (c.create) plan.database = &e;
      continue;
    }
    if (Is(e, Kind::kDatabaseProperties)) {
      if (c.create && !c.data_only) wanted.insert(e.dump_id);
      continue;
    }
    if (c.no_privileges && IsAcl(e)) continue;
    // A left-out kind takes its entries' comments and labels along.
    if (KindExcluded(e, c) ||
        (IsDependent(e) && std::any_of(e.deps.begin(), e.deps.end(),
                                       [&](uint32_t d) { return kind_excluded.count(d) != 0; }))) {
      kind_excluded.insert(e.dump_id);
      continue;
    }
    const bool section_ok =
        (e.section == Section::kPreData && c.pre_data) || (e.section == Section::kData && c.data) ||
        (e.section == Section::kPostData && c.post_data) || e.section == Section::kNone;
    if (!section_ok) continue;
    if (c.use_list && listed.count(e.dump_id) == 0) continue;
    if (IsStatistics(e)) {
      if (!statistics) continue;
      if (!StandaloneWanted(e, c, false)) continue;  // -n, -N
      if (sel_types && !StatisticsOfSelected(e, c, by_id)) continue;
      wanted.insert(e.dump_id);
      continue;
    }
    if (c.statistics_only) continue;
    if (IsDependent(e)) {
      if (StartsWith(e.name, "DATABASE ")) {
        if (!c.create) continue;
      } else if (selective) {
        if (e.deps.size() != 1 || wanted.count(e.deps[0]) == 0) continue;
      }
    } else if (!StandaloneWanted(e, c, sel_types)) {
      continue;
    }
    const bool data = IsDataEntry(e);
    if (c.data_only && !data) continue;
    if (c.schema_only && data) continue;
    wanted.insert(e.dump_id);
  }
  if (c.create && plan.database == nullptr) {
    return Status::InvalidArgument(
        "the archive has no DATABASE entry (it was written by an older ndump), so --create "
        "cannot be used with it");
  }
  if (c.clean && !has_drops) {
    return Status::InvalidArgument(
        "the archive holds no drop statements (it was written by an older ndump), so --clean "
        "cannot be used with it");
  }
  if (c.use_list) {
    for (uint32_t id : c.list) {
      if (wanted.count(id)) plan.entries.push_back(by_id[id]);
    }
  } else {
    for (const auto& e : toc) {
      if (wanted.count(e.dump_id)) plan.entries.push_back(&e);
    }
  }
  plan.ids = std::move(wanted);
  if (c.clean) {
    if (c.create) {
      // pg_restore -C -c drops the database as a whole, nothing inside it (a template is
      // unmarked first: the DATABASE PROPERTIES entry's drop).
      for (auto it = toc.rbegin(); it != toc.rend(); ++it) {
        if ((Is(*it, Kind::kDatabase) || Is(*it, Kind::kDatabaseProperties)) &&
            !it->drop_sql.empty()) {
          plan.drops.push_back(&*it);
        }
      }
    } else {
      for (auto it = toc.rbegin(); it != toc.rend(); ++it) {
        // Large objects (data for -a/-s) are dropped too, as pg_restore does.
        if (plan.Has(it->dump_id) && !it->drop_sql.empty()) {
          plan.drops.push_back(&*it);
        }
      }
    }
  }
  return plan;
}

size_t DropStatistics(Plan* plan) {
  return std::erase_if(plan->entries, [&](const TocEntry* e) {
    if (!IsStatistics(*e)) return false;
    plan->ids.erase(e->dump_id);
    return true;
  });
}

bool DataOnly(const Plan& plan, const RestoreContent& c) {
  if (c.data_only) return true;
  if (plan.entries.empty()) return false;
  return std::all_of(plan.entries.begin(), plan.entries.end(),
                     [](const TocEntry* e) { return IsDataEntry(*e); });
}

DataOrder ForeignKeyDataOrder(const std::vector<TocEntry>& toc,
                              const std::vector<const TocEntry*>& data) {
  std::unordered_map<uint32_t, const TocEntry*> tables;  // TABLE entries by dump id
  for (const auto& e : toc) {
    if (Is(e, Kind::kTable)) tables[e.dump_id] = &e;
  }
  // The table an entry named "<table> <rest>" in the table's schema is on: of the TABLE entries
  // it depends on, the one whose name starts its tag (the longest, should names share a prefix).
  auto owner = [&](const TocEntry& e) -> uint32_t {
    uint32_t best = 0;
    size_t best_len = 0;
    for (uint32_t d : e.deps) {
      auto it = tables.find(d);
      if (it == tables.end() || it->second->schema != e.schema) continue;
      const std::string& name = it->second->name;
      if (e.name.size() > name.size() && e.name.compare(0, name.size(), name) == 0 &&
          e.name[name.size()] == ' ' && name.size() >= best_len) {
        best = d;
        best_len = name.size();
      }
    }
    return best;
  };
  // Partitions of each partitioned table, from TABLE ATTACH (tagged with the partition's name).
  std::unordered_map<uint32_t, std::vector<uint32_t>> partitions;
  for (const auto& e : toc) {
    if (!Is(e, Kind::kTableAttach)) continue;
    uint32_t child = 0;
    for (uint32_t d : e.deps) {
      auto it = tables.find(d);
      if (it != tables.end() && it->second->schema == e.schema && it->second->name == e.name)
        child = d;
    }
    for (uint32_t d : e.deps) {
      if (d != child && child != 0 && tables.count(d) != 0) partitions[d].push_back(child);
    }
  }
  // A table and, for a partitioned one, its partitions at every level.
  auto leaves = [&](uint32_t table) {
    std::vector<uint32_t> out{table};
    for (size_t i = 0; i < out.size(); ++i) {
      auto it = partitions.find(out[i]);
      if (it != partitions.end()) out.insert(out.end(), it->second.begin(), it->second.end());
    }
    return out;
  };
  std::unordered_set<uint32_t> loaded;  // tables whose data this restore loads
  for (const TocEntry* e : data) {
    if (e->has_data() && e->deps.size() == 1) loaded.insert(e->deps[0]);
  }
  // Table level: a referencing table -> the tables it references.
  std::unordered_map<uint32_t, std::vector<uint32_t>> table_after;
  for (const auto& e : toc) {
    if (!Is(e, Kind::kFkConstraint)) continue;
    const uint32_t from = owner(e);
    if (from == 0) continue;
    for (uint32_t d : e.deps) {
      if (d == from || tables.count(d) == 0) continue;
      for (uint32_t referencing : leaves(from)) {
        if (loaded.count(referencing) == 0) continue;
        for (uint32_t referenced : leaves(d)) {
          if (referenced != referencing && loaded.count(referenced) != 0) {
            table_after[referencing].push_back(referenced);
          }
        }
      }
    }
  }
  // Entry level: each data entry after the data entries of the tables its table references,
  // and after the data entries it depends on itself (ndump -a writes those, as pg_dump does,
  // since such an archive has no foreign keys to read them from).
  std::unordered_map<uint32_t, std::vector<uint32_t>> entries_of;  // table -> data entries
  std::unordered_set<uint32_t> data_ids;
  for (const TocEntry* e : data) {
    data_ids.insert(e->dump_id);
    if (e->deps.size() == 1) entries_of[e->deps[0]].push_back(e->dump_id);
  }
  DataOrder order;
  for (const TocEntry* e : data) {
    std::vector<uint32_t> firsts;
    for (uint32_t d : e->deps) {
      if (data_ids.count(d) != 0 && d != e->dump_id) firsts.push_back(d);
    }
    if (e->deps.size() == 1) {
      auto it = table_after.find(e->deps[0]);
      if (it != table_after.end()) {
        for (uint32_t t : it->second) {
          auto f = entries_of.find(t);
          if (f != entries_of.end())
            firsts.insert(firsts.end(), f->second.begin(), f->second.end());
        }
      }
    }
    std::sort(firsts.begin(), firsts.end());
    firsts.erase(std::unique(firsts.begin(), firsts.end()), firsts.end());
    if (!firsts.empty()) order.after[e->dump_id] = std::move(firsts);
  }
  // Cycles: what a topological sort of the entries cannot place.
  std::unordered_map<uint32_t, size_t> waiting;
  std::unordered_map<uint32_t, std::vector<uint32_t>> next;
  for (const auto& [id, firsts] : order.after) {
    waiting[id] = firsts.size();
    for (uint32_t f : firsts) next[f].push_back(id);
  }
  std::vector<uint32_t> ready;
  for (uint32_t id : data_ids) {
    if (waiting[id] == 0) ready.push_back(id);
  }
  std::unordered_set<uint32_t> placed;
  while (!ready.empty()) {
    const uint32_t id = ready.back();
    ready.pop_back();
    placed.insert(id);
    for (uint32_t n : next[id]) {
      if (--waiting[n] == 0) ready.push_back(n);
    }
  }
  for (const TocEntry* e : data) {
    if (placed.count(e->dump_id) != 0) continue;
    // No order can hold for it (a cycle, or after one): its data goes without waiting, so that
    // the order's graph has no cycle a scheduler could wait on forever.
    order.after.erase(e->dump_id);
    const std::string name = e->schema + "." + e->name;
    if (std::find(order.cycle.begin(), order.cycle.end(), name) == order.cycle.end()) {
      order.cycle.push_back(name);
    }
  }
  return order;
}

void SortDataEntries(const DataOrder& order, std::vector<const TocEntry*>* data) {
  if (order.after.empty()) return;
  // Kahn's algorithm over the entries, taking the earliest ready one each time, so that the
  // order changes only where a foreign key asks for it.
  const size_t n = data->size();
  std::unordered_map<uint32_t, size_t> index;  // dump id -> position in *data
  for (size_t i = 0; i < n; ++i) index[(*data)[i]->dump_id] = i;
  std::vector<std::vector<size_t>> next(n);
  std::vector<size_t> waiting(n, 0);
  for (size_t i = 0; i < n; ++i) {
    auto it = order.after.find((*data)[i]->dump_id);
    if (it == order.after.end()) continue;
    for (uint32_t f : it->second) {
      auto at = index.find(f);
      if (at == index.end()) continue;
      next[at->second].push_back(i);
      ++waiting[i];
    }
  }
  std::set<size_t> ready;
  for (size_t i = 0; i < n; ++i) {
    if (waiting[i] == 0) ready.insert(i);
  }
  std::vector<const TocEntry*> out;
  std::vector<bool> done(n, false);
  out.reserve(n);
  while (!ready.empty()) {
    const size_t i = *ready.begin();
    ready.erase(ready.begin());
    out.push_back((*data)[i]);
    done[i] = true;
    for (size_t j : next[i]) {
      if (--waiting[j] == 0) ready.insert(j);
    }
  }
  for (size_t i = 0; i < n; ++i) {
    if (!done[i]) out.push_back((*data)[i]);  // not placed: left in its order
  }
  *data = std::move(out);
}

std::string EntrySql(const TocEntry& e, const RestoreContent& c) {
  std::string sql = e.create_sql;
  if (c.no_tablespaces && HoldsRelationSettings(e)) {
    sql = WithoutSetting(sql, "default_tablespace");
  }
  if (c.no_table_access_method && HoldsRelationSettings(e)) {
    sql = WithoutSetting(sql, "default_table_access_method");
  }
  return c.no_owner ? sql : sql + OwnerSql(e);
}

std::string AdaptToServer(const TocEntry& e, std::string sql, int source_version,
                          int target_version) {
  const bool run_as_owner = pg::Has(target_version, pg::Feature::kSubscriptionOrigin) &&
                            source_version != 0 &&
                            !pg::Has(source_version, pg::Feature::kSubscriptionOrigin);
  if (run_as_owner && Is(e, Kind::kSubscription) && sql.find("run_as_owner") == std::string::npos) {
    // CREATE SUBSCRIPTION ... WITH (...); : the option goes before the end of the list, the
    // last ");" of the entry's own statement (its connection string may hold one too), which
    // `sql` begins with.
    const size_t end = e.create_sql.rfind(");");
    if (end != std::string::npos && sql.starts_with(e.create_sql)) {
      sql.insert(end, ", run_as_owner = true");
    }
  }
  return sql;
}

std::string DropSql(const TocEntry& e, bool if_exists) {
  std::string sql = e.drop_sql;
  if (!if_exists || sql.empty()) return sql;
  if (StartsWith(sql, "DROP ")) {
    // The kind's words are upper case; the object follows as a quoted name, a parenthesis (a
    // cast) or FOR (a transform, a user mapping). IF EXISTS goes between the two.
    size_t i = 5;
    for (;;) {
      size_t end = i;
      while (end < sql.size() && std::isupper(static_cast<unsigned char>(sql[end]))) ++end;
      if (end == i || end >= sql.size() || sql[end] != ' ') break;
      const std::string word = sql.substr(i, end - i);
      if (word == "FOR" || i == end) break;
      i = end + 1;
    }
    sql.insert(i, "IF EXISTS ");
    return sql;
  }
  constexpr std::string_view kUnlink = "SELECT pg_catalog.lo_unlink('";
  if (StartsWith(sql, kUnlink)) {
    // A large object: unlink it only if it is there.
    const size_t end = sql.find('\'', kUnlink.size());
    if (end == std::string::npos) return sql;
    return "SELECT pg_catalog.lo_unlink(oid) FROM pg_catalog.pg_largeobject_metadata WHERE oid = "
           "'" +
           sql.substr(kUnlink.size(), end - kUnlink.size()) + "';\n";
  }
  if (StartsWith(sql, "ALTER TABLE ")) {
    sql.insert(12, "IF EXISTS ");
    const size_t p = FindOutsideQuotes(sql, " DROP CONSTRAINT ", 12);
    if (p != std::string::npos) sql.insert(p + 17, "IF EXISTS ");
    return sql;
  }
  if (StartsWith(sql, "ALTER DOMAIN ")) {
    // ALTER DOMAIN has no IF EXISTS of its own (the constraint's is the one it takes), so a
    // missing domain would be an error: the statement runs only when the domain is there.
    const size_t p = FindOutsideQuotes(sql, " DROP CONSTRAINT ", 13);
    if (p == std::string::npos) return sql;
    const std::string domain = sql.substr(13, p - 13);
    sql.insert(p + 17, "IF EXISTS ");
    constexpr std::string_view kTag = "$ndump_drop$";
    if (sql.find(kTag) != std::string::npos) return sql;  // cannot be quoted safely: as is
    while (!sql.empty() && (sql.back() == '\n' || sql.back() == ';')) sql.pop_back();
    return "DO " + std::string(kTag) + "BEGIN IF pg_catalog.to_regtype(" +
           pg::QuoteLiteral(domain) + ") IS NOT NULL THEN " + sql + "; END IF; END" +
           std::string(kTag) + ";\n";
  }
  return sql;
}

std::string SessionSql(const std::string& encoding, const RestoreContent& c) {
  std::string sql = RestoreSessionSql(encoding);
  if (c.enable_row_security) {
    const std::string off = "SET row_security = off;";
    const size_t at = sql.find(off);
    if (at != std::string::npos) sql.replace(at, off.size(), "SET row_security = on;");
  }
  if (c.no_table_access_method) {
    // The tables take the target's default access method.
    const std::string pin = "SET default_table_access_method = heap; ";
    const size_t at = sql.find(pin);
    if (at != std::string::npos) sql.erase(at, pin.size());
  }
  if (!c.role.empty()) sql += " SET ROLE " + pg::QuoteIdent(c.role) + ";";
  return sql;
}

namespace {

// -S: pg_restore becomes the superuser named there before it disables or enables a table's
// triggers, which only a superuser may do for its constraint triggers.
std::string BecomeSuperuser(const RestoreContent& c) {
  if (c.superuser.empty()) return "";
  return "SET SESSION AUTHORIZATION " + pg::QuoteIdent(c.superuser) + ";\n";
}

}  // namespace

std::string BeforeCopySql(const TocEntry& e, const RestoreContent& c) {
  if (Is(e, Kind::kBlobs)) {
    // archive_format.md §7.5: the rows go to a table of this session, then into the objects. A
    // table left by an entry that failed on this connection is replaced.
    return std::string("DROP TABLE IF EXISTS ") + ddl::kLargeObjectStaging +
           ";\nCREATE TEMP TABLE " + ddl::kLargeObjectStaging +
           " (loid pg_catalog.oid, off pg_catalog.int8, data pg_catalog.bytea);\n";
  }
  // c.data_only as DataOnly() decided it, implied or not.
  if (!c.disable_triggers || !c.data_only || !e.has_data()) return "";
  return BecomeSuperuser(c) + "ALTER TABLE " + pg::QualifiedName(e.schema, e.name) +
         " DISABLE TRIGGER ALL;\n";
}

std::string AfterCopySql(const TocEntry& e, const RestoreContent& c) {
  if (Is(e, Kind::kBlobs)) {
    return std::string("SELECT pg_catalog.count(pg_catalog.lo_put(loid, off, data)) FROM ") +
           ddl::kLargeObjectStaging + ";\nDROP TABLE " + ddl::kLargeObjectStaging + ";\n";
  }
  if (!c.disable_triggers || !c.data_only || !e.has_data()) return "";
  return BecomeSuperuser(c) + "ALTER TABLE " + pg::QualifiedName(e.schema, e.name) +
         " ENABLE TRIGGER ALL;\n";
}

Status ErrorPolicy::Handle(Status st) {
  if (st.ok() || stop_ || st.code() != StatusCode::kServerError) return st;
  // The server ended the session (an administrator's pg_terminate_backend, a shutdown: class
  // 57P) or the connection failed (class 08): not this entry's failure, and the connection is
  // gone; the restore stops (and --resume finishes it) rather than count it and go on.
  if (st.sqlstate().starts_with("57P") || st.sqlstate().starts_with("08")) return st;
  ++errors_;
  std::string text = "error restoring";
  if (!st.object().empty()) text += " " + st.object();
  text += ": " + st.message();
  if (!st.sqlstate().empty()) text += " (SQLSTATE " + st.sqlstate() + ")";
  events_->Warning(text);
  return Status::Ok();
}

}  // namespace restore
}  // namespace libdump
