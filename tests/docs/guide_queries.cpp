// The README's guide code, part 1: the quickstart, value types, queries, relationships.
// Every region between `// [snippet:name]` and `// [end-snippet]` is a ```cpp block of README.md
// or docs/*.md (cmake/check_doc_snippets.cmake, CTest docs.snippets, keeps them equal); the test
// cases run the code and check what the guide says it does. SQLite in memory.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/core.h>

#include "catch.hpp"

#include <relata/relata.hpp>
#include <relata/sqlite.hpp>

// The guide shows queries as expressions; as statements their (nodiscard) values are unused.
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wunused-result"
#pragma clang diagnostic ignored "-Wunused-value"
#elif defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wunused-result"
#pragma GCC diagnostic ignored "-Wunused-value"
#endif

// ---- Quickstart: a whole program; its main() is called by a test case -----------------------
// The region's `int main() {...}` becomes relata_guide_quickstart_main(), which calls the body
// and returns 0 (as main does implicitly).
void relata_guide_quickstart_body();
#define main                                                                   \
    relata_guide_quickstart_main() {                                           \
        relata_guide_quickstart_body();                                        \
        return 0;                                                              \
    }                                                                          \
    void relata_guide_quickstart_body
// [snippet:quickstart]
#include <relata/relata.hpp>   // models, queries, Session
#include <relata/sqlite.hpp>   // or <relata/postgres.hpp>

namespace blog {
struct Author {
    std::int64_t id = 0;
    std::string name;
    std::optional<std::string> email;          // NULL <-> std::nullopt
};
struct Post {
    std::int64_t id = 0;
    std::int64_t author_id = 0;
    std::string title;
    int votes = 0;
    std::chrono::sys_seconds published_at{};
};
RELATA_MODEL(Author, id, name, email)          // beside the struct, in its namespace
RELATA_MODEL(Post, id, author_id, title, votes, published_at)
}  // namespace blog

// Optional configuration, outside the struct.
template <> struct relata::mapping<blog::Post> {
    static constexpr auto table = "posts";
    static constexpr auto foreign_keys = std::tuple{relata::references(&blog::Post::author_id, &blog::Author::id)};
    static constexpr auto indexes = std::tuple{relata::index(&blog::Post::published_at)};
};

int main() {
    auto db = relata::sqlite::connect("blog.db");              // ":memory:" works too
    relata::create_all<blog::Author, blog::Post>(db);           // CREATE TABLE IF NOT EXISTS ...

    relata::session session{db};
    auto& ada = session.add(blog::Author{.name = "Ada", .email = std::nullopt});  // pending: no SQL
    session.flush();                                            // INSERT; the id via RETURNING or the rowid
    session.add(blog::Post{.author_id = ada.id, .title = "C++ ORMs", .votes = 12});
    session.commit();                                           // INSERT; COMMIT

    constexpr auto p = relata::columns<blog::Post>;
    auto query = relata::select<blog::Post>()
                     .where(p.votes > 10 && p.title.like("C++%"))
                     .order_by(p.published_at.desc())
                     .limit(20);                                // a value: nothing has run
    for (blog::Post& post : session.all(query)) post.votes += 1;
    session.commit();          // UPDATE "posts" SET "votes" = ? WHERE "id" = ?  (changed column only)

    std::cout << relata::to_sql(query, relata::postgres_dialect);
    // SELECT "id", "author_id", "title", "votes", "published_at" FROM "posts"
    //   WHERE "votes" > $1 AND "title" LIKE $2 ESCAPE '' ORDER BY "published_at" DESC LIMIT $3
}
// [end-snippet]
#undef main

TEST_CASE("guide: the quickstart program runs and leaves one post with 13 votes", "[docs]") {
    std::filesystem::remove("blog.db");
    std::ostringstream printed;
    auto* const old = std::cout.rdbuf(printed.rdbuf());
    try {
        relata_guide_quickstart_main();
    } catch (...) {
        std::cout.rdbuf(old);
        throw;
    }
    std::cout.rdbuf(old);
    CHECK(printed.str() == R"(SELECT "id", "author_id", "title", "votes", "published_at" FROM "posts" )"
                           R"(WHERE "votes" > $1 AND "title" LIKE $2 ESCAPE '' ORDER BY "published_at" DESC LIMIT $3)");
    {
        auto db = relata::sqlite::connect("blog.db");
        const auto posts = relata::all(db, relata::select<blog::Post>());
        REQUIRE(posts.size() == 1);
        CHECK(posts[0].votes == 13);
        CHECK(posts[0].title == "C++ ORMs");
    }
    std::filesystem::remove("blog.db");
}

// ---- Value types: an enum stored as text -----------------------------------------------------
// [snippet:value-types-enum]
enum class mood { happy, sad };
template <> struct relata::value_traits<mood> {
    using storage_type = std::string;     // PostgreSQL enum label, SQLite TEXT
    static std::string to_storage(mood m) { return m == mood::happy ? "happy" : "sad"; }
    static mood from_storage(const std::string& s) {
        if (s == "happy") return mood::happy;
        if (s == "sad") return mood::sad;
        throw relata::conversion_error("'" + s + "' is not a mood");
    }
};
// [end-snippet]

