// Flush ordering within a self-referencing model, links to unsaved parents, and lifecycle hooks.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "backends.hpp"
#include "models.hpp"

namespace flush_models {

struct Employee {
    std::int64_t id = 0;
    std::string name;
    std::optional<std::int64_t> reports_to;
};
RELATA_MODEL(Employee, id, name, reports_to)

/// Hooks record what they saw; `fail_before_insert_at` makes the n-th before_insert throw.
struct hook_log {
    int inserts = 0;
    int updates = 0;
    int loads = 0;
    std::vector<std::string> deleted;
    int fail_before_insert_at = -1;
    bool fail_before_update = false;
    bool fail_after_load = false;
};
inline hook_log hook_calls;

struct Note {
    std::int64_t id = 0;
    std::string text;
    std::int64_t revision = 0;
    std::int64_t text_length = 0;
};
RELATA_MODEL(Note, id, text, revision, text_length)

}  // namespace flush_models

template <>
struct relata::mapping<flush_models::Employee> {
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&flush_models::Employee::reports_to, &flush_models::Employee::id)};
};

template <>
struct relata::hooks<flush_models::Note> {
    static void before_insert(flush_models::Note& note) {
        auto& log = flush_models::hook_calls;
        if (log.inserts++ == log.fail_before_insert_at) throw std::runtime_error("before_insert refused");
        note.revision = 1;
        note.text_length = static_cast<std::int64_t>(note.text.size());
    }
    static void before_update(flush_models::Note& note) {
        auto& log = flush_models::hook_calls;
        ++log.updates;
        if (log.fail_before_update) throw std::runtime_error("before_update refused");
        note.revision += 1;
        note.text_length = static_cast<std::int64_t>(note.text.size());
    }
    static void before_delete(const flush_models::Note& note) { flush_models::hook_calls.deleted.push_back(note.text); }
    static void after_load(flush_models::Note& note) {
        auto& log = flush_models::hook_calls;
        ++log.loads;
        if (log.fail_after_load) throw std::runtime_error("after_load refused");
        note.text_length = -1;  // loaded state: not written back by itself
    }
};

using flush_models::Employee;
using flush_models::Note;
using test_models::Author;
using test_models::Post;

namespace {


template <class Connection>
std::optional<std::int64_t> manager_of(Connection& db, std::int64_t id) {
    auto rows = db.template query<std::tuple<std::optional<std::int64_t>>>(
        "SELECT reports_to FROM employee WHERE id = ?", id);
    REQUIRE(rows.size() == 1);
    return std::get<0>(rows[0]);
}

}  // namespace

RELATA_BACKEND_TEST("self-referencing rows with explicit keys are inserted parents first", "[session][flush_order]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Employee>(db);
    // The engine checks the foreign key per statement: a child before its parent fails.
    REQUIRE_THROWS_AS(db.execute("INSERT INTO employee (id, name, reports_to) VALUES (?, ?, ?)", 3, "orphan", 2),
                      relata::constraint_violation);

    relata::session session{db};
    session.add(Employee{.id = 3, .name = "worker", .reports_to = 2});
    session.add(Employee{.id = 2, .name = "manager", .reports_to = 1});
    session.add(Employee{.id = 4, .name = "peer", .reports_to = 2});
    session.add(Employee{.id = 1, .name = "chief", .reports_to = std::nullopt});
    session.add(Employee{.id = 5, .name = "self", .reports_to = 5});  // references itself: one statement
    session.commit();

    CHECK(relata_test::count_rows(db, "employee") == 5);
    CHECK(manager_of(db, 3) == 2);
    CHECK(manager_of(db, 2) == 1);
    CHECK(manager_of(db, 1) == std::nullopt);
}

RELATA_BACKEND_TEST("self-referencing rows are deleted children first", "[session][flush_order]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Employee>(db);
    db.execute("INSERT INTO employee (id, name, reports_to) VALUES (1, 'chief', NULL), (2, 'manager', 1), "
               "(3, 'worker', 2)");
    relata::session session{db};
    // Removed parents first (removing before loading the rest: each query would autoflush).
    for (Employee& e : session.all(relata::select<Employee>().order_by(relata::columns<Employee>.id.asc())))
        session.remove(e);
    session.commit();
    CHECK(relata_test::count_rows(db, "employee") == 0);
}

