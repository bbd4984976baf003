// expect: relata: a struct member receives a column of an outer-joined model
// After a LEFT JOIN the joined model's columns may be NULL: a struct member that receives one
// must be a std::optional.
#include <cstdint>
#include <optional>
#include <string>

#include <relata/relata.hpp>

#include "blog_models.hpp"

namespace blog {
struct TitleAndAuthor {
    std::string title;
#ifndef RELATA_COMPILE_FAIL_CONTROL
    std::string name;
#else
    std::optional<std::string> name;
#endif
};
RELATA_MODEL(TitleAndAuthor, title, name)
}  // namespace blog

int main() {
    constexpr auto p = relata::columns<blog::Post>;
    constexpr auto a = relata::columns<blog::Author>;
    (void)(relata::select<blog::TitleAndAuthor>(p.title, a.name).left_join(p.author_id == a.id));
    return 0;
}
