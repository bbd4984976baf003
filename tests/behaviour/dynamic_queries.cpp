// Queries shaped at run time by column name (issue 6, item 8): a request's filters, sort order
// and field list resolved against model metadata only; unknown names and values the column
// cannot hold are relata:: errors, values stay bound parameters.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "backends.hpp"

namespace dynamic_queries {

struct Customer {
    std::int64_t id = 0;
    std::string last_name;
    std::optional<std::string> country;
    int votes = 0;
    bool active = true;
    std::chrono::sys_seconds joined{};
};
RELATA_MODEL(Customer, id, last_name, country, votes, active, joined)

template <class Connection>
void seed_dynamic_queries(Connection& db) {
    using namespace std::chrono;
    relata::create_all<Customer>(db);
    const auto at = [](int day) { return sys_seconds{sys_days{year{2024} / 1 / day}}; };
    relata::insert_all(db, std::vector<Customer>{{1, "Smith", "Canada", 5, true, at(1)},
                                                 {2, "O'Brien", "Ireland", 12, false, at(2)},
                                                 {3, "Tremblay", "Canada", 12, true, at(3)},
                                                 {4, "Nobody", std::nullopt, 0, true, at(4)}});
}

// What a web handler does with `?country=...&min_votes=...&sort=...&fields=...`.
template <class Connection>
std::vector<relata::dynamic_row> search(Connection& db, const std::vector<std::pair<std::string, std::string>>& filters,
                                        const std::vector<std::string>& sort, const std::vector<std::string>& fields) {
    relata::condition<Customer> where;
    for (const auto& [name, text] : filters) where = where && relata::column_named<Customer>(name) == text;
    auto query = relata::select_columns<Customer>(fields).where(where);
    for (const std::string& term : sort) query = query.order_by(relata::ordering_named<Customer>(term));
    return relata::all(db, query);
}

}  // namespace dynamic_queries

using namespace dynamic_queries;

RELATA_BACKEND_TEST("filters, sort order and columns chosen by name at run time", "[dynamic]") {
    relata_test::database test;
    auto& db = test.db;
    seed_dynamic_queries(db);
    const auto rows = search(db, {{"country", "Canada"}, {"active", "true"}}, {"-votes", "last_name"}, {"last_name", "votes", "joined"});
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].names() == std::vector<std::string>{"last_name", "votes", "joined"});
    CHECK(rows[0][0] == relata::value{std::string("Tremblay")});
    CHECK(rows[0][1] == relata::value{std::int64_t{12}});
    // Read with the member's type on both engines (SQLite stores the time as text).
    using namespace std::chrono;
    CHECK(rows[0].at("joined") == relata::value{relata::timestamp{sys_days{year{2024} / 1 / 3}}});
    CHECK(rows[1].at("last_name") == relata::value{std::string("Smith")});

    // Text for an integer member is parsed; the value is bound, so a quote is just data.
    CHECK(relata::count(db, relata::select<Customer>().where(relata::column_named<Customer>("votes") >= "12")) == 2);
    CHECK(relata::count(db, relata::select<Customer>().where(relata::column_named<Customer>("last_name") == "O'Brien")) == 1);
    CHECK(relata::count(db, relata::select<Customer>().where(relata::column_named<Customer>("last_name") ==
                                                             "x' OR '1'='1")) == 0);
    // A typed value, a NULL, IN, and ordering by a column name under the naming convention.
    CHECK(relata::count(db, relata::select<Customer>().where(relata::column_named<Customer>("votes") < 6)) == 2);
    CHECK(relata::count(db, relata::select<Customer>().where(relata::column_named<Customer>("country") == relata::value{})) == 1);
    const std::vector<relata::value> ids{std::string("1"), std::int64_t{4}};
    CHECK(relata::count(db, relata::select<Customer>().where(relata::column_named<Customer>("id").in(ids))) == 2);
    // Dynamic and typed conditions combine.
    constexpr auto c = relata::columns<Customer>;
    CHECK(relata::all(db, relata::select(c.id).where(c.active == true && relata::column_named<Customer>("country") != "Canada")) ==
          std::vector<std::int64_t>{});
    CHECK(relata::all(db, relata::select(c.id).order_by(relata::ordering_named<Customer>("votes desc"), c.id.asc())) ==
          std::vector<std::int64_t>{2, 3, 1, 4});
}

RELATA_BACKEND_TEST("an unknown name or a value the column cannot hold is a relata:: error, and no SQL is sent",
                    "[dynamic]") {
    relata_test::database test;
    auto& db = test.db;
    seed_dynamic_queries(db);
    const auto before = db.statement_count();
    try {
        (void)search(db, {{"country\"; DROP TABLE customer; --", "x"}}, {}, {"id"});
        FAIL("an unknown column was accepted");
    } catch (const relata::unknown_column_error& e) {
        CHECK_THAT(e.what(), Catch::Matchers::Contains("Customer has no column named 'country\"; DROP TABLE customer; --'"));
        CHECK_THAT(e.what(), Catch::Matchers::Contains("(its columns: id, last_name, country, votes, active, joined)"));
    }
    CHECK_THROWS_AS(search(db, {}, {"-titel"}, {"id"}), relata::unknown_column_error);
    CHECK_THROWS_AS(search(db, {}, {}, {"id", "password"}), relata::unknown_column_error);
    CHECK_THROWS_AS(relata::select_columns<Customer>(std::vector<std::string>{}), relata::error);
    try {
        (void)search(db, {{"votes", "12abc"}}, {}, {"id"});
        FAIL("text that is no integer was accepted for an integer column");
    } catch (const relata::conversion_error& e) {
        CHECK_THAT(e.what(), Catch::Matchers::Contains("Customer.votes: '12abc' is not an integer"));
    }
    CHECK_THROWS_AS(search(db, {{"active", "yes"}}, {}, {"id"}), relata::conversion_error);
    CHECK_THROWS_AS(search(db, {{"votes", "99999999999"}}, {}, {"id"}), relata::conversion_error);  // out of int's range
    CHECK(db.statement_count() == before);
    CHECK(relata::count(db, relata::select<Customer>()) == 4);
}

RELATA_BACKEND_TEST("a 10,000-term dynamic filter", "[dynamic]") {
    relata_test::database test;
    auto& db = test.db;
    seed_dynamic_queries(db);
    relata::condition<Customer> any = relata::condition<Customer>::none();
    for (int i = 0; i < 10'000; ++i) any = any || relata::column_named<Customer>("last_name") == "name " + std::to_string(i);
    any = any || relata::column_named<Customer>("last_name") == "Smith";
    CHECK(relata::count(db, relata::select<Customer>().where(any)) == 1);
}
