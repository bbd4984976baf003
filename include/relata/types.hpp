#pragma once
/// @file
/// C++ types <-> database values. `relata::value` is an owned parameter value,
/// `relata::cell` a borrowed value read from a row, and `relata::value_traits<T>` converts a
/// member type to and from them. Users add their own types by specializing value_traits with a
/// `storage_type` (one of the built-in types) and two conversion functions.

#include <charconv>
#include <chrono>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "relata/detail/format.hpp"
#include "relata/error.hpp"

namespace relata {

/// Binary data: stored as BLOB (SQLite) or BYTEA (PostgreSQL).
using blob = std::vector<std::byte>;

/// A point in time with microsecond precision, the finest both engines store.
using timestamp = std::chrono::sys_time<std::chrono::microseconds>;

/// A calendar date as a count of days since 1970-01-01.
using date = std::chrono::sys_days;

/// The database type of a column, mapped to a type name by the dialect
/// (SQLite: INTEGER, REAL, TEXT, BLOB; PostgreSQL: SMALLINT ... DATE).
enum class sql_type {
    smallint,          ///< int8/int16, uint8      — PostgreSQL SMALLINT
    integer,           ///< int32, uint16          — PostgreSQL INTEGER
    bigint,            ///< int64, uint32, uint64  — PostgreSQL BIGINT
    boolean,           ///< bool                   — PostgreSQL BOOLEAN
    real,              ///< float                  — PostgreSQL REAL
    double_precision,  ///< double                 — PostgreSQL DOUBLE PRECISION
    text,              ///< std::string            — TEXT
    blob,              ///< relata::blob           — SQLite BLOB, PostgreSQL BYTEA
    timestamp,         ///< std::chrono::sys_time  — SQLite ISO-8601 TEXT, PostgreSQL TIMESTAMPTZ
    date,              ///< sys_days, year_month_day — SQLite ISO-8601 TEXT, PostgreSQL DATE
    uuid,              ///< relata::uuid           — SQLite 16-byte BLOB, PostgreSQL UUID
    json,              ///< relata::json           — SQLite TEXT, PostgreSQL JSONB
    numeric,           ///< relata::numeric        — SQLite TEXT, PostgreSQL NUMERIC
    integer_array,     ///< vector<int32>          — SQLite JSON TEXT, PostgreSQL INTEGER[]
    bigint_array,      ///< vector<int64>          — SQLite JSON TEXT, PostgreSQL BIGINT[]
    double_array,      ///< vector<double>         — SQLite JSON TEXT, PostgreSQL DOUBLE PRECISION[]
    text_array,        ///< vector<std::string>    — SQLite JSON TEXT, PostgreSQL TEXT[]
};

/// An owned value bound as a statement parameter. `std::monostate` is NULL.
using value = std::variant<std::monostate, std::int64_t, double, std::string, blob, bool, timestamp, date>;

/// A borrowed value read from a result row; valid until the row advances.
/// `std::monostate` is NULL. Backends produce the alternative that matches the stored value
/// (SQLite has no timestamp or date storage class: those arrive as text).
using cell = std::variant<std::monostate, std::int64_t, double, std::string_view, std::span<const std::byte>,
                          bool, timestamp, date>;

/// Converts a member type to and from database values. Specialize for your own types:
/// @code
/// template <> struct relata::value_traits<money> {
///     using storage_type = std::int64_t;                                   // a built-in type
///     static std::int64_t to_storage(const money& m) { return m.cents; }
///     static money from_storage(std::int64_t cents) { return money{cents}; }
/// };
/// @endcode
/// Built-in specializations cover integers (range-checked), bool, float, double, std::string,
/// relata::blob, enums (as their underlying integer), std::optional<T> (NULL),
/// std::chrono::sys_time<D> for D of seconds, milliseconds or microseconds,
/// std::chrono::sys_days and std::chrono::year_month_day; and, in their own headers (included
/// at the end of this one), relata::uuid, relata::numeric, relata::json and std::vector arrays.
template <class T, class Enable = void>
struct value_traits;

namespace detail {

/// Describes a cell for error messages, e.g. ``text 'abc'`` or `NULL`.
inline std::string describe_cell(const cell& c) {
    struct visitor {
        std::string operator()(std::monostate) const { return "NULL"; }
        std::string operator()(std::int64_t v) const { return detail::format("integer {}", v); }
        std::string operator()(double v) const { return detail::format("real {}", v); }
        std::string operator()(std::string_view v) const {
            return v.size() > 64 ? detail::format("text '{}...'", v.substr(0, 64)) : detail::format("text '{}'", v);
        }
        std::string operator()(std::span<const std::byte> v) const { return detail::format("blob of {} bytes", v.size()); }
        std::string operator()(bool v) const { return detail::format("boolean {}", v); }
        std::string operator()(timestamp v) const {
            return detail::format("timestamp {} us since 1970", v.time_since_epoch().count());
        }
        std::string operator()(date v) const { return detail::format("date {} days since 1970", v.time_since_epoch().count()); }
    };
    return std::visit(visitor{}, c);
}

[[noreturn]] inline void conversion_failed(const cell& c, std::string_view target) {
    throw conversion_error(detail::format("cannot convert {} to {}", describe_cell(c), target));
}

/// Parses an exact decimal integer: an optional sign, then only digits, within int64 (what
/// SQLite's INTEGER affinity would have stored as an integer).
inline std::optional<std::int64_t> parse_exact_integer(std::string_view text) {
    if (!text.empty() && text.front() == '+') {
        text.remove_prefix(1);
        if (!text.empty() && text.front() == '-') return std::nullopt;  // "+-1"
    }
    if (text.empty() || text.front() == '+') return std::nullopt;
    std::int64_t parsed = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return parsed;
}

inline std::int64_t cell_to_int64(const cell& c, std::string_view target) {
    if (const auto* i = std::get_if<std::int64_t>(&c)) return *i;
    // SQLite keeps text in a column without INTEGER affinity; PostgreSQL sends NUMERIC as text.
    if (const auto* s = std::get_if<std::string_view>(&c)) {
        if (auto parsed = parse_exact_integer(*s)) return *parsed;
    }
    if (const auto* b = std::get_if<bool>(&c)) return *b ? 1 : 0;
    if (const auto* d = std::get_if<double>(&c)) {
        // SQLite may hand back 3.0 for a NUMERIC column; accept integral doubles only.
        if (std::isfinite(*d) && std::trunc(*d) == *d && *d >= -9.2233720368547758e18 && *d < 9.2233720368547758e18)
            return static_cast<std::int64_t>(*d);
    }
    conversion_failed(c, target);
}

inline double cell_to_double(const cell& c, std::string_view target) {
    if (const auto* d = std::get_if<double>(&c)) return *d;
    if (const auto* i = std::get_if<std::int64_t>(&c)) return static_cast<double>(*i);
    if (const auto* s = std::get_if<std::string_view>(&c)) {
        // PostgreSQL NUMERIC arrives as text. from_chars, unlike strtod, ignores the C locale
        // (whose decimal point may be ',') and rounds to nearest.
        double parsed = 0;
        const auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), parsed);
        if (ec == std::errc{} && end == s->data() + s->size()) return parsed;
        if (ec == std::errc::result_out_of_range)
            throw conversion_error(detail::format("text '{}' is out of range for {}", *s, target));
    }
    conversion_failed(c, target);
}

