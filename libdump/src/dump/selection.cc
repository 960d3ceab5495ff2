#include "dump/selection.h"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "catalog/reader_util.h"
#include "common/kinds.h"
#include "dump/name_pattern.h"

namespace libdump::dump {

using kinds::InfoOf;
using kinds::Is;
using kinds::Kind;
using kinds::KindInfo;
using kinds::Prune;

namespace {

using catalog::Oid;

// A pattern checked for its qualification and reduced to the regexes of its schema and name
// parts (`schema` empty when the pattern has no schema part).
struct Resolved {
  std::string schema;
  std::string name;
};

// pg_dump's checks: at most `max_parts` dotted parts, and a leading database part only when it
// names the database being dumped.
Result<Resolved> Qualify(const std::string& pattern, int max_parts, const std::string& dbname) {
  NamePattern p = ParseNamePattern(pattern, max_parts);
  if (p.dots > max_parts - 1) {
    return Status::InvalidArgument(
        std::string(max_parts == 3 ? "improper relation name" : "improper qualified name") +
        " (too many dotted names): " + pattern);
  }
  // The part before the first dot names a database when every part is there.
  if (p.dots > 0 && p.dots == max_parts - 1) {
    if (p.first_literal != dbname) {
      return Status::InvalidArgument("cross-database references are not implemented: " + pattern);
    }
    p.regex_parts.erase(p.regex_parts.begin());
  }
  Resolved r;
  r.name = p.regex_parts.back();
  if (p.regex_parts.size() == 2) r.schema = p.regex_parts.front();
  return r;
}

std::string TextLiteral(const std::string& s) { return pg::QuoteLiteral(s) + "::pg_catalog.text"; }

// The VALUES rows (pattern number, regex of the name) of patterns that name one object with at
// most `max_parts` dotted parts, as the schema and extension queries join them.
Result<std::string> NameValues(const std::vector<std::string>& patterns, int max_parts,
                               const std::string& dbname) {
  std::string values;
  for (size_t i = 0; i < patterns.size(); ++i) {
    ASSIGN_OR_RETURN(Resolved r, Qualify(patterns[i], max_parts, dbname));
    if (!values.empty()) values += ", ";
    values.append("(").append(std::to_string(i)).append(", ").append(TextLiteral(r.name));
    values.append(")");
  }
  return values;
}

// Matches schema patterns; returns, per pattern, the names of the schemas it matched.
Result<std::vector<std::vector<std::string>>> MatchSchemas(pg::PgConn& conn,
                                                           const std::vector<std::string>& patterns,
                                                           const std::string& dbname) {
  std::vector<std::vector<std::string>> out(patterns.size());
  if (patterns.empty()) return out;
  ASSIGN_OR_RETURN(const std::string values, NameValues(patterns, 2, dbname));
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query("SELECT p.i, n.nspname FROM (VALUES " + values +
                 ") AS p(i, re) JOIN pg_catalog.pg_namespace n ON n.nspname "
                 "OPERATOR(pg_catalog.~) p.re COLLATE pg_catalog.default ORDER BY 1, 2"));
  for (int row = 0; row < r.rows(); ++row) {
    out[r.GetUInt(row, 0)].push_back(r.GetString(row, 1));
  }
  return out;
}

// Matches extension patterns (a name, no schema); returns, per pattern, the OIDs it matched.
Result<std::vector<std::vector<Oid>>> MatchExtensions(pg::PgConn& conn,
                                                      const std::vector<std::string>& patterns,
                                                      const std::string& dbname) {
  std::vector<std::vector<Oid>> out(patterns.size());
  if (patterns.empty()) return out;
  ASSIGN_OR_RETURN(const std::string values, NameValues(patterns, 1, dbname));
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query("SELECT p.i, x.oid FROM (VALUES " + values +
                 ") AS p(i, re) JOIN pg_catalog.pg_extension x ON x.extname "
                 "OPERATOR(pg_catalog.~) p.re COLLATE pg_catalog.default ORDER BY 1, 2"));
  for (int row = 0; row < r.rows(); ++row) {
    out[r.GetUInt(row, 0)].push_back(catalog::GetOid(r, row, 1));
  }
  return out;
}

