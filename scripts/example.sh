#!/usr/bin/env bash
# example.sh: libdump as an application sees it. Builds the project (in $NDUMP_BUILD_DIR if set,
# else in ./build when it has been configured, else in a new ./build-example), installs it into a
# temporary prefix, builds docs/examples against that installed package only (find_package
# through CMAKE_PREFIX_PATH), both shared and static, and compiles a one-file program with
# `pkg-config --cflags --libs libdump`. Then starts a throwaway PostgreSQL, loads
# tests/sql/sample.sql, runs the example (dump to its own sink, check and verify the archive,
# restore into a new database) and checks that every table of the copy has the same number of
# rows as the source. Exits non-zero on any failure; everything it creates outside the build
# directory is removed on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)

step() { printf '\n==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
die() {
  echo "example: $*" >&2
  exit 1
}

# shellcheck source=scripts/pgtmp.sh
source scripts/pgtmp.sh
work=$(mktemp -d /tmp/ndump-example.XXXXXX)
# shellcheck disable=SC2317  # called by the trap
cleanup() {
  pgtmp_stop
  rm -rf "$work"
}
trap cleanup EXIT

# Runs a command quietly, showing its output only when it fails.
quiet() {
  local log="$work/step.log"
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    die "failed: $*"
  fi
}

step "[1/6] Build the project"
# $NDUMP_BUILD_DIR, else ./build when configured (CI has just built it), else ./build-example.
build=${NDUMP_BUILD_DIR:-}
if [ -z "$build" ]; then
  if [ -f build/CMakeCache.txt ]; then
    build=build
  else
    build="build-example"
  fi
fi
if [ ! -f "$build/CMakeCache.txt" ]; then
  quiet cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DNDUMP_WERROR=ON \
    -DNDUMP_BUILD_TESTS=OFF
fi
# Only what is installed: the test suites of a shared ./build are not this script's business.
targets=(libdump_format libdump ndump nrestore)
if grep -q '^NDUMP_BUILD_SHARED:BOOL=ON' "$build/CMakeCache.txt"; then
  targets+=(libdump_shared)
fi
# The man pages, when the build found help2man (CI has it; a developer machine may not).
man_pages=0
if grep -q '^NDUMP_HELP2MAN:FILEPATH=/' "$build/CMakeCache.txt"; then
  targets+=(ndump_man_pages)
  man_pages=1
fi
quiet cmake --build "$build" -j2 --target "${targets[@]}"
info "built ${targets[*]} in $repo/$build"

step "[2/6] Install into a temporary prefix"
prefix="$work/prefix"
quiet cmake --install "$build" --prefix "$prefix"
for f in include/libdump/dump.h include/libdump/version.h include/libdump/format/archive.h \
    bin/ndump bin/nrestore; do
  [ -e "$prefix/$f" ] || die "not installed: $f"
done
if [ "$man_pages" = 1 ]; then
  for f in share/man/man1/ndump.1 share/man/man1/nrestore.1; do
    [ -s "$prefix/$f" ] || die "not installed: $f"
  done
  info "man pages: share/man/man1/ndump.1 nrestore.1"
else
  info "man pages: not built (no help2man)"
fi
pcdir=$(dirname "$(find "$prefix" -name libdump.pc -print -quit)")
cmakedir=$(dirname "$(find "$prefix" -name libdumpConfig.cmake -print -quit)")
if [ "$pcdir" = . ]; then die "libdump.pc not installed"; fi
if [ "$cmakedir" = . ]; then die "libdumpConfig.cmake not installed"; fi
libdir=$(dirname "$pcdir")
info "libraries: $(find "$libdir" -maxdepth 1 -name 'libdump*' -printf '%f ')"
if [ -e "$libdir/libdump.so" ]; then
  info "SONAME: $(readelf -d "$libdir/libdump.so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')"
fi

step "[3/6] Build docs/examples against the installed package"
build_example() {  # <dir> <extra cmake args...>
  local dir=$1
  shift
  quiet cmake -S docs/examples -B "$dir" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF "$@"
  quiet cmake --build "$dir" -j2
  # Found in the prefix, not in a build tree.
  local found
  found=$(sed -n 's/^libdump_DIR:PATH=//p' "$dir/CMakeCache.txt")
  [ "$found" = "$cmakedir" ] || die "the example found libdump in '$found', not in $cmakedir"
}
build_example "$work/example-shared"
build_example "$work/example-static" -Dlibdump_USE_STATIC_LIBS=ON
example="$work/example-shared/backup_example"
example_static="$work/example-static/backup_example"
if [ -e "$libdir/libdump.so" ]; then
  ldd "$example" | grep -q "libdump.so.* => $libdir/" ||
    die "the shared example does not load libdump.so from $libdir"
fi
if ldd "$example_static" | grep -q 'libdump\.so'; then
  die "the static example loads libdump.so"
fi
info "$("$example" --version)"
info "shared: $example"
info "static: $example_static"

step "[4/6] Compile a one-file program with pkg-config --cflags --libs libdump"
export PKG_CONFIG_PATH="$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
pc_flags=$(pkg-config --cflags --libs libdump) || die "pkg-config cannot resolve libdump"
info "pkg-config: $pc_flags"
cat >"$work/pc_check.cc" <<'EOF'
// Lists an archive through the installed libdump: the headers and the library pkg-config names.
#include <cstdio>

#include "libdump/format/byte_io.h"
#include "libdump/restore.h"
#include "libdump/version.h"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  auto source = libdump::OpenFileSource(argv[1]);
  if (!source.ok()) return 1;
  auto entries = libdump::ListArchive(source->get());
  if (!entries.ok()) {
    std::fprintf(stderr, "%s\n", entries.status().ToString().c_str());
    return 1;
  }
  std::printf("libdump %s: %zu entries\n", LIBDUMP_VERSION, entries->size());
  return 0;
}
EOF
# shellcheck disable=SC2086  # pkg-config output is a list of flags
quiet c++ -std=c++17 -Wall -Wextra -Werror -o "$work/pc_check" "$work/pc_check.cc" $pc_flags \
  -Wl,-rpath,"$(pkg-config --variable=libdir libdump)"

