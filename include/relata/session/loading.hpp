#pragma once
/// @file
/// Loading strategies, part of a query: `select<T>().load(relata::select_in(&Post::author_id))`.
///
/// @code
/// auto authors = session.all(relata::select<Author>()
///                                .load(relata::select_in(&Post::author_id)           // their posts: 1 more query
///                                          .then(relata::select_in(&Comment::post_id))));  // and those posts' comments
/// auto posts = session.all(relata::select<Post>().load(relata::joined(&Post::author_id)));  // one query, LEFT JOIN
/// auto strict = session.all(relata::select<Post>().load(relata::raise_on_lazy(&Post::author_id)));
/// @endcode
///
/// A loading option names a relationship by its foreign-key member (declared in
/// `relata::mapping<Child>::foreign_keys`), or by the std::tuple of members of a composite
/// foreign key (`relata::select_in(std::tuple{&Line::order_id, &Line::order_version})`). Its direction follows from the member's class:
/// - the member belongs to the queried model (`select<Post>()`, `&Post::author_id`): many-to-one,
///   the referenced objects are loaded (`session.related` then runs no SQL);
/// - it belongs to another model (`select<Author>()`, `&Post::author_id`): one-to-many, the
///   referencing objects are loaded and each parent's collection is marked loaded
///   (`session.children` then runs no SQL). A self-referencing key (`&Employee::reports_to` on
///   `select<Employee>()`) is many-to-one.
///
/// Strategies (SQLAlchemy's relationship loader options):
/// - `select_in(member)` — SQLAlchemy selectinload: after the query, one
///   `SELECT ... WHERE "author_id" IN (?, ...) ORDER BY "id"` per chunk of keys, a chunk being
///   at most the engine's parameter limit (`db.max_parameters()`: PostgreSQL 65,535; SQLite its
///   `SQLITE_LIMIT_VARIABLE_NUMBER`). Keys whose objects or collections the Session already
///   holds are not loaded again.
/// - `joined(member)` — SQLAlchemy joinedload: the query itself gets
///   `LEFT JOIN "post" ON "post"."author_id" = "author"."id"` and selects the joined model's
///   columns too; for a collection, parents repeated by the join are returned once, and the
///   children are ordered by their primary key after the query's own ORDER BY. A query with
///   LIMIT/OFFSET (also `session.first`/`one`) loads joined collections as select_in instead,
///   since the limit would cut the joined rows. Nested under another option (`then`), or when an
///   earlier option of the query already joined the same model, joined loads as select_in. Not for a self-referencing key (the table would be joined to itself
///   without an alias): use select_in.
/// - `raise_on_lazy(member)` — SQLAlchemy raiseload: navigating the relationship from the
///   objects this query returned throws relata::lazy_load_error instead of running a lazy load
///   (answers from the identity map or an already loaded collection still work).
/// - `.then(option)` nests: the option applies to the objects the outer option loaded.
///
/// The options belong to the query value (`loaded_query`), which stays lazy and immutable:
/// `to_sql` renders only the base query's SQL. They take effect through a Session
/// (`session.all/first/one`); `relata::all(db, query)` does not accept a `loaded_query` (it does
/// not compile), since there would be no identity map to put the loaded objects in.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <tuple>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <vector>

#include "relata/detail/reflection.hpp"
#include "relata/query/node.hpp"
#include "relata/query/select.hpp"
#include "relata/query/shape.hpp"
#include "relata/session/relationship.hpp"
#include "relata/session/result_list.hpp"
#include "relata/sql/render.hpp"

