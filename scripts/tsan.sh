#!/usr/bin/env bash
# tsan.sh [CTEST_REGEX]: build the library and its tests with ThreadSanitizer and run the tests
# whose threads share state: the task graph and restore schedule (unit), and the parallel dump and
# restore paths against a throwaway PostgreSQL 15 server (several workers, one snapshot, a pipe).
#
# Configures build-tsan/ (or $NDUMP_TSAN_BUILD) with clang and -fsanitize=thread on everything
# libdump and the tests compile (libpq and libzstd are not instrumented: each connection and each
# compression context is used by one thread at a time). Exits non-zero on any ThreadSanitizer
# report (halt_on_error) or failed test. Not part of CI (a second full build); run it after
# changing the scheduler, the workers or the writer's queues.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

regex=${1:-'^(TaskGraph|Schedule|ApiConcurrency|SplitTables|StreamRestore\.Parallel|RoundTrip|Consistency)'}
source scripts/clang.sh
find_clang "${CXX_TSAN:-}" tsan "install clang-14"
build=${NDUMP_TSAN_BUILD:-build-tsan}
flags="-fsanitize=thread -fno-omit-frame-pointer -g"
cmake -S . -B "$build" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DNDUMP_WERROR=ON -DNDUMP_BUILD_SHARED=OFF -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread >/dev/null
cmake --build "$build" -j2
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
ctest --test-dir "$build" -j2 --output-on-failure -L 'unit|integration' -R "$regex"
