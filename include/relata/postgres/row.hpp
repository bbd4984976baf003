#pragma once
/// @file
/// `relata::postgres::row`: one row of a PostgreSQL result, decoded from the binary format
/// into `relata::cell` (what `connection::for_each_row` passes to its callback).

#include <bit>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <libpq-fe.h>

#include "relata/error.hpp"
#include "relata/postgres/binary.hpp"
#include "relata/types.hpp"

namespace relata::postgres {

class connection;

/// A row of a result, valid inside a `for_each_row` callback. Columns arrive in PostgreSQL's
/// binary format and are decoded by type OID into `relata::cell`:
/// smallint/integer/bigint/oid → std::int64_t; real/double precision → double; boolean → bool;
/// text/varchar/char(n)/name/json/jsonb → std::string_view; bytea → std::span<const std::byte>;
/// timestamptz/timestamp → relata::timestamp (UTC); date → relata::date; numeric and uuid →
/// their exact text as std::string_view (NUMERIC reads into double or std::string);
/// one-dimensional arrays of those (int4[], int8[], text[], float8[] ...) → their JSON text
/// (`[1,null,3]`, relata's array representation); enums → their label; domains → as their base type.
class row {
public:
    /// A view of row `row_number` of `result` (which must use binary result format).
    explicit row(const PGresult* result, int row_number = 0) noexcept
        : result_(result), row_(row_number), columns_(static_cast<std::size_t>(PQnfields(result))) {}

    /// Number of result columns.
    [[nodiscard]] std::size_t size() const noexcept { return columns_; }

    /// Number of rows in the result this row belongs to (`PQntuples`). Inside
    /// `connection::for_each_row` that is the statement's every row: libpq holds the result
    /// in memory before the first row is read, so `relata::all` and `session.all` make room for
    /// every row at the first instead of growing their vector 1, 2, 4, ... (17 times for
    /// 100,000 rows). A streamed row (`relata::stream`, single-row mode) is a result of its own:
    /// 1. SQLite's rows have no such count (they are stepped one at a time).
    [[nodiscard]] std::size_t rows_in_result() const noexcept {
        return static_cast<std::size_t>(PQntuples(result_));
    }

    /// The value of column `index` (0-based). Borrowed: valid until the callback returns.
    /// @throws relata::mapping_error for a type OID relata does not decode (cast it in SQL,
    /// e.g. `interval_column::text`), for ±infinity timestamps and dates, and for an index
    /// out of range.
    [[nodiscard]] relata::cell cell(std::size_t index) const {
        namespace oid = detail::oid;
        if (index >= columns_) [[unlikely]]
            out_of_range(index);
        const int column = static_cast<int>(index);
        // PQgetlength is 0 for NULL (and for an empty value): PQgetisnull only then.
        const auto length = static_cast<std::size_t>(PQgetlength(result_, row_, column));
        if (length == 0 && PQgetisnull(result_, row_, column)) return std::monostate{};
        const char* data = PQgetvalue(result_, row_, column);
        const Oid type = types_ ? types_[index] : PQftype(result_, column);
        // The common types here, every other one (and every malformed value) in decode(): a
        // small function for the values of most rows (61 -> 48 instructions per value of the
        // benchmark's person rows, GCC 12 -O2).
        switch (type) {
            case oid::int8:
                if (length == 8) return static_cast<std::int64_t>(detail::load_big_endian<std::uint64_t>(data));
                break;
            case oid::int4:
                if (length == 4) return std::int64_t{static_cast<std::int32_t>(detail::load_big_endian<std::uint32_t>(data))};
                break;
            case oid::float8:
                if (length == 8) return std::bit_cast<double>(detail::load_big_endian<std::uint64_t>(data));
                break;
            case oid::boolean:
                if (length == 1) return data[0] != 0;
                break;
            case oid::text:
            case oid::varchar: return std::string_view(data, length);
            default: break;
        }
        return decode(index, type, data, length);
    }

    /// The name of column `index` as the query spells it (`PQfname`).
    [[nodiscard]] std::string_view column_name(std::size_t index) const noexcept {
        const char* name = PQfname(result_, static_cast<int>(index));
        return name ? std::string_view(name) : std::string_view();
    }

private:
    friend class connection;
    friend class cursor;  // relata/postgres/cursor.hpp: sets types_ for streamed rows

