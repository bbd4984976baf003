#pragma once
/// @file
/// `relata::detail::sql_writer`: turns untyped statement data (<relata/query/data.hpp>) into SQL
/// text and parameters for one dialect. Not a template: compiled once however many models and
/// queries a program has. `relata::to_sql` (<relata/sql/render.hpp>) is the public door.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "relata/detail/format.hpp"
#include "relata/detail/reflection.hpp"
#include "relata/error.hpp"
#include "relata/query/data.hpp"
#include "relata/query/node.hpp"
#include "relata/sql/dialect.hpp"
#include "relata/sql/rendered_query.hpp"
#include "relata/types.hpp"

namespace relata::detail {

/// The deepest expression relata renders (SQLite's own parser stops at 1,000 levels,
/// SQLITE_MAX_EXPR_DEPTH). Flat `&&`/`||` chains and `in()` lists do not count per term.
inline constexpr std::uint32_t max_expression_depth = 1000;

/// AND/OR chains longer than this render as balanced, parenthesized halves, so SQLite's parser
/// (which nests one level per operator) stays far below its depth limit.
inline constexpr std::size_t flat_chain_length = 64;

/// The number of items an IN list of `count` parameters is rendered with: the next power of
/// two up to 1,024, then the next multiple of 1,024 up to 16,384, then `count` itself (so a
/// list sized to an engine's parameter limit never grows past it). 1,000 lists of lengths 1 to
/// 1,000 render as 11 statements.
[[nodiscard]] constexpr std::size_t in_list_shape(std::size_t count) noexcept {
    if (count <= 1024) return std::bit_ceil(count);
    if (count <= 16384) return (count + 1023) / 1024 * 1024;
    return count;
}

/// Accumulates SQL text and parameters for one statement.
class sql_writer {
public:
    // The text starts with room for a typical statement, so writing one does not regrow the
    // string four times on the way (15 -> 30 -> 60 -> 120 -> 240 characters).
    explicit sql_writer(const dialect& d) : dialect_(d) { result_.sql.reserve(256); }

