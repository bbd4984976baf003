#pragma once
/// @file
/// `relata::remove<T>()`: a bulk DELETE as a query object; the Session's own DELETEs are built
/// with it too.
///
/// @code
/// db.execute(relata::remove<Post>().where(p.votes < 0));
/// // SQLite: DELETE FROM "post" WHERE "votes" < ?      PostgreSQL: ... < $1
/// // returns the number of rows deleted
/// @endcode

#include <type_traits>
#include <utility>

#include "relata/detail/reflection.hpp"
#include "relata/query/data.hpp"
#include "relata/query/expression.hpp"
#include "relata/query/insert.hpp"
#include "relata/query/shape.hpp"

namespace relata {

/// A DELETE from `T`'s table; with `returning(...)`, a query whose rows read into
/// `Shape::row_type`. Made by `relata::remove<T>()`. Without `where`, every row is deleted.
template <model T, class Shape = void>
class delete_query {
public:
    /// What one RETURNING row reads into (`void` without RETURNING).
    using row_type = detail::shape_row_t<Shape>;
    /// The RETURNING shape, or void.
    using shape_type = Shape;

    /// Wraps delete data.
    explicit delete_query(detail::delete_data data) : data_(std::move(data)) {}

    /// Adds a WHERE predicate over `T`'s columns (ANDed with any earlier one).
    template <detail::boolean_expression Condition>
    [[nodiscard]] delete_query where(const Condition& predicate) const {
        static_assert(detail::subset_v<detail::sources_of_t<Condition>, detail::type_list<T>>,
                      "relata: a DELETE's where() takes conditions on the table's columns");
        delete_query copy = *this;
        detail::node_ptr added = detail::condition_node(predicate);
        if (added) copy.data_.where = copy.data_.where ? detail::make_logical(detail::node_kind::logical_and, copy.data_.where, added) : added;
        return copy;
    }

    /// `RETURNING ...` (no arguments: every column, rows read into T). SQLite >= 3.35.
    template <detail::typed_expression... Items>
    [[nodiscard]] auto returning(const Items&... items) const {
        using shape = typename detail::returning_shape<T, Items...>::type;
        detail::delete_data copy = data_;
        copy.returning.clear();
        detail::add_returning<T>(copy.returning, items...);
        return delete_query<T, shape>(std::move(copy));
    }

    /// The untyped statement.
    [[nodiscard]] const detail::delete_data& data() const noexcept { return data_; }

private:
    detail::delete_data data_;
};

/// Starts a DELETE from `T`'s table: add `where(...)`.
template <model T>
[[nodiscard]] delete_query<T> remove() {
    detail::delete_data data;
    data.target = &detail::source_info_of<T>;
    return delete_query<T>(std::move(data));
}

}  // namespace relata
