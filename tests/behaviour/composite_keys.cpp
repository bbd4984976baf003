// Composite primary keys through the Session (identity map, get/find, flush, joins), and the
// checks that stop a key mapped on too few columns from folding rows or changing several.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "backends.hpp"
#include "sql_log.hpp"

namespace composite_test {

struct Playlist {
    std::int64_t id = 0;
    std::string name;
};
RELATA_MODEL(Playlist, id, name)

struct PlaylistTrack {
    std::int64_t playlist_id = 0;
    std::int32_t track_id = 0;
    int position = 0;
    std::optional<std::string> note;
};
RELATA_MODEL(PlaylistTrack, playlist_id, track_id, position, note)

// The user's mistake: the same table, with only one of its two key columns mapped as the key.
struct PlaylistEntry {
    std::int64_t playlist_id = 0;
    std::int32_t track_id = 0;
    int position = 0;
    std::optional<std::string> note;
};
RELATA_MODEL(PlaylistEntry, playlist_id, track_id, position, note)

// The playlist table again, with an after_load hook that changes what the Session keeps.
struct LoudPlaylist {
    std::int64_t id = 0;
    std::string name;
};
RELATA_MODEL(LoudPlaylist, id, name)

}  // namespace composite_test

template <>
struct relata::mapping<composite_test::LoudPlaylist> {
    static constexpr auto table = "playlist";
};
template <>
struct relata::hooks<composite_test::LoudPlaylist> {
    static void after_load(composite_test::LoudPlaylist& playlist) { playlist.name += "!"; }
};

template <>
struct relata::mapping<composite_test::PlaylistTrack> {
    static constexpr auto primary_key =
        std::tuple{&composite_test::PlaylistTrack::playlist_id, &composite_test::PlaylistTrack::track_id};
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&composite_test::PlaylistTrack::playlist_id, &composite_test::Playlist::id)};
};
template <>
struct relata::mapping<composite_test::PlaylistEntry> {
    static constexpr auto table = "playlist_track";
    static constexpr auto primary_key = &composite_test::PlaylistEntry::playlist_id;
    static constexpr bool generated_key = false;
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&composite_test::PlaylistEntry::playlist_id, &composite_test::Playlist::id)};
};

using composite_test::LoudPlaylist;
using composite_test::Playlist;
using composite_test::PlaylistEntry;
using composite_test::PlaylistTrack;

namespace {

constexpr auto pt = relata::columns<PlaylistTrack>;
constexpr auto pl = relata::columns<Playlist>;
constexpr auto entry = relata::columns<PlaylistEntry>;

/// Playlist 1 with 19 tracks, playlist 2 with 3, playlist 3 with none.
template <class Connection>
void seed_composite_keys(Connection& db) {
    relata::create_all<Playlist, PlaylistTrack>(db);
    relata::session session{db};
    for (const char* name : {"Music", "Movies", "Empty"}) session.add(Playlist{.name = name});
    session.flush();
    for (int i = 0; i < 19; ++i) session.add(PlaylistTrack{.playlist_id = 1, .track_id = 3390 + i, .position = i});
    for (int i = 0; i < 3; ++i) session.add(PlaylistTrack{.playlist_id = 2, .track_id = 100 + i, .position = i});
    session.commit();
}

std::string placeholders(std::string_view sqlite, std::string_view postgres) {
    return std::string(relata_test::engine == relata::engine::sqlite ? sqlite : postgres);
}

}  // namespace

