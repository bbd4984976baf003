// expect: relata: join\(condition\) joins the one model of the condition that is not yet in the query
// join(condition) infers the joined model; a condition with two new models names none.
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
    (void)(relata::select<blog::Post>().join(a.id == relata::columns<relata::alias<blog::Author, "other">>.id));
#else
    (void)(relata::select<blog::Post>().join(p.author_id == a.id));
#endif
    (void)p;
    (void)a;
    return 0;
}
