// expect: relata: the expression uses a column of a model that is not in this query
// A condition combining Post and Author columns is fine, but not in a query without Author.
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
    (void)(relata::select<blog::Post>().where(p.votes > 1 && a.name == "Ada"));
#else
    (void)(relata::select<blog::Post>().join(p.author_id == a.id).where(p.votes > 1 && a.name == "Ada"));
#endif
    (void)p;
    (void)a;
    return 0;
}
