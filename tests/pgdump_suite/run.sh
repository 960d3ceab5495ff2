#!/usr/bin/env bash
# run.sh: tests/pgdump_suite against a throwaway server (scripts/pgtmp.sh; $PG_BINDIR picks the
# PostgreSQL version, default 15).
#
#   run.sh NDUMP NRESTORE PGSRC_CACHE [--keep]
#
# Reads PGSRC_CACHE/<major>/t/002_pg_dump.pl, the file of the server's own major version
# (scripts/pgsrc.sh fetches them); a missing file is a failure, never a skip.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ndump=$1 nrestore=$2 cache=$3
shift 3
# shellcheck source=../../scripts/pgtmp.sh
source "$here/../../scripts/pgtmp.sh"
trap pgtmp_stop EXIT
pgtmp_start
major=$("$PGTMP_BINDIR/postgres" --version | sed -E 's/.* ([0-9]+)[.].*/\1/')
source_file="$cache/$major/t/002_pg_dump.pl"
if [ ! -f "$source_file" ]; then
  echo "pgdump_suite: $source_file is missing: run scripts/pgsrc.sh" >&2
  exit 1
fi
echo "pgdump_suite: $(cat "$cache/$major/VERSION")'s 002_pg_dump.pl against $("$PGTMP_BINDIR/postgres" --version)"
perl "$here/pgdump_suite.pl" --source "$source_file" --major "$major" \
  --expect "$here/expectations.txt" --ndump "$ndump" --nrestore "$nrestore" \
  --psql "$PGTMP_BINDIR/psql" "$@"
