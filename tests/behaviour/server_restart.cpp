// The whole PostgreSQL server restarted under a Session and a pool (issue 9, faults). The test
// starts a throwaway server of its own with cmake/postgres_fixture.sh (the suite's shared server
// must not restart under the other tests) and restarts it with `pg_ctl restart -m fast`.
#include "backends.hpp"

#if defined(RELATA_TEST_BACKEND_POSTGRES) && defined(RELATA_TEST_FIXTURE_SCRIPT)
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <unistd.h>

#include <relata/pool.hpp>

namespace server_restart_test {

struct Seat {
    std::int64_t id = 0;
    std::string row;
    int number = 0;
};
RELATA_MODEL(Seat, id, row, number)

}  // namespace server_restart_test

using server_restart_test::Seat;

namespace {

/// A server of this test's own, started in the constructor and removed in the destructor.
struct own_server {
    std::string dir = fmt::format("/tmp/relata-restart-{}", static_cast<long>(::getpid()));
    std::string conninfo;

    own_server() {
        REQUIRE(fixture("start") == 0);
        std::ifstream in(dir + "/conninfo");
        REQUIRE(std::getline(in, conninfo));
    }
    own_server(const own_server&) = delete;
    own_server& operator=(const own_server&) = delete;
    ~own_server() { (void)fixture("stop"); }

    void restart() { REQUIRE(fixture("restart") == 0); }

    int fixture(const char* action) const {
        const std::string command =
            fmt::format("bash '{}' {} '{}' >'{}.log' 2>&1", RELATA_TEST_FIXTURE_SCRIPT, action, dir, dir);
        return std::system(command.c_str());
    }
};

}  // namespace

RELATA_BACKEND_TEST("a server restart: connection_error, one retry after reconnect() commits once, the pool recovers",
                    "[connection][failure][server_process]") {
    own_server server;
    auto db = relata::postgres::connect(server.conninfo);
    relata::create_all<Seat>(db);
    db.execute("INSERT INTO seat (row, number) VALUES ('A', 1)");

    relata::pool<relata::postgres::connection> pool{[&] { return relata::postgres::connect(server.conninfo); },
                                                    {.max_size = 2}};
    {
        auto lease = pool.acquire();
        CHECK(relata_test::scalar(*lease, "SELECT COUNT(*) FROM seat") == 1);
    }  // idle in the pool across the restart

    relata::session session{db};
    auto& seat = session.get<Seat>(1);
    seat.number = 7;
    auto& added = session.add(Seat{.row = "B", .number = 2});
    session.flush();

    server.restart();

    CHECK_THROWS_AS(session.commit(), relata::connection_error);
    CHECK(seat.number == 7);
    CHECK(session.is_dirty(seat));
    CHECK(session.state_of(added) == relata::object_state::pending);

    db.reconnect();
    session.commit();
    CHECK(relata_test::scalar(db, "SELECT COUNT(*) FROM seat") == 2);
    CHECK(relata_test::scalar(db, "SELECT COUNT(*) FROM seat WHERE row = 'B'") == 1);
    CHECK(relata_test::scalar(db, "SELECT number FROM seat WHERE id = 1") == 7);

    // The pool's idle connection was terminated by the restart: checkout notices and replaces it.
    auto lease = pool.acquire();
    CHECK(relata_test::scalar(*lease, "SELECT COUNT(*) FROM seat") == 2);
    CHECK(pool.statistics().discarded == 1);
    CHECK(pool.statistics().created == 2);
    const std::int64_t lost = 2 - relata_test::scalar(db, "SELECT COUNT(*) FROM seat");
    std::printf("faults (postgres): server restarted under a flushed Session and an idle pooled connection; "
                "commit retried once, %llu pooled connection replaced, rows lost %lld\n",
                static_cast<unsigned long long>(pool.statistics().discarded), static_cast<long long>(lost));
}
#endif
