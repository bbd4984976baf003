// Composite primary keys and version columns without a database: reflection, DDL and the key
// conditions the Session writes, rendered for SQLite and PostgreSQL.
#include <cstdint>
#include <string>
#include <tuple>
#include <type_traits>

#include "catch.hpp"

#include <relata/relata.hpp>

namespace keys_test {

struct PlaylistTrack {
    std::int64_t playlist_id = 0;
    std::int32_t track_id = 0;
    std::string note;
};
RELATA_MODEL(PlaylistTrack, playlist_id, track_id, note)

// A key listed in another order than the members.
struct Grade {
    std::string course;
    std::int64_t student_id = 0;
    int score = 0;
};
RELATA_MODEL(Grade, course, student_id, score)

struct Document {
    std::int64_t id = 0;
    std::string body;
    std::int64_t version = 0;
};
RELATA_MODEL(Document, id, body, version)

}  // namespace keys_test

template <>
struct relata::mapping<keys_test::PlaylistTrack> {
    static constexpr auto primary_key = std::tuple{&keys_test::PlaylistTrack::playlist_id, &keys_test::PlaylistTrack::track_id};
};
template <>
struct relata::mapping<keys_test::Grade> {
    static constexpr auto primary_key = std::tuple{&keys_test::Grade::student_id, &keys_test::Grade::course};
    static constexpr bool generated_key = false;
};
template <>
struct relata::mapping<keys_test::Document> {
    static constexpr auto version = &keys_test::Document::version;
};

using keys_test::Document;
using keys_test::Grade;
using keys_test::PlaylistTrack;

TEST_CASE("composite primary key reflection", "[keys][reflection]") {
    static_assert(relata::detail::has_primary_key<PlaylistTrack>);
    static_assert(relata::detail::composite_key<PlaylistTrack>);
    static_assert(relata::detail::primary_key_size<PlaylistTrack> == 2);
    static_assert(relata::detail::primary_key_indexes<PlaylistTrack>[0] == 0);
    static_assert(relata::detail::primary_key_indexes<PlaylistTrack>[1] == 1);
    static_assert(std::is_same_v<relata::detail::primary_key_type<PlaylistTrack>, std::tuple<std::int64_t, std::int32_t>>);
    static_assert(!relata::detail::generated_key<PlaylistTrack>);  // composite keys are never generated
    static_assert(relata::detail::primary_key_indexes<Grade>[0] == 1);  // key order, not member order
    static_assert(relata::detail::primary_key_indexes<Grade>[1] == 0);
    static_assert(std::is_same_v<relata::detail::primary_key_type<Grade>, std::tuple<std::int64_t, std::string>>);
    // A single key keeps its member type.
    static_assert(relata::detail::primary_key_size<Document> == 1);
    static_assert(std::is_same_v<relata::detail::primary_key_type<Document>, std::int64_t>);
    static_assert(relata::detail::version_index<Document> == 2);
    static_assert(relata::detail::has_version<Document>);
    static_assert(!relata::detail::has_version<PlaylistTrack>);

    const PlaylistTrack row{.playlist_id = 1, .track_id = 3402, .note = "x"};
    CHECK(relata::detail::primary_key_of(row) == std::tuple<std::int64_t, std::int32_t>{1, 3402});
    CHECK(relata::detail::describe_key(row) == "(1, 3402)");
    CHECK(relata::detail::describe_key(Grade{.course = "math", .student_id = 7, .score = 1}) == "(7, 'math')");
    CHECK(relata::detail::describe_key(Document{.id = 42}) == "42");
    PlaylistTrack moved = row;
    relata::detail::set_primary_key(moved, {2, 7});
    CHECK(moved.playlist_id == 2);
    CHECK(moved.track_id == 7);
    CHECK(moved.note == "x");
}

TEST_CASE("CREATE TABLE with a composite primary key", "[keys][rendering][schema]") {
    CHECK(relata::create_table_sql<PlaylistTrack>(relata::sqlite_dialect).sql ==
          R"(CREATE TABLE IF NOT EXISTS "playlist_track" ("playlist_id" INTEGER NOT NULL, "track_id" INTEGER NOT NULL, )"
          R"("note" TEXT NOT NULL, PRIMARY KEY ("playlist_id", "track_id")))");
    CHECK(relata::create_table_sql<PlaylistTrack>(relata::postgres_dialect).sql ==
          R"(CREATE TABLE IF NOT EXISTS "playlist_track" ("playlist_id" BIGINT NOT NULL, "track_id" INTEGER NOT NULL, )"
          R"("note" TEXT NOT NULL, PRIMARY KEY ("playlist_id", "track_id")))");
    CHECK(relata::create_table_sql<Grade>(relata::postgres_dialect.with_naming(relata::naming::pascal_case)).sql ==
          R"(CREATE TABLE IF NOT EXISTS "Grade" ("Course" TEXT NOT NULL, "StudentId" BIGINT NOT NULL, )"
          R"("Score" INTEGER NOT NULL, PRIMARY KEY ("StudentId", "Course")))");
    // A version column is an ordinary integer column.
    CHECK(relata::create_table_sql<Document>(relata::sqlite_dialect).sql ==
          R"(CREATE TABLE IF NOT EXISTS "document" ("id" INTEGER PRIMARY KEY, "body" TEXT NOT NULL, "version" INTEGER NOT NULL))");
}

TEST_CASE("key conditions of a composite key", "[keys][rendering]") {
    const auto by_key = relata::condition<PlaylistTrack>(relata::detail::key_equals<PlaylistTrack>({1, 3402}));
    const auto sqlite = relata::to_sql(relata::remove<PlaylistTrack>().where(by_key), relata::sqlite_dialect);
    CHECK(sqlite.sql == R"(DELETE FROM "playlist_track" WHERE "playlist_id" = ? AND "track_id" = ?)");
    REQUIRE(sqlite.parameters.size() == 2);
    CHECK(sqlite.parameters[0] == relata::value(std::int64_t{1}));
    CHECK(sqlite.parameters[1] == relata::value(std::int64_t{3402}));
    CHECK(relata::to_sql(relata::select<PlaylistTrack>().where(by_key), relata::postgres_dialect).sql ==
          R"(SELECT "playlist_id", "track_id", "note" FROM "playlist_track" WHERE "playlist_id" = $1 AND "track_id" = $2)");

    const auto grade = relata::condition<Grade>(relata::detail::key_equals<Grade>({7, "math"}));
    const auto rendered = relata::to_sql(relata::select<Grade>().where(grade), relata::postgres_dialect);
    CHECK(rendered.sql == R"(SELECT "course", "student_id", "score" FROM "grade" WHERE "student_id" = $1 AND "course" = $2)");
    REQUIRE(rendered.parameters.size() == 2);
    CHECK(rendered.parameters[1] == relata::value(std::string("math")));
}

TEST_CASE("version condition", "[keys][rendering][version]") {
    const Document seen{.id = 5, .body = "b", .version = 3};
    const auto where = relata::condition<Document>(relata::detail::make_logical(
        relata::detail::node_kind::logical_and, relata::detail::key_equals<Document>(5), relata::detail::version_equals(seen)));
    const auto rendered = relata::to_sql(relata::remove<Document>().where(where), relata::postgres_dialect);
    CHECK(rendered.sql == R"(DELETE FROM "document" WHERE "id" = $1 AND "version" = $2)");
    REQUIRE(rendered.parameters.size() == 2);
    CHECK(rendered.parameters[1] == relata::value(std::int64_t{3}));
    CHECK(relata::detail::next_version(seen) == 4);
}
