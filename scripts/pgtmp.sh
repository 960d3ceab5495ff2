# shellcheck shell=bash
# pgtmp.sh: a throwaway PostgreSQL server for scripts. Source it, then:
#
#   pgtmp_start    initdb into a fresh /tmp/ndt.XXXXXX, start the server listening only on a Unix
#                  socket in that directory, export PGHOST, PGPORT, PGUSER (postgres)
#   pgtmp_stop     stop it (immediate mode) and remove the directory; safe to call twice
#
# Same rules as the C++ TestCluster: trust authentication, fsync/full_page_writes/
# synchronous_commit off, no TCP; as root, initdb and pg_ctl run as the postgres user through
# runuser. Binaries: $PG_BINDIR, else /usr/lib/postgresql/15/bin, else the newest
# /usr/lib/postgresql/*/bin. Also sets PGTMP_DIR, PGTMP_BINDIR and PGTMP_LOG.
# Callers should `trap pgtmp_stop EXIT`.

pgtmp_bindir() {
  if [ -n "${PG_BINDIR:-}" ]; then
    echo "$PG_BINDIR"
    return
  fi
  if [ -x /usr/lib/postgresql/15/bin/initdb ]; then
    echo /usr/lib/postgresql/15/bin
    return
  fi
  local d
  d=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -t/ -k5,5n |
    tail -1)
  if [ -n "$d" ] && [ -x "$d/initdb" ]; then
    echo "$d"
    return
  fi
  return 1
}

# Runs a server program as the postgres user when we are root, from inside the cluster directory
# (runuser keeps the working directory, which postgres must be able to read).
_pgtmp_as_postgres() {
  if [ "$(id -u)" = 0 ]; then
    (cd "$PGTMP_DIR" && runuser -u postgres -- "$@")
  else
    (cd "$PGTMP_DIR" && "$@")
  fi
}

pgtmp_start() {
  PGTMP_BINDIR=$(pgtmp_bindir) || {
    echo "pgtmp: PostgreSQL server binaries not found (install postgresql-15 or set PG_BINDIR)" >&2
    return 1
  }
  PGTMP_DIR=$(mktemp -d /tmp/ndt.XXXXXX) || return 1
  PGTMP_LOG="$PGTMP_DIR/server.log"
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$PGTMP_DIR" || return 1
  fi
  local port=$((20000 + $$ % 30000))
  if ! _pgtmp_as_postgres "$PGTMP_BINDIR/initdb" -D "$PGTMP_DIR/data" --auth=trust -U postgres \
      -E UTF8 --locale=C.UTF-8 --no-sync >"$PGTMP_DIR/initdb.log" 2>&1; then
    echo "pgtmp: initdb failed:" >&2
    tail -20 "$PGTMP_DIR/initdb.log" >&2
    pgtmp_stop
    return 1
  fi
  cat >>"$PGTMP_DIR/data/postgresql.conf" <<EOF

# pgtmp.sh: throwaway server
listen_addresses = ''
port = $port
unix_socket_directories = '$PGTMP_DIR'
fsync = off
full_page_writes = off
synchronous_commit = off
max_wal_size = 1GB
EOF
  if ! _pgtmp_as_postgres "$PGTMP_BINDIR/pg_ctl" -D "$PGTMP_DIR/data" -l "$PGTMP_LOG" -w -t 60 \
      start >/dev/null; then
    echo "pgtmp: the server did not start; log tail:" >&2
    tail -20 "$PGTMP_LOG" >&2
    pgtmp_stop
    return 1
  fi
  # Only this server: drop anything that could send libpq elsewhere.
  unset PGHOSTADDR PGSERVICE PGSERVICEFILE PGDATABASE PGPASSWORD PGOPTIONS
  export PGHOST="$PGTMP_DIR" PGPORT="$port" PGUSER=postgres
  export PGTMP_DIR PGTMP_BINDIR PGTMP_LOG
}

pgtmp_stop() {
  if [ -z "${PGTMP_DIR:-}" ]; then
    return 0
  fi
  if [ -f "$PGTMP_DIR/data/postmaster.pid" ]; then
    _pgtmp_as_postgres "$PGTMP_BINDIR/pg_ctl" -D "$PGTMP_DIR/data" -m immediate -w stop \
      >/dev/null 2>&1 || true
  fi
  rm -rf "$PGTMP_DIR"
  unset PGTMP_DIR PGHOST PGPORT PGUSER
}
