#pragma once
/// @file
/// Verification at start-up: `relata::verify_schema<Models...>(db)` compares the models'
/// metadata with the live database (`relata::introspect_table`) and throws one
/// `relata::schema_mismatch` listing every difference; `relata::schema_mismatches<Models...>(db)`
/// returns the list instead.
///
/// @code
/// auto db = relata::sqlite::connect("chinook.db", {.naming = relata::naming::pascal_case});
/// relata::verify_schema<Artist, Album, Track>(db);  // throws when, e.g., "Track"."Composer" was dropped
/// @endcode

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "relata/detail/foreign_keys.hpp"
#include "relata/detail/format.hpp"
#include "relata/detail/reflection.hpp"
#include "relata/error.hpp"
#include "relata/mapping.hpp"
#include "relata/raw_sql.hpp"
#include "relata/schema.hpp"
#include "relata/schema/catalog.hpp"
#include "relata/schema/introspection.hpp"
#include "relata/sql/dialect.hpp"
#include "relata/types.hpp"

namespace relata {

namespace detail {

/// A SQLite column affinity (datatype3.html, 3.1 "Determination Of Column Affinity").
enum class sqlite_affinity { integer, text, blob, real, numeric };

/// The affinity of a declared type, by SQLite's rules in their order: contains `INT` ->
/// INTEGER; `CHAR`, `CLOB` or `TEXT` -> TEXT; `BLOB` or no type -> BLOB; `REAL`, `FLOA` or
/// `DOUB` -> REAL; anything else (`NUMERIC(10,2)`, `DATETIME`, `BOOLEAN`) -> NUMERIC.
inline sqlite_affinity sqlite_affinity_of(std::string_view declared) {
    const std::string type = ascii_upper_case(declared);
    const auto has = [&](std::string_view part) { return type.find(part) != std::string::npos; };
    if (has("INT")) return sqlite_affinity::integer;
    if (has("CHAR") || has("CLOB") || has("TEXT")) return sqlite_affinity::text;
    if (has("BLOB") || type.find_first_not_of(" \t\n") == std::string::npos) return sqlite_affinity::blob;
    if (has("REAL") || has("FLOA") || has("DOUB")) return sqlite_affinity::real;
    return sqlite_affinity::numeric;
}

/// True when a SQLite column of declared type `declared` holds values of `member` as relata
/// writes them and reads them back unchanged. A column without a declared type holds anything.
inline bool sqlite_column_holds(sql_type member, std::string_view declared) {
    if (declared.find_first_not_of(" \t\n") == std::string_view::npos) return true;
    const sqlite_affinity affinity = sqlite_affinity_of(declared);
    switch (member) {
        case sql_type::smallint:
        case sql_type::integer:
        case sql_type::bigint:
        case sql_type::boolean: return affinity == sqlite_affinity::integer || affinity == sqlite_affinity::numeric;
        case sql_type::real:
        case sql_type::double_precision: return affinity == sqlite_affinity::real || affinity == sqlite_affinity::numeric;
        case sql_type::timestamp:  // ISO-8601 text, which NUMERIC affinity (DATETIME, DATE) keeps as text
        case sql_type::date: return affinity == sqlite_affinity::text || affinity == sqlite_affinity::numeric;
        case sql_type::blob:
        case sql_type::uuid: return affinity == sqlite_affinity::blob;
        case sql_type::text:
        case sql_type::json:
        case sql_type::numeric:  // NUMERIC affinity would turn the text 0.10 into the REAL 0.1
        case sql_type::integer_array:
        case sql_type::bigint_array:
        case sql_type::double_array:
        case sql_type::text_array: return affinity == sqlite_affinity::text;
    }
    return false;
}

/// `format_type` output in lower case without type modifiers: `character varying(200)[]` ->
/// `character varying[]`, `timestamp(3) without time zone` -> `timestamp without time zone`.
inline std::string postgres_base_type(std::string_view formatted) {
    std::string out;
    int depth = 0;
    for (const char c : formatted) {
        if (c == '(') ++depth;
        else if (c == ')') --depth;
        else if (depth == 0) out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    }
    std::string collapsed;  // "timestamp(3) without" left two spaces
    for (const char c : out)
        if (c != ' ' || (!collapsed.empty() && collapsed.back() != ' ')) collapsed.push_back(c);
    while (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
    if (collapsed.ends_with(" []")) collapsed.erase(collapsed.size() - 3, 1);
    return collapsed;
}

/// True when a PostgreSQL column of type `formatted` (`format_type`) holds values of
/// `member`. Integers: a column as wide as the member or narrower (reads always fit; a write
/// that does not fit fails with an error naming the value); a wider column is a mismatch, as
/// it may hold values the member cannot. A double reads REAL and NUMERIC (rounded to
/// double); text reads `text`, `varchar`, `char`, `citext` and `name`; a timestamp both
/// `timestamp` and `timestamptz`.
inline bool postgres_column_holds(sql_type member, std::string_view formatted) {
    const std::string type = postgres_base_type(formatted);
    const auto one_of = [&](std::initializer_list<std::string_view> names) {
        for (const std::string_view name : names)
            if (type == name) return true;
        return false;
    };
    switch (member) {
        case sql_type::smallint: return one_of({"smallint"});
        case sql_type::integer: return one_of({"smallint", "integer"});
        case sql_type::bigint: return one_of({"smallint", "integer", "bigint"});
        case sql_type::boolean: return one_of({"boolean"});
        case sql_type::real: return one_of({"real"});
        case sql_type::double_precision: return one_of({"double precision", "real", "numeric"});
        case sql_type::text: return one_of({"text", "character varying", "character", "citext", "name"});
        case sql_type::blob: return one_of({"bytea"});
        case sql_type::timestamp: return one_of({"timestamp with time zone", "timestamp without time zone"});
        case sql_type::date: return one_of({"date"});
        case sql_type::uuid: return one_of({"uuid"});
        case sql_type::json: return one_of({"jsonb", "json"});
        case sql_type::numeric: return one_of({"numeric"});
        case sql_type::integer_array: return one_of({"integer[]", "smallint[]"});
        case sql_type::bigint_array: return one_of({"bigint[]", "integer[]", "smallint[]"});
        case sql_type::double_array: return one_of({"double precision[]", "real[]"});
        case sql_type::text_array: return one_of({"text[]", "character varying[]", "character[]"});
    }
    return false;
}

inline std::string quoted_list(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& name : names) out += (out.empty() ? "\"" : ", \"") + name + "\"";
    return out;
}

/// True when `a` and `b` hold the same names, in any order, under `table`'s rules.
inline bool same_name_set(const table_info& table, const std::vector<std::string>& a, const std::vector<std::string>& b) {
    if (a.size() != b.size()) return false;
    for (const std::string& name : a) {
        bool found = false;
        for (const std::string& other : b) found = found || table.same_name(name, other);
        if (!found) return false;
    }
    return true;
}

/// The column names of a member set of T (a member pointer or a std::tuple of them).
template <model T, class Members>
std::vector<std::string> member_column_names(naming convention, const Members& members) {
    std::vector<std::string> names;
    for (const std::size_t i : column_indexes<T>(members)) names.emplace_back(column_name_of<T>(convention, i));
    return names;
}

/// The foreign key of the live table `live` that is T's `key` (`mapping<T>::foreign_keys`): the
/// same columns referencing the same table and columns, under `live`'s name rules, whatever its
/// actions; nullptr when there is none.
template <model T, class Key>
const foreign_key_info* find_foreign_key(const table_info& live, const dialect& d, const Key& key) {
    using target = foreign_key_target_t<Key>;
    const auto columns = member_column_names<T>(d.naming, members_of(key));
    const auto referenced = member_column_names<target>(d.naming, target_members_of(key));
    const std::string_view referenced_table = table_name_of<target>(d.naming);
    for (const foreign_key_info& k : live.foreign_keys)
        if (same_name_set(live, columns, k.columns) && live.same_name(k.referenced_table, referenced_table) &&
            same_name_set(live, referenced, k.referenced_columns))
            return &k;
    return nullptr;
}

/// The ON DELETE and ON UPDATE actions of a mapped foreign key in the catalog's words
/// (`NO ACTION` when none is set, SQL's default).
template <class Key>
std::pair<std::string_view, std::string_view> foreign_key_actions(const Key& key) {
    if constexpr (requires { key.delete_action; })
        return {referential_action_sql(key.delete_action), referential_action_sql(key.update_action)};
    else return {referential_action_sql(referential_action::unspecified), referential_action_sql(referential_action::unspecified)};
}

/// True when the live foreign key `live_key` has the ON DELETE and ON UPDATE actions of `key`.
template <class Key>
bool same_actions(const foreign_key_info& live_key, const Key& key) {
    const auto [on_delete, on_update] = foreign_key_actions(key);
    return live_key.on_delete == on_delete && live_key.on_update == on_update;
}

/// True when the live index `live_index` is `requested` as create_all would make it: the same
/// key columns in the same order (under `table`'s name rules), the same uniqueness, partial or
/// not (a predicate's text is not compared: each engine stores its own spelling). The rule of
/// both verify_schema and plan_migration.
inline bool same_index(const table_info& table, const index_info& live_index, const requested_index& requested) {
    return live_index.columns.size() == requested.columns.size() &&
           std::equal(requested.columns.begin(), requested.columns.end(), live_index.columns.begin(),
                      [&](const std::string& a, const std::string& b) { return table.same_name(a, b); }) &&
           live_index.unique == requested.unique && live_index.predicate.has_value() == requested.partial;
}

/// Appends the differences between model T and the live database to `found`.
template <model T, class Connection>
void verify_model(Connection& db, std::vector<mismatch>& found) {
    const dialect& d = db.sql_dialect();
    const std::string table_name(table_name_of<T>(d.naming));
    const auto live = introspect_table(db, table_name);
    if (!live) {
        found.push_back({mismatch_kind::missing_table, table_name, "",
                         detail::format("missing (the table of model {})", type_name<T>)});
        return;
    }
    const auto add = [&](mismatch_kind kind, std::string column, std::string what) {
        found.push_back({kind, table_name, std::move(column), std::move(what)});
    };
    for_each_field<T>([&](auto i) {
        using member = field_type<T, i.value>;
        const std::string column(column_name_of<T>(d.naming, i.value));
        const std::string_view member_name = std::get<i.value>(description<T>.fields).member_name;
        const column_info* live_column = live->find_column(column);
        if (live_column == nullptr) {
            add(mismatch_kind::missing_column, column,
                detail::format("missing (the model {} maps it to member {})", type_name<T>, member_name));
            return;
        }
        constexpr sql_type type = sql_type_of<member>();
        const bool holds = d.engine == engine::sqlite ? sqlite_column_holds(type, live_column->type)
                                                      : postgres_column_holds(type, live_column->type);
        if (!holds)
            add(mismatch_kind::incompatible_type, column,
                detail::format("its type {} cannot hold member {}::{} ({})",
                               live_column->type.empty() ? std::string("(none)") : live_column->type, type_name<T>,
                               member_name, d.type_name(type)));
        if (!is_nullable<member> && live_column->nullable)
            add(mismatch_kind::nullable_column, column,
                detail::format("nullable, but member {}::{} is not std::optional (reading NULL would fail)",
                               type_name<T>, member_name));
    });

    if constexpr (has_primary_key<T>) {
        std::vector<std::string> key;
        for (const std::size_t i : primary_key_indexes<T>) key.emplace_back(column_name_of<T>(d.naming, i));
        if (live->primary_key.empty())
            add(mismatch_kind::primary_key, "",
                detail::format("no primary key; the model {} has ({})", type_name<T>, quoted_list(key)));
        else if (!same_name_set(*live, key, live->primary_key))
            add(mismatch_kind::primary_key, "",
                detail::format("primary key ({}); the model {} has ({})", quoted_list(live->primary_key), type_name<T>,
                               quoted_list(key)));
    }

    if constexpr (requires { mapping<T>::foreign_keys; }) {
        for_each_in_tuple(mapping<T>::foreign_keys, [&](const auto& key) {
            using target = foreign_key_target_t<decltype(key)>;
            const auto columns = member_column_names<T>(d.naming, members_of(key));
            const auto referenced = member_column_names<target>(d.naming, target_members_of(key));
            const std::string_view referenced_table = table_name_of<target>(d.naming);
            const std::string described = detail::format("foreign key ({}) REFERENCES \"{}\" ({})", quoted_list(columns),
                                                         referenced_table, quoted_list(referenced));
            const std::string column = columns.size() == 1 ? columns.front() : "";
            const foreign_key_info* existing = find_foreign_key<T>(*live, d, key);
            if (existing == nullptr) {
                add(mismatch_kind::missing_foreign_key, column, "no " + described);
                return;
            }
            // The Session mirrors ON DELETE CASCADE / SET NULL in the objects it tracks, so an
            // action the database does not have would leave them different from the rows.
            if (same_actions(*existing, key)) return;
            const auto [on_delete, on_update] = foreign_key_actions(key);
            add(mismatch_kind::foreign_key_action, column,
                detail::format("{} is ON DELETE {} ON UPDATE {}; the model {} has ON DELETE {} ON UPDATE {}", described,
                               existing->on_delete, existing->on_update, type_name<T>, on_delete, on_update));
        });
    }

    if constexpr (requires { mapping<T>::unique; }) {
        for_each_in_tuple(mapping<T>::unique, [&](const auto& constraint) {
            std::vector<std::string> columns;
            if constexpr (requires { constraint.members; }) columns = member_column_names<T>(d.naming, constraint.members);
            else columns = member_column_names<T>(d.naming, constraint);
            bool found_unique = same_name_set(*live, columns, live->primary_key);
            for (const unique_constraint_info& u : live->unique_constraints)
                found_unique = found_unique || same_name_set(*live, columns, u.columns);
            for (const index_info& index : live->indexes)
                found_unique = found_unique || (index.unique && !index.predicate && same_name_set(*live, columns, index.columns));
            if (!found_unique)
                add(mismatch_kind::missing_unique, columns.size() == 1 ? columns.front() : "",
                    detail::format("no UNIQUE constraint or unique index on ({})", quoted_list(columns)));
        });
    }

    for (const requested_index& index : requested_indexes<T>(d)) {
        const std::string column = index.columns.size() == 1 ? index.columns.front() : "";
        const std::string described = detail::format("{}index \"{}\" on ({}){}", index.unique ? "unique " : "", index.name,
                                                     quoted_list(index.columns), index.partial ? " (partial)" : "");
        const index_info* existing = live->find_index(index.name);
        if (existing == nullptr) {
            add(mismatch_kind::missing_index, column, "no " + described);
        } else if (!same_index(*live, *existing, index)) {
            add(mismatch_kind::index_definition, column,
                detail::format("the {}index \"{}\" is on ({}){}; the model {} has the {}", existing->unique ? "unique " : "",
                               existing->name, quoted_list(existing->columns), existing->predicate ? " (partial)" : "",
                               type_name<T>, described));
        }
    }

    for (const column_info& c : live->columns) {
        bool mapped = false;
        for_each_field<T>([&](auto i) { mapped = mapped || live->same_name(c.name, column_name_of<T>(d.naming, i.value)); });
        if (mapped || c.nullable || c.default_value || c.generated) continue;
        add(mismatch_kind::unmapped_required_column, c.name,
            detail::format("NOT NULL without a default, and the model {} does not map it (inserts would fail)",
                           type_name<T>));
    }
}

}  // namespace detail

/// Every difference between the models `Models...` and the live database, in model order;
/// empty when they match. What `relata::verify_schema` checks, without throwing.
/// @throws relata::database_error (catalog queries).
template <model... Models, detail::cursor_connection Connection>
[[nodiscard]] std::vector<mismatch> schema_mismatches(Connection& db) {
    std::vector<mismatch> found;
    (detail::verify_model<Models>(db, found), ...);
    return found;
}

/// Compares the models `Models...` with the live database (relata::introspect_table, one table
/// per model) and reports every difference at once. Checked per model:
/// - its table exists (`mismatch_kind::missing_table`) and every mapped column
///   (`missing_column`);
/// - each column's declared type holds the member's C++ type (`incompatible_type`).
///   SQLite, by column affinity (datatype3.html): integers and bool need INTEGER or NUMERIC
///   affinity, float and double REAL or NUMERIC, timestamps and dates TEXT or NUMERIC
///   (`DATETIME`), std::string, json, numeric and arrays TEXT, blob and uuid BLOB; a column
///   without a declared type holds anything. PostgreSQL, by type: an integer member reads an
///   integer column as wide or narrower (`std::int64_t` reads `integer`; `std::int32_t` on
///   `bigint` is a mismatch), double reads `double precision`, `real` and `numeric`,
///   std::string `text`, `varchar`, `char`, `citext`, `name`; timestamps `timestamp` and
///   `timestamptz`; otherwise the type relata's DDL creates (`date`, `uuid`, `jsonb`/`json`,
///   `bytea`, `numeric`, `boolean`, the array types);
/// - a member that is not std::optional maps a NOT NULL column (`nullable_column`); an optional
///   member on a NOT NULL column is fine;
/// - the table's primary key has the model's key columns, in any order (`primary_key`);
/// - each `mapping<T>::foreign_keys` entry exists with the same columns and referenced
///   table and columns (`missing_foreign_key`), with the mapping's ON DELETE and ON UPDATE
///   actions (`foreign_key_action`; no action set reads `NO ACTION`, the SQL default: the
///   Session mirrors CASCADE and SET NULL in the objects it tracks, so the database must do the
///   same); each `mapping<T>::unique` entry is a UNIQUE constraint, the primary key or a unique
///   index that is not partial (`missing_unique`);
/// - each `mapping<T>::indexes` entry exists under the name create_all gives it
///   (`missing_index`), on the same columns in the same order, as unique or not and as partial
///   or not (`index_definition`; a partial index's predicate text is not compared, each engine
///   stores its own spelling). Other indexes of the table are not reported;
/// - a column the model does not map is NOT NULL without a default and not generated
///   (`unmapped_required_column`: inserts would fail). Nullable, defaulted, identity, serial,
///   generated columns and SQLite rowid aliases may stay unmapped.
/// Names follow the connection's naming convention; SQLite compares them ignoring ASCII case,
/// PostgreSQL exactly.
/// @code
/// relata::verify_schema<chinook::Artist, chinook::Track>(db);
/// // SQLite: SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name = ? COLLATE NOCASE;
/// //         SELECT ... FROM pragma_table_xinfo(?) ...   (see relata::introspect_table)
/// // PostgreSQL: WITH t AS (SELECT c.oid FROM pg_catalog.pg_class c ... WHERE n.nspname = current_schema()
/// //             AND c.relname = $1::text) SELECT ... FROM t JOIN pg_catalog.pg_attribute a ...
/// @endcode
/// @throws relata::schema_mismatch listing every difference (`mismatches()`: kind, table,
/// column, what), each on its own line of `what()`; relata::database_error (catalog queries).
template <model... Models, detail::cursor_connection Connection>
void verify_schema(Connection& db) {
    std::vector<mismatch> found = schema_mismatches<Models...>(db);
    if (!found.empty()) throw schema_mismatch(std::move(found));
}

}  // namespace relata
