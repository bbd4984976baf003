#pragma once
/// @file
/// Snapshots and dirty checks: which members of a tracked object differ from the values its
/// row held when it was loaded or last flushed.
#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "relata/detail/reflection.hpp"
#include "relata/types.hpp"

namespace relata::detail {

/// Equality for dirty checks: floating point compares bit patterns, so NaN is not always
/// dirty and -0.0 differs from 0.0.
template <class V>
bool same_value(const V& a, const V& b) {
    if constexpr (std::is_floating_point_v<V>) {
        if constexpr (sizeof(V) == 8) return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
        else if constexpr (sizeof(V) == 4) return std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b);
        else return a == b;
    } else if constexpr (is_optional<V>::value) {
        if (a.has_value() != b.has_value()) return false;
        return !a.has_value() || same_value(*a, *b);
    } else {
        static_assert(std::equality_comparable<V>,
                      "relata: a member type needs operator== so the Session can detect changes");
        return a == b;
    }
}

/// True when any member of `current` differs from `snapshot`: the dirty check, stopping at the
/// first difference and allocating nothing (changed_columns builds the list a flush needs).
template <model T>
bool differs(const T& current, const T& snapshot) {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
        return (!same_value(current.*member_pointer<T, I>, snapshot.*member_pointer<T, I>) || ...);
    }(std::make_index_sequence<field_count<T>>{});
}

/// Indexes of the members where `current` differs from `snapshot`.
template <model T>
std::vector<std::size_t> changed_columns(const T& current, const T& snapshot) {
    std::vector<std::size_t> changed;
    for_each_field<T>([&](auto i) {
        if (!same_value(current.*member_pointer<T, i.value>, snapshot.*member_pointer<T, i.value>))
            changed.push_back(i.value);
    });
    return changed;
}

}  // namespace relata::detail
