// Compile-time agreement between the public version macros (libdump/version.h, generated) and the
// archive format constants the writer and reader actually use (libdump/format/archive.h). An
// application tests the macros with `#if`; if they drifted from the code, it would be told the
// wrong thing about which archives this library writes and reads.
#include "libdump/format/archive.h"
#include "libdump/version.h"

namespace libdump {
namespace {

static_assert(LIBDUMP_ARCHIVE_FORMAT_MAJOR == format::kFormatMajor,
              "version.h.in: LIBDUMP_ARCHIVE_FORMAT_MAJOR must equal format::kFormatMajor");
static_assert(LIBDUMP_ARCHIVE_FORMAT_MINOR == format::kFormatMinor,
              "version.h.in: LIBDUMP_ARCHIVE_FORMAT_MINOR must equal format::kFormatMinor");
// The reader accepts exactly its own major version (archive_format.md §12) and every minor one.
static_assert(LIBDUMP_ARCHIVE_FORMAT_READ_MAJOR == format::kFormatMajor,
              "version.h.in: the reader reads its own major version only");
static_assert(LIBDUMP_ARCHIVE_FORMAT_READ_MINOR_MIN == 0,
              "version.h.in: the reader reads every minor version of its major version");

}  // namespace
}  // namespace libdump
