#pragma once
/// @file
/// Typed SQL expressions. Every expression knows, at compile time, its C++ value type and the
/// set of sources (models or aliases) whose columns it uses:
/// - `relata::column<Source, Name>`: one per mapped member, reached through `relata::columns<Post>`
///   (`constexpr auto p = relata::columns<Post>; p.votes`);
/// - `relata::expression<Value, Sources...>`: anything built from columns, values, operators and
///   functions; `relata::condition<Sources...>` is `expression<bool, Sources...>`;
/// - `relata::order_term<Sources...>`: an ORDER BY item (`p.votes.desc().nulls_last()`).
///
/// Ill-typed expressions do not compile and say why with a `relata: ...` message: an integer
/// column compared with a string, `like()` on a number, arithmetic on text. A query accepts an
/// expression only when every source it uses is in the query's FROM/JOIN list.
///
/// Operators render as SQL: `== != < <= > >=` (`=`, `<>`, ...), `&& || !` (AND, OR, NOT),
/// `+ - * / %` on numbers, `+` on text (`||`), unary `-`. Every value becomes a bound parameter.

#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "relata/detail/format.hpp"
#include "relata/detail/range.hpp"
#include "relata/detail/reflection.hpp"
#include "relata/error.hpp"
#include "relata/query/like.hpp"
#include "relata/query/node.hpp"
#include "relata/query/source.hpp"
#include "relata/types.hpp"

namespace relata {

template <class Value, class... Sources>
class expression;

/// A boolean expression (a WHERE, HAVING or ON predicate) over columns of `Sources`.
/// Default-constructed, it is empty and matches every row, so filters compose at run time:
/// @code
/// relata::condition<Customer> filter;
/// if (country) filter = filter && c.country == *country;
/// if (min_id)  filter = filter && c.id >= *min_id;
/// auto query = relata::select<Customer>().where(filter);   // no WHERE when both are unset
/// @endcode
/// `filter && x` in a loop builds one flat AND node (each step O(1)); rendering and destroying
/// conditions of a million terms is safe.
template <class... Sources>
using condition = expression<bool, Sources...>;

template <query_source Source, detail::fixed_string Name>
struct column;

template <class Expression, detail::fixed_string Label>
struct named;

/// One ORDER BY item over columns of `Sources`: an expression, its direction and where NULLs
/// go. Made by `.asc()` / `.desc()` of any expression, or by passing an expression to
/// `order_by` (ascending).
template <class... Sources>
struct order_term {
    /// The untyped item (expression, direction, NULL placement).
    detail::ordering_item item;

