#!/usr/bin/env bash
# chinook_reports_check.sh sqlite   <reports-binary> <chinook-data-dir> <reports-sql-dir> <work-dir> [<sqlite3>]
# chinook_reports_check.sh postgres <reports-binary> <chinook-data-dir> <reports-sql-dir> <work-dir> <conninfo-file> [<sqlite3>]
# Tests chinook_reports.sqlite and chinook_reports.postgres (tests/chinook_reports.cmake): the
# Chinook report suite of examples/chinook_reports (relata's query builder) against the same
# reports written by hand in SQL, <reports-sql-dir>/<engine>/NN_name.sql, run by the sqlite3 or
# psql shell.
#   1. loads a fresh database: <work-dir>/chinook.db from Chinook_Sqlite.sql with sqlite3, or a
#      fresh PostgreSQL database relata_chinook_reports_test (C collation, UTF-8) on the server
#      of the CTest fixture `postgres` ($RELATA_TEST_POSTGRES, else the conninfo in
#      <conninfo-file>) from Chinook_PostgreSql.sql with psql;
#   2. runs every NN_name.sql through the shell, printing `== NN_name` and then the rows in the
#      program's format: values separated by tabs, NULL as `NULL` (the SQL itself prints
#      non-integral numbers with two decimals);
#   3. runs the program on the database and diffs its output against the shell's; it must run
#      at least 15 reports, each in one statement (the program checks that itself);
#   4. postgres only: with a sqlite3 shell, also runs the program on a fresh SQLite database and
#      requires the same output on both engines; then drops relata_chinook_reports_test.
# No data files or shells: exit 77 (skipped), or 1 with $CI set. No PostgreSQL server: exit 77,
# or 1 with RELATA_REQUIRE_POSTGRES=1.
set -euo pipefail

