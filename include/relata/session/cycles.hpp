#pragma once
/// @file
/// Foreign-key cycles between models in a Session's flush (`Department.manager_id ->
/// Employee.id` and `Employee.department_id -> Department.id`; or longer, A -> B -> C -> A).
///
/// No order of INSERTs satisfies every foreign key of a cycle. When a flush inserts rows of two
/// or more models on a cycle, the Session breaks it at a nullable foreign key (a
/// `std::optional` member), SQLAlchemy's `post_update` chosen automatically: those rows are
/// INSERTed with the key NULL and, after the cycle's other INSERTs, one
/// `UPDATE "department" SET "manager_id" = ? WHERE "id" = ?` per row whose key is set (also when
/// the key comes from `session.link` to a parent generated in the same flush). DELETEs of such
/// rows first set that key to NULL (`UPDATE ... SET "manager_id" = NULL WHERE "id" = ?`, for
/// rows where it is not NULL), then delete in foreign-key order. When no foreign key on the
/// cycle is nullable the flush throws relata::session_error before any SQL, naming the models
/// and members. Rows of one self-referencing model that reference each other in a cycle are
/// broken the same way (<relata/session/unit_of_work.hpp>).
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeindex>
#include <utility>
#include <vector>

#include "relata/detail/format.hpp"
#include "relata/detail/reflection.hpp"
#include "relata/error.hpp"
#include "relata/mapping.hpp"
#include "relata/session/flush_order.hpp"
#include "relata/types.hpp"

