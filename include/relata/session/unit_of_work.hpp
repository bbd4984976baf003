#pragma once
/// @file
/// The unit of work of one model in a Session: plans a flush (the INSERTs, changed-column
/// UPDATEs and DELETEs it needs), writes it through the insert/update/delete query objects,
/// and records how to undo it in memory when the transaction does not commit.
#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <typeindex>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

#include "relata/detail/foreign_keys.hpp"
#include "relata/detail/format.hpp"
#include "relata/detail/reflection.hpp"
#include "relata/error.hpp"
#include "relata/mapping.hpp"
#include "relata/query/insert.hpp"
#include "relata/query/remove.hpp"
#include "relata/query/source.hpp"
#include "relata/query/update.hpp"
#include "relata/schema.hpp"
#include "relata/session/cycles.hpp"
#include "relata/session/flush_order.hpp"
#include "relata/session/hooks.hpp"
#include "relata/session/identity_map.hpp"
#include "relata/session/options.hpp"
#include "relata/session/registry_base.hpp"
#include "relata/session/version.hpp"
#include "relata/session/write_statements.hpp"
#include "relata/sql/render.hpp"
#include "relata/types.hpp"

namespace relata::detail {

/// The model a write query writes.
template <class Query>
struct write_target;
template <class T, class Shape>
struct write_target<insert_query<T, Shape>> {
    using type = T;
};
template <class T, class Shape>
struct write_target<update_query<T, Shape>> {
    using type = T;
};
template <class T, class Shape>
struct write_target<delete_query<T, Shape>> {
    using type = T;
};

template <class Connection, model T>
class registry final : public registry_base<Connection>, public identity_map<T> {
    using base = identity_map<T>;
    using base::deleted_;
    using base::identity_;
    using base::is_default_key;
    using base::pending_;
    using base::removed_pending_;
    using base::unmap;

public:
    using key_type = primary_key_type<T>;

    [[nodiscard]] std::vector<std::type_index> references() const override { return referenced_types<T>(); }
    [[nodiscard]] std::type_index type() const override { return std::type_index(typeid(T)); }
    [[nodiscard]] std::vector<foreign_key_edge> foreign_key_edges() const override { return detail::foreign_key_edges<T>(); }
    [[nodiscard]] const model_info* model_description() const override { return &model_info_of<T>; }
    [[nodiscard]] bool has_changes() override {
        if (this->has_pending() || !links_.empty()) return true;
        const auto changed = [this](const entry<T>& e) {
            if (e.state != object_state::persistent || e.expired) return false;
            if (e.remove_requested) return true;
            ++objects_compared_;
            return differs(e.object, *e.snapshot);
        };
        // Every persistent entry is in the identity map, and in the entry store, whose chunks
        // are contiguous where the map's nodes are not (a third of a clean check went to
        // stepping through the tree): the store, unless most of its entries are detached.
        if (this->entries_.size() <= 2 * identity_.size()) return this->entries_.any_of(changed);
        for (const auto& [key, e] : identity_)
            if (changed(*e)) return true;
        return false;
    }
    [[nodiscard]] bool plans_inserts() const override { return !inserts_.empty(); }
    [[nodiscard]] bool plans_deletes() const override { return !deletes_.empty(); }
    void defer_insert_key(std::size_t member) override {
        if constexpr (!may_defer_members) throw_not_on_cycle("deferred");  // never: flush ordering found a cycle
        deferred_members_.push_back(member);
    }
    void clear_before_delete(std::size_t member) override {
        if constexpr (!may_defer_members) throw_not_on_cycle("cleared");
        cleared_members_.push_back(member);
    }

    bool plan() override {
        discard_plan();
        this->compact_pending();
        inserts_ = pending_;
        for (entry<T>* e : inserts_) run_before_insert(e->object);
        if constexpr (self_referencing<T>) order_inserts();
        for (const auto& [key, e] : identity_) {
            if (e->state != object_state::persistent) continue;
            if (e->remove_requested) {
                run_before_delete(e->object);
                deletes_.push_back(e);
                continue;
            }
            if (e->expired) continue;  // its values are reloaded, not written (session::expire)
            const bool linked = !links_.empty() && links_.contains(e);
            if (linked) resolve_links(*e, false);
            ++objects_compared_;
            auto changed = changed_columns(e->object, *e->snapshot);
            if (changed.empty() && !linked) continue;
            if constexpr (has_before_update_hook<T>) {
                if (!changed.empty()) {
                    run_before_update(e->object);
                    changed = changed_columns(e->object, *e->snapshot);
                }
            }
            updates_.push_back({e, std::move(changed), linked});
        }
        if constexpr (self_referencing<T>) order_deletes();
        return !inserts_.empty() || !updates_.empty() || !deletes_.empty();
    }

