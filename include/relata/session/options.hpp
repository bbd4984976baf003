#pragma once
/// @file
/// A Session's options and its statistics.
#include <cstddef>
#include <cstdint>

#include "relata/session/n_plus_one.hpp"
#include "relata/transaction_options.hpp"

namespace relata {

/// Counters of one Session's work, for spotting N+1 patterns and checking batching.
struct session_statistics {
    std::uint64_t queries = 0;             ///< SELECTs the Session ran (all, first, one, get, find, count)
    std::uint64_t inserts = 0;             ///< INSERT statements flushed
    std::uint64_t updates = 0;             ///< UPDATE statements flushed
    std::uint64_t deletes = 0;             ///< DELETE statements flushed
    std::uint64_t flushes = 0;             ///< flushes that wrote something
    std::uint64_t identity_map_hits = 0;   ///< get/find answered from the identity map without SQL
    /// Persistent objects that flushes (autoflush included) compared with their snapshot: the
    /// cost of the dirty check, which grows with the objects tracked, not with the changes.
    std::uint64_t objects_compared = 0;
    std::uint64_t lazy_loads = 0;          ///< relationship navigations that ran a query (also counted in `queries`)
    std::uint64_t loader_queries = 0;      ///< select_in queries of `.load(...)` (also counted in `queries`)
};

/// Options of a Session.
struct session_options {
    /// Flush pending changes before every query the Session runs, so queries see them
    /// (SQLAlchemy's autoflush). The dirty check compares every tracked object.
    bool autoflush = true;
    /// What to do when a relationship is lazily loaded in a loop (the N+1 query pattern; see
    /// <relata/session/n_plus_one.hpp>): off, warn (default) or raise.
    n_plus_one_mode n_plus_one = n_plus_one_mode::warn;
    /// Lazy loads of one relationship tolerated before the N+1 guard reacts.
    std::size_t n_plus_one_threshold = 10;
    /// Receives the N+1 warning; empty (default): one line on stderr.
    n_plus_one_logger n_plus_one_log;
    /// How the Session begins its transactions (at its first statement, see `relata::session`).
    /// The default takes SQLite's write lock at once (`BEGIN IMMEDIATE`), so a Session's
    /// read-modify-write cannot lose an update to another connection; a Session that only reads
    /// may choose `{.mode = relata::begin_mode::deferred}` (`BEGIN`) to let writers work
    /// meanwhile. On PostgreSQL, set `isolation` (`BEGIN ISOLATION LEVEL SERIALIZABLE`) and
    /// run the unit of work under `relata::retry_transaction`.
    transaction_options transaction{.isolation = std::nullopt, .mode = begin_mode::immediate};
};

}  // namespace relata
