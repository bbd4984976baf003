// expect: relata: mapping<T>::version must name an integer member
// The version column of optimistic locking is an integer: a text member does not compile.
#include <cstdint>
#include <string>

#include <relata/relata.hpp>

namespace blog {
struct Post {
    std::int64_t id = 0;
    std::string title;
    std::int64_t version = 0;
};
RELATA_MODEL(Post, id, title, version)
}  // namespace blog

template <>
struct relata::mapping<blog::Post> {
#ifndef RELATA_COMPILE_FAIL_CONTROL
    static constexpr auto version = &blog::Post::title;
#else
    static constexpr auto version = &blog::Post::version;
#endif
};

int main() {
    return relata::create_table_sql<blog::Post>(relata::sqlite_dialect).sql.empty() ? 1 : 0;
}