    /// `... NULLS FIRST` (SQLite since 3.30, PostgreSQL). Without it, the engines differ: SQLite
    /// puts NULLs first in ascending order, PostgreSQL last.
    [[nodiscard]] order_term nulls_first() const {
        order_term copy = *this;
        copy.item.nulls = detail::nulls_order::first;
        return copy;
    }
    /// `... NULLS LAST` (SQLite since 3.30, PostgreSQL).
    [[nodiscard]] order_term nulls_last() const {
        order_term copy = *this;
        copy.item.nulls = detail::nulls_order::last;
        return copy;
    }
};

namespace detail {

/// What a typed expression is: its value type, its sources and its node. Specialized for
/// `expression`, `column`, `named` and single-column SELECTs (scalar subqueries).
template <class E>
struct expression_traits {};

template <class E>
concept typed_expression = requires { typename expression_traits<std::remove_cvref_t<E>>::value_type; };

template <class E>
using value_of_t = typename expression_traits<std::remove_cvref_t<E>>::value_type;

template <class E>
using sources_of_t = typename expression_traits<std::remove_cvref_t<E>>::sources;

template <class E>
node_ptr node_of(const E& e) {
    return expression_traits<std::remove_cvref_t<E>>::node(e);
}

template <class Value, class List>
struct expression_from;
template <class Value, class... Sources>
struct expression_from<Value, type_list<Sources...>> {
    using type = expression<Value, Sources...>;
};
/// `expression<Value, Sources...>` for a type_list of sources.
template <class Value, class List>
using expression_t = typename expression_from<Value, List>::type;

template <class List>
struct order_term_from;
template <class... Sources>
struct order_term_from<type_list<Sources...>> {
    using type = order_term<Sources...>;
};
template <class List>
using order_term_t = typename order_term_from<List>::type;

template <class T>
using remove_optional_t = typename unwrap_optional<std::remove_cvref_t<T>>::type;

template <class T>
concept string_like = std::is_convertible_v<const T&, std::string_view>;

template <class T>
inline constexpr bool is_sys_time = false;
template <class D>
inline constexpr bool is_sys_time<std::chrono::sys_time<D>> = true;

template <class T>
inline constexpr bool is_number = std::is_arithmetic_v<T> && !std::is_same_v<T, bool>;

template <bool Nullable, class T>
using optional_if_t = std::conditional_t<Nullable, std::optional<T>, T>;

/// `std::optional<T>` (once) when any of `Vs` is optional, else T.
template <class T, class... Vs>
using nullable_like_t = optional_if_t<(is_optional<std::remove_cvref_t<Vs>>::value || ...), remove_optional_t<T>>;

/// Whether a column holding Column values may be compared with a Value. An integer column takes
/// integral values only: PostgreSQL infers an integer parameter from the column, so a
/// fractional value would fail there at run time (and compare differently on SQLite).
template <class Column, class Value>
constexpr bool comparable() {
    using C = remove_optional_t<Column>;
    using V = remove_optional_t<Value>;
    if constexpr (std::is_same_v<C, bool>) return std::is_same_v<V, bool>;
    else if constexpr (std::is_integral_v<C>) return std::is_integral_v<V> && !std::is_same_v<V, bool>;
    else if constexpr (std::is_arithmetic_v<C>) return is_number<V>;
    else if constexpr (std::is_same_v<C, std::string>) return string_like<V>;
    else if constexpr (is_sys_time<C>) return is_sys_time<V>;
    else if constexpr (std::is_same_v<C, std::chrono::year_month_day>) return std::is_same_v<V, C> || std::is_same_v<V, date>;
    else return std::is_same_v<C, V>;
}

/// Whether an expression of type Value may be read into (or assigned to) a member of type
/// Member: the same kind of value (integers into integers, numbers into floating point, text
/// into text, time points into time points), nullability aside — NULL into a non-optional
/// member is a run-time `relata::mapping_error`.
template <class Member, class Value>
constexpr bool assignable() {
    using M = remove_optional_t<Member>;
    using V = remove_optional_t<Value>;
    if constexpr (std::is_same_v<M, V>) return true;
    else if constexpr (std::is_same_v<M, bool> || std::is_same_v<V, bool>) return false;
    else if constexpr (std::is_integral_v<M>) return std::is_integral_v<V>;
    else if constexpr (std::is_floating_point_v<M>) return is_number<V>;
    else if constexpr (std::is_same_v<M, std::string>) return string_like<V>;
    else if constexpr (is_sys_time<M>) return is_sys_time<V>;
    else return std::is_convertible_v<V, M>;
}

template <class Column, class Value>
relata::value comparison_value_unchecked(const Value& v) {
    using V = std::remove_cvref_t<Value>;
    if constexpr (is_optional<V>::value) {
        if (!v) return std::monostate{};
        return comparison_value_unchecked<Column>(*v);
    } else if constexpr (std::is_same_v<remove_optional_t<Column>, std::string>) {
        if constexpr (std::is_pointer_v<V>) {
            if (v == nullptr) return std::monostate{};  // a null `const char*` is NULL; its string_view is undefined
        }
        return std::string(std::string_view(v));
    } else if constexpr (std::is_same_v<V, date> && (std::is_same_v<remove_optional_t<Column>, date> ||
                                                       std::is_same_v<remove_optional_t<Column>, std::chrono::year_month_day>)) {
        return date(v);  // a date, not a timestamp: SQLite compares '2024-01-02', not '2024-01-02 00:00:00'
    } else if constexpr (is_sys_time<V>) {
        return timestamp(std::chrono::time_point_cast<std::chrono::microseconds>(v));
    } else if constexpr (storable<V>) {
        return to_value(v);
    } else {
        return to_value(static_cast<remove_optional_t<Column>>(v));
    }
}

/// The parameter for `value` used beside an expression of type Column.
/// @throws relata::mapping_error when the value cannot be stored (e.g. uint64 above INT64_MAX).
template <class Column, class Value>
relata::value comparison_value(const Value& v) {
    try {
        return comparison_value_unchecked<Column>(v);
    } catch (const conversion_error& e) {
        throw mapping_error("cannot use the value in a condition: " + e.reason());
    }
}

/// The node of `operand`: its own for an expression, else a parameter converted as for a
/// comparison with an expression of type Column.
template <class Column, class Operand>
node_ptr operand_node(const Operand& operand) {
    if constexpr (typed_expression<Operand>) return node_of(operand);
    else return make_parameter(comparison_value<Column>(operand));
}

/// A value standing where the server cannot infer its type (beside another value, in a select
/// list, in arithmetic): a parameter cast to its own type on PostgreSQL.
template <class Column, class Operand>
node_ptr typed_operand_node(const Operand& operand) {
    if constexpr (typed_expression<Operand>) {
        return node_of(operand);
    } else {
        using stored = std::conditional_t<string_like<Operand> && !std::is_same_v<std::remove_cvref_t<Operand>, std::nullptr_t>,
                                          std::string, remove_optional_t<Operand>>;
        if constexpr (storable<stored>)
            return make_typed_parameter(comparison_value<Column>(operand), sql_type_of<stored>());
        else
            return make_parameter(comparison_value<Column>(operand));
    }
}

/// The cached node of one column (columns are used in every query; no allocation per use).
template <class Source, std::size_t Index>
const node_ptr& column_node() {
    static const node_ptr node = make_column(&source_info_of<Source>, Index);
    return node;
}

template <class Source, std::size_t Index>
const node_ptr& all_columns_node() {
    static const node_ptr node = [] {
        auto n = std::make_shared<detail::node>();
        n->kind = node_kind::all_columns;
        n->source = &source_info_of<Source>;
        return node_ptr(std::move(n));
    }();
    return node;
}

template <class Derived, class Value, class Sources>
class expression_methods;

template <class Q>
struct subquery_traits {
    static constexpr bool is_select = false;
    static constexpr bool single_column = false;
};

}  // namespace detail

/// A named expression in a select list: `count().as<"orders">()` renders `COUNT(*) AS "orders"`
/// and fills the member `orders` of a struct the query selects into.
template <class Expression, detail::fixed_string Label>
struct named {
    /// The expression.
    Expression expression;
    /// The label.
    static constexpr std::string_view label = Label.view();

