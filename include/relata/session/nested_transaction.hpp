#pragma once
/// @file
/// `relata::nested_transaction`: the guard `session::begin_nested()` returns (a SAVEPOINT).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "relata/connection.hpp"
#include "relata/detail/format.hpp"
#include "relata/error.hpp"

namespace relata {

template <connection Connection>
class session;

namespace detail {

template <class Session>
struct session_access;

/// One open `session.begin_nested()`: its savepoint, where its undo records start in the
/// Session, how to expunge the objects added since, and whether a bulk write ran inside.
struct nested_level {
    std::uint64_t id = 0;
    std::string savepoint;
    std::size_t undo_mark = 0;
    std::vector<std::function<void()>> added;
    bool bulk_write = false;
};

/// The open nested levels of one Session, outermost first.
class nested_levels {
public:
    [[nodiscard]] bool empty() const noexcept { return levels_.empty(); }
    [[nodiscard]] bool contains(std::uint64_t id) const noexcept { return index_of(id) < levels_.size(); }

    /// A new level (not yet open): a fresh id and savepoint name.
    nested_level next(std::size_t undo_mark) {
        const std::uint64_t id = ++counter_;
        return nested_level{id, detail::format("relata_nested_{}", id), undo_mark, {}, false};
    }
    void push(nested_level level) { levels_.push_back(std::move(level)); }

    void note_added(std::function<void()> expunge) {
        if (!levels_.empty()) levels_.back().added.push_back(std::move(expunge));
    }
    void note_bulk_write() noexcept {
        if (!levels_.empty()) levels_.back().bulk_write = true;
    }

    /// Ends level `id` and the levels inside it: one level with their records together (empty
    /// when `id` already ended).
    std::optional<nested_level> take(std::uint64_t id) {
        const std::size_t index = index_of(id);
        if (index >= levels_.size()) return std::nullopt;
        nested_level ended = std::move(levels_[index]);
        for (std::size_t i = index + 1; i < levels_.size(); ++i) {
            for (auto& expunge : levels_[i].added) ended.added.push_back(std::move(expunge));
            ended.bulk_write = ended.bulk_write || levels_[i].bulk_write;
        }
        levels_.erase(levels_.begin() + static_cast<std::ptrdiff_t>(index), levels_.end());
        return ended;
    }

    /// A committed level's records now belong to the enclosing level (if any), whose rollback
    /// undoes them too.
    void merge_into_innermost(nested_level&& ended) {
        if (levels_.empty()) return;
        for (auto& expunge : ended.added) levels_.back().added.push_back(std::move(expunge));
        levels_.back().bulk_write = levels_.back().bulk_write || ended.bulk_write;
    }

    /// The Session forgot its objects (clear()): the expunge records would name freed objects.
    void forget_objects() noexcept {
        for (auto& level : levels_) level.added.clear();
    }
    void clear() noexcept { levels_.clear(); }

private:
    [[nodiscard]] std::size_t index_of(std::uint64_t id) const noexcept {
        const auto found = std::find_if(levels_.begin(), levels_.end(), [&](const nested_level& l) { return l.id == id; });
        return static_cast<std::size_t>(found - levels_.begin());
    }

