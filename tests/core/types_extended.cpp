// relata::numeric, relata::uuid, relata::json and std::vector arrays without a database:
// parsing, canonical text, ordering by value, hashing, the JSON array text, and DDL per dialect.
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "catch.hpp"

#include <relata/relata.hpp>

namespace types_extended_test {

struct Everything {
    std::int64_t id = 0;
    relata::uuid key;
    std::optional<relata::uuid> other_key;
    relata::numeric amount;
    relata::json document;
    std::vector<std::int32_t> ints;
    std::vector<std::int64_t> longs;
    std::vector<double> doubles;
    std::vector<std::optional<std::string>> texts;
    std::chrono::sys_days day{};
    relata::blob bytes;
};
RELATA_MODEL(Everything, id, key, other_key, amount, document, ints, longs, doubles, texts, day, bytes)

}  // namespace types_extended_test

using relata::numeric;
using relata::uuid;

TEST_CASE("numeric keeps canonical decimal text", "[core][types][numeric]") {
    CHECK(numeric("12.50").to_string() == "12.50");
    CHECK(numeric("+007.10").to_string() == "7.10");
    CHECK(numeric("-0.00").to_string() == "0.00");
    CHECK(numeric(".5").to_string() == "0.5");
    CHECK(numeric("5.").to_string() == "5");
    CHECK(numeric("1.5e3").to_string() == "1500");
    CHECK(numeric("1.5E-3").to_string() == "0.0015");
    CHECK(numeric("nan").to_string() == "NaN");
    CHECK(numeric("-inf").to_string() == "-Infinity");
    CHECK(numeric(std::numeric_limits<std::int64_t>::min()).to_string() == "-9223372036854775808");
    CHECK(numeric().to_string() == "0");
    CHECK(numeric("12.50").scale() == 2);
    for (const char* bad : {"", "-", ".", "1.2.3", "12abc", "1e", "1,5", " 1", "0x10", "1e99999"}) {
        INFO(bad);
        CHECK_FALSE(numeric::try_parse(bad).has_value());
        CHECK_THROWS_AS(numeric(bad), relata::mapping_error);
    }
}

TEST_CASE("numeric compares by value, not text", "[core][types][numeric]") {
    CHECK(numeric("12.5") == numeric("12.50"));
    CHECK(numeric("0") == numeric("-0.000"));
    CHECK(numeric("9") < numeric("10"));
    CHECK(numeric("-10") < numeric("-9"));
    CHECK(numeric("-0.01") < numeric("0"));
    CHECK(numeric("0.1") < numeric("0.10000000000000000001"));
    CHECK(numeric("-Infinity") < numeric("-99999999999999999999"));
    CHECK(numeric("99999999999999999999") < numeric("Infinity"));
    CHECK(numeric("Infinity") < numeric("NaN"));
    CHECK(numeric("NaN") == numeric("NaN"));  // PostgreSQL's ordering
    CHECK(numeric("100") > numeric("99.999"));
}

TEST_CASE("numeric converts to and from double exactly where possible", "[core][types][numeric]") {
    CHECK(numeric::from_double(0.1).to_string() == "0.1");
    CHECK(numeric::from_double(0.1 + 0.2).to_string() == "0.30000000000000004");
    CHECK(numeric::from_double(1e20).to_string() == "100000000000000000000");
    CHECK(numeric::from_double(-2.5e-5).to_string() == "-0.000025");
    CHECK(numeric::from_double(std::numeric_limits<double>::quiet_NaN()).is_nan());
    CHECK(numeric::from_double(-std::numeric_limits<double>::infinity()).to_string() == "-Infinity");
    for (const double d : {0.1, 1.0 / 3.0, 123456789.125, -1e-300, std::numeric_limits<double>::max(),
                           std::numeric_limits<double>::denorm_min()}) {
        INFO(d);
        CHECK(numeric::from_double(d).to_double() == d);
    }
    CHECK(numeric("1e400").to_double() == std::numeric_limits<double>::infinity());
    // Through value_traits: written as text, read from text, integers and doubles.
    CHECK(std::get<std::string>(relata::detail::to_value(numeric("0.10"))) == "0.10");
    CHECK(relata::detail::from_cell<numeric>(relata::cell{std::string_view("3.14")}).to_string() == "3.14");
    CHECK(relata::detail::from_cell<numeric>(relata::cell{std::int64_t{-7}}).to_string() == "-7");
    CHECK(relata::detail::from_cell<numeric>(relata::cell{2.5}).to_string() == "2.5");
}