namespace relata {

/// How a loading option loads its relationship (see the file comment).
enum class loading_strategy {
    select_in,      ///< one extra `WHERE ... IN (...)` query per chunk (SQLAlchemy selectinload)
    joined,         ///< a LEFT JOIN in the query itself (SQLAlchemy joinedload)
    raise_on_lazy,  ///< navigating without a load throws (SQLAlchemy raiseload)
};

/// One loading option: a strategy for the relationship over the foreign-key member `member`
/// (`Member`: `V Child::*`, or a std::tuple of them for a composite foreign key), with options
/// for the objects it loads (`then`). Made by relata::select_in, relata::joined and
/// relata::raise_on_lazy.
template <loading_strategy Strategy, class Child, class Member, class... Nested>
struct relationship_loader {
    /// The foreign-key member (or std::tuple of members) naming the relationship.
    Member member;
    /// Options applied to the objects this one loads.
    std::tuple<Nested...> nested;

    /// Adds an option for the objects this one loads: `select_in(&Post::author_id).then(select_in(&Comment::post_id))`.
    template <loading_strategy S, class C, class V, class... N>
    [[nodiscard]] constexpr relationship_loader<Strategy, Child, Member, Nested..., relationship_loader<S, C, V, N...>> then(
        const relationship_loader<S, C, V, N...>& option) const {
        static_assert(Strategy != loading_strategy::raise_on_lazy, "relata: raise_on_lazy loads nothing to nest options under");
        return {member, std::tuple_cat(nested, std::tuple{option})};
    }
};

/// Loads the relationship over `member` with one extra query per chunk of keys:
/// `SELECT ... FROM "post" WHERE "author_id" IN ($1, $2, ...) ORDER BY "id"` (SQLAlchemy selectinload).
template <class Child, class Value>
[[nodiscard]] constexpr relationship_loader<loading_strategy::select_in, Child, Value Child::*> select_in(Value Child::*member) {
    return {member, {}};
}

/// Loads the relationship over a composite foreign key (the tuple of members of its
/// `relata::references`) with one row-value query per chunk of keys (chunks keep columns x keys
/// within the engine's parameter limit):
/// `SELECT ... FROM "line" WHERE ("order_id", "order_version") IN (VALUES (?, ?), (?, ?)) ORDER BY "id"`
/// (PostgreSQL: each parameter cast to its column type, `CAST($1 AS BIGINT)`; SQLite: row values since 3.15).
template <class Child, class... Values>
[[nodiscard]] constexpr relationship_loader<loading_strategy::select_in, Child, std::tuple<Values Child::*...>> select_in(
    std::tuple<Values Child::*...> members) {
    return {members, {}};
}

/// Loads the relationship over `member` in the query itself, with
/// `LEFT JOIN "post" ON "post"."author_id" = "author"."id"` (SQLAlchemy joinedload).
template <class Child, class Value>
[[nodiscard]] constexpr relationship_loader<loading_strategy::joined, Child, Value Child::*> joined(Value Child::*member) {
    return {member, {}};
}

/// `joined` over a composite foreign key: `LEFT JOIN "line" ON "line"."order_id" = "order"."id"
/// AND "line"."order_version" = "order"."version"`.
template <class Child, class... Values>
[[nodiscard]] constexpr relationship_loader<loading_strategy::joined, Child, std::tuple<Values Child::*...>> joined(
    std::tuple<Values Child::*...> members) {
    return {members, {}};
}

/// Makes navigation of the relationship over `member` from the query's objects throw
/// relata::lazy_load_error when it would run a lazy load (SQLAlchemy raiseload).
template <class Child, class Value>
[[nodiscard]] constexpr relationship_loader<loading_strategy::raise_on_lazy, Child, Value Child::*> raise_on_lazy(
    Value Child::*member) {
    return {member, {}};
}

/// `raise_on_lazy` over a composite foreign key (the tuple of members of its `relata::references`).
template <class Child, class... Values>
[[nodiscard]] constexpr relationship_loader<loading_strategy::raise_on_lazy, Child, std::tuple<Values Child::*...>>
raise_on_lazy(std::tuple<Values Child::*...> members) {
    return {members, {}};
}

/// A `select<T>()` query with loading options, made by `select_query::load`. A value like the
/// query: every call returns a new one. Run it with `session.all/first/one`.
template <class Query, class... Options>
class loaded_query {
public:
    /// What one row reads into (the base query's).
    using row_type = typename Query::row_type;
    /// The base query's shape.
    using shape_type = typename Query::shape_type;

