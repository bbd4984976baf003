#pragma once
/// @file
/// `relata::statement_cache_statistics` and `relata::detail::statement_cache`: the bounded
/// (least recently used) cache of prepared statements that both backends keep per connection.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace relata {

/// What a connection's prepared-statement cache holds and has done (`statement_cache_statistics()`
/// on either connection).
struct statement_cache_statistics {
    /// Statements cached now (at most `capacity`, plus any that were in use when they would
    /// have been evicted).
    std::size_t size = 0;
    /// The most statements the cache keeps (the connection option `statement_cache_capacity`).
    std::size_t capacity = 0;
    /// Statements run with a statement taken from the cache.
    std::uint64_t hits = 0;
    /// Statements that had to be prepared (not cached, or evicted since).
    std::uint64_t misses = 0;
    /// Statements evicted to keep the cache within its capacity (not counting
    /// `clear_statement_cache()`).
    std::uint64_t evictions = 0;
};

namespace detail {

/// Prepared statements by SQL text, at most `capacity` of them: inserting one more evicts the
/// least recently used. One hash lookup per use; entries (and pointers to their statements)
/// stay where they are until they are evicted or erased. Movable.
template <class Statement>
class statement_cache {
public:
    /// A cache of at most `capacity` statements (at least 1).
    explicit statement_cache(std::size_t capacity) : capacity_(std::max<std::size_t>(1, capacity)) {}

    /// The statement cached for `sql`, now the most recently used; null when there is none.
    /// Counts a hit or a miss.
    Statement* find(std::string_view sql) {
        const auto found = index_.find(sql);
        if (found == index_.end()) {
            ++misses_;
            return nullptr;
        }
        ++hits_;
        entries_.splice(entries_.begin(), entries_, found->second);
        return &found->second->statement;
    }

    /// The statement cached for `sql`, without counting a use or changing the order.
    Statement* peek(std::string_view sql) noexcept {
        const auto found = index_.find(sql);
        return found == index_.end() ? nullptr : &found->second->statement;
    }

    /// Caches `statement` for `sql` (which must not be cached) as the most recently used.
    Statement& insert(std::string sql, Statement statement) {
        entries_.push_front(entry{std::move(sql), std::move(statement)});
        try {
            index_.emplace(std::string_view(entries_.front().sql), entries_.begin());
        } catch (...) {
            entries_.pop_front();
            throw;
        }
        return entries_.front().statement;
    }

    /// Removes the statement cached for `sql`, if any, and returns it.
    template <class Evict>
    void erase(std::string_view sql, Evict&& evict) {
        const auto found = index_.find(sql);
        if (found == index_.end()) return;
        remove(found->second, evict);
    }

    /// Evicts least recently used statements while more than `capacity` are cached, passing
    /// each to `evict(Statement&&)` after removing it; skips those for which `evictable` is
    /// false (in use) and never evicts the most recently used one. `evict` may throw: the
    /// statement is gone from the cache by then.
    template <class Evictable, class Evict>
    void trim(Evictable&& evictable, Evict&& evict) {
        auto next = entries_.end();
        while (entries_.size() > capacity_ && next != entries_.begin()) {
            const auto candidate = std::prev(next);
            if (candidate == entries_.begin()) break;
            if (!evictable(std::as_const(candidate->statement))) {
                next = candidate;
                continue;
            }
            ++evictions_;
            remove(candidate, evict);
        }
    }

    /// Removes every statement for which `evictable` is true, passing each to `evict`.
    template <class Evictable, class Evict>
    void clear(Evictable&& evictable, Evict&& evict) {
        for (auto it = entries_.begin(); it != entries_.end();) {
            const auto current = it++;
            if (evictable(std::as_const(current->statement))) remove(current, evict);
        }
    }

    [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
    [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

    [[nodiscard]] statement_cache_statistics statistics() const noexcept {
        return {entries_.size(), capacity_, hits_, misses_, evictions_};
    }

private:
    struct entry {
        std::string sql;
        Statement statement;
    };
    using position = typename std::list<entry>::iterator;

    template <class Evict>
    void remove(position at, Evict& evict) {
        index_.erase(std::string_view(at->sql));
        Statement statement = std::move(at->statement);
        entries_.erase(at);
        evict(std::move(statement));
    }

    std::size_t capacity_;
    std::list<entry> entries_;                                 // most recently used first
    std::unordered_map<std::string_view, position> index_;     // keys view entries_' sql
    std::uint64_t hits_ = 0;
    std::uint64_t misses_ = 0;
    std::uint64_t evictions_ = 0;
};

}  // namespace detail
}  // namespace relata
