#pragma once
/// @file
/// `relata::retry_transaction`: runs a unit of work in a fresh Session, commits it, and reruns
/// it from the start when it lost a race with a concurrent transaction.
///
/// @code
/// relata::retry_statistics stats;
/// relata::retry_transaction(db, [](auto& session) {
///     auto& counter = session.template get<Counter>(1);  // BEGIN IMMEDIATE (SQLite) / BEGIN ISOLATION LEVEL ...
///     counter.value += 1;                                 // SELECT ... WHERE "id" = ?
/// }, {.session = {.transaction = {.isolation = relata::isolation_level::serializable}}}, stats);
///                                                         // UPDATE ...; COMMIT — rerun on 40001/40P01/SQLITE_BUSY
/// @endcode
///
/// Sources: PostgreSQL "Serialization Failure Handling"
/// (https://www.postgresql.org/docs/current/mvcc-serialization-failure-handling.html: retry
/// the complete transaction on 40001 and 40P01); exponential backoff with jitter as in "Exponential
/// Backoff And Jitter" (AWS Architecture Blog, 2015).

#include <algorithm>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <functional>
#include <thread>
#include <type_traits>
#include <utility>

#include "relata/connection.hpp"
#include "relata/error.hpp"
#include "relata/session.hpp"
#include "relata/session/options.hpp"

