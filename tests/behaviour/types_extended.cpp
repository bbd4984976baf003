// The types real schemas use — relata::uuid, relata::numeric, relata::json, std::vector arrays,
// std::chrono::sys_days — round-trip exactly through both engines, and compare in where().
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "backends.hpp"

namespace extended_models {

struct Ledger {
    std::int64_t id = 0;
    relata::uuid key;
    relata::numeric amount;
    std::optional<relata::numeric> fee;
    relata::json document{"{}"};
    std::vector<std::int32_t> small_numbers;
    std::vector<std::int64_t> big_numbers;
    std::vector<std::string> tags;
    std::vector<double> readings;
    std::vector<std::optional<std::int64_t>> sparse;
    std::chrono::sys_days day{};
    std::optional<std::chrono::sys_days> maybe_day;
    std::chrono::year_month_day calendar_day{std::chrono::year{2000}, std::chrono::month{1}, std::chrono::day{1}};
    relata::blob bytes;
};
RELATA_MODEL(Ledger, id, key, amount, fee, document, small_numbers, big_numbers, tags, readings, sparse, day,
             maybe_day, calendar_day, bytes)

/// The same table read with a non-optional element type, to provoke the NULL-element error.
struct DenseLedger {
    std::int64_t id = 0;
    std::vector<std::int64_t> sparse;
};
RELATA_MODEL(DenseLedger, id, sparse)

struct Narrow {
    std::int32_t i32 = 0;
    std::uint8_t u8 = 0;
    std::int16_t i16 = 0;
};
RELATA_MODEL(Narrow, i32, u8, i16)

struct Counted {
    std::int64_t n = 0;
};
RELATA_MODEL(Counted, n)

}  // namespace extended_models

using extended_models::Ledger;

namespace {

using namespace std::chrono;

Ledger sample() {
    Ledger l;
    l.key = relata::uuid::parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    l.amount = relata::numeric("12345678901234567890.10");  // beyond double precision, scale kept
    l.fee = relata::numeric("-0.01");
    l.document = relata::json{R"({"a": [1, 2], "b": "x\"y"})"};  // as jsonb prints it
    l.small_numbers = {std::numeric_limits<std::int32_t>::min(), 0, std::numeric_limits<std::int32_t>::max()};
    l.big_numbers = {std::numeric_limits<std::int64_t>::min(), -1, std::numeric_limits<std::int64_t>::max()};
    l.tags = {"", "NULL", "a,b", "{braces}", "quote \" and \\ backslash", "h\xC3\xA9llo \xF0\x9F\x98\x80", "tab\tnewline\n",
              " spaced "};
    l.readings = {0.1 + 0.2, -0.0, std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                  std::numeric_limits<double>::denorm_min(), 1e300};
    l.sparse = {1, std::nullopt, 3};
    l.day = sys_days{year{2024} / 2 / 29};
    l.maybe_day = sys_days{year{1969} / 7 / 20};
    l.calendar_day = year{1999} / 12 / 31;
    l.bytes = {std::byte{0}, std::byte{0xff}};
    return l;
}

}  // namespace

