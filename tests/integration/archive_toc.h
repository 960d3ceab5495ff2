// The TOC of an archive file, for integration tests that look at what ndump wrote (they link
// libdump; the fidelity tests, which share tools.cc, do not).
#ifndef NDUMP_TESTS_INTEGRATION_ARCHIVE_TOC_H_
#define NDUMP_TESTS_INTEGRATION_ARCHIVE_TOC_H_

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "libdump/format/archive.h"
#include "libdump/format/byte_io.h"
#include "libdump/restore.h"

namespace ndump_test {

// The TOC entries of `archive`, and its header into `header` when not null. On error: fails the
// current test (non-fatally) and returns no entries.
inline std::vector<libdump::format::TocEntry> ArchiveToc(
    const std::string& archive, libdump::format::ArchiveHeader* header = nullptr) {
  auto source = libdump::OpenFileSource(archive);
  if (!source.ok()) {
    ADD_FAILURE() << archive << ": " << source.status().ToString();
    return {};
  }
  auto toc = libdump::ListArchive(source->get(), header);
  if (!toc.ok()) {
    ADD_FAILURE() << archive << ": " << toc.status().ToString();
    return {};
  }
  return std::move(*toc);
}

}  // namespace ndump_test

#endif  // NDUMP_TESTS_INTEGRATION_ARCHIVE_TOC_H_
