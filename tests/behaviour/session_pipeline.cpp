// A Session's flush of many INSERTs of one model: on PostgreSQL one pipeline per run of rows
// (relata::postgres::execute_pipelined, one round trip), on SQLite one statement per row; the
// same keys, the same failure (nothing written, the Session as before) on both.
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include "backends.hpp"
#include "models.hpp"

using test_models::Author;

namespace {

constexpr int row_count = 10'000;

// The id of every author row, by name.
template <class Connection>
std::map<std::string, std::int64_t> ids_by_name(Connection& db) {
    std::map<std::string, std::int64_t> ids;
    for (const Author& a : relata::all(db, relata::select<Author>())) ids[a.name] = a.id;
    return ids;
}

// An author table holding one row, named "taken" (the name is unique).
template <class Connection>
void seed_taken_name(Connection& db) {
    relata::create_all<Author>(db);
    relata::session first{db};
    first.add(Author{.name = "taken", .email = std::nullopt});
    first.commit();
}

// Author i of a failing flush: a duplicate of "taken" at row 5,000, distinct names elsewhere.
Author author_for_row(int i) {
    return Author{.name = i == row_count / 2 ? std::string("taken") : fmt::format("author {}", i), .email = std::nullopt};
}

// Commits a flush whose row 5,000 repeats "taken": a constraint_violation with the statement
// (`sql_verb`) and, on PostgreSQL, the row's place among the flush's 10,000 Author rows written
// so (`verb`: insert, update).
template <class Connection>
void commit_expecting_taken_name(relata::session<Connection>& session, std::string_view verb, std::string_view sql_verb) {
    const std::string message = relata_test::commit_failure<relata::constraint_violation>(session);
    REQUIRE_FALSE(message.empty());
    if constexpr (relata_test::engine == relata::engine::postgresql)
        CHECK_THAT(message, Catch::Contains(fmt::format("Author {} 5000 of 10000 in this flush: ", verb)));
    CHECK_THAT(message, Catch::Contains(std::string(sql_verb)));
}

// The same for INSERTs: nothing written.
template <class Connection>
void commit_expecting_duplicate(relata::session<Connection>& session, Connection& db) {
    commit_expecting_taken_name(session, "insert", "INSERT");
    CHECK(relata_test::scalar(db, "SELECT COUNT(*) FROM author") == 1);
}

}  // namespace

RELATA_BACKEND_TEST("a flush of 10,000 inserts: generated keys match the rows, INSERTs counted, one pipeline on PostgreSQL",
                    "[session][session_pipeline]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author>(db);
    relata::session session{db};

    std::vector<Author*> authors;
    for (int i = 0; i < row_count; ++i) {
        // An explicit key among the generated ones: three runs of one statement each.
        if (i == row_count / 2)
            authors.push_back(&session.add(Author{.id = 1'000'000, .name = "explicit", .email = std::string("e")}));
        authors.push_back(&session.add(Author{.name = fmt::format("author {}", i), .email = std::nullopt}));
    }
    int insert_logs = 0;
    std::vector<std::string> logged_names;  // each INSERT's logged values, as sent
    db.on_sql([&](std::string_view sql) {
        if (sql.starts_with("INSERT")) ++insert_logs;
    });
    db.on_sql_with_parameters([&](std::string_view sql, std::span<const relata::value> parameters) {
        if (!sql.starts_with("INSERT")) return;
        for (const relata::value& v : parameters)
            if (const auto* text = std::get_if<std::string>(&v); text && text->starts_with("author ")) logged_names.push_back(*text);
    });
    const std::uint64_t statements_before = db.statement_count();
    session.commit();
    db.on_sql({});
    db.on_sql_with_parameters({});

    CHECK(session.statistics().inserts == row_count + 1);
    CHECK(db.statement_count() - statements_before >= row_count + 1);  // every INSERT counted
    // Pipelined or not, every INSERT reaches the loggers once, with its own values.
    CHECK(insert_logs == row_count + 1);
    REQUIRE(logged_names.size() == row_count);
    CHECK(logged_names.front() == "author 0");
    CHECK(logged_names[row_count / 2] == fmt::format("author {}", row_count / 2));
    CHECK(logged_names.back() == fmt::format("author {}", row_count - 1));
    const auto ids = ids_by_name(db);
    REQUIRE(ids.size() == row_count + 1);
    for (Author* a : authors) {
        REQUIRE(a->id != 0);
        REQUIRE(ids.at(a->name) == a->id);
        REQUIRE(session.state_of(*a) == relata::object_state::persistent);
    }
    CHECK(authors[row_count / 2]->id == 1'000'000);
    // Later changes find the objects under their keys.
    authors.front()->email = "first";
    session.commit();
    CHECK(relata_test::scalar(db, fmt::format("SELECT COUNT(*) FROM author WHERE id = {} AND email = 'first'",
                                              authors.front()->id)) == 1);
}

RELATA_BACKEND_TEST("a duplicate at row 5,000 of 10,000 inserts fails the commit: nothing written, keys back to 0, a retry works",
                    "[session][session_pipeline]") {
    relata_test::database test;
    auto& db = test.db;
    seed_taken_name(db);
    relata::session session{db};
    std::vector<Author*> authors;
    for (int i = 0; i < row_count; ++i) authors.push_back(&session.add(author_for_row(i)));
    commit_expecting_duplicate(session, db);
    for (Author* a : authors) {
        REQUIRE(a->id == 0);
        REQUIRE(session.state_of(*a) == relata::object_state::pending);
    }

    authors[row_count / 2]->name = "fixed";
    session.commit();
    CHECK(session.statistics().inserts >= row_count);
    const auto ids = ids_by_name(db);
    REQUIRE(ids.size() == row_count + 1);
    for (Author* a : authors) {
        REQUIRE(a->id != 0);
        REQUIRE(ids.at(a->name) == a->id);
        REQUIRE(session.state_of(*a) == relata::object_state::persistent);
    }
}

