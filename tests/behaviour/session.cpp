// The Session: identity map, unit of work, flush/commit/rollback, failure recovery.
#include <string>
#include <string_view>
#include <vector>

#include "backends.hpp"
#include "sql_log.hpp"
#include "models.hpp"

using test_models::Author;
using test_models::Country;
using test_models::Post;

namespace {

using sql_recorder = relata_test::sql_log;


}  // namespace

RELATA_BACKEND_TEST("add and flush insert with a generated key written back", "[session]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author, Post>(db);
    relata::session session{db};

    auto& ada = session.add(Author{.name = "Ada", .email = std::nullopt});
    CHECK(ada.id == 0);
    CHECK(session.state_of(ada) == relata::object_state::pending);
    CHECK(relata_test::count_rows(db, "author") == 0);

    session.flush();
    CHECK(ada.id > 0);
    CHECK(session.state_of(ada) == relata::object_state::persistent);
    auto& grace = session.add(Author{.name = "Grace", .email = "grace@example.com"});
    session.commit();
    CHECK(grace.id > ada.id);

    relata::session fresh{db};
    const Author& loaded = fresh.get<Author>(grace.id);
    CHECK(loaded.name == "Grace");
    REQUIRE(loaded.email.has_value());
    CHECK(*loaded.email == "grace@example.com");
    CHECK(&loaded != &grace);
}

RELATA_BACKEND_TEST("identity map: one object per row", "[session]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author>(db);
    {
        relata::session writer{db};
        writer.add(Author{.name = "Ada", .email = std::nullopt});
        writer.add(Author{.name = "Grace", .email = std::nullopt});
        writer.commit();
    }
    relata::session session{db};
    constexpr auto a = relata::columns<Author>;
    Author& first = session.get<Author>(1);
    const auto before = db.statement_count();
    Author& again = session.get<Author>(1);
    CHECK(&first == &again);
    CHECK(db.statement_count() == before);  // answered from the identity map
    CHECK(session.statistics().identity_map_hits == 1);

    auto everyone = session.all(relata::select<Author>().order_by(a.id));
    REQUIRE(everyone.size() == 2);
    CHECK(&everyone[0] == &first);

    SECTION("a query does not overwrite an object with unflushed changes") {
        relata::session manual{db, {.autoflush = false}};
        Author& ada = manual.get<Author>(1);
        ada.name = "Ada Lovelace";  // not flushed
        auto rows = manual.all(relata::select<Author>().where(a.id == 1));
        REQUIRE(rows.size() == 1);
        CHECK(&rows[0] == &ada);
        CHECK(rows[0].name == "Ada Lovelace");
    }
    SECTION("find returns null and get throws for a missing key") {
        CHECK(session.find<Author>(999) == nullptr);
        REQUIRE_THROWS_AS(session.get<Author>(999), relata::no_result);
    }
}

RELATA_BACKEND_TEST("commit updates only changed columns of changed objects", "[session]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author, Post>(db);
    relata::session session{db};
    auto& ada = session.add(Author{.name = "Ada", .email = std::nullopt});
    session.flush();
    for (int i = 0; i < 3; ++i)
        session.add(Post{.author_id = ada.id, .title = fmt::format("post {}", i), .votes = i});
    session.commit();

    sql_recorder recorder;
    recorder.attach(db);
    constexpr auto p = relata::columns<Post>;
    auto posts = session.all(relata::select<Post>().order_by(p.id));
    REQUIRE(posts.size() == 3);
    posts[1].votes = 100;
    CHECK(session.is_dirty(posts[1]));
    CHECK_FALSE(session.is_dirty(posts[0]));
    session.commit();

    CHECK(recorder.count_starting_with("UPDATE") == 1);
    bool found = false;
    for (const auto& sql : recorder.statements)
        if (sql.rfind("UPDATE", 0) == 0) {
            found = true;
            CHECK(sql.find("\"votes\"") != std::string::npos);
            CHECK(sql.find("\"title\"") == std::string::npos);
        }
    CHECK(found);
    CHECK(session.statistics().updates == 1);

    relata::session fresh{db};
    CHECK(fresh.get<Post>(posts[1].id).votes == 100);
    CHECK(fresh.get<Post>(posts[0].id).votes == 0);

    SECTION("a commit with nothing changed runs no SQL") {
        const auto before = db.statement_count();
        session.commit();
        CHECK(db.statement_count() == before);
    }
}

