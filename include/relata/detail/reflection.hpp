#pragma once
// Compile-time model metadata behind RELATA_MODEL and relata::mapping<T>: the machinery.
// The public configuration names (relata::mapping, relata::naming, relata::unique, ...) live in
// <relata/mapping.hpp>; RELATA_MODEL in <relata/model.hpp>.

#include <array>
#include <cctype>
#include <concepts>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "relata/mapping.hpp"

namespace relata {

namespace detail {

template <class>
inline constexpr bool always_false = false;

/// A string usable as a template argument (the member name in relata::column<Model, Name>).
template <std::size_t N>
struct fixed_string {
    char value[N]{};
    constexpr fixed_string(const char (&text)[N]) noexcept {  // NOLINT: implicit on purpose
        for (std::size_t i = 0; i < N; ++i) value[i] = text[i];
    }
    [[nodiscard]] constexpr std::string_view view() const noexcept { return {value, N - 1}; }
};

/// One reflected member: its member pointer and its name as written in C++.
template <class Model, class Value>
struct field_info {
    using model_type = Model;
    using value_type = Value;
    Value Model::*pointer;
    std::string_view member_name;
};

template <class Model, class Value>
constexpr field_info<Model, Value> make_field(Value Model::*pointer, std::string_view member_name) noexcept {
    return {pointer, member_name};
}

/// Everything RELATA_MODEL knows about a type.
template <class Model, class... Values>
struct model_description {
    std::string_view type_name;
    std::tuple<field_info<Model, Values>...> fields;
};

template <class Model, class... Values>
constexpr model_description<Model, Values...> describe(std::string_view type_name,
                                                       field_info<Model, Values>... fields) noexcept {
    return {type_name, {fields...}};
}

}  // namespace detail

/// A type described by RELATA_MODEL (found by argument-dependent lookup).
template <class T>
concept model = requires { relata_model_description(static_cast<const T*>(nullptr)); };

namespace detail {

template <model T>
inline constexpr auto description = relata_model_description(static_cast<const T*>(nullptr));

template <model T>
using fields_tuple = std::remove_cvref_t<decltype(description<T>.fields)>;

template <model T>
inline constexpr std::size_t field_count = std::tuple_size_v<fields_tuple<T>>;

template <model T, std::size_t I>
using field_type = typename std::tuple_element_t<I, fields_tuple<T>>::value_type;

template <model T, std::size_t I>
inline constexpr auto member_pointer = std::get<I>(description<T>.fields).pointer;

/// Calls f(std::integral_constant<std::size_t, I>{}) for every field index I.
template <model T, class F>
constexpr void for_each_field(F&& f) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (f(std::integral_constant<std::size_t, I>{}), ...);
    }(std::make_index_sequence<field_count<T>>{});
}

inline constexpr std::size_t npos = static_cast<std::size_t>(-1);

/// The C++ names of T's mapped members, in RELATA_MODEL order: one constant array, so code that
/// looks a name up by a runtime index is one load, not a branch per member.
template <model T>
inline constexpr std::array<std::string_view, field_count<T>> member_names =
    []<std::size_t... I>(std::index_sequence<I...>) {
        return std::array<std::string_view, field_count<T>>{std::get<I>(description<T>.fields).member_name...};
    }(std::make_index_sequence<field_count<T>>{});

/// Index of the field whose C++ name is `name`, or npos.
template <model T>
constexpr std::size_t index_of_name(std::string_view name) {
    std::size_t found = npos;
    for_each_field<T>([&](auto i) {
        if (std::get<i.value>(description<T>.fields).member_name == name) found = i.value;
    });
    return found;
}

/// Index of the field whose member pointer is `member`, or npos.
template <model T, class Value>
constexpr std::size_t index_of_member(Value T::*member) {
    std::size_t found = npos;
    for_each_field<T>([&](auto i) {
        if constexpr (std::is_same_v<field_type<T, i.value>, Value>) {
            if (member_pointer<T, i.value> == member) found = i.value;
        }
    });
    return found;
}

