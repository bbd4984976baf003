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
#include <cstddef>
#include <concepts>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <typeindex>
#include <typeinfo>
#include <utility>
#include <vector>

#include "relata/connection.hpp"
#include "relata/detail/format.hpp"
#include "relata/detail/reflection.hpp"
#include "relata/error.hpp"
#include "relata/execute.hpp"
#include "relata/query/select.hpp"
#include "relata/schema.hpp"
#include "relata/session/flush_order.hpp"
#include "relata/session/hooks.hpp"
#include "relata/session/identity_key.hpp"
#include "relata/session/identity_map.hpp"
#include "relata/session/link.hpp"
#include "relata/session/loading.hpp"
#include "relata/session/nested_transaction.hpp"
#include "relata/session/object_state.hpp"
#include "relata/session/options.hpp"
#include "relata/session/relationship.hpp"
#include "relata/session/result_list.hpp"
#include "relata/session/snapshot.hpp"
#include "relata/session/unit_of_work.hpp"
#include "relata/sql/render.hpp"
#include "relata/types.hpp"

namespace relata {

/// A unit of work over one connection: tracks objects, keeps one object per row (identity
/// map), and on flush writes only what changed, in one transaction, in foreign-key order.
///
/// Transactions (SQLAlchemy's "autobegin"): the Session begins a transaction at its first
/// statement — a read (get/find/all/first/one/count/refresh), a bulk execute or a flush that
/// writes — with `session_options::transaction` (default SQLite `BEGIN IMMEDIATE`, PostgreSQL
/// `BEGIN`), and holds it until `commit()` or `rollback()`; the next statement begins a new one.
/// A read-modify-write in one Session is therefore one transaction; run it under
/// `relata::retry_transaction` to survive conflicts. When the caller already has a transaction
/// open on the connection, the Session works inside it and leaves COMMIT and ROLLBACK to the
/// caller. A failed flush rolls back to a SAVEPOINT (or the transaction it began) and leaves
/// the database, every object, its state and its snapshot as they were before the flush; fix
/// the value and flush or commit again. `commit()` flushes and COMMITs; `rollback()` ROLLBACKs
/// and restores the Session to the last commit; `begin_nested()` opens a SAVEPOINT. The
/// destructor rolls back an uncommitted transaction.
///
/// After a failed statement PostgreSQL aborts the whole transaction (every further statement
/// fails with SQLSTATE 25P02). The Session then refuses its next statement with a
/// relata::session_error saying to call `rollback()` (or to roll back a nested transaction
/// begun before the failure); `commit()` rolls the aborted transaction back itself and
/// reports it. SQLite keeps the transaction usable after a failed statement.
///
/// A row that a query returns while its object is already tracked yields the tracked object,
/// unchanged: unflushed changes to it are never overwritten by a query.
///
/// Not thread-safe; one Session per thread, over a connection the thread owns.
namespace detail {
/// A connection a Session borrowed from a pool for one unit of work (type-erased lease).
template <class Connection>
struct borrowed_connection {
    virtual ~borrowed_connection() = default;
    virtual Connection& get() noexcept = 0;
};
/// The lease of a pool, held for the Session; giving it back is the lease's destructor.
template <class Connection, class Lease>
struct lease_holder final : borrowed_connection<Connection> {
    explicit lease_holder(Lease&& held) : lease(std::move(held)) {}
    Connection& get() noexcept override { return *lease; }
    Lease lease;
};
}  // namespace detail

/// The Session over a `Connection` (relata::sqlite::connection, relata::postgres::connection or
/// any type modelling relata::connection): identity map, unit of work, autobegun transactions.
/// The rules (object states, flush, transactions, failures) are in the documentation of
/// <relata/session.hpp>.
template <connection Connection>
class session {
public:
    /// A Session over `db`, which must outlive it.
    explicit session(Connection& db, session_options options = {}) : db_(&db), options_(options) {
        if constexpr (requires { db.handle_id(); }) handle_id_ = db.handle_id();
    }

