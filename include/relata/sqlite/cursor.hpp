#pragma once
/// @file
/// `relata::sqlite::cursor`: one statement stepped a row at a time, what `relata::stream` and
/// `relata::query` (<relata/stream.hpp>, <relata/raw_sql.hpp>) read SQLite results through.

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <sqlite3.h>

#include "relata/sql/rendered_query.hpp"
#include "relata/sqlite/connection.hpp"

namespace relata::sqlite {

/// A running statement: `next()` steps it (`sqlite3_step`) and `current()` is the row it
/// stopped on. While it is open the connection refuses other statements; the statement comes
/// from the connection's cache, marked in use (or is prepared afresh when the cached one is
/// busy). Destroying it before the end resets the statement (`sqlite3_reset`), which leaves
/// the connection usable. Not movable: it binds its own parameters by address.
class cursor {
public:
    /// Prepares (or takes from the cache), binds and logs `query`; nothing runs before `next()`.
    /// @throws relata::database_error (a relata::stream is already open, a syntax error, a
    /// wrong number of parameters); relata::mapping_error for a NaN parameter.
    cursor(connection& db, rendered_query query) : db_(db), query_(std::move(query)) {
        db_.log(query_.sql);
        ++db_.statement_count_;
        cached_ = db_.acquire(query_.sql, fresh_);
        statement_ = cached_ ? cached_->handle.get() : fresh_.get();
        if (cached_) cached_->in_use = true;
        try {
            db_.bind(statement_, query_);
        } catch (...) {
            finish();
            throw;
        }
        const int columns = sqlite3_column_count(statement_);
        for (int i = 0; i < columns; ++i) {
            const char* name = sqlite3_column_name(statement_, i);
            column_names_.emplace_back(name ? name : "");
        }
        db_.streaming_ = true;
    }
    cursor(const cursor&) = delete;
    cursor& operator=(const cursor&) = delete;

    /// Resets the statement if it has not run to the end.
    ~cursor() { finish(); }

    /// Steps to the next row. @return false at the end (the statement is then reset).
    /// @throws relata::database_error (or a subclass) for an error while stepping.
    bool next() {
        if (!statement_) return false;
        const int rc = sqlite3_step(statement_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) {
            finish();
            return false;
        }
        try {
            detail::throw_error(db_.db_.get(), rc, query_.sql);
        } catch (...) {
            finish();
            throw;
        }
    }

    /// The row `next()` stopped on; valid until the next call of `next()`.
    [[nodiscard]] row current() const noexcept { return row(statement_); }

    /// The result's column names, as the query spells them.
    [[nodiscard]] const std::vector<std::string>& column_names() const noexcept { return column_names_; }

private:
    void finish() noexcept {
        if (!statement_) return;
        sqlite3_reset(statement_);
        sqlite3_clear_bindings(statement_);
        if (cached_) cached_->in_use = false;
        fresh_.reset();
        statement_ = nullptr;
        db_.streaming_ = false;
    }

    connection& db_;
    rendered_query query_;  // bound with SQLITE_STATIC: lives as long as the statement runs
    connection::cached_statement* cached_ = nullptr;
    detail::statement_handle fresh_;
    sqlite3_stmt* statement_ = nullptr;
    std::vector<std::string> column_names_;
};

/// Opens a cursor over `query` on `db` (found by argument-dependent lookup from
/// <relata/stream.hpp>). `whole_result` is for PostgreSQL; SQLite always steps.
[[nodiscard]] inline cursor open_cursor(connection& db, rendered_query query, bool whole_result = false) {
    (void)whole_result;
    return cursor(db, std::move(query));
}

}  // namespace relata::sqlite
