#pragma once
/// @file
/// `relata::session`: an identity map and a snapshot-diffing unit of work over one connection.
///
/// @code
/// relata::session session{db};
/// auto& ada = session.add(Author{.name = "Ada"});     // pending: no SQL yet
/// session.flush();                                     // INSERT ... RETURNING "id"; ada.id is set
/// ada.name = "Ada Lovelace";
/// session.commit();                                    // UPDATE "author" SET "name" = ? WHERE "id" = ?; COMMIT
/// @endcode
///
/// Object states (SQLAlchemy's words): **pending** (added, not yet inserted), **persistent**
/// (has a row; in the identity map), **deleted** (its DELETE was flushed, not yet committed),
/// **detached** (no longer tracked). Tracked objects are owned by the Session: references it
/// hands out stay valid until `clear()` or the Session's destruction, also after the object is
/// detached.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <typeindex>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "relata/connection.hpp"
#include "relata/detail/reflection.hpp"
#include "relata/error.hpp"
#include "relata/execute.hpp"
#include "relata/query/insert.hpp"
#include "relata/query/remove.hpp"
#include "relata/query/select.hpp"
#include "relata/query/update.hpp"
#include "relata/schema.hpp"
#include "relata/sql/render.hpp"
#include "relata/types.hpp"

namespace relata {

/// Where an object stands in its Session's unit of work.
enum class object_state {
    pending,     ///< added; INSERTed at the next flush
    persistent,  ///< has a row; in the identity map; UPDATEd at flush when it differs from its snapshot
    deleted,     ///< its DELETE was flushed; becomes detached at commit
    detached,    ///< not tracked (expunged, or deleted and committed)
};

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

/// The tracked objects a query returned, in row order; iterating yields `T&`.
template <model T>
class result_list {
public:
    /// Random-access iterator yielding `T&` (the tracked objects).
    class iterator {
    public:
        using iterator_category = std::random_access_iterator_tag;  ///< random access
        using value_type = T;                                       ///< the model
        using difference_type = std::ptrdiff_t;                     ///< distance between iterators
        using pointer = T*;                                         ///< pointer to a tracked object
        using reference = T&;                                       ///< reference to a tracked object
        /// A singular iterator.
        iterator() = default;
        /// Wraps a position in the list of tracked-object pointers.
        explicit iterator(typename std::vector<T*>::const_iterator it) : it_(it) {}
        /// The tracked object.
        reference operator*() const { return **it_; }
        /// The tracked object's address.
        pointer operator->() const { return *it_; }
        /// Next object.
        iterator& operator++() { ++it_; return *this; }
        /// Next object (postfix).
        iterator operator++(int) { auto copy = *this; ++it_; return copy; }
        /// Previous object.
        iterator& operator--() { --it_; return *this; }
        /// Previous object (postfix).
        iterator operator--(int) { auto copy = *this; --it_; return copy; }
        /// Advances by `n`.
        iterator& operator+=(difference_type n) { it_ += n; return *this; }
        /// Goes back by `n`.
        iterator& operator-=(difference_type n) { it_ -= n; return *this; }
        /// `i` advanced by `n`.
        friend iterator operator+(iterator i, difference_type n) { return i += n; }
        /// `i` advanced by `n`.
        friend iterator operator+(difference_type n, iterator i) { return i += n; }
        /// `i` moved back by `n`.
        friend iterator operator-(iterator i, difference_type n) { return i -= n; }
        /// Distance from `b` to `a`.
        friend difference_type operator-(const iterator& a, const iterator& b) { return a.it_ - b.it_; }
        /// The object `n` positions ahead.
        reference operator[](difference_type n) const { return *it_[n]; }
        /// Same position.
        friend bool operator==(const iterator& a, const iterator& b) { return a.it_ == b.it_; }
        /// Position order.
        friend auto operator<=>(const iterator& a, const iterator& b) { return a.it_ <=> b.it_; }

    private:
        typename std::vector<T*>::const_iterator it_{};
    };

