// The query builder's constructs run on both databases: joins (also through the Session's
// identity map), aliases, projections, aggregates, windows, functions, date/time, subqueries,
// set operations, CTEs, and writes as query objects (RETURNING, upsert, insert_all).
// Expected values are computed from the seed data below, by hand.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "backends.hpp"

namespace builder_behaviour {

struct Department {
    std::int64_t id = 0;
    std::string name;
};
RELATA_MODEL(Department, id, name)

struct Employee {
    std::int64_t id = 0;
    std::string name;
    std::optional<std::int64_t> reports_to;
    std::optional<std::int64_t> department_id;
    int salary = 0;
    std::chrono::sys_seconds hired{};
};
RELATA_MODEL(Employee, id, name, reports_to, department_id, salary, hired)

struct Upsert {
    std::string code;
    std::string label;
    int hits = 0;
};
RELATA_MODEL(Upsert, code, label, hits)

/// A report row: a department and its payroll.
struct Payroll {
    std::string department;
    std::int64_t people = 0;
    std::optional<std::int64_t> total;
};
RELATA_MODEL(Payroll, department, people, total)

/// One level of the org chart (a recursive CTE's rows).
struct Chain {
    std::int64_t id = 0;
    std::string name;
    std::int64_t depth = 0;
};
RELATA_MODEL(Chain, id, name, depth)

/// Salaries ranked per department (a CTE with a window function).
struct Ranked {
    std::string name;
    std::optional<std::int64_t> department_id;
    std::int64_t position = 0;
};
RELATA_MODEL(Ranked, name, department_id, position)

}  // namespace builder_behaviour

template <>
struct relata::mapping<builder_behaviour::Employee> {
    static constexpr auto foreign_keys = std::tuple{
        relata::references(&builder_behaviour::Employee::reports_to, &builder_behaviour::Employee::id),
        relata::references(&builder_behaviour::Employee::department_id, &builder_behaviour::Department::id)};
};
template <>
struct relata::mapping<builder_behaviour::Upsert> {
    static constexpr auto primary_key = &builder_behaviour::Upsert::code;
};

namespace builder_behaviour {

using manager = relata::alias<Employee, "manager">;
constexpr auto d = relata::columns<Department>;
constexpr auto e = relata::columns<Employee>;
constexpr auto m = relata::columns<manager>;

// Departments 1 Engineering, 2 Sales, 3 Legal (empty). Employees (id name boss dept salary hired):
//   1 Ada    -  1 300 2020-01-15      2 Grace  1  1 200 2020-03-01      3 Alan   2  1 150 2021-07-04
//   4 Joan   1  2 180 2021-07-20      5 Edsger 4  2 120 2022-02-02      6 Linus  -  - 100 2022-02-28
template <class Connection>
void seed_query_builder(Connection& db) {
    using namespace std::chrono;
    relata::create_all<Department, Employee>(db);
    // Generated keys (0): a fresh table numbers the rows of one INSERT 1, 2, 3, ... in order;
    // explicit keys would leave PostgreSQL's identity sequence behind them.
    relata::insert_all(db, std::vector<Department>{{0, "Engineering"}, {0, "Sales"}, {0, "Legal"}});
    const auto at = [](int y, unsigned mo, unsigned day) { return sys_seconds{sys_days{year{y} / mo / day}} + hours{9}; };
    relata::insert_all(db, std::vector<Employee>{{0, "Ada", std::nullopt, 1, 300, at(2020, 1, 15)},
                                                 {0, "Grace", 1, 1, 200, at(2020, 3, 1)},
                                                 {0, "Alan", 2, 1, 150, at(2021, 7, 4)},
                                                 {0, "Joan", 1, 2, 180, at(2021, 7, 20)},
                                                 {0, "Edsger", 4, 2, 120, at(2022, 2, 2)},
                                                 {0, "Linus", std::nullopt, std::nullopt, 100, at(2022, 2, 28)}});
    REQUIRE(relata::all(db, relata::select(e.id).order_by(e.name)) == std::vector<std::int64_t>{1, 3, 5, 2, 4, 6});
}

}  // namespace builder_behaviour

using namespace builder_behaviour;

RELATA_BACKEND_TEST("inner, left, right and full joins return tuples", "[builder][join]") {
    relata_test::database test;
    auto& db = test.db;
    seed_query_builder(db);
    const auto inner = relata::all(db, relata::select<Employee, Department>().join(e.department_id == d.id).order_by(e.id));
    REQUIRE(inner.size() == 5);
    CHECK(std::get<0>(inner[3]).name == "Joan");
    CHECK(std::get<1>(inner[3]).name == "Sales");

    const auto left = relata::all(db, relata::select<Employee, Department>().left_join(e.department_id == d.id).order_by(e.id));
    REQUIRE(left.size() == 6);
    CHECK(std::get<0>(left[5]).name == "Linus");
    CHECK_FALSE(std::get<1>(left[5]).has_value());
    CHECK(std::get<1>(left[0])->name == "Engineering");

    const auto right = relata::all(db, relata::select<Employee, Department>().right_join(e.department_id == d.id).order_by(d.id, e.id));
    REQUIRE(right.size() == 6);  // five employees in departments, and Legal without any
    CHECK_FALSE(std::get<0>(right[5]).has_value());
    CHECK(std::get<1>(right[5]).name == "Legal");

    const auto full = relata::all(db, relata::select<Employee, Department>().full_join(e.department_id == d.id));
    CHECK(full.size() == 7);  // + Linus without a department
    CHECK(std::count_if(full.begin(), full.end(), [](const auto& row) { return !std::get<0>(row) || !std::get<1>(row); }) == 2);

    // A joined model that is not selected filters.
    CHECK(relata::count(db, relata::select<Employee>().join(e.department_id == d.id).where(d.name == "Sales")) == 2);
}

