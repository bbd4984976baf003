// relata::insert_all on both engines: every mapped column type round-trips (NULLs too), one
// row and 100,000 rows, and a failing batch — a constraint violation, a throwing conversion —
// inserts nothing and leaves the connection usable. PostgreSQL sends batches with
// COPY ... FROM STDIN (FORMAT binary), SQLite with multi-row INSERTs.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "backends.hpp"

namespace bulk_models {

struct Sample {
    std::int64_t id = 0;
    std::int16_t small = 0;
    std::int32_t medium = 0;
    std::int64_t big = 0;
    float single = 0;
    double real = 0;
    bool flag = false;
    std::string text;
    std::optional<std::string> maybe_text;
    relata::blob bytes;
    std::chrono::sys_time<std::chrono::microseconds> at{};
    std::chrono::sys_days day{};
    relata::uuid key;
    relata::numeric amount;
    std::optional<relata::numeric> maybe_amount;
    relata::json document{"{}"};
    std::optional<std::int64_t> maybe_big;
    std::optional<double> maybe_real;
    std::optional<bool> maybe_flag;
    std::optional<std::chrono::sys_days> maybe_day;
    friend bool operator==(const Sample&, const Sample&) = default;
};
RELATA_MODEL(Sample, id, small, medium, big, single, real, flag, text, maybe_text, bytes, at, day, key, amount,
             maybe_amount, document, maybe_big, maybe_real, maybe_flag, maybe_day)

struct Worker {
    std::int64_t id = 0;
    std::string name;
    std::optional<std::string> email;
    int age = 0;
};
RELATA_MODEL(Worker, id, name, email, age)

/// A member whose conversion throws for the value 13.
struct picky {
    int value = 0;
};

struct Careful {
    std::int64_t id = 0;
    picky number;
};
RELATA_MODEL(Careful, id, number)

struct Tagged {
    std::int64_t id = 0;
    std::vector<std::int32_t> numbers;
};
RELATA_MODEL(Tagged, id, numbers)

constexpr auto s = relata::columns<Sample>;
constexpr auto w = relata::columns<Worker>;
constexpr auto t = relata::columns<Tagged>;

}  // namespace bulk_models

template <>
struct relata::value_traits<bulk_models::picky> {
    using storage_type = std::int64_t;
    static std::int64_t to_storage(const bulk_models::picky& p) {
        if (p.value == 13) throw std::runtime_error("13 is not stored");
        return p.value;
    }
    static bulk_models::picky from_storage(std::int64_t v) { return bulk_models::picky{static_cast<int>(v)}; }
};

using namespace bulk_models;

