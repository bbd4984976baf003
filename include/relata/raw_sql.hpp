#pragma once
/// @file
/// Hand-written SQL, still typed: `relata::query<Row>(db, sql, arguments...)` and
/// `relata::execute(db, sql, arguments...)`. Placeholders are `?` on both engines (numbered
/// `$1..$n` for PostgreSQL, see <relata/sql/placeholders.hpp>).
///
/// @code
/// struct TopCustomer { std::string name; std::int64_t total; };
/// RELATA_MODEL(TopCustomer, name, total);
///
/// auto top = relata::query<TopCustomer>(db,
///     "SELECT c.last_name AS name, COUNT(*) AS total FROM customer c JOIN invoice i USING (customer_id) "
///     "WHERE c.country = ? GROUP BY c.last_name ORDER BY total DESC LIMIT ?", "USA", 5);
/// // PostgreSQL: ... WHERE c.country = $1 ... LIMIT $2
/// for (const TopCustomer& c : top) fmt::print("{} {}\n", c.name, c.total);
///
/// auto pairs = relata::query<std::tuple<std::string, double>>(db, "SELECT name, unit_price FROM track");
/// auto count = relata::query<std::int64_t>(db, "SELECT COUNT(*) FROM track").front();
/// std::int64_t removed = relata::execute(db, "DELETE FROM post WHERE votes < ?", 0);
/// @endcode
///
/// Rows are read as:
/// - a RELATA_MODEL struct (need not be a table): by column name. A column matches a member
///   when its name equals, ignoring ASCII case, the member's column name under the
///   connection's naming convention or the member's C++ name (so `AS total` fills `total`
///   on both engines, although PostgreSQL folds unquoted names to lower case);
/// - a `std::tuple<...>`: by position;
/// - any other storable type (`std::int64_t`, `std::string`, `std::optional<double>`, ...):
///   the single column.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>


#include "relata/connection.hpp"
#include "relata/detail/format.hpp"
#include "relata/detail/reflection.hpp"
#include "relata/error.hpp"
#include "relata/sql/placeholders.hpp"
#include "relata/sql/rendered_query.hpp"
#include "relata/types.hpp"

namespace relata {

namespace detail {

template <class T>
inline constexpr bool is_tuple = false;
template <class... T>
inline constexpr bool is_tuple<std::tuple<T...>> = true;

/// A connection relata can read row by row: its backend header (<relata/sqlite.hpp>,
/// <relata/postgres.hpp>) provides `open_cursor(db, rendered_query, whole_result)`.
template <class C>
concept cursor_connection = connection<C> && requires(C& db, rendered_query query) {
    open_cursor(db, std::move(query), true);
};

inline bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        return lower(x) == lower(y);
    });
}

/// Reads result rows of hand-written SQL into Row: a model by column name, a tuple by
/// position, anything else storable from the single column. `prepare` checks the result's
/// columns once; `read` converts one row.
template <class Row>
class raw_row_reader {
    static_assert(model<Row> || is_tuple<Row> || storable<Row>,
                  "relata: a hand-written query reads rows into a RELATA_MODEL struct, a std::tuple of storable "
                  "types, or one storable type (a built-in, a type with relata::value_traits, or std::optional)");

public:
    explicit raw_row_reader(naming convention) : naming_(convention) {}

    /// Checks the columns against Row.
    /// @throws relata::mapping_error listing every missing and unexpected column (models) or
    /// naming both counts (tuples, single values).
    void prepare(const std::vector<std::string>& columns, std::string_view sql) {
        if constexpr (model<Row>) {
            column_of_.fill(npos);
            std::vector<std::string> unexpected;
            for (std::size_t c = 0; c < columns.size(); ++c) {
                const std::size_t member = member_for(columns[c]);
                if (member == npos || column_of_[member] != npos) unexpected.push_back(detail::format("\"{}\"", columns[c]));
                else column_of_[member] = c;
            }
            std::vector<std::string> missing;
            for_each_field<Row>([&](auto i) {
                if (column_of_[i.value] == npos) missing.push_back(detail::format("\"{}\"", column_name_of<Row>(naming_, i.value)));
            });
            if (missing.empty() && unexpected.empty()) return;
            std::string what = detail::format("the columns of the query do not match {}:", type_name<Row>);
            if (!missing.empty()) what += detail::format(" missing {}", detail::join(missing, ", "));
            if (!unexpected.empty())
                what += detail::format("{} unexpected {}", missing.empty() ? "" : ";", detail::join(unexpected, ", "));
            throw mapping_error(detail::format("{} (columns match members by name, ignoring case; rename them with "
                                               "AS); SQL: {}",
                                               what, sql_excerpt(sql)));
        } else {
            constexpr std::size_t expected = [] {
                if constexpr (is_tuple<Row>) return std::tuple_size_v<Row>;
                else return std::size_t{1};
            }();
            if (columns.size() != expected)
                throw mapping_error(detail::format("the query returns {} column{} but {} {}; SQL: {}", columns.size(),
                                                   columns.size() == 1 ? "" : "s",
                                                   is_tuple<Row> ? "the std::tuple has" : "a single value reads",
                                                   expected, sql_excerpt(sql)));
        }
    }

