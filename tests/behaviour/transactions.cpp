// Transactions: Session autobegin, transaction options, retry_transaction, begin_nested, and
// read-modify-write under concurrency without lost updates.
#include <atomic>
#include <chrono>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "backends.hpp"
#include "child_process.hpp"
#include "sql_log.hpp"
#include "models.hpp"

using test_models::Author;

namespace transaction_models {
struct Counter {
    std::int64_t id = 0;
    std::int64_t value = 0;
};
RELATA_MODEL(Counter, id, value)

/// A model whose table is never created: reading it fails in the database.
struct Ghost {
    std::int64_t id = 0;
    std::string name;
};
RELATA_MODEL(Ghost, id, name)
}  // namespace transaction_models

using transaction_models::Counter;
using transaction_models::Ghost;

namespace {

using sql_recorder = relata_test::sql_log;

template <class Connection>
std::int64_t counter_value(Connection& db, std::int64_t id = 1) {
    return relata_test::scalar(db, "SELECT \"value\" FROM \"counter\" WHERE \"id\" = ?", {relata::value{id}});
}


template <class Connection>
void seed_counter(Connection& db) {
    relata::create_all<Counter>(db);
    db.execute("INSERT INTO \"counter\" (\"id\", \"value\") VALUES (1, 0)");
}

constexpr std::string_view session_begin = relata_test::engine == relata::engine::sqlite ? "BEGIN IMMEDIATE" : "BEGIN";

}  // namespace

RELATA_BACKEND_TEST("autobegin: the session's first statement, a read too, begins its transaction", "[transactions][autobegin]") {
    relata_test::database test;
    auto& db = test.db;
    seed_counter(db);
    sql_recorder log;
    log.attach(db);
    {
        relata::session session{db};
        CHECK_FALSE(db.in_transaction());  // a Session alone sends nothing
        auto& counter = session.get<Counter>(1);
        CHECK(db.in_transaction());
        REQUIRE(log.statements.size() == 2);
        CHECK(log.statements[0] == session_begin);
        CHECK(log.statements[1].rfind("SELECT", 0) == 0);
        counter.value += 1;
        session.commit();  // UPDATE; COMMIT: read and write in one transaction
        CHECK_FALSE(db.in_transaction());
        REQUIRE(log.statements.size() == 4);
        CHECK(log.statements[2].rfind("UPDATE", 0) == 0);
        CHECK(log.statements[3] == "COMMIT");

        // The next statement begins a new transaction; rollback ends it.
        CHECK(session.count(relata::select<Counter>()) == 1);
        CHECK(db.in_transaction());
        CHECK(log.statements[4] == session_begin);
        session.rollback();
        CHECK_FALSE(db.in_transaction());

        // A read-only Session commits its read transaction; with nothing begun, commit sends nothing.
        (void)session.get<Counter>(1);  // identity map: no SQL, no transaction
        CHECK_FALSE(db.in_transaction());
        const auto before = log.statements.size();
        session.commit();
        CHECK(log.statements.size() == before);
    }
    db.on_sql({});
    CHECK(counter_value(db) == 1);
}

RELATA_BACKEND_TEST("autobegin: inside the caller's transaction the session neither begins nor commits", "[transactions][autobegin]") {
    relata_test::database test;
    auto& db = test.db;
    seed_counter(db);
    {
        relata::transaction tx{db};
        relata::session session{db};
        session.get<Counter>(1).value = 5;
        session.commit();  // flush only
        CHECK(db.in_transaction());
        tx.rollback();
    }
    CHECK(counter_value(db) == 0);
}

RELATA_BACKEND_TEST("autobegin: an uncommitted read-modify-write is rolled back with the session", "[transactions][autobegin]") {
    relata_test::database test;
    auto& db = test.db;
    seed_counter(db);
    {
        relata::session session{db};
        session.get<Counter>(1).value = 9;
        session.flush();
    }
    CHECK_FALSE(db.in_transaction());
    CHECK(counter_value(db) == 0);
}

