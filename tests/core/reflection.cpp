// RELATA_MODEL metadata: type and member names, member pointers, primary and generated keys,
// table and column names under the three naming conventions and mapping<T> overrides.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "catch.hpp"

#include <relata/relata.hpp>

namespace reflection_test {

struct Post {
    std::int64_t id = 0;
    std::string title;
    int votes = 0;
    std::optional<std::string> email;
};
RELATA_MODEL(Post, id, title, votes, email)

struct InvoiceLine {
    std::int64_t invoice_line_id = 0;
    std::int64_t invoiceId = 0;
    double unit_price = 0;
};
RELATA_MODEL(InvoiceLine, invoice_line_id, invoiceId, unit_price)

struct HTTPServer {
    std::int64_t id = 0;
    std::string host;
};
RELATA_MODEL(HTTPServer, id, host)

/// PascalCase members, as a struct written after the SQLite Chinook schema would be.
struct MediaType {
    std::int32_t MediaTypeId = 0;
    std::string Name;
};
RELATA_MODEL(MediaType, Name, MediaTypeId)

/// Both spellings present: `id` wins over `<type>_id`.
struct Genre {
    std::int64_t genre_id = 0;
    std::int64_t id = 0;
};
RELATA_MODEL(Genre, genre_id, id)

// No member `id`: no primary key.
struct LogLine {
    std::string text;
    int level = 0;
};
RELATA_MODEL(LogLine, text, level)

// Natural text key via mapping<T>::primary_key: not generated.
struct Country {
    std::string code;
    std::string name;
};
RELATA_MODEL(Country, code, name)

// Integer key named `id` that the application assigns.
struct Ticket {
    std::int64_t id = 0;
    std::string subject;
};
RELATA_MODEL(Ticket, id, subject)

// Integer key not named `id`.
struct Track {
    std::int32_t track_id = 0;
    std::string name;
    double unit_price = 0;
};
RELATA_MODEL(Track, track_id, name, unit_price)

// The member order in RELATA_MODEL is what counts, not the declaration order; not every
// member has to be mapped.
struct Partial {
    std::string label;
    std::int64_t id = 0;
    int transient_cache = 0;
};
RELATA_MODEL(Partial, id, label)

// 70 members of mixed types.
struct Wide {
    int m0{};
    std::string m1;
    double m2{};
    std::optional<std::int64_t> m3;
    bool m4{};
    std::int16_t m5{};
    std::optional<std::string> m6;
    int m7{};
    std::string m8;
    double m9{};
    std::optional<std::int64_t> m10;
    bool m11{};
    std::int16_t m12{};
    std::optional<std::string> m13;
    int m14{};
    std::string m15;
    double m16{};
    std::optional<std::int64_t> m17;
    bool m18{};
    std::int16_t m19{};
    std::optional<std::string> m20;
    int m21{};
    std::string m22;
    double m23{};
    std::optional<std::int64_t> m24;
    bool m25{};
    std::int16_t m26{};
    std::optional<std::string> m27;
    int m28{};
    std::string m29;
    double m30{};
    std::optional<std::int64_t> m31;
    bool m32{};
    std::int16_t m33{};
    std::optional<std::string> m34;
    int m35{};
    std::string m36;
    double m37{};
    std::optional<std::int64_t> m38;
    bool m39{};
    std::int16_t m40{};
    std::optional<std::string> m41;
    int m42{};
    std::string m43;
    double m44{};
    std::optional<std::int64_t> m45;
    bool m46{};
    std::int16_t m47{};
    std::optional<std::string> m48;
    int m49{};
    std::string m50;
    double m51{};
    std::optional<std::int64_t> m52;
    bool m53{};
    std::int16_t m54{};
    std::optional<std::string> m55;
    int m56{};
    std::string m57;
    double m58{};
    std::optional<std::int64_t> m59;
    bool m60{};
    std::int16_t m61{};
    std::optional<std::string> m62;
    int m63{};
    std::string m64;
    double m65{};
    std::optional<std::int64_t> m66;
    bool m67{};
    std::int16_t m68{};
    std::optional<std::string> m69;
};
RELATA_MODEL(Wide, m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20,
             m21, m22, m23, m24, m25, m26, m27, m28, m29, m30, m31, m32, m33, m34, m35, m36, m37, m38, m39, m40, m41,
             m42, m43, m44, m45, m46, m47, m48, m49, m50, m51, m52, m53, m54, m55, m56, m57, m58, m59, m60, m61, m62,
             m63, m64, m65, m66, m67, m68, m69)

}  // namespace reflection_test