    sql_writer& text(std::string_view s) {
        result_.sql += s;
        return *this;
    }
    sql_writer& identifier(std::string_view name) {
        dialect_.append_identifier(result_.sql, name);
        return *this;
    }
    sql_writer& parameter(value v) {
        // Room for 4 at the first: one allocation for most statements, not growing 1, 2, 4.
        if (result_.parameters.capacity() == 0) result_.parameters.reserve(4);
        result_.parameters.push_back(std::move(v));
        dialect_.append_placeholder(result_.sql, result_.parameters.size());
        return *this;
    }
    // A parameter node met again (one expression object used in the select list and again in
    // ORDER BY or HAVING) is written with the number it got the first time on PostgreSQL:
    // there `GROUP BY $1 ... ORDER BY $2` with equal values is not "the grouped expression"
    // (42803). SQLite's `?` are positional, so each occurrence binds its own copy.
    sql_writer& shared_parameter(const node& n) {
        if (dialect_.engine != engine::postgresql) return parameter(n.parameter);
        const auto [found, added] = parameter_numbers_.try_emplace(&n, result_.parameters.size() + 1);
        if (added) result_.parameters.push_back(n.parameter);
        dialect_.append_placeholder(result_.sql, found->second);
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

    [[nodiscard]] const dialect& sql_dialect() const noexcept { return dialect_; }
    rendered_query take() && { return std::move(result_); }

    /// Records in `models` every model whose table the statement names (FROM, JOIN, subqueries,
    /// CTE bodies, the target of a write), each once: the query space a Session's autoflush
    /// checks (<relata/session.hpp>).
    void record_tables(std::vector<const model_info*>& models) { tables_ = &models; }

    /// Writes an expression.
    /// @throws relata::error when it is nested deeper than max_expression_depth.
    sql_writer& expression(const node& n) {
        if (n.depth > max_expression_depth)
            throw error(detail::format("an expression is nested {} levels deep; relata renders at most {} (SQLite's own limit, "
                                       "SQLITE_MAX_EXPR_DEPTH, is 1000 too): chains of && or || and in() lists stay flat, "
                                       "alternating them nests",
                                       n.depth, max_expression_depth));
        write(n);
        return *this;
    }

    /// Writes a SELECT (or a compound, or a COUNT over one). `nested`: inside another
    /// statement, so every column is qualified by its table or alias.
    void select(const select_data& d, bool nested) {
        const bool saved = qualify_;
        // The override belongs to the outermost SELECT only: taken before any subquery renders.
        const std::optional<std::int64_t> limit = std::exchange(limit_override_, std::nullopt);
        const bool counting = std::exchange(count_override_, false) || d.count_rows;
        if (counting) count(d, nested);
        else rows(d, nested, limit);
        qualify_ = saved;
    }

    /// The next SELECT written (the outermost one) gets `LIMIT rows` instead of its own limit,
    /// as if `query.limit(rows)` had been rendered, without copying the query
    /// (`relata::first`: LIMIT 1, `relata::one`: LIMIT 2), written into the SQL as a number: a
    /// constant of relata's, not a value of the user's, so no parameter (see limit_and_offset).
    void override_limit(std::int64_t rows) { limit_override_ = rows; }

    /// The next SELECT written (the outermost one) is rendered as `SELECT COUNT(*)` over its
    /// rows, as `query.count()` would render, without copying the query (`relata::count`,
    /// `session.count`).
    void override_count() { count_override_ = true; }

    /// INSERT INTO ... VALUES ... [ON CONFLICT ...] [RETURNING ...].
    void insert(const insert_data& d) {
        text("INSERT INTO ").table_of(*d.target);
        if (d.columns.empty()) {
            text(" DEFAULT VALUES");
        } else {
            text(" (");
            for (std::size_t i = 0; i < d.columns.size(); ++i) {
                if (i > 0) text(", ");
                identifier(d.target->model->column_name(dialect_.naming, d.columns[i]));
            }
            text(") VALUES ");
            for (std::size_t r = 0; r < d.rows.size(); ++r) {
                if (r > 0) text(", ");
                text("(");
                for (std::size_t i = 0; i < d.rows[r].size(); ++i) {
                    if (i > 0) text(", ");
                    parameter(d.rows[r][i]);
                }
                text(")");
            }
        }
        if (d.conflict) {
            text(" ON CONFLICT");
            if (!d.conflict->columns.empty()) {
                text(" (");
                for (std::size_t i = 0; i < d.conflict->columns.size(); ++i) {
                    if (i > 0) text(", ");
                    identifier(d.target->model->column_name(dialect_.naming, d.conflict->columns[i]));
                }
                text(")");
            }
            if (d.conflict->do_update) {
                text(" DO UPDATE SET ");
                // The target's columns are qualified: PostgreSQL finds an unqualified name
                // ambiguous beside `excluded` (42702); SQLite accepts either spelling.
                qualify_ = true;
                assignments(*d.target, d.conflict->assignments);
                if (d.conflict->where) text(" WHERE ").expression(*d.conflict->where);
                qualify_ = false;
            } else {
                text(" DO NOTHING");
            }
        }
        returning(d.returning);
    }

    /// UPDATE ... SET ... [WHERE ...] [RETURNING ...].
    void update(const update_data& d) {
        if (d.assignments.empty()) throw error("an UPDATE needs at least one set(column, value)");
        qualify_ = d.where && d.where->has_subquery;
        text("UPDATE ").table_of(*d.target).text(" SET ");
        assignments(*d.target, d.assignments);
        if (d.where) text(" WHERE ").expression(*d.where);
        qualify_ = false;
        returning(d.returning);
    }

    /// DELETE FROM ... [WHERE ...] [RETURNING ...].
    void remove(const delete_data& d) {
        qualify_ = d.where && d.where->has_subquery;
        text("DELETE FROM ").table_of(*d.target);
        if (d.where) text(" WHERE ").expression(*d.where);
        qualify_ = false;
        returning(d.returning);
    }

private:
    sql_writer& table_of(const source_info& source) {
        if (tables_ != nullptr && std::find(tables_->begin(), tables_->end(), source.model) == tables_->end())
            tables_->push_back(source.model);
        identifier(source.model->table_name(dialect_.naming));
        if (!source.alias.empty()) text(" AS ").identifier(source.alias);
        return *this;
    }
    std::string_view name_of(const source_info& source) const {
        return source.alias.empty() ? source.model->table_name(dialect_.naming) : source.alias;
    }
    void column_reference(const source_info& source, std::size_t index) {
        if (qualify_) identifier(name_of(source)).text(".");
        identifier(source.model->column_name(dialect_.naming, index));
    }

    static bool needs_parentheses(const node& n) {
        switch (n.kind) {
            case node_kind::binary:
            case node_kind::logical_and:
            case node_kind::logical_or:
            case node_kind::logical_not:
            case node_kind::in_list:
            case node_kind::not_in_list:
            case node_kind::in_subquery:
            case node_kind::not_in_subquery:
            case node_kind::is_null:
            case node_kind::is_not_null:
            case node_kind::between:
            case node_kind::like:
            case node_kind::like_escape:
            case node_kind::exists:
            case node_kind::not_exists:
            case node_kind::always_false:
            case node_kind::always_true:
            case node_kind::negate: return true;
            default: return false;
        }
    }
    void operand(const node& n) {
        const bool parens = needs_parentheses(n);
        if (parens) text("(");
        write(n);
        if (parens) text(")");
    }
    void list(const node_list& items, std::size_t first) {
        for (std::size_t i = first; i < items.size(); ++i) {
            if (i > first) text(", ");
            write(*items[i]);
        }
    }

    // A parameter node; `shared`: met again, it keeps its first number (shared_parameter).
    void parameter_node(const node& n, bool shared) {
        const bool cast = n.has_type && dialect_.engine == engine::postgresql;
        if (cast) text("CAST(");
        if (shared) shared_parameter(n);
        else parameter(n.parameter);
        if (cast) text(" AS ").text(dialect_.type_name(n.type)).text(")");
    }

    // An IN list of parameters is padded by binding its last value again (which changes
    // nothing: IN and NOT IN ignore duplicates) up to in_list_shape(n) items, so lists of any
    // length render as few distinct statements and the prepared-statement cache holds few.
    void pad_list(const node_list& items) {
        const std::size_t count = items.size() - 1;
        if (count == 0 || items.back()->kind != node_kind::parameter) return;
        for (std::size_t i = count; i < in_list_shape(count); ++i) {
            text(", ");
            parameter_node(*items.back(), false);
        }
    }

    // AND/OR: n-ary; long chains as balanced halves (depth log n in SQLite's parser).
    void logical(const node& n, std::size_t first, std::size_t last) {
        const std::string_view joiner = n.kind == node_kind::logical_and ? " AND " : " OR ";
        if (last - first > flat_chain_length) {
            const std::size_t middle = first + (last - first) / 2;
            text("(");
            logical(n, first, middle);
            text(")").text(joiner).text("(");
            logical(n, middle, last);
            text(")");
            return;
        }
        for (std::size_t i = first; i < last; ++i) {
            if (i > first) text(joiner);
            const node& child = *n.children[i];
            // AND binds tighter than OR: parenthesize an OR inside an AND.
            const bool parens = n.kind == node_kind::logical_and && child.kind == node_kind::logical_or;
            if (parens) text("(");
            write(child);
            if (parens) text(")");
        }
    }

    void subquery(const select_data& d) {
        text("(");
        select(d, true);
        text(")");
    }

    void write(const node& n) {
        switch (n.kind) {
            case node_kind::column: column_reference(*n.source, n.index); break;
            case node_kind::all_columns:
                if (!qualify_) {  // the model's column list, quoted once per naming convention
                    text(n.source->model->quoted_columns(dialect_.naming));
                    break;
                }
                for (std::size_t i = 0; i < n.source->model->field_count; ++i) {
                    if (i > 0) text(", ");
                    column_reference(*n.source, i);
                }
                break;
            case node_kind::parameter: parameter_node(n, true); break;
            case node_kind::keyword:
                if (n.flags == 1) text(detail::format("{}", std::get<std::int64_t>(n.parameter)));
                else text(n.text);
                break;
            case node_kind::binary:
                operand(*n.children[0]);
                text(" ").text(n.text).text(" ");
                operand(*n.children[1]);
                break;
            case node_kind::logical_and:
            case node_kind::logical_or: logical(n, 0, n.children.size()); break;
            case node_kind::logical_not: text("NOT (").write(*n.children[0]), text(")"); break;
            case node_kind::negate: text("-"), operand(*n.children[0]); break;
            case node_kind::in_list:
            case node_kind::not_in_list:
                operand(*n.children[0]);
                text(n.kind == node_kind::in_list ? " IN (" : " NOT IN (");
                list(n.children, 1);
                pad_list(n.children);
                text(")");
                break;
            case node_kind::in_subquery:
            case node_kind::not_in_subquery:
                operand(*n.children[0]);
                text(n.kind == node_kind::in_subquery ? " IN " : " NOT IN ");
                subquery(*n.subquery);
                break;
            case node_kind::exists: text("EXISTS "), subquery(*n.subquery); break;
            case node_kind::not_exists: text("NOT EXISTS "), subquery(*n.subquery); break;
            case node_kind::scalar_subquery: subquery(*n.subquery); break;
            case node_kind::is_null: operand(*n.children[0]), text(" IS NULL"); break;
            case node_kind::is_not_null: operand(*n.children[0]), text(" IS NOT NULL"); break;
            case node_kind::between:
                operand(*n.children[0]);
                text(" BETWEEN ");
                operand(*n.children[1]);
                text(" AND ");
                operand(*n.children[2]);
                break;
            case node_kind::like:
                operand(*n.children[0]);
                text(" LIKE ");
                operand(*n.children[1]);
                // PostgreSQL's LIKE escapes with `\` unless told otherwise; SQLite's has no escape.
                if (dialect_.engine == engine::postgresql) text(" ESCAPE ''");
                break;
            case node_kind::like_escape:
                operand(*n.children[0]);
                text(" LIKE ");
                operand(*n.children[1]);
                text(" ESCAPE ");
                operand(*n.children[2]);
                break;
            case node_kind::always_false: text("1 = 0"); break;
            case node_kind::always_true: text("1 = 1"); break;
            case node_kind::function: function(n); break;
            case node_kind::function_distinct: text(n.text).text("(DISTINCT ").write(*n.children[0]), text(")"); break;
            case node_kind::count_all: text("COUNT(*)"); break;
            case node_kind::case_when: {
                text("CASE");
                const std::size_t pairs = (n.children.size() - (n.flags & 1)) / 2;
                for (std::size_t i = 0; i < pairs; ++i) {
                    text(" WHEN ").write(*n.children[2 * i]);
                    text(" THEN ").write(*n.children[2 * i + 1]);
                }
                if (n.flags & 1) text(" ELSE ").write(*n.children.back());
                text(" END");
                break;
            }
            case node_kind::cast:
                text("CAST(").write(*n.children[0]);
                text(" AS ").text(dialect_.type_name(n.type)).text(")");
                break;
            case node_kind::date_part: date_part(n); break;
            case node_kind::date_truncate: date_truncate(n); break;
            case node_kind::date_format: date_format(n); break;
            case node_kind::window: window(n); break;
            case node_kind::excluded:
                text("excluded.").identifier(n.source->model->column_name(dialect_.naming, n.index));
                break;
        }
    }

    void function(const node& n) {
        if (n.text == "round" && dialect_.engine == engine::postgresql && n.children.size() == 2) {
            // PostgreSQL has round(numeric, int) but no round(double precision, int).
            text("round(CAST(").write(*n.children[0]);
            text(" AS NUMERIC), ").write(*n.children[1]);
            text(")");
            return;
        }
        text(n.text).text("(");
        list(n.children, 0);
        text(")");
    }

    static std::string_view sqlite_part(date_unit unit) {
        switch (unit) {
            case date_unit::year: return "%Y";
            case date_unit::month: return "%m";
            case date_unit::day: return "%d";
            case date_unit::hour: return "%H";
            case date_unit::minute: return "%M";
            case date_unit::second: return "%S";
            case date_unit::day_of_week: return "%w";
            case date_unit::day_of_year: return "%j";
            case date_unit::quarter: return "%m";
        }
        return "%Y";
    }
    static std::string_view postgres_part(date_unit unit) {
        switch (unit) {
            case date_unit::year: return "YEAR";
            case date_unit::month: return "MONTH";
            case date_unit::day: return "DAY";
            case date_unit::hour: return "HOUR";
            case date_unit::minute: return "MINUTE";
            case date_unit::second: return "SECOND";
            case date_unit::day_of_week: return "DOW";
            case date_unit::day_of_year: return "DOY";
            case date_unit::quarter: return "QUARTER";
        }
        return "YEAR";
    }

    void date_part(const node& n) {
        if (dialect_.engine == engine::postgresql) {
            text("CAST(FLOOR(EXTRACT(").text(postgres_part(n.unit)).text(" FROM ").write(*n.children[0]);
            text(")) AS BIGINT)");
            return;
        }
        if (n.unit == date_unit::quarter) {
            text("((CAST(strftime('%m', ").write(*n.children[0]);
            text(") AS INTEGER) + 2) / 3)");
            return;
        }
        text("CAST(strftime('").text(sqlite_part(n.unit)).text("', ").write(*n.children[0]);
        text(") AS INTEGER)");
    }

    void date_truncate(const node& n) {
        const bool is_date = n.type == sql_type::date;
        if (dialect_.engine == engine::postgresql) {
            static constexpr std::string_view units[] = {"year", "month", "day", "hour", "minute", "second", "", "", "quarter"};
            if (is_date) text("CAST(");
            text("date_trunc('").text(units[static_cast<std::size_t>(n.unit)]).text("', ").write(*n.children[0]);
            text(")");
            if (is_date) text(" AS DATE)");
            return;
        }
        if (n.unit == date_unit::quarter) {
            text(is_date ? "printf('%04d-%02d-01', CAST(strftime('%Y', " : "printf('%04d-%02d-01 00:00:00', CAST(strftime('%Y', ");
            write(*n.children[0]);
            text(") AS INTEGER), ((CAST(strftime('%m', ");
            write(*n.children[0]);
            text(") AS INTEGER) - 1) / 3) * 3 + 1)");
            return;
        }
        std::string_view pattern;
        switch (n.unit) {
            case date_unit::year: pattern = is_date ? "%Y-01-01" : "%Y-01-01 00:00:00"; break;
            case date_unit::month: pattern = is_date ? "%Y-%m-01" : "%Y-%m-01 00:00:00"; break;
            case date_unit::hour: pattern = is_date ? "%Y-%m-%d" : "%Y-%m-%d %H:00:00"; break;
            case date_unit::minute: pattern = is_date ? "%Y-%m-%d" : "%Y-%m-%d %H:%M:00"; break;
            case date_unit::second: pattern = is_date ? "%Y-%m-%d" : "%Y-%m-%d %H:%M:%S"; break;
            default: pattern = is_date ? "%Y-%m-%d" : "%Y-%m-%d 00:00:00"; break;
        }
        text("strftime('").text(pattern).text("', ").write(*n.children[0]);
        text(")");
    }

    // The pattern was checked when the expression was built: conversions and separators only,
    // so it is written as a literal (the same text wherever the expression appears).
    void date_format(const node& n) {
        const std::string& pattern = std::get<std::string>(n.children[1]->parameter);
        if (dialect_.engine == engine::sqlite) {
            text("strftime('").text(pattern).text("', ").write(*n.children[0]);
            text(")");
            return;
        }
        std::string spelled;
        for (std::size_t i = 0; i < pattern.size(); ++i) {
            if (pattern[i] == '%' && i + 1 < pattern.size()) {
                const char specifier = pattern[++i];
                if (specifier == '%') spelled += '%';
                else spelled += to_char_pattern(specifier);
            } else if (pattern[i] == 'T') {
                spelled += "\"T\"";  // a letter: quoted, or to_char could read it as a pattern
            } else {
                spelled += pattern[i];
            }
        }
        text("to_char(").write(*n.children[0]);
        text(", '").text(spelled).text("')");
    }
    static std::string_view to_char_pattern(char specifier) {
        switch (specifier) {
            case 'Y': return "YYYY";
            case 'm': return "MM";
            case 'd': return "DD";
            case 'H': return "HH24";
            case 'M': return "MI";
            case 'S': return "SS";
            case 'j': return "DDD";
            default: return "";
        }
    }

    // `result_columns`: the select list of a compound's first operand. A compound's ORDER BY can
    // only name result columns (both engines reject expressions there, and SQLite cannot match
    // a bare column name that two joined tables share): a selected column or expression object
    // is written as its position, another column as its bare name, anything else is an error.
    void ordering(const std::vector<ordering_item>& items, const std::vector<projection_item>* result_columns = nullptr) {
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (i > 0) text(", ");
            if (result_columns) result_column(*items[i].expression, *result_columns);
            else write(*items[i].expression);
            text(items[i].descending ? " DESC" : " ASC");
            if (items[i].nulls == nulls_order::first) text(" NULLS FIRST");
            else if (items[i].nulls == nulls_order::last) text(" NULLS LAST");
        }
    }