namespace guide_values {
struct Diary { std::int64_t id = 0; mood today = mood::happy; };
RELATA_MODEL(Diary, id, today)
}  // namespace guide_values

TEST_CASE("guide: a value_traits enum is stored as its text and read back", "[docs]") {
    using guide_values::Diary;
    auto db = relata::sqlite::connect(":memory:");
    relata::create_all<Diary>(db);
    relata::insert_all(db, std::vector<Diary>{{1, mood::sad}, {2, mood::happy}});
    const auto stored = relata::query<std::string>(db, "SELECT today FROM diary ORDER BY id");
    CHECK(std::vector<std::string>(stored.begin(), stored.end()) == std::vector<std::string>{"sad", "happy"});
    CHECK(relata::all(db, relata::select<Diary>().order_by(relata::columns<Diary>.id))[0].today == mood::sad);
    db.execute("UPDATE diary SET today = 'grumpy' WHERE id = 1");
    CHECK_THROWS_WITH(relata::all(db, relata::select<Diary>()), Catch::Contains("'grumpy' is not a mood"));
}

// ---- Queries ----------------------------------------------------------------------------------
namespace guide_queries {
// [snippet:queries-models]
struct Author { std::int64_t id = 0; std::string name; std::optional<std::string> country; };
struct Post {
    std::int64_t id = 0; std::int64_t author_id = 0; std::string title; int votes = 0; double score = 0;
    std::chrono::sys_seconds published_at{}; std::optional<std::int64_t> parent_id;
};
struct Employee { std::int64_t employee_id = 0; std::string name; std::optional<std::int64_t> reports_to; };
RELATA_MODEL(Author, id, name, country)
RELATA_MODEL(Post, id, author_id, title, votes, score, published_at, parent_id)
RELATA_MODEL(Employee, employee_id, name, reports_to)

constexpr auto a = relata::columns<Author>;      // one typed column per member: a.id, a.name, ...
constexpr auto p = relata::columns<Post>;
constexpr auto e = relata::columns<Employee>;
// [end-snippet]

using manager = relata::alias<Employee, "manager">;

// The writes' models (as in tests/core/rendering.cpp).
struct Article {
    std::int64_t id = 0;
    std::int64_t author_id = 0;
    std::string slug;
    std::string title;
    int votes = 0;
    std::optional<double> score;
    bool draft = false;
    std::chrono::sys_seconds published_at{};
};
RELATA_MODEL(Article, id, author_id, slug, title, votes, score, draft, published_at)
struct Country { std::string code; std::string name; };
RELATA_MODEL(Country, code, name)
}  // namespace guide_queries

template <> struct relata::mapping<guide_queries::Country> {
    static constexpr auto table = "countries";
    static constexpr auto primary_key = &guide_queries::Country::code;
};

