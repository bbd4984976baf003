#pragma once
/// @file
/// How one model's unit of work writes its INSERTs (`registry<Connection, T>::write_inserts`),
/// its DELETE statements (`write_delete_statements`, also run ahead of INSERTs that reuse a
/// deleted key) and, on PostgreSQL, its UPDATEs (`write_updates_pipelined`): one statement per
/// row, or on PostgreSQL consecutive rows of one statement text in one pipeline; generated keys
/// go into the objects as they arrive, and every UPDATE and DELETE must change one row. Member
/// functions of the class in <relata/session/unit_of_work.hpp>, which includes this header.
#include <algorithm>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "relata/detail/format.hpp"
#include "relata/error.hpp"
#include "relata/session/unit_of_work.hpp"
#include "relata/sql/render.hpp"
#include "relata/types.hpp"

namespace relata::detail {

template <class Connection, model T>
void registry<Connection, T>::write_inserts(Connection& db, session_statistics& stats) {
    const dialect& d = db.sql_dialect();
    // A row deleted and a new object inserted with the same key in one flush (a retry after
    // a failed commit, SQLite reusing a rowid): that DELETE must run before the INSERT.
    // The keys the INSERTs give, sorted: one binary search per DELETE, not a scan of every
    // INSERT (100,000 of each took minutes that way).
    std::vector<entry<T>*> early_deletes;
    if (!deletes_.empty() && !inserts_.empty()) {
        std::vector<key_type> inserted_keys;
        inserted_keys.reserve(inserts_.size());
        for (const entry<T>* inserted : inserts_)
            if (!(generated_key<T> && is_default_key(inserted->object))) inserted_keys.push_back(primary_key_of(inserted->object));
        std::sort(inserted_keys.begin(), inserted_keys.end());
        for (std::size_t i = 0; i < deletes_.size(); ++i) {
            if (!std::binary_search(inserted_keys.begin(), inserted_keys.end(), primary_key_of(*deletes_[i]->snapshot))) continue;
            if (deleted_early_.empty()) deleted_early_.assign(deletes_.size(), false);
            deleted_early_[i] = true;
            early_deletes.push_back(deletes_[i]);
        }
    }
    write_delete_statements(db, stats, early_deletes);
    if constexpr (pipelined_connection && !self_referencing<T>) {
        // No row of this model depends on a key generated earlier in this flush (no links,
        // no deferred or nulled members): its INSERTs go in pipelines, one round trip each.
        if (inserts_.size() >= 2 && links_.empty() && deferred_members_.empty() && nulled_.empty()) {
            write_inserts_pipelined(db, stats);
            return;
        }
    }
    for (std::size_t i = 0; i < inserts_.size(); ++i) {
        entry<T>* e = inserts_[i];
        const bool linked = !links_.empty() && links_.contains(e);
        std::optional<T> altered;  // the row written, when it is not the object (NULLs for now)
        if constexpr (has_foreign_keys) {
            altered = prepare_insert_row(*e, i, linked);
        } else if (linked) {
            linked_before_.emplace_back(e, e->object);  // a failed flush puts the object back
            resolve_links(*e, true);
        }
        const bool generate = generated_key<T> && is_default_key(e->object);
        const bool rowid = generate && reads_rowid(db);
        const rendered_query& query = statements_.insert(d, altered ? *altered : e->object, !generate, generate && !rowid);
        ++stats.inserts;
        write_insert(db, *e, query, generate, rowid);
    }
}

template <class Connection, model T>
std::optional<T> registry<Connection, T>::prepare_insert_row(entry<T>& entry_to_insert, std::size_t i, bool linked) {
    entry<T>* e = &entry_to_insert;
    std::vector<std::size_t> deferred = deferred_members_;
    if (!row_deferred_.empty() && row_deferred_[i]) append_nullable_self_references(deferred);
    const auto nulled = nulled_.empty() ? nulled_.end() : nulled_.find(e);  // parent removed: SET NULL
    if (linked) {
        linked_before_.emplace_back(e, e->object);  // a failed flush puts the object back
        std::vector<std::size_t> later = deferred;
        if (nulled != nulled_.end()) later.insert(later.end(), nulled->second.begin(), nulled->second.end());
        resolve_links(*e, true, later);
    }
    std::optional<T> altered;
    if (nulled != nulled_.end()) {
        altered = e->object;
        for (const std::size_t member : nulled->second) clear_member(*altered, member);
        std::erase_if(deferred, [&](std::size_t member) {
            return std::find(nulled->second.begin(), nulled->second.end(), member) != nulled->second.end();
        });
    }
    if (!deferred.empty()) {
        // Written as NULL now, set after the cycle's other INSERTs (rows whose key is set).
        std::erase_if(deferred, [&](std::size_t member) {
            return std::holds_alternative<std::monostate>(field_value(e->object, member)) &&
                   !(linked && has_link(*e, member));
        });
        if (!deferred.empty()) {
            if (!altered) altered = e->object;
            for (const std::size_t member : deferred) clear_member(*altered, member);
            deferred_rows_.push_back({e, std::move(deferred)});
        }
    }
    return altered;
}

template <class Connection, model T>
void registry<Connection, T>::write_insert(Connection& db, entry<T>& e, const rendered_query& query, bool generate,
                                           bool rowid) {
    if (generate) {
        if constexpr (generated_key<T>) {
            std::optional<key_type> key;
            if (rowid) {
                // The key column is the rowid: no RETURNING (on SQLite, RETURNING opens
                // an ephemeral table per statement). A trigger's RAISE(IGNORE) inserts
                // no row and leaves last_insert_rowid() as it was.
                if (db.execute(query) != 1) throw database_error("INSERT inserted no row", query.sql, "", 0);
                key = inserted_rowid(db);
            } else {
                db.for_each_row(query, [&](const auto& row) { key = read_key(row.cell(0)); });
            }
            if (!key) throw database_error("INSERT ... RETURNING returned no row", query.sql, "", 0);
            generated_keys_.push_back(*key);
            // Into the object at once: rows inserted later in this flush copy it (links).
            e.object.*member_pointer<T, primary_key_index<T>> = *key;
            keys_written_.push_back(&e);
        }
    } else {
        db.execute(query);
        generated_keys_.push_back(primary_key_of(e.object));
    }
}

template <class Connection, model T>
void registry<Connection, T>::write_inserts_pipelined(Connection& db, session_statistics& stats) {
    const dialect& d = db.sql_dialect();
    std::vector<std::vector<value>> sets;
    std::size_t start = 0;
    while (start < inserts_.size()) {
        const auto generates = [&](std::size_t i) { return generated_key<T> && is_default_key(inserts_[i]->object); };
        const bool generate = generates(start);
        std::size_t end = start + 1;
        while (end < inserts_.size() && generates(end) == generate) ++end;
        if (end - start == 1) {
            const rendered_query& query = statements_.insert(d, inserts_[start]->object, !generate, generate);
            ++stats.inserts;
            write_insert(db, *inserts_[start], query, generate, false);
            start = end;
            continue;
        }
        sets.clear();
        sets.reserve(end - start);
        std::string sql;
        for (std::size_t i = start; i < end; ++i) {
            const rendered_query& query = statements_.insert(d, inserts_[i]->object, !generate, generate);
            if (i == start) sql = query.sql;
            sets.push_back(query.parameters);
        }
        stats.inserts += end - start;
        // A failure names the row's place among all of this flush's inserts of T, not only
        // within this run (runs split where generated and explicit keys alternate).
        const std::string noun = detail::format("{} insert", type_name<T>);
        const auto results = execute_pipelined(db, sql, std::span<const std::vector<value>>(sets),
                                               {noun, start, inserts_.size(), " in this flush"});  // pipeline_numbering
        for (std::size_t i = start; i < end; ++i) {
            entry<T>* e = inserts_[i];
            if constexpr (generated_key<T>) {
                if (generate) {
                    const value& returned = results[i - start].returned;
                    if (std::holds_alternative<std::monostate>(returned))
                        throw database_error("INSERT ... RETURNING returned no row", sql, "", 0);
                    const key_type key = read_key(std::visit([](const auto& x) -> cell {
                        using X = std::decay_t<decltype(x)>;
                        if constexpr (std::is_same_v<X, std::string>) return std::string_view(x);
                        else if constexpr (std::is_same_v<X, blob>) return std::span<const std::byte>(x);
                        else return x;
                    }, returned));
                    generated_keys_.push_back(key);
                    e->object.*member_pointer<T, primary_key_index<T>> = key;
                    keys_written_.push_back(e);
                    continue;
                }
            }
            generated_keys_.push_back(primary_key_of(e->object));
        }
        start = end;
    }
}

template <class Connection, model T>
void registry<Connection, T>::write_delete_statements(Connection& db, session_statistics& stats,
                                                     const std::vector<entry<T>*>& entries) {
    const dialect& d = db.sql_dialect();
    if constexpr (pipelined_connection) {
        // PostgreSQL: every DELETE of T has the same text (by key, and version), so two or
        // more go in one pipeline, one round trip; each row's count is checked as it would be
        // one at a time, and a failure rolls the flush back as before.
        if (entries.size() >= 2) {
            stats.deletes += entries.size();
            write_checked_pipeline(
                db, "DELETE", "delete", 0, entries.size(), entries.size(),
                [&](std::size_t i) -> const rendered_query& { return statements_.remove(d, *entries[i]->snapshot); },
                [&](std::size_t i) -> const T& { return *entries[i]->snapshot; });
            return;
        }
    }
    for (entry<T>* e : entries) {
        const rendered_query& query = statements_.remove(d, *e->snapshot);
        ++stats.deletes;
        check_one_row(db.execute(query), "DELETE", *e->snapshot, query);
    }
}

template <class Connection, model T>
void registry<Connection, T>::write_updates(Connection& db, session_statistics& stats) {
    if constexpr (pipelined_connection) {
        write_updates_pipelined(db, stats);
    } else {
        const dialect& d = db.sql_dialect();
        for (planned_update& planned : updates_) {
            entry<T>* e = planned.e;
            if (planned.linked) {
                resolve_links(*e, true);
                planned.changed = changed_columns(e->object, *e->snapshot);
                if (planned.changed.empty()) continue;
            }
            // The Session writes the version itself (the snapshot's + 1).
            const rendered_query& query = statements_.update(d, e->object, *e->snapshot, planned.changed);
            ++stats.updates;
            check_one_row(db.execute(query), "UPDATE", *e->snapshot, query);
        }
    }
}

template <class Connection, model T>
void registry<Connection, T>::write_updates_pipelined(Connection& db, session_statistics& stats) {
    const dialect& d = db.sql_dialect();
    std::vector<planned_update*> rows;  // the rows to write, links resolved first
    rows.reserve(updates_.size());
    for (planned_update& planned : updates_) {
        if (planned.linked) {
            resolve_links(*planned.e, true);
            planned.changed = changed_columns(planned.e->object, *planned.e->snapshot);
        }
        if (!planned.changed.empty()) rows.push_back(&planned);
    }
    // The Session writes the version itself (the snapshot's + 1).
    const auto statement = [&](std::size_t i) -> const rendered_query& {
        return statements_.update(d, rows[i]->e->object, *rows[i]->e->snapshot, rows[i]->changed);
    };
    std::size_t start = 0;
    while (start < rows.size()) {
        std::size_t end = start + 1;
        while (end < rows.size() && rows[end]->changed == rows[start]->changed) ++end;
        stats.updates += end - start;
        if (end - start == 1) {
            const rendered_query& query = statement(start);
            check_one_row(db.execute(query), "UPDATE", *rows[start]->e->snapshot, query);
        } else {
            write_checked_pipeline(db, "UPDATE", "update", start, end, rows.size(), statement,
                                   [&](std::size_t i) -> const T& { return *rows[i]->e->snapshot; });
        }
        start = end;
    }
}

template <class Connection, model T>
template <class Statement, class Snapshot>
void registry<Connection, T>::write_checked_pipeline(Connection& db, const char* verb, std::string_view noun,
                                                    std::size_t first, std::size_t end, std::size_t total,
                                                    Statement statement, Snapshot snapshot) {
    std::vector<std::vector<value>> sets;
    sets.reserve(end - first);
    std::string sql;
    for (std::size_t i = first; i < end; ++i) {
        const rendered_query& query = statement(i);
        if (i == first) sql = query.sql;
        sets.push_back(query.parameters);
    }
    const std::string described = detail::format("{} {}", type_name<T>, noun);
    const auto results = execute_pipelined(db, sql, std::span<const std::vector<value>>(sets),
                                           {described, first, total, " in this flush"});  // pipeline_numbering
    for (std::size_t i = first; i < end; ++i)
        if (results[i - first].affected_rows != 1) check_one_row(results[i - first].affected_rows, verb, snapshot(i), statement(i));
}

}  // namespace relata::detail