    /// An empty list.
    result_list() = default;
    /// Wraps pointers to tracked objects.
    explicit result_list(std::vector<T*> objects) : objects_(std::move(objects)) {}
    /// First object.
    [[nodiscard]] iterator begin() const { return iterator(objects_.begin()); }
    /// Past the last object.
    [[nodiscard]] iterator end() const { return iterator(objects_.end()); }
    /// Number of objects.
    [[nodiscard]] std::size_t size() const noexcept { return objects_.size(); }
    /// True when the query returned no rows.
    [[nodiscard]] bool empty() const noexcept { return objects_.empty(); }
    /// The `index`-th object (unchecked).
    [[nodiscard]] T& operator[](std::size_t index) const { return *objects_[index]; }

private:
    std::vector<T*> objects_;
};

namespace detail {

/// Equality for dirty checks: floating point compares bit patterns, so NaN is not always
/// dirty and -0.0 differs from 0.0.
template <class V>
bool same_value(const V& a, const V& b) {
    if constexpr (std::is_floating_point_v<V>) {
        if constexpr (sizeof(V) == 8) return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
        else if constexpr (sizeof(V) == 4) return std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b);
        else return a == b;
    } else if constexpr (is_optional<V>::value) {
        if (a.has_value() != b.has_value()) return false;
        return !a.has_value() || same_value(*a, *b);
    } else {
        static_assert(std::equality_comparable<V>,
                      "relata: a member type needs operator== so the Session can detect changes");
        return a == b;
    }
}

/// Indexes of the members where `current` differs from `snapshot`.
template <model T>
std::vector<std::size_t> changed_columns(const T& current, const T& snapshot) {
    std::vector<std::size_t> changed;
    for_each_field<T>([&](auto i) {
        if (!same_value(current.*member_pointer<T, i.value>, snapshot.*member_pointer<T, i.value>))
            changed.push_back(i.value);
    });
    return changed;
}

template <class Key>
std::string describe_key_value(const Key& key) {
    const value v = to_value(key);
    if (const auto* i = std::get_if<std::int64_t>(&v)) return fmt::format("{}", *i);
    if (const auto* s = std::get_if<std::string>(&v)) return fmt::format("'{}'", *s);
    return "(key)";
}

/// `"id" = ?` for a key value.
template <model T>
node_ptr key_equals(const primary_key_type<T>& key) {
    return make_node(node_kind::binary,
                     {column_node<T, primary_key_index<T>>(), make_parameter(comparison_value<primary_key_type<T>>(key))}, "=");
}

inline std::string_view state_name(object_state state) {
    switch (state) {
        case object_state::pending: return "pending";
        case object_state::persistent: return "persistent";
        case object_state::deleted: return "deleted";
        case object_state::detached: return "detached";
    }
    return "detached";
}

/// What a Session returns for a row of a model_shape: tracked objects (pointers for slots an
/// outer join made optional).
template <class Shape>
struct tracked_shape : std::false_type {};
template <class... Slots>
struct tracked_shape<model_shape<Slots...>> : std::true_type {
    template <class Slot>
    using reference = std::conditional_t<Slot::nullable, typename Slot::model_type*, typename Slot::model_type&>;
    using row = std::conditional_t<model_shape<Slots...>::single_model,
                                   typename first_of<type_list<typename Slots::model_type...>>::type*,
                                   std::tuple<reference<Slots>...>>;
    using list = std::vector<row>;
};

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

template <model T>
std::string describe_key(const T& object) {
    return describe_key_value(object.*member_pointer<T, primary_key_index<T>>);
}

/// One tracked object with its snapshot (the values its row holds, as far as this Session knows).
template <model T>
struct entry {
    T object;
    std::optional<T> snapshot;
    object_state state = object_state::pending;
    bool remove_requested = false;
    bool expired = false;        // reload from the next row read for it (session::expire)
    std::uint64_t sequence = 0;  // add order, so an undone flush restores the pending order
};

/// The per-model part of a Session, behind a virtual interface so the Session can hold every
/// model in one container. Virtual calls happen per model per flush, not per object.
template <class Connection>
class registry_base {
public:
    virtual ~registry_base() = default;
    [[nodiscard]] virtual std::vector<std::type_index> references() const = 0;
    /// Collects the statements the next flush needs; false when there are none.
    virtual bool plan() = 0;
    virtual void write_inserts(Connection& db, session_statistics& stats) = 0;
    virtual void write_updates(Connection& db, session_statistics& stats) = 0;
    virtual void write_deletes(Connection& db, session_statistics& stats) = 0;
    virtual void apply(std::vector<std::function<void()>>& undo) = 0;
    virtual void discard_plan() = 0;
    virtual void finish_commit() = 0;
    virtual void revert_to_snapshots() = 0;
    virtual void clear() = 0;
    virtual void expire_all() = 0;
};

template <class Connection, model T>
class registry final : public registry_base<Connection> {
public:
    using key_type = primary_key_type<T>;

    T& add(T object) {
        if constexpr (!generated_key<T>) {
            if (identity_.contains(object.*member_pointer<T, primary_key_index<T>>))
                throw session_error(fmt::format("a {} with primary key {} is already in the session",
                                                type_name<T>, describe_key(object)));
        }
        auto owned = std::make_unique<entry<T>>(
            entry<T>{std::move(object), std::nullopt, object_state::pending, false, false, ++sequence_});
        entry<T>* e = owned.get();
        owned_.emplace(&e->object, std::move(owned));
        pending_.push_back(e);
        return e->object;
    }

    entry<T>* find_entry(const T& object) {
        const auto found = owned_.find(&object);
        return found == owned_.end() ? nullptr : found->second.get();
    }

    entry<T>* lookup(const key_type& key) {
        const auto found = identity_.find(key);
        return found == identity_.end() ? nullptr : found->second;
    }

