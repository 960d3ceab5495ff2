#!/usr/bin/env bash
# setup.sh: install what is missing (Debian/Ubuntu, apt-get), then build ./build in Release with
# warnings as errors. Re-running it is cheap: nothing is installed twice, the build is incremental.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

packages=(build-essential cmake pkg-config libpq-dev libzstd-dev libxxhash-dev libsodium-dev
          libgtest-dev libgmock-dev libcli11-dev help2man postgresql-15 postgresql-client-15
          postgresql-server-dev-15)

missing=()
if command -v dpkg-query >/dev/null; then
  for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$p")
    fi
  done
  # The server headers must be those of the installed server's exact version: unpinned, apt
  # would upgrade postgresql-15 (and libpq) along with them, under every cluster on the machine.
  server=$(dpkg-query -W -f='${Status}|${Version}' postgresql-15 2>/dev/null || true)
  if [ "${server%%|*}" = "install ok installed" ]; then
    for i in "${!missing[@]}"; do
      if [ "${missing[$i]}" = postgresql-server-dev-15 ]; then
        missing[i]="postgresql-server-dev-15=${server#*|}"
      fi
    done
  fi
else
  echo "setup: no dpkg-query here; not installing anything (need: ${packages[*]})" >&2
fi

if ((${#missing[@]} > 0)); then
  echo "setup: installing ${missing[*]}"
  sudo=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || {
      echo "setup: missing packages and not root (no sudo): ${missing[*]}" >&2
      exit 1
    }
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends \
    "${missing[@]}"
fi

# With --with-pg18 (scripts/test.sh): PostgreSQL 18 from scripts/pg18.sh's cache (built there
# once per machine), so that the server suites also run against it (ctest -L pg18).
pg18=()
if [ "${1:-}" = "--with-pg18" ]; then
  pg18_bindir=$(bash scripts/pg18.sh)
  pg18=(-DNDUMP_PG18_BINDIR="$pg18_bindir")
fi

# PostgreSQL's own pg_dump test scripts of 15 and 18, for tests/pgdump_suite (a cache under
# /var/cache/ndump, filled once per machine; needs root the first time).
bash scripts/pgsrc.sh >/dev/null

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DNDUMP_WERROR=ON "${pg18[@]}"
cmake --build build -j2
