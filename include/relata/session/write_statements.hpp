#pragma once
/// @file
/// The statements a Session's flush writes for one model, rendered once per shape: the INSERT
/// (with or without a generated key, with or without `RETURNING` the key), the UPDATE of one
/// set of changed columns, the DELETE by key. Each row then only refills the parameters of the
/// statement of its shape: no query object, no rendering, no new SQL string per row.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "relata/connection.hpp"
#include "relata/detail/format.hpp"
#include "relata/detail/reflection.hpp"
#include "relata/error.hpp"
#include "relata/query/expression.hpp"
#include "relata/query/insert.hpp"
#include "relata/query/remove.hpp"
#include "relata/query/update.hpp"
#include "relata/session/version.hpp"
#include "relata/sql/dialect.hpp"
#include "relata/sql/render.hpp"
#include "relata/sql/rendered_query.hpp"
#include "relata/types.hpp"

namespace relata::detail {

/// The rendered INSERT, UPDATE and DELETE statements of model T for one dialect (a Session's
/// registry holds one: a Session writes through one connection). Each is rendered the first
/// time its shape is written, by the query objects' renderer (`to_sql`), so the SQL is the same
/// text `relata::insert/update/remove` would render; later rows reuse the text and the
/// parameter vector's storage. A returned statement is valid until the next call.
template <model T>
class write_statements {
public:
    /// `INSERT INTO "t" (...) VALUES (...)` of every column of `row`, or of every column but the
    /// key when `with_key` is false (a generated key still 0); `RETURNING "key"` when
    /// `returning`. A version of 0 is written as 1.
    /// @throws relata::mapping_error when a member cannot be written.
    const rendered_query& insert(const dialect& d, const T& row, bool with_key, bool returning) {
        std::optional<rendered_query>& statement = inserts_[with_key ? 1 : 0][returning ? 1 : 0];
        if (!statement) {
            insert_data data = relata::insert(row).data();
            data.columns = insert_columns<T>(with_key);
            data.rows.assign(1, std::vector<value>(data.columns.size()));
            if (returning) data.returning = {{column_node<T, primary_key_index<T>>(), {}}};
            statement = to_sql(insert_query<T>(std::move(data)), d);
        }
        // Refilled in place: a text parameter keeps its buffer from the previous row.
        std::vector<value>& parameters = statement->parameters;
        parameters.resize(field_count<T> - (with_key ? 0 : 1));
        std::size_t position = 0;
        for_each_field<T>([&](auto i) {
            if (!with_key && i.value == primary_key_index<T>) return;
            refill<i.value>(parameters[position++], row);
        });
        if constexpr (has_version<T>) {
            if (version_of(row) == 0) {
                std::size_t position = version_index<T>;
                if (!with_key && primary_key_index<T> < version_index<T>) --position;
                parameters[position] = version_value(1);
            }
        }
        return *statement;
    }

    /// `UPDATE "t" SET "c1" = ?, ... WHERE "key" = ?` writing the members `changed` of `object`
    /// (the version among them is skipped: the Session writes it) and, with a version column, `"version" = snapshot's + 1 ... AND
    /// "version" = snapshot's`; the key from `snapshot`.
    /// @throws relata::mapping_error when a member cannot be written.
    const rendered_query& update(const dialect& d, const T& object, const T& snapshot,
                                 const std::vector<std::size_t>& changed) {
        auto found = updates_.find(changed);
        if (found == updates_.end()) {
            update_data data = relata::update<T>().data();
            for (const std::size_t index : changed)
                if (index != version_index<T>) data.assignments.emplace_back(index, make_parameter(value{}));
            if constexpr (has_version<T>)
                data.assignments.emplace_back(version_index<T>, make_parameter(value{}));
            data.where = key_condition(snapshot);
            found = updates_.emplace(changed, to_sql(update_query<T>(std::move(data)), d)).first;
        }
        // The changed members refilled in place (text keeps its buffer), then version and key.
        std::vector<value>& parameters = found->second.parameters;
        std::size_t assigned = 0;
        for (const std::size_t index : changed) assigned += index != version_index<T> ? 1 : 0;
        parameters.resize(assigned);
        std::size_t position = 0;
        for (const std::size_t index : changed)
            if (index != version_index<T>) refill_at(parameters[position++], object, index);
        if constexpr (has_version<T>) parameters.push_back(version_value(next_version(snapshot)));
        append_key(parameters, snapshot);
        return found->second;
    }

