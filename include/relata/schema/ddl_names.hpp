#pragma once
/// @file
/// Names of the indexes and constraints `relata::create_all` creates, derived so that two
/// different objects never get the same name.
///
/// A name joined from its parts with `_` is ambiguous: `post.author_name` and
/// `post_author.name` would both give `post_author_name_idx`, and PostgreSQL cuts names at 63
/// bytes, so long names that differ only at the end would collide too. relata derives:
/// - the plain name `<table>__<column>...__<suffix>`, parts joined with `__`, when no part is
///   empty, contains `__` or starts or ends with `_` (then `__` can only be a separator, so
///   the parts can be read back from the name) and the name fits in 63 bytes:
///   `post__author_name__idx`, `post_author__name__idx`;
/// - otherwise, and always for a partial index or a check constraint (whose SQL text is part of
///   what they are), a readable prefix of at most 54 bytes, `_`, and 8 hex digits of the 32-bit
///   FNV-1a hash of the parts, the suffix and that SQL: `post_check_1f0e9c2a`.
///
/// Plain names end with a suffix (`idx`, `unique_idx`, `key`, `fkey`), hashed names with a hex
/// digit, so the two forms never meet. Suffixes follow PostgreSQL's own: `idx` for an index,
/// `unique_idx` for a unique index, `key` for a UNIQUE constraint, `fkey` for a foreign key,
/// `check` for a check constraint. Names given with `.named(...)` are used verbatim.
/// `relata::create_all` checks afterwards that every object exists under its name with the
/// expected definition (<relata/schema/ddl_verification.hpp>), which also catches the
/// one-in-four-billion hash collision.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "relata/detail/fnv1a.hpp"
#include "relata/detail/foreign_keys.hpp"
#include "relata/detail/format.hpp"
#include "relata/detail/reflection.hpp"
#include "relata/error.hpp"
#include "relata/mapping.hpp"
#include "relata/query/node.hpp"
#include "relata/query/source.hpp"
#include "relata/sql/dialect.hpp"

