// expect: relata: mapping<T>::column_names names a member that RELATA_MODEL\(T, \.\.\.\) does not list
// A column name for a member that RELATA_MODEL does not list does not compile (it used to be
// ignored silently).
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
    static constexpr auto column_names = std::tuple{relata::column_name(&blog::Post::slug, "Slug")};
#else
    static constexpr auto column_names = std::tuple{relata::column_name(&blog::Post::title, "Title")};
#endif
};

int main() {
    return relata::table_name<blog::Post>(relata::sqlite_dialect).empty() ? 1 : 0;
}
