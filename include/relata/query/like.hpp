#pragma once
/// @file
/// `relata::escape_like`: text made into a LIKE pattern that matches it literally, for
/// `like(pattern, escape)`; the text expressions' `contains`, `starts_with` and `ends_with`
/// use it with `\` as the escape character.

#include <string>
#include <string_view>

namespace relata {

/// `text` with `%`, `_` and `escape` itself each preceded by `escape`, so that in
/// `like(pattern, escape)` it matches exactly `text` (the same on both engines; every other
/// character, NUL and multi-byte UTF-8 included, is copied unchanged).
///
/// @code
/// relata::escape_like(R"(50%_off\)")                  // R"(50\%\_off\\)"
/// p.title.like("%" + relata::escape_like(user_text) + "%", '\\')
/// // SQLite:     "title" LIKE ? ESCAPE ?     PostgreSQL: "title" LIKE $1 ESCAPE $2
/// @endcode
/// @param text the characters to match literally.
/// @param escape the escape character that the pattern is used with (default `\`).
/// @return the pattern.
[[nodiscard]] inline std::string escape_like(std::string_view text, char escape = '\\') {
    std::string pattern;
    pattern.reserve(text.size() + text.size() / 8 + 1);
    for (const char c : text) {
        if (c == '%' || c == '_' || c == escape) pattern.push_back(escape);
        pattern.push_back(c);
    }
    return pattern;
}

}  // namespace relata
