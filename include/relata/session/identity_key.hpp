#pragma once
/// @file
/// Primary-key values as the identity map uses them: key conditions and key descriptions
/// for error messages.
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "relata/detail/reflection.hpp"
#include "relata/query/node.hpp"
#include "relata/query/expression.hpp"
#include "relata/types.hpp"

namespace relata::detail {

/// A key value for error messages: `42`, `'abc'`, or `(key)`.
template <class Key>
std::string describe_key_value(const Key& key) {
    const value v = to_value(key);
    if (const auto* i = std::get_if<std::int64_t>(&v)) return fmt::format("{}", *i);
    if (const auto* s = std::get_if<std::string>(&v)) return fmt::format("'{}'", *s);
    return "(key)";
}

/// `"id" = ?` for a key value.
template <model T>
node_ptr key_equals(const primary_key_type<T>& key) {
    return make_node(node_kind::binary,
                     {column_node<T, primary_key_index<T>>(), make_parameter(comparison_value<primary_key_type<T>>(key))}, "=");
}

/// The key of `object` for error messages.
template <model T>
std::string describe_key(const T& object) {
    return describe_key_value(object.*member_pointer<T, primary_key_index<T>>);
}

}  // namespace relata::detail