namespace guide_queries {
constexpr auto k = relata::columns<Country>;
constexpr auto ar = relata::columns<Article>;

std::string sqlite_sql(const auto& query) { return relata::to_sql(query, relata::sqlite_dialect).sql; }
std::string postgres_sql(const auto& query) { return relata::to_sql(query, relata::postgres_dialect).sql; }

auto seeded_database() {
    auto db = relata::sqlite::connect(":memory:");
    relata::create_all<Author, Post, Employee, Article, Country>(db);
    relata::insert_all(db, std::vector<Author>{{1, "Ada", "NZ"}, {2, "Brian", std::nullopt}, {3, "Grace", "US"}});
    std::vector<Post> posts;
    for (int i = 1; i <= 9; ++i)
        posts.push_back(Post{.id = i, .author_id = i <= 6 ? 1 : 2, .title = fmt::format("C++ {}", i), .votes = i * 3,
                             .score = i * 0.5});
    relata::insert_all(db, posts);
    relata::insert_all(db, std::vector<Employee>{{1, "Boss", std::nullopt}, {2, "Mid", 1}, {3, "Low", 2}});
    return db;
}

// Each fragment of the Queries guide, compiled; the test below runs them.
void condition_fragments(const std::string& word) {
    // [snippet:queries-conditions]
    relata::select<Post>().where((p.votes > 10 || p.votes < 2) && p.title == "Hello");
    // SQLite:     SELECT … FROM "post" WHERE ("votes" > ? OR "votes" < ?) AND "title" = ?
    // PostgreSQL: SELECT … FROM "post" WHERE ("votes" > $1 OR "votes" < $2) AND "title" = $3
    relata::select<Post>().where(!(p.votes > 10));          // WHERE NOT ("votes" > ?)
    relata::select<Post>().where(p.id.in({1, 2, 3}));       // WHERE "id" IN (?, ?, ?, ?)  PostgreSQL: IN ($1, $2, $3, $4)
    // (a list is padded to 4, 8, 16, ... items by repeating its last value: few statement shapes)
    relata::select<Post>().where(p.votes > p.author_id);    // WHERE "votes" > "author_id"  (no parameter)
    // [end-snippet]

    // [snippet:queries-like]
    relata::select<Post>().where(p.title.contains("100%"));   // binds "%100\\%%" and "\\"
    relata::select<Post>().where(p.title.like("%" + relata::escape_like(word) + "_", '\\'));
    // [end-snippet]
}

std::vector<Author> optional_filter(relata::session<relata::sqlite::connection>& session,
                                    std::optional<std::string> country, std::optional<std::int64_t> min_id) {
    std::vector<Author> found;
    // [snippet:queries-optional-filter]
    relata::condition<Author> filter;
    if (country) filter = filter && a.country == *country;
    if (min_id)  filter = filter && a.id >= *min_id;
    auto authors = session.all(relata::select<Author>().where(filter));
    // [end-snippet]
    for (const Author& author : authors) found.push_back(author);
    return found;
}

void select_fragments() {
    // [snippet:queries-order-limit]
    relata::select<Post>().where(p.votes > 10 && p.title.like("C++%")).order_by(p.votes.desc()).limit(20).offset(40);
    // SQLite:     SELECT … FROM "post" WHERE "votes" > ? AND "title" LIKE ? ORDER BY "votes" DESC LIMIT ? OFFSET ?
    // PostgreSQL: SELECT … FROM "post" WHERE "votes" > $1 AND "title" LIKE $2 ESCAPE '' ORDER BY "votes" DESC LIMIT $3 OFFSET $4
    // [end-snippet]

    // [snippet:queries-join]
    relata::select<Post, Author>().left_join(p.author_id == a.id).where(a.name == "Ada");
    // PostgreSQL: SELECT "post"."id", "post"."author_id", …, "author"."id", "author"."name", "author"."country"
    //   FROM "post" LEFT JOIN "author" ON "post"."author_id" = "author"."id" WHERE "author"."name" = $1
    // [end-snippet]

    // [snippet:queries-alias]
    constexpr auto m = relata::columns<manager>;
    relata::select<Employee, manager>().left_join(e.reports_to == m.employee_id).order_by(e.employee_id);
    // rows: std::tuple<Employee, std::optional<Employee>>
    // SELECT "employee"."employee_id", "employee"."name", "employee"."reports_to", "manager"."employee_id", "manager"."name",
    //   "manager"."reports_to" FROM "employee" LEFT JOIN "employee" AS "manager" ON "employee"."reports_to" = "manager"."employee_id"
    //   ORDER BY "employee"."employee_id" ASC
    // [end-snippet]

    // [snippet:queries-projections]
    relata::select(a.name).where(a.country.is_null());     // rows: std::string
    // SELECT "name" FROM "author" WHERE "country" IS NULL
    relata::select(a.id, a.name).distinct().order_by(a.name);    // rows: std::tuple<std::int64_t, std::string>
    // SELECT DISTINCT "id", "name" FROM "author" ORDER BY "name" ASC
    relata::select(relata::count()).from<Post>().where(p.votes > 3);
    // PostgreSQL: SELECT COUNT(*) FROM "post" WHERE "votes" > $1
    // [end-snippet]
}
}  // namespace guide_queries

