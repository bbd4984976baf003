// relata example: a report suite over the Chinook sample database, every report written with
// the typed query builder and run as exactly one SQL statement.
//
// Usage: relata_example_chinook_reports sqlite <database-file> [report]
//        relata_example_chinook_reports postgres <conninfo> [report]
//   report  run only the report of that name (e.g. 05_employee_hierarchy); default: all of them
// Load the database first: sqlite3 chinook.db < ../shared/data/chinook/Chinook_Sqlite.sql, or
// for PostgreSQL load Chinook_PostgreSql.sql (see examples/chinook). Nothing is written.
//
// Output: for each report a line `== <name>`, then one line per row, the values separated by
// tabs: integers in decimal, text as is, NULL as `NULL`, non-integral numbers with two decimals,
// times as `YYYY-MM-DD HH:MM:SS`. Every report orders its rows totally, so the output is the
// same on both engines; cmake/chinook_reports_check.sh diffs it against the same reports written
// by hand in SQL (tests/chinook_reports/{sqlite,postgres}/NN_name.sql) and run by the sqlite3
// and psql shells.
//
// Numbers that are not whole are rounded by the database (relata::round(x, 2)) before they are
// read: SQLite sums NUMERIC(10,2) columns as REAL, PostgreSQL exactly as NUMERIC, and rounding
// in SQL makes both print the same two decimals. Orderings over such sums use the rounded value
// too, so float noise cannot reorder equal totals.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>

#include <fmt/format.h>

#include <relata/relata.hpp>
#include <relata/sqlite.hpp>
#if defined(RELATA_EXAMPLE_WITH_POSTGRES)
#include <relata/postgres.hpp>
#endif

#include "../chinook/models.hpp"

namespace chinook {

/// Report 03: a customer's purchases, projected into a struct by member name.
struct CustomerValue {
    std::int64_t customer_id = 0;
    std::string customer;
    std::optional<std::string> country;
    std::int64_t invoices = 0;
    std::optional<double> total;
    std::string support_rep;
};
RELATA_MODEL(CustomerValue, customer_id, customer, country, invoices, total, support_rep)

/// Report 05: one employee in the reporting hierarchy (the rows of a recursive CTE).
struct Hierarchy {
    std::int64_t employee_id = 0;
    std::string name;
    std::optional<std::string> title;
    std::int64_t depth = 0;
    std::string path;
};
RELATA_MODEL(Hierarchy, employee_id, name, title, depth, path)

/// Report 06: tracks numbered by sales within their genre (a CTE with a window function).
struct GenreTrackRank {
    std::optional<std::string> genre;
    std::int64_t track_id = 0;
    std::string track;
    std::int64_t sold = 0;
    std::int64_t position = 0;
};
RELATA_MODEL(GenreTrackRank, genre, track_id, track, sold, position)

/// Report 14: a genre's name (the rows of a set operation in a CTE).
struct GenreName {
    std::optional<std::string> genre;
};
RELATA_MODEL(GenreName, genre)

/// Report 20: customers ranked by spending within their country.
struct CountryRank {
    std::optional<std::string> country;
    std::int64_t customer_id = 0;
    std::string customer;
    std::optional<double> total;
    std::int64_t position = 0;
};
RELATA_MODEL(CountryRank, country, customer_id, customer, total, position)

}  // namespace chinook

// The report structs need no relata::mapping: a CTE is named after its struct by the
// connection's naming convention ("Hierarchy" / "hierarchy"), and without a member `id` or
// `<type>_id` a struct has no primary key.

