#pragma once
/// @file
/// The PostgreSQL backend: `relata::postgres::connect` and `relata::postgres::connection`.

#include <array>
#include <bit>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <libpq-fe.h>

#include "relata/connection.hpp"
#include "relata/detail/connection_base.hpp"
#include "relata/detail/reflection.hpp"
#include "relata/detail/statement_cache.hpp"
#include "relata/error.hpp"
#include "relata/postgres/binary.hpp"
#include "relata/postgres/copy.hpp"
#include "relata/postgres/row.hpp"
#include "relata/postgres/type_cache.hpp"
#include "relata/sql/dialect.hpp"
#include "relata/sql/render.hpp"
#include "relata/transaction_options.hpp"
#include "relata/types.hpp"

namespace relata::postgres {

/// Options for `relata::postgres::connect`.
struct options {
    /// How default table and column names are derived (e.g. `relata::naming::snake_case`).
    relata::naming naming = relata::naming::standard;
    /// Receives the text of every NOTICE or WARNING the server sends (e.g. "table does not
    /// exist, skipping"). Empty (the default): notices are discarded instead of printed to
    /// stderr as libpq would. Must not throw; an exception it throws is swallowed.
    std::function<void(std::string_view message)> notice_handler{};
    /// The most server-side prepared statements the connection keeps (one per distinct SQL
    /// text); one more deallocates the least recently used (`DEALLOCATE`, one round trip, not
    /// logged). At least 1.
    std::size_t statement_cache_capacity = 256;
    /// true (the default): each statement is prepared once as a named server-side statement
    /// (`PQprepare`, `relata_<n>`) and cached. false: every statement is sent with
    /// `PQexecParams` as the unnamed statement — still parameterized, binary, one round trip —
    /// with each parameter's type declared from its value (bigint, double precision, boolean,
    /// bytea, timestamp, date; text and NULL left to the server), and no statement is cached.
    /// Set it behind PgBouncer in transaction pooling mode, where a named statement prepared on
    /// one server connection is missing on the next (PgBouncer tracks them only since 1.21,
    /// `max_prepared_statements`; Debian 12 has 1.18). `relata::insert_all` then sends
    /// multi-row INSERTs instead of COPY, and pipelines use `PQsendQueryParams`.
    bool prepared_statements = true;
};

namespace detail {

struct connection_closer {
    void operator()(PGconn* conn) const noexcept { PQfinish(conn); }
};
struct result_clearer {
    void operator()(PGresult* result) const noexcept { PQclear(result); }
};
using connection_handle = std::unique_ptr<PGconn, connection_closer>;
using result_handle = std::unique_ptr<PGresult, result_clearer>;

/// libpq's text on one line: runs of newlines and tabs become one space, none trail.
inline std::string trimmed(const char* text) {
    std::string out;
    for (const char* c = text ? text : ""; *c != '\0'; ++c) {
        const bool space = *c == '\n' || *c == '\t' || *c == ' ';
        if (!space) out.push_back(*c);
        else if (!out.empty() && out.back() != ' ') out.push_back(' ');
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

/// True when a failed statement means the connection is gone: SQLSTATE class 08 (connection
/// exception), 57P01 to 57P03 (the server is shutting down, crashed or is starting up),
/// `PQstatus` reading CONNECTION_BAD after the call, or a fatal error with no SQLSTATE at all
/// (libpq's own "server closed the connection unexpectedly", reported while the status still
/// reads OK). `result` may be null (libpq could not even send).
inline bool connection_lost(PGconn* conn, const PGresult* result, std::string_view sqlstate) noexcept {
    if (sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03") return true;
    if (conn && PQstatus(conn) == CONNECTION_BAD) return true;
    return sqlstate.empty() && (result == nullptr || PQresultStatus(result) == PGRES_FATAL_ERROR);
}

/// Builds the exception for a failed statement: SQLSTATE class 23 becomes
/// relata::constraint_violation, 40001/40P01 relata::transaction_conflict, 57014
/// relata::statement_timeout, a lost connection
/// (`connection_lost`) relata::connection_error. `result` may be null (libpq could not even send).
/// `context` starts the message (e.g. which of many executions failed).
[[noreturn]] inline void throw_error(PGconn* conn, const PGresult* result, std::string_view sql,
                                     std::string_view context = {}) {
    const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    const char* detail_text = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL) : nullptr;
    const char* hint = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_HINT) : nullptr;
    const std::string sqlstate = state ? state : "";
    std::string text = primary ? std::string(primary) : trimmed(result ? PQresultErrorMessage(result) : nullptr);
    if (text.empty()) text = trimmed(conn ? PQerrorMessage(conn) : nullptr);
    if (text.empty()) text = "unknown error";
    std::string message =
        fmt::format("{}PostgreSQL error{}{}: {}", context, sqlstate.empty() ? "" : " ", sqlstate, text);
    // DETAIL ("Key (code)=(a) already exists.") and HINT ("No function matches ... add explicit
    // type casts.") often say more than the primary message; each is cut to 500 characters.
    if (detail_text) message += fmt::format("; DETAIL: {}", relata::detail::excerpt(trimmed(detail_text), 500));
    if (hint) message += fmt::format("; HINT: {}", relata::detail::excerpt(trimmed(hint), 500));

    if (connection_lost(conn, result, sqlstate))
        throw connection_error(message + " (the connection is lost: reconnect() it, or take another from the pool)",
                               std::string(sql), sqlstate);
    if (sqlstate.starts_with("23")) {
        constraint_kind kind = constraint_kind::other;
        if (sqlstate == "23505") kind = constraint_kind::unique;
        else if (sqlstate == "23503") kind = constraint_kind::foreign_key;
        else if (sqlstate == "23502") kind = constraint_kind::not_null;
        else if (sqlstate == "23514") kind = constraint_kind::check;
        throw constraint_violation(kind, message, std::string(sql), sqlstate, 0);
    }
    if (sqlstate == "40001" || sqlstate == "40P01") throw transaction_conflict(message, std::string(sql), sqlstate, 0);
    if (sqlstate == "57014") throw statement_timeout(message, std::string(sql), sqlstate, 0);
    throw database_error(message, std::string(sql), sqlstate, 0);
}

struct pipeline_access;  // relata/postgres/pipeline.hpp

/// Holds the notice callback at a stable address for libpq (connections move).
struct notice_sink {
    std::function<void(std::string_view)> handler;

    static void process(void* self, const char* message) noexcept {
        auto& sink = *static_cast<notice_sink*>(self);
        if (!sink.handler) return;
        try {
            sink.handler(trimmed(message));
        } catch (...) {  // NOLINT(bugprone-empty-catch): libpq calls this from C
        }
    }
};

}  // namespace detail

/// An open PostgreSQL connection. Owns the `PGconn*` and a cache of server-side prepared
/// statements keyed by SQL text, at most `options::statement_cache_capacity` of them (least
/// recently used first out). Not thread-safe: use one connection per thread. Movable,
/// not copyable.
///
/// Each statement is prepared once (`PQprepare`, names `relata_1`, `relata_2`, ...) without
/// declared parameter types, so the server infers each parameter's type from its context; the
/// inferred types (`PQdescribePrepared`) decide how each `relata::value` is sent, whatever
/// the values of the first execution were.
///
/// Both backends' connections also have the members of relata::detail::connection_base,
/// documented in <relata/detail/connection_base.hpp> (implementation detail, so not listed on
/// this page): `execute(sql, arguments...)` (hand-written SQL with `?` placeholders) and
/// `execute(query)` (a write query object), `query<Row>(sql, arguments...)`, `savepoint(name)`,
/// `release_savepoint(name)`, `rollback_to_savepoint(name)`, `on_sql(logger)`,
/// `on_sql_with_parameters(logger)`, `sql_dialect()`, `statement_count()`, `handle_id()` and
/// `cached_statement_count()`.
class connection : public relata::detail::connection_base<connection> {
public:
    using connection_base::execute;  // execute(sql, arguments...), else hidden by the overload below

