// Foreign-key cycles in the Session's flush: between models (broken at a nullable key with a
// second UPDATE), among the rows of one self-referencing model, and the error when no key on
// the cycle is nullable; create_all/drop_all of cyclic tables.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backends.hpp"
#include "sql_log.hpp"

namespace cycle_models {

struct Department {  // manager_id -> Employee: nullable, where the cycle breaks
    std::int64_t id = 0;
    std::string name;
    std::optional<std::int64_t> manager_id;
};
RELATA_MODEL(Department, id, name, manager_id)

struct Employee {  // department_id -> Department: NOT NULL
    std::int64_t id = 0;
    std::string name;
    std::int64_t department_id = 0;
};
RELATA_MODEL(Employee, id, name, department_id)

// Country -> City -> Region -> Country; only Country.capital_id is nullable.
struct Country {
    std::int64_t id = 0;
    std::string name;
    std::optional<std::int64_t> capital_id;
};
RELATA_MODEL(Country, id, name, capital_id)

struct City {
    std::int64_t id = 0;
    std::string name;
    std::int64_t region_id = 0;
};
RELATA_MODEL(City, id, name, region_id)

struct Region {
    std::int64_t id = 0;
    std::string name;
    std::int64_t country_id = 0;
};
RELATA_MODEL(Region, id, name, country_id)

// A cycle with no nullable key: no order of INSERTs exists.
struct Hen {
    std::int64_t id = 0;
    std::int64_t egg_id = 0;
};
RELATA_MODEL(Hen, id, egg_id)

struct Egg {
    std::int64_t id = 0;
    std::int64_t hen_id = 0;
};
RELATA_MODEL(Egg, id, hen_id)

// Rows of one model referencing each other.
struct Person {
    std::int64_t id = 0;
    std::string name;
    std::optional<std::int64_t> partner_id;
};
RELATA_MODEL(Person, id, name, partner_id)

struct Link {  // a self reference that is NOT NULL
    std::int64_t id = 0;
    std::int64_t next_id = 0;
};
RELATA_MODEL(Link, id, next_id)

}  // namespace cycle_models

using cycle_models::City;
using cycle_models::Country;
using cycle_models::Department;
using cycle_models::Egg;
using cycle_models::Employee;
using cycle_models::Hen;
using cycle_models::Link;
using cycle_models::Person;
using cycle_models::Region;

template <>
struct relata::mapping<Department> {
    static constexpr auto foreign_keys = std::tuple{relata::references(&Department::manager_id, &Employee::id)};
    static constexpr auto unique = std::tuple{&Department::manager_id};  // a manager leads one department
};
template <>
struct relata::mapping<Employee> {
    static constexpr auto foreign_keys = std::tuple{relata::references(&Employee::department_id, &Department::id)};
};
template <>
struct relata::mapping<Country> {
    static constexpr auto foreign_keys = std::tuple{relata::references(&Country::capital_id, &City::id)};
};
template <>
struct relata::mapping<City> {
    static constexpr auto foreign_keys = std::tuple{relata::references(&City::region_id, &Region::id)};
};
template <>
struct relata::mapping<Region> {
    static constexpr auto foreign_keys = std::tuple{relata::references(&Region::country_id, &Country::id)};
};
template <>
struct relata::mapping<Hen> {
    static constexpr auto foreign_keys = std::tuple{relata::references(&Hen::egg_id, &Egg::id)};
};
template <>
struct relata::mapping<Egg> {
    static constexpr auto foreign_keys = std::tuple{relata::references(&Egg::hen_id, &Hen::id)};
};
template <>
struct relata::mapping<Person> {
    static constexpr auto foreign_keys = std::tuple{relata::references(&Person::partner_id, &Person::id)};
};
template <>
struct relata::mapping<Link> {
    static constexpr auto foreign_keys = std::tuple{relata::references(&Link::next_id, &Link::id)};
};

namespace {

template <class Connection>
std::int64_t rows_in(Connection& db, std::string_view table) {
    return relata_test::scalar(db, fmt::format("SELECT COUNT(*) FROM \"{}\"", table));
}

// Every department's manager works in it, and every row is in such a pair.
template <class Connection>
std::int64_t matched_pairs(Connection& db) {
    return relata_test::scalar(db,
                               "SELECT COUNT(*) FROM department d JOIN employee e ON d.manager_id = e.id AND "
                               "e.department_id = d.id");
}

}  // namespace