RELATA_BACKEND_TEST("transaction options: BEGIN per dialect; SQLite refuses isolation levels it does not have", "[transactions][options]") {
    relata_test::database test;
    auto& db = test.db;
    sql_recorder log;
    log.attach(db);
    const auto begin_with = [&](relata::transaction_options options) {
        log.statements.clear();
        db.begin(options);
        db.rollback();
        return log.statements.at(0);
    };
    using relata::begin_mode;
    using relata::isolation_level;
    CHECK(begin_with({}) == "BEGIN");
    if constexpr (relata_test::engine == relata::engine::sqlite) {
        CHECK(begin_with({.isolation = std::nullopt, .mode = begin_mode::immediate}) == "BEGIN IMMEDIATE");
        CHECK(begin_with({.isolation = std::nullopt, .mode = begin_mode::exclusive}) == "BEGIN EXCLUSIVE");
        CHECK(begin_with({.isolation = isolation_level::serializable, .mode = begin_mode::immediate}) == "BEGIN IMMEDIATE");
        for (const auto level : {isolation_level::read_committed, isolation_level::repeatable_read}) {
            log.statements.clear();
            try {
                db.begin({.isolation = level});
                FAIL("SQLite accepted a weaker isolation level");
            } catch (const relata::database_error& e) {
                CHECK(std::string(e.what()).find("always serializable") != std::string::npos);
            }
            CHECK(log.statements.empty());
            CHECK_FALSE(db.in_transaction());
            REQUIRE_THROWS_AS(relata::transaction(db, {.isolation = level}), relata::database_error);
            relata::session session{db, {.transaction = {.isolation = level}}};
            REQUIRE_THROWS_AS(session.count(relata::select<Author>()), relata::database_error);
            CHECK_FALSE(db.in_transaction());
        }
    } else {
        CHECK(begin_with({.isolation = std::nullopt, .mode = begin_mode::exclusive}) == "BEGIN");
        CHECK(begin_with({.isolation = isolation_level::read_committed}) == "BEGIN ISOLATION LEVEL READ COMMITTED");
        CHECK(begin_with({.isolation = isolation_level::repeatable_read}) == "BEGIN ISOLATION LEVEL REPEATABLE READ");
        CHECK(begin_with({.isolation = isolation_level::serializable}) == "BEGIN ISOLATION LEVEL SERIALIZABLE");
        db.on_sql({});
        const auto level_in = [&](relata::transaction_options options) {
            relata::transaction tx{db, options};
            return db.query<std::string>("SHOW transaction_isolation").at(0);
        };
        CHECK(level_in({.isolation = isolation_level::repeatable_read}) == "repeatable read");
        CHECK(level_in({.isolation = isolation_level::serializable}) == "serializable");
        relata::create_all<Author>(db);
        relata::session session{db, {.transaction = {.isolation = isolation_level::serializable}}};
        CHECK(session.count(relata::select<Author>()) == 0);
        CHECK(db.query<std::string>("SHOW transaction_isolation").at(0) == "serializable");
        session.rollback();
    }
    // A savepoint keeps the open transaction's level: asking for one there is refused.
    relata::transaction outer{db};
    REQUIRE_THROWS_AS(relata::transaction(db, {.isolation = isolation_level::serializable}), relata::database_error);
    relata::transaction inner{db, {.isolation = std::nullopt, .mode = begin_mode::immediate}};  // a savepoint
    inner.commit();
    outer.commit();
}

RELATA_BACKEND_TEST("a failed read inside the session's transaction: usable on SQLite, a clear session_error on PostgreSQL", "[transactions][failure]") {
    relata_test::database test;
    auto& db = test.db;
    seed_counter(db);
    relata::session session{db};
    session.get<Counter>(1).value = 1;
    session.flush();
    REQUIRE_THROWS_AS(session.all(relata::select<Ghost>()), relata::database_error);  // no such table
    CHECK(db.in_transaction());
    if constexpr (relata_test::engine == relata::engine::sqlite) {
        CHECK(session.count(relata::select<Counter>()) == 1);  // the transaction goes on
        session.commit();
        CHECK(counter_value(db) == 1);
    } else {
        try {
            (void)session.count(relata::select<Counter>());
            FAIL("a statement in an aborted transaction was sent");
        } catch (const relata::session_error& e) {
            CHECK(std::string(e.what()).find("rollback()") != std::string::npos);
        }
        REQUIRE_THROWS_AS(session.flush(), relata::session_error);
        session.rollback();
        CHECK_FALSE(db.in_transaction());
        CHECK(session.get<Counter>(1).value == 0);  // the session is usable again, restored to the last commit
        // commit() in an aborted transaction rolls it back itself and says so.
        session.get<Counter>(1).value = 2;
        REQUIRE_THROWS_AS(session.all(relata::select<Ghost>()), relata::database_error);
        REQUIRE_THROWS_AS(session.commit(), relata::session_error);
        CHECK_FALSE(db.in_transaction());
        session.commit();  // the change was kept in the object: written now
        CHECK(counter_value(db) == 2);
    }
}

