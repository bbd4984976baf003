#pragma once
/// @file
/// The SQLite table rebuild of a migration plan (internals of `relata::plan_migration`): what
/// SQLite's ALTER TABLE cannot do (change a column's type, nullability or default, add a
/// foreign key, a UNIQUE or CHECK constraint, a NOT NULL column without a constant default) is
/// done by the procedure of lang_altertable.html, section 7 ("Making Other Kinds Of Table Schema
/// Changes"): with foreign keys off (relata::apply_plan), in the plan's transaction,
/// 1. `CREATE TABLE "relata_new_<t>" (...)` from the model, plus the live columns it does not map;
/// 2. `INSERT INTO "relata_new_<t>" (<kept columns>) SELECT <kept columns> FROM "<t>"`;
/// 3. `DROP TABLE "<t>"`; 4. `ALTER TABLE "relata_new_<t>" RENAME TO "<t>"`;
/// 5. the model's indexes, and the table's other indexes and triggers from `sqlite_schema`;
/// then, once after every rebuild, `PRAGMA foreign_key_check`.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "relata/error.hpp"
#include "relata/schema/catalog.hpp"
#include "relata/sql/dialect.hpp"

namespace relata::detail {

/// A rebuild of one SQLite table, as the planner found it.
struct sqlite_rebuild {
    std::string table;                      ///< the live (and model) table name
    std::string create_table;               ///< the model's CREATE TABLE (relata::create_table_sql)
    std::size_t model_columns = 0;          ///< how many column definitions create_table starts with
    std::vector<column_info> kept_columns;  ///< live columns the model does not map, kept
    std::vector<std::string> copied_columns;  ///< columns copied from the old table (live names)
    std::vector<std::string> indexes;       ///< CREATE INDEX statements of the model
    std::vector<std::string> other_objects;  ///< the table's other indexes and triggers (their `sqlite_schema.sql`)
};

/// The definition of a live column kept by a rebuild: name, declared type, NOT NULL and
/// DEFAULT as the live table has them, except that NOT NULL without a default becomes
/// nullable (no model inserts into it). The default is parenthesized: `DEFAULT (<text>)`
/// holds a literal, an expression and CURRENT_TIMESTAMP alike.
inline std::string sqlite_kept_column(const dialect& d, const column_info& column) {
    std::string out;
    d.append_identifier(out, column.name);
    if (!column.type.empty()) out += " " + column.type;
    if (!column.nullable && column.default_value) out += " NOT NULL";
    if (column.default_value) out += " DEFAULT (" + *column.default_value + ")";
    return out;
}

/// The position in a CREATE TABLE statement of relata's DDL after its first `columns` column
/// definitions: the comma before the first table constraint, or the closing parenthesis.
/// Skips quoted text and parentheses (defaults, CHECK expressions).
/// @throws relata::schema_error when the statement has fewer column definitions.
inline std::size_t sqlite_end_of_columns(std::string_view create_table, std::size_t columns) {
    const std::size_t open = create_table.find('(');
    int depth = 0;
    char quote = 0;
    std::size_t seen = 0;
    for (std::size_t i = open == std::string_view::npos ? create_table.size() : open + 1; i < create_table.size(); ++i) {
        const char c = create_table[i];
        if (quote != 0) {
            if (c == quote) quote = 0;
            continue;
        }
        if (c == '\'' || c == '"') quote = c;
        else if (c == '(') ++depth;
        else if (c == ')' && depth > 0) --depth;
        else if ((c == ',' || c == ')') && depth == 0 && ++seen == columns) return i;
    }
    throw schema_error("rebuild: the model's CREATE TABLE has fewer column definitions than the model has columns");
}

/// The statements of a rebuild, in order (steps 1 to 5 above).
/// @throws relata::schema_error when `rebuild.create_table` is not relata's own DDL.
inline std::vector<std::string> sqlite_rebuild_statements(const dialect& d, const sqlite_rebuild& rebuild) {
    std::string table;
    d.append_identifier(table, rebuild.table);
    std::string fresh;
    d.append_identifier(fresh, "relata_new_" + rebuild.table);
    const std::string prefix = "CREATE TABLE IF NOT EXISTS " + table + " (";
    if (!rebuild.create_table.starts_with(prefix))
        throw schema_error("rebuild: unexpected CREATE TABLE statement: " + rebuild.create_table);
    std::string create = "CREATE TABLE " + fresh + " (" + rebuild.create_table.substr(prefix.size());
    std::string kept;
    for (const column_info& column : rebuild.kept_columns) kept += ", " + sqlite_kept_column(d, column);
    create.insert(sqlite_end_of_columns(create, rebuild.model_columns), kept);

    std::string columns;
    for (const std::string& column : rebuild.copied_columns) {
        if (!columns.empty()) columns += ", ";
        d.append_identifier(columns, column);
    }
    std::vector<std::string> statements{std::move(create)};
    if (!columns.empty())
        statements.push_back("INSERT INTO " + fresh + " (" + columns + ") SELECT " + columns + " FROM " + table);
    statements.push_back("DROP TABLE " + table);
    statements.push_back("ALTER TABLE " + fresh + " RENAME TO " + table);
    statements.insert(statements.end(), rebuild.indexes.begin(), rebuild.indexes.end());
    statements.insert(statements.end(), rebuild.other_objects.begin(), rebuild.other_objects.end());
    return statements;
}

}  // namespace relata::detail