namespace relata {

/// How `relata::retry_transaction` retries.
struct retry_options {
    /// Runs of the unit of work at most, the first included (at least 1).
    int attempts = 10;
    /// Upper bound of the wait before the second attempt; doubles before every further one.
    std::chrono::microseconds initial_backoff{1000};
    /// The wait never exceeds this.
    std::chrono::microseconds max_backoff{100'000};
    /// Options of the Session each attempt creates (isolation level, SQLite begin mode, autoflush).
    session_options session{};
};

/// What `relata::retry_transaction` did, added to by every call that is given one.
struct retry_statistics {
    std::uint64_t attempts = 0;        ///< runs of the unit of work (successful ones included)
    std::uint64_t conflicts = 0;       ///< attempts that failed with relata::transaction_conflict
    std::uint64_t stale = 0;           ///< attempts that failed with relata::stale_data_error
    std::uint64_t committed = 0;       ///< units of work committed
    std::chrono::microseconds waited{0};  ///< time slept in backoff
};

namespace detail {

/// The wait before attempt `attempt + 1` (attempt counts from 1): a uniformly random duration
/// in [cap/2, cap] with cap = min(max_backoff, initial_backoff * 2^(attempt-1)) ("equal
/// jitter"), so two losers of the same race do not collide again in lockstep.
inline std::chrono::microseconds retry_backoff(const retry_options& options, int attempt) {
    // splitmix64 seeded per thread from the clock and the thread's own state address: jitter,
    // not cryptography (<random> would cost every translation unit about 0.2 s to compile).
    thread_local std::uint64_t state =
        static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
        reinterpret_cast<std::uintptr_t>(&state);
    const auto next = [] {
        std::uint64_t z = (state += 0x9e3779b97f4a7c15u);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
        return z ^ (z >> 31);
    };
    const auto initial = std::max<std::int64_t>(options.initial_backoff.count(), 0);
    const auto limit = std::max<std::int64_t>(options.max_backoff.count(), 0);
    std::int64_t cap = initial;
    for (int i = 1; i < attempt && cap < limit; ++i) cap *= 2;
    cap = std::min(cap, limit);
    if (cap <= 0) return std::chrono::microseconds{0};
    const auto low = static_cast<std::uint64_t>(cap / 2);
    const auto span = static_cast<std::uint64_t>(cap) - low + 1;  // [cap/2, cap]; the modulo bias is negligible
    return std::chrono::microseconds{static_cast<std::int64_t>(low + next() % span)};
}

/// The retry loop, independent of where a connection comes from: `attempt()` runs one whole
/// unit of work (a connection pool overload acquires its connection inside it).
template <class Attempt>
auto retry_loop(const retry_options& options, retry_statistics* statistics, Attempt&& attempt) {
    const int attempts = std::max(options.attempts, 1);
    for (int run = 1;; ++run) {
        if (statistics) ++statistics->attempts;
        try {
            if constexpr (std::is_void_v<std::invoke_result_t<Attempt&>>) {
                attempt();
                if (statistics) ++statistics->committed;
                return;
            } else {
                auto result = attempt();
                if (statistics) ++statistics->committed;
                return result;
            }
        } catch (const transaction_conflict&) {
            if (statistics) ++statistics->conflicts;
            if (run >= attempts) throw;
        } catch (const stale_data_error&) {
            if (statistics) ++statistics->stale;
            if (run >= attempts) throw;
        }
        const auto wait = retry_backoff(options, run);
        if (statistics) statistics->waited += wait;
        if (wait.count() > 0) std::this_thread::sleep_for(wait);
    }
}

}  // namespace detail

/// Runs a unit of work as one transaction and reruns it while it loses races: each attempt
/// creates a fresh `relata::session` over `db` with `options.session`, calls `work(session)`,
/// and commits. An attempt that throws relata::transaction_conflict (PostgreSQL 40001
/// serialization failure or 40P01 deadlock, SQLite SQLITE_BUSY after the busy timeout) or
/// relata::stale_data_error (a flushed UPDATE/DELETE matched no row) is rolled back and, after
/// a backoff (exponential from `initial_backoff`, capped by `max_backoff`, with jitter), run
/// again from the start, at most `options.attempts` times in all; then its last error is
/// rethrown. Any other exception (from `work` too) is not retried: the attempt's transaction
/// is rolled back (the Session's destructor) and the exception propagates.
///
/// `work` must be safe to run several times: everything it reads and writes goes through the
/// Session it is given; effects outside the database (messages, files) belong after the call.
///
/// SQL per attempt: SQLite `BEGIN IMMEDIATE` (the Session default) ... `COMMIT`; PostgreSQL
/// `BEGIN` or `BEGIN ISOLATION LEVEL ...` (options.session.transaction.isolation) ... `COMMIT`.
/// On PostgreSQL pick repeatable read or serializable: under read committed a read-modify-write
/// can still lose an update without any error to retry on.
/// @param db a connection with no open transaction (a retry must roll back the whole transaction).
/// @param work called as `work(session)`; its result (not a reference: the Session and its
/// objects are gone when the call returns) is returned.
/// @param options attempts, backoff, Session options.
/// @param statistics attempts, conflicts, stale-data failures, commits and time waited are
/// added to it.
/// @return what `work` returned in the attempt that committed.
/// @throws relata::session_error when `db` is inside a transaction; the last
/// relata::transaction_conflict / relata::stale_data_error after `attempts` runs; any other
/// exception of `work`, the Session or COMMIT at once.
template <connection Connection, class Work>
    requires std::invocable<Work&, session<Connection>&>
auto retry_transaction(Connection& db, Work&& work, const retry_options& options, retry_statistics& statistics) {
    using result = std::invoke_result_t<Work&, session<Connection>&>;
    static_assert(!std::is_reference_v<result>,
                  "relata: retry_transaction destroys its Session after the commit: return values, not references "
                  "to tracked objects");
    if (db.in_transaction())
        throw session_error("retry_transaction needs a connection without an open transaction: a retry rolls back "
                            "and reruns the whole transaction");
    return detail::retry_loop(options, &statistics, [&]() -> result {
        session<Connection> session{db, options.session};
        if constexpr (std::is_void_v<result>) {
            std::invoke(work, session);
            session.commit();
        } else {
            result value = std::invoke(work, session);
            session.commit();
            return value;
        }
    });
}

/// `retry_transaction` without statistics.
template <connection Connection, class Work>
    requires std::invocable<Work&, session<Connection>&>
auto retry_transaction(Connection& db, Work&& work, const retry_options& options = {}) {
    retry_statistics ignored;
    return retry_transaction(db, std::forward<Work>(work), options, ignored);
}

/// `retry_transaction` with at most `attempts` runs and the default backoff and Session options.
template <connection Connection, class Work>
    requires std::invocable<Work&, session<Connection>&>
auto retry_transaction(Connection& db, Work&& work, int attempts) {
    retry_options options;
    options.attempts = attempts;
    return retry_transaction(db, std::forward<Work>(work), options);
}

}  // namespace relata
