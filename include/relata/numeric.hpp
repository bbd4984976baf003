#pragma once
/// @file
/// `relata::numeric`: an exact decimal number held as its canonical decimal text, so amounts of
/// money round-trip exactly. PostgreSQL stores it as NUMERIC (read in binary, sent as text),
/// SQLite as TEXT (SQLite's own NUMERIC affinity would turn `0.10` into the REAL 0.1).

#include <charconv>
#include <compare>
#include <concepts>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <variant>

#include "relata/detail/format.hpp"
#include "relata/error.hpp"
#include "relata/types.hpp"

namespace relata {

/// An exact decimal number, or NaN, Infinity or -Infinity as PostgreSQL's NUMERIC allows (the
/// infinities since PostgreSQL 14). The text is canonical as PostgreSQL prints it:
/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?`, no exponent, no negative zero; the scale (digits after the
/// point) is kept, so `12.50` stays `12.50`. Comparisons are by value (`12.5 == 12.50`), with
/// NaN equal to itself and above every other value, as PostgreSQL orders NUMERIC.
class numeric {
public:
    /// Zero, `0`.
    numeric() : text_("0") {}

    /// The number spelled by `text`. @throws relata::conversion_error when it is not a number.
    explicit numeric(std::string_view text) : text_(parse_or_throw(text)) {}

    /// The integer `v`, exactly.
    template <std::integral I>
        requires(!std::same_as<I, bool>)
    explicit numeric(I v) : text_(detail::format("{}", v)) {}

    /// Parses a decimal number: optional sign, digits with an optional point, an optional
    /// exponent (`1.5e3` is `1500`), or NaN / Infinity / -Infinity (case-insensitive), as
    /// PostgreSQL's numeric input accepts. Locale-independent.
    /// @return std::nullopt when `text` is not a number.
    [[nodiscard]] static std::optional<numeric> try_parse(std::string_view text) {
        std::string canonical;
        if (!canonicalize(text, canonical)) return std::nullopt;
        return numeric(std::move(canonical), canonical_tag{});
    }

    /// The shortest decimal that reads back as `v` (std::to_chars, locale-independent);
    /// NaN and ±infinity become NaN and ±Infinity.
    [[nodiscard]] static numeric from_double(double v) {
        if (v != v) return numeric("NaN", canonical_tag{});
        if (v == std::numeric_limits<double>::infinity()) return numeric("Infinity", canonical_tag{});
        if (v == -std::numeric_limits<double>::infinity()) return numeric("-Infinity", canonical_tag{});
        char buffer[400];
        const auto result = std::to_chars(buffer, buffer + sizeof buffer, v, std::chars_format::fixed);
        return numeric(std::string_view(buffer, static_cast<std::size_t>(result.ptr - buffer)));
    }

    /// The canonical text, e.g. `-1234.50`.
    [[nodiscard]] const std::string& to_string() const noexcept { return text_; }

    /// The nearest double (std::from_chars, locale-independent); NaN and ±infinity as such.
    [[nodiscard]] double to_double() const {
        if (is_nan()) return std::numeric_limits<double>::quiet_NaN();
        if (text_ == "Infinity") return std::numeric_limits<double>::infinity();
        if (text_ == "-Infinity") return -std::numeric_limits<double>::infinity();
        double v = 0;
        const auto [end, ec] = std::from_chars(text_.data(), text_.data() + text_.size(), v);
        if (ec == std::errc::result_out_of_range)
            return text_.front() == '-' ? -std::numeric_limits<double>::infinity()
                                        : std::numeric_limits<double>::infinity();
        (void)end;
        return v;
    }

    /// The number of digits after the decimal point (0 for integers and the special values).
    [[nodiscard]] std::size_t scale() const noexcept {
        const auto point = text_.find('.');
        return point == std::string::npos ? 0 : text_.size() - point - 1;
    }

    /// True for NaN.
    [[nodiscard]] bool is_nan() const noexcept { return text_ == "NaN"; }

    /// Compares by value: -Infinity < negatives < 0 < positives < Infinity < NaN; NaN == NaN.
    friend std::strong_ordering operator<=>(const numeric& a, const numeric& b) noexcept {
        const int ca = a.category();
        const int cb = b.category();
        if (ca != cb) return ca <=> cb;
        if (ca == 1) return compare_magnitude(b.text_.substr(1), a.text_.substr(1));  // both negative
        if (ca == 3) return compare_magnitude(a.text_, b.text_);
        return std::strong_ordering::equal;
    }
    /// Equal by value: `numeric("1.0") == numeric("1")`.
    friend bool operator==(const numeric& a, const numeric& b) noexcept { return (a <=> b) == 0; }

private:
    struct canonical_tag {};
    numeric(std::string canonical, canonical_tag) : text_(std::move(canonical)) {}

    // -Infinity 0, negative 1, zero 2, positive 3, Infinity 4, NaN 5.
    [[nodiscard]] int category() const noexcept {
        if (text_ == "NaN") return 5;
        if (text_ == "Infinity") return 4;
        if (text_ == "-Infinity") return 0;
        if (text_.front() == '-') return 1;
        return text_.find_first_not_of("0.") == std::string::npos ? 2 : 3;
    }

    // Both canonical and non-negative, without sign.
    static std::strong_ordering compare_magnitude(std::string_view a, std::string_view b) noexcept {
        const auto split = [](std::string_view t) {
            const auto point = t.find('.');
            return point == std::string_view::npos ? std::pair{t, std::string_view()}
                                                   : std::pair{t.substr(0, point), t.substr(point + 1)};
        };
        const auto [ai, af] = split(a);
        const auto [bi, bf] = split(b);
        if (ai.size() != bi.size()) return ai.size() <=> bi.size();
        if (const int c = ai.compare(bi); c != 0) return c <=> 0;
        for (std::size_t i = 0; i < af.size() || i < bf.size(); ++i) {
            const char x = i < af.size() ? af[i] : '0';
            const char y = i < bf.size() ? bf[i] : '0';
            if (x != y) return x <=> y;
        }
        return std::strong_ordering::equal;
    }

    static bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
        if (a.size() != b.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i) {
            char c = a[i];
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
            if (c != b[i]) return false;
        }
        return true;
    }

    static bool canonicalize(std::string_view text, std::string& out) {
        if (equals_ignoring_case(text, "nan")) return out = "NaN", true;
        bool negative = false;
        if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
            negative = text.front() == '-';
            text.remove_prefix(1);
        }
        if (equals_ignoring_case(text, "infinity") || equals_ignoring_case(text, "inf"))
            return out = negative ? "-Infinity" : "Infinity", true;
        std::string digits;
        std::size_t integer_digits = 0;
        bool point = false;
        std::size_t i = 0;
        for (; i < text.size(); ++i) {
            const char c = text[i];
            if (c >= '0' && c <= '9') {
                digits.push_back(c);
                if (!point) ++integer_digits;
            } else if (c == '.' && !point) {
                point = true;
            } else {
                break;
            }
        }
        if (digits.empty()) return false;
        long exponent = 0;
        if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
            ++i;
            const char* first = text.data() + i;
            if (i < text.size() && text[i] == '+') ++first;
            const auto [end, ec] = std::from_chars(first, text.data() + text.size(), exponent);
            // PostgreSQL's limit on a numeric's weight is about the same.
            if (ec != std::errc{} || end == first || exponent > 1000 || exponent < -1000) return false;
            i = static_cast<std::size_t>(end - text.data());
        }
        if (i != text.size()) return false;
        const long point_at = static_cast<long>(integer_digits) + exponent;
        std::string integer;
        std::string fraction;
        if (point_at <= 0) {
            integer = "0";
            fraction.assign(static_cast<std::size_t>(-point_at), '0');
            fraction += digits;
        } else if (static_cast<std::size_t>(point_at) >= digits.size()) {
            integer = digits;
            integer.append(static_cast<std::size_t>(point_at) - digits.size(), '0');
        } else {
            integer = digits.substr(0, static_cast<std::size_t>(point_at));
            fraction = digits.substr(static_cast<std::size_t>(point_at));
        }
        const auto first_nonzero = integer.find_first_not_of('0');
        integer = first_nonzero == std::string::npos ? "0" : integer.substr(first_nonzero);
        const bool zero = integer == "0" && fraction.find_first_not_of('0') == std::string::npos;
        out.clear();
        if (negative && !zero) out.push_back('-');
        out += integer;
        if (!fraction.empty()) {
            out.push_back('.');
            out += fraction;
        }
        return true;
    }

    static std::string parse_or_throw(std::string_view text) {
        std::string out;
        if (!canonicalize(text, out))
            throw conversion_error(detail::format("text '{}' is not a decimal number", text.substr(0, 64)));
        return out;
    }

    std::string text_;
};

/// relata::numeric: PostgreSQL NUMERIC (read in binary, written as text), SQLite TEXT.
/// Reads NUMERIC text, integers and (from a SQLite REAL cell) doubles.
template <>
struct value_traits<numeric> {
    /// PostgreSQL NUMERIC (SQLite: TEXT).
    static constexpr sql_type type = sql_type::numeric;
    /// The canonical text.
    static value to_value(const numeric& v) { return v.to_string(); }
    /// The number read back. @throws relata::conversion_error for text that is not a number.
    static numeric from_cell(const cell& c) {
        if (const auto* s = std::get_if<std::string_view>(&c)) return numeric(*s);
        if (const auto* i = std::get_if<std::int64_t>(&c)) return numeric(*i);
        if (const auto* d = std::get_if<double>(&c)) return numeric::from_double(*d);
        detail::conversion_failed(c, "a numeric");
    }
};

}  // namespace relata
