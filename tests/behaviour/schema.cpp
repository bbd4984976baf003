// DDL from model metadata: create_all / drop_all, constraints and indexes on a real database.
#include <string>

#include "backends.hpp"
#include "models.hpp"

using test_models::Author;
using test_models::Keyword;
using test_models::Post;

namespace schema_models {
struct Person {
    std::int64_t id = 0;
    std::string first;
    std::string last;
};
RELATA_MODEL(Person, id, first, last)
}  // namespace schema_models

template <>
struct relata::mapping<schema_models::Person> {
    static constexpr auto unique = std::tuple{relata::unique(&schema_models::Person::first, &schema_models::Person::last)};
    static constexpr auto indexes = std::tuple{relata::index(&schema_models::Person::last, &schema_models::Person::first)};
};

namespace {

/// Number of indexes named `name` in the database catalog.
template <class Connection>
std::int64_t index_count(Connection& db, const std::string& name) {
    return relata_test::scalar(db,
                               relata_test::engine == relata::engine::sqlite
                                   ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = ?"
                                   : "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ?",
                               {name});
}

}  // namespace

RELATA_BACKEND_TEST("create_all creates tables, keys and indexes, idempotently", "[schema]") {
    relata_test::database test;
    auto& db = test.db;
    // Listed child first: create_all orders by foreign keys.
    relata::create_all<Post, Author, Keyword, schema_models::Person>(db);
    relata::create_all<Post, Author, Keyword, schema_models::Person>(db);  // IF NOT EXISTS
    CHECK(index_count(db, "posts__published_at__idx") == 1);
    CHECK(index_count(db, "person__last__first__idx") == 1);

    relata::session session{db};
    session.add(schema_models::Person{.first = "Ada", .last = "Lovelace"});
    session.add(schema_models::Person{.first = "Ada", .last = "Byron"});
    session.commit();
    session.add(schema_models::Person{.first = "Ada", .last = "Lovelace"});
    REQUIRE_THROWS_AS(session.commit(), relata::constraint_violation);
}

RELATA_BACKEND_TEST("drop_all drops referencing tables first", "[schema]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author, Post>(db);
    {
        relata::session session{db};
        auto& ada = session.add(Author{.name = "Ada", .email = std::nullopt});
        session.flush();
        session.add(Post{.author_id = ada.id, .title = "t", .votes = 0});
        session.commit();
    }
    relata::drop_all<Author, Post>(db);
    REQUIRE_THROWS_AS(relata::all(db, relata::select<Author>()), relata::database_error);
    relata::drop_all<Author, Post>(db);  // IF EXISTS
    relata::create_all<Author, Post>(db);
    CHECK(relata::count(db, relata::select<Post>()) == 0);
}