namespace guide_queries {
// [snippet:queries-projection-struct]
struct AuthorVotes { std::string name; std::optional<std::int64_t> votes; };
RELATA_MODEL(AuthorVotes, name, votes)

// [end-snippet]

void expression_fragments() {
    // [snippet:queries-projection-struct-select]
    relata::select<AuthorVotes>(relata::sum(p.votes).as<"votes">(), a.name).join(p.author_id == a.id).group_by(a.name);
    // SELECT "author"."name" AS "name", SUM("post"."votes") AS "votes" FROM "post"
    //   JOIN "author" ON "post"."author_id" = "author"."id" GROUP BY "author"."name"
    // [end-snippet]

    // [snippet:queries-expressions]
    relata::select((p.votes + 1).as<"next">(), (p.score * p.votes).as<"weighted">(),
                   (a.name + " (" + relata::coalesce(a.country, "?") + ")").as<"label">())
        .join(p.author_id == a.id);                 // rows: std::tuple<std::int64_t, double, std::string>
    // [end-snippet]

    // [snippet:queries-case]
    relata::case_when(p.votes > 100, "hot").when(p.votes > 10, "warm").otherwise("cold").as<"heat">();   // std::string
    // SQLite:     CASE WHEN "votes" > ? THEN ? WHEN "votes" > ? THEN ? ELSE ? END AS "heat"
    // PostgreSQL: CASE WHEN "votes" > $1 THEN CAST($2 AS TEXT) WHEN "votes" > $3 THEN CAST($4 AS TEXT)
    //             ELSE CAST($5 AS TEXT) END AS "heat"
    relata::case_when(p.votes > 100, p.title);        // std::optional<std::string>: CASE WHEN "votes" > ? THEN "title" END
    // [end-snippet]

    // [snippet:queries-aggregates]
    relata::select(a.name, relata::count(), relata::count_distinct(p.title), relata::avg(p.score), relata::max(p.votes))
        .join(p.author_id == a.id)
        .group_by(a.name)
        .having(relata::count() > 2 && relata::sum(p.votes) >= 10)
        .order_by(relata::count().desc(), a.name);
    // PostgreSQL: SELECT "author"."name", COUNT(*), COUNT(DISTINCT "post"."title"), AVG("post"."score"), MAX("post"."votes")
    //   FROM "author" JOIN "post" ON "post"."author_id" = "author"."id" GROUP BY "author"."name"
    //   HAVING COUNT(*) > $1 AND SUM("post"."votes") >= $2 ORDER BY COUNT(*) DESC, "author"."name" ASC
    // [end-snippet]

    // [snippet:queries-group-expression]
    const auto bucket = p.votes / 10 * 10;
    relata::select(bucket, relata::count()).group_by(bucket).having(relata::sum(p.votes) > 5).order_by(bucket.desc());
    // [end-snippet]

    // [snippet:queries-window]
    relata::select(p.title, relata::row_number().over(relata::partition_by(p.author_id), relata::order_by(p.votes.desc(), p.id))
                                .as<"position">());
    // SELECT "title", row_number() OVER (PARTITION BY "author_id" ORDER BY "votes" DESC, "id" ASC) AS "position" FROM "post"
    relata::select(relata::rank().over(relata::order_by(p.votes)), relata::dense_rank().over(),
                   relata::sum(p.votes).over(relata::partition_by(p.author_id)));
    // SELECT rank() OVER (ORDER BY "votes" ASC), dense_rank() OVER (), SUM("votes") OVER (PARTITION BY "author_id") FROM "post"
    // [end-snippet]

    // [snippet:queries-subqueries]
    // IN (subquery)
    const auto prolific = relata::select(p.author_id).group_by(p.author_id).having(relata::count() > 5);
    relata::select<Author>().where(a.id.in(prolific));
    // SELECT "author"."id", "author"."name", "author"."country" FROM "author" WHERE "author"."id" IN
    //   (SELECT "post"."author_id" FROM "post" GROUP BY "post"."author_id" HAVING COUNT(*) > ?)

    // Correlated NOT EXISTS: correlate<Author>() lets the subquery use the outer query's Author.
    relata::select<Author>().where(a.country == "NZ" &&
        relata::not_exists(relata::select(p.id).correlate<Author>().where(p.author_id == a.id && p.votes > 3)));
    // PostgreSQL: SELECT "author"."id", "author"."name", "author"."country" FROM "author" WHERE "author"."country" = $1
    //   AND NOT EXISTS (SELECT "post"."id" FROM "post" WHERE "post"."author_id" = "author"."id" AND "post"."votes" > $2)

    // Scalar subqueries (std::optional: no row is NULL), in WHERE and in the select list
    relata::select(p.title).where(p.votes > relata::select(relata::avg(p.votes)));
    // SELECT "post"."title" FROM "post" WHERE "post"."votes" > (SELECT AVG("post"."votes") FROM "post")
    relata::select(a.name, relata::select(relata::count()).from<Post>().correlate<Author>().where(p.author_id == a.id).as<"posts">());
    // SELECT "author"."name", (SELECT COUNT(*) FROM "post" WHERE "post"."author_id" = "author"."id") AS "posts" FROM "author"
    // [end-snippet]

    // [snippet:queries-exists-delete]
    relata::remove<Article>().where(!relata::exists(relata::select(a.id).correlate<Article>().where(a.id == ar.author_id)));
    // DELETE FROM "article" WHERE NOT (EXISTS (SELECT "author"."id" FROM "author" WHERE "author"."id" = "article"."author_id"))
    // [end-snippet]

    // [snippet:queries-union]
    const auto nz = relata::select(a.name).where(a.country == "NZ");
    const auto busy = relata::select(a.name).join(p.author_id == a.id).where(p.votes > 100);
    nz.union_distinct(busy).order_by(a.name).limit(5);
    // PostgreSQL: SELECT "name" FROM "author" WHERE "country" = $1 UNION SELECT "author"."name" FROM "author"
    //   JOIN "post" ON "post"."author_id" = "author"."id" WHERE "post"."votes" > $2 ORDER BY 1 ASC LIMIT $3
    // [end-snippet]

    // [snippet:queries-union-operand]
    nz.order_by(a.name).limit(1).union_all(busy);
    // SELECT * FROM (SELECT "name" FROM "author" WHERE "country" = ? ORDER BY "name" ASC LIMIT ?) AS "relata_operand_1"
    //   UNION ALL SELECT "author"."name" FROM "author" JOIN "post" ON "post"."author_id" = "author"."id" WHERE "post"."votes" > ?
    // [end-snippet]
}

// [snippet:queries-cte-model]
struct Reports { std::int64_t employee_id = 0; std::int64_t depth = 0; };
RELATA_MODEL(Reports, employee_id, depth)
constexpr auto r = relata::columns<Reports>;

// [end-snippet]

auto reports_query() {
    // [snippet:queries-cte]
    const auto tree = relata::cte<Reports>(
        relata::select<Reports>(e.employee_id, relata::literal<std::int64_t>(0).as<"depth">()).where(e.reports_to.is_null())
            .union_all(relata::select<Reports>(e.employee_id, (r.depth + 1).as<"depth">()).join(e.reports_to == r.employee_id)));
    relata::select<Reports>().with_recursive(tree).order_by(r.depth, r.employee_id);
    // [end-snippet]
    return relata::select<Reports>().with_recursive(tree).order_by(r.depth, r.employee_id);
}

void count_and_write_fragments(relata::sqlite::connection& db, const std::vector<Country>& countries) {
    // [snippet:queries-count]
    relata::select<Post>().where(p.votes > 10).order_by(p.votes.desc()).count();
    // SELECT COUNT(*) FROM "post" WHERE "votes" > ?
    relata::select(a.country).distinct().count();
    // SELECT COUNT(*) FROM (SELECT DISTINCT "country" FROM "author") AS "counted"
    relata::select<Post>().offset(3).count();
    // SQLite:     SELECT COUNT(*) FROM (SELECT 1 FROM "post" LIMIT -1 OFFSET ?) AS "counted"
    // PostgreSQL: SELECT COUNT(*) FROM (SELECT 1 FROM "post" OFFSET $1) AS "counted"
    // [end-snippet]

    // [snippet:queries-writes]
    relata::insert(Article{.slug = "s", .title = "t"}).returning(ar.id);     // a generated key of 0 is left out
    // SQLite:     INSERT INTO "article" ("author_id", "slug", "title", "votes", "score", "draft", "published_at")
    //               VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING "id"
    // PostgreSQL: ... VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING "id"
    std::int64_t id = relata::one(db, relata::insert(Article{.slug = "s", .title = "t"}).returning(ar.id));

    relata::insert_rows<Country>(countries);            // one multi-row INSERT (the objects carry their keys)
    // INSERT INTO "countries" ("code", "name") VALUES (?, ?), (?, ?)     PostgreSQL: VALUES ($1, $2), ($3, $4)

    relata::update<Article>().set(ar.title, "x").set(ar.votes, 3).where(ar.id == 1);
    // UPDATE "article" SET "title" = ?, "votes" = ? WHERE "id" = ?      PostgreSQL: $1, $2, $3
    relata::update<Article>().set(ar.votes, ar.votes + 1).set(ar.score, std::nullopt);     // no where(): every row
    // SQLite:     UPDATE "article" SET "votes" = "votes" + ?, "score" = ?
    // PostgreSQL: UPDATE "article" SET "votes" = "votes" + CAST($1 AS INTEGER), "score" = $2

    relata::remove<Article>().where(ar.draft == true).returning();      // rows read into Article
    // DELETE FROM "article" WHERE "draft" = ? RETURNING "id", "author_id", "slug", "title", "votes", "score", "draft", "published_at"
    // [end-snippet]
    CHECK(id > 0);

    // [snippet:queries-upsert]
    relata::insert(Country{"nz", "NZ"}).on_conflict(k.code).do_nothing();
    // INSERT INTO "countries" ("code", "name") VALUES (?, ?) ON CONFLICT ("code") DO NOTHING
    relata::insert(Country{"nz", "NZ"}).on_conflict(k.code).do_update();
    // INSERT INTO "countries" ("code", "name") VALUES (?, ?) ON CONFLICT ("code") DO UPDATE SET "name" = excluded."name"
    relata::insert(Article{.id = 1}).on_conflict(ar.id).do_update(relata::set(ar.votes, ar.votes + relata::excluded(ar.votes)),
                                                                  relata::set(ar.title, "merged"));
    // SQLite:     INSERT INTO "article" ("id", ...) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("id")
    //               DO UPDATE SET "votes" = "article"."votes" + excluded."votes", "title" = ?
    // PostgreSQL: ... VALUES ($1, ..., $8) ON CONFLICT ("id")
    //               DO UPDATE SET "votes" = "article"."votes" + excluded."votes", "title" = $9
    // [end-snippet]
}
}  // namespace guide_queries

