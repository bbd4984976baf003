#pragma once
/// @file
/// The connection concept every backend satisfies (`relata::sqlite::connection`,
/// `relata::postgres::connection`), the RAII `relata::transaction` guard, and the reading of
/// result rows into model objects.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "relata/detail/format.hpp"
#include "relata/detail/reflection.hpp"
#include "relata/error.hpp"
#include "relata/sql/dialect.hpp"
#include "relata/sql/rendered_query.hpp"
#include "relata/transaction_options.hpp"
#include "relata/types.hpp"

namespace relata {

/// A result row as a backend hands it to a row callback: `size()` columns, each read with
/// `cell(i)` (borrowed; valid until the callback returns) and named by `column_name(i)`.
template <class R>
concept result_row = requires(const R& row, std::size_t i) {
    { row.size() } -> std::convertible_to<std::size_t>;
    { row.cell(i) } -> std::same_as<cell>;
    { row.column_name(i) } -> std::convertible_to<std::string_view>;
};

namespace detail {
/// A row callback used only to state the connection concept.
struct any_row_callback {
    template <class Row>
    void operator()(const Row&) const {}
};
}  // namespace detail

/// What the query layer and the Session need from a backend connection:
/// - `sql_dialect()`: the dialect (and naming convention) to render with;
/// - `execute(rendered_query)`: run a statement, return the number of rows it changed;
/// - `for_each_row(rendered_query, callback)`: run a query, call `callback(row)` per row;
/// - `begin()`, `begin(transaction_options)`, `commit()`, `rollback()`, `in_transaction()`;
/// - `savepoint(name)`, `release_savepoint(name)`, `rollback_to_savepoint(name)`;
/// - `statement_count()`: statements executed so far.
template <class C>
concept connection = requires(C& db, const C& const_db, const rendered_query& query, std::string_view name) {
    { const_db.sql_dialect() } -> std::convertible_to<const dialect&>;
    { db.execute(query) } -> std::convertible_to<std::int64_t>;
    db.for_each_row(query, detail::any_row_callback{});
    db.begin();
    db.begin(transaction_options{});
    db.commit();
    db.rollback();
    { const_db.in_transaction() } -> std::convertible_to<bool>;
    db.savepoint(name);
    db.release_savepoint(name);
    db.rollback_to_savepoint(name);
    { const_db.statement_count() } -> std::convertible_to<std::uint64_t>;
};

/// RAII transaction: begins on construction and rolls back on destruction unless `commit()`
/// was called. Inside an open transaction it uses a SAVEPOINT instead, so guards nest.
/// @code
/// relata::transaction tx{db};         // BEGIN   (or SAVEPOINT "relata_1" when nested)
/// db.execute(...);
/// tx.commit();                        // COMMIT  (or RELEASE SAVEPOINT "relata_1")
///
/// relata::transaction serial{db, {.isolation = relata::isolation_level::serializable}};
///                                     // PostgreSQL: BEGIN ISOLATION LEVEL SERIALIZABLE; SQLite: BEGIN
/// relata::transaction writer{db, {.mode = relata::begin_mode::immediate}};
///                                     // SQLite: BEGIN IMMEDIATE; PostgreSQL: BEGIN
/// @endcode
/// @throws relata::database_error from BEGIN/COMMIT/SAVEPOINT.
template <connection Connection>
class transaction {
public:
    /// Begins a transaction (`db.begin(options)`, see <relata/transaction_options.hpp>), or a
    /// savepoint when one is already open. A savepoint cannot change the open transaction's
    /// isolation level: asking for one there is refused rather than silently not honoured
    /// (`options.mode` is ignored there).
    /// @throws relata::database_error from BEGIN or SAVEPOINT; for an isolation level SQLite
    /// does not have; for `options.isolation` inside an open transaction (no SQL is sent then).
    explicit transaction(Connection& db, const transaction_options& options = {})
        : db_(db), nested_(db.in_transaction()) {
        if (nested_) {
            if (options.isolation)
                throw database_error(detail::format("cannot begin a transaction with isolation level {}: a transaction "
                                                    "is already open on this connection, and a savepoint keeps its level",
                                                    isolation_sql(*options.isolation)),
                                     "SAVEPOINT", "", 0);
            savepoint_ = detail::format("relata_{}", ++nesting_counter());
            db_.savepoint(savepoint_);
        } else {
            db_.begin(options);
        }
    }
    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;

    /// Rolls back unless committed; never throws (a failing rollback is swallowed).
    ~transaction() {
        if (done_) return;
        try {
            if (nested_) {
                db_.rollback_to_savepoint(savepoint_);
                db_.release_savepoint(savepoint_);
            } else {
                db_.rollback();
            }
        } catch (...) {  // NOLINT(bugprone-empty-catch): destructors must not throw (a user SQL logger may too)
        }
    }

