// The README's guide code, part 2: schema, raw SQL, streaming, the Session, transactions,
// migrations, connections, introspection. Regions between `// [snippet:name]` and
// `// [end-snippet]` are ```cpp blocks of README.md or docs/*.md (cmake/check_doc_snippets.cmake,
// CTest docs.snippets); the test cases run them and check what the guide says. SQLite in memory.
#include <algorithm>
#include <filesystem>
#include <thread>
#include <chrono>
#include <cstdint>
#include <optional>
#include <ranges>
#include <span>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/core.h>

#include "catch.hpp"

#include <relata/pool.hpp>
#include <relata/relata.hpp>
#include <relata/retry.hpp>
#include <relata/schema/plan_migration.hpp>
#include <relata/sqlite.hpp>
#if defined(RELATA_DOCS_WITH_POSTGRES)
#include <relata/postgres.hpp>
#endif

#include "../../examples/chinook/models.hpp"

// The guide shows queries as expressions; as statements their (nodiscard) values are unused.
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wunused-result"
#pragma clang diagnostic ignored "-Wunused-value"
#elif defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wunused-result"
#pragma GCC diagnostic ignored "-Wunused-value"
#endif

// ---- Schema: create_all with a full mapping ----------------------------------------------------
// The guide's `blog` of this part has more members than the quickstart's (another translation
// unit): its own namespace, named `blog` here only.
namespace guide_schema_blog {
struct Author { std::int64_t id = 0; std::string name; };
struct Post {
    std::int64_t id = 0;
    std::int64_t author_id = 0;
    std::string title;
    std::string slug;
    int votes = 0;
    std::string status;
    std::optional<std::string> deleted_at;
    std::chrono::sys_seconds created_at{};
    std::chrono::sys_seconds updated_at{};
};
RELATA_MODEL(Author, id, name)
RELATA_MODEL(Post, id, author_id, title, slug, votes, status, deleted_at, created_at, updated_at)
}  // namespace guide_schema_blog
namespace blog = guide_schema_blog;

// [snippet:schema-mapping]
template <> struct relata::mapping<blog::Post> {
    using P = blog::Post;
    static constexpr auto defaults = std::tuple{relata::default_value(&P::votes, 0),
                                                relata::default_value(&P::status, "draft"),
                                                relata::default_sql(&P::created_at, "CURRENT_TIMESTAMP")};
    static constexpr auto checks = std::tuple{relata::check("votes >= 0")};
    static constexpr auto indexes = std::tuple{relata::index(&P::title).named("post_title_lookup"),
                                               relata::unique_index(&P::slug).where("deleted_at IS NULL")};
    static constexpr auto foreign_keys = std::tuple{
        relata::references(&P::author_id, &blog::Author::id).on_delete(relata::cascade).on_update(relata::cascade)};
};
// [end-snippet]

