#pragma once
/// @file
/// `relata::insert`: INSERT as a query object, with `returning(...)` and upsert
/// (`on_conflict(...).do_update(...)` / `.do_nothing()`), rendered by the one renderer the
/// Session's own writes use too.
///
/// @code
/// db.execute(relata::insert(Post{.title = "Hello"}));
/// // SQLite:     INSERT INTO "post" ("author_id", "title", "votes") VALUES (?, ?, ?)        (a generated key of 0 is left out)
/// // PostgreSQL: INSERT INTO "post" ("author_id", "title", "votes") VALUES ($1, $2, $3)
/// relata::all(db, relata::insert(post).returning(p.id));                                   // RETURNING "id"
/// db.execute(relata::insert(country).on_conflict(k.code).do_update(relata::set(k.name, relata::excluded(k.name))));
/// // INSERT INTO "country" ("code", "name") VALUES (?, ?) ON CONFLICT ("code") DO UPDATE SET "name" = excluded."name"
/// @endcode
/// RETURNING: SQLite since 3.35; ON CONFLICT DO UPDATE: SQLite since 3.24, PostgreSQL since 9.5.

#include <algorithm>
#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

#include "relata/connection.hpp"
#include "relata/detail/format.hpp"
#include "relata/detail/range.hpp"
#include "relata/detail/reflection.hpp"
#include "relata/error.hpp"
#include "relata/query/data.hpp"
#include "relata/query/expression.hpp"
#include "relata/query/shape.hpp"

namespace relata {

/// One `column = value` of an UPDATE or of ON CONFLICT DO UPDATE, made by `relata::set`.
template <model Model, class Sources>
struct assignment {
    /// The sources the value uses.
    using sources_type = Sources;
    /// The assigned column's field index.
    std::size_t index;
    /// The new value (a parameter or an expression).
    detail::node_ptr value;
};

/// `column = value`: `value` is a value of a type the column can store (bound as a parameter)
/// or an expression (`p.votes + 1`, `relata::excluded(p.title)`). A value of another type
/// does not compile.
template <query_source Source, detail::fixed_string Name, class V>
[[nodiscard]] auto set(const column<Source, Name>& target, const V& value) {
    using column_type = typename column<Source, Name>::value_type;
    static_assert(std::is_same_v<Source, detail::source_model_t<Source>>,
                  "relata: set() assigns a column of the table itself, not of an alias");
    if constexpr (detail::typed_expression<V>) {
        static_assert(detail::assignable<column_type, detail::value_of_t<V>>(),
                      "relata: set(): the expression's type cannot be stored in the column");
        return assignment<Source, detail::sources_of_t<V>>{target.index, detail::node_of(value)};
    } else {
        static_assert(std::is_same_v<std::remove_cvref_t<V>, std::nullopt_t> || detail::comparable<column_type, V>(),
                      "relata: set(): the value's type cannot be stored in the column (e.g. text into an integer column)");
        if constexpr (std::is_same_v<std::remove_cvref_t<V>, std::nullopt_t>) {
            static_assert(detail::is_nullable<column_type>, "relata: set(column, std::nullopt) needs an std::optional column");
            return assignment<Source, detail::type_list<>>{target.index, detail::make_parameter(std::monostate{})};
        } else {
            return assignment<Source, detail::type_list<>>{target.index,
                                                           detail::make_parameter(detail::comparison_value<column_type>(value))};
        }
    }
}

/// In `on_conflict(...).do_update(...)`: the value the INSERT proposed for `column`
/// (`excluded."column"` on both engines).
template <query_source Source, detail::fixed_string Name>
[[nodiscard]] expression<typename column<Source, Name>::value_type> excluded(const column<Source, Name>&) {
    auto n = std::make_shared<detail::node>();
    n->kind = detail::node_kind::excluded;
    n->source = &detail::source_info_of<Source>;
    n->index = column<Source, Name>::index;
    return expression<typename column<Source, Name>::value_type>(std::move(n));
}

namespace detail {

/// The RETURNING list of a write: `returning()` is every column (rows read into the model),
/// `returning(e...)` chosen expressions (a value or a tuple).
template <model T, class... Items>
struct returning_shape {
    using type = value_shape<Items...>;
};
template <model T>
struct returning_shape<T> {
    using type = model_shape<slot<T>>;
};

template <model T, class... Items>
void add_returning(std::vector<projection_item>& list, const Items&... items) {
    if constexpr (sizeof...(Items) == 0) {
        list.push_back({all_columns_node<T, 0>(), {}});
    } else {
        static_assert(subset_v<sources_union_t<Items...>, type_list<T>>,
                      "relata: returning() takes expressions over the written table's columns");
        (list.push_back({node_of(items), explicit_label<Items>()}), ...);
    }
}

/// The values of one object for an INSERT: every field, or every field but a generated key
/// that is still 0 (the database assigns it).
template <model T>
std::vector<std::size_t> insert_columns(bool with_key) {
    std::vector<std::size_t> columns;
    for_each_field<T>([&](auto i) {
        if (with_key || i.value != primary_key_index<T>) columns.push_back(i.value);
    });
    return columns;
}

template <model T>
bool has_default_key(const T& object) {
    if constexpr (generated_key<T>) return object.*member_pointer<T, primary_key_index<T>> == primary_key_type<T>{};
    else return false;
}

template <model T>
void append_row(insert_data& data, const T& object) {
    std::vector<value> row;
    row.reserve(data.columns.size());
    for_each_field<T>([&](auto i) {
        if (std::find(data.columns.begin(), data.columns.end(), i.value) != data.columns.end())
            row.push_back(member_value<T, i.value>(object));
    });
    data.rows.push_back(std::move(row));
}

}  // namespace detail

template <model T, class Shape>
class conflict_target;

/// An INSERT of rows of `T`; with `returning(...)`, a query whose rows read into
/// `Shape::row_type`. Made by `relata::insert`.
template <model T, class Shape = void>
class insert_query {
public:
    /// What one RETURNING row reads into (`void` without RETURNING).
    using row_type = detail::shape_row_t<Shape>;
    /// The RETURNING shape, or void.
    using shape_type = Shape;

