// expect: relata: mapping<T>::unique names a member that RELATA_MODEL\(T, \.\.\.\) does not list
// A UNIQUE constraint on a member that RELATA_MODEL does not list does not compile (it has no
// column, and its index would be out of range).
#include <cstdint>
#include <string>
#include <tuple>

#include <relata/relata.hpp>

namespace blog {
struct Post {
    std::int64_t id = 0;
    std::string title;
    std::string slug;  // not mapped
};
RELATA_MODEL(Post, id, title)
}  // namespace blog

template <>
struct relata::mapping<blog::Post> {
#ifndef RELATA_COMPILE_FAIL_CONTROL
    static constexpr auto unique = std::tuple{relata::unique(&blog::Post::title, &blog::Post::slug)};
#else
    static constexpr auto unique = std::tuple{relata::unique(&blog::Post::title)};
#endif
};

int main() {
    return relata::create_table_sql<blog::Post>(relata::sqlite_dialect).sql.empty() ? 1 : 0;
}
