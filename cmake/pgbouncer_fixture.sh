#!/usr/bin/env bash
# PgBouncer in transaction pooling mode in front of the test server: the CTest fixture
# `pgbouncer` (tests pgbouncer.start / pgbouncer.stop in tests/CMakeLists.txt).
#
#   pgbouncer_fixture.sh start <dir> <postgres-conninfo-file>
#   pgbouncer_fixture.sh stop  <dir>
#
# start reads the host (a Unix socket directory), port and user of the server the postgres
# fixture started, runs `pgbouncer` (Debian package `pgbouncer`) with pool_mode = transaction,
# listening only on a Unix socket (in <dir>, or a short /tmp directory when that path is too
# long for a socket), port 64329, trust authentication, and writes a libpq conninfo string for
# it to <dir>/conninfo. Without pgbouncer or a server it writes no conninfo and exits 0 (the
# dependent test reports "skipped") -- unless RELATA_REQUIRE_POSTGRES=1, then it fails.
# As root pgbouncer runs as the `postgres` user (it refuses to run as root).
set -euo pipefail
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

readonly port=64329
readonly socket_path_max=107

[[ $# -ge 2 ]] || { echo "usage: $0 start <dir> <postgres-conninfo-file> | stop <dir>" >&2; exit 2; }
action=$1
dir=$2
[[ $dir == /* ]] || dir=$PWD/$dir
dir=${dir%/}

fixture=pgbouncer_fixture
skipped="the PgBouncer tests will be skipped"
# shellcheck source=fixture_helpers.sh
source "$script_dir/fixture_helpers.sh"

# The value of `key` in a key=value conninfo string (no quoting support: the fixture's own).
conninfo_value() {
    local key=$1 info=$2 pair
    for pair in $info; do
        if [[ $pair == "$key="* ]]; then
            echo "${pair#*=}"
            return
        fi
    done
}

stop() {
    local pidfile=$dir/pgbouncer.pid socket_dir_file=$dir/socket_dir
    if [[ -f $pidfile ]]; then
        local pid
        pid=$(cat "$pidfile")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null || true
    fi
    if [[ -f $socket_dir_file ]]; then
        local socket_dir
        socket_dir=$(cat "$socket_dir_file")
        [[ $socket_dir == /tmp/relata-pgbouncer.* ]] && rm -rf "$socket_dir"
    fi
    rm -rf "$dir"
}

case $action in
stop)
    stop
    exit 0
    ;;
start) ;;
*)
    echo "usage: $0 start <dir> <postgres-conninfo-file> | stop <dir>" >&2
    exit 2
    ;;
esac

[[ $# -eq 3 ]] || { echo "usage: $0 start <dir> <postgres-conninfo-file>" >&2; exit 2; }
server_conninfo_file=$3
stop # leftovers of an interrupted run
[[ -s $server_conninfo_file ]] || unavailable "no PostgreSQL server ($server_conninfo_file is missing)"
server_conninfo=$(cat "$server_conninfo_file")
server_host=$(conninfo_value host "$server_conninfo")
server_port=$(conninfo_value port "$server_conninfo")
server_user=$(conninfo_value user "$server_conninfo")
[[ -n $server_host && -n $server_port && -n $server_user ]] ||
    unavailable "cannot read host, port and user from the server's conninfo '$server_conninfo'"

pgbouncer=$(command -v pgbouncer || true)
[[ -z $pgbouncer && -x /usr/sbin/pgbouncer ]] && pgbouncer=/usr/sbin/pgbouncer
[[ -n $pgbouncer ]] || unavailable "pgbouncer is not installed (Debian package pgbouncer)"

mkdir -p "$dir"
socket_dir=$dir
if (( ${#dir} + 20 > socket_path_max )); then
    socket_dir=$(mktemp -d /tmp/relata-pgbouncer.XXXXXX)
fi
echo "$socket_dir" > "$dir/socket_dir"
cat > "$dir/userlist.txt" <<EOF
"$server_user" ""
EOF
cat > "$dir/pgbouncer.ini" <<EOF
[databases]
* = host=$server_host port=$server_port user=$server_user

[pgbouncer]
listen_addr =
listen_port = $port
unix_socket_dir = $socket_dir
auth_type = trust
auth_file = $dir/userlist.txt
pool_mode = transaction
max_client_conn = 500
default_pool_size = 8
server_reset_query =
ignore_startup_parameters = extra_float_digits
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
EOF
if [[ -n $run_user ]]; then
    chown -R "$run_user" "$dir" "$socket_dir"
    # The run user must reach <dir> through the build tree.
    d=$dir
    while [[ $d != / ]]; do
        chmod o+x "$d" 2>/dev/null || true
        d=$(dirname "$d")
    done
fi
as_run_user "$pgbouncer" -d "$dir/pgbouncer.ini" || { cat "$dir/pgbouncer.log" >&2 || true; unavailable "pgbouncer did not start"; }
for _ in $(seq 1 50); do
    [[ -S $socket_dir/.s.PGSQL.$port ]] && break
    sleep 0.1
done
[[ -S $socket_dir/.s.PGSQL.$port ]] || { cat "$dir/pgbouncer.log" >&2 || true; unavailable "pgbouncer opened no socket"; }
echo "host=$socket_dir port=$port user=$server_user dbname=postgres" > "$dir/conninfo"
log "PgBouncer (transaction pooling) at $(cat "$dir/conninfo")"
