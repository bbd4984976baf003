#pragma once
/// @file
/// `relata::uuid`: a 16-byte universally unique identifier (RFC 9562) as a value type.
/// PostgreSQL stores it as UUID (sent and read in binary), SQLite as a 16-byte BLOB in the
/// same byte order (so BLOB comparison orders like PostgreSQL's uuid). A SQLite TEXT cell in
/// the canonical form is read as well.

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "relata/detail/format.hpp"
#include "relata/error.hpp"
#include "relata/types.hpp"

namespace relata {

/// A UUID: 16 bytes, big-endian as written in its text form
/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`. Default-constructed it is the nil UUID (all zero).
/// Ordered byte by byte, as PostgreSQL orders uuid values; hashable with std::hash.
class uuid {
public:
    /// The nil UUID, `00000000-0000-0000-0000-000000000000`.
    constexpr uuid() noexcept = default;
    /// The UUID with these 16 bytes.
    constexpr explicit uuid(const std::array<std::byte, 16>& bytes) noexcept : bytes_(bytes) {}

    /// Parses the canonical text form (hexadecimal digits in either case, hyphens after the 8th,
    /// 12th, 16th and 20th digit), also without hyphens or in braces, as PostgreSQL accepts.
    /// @return std::nullopt when `text` is not a UUID.
    [[nodiscard]] static constexpr std::optional<uuid> try_parse(std::string_view text) noexcept {
        if (text.size() >= 2 && text.front() == '{' && text.back() == '}') text = text.substr(1, text.size() - 2);
        const bool hyphens = text.size() == 36;
        if (!hyphens && text.size() != 32) return std::nullopt;
        std::array<std::byte, 16> bytes{};
        std::size_t pos = 0;
        for (std::size_t i = 0; i < 16; ++i) {
            if (hyphens && (i == 4 || i == 6 || i == 8 || i == 10)) {
                if (text[pos] != '-') return std::nullopt;
                ++pos;
            }
            const int high = hex_digit(text[pos]);
            const int low = hex_digit(text[pos + 1]);
            if (high < 0 || low < 0) return std::nullopt;
            bytes[i] = static_cast<std::byte>(high * 16 + low);
            pos += 2;
        }
        return uuid(bytes);
    }

    /// Parses as try_parse does. @throws relata::conversion_error when `text` is not a UUID.
    [[nodiscard]] static uuid parse(std::string_view text) {
        if (auto parsed = try_parse(text)) return *parsed;
        throw conversion_error(detail::format("text '{}' is not a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
                                              text.substr(0, 64)));
    }

    /// The canonical lower-case text form, e.g. `a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11`.
    [[nodiscard]] std::string to_string() const {
        static constexpr char hex[] = "0123456789abcdef";
        std::string out;
        out.reserve(36);
        for (std::size_t i = 0; i < 16; ++i) {
            if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
            const auto byte = static_cast<unsigned>(bytes_[i]);
            out.push_back(hex[byte >> 4]);
            out.push_back(hex[byte & 0xf]);
        }
        return out;
    }

    /// The 16 bytes, most significant first.
    [[nodiscard]] constexpr const std::array<std::byte, 16>& bytes() const noexcept { return bytes_; }
    /// True for the nil UUID.
    [[nodiscard]] constexpr bool is_nil() const noexcept { return *this == uuid{}; }

    /// Byte-wise comparison (PostgreSQL's uuid ordering).
    friend constexpr auto operator<=>(const uuid&, const uuid&) noexcept = default;

private:
    static constexpr int hex_digit(char c) noexcept {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    std::array<std::byte, 16> bytes_{};
};

/// relata::uuid: PostgreSQL UUID (binary), SQLite 16-byte BLOB. Reads a 16-byte blob or the
/// text form (PostgreSQL's uuid arrives as text; a SQLite TEXT cell may hold one).
template <>
struct value_traits<uuid> {
    /// SQLite BLOB, PostgreSQL UUID.
    static constexpr sql_type type = sql_type::uuid;
    /// The 16 bytes as a blob.
    static value to_value(const uuid& v) { return blob(v.bytes().begin(), v.bytes().end()); }
    /// The UUID read back. @throws relata::conversion_error for a blob that is not 16 bytes or
    /// text that is not a UUID.
    static uuid from_cell(const cell& c) {
        if (const auto* b = std::get_if<std::span<const std::byte>>(&c)) {
            if (b->size() != 16)
                throw conversion_error(detail::format("a blob of {} bytes is not a UUID (16 bytes)", b->size()));
            std::array<std::byte, 16> bytes{};
            for (std::size_t i = 0; i < 16; ++i) bytes[i] = (*b)[i];
            return uuid(bytes);
        }
        if (const auto* s = std::get_if<std::string_view>(&c)) return uuid::parse(*s);
        detail::conversion_failed(c, "a UUID");
    }
};

}  // namespace relata

/// Hashes the 16 bytes (FNV-1a), so relata::uuid can key an std::unordered_map.
template <>
struct std::hash<relata::uuid> {
    /// FNV-1a (64-bit) over `id.bytes()`, truncated to std::size_t.
    std::size_t operator()(const relata::uuid& id) const noexcept {
        std::uint64_t h = 14695981039346656037ULL;
        for (const std::byte b : id.bytes()) h = (h ^ static_cast<std::uint64_t>(b)) * 1099511628211ULL;
        return static_cast<std::size_t>(h);
    }
};
