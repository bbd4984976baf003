#pragma once
/// @file
/// FNV-1a, the non-cryptographic hash relata uses for derived DDL names (32-bit) and migration
/// checksums and the migration lock key (64-bit). Parameters from
/// http://www.isthe.com/chongo/tech/comp/fnv/.

#include <cstdint>
#include <string_view>

namespace relata::detail {

/// The 32-bit FNV-1a hash of `text`'s bytes, continuing from `hash` (offset basis 2166136261,
/// prime 16777619): `fnv1a_32(b, fnv1a_32(a))` hashes the concatenation of a and b.
[[nodiscard]] constexpr std::uint32_t fnv1a_32(std::string_view text, std::uint32_t hash = 2166136261u) noexcept {
    for (const char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 16777619u;
    }
    return hash;
}

/// The 64-bit FNV-1a hash of `text`'s bytes (offset basis 14695981039346656037, prime
/// 1099511628211).
[[nodiscard]] constexpr std::uint64_t fnv1a_64(std::string_view text) noexcept {
    std::uint64_t hash = 14695981039346656037ULL;
    for (const char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 1099511628211ULL;
    }
    return hash;
}

}  // namespace relata::detail
