#pragma once
/// @file
/// The SQLite backend: `relata::sqlite::connect` and `relata::sqlite::connection`.

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include <sqlite3.h>

#include "relata/connection.hpp"
#include "relata/detail/connection_base.hpp"
#include "relata/detail/format.hpp"
#include "relata/detail/reflection.hpp"
#include "relata/detail/statement_cache.hpp"
#include "relata/error.hpp"
#include "relata/sql/dialect.hpp"
#include "relata/sql/render.hpp"
#include "relata/transaction_options.hpp"
#include "relata/types.hpp"

namespace relata::sqlite {

/// Options for `relata::sqlite::connect`.
struct options {
    /// `PRAGMA foreign_keys = ON` (SQLite's default is OFF).
    bool foreign_keys = true;
    /// How long a statement waits for another connection's lock before failing with
    /// `relata::transaction_conflict` (`sqlite3_busy_timeout`), in milliseconds.
    std::chrono::milliseconds busy_timeout{5000};
    /// `PRAGMA journal_mode = WAL`: readers do not block the writer (ignored for `:memory:`).
    bool write_ahead_log = false;
    /// Open read-only (`SQLITE_OPEN_READONLY`); otherwise read-write, creating the file if needed.
    bool read_only = false;
    /// How default table and column names are derived (e.g. `relata::naming::pascal_case` for
    /// the Chinook database).
    relata::naming naming = relata::naming::standard;
    /// The most prepared statements the connection keeps (one per distinct SQL text); one more
    /// finalizes the least recently used (`sqlite3_finalize`). At least 1.
    std::size_t statement_cache_capacity = 256;
};

namespace detail {

struct database_closer {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct statement_finalizer {
    void operator()(sqlite3_stmt* statement) const noexcept { sqlite3_finalize(statement); }
};
using database_handle = std::unique_ptr<sqlite3, database_closer>;
using statement_handle = std::unique_ptr<sqlite3_stmt, statement_finalizer>;

/// Builds the exception for a failed SQLite call: constraint codes become
/// relata::constraint_violation, SQLITE_BUSY/LOCKED relata::transaction_conflict.
[[noreturn]] inline void throw_error(sqlite3* db, int code, std::string_view sql) {
    const int extended = db ? sqlite3_extended_errcode(db) : code;
    const std::string message =
        relata::detail::format("SQLite error {} ({}): {}", extended, sqlite3_errstr(extended), db ? sqlite3_errmsg(db) : "");
    const int primary = extended & 0xff;
    if (primary == SQLITE_CONSTRAINT) {
        constraint_kind kind = constraint_kind::other;
        switch (extended) {
            case SQLITE_CONSTRAINT_UNIQUE:
            case SQLITE_CONSTRAINT_PRIMARYKEY: kind = constraint_kind::unique; break;
            case SQLITE_CONSTRAINT_FOREIGNKEY: kind = constraint_kind::foreign_key; break;
            case SQLITE_CONSTRAINT_NOTNULL: kind = constraint_kind::not_null; break;
            case SQLITE_CONSTRAINT_CHECK: kind = constraint_kind::check; break;
            default: break;
        }
        throw constraint_violation(kind, message, std::string(sql), "", extended);
    }
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
        throw transaction_conflict(message, std::string(sql), "", extended);
    if (primary == SQLITE_CANTOPEN || primary == SQLITE_NOTADB) throw connection_error(message, std::string(sql), "");
    throw database_error(message, std::string(sql), "", extended);
}

/// True when `sql` holds no statement: only whitespace, `;`, `-- ...` and `/* ... */` comments
/// (an unterminated `/*` comment runs to the end, as in SQLite).
constexpr bool only_whitespace_and_comments(std::string_view sql) noexcept {
    std::size_t i = 0;
    while (i < sql.size()) {
        const char c = sql[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == ';') {
            ++i;
        } else if (sql.substr(i, 2) == "--") {
            const std::size_t end = sql.find('\n', i);
            i = end == std::string_view::npos ? sql.size() : end + 1;
        } else if (sql.substr(i, 2) == "/*") {
            const std::size_t end = sql.find("*/", i + 2);
            i = end == std::string_view::npos ? sql.size() : end + 2;
        } else {
            return false;
        }
    }
    return true;
}

}  // namespace detail

/// A row of a result, valid inside a `for_each_row` callback.
class row {
public:
    /// A view of the current row of `statement` (a statement that `sqlite3_step` has just
    /// moved to a row); reads no data until `cell` is called.
    explicit row(sqlite3_stmt* statement) noexcept : statement_(statement) {}

