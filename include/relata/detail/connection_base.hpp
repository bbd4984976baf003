#pragma once
/// @file
/// What the backend connections share, whatever the engine: `relata::detail::connection_base`.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "relata/connection.hpp"
#include "relata/detail/format.hpp"
#include "relata/detail/reflection.hpp"
#include "relata/error.hpp"
#include "relata/raw_sql.hpp"
#include "relata/sql/dialect.hpp"
#include "relata/sql/placeholders.hpp"
#include "relata/sql/render.hpp"
#include "relata/types.hpp"

namespace relata::detail {

// The engine-independent half of `relata::sqlite::connection` and
// `relata::postgres::connection` (CRTP): hand-written SQL, savepoints, logging and counters,
// written once against Derived's `execute(const rendered_query&)`, `for_each_row`,
// `execute_script` and statement cache `cache_`. Derived befriends this class (for `cache_`)
// and says `using connection_base::execute;`, else its `execute(const rendered_query&)` hides
// the `execute(sql, arguments...)` below.
template <class Derived>
class connection_base {
public:
    /// Called with the SQL text of every statement before it runs.
    using sql_logger = std::function<void(std::string_view sql)>;

    /// The engine's dialect (`relata::sqlite_dialect`, or `relata::postgres_dialect` with `$1`
    /// placeholders) with this connection's naming convention.
    [[nodiscard]] const dialect& sql_dialect() const noexcept { return dialect_; }

    /// Runs hand-written SQL with `?` placeholders bound to `arguments`, on both engines
    /// (see <relata/sql/placeholders.hpp>): `db.execute("DELETE FROM post WHERE votes < ?", 0)`
    /// runs as `... votes < $1` on PostgreSQL.
    /// @return rows changed (SQLite) or affected (PostgreSQL), as `execute(const rendered_query&)`.
    /// @throws relata::placeholder_error for `$1`-style placeholders or a count mismatch; as
    /// `execute(const rendered_query&)`.
    template <class... Arguments>
    std::int64_t execute(std::string_view sql, const Arguments&... arguments) {
        return self().execute(hand_written_query(sql, dialect_, {argument_value(arguments)...}));
    }

    /// Runs an INSERT, UPDATE or DELETE query object (see <relata/query/update.hpp>):
    /// `db.execute(relata::update<Post>().set(p.votes, 0).where(p.votes < 0))`.
    /// @return the number of rows it changed.
    /// @throws as `execute(const rendered_query&)`.
    template <class Query>
        requires is_write_query<Query>
    std::int64_t execute(const Query& query) {
        return self().execute(to_sql(query, dialect_));
    }

    /// Runs hand-written SQL with `?` placeholders and reads every row into Row: a
    /// RELATA_MODEL struct **by column name** (the mapped column name or the C++ member name,
    /// ignoring case), a std::tuple by position, or a single value. The same as
    /// `relata::query<Row>(db, sql, arguments...)` (<relata/raw_sql.hpp>), which generic code
    /// can call without `db.template query<Row>`.
    /// `db.query<TopCustomer>("SELECT name, COUNT(*) AS total FROM ... WHERE country = ?", "USA")`.
    /// @return a `relata::query_result<Row>` (a container of rows, with `column_names()`).
    /// @throws relata::placeholder_error; relata::mapping_error (missing or unexpected columns,
    /// all listed; NULL into a non-optional member; a value that does not fit);
    /// relata::database_error.
    template <class Row, class... Arguments>
    [[nodiscard]] query_result<Row> query(std::string_view sql, const Arguments&... arguments) {
        return relata::query<Row>(self(), sql, arguments...);
    }

    /// `SAVEPOINT "name"` (on PostgreSQL, inside a transaction).
    void savepoint(std::string_view name) { self().execute_script(savepoint_sql("SAVEPOINT ", name)); }
    /// `RELEASE SAVEPOINT "name"`.
    void release_savepoint(std::string_view name) { self().execute_script(savepoint_sql("RELEASE SAVEPOINT ", name)); }
    /// `ROLLBACK TO SAVEPOINT "name"` (on PostgreSQL, also recovers a transaction after a failed
    /// statement). Runs whatever the SQL loggers throw (see `on_sql`).
    void rollback_to_savepoint(std::string_view name) {
        const cleanup_scope cleanup(*this);
        self().execute_script(savepoint_sql("ROLLBACK TO SAVEPOINT ", name));
    }

    /// Statements executed on this connection so far (queries, writes, BEGIN/COMMIT, scripts;
    /// on PostgreSQL not the session setup run by the constructor).
    [[nodiscard]] std::uint64_t statement_count() const noexcept { return statement_count_; }

    /// Installs a callback that receives the SQL text of every statement before it runs
    /// (an empty function turns logging off). An exception the logger throws stops that
    /// statement from running and reaches the caller; ROLLBACK and ROLLBACK TO SAVEPOINT are the
    /// exception: they clean up after failures, so they run anyway and the logger's exception is
    /// discarded (a Session or relata::transaction never leaves a transaction open because its
    /// logger threw). The same holds for `on_sql_with_parameters`.
    void on_sql(sql_logger logger) { logger_ = std::move(logger); }

    /// Called with the SQL text of every statement and the values bound to its placeholders,
    /// in placeholder order, before it runs (`relata::describe_parameters` formats them).
    /// Off by default — bound values may be secrets; set it only where logs may hold them.
    using sql_parameter_logger = std::function<void(std::string_view sql, std::span<const value> parameters)>;

    /// Installs a callback that receives every statement's SQL text and its bound values (an
    /// empty function turns it off). Runs after the `on_sql` logger, if both are set.
    void on_sql_with_parameters(sql_parameter_logger logger) { parameter_logger_ = std::move(logger); }