usage() {
    echo "usage: $0 sqlite <reports-binary> <chinook-data-dir> <reports-sql-dir> <work-dir> [<sqlite3>]" >&2
    echo "       $0 postgres <reports-binary> <chinook-data-dir> <reports-sql-dir> <work-dir> <conninfo-file> [<sqlite3>]" >&2
    exit 2
}
[[ $# -ge 5 ]] || usage
engine=$1
program=$2
data=$3
sql_dir=$4
work=$5
case $engine in
sqlite)
    [[ $# -le 6 ]] || usage
    sqlite3=${6:-sqlite3}
    ;;
postgres)
    [[ $# -ge 6 && $# -le 7 ]] || usage
    conninfo_file=$6
    sqlite3=${7:-sqlite3}
    ;;
*) usage ;;
esac
readonly test_db=relata_chinook_reports_test
readonly minimum_reports=15

log() { echo "chinook_reports_check: $*"; }
fail() {
    echo "chinook_reports_check: ERROR: $*" >&2
    exit 1
}
skip() { # missing tools or data
    [[ -z ${CI:-} ]] || fail "$* (CI is set)"
    log "$*; skipping"
    exit 77
}
no_server() {
    [[ ${RELATA_REQUIRE_POSTGRES:-0} != 1 ]] || fail "$* (RELATA_REQUIRE_POSTGRES=1)"
    log "$*; skipping"
    exit 77
}

# Absolute paths: the PostgreSQL part runs in <work-dir>.
absolute() { [[ $1 == /* ]] && printf '%s' "$1" || printf '%s/%s' "$PWD" "$1"; }
program=$(absolute "$program")
data=$(absolute "$data")
sql_dir=$(absolute "$sql_dir")
[[ $engine != postgres ]] || conninfo_file=$(absolute "$conninfo_file")

shopt -s nullglob
reports=("$sql_dir/$engine"/[0-9][0-9]_*.sql)
shopt -u nullglob
((${#reports[@]} >= minimum_reports)) || fail "only ${#reports[@]} report files in $sql_dir/$engine (at least $minimum_reports expected)"

mkdir -p -- "$work"
work=$(cd -- "$work" && pwd)
expected=$work/$engine.expected
actual=$work/$engine.out

load_sqlite() { # <database-file>
    local db=$1 script=$data/Chinook_Sqlite.sql
    [[ -f $script ]] || skip "no Chinook script at $script"
    rm -f -- "$db" "$db-journal" "$db-wal" "$db-shm"
    "$sqlite3" -bail "$db" <"$script"
}

# Runs <program> and checks its report headers (stdout to <out>).
run_program() { # <out> <backend> <target>
    local out=$1
    shift
    log "$program $*"
    "$program" "$@" >"$out" || fail "$program $* exited with status $?"
    local ran
    ran=$(grep -c '^== ' "$out" || true)
    ((ran >= minimum_reports)) || fail "$program ran $ran reports (at least $minimum_reports expected)"
}

if [[ $engine == sqlite ]]; then
    command -v "$sqlite3" >/dev/null 2>&1 || skip "the sqlite3 shell was not found"
    db=$work/chinook.db
    load_sqlite "$db"
    for file in "${reports[@]}"; do
        name=$(basename -- "$file" .sql)
        printf '== %s\n' "$name"
        "$sqlite3" -batch -bail -noheader -list -separator $'\t' -nullvalue NULL "$db" <"$file" ||
            fail "sqlite3 failed on $file"
    done >"$expected"
    run_program "$actual" sqlite "$db"
    diff -u -- "$expected" "$actual" || fail "the program's reports differ from sqlite3's (diff above: - sqlite3, + program)"
    log "$(grep -c '^== ' "$actual") reports, $(grep -vc '^== ' "$actual") rows: the same as sqlite3's"
    log "ok"
    exit 0
fi

# PostgreSQL.
conninfo=${RELATA_TEST_POSTGRES:-}
if [[ -z $conninfo ]]; then
    [[ -s $conninfo_file ]] || no_server "no RELATA_TEST_POSTGRES and no conninfo in $conninfo_file"
    conninfo=$(<"$conninfo_file")
fi
pg_script=$data/Chinook_PostgreSql.sql
[[ -f $pg_script ]] || skip "no Chinook script at $pg_script"

# Prefer the fixture server's own psql; Debian's /usr/bin/psql is a wrapper.
psql=
bindir_file=$(dirname -- "$conninfo_file")/bindir
if [[ -f $bindir_file && -x $(<"$bindir_file")/psql ]]; then
    psql=$(<"$bindir_file")/psql
elif command -v psql >/dev/null 2>&1; then
    psql=$(command -v psql)
else
    skip "psql not found"
fi

source "$(dirname -- "${BASH_SOURCE[0]}")/chinook_postgres_database.sh"
create_chinook_database

for file in "${reports[@]}"; do
    name=$(basename -- "$file" .sql)
    printf '== %s\n' "$name"
    "$psql" "$test_conninfo" -X -q -v ON_ERROR_STOP=1 -A -t -F $'\t' -P null=NULL -f "$file" ||
        fail "psql failed on $file"
done >"$expected"
run_program "$actual" postgres "$test_conninfo"
diff -u -- "$expected" "$actual" || fail "the program's reports differ from psql's (diff above: - psql, + program)"
log "$(grep -c '^== ' "$actual") reports, $(grep -vc '^== ' "$actual") rows: the same as psql's"

# The same program on SQLite: the same lines on both engines.
if command -v "$sqlite3" >/dev/null 2>&1; then
    sqlite_db=$work/chinook.db
    load_sqlite "$sqlite_db"
    run_program "$work/sqlite.out" sqlite "$sqlite_db"
    diff -u -- "$work/sqlite.out" "$actual" ||
        fail "the program prints different reports on SQLite and PostgreSQL (diff above: - SQLite, + PostgreSQL)"
    log "SQLite and PostgreSQL print the same reports"
else
    [[ -z ${CI:-} ]] || fail "the sqlite3 shell was not found (CI is set)"
    log "no sqlite3 shell: not comparing with SQLite"
fi
log "ok"
