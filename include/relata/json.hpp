#pragma once
/// @file
/// `relata::json`: JSON text in a column typed as JSON — PostgreSQL JSONB, SQLite TEXT (which
/// SQLite's JSON functions read). A plain std::string member reads json and jsonb columns too.

#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "relata/types.hpp"

namespace relata {

/// A JSON document as text. relata does not parse it; the database does (PostgreSQL rejects
/// invalid JSON with SQLSTATE 22P02). PostgreSQL's jsonb normalizes the text it returns
/// (key order, spacing: `{"b":1,"a":2}` reads back as `{"a": 2, "b": 1}`).
struct json {
    std::string text;  ///< the JSON text, e.g. `{"tags": ["a", "b"]}`

    /// Compares the texts byte for byte (not as JSON: `{"a":1}` differs from `{"a": 1}`).
    friend bool operator==(const json&, const json&) = default;
};

/// relata::json: PostgreSQL JSONB (sent as text, read from json or jsonb), SQLite TEXT.
template <>
struct value_traits<json> {
    /// PostgreSQL JSONB (SQLite: TEXT).
    static constexpr sql_type type = sql_type::json;
    /// The text.
    static value to_value(const json& v) { return v.text; }
    /// The text read back. @throws relata::conversion_error when the cell is not text.
    static json from_cell(const cell& c) {
        if (const auto* s = std::get_if<std::string_view>(&c)) return json{std::string(*s)};
        detail::conversion_failed(c, "JSON text");
    }
};

}  // namespace relata
