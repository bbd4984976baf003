#pragma once
/// @file
/// The identity map: one tracked object per row, per model, in a Session.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "relata/detail/format.hpp"
#include "relata/detail/reflection.hpp"
#include "relata/error.hpp"
#include "relata/session/entry_store.hpp"
#include "relata/session/hooks.hpp"
#include "relata/session/identity_key.hpp"
#include "relata/session/node_pool.hpp"
#include "relata/session/object_state.hpp"
#include "relata/session/pending_keys.hpp"
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
    std::uint64_t loaded_by = 0; // the query result that read a row equal to its snapshot (0: none)
};

/// The identity map of one model in a Session: owns the tracked objects (entries), maps each
/// primary key to its one object, and keeps the pending (added) and deleted (flushed DELETE,
/// not yet committed) objects in order.
template <model T>
class identity_map {
public:
    using key_type = primary_key_type<T>;

    /// Tracks `object` (moved from) as a new pending object. @return the tracked object.
    /// @throws relata::session_error when a tracked object holds its key: a persistent one (a
    /// model whose key is not generated), or a pending one added with that key.
    T& add(T&& object) {
        if constexpr (!generated_key<T>) {
            if (identity_.contains(primary_key_of(object)))
                throw session_error(detail::format("a {} with primary key {} is already in the session",
                                                   type_name<T>, describe_key(object)));
        }
        if (pending_.size() == pending_.capacity())  // nothing thrown after the entry exists
            pending_.reserve(std::max<std::size_t>(16, 2 * pending_.capacity()));
        // Built in its slot: the object is moved once, from the caller's into the entry.
        entry<T>* e = entries_.add_made([&] {
            return entry<T>{std::move(object), std::nullopt, object_state::pending, false, false, ++sequence_};
        });
        pending_.push_back(e);
        const auto refuse = [&] {  // the entry stays, detached, and is never seen
            pending_.pop_back();
            e->state = object_state::detached;
        };
        void* holder = nullptr;
        try {
            holder = index_pending(e);
        } catch (...) {  // std::bad_alloc
            refuse();
            throw;
        }
        if (holder != nullptr) {
            refuse();
            throw session_error(detail::format("a {} with primary key {} is already in the session (added, not yet flushed)",
                                               type_name<T>, describe_key(e->object)));
        }
        return e->object;
    }

    entry<T>* find_entry(const T& object) { return entries_.find(&object); }

    entry<T>* lookup(const key_type& key) {
        const auto found = identity_.find(key);
        return found == identity_.end() ? nullptr : found->second;
    }

    /// The pending object added with primary key `key` (nullptr when none): what the next flush
    /// would insert with that key. A pending object is known by the key it had when added (or
    /// when an undone flush made it pending again), as a persistent one is by the key it was
    /// loaded with, until the next flush; one added with a generated key not yet written (the
    /// default value) has none. One search of the pending-key index: a loop of find-or-add stays linear.
    entry<T>* lookup_pending(const key_type& key) {
        return static_cast<entry<T>*>(pending_keys_.find(key, &is_pending));
    }

    /// The tracked object for a loaded row: the existing one when the key is known (its
    /// values are not overwritten), otherwise a new persistent entry. `result` numbers the
    /// query result the row belongs to (0: not checked): two rows of one result with the same
    /// key must hold the same values (a join repeating the "one" side), else the mapped key
    /// does not identify a row.
    /// @throws relata::mapping_error for two rows of one result with one key and different values.
    T& merge_loaded(T&& loaded, std::uint64_t result = 0) {
        const key_type key = primary_key_of(loaded);
        // One search finds the key or where it goes; rows read in key order (a table scan) go
        // after the last key without a search.
        const auto at = !identity_.empty() && std::prev(identity_.end())->first < key ? identity_.end()
                                                                                         : identity_.lower_bound(key);
        if (at != identity_.end() && !(key < at->first)) {
            entry<T>* existing = at->second;
            if (result != 0) check_same_row(*existing, loaded, result);
            if (existing->expired) {
                run_after_load(loaded);
                existing->object = loaded;
                existing->snapshot = std::move(loaded);
                existing->expired = false;
                existing->loaded_by = result;
            }
            return existing->object;
        }
        std::optional<T> row;  // the row as read, when an after_load hook may change the snapshot
        if constexpr (!snapshot_is_row) {
            if (result != 0) row = loaded;
        }
        run_after_load(loaded);  // before the entry exists: a throwing hook adds nothing
        const auto slot = identity_.emplace_hint(at, key, nullptr);  // may throw: nothing added yet
        try {
            slot->second = entries_.add_made([&] {
                return entry<T>{loaded, std::move(loaded), object_state::persistent, false, false, ++sequence_, result};
            });
        } catch (...) {
            identity_.erase(slot);
            throw;
        }
        entry<T>* e = slot->second;
        if (row) {
            start_result(result);
            first_rows_.emplace(e, std::move(*row));
        }
        return e->object;
    }

