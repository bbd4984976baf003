#pragma once
/// @file
/// What a flush that wrote does to the Session's objects (`registry<Connection, T>::apply`):
/// new states, snapshots and keys, with the steps that undo each change when the transaction
/// does not commit; and how rows follow parents the flush removed (ON DELETE CASCADE / SET
/// NULL, in memory as the database does it). Member functions of the class in
/// <relata/session/unit_of_work.hpp>, which includes this header.
#include <algorithm>
#include <cstddef>
#include <functional>
#include <set>
#include <tuple>
#include <type_traits>
#include <typeindex>
#include <utility>
#include <vector>

#include "relata/detail/foreign_keys.hpp"
#include "relata/mapping.hpp"
#include "relata/session/unit_of_work.hpp"
#include "relata/types.hpp"

namespace relata::detail {

template <class Connection, model T>
void registry<Connection, T>::apply(std::vector<std::function<void()>>& undo) {
    last_deleted_ = deletes_;
    if (!removed_pending_.empty()) {  // their pending children followed them in this flush
        std::vector<entry<T>*> removed;
        removed.swap(removed_pending_);
        add_undo(undo, [this, removed] { removed_pending_.insert(removed_pending_.end(), removed.begin(), removed.end()); });
    }
    if constexpr (follows_deleted_parents<T>) apply_removed_parents(undo);  // else dropped_ and nulled_ stay empty
    for (entry<T>* e : inserts_) links_.erase(e);
    for (const planned_update& planned : updates_) links_.erase(planned.e);
    // One undo entry for all INSERTs, UPDATEs and DELETEs of this flush (undone in reverse
    // order, as one entry per row would be): one closure type per model, one allocation per flush.
    applied_rows rows;
    rows.inserted.reserve(inserts_.size());
    for (std::size_t i = 0; i < inserts_.size(); ++i) {
        entry<T>* e = inserts_[i];
        set_primary_key(e->object, generated_keys_[i]);
        std::int64_t old_version = 0;
        if constexpr (has_version<T>) {
            old_version = static_cast<std::int64_t>(version_of(e->object));
            if (old_version == 0) version_of(e->object) = 1;
        }
        e->snapshot = e->object;
        e->state = object_state::persistent;
        this->map_key(generated_keys_[i], e);
        // The generated key stays in the object: objects that copied it (foreign keys) stay
        // right, and the retry inserts it explicitly.
        rows.inserted.push_back({e, generated_keys_[i], old_version});
    }
    // The INSERTed entries leave pending_, and with them any removed or expunged before.
    this->drop_left_pending();
    rows.updated.reserve(updates_.size());
    for (const planned_update& planned : updates_) {
        entry<T>* e = planned.e;
        const key_type old_key = primary_key_of(*e->snapshot);
        const key_type new_key = primary_key_of(e->object);
        T old_snapshot = std::move(*e->snapshot);  // replaced below
        std::int64_t old_version = 0;
        if constexpr (has_version<T>) {
            old_version = static_cast<std::int64_t>(version_of(e->object));
            version_of(e->object) = next_version(old_snapshot);
        }
        e->snapshot = e->object;
        if (!(old_key == new_key)) {
            unmap(*e, old_key);
            identity_[new_key] = e;
        }
        rows.updated.push_back({e, std::move(old_snapshot), old_key, new_key, old_version});
    }
    rows.deleted.reserve(deletes_.size());
    for (entry<T>* e : deletes_) {
        // Out of the identity map at once: the key may be taken by a new row (SQLite reuses
        // rowids, a natural key may move) before the commit detaches this object.
        const key_type key = primary_key_of(*e->snapshot);
        unmap(*e, key);
        e->state = object_state::deleted;
        e->remove_requested = false;
        deleted_.push_back(e);
        rows.deleted.push_back({e, key});
    }
    if (!rows.inserted.empty() || !rows.updated.empty() || !rows.deleted.empty())
        add_undo(undo, [this, rows = std::move(rows)] { undo_applied_rows(rows); });
    discard_plan();
}

template <class Connection, model T>
void registry<Connection, T>::undo_applied_rows(const applied_rows& rows) {
    for (auto row = rows.deleted.rbegin(); row != rows.deleted.rend(); ++row) {
        entry<T>* e = row->e;
        this->forget_deleted(e);
        if (e->state == object_state::detached) continue;
        e->state = object_state::persistent;
        e->remove_requested = true;
        identity_[row->key] = e;
    }
    for (auto row = rows.updated.rbegin(); row != rows.updated.rend(); ++row) {
        entry<T>* e = row->e;
        if (e->state == object_state::detached) continue;
        if constexpr (has_version<T>)
            version_of(e->object) = static_cast<field_type<T, version_index<T>>>(row->old_version);
        if (!(row->old_key == row->new_key)) {
            unmap(*e, row->new_key);
            identity_[row->old_key] = e;
        }
        e->snapshot = row->old_snapshot;
    }
    std::vector<entry<T>*> pending_again;
    pending_again.reserve(rows.inserted.size());
    for (auto row = rows.inserted.rbegin(); row != rows.inserted.rend(); ++row) {
        entry<T>* e = row->e;
        if (e->state == object_state::detached) continue;
        if constexpr (has_version<T>)
            version_of(e->object) = static_cast<field_type<T, version_index<T>>>(row->old_version);
        unmap(*e, row->key);
        e->snapshot.reset();
        e->state = object_state::pending;
        e->remove_requested = false;
        pending_again.push_back(e);
    }
    return_to_pending(pending_again);
}

template <class Connection, model T>
void registry<Connection, T>::return_to_pending(std::vector<entry<T>*>& entries) {
    // One sort of (sequence, entry) pairs, a type every model shares (so one instantiation of
    // the sort in a program): an insert at its place per entry moved the rest of pending_ each
    // time, quadratic for a large flush undone.
    std::vector<sequenced_entry> all;
    all.reserve(pending_.size() + entries.size());
    for (entry<T>* e : pending_) all.emplace_back(e->sequence, e);
    for (entry<T>* e : entries) all.emplace_back(e->sequence, e);
    sort_by_sequence(all);
    pending_.clear();
    for (const sequenced_entry& item : all) pending_.push_back(static_cast<entry<T>*>(item.second));
    // By the key each has now (a generated one kept); `entries` come newest first. A pending
    // object added meanwhile with that key keeps it (the retry's flush reports the duplicate).
    for (auto e = entries.rbegin(); e != entries.rend(); ++e) this->index_pending(*e);
}

template <class Connection, model T>
void registry<Connection, T>::apply_removed_parents(std::vector<std::function<void()>>& undo) {
    for (entry<T>* e : dropped_) {  // ON DELETE CASCADE from a parent removed in this flush
        e->state = object_state::detached;
        e->remove_requested = true;
    }
    if (!dropped_.empty()) {
        add_undo(undo, [this, dropped = dropped_]() mutable {
            for (entry<T>* e : dropped) {
                e->state = object_state::pending;
                e->remove_requested = false;
            }
            return_to_pending(dropped);
        });
    }
    for (auto& [e, members] : nulled_) {  // ON DELETE SET NULL from a parent removed in this flush
        entry<T>* changed = static_cast<entry<T>*>(e);
        T before = changed->object;
        for (const std::size_t member : members) clear_member(changed->object, member);
        add_undo(undo, [changed, before = std::move(before), members = members] {
            if (changed->state == object_state::detached) return;
            for (const std::size_t member : members) copy_member(changed->object, before, member);
        });
    }
}

template <class Connection, model T>
bool registry<Connection, T>::follow_deleted_parents(
    const std::function<registry_base<Connection>*(std::type_index)>& registry_of, std::vector<std::function<void()>>& undo) {
    bool deleted_more = false;
    if constexpr (follows_deleted_parents<T>) {
        // Code only for the keys that declare CASCADE or SET NULL: no parent's DELETE changes
        // the rows of the others.
        const auto follow = [&]<std::size_t I>(std::integral_constant<std::size_t, I>) {
            constexpr const auto& key = std::get<I>(mapping<T>::foreign_keys);
            if constexpr (follows_deleted_parent(key)) {
                using parent_type = foreign_key_target_t<decltype(key)>;
                auto* found = registry_of(std::type_index(typeid(parent_type)));
                if (found == nullptr) return;
                const auto& parents = static_cast<registry<Connection, parent_type>&>(*found).last_deleted();
                if (parents.empty()) return;
                // A composite key is compared as one relata::value per column, matching on all of them.
                using column_values = std::conditional_t<is_member_tuple<decltype(members_of(key))>, std::vector<value>, value>;
                const auto values_of = [](const auto& object, const auto& members) -> column_values {
                    if constexpr (is_member_tuple<decltype(members)>) return member_values_as_values(object, members);
                    else return to_value(object.*members);
                };
                std::set<column_values> gone;
                for (const auto* parent : parents) gone.insert(values_of(*parent->snapshot, target_members_of(key)));
                std::vector<entry<T>*> children;
                for (const auto& [child_key, e] : this->identity_)
                    if (e->state == object_state::persistent && gone.contains(values_of(e->object, members_of(key))))
                        children.push_back(e);
                for (entry<T>* e : children) {
                    if constexpr (key.delete_action == referential_action::cascade) {
                        mark_deleted_by_database(*e, undo);
                        deleted_more = true;
                    } else {
                        const auto members = members_of(key);
                        if constexpr (is_member_tuple<decltype(members)>)
                            std::apply([&](const auto&... m) { (clear_reference(*e, m, undo), ...); }, members);
                        else
                            clear_reference(*e, members, undo);
                    }
                }
            }
        };
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (follow(std::integral_constant<std::size_t, I>{}), ...);
        }(std::make_index_sequence<std::tuple_size_v<std::remove_cvref_t<decltype(mapping<T>::foreign_keys)>>>{});
    } else {
        (void)registry_of, (void)undo;
    }
    return deleted_more;
}