    /// Number of result columns.
    [[nodiscard]] std::size_t size() const noexcept { return static_cast<std::size_t>(sqlite3_column_count(statement_)); }

    /// The value of column `index` (0-based) as SQLite stores it: NULL, integer, real, text or
    /// blob. Borrowed: valid until the callback returns.
    /// Reads the column's value once (`sqlite3_column_value`) and then through the
    /// `sqlite3_value_*` functions: one type check and one read per cell, without the per-call
    /// statement lookup and error bookkeeping of each `sqlite3_column_*` call. SQLite restricts
    /// the unprotected value `sqlite3_column_value` returns only in a multithreaded environment
    /// (https://sqlite.org/c3ref/column_blob.html); a connection is used by one thread at a time
    /// (`SQLITE_OPEN_NOMUTEX`).
    [[nodiscard]] relata::cell cell(std::size_t index) const noexcept {
        sqlite3_value* value = sqlite3_column_value(statement_, static_cast<int>(index));
        switch (sqlite3_value_type(value)) {
            case SQLITE_INTEGER: return static_cast<std::int64_t>(sqlite3_value_int64(value));
            case SQLITE_FLOAT: return sqlite3_value_double(value);
            case SQLITE_TEXT: {
                const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(value));
                return std::string_view(text, static_cast<std::size_t>(sqlite3_value_bytes(value)));
            }
            case SQLITE_BLOB: {
                const auto* data = static_cast<const std::byte*>(sqlite3_value_blob(value));
                return std::span<const std::byte>(data, static_cast<std::size_t>(sqlite3_value_bytes(value)));
            }
            default: return std::monostate{};
        }
    }

    /// The name of column `index` as the query spells it.
    [[nodiscard]] std::string_view column_name(std::size_t index) const noexcept {
        const char* name = sqlite3_column_name(statement_, static_cast<int>(index));
        return name ? std::string_view(name) : std::string_view();
    }

private:
    sqlite3_stmt* statement_;
};

/// An open SQLite database. Owns the `sqlite3*` handle and a cache of prepared statements
/// keyed by SQL text, at most `options::statement_cache_capacity` of them (least recently used
/// first out). A connection belongs to one thread at a time: it is opened with
/// `SQLITE_OPEN_NOMUTEX` (SQLite's multi-thread mode), so using it from two threads at once is
/// undefined behaviour; use one connection per thread (handing one over between threads is
/// fine). Movable, not copyable.
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

