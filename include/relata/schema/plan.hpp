#pragma once
/// @file
/// The values of migration planning: `relata::migration_plan` (ordered steps, each with its
/// SQL, and the destructive changes left out), `relata::plan_step`, `relata::plan_options`
/// (renames and the destructive changes a user allows by name). `relata::plan_migration` and
/// `relata::apply_plan` (<relata/schema/plan_migration.hpp>) make and apply a plan.

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "relata/detail/format.hpp"
#include "relata/schema/catalog.hpp"
#include "relata/sql/dialect.hpp"

namespace relata {

/// What one step of a `relata::migration_plan` does.
enum class plan_step_kind {
    rename_table,       ///< `ALTER TABLE "a" RENAME TO "b"` (only when plan_options::rename_table asks)
    rename_column,      ///< `ALTER TABLE "t" RENAME COLUMN "a" TO "b"` (only when plan_options::rename_column asks)
    create_table,       ///< `CREATE TABLE` from the model (relata::create_table_sql)
    add_column,         ///< `ALTER TABLE "t" ADD COLUMN ...`
    alter_column_type,  ///< PostgreSQL `ALTER TABLE "t" ALTER COLUMN "c" TYPE ... USING "c"::...`
    set_not_null,       ///< PostgreSQL `ALTER TABLE "t" ALTER COLUMN "c" SET NOT NULL`
    drop_not_null,      ///< PostgreSQL `ALTER TABLE "t" ALTER COLUMN "c" DROP NOT NULL`
    set_default,        ///< PostgreSQL `ALTER TABLE "t" ALTER COLUMN "c" SET DEFAULT ...`
    rebuild_table,      ///< SQLite: the 12-step table rebuild (lang_altertable.html, section 7)
    drop_index,         ///< `DROP INDEX "i"` (an index of the model's name with another definition)
    add_index,          ///< `CREATE INDEX` from the model (relata::create_index_sql)
    add_unique,         ///< PostgreSQL `ALTER TABLE "t" ADD CONSTRAINT "k" UNIQUE (...)`
    add_foreign_key,    ///< PostgreSQL `ALTER TABLE "t" ADD CONSTRAINT "f" FOREIGN KEY ...`
    /// PostgreSQL `ALTER TABLE "t" DROP CONSTRAINT "old"` then `ADD CONSTRAINT "f" FOREIGN KEY ...`:
    /// a foreign key with other ON DELETE / ON UPDATE actions than the model's
    replace_foreign_key,
    drop_column,        ///< destructive: `ALTER TABLE "t" DROP COLUMN "c"`
    drop_table,         ///< destructive: `DROP TABLE "t"`
    foreign_key_check,  ///< SQLite, after a rebuild: `PRAGMA foreign_key_check` must return no row
};

/// The kind's words: `"add column"`, `"rebuild table"`, ...
[[nodiscard]] constexpr std::string_view to_string(plan_step_kind kind) noexcept {
    switch (kind) {
        case plan_step_kind::rename_table: return "rename table";
        case plan_step_kind::rename_column: return "rename column";
        case plan_step_kind::create_table: return "create table";
        case plan_step_kind::add_column: return "add column";
        case plan_step_kind::alter_column_type: return "alter column type";
        case plan_step_kind::set_not_null: return "set not null";
        case plan_step_kind::drop_not_null: return "drop not null";
        case plan_step_kind::set_default: return "set default";
        case plan_step_kind::rebuild_table: return "rebuild table";
        case plan_step_kind::drop_index: return "drop index";
        case plan_step_kind::add_index: return "add index";
        case plan_step_kind::add_unique: return "add unique constraint";
        case plan_step_kind::add_foreign_key: return "add foreign key";
        case plan_step_kind::replace_foreign_key: return "replace foreign key";
        case plan_step_kind::drop_column: return "drop column";
        case plan_step_kind::drop_table: return "drop table";
        case plan_step_kind::foreign_key_check: break;
    }
    return "foreign key check";
}

/// One step of a plan: what it changes, in words, and the statements that do it, in order,
/// for the plan's dialect.
struct plan_step {
    plan_step_kind kind = plan_step_kind::create_table;  ///< what it does
    std::string table;                                   ///< the table it changes (empty for foreign_key_check)
    std::string object;                                  ///< the column or index, or empty
    std::string description;                             ///< in words, e.g. `add column "post"."votes" INTEGER NOT NULL DEFAULT 0`
    std::vector<std::string> sql;                        ///< the statements, without trailing `;`