RELATA_BACKEND_TEST("an alias joins employees to their managers", "[builder][join][alias]") {
    relata_test::database test;
    auto& db = test.db;
    seed_query_builder(db);
    const auto rows = relata::all(db, relata::select(e.name, m.name.nullable()).left_join(e.reports_to == m.id).order_by(e.id));
    const std::vector<std::tuple<std::string, std::optional<std::string>>> expected{
        {"Ada", std::nullopt}, {"Grace", "Ada"}, {"Alan", "Grace"}, {"Joan", "Ada"}, {"Edsger", "Joan"}, {"Linus", std::nullopt}};
    CHECK(rows == expected);
    const auto pairs = relata::all(db, relata::select<Employee, manager>().join(e.reports_to == m.id).where(m.name == "Ada"));
    REQUIRE(pairs.size() == 2);
    CHECK(std::get<1>(pairs[0]).id == 1);
}

RELATA_BACKEND_TEST("joined rows through the Session are tracked objects, one per row identity", "[builder][join][session]") {
    relata_test::database test;
    auto& db = test.db;
    seed_query_builder(db);
    relata::session session{db};
    const auto rows = session.all(relata::select<Employee, Department>().left_join(e.department_id == d.id).order_by(e.id));
    REQUIRE(rows.size() == 6);
    REQUIRE(std::get<1>(rows[0]) != nullptr);
    Department& engineering = *std::get<1>(rows[0]);
    CHECK(&engineering == std::get<1>(rows[1]));  // Ada and Grace share one Engineering object
    CHECK(&engineering == &session.get<Department>(1));
    CHECK(std::get<1>(rows[5]) == nullptr);        // Linus: no department
    Employee& linus = std::get<0>(rows[5]);
    CHECK(&linus == &session.get<Employee>(6));
    const auto statements = db.statement_count();
    (void)session.get<Employee>(6);
    CHECK(db.statement_count() == statements);  // identity map: no SQL

    // Changes to joined objects are flushed like any other.
    engineering.name = "R&D";
    linus.salary = 110;
    session.commit();
    CHECK(relata::one(db, relata::select(d.name).where(d.id == 1)) == "R&D");
    CHECK(relata::one(db, relata::select(e.salary).where(e.id == 6)) == 110);

    // An alias reads into the same identity map.
    const auto chains = session.all(relata::select<Employee, manager>().join(e.reports_to == m.id).where(e.id == 2));
    REQUIRE(chains.size() == 1);
    CHECK(&std::get<1>(chains[0]) == &session.get<Employee>(1));
}

RELATA_BACKEND_TEST("projections into values, tuples and structs", "[builder][projection]") {
    relata_test::database test;
    auto& db = test.db;
    seed_query_builder(db);
    const std::vector<std::string> names = relata::all(db, relata::select(e.name).where(e.salary >= 180).order_by(e.name));
    CHECK(names == std::vector<std::string>{"Ada", "Grace", "Joan"});
    const auto departments = relata::all(db, relata::select(e.department_id).distinct().order_by(e.department_id.asc().nulls_last()));
    CHECK(departments == std::vector<std::optional<std::int64_t>>{1, 2, std::nullopt});

    const auto payroll = relata::all(db, relata::select<Payroll>(d.name.as<"department">(), relata::count(e.id).as<"people">(),
                                                                 relata::sum(e.salary).as<"total">())
                                             .left_join(e.department_id == d.id)
                                             .group_by(d.name)
                                             .order_by(d.name));
    REQUIRE(payroll.size() == 3);
    CHECK(payroll[0].department == "Engineering");
    CHECK(payroll[0].people == 3);
    CHECK(payroll[0].total == 650);
    CHECK(payroll[1].department == "Legal");
    CHECK(payroll[1].people == 0);
    CHECK_FALSE(payroll[1].total.has_value());  // SUM over no rows is NULL
    CHECK(payroll[2].total == 300);
}

