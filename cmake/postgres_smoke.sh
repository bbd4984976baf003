#!/usr/bin/env bash
# postgres_smoke.sh <conninfo-file>: `SELECT 1` through psql against the server
# of the CTest fixture `postgres` (test postgres.fixture_smoke), so the fixture
# can be checked without any relata code. Like the C++ tests it uses
# $RELATA_TEST_POSTGRES, else the file; with neither it exits 77 (skipped)
# unless RELATA_REQUIRE_POSTGRES=1.
set -euo pipefail

[[ $# == 1 ]] || { echo "usage: $0 <conninfo-file>" >&2; exit 2; }
file=$1

skip() {
    if [[ ${RELATA_REQUIRE_POSTGRES:-0} == 1 ]]; then
        echo "postgres_smoke: ERROR: $* (RELATA_REQUIRE_POSTGRES=1)" >&2
        exit 1
    fi
    echo "postgres_smoke: $*; skipping"
    exit 77
}

conninfo=${RELATA_TEST_POSTGRES:-}
if [[ -z $conninfo ]]; then
    [[ -s $file ]] || skip "no RELATA_TEST_POSTGRES and no conninfo in $file"
    conninfo=$(<"$file")
fi

# Prefer the fixture server's own psql; Debian's /usr/bin/psql is a wrapper.
psql=
bindir_file=$(dirname -- "$file")/bindir
if [[ -f $bindir_file && -x $(<"$bindir_file")/psql ]]; then
    psql=$(<"$bindir_file")/psql
elif command -v psql >/dev/null 2>&1; then
    psql=$(command -v psql)
else
    skip "psql not found"
fi

echo "postgres_smoke: $psql '$conninfo' -c 'SELECT 1'"
result=$("$psql" "$conninfo" -X -q -t -A -v ON_ERROR_STOP=1 -c 'SELECT 1')
if [[ $result != 1 ]]; then
    echo "postgres_smoke: ERROR: expected 1, got: $result" >&2
    exit 1
fi
echo "postgres_smoke: ok"
