#pragma once
/// @file
/// `relata::dialect`: how one database engine spells SQL — placeholders, identifier quoting,
/// type names, generated keys — and which naming convention maps C++ names to table and
/// column names. Rendering (<relata/sql/render.hpp>) asks the dialect for every such choice.

#include <cstddef>
#include <string>
#include <string_view>

#include "relata/detail/format.hpp"
#include "relata/detail/reflection.hpp"
#include "relata/types.hpp"

namespace relata {

/// The database engines relata renders SQL for.
enum class engine {
    sqlite,     ///< SQLite 3.35 or newer (RETURNING)
    postgresql  ///< PostgreSQL 10 or newer (identity columns)
};

/// How one engine spells SQL. A literal type: the predefined `relata::sqlite_dialect` and
/// `relata::postgres_dialect` are constexpr, and `with_naming` gives a copy with another
/// naming convention.
struct dialect {
    /// Which engine this dialect targets.
    relata::engine engine = relata::engine::sqlite;
    /// How default table and column names are derived from C++ names.
    relata::naming naming = relata::naming::standard;

    /// A copy of this dialect that derives names with `convention`.
    [[nodiscard]] constexpr dialect with_naming(relata::naming convention) const noexcept {
        dialect copy = *this;
        copy.naming = convention;
        return copy;
    }

    /// Appends the placeholder of the `number`-th parameter (1-based):
    /// SQLite `?`, PostgreSQL `$1`, `$2`, ...
    void append_placeholder(std::string& out, std::size_t number) const {
        if (engine == relata::engine::postgresql) {
            // Not fmt::format_to: that would instantiate fmt's whole formatting engine in every
            // translation unit (about 1 s at -O2).
            out.push_back('$');
            detail::append_integer(out, number);
        } else {
            out.push_back('?');
        }
    }

    /// Appends `name` as a quoted identifier (`"order"`); an embedded `"` is doubled, as both
    /// engines require (SQL standard delimited identifiers).
    void append_identifier(std::string& out, std::string_view name) const {
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

    /// The column type name for `type`. SQLite uses its storage classes (INTEGER, REAL, TEXT,
    /// BLOB; timestamps and dates are ISO-8601 TEXT, uuid a 16-byte BLOB, json, numeric and
    /// arrays TEXT); PostgreSQL its native types (UUID, JSONB, NUMERIC, INTEGER[] ...).
    [[nodiscard]] constexpr std::string_view type_name(sql_type type) const noexcept {
        if (engine == relata::engine::sqlite) {
            switch (type) {
                case sql_type::smallint:
                case sql_type::integer:
                case sql_type::bigint:
                case sql_type::boolean: return "INTEGER";
                case sql_type::real:
                case sql_type::double_precision: return "REAL";
                case sql_type::text:
                case sql_type::timestamp:
                case sql_type::date:
                case sql_type::json:
                case sql_type::numeric:  // NUMERIC affinity would turn 0.10 into the REAL 0.1
                case sql_type::integer_array:
                case sql_type::bigint_array:
                case sql_type::double_array:
                case sql_type::text_array: return "TEXT";  // arrays as JSON text
                case sql_type::blob:
                case sql_type::uuid: return "BLOB";
            }
        }
        switch (type) {
            case sql_type::smallint: return "SMALLINT";
            case sql_type::integer: return "INTEGER";
            case sql_type::bigint: return "BIGINT";
            case sql_type::boolean: return "BOOLEAN";
            case sql_type::real: return "REAL";
            case sql_type::double_precision: return "DOUBLE PRECISION";
            case sql_type::text: return "TEXT";
            case sql_type::blob: return "BYTEA";
            case sql_type::timestamp: return "TIMESTAMPTZ";
            case sql_type::date: return "DATE";
            case sql_type::uuid: return "UUID";
            case sql_type::json: return "JSONB";
            case sql_type::numeric: return "NUMERIC";
            case sql_type::integer_array: return "INTEGER[]";
            case sql_type::bigint_array: return "BIGINT[]";
            case sql_type::double_array: return "DOUBLE PRECISION[]";
            case sql_type::text_array: return "TEXT[]";
        }
        return "TEXT";
    }

    /// The column definition of a database-generated integer primary key of `type`, after the
    /// name. SQLite: `INTEGER PRIMARY KEY` (an alias of the rowid, so it is generated);
    /// PostgreSQL: `BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY` (INTEGER or SMALLINT
    /// for narrower members; identity columns since PostgreSQL 10).
    [[nodiscard]] constexpr std::string_view generated_key_definition(sql_type type) const noexcept {
        if (engine == relata::engine::sqlite) return "INTEGER PRIMARY KEY";
        switch (type) {
            case sql_type::smallint: return "SMALLINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
            case sql_type::integer: return "INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
            default: return "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
        }
    }
};

/// SQLite: `?` placeholders, double-quoted identifiers, RETURNING (SQLite 3.35+).
inline constexpr dialect sqlite_dialect{relata::engine::sqlite, relata::naming::standard};

/// PostgreSQL: `$n` placeholders, double-quoted identifiers, identity columns, RETURNING.
inline constexpr dialect postgres_dialect{relata::engine::postgresql, relata::naming::standard};

}  // namespace relata