RELATA_BACKEND_TEST("aggregates, GROUP BY and HAVING", "[builder][aggregate]") {
    relata_test::database test;
    auto& db = test.db;
    seed_query_builder(db);
    CHECK(relata::one(db, relata::select(relata::count()).from<Employee>()) == 6);
    CHECK(relata::one(db, relata::select(relata::count(e.department_id))) == 5);
    CHECK(relata::one(db, relata::select(relata::count_distinct(e.department_id))) == 2);
    CHECK(relata::one(db, relata::select(relata::sum(e.salary))) == 1050);
    CHECK(relata::one(db, relata::select(relata::avg(e.salary))) == Approx(175.0));
    CHECK(relata::one(db, relata::select(relata::min(e.name))) == "Ada");
    CHECK(relata::one(db, relata::select(relata::max(e.hired))) ==
          std::chrono::sys_seconds{std::chrono::sys_days{std::chrono::year{2022} / 2 / 28}} + std::chrono::hours{9});
    // Over no rows: COUNT is 0, the others NULL.
    const auto none = relata::one(db, relata::select(relata::count(), relata::sum(e.salary), relata::avg(e.salary), relata::max(e.name))
                                          .where(e.salary > 1000));
    CHECK(none == std::tuple<std::int64_t, std::optional<std::int64_t>, std::optional<double>, std::optional<std::string>>{0, {}, {}, {}});

    const auto big = relata::all(db, relata::select(d.name, relata::count(), relata::avg(e.salary))
                                          .join(e.department_id == d.id)
                                          .group_by(d.name)
                                          .having(relata::count() >= 2 && relata::avg(e.salary) > 160)
                                          .order_by(relata::count().desc()));
    REQUIRE(big.size() == 1);  // Engineering: 3 people, average 216.67; Sales: average 150
    CHECK(std::get<0>(big[0]) == "Engineering");
    CHECK(*std::get<2>(big[0]) == Approx(650.0 / 3));
}

RELATA_BACKEND_TEST("a grouped expression with parameters, repeated in HAVING and ORDER BY", "[builder][aggregate]") {
    relata_test::database test;
    auto& db = test.db;
    seed_query_builder(db);
    // Salary bands of 100: 100-199 (Alan 150, Joan 180, Edsger 120, Linus 100), 200 (Grace), 300 (Ada).
    const auto band = e.salary / 100 * 100;
    const auto bands = relata::all(db, relata::select(band, relata::count())
                                           .group_by(band)
                                           .having(relata::count() >= 1 && band > 0)
                                           .order_by(band.desc()));
    using row = std::tuple<std::int64_t, std::int64_t>;
    CHECK(bands == std::vector<row>{{300, 1}, {200, 1}, {100, 4}});
}

RELATA_BACKEND_TEST("columns of an outer-joined model read as std::optional", "[builder][join]") {
    relata_test::database test;
    auto& db = test.db;
    seed_query_builder(db);
    const auto rows = relata::all(db, relata::select(e.name, d.name).left_join(e.department_id == d.id).order_by(e.id));
    static_assert(std::is_same_v<decltype(rows)::value_type, std::tuple<std::string, std::optional<std::string>>>);
    REQUIRE(rows.size() == 6);
    CHECK(rows.front() == std::tuple<std::string, std::optional<std::string>>{"Ada", "Engineering"});
    CHECK(rows.back() == std::tuple<std::string, std::optional<std::string>>{"Linus", std::nullopt});
    // The department without people, through a RIGHT JOIN: the employee's side is optional.
    const auto right = relata::all(db, relata::select(e.name, d.name).right_join(e.department_id == d.id).where(e.id.is_null()));
    CHECK(right == std::vector<std::tuple<std::optional<std::string>, std::string>>{{std::nullopt, "Legal"}});
}

RELATA_BACKEND_TEST("a compound query orders by selected expressions and by columns two joined tables share",
                    "[builder][set]") {
    relata_test::database test;
    auto& db = test.db;
    seed_query_builder(db);
    // Employee and Department both have "name": a bare "name" in the compound's ORDER BY does
    // not match a result column on SQLite; positions do, on both engines.
    const auto shout = (e.name + "!").as<"shout">();
    const auto sales = relata::select(shout, d.name).join(e.department_id == d.id).where(d.name == "Sales");
    const auto engineering = relata::select(shout, d.name).join(e.department_id == d.id).where(d.name == "Engineering");
    using row = std::tuple<std::string, std::string>;
    CHECK(relata::all(db, sales.union_all(engineering).order_by(d.name, shout.desc())) ==
          std::vector<row>{{"Grace!", "Engineering"}, {"Alan!", "Engineering"}, {"Ada!", "Engineering"},
                           {"Joan!", "Sales"}, {"Edsger!", "Sales"}});
}