    /// Member-wise equality (every field, the SQL statements included).
    friend bool operator==(const plan_step&, const plan_step&) = default;
};

/// A change the models call for that the plan leaves out because it would destroy data: a
/// table no model maps (drop table), a column no model maps (drop column), a PostgreSQL type
/// change that can lose values (narrowing). `allow_with` says which plan_options call puts it
/// into the plan.
struct withheld_step {
    plan_step_kind kind = plan_step_kind::drop_column;  ///< drop_table, drop_column or alter_column_type
    std::string table;                                  ///< the table
    std::string object;                                 ///< the column, or empty
    std::string description;                            ///< in words
    std::string allow_with;                             ///< e.g. `plan_options{}.allow_drop_column("post", "legacy")`

    /// Member-wise equality.
    friend bool operator==(const withheld_step&, const withheld_step&) = default;
};

/// What `relata::plan_migration` found to do: the steps that bring the live database to the
/// models, in the order `relata::apply_plan` runs them (renames, new tables in foreign-key
/// order, column changes and SQLite rebuilds, indexes, constraints, allowed drops, the SQLite
/// foreign key check), and the destructive changes it left out.
struct migration_plan {
    engine target = engine::sqlite;        ///< the dialect of the statements
    std::vector<plan_step> steps;          ///< what apply_plan runs, in order
    std::vector<withheld_step> not_applied;  ///< destructive changes left out ("not applied: destructive")
    /// The live schema the plan was made against (`relata::introspect`, set by
    /// relata::plan_migration). relata::apply_plan compares it with the database inside its
    /// transaction and refuses the plan when they differ: another process applied it or
    /// changed the schema since. Empty in a plan put together by hand: nothing is compared.
    std::optional<schema> planned_against;

    /// True when the database already matches the models (nothing to apply).
    [[nodiscard]] bool empty() const noexcept { return steps.empty(); }

    /// True when a step has kind `kind`.
    [[nodiscard]] bool contains(plan_step_kind kind) const noexcept {
        return std::any_of(steps.begin(), steps.end(), [&](const plan_step& s) { return s.kind == kind; });
    }

