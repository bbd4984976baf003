#pragma once
/// @file
/// DDL from model metadata: `relata::create_all<Ts...>(db)` and `relata::drop_all<Ts...>(db)`.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <typeindex>
#include <vector>

#include "relata/connection.hpp"
#include "relata/detail/foreign_keys.hpp"
#include "relata/detail/format.hpp"
#include "relata/detail/reflection.hpp"
#include "relata/error.hpp"
#include "relata/query/node.hpp"
#include "relata/query/source.hpp"
#include "relata/schema/ddl_literal.hpp"
#include "relata/schema/ddl_names.hpp"
#include "relata/schema/ddl_verification.hpp"
#include "relata/sql/dialect.hpp"
#include "relata/sql/render.hpp"
#include "relata/types.hpp"

namespace relata {

namespace detail {

template <model T>
void append_member_list(sql_writer& writer, const auto& members) {
    writer.text("(");
    bool first = true;
    std::apply(
        [&](const auto&... member) {
            ((writer.text(first ? "" : ", "), writer.template column<T>(index_of_member<T>(member)), first = false), ...);
        },
        members);
    writer.text(")");
}

/// The SQL words of a referential action (`CASCADE`, `SET NULL`, ...), the same on every dialect.
constexpr const char* referential_action_sql(referential_action action) noexcept {
    switch (action) {
        case referential_action::restrict: return "RESTRICT";
        case referential_action::cascade: return "CASCADE";
        case referential_action::set_null: return "SET NULL";
        case referential_action::no_action:
        case referential_action::unspecified: break;
    }
    return "NO ACTION";
}

/// Types that T references through mapping<T>::foreign_keys.
template <model T>
std::vector<std::type_index> referenced_types() {
    std::vector<std::type_index> types;
    if constexpr (requires { mapping<T>::foreign_keys; }) {
        for_each_in_tuple(mapping<T>::foreign_keys, [&](const auto& key) {
            using target = foreign_key_target_t<decltype(key)>;
            if (!std::is_same_v<target, T>) types.emplace_back(typeid(target));
        });
    }
    return types;
}

/// The members of a foreign key side as a tuple (a single member becomes a one-element tuple).
constexpr auto member_tuple(const auto& members) {
    if constexpr (is_member_tuple<decltype(members)>) return members;
    else return std::tuple{members};
}

/// `FOREIGN KEY ("author_id") REFERENCES "author" ("id") ON DELETE CASCADE`; a composite key
/// lists every column: `FOREIGN KEY ("a", "b") REFERENCES "t" ("x", "y")`.
template <model T, class Key>
void append_foreign_key(sql_writer& writer, const Key& key) {
    using target = foreign_key_target_t<Key>;
    writer.text("FOREIGN KEY ");
    append_member_list<T>(writer, member_tuple(members_of(key)));
    writer.text(" REFERENCES ");
    writer.template table<target>();
    writer.text(" ");
    append_member_list<target>(writer, member_tuple(target_members_of(key)));
    if constexpr (requires { key.delete_action; }) {
        if (key.delete_action != referential_action::unspecified)
            writer.text(" ON DELETE ").text(referential_action_sql(key.delete_action));
        if (key.update_action != referential_action::unspecified)
            writer.text(" ON UPDATE ").text(referential_action_sql(key.update_action));
    }
}

/// Foreign keys that a cycle between `Models...` makes reference a table created later
/// (`order` is the creation order): per model, the referenced types to leave out of its
/// CREATE TABLE on PostgreSQL and add with ALTER TABLE once every table exists.
inline std::vector<std::vector<std::type_index>> forward_references(const std::vector<std::type_index>& types,
                                                                    const std::vector<std::vector<std::type_index>>& references,
                                                                    const std::vector<std::size_t>& order) {
    std::vector<std::size_t> position(types.size());
    for (std::size_t p = 0; p < order.size(); ++p) position[order[p]] = p;
    std::vector<std::vector<std::type_index>> forward(types.size());
    for (std::size_t i = 0; i < types.size(); ++i)
        for (const auto& referenced : references[i])
            for (std::size_t j = 0; j < types.size(); ++j)
                if (types[j] == referenced && position[j] > position[i]) forward[i].push_back(referenced);
    return forward;
}

/// `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'name' AND conrelid =
/// to_regclass('"t"')) THEN ALTER TABLE "t" ADD CONSTRAINT "name" <definition>; END IF; END $$`
/// for `model`'s table: adds a constraint unless one of that name exists (PostgreSQL).
inline rendered_query add_constraint_once(const dialect& d, const model_info& model, const std::string& name,
                                          const std::string& definition) {
    std::string quoted_table;
    append_quoted_identifier(quoted_table, model.table_name(d.naming));
    sql_writer writer(d);
    writer.text("ALTER TABLE ").text(quoted_table).text(" ADD CONSTRAINT ").identifier(name).text(" ").text(definition);
    const std::string alter = std::move(writer).take().sql;
    return {detail::format("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = {} "
                           "AND conrelid = to_regclass({})) THEN {}; END IF; END $$",
                           sql_string_literal(d, name), sql_string_literal(d, quoted_table), alter),
            {}};
}

/// `ALTER TABLE ... ADD CONSTRAINT` for T's foreign keys to the types in `targets`, run only
/// when the constraint does not exist yet (PostgreSQL has no ADD CONSTRAINT IF NOT EXISTS):
/// `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = '...' AND conrelid
/// = to_regclass('"t"')) THEN ALTER TABLE "t" ADD CONSTRAINT "..." FOREIGN KEY ...; END IF; END $$`.
template <model T>
std::vector<rendered_query> add_foreign_key_sql(const dialect& d, const std::vector<std::type_index>& targets) {
    std::vector<rendered_query> statements;
    if constexpr (requires { mapping<T>::foreign_keys; }) {
        for_each_in_tuple(mapping<T>::foreign_keys, [&](const auto& key) {
            using target = foreign_key_target_t<decltype(key)>;
            if (std::find(targets.begin(), targets.end(), std::type_index(typeid(target))) == targets.end()) return;
            sql_writer clause(d);
            append_foreign_key<T>(clause, key);
            statements.push_back(add_constraint_once(d, model_info_of<T>, foreign_key_name<T>(d, key), std::move(clause).take().sql));
        });
    }
    return statements;
}

/// Orders `types` so that every type comes after the types it references (those in the list).
inline std::vector<std::size_t> dependency_order(const std::vector<std::type_index>& types,
                                                 const std::vector<std::vector<std::type_index>>& references) {
    std::vector<std::size_t> order;
    std::vector<int> mark(types.size(), 0);  // 0 new, 1 visiting, 2 done
    auto visit = [&](auto& self, std::size_t i) -> void {
        if (mark[i] != 0) return;  // done, or a cycle: keep declaration order
        mark[i] = 1;
        for (const auto& referenced : references[i])
            for (std::size_t j = 0; j < types.size(); ++j)
                if (types[j] == referenced) self(self, j);
        mark[i] = 2;
        order.push_back(i);
    };
    for (std::size_t i = 0; i < types.size(); ++i) visit(visit, i);
    return order;
}

}  // namespace detail

/// The CREATE TABLE statement for T:
/// @code
/// CREATE TABLE IF NOT EXISTS "post" ("id" INTEGER PRIMARY KEY, "author_id" INTEGER NOT NULL,
///   "title" TEXT NOT NULL, "votes" INTEGER NOT NULL DEFAULT 0, "email" TEXT,
///   CONSTRAINT "post__title__key" UNIQUE ("title"),
///   CONSTRAINT "post_check_7518322c" CHECK (votes >= 0),
///   CONSTRAINT "post__author_id__fkey" FOREIGN KEY ("author_id") REFERENCES "author" ("id")
///     ON DELETE CASCADE ON UPDATE CASCADE)                                                 -- SQLite
/// CREATE TABLE IF NOT EXISTS "post" ("id" BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
///   "author_id" BIGINT NOT NULL, ...)                                                      -- PostgreSQL
/// @endcode
/// Non-optional members are NOT NULL; types come from the dialect. A composite primary key
/// (`mapping<T>::primary_key = std::tuple{&T::a, &T::b}`) is a table constraint on both
/// dialects: `..., PRIMARY KEY ("a", "b")`. Defaults come from `mapping<T>::defaults`
/// (relata::default_value, relata::default_sql), CHECK constraints from `mapping<T>::checks`
/// (relata::check), UNIQUE constraints from `mapping<T>::unique`, foreign keys from
/// `mapping<T>::foreign_keys`; constraints are named as <relata/schema/ddl_names.hpp> derives.
/// Foreign keys to the types in `omitted_targets` are left out (create_all adds them later).
/// @throws relata::mapping_error for a default that has no SQL literal (a non-finite double,
/// a string with NUL); relata::schema_error on PostgreSQL for a table, column or given
/// constraint name over 63 bytes (PostgreSQL would cut it).
template <model T>
[[nodiscard]] rendered_query create_table_sql(const dialect& d, const std::vector<std::type_index>& omitted_targets) {
    static_assert(detail::default_members_listed<T>(),
                  "relata: mapping<T>::defaults names a member that RELATA_MODEL(T, ...) does not list; "
                  "add the member to RELATA_MODEL");
    detail::check_identifier_lengths<T>(d);
    detail::sql_writer writer(d);
    writer.text("CREATE TABLE IF NOT EXISTS ");
    writer.template table<T>();
    writer.text(" (");
    detail::for_each_field<T>([&](auto i) {
        using member_type = detail::field_type<T, i.value>;
        if (i.value > 0) writer.text(", ");
        writer.template column<T>(i.value);
        writer.text(" ");
        if constexpr (detail::generated_key<T>) {
            if (i.value == detail::primary_key_index<T>) {
                writer.text(d.generated_key_definition(detail::sql_type_of<member_type>()));
                return;
            }
        }
        writer.text(d.type_name(detail::sql_type_of<member_type>()));
        if (!detail::is_nullable<member_type>) writer.text(" NOT NULL");
        if constexpr (detail::has_primary_key<T> && !detail::composite_key<T>) {
            if (i.value == detail::primary_key_index<T>) writer.text(" PRIMARY KEY");
        }
        writer.text(detail::column_default_clause<T>(d, i.value));
    });
    if constexpr (detail::composite_key<T>) {
        writer.text(", PRIMARY KEY (");
        for (std::size_t k = 0; k < detail::primary_key_size<T>; ++k) {
            if (k > 0) writer.text(", ");
            writer.template column<T>(detail::primary_key_indexes<T>[k]);
        }
        writer.text(")");
    }
    if constexpr (requires { mapping<T>::unique; }) {
        detail::for_each_in_tuple(mapping<T>::unique, [&](const auto& constraint) {
            writer.text(", CONSTRAINT ").identifier(detail::unique_constraint_name<T>(d, constraint)).text(" UNIQUE ");
            detail::append_member_list<T>(writer, detail::unique_members_of(constraint));
        });
    }
    if constexpr (requires { mapping<T>::checks; }) {
        detail::for_each_in_tuple(mapping<T>::checks, [&](const check_constraint& check) {
            writer.text(", CONSTRAINT ").identifier(detail::check_constraint_name<T>(d, check));
            writer.text(" CHECK (").text(check.expression).text(")");
        });
    }
    if constexpr (requires { mapping<T>::foreign_keys; }) {
        detail::for_each_in_tuple(mapping<T>::foreign_keys, [&](const auto& key) {
            using target = detail::foreign_key_target_t<decltype(key)>;
            if (std::find(omitted_targets.begin(), omitted_targets.end(), std::type_index(typeid(target))) !=
                omitted_targets.end())
                return;
            writer.text(", CONSTRAINT ").identifier(detail::foreign_key_name<T>(d, key)).text(" ");
            detail::append_foreign_key<T>(writer, key);
        });
    }
    writer.text(")");
    return std::move(writer).take();
}

/// `create_table_sql<T>(d, {})`: every foreign key in the CREATE TABLE.
template <model T>
[[nodiscard]] rendered_query create_table_sql(const dialect& d) {
    return create_table_sql<T>(d, {});
}

namespace detail {

/// T's `mapping<T>::indexes` as create_all requests them (names derived or given).
template <model T>
std::vector<requested_index> requested_indexes(const dialect& d) {
    std::vector<requested_index> indexes;
    if constexpr (requires { mapping<T>::indexes; }) {
        for_each_in_tuple(mapping<T>::indexes, [&](const auto& index) {
            requested_index request{index_name<T>(d, index), std::string(table_name_of<T>(d.naming)), {}, index.is_unique,
                                    index.predicate != nullptr};
            for (const auto column : column_names_of<T>(d, index.members)) request.columns.emplace_back(column);
            indexes.push_back(std::move(request));
        });
    }
    return indexes;
}

/// T's indexes and named constraints (UNIQUE, CHECK, FOREIGN KEY), for create_all to check.
template <model T>
requested_objects requested_objects_of(const dialect& d) {
    requested_objects objects{requested_indexes<T>(d), {}};
    const std::string table(table_name_of<T>(d.naming));
    using kind = requested_constraint::kind;
    if constexpr (requires { mapping<T>::unique; }) {
        for_each_in_tuple(mapping<T>::unique, [&](const auto& constraint) {
            objects.constraints.push_back({unique_constraint_name<T>(d, constraint), table, kind::unique});
        });
    }
    if constexpr (requires { mapping<T>::checks; }) {
        for_each_in_tuple(mapping<T>::checks, [&](const check_constraint& check) {
            objects.constraints.push_back({check_constraint_name<T>(d, check), table, kind::check});
        });
    }
    if constexpr (requires { mapping<T>::foreign_keys; }) {
        for_each_in_tuple(mapping<T>::foreign_keys, [&](const auto& key) {
            objects.constraints.push_back({foreign_key_name<T>(d, key), table, kind::foreign_key});
        });
    }
    return objects;
}

}  // namespace detail

/// The CREATE INDEX statements for T's `mapping<T>::indexes`, the same on SQLite and PostgreSQL:
/// @code
/// relata::index(&Post::published_at)
///   -> CREATE INDEX IF NOT EXISTS "post__published_at__idx" ON "post" ("published_at")
/// relata::unique_index(&Post::slug).where("deleted_at IS NULL").named("post_live_slug")
///   -> CREATE UNIQUE INDEX IF NOT EXISTS "post_live_slug" ON "post" ("slug") WHERE deleted_at IS NULL
/// @endcode
/// Names as <relata/schema/ddl_names.hpp> derives them. Partial indexes: SQLite since 3.8.0.
/// @throws relata::schema_error for a given name over 63 bytes on PostgreSQL.
template <model T>
[[nodiscard]] std::vector<rendered_query> create_index_sql(const dialect& d) {
    std::vector<rendered_query> statements;
    if constexpr (requires { mapping<T>::indexes; }) {
        detail::for_each_in_tuple(mapping<T>::indexes, [&](const auto& index) {
            detail::sql_writer writer(d);
            writer.text(index.is_unique ? "CREATE UNIQUE INDEX IF NOT EXISTS " : "CREATE INDEX IF NOT EXISTS ");
            writer.identifier(detail::index_name<T>(d, index)).text(" ON ");
            writer.template table<T>();
            writer.text(" ");
            detail::append_member_list<T>(writer, index.members);
            if (index.predicate != nullptr) writer.text(" WHERE ").text(index.predicate);
            statements.push_back(std::move(writer).take());
        });
    }
    return statements;
}

/// Creates the tables and indexes of `Models...` that do not exist yet, referenced tables
/// first, in one transaction. Models whose foreign keys form a cycle (`Department.manager_id ->
/// Employee`, `Employee.department_id -> Department`): SQLite accepts a REFERENCES to a table
/// created later; on PostgreSQL such a foreign key is added once both tables exist, with
/// `ALTER TABLE "department" ADD CONSTRAINT "department__manager_id__fkey" FOREIGN KEY ...` (only
/// when no constraint of that name exists, so create_all stays idempotent).
///
/// Afterwards, still in the transaction, it checks that every index and constraint it asked
/// for exists under its name (SQLite: `sqlite_master`, `pragma_index_list`, `pragma_index_info`;
/// PostgreSQL: `pg_index`, `pg_constraint`), each index on its table and columns, unique and
/// partial as requested: `IF NOT EXISTS` silently keeps an older object of the same name, and
/// a table that existed before keeps its old constraints.
/// @throws relata::schema_error listing every missing or different index or constraint (the
/// transaction is rolled back); relata::database_error when a statement fails;
/// relata::mapping_error for a default with no SQL literal.
template <model... Models, connection Connection>
void create_all(Connection& db) {
    const dialect& d = db.sql_dialect();
    const std::vector<std::type_index> types{std::type_index(typeid(Models))...};
    const std::vector<std::vector<std::type_index>> references{detail::referenced_types<Models>()...};
    const auto order = detail::dependency_order(types, references);
    std::vector<std::vector<std::type_index>> forward(types.size());
    if (d.engine == engine::postgresql) forward = detail::forward_references(types, references, order);
    std::size_t model = 0;
    const std::vector<std::vector<rendered_query>> statements{[&] {
        std::vector<rendered_query> all{create_table_sql<Models>(d, forward[model])};
        for (auto& index : create_index_sql<Models>(d)) all.push_back(std::move(index));
        ++model;
        return all;
    }()...};
    model = 0;
    const std::vector<std::vector<rendered_query>> constraints{[&] {
        return detail::add_foreign_key_sql<Models>(d, forward[model++]);
    }()...};
    detail::requested_objects requested;
    const std::vector<detail::requested_objects> per_model{detail::requested_objects_of<Models>(d)...};
    for (const auto& objects : per_model) {
        requested.indexes.insert(requested.indexes.end(), objects.indexes.begin(), objects.indexes.end());
        requested.constraints.insert(requested.constraints.end(), objects.constraints.begin(), objects.constraints.end());
    }
    transaction tx(db);
    for (const std::size_t i : order)
        for (const auto& statement : statements[i]) db.execute(statement);
    for (const auto& model_constraints : constraints)
        for (const auto& statement : model_constraints) db.execute(statement);
    detail::verify_created(db, requested);
    tx.commit();
}

/// Drops the tables of `Models...` that exist, referencing tables first, in one transaction:
/// `DROP TABLE IF EXISTS "post"`. Models whose foreign keys form a cycle: on PostgreSQL the
/// foreign keys create_all added with ALTER TABLE are dropped first (`ALTER TABLE IF EXISTS
/// "department" DROP CONSTRAINT IF EXISTS "department__manager_id__fkey"`); on SQLite the
/// transaction runs with `PRAGMA defer_foreign_keys = ON`, so the rows each DROP deletes are
/// checked at COMMIT, when every table of the cycle is gone.
/// @throws relata::database_error.
template <model... Models, connection Connection>
void drop_all(Connection& db) {
    const dialect& d = db.sql_dialect();
    const std::vector<std::string> tables{std::string(detail::table_name_of<Models>(d.naming))...};
    const std::vector<std::type_index> types{std::type_index(typeid(Models))...};
    const std::vector<std::vector<std::type_index>> references{detail::referenced_types<Models>()...};
    auto order = detail::dependency_order(types, references);
    const auto forward = detail::forward_references(types, references, order);
    const bool cyclic = std::any_of(forward.begin(), forward.end(), [](const auto& f) { return !f.empty(); });
    std::size_t model = 0;
    const std::vector<std::vector<std::string>> constraints{[&] {
        std::vector<std::string> names;
        if constexpr (requires { mapping<Models>::foreign_keys; }) {
            detail::for_each_in_tuple(mapping<Models>::foreign_keys, [&](const auto& key) {
                using target = detail::foreign_key_target_t<decltype(key)>;
                const auto& targets = forward[model];
                if (std::find(targets.begin(), targets.end(), std::type_index(typeid(target))) != targets.end())
                    names.push_back(detail::foreign_key_name<Models>(d, key));
            });
        }
        ++model;
        return names;
    }()...};
    transaction tx(db);
    if (cyclic && d.engine == engine::sqlite) db.execute(rendered_query{"PRAGMA defer_foreign_keys = ON", {}});
    if (d.engine == engine::postgresql) {
        for (std::size_t i = 0; i < tables.size(); ++i)
            for (const auto& name : constraints[i]) {
                detail::sql_writer writer(d);
                writer.text("ALTER TABLE IF EXISTS ").identifier(tables[i]).text(" DROP CONSTRAINT IF EXISTS ").identifier(name);
                db.execute(std::move(writer).take());
            }
    }
    for (auto i = order.rbegin(); i != order.rend(); ++i) {
        detail::sql_writer writer(d);
        writer.text("DROP TABLE IF EXISTS ").identifier(tables[*i]);
        db.execute(std::move(writer).take());
    }
    tx.commit();
}

/// Moves the generator of T's generated primary key past the largest key in T's table, so that
/// the next object inserted without a key (key 0) gets a key no row has. Needed on PostgreSQL
/// after rows were inserted with their keys — `insert_all` of a seed or an import, objects added
/// to a Session with explicit keys: an identity column (what create_all makes: `GENERATED BY
/// DEFAULT AS IDENTITY`) or a serial takes its keys from a sequence that such an INSERT does
/// not advance, so the next generated key would be 1 and its INSERT a duplicate key
/// (relata::constraint_violation). On SQLite an `INTEGER PRIMARY KEY` already takes the largest
/// key + 1 (create_all uses no AUTOINCREMENT), so nothing changes there. The same step as
/// Django's `sqlsequencereset` and Rails' `reset_pk_sequence!`.
///
/// PostgreSQL: `SELECT CASE WHEN m >= v THEN setval(s, m + 1, false) ELSE v + 1 END FROM
/// (SELECT s, nextval(s) AS v, (SELECT COALESCE(MAX("id"), 0) FROM "post") AS m FROM (SELECT
/// pg_get_serial_sequence($1, $2) AS s) AS q) AS r` with the quoted table and the column name
/// as parameters. The sequence is set only when it is behind the largest key; otherwise the
/// call takes one value (a gap, as a rolled-back INSERT leaves one) and sets nothing, so
/// connections inserting meanwhile with generated keys keep unique keys (a `setval` from a
/// value read earlier would hand out again what they took in between). While the sequence is
/// behind, their INSERTs collide with the table's keys anyway, until this call has run.
/// SQLite: `SELECT COALESCE(MAX("id"), 0) + 1 FROM "post"`.
/// @return the key the next INSERT without a key gets (on PostgreSQL, unless another session
/// takes it first).
/// @throws relata::schema_error when T's table has no sequence behind the key column
/// (PostgreSQL: a key column that is neither identity nor serial); relata::database_error (a
/// missing table, for one).
template <model T, connection Connection>
std::int64_t reset_key_sequence(Connection& db) {
    static_assert(detail::generated_key<T>,
                  "relata: reset_key_sequence needs a model whose primary key the database generates (an integer key)");
    const dialect& d = db.sql_dialect();
    std::string table;
    d.append_identifier(table, detail::table_name_of<T>(d.naming));
    const std::string_view column = detail::column_name_of<T>(d.naming, detail::primary_key_index<T>);
    std::string quoted_column;
    d.append_identifier(quoted_column, column);
    const std::string largest = detail::format("(SELECT COALESCE(MAX({}), 0) FROM {})", quoted_column, table);
    std::optional<std::int64_t> next;
    const auto read = [&](const auto& row) { next = detail::from_cell<std::optional<std::int64_t>>(row.cell(0)); };
    if (d.engine == engine::sqlite) {
        detail::for_each_catalog_row(db, "SELECT " + largest + " + 1", {}, read);
    } else {
        detail::for_each_catalog_row(db,
                                     "SELECT CASE WHEN m >= v THEN setval(s, m + 1, false) ELSE v + 1 END FROM "
                                     "(SELECT s, nextval(s) AS v, " + largest + " AS m FROM "
                                     "(SELECT pg_get_serial_sequence(?, ?) AS s) AS q) AS r",
                                     {value(table), value(std::string(column))}, read);
    }
    if (!next)
        throw schema_error(detail::format("reset_key_sequence<{}>: no sequence generates {}.{} (PostgreSQL: the column is "
                                          "neither an identity nor a serial column)",
                                          detail::type_name<T>, table, quoted_column));
    return *next;
}

}  // namespace relata