RELATA_BACKEND_TEST("expressions and functions", "[builder][expression]") {
    relata_test::database test;
    auto& db = test.db;
    seed_query_builder(db);
    const auto row = relata::one(db, relata::select((e.salary * 2 + 1).as<"a">(), (e.salary / 7).as<"b">(), (e.salary % 7).as<"c">(),
                                                    relata::cast<double>(e.salary) / 8, -e.salary, relata::abs(-e.salary))
                                         .where(e.id == 3));
    CHECK(row == std::tuple<std::int64_t, std::int64_t, std::int64_t, double, int, int>{301, 21, 3, 18.75, -150, 150});

    const auto text = relata::one(db, relata::select(e.name + " <" + relata::lower(e.name) + ">", relata::upper(e.name), relata::length(e.name),
                                                     relata::trim(relata::literal<std::string>("  x  ")))
                                          .where(e.id == 5));
    CHECK(text == std::tuple<std::string, std::string, std::int64_t, std::string>{"Edsger <edsger>", "EDSGER", 6, "x"});

    const auto nulls = relata::all(db, relata::select(relata::coalesce(e.reports_to, 0), relata::nullif(e.salary, 100)).order_by(e.id));
    CHECK(std::get<0>(nulls[0]) == 0);
    CHECK(std::get<0>(nulls[1]) == 1);
    CHECK(std::get<1>(nulls[5]) == std::nullopt);
    CHECK(std::get<1>(nulls[4]) == 120);

    const auto band = relata::case_when(e.salary >= 200, "high").when(e.salary >= 150, "middle").otherwise("low");
    CHECK(relata::all(db, relata::select(band).order_by(e.id)) ==
          std::vector<std::string>{"high", "high", "middle", "middle", "low", "low"});
    CHECK(relata::all(db, relata::select(relata::case_when(e.salary > 250, e.name)).order_by(e.id))[0] == "Ada");
    CHECK(relata::one(db, relata::select(relata::round(relata::cast<double>(e.salary) / 7, 2)).where(e.id == 1)) == Approx(42.86));
    CHECK(relata::all(db, relata::select(e.name).where(relata::lower(e.name).like("a%")).order_by(e.name)) ==
          std::vector<std::string>{"Ada", "Alan"});
    // LIKE with an escape character matches % literally on both engines.
    relata::session session{db};
    session.add(Department{.name = "100% Sales"});
    session.commit();
    CHECK(relata::all(db, relata::select(d.name).where(d.name.like("%!%%", '!'))) == std::vector<std::string>{"100% Sales"});
    CHECK(relata::count(db, relata::select<Department>().where(d.name.like("%\\%%", '\\'))) == 1);
}

RELATA_BACKEND_TEST("date and time functions agree on both engines", "[builder][time]") {
    relata_test::database test;
    auto& db = test.db;
    seed_query_builder(db);
    const auto parts = relata::one(db, relata::select(relata::year(e.hired), relata::month(e.hired), relata::day(e.hired),
                                                      relata::extract(relata::date_unit::quarter, e.hired),
                                                      relata::extract(relata::date_unit::hour, e.hired),
                                                      relata::extract(relata::date_unit::day_of_week, e.hired))
                                           .where(e.id == 4));
    // 2021-07-20 09:00 was a Tuesday (Sunday = 0).
    CHECK(parts == std::tuple<std::int64_t, std::int64_t, std::int64_t, std::int64_t, std::int64_t, std::int64_t>{2021, 7, 20, 3, 9, 2});
    using namespace std::chrono;
    CHECK(relata::one(db, relata::select(relata::truncate(e.hired, relata::date_unit::month)).where(e.id == 4)) ==
          sys_seconds{sys_days{year{2021} / 7 / 1}});
    CHECK(relata::one(db, relata::select(relata::truncate(e.hired, relata::date_unit::quarter)).where(e.id == 5)) ==
          sys_seconds{sys_days{year{2022} / 1 / 1}});
    CHECK(relata::one(db, relata::select(relata::format_time(e.hired, "%Y-%m-%d %H:%M")).where(e.id == 1)) == "2020-01-15 09:00");

    // Hires per month: one expression object in the select list and GROUP BY.
    const auto month = relata::format_time(e.hired, "%Y-%m");
    const auto per_month = relata::all(db, relata::select(month, relata::count()).group_by(month).order_by(month));
    const std::vector<std::tuple<std::string, std::int64_t>> expected{{"2020-01", 1}, {"2020-03", 1}, {"2021-07", 2}, {"2022-02", 2}};
    CHECK(per_month == expected);
    const auto per_year = relata::all(db, relata::select(relata::year(e.hired), relata::sum(e.salary)).group_by(relata::year(e.hired)).order_by(relata::year(e.hired)));
    REQUIRE(per_year.size() == 3);
    CHECK(std::get<1>(per_year[1]) == 330);
}

RELATA_BACKEND_TEST("window functions and a top-N per group through a CTE", "[builder][window]") {
    relata_test::database test;
    auto& db = test.db;
    seed_query_builder(db);
    const auto numbered = relata::all(db, relata::select(e.name, relata::row_number()
                                                                     .over(relata::partition_by(e.department_id), relata::order_by(e.salary.desc()))
                                                                     .as<"position">(),
                                                         relata::sum(e.salary).over(relata::partition_by(e.department_id)).as<"department_total">(),
                                                         relata::rank().over(relata::order_by(e.hired)).as<"seniority">())
                                              .order_by(e.id));
    REQUIRE(numbered.size() == 6);
    CHECK(numbered[2] == std::tuple<std::string, std::int64_t, std::optional<std::int64_t>, std::int64_t>{"Alan", 3, 650, 3});
    CHECK(numbered[4] == std::tuple<std::string, std::int64_t, std::optional<std::int64_t>, std::int64_t>{"Edsger", 2, 300, 5});

    constexpr auto r = relata::columns<Ranked>;
    const auto ranked = relata::cte<Ranked>(relata::select<Ranked>(
        e.name, e.department_id,
        relata::row_number().over(relata::partition_by(e.department_id), relata::order_by(e.salary.desc(), e.id)).as<"position">()));
    const auto top2 = relata::all(db, relata::select(r.name).with(ranked).where(r.position <= 2 && r.department_id.is_not_null())
                                          .order_by(r.department_id, r.position));
    CHECK(top2 == std::vector<std::string>{"Ada", "Grace", "Joan", "Edsger"});
}

