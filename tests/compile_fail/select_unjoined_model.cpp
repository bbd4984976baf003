// expect: relata: the query selects a column of a model that is not in its FROM/JOIN list
// A select list naming a model the query never joins does not render.
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
    (void)(relata::to_sql(relata::select(p.title, a.name), relata::sqlite_dialect));
#else
    (void)(relata::to_sql(relata::select(p.title, a.name).join(p.author_id == a.id), relata::sqlite_dialect));
#endif
    (void)p;
    (void)a;
    return 0;
}
