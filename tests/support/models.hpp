#pragma once
// Models shared by the behaviour tests.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>

#include <relata/relata.hpp>

namespace test_models {

struct Author {
    std::int64_t id = 0;
    std::string name;
    std::optional<std::string> email;
};
RELATA_MODEL(Author, id, name, email)

struct Post {
    std::int64_t id = 0;
    std::int64_t author_id = 0;
    std::string title;
    int votes = 0;
    std::chrono::sys_seconds published_at{};
};
RELATA_MODEL(Post, id, author_id, title, votes, published_at)

/// A table whose name and columns are SQL keywords.
struct Keyword {
    std::int64_t id = 0;
    std::string order;
    std::optional<std::int64_t> group;
};
RELATA_MODEL(Keyword, id, order, group)

/// A natural (non-generated) text key.
struct Country {
    std::string code;
    std::string name;
};
RELATA_MODEL(Country, code, name)

/// A result row of a hand-written aggregate query (not a table).
struct NameTotal {
    std::string name;
    std::int64_t total = 0;
};
RELATA_MODEL(NameTotal, name, total)

/// A number with a label, for reading numeric expressions.
struct Measure {
    double value = 0;
    std::string label;
};
RELATA_MODEL(Measure, value, label)

}  // namespace test_models

template <>
struct relata::mapping<test_models::Author> {
    static constexpr auto unique = std::tuple{relata::unique(&test_models::Author::name)};
};

template <>
struct relata::mapping<test_models::Post> {
    static constexpr auto table = "posts";
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&test_models::Post::author_id, &test_models::Author::id)};
    static constexpr auto indexes = std::tuple{relata::index(&test_models::Post::published_at)};
};

template <>
struct relata::mapping<test_models::Keyword> {
    static constexpr auto table = "select";
};

template <>
struct relata::mapping<test_models::Country> {
    static constexpr auto primary_key = &test_models::Country::code;
};
