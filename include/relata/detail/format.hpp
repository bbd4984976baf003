#pragma once
/// @file
/// relata's one formatting entry point for messages and SQL fragments: fmt::format without the
/// compile-time check of the format string. fmt::format checks its format string in a consteval
/// constructor instantiated at every call site, which cost about half a second of every
/// translation unit that includes relata (130 call sites, most of them in non-template inline
/// functions that are compiled whether or not they are used); fmt::vformat is compiled once,
/// in libfmt. The format strings are relata's own literals, exercised by its tests.

#include <string>

#include <fmt/core.h>

namespace relata::detail {

/// `fmt::format(text, arguments...)`, formatted by libfmt's compiled fmt::vformat.
/// @throws fmt::format_error if `text` does not match the arguments (a bug in relata).
template <class... Arguments>
[[nodiscard]] std::string format(fmt::string_view text, const Arguments&... arguments) {
    return fmt::vformat(text, fmt::make_format_args(arguments...));
}

}  // namespace relata::detail