    /// Connects with `conninfo` — key/value (`"host=localhost dbname=blog user=app"`) or URI
    /// (`"postgresql://app@localhost/blog"`) — then runs
    /// ``SET TimeZone = 'UTC'; SET client_encoding = 'UTF8'``, so TIMESTAMP WITHOUT TIME ZONE
    /// values read and write as UTC.
    /// @throws relata::connection_error when the server cannot be reached or refuses.
    explicit connection(const std::string& conninfo, const options& opts = {})
        : connection_base(postgres_dialect.with_naming(opts.naming)),
          notices_(std::make_unique<detail::notice_sink>(detail::notice_sink{opts.notice_handler})),
          conn_(PQconnectdb(conninfo.c_str())),
          cache_(opts.statement_cache_capacity),
          prepare_statements_(opts.prepared_statements) {
        if (!conn_) throw connection_error("cannot connect to PostgreSQL: libpq is out of memory");
        PQsetNoticeProcessor(conn_.get(), &detail::notice_sink::process, notices_.get());
        set_up();
    }

    /// Opens a new connection to the same server with the same parameters (`PQreset`), after
    /// the old one was lost (relata::connection_error) or to start afresh. Whatever the old
    /// connection had is gone: an open transaction (rolled back by the server), session
    /// settings, server-side prepared statements — the statement cache is emptied, and each
    /// statement is prepared again at its next use. A Session over this connection stays
    /// usable: a transaction it had begun counts as rolled back (its objects go back to their
    /// last commit, as after a failed commit, and a new flush writes them again).
    /// @throws relata::connection_error when the server cannot be reached (the connection
    /// stays closed; call reconnect() again later); relata::database_error while a
    /// relata::stream reads from this connection.
    void reconnect() {
        check_not_streaming("reconnect()");
        if (handle_id_ == 0) throw connection_error("reconnect(): this connection was moved from and holds no database");
        cache_.clear([](const prepared_statement&) { return true; }, [](prepared_statement&&) {});
        PQreset(conn_.get());
        set_up();
    }

