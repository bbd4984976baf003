// DDL from metadata, proved by behaviour on the real database: defaults, CHECK constraints,
// named / unique / partial indexes, ON UPDATE CASCADE, collision-free derived names (also past
// PostgreSQL's 63 bytes), and create_all failing when what it asked for is not there afterwards.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "backends.hpp"

namespace schema_ddl_behaviour {

struct Author {
    std::int64_t id = 0;
    std::string name;
};
RELATA_MODEL(Author, id, name)

struct Post {
    std::int64_t id = 0;
    std::int64_t author_id = 0;
    std::string title;
    std::string slug;
    int votes = 0;
    std::string status;
    std::optional<std::string> deleted_at;
    std::string created_at;
};
RELATA_MODEL(Post, id, author_id, title, slug, votes, status, deleted_at, created_at)

struct Tagging {
    std::int64_t author_id = 0;
    std::string tag;
};
RELATA_MODEL(Tagging, author_id, tag)

// The collision of issue 10: post.author_name and post_author.name.
struct CollisionPost {
    std::int64_t id = 0;
    std::string author_name;
};
RELATA_MODEL(CollisionPost, id, author_name)
struct CollisionPostAuthor {
    std::int64_t id = 0;
    std::string name;
};
RELATA_MODEL(CollisionPostAuthor, id, name)

// Tables whose index and foreign key names share their first 63 bytes (PostgreSQL keeps 63).
struct North {
    std::int64_t id = 0;
    std::int64_t sensor_id = 0;
};
RELATA_MODEL(North, id, sensor_id)
struct South {
    std::int64_t id = 0;
    std::int64_t sensor_id = 0;
};
RELATA_MODEL(South, id, sensor_id)

}  // namespace schema_ddl_behaviour

template <>
struct relata::mapping<schema_ddl_behaviour::Post> {
    using P = schema_ddl_behaviour::Post;
    static constexpr auto defaults = std::tuple{relata::default_value(&P::votes, 7), relata::default_value(&P::status, "it's new"),
                                                relata::default_sql(&P::created_at, "CURRENT_TIMESTAMP")};
    static constexpr auto checks =
        std::tuple{relata::check("votes >= 0"), relata::check("length(title) > 0").named("post_title_not_empty")};
    static constexpr auto indexes =
        std::tuple{relata::index(&P::title).named("post_title_lookup"), relata::unique_index(&P::slug).where("deleted_at IS NULL")};
    static constexpr auto foreign_keys = std::tuple{
        relata::references(&P::author_id, &schema_ddl_behaviour::Author::id).on_update(relata::cascade).on_delete(relata::cascade)};
};
template <>
struct relata::mapping<schema_ddl_behaviour::Tagging> {
    using T = schema_ddl_behaviour::Tagging;
    static constexpr auto primary_key = std::tuple{&T::author_id, &T::tag};
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&T::author_id, &schema_ddl_behaviour::Author::id).on_update(relata::cascade)};
};
template <>
struct relata::mapping<schema_ddl_behaviour::CollisionPost> {
    static constexpr auto table = "post";
    static constexpr auto indexes = std::tuple{relata::index(&schema_ddl_behaviour::CollisionPost::author_name)};
};
template <>
struct relata::mapping<schema_ddl_behaviour::CollisionPostAuthor> {
    static constexpr auto table = "post_author";
    static constexpr auto indexes = std::tuple{relata::index(&schema_ddl_behaviour::CollisionPostAuthor::name)};
};
template <>
struct relata::mapping<schema_ddl_behaviour::North> {
    static constexpr auto table = "telemetry_measurement_archive_for_regional_centre_north";
    static constexpr auto indexes = std::tuple{relata::index(&schema_ddl_behaviour::North::sensor_id)};
};
template <>
struct relata::mapping<schema_ddl_behaviour::South> {
    using S = schema_ddl_behaviour::South;
    static constexpr auto table = "telemetry_measurement_archive_for_regional_centre_south";
    static constexpr auto indexes = std::tuple{relata::index(&S::sensor_id)};
    static constexpr auto foreign_keys = std::tuple{relata::references(&S::sensor_id, &schema_ddl_behaviour::North::id)};
};