    /// Identifies the database handle this object holds: unique per handle opened in this
    /// process, kept by `reconnect()`, carried along by a move, and 0 in a moved-from
    /// connection. A Session remembers it and refuses to run on a connection that was moved
    /// from or move-assigned another database.
    [[nodiscard]] std::uint64_t handle_id() const noexcept { return handle_id_; }

    /// Number of prepared statements currently cached.
    [[nodiscard]] std::size_t cached_statement_count() const noexcept { return self().cache_.size(); }

protected:
    explicit connection_base(const dialect& sql_dialect) : dialect_(sql_dialect), handle_id_(next_handle_id()) {}
    // Only as part of a Derived: no slicing copies, no deletion through this type. A move
    // carries the handle's id along; the moved-from connection is left with 0 (no database).
    connection_base(connection_base&& other) noexcept
        : streaming_(std::exchange(other.streaming_, false)),
          cleaning_up_(std::exchange(other.cleaning_up_, false)),
          dialect_(other.dialect_),
          statement_count_(other.statement_count_),
          logger_(std::move(other.logger_)),
          parameter_logger_(std::move(other.parameter_logger_)),
          handle_id_(std::exchange(other.handle_id_, 0)) {}
    connection_base& operator=(connection_base&& other) noexcept {
        streaming_ = std::exchange(other.streaming_, false);
        cleaning_up_ = std::exchange(other.cleaning_up_, false);
        dialect_ = other.dialect_;
        statement_count_ = other.statement_count_;
        logger_ = std::move(other.logger_);
        parameter_logger_ = std::move(other.parameter_logger_);
        handle_id_ = std::exchange(other.handle_id_, 0);
        return *this;
    }
    ~connection_base() = default;

    // Every statement passes here before it is sent.
    void log(std::string_view sql, std::span<const value> parameters = {}) {
        check_has_database(sql);
        if (streaming_) refuse_while_streaming(sql);
        if (cleaning_up_) {
            try {
                if (logger_) logger_(sql);
            } catch (...) {  // NOLINT(bugprone-empty-catch): a cleanup statement runs whatever the logger does
            }
            try {
                if (parameter_logger_) parameter_logger_(sql, parameters);
            } catch (...) {  // NOLINT(bugprone-empty-catch): as above
            }
            return;
        }
        if (logger_) logger_(sql);
        if (parameter_logger_) parameter_logger_(sql, parameters);
    }

    // While one lives, statements are cleanup (ROLLBACK, ROLLBACK TO SAVEPOINT): `log` calls the
    // loggers but discards what they throw, so the statement still runs.
    class cleanup_scope {
    public:
        explicit cleanup_scope(connection_base& connection) noexcept
            : connection_(connection), outer_(std::exchange(connection.cleaning_up_, true)) {}
        cleanup_scope(const cleanup_scope&) = delete;
        cleanup_scope& operator=(const cleanup_scope&) = delete;
        ~cleanup_scope() { connection_.cleaning_up_ = outer_; }

    private:
        connection_base& connection_;
        bool outer_;
    };

    // Throws as any statement would while a relata::stream reads from this connection.
    void check_not_streaming(std::string_view what) const {
        if (streaming_) refuse_while_streaming(what);
    }

    // Every statement with parameters passes here before it is sent: more parameters than the
    // engine accepts is a relata::parameter_limit_error naming both numbers, not the engine's
    // own error (PostgreSQL's protocol counts parameters in 16 bits and would misreport them).
    void check_parameter_limit(const rendered_query& query) const {
        check_has_database(query.sql);
        const std::size_t limit = self().max_parameters();
        if (query.parameters.size() <= limit) return;
        throw parameter_limit_error(
            detail::format("the statement has {} bound parameters; {} accepts at most {} in one statement "
                           "(split the list, or use relata::insert_all, which splits rows by itself)",
                           query.parameters.size(),
                           dialect_.engine == engine::postgresql ? "PostgreSQL" : "this SQLite build", limit),
            query.sql, "", 0);
    }

    // True while a relata::stream reads from this connection (<relata/stream.hpp>): every other
    // statement is refused, so that libpq never silently drains the stream to start another.
    bool streaming_ = false;
    // True while a cleanup statement runs (cleanup_scope).
    bool cleaning_up_ = false;

    dialect dialect_;
    std::uint64_t statement_count_ = 0;
    sql_logger logger_;
    sql_parameter_logger parameter_logger_;
    std::uint64_t handle_id_ = 0;

    // Throws for a moved-from connection, before anything touches its (null) handle.
    void check_has_database(std::string_view sql) const {
        if (handle_id_ == 0)
            throw connection_error("this connection was moved from and holds no database; use the connection it "
                                   "was moved to",
                                   std::string(sql), "");
    }

private:

    static std::uint64_t next_handle_id() noexcept {
        static std::atomic<std::uint64_t> last{0};
        return last.fetch_add(1, std::memory_order_relaxed) + 1;
    }

    Derived& self() noexcept { return static_cast<Derived&>(*this); }
    const Derived& self() const noexcept { return static_cast<const Derived&>(*this); }

    [[noreturn]] static void refuse_while_streaming(std::string_view sql) {
        throw database_error("a relata::stream is still reading from this connection: finish or destroy it "
                             "before running another statement, or use a second connection",
                             std::string(sql), "", 0);
    }

    std::string savepoint_sql(std::string_view verb, std::string_view name) const {
        std::string sql(verb);
        dialect_.append_identifier(sql, name);
        return sql;
    }
};

}  // namespace relata::detail