    /// True when the connection is usable as far as can be told without a round trip: first
    /// reads whatever the server sent meanwhile without waiting (`PQconsumeInput`) — a server
    /// that shut down or terminated this connection has said so, and libpq then marks the
    /// connection bad — then asks `PQstatus`. A server that vanished without a word is noticed
    /// by the next statement (relata::connection_error). relata::pool asks this on checkout.
    [[nodiscard]] bool is_open() noexcept {
        if (!conn_) return false;
        // Twice: a terminated connection has a FATAL message (read as a notice) and then the
        // end of the stream, which only a second read finds (measured with pg_ctl restart).
        if (PQtransactionStatus(conn_.get()) == PQTRANS_IDLE)
            for (int read = 0; read < 2 && PQconsumeInput(conn_.get()) == 1; ++read) {
            }
        return PQstatus(conn_.get()) == CONNECTION_OK;
    }

    /// Runs a statement with its parameters. @return rows affected (`PQcmdTuples`; 0 for
    /// statements that report none, e.g. CREATE TABLE).
    /// @throws relata::database_error (or a subclass) carrying the SQL and SQLSTATE;
    /// relata::mapping_error when a parameter cannot be sent as the type the server inferred.
    std::int64_t execute(const rendered_query& query) {
        const detail::result_handle result = run(query);
        const std::string_view affected = PQcmdTuples(result.get());
        std::int64_t count = 0;
        std::from_chars(affected.data(), affected.data() + affected.size(), count);
        return count;
    }

    /// Runs a query and calls `callback(const relata::postgres::row&)` for each row. The whole
    /// result is received before the first call, so the callback may run other statements on
    /// this connection.
    /// @throws relata::database_error; relata::mapping_error; exceptions from the callback propagate.
    template <class Callback>
    void for_each_row(const rendered_query& query, Callback&& callback) {
        const detail::result_handle result = run(query);
        row current(result.get());
        std::array<Oid, 16> known;  // local, as `resolved`: callbacks may nest
        std::vector<Oid> resolved;
        current.types_ = result_types(result.get(), known, resolved);
        const int rows = PQntuples(result.get());
        for (int i = 0; i < rows; ++i) {
            current.row_ = i;
            callback(std::as_const(current));
        }
    }

