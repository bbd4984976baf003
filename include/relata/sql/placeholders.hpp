#pragma once
/// @file
/// Hand-written SQL with one placeholder spelling on both engines: `?`. For PostgreSQL each
/// `?` becomes `$1`, `$2`, ... in order; SQLite takes `?` as it is. `?` inside string
/// literals, quoted identifiers, comments and dollar-quoted strings is text, not a placeholder.
///
/// @code
/// relata::rewrite_placeholders("SELECT * FROM post WHERE votes > ? AND title <> '?'", relata::engine::postgresql).sql
///   -> SELECT * FROM post WHERE votes > $1 AND title <> '?'
/// @endcode
///
/// What the scanner knows (PostgreSQL lexical structure, sql-syntax-lexical.html; SQLite
/// tokenizer, lang_expr.html#varparam):
/// - ``'...'`` with ``''`` inside; on PostgreSQL also ``E'...'`` with backslash escapes (a plain
///   ``'...'`` is read as with `standard_conforming_strings = on`, the default since 9.1);
/// - `"..."` quoted identifiers with `""` inside; on SQLite also `[...]` and `` `...` ``;
/// - `-- ...` to the end of the line, `/* ... */` (nested on PostgreSQL, as the server does);
/// - on PostgreSQL, dollar-quoted strings `$$...$$` and `$tag$...$tag$`.
///
/// Rejected with relata::placeholder_error (outside the above): `$1` and `?1` on both engines;
/// on SQLite also `:name`, `@name` and `$name` (SQLite binds those by first appearance, not by
/// number, so `$2 ... $1` would silently swap the arguments). PostgreSQL's jsonb operators
/// `?`, `?|` and `?&` cannot be written: every `?` is a placeholder. Use the functions they
/// stand for: `jsonb_exists(doc, key)`, `jsonb_exists_any(doc, keys)`,
/// `jsonb_exists_all(doc, keys)` (for `@?`: `jsonb_path_exists(doc, path)`).

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>


#include "relata/detail/format.hpp"
#include "relata/error.hpp"
#include "relata/sql/dialect.hpp"
#include "relata/sql/rendered_query.hpp"
#include "relata/types.hpp"

