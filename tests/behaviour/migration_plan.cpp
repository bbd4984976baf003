// Diff and plan (issue 10, item 4): relata::plan_migration compares models with the live
// database and relata::apply_plan applies the steps in one transaction. Every step kind on
// both engines where the engine has it; data (row counts and checksums) survives every
// non-destructive plan; destructive steps and renames only when named; a failing step leaves
// schema and data as they were; the SQLite rebuild keeps a foreign key pointing at the
// rebuilt table and its indexes.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <iterator>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <relata/schema/plan_migration.hpp>

#include "backends.hpp"
#include "two_connections.hpp"

namespace migration_plan_behaviour {

// ---- the blog, v1 ----
struct AuthorV1 {
    std::int64_t id = 0;
    std::string name;
};
RELATA_MODEL(AuthorV1, id, name)
struct PostV1 {
    std::int64_t id = 0;
    std::int64_t author_id = 0;
    std::string title;
    int score = 0;
    std::optional<std::string> note;
    std::string body;
    std::optional<std::string> legacy;
};
RELATA_MODEL(PostV1, id, author_id, title, score, note, body, legacy)
struct CommentV1 {
    std::int64_t id = 0;
    std::int64_t post_id = 0;
    std::string text;
};
RELATA_MODEL(CommentV1, id, post_id, text)
struct OldStats {
    std::int64_t id = 0;
    std::int64_t hits = 0;
};
RELATA_MODEL(OldStats, id, hits)

// ---- the blog, v2: every column and constraint change at once ----
struct PostV2 {
    std::int64_t id = 0;
    std::int64_t author_id = 0;
    std::string title;               // DEFAULT 'untitled', UNIQUE
    double score = 0;                // INTEGER -> double: a widening type change
    std::string note;                // nullable -> NOT NULL
    std::optional<std::string> body;  // NOT NULL -> nullable
    int votes = 0;                   // new, DEFAULT 0
    std::optional<std::string> summary;  // new, nullable
};
RELATA_MODEL(PostV2, id, author_id, title, score, note, body, votes, summary)
struct CommentV2 {
    std::int64_t id = 0;
    std::int64_t post_id = 0;
    std::string text;
};
RELATA_MODEL(CommentV2, id, post_id, text)
struct TagV2 {
    std::int64_t id = 0;
    std::int64_t post_id = 0;
    std::string name;
};
RELATA_MODEL(TagV2, id, post_id, name)

// ---- renames, added columns, changed indexes and drops without a rebuild ----
struct GadgetV1 {
    std::int64_t id = 0;
    std::string titel;
    std::optional<std::string> legacy;
};
RELATA_MODEL(GadgetV1, id, titel, legacy)
struct GadgetV2 {
    std::int64_t id = 0;
    std::string title;
    int size = 1;
};
RELATA_MODEL(GadgetV2, id, title, size)
struct Stats {
    std::int64_t id = 0;
    std::int64_t hits = 0;
};
RELATA_MODEL(Stats, id, hits)

}  // namespace migration_plan_behaviour

