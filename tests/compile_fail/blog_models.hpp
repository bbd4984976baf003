#pragma once
// The two small models most compile-fail cases misuse.
#include <cstdint>
#include <string>

#include <relata/relata.hpp>

namespace blog {
struct Author {
    std::int64_t id = 0;
    std::string name;
};
struct Post {
    std::int64_t id = 0;
    std::int64_t author_id = 0;
    std::string title;
    int votes = 0;
};
RELATA_MODEL(Author, id, name)
RELATA_MODEL(Post, id, author_id, title, votes)
}  // namespace blog

namespace blog {
/// A report row (not a table): an author's name and the sum of their posts' votes.
struct AuthorVotes {
    std::string name;
    std::int64_t votes = 0;
};
RELATA_MODEL(AuthorVotes, name, votes)
}  // namespace blog