// Matches relation patterns (tables, views, materialized views, sequences, foreign and
// partitioned tables, as pg_dump's -t); returns, per pattern, the OIDs it matched. A pattern
// without a schema part matches relations visible in the default search_path, which is put back
// for the query.
Result<std::vector<std::vector<Oid>>> MatchRelations(pg::PgConn& conn,
                                                     const std::vector<std::string>& patterns,
                                                     const std::string& dbname) {
  std::vector<std::vector<Oid>> out(patterns.size());
  if (patterns.empty()) return out;
  std::string values;
  for (size_t i = 0; i < patterns.size(); ++i) {
    ASSIGN_OR_RETURN(Resolved r, Qualify(patterns[i], 3, dbname));
    if (!values.empty()) values += ", ";
    values.append("(").append(std::to_string(i)).append(", ");
    values.append(r.schema.empty() ? std::string("NULL::pg_catalog.text") : TextLiteral(r.schema));
    values.append(", ").append(TextLiteral(r.name)).append(")");
  }
  RETURN_IF_ERROR(conn.Command("RESET search_path"));
  auto r = conn.Query(
      "SELECT p.i, c.oid FROM (VALUES " + values +
      ") AS p(i, nsp, rel) JOIN pg_catalog.pg_class c ON c.relname OPERATOR(pg_catalog.~) p.rel "
      "COLLATE pg_catalog.default JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'S', 'v', 'm', 'f', 'p']) AND "
      "CASE WHEN p.nsp IS NULL THEN pg_catalog.pg_table_is_visible(c.oid) "
      "ELSE n.nspname OPERATOR(pg_catalog.~) p.nsp COLLATE pg_catalog.default END "
      "ORDER BY 1, 2");
  // Back to the empty search_path every name the server deparses relies on.
  RETURN_IF_ERROR(conn.Command("SELECT pg_catalog.set_config('search_path', '', false)"));
  if (!r.ok()) return r.status();
  for (int row = 0; row < r->rows(); ++row) {
    out[r->GetUInt(row, 0)].push_back(catalog::GetOid(*r, row, 1));
  }
  return out;
}

// `oids` and, at every level below them, their partitions and inheritance children (pg_inherits),
// in one query.
Result<std::vector<Oid>> WithChildren(pg::PgConn& conn, const std::vector<Oid>& oids) {
  if (oids.empty()) return oids;
  std::string list;
  for (Oid o : oids) {
    if (!list.empty()) list += ",";
    list += std::to_string(o);
  }
  ASSIGN_OR_RETURN(pg::PgResult r,
                   conn.Query("WITH RECURSIVE t(oid) AS (SELECT pg_catalog.unnest('{" + list +
                              "}'::pg_catalog.oid[]) UNION SELECT i.inhrelid FROM "
                              "pg_catalog.pg_inherits i JOIN t ON i.inhparent = t.oid) "
                              "SELECT oid FROM t ORDER BY 1"));
  std::vector<Oid> out;
  out.reserve(static_cast<size_t>(r.rows()));
  for (int row = 0; row < r.rows(); ++row) out.push_back(catalog::GetOid(r, row, 0));
  return out;
}

// Relation patterns, then the relations of `with_children` patterns with their descendants: per
// pattern (those of `plain` first), the OIDs matched.
Result<std::vector<std::vector<Oid>>> MatchRelationsAndChildren(
    pg::PgConn& conn, const std::vector<std::string>& plain,
    const std::vector<std::string>& with_children, const std::string& dbname) {
  std::vector<std::string> all = plain;
  all.insert(all.end(), with_children.begin(), with_children.end());
  ASSIGN_OR_RETURN(auto matched, MatchRelations(conn, all, dbname));
  for (size_t i = plain.size(); i < matched.size(); ++i) {
    ASSIGN_OR_RETURN(matched[i], WithChildren(conn, matched[i]));
  }
  return matched;
}

template <typename T, typename Pred>
void EraseIf(std::vector<T>* v, Pred pred) {
  v->erase(std::remove_if(v->begin(), v->end(), pred), v->end());
}

// Objects that live in a schema follow it.
template <typename T>
void KeepInDumpedSchemas(const Selection& sel, std::vector<T>* v) {
  EraseIf(v, [&](const T& x) { return !sel.SchemaDumped(x.schema); });
}

}  // namespace

bool Selection::SchemaDumped(const std::string& name) const {
  if (tables_given_) return false;
  if (schemas_given_ && schemas_.count(name) == 0) return false;
  return excluded_schemas_.count(name) == 0;
}

