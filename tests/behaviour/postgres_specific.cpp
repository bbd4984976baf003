// PostgreSQL-only connection behaviour: URIs, SQLSTATE classes that need a live server
// (serialization failures, lost connections), and PostgreSQL types.
#include "backends.hpp"

#if defined(RELATA_TEST_BACKEND_POSTGRES)
#include <map>
#include <sstream>
#include <string>

#include "models.hpp"

using test_models::Author;

namespace {

/// `host=/dir port=1 user=u dbname=d` -> `postgresql://u@/d?host=%2Fdir&port=1`.
std::string to_uri(const std::string& conninfo) {
    std::map<std::string, std::string> parts;
    std::istringstream in(conninfo);
    std::string word;
    while (in >> word) {
        const auto eq = word.find('=');
        if (eq != std::string::npos) parts[word.substr(0, eq)] = word.substr(eq + 1);
    }
    std::string host;
    for (const char c : parts["host"]) host += c == '/' ? std::string("%2F") : std::string(1, c);
    std::string uri = "postgresql://";
    if (parts.count("user")) uri += parts["user"] + "@";
    uri += "/" + (parts.count("dbname") ? parts["dbname"] : std::string("postgres"));
    uri += "?host=" + host;
    if (parts.count("port")) uri += "&port=" + parts["port"];
    return uri;
}

}  // namespace

TEST_CASE("postgres: connect accepts key/value strings and URIs", "[postgres]") {
    const std::string& conninfo = relata_test::postgres_conninfo();
    auto by_keywords = relata::postgres::connect(conninfo);
    CHECK(by_keywords.query<test_models::NameTotal>("SELECT 'kv' AS name, 1::bigint AS total").size() == 1);
    if (conninfo.find("host=/") != std::string::npos) {
        auto by_uri = relata::postgres::connect(to_uri(conninfo));
        const auto rows = by_uri.query<test_models::NameTotal>("SELECT current_user::text AS name, 2::bigint AS total");
        REQUIRE(rows.size() == 1);
        CHECK(rows[0].total == 2);
    }
    REQUIRE_THROWS_AS(relata::postgres::connect("host=/nonexistent-relata-socket-dir port=1 connect_timeout=2"),
                      relata::connection_error);
}

TEST_CASE("postgres: a serialization failure is a retriable transaction_conflict", "[postgres]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author>(db);
    db.execute("INSERT INTO \"author\" (\"name\") VALUES (?)", "Ada");
    auto other = test.open_another();

    db.execute_script("BEGIN ISOLATION LEVEL REPEATABLE READ");
    CHECK(relata::count(db, relata::select<Author>()) == 1);  // takes the snapshot
    other.execute("UPDATE \"author\" SET \"name\" = ?", "Ada (other)");
    try {
        db.execute("UPDATE \"author\" SET \"name\" = ?", "Ada (mine)");
        FAIL("the concurrent update must be a serialization failure");
    } catch (const relata::transaction_conflict& e) {
        CHECK(e.sqlstate() == "40001");
    }
    db.rollback();
    // Retrying the whole transaction succeeds.
    relata::session session{db};
    session.get<Author>(1).name = "Ada (mine)";
    session.commit();
    CHECK(relata::first(other, relata::select<Author>())->name == "Ada (mine)");
}

TEST_CASE("postgres: a lost connection is a connection_error", "[postgres]") {
    relata_test::database test;
    auto doomed = test.open_another();
    try {
        doomed.execute_script("SELECT pg_terminate_backend(pg_backend_pid())");
        (void)doomed.query<test_models::NameTotal>("SELECT 'x' AS name, 1::bigint AS total");
        FAIL("a terminated backend must raise connection_error");
    } catch (const relata::connection_error& e) {
        CHECK(std::string(e.what()).rfind("relata: ", 0) == 0);
    }
}

TEST_CASE("postgres: NUMERIC reads exactly as text and as a double; unsupported types are named", "[postgres]") {
    relata_test::database test;
    auto& db = test.db;
    const auto rows = db.query<test_models::NameTotal>("SELECT 12345678901234567890.125::numeric::text AS name, 7::bigint AS total");
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].name == "12345678901234567890.125");
    const auto prices = db.query<test_models::Measure>("SELECT 0.99::numeric(10,2) AS value, 'x' AS label");
    REQUIRE(prices.size() == 1);
    CHECK(prices[0].value == 0.99);
    const auto exact = db.query<test_models::NameTotal>("SELECT 0.99::numeric(10,2)::text AS name, 0::bigint AS total");
    CHECK(exact[0].name == "0.99");
    try {
        (void)db.query<test_models::NameTotal>("SELECT 'a' AS name, interval '1 day' AS total");
        FAIL("an interval cannot be read into an integer");
    } catch (const relata::mapping_error& e) {
        CHECK(std::string(e.what()).find("OID") != std::string::npos);
    }
}
#endif
