// Installing the project's own test extensions into the server's extension directory, and its
// own server modules into the server's library directory.
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
//
// Server modules (shared libraries built with the server headers, e.g. the security label provider
// of tests/seclabel) go into `pg_config --pkglibdir` by the same rules.
#ifndef NDUMP_TEST_EXTENSION_H_
#define NDUMP_TEST_EXTENSION_H_

#include <gtest/gtest.h>

#include <string>

namespace ndump_test {

// Copies every *.control and *.sql file of `source_dir` into the extension directory of the test
// cluster's server. Thread-safe with respect to other processes doing the same.
::testing::AssertionResult InstallTestExtensions(const std::string& source_dir);

// Copies the built module at `module_path` (e.g. build/tests/seclabel/ndump_seclabel.so) into the
// library directory of the test cluster's server, under the same file name. Thread-safe with
// respect to other processes doing the same.
::testing::AssertionResult InstallServerModule(const std::string& module_path);

// Makes every session that starts from now on in the test cluster load `library` (a module in the
// server's library directory, named without directory or suffix): ALTER SYSTEM SET
// session_preload_libraries, a configuration reload, then a wait (at most about 10 s) until a new
// session shows the setting. If new sessions cannot start or never show it, the setting is reset
// and the result is a failure with the reason and the server log tail. The setting stays for the
// rest of the cluster's life (one test binary process); nothing else in the cluster changes.
::testing::AssertionResult PreloadInNewSessions(const std::string& library);

}  // namespace ndump_test

#endif  // NDUMP_TEST_EXTENSION_H_
