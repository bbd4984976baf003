// relata::pool on both engines: the maximum size and acquire timeout, connections returned
// clean, a throwing open function, a broken PostgreSQL connection replaced, and 8 threads
// sharing 4 connections through Sessions.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <relata/pool.hpp>

#include "backends.hpp"
#include "database_file.hpp"

namespace pool_test {

struct Visit {
    std::int64_t id = 0;
    std::string page;
    int worker = 0;
};
RELATA_MODEL(Visit, id, page, worker)

}  // namespace pool_test

using pool_test::Visit;

namespace {

using namespace std::chrono_literals;

/// One database that many connections open: a WAL file for SQLite, the test schema for
/// PostgreSQL. `opener()` is the pool's open function.
#if defined(RELATA_TEST_BACKEND_SQLITE)
struct shared_database {
    relata_test::database_file file{"pool"};  // declared first: removed after the connection closes
    relata_test::connection db = relata::sqlite::connect(file.path(), {.write_ahead_log = true});

    [[nodiscard]] std::function<relata_test::connection()> opener() const {
        return [path = file.path()] { return relata::sqlite::connect(path, {.write_ahead_log = true}); };
    }
};
#else
struct shared_database {
    relata_test::database test;
    relata_test::connection& db = test.db;
    [[nodiscard]] std::function<relata_test::connection()> opener() const {
        return [this] { return test.open_another(); };
    }
};
#endif

}  // namespace

RELATA_BACKEND_TEST("pool: at most max_size connections; acquire waits, then throws pool_timeout", "[pool]") {
    shared_database shared;
    relata::pool<relata_test::connection> pool{shared.opener(), {.max_size = 2, .acquire_timeout = 50ms}};
    auto first = pool.acquire();
    auto second = pool.acquire();
    CHECK(first.get() != second.get());
    CHECK_THROWS_AS((void)pool.acquire(), relata::pool_timeout);
    relata::pool_statistics statistics = pool.statistics();
    CHECK(statistics.open == 2);
    CHECK(statistics.in_use == 2);
    CHECK(statistics.created == 2);
    CHECK(statistics.timeouts == 1);
    CHECK(statistics.waits == 1);

    // A waiting acquire gets the connection another thread gives back.
    relata_test::connection* lent = second.get();
    relata_test::connection* received = nullptr;
    relata::pool<relata_test::connection> patient_pool{shared.opener(), {.max_size = 1, .acquire_timeout = 10s}};
    auto held = patient_pool.acquire();
    relata_test::connection* only = held.get();
    std::thread waiter([&] {
        auto mine = patient_pool.acquire();
        received = mine.get();
    });
    std::this_thread::sleep_for(50ms);
    held.release();
    waiter.join();
    CHECK(received == only);
    CHECK(patient_pool.statistics().created == 1);
    CHECK(patient_pool.statistics().waits == 1);

    // Given back, then lent again without opening another.
    second.release();
    auto again = pool.acquire();
    CHECK(again.get() == lent);
    CHECK(pool.statistics().created == 2);
    CHECK(pool.statistics().acquired == 3);
}

RELATA_BACKEND_TEST("pool: a connection comes back without its transaction and loggers", "[pool]") {
    shared_database shared;
    relata::create_all<Visit>(shared.db);
    relata::pool<relata_test::connection> pool{shared.opener(), {.max_size = 1}};
    std::size_t logged = 0;
    {
        auto db = pool.acquire();
        db->on_sql([&](std::string_view) { ++logged; });
        db->begin();
        db->execute("INSERT INTO visit (page, worker) VALUES ('left open', 0)");
        REQUIRE(db->in_transaction());
    }  // returned: ROLLBACK
    const std::size_t logged_before = logged;
    auto db = pool.acquire();
    CHECK_FALSE(db->in_transaction());
    CHECK(relata_test::scalar(*db, "SELECT COUNT(*) FROM visit") == 0);
    CHECK(logged == logged_before);  // the logger of the last borrower is gone
    CHECK(pool.statistics().created == 1);
    CHECK(pool.statistics().discarded == 0);
}

RELATA_BACKEND_TEST("pool: a throwing open function leaves the pool as it was", "[pool][failure]") {
    shared_database shared;
    std::atomic<int> calls{0};
    const auto open = shared.opener();
    relata::pool<relata_test::connection> pool{[&] {
                                                   if (++calls == 2) throw std::runtime_error("no more connections today");
                                                   return open();
                                               },
                                               {.max_size = 2, .acquire_timeout = 50ms}};
    auto first = pool.acquire();
    CHECK_THROWS_WITH((void)pool.acquire(), "no more connections today");
    CHECK(pool.statistics().open == 1);
    auto second = pool.acquire();  // the third call opens one
    CHECK(pool.statistics().open == 2);
    CHECK(pool.statistics().created == 2);
    CHECK_THROWS_AS(relata::pool<relata_test::connection>(shared.opener(), {.max_size = 0}), relata::error);
}