RELATA_BACKEND_TEST("remove deletes at flush, children before parents", "[session]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author, Post>(db);
    relata::session session{db};
    auto& ada = session.add(Author{.name = "Ada", .email = std::nullopt});
    session.flush();
    auto& post = session.add(Post{.author_id = ada.id, .title = "hello", .votes = 1});
    session.commit();

    // Removing the parent first: the flush still deletes the post before the author
    // (foreign keys are enforced on both engines).
    session.remove(ada);
    session.remove(post);
    CHECK(session.state_of(ada) == relata::object_state::persistent);
    session.flush();
    CHECK(session.state_of(ada) == relata::object_state::deleted);
    session.commit();
    CHECK(session.state_of(ada) == relata::object_state::detached);
    CHECK(relata_test::count_rows(db, "author") == 0);
    CHECK(relata_test::count_rows(db, "posts") == 0);
    CHECK(session.find<Author>(ada.id) == nullptr);

    SECTION("removing a pending object just forgets it") {
        auto& pending = session.add(Author{.name = "Temp", .email = std::nullopt});
        session.remove(pending);
        CHECK(session.state_of(pending) == relata::object_state::detached);
        session.commit();
        CHECK(relata_test::count_rows(db, "author") == 0);
    }
    SECTION("removing an untracked object is an error") {
        Author stranger{.name = "Nobody", .email = std::nullopt};
        REQUIRE_THROWS_AS(session.remove(stranger), relata::session_error);
    }
}

RELATA_BACKEND_TEST("inserts follow foreign-key order across models", "[session]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author, Post>(db);
    relata::session session{db};
    // The post is added before its author; the explicit key lets it reference the author
    // before either is flushed, so only insert ordering makes this commit succeed.
    session.add(Post{.author_id = 42, .title = "first", .votes = 0});
    session.add(Author{.id = 42, .name = "Ada", .email = std::nullopt});
    session.commit();
    CHECK(relata_test::count_rows(db, "posts") == 1);
}

RELATA_BACKEND_TEST("a failed flush leaves database and session as before, and a retry succeeds", "[session][failure]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author, Post>(db);
    relata::session session{db};
    auto& ada = session.add(Author{.name = "Ada", .email = std::nullopt});
    session.commit();
    const auto ada_id = ada.id;

    // One good change, one new object, one object that violates UNIQUE(name).
    ada.email = "ada@example.com";
    auto& grace = session.add(Author{.name = "Grace", .email = std::nullopt});
    auto& duplicate = session.add(Author{.name = "Ada", .email = std::nullopt});

    try {
        session.commit();
        FAIL("the commit should have failed on the unique constraint");
    } catch (const relata::constraint_violation& e) {
        CHECK(e.kind() == relata::constraint_kind::unique);
        CHECK(std::string(e.what()).find("INSERT INTO \"author\"") != std::string::npos);
    }

    // The database is unchanged.
    CHECK(relata_test::count_rows(db, "author") == 1);
    CHECK_FALSE(db.in_transaction());
    {
        relata::session look{db};
        CHECK_FALSE(look.get<Author>(ada_id).email.has_value());
    }
    // The session is unchanged: states, keys, values and dirtiness are as before the commit.
    CHECK(session.state_of(grace) == relata::object_state::pending);
    CHECK(session.state_of(duplicate) == relata::object_state::pending);
    CHECK(grace.id == 0);
    CHECK(duplicate.id == 0);
    CHECK(ada.email == std::optional<std::string>("ada@example.com"));
    CHECK(session.is_dirty(ada));

    // Fix the value and commit again: everything is written.
    duplicate.name = "Ada II";
    session.commit();
    CHECK(relata_test::count_rows(db, "author") == 3);
    CHECK(grace.id > 0);
    CHECK(duplicate.id > 0);
    CHECK_FALSE(session.is_dirty(ada));
    relata::session look{db};
    CHECK(look.get<Author>(ada_id).email == std::optional<std::string>("ada@example.com"));
    CHECK(look.get<Author>(duplicate.id).name == "Ada II");
}

RELATA_BACKEND_TEST("a failed flush inside an open transaction keeps the earlier flush", "[session][failure]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author>(db);
    relata::session session{db};
    auto& ada = session.add(Author{.name = "Ada", .email = std::nullopt});
    session.flush();  // transaction open, Ada inserted
    const auto ada_id = ada.id;
    auto& clash = session.add(Author{.name = "Ada", .email = std::nullopt});
    REQUIRE_THROWS_AS(session.flush(), relata::constraint_violation);
    CHECK(db.in_transaction());
    CHECK(relata_test::count_rows(db, "author") == 1);  // Ada's INSERT survived (savepoint rollback)
    CHECK(session.state_of(ada) == relata::object_state::persistent);
    CHECK(session.state_of(clash) == relata::object_state::pending);
    clash.name = "Grace";
    session.commit();
    relata::session look{db};
    CHECK(look.get<Author>(ada_id).name == "Ada");
    CHECK(look.count(relata::select<Author>()) == 2);
}