    /// The tracked object for a loaded row: the existing one when the key is known (its
    /// values are not overwritten), otherwise a new persistent entry.
    T& merge_loaded(T&& loaded) {
        const key_type& key = loaded.*member_pointer<T, primary_key_index<T>>;
        if (entry<T>* existing = lookup(key)) {
            if (existing->expired) {
                existing->object = loaded;
                existing->snapshot = std::move(loaded);
                existing->expired = false;
            }
            return existing->object;
        }
        auto owned = std::make_unique<entry<T>>(
            entry<T>{loaded, std::move(loaded), object_state::persistent, false, false, ++sequence_});
        entry<T>* e = owned.get();
        identity_.emplace(e->object.*member_pointer<T, primary_key_index<T>>, e);
        owned_.emplace(&e->object, std::move(owned));
        return e->object;
    }

    void remove(entry<T>& e) {
        switch (e.state) {
            case object_state::pending:
                pending_.erase(std::remove(pending_.begin(), pending_.end(), &e), pending_.end());
                e.state = object_state::detached;
                break;
            case object_state::persistent: e.remove_requested = true; break;
            case object_state::deleted:
            case object_state::detached: break;
        }
    }

    void expunge(entry<T>& e) {
        pending_.erase(std::remove(pending_.begin(), pending_.end(), &e), pending_.end());
        deleted_.erase(std::remove(deleted_.begin(), deleted_.end(), &e), deleted_.end());
        if (e.state == object_state::persistent) unmap(e, (*e.snapshot).*member_pointer<T, primary_key_index<T>>);
        e.state = object_state::detached;
        e.remove_requested = false;
    }

    [[nodiscard]] bool is_dirty(const entry<T>& e) const {
        if (e.state == object_state::pending) return true;
        if (e.state != object_state::persistent) return false;
        if (e.remove_requested) return true;
        return !e.expired && !changed_columns(e.object, *e.snapshot).empty();
    }

    [[nodiscard]] std::vector<std::type_index> references() const override { return referenced_types<T>(); }

    bool plan() override {
        discard_plan();
        inserts_ = pending_;
        for (const auto& [key, e] : identity_) {
            if (e->state != object_state::persistent) continue;
            if (e->remove_requested) {
                deletes_.push_back(e);
                continue;
            }
            if (e->expired) continue;  // its values are reloaded, not written (session::expire)
            auto changed = changed_columns(e->object, *e->snapshot);
            if (!changed.empty()) updates_.push_back({e, std::move(changed)});
        }
        return !inserts_.empty() || !updates_.empty() || !deletes_.empty();
    }

    void write_inserts(Connection& db, session_statistics& stats) override {
        const dialect& d = db.sql_dialect();
        // A row deleted and a new object inserted with the same key in one flush (a retry after
        // a failed commit, SQLite reusing a rowid): that DELETE must run before the INSERT.
        std::vector<entry<T>*> early_deletes;
        for (entry<T>* e : deletes_) {
            const key_type& key = (*e->snapshot).*member_pointer<T, primary_key_index<T>>;
            for (entry<T>* inserted : inserts_)
                if (!(generated_key<T> && is_default_key(inserted->object)) &&
                    inserted->object.*member_pointer<T, primary_key_index<T>> == key) {
                    early_deletes.push_back(e);
                    break;
                }
        }
        write_delete_statements(db, stats, early_deletes);
        for (entry<T>* e : early_deletes) written_deletes_.push_back(e);
        for (entry<T>* e : inserts_) {
            const bool generate = generated_key<T> && is_default_key(e->object);
            insert_data statement = relata::insert(e->object).data();
            if (generate) statement.returning = {{column_node<T, primary_key_index<T>>(), {}}};
            const rendered_query query = to_sql(insert_query<T>(std::move(statement)), d);
            ++stats.inserts;
            if (generate) {
                std::optional<key_type> key;
                db.for_each_row(query, [&](const auto& row) { key = read_key(row); });
                if (!key) throw database_error("INSERT ... RETURNING returned no row", query.sql, "", 0);
                generated_keys_.push_back(*key);
            } else {
                db.execute(query);
                generated_keys_.push_back(e->object.*member_pointer<T, primary_key_index<T>>);
            }
        }
    }

    void write_updates(Connection& db, session_statistics& stats) override {
        const dialect& d = db.sql_dialect();
        for (const planned_update& planned : updates_) {
            entry<T>* e = planned.e;
            update_data statement = relata::update<T>().data();
            for (const std::size_t index : planned.changed)
                statement.assignments.emplace_back(index, make_parameter(value_of(e->object, index)));
            statement.where = key_condition(*e->snapshot);
            const rendered_query query = to_sql(update_query<T>(std::move(statement)), d);
            ++stats.updates;
            if (db.execute(query) != 1)
                throw stale_data_error(fmt::format("UPDATE of {} with primary key {} matched no row (deleted or "
                                                   "changed by someone else); SQL: {}",
                                                   type_name<T>, describe_key(*e->snapshot), sql_excerpt(query.sql)));
        }
    }

