# Sourced by chinook_postgres_check.sh and chinook_reports_check.sh: a fresh PostgreSQL
# database $test_db holding the Chinook sample data, dropped again when the caller exits.
# The caller defines log, fail, and the variables psql, conninfo, test_db, work and pg_script;
# create_chinook_database sets test_conninfo (the conninfo of the new database) and admin.

admin() { PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning" "$psql" "$conninfo" -X -q -v ON_ERROR_STOP=1 "$@"; }

create_chinook_database() {
    # The conninfo with its database replaced by $test_db. In key=value form a later keyword
    # overrides an earlier one; in a URI the path names the database.
    if [[ $conninfo =~ ^(postgres(ql)?://[^/?]*)(/[^?]*)?(\?.*)?$ ]]; then
        test_conninfo="${BASH_REMATCH[1]}/$test_db${BASH_REMATCH[4]}"
    else
        test_conninfo="$conninfo dbname=$test_db"
    fi

    mkdir -p -- "$work"
    cd -- "$work" # psql and the server user may not be allowed into the caller's directory otherwise

    # Byte-order collation and UTF-8 as in SQLite, whatever the server's defaults: text orders
    # the same on both engines.
    admin -c "DROP DATABASE IF EXISTS $test_db"
    admin -c "CREATE DATABASE $test_db TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
    trap 'admin -c "DROP DATABASE IF EXISTS $test_db" || true' EXIT

    # The script starts with `DROP DATABASE IF EXISTS chinook; CREATE DATABASE chinook; \c chinook;`:
    # never run those against this server. Load everything else into $test_db, and refuse if
    # any other database-level statement is left.
    local loadable=$work/Chinook_PostgreSql.load.sql
    sed -e '/^DROP DATABASE IF EXISTS chinook;$/d' \
        -e '/^CREATE DATABASE chinook;$/d' \
        -e '/^\\c chinook;$/d' -- "$pg_script" >"$loadable"
    local database_statement='^[[:space:]]*((\\c|\\connect)([[:space:]]|$)|(DROP|CREATE|ALTER)[[:space:]]+DATABASE[^;]*;)'
    if grep -Ein -- "$database_statement" "$loadable"; then
        fail "$pg_script has database-level statements besides the expected header (above); not loading it"
    fi
    log "loading $pg_script into $test_db"
    "$psql" "$test_conninfo" -X -q -v ON_ERROR_STOP=1 -f "$loadable" >/dev/null
}