    /// A Session that borrows a connection from `pool` (a relata::pool, <relata/pool.hpp>) for
    /// each unit of work: at its first statement (autobegin) it acquires one, and at the end of
    /// `commit()` or `rollback()` it gives it back; tracked objects stay tracked in between, as
    /// in SQLAlchemy, whose Session returns its connection to the engine's pool at commit. The
    /// pool must outlive the Session.
    /// @code
    /// relata::session session{pool};
    /// session.get<Post>(1).votes += 1;   // acquires a connection, BEGIN, SELECT
    /// session.commit();                  // UPDATE, COMMIT, the connection goes back
    /// @endcode
    /// @throws (at the first statement) relata::pool_timeout, or what opening a connection throws.
    template <class Pool>
        requires requires(Pool& pool) {
            { *pool.acquire() } -> std::same_as<Connection&>;
        }
    explicit session(Pool& pool, session_options options = {})
        : db_(nullptr), options_(options), borrow_([&pool]() -> std::unique_ptr<detail::borrowed_connection<Connection>> {
              return std::make_unique<detail::lease_holder<Connection, decltype(pool.acquire())>>(pool.acquire());
          }) {}
    session(const session&) = delete;
    session& operator=(const session&) = delete;

    /// Rolls back a transaction this Session began and did not commit; never throws.
    ~session() {
        if (db_ == nullptr) return;
        if (owns_transaction_ && on_same_database() && db_->in_transaction()) {
            try {
                db_->rollback();
            } catch (...) {  // NOLINT(bugprone-empty-catch): destructors must not throw (a user SQL logger may too)
            }
        }
    }

    /// Adds a new object (state pending; no SQL until flush). An object whose integer key is
    /// 0 gets a database-generated key at flush, written back into it.
    /// @return a reference to the tracked object (valid until clear() or the Session ends).
    /// @throws relata::session_error when the key is held already: by a persistent object (a
    /// model whose key is not generated), or by a pending object added with it (any model; an
    /// integer key 0 to be generated holds none). Hibernate's `persist` refuses the same
    /// (NonUniqueObjectException), before any SQL.
    template <model T>
    T& add(T object) {
        static_assert(detail::has_primary_key<T>,
                      "relata: a Session tracks objects by primary key: give the model a member `id` or set "
                      "relata::mapping<T>::primary_key");
        if constexpr (detail::has_primary_key<T>) {
            T& added = registry_for<T>().add(std::move(object));
            if (!nested_.empty()) nested_.note_added([this, &added] { expunge_if_tracked(added); });
            return added;
        } else {
            return object;
        }
    }

    /// The object with primary key `key`: from the identity map without SQL when tracked,
    /// otherwise `SELECT ... WHERE "id" = ?`, without autoflush (Hibernate and SQLAlchemy do the
    /// same for a key lookup), so no flush can change the answer:
    /// - a persistent object is found under the key it was loaded with (or last flushed with),
    ///   even when its key members were changed in memory since; nullptr once it is removed;
    /// - a pending object is found under the key it had when added (Hibernate registers an
    ///   entity's key at `persist` the same way), also when that key replaces a removed row's; one
    ///   added with a default key (a generated key, written by the flush) is not found by key
    ///   until flushed.
    /// Either search is one lookup in an ordered index (O(log n)), so a loop of `get` + change,
    /// or of `find` + `add` (an import that creates what is missing), stays linear in the
    /// objects tracked: the changes are compared with their snapshots once, at the commit. For a
    /// composite key, `key` is a std::tuple of the key members in key order:
    /// `session.get<PlaylistTrack>(std::tuple{1, 3402})` runs
    /// `SELECT ... WHERE "playlist_id" = ? AND "track_id" = ?` (PostgreSQL: `$1`, `$2`).
    /// @throws relata::no_result when there is no such row; relata::database_error;
    /// relata::mapping_error when the mapped key matches rows that differ.
    template <model T>
    T& get(const detail::primary_key_type<T>& key) {
        if (T* found = find<T>(key)) return *found;
        throw no_result(detail::format("no {} with primary key {}", detail::type_name<T>,
                                       detail::describe_key_value(key)));
    }