/// The last component of a possibly qualified name (`blog::Post` -> `Post`).
constexpr std::string_view unqualified(std::string_view name) noexcept {
    const std::size_t colon = name.rfind(':');
    return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

constexpr bool ascii_upper(char c) noexcept { return c >= 'A' && c <= 'Z'; }
constexpr bool ascii_lower_or_digit(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

/// `InvoiceLine` -> `invoice_line_id`, NUL-terminated, at compile time (as to_snake_case).
template <std::size_t N>
constexpr std::array<char, 2 * N + 4> constexpr_snake_case_id(std::string_view name) noexcept {
    std::array<char, 2 * N + 4> out{};
    std::size_t n = 0;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        if (ascii_upper(c)) {
            const bool after_lower = i > 0 && ascii_lower_or_digit(name[i - 1]);
            const bool acronym_end = i > 0 && ascii_upper(name[i - 1]) && i + 1 < name.size() &&
                                     name[i + 1] >= 'a' && name[i + 1] <= 'z';
            if ((after_lower || acronym_end) && n > 0 && out[n - 1] != '_') out[n++] = '_';
            out[n++] = static_cast<char>(c - 'A' + 'a');
        } else {
            out[n++] = c;
        }
    }
    out[n++] = '_';
    out[n++] = 'i';
    out[n++] = 'd';
    return out;
}

/// `Track` -> `TrackId`, NUL-terminated, at compile time.
template <std::size_t N>
constexpr std::array<char, N + 3> constexpr_pascal_case_id(std::string_view name) noexcept {
    std::array<char, N + 3> out{};
    std::size_t n = 0;
    for (const char c : name) out[n++] = c;
    out[n++] = 'I';
    out[n++] = 'd';
    return out;
}

template <class>
struct is_std_tuple : std::false_type {};
template <class... Ts>
struct is_std_tuple<std::tuple<Ts...>> : std::true_type {};

/// The index of every member that `mapping<T>::primary_key` names (one member pointer, or a
/// std::tuple of them for a composite key).
template <model T>
constexpr auto mapped_primary_key_indexes() {
    using key = std::remove_cvref_t<decltype(mapping<T>::primary_key)>;
    if constexpr (is_std_tuple<key>::value) {
        static_assert(std::tuple_size_v<key> > 0, "relata: mapping<T>::primary_key = std::tuple{} names no member");
        return std::apply(
            [](const auto&... member) {
                return std::array<std::size_t, sizeof...(member)>{index_of_member<T>(member)...};
            },
            mapping<T>::primary_key);
    } else {
        static_assert(std::is_member_object_pointer_v<key>,
                      "relata: mapping<T>::primary_key must be a member pointer (&T::id) or a std::tuple of them "
                      "(std::tuple{&T::a, &T::b})");
        return std::array<std::size_t, 1>{index_of_member<T>(mapping<T>::primary_key)};
    }
}

template <std::size_t N>
constexpr bool all_found(const std::array<std::size_t, N>& indexes) {
    for (const std::size_t i : indexes)
        if (i == npos) return false;
    return true;
}

template <std::size_t N>
constexpr bool all_distinct(const std::array<std::size_t, N>& indexes) {
    for (std::size_t i = 0; i < N; ++i)
        for (std::size_t j = i + 1; j < N; ++j)
            if (indexes[i] == indexes[j]) return false;
    return true;
}

template <model T>
constexpr auto find_primary_key_indexes() {
    if constexpr (requires { mapping<T>::primary_key; }) {
        constexpr auto indexes = mapped_primary_key_indexes<T>();
        static_assert(all_found(indexes),
                      "relata: mapping<T>::primary_key names a member that RELATA_MODEL does not list");
        static_assert(all_distinct(indexes), "relata: mapping<T>::primary_key names a member twice");
        return indexes;
    } else if constexpr (index_of_name<T>("id") != npos) {
        return std::array<std::size_t, 1>{index_of_name<T>("id")};
    } else {
        // `<snake_case of the type>_id` (Track -> track_id), or `<Type>Id` (TrackId) for
        // PascalCase members: the key names of typical sample schemas such as Chinook.
        constexpr std::string_view type = unqualified(description<T>.type_name);
        constexpr auto snake = constexpr_snake_case_id<type.size()>(type);
        constexpr std::size_t by_snake = index_of_name<T>(std::string_view(snake.data()));
        if constexpr (by_snake != npos) {
            return std::array<std::size_t, 1>{by_snake};
        } else {
            constexpr auto pascal = constexpr_pascal_case_id<type.size()>(type);
            constexpr std::size_t by_pascal = index_of_name<T>(std::string_view(pascal.data()));
            if constexpr (by_pascal != npos) return std::array<std::size_t, 1>{by_pascal};
            else return std::array<std::size_t, 0>{};
        }
    }
}

/// The field indexes of the primary key, in key order: one for a single-column key, several
/// for a composite key (`mapping<T>::primary_key = std::tuple{&T::a, &T::b}`), none when the
/// model has no key.
template <model T>
inline constexpr auto primary_key_indexes = find_primary_key_indexes<T>();

/// The number of primary key columns (0: no key).
template <model T>
inline constexpr std::size_t primary_key_size = primary_key_indexes<T>.size();

/// Index of the (first) primary key field, or npos when the model has none.
template <model T>
inline constexpr std::size_t primary_key_index = primary_key_size<T> == 0 ? npos : primary_key_indexes<T>[0];

template <model T>
inline constexpr bool has_primary_key = primary_key_size<T> > 0;

/// True for a primary key of more than one column.
template <model T>
inline constexpr bool composite_key = primary_key_size<T> > 1;

/// True when field `index` is part of the primary key.
template <model T>
constexpr bool is_primary_key_field(std::size_t index) {
    for (const std::size_t i : primary_key_indexes<T>)
        if (i == index) return true;
    return false;
}

template <class T>
inline constexpr bool is_plain_integer = std::is_integral_v<T> && !std::is_same_v<T, bool>;

template <model T>
constexpr bool find_generated_key() {
    if constexpr (!has_primary_key<T>) {
        return false;
    } else if constexpr (composite_key<T>) {
        if constexpr (requires { mapping<T>::generated_key; })
            static_assert(!mapping<T>::generated_key, "relata: a composite primary key is never generated; remove "
                                                      "mapping<T>::generated_key = true");
        return false;
    } else if constexpr (requires { mapping<T>::generated_key; }) {
        return mapping<T>::generated_key;
    } else {
        return is_plain_integer<field_type<T, primary_key_index<T>>>;
    }
}

/// True when the database generates the primary key (an integer key, unless the mapping says
/// `generated_key = false`; never a composite key). An object whose key is 0 is then inserted
/// without it.
template <model T>
inline constexpr bool generated_key = find_generated_key<T>();

template <model T, class Indexes>
struct primary_key_type_of;
template <model T, std::size_t... I>
struct primary_key_type_of<T, std::index_sequence<I...>> {
    using type = std::conditional_t<sizeof...(I) == 1, field_type<T, primary_key_index<T>>,
                                    std::tuple<field_type<T, primary_key_indexes<T>[I]>...>>;
};

/// The primary key's type: the member's type for a single-column key, a std::tuple of the
/// members' types (in key order) for a composite key.
template <model T>
    requires has_primary_key<T>
using primary_key_type = typename primary_key_type_of<T, std::make_index_sequence<primary_key_size<T>>>::type;

/// The primary key of `object` (a copy: the member, or a tuple of the members).
template <model T>
primary_key_type<T> primary_key_of(const T& object) {
    if constexpr (composite_key<T>) {
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            return primary_key_type<T>{object.*member_pointer<T, primary_key_indexes<T>[I]>...};
        }(std::make_index_sequence<primary_key_size<T>>{});
    } else {
        return object.*member_pointer<T, primary_key_index<T>>;
    }
}

