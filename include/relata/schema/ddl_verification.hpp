#pragma once
/// @file
/// What `relata::create_all` checks after its DDL ran: every index and named constraint it
/// requested exists under its name, an index on the expected table and columns. `CREATE INDEX
/// IF NOT EXISTS` and `CREATE TABLE IF NOT EXISTS` skip an existing object of the same name
/// silently, whatever its definition; this turns that into a relata::schema_error.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "relata/connection.hpp"
#include "relata/detail/format.hpp"
#include "relata/error.hpp"
#include "relata/sql/dialect.hpp"
#include "relata/sql/placeholders.hpp"
#include "relata/sql/script.hpp"
#include "relata/types.hpp"

namespace relata::detail {

/// An index create_all asked for.
struct requested_index {
    std::string name;                  ///< the index name
    std::string table;                 ///< the table it must be on
    std::vector<std::string> columns;  ///< its key columns, in order
    bool unique = false;               ///< CREATE UNIQUE INDEX
    bool partial = false;              ///< has a WHERE clause
};

/// A named table constraint create_all asked for.
struct requested_constraint {
    enum class kind { unique, foreign_key, check };
    std::string name;   ///< the constraint name
    std::string table;  ///< the table it must be on
    kind type;          ///< which constraint
};

/// Everything create_all asked for, to check afterwards.
struct requested_objects {
    std::vector<requested_index> indexes;
    std::vector<requested_constraint> constraints;
};

/// The words of a constraint kind in DDL: `UNIQUE`, `FOREIGN KEY`, `CHECK`.
constexpr std::string_view constraint_keyword(requested_constraint::kind type) noexcept {
    switch (type) {
        case requested_constraint::kind::unique: return "UNIQUE";
        case requested_constraint::kind::foreign_key: return "FOREIGN KEY";
        case requested_constraint::kind::check: break;
    }
    return "CHECK";
}

/// `("a", "b")` for a message.
inline std::string quoted_list(const dialect& d, const std::vector<std::string>& names) {
    std::string out = "(";
    for (const auto& name : names) {
        if (out.size() > 1) out += ", ";
        d.append_identifier(out, name);
    }
    return out + ")";
}

/// Runs `sql` (with `?` placeholders) and calls `f(row)` per row.
template <connection Connection, class F>
void for_each_catalog_row(Connection& db, std::string_view sql, std::vector<value> parameters, F&& f) {
    db.for_each_row(hand_written_query(sql, db.sql_dialect(), std::move(parameters)), f);
}

/// What is wrong with index `index` in the live database, or empty.
template <connection Connection>
std::string index_problem(Connection& db, const requested_index& index) {
    const dialect& d = db.sql_dialect();
    std::string quoted_name;
    d.append_identifier(quoted_name, index.name);
    bool found = false;
    std::string table;
    bool unique = false;
    bool partial = false;
    std::vector<std::string> columns;
    const auto read_index = [&](const auto& row) {
        found = true;
        table = from_cell<std::string>(row.cell(0));
        unique = from_cell<std::int64_t>(row.cell(1)) != 0;
        partial = from_cell<std::int64_t>(row.cell(2)) != 0;
    };
    const auto read_column = [&](const auto& row) {
        columns.push_back(from_cell<std::optional<std::string>>(row.cell(0)).value_or("<expression>"));
    };
    if (d.engine == engine::sqlite) {
        for_each_catalog_row(db,
                             "SELECT m.tbl_name, l.\"unique\", l.partial FROM sqlite_master AS m "
                             "JOIN pragma_index_list(m.tbl_name) AS l ON l.name = m.name "
                             "WHERE m.type = 'index' AND m.name = ?",
                             {value(index.name)}, read_index);
        if (found)
            for_each_catalog_row(db, "SELECT name FROM pragma_index_info(?) ORDER BY seqno", {value(index.name)},
                                 read_column);
    } else {
        for_each_catalog_row(db,
                             "SELECT t.relname::text, i.indisunique::int, (i.indpred IS NOT NULL)::int "
                             "FROM pg_index AS i JOIN pg_class AS t ON t.oid = i.indrelid "
                             "WHERE i.indexrelid = to_regclass(?)",
                             {value(quoted_name)}, read_index);
        if (found)
            for_each_catalog_row(db,
                                 "SELECT a.attname::text FROM pg_index AS i "
                                 "CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position) "
                                 "LEFT JOIN pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                                 "WHERE i.indexrelid = to_regclass(?) AND k.position <= i.indnkeyatts "
                                 "ORDER BY k.position",
                                 {value(quoted_name)}, read_column);
    }
    const std::string requested = detail::format("{}index {} on {} {}{}", index.unique ? "unique " : "", quoted_name,
                                                 [&] { std::string t; d.append_identifier(t, index.table); return t; }(),
                                                 quoted_list(d, index.columns), index.partial ? " (partial)" : "");
    if (!found) return requested + " does not exist";
    if (table != index.table || columns != index.columns || unique != index.unique || partial != index.partial) {
        std::string live;
        d.append_identifier(live, table);
        return detail::format("{} was not created: an existing {}index of that name is on {} {}{}", requested,
                              unique ? "unique " : "", live, quoted_list(d, columns), partial ? " (partial)" : "");
    }
    return {};
}

/// True when a SQLite CREATE TABLE text declares `CONSTRAINT <name> <keyword>` as SQLite reads
/// it: keywords in any case, the name bare or quoted (`"..."`, `` `...` ``, `[...]`, `'...'`)
/// and compared ASCII case-insensitively, as SQLite compares names; words inside string
/// literals, quoted names and comments are not read as keywords. `keyword` and `alternative`
/// are uppercase: `UNIQUE`, `CHECK`, or for a foreign key `FOREIGN` (a table constraint) and
/// `REFERENCES` (a column constraint: `author_id INTEGER CONSTRAINT fk REFERENCES author (id)`).
inline bool sqlite_declares_constraint(std::string_view sql, std::string_view name, std::string_view keyword,
                                       std::string_view alternative = {}) {
    enum class kind { word, quoted, other };
    struct token {
        kind type;
        std::string text;  // a quoted name without its quotes, doubled quotes made single
    };
    std::vector<token> tokens;
    std::size_t i = 0;
    while (i < sql.size()) {
        const char c = sql[i];
        const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
        if (is_space(c)) {
            ++i;
        } else if (c == '-' && next == '-') {
            const std::size_t end = sql.find('\n', i);
            i = end == std::string_view::npos ? sql.size() : end + 1;
        } else if (c == '/' && next == '*') {
            const std::size_t end = sql.find("*/", i + 2);
            i = end == std::string_view::npos ? sql.size() : end + 2;
        } else if (c == '\'' || c == '"' || c == '`' || c == '[') {
            const char close = c == '[' ? ']' : c;
            std::string text;
            std::size_t j = i + 1;
            for (; j < sql.size(); ++j) {
                if (sql[j] != close) {
                    text += sql[j];
                } else if (close != ']' && j + 1 < sql.size() && sql[j + 1] == close) {
                    text += close;
                    ++j;
                } else {
                    break;
                }
            }
            i = j < sql.size() ? j + 1 : sql.size();
            tokens.push_back({kind::quoted, std::move(text)});
        } else if (is_identifier_character(c)) {
            std::size_t j = i;
            while (j < sql.size() && is_identifier_character(sql[j])) ++j;
            tokens.push_back({kind::word, std::string(sql.substr(i, j - i))});
            i = j;
        } else {
            tokens.push_back({kind::other, std::string(1, c)});
            ++i;
        }
    }
    const auto same_name = [](std::string_view a, std::string_view b) {
        const auto upper = [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; };
        return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return upper(x) == upper(y); });
    };
    for (std::size_t t = 0; t + 2 < tokens.size(); ++t) {
        if (tokens[t].type == kind::word && equals_ignoring_case(tokens[t].text, "CONSTRAINT") &&
            tokens[t + 1].type != kind::other && same_name(tokens[t + 1].text, name) && tokens[t + 2].type == kind::word &&
            (equals_ignoring_case(tokens[t + 2].text, keyword) ||
             (!alternative.empty() && equals_ignoring_case(tokens[t + 2].text, alternative))))
            return true;
    }
    return false;
}