Selection Selection::OfSchemas(std::set<std::string> schemas, std::set<std::string> excluded) {
  Selection s;
  s.schemas_given_ = !schemas.empty();
  s.schemas_ = std::move(schemas);
  s.excluded_schemas_ = std::move(excluded);
  return s;
}

bool Selection::ExtensionDumped(catalog::Oid oid) const {
  const bool chosen = extensions_given_ ? extensions_.count(oid) != 0 : include_everything();
  return chosen && excluded_extensions_.count(oid) == 0;
}

bool Selection::ExtensionDataAllowed(catalog::Oid oid) const {
  if (extensions_given_ && extensions_.count(oid) == 0) return false;
  return excluded_extensions_.count(oid) == 0;
}

bool Selection::RelationDumped(catalog::Oid oid, const std::string& schema) const {
  const bool chosen = tables_given_ ? tables_.count(oid) != 0 : SchemaDumped(schema);
  return chosen && excluded_tables_.count(oid) == 0;
}

Result<Selection> ResolveSelection(pg::PgConn& conn, const DumpOptions& options) {
  Selection sel;
  ASSIGN_OR_RETURN(pg::PgResult db, conn.Query("SELECT pg_catalog.current_database()"));
  const std::string dbname = db.GetString(0, 0);

  ASSIGN_OR_RETURN(auto schemas, MatchSchemas(conn, options.schemas, dbname));
  for (size_t i = 0; i < schemas.size(); ++i) {
    if (options.strict_names && schemas[i].empty()) {
      return Status::NotFound("no matching schemas were found for pattern \"" + options.schemas[i] +
                              "\"");
    }
    sel.schemas_.insert(schemas[i].begin(), schemas[i].end());
  }
  if (!options.schemas.empty() && sel.schemas_.empty()) {
    return Status::NotFound("no matching schemas were found");
  }
  sel.schemas_given_ = !options.schemas.empty();
  ASSIGN_OR_RETURN(auto excluded_schemas, MatchSchemas(conn, options.exclude_schemas, dbname));
  for (const auto& m : excluded_schemas) sel.excluded_schemas_.insert(m.begin(), m.end());

  ASSIGN_OR_RETURN(auto tables, MatchRelationsAndChildren(conn, options.tables,
                                                          options.tables_and_children, dbname));
  for (size_t i = 0; i < tables.size(); ++i) {
    if (options.strict_names && tables[i].empty()) {
      const std::string& pattern = i < options.tables.size()
                                       ? options.tables[i]
                                       : options.tables_and_children[i - options.tables.size()];
      return Status::NotFound("no matching tables were found for pattern \"" + pattern + "\"");
    }
    sel.tables_.insert(tables[i].begin(), tables[i].end());
  }
  sel.tables_given_ = !options.tables.empty() || !options.tables_and_children.empty();
  if (sel.tables_given_ && sel.tables_.empty()) {
    return Status::NotFound("no matching tables were found");
  }
  ASSIGN_OR_RETURN(auto excluded,
                   MatchRelationsAndChildren(conn, options.exclude_tables,
                                             options.exclude_tables_and_children, dbname));
  for (const auto& m : excluded) sel.excluded_tables_.insert(m.begin(), m.end());
  ASSIGN_OR_RETURN(auto no_data,
                   MatchRelationsAndChildren(conn, options.exclude_table_data,
                                             options.exclude_table_data_and_children, dbname));
  for (const auto& m : no_data) sel.data_excluded_.insert(m.begin(), m.end());

  ASSIGN_OR_RETURN(auto extensions, MatchExtensions(conn, options.extensions, dbname));
  for (size_t i = 0; i < extensions.size(); ++i) {
    if (options.strict_names && extensions[i].empty()) {
      return Status::NotFound("no matching extensions were found for pattern \"" +
                              options.extensions[i] + "\"");
    }
    sel.extensions_.insert(extensions[i].begin(), extensions[i].end());
  }
  sel.extensions_given_ = !options.extensions.empty();
  if (sel.extensions_given_ && sel.extensions_.empty()) {
    return Status::NotFound("no matching extensions were found");
  }
  ASSIGN_OR_RETURN(auto excluded_extensions,
                   MatchExtensions(conn, options.exclude_extensions, dbname));
  for (const auto& m : excluded_extensions) {
    sel.excluded_extensions_.insert(m.begin(), m.end());
  }
  return sel;
}

