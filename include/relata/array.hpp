#pragma once
/// @file
/// std::vector<T> members as one-dimensional arrays: PostgreSQL INTEGER[], BIGINT[],
/// DOUBLE PRECISION[] and TEXT[]; on SQLite the JSON text of the array (`[1,2,3]`,
/// `["a",null]`), which SQLite's JSON functions (`json_each`, `json_array_length`) read.
/// Elements may be NULL only when T is std::optional. `relata::blob` (std::vector<std::byte>)
/// is not an array: it stays BLOB / BYTEA.

#include <charconv>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>


#include "relata/detail/format.hpp"
#include "relata/detail/json_array.hpp"
#include "relata/error.hpp"
#include "relata/types.hpp"

namespace relata {
namespace detail {

/// An array element type relata stores: integers other than bool, float, double, std::string.
template <class T>
concept array_element = (std::integral<T> && !std::same_as<T, bool> && sizeof(T) <= 8) ||
                        std::same_as<T, double> || std::same_as<T, float> || std::same_as<T, std::string>;

template <class T>
constexpr sql_type array_sql_type() {
    if constexpr (std::same_as<T, std::string>) return sql_type::text_array;
    else if constexpr (std::floating_point<T>) return sql_type::double_array;
    else if constexpr (sizeof(T) < 4 || (sizeof(T) == 4 && std::is_signed_v<T>)) return sql_type::integer_array;
    else return sql_type::bigint_array;
}

template <class T>
void append_json_element(std::string& out, const T& v) {
    if constexpr (std::same_as<T, std::string>) {
        append_json_string(out, v);
    } else if constexpr (std::floating_point<T>) {
        const double d = v;
        // JSON has no NaN or infinities: they travel as the strings PostgreSQL spells them with.
        if (d != d) out += "\"NaN\"";
        else if (d == std::numeric_limits<double>::infinity()) out += "\"Infinity\"";
        else if (d == -std::numeric_limits<double>::infinity()) out += "\"-Infinity\"";
        else out += detail::format("{}", d);  // shortest round-trip, no locale
    } else {
        if constexpr (std::is_unsigned_v<T> && sizeof(T) == 8) {
            if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                throw conversion_error(detail::format("unsigned value {} does not fit a 64-bit signed database integer", v));
        }
        detail::append_integer(out, v);
    }
}

template <class T>
T json_element_value(const json_scalar& e) {
    if constexpr (std::same_as<T, std::string>) {
        if (e.type != json_scalar::kind::string) throw conversion_error(detail::format("{} is not text", e.text));
        return e.text;
    } else if constexpr (std::floating_point<T>) {
        double d = 0;
        if (e.type == json_scalar::kind::string) {
            if (e.text == "NaN") return std::numeric_limits<T>::quiet_NaN();
            if (e.text == "Infinity") return std::numeric_limits<T>::infinity();
            if (e.text == "-Infinity") return -std::numeric_limits<T>::infinity();
        } else if (e.type == json_scalar::kind::number) {
            const auto [end, ec] = std::from_chars(e.text.data(), e.text.data() + e.text.size(), d);
            if (ec == std::errc{} && end == e.text.data() + e.text.size()) {
                if (std::same_as<T, float> && (d > std::numeric_limits<float>::max() || d < -std::numeric_limits<float>::max()))
                    throw conversion_error(detail::format("{} is out of range for a float", e.text));
                return static_cast<T>(d);
            }
        }
        throw conversion_error(detail::format("'{}' is not a number", e.text));
    } else {
        std::int64_t v = 0;
        const auto [end, ec] = std::from_chars(e.text.data(), e.text.data() + e.text.size(), v);
        if (e.type != json_scalar::kind::number || ec != std::errc{} || end != e.text.data() + e.text.size())
            throw conversion_error(detail::format("'{}' is not an integer", e.text));
        if (!std::in_range<T>(v))
            throw conversion_error(detail::format("integer {} is out of range for a {}-bit {} integer", v, sizeof(T) * 8,
                                                  std::is_signed_v<T> ? "signed" : "unsigned"));
        return static_cast<T>(v);
    }
}

}  // namespace detail

/// std::vector<T> and std::vector<std::optional<T>> for T an integer, float, double or
/// std::string: PostgreSQL INTEGER[] (int8 to int32, uint8, uint16), BIGINT[] (int64, uint32,
/// uint64), DOUBLE PRECISION[] or TEXT[]; SQLite TEXT holding the JSON array. NaN and
/// ±infinity elements are the JSON strings "NaN", "Infinity", "-Infinity" on SQLite.
template <class Element>
    requires detail::array_element<typename detail::unwrap_optional<Element>::type>
struct value_traits<std::vector<Element>> {
    /// The element type without std::optional (an optional element may be NULL).
    using element_type = typename detail::unwrap_optional<Element>::type;
    /// The PostgreSQL array type (SQLite: TEXT).
    static constexpr sql_type type = detail::array_sql_type<element_type>();
    /// The JSON text of the array. @throws relata::conversion_error for a uint64 above INT64_MAX.
    static value to_value(const std::vector<Element>& v) {
        std::string out;
        out.reserve(2 + v.size() * 4);
        out.push_back('[');
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (i > 0) out.push_back(',');
            if constexpr (detail::is_optional<Element>::value) {
                if (!v[i]) out += "null";
                else detail::append_json_element(out, *v[i]);
            } else {
                detail::append_json_element(out, v[i]);
            }
        }
        out.push_back(']');
        return out;
    }
    /// The array read back. @throws relata::conversion_error when the cell is not an array of
    /// such elements, for a NULL element when Element is not optional, and for an element out
    /// of range.
    static std::vector<Element> from_cell(const cell& c) {
        const auto* text = std::get_if<std::string_view>(&c);
        std::vector<detail::json_scalar> elements;
        if (!text || !detail::parse_json_array(*text, elements)) detail::conversion_failed(c, "an array");
        std::vector<Element> out;
        out.reserve(elements.size());
        for (std::size_t i = 0; i < elements.size(); ++i) {
            if (elements[i].type == detail::json_scalar::kind::null) {
                if constexpr (detail::is_optional<Element>::value) {
                    out.emplace_back(std::nullopt);
                    continue;
                } else {
                    throw conversion_error(detail::format("array element {} is NULL; declare the member "
                                                          "std::vector<std::optional<T>>",
                                                          i + 1));
                }
            }
            try {
                out.emplace_back(detail::json_element_value<element_type>(elements[i]));
            } catch (const conversion_error& e) {
                throw conversion_error(detail::format("array element {}: {}", i + 1, e.reason()));
            }
        }
        return out;
    }
};

}  // namespace relata
