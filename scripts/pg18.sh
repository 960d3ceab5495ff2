#!/usr/bin/env bash
# pg18.sh: PostgreSQL 18 (server, client tools and the contrib modules the tests use) built from
# Debian's postgresql-18 source package into a cache directory that later runs reuse.
#
#   bash scripts/pg18.sh          build if the cache lacks it, then print the bin directory
#
# Debian 12 (bookworm) ships only PostgreSQL 15, and the binary packages of newer Debian releases
# need a newer libc, so the source comes from Debian unstable's deb-src, read through a private apt
# configuration (nothing is added to the machine's own sources). The upstream tarball of that
# source package is built as PostgreSQL's own configure/make builds it; Debian's patches (install
# paths, packaging) are not applied, so the tree under the cache is PostgreSQL's standard layout.
#
# Cache: $NDUMP_PG_CACHE (default /var/cache/ndump/pg), one directory per version, with a stamp
# written last: an interrupted build is redone, a finished one is never rebuilt. The first build
# took 10.6 CPU-minutes (user 8m12s + sys 2m23s; 16m42s of wall time on a loaded 2-core machine,
# `time bash scripts/pg18.sh`); a cached run takes well under a second.
# Stdout carries only the bin directory, so `PG_BINDIR=$(bash scripts/pg18.sh)` works.
set -euo pipefail

cache=${NDUMP_PG_CACHE:-/var/cache/ndump/pg}
major=18

log() { echo "pg18: $*" >&2; }

# The newest cached build of this major version, if its stamp is there.
cached_bindir() {
  local d
  for d in $(ls -d "$cache/$major".* 2>/dev/null | sort -V -r); do
    if [ -f "$d/.complete" ] && [ -x "$d/bin/postgres" ]; then
      echo "$d/bin"
      return 0
    fi
  done
  return 1
}

if dir=$(cached_bindir); then
  echo "$dir"
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  log "no cached build under $cache and not root: cannot install the build dependencies"
  exit 1
fi

build_deps=(build-essential bison flex pkg-config zlib1g-dev libicu-dev libzstd-dev liblz4-dev
            libreadline-dev libssl-dev libxml2-dev perl dpkg-dev bzip2 xz-utils)
missing=()
for p in "${build_deps[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  log "installing ${missing[*]}"
  apt-get update >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2
fi

work=$(mktemp -d /tmp/pg18build.XXXXXX)
trap 'rm -rf "$work"' EXIT

# A private apt configuration that knows only unstable's source index.
mkdir -p "$work/apt/sources" "$work/apt/lists/partial" "$work/apt/cache" "$work/src"
cat >"$work/apt/sources/unstable-src.sources" <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: unstable
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
apt_opts=(-o "Dir::Etc::sourcelist=/dev/null" -o "Dir::Etc::sourceparts=$work/apt/sources"
          -o "Dir::State::lists=$work/apt/lists" -o "Dir::Cache=$work/apt/cache"
          -o "APT::Sandbox::User=root")
log "reading Debian unstable's source index"
apt-get "${apt_opts[@]}" update >&2
version=$(apt-cache "${apt_opts[@]}" showsrc "postgresql-$major" |
  sed -n 's/^Version: //p' | sort -V | tail -1)
[ -n "$version" ] || { log "postgresql-$major not found in Debian unstable's sources"; exit 1; }
upstream=${version%%-*}
prefix="$cache/$upstream"
log "building PostgreSQL $upstream (source package postgresql-$major $version) into $prefix"

(cd "$work/src" && apt-get "${apt_opts[@]}" source --download-only "postgresql-$major=$version" >&2)
# apt-get source has already checked each file's SHA-256 against the signed source index.
tarball=$(ls "$work/src"/postgresql-"$major"_"$upstream".orig.tar.* | head -1)
tar -xf "$tarball" -C "$work/src"
srcdir=$(find "$work/src" -mindepth 1 -maxdepth 1 -type d -name 'postgresql-*' | head -1)

rm -rf "$prefix"
(
  cd "$srcdir"
  ./configure --prefix="$prefix" --with-icu --with-lz4 --with-zstd --with-openssl \
    --with-libxml --without-llvm --disable-nls >"$work/configure.log" 2>&1 ||
    { tail -40 "$work/configure.log" >&2; exit 1; }
  make -j"$(nproc)" -s >&2
  make -s install >&2
  # The contrib modules the fixtures use (cube for earthdistance).
  for m in btree_gist cube earthdistance file_fdw hstore pg_trgm pg_visibility; do
    make -C "contrib/$m" -j"$(nproc)" -s >&2
    make -C "contrib/$m" -s install >&2
  done
)
touch "$prefix/.complete"
echo "$prefix/bin"