RELATA_BACKEND_TEST("retry_transaction commits once, returns the result, and counts", "[transactions][retry]") {
    relata_test::database test;
    auto& db = test.db;
    seed_counter(db);
    relata::retry_statistics stats;
    const std::int64_t seen = relata::retry_transaction(
        db,
        [](auto& session) {
            auto& counter = session.template get<Counter>(1);
            counter.value += 1;
            return counter.value;
        },
        {}, stats);
    CHECK(seen == 1);
    CHECK(counter_value(db) == 1);
    CHECK(stats.attempts == 1);
    CHECK(stats.committed == 1);
    CHECK(stats.conflicts == 0);
    CHECK_FALSE(db.in_transaction());
    relata::retry_transaction(db, [](auto& session) { session.template get<Counter>(1).value += 1; }, 3);
    CHECK(counter_value(db) == 2);

    // Inside an open transaction a retry could not roll back the whole work: refused.
    relata::transaction tx{db};
    REQUIRE_THROWS_AS(relata::retry_transaction(db, [](auto&) {}), relata::session_error);
}

RELATA_BACKEND_TEST("retry_transaction reruns conflicts and stale data from the start, then gives up", "[transactions][retry]") {
    relata_test::database test;
    auto& db = test.db;
    seed_counter(db);
    relata::create_all<Author>(db);
    relata::retry_options fast{.attempts = 4, .initial_backoff = std::chrono::microseconds{10}, .max_backoff = std::chrono::microseconds{100}};
    relata::retry_statistics stats;
    int calls = 0;
    relata::retry_transaction(
        db,
        [&](auto& session) {
            ++calls;
            session.add(Author{.name = fmt::format("attempt {}", calls), .email = std::nullopt});
            session.flush();  // written, then rolled back with the failed attempt
            if (calls == 1) throw relata::transaction_conflict("simulated 40001", "COMMIT", "40001", 0);
            if (calls == 2) throw relata::stale_data_error("simulated stale row");
            session.template get<Counter>(1).value += 1;
        },
        fast, stats);
    CHECK(calls == 3);
    CHECK(stats.attempts == 3);
    CHECK(stats.conflicts == 1);
    CHECK(stats.stale == 1);
    CHECK(stats.committed == 1);
    CHECK(relata_test::count_rows(db, "author") == 1);  // only the committed attempt's row
    CHECK(relata_test::scalar(db, "SELECT COUNT(*) FROM \"author\" WHERE \"name\" = 'attempt 3'") == 1);
    CHECK(counter_value(db) == 1);

    relata::retry_statistics lost;
    REQUIRE_THROWS_AS(relata::retry_transaction(
                          db, [](auto&) { throw relata::transaction_conflict("always", "COMMIT", "40001", 0); }, fast, lost),
                      relata::transaction_conflict);
    CHECK(lost.attempts == 4);
    CHECK(lost.conflicts == 4);
    CHECK(lost.committed == 0);
    CHECK_FALSE(db.in_transaction());
}

RELATA_BACKEND_TEST("retry_transaction: a throwing callback writes nothing, leaves no transaction, is not retried", "[transactions][retry][failure]") {
    relata_test::database test;
    auto& db = test.db;
    seed_counter(db);
    relata::retry_statistics stats;
    int calls = 0;
    try {
        relata::retry_transaction(
            db,
            [&](auto& session) {
                ++calls;
                session.template get<Counter>(1).value = 100;
                session.add(Counter{.id = 2, .value = 7});
                session.flush();
                throw std::runtime_error("the user's callback failed");
            },
            {}, stats);
        FAIL("the callback's exception did not propagate");
    } catch (const std::runtime_error& e) {
        CHECK(std::string(e.what()) == "the user's callback failed");
    }
    CHECK(calls == 1);
    CHECK(stats.attempts == 1);
    CHECK(stats.committed == 0);
    CHECK_FALSE(db.in_transaction());
    CHECK(counter_value(db) == 0);
    CHECK(relata_test::count_rows(db, "counter") == 1);
    // A relata error that is not a conflict is not retried either.
    int reads = 0;
    REQUIRE_THROWS_AS(relata::retry_transaction(
                          db,
                          [&](auto& session) {
                              ++reads;
                              session.template get<Counter>(42);
                          },
                          5),
                      relata::no_result);
    CHECK(reads == 1);
    CHECK_FALSE(db.in_transaction());
}

