// expect: relata: the value's type cannot be compared with the column's type
// An integer column compared with a string does not compile.
#include <cstdint>
#include <string>
#include <vector>

#include <relata/relata.hpp>

#include "blog_models.hpp"

int main() {
    constexpr auto p = relata::columns<blog::Post>;
    constexpr auto a = relata::columns<blog::Author>;
#ifndef RELATA_COMPILE_FAIL_CONTROL
    (void)(p.votes > "ten");
#else
    (void)(p.votes > 10);
#endif
    (void)p;
    (void)a;
    return 0;
}
