// Introspection of a live database (relata::introspect, relata::introspect_table) and
// verification of models against it (relata::verify_schema, relata::schema_mismatches).
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "backends.hpp"

namespace schema_introspection_test {
struct SiAuthor {
    std::int64_t id = 0;
    std::string name;
    std::optional<std::string> email;
};
struct SiPost {
    std::int64_t id = 0;
    std::int64_t author_id = 0;
    std::string title;
    std::optional<double> score;
    std::int32_t votes = 0;
};
struct SiTag {
    std::int64_t post_id = 0;
    std::string label;
};
// No primary key member: the table's generated key stays unmapped.
struct SiNote {
    std::string body;
};
// One member of each kind, for the type compatibility rules.
struct SiTypes {
    std::int64_t id = 0;
    std::int16_t small = 0;
    std::int32_t medium = 0;
    std::int64_t large = 0;
    bool flag = false;
    double ratio = 0;
    float weight = 0;
    std::string label;
    relata::blob data;
    relata::timestamp at{};
    relata::date day{};
};
RELATA_MODEL(SiAuthor, id, name, email)
RELATA_MODEL(SiPost, id, author_id, title, score, votes)
RELATA_MODEL(SiTag, post_id, label)
RELATA_MODEL(SiNote, body)
RELATA_MODEL(SiTypes, id, small, medium, large, flag, ratio, weight, label, data, at, day)
}  // namespace schema_introspection_test

template <>
struct relata::mapping<schema_introspection_test::SiAuthor> {
    static constexpr auto unique = std::tuple{relata::unique(&schema_introspection_test::SiAuthor::email)};
};
template <>
struct relata::mapping<schema_introspection_test::SiPost> {
    static constexpr auto foreign_keys = std::tuple{
        relata::references(&schema_introspection_test::SiPost::author_id, &schema_introspection_test::SiAuthor::id)
            .on_delete(relata::cascade)};
    static constexpr auto indexes = std::tuple{relata::index(&schema_introspection_test::SiPost::title)};
};
template <>
struct relata::mapping<schema_introspection_test::SiTag> {
    static constexpr auto primary_key =
        std::tuple{&schema_introspection_test::SiTag::post_id, &schema_introspection_test::SiTag::label};
    static constexpr auto foreign_keys = std::tuple{
        relata::references(&schema_introspection_test::SiTag::post_id, &schema_introspection_test::SiPost::id)
            .on_delete(relata::cascade)
            .on_update(relata::restrict)};
};

namespace schema_introspection_test {

using strings = std::vector<std::string>;

struct logger_failure {};  // not a std::exception: nothing on the way may catch and wrap it

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

inline const relata::column_info& column(const relata::table_info& table, const std::string& name) {
    const relata::column_info* found = table.find_column(name);
    REQUIRE(found != nullptr);
    return *found;
}

// The index over exactly `columns` (create_all derives the name; the test does not depend on it).
inline const relata::index_info* index_over(const relata::table_info& table, const strings& columns) {
    for (const relata::index_info& index : table.indexes)
        if (index.columns == columns) return &index;
    return nullptr;
}

inline std::vector<std::tuple<relata::mismatch_kind, std::string, std::string>> summary(
    const std::vector<relata::mismatch>& mismatches) {
    std::vector<std::tuple<relata::mismatch_kind, std::string, std::string>> out;
    for (const relata::mismatch& m : mismatches) out.emplace_back(m.kind, m.table, m.column);
    return out;
}

}  // namespace schema_introspection_test

