// expect: relata: RELATA_MODEL\(Post, \.\.\.\) lists 'titel', which is not a data member of Post
// RELATA_MODEL listing a name that is not a member of the struct (a typo) does not compile,
// and the diagnostic names the model and the name.
#include <cstdint>
#include <string>

#include <relata/relata.hpp>

namespace blog {
struct Post {
    std::int64_t id = 0;
    std::string title;
};
#ifndef RELATA_COMPILE_FAIL_CONTROL
RELATA_MODEL(Post, id, titel)
#else
RELATA_MODEL(Post, id, title)
#endif
}  // namespace blog

int main() {
    return relata::detail::field_count<blog::Post> == 2 ? 0 : 1;
}
