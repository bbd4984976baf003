#pragma once
/// @file
/// Row shapes (`relata::detail`): what one result row of a query reads into, and the select list
/// that produces it. A shape is a type only; the select list lives in the query's data.
/// - `model_shape<slot<Post>, slot<Author, true>>`: whole models (`select<Post, Author>()`), a
///   model or `std::tuple<Post, std::optional<Author>>` (nullable after an outer join);
/// - `value_shape<E...>`: chosen expressions (`select(a.name, count())`), one value or a tuple;
/// - `struct_shape<Row, E...>`: chosen expressions into the members of a RELATA_MODEL struct,
///   matched by name (`select<TopCustomer>(c.last_name, sum(i.total).as<"total">())`).

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "relata/connection.hpp"
#include "relata/detail/format.hpp"
#include "relata/detail/reflection.hpp"
#include "relata/error.hpp"
#include "relata/query/data.hpp"
#include "relata/query/expression.hpp"
#include "relata/types.hpp"

namespace relata::detail {

/// The row type of a shape; void for none (a write without RETURNING).
template <class Shape>
struct shape_row {
    using type = typename Shape::row_type;
};
template <>
struct shape_row<void> {
    using type = void;
};
template <class Shape>
using shape_row_t = typename shape_row<Shape>::type;

/// The type whose `read` (and `read_into`, where it has one) reads a row of `Shape`: the shape's
/// `reader` where it has one, else the shape itself. Readers depend on the row's types only, not
/// on the expressions that select them, so the code that runs a query and reads its rows
/// (`relata::all`, `first`, `one`, `stream`) is compiled once per row type, not once per query
/// type: about 1.5 KB of code (GCC 12 -O2) for every query whose row type another already has.
template <class Shape>
struct row_reader {
    using type = Shape;
};
template <class Shape>
    requires requires { typename Shape::reader; }
struct row_reader<Shape> {
    using type = typename Shape::reader;
};
template <class Shape>
using row_reader_t = typename row_reader<Shape>::type;

/// One selected model in a model_shape; `Nullable` after an outer join made it optional.
template <class Source, bool Nullable = false>
struct slot {
    using source = Source;
    using model_type = source_model_t<Source>;
    static constexpr bool nullable = Nullable;
    using value_type = optional_if_t<Nullable, model_type>;
};

template <class Slot>
bool slot_is_null(const auto& row, std::size_t offset) {
    using M = typename Slot::model_type;
    if constexpr (has_primary_key<M>) {  // an outer join without a match: every key column NULL
        for (const std::size_t key : primary_key_indexes<M>)
            if (!std::holds_alternative<std::monostate>(row.cell(offset + key))) return false;
        return true;
    } else {
        for (std::size_t i = 0; i < field_count<M>; ++i)
            if (!std::holds_alternative<std::monostate>(row.cell(offset + i))) return false;
        return true;
    }
}

template <class Slot, result_row Row>
typename Slot::value_type read_slot(const Row& row, std::size_t& offset) {
    using M = typename Slot::model_type;
    const std::size_t first = offset;
    offset += field_count<M>;
    if constexpr (Slot::nullable) {
        if (slot_is_null<Slot>(row, first)) return std::nullopt;
    }
    return read_model<M>(row, first);
}

template <class... Slots>
struct model_shape {
    using sources = type_list<typename Slots::source...>;
    using row_type = std::conditional_t<sizeof...(Slots) == 1 && !(Slots::nullable && ...),
                                        typename first_of<type_list<typename Slots::model_type...>>::type,
                                        std::tuple<typename Slots::value_type...>>;
    static constexpr bool single_model = sizeof...(Slots) == 1 && !(Slots::nullable && ...);
    /// What reads this shape's rows (see row_reader): the same models with their sources'
    /// aliases dropped, so `select<Post>()` and a join or alias that selects Post rows share it.
    using reader = model_shape<slot<typename Slots::model_type, Slots::nullable>...>;

    static void project(select_data& data) {
        (data.projection.push_back({all_columns_node<typename Slots::source, 0>(), {}}), ...);
    }

