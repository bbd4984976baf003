// Optimistic locking: a version column in relata::mapping<T>::version, checked by every UPDATE
// and DELETE the Session flushes; a lost update between two connections is prevented.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backends.hpp"
#include "two_connections.hpp"
#include "sql_log.hpp"

namespace locking_test {

struct Article {
    std::int64_t id = 0;
    std::string title;
    int votes = 0;
    std::int64_t version = 0;
};
RELATA_MODEL(Article, id, title, votes, version)

// A narrow version type and a text key: the version still works.
struct Setting {
    std::string name;
    std::string value;
    std::int16_t version = 0;
};
RELATA_MODEL(Setting, name, value, version)

}  // namespace locking_test

template <>
struct relata::mapping<locking_test::Article> {
    static constexpr auto version = &locking_test::Article::version;
    static constexpr auto unique = std::tuple{relata::unique(&locking_test::Article::title)};
};
template <>
struct relata::mapping<locking_test::Setting> {
    static constexpr auto primary_key = &locking_test::Setting::name;
    static constexpr auto version = &locking_test::Setting::version;
};

using locking_test::Article;
using locking_test::Setting;

namespace {

constexpr auto a = relata::columns<Article>;

template <class Connection>
std::int64_t stored_version(Connection& db, std::int64_t id) {
    return relata::one(db, relata::select(a.version).where(a.id == id));
}

}  // namespace

RELATA_BACKEND_TEST("a version column is inserted as 1 and raised by every flushed UPDATE", "[session][version]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Article>(db);
    relata::session session{db};
    auto& article = session.add(Article{.title = "Hello"});
    auto& preset = session.add(Article{.title = "Preset", .version = 1'000'000'000'000});  // kept as given
    session.commit();
    CHECK(article.version == 1);
    CHECK(stored_version(db, article.id) == 1);
    CHECK(preset.version == 1'000'000'000'000);
    CHECK(stored_version(db, preset.id) == 1'000'000'000'000);
    CHECK_FALSE(session.is_dirty(article));

    relata_test::sql_log recorded;
    recorded.attach(db);
    article.votes = 7;
    preset.votes = 1;
    session.commit();
    const std::string update = recorded.first_starting_with("UPDATE");
    if constexpr (relata_test::engine == relata::engine::sqlite)
        CHECK(update == R"(UPDATE "article" SET "votes" = ?, "version" = ? WHERE "id" = ? AND "version" = ?)");
    else
        CHECK(update == R"(UPDATE "article" SET "votes" = $1, "version" = $2 WHERE "id" = $3 AND "version" = $4)");
    CHECK(article.version == 2);
    CHECK(stored_version(db, article.id) == 2);
    CHECK(preset.version == 1'000'000'000'001);
    CHECK(stored_version(db, preset.id) == 1'000'000'000'001);
    CHECK_FALSE(session.is_dirty(article));  // the snapshot has the new version too

    // A value the program writes into the version member is not trusted: the UPDATE expects the
    // version last read and writes that + 1.
    article.version = 99;
    article.title = "Hello again";
    session.commit();
    CHECK(article.version == 3);
    CHECK(stored_version(db, article.id) == 3);
    CHECK(relata::one(db, relata::select(a.title).where(a.id == article.id)) == "Hello again");

    // DELETE checks the version too.
    recorded.attach(db);
    session.remove(article);
    session.commit();
    if constexpr (relata_test::engine == relata::engine::sqlite)
        CHECK(recorded.first_starting_with("DELETE") == R"(DELETE FROM "article" WHERE "id" = ? AND "version" = ?)");
    else
        CHECK(recorded.first_starting_with("DELETE") == R"(DELETE FROM "article" WHERE "id" = $1 AND "version" = $2)");
    CHECK(relata::count(db, relata::select<Article>()) == 1);
    db.on_sql({});
}

RELATA_BACKEND_TEST("two sessions on two connections: the lost update is prevented", "[session][version][failure]") {
    relata_test::two_connections connections{"locking"};
    relata::create_all<Article>(connections.first);
    std::int64_t id = 0;
    {
        relata::session setup{connections.first};
        auto& draft = setup.add(Article{.title = "Draft", .votes = 0});
        setup.commit();
        id = draft.id;
    }
    relata::session alice{connections.first};
    relata::session bob{connections.second};
    // Each read in its own transaction, as two web requests would do it (a Session holds its
    // transaction, on SQLite the write lock, from its first read until commit or rollback).
    Article& mine = alice.get<Article>(id);
    alice.commit();
    Article& theirs = bob.get<Article>(id);
    bob.commit();
    CHECK(mine.version == 1);
    CHECK(theirs.version == 1);

    mine.votes = 10;
    alice.commit();
    CHECK(mine.version == 2);

    theirs.title = "Final";
    try {
        bob.commit();
        FAIL("bob's commit should have been refused: alice changed the row since bob read it");
    } catch (const relata::stale_data_error& e) {
        const std::string what = e.what();
        CHECK(what.rfind("relata: UPDATE of Article with primary key ", 0) == 0);
        CHECK(what.find(fmt::format("primary key {} and version 1 matched 0 rows", id)) != std::string::npos);
    }
    // Bob's session and the database are unchanged: his edit is still pending, alice's stays.
    CHECK(theirs.title == "Final");
    CHECK(theirs.version == 1);
    CHECK(bob.is_dirty(theirs));
    CHECK_FALSE(connections.second.in_transaction());
    CHECK(relata::one(connections.second, relata::select(a.title).where(a.id == id)) == "Draft");
    CHECK(relata::one(connections.second, relata::select(a.votes).where(a.id == id)) == 10);
    CHECK(stored_version(connections.second, id) == 2);

    // Bob reloads, re-applies his change and succeeds.
    bob.refresh(theirs);
    CHECK(theirs.votes == 10);
    CHECK(theirs.version == 2);
    theirs.title = "Final";
    bob.commit();
    CHECK(theirs.version == 3);
    CHECK(relata::one(connections.first, relata::select(a.title).where(a.id == id)) == "Final");
    CHECK(relata::one(connections.first, relata::select(a.votes).where(a.id == id)) == 10);

    // A DELETE by a session that read an older version is refused as well.
    alice.remove(mine);  // alice read version 2
    REQUIRE_THROWS_AS(alice.commit(), relata::stale_data_error);
    CHECK(relata::count(connections.first, relata::select<Article>()) == 1);
    CHECK(alice.state_of(mine) == relata::object_state::persistent);
    CHECK(alice.is_dirty(mine));  // still marked for removal
}

