// Hostile values (issue 9, item 8): a corpus of quotes, backslashes, injection strings, LIKE
// wildcards, Unicode, NUL bytes, invalid UTF-8, 16 MiB strings and blobs, integer extremes,
// NaN and infinities, and dates at the ends of the range. Each case is written through a
// Session, through db.execute with parameters and through relata::insert_all, and read back
// through a Session, relata::all and a hand-written query, byte for byte. A value an engine
// cannot store raises a relata error and writes nothing. After every case the table still
// exists and the rows that were there before are unchanged (count and checksum).
#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "backends.hpp"

namespace hostile_models {

struct Item {
    std::int64_t id = 0;
    std::string text;
    relata::blob bytes;
    std::int64_t number = 0;
    double real = 0;
    std::chrono::sys_time<std::chrono::microseconds> at{};
    std::chrono::sys_days day{};
};
RELATA_MODEL(Item, id, text, bytes, number, real, at, day)

/// A table and columns named with SQL reserved words.
struct Order {
    std::int64_t id = 0;
    std::string select;
    std::string from;
    std::int64_t group = 0;
    std::optional<std::string> order;
};
RELATA_MODEL(Order, id, select, from, group, order)

/// One double read by hand-written SQL.
struct Reading {
    double real = 0;
};
RELATA_MODEL(Reading, real)

}  // namespace hostile_models

template <>
struct relata::mapping<hostile_models::Order> {
    static constexpr auto table = "order";
    static constexpr auto unique = std::tuple{relata::unique(&hostile_models::Order::select)};
    static constexpr auto indexes = std::tuple{relata::index(&hostile_models::Order::group, &hostile_models::Order::from)};
};