namespace {

using namespace chinook;

constexpr auto ar = relata::columns<Artist>;
constexpr auto al = relata::columns<Album>;
constexpr auto g = relata::columns<Genre>;
constexpr auto mt = relata::columns<MediaType>;
constexpr auto t = relata::columns<Track>;
constexpr auto e = relata::columns<Employee>;
constexpr auto c = relata::columns<Customer>;
constexpr auto i = relata::columns<Invoice>;
constexpr auto il = relata::columns<InvoiceLine>;
constexpr auto p = relata::columns<Playlist>;
constexpr auto pt = relata::columns<PlaylistTrack>;

using manager = relata::alias<Employee, "manager">;
constexpr auto m = relata::columns<manager>;

// ---------------------------------------------------------------------------------------------
// Formatting: one text per value, the same on both engines.

std::string text(std::int64_t value) { return fmt::format("{}", value); }
std::string text(double value) { return fmt::format("{:.2f}", value); }
std::string text(const std::string& value) { return value; }
std::string text(std::chrono::sys_seconds value) {
    const auto day = std::chrono::floor<std::chrono::days>(value);
    const std::chrono::year_month_day date{day};
    const std::chrono::hh_mm_ss time{value - day};
    return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", static_cast<int>(date.year()),
                       static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()), time.hours().count(),
                       time.minutes().count(), time.seconds().count());
}
template <class T>
std::string text(const std::optional<T>& value) {
    return value ? text(*value) : std::string("NULL");
}

template <class... Values>
std::string line(const Values&... values) {
    std::string out;
    ((out += text(values), out += '\t'), ...);
    out.pop_back();
    return out;
}

template <class Row>
std::string row_text(const Row& row) {
    if constexpr (requires { std::tuple_size<Row>::value; })
        return std::apply([](const auto&... values) { return line(values...); }, row);
    else
        return text(row);
}

// ---------------------------------------------------------------------------------------------
// The reports. Each function returns the query object; nothing runs here.

// 01: revenue per artist across four tables (InvoiceLine -> Track -> Album -> Artist); top 10.
auto artist_revenue() {
    const auto revenue = relata::round(relata::sum(il.unit_price * il.quantity), 2);
    return relata::select(ar.artist_id, ar.name, relata::sum(il.quantity), revenue)
        .from<InvoiceLine>()
        .join(il.track_id == t.track_id)
        .join(t.album_id == al.album_id)
        .join(al.artist_id == ar.artist_id)
        .group_by(ar.artist_id, ar.name)
        .order_by(revenue.desc(), ar.artist_id)
        .limit(10);
}

// 02: track statistics per genre, for genres with at least 20 tracks: COUNT, MIN, MAX, AVG, SUM.
auto genre_track_stats() {
    return relata::select(g.genre_id, g.name, relata::count(), relata::min(t.milliseconds), relata::max(t.milliseconds),
                          relata::round(relata::avg(t.milliseconds), 2), relata::sum(t.bytes))
        .join(t.genre_id == g.genre_id)
        .group_by(g.genre_id, g.name)
        .having(relata::count() >= 20)
        .order_by(relata::count().desc(), g.genre_id);
}

// 03: the ten best customers, projected into the struct CustomerValue (members matched by name);
// three tables: Customer, Invoice, and Employee as the support representative.
auto customer_value() {
    const auto total = relata::round(relata::sum(i.total), 2);
    return relata::select<CustomerValue>(c.customer_id, (c.first_name + " " + c.last_name).as<"customer">(), c.country,
                                         relata::count(i.invoice_id).as<"invoices">(), total.as<"total">(),
                                         (e.first_name + " " + e.last_name).as<"support_rep">())
        .join(i.customer_id == c.customer_id)
        .join(c.support_rep_id == e.employee_id)
        .group_by(c.customer_id, c.first_name, c.last_name, c.country, e.first_name, e.last_name)
        .order_by(total.desc(), c.customer_id)
        .limit(10);
}

// 04: artists none of whose tracks was ever sold: a correlated NOT EXISTS over a join.
auto artists_never_sold() {
    const auto sales = relata::select(il.invoice_line_id)
                           .join(il.track_id == t.track_id)
                           .join(t.album_id == al.album_id)
                           .correlate<Artist>()
                           .where(al.artist_id == ar.artist_id);
    return relata::select(ar.artist_id, ar.name).where(relata::not_exists(sales)).order_by(ar.artist_id);
}