TEST_CASE("guide: the Queries fragments render the SQL the guide shows", "[docs]") {
    using namespace guide_queries;
    condition_fragments("x");
    select_fragments();
    expression_fragments();
    CHECK(sqlite_sql(relata::select<Post>().where((p.votes > 10 || p.votes < 2) && p.title == "Hello")) ==
          R"(SELECT "id", "author_id", "title", "votes", "score", "published_at", "parent_id" FROM "post" )"
          R"(WHERE ("votes" > ? OR "votes" < ?) AND "title" = ?)");
    CHECK(sqlite_sql(relata::select<Post>().where(p.id.in({1, 2, 3}))).ends_with(R"(WHERE "id" IN (?, ?, ?, ?))"));
    CHECK(postgres_sql(relata::select<Post>().where(p.id.in({1, 2, 3}))).ends_with(R"(WHERE "id" IN ($1, $2, $3, $4))"));
    CHECK(sqlite_sql(relata::select<Post>().where(p.votes > p.author_id)).ends_with(R"(WHERE "votes" > "author_id")"));
    CHECK(postgres_sql(relata::select(relata::count()).from<Post>().where(p.votes > 3)) ==
          R"(SELECT COUNT(*) FROM "post" WHERE "votes" > $1)");
    CHECK(sqlite_sql(relata::select(a.country).distinct().count()) ==
          R"(SELECT COUNT(*) FROM (SELECT DISTINCT "country" FROM "author") AS "counted")");
    CHECK(sqlite_sql(relata::insert(Country{"nz", "NZ"}).on_conflict(k.code).do_update()) ==
          R"(INSERT INTO "countries" ("code", "name") VALUES (?, ?) ON CONFLICT ("code") DO UPDATE SET "name" = excluded."name")");
    CHECK(postgres_sql(relata::update<Article>().set(ar.votes, ar.votes + 1).set(ar.score, std::nullopt)) ==
          R"(UPDATE "article" SET "votes" = "votes" + CAST($1 AS INTEGER), "score" = $2)");
    CHECK(postgres_sql(relata::select<Post>().where(p.votes > 10 && p.title.like("C++%")).order_by(p.votes.desc()).limit(20).offset(40))
              .ends_with(R"(WHERE "votes" > $1 AND "title" LIKE $2 ESCAPE '' ORDER BY "votes" DESC LIMIT $3 OFFSET $4)"));
    CHECK(postgres_sql(relata::select<Post, Author>().left_join(p.author_id == a.id).where(a.name == "Ada"))
              .ends_with(R"("author"."id", "author"."name", "author"."country" FROM "post" LEFT JOIN "author" ON "post"."author_id" = "author"."id" WHERE "author"."name" = $1)"));
    constexpr auto m = relata::columns<manager>;
    CHECK(sqlite_sql(relata::select<Employee, manager>().left_join(e.reports_to == m.employee_id).order_by(e.employee_id)) ==
          R"(SELECT "employee"."employee_id", "employee"."name", "employee"."reports_to", "manager"."employee_id", "manager"."name", )"
          R"("manager"."reports_to" FROM "employee" LEFT JOIN "employee" AS "manager" ON "employee"."reports_to" = "manager"."employee_id" )"
          R"(ORDER BY "employee"."employee_id" ASC)");
    CHECK(sqlite_sql(relata::select(a.id, a.name).distinct().order_by(a.name)) == R"(SELECT DISTINCT "id", "name" FROM "author" ORDER BY "name" ASC)");
    CHECK(sqlite_sql(relata::select(p.title, relata::row_number().over(relata::partition_by(p.author_id), relata::order_by(p.votes.desc(), p.id))
                                                .as<"position">())) ==
          R"(SELECT "title", row_number() OVER (PARTITION BY "author_id" ORDER BY "votes" DESC, "id" ASC) AS "position" FROM "post")");
    const auto nz = relata::select(a.name).where(a.country == "NZ");
    const auto busy = relata::select(a.name).join(p.author_id == a.id).where(p.votes > 100);
    CHECK(postgres_sql(nz.union_distinct(busy).order_by(a.name).limit(5)) ==
          R"(SELECT "name" FROM "author" WHERE "country" = $1 UNION SELECT "author"."name" FROM "author" )"
          R"(JOIN "post" ON "post"."author_id" = "author"."id" WHERE "post"."votes" > $2 ORDER BY 1 ASC LIMIT $3)");
    CHECK(sqlite_sql(relata::select<Post>().offset(3).count()) == R"(SELECT COUNT(*) FROM (SELECT 1 FROM "post" LIMIT -1 OFFSET ?) AS "counted")");
    CHECK(postgres_sql(relata::select<Post>().offset(3).count()) == R"(SELECT COUNT(*) FROM (SELECT 1 FROM "post" OFFSET $1) AS "counted")");
    CHECK(sqlite_sql(relata::insert(Article{.slug = "s", .title = "t"}).returning(ar.id)) ==
          R"(INSERT INTO "article" ("author_id", "slug", "title", "votes", "score", "draft", "published_at") VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING "id")");
    CHECK(sqlite_sql(relata::remove<Article>().where(!relata::exists(relata::select(a.id).correlate<Article>().where(a.id == ar.author_id)))) ==
          R"(DELETE FROM "article" WHERE NOT (EXISTS (SELECT "author"."id" FROM "author" WHERE "author"."id" = "article"."author_id")))");
    CHECK(sqlite_sql(relata::insert(Article{.id = 1}).on_conflict(ar.id).do_update(relata::set(ar.votes, ar.votes + relata::excluded(ar.votes)),
                                                                                   relata::set(ar.title, "merged")))
              .ends_with(R"(ON CONFLICT ("id") DO UPDATE SET "votes" = "article"."votes" + excluded."votes", "title" = ?)"));
}