    void write_deletes(Connection& db, session_statistics& stats) override {
        std::vector<entry<T>*> remaining;
        for (entry<T>* e : deletes_)
            if (std::find(written_deletes_.begin(), written_deletes_.end(), e) == written_deletes_.end())
                remaining.push_back(e);
        write_delete_statements(db, stats, remaining);
    }

    void write_delete_statements(Connection& db, session_statistics& stats, const std::vector<entry<T>*>& entries) {
        const dialect& d = db.sql_dialect();
        for (entry<T>* e : entries) {
            delete_data statement = relata::remove<T>().data();
            statement.where = key_condition(*e->snapshot);
            const rendered_query query = to_sql(delete_query<T>(std::move(statement)), d);
            ++stats.deletes;
            if (db.execute(query) != 1)
                throw stale_data_error(fmt::format("DELETE of {} with primary key {} matched no row; SQL: {}",
                                                   type_name<T>, describe_key(*e->snapshot), sql_excerpt(query.sql)));
        }
    }

    // Every change below is undone (in reverse order) when the transaction does not commit.
    // An undo leaves detached entries alone: expunge() after the flush wins.
    void apply(std::vector<std::function<void()>>& undo) override {
        for (std::size_t i = 0; i < inserts_.size(); ++i) {
            entry<T>* e = inserts_[i];
            e->object.*member_pointer<T, primary_key_index<T>> = generated_keys_[i];
            e->snapshot = e->object;
            e->state = object_state::persistent;
            identity_[generated_keys_[i]] = e;
            // The generated key stays in the object: objects that copied it (foreign keys) stay
            // right, and the retry inserts it explicitly.
            undo.emplace_back([this, e, key = generated_keys_[i]] {
                if (e->state == object_state::detached) return;
                unmap(*e, key);
                e->snapshot.reset();
                e->state = object_state::pending;
                e->remove_requested = false;
                const auto at = std::lower_bound(pending_.begin(), pending_.end(), e,
                                                 [](const entry<T>* a, const entry<T>* b) { return a->sequence < b->sequence; });
                pending_.insert(at, e);
            });
        }
        pending_.erase(std::remove_if(pending_.begin(), pending_.end(),
                                      [&](entry<T>* e) { return e->state != object_state::pending; }),
                       pending_.end());
        for (const planned_update& planned : updates_) {
            entry<T>* e = planned.e;
            T old_snapshot = *e->snapshot;
            const key_type old_key = old_snapshot.*member_pointer<T, primary_key_index<T>>;
            const key_type new_key = e->object.*member_pointer<T, primary_key_index<T>>;
            e->snapshot = e->object;
            if (!(old_key == new_key)) {
                unmap(*e, old_key);
                identity_[new_key] = e;
            }
            undo.emplace_back([this, e, old_snapshot = std::move(old_snapshot), old_key, new_key] {
                if (e->state == object_state::detached) return;
                if (!(old_key == new_key)) {
                    unmap(*e, new_key);
                    identity_[old_key] = e;
                }
                e->snapshot = old_snapshot;
            });
        }
        for (entry<T>* e : deletes_) {
            // Out of the identity map at once: the key may be taken by a new row (SQLite reuses
            // rowids, a natural key may move) before the commit detaches this object.
            const key_type key = (*e->snapshot).*member_pointer<T, primary_key_index<T>>;
            unmap(*e, key);
            e->state = object_state::deleted;
            e->remove_requested = false;
            deleted_.push_back(e);
            undo.emplace_back([this, e, key] {
                deleted_.erase(std::remove(deleted_.begin(), deleted_.end(), e), deleted_.end());
                if (e->state == object_state::detached) return;
                e->state = object_state::persistent;
                e->remove_requested = true;
                identity_[key] = e;
            });
        }
        discard_plan();
    }

    void discard_plan() override {
        written_deletes_.clear();
        inserts_.clear();
        updates_.clear();
        deletes_.clear();
        generated_keys_.clear();
    }

    void finish_commit() override {
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
        pending_.clear();
        deleted_.clear();
        identity_.clear();
        owned_.clear();
    }

    [[nodiscard]] std::size_t tracked() const noexcept { return identity_.size() + pending_.size(); }

private:
    /// Removes `key` from the identity map if it maps to `e` (another entry may own it now).
    void unmap(const entry<T>& e, const key_type& key) {
        const auto found = identity_.find(key);
        if (found != identity_.end() && found->second == &e) identity_.erase(found);
    }

    static bool is_default_key(const T& object) {
        return object.*member_pointer<T, primary_key_index<T>> == key_type{};
    }