    /// ORDER BY the named expression ascending (in a UNION/INTERSECT/EXCEPT, by its position).
    [[nodiscard]] auto asc() const { return expression.asc(); }
    /// ORDER BY the named expression descending (in a UNION/INTERSECT/EXCEPT, by its position).
    [[nodiscard]] auto desc() const { return expression.desc(); }
};

namespace detail {

/// Methods every typed expression has (columns, expressions, aggregates), written once.
template <class Derived, class Value, class Sources>
class expression_methods {
public:
    /// ORDER BY this expression ascending: `"votes" ASC`.
    [[nodiscard]] order_term_t<Sources> asc() const { return {{self_node(), false, nulls_order::engine_default}}; }
    /// ORDER BY this expression descending: `"votes" DESC`.
    [[nodiscard]] order_term_t<Sources> desc() const { return {{self_node(), true, nulls_order::engine_default}}; }

    /// Names the expression in a select list: `AS "label"`; projecting into a struct, the
    /// member of that name receives it.
    template <fixed_string Label>
    [[nodiscard]] named<Derived, Label> as() const {
        return {static_cast<const Derived&>(*this)};
    }

    /// The same expression, read as `std::optional`: for an expression over the optional side of
    /// an outer join (its plain columns read as `std::optional` already), or any other that
    /// may be NULL.
    [[nodiscard]] expression_t<std::optional<remove_optional_t<Value>>, Sources> nullable() const {
        return expression_t<std::optional<remove_optional_t<Value>>, Sources>(self_node());
    }

    /// `x IS NULL`.
    [[nodiscard]] expression_t<bool, Sources> is_null() const {
        return expression_t<bool, Sources>(make_node(node_kind::is_null, {self_node()}));
    }
    /// `x IS NOT NULL`.
    [[nodiscard]] expression_t<bool, Sources> is_not_null() const {
        return expression_t<bool, Sources>(make_node(node_kind::is_not_null, {self_node()}));
    }