TEST_CASE("guide: the Queries examples run on SQLite", "[docs]") {
    using namespace guide_queries;
    auto db = seeded_database();
    relata::session session{db};
    CHECK(optional_filter(session, "NZ", std::nullopt).size() == 1);
    CHECK(optional_filter(session, std::nullopt, 2).size() == 2);
    CHECK(optional_filter(session, std::nullopt, std::nullopt).size() == 3);
    session.commit();

    // Author 1 has six posts: the only prolific one.
    const auto prolific = relata::select(p.author_id).group_by(p.author_id).having(relata::count() > 5);
    const auto authors = relata::all(db, relata::select<Author>().where(a.id.in(prolific)));
    REQUIRE(authors.size() == 1);
    CHECK(authors[0].name == "Ada");

    const auto tree = relata::all(db, reports_query());
    REQUIRE(tree.size() == 3);
    CHECK(tree[2].employee_id == 3);
    CHECK(tree[2].depth == 2);

    const auto votes = relata::all(db, relata::select<AuthorVotes>(relata::sum(p.votes).as<"votes">(), a.name)
                                           .join(p.author_id == a.id).group_by(a.name).order_by(a.name));
    REQUIRE(votes.size() == 2);
    CHECK(votes[0].votes == 3 + 6 + 9 + 12 + 15 + 18);

    count_and_write_fragments(db, {Country{"nz", "New Zealand"}, Country{"de", "Germany"}});
    CHECK(relata::count(db, relata::select<Post>().offset(3).count()) == 6);
}

