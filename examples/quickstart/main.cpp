// relata quickstart: the blog from DESIGN.md on an embedded SQLite database.
// Usage: relata_example_quickstart [database path]   (default: an in-memory database)
#include <chrono>
#include <cstdint>
#include <iostream>
#include <optional>
#include <string>

#include <relata/relata.hpp>
#include <relata/sqlite.hpp>

namespace blog {
struct Author {
    std::int64_t id = 0;
    std::string name;
    std::optional<std::string> email;  // NULL <-> std::nullopt
};
struct Post {
    std::int64_t id = 0;
    std::int64_t author_id = 0;
    std::string title;
    int votes = 0;
    std::chrono::sys_seconds published_at{};
};
RELATA_MODEL(Author, id, name, email)
RELATA_MODEL(Post, id, author_id, title, votes, published_at)
}  // namespace blog

template <>
struct relata::mapping<blog::Post> {
    static constexpr auto table = "posts";
    static constexpr auto foreign_keys = std::tuple{relata::references(&blog::Post::author_id, &blog::Author::id)};
    static constexpr auto indexes = std::tuple{relata::index(&blog::Post::published_at)};
};

int main(int argc, char** argv) {
    using namespace std::chrono_literals;
    auto db = relata::sqlite::connect(argc > 1 ? argv[1] : ":memory:");
    db.on_sql([](std::string_view sql) { std::cout << "  SQL> " << sql << '\n'; });
    relata::create_all<blog::Author, blog::Post>(db);

    relata::session session{db};
    auto& ada = session.add(blog::Author{.name = "Ada", .email = std::nullopt});
    std::cout << "added Ada (pending, id " << ada.id << "); flushing\n";
    session.flush();
    std::cout << "Ada's id is now " << ada.id << '\n';
    const auto day = std::chrono::sys_days{std::chrono::year{2024} / 3 / 1};
    session.add(blog::Post{.author_id = ada.id, .title = "C++ ORMs", .votes = 12, .published_at = day + 9h});
    session.add(blog::Post{.author_id = ada.id, .title = "C++20 concepts", .votes = 30, .published_at = day + 24h});
    session.add(blog::Post{.author_id = ada.id, .title = "Rust", .votes = 50, .published_at = day + 48h});
    session.commit();

    auto& same = session.get<blog::Author>(ada.id);
    std::cout << "identity map: get<Author>(" << ada.id << ") is the same object: " << std::boolalpha
              << (&same == &ada) << '\n';

    constexpr auto p = relata::columns<blog::Post>;
    const auto query = relata::select<blog::Post>()
                           .where(p.votes > 10 && p.title.like("C++%"))
                           .order_by(p.published_at.desc())
                           .limit(20);
    for (blog::Post& post : session.all(query)) {
        std::cout << "  \"" << post.title << "\" has " << post.votes << " votes; +1\n";
        post.votes += 1;
    }
    session.commit();  // UPDATE only the changed column of the changed rows

    std::cout << "the same query for PostgreSQL: " << relata::to_sql(query, relata::postgres_dialect) << '\n';
    const auto popular = session.count(relata::select<blog::Post>().where(p.votes > 10));
    std::cout << "posts with more than 10 votes: " << popular << "; statements run: " << db.statement_count() << '\n';
    return 0;
}
