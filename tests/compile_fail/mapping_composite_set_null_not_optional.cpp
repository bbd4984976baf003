// expect: relata: mapping<T>::foreign_keys uses on_delete\(relata::set_null\) or on_update\(relata::set_null\) on a member that is not std::optional
// ON UPDATE SET NULL over a composite foreign key with one non-optional member does not compile.
#include <cstdint>
#include <optional>
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
    std::optional<std::int64_t> order_id;
    std::int64_t order_version = 0;
    std::optional<std::int64_t> optional_version;
};
RELATA_MODEL(Line, id, order_id, order_version, optional_version)
}  // namespace shop

template <>
struct relata::mapping<shop::Order> {
    static constexpr auto primary_key = std::tuple{&shop::Order::id, &shop::Order::version};
};
template <>
struct relata::mapping<shop::Line> {
#ifndef RELATA_COMPILE_FAIL_CONTROL
    static constexpr auto foreign_keys =
        std::tuple{relata::references(std::tuple{&shop::Line::order_id, &shop::Line::order_version},
                                      std::tuple{&shop::Order::id, &shop::Order::version})
                       .on_update(relata::set_null)};
#else
    static constexpr auto foreign_keys =
        std::tuple{relata::references(std::tuple{&shop::Line::order_id, &shop::Line::optional_version},
                                      std::tuple{&shop::Order::id, &shop::Order::version})
                       .on_update(relata::set_null)};
#endif
};

int main() {
    return relata::create_table_sql<shop::Line>(relata::sqlite_dialect).sql.empty() ? 1 : 0;
}
