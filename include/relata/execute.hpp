#pragma once
/// @file
/// Running query objects on a connection without a Session: the rows come back as plain
/// values, untracked. (A Session's `all`/`first` return tracked objects instead.)

#include <cstdint>
#include <optional>
#include <vector>

#include "relata/connection.hpp"
#include "relata/query/select.hpp"
#include "relata/sql/render.hpp"

namespace relata {

/// Runs a SELECT and returns every row as a T (untracked copies).
/// @throws relata::database_error, relata::mapping_error.
template <connection Connection, model T>
[[nodiscard]] std::vector<T> all(Connection& db, const select_query<T>& query) {
    std::vector<T> rows;
    db.for_each_row(to_sql(query, db.sql_dialect()), [&](const auto& row) { rows.push_back(detail::read_model<T>(row)); });
    return rows;
}

/// Runs the SELECT with `LIMIT 1` and returns its row, or std::nullopt when there is none.
/// @throws relata::database_error, relata::mapping_error.
template <connection Connection, model T>
[[nodiscard]] std::optional<T> first(Connection& db, const select_query<T>& query) {
    std::optional<T> result;
    db.for_each_row(to_sql(query.limit(1), db.sql_dialect()),
                    [&](const auto& row) { result = detail::read_model<T>(row); });
    return result;
}

/// Runs `SELECT COUNT(*)` for a query (see `select_query::count`).
/// @return the number of rows the query selects.
/// @throws relata::database_error.
template <connection Connection, model T>
[[nodiscard]] std::int64_t count(Connection& db, const count_query<T>& query) {
    std::int64_t result = 0;
    db.for_each_row(to_sql(query, db.sql_dialect()),
                    [&](const auto& row) {
        try {
            result = detail::from_cell<std::int64_t>(row.cell(0));
        } catch (const conversion_error& e) {
            throw mapping_error(std::string("cannot read COUNT(*): ") + e.reason());
        }
    });
    return result;
}

/// `count(db, query.count())`.
template <connection Connection, model T>
[[nodiscard]] std::int64_t count(Connection& db, const select_query<T>& query) {
    return count(db, query.count());
}

}  // namespace relata
