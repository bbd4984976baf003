#pragma once
/// @file
/// Mapping configuration, written outside the struct: `relata::mapping<T>` (table name,
/// column names, primary key, unique constraints, indexes, foreign keys) and the
/// `relata::naming` conventions that derive default names.
///
/// @code
/// template <> struct relata::mapping<blog::Post> {
///     static constexpr auto table = "posts";
///     static constexpr auto foreign_keys = std::tuple{relata::references(&blog::Post::author_id, &blog::Author::id)};
///     static constexpr auto indexes = std::tuple{relata::index(&blog::Post::published_at)};
/// };
/// @endcode

#include <cstddef>
#include <optional>
#include <string_view>
#include <tuple>
#include <type_traits>

namespace relata {

/// How default table and column names are derived from C++ names. Explicit names from
/// `relata::mapping<T>` always win. Chosen per connection (see the backends' options) so
/// one set of structs maps databases that spell names differently.
enum class naming {
    /// Table: snake_case of the type name (`InvoiceLine` -> `invoice_line`); columns: member
    /// names as written.
    standard,
    /// Tables and columns in snake_case (`invoiceLine` -> `invoice_line`).
    snake_case,
    /// Tables and columns in PascalCase (`invoice_line_id` -> `InvoiceLineId`), as the SQLite
    /// Chinook database spells them.
    pascal_case,
};

/// Optional mapping configuration for a model, specialized by the user outside the struct.
/// Every member is optional:
/// @code
/// template <> struct relata::mapping<blog::Post> {
///     static constexpr auto table = "posts";                                  // table name
///     static constexpr auto primary_key = &blog::Post::id;                    // default: `id`, else `post_id`
///     static constexpr bool generated_key = true;                             // default: integer key
///     static constexpr auto version = &blog::Post::version;                   // optimistic locking
///     static constexpr auto column_names = std::tuple{relata::column_name(&blog::Post::title, "Title")};
///     static constexpr auto unique = std::tuple{relata::unique(&blog::Post::title)};
///     static constexpr auto indexes = std::tuple{relata::index(&blog::Post::published_at)};
///     static constexpr auto foreign_keys = std::tuple{relata::references(&blog::Post::author_id, &blog::Author::id)};
///     static constexpr auto defaults = std::tuple{relata::default_value(&blog::Post::votes, 0)};
///     static constexpr auto checks = std::tuple{relata::check("votes >= 0")};
/// };
/// @endcode
///
/// `unique`, `indexes`, `foreign_keys`, `defaults` and `checks` are what `relata::create_all`
/// writes into the DDL (<relata/schema.hpp>).
///
/// `primary_key` is one member pointer, or a std::tuple of them for a composite key
/// (`std::tuple{&PlaylistTrack::playlist_id, &PlaylistTrack::track_id}`): DDL
/// `PRIMARY KEY ("playlist_id", "track_id")`, Session keys `std::tuple<...>` of the members'
/// types, key conditions `"playlist_id" = ? AND "track_id" = ?`. A composite key is never
/// generated. Map every column of the table's real key: the Session checks that each UPDATE
/// and DELETE it flushes matches one row and that one query result holds one row per key.
///
/// `version` names an integer member used for optimistic locking by the Session: an object
/// inserted with version 0 is inserted with 1; every UPDATE it flushes is
/// `UPDATE ... SET <changed columns>, "version" = ? WHERE "id" = ? AND "version" = ?` (new =
/// the version last read + 1, written back into the object and its snapshot), every DELETE
/// `DELETE ... WHERE "id" = ? AND "version" = ?`; a statement matching no row throws
/// relata::stale_data_error. The Session owns the member: a value the program writes into it
/// is overwritten at the next UPDATE.
template <class Model>
struct mapping {};

/// An explicit column name for one member, for `mapping<T>::column_names`.
template <class Model, class Value>
struct column_name_override {
    Value Model::*member;  ///< the member
    const char* name;      ///< the column name, used verbatim (quoted)
};

/// Names the column of `member` explicitly: `relata::column_name(&Track::unit_price, "UnitPrice")`.
template <class Model, class Value>
constexpr column_name_override<Model, Value> column_name(Value Model::*member, const char* name) noexcept {
    return {member, name};
}

/// A UNIQUE constraint over one or more members, for `mapping<T>::unique`.
/// DDL inside CREATE TABLE, on SQLite and PostgreSQL: `CONSTRAINT "person__first__last__key"
/// UNIQUE ("first", "last")` (name derived as described in <relata/schema/ddl_names.hpp>, or
/// given with `.named(...)`).
template <class Model, class... Values>
struct unique_constraint {
    std::tuple<Values Model::*...> members;  ///< the constrained members, in order
    const char* name = nullptr;              ///< the constraint name; nullptr: derived

