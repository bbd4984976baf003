#!/usr/bin/env bash
# chinook_check.sh <example-binary> <Chinook_Sqlite.sql> <work-dir> [<sqlite3>]
# Test example.chinook.sqlite (tests/chinook.cmake): loads a fresh <work-dir>/chinook.db
# from the Chinook script with the sqlite3 shell, runs relata_example_chinook on it twice
# (default album and track, then album 227 and track 2820) and diffs each output against
# the same figures computed here with sqlite3, the track's price read back after the run.
# Without the data file or the sqlite3 shell it exits 77 (skipped); with $CI set it fails.
set -euo pipefail

[[ $# -ge 3 && $# -le 4 ]] || {
    echo "usage: $0 <example-binary> <Chinook_Sqlite.sql> <work-dir> [<sqlite3>]" >&2
    exit 2
}
example=$1
script=$2
work=$3
sqlite3=${4:-sqlite3}

skip() {
    if [[ -n ${CI:-} ]]; then
        echo "chinook_check: ERROR: $* (CI is set)" >&2
        exit 1
    fi
    echo "chinook_check: $*; skipping"
    exit 77
}
fail() {
    echo "chinook_check: ERROR: $*" >&2
    exit 1
}

[[ -f $script ]] || skip "no Chinook script at $script"
command -v "$sqlite3" >/dev/null 2>&1 || skip "the sqlite3 shell was not found"

mkdir -p -- "$work"
db=$work/chinook.db
rm -f -- "$db" "$db-journal" "$db-wal" "$db-shm"
"$sqlite3" -bail "$db" <"$script"

q() { "$sqlite3" -batch -bail -noheader -list "$db" "$1"; }

# The expected lines, phrased differently from the example's SQL on purpose.
expected_model_rows() {
    local model
    for model in Artist Album Genre MediaType Track Employee Customer Invoice InvoiceLine; do
        printf 'model_rows %s\t%s\n' "$model" "$(q "SELECT COUNT(*) FROM \"$model\"")"
    done
}
expected_genre_tracks() {
    q "SELECT 'genre_tracks ' || name || char(9) || tracks
       FROM (SELECT g.Name AS name,
                    (SELECT COUNT(*) FROM Track t WHERE t.GenreId = g.GenreId) AS tracks
             FROM Genre g)
       ORDER BY tracks DESC, name
       LIMIT 5"
}
expected_customer_totals() {
    q "WITH totals AS (SELECT CustomerId, SUM(Total) AS total FROM Invoice GROUP BY CustomerId)
       SELECT 'customer_total ' || c.FirstName || ' ' || c.LastName || char(9) || printf('%.2f', t.total)
       FROM Customer c JOIN totals t USING (CustomerId)
       ORDER BY round(t.total, 2) DESC, c.CustomerId
       LIMIT 5"
}
expected_longest_track() { # <album>
    q "SELECT 'longest_track ' || Name || char(9) || Milliseconds
       FROM Track WHERE AlbumId = $1
       ORDER BY Milliseconds DESC, TrackId
       LIMIT 1"
}
expected_track_playlists() { # <track>
    q "SELECT 'track_playlists ' || $1 || char(9) || COUNT(*) || char(9) || COALESCE(group_concat(PlaylistId, ','), '')
       FROM (SELECT PlaylistId FROM PlaylistTrack WHERE TrackId = $1 ORDER BY PlaylistId)"
}
expected_artist_report() { # the first 10 artists, their albums and tracks; the statements of the N+1 demo
    q "SELECT 'artist_albums ' || coalesce(a.Name, '') || char(9) ||
              (SELECT COUNT(*) FROM Album al WHERE al.ArtistId = a.ArtistId) || char(9) ||
              (SELECT COUNT(*) FROM Track t JOIN Album al ON al.AlbumId = t.AlbumId WHERE al.ArtistId = a.ArtistId)
       FROM Artist a ORDER BY a.ArtistId LIMIT 10"
    # lazily: the artists, then one query per artist (its albums) and one per album (its tracks)
    q "SELECT 'statements lazy' || char(9) || (1 + 10 + COUNT(*))
       FROM Album WHERE ArtistId IN (SELECT ArtistId FROM Artist ORDER BY ArtistId LIMIT 10)"
    # select_in: the artists, all their albums, all those albums' tracks
    printf 'statements select_in\t3\n'
}
price() { # <track>
    q "SELECT printf('%.2f', UnitPrice) FROM Track WHERE TrackId = $1"
}

# check <label> <album> <track> [example arguments after the database path...]
check() {
    local label=$1 album=$2 track=$3
    shift 3
    local expected=$work/$label.expected actual=$work/$label.out
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
    raised=$(q "SELECT printf('%.2f', round(UnitPrice + 0.10, 2)) FROM Track WHERE TrackId = $track")
    [[ -n $old ]] || fail "no track $track in $db"

    echo "chinook_check: $example $db $*"
    "$example" "$db" "$@" >"$actual" || fail "$example exited with status $?"

    new=$(price "$track")
    [[ $new == "$raised" ]] || fail "track $track costs $new after the example; expected $old + 0.10 = $raised"
    printf 'price_change %s\t%s\t%s\n' "$track" "$old" "$new" >>"$expected"
    diff -u -- "$expected" "$actual" || fail "$label: the example's output differs from sqlite3's (diff above)"
    cat -- "$actual"
}

check defaults 1 1
check album227_track2820 227 2820 227 2820

# relata::verify_schema in the example: a copy without Track.Composer must be refused before
# any output, with a message naming the table and the column.
dropped=$work/chinook-dropped.db
rm -f -- "$dropped"
cp -- "$db" "$dropped"
"$sqlite3" -bail "$dropped" 'ALTER TABLE Track DROP COLUMN Composer'
status=0
"$example" "$dropped" >"$work/dropped.out" 2>"$work/dropped.err" || status=$?
[[ $status == 1 ]] || fail "the example exited with status $status on a database without Track.Composer; expected 1"
[[ ! -s $work/dropped.out ]] || fail "the example printed results on a database without Track.Composer"
grep -qF 'table "Track", column "Composer": missing' "$work/dropped.err" ||
    fail "the example's error does not name \"Track\".\"Composer\": $(cat -- "$work/dropped.err")"
cat -- "$work/dropped.err"
echo "chinook_check: ok"
