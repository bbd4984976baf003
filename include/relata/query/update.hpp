#pragma once
/// @file
/// `relata::update<T>()`: a bulk UPDATE as a query object; the Session's own UPDATEs are built
/// with it too.
///
/// @code
/// db.execute(relata::update<Post>().set(p.votes, p.votes + 1).where(p.author_id == 7));
/// // SQLite:     UPDATE "post" SET "votes" = "votes" + ? WHERE "author_id" = ?
/// // PostgreSQL: UPDATE "post" SET "votes" = "votes" + CAST($1 AS INTEGER) WHERE "author_id" = $2
/// // returns the number of rows changed
/// @endcode
/// Objects a Session tracks are not refreshed by a bulk UPDATE run on the connection; see
/// `session::execute`, which expires them.

#include <cstddef>
#include <type_traits>
#include <utility>

#include "relata/detail/reflection.hpp"
#include "relata/query/data.hpp"
#include "relata/query/expression.hpp"
#include "relata/query/insert.hpp"
#include "relata/query/shape.hpp"

namespace relata {

/// An UPDATE of `T`'s table; with `returning(...)`, a query whose rows read into
/// `Shape::row_type`. Made by `relata::update<T>()`. Without `where`, every row is updated.
template <model T, class Shape = void>
class update_query {
public:
    /// What one RETURNING row reads into (`void` without RETURNING).
    using row_type = detail::shape_row_t<Shape>;
    /// The RETURNING shape, or void.
    using shape_type = Shape;

    /// Wraps update data.
    explicit update_query(detail::update_data data) : data_(std::move(data)) {}

    /// Adds `SET column = value` (see `relata::set` for the accepted values):
    /// `set(p.votes, 0)`, `set(p.votes, p.votes + 1)`, `set(p.email, std::nullopt)`.
    template <query_source Source, detail::fixed_string Name, class V>
    [[nodiscard]] update_query set(const column<Source, Name>& target, const V& value) const {
        static_assert(std::is_same_v<Source, T>, "relata: set() assigns a column of the updated table");
        const auto assigned = relata::set(target, value);
        static_assert(detail::subset_v<typename decltype(assigned)::sources_type, detail::type_list<T>>,
                      "relata: set() values may use columns of the updated table only");
        update_query copy = *this;
        copy.data_.assignments.emplace_back(assigned.index, assigned.value);
        return copy;
    }

    /// Adds a WHERE predicate over `T`'s columns (ANDed with any earlier one); subqueries may
    /// correlate with `T`.
    template <detail::boolean_expression Condition>
    [[nodiscard]] update_query where(const Condition& predicate) const {
        static_assert(detail::subset_v<detail::sources_of_t<Condition>, detail::type_list<T>>,
                      "relata: an UPDATE's where() takes conditions on the updated table's columns");
        update_query copy = *this;
        detail::node_ptr added = detail::condition_node(predicate);
        if (added) copy.data_.where = copy.data_.where ? detail::make_logical(detail::node_kind::logical_and, copy.data_.where, added) : added;
        return copy;
    }

    /// `RETURNING ...` (no arguments: every column, rows read into T). SQLite >= 3.35.
    template <detail::typed_expression... Items>
    [[nodiscard]] auto returning(const Items&... items) const {
        using shape = typename detail::returning_shape<T, Items...>::type;
        detail::update_data copy = data_;
        copy.returning.clear();
        detail::add_returning<T>(copy.returning, items...);
        return update_query<T, shape>(std::move(copy));
    }

    /// The untyped statement.
    [[nodiscard]] const detail::update_data& data() const noexcept { return data_; }

private:
    detail::update_data data_;
};

/// Starts an UPDATE of `T`'s table: add `set(...)` and `where(...)`.
template <model T>
[[nodiscard]] update_query<T> update() {
    detail::update_data data;
    data.target = &detail::source_info_of<T>;
    return update_query<T>(std::move(data));
}

}  // namespace relata
