#pragma once
/// @file
/// `relata::postgres::cursor`: a statement whose rows arrive one at a time (libpq single-row
/// mode), what `relata::stream` and `relata::query` (<relata/stream.hpp>,
/// <relata/raw_sql.hpp>) read PostgreSQL results through.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <type_traits>
#include <variant>
#include <vector>

#include <libpq-fe.h>

#include "relata/sql/rendered_query.hpp"
#include "relata/postgres/connection.hpp"

namespace relata::postgres {

/// A running statement sent with `PQsendQueryPrepared` (`PQsendQueryParams` above 7,000
/// parameters, as `execute`). In single-row mode (`PQsetSingleRowMode`, libpq 9.2+) each
/// `next()` receives one row from the server, so memory does not grow with the result;
/// otherwise the first `next()` receives the whole result.
///
/// While it is open the connection refuses other statements (libpq can run one at a time, and
/// would otherwise silently read and discard the rest of the stream). Destroying it before the
/// end leaves the connection usable:
/// - outside a transaction the statement is cancelled (`PQcancel`) and what the server already
///   sent is discarded; a cancelled INSERT/UPDATE/DELETE ... RETURNING is rolled back, as any
///   cancelled statement in its own implicit transaction;
/// - inside a transaction the rest of the rows are read and discarded, because a cancel would
///   abort the transaction (SQLSTATE 57014); the statement completes and the transaction stays
///   usable.
/// Not movable.
class cursor {
public:
    /// Prepares (or takes from the cache), binds, logs and sends `query`.
    /// @throws relata::database_error (a relata::stream is already open, a syntax error, a
    /// wrong number of parameters); relata::mapping_error for a parameter that cannot be sent.
    cursor(connection& db, rendered_query query, bool single_row) : db_(db), query_(std::move(query)), single_row_(single_row) {
        db_.log(query_.sql);
        ++db_.statement_count_;
        in_transaction_ = db_.in_transaction();
        send();
        db_.streaming_ = true;
    }
    cursor(const cursor&) = delete;
    cursor& operator=(const cursor&) = delete;

    /// Cancels or drains the rest (see the class comment); never throws.
    ~cursor() {
        if (!open_) return;
        PGconn* conn = db_.conn_.get();
        if (!in_transaction_ && single_row_) {
            if (PGcancel* cancel = PQgetCancel(conn)) {
                char message[256];
                (void)PQcancel(cancel, message, sizeof message);  // best effort: draining ends it anyway
                PQfreeCancel(cancel);
            }
        }
        finish();
    }

    /// Receives the next row. @return false at the end.
    /// @throws relata::database_error (or a subclass) for an error the statement ran into,
    /// also after some rows (e.g. division by zero in row 500).
    bool next() {
        current_.reset();
        if (result_ && ++row_index_ < PQntuples(result_.get())) {
            current_.emplace(result_.get(), row_index_);
            current_->types_ = types_;
            return true;
        }
        if (!open_) return false;
        for (;;) {
            result_.reset(PQgetResult(db_.conn_.get()));
            if (!result_) {
                finish();
                return false;
            }
            const ExecStatusType status = PQresultStatus(result_.get());
            if (status == PGRES_SINGLE_TUPLE || status == PGRES_TUPLES_OK) {
                read_column_names();
                if (status == PGRES_TUPLES_OK) finish();  // the last result: the connection is free again
                row_index_ = 0;
                if (PQntuples(result_.get()) == 0) {  // no rows, or the empty result after the last single row
                    result_.reset();
                    return false;
                }
                if (!types_read_) {  // every result of one statement has the same columns
                    // While rows are still to come the connection cannot look a type up (that
                    // would drain them): then only what earlier lookups found. After the last
                    // result (a whole result), it can.
                    types_ = db_.result_types(result_.get(), known_types_, resolved_types_, /*known_only=*/open_);
                    types_read_ = true;
                }
                current_.emplace(result_.get(), row_index_);
                current_->types_ = types_;
                delivered_ = true;
                return true;
            }
            if (status == PGRES_COMMAND_OK || status == PGRES_EMPTY_QUERY) {
                finish();
                result_.reset();
                return false;
            }
            if (retry_when_stale()) continue;
            fail();
        }
    }

    /// The row `next()` received; valid until the next call of `next()`.
    [[nodiscard]] const row& current() const noexcept { return *current_; }

