#pragma once
/// @file
/// `relata::select`: lazy, immutable SELECT queries. Every builder call returns a new value;
/// nothing runs until a Session or a connection asks for results.
///
/// @code
/// constexpr auto p = relata::columns<Post>;
/// constexpr auto a = relata::columns<Author>;
/// relata::select<Post>().where(p.votes > 10).order_by(p.title.desc()).limit(20);   // rows: Post
/// relata::select<Post, Author>().join(p.author_id == a.id);                         // rows: tuple<Post, Author>
/// relata::select<Post, Author>().left_join(p.author_id == a.id);                    // tuple<Post, optional<Author>>
/// relata::select(a.name, relata::count(p.id)).join(p.author_id == a.id).group_by(a.name);  // tuple<string, int64_t>
/// relata::select<AuthorVotes>(a.name, relata::sum(p.votes).as<"votes">())...;      // rows: AuthorVotes
/// @endcode
///
/// A query's FROM is its first model (or the first source its select list uses; `from<T>()`
/// sets it); `join(condition)` adds the one source of the condition that is not yet in the
/// query. `where`, `order_by`, `group_by` and `having` accept expressions over the query's
/// sources only — a column of any other model does not compile. A subquery names the outer
/// query's sources it uses with `correlate<Outer...>()`.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "relata/query/aggregate.hpp"
#include "relata/query/data.hpp"
#include "relata/query/expression.hpp"
#include "relata/query/shape.hpp"
#include "relata/query/source.hpp"

namespace relata {

namespace detail {
/// `select_query<Post>` names the query `select<Post>()` makes: a source stands for the shape
/// that selects that one model.
template <class First>
struct as_shape {
    using type = First;
};
template <class First>
    requires query_source<First>
struct as_shape<First> {
    using type = model_shape<slot<First>>;
};
template <class First>
using as_shape_t = typename as_shape<First>::type;

template <class Shape>
struct canonical_shape {
    using type = Shape;
};
template <class Source>
struct canonical_shape<model_shape<slot<Source, false>>> {
    using type = Source;
};

template <class First>
struct default_from {
    using type = type_list<>;
};
template <class First>
    requires query_source<First>
struct default_from<First> {
    using type = type_list<First>;
};
}  // namespace detail

template <class First, class From = typename detail::default_from<First>::type, class Outer = detail::type_list<>>
class select_query;

namespace detail {
/// The select_query type for a shape, in its one spelling (`select_query<Post>` for one model).
template <class Shape, class From, class Outer>
using select_query_t = select_query<typename canonical_shape<Shape>::type, From, Outer>;
}  // namespace detail

template <class Shape, class Outer>
class compound_query;

template <class Shape>
class count_query;

/// A query with loading options (<relata/session/loading.hpp>), made by `select_query::load`.
template <class Query, class... Options>
class loaded_query;

/// A common table expression over the struct `Row` (`WITH "row" ("a", "b") AS (...)`), made
/// by `relata::cte<Row>(query)`; a query adds it with `with(...)` / `with_recursive(...)` and
/// selects from `Row` like from a table. Its name is Row's table name.
template <model Row>
struct common_table {
    /// The defining query.
    std::shared_ptr<const detail::select_data> query;
};

namespace detail {

template <class T>
inline constexpr bool is_select_query = false;
template <class First, class From, class Outer>
inline constexpr bool is_select_query<select_query<First, From, Outer>> = true;
template <class Shape, class Outer>
inline constexpr bool is_select_query<compound_query<Shape, Outer>> = true;

template <class Q>
struct select_query_info;
template <class First, class From, class Outer>
struct select_query_info<select_query<First, From, Outer>> {
    using shape = as_shape_t<First>;
    using outer = Outer;
};
template <class Shape, class Outer>
struct select_query_info<compound_query<Shape, Outer>> {
    using shape = Shape;
    using outer = Outer;
};

template <class Shape>
inline constexpr bool single_value_shape = false;
template <class Item>
inline constexpr bool single_value_shape<value_shape<Item>> = true;

template <class Shape>
struct single_value;
template <class Item>
struct single_value<value_shape<Item>> {
    using type = value_of_t<Item>;
};

template <class Q>
    requires is_select_query<Q>
struct subquery_traits<Q> {
    static constexpr bool is_select = true;
    static constexpr bool single_column = single_value_shape<typename select_query_info<Q>::shape>;
    using outer = typename select_query_info<Q>::outer;
    using value_type = typename single_value<typename select_query_info<Q>::shape>::type;
    static std::shared_ptr<const select_data> data(const Q& q) { return std::make_shared<select_data>(q.data()); }
};

/// A single-column SELECT is an expression: a scalar subquery, NULL when it returns no row.
template <class Q>
    requires(is_select_query<Q> && single_value_shape<typename select_query_info<Q>::shape>)
struct expression_traits<Q> {
    using value_type = std::optional<remove_optional_t<typename single_value<typename select_query_info<Q>::shape>::type>>;
    using sources = typename select_query_info<Q>::outer;
    static node_ptr node(const Q& q) {
        auto n = make_node(node_kind::scalar_subquery);
        n->subquery = std::make_shared<select_data>(q.data());
        n->has_subquery = true;
        return n;
    }
};

/// The one source of `Condition` not yet in the query: what `join(condition)` joins.
template <class Condition, class Known>
using join_candidates_t = difference_t<sources_of_t<Condition>, Known>;

}  // namespace detail

/// A SELECT whose rows read into `Shape::row_type`, with FROM/JOIN sources `From` and outer
/// sources `Outer` (a correlated subquery). Made by `relata::select`. `First` is the row shape
/// (see <relata/query/shape.hpp>), or a model for the query `select<Model>()` makes, so that
/// type can be spelled `relata::select_query<Post>`.
template <class First, class From, class Outer>
class select_query {
    using Shape = detail::as_shape_t<First>;

public:
    /// What one row reads into: a model, a tuple of models (optional after an outer join), a
    /// value, a tuple of values, or a struct.
    using row_type = typename Shape::row_type;
    /// The row shape (see <relata/query/shape.hpp>).
    using shape_type = Shape;
    /// The sources in FROM and JOIN.
    using from_sources = From;
    /// The outer query's sources this (sub)query may use (`correlate`).
    using outer_sources = Outer;
    /// Every source an expression of this query may use.
    using available_sources = detail::union_t<detail::union_t<From, Outer>, typename Shape::sources>;

