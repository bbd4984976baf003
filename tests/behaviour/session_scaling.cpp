// The Session's cost per operation does not grow with the number of objects it tracks:
// get/find by primary key never autoflush, so the everyday loop (get, change, ..., one commit)
// compares each object with its snapshot once, at the commit.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "backends.hpp"
#include "two_connections.hpp"
#include "sql_log.hpp"

namespace scaling_test {

struct Counter {
    std::int64_t id = 0;
    std::string name;
    std::int64_t value = 0;
};
RELATA_MODEL(Counter, id, name, value)

// A row an import creates when its key is missing; the hook below can refuse one.
struct Imported {
    std::int64_t id = 0;
    std::int64_t seen = 0;
};
RELATA_MODEL(Imported, id, seen)

inline int inserts_before_refusal = -1;  // before_insert throws when this counts down to 0; -1: never

}  // namespace scaling_test

template <>
struct relata::mapping<scaling_test::Imported> {
    static constexpr bool generated_key = false;  // keys come from the import
};
template <>
struct relata::hooks<scaling_test::Imported> {
    static void before_insert(scaling_test::Imported&) {
        if (scaling_test::inserts_before_refusal >= 0 && scaling_test::inserts_before_refusal-- == 0)
            throw std::runtime_error("the import's hook refused a row");
    }
};

using scaling_test::Counter;
using scaling_test::Imported;

namespace {

constexpr auto c = relata::columns<Counter>;

template <class Connection>
void seed_session_scaling(Connection& db, std::int64_t rows) {
    relata::create_all<Counter>(db);
    relata::transaction transaction{db};
    std::vector<Counter> counters;
    counters.reserve(static_cast<std::size_t>(rows));
    for (std::int64_t id = 1; id <= rows; ++id) counters.push_back(Counter{id, "c" + std::to_string(id), 0});
    relata::insert_all(db, counters);
    transaction.commit();
}

}  // namespace

RELATA_BACKEND_TEST("get and find by key do not autoflush: changes wait for the commit", "[session][autoflush]") {
    relata_test::database test;
    auto& db = test.db;
    seed_session_scaling(db, 3);
    relata::session session{db};
    relata_test::sql_log recorded;
    recorded.attach(db);

    Counter& first = session.get<Counter>(1);
    first.value = 10;
    Counter& second = session.get<Counter>(2);  // a SELECT, and no UPDATE of `first` before it
    second.value = 20;
    CHECK(session.find<Counter>(99) == nullptr);
    CHECK(recorded.count_starting_with("SELECT") == 3);
    CHECK(recorded.count_starting_with("UPDATE") == 0);
    CHECK(session.statistics().objects_compared == 0);

    // A query (not a key lookup) still autoflushes what it may read.
    CHECK(session.count(relata::select<Counter>().where(c.value > 0)) == 2);
    CHECK(recorded.count_starting_with("UPDATE") == 2);

    // A pending object with an explicit key is found by key without SQL.
    recorded.attach(db);
    Counter& added = session.add(Counter{.id = 4, .name = "c4"});
    CHECK(&session.get<Counter>(4) == &added);
    CHECK(recorded.statements.empty());
    session.commit();
    CHECK(relata::count(db, relata::select<Counter>()) == 4);
    db.on_sql({});
}