    /// Fills a foreign key of `e`'s object from a parent whose key is generated at flush: now if
    /// the parent has its key, else at the flush that writes the object (session::link).
    void add_link(entry<T>& e, parent_link<T> link) {
        auto& links = links_[&e];
        std::erase_if(links, [&](const parent_link<T>& existing) { return existing.member == link.member; });
        links.push_back(std::move(link));
    }

    // The flush's INSERTs, in plan order (<relata/session/unit_of_work_writes.hpp>).
    void write_inserts(Connection& db, session_statistics& stats) override;

    // For write_inserts, on a model with foreign keys: copies linked parents' keys into `e`'s
    // object and returns the row to write when it differs from the object: members of a
    // foreign-key cycle (deferred_members_, nullable self references of flagged rows) and
    // members whose parent this flush removes (ON DELETE SET NULL) written as NULL.
    std::optional<T> prepare_insert_row(entry<T>& entry_to_insert, std::size_t i, bool linked);

    // Runs the INSERT `query` of `e`'s row; a generated key goes into the object at once (rows
    // inserted later in this flush copy it: links) and into generated_keys_.
    void write_insert(Connection& db, entry<T>& e, const rendered_query& query, bool generate, bool rowid);

    // The INSERTs of inserts_ in runs of one statement (rows with a generated key, rows with
    // their own), each run of two or more rows one pipeline (relata::postgres::execute_pipelined:
    // one round trip; a failure names its row as `<T> insert <i> of <n> in this flush`). Keys
    // are assigned as write_insert assigns them.
    void write_inserts_pipelined(Connection& db, session_statistics& stats);

    void write_deferred_keys(Connection& db, session_statistics& stats) override {
        if constexpr (may_defer_members) write_deferred_key_updates(db, stats);
        else (void)db, (void)stats;  // no member of T is ever deferred
    }

    void write_cleared_keys(Connection& db, session_statistics& stats) override {
        if constexpr (may_defer_members) write_cleared_key_updates(db, stats);
        else (void)db, (void)stats;  // no member of T is ever cleared
    }

    // write_deferred_keys on a model with foreign keys.
    void write_deferred_key_updates(Connection& db, session_statistics& stats) {
        const dialect& d = db.sql_dialect();
        for (const deferred_row& row : deferred_rows_) {
            entry<T>* e = row.e;
            if (!links_.empty() && links_.contains(e)) resolve_links(*e, true);
            update_data statement = relata::update<T>().data();
            for (const std::size_t member : row.members)
                statement.assignments.emplace_back(member, make_parameter(value_of(e->object, member)));
            const std::optional<T> versioned = first_version(e->object);
            statement.where = key_condition(versioned ? *versioned : e->object);
            const rendered_query query = to_sql(update_query<T>(std::move(statement)), d);
            ++stats.updates;
            check_one_row(db.execute(query), "UPDATE", e->object, query);
        }
    }

    // write_cleared_keys on a model with foreign keys.
    void write_cleared_key_updates(Connection& db, session_statistics& stats) {
        const dialect& d = db.sql_dialect();
        for (std::size_t i = 0; i < deletes_.size(); ++i) {
            entry<T>* e = deletes_[i];
            if (!deleted_early_.empty() && deleted_early_[i]) continue;  // deleted already, ahead of an INSERT reusing its key
            std::vector<std::size_t> cleared = cleared_members_;
            if (!row_cleared_.empty() && row_cleared_[i]) append_nullable_self_references(cleared);
            update_data statement = relata::update<T>().data();
            for (const std::size_t member : cleared)
                if (!std::holds_alternative<std::monostate>(field_value(*e->snapshot, member)))
                    statement.assignments.emplace_back(member, make_parameter(value{}));
            if (statement.assignments.empty()) continue;
            statement.where = key_condition(*e->snapshot);
            const rendered_query query = to_sql(update_query<T>(std::move(statement)), d);
            ++stats.updates;
            check_one_row(db.execute(query), "UPDATE", *e->snapshot, query);
        }
    }