    /// Wraps query data (used by `relata::select`).
    explicit select_query(detail::select_data&& data) : data_(std::move(data)) {}
    /// Copies query data.
    explicit select_query(const detail::select_data& data) : data_(data) {}

    /// Adds a WHERE predicate, ANDed with any earlier one; an empty condition adds nothing.
    /// A condition using a model that is not in the query does not compile.
    template <detail::boolean_expression Condition>
    [[nodiscard]] select_query where(const Condition& predicate) const& {
        return select_query(*this).where(predicate);
    }
    /// where() on a query that is not used again (a temporary, or `std::move(q)`): changes and
    /// returns it instead of copying it (also for the other clauses below).
    template <detail::boolean_expression Condition>
    [[nodiscard]] select_query where(const Condition& predicate) && {
        check_sources<Condition>();
        data_.where = conjoin(data_.where, detail::condition_node(predicate));
        return std::move(*this);
    }

    /// `JOIN source ON condition`: the source is the one model (or alias) the condition uses
    /// that is not yet in the query. Name it when that is ambiguous: `join<Author>(condition)`.
    template <detail::boolean_expression Condition>
    [[nodiscard]] auto join(const Condition& on) const {
        return add_join<inferred_join<Condition>, detail::type_list<>>(detail::join_kind::inner, on);
    }
    /// `JOIN Source ON condition` with the source named.
    template <query_source Source, detail::boolean_expression Condition>
    [[nodiscard]] auto join(const Condition& on) const {
        return add_join<Source, detail::type_list<>>(detail::join_kind::inner, on);
    }
    /// `LEFT JOIN source ON condition`: rows without a match keep the joined model's columns
    /// NULL, so a selected model comes back as `std::optional`.
    template <detail::boolean_expression Condition>
    [[nodiscard]] auto left_join(const Condition& on) const {
        using source = inferred_join<Condition>;
        return add_join<source, detail::type_list<source>>(detail::join_kind::left, on);
    }
    /// `LEFT JOIN Source ON condition` with the source named.
    template <query_source Source, detail::boolean_expression Condition>
    [[nodiscard]] auto left_join(const Condition& on) const {
        return add_join<Source, detail::type_list<Source>>(detail::join_kind::left, on);
    }
    /// `RIGHT JOIN source ON condition` (SQLite >= 3.39): the models already in the query
    /// become optional.
    template <detail::boolean_expression Condition>
    [[nodiscard]] auto right_join(const Condition& on) const {
        return add_join<inferred_join<Condition>, From>(detail::join_kind::right, on);
    }
    /// `FULL JOIN source ON condition` (SQLite >= 3.39): every selected model becomes optional.
    template <detail::boolean_expression Condition>
    [[nodiscard]] auto full_join(const Condition& on) const {
        using source = inferred_join<Condition>;
        return add_join<source, detail::union_t<From, detail::type_list<source>>>(detail::join_kind::full, on);
    }

