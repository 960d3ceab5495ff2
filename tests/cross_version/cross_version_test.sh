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
# Roles and tablespaces are cluster-wide: the 18 server gets the 15 one's before any copy is
# restored (a tablespace directory can serve servers of both versions: each keeps its files in
# a subdirectory named for its version).
on15 "$pg18/pg_dumpall" --globals-only >"$work/globals.sql" || exit 1
on18 "$pg18/psql" -X -q -d postgres -f "$work/globals.sql" >/dev/null 2>&1

# pg_dump 18's view of a database: "src_N" is read on the 15 server, any other on the 18 one.
on_server_of() { if [[ $1 == src_* ]]; then on15 "${@:2}"; else on18 "${@:2}"; fi; }
schema() {
  on_server_of "$1" "$pg18/pg_dump" --schema-only -d "$1" | grep -v '^\\\(un\)\?restrict '
}
# same_or_source SRC SAME15 ORACLE COPY: the schema (pg_dump 18's) of COPY is ORACLE's, or
# differs from it only where pg_dump + pg_restore change the source even without a change of
# version: each line only COPY has is a line of SRC that SAME15 (pg_dump 15 + pg_restore 15's
# copy in the 15 server) lacks, and no line only ORACLE has is a line of SRC.
same_or_source() {
  schema "$1" | LC_ALL=C sort -u >"$work/s.lines"
  schema "$2" | LC_ALL=C sort -u >"$work/p15.lines"
  schema "$3" | LC_ALL=C sort -u >"$work/o.lines"
  schema "$4" | LC_ALL=C sort -u >"$work/c.lines"
  if diff -q <(schema "$3") <(schema "$4") >/dev/null; then return 0; fi
  local extra lost
  LC_ALL=C comm -23 "$work/s.lines" "$work/p15.lines" >"$work/artifacts.lines"
  # Where pg_restore 18 itself failed (oracle_failed=1), what it lost of the source is its own
  # loss: those lines of the source count as kept too.
  if [ "${oracle_failed:-0}" = 1 ]; then
    LC_ALL=C comm -23 "$work/s.lines" "$work/o.lines" >>"$work/artifacts.lines"
    LC_ALL=C sort -u -o "$work/artifacts.lines" "$work/artifacts.lines"
  fi
  extra=$(LC_ALL=C comm -23 "$work/c.lines" "$work/o.lines" |
    LC_ALL=C comm -23 - "$work/artifacts.lines")
  lost=$(LC_ALL=C comm -13 "$work/c.lines" "$work/o.lines" | LC_ALL=C comm -12 - "$work/s.lines")
  [ -z "$extra" ] && [ -z "$lost" ] && return 0
  [ -n "$extra" ] && printf 'lines pg_restore 18 has not (nor kept from the source):\n%s\n' \
    "$extra" >&2
  [ -n "$lost" ] && printf 'lines of the source and pg_restore 18 missing:\n%s\n' "$lost" >&2
  return 1
}
rows() {  # every table's row count and the hash of its sorted rows
  on_server_of "$1" "$pg18/psql" -X -A -t -q -d "$1" -c "
    SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
    ORDER BY 1" | while IFS= read -r t; do
    printf '%s\t' "$t"
    on_server_of "$1" "$pg18/psql" -X -A -t -q -d "$1" -c "SELECT count(*), md5(coalesce(string_agg(h, '' \
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
  oracle_failed=0
  on18 "$pg18/pg_restore" -j 2 -d "by_pg_dump_$n" "$work/src.dump" 2>"$work/pg_restore.log" || {
    echo "$f: pg_restore 18 reported errors (the oracle's own):" >&2
    cat "$work/pg_restore.log" >&2
    oracle_failed=1
  }
  # Every table holds its source's rows (row text does not depend on the server's version).
  check "$f: every table holds its source's rows" same rows "src_$n" "by_ndump_$n"
  # The schema is what pg_dump 18 + pg_restore 18 make (the 18 server deparses both copies; the
  # 15 one would deparse views differently), except where those change the source and ndump
  # keeps it (the physical column order of an inheritance child, fidelity_tables' bird; a
  # domain's inherited default text, fidelity_kinds'): see same_or_source.
  on15 "$pg15/psql" -X -q -d postgres -c "CREATE DATABASE src_same15_$n" || exit 1
  on15 "$pg15/pg_dump" -Fc -d "src_$n" -f "$work/src15.dump" || exit 1
  on15 "$pg15/pg_restore" -d "src_same15_$n" "$work/src15.dump" 2>/dev/null
  check "$f: schema of pg_dump 18 + pg_restore 18's copy, or the source's" \
    same_or_source "src_$n" "src_same15_$n" "by_pg_dump_$n" "by_ndump_$n"
done

# Optimizer statistics (ndump --statistics) of a 15 source restored into 18: pg_class's counts
# and pg_stats' rows (the columns 15 has) are the source's, as in the copy pg_dump 18
# --statistics + pg_restore 18 make. Autovacuum is off: an automatic ANALYZE would replace them.
for env in on15 on18; do
  $env "$pg18/psql" -X -q -d postgres -c "ALTER SYSTEM SET autovacuum = off" \
    -c "SELECT pg_reload_conf()" >/dev/null || exit 1
done
on15 "$pg15/psql" -X -q -d postgres -c "CREATE DATABASE src_stats" || exit 1
on15 "$pg15/psql" -X -q -v ON_ERROR_STOP=1 -d src_stats -f "$sql_dir/statistics.sql" \
  >"$work/load.log" 2>&1 || { tail -5 "$work/load.log" >&2; exit 1; }
on18 "$pg18/psql" -X -q -d postgres -c "CREATE DATABASE stats_by_ndump" \
  -c "CREATE DATABASE stats_by_pg_dump" || exit 1
statistics() {  # the user relations' pg_class counts and pg_stats rows
  on_server_of "$1" "$pg18/psql" -X -A -t -q -d "$1" -c "
    SELECT n.nspname, c.relname, c.relkind, c.relpages, c.reltuples, c.relallvisible
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'm', 'f', 'i', 'I') AND n.nspname !~ '^pg_' AND
      n.nspname <> 'information_schema' ORDER BY 1, 2" -c "
    SELECT schemaname, tablename, attname, inherited, null_frac, avg_width, n_distinct,
      most_common_vals, most_common_freqs, histogram_bounds, correlation, most_common_elems,
      most_common_elem_freqs, elem_count_histogram FROM pg_stats
    WHERE schemaname !~ '^pg_' AND schemaname <> 'information_schema' ORDER BY 1, 2, 3, 4"
}
on15 "$ndump" --statistics -j 2 -d src_stats -f "$work/stats.ndump" || exit 1
on15 "$pg18/pg_dump" --statistics -Fc -d src_stats -f "$work/stats.dump" || exit 1
check "statistics: nrestore of a 15 archive into 18" \
  on18 "$nrestore" -j 2 -d stats_by_ndump "$work/stats.ndump"
on18 "$pg18/pg_restore" -d stats_by_pg_dump "$work/stats.dump" || exit 1
check "statistics: the 15 source's, in 18" same statistics src_stats stats_by_ndump
check "statistics: as pg_dump 18 + pg_restore 18's" same statistics stats_by_pg_dump stats_by_ndump

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