TEST_CASE("uuid parses, prints, compares and hashes", "[core][types][uuid]") {
    const uuid id = uuid::parse("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11");
    CHECK(id.to_string() == "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    CHECK(uuid::parse("{a0eebc999c0b4ef8bb6d6bb9bd380a11}") == id);
    CHECK(uuid().is_nil());
    CHECK(uuid().to_string() == "00000000-0000-0000-0000-000000000000");
    CHECK(uuid() < id);
    CHECK(uuid::parse("00000000-0000-0000-0000-000000000002") > uuid::parse("00000000-0000-0000-0000-000000000001"));
    CHECK(std::hash<uuid>{}(id) == std::hash<uuid>{}(uuid::parse(id.to_string())));
    CHECK(std::hash<uuid>{}(id) != std::hash<uuid>{}(uuid()));
    for (const char* bad : {"", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1g",
                            "a0eebc999-c0b-4ef8-bb6d-6bb9bd380a11"}) {
        INFO(bad);
        CHECK_FALSE(uuid::try_parse(bad).has_value());
        CHECK_THROWS_AS(uuid::parse(bad), relata::mapping_error);
    }
    const auto stored = std::get<relata::blob>(relata::detail::to_value(id));
    CHECK(stored.size() == 16);
    CHECK(relata::detail::from_cell<uuid>(relata::cell{std::span<const std::byte>(stored)}) == id);
    CHECK(relata::detail::from_cell<uuid>(relata::cell{std::string_view("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")}) == id);
    const std::vector<std::byte> short_blob(15);
    CHECK_THROWS_AS(relata::detail::from_cell<uuid>(relata::cell{std::span<const std::byte>(short_blob)}),
                    relata::mapping_error);
}

TEST_CASE("vectors travel as JSON array text", "[core][types][arrays]") {
    using relata::detail::from_cell;
    using relata::detail::to_value;
    CHECK(std::get<std::string>(to_value(std::vector<std::int32_t>{})) == "[]");
    CHECK(std::get<std::string>(to_value(std::vector<std::int64_t>{1, -2})) == "[1,-2]");
    CHECK(std::get<std::string>(to_value(std::vector<std::string>{"a\"b", "\\", "\x01"})) == R"(["a\"b","\\","\u0001"])");
    CHECK(std::get<std::string>(to_value(std::vector<std::optional<double>>{0.5, std::nullopt})) == "[0.5,null]");
    CHECK(std::get<std::string>(to_value(std::vector<double>{std::numeric_limits<double>::infinity()})) ==
          R"(["Infinity"])");
    const auto text = [](const char* t) { return relata::cell{std::string_view(t)}; };
    CHECK(from_cell<std::vector<std::string>>(text(R"([ "\u00e9\ud83d\ude00", "x" ])")) ==
          std::vector<std::string>{"\xC3\xA9\xF0\x9F\x98\x80", "x"});
    CHECK(from_cell<std::vector<std::int16_t>>(text("[32767,-32768]")) == std::vector<std::int16_t>{32767, -32768});
    CHECK_THROWS_AS(from_cell<std::vector<std::int16_t>>(text("[32768]")), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<std::vector<std::int64_t>>(text("[1,null]")), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<std::vector<std::int64_t>>(text("[1.5]")), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<std::vector<std::int64_t>>(text("[[1]]")), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<std::vector<std::int64_t>>(text("[1,]")), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<std::vector<std::string>>(text("[\"unterminated]")), relata::mapping_error);
    CHECK_THROWS_AS(from_cell<std::vector<std::string>>(text("[1]")), relata::mapping_error);
    CHECK(from_cell<std::vector<std::optional<std::int64_t>>>(text("[null]")) ==
          std::vector<std::optional<std::int64_t>>{std::nullopt});
}

TEST_CASE("integers read exact decimal text only", "[core][types][integers]") {
    using relata::detail::from_cell;
    const auto text = [](const char* t) { return relata::cell{std::string_view(t)}; };
    CHECK(from_cell<std::int64_t>(text("-9223372036854775808")) == std::numeric_limits<std::int64_t>::min());
    CHECK(from_cell<std::int32_t>(text("+12")) == 12);
    for (const char* bad : {"12abc", "1.5", "9223372036854775808", "", "+", "+-1", " 1", "1e3"}) {
        INFO(bad);
        CHECK_THROWS_AS(from_cell<std::int64_t>(text(bad)), relata::mapping_error);
    }
    CHECK_THROWS_AS(from_cell<std::int8_t>(text("128")), relata::mapping_error);
}

TEST_CASE("create_table_sql maps the new types per dialect", "[core][types][schema]") {
    using types_extended_test::Everything;
    CHECK(relata::create_table_sql<Everything>(relata::sqlite_dialect).sql ==
          "CREATE TABLE IF NOT EXISTS \"everything\" (\"id\" INTEGER PRIMARY KEY, \"key\" BLOB NOT NULL, "
          "\"other_key\" BLOB, \"amount\" TEXT NOT NULL, \"document\" TEXT NOT NULL, \"ints\" TEXT NOT NULL, "
          "\"longs\" TEXT NOT NULL, \"doubles\" TEXT NOT NULL, \"texts\" TEXT NOT NULL, \"day\" TEXT NOT NULL, "
          "\"bytes\" BLOB NOT NULL)");
    CHECK(relata::create_table_sql<Everything>(relata::postgres_dialect).sql ==
          "CREATE TABLE IF NOT EXISTS \"everything\" (\"id\" BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
          "\"key\" UUID NOT NULL, \"other_key\" UUID, \"amount\" NUMERIC NOT NULL, \"document\" JSONB NOT NULL, "
          "\"ints\" INTEGER[] NOT NULL, \"longs\" BIGINT[] NOT NULL, \"doubles\" DOUBLE PRECISION[] NOT NULL, "
          "\"texts\" TEXT[] NOT NULL, \"day\" DATE NOT NULL, \"bytes\" BYTEA NOT NULL)");
}
