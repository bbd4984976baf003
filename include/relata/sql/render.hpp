#pragma once
/// @file
/// `relata::to_sql(query, dialect)`: any query object -> `relata::rendered_query` (SQL text and
/// bound parameters). Pure functions; no database is touched, so the golden tests pin them.
/// Every statement relata runs — typed queries, bulk writes and the Session's own INSERT,
/// UPDATE and DELETE — is rendered here.

#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "relata/detail/format.hpp"
#include "relata/detail/reflection.hpp"
#include "relata/error.hpp"
#include "relata/query/insert.hpp"
#include "relata/query/remove.hpp"
#include "relata/query/select.hpp"
#include "relata/query/update.hpp"
#include "relata/sql/dialect.hpp"
#include "relata/sql/rendered_query.hpp"
#include "relata/sql/writer.hpp"

namespace relata {

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
        throw error(detail::format("the member is not listed in RELATA_MODEL({}, ...)", detail::type_name<T>));
    return detail::column_name_of<T>(d.naming, index);
}

namespace detail {
template <class Q>
inline constexpr bool is_write_query = false;
template <class T, class Shape>
inline constexpr bool is_write_query<insert_query<T, Shape>> = true;
template <class T, class Shape>
inline constexpr bool is_write_query<update_query<T, Shape>> = true;
template <class T, class Shape>
inline constexpr bool is_write_query<delete_query<T, Shape>> = true;
template <class Shape>
inline constexpr bool is_count_query = false;
template <class Shape>
inline constexpr bool is_count_query<count_query<Shape>> = true;
}  // namespace detail

/// A query object relata can render: a SELECT (also compound or counting), INSERT, UPDATE
/// or DELETE.
template <class Q>
concept query_object = detail::is_select_query<Q> || detail::is_write_query<Q> || detail::is_count_query<Q>;

namespace detail {
/// What a SELECT query object is rendered as, when not as itself: its outermost SELECT changed
/// the way a modified copy of the query would render, without making the copy.
struct outermost_select {
    std::optional<std::int64_t> limit{};  ///< `query.limit(*limit)` (relata::first: 1, one: 2)
    bool count_rows = false;            ///< `query.count()`: SELECT COUNT(*) over its rows
};

/// `to_sql`, also recording in `tables` (when not null) the models whose tables the statement
/// names: the query space a Session's autoflush checks. `outer` (a SELECT only) renders it as
/// `query.limit(n)` or `query.count()` would render.
template <class Q>
[[nodiscard]] rendered_query render(const Q& query, const dialect& d, std::vector<const model_info*>* tables,
                                    outermost_select outer = {}) {
    sql_writer writer(d);
    if (tables != nullptr) writer.record_tables(*tables);
    if (outer.limit) writer.override_limit(*outer.limit);
    if (outer.count_rows) writer.override_count();
    if constexpr (is_select_query<Q> || is_count_query<Q>) {
        static_assert(Q::complete());
        if constexpr (requires { typename Q::outer_sources; }) {
            static_assert(size_v<typename Q::outer_sources> == 0,
                          "relata: a correlated query (correlate<...>()) runs only inside another query: "
                          "use it in exists(), in() or as a scalar subquery");
        }
        writer.select(query.data(), false);
    } else if constexpr (requires { query.data().conflict; }) {
        writer.insert(query.data());
    } else if constexpr (requires { query.data().assignments; }) {
        writer.update(query.data());
    } else {
        writer.remove(query.data());
    }
    return std::move(writer).take();
}
}  // namespace detail

/// Renders a query for a dialect.
/// @code
/// to_sql(select<Post>().where(p.votes > 10).limit(5), relata::sqlite_dialect)
///   -> SELECT "id", "title", "votes" FROM "post" WHERE "votes" > ? LIMIT ?      [10, 5]
/// to_sql(..., relata::postgres_dialect)
///   -> SELECT "id", "title", "votes" FROM "post" WHERE "votes" > $1 LIMIT $2    [10, 5]
/// @endcode
/// A query that selects a model it never joined, or a correlated subquery on its own, does
/// not compile.
/// @return the SQL text and parameters in placeholder order.
/// @throws relata::error for an expression nested deeper than 1,000 levels or an UPDATE
/// without `set`.
template <query_object Q>
[[nodiscard]] rendered_query to_sql(const Q& query, const dialect& d) {
    return detail::render(query, d, nullptr);
}

}  // namespace relata
