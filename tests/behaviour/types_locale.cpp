// Doubles, floats, relata::numeric and double arrays are read and written the same way
// whatever the process locale: here de_DE.UTF-8, whose decimal separator is ','.
// Without that locale the test warns and runs under a C++ locale with a ',' decimal point
// only, unless RELATA_REQUIRE_LOCALE=1 (CI), when it fails.
#include <clocale>
#include <cstdint>
#include <cstdlib>
#include <locale>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "backends.hpp"

namespace locale_models {

struct Measure {
    std::int64_t id = 0;
    double value = 0;
    float ratio = 0;
    relata::numeric price;
    std::vector<double> series;
    std::optional<double> maybe;
};
RELATA_MODEL(Measure, id, value, ratio, price, series, maybe)

}  // namespace locale_models

namespace {

struct comma_decimal : std::numpunct<char> {
    char do_decimal_point() const override { return ','; }
    char do_thousands_sep() const override { return '.'; }
    std::string do_grouping() const override { return "\3"; }
};

/// Switches the C and C++ global locales for the test's duration and restores them after.
struct global_locale {
    std::locale previous_cpp;
    std::string previous_c = std::setlocale(LC_ALL, nullptr);
    bool german = false;

    global_locale() {
        for (const char* name : {"de_DE.UTF-8", "de_DE.utf8"}) {
            try {
                std::locale::global(std::locale(name));
            } catch (const std::runtime_error&) {
                continue;
            }
            german = std::setlocale(LC_ALL, name) != nullptr;
            if (german) break;
        }
        if (!german) std::locale::global(std::locale(std::locale::classic(), new comma_decimal));
    }
    ~global_locale() {
        std::locale::global(previous_cpp);
        std::setlocale(LC_ALL, previous_c.c_str());
    }
    global_locale(const global_locale&) = delete;
    global_locale& operator=(const global_locale&) = delete;
};

}  // namespace

RELATA_BACKEND_TEST("numbers do not depend on the locale", "[types][locale]") {
    using locale_models::Measure;
    global_locale locale;
    if (!locale.german) {
        const char* required = std::getenv("RELATA_REQUIRE_LOCALE");
        if (required && std::string(required) == "1")
            FAIL("RELATA_REQUIRE_LOCALE=1 but the de_DE.UTF-8 locale is not installed (locale-gen de_DE.UTF-8)");
        WARN("de_DE.UTF-8 is not installed: testing a C++ locale with a ',' decimal point only");
    } else {
        REQUIRE(*std::localeconv()->decimal_point == ',');  // the C locale really changed
    }
    REQUIRE(std::use_facet<std::numpunct<char>>(std::locale()).decimal_point() == ',');

    CHECK(relata::numeric("1234.5").to_string() == "1234.5");
    CHECK(relata::numeric::from_double(0.25).to_string() == "0.25");
    CHECK(relata::numeric("0.25").to_double() == 0.25);

    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Measure>(db);
    Measure m;
    m.value = 1234.5;
    m.ratio = 0.75f;
    m.price = relata::numeric("1234567.89");
    m.series = {0.5, -1.25, 1e-7};
    m.maybe = 3.5;
    std::int64_t id = 0;
    {
        relata::session session{db};
        auto& added = session.add(m);
        session.commit();
        id = added.id;
    }
    relata::session session{db};
    const Measure& back = session.get<Measure>(id);
    CHECK(back.value == 1234.5);
    CHECK(back.ratio == 0.75f);
    CHECK(back.price.to_string() == "1234567.89");
    CHECK(back.series == m.series);
    CHECK(back.maybe == 3.5);
    constexpr auto c = relata::columns<Measure>;
    CHECK(session.count(relata::select<Measure>().where(c.value == 1234.5)) == 1);
    CHECK(session.count(relata::select<Measure>().where(c.value > 1234.25)) == 1);
    // The database's own text for a real number, read back into a double.
    const char* sql = relata_test::engine == relata::engine::sqlite ? "SELECT CAST('2.5' AS TEXT)" : "SELECT '2.5'::numeric";
    double parsed = 0;
    db.for_each_row(relata::rendered_query{sql, {}},
                    [&](const auto& row) { parsed = relata::detail::from_cell<double>(row.cell(0)); });
    CHECK(parsed == 2.5);
}