Status LockSelectedTables(pg::PgConn& conn, const Selection& selection,
                          const std::string& lock_wait_timeout) {
  ASSIGN_OR_RETURN(
      pg::PgResult r,
      conn.Query("SELECT c.oid, n.nspname, pg_catalog.quote_ident(n.nspname) || '.' || "
                 "pg_catalog.quote_ident(c.relname) FROM pg_catalog.pg_class c "
                 "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                 "WHERE c.relkind = 'r' AND n.nspname !~ '^pg_' AND "
                 "n.nspname <> 'information_schema' AND " +
                 catalog::NotExtensionMember("pg_class", "c.oid") + " ORDER BY 3"));
  std::vector<std::string> names;
  for (int i = 0; i < r.rows(); ++i) {
    if (selection.RelationDumped(catalog::GetOid(r, i, 0), r.GetString(i, 1))) {
      names.push_back(r.GetString(i, 2));
    }
  }
  if (lock_wait_timeout.empty()) {
    // One statement for every table, however many: the number of round trips does not grow
    // with the tables (tests/fidelity/bounded_queries_test.cc).
    if (names.empty()) return Status::Ok();
    std::string sql = "LOCK TABLE ";
    for (size_t i = 0; i < names.size(); ++i) {
      if (i > 0) sql += ", ";
      sql += names[i];
    }
    return conn.Command(sql + " IN ACCESS SHARE MODE");
  }
  // One table per statement, so that a timeout names its table.
  RETURN_IF_ERROR(conn.Command("SET lock_timeout = " + pg::QuoteLiteral(lock_wait_timeout)));
  for (const auto& name : names) {
    Status st = conn.Command("LOCK TABLE " + name + " IN ACCESS SHARE MODE");
    if (st.ok()) continue;
    if (st.sqlstate() == "55P03") {
      return Status::ServerError("could not obtain a lock on table " + name + " within " +
                                     lock_wait_timeout + " (--lock-wait-timeout)",
                                 "55P03")
          .WithObject("TABLE " + name);
    }
    return st.WithObject("TABLE " + name);
  }
  return Status::Ok();
}

