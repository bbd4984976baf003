// Versioned migrations (issue 10, items 5 and 6): relata::migrate applies pending migrations in
// order, each in its own transaction, records them in relata_migrations, refuses changed or
// unknown history, serializes concurrent migrators, and leaves no trace of a failed migration.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <vector>

#include <unistd.h>

#include "backends.hpp"
#include "child_process.hpp"
#include "database_file.hpp"

namespace migrations_test {
namespace {

using db_type = relata_test::connection;
using list_type = relata::migrations<db_type>;

std::string cell_text(const relata::cell& c) {
    return std::visit(
        [](const auto& x) -> std::string {
            using X = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<X, std::monostate>) return "NULL";
            else if constexpr (std::is_same_v<X, std::string_view>) return fmt::format("'{}'", x);
            else if constexpr (std::is_same_v<X, std::span<const std::byte>>) return fmt::format("blob({})", x.size());
            else if constexpr (std::is_same_v<X, relata::timestamp> || std::is_same_v<X, relata::date>)
                return std::to_string(x.time_since_epoch().count());
            else return fmt::format("{}", x);
        },
        c);
}

/// Every row of `sql`, one line per row.
std::string rows_text(db_type& db, const std::string& sql) {
    std::string out;
    db.for_each_row(relata::rendered_query{sql, {}}, [&](const auto& row) {
        for (std::size_t i = 0; i < row.size(); ++i) out += cell_text(row.cell(i)) + (i + 1 < row.size() ? "|" : "\n");
    });
    return out;
}

/// The schema (tables, columns, indexes, triggers) and, per table, the row count and a
/// checksum of its rows: what a rolled-back migration must leave exactly as it was.
std::string snapshot(db_type& db) {
    std::string schema;
    std::vector<std::string> tables;
    if constexpr (relata_test::engine == relata::engine::sqlite) {
        schema = rows_text(db, "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name");
        db.for_each_row(relata::rendered_query{"SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name", {}},
                        [&](const auto& row) { tables.push_back(relata::detail::from_cell<std::string>(row.cell(0))); });
    } else {
        schema = rows_text(db, "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text, "
                               "column_default::text FROM information_schema.columns WHERE table_schema = "
                               "current_schema() ORDER BY table_name, ordinal_position") +
                 rows_text(db, "SELECT indexname::text, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                               "ORDER BY indexname") +
                 rows_text(db, "SELECT t.tgname::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT "
                               "t.tgisinternal AND c.relnamespace = current_schema()::regnamespace ORDER BY 1");
        db.for_each_row(relata::rendered_query{"SELECT table_name::text FROM information_schema.tables WHERE "
                                               "table_schema = current_schema() ORDER BY table_name",
                                               {}},
                        [&](const auto& row) { tables.push_back(relata::detail::from_cell<std::string>(row.cell(0))); });
    }
    std::string out = schema;
    for (const std::string& table : tables) {
        const std::string rows = rows_text(db, fmt::format("SELECT * FROM \"{}\" ORDER BY 1", table));
        out += fmt::format("{}: {} rows, {}\n", table, std::count(rows.begin(), rows.end(), '\n'), relata::sql_checksum(rows));
    }
    return out;
}

std::vector<std::string> applied_ids(db_type& db) {
    std::vector<std::string> ids;
    for (const relata::applied_migration& m : relata::applied_migrations(db)) ids.push_back(m.id);
    return ids;
}

/// The first three migrations of a blog: a table with rows and an index, a column, a backfill.
list_type blog_migrations(int& backfills) {
    return {
        {"0001_post", "create the post table",
         "CREATE TABLE post (id integer PRIMARY KEY, title text NOT NULL);\n"
         "CREATE INDEX post_title ON post (title);\n"
         "INSERT INTO post (id, title) VALUES (1, 'first; with a semicolon'), (2, 'second')"},
        {"0002_votes", "count votes", "ALTER TABLE post ADD COLUMN votes integer NOT NULL DEFAULT 0"},
        {"0003_backfill", "ten votes per id", "v1",
         [&backfills](db_type& db) {
             ++backfills;
             db.execute("UPDATE post SET votes = id * 10");
         }},
    };
}

/// The migration_error `migrate(db, list)` throws (fails the test when it throws none); the
/// exception itself in `thrown` (a copy loses the nested exception).
relata::migration_error migrate_error(db_type& db, const list_type& list, std::exception_ptr* thrown = nullptr) {
    try {
        relata::migrate(db, list);
    } catch (const relata::migration_error& e) {
        if (thrown) *thrown = std::current_exception();
        return e;
    }
    FAIL("relata::migrate did not throw relata::migration_error");
    return relata::migration_error("unreachable");
}

/// True when the migration_error `thrown` holds a nested E.
template <class E>
bool nested_is(const std::exception_ptr& thrown) {
    try {
        std::rethrow_exception(thrown);
    } catch (const relata::migration_error& e) {
        try {
            std::rethrow_if_nested(e);
        } catch (const E&) {
            return true;
        } catch (...) {
            return false;
        }
    } catch (...) {
    }
    return false;
}

}  // namespace
}  // namespace migrations_test

