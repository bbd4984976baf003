// expect: relata: contains\(\) needs a text \(std::string\) expression
// contains() (like starts_with() and ends_with()) on an integer column does not compile.
#include <relata/relata.hpp>

#include "blog_models.hpp"

int main() {
    constexpr auto p = relata::columns<blog::Post>;
#ifndef RELATA_COMPILE_FAIL_CONTROL
    (void)(p.votes.contains("1%"));
#else
    (void)(p.title.contains("1%"));
#endif
    (void)p;
    return 0;
}
