// Concurrency stress (issue 9, CTest label `stress`): 8 threads run read-modify-write
// transactions on 4 shared counters through Sessions with optimistic locking (a version
// column) and relata::retry_transaction. PostgreSQL: the threads borrow 4 connections from a
// relata::pool; SQLite (a WAL file): each thread has its own connection, SQLITE_BUSY retried.
// At the end every counter equals the increments whose commit returned: no update lost, none
// counted twice. Bounded: at most `transactions_per_thread` each and `time_budget` in all.
// Also built with ThreadSanitizer (see .ci/run).
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <relata/pool.hpp>

#include "backends.hpp"
#include "database_file.hpp"

namespace stress_test {

struct Counter {
    std::int64_t id = 0;
    std::int64_t value = 0;
    std::int64_t version = 0;
};
RELATA_MODEL(Counter, id, value, version)

}  // namespace stress_test

template <>
struct relata::mapping<stress_test::Counter> {
    static constexpr auto version = &stress_test::Counter::version;
};

using stress_test::Counter;

namespace {

using namespace std::chrono_literals;

constexpr int threads = 8;
constexpr int counters = 4;
constexpr int transactions_per_thread = 500;
constexpr auto time_budget = 120s;

/// What one thread did.
struct thread_report {
    std::array<std::int64_t, counters> committed{};  // increments whose commit returned
    relata::retry_statistics retries;
    int failures = 0;  // units of work that gave up (retries exhausted) or failed otherwise
    std::string first_failure;
};

/// Runs the workload: `connection_for(thread)(work)` calls `work(connection)` for each
/// transaction with the connection that thread uses.
template <class Borrow>
std::vector<thread_report> run_workers(Borrow&& borrow) {
    std::vector<thread_report> reports(threads);
    std::vector<std::thread> workers;
    const auto deadline = std::chrono::steady_clock::now() + time_budget;
    relata::retry_options options;
    options.attempts = 1000;
    options.initial_backoff = 200us;
    options.max_backoff = 20ms;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            thread_report& report = reports[static_cast<std::size_t>(t)];
            for (int i = 0; i < transactions_per_thread && std::chrono::steady_clock::now() < deadline; ++i) {
                const std::int64_t id = 1 + (t + i) % counters;
                try {
                    borrow(t, [&](relata_test::connection& db) {
                        relata::retry_transaction(
                            db,
                            [&](relata::session<relata_test::connection>& session) { session.get<Counter>(id).value += 1; },
                            options, report.retries);
                    });
                    ++report.committed[static_cast<std::size_t>(id - 1)];
                } catch (const std::exception& error) {
                    if (report.failures++ == 0) report.first_failure = error.what();
                }
            }
        });
    }
    for (auto& worker : workers) worker.join();
    return reports;
}

/// Checks every counter against the committed increments and prints the summary line.
template <class Connection>
void check_counters(Connection& db, const std::vector<thread_report>& reports) {
    std::array<std::int64_t, counters> expected{};
    relata::retry_statistics total;
    int failures = 0;
    for (const thread_report& report : reports) {
        for (std::size_t c = 0; c < counters; ++c) expected[c] += report.committed[c];
        total.attempts += report.retries.attempts;
        total.conflicts += report.retries.conflicts;
        total.stale += report.retries.stale;
        total.committed += report.retries.committed;
        failures += report.failures;
        if (!report.first_failure.empty()) UNSCOPED_INFO("a worker failed: " << report.first_failure);
    }
    std::int64_t lost = 0;
    std::int64_t committed = 0;
    for (std::size_t c = 0; c < counters; ++c) {
        const std::int64_t stored =
            relata_test::scalar(db, "SELECT value FROM counter WHERE id = ?", {relata::value{std::int64_t(c + 1)}});
        CAPTURE(c + 1, stored, expected[c]);
        CHECK(stored == expected[c]);
        lost += expected[c] - stored;
        committed += expected[c];
    }
    CHECK(failures == 0);
    CHECK(static_cast<std::uint64_t>(committed) == total.committed);
    CHECK(committed > 0);
    std::printf("stress (%s): %d threads, %lld transactions committed, %llu conflicts and %llu stale versions "
                "retried, %d failed, rows lost %lld\n",
                RELATA_TEST_BACKEND_NAME, threads, static_cast<long long>(committed),
                static_cast<unsigned long long>(total.conflicts), static_cast<unsigned long long>(total.stale), failures,
                static_cast<long long>(lost));
}

void seed(relata_test::connection& db) {
    relata::create_all<Counter>(db);
    for (int c = 1; c <= counters; ++c) db.execute("INSERT INTO counter (id, value, version) VALUES (?, 0, 0)", c);
}

}  // namespace

#if defined(RELATA_TEST_BACKEND_POSTGRES)
RELATA_BACKEND_TEST("stress: 8 threads x 500 read-modify-write Sessions through a pool of 4; no update lost",
                    "[stress]") {
    relata_test::database test;
    seed(test.db);
    relata::pool<relata_test::connection> pool{[&] { return test.open_another(); },
                                               {.max_size = 4, .acquire_timeout = 60s}};
    const auto reports = run_workers([&](int, const std::function<void(relata_test::connection&)>& work) {
        auto db = pool.acquire();
        work(*db);
    });
    check_counters(test.db, reports);
    CHECK(pool.statistics().created <= 4);
    CHECK(pool.statistics().in_use == 0);
}
#else
RELATA_BACKEND_TEST("stress: 8 threads x 500 read-modify-write Sessions on a WAL file; no update lost", "[stress]") {
    const relata_test::database_file file{"stress"};
    const std::string& path = file.path();
    {
        auto db = relata::sqlite::connect(path, {.write_ahead_log = true});
        seed(db);
        std::vector<relata_test::connection> own;
        own.reserve(threads);
        for (int t = 0; t < threads; ++t) own.push_back(relata::sqlite::connect(path, {.write_ahead_log = true}));
        const auto reports = run_workers([&](int t, const std::function<void(relata_test::connection&)>& work) {
            work(own[static_cast<std::size_t>(t)]);
        });
        check_counters(db, reports);
    }
}
#endif
