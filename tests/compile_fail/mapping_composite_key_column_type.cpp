// expect: relata: each referencing member of a composite foreign key must have the type of the member it references
// A composite foreign key whose columns differ in type from the referenced ones does not compile.
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>

#include <relata/relata.hpp>

namespace shop {
struct Order {
    std::int64_t id = 0;
    std::string region;
};
RELATA_MODEL(Order, id, region)
struct Line {
    std::int64_t id = 0;
    std::int64_t order_id = 0;
    std::int64_t order_region_code = 0;
    std::optional<std::string> order_region;
};
RELATA_MODEL(Line, id, order_id, order_region_code, order_region)
}  // namespace shop

template <>
struct relata::mapping<shop::Order> {
    static constexpr auto primary_key = std::tuple{&shop::Order::id, &shop::Order::region};
};
template <>
struct relata::mapping<shop::Line> {
#ifndef RELATA_COMPILE_FAIL_CONTROL
    static constexpr auto foreign_keys = std::tuple{relata::references(
        std::tuple{&shop::Line::order_id, &shop::Line::order_region_code}, std::tuple{&shop::Order::id, &shop::Order::region})};
#else
    static constexpr auto foreign_keys = std::tuple{relata::references(
        std::tuple{&shop::Line::order_id, &shop::Line::order_region}, std::tuple{&shop::Order::id, &shop::Order::region})};
#endif
};

int main() {
    return relata::create_table_sql<shop::Line>(relata::sqlite_dialect).sql.empty() ? 1 : 0;
}