RELATA_BACKEND_TEST("migrate applies pending migrations in order, records them, and a rerun applies nothing", "[migrations]") {
    relata_test::database test;
    auto& db = test.db;
    int backfills = 0;
    migrations_test::list_type list = migrations_test::blog_migrations(backfills);
    CHECK(relata::applied_migrations(db).empty());  // no relata_migrations table yet

    const auto before = std::chrono::system_clock::now() - std::chrono::seconds(1);
    const relata::migration_report report = relata::migrate(db, list);
    const auto after = std::chrono::system_clock::now() + std::chrono::seconds(1);
    CHECK(report.already_applied == 0);
    CHECK(report.applied == std::vector<std::string>{"0001_post", "0002_votes", "0003_backfill"});
    CHECK(backfills == 1);
    CHECK(migrations_test::rows_text(db, "SELECT id, title, votes FROM post ORDER BY id") ==
          "1|'first; with a semicolon'|10\n2|'second'|20\n");

    const std::vector<relata::applied_migration> applied = relata::applied_migrations(db);
    REQUIRE(applied.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(applied[i].id == list[i].id());
        CHECK(applied[i].description == list[i].description());
        CHECK(applied[i].checksum == list[i].checksum());
        CHECK(applied[i].applied_at >= before);
        CHECK(applied[i].applied_at <= after);
    }
    CHECK(applied[0].checksum == relata::sql_checksum(list[0].sql()));
    CHECK(applied[1].checksum.size() == std::string_view("fnv1a64:").size() + 16);
    CHECK(applied[2].checksum == "version:v1");

    // Rerun: nothing pending, nothing run again, not even the C++ function.
    const std::string state = migrations_test::snapshot(db);
    const relata::migration_report again = relata::migrate(db, list);
    CHECK(again.already_applied == 3);
    CHECK(again.applied.empty());
    CHECK(backfills == 1);
    CHECK(migrations_test::snapshot(db) == state);

    // A new migration at the end: only it runs.
    list.emplace_back("0004_author", "add the author", "ALTER TABLE post ADD COLUMN author text; UPDATE post SET author = 'ann'");
    const relata::migration_report third = relata::migrate(db, list);
    CHECK(third.already_applied == 3);
    CHECK(third.applied == std::vector<std::string>{"0004_author"});
    CHECK(backfills == 1);
    CHECK(migrations_test::rows_text(db, "SELECT author FROM post ORDER BY id") == "'ann'\n'ann'\n");
    CHECK(migrations_test::applied_ids(db) ==
          std::vector<std::string>{"0001_post", "0002_votes", "0003_backfill", "0004_author"});
}

