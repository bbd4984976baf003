// SQLite-only connection behaviour: connect options and open errors.
#include "backends.hpp"

#if defined(RELATA_TEST_BACKEND_SQLITE)
#include <string>

#include "database_file.hpp"
#include "models.hpp"

namespace {
std::int64_t pragma(relata::sqlite::connection& db, const std::string& name) {
    std::int64_t value = -1;
    db.for_each_row(relata::rendered_query{"PRAGMA " + name, {}}, [&](const relata::sqlite::row& row) {
        const auto cell = row.cell(0);
        if (const auto* i = std::get_if<std::int64_t>(&cell)) value = *i;
        if (const auto* s = std::get_if<std::string_view>(&cell)) value = *s == "wal" ? 1 : 0;
    });
    return value;
}
}  // namespace

TEST_CASE("sqlite: foreign keys are on by default and can be turned off", "[sqlite]") {
    auto db = relata::sqlite::connect(":memory:");
    CHECK(pragma(db, "foreign_keys") == 1);
    auto loose = relata::sqlite::connect(":memory:", {.foreign_keys = false});
    CHECK(pragma(loose, "foreign_keys") == 0);
}

TEST_CASE("sqlite: busy timeout, WAL and read-only files", "[sqlite]") {
    const relata_test::database_file file{"sqlite_options"};
    const std::string& path = file.path();
    {
        auto db = relata::sqlite::connect(path, {.busy_timeout = std::chrono::milliseconds{1234}, .write_ahead_log = true});
        CHECK(pragma(db, "busy_timeout") == 1234);
        CHECK(pragma(db, "journal_mode") == 1);
        relata::create_all<test_models::Author>(db);
    }
    {
        auto reader = relata::sqlite::connect(path, {.read_only = true});
        CHECK(relata::count(reader, relata::select<test_models::Author>()) == 0);
        relata::session session{reader};
        session.add(test_models::Author{.name = "Ada", .email = std::nullopt});
        REQUIRE_THROWS_AS(session.commit(), relata::database_error);
    }
}

TEST_CASE("sqlite: a file that cannot be opened is a connection_error", "[sqlite]") {
    REQUIRE_THROWS_AS(relata::sqlite::connect("/nonexistent-directory/relata.db"), relata::connection_error);
    REQUIRE_THROWS_AS(relata::sqlite::connect("/nonexistent-directory/relata.db", {.read_only = true}),
                      relata::connection_error);
}

TEST_CASE("sqlite: a second writer waits for the busy timeout, then conflicts", "[sqlite]") {
    const relata_test::database_file file{"sqlite_busy"};
    const std::string& path = file.path();
    auto first = relata::sqlite::connect(path, {.busy_timeout = std::chrono::milliseconds{50}});
    auto second = relata::sqlite::connect(path, {.busy_timeout = std::chrono::milliseconds{50}});
    relata::create_all<test_models::Author>(first);
    first.execute_script("BEGIN IMMEDIATE");
    REQUIRE_THROWS_AS(second.execute_script("BEGIN IMMEDIATE"), relata::transaction_conflict);
    first.rollback();
}
#endif
