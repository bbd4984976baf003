// expect: relata: set\(\): the value.s type cannot be stored in the column
// update<T>().set(column, value) checks the value against the column type.
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
    (void)(relata::update<blog::Post>().set(p.votes, "ten"));
#else
    (void)(relata::update<blog::Post>().set(p.votes, 10));
#endif
    (void)p;
    (void)a;
    return 0;
}
