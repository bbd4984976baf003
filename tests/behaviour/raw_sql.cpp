// Hand-written SQL, still typed: one `?` spelling on both engines, rows read into models by
// column name, tuples by position and single values; every mismatch a relata error.
#include <cstdint>
#include <optional>
#include <ranges>
#include <string>
#include <tuple>
#include <vector>

#include "backends.hpp"
#include "models.hpp"

namespace raw_sql_test {

using test_models::Author;

/// Not a table: a report row, in another order than the query's columns.
struct Tally {
    std::int64_t total = 0;
    std::string author_name;
    std::optional<std::string> email;
};
RELATA_MODEL(Tally, total, author_name, email)

template <class Connection>
void seed_raw_sql(Connection& db) {
    relata::create_all<Author>(db);
    for (const char* name : {"Ada", "Grace", "Barbara"}) relata::execute(db, "INSERT INTO author (name) VALUES (?)", name);
    relata::execute(db, "UPDATE author SET email = ? WHERE name = ?", "ada@example.org", "Ada");
}

/// The message of the relata::error `f` throws ("" when it throws none).
template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const relata::error& e) {
        return e.what();
    }
    return "";
}

}  // namespace raw_sql_test

using namespace raw_sql_test;

RELATA_BACKEND_TEST("the same ? text runs on both engines", "[raw_sql]") {
    relata_test::database test;
    auto& db = test.db;
    seed_raw_sql(db);
    std::vector<std::string> statements;
    db.on_sql([&](std::string_view sql) { statements.emplace_back(sql); });
    CHECK(db.execute("UPDATE author SET name = name || ? WHERE name <> ? AND name <> '?'", "!", "Ada") == 2);
    REQUIRE(statements.size() == 1);
    CHECK(statements[0] == (relata_test::engine == relata::engine::sqlite
                                ? "UPDATE author SET name = name || ? WHERE name <> ? AND name <> '?'"
                                : "UPDATE author SET name = name || $1 WHERE name <> $2 AND name <> '?'"));
    // A `?` in a comment or quoted identifier is not a placeholder.
    const auto names = relata::query<std::string>(db, "SELECT name AS \"name?\" FROM author -- where ?\nWHERE id > ? ORDER BY id", 1);
    CHECK(names.rows() == std::vector<std::string>{"Grace!", "Barbara!"});
    CHECK(names.column_names() == std::vector<std::string>{"name?"});
    // The member db.query<Row> is relata::query<Row>: by column name, whatever the order.
    const auto ada = db.query<test_models::NameTotal>("SELECT id AS total, name FROM author WHERE id = ?", 1);
    CHECK(ada.at(0).name == "Ada");
    CHECK(ada.at(0).total == 1);
    CHECK_THROWS_AS(db.query<test_models::NameTotal>("SELECT name, id FROM author"), relata::mapping_error);
}

RELATA_BACKEND_TEST("$n and count mismatches are rejected before anything runs", "[raw_sql]") {
    relata_test::database test;
    auto& db = test.db;
    seed_raw_sql(db);
    const auto before = db.statement_count();
    // On SQLite `$2 ... $1` would bind the first argument to $2: refused on both engines.
    const std::string message = error_of([&] { db.execute("UPDATE author SET name = $2 WHERE id = $1", 1, "x"); });
    CHECK(message.find("`$2` at position 26") != std::string::npos);
    CHECK(message.find("write `?`") != std::string::npos);
    REQUIRE_THROWS_AS(relata::query<std::string>(db, "SELECT name FROM author WHERE id = ?1", 1), relata::placeholder_error);
    REQUIRE_THROWS_AS(relata::execute(db, "DELETE FROM author WHERE id = ? OR id = ?", 1), relata::placeholder_error);
    REQUIRE_THROWS_AS(db.execute("DELETE FROM author WHERE id = ?", 1, 2), relata::placeholder_error);
    REQUIRE_THROWS_AS(relata::stream<std::string>(db, "SELECT name FROM author WHERE id = $1", 1), relata::placeholder_error);
    if constexpr (relata_test::engine == relata::engine::sqlite) {
        REQUIRE_THROWS_AS(db.execute("DELETE FROM author WHERE id = :id", 1), relata::placeholder_error);
        REQUIRE_THROWS_AS(db.execute("DELETE FROM author WHERE id = @id", 1), relata::placeholder_error);
    }
    CHECK(db.statement_count() == before);
    CHECK(relata::query<std::int64_t>(db, "SELECT COUNT(*) FROM author").front() == 3);
}

