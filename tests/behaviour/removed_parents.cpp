// Pending children of a parent removed in the same Session: the flush follows the foreign
// key's ON DELETE as the database would had the child been inserted first.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "backends.hpp"
#include "sql_log.hpp"

namespace removed_parent_models {

struct Album {
    std::int64_t id = 0;
    std::string name;
};
RELATA_MODEL(Album, id, name)

struct Track {  // ON DELETE CASCADE
    std::int64_t id = 0;
    std::int64_t album_id = 0;
};
RELATA_MODEL(Track, id, album_id)

struct Lyric {  // ON DELETE CASCADE from Track: a second level
    std::int64_t id = 0;
    std::int64_t track_id = 0;
};
RELATA_MODEL(Lyric, id, track_id)

struct Note {  // ON DELETE SET NULL
    std::int64_t id = 0;
    std::optional<std::int64_t> album_id;
};
RELATA_MODEL(Note, id, album_id)

struct Sale {  // ON DELETE RESTRICT
    std::int64_t id = 0;
    std::int64_t album_id = 0;
};
RELATA_MODEL(Sale, id, album_id)

struct Review {  // no ON DELETE clause (NO ACTION)
    std::int64_t id = 0;
    std::int64_t album_id = 0;
};
RELATA_MODEL(Review, id, album_id)

}  // namespace removed_parent_models

using removed_parent_models::Album;
using removed_parent_models::Lyric;
using removed_parent_models::Note;
using removed_parent_models::Review;
using removed_parent_models::Sale;
using removed_parent_models::Track;

template <>
struct relata::mapping<Track> {
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&Track::album_id, &Album::id).on_delete(relata::cascade)};
};
template <>
struct relata::mapping<Lyric> {
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&Lyric::track_id, &Track::id).on_delete(relata::cascade)};
};
template <>
struct relata::mapping<Note> {
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&Note::album_id, &Album::id).on_delete(relata::set_null)};
};
template <>
struct relata::mapping<Sale> {
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&Sale::album_id, &Album::id).on_delete(relata::restrict)};
};
template <>
struct relata::mapping<Review> {
    static constexpr auto foreign_keys = std::tuple{relata::references(&Review::album_id, &Album::id)};
};

namespace {

template <class Connection>
std::int64_t rows_in(Connection& db, std::string_view table) {
    return relata_test::scalar(db, fmt::format("SELECT COUNT(*) FROM \"{}\"", table));
}

template <class Connection>
void create_schema(Connection& db) {
    relata::create_all<Album, Track, Lyric, Note, Sale, Review>(db);
}

}  // namespace

RELATA_BACKEND_TEST("ON DELETE CASCADE: pending children of a removed parent are not inserted",
                    "[session][removed_parents]") {
    relata_test::database test;
    auto& db = test.db;
    create_schema(db);
    relata::session session{db};
    relata_test::sql_log log;

    SECTION("a pending parent, linked, two levels down") {
        auto& album = session.add(Album{.name = "Kind of Blue"});
        auto& track = session.add(Track{});
        auto& lyric = session.add(Lyric{});
        session.link(track, &Track::album_id, album);
        session.link(lyric, &Lyric::track_id, track);
        auto& other = session.add(Album{.name = "Blue Train"});
        session.remove(album);
        log.attach(db);
        session.commit();
        CHECK(log.count_starting_with("INSERT") == 1);  // only the other album
        CHECK(rows_in(db, "track") + rows_in(db, "lyric") == 0);
        CHECK(session.state_of(track) == relata::object_state::detached);
        CHECK(session.state_of(lyric) == relata::object_state::detached);
        CHECK(session.state_of(other) == relata::object_state::persistent);
    }
    SECTION("a persistent parent whose row the flush deletes, referenced by key") {
        db.execute("INSERT INTO album (id, name) VALUES (1, 'Kind of Blue')");
        auto& album = session.get<Album>(1);
        auto& track = session.add(Track{.id = 7, .album_id = 1});
        session.remove(album);
        log.attach(db);
        session.commit();
        CHECK(log.count_starting_with("INSERT") == 0);
        CHECK(log.count_starting_with("DELETE") == 1);
        CHECK(rows_in(db, "album") + rows_in(db, "track") == 0);
        CHECK(session.state_of(track) == relata::object_state::detached);
        CHECK(session.state_of(album) == relata::object_state::detached);
    }
}

