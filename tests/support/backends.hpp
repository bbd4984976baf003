#pragma once
// One behaviour suite, two databases. Every tests/behaviour/*.cpp is compiled once per enabled
// backend with RELATA_TEST_BACKEND_SQLITE or RELATA_TEST_BACKEND_POSTGRES defined, and written
// as plain code against `relata_test::database`:
//
//   RELATA_BACKEND_TEST("a session inserts", "[session]") {
//       relata_test::database test;     // fresh database (SQLite) or schema (PostgreSQL)
//       auto& db = test.db;
//       ...
//   }
//
// registers "a session inserts (sqlite)" tagged [sqlite] (or the postgres twin); CTest runs the
// executable once per tag. PostgreSQL comes from $RELATA_TEST_POSTGRES, else the conninfo file
// named by $RELATA_TEST_POSTGRES_FILE (written by the CTest fixture). With neither, the run
// exits 77 (CTest: skipped) unless RELATA_REQUIRE_POSTGRES=1, when it fails.

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <unistd.h>

#include "catch.hpp"

#include <relata/relata.hpp>

#if defined(RELATA_TEST_BACKEND_SQLITE)
#include <relata/sqlite.hpp>
#define RELATA_TEST_BACKEND_NAME "sqlite"
#elif defined(RELATA_TEST_BACKEND_POSTGRES)
#include <relata/postgres.hpp>
#define RELATA_TEST_BACKEND_NAME "postgres"
#else
#error "relata tests: compile behaviour tests with RELATA_TEST_BACKEND_SQLITE or RELATA_TEST_BACKEND_POSTGRES"
#endif