RELATA_BACKEND_TEST("pool: 8 threads share 4 connections through Sessions; every row written once", "[pool][concurrency]") {
    shared_database shared;
    relata::create_all<Visit>(shared.db);
    relata::pool<relata_test::connection> pool{shared.opener(), {.max_size = 4, .acquire_timeout = 60s}};
    constexpr int threads = 8;
    constexpr int iterations = 50;
    std::atomic<int> failures{0};
    std::vector<std::thread> workers;
    for (int worker = 0; worker < threads; ++worker) {
        workers.emplace_back([&, worker] {
            try {
                for (int i = 0; i < iterations; ++i) {
                    auto db = pool.acquire();
                    relata::retry_transaction(*db, [&](relata::session<relata_test::connection>& session) {
                        session.add(Visit{.page = fmt::format("page {}", i), .worker = worker});
                    });
                }
            } catch (const std::exception& error) {
                ++failures;
                std::fprintf(stderr, "worker %d: %s\n", worker, error.what());
            }
        });
    }
    for (auto& worker : workers) worker.join();
    CHECK(failures == 0);
    CHECK(relata_test::scalar(shared.db, "SELECT COUNT(*) FROM visit") == threads * iterations);
    CHECK(relata_test::scalar(shared.db, "SELECT COUNT(DISTINCT worker) FROM visit") == threads);
    const relata::pool_statistics statistics = pool.statistics();
    CHECK(statistics.created <= 4);
    CHECK(statistics.acquired == static_cast<std::uint64_t>(threads * iterations));
    CHECK(statistics.in_use == 0);
    CHECK(statistics.idle == statistics.open);
}

RELATA_BACKEND_TEST("pool: a Session over a pool borrows a connection for each unit of work", "[pool][session]") {
    shared_database shared;
    relata::create_all<Visit>(shared.db);
    relata::pool<relata_test::connection> pool{shared.opener(), {.max_size = 1, .acquire_timeout = 50ms}};
    {
        relata::session<relata_test::connection> session{pool};
        auto& visit = session.add(Visit{.page = "home", .worker = 1});
        CHECK(pool.statistics().in_use == 0);  // no statement yet
        session.flush();
        CHECK(pool.statistics().in_use == 1);  // the unit of work holds it
        session.commit();
        CHECK(pool.statistics().in_use == 0);  // given back at commit
        CHECK(visit.id != 0);

        // Still tracked in the next unit of work, on whatever connection it borrows.
        visit.worker = 2;
        CHECK(session.get<Visit>(visit.id).worker == 2);  // the identity map, no SQL
        session.commit();
        CHECK(relata_test::scalar(shared.db, "SELECT worker FROM visit") == 2);

        // While a unit of work holds the only connection, another Session waits, then times out.
        CHECK(session.count(relata::select<Visit>()) == 1);  // autobegin: holds the connection
        relata::session<relata_test::connection> other{pool};
        CHECK_THROWS_AS(other.count(relata::select<Visit>()), relata::pool_timeout);
        visit.worker = 3;
        session.rollback();  // gives it back; the change is undone
        CHECK(visit.worker == 2);
        CHECK(pool.statistics().in_use == 0);
        CHECK(other.count(relata::select<Visit>()) == 1);
        other.commit();

        // A unit of work left open when the Session ends: rolled back, connection given back.
        session.add(Visit{.page = "never", .worker = 9});
        session.flush();
    }
    CHECK(pool.statistics().in_use == 0);
    CHECK(relata_test::scalar(shared.db, "SELECT COUNT(*) FROM visit") == 1);
    CHECK(pool.statistics().created == 1);
}

#if defined(RELATA_TEST_BACKEND_POSTGRES)
RELATA_BACKEND_TEST("pool: a connection whose server process was terminated is replaced", "[pool][failure]") {
    shared_database shared;
    relata::pool<relata_test::connection> pool{shared.opener(), {.max_size = 1}};
    std::int64_t first_pid = 0;
    {
        auto db = pool.acquire();
        first_pid = relata_test::scalar(*db, "SELECT pg_backend_pid()");
        CHECK(relata_test::scalar(shared.db, "SELECT COUNT(*) FROM pg_terminate_backend(?) WHERE pg_terminate_backend",
                                  {relata::value{first_pid}}) == 1);
        CHECK_THROWS_AS(db->execute("SELECT 1"), relata::connection_error);
    }  // given back broken: closed
    CHECK(pool.statistics().discarded == 1);
    CHECK(pool.statistics().open == 0);
    auto db = pool.acquire();
    CHECK(relata_test::scalar(*db, "SELECT pg_backend_pid()") != first_pid);
    CHECK(pool.statistics().created == 2);
}
#endif
