// The compile-time benchmark's translation unit (see cmake/compile_time_benchmark.sh and the
// README's "Compile time" section). Not part of the default build or test run.
//
// Two macros choose how much of it is compiled, so the cost per model and per query can be
// read off by comparing variants:
//   RELATA_COMPILE_TIME_MODELS   0 (only the headers), 1, 10 or 20 (default) models
//   RELATA_COMPILE_TIME_QUERIES  0, 1, 50 or 100 (default) typed queries; more than 1 needs 20 models
// Each model is declared, mapped (mapping<> with unique constraints, foreign keys, indexes) and
// created by create_all<>(); each query is built and run through relata::all/first/one/count/
// execute/insert_all or a Session (which render it with relata::to_sql); 17 of them are also
// rendered for PostgreSQL. The query functions have external linkage, so every template
// they use is instantiated and code-generated.
//
// With -DRELATA_COMPILE_TIME_RUN the TU also has a main() that runs every query against an
// in-memory SQLite database (a check that the benchmark's queries are valid, not a benchmark).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <relata/relata.hpp>
#include <relata/sqlite.hpp>

#ifndef RELATA_COMPILE_TIME_MODELS
#define RELATA_COMPILE_TIME_MODELS 20
#endif
#ifndef RELATA_COMPILE_TIME_QUERIES
#define RELATA_COMPILE_TIME_QUERIES 100
#endif
#if RELATA_COMPILE_TIME_QUERIES > 1 && RELATA_COMPILE_TIME_MODELS < 20
#error "relata: more than one query needs RELATA_COMPILE_TIME_MODELS=20"
#endif
#if RELATA_COMPILE_TIME_QUERIES > 0 && RELATA_COMPILE_TIME_MODELS < 1
#error "relata: queries need at least one model"
#endif

#if RELATA_COMPILE_TIME_MODELS > 0
#include "models.hpp"
#endif

namespace shop {

using db_type = relata::sqlite::connection;

/// Bytes of PostgreSQL SQL rendered, so rendering is not optimized away.
extern std::size_t rendered_bytes;
std::size_t rendered_bytes = 0;

template <class Q>
void render_for_postgres(const Q& query) {
    rendered_bytes += relata::to_sql(query, relata::postgres_dialect).sql.size();
}

#if RELATA_COMPILE_TIME_MODELS > 0
void create_schema(db_type& db);
void create_schema(db_type& db) {
#if RELATA_COMPILE_TIME_MODELS >= 20
    relata::create_all<Customer, Address, Category, Supplier, Product, Warehouse, Stock, Order, OrderLine, Payment>(db);
    relata::create_all<Shipment, Review, Coupon, Department, Employee, Invoice, Refund, Cart, CartItem, Tag>(db);
#elif RELATA_COMPILE_TIME_MODELS >= 10
    relata::create_all<Customer, Address, Category, Supplier, Product, Warehouse, Stock, Order, OrderLine, Payment>(db);
#else
    relata::create_all<Customer>(db);
#endif
}
#endif

#if RELATA_COMPILE_TIME_QUERIES > 0
constexpr auto cu = relata::columns<Customer>;

// Query 1 (the baseline's only query): a lookup by a unique column.
void q001(db_type& db);
void q001(db_type& db) {
    const std::vector<Customer> rows = relata::all(db, relata::select<Customer>().where(cu.email == "ada@example.com").limit(1));
    rendered_bytes += rows.size();
}
#endif

}  // namespace shop

#if RELATA_COMPILE_TIME_QUERIES > 1
#include "queries_002_050.hpp"
#endif
#if RELATA_COMPILE_TIME_QUERIES > 50
#include "queries_051_100.hpp"
#endif

#ifdef RELATA_COMPILE_TIME_RUN
#include <cstdio>

int main() {
    auto db = relata::sqlite::connect(":memory:");
#if RELATA_COMPILE_TIME_MODELS > 0
    shop::create_schema(db);
#endif
    using query_function = void (*)(shop::db_type&);
    const std::vector<query_function> queries{
#if RELATA_COMPILE_TIME_QUERIES > 0
        shop::q001,
#endif
#if RELATA_COMPILE_TIME_QUERIES > 1
        RELATA_COMPILE_TIME_QUERIES_002_050
#endif
#if RELATA_COMPILE_TIME_QUERIES > 50
        RELATA_COMPILE_TIME_QUERIES_051_100
#endif
    };
    for (const query_function query : queries) query(db);
    std::printf("%zu queries ran, %zu bytes of PostgreSQL SQL rendered\n", queries.size(), shop::rendered_bytes);
}
#endif