    /// Opens `path` (`":memory:"` for a private in-memory database) with `opts`.
    /// @throws relata::connection_error when the file cannot be opened.
    connection(const std::string& path, const options& opts = {})
        : connection_base(sqlite_dialect.with_naming(opts.naming)), cache_(opts.statement_cache_capacity) {
        sqlite3* raw = nullptr;
        const int flags = opts.read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        // SQLITE_OPEN_NOMUTEX: a connection belongs to one thread at a time, so SQLite's
        // per-call mutex (serialized mode) protects nothing and costs every column read.
        const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
        db_.reset(raw);  // owned even when opening failed, as sqlite3_open_v2 requires
        if (rc != SQLITE_OK) {
            throw connection_error(relata::detail::format("cannot open SQLite database '{}': {} ({})", path,
                                                          raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc), rc));
        }
        sqlite3_extended_result_codes(db_.get(), 1);
        // A double-quoted name that matches no column is an error, not a string literal
        // (SQLite's legacy "DQS" behaviour would read a misspelled column as its own name).
        // https://sqlite.org/quirks.html#dblquote; SQLITE_DBCONFIG_DQS_* since 3.29.
        sqlite3_db_config(db_.get(), SQLITE_DBCONFIG_DQS_DML, 0, nullptr);
        sqlite3_db_config(db_.get(), SQLITE_DBCONFIG_DQS_DDL, 0, nullptr);
        sqlite3_busy_timeout(db_.get(), static_cast<int>(opts.busy_timeout.count()));
        if (opts.foreign_keys) execute_script("PRAGMA foreign_keys = ON");
        if (opts.write_ahead_log && path != ":memory:") execute_script("PRAGMA journal_mode = WAL");
    }

    /// Runs one statement with its parameters. @return rows changed (`sqlite3_changes64`).
    /// @throws relata::database_error (or a subclass) carrying the SQL and extended code, also
    /// when the SQL holds no statement or more than one (use `execute_script` for several);
    /// relata::mapping_error for a NaN parameter (SQLite would store NULL) or a date or
    /// timestamp outside the years 0000-9999 (stored as ISO-8601 text).
    std::int64_t execute(const rendered_query& query) {
        run(query, [](const row&) {});
        return static_cast<std::int64_t>(sqlite3_changes64(db_.get()));
    }

    /// Runs one query and calls `callback(const relata::sqlite::row&)` for each row.
    /// @throws as `execute`; exceptions from the callback propagate.
    template <class Callback>
    void for_each_row(const rendered_query& query, Callback&& callback) {
        run(query, callback);
    }

    /// Runs one or more `;`-separated statements without parameters (`sqlite3_exec`), e.g. a
    /// schema script. Counts as one statement.
    /// @throws relata::database_error.
    void execute_script(std::string_view sql) {
        log(sql);
        ++statement_count_;
        const std::string text(sql);
        const int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, nullptr);
        if (rc != SQLITE_OK) detail::throw_error(db_.get(), rc, sql);
    }

    /// The most bound parameters one statement may have: this build's
    /// `SQLITE_LIMIT_VARIABLE_NUMBER` (32,766 by default since SQLite 3.32; Debian's build
    /// allows 250,000). relata::insert_all splits rows by it.
    [[nodiscard]] std::size_t max_parameters() const noexcept {
        return static_cast<std::size_t>(sqlite3_limit(db_.get(), SQLITE_LIMIT_VARIABLE_NUMBER, -1));
    }

    /// Begins a transaction: `BEGIN`, or with `options.mode` `BEGIN IMMEDIATE` / `BEGIN
    /// EXCLUSIVE` (see <relata/transaction_options.hpp>). SQLite transactions are serializable.
    /// @throws relata::database_error when a transaction is already open, or for an
    /// `options.isolation` other than serializable (no SQL is sent then);
    /// relata::transaction_conflict when IMMEDIATE/EXCLUSIVE cannot get the lock within the busy
    /// timeout (SQLITE_BUSY).
    void begin(const transaction_options& options = {}) { execute_script(begin_sql(engine::sqlite, options)); }
    /// `COMMIT`. @throws relata::database_error (e.g. deferred foreign key failures).
    void commit() { execute_script("COMMIT"); }
    /// `ROLLBACK`. Runs whatever the SQL loggers throw (see `on_sql`).
    void rollback() {
        const cleanup_scope cleanup(*this);
        execute_script("ROLLBACK");
    }
    /// True while the connection holds an open database (false once moved from). A SQLite
    /// connection is not lost the way a server connection is; relata::pool asks every backend.
    [[nodiscard]] bool is_open() const noexcept { return db_ != nullptr; }
    /// True inside BEGIN ... COMMIT/ROLLBACK (`!sqlite3_get_autocommit`).
    [[nodiscard]] bool in_transaction() const noexcept { return db_ && sqlite3_get_autocommit(db_.get()) == 0; }
    /// Always false: after a failed statement a SQLite transaction either stays usable or is
    /// ended by the engine (then `in_transaction()` is false). PostgreSQL's twin reports 25P02.
    [[nodiscard]] static constexpr bool transaction_aborted() noexcept { return false; }
    /// Finalizes every cached prepared statement (a statement a running query is stepping is
    /// kept until it finishes); the next use of each SQL text prepares it again.
    /// @throws relata::database_error while a relata::stream reads from this connection.
    void clear_statement_cache() {
        check_not_streaming("clear_statement_cache()");
        cache_.clear([](const cached_statement& s) { return !s.in_use; }, [](cached_statement&&) {});
    }

    /// The prepared-statement cache's size, capacity, hits, misses and evictions.
    [[nodiscard]] relata::statement_cache_statistics statement_cache_statistics() const noexcept {
        return cache_.statistics();
    }

    /// The rowid of the row the most recent successful INSERT on this connection wrote
    /// (`sqlite3_last_insert_rowid`; 0 before any). An INSERT that fails or inserts no row, or
    /// one run by a trigger once the trigger has finished, leaves it unchanged. The Session
    /// reads generated keys this way where the key column is the rowid (see `is_rowid_alias`).
    [[nodiscard]] std::int64_t last_insert_rowid() const noexcept {
        return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db_.get()));
    }

    /// True when `column` of `table` is an alias of the table's rowid, so that
    /// `last_insert_rowid()` is the column's value in the row an INSERT wrote: the table's only
    /// PRIMARY KEY column, declared `INTEGER`, in a rowid table (no automatic primary-key index:
    /// not WITHOUT ROWID, not the `INTEGER PRIMARY KEY DESC` quirk). Reads the schema through
    /// `sqlite3_table_column_metadata` and `pragma_index_list` (since SQLite 3.16), not counted
    /// in `statement_count()` and not logged. https://sqlite.org/lang_createtable.html#rowid
    /// @return false also when the table or column does not exist.
    [[nodiscard]] bool is_rowid_alias(std::string_view table, std::string_view column) const {
        const std::string table_name(table);
        const std::string column_name(column);
        const char* declared = nullptr;
        const char* collation = nullptr;
        int not_null = 0;
        int primary_key = 0;
        int autoincrement = 0;
        if (sqlite3_table_column_metadata(db_.get(), nullptr, table_name.c_str(), column_name.c_str(), &declared,
                                          &collation, &not_null, &primary_key, &autoincrement) != SQLITE_OK)
            return false;
        if (primary_key == 0 || declared == nullptr || sqlite3_stricmp(declared, "INTEGER") != 0) return false;
        sqlite3_stmt* raw = nullptr;
        constexpr std::string_view sql = "SELECT count(*) FROM pragma_index_list(?1) WHERE origin = 'pk'";
        if (sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &raw, nullptr) != SQLITE_OK)
            return false;
        const detail::statement_handle statement(raw);
        sqlite3_bind_text64(raw, 1, table_name.data(), table_name.size(), SQLITE_STATIC, SQLITE_UTF8);
        return sqlite3_step(raw) == SQLITE_ROW && sqlite3_column_int64(raw, 0) == 0;
    }

    /// The raw handle, for SQLite features relata does not wrap. Do not close it.
    [[nodiscard]] sqlite3* native_handle() const noexcept { return db_.get(); }