template <>
struct relata::mapping<migration_plan_behaviour::AuthorV1> {
    static constexpr auto table = "mp_author";
};
template <>
struct relata::mapping<migration_plan_behaviour::PostV1> {
    using P = migration_plan_behaviour::PostV1;
    static constexpr auto table = "mp_post";
    static constexpr auto indexes = std::tuple{relata::index(&P::title).named("mp_post_lookup")};
};
template <>
struct relata::mapping<migration_plan_behaviour::CommentV1> {
    using C = migration_plan_behaviour::CommentV1;
    static constexpr auto table = "mp_comment";
    static constexpr auto indexes = std::tuple{relata::index(&C::post_id)};
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&C::post_id, &migration_plan_behaviour::PostV1::id).on_delete(relata::cascade)};
};
template <>
struct relata::mapping<migration_plan_behaviour::OldStats> {
    static constexpr auto table = "mp_old_stats";
};
template <>
struct relata::mapping<migration_plan_behaviour::PostV2> {
    using P = migration_plan_behaviour::PostV2;
    static constexpr auto table = "mp_post";
    static constexpr auto defaults = std::tuple{relata::default_value(&P::title, "untitled"), relata::default_value(&P::votes, 0)};
    static constexpr auto unique = std::tuple{relata::unique(&P::title)};
    static constexpr auto indexes =
        std::tuple{relata::index(&P::title, &P::votes).named("mp_post_lookup"), relata::index(&P::votes)};
    static constexpr auto foreign_keys = std::tuple{relata::references(&P::author_id, &migration_plan_behaviour::AuthorV1::id)};
};
template <>
struct relata::mapping<migration_plan_behaviour::CommentV2> {
    using C = migration_plan_behaviour::CommentV2;
    static constexpr auto table = "mp_comment";
    static constexpr auto indexes = std::tuple{relata::index(&C::post_id)};
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&C::post_id, &migration_plan_behaviour::PostV2::id).on_delete(relata::cascade)};
};
template <>
struct relata::mapping<migration_plan_behaviour::TagV2> {
    using T = migration_plan_behaviour::TagV2;
    static constexpr auto table = "mp_tag";
    static constexpr auto indexes = std::tuple{relata::index(&T::name)};
    static constexpr auto foreign_keys = std::tuple{relata::references(&T::post_id, &migration_plan_behaviour::PostV2::id)};
};
template <>
struct relata::mapping<migration_plan_behaviour::GadgetV1> {
    using G = migration_plan_behaviour::GadgetV1;
    static constexpr auto table = "mp_gadget";
    static constexpr auto indexes = std::tuple{relata::index(&G::titel).named("mp_gadget_lookup")};
};
template <>
struct relata::mapping<migration_plan_behaviour::GadgetV2> {
    using G = migration_plan_behaviour::GadgetV2;
    static constexpr auto table = "mp_gadget";
    static constexpr auto defaults = std::tuple{relata::default_value(&G::size, 1)};
    static constexpr auto indexes = std::tuple{relata::index(&G::title, &G::size).named("mp_gadget_lookup")};
};
template <>
struct relata::mapping<migration_plan_behaviour::Stats> {
    static constexpr auto table = "mp_stats";
};

namespace migration_plan_behaviour {

constexpr int post_count = 3000;

template <class T>
std::string text_of(const T& value) {
    if constexpr (requires { value.has_value(); }) return value ? fmt::format("'{}'", *value) : std::string("NULL");
    else return fmt::format("{}", value);
}

/// Rows of `sql` as text, one string per row, hashed: the checksum of a table's content.
template <class Row, class Connection>
std::string checksum(Connection& db, const std::string& sql) {
    std::string text;
    for (const Row& row : relata::query<Row>(db, sql))
        std::apply([&](const auto&... cell) { ((text += fmt::format("{}|", text_of(cell))), ...); }, row),
            text += '\n';
    return relata::sql_checksum(text);
}

/// Posts as v1 and v2 both read them (score as an integer).
template <class Connection>
std::string posts_checksum(Connection& db) {
    return checksum<std::tuple<std::int64_t, std::int64_t, std::string, std::int64_t, std::optional<std::string>,
                               std::optional<std::string>>>(
        db, "SELECT id, author_id, title, CAST(score AS BIGINT), note, body FROM mp_post ORDER BY id");
}

template <class Connection>
std::string comments_checksum(Connection& db) {
    return checksum<std::tuple<std::int64_t, std::int64_t, std::string>>(db, "SELECT id, post_id, text FROM mp_comment ORDER BY id");
}

/// Blog v1 with 10 authors, post_count posts (author 11 for the first when `orphan`) and a
/// comment per post.
template <class Connection>
void create_blog_v1(Connection& db, bool orphan = false) {
    relata::create_all<AuthorV1, PostV1, CommentV1, OldStats>(db);
    relata::execute(db, "INSERT INTO mp_author (id, name) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) "
                        "SELECT i, 'author ' || i FROM n");
    relata::execute(db, fmt::format("INSERT INTO mp_post (id, author_id, title, score, note, body, legacy) "
                                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {}) "
                                    "SELECT i, CASE WHEN i = 1 AND {} THEN 11 ELSE i % 10 + 1 END, 'title ' || i, i * 7, "
                                    "'note ' || i, 'body ' || i, 'legacy ' || i FROM n",
                                    post_count, orphan ? "1 = 1" : "1 = 0"));
    relata::execute(db, fmt::format("INSERT INTO mp_comment (id, post_id, text) "
                                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {}) "
                                    "SELECT i, i, 'comment ' || i FROM n",
                                    post_count));
    relata::execute(db, "INSERT INTO mp_old_stats (id, hits) VALUES (1, 42)");
}