RELATA_BACKEND_TEST("a cycle among self-referencing rows is broken at the nullable key",
                    "[session][flush_order]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Employee>(db);
    relata::session session{db};
    session.add(Employee{.id = 1, .name = "a", .reports_to = 2});
    session.add(Employee{.id = 2, .name = "b", .reports_to = 1});
    session.commit();  // both INSERTed with NULL, then two UPDATEs (tests/behaviour/cycles.cpp)
    CHECK(manager_of(db, 1) == 2);
    CHECK(manager_of(db, 2) == 1);
}

RELATA_BACKEND_TEST("link fills foreign keys from keys generated in the same flush", "[session][flush_order][link]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author, Post, Employee>(db);
    relata::session session{db};

    // Children added before their parents, the chain linked through generated keys.
    auto& worker = session.add(Employee{.name = "worker"});
    auto& manager = session.add(Employee{.name = "manager"});
    auto& chief = session.add(Employee{.name = "chief"});
    session.link(worker, &Employee::reports_to, manager);
    session.link(manager, &Employee::reports_to, chief);

    auto& post = session.add(Post{.title = "Notes", .votes = 0});
    auto& ada = session.add(Author{.name = "Ada", .email = std::nullopt});
    session.link(post, &Post::author_id, ada);
    post.author_id = 12345;  // the link wins until the flush that writes it
    session.commit();

    CHECK(chief.id > 0);
    CHECK(manager.reports_to == chief.id);
    CHECK(worker.reports_to == manager.id);
    CHECK(manager_of(db, worker.id) == manager.id);
    CHECK(post.author_id == ada.id);
    CHECK(relata_test::scalar(db, fmt::format("SELECT author_id FROM posts WHERE id = {}", post.id)) == ada.id);

    // A persistent row linked to a new parent is UPDATEd after the parent's INSERT.
    auto& grace = session.add(Author{.name = "Grace", .email = std::nullopt});
    session.link(post, &Post::author_id, grace);
    CHECK(post.author_id == ada.id);  // not known yet
    session.commit();
    CHECK(post.author_id == grace.id);
    CHECK(relata_test::scalar(db, fmt::format("SELECT author_id FROM posts WHERE id = {}", post.id)) == grace.id);
    CHECK_FALSE(session.is_dirty(post));

    // A parent with a key is copied at once.
    session.link(post, &Post::author_id, ada);
    CHECK(post.author_id == ada.id);
}

RELATA_BACKEND_TEST("link refuses undeclared foreign keys and parents that leave the session",
                    "[session][flush_order][link]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author, Post>(db);
    relata::session session{db};
    auto& post = session.add(Post{.title = "Notes", .votes = 0});
    auto& ada = session.add(Author{.name = "Ada", .email = std::nullopt});
    CHECK_THROWS_AS(session.link(post, &Post::votes, ada), relata::session_error);  // not a foreign key

    Author stranger{.id = 0, .name = "Stranger", .email = std::nullopt};
    CHECK_THROWS_AS(session.link(post, &Post::author_id, stranger), relata::session_error);  // not tracked

    session.link(post, &Post::author_id, ada);
    session.remove(ada);  // pending: dropped, so the link has no parent to take a key from
    try {
        session.commit();
        FAIL("the flush wrote a post linked to a dropped author");
    } catch (const relata::session_error& e) {
        CHECK(std::string(e.what()).find("Author") != std::string::npos);
    }
    CHECK(session.state_of(post) == relata::object_state::pending);
    CHECK(relata_test::count_rows(db, "posts") == 0);
    CHECK(relata_test::count_rows(db, "author") == 0);
}

RELATA_BACKEND_TEST("a failed flush puts back the keys it generated", "[session][flush_order][link]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author, Post>(db);
    relata::session session{db};
    auto& ada = session.add(Author{.name = "Ada", .email = std::nullopt});
    auto& post = session.add(Post{.title = "Notes", .votes = 0});
    session.link(post, &Post::author_id, ada);
    auto& bad = session.add(Post{.author_id = 999999, .title = "Dangling", .votes = 0});
    CHECK_THROWS_AS(session.flush(), relata::constraint_violation);
    CHECK(ada.id == 0);  // the rolled-back key is not kept
    CHECK(session.state_of(ada) == relata::object_state::pending);
    session.expunge(bad);
    session.commit();
    CHECK(ada.id > 0);
    CHECK(post.author_id == ada.id);
    CHECK(relata_test::count_rows(db, "author") == 1);
    CHECK(relata_test::count_rows(db, "posts") == 1);
}

