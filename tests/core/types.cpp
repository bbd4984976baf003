// C++ values <-> database values: relata::detail::to_value (parameters) and
// relata::detail::from_cell (result cells) for every built-in type and a user type.
#include <chrono>
#include <clocale>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "catch.hpp"

#include <relata/relata.hpp>

namespace types_test {

enum class color : std::uint8_t { red = 1, green = 2 };
enum plain_enum : int { plain_a = -5, plain_b = 7 };

struct money {
    std::int64_t cents = 0;
    bool operator==(const money&) const = default;
};

struct email_address {
    std::string text;
    bool operator==(const email_address&) const = default;
};

}  // namespace types_test

template <>
struct relata::value_traits<types_test::money> {
    using storage_type = std::int64_t;
    static std::int64_t to_storage(const types_test::money& m) { return m.cents; }
    static types_test::money from_storage(std::int64_t cents) { return types_test::money{cents}; }
};

template <>
struct relata::value_traits<types_test::email_address> {
    using storage_type = std::string;
    static std::string to_storage(const types_test::email_address& e) { return e.text; }
    static types_test::email_address from_storage(const std::string& text) {
        if (text.find('@') == std::string::npos) throw relata::conversion_error("not an e-mail address: " + text);
        return types_test::email_address{text};
    }
};

