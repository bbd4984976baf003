#pragma once
/// @file
/// `relata::postgres::execute_pipelined`: one statement for many parameter sets in libpq's
/// pipeline mode (libpq >= 14, any server since 7.4): every execution is sent before the first
/// result is read, and one sync ends them all, so N rows cost about one round trip instead of N.

#include <poll.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <libpq-fe.h>

#include "relata/error.hpp"
#include "relata/postgres/binary.hpp"
#include "relata/postgres/connection.hpp"
#include "relata/types.hpp"

namespace relata::postgres {

/// What one execution of `execute_pipelined` did.
struct pipeline_result {
    /// Rows the execution changed (`PQcmdTuples`: 1 for a one-row INSERT).
    std::int64_t affected_rows = 0;
    /// The first column of the first row it returned (`RETURNING "id"`), NULL without rows.
    relata::value returned;
};

namespace detail {

/// The connection internals `execute_pipelined` uses (a friend of relata::postgres::connection).
struct pipeline_access {
    static PGconn* handle(connection& db) noexcept { return db.conn_.get(); }
    // The prepared statement's name and parameter types; an empty name and no types when the
    // connection sends statements unnamed (each set then declares its types from its values).
    static std::pair<std::string, std::vector<Oid>> prepare(connection& db, const std::string& sql) {
        db.check_not_streaming("execute_pipelined()");
        db.check_has_database(sql);
        if (!db.prepare_statements_) return {};
        const connection::prepared_statement& statement = db.prepared(sql);
        return {statement.name, statement.parameter_types};
    }
    // One logger call per execution, with its values, as for statements sent one at a time.
    static void log(connection& db, std::string_view sql, std::span<const std::vector<value>> parameter_sets) {
        for (const std::vector<value>& parameters : parameter_sets) db.log(sql, parameters);
        db.statement_count_ += parameter_sets.size();
    }
};

/// An owned copy of a result cell (RETURNING values outlive their PGresult).
inline relata::value owned_value(const relata::cell& c) {
    return std::visit(
        [](const auto& x) -> relata::value {
            using X = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<X, std::string_view>) return std::string(x);
            else if constexpr (std::is_same_v<X, std::span<const std::byte>>) return blob(x.begin(), x.end());
            else return x;
        },
        c);
}

/// How `execute_pipelined`'s errors number the failing execution: `<noun> <first + i> of
/// <total><suffix>: ` (0-based i). The default is the call's own sets: `parameter set 5000 of
/// 10000: `; the Session numbers an INSERT among every row of its model that the flush inserts,
/// across the pipelines it splits them into (`Author insert 5000 of 10001 in this flush: `).
struct pipeline_numbering {
    std::string_view noun = "parameter set";
    std::size_t first = 0;
    std::optional<std::size_t> total;  // the number of sets when empty
    std::string_view suffix;

    [[nodiscard]] std::string describe(std::size_t i, std::size_t sets) const {
        return fmt::format("{} {} of {}{}", noun, first + i, total.value_or(sets), suffix);
    }
};

}  // namespace detail

