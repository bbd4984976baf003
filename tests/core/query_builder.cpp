// Golden SQL for the query builder's constructs — joins, aliases, projections, aggregates,
// windows, functions, date/time, subqueries, set operations, CTEs — for SQLite and PostgreSQL.
// The expected strings are written by hand from the SQL each engine needs; the behaviour tests
// (tests/behaviour/query_builder.cpp) run the same constructs on both databases.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include <pthread.h>

#include "catch.hpp"

#include <relata/relata.hpp>

namespace builder_test {

struct Author {
    std::int64_t id = 0;
    std::string name;
    std::optional<std::string> country;
};
RELATA_MODEL(Author, id, name, country)

struct Post {
    std::int64_t id = 0;
    std::int64_t author_id = 0;
    std::string title;
    int votes = 0;
    double score = 0;
    std::chrono::sys_seconds published_at{};
    std::optional<std::int64_t> parent_id;
};
RELATA_MODEL(Post, id, author_id, title, votes, score, published_at, parent_id)

struct Employee {
    std::int64_t employee_id = 0;
    std::string name;
    std::optional<std::int64_t> reports_to;
};
RELATA_MODEL(Employee, employee_id, name, reports_to)

struct AuthorVotes {
    std::string name;
    std::optional<std::int64_t> votes;
};
RELATA_MODEL(AuthorVotes, name, votes)

struct Reports {
    std::int64_t employee_id = 0;
    std::int64_t depth = 0;
};
RELATA_MODEL(Reports, employee_id, depth)

using manager = relata::alias<Employee, "manager">;

constexpr auto a = relata::columns<Author>;
constexpr auto p = relata::columns<Post>;
constexpr auto e = relata::columns<Employee>;
constexpr auto m = relata::columns<manager>;
constexpr auto r = relata::columns<Reports>;

std::string sqlite(const auto& query) { return relata::to_sql(query, relata::sqlite_dialect).sql; }
std::string postgres(const auto& query) { return relata::to_sql(query, relata::postgres_dialect).sql; }

const std::string post_columns = R"("post"."id", "post"."author_id", "post"."title", "post"."votes", "post"."score", )"
                                 R"("post"."published_at", "post"."parent_id")";
const std::string author_columns = R"("author"."id", "author"."name", "author"."country")";

TEST_CASE("joins select qualified columns of every model and read tuples", "[builder][join]") {
    const auto inner = relata::select<Post, Author>().join(p.author_id == a.id);
    static_assert(std::is_same_v<decltype(inner)::row_type, std::tuple<Post, Author>>);
    CHECK(sqlite(inner) == "SELECT " + post_columns + ", " + author_columns +
                               R"( FROM "post" JOIN "author" ON "post"."author_id" = "author"."id")");

    const auto left = relata::select<Post, Author>().left_join(p.author_id == a.id).where(a.name == "Ada");
    static_assert(std::is_same_v<decltype(left)::row_type, std::tuple<Post, std::optional<Author>>>);
    CHECK(postgres(left) == "SELECT " + post_columns + ", " + author_columns +
                                R"( FROM "post" LEFT JOIN "author" ON "post"."author_id" = "author"."id" WHERE "author"."name" = $1)");

    const auto right = relata::select<Post, Author>().right_join(p.author_id == a.id);
    static_assert(std::is_same_v<decltype(right)::row_type, std::tuple<std::optional<Post>, Author>>);
    CHECK(sqlite(right).find(R"( FROM "post" RIGHT JOIN "author" ON )") != std::string::npos);

    const auto full = relata::select<Post, Author>().full_join(p.author_id == a.id);
    static_assert(std::is_same_v<decltype(full)::row_type, std::tuple<std::optional<Post>, std::optional<Author>>>);
    CHECK(sqlite(full).find(R"( FROM "post" FULL JOIN "author" ON )") != std::string::npos);

    // A joined model that is not selected only filters.
    const auto filtered = relata::select<Post>().join(p.author_id == a.id).where(a.country == "NZ");
    static_assert(std::is_same_v<decltype(filtered)::row_type, Post>);
    CHECK(sqlite(filtered) == "SELECT " + post_columns +
                                  R"( FROM "post" JOIN "author" ON "post"."author_id" = "author"."id" WHERE "author"."country" = ?)");
    // The joined source can be named.
    CHECK(sqlite(relata::select<Post>().join<Author>(a.id == p.author_id)) ==
          "SELECT " + post_columns + R"( FROM "post" JOIN "author" ON "author"."id" = "post"."author_id")");
}

TEST_CASE("an alias joins a table to itself", "[builder][join][alias]") {
    const auto q = relata::select<Employee, manager>().left_join(e.reports_to == m.employee_id).order_by(e.employee_id);
    static_assert(std::is_same_v<decltype(q)::row_type, std::tuple<Employee, std::optional<Employee>>>);
    CHECK(sqlite(q) == R"(SELECT "employee"."employee_id", "employee"."name", "employee"."reports_to", )"
                       R"("manager"."employee_id", "manager"."name", "manager"."reports_to" FROM "employee" )"
                       R"(LEFT JOIN "employee" AS "manager" ON "employee"."reports_to" = "manager"."employee_id" )"
                       R"(ORDER BY "employee"."employee_id" ASC)");
    const auto names = relata::select(e.name, m.name.nullable()).left_join(e.reports_to == m.employee_id);
    static_assert(std::is_same_v<decltype(names)::row_type, std::tuple<std::string, std::optional<std::string>>>);
    CHECK(postgres(names) == R"(SELECT "employee"."name", "manager"."name" FROM "employee" LEFT JOIN "employee" AS "manager" )"
                             R"(ON "employee"."reports_to" = "manager"."employee_id")");
}

TEST_CASE("projections into values, tuples and structs", "[builder][projection]") {
    const auto names = relata::select(a.name).where(a.country.is_null());
    static_assert(std::is_same_v<decltype(names)::row_type, std::string>);
    CHECK(sqlite(names) == R"(SELECT "name" FROM "author" WHERE "country" IS NULL)");

    const auto pairs = relata::select(a.id, a.name).distinct().order_by(a.name);
    static_assert(std::is_same_v<decltype(pairs)::row_type, std::tuple<std::int64_t, std::string>>);
    CHECK(sqlite(pairs) == R"(SELECT DISTINCT "id", "name" FROM "author" ORDER BY "name" ASC)");

    // Members are matched by name, whatever the order of the expressions.
    const auto totals = relata::select<AuthorVotes>(relata::sum(p.votes).as<"votes">(), a.name)
                            .join(p.author_id == a.id)
                            .group_by(a.name);
    static_assert(std::is_same_v<decltype(totals)::row_type, AuthorVotes>);
    CHECK(sqlite(totals) == R"(SELECT "author"."name" AS "name", SUM("post"."votes") AS "votes" FROM "post" )"
                            R"(JOIN "author" ON "post"."author_id" = "author"."id" GROUP BY "author"."name")");

    // Without a column in the select list, from<T>() names the table.
    CHECK(postgres(relata::select(relata::count()).from<Post>().where(p.votes > 3)) ==
          R"(SELECT COUNT(*) FROM "post" WHERE "votes" > $1)");
}

TEST_CASE("arithmetic, concatenation and functions", "[builder][expression]") {
    const auto q = relata::select((p.votes + 1).as<"next">(), (p.score * p.votes).as<"weighted">(),
                                  (a.name + " (" + relata::coalesce(a.country, "?") + ")").as<"label">())
                       .join(p.author_id == a.id);
    static_assert(std::is_same_v<decltype(q)::row_type, std::tuple<std::int64_t, double, std::string>>);
    CHECK(sqlite(q) == R"(SELECT "post"."votes" + ? AS "next", "post"."score" * "post"."votes" AS "weighted", )"
                       R"((("author"."name" || ?) || coalesce("author"."country", ?)) || ? AS "label" FROM "post" )"
                       R"(JOIN "author" ON "post"."author_id" = "author"."id")");
    CHECK(postgres(q) == R"(SELECT "post"."votes" + CAST($1 AS INTEGER) AS "next", "post"."score" * "post"."votes" AS "weighted", )"
                         R"((("author"."name" || CAST($2 AS TEXT)) || coalesce("author"."country", CAST($3 AS TEXT))) || )"
                         R"(CAST($4 AS TEXT) AS "label" FROM "post" JOIN "author" ON "post"."author_id" = "author"."id")");

    CHECK(sqlite(relata::select(relata::lower(a.name), relata::upper(a.name), relata::length(a.name), relata::trim(a.name))) ==
          R"(SELECT lower("name"), upper("name"), length("name"), trim("name") FROM "author")");
    CHECK(postgres(relata::select(relata::round(p.score, 2), relata::abs(p.votes), -p.votes, p.votes % 7)) ==
          R"(SELECT round(CAST("score" AS NUMERIC), 2), abs("votes"), -"votes", "votes" % CAST($1 AS INTEGER) FROM "post")");
    CHECK(sqlite(relata::select(relata::round(p.score, 2))) == R"(SELECT round("score", 2) FROM "post")");
    CHECK(postgres(relata::select(relata::nullif(p.votes, 0), relata::cast<double>(p.votes), relata::cast<std::string>(p.id))) ==
          R"(SELECT nullif("votes", CAST($1 AS INTEGER)), CAST("votes" AS DOUBLE PRECISION), CAST("id" AS TEXT) FROM "post")");
    CHECK(sqlite(relata::select(relata::cast<double>(p.votes))) == R"(SELECT CAST("votes" AS REAL) FROM "post")");

    const auto size = relata::case_when(p.votes > 100, "hot").when(p.votes > 10, "warm").otherwise("cold");
    static_assert(std::is_same_v<decltype(size)::value_type, std::string>);
    CHECK(postgres(relata::select(size.as<"heat">())) ==
          R"(SELECT CASE WHEN "votes" > $1 THEN CAST($2 AS TEXT) WHEN "votes" > $3 THEN CAST($4 AS TEXT) ELSE CAST($5 AS TEXT) END AS "heat" FROM "post")");
    const auto maybe = relata::case_when(p.votes > 100, p.title);
    static_assert(std::is_same_v<relata::detail::value_of_t<decltype(maybe)>, std::optional<std::string>>);
    CHECK(sqlite(relata::select(maybe)) == R"(SELECT CASE WHEN "votes" > ? THEN "title" END FROM "post")");
}

TEST_CASE("date and time functions render per dialect", "[builder][time]") {
    CHECK(sqlite(relata::select(relata::year(p.published_at), relata::month(p.published_at))) ==
          R"(SELECT CAST(strftime('%Y', "published_at") AS INTEGER), CAST(strftime('%m', "published_at") AS INTEGER) FROM "post")");
    CHECK(postgres(relata::select(relata::year(p.published_at), relata::day(p.published_at))) ==
          R"(SELECT CAST(FLOOR(EXTRACT(YEAR FROM "published_at")) AS BIGINT), CAST(FLOOR(EXTRACT(DAY FROM "published_at")) AS BIGINT) FROM "post")");
    CHECK(sqlite(relata::select(relata::extract(relata::date_unit::quarter, p.published_at))) ==
          R"(SELECT ((CAST(strftime('%m', "published_at") AS INTEGER) + 2) / 3) FROM "post")");
    CHECK(sqlite(relata::select(relata::truncate(p.published_at, relata::date_unit::month))) ==
          R"(SELECT strftime('%Y-%m-01 00:00:00', "published_at") FROM "post")");
    CHECK(postgres(relata::select(relata::truncate(p.published_at, relata::date_unit::month))) ==
          R"(SELECT date_trunc('month', "published_at") FROM "post")");
    CHECK(sqlite(relata::select(relata::format_time(p.published_at, "%Y-%m"))) ==
          R"(SELECT strftime('%Y-%m', "published_at") FROM "post")");
    CHECK(postgres(relata::select(relata::format_time(p.published_at, "%Y-%m-%dT%H:%M:%S"))) ==
          R"(SELECT to_char("published_at", 'YYYY-MM-DD"T"HH24:MI:SS') FROM "post")");
    CHECK_THROWS_AS(relata::format_time(p.published_at, "%Y %B"), relata::error);       // %B differs per engine
    CHECK_THROWS_AS(relata::format_time(p.published_at, "%Y' OR 1=1"), relata::error);  // only separators

    // The same expression object in the select list and GROUP BY groups by position.
    const auto month = relata::format_time(p.published_at, "%Y-%m");
    CHECK(postgres(relata::select(month.as<"month">(), relata::count()).group_by(month).order_by(month)) ==
          R"(SELECT to_char("published_at", 'YYYY-MM') AS "month", COUNT(*) FROM "post" GROUP BY 1 )"
          R"(ORDER BY to_char("published_at", 'YYYY-MM') ASC)");
}

TEST_CASE("aggregates have the C++ types they read into", "[builder][aggregate]") {
    static_assert(std::is_same_v<relata::detail::value_of_t<decltype(relata::count())>, std::int64_t>);
    static_assert(std::is_same_v<relata::detail::value_of_t<decltype(relata::count(p.id))>, std::int64_t>);
    static_assert(std::is_same_v<relata::detail::value_of_t<decltype(relata::sum(p.votes))>, std::optional<std::int64_t>>);
    static_assert(std::is_same_v<relata::detail::value_of_t<decltype(relata::sum(p.score))>, std::optional<double>>);
    static_assert(std::is_same_v<relata::detail::value_of_t<decltype(relata::avg(p.votes))>, std::optional<double>>);
    static_assert(std::is_same_v<relata::detail::value_of_t<decltype(relata::max(p.title))>, std::optional<std::string>>);
    static_assert(std::is_same_v<relata::detail::value_of_t<decltype(relata::min(p.published_at))>,
                                 std::optional<std::chrono::sys_seconds>>);

    const auto q = relata::select(a.name, relata::count(), relata::count_distinct(p.title), relata::avg(p.score), relata::max(p.votes))
                       .join(p.author_id == a.id)
                       .group_by(a.name)
                       .having(relata::count() > 2 && relata::sum(p.votes) >= 10)
                       .order_by(relata::count().desc(), a.name);
    CHECK(postgres(q) == R"(SELECT "author"."name", COUNT(*), COUNT(DISTINCT "post"."title"), AVG("post"."score"), )"
                         R"(MAX("post"."votes") FROM "author" JOIN "post" ON "post"."author_id" = "author"."id" )"
                         R"(GROUP BY "author"."name" HAVING COUNT(*) > $1 AND SUM("post"."votes") >= $2 )"
                         R"(ORDER BY COUNT(*) DESC, "author"."name" ASC)");
}

TEST_CASE("window functions", "[builder][window]") {
    const auto ranked = relata::select(p.title, relata::row_number()
                                                    .over(relata::partition_by(p.author_id), relata::order_by(p.votes.desc(), p.id))
                                                    .as<"position">());
    CHECK(sqlite(ranked) == R"(SELECT "title", row_number() OVER (PARTITION BY "author_id" ORDER BY "votes" DESC, "id" ASC) )"
                            R"(AS "position" FROM "post")");
    CHECK(sqlite(relata::select(relata::rank().over(relata::order_by(p.votes)), relata::dense_rank().over(),
                                relata::sum(p.votes).over(relata::partition_by(p.author_id)))) ==
          R"(SELECT rank() OVER (ORDER BY "votes" ASC), dense_rank() OVER (), SUM("votes") OVER (PARTITION BY "author_id") FROM "post")");
}

TEST_CASE("ORDER BY any expression, with NULL placement", "[builder][order]") {
    CHECK(postgres(relata::select<Author>().order_by(a.country.asc().nulls_last(), relata::length(a.name).desc().nulls_first())) ==
          R"(SELECT "id", "name", "country" FROM "author" ORDER BY "country" ASC NULLS LAST, length("name") DESC NULLS FIRST)");
}

TEST_CASE("subqueries: IN, EXISTS, scalar, correlated", "[builder][subquery]") {
    // IN (subquery)
    const auto prolific = relata::select(p.author_id).group_by(p.author_id).having(relata::count() > 5);
    CHECK(sqlite(relata::select<Author>().where(a.id.in(prolific))) ==
          R"(SELECT "author"."id", "author"."name", "author"."country" FROM "author" WHERE "author"."id" IN )"
          R"((SELECT "post"."author_id" FROM "post" GROUP BY "post"."author_id" HAVING COUNT(*) > ?))");
    // Correlated NOT EXISTS: parameters are numbered across the nesting.
    const auto silent = relata::select<Author>().where(
        a.country == "NZ" && relata::not_exists(relata::select(p.id).correlate<Author>().where(p.author_id == a.id && p.votes > 3)));
    CHECK(postgres(silent) == R"(SELECT "author"."id", "author"."name", "author"."country" FROM "author" WHERE "author"."country" = $1 )"
                              R"(AND NOT EXISTS (SELECT "post"."id" FROM "post" WHERE "post"."author_id" = "author"."id" )"
                              R"(AND "post"."votes" > $2))");
    // A single-column select is a scalar expression (optional: no row is NULL).
    const auto average = relata::select(relata::avg(p.votes));
    static_assert(std::is_same_v<relata::detail::value_of_t<decltype(average)>, std::optional<double>>);
    CHECK(sqlite(relata::select(p.title).where(p.votes > average)) ==
          R"(SELECT "post"."title" FROM "post" WHERE "post"."votes" > (SELECT AVG("post"."votes") FROM "post"))");
    CHECK(sqlite(relata::select(a.name, relata::select(relata::count()).from<Post>().correlate<Author>().where(p.author_id == a.id).as<"posts">())) ==
          R"(SELECT "author"."name", (SELECT COUNT(*) FROM "post" WHERE "post"."author_id" = "author"."id") AS "posts" FROM "author")");
}

TEST_CASE("set operations", "[builder][set]") {
    const auto nz = relata::select(a.name).where(a.country == "NZ");
    const auto busy = relata::select(a.name).join(p.author_id == a.id).where(p.votes > 100);
    CHECK(sqlite(nz.union_all(busy)) == R"(SELECT "name" FROM "author" WHERE "country" = ? UNION ALL SELECT "author"."name" )"
                                        R"(FROM "author" JOIN "post" ON "post"."author_id" = "author"."id" WHERE "post"."votes" > ?)");
    CHECK(postgres(nz.union_distinct(busy).order_by(a.name).limit(5)) ==
          R"(SELECT "name" FROM "author" WHERE "country" = $1 UNION SELECT "author"."name" FROM "author" JOIN "post" )"
          R"(ON "post"."author_id" = "author"."id" WHERE "post"."votes" > $2 ORDER BY 1 ASC LIMIT $3)");
    CHECK(sqlite(nz.intersect(busy)).find(" INTERSECT ") != std::string::npos);
    CHECK(sqlite(nz.except(busy).except(nz)).ends_with(R"( EXCEPT SELECT "name" FROM "author" WHERE "country" = ?)"));
    // An operand with its own ORDER BY / LIMIT becomes a subquery.
    CHECK(sqlite(nz.order_by(a.name).limit(1).union_all(busy)) ==
          R"(SELECT * FROM (SELECT "name" FROM "author" WHERE "country" = ? ORDER BY "name" ASC LIMIT ?) AS "relata_operand_1" )"
          R"(UNION ALL SELECT "author"."name" FROM "author" JOIN "post" ON "post"."author_id" = "author"."id" WHERE "post"."votes" > ?)");
    CHECK(sqlite(nz.union_all(busy).count()) ==
          R"(SELECT COUNT(*) FROM (SELECT "name" FROM "author" WHERE "country" = ? UNION ALL SELECT "author"."name" FROM "author" )"
          R"(JOIN "post" ON "post"."author_id" = "author"."id" WHERE "post"."votes" > ?) AS "counted")");
}

TEST_CASE("common table expressions, recursive ones too", "[builder][cte]") {
    const auto tree = relata::cte<Reports>(
        relata::select<Reports>(e.employee_id, relata::literal<std::int64_t>(0).as<"depth">()).where(e.reports_to.is_null())
            .union_all(relata::select<Reports>(e.employee_id, (r.depth + 1).as<"depth">()).join(e.reports_to == r.employee_id)));
    const auto q = relata::select<Reports>().with_recursive(tree).order_by(r.depth, r.employee_id);
    CHECK(sqlite(q) == R"(WITH RECURSIVE "reports" ("employee_id", "depth") AS (SELECT "employee_id" AS "employee_id", ? AS "depth" )"
                       R"(FROM "employee" WHERE "reports_to" IS NULL UNION ALL SELECT "employee"."employee_id" AS "employee_id", )"
                       R"("reports"."depth" + ? AS "depth" FROM "employee" JOIN "reports" ON "employee"."reports_to" = "reports"."employee_id") )"
                       R"(SELECT "reports"."employee_id", "reports"."depth" FROM "reports" ORDER BY "reports"."depth" ASC, )"
                       R"("reports"."employee_id" ASC)");
    CHECK(postgres(q).starts_with(R"(WITH RECURSIVE "reports" ("employee_id", "depth") AS (SELECT "employee_id" AS "employee_id", )"
                                  R"(CAST($1 AS BIGINT) AS "depth" FROM "employee")"));
    const auto plain = relata::select<AuthorVotes>().with(relata::cte<AuthorVotes>(
        relata::select<AuthorVotes>(a.name, relata::sum(p.votes).as<"votes">()).join(p.author_id == a.id).group_by(a.name)));
    CHECK(sqlite(plain).starts_with(R"(WITH "author_votes" ("name", "votes") AS (SELECT)"));
}

TEST_CASE("count() of any query", "[builder][count]") {
    CHECK(sqlite(relata::select(a.country).distinct().count()) ==
          R"(SELECT COUNT(*) FROM (SELECT DISTINCT "country" FROM "author") AS "counted")");
    CHECK(sqlite(relata::select(p.author_id).group_by(p.author_id).count()) ==
          R"(SELECT COUNT(*) FROM (SELECT "author_id" FROM "post" GROUP BY "author_id") AS "counted")");
    CHECK(sqlite(relata::select<Post, Author>().join(p.author_id == a.id).where(a.name == "x").count()) ==
          R"(SELECT COUNT(*) FROM "post" JOIN "author" ON "post"."author_id" = "author"."id" WHERE "author"."name" = ?)");
}

TEST_CASE("conditions over several models widen and compose at run time", "[builder][condition]") {
    relata::condition<Post, Author> filter;
    filter = filter && p.votes > 3;         // a condition<Post> widens
    filter = filter && a.name == "Ada";
    filter = (a.country == "NZ") && filter;  // the other order of the sources widens too
    CHECK(sqlite(relata::select<Post>().join(p.author_id == a.id).where(filter)).ends_with(
        R"(WHERE "author"."country" = ? AND "post"."votes" > ? AND "author"."name" = ?)"));
}

TEST_CASE("one million && terms: built in linear time, flat, rendered and destroyed without recursion", "[builder][deep]") {
    constexpr int terms = 1'000'000;
    relata::condition<Post> all_of;
    relata::condition<Post> any_of = relata::condition<Post>::none();
    for (int i = 0; i < terms; ++i) {
        all_of = all_of && p.votes != i;
        any_of = any_of || p.votes == i;
    }
    REQUIRE(all_of.node()->kind == relata::detail::node_kind::logical_and);
    CHECK(all_of.node()->children.size() == terms);  // one n-ary node, not a chain
    CHECK(all_of.node()->depth == 3);               // AND -> comparison -> column/parameter
    CHECK(any_of.node()->children.size() == terms);
    const auto rendered = relata::to_sql(relata::select<Post>().where(all_of), relata::sqlite_dialect);
    CHECK(rendered.parameters.size() == terms);
    CHECK(std::get<std::int64_t>(rendered.parameters.back()) == terms - 1);
    const auto rendered_or = relata::to_sql(relata::select<Post>().where(any_of), relata::postgres_dialect);
    CHECK(rendered_or.sql.find("$1000000") != std::string::npos);
    // A branch off a shared prefix copies, leaving the original intact.
    relata::condition<Post> prefix = p.votes > 1 && p.votes > 2;
    const auto left = prefix && p.votes > 3;
    const auto right = prefix && p.votes > 4;
    CHECK(sqlite(relata::select<Post>().where(left)).ends_with(R"("votes" > ? AND "votes" > ? AND "votes" > ?)"));
    CHECK(relata::to_sql(relata::select<Post>().where(right), relata::sqlite_dialect).parameters.back() == relata::value{std::int64_t{4}});
    CHECK(relata::to_sql(relata::select<Post>().where(left), relata::sqlite_dialect).parameters.back() == relata::value{std::int64_t{3}});
    // Destroying the million-term trees happens at scope exit: no stack overflow (the test
    // would crash otherwise).
}

TEST_CASE("a query used as a base is never changed; a temporary is changed in place", "[builder][values]") {
    const auto base = relata::select<Post>().where(p.votes > 1);
    const std::string base_sql = sqlite(base);
    // Every clause on an lvalue copies it: the base renders as before, each branch has its own clauses.
    const auto branched = base.where(p.votes < 9).distinct().group_by(p.author_id).having(relata::count() > 1)
                              .order_by(p.title).limit(5).offset(10);
    const auto other = base.limit(1);
    CHECK(sqlite(base) == base_sql);
    CHECK(sqlite(other) == base_sql + " LIMIT ?");
    REQUIRE(base_sql.starts_with("SELECT "));
    CHECK(sqlite(branched) == "SELECT DISTINCT " + base_sql.substr(7) +
                                  R"( AND "votes" < ? GROUP BY "author_id" HAVING COUNT(*) > ? ORDER BY "title" ASC LIMIT ? OFFSET ?)");
    CHECK(relata::to_sql(branched, relata::sqlite_dialect).parameters ==
          std::vector<relata::value>{std::int64_t{1}, std::int64_t{9}, std::int64_t{1}, std::int64_t{5}, std::int64_t{10}});
    // std::move(q).clause() reuses q's data: the result is the same query as the copying chain.
    auto moved = base;
    const auto from_moved = std::move(moved).where(p.votes < 9).distinct().group_by(p.author_id).having(relata::count() > 1)
                                .order_by(p.title).limit(5).offset(10);
    CHECK(sqlite(from_moved) == sqlite(branched));
    CHECK(relata::to_sql(from_moved, relata::sqlite_dialect).parameters == relata::to_sql(branched, relata::sqlite_dialect).parameters);
    CHECK(sqlite(base) == base_sql);
}

TEST_CASE("a 200,000-term filter on a thread with a 256 KiB stack", "[builder][deep]") {
    struct work {
        std::size_t parameters = 0;
        static void* run(void* self) {
            relata::condition<Post> filter;
            for (int i = 0; i < 200'000; ++i) filter = filter && p.votes != i;
            static_cast<work*>(self)->parameters = relata::to_sql(relata::select<Post>().where(filter), relata::sqlite_dialect).parameters.size();
            return nullptr;  // `filter` is destroyed on this thread's small stack
        }
    } job;
    pthread_attr_t attributes;
    REQUIRE(pthread_attr_init(&attributes) == 0);
    REQUIRE(pthread_attr_setstacksize(&attributes, 256 * 1024) == 0);
    pthread_t thread;
    REQUIRE(pthread_create(&thread, &attributes, &work::run, &job) == 0);
    REQUIRE(pthread_join(thread, nullptr) == 0);
    pthread_attr_destroy(&attributes);
    CHECK(job.parameters == 200'000);
}

TEST_CASE("alternating &&/|| nesting past 1,000 levels is a clear error, not a crash", "[builder][deep]") {
    relata::condition<Post> nested = p.votes == 0;
    for (int i = 1; i < 5000; ++i) nested = (i % 2 == 0) ? (nested && p.votes == i) : (nested || p.votes == i);
    CHECK(nested.node()->depth > 1000);
    CHECK_THROWS_AS(relata::to_sql(relata::select<Post>().where(nested), relata::sqlite_dialect), relata::error);
}

}  // namespace builder_test

namespace builder_test {

TEST_CASE("one expression object in SELECT, GROUP BY and ORDER BY binds its parameters once on PostgreSQL",
          "[builder][group]") {
    const auto bucket = p.votes / 10 * 10;
    const auto q = relata::select(bucket, relata::count()).group_by(bucket).having(relata::sum(p.votes) > 5).order_by(bucket.desc());
    // GROUP BY names the select-list position; ORDER BY repeats the expression with the same
    // numbers, which PostgreSQL recognises as the grouped expression (new numbers are 42803).
    CHECK(postgres(q) == R"(SELECT ("votes" / CAST($1 AS INTEGER)) * CAST($2 AS INTEGER), COUNT(*) FROM "post" GROUP BY 1 )"
                         R"(HAVING SUM("votes") > $3 ORDER BY ("votes" / CAST($1 AS INTEGER)) * CAST($2 AS INTEGER) DESC)");
    CHECK(relata::to_sql(q, relata::postgres_dialect).parameters.size() == 3);
    CHECK(sqlite(q) == R"(SELECT ("votes" / ?) * ?, COUNT(*) FROM "post" GROUP BY 1 HAVING SUM("votes") > ? )"
                       R"(ORDER BY ("votes" / ?) * ? DESC)");
    CHECK(relata::to_sql(q, relata::sqlite_dialect).parameters.size() == 5);
}

}  // namespace builder_test

namespace builder_test {

TEST_CASE("a compound query orders by result columns: names, positions of selected expressions, else an error",
          "[builder][set]") {
    const auto upper_name = relata::upper(a.name);
    const auto nz = relata::select(upper_name, a.id).where(a.country == "NZ");
    const auto au = relata::select(relata::upper(a.name), a.id).where(a.country == "AU");
    CHECK(postgres(nz.union_all(au).order_by(upper_name.desc(), a.id)) ==
          R"(SELECT upper("name"), "id" FROM "author" WHERE "country" = $1 UNION ALL )"
          R"(SELECT upper("name"), "id" FROM "author" WHERE "country" = $2 ORDER BY 1 DESC, 2 ASC)");
    CHECK_THROWS_WITH(sqlite(nz.union_all(au).order_by(relata::lower(a.name))),
                      Catch::Matchers::Contains("can only name result columns"));
}

}  // namespace builder_test

namespace builder_test {

TEST_CASE("columns, orderings and select lists named at run time", "[builder][dynamic]") {
    const auto q = relata::select_columns<Post>({"title", "votes"})
                       .where(relata::column_named<Post>("votes") >= "10" && relata::column_named<Post>("title") != "x")
                       .order_by(relata::ordering_named<Post>("-published_at"));
    CHECK(sqlite(q) == R"(SELECT "title" AS "title", "votes" AS "votes" FROM "post" WHERE "votes" >= ? AND "title" <> ? )"
                       R"(ORDER BY "published_at" DESC)");
    CHECK(postgres(q) == R"(SELECT "title" AS "title", "votes" AS "votes" FROM "post" WHERE "votes" >= $1 AND "title" <> $2 )"
                         R"(ORDER BY "published_at" DESC)");
    // The text "10" was converted to the member's type (int) before binding.
    CHECK(relata::to_sql(q, relata::sqlite_dialect).parameters ==
          std::vector<relata::value>{std::int64_t{10}, std::string("x")});
    CHECK_THROWS_AS(relata::column_named<Post>("Votes; --"), relata::unknown_column_error);
    // A column name under a naming convention resolves too (Chinook's PascalCase).
    CHECK(relata::column_named<Post>("PublishedAt").name() == "published_at");
}

}  // namespace builder_test
