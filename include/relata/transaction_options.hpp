#pragma once
/// @file
/// `relata::transaction_options`: how a transaction begins — its isolation level and SQLite's
/// locking mode — accepted by both backends' `begin(options)`, by `relata::transaction` and by
/// `relata::session_options`, and the BEGIN statement each engine runs for them.
///
/// | options                                            | SQLite             | PostgreSQL                                |
/// |----------------------------------------------------|--------------------|-------------------------------------------|
/// | `{}`                                               | `BEGIN`            | `BEGIN`                                   |
/// | `{.mode = begin_mode::immediate}`                  | `BEGIN IMMEDIATE`  | `BEGIN`                                   |
/// | `{.mode = begin_mode::exclusive}`                  | `BEGIN EXCLUSIVE`  | `BEGIN`                                   |
/// | `{.isolation = isolation_level::read_committed}`   | refused            | `BEGIN ISOLATION LEVEL READ COMMITTED`    |
/// | `{.isolation = isolation_level::repeatable_read}`  | refused            | `BEGIN ISOLATION LEVEL REPEATABLE READ`   |
/// | `{.isolation = isolation_level::serializable}`     | as for `mode`      | `BEGIN ISOLATION LEVEL SERIALIZABLE`      |
///
/// Sources: SQLite "BEGIN TRANSACTION" (https://sqlite.org/lang_transaction.html) and
/// "Isolation In SQLite" (https://sqlite.org/isolation.html: transactions on one database are
/// serializable); PostgreSQL "BEGIN" / "SET TRANSACTION" and "Transaction Isolation"
/// (https://www.postgresql.org/docs/current/transaction-iso.html).

#include <optional>
#include <string>
#include <string_view>

#include "relata/error.hpp"
#include "relata/sql/dialect.hpp"

namespace relata {

/// The SQL standard isolation levels relata can ask for (PostgreSQL `BEGIN ISOLATION LEVEL ...`).
/// SQLite transactions are always serializable: only `serializable` is accepted there.
enum class isolation_level {
    read_committed,   ///< PostgreSQL's default: each statement sees rows committed before it began
    repeatable_read,  ///< one snapshot for the whole transaction; a concurrent update of a row it writes is a 40001
    serializable,     ///< as if transactions ran one after another; anomalies become 40001 (SSI)
};

/// How a SQLite transaction takes its locks (https://sqlite.org/lang_transaction.html).
/// PostgreSQL ignores it: it locks rows as statements touch them.
enum class begin_mode {
    /// `BEGIN` (`BEGIN DEFERRED`): no lock until the first read, the write lock at the first
    /// write. A read-then-write transaction may fail at its first write with SQLITE_BUSY
    /// (relata::transaction_conflict) when another connection wrote meanwhile; best for
    /// read-only work.
    deferred,
    /// `BEGIN IMMEDIATE`: takes the write lock at once (waiting up to the busy timeout), so no
    /// other connection writes until COMMIT — read-modify-write cycles cannot lose updates.
    /// Readers still read (WAL: always; rollback journal: until COMMIT needs the exclusive lock).
    immediate,
    /// `BEGIN EXCLUSIVE`: as immediate, and in rollback-journal mode also keeps other
    /// connections from reading (in WAL mode the same as immediate).
    exclusive,
};

/// How to begin a transaction: `db.begin(options)`, `relata::transaction{db, options}`,
/// `relata::session_options::transaction`. The default (`{}`) is a plain `BEGIN` on both engines.
/// @code
/// db.begin({.isolation = relata::isolation_level::serializable});  // PostgreSQL: BEGIN ISOLATION LEVEL SERIALIZABLE
/// db.begin({.mode = relata::begin_mode::immediate});                // SQLite: BEGIN IMMEDIATE
/// @endcode
struct transaction_options {
    /// The isolation level; empty for the server's default (PostgreSQL:
    /// `default_transaction_isolation`, normally read committed; SQLite: serializable).
    std::optional<isolation_level> isolation{};
    /// SQLite's locking mode; ignored by PostgreSQL.
    begin_mode mode = begin_mode::deferred;
};

/// The name of an isolation level as SQL spells it (`"REPEATABLE READ"`).
[[nodiscard]] constexpr std::string_view isolation_sql(isolation_level level) noexcept {
    switch (level) {
        case isolation_level::read_committed: return "READ COMMITTED";
        case isolation_level::repeatable_read: return "REPEATABLE READ";
        case isolation_level::serializable: return "SERIALIZABLE";
    }
    return "SERIALIZABLE";
}

/// The statement that begins a transaction with `options` on `target` (see the table in
/// <relata/transaction_options.hpp>): `BEGIN IMMEDIATE` on SQLite,
/// `BEGIN ISOLATION LEVEL SERIALIZABLE` on PostgreSQL.
/// @throws relata::database_error on SQLite for an isolation level other than serializable
/// (SQLite has no weaker one; https://sqlite.org/isolation.html). No SQL is sent then.
[[nodiscard]] inline std::string begin_sql(engine target, const transaction_options& options) {
    if (target == engine::postgresql) {
        if (!options.isolation) return "BEGIN";
        return std::string("BEGIN ISOLATION LEVEL ").append(isolation_sql(*options.isolation));
    }
    if (options.isolation && *options.isolation != isolation_level::serializable)
        throw database_error(std::string("SQLite transactions are always serializable; isolation level ")
                                 .append(isolation_sql(*options.isolation))
                                 .append(" cannot be chosen (leave transaction_options::isolation empty or "
                                         "ask for isolation_level::serializable)"),
                             "BEGIN", "", 0);
    switch (options.mode) {
        case begin_mode::deferred: return "BEGIN";
        case begin_mode::immediate: return "BEGIN IMMEDIATE";
        case begin_mode::exclusive: return "BEGIN EXCLUSIVE";
    }
    return "BEGIN";
}

}  // namespace relata
