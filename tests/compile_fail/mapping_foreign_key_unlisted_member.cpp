// expect: relata: mapping<T>::foreign_keys references a member that the target's RELATA_MODEL does not list
// A foreign key to a member that the referenced model's RELATA_MODEL does not list does not
// compile.
#include <cstdint>
#include <string>
#include <tuple>

#include <relata/relata.hpp>

namespace blog {
struct Author {
    std::int64_t id = 0;
    std::string name;
    std::int64_t legacy_id = 0;  // not mapped
};
RELATA_MODEL(Author, id, name)
struct Post {
    std::int64_t id = 0;
    std::int64_t author_id = 0;
};
RELATA_MODEL(Post, id, author_id)
}  // namespace blog

template <>
struct relata::mapping<blog::Post> {
#ifndef RELATA_COMPILE_FAIL_CONTROL
    static constexpr auto foreign_keys = std::tuple{relata::references(&blog::Post::author_id, &blog::Author::legacy_id)};
#else
    static constexpr auto foreign_keys = std::tuple{relata::references(&blog::Post::author_id, &blog::Author::id)};
#endif
};

int main() {
    return relata::create_table_sql<blog::Post>(relata::postgres_dialect).sql.empty() ? 1 : 0;
}