    /// `"title" LIKE ?` — text matched against a pattern: `%` matches any run of characters, `_`
    /// one character, and every other character itself, backslash included, on both engines.
    /// PostgreSQL's LIKE treats `\` as an escape character unless told otherwise (manual 9.7.1),
    /// SQLite's has none (lang_expr, "The LIKE, GLOB, REGEXP ... Operators"), so PostgreSQL gets
    /// ``ESCAPE ''``, which turns it off. To match `%` or `_` literally use `like(pattern, escape)`
    /// with relata::escape_like, or `contains`, `starts_with`, `ends_with`. Case sensitivity
    /// follows the engine: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
    /// @code
    /// p.title.like("C++%")
    /// // SQLite:     "title" LIKE ?     PostgreSQL: "title" LIKE $1 ESCAPE ''
    /// @endcode
    [[nodiscard]] expression_t<bool, Sources> like(std::string_view pattern) const {
        static_assert(std::is_same_v<remove_optional_t<Value>, std::string>,
                      "relata: like() needs a text (std::string) expression");
        return expression_t<bool, Sources>(
            make_node(node_kind::like, {self_node(), make_parameter(std::string(pattern))}));
    }
    /// `"title" LIKE ? ESCAPE ?` (PostgreSQL `LIKE $1 ESCAPE $2`, both bound): in `pattern`,
    /// `escape` before `%`, `_` or itself matches that character literally (the same on both
    /// engines; relata::escape_like writes such patterns).
    /// @throws relata::error when `escape` is NUL or not ASCII, or `pattern` ends with an
    /// unpaired `escape` (PostgreSQL would reject it with SQLSTATE 22025, SQLite match nothing).
    [[nodiscard]] expression_t<bool, Sources> like(std::string_view pattern, char escape) const {
        static_assert(std::is_same_v<remove_optional_t<Value>, std::string>,
                      "relata: like() needs a text (std::string) expression");
        if (escape == '\0' || static_cast<unsigned char>(escape) >= 0x80)
            throw error("the escape character of like() must be an ASCII character other than NUL");
        for (std::size_t i = 0; i < pattern.size(); ++i) {
            if (pattern[i] != escape) continue;
            if (++i == pattern.size())
                throw error(detail::format("the LIKE pattern ends with its escape character '{}' (escape it as '{}{}')",
                                           escape, escape, escape));
        }
        return expression_t<bool, Sources>(make_node(node_kind::like_escape,
                                                     {self_node(), make_parameter(std::string(pattern)),
                                                      make_parameter(std::string(1, escape))}));
    }
    /// @name Literal text matching
    /// True when the text contains, starts with or ends with `text`, every character of which
    /// (`%`, `_` and `\` included) is matched literally: ``like("%" + escape_like(text) + "%", '\\')``
    /// and so on, the pattern and the escape character bound as parameters, never spliced.
    /// Case sensitivity follows the engine, as for like().
    /// @code
    /// p.title.contains("100%")        // binds "%100\\%%" and "\\"
    /// // SQLite:     "title" LIKE ? ESCAPE ?     PostgreSQL: "title" LIKE $1 ESCAPE $2
    /// @endcode
    /// @{
    [[nodiscard]] expression_t<bool, Sources> contains(std::string_view text) const {
        static_assert(std::is_same_v<remove_optional_t<Value>, std::string>,
                      "relata: contains() needs a text (std::string) expression");
        return like(std::string("%").append(escape_like(text)).append("%"), '\\');
    }
    [[nodiscard]] expression_t<bool, Sources> starts_with(std::string_view text) const {
        static_assert(std::is_same_v<remove_optional_t<Value>, std::string>,
                      "relata: starts_with() needs a text (std::string) expression");
        return like(escape_like(text).append("%"), '\\');
    }
    [[nodiscard]] expression_t<bool, Sources> ends_with(std::string_view text) const {
        static_assert(std::is_same_v<remove_optional_t<Value>, std::string>,
                      "relata: ends_with() needs a text (std::string) expression");
        return like(std::string("%").append(escape_like(text)), '\\');
    }
    /// @}

    /// `"id" IN (?, ?, ?)` for the values of a range. An empty range matches no row (`1 = 0`).
    /// The list is padded by repeating its last value up to a few fixed lengths (powers of two
    /// to 1,024, then multiples of 1,024 to 16,384; `detail::in_list_shape`): three values
    /// render `IN (?, ?, ?, ?)` (PostgreSQL `IN ($1, $2, $3, $4)`) binding 1, 2, 3, 3, so lists
    /// of many lengths share a few prepared statements. The same holds for `not_in`.
    template <detail::input_range Range>
        requires(!subquery_traits<Range>::is_select)
    [[nodiscard]] expression_t<bool, Sources> in(const Range& values) const {
        return in_values(values, node_kind::in_list);
    }
    /// `"id" IN (?, ?, ?)` for a braced list: `p.id.in({1, 2, 3})`.
    template <class V>
    [[nodiscard]] expression_t<bool, Sources> in(std::initializer_list<V> values) const {
        return in_values(std::vector<V>(values), node_kind::in_list);
    }
    /// `"id" NOT IN (?, ?, ?)`. An empty range matches every row.
    template <detail::input_range Range>
        requires(!subquery_traits<Range>::is_select)
    [[nodiscard]] expression_t<bool, Sources> not_in(const Range& values) const {
        return in_values(values, node_kind::not_in_list);
    }
    /// `"id" NOT IN (?, ?, ?)` for a braced list.
    template <class V>
    [[nodiscard]] expression_t<bool, Sources> not_in(std::initializer_list<V> values) const {
        return in_values(std::vector<V>(values), node_kind::not_in_list);
    }
    /// `"id" IN (SELECT ...)`: `subquery` selects one column of a comparable type; it may be
    /// correlated with this query's sources.
    template <class Query>
        requires subquery_traits<Query>::is_select
    [[nodiscard]] expression_t<bool, union_t<Sources, typename subquery_traits<Query>::outer>> in(const Query& subquery) const {
        return in_query(subquery, node_kind::in_subquery);
    }
    /// `"id" NOT IN (SELECT ...)` (beware: a NULL in the subquery's result makes it match nothing).
    template <class Query>
        requires subquery_traits<Query>::is_select
    [[nodiscard]] expression_t<bool, union_t<Sources, typename subquery_traits<Query>::outer>> not_in(const Query& subquery) const {
        return in_query(subquery, node_kind::not_in_subquery);
    }

