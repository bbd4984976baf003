#pragma once
/// @file
/// The untyped state of every statement (`relata::detail`): what a typed query value holds and
/// what the renderer (<relata/sql/render.hpp>) reads. One renderer serves every query type and
/// the Session's own writes.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "relata/query/node.hpp"
#include "relata/types.hpp"

namespace relata::detail {

/// One item of a select list. `label` renders `AS "label"` (empty: none).
struct projection_item {
    node_ptr expression;
    std::string_view label;
};

/// JOIN flavours. RIGHT and FULL: PostgreSQL, and SQLite since 3.39.
enum class join_kind : std::uint8_t { inner, left, right, full };

struct join_item {
    join_kind kind = join_kind::inner;
    const source_info* source = nullptr;
    node_ptr on;
};

/// Set operators between SELECTs.
enum class set_operator : std::uint8_t { union_distinct, union_all, intersect, except };

struct select_data;

/// One common table expression: `"name" ("c1", "c2") AS (query)`; the name and columns are
/// those of `source`'s model.
struct cte_item {
    const source_info* source = nullptr;
    std::shared_ptr<const select_data> query;
};

/// One operand of a compound SELECT (`operator` is ignored for the first one).
struct compound_item {
    set_operator op = set_operator::union_all;
    std::shared_ptr<const select_data> query;
};

/// A SELECT, or a compound of SELECTs (when `operands` is not empty, the core fields are
/// unused and ORDER BY / LIMIT / OFFSET apply to the whole compound).
struct select_data {
    std::vector<cte_item> ctes;
    bool recursive = false;
    std::vector<projection_item> projection;
    bool distinct = false;
    const source_info* from = nullptr;  // null: no FROM clause
    std::vector<join_item> joins;
    node_ptr where;                     // null: no WHERE
    std::vector<node_ptr> group_by;
    node_ptr having;
    std::vector<ordering_item> order;
    std::optional<std::int64_t> limit;
    std::optional<std::int64_t> offset;
    std::vector<compound_item> operands;
    bool count_rows = false;            // SELECT COUNT(*) over this query's rows
};

/// ON CONFLICT (columns) DO NOTHING / DO UPDATE SET ...
struct conflict_clause {
    std::vector<std::size_t> columns;  // conflict target (field indexes); empty: any conflict (DO NOTHING only)
    bool do_update = false;
    std::vector<std::pair<std::size_t, node_ptr>> assignments;
    node_ptr where;                    // DO UPDATE ... WHERE
};

/// INSERT INTO target (columns) VALUES (row), (row), ... [ON CONFLICT ...] [RETURNING ...].
struct insert_data {
    const source_info* target = nullptr;
    std::vector<std::size_t> columns;            // field indexes; empty: DEFAULT VALUES
    std::vector<std::vector<value>> rows;
    std::optional<conflict_clause> conflict;
    std::vector<projection_item> returning;
};

/// UPDATE target SET column = expression, ... [WHERE ...] [RETURNING ...].
struct update_data {
    const source_info* target = nullptr;
    std::vector<std::pair<std::size_t, node_ptr>> assignments;
    node_ptr where;
    std::vector<projection_item> returning;
};

/// DELETE FROM target [WHERE ...] [RETURNING ...].
struct delete_data {
    const source_info* target = nullptr;
    node_ptr where;
    std::vector<projection_item> returning;
};

}  // namespace relata::detail