namespace relata {

/// Hand-written SQL in an engine's placeholder style, with its number of placeholders.
struct rewritten_sql {
    std::string sql;               ///< the text, `?` on SQLite, `$1`, `$2`, ... on PostgreSQL
    std::size_t placeholders = 0;  ///< how many `?` the original text has
};

namespace detail {

constexpr bool is_ascii_letter(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_ascii_digit(char c) noexcept { return c >= '0' && c <= '9'; }
// Both engines accept `$` and non-ASCII bytes inside identifiers.
constexpr bool is_identifier_char(char c) noexcept {
    return is_ascii_letter(c) || is_ascii_digit(c) || c == '_' || c == '$' || static_cast<unsigned char>(c) >= 0x80;
}

/// Index just after the literal or identifier opened by the quote at `open`; `doubled` quotes
/// stay inside, and with `backslash` so does `\x`. An unterminated one runs to the end (the
/// database reports it).
constexpr std::size_t skip_quoted(std::string_view sql, std::size_t open, char close, bool backslash) noexcept {
    std::size_t i = open + 1;
    while (i < sql.size()) {
        if (backslash && sql[i] == '\\') {
            i += 2;
        } else if (sql[i] == close) {
            if (i + 1 < sql.size() && sql[i + 1] == close) i += 2;
            else return i + 1;
        } else {
            ++i;
        }
    }
    return sql.size();
}

/// Index just after the block comment opened at `open` (`/*`).
constexpr std::size_t skip_block_comment(std::string_view sql, std::size_t open, bool nested) noexcept {
    std::size_t depth = 1;
    std::size_t i = open + 2;
    while (i < sql.size()) {
        if (nested && sql.substr(i, 2) == "/*") {
            ++depth;
            i += 2;
        } else if (sql.substr(i, 2) == "*/") {
            i += 2;
            if (--depth == 0) return i;
        } else {
            ++i;
        }
    }
    return sql.size();
}

/// For a `$` at `open` on PostgreSQL: the index after the dollar-quoted string it opens, or
/// `open` when it opens none (`$` alone, or `$1`).
constexpr std::size_t skip_dollar_quoted(std::string_view sql, std::size_t open) noexcept {
    std::size_t tag_end = open + 1;
    if (tag_end < sql.size() && is_ascii_digit(sql[tag_end])) return open;
    while (tag_end < sql.size() && sql[tag_end] != '$' && is_identifier_char(sql[tag_end])) ++tag_end;
    if (tag_end >= sql.size() || sql[tag_end] != '$') return open;
    const std::string_view tag = sql.substr(open, tag_end - open + 1);
    const std::size_t close = sql.find(tag, tag_end + 1);
    return close == std::string_view::npos ? sql.size() : close + tag.size();
}

/// The placeholder-like token starting at `start` (`$12`, `:name`, ...), for messages.
inline std::string_view token_at(std::string_view sql, std::size_t start) {
    std::size_t end = start + 1;
    while (end < sql.size() && is_identifier_char(sql[end]) && sql[end] != '$') ++end;
    return sql.substr(start, end - start);
}

[[noreturn]] inline void reject_placeholder(std::string_view sql, std::size_t at, engine target, std::string_view why) {
    throw placeholder_error(
        detail::format("hand-written SQL uses the placeholder `{}` at position {}: {}; write `?` for each argument, in "
                       "order (relata numbers them for PostgreSQL){}; SQL: {}",
                       token_at(sql, at), at + 1, why,
                       target == engine::sqlite ? " (SQLite binds $n, ?NNN, :name and @name by first appearance, not by "
                                               "number)"
                                             : "",
                    sql_excerpt(sql)),
        at + 1);
}

}  // namespace detail

/// Rewrites hand-written SQL written with `?` placeholders for `target`: on PostgreSQL the
/// n-th `?` (outside literals, quoted identifiers, comments and dollar quotes) becomes `$n`;
/// on SQLite the text is unchanged. Both count the placeholders.
/// @code
/// rewrite_placeholders("UPDATE post SET title = ? WHERE id = ? -- ?", engine::postgresql)
///   -> {"UPDATE post SET title = $1 WHERE id = $2 -- ?", 2}
/// @endcode
/// @throws relata::placeholder_error for `$1` or `?1` (both engines) and, on SQLite, `:name`,
/// `@name` or `$name`, naming the position.
[[nodiscard]] inline rewritten_sql rewrite_placeholders(std::string_view sql, engine target) {
    const bool postgres = target == engine::postgresql;
    rewritten_sql out;
    std::size_t copied = 0;  // sql[0, copied) is already in out.sql (PostgreSQL only)
    std::size_t i = 0;
    while (i < sql.size()) {
        const char c = sql[i];
        const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
        const bool after_identifier = i > 0 && detail::is_identifier_char(sql[i - 1]);
        if (c == '\'') {
            i = detail::skip_quoted(sql, i, '\'', false);
        } else if (postgres && (c == 'E' || c == 'e') && next == '\'' && !after_identifier) {
            i = detail::skip_quoted(sql, i + 1, '\'', true);
        } else if (c == '"') {
            i = detail::skip_quoted(sql, i, '"', false);
        } else if (!postgres && c == '`') {
            i = detail::skip_quoted(sql, i, '`', false);
        } else if (!postgres && c == '[') {
            const std::size_t close = sql.find(']', i + 1);
            i = close == std::string_view::npos ? sql.size() : close + 1;
        } else if (c == '-' && next == '-') {
            const std::size_t end = sql.find('\n', i);
            i = end == std::string_view::npos ? sql.size() : end + 1;
        } else if (c == '/' && next == '*') {
            i = detail::skip_block_comment(sql, i, postgres);
        } else if (c == '$' && !after_identifier) {
            if (detail::is_ascii_digit(next)) detail::reject_placeholder(sql, i, target, "numbered placeholders are not accepted");
            if (postgres) {
                const std::size_t end = detail::skip_dollar_quoted(sql, i);
                i = end == i ? i + 1 : end;
            } else {
                if (detail::is_identifier_char(next))
                    detail::reject_placeholder(sql, i, target, "named placeholders are not accepted");
                ++i;
            }
        } else if (c == '?') {
            if (detail::is_ascii_digit(next)) detail::reject_placeholder(sql, i, target, "numbered placeholders are not accepted");
            ++out.placeholders;
            if (postgres) {
                out.sql.append(sql.substr(copied, i - copied));
                out.sql.push_back('$');
                detail::append_integer(out.sql, out.placeholders);
                copied = i + 1;
            }
            ++i;
        } else if (!postgres && (c == ':' || c == '@') && (detail::is_identifier_char(next) && next != '$')) {
            detail::reject_placeholder(sql, i, target, "named placeholders are not accepted");
        } else {
            ++i;
        }
    }
    if (postgres) out.sql.append(sql.substr(copied));
    else out.sql.assign(sql);
    return out;
}

namespace detail {

/// Hand-written SQL and its arguments as a statement for `d`'s engine.
/// @throws relata::placeholder_error as rewrite_placeholders, and when the number of `?`
/// differs from the number of arguments.
inline rendered_query hand_written_query(std::string_view sql, const dialect& d, std::vector<value> arguments) {
    rewritten_sql rewritten = rewrite_placeholders(sql, d.engine);
    if (rewritten.placeholders != arguments.size()) {
        const bool json_operator = d.engine == engine::postgresql &&
                                   (sql.find("?|") != std::string_view::npos || sql.find("?&") != std::string_view::npos ||
                                    sql.find("@?") != std::string_view::npos || rewritten.placeholders > arguments.size());
        throw placeholder_error(
            detail::format("hand-written SQL has {} `?` placeholder{} but {} argument{} given{}; SQL: {}",
                           rewritten.placeholders, rewritten.placeholders == 1 ? "" : "s", arguments.size(),
                           arguments.size() == 1 ? " was" : "s were",
                           json_operator ? " (every `?` is a placeholder, also in PostgreSQL's jsonb operators ?, ?| "
                                        "and ?&: write jsonb_exists, jsonb_exists_any or jsonb_exists_all instead)"
                                      : "",
                        sql_excerpt(sql)),
            0);
    }
    return rendered_query{std::move(rewritten.sql), std::move(arguments)};
}

}  // namespace detail
}  // namespace relata