// 05: the reporting hierarchy over Employee.ReportsTo: a recursive CTE with depth and path.
auto employee_hierarchy() {
    constexpr auto h = relata::columns<Hierarchy>;
    const auto name = (e.first_name + " " + e.last_name).as<"name">();
    // PostgreSQL: the path's type must be the same in both parts (text, not VARCHAR(20)).
    const auto top = relata::select<Hierarchy>(e.employee_id, name, e.title, relata::literal<std::int64_t>(0).as<"depth">(),
                                               relata::cast<std::string>(e.last_name).as<"path">())
                         .where(e.reports_to.is_null());
    const auto below = relata::select<Hierarchy>(e.employee_id, name, e.title, (h.depth + 1).as<"depth">(),
                                                 (h.path + " > " + e.last_name).as<"path">())
                           .join(e.reports_to == h.employee_id);
    const auto chart = relata::cte<Hierarchy>(top.union_all(below));
    return relata::select<Hierarchy>().with_recursive(chart).order_by(h.path, h.employee_id);
}

// 06: the three best-selling tracks of each genre: row_number() over a partition per genre, in
// a CTE, filtered outside.
auto top_tracks_per_genre() {
    constexpr auto r = relata::columns<GenreTrackRank>;
    const auto ranked = relata::cte<GenreTrackRank>(
        relata::select<GenreTrackRank>(
            g.name.as<"genre">(), t.track_id, t.name.as<"track">(), relata::count().as<"sold">(),
            relata::row_number()
                .over(relata::partition_by(g.genre_id), relata::order_by(relata::count().desc(), t.track_id))
                .as<"position">())
            .join(t.genre_id == g.genre_id)
            .join(il.track_id == t.track_id)
            .group_by(g.genre_id, g.name, t.track_id, t.name));
    return relata::select<GenreTrackRank>().with(ranked).where(r.position <= 3).order_by(r.genre, r.position);
}

// 07: every employee with their manager: a self-join through an alias, LEFT JOINed (the
// general manager has none, so the manager's columns are read as optional).
auto employee_managers() {
    return relata::select(e.employee_id, e.first_name + " " + e.last_name, e.title,
                          relata::format_time(e.hire_date, "%Y-%m-%d"),
                          m.first_name.nullable() + " " + m.last_name.nullable(), m.title.nullable())
        .left_join(e.reports_to == m.employee_id)
        .order_by(e.employee_id);
}

// 08: sales per year: relata::year() in the select list, GROUP BY and ORDER BY.
auto sales_per_year() {
    const auto year = relata::year(i.invoice_date);
    return relata::select(year, relata::count(), relata::round(relata::sum(i.total), 2),
                          relata::round(relata::avg(i.total), 2), relata::min(i.total), relata::max(i.total))
        .group_by(year)
        .order_by(year);
}

// 09: sales per month of 2024: format_time(..., "%Y-%m") and month(). (This Chinook's invoices
// are dated 2021 to 2025.)
auto monthly_sales_2024() {
    const auto month = relata::format_time(i.invoice_date, "%Y-%m");
    const auto month_number = relata::month(i.invoice_date);
    return relata::select(month, month_number, relata::count(), relata::count_distinct(i.customer_id),
                          relata::round(relata::sum(i.total), 2))
        .where(relata::year(i.invoice_date) == 2024)
        .group_by(month, month_number)
        .order_by(month);
}

// 10: sales per quarter: truncate() to the quarter's first day, and extract(quarter).
auto quarterly_sales() {
    const auto quarter = relata::truncate(i.invoice_date, relata::date_unit::quarter);
    const auto quarter_number = relata::extract(relata::date_unit::quarter, i.invoice_date);
    return relata::select(quarter, quarter_number, relata::count(), relata::round(relata::sum(i.total), 2))
        .group_by(quarter, quarter_number)
        .order_by(quarter);
}

