#pragma once
// The benchmark's schema: person(id, name, email NULL, age, score) and purchase(id,
// person_id, amount) for the join + GROUP BY report, and the rows it generates.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include <relata/relata.hpp>

namespace relata_bench {

struct person {
    std::int64_t id = 0;
    std::string name;
    std::optional<std::string> email;
    int age = 0;
    double score = 0;
};
RELATA_MODEL(person, id, name, email, age, score)

struct purchase {
    std::int64_t id = 0;
    std::int64_t person_id = 0;
    double amount = 0;
};
RELATA_MODEL(purchase, id, person_id, amount)

/// Row i (1-based) of the generated data; `with_key` keeps id = i, else 0 (generated).
inline person make_person(std::size_t i, bool with_key) {
    person p;
    p.id = with_key ? static_cast<std::int64_t>(i) : 0;
    p.name = fmt::format("person {}", i);
    if (i % 3 != 0) p.email = fmt::format("person{}@example.com", i);
    p.age = 18 + static_cast<int>(i % 60);
    p.score = static_cast<double>(i * 7919 % 10'000) / 100.0;
    return p;
}

inline std::vector<person> make_people(std::size_t count, bool with_key) {
    std::vector<person> people;
    people.reserve(count);
    for (std::size_t i = 1; i <= count; ++i) people.push_back(make_person(i, with_key));
    return people;
}

/// One row of the report: purchases and their total per age.
struct age_total {
    std::int64_t age = 0;
    std::int64_t purchases = 0;
    double total = 0;
};

}  // namespace relata_bench

// age + score: the filtered query (`age = ? ... ORDER BY score DESC LIMIT 10`) reads its rows
// from the index in order; purchase.person_id: the report's join.
template <>
struct relata::mapping<relata_bench::person> {
    static constexpr auto indexes = std::tuple{relata::index(&relata_bench::person::age, &relata_bench::person::score)};
};
template <>
struct relata::mapping<relata_bench::purchase> {
    static constexpr auto indexes = std::tuple{relata::index(&relata_bench::purchase::person_id)};
};
