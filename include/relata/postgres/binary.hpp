#pragma once
/// @file
/// PostgreSQL's binary wire format for the types relata maps: the type OIDs, the encoding of a
/// `relata::value` as a parameter of the type the server inferred, and the decoding of
/// result columns. Internal to the PostgreSQL backend (`relata::postgres::detail`).

#include <bit>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <libpq-fe.h>

#include "relata/detail/format.hpp"
#include "relata/detail/json_array.hpp"
#include "relata/error.hpp"
#include "relata/types.hpp"

namespace relata::postgres::detail {

/// Built-in type OIDs (fixed in PostgreSQL's catalog, `pg_type.dat`).
namespace oid {
inline constexpr Oid boolean = 16;
inline constexpr Oid bytea = 17;
inline constexpr Oid character = 18;  // "char"
inline constexpr Oid name = 19;
inline constexpr Oid int8 = 20;
inline constexpr Oid int2 = 21;
inline constexpr Oid int4 = 23;
inline constexpr Oid text = 25;
inline constexpr Oid object_id = 26;  // oid
inline constexpr Oid json = 114;
inline constexpr Oid float4 = 700;
inline constexpr Oid float8 = 701;
inline constexpr Oid unknown = 705;
inline constexpr Oid bpchar = 1042;
inline constexpr Oid varchar = 1043;
inline constexpr Oid date = 1082;
inline constexpr Oid timestamp = 1114;
inline constexpr Oid timestamptz = 1184;
inline constexpr Oid numeric = 1700;
inline constexpr Oid uuid = 2950;
inline constexpr Oid jsonb = 3802;
// One-dimensional arrays of the above (`_int4` ...), decoded to and encoded from JSON text.
inline constexpr Oid boolean_array = 1000;
inline constexpr Oid name_array = 1003;
inline constexpr Oid int2_array = 1005;
inline constexpr Oid int4_array = 1007;
inline constexpr Oid text_array = 1009;
inline constexpr Oid bpchar_array = 1014;
inline constexpr Oid varchar_array = 1015;
inline constexpr Oid int8_array = 1016;
inline constexpr Oid float4_array = 1021;
inline constexpr Oid float8_array = 1022;
inline constexpr Oid numeric_array = 1231;
inline constexpr Oid uuid_array = 2951;
}  // namespace oid

/// True for the array types relata translates (see oid::boolean_array ... oid::uuid_array).
constexpr bool is_array_type(Oid type) noexcept {
    switch (type) {
        case oid::boolean_array:
        case oid::name_array:
        case oid::int2_array:
        case oid::int4_array:
        case oid::text_array:
        case oid::bpchar_array:
        case oid::varchar_array:
        case oid::int8_array:
        case oid::float4_array:
        case oid::float8_array:
        case oid::numeric_array:
        case oid::uuid_array: return true;
        default: return false;
    }
}

/// True for the type OIDs the result decoder (`relata::postgres::row::cell`) knows; others are
/// looked up in the catalog (detail::type_cache) as enums or domains.
constexpr bool is_known_type(Oid type) noexcept {
    switch (type) {
        case oid::boolean:
        case oid::bytea:
        case oid::character:
        case oid::name:
        case oid::int8:
        case oid::int2:
        case oid::int4:
        case oid::text:
        case oid::object_id:
        case oid::json:
        case oid::float4:
        case oid::float8:
        case oid::unknown:
        case oid::bpchar:
        case oid::varchar:
        case oid::date:
        case oid::timestamp:
        case oid::timestamptz:
        case oid::numeric:
        case oid::uuid:
        case oid::jsonb: return true;
        default: return is_array_type(type);
    }
}

/// The parameter type declared for `v` where the server does not infer one (statements sent
/// without PQdescribePrepared): integer for an integer within its range, else bigint (integer
/// converts implicitly to bigint where one is needed, not the other way: a bigint parameter
/// would find no `pg_terminate_backend(integer)`), double precision, boolean, bytea, timestamp
/// or date from the value; 0 (the server decides) for text and NULL.
inline Oid declared_type(const value& v) {
    return std::visit(
        [](const auto& x) -> Oid {
            using X = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<X, std::int64_t>)
                return x >= std::numeric_limits<std::int32_t>::min() && x <= std::numeric_limits<std::int32_t>::max()
                           ? oid::int4
                           : oid::int8;
            else if constexpr (std::is_same_v<X, double>) return oid::float8;
            else if constexpr (std::is_same_v<X, bool>) return oid::boolean;
            else if constexpr (std::is_same_v<X, blob>) return oid::bytea;
            else if constexpr (std::is_same_v<X, timestamp>) return oid::timestamp;
            else if constexpr (std::is_same_v<X, date>) return oid::date;
            else return 0;
        },
        v);
}

