#!/usr/bin/env bash
# fuzz.sh [SECONDS]: fuzz the archive reader with libFuzzer for SECONDS (default 60).
#
# Configures build-fuzz/ (or $NDUMP_FUZZ_BUILD) with clang, -DNDUMP_FUZZ=ON and
# -fsanitize=fuzzer-no-link,address,undefined on everything (so libdump_format is instrumented),
# builds tests/fuzz/archive_reader_fuzz and runs it, seeded with the golden archives
# (tests/golden/*.ndump) and the format's dictionary. Inputs that add coverage accumulate in
# build-fuzz/fuzz-corpus between runs; a crashing input is saved under build-fuzz/fuzz-artifacts/.
# Exits non-zero on any crash, sanitizer report, leak, out-of-memory or per-input timeout.
# Needs clang and its libFuzzer runtime (Debian: clang-14, libclang-rt-14-dev).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=${1:-60}
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/fuzz.sh [SECONDS]" >&2
  exit 2
fi
source scripts/clang.sh
find_clang "${CXX_FUZZ:-}" fuzz "install clang-14 and libclang-rt-14-dev"

build=${NDUMP_FUZZ_BUILD:-build-fuzz}
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
cmake -S . -B "$build" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DNDUMP_FUZZ=ON -DNDUMP_WERROR=ON -DCMAKE_CXX_FLAGS="$flags" >/dev/null
cmake --build "$build" -j2 --target archive_reader_fuzz

corpus="$build/fuzz-corpus"
seeds="$build/fuzz-seeds"
artifacts="$build/fuzz-artifacts"
mkdir -p "$corpus" "$seeds" "$artifacts"
cp tests/golden/*.ndump "$seeds/"

echo "fuzz: running archive_reader_fuzz for ${seconds}s"
"$build/tests/fuzz/archive_reader_fuzz" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
  -dict=tests/fuzz/archive.dict -artifact_prefix="$artifacts/" -print_final_stats=1 \
  "$corpus" "$seeds"
echo "fuzz: no crash in ${seconds}s"