    /// `"votes" BETWEEN ? AND ?` (both ends included).
    template <class Low, class High>
    [[nodiscard]] expression_t<bool, Sources> between(const Low& low, const High& high) const {
        static_assert(comparable<Value, Low>() && comparable<Value, High>(),
                      "relata: between() bounds must have a type comparable with the expression's type");
        return expression_t<bool, Sources>(make_node(
            node_kind::between, {self_node(), operand_node<Value>(low), operand_node<Value>(high)}));
    }

private:
    node_ptr self_node() const { return node_of(static_cast<const Derived&>(*this)); }

    template <class Range>
    expression_t<bool, Sources> in_values(const Range& values, node_kind kind) const {
        using element = detail::range_value_t<Range>;
        static_assert(comparable<Value, element>(),
                      "relata: in() values must have a type comparable with the expression's type");
        node_list children{self_node()};
        for (const auto& v : values) children = children.appended(make_parameter(comparison_value<Value>(v)));
        if (children.size() == 1)
            return expression_t<bool, Sources>(make_node(kind == node_kind::in_list ? node_kind::always_false
                                                                                     : node_kind::always_true));
        return expression_t<bool, Sources>(make_node(kind, std::move(children)));
    }

    template <class Query>
    auto in_query(const Query& subquery, node_kind kind) const {
        static_assert(subquery_traits<Query>::single_column,
                      "relata: in(subquery) needs a subquery that selects exactly one column");
        static_assert(comparable<Value, typename subquery_traits<Query>::value_type>() ||
                          comparable<typename subquery_traits<Query>::value_type, Value>(),
                      "relata: in(subquery): the subquery's column type cannot be compared with the expression's type");
        auto n = make_node(kind, {self_node()});
        n->subquery = subquery_traits<Query>::data(subquery);
        n->has_subquery = true;
        return expression_t<bool, union_t<Sources, typename subquery_traits<Query>::outer>>(std::move(n));
    }
};

}  // namespace detail

/// A typed SQL expression yielding `Value`, using columns of `Sources` (models or aliases).
/// Built by operators and functions from columns and values; immutable, cheap to copy (the
/// tree is shared). See the file comment for the operators.
template <class Value, class... Sources>
class expression : public detail::expression_methods<expression<Value, Sources...>, Value, detail::type_list<Sources...>> {
public:
    /// The C++ type the expression reads into (`std::optional` when it may be NULL).
    using value_type = Value;
    /// The sources whose columns it uses.
    using sources = detail::type_list<Sources...>;

    /// An empty expression. As a condition it matches every row (no WHERE).
    expression() = default;
    /// Wraps a node (used by operators and functions).
    explicit expression(detail::node_ptr node) noexcept : node_(std::move(node)) {}
    /// An expression over fewer sources widens to one over more (e.g. `condition<Post>` into
    /// `condition<Post, Author>`), in any order of the sources.
    template <class... Other>
        requires(detail::subset_v<detail::type_list<Other...>, detail::type_list<Sources...>> &&
                 !std::is_same_v<detail::type_list<Other...>, detail::type_list<Sources...>>)
    expression(const expression<Value, Other...>& narrower) : node_(narrower.node()) {}  // NOLINT: implicit on purpose

    /// A condition that matches no row (`1 = 0`): the neutral start for OR-building in a loop,
    /// `auto any = condition<T>::none(); for (...) any = any || c.name == n;`.
    [[nodiscard]] static expression none()
        requires std::is_same_v<Value, bool>
    {
        return expression(detail::make_node(detail::node_kind::always_false));
    }