    /// Like `get` (a std::tuple for a composite key), but returns nullptr when there is no such row.
    /// @throws relata::database_error; relata::mapping_error when the mapped key matches rows
    /// that differ.
    template <model T>
    T* find(const detail::primary_key_type<T>& key) {
        auto& registry = registry_for<T>();
        auto* e = registry.lookup(key);
        const bool removed = e != nullptr && (e->state == object_state::deleted || e->remove_requested);
        if (e != nullptr && !removed) {
            if (!e->expired) {
                ++statistics_.identity_map_hits;
                return &e->object;
            }
        } else if (auto* pending = registry.lookup_pending(key)) {  // a new object may take a removed row's key
            ++statistics_.identity_map_hits;
            return &pending->object;
        } else if (removed) {
            return nullptr;
        }
        begin_statement();
        const std::uint64_t result = ++statistics_.queries;
        T* found = nullptr;
        rendered_query& query = registry.key_query;  // rendered once per model, then only its parameters
        if (query.sql.empty()) query = to_sql(select<T>().where(condition<T>(detail::key_equals<T>(key))), db().sql_dialect());
        else detail::assign_key_parameters<T>(key, query.parameters);
        db().for_each_row(query, [&](const auto& row) { found = &registry.merge_loaded(detail::read_model<T>(row), result); });
        if (found == nullptr) {
            if (auto* gone = registry.lookup(key); gone && gone->expired) registry.expunge(*gone);  // deleted meanwhile
        }
        return found;
    }

    /// Runs a SELECT and returns its rows. Autoflushes first when a model the query names has
    /// unflushed changes (the rule: `session_options::autoflush`).
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
        return read_all(query, std::nullopt);
    }

    /// Runs a `select<T>()` query with loading options (`query.load(relata::select_in(...))`,
    /// <relata/session/loading.hpp>): the query, then the relationships it names, so that
    /// navigating them (`related`, `children`) runs no SQL. Statements: 1, plus per select_in
    /// option one per chunk of keys the Session lacks; joined options add none.
    /// @throws relata::database_error, relata::mapping_error, relata::session_error (an option
    /// names a member that is not a declared foreign key).
    template <class Query, class... Options>
    result_list<typename Query::row_type> all(const loaded_query<Query, Options...>& query) {
        return detail::run_loaded(*this, query);
    }

    /// Many-to-one navigation (<relata/session/relationship.hpp>): the object that `child`'s
    /// foreign key `member` references (declared in `mapping<Child>::foreign_keys`; `Target` is
    /// deduced from it, or named: `related<Author>(post, &Post::author_id)`). From the identity
    /// map without SQL when tracked, else `SELECT ... WHERE "id" IN (?)` (a lazy load, counted
    /// by the N+1 guard). A composite foreign key is named by the tuple of members of its
    /// `relata::references`: `related(line, std::tuple{&Line::order_id, &Line::order_version})`
    /// (`WHERE ("id", "version") IN (VALUES (?, ?))`); it references nothing when any column is NULL.
    /// @return `Target*` for an optional member (for a composite key: any optional member;
    /// nullptr for NULL or no row); `Target&` otherwise.
    /// @throws relata::no_result (non-optional member, no such row), relata::lazy_load_error
    /// (raise_on_lazy), relata::n_plus_one_detected, relata::session_error (not a declared
    /// foreign key), relata::database_error.
    template <class Target = void, model Child, class Value>
    decltype(auto) related(const Child& child, Value Child::*member) {
        return detail::related_reference<Target>(*this, child, member);
    }
    /// `related` over a composite foreign key: `related(line, std::tuple{&Line::order_id, &Line::order_version})`.
    /// @throws as `related(child, member)`.
    template <class Target = void, model Child, class... Values>
    decltype(auto) related(const Child& child, const std::tuple<Values Child::*...>& members) {
        return detail::related_reference<Target>(*this, child, members);
    }