void PruneCatalog(const Selection& sel, const DumpOptions& options, catalog::Catalog* cat) {
  const bool all = sel.include_everything();
  // Decided before any table is removed: a sequence follows the table that owns it.
  std::unordered_set<Oid> kept_tables;
  for (const auto& t : cat->tables) {
    if (sel.RelationDumped(t.oid, t.schema)) kept_tables.insert(t.oid);
  }
  auto table_kept = [&](Oid oid) { return kept_tables.count(oid) != 0; };

  EraseIf(&cat->schemas, [&](const catalog::Schema& s) { return !sel.SchemaDumped(s.name); });
  KeepInDumpedSchemas(sel, &cat->enums);
  KeepInDumpedSchemas(sel, &cat->domains);
  KeepInDumpedSchemas(sel, &cat->composites);
  KeepInDumpedSchemas(sel, &cat->base_types);
  {
    std::unordered_set<Oid> outside;
    for (const auto& t : cat->tables) {
      if (!table_kept(t.oid)) continue;
      for (Oid p : t.parents) {
        if (!table_kept(p)) outside.insert(p);
      }
    }
    for (auto& t : cat->tables) {
      if (outside.count(t.oid) != 0) cat->outside_parents.push_back(std::move(t));
    }
  }
  EraseIf(&cat->tables, [&](const catalog::Table& t) { return !table_kept(t.oid); });
  EraseIf(&cat->sequences, [&](const catalog::Sequence& s) {
    const bool owner = s.owned_by_table != 0 && table_kept(s.owned_by_table);
    // An identity sequence is part of its table; a serial one is dumped with its table and also
    // when chosen on its own.
    if (s.identity) return !owner;
    return !owner && !sel.RelationDumped(s.oid, s.schema);
  });

  auto& code = cat->code;
  std::unordered_set<Oid> user_functions, kept_functions;
  for (const auto& f : code.functions) user_functions.insert(f.oid);
  KeepInDumpedSchemas(sel, &code.functions);
  for (const auto& f : code.functions) kept_functions.insert(f.oid);
  // As pg_dump: a language whose handler, inline handler or validator is a user function the
  // dump leaves out (-N of its schema) is written without them, since HANDLER would name a
  // function the restore does not create.
  for (auto& l : code.languages) {
    for (Oid f : l.functions) {
      if (user_functions.count(f) != 0 && kept_functions.count(f) == 0) l.handler.clear();
    }
  }
  KeepInDumpedSchemas(sel, &code.aggregates);
  EraseIf(&code.triggers, [&](const catalog::Trigger& t) { return !table_kept(t.table_oid); });
  EraseIf(&code.rules, [&](const catalog::Rule& r) { return !table_kept(r.table_oid); });
  // Rows of configuration tables and values of configuration sequences come with their
  // extension, but -T, -N and --exclude-table-data leave them out as they would an ordinary
  // table's; and with -n / -t, where the extension itself is not dumped, those of the selected
  // schemas and tables are still dumped (pg_dump's processExtensionTables).
  const auto config_kept = [&](catalog::Oid oid, const std::string& schema) {
    return sel.RelationDumped(oid, schema) && !sel.DataExcluded(oid);
  };
  EraseIf(&code.extension_config_tables, [&](const catalog::ExtensionConfigTable& t) {
    return !config_kept(t.oid, t.schema) || !sel.ExtensionDataAllowed(t.extension);
  });
  EraseIf(&code.extension_config_sequences, [&](const catalog::ExtensionConfigSequence& s) {
    return !config_kept(s.oid, s.schema) || !sel.ExtensionDataAllowed(s.extension);
  });
  // -e chooses extensions also when -n or -t leaves the rest of what is outside schemas out.
  EraseIf(&code.extensions,
          [&](const catalog::Extension& x) { return !sel.ExtensionDumped(x.oid); });
  if (!all) {
    EraseIf(&code.extension_member_acls, [&](const catalog::ExtensionMemberAcl& m) {
      return m.extension == 0 || !sel.ExtensionDumped(m.extension);
    });
  }
  if (!all) {
    code.languages.clear();
    code.event_triggers.clear();
    code.casts.clear();
    code.transforms.clear();
  }

  // Properties the options leave out (--no-tablespaces, --no-table-access-method,
  // --no-toast-compression, --no-policies): a restore gives the target's defaults.
  for (auto& t : cat->tables) {
    if (!options.tablespaces) {
      t.tablespace.clear();
      for (auto& i : t.indexes) i.tablespace.clear();
      for (auto& c : t.constraints) c.index_tablespace.clear();
    }
    if (!options.table_access_methods) t.access_method.clear();
    if (!options.toast_compression) {
      for (auto& c : t.columns) c.compression = '\0';
    }
    if (!options.policies) {
      t.policies.clear();
      t.row_security = false;
    }
  }
  if (!options.tablespaces && cat->database) cat->database->tablespace.clear();

  auto& m = cat->misc;
  KeepInDumpedSchemas(sel, &m.collations);
  KeepInDumpedSchemas(sel, &m.ranges);
  KeepInDumpedSchemas(sel, &m.shells);
  KeepInDumpedSchemas(sel, &m.ts_parsers);
  KeepInDumpedSchemas(sel, &m.ts_templates);
  KeepInDumpedSchemas(sel, &m.ts_dictionaries);
  KeepInDumpedSchemas(sel, &m.ts_configs);
  KeepInDumpedSchemas(sel, &m.statistics);
  // An extended statistics object goes with its table (-T, -t), as in pg_dump.
  EraseIf(&m.statistics, [&](const catalog::ExtStatistics& s) { return !table_kept(s.table_oid); });
  KeepInDumpedSchemas(sel, &m.operators);
  KeepInDumpedSchemas(sel, &m.op_families);
  KeepInDumpedSchemas(sel, &m.op_classes);
  KeepInDumpedSchemas(sel, &m.conversions);
  EraseIf(&m.default_acls, [&](const catalog::DefaultAcl& d) {
    return d.schema.empty() ? !all : !sel.SchemaDumped(d.schema);
  });
  if (!all) {
    m.wrappers.clear();
    m.servers.clear();
    m.user_mappings.clear();
    m.access_methods.clear();
  }
  if (!all || !options.publications) {
    m.publications.clear();
  } else {
    for (auto& p : m.publications) {
      EraseIf(&p.tables,
              [&](const catalog::PublicationTable& t) { return !table_kept(t.table_oid); });
      EraseIf(&p.schemas,
              [&](const catalog::PublicationSchema& s) { return !sel.SchemaDumped(s.schema); });
    }
  }
  if (!all || !options.subscriptions) m.subscriptions.clear();
  // Large objects are data: never with -s; by default only in a dump of everything.
  const bool large_objects = options.large_objects == DumpOptions::LargeObjects::kInclude ||
                             (options.large_objects == DumpOptions::LargeObjects::kDefault && all);
  if (!large_objects || options.content == DumpOptions::Content::kSchemaOnly) {
    m.large_objects.clear();
    m.large_object_groups.clear();
  }
}