RELATA_BACKEND_TEST("introspect finds every table, column, key, index and foreign key create_all made", "[schema_introspection]") {
    namespace t = schema_introspection_test;
    relata_test::database test;
    auto& db = test.db;
    const bool sqlite = relata_test::engine == relata::engine::sqlite;
    relata::create_all<t::SiAuthor, t::SiPost, t::SiTag>(db);
    db.execute("CREATE INDEX si_post_scored ON si_post (score) WHERE score IS NOT NULL");
    db.execute("ALTER TABLE si_post ADD COLUMN status TEXT NOT NULL DEFAULT 'draft'");
    db.execute("ALTER TABLE si_post ADD COLUMN note TEXT");

    const relata::schema live = relata::introspect(db);
    t::strings tables;
    for (const auto& table : live.tables) tables.push_back(table.name);
    CHECK(tables == t::strings{"si_author", "si_post", "si_tag"});

    const relata::table_info* author = live.find_table("si_author");
    REQUIRE(author != nullptr);
    REQUIRE(author->columns.size() == 3);
    CHECK(author->columns[0].name == "id");
    CHECK(author->columns[1].name == "name");
    CHECK(author->columns[2].name == "email");
    CHECK(author->primary_key == t::strings{"id"});
    const relata::column_info& id = t::column(*author, "id");
    CHECK(id.primary_key_position == 1);
    CHECK_FALSE(id.nullable);
    CHECK(id.generated);  // SQLite rowid alias; PostgreSQL identity
    CHECK(id.type == (sqlite ? "INTEGER" : "bigint"));
    const relata::column_info& name = t::column(*author, "name");
    CHECK(name.type == (sqlite ? "TEXT" : "text"));
    CHECK_FALSE(name.nullable);
    CHECK(name.primary_key_position == 0);
    CHECK_FALSE(name.generated);
    CHECK_FALSE(name.default_value);
    CHECK(t::column(*author, "email").nullable);
    REQUIRE(author->unique_constraints.size() == 1);
    CHECK(author->unique_constraints[0].columns == t::strings{"email"});
    CHECK(author->indexes.empty());
    CHECK(author->foreign_keys.empty());

    const relata::table_info* post = live.find_table("si_post");
    REQUIRE(post != nullptr);
    REQUIRE(post->columns.size() == 7);
    CHECK(t::column(*post, "score").type == (sqlite ? "REAL" : "double precision"));
    CHECK(t::column(*post, "votes").type == (sqlite ? "INTEGER" : "integer"));
    const relata::column_info& status = t::column(*post, "status");
    REQUIRE(status.default_value);
    CHECK(t::contains(*status.default_value, "'draft'"));  // PostgreSQL: 'draft'::text
    CHECK_FALSE(status.nullable);
    REQUIRE(post->foreign_keys.size() == 1);
    const relata::foreign_key_info& to_author = post->foreign_keys[0];
    CHECK(to_author.columns == t::strings{"author_id"});
    CHECK(to_author.referenced_table == "si_author");
    CHECK(to_author.referenced_columns == t::strings{"id"});
    CHECK(to_author.on_delete == "CASCADE");
    CHECK(to_author.on_update == "NO ACTION");
    REQUIRE(post->indexes.size() == 2);
    const relata::index_info* by_title = t::index_over(*post, {"title"});
    REQUIRE(by_title != nullptr);
    CHECK_FALSE(by_title->unique);
    CHECK_FALSE(by_title->predicate);
    const relata::index_info* scored = post->find_index("si_post_scored");
    REQUIRE(scored != nullptr);
    CHECK(scored->columns == t::strings{"score"});
    REQUIRE(scored->predicate);
    CHECK(t::contains(*scored->predicate, "score IS NOT NULL"));  // PostgreSQL: (score IS NOT NULL)

    const relata::table_info* tag = live.find_table("si_tag");
    REQUIRE(tag != nullptr);
    CHECK(tag->primary_key == t::strings{"post_id", "label"});
    CHECK(t::column(*tag, "post_id").primary_key_position == 1);
    CHECK(t::column(*tag, "label").primary_key_position == 2);
    CHECK_FALSE(t::column(*tag, "post_id").generated);
    CHECK_FALSE(t::column(*tag, "label").nullable);
    REQUIRE(tag->foreign_keys.size() == 1);
    CHECK(tag->foreign_keys[0].referenced_table == "si_post");
    CHECK(tag->foreign_keys[0].on_delete == "CASCADE");
    CHECK(tag->foreign_keys[0].on_update == "RESTRICT");

    // One table alone reads the same; an unknown one is no table.
    const auto post_alone = relata::introspect_table(db, "si_post");
    REQUIRE(post_alone);
    CHECK(*post_alone == *post);
    CHECK_FALSE(relata::introspect_table(db, "si_missing"));

    // The round trip: the models match what create_all made, unmapped columns that are
    // nullable or defaulted included.
    CHECK(relata::schema_mismatches<t::SiAuthor, t::SiPost, t::SiTag>(db).empty());
    CHECK_NOTHROW(relata::verify_schema<t::SiAuthor, t::SiPost, t::SiTag>(db));

    // A dropped column is reported by table and column (SQLite: ALTER TABLE DROP COLUMN since 3.35).
    db.execute("DROP INDEX si_post_scored");
    db.execute("ALTER TABLE si_post DROP COLUMN score");
    try {
        relata::verify_schema<t::SiAuthor, t::SiPost, t::SiTag>(db);
        FAIL("verify_schema accepted a table without a mapped column");
    } catch (const relata::schema_mismatch& e) {
        REQUIRE(e.mismatches().size() == 1);
        CHECK(e.mismatches()[0].kind == relata::mismatch_kind::missing_column);
        CHECK(t::contains(e.what(), "table \"si_post\", column \"score\": missing"));
    }
}

