// Connections that are lost, reconnected, moved from or replaced under a Session (issue 9):
// a PostgreSQL backend terminated by the server is relata::connection_error at the next
// statement (it was a database_error with an empty SQLSTATE), reconnect() re-opens it and
// re-prepares cached statements, a failed commit is retried exactly once; a Session refuses a
// connection that was moved from or move-assigned another database (it crashed, or silently
// wrote to the other database).
#include <cstdint>
#include <string>
#include <utility>

#include "backends.hpp"

namespace connection_loss_test {

struct Ticket {
    std::int64_t id = 0;
    std::string title;
    int seats = 0;
};
RELATA_MODEL(Ticket, id, title, seats)

}  // namespace connection_loss_test

using connection_loss_test::Ticket;

RELATA_BACKEND_TEST("a Session refuses a connection moved from under it; the moved-from connection throws",
                    "[connection][session][failure]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Ticket>(db);
    db.execute("INSERT INTO ticket (title, seats) VALUES ('a', 1)");
    const std::uint64_t handle = db.handle_id();
    CHECK(handle != 0);

    relata::session session{db};
    session.get<Ticket>(1).seats = 2;
    relata_test::connection moved = std::move(db);
    CHECK(moved.handle_id() == handle);
    CHECK(db.handle_id() == 0);  // NOLINT(bugprone-use-after-move): the point of the test

    CHECK_THROWS_AS(session.get<Ticket>(2), relata::session_error);
    CHECK_THROWS_AS(session.commit(), relata::session_error);
    CHECK_THROWS_AS(session.rollback(), relata::session_error);
    CHECK_FALSE(db.in_transaction());  // NOLINT(bugprone-use-after-move)
    try {
        db.execute("DELETE FROM ticket");  // NOLINT(bugprone-use-after-move)
        FAIL("a moved-from connection ran a statement");
    } catch (const relata::connection_error& error) {
        CHECK(std::string(error.what()).find("moved from") != std::string::npos);
    }
    // The connection it was moved to still works, with the Session's transaction open on it.
    CHECK(moved.in_transaction());
    moved.rollback();
    CHECK(relata_test::scalar(moved, "SELECT seats FROM ticket WHERE id = 1") == 1);
    db = std::move(moved);  // back home, for the fixture's cleanup
}

RELATA_BACKEND_TEST("a Session refuses a connection move-assigned another database", "[connection][session][failure]") {
    relata_test::database first;
    relata_test::database second;
    for (auto* db : {&first.db, &second.db}) {
        relata::create_all<Ticket>(*db);
        db->execute("INSERT INTO ticket (title, seats) VALUES ('a', 1)");
    }
    {
        relata::session session{first.db};
        session.get<Ticket>(1).seats = 5;
        relata_test::connection original = std::move(first.db);
        first.db = std::move(second.db);  // first.db now holds the second database
        CHECK_THROWS_AS(session.commit(), relata::session_error);
        CHECK_THROWS_AS(session.all(relata::select<Ticket>()), relata::session_error);
        second.db = std::move(first.db);
        first.db = std::move(original);
    }  // ~session: first.db holds the Session's database again, so its transaction is rolled back
    CHECK_FALSE(first.db.in_transaction());
    CHECK_FALSE(second.db.in_transaction());
    CHECK(relata_test::scalar(first.db, "SELECT seats FROM ticket WHERE id = 1") == 1);
    CHECK(relata_test::scalar(second.db, "SELECT seats FROM ticket WHERE id = 1") == 1);
}

#if defined(RELATA_TEST_BACKEND_POSTGRES)

namespace {

constexpr auto t = relata::columns<Ticket>;

/// Terminates `db`'s server process from a second connection (`pg_terminate_backend`).
void terminate_backend(relata_test::database& test) {
    const std::int64_t pid = relata_test::scalar(test.db, "SELECT pg_backend_pid()");
    auto killer = test.open_another();
    CHECK(relata_test::scalar(killer, "SELECT COUNT(*) FROM pg_terminate_backend(?) WHERE pg_terminate_backend",
                              {relata::value{pid}}) == 1);
}

/// After reconnect(): the session settings are new, so the test's schema is chosen again.
void reconnect(relata_test::database& test) {
    test.db.reconnect();
    test.db.execute_script(fmt::format("SET search_path TO \"{}\"", test.schema));
}

}  // namespace