// ---- ISO-8601 text for SQLite (and for error messages) ----

inline bool parse_digits(std::string_view text, std::size_t& pos, std::size_t count, int& out) {
    if (pos + count > text.size()) return false;
    int v = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const char c = text[pos + i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    pos += count;
    out = v;
    return true;
}

inline std::optional<date> parse_iso_date(std::string_view text, std::size_t& pos) {
    int y = 0, m = 0, d = 0;
    if (!parse_digits(text, pos, 4, y) || pos >= text.size() || text[pos++] != '-' || !parse_digits(text, pos, 2, m) ||
        pos >= text.size() || text[pos++] != '-' || !parse_digits(text, pos, 2, d))
        return std::nullopt;
    const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                          std::chrono::day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) return std::nullopt;
    return date{ymd};
}

/// Parses `YYYY-MM-DD[( |T)HH:MM[:SS[.fraction]]][Z|+HH:MM|-HH:MM]`.
inline std::optional<timestamp> parse_iso_timestamp(std::string_view text) {
    std::size_t pos = 0;
    const auto day = parse_iso_date(text, pos);
    if (!day) return std::nullopt;
    timestamp result{*day};
    if (pos == text.size()) return result;
    if (text[pos] != ' ' && text[pos] != 'T') return std::nullopt;
    ++pos;
    int h = 0, mi = 0, s = 0;
    if (!parse_digits(text, pos, 2, h) || pos >= text.size() || text[pos++] != ':' || !parse_digits(text, pos, 2, mi))
        return std::nullopt;
    if (pos < text.size() && text[pos] == ':') {
        ++pos;
        if (!parse_digits(text, pos, 2, s)) return std::nullopt;
    }
    if (h > 23 || mi > 59 || s > 60) return std::nullopt;
    std::int64_t micros = 0;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        int digits = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            if (digits < 6) micros = micros * 10 + (text[pos] - '0');
            ++digits;
            ++pos;
        }
        if (digits == 0) return std::nullopt;
        for (int i = digits; i < 6; ++i) micros *= 10;
    }
    std::chrono::minutes offset{0};
    if (pos < text.size()) {
        if (text[pos] == 'Z') {
            ++pos;
        } else if (text[pos] == '+' || text[pos] == '-') {
            const int sign = text[pos] == '-' ? -1 : 1;
            ++pos;
            int oh = 0, om = 0;
            if (!parse_digits(text, pos, 2, oh)) return std::nullopt;
            if (pos < text.size() && text[pos] == ':') {
                ++pos;
                if (!parse_digits(text, pos, 2, om)) return std::nullopt;  // "+02:" has no minutes
            } else if (pos < text.size() && !parse_digits(text, pos, 2, om)) {
                return std::nullopt;
            }
            offset = std::chrono::minutes{sign * (oh * 60 + om)};
        }
    }
    if (pos != text.size()) return std::nullopt;
    result += std::chrono::hours{h} + std::chrono::minutes{mi} + std::chrono::seconds{s} +
              std::chrono::microseconds{micros};
    return result - offset;
}

