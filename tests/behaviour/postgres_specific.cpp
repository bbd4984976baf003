// PostgreSQL-only connection behaviour: URIs, SQLSTATE classes that need a live server
// (serialization failures, lost connections), and PostgreSQL types.
#include "backends.hpp"

#if defined(RELATA_TEST_BACKEND_POSTGRES)
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <span>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "models.hpp"

using test_models::Author;

namespace {

/// `host=/dir port=1 user=u dbname=d` -> `postgresql://u@/d?host=%2Fdir&port=1`.
std::string to_uri(const std::string& conninfo) {
    std::map<std::string, std::string> parts;
    std::istringstream in(conninfo);
    std::string word;
    while (in >> word) {
        const auto eq = word.find('=');
        if (eq != std::string::npos) parts[word.substr(0, eq)] = word.substr(eq + 1);
    }
    std::string host;
    for (const char c : parts["host"]) host += c == '/' ? std::string("%2F") : std::string(1, c);
    std::string uri = "postgresql://";
    if (parts.count("user")) uri += parts["user"] + "@";
    uri += "/" + (parts.count("dbname") ? parts["dbname"] : std::string("postgres"));
    uri += "?host=" + host;
    if (parts.count("port")) uri += "&port=" + parts["port"];
    return uri;
}

}  // namespace

TEST_CASE("postgres: connect accepts key/value strings and URIs", "[postgres]") {
    const std::string& conninfo = relata_test::postgres_conninfo();
    auto by_keywords = relata::postgres::connect(conninfo);
    CHECK(by_keywords.query<test_models::NameTotal>("SELECT 'kv' AS name, 1::bigint AS total").size() == 1);
    if (conninfo.find("host=/") != std::string::npos) {
        auto by_uri = relata::postgres::connect(to_uri(conninfo));
        const auto rows = by_uri.query<test_models::NameTotal>("SELECT current_user::text AS name, 2::bigint AS total");
        REQUIRE(rows.size() == 1);
        CHECK(rows[0].total == 2);
    }
    REQUIRE_THROWS_AS(relata::postgres::connect("host=/nonexistent-relata-socket-dir port=1 connect_timeout=2"),
                      relata::connection_error);
}

TEST_CASE("postgres: a serialization failure is a retriable transaction_conflict", "[postgres]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author>(db);
    db.execute("INSERT INTO \"author\" (\"name\") VALUES (?)", "Ada");
    auto other = test.open_another();

    db.execute_script("BEGIN ISOLATION LEVEL REPEATABLE READ");
    CHECK(relata::count(db, relata::select<Author>()) == 1);  // takes the snapshot
    other.execute("UPDATE \"author\" SET \"name\" = ?", "Ada (other)");
    try {
        db.execute("UPDATE \"author\" SET \"name\" = ?", "Ada (mine)");
        FAIL("the concurrent update must be a serialization failure");
    } catch (const relata::transaction_conflict& e) {
        CHECK(e.sqlstate() == "40001");
    }
    db.rollback();
    // Retrying the whole transaction succeeds.
    relata::session session{db};
    session.get<Author>(1).name = "Ada (mine)";
    session.commit();
    CHECK(relata::first(other, relata::select<Author>())->name == "Ada (mine)");
}

TEST_CASE("postgres: a lost connection is a connection_error", "[postgres]") {
    relata_test::database test;
    auto doomed = test.open_another();
    try {
        doomed.execute_script("SELECT pg_terminate_backend(pg_backend_pid())");
        (void)doomed.query<test_models::NameTotal>("SELECT 'x' AS name, 1::bigint AS total");
        FAIL("a terminated backend must raise connection_error");
    } catch (const relata::connection_error& e) {
        CHECK(std::string(e.what()).rfind("relata: ", 0) == 0);
    }
}

