// The Session's cost per operation does not grow with the number of objects it tracks:
// get/find by primary key never autoflush, so the everyday loop (get, change, ..., one commit)
// compares each object with its snapshot once, at the commit.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "backends.hpp"
#include "sql_log.hpp"

namespace scaling_test {

struct Counter {
    std::int64_t id = 0;
    std::string name;
    std::int64_t value = 0;
};
RELATA_MODEL(Counter, id, name, value)

}  // namespace scaling_test

using scaling_test::Counter;

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
