#pragma once
/// @file
/// Relationships, declared by the foreign keys of `relata::mapping<T>::foreign_keys` (outside
/// the structs, which stay plain), and navigated lazily through a Session:
///
/// @code
/// template <> struct relata::mapping<Post> {
///     static constexpr auto foreign_keys = std::tuple{relata::references(&Post::author_id, &Author::id)};
/// };
/// Author& author = session.related(post, &Post::author_id);                   // many-to-one
/// relata::result_list<Post> posts = session.children<Post>(author, &Post::author_id);   // one-to-many
/// relata::result_list<Tag> tags = session.associated<Tag>(post, &PostTag::post_id, &PostTag::tag_id);  // many-to-many
/// @endcode
///
/// A composite foreign key (`relata::references(std::tuple{&Line::order_id, &Line::order_version},
/// std::tuple{&Order::id, &Order::version})`) is named by the same tuple of members in every call:
/// `session.related(line, std::tuple{&Line::order_id, &Line::order_version})`,
/// `session.children<Line>(order, ...)`, `relata::select_in(...)`. Its key is a std::tuple of the
/// column values, matched on every column; a NULL in any column references nothing. Its queries
/// use row values: `WHERE ("order_id", "order_version") IN (VALUES (?, ?), ...)`.
///
/// The Session's rules (SQLAlchemy's lazy="select" loading, over an identity map):
/// - many-to-one: the object whose referenced key equals the foreign key. When it is tracked,
///   no SQL (the identity map); otherwise one `SELECT ... WHERE "id" = ?`.
/// - one-to-many: the first navigation from a parent runs one
///   `SELECT ... FROM "post" WHERE "author_id" IN (?) ORDER BY "id"` and remembers that the
///   collection of that parent key is loaded; every navigation then answers from memory: the
///   tracked children (pending or persistent, not removed) whose foreign key equals the parent
///   key — children added to the Session since are included at once; a child whose foreign key
///   is changed in memory moves to its new parent at the next flush (a query naming the child
///   model autoflushes first) and is left out of its old parent at once. Children come in the order the
///   Session started tracking them. A pending parent runs no SQL (its rows cannot exist yet).
///   `session.execute(bulk write)` and `expire_all()` make every collection load again at its
///   next navigation; rows another connection adds are not seen in a loaded collection (as
///   with every tracked object: the identity map).
/// - each one-to-many relationship keeps an index (foreign key value -> children), updated as
///   loads track new children and rebuilt after a flush, rollback or clear: navigating N
///   parents costs O(N log N), not a scan of every child per call.
/// - lazy loads count toward the N+1 guard (<relata/session/n_plus_one.hpp>); a query that
///   loaded an object with `relata::raise_on_lazy(member)` makes a navigation that would run SQL
///   throw relata::lazy_load_error instead (<relata/session/loading.hpp>).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <type_traits>
#include <typeindex>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "relata/detail/foreign_keys.hpp"
#include "relata/detail/format.hpp"
#include "relata/detail/reflection.hpp"
#include "relata/error.hpp"
#include "relata/mapping.hpp"
#include "relata/query/expression.hpp"
#include "relata/query/node.hpp"
#include "relata/query/select.hpp"
#include "relata/query/source.hpp"
#include "relata/session/identity_key.hpp"
#include "relata/session/identity_map.hpp"
#include "relata/session/n_plus_one.hpp"
#include "relata/session/object_state.hpp"
#include "relata/session/result_list.hpp"

