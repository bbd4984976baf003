#pragma once
/// @file
/// Rendering: query object + dialect -> `relata::rendered_query` (SQL text and bound
/// parameters). Pure functions; no database is touched, so the golden tests pin them.

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "relata/detail/reflection.hpp"
#include "relata/error.hpp"
#include "relata/query/expression.hpp"
#include "relata/query/select.hpp"
#include "relata/sql/dialect.hpp"
#include "relata/types.hpp"

namespace relata {

/// SQL text with its parameters in placeholder order. Printing it prints the SQL text.
struct rendered_query {
    std::string sql;                ///< the statement, placeholders in the dialect's style
    std::vector<value> parameters;  ///< one value per placeholder, in order

    /// Writes the SQL text.
    friend std::ostream& operator<<(std::ostream& out, const rendered_query& query) { return out << query.sql; }
};

namespace detail {

/// Accumulates SQL text and parameters for one statement.
class sql_writer {
public:
    explicit sql_writer(const dialect& d) : dialect_(d) {}

    sql_writer& text(std::string_view s) {
        result_.sql += s;
        return *this;
    }
    sql_writer& identifier(std::string_view name) {
        dialect_.append_identifier(result_.sql, name);
        return *this;
    }
    sql_writer& parameter(value v) {
        result_.parameters.push_back(std::move(v));
        dialect_.append_placeholder(result_.sql, result_.parameters.size());
        return *this;
    }
    template <model T>
    sql_writer& table() {
        return identifier(table_name_of<T>(dialect_.naming));
    }
    template <model T>
    sql_writer& column(std::size_t index) {
        return identifier(column_name_of<T>(dialect_.naming, index));
    }
    /// `"a", "b", "c"` for every field of T.
    template <model T>
    sql_writer& column_list() {
        for_each_field<T>([&](auto i) {
            if (i.value > 0) text(", ");
            column<T>(i.value);
        });
        return *this;
    }

    sql_writer& expression(const node& n) {
        switch (n.kind) {
            case node_kind::column: identifier(n.column_name(dialect_.naming, n.column_index)); break;
            case node_kind::parameter: parameter(n.parameter); break;
            case node_kind::comparison:
                operand(*n.children[0]).text(" ").text(n.op).text(" ").operand(*n.children[1]);
                break;
            case node_kind::logical_and:
            case node_kind::logical_or: {
                const std::string_view joiner = n.kind == node_kind::logical_and ? " AND " : " OR ";
                for (std::size_t i = 0; i < n.children.size(); ++i) {
                    if (i > 0) text(joiner);
                    const node& child = *n.children[i];
                    // AND binds tighter than OR: parenthesize an OR inside an AND.
                    const bool parens = n.kind == node_kind::logical_and && child.kind == node_kind::logical_or;
                    if (parens) text("(");
                    expression(child);
                    if (parens) text(")");
                }
                break;
            }
            case node_kind::logical_not: text("NOT (").expression(*n.children[0]).text(")"); break;
            case node_kind::like: operand(*n.children[0]).text(" LIKE ").operand(*n.children[1]); break;
            case node_kind::in_list:
                operand(*n.children[0]).text(" IN (");
                for (std::size_t i = 1; i < n.children.size(); ++i) {
                    if (i > 1) text(", ");
                    operand(*n.children[i]);
                }
                text(")");
                break;
            case node_kind::is_null: operand(*n.children[0]).text(" IS NULL"); break;
            case node_kind::is_not_null: operand(*n.children[0]).text(" IS NOT NULL"); break;
            case node_kind::between:
                operand(*n.children[0]).text(" BETWEEN ").operand(*n.children[1]).text(" AND ").operand(*n.children[2]);
                break;
            case node_kind::always_false: text("1 = 0"); break;
        }
        return *this;
    }

    [[nodiscard]] const dialect& sql_dialect() const noexcept { return dialect_; }
    rendered_query take() && { return std::move(result_); }

private:
    sql_writer& operand(const node& n) {
        const bool simple = n.kind == node_kind::column || n.kind == node_kind::parameter;
        if (!simple) text("(");
        expression(n);
        if (!simple) text(")");
        return *this;
    }