// 11: invoices above the average invoice, per billing country: an uncorrelated scalar subquery
// in WHERE.
auto invoices_above_average() {
    return relata::select(i.billing_country, relata::count(), relata::round(relata::sum(i.total), 2))
        .where(i.total > relata::select(relata::avg(i.total)))
        .group_by(i.billing_country)
        .order_by(relata::count().desc(), i.billing_country);
}

// 12: the size of every playlist: a correlated scalar subquery in the select list.
auto playlist_sizes() {
    const auto tracks = relata::select(relata::count())
                            .from<PlaylistTrack>()
                            .correlate<Playlist>()
                            .where(pt.playlist_id == p.playlist_id);
    return relata::select(p.playlist_id, p.name, tracks.as<"tracks">()).order_by(p.playlist_id);
}

// 13: everyone in Canada, customers and employees: UNION ALL, ordered over the result's columns.
auto people_in_canada() {
    const auto customer = relata::literal<std::string>("customer").as<"kind">();
    const auto employee = relata::literal<std::string>("employee").as<"kind">();
    const auto customers = relata::select(customer, c.last_name, c.first_name, c.city).where(c.country == "Canada");
    const auto employees = relata::select(employee, e.last_name, e.first_name, e.city).where(e.country == "Canada");
    return customers.union_all(employees).order_by(c.last_name, c.first_name, c.city);
}

// 14: genres bought in the USA but never in Canada: EXCEPT. The compound is a CTE so that its
// rows can be ordered by the genre: ORDER BY on the compound itself renders `ORDER BY "Name"`,
// which SQLite cannot match to the result column because Track has a "Name" too (a builder
// limitation; see the report of issue 6 item 13).
auto genres_usa_not_canada() {
    constexpr auto r = relata::columns<GenreName>;
    const auto bought_in = [](const char* country) {
        return relata::select<GenreName>(g.name.as<"genre">())
            .join(t.genre_id == g.genre_id)
            .join(il.track_id == t.track_id)
            .join(il.invoice_id == i.invoice_id)
            .where(i.billing_country == country);
    };
    const auto genres = relata::cte<GenreName>(bought_in("USA").except(bought_in("Canada")));
    return relata::select<GenreName>().with(genres).order_by(r.genre);
}

// 15: employees and how many customers they support: a LEFT JOIN whose nullable side is
// counted (0 for employees without customers).
auto support_load() {
    return relata::select(e.employee_id, e.first_name + " " + e.last_name, relata::count(c.customer_id),
                          relata::min(c.country.nullable()))
        .left_join(c.support_rep_id == e.employee_id)
        .group_by(e.employee_id, e.first_name, e.last_name)
        .order_by(e.employee_id);
}

// 16: artists 140 to 160 with their albums, whole models: rows are tuple<Artist, optional<Album>>.
auto artists_with_albums() {
    return relata::select<Artist, Album>()
        .left_join(al.artist_id == ar.artist_id)
        .where(ar.artist_id.between(140, 160))
        .order_by(ar.artist_id, al.album_id);
}

// 17: the ten longest albums: total length, whole minutes by integer division, and the artist.
auto longest_albums() {
    const auto length = relata::sum(t.milliseconds);
    return relata::select(al.album_id, al.title, ar.name, relata::count(), length, length / 60000)
        .join(ar.artist_id == al.artist_id)
        .join(t.album_id == al.album_id)
        .group_by(al.album_id, al.title, ar.name)
        .order_by(length.desc(), al.album_id)
        .limit(10);
}