    /// One row as Row. @throws relata::mapping_error naming the column (e.g. NULL into a
    /// non-optional member).
    template <result_row R>
    Row read(const R& row) const {
        if constexpr (model<Row>) {
            Row object{};
            for_each_field<Row>([&](auto i) {
                const std::string_view member = std::get<i.value>(description<Row>.fields).member_name;
                object.*member_pointer<Row, i.value> = cell_as<field_type<Row, i.value>>(
                    row, column_of_[i.value], [member] { return detail::format("{}::{}", type_name<Row>, member); });
            });
            return object;
        } else if constexpr (is_tuple<Row>) {
            return [&]<std::size_t... I>(std::index_sequence<I...>) {
                return Row{cell_as<std::tuple_element_t<I, Row>>(row, I, [] { return detail::format("tuple element {}", I); })...};
            }(std::make_index_sequence<std::tuple_size_v<Row>>{});
        } else {
            return cell_as<Row>(row, 0, [] { return std::string("the value"); });
        }
    }

private:
    template <class T, result_row R, class Target>
    static T cell_as(const R& row, std::size_t column, Target target) {
        try {
            return from_cell<T>(row.cell(column));
        } catch (const mapping_error& e) {  // conversion_error included
            throw mapping_error(detail::format("cannot read {} from column \"{}\": {}", target(), row.column_name(column),
                                               e.reason()));
        }
    }

    std::size_t member_for(std::string_view column) const {
        std::size_t found = npos;
        if constexpr (model<Row>) {
            for_each_field<Row>([&](auto i) {
                if (found == npos && (equal_ignoring_case(column, column_name_of<Row>(naming_, i.value)) ||
                                      equal_ignoring_case(column, std::get<i.value>(description<Row>.fields).member_name)))
                    found = i.value;
            });
        }
        return found;
    }

    static constexpr std::size_t members() {
        if constexpr (model<Row>) return field_count<Row>;
        else return 0;
    }

    naming naming_;
    std::array<std::size_t, members()> column_of_{};
};

}  // namespace detail

/// The rows of a hand-written query (`relata::query<Row>`), with the result's column names.
/// A container: `begin()`/`end()`, `size()`, `empty()`, `operator[]`, `front()`, `back()`;
/// `rows()` gives the std::vector.
template <class Row>
class query_result {
public:
    using value_type = Row;                                               ///< One row.
    using iterator = typename std::vector<Row>::iterator;                 ///< Iterates the rows.
    using const_iterator = typename std::vector<Row>::const_iterator;     ///< Iterates the rows, read-only.
    using size_type = std::size_t;                                        ///< A row count.

    /// No rows and no column names.
    query_result() = default;
    /// The rows of a result and its column names, in the result's column order.
    query_result(std::vector<Row> rows, std::vector<std::string> column_names)
        : rows_(std::move(rows)), column_names_(std::move(column_names)) {}

    /// The result's column names as the query spells them (PostgreSQL folds unquoted names to
    /// lower case), also when there are no rows.
    [[nodiscard]] const std::vector<std::string>& column_names() const noexcept { return column_names_; }

    /// @name Container access
    /// @{