    template <class Row>
    static key_type read_key(const Row& row) {
        try {
            return from_cell<key_type>(row.cell(0));
        } catch (const conversion_error& e) {
            throw mapping_error(fmt::format("cannot read the generated key of {}: {}", type_name<T>, e.reason()));
        }
    }

public:
    /// `"id" = ?` for the key of `object`.
    static node_ptr key_condition(const T& object) {
        return make_node(node_kind::binary,
                         {column_node<T, primary_key_index<T>>(), make_parameter(value_of(object, primary_key_index<T>))}, "=");
    }

private:
    static value value_of(const T& object, std::size_t index) {
        value result;
        for_each_field<T>([&](auto i) {
            if (i.value == index) result = member_value<T, i.value>(object);
        });
        return result;
    }

    struct planned_update {
        entry<T>* e;
        std::vector<std::size_t> changed;
    };

    std::unordered_map<const T*, std::unique_ptr<entry<T>>> owned_;
    std::map<key_type, entry<T>*> identity_;
    std::vector<entry<T>*> pending_;  // in add order
    std::vector<entry<T>*> deleted_;  // DELETE flushed, not yet committed
    std::uint64_t sequence_ = 0;
    std::vector<entry<T>*> inserts_;
    std::vector<planned_update> updates_;
    std::vector<entry<T>*> deletes_;
    std::vector<entry<T>*> written_deletes_;  // deletes already run ahead of inserts
    std::vector<key_type> generated_keys_;
};

}  // namespace detail

/// A unit of work over one connection: tracks objects, keeps one object per row (identity
/// map), and on flush writes only what changed, in one transaction, in foreign-key order.
///
/// Transactions: the first flush that writes begins a transaction (`BEGIN`) and every flush
/// runs inside a SAVEPOINT, so a failed flush rolls back to it and leaves the database, every
/// object, its state and its snapshot as they were before the flush; fix the value and flush
/// or commit again. `commit()` flushes and COMMITs; `rollback()` ROLLBACKs and restores the
/// Session to the last commit. The destructor rolls back an uncommitted transaction.
///
/// A row that a query returns while its object is already tracked yields the tracked object,
/// unchanged: unflushed changes to it are never overwritten by a query.
///
/// Not thread-safe; one Session per thread, over a connection the thread owns.
template <connection Connection>
class session {
public:
    /// A Session over `db`, which must outlive it.
    explicit session(Connection& db, session_options options = {}) : db_(db), options_(options) {}
    session(const session&) = delete;
    session& operator=(const session&) = delete;

    /// Rolls back a transaction this Session began and did not commit; never throws.
    ~session() {
        if (owns_transaction_ && db_.in_transaction()) {
            try {
                db_.rollback();
            } catch (const error&) {  // NOLINT(bugprone-empty-catch): destructors must not throw
            }
        }
    }

    /// Adds a new object (state pending; no SQL until flush). An object whose integer key is
    /// 0 gets a database-generated key at flush, written back into it.
    /// @return a reference to the tracked object (valid until clear() or the Session ends).
    /// @throws relata::session_error when a non-generated key is already in the identity map.
    template <model T>
    T& add(T object) {
        static_assert(detail::has_primary_key<T>,
                      "relata: a Session tracks objects by primary key: give the model a member `id` or set "
                      "relata::mapping<T>::primary_key");
        if constexpr (detail::has_primary_key<T>) return registry_for<T>().add(std::move(object));
        else return object;
    }

    /// The object with primary key `key`: from the identity map without SQL when tracked,
    /// otherwise `SELECT ... WHERE "id" = ?`.
    /// @throws relata::no_result when there is no such row; relata::database_error.
    template <model T>
    T& get(const detail::primary_key_type<T>& key) {
        if (T* found = find<T>(key)) return *found;
        throw no_result(fmt::format("no {} with primary key {}", detail::type_name<T>,
                                    detail::describe_key_value(key)));
    }

    /// Like `get`, but returns nullptr when there is no such row.
    template <model T>
    T* find(const detail::primary_key_type<T>& key) {
        auto& registry = registry_for<T>();
        if (auto* e = registry.lookup(key)) {
            if (e->state == object_state::deleted || e->remove_requested) return nullptr;
            if (!e->expired) {
                ++statistics_.identity_map_hits;
                return &e->object;
            }
        }
        auto objects = all(select<T>().where(condition<T>(detail::key_equals<T>(key))));
        if (objects.empty()) {
            if (auto* gone = registry.lookup(key); gone && gone->expired) registry.expunge(*gone);  // deleted meanwhile
            return nullptr;
        }
        return &objects[0];
    }

