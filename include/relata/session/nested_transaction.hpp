#pragma once
/// @file
/// `relata::nested_transaction`: the guard `session::begin_nested()` returns (a SAVEPOINT).
#include <cstdint>
#include <utility>

#include "relata/connection.hpp"
#include "relata/error.hpp"

namespace relata {

template <connection Connection>
class session;

/// A nested transaction of a Session (SQLAlchemy's `Session.begin_nested()`), opened by
/// `session.begin_nested()`: a SAVEPOINT whose rollback undoes, in the database and in the
/// Session's objects, only what happened since it was opened.
/// @code
/// auto nested = session.begin_nested();   // SAVEPOINT "relata_nested_1"
/// session.add(Post{.title = "draft"});
/// nested.rollback();                      // ROLLBACK TO SAVEPOINT "relata_nested_1"; RELEASE SAVEPOINT ...
///                                         // the draft is detached; earlier changes stay
/// @endcode
/// Rolls back when destroyed without `commit()`; the destructor never throws (every exception,
/// also one from a user's SQL logger, is swallowed). Movable, not copyable; must not outlive
/// its Session.
template <connection Connection>
class nested_transaction {
public:
    nested_transaction(const nested_transaction&) = delete;
    nested_transaction& operator=(const nested_transaction&) = delete;
    nested_transaction(nested_transaction&& other) noexcept
        : session_(std::exchange(other.session_, nullptr)), id_(other.id_) {}
    nested_transaction& operator=(nested_transaction&&) = delete;

    /// Rolls back unless committed or rolled back already; never throws.
    ~nested_transaction() {
        if (session_ == nullptr) return;
        try {
            session_->rollback_nested(id_);
        } catch (...) {  // NOLINT(bugprone-empty-catch): destructors must not throw
        }
    }

    /// Flushes the Session's pending changes and releases the savepoint
    /// (`RELEASE SAVEPOINT "relata_nested_N"`, which also ends nested transactions opened inside
    /// this one). Its changes become part of the enclosing (nested) transaction: an enclosing
    /// rollback still undoes them.
    /// @throws as `session::flush()` — the savepoint stays open then, to fix and commit again or
    /// roll back; relata::session_error when this nested transaction already ended (committed,
    /// rolled back, or ended by the Session's commit/rollback or an enclosing one).
    void commit() {
        if (session_ == nullptr) throw session_error("this nested transaction was already committed or rolled back");
        session_->commit_nested(id_);
        session_ = nullptr;
    }

    /// Rolls back now: `ROLLBACK TO SAVEPOINT "relata_nested_N"; RELEASE SAVEPOINT ...`, and
    /// restores the Session's objects to `begin_nested()` (see there). Does nothing when this
    /// nested transaction already ended.
    /// @throws relata::database_error from ROLLBACK TO / RELEASE (the objects are restored anyway).
    void rollback() {
        if (session_ == nullptr) return;
        std::exchange(session_, nullptr)->rollback_nested(id_);
    }

    /// False after commit() or rollback().
    [[nodiscard]] bool active() const noexcept { return session_ != nullptr; }

private:
    friend class session<Connection>;
    nested_transaction(session<Connection>& owner, std::uint64_t id) : session_(&owner), id_(id) {}

    session<Connection>* session_;
    std::uint64_t id_;
};

}  // namespace relata