    /// The result's column names, known after the first call of `next()`.
    [[nodiscard]] const std::vector<std::string>& column_names() const noexcept { return column_names_; }

private:
    void send() {
        PGconn* conn = db_.conn_.get();
        int sent = 0;
        if (!db_.prepare_statements_ || query_.parameters.size() > connection::describe_limit) {
            connection::prepared_statement statement;
            for (const value& v : query_.parameters) statement.parameter_types.push_back(detail::declared_type(v));
            db_.bind(statement, query_);
            sent = PQsendQueryParams(conn, query_.sql.c_str(), static_cast<int>(db_.values_.size()),
                                     statement.parameter_types.data(), db_.values_.data(), db_.lengths_.data(),
                                     db_.formats_.data(), 1);
        } else {
            const connection::prepared_statement& statement = db_.prepared(query_.sql);
            db_.bind(statement, query_);
            sent = PQsendQueryPrepared(conn, statement.name.c_str(), static_cast<int>(db_.values_.size()),
                                       db_.values_.data(), db_.lengths_.data(), db_.formats_.data(), 1);
        }
        if (!sent) detail::throw_error(conn, nullptr, query_.sql);
        open_ = true;
        if (single_row_) (void)PQsetSingleRowMode(conn);  // fails only when not called right after sending
    }

    void read_column_names() {
        if (!column_names_.empty() || !result_) return;
        const int columns = PQnfields(result_.get());
        for (int i = 0; i < columns; ++i) column_names_.emplace_back(PQfname(result_.get(), i));
    }

    // Reads and discards what is left, up to libpq's end-of-command NULL; frees the connection.
    void finish() noexcept {
        if (!open_) return;
        while (PGresult* rest = PQgetResult(db_.conn_.get())) {
            const ExecStatusType status = PQresultStatus(rest);
            PQclear(rest);
            if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH) {
                db_.abandon_copy(status);
                break;
            }
        }
        open_ = false;
        db_.streaming_ = false;
    }

    // As connection::run: a cached statement the server dropped (DEALLOCATE ALL) or whose
    // result columns changed is prepared again and sent once more, when no row has arrived and
    // no transaction was aborted by the failure.
    bool retry_when_stale() {
        const auto stale = connection::staleness_of(result_.get());
        if (stale == connection::staleness::none || delivered_ || retried_ || in_transaction_) return false;
        if (connection::prepared_statement* cached = db_.cache_.peek(query_.sql)) cached->stale = stale;
        result_.reset();
        finish();
        retried_ = true;
        types_read_ = false;  // the statement is prepared again: its columns may have changed
        resolved_types_.clear();
        send();
        db_.streaming_ = true;
        return true;
    }

    [[noreturn]] void fail() {
        detail::result_handle failed = std::move(result_);
        const ExecStatusType status = PQresultStatus(failed.get());
        if (status != PGRES_COPY_IN && status != PGRES_COPY_OUT && status != PGRES_COPY_BOTH) finish();
        else {
            open_ = false;
            db_.streaming_ = false;
        }
        // A cached statement the server dropped or whose columns changed is prepared again next time.
        if (const auto stale = connection::staleness_of(failed.get()); stale != connection::staleness::none) {
            if (connection::prepared_statement* cached = db_.cache_.peek(query_.sql)) cached->stale = stale;
        }
        db_.check(failed, query_.sql);
        detail::throw_error(db_.conn_.get(), failed.get(), query_.sql);
    }

    connection& db_;
    rendered_query query_;
    bool single_row_;
    bool in_transaction_ = false;
    bool open_ = false;  // sent, and libpq's final NULL result not read yet
    bool delivered_ = false;
    bool retried_ = false;
    detail::result_handle result_;
    int row_index_ = 0;
    std::optional<row> current_;
    std::vector<std::string> column_names_;
    // The result's column types, enums and domains resolved from the connection's cache (its
    // statement's prepare looked them up: see connection::prepared), read at the first result.
    std::array<Oid, 16> known_types_{};
    std::vector<Oid> resolved_types_;
    const Oid* types_ = nullptr;
    bool types_read_ = false;
};

/// Opens a cursor over `query` on `db` (found by argument-dependent lookup from
/// <relata/stream.hpp>): single-row mode, unless `whole_result`, when the first `next()`
/// receives every row at once (faster for results that are kept anyway).
[[nodiscard]] inline cursor open_cursor(connection& db, rendered_query query, bool whole_result = false) {
    return cursor(db, std::move(query), !whole_result);
}

}  // namespace relata::postgres
