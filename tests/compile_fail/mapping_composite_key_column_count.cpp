// expect: relata: a composite foreign key lists as many referencing members as referenced members
// A composite foreign key with fewer referencing than referenced columns does not compile.
#include <cstdint>
#include <tuple>

#include <relata/relata.hpp>

namespace shop {
struct Order {
    std::int64_t id = 0;
    std::int64_t version = 0;
};
RELATA_MODEL(Order, id, version)
struct Line {
    std::int64_t id = 0;
    std::int64_t order_id = 0;
    std::int64_t order_version = 0;
};
RELATA_MODEL(Line, id, order_id, order_version)
}  // namespace shop

template <>
struct relata::mapping<shop::Order> {
    static constexpr auto primary_key = std::tuple{&shop::Order::id, &shop::Order::version};
};
template <>
struct relata::mapping<shop::Line> {
#ifndef RELATA_COMPILE_FAIL_CONTROL
    static constexpr auto foreign_keys = std::tuple{
        relata::references(std::tuple{&shop::Line::order_id}, std::tuple{&shop::Order::id, &shop::Order::version})};
#else
    static constexpr auto foreign_keys = std::tuple{relata::references(
        std::tuple{&shop::Line::order_id, &shop::Line::order_version}, std::tuple{&shop::Order::id, &shop::Order::version})};
#endif
};

int main() {
    return relata::create_table_sql<shop::Line>(relata::sqlite_dialect).sql.empty() ? 1 : 0;
}
