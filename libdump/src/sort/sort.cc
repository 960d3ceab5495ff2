#include "sort/sort.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <queue>
#include <string>
#include <tuple>
#include <utility>

#include "common/kinds.h"

namespace libdump::sort {

using kinds::InfoOf;
using kinds::Is;
using kinds::Kind;
using kinds::KindInfo;

int KindPriority(std::string_view kind) { return InfoOf(kind).rank; }

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
    const KindInfo& info = InfoOf(e.kind);
    priority[i] = info.rank;
    anchor[i] = e.dump_id;
    if (info.sorts_with_target && !e.deps.empty()) {
      const auto& target = (*entries)[*index_of(e.deps.front())];
      priority[i] = KindPriority(target.kind);
      anchor[i] = target.dump_id;
    }
  }
  auto key = [&](size_t i) {
    const auto& e = (*entries)[i];
    return std::make_tuple(static_cast<int>(e.section), priority[i], anchor[i],
                           Is(e, Kind::kComment), e.dump_id);
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
