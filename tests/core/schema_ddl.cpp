// Golden DDL for defaults, CHECK constraints, named / unique / partial indexes, and the names
// relata derives for indexes and constraints (no collisions, at most 63 bytes). Hashes in the
// expected names were computed independently (Python, 32-bit FNV-1a over the same bytes).
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "catch.hpp"

#include <relata/relata.hpp>

namespace schema_ddl_core {

struct Account {
    std::int64_t id = 0;
    std::string email;
    int votes = 0;
    double ratio = 0;
    bool active = false;
    std::string motto;
    std::optional<std::string> deleted_at;
    std::string created_at;
};
RELATA_MODEL(Account, id, email, votes, ratio, active, motto, deleted_at, created_at)

// The collision of the issue: post.author_name and post_author.name.
struct Post {
    std::int64_t id = 0;
    std::string author_name;
};
RELATA_MODEL(Post, id, author_name)
struct PostAuthor {
    std::int64_t id = 0;
    std::string name;
};
RELATA_MODEL(PostAuthor, id, name)

// Two tables whose index names share their first 63 bytes.
struct TelemetryNorth {
    std::int64_t id = 0;
    std::int64_t sensor_id = 0;
};
RELATA_MODEL(TelemetryNorth, id, sensor_id)
struct TelemetrySouth {
    std::int64_t id = 0;
    std::int64_t sensor_id = 0;
};
RELATA_MODEL(TelemetrySouth, id, sensor_id)

// A table name PostgreSQL would cut (68 bytes).
struct TelemetryMeasurementArchiveForRegionalDistributionCentreNorth {
    std::int64_t id = 0;
};
RELATA_MODEL(TelemetryMeasurementArchiveForRegionalDistributionCentreNorth, id)

// Column names that would make a `__`-joined name ambiguous.
struct Tag {
    std::int64_t id = 0;
    std::string _hidden;
    std::string a__b;
};
RELATA_MODEL(Tag, id, _hidden, a__b)

// Index names of exactly 63 and 64 bytes.
struct AtLimit {
    std::int64_t id = 0;
    std::int64_t v = 0;
};
RELATA_MODEL(AtLimit, id, v)
struct OverLimit {
    std::int64_t id = 0;
    std::int64_t v = 0;
};
RELATA_MODEL(OverLimit, id, v)

struct NotANumber {
    std::int64_t id = 0;
    double value = 0;
};
RELATA_MODEL(NotANumber, id, value)

struct NamedTooLong {
    std::int64_t id = 0;
    std::int64_t value = 0;
};
RELATA_MODEL(NamedTooLong, id, value)

}  // namespace schema_ddl_core

template <>
struct relata::mapping<schema_ddl_core::Account> {
    using A = schema_ddl_core::Account;
    static constexpr auto defaults =
        std::tuple{relata::default_value(&A::votes, -3), relata::default_value(&A::ratio, 0.5),
                   relata::default_value(&A::active, true), relata::default_value(&A::motto, "it's a\\b"),
                   relata::default_sql(&A::created_at, "CURRENT_TIMESTAMP")};
    static constexpr auto checks =
        std::tuple{relata::check("votes >= -10"), relata::check("ratio <= 1").named("account_ratio_at_most_one")};
    static constexpr auto indexes =
        std::tuple{relata::index(&A::email).named("account_email_lookup"),
                   relata::unique_index(&A::email).where("deleted_at IS NULL"), relata::index(&A::votes, &A::ratio),
                   relata::unique_index(&A::motto)};
};
template <>
struct relata::mapping<schema_ddl_core::Post> {
    static constexpr auto indexes = std::tuple{relata::index(&schema_ddl_core::Post::author_name)};
};
template <>
struct relata::mapping<schema_ddl_core::PostAuthor> {
    static constexpr auto indexes = std::tuple{relata::index(&schema_ddl_core::PostAuthor::name)};
};
template <>
struct relata::mapping<schema_ddl_core::TelemetryNorth> {
    static constexpr auto table = "telemetry_measurement_archive_for_regional_centre_north";
    static constexpr auto indexes = std::tuple{relata::index(&schema_ddl_core::TelemetryNorth::sensor_id)};
};
template <>
struct relata::mapping<schema_ddl_core::TelemetrySouth> {
    using T = schema_ddl_core::TelemetrySouth;
    static constexpr auto table = "telemetry_measurement_archive_for_regional_centre_south";
    static constexpr auto indexes = std::tuple{relata::index(&T::sensor_id)};
    static constexpr auto foreign_keys = std::tuple{relata::references(&T::sensor_id, &schema_ddl_core::TelemetryNorth::id)};
};
template <>
struct relata::mapping<schema_ddl_core::Tag> {
    static constexpr auto indexes =
        std::tuple{relata::index(&schema_ddl_core::Tag::_hidden), relata::index(&schema_ddl_core::Tag::a__b)};
};
template <>
struct relata::mapping<schema_ddl_core::AtLimit> {
    static constexpr auto table = "ttttttttttttttttttttttttttttttttttttttttttttttttttttttt";  // 55 bytes
    static constexpr auto indexes = std::tuple{relata::index(&schema_ddl_core::AtLimit::v)};
};
template <>
struct relata::mapping<schema_ddl_core::OverLimit> {
    static constexpr auto table = "tttttttttttttttttttttttttttttttttttttttttttttttttttttttt";  // 56 bytes
    static constexpr auto indexes = std::tuple{relata::index(&schema_ddl_core::OverLimit::v)};
};
template <>
struct relata::mapping<schema_ddl_core::NotANumber> {
    static constexpr auto defaults =
        std::tuple{relata::default_value(&schema_ddl_core::NotANumber::value, std::numeric_limits<double>::quiet_NaN())};
};
template <>
struct relata::mapping<schema_ddl_core::NamedTooLong> {
    static constexpr auto indexes = std::tuple{relata::index(&schema_ddl_core::NamedTooLong::value).named(
        "a_name_of_sixty_four_bytes_which_postgresql_would_cut_at_63_xxxx")};
};