RELATA_BACKEND_TEST("migration checksums: FNV-1a 64 of the SQL text, a version for C++ bodies", "[migrations]") {
    // Published FNV-1a 64 test vectors.
    CHECK(relata::sql_checksum("") == "fnv1a64:cbf29ce484222325");
    CHECK(relata::sql_checksum("a") == "fnv1a64:af63dc4c8601ec8c");
    CHECK(relata::sql_checksum("foobar") == "fnv1a64:85944171f73967e8");
    const relata::migration<migrations_test::db_type> sql{"1", "d", "SELECT 1"};
    const relata::migration<migrations_test::db_type> function{"2", "d", "7", [](migrations_test::db_type&) {}};
    CHECK(sql.is_sql());
    CHECK(sql.checksum() == relata::sql_checksum("SELECT 1"));
    CHECK(sql.checksum() != relata::migration<migrations_test::db_type>("1", "d", "SELECT  1").checksum());
    CHECK_FALSE(function.is_sql());
    CHECK(function.checksum() == "version:7");
    CHECK(relata::migration_lock_key == -6921586939702130496);  // documented: pg_advisory_lock(-6921586939702130496)
}

RELATA_BACKEND_TEST("migrate refuses changed, unknown or out-of-order history and invalid lists, applying nothing", "[migrations]") {
    relata_test::database test;
    auto& db = test.db;
    int backfills = 0;
    const migrations_test::list_type list = migrations_test::blog_migrations(backfills);
    relata::migrate(db, list);
    const std::string state = migrations_test::snapshot(db);
    const relata::migration<migrations_test::db_type> extra{"0004_extra", "never applied", "CREATE TABLE extra (x integer)"};

    SECTION("an applied SQL migration's text changed") {
        migrations_test::list_type changed = list;
        changed[1] = {"0002_votes", "count votes", "ALTER TABLE post ADD COLUMN votes integer NOT NULL DEFAULT 1"};
        changed.push_back(extra);
        const relata::migration_error e = migrations_test::migrate_error(db, changed);
        CHECK(e.migration_id() == "0002_votes");
        const std::string what = e.what();
        CHECK(what.find("has changed since it was applied") != std::string::npos);
        CHECK(what.find(list[1].checksum()) != std::string::npos);
        CHECK(what.find(changed[1].checksum()) != std::string::npos);
    }
    SECTION("an applied C++ migration's version changed") {
        migrations_test::list_type changed = list;
        changed[2] = {"0003_backfill", "ten votes per id", "v2", [](migrations_test::db_type&) {}};
        changed.push_back(extra);
        const relata::migration_error e = migrations_test::migrate_error(db, changed);
        CHECK(e.migration_id() == "0003_backfill");
        CHECK(std::string(e.what()).find("recorded checksum version:v1, now version:v2") != std::string::npos);
    }
    SECTION("the database applied a migration the list does not have") {
        const migrations_test::list_type shorter{list[0], list[1], extra};
        const relata::migration_error e = migrations_test::migrate_error(db, shorter);
        CHECK(e.migration_id() == "0003_backfill");
        CHECK(std::string(e.what()).find("which the list does not have") != std::string::npos);
    }
    SECTION("a pending migration comes before an applied one") {
        const migrations_test::list_type inserted{list[0], {"0001_zzz", "added later", "CREATE TABLE x (y integer)"},
                                                  list[1], list[2], extra};
        const relata::migration_error e = migrations_test::migrate_error(db, inserted);
        CHECK(e.migration_id() == "0002_votes");
        CHECK(std::string(e.what()).find("\"0001_zzz\" is not applied but \"0002_votes\"") != std::string::npos);
    }
    SECTION("invalid lists") {
        const migrations_test::list_type duplicate{list[0], list[1], list[1], extra};
        CHECK(migrations_test::migrate_error(db, duplicate).migration_id() == "0002_votes");
        const migrations_test::list_type decreasing{list[0], list[1], list[2], {"9_extra", "x", "SELECT 1"},
                                                    {"10_extra", "x", "SELECT 1"}};
        const relata::migration_error e = migrations_test::migrate_error(db, decreasing);
        CHECK(e.migration_id() == "10_extra");
        CHECK(std::string(e.what()).find("pad numbers") != std::string::npos);
        const migrations_test::list_type empty_id{{"", "x", "SELECT 1"}};
        CHECK_THROWS_AS(relata::migrate(db, empty_id), relata::migration_error);
        const migrations_test::list_type no_statement{list[0], list[1], list[2], {"0004", "x", " -- nothing\n;"}};
        CHECK(migrations_test::migrate_error(db, no_statement).migration_id() == "0004");
        const migrations_test::list_type no_function{list[0], list[1], list[2], {"0004", "x", "v1", nullptr}};
        CHECK(migrations_test::migrate_error(db, no_function).migration_id() == "0004");
    }
    SECTION("inside an open transaction") {
        migrations_test::list_type longer = list;
        longer.push_back(extra);
        relata::transaction<migrations_test::db_type> tx{db};
        CHECK_THROWS_AS(relata::migrate(db, longer), relata::migration_error);
        tx.rollback();
    }
    CHECK(migrations_test::snapshot(db) == state);
    CHECK(migrations_test::applied_ids(db) == std::vector<std::string>{"0001_post", "0002_votes", "0003_backfill"});
}

