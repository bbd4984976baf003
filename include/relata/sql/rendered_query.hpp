#pragma once
/// @file
/// `relata::rendered_query`: SQL text with its bound parameters, what rendering produces and
/// what a connection runs.

#include <ostream>
#include <string>
#include <vector>

#include "relata/types.hpp"

namespace relata {

/// SQL text with its parameters in placeholder order. Printing it prints the SQL text.
struct rendered_query {
    std::string sql;                ///< the statement, placeholders in the dialect's style
    std::vector<value> parameters;  ///< one value per placeholder, in order

    /// Writes the SQL text.
    friend std::ostream& operator<<(std::ostream& out, const rendered_query& query) { return out << query.sql; }
};

}  // namespace relata