RELATA_BACKEND_TEST("composite key: get, find, identity map, flush", "[session][composite]") {
    relata_test::database test;
    auto& db = test.db;
    seed_composite_keys(db);
    relata::session session{db};

    PlaylistTrack& track = session.get<PlaylistTrack>(std::tuple{1, 3402});
    CHECK(track.position == 12);
    const auto statements = db.statement_count();
    CHECK(&session.get<PlaylistTrack>(std::tuple{1, 3402}) == &track);  // identity map: no SQL
    CHECK(&relata::get<PlaylistTrack>(session, {1, 3402}) == &track);
    CHECK(relata::find<PlaylistTrack>(session, {1, 3402}) == &track);
    CHECK(db.statement_count() == statements);
    CHECK(session.find<PlaylistTrack>(std::tuple{2, 3402}) == nullptr);  // one key column alone does not match
    CHECK(session.find<PlaylistTrack>(std::tuple{1, 100}) == nullptr);
    try {
        session.get<PlaylistTrack>(std::tuple{7, 3402});
        FAIL("no such row");
    } catch (const relata::no_result& e) {
        CHECK(std::string(e.what()) == "relata: no PlaylistTrack with primary key (7, 3402)");
    }

    // UPDATE and DELETE name every key column.
    relata_test::sql_log recorded;
    recorded.attach(db);
    track.note = "favourite";
    session.commit();
    CHECK(recorded.first_starting_with("UPDATE") ==
          placeholders(R"(UPDATE "playlist_track" SET "note" = ? WHERE "playlist_id" = ? AND "track_id" = ?)",
                       R"(UPDATE "playlist_track" SET "note" = $1 WHERE "playlist_id" = $2 AND "track_id" = $3)"));
    CHECK(relata::count(db, relata::select<PlaylistTrack>().where(pt.note == "favourite")) == 1);

    PlaylistTrack& other = session.get<PlaylistTrack>(std::tuple{2, 101});
    recorded.attach(db);
    session.remove(other);
    session.commit();
    CHECK(recorded.first_starting_with("DELETE") ==
          placeholders(R"(DELETE FROM "playlist_track" WHERE "playlist_id" = ? AND "track_id" = ?)",
                       R"(DELETE FROM "playlist_track" WHERE "playlist_id" = $1 AND "track_id" = $2)"));
    CHECK(relata::count(db, relata::select<PlaylistTrack>().where(pt.playlist_id == 2)) == 2);
    CHECK(session.state_of(other) == relata::object_state::detached);

    // INSERT writes every key column; a key already tracked is refused.
    recorded.attach(db);
    auto& added = session.add(PlaylistTrack{.playlist_id = 2, .track_id = 101, .position = 9});
    CHECK_THROWS_AS(session.add(PlaylistTrack{.playlist_id = 1, .track_id = 3402}), relata::session_error);
    session.commit();
    CHECK(recorded.first_starting_with("INSERT") ==
          placeholders(R"(INSERT INTO "playlist_track" ("playlist_id", "track_id", "position", "note") VALUES (?, ?, ?, ?))",
                       R"(INSERT INTO "playlist_track" ("playlist_id", "track_id", "position", "note") VALUES ($1, $2, $3, $4))"));
    CHECK(&session.get<PlaylistTrack>(std::tuple{2, 101}) == &added);
    db.on_sql({});
}

RELATA_BACKEND_TEST("composite key: changing a key member moves the object in the identity map", "[session][composite]") {
    relata_test::database test;
    auto& db = test.db;
    seed_composite_keys(db);
    relata::session session{db};
    PlaylistTrack& track = session.get<PlaylistTrack>(std::tuple{1, 3402});
    track.track_id = 9999;
    relata_test::sql_log recorded;
    recorded.attach(db);
    session.commit();
    CHECK(recorded.first_starting_with("UPDATE") ==
          placeholders(R"(UPDATE "playlist_track" SET "track_id" = ? WHERE "playlist_id" = ? AND "track_id" = ?)",
                       R"(UPDATE "playlist_track" SET "track_id" = $1 WHERE "playlist_id" = $2 AND "track_id" = $3)"));
    db.on_sql({});
    const auto statements = db.statement_count();
    CHECK(&session.get<PlaylistTrack>(std::tuple{1, 9999}) == &track);
    CHECK(db.statement_count() == statements);
    CHECK(session.find<PlaylistTrack>(std::tuple{1, 3402}) == nullptr);

    // Moved in the first key column, then rolled back: the old key finds it again.
    track.playlist_id = 2;
    session.flush();
    CHECK(&session.get<PlaylistTrack>(std::tuple{2, 9999}) == &track);
    session.rollback();
    CHECK(track.playlist_id == 1);
    CHECK(&session.get<PlaylistTrack>(std::tuple{1, 9999}) == &track);
    CHECK(relata::count(db, relata::select<PlaylistTrack>().where(pt.playlist_id == 1 && pt.track_id == 9999)) == 1);
}

