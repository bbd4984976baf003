// expect: relata: like\(\) needs a text \(std::string\) expression
// like() on an integer column does not compile.
#include <cstdint>
#include <string>
#include <vector>

#include <relata/relata.hpp>

#include "blog_models.hpp"

int main() {
    constexpr auto p = relata::columns<blog::Post>;
    constexpr auto a = relata::columns<blog::Author>;
#ifndef RELATA_COMPILE_FAIL_CONTROL
    (void)(p.votes.like("1%"));
#else
    (void)(p.title.like("1%"));
#endif
    (void)p;
    (void)a;
    return 0;
}