/// What is wrong with constraint `constraint` in the live database, or empty. PostgreSQL:
/// `pg_constraint` by name, table and type; SQLite keeps no constraint names in its catalog,
/// so the table's CREATE TABLE text in `sqlite_master` must declare `CONSTRAINT <name> <kind>`
/// (sqlite_declares_constraint: as written by hand too, in any case and quoting).
template <connection Connection>
std::string constraint_problem(Connection& db, const requested_constraint& constraint) {
    const dialect& d = db.sql_dialect();
    std::string quoted_name;
    d.append_identifier(quoted_name, constraint.name);
    std::string quoted_table;
    d.append_identifier(quoted_table, constraint.table);
    std::int64_t count = 0;
    const auto read_count = [&](const auto& row) { count = from_cell<std::int64_t>(row.cell(0)); };
    if (d.engine == engine::sqlite) {
        std::string table_sql;
        for_each_catalog_row(db, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE",
                             {value(constraint.table)}, [&](const auto& row) {
                                 if (auto text = from_cell<std::optional<std::string>>(row.cell(0))) table_sql = std::move(*text);
                             });
        const bool foreign_key = constraint.type == requested_constraint::kind::foreign_key;
        const std::string_view keyword = constraint_keyword(constraint.type);
        if (sqlite_declares_constraint(table_sql, constraint.name, keyword.substr(0, keyword.find(' ')),
                                       foreign_key ? "REFERENCES" : ""))
            count = 1;
    } else {
        const char* type = constraint.type == requested_constraint::kind::unique        ? "u"
                           : constraint.type == requested_constraint::kind::foreign_key ? "f"
                                                                                         : "c";
        for_each_catalog_row(db,
                             "SELECT COUNT(*) FROM pg_constraint WHERE conname::text = ? "
                             "AND conrelid = to_regclass(?) AND contype::text = ?",
                             {value(constraint.name), value(quoted_table), value(std::string(type))}, read_count);
    }
    if (count > 0) return {};
    return detail::format("{} constraint {} on {} does not exist (the table existed before with another definition?)",
                          constraint_keyword(constraint.type), quoted_name, quoted_table);
}

/// Checks that everything in `requested` exists as requested.
/// @throws relata::schema_error listing every missing or different object.
template <connection Connection>
void verify_created(Connection& db, const requested_objects& requested) {
    std::vector<std::string> problems;
    for (const auto& index : requested.indexes)
        if (auto problem = index_problem(db, index); !problem.empty()) problems.push_back(std::move(problem));
    for (const auto& constraint : requested.constraints)
        if (auto problem = constraint_problem(db, constraint); !problem.empty()) problems.push_back(std::move(problem));
    if (problems.empty()) return;
    std::string reason = "create_all: the database does not hold the schema it asked for";
    for (const auto& problem : problems) reason += "; " + problem;
    throw schema_error(std::move(reason));
}

}  // namespace relata::detail