/// Writes `key` into the key members of `object`.
template <model T>
void set_primary_key(T& object, const primary_key_type<T>& key) {
    if constexpr (composite_key<T>) {
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            ((object.*member_pointer<T, primary_key_indexes<T>[I]> = std::get<I>(key)), ...);
        }(std::make_index_sequence<primary_key_size<T>>{});
    } else {
        object.*member_pointer<T, primary_key_index<T>> = key;
    }
}

template <model T>
constexpr std::size_t find_version_index() {
    if constexpr (requires { mapping<T>::version; }) {
        using pointer = std::remove_cvref_t<decltype(mapping<T>::version)>;
        static_assert(std::is_member_object_pointer_v<pointer>,
                      "relata: mapping<T>::version must be a member pointer (&T::version)");
        constexpr std::size_t index = index_of_member<T>(mapping<T>::version);
        static_assert(index != npos, "relata: mapping<T>::version names a member that RELATA_MODEL does not list");
        static_assert(is_plain_integer<field_type<T, index>>,
                      "relata: mapping<T>::version must name an integer member (e.g. std::int64_t version = 0)");
        static_assert(!is_primary_key_field<T>(index), "relata: mapping<T>::version cannot be a primary key member");
        return index;
    } else {
        return npos;
    }
}

/// Index of the version column (optimistic locking, `mapping<T>::version`), or npos.
template <model T>
inline constexpr std::size_t version_index = find_version_index<T>();

