#pragma once
/// @file
/// Formatting bound values for logs: `relata::describe_parameters`, for the callback installed
/// with `db.on_sql_with_parameters(...)`.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "relata/detail/format.hpp"
#include "relata/types.hpp"

namespace relata {

/// One bound value as a log shows it: integers and floating-point numbers as written in SQL
/// (a float with all the digits it needs to round-trip), texts in single quotes with quotes
/// doubled, blobs as ``x'00ff'``, booleans `true`/`false`, timestamps and dates in ISO 8601,
/// NULL as `NULL`. Texts and blobs longer than `max_length` characters (bytes) are cut, with
/// the number of characters left out.
[[nodiscard]] inline std::string describe(const value& v, std::size_t max_length = 200) {
    const auto cut = [&](std::size_t size) { return size > max_length ? detail::format("... ({} more)", size - max_length) : std::string(); };
    return std::visit(
        [&](const auto& x) -> std::string {
            using X = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<X, std::monostate>) return "NULL";
            else if constexpr (std::is_same_v<X, std::int64_t>) return detail::format("{}", x);
            else if constexpr (std::is_same_v<X, double>) return detail::format("{}", x);
            else if constexpr (std::is_same_v<X, bool>) return x ? "true" : "false";
            else if constexpr (std::is_same_v<X, std::string>) {
                std::string out = "'";
                const std::string_view shown = std::string_view(x).substr(0, max_length);
                for (const char c : shown) {
                    if (c == '\'') out += '\'';
                    out += c;
                }
                return out + "'" + cut(x.size());
            } else if constexpr (std::is_same_v<X, blob>) {
                std::string out = "x'";
                for (std::size_t i = 0; i < x.size() && i < max_length; ++i)
                    out += detail::format("{:02x}", static_cast<unsigned>(x[i]));
                return out + "'" + cut(x.size());
            } else if constexpr (std::is_same_v<X, timestamp>) return detail::format_iso_timestamp(x, 6);
            else return detail::format_iso_date(x);
        },
        v);
}

/// All bound values of a statement, in placeholder order: ``[42, 'it''s', NULL]``.
/// @param parameters the bound values, as `on_sql_with_parameters` receives them
/// @param max_length passed to `describe` for each value.
[[nodiscard]] inline std::string describe_parameters(std::span<const value> parameters, std::size_t max_length = 200) {
    std::string out = "[";
    for (std::size_t i = 0; i < parameters.size(); ++i) {
        if (i > 0) out += ", ";
        out += describe(parameters[i], max_length);
    }
    return out + "]";
}

}  // namespace relata