/// Formats `YYYY-MM-DD HH:MM:SS` plus `.fff` or `.ffffff` when `fraction_digits` is 3 or 6.
inline std::string format_iso_timestamp(timestamp t, int fraction_digits) {
    const auto day = std::chrono::floor<std::chrono::days>(t);
    const std::chrono::year_month_day ymd{day};
    const auto micros = (t - day).count();
    const auto seconds_of_day = micros / 1'000'000;
    const auto fraction = micros % 1'000'000;
    std::string out = detail::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", static_cast<int>(ymd.year()),
                                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                                     seconds_of_day / 3600, seconds_of_day / 60 % 60, seconds_of_day % 60);
    if (fraction_digits == 3) out += detail::format(".{:03}", fraction / 1000);
    if (fraction_digits == 6) out += detail::format(".{:06}", fraction);
    return out;
}

inline std::string format_iso_date(date d) {
    const std::chrono::year_month_day ymd{d};
    return detail::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                          static_cast<unsigned>(ymd.day()));
}

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class D>
inline constexpr bool is_supported_duration =
    std::is_same_v<D, std::chrono::seconds> || std::is_same_v<D, std::chrono::milliseconds> ||
    std::is_same_v<D, std::chrono::microseconds>;

}  // namespace detail

/// Signed and unsigned integers other than bool. Written as 64-bit integers; read with a range
/// check (a value that does not fit throws relata::mapping_error). uint64 values above INT64_MAX
/// cannot be stored and throw when written.
template <class T>
struct value_traits<T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>>> {
    /// PostgreSQL SMALLINT, INTEGER or BIGINT, the narrowest that holds every T (SQLite: INTEGER).
    static constexpr sql_type type = sizeof(T) == 1 || (sizeof(T) == 2 && std::is_signed_v<T>) ? sql_type::smallint
                                     : sizeof(T) < 4 || (sizeof(T) == 4 && std::is_signed_v<T>) ? sql_type::integer
                                                                                                : sql_type::bigint;
    /// The value as a 64-bit integer. @throws relata::conversion_error for a uint64 above INT64_MAX.
    static value to_value(T v) {
        if constexpr (std::is_unsigned_v<T> && sizeof(T) == 8) {
            if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                throw conversion_error(detail::format("unsigned value {} does not fit a 64-bit signed database integer", v));
        }
        return static_cast<std::int64_t>(v);
    }
    /// The integer read back. @throws relata::conversion_error when it does not fit T.
    static T from_cell(const cell& c) {
        const std::int64_t v = detail::cell_to_int64(c, "an integer");
        if (!std::in_range<T>(v))
            throw conversion_error(detail::format("integer {} is out of range for a {}-bit {} integer", v, sizeof(T) * 8,
                                                  std::is_signed_v<T> ? "signed" : "unsigned"));
        return static_cast<T>(v);
    }
};