    /// The same constraint named `constraint_name` (used verbatim, quoted; at most 63 bytes on
    /// PostgreSQL): `relata::unique(&User::email).named("users_email_unique")`.
    [[nodiscard]] constexpr unique_constraint named(const char* constraint_name) const noexcept {
        unique_constraint copy = *this;
        copy.name = constraint_name;
        return copy;
    }
};

/// A UNIQUE constraint: `relata::unique(&User::email)` or `relata::unique(&A::x, &A::y)`.
template <class Model, class... Values>
constexpr unique_constraint<Model, Values...> unique(Values Model::*... members) noexcept {
    return {{members...}};
}

/// An index over one or more members, for `mapping<T>::indexes`; optionally unique
/// (`relata::unique_index`), named (`.named("...")`) and partial (`.where("...")`).
/// DDL, the same on SQLite and PostgreSQL:
/// `CREATE [UNIQUE] INDEX IF NOT EXISTS "<name>" ON "<table>" ("col", ...) [WHERE <predicate>]`.
/// The derived name is `<table>__<col>...__idx` (`__unique_idx` for a unique index), or a
/// readable prefix with a hash suffix when that could be ambiguous or too long
/// (<relata/schema/ddl_names.hpp>).
template <class Model, class... Values>
struct index_definition {
    std::tuple<Values Model::*...> members;  ///< the indexed members, in order
    const char* name = nullptr;              ///< the index name; nullptr: derived
    const char* predicate = nullptr;         ///< the WHERE clause of a partial index, or nullptr
    bool is_unique = false;                  ///< CREATE UNIQUE INDEX