// 18: each media type's share of all tracks in percent: a scalar subquery in arithmetic.
auto media_type_share() {
    const auto all_tracks = relata::select(relata::count()).from<Track>();
    return relata::select(mt.media_type_id, mt.name, relata::count(),
                          relata::round(relata::cast<double>(relata::count()) * 100.0 / all_tracks, 2))
        .join(t.media_type_id == mt.media_type_id)
        .group_by(mt.media_type_id, mt.name)
        .order_by(relata::count().desc(), mt.media_type_id);
}

// 19: monthly sales with a running total per year: SUM(SUM(total)) OVER (PARTITION BY year
// ORDER BY month).
auto running_sales() {
    const auto month = relata::format_time(i.invoice_date, "%Y-%m");
    const auto year = relata::year(i.invoice_date);
    const auto running = relata::sum(relata::sum(i.total)).over(relata::partition_by(year), relata::order_by(month));
    return relata::select(month, relata::round(relata::sum(i.total), 2), relata::round(running, 2))
        .group_by(month, year)
        .order_by(month);
}

// 20: the best customer of each country (ties share the rank): rank() over a partition per
// country, in a CTE.
auto best_customer_per_country() {
    constexpr auto r = relata::columns<CountryRank>;
    const auto total = relata::round(relata::sum(i.total), 2);
    const auto ranked = relata::cte<CountryRank>(
        relata::select<CountryRank>(
            c.country, c.customer_id, (c.first_name + " " + c.last_name).as<"customer">(), total.as<"total">(),
            relata::rank().over(relata::partition_by(c.country), relata::order_by(total.desc())).as<"position">())
            .join(i.customer_id == c.customer_id)
            .group_by(c.customer_id, c.country, c.first_name, c.last_name));
    return relata::select<CountryRank>().with(ranked).where(r.position == 1).order_by(r.country, r.customer_id);
}

// 21: playlists spanning more than one genre: four tables, COUNT(DISTINCT), HAVING.
auto playlist_genres() {
    return relata::select(p.playlist_id, p.name, relata::count(), relata::count_distinct(t.genre_id))
        .join(pt.playlist_id == p.playlist_id)
        .join(pt.track_id == t.track_id)
        .group_by(p.playlist_id, p.name)
        .having(relata::count_distinct(t.genre_id) > 1)
        .order_by(relata::count().desc(), p.playlist_id);
}

// 22: tracks by length band: a CASE expression in the select list and GROUP BY.
auto track_length_bands() {
    const auto band = relata::case_when(t.milliseconds < 180000, "short")
                          .when(t.milliseconds < 360000, "medium")
                          .otherwise("long");
    return relata::select(band, relata::count(), relata::min(t.milliseconds), relata::max(t.milliseconds))
        .group_by(band)
        .order_by(relata::min(t.milliseconds));
}

// 23: customers who bought jazz: a correlated EXISTS over three joined tables.
auto jazz_customers() {
    const auto jazz = relata::select(il.invoice_line_id)
                          .join(il.invoice_id == i.invoice_id)
                          .join(il.track_id == t.track_id)
                          .join(t.genre_id == g.genre_id)
                          .correlate<Customer>()
                          .where(i.customer_id == c.customer_id && g.name == "Jazz");
    return relata::select(c.customer_id, c.first_name + " " + c.last_name, c.country)
        .where(relata::exists(jazz))
        .order_by(c.customer_id);
}


// 24: tracks on at least five playlists: IN over a grouped subquery with HAVING.
auto tracks_on_many_playlists() {
    const auto popular = relata::select(pt.track_id).group_by(pt.track_id).having(relata::count() >= 5);
    return relata::select(t.track_id, t.name, al.title)
        .join(t.album_id == al.album_id)
        .where(t.track_id.in(popular))
        .order_by(t.track_id);
}

// 25: the most prolific composers, unknown ones (NULL) first as "(unknown)": coalesce() over a
// grouped column, NULLS FIRST (the engines differ without it).
auto prolific_composers() {
    return relata::select(relata::coalesce(t.composer, "(unknown)"), relata::count())
        .group_by(t.composer)
        .having(relata::count() >= 20)
        .order_by(t.composer.asc().nulls_first());
}