namespace guide_queries {
void bulk_expire(relata::session<relata::sqlite::connection>& session) {
    // [snippet:queries-bulk-expire]
    Post& post = session.get<Post>(1);                                  // votes == 12
    session.execute(relata::update<Post>().set(p.votes, p.votes + 1));  // returns the rows changed
    // post.votes is still 12 here: the object is expired, not yet reloaded
    session.get<Post>(1);            // reloads it: the same object, now post.votes == 13
    // [end-snippet]
    CHECK(&session.get<Post>(1) == &post);
    CHECK(post.votes == 13);
}

struct Customer {
    std::int64_t id = 0;
    std::string last_name;
    std::optional<std::string> country;
    int votes = 0;
};
RELATA_MODEL(Customer, id, last_name, country, votes)

// What a web handler receives.
struct search_request {
    std::vector<std::pair<std::string, std::string>> filters;
    std::vector<std::string> sort;
    std::vector<std::string> fields;
};

void dynamic_search(relata::sqlite::connection& db, const search_request& request) {
    // [snippet:queries-dynamic]
    relata::condition<Customer> where;                        // empty: matches every row
    for (const auto& [name, text] : request.filters)          // e.g. {"country", "Canada"}
        where = where && relata::column_named<Customer>(name) == text;
    auto query = relata::select_columns<Customer>(request.fields).where(where);   // rows: relata::dynamic_row
    for (const std::string& term : request.sort)              // "-votes" descending, "last_name" ascending
        query = query.order_by(relata::ordering_named<Customer>(term));
    for (const relata::dynamic_row& row : relata::all(db, query))
        std::cout << relata::describe(row.at("last_name")) << '\n';   // a relata::value, read with the member's type
    // [end-snippet]
}
}  // namespace guide_queries

TEST_CASE("guide: a bulk write through the Session expires the tracked objects", "[docs]") {
    using namespace guide_queries;
    auto db = seeded_database();
    db.execute("UPDATE post SET votes = 12 WHERE id = 1");
    relata::session session{db};
    bulk_expire(session);
}

TEST_CASE("guide: a dynamic query filters and sorts by names given at run time", "[docs]") {
    using namespace guide_queries;
    auto db = relata::sqlite::connect(":memory:");
    relata::create_all<Customer>(db);
    relata::insert_all(db, std::vector<Customer>{{1, "Smith", "Canada", 5}, {2, "O'Brien", "Ireland", 12},
                                                 {3, "Tremblay", "Canada", 12}});
    std::ostringstream printed;
    auto* const old = std::cout.rdbuf(printed.rdbuf());
    try {
        dynamic_search(db, {.filters = {{"country", "Canada"}}, .sort = {"-votes", "last_name"}, .fields = {"id", "last_name"}});
    } catch (...) {
        std::cout.rdbuf(old);
        throw;
    }
    std::cout.rdbuf(old);
    CHECK(printed.str() == "'Tremblay'\n'Smith'\n");
    CHECK_THROWS_AS(dynamic_search(db, {.filters = {{"password", "x"}}, .sort = {}, .fields = {"id", "last_name"}}),
                    relata::unknown_column_error);
}

TEST_CASE("guide: the parameter logger sees the SQL and its values", "[docs]") {
    using namespace guide_queries;
    auto db = seeded_database();
    std::ostringstream logged;
    auto* const old = std::clog.rdbuf(logged.rdbuf());
    // [snippet:queries-logging]
    db.on_sql_with_parameters([](std::string_view sql, std::span<const relata::value> values) {
        std::clog << sql << "  " << relata::describe_parameters(values) << '\n';
    });
    // [end-snippet]
    try {
        (void)relata::all(db, relata::select<Author>().where(a.name == "Ada"));
    } catch (...) {
        std::clog.rdbuf(old);
        throw;
    }
    std::clog.rdbuf(old);
    CHECK(logged.str().find("\"name\" = ?") != std::string::npos);
    CHECK(logged.str().find("'Ada'") != std::string::npos);
}

// ---- Relationships and loading --------------------------------------------------------------
namespace guide_relationships {
struct Author { std::int64_t id = 0; std::string name; };
struct Post { std::int64_t id = 0; std::int64_t author_id = 0; std::optional<std::int64_t> editor_id; std::string title; };
struct Comment { std::int64_t id = 0; std::int64_t post_id = 0; std::string text; };
RELATA_MODEL(Author, id, name)
RELATA_MODEL(Post, id, author_id, editor_id, title)
RELATA_MODEL(Comment, id, post_id, text)
}  // namespace guide_relationships

using guide_relationships::Author;
using guide_relationships::Post;
using guide_relationships::Comment;

