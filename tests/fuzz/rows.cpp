// libFuzzer target (issue 9): random cells fed to row → object mapping, through both engines'
// real decoders. PostgreSQL: a binary-format PGresult built with libpq's own
// PQmakeEmptyPGresult / PQsetResultAttrs / PQsetvalue, with column types drawn from every OID
// relata decodes (and some it does not) and random bytes, read by relata::postgres::row.
// SQLite: the same values bound to `SELECT ?, ...` and read back by relata::sqlite::row. Every
// read must give a value or a relata::mapping_error — never another exception, a crash or a
// sanitizer report.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>
#include <libpq-fe.h>

#include <relata/postgres.hpp>
#include <relata/relata.hpp>
#include <relata/sqlite.hpp>

namespace fuzz_rows {

// Every member type relata maps, one column each.
struct Wide {
    std::int64_t big = 0;
    int small = 0;
    std::int16_t tiny = 0;
    double real = 0;
    bool flag = false;
    std::string text;
    std::optional<std::string> maybe_text;
    relata::blob bytes;
    relata::timestamp at;
    relata::date on;
    std::optional<std::int64_t> maybe_big;
    std::uint8_t octet = 0;
};
RELATA_MODEL(Wide, big, small, tiny, real, flag, text, maybe_text, bytes, at, on, maybe_big, octet)

constexpr std::size_t columns = 12;

namespace oid = relata::postgres::detail::oid;
constexpr Oid types[] = {oid::boolean, oid::bytea,     oid::character, oid::name,        oid::int8,
                         oid::int2,    oid::int4,      oid::text,      oid::object_id,   oid::json,
                         oid::float4,  oid::float8,    oid::unknown,   oid::bpchar,      oid::varchar,
                         oid::date,    oid::timestamp, oid::timestamptz, oid::numeric,   oid::uuid,
                         oid::jsonb,   oid::int4_array, oid::text_array, oid::int8_array, oid::float8_array,
                         oid::numeric_array, oid::uuid_array, oid::boolean_array, 1186 /* interval: not decoded */,
                         600 /* point: not decoded */};

// Only these may come out of a read; anything else is a finding.
template <class Read>
void expect_value_or_mapping_error(Read&& read) {
    try {
        read();
    } catch (const relata::mapping_error&) {
    } catch (...) {
        std::abort();
    }
}

void postgres_rows(FuzzedDataProvider& input) {
    PGresult* result = PQmakeEmptyPGresult(nullptr, PGRES_TUPLES_OK);
    if (result == nullptr) return;
    std::vector<std::string> names(columns);
    std::vector<PGresAttDesc> attributes(columns);
    for (std::size_t i = 0; i < columns; ++i) {
        names[i] = "c" + std::to_string(i);
        attributes[i] = PGresAttDesc{names[i].data(), 0, 0, 1, input.PickValueInArray(types), -1, -1};
    }
    if (PQsetResultAttrs(result, static_cast<int>(columns), attributes.data()) == 0) {
        PQclear(result);
        return;
    }
    for (std::size_t i = 0; i < columns; ++i) {
        if (input.ConsumeBool()) {
            PQsetvalue(result, 0, static_cast<int>(i), nullptr, -1);  // NULL
        } else {
            std::string bytes = input.ConsumeRandomLengthString(64);
            PQsetvalue(result, 0, static_cast<int>(i), bytes.data(), static_cast<int>(bytes.size()));
        }
    }
    const relata::postgres::row row(result);
    for (std::size_t i = 0; i < columns; ++i) expect_value_or_mapping_error([&] { (void)row.cell(i); });
    expect_value_or_mapping_error([&] { (void)relata::detail::read_model<Wide>(row); });
    PQclear(result);
}

void sqlite_rows(FuzzedDataProvider& input, relata::sqlite::connection& db) {
    std::vector<relata::value> values;
    for (std::size_t i = 0; i < columns; ++i) {
        switch (input.ConsumeIntegralInRange<int>(0, 5)) {
            case 0: values.emplace_back(std::monostate{}); break;
            case 1: values.emplace_back(input.ConsumeIntegral<std::int64_t>()); break;
            case 2: values.emplace_back(input.ConsumeFloatingPoint<double>()); break;
            case 3: values.emplace_back(input.ConsumeRandomLengthString(64)); break;
            case 4: {
                const std::string bytes = input.ConsumeRandomLengthString(64);
                values.emplace_back(relata::blob(reinterpret_cast<const std::byte*>(bytes.data()),
                                                 reinterpret_cast<const std::byte*>(bytes.data()) + bytes.size()));
                break;
            }
            default: values.emplace_back(input.ConsumeBool()); break;
        }
    }
    std::string sql = "SELECT ?";
    for (std::size_t i = 1; i < columns; ++i) sql += ", ?";
    try {
        db.for_each_row(relata::rendered_query{sql, values}, [&](const relata::sqlite::row& row) {
            for (std::size_t i = 0; i < columns; ++i) expect_value_or_mapping_error([&] { (void)row.cell(i); });
            expect_value_or_mapping_error([&] { (void)relata::detail::read_model<Wide>(row); });
        });
    } catch (const relata::mapping_error&) {  // a value SQLite refuses to bind (NaN): relata says so
    } catch (...) {
        std::abort();
    }
}

}  // namespace fuzz_rows

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static relata::sqlite::connection db = relata::sqlite::connect(":memory:");
    FuzzedDataProvider input(data, size);
    if (input.ConsumeBool()) fuzz_rows::postgres_rows(input);
    else fuzz_rows::sqlite_rows(input, db);
    return 0;
}
