#pragma once
/// @file
/// The states of an object in a Session (SQLAlchemy's words): pending, persistent, deleted,
/// detached.
#include <string_view>

namespace relata {

/// Where an object stands in its Session's unit of work.
enum class object_state {
    pending,     ///< added; INSERTed at the next flush
    persistent,  ///< has a row; in the identity map; UPDATEd at flush when it differs from its snapshot
    deleted,     ///< its DELETE was flushed; becomes detached at commit
    detached,    ///< not tracked (expunged, or deleted and committed)
};

namespace detail {

/// The state's name, for error messages.
inline std::string_view state_name(object_state state) {
    switch (state) {
        case object_state::pending: return "pending";
        case object_state::persistent: return "persistent";
        case object_state::deleted: return "deleted";
        case object_state::detached: return "detached";
    }
    return "detached";
}

}  // namespace detail

}  // namespace relata