RELATA_BACKEND_TEST("subqueries: IN, correlated EXISTS and NOT EXISTS, scalar", "[builder][subquery]") {
    relata_test::database test;
    auto& db = test.db;
    seed_query_builder(db);
    // Departments with someone earning over 250.
    CHECK(relata::all(db, relata::select(d.name).where(d.id.in(relata::select(e.department_id).where(e.salary > 250)))) ==
          std::vector<std::string>{"Engineering"});
    // Managers: someone reports to them (correlated EXISTS); the others: NOT EXISTS.
    using report = relata::alias<Employee, "report">;
    constexpr auto rp = relata::columns<report>;
    const auto managers = relata::select(e.name).where(relata::exists(relata::select(rp.id).correlate<Employee>().where(rp.reports_to == e.id))).order_by(e.id);
    CHECK(relata::all(db, managers) == std::vector<std::string>{"Ada", "Grace", "Joan"});
    const auto empty_departments = relata::select(d.name).where(relata::not_exists(relata::select(e.id).correlate<Department>().where(e.department_id == d.id)));
    CHECK(relata::all(db, empty_departments) == std::vector<std::string>{"Legal"});
    // Scalar subqueries: above the average salary; and a per-row count in the select list.
    CHECK(relata::all(db, relata::select(e.name).where(e.salary > relata::select(relata::avg(e.salary))).order_by(e.id)) ==
          std::vector<std::string>{"Ada", "Grace", "Joan"});
    const auto staff = relata::all(db, relata::select(d.name, relata::select(relata::count()).from<Employee>().correlate<Department>()
                                                                  .where(e.department_id == d.id)
                                                                  .as<"staff">())
                                           .order_by(d.id));
    const std::vector<std::tuple<std::string, std::optional<std::int64_t>>> expected{{"Engineering", 3}, {"Sales", 2}, {"Legal", 0}};
    CHECK(staff == expected);
}

RELATA_BACKEND_TEST("UNION, UNION ALL, INTERSECT and EXCEPT", "[builder][set]") {
    relata_test::database test;
    auto& db = test.db;
    seed_query_builder(db);
    const auto rich = relata::select(e.name).where(e.salary >= 180);  // Ada Grace Joan
    const auto early = relata::select(e.name).where(e.hired < std::chrono::sys_days{std::chrono::year{2021} / 1 / 1});  // Ada Grace
    CHECK(relata::all(db, rich.union_all(early).order_by(e.name)) == std::vector<std::string>{"Ada", "Ada", "Grace", "Grace", "Joan"});
    CHECK(relata::all(db, rich.union_distinct(early).order_by(e.name)) == std::vector<std::string>{"Ada", "Grace", "Joan"});
    CHECK(relata::all(db, rich.intersect(early).order_by(e.name)) == std::vector<std::string>{"Ada", "Grace"});
    CHECK(relata::all(db, rich.except(early)) == std::vector<std::string>{"Joan"});
    CHECK(relata::count(db, rich.union_all(early)) == 5);
    CHECK(relata::all(db, rich.order_by(e.name.desc()).limit(1).union_all(early.order_by(e.name).limit(1))) ==
          std::vector<std::string>{"Joan", "Ada"});
}