TEST_CASE("CREATE TABLE with defaults and CHECK constraints", "[rendering][schema][schema_ddl]") {
    using schema_ddl_core::Account;
    CHECK(relata::create_table_sql<Account>(relata::sqlite_dialect).sql ==
          R"(CREATE TABLE IF NOT EXISTS "account" ("id" INTEGER PRIMARY KEY, "email" TEXT NOT NULL, )"
          R"("votes" INTEGER NOT NULL DEFAULT -3, "ratio" REAL NOT NULL DEFAULT 0.5, )"
          R"("active" INTEGER NOT NULL DEFAULT TRUE, "motto" TEXT NOT NULL DEFAULT 'it''s a\b', "deleted_at" TEXT, )"
          R"("created_at" TEXT NOT NULL DEFAULT (CURRENT_TIMESTAMP), )"
          R"(CONSTRAINT "account_check_375ffb53" CHECK (votes >= -10), )"
          R"(CONSTRAINT "account_ratio_at_most_one" CHECK (ratio <= 1)))");
    CHECK(relata::create_table_sql<Account>(relata::postgres_dialect).sql ==
          R"(CREATE TABLE IF NOT EXISTS "account" ("id" BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, )"
          R"("email" TEXT NOT NULL, "votes" INTEGER NOT NULL DEFAULT -3, "ratio" DOUBLE PRECISION NOT NULL DEFAULT 0.5, )"
          R"("active" BOOLEAN NOT NULL DEFAULT TRUE, "motto" TEXT NOT NULL DEFAULT E'it''s a\\b', "deleted_at" TEXT, )"
          R"("created_at" TEXT NOT NULL DEFAULT (CURRENT_TIMESTAMP), )"
          R"(CONSTRAINT "account_check_375ffb53" CHECK (votes >= -10), )"
          R"(CONSTRAINT "account_ratio_at_most_one" CHECK (ratio <= 1)))");
    CHECK(relata::create_table_sql<Account>(relata::postgres_dialect).parameters.empty());
}

TEST_CASE("a default with no SQL literal is refused", "[rendering][schema][schema_ddl]") {
    REQUIRE_THROWS_AS(relata::create_table_sql<schema_ddl_core::NotANumber>(relata::sqlite_dialect), relata::mapping_error);
}