namespace {
std::vector<std::int64_t> audited;   // what the hooks below record
std::chrono::sys_seconds now() { return std::chrono::sys_seconds{std::chrono::seconds{1'700'000'000}}; }
void audit(std::int64_t id) { audited.push_back(id); }
}  // namespace

// [snippet:session-hooks]
template <> struct relata::hooks<blog::Post> {
    static void before_insert(blog::Post& p) { p.created_at = p.updated_at = now(); }
    static void before_update(blog::Post& p) { p.updated_at = now(); }   // only for changed objects
    static void before_delete(const blog::Post& p) { audit(p.id); }
    static void after_load(blog::Post&) { /* what it sets counts as loaded state */ }
};
// [end-snippet]

TEST_CASE("guide: create_all emits the mapping's defaults, checks, indexes and foreign keys", "[docs]") {
    auto db = relata::sqlite::connect(":memory:");
    std::vector<std::string> statements;
    db.on_sql([&](std::string_view sql) { statements.emplace_back(sql); });
    // [snippet:schema-create]
    relata::create_all<blog::Author, blog::Post>(db);
    // CREATE TABLE IF NOT EXISTS "post" ("id" INTEGER PRIMARY KEY, "author_id" INTEGER NOT NULL,
    //   "title" TEXT NOT NULL, "slug" TEXT NOT NULL, "votes" INTEGER NOT NULL DEFAULT 0,
    //   "status" TEXT NOT NULL DEFAULT 'draft', "deleted_at" TEXT,
    //   "created_at" TEXT NOT NULL DEFAULT (CURRENT_TIMESTAMP),
    //   CONSTRAINT "post_check_<hash>" CHECK (votes >= 0),
    //   CONSTRAINT "post__author_id__fkey" FOREIGN KEY ("author_id") REFERENCES "author" ("id")
    //     ON DELETE CASCADE ON UPDATE CASCADE)                  -- SQLite; PostgreSQL: BIGINT ... IDENTITY
    // CREATE INDEX IF NOT EXISTS "post_title_lookup" ON "post" ("title")
    // CREATE UNIQUE INDEX IF NOT EXISTS "post_slug_unique_idx_<hash>" ON "post" ("slug") WHERE deleted_at IS NULL
    // [end-snippet]
    std::string all;
    for (const std::string& sql : statements) all += sql + "\n";
    CHECK(all.find(R"("votes" INTEGER NOT NULL DEFAULT 0)") != std::string::npos);
    CHECK(all.find(R"("status" TEXT NOT NULL DEFAULT 'draft')") != std::string::npos);
    CHECK(all.find(R"("created_at" TEXT NOT NULL DEFAULT (CURRENT_TIMESTAMP))") != std::string::npos);
    CHECK(all.find(R"(CHECK (votes >= 0))") != std::string::npos);
    CHECK(all.find(R"(CONSTRAINT "post__author_id__fkey" FOREIGN KEY ("author_id") REFERENCES "author" ("id") ON DELETE CASCADE ON UPDATE CASCADE)") != std::string::npos);
    CHECK(all.find(R"(CREATE INDEX IF NOT EXISTS "post_title_lookup" ON "post" ("title"))") != std::string::npos);
    CHECK(all.find(R"(("slug") WHERE deleted_at IS NULL)") != std::string::npos);

    // The hooks: timestamps at insert and update, the audit at delete.
    relata::session session{db};
    auto& author = session.add(blog::Author{.name = "Ada"});
    session.flush();
    auto& post = session.add(blog::Post{.author_id = author.id, .title = "t", .slug = "s", .status = "draft"});
    session.commit();
    CHECK(post.created_at == now());
    CHECK(post.updated_at == now());
    audited.clear();
    session.remove(post);
    session.commit();
    CHECK(audited.size() == 1);
}

// ---- Hand-written SQL and streaming -----------------------------------------------------------
// [snippet:raw-sql-model]
#include <relata/relata.hpp>   // relata::query, relata::execute, relata::stream

struct TopCustomer { std::string name; std::int64_t total = 0; };   // not a table
RELATA_MODEL(TopCustomer, name, total)

// [end-snippet]

namespace guide_raw_sql {
auto shop_database() {
    auto db = relata::sqlite::connect(":memory:");
    db.execute("CREATE TABLE customer (customer_id INTEGER PRIMARY KEY, last_name TEXT NOT NULL, country TEXT NOT NULL)");
    db.execute("CREATE TABLE invoice (invoice_id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL)");
    db.execute("CREATE TABLE track (track_id INTEGER PRIMARY KEY, name TEXT NOT NULL, unit_price NUMERIC NOT NULL)");
    db.execute("CREATE TABLE post (id INTEGER PRIMARY KEY, votes INTEGER NOT NULL)");
    db.execute("INSERT INTO customer VALUES (1, 'Smith', 'USA'), (2, 'Jones', 'USA'), (3, 'Brown', 'Canada')");
    db.execute("INSERT INTO invoice (customer_id) VALUES (1), (1), (2), (3), (3), (3)");
    db.execute("INSERT INTO track VALUES (1, 'One', 0.99), (2, 'Two', 1.99)");
    db.execute("INSERT INTO post VALUES (1, -2), (2, 5), (3, 11), (4, 12), (5, 13)");
    return db;
}
}  // namespace guide_raw_sql

TEST_CASE("guide: hand-written SQL reads structs by column name, tuples and single values", "[docs]") {
    auto db = guide_raw_sql::shop_database();
    // [snippet:raw-sql]
    auto top = relata::query<TopCustomer>(db,
        "SELECT c.last_name AS name, COUNT(*) AS total FROM customer c JOIN invoice i USING (customer_id) "
        "WHERE c.country = ? GROUP BY c.last_name ORDER BY total DESC LIMIT ?", "USA", 5);
    // SQLite:     ... WHERE c.country = ? ... LIMIT ?
    // PostgreSQL: ... WHERE c.country = $1 ... LIMIT $2
    for (const TopCustomer& c : top) fmt::print("{} {}\n", c.name, c.total);
    top.column_names();   // {"name", "total"}, also when there are no rows

    auto pairs = relata::query<std::tuple<std::string, double>>(db, "SELECT name, unit_price FROM track");
    std::int64_t tracks = relata::query<std::int64_t>(db, "SELECT COUNT(*) FROM track").front();
    std::int64_t removed = relata::execute(db, "DELETE FROM post WHERE votes < ?", 0);   // rows affected
    // [end-snippet]
    REQUIRE(top.size() == 2);
    CHECK(top.begin()->name == "Smith");
    CHECK(top.begin()->total == 2);
    CHECK(top.column_names() == std::vector<std::string>{"name", "total"});
    REQUIRE(pairs.size() == 2);
    CHECK(std::get<1>(*pairs.begin()) == Approx(0.99));
    CHECK(tracks == 2);
    CHECK(removed == 1);
}

namespace guide_raw_sql {
using chinook::Track;
std::vector<std::string> archived;
void archive(const Track& track) { archived.push_back(track.name); }

std::int64_t stream_examples(relata::sqlite::connection& db) {
    // [snippet:streaming]
    constexpr auto t = relata::columns<Track>;
    for (const Track& track : relata::stream(db, relata::select<Track>().where(t.milliseconds > 300000)))
        archive(track);

    auto ids = relata::stream<std::int64_t>(db, "SELECT id FROM post WHERE votes > ?", 10);
    auto odd = std::ranges::count_if(ids, [](std::int64_t id) { return id % 2 == 1; });
    // [end-snippet]
    return odd;
}
}  // namespace guide_raw_sql

TEST_CASE("guide: streaming reads rows one at a time", "[docs]") {
    auto db = relata::sqlite::connect(":memory:", {.foreign_keys = false, .naming = relata::naming::snake_case});
    relata::create_all<chinook::Track>(db);
    relata::insert_all(db, std::vector<chinook::Track>{{.track_id = 1, .name = "short", .milliseconds = 1000},
                                                       {.track_id = 2, .name = "long", .milliseconds = 400000}});
    db.execute("CREATE TABLE post (id INTEGER PRIMARY KEY, votes INTEGER NOT NULL)");
    db.execute("INSERT INTO post VALUES (1, 20), (2, 20), (3, 20), (4, 1), (5, 11)");
    guide_raw_sql::archived.clear();
    CHECK(guide_raw_sql::stream_examples(db) == 3);   // ids 1, 3, 5
    CHECK(guide_raw_sql::archived == std::vector<std::string>{"long"});
}

// ---- The Session --------------------------------------------------------------------------------
namespace guide_session {
struct Author { std::int64_t id = 0; std::string name; };
struct Post { std::int64_t id = 0; std::int64_t author_id = 0; std::string title; int votes = 0; };
struct Counter { std::int64_t id = 0; std::int64_t value = 0; };
RELATA_MODEL(Author, id, name)
RELATA_MODEL(Post, id, author_id, title, votes)
RELATA_MODEL(Counter, id, value)
}  // namespace guide_session

template <> struct relata::mapping<guide_session::Post> {
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&guide_session::Post::author_id, &guide_session::Author::id)};
    static constexpr auto unique = std::tuple{relata::unique(&guide_session::Post::title)};
};

namespace guide_session {
auto blog_database() {
    auto db = relata::sqlite::connect(":memory:");
    relata::create_all<Author, Post, Counter>(db);
    return db;
}
}  // namespace guide_session

TEST_CASE("guide: link fills a foreign key from a parent inserted in the same flush", "[docs]") {
    using namespace guide_session;
    auto db = blog_database();
    relata::session session{db};
    // [snippet:session-link]
    auto& author = session.add(Author{.name = "Ada"});
    auto& post = session.add(Post{.title = "Notes"});
    session.link(post, &Post::author_id, author);   // the member must be a declared foreign key
    session.commit();   // INSERT author ... RETURNING "id"; INSERT post with author_id = that id
    // [end-snippet]
    CHECK(author.id > 0);
    CHECK(post.author_id == author.id);
    CHECK(relata::query<std::int64_t>(db, "SELECT author_id FROM post").front() == author.id);
}

// [snippet:session-composite-model]
struct PlaylistTrack { std::int64_t playlist_id = 0; std::int64_t track_id = 0; int position = 0; };
RELATA_MODEL(PlaylistTrack, playlist_id, track_id, position)
template <> struct relata::mapping<PlaylistTrack> {
    static constexpr auto primary_key = std::tuple{&PlaylistTrack::playlist_id, &PlaylistTrack::track_id};
};

// [end-snippet]

TEST_CASE("guide: a composite primary key is read and updated by all its columns", "[docs]") {
    auto db = relata::sqlite::connect(":memory:");
    std::vector<std::string> statements;
    relata::session session{db};
    // [snippet:session-composite-get]
    relata::create_all<PlaylistTrack>(db);  // ..., PRIMARY KEY ("playlist_id", "track_id")   (both engines)
    // [end-snippet]
    db.execute("INSERT INTO playlist_track VALUES (1, 3402, 1), (1, 3403, 2), (2, 3402, 3)");
    db.on_sql([&](std::string_view sql) { statements.emplace_back(sql); });
    // [snippet:session-composite-update]
    auto& entry = session.get<PlaylistTrack>(std::tuple{1, 3402});
    // SQLite:     SELECT ... FROM "playlist_track" WHERE "playlist_id" = ? AND "track_id" = ?
    // PostgreSQL: SELECT ... FROM "playlist_track" WHERE "playlist_id" = $1 AND "track_id" = $2
    entry.position = 4;
    session.commit();  // UPDATE "playlist_track" SET "position" = ? WHERE "playlist_id" = ? AND "track_id" = ?
    // [end-snippet]
    CHECK(std::ranges::count(statements, std::string{R"(UPDATE "playlist_track" SET "position" = ? WHERE "playlist_id" = ? AND "track_id" = ?)"}) == 1);
    CHECK(relata::query<int>(db, "SELECT position FROM playlist_track ORDER BY playlist_id, track_id") .size() == 3);
    CHECK(relata::query<int>(db, "SELECT position FROM playlist_track WHERE playlist_id = 1 AND track_id = 3402").front() == 4);
}

// [snippet:session-version]
struct Post { std::int64_t id = 0; std::string title; std::int64_t version = 0; };
RELATA_MODEL(Post, id, title, version)
template <> struct relata::mapping<Post> { static constexpr auto version = &Post::version; };
// [end-snippet]

TEST_CASE("guide: a version column makes a concurrent change a stale_data_error", "[docs]") {
    auto db = relata::sqlite::connect(":memory:");
    relata::create_all<::Post>(db);
    relata::session session{db};
    auto& post = session.add(::Post{.title = "first"});
    session.commit();
    CHECK(post.version == 1);
    post.title = "second";
    session.commit();
    CHECK(post.version == 2);
    db.execute("UPDATE post SET version = 7");   // another writer
    post.title = "third";
    CHECK_THROWS_AS(session.commit(), relata::stale_data_error);
    CHECK(post.title == "third");   // the change is kept
    CHECK(post.version == 2);
}

// ---- Relationships: composite foreign keys ------------------------------------------------------
namespace guide_composite {
struct Order { std::int64_t id = 0; std::int64_t version = 0; std::string customer; };
struct Line { std::int64_t id = 0; std::optional<std::int64_t> order_id; std::optional<std::int64_t> order_version; std::string item; };
RELATA_MODEL(Order, id, version, customer)
RELATA_MODEL(Line, id, order_id, order_version, item)
}  // namespace guide_composite
using guide_composite::Order;
using guide_composite::Line;

// [snippet:relationships-composite-mapping]
template <> struct relata::mapping<Order> {    // key (id, version)
    static constexpr auto primary_key = std::tuple{&Order::id, &Order::version};
};
template <> struct relata::mapping<Line> {
    static constexpr auto foreign_keys = std::tuple{
        relata::references(std::tuple{&Line::order_id, &Line::order_version},
                           std::tuple{&Order::id, &Order::version}).on_delete(relata::cascade)};
};
// [end-snippet]

TEST_CASE("guide: a composite foreign key navigates and loads by its tuple of members", "[docs]") {
    auto db = relata::sqlite::connect(":memory:");
    relata::create_all<Order, Line>(db);
    db.execute(R"(INSERT INTO "order" VALUES (1, 1, 'a'), (1, 2, 'b'), (2, 1, 'c'))");
    db.execute(R"(INSERT INTO line (order_id, order_version, item) VALUES (1, 2, 'x'), (1, 2, 'y'), (2, 1, 'z'))");
    relata::session session{db};
    Line& line = session.get<Line>(1);
    // [snippet:relationships-composite-loading]
    // CREATE TABLE "line" (..., FOREIGN KEY ("order_id", "order_version") REFERENCES "order" ("id", "version") ON DELETE CASCADE)
    constexpr auto line_order = std::tuple{&Line::order_id, &Line::order_version};
    Order* order = session.related(line, line_order);           // nullptr when any column is NULL
    auto lines = session.children<Line>(*order, line_order);
    session.all(relata::select<Order>().load(relata::select_in(line_order)));
    // SQLite:     SELECT ... FROM "line" WHERE ("order_id", "order_version") IN (VALUES (?, ?), (?, ?)) ORDER BY "id" ASC
    // PostgreSQL: ... IN (VALUES (CAST($1 AS BIGINT), CAST($2 AS BIGINT)), ...)
    session.all(relata::select<Order>().load(relata::joined(line_order)));
    // ... LEFT JOIN "line" ON "line"."order_id" = "order"."id" AND "line"."order_version" = "order"."version"
    // [end-snippet]
    REQUIRE(order != nullptr);
    CHECK(order->customer == "b");
    CHECK(lines.size() == 2);
}

// ---- Transactions ------------------------------------------------------------------------------
TEST_CASE("guide: a read-modify-write Session is one transaction", "[docs]") {
    using namespace guide_session;
    auto db = blog_database();
    db.execute("INSERT INTO counter VALUES (1, 41)");
    std::vector<std::string> statements;
    db.on_sql([&](std::string_view sql) { statements.emplace_back(sql); });
    {
        // [snippet:transactions-session]
        relata::session session{db};
        auto& counter = session.get<Counter>(1);   // SQLite: BEGIN IMMEDIATE   PostgreSQL: BEGIN
        counter.value += 1;                        // SELECT ... WHERE "id" = ?
        session.commit();                          // UPDATE "counter" SET "value" = ? WHERE "id" = ?; COMMIT
        // [end-snippet]
    }
    REQUIRE(statements.size() == 4);
    CHECK(statements[0] == "BEGIN IMMEDIATE");
    CHECK(statements[1].starts_with("SELECT"));
    CHECK(statements[2] == R"(UPDATE "counter" SET "value" = ? WHERE "id" = ?)");
    CHECK(statements[3] == "COMMIT");
    CHECK(relata::query<std::int64_t>(db, "SELECT value FROM counter").front() == 42);
}

TEST_CASE("guide: retry_transaction runs a unit of work and returns its value", "[docs]") {
    using namespace guide_session;
    auto db = blog_database();
    db.execute("INSERT INTO counter VALUES (1, 0)");
    const auto work = [](auto& session) { session.template get<Counter>(1).value += 10; };
    // [snippet:transactions-retry]
    relata::retry_statistics stats;   // attempts, conflicts, stale, committed, waited (added to)
    const std::int64_t now = relata::retry_transaction(db, [](auto& session) {
        auto& counter = session.template get<Counter>(1);
        counter.value += 1;
        return counter.value;
    }, {.attempts = 20,
        .initial_backoff = std::chrono::milliseconds{1},     // std::chrono durations (microseconds)
        .max_backoff = std::chrono::milliseconds{100},
        .session = {.transaction = {.isolation = relata::isolation_level::serializable}}},
       stats);
    relata::retry_transaction(db, work, 5);   // 5 attempts, default backoff and Session
    // [end-snippet]
    CHECK(now == 1);
    CHECK(stats.attempts == 1);
    CHECK(stats.committed == 1);
    CHECK(relata::query<std::int64_t>(db, "SELECT value FROM counter").front() == 11);
}

namespace guide_session {
void nested_transaction() {
    auto db = blog_database();
    relata::session session{db};
    auto& ada = session.add(Author{.name = "Ada"});
    session.flush();
    session.add(Post{.author_id = ada.id, .title = "taken"});
    session.flush();
    const std::string maybe_duplicate = "taken";
    // [snippet:transactions-nested]
    auto nested = session.begin_nested();          // SAVEPOINT "relata_nested_1"
    try {
        session.add(Post{.author_id = ada.id, .title = maybe_duplicate});
        nested.commit();                           // INSERT ...; RELEASE SAVEPOINT "relata_nested_1"
    } catch (const relata::constraint_violation&) {
        nested.rollback();                         // ROLLBACK TO SAVEPOINT ...; the post is detached
    }
    session.commit();                              // the rest of the work commits
    // [end-snippet]
    CHECK(relata::query<std::int64_t>(db, "SELECT COUNT(*) FROM post").front() == 1);
    CHECK(relata::query<std::int64_t>(db, "SELECT COUNT(*) FROM author").front() == 1);
}
}  // namespace guide_session

TEST_CASE("guide: a nested transaction rolls back only its own work", "[docs]") { guide_session::nested_transaction(); }

// ---- Migrations --------------------------------------------------------------------------------
namespace guide_migrations {
relata::migration_report run(relata::sqlite::connection& db) {
    // [snippet:migrations]
    using db_type = relata::sqlite::connection;             // or relata::postgres::connection
    const relata::migrations<db_type> steps{
        {"0001_post", "create the post table",
         "CREATE TABLE post (id integer PRIMARY KEY, title text NOT NULL);"
         "CREATE INDEX post_title ON post (title)"},
        {"0002_votes", "count votes", "ALTER TABLE post ADD COLUMN votes integer NOT NULL DEFAULT 0"},
        {"0003_backfill", "ten votes per id", "v1",         // a C++ body: "v1" is its version
         [](db_type& db) { db.execute("UPDATE post SET votes = id * ?", 10); }},
    };
    relata::migration_report report = relata::migrate(db, steps);
    // report.already_applied: 0; report.applied: {"0001_post", "0002_votes", "0003_backfill"}
    relata::migrate(db, steps).applied;                     // {}: nothing pending, nothing runs again
    for (const relata::applied_migration& m : relata::applied_migrations(db))
        fmt::print("{} {} {}\n", m.id, m.checksum, m.applied_at.time_since_epoch().count());
    // [end-snippet]
    return report;
}
}  // namespace guide_migrations

TEST_CASE("guide: migrate applies the pending migrations once", "[docs]") {
    auto db = relata::sqlite::connect(":memory:");
    const relata::migration_report report = guide_migrations::run(db);
    CHECK(report.already_applied == 0);
    CHECK(report.applied == std::vector<std::string>{"0001_post", "0002_votes", "0003_backfill"});
    CHECK(relata::applied_migrations(db).size() == 3);
}

// ---- Migrations: planning one -----------------------------------------------------------------
namespace guide_plan {
struct Author { std::int64_t id = 0; std::string name; };
struct Post { std::int64_t id = 0; std::int64_t author_id = 0; std::string title; int votes = 0; };
struct Comment { std::int64_t id = 0; std::int64_t post_id = 0; std::string text; };
RELATA_MODEL(Author, id, name)
RELATA_MODEL(Post, id, author_id, title, votes)
RELATA_MODEL(Comment, id, post_id, text)
}  // namespace guide_plan

template <> struct relata::mapping<guide_plan::Post> {
    static constexpr auto defaults = std::tuple{relata::default_value(&guide_plan::Post::votes, 0)};
    static constexpr auto indexes = std::tuple{relata::index(&guide_plan::Post::votes)};
    static constexpr auto foreign_keys = std::tuple{relata::references(&guide_plan::Post::author_id, &guide_plan::Author::id)};
};
template <> struct relata::mapping<guide_plan::Comment> {
    static constexpr auto foreign_keys = std::tuple{relata::references(&guide_plan::Comment::post_id, &guide_plan::Post::id)};
};

namespace guide_plan {
std::string plan_and_apply(relata::sqlite::connection& db) {
    // [snippet:migrations-plan]
    const relata::migration_plan plan = relata::plan_migration<Author, Post, Comment>(db);
    fmt::print("{}", plan.sql());
    // -- relata migration plan for SQLite: 3 steps, applied in one transaction by relata::apply_plan
    // -- 1. create table "comment"
    // CREATE TABLE IF NOT EXISTS "comment" ("id" INTEGER PRIMARY KEY, "post_id" INTEGER NOT NULL, ...);
    // -- 2. add column "post"."votes" INTEGER NOT NULL DEFAULT 0
    // ALTER TABLE "post" ADD COLUMN "votes" INTEGER NOT NULL DEFAULT 0;
    // -- 3. add index "post__votes__idx" on "post" ("votes")
    // CREATE INDEX IF NOT EXISTS "post__votes__idx" ON "post" ("votes");
    // -- not applied (destructive): drop column "post"."legacy" (no model maps it); allow it with plan_options{}.allow_drop_column("post", "legacy")
    relata::apply_plan(db, plan);
    relata::verify_schema<Author, Post, Comment>(db);   // passes
    // [end-snippet]
    return plan.sql();
}
}  // namespace guide_plan

TEST_CASE("guide: plan_migration plans v1 -> v2 and apply_plan applies it, keeping the rows", "[docs]") {
    auto db = relata::sqlite::connect(":memory:");
    db.execute_script(R"(CREATE TABLE "author" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL);
                         CREATE TABLE "post" ("id" INTEGER PRIMARY KEY, "author_id" INTEGER NOT NULL REFERENCES "author" ("id"),
                                              "title" TEXT NOT NULL, "legacy" TEXT);
                         INSERT INTO "author" VALUES (1, 'Ada');
                         INSERT INTO "post" VALUES (1, 1, 'first', 'old'), (2, 1, 'second', NULL);)");
    const std::string printed = guide_plan::plan_and_apply(db);
    // Every line the guide shows is in the printed plan (the elided CREATE TABLE apart).
    for (const char* line : {"-- relata migration plan for SQLite: 3 steps, applied in one transaction by relata::apply_plan\n",
                             "-- 1. create table \"comment\"\n",
                             "-- 2. add column \"post\".\"votes\" INTEGER NOT NULL DEFAULT 0\n",
                             "ALTER TABLE \"post\" ADD COLUMN \"votes\" INTEGER NOT NULL DEFAULT 0;\n",
                             "-- 3. add index \"post__votes__idx\" on \"post\" (\"votes\")\n",
                             "CREATE INDEX IF NOT EXISTS \"post__votes__idx\" ON \"post\" (\"votes\");\n",
                             "-- not applied (destructive): drop column \"post\".\"legacy\" (no model maps it); allow it with "
                             "plan_options{}.allow_drop_column(\"post\", \"legacy\")\n"})
        CHECK(printed.find(line) != std::string::npos);
    CHECK(printed.find("CREATE TABLE IF NOT EXISTS \"comment\" (\"id\" INTEGER PRIMARY KEY, \"post_id\" INTEGER NOT NULL") !=
          std::string::npos);
    // The rows are kept, with the new column's default; the unmapped column is still there.
    using post_row = std::tuple<std::string, int, std::optional<std::string>>;
    const auto rows = relata::query<post_row>(db, "SELECT title, votes, legacy FROM post ORDER BY id");
    CHECK(std::vector<post_row>(rows.begin(), rows.end()) ==
          std::vector<post_row>{{"first", 0, "old"}, {"second", 0, std::nullopt}});
    CHECK(relata::plan_migration<guide_plan::Author, guide_plan::Post, guide_plan::Comment>(db).empty());
}

// ---- Connections: the pool ----------------------------------------------------------------------
#if defined(RELATA_DOCS_WITH_POSTGRES)
namespace guide_pool {
using guide_session::Post;
// Compiled only: the examples name a server of their own ("dbname=blog").
[[maybe_unused]] void pool_examples() {
    // [snippet:connections-pool]
    relata::pool<relata::postgres::connection> pool{
        [] { return relata::postgres::connect("dbname=blog"); },  // how to open one
        {.max_size = 16, .acquire_timeout = std::chrono::seconds(5)}};
    // in any thread:
    auto db = pool.acquire();           // a lease; waits up to acquire_timeout, then relata::pool_timeout
    relata::session session{*db};
    session.get<Post>(1).votes += 1;
    session.commit();
    // the lease's end gives the connection back
    // [end-snippet]
}
[[maybe_unused]] void session_over_pool(relata::pool<relata::postgres::connection>& pool) {
    // [snippet:connections-session-pool]
    relata::session<relata::postgres::connection> session{pool};
    auto& post = session.get<Post>(1);   // acquires a connection: BEGIN, SELECT
    post.votes += 1;
    session.commit();                    // UPDATE, COMMIT; the connection goes back to the pool
    post.title = "edited";
    session.commit();                    // another connection from the pool: BEGIN, UPDATE, COMMIT
    // [end-snippet]
}
}  // namespace guide_pool
#endif

// ---- Schema introspection and verification ------------------------------------------------------
TEST_CASE("guide: introspect reads the live schema; verify_schema lists every difference", "[docs]") {
    auto db = relata::sqlite::connect(":memory:", {.naming = relata::naming::pascal_case});
    relata::create_all<chinook::Artist, chinook::Album, chinook::Genre, chinook::MediaType>(db);
    // Track as the Chinook script creates it, but with "Name" nullable and without "Composer".
    db.execute(R"(CREATE TABLE [Track] ([TrackId] INTEGER NOT NULL, [Name] NVARCHAR(200), [AlbumId] INTEGER,
        [MediaTypeId] INTEGER NOT NULL, [GenreId] INTEGER, [Milliseconds] INTEGER NOT NULL, [Bytes] INTEGER,
        [UnitPrice] NUMERIC(10,2) NOT NULL, CONSTRAINT [PK_Track] PRIMARY KEY ([TrackId]),
        FOREIGN KEY ([AlbumId]) REFERENCES [Album] ([AlbumId]) ON DELETE NO ACTION ON UPDATE NO ACTION,
        FOREIGN KEY ([GenreId]) REFERENCES [Genre] ([GenreId]) ON DELETE NO ACTION ON UPDATE NO ACTION,
        FOREIGN KEY ([MediaTypeId]) REFERENCES [MediaType] ([MediaTypeId]) ON DELETE NO ACTION ON UPDATE NO ACTION))");
    std::string printed;
    {
        // [snippet:introspection]
        const relata::schema live = relata::introspect(db);
        for (const relata::table_info& table : live.tables)
            for (const relata::column_info& column : table.columns)
                fmt::print("{}.{} {}{}\n", table.name, column.name, column.type, column.nullable ? "" : " NOT NULL");
        // SQLite: Track.UnitPrice NUMERIC(10,2) NOT NULL     PostgreSQL: track.unit_price numeric(10,2) NOT NULL
        // [end-snippet]
        for (const relata::table_info& table : live.tables)
            for (const relata::column_info& column : table.columns)
                printed += fmt::format("{}.{} {}{}\n", table.name, column.name, column.type, column.nullable ? "" : " NOT NULL");
    }
    CHECK(printed.find("Track.UnitPrice NUMERIC(10,2) NOT NULL\n") != std::string::npos);
    relata::verify_schema<chinook::Artist, chinook::Album>(db);   // these match
    try {
        // [snippet:verify-schema]
        relata::verify_schema<chinook::Artist, chinook::Album, chinook::Track>(db);
        // relata: the database schema does not match the models (2 mismatches):
        //   table "Track", column "Name": nullable, but member Track::name is not std::optional (reading NULL would fail)
        //   table "Track", column "Composer": missing (the model Track maps it to member composer)
        // [end-snippet]
        FAIL("verify_schema did not throw");
    } catch (const relata::schema_mismatch& mismatch) {
        const std::string message = mismatch.what();
        INFO(message);
        CHECK(message.find("(2 mismatches)") != std::string::npos);
        CHECK(message.find(R"(table "Track", column "Composer": missing (the model Track maps it to member composer))") !=
              std::string::npos);
        CHECK(message.find(R"(table "Track", column "Name": nullable, but member Track::name is not std::optional)") !=
              std::string::npos);
    }
}

