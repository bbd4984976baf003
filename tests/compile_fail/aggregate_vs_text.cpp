// expect: relata: the value.s type cannot be compared with the column.s type
// An aggregate has a type: COUNT(*) compared with text does not compile.
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
    (void)(relata::select(a.name, relata::count()).group_by(a.name).having(relata::count() > "many"));
#else
    (void)(relata::select(a.name, relata::count()).group_by(a.name).having(relata::count() > 5));
#endif
    (void)p;
    (void)a;
    return 0;
}
