#pragma once
/// @file
/// A Session's options and its statistics.
#include <cstdint>

namespace relata {

/// Counters of one Session's work, for spotting N+1 patterns and checking batching.
struct session_statistics {
    std::uint64_t queries = 0;             ///< SELECTs the Session ran (all, first, one, get, find, count)
    std::uint64_t inserts = 0;             ///< INSERT statements flushed
    std::uint64_t updates = 0;             ///< UPDATE statements flushed
    std::uint64_t deletes = 0;             ///< DELETE statements flushed
    std::uint64_t flushes = 0;             ///< flushes that wrote something
    std::uint64_t identity_map_hits = 0;   ///< get/find answered from the identity map without SQL
};

/// Options of a Session.
struct session_options {
    /// Flush pending changes before every query the Session runs, so queries see them
    /// (SQLAlchemy's autoflush). The dirty check compares every tracked object.
    bool autoflush = true;
};

}  // namespace relata