// 26: cities with both customers and employees: INTERSECT.
auto shared_cities() {
    return relata::select(c.city, c.country).intersect(relata::select(e.city, e.country)).order_by(c.city, c.country);
}

// 27: the second page of the largest invoices: LIMIT and OFFSET, a time point read as is.
auto largest_invoices_page_2() {
    return relata::select(i.invoice_id, i.invoice_date, i.billing_country, i.total)
        .order_by(i.total.desc(), i.invoice_id)
        .limit(10)
        .offset(10);
}

// 28: support representatives and their customers as whole models through a FULL JOIN: employees
// without customers appear once with none (rows are tuple<optional<Employee>, optional<Customer>>).
auto support_assignments() {
    return relata::select<Employee, Customer>()
        .full_join(c.support_rep_id == e.employee_id)
        .order_by(e.employee_id.asc().nulls_last(), c.customer_id.asc().nulls_last());
}

// ---------------------------------------------------------------------------------------------

/// Runs one report as exactly one statement and prints its rows.
template <relata::connection Connection, class Query, class Print>
void run_report(Connection& db, std::string_view name, const Query& query, Print print) {
    fmt::print("== {}\n", name);
    const std::uint64_t before = db.statement_count();
    const auto rows = relata::all(db, query);
    const std::uint64_t statements = db.statement_count() - before;
    if (statements != 1)
        throw std::logic_error(fmt::format("report {} ran {} statements instead of one", name, statements));
    for (const auto& row : rows) fmt::print("{}\n", print(row));
}

template <relata::connection Connection>
void run_report(Connection& db, std::string_view name, const auto& query) {
    run_report(db, name, query, [](const auto& row) { return row_text(row); });
}

