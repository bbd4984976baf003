// expect: relata: mapping<T>::primary_key names a member that RELATA_MODEL does not list
// Every member of a composite primary key must be mapped.
#include <cstdint>
#include <tuple>

#include <relata/relata.hpp>

namespace music {
struct PlaylistTrack {
    std::int64_t playlist_id = 0;
    std::int64_t track_id = 0;
    std::int64_t position = 0;  // not mapped
};
RELATA_MODEL(PlaylistTrack, playlist_id, track_id)
}  // namespace music

template <>
struct relata::mapping<music::PlaylistTrack> {
#ifndef RELATA_COMPILE_FAIL_CONTROL
    static constexpr auto primary_key = std::tuple{&music::PlaylistTrack::playlist_id, &music::PlaylistTrack::position};
#else
    static constexpr auto primary_key = std::tuple{&music::PlaylistTrack::playlist_id, &music::PlaylistTrack::track_id};
#endif
};

int main() {
    return relata::create_table_sql<music::PlaylistTrack>(relata::sqlite_dialect).sql.empty() ? 1 : 0;
}
