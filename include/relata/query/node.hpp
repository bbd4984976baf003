#pragma once
/// @file
/// The untyped, immutable expression tree behind every typed query value (`relata::detail`).
/// Typed wrappers (`relata::expression`, `relata::column`, the query classes) only add compile-time
/// checks; rendering walks these nodes, so it is compiled once, not once per model or query.
///
/// Two properties keep very large conditions safe: `a && b && c ...` built in a loop is one n-ary
/// node whose children share an append-only block list (each `&&` costs O(1), not a copy), and
/// destroying a tree never recurses per node (a worklist instead), so a 1,000,000-term filter
/// neither overflows the stack when it is destroyed nor takes quadratic time to build.

#include <array>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "relata/mapping.hpp"
#include "relata/types.hpp"

namespace relata::detail {

struct node;
/// A shared, immutable node.
using node_ptr = std::shared_ptr<const node>;

/// What the runtime needs to know about a model, independent of its C++ type: one constant
/// object per model (see `model_info_of`).
struct model_info {
    std::string_view type_name;                                   ///< e.g. "Post"
    std::string_view (*table_name)(naming);                       ///< under a naming convention
    std::string_view (*column_name)(naming, std::size_t);         ///< of field i
    std::string_view (*quoted_columns)(naming);                   ///< `"id", "title", ...`: every column
    std::string_view (*member_name)(std::size_t);                 ///< C++ name of field i
    std::size_t field_count;                                      ///< mapped members
    std::size_t primary_key;                                      ///< field index, or npos
};

/// One source in a FROM list: a model, optionally under an alias (`relata::alias`). Constant,
/// one object per source type; compared by address.
struct source_info {
    const model_info* model;
    std::string_view alias;  ///< empty: the table name itself
};

inline bool has_children(const node& n) noexcept;

/// The children of a node. Up to three live inline (most nodes: a comparison, a function
/// call); longer lists are the first `size()` entries of a block list shared between nodes.
/// Appending (`appended`) claims the next slot of that list when nobody else has, so a chain of
/// `&&` built in a loop shares one list; otherwise it copies. Blocks never move (block k holds
/// 16 * 2^k slots), so readers of a prefix never race with an appender.
class node_list {
public:
    node_list() = default;
    node_list(std::initializer_list<node_ptr> items) {
        if (items.size() <= inline_capacity) {  // a comparison, a function call: straight into place
            for (const node_ptr& item : items) inline_[size_++] = item;
            return;
        }
        for (const node_ptr& item : items) *this = appended(item);
    }

    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
    [[nodiscard]] const node_ptr& operator[](std::size_t i) const noexcept {
        if (!storage_) return inline_[i];
        const auto [block, offset] = locate(i);
        return storage_->blocks[block][offset];
    }
    [[nodiscard]] const node_ptr& back() const noexcept { return (*this)[size_ - 1]; }

    /// This list with `item` after its last element. O(1) when this view is the longest one of
    /// its storage (the common `x = x && y` loop), a copy otherwise.
    [[nodiscard]] node_list appended(node_ptr item) const {
        if (!storage_ && size_ < inline_capacity) {
            node_list copy = *this;
            copy.inline_[size_] = std::move(item);
            ++copy.size_;
            return copy;
        }
        if (storage_) {
            std::size_t expected = size_;
            if (storage_->claimed.compare_exchange_strong(expected, size_ + 1, std::memory_order_acq_rel)) {
                place(*storage_, size_, std::move(item));
                return node_list(storage_, size_ + 1);
            }
        }
        node_list copy(std::make_shared<storage>(), size_ + 1);
        copy.storage_->claimed.store(size_ + 1, std::memory_order_relaxed);
        for (std::size_t i = 0; i < size_; ++i) place(*copy.storage_, i, (*this)[i]);
        place(*copy.storage_, size_, std::move(item));
        return copy;
    }

    /// Releases the entries this list owns alone (the inline ones, or all of the block list
    /// when no other list shares it): leaves are dropped at once, nodes with children of their
    /// own are moved to `out`, so trees are torn down without recursion.
    void release_into(std::vector<node_ptr>& out) {
        const auto release = [&](node_ptr& child) {
            if (child && child.use_count() == 1 && has_children(*child)) out.push_back(std::move(child));
            else child.reset();
        };
        if (!storage_) {
            for (std::size_t i = 0; i < size_; ++i) release(inline_[i]);
            return;
        }
        if (storage_.use_count() != 1) return;
        const std::size_t claimed = storage_->claimed.load(std::memory_order_acquire);
        for (std::size_t i = 0; i < claimed; ++i) {
            const auto [block, offset] = locate(i);
            release(storage_->blocks[block][offset]);
        }
    }

private:
    static constexpr std::size_t inline_capacity = 3;
    static constexpr std::size_t first_block = 16;