    // The flush's UPDATEs, in plan order (<relata/session/unit_of_work_writes.hpp>).
    void write_updates(Connection& db, session_statistics& stats) override;

    void write_deletes(Connection& db, session_statistics& stats) override {
        if (deleted_early_.empty()) {
            write_delete_statements(db, stats, deletes_);
            return;
        }
        std::vector<entry<T>*> remaining;
        for (std::size_t i = 0; i < deletes_.size(); ++i)
            if (!deleted_early_[i]) remaining.push_back(deletes_[i]);
        write_delete_statements(db, stats, remaining);
    }

    // The DELETE of each of `entries` (PostgreSQL: in one pipeline), each checked for one row;
    // in <relata/session/unit_of_work_writes.hpp>.
    void write_delete_statements(Connection& db, session_statistics& stats, const std::vector<entry<T>*>& entries);

    // PostgreSQL: the UPDATEs of updates_ in runs of one statement text (rows changing the same
    // columns), each run of two or more rows one pipeline, each row checked for one row.
    void write_updates_pipelined(Connection& db, session_statistics& stats);

    // PostgreSQL: rows [first, end) of one statement text in one pipeline (one round trip);
    // `statement(i)` refills and returns row i's cached statement, `snapshot(i)` is its row as
    // read. A failing statement is named `<T> <noun> <i> of <total> in this flush`; a row count
    // other than 1 throws as check_one_row does for `verb`.
    template <class Statement, class Snapshot>
    void write_checked_pipeline(Connection& db, const char* verb, std::string_view noun, std::size_t first,
                                std::size_t end, std::size_t total, Statement statement, Snapshot snapshot);

    // Every change below is undone (in reverse order) when the transaction does not commit.
    // An undo leaves detached entries alone: expunge() after the flush wins.
    void apply(std::vector<std::function<void()>>& undo) override;

    // What apply() did to the rows this flush wrote, kept to undo it.
    struct inserted_row {
        entry<T>* e;
        key_type key;
        std::int64_t old_version;
    };
    struct updated_row {
        entry<T>* e;
        T old_snapshot;
        key_type old_key;
        key_type new_key;
        std::int64_t old_version;
    };
    struct deleted_row {
        entry<T>* e;
        key_type key;
    };
    struct applied_rows {
        std::vector<inserted_row> inserted;
        std::vector<updated_row> updated;
        std::vector<deleted_row> deleted;
    };

    // Undoes apply()'s changes to `rows`: DELETEs, then UPDATEs, then INSERTs, each last row first.
    void undo_applied_rows(const applied_rows& rows);
    // Puts entries an undo made pending again back into pending_, in add order.
    void return_to_pending(std::vector<entry<T>*>& entries);

    // apply() on a model with foreign keys: pending rows that followed a parent removed in this
    // flush (ON DELETE CASCADE: detached; SET NULL: members emptied).
    void apply_removed_parents(std::vector<std::function<void()>>& undo);

    // Appends an undo step: one std::function conversion shared by every step (emplace_back of
    // each lambda would instantiate the vector's reallocation once per lambda type).
    static void add_undo(std::vector<std::function<void()>>& undo, std::function<void()> step) {
        undo.push_back(std::move(step));
    }
    bool follow_deleted_parents(const std::function<registry_base<Connection>*(std::type_index)>& registry_of,
                                std::vector<std::function<void()>>& undo) override;

    bool follow_removed_parents(const std::function<registry_base<Connection>*(std::type_index)>& registry_of) override;

    [[nodiscard]] bool removed_in_flush(const void* object) override {
        const entry<T>* e = this->find_entry(*static_cast<const T*>(object));
        if (e == nullptr) return false;
        if (e->state == object_state::detached) return e->remove_requested;
        return dropped_set_.contains(e);
    }

    [[nodiscard]] bool deletes_row_with(std::size_t member, const value& key) override {
        if ((deletes_.empty() && removed_pending_.empty()) || std::holds_alternative<std::monostate>(key)) return false;
        auto [values, created] = deleted_values_.try_emplace(member);
        if (created) {
            for (const entry<T>* e : deletes_) values->second.insert(field_value(*e->snapshot, member));
            for (const entry<T>* e : removed_pending_)  // never inserted: as if inserted and deleted
                if (e->state == object_state::detached && e->remove_requested)
                    values->second.insert(field_value(e->object, member));
        }
        return values->second.contains(key);
    }