    /// Runs one or more `;`-separated statements without parameters (`PQexec`, the simple
    /// query protocol), e.g. a schema script; rows are discarded. Counts as one statement.
    /// @throws relata::database_error.
    void execute_script(std::string_view sql) { (void)simple(sql); }

    /// Inserts `rows` rows into the columns `shape.columns` of `shape.target` (its `rows` are
    /// ignored) with one `COPY "table" ("c1", ...) FROM STDIN (FORMAT binary)`; `fill(i, row)`
    /// appends row i's values, one per column, to `row`. Each value is sent in the binary form
    /// of its column's type, which the server reports for `INSERT INTO "table" ("c1", ...)
    /// VALUES ($1, ...)` (the unnamed statement, prepared and described: two round trips
    /// before the COPY, so that DDL since the last call is seen). relata::insert_all calls this for large
    /// batches. The COPY is one statement: on an error no row is inserted.
    /// @return the number of rows inserted; std::nullopt, having sent nothing, when a column's
    /// type has no binary COPY encoding in relata (arrays, types relata does not decode), or
    /// when the connection does not prepare statements (`options::prepared_statements`).
    /// @throws relata::database_error (a constraint_violation for a unique or NOT NULL
    /// violation) with the COPY statement and SQLSTATE; relata::mapping_error when a value
    /// cannot be stored in its column's type; exceptions from `fill` propagate.
    template <class Fill>
    std::optional<std::int64_t> copy_rows(const relata::detail::insert_data& shape, std::size_t rows, Fill&& fill) {
        check_not_streaming("insert_all()");
        // Its prepare and describe are two round trips that a transaction-pooling proxy may send
        // to two different servers.
        if (!prepare_statements_) return std::nullopt;
        relata::detail::insert_data probe{shape.target, shape.columns, {}, {}, {}};
        probe.rows.emplace_back(shape.columns.size());
        relata::detail::sql_writer writer(sql_dialect());
        writer.insert(probe);
        // Described afresh each time (the unnamed statement, not the cache): a COPY needs the
        // table's current types, which DDL may have changed since a cached statement was prepared.
        const std::string insert = std::move(writer).take().sql;
        check(detail::result_handle(PQprepare(conn_.get(), "", insert.c_str(), 0, nullptr)), insert);
        const detail::result_handle description(PQdescribePrepared(conn_.get(), ""));
        check(description, insert);
        std::vector<Oid> types(static_cast<std::size_t>(PQnparams(description.get())));
        for (std::size_t i = 0; i < types.size(); ++i) {
            types[i] = types_.resolve(conn_.get(), PQparamtype(description.get(), static_cast<int>(i)));
            if (!detail::copy_supported(types[i])) return std::nullopt;
        }
        std::string sql = "COPY ";
        sql_dialect().append_identifier(sql, shape.target->model->table_name(sql_dialect().naming));
        for (std::size_t i = 0; i < shape.columns.size(); ++i) {
            sql += i == 0 ? " (" : ", ";
            sql_dialect().append_identifier(sql, shape.target->model->column_name(sql_dialect().naming, shape.columns[i]));
        }
        sql += ") FROM STDIN (FORMAT binary)";
        log(sql);
        ++statement_count_;
        return detail::copy_in(conn_.get(), sql, types, rows, std::forward<Fill>(fill),
                               [&](const PGresult* result) { detail::throw_error(conn_.get(), result, sql); });
    }

