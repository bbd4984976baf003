// relata::detail::read_model: a row's cells into a model, with errors that name the model, the
// member and the column, whether the conversion or the backend's cell read failed.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "catch.hpp"

#include <relata/relata.hpp>

namespace read_model_test {

struct Event {
    std::int64_t id = 0;
    std::chrono::sys_seconds at{};
};
RELATA_MODEL(Event, id, at)

/// A row as a backend produces it; cell(1) throws as the PostgreSQL row does for a value it
/// cannot decode (an unsupported type OID, ±infinity).
struct fake_row {
    std::string_view failure;  // empty: cell(1) returns text that is not a timestamp

    [[nodiscard]] std::size_t size() const noexcept { return 2; }
    [[nodiscard]] relata::cell cell(std::size_t index) const {
        if (index == 0) return std::int64_t{7};
        if (!failure.empty()) throw relata::mapping_error(std::string(failure));
        return std::string_view("not a time");
    }
    [[nodiscard]] std::string_view column_name(std::size_t index) const noexcept { return index == 0 ? "id" : "at"; }
};
static_assert(relata::result_row<fake_row>);

std::string read_error(const fake_row& row) {
    try {
        (void)relata::detail::read_model<Event>(row);
    } catch (const relata::mapping_error& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace read_model_test

using read_model_test::fake_row;
using read_model_test::read_error;

TEST_CASE("a cell the backend cannot read names the model, the member and the column", "[read_model]") {
    const std::string message = read_error(fake_row{
        "cannot read column \"at\" of PostgreSQL type timestamptz: ±infinity has no relata::timestamp value"});
    CHECK(message ==
          "relata: cannot read Event::at from column \"at\": cannot read column \"at\" of PostgreSQL type timestamptz: "
          "±infinity has no relata::timestamp value");
    CHECK(message.find("relata: relata:") == std::string::npos);
}

TEST_CASE("a cell that does not convert names the model, the member and the column", "[read_model]") {
    CHECK(read_error(fake_row{}) == "relata: cannot read Event::at from column \"at\": text 'not a time' is not an "
                                    "ISO-8601 timestamp (YYYY-MM-DD HH:MM:SS)");
}