    /// One-to-many navigation: the tracked `Child` objects whose foreign key `member` equals
    /// `parent`'s referenced key. The first call per parent runs
    /// `SELECT ... WHERE "author_id" IN (?) ORDER BY "id"` (a lazy load; none after a
    /// select_in/joined load, none for a pending parent); later calls answer from memory,
    /// including children added or re-pointed since (rules: <relata/session/relationship.hpp>).
    /// @throws relata::lazy_load_error, relata::n_plus_one_detected, relata::session_error,
    /// relata::database_error.
    template <model Child, model Parent, class Value>
    result_list<Child> children(const Parent& parent, Value Child::*member) {
        return detail::children<Child>(*this, parent, member);
    }
    /// `children` over a composite foreign key: `children<Line>(order, std::tuple{&Line::order_id, &Line::order_version})`,
    /// first loaded with `SELECT ... WHERE ("order_id", "order_version") IN (VALUES (?, ?)) ORDER BY "id"`.
    /// @throws as `children(parent, member)`.
    template <model Child, model Parent, class... Values>
    result_list<Child> children(const Parent& parent, const std::tuple<Values Child::*...>& members) {
        return detail::children<Child>(*this, parent, members);
    }

    /// Many-to-many navigation through an association model `Link` with foreign keys `left`
    /// (to `parent`) and `right` (to `Target`'s primary key): `children<Link>(parent, left)`,
    /// then at most one `SELECT ... WHERE "id" IN (...)` per chunk for the targets the Session
    /// lacks. Duplicate links give duplicate entries. The association model may have a
    /// composite primary key (Chinook's `PlaylistTrack`), and `left`/`right` may be composite
    /// foreign keys, each named by the std::tuple of members of its `relata::references`.
    /// @throws as `children`.
    template <model Target, model Parent, class Left, class Right>
        requires(std::is_member_object_pointer_v<Left> || detail::is_std_tuple<Left>::value) &&
                (std::is_member_object_pointer_v<Right> || detail::is_std_tuple<Right>::value)
    result_list<Target> associated(const Parent& parent, const Left& left, const Right& right) {
        return detail::associated<Target>(*this, parent, left, right);
    }