    /// The same index named `index_name` (used verbatim, quoted; at most 63 bytes on PostgreSQL):
    /// `relata::index(&Post::title).named("post_title_search")`.
    [[nodiscard]] constexpr index_definition named(const char* index_name) const noexcept {
        index_definition copy = *this;
        copy.name = index_name;
        return copy;
    }
    /// The same index, partial: only rows for which the SQL `condition` holds are indexed
    /// (`... WHERE deleted_at IS NULL`). A partial unique index allows duplicates among the other
    /// rows. The condition is SQL written into the DDL as given, so never build it from untrusted
    /// input. SQLite: since 3.8.0; PostgreSQL: every supported version.
    [[nodiscard]] constexpr index_definition where(const char* condition) const noexcept {
        index_definition copy = *this;
        copy.predicate = condition;
        return copy;
    }
};

/// An index: `relata::index(&Post::published_at)` ->
/// `CREATE INDEX IF NOT EXISTS "posts__published_at__idx" ON "posts" ("published_at")`.
template <class Model, class... Values>
constexpr index_definition<Model, Values...> index(Values Model::*... members) noexcept {
    return {{members...}};
}

/// A unique index: `relata::unique_index(&User::email).where("deleted_at IS NULL")` ->
/// `CREATE UNIQUE INDEX IF NOT EXISTS "users_email_unique_idx_<hash>" ON "users" ("email") WHERE
/// deleted_at IS NULL` (a partial index's name carries a hash of its predicate). Unlike
/// `relata::unique` (a table constraint), it can be partial.
template <class Model, class... Values>
constexpr index_definition<Model, Values...> unique_index(Values Model::*... members) noexcept {
    return {{members...}, nullptr, nullptr, true};
}

namespace detail {
template <class T>
struct without_optional {
    using type = T;
};
template <class T>
struct without_optional<std::optional<T>> {
    using type = T;
};
}  // namespace detail

/// A column default given as a C++ value, for `mapping<T>::defaults`: written into the DDL as
/// an SQL literal (DDL takes no bound parameters): `"votes" INTEGER NOT NULL DEFAULT 0`.
/// Literals: integers as digits; `bool` as `TRUE`/`FALSE` (SQLite: since 3.23); finite doubles
/// in shortest round-trip form (`0.5`, `1e+300`); strings in single quotes with ``'`` doubled
/// (PostgreSQL: as ``E'...'`` with `\` doubled when the text holds a backslash, so the literal
/// means the same whatever `standard_conforming_strings` is).
template <class Model, class Value, class Literal>
struct column_default {
    Value Model::*member;  ///< the member whose column gets the default
    Literal value;         ///< the default value
};

/// A column default given as an SQL expression, for `mapping<T>::defaults`:
/// `"created_at" TEXT NOT NULL DEFAULT (CURRENT_TIMESTAMP)`, in parentheses on both dialects
/// (SQLite requires them around anything but a literal). Written as given: never build it from
/// untrusted input.
template <class Model, class Value>
struct column_default_sql {
    Value Model::*member;    ///< the member whose column gets the default
    const char* expression;  ///< the SQL expression
};

/// A literal column default: `relata::default_value(&Post::votes, 0)`,
/// `relata::default_value(&Post::title, "untitled")`, `relata::default_value(&User::active, true)`.
/// Accepts bool, integers, floating point and strings (const char*, std::string_view): a number
/// for a number or enum member (the enum's stored integer), a string for any other member; use
/// `relata::default_sql` for anything else (a timestamp, a value type's storage). Rendering throws relata::mapping_error for a
/// non-finite double and for a string with a NUL character.
template <class Model, class Value, class Literal>
constexpr column_default<Model, Value, std::decay_t<Literal>> default_value(Value Model::*member, Literal&& value) noexcept {
    using literal = std::decay_t<Literal>;
    using column = typename detail::without_optional<Value>::type;
    constexpr bool text = std::is_convertible_v<literal, const char*> || std::is_same_v<literal, std::string_view>;
    static_assert(std::is_arithmetic_v<literal> || text,
                  "relata: default_value takes a bool, number or string literal; write other defaults as SQL with "
                  "relata::default_sql(&T::member, \"expression\")");
    static_assert(std::is_arithmetic_v<column> || std::is_enum_v<column> ? std::is_arithmetic_v<literal>
                                                                          : !std::is_arithmetic_v<literal>,
                  "relata: default_value gives a number to a member that is not a number (or text to a number); "
                  "give a value of the member's kind, or write the default as SQL with relata::default_sql");
    return {member, static_cast<Literal&&>(value)};
}

/// An SQL expression column default: `relata::default_sql(&Post::created_at, "CURRENT_TIMESTAMP")`
/// -> `DEFAULT (CURRENT_TIMESTAMP)` on SQLite and PostgreSQL.
template <class Model, class Value>
constexpr column_default_sql<Model, Value> default_sql(Value Model::*member, const char* expression) noexcept {
    return {member, expression};
}

/// A CHECK constraint, for `mapping<T>::checks`: `relata::check("votes >= 0")`, optionally
/// `.named("post_votes_not_negative")`. DDL inside CREATE TABLE, on SQLite and PostgreSQL:
/// `CONSTRAINT "<name>" CHECK (votes >= 0)`; the derived name is `<table>_check_<hash of the
/// expression>` (<relata/schema/ddl_names.hpp>). An INSERT or UPDATE that violates it throws
/// relata::constraint_violation with kind() == constraint_kind::check. The expression is SQL
/// written as given: never build it from untrusted input.
struct check_constraint {
    const char* expression;      ///< the SQL condition
    const char* name = nullptr;  ///< the constraint name; nullptr: derived

