// expect: relata: set\(\): the expression.s type cannot be stored in the column
// set(column, expression) checks the expression type against the column type.
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
    (void)(relata::update<blog::Post>().set(p.votes, p.title));
#else
    (void)(relata::update<blog::Post>().set(p.votes, p.votes + 1));
#endif
    (void)p;
    (void)a;
    return 0;
}