    /// `DELETE FROM "t" WHERE "key" = ?` (`AND "version" = ?`) for the row of `snapshot`.
    /// @throws relata::mapping_error when a key member cannot be written.
    const rendered_query& remove(const dialect& d, const T& snapshot) {
        if (!delete_) {
            delete_data data = relata::remove<T>().data();
            data.where = key_condition(snapshot);
            delete_ = to_sql(delete_query<T>(std::move(data)), d);
        }
        delete_->parameters.clear();
        append_key(delete_->parameters, snapshot);
        return *delete_;
    }

    /// `"id" = ?` for the key of `object`; `"a" = ? AND "b" = ?` for a composite key; with
    /// `AND "version" = ?` for a model with a version column.
    static node_ptr key_condition(const T& object) {
        node_ptr condition = [&]<std::size_t... I>(std::index_sequence<I...>) {
            const node_ptr parts[] = {make_node(
                node_kind::binary,
                {column_node<T, primary_key_indexes<T>[I]>(), make_parameter(value_of(object, primary_key_indexes<T>[I]))},
                "=")...};
            node_ptr all = parts[0];
            for (std::size_t i = 1; i < sizeof...(I); ++i) all = make_logical(node_kind::logical_and, all, parts[i]);
            return all;
        }(std::make_index_sequence<primary_key_size<T>>{});
        if constexpr (has_version<T>) condition = make_logical(node_kind::logical_and, condition, version_equals(object));
        return condition;
    }

    /// The parameter for member `index` of `object`.
    /// @throws relata::mapping_error when the member cannot be written.
    static value value_of(const T& object, std::size_t index) {
        value result;
        refill_at(result, object, index);  // an empty value: member_value's result
        return result;
    }

private:
    // Writes member I of `row` into `target` as member_value would, assigning a std::string
    // member (or an engaged std::optional<std::string>) into the string `target` already holds,
    // which reuses its buffer: refilling one statement row after row then allocates no text.
    // 10,000 session.add of the benchmark's person (two text members), SQLite, callgrind: this
    // function 11.1 -> 6.3 M instructions.
    template <std::size_t I>
    static void refill(value& target, const T& row) {
        using member = field_type<T, I>;
        if constexpr (std::is_same_v<member, std::string> || std::is_same_v<member, std::optional<std::string>>) {
            if (std::string* text = std::get_if<std::string>(&target)) {
                const member& field = row.*member_pointer<T, I>;
                if constexpr (std::is_same_v<member, std::string>) {
                    text->assign(field);
                    return;
                } else if (field) {
                    text->assign(*field);
                    return;
                }
            }
        }
        target = member_value<T, I>(row);
    }

    // refill for the member numbered `index`.
    static void refill_at(value& target, const T& row, std::size_t index) {
        for_each_field<T>([&](auto i) {
            if (i.value == index) refill<i.value>(target, row);
        });
    }

    // The parameters of key_condition(snapshot), in its order.
    static void append_key(std::vector<value>& parameters, const T& snapshot) {
        for (const std::size_t index : primary_key_indexes<T>) parameters.push_back(value_of(snapshot, index));
        if constexpr (has_version<T>)
            parameters.push_back(comparison_value<field_type<T, version_index<T>>>(version_of(snapshot)));
    }

    // A version written to the version column, as member_value would write it.
    template <class Version>
    static value version_value(const Version& version) {
        using member = field_type<T, version_index<T>>;
        try {
            return to_value(static_cast<member>(version));
        } catch (const conversion_error& e) {
            throw mapping_error(detail::format("cannot write {}::{}: {}", type_name<T>,
                                            std::get<version_index<T>>(description<T>.fields).member_name, e.reason()));
        }
    }

    std::optional<rendered_query> inserts_[2][2];                      // [with key][returning]
    std::map<std::vector<std::size_t>, rendered_query> updates_;      // by changed members
    std::optional<rendered_query> delete_;
};

}  // namespace relata::detail
