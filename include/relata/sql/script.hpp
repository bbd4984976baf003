#pragma once
/// @file
/// `relata::split_statements`: the statements of an SQL script, as the engine would see them,
/// so that a script can run one statement at a time and a failure can name its statement
/// (`relata::migrate` does this for SQL migrations).

#include <cstddef>
#include <string_view>
#include <vector>

#include "relata/sql/dialect.hpp"

namespace relata {

namespace detail {

constexpr bool is_identifier_character(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
           u >= 0x80;
}

constexpr bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

constexpr bool equals_ignoring_case(std::string_view word, std::string_view keyword) noexcept {
    if (word.size() != keyword.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i) {
        char c = word[i];
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        if (c != keyword[i]) return false;
    }
    return true;
}

constexpr std::string_view trim_space(std::string_view text) noexcept {
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    return text;
}

// The end (one past the closing tag) of the PostgreSQL dollar-quoted string that starts at
// `i` ($$...$$ or $tag$...$tag$), or `i` when no dollar quote starts there.
constexpr std::size_t dollar_quote_end(std::string_view sql, std::size_t i) noexcept {
    std::size_t j = i + 1;
    if (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') return i;  // $1: a parameter
    while (j < sql.size() && sql[j] != '$' && is_identifier_character(sql[j])) ++j;
    if (j >= sql.size() || sql[j] != '$') return i;
    const std::string_view tag = sql.substr(i, j - i + 1);
    const std::size_t close = sql.find(tag, j + 1);
    return close == std::string_view::npos ? sql.size() : close + tag.size();
}

}  // namespace detail

/// Splits an SQL script into its statements at the `;` that end them, the way the engine reads
/// the script: a `;` inside a string (``'...'``, PostgreSQL ``E'...'`` with backslash escapes and
/// `$tag$...$tag$`), a quoted name (`"..."`, SQLite also `` `...` `` and `[...]`), a comment
/// (`-- ...`, `/* ... */`, nested on PostgreSQL) or parentheses (PostgreSQL `CREATE RULE ... DO
/// (...; ...)`) ends nothing, and neither does one inside a body that holds statements: SQLite
/// `CREATE [TEMP] TRIGGER ... BEGIN ...; END` and PostgreSQL `BEGIN ATOMIC ...; END` end at the
/// `;` after `; END` (the rule of SQLite's `sqlite3_complete`). Pieces holding no statement
/// (only whitespace, comments or `;`) are left out, as both engines skip them.
/// Each statement is returned without its `;` and without surrounding whitespace, as a view
/// into `sql`.
/// @code
/// relata::split_statements("CREATE TABLE t (x text DEFAULT ';'); INSERT INTO t VALUES ('a;b');",
///                          relata::engine::sqlite);
/// // {"CREATE TABLE t (x text DEFAULT ';')", "INSERT INTO t VALUES ('a;b')"}
/// @endcode
/// Where the split could be wrong it errs towards not splitting (an unclosed parenthesis or
/// quote keeps the rest of the script in one piece), which both engines still run as a script.
[[nodiscard]] inline std::vector<std::string_view> split_statements(std::string_view sql, engine target) {
    using detail::equals_ignoring_case;
    const bool postgres = target == engine::postgresql;
    enum class token { none, semicolon, end_keyword, atomic_keyword, other };

    std::vector<std::string_view> statements;
    std::size_t start = 0;
    std::size_t depth = 0;      // parentheses
    bool significant = false;   // the current piece holds a token
    bool body = false;          // a trigger or BEGIN ATOMIC: only `; END ;` ends it
    std::size_t words = 0;      // words read in the current statement
    bool create_first = false;  // SQLite: the statement starts with CREATE [TEMP|TEMPORARY]
    token previous = token::none;
    token before_previous = token::none;
    std::string_view previous_word;

    const auto note = [&](token t) {
        before_previous = previous;
        previous = t;
        significant = true;
    };
    const auto finish = [&](std::size_t end) {
        if (significant) statements.push_back(detail::trim_space(sql.substr(start, end - start)));
        start = end + 1;
        depth = 0;
        significant = false;
        body = false;
        words = 0;
        create_first = false;
        previous = before_previous = token::none;
        previous_word = {};
    };

    std::size_t i = 0;
    while (i < sql.size()) {
        const char c = sql[i];
        const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
        if (detail::is_space(c)) {
            ++i;
        } else if (c == '-' && next == '-') {
            const std::size_t end = sql.find('\n', i);
            i = end == std::string_view::npos ? sql.size() : end + 1;
        } else if (c == '/' && next == '*') {
            std::size_t nesting = 1;
            i += 2;
            while (i < sql.size() && nesting > 0) {
                if (sql.substr(i, 2) == "*/") {
                    --nesting;
                    i += 2;
                } else if (postgres && sql.substr(i, 2) == "/*") {
                    ++nesting;
                    i += 2;
                } else {
                    ++i;
                }
            }
        } else if (c == '\'' || c == '"' || (!postgres && c == '`') || (!postgres && c == '[')) {
            // A doubled quote ('it''s') closes and reopens: the same as one string.
            const char close = c == '[' ? ']' : c;
            const bool backslash = postgres && c == '\'' && previous_word.size() == 1 &&
                                   (previous_word[0] == 'e' || previous_word[0] == 'E') && i > 0 &&
                                   sql[i - 1] == previous_word[0];
            std::size_t j = i + 1;
            while (j < sql.size() && sql[j] != close) j += backslash && sql[j] == '\\' ? 2 : 1;
            i = j < sql.size() ? j + 1 : sql.size();
            note(token::other);
        } else if (postgres && c == '$' && detail::dollar_quote_end(sql, i) != i) {
            i = detail::dollar_quote_end(sql, i);
            note(token::other);
        } else if (detail::is_identifier_character(c)) {
            std::size_t j = i;
            while (j < sql.size() && detail::is_identifier_character(sql[j])) ++j;
            const std::string_view word = sql.substr(i, j - i);
            if (!postgres) {
                const bool temporary = equals_ignoring_case(word, "TEMP") || equals_ignoring_case(word, "TEMPORARY");
                if (words == 0) create_first = equals_ignoring_case(word, "CREATE");
                else if (create_first && words <= 2 && equals_ignoring_case(word, "TRIGGER")) body = true;
                if (words > 0 && !(words == 1 && temporary)) create_first = false;
            } else if (equals_ignoring_case(word, "ATOMIC") && equals_ignoring_case(previous_word, "BEGIN") &&
                       previous == token::other) {
                body = true;
            }
            ++words;
            note(equals_ignoring_case(word, "END")      ? token::end_keyword
                 : equals_ignoring_case(word, "ATOMIC") ? token::atomic_keyword
                                                        : token::other);
            previous_word = word;
            i = j;
        } else if (c == ';' && depth == 0) {
            if (!body || (previous == token::end_keyword &&
                          (before_previous == token::semicolon || before_previous == token::atomic_keyword))) {
                finish(i);
            } else {
                note(token::semicolon);
                previous_word = {};
            }
            ++i;
        } else {
            if (c == '(') ++depth;
            else if (c == ')' && depth > 0) --depth;
            note(token::other);
            previous_word = {};
            ++i;
        }
    }
    finish(sql.size());
    return statements;
}

}  // namespace relata