namespace {
/// Counters 1 (value 1), 2 (value 2), 3 (value 3), committed.
template <class Connection>
void seed_three(Connection& db) {
    relata::create_all<Counter>(db);
    db.execute("INSERT INTO \"counter\" (\"id\", \"value\") VALUES (1, 1), (2, 2), (3, 3)");
}
}  // namespace

RELATA_BACKEND_TEST("begin_nested: rollback undoes only what happened inside, in the database and in the session", "[transactions][nested]") {
    relata_test::database test;
    auto& db = test.db;
    seed_three(db);
    relata::session session{db};
    auto& one = session.get<Counter>(1);
    auto& two = session.get<Counter>(2);
    auto& three = session.get<Counter>(3);
    one.value = 10;  // before begin_nested: flushed by it, kept
    const bool flush_inside = GENERATE(false, true);
    const bool by_destructor = GENERATE(false, true);
    Counter* added = nullptr;
    {
        auto nested = session.begin_nested();
        CHECK(nested.active());
        CHECK_FALSE(session.is_dirty(one));
        one.value = 11;
        two.value = 20;
        session.remove(three);
        added = &session.add(Counter{.id = 4, .value = 4});
        if (flush_inside) {
            session.flush();
            CHECK(relata_test::count_rows(db, "counter") == 3);  // 4 inserted, 3 deleted
            CHECK(session.state_of(three) == relata::object_state::deleted);
        }
        if (!by_destructor) {
            nested.rollback();
            CHECK_FALSE(nested.active());
        }
    }
    CHECK(one.value == 10);
    CHECK(two.value == 2);
    CHECK(three.value == 3);
    CHECK(session.state_of(one) == relata::object_state::persistent);
    CHECK(session.state_of(three) == relata::object_state::persistent);
    CHECK(session.state_of(*added) == relata::object_state::detached);
    CHECK_FALSE(session.is_dirty(one));
    CHECK_FALSE(session.is_dirty(two));
    CHECK_FALSE(session.is_dirty(three));
    CHECK(db.in_transaction());
    CHECK(counter_value(db, 1) == 10);
    CHECK(counter_value(db, 2) == 2);
    CHECK(relata_test::count_rows(db, "counter") == 3);
    session.commit();
    CHECK(counter_value(db, 1) == 10);
    CHECK(counter_value(db, 3) == 3);
    CHECK(counter_value(db, 4) == -1);  // no such row
}

RELATA_BACKEND_TEST("begin_nested: commit keeps the changes in the enclosing transaction; guards nest", "[transactions][nested]") {
    relata_test::database test;
    auto& db = test.db;
    seed_three(db);
    relata::session session{db};
    auto& one = session.get<Counter>(1);
    auto& two = session.get<Counter>(2);
    Counter* four = nullptr;
    Counter* five = nullptr;
    {
        auto outer = session.begin_nested();
        one.value = 100;
        four = &session.add(Counter{.id = 4, .value = 4});
        {
            auto inner = session.begin_nested();
            two.value = 200;
            five = &session.add(Counter{.id = 5, .value = 5});
            inner.rollback();
        }
        CHECK(one.value == 100);  // the outer level's change survives the inner rollback
        CHECK(two.value == 2);
        CHECK(session.state_of(*five) == relata::object_state::detached);
        CHECK(session.state_of(*four) == relata::object_state::persistent);  // flushed by the inner begin_nested()
        {
            auto inner = session.begin_nested();  // flushes one and four
            two.value = 201;
            inner.commit();
            REQUIRE_THROWS_AS(inner.commit(), relata::session_error);
        }
        outer.commit();
    }
    CHECK(counter_value(db, 1) == 100);
    CHECK(counter_value(db, 2) == 201);
    CHECK(counter_value(db, 4) == 4);
    CHECK(counter_value(db, 5) == -1);

    // An outer rollback undoes a committed inner one too.
    {
        auto outer = session.begin_nested();
        auto inner = session.begin_nested();
        one.value = 1000;
        session.add(Counter{.id = 6, .value = 6});
        inner.commit();
        outer.rollback();
    }
    CHECK(one.value == 100);
    CHECK(counter_value(db, 6) == -1);

    // The session's rollback discards nested work and earlier flushes alike.
    session.rollback();
    CHECK(one.value == 1);
    CHECK(two.value == 2);
    CHECK_FALSE(db.in_transaction());
    CHECK(counter_value(db, 1) == 1);
    CHECK(relata_test::count_rows(db, "counter") == 3);
}

