#pragma once
/// @file
/// Streaming: `relata::stream<Row>(db, sql, arguments...)` and `relata::stream(db, query)`
/// return a `relata::row_stream<Row>`, an input range over the running statement that reads
/// one row at a time and never holds the whole result.
///
/// @code
/// for (const Track& t : relata::stream(db, relata::select<Track>().where(t.milliseconds > 300000)))
///     archive(t);
/// for (auto [id, title] : relata::stream<std::tuple<std::int64_t, std::string>>(db, "SELECT id, title FROM post"))
///     index(id, title);
/// @endcode
///
/// Per engine:
/// - SQLite: the prepared statement is stepped (`sqlite3_step`) as the loop advances.
/// - PostgreSQL: the statement is sent with `PQsendQueryPrepared` in single-row mode
///   (`PQsetSingleRowMode`): the server streams, libpq holds one row at a time.
///
/// While a stream is open its connection runs nothing else: another statement (also BEGIN,
/// COMMIT, a Session flush) throws relata::database_error on both engines; use a second
/// connection to write while reading. Leaving the loop early (`break`, an exception) ends the
/// statement and leaves the connection usable: SQLite resets it; PostgreSQL cancels it
/// (`PQcancel`) outside a transaction and reads and discards the rest inside one, which keeps
/// the transaction usable (see relata::postgres::cursor). Do not move or destroy the
/// connection while a stream over it is open.

#include <cstddef>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "relata/connection.hpp"
#include "relata/execute.hpp"
#include "relata/raw_sql.hpp"
#include "relata/sql/placeholders.hpp"
#include "relata/sql/render.hpp"

namespace relata {

namespace detail {

/// What a row_stream reads from, with the backend's cursor type erased (one virtual call per row).
template <class Row>
class row_source {
public:
    virtual ~row_source() = default;
    /// Reads the next row into `current`; false (and `current` empty) at the end.
    virtual bool next() = 0;
    std::optional<Row> current;
};

template <class Row, class Cursor, class Reader>
class cursor_source final : public row_source<Row> {
public:
    template <class Connection>
    cursor_source(Connection& db, rendered_query query, Reader reader, std::string_view sql)
        : cursor_(open_cursor(db, std::move(query), false)), reader_(std::move(reader)), sql_(sql) {}

    bool next() override {
        this->current.reset();
        if (!cursor_.next()) {
            if (!prepared_) reader_.prepare(cursor_.column_names(), sql_);  // column errors also for no rows
            prepared_ = true;
            return false;
        }
        if (!prepared_) reader_.prepare(cursor_.column_names(), sql_);
        prepared_ = true;
        if constexpr (requires { reader_.read_into(*this->current, cursor_.current()); }) {
            try {
                reader_.read_into(this->current.emplace(), cursor_.current());  // no temporary row to move
            } catch (...) {
                this->current.reset();
                throw;
            }
        } else {
            this->current.emplace(reader_.read(cursor_.current()));
        }
        return true;
    }

private:
    Cursor cursor_;
    Reader reader_;
    std::string sql_;
    bool prepared_ = false;
};

/// Reads the rows of a typed query as relata::all does, with the query's row reader (one
/// per row type: queries with the same row type share it, and the stream's code).
template <class Reader>
struct typed_row_reader {
    void prepare(const std::vector<std::string>&, std::string_view) const noexcept {}
    template <result_row R>
    typename Reader::row_type read(const R& row) const {
        return read_row<Reader>(row);
    }
    /// Reads the row into `object` (default-constructed), where the reader allows.
    template <result_row R>
        requires reads_in_place<Reader, R>
    void read_into(typename Reader::row_type& object, const R& row) const {
        Reader::read_into(object, row);
    }
};

template <class Row, class Connection, class Reader>
std::unique_ptr<row_source<Row>> make_source(Connection& db, rendered_query query, Reader reader, std::string_view sql) {
    using cursor_type = decltype(open_cursor(db, std::declval<rendered_query>(), false));
    return std::make_unique<cursor_source<Row, cursor_type, Reader>>(db, std::move(query), std::move(reader), sql);
}

}  // namespace detail

/// An input range over the rows of a running statement, read one at a time as the loop
/// advances (see the file comment). Movable, not copyable; `begin()` may be called once.
/// Works with range-for and with std::ranges algorithms that take input ranges
/// (`std::ranges::for_each`, `find_if`, `count_if` on an lvalue stream).
template <class Row>
class row_stream {
public:
    /// The input iterator; compares equal to `std::default_sentinel` at the end.
    class iterator {
    public:
        using value_type = Row;                             ///< One row.
        using difference_type = std::ptrdiff_t;             ///< Required of an iterator; never used.
        using iterator_concept = std::input_iterator_tag;   ///< A single-pass input iterator.