RELATA_BACKEND_TEST("a stale UPDATE among many leaves every object, version and row as before", "[session][version][failure]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Article>(db);
    relata::session session{db};
    constexpr int count = 1000;
    std::vector<Article*> articles;
    for (int i = 0; i < count; ++i) articles.push_back(&session.add(Article{.title = fmt::format("t{}", i)}));
    session.commit();
    for (Article* article : articles) {
        REQUIRE(article->version == 1);
        article->votes = 1;
    }
    // Another writer raises the version of the last row behind the session's back.
    relata::execute(db, relata::update<Article>().set(a.version, std::int64_t{5}).where(a.id == articles.back()->id));
    REQUIRE_THROWS_AS(session.commit(), relata::stale_data_error);
    CHECK_FALSE(db.in_transaction());
    CHECK(relata::count(db, relata::select<Article>().where(a.votes == 1)) == 0);
    CHECK(relata::count(db, relata::select<Article>().where(a.version == 2)) == 0);
    for (Article* article : articles) {
        CHECK(article->version == 1);
        CHECK(session.is_dirty(*article));
    }
    // Read the row again and retry: every UPDATE is written.
    session.refresh(*articles.back());
    articles.back()->votes = 1;
    session.commit();
    CHECK(relata::count(db, relata::select<Article>().where(a.votes == 1)) == count);
    CHECK(articles.front()->version == 2);
    CHECK(articles.back()->version == 6);
}

RELATA_BACKEND_TEST("versions go back on rollback and on a failed commit", "[session][version][failure]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Article>(db);
    relata::session session{db};
    auto& article = session.add(Article{.title = "One"});
    session.commit();
    REQUIRE(article.version == 1);

    SECTION("rollback after a flush") {
        article.votes = 3;
        session.flush();
        CHECK(article.version == 2);
        session.rollback();
        CHECK(article.version == 1);
        CHECK(article.votes == 0);
        CHECK(stored_version(db, article.id) == 1);
        article.votes = 4;
        session.commit();
        CHECK(article.version == 2);
        CHECK(stored_version(db, article.id) == 2);
    }
    SECTION("a commit that fails after an earlier flush") {
        article.votes = 3;
        session.flush();
        CHECK(article.version == 2);
        auto& fresh = session.add(Article{.title = "Two"});
        auto& clash = session.add(Article{.title = "One"});  // UNIQUE (title)
        REQUIRE_THROWS_AS(session.commit(), relata::constraint_violation);
        CHECK(article.version == 1);
        CHECK(article.votes == 3);  // the program's change is kept for the retry
        CHECK(fresh.version == 0);  // pending again, as added
        CHECK(stored_version(db, article.id) == 1);
        clash.title = "Three";
        session.commit();
        CHECK(article.version == 2);
        CHECK(fresh.version == 1);
        CHECK(clash.version == 1);
        CHECK(stored_version(db, article.id) == 2);
    }
    SECTION("a throwing SQL logger during the flush") {
        article.votes = 5;
        db.on_sql([](std::string_view sql) {
            if (sql.rfind("UPDATE", 0) == 0) throw std::runtime_error("logger refused");
        });
        CHECK_THROWS(session.commit());
        db.on_sql({});
        CHECK(article.version == 1);
        CHECK(session.is_dirty(article));
        CHECK(stored_version(db, article.id) == 1);
        session.commit();
        CHECK(article.version == 2);
        CHECK(stored_version(db, article.id) == 2);
    }
}

RELATA_BACKEND_TEST("a version column on a model with a text key and a 16-bit version", "[session][version]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Setting>(db);
    relata::session session{db};
    auto& theme = session.add(Setting{.name = "theme", .value = "dark", .version = 32766});
    session.commit();
    theme.value = "light";
    session.commit();
    CHECK(theme.version == 32767);
    relata::session other{db};
    CHECK(other.get<Setting>("theme").version == 32767);
    CHECK(other.get<Setting>("theme").value == "light");
}