/// True when the model has a version column.
template <model T>
inline constexpr bool has_version = version_index<T> != npos;

/// The class of a member pointer type: member_class<int Post::*>::type is Post.
template <class MemberPointer>
struct member_class;
template <class Class, class Value>
struct member_class<Value Class::*> {
    using type = Class;
};

/// Visits the elements of mapping<T>::NAME if present.
template <class Tuple, class F>
constexpr void for_each_in_tuple(const Tuple& tuple, F&& f) {
    std::apply([&](const auto&... element) { (f(element), ...); }, tuple);
}

/// True when `member` is a data member of T that RELATA_MODEL(T, ...) lists.
template <model T, class MemberPointer>
constexpr bool is_listed_member(MemberPointer member) {
    if constexpr (std::is_same_v<typename member_class<MemberPointer>::type, T>)
        return index_of_member<T>(member) != npos;
    else
        return false;
}

/// True when every member that mapping<T>::NAME names is listed in RELATA_MODEL (of T, and of
/// the referenced model for a foreign key's target).
template <model T>
constexpr bool column_names_listed() {
    if constexpr (requires { mapping<T>::column_names; })
        return std::apply([](const auto&... o) { return (is_listed_member<T>(o.member) && ...); }, mapping<T>::column_names);
    else
        return true;
}
template <model T>
constexpr bool unique_members_listed() {
    if constexpr (requires { mapping<T>::unique; }) {
        return std::apply(
            [](const auto&... constraint) {
                const auto listed = [](const auto& c) {
                    if constexpr (requires { c.members; })  // relata::unique(&T::a, &T::b)
                        return std::apply([](const auto&... m) { return (is_listed_member<T>(m) && ...); }, c.members);
                    else  // a bare member pointer
                        return is_listed_member<T>(c);
                };
                return (listed(constraint) && ...);
            },
            mapping<T>::unique);
    } else {
        return true;
    }
}
template <model T>
constexpr bool index_members_listed() {
    if constexpr (requires { mapping<T>::indexes; }) {
        return std::apply(
            [](const auto&... index) {
                return (std::apply([](const auto&... m) { return (is_listed_member<T>(m) && ...); }, index.members) && ...);
            },
            mapping<T>::indexes);
    } else {
        return true;
    }
}
/// True when every member of a member set (a member pointer or a std::tuple of them) is listed.
template <model T, class Members>
constexpr bool members_listed(const Members& members) {
    if constexpr (is_std_tuple<Members>::value)
        return std::apply([](const auto&... m) { return (is_listed_member<T>(m) && ...); }, members);
    else
        return is_listed_member<T>(members);
}
template <class Key>
constexpr auto referencing_members(const Key& key) {
    if constexpr (requires { key.members; }) return key.members;
    else return key.member;
}
template <class Key>
constexpr auto referenced_members(const Key& key) {
    if constexpr (requires { key.target_members; }) return key.target_members;
    else return key.target_member;
}
template <class Members>
struct first_member {
    using type = Members;
};
template <class First, class... Rest>
struct first_member<std::tuple<First, Rest...>> {
    using type = First;
};
template <model T>
constexpr bool foreign_key_members_listed() {
    if constexpr (requires { mapping<T>::foreign_keys; }) {
        return std::apply([](const auto&... key) { return (members_listed<T>(referencing_members(key)) && ...); },
                          mapping<T>::foreign_keys);
    } else {
        return true;
    }
}
/// True when every member of a member set has a std::optional type.
template <class Members>
constexpr bool members_optional(const Members& members) {
    const auto optional = [](auto member) {
        using class_type = typename member_class<decltype(member)>::type;
        using value_type = std::remove_cvref_t<decltype(std::declval<class_type&>().*member)>;
        return !std::is_same_v<typename foreign_key_column_type<value_type>::type, value_type>;  // std::optional
    };
    if constexpr (is_std_tuple<Members>::value)
        return std::apply([&](const auto&... m) { return (optional(m) && ...); }, members);
    else
        return optional(members);
}
/// False when a foreign key says ON DELETE/UPDATE SET NULL over a member that cannot be NULL.
template <model T>
constexpr bool set_null_members_optional() {
    if constexpr (requires { mapping<T>::foreign_keys; }) {
        return std::apply(
            [](const auto&... key) {
                const auto fine = [](const auto& k) {
                    if constexpr (requires { k.delete_action; }) {
                        const bool set_null = k.delete_action == referential_action::set_null ||
                                              k.update_action == referential_action::set_null;
                        return !set_null || members_optional(referencing_members(k));
                    } else {
                        return true;
                    }
                };
                return (fine(key) && ...);
            },
            mapping<T>::foreign_keys);
    } else {
        return true;
    }
}
template <model T>
constexpr bool foreign_key_targets_listed() {
    if constexpr (requires { mapping<T>::foreign_keys; }) {
        return std::apply(
            [](const auto&... key) {
                const auto listed = [](const auto& k) {
                    using target = typename member_class<
                        typename first_member<std::remove_cvref_t<decltype(referenced_members(k))>>::type>::type;
                    if constexpr (model<target>) return members_listed<target>(referenced_members(k));
                    else return false;
                };
                return (listed(key) && ...);
            },
            mapping<T>::foreign_keys);
    } else {
        return true;
    }
}

