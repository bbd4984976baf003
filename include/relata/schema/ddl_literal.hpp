#pragma once
/// @file
/// Column defaults written into DDL (`mapping<T>::defaults`, see relata::default_value and
/// relata::default_sql): values become SQL literals, since DDL takes no bound parameters.

#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>

#include "relata/detail/format.hpp"
#include "relata/detail/reflection.hpp"
#include "relata/error.hpp"
#include "relata/mapping.hpp"
#include "relata/sql/dialect.hpp"

namespace relata::detail {

/// `text` as an SQL string literal: ``'it''s'``; on PostgreSQL ``E'a\\b'`` when it holds a
/// backslash, so it reads the same under either `standard_conforming_strings`.
/// @throws relata::mapping_error when `text` holds a NUL character (neither engine stores one in text).
inline std::string sql_string_literal(const dialect& d, std::string_view text) {
    if (text.find('\0') != std::string_view::npos)
        throw mapping_error("a string default holds a NUL character, which a text column cannot store");
    const bool escaped = d.engine == engine::postgresql && text.find('\\') != std::string_view::npos;
    std::string out = escaped ? "E'" : "'";
    for (const char c : text) {
        if (c == '\'' || (escaped && c == '\\')) out.push_back(c);
        out.push_back(c);
    }
    out.push_back('\'');
    return out;
}

/// `value` as an SQL literal: `TRUE`/`FALSE`, `-12`, `0.5`, ``'text'``.
/// @throws relata::mapping_error for a non-finite floating-point value or a string with NUL.
template <class Literal>
std::string sql_literal(const dialect& d, const Literal& value) {
    if constexpr (std::is_same_v<Literal, bool>) {
        return value ? "TRUE" : "FALSE";
    } else if constexpr (std::is_integral_v<Literal>) {
        return detail::format("{}", value);
    } else if constexpr (std::is_floating_point_v<Literal>) {
        if (!std::isfinite(value)) throw mapping_error(detail::format("a default of {} is not a finite number", value));
        return detail::format("{}", value);
    } else {
        return sql_string_literal(d, std::string_view(value));
    }
}

/// ` DEFAULT <literal>` or ` DEFAULT (<expression>)` for column `column` of T, from
/// mapping<T>::defaults; empty when the column has no default.
template <model T>
std::string column_default_clause(const dialect& d, std::size_t column) {
    std::string clause;
    if constexpr (requires { mapping<T>::defaults; }) {
        for_each_in_tuple(mapping<T>::defaults, [&](const auto& entry) {
            if (index_of_member<T>(entry.member) != column) return;
            if constexpr (requires { entry.expression; })
                clause = detail::format(" DEFAULT ({})", std::string_view(entry.expression));
            else
                clause = " DEFAULT " + sql_literal(d, entry.value);
        });
    }
    return clause;
}

/// True when every member mapping<T>::defaults names is listed in RELATA_MODEL(T, ...).
template <model T>
constexpr bool default_members_listed() {
    if constexpr (requires { mapping<T>::defaults; })
        return std::apply([](const auto&... entry) { return (is_listed_member<T>(entry.member) && ...); },
                          mapping<T>::defaults);
    else
        return true;
}

}  // namespace relata::detail
