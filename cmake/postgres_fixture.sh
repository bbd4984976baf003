#!/usr/bin/env bash
# Throwaway PostgreSQL server for relata's tests: the CTest fixture `postgres`
# (tests postgres.start / postgres.stop in tests/CMakeLists.txt).
#
#   postgres_fixture.sh start <dir> [<build-root>]
#   postgres_fixture.sh stop  <dir>
#   postgres_fixture.sh restart <dir>   (a server this script started in <dir>)
#
# start writes a libpq conninfo string to <dir>/conninfo:
#   - $RELATA_TEST_POSTGRES if set (an existing server; nothing is started);
#   - else it initdb's <dir>/data and starts a server listening only on a Unix
#     socket in <dir> (or a short /tmp directory when that path is too long for
#     a socket), port 54329, trust auth, durability off.
# Without PostgreSQL server binaries it writes no conninfo and exits 0, so the
# dependent tests report "skipped" -- unless RELATA_REQUIRE_POSTGRES=1, then it
# fails. RELATA_POSTGRES_BINDIR=<dir> names the only directory to look in
# (instead of `pg_config --bindir`, /usr/lib/postgresql/*/bin, $PATH).
# As root the server runs as the `postgres` user; path components inside
# <build-root> get o+x so that user can reach <dir>.
set -euo pipefail
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

readonly port=54329
readonly socket_path_max=107 # sun_path is 108 bytes with the terminating NUL

