#pragma once
/// @file
/// Introspection of a live database: `relata::introspect(db)` reads every table of the
/// connection's schema into one `relata::schema` value (<relata/schema/catalog.hpp>);
/// `relata::introspect_table(db, name)` reads one table.
///
/// @code
/// const relata::schema live = relata::introspect(db);
/// for (const relata::table_info& table : live.tables)
///     for (const relata::column_info& column : table.columns)
///         fmt::print("{}.{} {}{}\n", table.name, column.name, column.type, column.nullable ? "" : " NOT NULL");
/// @endcode
///
/// Only catalog queries run, with every name bound as a parameter (never spliced into SQL);
/// nothing is written. Run it outside a transaction or inside one: it opens none itself.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "relata/error.hpp"
#include "relata/raw_sql.hpp"
#include "relata/schema/catalog.hpp"
#include "relata/schema/postgres_catalog.hpp"
#include "relata/schema/sqlite_catalog.hpp"
#include "relata/sql/dialect.hpp"

namespace relata {

/// Reads one table of the live database: its columns (declared type, nullability, default
/// expression text, primary-key position, generated), primary key, unique constraints, indexes
/// (name, columns, unique, partial predicate) and foreign keys (columns, referenced table and
/// columns, ON DELETE / ON UPDATE).
///
/// SQLite (schema `main`; `name` compared ignoring ASCII case, as SQLite does):
/// @code
/// SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name = ? COLLATE NOCASE
/// SELECT name, type, "notnull", dflt_value, pk, hidden FROM pragma_table_xinfo(?, 'main') WHERE hidden <> 1 ORDER BY cid
/// SELECT name, "unique", origin, partial FROM pragma_index_list(?, 'main') ORDER BY name
/// SELECT name FROM pragma_index_xinfo(?, 'main') WHERE key = 1 ORDER BY seqno          -- per index
/// SELECT id, "table", "from", "to", on_update, on_delete FROM pragma_foreign_key_list(?, 'main') ORDER BY id DESC, seq
/// @endcode
/// PostgreSQL (schema `current_schema()`, the first existing schema of the search_path; exact
/// name): `pg_attribute` / `pg_attrdef` for the columns (`format_type`, `pg_get_expr`,
/// `attidentity`, `attgenerated`), `pg_constraint` for the primary key, UNIQUE and FOREIGN
/// KEY constraints, `pg_index` for the other indexes (`indisunique`, `pg_get_expr(indpred)`).
/// Needs PostgreSQL 12 or newer (`attgenerated`).
///
/// @return the table, or nullopt when the schema has no table of that name.
/// @throws relata::database_error (e.g. a connection without catalog access).
template <detail::cursor_connection Connection>
[[nodiscard]] std::optional<table_info> introspect_table(Connection& db, std::string_view name) {
    if (db.sql_dialect().engine == engine::sqlite) return detail::sqlite_table(db, name);
    return detail::postgres_table(db, name);
}

/// Reads every table of the live database into one `relata::schema`, by name: SQLite's `main`
/// schema without its internal `sqlite_%` tables
/// (``SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'``),
/// PostgreSQL's `current_schema()` (``SELECT table_name FROM information_schema.tables WHERE
/// table_schema = current_schema() AND table_type = 'BASE TABLE'``); then each table as
/// `relata::introspect_table` reads it (five to six catalog queries per table, plus one per
/// SQLite index).
/// @throws relata::database_error.
template <detail::cursor_connection Connection>
[[nodiscard]] schema introspect(Connection& db) {
    const bool sqlite = db.sql_dialect().engine == engine::sqlite;
    const std::vector<std::string> names = sqlite ? detail::sqlite_table_names(db) : detail::postgres_table_names(db);
    schema result;
    for (const std::string& name : names)
        if (auto table = introspect_table(db, name)) result.tables.push_back(std::move(*table));
    return result;
}

}  // namespace relata
