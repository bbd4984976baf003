#pragma once
/// @file
/// Queries shaped at run time by column name, e.g. from a web request's
/// `?sort=-votes&country=Canada&fields=id,title`:
/// @code
/// auto query = relata::select<Customer>();
/// if (country) query = query.where(relata::column_named<Customer>("country") == *country);
/// query = query.order_by(relata::ordering_named<Customer>(sort));          // "-votes": descending
/// auto rows = relata::all(db, relata::select_columns<Customer>(fields));   // relata::dynamic_row
/// @endcode
/// Names resolve only against the model's metadata — its C++ member names, and its column
/// names under any naming convention or `mapping<T>::column_names` — never into SQL text: an
/// unknown name is a `relata::unknown_column_error` that lists the valid ones, thrown before any
/// SQL is built. Values stay bound parameters, converted to the member's C++ type first, so a
/// value that the column cannot hold (`"abc"` for an integer member) is a
/// `relata::conversion_error` naming the model and member, not a database error.

#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "relata/connection.hpp"
#include "relata/detail/format.hpp"
#include "relata/detail/reflection.hpp"
#include "relata/error.hpp"
#include "relata/mapping.hpp"
#include "relata/query/data.hpp"
#include "relata/query/expression.hpp"
#include "relata/query/node.hpp"
#include "relata/query/select.hpp"
#include "relata/query/shape.hpp"
#include "relata/query/source.hpp"
#include "relata/types.hpp"

namespace relata {

namespace detail {

/// Index of the member of model T called `name` (its C++ name, or its column name under any
/// naming convention). @throws relata::unknown_column_error listing T's members.
template <model T>
std::size_t field_index_named(std::string_view name) {
    constexpr std::array conventions{naming::standard, naming::snake_case, naming::pascal_case};
    const model_info& info = model_info_of<T>;
    for (std::size_t i = 0; i < info.field_count; ++i) {
        if (info.member_name(i) == name) return i;
        for (const naming convention : conventions)
            if (info.column_name(convention, i) == name) return i;
    }
    std::string known;
    for (std::size_t i = 0; i < info.field_count; ++i) {
        if (i > 0) known += ", ";
        known += info.member_name(i);
    }
    // The name may be anything a client sent: show a bounded, quoted excerpt of it.
    throw unknown_column_error(detail::format("{} has no column named '{}' (its columns: {})", info.type_name,
                                              excerpt(name, 100), known));
}

/// `f(std::integral_constant<std::size_t, I>)` for the member `index` of T (a value).
template <model T, class F>
auto visit_field(std::size_t index, F&& f) {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
        decltype(f(std::integral_constant<std::size_t, 0>{})) out{};
        (void)((I == index ? (out = f(std::integral_constant<std::size_t, I>{}), true) : false) || ...);
        return out;
    }(std::make_index_sequence<field_count<T>>{});
}

/// The cell that reads back as `v` (borrowing v's text and bytes).
inline cell cell_of(const value& v) {
    return std::visit(
        [](const auto& x) -> cell {
            using X = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<X, std::string>) return std::string_view(x);
            else if constexpr (std::is_same_v<X, blob>) return std::span<const std::byte>(x);
            else return x;
        },
        v);
}

/// Text from a request, as the integer or boolean it spells: the whole text, nothing else.
inline value parse_text_for(std::string_view text, sql_type type) {
    if (type == sql_type::boolean) {
        if (text == "true" || text == "1") return true;
        if (text == "false" || text == "0") return false;
        throw conversion_error(detail::format("'{}' is not a boolean (true, false, 1 or 0)", excerpt(text, 100)));
    }
    std::int64_t number = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc{} || end != text.data() + text.size())
        throw conversion_error(detail::format("'{}' is not an integer", excerpt(text, 100)));
    return number;
}