    /// True when nothing was added (an empty condition).
    [[nodiscard]] bool empty() const noexcept { return node_ == nullptr; }
    /// The expression tree (null when empty).
    [[nodiscard]] const detail::node_ptr& node() const noexcept { return node_; }

private:
    detail::node_ptr node_;
};

namespace detail {
template <class Value, class... Sources>
struct expression_traits<expression<Value, Sources...>> {
    using value_type = Value;
    using sources = type_list<Sources...>;
    static const node_ptr& node(const expression<Value, Sources...>& e) {
        if (!e.node())
            throw error("an empty expression was used where a value is needed (an empty condition can only be "
                        "combined with && and ||, or passed to where())");
        return e.node();
    }
};
template <class E, fixed_string Label>
struct expression_traits<named<E, Label>> {
    using value_type = value_of_t<E>;
    using sources = sources_of_t<E>;
    static node_ptr node(const named<E, Label>& e) { return node_of(e.expression); }
};
}  // namespace detail

/// A typed column of `Source` (a model, or a `relata::alias` of one): the member called `Name`.
/// Obtained as a member of `relata::columns<Source>` (`constexpr auto p = relata::columns<Post>;
/// p.votes`). Renders `"votes"`, or `"post"."votes"` in queries over several sources.
template <query_source Source, detail::fixed_string Name>
struct column
    : detail::expression_methods<
          column<Source, Name>,
          detail::field_type<detail::source_model_t<Source>, detail::index_of_name<detail::source_model_t<Source>>(Name.view())>,
          detail::type_list<Source>> {
    /// The model the column belongs to.
    using model_type = detail::source_model_t<Source>;
    /// The source (the model, or an alias of it).
    using source_type = Source;
    /// Index of the member in RELATA_MODEL's list.
    static constexpr std::size_t index = detail::index_of_name<model_type>(Name.view());
    static_assert(index != detail::npos, "relata: no member of this name is listed in RELATA_MODEL");
    /// The member's C++ type (e.g. `int`, `std::optional<std::string>`).
    using value_type = detail::field_type<model_type, index>;
    /// The one source it uses.
    using sources = detail::type_list<Source>;
    /// The member's C++ name.
    static constexpr std::string_view name = Name.view();

    /// The expression node for this column (cached).
    [[nodiscard]] const detail::node_ptr& node() const { return detail::column_node<Source, index>(); }
};

namespace detail {
template <class Source, fixed_string Name>
struct expression_traits<column<Source, Name>> {
    using value_type = typename column<Source, Name>::value_type;
    using sources = type_list<Source>;
    static const node_ptr& node(const column<Source, Name>& c) { return c.node(); }
};

template <class T>
inline constexpr bool is_column = false;
template <class Source, fixed_string Name>
inline constexpr bool is_column<column<Source, Name>> = true;

template <class L, class R>
concept expression_operands = typed_expression<L> || typed_expression<R>;

template <class E>
concept boolean_expression = typed_expression<E> && std::is_same_v<remove_optional_t<value_of_t<E>>, bool>;

/// Mirrors an operator for `value op expression`.
constexpr std::string_view mirrored(std::string_view op) {
    if (op == "<") return ">";
    if (op == ">") return "<";
    if (op == "<=") return ">=";
    if (op == ">=") return "<=";
    return op;
}

template <class E, class V>
auto compare_with_value(const E& e, std::string_view op, const V& v) {
    using result = expression_t<bool, sources_of_t<E>>;
    using column_type = value_of_t<E>;
    if constexpr (std::is_same_v<std::remove_cvref_t<V>, std::nullopt_t>) {
        static_assert(is_nullable<column_type>,
                      "relata: only an std::optional column can be compared with std::nullopt");
        if (op != "=" && op != "<>") throw error("std::nullopt can only be compared with == or !=");
        return result(make_node(op == "=" ? node_kind::is_null : node_kind::is_not_null, {node_of(e)}));
    } else {
        static_assert(comparable<column_type, V>(),
                      "relata: the value's type cannot be compared with the column's type "
                      "(e.g. an integer column with a string or a floating-point value)");
        value parameter = comparison_value<column_type>(v);
        // `= NULL` is never true in SQL; an empty optional compares the way users mean it.
        if (std::holds_alternative<std::monostate>(parameter) && (op == "=" || op == "<>"))
            return result(make_node(op == "=" ? node_kind::is_null : node_kind::is_not_null, {node_of(e)}));
        return result(make_node(node_kind::binary, {node_of(e), make_parameter(std::move(parameter))}, op));
    }
}

template <class L, class R>
auto compare(const L& left, std::string_view op, const R& right) {
    if constexpr (typed_expression<L> && typed_expression<R>) {
        // Either direction: the server compares two expressions itself, so an integer column may
        // meet a floating-point one (no parameter type to infer).
        static_assert(comparable<value_of_t<L>, value_of_t<R>>() || comparable<value_of_t<R>, value_of_t<L>>(),
                      "relata: the two expressions' types cannot be compared");
        return expression_t<bool, union_t<sources_of_t<L>, sources_of_t<R>>>(
            make_node(node_kind::binary, {node_of(left), node_of(right)}, op));
    } else if constexpr (typed_expression<L>) {
        return compare_with_value(left, op, right);
    } else {
        return compare_with_value(right, mirrored(op), left);
    }
}

/// The node of a condition, or null for an empty one.
template <class E>
node_ptr condition_node(const E& e) {
    if constexpr (requires { e.empty(); }) {
        if (e.empty()) return nullptr;
    }
    return node_of(e);
}

template <class L, class R>
using combined_condition_t = expression_t<bool, union_t<sources_of_t<L>, sources_of_t<R>>>;

template <class T>
constexpr bool text_value() {
    return std::is_same_v<remove_optional_t<T>, std::string> || string_like<remove_optional_t<T>>;
}

template <class X, bool = typed_expression<X>>
struct operand_value {
    using type = std::remove_cvref_t<X>;
};
template <class X>
struct operand_value<X, true> {
    using type = value_of_t<X>;
};
/// The value type of an operand: an expression's value type, or the plain value's own type.
/// (The second parameter is unused; it keeps call sites symmetrical.)
template <class X, class Other = void>
using operand_value_t = typename operand_value<X>::type;

template <class X, bool = typed_expression<X>>
struct sources_or_none {
    using type = type_list<>;
};
template <class X>
struct sources_or_none<X, true> {
    using type = sources_of_t<X>;
};
template <class... Xs>
struct all_sources {
    using type = type_list<>;
};
template <class X, class... Xs>
struct all_sources<X, Xs...> {
    using type = union_t<typename sources_or_none<X>::type, typename all_sources<Xs...>::type>;
};
/// The union of the sources of the operands that are expressions.
template <class... Xs>
using sources_union_t = typename all_sources<Xs...>::type;

/// The value type of `l op r` for arithmetic: double when either side is floating point,
/// else a 64-bit integer; optional when either side is.
template <class L, class R>
using arithmetic_t = nullable_like_t<
    std::conditional_t<std::is_floating_point_v<remove_optional_t<operand_value_t<L, R>>> ||
                           std::is_floating_point_v<remove_optional_t<operand_value_t<R, L>>>,
                       double, std::int64_t>,
    operand_value_t<L, R>, operand_value_t<R, L>>;

template <class L, class R>
using operands_sources_t = sources_union_t<L, R>;

template <class L, class R>
auto arithmetic(const L& left, std::string_view op, const R& right) {
    using lv = remove_optional_t<operand_value_t<L, R>>;
    using rv = remove_optional_t<operand_value_t<R, L>>;
    static_assert(is_number<lv> && is_number<rv>,
                  "relata: arithmetic needs numbers on both sides (use + on two text expressions to concatenate)");
    using result = expression_t<arithmetic_t<L, R>, operands_sources_t<L, R>>;
    return result(make_node(node_kind::binary, {typed_operand_node<lv>(left), typed_operand_node<rv>(right)}, op));
}

}  // namespace detail

// Comparison operators: expression op value, value op expression, expression op expression.
// The value forms accept any type so that a mismatch reaches a readable static_assert instead
// of a list of overload candidates.

/// `a == b` renders `a = b`; with an empty optional or std::nullopt, `a IS NULL`.
/// A condition over the sources of the expression side(s); at least one side is a typed
/// expression. A C++ value becomes a bound parameter (`"votes" = ?`, PostgreSQL `$1`),
/// converted to the column's type; a type that cannot be compared with the column's (an
/// integer column with a string) does not compile (a `relata:` static_assert).
template <class L, class R>
    requires detail::expression_operands<L, R>
[[nodiscard]] auto operator==(const L& left, const R& right) {
    return detail::compare(left, "=", right);
}
/// `a != b` renders `a <> b`; with an empty optional or std::nullopt, `a IS NOT NULL`.
template <class L, class R>
    requires detail::expression_operands<L, R>
[[nodiscard]] auto operator!=(const L& left, const R& right) {
    return detail::compare(left, "<>", right);
}
/// `a < b`, the same on both engines; a C++ value on either side becomes a bound parameter
/// (`5 < p.votes` renders as `"votes" > ?`), as for `operator==`. An empty optional value
/// compares as NULL (no row matches). @throws relata::error for std::nullopt (only `==` and
/// `!=` take it).
template <class L, class R>
    requires detail::expression_operands<L, R>
[[nodiscard]] auto operator<(const L& left, const R& right) {
    return detail::compare(left, "<", right);
}
/// `a <= b`, the same on both engines; a C++ value on either side becomes a bound parameter
/// (`5 <= p.votes` renders as `"votes" >= ?`), as for `operator==`. An empty optional value
/// compares as NULL (no row matches). @throws relata::error for std::nullopt (only `==` and
/// `!=` take it).
template <class L, class R>
    requires detail::expression_operands<L, R>
[[nodiscard]] auto operator<=(const L& left, const R& right) {
    return detail::compare(left, "<=", right);
}
/// `a > b`, the same on both engines; a C++ value on either side becomes a bound parameter
/// (`5 > p.votes` renders as `"votes" < ?`), as for `operator==`. An empty optional value
/// compares as NULL (no row matches). @throws relata::error for std::nullopt (only `==` and
/// `!=` take it).
template <class L, class R>
    requires detail::expression_operands<L, R>
[[nodiscard]] auto operator>(const L& left, const R& right) {
    return detail::compare(left, ">", right);
}
/// `a >= b`, the same on both engines; a C++ value on either side becomes a bound parameter
/// (`5 >= p.votes` renders as `"votes" <= ?`), as for `operator==`. An empty optional value
/// compares as NULL (no row matches). @throws relata::error for std::nullopt (only `==` and
/// `!=` take it).
template <class L, class R>
    requires detail::expression_operands<L, R>
[[nodiscard]] auto operator>=(const L& left, const R& right) {
    return detail::compare(left, ">=", right);
}

/// `a AND b` over the union of both sides' sources; an empty side yields the other side.
/// Chains of `&&` form one flat node.
template <detail::boolean_expression L, detail::boolean_expression R>
[[nodiscard]] detail::combined_condition_t<L, R> operator&&(const L& left, const R& right) {
    using result = detail::combined_condition_t<L, R>;
    detail::node_ptr a = detail::condition_node(left);
    detail::node_ptr b = detail::condition_node(right);
    if (!a) return result(std::move(b));
    if (!b) return result(std::move(a));
    return result(detail::make_logical(detail::node_kind::logical_and, a, b));
}

/// `a OR b` over the union of both sides' sources; an empty side (which matches everything)
/// makes the result empty, and a `none()` side yields the other side. Chains of `||` form one
/// flat node.
template <detail::boolean_expression L, detail::boolean_expression R>
[[nodiscard]] detail::combined_condition_t<L, R> operator||(const L& left, const R& right) {
    using result = detail::combined_condition_t<L, R>;
    detail::node_ptr a = detail::condition_node(left);
    detail::node_ptr b = detail::condition_node(right);
    if (!a || !b) return result{};
    if (a->kind == detail::node_kind::always_false) return result(std::move(b));
    if (b->kind == detail::node_kind::always_false) return result(std::move(a));
    return result(detail::make_logical(detail::node_kind::logical_or, a, b));
}

/// `NOT (a)`; the negation of an empty condition matches no row.
template <detail::boolean_expression E>
[[nodiscard]] detail::expression_t<bool, detail::sources_of_t<E>> operator!(const E& operand) {
    using result = detail::expression_t<bool, detail::sources_of_t<E>>;
    detail::node_ptr a = detail::condition_node(operand);
    if (!a) return result(detail::make_node(detail::node_kind::always_false));
    return result(detail::make_node(detail::node_kind::logical_not, {std::move(a)}));
}

/// `a + b` on numbers; on two text expressions (or text and a string), concatenation `a || b`.
template <class L, class R>
    requires detail::expression_operands<L, R>
[[nodiscard]] auto operator+(const L& left, const R& right) {
    using lv = detail::operand_value_t<L, R>;
    using rv = detail::operand_value_t<R, L>;
    if constexpr (detail::text_value<lv>() || detail::text_value<rv>()) {
        static_assert(detail::text_value<lv>() && detail::text_value<rv>(),
                      "relata: + on text concatenates two text expressions; convert the other side with relata::cast<std::string>");
        using result = detail::expression_t<detail::nullable_like_t<std::string, lv, rv>, detail::operands_sources_t<L, R>>;
        return result(detail::make_node(detail::node_kind::binary,
                                        {detail::typed_operand_node<std::string>(left), detail::typed_operand_node<std::string>(right)},
                                        "||"));
    } else {
        return detail::arithmetic(left, "+", right);
    }
}
/// `a - b` on numbers.
template <class L, class R>
    requires detail::expression_operands<L, R>
[[nodiscard]] auto operator-(const L& left, const R& right) {
    return detail::arithmetic(left, "-", right);
}
/// `a * b` on numbers.
template <class L, class R>
    requires detail::expression_operands<L, R>
[[nodiscard]] auto operator*(const L& left, const R& right) {
    return detail::arithmetic(left, "*", right);
}
/// `a / b` on numbers: integer division when both sides are integers (both engines), and NULL
/// on SQLite / an error on PostgreSQL for a zero divisor.
template <class L, class R>
    requires detail::expression_operands<L, R>
[[nodiscard]] auto operator/(const L& left, const R& right) {
    return detail::arithmetic(left, "/", right);
}
/// `a % b` on integers.
template <class L, class R>
    requires detail::expression_operands<L, R>
[[nodiscard]] auto operator%(const L& left, const R& right) {
    static_assert(std::is_integral_v<detail::remove_optional_t<detail::operand_value_t<L, R>>> &&
                      std::is_integral_v<detail::remove_optional_t<detail::operand_value_t<R, L>>>,
                  "relata: % needs integers on both sides");
    return detail::arithmetic(left, "%", right);
}
/// `-a` on a number.
template <detail::typed_expression E>
[[nodiscard]] auto operator-(const E& operand) {
    static_assert(detail::is_number<detail::remove_optional_t<detail::value_of_t<E>>>, "relata: unary - needs a number");
    return detail::expression_t<detail::value_of_t<E>, detail::sources_of_t<E>>(
        detail::make_node(detail::node_kind::negate, {detail::node_of(operand)}));
}

/// The typed columns of a source (a model or an alias), one member per RELATA_MODEL entry with
/// the member's name: `constexpr auto p = relata::columns<Post>; p.votes > 10`.
template <query_source Source>
inline constexpr auto columns = decltype(relata_model_columns(static_cast<const detail::source_model_t<Source>*>(nullptr),
                                                              static_cast<const Source*>(nullptr))){};

}  // namespace relata