    template <result_row Row>
    static row_type read(const Row& row) {
        if constexpr (single_model) {
            return read_model<typename first_of<type_list<typename Slots::model_type...>>::type>(row);
        } else {
            std::size_t offset = 0;
            return row_type{read_slot<Slots>(row, offset)...};  // braced list: evaluated in order
        }
    }

    /// For one model: reads the row into `object` (a default-constructed T), as `read` would.
    template <result_row Row>
        requires single_model
    static void read_into(row_type& object, const Row& row) {
        read_model_into(object, row);
    }
};

/// model_shape with the slots of `Nullable` sources made optional (after an outer join).
template <class Shape, class Nullable>
struct with_nullable {
    using type = Shape;
};
template <class... Slots, class Nullable>
struct with_nullable<model_shape<Slots...>, Nullable> {
    using type = model_shape<slot<typename Slots::source, Slots::nullable || contains_v<typename Slots::source, Nullable>>...>;
};
template <class Shape, class Nullable>
using with_nullable_t = typename with_nullable<Shape, Nullable>::type;

/// The label written as `AS "label"`: only for expressions the user named.
template <class Item>
constexpr std::string_view explicit_label() {
    if constexpr (requires { Item::label; }) return Item::label;
    else return {};
}

/// Reads one value of a projection, naming the item when it does not fit.
template <class V, result_row Row>
V read_projected(const Row& row, std::size_t index) {
    try {
        return from_cell<V>(row.cell(index));
    } catch (const mapping_error& e) {
        throw mapping_error(detail::format("cannot read column {} (\"{}\") of the result: {}", index + 1,
                                           row.column_name(index), e.reason()));
    }
}

/// A projected column of an outer-joined source (the optional side of a LEFT, RIGHT or FULL
/// JOIN): reads as `std::optional`, since the row may have no match there.
template <class Item>
struct outer_joined_column {
    using column_type = Item;
};
template <class Item>
inline constexpr bool is_outer_joined_column = false;
template <class Item>
inline constexpr bool is_outer_joined_column<outer_joined_column<Item>> = true;

template <class Item>
constexpr std::string_view label_of() {
    if constexpr (is_outer_joined_column<Item>) return label_of<typename Item::column_type>();
    else if constexpr (requires { Item::label; }) return Item::label;
    else if constexpr (is_column<Item>) return Item::name;
    else return {};
}

/// Reads rows of values of the types `Values` (one value, or a tuple of them), whatever
/// expressions produced them: `select(a.name, count())` and `select(t.label, sum(t.uses))`
/// share one reader, and so the code that reads their rows (see row_reader).
template <class... Values>
struct value_reader {
    using row_type = std::conditional_t<sizeof...(Values) == 1, typename first_of<type_list<Values...>>::type,
                                        std::tuple<Values...>>;

    template <result_row Row>
    static row_type read(const Row& row) {
        if constexpr (sizeof...(Values) == 1) {
            return read_projected<row_type>(row, 0);
        } else {
            return [&]<std::size_t... I>(std::index_sequence<I...>) {
                return row_type{read_projected<Values>(row, I)...};
            }(std::index_sequence_for<Values...>{});
        }
    }
};

template <class... Items>
struct value_shape {
    using sources = sources_union_t<Items...>;
    using reader = value_reader<value_of_t<Items>...>;  ///< see row_reader
    using row_type = typename reader::row_type;

    static void project(select_data& data, const Items&... items) {
        (data.projection.push_back({node_of(items), explicit_label<Items>()}), ...);
    }