    void result_column(const node& n, const std::vector<projection_item>& columns) {
        for (std::size_t i = 0; i < columns.size(); ++i) {
            const node& item = *columns[i].expression;
            const bool same_column = n.kind == node_kind::column && item.kind == node_kind::column &&
                                     item.source->model == n.source->model && item.source->alias == n.source->alias &&
                                     item.index == n.index;
            if (&item == &n || same_column) {
                text(detail::format("{}", i + 1));
                return;
            }
        }
        if (n.kind == node_kind::column) {  // e.g. a column of a model query's implicit select list
            identifier(n.source->model->column_name(dialect_.naming, n.index));
            return;
        }
        throw error(
            "the ORDER BY of a UNION, INTERSECT or EXCEPT can only name result columns: order by a column, or by "
            "an expression object that is in the first query's select list");
    }

    void window(const node& n) {
        write(*n.children[0]);
        text(" OVER (");
        const window_data& w = *n.window;
        if (!w.partition.empty()) {
            text("PARTITION BY ");
            for (std::size_t i = 0; i < w.partition.size(); ++i) {
                if (i > 0) text(", ");
                write(*w.partition[i]);
            }
        }
        if (!w.order.empty()) {
            if (!w.partition.empty()) text(" ");
            text("ORDER BY ");
            ordering(w.order);
        }
        text(")");
    }