// An import that creates what is missing: find by key, else add. Each key's first find is one
// SELECT; every later find of it is answered in memory, from the identity map for a row read
// or from the pending objects for one added. A search of the pending objects per find made
// this quadratic (80,000 finds: 2.6 s at -O2; now 0.02 s).
RELATA_BACKEND_TEST("find-or-add of 20,000 keys, each three times: pending objects found by the key they were added with",
                    "[session][size]") {
    constexpr std::int64_t keys = 20'000;
    relata_test::database test;
    auto& db = test.db;
    seed_session_scaling(db, keys / 2);  // keys 1 to 10,000 exist, with value 0
    relata::session session{db};
    relata_test::sql_log recorded;
    recorded.attach(db);
    for (std::int64_t i = 0; i < 3 * keys; ++i) {
        const std::int64_t key = i * 7'919 % keys + 1;  // 7,919 is prime: every key three times, out of order
        if (Counter* found = session.find<Counter>(key)) ++found->value;
        else session.add(Counter{.id = key, .name = "new", .value = 1});
    }
    db.on_sql({});
    CHECK(recorded.count_starting_with("SELECT") == static_cast<std::size_t>(keys));  // one per key
    CHECK(recorded.count_starting_with("INSERT") == 0);
    session.commit();
    CHECK(relata_test::count_rows(db, "counter") == keys);
    CHECK(relata::count(db, relata::select<Counter>().where(c.name == "new")) == keys / 2);
    // Every key was seen three times: the existing rows went 0 -> 3, the new ones 1 -> 3.
    CHECK(relata::count(db, relata::select<Counter>().where(c.value == 3)) == keys);
}

// The find-or-add import again, and a user's before_insert hook that throws halfway through
// the commit's INSERTs: nothing is written, every pending object is found by key again without
// SQL, and the retry writes every row once.
RELATA_BACKEND_TEST("find-or-add of 20,000 keys whose commit a throwing before_insert hook stops at row 10,000",
                    "[session][failure][size]") {
    constexpr std::int64_t keys = 20'000;
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Imported>(db);
    relata::session session{db};
    const auto import = [&] {
        for (std::int64_t i = 0; i < 2 * keys; ++i) {
            const std::int64_t key = i * 7'919 % keys + 1;
            if (Imported* found = session.find<Imported>(key)) ++found->seen;
            else session.add(Imported{.id = key, .seen = 1});
        }
    };
    import();
    scaling_test::inserts_before_refusal = static_cast<int>(keys / 2);
    CHECK(relata_test::commit_failure<std::runtime_error>(session) == "the import's hook refused a row");
    scaling_test::inserts_before_refusal = -1;
    CHECK(relata_test::count_rows(db, "imported") == 0);
    const auto statements = db.statement_count();
    std::int64_t found_twice = 0;
    for (std::int64_t key = 1; key <= keys; ++key) {
        const Imported* found = session.find<Imported>(key);
        found_twice += found != nullptr && found->id == key && found->seen == 2 ? 1 : 0;
    }
    CHECK(found_twice == keys);
    CHECK(db.statement_count() == statements);  // all from memory
    session.commit();
    CHECK(relata_test::count_rows(db, "imported") == keys);
    CHECK(relata_test::scalar(db, "SELECT COUNT(*) FROM imported WHERE seen = 2") == keys);
}

