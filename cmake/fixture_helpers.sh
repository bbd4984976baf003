# shellcheck shell=bash disable=SC2154  # fixture and skipped are set by the sourcing script
# Helpers shared by postgres_fixture.sh and pgbouncer_fixture.sh; sourced, not run. The
# sourcing script first sets `fixture` (the prefix of its log lines) and `skipped` (what is
# skipped when its server cannot run).

log() { echo "$fixture: $*"; }

# No server possible: skip (exit 0, no conninfo) or, if required, fail.
unavailable() {
    if [[ ${RELATA_REQUIRE_POSTGRES:-0} == 1 ]]; then
        log "ERROR: $* (RELATA_REQUIRE_POSTGRES=1, so this is a failure)" >&2
        exit 1
    fi
    log "$*; $skipped"
    exit 0
}

# The user the servers run as: ourselves, or `postgres` (RELATA_POSTGRES_USER) when root
# (initdb, postgres and pgbouncer refuse to run as root).
run_user=
if [[ $(id -u) == 0 ]]; then
    run_user=${RELATA_POSTGRES_USER:-postgres}
fi

# Runs a command as run_user.
as_run_user() {
    if [[ -z $run_user ]]; then
        "$@"
    elif command -v runuser >/dev/null 2>&1; then
        runuser -u "$run_user" -- "$@"
    else
        su "$run_user" -s /bin/bash -c "$(printf '%q ' "$@")"
    fi
}
