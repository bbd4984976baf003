#pragma once
/// @file
/// Versioned migrations: `relata::migration`, `relata::migrations`, `relata::migrate` and
/// `relata::applied_migrations`. The user writes ordered migrations — SQL text or a C++
/// function — and `migrate` applies the ones the database has not recorded yet, each in its own
/// transaction, recording each in the table `relata_migrations`.
///
/// @code
/// using db_type = relata::postgres::connection;
/// const relata::migrations<db_type> steps{
///     {"0001_post", "create the post table",
///      "CREATE TABLE post (id bigint PRIMARY KEY, title text NOT NULL); CREATE INDEX post_title ON post (title)"},
///     {"0002_votes", "count votes", "ALTER TABLE post ADD COLUMN votes integer NOT NULL DEFAULT 0"},
///     {"0003_titles", "number the titles", "v1", [](db_type& db) {
///          for (auto& [id, title] : relata::query<std::tuple<std::int64_t, std::string>>(db, "SELECT id, title FROM post"))
///              db.execute("UPDATE post SET title = ? WHERE id = ?", fmt::format("{}. {}", id, title), id);
///      }},
/// };
/// relata::migration_report report = relata::migrate(db, steps);
/// // after an earlier release applied 0001: report.already_applied == 1, report.applied == {"0002_votes", "0003_titles"}
/// @endcode
///
/// The table, created when absent (`CREATE TABLE IF NOT EXISTS`; on PostgreSQL in the first
/// schema of the `search_path`):
/// | column        | SQLite          | PostgreSQL                | holds                                  |
/// |---------------|-----------------|---------------------------|----------------------------------------|
/// | `id`          | TEXT PRIMARY KEY| text PRIMARY KEY          | the migration's id                     |
/// | `description` | TEXT NOT NULL   | text NOT NULL             | its description when it was applied    |
/// | `checksum`    | TEXT NOT NULL   | text NOT NULL             | `migration::checksum()`                |
/// | `applied_at`  | TEXT NOT NULL   | timestamptz NOT NULL      | when it was applied (UTC; ISO-8601 text on SQLite) |

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "relata/connection.hpp"
#include "relata/detail/fnv1a.hpp"
#include "relata/detail/format.hpp"
#include "relata/error.hpp"
#include "relata/sql/dialect.hpp"
#include "relata/sql/placeholders.hpp"
#include "relata/sql/rendered_query.hpp"
#include "relata/sql/script.hpp"
#include "relata/transaction_options.hpp"
#include "relata/types.hpp"

namespace relata {

/// The checksum `relata::migrate` records for an SQL migration: `"fnv1a64:"` followed by the
/// 16 lower-case hex digits of the 64-bit FNV-1a hash of the SQL text's bytes, exactly as given
/// (no normalization: changing whitespace, a comment or line endings changes it). FNV-1a is
/// not cryptographic; it detects edits, not tampering.
/// @code
/// relata::sql_checksum("")   // "fnv1a64:cbf29ce484222325"
/// @endcode
[[nodiscard]] inline std::string sql_checksum(std::string_view sql) {
    constexpr char digits[] = "0123456789abcdef";
    std::string out = "fnv1a64:";
    const std::uint64_t hash = detail::fnv1a_64(sql);
    for (int shift = 60; shift >= 0; shift -= 4) out.push_back(digits[(hash >> shift) & 0xf]);
    return out;
}

/// The PostgreSQL advisory lock key `relata::migrate` holds while it runs
/// (`pg_advisory_lock(key)`, session level, released by `pg_advisory_unlock(key)` or when the
/// session ends): the FNV-1a hash of `"relata_migrations"` as a signed 64-bit integer,
/// -6921586939702130496.
/// Advisory locks are per database, so migrators of different databases do not wait for each
/// other. PostgreSQL manual, "Advisory Locks".
inline constexpr std::int64_t migration_lock_key = static_cast<std::int64_t>(detail::fnv1a_64("relata_migrations"));

/// One versioned migration for connections of type Connection (e.g.
/// `relata::sqlite::connection`): an id, a description and a body that is either SQL text
/// (one or more `;`-separated statements, run one at a time; see `relata::split_statements`)
/// or a C++ function given the connection. Immutable.
///
/// Ids order the list: `relata::migrate` requires them non-empty and strictly increasing,
/// compared byte by byte (`std::string` `<`), so numbers need a fixed width: `0009_x` comes
/// before `0010_y`, but `9_x` would come after `10_y`.
template <class Connection>
class migration {
public:
    /// A C++ migration's body: runs inside the migration's transaction; throws to fail it.
    using function_type = std::function<void(Connection&)>;