// relata::first and relata::one render their LIMIT (1, 2) on the outermost SELECT only, as
// query.limit(n) would: an OFFSET stays, the query's own LIMIT is replaced, and a subquery's
// or a compound operand's LIMIT is kept.
RELATA_BACKEND_TEST("first, one and count change only the outermost query", "[builder][set][session]") {
    relata_test::database test;
    auto& db = test.db;
    seed_query_builder(db);
    // Salaries descending: Ada 300, Grace 200, Joan 180, Alan 150, Edsger 120, Linus 100.
    CHECK(relata::first(db, relata::select(e.name).order_by(e.salary.desc()).offset(2)) == std::optional<std::string>("Joan"));
    CHECK(relata::first(db, relata::select(e.name).order_by(e.name).limit(4)) == std::optional<std::string>("Ada"));
    CHECK(relata::one(db, relata::select(e.name).order_by(e.salary).limit(10).offset(5)) == "Ada");

    // The three best paid work in Engineering (Ada, Grace) and Sales (Joan): two departments.
    // A LIMIT 2 leaking into the subquery would leave only Engineering, and one() would pass.
    const auto departments_of_top_three =
        relata::select(d.name).where(d.id.in(relata::select(e.department_id).order_by(e.salary.desc()).limit(3))).order_by(d.name);
    CHECK(relata::all(db, departments_of_top_three) == std::vector<std::string>{"Engineering", "Sales"});
    CHECK(relata::first(db, departments_of_top_three) == std::optional<std::string>("Engineering"));
    CHECK_THROWS_AS(relata::one(db, departments_of_top_three), relata::multiple_results);

    // Each operand keeps its own LIMIT 1; the compound's LIMIT is the one first() and one() set.
    const auto rich = relata::select(e.name).where(e.salary >= 180);  // Ada Grace Joan
    const auto late = relata::select(e.name).where(e.salary < 180);   // Alan Edsger Linus
    const auto both = rich.order_by(e.name.desc()).limit(1).union_all(late.order_by(e.name).limit(1));  // Joan, Alan
    CHECK(relata::first(db, both.order_by(e.name)) == std::optional<std::string>("Alan"));
    CHECK_THROWS_AS(relata::one(db, both), relata::multiple_results);
    CHECK(relata::one(db, both.order_by(e.name).offset(1)) == "Joan");

    // The Session's first and one render the same way.
    relata::session session{db};
    CHECK(session.first(departments_of_top_three) == std::optional<std::string>("Engineering"));
    CHECK_THROWS_AS(session.one(departments_of_top_three), relata::multiple_results);
    CHECK(session.one(both.order_by(e.name).offset(1)) == "Joan");
    CHECK(session.first(relata::select<Employee>().order_by(e.salary.desc()).offset(2))->name == "Joan");
    CHECK(session.one(relata::select<Employee>().order_by(e.salary).limit(10).offset(5)).name == "Ada");

    // count(db, query) and session.count(query) count the query's own rows: a COUNT(*) leaking
    // into the IN subquery would compare d.id with the count 3 (no department), and the LIMIT
    // and OFFSET of the outermost query stay its own.
    const auto third_to_fifth = relata::select(e.name).order_by(e.salary.desc()).limit(3).offset(2);  // Joan Alan Edsger
    CHECK(relata::count(db, departments_of_top_three) == 2);
    CHECK(relata::count(db, both) == 2);
    CHECK(relata::count(db, third_to_fifth) == 3);
    CHECK(relata::count(db, relata::select<Employee>().order_by(e.salary).offset(4)) == 2);
    CHECK(session.count(departments_of_top_three) == 2);
    CHECK(session.count(both) == 2);
    CHECK(session.count(third_to_fifth) == 3);
    CHECK(session.count(relata::select<Employee>().where(e.salary > 150)) == 3);
}

