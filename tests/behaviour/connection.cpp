// Backend connections: transactions, savepoints, the statement cache, the SQL log, the
// statement counter, and errors mapped to relata's hierarchy.
#include <string>
#include <string_view>
#include <vector>

#include "backends.hpp"
#include "models.hpp"

using test_models::Author;
using test_models::Post;

namespace {

template <class Connection>
std::int64_t author_count(Connection& db) {
    return relata::count(db, relata::select<Author>());
}

}  // namespace

RELATA_BACKEND_TEST("the transaction guard commits or rolls back", "[connection]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author>(db);
    const std::string insert = "INSERT INTO \"author\" (\"name\") VALUES (?)";
    {
        relata::transaction tx{db};
        CHECK(db.in_transaction());
        db.execute(insert, "kept");
        tx.commit();
    }
    CHECK_FALSE(db.in_transaction());
    {
        relata::transaction tx{db};
        db.execute(insert, "dropped");
    }  // destroyed without commit: rolled back
    CHECK(author_count(db) == 1);

    SECTION("nested guards use savepoints") {
        relata::transaction outer{db};
        db.execute(insert, "outer");
        {
            relata::transaction inner{db};
            db.execute(insert, "inner, rolled back");
        }
        {
            relata::transaction inner{db};
            db.execute(insert, "inner, kept");
            inner.commit();
        }
        outer.commit();
        CHECK(author_count(db) == 3);
    }
    SECTION("savepoints by name") {
        db.begin();
        db.execute(insert, "a");
        db.savepoint("before_b");
        db.execute(insert, "b");
        db.rollback_to_savepoint("before_b");
        db.release_savepoint("before_b");
        db.commit();
        CHECK(author_count(db) == 2);
    }
}

RELATA_BACKEND_TEST("statements are prepared once and cached by SQL text", "[connection]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author>(db);
    constexpr auto a = relata::columns<Author>;
    const auto cached_before = db.cached_statement_count();
    for (int i = 0; i < 5; ++i) (void)relata::all(db, relata::select<Author>().where(a.id == i));
    CHECK(db.cached_statement_count() == cached_before + 1);
    (void)relata::all(db, relata::select<Author>().where(a.name == "x"));
    CHECK(db.cached_statement_count() == cached_before + 2);

    SECTION("a cached statement first run with NULL then with a value") {
        const std::optional<std::string> none;
        (void)relata::all(db, relata::select<Author>().where(a.email == none || a.name == "y"));
        (void)relata::all(db, relata::select<Author>().where(a.email == std::optional<std::string>("e") || a.name == "y"));
        CHECK(relata::all(db, relata::select<Author>().where(a.email == none || a.name == "y")).empty());
    }
}

RELATA_BACKEND_TEST("the SQL log and the statement counter see every statement", "[connection]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author>(db);
    std::vector<std::string> log;
    db.on_sql([&](std::string_view sql) { log.emplace_back(sql); });
    const auto before = db.statement_count();
    constexpr auto a = relata::columns<Author>;
    (void)relata::all(db, relata::select<Author>().where(a.name == "Robert'); DROP TABLE author; --"));
    CHECK(db.statement_count() == before + 1);
    REQUIRE(log.size() == 1);
    // The value is bound, never spliced into the SQL text.
    CHECK(log[0].find("DROP") == std::string::npos);
    CHECK(log[0].find("\"name\" = ") != std::string::npos);
    db.on_sql({});
    (void)relata::all(db, relata::select<Author>());
    CHECK(log.size() == 1);
    CHECK(author_count(db) == 0);
}

RELATA_BACKEND_TEST("constraint violations are classified", "[connection][failure]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author, Post>(db);
    relata::session session{db};
    auto& ada = session.add(Author{.name = "Ada", .email = std::nullopt});
    session.commit();
    const bool sqlite = relata_test::engine == relata::engine::sqlite;

    auto kind_of = [&](const std::string& sql) -> relata::constraint_kind {
        try {
            db.execute(sql);
        } catch (const relata::constraint_violation& e) {
            CHECK(e.sql() == sql);
            CHECK(std::string(e.what()).rfind("relata: ", 0) == 0);
            CHECK(std::string(e.what()).find(sql) != std::string::npos);
            if (sqlite) {
                CHECK(e.code() != 0);
            } else {
                CHECK(e.sqlstate().substr(0, 2) == "23");
            }
            return e.kind();
        }
        FAIL("no constraint_violation for " << sql);
        return relata::constraint_kind::other;
    };
    CHECK(kind_of("INSERT INTO \"author\" (\"name\") VALUES ('Ada')") == relata::constraint_kind::unique);
    CHECK(kind_of("INSERT INTO \"author\" (\"id\", \"name\") VALUES (" + std::to_string(ada.id) + ", 'Other')") ==
          relata::constraint_kind::unique);
    CHECK(kind_of("INSERT INTO \"author\" (\"name\") VALUES (NULL)") == relata::constraint_kind::not_null);
    CHECK(kind_of("INSERT INTO \"posts\" (\"author_id\", \"title\", \"votes\", \"published_at\") VALUES (999, 't', 1, " +
                  std::string(sqlite ? "'2024-01-01 00:00:00'" : "now()") + ")") == relata::constraint_kind::foreign_key);
    db.execute_script("CREATE TABLE \"checked\" (\"n\" INTEGER CHECK (\"n\" > 0))");
    CHECK(kind_of("INSERT INTO \"checked\" (\"n\") VALUES (-1)") == relata::constraint_kind::check);
}

RELATA_BACKEND_TEST("syntax errors and missing tables are database errors with the SQL", "[connection][failure]") {
    relata_test::database test;
    auto& db = test.db;
    try {
        db.execute("SELEKT 1");
        FAIL("a syntax error must throw");
    } catch (const relata::database_error& e) {
        CHECK(e.sql() == "SELEKT 1");
        CHECK(std::string(e.what()).find("SELEKT 1") != std::string::npos);
        if (relata_test::engine == relata::engine::postgresql) CHECK(e.sqlstate() == "42601");
        else CHECK(e.code() == 1);  // SQLITE_ERROR
    }
    REQUIRE_THROWS_AS(relata::all(db, relata::select<Author>()), relata::database_error);
    // The connection is still usable afterwards.
    relata::create_all<Author>(db);
    CHECK(author_count(db) == 0);
}