RELATA_BACKEND_TEST("begin_nested: a failed statement inside is recovered by the nested rollback on both engines", "[transactions][nested][failure]") {
    relata_test::database test;
    auto& db = test.db;
    seed_three(db);
    relata::session session{db};
    session.get<Counter>(1).value = 7;
    {
        auto nested = session.begin_nested();
        REQUIRE_THROWS_AS(session.all(relata::select<Ghost>()), relata::database_error);
        nested.rollback();  // PostgreSQL: ROLLBACK TO SAVEPOINT ends the aborted state
    }
    CHECK(session.count(relata::select<Counter>()) == 3);
    session.commit();
    CHECK(counter_value(db, 1) == 7);
}

RELATA_BACKEND_TEST("begin_nested: the guard's destructor swallows every exception, also a logger's", "[transactions][nested][failure]") {
    relata_test::database test;
    auto& db = test.db;
    seed_three(db);
    relata::session session{db};
    auto& one = session.get<Counter>(1);
    {
        auto nested = session.begin_nested();
        one.value = 5;
        db.on_sql([](std::string_view sql) {
            if (sql.rfind("ROLLBACK TO", 0) == 0) throw std::runtime_error("the log is full");
        });
    }  // must neither throw nor terminate
    db.on_sql({});
    CHECK(one.value == 1);  // the objects are restored even though the savepoint rollback failed
    session.rollback();
    CHECK_FALSE(db.in_transaction());
    CHECK(counter_value(db, 1) == 1);
}

// ---- concurrency: read-modify-write without lost updates ----------------------------------
// Every writer runs n Session commits of `counter.value += 1` on the same row; the final value
// must be exactly the number of commits that returned normally.

#if defined(RELATA_TEST_BACKEND_SQLITE)
#include "database_file.hpp"

namespace {

/// What a writer process did, sent to the parent through a pipe.
struct writer_report {
    std::int64_t committed = 0;  // commits that returned normally
    std::int64_t failed = 0;     // iterations that threw relata::transaction_conflict
    std::uint64_t attempts = 0;  // retry_transaction attempts
    std::uint64_t conflicts = 0;
};

/// Fills `file` with the counter row and closes it again before any fork (SQLite: never carry
/// an open connection across fork()). @return its path.
const std::string& seed_counter_file(const relata_test::database_file& file, bool wal) {
    auto db = relata::sqlite::connect(file.path(), {.write_ahead_log = wal});
    seed_counter(db);
    return file.path();
}

constexpr int sqlite_writes_per_process = 2000;

/// A writer's own connection. `PRAGMA synchronous = OFF`: no fsync per COMMIT, which would make
/// 2,000 commits take ~40 s on CI disks; it changes durability after a power loss only, not
/// locking or isolation, which is what these tests are about.
relata::sqlite::connection writer_connection(const std::string& path, bool wal) {
    auto db = relata::sqlite::connect(path, {.write_ahead_log = wal});
    db.execute_script("PRAGMA synchronous = OFF");
    return db;
}

}  // namespace