namespace {

// -a: an archive of data only has no foreign keys for a restore to order the data by, so each
// table's data entries depend on those of the tables its foreign keys reference (a partitioned
// table standing for its partitions), as pg_dump -a makes them, and come after them in the TOC.
// Tables on a cycle of foreign keys, or after one, get no such dependency.
void OrderDataByForeignKeys(const catalog::Catalog& cat, BuiltToc* toc) {
  std::unordered_map<Oid, std::vector<uint32_t>> data_of;  // table -> its data entries
  for (const auto& e : toc->entries) {
    if (Is(e, Kind::kTableData) && e.catalog_oid != 0) {
      data_of[static_cast<Oid>(e.catalog_oid)].push_back(e.dump_id);
    }
  }
  std::unordered_map<Oid, std::vector<Oid>> partitions;
  for (const auto& t : cat.tables) {
    if (t.is_partition && !t.parents.empty()) partitions[t.parents[0]].push_back(t.oid);
  }
  auto leaves = [&](Oid table) {
    std::vector<Oid> out{table};
    for (size_t i = 0; i < out.size(); ++i) {
      auto it = partitions.find(out[i]);
      if (it != partitions.end()) out.insert(out.end(), it->second.begin(), it->second.end());
    }
    return out;
  };
  std::unordered_map<uint32_t, std::set<uint32_t>> firsts;  // data entry -> data entries first
  for (const auto& t : cat.tables) {
    for (const auto& c : t.constraints) {
      if (c.type != 'f' || c.parent != 0) continue;  // a partition's clone: its parent's covers it
      for (Oid from : leaves(t.oid)) {
        for (Oid to : leaves(c.ref_table)) {
          if (from == to) continue;
          for (uint32_t d : data_of[from]) {
            for (uint32_t f : data_of[to]) firsts[d].insert(f);
          }
        }
      }
    }
  }
  if (firsts.empty()) return;
  // Kahn's algorithm over the data entries, the earliest in TOC order first; what it cannot
  // place (a cycle) keeps its place and gets no dependency.
  std::vector<size_t> positions;  // of the data entries in the TOC
  std::unordered_map<uint32_t, size_t> index;
  for (size_t i = 0; i < toc->entries.size(); ++i) {
    if (Is(toc->entries[i], Kind::kTableData)) {
      index[toc->entries[i].dump_id] = positions.size();
      positions.push_back(i);
    }
  }
  const size_t n = positions.size();
  std::vector<std::vector<size_t>> next(n);
  std::vector<size_t> waiting(n, 0);
  for (const auto& [d, fs] : firsts) {
    for (uint32_t f : fs) {
      next[index[f]].push_back(index[d]);
      ++waiting[index[d]];
    }
  }
  std::set<size_t> ready;
  for (size_t i = 0; i < n; ++i) {
    if (waiting[i] == 0) ready.insert(i);
  }
  std::vector<size_t> order;
  std::vector<bool> placed(n, false);
  while (!ready.empty()) {
    const size_t i = *ready.begin();
    ready.erase(ready.begin());
    order.push_back(i);
    placed[i] = true;
    for (size_t j : next[i]) {
      if (--waiting[j] == 0) ready.insert(j);
    }
  }
  for (size_t i = 0; i < n; ++i) {
    if (!placed[i]) order.push_back(i);
  }
  std::vector<format::TocEntry> moved;
  moved.reserve(n);
  for (size_t k : order) moved.push_back(std::move(toc->entries[positions[k]]));
  for (size_t k = 0; k < n; ++k) {
    format::TocEntry& e = moved[k];
    if (placed[order[k]]) {
      for (uint32_t f : firsts[e.dump_id]) e.deps.push_back(f);
    }
    toc->entries[positions[k]] = std::move(e);
  }
}

}  // namespace