/// Runs the statement `sql` (with `$1 ... $n` placeholders) once per element of
/// `parameter_sets`, in pipeline mode: the statement is prepared once (cached like every
/// statement), then every execution is queued (`PQsendQueryPrepared`; `PQsendQueryParams`,
/// each set's types declared from its values, when the connection does not prepare
/// statements: `options::prepared_statements`), one `PQpipelineSync`
/// ends them, and the results are read as they arrive (the connection is non-blocking meanwhile,
/// so neither side waits on a full socket buffer).
/// @code
/// auto results = relata::postgres::execute_pipelined(db,
///     R"(INSERT INTO "post" ("title", "votes") VALUES ($1, $2) RETURNING "id")",
///     std::vector<std::vector<relata::value>>{{std::string("a"), std::int64_t{1}}, ...});
/// // results[i].returned holds the i-th generated id; results[i].affected_rows is 1
/// @endcode
/// Transactions: outside BEGIN, the executions up to the sync form one implicit transaction,
/// so a failure inserts nothing; inside one, a failure aborts it (`transaction_aborted()`), as a
/// failed statement does. Either way the connection is usable afterwards. Each execution is
/// logged (`on_sql`, and `on_sql_with_parameters` with that set's values) and counted as a
/// statement, all before anything is sent: a logger that throws at set i sends nothing.
/// @return one pipeline_result per parameter set, in order.
/// @throws relata::database_error (a constraint_violation for SQLSTATE class 23 ...) for the
/// first execution that failed, its message starting `parameter set <i> of <n>: ` (0-based i),
/// with its SQLSTATE and `sql`; relata::mapping_error, before anything is sent, when a value
/// cannot be sent as its parameter's type (the message names the set too);
/// relata::connection_error when the connection is lost. `numbering` is relata's own (the
/// Session numbers a failing INSERT among all its model's rows in the flush, across the
/// pipelines it splits them into); leave it out.
inline std::vector<pipeline_result> execute_pipelined(connection& db, const std::string& sql,
                                                      std::span<const std::vector<value>> parameter_sets,
                                                      const detail::pipeline_numbering& numbering = {}) {
    std::vector<pipeline_result> results(parameter_sets.size());
    if (parameter_sets.empty()) return results;
    PGconn* conn = detail::pipeline_access::handle(db);
    // Not a structured binding: the lambdas below capture these (Clang 14 cannot capture bindings).
    const std::pair<std::string, std::vector<Oid>> prepared = detail::pipeline_access::prepare(db, sql);
    const std::string& name = prepared.first;
    const std::vector<Oid>& prepared_types = prepared.second;
    const bool unnamed = name.empty();
    const std::size_t width = unnamed ? parameter_sets.front().size() : prepared_types.size();
    // Per set and parameter: the prepared statement's types, or (unnamed) each value's own.
    std::vector<Oid> declared;
    if (unnamed) {
        declared.resize(parameter_sets.size() * width);
        for (std::size_t i = 0; i < parameter_sets.size(); ++i)
            for (std::size_t k = 0; k < width && k < parameter_sets[i].size(); ++k)
                declared[i * width + k] = detail::declared_type(parameter_sets[i][k]);
    }
    const auto type_of = [&](std::size_t set, std::size_t k) { return unnamed ? declared[set * width + k] : prepared_types[k]; };

    // Every set is encoded before anything is sent: a value that cannot be sent must not leave
    // the sets before it committed.
    std::string bytes;
    std::vector<detail::encoded_parameter> encoded(parameter_sets.size() * width);
    for (std::size_t i = 0; i < parameter_sets.size(); ++i) {
        if (parameter_sets[i].size() != width)
            throw database_error(fmt::format("{} has {} values; the statement has {} placeholders",
                                             numbering.describe(i, parameter_sets.size()), parameter_sets[i].size(), width),
                                 sql, "", 0);
        try {
            for (std::size_t k = 0; k < width; ++k)
                detail::encode_parameter(parameter_sets[i][k], type_of(i, k), k + 1, sql, bytes, encoded[i * width + k]);
        } catch (const mapping_error& e) {
            throw mapping_error(fmt::format("{}: {}", numbering.describe(i, parameter_sets.size()), e.reason()));
        }
    }
    detail::pipeline_access::log(db, sql, parameter_sets);

    const auto lost = [&] { detail::throw_error(conn, nullptr, sql); };
    if (PQsetnonblocking(conn, 1) != 0 || PQenterPipelineMode(conn) != 1) lost();
    std::size_t sent = 0;
    std::size_t received = 0;
    bool synced = false;
    bool finished = false;
    std::optional<std::size_t> failed_at;
    detail::result_handle failure;
    // Reads every result that has arrived, without waiting. Each execution yields one result
    // and then a null; the sync yields PGRES_PIPELINE_SYNC.
    const auto drain = [&] {
        if (PQconsumeInput(conn) == 0) lost();
        while (!finished && (received < sent || synced) && PQisBusy(conn) == 0) {
            PGresult* raw = PQgetResult(conn);
            if (raw == nullptr) {
                ++received;
                continue;
            }
            detail::result_handle result(raw);
            switch (PQresultStatus(raw)) {
                case PGRES_PIPELINE_SYNC: finished = true; break;
                case PGRES_COMMAND_OK:
                case PGRES_TUPLES_OK: {
                    pipeline_result& out = results[received];
                    for (const char c : std::string_view(PQcmdTuples(raw))) out.affected_rows = out.affected_rows * 10 + (c - '0');
                    if (PQntuples(raw) > 0 && PQnfields(raw) > 0) out.returned = detail::owned_value(row(raw).cell(0));
                    break;
                }
                case PGRES_PIPELINE_ABORTED: break;  // skipped after the failure
                default:
                    if (!failed_at) {
                        failed_at = received;
                        failure = std::move(result);
                    }
                    break;
            }
        }
    };
    // Waits until the socket can be read, or written while output is pending.
    const auto wait = [&](bool writing) {
        pollfd descriptor{PQsocket(conn), static_cast<short>(POLLIN | (writing ? POLLOUT : 0)), 0};
        if (::poll(&descriptor, 1, -1) < 0) lost();
    };
    const auto leave = [&] {
        PQexitPipelineMode(conn);
        PQsetnonblocking(conn, 0);
    };
    try {
        std::vector<const char*> values(width);
        std::vector<int> lengths(width);
        std::vector<int> formats(width);
        for (std::size_t i = 0; i < parameter_sets.size(); ++i) {
            for (std::size_t k = 0; k < width; ++k) {
                const detail::encoded_parameter& p = encoded[i * width + k];
                values[k] = p.is_null ? nullptr : p.direct ? p.direct : bytes.data() + p.offset;
                lengths[k] = p.length;
                formats[k] = p.format;
            }
            const int queued = unnamed ? PQsendQueryParams(conn, sql.c_str(), static_cast<int>(width),
                                                           declared.data() + i * width, values.data(), lengths.data(),
                                                           formats.data(), 1)
                                       : PQsendQueryPrepared(conn, name.c_str(), static_cast<int>(width), values.data(),
                                                             lengths.data(), formats.data(), 1);
            if (queued != 1) lost();
            ++sent;
            if (sent % 256 == 0) {
                if (PQflush(conn) < 0) lost();
                drain();
            }
        }
        if (PQpipelineSync(conn) != 1) lost();
        synced = true;
        while (!finished) {
            const int pending = PQflush(conn);
            if (pending < 0) lost();
            drain();
            if (!finished) wait(pending == 1);
        }
    } catch (...) {
        leave();
        throw;
    }
    leave();
    if (failed_at)
        detail::throw_error(conn, failure.get(), sql, numbering.describe(*failed_at, parameter_sets.size()) + ": ");
    return results;
}

}  // namespace relata::postgres
