// Misuse and odd values that used to crash, run half a statement or lose data silently: SQL
// with no statement or several, NaN on SQLite, a null `const char*` argument, and cell read
// errors without the model and member they belong to.
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "backends.hpp"
#include "models.hpp"

namespace robustness_models {

/// One double column, read back by hand-written SQL.
struct Reading {
    double value = 0;
};
RELATA_MODEL(Reading, value)

/// A timestamp column, read back by hand-written SQL.
struct Stamp {
    std::chrono::sys_seconds at{};
};
RELATA_MODEL(Stamp, at)

}  // namespace robustness_models

namespace {

using robustness_models::Reading;
using test_models::Author;

}  // namespace

RELATA_BACKEND_TEST("execute rejects several statements and runs none of them", "[robustness]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author>(db);
    db.execute("INSERT INTO \"author\" (\"name\") VALUES ('kept')");
    try {
        db.execute("INSERT INTO \"author\" (\"name\") VALUES ('a'); DELETE FROM \"author\"");
        FAIL("two statements were accepted");
    } catch (const relata::database_error& e) {
        CHECK(std::string(e.what()).starts_with("relata: "));
        if (relata_test::engine == relata::engine::sqlite)
            CHECK(std::string(e.what()).find("execute_script") != std::string::npos);
    }
    REQUIRE_THROWS_AS(db.query<test_models::NameTotal>("SELECT 'a' AS name, 1 AS total; SELECT 'b', 2"), relata::database_error);
    const auto names = db.query<test_models::NameTotal>("SELECT \"name\", \"id\" AS total FROM \"author\"");
    REQUIRE(names.size() == 1);
    CHECK(names[0].name == "kept");
    // A trailing semicolon is one statement.
    CHECK(db.execute("DELETE FROM \"author\" WHERE \"name\" = ?;", "kept") == 1);
}

RELATA_BACKEND_TEST("a null const char* argument binds NULL", "[robustness]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author>(db);
    const char* no_email = nullptr;
    db.execute("INSERT INTO \"author\" (\"name\", \"email\") VALUES (?, ?)",
               "Ada", no_email);
    relata::session session{db};
    const auto authors = session.all(relata::select<Author>());
    REQUIRE(authors.size() == 1);
    CHECK(authors[0].name == "Ada");
    CHECK_FALSE(authors[0].email.has_value());
    constexpr auto a = relata::columns<Author>;
    CHECK(relata::count(db, relata::select<Author>().where(a.email == no_email)) == 1);
}

RELATA_BACKEND_TEST("NaN is stored on PostgreSQL and rejected on SQLite (never turned into NULL)", "[robustness]") {
    relata_test::database test;
    auto& db = test.db;
    db.execute_script("CREATE TABLE reading (value DOUBLE PRECISION)");
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::string insert = "INSERT INTO reading (value) VALUES (?)";
    if (relata_test::engine == relata::engine::sqlite) {
        try {
            db.execute(insert, nan);
            FAIL("NaN was bound");
        } catch (const relata::mapping_error& e) {
            const std::string message = e.what();
            CHECK(message.starts_with("relata: SQLite cannot store NaN"));
            CHECK(message.find("parameter 1") != std::string::npos);
            CHECK(message.find(insert) != std::string::npos);
        }
        CHECK(db.query<Reading>("SELECT value FROM reading").empty());
    } else {
        db.execute(insert, nan);
        const auto rows = db.query<Reading>("SELECT value FROM reading");
        REQUIRE(rows.size() == 1);
        CHECK(std::isnan(rows[0].value));
    }
    // Infinities are ordinary REAL / DOUBLE PRECISION values on both engines.
    db.execute("DELETE FROM reading");
    db.execute(insert, std::numeric_limits<double>::infinity());
    const auto rows = db.query<Reading>("SELECT value FROM reading");
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].value == std::numeric_limits<double>::infinity());
}

#if defined(RELATA_TEST_BACKEND_SQLITE)
TEST_CASE("sqlite: SQL without a statement is a database_error (also the second time)", "[sqlite][robustness]") {
    relata_test::database test;
    auto& db = test.db;
    for (const std::string& sql : std::vector<std::string>{"", "   \n\t", "-- nothing here", "/* nothing */ ;", ";"}) {
        for (int attempt = 0; attempt < 2; ++attempt) {  // a null statement must not be cached
            try {
                db.execute(sql);
                FAIL("SQL without a statement ran: '" << sql << "'");
            } catch (const relata::database_error& e) {
                CHECK(std::string(e.what()).starts_with("relata: the SQL contains no statement"));
                CHECK(e.sql() == sql);
            }
            REQUIRE_THROWS_AS(db.for_each_row(relata::rendered_query{sql, {}}, [](const relata::sqlite::row&) {}),
                              relata::database_error);
        }
    }
    CHECK(db.cached_statement_count() == 0);
    // Comments and semicolons after the one statement are fine.
    CHECK(db.query<test_models::NameTotal>("SELECT 'a' AS name, 1 AS total; -- the answer\n/* done */ ;").size() == 1);
    CHECK(db.query<test_models::NameTotal>("SELECT 'a' AS name, 1 AS total /* unterminated comment").size() == 1);
}
#endif

#if defined(RELATA_TEST_BACKEND_POSTGRES)
TEST_CASE("postgres: a cell that cannot be read names the model and the member", "[postgres][robustness]") {
    relata_test::database test;
    auto& db = test.db;
    try {
        (void)db.query<robustness_models::Stamp>("SELECT 'infinity'::timestamptz AS at");
        FAIL("infinity was read into a sys_seconds");
    } catch (const relata::mapping_error& e) {
        const std::string message = e.what();
        CHECK(message.starts_with("relata: cannot read Stamp::at from column \"at\": "));
        CHECK(message.find("infinity") != std::string::npos);
        CHECK(message.find("relata: relata:") == std::string::npos);
    }
    try {
        (void)db.query<test_models::NameTotal>("SELECT 'a' AS name, interval '1 day' AS total");
        FAIL("an interval was read into an integer");
    } catch (const relata::mapping_error& e) {
        const std::string message = e.what();
        CHECK(message.starts_with("relata: cannot read NameTotal::total from column \"total\": "));
        CHECK(message.find("OID") != std::string::npos);
    }
}
#endif
