#!/usr/bin/env bash
# bench/cluster.sh: a whole cluster of D databases (each pgbench -i -s S) dumped by ndumpall -j2
# against pg_dumpall and a loop of pg_dump -Fc over the same databases (issue 16).
#
#   bench/cluster.sh [D] [S] [BINDIR]     (defaults: 4 databases, scale 5)
#
# BINDIR holds ndumpall (default: build/tools/ndumpall). Starts a throwaway PostgreSQL 15 in a
# scratch directory under /var/tmp (removed on exit), runs each command once and prints one
# markdown row per command: wall seconds and output size.
set -euo pipefail
d=${1:-4}
s=${2:-5}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ndumpall=${3:-$here/build/tools/ndumpall}/ndumpall
pgbin=/usr/lib/postgresql/15/bin
work=$(mktemp -d /var/tmp/ndump-cluster-bench.XXXXXX)
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
as_pg "$pgbin/pg_ctl" -D "$work/data" -l "$work/log" -w -o "-k $work -p $port -c listen_addresses='' -c fsync=off -c synchronous_commit=off" start >/dev/null
export PGHOST=$work PGPORT=$port PGUSER=postgres PGOPTIONS="-c client_min_messages=warning"
for i in $(seq 1 "$d"); do
  psql -X -q -c "CREATE DATABASE db$i" postgres
  "$pgbin/pgbench" -q -i -s "$s" "db$i" >/dev/null 2>&1
done
psql -X -q -c "CREATE ROLE app LOGIN PASSWORD 'x'" postgres

# Runs "$@" with stdout to $out; prints "| label | wall s | output MB |".
measure() {
  local label=$1 out=$2
  shift 2
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >"$out"
  t1=$(date +%s.%N)
  awk -v l="$label" -v a="$t0" -v b="$t1" -v z="$(du -sb "$out" | cut -f1)" \
    'BEGIN {printf "| %s | %.2f | %.1f |\n", l, b - a, z / 1048576}'
}
pgdump_loop() {
  mkdir -p "$work/loop"
  "$pgbin/pg_dumpall" --globals-only
  for db in postgres template1 $(seq -f "db%g" 1 "$d"); do
    "$pgbin/pg_dump" -Fc "$db" -f "$work/loop/$db"
  done
  cat "$work"/loop/*
}
echo "| command ($d databases, pgbench scale $s each) | wall s | output MB |"
echo "|---|---|---|"
measure "ndumpall -j2" "$work/c.ndump" "$ndumpall" -j2 --no-sync
measure "ndumpall -j1" "$work/c1.ndump" "$ndumpall" -j1 --no-sync
measure "pg_dumpall" "$work/all.sql" "$pgbin/pg_dumpall"
measure "pg_dumpall -g + pg_dump -Fc loop" "$work/loop.out" pgdump_loop