/// bool: SQLite INTEGER 0/1, PostgreSQL BOOLEAN. Reading any integer other than 0 or 1 throws.
template <>
struct value_traits<bool> {
    /// PostgreSQL BOOLEAN (SQLite: INTEGER).
    static constexpr sql_type type = sql_type::boolean;
    /// The value as a boolean parameter (SQLite binds 0 or 1).
    static value to_value(bool v) { return v; }
    /// The boolean read back. @throws relata::conversion_error for an integer other than 0 or 1.
    static bool from_cell(const cell& c) {
        if (const auto* b = std::get_if<bool>(&c)) return *b;
        const std::int64_t v = detail::cell_to_int64(c, "a boolean");
        if (v != 0 && v != 1) throw conversion_error(detail::format("integer {} is not a boolean (0 or 1)", v));
        return v == 1;
    }
};

/// double: bound as a binary IEEE double on both engines, so it round-trips bit for bit.
/// NaN is stored on PostgreSQL; SQLite cannot store it (it would bind NULL), so writing NaN
/// there throws relata::mapping_error, and reading NULL (what SQLite makes of a NaN it computes)
/// into a double throws relata::mapping_error too. Infinities work on both. SQLite returns -0.0
/// as 0.0: a REAL column stores an integral value as an integer (datatype3, "REAL affinity").
template <>
struct value_traits<double> {
    /// DOUBLE PRECISION (SQLite: REAL).
    static constexpr sql_type type = sql_type::double_precision;
    /// The value, unchanged.
    static value to_value(double v) { return v; }
    /// The double read back; NUMERIC text is parsed. @throws relata::conversion_error for other types.
    static double from_cell(const cell& c) { return detail::cell_to_double(c, "a double"); }
};

/// float: written as a double (exact), read back with a range check. NaN as for double.
template <>
struct value_traits<float> {
    /// PostgreSQL REAL (SQLite: REAL).
    static constexpr sql_type type = sql_type::real;
    /// The value widened to a double (exact).
    static value to_value(float v) { return static_cast<double>(v); }
    /// The float read back. @throws relata::conversion_error when it is out of float's range.
    static float from_cell(const cell& c) {
        const double v = detail::cell_to_double(c, "a float");
        if (std::isfinite(v) && std::fabs(v) > static_cast<double>(std::numeric_limits<float>::max()))
            throw conversion_error(detail::format("real {} is out of range for a float", v));
        return static_cast<float>(v);
    }
};

/// std::string: TEXT. SQLite keeps every byte (embedded NUL bytes and invalid UTF-8 included).
/// PostgreSQL text cannot hold a NUL byte: a string with one throws relata::mapping_error before
/// anything is sent (store such data in a relata::blob); the server rejects invalid UTF-8 with
/// relata::database_error (SQLSTATE 22021, "invalid byte sequence for encoding").
template <>
struct value_traits<std::string> {
    /// TEXT.
    static constexpr sql_type type = sql_type::text;
    /// A copy of the string.
    static value to_value(const std::string& v) { return v; }
    /// A copy of the text read back. @throws relata::conversion_error when the cell is not text.
    static std::string from_cell(const cell& c) {
        if (const auto* s = std::get_if<std::string_view>(&c)) return std::string(*s);
        detail::conversion_failed(c, "text");
    }
};

/// relata::blob (std::vector<std::byte>): BLOB / BYTEA.
template <>
struct value_traits<blob> {
    /// SQLite BLOB, PostgreSQL BYTEA.
    static constexpr sql_type type = sql_type::blob;
    /// A copy of the bytes.
    static value to_value(const blob& v) { return v; }
    /// A copy of the bytes read back. @throws relata::conversion_error when the cell is not a blob.
    static blob from_cell(const cell& c) {
        if (const auto* b = std::get_if<std::span<const std::byte>>(&c)) return blob(b->begin(), b->end());
        detail::conversion_failed(c, "a blob");
    }
};

/// Enumerations, stored as their underlying integer (range-checked on read; the value is not
/// checked against the enumerators).
template <class T>
struct value_traits<T, std::enable_if_t<std::is_enum_v<T>>> {
    /// The enumeration's underlying integer type.
    using underlying = std::underlying_type_t<T>;
    /// The database type of the underlying integer.
    static constexpr sql_type type = value_traits<underlying>::type;
    /// The underlying integer value.
    static value to_value(T v) { return value_traits<underlying>::to_value(static_cast<underlying>(v)); }
    /// The underlying integer read back (range-checked) and cast to T.
    static T from_cell(const cell& c) { return static_cast<T>(value_traits<underlying>::from_cell(c)); }
};

