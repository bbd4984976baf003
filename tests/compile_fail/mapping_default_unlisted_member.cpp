// expect: relata: mapping<T>::defaults names a member that RELATA_MODEL\(T, \.\.\.\) does not list
// A default for a member that RELATA_MODEL does not list does not compile (it has no column).
#include <cstdint>
#include <string>
#include <tuple>

#include <relata/relata.hpp>

namespace blog {
struct Post {
    std::int64_t id = 0;
    std::string title;
    int votes = 0;  // not mapped
};
RELATA_MODEL(Post, id, title)
}  // namespace blog

template <>
struct relata::mapping<blog::Post> {
#ifndef RELATA_COMPILE_FAIL_CONTROL
    static constexpr auto defaults = std::tuple{relata::default_value(&blog::Post::votes, 0)};
#else
    static constexpr auto defaults = std::tuple{relata::default_value(&blog::Post::title, "untitled")};
#endif
};

int main() {
    return relata::create_table_sql<blog::Post>(relata::sqlite_dialect).sql.empty() ? 1 : 0;
}