RELATA_BACKEND_TEST("a failed flush puts cascaded pending children back", "[session][removed_parents]") {
    relata_test::database test;
    auto& db = test.db;
    create_schema(db);
    relata::session session{db};
    auto& album = session.add(Album{.name = "Kind of Blue"});
    auto& track = session.add(Track{});
    session.link(track, &Track::album_id, album);
    session.remove(album);
    auto& orphan = session.add(Review{.id = 1, .album_id = 999});  // no such album: the INSERT fails
    REQUIRE_THROWS_AS(session.commit(), relata::constraint_violation);
    CHECK(session.state_of(track) == relata::object_state::pending);
    CHECK(session.state_of(album) == relata::object_state::detached);
    CHECK(session.is_dirty(track));
    session.expunge(orphan);
    session.commit();
    CHECK(session.state_of(track) == relata::object_state::detached);
    CHECK(rows_in(db, "track") == 0);
}

RELATA_BACKEND_TEST("ON DELETE SET NULL: pending children of a removed parent are inserted with NULL",
                    "[session][removed_parents]") {
    relata_test::database test;
    auto& db = test.db;
    create_schema(db);
    db.execute("INSERT INTO album (id, name) VALUES (1, 'Kind of Blue')");
    relata::session session{db};
    auto& kind_of_blue = session.get<Album>(1);  // before adding: a query autoflushes
    auto& pending_album = session.add(Album{.id = 2, .name = "Blue Train"});
    auto& linked = session.add(Note{.id = 10});
    session.link(linked, &Note::album_id, pending_album);
    auto& by_key = session.add(Note{.id = 11, .album_id = 1});
    session.remove(pending_album);
    session.remove(kind_of_blue);
    relata_test::sql_log log;
    log.attach(db);
    session.commit();
    CHECK(log.count_starting_with("INSERT") == 2);
    CHECK(log.count_starting_with("UPDATE") == 0);
    CHECK(linked.album_id == std::nullopt);
    CHECK(by_key.album_id == std::nullopt);
    CHECK_FALSE(session.is_dirty(linked));
    CHECK_FALSE(session.is_dirty(by_key));
    CHECK(relata_test::scalar(db, "SELECT COUNT(*) FROM note WHERE album_id IS NULL") == 2);
    CHECK(rows_in(db, "album") == 0);
}

RELATA_BACKEND_TEST("ON DELETE RESTRICT or NO ACTION: a removed parent of pending children is a clear error",
                    "[session][removed_parents]") {
    relata_test::database test;
    auto& db = test.db;
    create_schema(db);
    db.execute("INSERT INTO album (id, name) VALUES (1, 'Kind of Blue')");
    relata::session session{db};
    auto& album = session.get<Album>(1);
    session.commit();
    relata_test::sql_log log;

    SECTION("RESTRICT, a persistent parent referenced by key") {
        auto& sale = session.add(Sale{.id = 5, .album_id = 1});
        session.remove(album);
        log.attach(db);
        try {
            session.commit();
            FAIL("the flush ignored ON DELETE RESTRICT");
        } catch (const relata::session_error& e) {
            const std::string message = e.what();
            CHECK(message.find("Sale") != std::string::npos);
            CHECK(message.find("Album") != std::string::npos);
            CHECK(message.find("RESTRICT") != std::string::npos);
        }
        CHECK(log.count_starting_with("INSERT") + log.count_starting_with("DELETE") == 0);
        CHECK(session.state_of(sale) == relata::object_state::pending);
        CHECK(session.state_of(album) == relata::object_state::persistent);
        CHECK(rows_in(db, "album") == 1);
        session.expunge(sale);
        session.commit();  // the album alone goes
        CHECK(rows_in(db, "album") == 0);
    }
    SECTION("NO ACTION, a pending parent linked") {
        auto& fresh = session.add(Album{.id = 2, .name = "Blue Train"});
        auto& review = session.add(Review{.id = 6});
        session.link(review, &Review::album_id, fresh);
        session.remove(fresh);
        log.attach(db);
        try {
            session.commit();
            FAIL("the flush ignored NO ACTION");
        } catch (const relata::session_error& e) {
            CHECK(std::string(e.what()).find("NO ACTION") != std::string::npos);
        }
        CHECK(log.count_starting_with("INSERT") == 0);
        CHECK(session.state_of(review) == relata::object_state::pending);
        CHECK(rows_in(db, "review") == 0);
    }
}
