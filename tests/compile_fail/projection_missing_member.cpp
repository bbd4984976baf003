// expect: relata: a member of the struct the query selects into has no projected expression of its name
// select<Row>(...) needs an expression for every member of Row.
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
    (void)(relata::select<blog::AuthorVotes>(a.name, relata::count()));
#else
    (void)(relata::select<blog::AuthorVotes>(a.name, relata::count().as<"votes">()));
#endif
    (void)p;
    (void)a;
    return 0;
}