    struct storage {
        std::atomic<std::size_t> claimed{0};
        std::array<std::unique_ptr<node_ptr[]>, 40> blocks;
    };

    node_list(std::shared_ptr<storage> s, std::size_t size) : storage_(std::move(s)), size_(size) {}

    static std::pair<std::size_t, std::size_t> locate(std::size_t i) noexcept {
        const std::size_t block = static_cast<std::size_t>(std::bit_width(i / first_block + 1)) - 1;
        return {block, i - first_block * ((std::size_t{1} << block) - 1)};
    }
    static void place(storage& s, std::size_t i, node_ptr item) {
        const auto [block, offset] = locate(i);
        if (!s.blocks[block]) s.blocks[block] = std::make_unique<node_ptr[]>(first_block << block);
        s.blocks[block][offset] = std::move(item);
    }

    std::array<node_ptr, inline_capacity> inline_{};
    std::shared_ptr<storage> storage_;
    std::size_t size_ = 0;
};

/// What a node is. Children are listed per kind.
enum class node_kind : std::uint8_t {
    column,           ///< a source's column: `source`, `index`
    all_columns,      ///< every column of `source`, in field order (select lists only)
    parameter,        ///< a bound value: `parameter`; `type` set: cast on PostgreSQL
    keyword,          ///< SQL text from relata itself (never user input): `text`
    binary,           ///< children[0] `text` children[1] (comparison, arithmetic, `||`)
    logical_and,      ///< children joined with AND (n-ary)
    logical_or,       ///< children joined with OR (n-ary)
    logical_not,      ///< NOT children[0]
    negate,           ///< -children[0]
    in_list,          ///< children[0] IN (children[1..])
    not_in_list,      ///< children[0] NOT IN (children[1..])
    in_subquery,      ///< children[0] IN (subquery)
    not_in_subquery,  ///< children[0] NOT IN (subquery)
    exists,           ///< EXISTS (subquery)
    not_exists,       ///< NOT EXISTS (subquery)
    scalar_subquery,  ///< (subquery)
    is_null,          ///< children[0] IS NULL
    is_not_null,      ///< children[0] IS NOT NULL
    between,          ///< children[0] BETWEEN children[1] AND children[2]
    like,             ///< children[0] LIKE children[1], no escape character (PostgreSQL: ESCAPE '')
    like_escape,      ///< children[0] LIKE children[1] ESCAPE children[2]
    always_false,     ///< 1 = 0
    always_true,      ///< 1 = 1
    function,         ///< `text`(children...) — lower, upper, length, coalesce, nullif, sum, ...
    function_distinct,///< `text`(DISTINCT children[0]) — COUNT(DISTINCT x)
    count_all,        ///< COUNT(*)
    case_when,        ///< CASE WHEN c0 THEN c1 [WHEN c2 THEN c3 ...] [ELSE last] END; `flags` 1: has ELSE
    cast,             ///< CAST(children[0] AS <type>) with the dialect's name for `type`
    date_part,        ///< extract a part of a date/time: `date_unit` of children[0]
    date_truncate,    ///< truncate children[0] to `date_unit`
    date_format,      ///< children[0] formatted with `text` (strftime pattern, translated for PostgreSQL)
    window,           ///< children[0] OVER (PARTITION BY ... ORDER BY ...): `window`
    excluded,         ///< the row proposed for insertion in ON CONFLICT DO UPDATE: `source`, `index`
};

/// Units of the date/time functions (`relata::extract`, `relata::truncate`).
enum class date_unit : std::uint8_t {
    year,         ///< the calendar year (extract), or January 1st (truncate)
    month,        ///< 1-12 (extract), or the first of the month (truncate)
    day,          ///< day of the month 1-31 (extract), or midnight (truncate)
    hour,         ///< 0-23 (extract), or the start of the hour (truncate)
    minute,       ///< 0-59 (extract), or the start of the minute (truncate)
    second,       ///< 0-59, whole seconds (extract), or the start of the second (truncate)
    day_of_week,  ///< extract only: 0 = Sunday ... 6 = Saturday (SQLite `%%w`, PostgreSQL DOW)
    day_of_year,  ///< extract only: 1-366 (SQLite `%%j`, PostgreSQL DOY)
    quarter,      ///< 1-4 (extract), or the first day of the quarter (truncate)
};

/// NULL placement of an ORDER BY item. Engines differ by default: SQLite sorts NULLs first in
/// ascending order, PostgreSQL last.
enum class nulls_order : std::uint8_t { engine_default, first, last };

/// One ORDER BY item, untyped.
struct ordering_item {
    node_ptr expression;
    bool descending = false;
    nulls_order nulls = nulls_order::engine_default;
};

struct select_data;
struct window_data {
    std::vector<node_ptr> partition;
    std::vector<ordering_item> order;
};

/// One node of an immutable expression tree; shared between query values.
struct node {
    node_kind kind{};
    std::uint8_t flags = 0;
    date_unit unit = date_unit::year;
    sql_type type = sql_type::text;      ///< cast target; parameter cast when has_type
    bool has_type = false;
    bool has_subquery = false;           ///< this node or a descendant holds a subquery
    std::uint32_t depth = 1;             ///< 1 + the deepest child (rendering checks it)
    std::string_view text;               ///< operator, function name, keyword or date format
    const source_info* source = nullptr; ///< column, all_columns, excluded
    std::size_t index = 0;               ///< column, excluded: field index
    value parameter;                     ///< parameter
    node_list children;
    std::shared_ptr<const select_data> subquery;  ///< in_subquery, exists, scalar_subquery
    std::shared_ptr<const window_data> window;    ///< window

