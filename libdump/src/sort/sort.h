// Orders TOC entries for restore: by section, then so that every entry comes after what it
// depends on, then by kind (pg_dump's type priority) and dump id for a stable, readable order.
#ifndef LIBDUMP_SRC_SORT_SORT_H_
#define LIBDUMP_SRC_SORT_SORT_H_

#include <string_view>
#include <vector>

#include "libdump/format/archive.h"
#include "libdump/status.h"

namespace libdump::sort {

// Lower runs earlier among entries that are free to go: the rank of the kind's row in the
// registry (common/kinds.h), 50 for a kind it does not know.
int KindPriority(std::string_view kind);

// Sorts in place. Fails with kInternal naming the entries of a dependency cycle, if any, and
// with kCorruption when an entry depends on a dump id that does not exist.
Status SortToc(std::vector<format::TocEntry>* entries);

}  // namespace libdump::sort

#endif  // LIBDUMP_SRC_SORT_SORT_H_
