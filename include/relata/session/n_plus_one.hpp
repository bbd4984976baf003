#pragma once
/// @file
/// The N+1 guard: a Session notices the same relationship lazily loaded again and again in a
/// loop (one query for the parents, then one per parent) and warns or throws.
///
/// Rule: every lazy load of one relationship (`session.related`, `session.children`,
/// `session.associated` that has to run SQL) counts; a loader query for that relationship
/// (`relata::select_in`, `relata::joined`) resets its count. When the count exceeds
/// `session_options::n_plus_one_threshold` (default 10), the Session
/// - `n_plus_one_mode::warn` (the default): calls `session_options::n_plus_one_log` once per
///   relationship per Session (default: one line on stderr) and carries on;
/// - `n_plus_one_mode::raise`: throws relata::n_plus_one_detected before running the load;
/// - `n_plus_one_mode::off`: does nothing.
/// Lazy loads are for distinct parents by construction: the Session answers a navigation it
/// has already loaded from memory. Idea: Hibernate's and Bullet's N+1 detectors, SQLAlchemy's
/// `raiseload`.
#include <cstddef>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

#include <fmt/core.h>

#include "relata/detail/format.hpp"
#include "relata/error.hpp"

namespace relata {

/// What a Session does when it sees the N+1 query pattern (see the file comment).
enum class n_plus_one_mode {
    off,    ///< nothing
    warn,   ///< call session_options::n_plus_one_log once per relationship (default)
    raise,  ///< throw relata::n_plus_one_detected
};

/// The callback that receives the N+1 warning (one line, without a trailing newline). It may
/// throw; the exception then leaves the navigation that triggered it.
using n_plus_one_logger = std::function<void(std::string_view message)>;

namespace detail {

/// The N+1 bookkeeping of one relationship in one Session.
struct lazy_load_counter {
    std::size_t count = 0;  // lazy loads since the last loader query of this relationship
    bool warned = false;    // warn once per relationship per Session
};

/// The warning or error text for relationship `name`.
inline std::string n_plus_one_message(std::string_view name, std::size_t count, std::string_view hint) {
    return detail::format("N+1 queries: the relationship {} was lazily loaded {} times, one query per object; load it "
                          "with the query instead: .load({})",
                          name, count, hint);
}

/// Counts one lazy load of a relationship, before its SQL runs; warns or throws per `mode`.
/// @throws relata::n_plus_one_detected in raise mode past the threshold; what `log` throws.
inline void note_lazy_load(lazy_load_counter& counter, n_plus_one_mode mode, std::size_t threshold,
                           const n_plus_one_logger& log, std::string_view name, std::string_view hint) {
    ++counter.count;
    if (mode == n_plus_one_mode::off || counter.count <= threshold) return;
    if (mode == n_plus_one_mode::raise) throw n_plus_one_detected(n_plus_one_message(name, counter.count, hint));
    if (counter.warned) return;
    counter.warned = true;
    const std::string message = "relata: warning: " + n_plus_one_message(name, counter.count, hint);
    if (log) log(message);
    else fmt::print(stderr, "{}\n", message);
}

}  // namespace detail

}  // namespace relata
