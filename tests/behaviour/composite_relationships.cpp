// Relationships over composite foreign keys: DDL and flush order, navigation both ways, a NULL
// in one key column, select_in (row-value IN, chunked by columns x keys), joined, nested,
// raise_on_lazy, ON DELETE CASCADE / SET NULL mirrored by the Session, and Chinook's
// PlaylistTrack many-to-many (an association model with a composite primary key).
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "../../examples/chinook/models.hpp"
#include "backends.hpp"
#include "sql_log.hpp"

namespace composite_relationship_models {

struct Customer {
    std::int64_t id = 0;
    std::string name;
};
RELATA_MODEL(Customer, id, name)

// An order is kept in versions: its key is (id, version).
struct Order {
    std::int64_t id = 0;
    std::int64_t version = 0;
    std::int64_t customer_id = 0;
    std::string status;
};
RELATA_MODEL(Order, id, version, customer_id, status)

// A line may belong to no order version (both columns NULL, or one of them: MATCH SIMPLE).
struct Line {
    std::int64_t id = 0;
    std::optional<std::int64_t> order_id;
    std::optional<std::int64_t> order_version;
    std::string product;
};
RELATA_MODEL(Line, id, order_id, order_version, product)

// Always belongs to an order version.
struct Shipment {
    std::int64_t id = 0;
    std::int64_t order_id = 0;
    std::int64_t order_version = 0;
    std::string carrier;
};
RELATA_MODEL(Shipment, id, order_id, order_version, carrier)

// Set to NULL when its order version goes.
struct Remark {
    std::int64_t id = 0;
    std::optional<std::int64_t> order_id;
    std::optional<std::int64_t> order_version;
    std::string text;
};
RELATA_MODEL(Remark, id, order_id, order_version, text)

// Many-to-many between customers and order versions: the link's key to Order is composite.
struct Watch {
    std::int64_t customer_id = 0;
    std::int64_t order_id = 0;
    std::int64_t order_version = 0;
};
RELATA_MODEL(Watch, customer_id, order_id, order_version)

}  // namespace composite_relationship_models

namespace crm = composite_relationship_models;

template <>
struct relata::mapping<crm::Order> {
    static constexpr auto table = "orders";
    static constexpr auto primary_key = std::tuple{&crm::Order::id, &crm::Order::version};
    static constexpr auto foreign_keys = std::tuple{relata::references(&crm::Order::customer_id, &crm::Customer::id)};
};
template <>
struct relata::mapping<crm::Line> {
    static constexpr auto foreign_keys =
        std::tuple{relata::references(std::tuple{&crm::Line::order_id, &crm::Line::order_version},
                                      std::tuple{&crm::Order::id, &crm::Order::version})
                       .on_delete(relata::cascade)};
};
template <>
struct relata::mapping<crm::Shipment> {
    static constexpr auto foreign_keys =
        std::tuple{relata::references(std::tuple{&crm::Shipment::order_id, &crm::Shipment::order_version},
                                      std::tuple{&crm::Order::id, &crm::Order::version})};
};
template <>
struct relata::mapping<crm::Remark> {
    static constexpr auto foreign_keys =
        std::tuple{relata::references(std::tuple{&crm::Remark::order_id, &crm::Remark::order_version},
                                      std::tuple{&crm::Order::id, &crm::Order::version})
                       .on_delete(relata::set_null)};
};

template <>
struct relata::mapping<crm::Watch> {
    static constexpr auto primary_key = std::tuple{&crm::Watch::customer_id, &crm::Watch::order_id, &crm::Watch::order_version};
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&crm::Watch::customer_id, &crm::Customer::id),
                   relata::references(std::tuple{&crm::Watch::order_id, &crm::Watch::order_version},
                                      std::tuple{&crm::Order::id, &crm::Order::version})};
};

using crm::Customer;
using crm::Watch;
using crm::Line;
using crm::Order;
using crm::Remark;
using crm::Shipment;

