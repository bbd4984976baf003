#pragma once
/// @file
/// The Session's flush, commit and rollback, and the bookkeeping around them: autobegin,
/// the autoflush rule, undo, the flush order of models, and the connection borrowed from a
/// pool for one unit of work. Member functions of relata::session (<relata/session.hpp>, which
/// includes this header and documents them).
#include <algorithm>
#include <cstddef>
#include <typeindex>
#include <vector>

#include "relata/error.hpp"
#include "relata/session.hpp"
#include "relata/session/cycles.hpp"
#include "relata/session/flush_order.hpp"
#include "relata/session/registry_base.hpp"

namespace relata {

template <connection Connection>
void session<Connection>::flush() {
    check_transaction_alive();
    check_not_aborted();
    std::vector<detail::registry_base<Connection>*> ordered = flush_order();
    bool any = false;
    detail::flush_phases<detail::registry_base<Connection>> phases;
    try {
        for (auto* registry : ordered) any = registry->plan() || any;  // plan every registry (runs hooks)
        if (any) detail::follow_removed_parents(ordered);  // pending children of removed parents
        if (any) phases = detail::order_flush(ordered);     // foreign-key cycles: <relata/session/cycles.hpp>
    } catch (...) {
        for (auto* registry : ordered) {
            statistics_.objects_compared += registry->take_objects_compared();
            registry->discard_plan();
        }
        throw;
    }
    for (auto* registry : ordered) statistics_.objects_compared += registry->take_objects_compared();
    if (!any) {
        removals_unflushed_ = false;
        return;
    }
    // Begun here, nothing ran before in it: a failure simply rolls it back. Otherwise reads
    // or earlier flushes (and their snapshot and locks) must survive: a savepoint, unless
    // commit() is flushing its own transaction, which it rolls back whole on failure.
    const bool began = !db().in_transaction();
    const bool savepoint = !began && !committing_;
    try {
        if (began) {
            db().begin(options_.transaction);
            owns_transaction_ = true;
        }
        if (savepoint) db().savepoint("relata_flush");
        for (auto* registry : phases.inserts) registry->write_inserts(db(), statistics_);
        for (auto* registry : phases.inserts) registry->write_deferred_keys(db(), statistics_);
        for (auto* registry : ordered) registry->write_updates(db(), statistics_);
        for (auto* registry : phases.deletes) registry->write_cleared_keys(db(), statistics_);
        for (auto* registry : phases.deletes) registry->write_deletes(db(), statistics_);
        if (savepoint) db().release_savepoint("relata_flush");
    } catch (...) {
        for (auto* registry : ordered) registry->abandon_plan();
        try {
            if (began && db().in_transaction()) {
                db().rollback();
            } else if (savepoint && db().in_transaction()) {
                db().rollback_to_savepoint("relata_flush");
                db().release_savepoint("relata_flush");
            }
        } catch (...) {  // NOLINT(bugprone-empty-catch): the original exception matters more
        }
        if (began) {
            owns_transaction_ = false;
        } else if (!db().in_transaction()) {
            // The engine rolled back the whole transaction: earlier flushes are gone too.
            reset_transaction();
        }
        throw;
    }
    for (auto* registry : ordered) registry->apply(undo_);
    follow_deleted_parents();
    removals_unflushed_ = false;
    ++statistics_.flushes;
}

template <connection Connection>
void session<Connection>::commit() {
    check_same_database();  // before the failure path below touches the connection
    try {
        if (owns_transaction_ && aborted())
            throw session_error("commit(): an earlier failed statement aborted the transaction (PostgreSQL "
                                "25P02); it was rolled back and the session restored to its last commit");
        committing_ = owns_transaction_;
        flush();
        committing_ = false;
        if (owns_transaction_) db().commit();
    } catch (...) {
        committing_ = false;
        if (owns_transaction_) {
            if (db_->in_transaction()) {  // owns_transaction_: db_ is set
                try {
                    db_->rollback();
                } catch (...) {  // NOLINT(bugprone-empty-catch): the original exception matters more
                }
            }
            reset_transaction();
        }
        give_back_connection();
        throw;
    }
    undo_.clear();
    owns_transaction_ = false;
    nested_.clear();
    for (auto& [type, registry] : registries_) registry->finish_commit();
    give_back_connection();
}

template <connection Connection>
void session<Connection>::rollback() {
    check_same_database();
    const bool open = db_ != nullptr && db_->in_transaction();  // null: over a pool, between units of work
    relationships_.invalidate();
    reset_transaction();
    for (auto& [type, registry] : registries_) registry->revert_to_snapshots();
    if (open) db_->rollback();
    give_back_connection();
}

template <connection Connection>
void session<Connection>::follow_deleted_parents() {
    const auto registry_of = [this](std::type_index type) -> detail::registry_base<Connection>* {
        const auto found = registries_.find(type);
        return found == registries_.end() ? nullptr : found->second.get();
    };
    for (bool again = true; again;) {
        again = false;
        for (auto& [type, registry] : registries_) again = registry->follow_deleted_parents(registry_of, undo_) || again;
    }
}

template <connection Connection>
void session<Connection>::begin_statement() {
    check_transaction_alive();
    check_not_aborted();
    if (!db().in_transaction()) {
        db().begin(options_.transaction);
        owns_transaction_ = true;
    }
}

template <connection Connection>
void session<Connection>::check_not_aborted() const {
    if (aborted())
        throw session_error(
            "an earlier failed statement aborted the transaction (PostgreSQL would answer 25P02): call "
            "session.rollback() (or roll back a nested transaction begun before the failure) and run the "
            "work again");
}

template <connection Connection>
void session<Connection>::reset_transaction() {
    undo_all();
    owns_transaction_ = false;
    nested_.clear();
}

template <connection Connection>
void session<Connection>::autoflush(const std::vector<const detail::model_info*>& tables) {
    if (!options_.autoflush) return;
    bool needed = removals_unflushed_;
    for (auto& [type, registry] : registries_) {
        if (needed) break;
        if (std::find(tables.begin(), tables.end(), registry->model_description()) == tables.end()) continue;
        needed = registry->has_changes();
        statistics_.objects_compared += registry->take_objects_compared();
    }
    if (needed) flush();
}

template <connection Connection>
void session<Connection>::check_transaction_alive() {
    check_same_database();
    if (!owns_transaction_ || db_->in_transaction()) return;  // owns_transaction_: db_ is set
    reset_transaction();
    throw session_error(
        "the transaction this session began was ended outside it (e.g. a ROLLBACK or COMMIT on the "
        "connection, or the connection was lost and reconnected); the session was restored to its last commit and will write its changes again");
}

template <connection Connection>
void session<Connection>::check_same_database() const {
    if (db_ == nullptr) return;
    if constexpr (requires { db_->handle_id(); }) {
        if (!on_same_database())
            throw session_error(db_->handle_id() == 0
                                    ? "the connection under this session was moved from (std::move): it holds no "
                                      "database now; open the session on the connection it was moved to"
                                    : "the connection under this session was move-assigned another database; a "
                                      "session stays with the database it was opened on: open a new session");
    }
}

template <connection Connection>
void session<Connection>::undo_all() {
    removals_unflushed_ = true;  // undone DELETEs are requested again
    for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) (*it)();
    undo_.clear();
}

template <connection Connection>
std::vector<detail::registry_base<Connection>*> session<Connection>::flush_order() {
    if (order_dirty_) {
        std::vector<std::type_index> types;
        std::vector<std::vector<std::type_index>> references;
        std::vector<detail::registry_base<Connection>*> registries;
        for (auto& [type, registry] : registries_) {
            types.push_back(type);
            references.push_back(registry->references());
            registries.push_back(registry.get());
        }
        order_.clear();
        for (const std::size_t i : detail::dependency_order(types, references)) order_.push_back(registries[i]);
        order_dirty_ = false;
    }
    return order_;
}

template <connection Connection>
Connection& session<Connection>::db() {
    if (db_ == nullptr) {
        if (!borrow_) throw session_error("this session has no connection");
        borrowed_ = borrow_();
        db_ = &borrowed_->get();
        if constexpr (requires { db_->handle_id(); }) handle_id_ = db_->handle_id();
    }
    return *db_;
}

template <connection Connection>
void session<Connection>::give_back_connection() noexcept {
    if (!borrowed_) return;
    if (db_ != nullptr && db_->in_transaction()) return;  // a transaction someone else began on it
    db_ = nullptr;
    borrowed_.reset();
}

}  // namespace relata