    /// The plan as an SQL script for review: each step as a `-- n. <description>` comment and its
    /// statements, each ending in `;`; then each withheld change as a comment (a SQLite plan that
    /// rebuilds a table also notes that foreign keys are off around its transaction):
    /// @code
    /// -- relata migration plan for SQLite: 2 steps, applied in one transaction by relata::apply_plan
    /// -- 1. add column "post"."votes" INTEGER NOT NULL DEFAULT 0
    /// ALTER TABLE "post" ADD COLUMN "votes" INTEGER NOT NULL DEFAULT 0;
    /// -- 2. add index "post__votes__idx" on "post"
    /// CREATE INDEX IF NOT EXISTS "post__votes__idx" ON "post" ("votes");
    /// -- not applied (destructive): drop column "post"."legacy"; allow it with plan_options{}.allow_drop_column("post", "legacy")
    /// @endcode
    [[nodiscard]] std::string sql() const {
        std::string out = detail::format("-- relata migration plan for {}: {} step{}, applied in one transaction by relata::apply_plan\n",
                                         target == engine::sqlite ? "SQLite" : "PostgreSQL", steps.size(),
                                         steps.size() == 1 ? "" : "s");
        if (target == engine::sqlite && contains(plan_step_kind::rebuild_table))
            out += "-- (around the transaction: PRAGMA foreign_keys = OFF before BEGIN, PRAGMA foreign_keys = ON after it)\n";
        for (std::size_t i = 0; i < steps.size(); ++i) {
            out += detail::format("-- {}. {}\n", i + 1, steps[i].description);
            for (const std::string& statement : steps[i].sql) out += statement + ";\n";
        }
        for (const withheld_step& w : not_applied)
            out += detail::format("-- not applied (destructive): {}; allow it with {}\n", w.description, w.allow_with);
        return out;
    }
};

/// `plan.sql()`.
[[nodiscard]] inline std::string to_string(const migration_plan& plan) { return plan.sql(); }

/// What `relata::plan_migration` may do beyond the non-destructive steps: renames (never
/// guessed: a model column `title` and a live column `titel` are an added column and a withheld
/// drop unless `rename_column` says otherwise) and destructive changes, each named. Immutable:
/// every call returns a new value.
/// @code
/// const auto options = relata::plan_options{}.rename_column("post", "titel", "title").allow_drop_table("old_stats");
/// @endcode
class plan_options {
public:
    /// A table renamed: `ALTER TABLE "from" RENAME TO "to"` (when `from` exists and `to` does not).
    [[nodiscard]] plan_options rename_table(std::string from, std::string to) const {
        plan_options copy = *this;
        copy.table_renames_.push_back({std::move(from), std::move(to)});
        return copy;
    }
    /// A column renamed: `ALTER TABLE "table" RENAME COLUMN "from" TO "to"` (SQLite since 3.25).
    /// `table` is the table's name after any rename_table.
    [[nodiscard]] plan_options rename_column(std::string table, std::string from, std::string to) const {
        plan_options copy = *this;
        copy.column_renames_.push_back({std::move(table), std::move(from), std::move(to)});
        return copy;
    }
    /// Allows `DROP TABLE "table"` for a live table no model maps.
    [[nodiscard]] plan_options allow_drop_table(std::string table) const {
        plan_options copy = *this;
        copy.drop_tables_.push_back(std::move(table));
        return copy;
    }
    /// Allows dropping the live column `table`.`column` that the model does not map (PostgreSQL
    /// `ALTER TABLE ... DROP COLUMN`; SQLite the same, since 3.35, or leaving it out of a rebuild).
    [[nodiscard]] plan_options allow_drop_column(std::string table, std::string column) const {
        plan_options copy = *this;
        copy.drop_columns_.push_back({std::move(table), std::move(column)});
        return copy;
    }
    /// Allows a PostgreSQL type change of `table`.`column` that may lose values or fail
    /// (`bigint` to `integer`, `text` to `bigint`, ...).
    [[nodiscard]] plan_options allow_narrowing(std::string table, std::string column) const {
        plan_options copy = *this;
        copy.narrowings_.push_back({std::move(table), std::move(column)});
        return copy;
    }

    /// A column rename: table, old name, new name.
    struct column_rename {
        std::string table;  ///< the table
        std::string from;   ///< the live name
        std::string to;     ///< the model's name
    };
    /// A (table, column) pair.
    struct table_column {
        std::string table;   ///< the table
        std::string column;  ///< the column
    };

    /// The table renames, as given: (from, to).
    [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& table_renames() const noexcept { return table_renames_; }
    /// The column renames, as given.
    [[nodiscard]] const std::vector<column_rename>& column_renames() const noexcept { return column_renames_; }
    /// The tables allowed to be dropped.
    [[nodiscard]] const std::vector<std::string>& drop_tables() const noexcept { return drop_tables_; }
    /// The columns allowed to be dropped.
    [[nodiscard]] const std::vector<table_column>& drop_columns() const noexcept { return drop_columns_; }
    /// The columns allowed a narrowing type change.
    [[nodiscard]] const std::vector<table_column>& narrowings() const noexcept { return narrowings_; }

private:
    std::vector<std::pair<std::string, std::string>> table_renames_;
    std::vector<column_rename> column_renames_;
    std::vector<std::string> drop_tables_;
    std::vector<table_column> drop_columns_;
    std::vector<table_column> narrowings_;
};

}  // namespace relata
