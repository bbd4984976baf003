// Hand-written SQL: `?` on both engines, numbered `$n` for PostgreSQL, never inside literals,
// quoted identifiers, comments or dollar quotes; other placeholder spellings are rejected.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "catch.hpp"

#include <relata/relata.hpp>

namespace {

using relata::engine;

std::string postgres(std::string_view sql) { return relata::rewrite_placeholders(sql, engine::postgresql).sql; }
std::size_t count(std::string_view sql, engine e) { return relata::rewrite_placeholders(sql, e).placeholders; }

/// The position a placeholder_error names, or 0 when none is thrown.
std::size_t rejected_at(std::string_view sql, engine e) {
    try {
        (void)relata::rewrite_placeholders(sql, e);
    } catch (const relata::placeholder_error& error) {
        return error.position();
    }
    return 0;
}

}  // namespace

TEST_CASE("? becomes $1..$n on PostgreSQL and stays ? on SQLite", "[placeholders]") {
    const std::string sql = "SELECT * FROM post WHERE votes > ? AND title = ? LIMIT ?";
    CHECK(postgres(sql) == "SELECT * FROM post WHERE votes > $1 AND title = $2 LIMIT $3");
    const auto lite = relata::rewrite_placeholders(sql, engine::sqlite);
    CHECK(lite.sql == sql);
    CHECK(lite.placeholders == 3);
    CHECK(postgres("?") == "$1");
    CHECK(postgres("VALUES (?,?)") == "VALUES ($1,$2)");
    CHECK(postgres("") == "");
    CHECK(count("SELECT 1", engine::postgresql) == 0);
}

TEST_CASE("? inside string literals is text", "[placeholders]") {
    CHECK(postgres("SELECT '?', ?") == "SELECT '?', $1");
    CHECK(postgres("SELECT 'it''s ?', ?") == "SELECT 'it''s ?', $1");
    CHECK(postgres("SELECT '''?''', ?") == "SELECT '''?''', $1");
    // E'...' takes backslash escapes: \' does not end it.
    CHECK(postgres(R"(SELECT E'a\'?', ?)") == R"(SELECT E'a\'?', $1)");
    CHECK(postgres(R"(SELECT e'\\', ?)") == R"(SELECT e'\\', $1)");
    // A plain literal does not (standard_conforming_strings): the backslash is a character.
    CHECK(postgres(R"(SELECT 'a\', ?)") == R"(SELECT 'a\', $1)");
    // Not an E prefix when E ends an identifier.
    CHECK(postgres(R"(SELECT name'\', ?)") == R"(SELECT name'\', $1)");
    CHECK(postgres("SELECT U&'d\\0061t?', B'101', X'1F', ?") == "SELECT U&'d\\0061t?', B'101', X'1F', $1");
    CHECK(count("SELECT '?''?' || ?", engine::sqlite) == 1);
    // Unterminated: runs to the end; the database reports it.
    CHECK(postgres("SELECT ?, 'open ?") == "SELECT $1, 'open ?");
}

TEST_CASE("? inside quoted identifiers is text", "[placeholders]") {
    CHECK(postgres(R"(SELECT "why?", "a""?" FROM t WHERE x = ?)") == R"(SELECT "why?", "a""?" FROM t WHERE x = $1)");
    CHECK(count(R"(SELECT "?" FROM t WHERE x = ?)", engine::sqlite) == 1);
    // SQLite's other identifier quotes.
    CHECK(count("SELECT [a?], `b?``?` FROM t WHERE x = ?", engine::sqlite) == 1);
    // On PostgreSQL brackets are array subscripts: a[?] is a placeholder.
    CHECK(postgres("SELECT a[?] FROM t") == "SELECT a[$1] FROM t");
}

TEST_CASE("? inside comments is text", "[placeholders]") {
    CHECK(postgres("SELECT ? -- why?\n, ?") == "SELECT $1 -- why?\n, $2");
    CHECK(postgres("SELECT ? -- why? no newline") == "SELECT $1 -- why? no newline");
    CHECK(postgres("SELECT /* ? */ ?") == "SELECT /* ? */ $1");
    // PostgreSQL nests block comments.
    CHECK(postgres("SELECT /* a /* ? */ still ? */ ?") == "SELECT /* a /* ? */ still ? */ $1");
    // SQLite does not: the first */ ends the comment.
    CHECK(count("SELECT /* a /* */ ?", engine::sqlite) == 1);
    CHECK(count("SELECT ? /* unterminated ?", engine::sqlite) == 1);
    // A single - or / is an operator.
    CHECK(postgres("SELECT ?-1, ?/2") == "SELECT $1-1, $2/2");
}

TEST_CASE("? inside dollar-quoted strings is text on PostgreSQL", "[placeholders]") {
    CHECK(postgres("SELECT $$?$$, ?") == "SELECT $$?$$, $1");
    CHECK(postgres("SELECT $tag$ it's $$ ? $ $tag$, ?") == "SELECT $tag$ it's $$ ? $ $tag$, $1");
    CHECK(postgres("DO $body$BEGIN PERFORM '?'; END$body$") == "DO $body$BEGIN PERFORM '?'; END$body$");
    CHECK(count("CREATE FUNCTION f() RETURNS int AS $f$ SELECT ? $f$ LANGUAGE sql", engine::postgresql) == 0);
    // $ inside an identifier opens nothing.
    CHECK(postgres("SELECT a$b, ? FROM t") == "SELECT a$b, $1 FROM t");
    CHECK(postgres("SELECT x$1, ?") == "SELECT x$1, $1");
}