/// std::chrono::sys_time<D> for D = seconds, milliseconds or microseconds.
/// SQLite: ISO-8601 text in UTC, `YYYY-MM-DD HH:MM:SS[.fff|.ffffff]` (the precision of D), the
/// form SQLite's own date functions and the Chinook data use. PostgreSQL: TIMESTAMPTZ.
/// Reading a finer value into a coarser D rounds toward the past (std::chrono::floor).
template <class D>
struct value_traits<std::chrono::sys_time<D>, std::enable_if_t<detail::is_supported_duration<D>>> {
    /// PostgreSQL TIMESTAMPTZ (SQLite: ISO-8601 TEXT).
    static constexpr sql_type type = sql_type::timestamp;
    /// The time point in microseconds.
    static value to_value(std::chrono::sys_time<D> v) { return std::chrono::time_point_cast<std::chrono::microseconds>(v); }
    /// The time point read back, floored to D. @throws relata::conversion_error for malformed text.
    static std::chrono::sys_time<D> from_cell(const cell& c) {
        if (const auto* t = std::get_if<timestamp>(&c)) return std::chrono::floor<D>(*t);
        if (const auto* d = std::get_if<date>(&c)) return std::chrono::sys_time<D>(*d);
        if (const auto* s = std::get_if<std::string_view>(&c)) {
            if (auto parsed = detail::parse_iso_timestamp(*s)) return std::chrono::floor<D>(*parsed);
            throw conversion_error(detail::format("text '{}' is not an ISO-8601 timestamp (YYYY-MM-DD HH:MM:SS)", *s));
        }
        detail::conversion_failed(c, "a timestamp");
    }
};

/// std::chrono::year_month_day: SQLite ISO-8601 text `YYYY-MM-DD`; PostgreSQL DATE.
/// Writing an invalid date (e.g. 2023-02-30) throws relata::mapping_error.
template <>
struct value_traits<std::chrono::year_month_day> {
    /// PostgreSQL DATE (SQLite: TEXT `YYYY-MM-DD`).
    static constexpr sql_type type = sql_type::date;
    /// The date as days since 1970. @throws relata::conversion_error for an invalid date.
    static value to_value(std::chrono::year_month_day v) {
        if (!v.ok())
            throw conversion_error(detail::format("{:04}-{:02}-{:02} is not a valid date", static_cast<int>(v.year()),
                                                  static_cast<unsigned>(v.month()), static_cast<unsigned>(v.day())));
        return date{v};
    }
    /// The date read back. @throws relata::conversion_error for malformed text.
    static std::chrono::year_month_day from_cell(const cell& c) {
        if (const auto* d = std::get_if<date>(&c)) return std::chrono::year_month_day{*d};
        if (const auto* s = std::get_if<std::string_view>(&c)) {
            std::size_t pos = 0;
            if (auto parsed = detail::parse_iso_date(*s, pos); parsed && pos == s->size())
                return std::chrono::year_month_day{*parsed};
            throw conversion_error(detail::format("text '{}' is not an ISO-8601 date (YYYY-MM-DD)", *s));
        }
        detail::conversion_failed(c, "a date");
    }
};

/// std::chrono::sys_days (relata::date): SQLite ISO-8601 text `YYYY-MM-DD`; PostgreSQL DATE.
template <>
struct value_traits<date> {
    /// PostgreSQL DATE (SQLite: TEXT `YYYY-MM-DD`).
    static constexpr sql_type type = sql_type::date;
    /// The date as days since 1970.
    static value to_value(date v) { return v; }
    /// The date read back. @throws relata::conversion_error for malformed text or a time of day.
    static date from_cell(const cell& c) {
        if (const auto* d = std::get_if<date>(&c)) return *d;
        if (const auto* t = std::get_if<timestamp>(&c)) {
            const auto day = std::chrono::floor<std::chrono::days>(*t);
            if (day == *t) return day;
        }
        if (const auto* s = std::get_if<std::string_view>(&c)) {
            std::size_t pos = 0;
            if (auto parsed = detail::parse_iso_date(*s, pos); parsed && pos == s->size()) return *parsed;
            throw conversion_error(detail::format("text '{}' is not an ISO-8601 date (YYYY-MM-DD)", *s));
        }
        detail::conversion_failed(c, "a date");
    }
};

