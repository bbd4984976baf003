// expect: relata: in\(\) values must have a type comparable with the expression.s type
// in() with strings on an integer column does not compile.
#include <cstdint>
#include <string>
#include <vector>

#include <relata/relata.hpp>

#include "blog_models.hpp"

int main() {
    constexpr auto p = relata::columns<blog::Post>;
    constexpr auto a = relata::columns<blog::Author>;
#ifndef RELATA_COMPILE_FAIL_CONTROL
    (void)(p.votes.in(std::vector<std::string>{"1", "2"}));
#else
    (void)(p.votes.in(std::vector<int>{1, 2}));
#endif
    (void)p;
    (void)a;
    return 0;
}