inline std::vector<relata::plan_step_kind> kinds_of(const relata::migration_plan& plan) {
    std::vector<relata::plan_step_kind> kinds;
    for (const auto& step : plan.steps) kinds.push_back(step.kind);
    return kinds;
}

inline bool has_withheld(const relata::migration_plan& plan, relata::plan_step_kind kind, const std::string& table,
                  const std::string& object) {
    return std::any_of(plan.not_applied.begin(), plan.not_applied.end(),
                       [&](const auto& w) { return w.kind == kind && w.table == table && w.object == object; });
}

}  // namespace migration_plan_behaviour

RELATA_BACKEND_TEST("plan_migration: blog v1 to v2 keeps every row, and verify_schema passes afterwards", "[migration_plan]") {
    using namespace migration_plan_behaviour;
    using kind = relata::plan_step_kind;
    relata_test::database test;
    auto& db = test.db;
    create_blog_v1(db);
    relata::execute(db, "CREATE INDEX mp_post_extra ON mp_post (body)");  // not the model's: kept (SQLite: recreated)
    relata::execute(db, "CREATE TABLE mp_audit (post_id BIGINT)");
    if (relata_test::engine == relata::engine::sqlite)  // a trigger on the rebuilt table is recreated
        relata::execute(db, "CREATE TRIGGER mp_post_audit AFTER UPDATE ON mp_post BEGIN INSERT INTO mp_audit VALUES (new.id); END");
    const std::string posts_before = posts_checksum(db);
    const std::string comments_before = comments_checksum(db);
    REQUIRE_FALSE(relata::schema_mismatches<AuthorV1, PostV2, CommentV2, TagV2>(db).empty());

    const relata::migration_plan plan = relata::plan_migration<AuthorV1, PostV2, CommentV2, TagV2>(db);
    const auto kinds = kinds_of(plan);
    const auto has = [&](kind k) { return std::find(kinds.begin(), kinds.end(), k) != kinds.end(); };
    CHECK(has(kind::create_table));
    CHECK(has(kind::add_index));
    if (relata_test::engine == relata::engine::sqlite) {
        // One rebuild of mp_post covers the type, nullability, default, UNIQUE and FOREIGN KEY changes.
        CHECK(std::count(kinds.begin(), kinds.end(), kind::rebuild_table) == 1);
        CHECK(kinds.back() == kind::foreign_key_check);
        CHECK_FALSE(has(kind::add_column));
    } else {
        for (const kind k : {kind::add_column, kind::alter_column_type, kind::set_not_null, kind::drop_not_null,
                             kind::set_default, kind::drop_index, kind::add_unique, kind::add_foreign_key})
            CHECK(has(k));
        CHECK_FALSE(has(kind::rebuild_table));
    }
    // Destructive changes are listed, not planned.
    CHECK(has_withheld(plan, kind::drop_column, "mp_post", "legacy"));
    CHECK(has_withheld(plan, kind::drop_table, "mp_old_stats", ""));
    CHECK(has_withheld(plan, kind::drop_table, "mp_audit", ""));
    CHECK_FALSE(has(kind::drop_column));
    CHECK_FALSE(has(kind::drop_table));
    const std::string script = plan.sql();
    CHECK(script.find("CREATE TABLE IF NOT EXISTS \"mp_tag\"") != std::string::npos);
    CHECK(script.find("-- not applied (destructive): drop column \"mp_post\".\"legacy\"") != std::string::npos);
    CHECK((script.find("PRAGMA foreign_keys = OFF") != std::string::npos) == (relata_test::engine == relata::engine::sqlite));

    relata::apply_plan(db, plan);

    CHECK(relata::schema_mismatches<AuthorV1, PostV2, CommentV2, TagV2>(db).empty());
    CHECK(relata_test::count_rows(db, "mp_post") == post_count);
    CHECK(relata_test::count_rows(db, "mp_comment") == post_count);
    CHECK(posts_checksum(db) == posts_before);
    CHECK(comments_checksum(db) == comments_before);
    CHECK(relata_test::scalar(db, "SELECT COUNT(*) FROM mp_post WHERE votes = 0 AND summary IS NULL") == post_count);
    CHECK(relata_test::scalar(db, "SELECT COUNT(*) FROM mp_post WHERE legacy = 'legacy ' || id") == post_count);
    CHECK(relata_test::scalar(db, "SELECT hits FROM mp_old_stats") == 42);
    // The new default, the new foreign key and the new UNIQUE constraint hold.
    relata::execute(db, "INSERT INTO mp_post (id, author_id, score, note) VALUES (?, 1, 1.5, 'n')", post_count + 1);
    CHECK(relata_test::scalar(db, "SELECT COUNT(*) FROM mp_post WHERE title = 'untitled' AND votes = 0") == 1);
    CHECK_THROWS_AS(relata::execute(db, "INSERT INTO mp_post (id, author_id, title, note) VALUES (?, 99, 'x', 'n')", post_count + 2),
                    relata::constraint_violation);
    CHECK_THROWS_AS(relata::execute(db, "INSERT INTO mp_post (id, author_id, title, note) VALUES (?, 1, 'title 5', 'n')",
                                    post_count + 3),
                    relata::constraint_violation);
    // The foreign key into the rebuilt table still holds and cascades (SQLite: foreign keys are on again).
    CHECK_THROWS_AS(relata::execute(db, "INSERT INTO mp_comment (id, post_id, text) VALUES (?, 999999, 'x')", post_count + 1),
                    relata::constraint_violation);
    relata::execute(db, "DELETE FROM mp_post WHERE id = 7");
    CHECK(relata_test::count_rows(db, "mp_comment") == post_count - 1);
    // Its indexes are there (the model's, under their names).
    const relata::schema live = relata::introspect(db);
    REQUIRE(live.find_table("mp_post") != nullptr);
    REQUIRE(live.find_table("mp_post")->find_index("mp_post_lookup") != nullptr);
    CHECK(live.find_table("mp_post")->find_index("mp_post_lookup")->columns == std::vector<std::string>{"title", "votes"});
    CHECK(live.find_table("mp_post")->find_index("mp_post_extra") != nullptr);
    if (relata_test::engine == relata::engine::sqlite) {
        relata::execute(db, "UPDATE mp_post SET votes = 1 WHERE id = 2");
        CHECK(relata_test::count_rows(db, "mp_audit") == 1);
    }
    REQUIRE(live.find_table("mp_comment") != nullptr);
    CHECK(live.find_table("mp_comment")->indexes.size() == 1);

    // Planning again finds nothing to do but lists the same destructive changes.
    const relata::migration_plan again = relata::plan_migration<AuthorV1, PostV2, CommentV2, TagV2>(db);
    CHECK(again.empty());
    CHECK(again.not_applied.size() == plan.not_applied.size());
}