RELATA_BACKEND_TEST("all makes room at the first row: for a LIMIT's rows (at most 1,024), or PostgreSQL's count", "[builder][session]") {
    relata_test::database test;
    auto& db = test.db;
    seed_query_builder(db);  // six employees
    const auto four = relata::all(db, relata::select<Employee>().order_by(e.id).limit(4));
    CHECK(four.size() == 4);
    CHECK(four.capacity() == 4);  // one allocation, not 1, 2, 4
    const auto names = relata::all(db, relata::select(e.name).order_by(e.id).limit(1'000'000));
    CHECK(names.size() == 6);
    // PostgreSQL's result is whole in memory before its first row is read: room for exactly
    // its rows (PQntuples), with or without a LIMIT; SQLite steps rows and cannot count them.
    const bool counts_rows = db.sql_dialect().engine == relata::engine::postgresql;
    CHECK(names.capacity() == (counts_rows ? 6 : 1024));
    const auto everyone = relata::all(db, relata::select<Employee>());
    CHECK(everyone.size() == 6);
    if (counts_rows) CHECK(everyone.capacity() == 6);
    CHECK(relata::all(db, relata::select<Employee>().where(e.salary > 1'000).limit(50)).capacity() == 0);  // no row: nothing
    CHECK(relata::all(db, relata::select(e.name).limit(0)).empty());
    // The Session's projections alike (its tracked rows too, as pointers).
    relata::session session{db};
    const auto three = session.all(relata::select(e.name).order_by(e.id).limit(3));
    CHECK(three == std::vector<std::string>{"Ada", "Grace", "Alan"});
    CHECK(three.capacity() == 3);
    CHECK(session.all(relata::select<Employee>().order_by(e.id).limit(5)).size() == 5);
}

RELATA_BACKEND_TEST("a recursive CTE walks the org chart", "[builder][cte]") {
    relata_test::database test;
    auto& db = test.db;
    seed_query_builder(db);
    constexpr auto c = relata::columns<Chain>;
    const auto chart = relata::cte<Chain>(
        relata::select<Chain>(e.id, e.name, relata::literal<std::int64_t>(0).as<"depth">()).where(e.reports_to.is_null())
            .union_all(relata::select<Chain>(e.id, e.name, (c.depth + 1).as<"depth">()).join(e.reports_to == c.id)));
    const auto rows = relata::all(db, relata::select<Chain>().with_recursive(chart).order_by(c.depth, c.id));
    std::vector<std::string> lines;
    for (const Chain& row : rows) lines.push_back(row.name + ":" + std::to_string(row.depth));
    CHECK(lines == std::vector<std::string>{"Ada:0", "Linus:0", "Grace:1", "Joan:1", "Alan:2", "Edsger:2"});
    CHECK(relata::one(db, relata::select(relata::max(c.depth)).with_recursive(chart)) == 2);
}

RELATA_BACKEND_TEST("INSERT, UPDATE and DELETE query objects with RETURNING", "[builder][write]") {
    relata_test::database test;
    auto& db = test.db;
    seed_query_builder(db);
    const std::int64_t new_id = relata::one(db, relata::insert(Department{.name = "Research"}).returning(d.id));
    CHECK(new_id == 4);
    const std::vector<Department> inserted = relata::all(db, relata::insert(Department{.id = 10, .name = "Ops"}).returning());
    REQUIRE(inserted.size() == 1);
    CHECK(inserted[0].name == "Ops");

    CHECK(relata::execute(db, relata::update<Employee>().set(e.salary, e.salary + 10).where(e.department_id == 2)) == 2);
    CHECK(relata::all(db, relata::select(e.salary).where(e.department_id == 2).order_by(e.id)) == std::vector<int>{190, 130});
    const auto raised = relata::all(db, relata::update<Employee>().set(e.salary, e.salary * 2).set(e.reports_to, std::nullopt)
                                            .where(e.id == 6)
                                            .returning(e.name, e.salary));
    CHECK(raised == std::vector<std::tuple<std::string, int>>{{"Linus", 200}});
    CHECK(db.execute(relata::update<Department>().set(d.name, "Legal & Compliance").where(d.name == "Legal")) == 1);

    CHECK(relata::execute(db, relata::remove<Department>().where(d.id >= 4)) == 2);
    CHECK(relata::all(db, relata::remove<Employee>().where(e.id == 5).returning(e.name)) == std::vector<std::string>{"Edsger"});
    CHECK(relata::count(db, relata::select<Employee>()) == 5);
}

RELATA_BACKEND_TEST("insert_rows: one multi-row INSERT, with generated keys or carried ones", "[builder][write]") {
    relata_test::database test;
    auto& db = test.db;
    seed_query_builder(db);  // departments 1 to 3
    const std::vector<Department> fresh{{0, "Research"}, {0, "Ops"}, {0, "Support"}};
    std::vector<std::int64_t> ids = relata::all(db, relata::insert_rows<Department>(fresh).returning(d.id));
    std::sort(ids.begin(), ids.end());  // RETURNING's row order is not defined (SQLite says so)
    CHECK(ids == std::vector<std::int64_t>{4, 5, 6});
    const std::vector<Department> keyed{{10, "Ten"}, {11, "Eleven"}};
    CHECK(relata::execute(db, relata::insert_rows<Department>(keyed)) == 2);
    CHECK(relata::all(db, relata::select(d.name).where(d.id >= 4).order_by(d.id)) ==
          std::vector<std::string>{"Research", "Ops", "Support", "Ten", "Eleven"});

    // Some objects with their key and some without: refused before any SQL, naming both.
    const std::vector<Department> mixed{{20, "Twenty"}, {0, "Unnumbered"}};
    try {
        (void)relata::insert_rows<Department>(mixed);
        FAIL("insert_rows accepted objects with and without their key");
    } catch (const relata::error& e) {
        CHECK(std::string(e.what()).find("object 1 leaves out its primary key but object 0 carries it") != std::string::npos);
    }
    CHECK_THROWS_AS((void)relata::insert_rows<Department>(std::vector<Department>{}), relata::error);
    CHECK(relata::count(db, relata::select<Department>()) == 8);

    // At the engine's limit of bound parameters (one per row here: the name): the largest
    // statement runs; one row more is refused before it is sent, naming insert_all.
    CHECK(relata::reset_key_sequence<Department>(db) == 12);  // PostgreSQL's sequence did not see keys 10 and 11
    const std::size_t limit = db.max_parameters();
    std::vector<Department> many(limit, Department{0, "bulk"});
    CHECK(relata::execute(db, relata::insert_rows<Department>(many)) == static_cast<std::int64_t>(limit));
    many.push_back(Department{0, "one too many"});
    try {
        (void)relata::execute(db, relata::insert_rows<Department>(many));
        FAIL("a statement over the parameter limit was sent");
    } catch (const relata::error& e) {
        CHECK(std::string(e.what()).find("use relata::insert_all, which splits rows by itself") != std::string::npos);
    }
    CHECK(relata::count(db, relata::select<Department>()) == 8 + static_cast<std::int64_t>(limit));
}

RELATA_BACKEND_TEST("upsert: ON CONFLICT DO NOTHING and DO UPDATE", "[builder][upsert]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Upsert>(db);
    constexpr auto u = relata::columns<Upsert>;
    CHECK(relata::execute(db, relata::insert(Upsert{"a", "first", 1})) == 1);
    CHECK(relata::execute(db, relata::insert(Upsert{"a", "second", 1}).on_conflict(u.code).do_nothing()) == 0);
    CHECK(relata::one(db, relata::select(u.label).where(u.code == "a")) == "first");
    CHECK(relata::execute(db, relata::insert(Upsert{"a", "third", 1}).on_conflict(u.code).do_update()) == 1);
    CHECK(relata::one(db, relata::select(u.label).where(u.code == "a")) == "third");
    // A counter: the existing row's value plus the proposed one.
    for (int i = 0; i < 3; ++i)
        relata::execute(db, relata::insert(Upsert{"hits", "counter", 5}).on_conflict(u.code).do_update(relata::set(u.hits, u.hits + relata::excluded(u.hits))));
    CHECK(relata::one(db, relata::select(u.hits).where(u.code == "hits")) == 15);
    CHECK(relata::all(db, relata::insert(Upsert{"b", "new", 0}).on_conflict_do_nothing().returning(u.code)) == std::vector<std::string>{"b"});
    CHECK(relata::all(db, relata::insert(Upsert{"b", "again", 0}).on_conflict_do_nothing().returning(u.code)).empty());
    REQUIRE_THROWS_AS(relata::execute(db, relata::insert(Upsert{"b", "dup", 0})), relata::constraint_violation);
}

RELATA_BACKEND_TEST("insert_all: 100,000 rows in one COPY or multi-row statements under the parameter limit, all or nothing", "[builder][insert_all]") {
    relata_test::database test;
    auto& db = test.db;
    seed_query_builder(db);
    std::vector<Employee> many;
    for (int i = 0; i < 100'000; ++i) many.push_back(Employee{.name = "worker " + std::to_string(i), .department_id = 1 + i % 3, .salary = i % 500});
    const auto before = db.statement_count();
    CHECK(relata::insert_all(db, many) == 100'000);
    const auto statements = db.statement_count() - before;
    // PostgreSQL: one COPY. SQLite: 5 bound columns per row (the key is generated), each
    // statement holding as many rows as its compiled bound-parameter limit allows.
    const std::uint64_t rows_per_statement = relata::detail::parameter_limit(db) / 5;
    const std::uint64_t expected_inserts = relata_test::engine == relata::engine::postgresql
                                               ? 1
                                               : (100'000 + rows_per_statement - 1) / rows_per_statement;
    CHECK((relata_test::engine == relata::engine::postgresql || expected_inserts > 1));
    CHECK(statements == expected_inserts + 2);  // BEGIN and COMMIT
    CHECK(relata::count(db, relata::select<Employee>()) == 100'006);
    CHECK(relata::one(db, relata::select(relata::sum(e.salary)).where(e.id > 6)) == 200 * (499 * 500 / 2) - 0);

    // A duplicate key in the last chunk: nothing of this call is inserted.
    std::vector<Department> clash;
    for (int i = 0; i < 20'000; ++i) clash.push_back(Department{.id = 100 + i, .name = "d"});
    clash.push_back(Department{.id = 1, .name = "duplicate of Engineering"});
    REQUIRE_THROWS_AS(relata::insert_all(db, clash), relata::constraint_violation);
    CHECK(relata::count(db, relata::select<Department>()) == 3);
    CHECK_FALSE(db.in_transaction());
    CHECK(relata::insert_all(db, std::vector<Department>{}) == 0);
}

RELATA_BACKEND_TEST("bulk writes through the Session expire what it tracks; refresh and expire", "[builder][session]") {
    relata_test::database test;
    auto& db = test.db;
    seed_query_builder(db);
    relata::session session{db};
    Employee& ada = session.get<Employee>(1);
    Employee& linus = session.get<Employee>(6);
    CHECK(session.execute(relata::update<Employee>().set(e.salary, e.salary + 1)) == 6);
    CHECK(ada.salary == 300);                     // not reloaded yet: a plain struct cannot be intercepted
    CHECK(&session.get<Employee>(1) == &ada);     // get() of an expired object reloads it
    CHECK(ada.salary == 301);
    CHECK(session.one(relata::select<Employee>().where(e.id == 6)).salary == 101);  // so does a query
    CHECK(linus.salary == 101);
    CHECK_FALSE(session.is_dirty(linus));

    // The database changes a row behind the Session: refresh() reads it now.
    db.execute(relata::update<Employee>().set(e.name, "Ada Lovelace").where(e.id == 1));
    CHECK(ada.name == "Ada");
    session.refresh(ada);
    CHECK(ada.name == "Ada Lovelace");
    CHECK_FALSE(session.is_dirty(ada));
    // expire(): the next load overwrites unflushed changes.
    ada.salary = 1;
    session.expire(ada);
    (void)session.all(relata::select<Employee>());
    CHECK(ada.salary == 301);
    // A deleted row: refresh() says so and the object leaves the Session.
    db.execute(relata::remove<Employee>().where(e.id == 6));
    REQUIRE_THROWS_AS(session.refresh(linus), relata::no_result);
    CHECK(session.state_of(linus) == relata::object_state::detached);
    CHECK(session.find<Employee>(6) == nullptr);
    // Deleting through the Session expires too: get() of a row that is gone finds nothing.
    Employee& alan = session.get<Employee>(3);
    CHECK(session.execute(relata::remove<Employee>().where(e.id == 3)) == 1);
    CHECK(relata::find<Employee>(session, 3) == nullptr);
    CHECK(session.state_of(alan) == relata::object_state::detached);
    CHECK(relata::get<Employee>(session, 2).name == "Grace");
}
