// Migration planning without a database: the SQLite rebuild statements (lang_altertable.html
// section 7), where kept live columns go in relata's CREATE TABLE, which PostgreSQL type
// changes widen, the review script of a plan, and plan_options as an immutable value.
#include <string>
#include <vector>

#include "catch.hpp"

#include <relata/relata.hpp>
#include <relata/schema/plan_migration.hpp>

namespace migration_plan_core {

struct Note {
    std::int64_t id = 0;
    std::string text;
    int stars = 0;
};
RELATA_MODEL(Note, id, text, stars)

}  // namespace migration_plan_core

template <>
struct relata::mapping<migration_plan_core::Note> {
    using N = migration_plan_core::Note;
    static constexpr auto table = "note";
    static constexpr auto defaults = std::tuple{relata::default_sql(&N::text, "lower('A,B')")};
    static constexpr auto checks = std::tuple{relata::check("stars >= 0")};
    static constexpr auto indexes = std::tuple{relata::index(&N::stars)};
};

TEST_CASE("plan: the SQLite rebuild keeps live columns before the table constraints", "[migration_plan]") {
    const relata::dialect& d = relata::sqlite_dialect;
    const std::string create = relata::create_table_sql<migration_plan_core::Note>(d).sql;
    relata::column_info legacy{"legacy", "VARCHAR(20)", false, std::string("'x'"), 0, false};
    relata::column_info required{"audit", "TEXT", false, std::nullopt, 0, false};  // NOT NULL, no default: becomes nullable
    const relata::detail::sqlite_rebuild rebuild{"note", create, 3, {legacy, required}, {"id", "text", "legacy", "audit"},
                                                 {"CREATE INDEX \"i\" ON \"note\" (\"stars\")"}, {"CREATE TRIGGER t ..."}};
    const std::vector<std::string> statements = relata::detail::sqlite_rebuild_statements(d, rebuild);
    REQUIRE(statements.size() == 6);
    CHECK(statements[0] ==
          "CREATE TABLE \"relata_new_note\" (\"id\" INTEGER PRIMARY KEY, \"text\" TEXT NOT NULL DEFAULT (lower('A,B')), "
          "\"stars\" INTEGER NOT NULL, \"legacy\" VARCHAR(20) NOT NULL DEFAULT ('x'), \"audit\" TEXT, "
          "CONSTRAINT \"note_check_" +
              create.substr(create.find("note_check_") + 11, 8) + "\" CHECK (stars >= 0))");
    CHECK(statements[1] == "INSERT INTO \"relata_new_note\" (\"id\", \"text\", \"legacy\", \"audit\") "
                           "SELECT \"id\", \"text\", \"legacy\", \"audit\" FROM \"note\"");
    CHECK(statements[2] == "DROP TABLE \"note\"");
    CHECK(statements[3] == "ALTER TABLE \"relata_new_note\" RENAME TO \"note\"");
    CHECK(statements[4] == "CREATE INDEX \"i\" ON \"note\" (\"stars\")");
    CHECK(statements[5] == "CREATE TRIGGER t ...");

    CHECK(relata::detail::sqlite_end_of_columns("CREATE TABLE t (a INTEGER DEFAULT (f(1, 2)), b TEXT DEFAULT ',')", 2) ==
          std::string("CREATE TABLE t (a INTEGER DEFAULT (f(1, 2)), b TEXT DEFAULT ',')").size() - 1);
    CHECK_THROWS_AS(relata::detail::sqlite_end_of_columns("CREATE TABLE t (a INTEGER)", 2), relata::schema_error);
}

TEST_CASE("plan: PostgreSQL type changes that keep every value", "[migration_plan]") {
    using relata::sql_type;
    using relata::detail::postgres_widening;
    CHECK(postgres_widening("integer", sql_type::bigint));
    CHECK(postgres_widening("smallint", sql_type::integer));
    CHECK(postgres_widening("integer", sql_type::double_precision));
    CHECK(postgres_widening("character varying(20)", sql_type::text));
    CHECK(postgres_widening("bigint", sql_type::numeric));
    CHECK_FALSE(postgres_widening("bigint", sql_type::integer));
    CHECK_FALSE(postgres_widening("bigint", sql_type::double_precision));  // beyond 2^53
    CHECK_FALSE(postgres_widening("text", sql_type::bigint));
    CHECK_FALSE(postgres_widening("bytea", sql_type::text));
    CHECK_FALSE(postgres_widening("double precision", sql_type::real));
}

TEST_CASE("plan: the review script and the options", "[migration_plan]") {
    relata::migration_plan plan{relata::engine::postgresql, {}, {}, {}};
    CHECK(plan.empty());
    plan.steps.push_back({relata::plan_step_kind::add_column, "post", "votes", "add column \"post\".\"votes\" INTEGER",
                          {"ALTER TABLE \"post\" ADD COLUMN \"votes\" INTEGER"}});
    plan.not_applied.push_back({relata::plan_step_kind::drop_table, "old", "", "drop table \"old\"",
                                "plan_options{}.allow_drop_table(\"old\")"});
    CHECK(relata::to_string(plan) ==
          "-- relata migration plan for PostgreSQL: 1 step, applied in one transaction by relata::apply_plan\n"
          "-- 1. add column \"post\".\"votes\" INTEGER\n"
          "ALTER TABLE \"post\" ADD COLUMN \"votes\" INTEGER;\n"
          "-- not applied (destructive): drop table \"old\"; allow it with plan_options{}.allow_drop_table(\"old\")\n");
    CHECK(plan.contains(relata::plan_step_kind::add_column));
    CHECK_FALSE(plan.contains(relata::plan_step_kind::drop_table));
    CHECK(relata::to_string(relata::plan_step_kind::foreign_key_check) == "foreign key check");

    const relata::plan_options base;
    const relata::plan_options more = base.rename_column("post", "titel", "title").allow_drop_table("old");
    CHECK(base.column_renames().empty());
    CHECK(base.drop_tables().empty());
    REQUIRE(more.column_renames().size() == 1);
    CHECK(more.column_renames()[0].to == "title");
    CHECK(more.drop_tables() == std::vector<std::string>{"old"});
}