    void remove(entry<T>& e) {
        switch (e.state) {
            case object_state::pending:
                e.state = object_state::detached;
                left_pending();
                e.remove_requested = true;  // removed, not expunged: its pending children follow ON DELETE
                removed_pending_.push_back(&e);
                break;
            case object_state::persistent: e.remove_requested = true; break;
            case object_state::deleted:
            case object_state::detached: break;
        }
    }

    // Takes `e` out of deleted_ (an undone DELETE). Undo runs in reverse order, so `e` is
    // usually the last one: O(1) then, where a search per entry made undoing n DELETEs O(n²).
    void forget_deleted(const entry<T>* e) {
        if (!deleted_.empty() && deleted_.back() == e) deleted_.pop_back();
        else deleted_.erase(std::remove(deleted_.begin(), deleted_.end(), e), deleted_.end());
    }

    void expunge(entry<T>& e) {
        deleted_.erase(std::remove(deleted_.begin(), deleted_.end(), &e), deleted_.end());
        if (e.state == object_state::persistent) unmap(e, primary_key_of(*e.snapshot));
        const bool was_pending = e.state == object_state::pending;
        e.state = object_state::detached;
        if (was_pending) left_pending();
        e.remove_requested = false;
    }

    [[nodiscard]] bool is_dirty(const entry<T>& e) const {
        if (e.state == object_state::pending) return true;
        if (e.state != object_state::persistent) return false;
        if (e.remove_requested) return true;
        return !e.expired && differs(e.object, *e.snapshot);
    }

    [[nodiscard]] std::size_t tracked() const noexcept { return identity_.size() + pending_.size() - left_pending_; }

    /// Grows whenever an object starts being tracked (add, or a row loaded for a new key): the
    /// relationship indexes (<relata/session/relationship.hpp>) compare it to know they are current.
    [[nodiscard]] std::uint64_t generation() const noexcept { return sequence_; }

    /// Calls `f(entry<T>&)` for every object the map owns (any state), in the order they began
    /// being tracked.
    template <class F>
    void for_each_entry(F&& f) {
        entries_.for_each(f);
    }

    /// Forgets every object.
    void clear_objects() {
        pending_keys_.clear();
        pending_.clear();
        left_pending_ = 0;
        deleted_.clear();
        removed_pending_.clear();
        identity_.clear();
        entries_.clear();
    }

protected:
    // An entry of pending_ stopped being pending: counted, and pending_ compacted when half stale.
    void left_pending() {
        if (++left_pending_ * 2 > pending_.size()) compact_pending();
    }

    // Drops the entries no longer pending from pending_ (keeps the add order) and from the
    // pending-key index.
    void compact_pending() {
        if (left_pending_ == 0) return;
        drop_left_pending();
    }

    void drop_left_pending() {
        std::erase_if(pending_, [](const entry<T>* e) { return e->state != object_state::pending; });
        left_pending_ = 0;
        if (pending_.empty()) pending_keys_.clear();
        else pending_keys_.drop_left(&is_pending);
    }

    /// Indexes pending `e` under its key, unless that is a generated key not yet written (the
    /// default value). @return the other pending entry holding that key (`e` is not indexed
    /// then), else nullptr. @throws std::bad_alloc (not indexed then).
    void* index_pending(entry<T>* e) {
        if (generated_key<T> && is_default_key(e->object)) return nullptr;
        return pending_keys_.insert(primary_key_of(e->object), e, &is_pending);
    }