// BEGIN IMMEDIATE (the Session default) serializes the writers at BEGIN: conflicts are rare
// (only a wait beyond the busy timeout). BEGIN DEFERRED lets both read first, so the loser's
// write fails with SQLITE_BUSY(_SNAPSHOT) and retry_transaction reruns it: conflicts > 0.
TEST_CASE("sqlite: two processes, retry_transaction: no lost update", "[sqlite][transactions][concurrency]") {
    const bool wal = GENERATE(false, true);
    const relata::begin_mode mode = GENERATE(relata::begin_mode::immediate, relata::begin_mode::deferred);
    const relata_test::database_file file{wal ? "retry_wal" : "retry_journal"};
    const std::string& path = seed_counter_file(file, wal);
    const auto writer = [&](writer_report& report) {
        auto db = writer_connection(path, wal);
        relata::retry_statistics stats;
        relata::retry_options options{.attempts = 1000};
        options.session.transaction.mode = mode;
        for (int i = 0; i < sqlite_writes_per_process; ++i)
            relata::retry_transaction(db, [](auto& session) { session.template get<Counter>(1).value += 1; }, options,
                                      stats);
        report = {static_cast<std::int64_t>(stats.committed), 0, stats.attempts, stats.conflicts};
    };
    const auto started = std::chrono::steady_clock::now();
    const relata_test::child_process a = relata_test::spawn_child<writer_report>("writer", writer);
    const relata_test::child_process b = relata_test::spawn_child<writer_report>("writer", writer);
    const auto [report_a, code_a] = relata_test::join_child(a, writer_report{-1, -1, 0, 0});
    const auto [report_b, code_b] = relata_test::join_child(b, writer_report{-1, -1, 0, 0});
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    auto db = relata::sqlite::connect(path);
    const std::int64_t final_value = counter_value(db);
    fmt::print("sqlite {} BEGIN {} retry_transaction, 2 processes x {}: committed {} + {}, attempts {} + {}, "
               "conflicts {} + {}, counter {} ({} ms)\n",
               wal ? "WAL" : "rollback journal", mode == relata::begin_mode::immediate ? "IMMEDIATE" : "DEFERRED",
               sqlite_writes_per_process, report_a.committed, report_b.committed,
               report_a.attempts, report_b.attempts, report_a.conflicts, report_b.conflicts, final_value, elapsed.count());
    CHECK(code_a == 0);
    CHECK(code_b == 0);
    CHECK(report_a.committed == sqlite_writes_per_process);
    CHECK(report_b.committed == sqlite_writes_per_process);
    CHECK(final_value == 2 * sqlite_writes_per_process);
    CHECK(report_a.attempts + report_b.attempts == 2 * sqlite_writes_per_process + report_a.conflicts + report_b.conflicts);
}

// Without retry_transaction: autobegin makes each read-modify-write one transaction, so an
// increment is never lost silently. With BEGIN IMMEDIATE (the Session default) the second
// writer waits at BEGIN for the first one's COMMIT (busy timeout 5 s), so normally every commit
// succeeds; with BEGIN DEFERRED both read first and the loser's UPDATE fails loudly
// (SQLITE_BUSY / SQLITE_BUSY_SNAPSHOT: relata::transaction_conflict) instead of overwriting.
// Either way: counter == commits that returned, and every other iteration threw.
TEST_CASE("sqlite: two processes, plain Session commits: no silent lost update", "[sqlite][transactions][concurrency]") {
    const bool wal = GENERATE(false, true);
    const relata::begin_mode mode = GENERATE(relata::begin_mode::immediate, relata::begin_mode::deferred);
    const relata_test::database_file file{wal ? "plain_wal" : "plain_journal"};
    const std::string& path = seed_counter_file(file, wal);
    const auto writer = [&](writer_report& report) {
        auto db = writer_connection(path, wal);
        for (int i = 0; i < sqlite_writes_per_process; ++i) {
            try {
                relata::session session{db, {.transaction = {.isolation = std::nullopt, .mode = mode}}};
                session.get<Counter>(1).value += 1;
                session.commit();
                ++report.committed;
            } catch (const relata::transaction_conflict&) {
                ++report.failed;
            }
        }
    };
    const relata_test::child_process a = relata_test::spawn_child<writer_report>("writer", writer);
    const relata_test::child_process b = relata_test::spawn_child<writer_report>("writer", writer);
    const auto [report_a, code_a] = relata_test::join_child(a, writer_report{-1, -1, 0, 0});
    const auto [report_b, code_b] = relata_test::join_child(b, writer_report{-1, -1, 0, 0});
    auto db = relata::sqlite::connect(path);
    const std::int64_t final_value = counter_value(db);
    fmt::print("sqlite {} BEGIN {} without retry, 2 processes x {}: committed {} + {}, transaction_conflict {} + {}, "
               "counter {}\n",
               wal ? "WAL" : "rollback journal", mode == relata::begin_mode::immediate ? "IMMEDIATE" : "DEFERRED",
               sqlite_writes_per_process, report_a.committed, report_b.committed, report_a.failed, report_b.failed,
               final_value);
    CHECK(code_a == 0);
    CHECK(code_b == 0);
    CHECK(report_a.committed + report_a.failed == sqlite_writes_per_process);
    CHECK(report_b.committed + report_b.failed == sqlite_writes_per_process);
    CHECK(final_value == report_a.committed + report_b.committed);
}
#endif