namespace schema_ddl_behaviour {

/// The first column of the first row of `sql` as text ("<none>" when there is no row).
template <class Connection>
std::string text_of(Connection& db, const std::string& sql, std::vector<relata::value> parameters = {}) {
    std::string text = "<none>";
    db.for_each_row(relata::detail::hand_written_query(sql, db.sql_dialect(), std::move(parameters)),
                    [&](const auto& row) { text = relata::detail::from_cell<std::string>(row.cell(0)); });
    return text;
}

/// The indexes on `table`, as `name(col, ...)` in name order (automatic ones left out).
template <class Connection>
std::vector<std::string> indexes_on(Connection& db, const std::string& table) {
    std::vector<std::string> indexes;
    const std::string sql =
        relata_test::engine == relata::engine::sqlite
            ? "SELECT l.name || '(' || (SELECT group_concat(i.name, ',') FROM pragma_index_info(l.name) AS i) || ')' "
              "FROM pragma_index_list(?) AS l WHERE l.origin = 'c' ORDER BY l.name"
            : "SELECT c.relname || '(' || (SELECT string_agg(a.attname, ',' ORDER BY k.n) "
              "FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, n) "
              "JOIN pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = k.attnum) || ')' "
              "FROM pg_index AS i JOIN pg_class AS c ON c.oid = i.indexrelid "
              "WHERE i.indrelid = to_regclass(quote_ident(?)) AND NOT i.indisprimary ORDER BY c.relname";
    db.for_each_row(relata::detail::hand_written_query(sql, db.sql_dialect(), {relata::value(table)}),
                    [&](const auto& row) { indexes.push_back(relata::detail::from_cell<std::string>(row.cell(0))); });
    return indexes;
}

}  // namespace schema_ddl_behaviour

RELATA_BACKEND_TEST("schema DDL: defaults, checks, partial unique index, ON UPDATE CASCADE", "[schema][schema_ddl]") {
    using namespace schema_ddl_behaviour;
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Tagging, Post, Author>(db);
    relata::create_all<Tagging, Post, Author>(db);  // idempotent, and the check afterwards passes again
    db.execute(R"(INSERT INTO "author" ("id", "name") VALUES (1, 'Ada'))");

    SECTION("a default is applied when the column is left out") {
        db.execute(R"(INSERT INTO "post" ("author_id", "title", "slug") VALUES (1, 't', 's'))");
        CHECK(relata_test::scalar(db, R"(SELECT "votes" FROM "post")") == 7);
        CHECK(text_of(db, R"(SELECT "status" FROM "post")") == "it's new");
        CHECK(text_of(db, R"(SELECT "created_at" FROM "post")").substr(0, 2) == "20");
        CHECK(relata_test::scalar(db, R"(SELECT COUNT(*) FROM "post" WHERE "deleted_at" IS NULL)") == 1);
    }
    SECTION("an insert violating a check fails with a check constraint_violation") {
        try {
            db.execute(R"(INSERT INTO "post" ("author_id", "title", "slug", "votes") VALUES (1, 't', 's', -1))");
            FAIL("the check accepted votes = -1");
        } catch (const relata::constraint_violation& e) {
            CHECK(e.kind() == relata::constraint_kind::check);
        }
        try {
            db.execute(R"(INSERT INTO "post" ("author_id", "title", "slug") VALUES (1, '', 's'))");
            FAIL("the check accepted an empty title");
        } catch (const relata::constraint_violation& e) {
            CHECK(e.kind() == relata::constraint_kind::check);
            CHECK(std::string(e.what()).find("post_title_not_empty") != std::string::npos);  // named as mapped
        }
        CHECK(relata_test::scalar(db, R"(SELECT COUNT(*) FROM "post")") == 0);
    }
    SECTION("a partial unique index allows duplicates outside its WHERE") {
        const std::string insert = R"(INSERT INTO "post" ("author_id", "title", "slug", "deleted_at") VALUES (1, 't', 'same', ?))";
        db.execute(insert, std::optional<std::string>("2024-01-01"));
        db.execute(insert, std::optional<std::string>("2024-01-02"));
        db.execute(insert, std::optional<std::string>());
        try {
            db.execute(insert, std::optional<std::string>());
            FAIL("the partial unique index accepted a second live row with the same slug");
        } catch (const relata::constraint_violation& e) {
            CHECK(e.kind() == relata::constraint_kind::unique);
        }
        CHECK(relata_test::scalar(db, R"(SELECT COUNT(*) FROM "post")") == 3);
    }
    SECTION("ON UPDATE CASCADE propagates a changed key; the composite key refuses duplicates") {
        db.execute(R"(INSERT INTO "post" ("author_id", "title", "slug") VALUES (1, 't', 's'))");
        db.execute(R"(INSERT INTO "tagging" ("author_id", "tag") VALUES (1, 'x'))");
        REQUIRE_THROWS_AS(db.execute(R"(INSERT INTO "tagging" ("author_id", "tag") VALUES (1, 'x'))"), relata::constraint_violation);
        db.execute(R"(UPDATE "author" SET "id" = 100 WHERE "id" = 1)");
        CHECK(relata_test::scalar(db, R"(SELECT "author_id" FROM "post")") == 100);
        CHECK(relata_test::scalar(db, R"(SELECT "author_id" FROM "tagging")") == 100);
        try {
            db.execute(R"(DELETE FROM "author")");
            FAIL("tagging's foreign key (no ON DELETE) accepted deleting its author");
        } catch (const relata::constraint_violation& e) {
            CHECK(e.kind() == relata::constraint_kind::foreign_key);
        }
        db.execute(R"(DELETE FROM "tagging")");
        db.execute(R"(DELETE FROM "author")");  // post's ON DELETE CASCADE
        CHECK(relata_test::scalar(db, R"(SELECT COUNT(*) FROM "post")") == 0);
    }
    SECTION("indexes exist under their names") {
        CHECK(indexes_on(db, "post") ==
              std::vector<std::string>{"post_slug_unique_idx_97dfc470(slug)", "post_title_lookup(title)"});
    }
}

