#pragma once
/// @file
/// Flush ordering among the rows of one model that reference each other (a self-referencing
/// foreign key such as Chinook's `Employee.ReportsTo`), and the links that fill a foreign key
/// from an unsaved parent's generated key during a flush (`session::link`).
///
/// Between models the Session orders by the foreign-key graph of their mappings
/// (`detail::dependency_order`); within one model it orders the rows here: a parent's INSERT
/// before its children's, a child's DELETE before its parent's.
#include <array>
#include <cstddef>
#include <functional>
#include <map>
#include <queue>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <string>
#include <string_view>
#include <vector>

#include "relata/detail/foreign_keys.hpp"
#include "relata/detail/format.hpp"
#include "relata/detail/reflection.hpp"
#include "relata/error.hpp"
#include "relata/mapping.hpp"
#include "relata/session/identity_key.hpp"
#include "relata/types.hpp"

namespace relata::detail {

/// True when one of T's foreign keys references T itself.
template <model T>
constexpr bool find_self_reference() {
    if constexpr (requires { mapping<T>::foreign_keys; }) {
        return std::apply(
            [](const auto&... key) {
                return (std::is_same_v<foreign_key_target_t<decltype(key)>, T> || ...);
            },
            mapping<T>::foreign_keys);
    } else {
        return false;
    }
}

/// True when one of T's foreign keys references T itself.
template <model T>
inline constexpr bool self_referencing = find_self_reference<T>();

/// Calls `visit(referencing member index, referenced member index)` for each foreign key of T
/// that references T itself.
template <model T, class Visit>
void for_each_self_reference(Visit&& visit) {
    if constexpr (requires { mapping<T>::foreign_keys; }) {
        for_each_in_tuple(mapping<T>::foreign_keys, [&](const auto& key) {
            using target = foreign_key_target_t<decltype(key)>;
            if constexpr (std::is_same_v<target, T>) {
                static_assert(!is_member_tuple<decltype(members_of(key))>,
                              "relata: a composite foreign key from a model to itself is not supported; reference "
                              "another model, or use a single-column key");
                visit(index_of_member<T>(key.member), index_of_member<T>(key.target_member));
            }
        });
    }
}

/// The value of member `index` of `object` as a relata::value (NULL for an empty optional).
template <model T>
value field_value(const T& object, std::size_t index) {
    value result;
    for_each_field<T>([&](auto i) {
        if (i.value == index) result = to_value(object.*member_pointer<T, i.value>);
    });
    return result;
}

/// Orders `count` rows of one model so that every row comes after the rows it depends on
/// (Kahn's algorithm, stable: independent rows keep their order).
/// `depends_on(i)` lists the rows that row `i` must follow.
/// @return the new order, or an empty vector when the rows depend on each other in a cycle
/// (then `cycle` holds the rows left in it).
inline std::vector<std::size_t> stable_topological_order(std::size_t count,
                                                         const std::vector<std::vector<std::size_t>>& depends_on,
                                                         std::vector<std::size_t>& cycle) {
    std::vector<std::size_t> waiting(count, 0);
    std::vector<std::vector<std::size_t>> dependents(count);
    for (std::size_t i = 0; i < count; ++i)
        for (const std::size_t j : depends_on[i])
            if (j != i) {
                ++waiting[i];
                dependents[j].push_back(i);
            }
    std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> ready;
    for (std::size_t i = 0; i < count; ++i)
        if (waiting[i] == 0) ready.push(i);
    std::vector<std::size_t> order;
    order.reserve(count);
    while (!ready.empty()) {
        const std::size_t i = ready.top();
        ready.pop();
        order.push_back(i);
        for (const std::size_t d : dependents[i])
            if (--waiting[d] == 0) ready.push(d);
    }
    if (order.size() == count) return order;
    for (std::size_t i = 0; i < count; ++i)
        if (waiting[i] != 0) cycle.push_back(i);
    return {};
}

/// For rows of a self-referencing model: which rows each row references through its
/// self-referencing foreign keys, by the values in `rows` (`value_of(row, member)`), among the
/// same rows' referenced members. Rows referencing themselves are left out (one statement
/// writes both sides).
/// `include(member)` picks the foreign keys to follow (default: all).
template <model T, class Row, class ValueOf, class Include = bool (*)(std::size_t)>
std::vector<std::vector<std::size_t>> self_references(const std::vector<Row>& rows, ValueOf&& value_of,
                                                      Include include = [](std::size_t) { return true; }) {
    std::vector<std::vector<std::size_t>> depends_on(rows.size());
    for_each_self_reference<T>([&](std::size_t member, std::size_t target) {
        if (!include(member)) return;
        std::map<value, std::size_t> by_target;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            value v = value_of(rows[i], target);
            if (!std::holds_alternative<std::monostate>(v)) by_target.emplace(std::move(v), i);
        }
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const value v = value_of(rows[i], member);
            if (std::holds_alternative<std::monostate>(v)) continue;
            const auto found = by_target.find(v);
            if (found != by_target.end() && found->second != i) depends_on[i].push_back(found->second);
        }
    });
    return depends_on;
}

