#pragma once
/// @file
/// Reads a live SQLite schema into `relata::table_info` (internals of `relata::introspect`):
/// `sqlite_schema` and the pragma table-valued functions `pragma_table_xinfo`,
/// `pragma_index_list`, `pragma_index_xinfo` and `pragma_foreign_key_list`, each called as
/// ``pragma_...(?, 'main')`` with the table or index name bound as a parameter (and the schema
/// `main`, so a TEMP table of the same name does not shadow it). Sources: SQLite "PRAGMA
/// Statements" (pragma.html, table-valued functions since 3.16, table_xinfo since 3.26), "The
/// Schema Table" (schematab.html, `sqlite_schema` since 3.33), "Datatypes In SQLite"
/// (datatype3.html).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "relata/raw_sql.hpp"
#include "relata/schema/catalog.hpp"

namespace relata::detail {

inline std::string ascii_upper_case(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return out;
}

/// The positions in `sql` that are outside string literals, quoted identifiers and
/// parentheses, marked true: where a keyword of the statement itself may start.
inline std::vector<bool> sqlite_top_level(std::string_view sql) {
    std::vector<bool> top(sql.size(), false);
    int depth = 0;
    char quote = 0;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        const char c = sql[i];
        if (quote != 0) {
            if (c == quote) quote = 0;  // a doubled quote closes and reopens: same result
            continue;
        }
        if (c == '\'' || c == '"' || c == '`') quote = c;
        else if (c == '[') quote = ']';
        else if (c == '(') ++depth;
        else if (c == ')') --depth;
        else top[i] = depth == 0;
    }
    return top;
}

/// The position of the top-level keyword `word` (upper case) in `sql`, or npos.
inline std::size_t sqlite_find_keyword(std::string_view sql, std::string_view word) {
    const std::string upper = ascii_upper_case(sql);
    const std::vector<bool> top = sqlite_top_level(sql);
    const auto word_char = [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || static_cast<unsigned char>(c) >= 0x80;
    };
    for (std::size_t at = upper.find(word); at != std::string::npos; at = upper.find(word, at + 1)) {
        const bool starts = at == 0 || !word_char(upper[at - 1]);
        const bool ends = at + word.size() >= upper.size() || !word_char(upper[at + word.size()]);
        if (starts && ends && top[at]) return at;
    }
    return std::string::npos;
}

/// The predicate of a partial index from its CREATE INDEX text: what follows the top-level
/// WHERE (SQLite keeps the statement as written), or nullopt.
inline std::optional<std::string> sqlite_index_predicate(std::string_view create_index) {
    const std::size_t where = sqlite_find_keyword(create_index, "WHERE");
    if (where == std::string::npos) return std::nullopt;
    std::string_view predicate = create_index.substr(where + 5);
    while (!predicate.empty() && (predicate.front() == ' ' || predicate.front() == '\n' || predicate.front() == '\t'))
        predicate.remove_prefix(1);
    while (!predicate.empty() && (predicate.back() == ' ' || predicate.back() == '\n' || predicate.back() == ';'))
        predicate.remove_suffix(1);
    return std::string(predicate);
}

/// True for `CREATE TABLE ... ) WITHOUT ROWID` (such a table has no rowid alias).
inline bool sqlite_without_rowid(std::string_view create_table) {
    const std::size_t close = create_table.rfind(')');
    if (close == std::string_view::npos) return false;
    const std::string tail = ascii_upper_case(create_table.substr(close));
    const std::size_t without = tail.find("WITHOUT");
    return without != std::string::npos && tail.find("ROWID", without) != std::string::npos;
}

/// The names of the tables in the `main` schema, internal `sqlite_%` tables left out.
template <class Connection>
std::vector<std::string> sqlite_table_names(Connection& db) {
    std::vector<std::string> names;
    for (auto& name : relata::query<std::string>(
             db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                 "ORDER BY name"))
        names.push_back(std::move(name));
    return names;
}