RELATA_BACKEND_TEST("plan_migration: a foreign key with other actions than the model's is replaced, keeping the rows",
                    "[migration_plan]") {
    using namespace migration_plan_behaviour;
    using kind = relata::plan_step_kind;
    relata_test::database test;
    auto& db = test.db;
    const bool sqlite = relata_test::engine == relata::engine::sqlite;
    relata::create_all<AuthorV1, PostV1>(db);
    relata::execute(db, "INSERT INTO mp_author (id, name) VALUES (1, 'a')");
    relata::execute(db, "INSERT INTO mp_post (id, author_id, title, score, body) VALUES (1, 1, 't1', 1, 'b'), (2, 1, 't2', 2, 'b')");
    // mp_comment as an older version of the model made it: the key without ON DELETE CASCADE.
    relata::execute(db, "CREATE TABLE mp_comment (id INTEGER PRIMARY KEY, post_id BIGINT NOT NULL REFERENCES mp_post (id), "
                        "text TEXT NOT NULL)");
    relata::execute(db, "CREATE INDEX mp_comment__post_id__idx ON mp_comment (post_id)");
    relata::execute(db, "INSERT INTO mp_comment (id, post_id, text) VALUES (1, 1, 'c1'), (2, 1, 'c2'), (3, 2, 'c3')");
    const std::string before = comments_checksum(db);
    const auto found = relata::schema_mismatches<AuthorV1, PostV1, CommentV1>(db);
    REQUIRE(found.size() == 1);
    CHECK(found[0].kind == relata::mismatch_kind::foreign_key_action);

    const relata::migration_plan plan = relata::plan_migration<AuthorV1, PostV1, CommentV1>(db);
    if (sqlite) {
        CHECK(kinds_of(plan) == std::vector<kind>{kind::rebuild_table, kind::foreign_key_check});
    } else {
        CHECK(kinds_of(plan) == std::vector<kind>{kind::replace_foreign_key});
        REQUIRE(plan.steps.size() == 1);
        CHECK(plan.steps[0].description ==
              "change foreign key (\"post_id\") REFERENCES \"mp_post\" (\"id\") from ON DELETE NO ACTION ON UPDATE NO ACTION "
              "to ON DELETE CASCADE ON UPDATE NO ACTION on \"mp_comment\"");
        CHECK(plan.steps[0].sql.size() == 2);
    }
    // Deleting a commented post is refused before the plan, and cascades after it.
    CHECK_THROWS_AS(relata::execute(db, "DELETE FROM mp_post WHERE id = 2"), relata::constraint_violation);
    relata::apply_plan(db, plan);
    CHECK(relata::schema_mismatches<AuthorV1, PostV1, CommentV1>(db).empty());
    CHECK(comments_checksum(db) == before);
    relata::execute(db, "DELETE FROM mp_post WHERE id = 1");
    CHECK(relata_test::count_rows(db, "mp_comment") == 1);
    CHECK(relata::plan_migration<AuthorV1, PostV1, CommentV1>(db).empty());
}