RELATA_BACKEND_TEST("verify_schema reports every mismatch at once", "[schema_introspection]") {
    namespace t = schema_introspection_test;
    using kind = relata::mismatch_kind;
    relata_test::database test;
    auto& db = test.db;
    const bool sqlite = relata_test::engine == relata::engine::sqlite;
    // si_author: name nullable, email missing (and so its UNIQUE), an unmapped NOT NULL column
    // without default. si_post: no primary key, title of a type that holds no text, no foreign
    // key, votes wider than the std::int32_t member. si_tag: missing.
    db.execute("CREATE TABLE si_author (id INTEGER PRIMARY KEY, name TEXT, extra TEXT NOT NULL, "
               "spare TEXT NOT NULL DEFAULT '')");
    db.execute(std::string("CREATE TABLE si_post (id INTEGER NOT NULL, author_id INTEGER NOT NULL, title ") +
               (sqlite ? "BLOB" : "BYTEA") + " NOT NULL, score REAL, votes BIGINT NOT NULL)");

    std::vector<std::tuple<kind, std::string, std::string>> expected{
        {kind::nullable_column, "si_author", "name"},       {kind::missing_column, "si_author", "email"},
        {kind::missing_unique, "si_author", "email"},       {kind::unmapped_required_column, "si_author", "extra"},
        {kind::incompatible_type, "si_post", "title"}};
    if (!sqlite) expected.emplace_back(kind::incompatible_type, "si_post", "votes");  // SQLite: INTEGER affinity
    expected.emplace_back(kind::primary_key, "si_post", "");
    expected.emplace_back(kind::missing_foreign_key, "si_post", "author_id");
    expected.emplace_back(kind::missing_index, "si_post", "title");
    expected.emplace_back(kind::missing_table, "si_tag", "");

    CHECK(t::summary(relata::schema_mismatches<t::SiAuthor, t::SiPost, t::SiTag>(db)) == expected);
    try {
        relata::verify_schema<t::SiAuthor, t::SiPost, t::SiTag>(db);
        FAIL("verify_schema accepted a schema with mismatches");
    } catch (const relata::schema_mismatch& e) {
        CHECK(t::summary(e.mismatches()) == expected);
        const std::string what = e.what();
        INFO(what);
        CHECK(what.starts_with("relata: the database schema does not match the models (" +
                               std::to_string(expected.size()) + " mismatches):"));
        CHECK(t::contains(what, "\n  table \"si_author\", column \"name\": nullable, but member SiAuthor::name is not std::optional"));
        CHECK(t::contains(what, "\n  table \"si_author\", column \"email\": missing"));
        CHECK(t::contains(what, "\n  table \"si_author\", column \"extra\": NOT NULL without a default"));
        CHECK(t::contains(what, "\n  table \"si_post\", column \"title\": its type "));
        CHECK(t::contains(what, "\n  table \"si_post\": no primary key"));
        CHECK(t::contains(what, "\n  table \"si_tag\": missing"));
        CHECK(t::contains(what, "\n  table \"si_post\", column \"title\": no index \"si_post__title__idx\" on (\"title\")"));
        CHECK_FALSE(t::contains(what, "spare"));
    }
    // Caught as any relata error.
    REQUIRE_THROWS_AS((relata::verify_schema<t::SiTag>(db)), relata::error);
}

