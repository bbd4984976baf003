#pragma once
/// @file
/// relata's one formatting entry point for messages and SQL fragments: fmt::format without the
/// compile-time check of the format string. fmt::format checks its format string in a consteval
/// constructor instantiated at every call site, which cost about half a second of every
/// translation unit that includes relata (130 call sites, most of them in non-template inline
/// functions that are compiled whether or not they are used); fmt::vformat is compiled once,
/// in libfmt. The format strings are relata's own literals, exercised by its tests.

#include <charconv>
#include <concepts>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>

namespace relata::detail {

/// `fmt::format(text, arguments...)`, formatted by libfmt's compiled fmt::vformat.
/// @throws fmt::format_error if `text` does not match the arguments (a bug in relata).
template <class... Arguments>
[[nodiscard]] std::string format(fmt::string_view text, const Arguments&... arguments) {
    return fmt::vformat(text, fmt::make_format_args(arguments...));
}

/// `parts` separated by `separator` (fmt::join without <fmt/format.h>).
[[nodiscard]] inline std::string join(const std::vector<std::string>& parts, std::string_view separator) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i > 0) out.append(separator);
        out.append(parts[i]);
    }
    return out;
}

/// Appends the decimal digits of `number` to `out` (std::to_chars: no locale, no allocation
/// beyond `out`'s). Replaces fmt::format_int, which needs <fmt/format.h> (about 0.3 s and
/// 30 MB of every translation unit, for this one use).
template <std::integral Integer>
void append_integer(std::string& out, Integer number) {
    char digits[24];  // 20 digits of a 64-bit integer and a sign
    const auto end = std::to_chars(digits, digits + sizeof digits, number).ptr;
    out.append(digits, end);
}

}  // namespace relata::detail