RELATA_BACKEND_TEST("plan_migration: renames only when asked, drops only when named", "[migration_plan]") {
    using namespace migration_plan_behaviour;
    using kind = relata::plan_step_kind;
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<GadgetV1, OldStats>(db);
    relata::execute(db, "INSERT INTO mp_gadget (id, titel, legacy) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                        "WHERE i < 2000) SELECT i, 'gadget ' || i, 'old ' || i FROM n");
    relata::execute(db, "INSERT INTO mp_old_stats (id, hits) VALUES (1, 42), (2, 43)");

    // Not guessed: "title" is a new NOT NULL column without a default, which a table with rows refuses.
    try {
        (void)relata::plan_migration<GadgetV2, Stats>(db);
        FAIL("plan_migration accepted a NOT NULL column without a default on a table with rows");
    } catch (const relata::schema_error& e) {
        CHECK_THAT(e.what(), Catch::Matchers::Contains("\"mp_gadget\".\"title\" NOT NULL without a default"));
    }

    const auto renames =
        relata::plan_options{}.rename_column("mp_gadget", "titel", "title").rename_table("mp_old_stats", "mp_stats");
    const relata::migration_plan plan = relata::plan_migration<GadgetV2, Stats>(db, renames);
    CHECK(kinds_of(plan) ==
          std::vector<kind>{kind::rename_table, kind::rename_column, kind::add_column, kind::drop_index, kind::add_index});
    CHECK(has_withheld(plan, kind::drop_column, "mp_gadget", "legacy"));
    relata::apply_plan(db, plan);
    CHECK(relata::schema_mismatches<GadgetV2, Stats>(db).empty());
    CHECK(relata_test::scalar(db, "SELECT COUNT(*) FROM mp_gadget WHERE title = 'gadget ' || id AND size = 1 AND legacy = 'old ' || id") ==
          2000);
    CHECK(relata_test::scalar(db, "SELECT SUM(hits) FROM mp_stats") == 85);
    CHECK(relata::introspect(db).find_table("mp_gadget")->find_index("mp_gadget_lookup")->columns ==
          std::vector<std::string>{"title", "size"});

    // The same models without the options: nothing to rename any more, the drop still withheld.
    CHECK(relata::plan_migration<GadgetV2, Stats>(db).empty());

    // Named destructive steps are planned.
    relata::execute(db, "CREATE TABLE mp_scratch (id INTEGER PRIMARY KEY)");
    const relata::migration_plan drops =
        relata::plan_migration<GadgetV2, Stats>(db, relata::plan_options{}.allow_drop_column("mp_gadget", "legacy").allow_drop_table("mp_scratch"));
    CHECK(kinds_of(drops) == std::vector<kind>{kind::drop_column, kind::drop_table});
    CHECK(drops.not_applied.empty());
    relata::apply_plan(db, drops);
    CHECK(relata::introspect(db).find_table("mp_gadget")->find_column("legacy") == nullptr);
    CHECK(relata::introspect(db).find_table("mp_scratch") == nullptr);
    CHECK(relata_test::count_rows(db, "mp_gadget") == 2000);

    // A rename whose source is missing is refused.
    CHECK_THROWS_AS(relata::plan_migration<GadgetV2>(db, relata::plan_options{}.rename_column("mp_gadget", "nope", "other")),
                    relata::schema_error);
}