    void assignments(const source_info& target, const std::vector<std::pair<std::size_t, node_ptr>>& items) {
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (i > 0) text(", ");
            identifier(target.model->column_name(dialect_.naming, items[i].first)).text(" = ");
            expression(*items[i].second);
        }
    }

    void returning(const std::vector<projection_item>& items) {
        if (items.empty()) return;
        text(" RETURNING ");
        projection(items);
    }

    void projection(const std::vector<projection_item>& items) {
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (i > 0) text(", ");
            expression(*items[i].expression);
            if (!items[i].label.empty()) text(" AS ").identifier(items[i].label);
        }
    }

    // `with_list`: also look at the select list and ORDER BY (not when COUNT(*) replaces them).
    static bool uses_subquery(const select_data& d, bool with_list = true) {
        const auto in = [](const node_ptr& n) { return n && n->has_subquery; };
        if (with_list)
            for (const auto& item : d.projection)
                if (in(item.expression)) return true;
        for (const auto& join : d.joins)
            if (in(join.on)) return true;
        for (const auto& item : d.group_by)
            if (in(item)) return true;
        if (with_list)
            for (const auto& item : d.order)
                if (in(item.expression)) return true;
        return in(d.where) || in(d.having);
    }

    void with_clause(const select_data& d) {
        if (d.ctes.empty()) return;
        text(d.recursive ? "WITH RECURSIVE " : "WITH ");
        for (std::size_t i = 0; i < d.ctes.size(); ++i) {
            if (i > 0) text(", ");
            const source_info& table = *d.ctes[i].source;
            identifier(table.model->table_name(dialect_.naming)).text(" (");
            for (std::size_t c = 0; c < table.model->field_count; ++c) {
                if (c > 0) text(", ");
                identifier(table.model->column_name(dialect_.naming, c));
            }
            text(") AS (");
            select(*d.ctes[i].query, false);
            text(")");
        }
        text(" ");
    }

    // What a SELECT lists: its own items, `1` (rows counted by an outer COUNT(*)), or
    // `COUNT(*)` itself (a count needing no subquery).
    enum class select_list : std::uint8_t { items, one, count_all };

    // SELECT <list> FROM ... JOIN ... WHERE ... GROUP BY ... HAVING ...
    void core(const select_data& d, bool nested, select_list list = select_list::items) {
        qualify_ = nested || !d.joins.empty() || !d.ctes.empty() || uses_subquery(d, list != select_list::count_all);
        text(d.distinct ? "SELECT DISTINCT " : "SELECT ");
        switch (list) {
            case select_list::items: projection(d.projection); break;
            case select_list::one: text("1"); break;
            case select_list::count_all: text("COUNT(*)"); break;
        }
        if (d.from) {
            text(" FROM ").table_of(*d.from);
            for (const join_item& join : d.joins) {
                switch (join.kind) {
                    case join_kind::inner: text(" JOIN "); break;
                    case join_kind::left: text(" LEFT JOIN "); break;
                    case join_kind::right: text(" RIGHT JOIN "); break;
                    case join_kind::full: text(" FULL JOIN "); break;
                }
                table_of(*join.source).text(" ON ").expression(*join.on);
            }
        }
        if (d.where) text(" WHERE ").expression(*d.where);
        if (!d.group_by.empty()) {
            text(" GROUP BY ");
            for (std::size_t i = 0; i < d.group_by.size(); ++i) {
                if (i > 0) text(", ");
                if (const std::size_t position = position_in_projection(d, d.group_by[i]); position != 0)
                    text(detail::format("{}", position));
                else
                    expression(*d.group_by[i]);
            }
        }
        if (d.having) text(" HAVING ").expression(*d.having);
    }

    // The 1-based position of `item` (the same node) in the select list, or 0.
    static std::size_t position_in_projection(const select_data& d, const node_ptr& item) {
        if (item->kind == node_kind::column) return 0;  // a column is the same text either way
        std::size_t position = 0;
        for (const auto& projected : d.projection) {
            if (projected.expression->kind == node_kind::all_columns) {
                position += projected.expression->source->model->field_count;
                continue;
            }
            ++position;
            if (projected.expression == item) return position;
        }
        return 0;
    }

    void tail(const select_data& d, std::optional<std::int64_t> limit_override = std::nullopt) {
        if (!d.order.empty()) {
            text(" ORDER BY ");
            ordering(d.order);
        }
        limit_and_offset(limit_override ? limit_override : d.limit, d.offset, limit_override.has_value());
    }

    // A query's own limit is a bound parameter, as every value is. The outermost SELECT's
    // override (relata::first's 1, relata::one's 2: relata's constants, never a user's value)
    // is written into the SQL, as hand-written code writes `LIMIT 1`: one parameter fewer to
    // bind per call (relata::first by key, 2,000 lookups: 23.1 -> 22.8 M instructions on SQLite,
    // 26.7 -> 25.0 M client instructions on PostgreSQL).
    void limit_and_offset(std::optional<std::int64_t> limit, std::optional<std::int64_t> offset, bool constant_limit = false) {
        if (limit && constant_limit && (*limit == 1 || *limit == 2)) {  // any other value: a parameter
            text(" LIMIT ");
            append_integer(result_.sql, *limit);
        } else if (limit) {
            text(" LIMIT ").parameter(*limit);
        } else if (offset && dialect_.engine == engine::sqlite) {
            text(" LIMIT -1");  // SQLite accepts OFFSET only after a LIMIT
        }
        if (offset) text(" OFFSET ").parameter(*offset);
    }

    static bool has_tail(const select_data& d) { return !d.order.empty() || d.limit || d.offset; }

    void compound(const select_data& d, std::optional<std::int64_t> limit_override) {
        for (std::size_t i = 0; i < d.operands.size(); ++i) {
            if (i > 0) {
                switch (d.operands[i].op) {
                    case set_operator::union_distinct: text(" UNION "); break;
                    case set_operator::union_all: text(" UNION ALL "); break;
                    case set_operator::intersect: text(" INTERSECT "); break;
                    case set_operator::except: text(" EXCEPT "); break;
                }
            }
            const select_data& operand = *d.operands[i].query;
            // An operand with its own ORDER BY/LIMIT or WITH, or a compound itself, becomes a
            // subquery: neither engine takes those inside a compound directly.
            if (has_tail(operand) || !operand.operands.empty() || !operand.ctes.empty()) {
                text("SELECT * FROM (");
                select(operand, false);
                text(detail::format(") AS \"relata_operand_{}\"", i + 1));
            } else {
                core(operand, false);
            }
        }
        qualify_ = false;  // ORDER BY names result columns
        if (!d.order.empty()) {
            text(" ORDER BY ");
            ordering(d.order, &d.operands.front().query->projection);
        }
        limit_and_offset(limit_override ? limit_override : d.limit, d.offset, limit_override.has_value());
    }

    // The query's own rows, without a COUNT(*) around them (what select() writes when
    // `count_rows` is not set).
    void rows(const select_data& d, bool nested, std::optional<std::int64_t> limit_override) {
        with_clause(d);
        if (!d.operands.empty()) {
            compound(d, limit_override);
        } else {
            core(d, nested);
            tail(d, limit_override);
        }
    }

    // COUNT(*) of the query's rows, written from `d` itself (no copy of the query).
    void count(const select_data& d, bool nested) {
        const bool simple = d.group_by.empty() && !d.distinct && !d.limit && !d.offset && d.operands.empty() && d.ctes.empty();
        if (simple) {
            core(d, nested, select_list::count_all);  // no ORDER BY: ordering does not change a count
            return;
        }
        text("SELECT COUNT(*) FROM (");
        const bool ones = d.group_by.empty() && !d.distinct && d.operands.empty() && d.ctes.empty();
        if (ones) {
            core(d, nested, select_list::one);
            tail(d);
        } else {
            rows(d, nested, std::nullopt);
        }
        text(") AS ").identifier("counted");
    }

    const dialect& dialect_;
    std::optional<std::int64_t> limit_override_;  // override_limit(): for the outermost SELECT
    bool count_override_ = false;                 // override_count(): for the outermost SELECT
    rendered_query result_;
    bool qualify_ = false;
    std::unordered_map<const node*, std::size_t> parameter_numbers_;
    std::vector<const model_info*>* tables_ = nullptr;  // record_tables()
};

}  // namespace relata::detail