    std::vector<nested_level> levels_;
    std::uint64_t counter_ = 0;
};

/// nested_transaction::commit(): flush, RELEASE SAVEPOINT (releasing inner ones too); what
/// happened inside now belongs to the enclosing level.
template <class Session>
void commit_nested(Session& session, std::uint64_t id) {
    using access = session_access<Session>;
    nested_levels& nested = access::nested(session);
    if (!nested.contains(id))
        throw session_error("this nested transaction already ended (the session committed or rolled back, or "
                            "an enclosing nested transaction ended)");
    access::flush(session);
    std::optional<nested_level> ended = nested.take(id);
    if (!ended) throw session_error("the transaction of this nested transaction was ended during its flush");
    access::db(session).release_savepoint(ended->savepoint);
    nested.merge_into_innermost(std::move(*ended));
}

/// nested_transaction::rollback(): ROLLBACK TO + RELEASE SAVEPOINT, then the Session's objects
/// back to begin_nested(). A level that already ended is left alone.
template <class Session>
void rollback_nested(Session& session, std::uint64_t id) {
    using access = session_access<Session>;
    std::optional<nested_level> ended = access::nested(session).take(id);
    if (!ended) return;
    auto& db = access::db(session);
    auto restore = [&] {
        if (db.in_transaction()) {
            auto& undo = access::undo(session);
            while (undo.size() > ended->undo_mark) {
                undo.back()();
                undo.pop_back();
            }
        } else {
            access::reset_transaction(session);  // the engine or the caller ended the whole transaction
        }
        access::relationships(session).invalidate();
        access::revert_to_snapshots(session);
        for (auto& expunge : ended->added) expunge();
        if (ended->bulk_write) session.expire_all();
    };
    try {
        if (db.in_transaction()) {
            db.rollback_to_savepoint(ended->savepoint);
            db.release_savepoint(ended->savepoint);
        }
    } catch (...) {
        restore();
        throw;
    }
    restore();
}

}  // namespace detail

/// A nested transaction of a Session (SQLAlchemy's `Session.begin_nested()`), opened by
/// `session.begin_nested()`: a SAVEPOINT whose rollback undoes, in the database and in the
/// Session's objects, only what happened since it was opened.
/// @code
/// auto nested = session.begin_nested();   // (flush) SAVEPOINT "relata_nested_1"
/// counter.value = 7;
/// session.add(Post{.title = "draft"});
/// nested.commit();                        // (flush) RELEASE SAVEPOINT "relata_nested_1"
/// // or nested.rollback(), or the guard's end: ROLLBACK TO SAVEPOINT "relata_nested_1";
/// //                                           RELEASE SAVEPOINT "relata_nested_1"
/// @endcode
/// The same SQL on SQLite and PostgreSQL. A rollback restores the Session's objects to
/// `begin_nested()`: objects changed since get their values back, objects added since are
/// detached (expunged), objects removed since are persistent again; after a bulk
/// `session.execute` inside it every tracked object is expired (rows written with SQL run
/// directly on the connection are not tracked). What happened before `begin_nested()` stays.
/// Nested transactions nest; ending an outer one ends the inner ones; the Session's `commit()`
/// and `rollback()` end them all (their guards become inert). On PostgreSQL, rolling back a
/// nested transaction also recovers from a statement that failed inside it (25P02).
/// Rolls back when destroyed without `commit()`; the destructor never throws (every exception,
/// also one from a user's SQL logger, is swallowed). Movable, not copyable; must not outlive
/// its Session.
template <connection Connection>
class nested_transaction {
public:
    nested_transaction(const nested_transaction&) = delete;
    nested_transaction& operator=(const nested_transaction&) = delete;
    /// Takes over `other`'s savepoint; `other` becomes inert (its destructor does nothing).
    nested_transaction(nested_transaction&& other) noexcept
        : session_(std::exchange(other.session_, nullptr)), id_(other.id_) {}
    nested_transaction& operator=(nested_transaction&&) = delete;

    /// Rolls back unless committed or rolled back already; never throws.
    ~nested_transaction() {
        if (session_ == nullptr) return;
        try {
            detail::rollback_nested(*session_, id_);
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
        detail::commit_nested(*session_, id_);
        session_ = nullptr;
    }

    /// Rolls back now: `ROLLBACK TO SAVEPOINT "relata_nested_N"; RELEASE SAVEPOINT ...`, and
    /// restores the Session's objects to `begin_nested()` (see there). Does nothing when this
    /// nested transaction already ended.
    /// @throws relata::database_error from ROLLBACK TO / RELEASE (the objects are restored anyway).
    void rollback() {
        if (session_ == nullptr) return;
        detail::rollback_nested(*std::exchange(session_, nullptr), id_);
    }

    /// False after commit() or rollback().
    [[nodiscard]] bool active() const noexcept { return session_ != nullptr; }

private:
    friend struct detail::session_access<session<Connection>>;
    nested_transaction(session<Connection>& owner, std::uint64_t id) : session_(&owner), id_(id) {}

    session<Connection>* session_;
    std::uint64_t id_;
};

}  // namespace relata