/// PostgreSQL counts time from 2000-01-01; relata (std::chrono::sys_time) from 1970-01-01.
inline constexpr std::int64_t epoch_offset_days = 10'957;
inline constexpr std::int64_t epoch_offset_micros = epoch_offset_days * 86'400'000'000LL;

/// The SQL name of a type OID, for error messages.
inline std::string type_description(Oid type) {
    switch (type) {
        case oid::boolean: return "boolean";
        case oid::bytea: return "bytea";
        case oid::int8: return "bigint";
        case oid::int2: return "smallint";
        case oid::int4: return "integer";
        case oid::text: return "text";
        case oid::float4: return "real";
        case oid::float8: return "double precision";
        case oid::varchar: return "varchar";
        case oid::bpchar: return "char(n)";
        case oid::date: return "date";
        case oid::timestamp: return "timestamp";
        case oid::timestamptz: return "timestamptz";
        case oid::numeric: return "numeric";
        case oid::uuid: return "uuid";
        case oid::json: return "json";
        case oid::jsonb: return "jsonb";
        case oid::int4_array: return "integer[]";
        case oid::int8_array: return "bigint[]";
        case oid::text_array: return "text[]";
        case oid::float8_array: return "double precision[]";
        default: return relata::detail::format("OID {}", type);
    }
}

/// `v` with its bytes in reverse order (C++23's std::byteswap): one `bswap` instruction on
/// GCC and Clang (GCC 12 -O2 leaves the portable loop below a loop for 8 bytes).
template <class U>
constexpr U reverse_bytes(U v) noexcept {
    static_assert(std::is_unsigned_v<U>);
#if defined(__GNUC__) || defined(__clang__)
    if constexpr (sizeof(U) == 8) return static_cast<U>(__builtin_bswap64(v));
    else if constexpr (sizeof(U) == 4) return static_cast<U>(__builtin_bswap32(v));
    else if constexpr (sizeof(U) == 2) return static_cast<U>(__builtin_bswap16(v));
#endif
    U reversed = 0;
    for (std::size_t i = 0; i < sizeof(U); ++i) reversed |= static_cast<U>(((v >> (8 * i)) & 0xff) << (8 * (sizeof(U) - 1 - i)));
    return reversed;
}

/// Network (big-endian) byte order to and from the machine's.
template <class U>
constexpr U big_endian(U v) noexcept {
    static_assert(std::endian::native == std::endian::little || std::endian::native == std::endian::big,
                  "relata: the PostgreSQL binary format needs a little- or big-endian machine");
    if constexpr (std::endian::native == std::endian::little) return reverse_bytes(v);
    else return v;
}

/// The unsigned integer stored big-endian at `p` (a binary result value). One load and one
/// byte swap: the loop of shifts this replaces took about 40 instructions for a bigint,
/// which GCC 12 did not turn into a `bswap`.
template <class U>
U load_big_endian(const char* p) noexcept {
    U v;
    std::memcpy(&v, p, sizeof v);
    return big_endian(v);
}