// Explicit keys among generated ones split a model's INSERTs into several pipelines (runs); a
// failure is still numbered among all of the flush's Author inserts, not within its run (which
// would say "parameter set 4898 of 9898" here).
RELATA_BACKEND_TEST("a failing insert after explicit keys split the flush is numbered within the whole flush",
                    "[session][session_pipeline]") {
    relata_test::database test;
    auto& db = test.db;
    seed_taken_name(db);
    relata::session session{db};
    for (int i = 0; i < row_count; ++i) {
        Author a = author_for_row(i);
        if (i == 100 || i == 101) a.id = 1'000'000 + i;  // rows 100 and 101 end the first run
        session.add(std::move(a));
    }
    commit_expecting_duplicate(session, db);
}

// A flush's UPDATEs: on PostgreSQL each run of rows changing the same columns (one statement
// text) goes in one pipeline, on SQLite one statement per row. Rows 100 and 101 change only
// the email, so the renames run 0-99 and 102-9,999 (a failure is numbered within the whole
// flush); row 5,000's new name is taken.
RELATA_BACKEND_TEST("a flush of 10,000 updates in runs: a duplicate at update 5,000 names it, nothing written, a retry works",
                    "[session][session_pipeline]") {
    relata_test::database test;
    auto& db = test.db;
    seed_taken_name(db);
    {
        std::vector<Author> rows;
        for (int i = 0; i < row_count; ++i) rows.push_back(Author{.name = fmt::format("author {}", i), .email = std::nullopt});
        relata::insert_all(db, rows);
    }
    constexpr auto a = relata::columns<Author>;
    relata::session session{db};
    auto authors = session.all(relata::select<Author>().where(a.name != "taken").order_by(a.id));
    REQUIRE(authors.size() == static_cast<std::size_t>(row_count));
    for (int i = 0; i < row_count; ++i) {
        Author& author = authors[static_cast<std::size_t>(i)];
        author.email = fmt::format("mail {}", i);
        if (i != 100 && i != 101) author.name = i == row_count / 2 ? std::string("taken") : fmt::format("renamed {}", i);
    }
    int update_logs = 0;
    db.on_sql([&](std::string_view sql) { update_logs += sql.starts_with("UPDATE") ? 1 : 0; });
    commit_expecting_taken_name(session, "update", "UPDATE");
    CHECK(relata_test::scalar(db, "SELECT COUNT(*) FROM author WHERE email IS NOT NULL") == 0);
    std::size_t dirty = 0;
    for (const Author& author : authors) dirty += session.is_dirty(author) ? 1 : 0;
    CHECK(dirty == authors.size());

    authors[row_count / 2].name = "fixed";
    update_logs = 0;
    session.commit();
    db.on_sql({});
    CHECK(update_logs == row_count);  // every UPDATE logged once, pipelined or not
    CHECK(relata_test::scalar(db, "SELECT COUNT(*) FROM author WHERE name LIKE 'renamed %'") == row_count - 3);
    CHECK(relata_test::scalar(db, "SELECT COUNT(*) FROM author WHERE email = 'mail ' || substr(name, 8) "
                                  "OR email = 'mail ' || substr(name, 9)") == row_count - 1);
    CHECK(relata_test::scalar(db, "SELECT COUNT(*) FROM author WHERE name = 'fixed' AND email = 'mail 5000'") == 1);
    for (const Author& author : authors) REQUIRE_FALSE(session.is_dirty(author));
}

// One UPDATE of a run matching no row (deleted inside the Session's transaction): the count of
// each pipelined row is checked, as one statement at a time would be.
RELATA_BACKEND_TEST("1,000 updates, one of a row already gone: stale_data_error names it, nothing is updated",
                    "[session][session_pipeline][failure]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author>(db);
    {
        std::vector<Author> rows;
        for (int i = 1; i <= 1'000; ++i) rows.push_back(Author{.id = i, .name = fmt::format("author {}", i), .email = std::nullopt});
        relata::insert_all(db, rows);
    }
    relata::session session{db};
    auto authors = session.all(relata::select<Author>());  // begins the Session's transaction
    REQUIRE(authors.size() == 1'000);
    for (Author& author : authors) author.email = "changed";
    db.execute("DELETE FROM author WHERE id = ?", std::int64_t{577});  // inside that transaction
    const std::string message = relata_test::commit_failure<relata::stale_data_error>(session);
    CAPTURE(message);
    CHECK_THAT(message, Catch::Contains("UPDATE of Author with primary key 577 matched 0 rows"));
    CHECK(relata_test::scalar(db, "SELECT COUNT(*) FROM author WHERE email IS NOT NULL") == 0);
    CHECK(relata_test::scalar(db, "SELECT COUNT(*) FROM author") == 1'000);  // rolled back, 577 too
    session.commit();  // the row is back: every UPDATE matches
    CHECK(relata_test::scalar(db, "SELECT COUNT(*) FROM author WHERE email = 'changed'") == 1'000);
}