// The rules of a key lookup for pending objects, each against what the flush then writes.
RELATA_BACKEND_TEST("find of a pending object: its key at add, a removed row's key taken, a default key, an undone flush",
                    "[session][failure]") {
    relata_test::database test;
    auto& db = test.db;
    seed_session_scaling(db, 2);
    db.execute("CREATE TABLE pin (id INTEGER PRIMARY KEY, counter_id INTEGER NOT NULL "
               "REFERENCES counter (id) DEFERRABLE INITIALLY DEFERRED)");
    db.execute("INSERT INTO pin (id, counter_id) VALUES (1, 2)");
    relata::session session{db};

    // Known by the key it was added with, as a persistent object is by its loaded key.
    Counter& moved = session.add(Counter{.id = 10, .name = "ten"});
    moved.id = 11;
    CHECK(session.find<Counter>(10) == &moved);
    CHECK(session.find<Counter>(11) == nullptr);

    // A new object taking the key of a removed row, and of a removed pending object.
    Counter& old_row = session.get<Counter>(1);
    session.remove(old_row);
    CHECK(session.find<Counter>(1) == nullptr);
    Counter& replacement = session.add(Counter{.id = 1, .name = "replacement"});
    CHECK(session.find<Counter>(1) == &replacement);
    Counter& dropped = session.add(Counter{.id = 20, .name = "dropped"});
    session.remove(dropped);
    CHECK(session.find<Counter>(20) == nullptr);
    Counter& twenty = session.add(Counter{.id = 20, .name = "twenty"});
    CHECK(session.find<Counter>(20) == &twenty);
    // A second pending object with a key held by a pending one is refused at add(), before any SQL.
    REQUIRE_THROWS_AS(session.add(Counter{.id = 20, .name = "again"}), relata::session_error);
    CHECK(session.find<Counter>(20) == &twenty);

    // A default key is no key: not found by it.
    Counter& generated = session.add(Counter{.name = "generated"});
    CHECK(session.find<Counter>(0) == nullptr);
    session.remove(generated);  // PostgreSQL's sequence would hand out the seeded keys

    // A flush undone by a failed commit (the pin's deferred key): pending again, found again, by
    // the key the flush inserted.
    session.remove(session.get<Counter>(2));
    REQUIRE_THROWS_AS(session.commit(), relata::constraint_violation);
    CHECK(session.state_of(replacement) == relata::object_state::pending);
    CHECK(session.find<Counter>(1) == &replacement);
    CHECK(session.find<Counter>(11) == &moved);
    CHECK(session.find<Counter>(20) == &twenty);
    CHECK(session.find<Counter>(2) == nullptr);  // removed again
    db.execute("DELETE FROM pin");
    session.commit();
    CHECK(relata_test::count_rows(db, "counter") == 3);  // 1 (replaced), 11, 20
    relata::session look{db};
    CHECK(look.get<Counter>(1).name == "replacement");
    CHECK(look.get<Counter>(11).name == "ten");
    CHECK(look.find<Counter>(10) == nullptr);
    CHECK(look.find<Counter>(2) == nullptr);
}

RELATA_BACKEND_TEST("the everyday loop at 20,000 objects: one SELECT per get, one dirty check per object", "[session][autoflush][size]") {
    constexpr std::int64_t rows = 20'000;
    relata_test::database test;
    auto& db = test.db;
    seed_session_scaling(db, rows);
    relata::session session{db};
    relata_test::sql_log recorded;
    recorded.attach(db);
    for (std::int64_t id = 1; id <= rows; ++id) session.get<Counter>(id).value = id * 2;
    CHECK(recorded.count_starting_with("SELECT") == static_cast<std::size_t>(rows));
    CHECK(recorded.count_starting_with("UPDATE") == 0);
    session.commit();
    db.on_sql({});
    CHECK(recorded.count_starting_with("UPDATE") == static_cast<std::size_t>(rows));
    // Every tracked object was compared with its snapshot once: at the commit's flush.
    CHECK(session.statistics().objects_compared == static_cast<std::uint64_t>(rows));
    CHECK(relata::one(db, relata::select(relata::sum(c.value))) == std::optional<std::int64_t>(rows * (rows + 1)));
}

RELATA_BACKEND_TEST("the identity map at 100,000 rows read in key order, in reverse and again: one object per row, in row order", "[session][identity][size]") {
    constexpr std::int64_t rows = 100'000;
    relata_test::database test;
    auto& db = test.db;
    seed_session_scaling(db, rows);
    {
        relata::session session{db};
        auto ascending = session.all(relata::select<Counter>().order_by(c.id));  // each key after the last
        REQUIRE(ascending.size() == static_cast<std::size_t>(rows));
        auto descending = session.all(relata::select<Counter>().order_by(c.id.desc()));  // each key tracked already
        REQUIRE(descending.size() == static_cast<std::size_t>(rows));
        std::size_t same = 0;
        for (std::size_t i = 0; i < ascending.size(); ++i) {
            const Counter& object = ascending[i];
            if (object.id == static_cast<std::int64_t>(i + 1) && &object == &descending[ascending.size() - 1 - i] &&
                &object == &session.get<Counter>(object.id))
                ++same;
        }
        CHECK(same == static_cast<std::size_t>(rows));
    }
    relata::session session{db};
    auto descending = session.all(relata::select<Counter>().order_by(c.id.desc()));  // each key before the first
    REQUIRE(descending.size() == static_cast<std::size_t>(rows));
    auto odd_first = session.all(relata::select<Counter>().order_by((c.id % 2).desc(), c.id));
    std::size_t in_order = 0;
    for (std::size_t i = 0; i < descending.size(); ++i) {
        const Counter& object = descending[i];
        if (object.id == rows - static_cast<std::int64_t>(i) && object.name == "c" + std::to_string(object.id) &&
            &object == &session.get<Counter>(object.id))
            ++in_order;
    }
    CHECK(in_order == static_cast<std::size_t>(rows));
    REQUIRE(odd_first.size() == static_cast<std::size_t>(rows));
    CHECK(odd_first[0].id == 1);
    CHECK(odd_first[static_cast<std::size_t>(rows / 2)].id == 2);
    CHECK(&odd_first[0] == &descending[static_cast<std::size_t>(rows - 1)]);
}