// ---- docs/thread-safety.md ---------------------------------------------------------------------
namespace guide_threads {
using guide_session::Counter;
constexpr auto c = relata::columns<Counter>;

std::int64_t count_in_threads(const std::string& path) {
    // [snippet:thread-safety-pool]
    relata::pool<relata::sqlite::connection> pool{
        [&] { return relata::sqlite::connect(path, {.write_ahead_log = true}); },
        {.max_size = 4}};
    const auto query = relata::select<Counter>().where(c.id == 1);   // shared by all threads: immutable

    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 25; ++i) {
                auto db = pool.acquire();         // this thread's connection until `db` ends
                relata::session session{*db};     // this thread's Session
                session.one(query).value += 1;    // BEGIN IMMEDIATE; SELECT ...
                session.commit();                 // UPDATE ...; COMMIT
            }
        });
    for (std::thread& thread : threads) thread.join();
    // value == 200: no update lost
    // [end-snippet]
    auto db = pool.acquire();
    return relata::query<std::int64_t>(*db, "SELECT value FROM counter WHERE id = 1").front();
}
}  // namespace guide_threads

TEST_CASE("guide: 8 threads share a pool and a query; each has its own connection and Session", "[docs]") {
    const auto path = (std::filesystem::temp_directory_path() /
                       fmt::format("relata_docs_threads_{}.db", std::chrono::steady_clock::now().time_since_epoch().count()))
                          .string();
    {
        auto db = relata::sqlite::connect(path);
        relata::create_all<guide_session::Counter>(db);
        db.execute("INSERT INTO counter VALUES (1, 0)");
    }
    const std::int64_t value = guide_threads::count_in_threads(path);
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    CHECK(value == 200);
}
