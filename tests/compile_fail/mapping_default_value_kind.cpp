// expect: relata: default_value gives a number to a member that is not a number
// A literal default of the wrong kind (a number for a text column) does not compile: SQLite
// would store it as given and PostgreSQL refuse it only when the table is created.
#include <cstdint>
#include <string>
#include <tuple>

#include <relata/relata.hpp>

namespace blog {
struct Post {
    std::int64_t id = 0;
    std::string title;
};
RELATA_MODEL(Post, id, title)
}  // namespace blog

template <>
struct relata::mapping<blog::Post> {
#ifndef RELATA_COMPILE_FAIL_CONTROL
    static constexpr auto defaults = std::tuple{relata::default_value(&blog::Post::title, 0)};
#else
    static constexpr auto defaults = std::tuple{relata::default_value(&blog::Post::title, "untitled")};
#endif
};

int main() {
    return relata::create_table_sql<blog::Post>(relata::sqlite_dialect).sql.empty() ? 1 : 0;
}