/// True when member `index` of T is a std::optional (its column accepts NULL).
template <model T>
bool member_nullable(std::size_t index) {
    static constexpr std::array<bool, field_count<T>> nullable = []<std::size_t... I>(std::index_sequence<I...>) {
        return std::array<bool, field_count<T>>{is_nullable<field_type<T, I>>...};
    }(std::make_index_sequence<field_count<T>>{});
    return index < field_count<T> && nullable[index];
}

/// Empties member `index` of `row` when it is a std::optional.
template <model T>
void clear_member(T& row, std::size_t index) {
    for_each_field<T>([&](auto i) {
        if constexpr (is_nullable<field_type<T, i.value>>) {
            if (i.value == index) row.*member_pointer<T, i.value> = field_type<T, i.value>{};
        }
    });
}

/// Copies member `index` from `source` into `row`.
template <model T>
void copy_member(T& row, const T& source, std::size_t index) {
    for_each_field<T>([&](auto i) {
        if (i.value == index) row.*member_pointer<T, i.value> = source.*member_pointer<T, i.value>;
    });
}

/// Of the rows `stable_topological_order` left in `left` (on a cycle, or after one), those on
/// a cycle or between two: rows that only follow a cycle are peeled off, so breaking the cycle
/// touches as few rows as it can. Linear in rows and dependencies.
inline std::vector<std::size_t> rows_on_cycles(std::size_t count, const std::vector<std::vector<std::size_t>>& depends_on,
                                               const std::vector<std::size_t>& left) {
    std::vector<char> in_left(count, 0);
    for (const std::size_t i : left) in_left[i] = 1;
    std::vector<std::size_t> followers(count, 0);  // rows in `left` that follow row i
    for (const std::size_t i : left)
        for (const std::size_t j : depends_on[i])
            if (j != i && in_left[j]) ++followers[j];
    std::vector<std::size_t> peel;
    for (const std::size_t i : left)
        if (followers[i] == 0) peel.push_back(i);
    while (!peel.empty()) {
        const std::size_t i = peel.back();
        peel.pop_back();
        in_left[i] = 0;
        for (const std::size_t j : depends_on[i])
            if (j != i && in_left[j] && --followers[j] == 0) peel.push_back(j);
    }
    std::vector<std::size_t> on_cycles;
    for (const std::size_t i : left)
        if (in_left[i]) on_cycles.push_back(i);
    return on_cycles;
}

/// `rows` in dependency order: row i references the rows in `fixed[i]` and `breakable[i]`
/// (through nullable keys); referenced rows first, or last for `children_first`. Rows on a
/// cycle get their breakable references cut (`cut`, aligned with the result): their nullable
/// keys are written apart (write_deferred_keys, write_cleared_keys). `Entry` holds `object`.
/// @throws relata::session_error for a cycle through keys that are not nullable.
template <model T, class Entry>
std::vector<Entry*> order_rows(const std::vector<Entry*>& rows, const std::vector<std::vector<std::size_t>>& fixed,
                           const std::vector<std::vector<std::size_t>>& breakable, std::vector<char>& cut,
                           bool children_first, std::string_view verb) {
    const std::size_t count = rows.size();
    std::vector<char> cut_rows(count, 0);
    const auto dependencies = [&] {
        std::vector<std::vector<std::size_t>> depends_on(count);
        const auto add = [&](std::size_t row, std::size_t referenced) {
            if (children_first) depends_on[referenced].push_back(row);
            else depends_on[row].push_back(referenced);
        };
        for (std::size_t i = 0; i < count; ++i) {
            for (const std::size_t j : fixed[i]) add(i, j);
            if (!cut_rows[i])
                for (const std::size_t j : breakable[i]) add(i, j);
        }
        return depends_on;
    };
    std::vector<std::size_t> left;
    auto depends_on = dependencies();
    std::vector<std::size_t> order = stable_topological_order(count, depends_on, left);
    if (order.empty() && count != 0) {
        for (const std::size_t i : rows_on_cycles(count, depends_on, left)) cut_rows[i] = 1;
        left.clear();
        order = stable_topological_order(count, dependencies(), left);
    }
    if (order.empty() && count != 0) {
        std::string keys;
        for (const std::size_t i : left)
            keys += detail::format("{}{}", keys.empty() ? "" : ", ", describe_key(rows[i]->object));
        throw session_error(detail::format(
            "cannot {} these {} rows in any order: they reference each other in a cycle through a "
            "self-referencing foreign key that is not nullable (primary keys {}); make it a std::optional so "
            "the session can write it as NULL first and set it with a second UPDATE",
            verb, type_name<T>, keys));
    }
    std::vector<Entry*> result;
    result.reserve(count);
    cut.clear();
    for (const std::size_t i : order) {
        result.push_back(rows[i]);
        cut.push_back(cut_rows[i]);
    }
    return result;
}

/// A foreign key of a tracked object to be filled from its parent's key at flush
/// (`session::link` with a parent whose key the database generates).
template <model T>
struct parent_link {
    std::size_t member;                     ///< index of the foreign-key member in T
    const void* parent;                     ///< the parent object, to order rows of one model
    std::function<bool(T&)> assign;         ///< copies the parent's key; false while it has none
    std::function<std::string()> describe;  ///< "Author with no key yet" etc., for errors
};

}  // namespace relata::detail