    /// The entries whose rows the last applied flush deleted (also by cascade).
    [[nodiscard]] const std::vector<entry<T>*>& last_deleted() const noexcept { return last_deleted_; }

    void abandon_plan() override {
        for (auto& [e, before] : linked_before_) e->object = std::move(before);
        for (entry<T>* e : keys_written_) set_primary_key(e->object, key_type{});
        discard_plan();
    }

    std::uint64_t take_objects_compared() noexcept override { return std::exchange(objects_compared_, 0); }

    void discard_plan() override {
        keys_written_.clear();
        deleted_early_.clear();
        inserts_.clear();
        updates_.clear();
        deletes_.clear();
        generated_keys_.clear();
        deferred_members_.clear();
        cleared_members_.clear();
        row_deferred_.clear();
        row_cleared_.clear();
        deferred_rows_.clear();
        linked_before_.clear();
        dropped_.clear();
        dropped_set_.clear();
        nulled_.clear();
        deleted_values_.clear();
    }

    void finish_commit() override {
        std::erase_if(links_, [](const auto& link) { return link.first->state == object_state::detached; });
        for (entry<T>* e : deleted_) e->state = object_state::detached;
        deleted_.clear();
    }

    void revert_to_snapshots() override {
        for (auto& [key, e] : identity_) {
            if (e->state == object_state::persistent && e->snapshot) {
                e->object = *e->snapshot;
                e->remove_requested = false;
            }
        }
    }

    void expire_all() override {
        for (auto& [key, e] : identity_)
            if (e->state == object_state::persistent) e->expired = true;
    }

    void clear() override {
        discard_plan();
        links_.clear();
        base::clear_objects();
    }

private:
    static key_type read_key(const cell& generated) {
        try {
            return from_cell<key_type>(generated);
        } catch (const conversion_error& e) {
            throw mapping_error(detail::format("cannot read the generated key of {}: {}", type_name<T>, e.reason()));
        }
    }

    /// True when generated keys are read with `last_insert_rowid()` instead of `RETURNING`: on
    /// SQLite, for an integer key column that is the table's rowid (`INTEGER PRIMARY KEY`, as
    /// create_all declares it). Asked once per registry; PostgreSQL keeps RETURNING.
    static constexpr bool rowid_connection = requires(const Connection& c) {
        { c.last_insert_rowid() } -> std::same_as<std::int64_t>;
        { c.is_rowid_alias(std::string_view(), std::string_view()) } -> std::same_as<bool>;
    };

    /// True when T declares foreign keys (mapping<T>::foreign_keys): only then can a flush
    /// defer or clear its members (cycles) or null them for a removed parent, so the code for
    /// those is instantiated only for such models.
    static constexpr bool has_foreign_keys = requires { mapping<T>::foreign_keys; };

    /// True when a flush can write members of T in a second step: T is on a cycle of foreign
    /// keys between models (on_foreign_key_cycle, checked at compile time), or references itself
    /// (rows ordered by order_inserts/order_deletes). Only then is the code for those UPDATEs
    /// compiled.
    static constexpr bool may_defer_members = has_foreign_keys && (self_referencing<T> || on_foreign_key_cycle<T>());

    /// Flush ordering deferred or cleared a member of T although T is on no foreign-key cycle:
    /// a bug in relata, reported rather than leaving the member unwritten.
    [[noreturn]] static void throw_not_on_cycle(const char* what) {
        throw session_error(detail::format("internal error: a foreign key of {} was {} to break a cycle, but {} is on "
                                           "no cycle of foreign keys",
                                           type_name<T>, what, type_name<T>));
    }

    /// True on a connection with `execute_pipelined` (found by ADL: relata/postgres/pipeline.hpp).
    static constexpr bool pipelined_connection =
        requires(Connection& c, const std::string& sql, std::span<const std::vector<value>> sets) {
            execute_pipelined(c, sql, sets);
        };

    bool reads_rowid(Connection& db) {
        if constexpr (generated_key<T> && is_plain_integer<key_type> && rowid_connection) {
            if (!rowid_alias_) {
                const naming convention = db.sql_dialect().naming;
                rowid_alias_ = db.is_rowid_alias(table_name_of<T>(convention),
                                                 column_name_of<T>(convention, primary_key_index<T>));
            }
            return *rowid_alias_;
        } else {
            (void)db;
            return false;
        }
    }

