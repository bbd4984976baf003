#pragma once
/// @file
/// Storage for the nodes of a Session's node-based containers (the identity map's std::map):
/// nodes carved from chunks, freed nodes reused, everything released at once, so tracking an
/// object costs no malloc/free pair for its map node.
#include <algorithm>
#include <cstddef>
#include <memory>
#include <new>
#include <vector>

namespace relata::detail {

/// Hands out blocks of one size (the first size asked for, rounded up to
/// `alignof(std::max_align_t)`) from chunks of 32, 64, ... up to 4,096 blocks, one allocation
/// per chunk. A freed block goes on a free list and is handed out again. Chunks are released
/// when the pool is destroyed; the pool must outlive every container that uses it. Requests of
/// another size or for more than one object go to `operator new` (std::map asks for one node at
/// a time, so they do not happen in practice). Not thread-safe, like the Session.
class node_pool {
public:
    node_pool() = default;
    node_pool(const node_pool&) = delete;
    node_pool& operator=(const node_pool&) = delete;
    ~node_pool() {
        for (const chunk& c : chunks_) ::operator delete(c.begin, std::align_val_t{alignment});
    }

    /// A block of `bytes` bytes aligned to `align` (at most `alignof(std::max_align_t)` from the
    /// pool). @throws std::bad_alloc.
    void* allocate(std::size_t bytes, std::size_t align) {
        if (block_size_ == 0) block_size_ = round_up(std::max(bytes, sizeof(free_block)));
        if (!pooled(bytes, align)) return ::operator new(bytes, std::align_val_t{align});
        if (free_ != nullptr) {
            free_block* block = free_;
            free_ = block->next;
            return block;
        }
        if (next_ == end_) grow();
        std::byte* block = next_;
        next_ += block_size_;
        return block;
    }

    /// Returns a block `allocate(bytes, align)` handed out.
    void deallocate(void* block, std::size_t bytes, std::size_t align) noexcept {
        if (!pooled(bytes, align)) {
            ::operator delete(block, std::align_val_t{align});
            return;
        }
        free_ = ::new (block) free_block{free_};
    }

private:
    static constexpr std::size_t alignment = alignof(std::max_align_t);
    struct free_block {
        free_block* next;
    };
    struct chunk {
        std::byte* begin;
        std::size_t bytes;
    };

    static constexpr std::size_t round_up(std::size_t bytes) { return (bytes + alignment - 1) / alignment * alignment; }

    [[nodiscard]] bool pooled(std::size_t bytes, std::size_t align) const noexcept {
        return align <= alignment && round_up(std::max(bytes, sizeof(free_block))) == block_size_;
    }

    void grow() {
        const std::size_t blocks = chunks_.empty() ? 32 : std::min<std::size_t>(2 * chunks_.back().bytes / block_size_, 4096);
        chunks_.reserve(chunks_.size() + 1);  // before allocating: nothing leaks if this throws
        const std::size_t bytes = blocks * block_size_;
        auto* begin = static_cast<std::byte*>(::operator new(bytes, std::align_val_t{alignment}));
        chunks_.push_back({begin, bytes});
        next_ = begin;
        end_ = begin + bytes;
    }

    std::size_t block_size_ = 0;
    free_block* free_ = nullptr;
    std::byte* next_ = nullptr;  // the unused rest of the last chunk
    std::byte* end_ = nullptr;
    std::vector<chunk> chunks_;
};

/// A standard allocator over a node_pool (std::map<K, V, Less, pool_allocator<std::pair<const
/// K, V>>>). Copies and rebound copies share the pool; two allocators are equal when they share
/// it.
template <class T>
class pool_allocator {
public:
    using value_type = T;

    explicit pool_allocator(node_pool& pool) noexcept : pool_(&pool) {}
    template <class U>
    pool_allocator(const pool_allocator<U>& other) noexcept : pool_(other.pool()) {}  // NOLINT: rebinding is implicit

    /// Storage for `n` objects of type T. @throws std::bad_alloc.
    T* allocate(std::size_t n) {
        return static_cast<T*>(n == 1 ? pool_->allocate(sizeof(T), alignof(T))
                                      : ::operator new(n * sizeof(T), std::align_val_t{alignof(T)}));
    }
    void deallocate(T* p, std::size_t n) noexcept {
        if (n == 1) pool_->deallocate(p, sizeof(T), alignof(T));
        else ::operator delete(p, std::align_val_t{alignof(T)});
    }

    [[nodiscard]] node_pool* pool() const noexcept { return pool_; }

    template <class U>
    bool operator==(const pool_allocator<U>& other) const noexcept {
        return pool_ == other.pool();
    }

private:
    node_pool* pool_;
};

}  // namespace relata::detail