namespace detail {

template <class T>
concept builtin_value = requires(const T& v, const cell& c) {
    { value_traits<T>::type } -> std::convertible_to<sql_type>;
    { value_traits<T>::to_value(v) } -> std::same_as<value>;
    { value_traits<T>::from_cell(c) } -> std::same_as<T>;
};

template <class T>
concept user_value = requires(const T& v) {
    typename value_traits<T>::storage_type;
    requires builtin_value<typename value_traits<T>::storage_type>;
    value_traits<T>::to_storage(v);
    { value_traits<T>::from_storage(std::declval<typename value_traits<T>::storage_type>()) } -> std::same_as<T>;
};

template <class T>
struct unwrap_optional {
    using type = T;
};
template <class T>
struct unwrap_optional<std::optional<T>> {
    using type = T;
};

}  // namespace detail

/// A type relata can store in a column: a built-in, a user type with value_traits, or an
/// std::optional of either (NULL <-> std::nullopt).
template <class T>
concept storable = detail::builtin_value<typename detail::unwrap_optional<T>::type> ||
                   detail::user_value<typename detail::unwrap_optional<T>::type>;

namespace detail {

/// The one diagnostic for a member or value type relata cannot store, instead of pages of
/// failed overload candidates: a class template is instantiated once per type, so reading and
/// writing the same unsupported member reports it once.
template <class T>
struct storable_check {
    static_assert(storable<T>,
                  "relata: this member type cannot be stored in a column; use a supported type (see the type "
                  "table in README.md) or specialize relata::value_traits<T> with a storage_type");
    static constexpr bool value = storable<T>;
};

/// The database type of a storable type (optional unwrapped, user types via storage_type).
template <class T>
constexpr sql_type sql_type_of() {
    (void)storable_check<T>::value;  // the one diagnostic for an unsupported T
    using inner = typename unwrap_optional<T>::type;
    if constexpr (builtin_value<inner>) return value_traits<inner>::type;
    else if constexpr (user_value<inner>) return value_traits<typename value_traits<inner>::storage_type>::type;
    else return sql_type::text;
}

/// True when T is std::optional<...>, i.e. the column is nullable.
template <class T>
inline constexpr bool is_nullable = is_optional<T>::value;

/// C++ value -> parameter. Throws conversion_error for values the database cannot hold.
template <class T>
value to_value(const T& v) {
    (void)storable_check<T>::value;  // the one diagnostic for an unsupported T
    if constexpr (!storable<T>) {
        return std::monostate{};
    } else if constexpr (is_optional<T>::value) {
        if (!v) return std::monostate{};
        return to_value(*v);
    } else if constexpr (builtin_value<T>) {
        return value_traits<T>::to_value(v);
    } else {
        using storage = typename value_traits<T>::storage_type;
        return value_traits<storage>::to_value(static_cast<storage>(value_traits<T>::to_storage(v)));
    }
}

/// Cell -> C++ value. Throws conversion_error for NULL into a non-optional type and for
/// values that do not fit.
template <class T>
T from_cell(const cell& c) {
    (void)storable_check<T>::value;  // the one diagnostic for an unsupported T
    if constexpr (!storable<T>) {
        throw conversion_error("unsupported type");
    } else if constexpr (is_optional<T>::value) {
        if (std::holds_alternative<std::monostate>(c)) return std::nullopt;
        return from_cell<typename T::value_type>(c);
    } else {
        if (std::holds_alternative<std::monostate>(c))
            throw conversion_error("NULL cannot be stored in a non-optional member (declare it std::optional)");
        if constexpr (builtin_value<T>) {
            return value_traits<T>::from_cell(c);
        } else {
            using storage = typename value_traits<T>::storage_type;
            return value_traits<T>::from_storage(value_traits<storage>::from_cell(c));
        }
    }
}

}  // namespace detail
}  // namespace relata

// The value types beyond the built-ins, so that every header that can name a member type knows them.
#include "relata/array.hpp"    // IWYU pragma: export
#include "relata/json.hpp"     // IWYU pragma: export
#include "relata/numeric.hpp"  // IWYU pragma: export
#include "relata/uuid.hpp"     // IWYU pragma: export