RELATA_BACKEND_TEST("verify_schema compares foreign key actions and the mapped indexes", "[schema_introspection]") {
    namespace t = schema_introspection_test;
    using kind = relata::mismatch_kind;
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<t::SiAuthor>(db);
    // The mapping: si_post.author_id ON DELETE CASCADE, an index si_post__title__idx on (title);
    // si_tag.post_id ON DELETE CASCADE ON UPDATE RESTRICT. Here: the key without actions, the
    // index of that name on two columns, and si_tag's key with the other ON UPDATE action.
    db.execute("CREATE TABLE si_post (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES si_author (id), "
               "title TEXT NOT NULL, score REAL, votes INTEGER NOT NULL)");
    db.execute("CREATE INDEX si_post__title__idx ON si_post (title, votes)");
    db.execute("CREATE TABLE si_tag (post_id INTEGER NOT NULL REFERENCES si_post (id) ON DELETE CASCADE ON UPDATE CASCADE, "
               "label TEXT NOT NULL, PRIMARY KEY (post_id, label))");
    const auto found = relata::schema_mismatches<t::SiAuthor, t::SiPost, t::SiTag>(db);
    CHECK(t::summary(found) == std::vector<std::tuple<kind, std::string, std::string>>{
                                   {kind::foreign_key_action, "si_post", "author_id"},
                                   {kind::index_definition, "si_post", "title"},
                                   {kind::foreign_key_action, "si_tag", "post_id"}});
    REQUIRE(found.size() == 3);
    CHECK(found[0].what == "foreign key (\"author_id\") REFERENCES \"si_author\" (\"id\") is ON DELETE NO ACTION ON UPDATE "
                           "NO ACTION; the model SiPost has ON DELETE CASCADE ON UPDATE NO ACTION");
    CHECK(found[1].what == "the index \"si_post__title__idx\" is on (\"title\", \"votes\"); the model SiPost has the index "
                           "\"si_post__title__idx\" on (\"title\")");
    CHECK(found[2].what == "foreign key (\"post_id\") REFERENCES \"si_post\" (\"id\") is ON DELETE CASCADE ON UPDATE CASCADE; "
                           "the model SiTag has ON DELETE CASCADE ON UPDATE RESTRICT");

    // A unique or partial index of that name on the right column is still another index.
    db.execute("DROP INDEX si_post__title__idx");
    db.execute("CREATE UNIQUE INDEX si_post__title__idx ON si_post (title)");
    const auto unique = relata::schema_mismatches<t::SiPost>(db);
    REQUIRE(unique.size() == 2);
    CHECK(unique[1].kind == kind::index_definition);
    CHECK(t::contains(unique[1].what, "the unique index \"si_post__title__idx\" is on (\"title\")"));
    db.execute("DROP INDEX si_post__title__idx");
    db.execute("CREATE INDEX si_post__title__idx ON si_post (title) WHERE votes > 0");
    const auto partial = relata::schema_mismatches<t::SiPost>(db);
    REQUIRE(partial.size() == 2);
    CHECK(t::contains(partial[1].what, "is on (\"title\") (partial); the model SiPost has the index"));
    // The index as the mapping has it, and an index it does not list: only the key's action is left.
    db.execute("DROP INDEX si_post__title__idx");
    db.execute("CREATE INDEX si_post__title__idx ON si_post (title)");
    db.execute("CREATE INDEX si_post_by_votes ON si_post (votes)");
    CHECK(t::summary(relata::schema_mismatches<t::SiPost>(db)) ==
          std::vector<std::tuple<kind, std::string, std::string>>{{kind::foreign_key_action, "si_post", "author_id"}});
    try {
        relata::verify_schema<t::SiPost>(db);
        FAIL("verify_schema accepted a foreign key without the mapping's ON DELETE CASCADE");
    } catch (const relata::schema_mismatch& e) {
        CHECK(t::contains(e.what(), "table \"si_post\", column \"author_id\": foreign key (\"author_id\") REFERENCES"));
    }
}

