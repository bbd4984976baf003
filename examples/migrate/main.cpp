// relata migrate: a blog schema v1 -> v2 with relata::plan_migration and relata::apply_plan.
// v1 has authors and posts; v2 adds a column with a default (post.votes), an index
// (post.votes) and a table with a foreign key to an old one (comment.post_id -> post.id).
// The program creates v1, fills it, prints the plan for v2, applies it, and checks that every
// row is kept; it exits 1 when a check fails.
//
// Usage: relata_example_migrate sqlite <database file>     (the file is created afresh)
//        relata_example_migrate postgres <conninfo>         (in a schema relata_example_migrate, created afresh)
//        relata_example_migrate postgres-file <file>        (the conninfo read from a file; exit 77 when it is missing)
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include <relata/relata.hpp>
#include <relata/schema/plan_migration.hpp>
#include <relata/sqlite.hpp>
#if defined(RELATA_EXAMPLE_WITH_POSTGRES)
#include <relata/postgres.hpp>
#endif

namespace blog_v1 {
struct Author {
    std::int64_t id = 0;
    std::string name;
};
RELATA_MODEL(Author, id, name)
struct Post {
    std::int64_t id = 0;
    std::int64_t author_id = 0;
    std::string title;
    std::optional<std::string> body;
};
RELATA_MODEL(Post, id, author_id, title, body)
}  // namespace blog_v1

namespace blog_v2 {
using blog_v1::Author;
struct Post {
    std::int64_t id = 0;
    std::int64_t author_id = 0;
    std::string title;
    std::optional<std::string> body;
    int votes = 0;  // new: NOT NULL DEFAULT 0
};
RELATA_MODEL(Post, id, author_id, title, body, votes)
struct Comment {  // new table
    std::int64_t id = 0;
    std::int64_t post_id = 0;
    std::string text;
};
RELATA_MODEL(Comment, id, post_id, text)
}  // namespace blog_v2

template <>
struct relata::mapping<blog_v1::Author> {
    static constexpr auto table = "author";
};
template <>
struct relata::mapping<blog_v1::Post> {
    static constexpr auto table = "post";
    static constexpr auto foreign_keys = std::tuple{relata::references(&blog_v1::Post::author_id, &blog_v1::Author::id)};
};
template <>
struct relata::mapping<blog_v2::Post> {
    using P = blog_v2::Post;
    static constexpr auto table = "post";
    static constexpr auto defaults = std::tuple{relata::default_value(&P::votes, 0)};
    static constexpr auto indexes = std::tuple{relata::index(&P::votes)};
    static constexpr auto foreign_keys = std::tuple{relata::references(&P::author_id, &blog_v1::Author::id)};
};
template <>
struct relata::mapping<blog_v2::Comment> {
    using C = blog_v2::Comment;
    static constexpr auto table = "comment";
    static constexpr auto foreign_keys = std::tuple{relata::references(&C::post_id, &blog_v2::Post::id).on_delete(relata::cascade)};
};

namespace {

int failures = 0;

void check(bool ok, const std::string& what) {
    fmt::print("{} {}\n", ok ? "ok:    " : "FAILED:", what);
    if (!ok) ++failures;
}

template <class Connection>
int run(Connection& db) {
    relata::create_all<blog_v1::Author, blog_v1::Post>(db);
    {
        relata::session session{db};
        auto& ada = session.add(blog_v1::Author{.name = "Ada"});
        auto& grace = session.add(blog_v1::Author{.name = "Grace"});
        session.flush();
        session.add(blog_v1::Post{.author_id = ada.id, .title = "Notes on the engine", .body = "Loops and cards."});
        session.add(blog_v1::Post{.author_id = grace.id, .title = "Compilers", .body = std::nullopt});
        session.add(blog_v1::Post{.author_id = ada.id, .title = "Bernoulli numbers", .body = "Note G."});
        session.commit();
    }
    const auto order = relata::columns<blog_v1::Post>.id.asc();
    const std::vector<blog_v1::Post> before = relata::all(db, relata::select<blog_v1::Post>().order_by(order));
    fmt::print("v1: {} authors, {} posts\n", relata::count(db, relata::select<blog_v1::Author>()), before.size());

    const relata::migration_plan plan = relata::plan_migration<blog_v2::Author, blog_v2::Post, blog_v2::Comment>(db);
    fmt::print("\nthe plan for v2:\n{}\n", plan.sql());
    relata::apply_plan(db, plan);
    relata::verify_schema<blog_v2::Author, blog_v2::Post, blog_v2::Comment>(db);
    fmt::print("applied; verify_schema<v2> passes\n\n");

    const std::vector<blog_v2::Post> after =
        relata::all(db, relata::select<blog_v2::Post>().order_by(relata::columns<blog_v2::Post>.id.asc()));
    check(before.size() == 3, "v1 had 3 posts");
    check(after.size() == before.size(), fmt::format("v2 has the same {} posts", after.size()));
    for (std::size_t i = 0; i < before.size() && i < after.size(); ++i) {
        const auto& old = before[i];
        const auto& now = after[i];
        check(old.id == now.id && old.author_id == now.author_id && old.title == now.title && old.body == now.body,
              fmt::format("post {} \"{}\" kept its id, author, title and body", now.id, now.title));
        check(now.votes == 0, fmt::format("post {} has the new column's default: votes = {}", now.id, now.votes));
    }
    check(relata::count(db, relata::select<blog_v2::Author>()) == 2, "v2 has the same 2 authors");

    relata::session session{db};
    session.add(blog_v2::Comment{.post_id = after.front().id, .text = "First!"});
    session.commit();
    check(relata::count(db, relata::select<blog_v2::Comment>()) == 1, "the new comment table takes a comment on an old post");
    bool refused = false;
    try {
        relata::execute(db, "INSERT INTO comment (post_id, text) VALUES (?, ?)", std::int64_t{999}, std::string("orphan"));
    } catch (const relata::constraint_violation&) {
        refused = true;
    }
    check(refused, "its foreign key refuses a comment on a post that does not exist");
    check(relata::plan_migration<blog_v2::Author, blog_v2::Post, blog_v2::Comment>(db).empty(),
          "planning v2 again finds nothing to do");
    return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        fmt::print(stderr, "usage: relata_example_migrate sqlite <file> | postgres <conninfo> | postgres-file <file>\n");
        return 2;
    }
    const std::string kind = argv[1];
    std::string target = argv[2];
    try {
        if (kind == "sqlite") {
            std::remove(target.c_str());
            auto db = relata::sqlite::connect(target);
            return run(db);
        }
        if (kind == "postgres" || kind == "postgres-file") {
#if defined(RELATA_EXAMPLE_WITH_POSTGRES)
            if (kind == "postgres-file") {
                std::ifstream in(target);
                if (!in || !std::getline(in, target) || target.empty()) {
                    fmt::print(stderr, "relata_example_migrate: no conninfo in {}; skipping\n", argv[2]);
                    return 77;
                }
            }
            auto db = relata::postgres::connect(target);
            db.execute_script("DROP SCHEMA IF EXISTS relata_example_migrate CASCADE; CREATE SCHEMA relata_example_migrate; "
                              "SET search_path TO relata_example_migrate");
            return run(db);
#else
            fmt::print(stderr, "relata_example_migrate: built without PostgreSQL (RELATA_WITH_POSTGRES=OFF)\n");
            return 77;
#endif
        }
        fmt::print(stderr, "relata_example_migrate: unknown target {}\n", kind);
        return 2;
    } catch (const relata::error& e) {
        fmt::print(stderr, "{}\n", e.what());
        return 1;
    }
}
