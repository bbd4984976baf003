#pragma once
/// @file
/// Primary-key values as the identity map uses them: key conditions and key descriptions
/// for error messages.
#include <cstddef>
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "relata/detail/format.hpp"
#include "relata/detail/reflection.hpp"
#include "relata/query/node.hpp"
#include "relata/query/expression.hpp"
#include "relata/types.hpp"

namespace relata::detail {

/// A key value for error messages: `42`, ``'abc'``, `(key)`, or `(1, 3402)` for a composite key.
template <class Key>
std::string describe_key_value(const Key& key) {
    if constexpr (is_std_tuple<Key>::value) {
        std::string text = "(";
        std::apply(
            [&](const auto&... part) {
                std::size_t n = 0;
                ((text += (n++ == 0 ? "" : ", "), text += describe_key_value(part)), ...);
            },
            key);
        return text + ")";
    } else {
        const value v = to_value(key);
        if (const auto* i = std::get_if<std::int64_t>(&v)) return detail::format("{}", *i);
        if (const auto* s = std::get_if<std::string>(&v)) return detail::format("'{}'", *s);
        return "(key)";
    }
}

/// `"id" = ?` for a key value; `"a" = ? AND "b" = ?` for a composite key.
template <model T>
node_ptr key_equals(const primary_key_type<T>& key) {
    if constexpr (composite_key<T>) {
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            const node_ptr parts[] = {make_node(
                node_kind::binary,
                {column_node<T, primary_key_indexes<T>[I]>(),
                 make_parameter(comparison_value<field_type<T, primary_key_indexes<T>[I]>>(std::get<I>(key)))},
                "=")...};
            node_ptr all = parts[0];
            for (std::size_t i = 1; i < sizeof...(I); ++i) all = make_logical(node_kind::logical_and, all, parts[i]);
            return all;
        }(std::make_index_sequence<primary_key_size<T>>{});
    } else {
        return make_node(node_kind::binary,
                         {column_node<T, primary_key_index<T>>(), make_parameter(comparison_value<primary_key_type<T>>(key))},
                         "=");
    }
}

/// Writes the parameters of `key_equals<T>(key)` into `parameters`, in placeholder order (one
/// per key column): a rendered key query is reused for another key without rendering it again.
template <model T>
void assign_key_parameters(const primary_key_type<T>& key, std::vector<value>& parameters) {
    if constexpr (composite_key<T>) {
        parameters.resize(primary_key_size<T>);
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            ((parameters[I] = comparison_value<field_type<T, primary_key_indexes<T>[I]>>(std::get<I>(key))), ...);
        }(std::make_index_sequence<primary_key_size<T>>{});
    } else {
        parameters.resize(1);
        parameters[0] = comparison_value<primary_key_type<T>>(key);
    }
}

/// The key of `object` for error messages.
template <model T>
std::string describe_key(const T& object) {
    return describe_key_value(primary_key_of(object));
}

}  // namespace relata::detail