    /// The query `query` with `options`.
    loaded_query(Query query, std::tuple<Options...> options) : query_(std::move(query)), options_(std::move(options)) {}

    /// Adds more loading options.
    template <class... More>
    [[nodiscard]] loaded_query<Query, Options..., More...> load(const More&... more) const {
        return {query_, std::tuple_cat(options_, std::tuple{more...})};
    }
    /// The base query's `where`, keeping the options.
    template <class Condition>
    [[nodiscard]] loaded_query where(const Condition& condition) const {
        return {query_.where(condition), options_};
    }
    /// The base query's `order_by`, keeping the options.
    template <class... Terms>
    [[nodiscard]] loaded_query order_by(const Terms&... terms) const {
        return {query_.order_by(terms...), options_};
    }
    /// The base query's `limit`, keeping the options.
    [[nodiscard]] loaded_query limit(std::int64_t count) const { return {query_.limit(count), options_}; }
    /// The base query's `offset`, keeping the options.
    [[nodiscard]] loaded_query offset(std::int64_t count) const { return {query_.offset(count), options_}; }

    /// The query without its options.
    [[nodiscard]] const Query& query() const noexcept { return query_; }
    /// The loading options.
    [[nodiscard]] const std::tuple<Options...>& options() const noexcept { return options_; }
    /// The base query's data (loading options render no SQL of their own).
    [[nodiscard]] const detail::select_data& data() const noexcept { return query_.data(); }

private:
    Query query_;
    std::tuple<Options...> options_;
};

/// The base query's SQL: loading options render none of their own.
template <class Query, class... Options>
[[nodiscard]] rendered_query to_sql(const loaded_query<Query, Options...>& query, const dialect& d) {
    return to_sql(query.query(), d);
}

namespace detail {

template <class T>
inline constexpr bool is_loaded_query = false;
template <class Query, class... Options>
inline constexpr bool is_loaded_query<loaded_query<Query, Options...>> = true;

template <class Option>
struct loader_traits;
template <loading_strategy Strategy, class Child, class Member, class... Nested>
struct loader_traits<relationship_loader<Strategy, Child, Member, Nested...>> {
    static constexpr loading_strategy strategy = Strategy;
    using child = Child;
    using member = Member;
};

/// Applies `option` to `parents` (objects of `Parent`), after they were loaded.
template <class Session, model Parent, loading_strategy Strategy, class Child, class V, class... Nested>
void apply_loader(Session& s, const std::vector<Parent*>& parents,
                  const relationship_loader<Strategy, Child, V, Nested...>& option);

template <class Session, model Parent, class Tuple>
void apply_nested(Session& s, const std::vector<Parent*>& parents, const Tuple& options) {
    std::apply([&](const auto&... option) { (apply_loader(s, parents, option), ...); }, options);
}

/// Many-to-one: loads the objects the parents' foreign keys reference that the Session lacks.
template <class Session, model Parent, loading_strategy Strategy, class V, class... Nested>
void load_referenced(Session& s, const std::vector<Parent*>& parents,
                     const relationship_loader<Strategy, Parent, V, Nested...>& option) {
    auto& state = session_access<Session>::relationships(s).template state<relationship_state>(
        {typeid(Parent), member_set_code<Parent>(option.member), false});
    if constexpr (Strategy == loading_strategy::raise_on_lazy) {
        for (const Parent* parent : parents) state.raise_from.insert(parent);
    } else {
        state.counter.count = 0;
        with_any_foreign_key(option.member, [&](const auto& key) {
            using Target = foreign_key_target_t<decltype(key)>;
            const auto target_members = target_members_of(key);
            using key_type = member_set_key_t<decltype(target_members)>;
            const bool by_key = is_primary_key_of<Target>(target_members);
            std::vector<key_type> missing;
            std::set<key_type> seen;
            bool removed = false;
            for (const Parent* parent : parents) {
                const auto value = read_key<key_type>(*parent, option.member);
                if (!value || !seen.insert(*value).second) continue;
                if (by_key && (tracked_target<Target>(s, *value, removed) || removed)) continue;
                missing.push_back(*value);
            }
            std::vector<Target*> loaded;
            if (!missing.empty()) {
                const auto before = session_access<Session>::statistics(s).queries;
                loaded = load_where_in<Target>(s, target_members, missing);
                session_access<Session>::statistics(s).loader_queries += session_access<Session>::statistics(s).queries - before;
            }
            if constexpr (sizeof...(Nested) > 0) {
                std::vector<Target*> targets;
                if (by_key) {
                    std::unordered_set<const Target*> unique;
                    for (const key_type& value : seen)
                        if (Target* target = tracked_target<Target>(s, value, removed); target && unique.insert(target).second)
                            targets.push_back(target);
                } else {
                    targets = loaded;
                }
                apply_nested(s, targets, option.nested);
            }
        });
    }
}

/// One-to-many: loads the collections of the parents that are not loaded yet.
template <class Session, model Parent, loading_strategy Strategy, class Child, class V, class... Nested>
void load_collections(Session& s, const std::vector<Parent*>& parents,
                      const relationship_loader<Strategy, Child, V, Nested...>& option) {
    static_assert(contains_v<Parent, typename foreign_key_targets<Child, V>::type>,
                  "relata: this loading option's foreign key does not reference the queried model");
    using key_type = member_set_key_t<V>;
    auto& state = collection_of<key_type>(s, option.member);
    if constexpr (Strategy == loading_strategy::raise_on_lazy) {
        for (const Parent* parent : parents) state.raise_from.insert(parent);
    } else {
        state.counter.count = 0;
        std::vector<key_type> keys;
        with_foreign_key<Parent>(option.member, [&](const auto& key) {
            std::set<key_type> seen;
            for (const Parent* parent : parents) {
                const auto value = read_key<key_type>(*parent, target_members_of(key));
                if (value && !state.loaded.contains(*value) && seen.insert(*value).second) keys.push_back(*value);
            }
        });
        if (!keys.empty()) {
            const auto before = session_access<Session>::statistics(s).queries;
            load_children(s, state, option.member, keys);
            session_access<Session>::statistics(s).loader_queries += session_access<Session>::statistics(s).queries - before;
        }
        if constexpr (sizeof...(Nested) > 0) {
            std::vector<Child*> children;
            for (Parent* parent : parents)
                for (Child& child : relata::detail::children<Child>(s, *parent, option.member)) children.push_back(&child);
            apply_nested(s, children, option.nested);
        }
    }
}

template <class Session, model Parent, loading_strategy Strategy, class Child, class V, class... Nested>
void apply_loader(Session& s, const std::vector<Parent*>& parents,
                  const relationship_loader<Strategy, Child, V, Nested...>& option) {
    if constexpr (std::is_same_v<Child, Parent>) load_referenced(s, parents, option);
    else load_collections(s, parents, option);
}

/// True when the top-level `option` is loaded by the query's LEFT JOIN.
template <class Parent, class Option>
bool joins(const Option&, bool limited) {
    using traits = loader_traits<Option>;
    using child = typename traits::child;
    if constexpr (traits::strategy != loading_strategy::joined) {
        return false;
    } else if constexpr (std::is_same_v<child, Parent>) {
        static_assert(!std::is_same_v<relationship_target_t<void, child, typename traits::member>, Parent>,
                      "relata: joined() over a self-referencing foreign key would join the table to itself; use select_in()");
        return true;  // many-to-one: one row per parent, LIMIT applies as written
    } else {
        return !limited;
    }
}

/// The model a top-level option joins, and its ON condition.
template <class Parent, class Option>
struct joined_side {
    using child = typename loader_traits<Option>::child;
    using member = typename loader_traits<Option>::member;
    static constexpr bool forward = std::is_same_v<child, Parent>;
    using model = std::conditional_t<forward, relationship_target_t<void, child, member>, child>;
    using target = std::conditional_t<forward, model, Parent>;