/// `v` converted to the type of member I of T and back: the parameter a condition binds.
/// Text for an integer or boolean member is parsed; every other conversion is the member
/// type's own (`value_traits<F>::from_cell`), as when reading the column.
/// @throws relata::conversion_error naming the model and member.
template <model T, std::size_t I>
value dynamic_parameter(const value& v) {
    using member = remove_optional_t<field_type<T, I>>;
    try {
        constexpr sql_type type = value_traits<member>::type;
        const bool parse = std::holds_alternative<std::string>(v) &&
                           (type == sql_type::smallint || type == sql_type::integer || type == sql_type::bigint ||
                            type == sql_type::boolean);
        const value parsed = parse ? parse_text_for(std::get<std::string>(v), type) : value{};
        return to_value(value_traits<member>::from_cell(cell_of(parse ? parsed : v)));
    } catch (const mapping_error& e) {
        throw conversion_error(detail::format("{}.{}: {}", model_info_of<T>.type_name,
                                              std::get<I>(description<T>.fields).member_name, e.reason()));
    }
}

/// Row shape of `select_columns`: each cell read with its member's C++ type.
template <class Source>
struct dynamic_shape;

}  // namespace detail

/// How a `dynamic_column` compares with a value (`dynamic_column::compare`); the SQL operator
/// is the same on both engines.
enum class comparison {
    equal,          ///< `=` (`IS NULL` with a NULL value)
    not_equal,      ///< `<>` (`IS NOT NULL` with a NULL value)
    less,           ///< `<`
    less_equal,     ///< `<=`
    greater,        ///< `>`
    greater_equal,  ///< `>=`
};

/// A column of `Source` (a model or `relata::alias`) chosen at run time, made by
/// `relata::column_named<Source>(name)`. Conditions and orderings from it have the same types
/// as those of typed columns (`condition<Source>`, `order_term<Source>`), so they combine
/// with typed ones: `c.active == true && relata::column_named<Customer>(field) == text`.
template <query_source Source>
class dynamic_column {
    using model_type = detail::source_model_t<Source>;

public:
    /// The member at `index` of the model's RELATA_MODEL list.
    explicit dynamic_column(std::size_t index) : index_(index) {}

    /// The member's C++ name.
    [[nodiscard]] std::string_view name() const { return detail::model_info_of<model_type>.member_name(index_); }
    /// Its index in the RELATA_MODEL list.
    [[nodiscard]] std::size_t index() const noexcept { return index_; }

    /// `column <op> ?`, the value converted to the member's type first (text is parsed for
    /// integer and boolean members: a request's `"42"` or `"true"`). NULL (an empty value)
    /// with `equal` is `IS NULL`, with `not_equal` `IS NOT NULL`.
    /// @throws relata::conversion_error when the member's type cannot hold the value;
    /// relata::error for NULL with an ordering comparison.
    [[nodiscard]] condition<Source> compare(comparison op, const value& v) const {
        if (std::holds_alternative<std::monostate>(v)) {
            if (op == comparison::equal) return is_null();
            if (op == comparison::not_equal) return is_not_null();
            throw error(detail::format("cannot order-compare {} with NULL", name()));
        }
        static constexpr std::array<std::string_view, 6> operators{"=", "<>", "<", "<=", ">", ">="};
        return condition<Source>(detail::make_node(detail::node_kind::binary, {column_node(), parameter(v)},
                                                   operators[static_cast<std::size_t>(op)]));
    }

