#pragma once
/// @file
/// SQL functions on typed expressions, with one spelling that renders per dialect:
/// text (`lower`, `upper`, `trim`, `length`), numbers (`abs`, `round`), NULL handling
/// (`coalesce`, `nullif`), `case_when`, `cast<T>`, and date/time (`extract` with `year`,
/// `month`, `day`, ...; `truncate`; `format_time`).
///
/// @code
/// constexpr auto i = relata::columns<Invoice>;
/// const auto month = relata::format_time(i.invoice_date, "%Y-%m");   // one object, used twice
/// relata::select(month.as<"month">(), relata::sum(i.total)).group_by(month).order_by(month);
/// // SQLite:     SELECT strftime('%Y-%m', "invoice_date") AS "month", SUM("total") FROM "invoice" GROUP BY 1 ORDER BY ...
/// // PostgreSQL: SELECT to_char("invoice_date", 'YYYY-MM') AS "month", SUM("total") FROM "invoice" GROUP BY 1 ORDER BY ...
/// @endcode

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "relata/detail/format.hpp"
#include "relata/error.hpp"
#include "relata/query/expression.hpp"

namespace relata {

using detail::date_unit;

namespace detail {

template <class E>
inline constexpr bool text_expression = std::is_same_v<remove_optional_t<value_of_t<E>>, std::string>;

template <class E>
inline constexpr bool time_expression = is_sys_time<remove_optional_t<value_of_t<E>>> ||
                                        std::is_same_v<remove_optional_t<value_of_t<E>>, std::chrono::year_month_day>;

template <class E>
constexpr sql_type time_type_of() {
    if constexpr (is_sys_time<remove_optional_t<value_of_t<E>>> &&
                  !std::is_same_v<remove_optional_t<value_of_t<E>>, std::chrono::sys_days>)
        return sql_type::timestamp;
    else
        return sql_type::date;
}

template <class Value, class E>
auto unary_function(std::string_view name, const E& e) {
    return expression_t<Value, sources_of_t<E>>(make_node(node_kind::function, {node_of(e)}, name));
}

/// strftime conversions relata supports in format_time, and their PostgreSQL to_char spelling.
constexpr std::string_view to_char_spelling(char specifier) {
    switch (specifier) {
        case 'Y': return "YYYY";
        case 'm': return "MM";
        case 'd': return "DD";
        case 'H': return "HH24";
        case 'M': return "MI";
        case 'S': return "SS";
        case 'j': return "DDD";
        default: return {};
    }
}

/// Text a format_time pattern may hold besides conversions: separators only, so the pattern can
/// be written into the SQL as a literal (one text in SELECT and GROUP BY; PostgreSQL demands it).
constexpr bool format_literal_character(char c) {
    return c == '-' || c == '/' || c == ':' || c == '.' || c == ',' || c == '_' || c == ' ' || c == 'T';
}

}  // namespace detail

/// `lower(x)`: text in lower case (SQLite: ASCII letters only; PostgreSQL: by the database's
/// locale).
template <detail::typed_expression E>
[[nodiscard]] auto lower(const E& text) {
    static_assert(detail::text_expression<E>, "relata: lower() needs a text expression");
    return detail::unary_function<detail::value_of_t<E>>("lower", text);
}
/// `upper(x)`: text in upper case (SQLite: ASCII letters only).
template <detail::typed_expression E>
[[nodiscard]] auto upper(const E& text) {
    static_assert(detail::text_expression<E>, "relata: upper() needs a text expression");
    return detail::unary_function<detail::value_of_t<E>>("upper", text);
}
/// `trim(x)`: text without leading and trailing spaces.
template <detail::typed_expression E>
[[nodiscard]] auto trim(const E& text) {
    static_assert(detail::text_expression<E>, "relata: trim() needs a text expression");
    return detail::unary_function<detail::value_of_t<E>>("trim", text);
}
/// `length(x)`: the number of characters of a text (both engines count characters, not bytes).
template <detail::typed_expression E>
[[nodiscard]] auto length(const E& text) {
    static_assert(detail::text_expression<E>, "relata: length() needs a text expression");
    return detail::unary_function<detail::nullable_like_t<std::int64_t, detail::value_of_t<E>>>("length", text);
}
/// `abs(x)` of a number.
template <detail::typed_expression E>
[[nodiscard]] auto abs(const E& number) {
    static_assert(detail::is_number<detail::remove_optional_t<detail::value_of_t<E>>>, "relata: abs() needs a number");
    return detail::unary_function<detail::value_of_t<E>>("abs", number);
}
/// `round(x, digits)` as a double. PostgreSQL rounds NUMERIC only with digits, so it renders
/// `round(CAST(x AS NUMERIC), digits)` there (half away from zero on both engines). `digits`
/// is written into the SQL as a number, so the same expression in a select list and in GROUP
/// BY is the same text.
template <detail::typed_expression E>
[[nodiscard]] auto round(const E& number, int digits = 0) {
    static_assert(detail::is_number<detail::remove_optional_t<detail::value_of_t<E>>>, "relata: round() needs a number");
    using result = detail::expression_t<detail::nullable_like_t<double, detail::value_of_t<E>>, detail::sources_of_t<E>>;
    return result(detail::make_node(detail::node_kind::function,
                                    {detail::node_of(number), detail::make_integer_literal(digits)}, "round"));
}

/// `coalesce(x, fallback, ...)`: the first argument that is not NULL. Fallbacks are
/// expressions or values of a compatible type; the result is optional only when the last
/// argument is.
template <detail::typed_expression E, class... Fallbacks>
[[nodiscard]] auto coalesce(const E& first, const Fallbacks&... fallbacks) {
    static_assert(sizeof...(Fallbacks) > 0, "relata: coalesce() needs at least one fallback");
    using value_type = detail::value_of_t<E>;
    static_assert((detail::assignable<value_type, detail::operand_value_t<Fallbacks, E>>() && ...),
                  "relata: coalesce() fallbacks must have the first argument's type");
    using last = detail::operand_value_t<std::tuple_element_t<sizeof...(Fallbacks) - 1, std::tuple<Fallbacks...>>, E>;
    using result_value = detail::optional_if_t<detail::is_optional<std::remove_cvref_t<last>>::value,
                                               detail::remove_optional_t<value_type>>;
    using sources = detail::sources_union_t<E, Fallbacks...>;
    return detail::expression_t<result_value, sources>(detail::make_node(
        detail::node_kind::function,
        {detail::node_of(first), detail::typed_operand_node<detail::remove_optional_t<value_type>>(fallbacks)...},
        "coalesce"));
}

/// `nullif(x, y)`: NULL when x equals y, else x.
template <detail::typed_expression E, class V>
[[nodiscard]] auto nullif(const E& x, const V& y) {
    using value_type = detail::value_of_t<E>;
    static_assert(detail::comparable<value_type, detail::operand_value_t<V, E>>(),
                  "relata: nullif() arguments must be comparable");
    using result = detail::expression_t<std::optional<detail::remove_optional_t<value_type>>, detail::operands_sources_t<E, V>>;
    return result(detail::make_node(detail::node_kind::function,
                                    {detail::node_of(x), detail::typed_operand_node<detail::remove_optional_t<value_type>>(y)},
                                    "nullif"));
}

/// `CAST(x AS <type of T>)`, read as T: `relata::cast<double>(t.milliseconds)` renders
/// `CAST("milliseconds" AS REAL)` on SQLite and `... AS DOUBLE PRECISION` on PostgreSQL.
template <class T, detail::typed_expression E>
[[nodiscard]] auto cast(const E& x) {
    static_assert(storable<T>, "relata: cast<T>() needs a type relata can store");
    using result = detail::expression_t<detail::nullable_like_t<T, detail::value_of_t<E>>, detail::sources_of_t<E>>;
    auto n = detail::make_node(detail::node_kind::cast, {detail::node_of(x)});
    n->type = detail::sql_type_of<detail::remove_optional_t<T>>();
    n->has_type = true;
    return result(std::move(n));
}

/// A CASE expression, built with `relata::case_when(condition, result)` and completed with
/// `.when(condition, result)` and `.otherwise(result)` (ELSE). Without `otherwise` the value is
/// optional (NULL when no branch matches).
/// @code
/// relata::case_when(t.milliseconds > 300000, "long").when(t.milliseconds > 120000, "medium").otherwise("short")
/// // CASE WHEN "milliseconds" > ? THEN ? WHEN "milliseconds" > ? THEN ? ELSE ? END
/// @endcode
template <class Value, class Sources>
class case_expression;

/// The CASE expression over the models `Sources...` whose columns its conditions and results
/// use; `Value` is the results' type (see the primary template above).
template <class Value, class... Sources>
class case_expression<Value, detail::type_list<Sources...>>
    : public detail::expression_methods<case_expression<Value, detail::type_list<Sources...>>, std::optional<Value>,
                                        detail::type_list<Sources...>> {
public:
    /// Starts from the branches so far.
    explicit case_expression(detail::node_list branches) : branches_(std::move(branches)) {}

    /// Adds `WHEN condition THEN result`.
    template <detail::boolean_expression C, class R>
    [[nodiscard]] auto when(const C& condition, const R& result) const {
        static_assert(detail::assignable<Value, detail::operand_value_t<R, C>>(),
                      "relata: every case_when() result must have the first result's type");
        using sources = detail::union_t<detail::type_list<Sources...>, detail::operands_sources_t<C, R>>;
        return case_expression<Value, sources>(
            branches_.appended(detail::node_of(condition)).appended(detail::typed_operand_node<Value>(result)));
    }
    /// Adds `ELSE result` and ends the CASE; the value is optional only when `result` is.
    template <class R>
    [[nodiscard]] auto otherwise(const R& result) const {
        static_assert(detail::assignable<Value, detail::operand_value_t<R, Value>>(),
                      "relata: the otherwise() result must have the case_when() results' type");
        using value_type = detail::optional_if_t<detail::is_optional<std::remove_cvref_t<detail::operand_value_t<R, Value>>>::value, Value>;
        using sources = detail::union_t<detail::type_list<Sources...>, detail::operands_sources_t<R, R>>;
        auto n = detail::make_node(detail::node_kind::case_when, branches_.appended(detail::typed_operand_node<Value>(result)));
        n->flags = 1;
        return detail::expression_t<value_type, sources>(std::move(n));
    }
    /// The CASE without ELSE.
    [[nodiscard]] detail::node_ptr node() const { return detail::make_node(detail::node_kind::case_when, branches_); }

private:
    detail::node_list branches_;
};

namespace detail {
template <class Value, class Sources>
struct expression_traits<case_expression<Value, Sources>> {
    using value_type = std::optional<Value>;
    using sources = Sources;
    static node_ptr node(const case_expression<Value, Sources>& e) { return e.node(); }
};
}  // namespace detail

/// `CASE WHEN condition THEN result ...`: see `case_expression`.
template <detail::boolean_expression C, class R>
[[nodiscard]] auto case_when(const C& condition, const R& result) {
    using value = detail::remove_optional_t<std::conditional_t<detail::string_like<detail::operand_value_t<R, C>>, std::string,
                                                               detail::operand_value_t<R, C>>>;
    using sources = detail::operands_sources_t<C, R>;
    return case_expression<value, sources>(detail::node_list{detail::node_of(condition), detail::typed_operand_node<value>(result)});
}

/// A part of a date or time as an integer: `relata::extract(relata::date_unit::month, i.invoice_date)`.
/// SQLite: ``CAST(strftime('%%m', x) AS INTEGER)``; PostgreSQL: `CAST(FLOOR(EXTRACT(MONTH FROM x)) AS BIGINT)`.
/// `day_of_week` counts from Sunday = 0 on both engines; `quarter` is 1-4.
template <detail::typed_expression E>
[[nodiscard]] auto extract(date_unit unit, const E& time) {
    static_assert(detail::time_expression<E>, "relata: extract() needs a date or time expression");
    using result = detail::expression_t<detail::nullable_like_t<std::int64_t, detail::value_of_t<E>>, detail::sources_of_t<E>>;
    auto n = detail::make_node(detail::node_kind::date_part, {detail::node_of(time)});
    n->unit = unit;
    return result(std::move(n));
}
/// `extract(date_unit::year, x)`.
template <detail::typed_expression E>
[[nodiscard]] auto year(const E& time) {
    return extract(date_unit::year, time);
}
/// `extract(date_unit::month, x)` (1-12).
template <detail::typed_expression E>
[[nodiscard]] auto month(const E& time) {
    return extract(date_unit::month, time);
}
/// `extract(date_unit::day, x)` (day of the month, 1-31).
template <detail::typed_expression E>
[[nodiscard]] auto day(const E& time) {
    return extract(date_unit::day, time);
}

/// A date or time truncated to the start of its year, quarter, month, day, hour, minute or
/// second, of the same type. PostgreSQL: ``date_trunc('month', x)`` (a date column casts back to
/// DATE); SQLite: ``strftime('%%Y-%%m-01 00:00:00', x)`` (``'%%Y-%%m-01'`` for a date), the ISO text
/// relata stores.
/// @throws relata::error for date_unit::day_of_week or day_of_year.
template <detail::typed_expression E>
[[nodiscard]] auto truncate(const E& time, date_unit unit) {
    static_assert(detail::time_expression<E>, "relata: truncate() needs a date or time expression");
    if (unit == date_unit::day_of_week || unit == date_unit::day_of_year)
        throw error("truncate() takes year, quarter, month, day, hour, minute or second");
    using result = detail::expression_t<detail::value_of_t<E>, detail::sources_of_t<E>>;
    auto n = detail::make_node(detail::node_kind::date_truncate, {detail::node_of(time)});
    n->unit = unit;
    n->type = detail::time_type_of<E>();
    n->has_type = true;
    return result(std::move(n));
}

/// A date or time as text, with a strftime pattern: `%%Y` year, `%%m` month, `%%d` day, `%%H` hour
/// (00-23), `%%M` minute, `%%S` second, `%%j` day of the year, `%%` a percent sign; other text is
/// copied: `- / : . , _ T` and spaces. SQLite: ``strftime('pattern', x)``; PostgreSQL:
/// ``to_char(x, '<the same in to_char's spelling>')``, with literal text quoted so that to_char
/// does not read it as a pattern. The pattern is written into the SQL (checked to hold only
/// those characters), so the same expression in a select list and in GROUP BY is the same text.
/// @throws relata::error for any other `%` conversion (they differ between the engines) or
/// other characters.
template <detail::typed_expression E>
[[nodiscard]] auto format_time(const E& time, std::string_view pattern) {
    static_assert(detail::time_expression<E>, "relata: format_time() needs a date or time expression");
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] != '%') {
            if (!detail::format_literal_character(pattern[i]))
                throw error(detail::format("format_time(): \"{}\" holds '{}'; besides conversions a pattern may hold only "
                                           "- / : . , _ T and spaces",
                                           pattern, pattern[i]));
            continue;
        }
        if (i + 1 >= pattern.size() || (pattern[i + 1] != '%' && detail::to_char_spelling(pattern[i + 1]).empty()))
            throw error(detail::format("format_time(): unsupported conversion in \"{}\"; use %Y %m %d %H %M %S %j or %%",
                                       pattern));
        ++i;
    }
    using result = detail::expression_t<detail::nullable_like_t<std::string, detail::value_of_t<E>>, detail::sources_of_t<E>>;
    auto n = detail::make_node(detail::node_kind::date_format, {detail::node_of(time), detail::make_parameter(std::string(pattern))});
    return result(std::move(n));
}

}  // namespace relata