    /// Runs a SELECT and returns its rows. Flushes first when autoflush is on.
    /// - `select<T>()`: the tracked objects in row order, as a `result_list<T>` of `T&`;
    /// - `select<T, U...>()` with joins: `std::vector<std::tuple<T&, U&...>>` of tracked objects,
    ///   with `U*` (null for no match) for a model that an outer join made optional. The
    ///   identity map applies to every model: one object per row, however many result rows
    ///   name it;
    /// - projections (`select(a.name, count())`, `select<Row>(...)`): plain values, as
    ///   `relata::all(db, query)` returns them.
    /// A row already tracked yields the tracked object unchanged (unflushed edits are never
    /// overwritten), unless it was expired.
    /// @throws relata::database_error, relata::mapping_error.
    template <class Query>
        requires detail::is_select_query<Query>
    auto all(const Query& query) {
        using shape = typename Query::shape_type;
        if constexpr (detail::tracked_shape<shape>::value) {
            prepare_query();
            ++statistics_.queries;
            typename detail::tracked_shape<shape>::list rows;
            db_.for_each_row(to_sql(query, db_.sql_dialect()), [&](const auto& row) { rows.push_back(merge_row<shape>(row)); });
            if constexpr (shape::single_model) return result_list<typename shape::row_type>(std::move(rows));
            else return rows;
        } else {
            prepare_query();
            ++statistics_.queries;
            return relata::all(db_, query);
        }
    }

    /// The first row of the query (run with LIMIT 1): a tracked object or nullptr for
    /// `select<T>()`, else `std::optional` of what `all` returns per row.
    template <class Query>
        requires detail::is_select_query<Query>
    auto first(const Query& query) {
        auto rows = all(query.limit(1));
        if constexpr (std::is_same_v<decltype(rows), result_list<typename Query::row_type>>) {
            return rows.empty() ? static_cast<typename Query::row_type*>(nullptr) : &rows[0];
        } else {
            using row = typename decltype(rows)::value_type;
            return rows.empty() ? std::optional<row>() : std::optional<row>(rows[0]);
        }
    }

    /// Exactly one row (the query runs with LIMIT 2 to check): a tracked `T&` for
    /// `select<T>()`, else what `all` returns per row.
    /// @throws relata::no_result for none, relata::multiple_results for more than one.
    template <class Query>
        requires detail::is_select_query<Query>
    decltype(auto) one(const Query& query) {
        auto rows = all(query.limit(2));
        if (rows.empty()) throw no_result("the query returned no row");
        if (rows.size() > 1) throw multiple_results("the query returned more than one row");
        if constexpr (std::is_same_v<decltype(rows), result_list<typename Query::row_type>>) {
            return static_cast<typename Query::row_type&>(rows[0]);
        } else {
            return typename decltype(rows)::value_type(std::move(rows[0]));
        }
    }

    /// `SELECT COUNT(*)` of the query's rows. Flushes first when autoflush is on.
    template <class Query>
        requires detail::is_select_query<Query>
    std::int64_t count(const Query& query) {
        prepare_query();
        ++statistics_.queries;
        return relata::count(db_, query);
    }

    /// Runs a bulk INSERT, UPDATE or DELETE query object (flushing first when autoflush is on),
    /// then expires every tracked object of the written model, since the database may have
    /// changed their rows behind the identity map: the next query returning their rows, or
    /// `get`/`find` of their keys, reloads them (an expired object whose row was deleted
    /// leaves the Session at that `get`/`find`).
    /// @return the number of rows changed.
    /// @throws as `relata::execute`.
    template <class Query>
        requires detail::is_write_query<Query>
    std::int64_t execute(const Query& query) {
        prepare_query();
        const std::int64_t changed = db_.execute(to_sql(query, db_.sql_dialect()));
        registry_for<typename detail::write_target<Query>::type>().expire_all();
        return changed;
    }

    /// Reloads a persistent object from its row now (`SELECT ... WHERE "id" = ?`, without
    /// autoflush): its values and snapshot become the row's, discarding unflushed changes to
    /// it. For columns the database sets itself (defaults, triggers).
    /// @throws relata::session_error for an object that is not persistent in this Session;
    /// relata::no_result when its row no longer exists (the object is then expunged).
    template <model T>
    void refresh(T& object) {
        auto& registry = registry_for<T>();
        detail::entry<T>& e = entry_of(object);
        if (e.state != object_state::persistent)
            throw session_error(fmt::format("refresh() needs a persistent {}; this one is {}", detail::type_name<T>,
                                            detail::state_name(e.state)));
        const auto key = (*e.snapshot).*detail::member_pointer<T, detail::primary_key_index<T>>;
        std::optional<T> row;
        ++statistics_.queries;
        db_.for_each_row(to_sql(select<T>().where(condition<T>(detail::key_equals<T>(key))), db_.sql_dialect()),
                         [&](const auto& r) { row = detail::read_model<T>(r); });
        if (!row) {
            registry.expunge(e);
            throw no_result(fmt::format("refresh(): the row of {} with primary key {} no longer exists", detail::type_name<T>,
                                        detail::describe_key_value(key)));
        }
        e.object = *row;
        e.snapshot = std::move(row);
        e.expired = false;
        e.remove_requested = false;
    }