    /// The most bound parameters one statement may have: 65,535, since the protocol's Bind
    /// message counts them in 16 bits. relata::insert_all splits rows by it.
    [[nodiscard]] static constexpr std::size_t max_parameters() noexcept { return 65'535; }

    /// Begins a transaction: `BEGIN`, or `BEGIN ISOLATION LEVEL READ COMMITTED | REPEATABLE
    /// READ | SERIALIZABLE` for `options.isolation` (`options.mode` is SQLite's and ignored; see
    /// <relata/transaction_options.hpp>). A second BEGIN only draws a server WARNING (discarded
    /// or passed to `options::notice_handler`).
    /// @throws relata::database_error.
    void begin(const transaction_options& options = {}) { execute_script(begin_sql(engine::postgresql, options)); }
    /// True when the open transaction is aborted by a failed statement (`PQtransactionStatus`
    /// is `PQTRANS_INERROR`): every further statement but ROLLBACK (or ROLLBACK TO SAVEPOINT)
    /// fails with SQLSTATE 25P02. Asks libpq only, no round trip.
    [[nodiscard]] bool transaction_aborted() const noexcept {
        return PQtransactionStatus(conn_.get()) == PQTRANS_INERROR;
    }
    /// `COMMIT`.
    /// @throws relata::constraint_violation for deferred constraints;
    /// relata::transaction_conflict for a serialization failure; relata::database_error
    /// (SQLSTATE 25P02) when an earlier statement failed, in which case PostgreSQL rolled the
    /// transaction back instead of committing it.
    void commit() {
        const detail::result_handle result = simple("COMMIT");
        if (std::string_view(PQcmdStatus(result.get())) == "ROLLBACK")
            throw database_error("PostgreSQL error 25P02: COMMIT rolled back the transaction because a "
                                 "statement in it had failed; SQL: COMMIT",
                                 "COMMIT", "25P02", 0);
    }
    /// `ROLLBACK`. Runs whatever the SQL loggers throw (see `on_sql`).
    void rollback() {
        const cleanup_scope cleanup(*this);
        execute_script("ROLLBACK");
    }
    /// True inside BEGIN ... COMMIT/ROLLBACK, also after a failed statement in it
    /// (`PQtransactionStatus` is `PQTRANS_INTRANS` or `PQTRANS_INERROR`).
    [[nodiscard]] bool in_transaction() const noexcept {
        const PGTransactionStatusType status = PQtransactionStatus(conn_.get());
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
    }
    /// Deallocates every cached prepared statement (`DEALLOCATE`, one round trip for all); the
    /// next use of each SQL text prepares it again. Call it after running `DEALLOCATE ALL` or
    /// `DISCARD ALL` yourself inside a transaction.
    /// @throws relata::database_error while a relata::stream reads from this connection, or
    /// when DEALLOCATE fails inside a transaction (outside one a failure is ignored).
    void clear_statement_cache() {
        check_not_streaming("clear_statement_cache()");
        std::string names;
        cache_.clear([](const prepared_statement&) { return true; }, [&](prepared_statement&& statement) {
            if (statement.stale != staleness::none) return;  // the server no longer has it
            names += names.empty() ? "DEALLOCATE " : "; DEALLOCATE ";
            names += statement.name;
        });
        if (!names.empty()) deallocate(names);
    }

    /// The prepared-statement cache's size, capacity, hits, misses and evictions.
    [[nodiscard]] relata::statement_cache_statistics statement_cache_statistics() const noexcept {
        return cache_.statistics();
    }

    /// False when the connection sends every statement unnamed (`options::prepared_statements`).
    [[nodiscard]] bool uses_prepared_statements() const noexcept { return prepare_statements_; }

    /// The raw handle, for libpq features relata does not wrap (COPY, LISTEN/NOTIFY).
    /// Do not close it.
    [[nodiscard]] PGconn* native_handle() const noexcept { return conn_.get(); }

private:
    friend connection_base;  // reads cache_
    friend class cursor;     // relata/postgres/cursor.hpp: single-row mode for relata::stream
    friend struct detail::pipeline_access;  // relata/postgres/pipeline.hpp: execute_pipelined

    // Why a cached statement must be prepared again before its next use.
    enum class staleness {
        none,
        deallocated,     // the server dropped it (DEALLOCATE ALL, DISCARD ALL: SQLSTATE 26000)
        result_changed,  // DDL changed its result columns (0A000 "cached plan must not change result type")
    };

    struct prepared_statement {
        std::string name;                  // relata_<n>
        std::vector<Oid> parameter_types;  // as the server inferred them
        staleness stale = staleness::none;
    };

    // After PQconnectdb or PQreset: checks the connection, then UTC and UTF-8 for the session.
    void set_up() {
        if (PQstatus(conn_.get()) == CONNECTION_BAD)
            throw connection_error(
                fmt::format("cannot connect to PostgreSQL: {}", detail::trimmed(PQerrorMessage(conn_.get()))));
        constexpr std::string_view setup = "SET TimeZone = 'UTC'; SET client_encoding = 'UTF8'";
        check(detail::result_handle(PQexec(conn_.get(), setup.data())), setup);
        // Binary timestamps are int64 microseconds only with integer_datetimes (every server since 10).
        const char* integer_datetimes = PQparameterStatus(conn_.get(), "integer_datetimes");
        if (integer_datetimes && std::string_view(integer_datetimes) != "on")
            throw connection_error("the PostgreSQL server uses floating-point timestamps "
                                   "(integer_datetimes = off); relata needs PostgreSQL 10 or newer");
    }

    static bool succeeded(const PGresult* result) noexcept {
        const ExecStatusType status = PQresultStatus(result);
        return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY;
    }

    /// Throws unless `result` succeeded.
    void check(const detail::result_handle& result, std::string_view sql) {
        if (result && succeeded(result.get())) return;
        if (result) {
            const ExecStatusType status = PQresultStatus(result.get());
            if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH) {
                abandon_copy(status);
                throw database_error("COPY is not supported by execute or for_each_row; use native_handle() "
                                     "with libpq's COPY functions",
                                     std::string(sql), "", 0);
            }
        }
        detail::throw_error(conn_.get(), result.get(), sql);
    }