void FilterToc(const Selection& selection, const DumpOptions& options,
               const catalog::Catalog& catalog, BuiltToc* toc) {
  // Relations whose data is left out, by name for the entries that carry no OID.
  std::set<std::pair<std::string, std::string>> no_data;
  for (const auto& t : catalog.tables) {
    if (selection.DataExcluded(t.oid) || (!options.unlogged_table_data && t.persistence == 'u')) {
      no_data.emplace(t.schema, t.name);
    }
  }
  for (const auto& s : catalog.sequences) {
    if (selection.DataExcluded(s.oid)) no_data.emplace(s.schema, s.name);
  }
  auto is_large_object_decoration = [](const format::TocEntry& e) {
    return InfoOf(e.kind).decoration && e.name.rfind("LARGE OBJECT ", 0) == 0;
  };
  const bool all = selection.include_everything();
  auto keep = [&](const format::TocEntry& e) {
    const KindInfo& info = InfoOf(e.kind);
    // As pg_dump -Fc: the database's own entries are in every archive, whatever is selected;
    // nrestore uses them only with --create. Its COMMENT and ACL follow the rules below.
    if (info.prune == Prune::kAlways) return true;
    // The registry's rules, once more: PruneCatalog removes objects list by list, and the entry of
    // a list it misses must not ignore -n/-N/-t (a SCHEMA entry names its schema as its name).
    if (info.prune == Prune::kBySchema) {
      const std::string& schema = info.kind == Kind::kSchema ? e.name : e.schema;
      if (schema.empty() ? !all : !selection.SchemaDumped(schema)) return false;
    }
    if (info.prune == Prune::kWholeDatabase && !all) return false;
    if (!options.privileges && info.privileges) return false;
    if (!options.comments && info.kind == Kind::kComment) return false;
    if (!options.security_labels && info.kind == Kind::kSecurityLabel) return false;
    if ((info.kind == Kind::kTableData || info.kind == Kind::kSequenceSet ||
         info.kind == Kind::kMaterializedViewData) &&
        no_data.count({e.schema, e.name}) != 0) {
      return false;
    }
    // A refresh fills a materialized view with data: pg_dump -s leaves it out (and -a, as every
    // post-data entry).
    if (info.kind == Kind::kMaterializedViewData &&
        options.content == DumpOptions::Content::kSchemaOnly) {
      return false;
    }
    // Statistics are neither schema nor data (pg_dump 18): --statistics-only keeps them alone,
    // and they come along with -s or -a when asked for (--no-data --statistics).
    const bool statistics = Is(e, Kind::kStatisticsData);
    if (options.content == DumpOptions::Content::kStatisticsOnly && !statistics) return false;
    // As pg_dump, sequence values and large objects (with their comments and privileges) count
    // as data for -a and -s, whatever section their entries are in.
    const bool data =
        e.section == format::Section::kData || info.data || is_large_object_decoration(e);
    if (options.content == DumpOptions::Content::kDataOnly && !data && !statistics) return false;
    if (options.content == DumpOptions::Content::kSchemaOnly && data && !statistics &&
        !(options.sequence_data && info.kind == Kind::kSequenceSet)) {
      return false;
    }
    unsigned bit = 0;
    switch (e.section) {
      case format::Section::kPreData:
        bit = DumpOptions::kSectionPreData;
        break;
      case format::Section::kData:
        bit = DumpOptions::kSectionData;
        break;
      case format::Section::kPostData:
        bit = DumpOptions::kSectionPostData;
        break;
      default:
        bit = DumpOptions::kSectionPreData;
        break;
    }
    return (options.sections & bit) != 0;
  };

  if (options.content == DumpOptions::Content::kDataOnly) OrderDataByForeignKeys(catalog, toc);
  // In place: a second array of entries would double the TOC's share of the dump's peak memory
  // (on 10,000 tables, about 11 MB).
  std::unordered_set<uint32_t> removed;
  EraseIf(&toc->entries, [&](const format::TocEntry& e) {
    if (keep(e)) return false;
    removed.insert(e.dump_id);
    return true;
  });
  if (removed.empty()) return;
  for (auto& e : toc->entries) {
    EraseIf(&e.deps, [&](uint32_t d) { return removed.count(d) != 0; });
  }
  EraseIf(&toc->data_jobs, [&](const DataJob& j) { return removed.count(j.dump_id) != 0; });
}

}  // namespace libdump::dump