/// Runs every report, or the one named `only`; returns how many ran.
template <relata::connection Connection>
int run(Connection& db, std::string_view only) {
    int ran = 0;
    const auto report = [&](std::string_view name, auto&& go) {
        if (!only.empty() && only != name) return;
        go(name);
        ++ran;
    };
    report("01_artist_revenue", [&](auto name) { run_report(db, name, artist_revenue()); });
    report("02_genre_track_stats", [&](auto name) { run_report(db, name, genre_track_stats()); });
    report("03_customer_value", [&](auto name) {
        run_report(db, name, customer_value(), [](const CustomerValue& row) {
            return line(row.customer_id, row.customer, row.country, row.invoices, row.total, row.support_rep);
        });
    });
    report("04_artists_never_sold", [&](auto name) { run_report(db, name, artists_never_sold()); });
    report("05_employee_hierarchy", [&](auto name) {
        run_report(db, name, employee_hierarchy(), [](const Hierarchy& row) {
            return line(row.employee_id, row.name, row.title, row.depth, row.path);
        });
    });
    report("06_top_tracks_per_genre", [&](auto name) {
        run_report(db, name, top_tracks_per_genre(), [](const GenreTrackRank& row) {
            return line(row.genre, row.position, row.track_id, row.track, row.sold);
        });
    });
    report("07_employee_managers", [&](auto name) { run_report(db, name, employee_managers()); });
    report("08_sales_per_year", [&](auto name) { run_report(db, name, sales_per_year()); });
    report("09_monthly_sales_2024", [&](auto name) { run_report(db, name, monthly_sales_2024()); });
    report("10_quarterly_sales", [&](auto name) { run_report(db, name, quarterly_sales()); });
    report("11_invoices_above_average", [&](auto name) { run_report(db, name, invoices_above_average()); });
    report("12_playlist_sizes", [&](auto name) { run_report(db, name, playlist_sizes()); });
    report("13_people_in_canada", [&](auto name) { run_report(db, name, people_in_canada()); });
    report("14_genres_usa_not_canada", [&](auto name) {
        run_report(db, name, genres_usa_not_canada(), [](const GenreName& row) { return line(row.genre); });
    });
    report("15_support_load", [&](auto name) { run_report(db, name, support_load()); });
    report("16_artists_with_albums", [&](auto name) {
        run_report(db, name, artists_with_albums(), [](const std::tuple<Artist, std::optional<Album>>& row) {
            const auto& [artist, album] = row;
            return line(artist.artist_id, artist.name, album ? std::optional(album->album_id) : std::nullopt,
                        album ? std::optional(album->title) : std::nullopt);
        });
    });
    report("17_longest_albums", [&](auto name) { run_report(db, name, longest_albums()); });
    report("18_media_type_share", [&](auto name) { run_report(db, name, media_type_share()); });
    report("19_running_sales", [&](auto name) { run_report(db, name, running_sales()); });
    report("20_best_customer_per_country", [&](auto name) {
        run_report(db, name, best_customer_per_country(), [](const CountryRank& row) {
            return line(row.country, row.customer_id, row.customer, row.total, row.position);
        });
    });
    report("21_playlist_genres", [&](auto name) { run_report(db, name, playlist_genres()); });
    report("22_track_length_bands", [&](auto name) { run_report(db, name, track_length_bands()); });
    report("23_jazz_customers", [&](auto name) { run_report(db, name, jazz_customers()); });
    report("24_tracks_on_many_playlists", [&](auto name) { run_report(db, name, tracks_on_many_playlists()); });
    report("25_prolific_composers", [&](auto name) { run_report(db, name, prolific_composers()); });
    report("26_shared_cities", [&](auto name) { run_report(db, name, shared_cities()); });
    report("27_largest_invoices_page_2", [&](auto name) { run_report(db, name, largest_invoices_page_2()); });
    report("28_support_assignments", [&](auto name) {
        using row_type = std::tuple<std::optional<Employee>, std::optional<Customer>>;
        run_report(db, name, support_assignments(), [](const row_type& row) {
            const auto& [employee, customer] = row;
            return line(employee ? std::optional(employee->employee_id) : std::nullopt,
                        employee ? std::optional(employee->last_name) : std::nullopt,
                        customer ? std::optional(customer->customer_id) : std::nullopt,
                        customer ? std::optional(customer->last_name) : std::nullopt);
        });
    });
    return ran;
}

int usage() {
    fmt::print(stderr,
               "usage: relata_example_chinook_reports sqlite <database-file> [report]\n"
               "       relata_example_chinook_reports postgres <conninfo> [report]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3 || argc > 4) return usage();
    const std::string_view backend = argv[1];
    const std::string target = argv[2];
    const std::string_view only = argc > 3 ? argv[3] : "";
    try {
        int ran = 0;
        if (backend == "sqlite") {
            // Chinook_Sqlite.sql spells tables and columns in PascalCase (`InvoiceLine`).
            auto db = relata::sqlite::connect(target, {.read_only = true, .naming = relata::naming::pascal_case});
            ran = run(db, only);
        } else if (backend == "postgres") {
#if defined(RELATA_EXAMPLE_WITH_POSTGRES)
            // Chinook_PostgreSql.sql spells them in snake_case (`invoice_line`).
            auto db = relata::postgres::connect(target, {.naming = relata::naming::snake_case});
            ran = run(db, only);
#else
            fmt::print(stderr, "relata_example_chinook_reports: built without PostgreSQL (RELATA_WITH_POSTGRES=OFF)\n");
            return 2;
#endif
        } else {
            return usage();
        }
        if (ran == 0) {
            fmt::print(stderr, "relata_example_chinook_reports: no report named {}\n", only);
            return 2;
        }
        return 0;
    } catch (const std::exception& e) {
        fmt::print(stderr, "relata_example_chinook_reports: {}\n", e.what());
        return 1;
    }
}
