#pragma once
/// @file
/// Aggregates and window functions with the C++ types they read into:
/// `count()` and `count(x)` / `count_distinct(x)` are `std::int64_t`; `sum` of integers is
/// `std::optional<std::int64_t>`, of floating point `std::optional<double>`; `avg` is
/// `std::optional<double>`; `min`/`max` are `std::optional` of the argument's type — NULL over no
/// rows. (PostgreSQL's SUM(bigint) is NUMERIC; relata reads an exact integer from it, and a
/// fraction is a `relata::mapping_error`.)
///
/// Window functions: `row_number()`, `rank()`, `dense_rank()` and every aggregate take
/// `.over(relata::partition_by(...), relata::order_by(...))` (SQLite >= 3.25, PostgreSQL):
/// @code
/// relata::row_number().over(relata::partition_by(t.genre_id), relata::order_by(t.milliseconds.desc()))
/// // row_number() OVER (PARTITION BY "genre_id" ORDER BY "milliseconds" DESC)
/// @endcode

#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "relata/query/expression.hpp"

namespace relata {

/// `PARTITION BY a, b` of a window (see `aggregate::over`).
template <class Sources>
struct partition_clause {
    /// The partitioning expressions.
    std::vector<detail::node_ptr> expressions;
};

/// `ORDER BY ...` of a window (see `aggregate::over`).
template <class Sources>
struct window_order_clause {
    /// The ordering items.
    std::vector<detail::ordering_item> items;
};

/// `PARTITION BY e1, e2, ...` for a window.
template <detail::typed_expression... E>
[[nodiscard]] partition_clause<detail::sources_union_t<E...>> partition_by(const E&... expressions) {
    return {{detail::node_of(expressions)...}};
}

namespace detail {
template <class T>
struct order_term_sources;
template <class... Sources>
struct order_term_sources<order_term<Sources...>> {
    using type = type_list<Sources...>;
};
template <class T>
using ordering_sources_t = typename std::conditional_t<typed_expression<T>, sources_or_none<T>, order_term_sources<T>>::type;

template <class T>
ordering_item to_ordering_item(const T& term) {
    if constexpr (typed_expression<T>) return {node_of(term), false, nulls_order::engine_default};
    else return term.item;
}
}  // namespace detail

/// `ORDER BY ...` for a window: expressions (ascending) or `.asc()`/`.desc()` terms.
template <class... Terms>
[[nodiscard]] auto order_by(const Terms&... terms) {
    return window_order_clause<detail::union_all_t<detail::ordering_sources_t<Terms>...>>{
        {detail::to_ordering_item(terms)...}};
}

namespace detail {

template <class Value, class Sources, class Partition, class Order>
auto make_window(node_ptr function, const partition_clause<Partition>* partition, const window_order_clause<Order>* order) {
    auto window = std::make_shared<window_data>();
    if (partition) window->partition = partition->expressions;
    if (order) window->order = order->items;
    auto n = make_node(node_kind::window, {std::move(function)});
    for (const node_ptr& p : window->partition) n->has_subquery = n->has_subquery || p->has_subquery;
    n->window = std::move(window);
    return expression_t<Value, union_t<union_t<Sources, Partition>, Order>>(std::move(n));
}

/// The `over(...)` overloads shared by aggregates and the ranking functions.
template <class Derived, class Value, class Sources>
class windowed {
public:
    /// `f(...) OVER ()`: over the whole result.
    [[nodiscard]] auto over() const {
        return make_window<Value, Sources, type_list<>, type_list<>>(function_node(), nullptr, nullptr);
    }
    /// `f(...) OVER (PARTITION BY ...)`.
    template <class P>
    [[nodiscard]] auto over(const partition_clause<P>& partition) const {
        return make_window<Value, Sources, P, type_list<>>(function_node(), &partition, nullptr);
    }
    /// `f(...) OVER (ORDER BY ...)`.
    template <class O>
    [[nodiscard]] auto over(const window_order_clause<O>& order) const {
        return make_window<Value, Sources, type_list<>, O>(function_node(), nullptr, &order);
    }
    /// `f(...) OVER (PARTITION BY ... ORDER BY ...)`.
    template <class P, class O>
    [[nodiscard]] auto over(const partition_clause<P>& partition, const window_order_clause<O>& order) const {
        return make_window<Value, Sources, P, O>(function_node(), &partition, &order);
    }

private:
    node_ptr function_node() const { return static_cast<const Derived&>(*this).function(); }
};

}  // namespace detail

/// An aggregate (`COUNT`, `SUM`, ...): an expression usable in a select list and HAVING, and
/// with `.over(...)` a window function.
template <class Value, class... Sources>
class aggregate : public expression<Value, Sources...>,
                  public detail::windowed<aggregate<Value, Sources...>, Value, detail::type_list<Sources...>> {
public:
    /// Wraps the aggregate's node.
    explicit aggregate(detail::node_ptr node) : expression<Value, Sources...>(std::move(node)) {}
    /// The aggregate call, for `over`.
    [[nodiscard]] detail::node_ptr function() const { return this->node(); }
};

namespace detail {
template <class Value, class... Sources>
struct expression_traits<aggregate<Value, Sources...>> : expression_traits<expression<Value, Sources...>> {};

template <class Value, class List>
struct aggregate_from;
template <class Value, class... Sources>
struct aggregate_from<Value, type_list<Sources...>> {
    using type = aggregate<Value, Sources...>;
};
template <class Value, class List>
using aggregate_t = typename aggregate_from<Value, List>::type;

template <class Value, class E>
auto aggregate_call(std::string_view name, const E& argument, bool distinct = false) {
    return aggregate_t<Value, sources_of_t<E>>(
        make_node(distinct ? node_kind::function_distinct : node_kind::function, {node_of(argument)}, name));
}
}  // namespace detail

/// `COUNT(*)`: the number of rows (of the group).
[[nodiscard]] inline aggregate<std::int64_t> count() {
    return aggregate<std::int64_t>(detail::make_node(detail::node_kind::count_all));
}
/// `COUNT(x)`: the number of rows where x is not NULL.
template <detail::typed_expression E>
[[nodiscard]] auto count(const E& x) {
    return detail::aggregate_call<std::int64_t>("COUNT", x);
}
/// `COUNT(DISTINCT x)`: the number of distinct non-NULL values.
template <detail::typed_expression E>
[[nodiscard]] auto count_distinct(const E& x) {
    return detail::aggregate_call<std::int64_t>("COUNT", x, true);
}
/// `SUM(x)`: `std::optional<std::int64_t>` for integers, `std::optional<double>` otherwise;
/// empty over no rows.
template <detail::typed_expression E>
[[nodiscard]] auto sum(const E& x) {
    using v = detail::remove_optional_t<detail::value_of_t<E>>;
    static_assert(detail::is_number<v>, "relata: sum() needs a number");
    return detail::aggregate_call<std::optional<std::conditional_t<std::is_integral_v<v>, std::int64_t, double>>>("SUM", x);
}
/// `AVG(x)` as `std::optional<double>` (empty over no rows).
template <detail::typed_expression E>
[[nodiscard]] auto avg(const E& x) {
    static_assert(detail::is_number<detail::remove_optional_t<detail::value_of_t<E>>>, "relata: avg() needs a number");
    return detail::aggregate_call<std::optional<double>>("AVG", x);
}
/// `MIN(x)` as `std::optional` of x's type (empty over no rows).
template <detail::typed_expression E>
[[nodiscard]] auto min(const E& x) {
    return detail::aggregate_call<std::optional<detail::remove_optional_t<detail::value_of_t<E>>>>("MIN", x);
}
/// `MAX(x)` as `std::optional` of x's type (empty over no rows).
template <detail::typed_expression E>
[[nodiscard]] auto max(const E& x) {
    return detail::aggregate_call<std::optional<detail::remove_optional_t<detail::value_of_t<E>>>>("MAX", x);
}

/// A ranking window function; it becomes an expression with `.over(...)`.
class ranking_function : public detail::windowed<ranking_function, std::int64_t, detail::type_list<>> {
public:
    /// `name()`, e.g. `row_number()`.
    explicit ranking_function(std::string_view name) : name_(name) {}
    /// The function call, for `over`.
    [[nodiscard]] detail::node_ptr function() const { return detail::make_node(detail::node_kind::function, {}, name_); }

private:
    std::string_view name_;
};

/// `row_number()`: 1, 2, 3, ... within each partition, in the window's order.
[[nodiscard]] inline ranking_function row_number() { return ranking_function("row_number"); }
/// `rank()`: rank with gaps after ties (1, 1, 3).
[[nodiscard]] inline ranking_function rank() { return ranking_function("rank"); }
/// `dense_rank()`: rank without gaps (1, 1, 2).
[[nodiscard]] inline ranking_function dense_rank() { return ranking_function("dense_rank"); }

}  // namespace relata
