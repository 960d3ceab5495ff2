// Dependency loops the catalog allows but a restore cannot run in order, broken as pg_dump
// breaks them (pg_dump_sort.c's repair functions):
//  - a CHECK constraint of a table that calls a function taking the table's row type: the
//    constraint leaves CREATE TABLE and becomes ALTER TABLE ... ADD CONSTRAINT (post-data);
//  - a CHECK constraint of a domain that calls a function using the domain: the constraint
//    becomes ALTER DOMAIN ... ADD CONSTRAINT (pre-data, after the function);
//  - a view in a loop (views that read each other, a view reading a function that returns the
//    view's row type): the view is first created as a stub with the right columns, and its
//    real definition follows as CREATE OR REPLACE VIEW once the loop's other members exist.
//  - a range type and its canonical function: a shell type first, as for base types (whose
//    loop toc_types.cc avoids from the start).
#include <algorithm>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "ddl/ddl.h"
#include "dump/toc_builder_internal.h"
#include "pg/pg.h"

namespace libdump::dump {

using kinds::Is;
using kinds::Kind;

using catalog::Oid;
using format::Section;
using pg::QualifiedName;
using pg::QuoteIdent;

namespace {

// Strongly connected components of the entries' dependency graph that contain a loop (more than
// one entry). Iterative Tarjan, so that long dependency chains cannot overflow the stack.
std::vector<std::vector<uint32_t>> Loops(const std::vector<format::TocEntry>& entries) {
  const size_t n = entries.size();
  // Dump ids are 1..n in order (TocBuilder::Add).
  std::vector<int> index(n + 1, -1), low(n + 1, 0);
  std::vector<bool> on_stack(n + 1, false);
  std::vector<uint32_t> stack;
  std::vector<std::vector<uint32_t>> loops;
  int counter = 0;
  struct Frame {
    uint32_t id;
    size_t next;
  };
  for (uint32_t root = 1; root <= n; ++root) {
    if (index[root] >= 0) continue;
    std::vector<Frame> frames{{root, 0}};
    index[root] = low[root] = counter++;
    stack.push_back(root);
    on_stack[root] = true;
    while (!frames.empty()) {
      Frame& f = frames.back();
      const auto& deps = entries[f.id - 1].deps;
      if (f.next < deps.size()) {
        const uint32_t d = deps[f.next++];
        if (d == 0 || d > n) continue;
        if (index[d] < 0) {
          index[d] = low[d] = counter++;
          stack.push_back(d);
          on_stack[d] = true;
          frames.push_back({d, 0});
        } else if (on_stack[d]) {
          low[f.id] = std::min(low[f.id], index[d]);
        }
        continue;
      }
      const uint32_t id = f.id;
      frames.pop_back();
      if (!frames.empty()) low[frames.back().id] = std::min(low[frames.back().id], low[id]);
      if (low[id] != index[id]) continue;
      std::vector<uint32_t> component;
      uint32_t member;
      do {
        member = stack.back();
        stack.pop_back();
        on_stack[member] = false;
        component.push_back(member);
      } while (member != id);
      if (component.size() > 1) loops.push_back(std::move(component));
    }
  }
  return loops;
}

// Removes `clause` (as the DDL emitters wrote it) from `sql`; false when it is not there.
bool RemoveClause(std::string* sql, const std::string& clause) {
  const size_t at = sql->find(clause);
  if (at == std::string::npos) return false;
  sql->erase(at, clause.size());
  return true;
}

// A view's stand-in: the same columns, types and collations, no rows.
std::string StubView(const catalog::Table& v) {
  std::string sql = "CREATE VIEW " + QualifiedName(v.schema, v.name) + " AS\n SELECT";
  bool first = true;
  for (const auto& c : v.columns) {
    if (c.dropped) continue;
    sql += first ? "\n    " : ",\n    ";
    first = false;
    sql += "NULL::" + c.type;
    if (c.collation) sql += " COLLATE " + *c.collation;
    sql += " AS " + QuoteIdent(c.name);
  }
  return sql + ";\n";
}

}  // namespace

void TocBuilder::RepairLoops() {
  // Most catalogs have no loop: it is looked for before the maps below are built (on 10,000
  // tables they took 3 MB at the dump's peak of memory, for nothing).
  std::vector<std::vector<uint32_t>> loops = Loops(out_.entries);
  if (loops.empty()) return;
  // The entries each constraint's own pg_depend edges lead to.
  std::unordered_map<Oid, std::set<uint32_t>> constraint_targets;
  // The entries an entry depends on through edges other than its constraints'.
  std::unordered_map<uint32_t, std::set<uint32_t>> own_targets;
  for (const auto& d : cat_.depends) {
    const uint32_t to = Lookup(d.refclassid, d.refobjid);
    if (to == 0) continue;
    if (d.classid == cls::kConstraint) {
      constraint_targets[d.objid].insert(to);
    } else if (uint32_t from = Lookup(d.classid, d.objid); from != 0) {
      own_targets[from].insert(to);
    }
  }
  std::unordered_map<uint32_t, const catalog::Table*> relation;
  for (const auto& t : cat_.tables) relation[Lookup(cls::kClass, t.oid)] = &t;
  std::unordered_set<uint32_t> ranges;
  for (const auto& r : cat_.misc.ranges) ranges.insert(Lookup(cls::kType, r.oid));
  std::unordered_map<uint32_t, const catalog::DomainType*> domain;
  for (const auto& d : cat_.domains) domain[Lookup(cls::kType, d.oid)] = &d;

  // Moves the inline CHECK constraints of entry `id` whose dependencies lie inside `loop` into
  // entries of their own. `clause` gives a constraint's text in the object's SQL, `add` the
  // statement that adds it afterwards.
  auto separate = [&](uint32_t id, const std::unordered_set<uint32_t>& loop, const auto& checks,
                      Section section, const auto& clause, const auto& add, const auto& drop) {
    std::set<uint32_t> moved_targets;
    bool moved = false;
    for (const auto* c : checks) {
      const auto& targets = constraint_targets[c->oid];
      if (std::none_of(targets.begin(), targets.end(),
                       [&](uint32_t t) { return t != id && loop.count(t) != 0; })) {
        continue;
      }
      std::string sql = Entry(id).create_sql;
      if (!RemoveClause(&sql, clause(*c))) continue;
      Entry(id).create_sql = std::move(sql);
      const format::TocEntry& owner = Entry(id);
      const uint32_t cid = Add(Kind::kCheckConstraint, section, owner.schema,
                               owner.name + " " + c->name, owner.owner, add(*c), drop(*c), {id});
      for (uint32_t t : targets) AddDep(cid, t);
      Register(cls::kConstraint, c->oid, cid);
      moved_targets.insert(targets.begin(), targets.end());
      moved = true;
    }
    if (!moved) return false;
    auto& deps = Entry(id).deps;
    const auto& own = own_targets[id];
    deps.erase(std::remove_if(deps.begin(), deps.end(),
                              [&](uint32_t d) { return moved_targets.count(d) && !own.count(d); }),
               deps.end());
    return true;
  };

  for (int round = 0; round < 1000; ++round) {
    if (round > 0) loops = Loops(out_.entries);
    if (loops.empty()) return;
    bool progress = false;
    for (const auto& members : loops) {
      const std::unordered_set<uint32_t> loop(members.begin(), members.end());
      bool fixed = false;
      // First choice: constraints that can be added later.
      for (uint32_t id : members) {
        if (fixed) break;
        if (auto t = relation.find(id); t != relation.end() && t->second->kind != 'v') {
          const catalog::Table& table = *t->second;
          std::vector<const catalog::Constraint*> checks;
          for (const auto& c : table.constraints) {
            if (c.type == 'c' && c.validated && c.local) checks.push_back(&c);
          }
          const std::string qname = QualifiedName(table.schema, table.name);
          fixed = separate(
              id, loop, checks, Section::kPostData,
              [](const catalog::Constraint& c) {
                return ",\n    CONSTRAINT " + QuoteIdent(c.name) + " " + c.definition;
              },
              [&](const catalog::Constraint& c) {
                return "ALTER TABLE " + qname + "\n    ADD CONSTRAINT " + QuoteIdent(c.name) + " " +
                       c.definition + ";\n";
              },
              // Its own drop for --clean: the function it calls, and the table whose row type
              // that function takes, could not be dropped while it holds them.
              [&](const catalog::Constraint& c) {
                return "ALTER TABLE " + qname + " DROP CONSTRAINT " + QuoteIdent(c.name) + ";\n";
              });
        } else if (auto d = domain.find(id); d != domain.end()) {
          const catalog::DomainType& dom = *d->second;
          std::vector<const catalog::DomainConstraint*> checks;
          for (const auto& c : dom.constraints) {
            if (c.validated) checks.push_back(&c);  // a NOT VALID one is already apart
          }
          const std::string qname = QualifiedName(dom.schema, dom.name);
          fixed = separate(
              id, loop, checks, Section::kPreData,
              [](const catalog::DomainConstraint& c) {
                return "\n    CONSTRAINT " + QuoteIdent(c.name) + " " + c.definition;
              },
              [&](const catalog::DomainConstraint& c) { return ddl::AddDomainConstraint(dom, c); },
              [&](const catalog::DomainConstraint& c) {
                return "ALTER DOMAIN " + qname + " DROP CONSTRAINT " + QuoteIdent(c.name) + ";\n";
              });
        }
      }
      // Then a range type and its canonical function, which take each other: a shell type for
      // the function to use, the range after it.
      for (uint32_t id : members) {
        if (fixed) break;
        if (!ranges.count(id)) continue;
        uint32_t shell = 0;
        for (uint32_t fn : members) {
          format::TocEntry& f = Entry(fn);
          if (!Is(f, Kind::kFunction)) continue;
          if (std::find(f.deps.begin(), f.deps.end(), id) == f.deps.end()) continue;
          if (shell == 0) {
            const format::TocEntry& type = Entry(id);
            const std::string qname = QualifiedName(type.schema, type.name);
            shell = Add(Kind::kShellType, type.section, type.schema, type.name, type.owner,
                        "CREATE TYPE " + qname + ";\n", "", {SchemaId(type.schema)});
            // The function takes the range, the range names the function: neither drops alone
            // (--clean), so the range goes with CASCADE, as a base type with its I/O functions.
            Entry(id).drop_sql = "DROP TYPE " + qname + " CASCADE;\n";
          }
          std::replace(Entry(fn).deps.begin(), Entry(fn).deps.end(), id, shell);
          fixed = true;
        }
      }
      // Then a view: a stub now, the real definition once the rest of the loop exists. The
      // oldest view of the loop (lowest OID), so that the copy's views are made in the source's
      // order and pg_dump of the copy breaks the loop where it does in the source.
      std::vector<uint32_t> by_age = members;
      std::sort(by_age.begin(), by_age.end(), [&](uint32_t a, uint32_t b) {
        return Entry(a).catalog_oid < Entry(b).catalog_oid;
      });
      for (uint32_t id : by_age) {
        if (fixed) break;
        auto t = relation.find(id);
        if (t == relation.end() || t->second->kind != 'v') continue;
        const catalog::Table& v = *t->second;
        format::TocEntry& e = Entry(id);
        const std::string create = "CREATE VIEW ";
        std::string replace = e.create_sql;
        if (replace.rfind(create, 0) != 0) continue;
        replace.replace(0, create.size(), "CREATE OR REPLACE VIEW ");
        std::vector<uint32_t> deps = e.deps;
        e.create_sql = StubView(v);
        // The stub needs only its column types: not the loop, nor what the real definition
        // needs from post-data (a primary key its GROUP BY relies on).
        e.deps.erase(std::remove_if(e.deps.begin(), e.deps.end(),
                                    [&](uint32_t d) {
                                      return loop.count(d) != 0 ||
                                             Entry(d).section == Section::kPostData;
                                    }),
                     e.deps.end());
        // Its drop (--clean) turns the view back into the stub, as pg_dump's does: the loop is
        // then broken, and the view and what it read drop in turn.
        std::string unstub = e.create_sql;
        unstub.replace(0, create.size(), "CREATE OR REPLACE VIEW ");
        const format::TocEntry& stub = Entry(id);
        const uint32_t rid =
            Add(Kind::kRule, stub.section, stub.schema, stub.name + " _RETURN", stub.owner,
                std::move(replace), std::move(unstub), std::move(deps));
        AddDep(rid, id);
        fixed = true;
      }
      progress = progress || fixed;
    }
    if (!progress) return;  // the sorter reports what is left
  }
}

}  // namespace libdump::dump
