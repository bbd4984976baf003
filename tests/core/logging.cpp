// relata::describe / describe_parameters: how bound values appear in logs.
#include <chrono>
#include <string>
#include <vector>

#include "catch.hpp"
#include "relata/logging.hpp"

TEST_CASE("bound values are described as SQL literals, long ones cut", "[logging]") {
    using namespace std::chrono;
    const std::vector<relata::value> values{
        relata::value{},
        relata::value{std::int64_t{-42}},
        relata::value{0.1},
        relata::value{std::string("it's")},
        relata::value{relata::blob{std::byte{0x00}, std::byte{0xff}}},
        relata::value{true},
        relata::value{relata::timestamp{sys_days{2024y / 2 / 29} + 13h + 5min + 7s + 250ms}},
        relata::value{relata::date{sys_days{2024y / 2 / 29}}},
    };
    CHECK(relata::describe_parameters(values) ==
          "[NULL, -42, 0.1, 'it''s', x'00ff', true, 2024-02-29 13:05:07.250000, 2024-02-29]");
    CHECK(relata::describe(relata::value{std::string(250, 'a')}) == "'" + std::string(200, 'a') + "'... (50 more)");
    CHECK(relata::describe(relata::value{std::string("abcdef")}, 3) == "'abc'... (3 more)");
    CHECK(relata::describe_parameters({}) == "[]");
}