// [server_process]: the test controls the server process behind its connection, which PgBouncer
// hides (behaviour.pgbouncer leaves these out).
RELATA_BACKEND_TEST("a terminated PostgreSQL backend is connection_error; reconnect() re-prepares statements",
                    "[connection][failure][server_process]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Ticket>(db);
    db.execute("INSERT INTO ticket (title, seats) VALUES ('a', 1), ('b', 2)");
    const auto query = relata::select<Ticket>().where(t.seats >= 1).order_by(t.id);
    CHECK(relata::all(db, query).size() == 2);  // prepared and cached
    CHECK(db.is_open());

    terminate_backend(test);
    try {
        (void)relata::all(db, query);
        FAIL("a statement on a terminated backend succeeded");
    } catch (const relata::connection_error& error) {
        // 57P01 (admin shutdown) when the server's message arrived, else libpq's own error.
        CHECK((error.sqlstate() == "57P01" || error.sqlstate().empty()));
        CHECK(error.sql().find("SELECT") != std::string::npos);
    }
    // Every later statement is a connection_error too, until reconnect().
    CHECK_THROWS_AS(db.execute("SELECT 1"), relata::connection_error);
    CHECK_FALSE(db.is_open());

    reconnect(test);
    CHECK(db.is_open());
    CHECK(db.cached_statement_count() <= 1);  // the old server-side statements are gone
    CHECK(relata::all(db, query).size() == 2);  // prepared again on the new connection
    CHECK(relata::all(db, query).size() == 2);
}

RELATA_BACKEND_TEST("a commit that loses its connection is retried after reconnect() and writes each row once",
                    "[connection][session][failure][server_process]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Ticket>(db);
    db.execute("INSERT INTO ticket (title, seats) VALUES ('a', 1)");

    relata::session session{db};
    auto& changed = session.get<Ticket>(1);
    changed.seats = 7;
    auto& added = session.add(Ticket{.title = "new", .seats = 3});
    session.flush();  // written inside the Session's transaction
    terminate_backend(test);

    CHECK_THROWS_AS(session.commit(), relata::connection_error);
    CHECK(session.state_of(added) == relata::object_state::pending);
    CHECK(changed.seats == 7);
    CHECK(session.is_dirty(changed));

    reconnect(test);
    session.commit();
    CHECK(relata_test::scalar(db, "SELECT COUNT(*) FROM ticket") == 2);
    CHECK(relata_test::scalar(db, "SELECT COUNT(*) FROM ticket WHERE title = 'new'") == 1);
    CHECK(relata_test::scalar(db, "SELECT seats FROM ticket WHERE id = 1") == 7);
}

RELATA_BACKEND_TEST("statement_timeout is relata::statement_timeout; the connection and a Session go on",
                    "[connection][failure]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Ticket>(db);
    db.execute("INSERT INTO ticket (title, seats) VALUES ('a', 1)");
    db.execute_script("SET statement_timeout = '100ms'");
    try {
        db.execute("SELECT pg_sleep(5)");
        FAIL("pg_sleep(5) outlived a 100 ms statement_timeout");
    } catch (const relata::statement_timeout& error) {
        CHECK(error.sqlstate() == "57014");
        CHECK(std::string(error.what()).find("statement timeout") != std::string::npos);
    }
    CHECK(relata_test::scalar(db, "SELECT COUNT(*) FROM ticket") == 1);  // still usable

    relata::session session{db};
    session.get<Ticket>(1).seats = 9;
    CHECK_THROWS_AS(db.execute("SELECT pg_sleep(5)"), relata::statement_timeout);  // inside the Session's transaction
    CHECK_THROWS_AS(session.commit(), relata::session_error);  // aborted (25P02): rolled back
    CHECK(session.get<Ticket>(1).seats == 9);  // the change is kept for the retry
    CHECK(relata_test::scalar(db, "SELECT seats FROM ticket WHERE id = 1") == 1);
    session.commit();
    CHECK(relata_test::scalar(db, "SELECT seats FROM ticket WHERE id = 1") == 9);
}

RELATA_BACKEND_TEST("connecting where no server listens is connection_error", "[connection][failure]") {
    CHECK_THROWS_AS(relata::postgres::connect("host=/nonexistent-directory port=1 connect_timeout=1"),
                    relata::connection_error);
}

#endif