RELATA_BACKEND_TEST("rollback discards changes since the last commit", "[session]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author>(db);
    relata::session session{db};
    auto& ada = session.add(Author{.name = "Ada", .email = std::nullopt});
    session.commit();

    ada.name = "changed";
    auto& grace = session.add(Author{.name = "Grace", .email = std::nullopt});
    session.flush();
    CHECK(grace.id > 0);
    session.rollback();

    const auto grace_id = grace.id;
    CHECK(ada.name == "Ada");                                   // committed value restored
    CHECK(session.state_of(grace) == relata::object_state::pending);  // inserted, then rolled back
    CHECK(grace.id == grace_id);                                // the generated key is kept...
    CHECK(relata_test::count_rows(db, "author") == 1);
    session.commit();  // ...and inserted explicitly with the pending object
    CHECK(relata_test::count_rows(db, "author") == 2);
    CHECK(session.get<Author>(grace_id).name == "Grace");
}

RELATA_BACKEND_TEST("expunge and clear stop tracking", "[session]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author>(db);
    relata::session session{db};
    auto& ada = session.add(Author{.name = "Ada", .email = std::nullopt});
    session.commit();
    ada.name = "not written";
    session.expunge(ada);
    CHECK(session.state_of(ada) == relata::object_state::detached);
    session.commit();
    relata::session look{db};
    CHECK(look.get<Author>(ada.id).name == "Ada");
    // A new object is loaded for the row now that the old one is detached.
    Author& reloaded = session.get<Author>(ada.id);
    CHECK(&reloaded != &ada);
    const auto id = ada.id;
    session.clear();  // invalidates every reference the session handed out
    CHECK(session.find<Author>(id) != nullptr);
}

RELATA_BACKEND_TEST("autoflush makes pending objects visible to queries", "[session]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author>(db);
    constexpr auto a = relata::columns<Author>;
    relata::session session{db};
    session.add(Author{.name = "Ada", .email = std::nullopt});
    CHECK(session.count(relata::select<Author>().where(a.name == "Ada")) == 1);
    relata::session manual{db, {.autoflush = false}};
    manual.add(Author{.name = "Grace", .email = std::nullopt});
    CHECK(manual.all(relata::select<Author>().where(a.name == "Grace")).empty());
}

RELATA_BACKEND_TEST("a natural key and a changed primary key", "[session]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Country>(db);
    relata::session session{db};
    session.add(Country{.code = "FR", .name = "France"});
    session.commit();
    REQUIRE_THROWS_AS(session.add(Country{.code = "FR", .name = "again"}), relata::session_error);
    Country& france = session.get<Country>("FR");
    france.code = "FRA";
    session.commit();
    CHECK(session.find<Country>("FR") == nullptr);
    CHECK(&session.get<Country>("FRA") == &france);
    relata::session look{db};
    CHECK(look.get<Country>("FRA").name == "France");

    // Pending objects found by a text key without SQL, added in and out of key order.
    std::vector<Country*> added;
    for (const char* code : {"NL", "BE", "IT", "PT", ""}) added.push_back(&session.add(Country{.code = code, .name = code}));
    const auto statements = db.statement_count();
    for (Country* country : added) CHECK(session.find<Country>(country->code) == country);  // "" too: not generated
    CHECK(db.statement_count() == statements);
    REQUIRE_THROWS_AS(session.add(Country{.code = "BE", .name = "again"}), relata::session_error);
    session.commit();
    CHECK(relata_test::count_rows(db, "country") == 6);
}

RELATA_BACKEND_TEST("an update of a row deleted behind the session's back is stale", "[session][failure]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author>(db);
    relata::session session{db};
    auto& ada = session.add(Author{.name = "Ada", .email = std::nullopt});
    session.commit();
    db.execute(relata::rendered_query{"DELETE FROM \"author\"", {}});
    ada.name = "Ada L.";
    REQUIRE_THROWS_AS(session.commit(), relata::stale_data_error);
    CHECK(session.is_dirty(ada));
}