RELATA_BACKEND_TEST("relata::query reads models by column name", "[raw_sql]") {
    relata_test::database test;
    auto& db = test.db;
    seed_raw_sql(db);
    // Columns in another order than the members; PostgreSQL folds AS Total to "total".
    const auto rows = relata::query<Tally>(
        db, "SELECT email, name AS author_name, LENGTH(name) AS Total FROM author WHERE id >= ? ORDER BY id", 1);
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].author_name == "Ada");
    CHECK(rows[0].total == 3);
    CHECK(rows[0].email == "ada@example.org");
    CHECK(rows[2].author_name == "Barbara");
    CHECK_FALSE(rows[2].email.has_value());
    CHECK(rows.column_names().size() == 3);
    CHECK(rows.column_names()[1] == "author_name");
    // Models read by name also work for tables, whatever the column order.
    const auto authors = relata::query<Author>(db, "SELECT name, email, id FROM author ORDER BY id");
    CHECK(authors.back().id == 3);
    CHECK(authors.back().name == "Barbara");
    // No rows: still a result with its column names.
    const auto none = relata::query<Author>(db, "SELECT * FROM author WHERE id < ?", 0);
    CHECK(none.empty());
    CHECK(none.column_names() == std::vector<std::string>{"id", "name", "email"});
}

RELATA_BACKEND_TEST("missing and unexpected columns make one mapping error listing all", "[raw_sql]") {
    relata_test::database test;
    auto& db = test.db;
    seed_raw_sql(db);
    const std::string message =
        error_of([&] { (void)relata::query<Tally>(db, "SELECT name, id AS extra, 1 AS more FROM author"); });
    CHECK(message.find("do not match Tally") != std::string::npos);
    CHECK(message.find("missing \"total\", \"author_name\", \"email\"") != std::string::npos);
    CHECK(message.find("unexpected \"name\", \"extra\", \"more\"") != std::string::npos);
    // Checked also when there is no row.
    REQUIRE_THROWS_AS(relata::query<Tally>(db, "SELECT name FROM author WHERE id < 0"), relata::mapping_error);
    // A column twice is unexpected the second time.
    const std::string twice = error_of([&] { (void)relata::query<Author>(db, "SELECT id, name, email, id FROM author"); });
    CHECK(twice.find("unexpected \"id\"") != std::string::npos);
    CHECK(twice.find("missing") == std::string::npos);
}

RELATA_BACKEND_TEST("NULL into a non-optional member is a mapping error naming the column", "[raw_sql]") {
    relata_test::database test;
    auto& db = test.db;
    seed_raw_sql(db);
    const std::string message = error_of([&] {
        (void)relata::query<Tally>(db, "SELECT 1 AS total, email AS author_name, email FROM author ORDER BY id");
    });
    CHECK(message.find("Tally::author_name") != std::string::npos);
    CHECK(message.find("column \"author_name\"") != std::string::npos);
    CHECK(message.find("NULL") != std::string::npos);
    REQUIRE_THROWS_AS(relata::query<std::tuple<std::string>>(db, "SELECT email FROM author"), relata::mapping_error);
    REQUIRE_THROWS_AS(relata::query<std::int64_t>(db, "SELECT NULL"), relata::mapping_error);
    CHECK_FALSE(relata::query<std::optional<std::int64_t>>(db, "SELECT NULL").front().has_value());
    // The connection is still usable after a mapping error part-way through a result.
    CHECK(relata::query<std::int64_t>(db, "SELECT COUNT(*) FROM author").front() == 3);
}

