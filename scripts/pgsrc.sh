#!/usr/bin/env bash
# pgsrc.sh: PostgreSQL's own pg_dump test scripts (src/bin/pg_dump/t/*.pl) for the server versions
# the tests run against, kept in a cache for tests/pgdump_suite (which reads 002_pg_dump.pl at
# test time; nothing of it is copied into this repository).
#
#   bash scripts/pgsrc.sh         fetch what the cache lacks, then print the cache directory
#
# 15: Debian 12's postgresql-15 source package (bookworm and bookworm-security deb-src), the
# version of the installed server when the index has it, else the newest. 18: Debian unstable's
# postgresql-18 source package (as scripts/pg18.sh builds the 18 server from). Both are read
# through a private apt configuration (nothing is added to the machine's own sources); apt-get
# source checks each file's SHA-256 against the signed index. Only the t/ directory of
# src/bin/pg_dump is kept, as $cache/<major>/t, with a VERSION file and a stamp written last.
# Cache: $NDUMP_PGSRC_CACHE (default /var/cache/ndump/pgsrc). Stdout carries only the directory.
set -euo pipefail

cache=${NDUMP_PGSRC_CACHE:-/var/cache/ndump/pgsrc}

log() { echo "pgsrc: $*" >&2; }

need=()
for major in 15 18; do
  [ -f "$cache/$major/.complete" ] || need+=("$major")
done
if ((${#need[@]} == 0)); then
  echo "$cache"
  exit 0
fi

work=$(mktemp -d /tmp/pgsrc.XXXXXX)
trap 'rm -rf "$work"' EXIT

# fetch <major> <suite>...: the newest (or the installed) postgresql-<major> source of those suites.
fetch() {
  local major=$1
  shift
  local apt="$work/apt$major"
  mkdir -p "$apt/sources" "$apt/lists/partial" "$apt/cache" "$work/src$major"
  local suite uri
  for suite in "$@"; do
    uri=http://deb.debian.org/debian
    case $suite in *-security) uri=http://deb.debian.org/debian-security ;; esac
    cat >"$apt/sources/$suite.sources" <<EOF
Types: deb-src
URIs: $uri
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  done
  local opts=(-o "Dir::Etc::sourcelist=/dev/null" -o "Dir::Etc::sourceparts=$apt/sources"
              -o "Dir::State::lists=$apt/lists" -o "Dir::Cache=$apt/cache"
              -o "APT::Sandbox::User=root")
  log "reading the source index of $*"
  apt-get "${opts[@]}" update >&2
  local versions installed version
  versions=$(apt-cache "${opts[@]}" showsrc "postgresql-$major" | sed -n 's/^Version: //p' | sort -V)
  [ -n "$versions" ] || { log "postgresql-$major not found in $*"; return 1; }
  installed=$(dpkg-query -W -f='${Version}' "postgresql-$major" 2>/dev/null || true)
  if [ -n "$installed" ] && grep -qxF "$installed" <<<"$versions"; then
    version=$installed
  else
    version=$(tail -1 <<<"$versions")
  fi
  log "fetching postgresql-$major $version"
  (cd "$work/src$major" && apt-get "${opts[@]}" source --download-only \
    "postgresql-$major=$version" >&2)
  local upstream=${version%%-*} tarball
  tarball=$(ls "$work/src$major"/postgresql-"$major"_"$upstream".orig.tar.* | head -1)
  tar -xf "$tarball" -C "$work/src$major" --wildcards '*/src/bin/pg_dump/t/*'
  rm -rf "${cache:?}/$major"
  mkdir -p "$cache/$major"
  cp -r "$work/src$major"/postgresql-*/src/bin/pg_dump/t "$cache/$major/t"
  echo "postgresql-$major $version" >"$cache/$major/VERSION"
  touch "$cache/$major/.complete"
}

for major in "${need[@]}"; do
  case $major in
    15) fetch 15 bookworm bookworm-security ;;
    18) fetch 18 unstable ;;
  esac
done
echo "$cache"