    // Leaves COPY mode so the connection stays usable.
    void abandon_copy(ExecStatusType status) {
        if (status == PGRES_COPY_OUT) {
            char* buffer = nullptr;
            while (PQgetCopyData(conn_.get(), &buffer, 0) > 0) PQfreemem(buffer);
        } else {
            PQputCopyEnd(conn_.get(), "relata: COPY is not supported by execute; use native_handle()");
        }
        while (PGresult* rest = PQgetResult(conn_.get())) PQclear(rest);
    }

    detail::result_handle simple(std::string_view sql) {
        log(sql);
        ++statement_count_;
        const std::string text(sql);
        detail::result_handle result(PQexec(conn_.get(), text.c_str()));
        check(result, sql);
        return result;
    }

    const prepared_statement& prepared(const std::string& sql) {
        if (prepared_statement* found = cache_.find(sql)) {
            const staleness stale = found->stale;
            if (stale == staleness::none) return *found;
            // In a failed transaction every statement fails anyway: report that with the old one.
            if (PQtransactionStatus(conn_.get()) == PQTRANS_INERROR) return *found;
            if (stale == staleness::result_changed) {
                const std::string deallocate = "DEALLOCATE " + found->name;
                const detail::result_handle ignored(PQexec(conn_.get(), deallocate.c_str()));
            }
            cache_.erase(sql, [](prepared_statement&&) {});
        }
        std::string name = fmt::format("relata_{}", ++statement_names_);
        // nParamTypes 0: the server infers every parameter's type from the statement.
        check(detail::result_handle(PQprepare(conn_.get(), name.c_str(), sql.c_str(), 0, nullptr)), sql);
        const detail::result_handle description(PQdescribePrepared(conn_.get(), name.c_str()));
        check(description, sql);
        std::vector<Oid> types(static_cast<std::size_t>(PQnparams(description.get())));
        for (std::size_t i = 0; i < types.size(); ++i) types[i] = PQparamtype(description.get(), static_cast<int>(i));
        // An enum parameter is sent as text, a domain's as its base type.
        for (Oid& type : types) type = types_.resolve(conn_.get(), type);
        // The result columns' enums and domains are looked up now, while the connection is
        // free: a stream of this statement decodes them from the cache (a stream cannot query).
        for (int i = 0; i < PQnfields(description.get()); ++i) (void)types_.resolve(conn_.get(), PQftype(description.get(), i));
        prepared_statement& inserted = cache_.insert(sql, prepared_statement{std::move(name), std::move(types)});
        // Beyond the capacity the least recently used statement is deallocated. Nothing runs
        // while a stream reads (the connection refuses it), so no statement is in use here.
        cache_.trim([](const prepared_statement&) { return true; }, [&](prepared_statement&& evicted) {
            if (evicted.stale == staleness::none) deallocate("DEALLOCATE " + evicted.name);
        });
        return inserted;
    }

