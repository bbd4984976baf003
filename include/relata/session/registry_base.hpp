#pragma once
/// @file
/// The per-model interface of a Session's unit of work (<relata/session/unit_of_work.hpp>
/// implements it per model): plan, write, apply or undo one flush.
#include <cstddef>
#include <functional>
#include <typeindex>
#include <vector>

#include "relata/query/node.hpp"
#include "relata/session/cycles.hpp"
#include "relata/session/options.hpp"
#include "relata/sql/rendered_query.hpp"
#include "relata/types.hpp"

namespace relata::detail {

/// The per-model part of a Session, behind a virtual interface so the Session can hold every
/// model in one container. Virtual calls happen per model per flush, not per object.
template <class Connection>
class registry_base {
public:
    virtual ~registry_base() = default;
    /// `SELECT ... WHERE <key> = ?` for this model, rendered by the Session's first key lookup
    /// (`get`/`find`) and reused by later ones with new parameters (empty until then).
    rendered_query key_query;
    [[nodiscard]] virtual std::vector<std::type_index> references() const = 0;
    [[nodiscard]] virtual std::type_index type() const = 0;
    /// The model's foreign keys to other models (<relata/session/cycles.hpp>).
    [[nodiscard]] virtual std::vector<foreign_key_edge> foreign_key_edges() const = 0;
    /// The model's runtime description (compared by address with the tables a query names).
    [[nodiscard]] virtual const model_info* model_description() const = 0;
    /// True when the next flush would write something for this model: a pending, removed or
    /// linked object, or a persistent object that differs from its snapshot. Compares objects
    /// with their snapshots until the first difference (counted in take_objects_compared()).
    [[nodiscard]] virtual bool has_changes() = 0;
    [[nodiscard]] virtual bool plans_inserts() const = 0;
    [[nodiscard]] virtual bool plans_deletes() const = 0;
    /// Breaks a foreign-key cycle of this flush's INSERTs: rows are inserted with `member` NULL
    /// and it is set by write_deferred_keys.
    virtual void defer_insert_key(std::size_t member) = 0;
    /// Breaks a foreign-key cycle of this flush's DELETEs: write_cleared_keys sets `member` to
    /// NULL in the rows to delete before any DELETE.
    virtual void clear_before_delete(std::size_t member) = 0;
    /// Pending rows whose parent this flush removes (a pending parent removed from the
    /// session, or a persistent one whose row it deletes) follow the foreign key's ON DELETE,
    /// as the database would had they been inserted first: CASCADE, not inserted (detached at
    /// apply); SET NULL, inserted with the key NULL. `registry_of` finds another model's registry.
    /// @return true when it dropped rows (whose own children must then follow).
    /// @throws relata::session_error for RESTRICT / NO ACTION (nothing was written yet).
    virtual bool follow_removed_parents(const std::function<registry_base*(std::type_index)>& registry_of) = 0;
    /// True when `object` (of this model) is removed in this flush: a pending object removed
    /// from the session, or one follow_removed_parents dropped.
    [[nodiscard]] virtual bool removed_in_flush(const void* object) = 0;
    /// True when this flush removes a row whose member `member` holds `key`: DELETEs it, or
    /// does not INSERT a pending object removed since the last flush.
    [[nodiscard]] virtual bool deletes_row_with(std::size_t member, const value& key) = 0;
    /// After every INSERT: `UPDATE ... SET <deferred key> = ?` for rows inserted without it.
    virtual void write_deferred_keys(Connection& db, session_statistics& stats) = 0;
    /// Before every DELETE: `UPDATE ... SET <key> = NULL` for rows to delete on a cycle.
    virtual void write_cleared_keys(Connection& db, session_statistics& stats) = 0;
    /// Collects the statements the next flush needs; false when there are none.
    virtual bool plan() = 0;
    /// Persistent objects plan() compared with their snapshots since the last call.
    virtual std::uint64_t take_objects_compared() noexcept = 0;
    virtual void write_inserts(Connection& db, session_statistics& stats) = 0;
    virtual void write_updates(Connection& db, session_statistics& stats) = 0;
    virtual void write_deletes(Connection& db, session_statistics& stats) = 0;
    virtual void apply(std::vector<std::function<void()>>& undo) = 0;
    virtual void discard_plan() = 0;
    /// After a failed flush: puts back the keys this flush's INSERTs wrote into objects, then
    /// discards the plan.
    virtual void abandon_plan() = 0;
    virtual void finish_commit() = 0;
    virtual void revert_to_snapshots() = 0;
    virtual void clear() = 0;
    virtual void expire_all() = 0;
    /// After a flush applied: mirrors what the database did to this model's tracked rows when
    /// rows they reference were deleted with `ON DELETE CASCADE` (the objects become deleted) or
    /// `ON DELETE SET NULL` (the foreign key member becomes empty). `registry_of` finds another
    /// model's registry (nullptr when the Session has none). Undo steps go to `undo`.
    /// @return true when it deleted objects (whose own children must then follow).
    virtual bool follow_deleted_parents(const std::function<registry_base*(std::type_index)>& registry_of,
                                        std::vector<std::function<void()>>& undo) = 0;
};

/// Runs every registry's follow_removed_parents until no more rows are dropped (a cascade
/// several levels down), after the flush is planned and before anything is written.
/// @throws relata::session_error (ON DELETE RESTRICT / NO ACTION).
template <class Connection>
void follow_removed_parents(const std::vector<registry_base<Connection>*>& registries) {
    const auto registry_of = [&](std::type_index type) -> registry_base<Connection>* {
        for (auto* registry : registries)
            if (registry->type() == type) return registry;
        return nullptr;
    };
    for (bool again = true; again;) {
        again = false;
        for (auto* registry : registries) again = registry->follow_removed_parents(registry_of) || again;
    }
}

}  // namespace relata::detail