template <class Connection, model T>
bool registry<Connection, T>::follow_removed_parents(
    const std::function<registry_base<Connection>*(std::type_index)>& registry_of) {
    if (inserts_.empty()) return false;
    bool dropped = false;
    if constexpr (requires { mapping<T>::foreign_keys; }) {
        for_each_in_tuple(mapping<T>::foreign_keys, [&](const auto& key) {
            if constexpr (requires { key.member; }) {
                using parent_type = typename member_class<decltype(key.target_member)>::type;
                auto* parents = registry_of(std::type_index(typeid(parent_type)));
                if (parents == nullptr) return;
                const std::size_t member = index_of_member<T>(key.member);
                const std::size_t target = index_of_member<parent_type>(key.target_member);
                referential_action action = referential_action::unspecified;
                if constexpr (requires { key.delete_action; }) action = key.delete_action;
                for (entry<T>* e : inserts_) {
                    if (dropped_set_.contains(e)) continue;
                    const parent_link<T>* link = find_link(*e, member);
                    if (!(link && parents->removed_in_flush(link->parent)) &&
                        !parents->deletes_row_with(target, field_value(e->object, member)))
                        continue;
                    if (action == referential_action::cascade) {
                        dropped_set_.insert(e);
                        dropped_.push_back(e);
                        dropped = true;
                    } else if (action == referential_action::set_null && member_nullable<T>(member)) {
                        auto& members = nulled_[e];
                        if (std::find(members.begin(), members.end(), member) == members.end()) members.push_back(member);
                    } else {
                        throw session_error(detail::format(
                            "cannot insert {} with primary key {}: its foreign key `{}` references a {} removed in "
                            "the same flush, and ON DELETE {} refuses to delete a referenced row; remove the {} "
                            "too, point it at another {}, or declare the foreign key .on_delete(relata::cascade) "
                            "or .on_delete(relata::set_null)",
                            type_name<T>, describe_key(e->object), member_name(member),
                            type_name<parent_type>, referential_action_sql(action), type_name<T>,
                            type_name<parent_type>));
                    }
                }
            }
        });
    }
    if (dropped) {  // not inserted; keep the row flags aligned with inserts_
        std::vector<entry<T>*> kept;
        std::vector<char> kept_flags;
        for (std::size_t i = 0; i < inserts_.size(); ++i) {
            if (dropped_set_.contains(inserts_[i])) continue;
            kept.push_back(inserts_[i]);
            if (!row_deferred_.empty()) kept_flags.push_back(row_deferred_[i]);
        }
        inserts_ = std::move(kept);
        row_deferred_ = std::move(kept_flags);
    }
    return dropped;
}

}  // namespace relata::detail