    /// Sets FROM to `Source` for a query whose select list names none (`select(relata::count()).from<Post>()`),
    /// or another source than the first it names.
    template <query_source Source>
    [[nodiscard]] detail::select_query_t<Shape, detail::type_list<Source>, Outer> from() const {
        static_assert(detail::size_v<From> <= 1, "relata: from() must come before join()");
        detail::select_data copy = data_;
        copy.from = &detail::source_info_of<Source>;
        return detail::select_query_t<Shape, detail::type_list<Source>, Outer>(std::move(copy));
    }

    /// Declares outer sources this subquery uses (a correlated subquery): `select<Invoice>().correlate<Customer>()
    /// .where(i.customer_id == c.customer_id)` inside `exists(...)`. Columns of a correlated
    /// model render qualified by its table (or alias) name.
    template <query_source... Sources>
    [[nodiscard]] select_query<First, From, detail::union_t<Outer, detail::type_list<Sources...>>> correlate() const {
        return select_query<First, From, detail::union_t<Outer, detail::type_list<Sources...>>>(data_);
    }

    /// `SELECT DISTINCT`.
    [[nodiscard]] select_query distinct() const& { return select_query(*this).distinct(); }
    /// distinct() on a query that is not used again: no copy.
    [[nodiscard]] select_query distinct() && {
        data_.distinct = true;
        return std::move(*this);
    }

    /// Appends GROUP BY expressions. An expression that is also in the select list (the same
    /// object) renders as its position there (`GROUP BY 1`), so expressions with parameters
    /// group as PostgreSQL requires.
    template <detail::typed_expression... Expressions>
    [[nodiscard]] select_query group_by(const Expressions&... expressions) const& {
        return select_query(*this).group_by(expressions...);
    }
    /// group_by() on a query that is not used again: no copy.
    template <detail::typed_expression... Expressions>
    [[nodiscard]] select_query group_by(const Expressions&... expressions) && {
        (check_sources<Expressions>(), ...);
        (data_.group_by.push_back(detail::node_of(expressions)), ...);
        return std::move(*this);
    }

    /// Adds a HAVING predicate (ANDed with any earlier one), usually over aggregates:
    /// `having(relata::count() > 5)`.
    template <detail::boolean_expression Condition>
    [[nodiscard]] select_query having(const Condition& predicate) const& {
        return select_query(*this).having(predicate);
    }
    /// having() on a query that is not used again: no copy.
    template <detail::boolean_expression Condition>
    [[nodiscard]] select_query having(const Condition& predicate) && {
        check_sources<Condition>();
        data_.having = conjoin(data_.having, detail::condition_node(predicate));
        return std::move(*this);
    }

    /// Appends ORDER BY items: `order_by(p.votes.desc(), p.id)` (a bare expression sorts
    /// ascending); `.nulls_first()`/`.nulls_last()` place NULLs (SQLite sorts them first by
    /// default, PostgreSQL last).
    template <class... Terms>
    [[nodiscard]] select_query order_by(const Terms&... terms) const& {
        return select_query(*this).order_by(terms...);
    }
    /// order_by() on a query that is not used again: no copy.
    template <class... Terms>
    [[nodiscard]] select_query order_by(const Terms&... terms) && {
        (check_sources_of_list<detail::ordering_sources_t<Terms>>(), ...);
        (data_.order.push_back(detail::to_ordering_item(terms)), ...);
        return std::move(*this);
    }