namespace types_test {
namespace {

using relata::cell;
using relata::detail::from_cell;
using relata::detail::to_value;
using namespace std::chrono;

constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t int64_min = std::numeric_limits<std::int64_t>::min();

cell integer(std::int64_t v) { return cell{v}; }
cell text(std::string_view v) { return cell{v}; }
const cell null{std::monostate{}};

template <class T>
std::int64_t written(const T& v) {
    return std::get<std::int64_t>(to_value(v));
}

}  // namespace

TEMPLATE_TEST_CASE("integers round-trip at their limits", "[types][integers]", std::int8_t, std::uint8_t, std::int16_t,
                   std::uint16_t, std::int32_t, std::uint32_t, std::int64_t, long long) {
    const auto lowest = std::numeric_limits<TestType>::min();
    const auto highest = std::numeric_limits<TestType>::max();
    CHECK(written(lowest) == static_cast<std::int64_t>(lowest));
    CHECK(written(highest) == static_cast<std::int64_t>(highest));
    CHECK(from_cell<TestType>(integer(static_cast<std::int64_t>(lowest))) == lowest);
    CHECK(from_cell<TestType>(integer(static_cast<std::int64_t>(highest))) == highest);
    CHECK(from_cell<TestType>(integer(0)) == TestType{0});
}

TEST_CASE("integers out of range throw relata::mapping_error on read", "[types][integers]") {
    CHECK_THROWS_AS(from_cell<std::int8_t>(integer(128)), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<std::int8_t>(integer(-129)), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<std::uint8_t>(integer(256)), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<std::uint8_t>(integer(-1)), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<std::int16_t>(integer(32768)), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<std::int16_t>(integer(-32769)), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<std::uint16_t>(integer(65536)), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<std::uint16_t>(integer(-1)), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<std::int32_t>(integer(std::int64_t{1} << 31)), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<std::int32_t>(integer(-(std::int64_t{1} << 31) - 1)), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<std::uint32_t>(integer(std::int64_t{1} << 32)), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<std::uint32_t>(integer(-1)), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<std::uint64_t>(integer(-1)), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<std::uint64_t>(integer(int64_min)), relata::mapping_error);
    // The exception is the public relata::conversion_error (a mapping_error).
    CHECK_THROWS_AS(from_cell<std::int8_t>(integer(1000)), relata::conversion_error);
}

TEST_CASE("std::uint64_t: up to INT64_MAX is stored, above throws on write", "[types][integers]") {
    CHECK(written(std::uint64_t{0}) == 0);
    CHECK(written(static_cast<std::uint64_t>(int64_max)) == int64_max);
    CHECK(from_cell<std::uint64_t>(integer(int64_max)) == static_cast<std::uint64_t>(int64_max));
    CHECK_THROWS_AS(to_value(static_cast<std::uint64_t>(int64_max) + 1), relata::mapping_error);
    CHECK_THROWS_AS(to_value(std::numeric_limits<std::uint64_t>::max()), relata::mapping_error);
}

TEST_CASE("integers from other cells", "[types][integers]") {
    CHECK(from_cell<int>(cell{3.0}) == 3);      // SQLite NUMERIC may hand back an integral REAL
    CHECK(from_cell<int>(cell{-7.0}) == -7);
    CHECK(from_cell<int>(cell{true}) == 1);
    CHECK_THROWS_AS(from_cell<int>(cell{3.5}), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<std::int64_t>(cell{1e19}), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<std::int64_t>(cell{std::numeric_limits<double>::quiet_NaN()}), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<std::int8_t>(cell{300.0}), relata::mapping_error);
    CHECK(from_cell<int>(text("12")) == 12);  // exact integer text (SQLite TEXT cells, PostgreSQL NUMERIC)
    CHECK_THROWS_AS(from_cell<int>(text("12abc")), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<int>(cell{std::span<const std::byte>{}}), relata::mapping_error);
}

TEST_CASE("bool", "[types][bool]") {
    CHECK(std::get<bool>(to_value(true)) == true);
    CHECK(std::get<bool>(to_value(false)) == false);
    CHECK(from_cell<bool>(integer(0)) == false);
    CHECK(from_cell<bool>(integer(1)) == true);
    CHECK(from_cell<bool>(cell{true}) == true);
    CHECK(from_cell<bool>(cell{false}) == false);
    CHECK_THROWS_AS(from_cell<bool>(integer(2)), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<bool>(integer(-1)), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<bool>(text("true")), relata::mapping_error);
}

TEST_CASE("double", "[types][floating]") {
    CHECK(std::get<double>(to_value(2.5)) == 2.5);
    CHECK(std::get<double>(to_value(-0.0)) == 0.0);
    CHECK(from_cell<double>(cell{2.5}) == 2.5);
    CHECK(from_cell<double>(integer(5)) == 5.0);                         // an INTEGER cell
    CHECK(from_cell<double>(integer(-(std::int64_t{1} << 53))) == -9007199254740992.0);
    CHECK(from_cell<double>(text("1.25")) == 1.25);                      // PostgreSQL NUMERIC arrives as text
    CHECK_THROWS_AS(from_cell<double>(text("1.25abc")), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<double>(text("")), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<double>(cell{true}), relata::mapping_error);
}

TEST_CASE("NUMERIC text parses the same whatever the C locale's decimal point", "[types][floating]") {
    // strtod would stop at '.' under a locale whose decimal point is ',' (de_DE).
    struct restore_locale {
        std::string previous = std::setlocale(LC_NUMERIC, nullptr);
        ~restore_locale() { std::setlocale(LC_NUMERIC, previous.c_str()); }
    } restore;
    const char* comma_locale = nullptr;
    for (const char* name : {"de_DE.UTF-8", "de_DE.utf8", "de_DE", "fr_FR.UTF-8", "fr_FR.utf8", "ru_RU.UTF-8"}) {
        if (std::setlocale(LC_NUMERIC, name) && *std::localeconv()->decimal_point == ',') {
            comma_locale = name;
            break;
        }
    }
    if (!comma_locale) WARN("no locale with a ',' decimal point is installed; checking the C locale only");
    CHECK(from_cell<double>(text("1.25")) == 1.25);
    CHECK(from_cell<double>(text("-12345678.5")) == -12345678.5);
    CHECK(from_cell<float>(text("0.5")) == 0.5f);
    CHECK_THROWS_AS(from_cell<double>(text("1,25")), relata::mapping_error);
}

TEST_CASE("NUMERIC text: NaN, infinities and values beyond a double", "[types][floating]") {
    CHECK(std::isnan(from_cell<double>(text("NaN"))));
    CHECK(from_cell<double>(text("Infinity")) == std::numeric_limits<double>::infinity());
    CHECK(from_cell<double>(text("-Infinity")) == -std::numeric_limits<double>::infinity());
    CHECK(from_cell<double>(text("0.1")) == 0.1);  // correctly rounded
    CHECK_THROWS_AS(from_cell<double>(text("1" + std::string(400, '0'))), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<double>(text(" 1")), relata::mapping_error);
}

TEST_CASE("float", "[types][floating]") {
    CHECK(std::get<double>(to_value(1.5f)) == 1.5);
    CHECK(std::get<double>(to_value(0.1f)) == static_cast<double>(0.1f));  // widened exactly
    CHECK(from_cell<float>(cell{1.5}) == 1.5f);
    CHECK(from_cell<float>(integer(3)) == 3.0f);
    const double largest = std::numeric_limits<float>::max();
    CHECK(from_cell<float>(cell{largest}) == std::numeric_limits<float>::max());
    CHECK(from_cell<float>(cell{-largest}) == -std::numeric_limits<float>::max());
    CHECK_THROWS_AS(from_cell<float>(cell{1e39}), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<float>(cell{-1e39}), relata::mapping_error);
}

TEST_CASE("std::string", "[types][text]") {
    CHECK(std::get<std::string>(to_value(std::string("héllo"))) == "héllo");
    const std::string with_nul("a\0b", 3);
    CHECK(std::get<std::string>(to_value(with_nul)) == with_nul);
    CHECK(from_cell<std::string>(text(with_nul)) == with_nul);
    CHECK(from_cell<std::string>(text("")).empty());
    CHECK_THROWS_AS(from_cell<std::string>(integer(1)), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<std::string>(cell{1.5}), relata::mapping_error);
}

TEST_CASE("relata::blob", "[types][blob]") {
    const relata::blob bytes{std::byte{0}, std::byte{0xff}, std::byte{0x10}};
    CHECK(std::get<relata::blob>(to_value(bytes)) == bytes);
    CHECK(from_cell<relata::blob>(cell{std::span<const std::byte>(bytes)}) == bytes);
    CHECK(from_cell<relata::blob>(cell{std::span<const std::byte>{}}).empty());
    CHECK_THROWS_AS(from_cell<relata::blob>(text("abc")), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<relata::blob>(integer(1)), relata::mapping_error);
}

TEST_CASE("enums are stored as their underlying integer", "[types][enum]") {
    CHECK(written(color::green) == 2);
    CHECK(written(plain_a) == -5);
    CHECK(from_cell<color>(integer(1)) == color::red);
    CHECK(from_cell<plain_enum>(integer(7)) == plain_b);
    CHECK_THROWS_AS(from_cell<color>(integer(256)), relata::mapping_error);  // std::uint8_t underlying
    CHECK_THROWS_AS(from_cell<color>(integer(-1)), relata::mapping_error);
    static_assert(relata::detail::sql_type_of<color>() == relata::sql_type::smallint);
    static_assert(relata::detail::sql_type_of<plain_enum>() == relata::sql_type::integer);
}

TEST_CASE("std::optional: NULL <-> std::nullopt", "[types][optional]") {
    CHECK(std::holds_alternative<std::monostate>(to_value(std::optional<int>{})));
    CHECK(written(std::optional<int>{42}) == 42);
    CHECK(std::get<std::string>(to_value(std::optional<std::string>{"x"})) == "x");
    CHECK(from_cell<std::optional<int>>(null) == std::nullopt);
    CHECK(from_cell<std::optional<int>>(integer(5)) == std::optional<int>{5});
    CHECK(from_cell<std::optional<std::string>>(null) == std::nullopt);
    CHECK(from_cell<std::optional<std::string>>(text("")) == std::optional<std::string>{""});
    // The inner conversion still checks.
    CHECK_THROWS_AS(from_cell<std::optional<std::int8_t>>(integer(1000)), relata::mapping_error);
    static_assert(relata::detail::is_nullable<std::optional<int>>);
    static_assert(!relata::detail::is_nullable<int>);
}

TEST_CASE("NULL into a non-optional member throws", "[types][optional]") {
    CHECK_THROWS_AS(from_cell<int>(null), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<std::string>(null), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<bool>(null), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<double>(null), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<relata::blob>(null), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<sys_seconds>(null), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<money>(null), relata::mapping_error);
}

TEST_CASE("sys_time is written as a microsecond timestamp", "[types][time]") {
    const sys_days day = year{2009} / January / 1;
    const sys_seconds seconds = day + hours{10} + minutes{20} + std::chrono::seconds{30};
    CHECK(std::get<relata::timestamp>(to_value(seconds)) == relata::timestamp{seconds});
    const sys_time<milliseconds> millis = seconds + milliseconds{123};
    CHECK(std::get<relata::timestamp>(to_value(millis)) == relata::timestamp{millis});
    const relata::timestamp micros = seconds + microseconds{123456};
    CHECK(std::get<relata::timestamp>(to_value(micros)) == micros);
}

TEST_CASE("sys_time from ISO-8601 text", "[types][time]") {
    const sys_days day = year{2009} / January / 1;
    SECTION("date and time, space or T separator") {
        CHECK(from_cell<sys_seconds>(text("2009-01-01 00:00:00")) == sys_seconds{day});
        CHECK(from_cell<sys_seconds>(text("2009-01-01 10:20:30")) == day + hours{10} + minutes{20} + seconds{30});
        CHECK(from_cell<sys_seconds>(text("2009-01-01T10:20:30")) == day + hours{10} + minutes{20} + seconds{30});
        CHECK(from_cell<sys_seconds>(text("2009-01-01 10:20")) == day + hours{10} + minutes{20});
        CHECK(from_cell<sys_seconds>(text("2009-01-01")) == sys_seconds{day});
    }
    SECTION("fractions, at the precision of the member") {
        CHECK(from_cell<relata::timestamp>(text("2009-01-01 00:00:01.123456")) == day + seconds{1} + microseconds{123456});
        CHECK(from_cell<relata::timestamp>(text("2009-01-01 00:00:01.5")) == day + seconds{1} + milliseconds{500});
        CHECK(from_cell<sys_time<milliseconds>>(text("2009-01-01 00:00:01.123456")) ==
              day + seconds{1} + milliseconds{123});
        CHECK(from_cell<sys_time<milliseconds>>(text("2009-01-01 00:00:01.123")) == day + seconds{1} + milliseconds{123});
        CHECK(from_cell<sys_seconds>(text("2009-01-01 00:00:01.999")) == day + seconds{1});  // floor, not round
        // Digits beyond microseconds are dropped.
        CHECK(from_cell<relata::timestamp>(text("2009-01-01 00:00:01.1234569")) ==
              day + seconds{1} + microseconds{123456});
    }
    SECTION("before 1970 rounds toward the past") {
        const sys_days epoch{};
        CHECK(from_cell<sys_seconds>(text("1969-12-31 23:59:59.5")) == epoch - seconds{1});
        CHECK(from_cell<relata::timestamp>(text("1969-12-31 23:59:59.5")) == epoch - milliseconds{500});
    }
    SECTION("UTC designator and offsets") {
        CHECK(from_cell<sys_seconds>(text("2009-01-01T10:00:00Z")) == day + hours{10});
        CHECK(from_cell<sys_seconds>(text("2009-01-01T10:00:00+02:00")) == day + hours{8});
        CHECK(from_cell<sys_seconds>(text("2009-01-01 10:00:00-05:30")) == day + hours{15} + minutes{30});
        CHECK(from_cell<sys_seconds>(text("2009-01-01 01:00:00+02:00")) == day - hours{1});
        CHECK(from_cell<relata::timestamp>(text("2009-01-01T10:00:00.25+01:00")) == day + hours{9} + milliseconds{250});
        CHECK(from_cell<sys_seconds>(text("2009-01-01 10:00:00+0200")) == day + hours{8});
    }
    SECTION("native timestamp and date cells") {
        const relata::timestamp t = day + hours{1} + microseconds{1500};
        CHECK(from_cell<relata::timestamp>(cell{t}) == t);
        CHECK(from_cell<sys_time<milliseconds>>(cell{t}) == day + hours{1} + milliseconds{1});
        CHECK(from_cell<sys_seconds>(cell{relata::date{day}}) == sys_seconds{day});
    }
}

TEST_CASE("malformed timestamp text throws", "[types][time]") {
    const auto malformed = GENERATE(as<std::string>{}, "", "yesterday", "2009-1-01 00:00:00", "2009/01/01 00:00:00",
                                    "2009-13-01 00:00:00", "2009-02-30 00:00:00", "2009-01-01 24:00:00",
                                    "2009-01-01 10:60:00", "2009-01-01 10", "2009-01-01T", "2009-01-01 00:00:00.",
                                    "2009-01-01 00:00:00 junk", "2009-01-01 00:00:00Zjunk", "2009-01-01 00:00:00+2:00",
                                    "2009-01-01 00:00:00+02:", "2009-01-01x00:00:00");
    CHECK_THROWS_AS(from_cell<sys_seconds>(text(malformed)), relata::mapping_error);
}

TEST_CASE("timestamps reject other cells", "[types][time]") {
    CHECK_THROWS_AS(from_cell<sys_seconds>(integer(1234567890)), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<sys_seconds>(cell{1.5}), relata::mapping_error);
}

TEST_CASE("std::chrono::year_month_day", "[types][date]") {
    const year_month_day leap = year{2024} / February / 29;
    CHECK(std::get<relata::date>(to_value(leap)) == sys_days{leap});
    CHECK(from_cell<year_month_day>(text("2024-02-29")) == leap);
    CHECK(from_cell<year_month_day>(cell{relata::date{leap}}) == leap);
    CHECK(from_cell<std::optional<year_month_day>>(null) == std::nullopt);

    SECTION("an invalid date throws on write") {
        CHECK_THROWS_AS(to_value(year_month_day{year{2023} / February / 30}), relata::mapping_error);
        CHECK_THROWS_AS(to_value(year_month_day{year{2023} / month{13} / 1}), relata::mapping_error);
        CHECK_THROWS_AS(to_value(year_month_day{year{2023} / February / 29}), relata::mapping_error);
    }
    SECTION("malformed or invalid text throws on read") {
        CHECK_THROWS_AS(from_cell<year_month_day>(text("2023-02-30")), relata::mapping_error);
        CHECK_THROWS_AS(from_cell<year_month_day>(text("2023-2-3")), relata::mapping_error);
        CHECK_THROWS_AS(from_cell<year_month_day>(text("2024-02-29 00:00:00")), relata::mapping_error);
        CHECK_THROWS_AS(from_cell<year_month_day>(text("")), relata::mapping_error);
        CHECK_THROWS_AS(from_cell<year_month_day>(integer(20240229)), relata::mapping_error);
    }
}

TEST_CASE("a user type through relata::value_traits", "[types][user]") {
    static_assert(relata::storable<money>);
    static_assert(relata::storable<std::optional<money>>);
    static_assert(relata::detail::sql_type_of<money>() == relata::sql_type::bigint);
    static_assert(relata::detail::sql_type_of<email_address>() == relata::sql_type::text);

    CHECK(written(money{1999}) == 1999);
    CHECK(from_cell<money>(integer(1999)) == money{1999});
    CHECK(std::holds_alternative<std::monostate>(to_value(std::optional<money>{})));
    CHECK(from_cell<std::optional<money>>(null) == std::nullopt);
    CHECK(from_cell<std::optional<money>>(integer(5)) == std::optional<money>{money{5}});
    CHECK(from_cell<money>(text("5")) == money{5});  // exact integer text, as SQLite would have stored it
    CHECK_THROWS_AS(from_cell<money>(text("5 dollars")), relata::mapping_error);

    CHECK(std::get<std::string>(to_value(email_address{"ada@example.org"})) == "ada@example.org");
    CHECK(from_cell<email_address>(text("ada@example.org")) == email_address{"ada@example.org"});
    // A user conversion's own error comes through as a mapping_error.
    CHECK_THROWS_AS(from_cell<email_address>(text("nobody")), relata::mapping_error);
}

TEST_CASE("storable and sql types of the built-ins", "[types]") {
    static_assert(relata::storable<int>);
    static_assert(relata::storable<std::optional<std::string>>);
    static_assert(relata::storable<relata::blob>);
    static_assert(relata::storable<sys_seconds>);
    static_assert(relata::storable<year_month_day>);
    static_assert(relata::storable<std::vector<int>>);  // an array (relata/array.hpp)
    static_assert(!relata::storable<std::vector<std::vector<int>>>);
    static_assert(!relata::storable<std::vector<bool>>);
    static_assert(!relata::storable<const char*>);
    static_assert(!relata::storable<sys_time<nanoseconds>>);
    static_assert(relata::detail::sql_type_of<std::int8_t>() == relata::sql_type::smallint);
    static_assert(relata::detail::sql_type_of<std::uint8_t>() == relata::sql_type::smallint);
    static_assert(relata::detail::sql_type_of<std::int16_t>() == relata::sql_type::smallint);
    static_assert(relata::detail::sql_type_of<std::uint16_t>() == relata::sql_type::integer);
    static_assert(relata::detail::sql_type_of<std::int32_t>() == relata::sql_type::integer);
    static_assert(relata::detail::sql_type_of<std::uint32_t>() == relata::sql_type::bigint);
    static_assert(relata::detail::sql_type_of<std::int64_t>() == relata::sql_type::bigint);
    static_assert(relata::detail::sql_type_of<std::uint64_t>() == relata::sql_type::bigint);
    static_assert(relata::detail::sql_type_of<bool>() == relata::sql_type::boolean);
    static_assert(relata::detail::sql_type_of<float>() == relata::sql_type::real);
    static_assert(relata::detail::sql_type_of<double>() == relata::sql_type::double_precision);
    static_assert(relata::detail::sql_type_of<std::optional<std::string>>() == relata::sql_type::text);
    static_assert(relata::detail::sql_type_of<relata::blob>() == relata::sql_type::blob);
    static_assert(relata::detail::sql_type_of<sys_time<milliseconds>>() == relata::sql_type::timestamp);
    static_assert(relata::detail::sql_type_of<year_month_day>() == relata::sql_type::date);
    CHECK(relata::detail::sql_type_of<int>() == relata::sql_type::integer);
}

}  // namespace types_test
