// expect: relata: the expression uses a column of a model that is not in this query
// select<Post>().where() with a condition on Author's columns does not compile.
#include <cstdint>
#include <string>
#include <vector>

#include <relata/relata.hpp>

#include "blog_models.hpp"

int main() {
    constexpr auto p = relata::columns<blog::Post>;
    constexpr auto a = relata::columns<blog::Author>;
#ifndef RELATA_COMPILE_FAIL_CONTROL
    (void)(relata::select<blog::Post>().where(a.name == "Ada"));
#else
    (void)(relata::select<blog::Post>().where(p.title == "Ada"));
#endif
    (void)p;
    (void)a;
    return 0;
}
