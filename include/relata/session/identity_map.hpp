#pragma once
/// @file
/// The identity map: one tracked object per row, per model, in a Session.
#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "relata/detail/reflection.hpp"
#include "relata/error.hpp"
#include "relata/session/hooks.hpp"
#include "relata/session/identity_key.hpp"
#include "relata/session/object_state.hpp"
#include "relata/session/snapshot.hpp"

namespace relata::detail {

/// One tracked object with its snapshot (the values its row holds, as far as this Session knows).
template <model T>
struct entry {
    T object;
    std::optional<T> snapshot;
    object_state state = object_state::pending;
    bool remove_requested = false;
    bool expired = false;        // reload from the next row read for it (session::expire)
    std::uint64_t sequence = 0;  // add order, so an undone flush restores the pending order
};

/// The identity map of one model in a Session: owns the tracked objects (entries), maps each
/// primary key to its one object, and keeps the pending (added) and deleted (flushed DELETE,
/// not yet committed) objects in order.
template <model T>
class identity_map {
public:
    using key_type = primary_key_type<T>;

    T& add(T object) {
        if constexpr (!generated_key<T>) {
            if (identity_.contains(object.*member_pointer<T, primary_key_index<T>>))
                throw session_error(fmt::format("a {} with primary key {} is already in the session",
                                                type_name<T>, describe_key(object)));
        }
        auto owned = std::make_unique<entry<T>>(
            entry<T>{std::move(object), std::nullopt, object_state::pending, false, false, ++sequence_});
        entry<T>* e = owned.get();
        owned_.emplace(&e->object, std::move(owned));
        pending_.push_back(e);
        return e->object;
    }

    entry<T>* find_entry(const T& object) {
        const auto found = owned_.find(&object);
        return found == owned_.end() ? nullptr : found->second.get();
    }

    entry<T>* lookup(const key_type& key) {
        const auto found = identity_.find(key);
        return found == identity_.end() ? nullptr : found->second;
    }

    /// The tracked object for a loaded row: the existing one when the key is known (its
    /// values are not overwritten), otherwise a new persistent entry.
    T& merge_loaded(T&& loaded) {
        const key_type& key = loaded.*member_pointer<T, primary_key_index<T>>;
        if (entry<T>* existing = lookup(key)) {
            if (existing->expired) {
                run_after_load(loaded);
                existing->object = loaded;
                existing->snapshot = std::move(loaded);
                existing->expired = false;
            }
            return existing->object;
        }
        run_after_load(loaded);  // before the entry exists: a throwing hook adds nothing
        auto owned = std::make_unique<entry<T>>(
            entry<T>{loaded, std::move(loaded), object_state::persistent, false, false, ++sequence_});
        entry<T>* e = owned.get();
        identity_.emplace(e->object.*member_pointer<T, primary_key_index<T>>, e);
        owned_.emplace(&e->object, std::move(owned));
        return e->object;
    }

    void remove(entry<T>& e) {
        switch (e.state) {
            case object_state::pending:
                pending_.erase(std::remove(pending_.begin(), pending_.end(), &e), pending_.end());
                e.state = object_state::detached;
                break;
            case object_state::persistent: e.remove_requested = true; break;
            case object_state::deleted:
            case object_state::detached: break;
        }
    }

    void expunge(entry<T>& e) {
        pending_.erase(std::remove(pending_.begin(), pending_.end(), &e), pending_.end());
        deleted_.erase(std::remove(deleted_.begin(), deleted_.end(), &e), deleted_.end());
        if (e.state == object_state::persistent) unmap(e, (*e.snapshot).*member_pointer<T, primary_key_index<T>>);
        e.state = object_state::detached;
        e.remove_requested = false;
    }

    [[nodiscard]] bool is_dirty(const entry<T>& e) const {
        if (e.state == object_state::pending) return true;
        if (e.state != object_state::persistent) return false;
        if (e.remove_requested) return true;
        return !e.expired && !changed_columns(e.object, *e.snapshot).empty();
    }

    [[nodiscard]] std::size_t tracked() const noexcept { return identity_.size() + pending_.size(); }

    /// Grows whenever an object starts being tracked (add, or a row loaded for a new key): the
    /// relationship indexes (<relata/session/relationship.hpp>) compare it to know they are current.
    [[nodiscard]] std::uint64_t generation() const noexcept { return sequence_; }

    /// Calls `f(entry<T>&)` for every object the map owns (any state), in no particular order.
    template <class F>
    void for_each_entry(F&& f) {
        for (auto& [address, owned] : owned_) f(*owned);
    }

    /// Forgets every object.
    void clear_objects() {
        pending_.clear();
        deleted_.clear();
        identity_.clear();
        owned_.clear();
    }

protected:
    /// Removes `key` from the identity map if it maps to `e` (another entry may own it now).
    void unmap(const entry<T>& e, const key_type& key) {
        const auto found = identity_.find(key);
        if (found != identity_.end() && found->second == &e) identity_.erase(found);
    }

    static bool is_default_key(const T& object) {
        return object.*member_pointer<T, primary_key_index<T>> == key_type{};
    }

    std::unordered_map<const T*, std::unique_ptr<entry<T>>> owned_;
    std::map<key_type, entry<T>*> identity_;
    std::vector<entry<T>*> pending_;  // in add order
    std::vector<entry<T>*> deleted_;  // DELETE flushed, not yet committed
    std::uint64_t sequence_ = 0;
};

}  // namespace relata::detail
