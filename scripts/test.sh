#!/usr/bin/env bash
# test.sh: build (scripts/setup.sh), then run every test suite: unit tests (no server) and
# integration tests (each test binary starts its own throwaway PostgreSQL), those twice: against
# PostgreSQL 15 and against PostgreSQL 18 (built once per machine by scripts/pg18.sh; the pg18.*
# tests). Exits non-zero when any test fails. Extra arguments go to ctest, e.g.
# `bash scripts/test.sh -L unit`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh --with-pg18
ctest --test-dir build --output-on-failure --no-tests=error -j2 "$@"
