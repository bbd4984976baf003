// The identity map's node storage (relata/session/node_pool.hpp) without a database: blocks
// are distinct, aligned and reused, a std::map over it holds what a std::map over the default
// allocator holds through 300,000 nodes, and a comparison that throws mid-insert loses no block.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <utility>

#include "catch.hpp"

#include <relata/session/node_pool.hpp>

namespace node_pool_test {

using pooled_map = std::map<std::int64_t, std::int64_t, std::less<std::int64_t>,
                            relata::detail::pool_allocator<std::pair<const std::int64_t, std::int64_t>>>;

// A key whose comparison throws once `fuse` reaches zero.
struct fragile_key {
    int value = 0;
    static inline int fuse = -1;
    friend bool operator<(const fragile_key& a, const fragile_key& b) {
        if (fuse == 0) throw std::runtime_error("comparison failed");
        if (fuse > 0) --fuse;
        return a.value < b.value;
    }
};

}  // namespace node_pool_test

TEST_CASE("node_pool hands out distinct aligned blocks and reuses freed ones", "[core][session]") {
    relata::detail::node_pool pool;
    std::set<void*> blocks;
    int misaligned = 0, repeated = 0;
    for (int i = 0; i < 10'000; ++i) {  // several chunks
        void* block = pool.allocate(40, 8);
        if (reinterpret_cast<std::uintptr_t>(block) % alignof(std::max_align_t) != 0) ++misaligned;
        if (!blocks.insert(block).second) ++repeated;
    }
    CHECK(misaligned == 0);
    CHECK(repeated == 0);
    void* freed = *blocks.begin();
    pool.deallocate(freed, 40, 8);
    CHECK(pool.allocate(40, 8) == freed);  // the free list first
    void* fresh = pool.allocate(40, 8);    // then new storage, never a block in use
    CHECK_FALSE(blocks.contains(fresh));

    // Another size is not the pool's: it comes from operator new and goes back there.
    void* other = pool.allocate(4096, 8);
    CHECK_FALSE(blocks.contains(other));
    pool.deallocate(other, 4096, 8);
}

TEST_CASE("a std::map over a node_pool holds what a std::map holds, through 300,000 nodes", "[core][session]") {
    relata::detail::node_pool pool;
    node_pool_test::pooled_map pooled{node_pool_test::pooled_map::allocator_type(pool)};
    std::map<std::int64_t, std::int64_t> plain;
    std::uint64_t state = 42;
    const auto next = [&] {
        state = state * 6364136223846793005u + 1442695040888963407u;
        return static_cast<std::int64_t>(state >> 33);
    };
    for (int i = 0; i < 300'000; ++i) {
        const std::int64_t k = next() % 600'000, v = next();
        pooled[k] = v;
        plain[k] = v;
    }
    int erase_mismatches = 0;
    for (int i = 0; i < 150'000; ++i) {  // erase some, insert more: freed nodes are reused
        const std::int64_t k = next() % 600'000;
        if (pooled.erase(k) != plain.erase(k)) ++erase_mismatches;
        const std::int64_t k2 = next() % 1'200'000;
        pooled.emplace(k2, i);
        plain.emplace(k2, i);
    }
    CHECK(erase_mismatches == 0);
    REQUIRE(pooled.size() == plain.size());
    CHECK(std::equal(pooled.begin(), pooled.end(), plain.begin(), plain.end()));
    pooled.clear();
    CHECK(pooled.empty());
}

TEST_CASE("a comparison that throws while inserting into a pooled map leaves it as it was", "[core][session]") {
    using node_pool_test::fragile_key;
    relata::detail::node_pool pool;
    using map = std::map<fragile_key, int, std::less<fragile_key>, relata::detail::pool_allocator<std::pair<const fragile_key, int>>>;
    map m{map::allocator_type(pool)};
    for (int i = 0; i < 100; ++i) m.emplace(fragile_key{i * 2}, i);
    fragile_key::fuse = 3;  // the node is allocated, then the search throws
    CHECK_THROWS_AS(m.emplace(fragile_key{51}, -1), std::runtime_error);
    fragile_key::fuse = -1;
    CHECK(m.size() == 100);
    CHECK(m.find(fragile_key{51}) == m.end());
    m.emplace(fragile_key{51}, 7);  // the freed node is reused
    CHECK(m.at(fragile_key{51}) == 7);
}