RELATA_BACKEND_TEST("a failing SQL migration rolls back completely and names its statement and the database's error", "[migrations][failure]") {
    relata_test::database test;
    auto& db = test.db;
    int backfills = 0;
    migrations_test::list_type list = migrations_test::blog_migrations(backfills);
    relata::migrate(db, list);
    const std::string state = migrations_test::snapshot(db);

    const bool constraint = GENERATE(true, false);
    const std::string failing = constraint ? "INSERT INTO post (id, title) VALUES (1, 'a second row 1')"
                                           : "INSERT INTO missing_table (x) VALUES (1)";
    // DDL, an index, a data change on existing rows, a new table with rows, then the failure.
    list.emplace_back("0004_broken", "several changes, then a failure",
                      "ALTER TABLE post ADD COLUMN score integer NOT NULL DEFAULT 5;\n"
                      "CREATE INDEX post_votes ON post (votes);\n"
                      "UPDATE post SET title = 'overwritten', votes = 0;\n"
                      "DELETE FROM post WHERE id = 2;\n"
                      "CREATE TABLE tag (name text PRIMARY KEY); INSERT INTO tag (name) VALUES ('kept?');\n" +
                          failing + ";\n");
    list.emplace_back("0005_after", "never tried", "CREATE TABLE after_failure (x integer)");

    std::exception_ptr thrown;
    const relata::migration_error e = migrations_test::migrate_error(db, list, &thrown);
    CHECK(e.migration_id() == "0004_broken");
    CHECK(e.statement() == 7);
    CHECK(e.sql() == failing);
    const std::string what = e.what();
    CHECK(what.find("migration \"0004_broken\" (several changes, then a failure) failed at statement 7 of 7 and was "
                    "rolled back") != std::string::npos);
    CHECK(what.find(failing) != std::string::npos);
    if constexpr (relata_test::engine == relata::engine::postgresql) {
        CHECK(e.sqlstate() == (constraint ? "23505" : "42P01"));
        CHECK(what.find(constraint ? "PostgreSQL error 23505" : "PostgreSQL error 42P01") != std::string::npos);
    } else {
        CHECK(e.code() == (constraint ? 1555 : 1));  // SQLITE_CONSTRAINT_PRIMARYKEY, SQLITE_ERROR
        CHECK(what.find(constraint ? "SQLite error 1555" : "no such table: missing_table") != std::string::npos);
    }
    CHECK(migrations_test::nested_is<relata::database_error>(thrown));
    CHECK(migrations_test::nested_is<relata::constraint_violation>(thrown) == constraint);

    CHECK_FALSE(db.in_transaction());
    CHECK(migrations_test::snapshot(db) == state);
    CHECK(migrations_test::applied_ids(db) == std::vector<std::string>{"0001_post", "0002_votes", "0003_backfill"});

    // Fixed, it applies, and so does the one after it.
    list[3] = {"0004_broken", "several changes", "ALTER TABLE post ADD COLUMN score integer NOT NULL DEFAULT 5"};
    CHECK(relata::migrate(db, list).applied == std::vector<std::string>{"0004_broken", "0005_after"});
}

