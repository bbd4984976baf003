#pragma once
/// @file
/// Storage for a Session's tracked objects: entries in chunks that never move, so a tracked
/// object's address stays valid for the Session's life and an entry is found from its
/// object's address without a map node per object.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

namespace relata::detail {

/// An entry by its add order (its `sequence`), without its model's type.
using sequenced_entry = std::pair<std::uint64_t, void*>;

/// Sorts by sequence (the order objects started being tracked). Not a template: one sort for
/// every model.
inline void sort_by_sequence(std::vector<sequenced_entry>& entries) {
    std::sort(entries.begin(), entries.end());
}

/// Owns entries of type `Entry` (which has a member `object`) in chunks of growing size (16,
/// 32, ... up to 4,096 entries). Adding is amortized O(1) with one allocation per chunk;
/// `find(object)` is a binary search over the chunks. Entries live until `clear()`.
template <class Entry>
class entry_store {
public:
    entry_store() = default;
    entry_store(const entry_store&) = delete;
    entry_store& operator=(const entry_store&) = delete;
    ~entry_store() { clear(); }

    /// Moves `e` into the store. @return its stable address.
    Entry* add(Entry&& e) {
        return add_made([&]() -> Entry&& { return std::move(e); });
    }

    /// Stores the entry `make()` returns, built in its place (no entry to move when `make`
    /// returns a prvalue). @return its stable address.
    template <class Make>
    Entry* add_made(Make&& make) {
        if (chunks_.empty() || chunks_.back().used == chunks_.back().capacity) grow();
        chunk& last = chunks_.back();
        Entry* slot = ::new (static_cast<void*>(last.begin + last.used)) Entry(make());
        ++last.used;
        ++size_;
        return slot;
    }

    /// The entry whose `object` member is at `address`; nullptr when no entry here has it.
    template <class Object>
    Entry* find(const Object* address) const {
        const auto at = reinterpret_cast<std::uintptr_t>(address);
        auto after = std::upper_bound(by_address_.begin(), by_address_.end(), at,
                                      [](std::uintptr_t a, const located& c) { return a < c.begin; });
        if (after == by_address_.begin()) return nullptr;
        const chunk& c = chunks_[std::prev(after)->index];
        const std::uintptr_t offset = at - reinterpret_cast<std::uintptr_t>(c.begin);
        const std::size_t index = offset / sizeof(Entry);
        if (index >= c.used || &c.begin[index].object != address) return nullptr;
        return c.begin + index;
    }

    /// True when `predicate(Entry&)` is true for some entry, trying them in the order they were
    /// added and stopping at the first: a walk over contiguous chunks.
    template <class Predicate>
    bool any_of(Predicate&& predicate) {
        for (chunk& c : chunks_)
            for (std::size_t i = 0; i < c.used; ++i)
                if (predicate(c.begin[i])) return true;
        return false;
    }

    /// How many entries the store holds (tracked or not).
    [[nodiscard]] std::size_t size() const noexcept { return size_; }

    /// Calls `f(Entry&)` for every entry, in the order they were added.
    template <class F>
    void for_each(F&& f) {
        for (chunk& c : chunks_)
            for (std::size_t i = 0; i < c.used; ++i) f(c.begin[i]);
    }

    /// Destroys every entry and frees the chunks.
    void clear() noexcept {
        std::allocator<Entry> allocator;
        for (chunk& c : chunks_) {
            std::destroy_n(c.begin, c.used);
            allocator.deallocate(c.begin, c.capacity);
        }
        chunks_.clear();
        size_ = 0;
        by_address_.clear();
    }

private:
    struct chunk {
        Entry* begin;
        std::size_t used;
        std::size_t capacity;
    };
    struct located {
        std::uintptr_t begin;
        std::size_t index;  // in chunks_
    };

    void grow() {
        const std::size_t capacity = chunks_.empty() ? 16 : std::min<std::size_t>(chunks_.back().capacity * 2, 4096);
        chunks_.reserve(chunks_.size() + 1);
        by_address_.reserve(by_address_.size() + 1);
        Entry* begin = std::allocator<Entry>().allocate(capacity);
        chunks_.push_back({begin, 0, capacity});
        const located l{reinterpret_cast<std::uintptr_t>(begin), chunks_.size() - 1};
        by_address_.insert(std::upper_bound(by_address_.begin(), by_address_.end(), l.begin,
                                            [](std::uintptr_t a, const located& c) { return a < c.begin; }),
                           l);
    }

    std::vector<chunk> chunks_;
    std::size_t size_ = 0;
    std::vector<located> by_address_;  // chunks sorted by address, for find()
};

}  // namespace relata::detail
