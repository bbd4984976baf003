// expect: relata: cannot combine conditions on two different models
// && of a condition on Post and a condition on Author does not compile.
#include <cstdint>
#include <string>
#include <vector>

#include <relata/relata.hpp>

#include "blog_models.hpp"

int main() {
    constexpr auto p = relata::columns<blog::Post>;
    constexpr auto a = relata::columns<blog::Author>;
#ifndef RELATA_COMPILE_FAIL_CONTROL
    (void)(p.votes > 1 && a.name == "Ada");
#else
    (void)(p.votes > 1 && p.title == "Ada");
#endif
    (void)p;
    (void)a;
    return 0;
}