/// One table, or nullopt when `main` has no table of that name.
template <class Connection>
std::optional<table_info> sqlite_table(Connection& db, std::string_view name) {
    const auto definition = relata::query<std::tuple<std::string, std::optional<std::string>>>(
        db, "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name = ? COLLATE NOCASE", std::string(name));
    if (definition.empty()) return std::nullopt;
    table_info table;
    table.case_insensitive_names = true;
    table.name = std::get<0>(definition.front());
    const bool without_rowid = sqlite_without_rowid(std::get<1>(definition.front()).value_or(""));

    // hidden: 0 an ordinary column, 1 a hidden column of a virtual table, 2 and 3 generated columns.
    using column_row = std::tuple<std::string, std::string, std::int64_t, std::optional<std::string>, std::int64_t, std::int64_t>;
    for (const auto& [column, type, not_null, default_value, key, hidden] : relata::query<column_row>(
             db, "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?, 'main') WHERE hidden <> 1 "
                 "ORDER BY cid",
             table.name)) {
        column_info info;
        info.name = column;
        info.type = type;
        info.nullable = not_null == 0;
        info.default_value = default_value;
        info.primary_key_position = static_cast<std::size_t>(key);
        info.generated = hidden == 2 || hidden == 3;
        table.columns.push_back(std::move(info));
    }
    std::vector<const column_info*> key_columns;
    for (const column_info& c : table.columns)
        if (c.primary_key_position > 0) key_columns.push_back(&c);
    std::sort(key_columns.begin(), key_columns.end(),
              [](const column_info* a, const column_info* b) { return a->primary_key_position < b->primary_key_position; });
    for (const column_info* c : key_columns) table.primary_key.push_back(c->name);
    // datatype3.html, "ROWID and the INTEGER PRIMARY KEY": exactly `INTEGER`, a single-column
    // key, a rowid table. The rowid is never NULL: inserting NULL assigns the next value.
    if (key_columns.size() == 1 && !without_rowid && ascii_upper_case(key_columns.front()->type) == "INTEGER") {
        for (column_info& c : table.columns) {
            if (c.primary_key_position != 1) continue;
            c.generated = true;
            c.nullable = false;
        }
    }

    using index_row = std::tuple<std::string, std::int64_t, std::string, std::int64_t>;
    for (const auto& [index, unique, origin, partial] : relata::query<index_row>(
             db, "SELECT name, \"unique\", origin, partial FROM pragma_index_list(?, 'main') ORDER BY name", table.name)) {
        if (origin == "pk") continue;  // table.primary_key
        std::vector<std::string> columns;
        for (const auto& column : relata::query<std::optional<std::string>>(
                 db, "SELECT name FROM pragma_index_xinfo(?, 'main') WHERE key = 1 ORDER BY seqno", index))
            columns.push_back(column.value_or(""));
        if (origin == "u") {
            table.unique_constraints.push_back({index, std::move(columns)});
            continue;
        }
        index_info info{index, std::move(columns), unique != 0, std::nullopt};
        if (partial != 0) {
            const auto sql = relata::query<std::optional<std::string>>(
                db, "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?", index);
            if (!sql.empty() && sql.front()) info.predicate = sqlite_index_predicate(*sql.front());
        }
        table.indexes.push_back(std::move(info));
    }

    // SQLite numbers a table's foreign keys from the last declared one: id descending is
    // declaration order.
    using key_row = std::tuple<std::int64_t, std::string, std::string, std::optional<std::string>, std::string, std::string>;
    std::optional<std::int64_t> current;
    for (const auto& [id, referenced, from, to, on_update, on_delete] : relata::query<key_row>(
             db, "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list(?, 'main') "
                 "ORDER BY id DESC, seq",
             table.name)) {
        if (current != id) {
            current = id;
            table.foreign_keys.push_back({"", {}, referenced, {}, ascii_upper_case(on_delete), ascii_upper_case(on_update)});
        }
        foreign_key_info& key = table.foreign_keys.back();
        key.columns.push_back(from);
        if (to) key.referenced_columns.push_back(*to);
    }
    for (foreign_key_info& key : table.foreign_keys) {
        if (key.referenced_columns.size() == key.columns.size()) continue;
        // `REFERENCES parent` without columns: the parent's primary key.
        key.referenced_columns.clear();
        for (auto& column : relata::query<std::string>(
                 db, "SELECT name FROM pragma_table_info(?, 'main') WHERE pk > 0 ORDER BY pk", key.referenced_table))
            key.referenced_columns.push_back(std::move(column));
    }
    return table;
}

}  // namespace relata::detail