RELATA_BACKEND_TEST("verify_schema leaves generated columns unmapped and reports another primary key", "[schema_introspection]") {
    namespace t = schema_introspection_test;
    relata_test::database test;
    auto& db = test.db;
    const bool sqlite = relata_test::engine == relata::engine::sqlite;
    // A generated key the model leaves out: SQLite's rowid alias; PostgreSQL identity and serial.
    db.execute(sqlite ? "CREATE TABLE si_note (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"
                      : "CREATE TABLE si_note (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, legacy SERIAL, "
                        "body VARCHAR(200) NOT NULL)");
    const auto note = relata::introspect_table(db, "si_note");
    REQUIRE(note);
    CHECK(t::column(*note, "id").generated);
    if (!sqlite) {
        CHECK(t::column(*note, "legacy").generated);
        CHECK_FALSE(t::column(*note, "legacy").nullable);
        CHECK(t::column(*note, "body").type == "character varying(200)");
    }
    CHECK(relata::schema_mismatches<t::SiNote>(db).empty());

    // The key on other columns than the model's: reported with both.
    db.execute("CREATE TABLE si_tag (post_id INTEGER NOT NULL, label TEXT NOT NULL PRIMARY KEY)");
    const auto found = relata::schema_mismatches<t::SiTag>(db);
    REQUIRE(found.size() == 2);  // and the foreign key to si_post
    CHECK(found[0].kind == relata::mismatch_kind::primary_key);
    CHECK(found[0].what == "primary key (\"label\"); the model SiTag has (\"post_id\", \"label\")");
    CHECK(found[1].kind == relata::mismatch_kind::missing_foreign_key);

    // What the SQL logger throws reaches the caller as it is.
    db.on_sql([](std::string_view) { throw t::logger_failure{}; });
    REQUIRE_THROWS_AS(relata::verify_schema<t::SiNote>(db), t::logger_failure);
    REQUIRE_THROWS_AS(relata::introspect(db), t::logger_failure);
    db.on_sql({});
}

RELATA_BACKEND_TEST("introspect reads the widest table the engine allows and names that need quoting", "[schema_introspection]") {
    namespace t = schema_introspection_test;
    relata_test::database test;
    auto& db = test.db;
    const bool sqlite = relata_test::engine == relata::engine::sqlite;
    // Names are bound as parameters, never spliced into the catalog queries.
    const std::string table = "si \"odd\" table; DROP TABLE si_keep --";
    const std::size_t width = sqlite ? 2000 : 1600;  // SQLITE_MAX_COLUMN's default; PostgreSQL's MaxHeapAttributeNumber
    std::string ddl = "CREATE TABLE \"si \"\"odd\"\" table; DROP TABLE si_keep --\" (\"it's \"\"quoted\"\"\" INTEGER PRIMARY KEY";
    for (std::size_t i = 2; i <= width; ++i) ddl += fmt::format(", c{} TEXT{}", i, i % 2 == 0 ? " NOT NULL" : "");
    ddl += ")";
    db.execute("CREATE TABLE si_keep (id INTEGER PRIMARY KEY)");
    db.execute(ddl);
    db.execute("CREATE INDEX \"si index 'x'\" ON \"si \"\"odd\"\" table; DROP TABLE si_keep --\" (c2, c3)");

    const relata::schema live = relata::introspect(db);
    REQUIRE(live.tables.size() == 2);
    const relata::table_info* odd = live.find_table(table);
    REQUIRE(odd != nullptr);
    REQUIRE(odd->columns.size() == width);
    CHECK(odd->columns.front().name == "it's \"quoted\"");
    CHECK(odd->primary_key == t::strings{"it's \"quoted\""});
    CHECK(odd->columns[1].name == "c2");
    CHECK_FALSE(odd->columns[1].nullable);
    CHECK(odd->columns[2].nullable);
    CHECK(odd->columns.back().name == fmt::format("c{}", width));
    REQUIRE(odd->indexes.size() == 1);
    CHECK(odd->indexes[0].name == "si index 'x'");
    CHECK(odd->indexes[0].columns == t::strings{"c2", "c3"});
    CHECK(live.find_table("si_keep") != nullptr);
}

