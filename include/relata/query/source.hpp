#pragma once
/// @file
/// Sources of a query — a model, or a model under an alias (`relata::alias<Employee, "manager">`)
/// — and the compile-time sets of sources that typed expressions carry, so that a column of a
/// model that is not in a query's FROM/JOIN list does not compile.

#include <cstddef>
#include <string_view>
#include <type_traits>

#include "relata/detail/reflection.hpp"
#include "relata/query/node.hpp"

namespace relata {

/// The model `Model` under another name in one query, for joining a table to itself:
/// @code
/// using manager = relata::alias<Employee, "manager">;
/// constexpr auto e = relata::columns<Employee>;
/// constexpr auto m = relata::columns<manager>;
/// relata::select<Employee, manager>().left_join(e.reports_to == m.employee_id);
/// // SELECT "employee"."employee_id", ..., "manager"."employee_id", ...
/// //   FROM "employee" LEFT JOIN "employee" AS "manager" ON "employee"."reports_to" = "manager"."employee_id"
/// @endcode
/// Rows of an alias read into `Model`; the Session's identity map treats them as `Model` rows.
template <model Model, detail::fixed_string Name>
struct alias {
    /// The aliased model.
    using model_type = Model;
    /// The alias, as written in SQL (quoted).
    static constexpr std::string_view name = Name.view();
};

namespace detail {

/// A compile-time list of types (a set where the helpers below say so).
template <class... Ts>
struct type_list {};

template <class T, class List>
inline constexpr bool contains_v = false;
template <class T, class... Ts>
inline constexpr bool contains_v<T, type_list<Ts...>> = (std::is_same_v<T, Ts> || ...);

/// A ∪ B, keeping A's order and appending B's new elements.
template <class A, class B>
struct union_of;
template <class... As>
struct union_of<type_list<As...>, type_list<>> {
    using type = type_list<As...>;
};
template <class... As, class B, class... Bs>
struct union_of<type_list<As...>, type_list<B, Bs...>>
    : union_of<std::conditional_t<contains_v<B, type_list<As...>>, type_list<As...>, type_list<As..., B>>,
               type_list<Bs...>> {};
template <class A, class B>
using union_t = typename union_of<A, B>::type;

/// The union of any number of lists.
template <class... Lists>
struct union_all {
    using type = type_list<>;
};
template <class List, class... Lists>
struct union_all<List, Lists...> {
    using type = union_t<List, typename union_all<Lists...>::type>;
};
template <class... Lists>
using union_all_t = typename union_all<Lists...>::type;

/// True when every element of A is in B.
template <class A, class B>
inline constexpr bool subset_v = false;
template <class... As, class B>
inline constexpr bool subset_v<type_list<As...>, B> = (contains_v<As, B> && ...);

/// A \ B.
template <class A, class B>
struct difference_of;
template <class B>
struct difference_of<type_list<>, B> {
    using type = type_list<>;
};
template <class A, class... As, class B>
struct difference_of<type_list<A, As...>, B> {
    using rest = typename difference_of<type_list<As...>, B>::type;
    template <class R>
    struct prepend;
    template <class... Rs>
    struct prepend<type_list<Rs...>> {
        using type = type_list<A, Rs...>;
    };
    using type = std::conditional_t<contains_v<A, B>, rest, typename prepend<rest>::type>;
};
template <class A, class B>
using difference_t = typename difference_of<A, B>::type;

template <class List>
inline constexpr std::size_t size_v = 0;
template <class... Ts>
inline constexpr std::size_t size_v<type_list<Ts...>> = sizeof...(Ts);

template <class List>
struct first_of;
template <class T, class... Ts>
struct first_of<type_list<T, Ts...>> {
    using type = T;
};

/// What a query source is: a model, or `alias<Model, Name>`.
template <class Source>
struct source_traits {
    using model_type = Source;
    static constexpr std::string_view alias_name{};
};
template <class Model, fixed_string Name>
struct source_traits<alias<Model, Name>> {
    using model_type = Model;
    static constexpr std::string_view alias_name = Name.view();
};

template <class Source>
using source_model_t = typename source_traits<Source>::model_type;

template <model T>
std::string_view member_name_of(std::size_t index) {
    return index < field_count<T> ? member_names<T>[index] : std::string_view();
}

/// The runtime description of a model (one constant per model).
template <model T>
inline constexpr model_info model_info_of{type_name<T>,      &table_name_of<T>,       &column_name_of<T>, &quoted_columns_of<T>,
                                          &member_name_of<T>, field_count<T>,          primary_key_index<T>};

/// The runtime description of a source (one constant per source type, compared by address).
template <class Source>
inline constexpr source_info source_info_of{&model_info_of<source_model_t<Source>>, source_traits<Source>::alias_name};

}  // namespace detail

/// A model or `relata::alias` of one: something a query can select from.
template <class T>
concept query_source = model<detail::source_model_t<T>>;

}  // namespace relata