    /// Commits (COMMIT, or RELEASE SAVEPOINT when nested).
    /// @throws relata::database_error when the statement fails: relata::transaction_conflict
    /// for a serialization failure or deadlock (PostgreSQL 40001/40P01, SQLite `SQLITE_BUSY`),
    /// relata::constraint_violation for a deferred constraint checked at COMMIT. The
    /// transaction then still counts as open, and the destructor rolls it back.
    void commit() {
        if (nested_) db_.release_savepoint(savepoint_);
        else db_.commit();
        done_ = true;
    }

    /// Rolls back now (ROLLBACK, or ROLLBACK TO + RELEASE SAVEPOINT when nested).
    /// @throws relata::database_error when the statement fails (the destructor does not try
    /// again); whatever an `on_sql` logger throws for RELEASE SAVEPOINT.
    void rollback() {
        done_ = true;
        if (nested_) {
            db_.rollback_to_savepoint(savepoint_);
            db_.release_savepoint(savepoint_);
        } else {
            db_.rollback();
        }
    }

private:
    static std::uint64_t& nesting_counter() {
        thread_local std::uint64_t counter = 0;
        return counter;
    }

    Connection& db_;
    bool nested_;
    bool done_ = false;
    std::string savepoint_;
};

namespace detail {

/// Stores a cell in `member` as `member = from_cell<M>(c)` would, but copies text straight
/// into a std::string member (no temporary string to move from).
template <class M>
void assign_from_cell(M& member, const cell& c) {
    if constexpr (std::is_same_v<M, std::string>) {
        if (const auto* text = std::get_if<std::string_view>(&c)) member.assign(*text);
        else member = from_cell<M>(c);
    } else if constexpr (std::is_same_v<M, std::optional<std::string>>) {
        if (const auto* text = std::get_if<std::string_view>(&c)) {
            if (member) member->assign(*text);
            else member.emplace(*text);
        } else {
            member = from_cell<M>(c);
        }
    } else {
        member = from_cell<M>(c);
    }
}

/// Reads the columns [first, first + field_count<T>) of `row` into the mapped members of
/// `object` (members RELATA_MODEL does not list are left as they are).
/// @throws relata::mapping_error naming model, member, column and the offending value (the
/// members before it hold the row's values then).
template <model T, result_row Row>
void read_model_into(T& object, const Row& row, std::size_t first = 0) {
    for_each_field<T>([&](auto i) {
        using member_type = field_type<T, i.value>;
        try {
            // Reading the cell may throw too (PostgreSQL: an unsupported type, ±infinity).
            assign_from_cell<member_type>(object.*member_pointer<T, i.value>, row.cell(first + i.value));
        } catch (const mapping_error& e) {  // conversion_error included
            throw mapping_error(detail::format("cannot read {}::{} from column \"{}\": {}", type_name<T>,
                                               std::get<i.value>(description<T>.fields).member_name,
                                               row.column_name(first + i.value), e.reason()));
        }
    });
}

/// Reads the columns [first, first + field_count<T>) of `row` into a new T.
/// @throws relata::mapping_error naming model, member, column and the offending value.
template <model T, result_row Row>
T read_model(const Row& row, std::size_t first = 0) {
    T object{};
    read_model_into(object, row, first);
    return object;
}

/// Checks that a result has the model's column count (for hand-written SQL).
template <model T, result_row Row>
void check_column_count(const Row& row, std::string_view sql) {
    if (row.size() != field_count<T>)
        throw mapping_error(detail::format("the query returns {} columns but {} maps {}; SQL: {}", row.size(),
                                           type_name<T>, field_count<T>, sql_excerpt(sql)));
}

/// Parameter for a value written to member `index` of T; errors name model and member.
template <model T, std::size_t I>
value member_value(const T& object) {
    try {
        return to_value(object.*member_pointer<T, I>);
    } catch (const conversion_error& e) {
        throw mapping_error(detail::format("cannot write {}::{}: {}", type_name<T>,
                                           std::get<I>(description<T>.fields).member_name, e.reason()));
    }
}

/// Converts a hand-written query's argument to a parameter.
template <class Argument>
value argument_value(const Argument& argument) {
    using A = std::remove_cvref_t<Argument>;
    try {
        // nullptr first: it also converts to const char*, and a string_view of it is undefined.
        if constexpr (std::is_same_v<A, std::nullptr_t>) {
            return std::monostate{};
        } else if constexpr (std::is_convertible_v<const A&, std::string_view> && !std::is_same_v<A, std::string>) {
            if constexpr (std::is_pointer_v<A>) {
                if (argument == nullptr) return std::monostate{};  // a null `const char*` is NULL, like nullptr
            }
            return std::string(std::string_view(argument));
        } else if constexpr (std::is_same_v<A, value>) {
            return argument;
        } else {
            return to_value(argument);
        }
    } catch (const conversion_error& e) {
        throw mapping_error(detail::format("cannot bind argument: {}", e.reason()));
    }
}

}  // namespace detail
}  // namespace relata
