// relata example: the Chinook sample database (a digital media store) mapped with plain structs.
//
// Usage: relata_example_chinook <database> [album_id] [track_id]
//   database  a SQLite file, or a PostgreSQL conninfo: a `postgresql://` or `postgres://` URI,
//             or key=value pairs (`host=/tmp dbname=chinook`; anything containing `=`)
//   album_id  the album whose longest track is printed (default 1, AC/DC's
//             "For Those About To Rock We Salute You")
//   track_id  the track whose price is raised by 0.10 (default 1). This writes to the database:
//             every run raises the price again.
// Load the database first: sqlite3 chinook.db < ../shared/data/chinook/Chinook_Sqlite.sql
// or, for PostgreSQL, psql -d postgres -f ../shared/data/chinook/Chinook_PostgreSql.sql (which
// drops and recreates a database named chinook).
//
// First it checks the database against the models with relata::verify_schema: on a mismatch
// (a dropped column, another type, a missing key) it prints every difference, by table and
// column, to stderr and exits with status 1 before any output.
//
// Output, one fact per line, a tab before each figure, the same on both engines
// (cmake/chinook_check.sh and cmake/chinook_postgres_check.sh check it):
//   model_rows <Model>\t<rows>                  rows read into each mapped struct
//   genre_tracks <genre>\t<tracks>              top 5 genres by track count, ties by name
//   customer_total <first> <last>\t<total>      top 5 customers by invoice total, ties by id
//   longest_track <name>\t<milliseconds>        on the chosen album, ties by track id
//   artist_albums <artist>\t<albums>\t<tracks>   the first 10 artists by id: the N+1 report
//   statements <strategy>\t<count>              statements that report ran: lazy, select_in
//   track_playlists <track id>\t<n>\t<ids>       the playlists holding the chosen track (composite key)
//   price_change <track id>\t<old>\t<new>       the new price as a fresh Session reads it
//
// The same structs map both spellings of Chinook: the SQLite script names tables and columns
// in PascalCase (`InvoiceLine`, `UnitPrice`), the PostgreSQL script in snake_case
// (`invoice_line`, `unit_price`). Nothing in models.hpp spells a table or column name per member;
// the connection's naming convention derives them from the C++ names, so choosing the
// connection in main() is the only line that differs between the engines.
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>

#include <fmt/format.h>

#include <relata/relata.hpp>
#include <relata/sqlite.hpp>
#if defined(RELATA_EXAMPLE_WITH_POSTGRES)
#include <relata/postgres.hpp>
#endif

#include "models.hpp"

namespace chinook {

// Rows of the two aggregate queries: not tables, just the shape of a result.
struct GenreTracks {
    std::optional<std::string> genre;  // Genre.Name is nullable
    std::int64_t tracks = 0;
};
struct CustomerTotal {
    std::string first_name;
    std::string last_name;
    double total = 0;
};
RELATA_MODEL(GenreTracks, genre, tracks)
RELATA_MODEL(CustomerTotal, first_name, last_name, total)

}  // namespace chinook

namespace {

// The two hand-written aggregates, spelled once for both Chinook scripts: every table and
// column name comes from the models under the connection's naming convention, quoted by its
// dialect, and the row limit is a `?` placeholder (relata numbers it `$1` for PostgreSQL).
// On SQLite with naming::pascal_case the first one reads
//   SELECT g."Name", COUNT(*) AS tracks FROM "Track" t JOIN "Genre" g ON g."GenreId" = t."GenreId" ...
class sql_names {
public:
    explicit sql_names(const relata::dialect& dialect) : dialect_(dialect) {}