RELATA_BACKEND_TEST("create_all and drop_all handle tables whose foreign keys form a cycle", "[session][cycles]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Department, Employee, Country, City, Region>(db);
    relata::create_all<Department, Employee, Country, City, Region>(db);  // idempotent
    // The foreign keys exist on both sides of the cycle.
    REQUIRE_THROWS_AS(db.execute("INSERT INTO employee (id, name, department_id) VALUES (1, 'x', 99)"),
                      relata::constraint_violation);
    REQUIRE_THROWS_AS(db.execute("INSERT INTO department (id, name, manager_id) VALUES (1, 'x', 99)"),
                      relata::constraint_violation);
    REQUIRE_THROWS_AS(db.execute("INSERT INTO country (id, name, capital_id) VALUES (1, 'x', 99)"),
                      relata::constraint_violation);
    db.execute("INSERT INTO department (id, name, manager_id) VALUES (1, 'R&D', NULL)");
    db.execute("INSERT INTO employee (id, name, department_id) VALUES (1, 'Ada', 1)");
    db.execute("UPDATE department SET manager_id = 1 WHERE id = 1");
    relata::drop_all<Department, Employee, Country, City, Region>(db);  // with rows in the cycle
    CHECK_THROWS_AS(db.execute("SELECT COUNT(*) FROM department"), relata::database_error);
    relata::create_all<Department, Employee>(db);
    CHECK(rows_in(db, "department") == 0);
}

RELATA_BACKEND_TEST("a cycle between two models is inserted with the nullable key set by a second UPDATE",
                    "[session][cycles]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Department, Employee>(db);
    relata::session session{db};
    relata_test::sql_log log;

    SECTION("generated keys, filled through link()") {
        auto& ada = session.add(Employee{.name = "Ada"});
        auto& lab = session.add(Department{.name = "Lab"});
        session.link(ada, &Employee::department_id, lab);
        session.link(lab, &Department::manager_id, ada);
        auto& bob = session.add(Employee{.name = "Bob"});  // no cycle of its own
        session.link(bob, &Employee::department_id, lab);
        log.attach(db);
        session.commit();

        CHECK(log.count_starting_with("INSERT INTO \"department\"") == 1);
        CHECK(log.count_starting_with("INSERT INTO \"employee\"") == 2);
        CHECK(log.count_starting_with("UPDATE \"department\" SET \"manager_id\"") == 1);
        CHECK(log.statements.size() == 6);  // BEGIN, 3 INSERTs, 1 UPDATE, COMMIT
        CHECK(lab.id > 0);
        CHECK(ada.department_id == lab.id);
        CHECK(lab.manager_id == ada.id);
        CHECK(bob.department_id == lab.id);
        CHECK(matched_pairs(db) == 1);
        CHECK_FALSE(session.is_dirty(lab));
        CHECK_FALSE(session.is_dirty(ada));
        CHECK(session.state_of(lab) == relata::object_state::persistent);
        // The snapshot holds the manager: a change back is an ordinary UPDATE.
        lab.manager_id = bob.id;
        log.attach(db);
        session.commit();
        CHECK(log.count_starting_with("UPDATE") == 1);
        CHECK(relata_test::scalar(db, "SELECT manager_id FROM department") == bob.id);
    }
    SECTION("explicit keys, and a NULL key needs no UPDATE") {
        session.add(Employee{.id = 10, .name = "Ada", .department_id = 1});
        session.add(Department{.id = 1, .name = "Lab", .manager_id = 10});
        session.add(Department{.id = 2, .name = "Empty", .manager_id = std::nullopt});
        session.add(Employee{.id = 20, .name = "Cy", .department_id = 2});
        log.attach(db);
        session.commit();
        // PostgreSQL sends the two employees' INSERTs in one pipeline; each is still logged.
        CHECK(log.count_starting_with("INSERT") == 4);
        CHECK(log.count_starting_with("UPDATE") == 1);
        CHECK(matched_pairs(db) == 1);
        CHECK(rows_in(db, "employee") == 2);
    }
}

RELATA_BACKEND_TEST("a cycle of three models is broken at its nullable key", "[session][cycles]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Country, City, Region>(db);
    relata::session session{db};
    auto& paris = session.add(City{.name = "Paris"});
    auto& france = session.add(Country{.name = "France"});
    auto& idf = session.add(Region{.name = "Ile-de-France"});
    session.link(paris, &City::region_id, idf);
    session.link(idf, &Region::country_id, france);
    session.link(france, &Country::capital_id, paris);
    relata_test::sql_log log;
    log.attach(db);
    session.commit();
    CHECK(log.count_starting_with("INSERT") == 3);
    CHECK(log.count_starting_with("UPDATE \"country\" SET \"capital_id\"") == 1);
    CHECK(log.count_starting_with("UPDATE") == 1);
    CHECK(france.capital_id == paris.id);
    CHECK(paris.region_id == idf.id);
    CHECK(idf.country_id == france.id);
    CHECK(relata_test::scalar(db, "SELECT capital_id FROM country") == paris.id);

    // Deleting the whole cycle: the nullable key is cleared first, then children before parents.
    session.remove(france);
    session.remove(paris);
    session.remove(idf);
    log.attach(db);
    session.commit();
    CHECK(log.count_starting_with("UPDATE \"country\" SET \"capital_id\"") == 1);
    CHECK(log.count_starting_with("DELETE") == 3);
    CHECK(rows_in(db, "country") + rows_in(db, "city") + rows_in(db, "region") == 0);
    CHECK(session.state_of(france) == relata::object_state::detached);
}

