#pragma once
/// @file
/// Diff and plan: `relata::plan_migration<Models...>(db[, options])` compares the models with
/// the live database (relata::introspect) and returns a `relata::migration_plan`, which prints as
/// SQL for review (`plan.sql()`) and is applied by `relata::apply_plan(db, plan)`
/// (<relata/schema/plan_apply.hpp>, included here) in one transaction. Not part of <relata/relata.hpp>: include <relata/schema/plan_migration.hpp>.
///
/// @code
/// #include <relata/schema/plan_migration.hpp>
/// const relata::migration_plan plan = relata::plan_migration<blog::Author, blog::Post, blog::Comment>(db);
/// std::cout << plan.sql();        // review
/// relata::apply_plan(db, plan);   // all or nothing
/// relata::verify_schema<blog::Author, blog::Post, blog::Comment>(db);  // passes
/// @endcode

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <typeindex>
#include <vector>

#include "relata/connection.hpp"
#include "relata/detail/foreign_keys.hpp"
#include "relata/detail/format.hpp"
#include "relata/detail/reflection.hpp"
#include "relata/error.hpp"
#include "relata/raw_sql.hpp"
#include "relata/schema.hpp"
#include "relata/schema/catalog.hpp"
#include "relata/schema/introspection.hpp"
#include "relata/schema/plan.hpp"
#include "relata/schema/plan_apply.hpp"  // IWYU pragma: export
#include "relata/schema/plan_sqlite_rebuild.hpp"
#include "relata/schema/verification.hpp"
#include "relata/sql/dialect.hpp"

namespace relata {

namespace detail {

/// True when changing a PostgreSQL column of type `live` (format_type) to `target` keeps every
/// value: to text from anything but bytea, to double precision from smallint, integer or real,
/// to bigint from smallint or integer, to integer from smallint, to numeric from the integers.
inline bool postgres_widening(std::string_view live, sql_type target) {
    const std::string type = postgres_base_type(live);
    const auto one_of = [&](std::initializer_list<std::string_view> names) {
        return std::find(names.begin(), names.end(), std::string_view(type)) != names.end();
    };
    switch (target) {
        case sql_type::text: return type != "bytea";
        case sql_type::double_precision: return one_of({"smallint", "integer", "real"});
        case sql_type::bigint: return one_of({"smallint", "integer"});
        case sql_type::integer: return one_of({"smallint"});
        case sql_type::numeric: return one_of({"smallint", "integer", "bigint"});
        default: return false;
    }
}

inline std::string quoted_name(const dialect& d, std::string_view name) {
    std::string out;
    d.append_identifier(out, name);
    return out;
}

/// Applies a column rename to the planner's copy of the live table (and to references to it).
inline void rename_live_column(schema& live, table_info& table, const std::string& from, const std::string& to) {
    const auto rename = [&](const table_info& t, std::vector<std::string>& names) {
        for (std::string& name : names)
            if (t.same_name(name, from)) name = to;
    };
    for (column_info& c : table.columns)
        if (table.same_name(c.name, from)) c.name = to;
    rename(table, table.primary_key);
    for (auto& u : table.unique_constraints) rename(table, u.columns);
    for (auto& i : table.indexes) rename(table, i.columns);
    for (auto& k : table.foreign_keys) rename(table, k.columns);
    for (table_info& other : live.tables)
        for (auto& k : other.foreign_keys)
            if (other.same_name(k.referenced_table, table.name)) rename(other, k.referenced_columns);
}

/// Everything plan_migration collects, by phase (the plan lists the phases in this order).
struct plan_builder {
    const dialect& d;
    const plan_options& options;
    schema live{};
    std::vector<std::string> refusals{};
    std::vector<plan_step> renames{}, creates{}, columns{}, indexes{}, constraints{}, drops{};
    std::vector<withheld_step> withheld{};
    bool rebuilt = false;

    /// Renames planned before the other steps, (new name, name in the database now); catalog
    /// reads at plan time use the names the database has now.
    std::vector<std::pair<std::string, std::string>> renamed_tables{};
    std::vector<std::pair<std::string, std::string>> renamed_columns{};  // ("table.new", old), by the new table name

