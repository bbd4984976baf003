// Typed query objects against a real database: where, order, limit, offset, count, and
// conditions composed at run time.
#include <optional>
#include <string>
#include <vector>

#include "backends.hpp"
#include "models.hpp"

using test_models::Author;
using test_models::Keyword;
using test_models::Post;

namespace {

template <class Connection>
void seed_queries(Connection& db) {
    using namespace std::chrono;
    relata::create_all<Author, Post>(db);
    relata::session session{db};
    const char* names[] = {"Ada", "Grace", "Barbara", "Edsger", "Donald"};
    for (const char* name : names)
        session.add(Author{.name = name, .email = std::string(name) == "Grace" ? std::nullopt
                                                                               : std::optional<std::string>(std::string(name) + "@example.com")});
    session.flush();
    const auto day = sys_days{year{2024} / 1 / 1};
    for (int i = 1; i <= 20; ++i)
        session.add(Post{.author_id = 1 + (i % 5),
                         .title = (i % 2 ? "C++ " : "Rust ") + std::to_string(i),
                         .votes = i * 5,
                         .published_at = day + days{i}});
    session.commit();
}

template <class Rows>
std::vector<int> votes_of(const Rows& rows) {
    std::vector<int> votes;
    for (const Post& p : rows) votes.push_back(p.votes);
    return votes;
}

}  // namespace

RELATA_BACKEND_TEST("where, order_by, limit and offset", "[query]") {
    relata_test::database test;
    auto& db = test.db;
    seed_queries(db);
    constexpr auto p = relata::columns<Post>;
    relata::session session{db};

    auto top = session.all(relata::select<Post>().where(p.votes > 50 && p.title.like("C++%")).order_by(p.votes.desc()).limit(3));
    CHECK(votes_of(top) == std::vector<int>{95, 85, 75});

    auto page = session.all(relata::select<Post>().order_by(p.votes).limit(5).offset(5));
    CHECK(votes_of(page) == std::vector<int>{30, 35, 40, 45, 50});

    auto tail = session.all(relata::select<Post>().order_by(p.votes).offset(18));
    CHECK(votes_of(tail) == std::vector<int>{95, 100});

    auto picked = session.all(relata::select<Post>().where(p.votes.in({10, 20, 999})).order_by(p.votes));
    CHECK(votes_of(picked) == std::vector<int>{10, 20});
    CHECK(session.all(relata::select<Post>().where(p.votes.in(std::vector<int>{}))).empty());

    auto ranged = session.all(relata::select<Post>().where(p.votes.between(40, 50) || p.votes == 5).order_by(p.votes.desc()));
    CHECK(votes_of(ranged) == std::vector<int>{50, 45, 40, 5});

    auto negated = session.all(relata::select<Post>().where(!(p.votes >= 15)).order_by(p.votes));
    CHECK(votes_of(negated) == std::vector<int>{5, 10});

    const auto cutoff = std::chrono::sys_days{std::chrono::year{2024} / 1 / 4};  // posts i=1,2 are published on Jan 2 and 3
    auto early = session.all(relata::select<Post>().where(p.published_at < cutoff).order_by(p.published_at));
    CHECK(votes_of(early) == std::vector<int>{5, 10});

    CHECK(session.count(relata::select<Post>()) == 20);
    CHECK(session.count(relata::select<Post>().where(p.title.like("Rust%"))) == 10);
    CHECK(session.count(relata::select<Post>().order_by(p.id).limit(4).offset(18)) == 2);
    REQUIRE(session.first(relata::select<Post>().where(p.votes > 1000)) == nullptr);
    CHECK(session.first(relata::select<Post>().order_by(p.votes.desc()))->votes == 100);
    REQUIRE_THROWS_AS(session.one(relata::select<Post>().where(p.votes > 90)), relata::multiple_results);
    REQUIRE_THROWS_AS(session.one(relata::select<Post>().where(p.votes > 1000)), relata::no_result);
    CHECK(session.one(relata::select<Post>().where(p.votes == 100)).votes == 100);
}

RELATA_BACKEND_TEST("NULL comparisons", "[query]") {
    relata_test::database test;
    auto& db = test.db;
    seed_queries(db);
    constexpr auto a = relata::columns<Author>;
    relata::session session{db};
    CHECK(session.one(relata::select<Author>().where(a.email.is_null())).name == "Grace");
    CHECK(session.one(relata::select<Author>().where(a.email == std::nullopt)).name == "Grace");
    const std::optional<std::string> none;
    CHECK(session.one(relata::select<Author>().where(a.email == none)).name == "Grace");
    CHECK(session.count(relata::select<Author>().where(a.email.is_not_null())) == 4);
    CHECK(session.count(relata::select<Author>().where(a.email != std::nullopt)) == 4);
    CHECK(session.one(relata::select<Author>().where(a.email == "Ada@example.com")).name == "Ada");
}

