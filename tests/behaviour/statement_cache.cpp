// The prepared-statement cache is bounded (least recently used out), and a statement a
// running query still steps is never finalized or deallocated under it.
#include "backends.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "models.hpp"

namespace {

// A connection to the test database with its own cache capacity.
relata_test::connection connect_with_capacity(const relata_test::database& test, std::size_t capacity) {
#if defined(RELATA_TEST_BACKEND_SQLITE)
    (void)test;
    return relata::sqlite::connect(":memory:", {.statement_cache_capacity = capacity});
#else
    auto db = relata::postgres::connect(relata_test::postgres_conninfo(), {.statement_cache_capacity = capacity});
    db.execute_script(fmt::format("SET search_path TO \"{}\"", test.schema));
    return db;
#endif
}

// Prepared statements the engine holds for `db`: SQLite's list of the handle's statements
// (sqlite3_next_stmt), PostgreSQL's pg_prepared_statements of the session (which includes the
// statement that counts them).
std::int64_t engine_statements(relata_test::connection& db) {
#if defined(RELATA_TEST_BACKEND_SQLITE)
    std::int64_t n = 0;
    for (sqlite3_stmt* s = sqlite3_next_stmt(db.native_handle(), nullptr); s; s = sqlite3_next_stmt(db.native_handle(), s))
        ++n;
    return n;
#else
    return relata_test::scalar(db, "SELECT COUNT(*) FROM pg_prepared_statements");
#endif
}

// A query whose SQL text differs for every `i`.
std::int64_t distinct_query(relata_test::connection& db, std::int64_t i) {
    return relata::query<std::int64_t>(db, fmt::format("SELECT {} + ?", i), 1).front();
}

}  // namespace