namespace {

constexpr std::uint64_t autobegin = 1;
constexpr auto line_order = std::tuple{&Line::order_id, &Line::order_version};
constexpr auto shipment_order = std::tuple{&Shipment::order_id, &Shipment::order_version};
constexpr auto remark_order = std::tuple{&Remark::order_id, &Remark::order_version};

relata_test::sql_log recorded;

relata::session_options quiet() {
    relata::session_options options;
    options.n_plus_one = relata::n_plus_one_mode::off;
    return options;
}

std::string placeholders(std::string_view sqlite, std::string_view postgres) {
    return std::string(relata_test::engine == relata::engine::sqlite ? sqlite : postgres);
}

/// Customer 1 with orders (1, 1), (1, 2) and (2, 1); order (1, 1) has lines 1-2, (1, 2) line 3,
/// (2, 1) none; line 4 names order 1 without a version; shipments 1 -> (1, 2), 2 -> (2, 1).
template <class Connection>
void seed_composite_relationships(Connection& db) {
    relata::create_all<Customer, Order, Line, Shipment, Remark>(db);
    relata::session session{db};
    session.add(Customer{.name = "Ada"});
    session.add(Order{.id = 1, .version = 1, .customer_id = 1, .status = "draft"});
    session.add(Order{.id = 1, .version = 2, .customer_id = 1, .status = "sent"});
    session.add(Order{.id = 2, .version = 1, .customer_id = 1, .status = "sent"});
    session.add(Line{.order_id = 1, .order_version = 1, .product = "a"});
    session.add(Line{.order_id = 1, .order_version = 1, .product = "b"});
    session.add(Line{.order_id = 1, .order_version = 2, .product = "c"});
    session.add(Line{.order_id = 1, .order_version = std::nullopt, .product = "loose"});
    session.add(Shipment{.order_id = 1, .order_version = 2, .carrier = "post"});
    session.add(Shipment{.order_id = 2, .order_version = 1, .carrier = "van"});
    session.add(Remark{.order_id = 1, .order_version = 1, .text = "urgent"});
    session.commit();  // the flush inserts orders before the lines that reference them
}

}  // namespace

RELATA_BACKEND_TEST("composite foreign key: DDL is enforced by the database", "[relationships][composite]") {
    relata_test::database test;
    auto& db = test.db;
    seed_composite_relationships(db);
    // (1, 3) does not exist although order 1 and version... 3 of nothing: refused.
    CHECK_THROWS_AS(relata::insert_all(db, std::vector<Line>{{0, 1, 3, "x"}}), relata::constraint_violation);
    // One NULL column: the row references nothing and is accepted (MATCH SIMPLE).
    CHECK_NOTHROW(relata::insert_all(db, std::vector<Line>{{0, 99, std::nullopt, "y"}}));
}