RELATA_BACKEND_TEST("apply_plan: a failing step leaves schema and data as they were", "[migration_plan]") {
    using namespace migration_plan_behaviour;
    relata_test::database test;
    auto& db = test.db;
    create_blog_v1(db, true);  // post 1 names author 11, which does not exist: the new foreign key fails
    const relata::schema before = relata::introspect(db);
    const std::string posts_before = posts_checksum(db);
    const std::string comments_before = comments_checksum(db);

    const relata::migration_plan plan = relata::plan_migration<AuthorV1, PostV2, CommentV2, TagV2>(db);
    REQUIRE(plan.steps.size() > 2);
    try {
        relata::apply_plan(db, plan);
        FAIL("apply_plan applied a foreign key that the rows violate");
    } catch (const relata::migration_error& e) {
        const relata::plan_step& failed = plan.steps.at(e.statement() - 1);
        CHECK(e.statement() > 1);  // steps ran before it (the new table first)
        CHECK(failed.kind == (relata_test::engine == relata::engine::sqlite ? relata::plan_step_kind::foreign_key_check
                                                                            : relata::plan_step_kind::add_foreign_key));
        CHECK_THAT(e.what(), Catch::Matchers::Contains(failed.description));
        CHECK_THAT(e.what(), Catch::Matchers::Contains("rolled back"));
        CHECK_THROWS_AS(std::rethrow_if_nested(e), relata::error);  // the database's (PostgreSQL) or the check's (SQLite)
    }
    CHECK(relata::introspect(db) == before);
    CHECK(posts_checksum(db) == posts_before);
    CHECK(comments_checksum(db) == comments_before);
    if (relata_test::engine == relata::engine::sqlite) CHECK(relata_test::scalar(db, "PRAGMA foreign_keys") == 1);

    // Once the row is fixed, the same plan applies.
    relata::execute(db, "UPDATE mp_post SET author_id = 1 WHERE id = 1");
    relata::apply_plan(db, relata::plan_migration<AuthorV1, PostV2, CommentV2, TagV2>(db));
    CHECK(relata::schema_mismatches<AuthorV1, PostV2, CommentV2, TagV2>(db).empty());
}

RELATA_BACKEND_TEST("plan_migration: a NOT NULL column without a default on an empty table", "[migration_plan]") {
    using namespace migration_plan_behaviour;
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<GadgetV1>(db);
    const relata::migration_plan plan = relata::plan_migration<GadgetV2>(db);
    // SQLite's ADD COLUMN refuses NOT NULL without a default even on an empty table: a rebuild.
    CHECK(plan.contains(relata_test::engine == relata::engine::sqlite ? relata::plan_step_kind::rebuild_table
                                                                      : relata::plan_step_kind::add_column));
    CHECK(has_withheld(plan, relata::plan_step_kind::drop_column, "mp_gadget", "titel"));
    relata::apply_plan(db, plan);
    CHECK(relata::schema_mismatches<GadgetV2>(db).empty());  // "titel", unmapped, is nullable now
    relata::execute(db, "INSERT INTO mp_gadget (id, title, size) VALUES (1, 'a', 2)");
    CHECK(relata_test::count_rows(db, "mp_gadget") == 1);
}