namespace relata::detail {

/// Access to a Session's internals for the relationship code (a friend of relata::session).
template <class Session>
struct session_access;

// ---- which foreign key a member pointer names ------------------------------------------------

template <class Key, class Member>
struct foreign_key_matches : std::false_type {
    using target = void;
};
template <class M, class V, class Target, class TargetValue>
struct foreign_key_matches<foreign_key<M, V, Target, TargetValue>, V M::*> : std::true_type {
    using target = Target;
};
template <class M, class Target, class Members, class TargetMembers>
struct foreign_key_matches<composite_foreign_key<M, Target, Members, TargetMembers>, Members> : std::true_type {
    using target = Target;
};

template <class Member, class List, class... Keys>
struct collect_targets {
    using type = List;
};
template <class Member, class List, class Key, class... Keys>
struct collect_targets<Member, List, Key, Keys...>
    : collect_targets<Member,
                      std::conditional_t<foreign_key_matches<Key, Member>::value,
                                         union_t<List, type_list<typename foreign_key_matches<Key, Member>::target>>, List>,
                      Keys...> {};

template <class Member, class Tuple>
struct targets_of_keys {
    using type = type_list<>;
};
template <class Member, class... Keys>
struct targets_of_keys<Member, std::tuple<Keys...>> : collect_targets<Member, type_list<>, Keys...> {};

/// The models that foreign keys of `Child` with a member of type `Member` (`V Child::*`) reference.
template <model Child, class Member>
struct foreign_key_targets {
    using type = type_list<>;
};
template <model Child, class Member>
    requires requires { mapping<Child>::foreign_keys; }
struct foreign_key_targets<Child, Member> {
    using type = typename targets_of_keys<Member, std::remove_cvref_t<decltype(mapping<Child>::foreign_keys)>>::type;
};

template <model Child, class Member>
struct deduced_target {
    using targets = typename foreign_key_targets<Child, Member>::type;
    static_assert(size_v<targets> == 1,
                  "relata: cannot tell which model this member references: declare it in "
                  "relata::mapping<Child>::foreign_keys (relata::references), or name the model: related<Target>(...)");
    using type = typename first_of<union_t<targets, type_list<void>>>::type;
};

/// The referenced model: `Target` when given (not void), else the one model that the foreign
/// keys of `Child` over members of type `Member` reference.
template <class Target, model Child, class Member>
using relationship_target_t =
    typename std::conditional_t<std::is_void_v<Target>, deduced_target<Child, Member>, std::type_identity<Target>>::type;

/// The C++ name of `Child`'s member at `index`.
template <model Child>
std::string_view member_name_at(std::size_t index) {
    std::string_view name = "?";
    for_each_field<Child>([&](auto i) {
        if (i.value == index) name = std::get<i.value>(description<Child>.fields).member_name;
    });
    return name;
}

/// `Post.author_id`, naming a member in messages; `Line.(order_id, order_version)` for a
/// composite member set.
template <class Members>
std::string member_label(const Members& members) {
    using Child = typename member_set<Members>::model;
    const auto indexes = column_indexes<Child>(members);
    if (indexes.size() == 1) return detail::format("{}.{}", type_name<Child>, member_name_at<Child>(indexes[0]));
    std::string names;
    for (const std::size_t i : indexes) names += detail::format("{}{}", names.empty() ? "" : ", ", member_name_at<Child>(i));
    return detail::format("{}.({})", type_name<Child>, names);
}

/// `relata::select_in(&Post::author_id)`, the fix the N+1 and raise_on_lazy messages suggest
/// (`relata::select_in(std::tuple{&Line::order_id, &Line::order_version})` for a composite key).
template <class Members>
std::string select_in_hint(const Members& members) {
    using Child = typename member_set<Members>::model;
    const auto indexes = column_indexes<Child>(members);
    std::string names;
    for (const std::size_t i : indexes)
        names += detail::format("{}&{}::{}", names.empty() ? "" : ", ", type_name<Child>, member_name_at<Child>(i));
    if (indexes.size() == 1) return detail::format("relata::select_in({})", names);
    return detail::format("relata::select_in(std::tuple{{{}}})", names);
}

/// How the relationship over `member` is named in messages: `Post.author_id -> Author`
/// (many-to-one) or `Author -> [Post.author_id]` (one-to-many).
template <model Target, class Members>
std::string relationship_name(const Members& member, bool collection) {
    if (collection) return detail::format("{} -> [{}] (one-to-many)", type_name<Target>, member_label(member));
    return detail::format("{} -> {} (many-to-one)", member_label(member), type_name<Target>);
}

/// Calls `f(key)` with the `relata::foreign_key` of `mapping<Child>::foreign_keys` whose member
/// is `member` and whose target is `Target`.
/// @throws relata::session_error when there is none.
template <model Target, class Members, class F>
void with_foreign_key(const Members& member, F&& f) {
    using Child = typename member_set<Members>::model;
    bool found = false;
    if constexpr (requires { mapping<Child>::foreign_keys; }) {
        for_each_in_tuple(mapping<Child>::foreign_keys, [&](const auto& key) {
            using matches = foreign_key_matches<std::remove_cvref_t<decltype(key)>, Members>;
            if constexpr (matches::value && std::is_same_v<typename matches::target, Target>) {
                if (!found && members_of(key) == member) {
                    found = true;
                    f(key);
                }
            }
        });
    }
    if (!found)
        throw session_error(detail::format("{} is not a foreign key to {} in relata::mapping<{}>::foreign_keys "
                                           "(declare it with relata::references)",
                                           member_label(member), type_name<Target>, type_name<Child>));
}

/// Calls `f(key)` with the `relata::foreign_key` of `mapping<Child>::foreign_keys` whose member
/// is `member`, whatever it references (`f` is instantiated for every candidate key type).
/// @throws relata::session_error when there is none.
template <class Members, class F>
void with_any_foreign_key(const Members& member, F&& f) {
    using Child = typename member_set<Members>::model;
    bool found = false;
    if constexpr (requires { mapping<Child>::foreign_keys; }) {
        for_each_in_tuple(mapping<Child>::foreign_keys, [&](const auto& key) {
            if constexpr (foreign_key_matches<std::remove_cvref_t<decltype(key)>, Members>::value) {
                if (!found && members_of(key) == member) {
                    found = true;
                    f(key);
                }
            }
        });
    }
    if (!found)
        throw session_error(detail::format("{} is not a foreign key in relata::mapping<{}>::foreign_keys (declare it with "
                                           "relata::references)",
                                           member_label(member), type_name<Child>));
}

// ---- per-relationship state in a Session -----------------------------------------------------

/// Identifies one direction of one relationship: the referencing model, its foreign-key member
/// (member_set_code for a composite key) and whether it is navigated as a collection (one-to-many) or not (many-to-one).
struct relationship_id {
    std::type_index child;
    std::size_t member;
    bool collection;
    friend bool operator<(const relationship_id& a, const relationship_id& b) {
        if (a.child != b.child) return a.child < b.child;
        if (a.member != b.member) return a.member < b.member;
        return a.collection < b.collection;
    }
};

/// What a Session remembers about one relationship: the N+1 counter and the objects loaded
/// with raise_on_lazy for it.
class relationship_state {
public:
    relationship_state() = default;
    relationship_state(const relationship_state&) = delete;
    relationship_state& operator=(const relationship_state&) = delete;
    virtual ~relationship_state() = default;
    /// Forgets which collections are loaded (the database changed behind the identity map).
    virtual void forget_loaded() {}