template <class U>
void append_big_endian(std::string& out, U v) {
    v = big_endian(v);
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

// ---- parameters ----

/// One encoded parameter: either bytes borrowed from the `relata::value` (`direct`) or bytes
/// at `offset` in the connection's scratch buffer, in text (0) or binary (1) format.
struct encoded_parameter {
    const char* direct = nullptr;
    std::size_t offset = 0;
    int length = 0;
    int format = 0;
    bool is_null = false;
};

/// Appends text forms of values; PostgreSQL parses them for any type (text format is
/// NUL-terminated, so a terminator follows).
class parameter_writer {
public:
    parameter_writer(std::string& scratch, encoded_parameter& out) noexcept : scratch_(scratch), out_(out) {}

    template <class U>
    void binary(U bits) {
        begin(1);
        append_big_endian(scratch_, bits);
        end();
    }
    void binary_double(double v) { binary(std::bit_cast<std::uint64_t>(v)); }
    void binary_float(float v) { binary(std::bit_cast<std::uint32_t>(v)); }

    template <class... Args>
    void text(fmt::format_string<Args...> format, Args&&... args) {
        begin(0);
        fmt::format_to(std::back_inserter(scratch_), format, std::forward<Args>(args)...);
        end();
        scratch_.push_back('\0');
    }

    void borrowed(const char* data, std::size_t size, int format) {
        out_.direct = data;
        out_.length = static_cast<int>(size);
        out_.format = format;
    }

private:
    void begin(int format) {
        out_.offset = scratch_.size();
        out_.format = format;
    }
    void end() { out_.length = static_cast<int>(scratch_.size() - out_.offset); }

    std::string& scratch_;
    encoded_parameter& out_;
};

/// Double in PostgreSQL's text spelling: shortest round-trip digits, NaN and ±Infinity.
inline void write_double_text(parameter_writer& w, double v) {
    if (std::isnan(v)) w.text("NaN");
    else if (std::isinf(v)) w.text("{}", v < 0 ? "-Infinity" : "Infinity");
    else w.text("{}", v);
}

inline std::string timestamp_text(timestamp t) {
    const auto micros = t.time_since_epoch().count() % 1'000'000;
    return relata::detail::format_iso_timestamp(t, micros == 0 ? 0 : 6);
}

/// Translates relata's JSON array text (`[1,null,"a\\"b"]`) into PostgreSQL's array literal
/// (`{1,NULL,"a\\"b"}`): strings quoted with `"` and `\\` escaped, null as NULL.
/// @return false when `json` is not a JSON array of scalars.
inline bool json_array_to_literal(std::string_view json, std::string& out) {
    std::vector<relata::detail::json_scalar> elements;
    if (!relata::detail::parse_json_array(json, elements)) return false;
    out.clear();
    out.push_back('{');
    for (std::size_t i = 0; i < elements.size(); ++i) {
        if (i > 0) out.push_back(',');
        const auto& e = elements[i];
        if (e.type == relata::detail::json_scalar::kind::null) {
            out += "NULL";
        } else if (e.type == relata::detail::json_scalar::kind::string) {
            out.push_back('"');
            for (const char c : e.text) {
                if (c == '"' || c == '\\') out.push_back('\\');
                out.push_back(c);
            }
            out.push_back('"');
        } else {
            out += e.text;
        }
    }
    out.push_back('}');
    return true;
}

[[noreturn]] inline void parameter_failed(const value& v, Oid type, std::size_t number, std::string_view sql,
                                          std::string_view why) {
    cell shown;
    std::visit(
        [&](const auto& x) {
            using X = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<X, std::string>) {
                if (x.find('\0') == std::string::npos) shown = std::string_view(x);
                else shown = std::string_view("with a NUL byte");  // keep the message a C string
            } else if constexpr (std::is_same_v<X, blob>) shown = std::span<const std::byte>(x);
            else shown = x;
        },
        v);
    throw mapping_error(relata::detail::format("cannot send {} as parameter ${} of PostgreSQL type {}{}{}; SQL: {}",
                                               relata::detail::describe_cell(shown), number, type_description(type),
                                               why.empty() ? "" : ": ", why, relata::detail::sql_excerpt(sql)));
}