    /// LIMIT: at most `count` rows (bound as a parameter).
    [[nodiscard]] select_query limit(std::int64_t count) const& { return select_query(*this).limit(count); }
    /// limit() on a query that is not used again: no copy.
    [[nodiscard]] select_query limit(std::int64_t count) && {
        data_.limit = count;
        return std::move(*this);
    }

    /// OFFSET: skip the first `count` rows (bound as a parameter).
    [[nodiscard]] select_query offset(std::int64_t count) const& { return select_query(*this).offset(count); }
    /// offset() on a query that is not used again: no copy.
    [[nodiscard]] select_query offset(std::int64_t count) && {
        data_.offset = count;
        return std::move(*this);
    }

    /// Adds a common table expression: `WITH "row" (...) AS (...) SELECT ...`.
    template <model Row>
    [[nodiscard]] select_query with(const common_table<Row>& table) const {
        select_query copy = *this;
        copy.data_.ctes.push_back({&detail::source_info_of<Row>, table.query});
        return copy;
    }
    /// Adds a recursive common table expression (`WITH RECURSIVE`), whose query is a
    /// `union_all` of a start and a part that selects from the table itself.
    template <model Row>
    [[nodiscard]] select_query with_recursive(const common_table<Row>& table) const {
        select_query copy = with(table);
        copy.data_.recursive = true;
        return copy;
    }

    /// `this UNION ALL other`: every row of both (same row type).
    template <class Other>
    [[nodiscard]] auto union_all(const Other& other) const {
        return combine(detail::set_operator::union_all, other);
    }
    /// `this UNION other`: the distinct rows of both.
    template <class Other>
    [[nodiscard]] auto union_distinct(const Other& other) const {
        return combine(detail::set_operator::union_distinct, other);
    }
    /// `this INTERSECT other`: the distinct rows in both.
    template <class Other>
    [[nodiscard]] auto intersect(const Other& other) const {
        return combine(detail::set_operator::intersect, other);
    }
    /// `this EXCEPT other`: the distinct rows of this one that are not in `other`.
    template <class Other>
    [[nodiscard]] auto except(const Other& other) const {
        return combine(detail::set_operator::except, other);
    }

    /// A query counting the rows this query would return:
    /// `SELECT COUNT(*) FROM "post" WHERE ...`, or over a subquery when it groups, is distinct
    /// or has LIMIT/OFFSET.
    [[nodiscard]] count_query<Shape> count() const {
        detail::select_data counted = data_;
        counted.count_rows = true;
        return count_query<Shape>(std::move(counted));
    }

    /// Names a single-column query used as a scalar subquery in a select list:
    /// `select(a.name, select(count()).from<Post>().correlate<Author>().where(...).as<"posts">())`.
    template <detail::fixed_string Label>
        requires detail::single_value_shape<Shape>
    [[nodiscard]] named<select_query, Label> as() const {
        return {*this};
    }

    /// Adds loading options for relationships (<relata/session/loading.hpp>, included by
    /// <relata/session.hpp>): `select<Author>().load(relata::select_in(&Post::author_id))`.
    /// They render no SQL of their own and take effect when a Session runs the query.
    template <class... Options>
    [[nodiscard]] loaded_query<select_query, Options...> load(const Options&... options) const {
        return loaded_query<select_query, Options...>(*this, std::tuple<Options...>{options...});
    }

    /// The untyped query (read by the renderer).
    [[nodiscard]] const detail::select_data& data() const noexcept { return data_; }