RELATA_BACKEND_TEST("verify_schema accepts the column types that hold each member and reports the others", "[schema_introspection]") {
    namespace t = schema_introspection_test;
    relata_test::database test;
    auto& db = test.db;
    const bool sqlite = relata_test::engine == relata::engine::sqlite;
    // Holding: SQLite by affinity (DATETIME and NUMERIC(10,2) are NUMERIC); PostgreSQL integers
    // narrower than the member, NUMERIC for a double, timestamp without time zone.
    db.execute(sqlite ? "CREATE TABLE si_types (id INTEGER PRIMARY KEY, small SMALLINT NOT NULL, medium INT NOT NULL, "
                        "large BIGINT NOT NULL, flag BOOLEAN NOT NULL, ratio NUMERIC(10,2) NOT NULL, weight FLOAT NOT "
                        "NULL, label NVARCHAR(20) NOT NULL, data BLOB NOT NULL, at DATETIME NOT NULL, day DATE NOT NULL)"
                      : "CREATE TABLE si_types (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, small SMALLINT "
                        "NOT NULL, medium SMALLINT NOT NULL, large INTEGER NOT NULL, flag BOOLEAN NOT NULL, ratio "
                        "NUMERIC(10,2) NOT NULL, weight REAL NOT NULL, label VARCHAR(20) NOT NULL, data BYTEA NOT NULL, "
                        "at TIMESTAMP NOT NULL, day DATE NOT NULL)");
    CHECK(relata::schema_mismatches<t::SiTypes>(db).empty());
    // ... and they do hold them: written and read back unchanged.
    const t::SiTypes row{.small = -7, .medium = 300, .large = 70000, .flag = true, .ratio = 0.5, .weight = 1.25f,
                         .label = "x", .data = relata::blob{std::byte{1}, std::byte{0}},
                         .at = relata::timestamp{std::chrono::seconds{1700000000}},
                         .day = relata::date{std::chrono::days{19000}}};
    {
        relata::session session{db};
        session.add(row);
        session.commit();
    }
    const auto read = relata::all(db, relata::select<t::SiTypes>());
    REQUIRE(read.size() == 1);
    CHECK(read[0].small == row.small);
    CHECK(read[0].medium == row.medium);
    CHECK(read[0].large == row.large);
    CHECK(read[0].flag == row.flag);
    CHECK(read[0].ratio == row.ratio);
    CHECK(read[0].weight == row.weight);
    CHECK(read[0].label == row.label);
    CHECK(read[0].data == row.data);
    CHECK(read[0].at == row.at);
    CHECK(read[0].day == row.day);

    db.execute("DROP TABLE si_types");
    // Not holding: every mapped column but the key. PostgreSQL: wider integers and floats too.
    db.execute(sqlite ? "CREATE TABLE si_types (id INTEGER PRIMARY KEY, small TEXT NOT NULL, medium REAL NOT NULL, "
                        "large BLOB NOT NULL, flag VARCHAR(5) NOT NULL, ratio TEXT NOT NULL, weight INTEGER NOT NULL, "
                        "label INT NOT NULL, data TEXT NOT NULL, at BLOB NOT NULL, day DOUBLE NOT NULL)"
                      : "CREATE TABLE si_types (id BIGINT PRIMARY KEY, small INTEGER NOT NULL, medium BIGINT NOT NULL, "
                        "large NUMERIC NOT NULL, flag INTEGER NOT NULL, ratio TEXT NOT NULL, weight DOUBLE PRECISION "
                        "NOT NULL, label INTEGER NOT NULL, data TEXT NOT NULL, at DATE NOT NULL, day TIMESTAMP NOT NULL)");
    t::strings reported;
    for (const relata::mismatch& m : relata::schema_mismatches<t::SiTypes>(db)) {
        CHECK(m.kind == relata::mismatch_kind::incompatible_type);
        reported.push_back(m.column);
    }
    CHECK(reported == t::strings{"small", "medium", "large", "flag", "ratio", "weight", "label", "data", "at", "day"});
}