    lazy_load_counter counter;
    std::unordered_set<const void*> raise_from;  // objects whose navigation must not load lazily
};

/// A one-to-many relationship: which parent keys have their collection loaded, and the index
/// from foreign-key value to the tracked children.
template <model Child, class Key>
class collection_state final : public relationship_state {
public:
    static constexpr std::uint64_t stale = std::numeric_limits<std::uint64_t>::max();

    std::set<Key> loaded;
    std::map<Key, std::vector<entry<Child>*>> buckets;
    std::unordered_map<const entry<Child>*, Key> placed;  // the bucket each indexed child is in
    std::uint64_t generation = stale;  // identity_map<Child>::generation() the index reflects
    std::uint64_t epoch = stale;       // relationship_store::epoch() + flushes the index reflects

    void forget_loaded() override { loaded.clear(); }

    /// Rebuilds the index from every tracked child when it is not current.
    template <class Members>
    void make_current(identity_map<Child>& map, const Members& member, std::uint64_t now) {
        if (generation == map.generation() && epoch == now) return;
        buckets.clear();
        placed.clear();
        map.for_each_entry([&](entry<Child>& e) {
            if (e.state == object_state::pending || e.state == object_state::persistent) add(e, member);
        });
        for (auto& [key, children] : buckets)
            std::sort(children.begin(), children.end(),
                      [](const entry<Child>* a, const entry<Child>* b) { return a->sequence < b->sequence; });
        generation = map.generation();
        epoch = now;
    }

    /// Indexes one child under its current foreign key (moving it when it is indexed under
    /// another key; nothing when it is already there).
    template <class Members>
    void add(entry<Child>& e, const Members& member) {
        const std::optional<Key> key = read_key<Key>(e.object, member);
        const auto found = placed.find(&e);
        if (found != placed.end()) {
            if (key && found->second == *key) return;
            auto& old = buckets[found->second];
            old.erase(std::remove(old.begin(), old.end(), &e), old.end());
            placed.erase(found);
        }
        if (!key) return;
        buckets[*key].push_back(&e);
        placed.emplace(&e, *key);
    }

