// expect: relata: RELATA_MODEL\(Post, \.\.\.\) lists 'summary', which is not a data member of Post
// RELATA_MODEL listing a member function instead of a data member does not compile.
#include <cstdint>
#include <string>

#include <relata/relata.hpp>

namespace blog {
struct Post {
    std::int64_t id = 0;
    std::string title;
    [[nodiscard]] std::string summary() const { return title.substr(0, 10); }
};
#ifndef RELATA_COMPILE_FAIL_CONTROL
RELATA_MODEL(Post, id, title, summary)
#else
RELATA_MODEL(Post, id, title)
#endif
}  // namespace blog

int main() {
    return relata::detail::field_count<blog::Post> >= 2 ? 0 : 1;
}
