#pragma once
/// @file
/// The pending objects of one model in a Session, by the primary key each was added with: what
/// `session.find`/`get` answer from memory for a key the identity map lacks.
#include <algorithm>
#include <functional>
#include <map>
#include <utility>
#include <vector>

#include "relata/session/node_pool.hpp"

namespace relata::detail {

/// Pending entries (type-erased to `void*`, so that every model with the same key type
/// shares this code) by key. Keys added in ascending order — sequential explicit keys, the usual
/// case — are appended to a sorted vector, with no tree node; any other key goes to a tree. A
/// key is in one of the two at most. Entries that stopped being pending stay until `drop_left`
/// and are never answered: the caller passes the test (`still_pending`) with each call.
template <class Key>
class pending_key_index {
public:
    /// True while the entry is pending (not flushed, removed or expunged).
    using still_pending = bool (*)(const void* entry) noexcept;

    /// Tree nodes come from `pool`, which must outlive the index.
    explicit pending_key_index(node_pool& pool) : other_(tree_allocator(pool)) {}

    /// The pending entry indexed under `key`, or nullptr. O(log n).
    [[nodiscard]] void* find(const Key& key, still_pending pending) const {
        void* entry = nullptr;
        if (const auto* slot = find_ascending(key)) {
            entry = slot->second;
        } else if (const auto found = other_.find(key); found != other_.end()) {
            entry = found->second;
        }
        return entry != nullptr && pending(entry) ? entry : nullptr;
    }

    /// Indexes `entry` under `key`, unless a pending entry holds that key already: that entry
    /// is returned then, and nothing changes. An entry no longer pending gives its key up. O(1)
    /// for a key above every indexed key, else O(log n).
    /// @return nullptr when indexed. @throws std::bad_alloc (nothing changed then).
    void* insert(Key key, void* entry, still_pending pending) {
        if ((ascending_.empty() || ascending_.back().first < key) && (other_.empty() || !other_.contains(key))) {
            ascending_.emplace_back(std::move(key), entry);
            return nullptr;
        }
        if (auto* slot = find_ascending(key)) {
            if (pending(slot->second)) return slot->second;
            slot->second = entry;
            return nullptr;
        }
        const auto [at, inserted] = other_.try_emplace(std::move(key), entry);
        if (!inserted) {
            if (pending(at->second)) return at->second;
            at->second = entry;
        }
        return nullptr;
    }

    /// Forgets the entries no longer pending. O(n).
    void drop_left(still_pending pending) {
        const auto left = [pending](const auto& item) { return !pending(item.second); };
        std::erase_if(ascending_, left);  // stays sorted
        std::erase_if(other_, left);
    }

    void clear() noexcept {
        ascending_.clear();
        other_.clear();
    }

private:
    using tree_allocator = pool_allocator<std::pair<const Key, void*>>;

    [[nodiscard]] const std::pair<Key, void*>* find_ascending(const Key& key) const {
        const auto at = std::lower_bound(ascending_.begin(), ascending_.end(), key,
                                         [](const auto& item, const Key& wanted) { return item.first < wanted; });
        return at != ascending_.end() && !(key < at->first) ? &*at : nullptr;
    }
    std::pair<Key, void*>* find_ascending(const Key& key) {
        return const_cast<std::pair<Key, void*>*>(std::as_const(*this).find_ascending(key));
    }

    std::vector<std::pair<Key, void*>> ascending_;
    std::map<Key, void*, std::less<Key>, tree_allocator> other_;
};

}  // namespace relata::detail
