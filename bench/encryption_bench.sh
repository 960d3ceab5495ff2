#!/usr/bin/env bash
# bench/encryption_bench.sh: what encryption (archive format 1.7, §15) costs a dump and a restore.
# Starts a throwaway server (scripts/pgtmp.sh; PG_BINDIR picks the version), loads the "mixed"
# dataset (bench/sql/mixed.sql; ROWS rows of app.events, default 300,000, and SMALL small tables,
# default 100), then, RUNS times (default 3), alternating plain and encrypted: ndump -j 2 to a
# file, plain and with --encrypt-to a key from ndump --keygen; nrestore -j 2 of each into a fresh
# database, the encrypted one with --decrypt-key. Each under /usr/bin/time: wall seconds and the
# tool's own user and system CPU seconds (the server's are not counted: they are the same either
# way). Run from the repository root after building (build/tools/ndump/ndump).
# docs/benchmarks.md, "Encryption".
set -euo pipefail
rows=${ROWS:-300000}
small=${SMALL:-100}
runs=${RUNS:-3}
# shellcheck source=scripts/pgtmp.sh
source scripts/pgtmp.sh
trap pgtmp_stop EXIT
pgtmp_start >/dev/null
psql="$PGTMP_BINDIR/psql -X -q"
"$PGTMP_BINDIR/createdb" bench
$psql -v ON_ERROR_STOP=1 -v rows="$rows" -v small_tables="$small" -f bench/sql/mixed.sql -d bench
$psql -d bench -c "VACUUM ANALYZE"
echo "database: $($psql -d bench -Atc "SELECT pg_size_pretty(pg_database_size('bench'))")"
out=$(mktemp -d)
"${NDUMP:-build/tools/ndump/ndump}" --keygen "$out/key" >/dev/null
ndump=${NDUMP:-build/tools/ndump/ndump}
nrestore=${NRESTORE:-build/tools/nrestore/nrestore}
for i in $(seq "$runs"); do
  for mode in plain encrypted; do
    enc=()
    dec=()
    if [ "$mode" = encrypted ]; then
      enc=(--encrypt-to "$out/key.pub")
      dec=(--decrypt-key "$out/key")
    fi
    rm -f "$out/$mode.ndump"
    /usr/bin/time -f "run $i dump $mode: wall=%e user=%U sys=%S" \
      $ndump -j 2 -d bench "${enc[@]}" -f "$out/$mode.ndump" 2>&1 | tail -1
    "$PGTMP_BINDIR/dropdb" --if-exists copy
    "$PGTMP_BINDIR/createdb" copy
    /usr/bin/time -f "run $i restore $mode: wall=%e user=%U sys=%S" \
      $nrestore -j 2 -d copy "${dec[@]}" "$out/$mode.ndump" 2>&1 | tail -1
  done
done
ls -l "$out"/plain.ndump "$out"/encrypted.ndump | awk '{print $5, $9}'
rm -rf "$out"
