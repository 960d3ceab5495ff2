#!/usr/bin/env bash
# demo.sh: ndump end to end. Builds (scripts/setup.sh), starts a throwaway PostgreSQL, loads the
# sample database (tests/sql/sample.sql, ~100k rows), dumps it with `ndump -j 2`, lists the
# archive, restores it with `nrestore -j 2` into a new database, and proves that the copy is
# identical: same pg_dump --schema-only text, same row count and row hash for every table, same
# sequence values. Exits 0 only when they are identical. Everything it creates is removed on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)

step() { printf '\n==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
now_ns() { date +%s%N; }
seconds_since() { awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'; }

step "[1/7] Build (scripts/setup.sh)"
bash scripts/setup.sh >/tmp/ndump-demo-setup.$$.log 2>&1 || {
  cat /tmp/ndump-demo-setup.$$.log
  rm -f /tmp/ndump-demo-setup.$$.log
  echo "demo: the build failed" >&2
  exit 1
}
rm -f /tmp/ndump-demo-setup.$$.log
info "built in $repo/build"

find_tool() {
  local candidate
  for candidate in "build/tools/$1/$1" "build/bin/$1" "build/$1"; do
    if [ -f "$candidate" ] && [ -x "$candidate" ]; then
      echo "$repo/$candidate"
      return 0
    fi
  done
  candidate=$(find build -type f -name "$1" -perm -u+x -not -path '*/CMakeFiles/*' | head -1)
  [ -n "$candidate" ] && echo "$repo/$candidate"
}
ndump=$(find_tool ndump) || true
nrestore=$(find_tool nrestore) || true
if [ -z "$ndump" ] || [ -z "$nrestore" ]; then
  echo "demo: ndump/nrestore executables not found under build/" >&2
  exit 1
fi

# shellcheck source=scripts/pgtmp.sh
source scripts/pgtmp.sh
work=$(mktemp -d /tmp/ndump-demo.XXXXXX)
# shellcheck disable=SC2317  # called by the trap
cleanup() {
  pgtmp_stop
  rm -rf "$work"
}
trap cleanup EXIT

step "[2/7] Start a throwaway PostgreSQL server"
pgtmp_start
psql=("$PGTMP_BINDIR/psql" -X -q -v ON_ERROR_STOP=1)
info "$("${psql[@]}" -At -d postgres -c 'SELECT version()' | cut -d, -f1)"
info "socket in $PGHOST, port $PGPORT, user $PGUSER (exported as PGHOST/PGPORT/PGUSER)"

step "[3/7] Load tests/sql/sample.sql into database \"sample\""
start=$(now_ns)
"${psql[@]}" -d postgres -c 'CREATE DATABASE sample'
PGOPTIONS='-c client_min_messages=warning' "${psql[@]}" -d sample -f tests/sql/sample.sql >/dev/null
info "loaded in $(seconds_since "$start") s:"
"${psql[@]}" -At -F ' ' -d sample -c "
  SELECT format('%-24s %8s rows', format('%I.%I', n.nspname, c.relname),
                to_char(c.reltuples, 'FM999,999,999'))
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  ORDER BY 1" | sed 's/^/      /'

cd "$work"

step "[4/7] ndump -j 2 -d sample -f sample.ndump"
start=$(now_ns)
if ! "$ndump" -j 2 -d sample -f sample.ndump; then
  echo "demo: ndump failed" >&2
  exit 1
fi
info "dumped in $(seconds_since "$start") s; archive: $(du -h sample.ndump | cut -f1)" \
     "($(stat -c %s sample.ndump) bytes)"

step "[5/7] nrestore --list sample.ndump"
"$nrestore" --list sample.ndump >list.txt || {
  echo "demo: nrestore --list failed" >&2
  exit 1
}
head -30 list.txt | sed 's/^/      /'
lines=$(wc -l <list.txt)
if [ "$lines" -gt 30 ]; then
  info "... ($((lines - 30)) more lines)"
fi
# Lines starting with ';' are comments (the header), as in pg_restore -l.
info "$(grep -c -v -E '^(;|$)' list.txt) TOC entries"

step "[6/7] nrestore -j 2 -d sample_copy sample.ndump"
"${psql[@]}" -d postgres -c 'CREATE DATABASE sample_copy'
start=$(now_ns)
if ! "$nrestore" -j 2 -d sample_copy sample.ndump; then
  echo "demo: nrestore failed" >&2
  exit 1
fi
info "restored in $(seconds_since "$start") s"

step "[7/7] Compare sample and sample_copy"
# The schema as pg_dump sees it. pg_dump >= 15.14 prints \restrict / \unrestrict lines with a
# random key on every run; they are not part of the schema.
schema() {
  "$PGTMP_BINDIR/pg_dump" --schema-only -d "$1" | grep -v -E '^\\(restrict|unrestrict)'
}
# One line per table (row count and an order-independent hash of all rows) and per sequence.
data() {
  "${psql[@]}" -At -d "$1" <<'SQL'
SELECT format($q$SELECT %L || ': rows=' || count(*) || ' md5='
                       || md5(coalesce(string_agg(h, '' ORDER BY h COLLATE "C"), ''))
                  FROM (SELECT md5(t::text) AS h FROM ONLY %s t) s$q$, name, name)
FROM (SELECT format('%I.%I', n.nspname, c.relname) COLLATE "C" AS name
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname !~ '^pg_') tables
ORDER BY name \gexec
SELECT format($q$SELECT %L || ': last_value=' || last_value || ' is_called=' || is_called
                  FROM %s$q$, name, name)
FROM (SELECT format('%I.%I', n.nspname, c.relname) COLLATE "C" AS name
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'S' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname !~ '^pg_') sequences
ORDER BY name \gexec
SQL
}
for db in sample sample_copy; do
  suffix=src
  [ "$db" = sample ] || suffix=copy
  schema "$db" >"schema.$suffix" || { echo "demo: pg_dump --schema-only $db failed" >&2; exit 1; }
  data "$db" >"data.$suffix" || { echo "demo: reading the data of $db failed" >&2; exit 1; }
done

same=1
if diff -u --label 'sample (schema)' --label 'sample_copy (schema)' schema.src schema.copy \
    >schema.diff; then
  info "schema (pg_dump --schema-only, $(wc -l <schema.src) lines): identical"
else
  same=0
  info "schema (pg_dump --schema-only): DIFFERENT"
  head -60 schema.diff | sed 's/^/      /'
fi
if diff -u --label 'sample (data)' --label 'sample_copy (data)' data.src data.copy >data.diff; then
  rows=$(awk -F'rows=' '/rows=/ { split($2, a, " "); s += a[1] } END { print s + 0 }' data.src)
  info "data: $(grep -c 'rows=' data.src) tables, $rows rows, row hashes and" \
       "$(grep -c 'last_value=' data.src) sequences: identical"
  sed 's/^/      /' data.src
else
  same=0
  info "data: DIFFERENT"
  head -60 data.diff | sed 's/^/      /'
fi

echo
if [ "$same" = 1 ]; then
  echo "VERDICT: PASS - sample_copy is identical to sample (schema, every row, every sequence)."
  exit 0
fi
echo "VERDICT: FAIL - sample_copy differs from sample (see the diffs above)."
exit 1