    std::string database_table(const table_info& t) const {
        for (const auto& [now, before] : renamed_tables)
            if (t.same_name(now, t.name)) return before;
        return t.name;
    }
    std::string database_column(const table_info& t, const std::string& column) const {
        for (const auto& [now, before] : renamed_columns)
            if (t.same_name(now, t.name + "." + column)) return before;
        return column;
    }
    bool renamed(const table_info& t) const {
        return database_table(t) != t.name ||
               std::any_of(renamed_columns.begin(), renamed_columns.end(),
                           [&](const auto& r) { return t.same_name(r.first.substr(0, t.name.size() + 1), t.name + "."); });
    }

    bool allowed(const std::vector<plan_options::table_column>& list, const table_info& t, std::string_view column) const {
        return std::any_of(list.begin(), list.end(), [&](const auto& e) {
            return t.same_name(e.table, t.name) && t.same_name(e.column, column);
        });
    }
};

/// The first column of the first row of `sql` as an integer.
template <cursor_connection Connection>
std::int64_t plan_scalar(Connection& db, const std::string& sql) {
    const auto rows = relata::query<std::int64_t>(db, sql);
    return rows.empty() ? 0 : rows.front();
}

/// `"t"."c" TYPE [NOT NULL] [DEFAULT ...]` as create_table_sql writes column `i` of T.
template <model T>
std::string column_definition(const dialect& d, std::size_t i) {
    std::string out;
    for_each_field<T>([&](auto field) {
        if (field.value != i) return;
        using member = field_type<T, field.value>;
        out = quoted_name(d, column_name_of<T>(d.naming, field.value)) + " " + std::string(d.type_name(sql_type_of<member>()));
        if (!is_nullable<member>) out += " NOT NULL";
        out += column_default_clause<T>(d, field.value);
    });
    return out;
}

/// The foreign keys, UNIQUE constraints and indexes of T missing from `live`, as steps
/// (PostgreSQL) or rebuild reasons (SQLite).
template <model T>
void plan_constraints(plan_builder& b, const table_info& live, std::vector<std::string>& rebuild_reasons,
                      std::vector<plan_step>& index_steps, std::vector<plan_step>& constraint_steps) {
    const dialect& d = b.d;
    const std::string table = live.name;
    const std::string alter = "ALTER TABLE " + quoted_name(d, table);
    const bool sqlite = d.engine == engine::sqlite;
    if constexpr (requires { mapping<T>::foreign_keys; }) {
        for_each_in_tuple(mapping<T>::foreign_keys, [&](const auto& key) {
            const foreign_key_info* existing = find_foreign_key<T>(live, d, key);
            if (existing != nullptr && same_actions(*existing, key)) return;
            using target = foreign_key_target_t<decltype(key)>;
            const auto columns = member_column_names<T>(d.naming, members_of(key));
            const auto referenced = member_column_names<target>(d.naming, target_members_of(key));
            const std::string_view referenced_table = table_name_of<target>(d.naming);
            const std::string described = detail::format("foreign key ({}) REFERENCES \"{}\" ({})", quoted_list(columns),
                                                         referenced_table, quoted_list(referenced));
            const std::string column = columns.size() == 1 ? columns.front() : "";
            sql_writer writer(d);
            writer.text(alter).text(" ADD CONSTRAINT ").identifier(foreign_key_name<T>(d, key)).text(" ");
            append_foreign_key<T>(writer, key);
            if (existing == nullptr) {
                const std::string what = "add " + described;
                if (sqlite) return rebuild_reasons.push_back(what);
                constraint_steps.push_back({plan_step_kind::add_foreign_key, table, column,
                                            detail::format("{} to \"{}\"", what, table), {std::move(writer).take().sql}});
                return;
            }
            // Other actions: SQLite rebuilds the table from the model; PostgreSQL drops the
            // constraint and adds the model's (validated against the rows, in the plan's transaction).
            const auto [on_delete, on_update] = foreign_key_actions(key);
            const std::string what = detail::format("change {} from ON DELETE {} ON UPDATE {} to ON DELETE {} ON UPDATE {}",
                                                    described, existing->on_delete, existing->on_update, on_delete, on_update);
            if (sqlite) return rebuild_reasons.push_back(what);
            constraint_steps.push_back({plan_step_kind::replace_foreign_key, table, column,
                                        detail::format("{} on \"{}\"", what, table),
                                        {alter + " DROP CONSTRAINT " + quoted_name(d, existing->name), std::move(writer).take().sql}});
        });
    }
    if constexpr (requires { mapping<T>::unique; }) {
        for_each_in_tuple(mapping<T>::unique, [&](const auto& constraint) {
            const auto columns = member_column_names<T>(d.naming, unique_members_of(constraint));
            bool found = same_name_set(live, columns, live.primary_key);
            for (const unique_constraint_info& u : live.unique_constraints) found = found || same_name_set(live, columns, u.columns);
            for (const index_info& index : live.indexes)
                found = found || (index.unique && !index.predicate && same_name_set(live, columns, index.columns));
            if (found) return;
            const std::string what = detail::format("add UNIQUE ({}) to \"{}\"", quoted_list(columns), table);
            if (sqlite) return rebuild_reasons.push_back(what);
            sql_writer writer(d);
            writer.text(alter).text(" ADD CONSTRAINT ").identifier(unique_constraint_name<T>(d, constraint)).text(" UNIQUE ");
            append_member_list<T>(writer, unique_members_of(constraint));
            constraint_steps.push_back({plan_step_kind::add_unique, table, "", what, {std::move(writer).take().sql}});
        });
    }
    const std::vector<requested_index> requested = requested_indexes<T>(d);
    const std::vector<rendered_query> create = create_index_sql<T>(d);
    for (std::size_t k = 0; k < requested.size(); ++k) {
        const requested_index& r = requested[k];
        const index_info* existing = live.find_index(r.name);
        if (existing != nullptr && same_index(live, *existing, r)) continue;
        if (existing != nullptr)
            index_steps.push_back({plan_step_kind::drop_index, table, r.name,
                                   detail::format("drop index {} on \"{}\" (the model defines it differently)", quoted_name(d, r.name), table),
                                   {"DROP INDEX " + quoted_name(d, r.name)}});
        index_steps.push_back({plan_step_kind::add_index, table, r.name,
                               detail::format("add {}index {} on \"{}\" {}", r.unique ? "unique " : "", quoted_name(d, r.name), table,
                                      quoted_list(d, r.columns)),
                               {create[k].sql}});
    }
}

/// Plans model T against its existing live table `live`.
template <model T, cursor_connection Connection>
void plan_existing_table(Connection& db, plan_builder& b, const table_info& live) {
    const dialect& d = b.d;
    const bool sqlite = d.engine == engine::sqlite;
    const std::string table = live.name;
    const std::string quoted_table = quoted_name(d, table);
    const std::string alter = "ALTER TABLE " + quoted_table;
    std::optional<bool> rows;
    const auto has_rows = [&] {
        if (!rows)
            rows = plan_scalar(db, "SELECT COUNT(*) FROM (SELECT 1 FROM " + quoted_name(d, b.database_table(live)) +
                                       " LIMIT 1) AS probe") > 0;
        return *rows;
    };
    std::vector<std::string> rebuild_reasons;
    std::vector<plan_step> column_steps, index_steps, constraint_steps;
    std::vector<std::string> copied, dropped;
    std::vector<column_info> kept;

    for_each_field<T>([&](auto i) {
        using member = field_type<T, i.value>;
        constexpr sql_type type = sql_type_of<member>();
        const std::string column(column_name_of<T>(d.naming, i.value));
        const std::string column_sql = alter + " ALTER COLUMN " + quoted_name(d, column);
        const std::string where = detail::format("\"{}\".\"{}\"", table, column);
        const std::string default_clause = column_default_clause<T>(d, i.value);
        const column_info* c = live.find_column(column);
        if (c == nullptr) {
            if (is_primary_key_field<T>(i.value))
                return b.refusals.push_back(detail::format("{} is a primary key column the table lacks (plans do not change keys)", where));
            if (!is_nullable<member> && default_clause.empty() && has_rows())
                return b.refusals.push_back(detail::format("cannot add {} NOT NULL without a default: the table has rows (give it a "
                                                   "default, make the member std::optional, or fill it in a migration)",
                                                   where));
            const std::string definition = column_definition<T>(d, i.value);
            const bool sqlite_cannot = !is_nullable<member> && default_clause.empty();
            if (sqlite && (sqlite_cannot || default_clause.starts_with(" DEFAULT (")))
                return rebuild_reasons.push_back("add column " + definition);
            column_steps.push_back({plan_step_kind::add_column, table, column, detail::format("add column \"{}\".{}", table, definition),
                                    {alter + " ADD COLUMN " + definition}});
            return;
        }
        copied.push_back(c->name);
        const bool holds = sqlite ? sqlite_column_holds(type, c->type) : postgres_column_holds(type, c->type);
        if (!holds) {
            const std::string what = detail::format("change the type of {} from {} to {}", where, c->type.empty() ? "(none)" : c->type,
                                            d.type_name(type));
            if (sqlite) rebuild_reasons.push_back(what);
            else if (postgres_widening(c->type, type) || b.allowed(b.options.narrowings(), live, column))
                column_steps.push_back({plan_step_kind::alter_column_type, table, column, what,
                                        {detail::format("{} TYPE {} USING {}::{}", column_sql, d.type_name(type), quoted_name(d, column),
                                                d.type_name(type))}});
            else
                b.withheld.push_back({plan_step_kind::alter_column_type, table, column, what + " (narrowing: values may not fit)",
                                      detail::format("plan_options{{}}.allow_narrowing(\"{}\", \"{}\")", table, column)});
        }
        if (!is_nullable<member> && c->nullable) {
            if (plan_scalar(db, detail::format("SELECT COUNT(*) FROM {} WHERE {} IS NULL", quoted_name(d, b.database_table(live)),
                                               quoted_name(d, b.database_column(live, c->name)))) > 0)
                b.refusals.push_back(detail::format("cannot make {} NOT NULL: it holds NULL values (member {}::{} is not std::optional)",
                                            where, type_name<T>, std::get<i.value>(description<T>.fields).member_name));
            else if (sqlite) rebuild_reasons.push_back(detail::format("make {} NOT NULL", where));
            else column_steps.push_back({plan_step_kind::set_not_null, table, column, detail::format("make {} NOT NULL", where),
                                         {column_sql + " SET NOT NULL"}});
        }
        if (is_nullable<member> && !c->nullable && c->primary_key_position == 0 && !c->generated) {
            if (sqlite) rebuild_reasons.push_back(detail::format("make {} nullable", where));
            else column_steps.push_back({plan_step_kind::drop_not_null, table, column, detail::format("make {} nullable", where),
                                         {column_sql + " DROP NOT NULL"}});
        }
        if (!default_clause.empty() && !c->default_value && !c->generated) {
            const std::string what = detail::format("set the default of {} to{}", where, default_clause.substr(8));
            if (sqlite) rebuild_reasons.push_back(what);
            else column_steps.push_back({plan_step_kind::set_default, table, column, what, {column_sql + " SET" + default_clause}});
        }
    });

    for (const column_info& c : live.columns) {
        bool mapped = false;
        for_each_field<T>([&](auto i) { mapped = mapped || live.same_name(c.name, column_name_of<T>(d.naming, i.value)); });
        if (mapped) continue;
        const std::string where = detail::format("\"{}\".\"{}\"", table, c.name);
        if (b.allowed(b.options.drop_columns(), live, c.name)) {
            dropped.push_back(c.name);
            continue;
        }
        kept.push_back(c);
        copied.push_back(c.name);
        b.withheld.push_back({plan_step_kind::drop_column, table, c.name, detail::format("drop column {} (no model maps it)", where),
                              detail::format("plan_options{{}}.allow_drop_column(\"{}\", \"{}\")", table, c.name)});
        if (!c.nullable && !c.default_value && !c.generated) {  // verify_schema's rule: inserts would fail
            const std::string what = detail::format("make {} nullable (NOT NULL without a default, and no model maps it)", where);
            if (sqlite) rebuild_reasons.push_back(what);
            else column_steps.push_back({plan_step_kind::drop_not_null, table, c.name, what,
                                         {alter + " ALTER COLUMN " + quoted_name(d, c.name) + " DROP NOT NULL"}});
        }
        if (sqlite && c.generated)
            b.refusals.push_back(detail::format("{} is a generated column no model maps", where));
    }

    plan_constraints<T>(b, live, rebuild_reasons, index_steps, constraint_steps);

    if (!sqlite || rebuild_reasons.empty()) {
        for (const std::string& column : dropped)
            column_steps.push_back({plan_step_kind::drop_column, table, column,
                                    detail::format("drop column \"{}\".\"{}\" (allowed by name)", table, column),
                                    {alter + " DROP COLUMN " + quoted_name(d, column)}});
        b.columns.insert(b.columns.end(), column_steps.begin(), column_steps.end());
        b.indexes.insert(b.indexes.end(), index_steps.begin(), index_steps.end());
        b.constraints.insert(b.constraints.end(), constraint_steps.begin(), constraint_steps.end());
        return;
    }
    bool generated_kept = false;
    for (const column_info& c : kept) generated_kept = generated_kept || c.generated;
    if (generated_kept) return;  // refused above
    sqlite_rebuild rebuild{table, create_table_sql<T>(d).sql, field_count<T>, kept, copied, {}, {}};
    for (const rendered_query& index : create_index_sql<T>(d)) rebuild.indexes.push_back(index.sql);
    const std::vector<requested_index> requested = requested_indexes<T>(d);
    for (const auto& object : relata::query<std::tuple<std::string, std::string>>(
             db, "SELECT name, sql FROM sqlite_schema WHERE type IN ('index', 'trigger') AND tbl_name = ? AND sql IS NOT NULL "
                 "ORDER BY type, name",
             b.database_table(live))) {
        const std::string& name = std::get<0>(object);
        if (std::none_of(requested.begin(), requested.end(), [&](const requested_index& r) { return live.same_name(r.name, name); }))
            rebuild.other_objects.push_back(std::get<1>(object));
    }
    if (!rebuild.other_objects.empty() && b.renamed(live))
        return b.refusals.push_back(detail::format("table \"{}\" needs a rebuild and has indexes or triggers outside the model, "
                                                   "which a rename in the same plan would break: plan and apply the renames first",
                                                   table));
    for (const std::string& column : dropped) rebuild_reasons.push_back(detail::format("drop column \"{}\".\"{}\" (allowed by name)", table, column));
    b.columns.push_back({plan_step_kind::rebuild_table, table, "",
                         detail::format("rebuild table \"{}\" (SQLite's ALTER TABLE cannot: {})", table, detail::join(rebuild_reasons, "; ")),
                         sqlite_rebuild_statements(d, rebuild)});
    b.rebuilt = true;
}

/// Plans model T: a new table, or the changes to its live table.
template <model T, cursor_connection Connection>
void plan_model(Connection& db, plan_builder& b, const std::vector<std::type_index>& omitted) {
    const dialect& d = b.d;
    const std::string table(table_name_of<T>(d.naming));
    if (const table_info* live = b.live.find_table(table)) return plan_existing_table<T>(db, b, *live);
    b.creates.push_back({plan_step_kind::create_table, table, "", detail::format("create table \"{}\"", table),
                         {create_table_sql<T>(d, omitted).sql}});
    const std::vector<requested_index> requested = requested_indexes<T>(d);
    const std::vector<rendered_query> create = create_index_sql<T>(d);
    for (std::size_t k = 0; k < create.size(); ++k)
        b.creates.push_back({plan_step_kind::add_index, table, requested[k].name,
                             detail::format("add {}index {} on \"{}\" {}", requested[k].unique ? "unique " : "",
                                    quoted_name(d, requested[k].name), table, quoted_list(d, requested[k].columns)),
                             {create[k].sql}});
    for (rendered_query& key : add_foreign_key_sql<T>(d, omitted))
        b.constraints.push_back({plan_step_kind::add_foreign_key, table, "",
                                 detail::format("add foreign key to \"{}\" (a cycle between new tables)", table), {std::move(key.sql)}});
}

/// Applies the renames plan_options asks for to the planner's copy of the live schema.
inline void plan_renames(plan_builder& b) {
    const dialect& d = b.d;
    for (const auto& [from, to] : b.options.table_renames()) {
        table_info* source = nullptr;
        bool target_exists = false;
        for (table_info& t : b.live.tables) {
            if (t.same_name(t.name, from)) source = &t;
            target_exists = target_exists || t.same_name(t.name, to);
        }
        if (source == nullptr || target_exists) {
            if (source != nullptr || !target_exists)
                b.refusals.push_back(detail::format("cannot rename table \"{}\" to \"{}\": {}", from, to,
                                            source == nullptr ? "no such table" : "both exist"));
            continue;  // only the new name exists: renamed already
        }
        for (table_info& other : b.live.tables)
            for (auto& key : other.foreign_keys)
                if (other.same_name(key.referenced_table, from)) key.referenced_table = to;
        b.renamed_tables.emplace_back(to, source->name);
        b.renames.push_back({plan_step_kind::rename_table, to, from, detail::format("rename table \"{}\" to \"{}\"", from, to),
                             {detail::format("ALTER TABLE {} RENAME TO {}", quoted_name(d, from), quoted_name(d, to))}});
        source->name = to;
    }
    for (const auto& [table_name, from, to] : b.options.column_renames()) {
        table_info* table = nullptr;
        for (table_info& t : b.live.tables)
            if (t.same_name(t.name, table_name)) table = &t;
        const bool has_from = table != nullptr && table->find_column(from) != nullptr;
        const bool has_to = table != nullptr && table->find_column(to) != nullptr;
        if (has_from == has_to)  // neither: a mistake; both: ambiguous
            b.refusals.push_back(detail::format("cannot rename column \"{}\".\"{}\" to \"{}\": {}", table_name, from, to,
                                                table == nullptr ? "no such table" : has_from ? "both exist" : "no such column"));
        if (!has_from || has_to) continue;  // (only the new name exists: renamed already)
        b.renames.push_back({plan_step_kind::rename_column, table->name, to,
                             detail::format("rename column \"{}\".\"{}\" to \"{}\"", table->name, from, to),
                             {detail::format("ALTER TABLE {} RENAME COLUMN {} TO {}", quoted_name(d, table->name), quoted_name(d, from),
                                     quoted_name(d, to))}});
        b.renamed_columns.emplace_back(table->name + "." + to, table->find_column(from)->name);
        rename_live_column(b.live, *table, from, to);
    }
}

}  // namespace detail

/// Compares the models `Models...` with the live database and returns the steps that bring the
/// database to them, without changing anything (only catalog reads and, per changed table, a
/// `SELECT COUNT(*) ... LIMIT 1` row probe and `IS NULL` counts). Per model:
/// - no table: `create table` (relata::create_table_sql) and `add index` steps, tables in
///   foreign-key order (on PostgreSQL a foreign key of a cycle between new tables is an
///   `add foreign key` step after every CREATE TABLE, as relata::create_all does);
/// - a mapped column missing: `add column` (`ALTER TABLE "t" ADD COLUMN "c" TYPE [NOT NULL]
///   [DEFAULT ...]`, both dialects);
/// - a column type that cannot hold the member (relata::verify_schema's rule): PostgreSQL
///   `alter column type` (``ALTER TABLE "t" ALTER COLUMN "c" TYPE BIGINT USING "c"::%BIGINT``)
///   when it widens (to text; integer to a wider integer, double precision or numeric; real
///   to double precision), else withheld as narrowing unless plan_options::allow_narrowing;
/// - a non-optional member on a nullable column: PostgreSQL `set not null`; an optional member
///   on a NOT NULL column (not a key): `drop not null`; a default in `mapping<T>::defaults` the
///   column lacks: `set default` (`ALTER TABLE "t" ALTER COLUMN "c" SET DEFAULT 0`);
/// - a live column no model maps: kept, and listed in `not_applied` as a destructive `drop column`
///   unless plan_options::allow_drop_column names it; when it is NOT NULL without a default
///   (inserts would fail, as relata::verify_schema reports) it gets `drop not null`;
/// - an index of `mapping<T>::indexes` missing: `add index`; present under its name with
///   other columns, uniqueness or predicate: `drop index` then `add index` (other live indexes
///   stay); a UNIQUE constraint or foreign key the table lacks (verify_schema's rules):
///   PostgreSQL `add unique constraint` / `add foreign key` (`ALTER TABLE "t" ADD CONSTRAINT
///   "post__author_id__fkey" FOREIGN KEY ("author_id") REFERENCES "author" ("id")`).
/// On SQLite, whatever ALTER TABLE cannot do (type, nullability, default, foreign key, UNIQUE,
/// a NOT NULL column without a constant default) is one `rebuild table` step per table, the
/// procedure of lang_altertable.html section 7 (see <relata/schema/plan_sqlite_rebuild.hpp>),
/// followed by a final `foreign key check` step. The rebuilt table has the model's columns and
/// constraints (CHECK too) plus the live columns the model does not map; other UNIQUE or CHECK
/// constraints of the old table are not kept, its other indexes and triggers are. A type
/// change keeps every value (SQLite converts a stored value to the new affinity only when that
/// is lossless; an integer above 2^53 in a column that becomes REAL is rounded).
/// Live tables no model maps are listed as destructive `drop table` unless
/// plan_options::allow_drop_table names them (`relata_migrations` is never listed). Renames
/// come only from plan_options (first in the plan). Not planned: primary key changes, changed
/// default values (only a missing default is set), CHECK constraints of existing tables on
/// PostgreSQL, views that refer to a rebuilt SQLite table.
/// @return the plan; `plan.empty()` when the database matches the models.
/// @throws relata::schema_error listing every change the database would refuse (named by table
/// and column): adding a NOT NULL column without a default to a table with rows, making a
/// column holding NULLs NOT NULL, adding a primary key column, a rename whose source is
/// missing or whose target exists too, rebuilding a SQLite table with a generated column no
/// model maps; relata::database_error (catalog reads).
template <model... Models, detail::cursor_connection Connection>
[[nodiscard]] migration_plan plan_migration(Connection& db, const plan_options& options = {}) {
    const dialect& d = db.sql_dialect();
    schema live = introspect(db);
    detail::plan_builder b{.d = d, .options = options, .live = live};
    detail::plan_renames(b);
    const std::vector<std::type_index> types{std::type_index(typeid(Models))...};
    const std::vector<std::vector<std::type_index>> references{detail::referenced_types<Models>()...};
    const auto order = detail::dependency_order(types, references);
    std::vector<std::vector<std::type_index>> forward(types.size());
    if (d.engine == engine::postgresql) forward = detail::forward_references(types, references, order);
    using planner = void (*)(Connection&, detail::plan_builder&, const std::vector<std::type_index>&);
    const std::vector<planner> planners{&detail::plan_model<Models, Connection>...};
    for (const std::size_t i : order) planners[i](db, b, forward[i]);

    const std::vector<std::string> model_tables{std::string(detail::table_name_of<Models>(d.naming))...};
    for (const table_info& t : b.live.tables) {
        const bool mapped = std::any_of(model_tables.begin(), model_tables.end(), [&](const auto& m) { return t.same_name(m, t.name); });
        if (mapped || t.same_name(t.name, "relata_migrations")) continue;
        const auto& allowed = options.drop_tables();
        if (std::any_of(allowed.begin(), allowed.end(), [&](const std::string& a) { return t.same_name(a, t.name); }))
            b.drops.push_back({plan_step_kind::drop_table, t.name, "", detail::format("drop table \"{}\" (allowed by name)", t.name),
                               {"DROP TABLE " + detail::quoted_name(d, t.name)}});
        else
            b.withheld.push_back({plan_step_kind::drop_table, t.name, "", detail::format("drop table \"{}\" (no model maps it)", t.name),
                                  detail::format("plan_options{{}}.allow_drop_table(\"{}\")", t.name)});
    }
    if (!b.refusals.empty())
        throw schema_error("plan_migration: the database would refuse the change the models call for: " +
                           detail::join(b.refusals, "; "));
    migration_plan plan{d.engine, {}, std::move(b.withheld), std::move(live)};
    for (auto* phase : {&b.renames, &b.creates, &b.columns, &b.indexes, &b.constraints, &b.drops})
        plan.steps.insert(plan.steps.end(), phase->begin(), phase->end());
    if (b.rebuilt)
        plan.steps.push_back({plan_step_kind::foreign_key_check, "", "",
                              "check every foreign key after the rebuild (PRAGMA foreign_key_check must return no row)",
                              {"PRAGMA foreign_key_check"}});
    return plan;
}

}  // namespace relata