    // Sends DEALLOCATE statements (not logged or counted: housekeeping, like the prepare).
    // Outside a transaction a failure (the server dropped the statement already) is ignored;
    // inside one it has aborted the transaction, which the caller must learn.
    void deallocate(const std::string& sql) {
        const detail::result_handle result(PQexec(conn_.get(), sql.c_str()));
        if (result && succeeded(result.get())) return;
        if (PQtransactionStatus(conn_.get()) == PQTRANS_IDLE) return;
        check(result, sql);
    }

    void bind(const prepared_statement& statement, const rendered_query& query) {
        const std::size_t count = query.parameters.size();
        if (count != statement.parameter_types.size())
            throw database_error(
                fmt::format("the statement has {} placeholders but {} values were given",
                            statement.parameter_types.size(), count),
                query.sql, "", 0);
        scratch_.clear();
        encoded_.resize(count);
        for (std::size_t i = 0; i < count; ++i)
            detail::encode_parameter(query.parameters[i], statement.parameter_types[i], i + 1, query.sql, scratch_,
                                     encoded_[i]);
        // Pointers into scratch_ are taken only now: encoding may have reallocated it.
        values_.resize(count);
        lengths_.resize(count);
        formats_.resize(count);
        for (std::size_t i = 0; i < count; ++i) {
            const detail::encoded_parameter& p = encoded_[i];
            values_[i] = p.is_null ? nullptr : p.direct ? p.direct : scratch_.data() + p.offset;
            lengths_[i] = p.length;
            formats_[i] = p.format;
        }
    }

    // A cached statement the server no longer has (DEALLOCATE ALL, DISCARD ALL: 26000) or
    // whose result columns changed after DDL (0A000 "cached plan must not change result type").
    static staleness staleness_of(const PGresult* result) noexcept {
        const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
        if (!state) return staleness::none;
        const std::string_view sqlstate(state);
        if (sqlstate == "26000") return staleness::deallocated;
        const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
        if (sqlstate == "0A000" && primary && std::string_view(primary).starts_with("cached plan must not change"))
            return staleness::result_changed;
        return staleness::none;
    }

    detail::result_handle run(const rendered_query& query) {
        check_parameter_limit(query);
        log(query.sql, query.parameters);
        ++statement_count_;
        if (!prepare_statements_ || query.parameters.size() > describe_limit) return run_unprepared(query);
        for (bool retried = false;; retried = true) {
            const prepared_statement& statement = prepared(query.sql);
            bind(statement, query);
            // Results in binary format (resultFormat 1); parameters binary for integers, floats,
            // bool, bytea, timestamps and dates, text for the rest (see detail::encode_parameter).
            // Measured 2026-11-23, 2 cores, PostgreSQL 15 over a Unix socket, libpq 15, g++ -O2;
            // ranges over 4 sessions, each the median of 11 runs. Reading 100k rows of (bigint,
            // double precision, timestamptz, bytea(64), text) into C++ values took 125-171 ms in
            // text format (68-93 ms exec+transfer, 57-79 ms decoding) and 56-64 ms in binary
            // (46-51 + 9-13).
            // Per column, text -> binary: double 34-47 -> 14-27 ms, timestamptz 27-49 -> 14-27 ms,
            // bytea 62-68 -> 25-37 ms (hex text doubles the bytes), bigint 18-30 -> 13-29 ms,
            // text 19-30 -> 18-32 ms (the same bytes either way: no difference).
            // 20k prepared INSERTs of the same five values: 320 ms with text parameters, 216 ms
            // with binary ones on an idle machine; 2.5-2.8 s vs 2.3-2.5 s at load average 2.7.
            detail::result_handle result(PQexecPrepared(conn_.get(), statement.name.c_str(),
                                                        static_cast<int>(values_.size()), values_.data(),
                                                        lengths_.data(), formats_.data(), 1));
            if (result && succeeded(result.get())) return result;
            if (const staleness stale = result ? staleness_of(result.get()) : staleness::none;
                stale != staleness::none) {
                if (prepared_statement* cached = cache_.peek(query.sql)) cached->stale = stale;  // prepared again next use
                // Outside a transaction nothing was lost: retry now. Inside one, the failure has
                // aborted it, so report it.
                if (!retried && PQtransactionStatus(conn_.get()) == PQTRANS_IDLE) continue;
            }
            check(result, query.sql);
        }
    }