    template <relata::model T>
    [[nodiscard]] std::string table() const {
        return quoted(relata::table_name<T>(dialect_));
    }
    template <relata::model T, class Value>
    [[nodiscard]] std::string operator()(Value T::*member) const {
        return quoted(relata::column_name(dialect_, member));
    }

private:
    [[nodiscard]] std::string quoted(std::string_view name) const {
        std::string out;
        dialect_.append_identifier(out, name);
        return out;
    }
    const relata::dialect& dialect_;
};

// Tracks per genre, most first, ties by genre name. Parameter: the row limit.
std::string genre_tracks_sql(const relata::dialect& dialect) {
    using chinook::Genre, chinook::Track;
    const sql_names n{dialect};
    return fmt::format(
        "SELECT g.{name} AS genre, COUNT(*) AS tracks\n"
        "FROM {track} t JOIN {genre} g ON g.{genre_id} = t.{track_genre_id}\n"
        "GROUP BY g.{genre_id}, g.{name}\n"
        "ORDER BY tracks DESC, g.{name}\n"
        "LIMIT {limit}",
        fmt::arg("track", n.table<Track>()), fmt::arg("genre", n.table<Genre>()),
        fmt::arg("name", n(&Genre::name)), fmt::arg("genre_id", n(&Genre::genre_id)),
        fmt::arg("track_genre_id", n(&Track::genre_id)), fmt::arg("limit", "?"));
}

// Invoice totals per customer, highest first, ties by customer id. Rounded before ordering,
// so float noise in SUM (SQLite's REAL) cannot reorder equal totals. Parameter: the row limit.
std::string customer_totals_sql(const relata::dialect& dialect) {
    using chinook::Customer, chinook::Invoice;
    const sql_names n{dialect};
    return fmt::format(
        "SELECT c.{first_name}, c.{last_name}, SUM(i.{total}) AS total\n"
        "FROM {customer} c JOIN {invoice} i ON i.{invoice_customer_id} = c.{customer_id}\n"
        "GROUP BY c.{customer_id}, c.{first_name}, c.{last_name}\n"
        "ORDER BY ROUND(SUM(i.{total}), 2) DESC, c.{customer_id}\n"
        "LIMIT {limit}",
        fmt::arg("customer", n.table<Customer>()), fmt::arg("invoice", n.table<Invoice>()),
        fmt::arg("first_name", n(&Customer::first_name)), fmt::arg("last_name", n(&Customer::last_name)),
        fmt::arg("customer_id", n(&Customer::customer_id)), fmt::arg("total", n(&Invoice::total)),
        fmt::arg("invoice_customer_id", n(&Invoice::customer_id)), fmt::arg("limit", "?"));
}

constexpr std::int64_t top = 5;

// Reads every row of a table into its struct: a NULL in a non-optional member or a malformed
// DATETIME would throw relata::mapping_error here.
template <relata::model Model, class Connection>
void print_model_rows(Connection& db, std::string_view model_name) {
    fmt::print("model_rows {}\t{}\n", model_name, relata::all(db, relata::select<Model>()).size());
}

// The N+1 demonstration: one small report (the first 10 artists, their albums, their tracks)
// run twice. Lazily, navigation runs one query per artist and one per album (1 + 10 + albums
// statements; the Session's N+1 guard warns on stderr); with select_in loading, 3 statements:
//   SELECT ... FROM "Artist" ORDER BY "ArtistId" LIMIT ?
//   SELECT ... FROM "Album" WHERE "ArtistId" IN (?, ...) ORDER BY "AlbumId"
//   SELECT ... FROM "Track" WHERE "AlbumId" IN (?, ...) ORDER BY "TrackId"
template <relata::connection Connection>
bool print_artist_report(Connection& db) {
    using chinook::Album, chinook::Artist, chinook::Track;
    constexpr auto a = relata::columns<Artist>;
    const auto artists = relata::select<Artist>().order_by(a.artist_id).limit(10);
    const auto report = [&](auto& session, const auto& query) {
        std::string lines;
        for (Artist& artist : session.all(query)) {
            std::size_t tracks = 0;
            const auto albums = session.template children<Album>(artist, &Album::artist_id);
            for (Album& album : albums) tracks += session.template children<Track>(album, &Track::album_id).size();
            lines += fmt::format("artist_albums {}\t{}\t{}\n", artist.name.value_or(""), albums.size(), tracks);
        }
        return lines;
    };
    // The SELECTs each Session ran (its BEGIN and COMMIT are not queries).
    std::uint64_t lazy_statements = 0;
    std::string lazy;
    {
        relata::session session{db};
        lazy = report(session, artists);
        lazy_statements = session.statistics().queries;
        session.commit();
    }
    std::uint64_t loaded_statements = 0;
    std::string loaded;
    {
        relata::session session{db};
        loaded = report(session, artists.load(relata::select_in(&Album::artist_id).then(relata::select_in(&Track::album_id))));
        loaded_statements = session.statistics().queries;
        session.commit();
    }
    if (lazy != loaded) {
        fmt::print(stderr, "relata_example_chinook: the lazy and the select_in reports differ\n");
        return false;
    }
    fmt::print("{}statements lazy\t{}\nstatements select_in\t{}\n", lazy, lazy_statements, loaded_statements);
    return true;
}

// Everything the example does, on any relata connection.
template <relata::connection Connection>
int run(Connection& db, std::int64_t album_id, std::int64_t track_id) {
    // First, that the database is the one the models describe: every table, column, type,
    // nullability, primary and foreign key. A difference throws relata::schema_mismatch,
    // listing all of them by table and column (main prints it and exits with status 1).
    relata::verify_schema<chinook::Artist, chinook::Album, chinook::Genre, chinook::MediaType, chinook::Track,
                          chinook::Employee, chinook::Customer, chinook::Invoice, chinook::InvoiceLine,
                          chinook::Playlist, chinook::PlaylistTrack>(db);

    print_model_rows<chinook::Artist>(db, "Artist");
    print_model_rows<chinook::Album>(db, "Album");
    print_model_rows<chinook::Genre>(db, "Genre");
    print_model_rows<chinook::MediaType>(db, "MediaType");
    print_model_rows<chinook::Track>(db, "Track");
    print_model_rows<chinook::Employee>(db, "Employee");
    print_model_rows<chinook::Customer>(db, "Customer");
    print_model_rows<chinook::Invoice>(db, "Invoice");
    print_model_rows<chinook::InvoiceLine>(db, "InvoiceLine");

    const std::string genre_tracks = genre_tracks_sql(db.sql_dialect());
    for (const auto& row : db.template query<chinook::GenreTracks>(genre_tracks, top))
        fmt::print("genre_tracks {}\t{}\n", row.genre.value_or(""), row.tracks);
    const std::string customer_totals = customer_totals_sql(db.sql_dialect());
    for (const auto& row : db.template query<chinook::CustomerTotal>(customer_totals, top))
        fmt::print("customer_total {} {}\t{:.2f}\n", row.first_name, row.last_name, row.total);

    {
        relata::session session{db};
        constexpr auto t = relata::columns<chinook::Track>;
        // SELECT "TrackId", ... FROM "Track" WHERE "AlbumId" = ? ORDER BY "Milliseconds" DESC, "TrackId" ASC LIMIT ?
        const auto longest = relata::select<chinook::Track>()
                                 .where(t.album_id == album_id)
                                 .order_by(t.milliseconds.desc(), t.track_id)
                                 .limit(1);
        const chinook::Track* track = session.first(longest);
        if (track == nullptr) {
            fmt::print(stderr, "relata_example_chinook: album {} has no tracks\n", album_id);
            return 1;
        }
        fmt::print("longest_track {}\t{}\n", track->name, track->milliseconds);
    }
    if (!print_artist_report(db)) return 1;

    {
        relata::session session{db};
        constexpr auto pt = relata::columns<chinook::PlaylistTrack>;
        // SELECT "PlaylistId", "TrackId" FROM "PlaylistTrack" WHERE "TrackId" = ? ORDER BY "PlaylistId" ASC
        const auto entries = session.all(
            relata::select<chinook::PlaylistTrack>().where(pt.track_id == track_id).order_by(pt.playlist_id));
        std::string playlists;
        for (const chinook::PlaylistTrack& entry : entries) {
            // The composite key finds the tracked object in the identity map, without SQL.
            const auto& same = session.template get<chinook::PlaylistTrack>(std::tuple{entry.playlist_id, track_id});
            if (&same != &entry) {
                fmt::print(stderr, "relata_example_chinook: playlist {} holds track {} twice\n", entry.playlist_id, track_id);
                return 1;
            }
            playlists += fmt::format("{}{}", playlists.empty() ? "" : ",", entry.playlist_id);
        }
        fmt::print("track_playlists {}\t{}\t{}\n", track_id, entries.size(), playlists);
    }

    double old_price = 0;
    {
        relata::session session{db};
        // The Session's first statement begins its transaction (SQLite: BEGIN IMMEDIATE), so the
        // read and the write below are one transaction.
        chinook::Track& track = session.template get<chinook::Track>(track_id);  // SELECT ... WHERE "TrackId" = ?
        old_price = track.unit_price;
        track.unit_price = std::round((old_price + 0.10) * 100.0) / 100.0;  // whole cents
        session.commit();  // UPDATE "Track" SET "UnitPrice" = ? WHERE "TrackId" = ?; COMMIT
    }
    relata::session fresh{db};  // an empty identity map: the price comes from the database
    const double new_price = fresh.template get<chinook::Track>(track_id).unit_price;
    fmt::print("price_change {}\t{:.2f}\t{:.2f}\n", track_id, old_price, new_price);
    return 0;
}

std::optional<std::int64_t> parse_id(std::string_view text) {
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || value <= 0) return std::nullopt;
    return value;
}