    /// Compile-time check before the query is rendered: every selected source is in FROM/JOIN.
    static constexpr bool complete() {
        static_assert(detail::subset_v<typename Shape::sources, detail::union_t<From, Outer>>,
                      "relata: the query selects a column of a model that is not in its FROM/JOIN list; "
                      "join() it (or set the FROM with from<Model>())");
        return true;
    }

private:
    template <class E>
    static constexpr void check_sources() {
        check_sources_of_list<detail::sources_of_t<E>>();
    }
    template <class List>
    static constexpr void check_sources_of_list() {
        static_assert(detail::subset_v<List, available_sources>,
                      "relata: the expression uses a column of a model that is not in this query: join() it first, "
                      "select it, or correlate<Model>() a subquery with it");
    }

    template <class Condition>
    using inferred_join = typename detail::first_of<
        std::conditional_t<detail::size_v<detail::join_candidates_t<Condition, detail::union_t<From, Outer>>> == 1,
                           detail::join_candidates_t<Condition, detail::union_t<From, Outer>>,
                           detail::type_list<void>>>::type;

    template <class Source, class Nullable, class Condition>
    auto add_join(detail::join_kind kind, const Condition& on) const {
        static_assert(!std::is_void_v<Source>,
                      "relata: join(condition) joins the one model of the condition that is not yet in the query; "
                      "this condition has none or several: name it, join<Model>(condition)");
        if constexpr (!std::is_void_v<Source>) {
            static_assert(!detail::contains_v<Source, From>, "relata: this model is already in the query; join an alias of it");
            using from = detail::union_t<From, detail::type_list<Source>>;
            static_assert(detail::subset_v<detail::sources_of_t<Condition>, detail::union_t<detail::union_t<from, Outer>, typename Shape::sources>>,
                          "relata: the join condition uses a column of a model that is not in this query");
            using shape = detail::with_nullable_t<Shape, Nullable>;
            detail::select_data copy = data_;
            copy.joins.push_back({kind, &detail::source_info_of<Source>, detail::node_of(on)});
            return detail::select_query_t<shape, from, Outer>(std::move(copy));
        }
    }

    template <class Other>
    auto combine(detail::set_operator op, const Other& other) const {
        static_assert(detail::is_select_query<Other>, "relata: set operations combine two SELECT queries");
        static_assert(std::is_same_v<row_type, typename Other::row_type>,
                      "relata: set operations need queries with the same row type");
        using outer = detail::union_t<Outer, typename detail::select_query_info<Other>::outer>;
        detail::select_data compound;
        compound.operands.push_back({op, std::make_shared<detail::select_data>(data_)});
        compound.operands.push_back({op, std::make_shared<detail::select_data>(other.data())});
        return compound_query<Shape, outer>(std::move(compound));
    }

    static detail::node_ptr conjoin(const detail::node_ptr& a, const detail::node_ptr& b) {
        if (!a) return b;
        if (!b) return a;
        return detail::make_logical(detail::node_kind::logical_and, a, b);
    }

    detail::select_data data_;
};

/// SELECTs combined with UNION [ALL], INTERSECT or EXCEPT; ORDER BY, LIMIT and OFFSET apply to
/// the whole result. Made by `select_query::union_all` and friends. ORDER BY items name result
/// columns: a column renders unqualified, so it refers to the column of that name.
template <class Shape, class Outer>
class compound_query {
public:
    /// What one row reads into (that of every operand).
    using row_type = typename Shape::row_type;
    /// The row shape.
    using shape_type = Shape;
    /// The outer sources the operands use.
    using outer_sources = Outer;

    /// Wraps the compound's data.
    explicit compound_query(detail::select_data&& data) : data_(std::move(data)) {}
    /// Copies query data.
    explicit compound_query(const detail::select_data& data) : data_(data) {}

