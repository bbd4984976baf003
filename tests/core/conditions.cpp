// relata::condition composed at run time, and query values that never change once built.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "catch.hpp"

#include <relata/relata.hpp>

namespace conditions_test {

struct Customer {
    std::int64_t id = 0;
    std::string country;
    std::optional<std::string> company;
    std::uint64_t loyalty = 0;
};
RELATA_MODEL(Customer, id, country, company, loyalty)

namespace {

constexpr auto c = relata::columns<Customer>;
const std::string select_customer = R"(SELECT "id", "country", "company", "loyalty" FROM "customer")";

std::string sqlite(const relata::select_query<Customer>& query) {
    return relata::to_sql(query, relata::sqlite_dialect).sql;
}
std::string postgres(const relata::select_query<Customer>& query) {
    return relata::to_sql(query, relata::postgres_dialect).sql;
}

// A search form: every filter is optional.
relata::select_query<Customer> find_customers(std::optional<std::string> country, std::optional<std::int64_t> min_id,
                                      bool companies_only) {
    relata::condition<Customer> filter;
    if (country) filter = filter && c.country == *country;
    if (min_id) filter = filter && c.id >= *min_id;
    if (companies_only) filter = filter && c.company != std::nullopt;
    return relata::select<Customer>().where(filter);
}

}  // namespace

TEST_CASE("an empty condition adds no WHERE", "[conditions]") {
    const relata::condition<Customer> empty;
    CHECK(empty.empty());
    CHECK(empty.node() == nullptr);
    CHECK(sqlite(relata::select<Customer>().where(empty)) == select_customer);
    CHECK(postgres(relata::select<Customer>().where(empty)) == select_customer);
    CHECK(relata::to_sql(relata::select<Customer>().where(empty), relata::sqlite_dialect).parameters.empty());
    CHECK(relata::to_sql(relata::select<Customer>().where(empty).count(), relata::sqlite_dialect).sql ==
          R"(SELECT COUNT(*) FROM "customer")");
    CHECK_FALSE((c.id == 1).empty());
}

TEST_CASE("optional filters compose at run time", "[conditions]") {
    CHECK(sqlite(find_customers(std::nullopt, std::nullopt, false)) == select_customer);
    CHECK(sqlite(find_customers("FR", std::nullopt, false)) == select_customer + R"( WHERE "country" = ?)");
    CHECK(sqlite(find_customers(std::nullopt, 10, false)) == select_customer + R"( WHERE "id" >= ?)");
    CHECK(postgres(find_customers("FR", 10, false)) == select_customer + R"( WHERE "country" = $1 AND "id" >= $2)");
    CHECK(postgres(find_customers("FR", 10, true)) ==
          select_customer + R"( WHERE "country" = $1 AND "id" >= $2 AND "company" IS NOT NULL)");
    CHECK(postgres(find_customers(std::nullopt, std::nullopt, true)) == select_customer + R"( WHERE "company" IS NOT NULL)");

    const auto values = relata::to_sql(find_customers("FR", 10, false), relata::postgres_dialect).parameters;
    REQUIRE(values.size() == 2);
    CHECK(std::get<std::string>(values[0]) == "FR");
    CHECK(std::get<std::int64_t>(values[1]) == 10);
}

TEST_CASE("empty && x is x, on either side", "[conditions]") {
    const relata::condition<Customer> empty;
    const auto x = c.country == "FR";
    CHECK((empty && x).node() == x.node());
    CHECK((x && empty).node() == x.node());
    CHECK((empty && empty).empty());
    CHECK(sqlite(relata::select<Customer>().where(empty && x)) == sqlite(relata::select<Customer>().where(x)));
}

TEST_CASE("empty || x matches every row, as the empty side does", "[conditions]") {
    const relata::condition<Customer> empty;
    const auto x = c.country == "FR";
    CHECK((empty || x).empty());
    CHECK((x || empty).empty());
    CHECK(sqlite(relata::select<Customer>().where(x || empty)) == select_customer);
}

TEST_CASE("!empty matches no row", "[conditions]") {
    const relata::condition<Customer> empty;
    const auto none = !empty;
    CHECK_FALSE(none.empty());
    CHECK(sqlite(relata::select<Customer>().where(none)) == select_customer + " WHERE 1 = 0");
    CHECK(postgres(relata::select<Customer>().where(none)) == select_customer + " WHERE 1 = 0");
    CHECK(relata::to_sql(relata::select<Customer>().where(none), relata::postgres_dialect).parameters.empty());
    CHECK(postgres(relata::select<Customer>().where(!none)) == select_customer + " WHERE NOT (1 = 0)");
    CHECK(postgres(relata::select<Customer>().where(c.id > 1 && none)) == select_customer + R"( WHERE "id" > $1 AND 1 = 0)");
}

TEST_CASE("a condition is a value: combining it leaves the parts unchanged", "[conditions][immutability]") {
    const auto fr = c.country == "FR";
    const auto big = c.id > 100;
    const auto both = fr && big;
    const auto either = fr || big;
    const auto negated = !fr;
    CHECK(sqlite(relata::select<Customer>().where(fr)) == select_customer + R"( WHERE "country" = ?)");
    CHECK(sqlite(relata::select<Customer>().where(big)) == select_customer + R"( WHERE "id" > ?)");
    CHECK(sqlite(relata::select<Customer>().where(both)) == select_customer + R"( WHERE "country" = ? AND "id" > ?)");
    CHECK(sqlite(relata::select<Customer>().where(either)) == select_customer + R"( WHERE "country" = ? OR "id" > ?)");
    CHECK(sqlite(relata::select<Customer>().where(negated)) == select_customer + R"( WHERE NOT ("country" = ?))");

    // Reassigning a variable builds a new condition; copies taken before keep the old one.
    relata::condition<Customer> filter = fr;
    const relata::condition<Customer> before = filter;
    filter = filter && big;
    CHECK(sqlite(relata::select<Customer>().where(before)) == select_customer + R"( WHERE "country" = ?)");
    CHECK(sqlite(relata::select<Customer>().where(filter)) == select_customer + R"( WHERE "country" = ? AND "id" > ?)");
}

TEST_CASE("every builder call returns a new query and leaves the original as it was", "[conditions][immutability]") {
    const auto base = relata::select<Customer>();
    const auto filtered = base.where(c.country == "FR");
    const auto ordered = filtered.order_by(c.id.desc());
    const auto limited = ordered.limit(10);
    const auto paged = limited.offset(20);
    const auto refiltered = filtered.where(c.id > 5);
    const auto counted = filtered.count();

    CHECK(sqlite(base) == select_customer);
    CHECK(sqlite(filtered) == select_customer + R"( WHERE "country" = ?)");
    CHECK(sqlite(ordered) == select_customer + R"( WHERE "country" = ? ORDER BY "id" DESC)");
    CHECK(sqlite(limited) == select_customer + R"( WHERE "country" = ? ORDER BY "id" DESC LIMIT ?)");
    CHECK(sqlite(paged) == select_customer + R"( WHERE "country" = ? ORDER BY "id" DESC LIMIT ? OFFSET ?)");
    CHECK(sqlite(refiltered) == select_customer + R"( WHERE "country" = ? AND "id" > ?)");
    CHECK(relata::to_sql(counted, relata::sqlite_dialect).sql == R"(SELECT COUNT(*) FROM "customer" WHERE "country" = ?)");

    CHECK(base.data().where == nullptr);
    CHECK(base.data().order.empty());
    CHECK_FALSE(base.data().limit.has_value());
    CHECK_FALSE(limited.data().offset.has_value());
    CHECK(limited.data().limit == std::optional<std::int64_t>{10});
    CHECK(paged.data().offset == std::optional<std::int64_t>{20});
    CHECK(ordered.data().order.size() == 1);
    CHECK(filtered.data().order.empty());
    CHECK(relata::to_sql(filtered, relata::sqlite_dialect).parameters.size() == 1);
    CHECK(relata::to_sql(refiltered, relata::sqlite_dialect).parameters.size() == 2);
}

TEST_CASE("a value the database cannot hold is rejected while building the condition", "[conditions]") {
    // std::uint64_t above INT64_MAX has no 64-bit signed database integer.
    const std::uint64_t too_big = std::numeric_limits<std::uint64_t>::max();
    REQUIRE_THROWS_AS(c.loyalty == too_big, relata::mapping_error);
    try {
        (void)(c.loyalty == too_big);
    } catch (const relata::error& e) {
        // Every relata exception says where it comes from.
        CHECK(std::string_view(e.what()).starts_with("relata: "));
    }
    const auto fits = c.loyalty == std::uint64_t{std::numeric_limits<std::int64_t>::max()};
    CHECK_FALSE(fits.empty());
}

TEST_CASE("a null const char* compares as NULL, like std::nullopt", "[conditions]") {
    const char* none = nullptr;
    CHECK(sqlite(relata::select<Customer>().where(c.company == none)) == select_customer + R"( WHERE "company" IS NULL)");
    CHECK(sqlite(relata::select<Customer>().where(c.company != none)) ==
          select_customer + R"( WHERE "company" IS NOT NULL)");
    const char* some = "ACME";
    const auto named = relata::to_sql(relata::select<Customer>().where(c.company == some), relata::sqlite_dialect);
    CHECK(std::get<std::string>(named.parameters.at(0)) == "ACME");
}

// An integer column takes integral values only (PostgreSQL would infer an integer parameter and
// reject 10.5); tests/compile_fail/integer_column_vs_double.cpp shows the diagnostic.
static_assert(relata::detail::comparable<std::int64_t, int>());
static_assert(relata::detail::comparable<std::optional<int>, std::uint64_t>());
static_assert(!relata::detail::comparable<std::int64_t, double>());
static_assert(!relata::detail::comparable<int, float>());
static_assert(!relata::detail::comparable<int, bool>());
static_assert(relata::detail::comparable<double, int>());
static_assert(relata::detail::comparable<float, double>());

}  // namespace conditions_test
