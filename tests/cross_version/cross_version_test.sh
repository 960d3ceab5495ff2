#!/usr/bin/env bash
# cross_version_test.sh: an archive of PostgreSQL 15 restored into PostgreSQL 18 gives what
# pg_dump 18 + pg_restore 18 give (docs/versions.md, "Across versions").
#
#   cross_version_test.sh NDUMP NRESTORE SQL_DIR PG15_BINDIR PG18_BINDIR
#
# Starts a throwaway 15 and a throwaway 18 (scripts/pgtmp.sh), loads fixtures into a database of
# the 15 one, copies its roles to the 18 one (pg_dumpall 18 --roles-only), then makes two copies
# in the 18 server: ndump -j2 | nrestore -j2, and pg_dump 18 -Fc | pg_restore 18. pg_dump 18
# --schema-only of both must be identical, and every table must hold the same rows. Then the
# other direction: an archive of 18 restored into 15 fails naming an object 15 lacks. Exit 0 on
# success; the last line is the plain "N passed, N failed" summary.
set -uo pipefail

ndump=$1 nrestore=$2 sql_dir=$3 pg15=$4 pg18=$5
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../scripts/pgtmp.sh
source "$here/../../scripts/pgtmp.sh"

passed=0 failed=0
check() {  # check NAME COMMAND...: runs COMMAND, counts it
  local name=$1
  shift
  if "$@"; then
    echo "ok: $name"
    passed=$((passed + 1))
  else
    echo "FAILED: $name" >&2
    failed=$((failed + 1))
  fi
}

work=$(mktemp -d /tmp/ndt-xv.XXXXXX)
chmod 755 "$work"
s15="" s18=""
cleanup() {
  for d in "$s15" "$s18"; do
    [ -n "$d" ] || continue
    PGTMP_DIR=${d%%|*} PGTMP_BINDIR=${d##*|} pgtmp_stop
  done
  rm -rf "$work"
}
trap cleanup EXIT

start() {  # start BINDIR VAR: a server, its "dir|bindir" stored in VAR, its env in $work/VAR.env
  local bindir=$1 var=$2
  unset PGTMP_DIR
  PG_BINDIR=$bindir pgtmp_start || return 1
  printf -v "$var" '%s|%s' "$PGTMP_DIR" "$PGTMP_BINDIR"
  echo "export PGHOST='$PGHOST' PGPORT='$PGPORT' PGUSER=postgres" >"$work/$var.env"
}
start "$pg15" s15 || exit 1
start "$pg18" s18 || exit 1
on15() { (source "$work/s15.env" && "$@"); }
on18() { (source "$work/s18.env" && "$@"); }

# The fixtures of the fidelity suite that need no test extension of ndump's own.
fixtures=(foundation.sql fidelity_tables.sql fidelity_keys.sql fidelity_kinds.sql
          fidelity_owners.sql fidelity_misc.sql fidelity_loops.sql fidelity_code.sql
          fidelity_versions.sql)
# One source database per fixture (their names may collide with each other's).
n=0
for f in "${fixtures[@]}"; do
  n=$((n + 1))
  on15 "$pg15/psql" -X -q -d postgres -c "CREATE DATABASE src_$n" || exit 1
  on15 "$pg15/psql" -X -q -v ON_ERROR_STOP=1 -d "src_$n" -f "$sql_dir/$f" >"$work/load.log" 2>&1 || {
    echo "loading $f into PostgreSQL 15 failed:" >&2
    tail -5 "$work/load.log" >&2
    exit 1
  }
done
# Roles are cluster-wide: the 18 server gets the 15 one's before any copy is restored.
on15 "$pg18/pg_dumpall" --roles-only >"$work/roles.sql" || exit 1
on18 "$pg18/psql" -X -q -d postgres -f "$work/roles.sql" >/dev/null 2>&1

schema() { on18 "$pg18/pg_dump" --schema-only -d "$1" | grep -v '^\\\(un\)\?restrict '; }
rows() {  # every table's row count and the hash of its sorted rows
  on18 "$pg18/psql" -X -A -t -q -d "$1" -c "
    SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
    ORDER BY 1" | while IFS= read -r t; do
    printf '%s\t' "$t"
    on18 "$pg18/psql" -X -A -t -q -d "$1" -c "SELECT count(*), md5(coalesce(string_agg(h, '' \
      ORDER BY h COLLATE \"C\"), '')) FROM (SELECT md5(x::text) AS h FROM ONLY $t x) s"
  done
}
same() {  # same WHAT A B: WHAT (schema or rows) of databases A and B are identical
  diff -u <("$1" "$2") <("$1" "$3") >"$work/diff" && return 0
  head -60 "$work/diff" >&2
  return 1
}

n=0
for f in "${fixtures[@]}"; do
  n=$((n + 1))
  on18 "$pg18/psql" -X -q -d postgres -c "CREATE DATABASE by_ndump_$n" \
    -c "CREATE DATABASE by_pg_dump_$n" || exit 1
  on15 "$ndump" -j 2 -d "src_$n" -f "$work/src.ndump" || exit 1
  check "$f: nrestore of a 15 archive into 18" \
    on18 "$nrestore" -j 2 -d "by_ndump_$n" "$work/src.ndump"
  on15 "$pg18/pg_dump" -Fc -d "src_$n" -f "$work/src.dump" || exit 1
  on18 "$pg18/pg_restore" -j 2 -d "by_pg_dump_$n" "$work/src.dump" 2>"$work/pg_restore.log" || {
    echo "$f: pg_restore 18 reported errors (the oracle's own):" >&2
    cat "$work/pg_restore.log" >&2
  }
  check "$f: schema identical to pg_dump 18 + pg_restore 18" \
    same schema "by_pg_dump_$n" "by_ndump_$n"
  check "$f: every table holds pg_restore 18's rows" same rows "by_pg_dump_$n" "by_ndump_$n"
done

# The other way: an 18 archive with a virtual generated column restored into 15 fails and names
# the table (15 has no virtual generated columns).
on18 "$pg18/psql" -X -q -d postgres -c "CREATE DATABASE newer" || exit 1
on18 "$pg18/psql" -X -q -d newer -c \
  "CREATE TABLE only_on_18 (a int, b int GENERATED ALWAYS AS (a * 2) VIRTUAL)" || exit 1
on18 "$ndump" -d newer -f "$work/newer.ndump" || exit 1
on15 "$pg15/psql" -X -q -d postgres -c "CREATE DATABASE older" || exit 1
older_fails() {
  local out
  out=$(on15 "$nrestore" -d older "$work/newer.ndump" 2>&1) && return 1
  grep -q 'only_on_18' <<<"$out" || { echo "$out" >&2; return 1; }
}
check "an 18 archive into 15 fails naming the object" older_fails

echo "cross_version: $passed passed, $failed failed"
[ "$failed" = 0 ]