    /// Adds `UNION ALL other`.
    template <class Other>
    [[nodiscard]] compound_query union_all(const Other& other) const {
        return add(detail::set_operator::union_all, other);
    }
    /// Adds `UNION other`.
    template <class Other>
    [[nodiscard]] compound_query union_distinct(const Other& other) const {
        return add(detail::set_operator::union_distinct, other);
    }
    /// Adds `INTERSECT other`.
    template <class Other>
    [[nodiscard]] compound_query intersect(const Other& other) const {
        return add(detail::set_operator::intersect, other);
    }
    /// Adds `EXCEPT other`.
    template <class Other>
    [[nodiscard]] compound_query except(const Other& other) const {
        return add(detail::set_operator::except, other);
    }
    /// ORDER BY over the result's columns.
    template <class... Terms>
    [[nodiscard]] compound_query order_by(const Terms&... terms) const {
        compound_query copy = *this;
        (copy.data_.order.push_back(detail::to_ordering_item(terms)), ...);
        return copy;
    }
    /// LIMIT (bound).
    [[nodiscard]] compound_query limit(std::int64_t count) const {
        compound_query copy = *this;
        copy.data_.limit = count;
        return copy;
    }
    /// OFFSET (bound).
    [[nodiscard]] compound_query offset(std::int64_t count) const {
        compound_query copy = *this;
        copy.data_.offset = count;
        return copy;
    }
    /// A query counting the rows of the compound.
    [[nodiscard]] count_query<Shape> count() const {
        detail::select_data counted = data_;
        counted.count_rows = true;
        return count_query<Shape>(std::move(counted));
    }
    /// The untyped query.
    [[nodiscard]] const detail::select_data& data() const noexcept { return data_; }
    /// Always complete (its operands were checked).
    static constexpr bool complete() { return true; }

private:
    template <class Other>
    compound_query add(detail::set_operator op, const Other& other) const {
        static_assert(detail::is_select_query<Other>, "relata: set operations combine SELECT queries");
        static_assert(std::is_same_v<row_type, typename Other::row_type>,
                      "relata: set operations need queries with the same row type");
        compound_query copy = *this;
        copy.data_.operands.push_back({op, std::make_shared<detail::select_data>(other.data())});
        return copy;
    }

