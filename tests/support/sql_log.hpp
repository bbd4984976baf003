#pragma once
// Records the SQL text of the statements a connection runs, for tests that check what was sent.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace relata_test {

/// The SQL of every statement a connection ran since `attach` (through its `on_sql` logger).
struct sql_log {
    std::vector<std::string> statements;

    /// Starts recording `db`'s statements (forgetting earlier ones).
    template <class Connection>
    void attach(Connection& db) {
        statements.clear();
        db.on_sql([this](std::string_view sql) { statements.emplace_back(sql); });
    }

    /// The first recorded statement that starts with `prefix`, or "" when there is none.
    [[nodiscard]] std::string first_starting_with(std::string_view prefix) const {
        for (const auto& sql : statements)
            if (sql.starts_with(prefix)) return sql;
        return "";
    }

    /// How many recorded statements start with `prefix`.
    [[nodiscard]] std::size_t count_starting_with(std::string_view prefix) const {
        std::size_t count = 0;
        for (const auto& sql : statements)
            if (sql.starts_with(prefix)) ++count;
        return count;
    }
};

}  // namespace relata_test