RELATA_BACKEND_TEST("100,000 distinct SQL texts keep the statement cache at its default capacity", "[statement_cache]") {
    relata_test::database test;
    auto& db = test.db;
    CHECK(db.statement_cache_statistics().capacity == 256);
    constexpr std::int64_t texts = 100'000;
    for (std::int64_t i = 0; i < texts; ++i) {
        REQUIRE(distinct_query(db, i) == i + 1);
        if (i % 10'000 == 0) REQUIRE(db.cached_statement_count() <= 256);
    }
    const relata::statement_cache_statistics stats = db.statement_cache_statistics();
    CHECK(stats.size == 256);
    CHECK(stats.misses >= static_cast<std::uint64_t>(texts));
    CHECK(stats.evictions >= static_cast<std::uint64_t>(texts - 256));
    // The engine holds what the cache holds: evicted statements are finalized / deallocated.
    CHECK(engine_statements(db) == 256);
    CHECK(db.cached_statement_count() == 256);

    // The runs above are long: one sequence instead of sections that would repeat them.
    // A text used again is prepared again and still right; a recent one is a hit.
    const auto before = db.statement_cache_statistics();
    CHECK(distinct_query(db, 0) == 1);
    CHECK(distinct_query(db, texts - 1) == texts);
    const auto after = db.statement_cache_statistics();
    CHECK(after.misses == before.misses + 1);
    CHECK(after.hits == before.hits + 1);
    CHECK(after.size == 256);

    // clear_statement_cache() empties it on the engine too.
    db.clear_statement_cache();
    CHECK(db.cached_statement_count() == 0);
    // SQLite: nothing left; PostgreSQL: only the counting statement itself.
    CHECK(engine_statements(db) == (relata_test::engine == relata::engine::sqlite ? 0 : 1));
    CHECK(distinct_query(db, 7) == 8);
}

RELATA_BACKEND_TEST("a statement cache of capacity 1 alternates between two texts", "[statement_cache]") {
    relata_test::database test;
    auto db = connect_with_capacity(test, 1);
    relata::create_all<test_models::Author>(db);
    constexpr auto a = relata::columns<test_models::Author>;
    for (int i = 0; i < 100; ++i) {
        db.execute(relata::insert(test_models::Author{.name = fmt::format("a{}", i)}));
        REQUIRE(relata::count(db, relata::select<test_models::Author>().where(a.name == fmt::format("a{}", i))) == 1);
        REQUIRE(db.cached_statement_count() == 1);
    }
    CHECK(engine_statements(db) == 1);
    // 0 means 1: a statement always stays for its own execution.
    auto zero = connect_with_capacity(test, 0);
    CHECK(zero.statement_cache_statistics().capacity == 1);
    CHECK(distinct_query(zero, 1) == 2);
}

RELATA_BACKEND_TEST("statements evicted while a query's row callback runs others leave that query intact",
                    "[statement_cache]") {
    relata_test::database test;
    auto db = connect_with_capacity(test, 2);
    relata::create_all<test_models::Author>(db);
    constexpr int authors = 50;
    for (int i = 1; i <= authors; ++i) db.execute("INSERT INTO author (id, name) VALUES (?, ?)", i, fmt::format("a{}", i));

    const relata::rendered_query outer = relata::to_sql(
        relata::select<test_models::Author>().order_by(relata::columns<test_models::Author>.id), db.sql_dialect());
    std::int64_t next = 1;
    std::int64_t nested = 0;
    db.for_each_row(outer, [&](const auto& row) {
        REQUIRE(relata::detail::from_cell<std::int64_t>(row.cell(0)) == next);
        // Five new texts per row evict everything else, the running statement not included.
        for (int k = 0; k < 5; ++k) REQUIRE(distinct_query(db, next * 100 + k) == next * 100 + k + 1);
        nested += 5;
        if (next % 10 == 0) db.clear_statement_cache();
#if defined(RELATA_TEST_BACKEND_SQLITE)
        // The outer statement is still alive and stepping.
        bool outer_busy = false;
        for (sqlite3_stmt* s = sqlite3_next_stmt(db.native_handle(), nullptr); s;
             s = sqlite3_next_stmt(db.native_handle(), s))
            outer_busy = outer_busy || (sqlite3_stmt_busy(s) && std::string(sqlite3_sql(s)) == outer.sql);
        REQUIRE(outer_busy);
        // Kept although over capacity while in use, never more.
        REQUIRE(db.cached_statement_count() <= 3);
#else
        REQUIRE(db.cached_statement_count() <= 2);
#endif
        ++next;
    });
    CHECK(next == authors + 1);
    CHECK(nested == authors * 5);
    CHECK(db.cached_statement_count() <= 2);
    CHECK(engine_statements(db) <= 2);
    // The outer query runs again, from the cache or prepared afresh.
    std::int64_t rows = 0;
    db.for_each_row(outer, [&](const auto&) { ++rows; });
    CHECK(rows == authors);
}

RELATA_BACKEND_TEST("clear_statement_cache() is refused while a stream reads; the stream goes on", "[statement_cache]") {
    relata_test::database test;
    auto db = connect_with_capacity(test, 4);
    std::int64_t sum = 0;
    std::int64_t rows = 0;
    for (const std::int64_t i : relata::stream<std::int64_t>(
             db, relata_test::engine == relata::engine::sqlite
                     ? "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) SELECT i FROM n"
                     : "SELECT generate_series(1, 1000)::bigint")) {
        if (rows++ == 10) REQUIRE_THROWS_AS(db.clear_statement_cache(), relata::database_error);
        sum += i;
    }
    CHECK(rows == 1000);
    CHECK(sum == 500'500);
    db.clear_statement_cache();
    CHECK(db.cached_statement_count() == 0);
    CHECK(distinct_query(db, 1) == 2);
}

#if defined(RELATA_TEST_BACKEND_POSTGRES)
RELATA_BACKEND_TEST("evicting a statement the server already dropped (DEALLOCATE ALL) is harmless outside a transaction",
                    "[statement_cache]") {
    relata_test::database test;
    auto db = connect_with_capacity(test, 2);
    CHECK(distinct_query(db, 1) == 2);
    CHECK(distinct_query(db, 2) == 3);
    db.execute_script("DEALLOCATE ALL");
    for (std::int64_t i = 3; i < 10; ++i) CHECK(distinct_query(db, i) == i + 1);
    CHECK(distinct_query(db, 9) == 10);
    CHECK(engine_statements(db) == 2);
}
#endif

RELATA_BACKEND_TEST("in() lists of 2,000 different lengths prepare 12 statements, and match the right rows", "[statement_cache]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<test_models::Author>(db);
    constexpr auto a = relata::columns<test_models::Author>;
    std::vector<test_models::Author> authors;
    for (int i = 1; i <= 2'000; ++i) authors.push_back({.name = fmt::format("a{}", i)});
    relata::insert_all(db, authors);
    db.clear_statement_cache();
    const auto before = db.statement_cache_statistics();
    std::vector<std::int64_t> ids;
    for (std::int64_t length = 1; length <= 2'000; ++length) {
        ids.push_back(length);
        // The padding repeats the last id: IN still matches `length` rows, NOT IN the others.
        REQUIRE(relata::count(db, relata::select<test_models::Author>().where(a.id.in(ids))) == length);
        REQUIRE(relata::count(db, relata::select<test_models::Author>().where(a.id.not_in(ids))) == 2'000 - length);
    }
    const auto after = db.statement_cache_statistics();
    // Lengths pad to 1, 2, 4, ..., 1,024 and 2,048: 12 shapes, each for IN and for NOT IN.
    CHECK(after.misses - before.misses == 2 * 12);
    CHECK(db.cached_statement_count() == 2 * 12);
}