RELATA_BACKEND_TEST("10,000 linked self-referencing rows flush and delete in order", "[session][flush_order][size]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Employee>(db);
    constexpr int count = 10'000;
    {
        relata::session session{db};
        std::vector<Employee*> chain;  // chain[i] reports to chain[i + 1]: added children first
        chain.reserve(count);
        for (int i = 0; i < count; ++i) chain.push_back(&session.add(Employee{.name = fmt::format("e{}", i)}));
        for (int i = 0; i + 1 < count; ++i) session.link(*chain[i], &Employee::reports_to, *chain[i + 1]);
        session.commit();
        CHECK(chain[0]->reports_to == chain[1]->id);
        CHECK(manager_of(db, chain[count - 2]->id) == chain[count - 1]->id);
    }
    CHECK(relata_test::count_rows(db, "employee") == count);
    CHECK(relata_test::scalar(db, "SELECT COUNT(*) FROM employee WHERE reports_to IS NULL") == 1);
    relata::session session{db};
    auto all = session.all(relata::select<Employee>().order_by(relata::columns<Employee>.id.asc()));  // parents first
    for (Employee& e : all) session.remove(e);
    session.commit();
    CHECK(relata_test::count_rows(db, "employee") == 0);
}

RELATA_BACKEND_TEST("lifecycle hooks run at insert, update, delete and load", "[session][hooks]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Note>(db);
    flush_models::hook_calls = {};
    relata::session session{db};
    auto& note = session.add(Note{.text = "hello"});
    session.commit();
    CHECK(note.revision == 1);
    CHECK(relata_test::scalar(db, fmt::format("SELECT revision FROM note WHERE id = {}", note.id)) == 1);
    CHECK(relata_test::scalar(db, fmt::format("SELECT text_length FROM note WHERE id = {}", note.id)) == 5);

    session.commit();  // nothing changed: before_update is not called
    CHECK(flush_models::hook_calls.updates == 0);
    note.text = "hello, world";
    session.commit();
    CHECK(flush_models::hook_calls.updates == 1);
    CHECK(relata_test::scalar(db, fmt::format("SELECT revision FROM note WHERE id = {}", note.id)) == 2);
    CHECK(relata_test::scalar(db, fmt::format("SELECT text_length FROM note WHERE id = {}", note.id)) == 12);

    relata::session reader{db};
    Note& loaded = reader.get<Note>(note.id);
    CHECK(flush_models::hook_calls.loads == 1);
    CHECK(loaded.text_length == -1);     // after_load ran
    CHECK_FALSE(reader.is_dirty(loaded));  // and what it set counts as loaded state
    reader.remove(loaded);
    reader.commit();
    CHECK(flush_models::hook_calls.deleted == std::vector<std::string>{"hello, world"});
    CHECK(relata_test::count_rows(db, "note") == 0);
}

RELATA_BACKEND_TEST("a throwing hook aborts the flush cleanly and a retry writes each row once",
                    "[session][hooks][hostile]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Note>(db);
    flush_models::hook_calls = {};
    flush_models::hook_calls.fail_before_insert_at = 2;
    relata::session session{db};
    for (const char* text : {"a", "b", "c", "d"}) session.add(Note{.text = text});
    CHECK_THROWS_WITH(session.commit(), "before_insert refused");
    CHECK(relata_test::count_rows(db, "note") == 0);
    flush_models::hook_calls.fail_before_insert_at = -1;
    session.commit();
    CHECK(relata_test::count_rows(db, "note") == 4);

    auto& first = session.one(relata::select<Note>().where(relata::columns<Note>.text == "a"));
    first.text = "changed";
    session.add(Note{.text = "e"});
    flush_models::hook_calls.fail_before_update = true;
    CHECK_THROWS_WITH(session.commit(), "before_update refused");
    CHECK(relata_test::count_rows(db, "note") == 4);
    CHECK(session.is_dirty(first));
    flush_models::hook_calls.fail_before_update = false;
    session.commit();
    CHECK(relata_test::count_rows(db, "note") == 5);
    CHECK(relata_test::scalar(db, "SELECT COUNT(*) FROM note WHERE text = 'changed'") == 1);

    flush_models::hook_calls.fail_after_load = true;
    relata::session reader{db};
    CHECK_THROWS_WITH(reader.all(relata::select<Note>()), "after_load refused");
    flush_models::hook_calls.fail_after_load = false;
    CHECK(reader.all(relata::select<Note>()).size() == 5);
}
