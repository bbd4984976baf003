#pragma once
/// @file
/// Optimistic locking and row-count checks for the UPDATEs and DELETEs a Session flushes: the
/// version column (`relata::mapping<T>::version`) and the rule that each statement matches
/// exactly one row.
#include <cstdint>
#include <string>

#include "relata/detail/format.hpp"
#include "relata/detail/reflection.hpp"
#include "relata/error.hpp"
#include "relata/query/expression.hpp"
#include "relata/query/node.hpp"
#include "relata/session/identity_key.hpp"
#include "relata/sql/rendered_query.hpp"
#include "relata/types.hpp"

namespace relata::detail {

/// The version member of `object` (models with `mapping<T>::version` only).
template <model T>
    requires has_version<T>
auto& version_of(T& object) {
    return object.*member_pointer<T, version_index<T>>;
}
template <model T>
    requires has_version<T>
const auto& version_of(const T& object) {
    return object.*member_pointer<T, version_index<T>>;
}

/// The version a row gets from the version it has now: old + 1.
template <model T>
    requires has_version<T>
field_type<T, version_index<T>> next_version(const T& object) {
    return static_cast<field_type<T, version_index<T>>>(version_of(object) + 1);
}

/// `"version" = ?` with the version of `snapshot`.
template <model T>
    requires has_version<T>
node_ptr version_equals(const T& snapshot) {
    return make_node(node_kind::binary,
                     {column_node<T, version_index<T>>(),
                      make_parameter(comparison_value<field_type<T, version_index<T>>>(version_of(snapshot)))},
                     "=");
}

/// ` and version 3` for error messages ("" without a version column).
template <model T>
std::string describe_version(const T& snapshot) {
    if constexpr (has_version<T>) return detail::format(" and version {}", static_cast<std::int64_t>(version_of(snapshot)));
    else return "";
}

/// Checks that an UPDATE or DELETE the Session flushed for `snapshot`'s row changed exactly
/// one row.
/// @throws relata::stale_data_error for 0 rows (deleted, or changed by someone else: with a
/// version column, its version is no longer the expected one); relata::mapping_error for more
/// than one (the mapped primary key is not unique in the table).
template <model T>
void check_one_row(std::int64_t rows, const char* statement, const T& snapshot, const rendered_query& query) {
    if (rows == 1) return;
    if (rows == 0) {
        throw stale_data_error(detail::format(
            "{} of {} with primary key {}{} matched 0 rows: the row was deleted{} by someone else since this "
            "session read it; SQL: {}",
            statement, type_name<T>, describe_key(snapshot), describe_version(snapshot),
            has_version<T> ? " or its version changed" : " or its key changed", sql_excerpt(query.sql)));
    }
    throw mapping_error(detail::format(
        "{} of {} with primary key {} matched {} rows, not 1: the mapped primary key is not unique in the table "
        "(map every key column: relata::mapping<T>::primary_key = std::tuple{{&T::a, &T::b}}); the flush was "
        "rolled back; SQL: {}",
        statement, type_name<T>, describe_key(snapshot), rows, sql_excerpt(query.sql)));
}

}  // namespace relata::detail