    /// The same constraint named `constraint_name` (at most 63 bytes on PostgreSQL).
    [[nodiscard]] constexpr check_constraint named(const char* constraint_name) const noexcept {
        check_constraint copy = *this;
        copy.name = constraint_name;
        return copy;
    }
};

/// A CHECK constraint: `relata::check("votes >= 0")`.
constexpr check_constraint check(const char* expression) noexcept {
    return {expression};
}

/// What the database does to referencing rows when the referenced row is deleted or its key
/// updated: `FOREIGN KEY (...) REFERENCES ... ON DELETE <action> ON UPDATE <action>`, the same
/// words on SQLite and PostgreSQL (SQLite enforces them with `PRAGMA foreign_keys = ON`, which
/// relata's SQLite connection sets by default). Source: SQL-92 referential actions.
enum class referential_action {
    unspecified,  ///< no clause: the database's default (NO ACTION)
    no_action,    ///< `NO ACTION`: refuse, checked at the end of the statement (or deferred)
    restrict,     ///< `RESTRICT`: refuse at once, even when deferred
    cascade,      ///< `CASCADE`: delete the referencing rows / update their foreign key
    set_null,     ///< `SET NULL`: set the referencing column to NULL (the member must be optional)
};

/// `ON DELETE/UPDATE NO ACTION`: `.on_delete(relata::no_action)`.
inline constexpr referential_action no_action = referential_action::no_action;
/// `ON DELETE/UPDATE RESTRICT`: `.on_delete(relata::restrict)`.
inline constexpr referential_action restrict = referential_action::restrict;
/// `ON DELETE/UPDATE CASCADE`: `.on_delete(relata::cascade)`.
inline constexpr referential_action cascade = referential_action::cascade;
/// `ON DELETE/UPDATE SET NULL`: `.on_delete(relata::set_null)` (for an optional member).
inline constexpr referential_action set_null = referential_action::set_null;

/// A foreign key from one member to another model's member, for `mapping<T>::foreign_keys`.
/// DDL: `FOREIGN KEY ("author_id") REFERENCES "author" ("id")`, plus `ON DELETE CASCADE` /
/// `ON UPDATE ...` when an action is set. The Session also uses it to order a flush (referenced
/// rows are inserted before and deleted after referencing rows) and to navigate the
/// relationship (`session.related`, `session.children`, `relata::select_in`; see
/// <relata/session/relationship.hpp>). Neither SQLite nor PostgreSQL indexes the referencing
/// column: declare `relata::index(&Post::author_id)` in `mapping<Post>::indexes` when parents
/// are deleted or navigated, or each parent DELETE scans the child table (20,000 parents
/// removed in one flush: 37 s on SQLite without the index, 0.15 s with it).
template <class Model, class Value, class Target, class TargetValue>
struct foreign_key {
    Value Model::*member;               ///< the referencing member
    TargetValue Target::*target_member; ///< the referenced member (usually the primary key)
    referential_action delete_action = referential_action::unspecified;  ///< ON DELETE
    referential_action update_action = referential_action::unspecified;  ///< ON UPDATE
    const char* name = nullptr;  ///< the constraint name; nullptr: derived

    /// The same key with constraint name `constraint_name` (used verbatim, quoted; at most 63
    /// bytes on PostgreSQL): `CONSTRAINT "<constraint_name>" FOREIGN KEY ...`.
    [[nodiscard]] constexpr foreign_key named(const char* constraint_name) const noexcept {
        foreign_key copy = *this;
        copy.name = constraint_name;
        return copy;
    }