    /// The first row, in the order the database returned them.
    [[nodiscard]] iterator begin() noexcept { return rows_.begin(); }
    /// Past the last row.
    [[nodiscard]] iterator end() noexcept { return rows_.end(); }
    /// The first row, in the order the database returned them.
    [[nodiscard]] const_iterator begin() const noexcept { return rows_.begin(); }
    /// Past the last row.
    [[nodiscard]] const_iterator end() const noexcept { return rows_.end(); }
    /// The number of rows.
    [[nodiscard]] std::size_t size() const noexcept { return rows_.size(); }
    /// Whether the query returned no rows.
    [[nodiscard]] bool empty() const noexcept { return rows_.empty(); }
    /// Row `i` (0-based), unchecked: `i` must be less than `size()`.
    [[nodiscard]] Row& operator[](std::size_t i) { return rows_[i]; }
    /// Row `i` (0-based), unchecked: `i` must be less than `size()`.
    [[nodiscard]] const Row& operator[](std::size_t i) const { return rows_[i]; }
    /// Row `i`; throws std::out_of_range past the end.
    [[nodiscard]] Row& at(std::size_t i) { return rows_.at(i); }
    /// Row `i`; throws std::out_of_range past the end.
    [[nodiscard]] const Row& at(std::size_t i) const { return rows_.at(i); }
    /// The first row; the result must not be empty.
    [[nodiscard]] Row& front() { return rows_.front(); }
    /// The first row; the result must not be empty.
    [[nodiscard]] const Row& front() const { return rows_.front(); }
    /// The last row; the result must not be empty.
    [[nodiscard]] Row& back() { return rows_.back(); }
    /// The last row; the result must not be empty.
    [[nodiscard]] const Row& back() const { return rows_.back(); }
    /// The rows as a std::vector.
    [[nodiscard]] std::vector<Row>& rows() & noexcept { return rows_; }
    /// The rows as a std::vector.
    [[nodiscard]] const std::vector<Row>& rows() const& noexcept { return rows_; }
    /// The rows as a std::vector, moved out of this (temporary) result.
    [[nodiscard]] std::vector<Row> rows() && noexcept { return std::move(rows_); }
    /// @}

private:
    std::vector<Row> rows_;
    std::vector<std::string> column_names_;
};

/// Runs hand-written SQL with `?` placeholders bound to `arguments` and reads every row into
/// Row (a RELATA_MODEL struct by column name, a std::tuple by position, or a single value).
/// @code
/// relata::query<std::tuple<std::string, std::int64_t>>(db, "SELECT title, votes FROM post WHERE votes > ?", 10);
/// // SQLite: ... WHERE votes > ?     PostgreSQL: ... WHERE votes > $1
/// @endcode
/// @throws relata::placeholder_error (`$1`-style placeholders, a count mismatch);
/// relata::mapping_error (missing or unexpected columns, all listed in one message; a column
/// count that differs from the tuple's; NULL into a non-optional member, naming the column);
/// relata::database_error.
template <class Row, detail::cursor_connection Connection, class... Arguments>
[[nodiscard]] query_result<Row> query(Connection& db, std::string_view sql, const Arguments&... arguments) {
    rendered_query statement = detail::hand_written_query(sql, db.sql_dialect(), {detail::argument_value(arguments)...});
    detail::raw_row_reader<Row> reader(db.sql_dialect().naming);
    auto cursor = open_cursor(db, std::move(statement), true);
    std::vector<Row> rows;
    bool prepared = false;
    while (cursor.next()) {
        if (!prepared) reader.prepare(cursor.column_names(), sql);
        prepared = true;
        rows.push_back(reader.read(cursor.current()));
    }
    if (!prepared) reader.prepare(cursor.column_names(), sql);
    return query_result<Row>(std::move(rows), cursor.column_names());
}

/// Runs hand-written SQL with `?` placeholders bound to `arguments` (as `db.execute(sql, ...)`).
/// @code
/// relata::execute(db, "UPDATE post SET votes = votes + ? WHERE id = ?", 1, 42);
/// // SQLite: ... = votes + ? WHERE id = ?     PostgreSQL: ... = votes + $1 WHERE id = $2
/// @endcode
/// @return rows changed (SQLite `sqlite3_changes64`) or affected (PostgreSQL `PQcmdTuples`).
/// @throws relata::placeholder_error; relata::database_error.
template <connection Connection, class... Arguments>
std::int64_t execute(Connection& db, std::string_view sql, const Arguments&... arguments) {
    return db.execute(detail::hand_written_query(sql, db.sql_dialect(), {detail::argument_value(arguments)...}));
}

}  // namespace relata