    /// An SQL migration. Its checksum is `relata::sql_checksum(sql)`.
    /// @code
    /// relata::migration<relata::sqlite::connection>{"0002_votes", "count votes",
    ///                                               "ALTER TABLE post ADD COLUMN votes integer NOT NULL DEFAULT 0"}
    /// @endcode
    migration(std::string id, std::string description, std::string sql)
        : id_(std::move(id)), description_(std::move(description)), sql_(std::move(sql)), checksum_(sql_checksum(sql_)) {}

    /// A C++ migration. A function has no text to hash, so the user gives it a version: its
    /// checksum is `"version:"` followed by `version`. Change the version when a change of the
    /// function should count as a changed migration (it is then refused where it was applied).
    /// The function may run any statement on the connection but must not commit or roll back
    /// the transaction `migrate` opened (use `relata::transaction` guards, which nest as
    /// savepoints).
    /// @code
    /// relata::migration<relata::sqlite::connection>{"0003_backfill", "copy scores into votes", "v1",
    ///                                               [](auto& db) { db.execute("UPDATE post SET votes = score"); }}
    /// @endcode
    migration(std::string id, std::string description, std::string version, function_type function)
        : id_(std::move(id)),
          description_(std::move(description)),
          checksum_("version:" + version),
          function_(std::move(function)),
          is_sql_(false) {}