    /// The same key with `ON DELETE action`: `references(&Post::author_id, &Author::id).on_delete(relata::cascade)`.
    [[nodiscard]] constexpr foreign_key on_delete(referential_action action) const noexcept {
        foreign_key copy = *this;
        copy.delete_action = action;
        return copy;
    }
    /// The same key with `ON UPDATE action`.
    [[nodiscard]] constexpr foreign_key on_update(referential_action action) const noexcept {
        foreign_key copy = *this;
        copy.update_action = action;
        return copy;
    }
};

/// A foreign key: `relata::references(&Post::author_id, &Author::id)`, optionally with
/// `.on_delete(relata::cascade)` / `.on_update(...)`.
template <class Model, class Value, class Target, class TargetValue>
constexpr foreign_key<Model, Value, Target, TargetValue> references(Value Model::*member,
                                                                    TargetValue Target::*target) noexcept {
    return {member, target};
}

/// A foreign key over several columns, for `mapping<T>::foreign_keys`: `Members` is a
/// std::tuple of `Model`'s member pointers, `TargetMembers` one of `Target`'s, pairwise.
/// DDL: `FOREIGN KEY ("order_id", "order_version") REFERENCES "order" ("id", "version")` plus
/// the actions, on SQLite and PostgreSQL. A row references nothing when any of its columns is
/// NULL (SQL's default MATCH SIMPLE): navigation then finds no parent. The Session orders
/// flushes by it, mirrors ON DELETE CASCADE / SET NULL, and navigates it when the relationship
/// is named by the same tuple: `session.related(line, std::tuple{&Line::order_id, &Line::order_version})`
/// (<relata/session/relationship.hpp>). A composite key of a model to itself is not supported
/// (a compile-time error).
template <class Model, class Target, class Members, class TargetMembers>
struct composite_foreign_key {
    Members members;                ///< the referencing members, in order
    TargetMembers target_members;   ///< the referenced members (usually the primary key), in order
    referential_action delete_action = referential_action::unspecified;  ///< ON DELETE
    referential_action update_action = referential_action::unspecified;  ///< ON UPDATE
    const char* name = nullptr;  ///< the constraint name; nullptr: derived

    /// The same key with constraint name `constraint_name` (used verbatim, quoted; at most 63
    /// bytes on PostgreSQL): `CONSTRAINT "<constraint_name>" FOREIGN KEY ...`.
    [[nodiscard]] constexpr composite_foreign_key named(const char* constraint_name) const noexcept {
        composite_foreign_key copy = *this;
        copy.name = constraint_name;
        return copy;
    }

    /// The same key with `ON DELETE action`.
    [[nodiscard]] constexpr composite_foreign_key on_delete(referential_action action) const noexcept {
        composite_foreign_key copy = *this;
        copy.delete_action = action;
        return copy;
    }
    /// The same key with `ON UPDATE action`.
    [[nodiscard]] constexpr composite_foreign_key on_update(referential_action action) const noexcept {
        composite_foreign_key copy = *this;
        copy.update_action = action;
        return copy;
    }
};

namespace detail {
template <class T>
struct foreign_key_column_type {
    using type = T;
};
template <class T>
struct foreign_key_column_type<std::optional<T>> {
    using type = T;
};
template <class... Values, class... TargetValues>
constexpr bool same_column_types(std::tuple<Values...>*, std::tuple<TargetValues...>*) {
    if constexpr (sizeof...(Values) != sizeof...(TargetValues)) {
        return false;
    } else {
        return (std::is_same_v<typename foreign_key_column_type<Values>::type,
                               typename foreign_key_column_type<TargetValues>::type> && ...);
    }
}
}  // namespace detail

/// A composite foreign key: `relata::references(std::tuple{&Line::order_id, &Line::order_version},
/// std::tuple{&Order::id, &Order::version})`, optionally with `.on_delete(...)` / `.on_update(...)`.
/// Both tuples list the same number of columns, pairwise of the same type (an optional
/// referencing member matches its value type); otherwise it does not compile.
template <class Model, class... Values, class Target, class... TargetValues>
constexpr composite_foreign_key<Model, Target, std::tuple<Values Model::*...>, std::tuple<TargetValues Target::*...>>
references(std::tuple<Values Model::*...> members, std::tuple<TargetValues Target::*...> target_members) noexcept {
    static_assert(sizeof...(Values) == sizeof...(TargetValues),
                  "relata: a composite foreign key lists as many referencing members as referenced members");
    static_assert(sizeof...(Values) >= 1, "relata: a foreign key names at least one member");
    static_assert(detail::same_column_types(static_cast<std::tuple<Values...>*>(nullptr),
                                            static_cast<std::tuple<TargetValues...>*>(nullptr)),
                  "relata: each referencing member of a composite foreign key must have the type of the member it "
                  "references (or std::optional of it)");
    return {members, target_members};
}

}  // namespace relata