usage() {
    echo "usage: $0 start|stop|restart <dir> [<build-root>]" >&2
    exit 2
}
[[ $# -ge 2 && $# -le 3 ]] || usage
action=$1
dir=$2
build_root=${3:-}
[[ $dir == /* ]] || dir=$PWD/$dir
[[ -z $build_root || $build_root == /* ]] || build_root=$PWD/$build_root
dir=${dir%/}
build_root=${build_root%/}
cd / # the server user may not be allowed into the caller's working directory

fixture=postgres_fixture
skipped="PostgreSQL tests will be skipped (set RELATA_REQUIRE_POSTGRES=1 to fail instead)"
# shellcheck source=fixture_helpers.sh
source "$script_dir/fixture_helpers.sh"

has_server_binaries() {
    [[ -n $1 && -x $1/initdb && -x $1/pg_ctl && -x $1/postgres ]]
}

find_bindir() {
    local candidates=() d
    if [[ -n ${RELATA_POSTGRES_BINDIR+set} ]]; then
        candidates=("$RELATA_POSTGRES_BINDIR")
    else
        if command -v pg_config >/dev/null 2>&1; then
            candidates+=("$(pg_config --bindir 2>/dev/null || true)")
        fi
        while IFS= read -r d; do
            candidates+=("$d")
        done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -rV)
        if command -v initdb >/dev/null 2>&1; then
            candidates+=("$(dirname "$(readlink -f "$(command -v initdb)")")")
        fi
    fi
    for d in "${candidates[@]}"; do
        if has_server_binaries "$d"; then
            echo "$d"
            return 0
        fi
    done
    return 1
}

# Stops a server started by an earlier `start` in <dir> and removes everything
# that start created.
teardown() {
    [[ -d $dir ]] || return 0
    local home=$dir bindir= pid status=0
    if [[ -f $dir/home ]]; then home=$(<"$dir/home"); fi
    if [[ -f $dir/bindir ]]; then bindir=$(<"$dir/bindir"); fi
    if [[ -f $home/data/postmaster.pid ]]; then
        if [[ -z $bindir ]]; then bindir=$(find_bindir || true); fi
        if [[ -z $bindir ]] || ! as_run_user "$bindir/pg_ctl" -D "$home/data" -m immediate -w -t 30 stop; then
            pid=$(head -n 1 "$home/data/postmaster.pid" 2>/dev/null || true)
            if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
                log "pg_ctl stop failed; killing postmaster $pid" >&2
                kill -KILL "$pid" || status=1
            fi
        fi
    fi
    if [[ -f $dir/socketdir ]]; then
        rm -rf -- "$(<"$dir/socketdir")"
    fi
    if [[ $home != "$dir" ]]; then
        rm -rf -- "$home"
    fi
    rm -rf -- "$dir"
    return $status
}

start() {
    teardown || true # a stale server or directory from an interrupted run
    mkdir -p -- "$dir"

    if [[ -n ${RELATA_TEST_POSTGRES:-} ]]; then
        printf '%s\n' "$RELATA_TEST_POSTGRES" >"$dir/conninfo"
        log "using RELATA_TEST_POSTGRES; no server started"
        exit 0
    fi

    local bindir
    if ! bindir=$(find_bindir); then
        if [[ -n ${RELATA_POSTGRES_BINDIR+set} ]]; then
            unavailable "no initdb/pg_ctl/postgres in RELATA_POSTGRES_BINDIR=$RELATA_POSTGRES_BINDIR"
        fi
        unavailable "no PostgreSQL server binaries (initdb, pg_ctl, postgres) under \`pg_config --bindir\`, /usr/lib/postgresql/*/bin or PATH"
    fi
    printf '%s\n' "$bindir" >"$dir/bindir"
    log "server binaries: $bindir"

    # Where data, log and (if short enough) the socket live.
    local home=$dir
    if [[ -n $run_user ]]; then
        if ! id -u "$run_user" >/dev/null 2>&1; then
            unavailable "running as root, but there is no '$run_user' user to run the server as"
        fi
        if [[ -n $build_root && ( $dir == "$build_root" || $dir == "$build_root"/* ) ]]; then
            local p=$dir
            while [[ $p == "$build_root"/* ]]; do
                p=$(dirname -- "$p")
                chmod o+x -- "$p"
            done
        fi
        chown "$run_user" -- "$dir"
        if ! as_run_user test -w "$dir" -a -x "$dir"; then
            # A parent outside the build tree (say /root) is closed to it.
            home=$(mktemp -d /tmp/relata-pg.XXXXXX)
            chown "$run_user" -- "$home"
            chmod 711 -- "$home"
            printf '%s\n' "$home" >"$dir/home"
            log "'$run_user' cannot reach $dir; using $home"
        fi
    fi

    local socketdir=$home
    if ((${#socketdir} + ${#port} + 10 > socket_path_max)); then # "/.s.PGSQL." is 10
        socketdir=$(mktemp -d /tmp/relata-pg-sock.XXXXXX)
        printf '%s\n' "$socketdir" >"$dir/socketdir"
        [[ -z $run_user ]] || chown "$run_user" -- "$socketdir"
        chmod 711 -- "$socketdir"
        log "socket path under $home is too long; socket directory is $socketdir"
    fi

    if ! as_run_user "$bindir/initdb" -D "$home/data" --auth=trust -U postgres \
        --encoding=UTF8 --no-locale >"$dir/initdb.log" 2>&1; then
        log "ERROR: initdb failed:" >&2
        cat -- "$dir/initdb.log" >&2
        exit 1
    fi

    local options="-k '$socketdir' -c listen_addresses='' -p $port"
    options+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    if ! as_run_user "$bindir/pg_ctl" -D "$home/data" -w -t 60 -l "$home/log" -o "$options" start; then
        log "ERROR: the server did not start; server log ($home/log):" >&2
        cat -- "$home/log" >&2 || true
        exit 1
    fi

    local host=$socketdir
    if [[ $host =~ [[:space:]\'\\] ]]; then # conninfo quoting
        host=${host//\\/\\\\}
        host=${host//\'/\\\'}
        host="'$host'"
    fi
    printf 'host=%s port=%s user=postgres dbname=postgres\n' "$host" "$port" >"$dir/conninfo"
    log "server running; conninfo: $(<"$dir/conninfo")"
}

# Restarts the server an earlier `start` in <dir> started (pg_ctl restart -m fast: every
# connection is terminated), for the tests of lost connections.
restart() {
    local home=$dir bindir
    if [[ -f $dir/home ]]; then home=$(<"$dir/home"); fi
    bindir=$(<"$dir/bindir")
    as_run_user "$bindir/pg_ctl" -D "$home/data" -w -t 60 -m fast restart >>"$dir/restart.log" 2>&1 || {
        log "ERROR: restart failed" >&2
        cat -- "$dir/restart.log" >&2
        exit 1
    }
}

case $action in
start) start ;;
stop) teardown ;;
restart) restart ;;
*) usage ;;
esac