    /// The id, e.g. `"0002_votes"`.
    [[nodiscard]] const std::string& id() const noexcept { return id_; }
    /// The description recorded with it.
    [[nodiscard]] const std::string& description() const noexcept { return description_; }
    /// True for an SQL migration, false for a C++ one.
    [[nodiscard]] bool is_sql() const noexcept { return is_sql_; }
    /// The SQL text (empty for a C++ migration).
    [[nodiscard]] const std::string& sql() const noexcept { return sql_; }
    /// The C++ function (empty for an SQL migration).
    [[nodiscard]] const function_type& function() const noexcept { return function_; }
    /// What `relata_migrations.checksum` holds once it is applied: `"fnv1a64:<16 hex digits>"`
    /// for SQL (`relata::sql_checksum`), `"version:<version>"` for C++.
    [[nodiscard]] const std::string& checksum() const noexcept { return checksum_; }

private:
    std::string id_;
    std::string description_;
    std::string sql_;
    std::string checksum_;
    function_type function_;
    bool is_sql_ = true;
};

/// An ordered list of migrations, oldest first; append new ones at the end.
template <class Connection>
using migrations = std::vector<migration<Connection>>;

/// A row of `relata_migrations`: a migration the database has applied.
struct applied_migration {
    std::string id;           ///< the migration's id
    std::string description;  ///< its description when it was applied
    std::string checksum;     ///< its checksum when it was applied
    timestamp applied_at;     ///< when it was applied (UTC, microseconds)
};

/// What `relata::migrate` did.
struct migration_report {
    /// How many of the list's migrations the database had applied before this call (the
    /// first call's count; a concurrent migrator may have applied more since).
    std::size_t already_applied = 0;
    /// The ids of the migrations this call applied, in order (empty when none was pending).
    std::vector<std::string> applied;
};

namespace detail {

/// A connection that can run an SQL script (both backends' `execute_script`).
template <class C>
concept script_connection = connection<C> && requires(C& db, std::string_view sql) { db.execute_script(sql); };

inline std::string migration_table_sql(engine target) {
    return target == engine::postgresql
               ? "CREATE TABLE IF NOT EXISTS relata_migrations (id text PRIMARY KEY, description text NOT NULL, "
                 "checksum text NOT NULL, applied_at timestamptz NOT NULL)"
               : "CREATE TABLE IF NOT EXISTS relata_migrations (id TEXT PRIMARY KEY, description TEXT NOT NULL, "
                 "checksum TEXT NOT NULL, applied_at TEXT NOT NULL)";
}

template <script_connection Connection>
bool migration_table_exists(Connection& db) {
    const std::string sql = db.sql_dialect().engine == engine::postgresql
                                ? "SELECT count(*) FROM pg_catalog.pg_class WHERE oid = to_regclass('relata_migrations')"
                                : "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'relata_migrations'";
    std::int64_t count = 0;
    db.for_each_row(rendered_query{sql, {}}, [&](const auto& row) { count = from_cell<std::int64_t>(row.cell(0)); });
    return count > 0;
}

template <script_connection Connection>
std::size_t applied_count(Connection& db) {
    std::int64_t count = 0;
    db.for_each_row(rendered_query{"SELECT count(*) FROM relata_migrations", {}},
                    [&](const auto& row) { count = from_cell<std::int64_t>(row.cell(0)); });
    return static_cast<std::size_t>(count);
}

template <script_connection Connection>
std::vector<applied_migration> read_applied_migrations(Connection& db) {
    std::vector<applied_migration> rows;
    db.for_each_row(rendered_query{"SELECT id, description, checksum, applied_at FROM relata_migrations ORDER BY id", {}},
                    [&](const auto& row) {
                        rows.push_back({from_cell<std::string>(row.cell(0)), from_cell<std::string>(row.cell(1)),
                                        from_cell<std::string>(row.cell(2)), from_cell<timestamp>(row.cell(3))});
                    });
    return rows;
}

// Ids non-empty and strictly increasing, bodies not empty.
template <class Connection>
void check_migration_list(const migrations<Connection>& list, engine target) {
    for (std::size_t i = 0; i < list.size(); ++i) {
        const migration<Connection>& m = list[i];
        if (m.id().empty()) throw migration_error(detail::format("migration {} of the list has an empty id", i + 1));
        if (m.is_sql() && split_statements(m.sql(), target).empty())
            throw migration_error(detail::format("migration \"{}\" has no SQL statement", m.id()), m.id());
        if (!m.is_sql() && !m.function())
            throw migration_error(detail::format("migration \"{}\" has an empty C++ function", m.id()), m.id());
        if (i == 0) continue;
        const std::string& before = list[i - 1].id();
        if (before == m.id()) throw migration_error(detail::format("migration id \"{}\" appears twice in the list", m.id()), m.id());
        if (m.id() < before)
            throw migration_error(detail::format("migration ids must increase: \"{}\" follows \"{}\" (ids compare byte by "
                                         "byte, so pad numbers to one width: 0009, 0010)",
                                         m.id(), before),
                                  m.id());
    }
}

// How many of `list` the database applied (they must be its first ones, unchanged).
template <class Connection>
std::size_t check_applied(const migrations<Connection>& list, const std::vector<applied_migration>& applied) {
    std::vector<std::string> problems;
    std::string first;
    const auto problem = [&](const std::string& id, std::string text) {
        if (first.empty()) first = id;
        problems.push_back(std::move(text));
    };
    std::vector<bool> done(list.size(), false);
    for (const applied_migration& row : applied) {
        const auto found = std::lower_bound(list.begin(), list.end(), row.id,
                                            [](const migration<Connection>& m, const std::string& id) { return m.id() < id; });
        if (found == list.end() || found->id() != row.id) {
            problem(row.id, detail::format("the database has applied migration \"{}\", which the list does not have (was it "
                                   "removed or renamed, or applied by a newer version of the application?)",
                                   row.id));
            continue;
        }
        done[static_cast<std::size_t>(found - list.begin())] = true;
        if (found->checksum() != row.checksum)
            problem(row.id, detail::format("migration \"{}\" has changed since it was applied: recorded checksum {}, now {} "
                                   "(write a new migration instead of editing an applied one)",
                                   row.id, row.checksum, found->checksum()));
    }
    const std::size_t prefix = static_cast<std::size_t>(std::find(done.begin(), done.end(), false) - done.begin());
    for (std::size_t i = prefix; i < list.size(); ++i)
        if (done[i])
            problem(list[i].id(), detail::format("migration \"{}\" is not applied but \"{}\", which comes after it, is (was it "
                                         "inserted into the middle of the list?)",
                                         list[prefix].id(), list[i].id()));
    if (!problems.empty())
        throw migration_error(detail::format("refusing to migrate: {}", detail::join(problems, "; ")), first);
    return prefix;
}

struct migration_failure {
    std::string message;
    std::string sql;
    std::string sqlstate;
    int code = 0;
};

// Describes the exception being handled (call inside a catch block).
inline migration_failure describe_current_exception() {
    try {
        throw;
    } catch (const database_error& e) {
        return {e.reason(), e.sql(), e.sqlstate(), e.code()};
    } catch (const connection_error& e) {
        return {e.reason(), e.sql(), e.sqlstate(), 0};
    } catch (const error& e) {
        return {e.reason(), {}, {}, 0};
    } catch (const std::exception& e) {
        return {e.what(), {}, {}, 0};
    } catch (...) {
        return {"an exception that is not a std::exception", {}, {}, 0};
    }
}

// Applies `m` inside the open transaction `tx`, records and commits it; on failure
// rolls back and throws a migration_error with the database's exception nested.
template <script_connection Connection>
void apply_migration(Connection& db, transaction<Connection>& tx, const migration<Connection>& m) {
    const engine target = db.sql_dialect().engine;
    std::size_t statement = 0;
    std::size_t statement_count = 0;
    std::string step;
    try {
        if (m.is_sql()) {
            const std::vector<std::string_view> statements = split_statements(m.sql(), target);
            statement_count = statements.size();
            for (const std::string_view sql : statements) {
                ++statement;
                db.execute_script(sql);
            }
            statement = 0;
        } else {
            step = "in its C++ function";
            m.function()(db);
            if (!db.in_transaction())
                throw migration_error("the C++ function ended the migration's transaction (it must not commit or "
                                      "roll back; use relata::transaction guards, which nest as savepoints)");
        }
        step = "while recording it in relata_migrations";
        const timestamp now = std::chrono::floor<std::chrono::microseconds>(std::chrono::system_clock::now());
        db.execute(hand_written_query(
            "INSERT INTO relata_migrations (id, description, checksum, applied_at) VALUES (?, ?, ?, ?)",
            db.sql_dialect(), {value(m.id()), value(m.description()), value(m.checksum()), value(now)}));
        step = "at COMMIT";
        tx.commit();
    } catch (...) {
        migration_failure failure = describe_current_exception();
        bool committed_or_not = false;  // the connection was lost while COMMIT ran: its outcome is unknown
        if (step == "at COMMIT") {
            try {
                throw;
            } catch (const connection_error&) {
                committed_or_not = true;
            } catch (...) {  // NOLINT(bugprone-empty-catch): any other failure at COMMIT rolled back
            }
        }
        try {
            tx.rollback();
        } catch (...) {  // NOLINT(bugprone-empty-catch): the failure is what the caller needs; a lost connection rolls back too
        }
        if (statement > 0) {
            step = detail::format("at statement {} of {}", statement, statement_count);
            if (failure.sql.empty()) failure.sql = std::string(split_statements(m.sql(), target)[statement - 1]);
        }
        if (committed_or_not)
            std::throw_with_nested(migration_error(
                detail::format("migration \"{}\" ({}): the connection was lost at COMMIT, so whether it was applied "
                               "is unknown (run migrate again on a new connection: it reads relata_migrations and "
                               "applies it only if it is not recorded there): {}",
                               m.id(), m.description(), failure.message),
                m.id(), 0, std::move(failure.sql), std::move(failure.sqlstate), failure.code));
        std::throw_with_nested(migration_error(
            detail::format("migration \"{}\" ({}) failed {} and was rolled back: {}", m.id(), m.description(), step, failure.message),
            m.id(), statement, std::move(failure.sql), std::move(failure.sqlstate), failure.code));
    }
}

// Holds the PostgreSQL advisory lock; releases it on destruction (never throws).
template <script_connection Connection>
class migration_lock {
public:
    explicit migration_lock(Connection& db) : db_(db) {
        db_.execute_script(detail::format("SELECT pg_advisory_lock({})", migration_lock_key));
    }
    migration_lock(const migration_lock&) = delete;
    migration_lock& operator=(const migration_lock&) = delete;
    ~migration_lock() {
        try {
            db_.execute_script(detail::format("SELECT pg_advisory_unlock({})", migration_lock_key));
        } catch (...) {  // NOLINT(bugprone-empty-catch): a lost session has released the lock already
        }
    }

private:
    Connection& db_;
};

}  // namespace detail

/// Applies the migrations of `list` the database has not applied yet, in list order, each in
/// its own transaction: its statements (or C++ function), then `INSERT INTO relata_migrations`,
/// then COMMIT. Creates `relata_migrations` when absent.
///
/// Before applying anything (and again in a migration's transaction when another migrator has
/// recorded migrations meanwhile) it checks that the recorded migrations are the list's first
/// ones, each with an unchanged checksum, and refuses to run otherwise.
///
/// Concurrent migrators of one database: on PostgreSQL the whole run holds the advisory lock
/// `pg_advisory_lock(relata::migration_lock_key)`, so a second migrator waits and then finds
/// nothing pending; on SQLite each migration's transaction is `BEGIN IMMEDIATE` (waiting up to
/// the busy timeout for the write lock), so two migrators may take turns, but each migration
/// is applied once. Through PgBouncer in transaction pooling mode a session-level lock does not
/// hold (the unlock may reach another server connection): migrate over a direct connection.
/// SQL per migration:
/// @code
/// // PostgreSQL: SELECT pg_advisory_lock(<key>); CREATE TABLE IF NOT EXISTS relata_migrations (...);
/// //             BEGIN; SELECT ... FROM relata_migrations ORDER BY id (later: SELECT count(*) ...);
/// //             <statement 1>; ...;
/// //             INSERT INTO relata_migrations (...) VALUES ($1, $2, $3, $4); COMMIT; ...
/// //             SELECT pg_advisory_unlock(<key>)
/// // SQLite:     BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS relata_migrations (...) (first only);
/// //             SELECT ... ORDER BY id (later: SELECT count(*) ...); <statement 1>; ...;
/// //             INSERT INTO relata_migrations (...)
/// //             VALUES (?, ?, ?, ?); COMMIT; ...
/// @endcode
/// PostgreSQL and SQLite both roll DDL back, so a failed migration leaves no trace. Exceptions:
/// SQLite cannot change `PRAGMA foreign_keys` inside a transaction (no effect there), and
/// PostgreSQL refuses some statements inside one (`CREATE INDEX CONCURRENTLY`, `VACUUM`,
/// `ALTER TYPE ... ADD VALUE` before 12): such a migration fails, and is rolled back.
/// @return the number of migrations applied before and the ids this call applied.
/// @throws relata::migration_error when the list is invalid (empty, duplicated or decreasing
/// ids; an SQL body without a statement), when the database records a migration the list lacks,
/// one whose checksum changed, or one after a pending one (nothing is applied then); when
/// called inside an open transaction; and when a migration fails: it names the migration and
/// the step (`statement 2 of 3`, with that statement's SQL and the SQLSTATE or SQLite code),
/// the failed migration is rolled back, those before it stay applied, those after it are not
/// tried; the database's exception is nested (`std::rethrow_if_nested`). A connection lost
/// while COMMIT ran is the one case where the outcome is not known: the message says so, and
/// running migrate again on a new connection finishes the job (the migration is recorded in
/// the same transaction, so it is applied again only if it was not committed). relata::database_error
/// (e.g. relata::transaction_conflict: SQLite's busy timeout expired at BEGIN IMMEDIATE) from
/// the lock, the table's creation and the reads.
template <detail::script_connection Connection>
migration_report migrate(Connection& db, const migrations<Connection>& list) {
    const engine target = db.sql_dialect().engine;
    detail::check_migration_list(list, target);
    if (db.in_transaction())
        throw migration_error("relata::migrate runs each migration in its own transaction: call it outside a "
                              "transaction");
    std::optional<detail::migration_lock<Connection>> lock;
    if (target == engine::postgresql) {
        lock.emplace(db);
        db.execute_script(detail::migration_table_sql(target));
    }
    migration_report report;
    std::optional<std::size_t> known;  // rows relata_migrations had after this call's last commit
    for (bool first = true;; first = false) {
        transaction<Connection> tx{db, {.mode = begin_mode::immediate}};
        if (first && target == engine::sqlite) db.execute_script(detail::migration_table_sql(target));
        // Unchanged since our own last commit: no need to read and check every row again.
        const std::size_t next = known && detail::applied_count(db) == *known
                                     ? *known
                                     : detail::check_applied(list, detail::read_applied_migrations(db));
        if (first) report.already_applied = next;
        if (next == list.size()) {
            tx.commit();
            return report;
        }
        detail::apply_migration(db, tx, list[next]);
        report.applied.push_back(list[next].id());
        known = next + 1;
    }
}

/// The migrations `relata_migrations` records, ordered by id; empty when the table does not
/// exist. `SELECT id, description, checksum, applied_at FROM relata_migrations ORDER BY id`.
/// @throws relata::database_error.
template <detail::script_connection Connection>
[[nodiscard]] std::vector<applied_migration> applied_migrations(Connection& db) {
    if (!detail::migration_table_exists(db)) return {};
    return detail::read_applied_migrations(db);
}

}  // namespace relata