RELATA_BACKEND_TEST("composite key: joined rows, outer join without a match, repeated identical rows", "[session][composite][join]") {
    relata_test::database test;
    auto& db = test.db;
    seed_composite_keys(db);
    relata::session session{db};
    const auto rows = session.all(relata::select<Playlist, PlaylistTrack>()
                                      .left_join(pt.playlist_id == pl.id)
                                      .order_by(pl.id, pt.track_id));
    REQUIRE(rows.size() == 19 + 3 + 1);
    Playlist& music = std::get<0>(rows[0]);
    CHECK(&std::get<0>(rows[18]) == &music);  // the "one" side repeated: one object
    REQUIRE(std::get<1>(rows[12]) != nullptr);
    CHECK(std::get<1>(rows[12]) == &session.get<PlaylistTrack>(std::tuple{1, 3402}));
    CHECK(std::get<0>(rows[22]).name == "Empty");
    CHECK(std::get<1>(rows[22]) == nullptr);  // no match: every key column NULL

    // The same rows again, joined the other way: the tracked objects come back.
    const auto again = session.all(relata::select<PlaylistTrack, Playlist>().join(pt.playlist_id == pl.id).where(pl.id == 2).order_by(pt.track_id));
    REQUIRE(again.size() == 3);
    CHECK(&std::get<1>(again[0]) == &std::get<1>(again[2]));
    CHECK(&std::get<0>(again[0]) == std::get<1>(rows[19]));
}

RELATA_BACKEND_TEST("a row repeated by a join is one object also when an after_load hook changes it", "[session][composite][join]") {
    relata_test::database test;
    auto& db = test.db;
    seed_composite_keys(db);
    constexpr auto loud = relata::columns<LoudPlaylist>;
    relata::session session{db};
    for (int run = 0; run < 2; ++run) {  // created by this result, then tracked before it
        const auto rows = session.all(relata::select<LoudPlaylist, PlaylistTrack>()
                                          .join(pt.playlist_id == loud.id)
                                          .where(loud.id == 2)
                                          .order_by(pt.track_id));
        REQUIRE(rows.size() == 3);
        CHECK(&std::get<0>(rows[0]) == &std::get<0>(rows[2]));
        CHECK(std::get<0>(rows[0]).name == "Movies!");
    }
}

RELATA_BACKEND_TEST("composite key at size: 2000 rows found by key while pending and once loaded, one object per row", "[session][composite]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Playlist, PlaylistTrack>(db);
    {
        relata::session session{db};
        session.add(Playlist{.name = "Big"});
        session.flush();
        // Added in ascending key order, then in descending order: both found by key, without SQL.
        std::vector<PlaylistTrack*> added;
        for (int i = 1; i <= 1000; ++i) added.push_back(&session.add(PlaylistTrack{.playlist_id = 1, .track_id = i, .position = i}));
        for (int i = 2000; i > 1000; --i) added.push_back(&session.add(PlaylistTrack{.playlist_id = 1, .track_id = i, .position = i}));
        const auto before = db.statement_count();
        std::size_t found = 0;
        for (PlaylistTrack* track : added) found += session.find<PlaylistTrack>(std::tuple{1, track->track_id}) == track ? 1 : 0;
        CHECK(found == added.size());
        CHECK(session.find<PlaylistTrack>(std::tuple{2, 1}) == nullptr);  // one SELECT: no such row
        CHECK(db.statement_count() == before + 1);
        session.commit();
    }
    relata::session session{db};
    const auto tracks = session.all(relata::select<PlaylistTrack>().order_by(pt.track_id));
    REQUIRE(tracks.size() == 2000);
    const auto statements = db.statement_count();
    for (int i = 1; i <= 2000; ++i) REQUIRE(&session.get<PlaylistTrack>(std::tuple{1, i}) == &tracks[i - 1]);
    CHECK(db.statement_count() == statements);
}

