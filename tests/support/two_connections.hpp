#pragma once
// Two connections to one test database, for tests of concurrent users: on SQLite two
// connections to one temporary database file (an in-memory database is private to its
// connection), on PostgreSQL the test's schema and a second connection to it.
#include <string_view>

#include "backends.hpp"
#include "database_file.hpp"

namespace relata_test {

// In the backend's inline namespace, as backends.hpp's `database`: a test binary may hold both.
#if defined(RELATA_TEST_BACKEND_SQLITE)
inline namespace sqlite_tests {
/// `first` and `second`, both open on the file `relata_<stem>_...db`, removed at the end.
struct two_connections {
    explicit two_connections(std::string_view stem)
        : file(stem), first(relata::sqlite::connect(file.path())), second(relata::sqlite::connect(file.path())) {}
    database_file file;
    connection first;
    connection second;
};
}  // namespace sqlite_tests
#else
inline namespace postgres_tests {
/// `first` (the test database's own connection) and `second`, both on the test's schema.
struct two_connections {
    explicit two_connections(std::string_view /*stem: SQLite's file name*/) : first(test.db), second(test.open_another()) {}
    database test;
    connection& first;
    connection second;
};
}  // namespace postgres_tests
#endif

}  // namespace relata_test