RELATA_BACKEND_TEST("deleting rows of a cycle clears the nullable key first, only where it is set",
                    "[session][cycles]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Department, Employee>(db);
    db.execute("INSERT INTO department (id, name, manager_id) VALUES (1, 'Lab', NULL), (2, 'Empty', NULL)");
    db.execute("INSERT INTO employee (id, name, department_id) VALUES (10, 'Ada', 1), (20, 'Cy', 2)");
    db.execute("UPDATE department SET manager_id = 10 WHERE id = 1");
    relata::session session{db};
    auto departments = session.all(relata::select<Department>().order_by(relata::columns<Department>.id.asc()));
    auto employees = session.all(relata::select<Employee>());
    for (Department& d : departments) session.remove(d);
    for (Employee& e : employees) session.remove(e);
    relata_test::sql_log log;
    log.attach(db);
    session.commit();
    CHECK(log.count_starting_with("UPDATE \"department\" SET \"manager_id\"") == 1);  // not for 'Empty'
    CHECK(log.count_starting_with("UPDATE") == 1);
    CHECK(log.count_starting_with("DELETE FROM \"employee\"") == 2);
    CHECK(log.count_starting_with("DELETE FROM \"department\"") == 2);
    CHECK(rows_in(db, "department") + rows_in(db, "employee") == 0);
    CHECK(session.state_of(departments[0]) == relata::object_state::detached);
    CHECK(departments[0].manager_id == 10);  // the object keeps its values, as any deleted one
}

RELATA_BACKEND_TEST("a cycle with no nullable foreign key is a clear error before any SQL", "[session][cycles]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Hen, Egg>(db);
    relata::session session{db};
    auto& hen = session.add(Hen{.id = 1, .egg_id = 1});
    auto& egg = session.add(Egg{.id = 1, .hen_id = 1});
    relata_test::sql_log log;
    log.attach(db);
    try {
        session.flush();
        FAIL("a cycle of NOT NULL keys was flushed");
    } catch (const relata::session_error& e) {
        const std::string message = e.what();
        CHECK(message.find("cycle") != std::string::npos);
        CHECK(message.find("Hen.egg_id -> Egg") != std::string::npos);
        CHECK(message.find("Egg.hen_id -> Hen") != std::string::npos);
        CHECK(message.find("nullable") != std::string::npos);
    }
    CHECK(log.statements.empty());
    CHECK(session.state_of(hen) == relata::object_state::pending);
    CHECK(session.state_of(egg) == relata::object_state::pending);
    // One side alone has no cycle to break.
    session.expunge(egg);  // the hen alone: its egg does not exist
    REQUIRE_THROWS_AS(session.commit(), relata::constraint_violation);
}

