// expect: relata: the value's type cannot be compared with the column's type
// An integer column compared with a floating-point value does not compile: PostgreSQL infers an
// integer parameter from the column and would reject 10.5 at run time (SQLite would accept it).
#include <string>

#include <relata/relata.hpp>

namespace blog {
struct Post {
    long id = 0;
    std::string title;
    int votes = 0;
    double score = 0;
};
RELATA_MODEL(Post, id, title, votes, score)
}  // namespace blog

int main() {
    constexpr auto p = relata::columns<blog::Post>;
#ifndef RELATA_COMPILE_FAIL_CONTROL
    (void)(p.votes > 10.5);
#else
    (void)(p.votes > 10);
    (void)(p.votes > 10L);
    (void)(p.score > 10);      // a floating column takes any arithmetic value
    (void)(p.score > 10.5f);
    (void)(p.votes < p.score);  // two columns: the server compares them itself
#endif
    return 0;
}
