// Golden SQL: every query shape, the DDL and the Session's statements, rendered for SQLite and
// PostgreSQL. The expected strings are written by hand from the SQL each engine needs.
#include <chrono>
#include <cstdint>
#include <numeric>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "catch.hpp"

#include <relata/relata.hpp>

namespace rendering_test {

struct Post {
    std::int64_t id = 0;
    std::int64_t author_id = 0;
    std::string title;
    int votes = 0;
    std::optional<std::string> subtitle;
};
RELATA_MODEL(Post, id, author_id, title, votes, subtitle)

enum class status : std::uint8_t { draft = 0, published = 1, archived = 2 };

struct money {
    std::int64_t cents = 0;
    bool operator==(const money&) const = default;
};

}  // namespace rendering_test

template <>
struct relata::value_traits<rendering_test::money> {
    using storage_type = std::int64_t;
    static std::int64_t to_storage(const rendering_test::money& m) { return m.cents; }
    static rendering_test::money from_storage(std::int64_t cents) { return rendering_test::money{cents}; }
};

namespace rendering_test {

// One member of every built-in type (and a user type), no primary key.
struct Sample {
    std::int8_t i8 = 0;
    std::uint8_t u8 = 0;
    std::int16_t i16 = 0;
    std::uint16_t u16 = 0;
    std::int32_t i32 = 0;
    std::uint32_t u32 = 0;
    std::int64_t i64 = 0;
    std::uint64_t u64 = 0;
    float f = 0;
    double d = 0;
    bool b = false;
    std::string s;
    relata::blob bytes;
    std::chrono::sys_seconds at{};
    std::chrono::sys_time<std::chrono::milliseconds> at_ms{};
    std::chrono::year_month_day day{};
    status state = status::draft;
    money price;
    std::optional<std::int32_t> maybe;
};
RELATA_MODEL(Sample, i8, u8, i16, u16, i32, u32, i64, u64, f, d, b, s, bytes, at, at_ms, day, state, price, maybe)

struct Author {
    std::int64_t id = 0;
    std::string name;
    std::optional<std::string> email;
};
RELATA_MODEL(Author, id, name, email)

struct Article {
    std::int64_t id = 0;
    std::int64_t author_id = 0;
    std::string slug;
    std::string title;
    int votes = 0;
    std::optional<double> score;
    bool draft = true;
    std::chrono::sys_seconds published_at{};
};
RELATA_MODEL(Article, id, author_id, slug, title, votes, score, draft, published_at)

struct Employee {
    std::int64_t id = 0;
    std::string name;
    std::optional<std::int64_t> reports_to;
};
RELATA_MODEL(Employee, id, name, reports_to)

// Reserved words as table and column names.
struct Order {
    std::int64_t id = 0;
    std::string order;
    int group = 0;
    std::optional<std::string> from;
};
RELATA_MODEL(Order, id, order, group, from)

// Table and column names containing a double quote.
struct Quoted {
    std::int64_t id = 0;
    std::string label;
};
RELATA_MODEL(Quoted, id, label)

struct InvoiceLine {
    std::int64_t invoice_line_id = 0;
    std::int64_t invoiceId = 0;
    double unit_price = 0;
};
RELATA_MODEL(InvoiceLine, invoice_line_id, invoiceId, unit_price)

struct Country {
    std::string code;
    std::string name;
};
RELATA_MODEL(Country, code, name)

struct Ticket {
    std::int64_t id = 0;
    std::string subject;
};
RELATA_MODEL(Ticket, id, subject)

struct Track {
    std::int32_t track_id = 0;
    std::string name;
};
RELATA_MODEL(Track, track_id, name)

// Nothing but a generated key.
struct Tag {
    std::int64_t id = 0;
};
RELATA_MODEL(Tag, id)

}  // namespace rendering_test

template <>
struct relata::mapping<rendering_test::Article> {
    static constexpr auto unique = std::tuple{
        relata::unique(&rendering_test::Article::slug),
        relata::unique(&rendering_test::Article::author_id, &rendering_test::Article::title)};
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&rendering_test::Article::author_id, &rendering_test::Author::id)};
    static constexpr auto indexes = std::tuple{
        relata::index(&rendering_test::Article::published_at),
        relata::index(&rendering_test::Article::author_id, &rendering_test::Article::votes)};
};

template <>
struct relata::mapping<rendering_test::Employee> {
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&rendering_test::Employee::reports_to, &rendering_test::Employee::id)};
};

template <>
struct relata::mapping<rendering_test::Quoted> {
    static constexpr auto table = "we\"ird";
    static constexpr auto column_names = std::tuple{relata::column_name(&rendering_test::Quoted::label, "la\"bel")};
};

template <>
struct relata::mapping<rendering_test::Country> {
    static constexpr auto table = "countries";
    static constexpr auto primary_key = &rendering_test::Country::code;
};

template <>
struct relata::mapping<rendering_test::Ticket> {
    static constexpr bool generated_key = false;
};

template <>
struct relata::mapping<rendering_test::InvoiceLine> {
    static constexpr auto primary_key = &rendering_test::InvoiceLine::invoice_line_id;
};

template <>
struct relata::mapping<rendering_test::Track> {
    static constexpr auto primary_key = &rendering_test::Track::track_id;
};

// Renders `query` with both dialects and checks the text (a macro so failures point here).
#define CHECK_SQL(query, sqlite_sql, postgres_sql)                                        \
    do {                                                                                  \
        CHECK(relata::to_sql((query), relata::sqlite_dialect).sql == (sqlite_sql));       \
        CHECK(relata::to_sql((query), relata::postgres_dialect).sql == (postgres_sql));   \
    } while (false)