    detail::select_data data_;
};

/// `SELECT COUNT(*)` over the rows of a query. Made by `select_query::count()`.
template <class Shape>
class count_query {
public:
    /// The count.
    using row_type = std::int64_t;
    /// Wraps the counted query's data.
    explicit count_query(detail::select_data&& data) : data_(std::move(data)) {}
    /// Copies query data.
    explicit count_query(const detail::select_data& data) : data_(data) {}
    /// The untyped query (with `count_rows` set).
    [[nodiscard]] const detail::select_data& data() const noexcept { return data_; }
    /// Always complete.
    static constexpr bool complete() { return true; }

private:
    detail::select_data data_;
};

namespace detail {

template <class Shape, class From>
select_query_t<Shape, From, type_list<>> make_select(select_data&& data) {
    return select_query_t<Shape, From, type_list<>>(std::move(data));
}

template <class... Items>
using first_source_list_t = std::conditional_t<(size_v<sources_union_t<Items...>> > 0),
                                               type_list<typename first_of<union_t<sources_union_t<Items...>, type_list<void>>>::type>,
                                               type_list<>>;

template <class List>
const source_info* from_of() {
    if constexpr (size_v<List> == 0) return nullptr;
    else return &source_info_of<typename first_of<List>::type>;
}

}  // namespace detail

/// `SELECT <every column of the models> FROM <the first> ...`: rows are the first model, or with
/// several models (which `join` must add) a `std::tuple` of them.
/// @code
/// relata::select<Post>()                      // SELECT "id", "title", ... FROM "post"
/// relata::select<Post, Author>().join(p.author_id == a.id)
/// // SELECT "post"."id", ..., "author"."id", ... FROM "post" JOIN "author" ON "post"."author_id" = "author"."id"
/// @endcode
template <query_source Source, query_source... More>
[[nodiscard]] auto select() {
    using shape = detail::model_shape<detail::slot<Source>, detail::slot<More>...>;
    detail::select_data data;
    data.from = &detail::source_info_of<Source>;
    shape::project(data);
    return detail::make_select<shape, detail::type_list<Source>>(std::move(data));
}

/// `SELECT e1, e2, ...`: rows are the value of the one expression, or a `std::tuple` of the
/// values. FROM is the first source the expressions use (`from<T>()` sets another); the others
/// must be joined.
/// @code
/// relata::select(a.name, relata::count(p.id)).join(p.author_id == a.id).group_by(a.name)
/// // SELECT "author"."name", COUNT("post"."id") FROM "author" JOIN "post" ON ... GROUP BY "author"."name"
/// @endcode
template <detail::typed_expression Item, detail::typed_expression... Items>
[[nodiscard]] auto select(const Item& item, const Items&... items) {
    using shape = detail::value_shape<Item, Items...>;
    using from = detail::first_source_list_t<Item, Items...>;
    detail::select_data data;
    data.from = detail::from_of<from>();
    shape::project(data, item, items...);
    return detail::make_select<shape, from>(std::move(data));
}

/// `SELECT e1 AS "m1", e2 AS "m2", ...` into the RELATA_MODEL struct `Row`, each member filled
/// from the expression of its name (a column of that member name, or `expr.as<"member">()`).
/// Every member needs exactly one expression, of a type the member can hold; otherwise the
/// query does not compile.
/// @code
/// struct TopCustomer { std::string last_name; std::optional<double> total; };
/// relata::select<TopCustomer>(c.last_name, relata::sum(i.total).as<"total">()).join(i.customer_id == c.customer_id)
/// @endcode
template <model Row, detail::typed_expression Item, detail::typed_expression... Items>
[[nodiscard]] auto select(const Item& item, const Items&... items) {
    using shape = detail::struct_shape<Row, Item, Items...>;
    using from = detail::first_source_list_t<Item, Items...>;
    detail::select_data data;
    data.from = detail::from_of<from>();
    shape::project(data, item, items...);
    return detail::make_select<shape, from>(std::move(data));
}

/// A common table expression over the struct `Row` from a query whose rows are `Row`
/// (`select<Row>(...)`, or a compound of such): add it to a query with `with` or
/// `with_recursive`, and select from `Row` there.
/// @code
/// struct Reports { std::int64_t employee_id; std::int64_t depth; };
/// auto tree = relata::cte<Reports>(
///     relata::select<Reports>(e.employee_id, relata::literal<std::int64_t>(0).as<"depth">()).where(e.reports_to.is_null())
///         .union_all(relata::select<Reports>(e.employee_id, (r.depth + 1).as<"depth">()).join(e.reports_to == r.employee_id)));
/// relata::select<Reports>().with_recursive(tree)
/// // WITH RECURSIVE "reports" ("employee_id", "depth") AS (SELECT ... UNION ALL SELECT ...) SELECT ... FROM "reports"
/// @endcode
template <model Row, class Query>
[[nodiscard]] common_table<Row> cte(const Query& query) {
    static_assert(detail::is_select_query<Query>, "relata: cte<Row>() takes a SELECT query");
    static_assert(std::is_same_v<typename Query::row_type, Row>,
                  "relata: cte<Row>(query): the query must select into Row (select<Row>(...))");
    return {std::make_shared<detail::select_data>(query.data())};
}

/// `EXISTS (subquery)`: true when the (usually correlated) subquery returns a row.
/// @code
/// relata::select<Customer>().where(!relata::exists(relata::select<Invoice>().correlate<Customer>()
///                                                      .where(i.customer_id == c.customer_id)))
/// @endcode
template <class Query>
    requires detail::is_select_query<Query>
[[nodiscard]] auto exists(const Query& subquery) {
    auto n = detail::make_node(detail::node_kind::exists);
    n->subquery = std::make_shared<detail::select_data>(subquery.data());
    n->has_subquery = true;
    return detail::expression_t<bool, typename detail::select_query_info<Query>::outer>(std::move(n));
}

/// `NOT EXISTS (subquery)`.
template <class Query>
    requires detail::is_select_query<Query>
[[nodiscard]] auto not_exists(const Query& subquery) {
    auto n = detail::make_node(detail::node_kind::not_exists);
    n->subquery = std::make_shared<detail::select_data>(subquery.data());
    n->has_subquery = true;
    return detail::expression_t<bool, typename detail::select_query_info<Query>::outer>(std::move(n));
}

/// A value of type T as an expression of its own (a bound parameter, cast to its type on
/// PostgreSQL, where a parameter alone has no type): `relata::literal<std::int64_t>(0).as<"depth">()`.
template <class T, class V>
[[nodiscard]] expression<T> literal(const V& value) {
    return expression<T>(detail::typed_operand_node<T>(static_cast<T>(value)));
}

}  // namespace relata