    /// `column = ?` (see `compare`). Accepts any C++ value relata binds (`"Canada"`, `42`,
    /// a `relata::value`).
    template <class V>
        requires(!detail::typed_expression<V>)
    [[nodiscard]] condition<Source> operator==(const V& v) const { return compare(comparison::equal, argument(v)); }
    /// `column <> ?` (see `compare`).
    template <class V>
        requires(!detail::typed_expression<V>)
    [[nodiscard]] condition<Source> operator!=(const V& v) const { return compare(comparison::not_equal, argument(v)); }
    /// `column < ?` (see `compare`).
    template <class V>
        requires(!detail::typed_expression<V>)
    [[nodiscard]] condition<Source> operator<(const V& v) const { return compare(comparison::less, argument(v)); }
    /// `column <= ?` (see `compare`).
    template <class V>
        requires(!detail::typed_expression<V>)
    [[nodiscard]] condition<Source> operator<=(const V& v) const { return compare(comparison::less_equal, argument(v)); }
    /// `column > ?` (see `compare`).
    template <class V>
        requires(!detail::typed_expression<V>)
    [[nodiscard]] condition<Source> operator>(const V& v) const { return compare(comparison::greater, argument(v)); }
    /// `column >= ?` (see `compare`).
    template <class V>
        requires(!detail::typed_expression<V>)
    [[nodiscard]] condition<Source> operator>=(const V& v) const {
        return compare(comparison::greater_equal, argument(v));
    }

    /// `column IN (?, ?, ...)`, each value converted as for `compare`; an empty list matches
    /// no row. @throws relata::conversion_error.
    [[nodiscard]] condition<Source> in(std::span<const value> values) const {
        if (values.empty()) return condition<Source>(detail::make_node(detail::node_kind::always_false));
        detail::node_list items;
        items = items.appended(column_node());
        for (const value& v : values) items = items.appended(parameter(v));
        return condition<Source>(detail::make_node(detail::node_kind::in_list, std::move(items)));
    }
    /// `column IS NULL`.
    [[nodiscard]] condition<Source> is_null() const {
        return condition<Source>(detail::make_node(detail::node_kind::is_null, {column_node()}));
    }
    /// `column IS NOT NULL`.
    [[nodiscard]] condition<Source> is_not_null() const {
        return condition<Source>(detail::make_node(detail::node_kind::is_not_null, {column_node()}));
    }

    /// ORDER BY this column ascending.
    [[nodiscard]] order_term<Source> asc() const { return {{column_node(), false, detail::nulls_order::engine_default}}; }
    /// ORDER BY this column descending.
    [[nodiscard]] order_term<Source> desc() const { return {{column_node(), true, detail::nulls_order::engine_default}}; }

private:
    detail::node_ptr column_node() const { return detail::make_column(&detail::source_info_of<Source>, index_); }

    detail::node_ptr parameter(const value& v) const {
        return detail::make_parameter(detail::visit_field<model_type>(
            index_, [&](auto i) { return detail::dynamic_parameter<model_type, decltype(i)::value>(v); }));
    }

    template <class V>
    static value argument(const V& v) {
        if constexpr (std::is_same_v<V, value>) return v;
        else return detail::argument_value(v);
    }

    std::size_t index_;
};

/// The column of `Source` named `name` at run time: a C++ member name (`"last_name"`) or a
/// column name (`"LastName"`). @throws relata::unknown_column_error listing the valid names.
template <query_source Source>
[[nodiscard]] dynamic_column<Source> column_named(std::string_view name) {
    return dynamic_column<Source>(detail::field_index_named<detail::source_model_t<Source>>(name));
}

/// An ORDER BY term from a request's sort field: `"title"` ascending, `"-title"` descending
/// (the JSON:API convention), optionally followed by `" asc"` / `" desc"` instead.
/// @throws relata::unknown_column_error.
template <query_source Source>
[[nodiscard]] order_term<Source> ordering_named(std::string_view spec) {
    bool descending = false;
    if (spec.starts_with('-')) {
        descending = true;
        spec.remove_prefix(1);
    } else if (spec.ends_with(" desc") || spec.ends_with(" DESC")) {
        descending = true;
        spec.remove_suffix(5);
    } else if (spec.ends_with(" asc") || spec.ends_with(" ASC")) {
        spec.remove_suffix(4);
    }
    const dynamic_column<Source> column = column_named<Source>(spec);
    return descending ? column.desc() : column.asc();
}

