// expect: relata: this member type cannot be stored in a column
// A member of a type relata cannot store fails with one static_assert, whether the model is
// created, written or read.
#include <cstdint>
#include <map>
#include <string>

#include <relata/relata.hpp>

namespace shop {
struct Product {
    std::int64_t id = 0;
#ifndef RELATA_COMPILE_FAIL_CONTROL
    std::map<std::string, int> attributes;
#else
    std::vector<std::string> attributes;
#endif
};
RELATA_MODEL(Product, id, attributes)
}  // namespace shop

int main() {
    const auto ddl = relata::create_table_sql<shop::Product>(relata::sqlite_dialect);
    const auto insert = relata::to_sql(relata::insert(shop::Product{}), relata::postgres_dialect);
    (void)ddl;
    (void)insert;
    return 0;
}
