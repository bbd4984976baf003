// A user's SQL logger (`db.on_sql`) that throws, at every position of a commit: the failed
// commit leaves no transaction open and the database as it was, the Session's objects keep
// their state for the retry, and the retry writes every row exactly once. Destroying a Session,
// a relata::transaction or a nested transaction while the logger throws rolls back and never
// terminates. (Issue 9: a logger throwing from the third statement on left the transaction
// open, because its ROLLBACK was never sent, and the retry inserted the rows twice.)
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "backends.hpp"

namespace throwing_logger_test {

struct Entry {
    std::int64_t id = 0;
    std::string name;
    int amount = 0;
};
RELATA_MODEL(Entry, id, name, amount)

}  // namespace throwing_logger_test

using throwing_logger_test::Entry;

namespace {

constexpr auto e = relata::columns<Entry>;

void seed_throwing_logger(relata_test::connection& db) {
    relata::create_all<Entry>(db);
    db.execute("INSERT INTO entry (name, amount) VALUES ('a', 10), ('b', 20), ('c', 30), ('d', 40)");  // keys 1 to 4
}

/// Every row, by name (generated keys left out: a failed attempt may use up sequence values).
std::vector<std::tuple<std::string, int>> rows(relata_test::connection& db) {
    std::vector<std::tuple<std::string, int>> out;
    for (const Entry& entry : relata::all(db, relata::select<Entry>().order_by(e.name))) out.emplace_back(entry.name, entry.amount);
    return out;
}

const std::vector<std::tuple<std::string, int>> seeded = {{"a", 10}, {"b", 20}, {"c", 30}, {"d", 40}};
const std::vector<std::tuple<std::string, int>> committed = {{"a", 11}, {"c", 30}, {"x", 1}, {"y", 2}, {"z", 3}};

/// When the logger throws: once at statement `position` of the commit, or at every statement
/// from `position` on.
enum class failure { once, from_then_on };

/// The logger: counts statements and throws as `mode` says.
struct throwing_logger {
    std::size_t position = 0;
    failure mode = failure::once;
    std::size_t seen = 0;
    bool armed = true;
    void operator()(std::string_view) {
        const std::size_t index = seen++;
        if (!armed) return;
        if (index == position || (mode == failure::from_then_on && index > position))
            throw std::runtime_error("the log is full");
    }
};

/// One unit of work: change a row, remove two (PostgreSQL sends them in one pipeline), add
/// three; commit() with `logger` installed.
struct unit_of_work {
    relata::session<relata_test::connection> session;
    Entry* changed = nullptr;
    std::vector<Entry*> removed;
    std::vector<Entry*> added;

    explicit unit_of_work(relata_test::connection& db) : session(db) {
        changed = &session.get<Entry>(1);
        changed->amount = 11;
        for (const std::int64_t key : {2, 4}) {
            removed.push_back(&session.get<Entry>(key));
            session.remove(*removed.back());
        }
        for (const auto& [name, amount] : std::vector<std::tuple<std::string, int>>{{"x", 1}, {"y", 2}, {"z", 3}})
            added.push_back(&session.add(Entry{.name = name, .amount = amount}));
    }
};

}  // namespace