// Every row replaced in one unit of work: 50,000 removed and 49,999 added with the same keys
// (each DELETE runs ahead of the INSERT that reuses its key), a COMMIT that fails on a deferred
// foreign key, so that the Session undoes the whole applied flush, then the retry. Each step
// used to search a list per row: matching DELETEs to INSERTs of the same key, taking undone
// DELETEs out of the deleted list, putting undone INSERTs back in add order, removing pending
// objects one by one; 40,000 of each took seconds where 10,000 took a hundredth of one.
RELATA_BACKEND_TEST("50,000 rows replaced by key: a failed commit undone whole, the retry, pending objects removed one by one",
                    "[session][failure][size]") {
    constexpr std::int64_t rows = 50'000;
    relata_test::database test;
    auto& db = test.db;
    seed_session_scaling(db, rows);
    db.execute("CREATE TABLE pin (id INTEGER PRIMARY KEY, counter_id INTEGER NOT NULL "
               "REFERENCES counter (id) DEFERRABLE INITIALLY DEFERRED)");
    db.execute("INSERT INTO pin (id, counter_id) VALUES (1, ?)", rows);  // the one key not added again

    relata::session session{db};
    auto old_rows = session.all(relata::select<Counter>());
    REQUIRE(old_rows.size() == static_cast<std::size_t>(rows));
    for (Counter& counter : old_rows) session.remove(counter);
    std::vector<Counter*> added;
    for (std::int64_t id = 1; id < rows; ++id) added.push_back(&session.add(Counter{.id = id, .name = "new", .value = id}));

    REQUIRE_THROWS_AS(session.commit(), relata::constraint_violation);  // at COMMIT: the pin's row is gone
    CHECK(relata_test::count_rows(db, "counter") == rows);
    CHECK(relata::count(db, relata::select<Counter>().where(c.name == "new")) == 0);
    std::size_t still_pending = 0;
    for (Counter* counter : added) still_pending += session.state_of(*counter) == relata::object_state::pending ? 1 : 0;
    CHECK(still_pending == added.size());
    std::size_t still_persistent = 0;
    for (Counter& counter : old_rows) still_persistent += session.state_of(counter) == relata::object_state::persistent ? 1 : 0;
    CHECK(still_persistent == old_rows.size());

    db.execute("DELETE FROM pin");
    session.commit();  // the same unit of work again: every removal and every addition
    CHECK(relata_test::count_rows(db, "counter") == rows - 1);
    CHECK(relata::count(db, relata::select<Counter>().where(c.name == "new")) == rows - 1);
    CHECK(relata::one(db, relata::select(relata::sum(c.value))) == std::optional<std::int64_t>((rows - 1) * rows / 2));
    std::size_t detached = 0;
    for (Counter& counter : old_rows) detached += session.state_of(counter) == relata::object_state::detached ? 1 : 0;
    CHECK(detached == old_rows.size());

    // Added and removed again one by one, oldest first: nothing to insert, nothing tracked.
    const std::uint64_t inserts_before = session.statistics().inserts;
    std::vector<Counter*> discarded;
    for (std::int64_t id = 1; id <= rows; ++id) discarded.push_back(&session.add(Counter{.id = rows + id, .name = "gone"}));
    for (std::size_t i = 0; i < discarded.size(); ++i) {
        session.remove(*discarded[i]);
        if (i == discarded.size() / 2) CHECK(session.find<Counter>(rows + 1) == nullptr);  // a removed pending key is free
    }
    Counter& kept = session.add(Counter{.id = 3 * rows, .name = "kept"});
    CHECK(&session.get<Counter>(3 * rows) == &kept);
    session.commit();
    CHECK(session.statistics().inserts == inserts_before + 1);
    CHECK(relata_test::count_rows(db, "counter") == rows);
}