TEST_CASE("named, unique and partial indexes", "[rendering][schema][schema_ddl]") {
    for (const relata::dialect& d : {relata::sqlite_dialect, relata::postgres_dialect}) {
        const auto statements = relata::create_index_sql<schema_ddl_core::Account>(d);
        REQUIRE(statements.size() == 4);
        CHECK(statements[0].sql == R"(CREATE INDEX IF NOT EXISTS "account_email_lookup" ON "account" ("email"))");
        CHECK(statements[1].sql == R"(CREATE UNIQUE INDEX IF NOT EXISTS "account_email_unique_idx_87dc68be" )"
                                   R"(ON "account" ("email") WHERE deleted_at IS NULL)");
        CHECK(statements[2].sql ==
              R"(CREATE INDEX IF NOT EXISTS "account__votes__ratio__idx" ON "account" ("votes", "ratio"))");
        CHECK(statements[3].sql == R"(CREATE UNIQUE INDEX IF NOT EXISTS "account__motto__unique_idx" ON "account" ("motto"))");
    }
}

TEST_CASE("derived names do not collide", "[rendering][schema][schema_ddl]") {
    const relata::dialect& d = relata::postgres_dialect;
    SECTION("post.author_name and post_author.name") {
        CHECK(relata::create_index_sql<schema_ddl_core::Post>(d)[0].sql ==
              R"(CREATE INDEX IF NOT EXISTS "post__author_name__idx" ON "post" ("author_name"))");
        CHECK(relata::create_index_sql<schema_ddl_core::PostAuthor>(d)[0].sql ==
              R"(CREATE INDEX IF NOT EXISTS "post_author__name__idx" ON "post_author" ("name"))");
    }
    SECTION("names longer than 63 bytes get a hash of the whole name") {
        CHECK(relata::create_index_sql<schema_ddl_core::TelemetryNorth>(d)[0].sql ==
              R"(CREATE INDEX IF NOT EXISTS "telemetry_measurement_archive_for_regional_centre_nort_0c110ba4" )"
              R"(ON "telemetry_measurement_archive_for_regional_centre_north" ("sensor_id"))");
        CHECK(relata::create_index_sql<schema_ddl_core::TelemetrySouth>(d)[0].sql ==
              R"(CREATE INDEX IF NOT EXISTS "telemetry_measurement_archive_for_regional_centre_sout_dde54016" )"
              R"(ON "telemetry_measurement_archive_for_regional_centre_south" ("sensor_id"))");
        const std::string table = relata::create_table_sql<schema_ddl_core::TelemetrySouth>(d).sql;
        CHECK(table.find(R"(CONSTRAINT "telemetry_measurement_archive_for_regional_centre_sout_9751520e" FOREIGN KEY)") !=
              std::string::npos);
    }
    SECTION("a plain name of 63 bytes stays plain; one of 64 is hashed to 63") {
        const std::string at = relata::create_index_sql<schema_ddl_core::AtLimit>(d)[0].sql;
        CHECK(at.find(R"("ttttttttttttttttttttttttttttttttttttttttttttttttttttttt__v__idx")") != std::string::npos);
        const std::string over = relata::create_index_sql<schema_ddl_core::OverLimit>(d)[0].sql;
        CHECK(over.find(R"("tttttttttttttttttttttttttttttttttttttttttttttttttttttt_89894161")") != std::string::npos);
    }
    SECTION("a table name over 63 bytes is refused on PostgreSQL, kept on SQLite") {
        using schema_ddl_core::TelemetryMeasurementArchiveForRegionalDistributionCentreNorth;
        REQUIRE_THROWS_AS(relata::create_table_sql<TelemetryMeasurementArchiveForRegionalDistributionCentreNorth>(d),
                          relata::schema_error);
        CHECK_NOTHROW(relata::create_table_sql<TelemetryMeasurementArchiveForRegionalDistributionCentreNorth>(
            relata::sqlite_dialect));
    }
    SECTION("parts that contain `__` or start or end with `_` are hashed") {
        const auto statements = relata::create_index_sql<schema_ddl_core::Tag>(d);
        CHECK(statements[0].sql == R"(CREATE INDEX IF NOT EXISTS "tag__hidden_idx_1798fe28" ON "tag" ("_hidden"))");
        CHECK(statements[1].sql == R"(CREATE INDEX IF NOT EXISTS "tag_a__b_idx_70da07d0" ON "tag" ("a__b"))");
    }
    SECTION("a given name over 63 bytes is refused on PostgreSQL, kept on SQLite") {
        REQUIRE_THROWS_AS(relata::create_index_sql<schema_ddl_core::NamedTooLong>(d), relata::schema_error);
        CHECK(relata::create_index_sql<schema_ddl_core::NamedTooLong>(relata::sqlite_dialect).size() == 1);
    }
}