    /// The live children whose foreign key now equals `key`.
    template <class Members>
    std::vector<Child*> children_of(const Key& key, const Members& member) const {
        std::vector<Child*> found;
        const auto bucket = buckets.find(key);
        if (bucket == buckets.end()) return found;
        for (entry<Child>* e : bucket->second) {
            if ((e->state != object_state::pending && e->state != object_state::persistent) || e->remove_requested) continue;
            const std::optional<Key> value = read_key<Key>(e->object, member);
            if (!value || !(*value == key)) continue;
            found.push_back(&e->object);
        }
        return found;
    }
};

/// Every relationship's state in one Session.
class relationship_store {
public:
    /// The state of relationship `id`, created on first use.
    template <class State>
    State& state(const relationship_id& id) {
        auto& slot = states_[id];
        if (!slot) slot = std::make_unique<State>();
        return static_cast<State&>(*slot);
    }

    /// Indexes are stale (a rollback restored other foreign-key values).
    void invalidate() noexcept { ++epoch_; }
    /// Collections must be loaded again: a bulk write or expire_all may have changed rows, and
    /// expired objects take their values from the next query that returns them.
    void forget_loaded() {
        for (auto& [id, state] : states_) state->forget_loaded();
        ++epoch_;
    }
    /// Forgets everything (the Session forgot its objects).
    void clear() {
        states_.clear();
        ++epoch_;
    }
    /// Changes whenever indexes must be rebuilt (with the Session's flush count added).
    [[nodiscard]] std::uint64_t epoch() const noexcept { return epoch_; }

private:
    std::map<relationship_id, std::unique_ptr<relationship_state>> states_;
    std::uint64_t epoch_ = 0;
};

// ---- building the queries ---------------------------------------------------------------------

/// A row value `(a, b, ...)`: a function node without a name renders its parenthesized list;
/// named `VALUES ` it renders `VALUES (a, b, ...)`, the start of a VALUES list.
inline node_ptr row_value_node(node_list items, bool first_of_values = false) {
    return make_node(node_kind::function, std::move(items), first_of_values ? "VALUES " : "");
}

/// `"col" IN (?, ?, ...)` over the column of `members` (of `T`) for `values[first, last)`; for a
/// composite member set `("a", "b") IN (VALUES (?, ?), (?, ?))`, each parameter cast to its
/// column's type on PostgreSQL (where a list of row values `IN ((?, ?), ...)` is planned as
/// nested ORs and exhausts the server's stack at thousands of keys; VALUES is a semi-join).
/// SQLite: row values since 3.15.
template <model T, class Members, class Key>
node_ptr in_values_node(const Members& members, const std::vector<Key>& values, std::size_t first, std::size_t last) {
    if constexpr (is_member_tuple<Members>) {
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            node_list columns{make_column(&source_info_of<T>, index_of_member<T>(std::get<I>(members)))...};
            node_list children{row_value_node(std::move(columns))};
            for (std::size_t i = first; i < last; ++i) {
                node_list row{make_typed_parameter(
                    comparison_value<typename member_set<std::tuple_element_t<I, Members>>::value>(std::get<I>(values[i])),
                    sql_type_of<std::tuple_element_t<I, Key>>())...};
                children = children.appended(row_value_node(std::move(row), i == first));
            }
            return make_node(node_kind::in_list, std::move(children));
        }(std::make_index_sequence<std::tuple_size_v<Members>>{});
    } else {
        using Column = typename member_set<Members>::value;
        node_list children{make_column(&source_info_of<T>, index_of_member<T>(members))};
        for (std::size_t i = first; i < last; ++i) children = children.appended(make_parameter(comparison_value<Column>(values[i])));
        return make_node(node_kind::in_list, std::move(children));
    }
}

/// Adds `ORDER BY` T's primary key columns (all of them for a composite key).
template <model T>
void order_by_primary_key(select_data& data) {
    if constexpr (has_primary_key<T>)
        for (const std::size_t index : primary_key_indexes<T>) data.order.push_back({make_column(&source_info_of<T>, index)});
}