TEST_CASE("postgres: NUMERIC reads exactly as text and as a double; unsupported types are named", "[postgres]") {
    relata_test::database test;
    auto& db = test.db;
    const auto rows = db.query<test_models::NameTotal>("SELECT 12345678901234567890.125::numeric::text AS name, 7::bigint AS total");
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].name == "12345678901234567890.125");
    const auto prices = db.query<test_models::Measure>("SELECT 0.99::numeric(10,2) AS value, 'x' AS label");
    REQUIRE(prices.size() == 1);
    CHECK(prices[0].value == 0.99);
    const auto exact = db.query<test_models::NameTotal>("SELECT 0.99::numeric(10,2)::text AS name, 0::bigint AS total");
    CHECK(exact[0].name == "0.99");
    try {
        (void)db.query<test_models::NameTotal>("SELECT 'a' AS name, interval '1 day' AS total");
        FAIL("an interval cannot be read into an integer");
    } catch (const relata::mapping_error& e) {
        CHECK(std::string(e.what()).find("OID") != std::string::npos);
    }
}
TEST_CASE("postgres: the binary decoder reads exact bytes, tells NULL from empty, and names wrong lengths",
          "[postgres][decoder]") {
    // A result built by hand (no server), so the decoder meets exactly these bytes: its common
    // types' fast path, every other type's, and values of the wrong length.
    namespace oid = relata::postgres::detail::oid;
    struct column {
        Oid type;
        std::string bytes;
        bool null = false;
    };
    const std::vector<column> columns{
        {oid::int8, std::string("\xff\xff\xff\xff\xff\xff\xff\xfe", 8)},  // -2
        {oid::int4, std::string("\x80\x00\x00\x00", 4)},                  // INT32_MIN
        {oid::int2, std::string("\xff\xfe", 2)},                          // -2
        {oid::object_id, std::string("\xff\xff\xff\xff", 4)},             // 4294967295, unsigned
        {oid::float8, std::string("\xc0\x09\x21\xfb\x54\x44\x2d\x18", 8)},  // -pi
        {oid::float4, std::string("\x3f\xc0\x00\x00", 4)},                // 1.5f
        {oid::boolean, std::string("\x01", 1)},
        {oid::text, ""},                                                  // empty, not NULL
        {oid::text, "", true},
        {oid::varchar, "xy"},
        {oid::bytea, ""},                                                 // empty, not NULL
        {oid::bytea, "", true},
        {oid::boolean, "", true},
        {oid::int8, std::string("\x00\x00\x00\x05", 4)},  // wrong lengths, from here on
        {oid::int4, std::string(8, '\0')},
        {oid::float8, std::string(4, '\0')},
        {oid::boolean, ""},
        {oid::int2, std::string(1, '\0')},
    };
    PGresult* result = PQmakeEmptyPGresult(nullptr, PGRES_TUPLES_OK);
    REQUIRE(result != nullptr);
    const std::unique_ptr<PGresult, decltype(&PQclear)> owned(result, &PQclear);
    std::vector<std::string> names;
    for (std::size_t i = 0; i < columns.size(); ++i) names.push_back("c" + std::to_string(i));
    std::vector<PGresAttDesc> attributes;
    for (std::size_t i = 0; i < columns.size(); ++i) attributes.push_back({names[i].data(), 0, 0, 1, columns[i].type, -1, -1});
    REQUIRE(PQsetResultAttrs(result, static_cast<int>(columns.size()), attributes.data()) == 1);
    for (std::size_t i = 0; i < columns.size(); ++i) {
        char* bytes = columns[i].null ? nullptr : const_cast<char*>(columns[i].bytes.data());
        const int length = columns[i].null ? -1 : static_cast<int>(columns[i].bytes.size());
        REQUIRE(PQsetvalue(result, 0, static_cast<int>(i), bytes, length) == 1);
    }
    const relata::postgres::row row(result, 0);
    CHECK(std::get<std::int64_t>(row.cell(0)) == -2);
    CHECK(std::get<std::int64_t>(row.cell(1)) == std::numeric_limits<std::int32_t>::min());
    CHECK(std::get<std::int64_t>(row.cell(2)) == -2);
    CHECK(std::get<std::int64_t>(row.cell(3)) == 4294967295);
    CHECK(std::get<double>(row.cell(4)) == -3.141592653589793);
    CHECK(std::get<double>(row.cell(5)) == 1.5);
    CHECK(std::get<bool>(row.cell(6)));
    CHECK(std::get<std::string_view>(row.cell(7)).empty());
    CHECK(std::holds_alternative<std::monostate>(row.cell(8)));
    CHECK(std::get<std::string_view>(row.cell(9)) == "xy");
    CHECK(std::get<std::span<const std::byte>>(row.cell(10)).empty());
    CHECK(std::holds_alternative<std::monostate>(row.cell(11)));
    CHECK(std::holds_alternative<std::monostate>(row.cell(12)));
    const std::vector<std::string> wrong_lengths{
        R"(cannot read column "c13" of PostgreSQL type bigint: expected 8 bytes, got 4)",
        R"(cannot read column "c14" of PostgreSQL type integer: expected 4 bytes, got 8)",
        R"(cannot read column "c15" of PostgreSQL type double precision: expected 8 bytes, got 4)",
        R"(cannot read column "c16" of PostgreSQL type boolean: expected 1 bytes, got 0)",
        R"(cannot read column "c17" of PostgreSQL type smallint: expected 2 bytes, got 1)",
    };
    for (std::size_t i = 0; i < wrong_lengths.size(); ++i) {
        try {
            (void)row.cell(13 + i);
            FAIL("a value of the wrong length must not decode: column " << 13 + i);
        } catch (const relata::mapping_error& e) {
            CHECK(std::string(e.what()).find(wrong_lengths[i]) != std::string::npos);
        }
    }
}