/// Encodes parameter `number` (1-based) for the type the server inferred for it: binary for
/// integers, floats, bool, bytea, timestamps and dates; text (parsed by the server) for
/// text-like, numeric and every other type.
/// @throws relata::mapping_error when the value cannot be sent as that type.
inline void encode_parameter(const value& v, Oid type, std::size_t number, std::string_view sql, std::string& scratch,
                             encoded_parameter& out) {
    out = encoded_parameter{};
    parameter_writer w(scratch, out);
    const auto fail = [&](std::string_view why = {}) { parameter_failed(v, type, number, sql, why); };
    const bool is_integer = type == oid::int2 || type == oid::int4 || type == oid::int8;
    const bool is_float = type == oid::float4 || type == oid::float8;
    const bool is_time = type == oid::timestamp || type == oid::timestamptz;
    // Types with a binary encoding below; a value of another kind is a mistake, not text.
    const bool is_typed = is_integer || is_float || is_time || type == oid::numeric || type == oid::boolean ||
                          type == oid::bytea || type == oid::date;
    const auto write_integer = [&](std::int64_t x) {
        if (type == oid::int2) {
            if (!std::in_range<std::int16_t>(x)) fail("out of range for smallint");
            w.binary(static_cast<std::uint16_t>(static_cast<std::int16_t>(x)));
        } else if (type == oid::int4) {
            if (!std::in_range<std::int32_t>(x)) fail("out of range for integer");
            w.binary(static_cast<std::uint32_t>(static_cast<std::int32_t>(x)));
        } else {
            w.binary(static_cast<std::uint64_t>(x));
        }
    };
    const auto write_timestamp = [&](std::int64_t micros_since_1970) {
        if (micros_since_1970 < std::numeric_limits<std::int64_t>::min() + epoch_offset_micros)
            fail("out of range for a PostgreSQL timestamp");
        w.binary(static_cast<std::uint64_t>(micros_since_1970 - epoch_offset_micros));
    };

    std::visit(
        [&](const auto& x) {
            using X = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<X, std::monostate>) {
                out.is_null = true;
            } else if constexpr (std::is_same_v<X, std::int64_t>) {
                if (is_integer) write_integer(x);
                else if (type == oid::float8) w.binary_double(static_cast<double>(x));
                else if (type == oid::float4) w.binary_float(static_cast<float>(x));
                else if (type == oid::boolean) {
                    if (x != 0 && x != 1) fail("a boolean is 0 or 1");
                    w.binary(static_cast<std::uint8_t>(x));
                } else if (type == oid::numeric || !is_typed) w.text("{}", x);
                else fail();
            } else if constexpr (std::is_same_v<X, double>) {
                if (type == oid::float8) w.binary_double(x);
                else if (type == oid::float4) {
                    if (std::isfinite(x) && std::fabs(x) > static_cast<double>(std::numeric_limits<float>::max()))
                        fail("out of range for real");
                    w.binary_float(static_cast<float>(x));
                } else if (is_integer) {
                    if (!(std::trunc(x) == x && x >= -9.2233720368547758e18 && x < 9.2233720368547758e18))
                        fail("not an integer");
                    write_integer(static_cast<std::int64_t>(x));
                } else if (type == oid::numeric || !is_typed) write_double_text(w, x);
                else fail();
            } else if constexpr (std::is_same_v<X, bool>) {
                if (type == oid::boolean || is_integer) {
                    if (type == oid::boolean) w.binary(static_cast<std::uint8_t>(x ? 1 : 0));
                    else write_integer(x ? 1 : 0);
                } else if (!is_typed) w.text("{}", x ? "true" : "false");
                else fail();
            } else if constexpr (std::is_same_v<X, std::string>) {
                if (!std::in_range<int>(x.size())) fail("larger than libpq's 2 GB limit");
                if (is_array_type(type) && x.starts_with('[')) {
                    // relata's arrays travel as JSON text; PostgreSQL parses its own array literal.
                    std::string literal;
                    if (!json_array_to_literal(x, literal)) fail("not a JSON array of scalars");
                    if (literal.find('\0') != std::string::npos) fail("PostgreSQL text cannot contain NUL bytes");
                    w.text("{}", literal);
                } else if (type == oid::bytea) {
                    w.borrowed(x.data(), x.size(), 1);
                } else {
                    // Text format is NUL-terminated: an embedded NUL would silently cut the value.
                    if (x.find('\0') != std::string::npos) fail("PostgreSQL text cannot contain NUL bytes");
                    w.borrowed(x.c_str(), x.size(), 0);
                }
            } else if constexpr (std::is_same_v<X, blob>) {
                if (type == oid::uuid) {  // relata::uuid: its 16 bytes are uuid's binary format
                    if (x.size() != 16) fail("a uuid is 16 bytes");
                    w.borrowed(reinterpret_cast<const char*>(x.data()), x.size(), 1);
                    return;
                }
                if (type != oid::bytea) fail("a blob is sent only as bytea or uuid");
                if (!std::in_range<int>(x.size())) fail("larger than libpq's 2 GB limit");
                // A null pointer would send NULL, so an empty blob points at a static empty string.
                w.borrowed(x.empty() ? "" : reinterpret_cast<const char*>(x.data()), x.size(), 1);
            } else if constexpr (std::is_same_v<X, timestamp>) {
                const std::int64_t micros = x.time_since_epoch().count();
                if (is_time) write_timestamp(micros);
                else if (type == oid::date) {
                    const auto day = std::chrono::floor<std::chrono::days>(x);
                    if (day != x) fail("the timestamp is not at midnight");
                    const std::int64_t days = day.time_since_epoch().count() - epoch_offset_days;
                    if (!std::in_range<std::int32_t>(days)) fail("out of range for date");
                    w.binary(static_cast<std::uint32_t>(static_cast<std::int32_t>(days)));
                } else if (!is_typed) w.text("{}", timestamp_text(x));
                else fail();
            } else if constexpr (std::is_same_v<X, date>) {
                const std::int64_t days = x.time_since_epoch().count();
                if (type == oid::date) {
                    if (!std::in_range<std::int32_t>(days - epoch_offset_days)) fail("out of range for date");
                    w.binary(static_cast<std::uint32_t>(static_cast<std::int32_t>(days - epoch_offset_days)));
                } else if (is_time) {
                    // |days| beyond this overflows int64 microseconds (PostgreSQL's range is narrower still).
                    if (days > 106'751'991 || days < -106'751'991) fail("out of range for a PostgreSQL timestamp");
                    write_timestamp(days * 86'400'000'000LL);
                } else if (!is_typed) w.text("{}", relata::detail::format_iso_date(x));
                else fail();
            }
        },
        v);
}

