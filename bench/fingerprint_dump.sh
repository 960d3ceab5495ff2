#!/usr/bin/env bash
# bench/fingerprint_dump.sh: what row fingerprints (archive format 1.5, §7.6) cost a dump. Starts
# a throwaway server (scripts/pgtmp.sh; PG_BINDIR picks the version), loads one table of 1.5
# million rows (154 MB heap: int, timestamptz, numeric, text, bool), and dumps it three times
# with and three times without fingerprints (--no-row-fingerprints), uncompressed and with zstd
# level 3, under /usr/bin/time: wall seconds and ndump's own user and system CPU seconds.
# Run from the repository root after building (build/tools/ndump/ndump). docs/benchmarks.md,
# "Row fingerprints".
set -euo pipefail
# shellcheck source=scripts/pgtmp.sh
source scripts/pgtmp.sh
trap pgtmp_stop EXIT
pgtmp_start >/dev/null
psql="$PGTMP_BINDIR/psql -X -q"
"$PGTMP_BINDIR/createdb" bench
$psql -d bench -c "CREATE TABLE mid (id int, t timestamptz, n numeric, s text, b bool);
  INSERT INTO mid SELECT g, '2024-01-01'::timestamptz + g * interval '1 min', g / 7.0,
  md5(g::text) || ' row ' || g, g % 3 = 0 FROM generate_series(1, 1500000) g;"
$psql -d bench -c "VACUUM ANALYZE mid"
echo "table: $($psql -d bench -Atc "SELECT pg_size_pretty(pg_table_size('mid'))")"
out=$(mktemp -d)
for z in none zstd:3; do
  for _ in 1 2 3; do
    for fp in on off; do
      flag=()
      [ "$fp" = off ] && flag=(--no-row-fingerprints)
      /usr/bin/time -f "-Z $z fingerprints $fp: wall=%e user=%U sys=%S" \
        build/tools/ndump/ndump -d bench -Z "$z" "${flag[@]}" -f "$out/a.ndump" 2>&1 | tail -1
    done
  done
done
rm -rf "$out"