RELATA_BACKEND_TEST("a key mapped on one of two key columns: rows are never folded into one object", "[session][composite][failure]") {
    relata_test::database test;
    auto& db = test.db;
    seed_composite_keys(db);

    SECTION("19 rows of one result with one mapped key") {
        relata::session session{db};
        try {
            (void)session.all(relata::select<PlaylistEntry>().where(entry.playlist_id == 1));
            FAIL("19 different rows must not become one object");
        } catch (const relata::mapping_error& e) {
            const std::string what = e.what();
            CHECK(what.rfind("relata: one query result has two rows for PlaylistEntry with primary key 1 that differ", 0) == 0);
        }
    }
    SECTION("the object was tracked before the query") {
        relata::session session{db};
        PlaylistEntry& one = session.one(relata::select<PlaylistEntry>().where(entry.track_id == 3402));
        CHECK(one.playlist_id == 1);
        CHECK_THROWS_AS(session.all(relata::select<PlaylistEntry>().where(entry.playlist_id == 1)), relata::mapping_error);
        // A single row is fine, also again.
        CHECK(&session.one(relata::select<PlaylistEntry>().where(entry.track_id == 3402)) == &one);
    }
    SECTION("loaded through a relationship: joined and select_in") {
        relata::session session{db};
        const auto joined = relata::select<Playlist>().where(pl.id == 1).load(relata::joined(&PlaylistEntry::playlist_id));
        try {
            (void)session.all(joined);
            FAIL("19 different joined rows must not become one object");
        } catch (const relata::mapping_error& e) {
            const std::string what = e.what();
            CHECK(what.rfind("relata: one query result has two rows for PlaylistEntry with primary key 1 that differ", 0) == 0);
        }
        relata::session other{db};
        CHECK_THROWS_AS(other.all(relata::select<Playlist>().where(pl.id == 1).load(relata::select_in(&PlaylistEntry::playlist_id))),
                        relata::mapping_error);
    }
}

RELATA_BACKEND_TEST("a key mapped on one of two key columns: an UPDATE or DELETE matching 3 rows changes nothing", "[session][composite][failure]") {
    relata_test::database test;
    auto& db = test.db;
    seed_composite_keys(db);
    relata::session session{db};
    PlaylistEntry& one = session.one(relata::select<PlaylistEntry>().where(entry.track_id == 101));
    REQUIRE(one.playlist_id == 2);

    SECTION("UPDATE") {
        one.note = "changed";
        try {
            session.commit();
            FAIL("the UPDATE matched 3 rows");
        } catch (const relata::mapping_error& e) {
            const std::string what = e.what();
            CHECK(what.rfind("relata: UPDATE of PlaylistEntry with primary key 2 matched 3 rows, not 1: the mapped primary "
                             "key is not unique in the table", 0) == 0);
        }
        CHECK_FALSE(db.in_transaction());
        CHECK(relata::count(db, relata::select<PlaylistTrack>().where(pt.note.is_not_null())) == 0);
        CHECK(session.is_dirty(one));
        CHECK(one.note == std::optional<std::string>("changed"));
    }
    SECTION("UPDATE inside the caller's transaction: rolled back to the flush's savepoint") {
        session.commit();  // ends the Session's read transaction (autobegin): the caller begins its own
        db.begin();
        relata::execute(db, relata::update<PlaylistTrack>().set(pt.position, 50).where(pt.track_id == 3390));
        one.note = "changed";
        CHECK_THROWS_AS(session.flush(), relata::mapping_error);
        CHECK(db.in_transaction());
        CHECK(relata::count(db, relata::select<PlaylistTrack>().where(pt.note.is_not_null())) == 0);
        CHECK(relata::count(db, relata::select<PlaylistTrack>().where(pt.position == 50)) == 1);  // earlier work kept
        db.rollback();
    }
    SECTION("DELETE") {
        session.remove(one);
        try {
            session.commit();
            FAIL("the DELETE matched 3 rows");
        } catch (const relata::mapping_error& e) {
            CHECK(std::string(e.what()).find("DELETE of PlaylistEntry with primary key 2 matched 3 rows") != std::string::npos);
        }
        CHECK(relata::count(db, relata::select<PlaylistTrack>().where(pt.playlist_id == 2)) == 3);
        CHECK(session.state_of(one) == relata::object_state::persistent);
    }
    SECTION("the same statement matching no row is stale, with the count in the message") {
        relata::execute(db, relata::remove<PlaylistTrack>().where(pt.playlist_id == 2));
        one.note = "changed";
        try {
            session.commit();
            FAIL("the UPDATE matched no row");
        } catch (const relata::stale_data_error& e) {
            CHECK(std::string(e.what()).find("UPDATE of PlaylistEntry with primary key 2 matched 0 rows") != std::string::npos);
        }
    }
}
