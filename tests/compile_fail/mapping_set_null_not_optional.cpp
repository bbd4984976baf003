// expect: relata: mapping<T>::foreign_keys uses on_delete\(relata::set_null\) or on_update\(relata::set_null\) on a member that is not std::optional
// ON DELETE SET NULL over a member that cannot hold NULL does not compile.
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>

#include <relata/relata.hpp>

namespace blog {
struct Author {
    std::int64_t id = 0;
    std::string name;
};
RELATA_MODEL(Author, id, name)
struct Post {
    std::int64_t id = 0;
    std::int64_t author_id = 0;
    std::optional<std::int64_t> editor_id;
};
RELATA_MODEL(Post, id, author_id, editor_id)
}  // namespace blog

template <>
struct relata::mapping<blog::Post> {
#ifndef RELATA_COMPILE_FAIL_CONTROL
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&blog::Post::author_id, &blog::Author::id).on_delete(relata::set_null)};
#else
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&blog::Post::editor_id, &blog::Author::id).on_delete(relata::set_null)};
#endif
};

int main() {
    return relata::create_table_sql<blog::Post>(relata::postgres_dialect).sql.empty() ? 1 : 0;
}