RELATA_BACKEND_TEST("plan_migration: a NOT NULL change over NULLs is refused, an empty database gets create steps", "[migration_plan]") {
    using namespace migration_plan_behaviour;
    relata_test::database test;
    auto& db = test.db;
    const relata::migration_plan fresh = relata::plan_migration<AuthorV1, PostV1, CommentV1>(db);
    CHECK(kinds_of(fresh) == std::vector<relata::plan_step_kind>{relata::plan_step_kind::create_table, relata::plan_step_kind::create_table,
                                                                 relata::plan_step_kind::add_index, relata::plan_step_kind::create_table,
                                                                 relata::plan_step_kind::add_index});
    relata::apply_plan(db, fresh);
    CHECK(relata::schema_mismatches<AuthorV1, PostV1, CommentV1>(db).empty());
    relata::execute(db, "INSERT INTO mp_author (id, name) VALUES (1, 'a')");
    relata::execute(db, "INSERT INTO mp_post (id, author_id, title, score, body) VALUES (1, 1, 't', 1, 'b')");
    try {
        (void)relata::plan_migration<AuthorV1, PostV2, CommentV2>(db);
        FAIL("plan_migration made a column holding NULL NOT NULL");
    } catch (const relata::schema_error& e) {
        CHECK_THAT(e.what(), Catch::Matchers::Contains("cannot make \"mp_post\".\"note\" NOT NULL"));
    }
}

#if defined(RELATA_TEST_BACKEND_SQLITE)
RELATA_BACKEND_TEST("apply_plan: a SQLite rebuild refuses to run inside a transaction", "[migration_plan]") {
    using namespace migration_plan_behaviour;
    relata_test::database test;
    auto& db = test.db;
    create_blog_v1(db);
    const relata::migration_plan plan = relata::plan_migration<AuthorV1, PostV2, CommentV2, TagV2>(db);
    relata::transaction tx(db);
    CHECK_THROWS_AS(relata::apply_plan(db, plan), relata::migration_error);
}
#endif

#if defined(RELATA_TEST_BACKEND_POSTGRES)
namespace migration_plan_behaviour {
struct Counter {
    std::int64_t id = 0;
    int hits = 0;
};
RELATA_MODEL(Counter, id, hits)
}  // namespace migration_plan_behaviour
template <>
struct relata::mapping<migration_plan_behaviour::Counter> {
    static constexpr auto table = "mp_counter";
};

RELATA_BACKEND_TEST("plan_migration: a narrowing type change only when allowed by name", "[migration_plan]") {
    using namespace migration_plan_behaviour;
    relata_test::database test;
    auto& db = test.db;
    db.execute_script("CREATE TABLE mp_counter (id BIGINT PRIMARY KEY, hits BIGINT NOT NULL)");
    relata::execute(db, "INSERT INTO mp_counter (id, hits) SELECT i, i * 3 FROM generate_series(1, 2000) AS i");
    const relata::migration_plan withheld = relata::plan_migration<Counter>(db);
    CHECK(withheld.empty());
    CHECK(has_withheld(withheld, relata::plan_step_kind::alter_column_type, "mp_counter", "hits"));
    const relata::migration_plan plan = relata::plan_migration<Counter>(db, relata::plan_options{}.allow_narrowing("mp_counter", "hits"));
    CHECK(kinds_of(plan) == std::vector<relata::plan_step_kind>{relata::plan_step_kind::alter_column_type});
    relata::apply_plan(db, plan);
    CHECK(relata::schema_mismatches<Counter>(db).empty());
    CHECK(relata_test::scalar(db, "SELECT SUM(hits) FROM mp_counter WHERE hits = id * 3") == 3 * 2000 * 2001 / 2);
}
#endif