step "[5/6] Start a throwaway PostgreSQL and load tests/sql/sample.sql"
pgtmp_start
psql=("$PGTMP_BINDIR/psql" -X -q -v ON_ERROR_STOP=1)
"${psql[@]}" -d postgres -c 'CREATE DATABASE sample' -c 'CREATE DATABASE sample_copy' \
  -c 'CREATE DATABASE sample_copy_static'
PGOPTIONS='-c client_min_messages=warning' "${psql[@]}" -d sample -f tests/sql/sample.sql >/dev/null
info "server in $PGHOST, port $PGPORT"

step "[6/6] Run the example and check the copies"
"$example" --source sample --target sample_copy --archive "$work/sample.ndump" --jobs 2 ||
  die "the example (shared) failed"
"$example_static" --source sample --target sample_copy_static \
  --archive "$work/sample-static.ndump" --jobs 2 >"$work/static.out" 2>&1 ||
  { cat "$work/static.out"; die "the example (static) failed"; }
info "static build: $(tail -1 "$work/static.out")"

listed=$("$work/pc_check" "$work/sample.ndump") || die "the pkg-config program failed"
info "pkg-config program: $listed"

# One line per user table: its name and row count.
row_counts() {
  "${psql[@]}" -At -d "$1" <<'SQL'
SELECT format('SELECT %L || '' '' || count(*) FROM ONLY %s', name, name)
FROM (SELECT format('%I.%I', n.nspname, c.relname) COLLATE "C" AS name
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname !~ '^pg_') t
ORDER BY name \gexec
SQL
}
row_counts sample >"$work/rows.src"
[ -s "$work/rows.src" ] || die "no tables found in the source database"
status=0
for copy in sample_copy sample_copy_static; do
  row_counts "$copy" >"$work/rows.$copy"
  if diff -u --label sample --label "$copy" "$work/rows.src" "$work/rows.$copy"; then
    info "$copy: $(wc -l <"$work/rows.src") tables, same row counts as sample"
  else
    echo "example: $copy differs from sample (row counts above)" >&2
    status=1
  fi
done
sed 's/^/      /' "$work/rows.src"

echo
if [ "$status" = 0 ]; then
  echo "EXAMPLE: PASS - installed package (CMake shared and static, pkg-config) works; copies match."
else
  echo "EXAMPLE: FAIL"
fi
exit "$status"
