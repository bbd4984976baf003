// Autoflush follows Hibernate's AUTO rule: a query flushes the Session only when a model whose
// table it names (FROM, JOIN, subquery) has unflushed changes, or a removal is unflushed. Its
// dirty check compares the objects of the named models only, so clean objects of other models
// cost nothing per query.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "backends.hpp"
#include "sql_log.hpp"

namespace autoflush_models {

struct Shelf {
    std::int64_t id = 0;
    std::string name;
};
RELATA_MODEL(Shelf, id, name)

struct Book {  // ON DELETE CASCADE from Shelf
    std::int64_t id = 0;
    std::int64_t shelf_id = 0;
    std::string title;
    std::int64_t pages = 0;
};
RELATA_MODEL(Book, id, shelf_id, title, pages)

inline bool refuse_updates = false;

}  // namespace autoflush_models

using autoflush_models::Book;
using autoflush_models::Shelf;

template <>
struct relata::mapping<Book> {
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&Book::shelf_id, &Shelf::id).on_delete(relata::cascade)};
};

template <>
struct relata::hooks<Shelf> {
    static void before_update(Shelf&) {
        if (autoflush_models::refuse_updates) throw std::runtime_error("before_update refused");
    }
};

namespace {

constexpr auto s = relata::columns<Shelf>;
constexpr auto b = relata::columns<Book>;

// The index of the first recorded statement starting with `prefix` (the count when none does).
std::size_t position_of(const relata_test::sql_log& log, std::string_view prefix) {
    std::size_t i = 0;
    while (i < log.statements.size() && !log.statements[i].starts_with(prefix)) ++i;
    return i;
}

// `shelves` shelves, each with `books_per_shelf` books (ids numbered from 1).
template <class Connection>
void seed_autoflush_scope(Connection& db, std::int64_t shelves, std::int64_t books_per_shelf) {
    relata::create_all<Shelf, Book>(db);
    relata::transaction transaction{db};
    std::vector<Shelf> shelf_rows;
    std::vector<Book> book_rows;
    for (std::int64_t id = 1; id <= shelves; ++id) {
        shelf_rows.push_back(Shelf{id, "shelf " + std::to_string(id)});
        for (std::int64_t n = 0; n < books_per_shelf; ++n) {
            const std::int64_t book = (id - 1) * books_per_shelf + n + 1;
            book_rows.push_back(Book{book, id, "book " + std::to_string(book), 100});
        }
    }
    relata::insert_all(db, shelf_rows);
    if (!book_rows.empty()) relata::insert_all(db, book_rows);
    transaction.commit();
}

}  // namespace

RELATA_BACKEND_TEST("a query flushes only when a model it names has changes", "[session][autoflush]") {
    relata_test::database test;
    auto& db = test.db;
    seed_autoflush_scope(db, 3, 2);
    relata::session session{db};
    Shelf& shelf = session.get<Shelf>(1);
    Book& book = session.get<Book>(1);
    relata_test::sql_log recorded;
    recorded.attach(db);

    // A changed Shelf does not concern a query that reads only books.
    shelf.name = "renamed";
    CHECK(session.count(relata::select<Book>().where(b.pages == 100)) == 6);
    CHECK(recorded.count_starting_with("UPDATE") == 0);
    CHECK(session.statistics().flushes == 0);

    // A changed Book does: the UPDATE runs before the SELECT, which sees it. The whole
    // Session is flushed (the Shelf too), as Hibernate does once a flush is needed.
    book.pages = 250;
    recorded.attach(db);
    const auto long_books = session.all(relata::select<Book>().where(b.pages > 200));
    REQUIRE(long_books.size() == 1);
    CHECK(&long_books[0] == &book);
    CHECK(recorded.count_starting_with("UPDATE") == 2);
    CHECK(position_of(recorded, "UPDATE") < position_of(recorded, "SELECT"));
    CHECK(session.statistics().flushes == 1);

    // Clean again: no flush.
    recorded.attach(db);
    CHECK(session.all(relata::select<Book>()).size() == 6);
    CHECK(recorded.count_starting_with("UPDATE") == 0);
    CHECK(session.statistics().flushes == 1);

    // A pending Book is flushed before a query on books, and the query returns it.
    Book& added = session.add(Book{7, 2, "added", 300});
    const auto found = session.all(relata::select<Book>().where(b.pages > 200).order_by(b.id));
    REQUIRE(found.size() == 2);
    CHECK(&found[1] == &added);
    CHECK(recorded.count_starting_with("INSERT") == 1);
    session.commit();
    CHECK(relata::count(db, relata::select<Book>()) == 7);
    CHECK(relata::one(db, relata::select(s.name).where(s.id == 1)) == "renamed");
    db.on_sql({});
}

