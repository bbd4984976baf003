#pragma once
/// @file
/// `COPY ... FROM STDIN (FORMAT binary)`: the tuple format and its sending over libpq, used by
/// `relata::insert_all` for large batches on PostgreSQL (see `connection::copy_rows`). Each
/// value is encoded for its column's exact type, which the server reported for the matching
/// `INSERT ... VALUES ($1, ...)`, with the same encoding as a bound parameter
/// (detail::encode_parameter); the few types whose parameters travel as text (numeric, uuid,
/// jsonb) are translated to their binary form here. Internal to the PostgreSQL backend.

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <libpq-fe.h>

#include "relata/error.hpp"
#include "relata/postgres/binary.hpp"
#include "relata/types.hpp"

namespace relata::postgres::detail {

/// True when a column of type `type` (enums and domains resolved, see detail::type_cache) can
/// be written in COPY's binary format; arrays and types relata does not know cannot (a batch
/// with such a column is inserted with multi-row INSERTs instead).
constexpr bool copy_supported(Oid type) noexcept {
    switch (type) {
        case oid::boolean:
        case oid::bytea:
        case oid::int8:
        case oid::int2:
        case oid::int4:
        case oid::text:
        case oid::json:
        case oid::float4:
        case oid::float8:
        case oid::bpchar:
        case oid::varchar:
        case oid::name:
        case oid::date:
        case oid::timestamp:
        case oid::timestamptz:
        case oid::numeric:
        case oid::uuid:
        case oid::jsonb: return true;
        default: return false;
    }
}

/// Appends NUMERIC's binary form of decimal `text` (`-12.50`, `1e-3`, `NaN`, `Infinity`):
/// uint16 ndigits, int16 weight, uint16 sign, uint16 dscale, then base-10000 digits.
/// @return false when `text` is not a decimal number or out of NUMERIC's range.
inline bool text_to_numeric(std::string_view text, std::string& out) {
    const auto header = [&](std::size_t ndigits, int weight, unsigned sign, int dscale) {
        append_big_endian(out, static_cast<std::uint16_t>(ndigits));
        append_big_endian(out, static_cast<std::uint16_t>(static_cast<std::int16_t>(weight)));
        append_big_endian(out, static_cast<std::uint16_t>(sign));
        append_big_endian(out, static_cast<std::uint16_t>(dscale));
    };
    std::size_t pos = 0;
    unsigned sign = 0x0000;
    if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) sign = text[pos++] == '-' ? 0x4000 : 0x0000;
    const auto is = [&](std::string_view word) {
        const std::string_view rest = text.substr(pos);
        if (rest.size() != word.size()) return false;
        for (std::size_t i = 0; i < word.size(); ++i)
            if (std::tolower(static_cast<unsigned char>(rest[i])) != word[i]) return false;
        return true;
    };
    if (pos == 0 && is("nan")) {
        header(0, 0, 0xC000, 0);
        return true;
    }
    if (is("infinity") || is("inf")) {
        header(0, 0, sign == 0x4000 ? 0xF000 : 0xD000, 0);
        return true;
    }
    std::string digits;  // every digit written, the decimal point after `point` of them
    std::int64_t point = 0;
    std::int64_t fraction = 0;
    bool seen_point = false;
    for (; pos < text.size() && (std::isdigit(static_cast<unsigned char>(text[pos])) || text[pos] == '.'); ++pos) {
        if (text[pos] == '.') {
            if (seen_point) return false;
            seen_point = true;
        } else {
            digits.push_back(text[pos]);
            if (seen_point) ++fraction;
        }
    }
    if (digits.empty()) return false;
    std::int64_t exponent = 0;
    if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
        ++pos;
        bool negative = false;
        if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) negative = text[pos++] == '-';
        if (pos == text.size()) return false;
        for (; pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])); ++pos) {
            exponent = exponent * 10 + (text[pos] - '0');
            if (exponent > 100'000) return false;
        }
        if (negative) exponent = -exponent;
    }
    if (pos != text.size()) return false;
    point = static_cast<std::int64_t>(digits.size()) - fraction + exponent;
    const std::int64_t dscale = fraction - exponent > 0 ? fraction - exponent : 0;
    if (dscale > 0x3FFF) return false;  // NUMERIC_DSCALE_MAX
    const std::size_t first = digits.find_first_not_of('0');
    if (first == std::string::npos) {  // zero
        header(0, 0, 0x0000, static_cast<int>(dscale));
        return true;
    }
    point -= static_cast<std::int64_t>(first);
    digits.erase(0, first);
    digits.erase(digits.find_last_not_of('0') + 1);
    // Align the decimal point on a base-10000 group boundary.
    const std::int64_t lead = ((4 - point % 4) % 4 + 4) % 4;
    digits.insert(0, static_cast<std::size_t>(lead), '0');
    point += lead;
    digits.append((4 - digits.size() % 4) % 4, '0');
    const std::int64_t weight = point / 4 - 1;
    if (weight > 0x7FFF || weight < -0x8000) return false;
    std::size_t groups = digits.size() / 4;
    while (groups > 0 && digits.compare((groups - 1) * 4, 4, "0000") == 0) --groups;
    header(groups, static_cast<int>(weight), sign, static_cast<int>(dscale));
    for (std::size_t g = 0; g < groups; ++g) {
        const char* d = digits.data() + g * 4;
        append_big_endian(out, static_cast<std::uint16_t>((d[0] - '0') * 1000 + (d[1] - '0') * 100 +
                                                          (d[2] - '0') * 10 + (d[3] - '0')));
    }
    return true;
}