namespace rendering_test {
namespace {

constexpr auto p = relata::columns<Post>;
const std::string select_post = R"(SELECT "id", "author_id", "title", "votes", "subtitle" FROM "post")";

// The parameters of a query; both dialects must bind the same values in the same order.
template <class Query>
std::vector<relata::value> parameters(const Query& query) {
    auto sqlite = relata::to_sql(query, relata::sqlite_dialect).parameters;
    auto postgres = relata::to_sql(query, relata::postgres_dialect).parameters;
    CHECK((sqlite == postgres));
    return sqlite;
}

}  // namespace

TEST_CASE("select all", "[rendering]") {
    CHECK_SQL(relata::select<Post>(), select_post, select_post);
    CHECK(parameters(relata::select<Post>()).empty());

    std::ostringstream printed;
    printed << relata::to_sql(relata::select<Author>(), relata::postgres_dialect);
    CHECK(printed.str() == R"(SELECT "id", "name", "email" FROM "author")");
}

TEST_CASE("comparison operators", "[rendering][where]") {
    SECTION("==") {
        const auto q = relata::select<Post>().where(p.votes == 10);
        CHECK_SQL(q, select_post + R"( WHERE "votes" = ?)", select_post + R"( WHERE "votes" = $1)");
        const auto values = parameters(q);
        REQUIRE(values.size() == 1);
        CHECK(std::get<std::int64_t>(values[0]) == 10);
    }
    SECTION("!=") {
        const auto q = relata::select<Post>().where(p.votes != 10);
        CHECK_SQL(q, select_post + R"( WHERE "votes" <> ?)", select_post + R"( WHERE "votes" <> $1)");
        CHECK(std::get<std::int64_t>(parameters(q).at(0)) == 10);
    }
    SECTION("<") {
        CHECK_SQL(relata::select<Post>().where(p.votes < 10), select_post + R"( WHERE "votes" < ?)",
                  select_post + R"( WHERE "votes" < $1)");
    }
    SECTION("<=") {
        CHECK_SQL(relata::select<Post>().where(p.votes <= 10), select_post + R"( WHERE "votes" <= ?)",
                  select_post + R"( WHERE "votes" <= $1)");
    }
    SECTION(">") {
        CHECK_SQL(relata::select<Post>().where(p.votes > 10), select_post + R"( WHERE "votes" > ?)",
                  select_post + R"( WHERE "votes" > $1)");
    }
    SECTION(">=") {
        CHECK_SQL(relata::select<Post>().where(p.votes >= 10), select_post + R"( WHERE "votes" >= ?)",
                  select_post + R"( WHERE "votes" >= $1)");
    }
    SECTION("text value") {
        const auto q = relata::select<Post>().where(p.title == "Hello");
        CHECK_SQL(q, select_post + R"( WHERE "title" = ?)", select_post + R"( WHERE "title" = $1)");
        CHECK(std::get<std::string>(parameters(q).at(0)) == "Hello");
        CHECK(std::get<std::string>(parameters(relata::select<Post>().where(p.title == std::string_view("sv"))).at(0)) ==
              "sv");
    }
}

TEST_CASE("value on the left mirrors the operator", "[rendering][where]") {
    const auto q = relata::select<Post>().where(10 < p.votes);
    CHECK_SQL(q, select_post + R"( WHERE "votes" > ?)", select_post + R"( WHERE "votes" > $1)");
    CHECK(std::get<std::int64_t>(parameters(q).at(0)) == 10);
    CHECK_SQL(relata::select<Post>().where(10 > p.votes), select_post + R"( WHERE "votes" < ?)",
              select_post + R"( WHERE "votes" < $1)");
    CHECK_SQL(relata::select<Post>().where(10 <= p.votes), select_post + R"( WHERE "votes" >= ?)",
              select_post + R"( WHERE "votes" >= $1)");
    CHECK_SQL(relata::select<Post>().where(10 >= p.votes), select_post + R"( WHERE "votes" <= ?)",
              select_post + R"( WHERE "votes" <= $1)");
    CHECK_SQL(relata::select<Post>().where(10 == p.votes), select_post + R"( WHERE "votes" = ?)",
              select_post + R"( WHERE "votes" = $1)");
    CHECK_SQL(relata::select<Post>().where(10 != p.votes), select_post + R"( WHERE "votes" <> ?)",
              select_post + R"( WHERE "votes" <> $1)");
}

TEST_CASE("&&, || and ! with their parentheses", "[rendering][where]") {
    const auto many = p.votes > 10;
    const auto few = p.votes < 2;
    const auto hello = p.title == "Hello";

    SECTION("and") {
        const auto q = relata::select<Post>().where(many && hello);
        CHECK_SQL(q, select_post + R"( WHERE "votes" > ? AND "title" = ?)",
                  select_post + R"( WHERE "votes" > $1 AND "title" = $2)");
        const auto values = parameters(q);
        REQUIRE(values.size() == 2);
        CHECK(std::get<std::int64_t>(values[0]) == 10);
        CHECK(std::get<std::string>(values[1]) == "Hello");
    }
    SECTION("or") {
        CHECK_SQL(relata::select<Post>().where(many || few), select_post + R"( WHERE "votes" > ? OR "votes" < ?)",
                  select_post + R"( WHERE "votes" > $1 OR "votes" < $2)");
    }
    SECTION("or inside and is parenthesized, on either side") {
        CHECK_SQL(relata::select<Post>().where((many || few) && hello),
                  select_post + R"( WHERE ("votes" > ? OR "votes" < ?) AND "title" = ?)",
                  select_post + R"( WHERE ("votes" > $1 OR "votes" < $2) AND "title" = $3)");
        CHECK_SQL(relata::select<Post>().where(hello && (many || few)),
                  select_post + R"( WHERE "title" = ? AND ("votes" > ? OR "votes" < ?))",
                  select_post + R"( WHERE "title" = $1 AND ("votes" > $2 OR "votes" < $3))");
        CHECK_SQL(relata::select<Post>().where((many || few) && (hello || p.title == "Bye")),
                  select_post + R"( WHERE ("votes" > ? OR "votes" < ?) AND ("title" = ? OR "title" = ?))",
                  select_post + R"( WHERE ("votes" > $1 OR "votes" < $2) AND ("title" = $3 OR "title" = $4))");
    }
    SECTION("and inside or needs no parentheses: AND binds tighter") {
        CHECK_SQL(relata::select<Post>().where(many || (few && hello)),
                  select_post + R"( WHERE "votes" > ? OR "votes" < ? AND "title" = ?)",
                  select_post + R"( WHERE "votes" > $1 OR "votes" < $2 AND "title" = $3)");
    }
    SECTION("chains of one operator") {
        CHECK_SQL(relata::select<Post>().where(many && hello && p.id > 1),
                  select_post + R"( WHERE "votes" > ? AND "title" = ? AND "id" > ?)",
                  select_post + R"( WHERE "votes" > $1 AND "title" = $2 AND "id" > $3)");
        CHECK_SQL(relata::select<Post>().where(many && (hello && p.id > 1)),
                  select_post + R"( WHERE "votes" > ? AND "title" = ? AND "id" > ?)",
                  select_post + R"( WHERE "votes" > $1 AND "title" = $2 AND "id" > $3)");
        CHECK_SQL(relata::select<Post>().where(many || few || hello),
                  select_post + R"( WHERE "votes" > ? OR "votes" < ? OR "title" = ?)",
                  select_post + R"( WHERE "votes" > $1 OR "votes" < $2 OR "title" = $3)");
    }
    SECTION("not") {
        CHECK_SQL(relata::select<Post>().where(!many), select_post + R"( WHERE NOT ("votes" > ?))",
                  select_post + R"( WHERE NOT ("votes" > $1))");
        CHECK_SQL(relata::select<Post>().where(!(many && hello)),
                  select_post + R"( WHERE NOT ("votes" > ? AND "title" = ?))",
                  select_post + R"( WHERE NOT ("votes" > $1 AND "title" = $2))");
        CHECK_SQL(relata::select<Post>().where(!(many || few)),
                  select_post + R"( WHERE NOT ("votes" > ? OR "votes" < ?))",
                  select_post + R"( WHERE NOT ("votes" > $1 OR "votes" < $2))");
        CHECK_SQL(relata::select<Post>().where(!many || hello),
                  select_post + R"( WHERE NOT ("votes" > ?) OR "title" = ?)",
                  select_post + R"( WHERE NOT ("votes" > $1) OR "title" = $2)");
        CHECK_SQL(relata::select<Post>().where(!!many), select_post + R"( WHERE NOT (NOT ("votes" > ?)))",
                  select_post + R"( WHERE NOT (NOT ("votes" > $1)))");
    }
    SECTION("where() twice ANDs the predicates") {
        CHECK_SQL(relata::select<Post>().where(many).where(hello),
                  select_post + R"( WHERE "votes" > ? AND "title" = ?)",
                  select_post + R"( WHERE "votes" > $1 AND "title" = $2)");
        CHECK_SQL(relata::select<Post>().where(hello).where(many || few),
                  select_post + R"( WHERE "title" = ? AND ("votes" > ? OR "votes" < ?))",
                  select_post + R"( WHERE "title" = $1 AND ("votes" > $2 OR "votes" < $3))");
    }
}

TEST_CASE("like", "[rendering][where]") {
    const auto q = relata::select<Post>().where(p.votes > 10 && p.title.like("C++%"));
    // PostgreSQL's LIKE would treat `\` as an escape character; ESCAPE '' makes it literal, as on SQLite.
    CHECK_SQL(q, select_post + R"( WHERE "votes" > ? AND "title" LIKE ?)",
              select_post + R"( WHERE "votes" > $1 AND "title" LIKE $2 ESCAPE '')");
    CHECK(std::get<std::string>(parameters(q).at(1)) == "C++%");
    // An optional text column takes LIKE too.
    CHECK_SQL(relata::select<Post>().where(p.subtitle.like("%x")), select_post + R"( WHERE "subtitle" LIKE ?)",
              select_post + R"( WHERE "subtitle" LIKE $1 ESCAPE '')");
    // NOT LIKE keeps its parentheses.
    CHECK_SQL(relata::select<Post>().where(!p.title.like("a%")), select_post + R"( WHERE NOT ("title" LIKE ?))",
              select_post + R"( WHERE NOT ("title" LIKE $1 ESCAPE ''))");
}

TEST_CASE("escape_like escapes %, _ and the escape character, nothing else", "[rendering][where][like]") {
    CHECK(relata::escape_like("") == "");
    CHECK(relata::escape_like("plain text") == "plain text");
    CHECK(relata::escape_like(R"(50%_off\)") == R"(50\%\_off\\)");
    CHECK(relata::escape_like("%%__") == R"(\%\%\_\_)");
    CHECK(relata::escape_like("a!b%", '!') == "a!!b!%");
    CHECK(relata::escape_like(R"(a\b)", '!') == R"(a\b)");  // `\` is ordinary with another escape character
    const std::string nul("a\0%", 3);
    CHECK(relata::escape_like(nul) == std::string("a\0\\%", 4));
    CHECK(relata::escape_like("caf\u00e9 \U0001F600") == "caf\u00e9 \U0001F600");
}

TEST_CASE("like with an escape character refuses what the engines would treat differently", "[rendering][where][like]") {
    // PostgreSQL rejects a pattern ending in its escape character (22025), SQLite matches nothing.
    CHECK_THROWS_AS(p.title.like("abc\\", '\\'), relata::error);
    CHECK_THROWS_WITH(p.title.like("100!", '!'), Catch::Matchers::Contains("ends with its escape character '!'"));
    CHECK_THROWS_AS(p.title.like("a%", '\0'), relata::error);
    CHECK_THROWS_AS(p.title.like("a%", '\xC3'), relata::error);
    // A paired escape at the end is an escaped escape character.
    CHECK_NOTHROW(p.title.like("abc\\\\", '\\'));
    CHECK_NOTHROW(p.title.like("!!!%", '!'));
    CHECK_THROWS_AS(p.title.like("!!!", '!'), relata::error);
    CHECK_NOTHROW(p.title.like(relata::escape_like("ends with \\"), '\\'));
    // A plain like() has no escape character: a trailing backslash is an ordinary character.
    CHECK_NOTHROW(p.title.like("abc\\"));
}

TEST_CASE("contains, starts_with and ends_with bind an escaped pattern", "[rendering][where][like]") {
    const auto contains = relata::select<Post>().where(p.title.contains("100%"));
    CHECK_SQL(contains, select_post + R"( WHERE "title" LIKE ? ESCAPE ?)", select_post + R"( WHERE "title" LIKE $1 ESCAPE $2)");
    REQUIRE(parameters(contains).size() == 2);
    CHECK(std::get<std::string>(parameters(contains).at(0)) == R"(%100\%%)");
    CHECK(std::get<std::string>(parameters(contains).at(1)) == R"(\)");
    const auto starts = relata::select<Post>().where(p.title.starts_with("a_b"));
    CHECK_SQL(starts, select_post + R"( WHERE "title" LIKE ? ESCAPE ?)", select_post + R"( WHERE "title" LIKE $1 ESCAPE $2)");
    CHECK(std::get<std::string>(parameters(starts).at(0)) == R"(a\_b%)");
    const auto ends = relata::select<Post>().where(p.subtitle.ends_with(R"(x\)"));
    CHECK_SQL(ends, select_post + R"( WHERE "subtitle" LIKE ? ESCAPE ?)", select_post + R"( WHERE "subtitle" LIKE $1 ESCAPE $2)");
    CHECK(std::get<std::string>(parameters(ends).at(0)) == R"(%x\\)");
    // The text never reaches the SQL: a quote is a parameter's byte like any other.
    const auto quote = relata::select<Post>().where(p.title.contains("'; DROP TABLE post; --"));
    CHECK_SQL(quote, select_post + R"( WHERE "title" LIKE ? ESCAPE ?)", select_post + R"( WHERE "title" LIKE $1 ESCAPE $2)");
}

TEST_CASE("in", "[rendering][where]") {
    SECTION("braced list") {
        const auto q = relata::select<Post>().where(p.id.in({1, 2, 3}));
        // Padded to four items by repeating the last value (few statement shapes).
        CHECK_SQL(q, select_post + R"( WHERE "id" IN (?, ?, ?, ?))", select_post + R"( WHERE "id" IN ($1, $2, $3, $4))");
        const auto values = parameters(q);
        REQUIRE(values.size() == 4);
        CHECK(std::get<std::int64_t>(values[0]) == 1);
        CHECK(std::get<std::int64_t>(values[1]) == 2);
        CHECK(std::get<std::int64_t>(values[2]) == 3);
        CHECK(std::get<std::int64_t>(values[3]) == 3);
    }
    SECTION("list lengths render as few shapes") {
        std::set<std::string> shapes;
        std::vector<std::int64_t> lengths(1'200);
        std::iota(lengths.begin(), lengths.end(), 1);
        for (std::int64_t length = 2'000; length <= 20'000; length += 1'000) lengths.push_back(length);
        for (const std::int64_t length : lengths) {
            std::vector<std::int64_t> ids(static_cast<std::size_t>(length));
            std::iota(ids.begin(), ids.end(), 1);
            const auto rendered = relata::to_sql(relata::select<Post>().where(p.id.not_in(ids)), relata::postgres_dialect);
            const std::size_t padded = rendered.parameters.size();
            CHECK(padded >= static_cast<std::size_t>(length));
            CHECK(std::get<std::int64_t>(rendered.parameters.back()) == length);
            if (length <= 16'384) CHECK(padded <= 2 * static_cast<std::size_t>(length));
            else CHECK(padded == static_cast<std::size_t>(length));
            shapes.insert(rendered.sql);
        }
        // Lengths 1..1,200 pad to 1, 2, 4, ..., 1,024 or 2,048 (12 shapes); 2,000 to 2,048 again;
        // 3,000..16,000 to 3,072..16,384 (14 more); 17,000..20,000 stay as they are (4 more).
        CHECK(shapes.size() == 12 + 14 + 4);
    }
    SECTION("vector of strings") {
        const std::vector<std::string> titles{"a", "b"};
        const auto q = relata::select<Post>().where(p.title.in(titles));
        CHECK_SQL(q, select_post + R"( WHERE "title" IN (?, ?))", select_post + R"( WHERE "title" IN ($1, $2))");
        CHECK(std::get<std::string>(parameters(q).at(1)) == "b");
    }
    SECTION("braced list of string literals") {
        CHECK_SQL(relata::select<Post>().where(p.title.in({"a", "b"})), select_post + R"( WHERE "title" IN (?, ?))",
                  select_post + R"( WHERE "title" IN ($1, $2))");
    }
    SECTION("numbering continues after the list") {
        CHECK_SQL(relata::select<Post>().where(p.id.in({1, 2}) && p.votes > 3).limit(5),
                  select_post + R"( WHERE "id" IN (?, ?) AND "votes" > ? LIMIT ?)",
                  select_post + R"( WHERE "id" IN ($1, $2) AND "votes" > $3 LIMIT $4)");
    }
    SECTION("empty list matches no row") {
        const auto q = relata::select<Post>().where(p.id.in(std::vector<std::int64_t>{}));
        CHECK_SQL(q, select_post + R"( WHERE 1 = 0)", select_post + R"( WHERE 1 = 0)");
        CHECK(parameters(q).empty());
        CHECK_SQL(relata::select<Post>().where(!p.id.in(std::vector<std::int64_t>{})),
                  select_post + R"( WHERE NOT (1 = 0))", select_post + R"( WHERE NOT (1 = 0))");
        CHECK_SQL(relata::select<Post>().where(p.votes > 1 && p.id.in(std::vector<int>{})),
                  select_post + R"( WHERE "votes" > ? AND 1 = 0)", select_post + R"( WHERE "votes" > $1 AND 1 = 0)");
    }
}

TEST_CASE("NULL tests", "[rendering][where]") {
    const std::string is_null = select_post + R"( WHERE "subtitle" IS NULL)";
    const std::string is_not_null = select_post + R"( WHERE "subtitle" IS NOT NULL)";
    SECTION("is_null / is_not_null") {
        CHECK_SQL(relata::select<Post>().where(p.subtitle.is_null()), is_null, is_null);
        CHECK_SQL(relata::select<Post>().where(p.subtitle.is_not_null()), is_not_null, is_not_null);
        CHECK(parameters(relata::select<Post>().where(p.subtitle.is_null())).empty());
    }
    SECTION("== std::nullopt") {
        CHECK_SQL(relata::select<Post>().where(p.subtitle == std::nullopt), is_null, is_null);
        CHECK_SQL(relata::select<Post>().where(p.subtitle != std::nullopt), is_not_null, is_not_null);
        CHECK_SQL(relata::select<Post>().where(std::nullopt == p.subtitle), is_null, is_null);
        CHECK(parameters(relata::select<Post>().where(p.subtitle == std::nullopt)).empty());
    }
    SECTION("an optional column compared with an empty std::optional") {
        const std::optional<std::string> none;
        CHECK_SQL(relata::select<Post>().where(p.subtitle == none), is_null, is_null);
        CHECK_SQL(relata::select<Post>().where(p.subtitle != none), is_not_null, is_not_null);
        CHECK(parameters(relata::select<Post>().where(p.subtitle == none)).empty());
    }
    SECTION("an optional column compared with a set std::optional") {
        const std::optional<std::string> some = "x";
        const auto q = relata::select<Post>().where(p.subtitle == some);
        CHECK_SQL(q, select_post + R"( WHERE "subtitle" = ?)", select_post + R"( WHERE "subtitle" = $1)");
        CHECK(std::get<std::string>(parameters(q).at(0)) == "x");
    }
    SECTION("a NULL test inside AND") {
        CHECK_SQL(relata::select<Post>().where(p.votes > 1 && p.subtitle == std::nullopt),
                  select_post + R"( WHERE "votes" > ? AND "subtitle" IS NULL)",
                  select_post + R"( WHERE "votes" > $1 AND "subtitle" IS NULL)");
    }
}

TEST_CASE("between", "[rendering][where]") {
    const auto q = relata::select<Post>().where(p.votes.between(1, 5));
    CHECK_SQL(q, select_post + R"( WHERE "votes" BETWEEN ? AND ?)", select_post + R"( WHERE "votes" BETWEEN $1 AND $2)");
    const auto values = parameters(q);
    REQUIRE(values.size() == 2);
    CHECK(std::get<std::int64_t>(values[0]) == 1);
    CHECK(std::get<std::int64_t>(values[1]) == 5);
    CHECK_SQL(relata::select<Post>().where(p.votes.between(1, 5) && p.title == "x"),
              select_post + R"( WHERE "votes" BETWEEN ? AND ? AND "title" = ?)",
              select_post + R"( WHERE "votes" BETWEEN $1 AND $2 AND "title" = $3)");
}

TEST_CASE("column compared with column", "[rendering][where]") {
    const auto q = relata::select<Post>().where(p.votes > p.author_id);
    CHECK_SQL(q, select_post + R"( WHERE "votes" > "author_id")", select_post + R"( WHERE "votes" > "author_id")");
    CHECK(parameters(q).empty());
    CHECK_SQL(relata::select<Post>().where(p.id == p.author_id && p.votes >= 3),
              select_post + R"( WHERE "id" = "author_id" AND "votes" >= ?)",
              select_post + R"( WHERE "id" = "author_id" AND "votes" >= $1)");
}

TEST_CASE("parameter values keep their types", "[rendering][where]") {
    using namespace std::chrono;
    constexpr auto s = relata::columns<Sample>;
    const auto first = [](const auto& condition) {
        return relata::to_sql(relata::select<Sample>().where(condition), relata::sqlite_dialect).parameters.at(0);
    };
    CHECK(std::get<bool>(first(s.b == true)) == true);
    CHECK(std::get<double>(first(s.d > 1.5)) == 1.5);
    CHECK(std::get<std::int64_t>(first(s.u8 == 200)) == 200);
    CHECK(std::get<std::int64_t>(first(s.state == status::archived)) == 2);
    CHECK(std::get<std::int64_t>(first(s.price == money{250})) == 250);
    const sys_seconds noon = sys_days{year{2024} / 3 / 1} + hours{12};
    CHECK(std::get<relata::timestamp>(first(s.at < noon)) == relata::timestamp{noon});
    const year_month_day day = year{2024} / 2 / 29;
    CHECK(std::get<relata::date>(first(s.day == day)) == sys_days{day});
    CHECK(std::get<std::string>(first(s.s != "x")) == "x");
}

TEST_CASE("order_by", "[rendering][order]") {
    SECTION("desc") {
        CHECK_SQL(relata::select<Post>().order_by(p.votes.desc()), select_post + R"( ORDER BY "votes" DESC)",
                  select_post + R"( ORDER BY "votes" DESC)");
    }
    SECTION("asc") {
        CHECK_SQL(relata::select<Post>().order_by(p.title.asc()), select_post + R"( ORDER BY "title" ASC)",
                  select_post + R"( ORDER BY "title" ASC)");
    }
    SECTION("a bare column sorts ascending") {
        CHECK_SQL(relata::select<Post>().order_by(p.title), select_post + R"( ORDER BY "title" ASC)",
                  select_post + R"( ORDER BY "title" ASC)");
    }
    SECTION("several items, in order, also over several calls") {
        CHECK_SQL(relata::select<Post>().order_by(p.votes.desc(), p.id),
                  select_post + R"( ORDER BY "votes" DESC, "id" ASC)", select_post + R"( ORDER BY "votes" DESC, "id" ASC)");
        CHECK_SQL(relata::select<Post>().order_by(p.votes.desc()).order_by(p.title.asc(), p.id.desc()),
                  select_post + R"( ORDER BY "votes" DESC, "title" ASC, "id" DESC)",
                  select_post + R"( ORDER BY "votes" DESC, "title" ASC, "id" DESC)");
    }
    SECTION("after WHERE") {
        CHECK_SQL(relata::select<Post>().where(p.votes > 10).order_by(p.votes.desc()),
                  select_post + R"( WHERE "votes" > ? ORDER BY "votes" DESC)",
                  select_post + R"( WHERE "votes" > $1 ORDER BY "votes" DESC)");
    }
}

TEST_CASE("limit and offset", "[rendering][limit]") {
    SECTION("limit") {
        const auto q = relata::select<Post>().limit(20);
        CHECK_SQL(q, select_post + R"( LIMIT ?)", select_post + R"( LIMIT $1)");
        CHECK(std::get<std::int64_t>(parameters(q).at(0)) == 20);
    }
    SECTION("limit and offset") {
        const auto q = relata::select<Post>().limit(20).offset(40);
        CHECK_SQL(q, select_post + R"( LIMIT ? OFFSET ?)", select_post + R"( LIMIT $1 OFFSET $2)");
        const auto values = parameters(q);
        REQUIRE(values.size() == 2);
        CHECK(std::get<std::int64_t>(values[0]) == 20);
        CHECK(std::get<std::int64_t>(values[1]) == 40);
        // The call order does not matter.
        CHECK_SQL(relata::select<Post>().offset(40).limit(20), select_post + R"( LIMIT ? OFFSET ?)",
                  select_post + R"( LIMIT $1 OFFSET $2)");
    }
    SECTION("offset alone: SQLite needs LIMIT -1") {
        const auto q = relata::select<Post>().offset(40);
        CHECK_SQL(q, select_post + R"( LIMIT -1 OFFSET ?)", select_post + R"( OFFSET $1)");
        const auto values = parameters(q);
        REQUIRE(values.size() == 1);
        CHECK(std::get<std::int64_t>(values[0]) == 40);
    }
    SECTION("first's LIMIT 1 and one's LIMIT 2 are relata's constants, written into the SQL") {
        // A user's limit is a parameter, as every value is; the outermost override relata::first
        // and relata::one set is not a user's value and costs no parameter to bind per call.
        const auto q = relata::select<Post>().where(p.votes > 10).limit(20).offset(40);
        for (const std::int64_t rows : {1, 2}) {
            const relata::rendered_query sqlite = relata::detail::render(q, relata::sqlite_dialect, nullptr, {.limit = rows});
            const relata::rendered_query postgres = relata::detail::render(q, relata::postgres_dialect, nullptr, {.limit = rows});
            CHECK(sqlite.sql == select_post + R"( WHERE "votes" > ? LIMIT )" + std::to_string(rows) + " OFFSET ?");
            CHECK(postgres.sql == select_post + R"( WHERE "votes" > $1 LIMIT )" + std::to_string(rows) + " OFFSET $2");
            REQUIRE(sqlite.parameters.size() == 2);
            CHECK(std::get<std::int64_t>(sqlite.parameters[0]) == 10);
            CHECK(std::get<std::int64_t>(sqlite.parameters[1]) == 40);
            CHECK(postgres.parameters == sqlite.parameters);
        }
        // The query's own limit stays a parameter in every other rendering.
        CHECK_SQL(q, select_post + R"( WHERE "votes" > ? LIMIT ? OFFSET ?)", select_post + R"( WHERE "votes" > $1 LIMIT $2 OFFSET $3)");
    }
    SECTION("a later limit() replaces the earlier one") {
        const auto q = relata::select<Post>().limit(20).limit(5);
        CHECK_SQL(q, select_post + R"( LIMIT ?)", select_post + R"( LIMIT $1)");
        CHECK(std::get<std::int64_t>(parameters(q).at(0)) == 5);
    }
    SECTION("everything together") {
        const auto q = relata::select<Post>()
                           .where(p.votes > 10 && p.title.like("C++%"))
                           .order_by(p.votes.desc())
                           .limit(20)
                           .offset(40);
        CHECK_SQL(q, select_post + R"( WHERE "votes" > ? AND "title" LIKE ? ORDER BY "votes" DESC LIMIT ? OFFSET ?)",
                  select_post + R"( WHERE "votes" > $1 AND "title" LIKE $2 ESCAPE '' ORDER BY "votes" DESC LIMIT $3 OFFSET $4)");
        const auto values = parameters(q);
        REQUIRE(values.size() == 4);
        CHECK(std::get<std::int64_t>(values[0]) == 10);
        CHECK(std::get<std::string>(values[1]) == "C++%");
        CHECK(std::get<std::int64_t>(values[2]) == 20);
        CHECK(std::get<std::int64_t>(values[3]) == 40);
    }
}

TEST_CASE("count", "[rendering][count]") {
    SECTION("whole table") {
        CHECK_SQL(relata::select<Post>().count(), R"(SELECT COUNT(*) FROM "post")", R"(SELECT COUNT(*) FROM "post")");
    }
    SECTION("with WHERE") {
        const auto q = relata::select<Post>().where(p.votes > 10).count();
        CHECK_SQL(q, R"(SELECT COUNT(*) FROM "post" WHERE "votes" > ?)",
                  R"(SELECT COUNT(*) FROM "post" WHERE "votes" > $1)");
        CHECK(std::get<std::int64_t>(parameters(q).at(0)) == 10);
    }
    SECTION("ORDER BY does not change a count and is left out") {
        CHECK_SQL(relata::select<Post>().where(p.votes > 10).order_by(p.votes.desc()).count(),
                  R"(SELECT COUNT(*) FROM "post" WHERE "votes" > ?)",
                  R"(SELECT COUNT(*) FROM "post" WHERE "votes" > $1)");
    }
    SECTION("with LIMIT: counts over a subquery") {
        const auto q = relata::select<Post>().where(p.votes > 10).order_by(p.votes.desc()).limit(5).count();
        CHECK_SQL(q,
                  R"(SELECT COUNT(*) FROM (SELECT 1 FROM "post" WHERE "votes" > ? ORDER BY "votes" DESC LIMIT ?) AS "counted")",
                  R"(SELECT COUNT(*) FROM (SELECT 1 FROM "post" WHERE "votes" > $1 ORDER BY "votes" DESC LIMIT $2) AS "counted")");
        const auto values = parameters(q);
        REQUIRE(values.size() == 2);
        CHECK(std::get<std::int64_t>(values[0]) == 10);
        CHECK(std::get<std::int64_t>(values[1]) == 5);
    }
    SECTION("with OFFSET only") {
        CHECK_SQL(relata::select<Post>().offset(3).count(),
                  R"(SELECT COUNT(*) FROM (SELECT 1 FROM "post" LIMIT -1 OFFSET ?) AS "counted")",
                  R"(SELECT COUNT(*) FROM (SELECT 1 FROM "post" OFFSET $1) AS "counted")");
    }
}

TEST_CASE("identifiers are always quoted", "[rendering][quoting]") {
    SECTION("reserved words") {
        constexpr auto o = relata::columns<Order>;
        const std::string expected_sqlite =
            R"(SELECT "id", "order", "group", "from" FROM "order" WHERE "group" > ? AND "from" IS NULL ORDER BY "order" ASC)";
        const std::string expected_postgres =
            R"(SELECT "id", "order", "group", "from" FROM "order" WHERE "group" > $1 AND "from" IS NULL ORDER BY "order" ASC)";
        CHECK_SQL(relata::select<Order>().where(o.group > 1 && o.from == std::nullopt).order_by(o.order),
                  expected_sqlite, expected_postgres);
    }
    SECTION("an embedded double quote is doubled") {
        constexpr auto q = relata::columns<Quoted>;
        CHECK_SQL(relata::select<Quoted>().where(q.label == "x"), R"(SELECT "id", "la""bel" FROM "we""ird" WHERE "la""bel" = ?)",
                  R"(SELECT "id", "la""bel" FROM "we""ird" WHERE "la""bel" = $1)");
    }
}

TEST_CASE("naming conventions come from the dialect", "[rendering][naming]") {
    constexpr auto l = relata::columns<InvoiceLine>;
    const auto q = relata::select<InvoiceLine>().where(l.invoiceId == 7).order_by(l.unit_price.desc());
    SECTION("standard") {
        CHECK(relata::to_sql(q, relata::sqlite_dialect).sql ==
              R"(SELECT "invoice_line_id", "invoiceId", "unit_price" FROM "invoice_line" WHERE "invoiceId" = ? ORDER BY "unit_price" DESC)");
    }
    SECTION("pascal_case") {
        CHECK(relata::to_sql(q, relata::sqlite_dialect.with_naming(relata::naming::pascal_case)).sql ==
              R"(SELECT "InvoiceLineId", "InvoiceId", "UnitPrice" FROM "InvoiceLine" WHERE "InvoiceId" = ? ORDER BY "UnitPrice" DESC)");
        CHECK(relata::to_sql(q, relata::postgres_dialect.with_naming(relata::naming::pascal_case)).sql ==
              R"(SELECT "InvoiceLineId", "InvoiceId", "UnitPrice" FROM "InvoiceLine" WHERE "InvoiceId" = $1 ORDER BY "UnitPrice" DESC)");
    }
    SECTION("snake_case") {
        CHECK(relata::to_sql(q, relata::postgres_dialect.with_naming(relata::naming::snake_case)).sql ==
              R"(SELECT "invoice_line_id", "invoice_id", "unit_price" FROM "invoice_line" WHERE "invoice_id" = $1 ORDER BY "unit_price" DESC)");
    }
    SECTION("with_naming returns a copy") {
        constexpr relata::dialect pascal = relata::postgres_dialect.with_naming(relata::naming::pascal_case);
        static_assert(pascal.naming == relata::naming::pascal_case);
        static_assert(pascal.engine == relata::engine::postgresql);
        static_assert(relata::postgres_dialect.naming == relata::naming::standard);
    }
}

TEST_CASE("CREATE TABLE", "[rendering][schema]") {
    SECTION("generated key, NOT NULL, nullable, unique (single and composite), foreign key") {
        CHECK(relata::create_table_sql<Article>(relata::sqlite_dialect).sql ==
              R"(CREATE TABLE IF NOT EXISTS "article" ("id" INTEGER PRIMARY KEY, "author_id" INTEGER NOT NULL, )"
              R"("slug" TEXT NOT NULL, "title" TEXT NOT NULL, "votes" INTEGER NOT NULL, "score" REAL, )"
              R"("draft" INTEGER NOT NULL, "published_at" TEXT NOT NULL, CONSTRAINT "article__slug__key" UNIQUE ("slug"), )"
              R"(CONSTRAINT "article__author_id__title__key" UNIQUE ("author_id", "title"), )"
              R"(CONSTRAINT "article__author_id__fkey" FOREIGN KEY ("author_id") REFERENCES "author" ("id")))");
        CHECK(relata::create_table_sql<Article>(relata::postgres_dialect).sql ==
              R"(CREATE TABLE IF NOT EXISTS "article" ("id" BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, )"
              R"("author_id" BIGINT NOT NULL, "slug" TEXT NOT NULL, "title" TEXT NOT NULL, "votes" INTEGER NOT NULL, )"
              R"("score" DOUBLE PRECISION, "draft" BOOLEAN NOT NULL, "published_at" TIMESTAMPTZ NOT NULL, )"
              R"(CONSTRAINT "article__slug__key" UNIQUE ("slug"), CONSTRAINT "article__author_id__title__key" )"
              R"(UNIQUE ("author_id", "title"), CONSTRAINT "article__author_id__fkey" FOREIGN KEY ("author_id") )"
              R"(REFERENCES "author" ("id")))");
        CHECK(relata::create_table_sql<Article>(relata::sqlite_dialect).parameters.empty());
    }
    SECTION("foreign key under a naming convention") {
        CHECK(relata::create_table_sql<Article>(relata::postgres_dialect.with_naming(relata::naming::pascal_case)).sql ==
              R"(CREATE TABLE IF NOT EXISTS "Article" ("Id" BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, )"
              R"("AuthorId" BIGINT NOT NULL, "Slug" TEXT NOT NULL, "Title" TEXT NOT NULL, "Votes" INTEGER NOT NULL, )"
              R"("Score" DOUBLE PRECISION, "Draft" BOOLEAN NOT NULL, "PublishedAt" TIMESTAMPTZ NOT NULL, )"
              R"(CONSTRAINT "Article__Slug__key" UNIQUE ("Slug"), CONSTRAINT "Article__AuthorId__Title__key" )"
              R"(UNIQUE ("AuthorId", "Title"), CONSTRAINT "Article__AuthorId__fkey" FOREIGN KEY ("AuthorId") )"
              R"(REFERENCES "Author" ("Id")))");
    }
    SECTION("self-referencing, nullable foreign key") {
        CHECK(relata::create_table_sql<Employee>(relata::sqlite_dialect).sql ==
              R"(CREATE TABLE IF NOT EXISTS "employee" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL, )"
              R"("reports_to" INTEGER, CONSTRAINT "employee__reports_to__fkey" FOREIGN KEY ("reports_to") )"
              R"(REFERENCES "employee" ("id")))");
        CHECK(relata::create_table_sql<Employee>(relata::postgres_dialect).sql ==
              R"(CREATE TABLE IF NOT EXISTS "employee" ("id" BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, )"
              R"("name" TEXT NOT NULL, "reports_to" BIGINT, CONSTRAINT "employee__reports_to__fkey" )"
              R"(FOREIGN KEY ("reports_to") REFERENCES "employee" ("id")))");
    }
    SECTION("every built-in type, no primary key") {
        CHECK(relata::create_table_sql<Sample>(relata::sqlite_dialect).sql ==
              R"(CREATE TABLE IF NOT EXISTS "sample" ("i8" INTEGER NOT NULL, "u8" INTEGER NOT NULL, )"
              R"("i16" INTEGER NOT NULL, "u16" INTEGER NOT NULL, "i32" INTEGER NOT NULL, "u32" INTEGER NOT NULL, )"
              R"("i64" INTEGER NOT NULL, "u64" INTEGER NOT NULL, "f" REAL NOT NULL, "d" REAL NOT NULL, )"
              R"("b" INTEGER NOT NULL, "s" TEXT NOT NULL, "bytes" BLOB NOT NULL, "at" TEXT NOT NULL, )"
              R"("at_ms" TEXT NOT NULL, "day" TEXT NOT NULL, "state" INTEGER NOT NULL, "price" INTEGER NOT NULL, )"
              R"("maybe" INTEGER))");
        CHECK(relata::create_table_sql<Sample>(relata::postgres_dialect).sql ==
              R"(CREATE TABLE IF NOT EXISTS "sample" ("i8" SMALLINT NOT NULL, "u8" SMALLINT NOT NULL, )"
              R"("i16" SMALLINT NOT NULL, "u16" INTEGER NOT NULL, "i32" INTEGER NOT NULL, "u32" BIGINT NOT NULL, )"
              R"("i64" BIGINT NOT NULL, "u64" BIGINT NOT NULL, "f" REAL NOT NULL, "d" DOUBLE PRECISION NOT NULL, )"
              R"("b" BOOLEAN NOT NULL, "s" TEXT NOT NULL, "bytes" BYTEA NOT NULL, "at" TIMESTAMPTZ NOT NULL, )"
              R"("at_ms" TIMESTAMPTZ NOT NULL, "day" DATE NOT NULL, "state" SMALLINT NOT NULL, "price" BIGINT NOT NULL, )"
              R"("maybe" INTEGER))");
    }
    SECTION("keys the database does not generate") {
        CHECK(relata::create_table_sql<Country>(relata::sqlite_dialect).sql ==
              R"(CREATE TABLE IF NOT EXISTS "countries" ("code" TEXT NOT NULL PRIMARY KEY, "name" TEXT NOT NULL))");
        CHECK(relata::create_table_sql<Country>(relata::postgres_dialect).sql ==
              R"(CREATE TABLE IF NOT EXISTS "countries" ("code" TEXT NOT NULL PRIMARY KEY, "name" TEXT NOT NULL))");
        CHECK(relata::create_table_sql<Ticket>(relata::sqlite_dialect).sql ==
              R"(CREATE TABLE IF NOT EXISTS "ticket" ("id" INTEGER NOT NULL PRIMARY KEY, "subject" TEXT NOT NULL))");
        CHECK(relata::create_table_sql<Ticket>(relata::postgres_dialect).sql ==
              R"(CREATE TABLE IF NOT EXISTS "ticket" ("id" BIGINT NOT NULL PRIMARY KEY, "subject" TEXT NOT NULL))");
    }
    SECTION("a generated 32-bit key keeps the member's width on PostgreSQL") {
        CHECK(relata::create_table_sql<Track>(relata::sqlite_dialect).sql ==
              R"(CREATE TABLE IF NOT EXISTS "track" ("track_id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL))");
        CHECK(relata::create_table_sql<Track>(relata::postgres_dialect).sql ==
              R"(CREATE TABLE IF NOT EXISTS "track" ("track_id" INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, )"
              R"("name" TEXT NOT NULL))");
    }
    SECTION("reserved words and embedded quotes") {
        CHECK(relata::create_table_sql<Order>(relata::sqlite_dialect).sql ==
              R"(CREATE TABLE IF NOT EXISTS "order" ("id" INTEGER PRIMARY KEY, "order" TEXT NOT NULL, )"
              R"("group" INTEGER NOT NULL, "from" TEXT))");
        CHECK(relata::create_table_sql<Quoted>(relata::postgres_dialect).sql ==
              R"(CREATE TABLE IF NOT EXISTS "we""ird" ("id" BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, )"
              R"("la""bel" TEXT NOT NULL))");
    }
}

TEST_CASE("CREATE INDEX", "[rendering][schema]") {
    for (const relata::dialect& d : {relata::sqlite_dialect, relata::postgres_dialect}) {
        const auto statements = relata::create_index_sql<Article>(d);
        REQUIRE(statements.size() == 2);
        CHECK(statements[0].sql ==
              R"(CREATE INDEX IF NOT EXISTS "article__published_at__idx" ON "article" ("published_at"))");
        CHECK(statements[1].sql ==
              R"(CREATE INDEX IF NOT EXISTS "article__author_id__votes__idx" ON "article" ("author_id", "votes"))");
        CHECK(statements[0].parameters.empty());
        CHECK(relata::create_index_sql<Post>(d).empty());
    }
    const auto pascal = relata::create_index_sql<Article>(relata::sqlite_dialect.with_naming(relata::naming::pascal_case));
    REQUIRE(pascal.size() == 2);
    CHECK(pascal[1].sql ==
          R"(CREATE INDEX IF NOT EXISTS "Article__AuthorId__Votes__idx" ON "Article" ("AuthorId", "Votes"))");
}

TEST_CASE("INSERT, UPDATE and DELETE query objects (the Session's statements too)", "[rendering][write]") {
    constexpr auto a = relata::columns<Article>;
    SECTION("INSERT leaves out a generated key of 0; RETURNING reads it back") {
        const auto insert = relata::insert(Article{.slug = "s", .title = "t"}).returning(a.id);
        CHECK_SQL(insert,
                  R"(INSERT INTO "article" ("author_id", "slug", "title", "votes", "score", "draft", "published_at") )"
                  R"(VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING "id")",
                  R"(INSERT INTO "article" ("author_id", "slug", "title", "votes", "score", "draft", "published_at") )"
                  R"(VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING "id")");
        const auto values = relata::to_sql(insert, relata::sqlite_dialect).parameters;
        REQUIRE(values.size() == 7);
        CHECK(std::get<std::string>(values[1]) == "s");
        CHECK(std::holds_alternative<std::monostate>(values[4]));  // score: an empty optional is NULL
        CHECK(std::get<bool>(values[5]) == true);
    }
    SECTION("INSERT with the key") {
        CHECK_SQL(relata::insert(Article{.id = 9}),
                  R"(INSERT INTO "article" ("id", "author_id", "slug", "title", "votes", "score", "draft", "published_at") )"
                  R"(VALUES (?, ?, ?, ?, ?, ?, ?, ?))",
                  R"(INSERT INTO "article" ("id", "author_id", "slug", "title", "votes", "score", "draft", "published_at") )"
                  R"(VALUES ($1, $2, $3, $4, $5, $6, $7, $8))");
        CHECK(relata::to_sql(relata::insert(Country{"nz", "New Zealand"}), relata::postgres_dialect).sql ==
              R"(INSERT INTO "countries" ("code", "name") VALUES ($1, $2))");
        CHECK(relata::to_sql(relata::insert(Ticket{}), relata::postgres_dialect).sql ==
              R"(INSERT INTO "ticket" ("id", "subject") VALUES ($1, $2))");  // not generated: a key of 0 is a key
    }
    SECTION("INSERT of a model that has nothing but its generated key") {
        constexpr auto t = relata::columns<Tag>;
        CHECK_SQL(relata::insert(Tag{}).returning(t.id), R"(INSERT INTO "tag" DEFAULT VALUES RETURNING "id")",
                  R"(INSERT INTO "tag" DEFAULT VALUES RETURNING "id")");
    }
    SECTION("INSERT under a naming convention and with quoting") {
        constexpr auto l = relata::columns<InvoiceLine>;
        CHECK(relata::to_sql(relata::insert(InvoiceLine{}).returning(l.invoice_line_id),
                             relata::postgres_dialect.with_naming(relata::naming::pascal_case))
                  .sql == R"(INSERT INTO "InvoiceLine" ("InvoiceId", "UnitPrice") VALUES ($1, $2) RETURNING "InvoiceLineId")");
        constexpr auto q = relata::columns<Quoted>;
        CHECK(relata::to_sql(relata::insert(Quoted{}).returning(q.id), relata::sqlite_dialect).sql ==
              R"(INSERT INTO "we""ird" ("la""bel") VALUES (?) RETURNING "id")");
    }
    SECTION("multi-row INSERT") {
        const std::vector<Country> countries{{"nz", "New Zealand"}, {"fi", "Finland"}};
        const auto insert = relata::insert_rows<Country>(countries);
        CHECK_SQL(insert, R"(INSERT INTO "countries" ("code", "name") VALUES (?, ?), (?, ?))",
                  R"(INSERT INTO "countries" ("code", "name") VALUES ($1, $2), ($3, $4))");
        CHECK(std::get<std::string>(relata::to_sql(insert, relata::sqlite_dialect).parameters.at(2)) == "fi");
        // Refused before any SQL: no rows, and rows that only a generated key would make
        // (DEFAULT VALUES writes one row, not three).
        CHECK_THROWS_WITH(relata::insert_rows<Country>(std::vector<Country>{}),
                          Catch::Matchers::Contains("insert_rows<Country>: no objects"));
        CHECK(relata::to_sql(relata::insert_rows<Tag>(std::vector<Tag>(1)), relata::sqlite_dialect).sql ==
              R"(INSERT INTO "tag" DEFAULT VALUES)");
        CHECK_THROWS_WITH(relata::insert_rows<Tag>(std::vector<Tag>(3)),
                          Catch::Matchers::Contains("insert_rows<Tag>: 3 objects of a model whose only column is its generated key"));
    }
    SECTION("RETURNING every column, and named expressions") {
        CHECK(relata::to_sql(relata::insert(Country{"nz", "NZ"}).returning(), relata::sqlite_dialect).sql ==
              R"(INSERT INTO "countries" ("code", "name") VALUES (?, ?) RETURNING "code", "name")");
        constexpr auto k = relata::columns<Country>;
        CHECK(relata::to_sql(relata::insert(Country{"nz", "NZ"}).returning(relata::upper(k.name).as<"shout">()),
                             relata::sqlite_dialect)
                  .sql == R"(INSERT INTO "countries" ("code", "name") VALUES (?, ?) RETURNING upper("name") AS "shout")");
    }
    SECTION("UPSERT: ON CONFLICT DO NOTHING / DO UPDATE") {
        constexpr auto k = relata::columns<Country>;
        CHECK_SQL(relata::insert(Country{"nz", "NZ"}).on_conflict(k.code).do_nothing(),
                  R"(INSERT INTO "countries" ("code", "name") VALUES (?, ?) ON CONFLICT ("code") DO NOTHING)",
                  R"(INSERT INTO "countries" ("code", "name") VALUES ($1, $2) ON CONFLICT ("code") DO NOTHING)");
        CHECK_SQL(relata::insert(Country{"nz", "NZ"}).on_conflict(k.code).do_update(),
                  R"(INSERT INTO "countries" ("code", "name") VALUES (?, ?) ON CONFLICT ("code") DO UPDATE SET "name" = excluded."name")",
                  R"(INSERT INTO "countries" ("code", "name") VALUES ($1, $2) ON CONFLICT ("code") DO UPDATE SET "name" = excluded."name")");
        CHECK_SQL(relata::insert(Article{.id = 1}).on_conflict(a.id).do_update(relata::set(a.votes, a.votes + relata::excluded(a.votes)),
                                                                              relata::set(a.title, "merged")),
                  R"(INSERT INTO "article" ("id", "author_id", "slug", "title", "votes", "score", "draft", "published_at") )"
                  R"(VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("id") DO UPDATE SET "votes" = "article"."votes" + excluded."votes", "title" = ?)",
                  R"(INSERT INTO "article" ("id", "author_id", "slug", "title", "votes", "score", "draft", "published_at") )"
                  R"(VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT ("id") DO UPDATE SET "votes" = "article"."votes" + excluded."votes", "title" = $9)");
        CHECK(relata::to_sql(relata::insert(Country{"nz", "NZ"}).on_conflict_do_nothing(), relata::postgres_dialect).sql ==
              R"(INSERT INTO "countries" ("code", "name") VALUES ($1, $2) ON CONFLICT DO NOTHING)");
    }
    SECTION("UPDATE of chosen columns") {
        CHECK_SQL(relata::update<Article>().set(a.title, "x").set(a.votes, 3).where(a.id == 1),
                  R"(UPDATE "article" SET "title" = ?, "votes" = ? WHERE "id" = ?)",
                  R"(UPDATE "article" SET "title" = $1, "votes" = $2 WHERE "id" = $3)");
        constexpr auto k = relata::columns<Country>;
        CHECK(relata::to_sql(relata::update<Country>().set(k.name, "Aotearoa").where(k.code == "nz"), relata::postgres_dialect).sql ==
              R"(UPDATE "countries" SET "name" = $1 WHERE "code" = $2)");
        CHECK_SQL(relata::update<Article>().set(a.votes, a.votes + 1).set(a.score, std::nullopt),
                  R"(UPDATE "article" SET "votes" = "votes" + ?, "score" = ?)",
                  R"(UPDATE "article" SET "votes" = "votes" + CAST($1 AS INTEGER), "score" = $2)");  // 1 is an int
        CHECK_SQL(relata::update<Article>().set(a.draft, false).where(a.votes < 0).returning(a.id, a.slug),
                  R"(UPDATE "article" SET "draft" = ? WHERE "votes" < ? RETURNING "id", "slug")",
                  R"(UPDATE "article" SET "draft" = $1 WHERE "votes" < $2 RETURNING "id", "slug")");
        CHECK_THROWS_AS(relata::to_sql(relata::update<Article>().where(a.id == 1), relata::sqlite_dialect), relata::error);
    }
    SECTION("DELETE") {
        CHECK_SQL(relata::remove<Article>().where(a.id == 1), R"(DELETE FROM "article" WHERE "id" = ?)",
                  R"(DELETE FROM "article" WHERE "id" = $1)");
        constexpr auto o = relata::columns<Order>;
        CHECK(relata::to_sql(relata::remove<Order>().where(o.id == 1), relata::postgres_dialect).sql ==
              R"(DELETE FROM "order" WHERE "id" = $1)");
        constexpr auto l = relata::columns<InvoiceLine>;
        CHECK(relata::to_sql(relata::remove<InvoiceLine>().where(l.invoice_line_id == 1),
                             relata::sqlite_dialect.with_naming(relata::naming::pascal_case))
                  .sql == R"(DELETE FROM "InvoiceLine" WHERE "InvoiceLineId" = ?)");
        CHECK_SQL(relata::remove<Article>(), R"(DELETE FROM "article")", R"(DELETE FROM "article")");
        CHECK_SQL(relata::remove<Article>().where(a.draft == true).returning(),
                  R"(DELETE FROM "article" WHERE "draft" = ? RETURNING "id", "author_id", "slug", "title", "votes", "score", "draft", "published_at")",
                  R"(DELETE FROM "article" WHERE "draft" = $1 RETURNING "id", "author_id", "slug", "title", "votes", "score", "draft", "published_at")");
    }
    SECTION("UPDATE and DELETE with a correlated subquery qualify their columns") {
        constexpr auto au = relata::columns<Author>;
        const auto stale = relata::remove<Article>().where(
            !relata::exists(relata::select(au.id).correlate<Article>().where(au.id == a.author_id)));
        CHECK_SQL(stale,
                  R"(DELETE FROM "article" WHERE NOT (EXISTS (SELECT "author"."id" FROM "author" WHERE "author"."id" = "article"."author_id")))",
                  R"(DELETE FROM "article" WHERE NOT (EXISTS (SELECT "author"."id" FROM "author" WHERE "author"."id" = "article"."author_id")))");
    }
}

}  // namespace rendering_test