/// ``SELECT <T's columns> FROM "t" WHERE "col" IN (...) ORDER BY "id"`` over the columns of
/// `members` (of `T`), one per chunk of keys whose parameters (columns x keys) stay within the
/// engine's parameter limit, each run through the Session (autoflush, identity map).
/// @return the tracked objects of every chunk, in row order.
template <model T, class Members, class Session, class Key>
std::vector<T*> load_where_in(Session& s, const Members& members, const std::vector<Key>& values) {
    using access = session_access<Session>;
    std::vector<T*> loaded;
    const std::size_t columns = member_set<Members>::size;
    const std::size_t chunk = std::max<std::size_t>(1, access::parameter_limit(s) / columns);
    for (std::size_t first = 0; first < values.size(); first += chunk) {
        const std::size_t last = std::min(values.size(), first + chunk);
        select_data data = select<T>().data();
        data.where = in_values_node<T>(members, values, first, last);
        order_by_primary_key<T>(data);
        for (T& object : s.all(select_query<T>(std::move(data)))) loaded.push_back(&object);
    }
    return loaded;
}

// ---- navigation ------------------------------------------------------------------------------

/// The tracked, live object of `Target` with primary key `key`, or nullptr (not tracked, expired,
/// or removed; `removed` tells the latter).
template <model Target, class Session, class Key>
Target* tracked_target(Session& s, const Key& key, bool& removed) {
    removed = false;
    auto* e = session_access<Session>::template registry<Target>(s).lookup(primary_key_type<Target>(key));
    if (!e || e->expired) return nullptr;
    if (e->state == object_state::deleted || e->remove_requested) {
        removed = true;
        return nullptr;
    }
    return &e->object;
}

/// Runs the N+1 and raise_on_lazy checks before a lazy load of relationship `name`.
template <class Session>
void before_lazy_load(Session& s, relationship_state& state, const void* from, const std::string& name,
                      const std::string& hint) {
    if (from != nullptr && state.raise_from.contains(from))
        throw lazy_load_error(detail::format("the relationship {} was not loaded with the query (raise_on_lazy) and "
                                             "navigating it would run a lazy load; add .load({}) to the query",
                                             name, hint));
    const auto& options = session_access<Session>::options(s);
    note_lazy_load(state.counter, options.n_plus_one, options.n_plus_one_threshold, options.n_plus_one_log, name, hint);
    ++session_access<Session>::statistics(s).lazy_loads;
}

/// session.related: the object `child`'s foreign key `member` (a member pointer, or a std::tuple
/// of them for a composite key) references, or nullptr when any of its columns is NULL or there
/// is no such row.
template <model Target, class Session, model Child, class Members>
Target* related(Session& s, const Child& child, const Members& member) {
    Target* result = nullptr;
    with_foreign_key<Target>(member, [&](const auto& key) {
        const auto target_members = target_members_of(key);
        using key_type = member_set_key_t<decltype(target_members)>;
        const std::optional<key_type> value = read_key<key_type>(child, member);
        if (!value) return;
        if constexpr (has_primary_key<Target>) {
            if (is_primary_key_of<Target>(target_members)) {
                bool removed = false;
                if ((result = tracked_target<Target>(s, *value, removed)) != nullptr || removed) {
                    if (result) ++session_access<Session>::statistics(s).identity_map_hits;
                    return;
                }
            }
        }
        auto& state = session_access<Session>::relationships(s).template state<relationship_state>(
            {typeid(Child), member_set_code<Child>(member), false});
        before_lazy_load(s, state, &child, relationship_name<Target>(member, false), select_in_hint(member));
        const auto loaded = load_where_in<Target>(s, target_members, std::vector<key_type>{*value});
        if (!loaded.empty()) result = loaded.front();
    });
    return result;
}

/// session.related's result: `Target*` when a column of the foreign key is optional (nullptr for
/// NULL or no row), else `Target&`.
/// @throws relata::no_result (non-optional foreign key, no such row).
template <class TargetOrVoid, class Session, model Child, class Members>
decltype(auto) related_reference(Session& s, const Child& child, const Members& member) {
    using target = relationship_target_t<TargetOrVoid, Child, Members>;
    target* found = related<target>(s, child, member);
    if constexpr (member_set<Members>::nullable) {
        return found;
    } else {
        if (found == nullptr)
            throw no_result(detail::format("{}: no {} with key {}", relationship_name<target>(member, false), type_name<target>,
                                           describe_key_value(member_values(child, member))));
        return static_cast<target&>(*found);
    }
}