    const dialect& dialect_;
    rendered_query result_;
};

/// ` WHERE ...` (nothing for an empty condition).
template <model T>
void write_where(sql_writer& writer, const condition<T>& predicate) {
    if (!predicate.empty()) writer.text(" WHERE ").expression(*predicate.node());
}

/// ` ORDER BY ... LIMIT ? OFFSET ?` as set.
template <model T>
void write_order_limit(sql_writer& writer, const select_query<T>& query, bool with_order) {
    if (with_order && !query.ordering().empty()) {
        writer.text(" ORDER BY ");
        bool first = true;
        for (const auto& term : query.ordering()) {
            if (!first) writer.text(", ");
            first = false;
            writer.expression(*term.column).text(term.descending ? " DESC" : " ASC");
        }
    }
    if (query.row_limit()) {
        writer.text(" LIMIT ").parameter(*query.row_limit());
    } else if (query.row_offset() && writer.sql_dialect().engine == engine::sqlite) {
        writer.text(" LIMIT -1");  // SQLite accepts OFFSET only after a LIMIT
    }
    if (query.row_offset()) writer.text(" OFFSET ").parameter(*query.row_offset());
}

}  // namespace detail

/// The table name of `T` under `d`'s naming convention, unquoted: for hand-written SQL.
/// `relata::table_name<Track>(db.sql_dialect())` is `"Track"` with `naming::pascal_case`,
/// `"track"` with the standard convention.
template <model T>
[[nodiscard]] std::string_view table_name(const dialect& d) {
    return detail::table_name_of<T>(d.naming);
}

/// The column name of `member` under `d`'s naming convention, unquoted: for hand-written SQL.
/// `relata::column_name(db.sql_dialect(), &Track::unit_price)` is `"UnitPrice"` with
/// `naming::pascal_case`, `"unit_price"` with the standard convention.
/// @throws relata::error when `member` is not listed in RELATA_MODEL.
template <model T, class Value>
[[nodiscard]] std::string_view column_name(const dialect& d, Value T::*member) {
    const std::size_t index = detail::index_of_member<T>(member);
    if (index == detail::npos)
        throw error(fmt::format("the member is not listed in RELATA_MODEL({}, ...)", detail::type_name<T>));
    return detail::column_name_of<T>(d.naming, index);
}

/// Renders a SELECT.
/// @code
/// to_sql(select<Post>().where(p.votes > 10).limit(5), sqlite_dialect)
///   -> SELECT "id", "title", "votes" FROM "post" WHERE "votes" > ? LIMIT ?      [10, 5]
/// to_sql(..., postgres_dialect)
///   -> SELECT "id", "title", "votes" FROM "post" WHERE "votes" > $1 LIMIT $2    [10, 5]
/// @endcode
/// @return the SQL text and parameters in placeholder order.
template <model T>
[[nodiscard]] rendered_query to_sql(const select_query<T>& query, const dialect& d) {
    detail::sql_writer writer(d);
    writer.text("SELECT ");
    writer.column_list<T>();
    writer.text(" FROM ");
    writer.table<T>();
    detail::write_where(writer, query.predicate());
    detail::write_order_limit(writer, query, true);
    return std::move(writer).take();
}

/// Renders a COUNT: `SELECT COUNT(*) FROM "post" WHERE ...`; with LIMIT or OFFSET set,
/// `SELECT COUNT(*) FROM (SELECT 1 FROM "post" WHERE ... LIMIT ? OFFSET ?) AS "counted"`.
template <model T>
[[nodiscard]] rendered_query to_sql(const count_query<T>& counted, const dialect& d) {
    const auto& query = counted.query();
    detail::sql_writer writer(d);
    if (query.row_limit() || query.row_offset()) {
        writer.text("SELECT COUNT(*) FROM (SELECT 1 FROM ");
        writer.table<T>();
        detail::write_where(writer, query.predicate());
        detail::write_order_limit(writer, query, true);
        writer.text(") AS ").identifier("counted");
    } else {
        writer.text("SELECT COUNT(*) FROM ");
        writer.table<T>();
        detail::write_where(writer, query.predicate());
    }
    return std::move(writer).take();
}

}  // namespace relata

namespace relata::detail {

/// `INSERT INTO "t" ("a", "b") VALUES (?, ?)`, leaving out a generated key when
/// `with_key` is false and then adding ` RETURNING "id"` (`INSERT INTO "t" DEFAULT VALUES
/// RETURNING "id"` when no other column is left). Parameters are not included.
template <model T>
std::string insert_sql(const dialect& d, bool with_key) {
    sql_writer writer(d);
    writer.text("INSERT INTO ");
    writer.table<T>();
    writer.text(" (");
    std::size_t written = 0;
    for_each_field<T>([&](auto i) {
        if (!with_key && i.value == primary_key_index<T>) return;
        if (written++ > 0) writer.text(", ");
        writer.column<T>(i.value);
    });
    std::string sql;
    if (written == 0) {
        // A model with only a generated key: `()` is not valid SQL on either engine.
        sql = std::move(writer).take().sql;
        sql.resize(sql.size() - 2);  // drop " ("
        sql += " DEFAULT VALUES";
    } else {
        writer.text(") VALUES (");
        sql = std::move(writer).take().sql;
        for (std::size_t n = 1; n <= written; ++n) {
            if (n > 1) sql += ", ";
            d.append_placeholder(sql, n);
        }
        sql += ")";
    }
    if (!with_key) {
        sql += " RETURNING ";
        d.append_identifier(sql, column_name_of<T>(d.naming, primary_key_index<T>));
    }
    return sql;
}

/// `UPDATE "t" SET "a" = ?, "b" = ? WHERE "id" = ?` for the given column indexes.
template <model T>
std::string update_sql(const dialect& d, const std::vector<std::size_t>& changed) {
    std::string sql = "UPDATE ";
    d.append_identifier(sql, table_name_of<T>(d.naming));
    sql += " SET ";
    std::size_t n = 0;
    for (const std::size_t index : changed) {
        if (n > 0) sql += ", ";
        d.append_identifier(sql, column_name_of<T>(d.naming, index));
        sql += " = ";
        d.append_placeholder(sql, ++n);
    }
    sql += " WHERE ";
    d.append_identifier(sql, column_name_of<T>(d.naming, primary_key_index<T>));
    sql += " = ";
    d.append_placeholder(sql, ++n);
    return sql;
}

/// `DELETE FROM "t" WHERE "id" = ?`.
template <model T>
std::string delete_sql(const dialect& d) {
    std::string sql = "DELETE FROM ";
    d.append_identifier(sql, table_name_of<T>(d.naming));
    sql += " WHERE ";
    d.append_identifier(sql, column_name_of<T>(d.naming, primary_key_index<T>));
    sql += " = ";
    d.append_placeholder(sql, 1);
    return sql;
}

/// The condition `"id" = ?` on T's primary key.
template <model T>
condition<T> primary_key_equals(const primary_key_type<T>& key) {
    return condition<T>(make_node(node_kind::comparison,
                                  {make_column_node<T>(primary_key_index<T>),
                                   make_parameter(comparison_value<primary_key_type<T>>(key))},
                                  "="));
}

}  // namespace relata::detail