/// Rejects, at compile time, a mapping<T> that names a member RELATA_MODEL does not list (its
/// column would have no index). Instantiated with T's names, i.e. by anything that renders T.
template <model T>
constexpr void check_mapping_members() {
    static_assert(column_names_listed<T>(),
                  "relata: mapping<T>::column_names names a member that RELATA_MODEL(T, ...) does not list; "
                  "add the member to RELATA_MODEL");
    static_assert(unique_members_listed<T>(),
                  "relata: mapping<T>::unique names a member that RELATA_MODEL(T, ...) does not list; "
                  "add the member to RELATA_MODEL");
    static_assert(index_members_listed<T>(),
                  "relata: mapping<T>::indexes names a member that RELATA_MODEL(T, ...) does not list; "
                  "add the member to RELATA_MODEL");
    static_assert(foreign_key_members_listed<T>(),
                  "relata: mapping<T>::foreign_keys names a member that RELATA_MODEL(T, ...) does not list; "
                  "add the member to RELATA_MODEL");
    static_assert(foreign_key_targets_listed<T>(),
                  "relata: mapping<T>::foreign_keys references a member that the target's RELATA_MODEL does "
                  "not list; add it there");
    static_assert(set_null_members_optional<T>(),
                  "relata: mapping<T>::foreign_keys uses on_delete(relata::set_null) or on_update(relata::set_null) "
                  "on a member that is not std::optional (the database could not set it to NULL); make the member "
                  "std::optional or choose another action");
    // Instantiated for their own static_asserts (key and version members listed, types).
    (void)primary_key_indexes<T>;
    (void)generated_key<T>;
    (void)version_index<T>;
}

