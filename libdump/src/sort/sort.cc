#include "sort/sort.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <queue>
#include <string>
#include <tuple>
#include <utility>

namespace libdump::sort {

int KindPriority(std::string_view kind) {
  struct KindRank {
    std::string_view kind;
    int rank;
  };
  // Mirrors the broad order of pg_dump's object type priorities.
  static constexpr KindRank kRanks[] = {
      {"DATABASE", 0},
      {"DATABASE PROPERTIES", 0},
      {"SCHEMA", 1},
      {"TYPE", 2},
      {"DOMAIN", 3},
      {"SEQUENCE", 4},
      {"TABLE", 5},
      {"FOREIGN TABLE", 5},
      {"SHELL TYPE", 2},
      {"SEQUENCE OWNED BY", 6},
      {"VIEW", 7},
      {"TABLE DATA", 10},
      {"SEQUENCE SET", 11},
      // Statistics after the data (pg_dump 18's order), and in post-data after what they need.
      {"STATISTICS DATA", 13},
      {"INDEX", 20},
      {"CONSTRAINT", 21},
      {"CHECK CONSTRAINT", 22},
      {"FK CONSTRAINT", 23},
      // Tables and their relatives (toc_relations.cc).
      {"TABLE ATTACH", 6},
      {"TABLE INHERIT", 6},
      {"MATERIALIZED VIEW", 7},
      {"INDEX ATTACH", 22},
      {"CLUSTER ON", 24},
      {"REPLICA IDENTITY", 24},
      {"POLICY", 25},
      {"ROW SECURITY", 25},
      {"MATERIALIZED VIEW DATA", 30},
      // Code objects (toc_code.cc): languages and extensions before the types and functions that
      // may use them, casts with functions, rules and triggers after constraints; event triggers
      // last of all, so that they fire for none of the restore's own statements.
      {"PROCEDURAL LANGUAGE", 1},
      {"EXTENSION", 1},
      {"TRANSFORM", 3},
      {"CAST", 3},
      {"FUNCTION", 3},
      {"PROCEDURE", 3},
      {"AGGREGATE", 3},
      {"RULE", 24},
      {"TRIGGER", 24},
      {"EVENT TRIGGER", 99},
      // The misc family (toc_misc.cc): catalog-level objects among the types; statistics,
      // publications and subscriptions after constraints; default privileges last of post-data.
      {"COLLATION", 2},
      {"ACCESS METHOD", 2},
      {"OPERATOR", 3},
      {"OPERATOR FAMILY", 3},
      {"OPERATOR CLASS", 3},
      {"CONVERSION", 3},
      {"TEXT SEARCH PARSER", 3},
      {"TEXT SEARCH TEMPLATE", 3},
      {"TEXT SEARCH DICTIONARY", 3},
      {"TEXT SEARCH CONFIGURATION", 3},
      {"FOREIGN DATA WRAPPER", 3},
      {"SERVER", 3},
      {"USER MAPPING", 3},
      {"BLOB", 8},
      {"BLOB METADATA", 8},
      {"BLOB DATA", 12},
      {"BLOBS", 12},
      {"STATISTICS", 24},
      {"PUBLICATION", 26},
      {"PUBLICATION TABLE", 27},
      {"PUBLICATION TABLES IN SCHEMA", 27},
      {"SUBSCRIPTION", 28},
      {"DEFAULT ACL", 98},
  };
  for (const auto& r : kRanks) {
    if (r.kind == kind) return r.rank;
  }
  return 50;  // comments and anything newer follow what they attach to through dependencies
}

Status SortToc(std::vector<format::TocEntry>* entries) {
  // The sort runs at the dump's peak of memory (the catalog and the whole TOC are alive), so its
  // own tables are flat arrays of 32-bit indexes: no node per entry or per edge.
  const size_t n = entries->size();
  if (n > std::numeric_limits<uint32_t>::max()) return Status::Internal("TOC too large to sort");
  // (dump id, index) by dump id; an id given twice means its last entry.
  std::vector<std::pair<uint32_t, uint32_t>> by_id(n);
  for (size_t i = 0; i < n; ++i) by_id[i] = {(*entries)[i].dump_id, static_cast<uint32_t>(i)};
  std::sort(by_id.begin(), by_id.end());
  auto index_of = [&](uint32_t id) -> std::optional<uint32_t> {
    auto it = std::upper_bound(by_id.begin(), by_id.end(),
                               std::make_pair(id, std::numeric_limits<uint32_t>::max()));
    if (it == by_id.begin() || (it - 1)->first != id) return std::nullopt;
    return (it - 1)->second;
  };

  // Each entry's dependents, by entry: those of entry i are dependents[first[i]..first[i + 1]).
  std::vector<uint32_t> waiting(n, 0);
  std::vector<uint32_t> first(n + 1, 0);
  for (size_t i = 0; i < n; ++i) {
    for (uint32_t dep : (*entries)[i].deps) {
      const std::optional<uint32_t> d = index_of(dep);
      if (!d) {
        return Status::Corruption("entry " + std::to_string((*entries)[i].dump_id) +
                                  " depends on unknown entry " + std::to_string(dep));
      }
      ++first[*d + 1];
      ++waiting[i];
    }
  }
  for (size_t i = 0; i < n; ++i) first[i + 1] += first[i];
  std::vector<uint32_t> dependents(first[n]);
  {
    std::vector<uint32_t> next(first.begin(), first.end() - 1);
    for (size_t i = 0; i < n; ++i) {
      for (uint32_t dep : (*entries)[i].deps) {
        dependents[next[*index_of(dep)]++] = static_cast<uint32_t>(i);
      }
    }
  }
  // A comment (or security label) sorts with the object it is on (its first dependency): same
  // priority, same anchor id, so it comes right after that object.
  std::vector<int> priority(n);
  std::vector<uint32_t> anchor(n);
  for (size_t i = 0; i < n; ++i) {
    const auto& e = (*entries)[i];
    priority[i] = KindPriority(e.kind);
    anchor[i] = e.dump_id;
    if ((e.kind == "COMMENT" || e.kind == "SECURITY LABEL") && !e.deps.empty()) {
      const auto& target = (*entries)[*index_of(e.deps.front())];
      priority[i] = KindPriority(target.kind);
      anchor[i] = target.dump_id;
    }
  }
  auto key = [&](size_t i) {
    const auto& e = (*entries)[i];
    return std::make_tuple(static_cast<int>(e.section), priority[i], anchor[i], e.kind == "COMMENT",
                           e.dump_id);
  };
  auto later = [&](size_t a, size_t b) { return key(a) > key(b); };
  std::priority_queue<size_t, std::vector<size_t>, decltype(later)> ready(later);
  for (size_t i = 0; i < n; ++i) {
    if (waiting[i] == 0) ready.push(i);
  }
  std::vector<size_t> order;
  order.reserve(n);
  while (!ready.empty()) {
    size_t i = ready.top();
    ready.pop();
    order.push_back(i);
    for (uint32_t k = first[i]; k < first[i + 1]; ++k) {
      if (--waiting[dependents[k]] == 0) ready.push(dependents[k]);
    }
  }
  if (order.size() != n) {
    std::string names;
    int shown = 0;
    for (size_t i = 0; i < n && shown < 5; ++i) {
      if (waiting[i] == 0) continue;
      const auto& e = (*entries)[i];
      names += (shown++ ? ", " : "") + e.kind + " " + e.schema + "." + e.name;
    }
    return Status::Internal("dependency loop among: " + names);
  }
  // Entry k of the result is entry order[k] of the input. Applied in place, one cycle of the
  // permutation at a time, rather than into a second vector: on 10,000 tables the TOC's array
  // alone is over 10 MB, and a copy would be alive next to the catalog and the TOC at the dump's
  // peak of memory.
  std::vector<bool> placed(n, false);
  for (size_t start = 0; start < n; ++start) {
    if (placed[start] || order[start] == start) continue;
    format::TocEntry held = std::move((*entries)[start]);
    size_t k = start;
    for (;;) {
      placed[k] = true;
      const size_t from = order[k];
      if (from == start) {
        (*entries)[k] = std::move(held);
        break;
      }
      (*entries)[k] = std::move((*entries)[from]);
      k = from;
    }
  }
  return Status::Ok();
}

}  // namespace libdump::sort