TEST_CASE("postgres: a wide result with a domain past column 16 decodes, also inside another's rows",
          "[postgres][decoder]") {
    relata_test::database test;
    auto& db = test.db;
    db.execute_script("CREATE DOMAIN small_count AS integer CHECK (VALUE >= 0)");
    // 20 columns: each value is its column number, column 18 of the domain (resolved to integer).
    std::string wide = "SELECT ";
    for (int i = 1; i <= 20; ++i) wide += (i > 1 ? ", " : "") + std::to_string(i) + (i == 18 ? "::small_count" : "::int8");
    std::string all_known = "SELECT ";
    for (int i = 1; i <= 20; ++i) all_known += (i > 1 ? ", " : "") + std::to_string(i * 10) + (i % 2 ? "::int4" : "::text");
    std::size_t outer_rows = 0;
    db.for_each_row(relata::rendered_query{"SELECT 'x'::text, 2.5::float8 FROM generate_series(1, 2)", {}}, [&](const auto& outer) {
        ++outer_rows;
        db.for_each_row(relata::rendered_query{wide, {}}, [&](const auto& row) {
            REQUIRE(row.size() == 20);
            for (std::size_t i = 0; i < 20; ++i) CHECK(std::get<std::int64_t>(row.cell(i)) == static_cast<std::int64_t>(i + 1));
        });
        db.for_each_row(relata::rendered_query{all_known, {}}, [&](const auto& row) {
            REQUIRE(row.size() == 20);
            for (std::size_t i = 0; i < 20; i += 2) CHECK(std::get<std::int64_t>(row.cell(i)) == static_cast<std::int64_t>((i + 1) * 10));
            for (std::size_t i = 1; i < 20; i += 2) CHECK(std::get<std::string_view>(row.cell(i)) == std::to_string((i + 1) * 10));
        });
        // The outer row's column types are its own after the inner results came and went.
        CHECK(std::get<std::string_view>(outer.cell(0)) == "x");
        CHECK(std::get<double>(outer.cell(1)) == 2.5);
    });
    CHECK(outer_rows == 2);
}
#endif
