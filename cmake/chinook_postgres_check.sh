#!/usr/bin/env bash
# chinook_postgres_check.sh <example-binary> <chinook-data-dir> <conninfo-file> <work-dir> [<sqlite3>]
# Test example.chinook.postgres (tests/chinook.cmake), the PostgreSQL twin of chinook_check.sh:
#   1. creates a fresh database relata_chinook_test on the server of the CTest fixture
#      `postgres` ($RELATA_TEST_POSTGRES, else the conninfo in <conninfo-file>) and loads
#      <chinook-data-dir>/Chinook_PostgreSql.sql into it with psql;
#   2. runs relata_example_chinook on it twice (default album and track, then album 227 and
#      track 2820) and diffs each output against the same figures computed here with psql;
#   3. runs the example the same two ways on a fresh SQLite database in <work-dir>, loaded
#      from Chinook_Sqlite.sql, and requires the same lines as on PostgreSQL;
#   4. drops relata_chinook_test.
# No server: exit 77 (skipped), or 1 with RELATA_REQUIRE_POSTGRES=1. No data files, psql or
# sqlite3 shell: exit 77, or 1 with $CI set.
set -euo pipefail

[[ $# -ge 4 && $# -le 5 ]] || {
    echo "usage: $0 <example-binary> <chinook-data-dir> <conninfo-file> <work-dir> [<sqlite3>]" >&2
    exit 2
}
example=$1
data=$2
conninfo_file=$3
work=$4
sqlite3=${5:-sqlite3}
pg_script=$data/Chinook_PostgreSql.sql
sqlite_script=$data/Chinook_Sqlite.sql
readonly test_db=relata_chinook_test

log() { echo "chinook_postgres_check: $*"; }
fail() {
    echo "chinook_postgres_check: ERROR: $*" >&2
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

conninfo=${RELATA_TEST_POSTGRES:-}
if [[ -z $conninfo ]]; then
    [[ -s $conninfo_file ]] || no_server "no RELATA_TEST_POSTGRES and no conninfo in $conninfo_file"
    conninfo=$(<"$conninfo_file")
fi
[[ -f $pg_script ]] || skip "no Chinook script at $pg_script"
[[ -f $sqlite_script ]] || skip "no Chinook script at $sqlite_script"
command -v "$sqlite3" >/dev/null 2>&1 || skip "the sqlite3 shell was not found"

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
q() { "$psql" "$test_conninfo" -X -q -v ON_ERROR_STOP=1 -A -t -F $'\t' -c "$1"; }

# The expected lines, phrased differently from the example's SQL on purpose.
expected_model_rows() {
    local model table
    for model in Artist:artist Album:album Genre:genre MediaType:media_type Track:track Employee:employee \
        Customer:customer Invoice:invoice InvoiceLine:invoice_line; do
        table=${model#*:}
        printf 'model_rows %s\t%s\n' "${model%%:*}" "$(q "SELECT COUNT(*) FROM $table")"
    done
}
expected_genre_tracks() {
    q "SELECT 'genre_tracks ' || name, tracks
       FROM (SELECT g.name, (SELECT COUNT(*) FROM track t WHERE t.genre_id = g.genre_id) AS tracks
             FROM genre g) AS counted
       ORDER BY tracks DESC, name COLLATE \"C\"
       LIMIT 5"
}
expected_customer_totals() { # NUMERIC sums are exact: no rounding needed
    q "WITH totals AS (SELECT customer_id, SUM(total) AS total FROM invoice GROUP BY customer_id)
       SELECT 'customer_total ' || c.first_name || ' ' || c.last_name, t.total
       FROM customer c JOIN totals t USING (customer_id)
       ORDER BY t.total DESC, c.customer_id
       LIMIT 5"
}
expected_longest_track() { # <album>
    q "SELECT 'longest_track ' || name, milliseconds
       FROM track WHERE album_id = $1
       ORDER BY milliseconds DESC, track_id
       LIMIT 1"
}
expected_track_playlists() { # <track>
    q "SELECT 'track_playlists ' || $1, COUNT(*), COALESCE(string_agg(playlist_id::text, ',' ORDER BY playlist_id), '')
       FROM playlist_track WHERE track_id = $1"
}
expected_artist_report() { # the first 10 artists, their albums and tracks; the statements of the N+1 demo
    q "SELECT 'artist_albums ' || coalesce(a.name, ''),
              (SELECT COUNT(*) FROM album al WHERE al.artist_id = a.artist_id),
              (SELECT COUNT(*) FROM track t JOIN album al ON al.album_id = t.album_id WHERE al.artist_id = a.artist_id)
       FROM artist a ORDER BY a.artist_id LIMIT 10"
    # lazily: the artists, then one query per artist (its albums) and one per album (its tracks)
    q "SELECT 'statements lazy', 1 + 10 + COUNT(*)
       FROM album WHERE artist_id IN (SELECT artist_id FROM artist ORDER BY artist_id LIMIT 10)"
    # select_in: the artists, all their albums, all those albums' tracks
    printf 'statements select_in\t3\n'
}
price() { # <track>; NUMERIC(10,2) prints with two decimals
    q "SELECT unit_price FROM track WHERE track_id = $1"
}

# check <label> <album> <track> [example arguments after the conninfo...]
check() {
    local label=$1 album=$2 track=$3
    shift 3
    local expected=$work/postgres.$label.expected actual=$work/postgres.$label.out
    {
        expected_model_rows
        expected_genre_tracks
        expected_customer_totals
        expected_longest_track "$album"
        expected_artist_report
        expected_track_playlists "$track"
    } >"$expected"
    local old raised new
    old=$(price "$track")
    [[ -n $old ]] || fail "no track $track in $test_db"
    raised=$(q "SELECT unit_price + 0.10 FROM track WHERE track_id = $track")

    log "$example '$test_conninfo' $*"
    "$example" "$test_conninfo" "$@" >"$actual" || fail "$example exited with status $?"

    new=$(price "$track")
    [[ $new == "$raised" ]] || fail "track $track costs $new after the example; expected $old + 0.10 = $raised"
    printf 'price_change %s\t%s\t%s\n' "$track" "$old" "$new" >>"$expected"
    diff -u -- "$expected" "$actual" || fail "$label: the example's output differs from psql's (diff above)"
    cat -- "$actual"
}

check defaults 1 1
check album227_track2820 227 2820 227 2820

# The same runs on SQLite, from a fresh database of its own: the same lines.
sqlite_db=$work/chinook.db
rm -f -- "$sqlite_db" "$sqlite_db-journal" "$sqlite_db-wal" "$sqlite_db-shm"
"$sqlite3" -bail "$sqlite_db" <"$sqlite_script"
same_as_sqlite() { # <label> [example arguments after the database path...]
    local label=$1
    shift
    "$example" "$sqlite_db" "$@" >"$work/sqlite.$label.out" || fail "$example $sqlite_db exited with status $?"
    diff -u -- "$work/sqlite.$label.out" "$work/postgres.$label.out" ||
        fail "$label: the example prints different lines on SQLite and PostgreSQL (diff above)"
}
same_as_sqlite defaults
same_as_sqlite album227_track2820 227 2820
log "SQLite and PostgreSQL print the same lines"

# relata::verify_schema in the example: without track.composer the example must refuse to run,
# naming the table and the column.
q "ALTER TABLE track DROP COLUMN composer" >/dev/null
status=0
"$example" "$test_conninfo" >"$work/postgres.dropped.out" 2>"$work/postgres.dropped.err" || status=$?
[[ $status == 1 ]] || fail "the example exited with status $status on a database without track.composer; expected 1"
[[ ! -s $work/postgres.dropped.out ]] || fail "the example printed results on a database without track.composer"
grep -qF 'table "track", column "composer": missing' "$work/postgres.dropped.err" ||
    fail "the example's error does not name \"track\".\"composer\": $(cat -- "$work/postgres.dropped.err")"
cat -- "$work/postgres.dropped.err"

log "ok"