namespace {

using hostile_models::Item;
using hostile_models::Order;
constexpr auto item = relata::columns<Item>;

using namespace std::chrono_literals;
using micros_time = std::chrono::sys_time<std::chrono::microseconds>;

const std::string select_items = R"(SELECT "id", "text", "bytes", "number", "real", "at", "day" FROM "item")";
const std::string insert_item =
    R"(INSERT INTO "item" ("id", "text", "bytes", "number", "real", "at", "day") VALUES (?, ?, ?, ?, ?, ?, ?))";

bool same_double(double a, double b) {
    return (std::isnan(a) && std::isnan(b)) || std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

/// Every member but the key, byte for byte (NaN equals NaN; -0.0 differs from 0.0).
bool same_value(const Item& a, const Item& b) {
    return a.text == b.text && a.bytes == b.bytes && a.number == b.number && same_double(a.real, b.real) &&
           a.at == b.at && a.day == b.day;
}

std::string describe(const Item& v) {
    const std::string shown = v.text.size() > 40 ? fmt::format("{} bytes", v.text.size()) : fmt::format("{:?}", v.text);
    return fmt::format("text {} ({} bytes), blob {} bytes, number {}, real {}, at {}, day {}", shown, v.text.size(),
                       v.bytes.size(), v.number, v.real, v.at.time_since_epoch().count(),
                       v.day.time_since_epoch().count());
}

/// FNV-1a over the rows' bytes.
std::uint64_t checksum(const std::vector<Item>& rows) {
    std::uint64_t hash = 14695981039346656037ULL;
    const auto add = [&](const void* data, std::size_t size) {
        const auto* bytes = static_cast<const unsigned char*>(data);
        for (std::size_t i = 0; i < size; ++i) hash = (hash ^ bytes[i]) * 1099511628211ULL;
    };
    for (const Item& row : rows) {
        const auto at = row.at.time_since_epoch().count();
        const auto day = row.day.time_since_epoch().count();
        add(&row.id, sizeof row.id);
        add(row.text.data(), row.text.size());
        add(row.bytes.data(), row.bytes.size());
        add(&row.number, sizeof row.number);
        add(&row.real, sizeof row.real);
        add(&at, sizeof at);
        add(&day, sizeof day);
    }
    return hash;
}

relata::blob bytes_of(std::string_view text) {
    relata::blob out(text.size());
    std::transform(text.begin(), text.end(), out.begin(), [](char c) { return static_cast<std::byte>(c); });
    return out;
}

Item text_item(std::string text) {
    Item v;
    v.text = std::move(text);
    v.bytes = bytes_of(v.text);  // the same bytes as a blob too
    return v;
}

/// Texts every engine stores: quotes, backslashes, injection attempts, LIKE wildcards, placeholders, Unicode.
std::vector<std::string> portable_texts() {
    return {"",
            "'",
            "''",
            "\"",
            "\\",
            "\\'",
            "\\\\",
            "it's",
            "say \"hi\"",
            "'; DROP TABLE \"item\"; --",
            "\"; DROP TABLE item; --",
            "x' OR '1'='1",
            "Robert'); DELETE FROM \"item\" WHERE ('1'='1",
            "1; SELECT pg_sleep(10)",
            "$1",
            "?",
            "?1 :name @name $name",
            "/* comment",
            "-- comment",
            "%",
            "_",
            "%%",
            "__",
            "50%",
            "50%_off\\",
            "a_b",
            "axb",
            "a\\b",
            "a\\%b",
            "a\\_b",
            "\\%",
            "\\_",
            "%_\\",
            "100% sure",
            "e\u0301",                          // e + combining acute accent
            "\u00e9",                           // precomposed é
            "\U0001F469\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466",  // family emoji (ZWJ sequence)
            "\U0001F600",                       // emoji outside the BMP
            "\u05E9\u05DC\u05D5\u05DD \u05E2\u05D5\u05DC\u05DD",  // Hebrew, right-to-left
            "\u0645\u0631\u062D\u0628\u0627",                     // Arabic
            "abc\u202Egpj.exe",                 // right-to-left override
            "\uFEFFbom",                        // byte order mark
            "\u200B",                           // zero-width space
            "line\nbreak\r\n\ttab",
            "\x01\x02\x1F\x7F controls",
            "\u4E2D\u6587 \uD55C\uAD6D\uC5B4 \u65E5\u672C\u8A9E"};
}

/// What one case expects of an engine: stored, or refused with an error of type E.
enum class outcome { stored, refused };

struct hostile_run {
    relata_test::connection& db;
    std::vector<Item> bystanders;
    std::uint64_t bystander_sum = 0;
    std::int64_t last_bystander_id = 0;
    std::int64_t next_id = 1'000'000'000;  // keys for hand-written inserts, far above generated ones
    int cases = 0;
    std::int64_t rows_lost = 0;

    explicit hostile_run(relata_test::connection& connection) : db(connection) {
        relata::create_all<Item, Order>(db);
        relata::session session{db};
        for (int i = 0; i < 3; ++i) {
            Item& row = session.add(text_item(fmt::format("bystander {}", i)));
            row.number = i;
            row.real = i + 0.5;
            row.at = micros_time{std::chrono::sys_days{2024y / 1 / 1} + std::chrono::hours{i}};
            row.day = std::chrono::sys_days{2024y / 2 / 1};
        }
        session.add(Order{.select = "s", .from = "f", .group = 1, .order = "o"});
        session.commit();
        bystanders = relata::all(db, relata::select<Item>().order_by(item.id));
        REQUIRE(bystanders.size() == 3);
        bystander_sum = checksum(bystanders);
        last_bystander_id = bystanders.back().id;
    }

    /// The rows written by the case, read three ways, each compared with `expected`.
    void check_read_back(const Item& expected, std::int64_t id) {
        INFO("row " << id << ": " << describe(expected));
        relata::session session{db};
        CHECK(same_value(session.get<Item>(id), expected));
        const auto typed = relata::all(db, relata::select<Item>().where(item.id == id));
        REQUIRE(typed.size() == 1);
        CHECK(same_value(typed[0], expected));
        const auto by_hand = db.query<Item>(select_items + R"( WHERE "id" = ?)", id);
        REQUIRE(by_hand.size() == 1);
        CHECK(same_value(by_hand[0], expected));
    }

    /// Removes the case's rows; checks the table exists, its earlier rows are unchanged and
    /// `written` rows were added by the case.
    void check_intact(std::int64_t written) {
        CHECK_FALSE(db.in_transaction());
        CHECK(db.execute(R"(DELETE FROM "item" WHERE "id" > ?)", last_bystander_id) == written);
        const auto rows = relata::all(db, relata::select<Item>().order_by(item.id));
        rows_lost += static_cast<std::int64_t>(bystanders.size()) - static_cast<std::int64_t>(rows.size());
        CHECK(rows.size() == bystanders.size());
        CHECK(checksum(rows) == bystander_sum);
        CHECK(relata::count(db, relata::select<Order>()) == 1);
    }

    /// Writes `v` three ways and reads each row back three ways (as `v`, or as `reads_as` where
    /// the engine changes the value); or, when `expected` is refused, checks that each way
    /// throws `Error` whose message contains `reason` and writes nothing.
    template <class Error = relata::error>
    void run(const Item& v, outcome expected = outcome::stored, std::string_view reason = {},
             const std::optional<Item>& reads_as = std::nullopt) {
        ++cases;
        INFO("case " << cases << ": " << describe(v));
        const auto refused = [&](auto&& write) {
            try {
                write();
                FAIL_CHECK("stored a value the engine should refuse");
            } catch (const Error& e) {
                const std::string message = e.what();
                CHECK(message.starts_with("relata: "));
                CHECK(message.find(reason) != std::string::npos);
            }
        };
        if (expected == outcome::refused) {
            refused([&] {
                relata::session session{db};
                session.add(Item(v));
                session.commit();
            });
            refused([&] { db.execute(insert_item, next_id++, v.text, v.bytes, v.number, v.real, v.at, v.day); });
            refused([&] { relata::insert_all(db, std::vector<Item>{v}); });
            check_intact(0);
            return;
        }
        std::vector<std::int64_t> ids;
        {
            relata::session session{db};
            Item& added = session.add(Item(v));
            session.flush();
            ids.push_back(added.id);
            session.commit();
        }
        ids.push_back(next_id);
        CHECK(db.execute(insert_item, next_id++, v.text, v.bytes, v.number, v.real, v.at, v.day) == 1);
        Item keyed = v;
        keyed.id = next_id++;
        CHECK(relata::insert_all(db, std::vector<Item>{keyed}) == 1);
        ids.push_back(keyed.id);
        for (const std::int64_t id : ids) check_read_back(reads_as.value_or(v), id);
        check_intact(3);
    }

    void report() const {
        fmt::print("hostile values: {} cases tried on {}, rows lost {}\n", cases, RELATA_TEST_BACKEND_NAME, rows_lost);
        CHECK(rows_lost == 0);
    }
};

constexpr bool on_postgres = relata_test::engine == relata::engine::postgresql;

}  // namespace

RELATA_BACKEND_TEST("hostile values round-trip byte for byte or are refused before anything is written", "[hostile]") {
    relata_test::database test;
    hostile_run run(test.db);

    {  // quotes, backslashes, injection strings, wildcards, Unicode
        for (const std::string& text : portable_texts()) run.run(text_item(text));
    }
    {  // NUL bytes: SQLite keeps them, PostgreSQL text refuses them before sending
        for (const std::string& text : {std::string("a\0b", 3), std::string("\0", 1), std::string("end\0", 4),
                                       std::string("\0'; DROP TABLE \"item\"; --", 25)}) {
            Item v = text_item(text);
            if (on_postgres) {
                run.run<relata::mapping_error>(v, outcome::refused, "PostgreSQL text cannot contain NUL bytes");
                v.text = "no NUL in the text";  // a blob keeps NUL bytes on both engines
                run.run(v);
            } else {
                run.run(v);
            }
        }
    }
    {  // invalid UTF-8: SQLite keeps the bytes, PostgreSQL refuses them (SQLSTATE 22021)
        for (const std::string& text : {std::string("\xC3\x28"), std::string("\xFF\xFE"), std::string("\xED\xA0\x80"),
                                       std::string("\xC0\xAF"), std::string("ok \xE2\x82")}) {
            if (on_postgres) run.run<relata::database_error>(text_item(text), outcome::refused, "22021");
            else run.run(text_item(text));
        }
    }
    {  // 16 MiB text and 16 MiB blob
        std::string big(16u << 20, '\0');
        for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(' ' + i % 95);  // printable ASCII
        Item text;
        text.text = std::move(big);
        run.run(text);
        Item blob;
        blob.bytes.resize(16u << 20);
        for (std::size_t i = 0; i < blob.bytes.size(); ++i) blob.bytes[i] = static_cast<std::byte>(i * 7 % 256);
        run.run(blob);
    }
    {  // integer extremes
        for (const std::int64_t n : {std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max(),
                                     std::int64_t{0}, std::int64_t{-1}, std::int64_t{1} << 53, (std::int64_t{1} << 53) + 1}) {
            Item v;
            v.number = n;
            run.run(v);
        }
    }
    {  // NaN, infinities, signed zero and the double extremes
        for (const double d : {std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                               std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::max(),
                               std::numeric_limits<double>::lowest(), std::numeric_limits<double>::epsilon()}) {
            Item v;
            v.real = d;
            run.run(v);
        }
        // SQLite stores an integral REAL as an integer (datatype3, "REAL affinity"): -0.0 reads back as 0.0.
        Item negative_zero;
        negative_zero.real = -0.0;
        Item zero;
        if (on_postgres) run.run(negative_zero);
        else run.run(negative_zero, outcome::stored, {}, zero);
        CHECK(std::signbit(negative_zero.real));
        Item nan;
        nan.real = std::numeric_limits<double>::quiet_NaN();
        // SQLite would store NaN as NULL; relata refuses it rather than lose it.
        if (on_postgres) run.run(nan);
        else run.run<relata::mapping_error>(nan, outcome::refused, "SQLite cannot store NaN");
        // A NaN computed by SQLite is NULL; read into a double it is an error naming the member.
        const std::string computed = on_postgres ? R"(SELECT CAST('NaN' AS DOUBLE PRECISION) AS "real")"
                                                 : R"(SELECT 9e999 - 9e999 AS "real")";
        if (on_postgres) {
            const auto rows = test.db.query<hostile_models::Reading>(computed);
            REQUIRE(rows.size() == 1);
            CHECK(std::isnan(rows[0].real));
        } else {
            try {
                (void)test.db.query<hostile_models::Reading>(computed);
                FAIL("NULL was read into a double");
            } catch (const relata::mapping_error& e) {
                const std::string message = e.what();
                CHECK(message.find("real") != std::string::npos);
                CHECK(message.find("NULL") != std::string::npos);
            }
        }
    }
    {  // dates and timestamps at the ends of the range
        using std::chrono::sys_days;
        // Years 0000-9999 are the range both engines share (SQLite stores YYYY-MM-DD text).
        const std::vector<std::pair<micros_time, sys_days>> ends = {
            {micros_time{sys_days{std::chrono::year{0} / 1 / 1}}, sys_days{std::chrono::year{0} / 1 / 1}},
            {micros_time{sys_days{9999y / 12 / 31}} + 86'399'999'999us, sys_days{9999y / 12 / 31}},
            {micros_time{sys_days{1970y / 1 / 1}} - 1us, sys_days{1969y / 12 / 31}},
            {micros_time{sys_days{2000y / 2 / 29}} + 1us, sys_days{2000y / 2 / 29}},
        };
        for (const auto& [at, day] : ends) {
            Item v;
            v.at = at;
            v.day = day;
            run.run(v);
        }
        // Outside 0000-9999 SQLite could not read the text back: refused before writing.
        for (const sys_days day : {sys_days{std::chrono::year{10000} / 1 / 1}, sys_days{std::chrono::year{-1} / 12 / 31}}) {
            Item v;
            v.day = day;
            if (on_postgres) run.run(v);
            else run.run<relata::mapping_error>(v, outcome::refused, "0000-9999");
            Item t;
            t.at = micros_time{day};
            if (on_postgres) run.run(t);
            else run.run<relata::mapping_error>(t, outcome::refused, "0000-9999");
        }
        // The ends of the C++ types. PostgreSQL's timestamps reach 294276 AD, past int64
        // microseconds' 294247 AD, but start at 4713 BC, after them.
        for (const micros_time at : {micros_time::min(), micros_time::max()}) {
            Item v;
            v.at = at;
            if (on_postgres && at == micros_time::max()) run.run(v);
            else if (on_postgres) run.run<relata::mapping_error>(v, outcome::refused, "out of range for a PostgreSQL timestamp");
            else run.run<relata::mapping_error>(v, outcome::refused, "0000-9999");
        }
        for (const std::int64_t days : {std::int64_t{std::numeric_limits<std::int32_t>::max()} + 1,
                                        std::int64_t{std::numeric_limits<std::int32_t>::max()} - 20'000,
                                        std::int64_t{std::numeric_limits<std::int32_t>::min()}}) {
            Item v;
            v.day = sys_days{std::chrono::days{days}};
            if (on_postgres) run.run(v, outcome::refused, "out of range");  // relata or the server (22008)
            else run.run<relata::mapping_error>(v, outcome::refused, "0000-9999");
        }
    }
    run.report();
}

RELATA_BACKEND_TEST("a corpus of hostile texts written in one batch reads back unchanged", "[hostile][insert_all]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Item>(db);
    // 40 or more rows: PostgreSQL sends them with COPY, SQLite with multi-row INSERTs.
    std::vector<Item> rows;
    for (const std::string& text : portable_texts()) rows.push_back(text_item(text));
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i].id = static_cast<std::int64_t>(i + 1);
    REQUIRE(rows.size() >= 40);
    CHECK(relata::insert_all(db, rows) == static_cast<std::int64_t>(rows.size()));
    const auto read = relata::all(db, relata::select<Item>().order_by(item.id));
    REQUIRE(read.size() == rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) CHECK(same_value(read[i], rows[i]));

    // A NUL byte in the 35th row: PostgreSQL refuses it before COPY sends anything.
    std::vector<Item> more = rows;
    for (std::size_t i = 0; i < more.size(); ++i) more[i].id += 1'000;
    more[34].text = std::string("bad\0row", 7);
    if (on_postgres) {
        REQUIRE_THROWS_AS(relata::insert_all(db, more), relata::mapping_error);
        CHECK(relata::count(db, relata::select<Item>()) == static_cast<std::int64_t>(rows.size()));
        CHECK_FALSE(db.in_transaction());
    } else {
        CHECK(relata::insert_all(db, more) == static_cast<std::int64_t>(more.size()));
        CHECK(relata::one(db, relata::select<Item>().where(item.id == more[34].id)).text == more[34].text);
        db.execute(R"(DELETE FROM "item" WHERE "id" > ?)", static_cast<std::int64_t>(rows.size()));
    }
    const auto unchanged = [&] {
        const auto now = relata::all(db, relata::select<Item>().order_by(item.id));
        REQUIRE(now.size() == rows.size());
        for (std::size_t i = 0; i < rows.size(); ++i) CHECK(same_value(now[i], rows[i]));
        CHECK_FALSE(db.in_transaction());
    };

    // Invalid UTF-8 in the 35th row (SQLite keeps it) and NaN in the 36th (PostgreSQL keeps it):
    // each engine refuses the whole batch, or stores it.
    more[34].text = std::string("\xC3\x28");
    more[35].real = std::numeric_limits<double>::quiet_NaN();
    if (on_postgres) {
        try {
            relata::insert_all(db, more);
            FAIL("invalid UTF-8 was stored");
        } catch (const relata::database_error& e) {
            CHECK(e.sqlstate() == "22021");
        }
    } else {
        try {
            relata::insert_all(db, more);
            FAIL("NaN was stored");
        } catch (const relata::mapping_error& e) {
            CHECK(std::string(e.what()).find("NaN") != std::string::npos);
        }
    }
    unchanged();

    // A Session flushing three objects, the second one refused: none is written.
    {
        relata::session session{db};
        session.add(text_item("first"));
        Item bad = text_item("second");
        if (on_postgres) bad.text = std::string("nul\0", 4);
        else bad.real = std::numeric_limits<double>::quiet_NaN();
        session.add(std::move(bad));
        session.add(text_item("third"));
        REQUIRE_THROWS_AS(session.commit(), relata::mapping_error);
    }
    unchanged();
}

RELATA_BACKEND_TEST("like() patterns mean the same on both engines; contains, starts_with, ends_with match literally",
                    "[hostile][like]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Item>(db);
    const std::vector<std::string> texts = portable_texts();
    std::vector<Item> rows;
    for (std::size_t i = 0; i < texts.size(); ++i) {
        rows.push_back(text_item(texts[i]));
        rows.back().id = static_cast<std::int64_t>(i + 1);
    }
    relata::insert_all(db, rows);

    const auto ids = [&](const auto& condition) {
        auto found = relata::all(db, relata::select(item.id).where(condition));
        std::sort(found.begin(), found.end());
        return found;
    };
    const auto expected = [&](const std::function<bool(std::string_view)>& matches) {
        std::vector<std::int64_t> out;
        for (const Item& row : rows)
            if (matches(row.text)) out.push_back(row.id);
        return out;
    };
    int probes = 0;
    for (const std::string probe : {"%", "_", "\\", "%%", "50%", "a_b", "a\\b", "\\%", "\\_", "%_\\", "'", "''", "\"",
                                    "e\u0301", "\U0001F600", "\u202E", "\u05E9", "$1", "?", "--", ""}) {
        INFO("probe " << fmt::format("{:?}", probe));
        ++probes;
        CHECK(ids(item.text.contains(probe)) ==
              expected([&](std::string_view t) { return t.find(probe) != std::string_view::npos; }));
        CHECK(ids(item.text.starts_with(probe)) == expected([&](std::string_view t) { return t.starts_with(probe); }));
        CHECK(ids(item.text.ends_with(probe)) == expected([&](std::string_view t) { return t.ends_with(probe); }));
        CHECK(ids(item.text == probe) == expected([&](std::string_view t) { return t == probe; }));
        // escape_like with another escape character.
        CHECK(ids(item.text.like(relata::escape_like(probe, '!'), '!')) == expected([&](std::string_view t) { return t == probe; }));
    }
    CHECK(probes == 21);

    // In a plain like(), a backslash is an ordinary character on both engines (PostgreSQL would
    // otherwise take it as an escape): "a\b" matches only itself, "a\%b" only texts "a\" ... "b".
    CHECK(ids(item.text.like("a\\b")) == expected([](std::string_view t) { return t == "a\\b"; }));
    CHECK(ids(item.text.like("a\\%b")) ==
          expected([](std::string_view t) { return t.starts_with("a\\") && t.ends_with("b") && t.size() >= 3; }));
    CHECK(ids(item.text.like("%\\%")) == expected([](std::string_view t) { return t.find('\\') != std::string_view::npos; }));
    // Before ESCAPE '', PostgreSQL rejected this pattern (22025: it ends with the escape character).
    CHECK(ids(item.text.like("%\\")) == expected([](std::string_view t) { return t.ends_with('\\'); }));
    CHECK(ids(item.text.like("\\_")) == expected([](std::string_view t) { return t.size() == 2 && t[0] == '\\'; }));
    // % and _ stay wildcards in a plain like().
    CHECK(ids(item.text.like("a_b")) ==
          expected([](std::string_view t) { return t.size() == 3 && t[0] == 'a' && t[2] == 'b'; }));  // a_b, axb, a\b
    CHECK(ids(item.text.like("50%")).size() == 2);  // "50%" and "50%_off\"
    // Case follows the engine (documented on like()): SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
    CHECK(ids(item.text.contains("A_B")) == (on_postgres ? std::vector<std::int64_t>{}
                                                         : expected([](std::string_view t) { return t == "a_b"; })));
    // A hand-written LIKE through the connection: the escape character is the application's.
    CHECK(db.query<Item>(select_items + R"( WHERE "text" LIKE ? ESCAPE '!' ORDER BY "id")", relata::escape_like("50%", '!'))
              .size() == 1);
}

RELATA_BACKEND_TEST("tables and columns named with reserved words", "[hostile][quoting]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Order>(db);
    constexpr auto o = relata::columns<Order>;
    relata::session session{db};
    Order& first = session.add(Order{.select = "SELECT", .from = "FROM \"order\"", .group = 7, .order = "ORDER BY"});
    session.add(Order{.select = "'; DROP TABLE \"order\"; --", .from = "", .group = -7, .order = std::nullopt});
    session.commit();
    first.group = 8;
    session.commit();
    CHECK(relata::all(db, relata::select(o.select).where(o.group > 0 && o.from.contains("\"order\""))) ==
          std::vector<std::string>{"SELECT"});
    CHECK(db.execute(R"(INSERT INTO "order" ("select", "from", "group", "order") VALUES (?, ?, ?, ?))", "by hand", "x", 1,
                     "y") == 1);
    const auto rows = db.query<Order>(R"(SELECT "id", "select", "from", "group", "order" FROM "order" ORDER BY "group", "id")");
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].select == "'; DROP TABLE \"order\"; --");
    CHECK(rows[1].select == "by hand");
    CHECK(rows[2].group == 8);
    CHECK(relata::count(db, relata::select<Order>().where(o.order == std::nullopt)) == 1);
    // The UNIQUE constraint and the index on reserved-word columns exist and work.
    REQUIRE_THROWS_AS(db.execute(R"(INSERT INTO "order" ("select", "from", "group") VALUES (?, ?, ?))", "by hand", "z", 2),
                      relata::constraint_violation);
    CHECK(relata::count(db, relata::select<Order>()) == 3);
    relata::session other{db};
    other.remove(other.get<Order>(first.id));
    other.commit();
    CHECK(relata::count(db, relata::select<Order>()) == 2);
}