template <>
struct relata::mapping<reflection_test::Country> {
    static constexpr auto primary_key = &reflection_test::Country::code;
    static constexpr auto table = "countries";
};

template <>
struct relata::mapping<reflection_test::Ticket> {
    static constexpr bool generated_key = false;
};

template <>
struct relata::mapping<reflection_test::Track> {
    static constexpr auto primary_key = &reflection_test::Track::track_id;
    static constexpr auto column_names =
        std::tuple{relata::column_name(&reflection_test::Track::unit_price, "Price In Cents")};
};

namespace reflection_test {
namespace {

using relata::naming;

template <class T>
std::string_view table(naming convention) {
    return relata::detail::table_name_of<T>(convention);
}
template <class T>
std::string_view column(naming convention, std::size_t index) {
    return relata::detail::column_name_of<T>(convention, index);
}

}  // namespace

TEST_CASE("RELATA_MODEL describes type name, members and member pointers", "[reflection]") {
    static_assert(relata::model<Post>);
    static_assert(!(relata::model<int>));
    static_assert(!(relata::model<std::string>));

    static_assert(relata::detail::type_name<Post> == "Post");
    static_assert(relata::detail::type_name<HTTPServer> == "HTTPServer");
    static_assert(relata::detail::field_count<Post> == 4);

    constexpr auto& fields = relata::detail::description<Post>.fields;
    static_assert(std::get<0>(fields).member_name == "id");
    static_assert(std::get<1>(fields).member_name == "title");
    static_assert(std::get<2>(fields).member_name == "votes");
    static_assert(std::get<3>(fields).member_name == "email");

    static_assert(relata::detail::member_pointer<Post, 0> == &Post::id);
    static_assert(relata::detail::member_pointer<Post, 1> == &Post::title);
    static_assert(relata::detail::member_pointer<Post, 2> == &Post::votes);
    static_assert(relata::detail::member_pointer<Post, 3> == &Post::email);

    static_assert(std::is_same_v<relata::detail::field_type<Post, 0>, std::int64_t>);
    static_assert(std::is_same_v<relata::detail::field_type<Post, 1>, std::string>);
    static_assert(std::is_same_v<relata::detail::field_type<Post, 2>, int>);
    static_assert(std::is_same_v<relata::detail::field_type<Post, 3>, std::optional<std::string>>);

    static_assert(relata::detail::index_of_name<Post>("votes") == 2);
    static_assert(relata::detail::index_of_name<Post>("nope") == relata::detail::npos);
    static_assert(relata::detail::index_of_member<Post>(&Post::email) == 3);

    Post post{.id = 7, .title = "Hello", .votes = 3, .email = std::nullopt};
    CHECK(post.*relata::detail::member_pointer<Post, 1> == "Hello");
    CHECK(post.*relata::detail::member_pointer<Post, 2> == 3);
}

TEST_CASE("RELATA_MODEL follows its own list, not the declaration order", "[reflection]") {
    static_assert(relata::detail::field_count<Partial> == 2);
    static_assert(relata::detail::member_pointer<Partial, 0> == &Partial::id);
    static_assert(relata::detail::member_pointer<Partial, 1> == &Partial::label);
    static_assert(relata::detail::primary_key_index<Partial> == 0);
    CHECK(column<Partial>(naming::standard, 0) == "id");
    CHECK(column<Partial>(naming::standard, 1) == "label");
    static_assert(relata::detail::member_names<Partial>[0] == "id" && relata::detail::member_names<Partial>[1] == "label");
}

TEST_CASE("member names and nullability by runtime index", "[reflection]") {
    CHECK(relata::detail::member_name_of<Post>(0) == "id");
    CHECK(relata::detail::member_name_of<Post>(3) == "email");
    CHECK(relata::detail::member_name_of<Post>(4).empty());  // past the last member
    CHECK(relata::detail::member_nullable<Post>(3));         // std::optional<std::string>
    CHECK_FALSE(relata::detail::member_nullable<Post>(1));
    CHECK_FALSE(relata::detail::member_nullable<Post>(4));
}

TEST_CASE("typed columns carry the member's type and index", "[reflection]") {
    constexpr auto p = relata::columns<Post>;
    static_assert(std::is_same_v<decltype(p.votes)::value_type, int>);
    static_assert(std::is_same_v<decltype(p.email)::value_type, std::optional<std::string>>);
    static_assert(std::is_same_v<decltype(p.title)::model_type, Post>);
    static_assert(decltype(p.id)::index == 0);
    static_assert(decltype(p.email)::index == 3);
}

TEST_CASE("the primary key defaults to `id` and can be overridden", "[reflection]") {
    SECTION("member named id") {
        static_assert(relata::detail::has_primary_key<Post>);
        static_assert(relata::detail::primary_key_index<Post> == 0);
        static_assert(std::is_same_v<relata::detail::primary_key_type<Post>, std::int64_t>);
    }
    SECTION("no member named id: <snake_case of the type>_id, else <Type>Id") {
        static_assert(relata::detail::primary_key_index<InvoiceLine> == 0);  // invoice_line_id
        static_assert(relata::detail::generated_key<InvoiceLine>);
        static_assert(relata::detail::primary_key_index<MediaType> == 1);    // MediaTypeId
        static_assert(relata::detail::primary_key_index<Genre> == 1);        // id
        CHECK(relata::detail::constexpr_snake_case_id<11>("HTTPServer").data() == std::string("http_server_id"));
        CHECK(relata::detail::constexpr_snake_case_id<11>("InvoiceLine").data() == std::string("invoice_line_id"));
    }
    SECTION("no member named id and no mapping: no primary key") {
        static_assert(!(relata::detail::has_primary_key<LogLine>));
        static_assert(!(relata::detail::generated_key<LogLine>));
    }
    SECTION("mapping<T>::primary_key names another member") {
        static_assert(relata::detail::primary_key_index<Country> == 0);
        static_assert(std::is_same_v<relata::detail::primary_key_type<Country>, std::string>);
        static_assert(relata::detail::primary_key_index<Track> == 0);
        static_assert(std::is_same_v<relata::detail::primary_key_type<Track>, std::int32_t>);
    }
}

TEST_CASE("integer keys are generated unless the mapping says otherwise", "[reflection]") {
    static_assert(relata::detail::generated_key<Post>);       // std::int64_t id
    static_assert(relata::detail::generated_key<Track>);      // std::int32_t track_id via mapping
    static_assert(relata::detail::generated_key<HTTPServer>);
    static_assert(!(relata::detail::generated_key<Country>));  // text key
    static_assert(!(relata::detail::generated_key<Ticket>));   // generated_key = false
}

TEST_CASE("default table names are the snake_case of the type name", "[reflection][naming]") {
    CHECK(table<Post>(naming::standard) == "post");
    CHECK(table<InvoiceLine>(naming::standard) == "invoice_line");
    CHECK(table<HTTPServer>(naming::standard) == "http_server");
    CHECK(table<LogLine>(naming::standard) == "log_line");
    CHECK(relata::detail::to_snake_case("InvoiceLine") == "invoice_line");
    CHECK(relata::detail::to_snake_case("HTTPServer") == "http_server");
    CHECK(relata::detail::to_snake_case("invoiceLineId") == "invoice_line_id");
    CHECK(relata::detail::to_snake_case("already_snake") == "already_snake");
    CHECK(relata::detail::to_pascal_case("invoice_line_id") == "InvoiceLineId");
    CHECK(relata::detail::to_pascal_case("id") == "Id");
}

TEST_CASE("mapping<T>::table and column_names override the defaults", "[reflection][naming]") {
    const auto convention = GENERATE(naming::standard, naming::snake_case, naming::pascal_case);
    CHECK(table<Country>(convention) == "countries");
    CHECK(column<Track>(convention, 2) == "Price In Cents");
}

TEST_CASE("the three naming conventions", "[reflection][naming]") {
    SECTION("standard: table in snake_case, columns as written") {
        CHECK(table<InvoiceLine>(naming::standard) == "invoice_line");
        CHECK(column<InvoiceLine>(naming::standard, 0) == "invoice_line_id");
        CHECK(column<InvoiceLine>(naming::standard, 1) == "invoiceId");
        CHECK(column<InvoiceLine>(naming::standard, 2) == "unit_price");
        CHECK(column<Track>(naming::standard, 0) == "track_id");
        CHECK(column<Track>(naming::standard, 1) == "name");
    }
    SECTION("snake_case: table and columns in snake_case") {
        CHECK(table<InvoiceLine>(naming::snake_case) == "invoice_line");
        CHECK(table<HTTPServer>(naming::snake_case) == "http_server");
        CHECK(column<InvoiceLine>(naming::snake_case, 0) == "invoice_line_id");
        CHECK(column<InvoiceLine>(naming::snake_case, 1) == "invoice_id");
        CHECK(column<InvoiceLine>(naming::snake_case, 2) == "unit_price");
    }
    SECTION("pascal_case: table and columns in PascalCase") {
        CHECK(table<InvoiceLine>(naming::pascal_case) == "InvoiceLine");
        CHECK(table<Post>(naming::pascal_case) == "Post");
        CHECK(column<InvoiceLine>(naming::pascal_case, 0) == "InvoiceLineId");
        CHECK(column<InvoiceLine>(naming::pascal_case, 1) == "InvoiceId");
        CHECK(column<InvoiceLine>(naming::pascal_case, 2) == "UnitPrice");
        CHECK(column<Track>(naming::pascal_case, 0) == "TrackId");
        CHECK(column<Post>(naming::pascal_case, 0) == "Id");
    }
}

TEST_CASE("a model with 70 members", "[reflection]") {
    static_assert(relata::detail::field_count<Wide> == 70);
    constexpr auto& fields = relata::detail::description<Wide>.fields;
    static_assert(std::get<0>(fields).member_name == "m0");
    static_assert(std::get<35>(fields).member_name == "m35");
    static_assert(std::get<69>(fields).member_name == "m69");
    static_assert(relata::detail::member_pointer<Wide, 69> == &Wide::m69);
    static_assert(relata::detail::member_pointer<Wide, 42> == &Wide::m42);
    static_assert(std::is_same_v<relata::detail::field_type<Wide, 5>, std::int16_t>);
    static_assert(std::is_same_v<relata::detail::field_type<Wide, 66>, std::optional<std::int64_t>>);
    static_assert(!(relata::detail::has_primary_key<Wide>));

    constexpr auto w = relata::columns<Wide>;
    static_assert(decltype(w.m69)::index == 69);
    static_assert(std::is_same_v<decltype(w.m69)::value_type, std::optional<std::string>>);
    static_assert(std::is_same_v<decltype(w.m68)::value_type, std::int16_t>);
    CHECK(column<Wide>(naming::standard, 69) == "m69");
    CHECK(column<Wide>(naming::pascal_case, 69) == "M69");

    const auto query = relata::to_sql(relata::select<Wide>().where(w.m69 == "x" && w.m68 > 3), relata::sqlite_dialect);
    CHECK(query.sql.ends_with(R"(, "m68", "m69" FROM "wide" WHERE "m69" = ? AND "m68" > ?)"));
    CHECK(query.sql.starts_with(R"(SELECT "m0", "m1", "m2", )"));
    REQUIRE(query.parameters.size() == 2);
    CHECK(std::get<std::string>(query.parameters[0]) == "x");
    CHECK(std::get<std::int64_t>(query.parameters[1]) == 3);
}

}  // namespace reflection_test