TEST_CASE("PostgreSQL casts and operators around placeholders", "[placeholders]") {
    CHECK(postgres("SELECT ?::int, x::text, a[1:2] FROM t WHERE b @> ? AND c @ -5 < ?")
          == "SELECT $1::int, x::text, a[1:2] FROM t WHERE b @> $2 AND c @ -5 < $3");
    CHECK(postgres("SELECT f(a := ?)") == "SELECT f(a := $1)");
    CHECK(postgres("SELECT ? || 'x'") == "SELECT $1 || 'x'");
    // jsonb's ?, ?| and ?& cannot be written: every ? is a placeholder (use jsonb_exists...).
    CHECK(postgres("SELECT doc ?| array['a'] FROM t") == "SELECT doc $1| array['a'] FROM t");
    CHECK(postgres("SELECT doc ? 'a' FROM t") == "SELECT doc $1 'a' FROM t");
}

TEST_CASE("numbered and named placeholders are rejected, naming the position", "[placeholders]") {
    for (const engine e : {engine::sqlite, engine::postgresql}) {
        CHECK(rejected_at("SELECT * FROM t WHERE a = $1", e) == 27);
        CHECK(rejected_at("SELECT $12", e) == 8);
        CHECK(rejected_at("SELECT ?1", e) == 8);
        CHECK(rejected_at("SELECT ?, ?2", e) == 11);
        // Not inside literals or comments.
        CHECK(rejected_at("SELECT '$1', \"$2\" -- $3\n /* $4 */", e) == 0);
    }
    CHECK(rejected_at("SELECT $$ $1 $$", engine::postgresql) == 0);
    // SQLite's named forms; on PostgreSQL these are casts, slices and operators.
    CHECK(rejected_at("SELECT :name", engine::sqlite) == 8);
    CHECK(rejected_at("SELECT @name", engine::sqlite) == 8);
    CHECK(rejected_at("SELECT $name", engine::sqlite) == 8);
    CHECK(rejected_at("SELECT :1", engine::sqlite) == 8);
    CHECK(rejected_at("SELECT ':name', [@x], `$y`", engine::sqlite) == 0);
    CHECK(rejected_at("SELECT x::int, a[1:n] FROM t WHERE b @ c", engine::postgresql) == 0);

    try {
        (void)relata::rewrite_placeholders("SELECT * FROM t WHERE b = $2 AND a = $1", engine::sqlite);
        FAIL("no exception");
    } catch (const relata::placeholder_error& e) {
        const std::string what = e.what();
        CHECK(what.starts_with("relata: "));
        CHECK(what.find("`$2`") != std::string::npos);
        CHECK(what.find("position 27") != std::string::npos);
        CHECK(what.find("write `?`") != std::string::npos);
        CHECK(what.find("first appearance") != std::string::npos);
    }
    // A relata::error like every other.
    REQUIRE_THROWS_AS(relata::rewrite_placeholders("SELECT $1", engine::postgresql), relata::error);
}

TEST_CASE("the number of ? must match the number of arguments", "[placeholders]") {
    const auto q = relata::detail::hand_written_query("SELECT ? + ?", relata::postgres_dialect,
                                                        {std::int64_t{1}, std::int64_t{2}});
    CHECK(q.sql == "SELECT $1 + $2");
    CHECK(q.parameters.size() == 2);
    try {
        (void)relata::detail::hand_written_query("SELECT ? + ?", relata::sqlite_dialect, {std::int64_t{1}});
        FAIL("no exception");
    } catch (const relata::placeholder_error& e) {
        CHECK(e.position() == 0);
        CHECK(std::string(e.what()).find("2 `?` placeholders but 1 argument was given") != std::string::npos);
    }
    try {
        (void)relata::detail::hand_written_query("SELECT doc ?| array['a']", relata::postgres_dialect, {});
        FAIL("no exception");
    } catch (const relata::placeholder_error& e) {
        CHECK(std::string(e.what()).find("jsonb_exists_any") != std::string::npos);
    }
    REQUIRE_THROWS_AS(relata::detail::hand_written_query("SELECT 1", relata::sqlite_dialect, {std::int64_t{1}}),
                      relata::placeholder_error);
}

TEST_CASE("a million placeholders are numbered in order", "[placeholders]") {
    std::string sql = "SELECT ";
    for (int i = 0; i < 1'000'000; ++i) sql += i == 0 ? "?" : ",?";
    const auto rewritten = relata::rewrite_placeholders(sql, engine::postgresql);
    CHECK(rewritten.placeholders == 1'000'000);
    CHECK(rewritten.sql.starts_with("SELECT $1,$2,$3,"));
    CHECK(rewritten.sql.ends_with(",$999999,$1000000"));
}