RELATA_BACKEND_TEST("a throwing SQL logger at each statement of a commit: the retry writes each row once",
                    "[session][failure][logger]") {
    // The statements a commit sends, counted on a clean run.
    std::size_t statements = 0;
    {
        relata_test::database test;
        auto& db = test.db;
        seed_throwing_logger(db);
        unit_of_work work(db);
        throwing_logger counter{.position = 0, .mode = failure::once, .seen = 0, .armed = false};
        db.on_sql(std::ref(counter));
        work.session.commit();
        db.on_sql({});
        statements = counter.seen;
        CHECK(rows(db) == committed);
    }
    REQUIRE(statements >= 2);  // at least the writes and COMMIT

    std::size_t failures = 0;
    for (const failure mode : {failure::once, failure::from_then_on}) {
        for (std::size_t position = 0; position < statements; ++position) {
            CAPTURE(mode == failure::once ? "once" : "from then on", position, statements);
            relata_test::database test;
            auto& db = test.db;
            seed_throwing_logger(db);
            unit_of_work work(db);
            throwing_logger logger{.position = position, .mode = mode};
            db.on_sql(std::ref(logger));
            bool threw = false;
            try {
                work.session.commit();
            } catch (const std::runtime_error& error) {
                threw = true;
                CHECK(std::string_view(error.what()) == "the log is full");  // the logger's own exception
            }
            db.on_sql({});
            REQUIRE(threw);
            ++failures;

            // No transaction left open, nothing written.
            CHECK_FALSE(db.in_transaction());
            CHECK(rows(db) == seeded);
            // The Session as before the commit: the change kept, the removal and the additions
            // still to be written.
            CHECK(work.changed->amount == 11);
            CHECK(work.session.is_dirty(*work.changed));
            for (Entry* added : work.added) CHECK(work.session.state_of(*added) == relata::object_state::pending);
            for (Entry* removed : work.removed) CHECK(work.session.state_of(*removed) == relata::object_state::persistent);

            // The retry writes every row exactly once.
            work.session.commit();
            CHECK_FALSE(db.in_transaction());
            CHECK(rows(db) == committed);
            CHECK(relata_test::scalar(db, "SELECT COUNT(DISTINCT id) FROM entry") == 5);
            for (Entry* added : work.added) CHECK(work.session.state_of(*added) == relata::object_state::persistent);
            for (Entry* removed : work.removed) CHECK(work.session.state_of(*removed) == relata::object_state::detached);
        }
    }
    CHECK(failures == 2 * statements);
}

RELATA_BACKEND_TEST("a throwing SQL logger while a Session or transaction ends: rolled back",
                    "[session][failure][logger]") {
    relata_test::database test;
    auto& db = test.db;
    seed_throwing_logger(db);
    const auto always = [](std::string_view) { throw std::runtime_error("the log is full"); };

    SECTION("a Session with flushed changes") {
        {
            unit_of_work work(db);
            work.session.flush();
            REQUIRE(db.in_transaction());
            db.on_sql(always);
        }  // ~session: must roll back, neither throw nor terminate
        db.on_sql({});
        CHECK_FALSE(db.in_transaction());
        CHECK(rows(db) == seeded);
    }
    SECTION("a Session whose rollback() is called") {
        unit_of_work work(db);
        work.session.flush();
        db.on_sql(always);
        work.session.rollback();  // ROLLBACK runs whatever the logger does
        db.on_sql({});
        CHECK_FALSE(db.in_transaction());
        CHECK(rows(db) == seeded);
        CHECK(work.changed->amount == 10);
    }
    SECTION("a relata::transaction") {
        {
            relata::transaction transaction{db};
            db.execute("DELETE FROM entry");
            db.on_sql(always);
        }
        db.on_sql({});
        CHECK_FALSE(db.in_transaction());
        CHECK(rows(db) == seeded);
    }
    SECTION("a nested relata::transaction (a savepoint)") {
        relata::transaction outer{db};
        db.execute("UPDATE entry SET amount = 0 WHERE name = 'a'");
        {
            relata::transaction inner{db};
            db.execute("DELETE FROM entry");
            db.on_sql(always);
        }  // ROLLBACK TO SAVEPOINT and RELEASE run
        db.on_sql({});
        REQUIRE(db.in_transaction());
        CHECK(rows(db) == std::vector<std::tuple<std::string, int>>{{"a", 0}, {"b", 20}, {"c", 30}, {"d", 40}});
        outer.commit();
        CHECK(rows(db) == std::vector<std::tuple<std::string, int>>{{"a", 0}, {"b", 20}, {"c", 30}, {"d", 40}});
    }
    SECTION("a Session's nested transaction") {
        unit_of_work work(db);
        work.session.flush();
        {
            auto nested = work.session.begin_nested();
            work.changed->amount = 99;
            work.session.flush();
            db.on_sql(always);
        }
        db.on_sql({});
        CHECK(work.changed->amount == 11);
        work.session.commit();
        CHECK(rows(db) == committed);
    }
}