RELATA_BACKEND_TEST("composite foreign key: many-to-one and one-to-many navigation", "[relationships][composite]") {
    relata_test::database test;
    auto& db = test.db;
    seed_composite_relationships(db);
    relata::session session{db};
    Line& first = session.get<Line>(1);
    recorded.attach(db);
    Order* order = session.related(first, line_order);
    REQUIRE(order != nullptr);
    CHECK(order->id == 1);
    CHECK(order->version == 1);
    CHECK(recorded.first_starting_with("SELECT") ==
          placeholders(R"(SELECT "id", "version", "customer_id", "status" FROM "orders" WHERE ("id", "version") IN (VALUES (?, ?)) ORDER BY "id" ASC, "version" ASC)",
                       R"(SELECT "id", "version", "customer_id", "status" FROM "orders" WHERE ("id", "version") IN (VALUES (CAST($1 AS BIGINT), CAST($2 AS BIGINT))) ORDER BY "id" ASC, "version" ASC)"));
    db.on_sql({});
    // Tracked now: the identity map answers by the full key.
    Line& second = session.get<Line>(2);
    const auto statements = db.statement_count();
    CHECK(session.related(second, line_order) == order);
    CHECK(db.statement_count() == statements);
    Order& newer = *session.related(session.get<Line>(3), line_order);
    CHECK(newer.version == 2);
    CHECK(&newer != order);

    // One NULL column: no parent, no SQL; and not a child of order (1, 1) or (1, 2).
    Line& loose = session.get<Line>(4);
    const auto before = db.statement_count();
    CHECK(session.related(loose, line_order) == nullptr);
    CHECK(db.statement_count() == before);

    // A non-optional composite key gives a reference.
    Shipment& shipment = session.get<Shipment>(1);
    Order& shipped = session.related(shipment, shipment_order);
    CHECK(&shipped == &newer);

    // One-to-many, matched by both columns.
    const auto lines = session.children<Line>(*order, line_order);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].product == "a");
    CHECK(lines[1].product == "b");
    CHECK(session.children<Line>(newer, line_order).size() == 1);
    Order& other = session.get<Order>(std::tuple{2, 1});
    CHECK(session.children<Line>(other, line_order).empty());
    CHECK(session.children<Shipment>(other, shipment_order).size() == 1);

    // A child re-pointed in memory leaves its old parent at once, joins the new one at the flush.
    CHECK(session.children<Line>(newer, line_order).size() == 1);
    lines[1].order_version = 2;
    CHECK(session.children<Line>(*order, line_order).size() == 1);
    session.flush();
    CHECK(session.children<Line>(newer, line_order).size() == 2);
    CHECK(session.related(lines[1], line_order) == &newer);
    // A child with one column emptied belongs to no parent.
    lines[0].order_version.reset();
    CHECK(session.children<Line>(*order, line_order).empty());
    session.commit();
    CHECK(relata_test::scalar(db, "SELECT COUNT(*) FROM line WHERE order_version IS NULL") == 2);
}

RELATA_BACKEND_TEST("composite foreign key: a reference to no row", "[relationships][composite]") {
    relata_test::database test;
    auto& db = test.db;
    seed_composite_relationships(db);
    relata::session session{db};
    Shipment& shipment = session.get<Shipment>(2);
    CHECK(session.related(shipment, shipment_order).id == 2);
    Shipment detached{.id = 9, .order_id = 7, .order_version = 7, .carrier = "none"};
    try {
        (void)session.related(detached, shipment_order);
        FAIL("no such order");
    } catch (const relata::no_result& e) {
        CHECK(std::string(e.what()) ==
              "relata: Shipment.(order_id, order_version) -> Order (many-to-one): no Order with key (7, 7)");
    }
}