namespace relata_test {
// Both backends' translation units link into one executable: each backend's definitions live
// in their own inline namespace so the two `database` classes do not collide (ODR).
#if defined(RELATA_TEST_BACKEND_SQLITE)
inline namespace sqlite_tests {
/// The backend under test.
inline constexpr relata::engine engine = relata::engine::sqlite;
using connection = relata::sqlite::connection;

/// A private in-memory SQLite database.
struct database {
    explicit database(relata::naming naming = relata::naming::standard)
        : db(relata::sqlite::connect(":memory:", {.naming = naming})) {}
    connection db;
};
}  // namespace sqlite_tests
#else
inline namespace postgres_tests {
inline constexpr relata::engine engine = relata::engine::postgresql;
using connection = relata::postgres::connection;

/// The conninfo of the test server; exits 77 (skipped) when there is none and it is not required.
inline const std::string& postgres_conninfo() {
    static const std::string conninfo = [] {
        if (const char* direct = std::getenv("RELATA_TEST_POSTGRES"); direct && *direct) return std::string(direct);
        std::string reason = "neither RELATA_TEST_POSTGRES nor RELATA_TEST_POSTGRES_FILE is set";
        if (const char* file = std::getenv("RELATA_TEST_POSTGRES_FILE"); file && *file) {
            std::ifstream in(file);
            std::string line;
            if (in && std::getline(in, line) && !line.empty()) return line;
            reason = fmt::format("{} is missing or empty (the postgres fixture started no server)", file);
        }
        const char* required = std::getenv("RELATA_REQUIRE_POSTGRES");
        if (required && std::string(required) == "1") {
            std::cerr << "relata tests: PostgreSQL is required (RELATA_REQUIRE_POSTGRES=1) but " << reason << '\n';
            std::exit(1);
        }
        std::cerr << "relata tests: skipping PostgreSQL tests: " << reason << '\n';
        std::exit(77);
    }();
    return conninfo;
}

/// True when the tests run through PgBouncer in transaction pooling mode
/// (RELATA_TEST_PGBOUNCER=1, set by CTest's behaviour.pgbouncer): session state such as
/// `SET search_path` does not survive a transaction there, so each test gets its own database
/// instead of its own schema, and connections send statements unnamed
/// (`options::prepared_statements = false`).
inline bool through_pgbouncer() {
    static const bool on = [] {
        const char* flag = std::getenv("RELATA_TEST_PGBOUNCER");
        return flag != nullptr && std::string(flag) == "1";
    }();
    return on;
}

/// A fresh schema on the test server, first on the search_path; dropped afterwards. Through
/// PgBouncer: a fresh database (its `public` schema), dropped afterwards.
struct database {
    explicit database(relata::naming naming = relata::naming::standard)
        : schema(next_schema()), db(open(naming, schema)) {
        if (!through_pgbouncer())
            db.execute_script(fmt::format("DROP SCHEMA IF EXISTS \"{0}\" CASCADE; CREATE SCHEMA \"{0}\"; SET search_path TO \"{0}\"", schema));
    }
    ~database() {
        db.on_sql({});  // a test's SQL recorder may already be gone
        db.on_sql_with_parameters({});
        if (through_pgbouncer()) {
            try {
                if (db.in_transaction()) db.rollback();
                auto admin = relata::postgres::connect(postgres_conninfo(), {.prepared_statements = false});
                // WITH (FORCE), PostgreSQL 13+: PgBouncer keeps server connections to it open.
                admin.execute_script(fmt::format("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", database_name));
            } catch (const relata::error&) {  // a leftover database in a throwaway cluster is harmless
            }
            return;
        }
        const std::string drop = fmt::format("DROP SCHEMA IF EXISTS \"{}\" CASCADE", schema);
        try {
            if (db.in_transaction()) db.rollback();
            db.execute_script(drop);
        } catch (const relata::error&) {
            try {  // the test may have lost its connection on purpose
                auto cleanup = relata::postgres::connect(postgres_conninfo());
                cleanup.execute_script(drop);
            } catch (const relata::error&) {  // a leftover schema in a throwaway cluster is harmless
            }
        }
    }
    database(const database&) = delete;
    database& operator=(const database&) = delete;

    /// A second connection to the same schema (for concurrency tests).
    [[nodiscard]] connection open_another() const {
        if (through_pgbouncer())
            return relata::postgres::connect(postgres_conninfo() + " dbname=" + database_name, {.prepared_statements = false});
        auto other = relata::postgres::connect(postgres_conninfo());
        other.execute_script(fmt::format("SET search_path TO \"{}\"", schema));
        return other;
    }

    // Through PgBouncer: CREATE DATABASE, then a connection to it (the last dbname= in a
    // conninfo string wins); the schema is its `public`.
    static connection open(relata::naming naming, std::string& schema) {
        if (!through_pgbouncer()) return relata::postgres::connect(postgres_conninfo(), {.naming = naming});
        const std::string name = schema;
        {
            auto admin = relata::postgres::connect(postgres_conninfo(), {.prepared_statements = false});
            admin.execute_script(fmt::format("DROP DATABASE IF EXISTS \"{0}\" WITH (FORCE)", name));
            admin.execute_script(fmt::format("CREATE DATABASE \"{}\"", name));
        }
        schema = "public";
        return relata::postgres::connect(postgres_conninfo() + " dbname=" + name,
                                         {.naming = naming, .prepared_statements = false});
    }

    static std::string next_schema() {
        static std::atomic<int> counter{0};
        return fmt::format("relata_test_{}_{}", static_cast<long>(::getpid()), ++counter);
    }

    std::string schema;  // "public" through PgBouncer
    std::string database_name = schema;  // through PgBouncer; before open() renames schema
    connection db;
};
}  // namespace postgres_tests
#endif

}  // namespace relata_test

namespace relata_test {
/// The first column of the first row of `sql` as an integer (-1 when there is no row).
template <class Connection>
std::int64_t scalar(Connection& db, std::string sql, std::vector<relata::value> parameters = {}) {
    std::int64_t n = -1;
    db.for_each_row(relata::detail::hand_written_query(sql, db.sql_dialect(), std::move(parameters)),
                    [&](const auto& row) { n = relata::detail::from_cell<std::int64_t>(row.cell(0)); });
    return n;
}

/// The number of rows in `table` (`SELECT COUNT(*) FROM "table"`).
template <class Connection>
std::int64_t count_rows(Connection& db, std::string_view table) {
    return scalar(db, fmt::format("SELECT COUNT(*) FROM \"{}\"", table));
}

/// Runs `session.commit()`, which should throw `Error`: the exception's message, or "" when the
/// commit throws nothing (another exception type propagates).
template <class Error, class Session>
std::string commit_failure(Session& session) {
    try {
        session.commit();
    } catch (const Error& e) {
        return e.what();
    }
    return {};
}
}  // namespace relata_test

/// A behaviour test for the backend this translation unit is compiled for.
#define RELATA_BACKEND_TEST(name, tags) TEST_CASE(name " (" RELATA_TEST_BACKEND_NAME ")", tags "[" RELATA_TEST_BACKEND_NAME "]")