    /// Wraps insert data.
    explicit insert_query(detail::insert_data data) : data_(std::move(data)) {}

    /// `RETURNING "c1", ...` (no arguments: every column, rows read into T). SQLite >= 3.35.
    template <detail::typed_expression... Items>
    [[nodiscard]] auto returning(const Items&... items) const {
        using shape = typename detail::returning_shape<T, Items...>::type;
        detail::insert_data copy = data_;
        copy.returning.clear();
        detail::add_returning<T>(copy.returning, items...);
        return insert_query<T, shape>(std::move(copy));
    }

    /// `ON CONFLICT ("c1", ...)`: continue with `do_nothing()` or `do_update(...)`. The columns
    /// must carry a UNIQUE constraint or be the primary key.
    template <query_source... Sources, detail::fixed_string... Names>
    [[nodiscard]] conflict_target<T, Shape> on_conflict(const column<Sources, Names>&...) const {
        static_assert((std::is_same_v<Sources, T> && ...), "relata: on_conflict() names columns of the inserted table");
        detail::conflict_clause clause;
        (clause.columns.push_back(column<Sources, Names>::index), ...);
        return conflict_target<T, Shape>(data_, std::move(clause));
    }

    /// `ON CONFLICT DO NOTHING` for any constraint.
    [[nodiscard]] insert_query on_conflict_do_nothing() const {
        insert_query copy = *this;
        copy.data_.conflict = detail::conflict_clause{};
        return copy;
    }

    /// The untyped statement.
    [[nodiscard]] const detail::insert_data& data() const noexcept { return data_; }

private:
    detail::insert_data data_;
};

/// `ON CONFLICT (...)` awaiting its action. Made by `insert_query::on_conflict`.
template <model T, class Shape>
class conflict_target {
public:
    /// The insert and its conflict target.
    conflict_target(detail::insert_data data, detail::conflict_clause clause)
        : data_(std::move(data)), clause_(std::move(clause)) {}

    /// `... DO NOTHING`: a conflicting row is skipped (0 rows changed; no RETURNING row).
    [[nodiscard]] insert_query<T, Shape> do_nothing() const {
        detail::insert_data copy = data_;
        copy.conflict = clause_;
        return insert_query<T, Shape>(std::move(copy));
    }