    // libpq before 16 drops the connection ("lost synchronization with server") when a
    // ParameterDescription message — 4 bytes per parameter, what PQdescribePrepared asks for —
    // exceeds 30,000 bytes. Statements with more parameters (multi-row INSERTs, long IN lists)
    // are therefore not prepared: they are sent with PQexecParams, with each parameter's type
    // declared from its value (bigint, double precision, boolean, bytea, timestamp, date) or
    // left to the server (text, NULL).
    static constexpr std::size_t describe_limit = 7'000;

    detail::result_handle run_unprepared(const rendered_query& query) {
        prepared_statement statement;
        statement.parameter_types.reserve(query.parameters.size());
        for (const value& v : query.parameters) statement.parameter_types.push_back(detail::declared_type(v));
        bind(statement, query);
        detail::result_handle result(PQexecParams(conn_.get(), query.sql.c_str(), static_cast<int>(values_.size()),
                                                  statement.parameter_types.data(), values_.data(), lengths_.data(),
                                                  formats_.data(), 1));
        check(result, query.sql);
        return result;
    }

    // Enum and domain columns decode as text and as their base type (detail::type_cache).
    // Empty when every column's type is known to the decoder (the usual case: no allocation).
    // The type of each column of `result`, for rows to decode without a PQftype call per value
    // (65 of the 2,400 client instructions a 5-column row cost): in `known` when every type is
    // one relata decodes and they fit (no allocation), else in `resolved`, with enums and
    // domains resolved to their base types (a catalog query for a type not seen before).
    // `known_only`: resolve enums and domains from earlier lookups only, without a query (a
    // stream's results, which arrive while the connection is busy).
    const Oid* result_types(const PGresult* result, std::array<Oid, 16>& known, std::vector<Oid>& resolved,
                            bool known_only = false) {
        const int columns = PQnfields(result);
        bool all_known = true;
        for (int i = 0; i < columns && all_known; ++i) {
            const Oid type = PQftype(result, i);
            all_known = detail::is_known_type(type);
            if (static_cast<std::size_t>(i) < known.size()) known[static_cast<std::size_t>(i)] = type;
        }
        if (all_known && static_cast<std::size_t>(columns) <= known.size()) return known.data();
        resolved.reserve(static_cast<std::size_t>(columns));
        for (int i = 0; i < columns; ++i)
            resolved.push_back(all_known    ? PQftype(result, i)
                               : known_only ? types_.resolve_known(PQftype(result, i))
                                            : types_.resolve(conn_.get(), PQftype(result, i)));
        return resolved.data();
    }

    std::unique_ptr<detail::notice_sink> notices_;  // declared before conn_: outlives it
    detail::connection_handle conn_;
    relata::detail::statement_cache<prepared_statement> cache_;
    std::uint64_t statement_names_ = 0;
    // Scratch space for binding, reused by every execution (the result is complete before a
    // row callback can start another statement).
    std::string scratch_;
    std::vector<detail::encoded_parameter> encoded_;
    std::vector<const char*> values_;
    std::vector<int> lengths_;
    std::vector<int> formats_;
    detail::type_cache types_;
    bool prepare_statements_ = true;  // options::prepared_statements
};

static_assert(relata::result_row<row>, "relata: relata::postgres::row must satisfy relata::result_row");
static_assert(relata::connection<connection>, "relata: relata::postgres::connection must satisfy relata::connection");

/// Connects to PostgreSQL: `relata::postgres::connect("host=localhost dbname=blog user=app")`
/// or `connect("postgresql://app:secret@db.example.com:5432/blog?sslmode=require")`.
/// The session runs with ``TimeZone = 'UTC'`` and ``client_encoding = 'UTF8'``.
/// @throws relata::connection_error when the server cannot be reached or refuses.
[[nodiscard]] inline connection connect(const std::string& conninfo, const options& opts = {}) {
    return connection(conninfo, opts);
}

}  // namespace relata::postgres
