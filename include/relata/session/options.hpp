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
    /// Flush pending changes before a query that could see them, so queries see them
    /// (SQLAlchemy's autoflush, with Hibernate's AUTO rule for when it runs). A SELECT
    /// (`all`, `first`, `one`, `count`, loading options, lazy loads) flushes the whole Session
    /// when a model whose table the query names (FROM, JOIN, subqueries, CTEs) has a pending,
    /// changed, linked or removed object, or when any `remove()` is unflushed (ON DELETE
    /// CASCADE may change any table); otherwise it runs without flushing. The check compares
    /// the tracked objects of the named models with their snapshots, stopping at the first
    /// difference: its cost grows with the objects tracked for those models only (counted in
    /// `session_statistics::objects_compared`). A bulk write (`session.execute`) always flushes
    /// first; `get`/`find` by primary key never do. Triggers that copy changes into other
    /// tables are not seen: call `flush()` before such a query.
    bool autoflush = true;
    /// What to do when a relationship is lazily loaded in a loop (the N+1 query pattern; see
    /// <relata/session/n_plus_one.hpp>): off, warn (default) or raise.
    n_plus_one_mode n_plus_one = n_plus_one_mode::warn;
    /// Lazy loads of one relationship tolerated before the N+1 guard reacts.
    std::size_t n_plus_one_threshold = 10;
    /// Receives the N+1 warning; empty (default): one line on stderr.
    n_plus_one_logger n_plus_one_log{};
    /// How the Session begins its transactions (at its first statement, see `relata::session`).
    /// The default takes SQLite's write lock at once (`BEGIN IMMEDIATE`), so a Session's
    /// read-modify-write cannot lose an update to another connection; a Session that only reads
    /// may choose `{.mode = relata::begin_mode::deferred}` (`BEGIN`) to let writers work
    /// meanwhile. On PostgreSQL, set `isolation` (`BEGIN ISOLATION LEVEL SERIALIZABLE`) and
    /// run the unit of work under `relata::retry_transaction`.
    transaction_options transaction{.isolation = std::nullopt, .mode = begin_mode::immediate};
};

}  // namespace relata