    node() = default;
    node(const node&) = delete;
    node& operator=(const node&) = delete;
    ~node();
};

/// Destroys nodes without recursing once per level: children of nodes that are about to die
/// are moved onto a worklist first.
inline void release_iteratively(std::vector<node_ptr>& worklist) {
    while (!worklist.empty()) {
        node_ptr item = std::move(worklist.back());
        worklist.pop_back();
        // Sole owner: the node dies below, so its children can be taken (it was created
        // non-const by make_node, and nobody else can observe it any more).
        if (item.use_count() == 1) const_cast<node&>(*item).children.release_into(worklist);
    }
}

inline bool has_children(const node& n) noexcept { return !n.children.empty(); }

inline node::~node() {
    if (children.empty()) return;
    std::vector<node_ptr> worklist;
    children.release_into(worklist);
    release_iteratively(worklist);
}

inline std::uint32_t depth_of(const node_list& children) {
    std::uint32_t deepest = 0;
    for (std::size_t i = 0; i < children.size(); ++i)
        if (children[i] && children[i]->depth > deepest) deepest = children[i]->depth;
    return deepest + 1;
}

inline bool any_subquery(const node_list& children) {
    for (std::size_t i = 0; i < children.size(); ++i)
        if (children[i] && children[i]->has_subquery) return true;
    return false;
}

/// A new node of `kind` over `children`; depth and the subquery flag are derived.
inline std::shared_ptr<node> make_node(node_kind kind, node_list children = {}, std::string_view text = {}) {
    auto n = std::make_shared<node>();
    n->kind = kind;
    n->text = text;
    n->depth = depth_of(children);
    n->has_subquery = any_subquery(children);
    n->children = std::move(children);
    return n;
}

/// A bound parameter. With `type`, PostgreSQL renders `CAST($n AS <type>)` where the server
/// could not infer the type (a value alone in a select list or beside another parameter).
inline node_ptr make_parameter(value v) {
    auto n = std::make_shared<node>();
    n->kind = node_kind::parameter;
    n->parameter = std::move(v);
    return n;
}

inline node_ptr make_typed_parameter(value v, sql_type type) {
    auto n = std::make_shared<node>();
    n->kind = node_kind::parameter;
    n->parameter = std::move(v);
    n->type = type;
    n->has_type = true;
    return n;
}

/// A small integer written into the SQL text (never a user's value: ROUND's digits and the
/// like, which must be the same text wherever the expression appears).
inline node_ptr make_integer_literal(int number) {
    auto n = std::make_shared<node>();
    n->kind = node_kind::keyword;
    n->parameter = std::int64_t{number};
    n->flags = 1;  // the keyword is the integer in `parameter`
    return n;
}

inline node_ptr make_column(const source_info* source, std::size_t index) {
    auto n = std::make_shared<node>();
    n->kind = node_kind::column;
    n->source = source;
    n->index = index;
    return n;
}

/// `a AND b` / `a OR b` as one n-ary node: an operand of the same kind contributes its
/// children, so chains built in a loop stay flat.
inline node_ptr make_logical(node_kind kind, const node_ptr& a, const node_ptr& b) {
    node_list children;
    std::uint32_t depth = 1;
    bool subquery = false;
    if (a->kind == kind) {
        children = a->children;
        depth = a->depth;
        subquery = a->has_subquery;
    } else {
        children = children.appended(a);
        depth = a->depth + 1;
        subquery = a->has_subquery;
    }
    if (b->kind == kind) {
        for (std::size_t i = 0; i < b->children.size(); ++i) children = children.appended(b->children[i]);
        depth = std::max(depth, b->depth);
    } else {
        children = children.appended(b);
        depth = std::max(depth, b->depth + 1);
    }
    auto n = std::make_shared<node>();
    n->kind = kind;
    n->depth = depth;
    n->has_subquery = subquery || b->has_subquery;
    n->children = std::move(children);
    return n;
}

}  // namespace relata::detail
