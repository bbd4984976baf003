// expect: relata: cannot compare columns of two different models
// Comparing a Post column with an Author column (a join condition) is not a single-model condition.
#include <cstdint>
#include <string>
#include <vector>

#include <relata/relata.hpp>

#include "blog_models.hpp"

int main() {
    constexpr auto p = relata::columns<blog::Post>;
    constexpr auto a = relata::columns<blog::Author>;
#ifndef RELATA_COMPILE_FAIL_CONTROL
    (void)(p.author_id == a.id);
#else
    (void)(p.author_id == p.id);
#endif
    (void)p;
    (void)a;
    return 0;
}