// One DELETE of many matching no row (the row went meanwhile) fails the flush and names that
// row, however the DELETEs are sent (PostgreSQL: in one pipeline); nothing of the flush stays.
RELATA_BACKEND_TEST("1,000 removals, one of a row already gone: stale_data_error names it, nothing is deleted",
                    "[session][failure][size]") {
    constexpr std::int64_t rows = 1'000;
    relata_test::database test;
    auto& db = test.db;
    seed_session_scaling(db, rows);
    relata::session session{db};
    auto tracked = session.all(relata::select<Counter>());  // begins the Session's transaction
    REQUIRE(tracked.size() == static_cast<std::size_t>(rows));
    for (Counter& counter : tracked) session.remove(counter);
    db.execute("DELETE FROM counter WHERE id = ?", std::int64_t{577});  // inside that transaction
    const std::string message = relata_test::commit_failure<relata::stale_data_error>(session);
    CAPTURE(message);
    CHECK(message.find("DELETE of Counter with primary key 577 matched 0 rows") != std::string::npos);
    CHECK(relata_test::count_rows(db, "counter") == rows);  // the whole transaction rolled back, 577 too
    std::size_t still_persistent = 0;
    for (Counter& counter : tracked) still_persistent += session.state_of(counter) == relata::object_state::persistent ? 1 : 0;
    CHECK(still_persistent == tracked.size());
    session.commit();  // the same removals again, now that every row is there
    CHECK(relata_test::count_rows(db, "counter") == 0);
}

// Two users: another connection deletes one of the rows between this Session's load and its
// commit (each in its own transaction, as two users of a web application would). The DELETEs
// (PostgreSQL: one pipeline) report that row, nothing of the flush stays, and once the Session
// lets go of the gone row the retry deletes the rest.
RELATA_BACKEND_TEST("1,000 removals of which another connection deleted one: stale_data_error, then the rest after expunge",
                    "[session][failure][concurrency]") {
    constexpr std::int64_t rows = 1'000;
    relata_test::two_connections connections{"scaling_two_users"};
    auto& db = connections.first;
    auto& other = connections.second;
    seed_session_scaling(db, rows);
    relata::session session{db};
    auto tracked = session.all(relata::select<Counter>().order_by(c.id));
    REQUIRE(tracked.size() == static_cast<std::size_t>(rows));
    session.commit();  // ends the read; the objects stay tracked

    other.execute("DELETE FROM counter WHERE id = ?", std::int64_t{577});
    for (Counter& counter : tracked) session.remove(counter);
    const std::string message = relata_test::commit_failure<relata::stale_data_error>(session);
    CAPTURE(message);
    CHECK(message.find("DELETE of Counter with primary key 577 matched 0 rows") != std::string::npos);
    CHECK(relata_test::count_rows(other, "counter") == rows - 1);  // only the other user's DELETE
    std::size_t still_persistent = 0;
    for (Counter& counter : tracked) still_persistent += session.state_of(counter) == relata::object_state::persistent ? 1 : 0;
    CHECK(still_persistent == tracked.size());

    session.expunge(tracked[576]);  // key 577: the row is gone, the Session lets go of it
    session.commit();
    CHECK(relata_test::count_rows(other, "counter") == 0);
    CHECK(session.state_of(tracked[0]) == relata::object_state::detached);
}