/// One row of a `select_columns` query: the values of the chosen columns, in the order they
/// were named, each read with its member's C++ type (a timestamp is a `relata::timestamp` on
/// both engines), NULL as an empty `relata::value`.
class dynamic_row {
public:
    /// The values and the result's column names.
    dynamic_row(std::vector<value> values, std::shared_ptr<const std::vector<std::string>> names)
        : values_(std::move(values)), names_(std::move(names)) {}

    /// Number of columns.
    [[nodiscard]] std::size_t size() const noexcept { return values_.size(); }
    /// The value of column `i` (0-based).
    [[nodiscard]] const value& operator[](std::size_t i) const { return values_[i]; }
    /// The value of the column called `name` (its column name in the result).
    /// @throws relata::unknown_column_error.
    [[nodiscard]] const value& at(std::string_view name) const {
        for (std::size_t i = 0; i < values_.size(); ++i)
            if ((*names_)[i] == name) return values_[i];
        throw unknown_column_error(detail::format("the row has no column named '{}'", detail::excerpt(name, 100)));
    }
    /// The column names, in order.
    [[nodiscard]] const std::vector<std::string>& names() const noexcept { return *names_; }
    /// The values, in order.
    [[nodiscard]] const std::vector<value>& values() const noexcept { return values_; }

private:
    std::vector<value> values_;
    std::shared_ptr<const std::vector<std::string>> names_;
};

namespace detail {

template <class Source>
struct dynamic_shape {
    using sources = type_list<Source>;
    using row_type = dynamic_row;

    // Each result column is labelled with its member's C++ name (see select_columns): the
    // label says which member's type reads it.
    template <result_row Row>
    static row_type read(const Row& row) {
        using model_type = source_model_t<Source>;
        std::vector<value> values;
        values.reserve(row.size());
        auto names = std::make_shared<std::vector<std::string>>();
        names->reserve(row.size());
        for (std::size_t i = 0; i < row.size(); ++i) {
            const std::string_view label = row.column_name(i);
            const std::size_t index = field_index_named<model_type>(label);
            values.push_back(visit_field<model_type>(index, [&](auto f) -> value {
                using member = field_type<model_type, decltype(f)::value>;
                return to_value(read_projected<member>(row, i));
            }));
            names->emplace_back(label);
        }
        return dynamic_row(std::move(values), std::move(names));
    }
};

}  // namespace detail

/// `SELECT <the named columns> FROM <Source>`, the columns chosen at run time (a request's
/// `?fields=id,title`); rows are `relata::dynamic_row`. Each column is written
/// `"column" AS "member"`, so the rows' names are the C++ member names. The result is an
/// ordinary select query: add `where`, `order_by`, `limit` as usual.
/// @throws relata::unknown_column_error for an unknown name (before any SQL is built);
/// relata::error for an empty list.
template <query_source Source>
[[nodiscard]] auto select_columns(std::span<const std::string_view> names) {
    using model_type = detail::source_model_t<Source>;
    if (names.empty()) throw error(detail::format("select_columns<{}> needs at least one column", detail::model_info_of<model_type>.type_name));
    detail::select_data data;
    data.from = &detail::source_info_of<Source>;
    for (const std::string_view name : names) {
        const std::size_t index = detail::field_index_named<model_type>(name);
        data.projection.push_back({detail::make_column(&detail::source_info_of<Source>, index),
                                   detail::model_info_of<model_type>.member_name(index)});
    }
    return detail::make_select<detail::dynamic_shape<Source>, detail::type_list<Source>>(std::move(data));
}

/// `select_columns` over a braced list: `relata::select_columns<Post>({"id", "title"})`.
template <query_source Source>
[[nodiscard]] auto select_columns(std::initializer_list<std::string_view> names) {
    return select_columns<Source>(std::span<const std::string_view>(names.begin(), names.size()));
}

/// `select_columns` over names held as strings (e.g. split from a request parameter).
template <query_source Source>
[[nodiscard]] auto select_columns(const std::vector<std::string>& names) {
    const std::vector<std::string_view> views(names.begin(), names.end());
    return select_columns<Source>(std::span<const std::string_view>(views));
}

}  // namespace relata