    /// `"post"."author_id" = "author"."id"`, one equality per column joined with AND.
    static node_ptr on(const Option& option) {
        node_ptr condition;
        with_foreign_key<target>(option.member, [&](const auto& key) {
            const auto from = column_indexes<child>(option.member);
            const auto to = column_indexes<target>(target_members_of(key));
            for (std::size_t i = 0; i < from.size(); ++i) {
                node_ptr equal = make_node(node_kind::binary,
                                           {make_column(&source_info_of<child>, from[i]), make_column(&source_info_of<target>, to[i])},
                                           "=");
                condition = condition ? make_logical(node_kind::logical_and, condition, equal) : equal;
            }
        });
        return condition;
    }
};

/// After the joined query: resets the N+1 count, marks collections loaded, applies nested options.
template <class Session, model T, class Option>
void finish_joined(Session& s, const std::vector<T*>& parents, const Option& option, const std::vector<void*>& objects) {
    if constexpr (loader_traits<Option>::strategy == loading_strategy::joined) {
        using side = joined_side<T, Option>;
        using M = typename side::model;
        if constexpr (side::forward) {
            session_access<Session>::relationships(s)
                .template state<relationship_state>({typeid(T), member_set_code<T>(option.member), false})
                .counter.count = 0;
        } else {
            using key_type = member_set_key_t<typename side::member>;
            auto& state = collection_of<key_type>(s, option.member);
            state.counter.count = 0;
            state.generation = state.stale;  // rebuilt at the next navigation
            with_foreign_key<T>(option.member, [&](const auto& key) {
                for (const T* parent : parents)
                    if (const auto value = read_key<key_type>(*parent, target_members_of(key))) state.loaded.insert(*value);
            });
        }
        if constexpr (std::tuple_size_v<decltype(option.nested)> > 0) {
            std::vector<M*> loaded;
            std::unordered_set<const void*> unique;
            for (void* object : objects)
                if (unique.insert(object).second) loaded.push_back(static_cast<M*>(object));
            apply_nested(s, loaded, option.nested);
        }
    }
}

/// Whether the query's LEFT JOIN loads `option`: a joined option, unless the limit would cut its
/// rows or an earlier option already joined the same model (`sources`: the models joined so far).
template <model T, class Option>
bool decide_join(const Option& option, bool limited, std::vector<const source_info*>& sources) {
    if constexpr (loader_traits<Option>::strategy == loading_strategy::joined) {
        const source_info* source = &source_info_of<typename joined_side<T, Option>::model>;
        if (!joins<T>(option, limited) || std::find(sources.begin(), sources.end(), source) != sources.end()) return false;
        sources.push_back(source);
        return true;
    } else {
        (void)option;
        (void)limited;
        (void)sources;
        return false;
    }
}

/// Adds the LEFT JOIN, the columns and (for a collection) the children's order of `option`.
template <model T, class Option>
void add_join(select_data& data, const Option& option) {
    if constexpr (loader_traits<Option>::strategy == loading_strategy::joined) {
        using side = joined_side<T, Option>;
        using M = typename side::model;
        data.joins.push_back({join_kind::left, &source_info_of<M>, side::on(option)});
        data.projection.push_back({all_columns_node<M, 0>(), {}});
        if constexpr (!side::forward) order_by_primary_key<M>(data);
    } else {
        (void)data;
        (void)option;
    }
}

/// Reads the joined model of `option` from a row at `offset` into the Session (none for NULL).
template <model T, class Option, class Session, class Row>
void read_joined(Session& s, const Row& row, std::size_t& offset, std::vector<void*>& objects, std::uint64_t result) {
    if constexpr (loader_traits<Option>::strategy == loading_strategy::joined) {
        using M = typename joined_side<T, Option>::model;
        const std::size_t first = offset;
        offset += field_count<M>;
        if (slot_is_null<slot<M, true>>(row, first)) return;
        objects.push_back(&session_access<Session>::template registry<M>(s).merge_loaded(read_model<M>(row, first), result));
    } else {
        (void)result;
        (void)s;
        (void)row;
        (void)offset;
        (void)objects;
    }
}

template <model T, class Session, class Tuple, std::size_t... I>
std::array<bool, sizeof...(I)> decide_joins(const Tuple& options, bool limited, std::index_sequence<I...>) {
    std::vector<const source_info*> sources{&source_info_of<T>};
    std::array<bool, sizeof...(I)> joined{};
    ((joined[I] = decide_join<T>(std::get<I>(options), limited, sources)), ...);
    return joined;
}

template <model T, class Tuple, std::size_t N, std::size_t... I>
void add_joins(select_data& data, const Tuple& options, const std::array<bool, N>& joined, std::index_sequence<I...>) {
    ((joined[I] ? add_join<T>(data, std::get<I>(options)) : void()), ...);
}

template <model T, class Tuple, class Session, class Row, std::size_t N, std::size_t... I>
void read_joins(Session& s, const Row& row, const std::array<bool, N>& joined, std::vector<std::vector<void*>>& objects,
                std::uint64_t result, std::index_sequence<I...>) {
    std::size_t offset = field_count<T>;
    ((joined[I] ? read_joined<T, std::tuple_element_t<I, Tuple>>(s, row, offset, objects[I], result) : void()), ...);
}

template <model T, class Session, class Tuple, std::size_t N, std::size_t... I>
void finish_options(Session& s, const std::vector<T*>& parents, const Tuple& options, const std::array<bool, N>& joined,
                    const std::vector<std::vector<void*>>& objects, std::index_sequence<I...>) {
    ((joined[I] ? finish_joined(s, parents, std::get<I>(options), objects[I]) : apply_loader(s, parents, std::get<I>(options))),
     ...);
}

/// session.all(select<T>().load(...)): the query (with the LEFT JOINs of joined options), then
/// every other option on the objects it returned.
template <class Session, class Query, class... Options>
auto run_loaded(Session& s, const loaded_query<Query, Options...>& query) {
    using T = typename Query::row_type;
    static_assert(model<T> && std::is_same_v<typename Query::shape_type, model_shape<slot<T>>>,
                  "relata: load() applies to select<Model>() queries");
    using access = session_access<Session>;
    using options_tuple = std::tuple<Options...>;
    constexpr auto indexes = std::index_sequence_for<Options...>{};
    const bool limited = query.data().limit.has_value() || query.data().offset.has_value();
    const std::array<bool, sizeof...(Options)> joined = decide_joins<T, Session>(query.options(), limited, indexes);
    std::vector<T*> parents;
    std::vector<std::vector<void*>> joined_objects(sizeof...(Options));
    if (std::find(joined.begin(), joined.end(), true) == joined.end()) {
        for (T& object : s.all(query.query())) parents.push_back(&object);
    } else {
        select_data data = query.data();
        add_joins<T>(data, query.options(), joined, indexes);
        const rendered_query rendered = access::prepare_reading(s, select_query<T>(std::move(data)));
        // One result: a key repeated with different values is a mapping_error, in every model.
        const std::uint64_t result = ++access::statistics(s).queries;
        std::unordered_set<const T*> seen;
        auto& parent_registry = access::template registry<T>(s);
        access::db(s).for_each_row(rendered, [&](const auto& row) {
            T& parent = parent_registry.merge_loaded(read_model<T>(row, 0), result);
            if (seen.insert(&parent).second) parents.push_back(&parent);
            read_joins<T, options_tuple>(s, row, joined, joined_objects, result, indexes);
        });
    }
    finish_options<T>(s, parents, query.options(), joined, joined_objects, indexes);
    return result_list<T>(std::move(parents));
}

}  // namespace detail

}  // namespace relata