RELATA_BACKEND_TEST("joins, subqueries and projections count as naming a model", "[session][autoflush]") {
    relata_test::database test;
    auto& db = test.db;
    seed_autoflush_scope(db, 3, 2);
    relata::session session{db};
    relata_test::sql_log recorded;

    SECTION("a join") {
        session.get<Shelf>(2).name = "joined";
        recorded.attach(db);
        const auto rows = session.all(relata::select<Book, Shelf>().join(b.shelf_id == s.id).where(s.name == "joined"));
        CHECK(rows.size() == 2);
        CHECK(recorded.count_starting_with("UPDATE") == 1);
    }
    SECTION("a subquery in WHERE") {
        session.get<Shelf>(3).name = "inner";
        recorded.attach(db);
        const auto titles =
            session.all(relata::select(b.title).where(b.shelf_id.in(relata::select(s.id).where(s.name == "inner"))).order_by(b.id));
        CHECK(titles == std::vector<std::string>{"book 5", "book 6"});
        CHECK(recorded.count_starting_with("UPDATE") == 1);
    }
    SECTION("a projection of the changed model") {
        session.get<Shelf>(1).name = "projected";
        recorded.attach(db);
        CHECK(session.all(relata::select(s.name).where(s.id == 1)) == std::vector<std::string>{"projected"});
        CHECK(recorded.count_starting_with("UPDATE") == 1);
    }
    SECTION("a projection of another model") {
        session.get<Shelf>(1).name = "elsewhere";
        recorded.attach(db);
        CHECK(session.all(relata::select(b.title).where(b.id == 1)) == std::vector<std::string>{"book 1"});
        CHECK(recorded.count_starting_with("UPDATE") == 0);
        session.commit();  // the change was kept for the commit
        CHECK(relata::one(db, relata::select(s.name).where(s.id == 1)) == "elsewhere");
    }
    db.on_sql({});
}

RELATA_BACKEND_TEST("an unflushed removal flushes before any query: ON DELETE CASCADE reaches other tables", "[session][autoflush]") {
    relata_test::database test;
    auto& db = test.db;
    seed_autoflush_scope(db, 2, 3);
    relata::session session{db};
    session.remove(session.get<Shelf>(1));
    // The query names only books, yet the cascade deletes three of them.
    CHECK(session.count(relata::select<Book>()) == 3);
    CHECK(session.all(relata::select<Book>()).size() == 3);
    session.rollback();
    // Rolled back: shelf 1 and its books are back; another removal flushes before a query again.
    session.remove(session.get<Shelf>(2));
    CHECK(session.count(relata::select<Book>()) == 3);
    session.commit();
    CHECK(relata::count(db, relata::select<Shelf>()) == 1);
    CHECK(relata::count(db, relata::select<Book>()) == 3);
}

RELATA_BACKEND_TEST("a throwing hook in an autoflush fails the query and loses nothing", "[session][autoflush][hooks]") {
    relata_test::database test;
    auto& db = test.db;
    seed_autoflush_scope(db, 2, 1);
    relata::session session{db};
    Shelf& shelf = session.get<Shelf>(1);
    shelf.name = "changed";
    autoflush_models::refuse_updates = true;
    // A query on books does not flush, so the hook does not run.
    CHECK(session.count(relata::select<Book>()) == 2);
    // A query on shelves must flush, and the hook throws from it.
    CHECK_THROWS_WITH(session.all(relata::select<Shelf>()), "before_update refused");
    autoflush_models::refuse_updates = false;
    CHECK(shelf.name == "changed");
    CHECK(session.is_dirty(shelf));
    CHECK(session.all(relata::select<Shelf>().where(s.name == "changed")).size() == 1);
    session.commit();
    CHECK(relata::one(db, relata::select(s.name).where(s.id == 1)) == "changed");
}

RELATA_BACKEND_TEST("queries on one model cost nothing per clean object of another", "[session][autoflush][size]") {
    constexpr std::int64_t shelves = 100'000;
    relata_test::database test;
    auto& db = test.db;
    seed_autoflush_scope(db, shelves, 0);
    relata::create_all<Book>(db);
    relata::session session{db};
    CHECK(session.all(relata::select<Shelf>()).size() == static_cast<std::size_t>(shelves));
    const std::uint64_t compared = session.statistics().objects_compared;

    // 1,000 queries on books with 100,000 clean shelves tracked: no shelf is compared.
    for (std::int64_t i = 1; i <= 1'000; ++i) session.add(Book{i, 1 + i % shelves, "b", i});
    session.flush();
    const std::uint64_t after_flush = session.statistics().objects_compared;
    CHECK(after_flush - compared == static_cast<std::uint64_t>(shelves));  // the flush compared them once
    for (std::int64_t i = 1; i <= 1'000; ++i) CHECK(session.count(relata::select<Book>().where(b.pages == i)) == 1);
    // Each query compared the 1,000 clean books, and not one shelf.
    CHECK(session.statistics().objects_compared - after_flush == 1'000U * 1'000U);
    const std::uint64_t before_shelf_query = session.statistics().objects_compared;

    // A query on shelves compares the shelves, once per query, and still finds nothing to write.
    CHECK(session.count(relata::select<Shelf>()) == shelves);
    CHECK(session.statistics().objects_compared - before_shelf_query == static_cast<std::uint64_t>(shelves));
    CHECK(session.statistics().flushes == 1);
}
