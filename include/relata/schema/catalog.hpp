#pragma once
/// @file
/// `relata::schema`: what a live database holds — tables, their columns, keys, unique
/// constraints, indexes and foreign keys — as one value, filled by `relata::introspect(db)`
/// (<relata/schema/introspection.hpp>) and compared with the models by
/// `relata::verify_schema<Models...>(db)` (<relata/schema/verification.hpp>).
///
/// Names are as the database stores them (PostgreSQL folds unquoted names to lower case;
/// SQLite keeps them as written). Lists are in the database's order: columns by position, key
/// columns in key order, tables, constraints and indexes by name.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relata {

/// One column of a live table.
struct column_info {
    std::string name;           ///< the column name
    /// The declared type as the database reports it: SQLite the text of the column definition
    /// (`NVARCHAR(200)`, `INTEGER`, empty when none was declared); PostgreSQL
    /// `format_type(atttypid, atttypmod)` (`character varying(200)`, `numeric(10,2)`, `bigint[]`).
    std::string type;
    bool nullable = true;       ///< false for NOT NULL (and for a PostgreSQL key column, a SQLite rowid alias)
    /// The default expression as the database stores its text (`0`, ``'draft'``, `now()`,
    /// ``nextval('post_id_seq'::%regclass)``), or nullopt when the column has none.
    std::optional<std::string> default_value;
    /// Position in the primary key, from 1; 0 when the column is not part of it.
    std::size_t primary_key_position = 0;
    /// The database fills the column itself: a PostgreSQL identity (`GENERATED ... AS
    /// IDENTITY`) or serial column (default `nextval(...)`), a generated column (`GENERATED
    /// ALWAYS AS (...)`, both engines), or a SQLite rowid alias (`INTEGER PRIMARY KEY`).
    bool generated = false;

    /// Member-wise equality: every field compared, in declaration order.
    friend bool operator==(const column_info&, const column_info&) = default;
};

/// A UNIQUE constraint of a live table (SQLite: an automatic index of origin `u`;
/// PostgreSQL: a `pg_constraint` row of type `u`).
struct unique_constraint_info {
    std::string name;                  ///< the constraint name (SQLite: `sqlite_autoindex_<table>_<n>`)
    std::vector<std::string> columns;  ///< the columns, in constraint order

    /// Member-wise equality: every field compared, in declaration order.
    friend bool operator==(const unique_constraint_info&, const unique_constraint_info&) = default;
};

/// An index of a live table made by CREATE INDEX (not the index behind a primary key or UNIQUE
/// constraint, which appear as `primary_key` and `unique_constraints`).
struct index_info {
    std::string name;                  ///< the index name
    /// The key columns in index order; an expression (`lower(email)`) is an empty string.
    std::vector<std::string> columns;
    bool unique = false;               ///< CREATE UNIQUE INDEX
    /// The predicate of a partial index (`CREATE INDEX ... WHERE deleted_at IS NULL`), as the
    /// database gives it (PostgreSQL `pg_get_expr(indpred, indrelid)`, SQLite the text after
    /// WHERE in the CREATE INDEX statement), or nullopt.
    std::optional<std::string> predicate;

    /// Member-wise equality: every field compared, in declaration order.
    friend bool operator==(const index_info&, const index_info&) = default;
};

/// A foreign key of a live table.
struct foreign_key_info {
    /// The constraint name (PostgreSQL); empty on SQLite, which keeps no foreign key names.
    std::string name;
    std::vector<std::string> columns;             ///< the referencing columns, in key order
    std::string referenced_table;                 ///< the referenced table (its name only, without a schema)
    std::vector<std::string> referenced_columns;  ///< the referenced columns, pairwise with `columns`
    /// `NO ACTION` (the default), `RESTRICT`, `CASCADE`, `SET NULL` or `SET DEFAULT`.
    std::string on_delete = "NO ACTION";
    std::string on_update = "NO ACTION";          ///< as `on_delete`

    /// Member-wise equality: every field compared, in declaration order.
    friend bool operator==(const foreign_key_info&, const foreign_key_info&) = default;
};

/// One live table.
struct table_info {
    std::string name;                                     ///< the table name
    std::vector<column_info> columns;                     ///< by position
    std::vector<std::string> primary_key;                 ///< key columns in key order; empty: no key
    std::vector<unique_constraint_info> unique_constraints;  ///< by name
    std::vector<index_info> indexes;                      ///< by name
    std::vector<foreign_key_info> foreign_keys;           ///< PostgreSQL by name, SQLite by declaration

    /// The column named `column`, or nullptr. SQLite compares names ignoring ASCII case, as
    /// SQLite does; PostgreSQL exactly (relata quotes every name).
    [[nodiscard]] const column_info* find_column(std::string_view column) const noexcept {
        for (const column_info& c : columns)
            if (same_name(c.name, column)) return &c;
        return nullptr;
    }
    /// The index named `index`, or nullptr.
    [[nodiscard]] const index_info* find_index(std::string_view index) const noexcept {
        for (const index_info& i : indexes)
            if (same_name(i.name, index)) return &i;
        return nullptr;
    }

    /// True when names compare ignoring ASCII case (SQLite's rule for identifiers).
    bool case_insensitive_names = false;

    /// Member-wise equality: every field compared, in declaration order.
    friend bool operator==(const table_info&, const table_info&) = default;

    /// `a` and `b` name the same object under this table's engine's rules.
    [[nodiscard]] bool same_name(std::string_view a, std::string_view b) const noexcept {
        if (!case_insensitive_names) return a == b;
        if (a.size() != b.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i) {
            const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
            if (lower(a[i]) != lower(b[i])) return false;
        }
        return true;
    }
};

/// The tables of a live database (SQLite: the `main` schema; PostgreSQL: the connection's
/// `current_schema()`), by name. Internal tables are left out (SQLite `sqlite_%`).
struct schema {
    std::vector<table_info> tables;  ///< by name

    /// The table named `table`, or nullptr (SQLite ignores ASCII case, PostgreSQL does not).
    [[nodiscard]] const table_info* find_table(std::string_view table) const noexcept {
        for (const table_info& t : tables)
            if (t.same_name(t.name, table)) return &t;
        return nullptr;
    }

    /// Member-wise equality: every field compared, in declaration order.
    friend bool operator==(const schema&, const schema&) = default;
};

}  // namespace relata