    template <result_row Row>
    static row_type read(const Row& row) {
        return reader::read(row);
    }
};

template <class Item>
struct expression_traits<outer_joined_column<Item>> {
    using value_type = std::optional<remove_optional_t<value_of_t<Item>>>;
    using sources = sources_of_t<Item>;
};

template <class Item, class Nullable>
struct nullable_item {
    using type = Item;
};
template <class Source, fixed_string Name, class Nullable>
    requires contains_v<Source, Nullable>
struct nullable_item<column<Source, Name>, Nullable> {
    using type = outer_joined_column<column<Source, Name>>;
};

/// After an outer join, the value columns of the optional side read as std::optional (other
/// expressions keep their type: `coalesce(d.name, "none")` is never NULL; wrap one that may be
/// with `.nullable()`).
template <class... Items, class Nullable>
struct with_nullable<value_shape<Items...>, Nullable> {
    using type = value_shape<typename nullable_item<Items, Nullable>::type...>;
};

/// Index of the item labelled `name` (a named expression, or a column of that member name);
/// npos when none is, npos - 1 when several are.
template <class... Items>
constexpr std::size_t item_labelled(std::string_view name) {
    constexpr std::array<std::string_view, sizeof...(Items)> labels{label_of<Items>()...};
    std::size_t found = npos;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (labels[i] != name) continue;
        if (found != npos) return npos - 1;
        found = i;
    }
    return found;
}

template <model Row, class... Items>
constexpr bool every_item_used() {
    std::size_t used = 0;
    for_each_field<Row>([&](auto i) {
        if (item_labelled<Items...>(std::get<i.value>(description<Row>.fields).member_name) < sizeof...(Items)) ++used;
    });
    return used == sizeof...(Items);
}

template <model Row, std::size_t I, class... Items>
constexpr bool member_matched() {
    constexpr std::size_t item = item_labelled<Items...>(std::get<I>(description<Row>.fields).member_name);
    static_assert(item != npos - 1, "relata: two projected expressions have the same name (a member of the struct)");
    static_assert(item != npos,
                  "relata: a member of the struct the query selects into has no projected expression of its name; "
                  "select a column of that member name or name an expression with .as<\"member\">()");
    if constexpr (item < sizeof...(Items)) {
        using item_type = std::tuple_element_t<item, std::tuple<Items...>>;
        static_assert(!is_outer_joined_column<item_type> || is_optional<field_type<Row, I>>::value,
                      "relata: a struct member receives a column of an outer-joined model (LEFT/RIGHT/FULL JOIN), "
                      "which is NULL when there is no match: declare the member std::optional");
        static_assert(assignable<field_type<Row, I>, value_of_t<item_type>>(),
                      "relata: a projected expression's type cannot be read into the struct member of its name");
    }
    return true;
}

template <model Row, class... Items>
struct struct_shape {
    using sources = sources_union_t<Items...>;
    using row_type = Row;
    /// Rows are read into the struct's members in order, as one model's are (see row_reader).
    using reader = model_shape<slot<Row>>;

    static constexpr bool check() {
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (member_matched<Row, I, Items...>() && ...);
        }(std::make_index_sequence<field_count<Row>>{});
        static_assert(every_item_used<Row, Items...>(),
                      "relata: a projected expression names no member of the struct the query selects into");
        return true;
    }

    /// The select list in the struct's member order, each item labelled with the member name.
    static void project(select_data& data, const Items&... items) {
        static_assert(check());
        const std::tuple<const Items&...> all{items...};
        for_each_field<Row>([&](auto i) {
            constexpr std::string_view member = std::get<i.value>(description<Row>.fields).member_name;
            constexpr std::size_t index = item_labelled<Items...>(member);
            data.projection.push_back({node_of(std::get<index>(all)), member});
        });
    }

    template <result_row Row_>
    static row_type read(const Row_& row) {
        return read_model<Row>(row);
    }

    /// Reads the row into `object` (a default-constructed Row), as `read` would.
    template <result_row Row_>
    static void read_into(row_type& object, const Row_& row) {
        read_model_into(object, row);
    }
};

/// After an outer join, a struct member that receives a column of the optional side must be
/// a `std::optional`: checked here, at compile time.
template <model Row, class... Items, class Nullable>
struct with_nullable<struct_shape<Row, Items...>, Nullable> {
    using type = struct_shape<Row, typename nullable_item<Items, Nullable>::type...>;
    static_assert(type::check());
};

}  // namespace relata::detail