RELATA_BACKEND_TEST("a throwing C++ migration rolls back completely and reports its exception", "[migrations][failure]") {
    relata_test::database test;
    auto& db = test.db;
    int backfills = 0;
    migrations_test::list_type list = migrations_test::blog_migrations(backfills);
    relata::migrate(db, list);
    const std::string state = migrations_test::snapshot(db);

    const bool database_failure = GENERATE(false, true);
    list.emplace_back("0004_cpp", "changes, then a throw", "v1", [database_failure](migrations_test::db_type& db) {
        db.execute_script("ALTER TABLE post ADD COLUMN score integer");
        db.execute("UPDATE post SET title = ?", "overwritten");
        db.execute("INSERT INTO post (id, title) VALUES (?, ?)", 3, "third");
        if (database_failure) db.execute("INSERT INTO post (id, title) VALUES (?, ?)", 3, "duplicate");
        throw std::runtime_error("backfill failed at row 3");
    });
    std::exception_ptr thrown;
    const relata::migration_error e = migrations_test::migrate_error(db, list, &thrown);
    CHECK(e.migration_id() == "0004_cpp");
    CHECK(e.statement() == 0);
    const std::string what = e.what();
    CHECK(what.find("migration \"0004_cpp\" (changes, then a throw) failed in its C++ function and was rolled back") !=
          std::string::npos);
    if (database_failure) {
        CHECK(migrations_test::nested_is<relata::constraint_violation>(thrown));
        CHECK(e.sql().find("INSERT INTO post") != std::string::npos);
        if constexpr (relata_test::engine == relata::engine::postgresql) {
            CHECK(e.sqlstate() == "23505");
        } else {
            CHECK(e.code() == 1555);
        }
    } else {
        CHECK(migrations_test::nested_is<std::runtime_error>(thrown));
        CHECK(what.find("backfill failed at row 3") != std::string::npos);
        CHECK(e.sql().empty());
    }
    CHECK_FALSE(db.in_transaction());
    CHECK(migrations_test::snapshot(db) == state);
    CHECK(migrations_test::applied_ids(db) == std::vector<std::string>{"0001_post", "0002_votes", "0003_backfill"});

    // A good migration before the failing one in the same call stays applied; trying again
    // fails the same way and changes nothing more.
    list.insert(list.begin() + 3, {"0003_good", "a good one", "CREATE TABLE good (x integer); INSERT INTO good VALUES (1)"});
    const relata::migration_error again = migrations_test::migrate_error(db, list);
    CHECK(again.migration_id() == "0004_cpp");
    CHECK(migrations_test::applied_ids(db) ==
          std::vector<std::string>{"0001_post", "0002_votes", "0003_backfill", "0003_good"});
    CHECK(relata_test::scalar(db, "SELECT count(*) FROM good") == 1);
    const std::string with_good = migrations_test::snapshot(db);
    CHECK(migrations_test::migrate_error(db, list).migration_id() == "0004_cpp");
    CHECK(migrations_test::snapshot(db) == with_good);
}

