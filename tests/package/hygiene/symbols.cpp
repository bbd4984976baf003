// package.hygiene_symbols: every relata header (generated all_headers.hpp) and code that
// instantiates the everyday paths on both engines, compiled with -fkeep-inline-functions so
// that also the unused non-template inline functions are emitted. cmake/hygiene_check.cmake
// then requires every symbol the object defines to be in namespace relata (or std/fmt
// specializations for relata's types, or this file's own namespace relata_hygiene_test).
// Never linked or run.
#include "all_headers.hpp"

#include <cstdint>
#include <string>

namespace relata_hygiene_test {
struct Author {
    std::int64_t id = 0;
    std::string name;
};
struct Book {
    std::int64_t id = 0;
    std::int64_t author_id = 0;
    std::string title;
};
RELATA_MODEL(Author, id, name)
RELATA_MODEL(Book, id, author_id, title)
}  // namespace relata_hygiene_test

template <>
struct relata::mapping<relata_hygiene_test::Book> {
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&relata_hygiene_test::Book::author_id, &relata_hygiene_test::Author::id)};
};

namespace relata_hygiene_test {

template <class Connection>
std::size_t everyday(Connection& db) {
    using relata_hygiene_test::Author;
    using relata_hygiene_test::Book;
    relata::create_all<Author, Book>(db);
    relata::session session{db};
    auto& author = session.add(Author{.name = "Ada"});
    session.flush();
    session.add(Book{.author_id = author.id, .title = "Notes"});
    session.commit();
    constexpr auto b = relata::columns<Book>;
    const auto query = relata::select<Book>().where(b.title.like("N%")).order_by(b.id.desc()).limit(5);
    std::size_t count = session.all(query).size();
    count += relata::all(db, query).size();
    relata::execute(db, relata::update<Book>().set(b.title, "x").where(b.id == 1));
    return count + relata::to_sql(query, relata::postgres_dialect).sql.size();
}

#ifdef RELATA_HYGIENE_SQLITE
std::size_t sqlite(const std::string& path) {
    auto db = relata::sqlite::connect(path);
    return everyday(db);
}
#endif

#ifdef RELATA_HYGIENE_POSTGRES
std::size_t postgres(const std::string& conninfo) {
    auto db = relata::postgres::connect(conninfo);
    return everyday(db);
}
#endif

}  // namespace relata_hygiene_test