// [snippet:relationships-mapping]
template <> struct relata::mapping<Post> {
    static constexpr auto foreign_keys = std::tuple{
        relata::references(&Post::author_id, &Author::id).on_delete(relata::cascade),   // ON DELETE CASCADE
        relata::references(&Post::editor_id, &Author::id).on_delete(relata::set_null)}; // optional member
    static constexpr auto indexes = std::tuple{relata::index(&Post::author_id)};         // children are looked up by it
};
// [end-snippet]
template <> struct relata::mapping<Comment> {
    static constexpr auto foreign_keys = std::tuple{relata::references(&Comment::post_id, &Post::id)};
};

namespace guide_relationships {
void load_everything(relata::session<relata::sqlite::connection>& session) {
    // [snippet:relationships-loading]
    auto authors = session.all(relata::select<Author>()
        .load(relata::select_in(&Post::author_id)                  // + SELECT ... WHERE "author_id" IN (...)
                  .then(relata::select_in(&Comment::post_id))));   // + SELECT ... WHERE "post_id" IN (...)
    for (Author& a : authors)
        for (Post& p : session.children<Post>(a, &Post::author_id))          // no SQL
            for (Comment& c : session.children<Comment>(p, &Comment::post_id))  // no SQL
                std::cout << a.name << ": " << p.title << ": " << c.text << '\n';

    session.all(relata::select<Post>().load(relata::joined(&Post::author_id)));      // one query, LEFT JOIN "author"
    session.all(relata::select<Post>().load(relata::raise_on_lazy(&Post::author_id)));  // lazy load -> relata::lazy_load_error
    // [end-snippet]
}
}  // namespace guide_relationships

TEST_CASE("guide: select_in loads two levels in three queries; navigation runs none", "[docs]") {
    using namespace guide_relationships;
    auto db = relata::sqlite::connect(":memory:");
    relata::create_all<Author, Post, Comment>(db);
    std::vector<Author> authors;
    std::vector<Post> posts;
    std::vector<Comment> comments;
    for (int i = 1; i <= 20; ++i) {
        authors.push_back({i, fmt::format("author {}", i)});
        posts.push_back({.id = i, .author_id = i, .editor_id = std::nullopt, .title = "t"});
        comments.push_back({i, i, "c"});
    }
    relata::insert_all(db, authors);
    relata::insert_all(db, posts);
    relata::insert_all(db, comments);

    int statements = 0;
    db.on_sql([&](std::string_view sql) { statements += sql.starts_with("SELECT") ? 1 : 0; });
    relata::session session{db, {.n_plus_one = relata::n_plus_one_mode::raise}};
    std::ostringstream printed;
    auto* const old = std::cout.rdbuf(printed.rdbuf());
    try {
        load_everything(session);
    } catch (...) {
        std::cout.rdbuf(old);
        throw;
    }
    std::cout.rdbuf(old);
    CHECK(printed.str().starts_with("author 1: t: c\n"));
    CHECK(statements == 3 + 1 + 1);   // authors, posts, comments; the joined query; the raise_on_lazy query
    CHECK(session.statistics().lazy_loads == 0);
    session.rollback();

    // Without loaders a loop over the parents is N+1; the guard of this Session throws.
    relata::session lazy{db, {.n_plus_one = relata::n_plus_one_mode::raise, .n_plus_one_threshold = 10}};
    auto all_posts = lazy.all(relata::select<Post>());
    CHECK_THROWS_AS([&] { for (Post& post : all_posts) (void)lazy.related(post, &Post::author_id); }(),
                    relata::n_plus_one_detected);
    // raise_on_lazy makes the navigation itself an error.
    relata::session strict{db};
    auto guarded = strict.all(relata::select<Post>().load(relata::raise_on_lazy(&Post::author_id)));
    CHECK_THROWS_AS(strict.related(guarded[0], &Post::author_id), relata::lazy_load_error);
}

// ---- docs/coming-from.md -----------------------------------------------------------------------
namespace guide_coming_from {
struct User { std::int64_t id = 0; std::string name; int age = 0; };
RELATA_MODEL(User, id, name, age)

TEST_CASE("guide: the tour for people coming from sqlite_orm, sqlpp11 and SQLAlchemy", "[docs]") {
    // [snippet:coming-from-tour]
    auto db = relata::sqlite::connect(":memory:");
    relata::create_all<User>(db);                                   // metadata.create_all / a first sync_schema

    relata::session session{db};                                    // Session(engine)
    auto& ada = session.add(User{.name = "Ada", .age = 36});        // storage.insert / session.add
    session.commit();                                               // INSERT; COMMIT; ada.id is set

    constexpr auto u = relata::columns<User>;
    for (User& user : session.all(relata::select<User>().where(u.age > 30).order_by(u.name)))
        user.age += 1;                                              // tracked: the identity map's objects
    session.commit();                                               // UPDATE "user" SET "age" = ? WHERE "id" = ?

    User* nobody = session.find<User>(ada.id + 1);                  // get_pointer / session.get: nullptr
    std::int64_t adults = relata::count(db, relata::select<User>().where(u.age >= 18));   // SELECT COUNT(*) ...
    // [end-snippet]
    CHECK(ada.id == 1);
    CHECK(ada.age == 37);
    CHECK(nobody == nullptr);
    CHECK(adults == 1);
    CHECK(relata::query<int>(db, "SELECT age FROM user").front() == 37);
}
}  // namespace guide_coming_from
