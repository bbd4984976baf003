// expect: relata: arithmetic needs numbers on both sides
// Arithmetic on text does not compile (+ on two texts concatenates).
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
    (void)(p.title * 2);
#else
    (void)(p.votes * 2);
#endif
    (void)p;
    (void)a;
    return 0;
}