namespace migration_plan_behaviour {
struct StatsV2 {
    std::int64_t id = 0;
    std::int64_t hits = 0;
    int visits = 0;  // new, DEFAULT 0: ADD COLUMN on both engines (no SQLite rebuild)
};
RELATA_MODEL(StatsV2, id, hits, visits)

}  // namespace migration_plan_behaviour
template <>
struct relata::mapping<migration_plan_behaviour::StatsV2> {
    using S = migration_plan_behaviour::StatsV2;
    static constexpr auto table = "mp_stats";
    static constexpr auto defaults = std::tuple{relata::default_value(&S::visits, 0)};
};

// Two deployments plan the same migration and apply it at the same moment. apply_plan runs one
// at a time (SQLite: BEGIN IMMEDIATE and the busy timeout; PostgreSQL: the advisory lock
// relata::migrate takes, for the transaction) and refuses a plan made against a schema that
// has changed since: one applies it; the other, planned against the old schema, applies
// nothing and says so. Without the check the second would run its stale steps (a SQLite table
// rebuild would even succeed a second time, copying the rows again).
RELATA_BACKEND_TEST("apply_plan: two appliers of one plan at once, one applies it, the other refuses its stale plan",
                    "[migration_plan][concurrency]") {
    using namespace migration_plan_behaviour;
    relata_test::two_connections appliers{"apply_plan"};
    relata::create_all<Stats>(appliers.first);
    relata::execute(appliers.first, "INSERT INTO mp_stats (id, hits) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT "
                                    "i + 1 FROM n WHERE i < 5000) SELECT i, i * 2 FROM n");
    const relata::migration_plan plans[2] = {relata::plan_migration<StatsV2>(appliers.first),
                                             relata::plan_migration<StatsV2>(appliers.second)};
    for (const relata::migration_plan& plan : plans)
        REQUIRE(kinds_of(plan) == std::vector<relata::plan_step_kind>{relata::plan_step_kind::add_column});

    relata_test::connection* connections[2] = {&appliers.first, &appliers.second};
    std::string outcomes[2];
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i)
        threads.emplace_back([&, i] {
            ++ready;
            while (ready.load() < 2) std::this_thread::yield();
            try {
                relata::apply_plan(*connections[i], plans[i]);
                outcomes[i] = "applied";
            } catch (const relata::migration_error& e) {
                outcomes[i] = e.what();
            } catch (const std::exception& e) {
                outcomes[i] = std::string("unexpected exception: ") + e.what();
            }
        });
    for (std::thread& t : threads) t.join();
    fmt::print("{}: two appliers: [{}] and [{}]\n", RELATA_TEST_BACKEND_NAME, outcomes[0], outcomes[1]);

    const int applied = static_cast<int>(std::count(std::begin(outcomes), std::end(outcomes), std::string("applied")));
    CHECK(applied == 1);
    const std::string& failure = outcomes[0] == "applied" ? outcomes[1] : outcomes[0];
    CHECK_THAT(failure, Catch::Matchers::Contains("no longer the one the plan was made against") &&
                            Catch::Matchers::Contains("nothing was applied"));
    for (relata_test::connection* db : connections) {
        CHECK(relata::plan_migration<StatsV2>(*db).empty());
        CHECK(relata::schema_mismatches<StatsV2>(*db).empty());
    }
    CHECK(relata_test::scalar(appliers.first, "SELECT count(*) FROM mp_stats WHERE hits = id * 2 AND visits = 0") == 5000);
}

RELATA_BACKEND_TEST("apply_plan: a plan made before the schema changed is refused, and nothing is applied", "[migration_plan]") {
    using namespace migration_plan_behaviour;
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Stats>(db);
    const relata::migration_plan plan = relata::plan_migration<StatsV2>(db);
    REQUIRE(plan.planned_against.has_value());
    db.execute_script("CREATE TABLE mp_unrelated (id INTEGER PRIMARY KEY)");  // any schema change makes it stale
    const relata::schema before = relata::introspect(db);
    CHECK_THROWS_AS(relata::apply_plan(db, plan), relata::migration_error);
    CHECK(relata::introspect(db) == before);
    // A plan put together by hand carries no schema and is applied as it is.
    relata::migration_plan by_hand = plan;
    by_hand.planned_against.reset();
    relata::apply_plan(db, by_hand);
    CHECK(relata::schema_mismatches<StatsV2>(db).empty());
}