#if defined(RELATA_TEST_BACKEND_POSTGRES)
TEST_CASE("postgres: two connections in two threads, retry_transaction: no lost update", "[postgres][transactions][concurrency]") {
    const relata::isolation_level level = GENERATE(relata::isolation_level::serializable, relata::isolation_level::repeatable_read);
    relata_test::database test;
    seed_counter(test.db);
    constexpr int writes_per_thread = 1000;
    struct outcome {
        relata::retry_statistics stats;
        std::exception_ptr error;
    };
    outcome outcomes[2];
    const auto writer = [&](outcome& out) {
        try {
            auto db = test.open_another();  // each thread owns its connection
            for (int i = 0; i < writes_per_thread; ++i)
                relata::retry_transaction(
                    db, [](auto& session) { session.template get<Counter>(1).value += 1; },
                    {.attempts = 1000, .session = {.transaction = {.isolation = level}}}, out.stats);
        } catch (...) {
            out.error = std::current_exception();
        }
    };
    const auto started = std::chrono::steady_clock::now();
    std::thread a(writer, std::ref(outcomes[0]));
    std::thread b(writer, std::ref(outcomes[1]));
    a.join();
    b.join();
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    for (const outcome& out : outcomes)
        if (out.error) std::rethrow_exception(out.error);
    const std::int64_t final_value = counter_value(test.db);
    const auto& s0 = outcomes[0].stats;
    const auto& s1 = outcomes[1].stats;
    fmt::print("postgres {} retry_transaction, 2 threads x {}: committed {} + {}, attempts {} + {}, conflicts {} + {}, "
               "counter {} ({} ms)\n",
               relata::isolation_sql(level), writes_per_thread, s0.committed, s1.committed, s0.attempts, s1.attempts,
               s0.conflicts, s1.conflicts, final_value, elapsed.count());
    CHECK(s0.committed == writes_per_thread);
    CHECK(s1.committed == writes_per_thread);
    CHECK(final_value == 2 * writes_per_thread);
    // The two writers overlap (each blocks on the socket mid-transaction), so PostgreSQL
    // reports 40001 for concurrent updates of the row: the retry path ran.
    CHECK(s0.conflicts + s1.conflicts > 0);
    CHECK(s0.attempts + s1.attempts == s0.committed + s1.committed + s0.conflicts + s1.conflicts + s0.stale + s1.stale);
}
#endif

RELATA_BACKEND_TEST("begin_nested: a failed flush at the nested commit keeps the guard open; its rollback detaches the culprit", "[transactions][nested][failure]") {
    relata_test::database test;
    auto& db = test.db;
    seed_three(db);
    relata::session session{db};
    session.get<Counter>(1).value = 50;
    auto nested = session.begin_nested();
    auto& clash = session.add(Counter{.id = 2, .value = 0});  // primary key 2 exists
    REQUIRE_THROWS_AS(nested.commit(), relata::constraint_violation);
    CHECK(nested.active());
    CHECK(session.state_of(clash) == relata::object_state::pending);
    nested.rollback();
    CHECK(session.state_of(clash) == relata::object_state::detached);
    session.commit();  // the work from before begin_nested() commits
    CHECK(counter_value(db, 1) == 50);
    CHECK(counter_value(db, 2) == 2);
    REQUIRE_THROWS_AS(nested.commit(), relata::session_error);  // ended
}

RELATA_BACKEND_TEST("begin_nested at size: 1,000 objects added and changed inside are undone", "[transactions][nested]") {
    relata_test::database test;
    auto& db = test.db;
    seed_three(db);
    relata::session session{db};
    auto& one = session.get<Counter>(1);
    std::vector<Counter*> added;
    {
        auto nested = session.begin_nested();
        for (int i = 0; i < 1000; ++i) added.push_back(&session.add(Counter{.id = 100 + i, .value = i}));
        session.flush();
        one.value = 999;
        CHECK(relata_test::count_rows(db, "counter") == 1003);
    }
    CHECK(relata_test::count_rows(db, "counter") == 3);
    CHECK(one.value == 1);
    for (Counter* c : added) REQUIRE(session.state_of(*c) == relata::object_state::detached);
    session.commit();
    CHECK(relata_test::count_rows(db, "counter") == 3);
}