    /// The first row of the query (run with LIMIT 1): a tracked object or nullptr for
    /// `select<T>()`, else `std::optional` of what `all` returns per row.
    /// @throws as `all`.
    template <class Query>
        requires(detail::is_select_query<Query> || detail::is_loaded_query<Query>)
    auto first(const Query& query) {
        auto rows = [&] {
            if constexpr (detail::is_select_query<Query>) return read_all(query, 1);  // LIMIT 1, no copy
            else return all(query.limit(1));
        }();
        if constexpr (detail::is_result_list<decltype(rows)>) {
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
        requires(detail::is_select_query<Query> || detail::is_loaded_query<Query>)
    decltype(auto) one(const Query& query) {
        auto rows = [&] {
            if constexpr (detail::is_select_query<Query>) return read_all(query, 2);  // LIMIT 2, no copy
            else return all(query.limit(2));
        }();
        if (rows.empty()) throw no_result("the query returned no row");
        if (rows.size() > 1) throw multiple_results("the query returned more than one row");
        if constexpr (detail::is_result_list<decltype(rows)>) {
            return static_cast<typename Query::row_type&>(rows[0]);
        } else {
            return typename decltype(rows)::value_type(std::move(rows[0]));
        }
    }

    /// `SELECT COUNT(*)` of the query's rows. Autoflushes as `all` does.
    /// @throws relata::database_error, relata::mapping_error (a count that does not fit `std::int64_t`).
    template <class Query>
        requires detail::is_select_query<Query>
    std::int64_t count(const Query& query) {
        const rendered_query rendered = render_reading(query, {.count_rows = true});  // query.count(), without its copy
        begin_statement();
        ++statistics_.queries;
        return detail::run_count(db(), rendered);
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
        begin_statement();
        nested_.note_bulk_write();
        const std::int64_t changed = db().execute(to_sql(query, db().sql_dialect()));
        registry_for<typename detail::write_target<Query>::type>().expire_all();
        relationships_.forget_loaded();
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
            throw session_error(detail::format("refresh() needs a persistent {}; this one is {}", detail::type_name<T>,
                                               detail::state_name(e.state)));
        const auto key = detail::primary_key_of(*e.snapshot);
        std::optional<T> row;
        begin_statement();
        ++statistics_.queries;
        db().for_each_row(to_sql(select<T>().where(condition<T>(detail::key_equals<T>(key))), db().sql_dialect()),
                         [&](const auto& r) { row = detail::read_model<T>(r); });
        if (!row) {
            registry.expunge(e);
            throw no_result(detail::format("refresh(): the row of {} with primary key {} no longer exists", detail::type_name<T>,
                                           detail::describe_key_value(key)));
        }
        detail::run_after_load(*row);
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
        relationships_.forget_loaded();
        for (auto& [type, registry] : registries_) registry->expire_all();
    }

    /// Marks a tracked object for deletion: a pending object is simply dropped (detached); a
    /// persistent one is DELETEd at the next flush.
    /// @throws relata::session_error when the object is not tracked by this Session.
    template <model T>
    void remove(T& object) {
        registry_for<T>().remove(entry_of(object));
        removals_unflushed_ = true;
    }

    /// Links `child`'s foreign key `member` to `parent`, a tracked object whose key may not exist
    /// yet: the flush that writes `child` first INSERTs `parent` (foreign-key order, also among
    /// rows of one self-referencing model) and copies its generated key into `child.*member`.
    /// When `parent` already has its key, it is copied at once. Until that flush the link wins
    /// over a value assigned to the member by hand.
    /// @code
    /// auto& author = session.add(Author{.name = "Ada"});        // key generated at flush
    /// auto& post = session.add(Post{.title = "Notes"});
    /// session.link(post, &Post::author_id, author);              // post.author_id = author.id at flush
    /// session.commit();   // INSERT author ... RETURNING "id"; INSERT post (..., "author_id") VALUES (..., <that id>)
    /// @endcode
    /// @throws relata::session_error when either object is not tracked by this Session, or when
    /// `member` is not declared in `relata::mapping<Child>::foreign_keys` as referencing Parent.
    template <model Child, class Member, model Parent>
    void link(Child& child, Member Child::*member, Parent& parent) {
        detail::link_to_parent(*this, child, member, parent);
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
    /// children for inserts, children before parents for deletes (from mapping foreign_keys,
    /// also among the rows of one self-referencing model; <relata/session/flush_order.hpp>).
    /// A foreign-key cycle is broken at a nullable key: INSERT with it NULL, then UPDATE it; for
    /// DELETEs, UPDATE it to NULL first (<relata/session/cycles.hpp>). Pending children of a
    /// parent removed in this flush follow ON DELETE (CASCADE: not inserted; SET NULL: inserted
    /// with the key NULL).
    /// PostgreSQL: consecutive INSERTs of one model with the same statement (generated key or
    /// not) go in one libpq pipeline (relata::postgres::execute_pipelined, libpq 14+): one round
    /// trip for the run instead of one per row, each still counted as an INSERT. Not for rows
    /// whose keys come from rows of the same flush (`link`, self-references, cycle-deferred keys):
    /// those are written row by row. A failing row is named in the error (`<Model> insert <i> of
    /// <n> in this flush: `, i counted from 0 among the model's INSERTs in the flush). The
    /// DELETEs of one model (two or more) go in one pipeline too (`<Model> delete <i> of <n> in
    /// this flush: `), and so do its UPDATEs, per run of consecutive rows changing the same
    /// columns (`<Model> update <i> of <n> in this flush: `); each UPDATE's and DELETE's row
    /// count is checked afterwards (stale_data_error for a row gone), as one at a time would be.
    /// Runs the `before_insert`/`before_update`/`before_delete` hooks (<relata/session/hooks.hpp>)
    /// and fills linked foreign keys (`link`). Begins a transaction if
    /// none is open (the Session then owns it); inside an open one the work runs in a SAVEPOINT.
    /// @throws relata::database_error (e.g. constraint_violation), relata::stale_data_error,
    /// relata::mapping_error, relata::session_error (a foreign-key cycle with no nullable key, naming
    /// its models; a pending child of a removed parent under ON DELETE RESTRICT or NO ACTION; a
    /// link to a parent that has no key), whatever a hook throws; then the database and the Session are as before the call. If the
    /// engine itself ended the whole transaction (SQLite `RAISE(ROLLBACK)`, `ON CONFLICT
    /// ROLLBACK`, I/O errors), earlier flushes are gone too and the Session is restored to the
    /// last commit to match. relata::session_error when the transaction this Session began was
    /// ended behind its back (e.g. a ROLLBACK run directly on the connection); the Session is
    /// then restored to the last commit, and a new flush or commit writes everything again.
    void flush();

    /// Flushes and COMMITs the transaction the Session began. On failure that transaction is
    /// rolled back and the Session is as it was at the last successful commit, with every
    /// object's current values kept (and keys generated meanwhile kept, so objects that copied
    /// them stay right), so a corrected retry writes everything again. Inside a transaction the
    /// caller began, commit() only flushes: COMMIT is the caller's.
    /// A Session that ran only reads COMMITs its read transaction; one that ran nothing sends
    /// nothing. Open nested transactions end with it (their guards become inert).
    /// @throws as flush(), and relata::database_error from COMMIT (relata::transaction_conflict
    /// for a PostgreSQL serialization failure at COMMIT). relata::session_error when an earlier
    /// statement aborted the PostgreSQL transaction (rolled back then, as any failed commit).
    void commit();

    /// ROLLBACKs the connection's open transaction (also one the caller began) and discards
    /// every change since the last commit: persistent objects get their committed values back,
    /// removed objects are persistent again, objects inserted since are pending again (keeping
    /// a key generated meanwhile, which the next flush inserts explicitly). Open nested
    /// transactions end with it. The next statement begins a new transaction. On PostgreSQL
    /// this is how a Session leaves a transaction aborted by a failed statement.
    /// @throws relata::database_error from ROLLBACK.
    void rollback();

    /// Opens a nested transaction (SQLAlchemy's `Session.begin_nested`): flushes pending changes,
    /// begins the Session's transaction if none is open, and sets a savepoint
    /// (`SAVEPOINT "relata_nested_N"`). Its rollback undoes only what happened since, in the
    /// database and in the Session's objects; see relata::nested_transaction.
    /// @return the guard (rolls back unless committed; must not outlive the Session).
    /// @throws as flush(); relata::database_error from BEGIN or SAVEPOINT.
    [[nodiscard]] nested_transaction<Connection> begin_nested() {
        flush();
        begin_statement();
        detail::nested_level level = nested_.next(undo_.size());
        db().savepoint(level.savepoint);
        const std::uint64_t id = level.id;
        nested_.push(std::move(level));
        return detail::session_access<session>::open_nested(*this, id);
    }

    /// Forgets every tracked object (references to them become invalid) without SQL.
    void clear() {
        relationships_.clear();
        for (auto& [type, registry] : registries_) registry->clear();
        undo_.clear();
        nested_.forget_objects();
    }

    /// Counters of the Session's work so far.
    [[nodiscard]] const session_statistics& statistics() const noexcept { return statistics_; }

    /// The connection (over a pool: the one borrowed for the current unit of work, acquired now
    /// if none is).
    /// @throws over a pool, as `pool::acquire()` (relata::pool_timeout, or what opening a
    /// connection throws).
    [[nodiscard]] Connection& connection() { return db(); }

private:
    template <class>
    friend struct detail::session_access;

    template <model T>
    void expunge_if_tracked(T& object) {
        if (auto* e = registry_for<T>().find_entry(object)) registry_for<T>().expunge(*e);
    }

    // What ON DELETE CASCADE / SET NULL did in the database, applied to the tracked objects, down
    // every level of cascades.
    void follow_deleted_parents();

    // Every statement the Session runs starts here (autobegin).
    void begin_statement();

    bool aborted() const {
        if constexpr (requires(const Connection& c) { c.transaction_aborted(); }) return db_ != nullptr && db_->transaction_aborted();
        else return false;
    }

    void check_not_aborted() const;

    void reset_transaction();

    // Flushes everything before every statement a bulk write runs (autoflush on).
    void prepare_query() {
        if (options_.autoflush) flush();
    }

    // all(query), or with `limit` all(query.limit(*limit)) without copying the query (first, one).
    template <class Query>
    auto read_all(const Query& query, std::optional<std::int64_t> limit) {
        using shape = typename Query::shape_type;
        if constexpr (detail::tracked_shape<shape>::value) {
            const rendered_query rendered = render_reading(query, {.limit = limit});
            begin_statement();
            ++statistics_.queries;
            // Merged with the query's row reader (the models without their aliases): one
            // instantiation per row type, shared by every query that reads such rows.
            auto rows = read_tracked_rows<detail::row_reader_t<shape>>(rendered, detail::rows_to_reserve(query, limit));
            if constexpr (shape::single_model) return result_list<typename shape::row_type>(std::move(rows));
            else return rows;
        } else {
            const rendered_query rendered = render_reading(query, {.limit = limit});
            begin_statement();
            ++statistics_.queries;
            return detail::read_all_rows<detail::query_reader_t<Query>>(db(), rendered, detail::rows_to_reserve(query, limit));
        }
    }

    // Runs `rendered` and merges each row into the identity map (tracked objects of Shape, a
    // model_shape); makes room for `expected` rows at the first.
    template <class Shape>
    typename detail::tracked_shape<Shape>::list read_tracked_rows(const rendered_query& rendered, std::size_t expected) {
        typename detail::tracked_shape<Shape>::list rows;
        db().for_each_row(rendered, [&](const auto& row) {
            if (rows.empty()) rows.reserve(detail::rows_to_make_room_for(row, expected));
            rows.push_back(detail::merge_row<Shape>(*this, row));
        });
        return rows;
    }

    // Renders a SELECT and autoflushes when it must (Hibernate's AUTO flush rule): when a model
    // whose table the query names has changes, or a removal is unflushed (ON DELETE CASCADE may
    // change any table). Costs one snapshot comparison per tracked object of the named models
    // (stopping at the first difference), none for other models.
    template <class Query>
    rendered_query render_reading(const Query& query, detail::outermost_select outer = {}) {
        std::vector<const detail::model_info*> tables;
        rendered_query rendered = detail::render(query, db().sql_dialect(), options_.autoflush ? &tables : nullptr, outer);
        autoflush(tables);
        return rendered;
    }

    void autoflush(const std::vector<const detail::model_info*>& tables);

    /// Detects a transaction this Session began that the connection no longer has.
    void check_transaction_alive();

    // A Session belongs to the database it was opened on: a connection moved from (std::move)
    // or move-assigned another database under it is refused, not silently followed.
    // False when the connection under the Session was moved from or move-assigned another
    // database since the Session began using it (true with no connection borrowed).
    bool on_same_database() const noexcept {
        if (db_ == nullptr) return true;  // over a pool, between units of work
        if constexpr (requires { db_->handle_id(); }) return db_->handle_id() == handle_id_;
        else return true;
    }

    void check_same_database() const;

    void undo_all();

    // The registry of model T, made on first use. The last one asked for is remembered by its
    // type_info's address, so a loop over one model (session.all reading rows, get in a loop)
    // skips the map search; registries are never erased, so the pointer stays valid.
    template <model T>
    detail::registry<Connection, T>& registry_for() {
        if (last_registry_type_ != &typeid(T)) {
            auto& slot = registries_[std::type_index(typeid(T))];
            if (!slot) {
                slot = std::make_unique<detail::registry<Connection, T>>();
                order_dirty_ = true;
            }
            last_registry_type_ = &typeid(T);
            last_registry_ = slot.get();
        }
        return static_cast<detail::registry<Connection, T>&>(*last_registry_);
    }

    template <model T>
    detail::entry<T>& entry_of(T& object) {
        auto* e = registry_for<T>().find_entry(object);
        if (!e)
            throw session_error(detail::format("this {} is not tracked by the session (add() it, or use the "
                                               "reference the session returned)",
                                               detail::type_name<T>));
        return *e;
    }

    std::vector<detail::registry_base<Connection>*> flush_order();

    // The connection statements run on: the one given, or (over a pool) the one borrowed for
    // the current unit of work, null between units of work.
    Connection& db();

    // Over a pool: the unit of work ended (commit or rollback), so the connection goes back.
    void give_back_connection() noexcept;

    Connection* db_;
    session_options options_;
    std::function<std::unique_ptr<detail::borrowed_connection<Connection>>()> borrow_;
    std::unique_ptr<detail::borrowed_connection<Connection>> borrowed_;
    std::map<std::type_index, std::unique_ptr<detail::registry_base<Connection>>> registries_;
    const std::type_info* last_registry_type_ = nullptr;  // registry_for's last model and registry
    detail::registry_base<Connection>* last_registry_ = nullptr;
    std::vector<detail::registry_base<Connection>*> order_;
    bool order_dirty_ = false;
    bool owns_transaction_ = false;  // this Session ran the BEGIN of the open transaction
    std::uint64_t handle_id_ = 0;    // the connection's handle_id() when the Session was opened
    detail::nested_levels nested_;
    bool committing_ = false;           // commit() flushes its own transaction: no savepoint needed
    bool removals_unflushed_ = false;   // a remove() (or an undone DELETE) may await the next flush
    std::vector<std::function<void()>> undo_;
    session_statistics statistics_;
    detail::relationship_store relationships_;
};

namespace detail {
/// What the relationship code (<relata/session/relationship.hpp>, loading.hpp) uses of a Session.
template <class Connection>
struct session_access<session<Connection>> {
    using session_type = session<Connection>;
    template <model T>
    static registry<Connection, T>& registry(session_type& s) {
        return s.template registry_for<T>();
    }
    static std::size_t parameter_limit(session_type& s) { return detail::parameter_limit(s.db()); }
    static const session_options& options(session_type& s) { return s.options_; }
    static session_statistics& statistics(session_type& s) { return s.statistics_; }
    static relationship_store& relationships(session_type& s) { return s.relationships_; }
    static std::uint64_t epoch(session_type& s) { return s.relationships_.epoch() + s.statistics_.flushes; }
    static Connection& db(session_type& s) { return s.db(); }
    template <model T>
    static entry<T>& entry_of(session_type& s, T& object) {
        return s.entry_of(object);
    }
    static nested_levels& nested(session_type& s) { return s.nested_; }
    /// The undo records (nested rollbacks run some: undone DELETEs are requested again).
    static std::vector<std::function<void()>>& undo(session_type& s) {
        s.removals_unflushed_ = true;
        return s.undo_;
    }
    static void flush(session_type& s) { s.flush(); }
    static void reset_transaction(session_type& s) { s.reset_transaction(); }
    static void revert_to_snapshots(session_type& s) {
        for (auto& [type, registry] : s.registries_) registry->revert_to_snapshots();
    }
    static nested_transaction<Connection> open_nested(session_type& s, std::uint64_t id) {
        return nested_transaction<Connection>(s, id);
    }
    /// Renders a SELECT the Session runs, autoflushing first when the models it reads have
    /// changes, and begins the Session's transaction.
    template <class Query>
    static rendered_query prepare_reading(session_type& s, const Query& query) {
        rendered_query rendered = s.render_reading(query);
        s.begin_statement();
        return rendered;
    }
};
}  // namespace detail

/// `session.get<T>(key)` as a free function, so generic code over a Session type needs no
/// `session.template get<T>(key)`. A composite key is a std::tuple in key order:
/// `relata::get<PlaylistTrack>(session, {1, 3402})`.
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

// The Session member functions defined outside the class.
#include "relata/session/flush_and_commit.hpp"  // IWYU pragma: export
