# clang.sh, sourced by the sanitizer scripts (fuzz.sh, tsan.sh): find_clang OVERRIDE NAME HINT sets
# `cxx` to OVERRIDE when given, else to the first of clang++-14 and clang++ on the PATH; without
# one it says "NAME: clang++ not found (HINT)" and exits 1.
find_clang() {
  cxx=$1
  if [ -z "$cxx" ]; then
    for c in clang++-14 clang++; do
      if command -v "$c" >/dev/null; then
        cxx=$c
        break
      fi
    done
  fi
  if [ -z "$cxx" ]; then
    echo "$2: clang++ not found ($3)" >&2
    exit 1
  fi
}