RELATA_BACKEND_TEST("SQL migrations are split where the engine splits them; the failing statement is named exactly", "[migrations][failure]") {
    relata_test::database test;
    auto& db = test.db;
    // Semicolons in strings, quoted names, comments and bodies; a failure in the last statement.
    std::string script =
        "CREATE TABLE \"odd;name\" (id integer PRIMARY KEY, note text DEFAULT 'a;b');\n"
        "-- a comment; with a semicolon\n"
        "/* another; one */ INSERT INTO \"odd;name\" (id, note) VALUES (1, 'it''s; fine');\n";
    std::size_t statements = 2;
    if constexpr (relata_test::engine == relata::engine::sqlite) {
        script += "CREATE TABLE audit (note text);\n"
                  "CREATE TRIGGER odd_audit AFTER INSERT ON \"odd;name\" BEGIN\n"
                  "  INSERT INTO audit (note) VALUES (CASE WHEN new.id > 0 THEN 'positive;' ELSE 'other' END);\n"
                  "  INSERT INTO audit (note) VALUES ('sec''ond;');\n"
                  "END;\n"
                  "INSERT INTO \"odd;name\" (id) VALUES (2);\n";
        statements += 3;
    } else {
        script += "CREATE TABLE audit (note text);\n"
                  "CREATE FUNCTION odd_audit() RETURNS trigger LANGUAGE plpgsql AS $body$\n"
                  "BEGIN INSERT INTO audit (note) VALUES ('positive;'); INSERT INTO audit VALUES (E'sec\\'ond;'); "
                  "RETURN NULL; END $body$;\n"
                  "CREATE TRIGGER odd_audit AFTER INSERT ON \"odd;name\" FOR EACH ROW EXECUTE FUNCTION odd_audit();\n"
                  "CREATE FUNCTION twice(x integer) RETURNS integer LANGUAGE sql BEGIN ATOMIC SELECT x * 2; END;\n"
                  "COMMENT ON TABLE audit IS E'a\\';b';\n"
                  "CREATE RULE odd_rule AS ON UPDATE TO audit DO ALSO (SELECT 1; SELECT 2);\n"
                  "INSERT INTO \"odd;name\" (id) VALUES (twice(1));\n";
        statements += 7;
    }
    const std::string failing = "INSERT INTO \"odd;name\" (id, note) VALUES (1, 'duplicate key')";
    const std::string working = script;
    script += failing + "; -- the end";
    CHECK(relata::split_statements(script, relata_test::engine).size() == statements + 1);

    const migrations_test::list_type list{{"0001_script", "tricky script", script}};
    CHECK(relata::migrate(db, migrations_test::list_type{}).applied.empty());  // creates relata_migrations only
    const std::string state = migrations_test::snapshot(db);
    std::exception_ptr thrown;
    const relata::migration_error e = migrations_test::migrate_error(db, list, &thrown);
    CHECK(e.statement() == statements + 1);
    CHECK(e.sql() == failing);
    CHECK(migrations_test::nested_is<relata::constraint_violation>(thrown));
    CHECK(migrations_test::snapshot(db) == state);
    CHECK(migrations_test::applied_ids(db).empty());

    // Without the failing statement, every statement ran: the trigger wrote both audit rows.
    const migrations_test::list_type fixed{{"0001_script", "tricky script", working}};
    CHECK(relata::migrate(db, fixed).applied.size() == 1);
    CHECK(migrations_test::rows_text(db, "SELECT note FROM audit ORDER BY note") == "'positive;'\n'sec'ond;'\n");
    CHECK(migrations_test::rows_text(db, "SELECT id, note FROM \"odd;name\" ORDER BY id") == "1|'it's; fine'\n2|'a;b'\n");
}

RELATA_BACKEND_TEST("migrate at size: 1 and 500 migrations", "[migrations][size]") {
    const std::size_t count = GENERATE(std::size_t{1}, std::size_t{500});
    relata_test::database test;
    auto& db = test.db;
    migrations_test::list_type list;
    list.emplace_back("0000", "create bulk", "CREATE TABLE bulk (n integer NOT NULL)");
    for (std::size_t i = 1; i < count; ++i)
        list.emplace_back(fmt::format("{:04}", i), fmt::format("row {}", i), fmt::format("INSERT INTO bulk (n) VALUES ({})", i));
    const auto started = std::chrono::steady_clock::now();
    const relata::migration_report report = relata::migrate(db, list);
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    fmt::print("{}: {} migrations applied in {} ms\n", RELATA_TEST_BACKEND_NAME, count, elapsed.count());
    CHECK(report.applied.size() == count);
    CHECK(report.applied.back() == list.back().id());
    CHECK(relata::applied_migrations(db).size() == count);
    CHECK(relata_test::scalar(db, "SELECT count(*) FROM bulk") == static_cast<std::int64_t>(count - 1));
    CHECK(relata_test::scalar(db, "SELECT count(DISTINCT n) FROM bulk") == static_cast<std::int64_t>(count - 1));
    const relata::migration_report again = relata::migrate(db, list);
    CHECK(again.applied.empty());
    CHECK(again.already_applied == count);
}