RELATA_BACKEND_TEST("relata::query reads tuples by position and single values", "[raw_sql]") {
    relata_test::database test;
    auto& db = test.db;
    seed_raw_sql(db);
    const auto pairs = relata::query<std::tuple<std::int64_t, std::string, std::optional<std::string>>>(
        db, "SELECT id, name, email FROM author WHERE name <> ? ORDER BY id", "Grace");
    REQUIRE(pairs.size() == 2);
    CHECK(std::get<1>(pairs[0]) == "Ada");
    CHECK(std::get<2>(pairs[1]) == std::nullopt);
    const std::string wrong = error_of([&] { (void)relata::query<std::tuple<std::int64_t, std::string>>(db, "SELECT id FROM author"); });
    CHECK(wrong.find("returns 1 column but the std::tuple has 2") != std::string::npos);
    const std::string single = error_of([&] { (void)relata::query<std::string>(db, "SELECT name, id FROM author"); });
    CHECK(single.find("returns 2 columns but a single value reads 1") != std::string::npos);
    CHECK(relata::query<double>(db, "SELECT CAST(? AS DOUBLE PRECISION) * 2", 1.25).front() == 2.5);
}

RELATA_BACKEND_TEST("relata::execute returns the affected rows", "[raw_sql]") {
    relata_test::database test;
    auto& db = test.db;
    seed_raw_sql(db);
    CHECK(relata::execute(db, "UPDATE author SET email = ? WHERE email IS NULL", "x@example.org") == 2);
    CHECK(relata::execute(db, "DELETE FROM author WHERE name = ?", "nobody") == 0);
    CHECK(relata::execute(db, "DELETE FROM author") == 3);
}

RELATA_BACKEND_TEST("relata::query at size: 1 and 100 thousand rows and 1000 placeholders", "[raw_sql]") {
    relata_test::database test;
    auto& db = test.db;
    const std::string series = relata_test::engine == relata::engine::sqlite
                                   ? "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) SELECT i FROM n"
                                   : "SELECT i::bigint FROM generate_series(1, ?::bigint) AS s(i)";
    CHECK(relata::query<std::int64_t>(db, series, 1).rows() == std::vector<std::int64_t>{1});
    const auto many = relata::query<std::int64_t>(db, series, 100'000);
    REQUIRE(many.size() == 100'000);
    CHECK(many.back() == 100'000);
    std::string in = "SELECT CASE WHEN 999 IN (?";
    std::vector<relata::value> values{std::int64_t{0}};
    for (std::int64_t i = 1; i < 1000; ++i) {
        in += ", ?";
        values.emplace_back(i);
    }
    in += ") THEN 1 ELSE 0 END";
    CHECK(relata_test::scalar(db, in, values) == 1);
    values.pop_back();
    REQUIRE_THROWS_AS(relata_test::scalar(db, in, values), relata::placeholder_error);
}

namespace raw_sql_test {
/// Generic code calls relata::query<Row> without `db.template query<Row>`.
template <class Connection>
std::int64_t author_count(Connection& db) {
    return relata::query<std::int64_t>(db, "SELECT COUNT(*) FROM author").front();
}
}  // namespace raw_sql_test

RELATA_BACKEND_TEST("relata::query in generic code", "[raw_sql]") {
    relata_test::database test;
    seed_raw_sql(test.db);
    CHECK(author_count(test.db) == 3);
}

#if defined(RELATA_TEST_BACKEND_POSTGRES)
RELATA_BACKEND_TEST("relata::query and relata::stream prepare again after DEALLOCATE ALL and DDL", "[raw_sql]") {
    relata_test::database test;
    auto& db = test.db;
    seed_raw_sql(db);
    const std::string sql = "SELECT id, name, email FROM author WHERE id = ?";
    CHECK(relata::query<Author>(db, sql, 1).size() == 1);
    db.execute_script("DEALLOCATE ALL");
    CHECK(relata::query<Author>(db, sql, 1).front().name == "Ada");
    db.execute_script("DEALLOCATE ALL");
    CHECK(std::ranges::distance(relata::stream<Author>(db, sql, 2)) == 1);
    const std::string star = "SELECT * FROM author WHERE id = ?";
    CHECK(relata::query<std::tuple<std::int64_t, std::string, std::optional<std::string>>>(db, star, 1).size() == 1);
    db.execute_script("ALTER TABLE author ADD COLUMN extra bigint");
    const auto wider = relata::query<std::tuple<std::int64_t, std::string, std::optional<std::string>, std::optional<std::int64_t>>>(db, star, 1);
    CHECK(wider.column_names().size() == 4);
}
#endif
