// The core umbrella header must not drag in a database C API: users who only build queries
// or render SQL need neither sqlite3.h nor libpq-fe.h, and the backends stay behind
// <relata/sqlite.hpp> and <relata/postgres.hpp>. The preprocessor checks are the real test;
// this file fails to compile if either header got included.
#include <relata/relata.hpp>

#if defined(SQLITE_VERSION) || defined(SQLITE_VERSION_NUMBER) || defined(SQLITE_OK)
#error "relata: <relata/relata.hpp> includes sqlite3.h; only <relata/sqlite.hpp> may"
#endif
#if defined(LIBPQ_FE_H) || defined(PG_COPYRES_ATTRS)
#error "relata: <relata/relata.hpp> includes libpq-fe.h; only <relata/postgres.hpp> may"
#endif

#include "catch.hpp"

TEST_CASE("<relata/relata.hpp> includes no database C API", "[umbrella]") {
    // Checked at compile time above; reaching this line means neither header was included.
    CHECK(true);
}