RELATA_BACKEND_TEST("schema DDL: post.author_name and post_author.name get two indexes", "[schema][schema_ddl]") {
    using namespace schema_ddl_behaviour;
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<CollisionPost, CollisionPostAuthor>(db);
    CHECK(indexes_on(db, "post") == std::vector<std::string>{"post__author_name__idx(author_name)"});
    CHECK(indexes_on(db, "post_author") == std::vector<std::string>{"post_author__name__idx(name)"});
}

RELATA_BACKEND_TEST("schema DDL: create_all fails when an index of the same name has another definition",
                    "[schema][schema_ddl]") {
    using namespace schema_ddl_behaviour;
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<CollisionPost>(db);
    // What the old `<table>_<columns>_idx` names did: one name for two indexes.
    db.execute(R"(CREATE INDEX "post_author__name__idx" ON "post" ("author_name"))");
    try {
        relata::create_all<CollisionPost, CollisionPostAuthor>(db);
        FAIL("create_all kept an index of the same name on another table");
    } catch (const relata::schema_error& e) {
        const std::string message = e.what();
        CHECK(message.find(R"(index "post_author__name__idx" on "post_author" ("name") was not created: an existing )"
                           R"(index of that name is on "post" ("author_name"))") != std::string::npos);
    }
    // Rolled back: the table create_all made in the same transaction is gone.
    CHECK(indexes_on(db, "post_author").empty());
    CHECK(relata_test::scalar(db, relata_test::engine == relata::engine::sqlite
                                      ? "SELECT COUNT(*) FROM sqlite_master WHERE name = 'post_author'"
                                      : "SELECT COUNT(*) FROM pg_class WHERE oid = to_regclass('post_author')") == 0);
}