/// Appends the 16 bytes of a UUID's text (hex digits, with or without `-` and braces).
/// @return false when `text` does not hold exactly 32 hex digits.
inline bool text_to_uuid(std::string_view text, std::string& out) {
    std::size_t nibbles = 0;
    unsigned byte = 0;
    for (const char c : text) {
        if (c == '-' || c == '{' || c == '}') continue;
        unsigned v = 0;
        if (c >= '0' && c <= '9') v = static_cast<unsigned>(c - '0');
        else if (c >= 'a' && c <= 'f') v = static_cast<unsigned>(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v = static_cast<unsigned>(c - 'A' + 10);
        else return false;
        byte = (byte << 4) | v;
        if (++nibbles % 2 == 0) {
            out.push_back(static_cast<char>(byte));
            byte = 0;
        }
    }
    return nibbles == 32;
}

/// Encodes rows in COPY's binary format: the header (`PGCOPY\n\377\r\n\0`, int32 flags 0,
/// int32 extension length 0), per row an int16 field count and per field an int32 length
/// (-1 for NULL) and the value's binary form, and the trailer (int16 -1).
class copy_encoder {
public:
    /// Rows of the columns of `types` (resolved OIDs, each copy_supported); `sql` is the COPY
    /// statement, named in errors.
    copy_encoder(std::span<const Oid> types, std::string_view sql) : types_(types), sql_(sql) {
        static constexpr char signature[] = "PGCOPY\n\377\r\n";  // 11 bytes with the NUL
        buffer_.append(signature, sizeof signature);
        append_big_endian(buffer_, std::uint32_t{0});  // flags: no OIDs
        append_big_endian(buffer_, std::uint32_t{0});  // header extension length
    }

    /// Appends one row, a value per column.
    /// @throws relata::mapping_error when a value cannot be stored in its column's type.
    void row(std::span<const value> values) {
        append_big_endian(buffer_, static_cast<std::uint16_t>(values.size()));
        for (std::size_t i = 0; i < values.size(); ++i) field(values[i], types_[i], i + 1);
    }

    /// Appends the trailer.
    void finish() { append_big_endian(buffer_, static_cast<std::uint16_t>(0xFFFF)); }

    /// The encoded bytes not yet sent; `clear()` them after sending.
    [[nodiscard]] std::string& buffer() noexcept { return buffer_; }

private:
    void field(const value& v, Oid type, std::size_t number) {
        encoded_parameter p;
        scratch_.clear();
        encode_parameter(v, type, number, sql_, scratch_, p);
        if (p.is_null) {
            append_big_endian(buffer_, static_cast<std::uint32_t>(0xFFFFFFFF));
            return;
        }
        const std::string_view bytes(p.direct ? p.direct : scratch_.data() + p.offset, static_cast<std::size_t>(p.length));
        if (p.format == 1 || (type != oid::numeric && type != oid::uuid && type != oid::jsonb)) {
            // Binary already, or text whose binary form is its bytes (text, varchar, char(n), json, enums).
            append_big_endian(buffer_, static_cast<std::uint32_t>(bytes.size()));
            buffer_.append(bytes);
            return;
        }
        const std::size_t length_at = buffer_.size();
        append_big_endian(buffer_, std::uint32_t{0});
        bool ok = true;
        if (type == oid::jsonb) {
            buffer_.push_back('\1');  // jsonb's binary format version
            buffer_.append(bytes);
        } else if (type == oid::uuid) {
            ok = text_to_uuid(bytes, buffer_);
        } else {
            ok = text_to_numeric(bytes, buffer_);
        }
        if (!ok) parameter_failed(v, type, number, sql_, type == oid::uuid ? "not a uuid" : "not a number");
        const auto length = static_cast<std::uint32_t>(buffer_.size() - length_at - 4);
        for (std::size_t k = 0; k < 4; ++k)
            buffer_[length_at + k] = static_cast<char>((length >> (8 * (3 - k))) & 0xff);
    }

    std::span<const Oid> types_;
    std::string_view sql_;
    std::string buffer_;
    std::string scratch_;
};

/// Runs `sql` (a `COPY ... FROM STDIN (FORMAT binary)`) and sends `rows` rows of `types`,
/// `fill(i, row)` writing row i's values into `row`, in pieces of about 1 MB.
/// `fail(result)` throws the error of a failed step (`result` may be null: libpq's message).
/// An exception from `fill` or the encoder ends the COPY with an error, so the server inserts
/// nothing, and propagates; the connection stays usable.
/// @return the number of rows the server reports inserted.
template <class Fill, class Fail>
std::int64_t copy_in(PGconn* conn, const std::string& sql, std::span<const Oid> types, std::size_t rows, Fill&& fill,
                     Fail&& fail) {
    struct clearer {
        void operator()(PGresult* result) const noexcept { PQclear(result); }
    };
    using result_handle = std::unique_ptr<PGresult, clearer>;
    {
        const result_handle started(PQexec(conn, sql.c_str()));
        if (!started || PQresultStatus(started.get()) != PGRES_COPY_IN) fail(started.get());
    }
    constexpr std::size_t piece = std::size_t{1} << 20;
    copy_encoder encoder(types, sql);
    const auto send = [&] {
        std::string& bytes = encoder.buffer();
        if (PQputCopyData(conn, bytes.data(), static_cast<int>(bytes.size())) != 1) fail(nullptr);
        bytes.clear();
    };
    try {
        std::vector<value> row;
        row.reserve(types.size());
        for (std::size_t i = 0; i < rows; ++i) {
            row.clear();
            fill(i, row);
            encoder.row(row);
            if (encoder.buffer().size() >= piece) send();
        }
        encoder.finish();
        send();
    } catch (...) {
        // The server discards the rows already sent; the error it reports for this is expected.
        if (PQputCopyEnd(conn, "relata: the COPY was cancelled by the client") == 1)
            while (PGresult* rest = PQgetResult(conn)) PQclear(rest);
        throw;
    }
    if (PQputCopyEnd(conn, nullptr) != 1) fail(nullptr);
    const result_handle finished(PQgetResult(conn));
    // Whatever follows (nothing, for a COPY that ran) is read so the connection is idle again.
    while (PGresult* rest = PQgetResult(conn)) PQclear(rest);
    if (!finished || PQresultStatus(finished.get()) != PGRES_COMMAND_OK) fail(finished.get());
    const std::string_view affected = PQcmdTuples(finished.get());
    std::int64_t count = 0;
    for (const char c : affected) count = count * 10 + (c - '0');
    return count;
}

}  // namespace relata::postgres::detail