// ---- results ----

/// Appends the exact decimal text of a binary NUMERIC (as PostgreSQL's numeric_out spells
/// it): int16 ndigits, int16 weight, uint16 sign, int16 dscale, then ndigits base-10000
/// digits; value = sum(digit[i] * 10000^(weight - i)).
/// @return false when the bytes are malformed.
inline bool numeric_to_text(const char* data, std::size_t length, std::string& out) {
    out.clear();
    if (length < 8) return false;
    const int ndigits = static_cast<std::int16_t>(load_big_endian<std::uint16_t>(data));
    const int weight = static_cast<std::int16_t>(load_big_endian<std::uint16_t>(data + 2));
    const unsigned sign = load_big_endian<std::uint16_t>(data + 4);
    const int dscale = static_cast<std::int16_t>(load_big_endian<std::uint16_t>(data + 6));
    if (ndigits < 0 || dscale < 0 || length != 8 + 2 * static_cast<std::size_t>(ndigits)) return false;
    switch (sign) {
        case 0xC000: out = "NaN"; return true;
        case 0xD000: out = "Infinity"; return true;
        case 0xF000: out = "-Infinity"; return true;
        case 0x4000: out.push_back('-'); break;
        case 0x0000: break;
        default: return false;
    }
    const auto digit = [&](int k) -> unsigned {
        return k >= 0 && k < ndigits ? load_big_endian<std::uint16_t>(data + 8 + 2 * k) : 0U;
    };
    const auto append_group = [&](unsigned group, int count) {
        char four[4] = {static_cast<char>('0' + group / 1000), static_cast<char>('0' + group / 100 % 10),
                        static_cast<char>('0' + group / 10 % 10), static_cast<char>('0' + group % 10)};
        out.append(four, static_cast<std::size_t>(count));
    };
    if (weight < 0) {
        out.push_back('0');
    } else {
        fmt::format_to(std::back_inserter(out), "{}", digit(0));
        for (int k = 1; k <= weight; ++k) append_group(digit(k), 4);
    }
    if (dscale > 0) {
        out.push_back('.');
        for (int k = weight + 1, written = 0; written < dscale; ++k, written += 4)
            append_group(digit(k), dscale - written < 4 ? dscale - written : 4);
    }
    return true;
}

/// Appends the canonical text of a 16-byte UUID, `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
inline void uuid_to_text(const char* data, std::string& out) {
    static constexpr char hex[] = "0123456789abcdef";
    out.clear();
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
        const auto byte = static_cast<unsigned char>(data[i]);
        out.push_back(hex[byte >> 4]);
        out.push_back(hex[byte & 0xf]);
    }
}