namespace migrations_test {
namespace {

#if defined(RELATA_TEST_BACKEND_SQLITE)
/// A database file two processes can open (SQLite: never carry an open connection across fork()).
struct shared_database {
    relata_test::database_file file{"migrations"};
    /// `PRAGMA synchronous = OFF`: no fsync per COMMIT (durability after power loss only, not locking).
    [[nodiscard]] db_type open() const {
        auto db = relata::sqlite::connect(file.path());
        db.execute_script("PRAGMA synchronous = OFF");
        return db;
    }
};
#else
struct shared_database {
    relata_test::database test;
    [[nodiscard]] db_type open() const { return test.open_another(); }
};
#endif

/// What a migrator process reports through its pipe.
struct migrator_report {
    std::int64_t already_applied = -1;
    std::int64_t applied = -1;
};

/// Forks a process that waits until `start`, then runs relata::migrate(its own connection,
/// list) and exits (never returns into Catch2): 0 when migrate returned, 3 when it threw.
relata_test::child_process spawn_migrator(const shared_database& shared, const list_type& list,
                                          std::chrono::steady_clock::time_point start) {
    return relata_test::spawn_child<migrator_report>("migrator", [&](migrator_report& report) {
        auto db = shared.open();
        std::this_thread::sleep_until(start);
        const relata::migration_report result = relata::migrate(db, list);
        report = {static_cast<std::int64_t>(result.already_applied), static_cast<std::int64_t>(result.applied.size())};
    });
}

}  // namespace
}  // namespace migrations_test

// Two processes start migrating the same fresh database at the same moment. Without the
// PostgreSQL advisory lock both would read "nothing applied" and both run 0001 (one then fails
// on CREATE TABLE or on relata_migrations' primary key); without BEGIN IMMEDIATE on SQLite the
// second reader's write would fail with SQLITE_BUSY.
RELATA_BACKEND_TEST("two processes migrating one database at once: each migration is applied once, both succeed", "[migrations][concurrency]") {
    migrations_test::shared_database shared;
    constexpr std::size_t count = 30;
    migrations_test::list_type list;
    list.emplace_back("0000", "create the log",
                      relata_test::engine == relata::engine::sqlite
                          ? "CREATE TABLE migration_log (seq integer PRIMARY KEY, id text NOT NULL, pid integer NOT NULL)"
                          : "CREATE TABLE migration_log (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                            "id text NOT NULL, pid integer NOT NULL)");
    // A slow migration early on keeps the first migrator busy while the second one arrives.
    list.emplace_back("0001", "slow", "v1", [](migrations_test::db_type& db) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        db.execute("INSERT INTO migration_log (id, pid) VALUES (?, ?)", "0001", static_cast<std::int64_t>(::getpid()));
    });
    for (std::size_t i = 2; i < count; ++i)
        list.emplace_back(fmt::format("{:04}", i), "log", "v1", [i](migrations_test::db_type& db) {
            db.execute("INSERT INTO migration_log (id, pid) VALUES (?, ?)", fmt::format("{:04}", i),
                       static_cast<std::int64_t>(::getpid()));
        });

    const auto start = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
    const relata_test::child_process a = migrations_test::spawn_migrator(shared, list, start);
    const relata_test::child_process b = migrations_test::spawn_migrator(shared, list, start);
    const auto [report_a, code_a] = relata_test::join_child<migrations_test::migrator_report>(a);
    const auto [report_b, code_b] = relata_test::join_child<migrations_test::migrator_report>(b);
    fmt::print("{}: two migrators of {} migrations applied {} and {} (found {} and {} applied)\n", RELATA_TEST_BACKEND_NAME,
               count, report_a.applied, report_b.applied, report_a.already_applied, report_b.already_applied);
    CHECK(code_a == 0);
    CHECK(code_b == 0);
    CHECK(report_a.applied + report_b.applied == static_cast<std::int64_t>(count));
    if constexpr (relata_test::engine == relata::engine::postgresql) {
        // The advisory lock serializes whole runs: one applied everything, the other found nothing pending.
        CHECK(std::min(report_a.applied, report_b.applied) == 0);
        CHECK(std::max(report_a.already_applied, report_b.already_applied) == static_cast<std::int64_t>(count));
    }

    auto db = shared.open();
    CHECK(relata::applied_migrations(db).size() == count);
    CHECK(relata_test::scalar(db, "SELECT count(*) FROM migration_log") == static_cast<std::int64_t>(count - 1));
    CHECK(relata_test::scalar(db, "SELECT count(DISTINCT id) FROM migration_log") == static_cast<std::int64_t>(count - 1));
    // Applied in list order, whichever process applied each.
    CHECK(migrations_test::rows_text(db, "SELECT id FROM migration_log ORDER BY seq") ==
          migrations_test::rows_text(db, "SELECT id FROM migration_log ORDER BY id"));
}

