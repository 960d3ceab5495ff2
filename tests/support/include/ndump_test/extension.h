// Installing the project's own test extensions into the server's extension directory.
//
// Some catalog features only an extension can create (rows of configuration tables registered with
// pg_extension_config_dump); no extension of the postgresql-15 package uses them, so the tests
// carry their own (tests/sql/extension/) and copy its files into `pg_config --sharedir`/extension
// of the server the test cluster runs (TestCluster::Get().bin_dir()).
//
// Only files named in the source directory are written there, each replaced atomically (a
// temporary file in the same directory, then rename) and only when its content differs, so test
// binaries running at the same time do not disturb each other. Nothing is ever removed from the
// system directory. Writing there needs root (tests and CI run as root); when it cannot be done
// the result is a failure that says why, and the test using the extension must fail, not skip.
#ifndef NDUMP_TEST_EXTENSION_H_
#define NDUMP_TEST_EXTENSION_H_

#include <gtest/gtest.h>

#include <string>

namespace ndump_test {

// Copies every *.control and *.sql file of `source_dir` into the extension directory of the test
// cluster's server. Thread-safe with respect to other processes doing the same.
::testing::AssertionResult InstallTestExtensions(const std::string& source_dir);

}  // namespace ndump_test

#endif  // NDUMP_TEST_EXTENSION_H_