    /// Marks a persistent object as stale: the next query that returns its row, or
    /// `get`/`find` of its key, reloads its values and snapshot from the database. Changes to
    /// it are not flushed meanwhile and are lost at that load (SQLAlchemy's expire). relata
    /// cannot intercept reads of a plain struct's members, so until that load the object keeps
    /// its values.
    /// @throws relata::session_error when the object is not tracked by this Session.
    template <model T>
    void expire(T& object) {
        detail::entry<T>& e = entry_of(object);
        if (e.state == object_state::persistent) e.expired = true;
    }

    /// `expire` for every persistent object of every model.
    void expire_all() {
        for (auto& [type, registry] : registries_) registry->expire_all();
    }

    /// Marks a tracked object for deletion: a pending object is simply dropped (detached); a
    /// persistent one is DELETEd at the next flush.
    /// @throws relata::session_error when the object is not tracked by this Session.
    template <model T>
    void remove(T& object) {
        registry_for<T>().remove(entry_of(object));
    }

    /// Stops tracking an object (detached); its pending changes are not written. The object
    /// stays valid until clear() or the Session ends.
    /// @throws relata::session_error when the object is not tracked by this Session.
    template <model T>
    void expunge(T& object) {
        registry_for<T>().expunge(entry_of(object));
    }

    /// The object's state in this Session (detached for objects it never tracked).
    template <model T>
    [[nodiscard]] object_state state_of(const T& object) {
        auto* e = registry_for<T>().find_entry(object);
        return e ? e->state : object_state::detached;
    }

    /// True when the next flush would write the object (pending, removed, or changed since
    /// its snapshot).
    template <model T>
    [[nodiscard]] bool is_dirty(const T& object) {
        auto* e = registry_for<T>().find_entry(object);
        return e != nullptr && registry_for<T>().is_dirty(*e);
    }

    /// Writes pending changes: INSERT pending objects (generated keys via RETURNING; SQLite
    /// 3.35+), UPDATE changed columns of changed objects, DELETE removed ones — parents before
    /// children for inserts, children before parents for deletes (from mapping foreign_keys;
    /// rows of one model that reference each other are not ordered). Begins a transaction if
    /// none is open (the Session then owns it); inside an open one the work runs in a SAVEPOINT.
    /// @throws relata::database_error (e.g. constraint_violation), relata::stale_data_error,
    /// relata::mapping_error; then the database and the Session are as before the call. If the
    /// engine itself ended the whole transaction (SQLite `RAISE(ROLLBACK)`, `ON CONFLICT
    /// ROLLBACK`, I/O errors), earlier flushes are gone too and the Session is restored to the
    /// last commit to match. relata::session_error when the transaction this Session began was
    /// ended behind its back (e.g. a ROLLBACK run directly on the connection); the Session is
    /// then restored to the last commit, and a new flush or commit writes everything again.
    void flush() {
        check_transaction_alive();
        std::vector<detail::registry_base<Connection>*> ordered = flush_order();
        bool any = false;
        for (auto* registry : ordered) any = registry->plan() || any;  // plan every registry
        if (!any) return;
        const bool began = !db_.in_transaction();
        if (began) {
            db_.begin();
            owns_transaction_ = true;
        }
        try {
            // A transaction begun here is simply rolled back on failure; inside an older one a
            // savepoint keeps the earlier work.
            if (!began) db_.savepoint("relata_flush");
            for (auto* registry : ordered) registry->write_inserts(db_, statistics_);
            for (auto* registry : ordered) registry->write_updates(db_, statistics_);
            for (auto it = ordered.rbegin(); it != ordered.rend(); ++it) (*it)->write_deletes(db_, statistics_);
            if (!began) db_.release_savepoint("relata_flush");
        } catch (...) {
            for (auto* registry : ordered) registry->discard_plan();
            try {
                if (began && db_.in_transaction()) {
                    db_.rollback();
                } else if (!began && db_.in_transaction()) {
                    db_.rollback_to_savepoint("relata_flush");
                    db_.release_savepoint("relata_flush");
                }
            } catch (const error&) {  // NOLINT(bugprone-empty-catch): the original error matters more
            }
            if (began) {
                owns_transaction_ = false;
            } else if (!db_.in_transaction()) {
                // The engine rolled back the whole transaction: earlier flushes are gone too.
                undo_all();
                owns_transaction_ = false;
            }
            throw;
        }
        for (auto* registry : ordered) registry->apply(undo_);
        ++statistics_.flushes;
    }

