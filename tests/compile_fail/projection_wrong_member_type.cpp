// expect: relata: a projected expression.s type cannot be read into the struct member of its name
// select<Row>(...) fills members by name; a text expression into an integer member does not compile.
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
    (void)(relata::select<blog::AuthorVotes>(a.name, a.name.as<"votes">()));
#else
    (void)(relata::select<blog::AuthorVotes>(a.name, relata::count().as<"votes">()));
#endif
    (void)p;
    (void)a;
    return 0;
}