RELATA_BACKEND_TEST("composite foreign key: select_in, joined, nested, raise_on_lazy", "[relationships][composite]") {
    relata_test::database test;
    auto& db = test.db;
    seed_composite_relationships(db);
    SECTION("select_in one-to-many: one row-value query") {
        relata::session session{db, quiet()};
        recorded.attach(db);
        const auto before = db.statement_count();
        auto orders = session.all(relata::select<Order>().load(relata::select_in(line_order)));
        CHECK(db.statement_count() == before + autobegin + 2);
        CHECK(recorded.statements.back() ==
              placeholders(R"(SELECT "id", "order_id", "order_version", "product" FROM "line" WHERE ("order_id", "order_version") IN (VALUES (?, ?), (?, ?), (?, ?)) ORDER BY "id" ASC)",
                           R"(SELECT "id", "order_id", "order_version", "product" FROM "line" WHERE ("order_id", "order_version") IN (VALUES (CAST($1 AS BIGINT), CAST($2 AS BIGINT)), (CAST($3 AS BIGINT), CAST($4 AS BIGINT)), (CAST($5 AS BIGINT), CAST($6 AS BIGINT))) ORDER BY "id" ASC)"));
        db.on_sql({});
        REQUIRE(orders.size() == 3);
        std::size_t total = 0;
        for (Order& order : orders) {
            const auto lines = session.children<Line>(order, line_order);
            for (const Line& line : lines) {
                CHECK(line.order_id == order.id);
                CHECK(line.order_version == order.version);
            }
            total += lines.size();
        }
        CHECK(total == 3);
        CHECK(db.statement_count() == before + autobegin + 2);
    }
    SECTION("select_in many-to-one: the distinct full keys") {
        relata::session session{db, quiet()};
        const auto before = db.statement_count();
        auto lines = session.all(relata::select<Line>().load(relata::select_in(line_order)));
        CHECK(db.statement_count() == before + autobegin + 2);
        for (Line& line : lines) {
            Order* order = session.related(line, line_order);
            CHECK((order == nullptr) == !line.order_version.has_value());
            if (order) CHECK(order->version == *line.order_version);
        }
        CHECK(db.statement_count() == before + autobegin + 2);
    }
    SECTION("joined both ways: ON over every column") {
        relata::session session{db, quiet()};
        recorded.attach(db);
        const auto before = db.statement_count();
        auto orders = session.all(relata::select<Order>().load(relata::joined(line_order)));
        CHECK(db.statement_count() == before + autobegin + 1);
        CHECK(recorded.statements.back().find(
                  R"(LEFT JOIN "line" ON "line"."order_id" = "orders"."id" AND "line"."order_version" = "orders"."version")") !=
              std::string::npos);
        db.on_sql({});
        REQUIRE(orders.size() == 3);
        std::size_t total = 0;
        for (Order& order : orders) total += session.children<Line>(order, line_order).size();
        CHECK(total == 3);
        auto shipments = session.all(relata::select<Shipment>().load(relata::joined(shipment_order)));
        for (Shipment& shipment : shipments) CHECK(session.related(shipment, shipment_order).version >= 1);
        CHECK(db.statement_count() == before + autobegin + 2);
    }
    SECTION("nested: customers, their orders, the orders' lines") {
        relata::session session{db, quiet()};
        const auto before = db.statement_count();
        auto customers = session.all(relata::select<Customer>().load(
            relata::select_in(&Order::customer_id).then(relata::select_in(line_order))));
        CHECK(db.statement_count() == before + autobegin + 3);
        std::size_t total = 0;
        for (Order& order : session.children<Order>(customers[0], &Order::customer_id))
            total += session.children<Line>(order, line_order).size();
        CHECK(total == 3);
        CHECK(db.statement_count() == before + autobegin + 3);
    }
    SECTION("raise_on_lazy") {
        relata::session session{db, quiet()};
        auto orders = session.all(relata::select<Order>().load(relata::raise_on_lazy(line_order)));
        try {
            (void)session.children<Line>(orders[0], line_order);
            FAIL("raise_on_lazy");
        } catch (const relata::lazy_load_error& e) {
            CHECK(std::string(e.what()).find(
                      "add .load(relata::select_in(std::tuple{&Line::order_id, &Line::order_version}))") !=
                  std::string::npos);
        }
    }
}