    static bool is_pending(const void* e) noexcept {
        return static_cast<const entry<T>*>(e)->state == object_state::pending;
    }

    [[nodiscard]] bool has_pending() const noexcept { return pending_.size() > left_pending_; }

    /// Maps `key` to `e`, replacing the entry it mapped. A key above every mapped key (generated
    /// keys, which grow) is appended without searching the tree (10,000 session.add with
    /// generated keys, SQLite, callgrind: the flush's apply step 15.1 -> 12.4 M instructions).
    void map_key(const key_type& key, entry<T>* e) {
        if (identity_.empty() || std::prev(identity_.end())->first < key) {
            identity_.emplace_hint(identity_.end(), key, e);
            return;
        }
        identity_[key] = e;
    }

    /// Removes `key` from the identity map if it maps to `e` (another entry may own it now).
    void unmap(const entry<T>& e, const key_type& key) {
        const auto found = identity_.find(key);
        if (found != identity_.end() && found->second == &e) identity_.erase(found);
    }

    static bool is_default_key(const T& object) {
        return primary_key_of(object) == key_type{};
    }

    /// False when an after_load hook may make the snapshot differ from the row read.
    static constexpr bool snapshot_is_row = !requires(T& object) { hooks<T>::after_load(object); };

    void start_result(std::uint64_t result) {
        if (result != result_) {  // a new result: forget the rows of the last one
            result_ = result;
            first_rows_.clear();
        }
    }

    /// Compares a row with the row of the same key read earlier in the same result.
    void check_same_row(entry<T>& existing, const T& loaded, std::uint64_t result) {
        start_result(result);
        const T* first = nullptr;
        if (snapshot_is_row && existing.loaded_by == result && !existing.expired) {
            first = &*existing.snapshot;  // this result's earlier row equals the snapshot
        } else if (const auto found = first_rows_.find(&existing); found != first_rows_.end()) {
            first = &found->second;
        } else {  // the first row of this result for an object tracked before it
            if (snapshot_is_row && !existing.expired && !differs(loaded, *existing.snapshot))
                existing.loaded_by = result;  // later rows compare with the snapshot: no copy
            else
                first_rows_.emplace(&existing, loaded);
            return;
        }
        const auto changed = changed_columns(loaded, *first);
        if (changed.empty()) return;
        const std::string_view member = member_names<T>[changed.front()];
        throw mapping_error(detail::format(
            "one query result has two rows for {} with primary key {} that differ (in `{}`): the mapped "
            "primary key does not identify one row; map every key column (relata::mapping<T>::primary_key "
            "= std::tuple{{&T::a, &T::b}})",
            type_name<T>, describe_key(loaded), member));
    }

    using identity_index = std::map<key_type, entry<T>*, std::less<key_type>, pool_allocator<std::pair<const key_type, entry<T>*>>>;

    entry_store<entry<T>> entries_;  // every entry, at a stable address, until clear_objects()
    node_pool identity_nodes_;       // identity_'s nodes: no malloc/free per tracked object
    identity_index identity_{typename identity_index::allocator_type(identity_nodes_)};
    // Pending objects in add order (by sequence), and `left_pending_` more that are no longer
    // pending (removed or expunged): taken out in one pass once they are half of it, so that
    // removing n pending objects one by one costs O(n), not a search and a shift each.
    std::vector<entry<T>*> pending_;
    std::size_t left_pending_ = 0;
    // Pending objects by the key they were added with (index_pending): entries no longer
    // pending stay until pending_ is compacted, and are skipped. Tree nodes from identity_'s pool.
    pending_key_index<key_type> pending_keys_{identity_nodes_};
    std::vector<entry<T>*> deleted_;  // DELETE flushed, not yet committed
    std::vector<entry<T>*> removed_pending_;  // pending objects removed since the last flush
    std::uint64_t sequence_ = 0;
    std::uint64_t result_ = 0;                              // the result first_rows_ belongs to
    std::unordered_map<const entry<T>*, T> first_rows_;     // its first rows not kept as a snapshot
};

}  // namespace relata::detail