    // Every type cell() does not decode itself, and a value of the wrong length.
    relata::cell decode(std::size_t index, Oid type, const char* data, std::size_t length) const {
        namespace oid = detail::oid;
        const auto expect_length = [length, index, type, this](std::size_t expected) {
            if (length != expected) fail_length(index, type, expected, length);
        };
        switch (type) {
            case oid::int2:
                expect_length(2);
                return std::int64_t{static_cast<std::int16_t>(detail::load_big_endian<std::uint16_t>(data))};
            case oid::int4:
                expect_length(4);
                return std::int64_t{static_cast<std::int32_t>(detail::load_big_endian<std::uint32_t>(data))};
            case oid::int8:
                expect_length(8);
                return static_cast<std::int64_t>(detail::load_big_endian<std::uint64_t>(data));
            case oid::object_id:
                expect_length(4);
                return std::int64_t{detail::load_big_endian<std::uint32_t>(data)};
            case oid::float4:
                expect_length(4);
                return static_cast<double>(std::bit_cast<float>(detail::load_big_endian<std::uint32_t>(data)));
            case oid::float8:
                expect_length(8);
                return std::bit_cast<double>(detail::load_big_endian<std::uint64_t>(data));
            case oid::boolean: expect_length(1); return data[0] != 0;
            case oid::text:
            case oid::varchar:
            case oid::bpchar:
            case oid::name:
            case oid::character:
            case oid::json:
            case oid::unknown: return std::string_view(data, length);
            case oid::jsonb:
                if (length < 1 || data[0] != 1) fail(index, type, "unknown jsonb format version");
                return std::string_view(data + 1, length - 1);
            case oid::bytea: return std::span<const std::byte>(reinterpret_cast<const std::byte*>(data), length);
            case oid::timestamp:
            case oid::timestamptz: {
                expect_length(8);
                const auto micros = static_cast<std::int64_t>(detail::load_big_endian<std::uint64_t>(data));
                constexpr auto infinity = std::numeric_limits<std::int64_t>::max();
                if (micros == infinity || micros == std::numeric_limits<std::int64_t>::min())
                    fail(index, type, "±infinity has no relata::timestamp value");
                if (micros > std::numeric_limits<std::int64_t>::max() - detail::epoch_offset_micros)
                    fail(index, type, "out of range for relata::timestamp");
                return timestamp{std::chrono::microseconds{micros + detail::epoch_offset_micros}};
            }
            case oid::date: {
                expect_length(4);
                const auto days = static_cast<std::int32_t>(detail::load_big_endian<std::uint32_t>(data));
                constexpr auto infinity = std::numeric_limits<std::int32_t>::max();
                if (days == infinity || days == std::numeric_limits<std::int32_t>::min())
                    fail(index, type, "±infinity has no relata::date value");
                const std::int64_t since_1970 = std::int64_t{days} + detail::epoch_offset_days;
                if (!std::in_range<std::chrono::days::rep>(since_1970))
                    fail(index, type, "out of range for relata::date");
                return date{std::chrono::days{static_cast<std::chrono::days::rep>(since_1970)}};
            }
            case oid::numeric: {
                std::string& text = buffer(index);
                if (!detail::numeric_to_text(data, length, text)) fail(index, type, "malformed binary numeric");
                return std::string_view(text);
            }
            case oid::uuid: {
                expect_length(16);
                std::string& text = buffer(index);
                detail::uuid_to_text(data, text);
                return std::string_view(text);
            }
            default:
                if (detail::is_array_type(type)) {
                    std::string& text = buffer(index);
                    if (const std::string why = detail::array_to_json(data, length, text); !why.empty())
                        fail(index, type, why);
                    return std::string_view(text);
                }
                throw mapping_error(
                    fmt::format("unsupported PostgreSQL type OID {} for column \"{}\"; cast it in SQL "
                                "(e.g. to text)",
                                type, column_name(index)));
        }
    }

    [[noreturn]] void out_of_range(std::size_t index) const {
        throw mapping_error(fmt::format("column index {} is out of range; the result has {} columns", index, columns_));
    }

    [[noreturn]] void fail_length(std::size_t index, Oid type, std::size_t expected, std::size_t length) const {
        fail(index, type, fmt::format("expected {} bytes, got {}", expected, length));
    }

    [[noreturn]] void fail(std::size_t index, Oid type, std::string_view why) const {
        throw mapping_error(fmt::format("cannot read column \"{}\" of PostgreSQL type {}: {}",
                                        column_name(index), detail::type_description(type), why));
    }

    // One buffer per column, so every decoded NUMERIC/UUID view of the row stays valid until
    // the callback returns; capacity is reused from row to row.
    std::string& buffer(std::size_t index) const {
        if (text_.size() < columns_) text_.resize(columns_);
        return text_[index];
    }

    const PGresult* result_;
    const Oid* types_ = nullptr;  // per column, enums and domains resolved (connection::for_each_row); else PQftype
    int row_;
    std::size_t columns_;
    mutable std::vector<std::string> text_;
};

}  // namespace relata::postgres