RELATA_BACKEND_TEST("conditions composed at run time from optional filters", "[query]") {
    relata_test::database test;
    auto& db = test.db;
    seed_queries(db);
    constexpr auto p = relata::columns<Post>;

    auto search = [&](std::optional<std::string> prefix, std::optional<int> min_votes, std::optional<std::int64_t> author) {
        relata::condition<Post> filter;
        if (prefix) filter = filter && p.title.like(*prefix + "%");
        if (min_votes) filter = filter && p.votes >= *min_votes;
        if (author) filter = filter && p.author_id == *author;
        return relata::count(db, relata::select<Post>().where(filter));
    };
    CHECK(search(std::nullopt, std::nullopt, std::nullopt) == 20);
    CHECK(search("C++", std::nullopt, std::nullopt) == 10);
    CHECK(search("C++", 50, std::nullopt) == 5);
    CHECK(search(std::nullopt, 50, 1) == 3);  // author 1 has i%5==0: votes 25, 50, 75, 100
}

RELATA_BACKEND_TEST("queries without a Session return plain values", "[query]") {
    relata_test::database test;
    auto& db = test.db;
    seed_queries(db);
    constexpr auto p = relata::columns<Post>;
    const auto query = relata::select<Post>().where(p.votes <= 10).order_by(p.votes);
    const std::vector<Post> rows = relata::all(db, query);
    CHECK(votes_of(rows) == std::vector<int>{5, 10});
    const std::optional<Post> best = relata::first(db, relata::select<Post>().order_by(p.votes.desc()));
    REQUIRE(best.has_value());
    CHECK(best->votes == 100);
    CHECK(relata::count(db, query) == 2);
    // The same query value runs again with the same result: it was not consumed or changed.
    CHECK(relata::all(db, query).size() == 2);
}

RELATA_BACKEND_TEST("hand-written SQL maps rows by position to a model", "[query]") {
    relata_test::database test;
    auto& db = test.db;
    seed_queries(db);
    const auto sql = relata_test::engine == relata::engine::sqlite
                         ? "SELECT a.\"name\", SUM(p.\"votes\") AS total FROM \"author\" a JOIN \"posts\" p ON p.\"author_id\" = a.\"id\" "
                           "WHERE a.\"name\" <> ? GROUP BY a.\"name\" ORDER BY 2 DESC, 1 LIMIT 2"
                         : "SELECT a.\"name\", SUM(p.\"votes\")::bigint AS total FROM \"author\" a JOIN \"posts\" p ON p.\"author_id\" = a.\"id\" "
                           "WHERE a.\"name\" <> ? GROUP BY a.\"name\" ORDER BY 2 DESC, 1 LIMIT 2";
    const auto rows = db.query<test_models::NameTotal>(sql, "Ada");
    REQUIRE(rows.size() == 2);
    // authors 2..5 own posts i with i%5 == 1..4; sums of 5*i over i in {1,6,11,16} = 170, {2,7,12,17} = 190, ...
    CHECK(rows[0].name == "Donald");
    CHECK(rows[0].total == 5 * (4 + 9 + 14 + 19));
    CHECK(rows[1].name == "Edsger");
    CHECK(rows[1].total == 5 * (3 + 8 + 13 + 18));
}

RELATA_BACKEND_TEST("keywords as table and column names", "[query][schema]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Keyword>(db);
    relata::session session{db};
    session.add(Keyword{.order = "first", .group = 7});
    session.add(Keyword{.order = "second", .group = std::nullopt});
    session.commit();
    constexpr auto k = relata::columns<Keyword>;
    CHECK(session.one(relata::select<Keyword>().where(k.group == 7)).order == "first");
    auto ordered = session.all(relata::select<Keyword>().order_by(k.order.desc()));
    REQUIRE(ordered.size() == 2);
    CHECK(ordered[0].order == "second");
}

RELATA_BACKEND_TEST("table and column names for hand-written SQL follow the naming convention", "[query]") {
    relata_test::database test(relata::naming::pascal_case);
    auto& db = test.db;
    relata::create_all<Author>(db);
    CHECK(relata::table_name<Author>(db.sql_dialect()) == "Author");
    CHECK(relata::column_name(db.sql_dialect(), &Author::email) == "Email");
    relata::session session{db};
    session.add(Author{.name = "Ada", .email = "ada@example.com"});
    session.commit();
    const std::string sql = fmt::format("SELECT \"{}\" AS name, COUNT(*) AS total FROM \"{}\" GROUP BY \"{}\"",
                                        relata::column_name(db.sql_dialect(), &Author::name),
                                        relata::table_name<Author>(db.sql_dialect()),
                                        relata::column_name(db.sql_dialect(), &Author::name));
    const auto rows = db.query<test_models::NameTotal>(sql);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].name == "Ada");
    CHECK(rows[0].total == 1);
}