namespace relata::detail {

/// The longest identifier PostgreSQL keeps, in bytes (NAMEDATALEN - 1); it cuts longer ones.
inline constexpr std::size_t identifier_limit = 63;

/// True when `part` can appear in a plain derived name: `__` then separates parts only.
constexpr bool plain_name_part(std::string_view part) noexcept {
    return !part.empty() && part.front() != '_' && part.back() != '_' && part.find("__") == std::string_view::npos;
}

/// The collision-free name for an object over `parts` (table, then columns) of kind `suffix`;
/// `sql` (a check's expression, a partial index's predicate) forces the hashed form.
inline std::string derived_name(const std::vector<std::string_view>& parts, std::string_view suffix,
                                std::string_view sql = {}) {
    bool plain = sql.empty();
    std::string name;
    for (const auto part : parts) {
        plain = plain && plain_name_part(part);
        name.append(part).append("__");
    }
    name.append(suffix);
    if (plain && name.size() <= identifier_limit) return name;

    std::uint32_t hash = fnv1a_32(suffix);
    for (const auto part : parts) hash = fnv1a_32(part, fnv1a_32(std::string_view("\0", 1), hash));
    hash = fnv1a_32(sql, fnv1a_32(std::string_view("\1", 1), hash));
    std::string readable;
    for (const auto part : parts) readable.append(part).append("_");
    readable.append(suffix);
    constexpr std::size_t hash_length = 9;  // `_` and 8 hex digits
    if (readable.size() > identifier_limit - hash_length) {
        std::size_t cut = identifier_limit - hash_length;
        while (cut > 0 && (static_cast<unsigned char>(readable[cut]) & 0xC0u) == 0x80u) --cut;  // keep UTF-8 whole
        readable.resize(cut);
    }
    return detail::format("{}_{:08x}", readable, hash);
}

/// `name`, given by the user with `.named(...)`, checked against PostgreSQL's limit.
/// @throws relata::schema_error on PostgreSQL when it is longer than 63 bytes (PostgreSQL
/// would cut it and create_all could not find the object again).
inline std::string given_name(const dialect& d, std::string_view table, std::string_view name) {
    if (d.engine == engine::postgresql && name.size() > identifier_limit)
        throw schema_error(detail::format("the name \"{}\" given for an index or constraint of table \"{}\" has {} bytes; "
                                           "PostgreSQL keeps at most 63",
                                           name, table, name.size()));
    return std::string(name);
}

/// Refuses, on PostgreSQL, T's table and column names longer than 63 bytes: PostgreSQL would
/// cut them, and two tables (or columns) could become one.
/// @throws relata::schema_error naming the identifier.
inline void check_identifier_lengths(const dialect& d, const model_info& model) {
    if (d.engine != engine::postgresql) return;
    const std::string_view table = model.table_name(d.naming);
    if (table.size() > identifier_limit)
        throw schema_error(detail::format("the table name \"{}\" has {} bytes; PostgreSQL keeps at most 63 (name the "
                                          "table in relata::mapping<T>::table)",
                                          table, table.size()));
    for (std::size_t i = 0; i < model.field_count; ++i) {
        const std::string_view column = model.column_name(d.naming, i);
        if (column.size() > identifier_limit)
            throw schema_error(detail::format("the column name \"{}\" of table \"{}\" has {} bytes; PostgreSQL keeps at "
                                              "most 63 (name it with relata::column_name)",
                                              column, table, column.size()));
    }
}

/// check_identifier_lengths for model T.
template <model T>
void check_identifier_lengths(const dialect& d) {
    check_identifier_lengths(d, model_info_of<T>);
}

/// The column names of a member set of T (a member pointer or a std::tuple of them), in order.
template <model T, class Members>
std::vector<std::string_view> column_names_of(const dialect& d, const Members& members) {
    std::vector<std::string_view> names;
    for (const std::size_t i : column_indexes<T>(members)) names.push_back(column_name_of<T>(d.naming, i));
    return names;
}

/// The name of the index `index` (a relata::index_definition) of T: its `.named(...)`, else
/// `<table>__<columns>__idx` / `__unique_idx`, hashed when partial, ambiguous or long.
template <model T, class Index>
std::string index_name(const dialect& d, const Index& index) {
    const std::string_view table = table_name_of<T>(d.naming);
    if (index.name != nullptr) return given_name(d, table, index.name);
    std::vector<std::string_view> parts{table};
    for (const auto column : column_names_of<T>(d, index.members)) parts.push_back(column);
    return derived_name(parts, index.is_unique ? "unique_idx" : "idx",
                        index.predicate != nullptr ? std::string_view(index.predicate) : std::string_view());
}

/// The members of an element of mapping<T>::unique (a relata::unique_constraint or a bare
/// member pointer) as a std::tuple.
template <class Constraint>
constexpr auto unique_members_of(const Constraint& constraint) {
    if constexpr (requires { constraint.members; }) return constraint.members;
    else return std::tuple{constraint};
}

/// The name of a UNIQUE constraint of T: its `.named(...)`, else `<table>__<columns>__key`.
template <model T, class Constraint>
std::string unique_constraint_name(const dialect& d, const Constraint& constraint) {
    const std::string_view table = table_name_of<T>(d.naming);
    if constexpr (requires { constraint.name; }) {
        if (constraint.name != nullptr) return given_name(d, table, constraint.name);
    }
    std::vector<std::string_view> parts{table};
    for (const auto column : column_names_of<T>(d, unique_members_of(constraint))) parts.push_back(column);
    return derived_name(parts, "key");
}

/// The name of a foreign-key constraint of T: its `.named(...)`, else
/// `<table>__<columns>__fkey` (`post__author_id__fkey`).
template <model T, class Key>
std::string foreign_key_name(const dialect& d, const Key& key) {
    const std::string_view table = table_name_of<T>(d.naming);
    if (key.name != nullptr) return given_name(d, table, key.name);
    std::vector<std::string_view> parts{table};
    for (const auto column : column_names_of<T>(d, members_of(key))) parts.push_back(column);
    return derived_name(parts, "fkey");
}

/// The name of a CHECK constraint of T: its `.named(...)`, else `<table>_check_<hash>`, the
/// hash over the table and the expression.
template <model T>
std::string check_constraint_name(const dialect& d, const check_constraint& check) {
    const std::string_view table = table_name_of<T>(d.naming);
    if (check.name != nullptr) return given_name(d, table, check.name);
    return derived_name({table}, "check", check.expression);
}

}  // namespace relata::detail
