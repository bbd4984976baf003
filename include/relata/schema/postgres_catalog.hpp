#pragma once
/// @file
/// Reads a live PostgreSQL schema into `relata::table_info` (internals of `relata::introspect`):
/// `information_schema.tables` for the table list and `pg_catalog` (`pg_class`,
/// `pg_attribute`, `pg_attrdef`, `pg_constraint`, `pg_index`) for the rest, restricted to the
/// connection's `current_schema()`, with the table name bound as a parameter. Sources:
/// PostgreSQL manual, "System Catalogs" (catalogs.html) and "The Information Schema";
/// identity columns since 10, generated columns (`attgenerated`) since 12, `indnkeyatts` since 11.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "relata/raw_sql.hpp"
#include "relata/schema/catalog.hpp"

namespace relata::detail {

/// The words of a `pg_constraint.confdeltype` / `confupdtype` code.
inline std::string postgres_referential_action(std::string_view code) {
    if (code == "r") return "RESTRICT";
    if (code == "c") return "CASCADE";
    if (code == "n") return "SET NULL";
    if (code == "d") return "SET DEFAULT";
    return "NO ACTION";  // "a"
}

// The table named by the bound parameter in current_schema(), as a CTE every query starts with.
inline constexpr std::string_view postgres_table_cte =
    "WITH t AS (SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname = ?::text) ";

/// The names of the tables of current_schema() (ordinary and partitioned), by name.
template <class Connection>
std::vector<std::string> postgres_table_names(Connection& db) {
    std::vector<std::string> names;
    for (auto& name : relata::query<std::string>(
             db, "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND "
                 "table_type = 'BASE TABLE' ORDER BY table_name::text COLLATE \"C\""))
        names.push_back(std::move(name));
    return names;
}

/// One table of current_schema(), or nullopt when there is none of that name.
template <class Connection>
std::optional<table_info> postgres_table(Connection& db, std::string_view name) {
    const std::string table_name(name);
    const auto sql = [](std::string_view query) { return std::string(postgres_table_cte) + std::string(query); };

    using column_row = std::tuple<std::string, std::string, bool, std::optional<std::string>, bool>;
    const auto columns = relata::query<column_row>(
        db, sql("SELECT a.attname::text, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, "
                "CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END, "
                "a.attidentity <> '' OR a.attgenerated <> '' OR "
                "COALESCE(pg_catalog.pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%', false) "
                "FROM t JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid "
                "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                "WHERE a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"),
        table_name);
    if (columns.empty()) {
        // A table may have no columns at all (CREATE TABLE t ()): ask whether it exists.
        if (relata::query<std::int64_t>(db, sql("SELECT count(*) FROM t"), table_name).front() == 0) return std::nullopt;
    }
    table_info table;
    table.name = table_name;
    for (const auto& [column, type, not_null, default_value, generated] : columns)
        table.columns.push_back({column, type, !not_null, default_value, 0, generated});

    std::size_t position = 0;
    for (auto& column : relata::query<std::string>(
             db, sql("SELECT a.attname::text FROM t JOIN pg_catalog.pg_constraint con ON con.conrelid = t.oid AND "
                     "con.contype = 'p' CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, position) "
                     "JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.position"),
             table_name)) {
        for (column_info& c : table.columns)
            if (c.name == column) c.primary_key_position = ++position;
        table.primary_key.push_back(std::move(column));
    }

    for (const auto& [constraint, column] : relata::query<std::tuple<std::string, std::string>>(
             db, sql("SELECT con.conname::text, a.attname::text FROM t JOIN pg_catalog.pg_constraint con ON "
                     "con.conrelid = t.oid AND con.contype = 'u' CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY "
                     "AS k(attnum, position) JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = "
                     "k.attnum ORDER BY con.conname::text COLLATE \"C\", k.position"),
             table_name)) {
        if (table.unique_constraints.empty() || table.unique_constraints.back().name != constraint)
            table.unique_constraints.push_back({constraint, {}});
        table.unique_constraints.back().columns.push_back(column);
    }

    // Indexes that back no PRIMARY KEY, UNIQUE or EXCLUDE constraint; key columns only (not
    // INCLUDE); an expression column has attnum 0 and no name.
    using index_row = std::tuple<std::string, bool, std::optional<std::string>, std::optional<std::string>>;
    for (const auto& [index, unique, predicate, column] : relata::query<index_row>(
             db, sql("SELECT ic.relname::text, i.indisunique, pg_catalog.pg_get_expr(i.indpred, i.indrelid), "
                     "a.attname::text FROM t JOIN pg_catalog.pg_index i ON i.indrelid = t.oid "
                     "JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
                     "CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position) "
                     "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum "
                     "WHERE k.position <= i.indnkeyatts AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con "
                     "WHERE con.conindid = i.indexrelid AND con.conrelid = t.oid AND con.contype IN ('p', 'u', 'x')) "
                     "ORDER BY ic.relname::text COLLATE \"C\", k.position"),
             table_name)) {
        if (table.indexes.empty() || table.indexes.back().name != index)
            table.indexes.push_back({index, {}, unique, predicate});
        table.indexes.back().columns.push_back(column.value_or(""));
    }

    using key_row = std::tuple<std::string, std::string, std::string, std::string, std::string, std::string>;
    for (const auto& [constraint, column, referenced, referenced_column, on_delete, on_update] : relata::query<key_row>(
             db, sql("SELECT con.conname::text, a.attname::text, rc.relname::text, ra.attname::text, "
                     "con.confdeltype::text, con.confupdtype::text FROM t JOIN pg_catalog.pg_constraint con ON "
                     "con.conrelid = t.oid AND con.contype = 'f' JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid "
                     "CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, referenced_attnum, "
                     "position) JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum "
                     "JOIN pg_catalog.pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.referenced_attnum "
                     "ORDER BY con.conname::text COLLATE \"C\", k.position"),
             table_name)) {
        if (table.foreign_keys.empty() || table.foreign_keys.back().name != constraint)
            table.foreign_keys.push_back({constraint, {}, referenced, {}, postgres_referential_action(on_delete),
                                          postgres_referential_action(on_update)});
        table.foreign_keys.back().columns.push_back(column);
        table.foreign_keys.back().referenced_columns.push_back(referenced_column);
    }
    return table;
}

}  // namespace relata::detail