RELATA_BACKEND_TEST("composite foreign key: select_in across parameter-limit chunks", "[relationships][composite][size]") {
    relata_test::database test;
    auto& db = test.db;
    // 40,000 keys of 2 columns: 80,000 parameters, more than SQLite's 32,766 and PostgreSQL's 65,535.
    constexpr std::int64_t orders = 40'000;
#if defined(RELATA_TEST_BACKEND_SQLITE)
    // SQLite's default since 3.32 (Debian builds with a larger one).
    sqlite3_limit(db.native_handle(), SQLITE_LIMIT_VARIABLE_NUMBER, 32'766);
#endif
    relata::create_all<Customer, Order, Line, Shipment, Remark>(db);
    {
        std::vector<Order> o;
        std::vector<Line> l;
        for (std::int64_t i = 1; i <= orders; ++i) {
            o.push_back({i / 2 + 1, i % 2, 1, "s"});
            if (i % 7 == 0) l.push_back({0, i / 2 + 1, i % 2, "l"});
        }
        relata::insert_all(db, std::vector<Customer>{{0, "c"}});
        relata::insert_all(db, o);
        relata::insert_all(db, l);
    }
    relata::session session{db, quiet()};
    const auto before = db.statement_count();
    auto parents = session.all(relata::select<Order>().load(relata::select_in(line_order)));
    REQUIRE(parents.size() == orders);
    const std::size_t per_chunk = db.max_parameters() / 2;
    const std::size_t chunks = (static_cast<std::size_t>(orders) + per_chunk - 1) / per_chunk;
    CHECK(chunks == (relata_test::engine == relata::engine::postgresql ? 2 : 3));
    CHECK(db.statement_count() == before + autobegin + 1 + chunks);
    std::size_t lines = 0;
    for (Order& order : parents) {
        for (const Line& line : session.children<Line>(order, line_order)) {
            CHECK((line.order_id == order.id && line.order_version == order.version));
            ++lines;
        }
    }
    CHECK(lines == orders / 7);
    CHECK(db.statement_count() == before + autobegin + 1 + chunks);
}

RELATA_BACKEND_TEST("composite foreign key: ON DELETE CASCADE and SET NULL are mirrored", "[relationships][composite][cascade]") {
    relata_test::database test;
    auto& db = test.db;
    seed_composite_relationships(db);
    relata::session session{db};
    Order& order = session.get<Order>(std::tuple{1, 1});
    const auto lines = session.children<Line>(order, line_order);
    REQUIRE(lines.size() == 2);
    Line& other = session.get<Line>(3);  // order (1, 2): same id, other version
    Remark& remark = session.get<Remark>(1);
    CHECK(session.related(remark, remark_order) == &order);
    session.remove(order);
    session.flush();
    CHECK(session.state_of(lines[0]) == relata::object_state::deleted);
    CHECK(session.state_of(lines[1]) == relata::object_state::deleted);
    CHECK(session.state_of(other) == relata::object_state::persistent);
    CHECK(!remark.order_id.has_value());
    CHECK(!remark.order_version.has_value());
    CHECK(session.related(remark, remark_order) == nullptr);
    session.commit();
    CHECK(relata_test::scalar(db, "SELECT COUNT(*) FROM line") == 2);
    CHECK(relata_test::scalar(db, "SELECT COUNT(*) FROM remark WHERE order_id IS NULL AND order_version IS NULL") == 1);
    session.remove(other);  // still there: only the first version's lines went
    session.commit();
}

RELATA_BACKEND_TEST("composite foreign key: many-to-many whose link references a composite key", "[relationships][composite]") {
    relata_test::database test;
    auto& db = test.db;
    seed_composite_relationships(db);
    relata::create_all<Watch>(db);
    relata::insert_all(db, std::vector<Customer>{{0, "Bob"}});
    relata::insert_all(db, std::vector<Watch>{{1, 2, 1}, {1, 1, 2}, {2, 1, 1}});
    relata::session session{db, quiet()};
    Customer& ada = session.get<Customer>(1);
    Order& known = session.get<Order>(std::tuple{1, 2});
    recorded.attach(db);
    const auto watched = session.associated<Order>(ada, &Watch::customer_id, std::tuple{&Watch::order_id, &Watch::order_version});
    // The links, then only the order the Session lacks: (2, 1).
    CHECK(recorded.count_starting_with("SELECT") == 2);
    CHECK(recorded.statements.back().find(placeholders("IN (VALUES (?, ?))", "IN (VALUES (CAST($1 AS BIGINT), CAST($2 AS BIGINT)))")) !=
          std::string::npos);
    db.on_sql({});
    REQUIRE(watched.size() == 2);
    CHECK(&watched[0] == &known);  // links in key order: (1, 1, 2), (1, 2, 1)
    CHECK(watched[1].id == 2);
    CHECK(watched[1].version == 1);
    Customer& bob = session.get<Customer>(2);
    const auto bobs = session.associated<Order>(bob, &Watch::customer_id, std::tuple{&Watch::order_id, &Watch::order_version});
    REQUIRE(bobs.size() == 1);
    CHECK((bobs[0].id == 1 && bobs[0].version == 1));
}

// ---- Chinook: Playlist <-> Track through PlaylistTrack (composite primary key) --------------

RELATA_BACKEND_TEST("Chinook PlaylistTrack: associated tracks of a playlist", "[relationships][composite][chinook]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<chinook::Artist, chinook::Album, chinook::Genre, chinook::MediaType, chinook::Track,
                       chinook::Playlist, chinook::PlaylistTrack>(db);
    relata::insert_all(db, std::vector<chinook::MediaType>{{1, "MPEG"}});
    relata::insert_all(db, std::vector<chinook::Playlist>{{1, "Music"}, {2, "Empty"}});
    std::vector<chinook::Track> tracks;
    for (std::int64_t i = 1; i <= 5; ++i)
        tracks.push_back({.track_id = i, .name = "t" + std::to_string(i), .media_type_id = 1, .milliseconds = 1, .unit_price = 0.99});
    relata::insert_all(db, tracks);
    relata::insert_all(db, std::vector<chinook::PlaylistTrack>{{1, 4}, {1, 2}, {1, 5}});
    relata::session session{db, quiet()};
    chinook::Playlist& music = session.get<chinook::Playlist>(1);
    const auto before = db.statement_count();
    const auto found = session.associated<chinook::Track>(music, &chinook::PlaylistTrack::playlist_id,
                                                           &chinook::PlaylistTrack::track_id);
    CHECK(db.statement_count() == before + 2);  // the links, then the tracks
    REQUIRE(found.size() == 3);
    CHECK(found[0].track_id == 2);  // links in primary-key order
    CHECK(found[1].track_id == 4);
    CHECK(found[2].track_id == 5);
    CHECK(session.associated<chinook::Track>(session.get<chinook::Playlist>(2), &chinook::PlaylistTrack::playlist_id,
                                             &chinook::PlaylistTrack::track_id)
              .empty());
}

#if defined(RELATA_TEST_BACKEND_SQLITE)
TEST_CASE("Chinook PlaylistTrack: associated tracks on the real database (sqlite)", "[relationships][composite][chinook][sqlite]") {
    const auto script = std::filesystem::path(__FILE__).parent_path() / "../../../shared/data/chinook/Chinook_Sqlite.sql";
    if (!std::filesystem::exists(script)) {
        if (std::getenv("CI") != nullptr) FAIL("missing " << script);
        WARN("skipped: no Chinook data at " << script);
        return;
    }
    std::ifstream in(script);
    std::stringstream text;
    text << in.rdbuf();
    auto db = relata::sqlite::connect(":memory:", {.naming = relata::naming::pascal_case});
    db.execute_script(text.str());
    relata::session session{db, quiet()};
    auto playlists = session.all(relata::select<chinook::Playlist>().load(relata::select_in(&chinook::PlaylistTrack::playlist_id)));
    REQUIRE(playlists.size() == 18);
    std::size_t links = 0;
    std::size_t tracks = 0;
    for (chinook::Playlist& playlist : playlists) {
        links += session.children<chinook::PlaylistTrack>(playlist, &chinook::PlaylistTrack::playlist_id).size();
        tracks += session.associated<chinook::Track>(playlist, &chinook::PlaylistTrack::playlist_id,
                                                    &chinook::PlaylistTrack::track_id)
                      .size();
    }
    CHECK(links == 8715);  // SELECT COUNT(*) FROM PlaylistTrack
    CHECK(tracks == 8715);
    chinook::Playlist& grunge = session.get<chinook::Playlist>(16);  // "Grunge": 15 tracks
    CHECK(session.associated<chinook::Track>(grunge, &chinook::PlaylistTrack::playlist_id, &chinook::PlaylistTrack::track_id)
              .size() == 15);
}
#endif
