#pragma once
/// @file
/// Running query objects on a connection without a Session: rows come back as plain values,
/// untracked (a Session's `all`/`first` return tracked objects instead), and writes return the
/// number of rows they changed.
///
/// @code
/// std::vector<Post> posts = relata::all(db, relata::select<Post>().where(p.votes > 10));
/// std::optional<std::int64_t> best = relata::one(db, relata::select(relata::max(p.votes)));
/// std::int64_t changed = relata::execute(db, relata::update<Post>().set(p.votes, 0));
/// relata::insert_all(db, posts);   // PostgreSQL: COPY; SQLite: multi-row INSERTs under the parameter limit
/// @endcode

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <vector>

#include "relata/connection.hpp"
#include "relata/detail/range.hpp"
#include "relata/error.hpp"
#include "relata/query/insert.hpp"
#include "relata/query/select.hpp"
#include "relata/sql/render.hpp"

namespace relata {

namespace detail {

template <class Q>
inline constexpr bool returns_rows = is_select_query<Q> || (is_write_query<Q> && !std::is_void_v<typename Q::shape_type>);

/// The reader of Q's rows (see row_reader): one per row type, shared by queries. It must read
/// exactly Q's row type: `first`, `one` and `stream` would otherwise convert silently.
template <class Q>
    requires std::is_same_v<typename row_reader_t<typename Q::shape_type>::row_type, typename Q::row_type>
using query_reader_t = row_reader_t<typename Q::shape_type>;

template <class Reader, result_row Row>
typename Reader::row_type read_row(const Row& row) {
    return Reader::read(row);
}

/// True when a row can be read into an existing (default-constructed) row object.
template <class Reader, class Row>
concept reads_in_place = requires(typename Reader::row_type& object, const Row& row) { Reader::read_into(object, row); };

/// Appends `row` to `rows`, read in place where the reader allows (no temporary row to move).
template <class Reader, result_row Row>
void append_read_row(std::vector<typename Reader::row_type>& rows, const Row& row) {
    if constexpr (reads_in_place<Reader, Row>) Reader::read_into(rows.emplace_back(), row);
    else rows.push_back(read_row<Reader>(row));
}

/// The room a result vector makes at its first row: the rows the query's LIMIT (or `limit`,
/// which replaces it) allows, at most 1,024; 0 without a LIMIT above 1. A page of 10 rows is
/// then one allocation instead of five (growing 1, 2, 4, 8, 16).
template <class Q>
std::size_t rows_to_reserve(const Q& query, std::optional<std::int64_t> limit = std::nullopt) {
    if constexpr (is_select_query<Q>) {
        if (!limit) limit = query.data().limit;
    }
    if (!limit || *limit <= 1) return 0;
    return static_cast<std::size_t>(std::min<std::int64_t>(*limit, 1024));
}

/// The room a result vector makes at its first row: every row of the result where the row
/// knows their number (PostgreSQL: `PQntuples`), else `expected` (see rows_to_reserve).
template <class Row>
std::size_t rows_to_make_room_for(const Row& row, std::size_t expected) {
    if constexpr (requires { row.rows_in_result(); }) return row.rows_in_result();
    else return expected;
}

/// Reads `row` into `result`, in place where the reader allows.
template <class Reader, result_row Row>
void read_row_into(std::optional<typename Reader::row_type>& result, const Row& row) {
    if constexpr (reads_in_place<Reader, Row>) {
        try {
            Reader::read_into(result.emplace(), row);
        } catch (...) {
            result.reset();  // no half-read row
            throw;
        }
    } else {
        result = read_row<Reader>(row);
    }
}

/// Runs `query` and reads every row (relata::all), making room for `expected` rows at the first.
template <class Reader, class Connection>
std::vector<typename Reader::row_type> read_all_rows(Connection& db, const rendered_query& query, std::size_t expected) {
    std::vector<typename Reader::row_type> rows;
    db.for_each_row(query, [&](const auto& row) {
        if (rows.empty()) rows.reserve(rows_to_make_room_for(row, expected));
        append_read_row<Reader>(rows, row);
    });
    return rows;
}

/// Runs `query` (with `LIMIT 1`) and reads its first row (relata::first).
template <class Reader, class Connection>
std::optional<typename Reader::row_type> read_first_row(Connection& db, const rendered_query& query) {
    std::optional<typename Reader::row_type> result;
    db.for_each_row(query, [&](const auto& row) {
        if (!result) read_row_into<Reader>(result, row);
    });
    return result;
}

/// Runs `query` (with `LIMIT 2`) and reads its only row (relata::one).
template <class Reader, class Connection>
typename Reader::row_type read_only_row(Connection& db, const rendered_query& query) {
    std::optional<typename Reader::row_type> result;
    std::size_t rows = 0;
    db.for_each_row(query, [&](const auto& row) {
        if (++rows == 1) result = read_row<Reader>(row);
    });
    if (rows == 0) throw no_result("the query returned no row");
    if (rows > 1) throw multiple_results("the query returned more than one row");
    return std::move(*result);
}

// The query rendered as `query.limit(rows)` would be (when it has limit()), without copying it.
template <class Q>
rendered_query render_limited(const Q& query, const dialect& d, std::int64_t rows) {
    if constexpr (requires { query.limit(rows); }) return render(query, d, nullptr, {.limit = rows});
    else return render(query, d, nullptr);
}

/// The most bound parameters one statement may have on `db`'s engine.
template <class Connection>
std::size_t parameter_limit(const Connection& db) {
    if constexpr (requires { db.max_parameters(); }) return db.max_parameters();
    else return db.sql_dialect().engine == engine::postgresql ? 65535 : 32766;
}

/// What `copy_rows` calls for each row (see relata::postgres::connection::copy_rows).
struct row_filler {
    void operator()(std::size_t, std::vector<value>&) const {}
};

/// A connection that can insert a batch with COPY (PostgreSQL).
template <class Connection>
concept copy_connection = requires(Connection& db, const insert_data& shape) {
    { db.copy_rows(shape, std::size_t{}, row_filler{}) } -> std::same_as<std::optional<std::int64_t>>;
};

/// From this many rows on insert_all uses COPY where the connection has it (PostgreSQL). Below,
/// one multi-row INSERT is faster: COPY costs 3 more round trips (describe the table's types,
/// then COPY and its data). Measured inside a transaction: 1 row 0.15 ms INSERT vs 0.20 ms COPY,
/// 30 rows 0.28 vs 0.25-0.27, 100 rows 0.47 vs 0.35, 10,000 rows 161 vs 21-31 ms.
inline constexpr std::size_t copy_threshold = 32;

/// Appends the values of `object`'s `columns` (ascending field indexes) to `row`.
template <model T>
void append_values(std::vector<value>& row, const T& object, const std::vector<std::size_t>& columns) {
    std::size_t next = 0;
    for_each_field<T>([&](auto i) {
        if (next < columns.size() && columns[next] == i.value) {
            row.push_back(member_value<T, i.value>(object));
            ++next;
        }
    });
}

}  // namespace detail

/// A query whose rows can be read: a SELECT, or a write with `returning(...)`.
template <class Q>
concept row_query = query_object<Q> && detail::returns_rows<Q>;

/// Runs a query and returns every row (models, tuples, values or structs, as the query says).
/// The code that reads the rows is compiled once per row type, shared by every query with
/// that row type (see detail::row_reader).
/// @throws relata::database_error, relata::mapping_error.
template <connection Connection, row_query Q>
[[nodiscard]] std::vector<typename Q::row_type> all(Connection& db, const Q& query) {
    return detail::read_all_rows<detail::query_reader_t<Q>>(db, to_sql(query, db.sql_dialect()), detail::rows_to_reserve(query));
}

/// Runs the query (a SELECT with `LIMIT 1`) and returns its first row, or std::nullopt.
/// The `LIMIT 1` replaces the query's own LIMIT and is written into the SQL (relata's
/// constant, not a parameter): `SELECT ... WHERE "id" = ? LIMIT 1` (PostgreSQL `= $1 LIMIT 1`).
/// @throws relata::database_error, relata::mapping_error.
template <connection Connection, row_query Q>
[[nodiscard]] std::optional<typename Q::row_type> first(Connection& db, const Q& query) {
    return detail::read_first_row<detail::query_reader_t<Q>>(db, detail::render_limited(query, db.sql_dialect(), 1));
}

/// Runs the query (a SELECT with `LIMIT 2`, to check) and returns its only row. The
/// `LIMIT 2` replaces the query's own LIMIT and is written into the SQL, as first()'s is.
/// @throws relata::no_result for none, relata::multiple_results for more than one;
/// relata::database_error, relata::mapping_error.
template <connection Connection, row_query Q>
[[nodiscard]] typename Q::row_type one(Connection& db, const Q& query) {
    return detail::read_only_row<detail::query_reader_t<Q>>(db, detail::render_limited(query, db.sql_dialect(), 2));
}

namespace detail {
/// Runs a rendered `SELECT COUNT(*)` and reads its one value (relata::count, session.count).
template <class Connection>
std::int64_t run_count(Connection& db, const rendered_query& query) {
    std::int64_t result = 0;
    db.for_each_row(query, [&](const auto& row) {
        try {
            result = from_cell<std::int64_t>(row.cell(0));
        } catch (const conversion_error& e) {
            throw mapping_error("cannot read COUNT(*): " + e.reason());
        }
    });
    return result;
}
}  // namespace detail

/// Runs `SELECT COUNT(*)` for a query (see `select_query::count`).
/// @return the number of rows the query selects.
/// @throws relata::database_error.
template <connection Connection, class Shape>
[[nodiscard]] std::int64_t count(Connection& db, const count_query<Shape>& query) {
    return detail::run_count(db, to_sql(query, db.sql_dialect()));
}

/// `count(db, query.count())`: the rows of any SELECT query object, counted with
/// `SELECT COUNT(*)` (the SQL is `select_query::count`'s, rendered without copying the query).
/// @return the number of rows the query selects.
/// @throws relata::database_error.
template <connection Connection, class Q>
    requires detail::is_select_query<Q>
[[nodiscard]] std::int64_t count(Connection& db, const Q& query) {
    return detail::run_count(db, detail::render(query, db.sql_dialect(), nullptr, {.count_rows = true}));  // no copy
}

/// Runs an INSERT, UPDATE or DELETE query object.
/// @return the number of rows it changed (SQLite `sqlite3_changes64`, PostgreSQL `PQcmdTuples`).
/// @throws relata::database_error (e.g. constraint_violation), relata::mapping_error.
template <connection Connection, class Q>
    requires detail::is_write_query<Q>
std::int64_t execute(Connection& db, const Q& query) {
    return db.execute(to_sql(query, db.sql_dialect()));
}

/// Inserts every object of `objects`, all in one transaction (a SAVEPOINT inside an open one):
/// either every row is inserted or none. PostgreSQL: one `COPY ... FROM STDIN (FORMAT binary)`
/// per group (objects with their key, objects without) of 32 rows or more (fewer: one
/// multi-row INSERT, which is faster there), each value in its column's binary form
/// (see `relata::postgres::connection::copy_rows`); multi-row INSERTs for a table with an
/// array column. SQLite: multi-row INSERT statements, as few as the bound-parameter limit
/// allows (`SQLITE_LIMIT_VARIABLE_NUMBER`, 32,766 by default). Objects whose generated key is
/// 0 get a key from the database (not written back into the objects: the order of generated
/// keys is not something either engine promises for a multi-row INSERT); the others are
/// inserted with their key, which on PostgreSQL does not advance the identity sequence: call
/// `relata::reset_key_sequence<T>(db)` (<relata/schema.hpp>) before inserting rows without.
/// @code
/// relata::insert_all(db, posts);
/// // SQLite:     INSERT INTO "post" ("author_id", "title", "votes") VALUES (?, ?, ?), (?, ?, ?), ...
/// // PostgreSQL: COPY "post" ("author_id", "title", "votes") FROM STDIN (FORMAT binary)
/// @endcode
/// @return the number of rows inserted.
/// @throws relata::database_error with the failed statement (the INSERT or the COPY) and, on
/// PostgreSQL, its SQLSTATE (e.g. a constraint_violation: nothing was inserted);
/// relata::mapping_error; exceptions from a value_traits conversion propagate (nothing inserted).
template <connection Connection, detail::input_range Range>
std::int64_t insert_all(Connection& db, const Range& objects) {
    using T = std::remove_cvref_t<detail::range_value_t<Range>>;
    static_assert(model<T>, "relata: insert_all() takes a range of RELATA_MODEL objects");
    std::vector<const T*> with_key;
    std::vector<const T*> without_key;
    for (const T& object : objects) (detail::has_default_key(object) ? without_key : with_key).push_back(&object);
    if (with_key.empty() && without_key.empty()) return 0;

    const std::size_t limit = detail::parameter_limit(db);
    std::int64_t inserted = 0;
    transaction<Connection> tx(db);
    for (const bool key : {true, false}) {
        const std::vector<const T*>& group = key ? with_key : without_key;
        if (group.empty()) continue;
        const std::vector<std::size_t> columns = detail::insert_columns<T>(key);
        // A model with only a generated key has no columns to bind: one DEFAULT VALUES per row.
        if constexpr (detail::copy_connection<Connection>) {
            if (!columns.empty() && group.size() >= detail::copy_threshold) {
                detail::insert_data shape;
                shape.target = &detail::source_info_of<T>;
                shape.columns = columns;
                const std::optional<std::int64_t> copied =
                    db.copy_rows(shape, group.size(), [&](std::size_t i, std::vector<value>& row) {
                        detail::append_values(row, *group[i], columns);
                    });
                if (copied) {
                    inserted += *copied;
                    continue;
                }
            }
        }
        const std::size_t per_statement = columns.empty() ? 1 : std::max<std::size_t>(1, limit / columns.size());
        for (std::size_t start = 0; start < group.size(); start += per_statement) {
            detail::insert_data data;
            data.target = &detail::source_info_of<T>;
            data.columns = columns;
            const std::size_t end = std::min(group.size(), start + per_statement);
            data.rows.reserve(end - start);
            for (std::size_t i = start; i < end; ++i) detail::append_row(data, *group[i]);
            if (columns.empty()) data.rows.clear();
            inserted += db.execute(to_sql(insert_query<T>(std::move(data)), db.sql_dialect()));
        }
    }
    tx.commit();
    return inserted;
}

}  // namespace relata
