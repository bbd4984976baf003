#pragma once
// The Chinook sample database's tables as plain structs, shared by the examples
// examples/chinook and examples/chinook_reports.
//
// The same structs map both spellings of Chinook: the SQLite script names tables and columns
// in PascalCase (`InvoiceLine`, `UnitPrice`), the PostgreSQL script in snake_case
// (`invoice_line`, `unit_price`). Nothing here spells a table or column name per member; the
// connection's naming convention (relata::naming::pascal_case / snake_case) derives them from
// the C++ names.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>

#include <relata/relata.hpp>

namespace chinook {

struct Artist {
    std::int64_t artist_id = 0;
    std::optional<std::string> name;
};
struct Album {
    std::int64_t album_id = 0;
    std::string title;
    std::int64_t artist_id = 0;
};
struct Genre {
    std::int64_t genre_id = 0;
    std::optional<std::string> name;
};
struct MediaType {
    std::int64_t media_type_id = 0;
    std::optional<std::string> name;
};
struct Track {
    std::int64_t track_id = 0;
    std::string name;
    std::optional<std::int64_t> album_id;
    std::int64_t media_type_id = 0;
    std::optional<std::int64_t> genre_id;
    std::optional<std::string> composer;
    std::int64_t milliseconds = 0;
    std::optional<std::int64_t> bytes;
    double unit_price = 0;  // NUMERIC(10,2)
};
struct Employee {
    std::int64_t employee_id = 0;
    std::string last_name;
    std::string first_name;
    std::optional<std::string> title;
    std::optional<std::int64_t> reports_to;
    std::optional<std::chrono::sys_seconds> birth_date;  // DATETIME text in SQLite
    std::optional<std::chrono::sys_seconds> hire_date;
    std::optional<std::string> address;
    std::optional<std::string> city;
    std::optional<std::string> state;
    std::optional<std::string> country;
    std::optional<std::string> postal_code;
    std::optional<std::string> phone;
    std::optional<std::string> fax;
    std::optional<std::string> email;
};
struct Customer {
    std::int64_t customer_id = 0;
    std::string first_name;
    std::string last_name;
    std::optional<std::string> company;
    std::optional<std::string> address;
    std::optional<std::string> city;
    std::optional<std::string> state;
    std::optional<std::string> country;
    std::optional<std::string> postal_code;
    std::optional<std::string> phone;
    std::optional<std::string> fax;
    std::string email;
    std::optional<std::int64_t> support_rep_id;
};
struct Invoice {
    std::int64_t invoice_id = 0;
    std::int64_t customer_id = 0;
    std::chrono::sys_seconds invoice_date{};
    std::optional<std::string> billing_address;
    std::optional<std::string> billing_city;
    std::optional<std::string> billing_state;
    std::optional<std::string> billing_country;
    std::optional<std::string> billing_postal_code;
    double total = 0;  // NUMERIC(10,2)
};
struct InvoiceLine {
    std::int64_t invoice_line_id = 0;
    std::int64_t invoice_id = 0;
    std::int64_t track_id = 0;
    double unit_price = 0;
    std::int64_t quantity = 0;
};

struct Playlist {
    std::int64_t playlist_id = 0;
    std::optional<std::string> name;
};
// The tracks of each playlist. Its primary key is the pair (PlaylistId, TrackId).
struct PlaylistTrack {
    std::int64_t playlist_id = 0;
    std::int64_t track_id = 0;
};

RELATA_MODEL(Artist, artist_id, name)
RELATA_MODEL(Album, album_id, title, artist_id)
RELATA_MODEL(Genre, genre_id, name)
RELATA_MODEL(MediaType, media_type_id, name)
RELATA_MODEL(Track, track_id, name, album_id, media_type_id, genre_id, composer, milliseconds, bytes, unit_price)
RELATA_MODEL(Employee, employee_id, last_name, first_name, title, reports_to, birth_date, hire_date, address, city,
             state, country, postal_code, phone, fax, email)
RELATA_MODEL(Customer, customer_id, first_name, last_name, company, address, city, state, country, postal_code, phone,
             fax, email, support_rep_id)
RELATA_MODEL(Invoice, invoice_id, customer_id, invoice_date, billing_address, billing_city, billing_state,
             billing_country, billing_postal_code, total)
RELATA_MODEL(InvoiceLine, invoice_line_id, invoice_id, track_id, unit_price, quantity)

RELATA_MODEL(Playlist, playlist_id, name)
RELATA_MODEL(PlaylistTrack, playlist_id, track_id)

}  // namespace chinook

