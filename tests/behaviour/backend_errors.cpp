// Regression tests for bugs found by trying relata as a new user would (issue 6, item 10):
// SQLite reading a misspelled column as a string, bound-parameter limits, PostgreSQL's DETAIL
// and HINT, and logging the bound values. Each ran against the code before its fix and failed.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "backends.hpp"

namespace backend_errors {

// The table has `title`; the model says `titel`.
struct Misspelled {
    std::int64_t id = 0;
    std::string titel;
};
RELATA_MODEL(Misspelled, id, titel)

// The same table, spelled right.
struct Spelled {
    std::int64_t id = 0;
    std::string title;
};
RELATA_MODEL(Spelled, id, title)

struct Code {
    std::int64_t id = 0;
    std::string code;
};
RELATA_MODEL(Code, id, code)

}  // namespace backend_errors

template <>
struct relata::mapping<backend_errors::Code> {
    static constexpr auto unique = std::tuple{relata::unique(&backend_errors::Code::code)};
};
template <>
struct relata::mapping<backend_errors::Spelled> {
    static constexpr auto table = "misspelled";
};

namespace backend_errors {

RELATA_BACKEND_TEST("a misspelled column is an error, never read as a string literal", "[errors][dqs]") {
    relata_test::database test;
    auto& db = test.db;
    db.execute_script("CREATE TABLE misspelled (id INTEGER PRIMARY KEY, title TEXT NOT NULL)");
    db.execute("INSERT INTO misspelled (id, title) VALUES (1, 'first')");
    constexpr auto m = relata::columns<Misspelled>;
    // Before the fix SQLite returned the row with titel == "titel", and the filter matched.
    try {
        (void)relata::all(db, relata::select<Misspelled>());
        FAIL("reading a missing column succeeded");
    } catch (const relata::database_error& e) {
        CHECK_THAT(e.what(), Catch::Matchers::Contains("titel"));
    }
    CHECK_THROWS_AS(relata::count(db, relata::select<Misspelled>().where(m.titel == "titel")), relata::database_error);
    // Hand-written SQL too: "x" is a column name, not a string.
    CHECK_THROWS_AS(db.execute(R"(INSERT INTO misspelled (id, title) VALUES (2, "x"))"), relata::database_error);
    const std::vector<Spelled> rows = relata::all(db, relata::select<Spelled>());
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].title == "first");
}

RELATA_BACKEND_TEST("bound parameters: the engine's limit works, one more is a clear error before sending",
                    "[errors][parameter_limit]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Code>(db);
    for (int i = 1; i <= 3; ++i) relata::execute(db, relata::insert(Code{.id = i, .code = std::to_string(i)}));
    constexpr auto c = relata::columns<Code>;
    const std::size_t limit = db.max_parameters();
    CHECK(limit >= (relata_test::engine == relata::engine::postgresql ? 65'535u : 32'766u));

    std::vector<std::int64_t> ids(limit);
    for (std::size_t i = 0; i < limit; ++i) ids[i] = static_cast<std::int64_t>(i);
    CHECK(relata::count(db, relata::select<Code>().where(c.id.in(ids))) == 3);

    ids.push_back(-1);  // one over: PostgreSQL's 16-bit count would have wrapped to 0
    const auto before = db.statement_count();
    try {
        (void)relata::count(db, relata::select<Code>().where(c.id.in(ids)));
        FAIL("a statement over the parameter limit was sent");
    } catch (const relata::parameter_limit_error& e) {
        const std::string what = e.what();
        CHECK_THAT(what, Catch::Matchers::Contains(fmt::format("has {} bound parameters", limit + 1)));
        CHECK_THAT(what, Catch::Matchers::Contains(fmt::format("at most {}", limit)));
        // what() carries an excerpt of the SQL; sql() has all of it.
        CHECK(what.size() < 1'600);
        CHECK(e.sql().size() > limit);
    }
    CHECK(db.statement_count() == before);  // nothing was sent
    CHECK(relata::count(db, relata::select<Code>()) == 3);  // the connection still works
}

RELATA_BACKEND_TEST("a failing statement with a huge IN list reports an excerpt of its SQL", "[errors][excerpt]") {
    relata_test::database test;
    auto& db = test.db;
    db.execute_script("CREATE TABLE code (id INTEGER PRIMARY KEY)");  // no "code" column
    constexpr auto c = relata::columns<Code>;
    std::vector<std::string> codes(20'000, "a code");
    try {
        (void)relata::all(db, relata::select<Code>().where(c.code.in(codes)));
        FAIL("the query ran");
    } catch (const relata::database_error& e) {
        CHECK(std::string(e.what()).size() < 1'600);
        CHECK_THAT(e.what(), Catch::Matchers::Contains("more characters; the full text is in sql()"));
        CHECK(e.sql().size() > 20'000);
    }
}

RELATA_BACKEND_TEST("error messages keep the engine's detail and hint", "[errors][detail]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Code>(db);
    relata::execute(db, relata::insert(Code{.id = 1, .code = "a"}));
    try {
        relata::execute(db, relata::insert(Code{.id = 2, .code = "a"}));
        FAIL("a duplicate was inserted");
    } catch (const relata::constraint_violation& e) {
        CHECK(e.kind() == relata::constraint_kind::unique);
        if (relata_test::engine == relata::engine::postgresql) {
            CHECK_THAT(e.what(), Catch::Matchers::Contains("DETAIL: Key (code)=(a) already exists."));
        } else {
            CHECK_THAT(e.what(), Catch::Matchers::Contains("UNIQUE constraint failed: code.code"));
        }
    }
    if (relata_test::engine == relata::engine::postgresql) {
        try {
            db.execute("SELECT no_such_function(1)");
            FAIL("an unknown function ran");
        } catch (const relata::database_error& e) {
            CHECK(e.sqlstate() == "42883");
            CHECK_THAT(e.what(), Catch::Matchers::Contains("HINT: No function matches the given name and argument types."));
        }
    }
}

RELATA_BACKEND_TEST("on_sql_with_parameters sees every statement's bound values; a throwing logger stops the statement",
                    "[errors][logging]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Code>(db);
    std::vector<std::string> lines;
    db.on_sql_with_parameters([&](std::string_view sql, std::span<const relata::value> parameters) {
        lines.push_back(fmt::format("{} {}", sql, relata::describe_parameters(parameters)));
    });
    relata::execute(db, relata::insert(Code{.id = 7, .code = "it's"}));
    constexpr auto c = relata::columns<Code>;
    CHECK(relata::count(db, relata::select<Code>().where(c.code == "it's" && c.id > 6)) == 1);
    const std::string p1 = relata_test::engine == relata::engine::postgresql ? "$1" : "?";
    const std::string p2 = relata_test::engine == relata::engine::postgresql ? "$2" : "?";
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] == fmt::format(R"(INSERT INTO "code" ("id", "code") VALUES ({}, {}) [7, 'it''s'])", p1, p2));
    CHECK_THAT(lines[1], Catch::Matchers::EndsWith("['it''s', 6]"));

    // A logger that throws: the statement does not run, the exception reaches the caller, the
    // connection stays usable.
    db.on_sql_with_parameters([](std::string_view, std::span<const relata::value>) { throw std::runtime_error("log full"); });
    CHECK_THROWS_WITH(relata::execute(db, relata::insert(Code{.id = 8, .code = "b"})), "log full");
    db.on_sql_with_parameters({});
    CHECK(relata::count(db, relata::select<Code>()) == 1);
}

}  // namespace backend_errors