private:
    friend connection_base;  // reads cache_
    friend class cursor;     // relata/sqlite/cursor.hpp: steps a statement for relata::stream

    struct cached_statement {
        detail::statement_handle handle;
        bool in_use = false;
    };

    // The cached statement for `sql`, prepared and cached on a miss (evicting the least
    // recently used statement not in use beyond the capacity); null when the cached one is in
    // use (a query run from a row callback), with a fresh, uncached statement in `fresh`.
    cached_statement* acquire(const std::string& sql, detail::statement_handle& fresh) {
        if (cached_statement* found = cache_.find(sql)) {
            if (!found->in_use) return found;
            fresh = prepare(sql);
            return nullptr;
        }
        cached_statement& inserted = cache_.insert(sql, cached_statement{prepare(sql), false});
        cache_.trim([](const cached_statement& s) { return !s.in_use; }, [](cached_statement&&) {});
        return &inserted;
    }

    // Never returns a null handle: SQL without a statement, or with a second one that
    // sqlite3_prepare_v3 would silently ignore, throws instead.
    detail::statement_handle prepare(const std::string& sql) {
        sqlite3_stmt* raw = nullptr;
        const char* tail = nullptr;
        const int rc = sqlite3_prepare_v3(db_.get(), sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                          &raw, &tail);
        detail::statement_handle handle(raw);
        if (rc != SQLITE_OK) detail::throw_error(db_.get(), rc, sql);
        if (!handle)
            throw database_error("the SQL contains no statement", sql, "", SQLITE_MISUSE);
        const std::string_view rest = tail ? std::string_view(tail, static_cast<std::size_t>(sql.c_str() + sql.size() - tail))
                                           : std::string_view();
        if (!detail::only_whitespace_and_comments(rest))
            throw database_error("the SQL contains more than one statement (only the first would run); "
                                 "use execute_script for several statements without parameters",
                                 sql, "", SQLITE_MISUSE);
        return handle;
    }

    // Dates and timestamps are stored as ISO-8601 text with a four-digit year, the form SQLite's
    // date functions read (lang_datefunc: years 0000-9999); another year could not be read back.
    static void check_iso_year(date day, int index, std::string_view sql) {
        constexpr std::chrono::sys_days first{std::chrono::year{0} / 1 / 1};
        constexpr std::chrono::sys_days last{std::chrono::year{9999} / 12 / 31};
        if (day < first || day > last)
            throw mapping_error(relata::detail::format("SQLite stores dates as YYYY-MM-DD text: a year outside 0000-9999 "
                                                       "cannot be stored ({} days from 1970-01-01); parameter {}; SQL: {}",
                                                       day.time_since_epoch().count(), index,
                                                       relata::detail::sql_excerpt(sql)));
    }

    void bind(sqlite3_stmt* statement, const rendered_query& query) {
        const auto expected = static_cast<std::size_t>(sqlite3_bind_parameter_count(statement));
        if (expected != query.parameters.size())
            throw database_error(relata::detail::format("the statement has {} placeholders but {} values were given", expected,
                                                        query.parameters.size()),
                                 query.sql, "", SQLITE_RANGE);
        int index = 0;
        for (const value& v : query.parameters) {
            ++index;
            int rc = SQLITE_OK;
            std::visit(
                [&](const auto& x) {
                    using X = std::decay_t<decltype(x)>;
                    if constexpr (std::is_same_v<X, std::monostate>) {
                        rc = sqlite3_bind_null(statement, index);
                    } else if constexpr (std::is_same_v<X, std::int64_t>) {
                        rc = sqlite3_bind_int64(statement, index, x);
                    } else if constexpr (std::is_same_v<X, bool>) {
                        rc = sqlite3_bind_int64(statement, index, x ? 1 : 0);
                    } else if constexpr (std::is_same_v<X, double>) {
                        // sqlite3_bind_double binds NaN as NULL, which would lose the value silently.
                        if (std::isnan(x))
                            throw mapping_error(relata::detail::format("SQLite cannot store NaN (it would be bound as "
                                                                       "NULL); parameter {}; SQL: {}",
                                                                       index, relata::detail::sql_excerpt(query.sql)));
                        rc = sqlite3_bind_double(statement, index, x);
                    } else if constexpr (std::is_same_v<X, std::string>) {
                        // SQLITE_STATIC: `query` outlives the statement's execution.
                        rc = sqlite3_bind_text64(statement, index, x.data(), x.size(), SQLITE_STATIC, SQLITE_UTF8);
                    } else if constexpr (std::is_same_v<X, blob>) {
                        // A null data pointer would bind NULL, so an empty blob binds a zero-length blob.
                        rc = x.empty() ? sqlite3_bind_zeroblob(statement, index, 0)
                                       : sqlite3_bind_blob64(statement, index, x.data(), x.size(), SQLITE_STATIC);
                    } else if constexpr (std::is_same_v<X, timestamp>) {
                        check_iso_year(std::chrono::floor<std::chrono::days>(x), index, query.sql);
                        const auto micros = x.time_since_epoch().count() % 1'000'000;
                        const int digits = micros == 0 ? 0 : micros % 1000 == 0 ? 3 : 6;
                        const std::string text = relata::detail::format_iso_timestamp(x, digits);
                        rc = sqlite3_bind_text64(statement, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
                    } else if constexpr (std::is_same_v<X, date>) {
                        check_iso_year(x, index, query.sql);
                        const std::string text = relata::detail::format_iso_date(x);
                        rc = sqlite3_bind_text64(statement, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
                    }
                },
                v);
            if (rc != SQLITE_OK) detail::throw_error(db_.get(), rc, query.sql);
        }
    }

    template <class Callback>
    void run(const rendered_query& query, Callback&& callback) {
        check_parameter_limit(query);
        log(query.sql, query.parameters);
        ++statement_count_;
        // A statement already stepping (a query run from inside a row callback) cannot be
        // reset, so that nested use gets a fresh, uncached statement.
        detail::statement_handle fresh;
        cached_statement* cached = acquire(query.sql, fresh);
        sqlite3_stmt* statement = cached ? cached->handle.get() : fresh.get();
        struct reset_guard {
            sqlite3_stmt* statement;
            cached_statement* cached;
            ~reset_guard() {
                sqlite3_reset(statement);
                sqlite3_clear_bindings(statement);
                if (cached) cached->in_use = false;
            }
        } guard{statement, cached};
        if (cached) cached->in_use = true;
        bind(statement, query);
        const row current(statement);
        while (true) {
            const int rc = sqlite3_step(statement);
            if (rc == SQLITE_ROW) {
                callback(current);
                continue;
            }
            if (rc == SQLITE_DONE) break;
            detail::throw_error(db_.get(), rc, query.sql);
        }
    }

    detail::database_handle db_;
    relata::detail::statement_cache<cached_statement> cache_;  // declared after db_: finalized before it closes
};

static_assert(relata::result_row<row>, "relata: relata::sqlite::row must satisfy relata::result_row");
static_assert(relata::connection<connection>, "relata: relata::sqlite::connection must satisfy relata::connection");

/// Opens a SQLite database: `relata::sqlite::connect("blog.db")`, `connect(":memory:")`.
/// Foreign keys are enforced and a 5 s busy timeout is set unless `opts` says otherwise.
/// @throws relata::connection_error when the file cannot be opened.
[[nodiscard]] inline connection connect(const std::string& path, const options& opts = {}) {
    return connection(path, opts);
}

}  // namespace relata::sqlite