/// Loads the collections of `keys` (parent key values) of the one-to-many relationship over
/// `member`, marks them loaded and keeps the index current.
template <class Session, model Child, class Members, class Key>
void load_children(Session& s, collection_state<Child, Key>& state, const Members& member, const std::vector<Key>& keys) {
    using access = session_access<Session>;
    auto& map = access::template registry<Child>(s);
    state.make_current(map, member, access::epoch(s));
    const auto children = load_where_in<Child>(s, member, keys);
    for (const Key& key : keys) state.loaded.insert(key);
    if (state.epoch != access::epoch(s)) return;  // a flush ran: rebuilt at the next use
    // The load tracked new children and may have reloaded expired ones with other keys.
    for (Child* child : children)
        if (entry<Child>* e = map.find_entry(*child)) state.add(*e, member);
    state.generation = map.generation();
}

/// The collection state of the one-to-many relationship over `member` (parent key type `Key`).
template <class Key, class Session, class Members>
auto& collection_of(Session& s, const Members& member) {
    using Child = typename member_set<Members>::model;
    return session_access<Session>::relationships(s).template state<collection_state<Child, Key>>(
        {typeid(Child), member_set_code<Child>(member), true});
}

/// session.children: the children of `parent` over `member` (a member pointer, or a std::tuple
/// of them for a composite key), lazily loaded once.
template <model Child, class Session, model Parent, class Members>
result_list<Child> children(Session& s, const Parent& parent, const Members& member) {
    static_assert(std::is_same_v<typename member_set<Members>::model, Child>,
                  "relata: children<Child>() takes a foreign-key member (or std::tuple of members) of Child");
    std::vector<Child*> found;
    with_foreign_key<Parent>(member, [&](const auto& key) {
        using key_type = member_set_key_t<Members>;
        const std::optional<key_type> value = read_key<key_type>(parent, target_members_of(key));
        if (!value) return;
        using access = session_access<Session>;
        auto& state = collection_of<key_type>(s, member);
        if (!state.loaded.contains(*value) && s.state_of(parent) != object_state::pending) {
            before_lazy_load(s, state, &parent, relationship_name<Parent>(member, true), select_in_hint(member));
            load_children(s, state, member, std::vector<key_type>{*value});
        }
        state.make_current(access::template registry<Child>(s), member, access::epoch(s));
        found = state.children_of(*value, member);
    });
    return result_list<Child>(std::move(found));
}

/// session.associated: the `Target`s linked to `parent` through the association model `Link`
/// (`left`, `right`: member pointers or std::tuples of them for composite keys).
template <model Target, class Session, model Parent, class Left, class Right>
result_list<Target> associated(Session& s, const Parent& parent, const Left& left, const Right& right) {
    static_assert(has_primary_key<Target>, "relata: associated<Target>() finds targets by their primary key");
    using Link = typename member_set<Left>::model;
    static_assert(std::is_same_v<typename member_set<Right>::model, Link>,
                  "relata: associated(): both foreign keys must belong to the same association model");
    using key_type = member_set_key_t<Right>;
    const result_list<Link> links = children<Link>(s, parent, left);
    std::vector<key_type> missing;
    std::set<key_type> seen;
    bool removed = false;
    with_foreign_key<Target>(right, [&](const auto& key) {
        if (!is_primary_key_of<Target>(target_members_of(key)))
            throw session_error(detail::format("associated(): {} must reference the primary key of {}", member_label(right),
                                               type_name<Target>));
    });
    for (const Link& link : links) {
        const auto value = read_key<key_type>(link, right);
        if (value && !tracked_target<Target>(s, *value, removed) && !removed && seen.insert(*value).second)
            missing.push_back(*value);
    }
    if (!missing.empty()) {
        auto& state = session_access<Session>::relationships(s).template state<relationship_state>(
            {typeid(Link), member_set_code<Link>(right), false});
        before_lazy_load(s, state, nullptr, relationship_name<Target>(right, false), select_in_hint(right));
        with_foreign_key<Target>(right, [&](const auto& key) { load_where_in<Target>(s, target_members_of(key), missing); });
    }
    std::vector<Target*> found;
    for (const Link& link : links) {
        const auto value = read_key<key_type>(link, right);
        if (!value) continue;
        if (Target* target = tracked_target<Target>(s, *value, removed)) found.push_back(target);
    }
    return result_list<Target>(std::move(found));
}

}  // namespace relata::detail
