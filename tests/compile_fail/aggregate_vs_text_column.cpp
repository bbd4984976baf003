// expect: relata: the two expressions. types cannot be compared
// An aggregate compared with a column of another type (SUM of integers with text) does not compile.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <relata/relata.hpp>

#include "blog_models.hpp"

int main() {
    constexpr auto p = relata::columns<blog::Post>;
    constexpr auto a = relata::columns<blog::Author>;
#ifndef RELATA_COMPILE_FAIL_CONTROL
    (void)(relata::select(a.name).join(p.author_id == a.id).group_by(a.name).having(relata::sum(p.votes) > a.name));
#else
    (void)(relata::select(a.name).join(p.author_id == a.id).group_by(a.name).having(relata::sum(p.votes) > a.id));
#endif
    (void)p;
    (void)a;
    return 0;
}