namespace {

relata::blob bytes_of(std::initializer_list<int> values) {
    relata::blob b;
    for (const int v : values) b.push_back(static_cast<std::byte>(v));
    return b;
}

std::vector<Sample> samples() {
    using namespace std::chrono;
    Sample full;
    full.small = -32768;
    full.medium = 2'147'483'647;
    full.big = std::numeric_limits<std::int64_t>::min();
    full.single = 1.5f;
    full.real = -0.1;
    full.flag = true;
    full.text = "tab\there, newline\nthere, quote ' \" and back\\slash, ünïcødé";
    full.maybe_text = "";
    full.bytes = bytes_of({0, 1, 0xff, 0x7f, 0});
    full.at = sys_days{year{1969} / 7 / 20} + hours{20} + minutes{17} + microseconds{123'456};
    full.day = sys_days{year{1900} / 2 / 28};
    full.key = relata::uuid::parse("123e4567-e89b-12d3-a456-426614174000");
    full.amount = relata::numeric("-12345678901234567890.00012300");
    full.maybe_amount = relata::numeric("0.0001");
    full.document = relata::json{R"({"n": 1, "tags": ["a", "b"]})"};  // as jsonb spells it
    full.maybe_big = std::numeric_limits<std::int64_t>::max();
    full.maybe_real = 1e300;
    full.maybe_flag = false;
    full.maybe_day = sys_days{year{2038} / 1 / 19};

    Sample nulls;  // every optional empty, the rest zero or empty
    nulls.key = relata::uuid::parse("00000000-0000-0000-0000-000000000000");
    nulls.amount = relata::numeric("0");

    Sample numbers;
    numbers.amount = relata::numeric("10000");
    numbers.maybe_amount = relata::numeric("99999999.9999");
    numbers.key = relata::uuid::parse("ffffffff-ffff-ffff-ffff-ffffffffffff");
    numbers.at = sys_days{year{2262} / 1 / 1} + microseconds{1};
    numbers.real = std::numeric_limits<double>::denorm_min();
    numbers.single = -std::numeric_limits<float>::max();
    numbers.text = std::string(10'000, 'x');
    numbers.bytes = relata::blob(100'000, std::byte{0xab});
    return {full, nulls, numbers};
}

}  // namespace

RELATA_BACKEND_TEST("insert_all: every column type round-trips, NULLs too", "[insert_all][bulk]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Sample>(db);
    // 40 rows: a batch of 32 or more takes PostgreSQL's COPY path, a smaller one INSERT.
    for (const std::size_t count : {std::size_t{40}, std::size_t{3}}) {
        db.execute_script(R"(DELETE FROM "sample")");
        std::vector<Sample> rows;
        for (std::size_t i = 0; i < count; ++i) rows.push_back(samples()[i % 3]);
        std::vector<Sample> with_keys = rows;
        for (std::size_t i = 0; i < count; ++i) with_keys[i].id = static_cast<std::int64_t>(1'000 + i);
        CHECK(relata::insert_all(db, with_keys) == static_cast<std::int64_t>(count));
        CHECK(relata::all(db, relata::select<Sample>().order_by(s.id)) == with_keys);
        db.execute_script(R"(DELETE FROM "sample")");
        CHECK(relata::insert_all(db, rows) == static_cast<std::int64_t>(count));  // generated keys
        const std::vector<Sample> read = relata::all(db, relata::select<Sample>().order_by(s.id));
        REQUIRE(read.size() == count);
        for (std::size_t i = 0; i < count; ++i) {
            rows[i].id = read[i].id;
            CHECK(read[i] == rows[i]);
            if (i > 0) CHECK(read[i].id == read[i - 1].id + 1);  // generated in insertion order
        }
    }
}

RELATA_BACKEND_TEST("insert_all: one row and 100,000 rows, keys generated in order", "[insert_all][bulk]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Worker>(db);
    CHECK(relata::insert_all(db, std::vector<Worker>{{0, "only", std::nullopt, 7}}) == 1);
    const auto one = relata::all(db, relata::select<Worker>());
    REQUIRE(one.size() == 1);
    CHECK(one[0].id == 1);
    CHECK(one[0].name == "only");
    CHECK_FALSE(one[0].email.has_value());
    CHECK(one[0].age == 7);

    std::vector<Worker> many;
    many.reserve(100'000);
    for (int i = 0; i < 100'000; ++i)
        many.push_back(Worker{0, fmt::format("worker {}", i), i % 3 ? std::optional<std::string>(fmt::format("w{}@example.com", i)) : std::nullopt, i % 90});
    std::vector<std::string> sql;
    db.on_sql([&](std::string_view s) { sql.emplace_back(s); });
    CHECK(relata::insert_all(db, many) == 100'000);
    db.on_sql({});
    if (relata_test::engine == relata::engine::postgresql) {
        REQUIRE(sql.size() == 3);
        CHECK(sql[1] == R"(COPY "worker" ("name", "email", "age") FROM STDIN (FORMAT binary))");
    } else {
        CHECK(sql[1].starts_with(R"(INSERT INTO "worker" ("name", "email", "age") VALUES)"));
    }
    CHECK(relata::count(db, relata::select<Worker>()) == 100'001);
    const Worker last = relata::one(db, relata::select<Worker>().where(w.id == 100'001));
    CHECK(last.name == "worker 99999");
    CHECK_FALSE(last.email.has_value());  // 99,999 is a multiple of 3
    CHECK(relata::one(db, relata::select<Worker>().where(w.id == 100'000)).email == "w99998@example.com");
    CHECK(last.age == 99'999 % 90);
    CHECK(relata::one(db, relata::select<Worker>().where(w.id == 2)).email == std::nullopt);
    CHECK(relata::count(db, relata::select<Worker>().where(w.email.is_null())) == 33'335);  // and "only"

    // Read back whole, at size, as written; on PostgreSQL into a vector sized once (libpq
    // counts the result's rows before the first is read), and by a Session alike.
    const auto everyone = relata::all(db, relata::select<Worker>().order_by(w.id));
    REQUIRE(everyone.size() == 100'001);
    if (relata_test::engine == relata::engine::postgresql) CHECK(everyone.capacity() == 100'001);
    std::size_t differing = 0;
    for (std::size_t i = 1; i < everyone.size(); ++i) {
        const Worker& worker = everyone[i];
        const int n = static_cast<int>(i) - 1;  // the index in `many`
        const std::optional<std::string> email =
            n % 3 ? std::optional<std::string>(fmt::format("w{}@example.com", n)) : std::nullopt;
        if (worker.id != static_cast<std::int64_t>(i) + 1 || worker.name != fmt::format("worker {}", n) ||
            worker.email != email || worker.age != n % 90)
            ++differing;
    }
    CHECK(differing == 0);
    relata::session session{db};
    const auto tracked = session.all(relata::select<Worker>().order_by(w.id));
    REQUIRE(tracked.size() == 100'001);
    CHECK(tracked[100'000].name == "worker 99999");
    CHECK(&session.get<Worker>(50'000) == &tracked[49'999]);  // the identity map holds what all() read
}

RELATA_BACKEND_TEST("insert_all: a failing batch inserts nothing and names the statement", "[insert_all][bulk]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Worker>(db);
    std::vector<Worker> batch;
    for (int i = 1; i <= 50'000; ++i) batch.push_back(Worker{i, "w", std::nullopt, 1});
    batch[49'999].id = 25'000;  // a duplicate key in the last row
    try {
        relata::insert_all(db, batch);
        FAIL("no error");
    } catch (const relata::constraint_violation& e) {
        CHECK(e.kind() == relata::constraint_kind::unique);
        if (relata_test::engine == relata::engine::postgresql) {
            CHECK(e.sqlstate() == "23505");
            CHECK(e.sql().starts_with(R"(COPY "worker")"));
        } else {
            CHECK(e.sql().starts_with(R"(INSERT INTO "worker")"));
        }
    }
    CHECK(relata::count(db, relata::select<Worker>()) == 0);
    CHECK_FALSE(db.in_transaction());

    // NOT NULL: a table stricter than the model.
    db.execute_script(R"(DROP TABLE "worker"; CREATE TABLE "worker" (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, age INTEGER NOT NULL))");
    for (Worker& worker : batch) worker.email = "e";
    batch[49'999].id = 50'000;
    batch[30'000].email.reset();
    REQUIRE_THROWS_AS(relata::insert_all(db, batch), relata::constraint_violation);
    CHECK(relata::count(db, relata::select<Worker>()) == 0);

    // Inside an open transaction: the batch's savepoint is rolled back, the transaction goes on.
    db.begin();
    CHECK(relata::insert_all(db, std::vector<Worker>{{100'000, "kept", "k", 1}}) == 1);
    try {
        relata::insert_all(db, batch);
        FAIL("no error");
    } catch (const relata::constraint_violation& e) {
        CHECK(e.kind() == relata::constraint_kind::not_null);
        if (relata_test::engine == relata::engine::postgresql) CHECK(e.sqlstate() == "23502");
    }
    CHECK(db.in_transaction());
    CHECK_FALSE(db.transaction_aborted());
    batch[30'000].email = "e";
    CHECK(relata::insert_all(db, batch) == 50'000);
    db.commit();
    CHECK(relata::count(db, relata::select<Worker>()) == 50'001);
}

RELATA_BACKEND_TEST("insert_all: a conversion that throws mid-batch inserts nothing", "[insert_all][bulk]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Careful>(db);
    std::vector<Careful> batch;
    for (int i = 0; i < 10'000; ++i) batch.push_back(Careful{0, picky{i % 12}});
    batch[5'000].number.value = 13;
    REQUIRE_THROWS_WITH(relata::insert_all(db, batch), "13 is not stored");
    CHECK(relata::count(db, relata::select<Careful>()) == 0);
    CHECK_FALSE(db.in_transaction());
    batch[5'000].number.value = 1;
    CHECK(relata::insert_all(db, batch) == 10'000);
    std::int64_t expected = 0;
    for (const Careful& careful : batch) expected += careful.number.value;
    std::int64_t stored = 0;
    for (const Careful& careful : relata::all(db, relata::select<Careful>())) stored += careful.number.value;
    CHECK(stored == expected);
}

RELATA_BACKEND_TEST("insert_all: array columns", "[insert_all][bulk]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Tagged>(db);
    CHECK(relata::insert_all(db, std::vector<Tagged>{{0, {1, 2, 3}}, {0, {}}, {0, {-1}}}) == 3);
    const auto read = relata::all(db, relata::select<Tagged>().order_by(t.id));
    REQUIRE(read.size() == 3);
    CHECK(read[0].numbers == std::vector<std::int32_t>{1, 2, 3});
    CHECK(read[1].numbers.empty());
    CHECK(read[2].id == 3);
    CHECK(read[2].numbers == std::vector<std::int32_t>{-1});
}