    // The key of the row just inserted (only where reads_rowid(db)).
    static key_type inserted_rowid(Connection& db) {
        if constexpr (rowid_connection) return read_key(db.last_insert_rowid());
        else throw session_error("no rowid on this connection");  // unreachable: reads_rowid() is false
    }

public:
    /// `"id" = ?` for the key of `object`; `"a" = ? AND "b" = ?` for a composite key; with
    /// `AND "version" = ?` for a model with a version column.
    static node_ptr key_condition(const T& object) { return write_statements<T>::key_condition(object); }

    /// The row an INSERT writes for `object` when it differs: a version of 0 is written as 1.
    static std::optional<T> first_version(const T& object) {
        if constexpr (has_version<T>) {
            if (version_of(object) == 0) {
                T row = object;
                version_of(row) = 1;
                return row;
            }
        }
        return std::nullopt;
    }

private:
    static value value_of(const T& object, std::size_t index) { return write_statements<T>::value_of(object, index); }

    // ON DELETE CASCADE removed the row: the object is deleted, as if removed and flushed.
    void mark_deleted_by_database(entry<T>& e, std::vector<std::function<void()>>& undo) {
        const key_type key = primary_key_of(*e.snapshot);
        unmap(e, key);
        e.state = object_state::deleted;
        const bool requested = std::exchange(e.remove_requested, false);
        deleted_.push_back(&e);
        last_deleted_.push_back(&e);
        add_undo(undo, [this, entry = &e, key, requested] {
            this->forget_deleted(entry);
            if (entry->state == object_state::detached) return;
            entry->state = object_state::persistent;
            entry->remove_requested = requested;
            identity_[key] = entry;
        });
    }

    // ON DELETE SET NULL emptied the foreign key: in the object and in its snapshot.
    template <class Member>
    void clear_reference(entry<T>& e, Member T::*member, std::vector<std::function<void()>>& undo) {
        if constexpr (is_optional<Member>::value) {
            Member old_value = e.object.*member;
            Member old_snapshot = (*e.snapshot).*member;
            e.object.*member = Member{};
            (*e.snapshot).*member = Member{};
            add_undo(undo, [entry = &e, member, old_value = std::move(old_value), old_snapshot = std::move(old_snapshot)] {
                if (entry->state == object_state::detached) return;
                entry->object.*member = old_value;
                if (entry->snapshot) (*entry->snapshot).*member = old_snapshot;
            });
        }
    }

    struct planned_update {
        entry<T>* e;
        std::vector<std::size_t> changed;
        bool linked = false;  // a link fills a foreign key at write time; `changed` is recomputed then
    };

    /// Copies the keys of linked parents into `e`'s object. `required`: at write time, when a
    /// parent without a key is an error (it was not inserted before this row).
    /// Members in `later` may stay unresolved (a cycle sets them after the INSERT).
    void resolve_links(entry<T>& e, bool required, const std::vector<std::size_t>& later = {}) {
        const auto found = links_.find(&e);
        if (found == links_.end()) return;
        for (const parent_link<T>& link : found->second) {
            if (!link.assign(e.object) && required &&
                std::find(later.begin(), later.end(), link.member) == later.end())
                throw session_error(detail::format(
                    "cannot write {} with primary key {}: its foreign key is linked to {}, which has no key yet (it "
                    "is not inserted before this row: link it to an object that is added to the session, and "
                    "declare the foreign key in relata::mapping)",
                    type_name<T>, describe_key(e.object), link.describe()));
        }
    }

    bool has_link(const entry<T>& e, std::size_t member) const { return find_link(e, member) != nullptr; }

    const parent_link<T>* find_link(const entry<T>& e, std::size_t member) const {
        if (links_.empty()) return nullptr;
        const auto found = links_.find(&e);
        if (found == links_.end()) return nullptr;
        for (const parent_link<T>& link : found->second)
            if (link.member == member) return &link;
        return nullptr;
    }

    static std::string_view member_name(std::size_t index) { return member_name_of<T>(index); }

    static void append_nullable_self_references(std::vector<std::size_t>& members) {
        for_each_self_reference<T>([&](std::size_t member, std::size_t) {
            if (member_nullable<T>(member) && std::find(members.begin(), members.end(), member) == members.end())
                members.push_back(member);
        });
    }

