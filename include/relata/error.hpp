#pragma once
/// @file
/// relata's exception hierarchy. Every exception derives from `relata::error`
/// (itself a `std::runtime_error`); its `what()` is `relata: ` followed by the reason, and
/// `reason()` gives the reason alone (for wrapping one error's text into another).

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relata {

namespace detail {

/// At most this many characters of SQL appear in an exception's `what()`; the whole text
/// stays available through `database_error::sql()`.
inline constexpr std::size_t sql_excerpt_length = 1000;

/// `text`, cut to at most `length` characters with a note of how many were left out.
inline std::string excerpt(std::string_view text, std::size_t length) {
    if (text.size() <= length) return std::string(text);
    std::string out(text.substr(0, length));
    out += "... (";
    out += std::to_string(text.size() - length);
    out += " more characters)";
    return out;
}

/// `sql`, cut to sql_excerpt_length characters with a note of how much was left out.
inline std::string sql_excerpt(std::string_view sql) {
    if (sql.size() <= sql_excerpt_length) return std::string(sql);
    std::string excerpt(sql.substr(0, sql_excerpt_length));
    excerpt += "... (";
    excerpt += std::to_string(sql.size() - sql_excerpt_length);
    excerpt += " more characters; the full text is in sql())";
    return excerpt;
}

}  // namespace detail

/// Root of every exception relata throws.
class error : public std::runtime_error {
public:
    /// @param reason what went wrong, without the `relata: ` prefix (which `what()` adds).
    explicit error(std::string reason) : std::runtime_error("relata: " + reason), reason_(std::move(reason)) {}

    /// The message without the `relata: ` prefix.
    [[nodiscard]] const std::string& reason() const noexcept { return reason_; }

private:
    std::string reason_;
};

/// Opening a connection failed, or an open connection was lost
/// (PostgreSQL SQLSTATE class 08, `CONNECTION_BAD`; SQLite `SQLITE_CANTOPEN`).
/// Code that catches it can `reconnect()` the connection (or take another from a pool) and run
/// the work again; a COMMIT that failed this way may or may not have been applied by the server.
class connection_error : public error {
public:
    /// @param reason what went wrong (e.g. why opening failed)
    explicit connection_error(std::string reason) : error(std::move(reason)) {}
    /// @param reason   what went wrong (engine, code and message), without the SQL
    /// @param sql      the statement that was running when the connection was lost
    /// @param sqlstate the PostgreSQL SQLSTATE (class 08, 57P01 to 57P03), or empty when libpq
    ///                 itself found the connection gone
    connection_error(std::string_view reason, std::string sql, std::string sqlstate)
        : error(sql.empty() ? std::string(reason) : std::string(reason) + "; SQL: " + detail::sql_excerpt(sql)),
          sql_(std::move(sql)),
          sqlstate_(std::move(sqlstate)) {}

    /// The statement that was running, or empty (e.g. when opening failed).
    [[nodiscard]] const std::string& sql() const noexcept { return sql_; }
    /// The PostgreSQL SQLSTATE, or empty (SQLite; libpq found the connection gone).
    [[nodiscard]] const std::string& sqlstate() const noexcept { return sqlstate_; }

private:
    std::string sql_;
    std::string sqlstate_;
};

/// The database rejected a statement, or relata refused to send it. Carries the SQL text and
/// the engine's code: the SQLSTATE on PostgreSQL (e.g. `"23505"`), the extended result code
/// on SQLite (e.g. `2067` for `SQLITE_CONSTRAINT_UNIQUE`). `what()` ends with `; SQL: ` and at
/// most 1,000 characters of the statement; `sql()` has all of it.
class database_error : public error {
public:
    /// @param reason   what went wrong (engine, code and message), without the SQL
    /// @param sql      the statement text that failed (may be empty for connection-level calls)
    /// @param sqlstate the PostgreSQL SQLSTATE, empty on SQLite
    /// @param code     the SQLite extended result code, 0 on PostgreSQL
    database_error(std::string_view reason, std::string sql, std::string sqlstate, int code)
        : error(sql.empty() ? std::string(reason) : std::string(reason) + "; SQL: " + detail::sql_excerpt(sql)),
          sql_(std::move(sql)),
          sqlstate_(std::move(sqlstate)),
          code_(code) {}

    /// The SQL text of the failed statement.
    [[nodiscard]] const std::string& sql() const noexcept { return sql_; }
    /// The PostgreSQL SQLSTATE (five characters), or empty on SQLite.
    [[nodiscard]] const std::string& sqlstate() const noexcept { return sqlstate_; }
    /// The SQLite extended result code, or 0 on PostgreSQL.
    [[nodiscard]] int code() const noexcept { return code_; }

private:
    std::string sql_;
    std::string sqlstate_;
    int code_;
};

/// Which integrity constraint a `constraint_violation` broke.
enum class constraint_kind {
    unique,       ///< UNIQUE or PRIMARY KEY (SQLSTATE 23505; SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY)
    foreign_key,  ///< FOREIGN KEY (SQLSTATE 23503; SQLITE_CONSTRAINT_FOREIGNKEY)
    not_null,     ///< NOT NULL (SQLSTATE 23502; SQLITE_CONSTRAINT_NOTNULL)
    check,        ///< CHECK (SQLSTATE 23514; SQLITE_CONSTRAINT_CHECK)
    other,        ///< any other integrity violation (SQLSTATE class 23; other SQLITE_CONSTRAINT_*)
};

/// A statement broke an integrity constraint; `kind()` says which.
class constraint_violation : public database_error {
public:
    /// @param kind     which constraint family was violated
    /// @param reason   what went wrong (engine, code and message), without the SQL
    /// @param sql      the statement text that failed
    /// @param sqlstate the PostgreSQL SQLSTATE (class 23), empty on SQLite
    /// @param code     the SQLite extended result code (a `SQLITE_CONSTRAINT_*`), 0 on PostgreSQL
    constraint_violation(constraint_kind kind, std::string_view reason, std::string sql, std::string sqlstate, int code)
        : database_error(reason, std::move(sql), std::move(sqlstate), code), kind_(kind) {}

    /// Which constraint family was violated.
    [[nodiscard]] constraint_kind kind() const noexcept { return kind_; }

private:
    constraint_kind kind_;
};

/// The transaction lost a race with a concurrent one and may succeed if retried from
/// the start: PostgreSQL serialization failure (40001) or deadlock (40P01);
/// SQLite `SQLITE_BUSY` after the busy timeout.
class transaction_conflict : public database_error {
public:
    using database_error::database_error;
};

/// PostgreSQL canceled the statement (SQLSTATE 57014): `statement_timeout` expired ("canceling
/// statement due to statement timeout") or a cancel request arrived (`PQcancel`,
/// `pg_cancel_backend`). The connection stays usable; inside a transaction, the transaction is
/// aborted as after any failed statement (roll back, then retry with a longer timeout or a
/// cheaper query). PostgreSQL manual, "Client Connection Defaults", statement_timeout.
class statement_timeout : public database_error {
public:
    using database_error::database_error;
};

/// A statement needs more bound parameters than the engine accepts in one statement
/// (PostgreSQL: 65,535; SQLite: `sqlite3_limit(db, SQLITE_LIMIT_VARIABLE_NUMBER, -1)`, 32,766
/// by default since 3.32). Raised before the statement is sent; split the work (e.g. an
/// `in()` list) or use `relata::insert_all`, which chunks by itself.
class parameter_limit_error : public database_error {
public:
    using database_error::database_error;
};

/// Hand-written SQL given to `db.execute(sql, ...)`, `relata::query`, `relata::stream` and the
/// like uses a placeholder other than `?` (`$1`, `?1`, and on SQLite `:name`, `@name`,
/// `$name`), or has a different number of `?` than arguments. relata writes `?` on both
/// engines and numbers them itself for PostgreSQL; SQLite would bind `$n` by first appearance,
/// not by number. Raised before the statement is sent.
class placeholder_error : public error {
public:
    /// @param reason   what is wrong and what to write instead
    /// @param position 1-based byte offset of the offending placeholder in the SQL, 0 when the
    ///                 error is about the number of placeholders
    placeholder_error(std::string reason, std::size_t position) : error(std::move(reason)), position_(position) {}

    /// 1-based byte offset of the offending placeholder in the SQL text; 0 for a count mismatch.
    [[nodiscard]] std::size_t position() const noexcept { return position_; }

private:
    std::size_t position_;
};

/// A flushed UPDATE or DELETE matched no row: the row was deleted or its key changed by
/// someone else since this Session loaded it (SQLAlchemy's StaleDataError). The flush is
/// rolled back.
class stale_data_error : public error {
public:
    using error::error;
};

/// A value could not be converted between C++ and the database: NULL into a
/// non-optional member, an integer out of range, text where a number belongs, a
/// malformed date. The message names the model, the column and the value.
class mapping_error : public error {
public:
    using error::error;
};

/// Thrown by `relata::value_traits` conversions (user specializations may throw it too); the
/// caller adds the model and column and rethrows it as `relata::mapping_error`.
class conversion_error : public mapping_error {
public:
    using mapping_error::mapping_error;
};

/// A query was built from names chosen at run time (`relata::dynamic_column`, ordering by a
/// request's `?sort=` field) and one of them is not a mapped column of the model. No SQL is
/// sent.
class unknown_column_error : public error {
public:
    using error::error;
};

/// The schema relata was asked to create is not what the database holds afterwards:
/// `relata::create_all` found an index or constraint it requested missing, or an object of that
/// name with another definition (an index on another table or other columns; `CREATE ... IF
/// NOT EXISTS` skips an existing object of the same name without a word). Also thrown before
/// any SQL is sent when a name given with `.named(...)` is longer than PostgreSQL's 63 bytes.
/// The message lists every problem, naming table, object and columns.
class schema_error : public error {
public:
    using error::error;
};

/// A query that must return a row returned none (`session::get`, `first` on an
/// empty result where a row is required).
class no_result : public error {
public:
    using error::error;
};

/// A query that must return at most one row returned several.
class multiple_results : public error {
public:
    using error::error;
};

/// An object was used in a way its Session state does not allow (e.g. removing an
/// object the Session does not track, adding a second object with a primary key
/// that is already in the identity map).
class session_error : public error {
public:
    using error::error;
};

/// The Session saw the same relationship lazily loaded in a loop (the N+1 query pattern) with
/// `session_options::n_plus_one = n_plus_one_mode::raise`. The message names the relationship
/// and suggests `relata::select_in` / `relata::joined`. See <relata/session/n_plus_one.hpp>.
class n_plus_one_detected : public error {
public:
    using error::error;
};

/// Navigation of a relationship would have run a lazy load, but the query that loaded the
/// object asked for `relata::raise_on_lazy(...)` on that relationship. The message names it.
class lazy_load_error : public session_error {
public:
    using session_error::session_error;
};

/// What kind of difference between the models and the live database a `relata::mismatch` is.
enum class mismatch_kind {
    missing_table,             ///< the model's table does not exist
    missing_column,            ///< a mapped column does not exist
    incompatible_type,         ///< the column's declared type cannot hold the member's C++ type
    nullable_column,           ///< a non-optional member maps a nullable column (reading NULL would fail)
    primary_key,               ///< the table has no primary key, or another one than the model
    missing_foreign_key,       ///< a foreign key of `mapping<T>::foreign_keys` does not exist
    foreign_key_action,        ///< a foreign key exists with another ON DELETE / ON UPDATE action than the mapping's
    missing_unique,            ///< a UNIQUE constraint of `mapping<T>::unique` does not exist
    unmapped_required_column,  ///< a column the model leaves out is NOT NULL without a default (inserts would fail)
    missing_index,             ///< an index of `mapping<T>::indexes` does not exist under its name
    index_definition,          ///< an index of that name exists with other columns, uniqueness or partiality
};

/// One difference found by `relata::verify_schema`: where, and what in words.
struct mismatch {
    mismatch_kind kind = mismatch_kind::missing_table;  ///< what kind of difference
    std::string table;                                  ///< the table, as the model names it
    std::string column;                                 ///< the column, or empty (a table, key or constraint)
    std::string what;                                   ///< the difference in words, naming both sides

    /// Member-wise equality: kind, table, column and text all equal.
    friend bool operator==(const mismatch&, const mismatch&) = default;
};

/// `relata::verify_schema<Models...>(db)` found the live database different from the models:
/// every difference at once, as a list (`mismatches()`) and in `what()`, one per line, each
/// naming table and column:
/// `relata: the database schema does not match the models (1 mismatch):
///   table "Track", column "Composer": missing (the model Track maps it to member composer)`.
class schema_mismatch : public error {
public:
    /// @param mismatches every difference found (at least one)
    explicit schema_mismatch(std::vector<mismatch> mismatches)
        : error(describe(mismatches)), mismatches_(std::move(mismatches)) {}

    /// Every difference, in model order (the models as listed, their columns in member order).
    [[nodiscard]] const std::vector<mismatch>& mismatches() const noexcept { return mismatches_; }

private:
    static std::string describe(const std::vector<mismatch>& mismatches) {
        std::string text = "the database schema does not match the models (" + std::to_string(mismatches.size()) +
                           (mismatches.size() == 1 ? " mismatch):" : " mismatches):");
        for (const mismatch& m : mismatches) {
            text += "\n  table \"" + m.table + "\"";
            if (!m.column.empty()) text += ", column \"" + m.column + "\"";
            text += ": " + m.what;
        }
        return text;
    }

    std::vector<mismatch> mismatches_;
};

/// `relata::migrate` refused to run or a migration failed (see <relata/migrate.hpp>).
/// Refusals, before any migration runs: the list's ids are empty, duplicated or not
/// increasing; the database records a migration whose checksum differs from the list's, or one
/// the list does not have; a pending migration comes before an applied one. A failure: one
/// migration's SQL statement or C++ function threw; that migration was rolled back (nothing of
/// it stays, and it is not recorded) and the ones before it stay applied. `what()` names the
/// migration, the step (statement n of m, the C++ function, recording, COMMIT) and the
/// database's message with its SQL; the database's own exception (e.g. a
/// `relata::constraint_violation`) is nested: `std::rethrow_if_nested(e)` rethrows it.
class migration_error : public error {
public:
    /// @param reason       what went wrong, without the `relata: ` prefix (it already holds the
    ///                     database's message and SQL excerpt, if any)
    /// @param migration_id the migration that failed or was refused, or empty
    /// @param statement    1-based number of the failing statement in an SQL migration, else 0
    /// @param sql          the failing statement's full text, or empty
    /// @param sqlstate     the PostgreSQL SQLSTATE of the database's error, or empty
    /// @param code         the SQLite extended result code of the database's error, or 0
    explicit migration_error(std::string reason, std::string migration_id = {}, std::size_t statement = 0,
                             std::string sql = {}, std::string sqlstate = {}, int code = 0)
        : error(std::move(reason)),
          migration_id_(std::move(migration_id)),
          sql_(std::move(sql)),
          sqlstate_(std::move(sqlstate)),
          statement_(statement),
          code_(code) {}

    /// The id of the migration that failed or was refused (the first one, when several were).
    [[nodiscard]] const std::string& migration_id() const noexcept { return migration_id_; }
    /// 1-based number of the statement that failed in an SQL migration; 0 for a C++ function,
    /// recording, COMMIT, or a refusal.
    [[nodiscard]] std::size_t statement() const noexcept { return statement_; }
    /// The full text of the statement that failed, or empty.
    [[nodiscard]] const std::string& sql() const noexcept { return sql_; }
    /// The PostgreSQL SQLSTATE of the database's error (e.g. `"42P01"`), or empty.
    [[nodiscard]] const std::string& sqlstate() const noexcept { return sqlstate_; }
    /// The SQLite extended result code of the database's error (e.g. `1`, SQLITE_ERROR), or 0.
    [[nodiscard]] int code() const noexcept { return code_; }

private:
    std::string migration_id_;
    std::string sql_;
    std::string sqlstate_;
    std::size_t statement_;
    int code_;
};

}  // namespace relata