// A PostgreSQL conninfo rather than a SQLite path: a URI, or key=value pairs.
bool is_postgres_conninfo(std::string_view target) {
    return target.starts_with("postgresql://") || target.starts_with("postgres://") ||
           target.find('=') != std::string_view::npos;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || argc > 4) {
        fmt::print(stderr,
                   "usage: relata_example_chinook <sqlite-path|postgres-conninfo> [album_id (1)] [track_id (1)]\n");
        return 2;
    }
    const std::optional<std::int64_t> album_id = argc > 2 ? parse_id(argv[2]) : 1;
    const std::optional<std::int64_t> track_id = argc > 3 ? parse_id(argv[3]) : 1;
    if (!album_id || !track_id) {
        fmt::print(stderr, "relata_example_chinook: album_id and track_id must be positive integers\n");
        return 2;
    }
    const std::string target = argv[1];
    try {
        if (is_postgres_conninfo(target)) {
#if defined(RELATA_EXAMPLE_WITH_POSTGRES)
            // Chinook_PostgreSql.sql spells tables and columns in snake_case (`invoice_line`).
            auto db = relata::postgres::connect(target, {.naming = relata::naming::snake_case});
            return run(db, *album_id, *track_id);
#else
            fmt::print(stderr, "relata_example_chinook: built without PostgreSQL (RELATA_WITH_POSTGRES=OFF)\n");
            return 2;
#endif
        }
        // Chinook_Sqlite.sql spells them in PascalCase (`InvoiceLine`).
        auto db = relata::sqlite::connect(target, {.naming = relata::naming::pascal_case});
        return run(db, *album_id, *track_id);
    } catch (const relata::error& e) {
        fmt::print(stderr, "{}\n", e.what());
        return 1;
    }
}
