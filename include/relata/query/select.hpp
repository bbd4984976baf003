#pragma once
/// @file
/// `relata::select<Model>()`: a lazy, immutable SELECT. Every builder call returns a new value;
/// nothing runs until a Session or a connection asks for results.
///
/// @code
/// constexpr auto p = relata::columns<Post>;
/// auto query = relata::select<Post>().where(p.votes > 10).order_by(p.title.desc()).limit(20);
/// // SQLite:     SELECT "id", "title", "votes" FROM "post" WHERE "votes" > ? ORDER BY "title" DESC LIMIT ?
/// // PostgreSQL: SELECT "id", "title", "votes" FROM "post" WHERE "votes" > $1 ORDER BY "title" DESC LIMIT $2
/// @endcode

#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "relata/query/expression.hpp"

namespace relata {

template <model Model>
class count_query;

/// A SELECT of every mapped column of `Model`, with optional WHERE, ORDER BY, LIMIT and OFFSET.
template <model Model>
class select_query {
public:
    /// The model whose rows this query returns.
    using model_type = Model;

    /// Adds a WHERE predicate, ANDed with any earlier one. An empty condition adds nothing.
    /// A condition on another model's columns does not compile.
    [[nodiscard]] select_query where(const condition<Model>& predicate) const {
        select_query copy = *this;
        copy.where_ = where_ && predicate;
        return copy;
    }
    /// A condition on another model's columns: does not compile (a readable static_assert
    /// instead of an overload mismatch).
    template <model Other>
        requires(!std::is_same_v<Other, Model>)
    select_query where(const condition<Other>&) const {
        static_assert(detail::always_false<Other>,
                      "relata: where() got a condition on another model's columns; use relata::columns<Model> "
                      "of the model being selected");
        return *this;
    }

    /// Appends ORDER BY items: `order_by(p.votes.desc(), p.id)` (a bare column sorts ascending).
    template <class... Terms>
    [[nodiscard]] select_query order_by(const Terms&... terms) const {
        select_query copy = *this;
        (copy.order_.push_back(to_order_term(terms)), ...);
        return copy;
    }

    /// LIMIT: at most `count` rows (bound as a parameter).
    [[nodiscard]] select_query limit(std::int64_t count) const {
        select_query copy = *this;
        copy.limit_ = count;
        return copy;
    }

    /// OFFSET: skip the first `count` rows (bound as a parameter).
    [[nodiscard]] select_query offset(std::int64_t count) const {
        select_query copy = *this;
        copy.offset_ = count;
        return copy;
    }

    /// A query counting the rows this query would return:
    /// `SELECT COUNT(*) FROM "post" WHERE ...`, or over a subquery when LIMIT/OFFSET are set.
    [[nodiscard]] count_query<Model> count() const { return count_query<Model>(*this); }

    /// The WHERE predicate (empty when none).
    [[nodiscard]] const condition<Model>& predicate() const noexcept { return where_; }
    /// The ORDER BY items in order.
    [[nodiscard]] const std::vector<order_term<Model>>& ordering() const noexcept { return order_; }
    /// The LIMIT, if set.
    [[nodiscard]] std::optional<std::int64_t> row_limit() const noexcept { return limit_; }
    /// The OFFSET, if set.
    [[nodiscard]] std::optional<std::int64_t> row_offset() const noexcept { return offset_; }

private:
    static order_term<Model> to_order_term(const order_term<Model>& term) { return term; }
    template <detail::fixed_string Name>
    static order_term<Model> to_order_term(const column<Model, Name>& col) {
        return col.asc();
    }
    template <class Other>
    static order_term<Model> to_order_term(const Other&) {
        static_assert(detail::always_false<Other>,
                      "relata: order_by() takes columns or column.asc()/.desc() of the model being selected");
        return {};
    }

    condition<Model> where_;
    std::vector<order_term<Model>> order_;
    std::optional<std::int64_t> limit_;
    std::optional<std::int64_t> offset_;
};

/// `SELECT COUNT(*)` over the rows of a select_query. Made by `select_query::count()`.
template <model Model>
class count_query {
public:
    /// The counted query.
    explicit count_query(select_query<Model> query) : query_(std::move(query)) {}
    /// The counted query.
    [[nodiscard]] const select_query<Model>& query() const noexcept { return query_; }

private:
    select_query<Model> query_;
};

/// Starts a SELECT of all mapped columns of `Model`: `SELECT "id", ... FROM "table"`.
template <model Model>
[[nodiscard]] select_query<Model> select() {
    return {};
}

}  // namespace relata
