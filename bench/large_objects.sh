#!/usr/bin/env bash
# bench/large_objects.sh: peak memory and time of ndump/nrestore against pg_dump -Fc/pg_restore on
# a database of N small large objects (issue 15 item 5).
#
#   bench/large_objects.sh N [BINDIR]        (PARALLEL=0 skips the -j2 restores)
#
# BINDIR holds ndump and nrestore (default: build/tools/...). Starts a throwaway PostgreSQL 15
# in a scratch directory under /var/tmp (removed on exit), creates N objects with
# lo_from_bytea(0, 'x'), and runs each command once under /usr/bin/time -v, each restore into a
# fresh database. Prints one markdown row per command: wall seconds, peak RSS (MB), archive size.
set -euo pipefail
n=${1:?usage: bench/large_objects.sh N [BINDIR]}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ndump=$here/build/tools/ndump/ndump
nrestore=$here/build/tools/nrestore/nrestore
if [ -n "${2:-}" ]; then
  ndump=$2/ndump
  nrestore=$2/nrestore
fi
pgbin=/usr/lib/postgresql/15/bin
work=$(mktemp -d /var/tmp/ndump-lo-bench.XXXXXX)
chmod 755 "$work"
port=$((20000 + RANDOM % 20000))
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  as_pg "$pgbin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] && chown postgres "$work"
as_pg "$pgbin/initdb" -D "$work/data" --auth=trust -U postgres >/dev/null
as_pg "$pgbin/pg_ctl" -D "$work/data" -l "$work/log" -w -o "-k $work -p $port -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c max_locks_per_transaction=1024" start >/dev/null
export PGHOST=$work PGPORT=$port PGUSER=postgres PGOPTIONS="-c client_min_messages=warning"
psql -X -q -c "CREATE DATABASE src" postgres
psql -X -q -c "SELECT count(lo_from_bytea(0, 'x')) FROM generate_series(1, $n)" src >/dev/null
psql -X -q -c "VACUUM ANALYZE" src

# Runs "$@" under /usr/bin/time -v; prints "| label | wall s | peak RSS MB | output MB |".
measure() {
  local label=$1 out=$2
  shift 2
  /usr/bin/time -v -o "$work/time" "$@" >/dev/null 2>"$work/err" || {
    echo "$label failed:" >&2
    tail -5 "$work/err" >&2
    exit 1
  }
  local wall rss size="-"
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$work/time")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$work/time")
  [ -n "$out" ] && size=$(awk -v b="$(stat -c %s "$out")" 'BEGIN {printf "%.2f", b / 1048576}')
  echo "| $label | $wall | $rss | $size |"
}
fresh() {
  psql -X -q -c "DROP DATABASE IF EXISTS dst" postgres
  psql -X -q -c "CREATE DATABASE dst" postgres
}
check() {
  local got
  got=$(psql -X -At -c "SELECT count(*) FROM pg_largeobject_metadata" dst)
  [ "$got" = "$n" ] || { echo "dst has $got large objects, not $n" >&2; exit 1; }
}

echo "| command ($n large objects) | wall s | peak RSS MB | archive MB |"
echo "|---|---|---|---|"
measure "ndump -f" "$work/a.ndump" "$ndump" -d src -f "$work/a.ndump"
measure "pg_dump -Fc" "$work/a.dump" "$pgbin/pg_dump" -Fc -d src -f "$work/a.dump"
fresh
measure "nrestore -d" "" "$nrestore" -d dst "$work/a.ndump"
check
fresh
measure "pg_restore -d" "" "$pgbin/pg_restore" -d dst "$work/a.dump"
check
[ "${PARALLEL:-1}" = 0 ] && exit 0
fresh
measure "nrestore -j2 -d" "" "$nrestore" -j 2 -d dst "$work/a.ndump"
check
fresh
measure "pg_restore -j2 -d" "" "$pgbin/pg_restore" -j 2 -d dst "$work/a.dump"
check
