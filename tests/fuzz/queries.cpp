// libFuzzer target (issue 9): random query-object trees — conditions nested up to 8 deep over
// every column type (comparisons, IN lists, LIKE and its escaping helpers, NULL tests, AND, OR,
// NOT), joins, ORDER BY, LIMIT/OFFSET — rendered for both dialects. Each rendering must have as
// many placeholders as bound parameters (`?` on SQLite, `$1..$n` each once on PostgreSQL), and
// SQLite's own parser (`sqlite3_prepare_v2`) must accept the SQLite text against the schema and
// count the same parameters.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>
#include <sqlite3.h>

#include <relata/relata.hpp>
#include <relata/sqlite.hpp>

namespace fuzz_queries {

struct Item {
    std::int64_t id = 0;
    std::string name;
    std::optional<double> price;
    bool active = false;
    int quantity = 0;
};
RELATA_MODEL(Item, id, name, price, active, quantity)

struct Tag {
    std::int64_t id = 0;
    std::int64_t item_id = 0;
    std::string label;
};
RELATA_MODEL(Tag, id, item_id, label)

constexpr auto item = relata::columns<Item>;
constexpr auto tag = relata::columns<Tag>;

using condition = decltype(item.id == std::int64_t{0});

condition random_condition(FuzzedDataProvider& input, int depth) {
    const int choice = input.ConsumeIntegralInRange<int>(0, depth >= 8 ? 10 : 14);
    switch (choice) {
        case 0: return item.id == input.ConsumeIntegral<std::int64_t>();
        case 1: return item.quantity < input.ConsumeIntegral<int>();
        case 2: return item.name == input.ConsumeRandomLengthString(16);
        case 3: return item.name.like(input.ConsumeRandomLengthString(16));
        case 4: return item.name.contains(input.ConsumeRandomLengthString(16));
        case 5: return item.name.starts_with(input.ConsumeRandomLengthString(16));
        case 6: return item.price.is_null();
        case 7: return item.price >= input.ConsumeFloatingPoint<double>();
        case 8: return item.active == input.ConsumeBool();
        case 9: {
            std::vector<std::int64_t> values(input.ConsumeIntegralInRange<std::size_t>(0, 40));
            for (auto& v : values) v = input.ConsumeIntegral<std::int64_t>();
            return input.ConsumeBool() ? item.id.in(values) : item.id.not_in(values);
        }
        case 10: return item.quantity.between(input.ConsumeIntegral<int>(), input.ConsumeIntegral<int>());
        case 11: return random_condition(input, depth + 1) && random_condition(input, depth + 1);
        case 12: return random_condition(input, depth + 1) || random_condition(input, depth + 1);
        case 13: return !random_condition(input, depth + 1);
        default: return item.id.in(relata::select(tag.item_id).where(tag.label == input.ConsumeRandomLengthString(8)));
    }
}

// The `?` outside quotes (SQLite rendering) and the `$n` (PostgreSQL rendering).
std::size_t question_marks(const std::string& sql) {
    std::size_t count = 0;
    char quote = 0;
    for (const char c : sql) {
        if (quote != 0) {
            if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '?') {
            ++count;
        }
    }
    return count;
}

std::set<std::size_t> dollar_numbers(const std::string& sql, std::size_t& occurrences) {
    std::set<std::size_t> numbers;
    char quote = 0;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        const char c = sql[i];
        if (quote != 0) {
            if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '$' && i + 1 < sql.size() && sql[i + 1] >= '1' && sql[i + 1] <= '9') {
            std::size_t n = 0;
            while (i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') n = n * 10 + static_cast<std::size_t>(sql[++i] - '0');
            numbers.insert(n);
            ++occurrences;
        }
    }
    return numbers;
}

void check(bool ok) {
    if (!ok) std::abort();
}

template <class Query>
void check_renderings(const Query& query, sqlite3* db) {
    const relata::rendered_query sqlite = relata::to_sql(query, relata::sqlite_dialect);
    check(question_marks(sqlite.sql) == sqlite.parameters.size());
    sqlite3_stmt* statement = nullptr;
    const int rc = sqlite3_prepare_v2(db, sqlite.sql.c_str(), static_cast<int>(sqlite.sql.size()), &statement, nullptr);
    if (rc != SQLITE_OK) {
        std::fprintf(stderr, "SQLite rejected: %s\n%s\n", sqlite3_errmsg(db), sqlite.sql.c_str());
        std::abort();
    }
    check(static_cast<std::size_t>(sqlite3_bind_parameter_count(statement)) <= sqlite.parameters.size());
    sqlite3_finalize(statement);

    const relata::rendered_query postgres = relata::to_sql(query, relata::postgres_dialect);
    std::size_t occurrences = 0;
    const std::set<std::size_t> numbers = dollar_numbers(postgres.sql, occurrences);
    check(occurrences == postgres.parameters.size());
    check(numbers.size() == postgres.parameters.size());
    check(numbers.empty() || (*numbers.begin() == 1 && *numbers.rbegin() == numbers.size()));
}

}  // namespace fuzz_queries

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace fuzz_queries;
    static sqlite3* db = [] {
        static relata::sqlite::connection connection = relata::sqlite::connect(":memory:");
        relata::create_all<Item, Tag>(connection);
        return connection.native_handle();
    }();
    FuzzedDataProvider input(data, size);
    try {
        auto query = relata::select<Item>().where(random_condition(input, 0));
        switch (input.ConsumeIntegralInRange<int>(0, 3)) {
            case 0: check_renderings(query, db); break;
            case 1:
                check_renderings(query.order_by(item.name).limit(input.ConsumeIntegral<std::int64_t>()), db);
                break;
            case 2:
                check_renderings(query.order_by(item.price.desc()).limit(input.ConsumeIntegralInRange<std::int64_t>(0, 100))
                                     .offset(input.ConsumeIntegralInRange<std::int64_t>(0, 100)),
                                 db);
                break;
            default:
                check_renderings(relata::select(item.name, tag.label)
                                     .from<Item>()
                                     .join<Tag>(tag.item_id == item.id)
                                     .where(random_condition(input, 0)),
                                 db);
                break;
        }
    } catch (const relata::error&) {  // refused input (e.g. a LIKE pattern ending in its escape)
    }
    return 0;
}
