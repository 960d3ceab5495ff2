#!/usr/bin/env bash
# bench/run.sh: dump and restore benchmark of ndump/nrestore against pg_dump/pg_restore.
#
#   bench/run.sh [--quick] [--scale F] [--runs N] [--datasets pgbench,mixed,tables] [...]
#
# Builds ndump and nrestore (Release, in build-bench/), starts a throwaway PostgreSQL 15 of its
# own, generates the datasets, times every command alternately, prints a markdown report and
# writes it into docs/benchmarks.md between markers. Everything it starts is stopped on exit.
# The work is done by bench/bench.py (Python 3, standard library only); see --help and
# docs/benchmarks.md.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v python3 >/dev/null || {
  echo "bench/run.sh: python3 is required" >&2
  exit 1
}
exec python3 -B "$here/bench.py" "$@"