RELATA_BACKEND_TEST("schema DDL: create_all fails when an existing table lacks a requested constraint",
                    "[schema][schema_ddl]") {
    using namespace schema_ddl_behaviour;
    relata_test::database test;
    auto& db = test.db;
    db.execute(R"(CREATE TABLE "tagging" ("author_id" BIGINT NOT NULL, "tag" TEXT NOT NULL, PRIMARY KEY ("author_id", "tag")))");
    try {
        relata::create_all<Author, Tagging>(db);
        FAIL("create_all accepted a table without its foreign key");
    } catch (const relata::schema_error& e) {
        CHECK(std::string(e.what()).find(R"(FOREIGN KEY constraint "tagging__author_id__fkey" on "tagging" does not exist)") !=
              std::string::npos);
    }
}

// SQLite keeps constraint names only in the CREATE TABLE text, which a person may have written:
// the check reads it as SQLite does (any case, any quoting), and not inside strings or comments.
RELATA_BACKEND_TEST("schema DDL: a constraint written by hand in another case is found; one only in a string or comment is not",
                    "[schema][schema_ddl]") {
    using namespace schema_ddl_behaviour;
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Author>(db);
    SECTION("declared in upper case, unquoted, after a comment") {
        db.execute("CREATE TABLE tagging (\n"
                   "  author_id BIGINT NOT NULL, -- the author\n"
                   "  tag TEXT NOT NULL,\n"
                   "  PRIMARY KEY (author_id, tag),\n"
                   "  constraint TAGGING__AUTHOR_ID__FKEY Foreign Key (author_id) REFERENCES author (id) ON UPDATE CASCADE)");
        relata::create_all<Author, Tagging>(db);  // accepted as it is
        CHECK(relata_test::count_rows(db, "tagging") == 0);
    }
    SECTION("declared on the column, quoted with backquotes on SQLite") {
        const std::string name = relata_test::engine == relata::engine::sqlite ? "`tagging__author_id__fkey`"
                                                                                : "tagging__author_id__fkey";
        db.execute("CREATE TABLE tagging (author_id BIGINT NOT NULL CONSTRAINT " + name +
                   " REFERENCES author (id) ON UPDATE CASCADE, tag TEXT NOT NULL, PRIMARY KEY (author_id, tag))");
        relata::create_all<Author, Tagging>(db);
        CHECK(relata_test::count_rows(db, "tagging") == 0);
    }
    SECTION("named only inside a default string and a comment") {
        db.execute("CREATE TABLE tagging (\n"
                   "  author_id BIGINT NOT NULL /* CONSTRAINT tagging__author_id__fkey FOREIGN KEY */,\n"
                   "  tag TEXT NOT NULL DEFAULT 'CONSTRAINT \"tagging__author_id__fkey\" FOREIGN KEY',\n"
                   "  PRIMARY KEY (author_id, tag))");
        try {
            relata::create_all<Author, Tagging>(db);
            FAIL("create_all accepted a table without its foreign key");
        } catch (const relata::schema_error& e) {
            CHECK(std::string(e.what()).find(R"(FOREIGN KEY constraint "tagging__author_id__fkey" on "tagging" does not exist)") !=
                  std::string::npos);
        }
    }
}

RELATA_BACKEND_TEST("schema DDL: names past 63 bytes do not collide", "[schema][schema_ddl]") {
    using namespace schema_ddl_behaviour;
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<South, North>(db);
    const std::string north = "telemetry_measurement_archive_for_regional_centre_north";
    const std::string south = "telemetry_measurement_archive_for_regional_centre_south";
    CHECK(indexes_on(db, north) ==
          std::vector<std::string>{"telemetry_measurement_archive_for_regional_centre_nort_0c110ba4(sensor_id)"});
    CHECK(indexes_on(db, south) ==
          std::vector<std::string>{"telemetry_measurement_archive_for_regional_centre_sout_dde54016(sensor_id)"});
    db.execute("INSERT INTO \"" + north + "\" (\"id\", \"sensor_id\") VALUES (1, 5)");
    db.execute("INSERT INTO \"" + south + "\" (\"id\", \"sensor_id\") VALUES (1, 1)");
    try {
        db.execute("INSERT INTO \"" + south + "\" (\"id\", \"sensor_id\") VALUES (2, 2)");
        FAIL("the foreign key with a long name is missing");
    } catch (const relata::constraint_violation& e) {
        CHECK(e.kind() == relata::constraint_kind::foreign_key);
    }
}