RELATA_BACKEND_TEST("rows of one model referencing each other in a cycle are broken at the nullable key",
                    "[session][cycles]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Person, Link>(db);
    relata::session session{db};
    relata_test::sql_log log;

    auto& a = session.add(Person{.id = 101, .name = "a", .partner_id = 102});
    auto& b = session.add(Person{.id = 102, .name = "b", .partner_id = 101});
    auto& c = session.add(Person{.id = 103, .name = "c", .partner_id = 101});  // only follows the cycle
    auto& d = session.add(Person{.name = "d"});                             // generated keys, linked
    auto& e = session.add(Person{.name = "e"});
    session.link(d, &Person::partner_id, e);
    session.link(e, &Person::partner_id, d);
    log.attach(db);
    session.commit();
    CHECK(log.count_starting_with("INSERT") == 5);
    CHECK(log.count_starting_with("UPDATE \"person\" SET \"partner_id\"") == 4);  // a, b, d, e: not c
    CHECK(log.count_starting_with("UPDATE") == 4);
    CHECK(relata_test::scalar(db, "SELECT partner_id FROM person WHERE id = 101") == 102);
    CHECK(relata_test::scalar(db, "SELECT partner_id FROM person WHERE id = 102") == 101);
    CHECK(relata_test::scalar(db, "SELECT partner_id FROM person WHERE id = 103") == 101);
    CHECK(d.partner_id == e.id);
    CHECK(e.partner_id == d.id);
    CHECK(relata_test::scalar(db, fmt::format("SELECT partner_id FROM person WHERE id = {}", d.id)) == e.id);
    CHECK_FALSE(session.is_dirty(d));

    for (Person* p : {&a, &b, &c, &d, &e}) session.remove(*p);
    log.attach(db);
    session.commit();
    CHECK(log.count_starting_with("UPDATE \"person\" SET \"partner_id\"") == 4);
    CHECK(log.count_starting_with("DELETE") == 5);
    CHECK(rows_in(db, "person") == 0);

    // A cycle through a NOT NULL self reference stays an error.
    session.add(Link{.id = 1, .next_id = 2});
    session.add(Link{.id = 2, .next_id = 1});
    try {
        session.flush();
        FAIL("a cycle of NOT NULL keys was flushed");
    } catch (const relata::session_error& error) {
        const std::string message = error.what();
        CHECK(message.find("cycle") != std::string::npos);
        CHECK(message.find("Link") != std::string::npos);
        CHECK(message.find("not nullable") != std::string::npos);
    }
    CHECK(rows_in(db, "link") == 0);
}

RELATA_BACKEND_TEST("a failure in the deferred UPDATEs leaves the database and the session as before",
                    "[session][cycles]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Department, Employee>(db);
    relata::session session{db};
    auto& ada = session.add(Employee{.name = "Ada"});
    auto& cy = session.add(Employee{.name = "Cy"});
    auto& lab = session.add(Department{.name = "Lab"});
    auto& ops = session.add(Department{.name = "Ops"});
    session.link(ada, &Employee::department_id, lab);
    session.link(cy, &Employee::department_id, ops);
    session.link(lab, &Department::manager_id, ada);
    session.link(ops, &Department::manager_id, ada);  // UNIQUE (manager_id): the second UPDATE fails
    relata_test::sql_log log;
    log.attach(db);
    REQUIRE_THROWS_AS(session.commit(), relata::constraint_violation);
    CHECK(log.count_starting_with("UPDATE") == 2);  // the failure happened in the deferred phase
    CHECK(rows_in(db, "department") == 0);
    CHECK(rows_in(db, "employee") == 0);
    for (Department* d : {&lab, &ops}) {
        CHECK(session.state_of(*d) == relata::object_state::pending);
        CHECK(d->id == 0);
        CHECK(d->manager_id == std::nullopt);
    }
    for (Employee* e : {&ada, &cy}) {
        CHECK(session.state_of(*e) == relata::object_state::pending);
        CHECK(e->id == 0);
        CHECK(e->department_id == 0);
    }
    session.link(ops, &Department::manager_id, cy);  // corrected: the retry writes everything
    session.commit();
    CHECK(matched_pairs(db) == 2);
    CHECK(ops.manager_id == cy.id);
}

RELATA_BACKEND_TEST("10,000 department/manager cycles flush in linear work", "[session][cycles][size]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Department, Employee, Person>(db);
    constexpr int pairs = 10'000;
    relata::session session{db};
    std::vector<Department*> departments;
    std::vector<Employee*> employees;
    for (int i = 0; i < pairs; ++i) {
        auto& d = session.add(Department{.name = fmt::format("d{}", i)});
        auto& e = session.add(Employee{.name = fmt::format("e{}", i)});
        session.link(e, &Employee::department_id, d);
        session.link(d, &Department::manager_id, e);
        departments.push_back(&d);
        employees.push_back(&e);
    }
    // One ring of 10,000 rows of one model: every row on the cycle.
    for (int i = 1; i <= pairs; ++i)
        session.add(Person{.id = i, .name = "p", .partner_id = i % pairs + 1});
    relata_test::sql_log log;
    log.attach(db);
    session.commit();
    CHECK(log.count_starting_with("INSERT") == 3 * pairs);
    CHECK(log.count_starting_with("UPDATE") == 2 * pairs);
    CHECK(matched_pairs(db) == pairs);
    CHECK(relata_test::scalar(db, "SELECT COUNT(*) FROM person p JOIN person q ON p.partner_id = q.id") == pairs);

    for (Department* d : departments) session.remove(*d);
    for (Employee* e : employees) session.remove(*e);
    log.attach(db);
    session.commit();
    CHECK(log.count_starting_with("UPDATE") == pairs);
    CHECK(log.count_starting_with("DELETE") == 2 * pairs);
    CHECK(rows_in(db, "department") + rows_in(db, "employee") == 0);
}