    /// `... DO UPDATE SET c = v, ...` with `relata::set(column, value)`; values may use the
    /// existing row's columns and `relata::excluded(column)` (the proposed row).
    template <class... Sources>
    [[nodiscard]] insert_query<T, Shape> do_update(const assignment<T, Sources>&... assignments) const {
        static_assert(sizeof...(Sources) > 0, "relata: do_update() needs at least one set(column, value)");
        static_assert((detail::subset_v<Sources, detail::type_list<T>> && ...),
                      "relata: do_update() values may use the inserted table's columns and excluded(...)");
        detail::insert_data copy = data_;
        copy.conflict = clause_;
        copy.conflict->do_update = true;
        (copy.conflict->assignments.emplace_back(assignments.index, assignments.value), ...);
        return insert_query<T, Shape>(std::move(copy));
    }

    /// `... DO UPDATE SET c = excluded."c"` for every inserted column outside the conflict
    /// target: the proposed row replaces the existing one (an "upsert" of the whole object).
    [[nodiscard]] insert_query<T, Shape> do_update() const {
        detail::insert_data copy = data_;
        copy.conflict = clause_;
        copy.conflict->do_update = true;
        for (const std::size_t index : copy.columns) {
            if (std::find(clause_.columns.begin(), clause_.columns.end(), index) != clause_.columns.end()) continue;
            auto n = std::make_shared<detail::node>();
            n->kind = detail::node_kind::excluded;
            n->source = &detail::source_info_of<T>;
            n->index = index;
            copy.conflict->assignments.emplace_back(index, std::move(n));
        }
        if (copy.conflict->assignments.empty()) copy.conflict->do_update = false;  // nothing to update
        return insert_query<T, Shape>(std::move(copy));
    }

private:
    detail::insert_data data_;
    detail::conflict_clause clause_;
};

/// An INSERT of one object: every mapped column, but a generated key that is still 0 (the
/// database assigns it; read it back with `returning`, or let a Session do it).
/// @throws relata::mapping_error when a member's value cannot be stored.
template <model T>
[[nodiscard]] insert_query<T> insert(const T& object) {
    detail::insert_data data;
    data.target = &detail::source_info_of<T>;
    data.columns = detail::insert_columns<T>(!detail::has_default_key(object));
    detail::append_row(data, object);
    return insert_query<T>(std::move(data));
}

/// One multi-row INSERT of `objects`: `INSERT INTO "t" ("a", "b") VALUES (?, ?), (?, ?), ...`
/// (PostgreSQL `$1, $2, ...`), every value a parameter. The objects either all carry their
/// key or all leave a generated key at 0 (then the key column is left out and the database
/// assigns it; read the keys back with `.returning(...)`), as `relata::insert(object)`
/// decides for one object. `relata::insert_all` (<relata/execute.hpp>) also splits a mixed
/// range, chunks it under the engine's parameter limit and uses COPY on PostgreSQL.
/// @throws relata::error when `objects` is empty (an INSERT needs a row), when some objects
/// carry their key and others do not (naming the first two that differ), or when the model's
/// only column is a generated key and there is more than one object (`DEFAULT VALUES` writes
/// one row: use insert_all); relata::mapping_error when a member's value cannot be stored.
template <model T, detail::input_range Range>
    requires std::is_same_v<std::remove_cvref_t<detail::range_value_t<Range>>, T>
[[nodiscard]] insert_query<T> insert_rows(const Range& objects) {
    detail::insert_data data;
    data.target = &detail::source_info_of<T>;
    bool with_key = false;
    std::size_t count = 0;
    for (const T& object : objects) {
        const bool has_key = !detail::has_default_key(object);
        if (count == 0) {
            with_key = has_key;
            data.columns = detail::insert_columns<T>(with_key);
        } else if (has_key != with_key) {
            throw error(detail::format("insert_rows<{}>: object {} {} its primary key but object 0 {}: one INSERT lists "
                                       "the same columns for every row (relata::insert_all splits such a range)",
                                       detail::type_name<T>, count, has_key ? "carries" : "leaves out",
                                       with_key ? "carries it" : "leaves it out"));
        }
        detail::append_row(data, object);
        ++count;
    }
    if (count == 0)
        throw error(detail::format("insert_rows<{}>: no objects (an INSERT needs at least one row; relata::insert_all "
                                   "accepts an empty range)",
                                   detail::type_name<T>));
    if (data.columns.empty() && count > 1)
        throw error(detail::format("insert_rows<{}>: {} objects of a model whose only column is its generated key: "
                                   "INSERT ... DEFAULT VALUES writes one row (relata::insert_all writes one per object)",
                                   detail::type_name<T>, count));
    return insert_query<T>(std::move(data));
}

}  // namespace relata