#if defined(RELATA_TEST_BACKEND_POSTGRES)
TEST_CASE("postgres: migrate waits for the advisory lock relata::migration_lock_key", "[postgres][migrations][concurrency]") {
    relata_test::database test;
    auto holder = test.open_another();
    holder.execute_script(fmt::format("SELECT pg_advisory_lock({})", relata::migration_lock_key));
    const migrations_test::list_type list{{"0001", "a table", "CREATE TABLE locked (x integer)"}};
    std::exception_ptr error;
    relata::migration_report report;
    std::thread migrator([&] {
        try {
            auto db = test.open_another();
            report = relata::migrate(db, list);
        } catch (...) {
            error = std::current_exception();
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    // Still waiting: nothing created, and the server shows the migrator waiting for an advisory lock.
    CHECK(relata_test::scalar(holder, "SELECT count(*) FROM pg_catalog.pg_class WHERE oid = to_regclass('relata_migrations')") == 0);
    CHECK(relata_test::scalar(holder, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") == 1);
    holder.execute_script(fmt::format("SELECT pg_advisory_unlock({})", relata::migration_lock_key));
    migrator.join();
    if (error) std::rethrow_exception(error);
    CHECK(report.applied == std::vector<std::string>{"0001"});
    // Released afterwards: another session takes it at once.
    CHECK(relata_test::scalar(holder, fmt::format("SELECT pg_try_advisory_lock({})::int", relata::migration_lock_key)) == 1);
}

TEST_CASE("postgres: a connection lost at a migration's COMMIT is reported as unknown, and a rerun finishes the job",
          "[postgres][migrations][failure]") {
    relata_test::database test;
    auto& db = test.db;
    migrations_test::list_type list{{"0001", "a table", "CREATE TABLE first_table (x integer)"}};
    relata::migrate(db, list);
    list.push_back({"0002", "another table", "CREATE TABLE lost_at_commit (x integer); INSERT INTO lost_at_commit VALUES (1)"});
    const std::int64_t pid = relata_test::scalar(db, "SELECT pg_backend_pid()");
    auto killer = test.open_another();
    bool killed = false;
    // The logger runs before each statement is sent: the server process goes away just before COMMIT.
    db.on_sql([&](std::string_view sql) {
        if (killed || sql != "COMMIT") return;
        killed = true;
        (void)relata_test::scalar(killer, "SELECT COUNT(*) FROM pg_terminate_backend(?, 10000)", {relata::value{pid}});
    });
    std::exception_ptr thrown;
    const relata::migration_error e = migrations_test::migrate_error(db, list, &thrown);
    db.on_sql({});
    CHECK(killed);
    CHECK(e.migration_id() == "0002");
    const std::string what = e.what();
    CHECK(what.find("migration \"0002\" (another table): the connection was lost at COMMIT, so whether it was applied is unknown") !=
          std::string::npos);
    CHECK(what.find("rolled back") == std::string::npos);
    CHECK(migrations_test::nested_is<relata::connection_error>(thrown));

    // A new connection: the migration was not committed, so migrate applies it now, once.
    db.reconnect();
    db.execute_script(fmt::format("SET search_path TO \"{}\"", test.schema));
    CHECK(migrations_test::applied_ids(db) == std::vector<std::string>{"0001"});
    const relata::migration_report report = relata::migrate(db, list);
    CHECK(report.applied == std::vector<std::string>{"0002"});
    CHECK(relata_test::scalar(db, "SELECT count(*) FROM lost_at_commit") == 1);
    CHECK(relata::migrate(db, list).applied.empty());
}
#endif