RELATA_BACKEND_TEST("a retry after a failed commit keeps keys that other objects copied", "[session][failure]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author, Post>(db);
    relata::session session{db};
    session.add(Author{.name = "Taken", .email = std::nullopt});
    session.commit();

    auto& ada = session.add(Author{.name = "Ada", .email = std::nullopt});
    session.flush();  // the documented pattern: flush to get the key, then reference it
    auto& post = session.add(Post{.author_id = ada.id, .title = "hello", .votes = 1});
    auto& clash = session.add(Author{.name = "Taken", .email = std::nullopt});
    REQUIRE_THROWS_AS(session.commit(), relata::constraint_violation);
    CHECK(session.state_of(ada) == relata::object_state::pending);
    CHECK(post.author_id == ada.id);
    clash.name = "Grace";
    session.commit();
    relata::session look{db};
    CHECK(look.get<Post>(post.id).author_id == ada.id);
    CHECK(look.get<Author>(ada.id).name == "Ada");
}

RELATA_BACKEND_TEST("a deleted row's key taken by a new object before commit", "[session][failure]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author>(db);
    relata::session session{db};
    auto& old = session.add(Author{.name = "Old", .email = std::nullopt});
    session.add(Author{.name = "Taken", .email = std::nullopt});
    session.commit();
    const auto key = old.id;

    session.remove(old);
    session.flush();
    // The new object takes the deleted row's key (as SQLite does itself when the deleted row
    // had the highest rowid).
    auto& replacement = session.add(Author{.id = key, .name = "New", .email = std::nullopt});
    auto& clash = session.add(Author{.name = "Taken", .email = std::nullopt});
    REQUIRE_THROWS_AS(session.commit(), relata::constraint_violation);
    CHECK(session.state_of(old) == relata::object_state::persistent);
    CHECK(session.state_of(replacement) == relata::object_state::pending);

    clash.name = "Other";
    session.commit();  // the retry deletes the old row again and inserts the new one
    CHECK(session.state_of(old) == relata::object_state::detached);
    CHECK(&session.get<Author>(key) == &replacement);
    relata::session look{db};
    CHECK(look.get<Author>(key).name == "New");
    CHECK(look.count(relata::select<Author>()) == 3);
}

RELATA_BACKEND_TEST("an object expunged after its flush stays detached through a rollback", "[session]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author>(db);
    relata::session session{db};
    auto& ada = session.add(Author{.name = "Ada", .email = std::nullopt});
    session.flush();
    session.expunge(ada);
    session.rollback();
    CHECK(session.state_of(ada) == relata::object_state::detached);
    session.commit();
    CHECK(relata_test::count_rows(db, "author") == 0);
}

RELATA_BACKEND_TEST("a session inside the caller's transaction leaves COMMIT and ROLLBACK to the caller", "[session]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author>(db);
    {
        relata::transaction tx{db};
        {
            relata::session session{db};
            session.add(Author{.name = "Ada", .email = std::nullopt});
            session.commit();  // flushes only
            CHECK(db.in_transaction());
        }  // the session's end does not roll back the caller's transaction
        CHECK(db.in_transaction());
        tx.commit();
    }
    CHECK(relata_test::count_rows(db, "author") == 1);
}

RELATA_BACKEND_TEST("a transaction ended behind the session's back is detected", "[session][failure]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author>(db);
    relata::session session{db};
    auto& ada = session.add(Author{.name = "Ada", .email = std::nullopt});
    session.flush();
    db.rollback();  // not through the session
    REQUIRE_THROWS_AS(session.commit(), relata::session_error);
    CHECK(session.state_of(ada) == relata::object_state::pending);
    session.commit();
    CHECK(relata_test::count_rows(db, "author") == 1);
}

RELATA_BACKEND_TEST("sqlite: a trigger that rolls back the whole transaction is not mistaken for success", "[session][failure]") {
    if (relata_test::engine != relata::engine::sqlite) return;  // RAISE(ROLLBACK) is SQLite's
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author>(db);
    db.execute_script(
        "CREATE TRIGGER \"no_mallory\" BEFORE INSERT ON \"author\" WHEN NEW.\"name\" = 'Mallory' "
        "BEGIN SELECT RAISE(ROLLBACK, 'no Mallory'); END");
    relata::session session{db};
    auto& ada = session.add(Author{.name = "Ada", .email = std::nullopt});
    session.flush();
    auto& mallory = session.add(Author{.name = "Mallory", .email = std::nullopt});
    REQUIRE_THROWS_AS(session.flush(), relata::database_error);
    CHECK_FALSE(db.in_transaction());
    // Ada's INSERT was rolled back with the transaction: she is pending again, not "persistent".
    CHECK(session.state_of(ada) == relata::object_state::pending);
    mallory.name = "Grace";
    session.commit();
    CHECK(relata_test::count_rows(db, "author") == 2);
}
