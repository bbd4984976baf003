#pragma once
/// @file
/// One view of single-column (`relata::foreign_key`) and composite
/// (`relata::composite_foreign_key`) foreign keys for the code that emits DDL, orders flushes
/// and navigates relationships: the referencing and referenced members as a "member set" (one
/// member pointer, or a std::tuple of them), their column indexes, and key values read from
/// objects (`std::tuple` of the column values for a composite key, nothing when a column is
/// NULL: SQL's MATCH SIMPLE).
#include <array>
#include <cstddef>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "relata/detail/reflection.hpp"
#include "relata/mapping.hpp"
#include "relata/query/expression.hpp"
#include "relata/types.hpp"

namespace relata::detail {

template <class Key>
struct foreign_key_traits;
template <class M, class V, class T, class TV>
struct foreign_key_traits<foreign_key<M, V, T, TV>> {
    using child = M;
    using target = T;
    using members_type = V M::*;
    static constexpr std::size_t size = 1;
};
template <class M, class T, class Members, class TargetMembers>
struct foreign_key_traits<composite_foreign_key<M, T, Members, TargetMembers>> {
    using child = M;
    using target = T;
    using members_type = Members;
    static constexpr std::size_t size = std::tuple_size_v<Members>;
};

/// The model a foreign key references.
template <class Key>
using foreign_key_target_t = typename foreign_key_traits<std::remove_cvref_t<Key>>::target;

/// The referencing members of a foreign key: a member pointer, or a std::tuple of them.
template <class Key>
constexpr auto members_of(const Key& key) noexcept {
    if constexpr (requires { key.members; }) return key.members;
    else return key.member;
}

/// The referenced members of a foreign key: a member pointer, or a std::tuple of them.
template <class Key>
constexpr auto target_members_of(const Key& key) noexcept {
    if constexpr (requires { key.target_members; }) return key.target_members;
    else return key.target_member;
}

/// A member set: `V C::*` (one column) or `std::tuple<V C::*...>` (composite).
template <class Members>
struct member_set {
    using model = typename member_class<Members>::type;
    using value = std::remove_cvref_t<decltype(std::declval<const model&>().*std::declval<Members>())>;
    static constexpr std::size_t size = 1;
    static constexpr bool nullable = is_optional<value>::value;
    /// The key value type: the column's type without std::optional.
    using key_type = remove_optional_t<value>;
};
template <class First, class... Rest>
struct member_set<std::tuple<First, Rest...>> {
    using model = typename member_class<First>::type;
    static constexpr std::size_t size = 1 + sizeof...(Rest);
    static constexpr bool nullable = (member_set<First>::nullable || ... || member_set<Rest>::nullable);
    using key_type = std::tuple<typename member_set<First>::key_type, typename member_set<Rest>::key_type...>;
};

/// The key value type of a member set (a std::tuple for a composite one).
template <class Members>
using member_set_key_t = typename member_set<std::remove_cvref_t<Members>>::key_type;

/// True for a composite member set.
template <class Members>
inline constexpr bool is_member_tuple = is_std_tuple<std::remove_cvref_t<Members>>::value;

/// The column indexes of a member set of T, in order.
template <model T, class Members>
constexpr auto column_indexes(const Members& members) {
    if constexpr (is_member_tuple<Members>) {
        return std::apply([](const auto&... m) { return std::array<std::size_t, sizeof...(m)>{index_of_member<T>(m)...}; },
                          members);
    } else {
        return std::array<std::size_t, 1>{index_of_member<T>(members)};
    }
}

/// True when the member set names exactly T's primary key columns, in key order.
template <model T, class Members>
constexpr bool is_primary_key_of(const Members& members) {
    if constexpr (!has_primary_key<T> || member_set<std::remove_cvref_t<Members>>::size != primary_key_size<T>) {
        (void)members;
        return false;
    } else {
        return column_indexes<T>(members) == primary_key_indexes<T>;
    }
}

/// One number per member set of T, distinct for distinct sets (a single member: its index).
template <model T, class Members>
constexpr std::size_t member_set_code(const Members& members) {
    const auto indexes = column_indexes<T>(members);
    if (indexes.size() == 1) return indexes[0];
    std::size_t code = 0;
    for (const std::size_t i : indexes) code = code * (field_count<T> + 1) + i + 1;
    return field_count<T> + code;
}

/// The key of `Key` type for a referenced value, or nothing for NULL.
template <class Key, class Value>
std::optional<Key> key_of(const Value& value) {
    if constexpr (is_optional<Value>::value) {
        if (!value) return std::nullopt;
        return static_cast<Key>(*value);
    } else {
        return static_cast<Key>(value);
    }
}

/// The key `object` holds in a member set (a std::tuple for a composite one), or nothing when
/// any of its columns is NULL.
template <class Key, class Object, class Members>
std::optional<Key> read_key(const Object& object, const Members& members) {
    if constexpr (is_member_tuple<Members>) {
        return [&]<std::size_t... I>(std::index_sequence<I...>) -> std::optional<Key> {
            const auto parts = std::tuple{key_of<std::tuple_element_t<I, Key>>(object.*std::get<I>(members))...};
            if (!(std::get<I>(parts).has_value() && ...)) return std::nullopt;
            return Key{*std::get<I>(parts)...};
        }(std::make_index_sequence<std::tuple_size_v<Members>>{});
    } else {
        return key_of<Key>(object.*members);
    }
}

/// The values `object` holds in a member set, for messages (a std::tuple for a composite one).
template <class Object, class Members>
auto member_values(const Object& object, const Members& members) {
    if constexpr (is_member_tuple<Members>)
        return std::apply([&](const auto&... m) { return std::tuple{object.*m...}; }, members);
    else
        return object.*members;
}

/// True when `key` declares ON DELETE CASCADE or ON DELETE SET NULL.
constexpr bool follows_deleted_parent(const auto& key) noexcept {
    if constexpr (requires { key.delete_action; })
        return key.delete_action == referential_action::cascade || key.delete_action == referential_action::set_null;
    else
        return false;
}

/// True when one of T's foreign keys (mapping<T>::foreign_keys) declares ON DELETE CASCADE or
/// SET NULL: only then does the database delete or empty T's rows when a parent row goes, so
/// only then does a Session's flush mirror it in T's objects (and compile the code that does).
template <model T>
inline constexpr bool follows_deleted_parents = [] {
    if constexpr (requires { mapping<T>::foreign_keys; })
        return std::apply([](const auto&... key) { return (follows_deleted_parent(key) || ... || false); },
                          mapping<T>::foreign_keys);
    else
        return false;
}();

/// The relata::value of each column of a member set of `object`, for comparisons across types.
template <class Object, class Members>
std::vector<value> member_values_as_values(const Object& object, const Members& members) {
    if constexpr (is_member_tuple<Members>)
        return std::apply([&](const auto&... m) { return std::vector<value>{to_value(object.*m)...}; }, members);
    else
        return std::vector<value>{to_value(object.*members)};
}

}  // namespace relata::detail
