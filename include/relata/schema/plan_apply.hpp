#pragma once
/// @file
/// `relata::apply_plan(db, plan)`: runs a `relata::migration_plan` (made by
/// `relata::plan_migration`, <relata/schema/plan_migration.hpp>) in one transaction, with
/// SQLite's foreign keys off around a table rebuild.

#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "relata/connection.hpp"
#include "relata/detail/format.hpp"
#include "relata/error.hpp"
#include "relata/migrate.hpp"
#include "relata/raw_sql.hpp"
#include "relata/schema/introspection.hpp"
#include "relata/schema/plan.hpp"
#include "relata/sql/dialect.hpp"
#include "relata/transaction_options.hpp"

namespace relata {

namespace detail {

/// Turns foreign keys off for the lifetime of the guard when they are on (SQLite's rebuild
/// procedure, step 1), and back on afterwards (step 12). Outside a transaction only: SQLite
/// ignores `PRAGMA foreign_keys` inside one.
template <script_connection Connection>
class foreign_keys_off {
public:
    explicit foreign_keys_off(Connection& db) : db_(db) {
        const auto setting = relata::query<std::int64_t>(db_, "PRAGMA foreign_keys");
        on_ = !setting.empty() && setting.front() != 0;
        if (on_) db_.execute_script("PRAGMA foreign_keys = OFF");
    }
    foreign_keys_off(const foreign_keys_off&) = delete;
    foreign_keys_off& operator=(const foreign_keys_off&) = delete;
    ~foreign_keys_off() {
        try {
            if (on_) db_.execute_script("PRAGMA foreign_keys = ON");
        } catch (...) {  // NOLINT(bugprone-empty-catch): a lost connection has no setting to restore
        }
    }

private:
    Connection& db_;
    bool on_ = false;
};

/// Runs SQLite's `PRAGMA foreign_key_check`.
/// @throws relata::schema_error naming each violation (table, rowid, referenced table).
template <script_connection Connection>
void check_foreign_keys(Connection& db) {
    std::vector<std::string> violations;
    for (const auto& [table, row, parent, key] :
         relata::query<std::tuple<std::string, std::optional<std::int64_t>, std::string, std::int64_t>>(db, "PRAGMA foreign_key_check")) {
        (void)key;
        if (violations.size() < 10)
            violations.push_back(detail::format("row {} of \"{}\" references a missing row of \"{}\"",
                                                row ? std::to_string(*row) : std::string("?"), table, parent));
        else if (violations.size() == 10)
            violations.push_back("...");
    }
    if (!violations.empty()) throw schema_error("foreign key violations: " + detail::join(violations, "; "));
}

}  // namespace detail

/// Applies `plan` in one transaction: each step's statements in order (`execute_script`), then
/// COMMIT; on SQLite, when the plan rebuilds a table, foreign keys are turned off around the
/// transaction (`PRAGMA foreign_keys = OFF` before BEGIN, `= ON` after COMMIT or ROLLBACK, when
/// they were on) and the plan's `foreign key check` step runs `PRAGMA foreign_key_check`
/// inside it, as lang_altertable.html section 7 requires. Both engines roll DDL back, so a
/// failure leaves schema and data exactly as they were. Withheld steps are not run. An empty
/// plan does nothing.
/// @code
/// // SQLite:     PRAGMA foreign_keys = OFF; BEGIN IMMEDIATE; <introspection>; <steps>; PRAGMA foreign_key_check;
/// //             COMMIT; PRAGMA foreign_keys = ON
/// // PostgreSQL: BEGIN; SELECT pg_advisory_xact_lock(<relata::migration_lock_key>); <introspection>; <steps>; COMMIT
/// @endcode
/// Plan against the database you apply to, just before: a plan made earlier may no longer fit.
///
/// A stale plan is refused: inside its transaction apply_plan compares the live schema
/// (`relata::introspect`) with the one the plan was made against (`plan.planned_against`) and
/// throws `migration_error`, having applied nothing, when they differ. Concurrent appliers run
/// one at a time — SQLite through BEGIN IMMEDIATE and the busy timeout, PostgreSQL through
/// `pg_advisory_xact_lock(relata::migration_lock_key)`, the lock relata::migrate holds — so when
/// two processes apply the same plan at once, one applies it and the other finds the schema
/// changed and applies nothing (tested with two connections on both engines).
/// @throws relata::migration_error when the plan is for another engine, when a SQLite plan
/// with a rebuild is applied inside an open transaction, when the schema is no longer the one
/// the plan was made against, and when a step fails: `what()` names
/// the step (`step 3 of 5 (add foreign key ...)`) and the database's message;
/// `statement()` is the step's number, `sql()` the failing statement, `sqlstate()`/`code()`
/// the database's; the database's exception is nested (`std::rethrow_if_nested`).
template <detail::script_connection Connection>
void apply_plan(Connection& db, const migration_plan& plan) {
    const engine target = db.sql_dialect().engine;
    if (plan.target != target)
        throw migration_error(detail::format("apply_plan: the plan is for {}, the connection is {}",
                                             plan.target == engine::sqlite ? "SQLite" : "PostgreSQL",
                                             target == engine::sqlite ? "SQLite" : "PostgreSQL"));
    if (plan.empty()) return;
    const bool rebuild = target == engine::sqlite && plan.contains(plan_step_kind::rebuild_table);
    if (rebuild && db.in_transaction())
        throw migration_error("apply_plan: a plan that rebuilds a SQLite table turns foreign keys off, which SQLite "
                              "ignores inside a transaction: apply it outside one");
    std::optional<detail::foreign_keys_off<Connection>> keys_off;
    if (rebuild) keys_off.emplace(db);
    transaction<Connection> tx{db, {.mode = begin_mode::immediate}};
    // One applier at a time (SQLite: BEGIN IMMEDIATE; PostgreSQL: the lock relata::migrate
    // takes, for this transaction), and only onto the schema the plan was made against.
    if (target == engine::postgresql)
        db.execute_script(detail::format("SELECT pg_advisory_xact_lock({})", migration_lock_key));
    if (plan.planned_against && introspect(db) != *plan.planned_against)
        throw migration_error(
            "apply_plan: the database schema is no longer the one the plan was made against (another process "
            "applied it, or the schema changed since plan_migration): nothing was applied; make a new plan");
    std::size_t number = 0;
    std::string sql;
    try {
        for (const plan_step& step : plan.steps) {
            ++number;
            for (const std::string& statement : step.sql) {
                sql = statement;
                if (step.kind == plan_step_kind::foreign_key_check) detail::check_foreign_keys(db);
                else db.execute_script(statement);
            }
        }
        number = 0;
        sql.clear();
        tx.commit();
    } catch (...) {
        detail::migration_failure failure = detail::describe_current_exception();
        try {
            tx.rollback();
        } catch (...) {  // NOLINT(bugprone-empty-catch): the failure is what the caller needs
        }
        if (failure.sql.empty()) failure.sql = sql;
        const std::string step = number == 0 ? std::string("at COMMIT")
                                             : detail::format("at step {} of {} ({})", number, plan.steps.size(),
                                                              plan.steps[number - 1].description);
        std::throw_with_nested(migration_error(
            detail::format("the migration plan failed {} and was rolled back: {}", step, failure.message), "", number,
            std::move(failure.sql), std::move(failure.sqlstate), failure.code));
    }
}

}  // namespace relata