    /// Flushes and COMMITs the transaction the Session began. On failure that transaction is
    /// rolled back and the Session is as it was at the last successful commit, with every
    /// object's current values kept (and keys generated meanwhile kept, so objects that copied
    /// them stay right), so a corrected retry writes everything again. Inside a transaction the
    /// caller began, commit() only flushes: COMMIT is the caller's.
    /// @throws as flush(), and relata::database_error from COMMIT.
    void commit() {
        try {
            flush();
            if (owns_transaction_) db_.commit();
        } catch (...) {
            if (owns_transaction_) {
                if (db_.in_transaction()) {
                    try {
                        db_.rollback();
                    } catch (const error&) {  // NOLINT(bugprone-empty-catch): the original error matters more
                    }
                }
                undo_all();
                owns_transaction_ = false;
            }
            throw;
        }
        undo_.clear();
        owns_transaction_ = false;
        for (auto& [type, registry] : registries_) registry->finish_commit();
    }

    /// ROLLBACKs the connection's open transaction (also one the caller began) and discards
    /// every change since the last commit: persistent objects get their committed values back,
    /// removed objects are persistent again, objects inserted since are pending again (keeping
    /// a key generated meanwhile, which the next flush inserts explicitly).
    /// @throws relata::database_error from ROLLBACK.
    void rollback() {
        const bool open = db_.in_transaction();
        undo_all();
        owns_transaction_ = false;
        for (auto& [type, registry] : registries_) registry->revert_to_snapshots();
        if (open) db_.rollback();
    }

    /// Forgets every tracked object (references to them become invalid) without SQL.
    void clear() {
        for (auto& [type, registry] : registries_) registry->clear();
        undo_.clear();
    }

    /// Counters of the Session's work so far.
    [[nodiscard]] const session_statistics& statistics() const noexcept { return statistics_; }

    /// The connection.
    [[nodiscard]] Connection& connection() noexcept { return db_; }

private:
    template <class Slot, class Row>
    auto merge_slot(const Row& row, std::size_t& offset) {
        using M = typename Slot::model_type;
        static_assert(detail::has_primary_key<M>,
                      "relata: a Session tracks objects by primary key; select a model without one with relata::all(db, query)");
        const std::size_t first = offset;
        offset += detail::field_count<M>;
        if constexpr (Slot::nullable) {
            if (detail::slot_is_null<Slot>(row, first)) return static_cast<M*>(nullptr);
            return &registry_for<M>().merge_loaded(detail::read_model<M>(row, first));
        } else if constexpr (detail::has_primary_key<M>) {
            return std::ref(registry_for<M>().merge_loaded(detail::read_model<M>(row, first)));
        }
    }

    template <class Shape, class Row>
    typename detail::tracked_shape<Shape>::row merge_row(const Row& row) {
        return [&]<class... Slots>(detail::model_shape<Slots...>*) -> typename detail::tracked_shape<Shape>::row {
            std::size_t offset = 0;
            if constexpr (Shape::single_model) return &merge_slot<Slots...>(row, offset).get();
            else return {merge_slot<Slots>(row, offset)...};  // braced list: evaluated in order
        }(static_cast<Shape*>(nullptr));
    }

    void prepare_query() {
        if (options_.autoflush) flush();
    }

    /// Detects a transaction this Session began that the connection no longer has.
    void check_transaction_alive() {
        if (!owns_transaction_ || db_.in_transaction()) return;
        undo_all();
        owns_transaction_ = false;
        throw session_error(
            "the transaction this session began was ended outside it (e.g. a ROLLBACK on the connection); "
            "the session was restored to its last commit and will write its changes again");
    }

    void undo_all() {
        for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) (*it)();
        undo_.clear();
    }

    template <model T>
    detail::registry<Connection, T>& registry_for() {
        auto& slot = registries_[std::type_index(typeid(T))];
        if (!slot) {
            slot = std::make_unique<detail::registry<Connection, T>>();
            order_dirty_ = true;
        }
        return static_cast<detail::registry<Connection, T>&>(*slot);
    }

    template <model T>
    detail::entry<T>& entry_of(T& object) {
        auto* e = registry_for<T>().find_entry(object);
        if (!e)
            throw session_error(fmt::format("this {} is not tracked by the session (add() it, or use the "
                                            "reference the session returned)",
                                            detail::type_name<T>));
        return *e;
    }

    std::vector<detail::registry_base<Connection>*> flush_order() {
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

    Connection& db_;
    session_options options_;
    std::map<std::type_index, std::unique_ptr<detail::registry_base<Connection>>> registries_;
    std::vector<detail::registry_base<Connection>*> order_;
    bool order_dirty_ = false;
    bool owns_transaction_ = false;  // this Session ran the BEGIN of the open transaction
    std::vector<std::function<void()>> undo_;
    session_statistics statistics_;
};

/// `session.get<T>(key)` as a free function, so generic code over a Session type needs no
/// `session.template get<T>(key)`.
/// @throws as `session::get`.
template <model T, connection Connection>
T& get(session<Connection>& session, const detail::primary_key_type<T>& key) {
    return session.template get<T>(key);
}

/// `session.find<T>(key)` as a free function: the object, or nullptr.
template <model T, connection Connection>
T* find(session<Connection>& session, const detail::primary_key_type<T>& key) {
    return session.template find<T>(key);
}

}  // namespace relata