// Keys are `<table>_id` rather than `id`, and Chinook's keys come with the data: the PostgreSQL
// script declares them plain INT, with no identity, so relata must not leave them to the database.
template <>
struct relata::mapping<chinook::Artist> {
    static constexpr auto primary_key = &chinook::Artist::artist_id;
    static constexpr bool generated_key = false;
};
template <>
struct relata::mapping<chinook::Album> {
    static constexpr auto primary_key = &chinook::Album::album_id;
    static constexpr bool generated_key = false;
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&chinook::Album::artist_id, &chinook::Artist::artist_id)};
};
template <>
struct relata::mapping<chinook::Genre> {
    static constexpr auto primary_key = &chinook::Genre::genre_id;
    static constexpr bool generated_key = false;
};
template <>
struct relata::mapping<chinook::MediaType> {
    static constexpr auto primary_key = &chinook::MediaType::media_type_id;
    static constexpr bool generated_key = false;
};
template <>
struct relata::mapping<chinook::Track> {
    static constexpr auto primary_key = &chinook::Track::track_id;
    static constexpr bool generated_key = false;
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&chinook::Track::album_id, &chinook::Album::album_id),
                   relata::references(&chinook::Track::media_type_id, &chinook::MediaType::media_type_id),
                   relata::references(&chinook::Track::genre_id, &chinook::Genre::genre_id)};
};
template <>
struct relata::mapping<chinook::Employee> {
    static constexpr auto primary_key = &chinook::Employee::employee_id;
    static constexpr bool generated_key = false;
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&chinook::Employee::reports_to, &chinook::Employee::employee_id)};
};
template <>
struct relata::mapping<chinook::Customer> {
    static constexpr auto primary_key = &chinook::Customer::customer_id;
    static constexpr bool generated_key = false;
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&chinook::Customer::support_rep_id, &chinook::Employee::employee_id)};
};
template <>
struct relata::mapping<chinook::Invoice> {
    static constexpr auto primary_key = &chinook::Invoice::invoice_id;
    static constexpr bool generated_key = false;
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&chinook::Invoice::customer_id, &chinook::Customer::customer_id)};
};
template <>
struct relata::mapping<chinook::InvoiceLine> {
    static constexpr auto primary_key = &chinook::InvoiceLine::invoice_line_id;
    static constexpr bool generated_key = false;
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&chinook::InvoiceLine::invoice_id, &chinook::Invoice::invoice_id),
                   relata::references(&chinook::InvoiceLine::track_id, &chinook::Track::track_id)};
};

template <>
struct relata::mapping<chinook::Playlist> {
    static constexpr auto primary_key = &chinook::Playlist::playlist_id;
    static constexpr bool generated_key = false;
};
// A composite primary key: the Session keys PlaylistTrack objects by std::tuple{playlist_id, track_id}.
template <>
struct relata::mapping<chinook::PlaylistTrack> {
    static constexpr auto primary_key = std::tuple{&chinook::PlaylistTrack::playlist_id, &chinook::PlaylistTrack::track_id};
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&chinook::PlaylistTrack::playlist_id, &chinook::Playlist::playlist_id),
                   relata::references(&chinook::PlaylistTrack::track_id, &chinook::Track::track_id)};
};