        /// An iterator at the end (equal to `std::default_sentinel`).
        iterator() = default;
        /// An iterator over `source`'s rows, at its current row (`row_stream::begin()` makes it).
        explicit iterator(detail::row_source<Row>* source) noexcept : source_(source) {}

        /// The current row (movable from: `Row r = std::move(*it)`).
        Row& operator*() const noexcept { return *source_->current; }
        /// The current row's address.
        Row* operator->() const noexcept { return &*source_->current; }
        /// Reads the next row. @throws relata::database_error, relata::mapping_error.
        iterator& operator++() {
            source_->next();
            return *this;
        }
        /// Reads the next row (returns nothing, as input iterators may). @throws as `operator++()`.
        void operator++(int) { ++*this; }
        /// Whether `it` is past the last row (or default-constructed).
        friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept {
            return !it.source_ || !it.source_->current;
        }

    private:
        detail::row_source<Row>* source_ = nullptr;
    };

    /// A stream over `source`, which owns the running statement (made by `relata::stream`).
    explicit row_stream(std::unique_ptr<detail::row_source<Row>> source) noexcept : source_(std::move(source)) {}

    /// Reads the first row. @throws relata::error when called twice; as `iterator::operator++`.
    iterator begin() {
        if (started_) throw error("row_stream::begin() was called twice: a stream can be read once");
        started_ = true;
        source_->next();
        return iterator(source_.get());
    }
    /// The end of the rows.
    std::default_sentinel_t end() const noexcept { return std::default_sentinel; }

private:
    std::unique_ptr<detail::row_source<Row>> source_;
    bool started_ = false;
};

/// Runs hand-written SQL with `?` placeholders bound to `arguments` and streams its rows as
/// Row (a RELATA_MODEL struct by column name, a std::tuple by position, or a single value,
/// as relata::query).
/// @code
/// for (const Post& p : relata::stream<Post>(db, "SELECT * FROM post WHERE votes > ?", 10)) ...
/// // SQLite: ... WHERE votes > ?     PostgreSQL: ... WHERE votes > $1 (single-row mode)
/// @endcode
/// @throws relata::placeholder_error; relata::database_error (also when another stream is
/// open on `db`); while iterating relata::mapping_error and relata::database_error.
template <class Row, detail::cursor_connection Connection, class... Arguments>
[[nodiscard]] row_stream<Row> stream(Connection& db, std::string_view sql, const Arguments&... arguments) {
    rendered_query statement = detail::hand_written_query(sql, db.sql_dialect(), {detail::argument_value(arguments)...});
    return row_stream<Row>(detail::make_source<Row>(db, std::move(statement),
                                                    detail::raw_row_reader<Row>(db.sql_dialect().naming), sql));
}

/// Streams the rows of a query object (a SELECT, or a write with `returning(...)`), rendered
/// with `to_sql(query, db.sql_dialect())` and read as relata::all reads them.
/// @code
/// for (const Post& p : relata::stream(db, relata::select<Post>().where(p.votes > 10))) ...
/// // SELECT "id", "title", "votes" FROM "post" WHERE "votes" > ?   ($1 on PostgreSQL)
/// @endcode
/// @throws relata::database_error; while iterating relata::mapping_error and
/// relata::database_error.
template <detail::cursor_connection Connection, row_query Q>
[[nodiscard]] row_stream<typename Q::row_type> stream(Connection& db, const Q& query) {
    rendered_query statement = to_sql(query, db.sql_dialect());
    std::string sql = statement.sql;
    return row_stream<typename Q::row_type>(
        detail::make_source<typename Q::row_type>(db, std::move(statement), detail::typed_row_reader<detail::query_reader_t<Q>>{}, sql));
}

}  // namespace relata