namespace relata::detail {

/// One foreign key of a model to another model (self references are ordered row by row).
struct foreign_key_edge {
    std::type_index target;        ///< the referenced model
    std::size_t member;            ///< index of the referencing member in its model
    bool nullable;                 ///< the member is a std::optional: a cycle may break here
    std::string_view model;        ///< "Department"
    std::string_view member_name;  ///< "manager_id"
    std::string_view target_model; ///< "Employee"
};

/// The foreign keys of T to other models, in declaration order.
template <model T>
std::vector<foreign_key_edge> foreign_key_edges() {
    std::vector<foreign_key_edge> edges;
    if constexpr (requires { mapping<T>::foreign_keys; }) {
        for_each_in_tuple(mapping<T>::foreign_keys, [&](const auto& key) {
            if constexpr (requires { key.member; }) {
                using target = typename member_class<decltype(key.target_member)>::type;
                using value_type = std::remove_cvref_t<decltype(std::declval<T&>().*key.member)>;
                if constexpr (!std::is_same_v<target, T>) {
                    const std::size_t index = index_of_member<T>(key.member);
                    edges.push_back({std::type_index(typeid(target)), index, is_nullable<value_type>, type_name<T>,
                                     member_names<T>[index], type_name<target>});
                }
            }
        });
    }
    return edges;
}

/// A spelling that differs for every type: the compiler's name of this function for T. The walk
/// below compares models by it, since GCC does not accept a comparison of two function
/// templates' addresses in a constant expression while either may still be undefined.
template <class T>
constexpr std::string_view unique_type_name() {
    return __PRETTY_FUNCTION__;
}

/// One model in the graph of foreign_key_edges, for walking it at compile time: its identity
/// and its reference_targets<T>.
struct model_reference {
    std::string_view id;
    std::size_t (*targets)(model_reference* out, std::size_t capacity);
};

/// Writes the models T's foreign_key_edges reference (up to `capacity` of them) to `out`.
/// @return how many there are.
template <model T>
constexpr std::size_t reference_targets(model_reference* out, std::size_t capacity) {
    std::size_t count = 0;
    if constexpr (requires { mapping<T>::foreign_keys; }) {
        for_each_in_tuple(mapping<T>::foreign_keys, [&](const auto& key) {
            if constexpr (requires { key.member; }) {  // the keys foreign_key_edges lists
                using target = typename member_class<decltype(key.target_member)>::type;
                if constexpr (!std::is_same_v<target, T>) {
                    if (count < capacity) out[count] = model_reference{unique_type_name<target>(), &reference_targets<target>};
                    ++count;
                }
            }
        });
    } else {
        (void)out, (void)capacity;
    }
    return count;
}

/// True when T's foreign keys lead back to T through other models (a cycle foreign_key_edges
/// can form, e.g. `Department.manager_id -> Employee`, `Employee.department_id -> Department`):
/// only then can flush ordering defer or clear members of T (`defer_insert_key`,
/// `clear_before_delete`). Walked at compile time over the mapped foreign keys; more than 64
/// models reachable from T, or a model with more than 16 foreign keys on the way, count as a
/// cycle (the code is compiled). The bounds keep the walk's compile-time memory small: the
/// compiler holds every array element of a constant evaluation.
template <model T>
consteval bool on_foreign_key_cycle() {
    constexpr std::size_t capacity = 64;
    constexpr std::size_t fan_out = 16;
    const model_reference start{unique_type_name<T>(), &reference_targets<T>};
    model_reference stack[capacity]{};
    model_reference visited[capacity]{};
    model_reference targets[fan_out]{};
    std::size_t stack_size = 0;
    std::size_t visited_count = 0;
    const auto push_targets = [&](model_reference node) {
        const std::size_t count = node.targets(targets, fan_out);
        if (count > fan_out || stack_size + count > capacity) return false;
        for (std::size_t i = 0; i < count; ++i) stack[stack_size++] = targets[i];
        return true;
    };
    if (!push_targets(start)) return true;
    while (stack_size > 0) {
        const model_reference node = stack[--stack_size];
        if (node.id == start.id) return true;
        bool seen = false;
        for (std::size_t i = 0; i < visited_count && !seen; ++i) seen = visited[i].id == node.id;
        if (seen) continue;
        if (visited_count == capacity) return true;
        visited[visited_count++] = node;
        if (!push_targets(node)) return true;
    }
    return false;
}

/// The order of one phase of a flush (its INSERTs or its DELETEs) among the models, and the
/// foreign keys that phase writes in a second step to break cycles.
struct phase_order {
    std::vector<std::size_t> order;                            ///< referenced models first
    std::vector<std::pair<std::size_t, std::size_t>> deferred;  ///< (model, member) written apart
};

/// Orders the models that write rows in one phase (`active`) by their foreign keys among each
/// other, breaking every cycle at a nullable foreign key on it (the first one along the cycle).
/// Linear in the number of models per broken cycle; models are few.
/// @throws relata::session_error naming the models and members of a cycle with no nullable key.
inline phase_order order_phase(const std::vector<std::type_index>& types, const std::vector<bool>& active,
                               const std::vector<std::vector<foreign_key_edge>>& edges, std::string_view verb) {
    const std::size_t count = types.size();
    struct arc {
        std::size_t from, to;
        const foreign_key_edge* key;
        bool kept = true;
    };
    std::vector<arc> arcs;
    for (std::size_t i = 0; i < count; ++i) {
        if (!active[i]) continue;
        for (const foreign_key_edge& key : edges[i])
            for (std::size_t j = 0; j < count; ++j)
                if (j != i && active[j] && types[j] == key.target) arcs.push_back({i, j, &key});
    }
    phase_order result;
    // Find a cycle among the kept arcs (depth-first, the arcs on the stack), break it, repeat.
    for (;;) {
        std::vector<int> mark(count, 0);  // 0 new, 1 on the stack, 2 done
        std::vector<std::size_t> stack;   // arcs from the root to the current model
        std::vector<std::size_t> cycle;
        auto visit = [&](auto& self, std::size_t node) -> bool {
            mark[node] = 1;
            for (std::size_t a = 0; a < arcs.size(); ++a) {
                if (!arcs[a].kept || arcs[a].from != node) continue;
                const std::size_t next = arcs[a].to;
                if (mark[next] == 1) {
                    std::size_t start = 0;  // `next` is an ancestor of `node`: an arc on the stack leaves it
                    while (arcs[stack[start]].from != next) ++start;
                    cycle.assign(stack.begin() + static_cast<std::ptrdiff_t>(start), stack.end());
                    cycle.push_back(a);
                    return true;
                }
                if (mark[next] == 0) {
                    stack.push_back(a);
                    if (self(self, next)) return true;
                    stack.pop_back();
                }
            }
            mark[node] = 2;
            return false;
        };
        bool found = false;
        for (std::size_t i = 0; i < count && !found; ++i)
            if (mark[i] == 0) found = visit(visit, i);
        if (!found) break;
        std::size_t broken = arcs.size();
        for (const std::size_t a : cycle)
            if (arcs[a].key->nullable) {
                broken = a;
                break;
            }
        if (broken == arcs.size()) {
            std::string models;
            std::string keys;
            for (const std::size_t a : cycle) {
                const foreign_key_edge& key = *arcs[a].key;
                models += detail::format("{}{}", models.empty() ? "" : ", ", key.model);
                keys += detail::format("{}{}.{} -> {}", keys.empty() ? "" : ", ", key.model, key.member_name, key.target_model);
            }
            throw session_error(detail::format(
                "cannot {} rows of {} in one flush: their foreign keys form a cycle ({}) and none of these members "
                "is nullable; make one of them a std::optional so the session can write it as NULL first and set "
                "it with a second UPDATE",
                verb, models, keys));
        }
        arcs[broken].kept = false;
        result.deferred.emplace_back(arcs[broken].from, arcs[broken].key->member);
    }
    std::vector<std::vector<std::size_t>> depends_on(count);
    for (const arc& a : arcs)
        if (a.kept) depends_on[a.from].push_back(a.to);
    std::vector<std::size_t> left;
    result.order = stable_topological_order(count, depends_on, left);
    return result;
}

/// The registries of a flush in the order of its INSERTs and of its DELETEs.
template <class Registry>
struct flush_phases {
    std::vector<Registry*> inserts;  ///< referenced models first
    std::vector<Registry*> deletes;  ///< referencing models first
};

/// Orders a planned flush's INSERTs and DELETEs between models (`registries` in their
/// foreign-key order), telling each registry which keys it writes apart to break cycles
/// (`defer_insert_key`, `clear_before_delete`).
/// @throws relata::session_error for a cycle with no nullable foreign key.
template <class Registry>
flush_phases<Registry> order_flush(const std::vector<Registry*>& registries) {
    std::vector<std::type_index> types;
    std::vector<std::vector<foreign_key_edge>> edges;
    std::vector<bool> inserting;
    std::vector<bool> deleting;
    for (Registry* registry : registries) {
        types.push_back(registry->type());
        edges.push_back(registry->foreign_key_edges());
        inserting.push_back(registry->plans_inserts());
        deleting.push_back(registry->plans_deletes());
    }
    const phase_order inserts = order_phase(types, inserting, edges, "insert");
    const phase_order deletes = order_phase(types, deleting, edges, "delete");
    flush_phases<Registry> phases;
    for (const std::size_t i : inserts.order) phases.inserts.push_back(registries[i]);
    for (auto i = deletes.order.rbegin(); i != deletes.order.rend(); ++i) phases.deletes.push_back(registries[*i]);
    for (const auto& [registry, member] : inserts.deferred) registries[registry]->defer_insert_key(member);
    for (const auto& [registry, member] : deletes.deferred) registries[registry]->clear_before_delete(member);
    return phases;
}

}  // namespace relata::detail