    /// Rows of a self-referencing model: parents' INSERTs first (by key values and by links).
    void order_inserts() {
        const auto value_in = [](const entry<T>* e, std::size_t member) {
            if (member == primary_key_index<T> && generated_key<T> && is_default_key(e->object)) return value{};
            return field_value(e->object, member);
        };
        auto fixed = self_references<T>(inserts_, value_in, [](std::size_t m) { return !member_nullable<T>(m); });
        auto breakable = self_references<T>(inserts_, value_in, [](std::size_t m) { return member_nullable<T>(m); });
        std::map<const void*, std::size_t> position;
        for (std::size_t i = 0; i < inserts_.size(); ++i) position.emplace(&inserts_[i]->object, i);
        for (std::size_t i = 0; i < inserts_.size(); ++i) {
            const auto found = links_.find(inserts_[i]);
            if (found == links_.end()) continue;
            for (const parent_link<T>& link : found->second)
                if (const auto p = position.find(link.parent); p != position.end())
                    (member_nullable<T>(link.member) ? breakable : fixed)[i].push_back(p->second);
        }
        inserts_ = order_rows<T>(inserts_, fixed, breakable, row_deferred_, false, "insert");
    }

    /// Rows of a self-referencing model: children's DELETEs first.
    void order_deletes() {
        const auto value_in = [](const entry<T>* e, std::size_t member) { return field_value(*e->snapshot, member); };
        const auto fixed = self_references<T>(deletes_, value_in, [](std::size_t m) { return !member_nullable<T>(m); });
        const auto breakable = self_references<T>(deletes_, value_in, [](std::size_t m) { return member_nullable<T>(m); });
        deletes_ = order_rows<T>(deletes_, fixed, breakable, row_cleared_, true, "delete");
    }

    std::vector<entry<T>*> inserts_;
    std::vector<planned_update> updates_;
    std::vector<entry<T>*> deletes_;
    std::vector<bool> deleted_early_;  // by index in deletes_: run ahead of an INSERT of its key; empty: none
    std::vector<key_type> generated_keys_;
    std::vector<entry<T>*> keys_written_;  // objects whose generated key this flush wrote into them
    std::vector<entry<T>*> last_deleted_;  // rows the last applied flush deleted (cascades included)
    // Foreign-key cycles (<relata/session/cycles.hpp>): members inserted as NULL and set after
    // every INSERT, or set to NULL before every DELETE, for all rows of this flush (a cycle
    // between models) or for the rows flagged in row_deferred_/row_cleared_ (aligned with
    // inserts_/deletes_: rows of this model on a cycle through its nullable self references).
    struct deferred_row {
        entry<T>* e;
        std::vector<std::size_t> members;
    };
    std::vector<std::size_t> deferred_members_;
    std::vector<std::size_t> cleared_members_;
    std::vector<char> row_deferred_;
    std::vector<char> row_cleared_;
    std::vector<deferred_row> deferred_rows_;  // rows inserted without keys to set
    std::vector<std::pair<entry<T>*, T>> linked_before_;  // inserted rows before their links were copied in
    // Pending rows whose parent this flush removes (follow_removed_parents).
    std::vector<entry<T>*> dropped_;  // ON DELETE CASCADE: not inserted
    // Keyed by address without the model's type: one instantiation of each container for all
    // models (their code was about 2 KB per model).
    std::unordered_set<const void*> dropped_set_;
    std::unordered_map<void*, std::vector<std::size_t>> nulled_;  // entry<T>* -> ON DELETE SET NULL: these members
    std::map<std::size_t, std::set<value>> deleted_values_;                 // of deletes_, by member, built on demand
    std::unordered_map<const entry<T>*, std::vector<parent_link<T>>> links_;
    std::uint64_t objects_compared_ = 0;
    std::optional<bool> rowid_alias_;  // reads_rowid(), once asked
    write_statements<T> statements_;   // the INSERT/UPDATE/DELETE texts, rendered once per shape
};

}  // namespace relata::detail

// The member functions defined outside the class, one concern per header.
#include "relata/session/unit_of_work_writes.hpp"  // IWYU pragma: export
#include "relata/session/unit_of_work_apply.hpp"    // IWYU pragma: export