inline std::string to_snake_case(std::string_view name) {
    std::string out;
    out.reserve(name.size() + 4);
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const auto uc = static_cast<unsigned char>(c);
        if (std::isupper(uc)) {
            const bool after_lower = i > 0 && (std::islower(static_cast<unsigned char>(name[i - 1])) ||
                                               std::isdigit(static_cast<unsigned char>(name[i - 1])));
            const bool acronym_end = i > 0 && std::isupper(static_cast<unsigned char>(name[i - 1])) &&
                                     i + 1 < name.size() && std::islower(static_cast<unsigned char>(name[i + 1]));
            if ((after_lower || acronym_end) && !out.empty() && out.back() != '_') out.push_back('_');
            out.push_back(static_cast<char>(std::tolower(uc)));
        } else {
            out.push_back(c);
        }
    }
    return out;
}

inline std::string to_pascal_case(std::string_view name) {
    std::string out;
    out.reserve(name.size());
    bool upper_next = true;
    for (const char c : name) {
        if (c == '_') {
            upper_next = true;
            continue;
        }
        const auto uc = static_cast<unsigned char>(c);
        out.push_back(upper_next ? static_cast<char>(std::toupper(uc)) : c);
        upper_next = false;
    }
    return out;
}

/// Appends `name` as a quoted SQL identifier (`"order"`), an embedded `"` doubled: the
/// delimited identifier of the SQL standard, the same on SQLite and PostgreSQL.
inline void append_quoted_identifier(std::string& out, std::string_view name) {
    out.push_back('"');
    if (name.find('"') == std::string_view::npos) {
        out.append(name);  // the usual name: one append, not one push_back per character
    } else {
        for (const char c : name) {
            if (c == '"') out.push_back('"');
            out.push_back(c);
        }
    }
    out.push_back('"');
}

/// The column name of a member called `member` under `convention` (before mapping overrides).
inline std::string column_name_for(naming convention, std::string_view member) {
    switch (convention) {
        case naming::snake_case: return to_snake_case(member);
        case naming::pascal_case: return to_pascal_case(member);
        case naming::standard: break;
    }
    return std::string(member);
}

/// Table and column names of a model under one naming convention.
template <model T>
struct model_names {
    std::string table;
    std::array<std::string, field_count<T>> columns;
    std::string quoted_columns;  // `"id", "title", ...`: a select<T>() list, rendered once
};

template <model T>
model_names<T> compute_names(naming convention) {
    check_mapping_members<T>();
    model_names<T> names;
    if constexpr (requires { mapping<T>::table; }) {
        names.table = std::string(mapping<T>::table);
    } else {
        names.table = convention == naming::pascal_case ? to_pascal_case(description<T>.type_name)
                                                        : to_snake_case(description<T>.type_name);
    }
    for (std::size_t i = 0; i < field_count<T>; ++i) names.columns[i] = column_name_for(convention, member_names<T>[i]);
    if constexpr (requires { mapping<T>::column_names; }) {
        for_each_in_tuple(mapping<T>::column_names, [&](const auto& override_) {
            names.columns[index_of_member<T>(override_.member)] = override_.name;  // listed: checked above
        });
    }
    for (const std::string& column : names.columns) {
        if (!names.quoted_columns.empty()) names.quoted_columns += ", ";
        append_quoted_identifier(names.quoted_columns, column);
    }
    return names;
}

/// The names of T under `convention`, computed once per convention.
template <model T>
const model_names<T>& names_of(naming convention) {
    static const std::array<model_names<T>, 3> all{compute_names<T>(naming::standard),
                                                   compute_names<T>(naming::snake_case),
                                                   compute_names<T>(naming::pascal_case)};
    return all[static_cast<std::size_t>(convention)];
}

template <model T>
std::string_view column_name_of(naming convention, std::size_t index) {
    return names_of<T>(convention).columns[index];
}

/// Every column of T, quoted and separated by ", " (`"id", "title", "votes"`).
template <model T>
std::string_view quoted_columns_of(naming convention) {
    return names_of<T>(convention).quoted_columns;
}

template <model T>
std::string_view table_name_of(naming convention) {
    return names_of<T>(convention).table;
}

/// The C++ name of a model type, e.g. "Post".
template <model T>
inline constexpr std::string_view type_name = description<T>.type_name;

}  // namespace detail
}  // namespace relata