RELATA_BACKEND_TEST("uuid, numeric, json, arrays and dates round-trip exactly", "[types][extended]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Ledger>(db);
    const Ledger original = sample();
    std::int64_t id = 0;
    {
        relata::session session{db};
        auto& added = session.add(original);
        session.commit();
        id = added.id;
    }
    relata::session session{db};
    const Ledger& back = session.get<Ledger>(id);
    CHECK(back.key == original.key);
    CHECK(back.key.to_string() == "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    CHECK(back.amount.to_string() == "12345678901234567890.10");
    REQUIRE(back.fee.has_value());
    CHECK(back.fee->to_string() == "-0.01");
    CHECK(back.document == original.document);
    CHECK(back.small_numbers == original.small_numbers);
    CHECK(back.big_numbers == original.big_numbers);
    CHECK(back.tags == original.tags);
    REQUIRE(back.readings.size() == original.readings.size());
    CHECK(back.readings[0] == original.readings[0]);  // every bit: 0.30000000000000004
    CHECK(back.readings[1] == 0.0);
    CHECK(std::signbit(back.readings[1]));
    CHECK(back.readings[2] == std::numeric_limits<double>::infinity());
    CHECK(back.readings[3] == -std::numeric_limits<double>::infinity());
    CHECK(back.readings[4] == std::numeric_limits<double>::denorm_min());
    CHECK(back.readings[5] == 1e300);
    CHECK(back.sparse == original.sparse);
    CHECK(back.day == original.day);
    CHECK(back.maybe_day == original.maybe_day);
    CHECK(back.calendar_day == original.calendar_day);
    CHECK(back.bytes == original.bytes);  // std::vector<std::byte> is still a blob
    CHECK_FALSE(session.is_dirty(back));
}

RELATA_BACKEND_TEST("arrays of 0, 1 and 1,000,000 elements round-trip", "[types][extended][arrays]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Ledger>(db);
    std::vector<std::size_t> sizes{0, 1, 1'000'000};
    std::vector<std::int64_t> ids;
    {
        relata::session session{db};
        std::vector<Ledger*> added;
        for (const std::size_t n : sizes) {
            Ledger l;
            for (std::size_t i = 0; i < n; ++i) {
                l.big_numbers.push_back(static_cast<std::int64_t>(i) * 1'000'003 - 7);
                if (n < 1000) l.tags.push_back("tag" + std::to_string(i));
            }
            added.push_back(&session.add(l));
        }
        session.commit();
        for (const Ledger* a : added) ids.push_back(a->id);
    }
    relata::session session{db};
    for (std::size_t k = 0; k < sizes.size(); ++k) {
        const Ledger& back = session.get<Ledger>(ids[k]);
        REQUIRE(back.big_numbers.size() == sizes[k]);
        for (std::size_t i = 0; i < sizes[k]; ++i)
            if (back.big_numbers[i] != static_cast<std::int64_t>(i) * 1'000'003 - 7) FAIL("element " << i);
        CHECK(back.tags.size() == (sizes[k] < 1000 ? sizes[k] : 0));
    }
}

RELATA_BACKEND_TEST("a NULL array element needs an optional element type", "[types][extended][arrays][failure]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Ledger>(db);
    Ledger l = sample();
    relata::session session{db};
    session.add(l);
    session.commit();
    try {
        (void)db.query<extended_models::DenseLedger>("SELECT \"id\", \"sparse\" FROM \"ledger\"");
        FAIL("a NULL element into std::vector<std::int64_t> must throw");
    } catch (const relata::mapping_error& e) {
        const std::string message = e.what();
        CHECK(message.find("DenseLedger::sparse") != std::string::npos);
        CHECK(message.find("element 2 is NULL") != std::string::npos);
    }
}

RELATA_BACKEND_TEST("date columns compare with sys_days values as dates", "[types][extended][dates]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Ledger>(db);
    relata::session session{db};
    for (int d = 1; d <= 3; ++d) {
        Ledger l;
        l.day = sys_days{year{2024} / 1 / d};
        l.calendar_day = year{2024} / 1 / d;
        session.add(l);
    }
    session.commit();
    constexpr auto c = relata::columns<Ledger>;
    const sys_days second{year{2024} / 1 / 2};
    CHECK(session.count(relata::select<Ledger>().where(c.day == second)) == 1);
    CHECK(session.count(relata::select<Ledger>().where(c.day >= second)) == 2);
    CHECK(session.count(relata::select<Ledger>().where(c.day < second)) == 1);
    CHECK(session.count(relata::select<Ledger>().where(c.calendar_day == second)) == 1);
    CHECK(session.count(relata::select<Ledger>().where(c.calendar_day > second)) == 1);
    const auto rendered = relata::to_sql(relata::select<Ledger>().where(c.day == second), db.sql_dialect());
    REQUIRE(rendered.parameters.size() == 1);
    CHECK(std::holds_alternative<relata::date>(rendered.parameters[0]));  // not a timestamp
    auto rows = session.all(relata::select<Ledger>().where(c.day > second));
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].day == sys_days{year{2024} / 1 / 3});
}

RELATA_BACKEND_TEST("uuid columns compare and key a hash set", "[types][extended][uuid]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Ledger>(db);
    relata::session session{db};
    std::unordered_set<relata::uuid> keys;
    for (int i = 0; i < 3; ++i) {
        Ledger l;
        l.key = relata::uuid::parse(std::string("00000000-0000-0000-0000-00000000000") + std::to_string(i));
        keys.insert(l.key);
        session.add(l);
    }
    session.commit();
    CHECK(keys.size() == 3);
    constexpr auto c = relata::columns<Ledger>;
    const auto one = relata::uuid::parse("00000000-0000-0000-0000-000000000001");
    CHECK(session.count(relata::select<Ledger>().where(c.key == one)) == 1);
    CHECK(session.count(relata::select<Ledger>().where(c.key > one)) == 1);  // byte order on both engines
    auto rows = session.all(relata::select<Ledger>().order_by(c.key));
    REQUIRE(rows.size() == 3);
    CHECK(rows[2].key.to_string() == "00000000-0000-0000-0000-000000000002");
}

RELATA_BACKEND_TEST("money in numeric columns stays exact", "[types][extended][numeric]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Ledger>(db);
    const std::vector<std::string> amounts{"0.10", "0.20", "-0.30", "0", "99999999999999999999999999.99",
                                           "0.000000000000000000000000000001", "1000000", "-1234.5000"};
    std::vector<std::int64_t> ids;
    {
        relata::session session{db};
        std::vector<Ledger*> added;
        for (const auto& a : amounts) {
            Ledger l;
            l.amount = relata::numeric(a);
            added.push_back(&session.add(l));
        }
        session.commit();
        for (const Ledger* a : added) ids.push_back(a->id);
    }
    relata::session session{db};
    for (std::size_t i = 0; i < amounts.size(); ++i) {
        INFO(amounts[i]);
        CHECK(session.get<Ledger>(ids[i]).amount.to_string() == amounts[i]);
    }
    constexpr auto c = relata::columns<Ledger>;
    CHECK(session.count(relata::select<Ledger>().where(c.amount == relata::numeric("0.10"))) == 1);
}