/// Appends the JSON text of a one-dimensional binary array (relata's array representation):
/// int32 ndim, int32 has-nulls flag, uint32 element type, per dimension int32 size and int32
/// lower bound, then per element an int32 length (-1 for NULL) and the element's binary value.
/// @return an empty string, or why the bytes cannot be translated.
inline std::string array_to_json(const char* data, std::size_t length, std::string& out) {
    out.clear();
    if (length < 12) return "malformed binary array";
    const auto ndim = static_cast<std::int32_t>(load_big_endian<std::uint32_t>(data));
    const Oid element_type = load_big_endian<std::uint32_t>(data + 8);
    if (ndim == 0) {  // PostgreSQL's empty array has no dimensions
        out = "[]";
        return {};
    }
    if (ndim != 1) return relata::detail::format("{}-dimensional arrays are not supported (only one dimension)", ndim);
    if (length < 20) return "malformed binary array";
    const auto count = static_cast<std::int32_t>(load_big_endian<std::uint32_t>(data + 12));
    if (count < 0) return "malformed binary array";
    std::size_t pos = 20;
    std::string text;
    out.push_back('[');
    for (std::int32_t i = 0; i < count; ++i) {
        if (pos + 4 > length) return "malformed binary array";
        const auto size = static_cast<std::int32_t>(load_big_endian<std::uint32_t>(data + pos));
        pos += 4;
        if (i > 0) out.push_back(',');
        if (size == -1) {
            out += "null";
            continue;
        }
        if (size < 0 || pos + static_cast<std::size_t>(size) > length) return "malformed binary array";
        const char* e = data + pos;
        const auto n = static_cast<std::size_t>(size);
        pos += n;
        const auto expect = [&](std::size_t bytes) { return n == bytes; };
        const auto append_double = [&](double d) {
            if (d != d) out += "\"NaN\"";
            else if (std::isinf(d)) out += d < 0 ? "\"-Infinity\"" : "\"Infinity\"";
            else fmt::format_to(std::back_inserter(out), "{}", d);
        };
        switch (element_type) {
            case oid::int2:
                if (!expect(2)) return "malformed smallint element";
                fmt::format_to(std::back_inserter(out), "{}", static_cast<std::int16_t>(load_big_endian<std::uint16_t>(e)));
                break;
            case oid::int4:
                if (!expect(4)) return "malformed integer element";
                fmt::format_to(std::back_inserter(out), "{}", static_cast<std::int32_t>(load_big_endian<std::uint32_t>(e)));
                break;
            case oid::int8:
                if (!expect(8)) return "malformed bigint element";
                fmt::format_to(std::back_inserter(out), "{}", static_cast<std::int64_t>(load_big_endian<std::uint64_t>(e)));
                break;
            case oid::float4: {
                if (!expect(4)) return "malformed real element";
                const float f = std::bit_cast<float>(load_big_endian<std::uint32_t>(e));
                if (std::isfinite(f)) fmt::format_to(std::back_inserter(out), "{}", f);  // shortest float digits
                else append_double(f);
                break;
            }
            case oid::float8:
                if (!expect(8)) return "malformed double precision element";
                append_double(std::bit_cast<double>(load_big_endian<std::uint64_t>(e)));
                break;
            case oid::boolean:
                if (!expect(1)) return "malformed boolean element";
                out += e[0] != 0 ? "true" : "false";
                break;
            case oid::text:
            case oid::varchar:
            case oid::bpchar:
            case oid::name: relata::detail::append_json_string(out, std::string_view(e, n)); break;
            case oid::numeric:
                if (!numeric_to_text(e, n, text)) return "malformed numeric element";
                if (text.back() == 'N' || text.back() == 'y') relata::detail::append_json_string(out, text);  // NaN, ±Infinity
                else out += text;
                break;
            case oid::uuid:
                if (!expect(16)) return "malformed uuid element";
                uuid_to_text(e, text);
                relata::detail::append_json_string(out, text);
                break;
            default: return relata::detail::format("arrays of {} are not supported", type_description(element_type));
        }
    }
    out.push_back(']');
    return {};
}

}  // namespace relata::postgres::detail
