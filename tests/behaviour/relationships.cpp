// Relationships: foreign-key actions in DDL, navigation through the Session (related, children,
// associated), loading strategies (select_in, joined, raise_on_lazy, nested), the N+1 guard.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backends.hpp"

namespace relationship_models {
struct Writer {
    std::int64_t id = 0;
    std::string name;
};
struct Story {
    std::int64_t id = 0;
    std::int64_t writer_id = 0;
    std::optional<std::int64_t> editor_id;
    std::string title;
};
struct Remark {
    std::int64_t id = 0;
    std::int64_t story_id = 0;
    std::string body;
};
struct Label {
    std::int64_t id = 0;
    std::string name;
};
struct StoryLabel {  // association model with its own surrogate key
    std::int64_t id = 0;
    std::int64_t story_id = 0;
    std::int64_t label_id = 0;
};
struct Staff {  // self-referencing
    std::int64_t id = 0;
    std::string name;
    std::optional<std::int64_t> boss_id;
};
struct Guarded {  // ON DELETE RESTRICT
    std::int64_t id = 0;
    std::int64_t writer_id = 0;
};
struct Loose {  // created by hand without a database constraint: dangling keys are possible
    std::int64_t id = 0;
    std::int64_t writer_id = 0;
};
RELATA_MODEL(Writer, id, name)
RELATA_MODEL(Story, id, writer_id, editor_id, title)
RELATA_MODEL(Remark, id, story_id, body)
RELATA_MODEL(Label, id, name)
RELATA_MODEL(StoryLabel, id, story_id, label_id)
RELATA_MODEL(Staff, id, name, boss_id)
RELATA_MODEL(Guarded, id, writer_id)
RELATA_MODEL(Loose, id, writer_id)
struct Pin {  // two foreign keys of one member type to different models
    std::int64_t id = 0;
    std::optional<std::int64_t> story_id;
    std::optional<std::int64_t> label_id;
};
RELATA_MODEL(Pin, id, story_id, label_id)
}  // namespace relationship_models

template <>
struct relata::mapping<relationship_models::Pin> {
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&relationship_models::Pin::story_id, &relationship_models::Story::id),
                   relata::references(&relationship_models::Pin::label_id, &relationship_models::Label::id)};
};

template <>
struct relata::mapping<relationship_models::Story> {
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&relationship_models::Story::writer_id, &relationship_models::Writer::id).on_delete(relata::cascade),
                   relata::references(&relationship_models::Story::editor_id, &relationship_models::Writer::id).on_delete(relata::set_null)};
    static constexpr auto indexes = std::tuple{relata::index(&relationship_models::Story::writer_id)};
};
template <>
struct relata::mapping<relationship_models::Remark> {
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&relationship_models::Remark::story_id, &relationship_models::Story::id).on_delete(relata::cascade)};
    static constexpr auto indexes = std::tuple{relata::index(&relationship_models::Remark::story_id)};
};
template <>
struct relata::mapping<relationship_models::StoryLabel> {
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&relationship_models::StoryLabel::story_id, &relationship_models::Story::id),
                   relata::references(&relationship_models::StoryLabel::label_id, &relationship_models::Label::id)};
};
template <>
struct relata::mapping<relationship_models::Staff> {
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&relationship_models::Staff::boss_id, &relationship_models::Staff::id)};
};
template <>
struct relata::mapping<relationship_models::Guarded> {
    static constexpr auto foreign_keys = std::tuple{
        relata::references(&relationship_models::Guarded::writer_id, &relationship_models::Writer::id).on_delete(relata::restrict)};
};
template <>
struct relata::mapping<relationship_models::Loose> {
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&relationship_models::Loose::writer_id, &relationship_models::Writer::id)};
};

using namespace relationship_models;

namespace {

/// The BEGIN a Session sends before its first statement (autobegin), counted by statement_count().
constexpr std::uint64_t autobegin = 1;

/// BEGIN, COMMIT, ROLLBACK: what autobegin adds around a Session's statements.
bool is_transaction_control(std::string_view sql) {
    return sql.starts_with("BEGIN") || sql.starts_with("COMMIT") || sql.starts_with("ROLLBACK");
}

/// `writers` writers, each with `stories_each` stories, each story with `remarks_each` remarks.
template <class Connection>
void seed_relationships(Connection& db, std::int64_t writers, std::int64_t stories_each, std::int64_t remarks_each = 0) {
    relata::create_all<Writer, Story, Remark, Label, StoryLabel>(db);
    std::vector<Writer> w;
    std::vector<Story> s;
    std::vector<Remark> r;
    std::int64_t story = 0;
    for (std::int64_t i = 1; i <= writers; ++i) {  // keys generated in this order: 1, 2, ...
        w.push_back({0, fmt::format("writer {}", i)});
        for (std::int64_t j = 0; j < stories_each; ++j) {
            ++story;
            s.push_back({0, i, std::nullopt, fmt::format("story {}", story)});
            for (std::int64_t k = 0; k < remarks_each; ++k) r.push_back({0, story, "remark"});
        }
    }
    relata::insert_all(db, w);
    relata::insert_all(db, s);
    relata::insert_all(db, r);
}

relata::session_options quiet() {
    relata::session_options options;
    options.n_plus_one = relata::n_plus_one_mode::off;
    return options;
}

}  // namespace

RELATA_BACKEND_TEST("foreign-key actions: the database applies ON DELETE CASCADE, SET NULL and RESTRICT", "[relationships][schema]") {
    relata_test::database test;
    auto& db = test.db;
    seed_relationships(db, 2, 2, 1);
    relata::create_all<Guarded>(db);
    db.execute(relata::detail::hand_written_query(R"(UPDATE "story" SET "editor_id" = 2 WHERE "writer_id" = 1)", db.sql_dialect(), {}));
    CHECK(relata_test::scalar(db, R"(SELECT COUNT(*) FROM "story" WHERE "editor_id" = 2)") == 2);

    db.execute(relata::detail::hand_written_query(R"(DELETE FROM "writer" WHERE "id" = 2)", db.sql_dialect(), {}));
    CHECK(relata_test::scalar(db, R"(SELECT COUNT(*) FROM "story")") == 2);                         // writer 2's: cascaded
    CHECK(relata_test::scalar(db, R"(SELECT COUNT(*) FROM "remark")") == 2);                        // and their remarks
    CHECK(relata_test::scalar(db, R"(SELECT COUNT(*) FROM "story" WHERE "editor_id" IS NULL)") == 2);  // set null

    relata::insert_all(db, std::vector<Guarded>{{1, 1}});
    CHECK_THROWS_AS(db.execute(relata::detail::hand_written_query(R"(DELETE FROM "writer" WHERE "id" = 1)", db.sql_dialect(), {})),
                    relata::constraint_violation);
    CHECK(relata_test::scalar(db, R"(SELECT COUNT(*) FROM "writer")") == 1);
}

RELATA_BACKEND_TEST("related: many-to-one from the identity map, else one lazy query", "[relationships]") {
    relata_test::database test;
    auto& db = test.db;
    seed_relationships(db, 3, 1);
    relata::session session{db, quiet()};
    constexpr auto s = relata::columns<Story>;
    Story& story = session.one(relata::select<Story>().where(s.id == 2));
    story.editor_id = 3;
    session.flush();

    auto before = db.statement_count();
    Writer& writer = session.related(story, &Story::writer_id);  // not tracked: one query
    CHECK(writer.name == "writer 2");
    CHECK(db.statement_count() == before + 1);
    CHECK(session.statistics().lazy_loads == 1);

    before = db.statement_count();
    CHECK(&session.related(story, &Story::writer_id) == &writer);  // tracked: no SQL
    CHECK(&session.get<Writer>(2) == &writer);
    CHECK(db.statement_count() == before);

    Writer* editor = session.related(story, &Story::editor_id);  // optional member: a pointer
    REQUIRE(editor != nullptr);
    CHECK(editor->name == "writer 3");
    story.editor_id.reset();
    CHECK(session.related(story, &Story::editor_id) == nullptr);

    // An explicit target, and a member that is no declared foreign key.
    CHECK(&session.related<Writer>(story, &Story::writer_id) == &writer);
    CHECK_THROWS_AS(session.related<Writer>(story, &Story::id), relata::session_error);
}

RELATA_BACKEND_TEST("related: a dangling non-optional key throws no_result", "[relationships]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Writer>(db);
    db.execute_script(R"(CREATE TABLE "loose" ("id" BIGINT PRIMARY KEY, "writer_id" BIGINT NOT NULL))");
    relata::insert_all(db, std::vector<Loose>{{1, 42}});
    relata::session session{db, quiet()};
    Loose& loose = session.get<Loose>(1);
    CHECK_THROWS_AS(session.related(loose, &Loose::writer_id), relata::no_result);
    try {
        session.related(loose, &Loose::writer_id);
    } catch (const relata::no_result& e) {
        CHECK(std::string(e.what()).find("Loose.writer_id") != std::string::npos);
    }
}

RELATA_BACKEND_TEST("children: one lazy query per parent, then memory, tracking changes", "[relationships]") {
    relata_test::database test;
    auto& db = test.db;
    seed_relationships(db, 2, 3);
    relata::session session{db, quiet()};
    Writer& first = session.get<Writer>(1);

    auto before = db.statement_count();
    auto stories = session.children<Story>(first, &Story::writer_id);
    CHECK(db.statement_count() == before + 1);
    REQUIRE(stories.size() == 3);
    CHECK(stories[0].id == 1);
    CHECK(stories[2].id == 3);
    for (Story& story : stories) CHECK(&session.related(story, &Story::writer_id) == &first);

    before = db.statement_count();
    CHECK(session.children<Story>(first, &Story::writer_id).size() == 3);
    CHECK(db.statement_count() == before);  // remembered as loaded

    // A child added to the Session counts at once; a removed one leaves at once.
    Story& added = session.add(Story{.writer_id = 1, .title = "new"});
    auto now = session.children<Story>(first, &Story::writer_id);
    REQUIRE(now.size() == 4);
    CHECK(&now[3] == &added);
    session.remove(stories[0]);
    CHECK(session.children<Story>(first, &Story::writer_id).size() == 3);

    // Re-pointed in memory: left out of the old parent at once, under the new one after a flush.
    Writer& second = session.get<Writer>(2);
    CHECK(session.children<Story>(second, &Story::writer_id).size() == 3);
    stories[1].writer_id = 2;
    CHECK(session.children<Story>(first, &Story::writer_id).size() == 2);
    session.flush();
    before = db.statement_count();
    CHECK(session.children<Story>(second, &Story::writer_id).size() == 4);
    CHECK(session.children<Story>(first, &Story::writer_id).size() == 2);
    CHECK(db.statement_count() == before);

    // A pending parent runs no SQL.
    Writer& fresh = session.add(Writer{.name = "fresh"});
    before = db.statement_count();
    CHECK(session.children<Story>(fresh, &Story::writer_id).empty());
    CHECK(db.statement_count() == before);

    // A bulk write makes collections load again.
    constexpr auto s = relata::columns<Story>;
    session.execute(relata::update<Story>().set(s.writer_id, std::int64_t{2}).where(s.writer_id == 1));
    before = db.statement_count();
    CHECK(session.children<Story>(second, &Story::writer_id).size() == 6);
    CHECK(session.children<Story>(first, &Story::writer_id).empty());
    CHECK(db.statement_count() == before + 2);

    // After clear() everything is loaded again.
    session.clear();
    Writer& again = session.get<Writer>(2);
    before = db.statement_count();
    CHECK(session.children<Story>(again, &Story::writer_id).size() == 6);
    CHECK(db.statement_count() == before + 1);
}

RELATA_BACKEND_TEST("associated: many-to-many through an association model", "[relationships]") {
    relata_test::database test;
    auto& db = test.db;
    seed_relationships(db, 1, 2);
    relata::insert_all(db, std::vector<Label>{{1, "c++"}, {2, "sql"}, {3, "orm"}});
    relata::insert_all(db, std::vector<StoryLabel>{{1, 1, 1}, {2, 1, 3}, {3, 2, 2}});
    relata::session session{db, quiet()};
    Story& story = session.get<Story>(1);
    auto before = db.statement_count();
    auto labels = session.associated<Label>(story, &StoryLabel::story_id, &StoryLabel::label_id);
    CHECK(db.statement_count() == before + 2);  // the links, then the labels
    REQUIRE(labels.size() == 2);
    CHECK(labels[0].name == "c++");
    CHECK(labels[1].name == "orm");
    before = db.statement_count();
    CHECK(session.associated<Label>(story, &StoryLabel::story_id, &StoryLabel::label_id).size() == 2);
    CHECK(db.statement_count() == before);
    // The other direction: stories of a label; the story is tracked, so only the links are loaded.
    Label& orm = labels[1];
    before = db.statement_count();
    auto stories = session.associated<Story>(orm, &StoryLabel::label_id, &StoryLabel::story_id);
    REQUIRE(stories.size() == 1);
    CHECK(&stories[0] == &story);
    CHECK(db.statement_count() == before + 1);
}

RELATA_BACKEND_TEST("statement counts: lazy 1 + N, select_in 2, joined 1", "[relationships]") {
    relata_test::database test;
    auto& db = test.db;
    constexpr std::int64_t writers = 25;
    seed_relationships(db, writers, 2);
    const auto total_stories = [&](auto& session, const auto& authors) {
        std::size_t n = 0;
        for (Writer& w : authors) n += session.template children<Story>(w, &Story::writer_id).size();
        return n;
    };
    {
        relata::session session{db, quiet()};
        const auto before = db.statement_count();
        auto authors = session.all(relata::select<Writer>());
        CHECK(total_stories(session, authors) == 2 * writers);
        CHECK(db.statement_count() == before + autobegin + 1 + writers);
        CHECK(session.statistics().queries == 1 + writers);
        CHECK(session.statistics().lazy_loads == writers);
    }
    {
        relata::session session{db, quiet()};
        const auto before = db.statement_count();
        auto authors = session.all(relata::select<Writer>().load(relata::select_in(&Story::writer_id)));
        CHECK(total_stories(session, authors) == 2 * writers);
        CHECK(db.statement_count() == before + autobegin + 2);
        CHECK(session.statistics().lazy_loads == 0);
        CHECK(session.statistics().loader_queries == 1);
    }
    {
        relata::session session{db, quiet()};
        const auto before = db.statement_count();
        auto authors = session.all(relata::select<Writer>().load(relata::joined(&Story::writer_id)));
        CHECK(authors.size() == writers);  // de-duplicated parents
        CHECK(authors[0].id == 1);
        CHECK(total_stories(session, authors) == 2 * writers);
        CHECK(db.statement_count() == before + autobegin + 1);
    }
    {  // many-to-one: a loop over stories touching their writer
        relata::session session{db, quiet()};
        auto before = db.statement_count();
        for (Story& story : session.all(relata::select<Story>())) CHECK(session.related(story, &Story::writer_id).id == story.writer_id);
        CHECK(db.statement_count() == before + autobegin + 1 + writers);  // one per distinct writer
        relata::session second{db, quiet()};
        before = db.statement_count();
        for (Story& story : second.all(relata::select<Story>().load(relata::select_in(&Story::writer_id))))
            CHECK(second.related(story, &Story::writer_id).id == story.writer_id);
        CHECK(db.statement_count() == before + 2);
        relata::session third{db, quiet()};
        before = db.statement_count();
        for (Story& story : third.all(relata::select<Story>().load(relata::joined(&Story::writer_id))))
            CHECK(third.related(story, &Story::writer_id).id == story.writer_id);
        CHECK(db.statement_count() == before + 1);
    }
}

RELATA_BACKEND_TEST("loading options: the SQL of select_in and joined", "[relationships]") {
    relata_test::database test;
    auto& db = test.db;
    seed_relationships(db, 2, 1);
    std::vector<std::string> statements;
    db.on_sql([&](std::string_view sql) { if (!is_transaction_control(sql)) statements.emplace_back(sql); });
    const bool pg = relata_test::engine == relata::engine::postgresql;
    {
        relata::session session{db, quiet()};
        session.all(relata::select<Writer>().load(relata::select_in(&Story::writer_id)));
        REQUIRE(statements.size() == 2);
        CHECK(statements[0] == R"(SELECT "id", "name" FROM "writer")");
        CHECK(statements[1] == (pg ? R"(SELECT "id", "writer_id", "editor_id", "title" FROM "story" WHERE "writer_id" IN ($1, $2) ORDER BY "id" ASC)"
                                   : R"(SELECT "id", "writer_id", "editor_id", "title" FROM "story" WHERE "writer_id" IN (?, ?) ORDER BY "id" ASC)"));
    }
    statements.clear();
    {
        relata::session session{db, quiet()};
        session.all(relata::select<Writer>().load(relata::joined(&Story::writer_id)));
        REQUIRE(statements.size() == 1);
        CHECK(statements[0] ==
              R"(SELECT "writer"."id", "writer"."name", "story"."id", "story"."writer_id", "story"."editor_id", "story"."title" )"
              R"(FROM "writer" LEFT JOIN "story" ON "story"."writer_id" = "writer"."id" ORDER BY "story"."id" ASC)");
    }
    statements.clear();
    {
        relata::session session{db, quiet()};
        session.all(relata::select<Story>().load(relata::joined(&Story::writer_id)));
        REQUIRE(statements.size() == 1);
        CHECK(statements[0] ==
              R"(SELECT "story"."id", "story"."writer_id", "story"."editor_id", "story"."title", "writer"."id", "writer"."name" )"
              R"(FROM "story" LEFT JOIN "writer" ON "story"."writer_id" = "writer"."id")");
    }
    db.on_sql({});
}

RELATA_BACKEND_TEST("loading options: nested, first/one, limits, raise_on_lazy, to_sql", "[relationships]") {
    relata_test::database test;
    auto& db = test.db;
    seed_relationships(db, 4, 3, 2);
    constexpr auto w = relata::columns<Writer>;
    {  // authors -> stories -> remarks, and each story's writer: 3 statements, then none
        relata::session session{db, quiet()};
        const auto before = db.statement_count();
        auto authors = session.all(relata::select<Writer>().order_by(w.id).load(
            relata::select_in(&Story::writer_id).then(relata::select_in(&Remark::story_id)).then(relata::select_in(&Story::writer_id))));
        CHECK(db.statement_count() == before + autobegin + 3);
        std::size_t remarks = 0;
        for (Writer& writer : authors)
            for (Story& story : session.children<Story>(writer, &Story::writer_id)) {
                CHECK(&session.related(story, &Story::writer_id) == &writer);
                remarks += session.children<Remark>(story, &Remark::story_id).size();
            }
        CHECK(remarks == 4 * 3 * 2);
        CHECK(db.statement_count() == before + autobegin + 3);
    }
    {  // joined under nesting loads as select_in; joined at the top with a limit too
        relata::session session{db, quiet()};
        const auto before = db.statement_count();
        Writer* first = session.first(relata::select<Writer>().order_by(w.id).load(
            relata::joined(&Story::writer_id).then(relata::joined(&Remark::story_id))));
        REQUIRE(first != nullptr);
        CHECK(first->id == 1);
        CHECK(db.statement_count() == before + autobegin + 3);
        CHECK(session.children<Story>(*first, &Story::writer_id).size() == 3);
        CHECK(db.statement_count() == before + autobegin + 3);
        Writer& one = session.one(relata::select<Writer>().where(w.id == 2).load(relata::joined(&Story::writer_id)));
        CHECK(session.children<Story>(one, &Story::writer_id).size() == 3);
    }
    {  // two joined options to the same model: the table joins once, the second loads as select_in
        relata::session session{db, quiet()};
        constexpr auto st = relata::columns<Story>;
        session.execute(relata::update<Story>().set(st.editor_id, std::int64_t{4}));
        const auto before = db.statement_count();
        auto stories = session.all(relata::select<Story>().load(relata::joined(&Story::writer_id), relata::joined(&Story::editor_id)));
        CHECK(db.statement_count() == before + 1);  // Writer 4 is among the writers the join loaded
        REQUIRE(stories.size() == 12);
        for (Story& story : stories) {
            CHECK(session.related(story, &Story::writer_id).id == story.writer_id);
            Writer* editor = session.related(story, &Story::editor_id);
            REQUIRE(editor != nullptr);
            CHECK(editor->id == 4);
        }
        CHECK(db.statement_count() == before + 1);
    }
    {  // raise_on_lazy
        relata::session session{db, quiet()};
        auto authors = session.all(relata::select<Writer>().order_by(w.id).load(relata::raise_on_lazy(&Story::writer_id)));
        REQUIRE(authors.size() == 4);
        try {
            session.children<Story>(authors[0], &Story::writer_id);
            FAIL("expected relata::lazy_load_error");
        } catch (const relata::lazy_load_error& e) {
            CHECK(std::string(e.what()).find("Writer -> [Story.writer_id]") != std::string::npos);
        }
        auto stories = session.all(relata::select<Story>().load(relata::raise_on_lazy(&Story::writer_id)));
        REQUIRE(!stories.empty());
        Writer& expected = session.get<Writer>(stories[0].writer_id);
        CHECK(&session.related(stories[0], &Story::writer_id) == &expected);  // tracked: no load needed
        session.expunge(expected);
        CHECK_THROWS_AS(session.related(stories[0], &Story::writer_id), relata::lazy_load_error);
        // Loaded with the query: allowed.
        auto loaded = session.all(relata::select<Writer>().where(w.id == 2).load(relata::select_in(&Story::writer_id)));
        CHECK(session.children<Story>(loaded[0], &Story::writer_id).size() == 3);
    }
    // The options render no SQL of their own.
    const auto base = relata::select<Writer>().where(w.id > 1);
    CHECK(relata::to_sql(base.load(relata::select_in(&Story::writer_id)), db.sql_dialect()).sql ==
          relata::to_sql(base, db.sql_dialect()).sql);
}

RELATA_BACKEND_TEST("self-referencing relationship: select_in and children", "[relationships]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Staff>(db);
    relata::insert_all(db, std::vector<Staff>{{1, "boss", std::nullopt}, {2, "a", 1}, {3, "b", 1}, {4, "c", 2}});
    relata::session session{db, quiet()};
    const auto before = db.statement_count();
    auto staff = session.all(relata::select<Staff>().load(relata::select_in(&Staff::boss_id)));
    CHECK(db.statement_count() == before + autobegin + 1);  // every boss is already in the result
    for (Staff& person : staff) {
        Staff* boss = session.related(person, &Staff::boss_id);
        CHECK((boss == nullptr) == !person.boss_id.has_value());
    }
    CHECK(db.statement_count() == before + autobegin + 1);
    Staff& top = session.get<Staff>(1);
    CHECK(session.children<Staff>(top, &Staff::boss_id).size() == 2);
}

RELATA_BACKEND_TEST("select_in chunks keys under the engine's parameter limit", "[relationships][size]") {
    relata_test::database test;
    auto& db = test.db;
    // More parents than one PostgreSQL statement can bind (65,535).
    constexpr std::int64_t writers = 70'000;
    relata::create_all<Writer, Story, Remark, Label, StoryLabel>(db);
    {
        std::vector<Writer> w;
        std::vector<Story> s;
        for (std::int64_t i = 1; i <= writers; ++i) {
            w.push_back({0, "w"});
            if (i % 7 == 0) s.push_back({0, i, std::nullopt, "s"});
        }
        relata::insert_all(db, w);
        relata::insert_all(db, s);
    }
    relata::session session{db, quiet()};
    const auto before = db.statement_count();
    auto authors = session.all(relata::select<Writer>().load(relata::select_in(&Story::writer_id)));
    REQUIRE(authors.size() == writers);
    const std::size_t chunks = (static_cast<std::size_t>(writers) + db.max_parameters() - 1) / db.max_parameters();
    if (relata_test::engine == relata::engine::postgresql) CHECK(chunks == 2);
    CHECK(db.statement_count() == before + autobegin + 1 + chunks);
    std::size_t stories = 0;
    for (Writer& writer : authors) stories += session.children<Story>(writer, &Story::writer_id).size();
    CHECK(stories == writers / 7);
    CHECK(db.statement_count() == before + autobegin + 1 + chunks);
}

RELATA_BACKEND_TEST("10,000 parents navigated stay linear: lazily and after select_in", "[relationships][size]") {
    relata_test::database test;
    auto& db = test.db;
    constexpr std::int64_t writers = 10'000;
    seed_relationships(db, writers, 1);
    {
        relata::session_options options = quiet();
        options.autoflush = false;  // the dirty check of every tracked object before each lazy query is the Session's, not ours
        relata::session session{db, options};
        const auto before = db.statement_count();
        std::size_t stories = 0;
        for (Writer& writer : session.all(relata::select<Writer>())) stories += session.children<Story>(writer, &Story::writer_id).size();
        CHECK(stories == writers);
        CHECK(db.statement_count() == before + autobegin + 1 + writers);
    }
    relata::session session{db, quiet()};
    const auto before = db.statement_count();
    auto authors = session.all(relata::select<Writer>().load(relata::select_in(&Story::writer_id)));
    for (int round = 0; round < 3; ++round) {
        std::size_t stories = 0;
        for (Writer& writer : authors)
            for (Story& story : session.children<Story>(writer, &Story::writer_id)) {
                CHECK(session.related(story, &Story::writer_id).id == writer.id);
                ++stories;
            }
        CHECK(stories == writers);
    }
    CHECK(db.statement_count() == before + autobegin + 2);
}

RELATA_BACKEND_TEST("N+1 guard: off, warn once, raise", "[relationships][n_plus_one]") {
    relata_test::database test;
    auto& db = test.db;
    seed_relationships(db, 15, 1);
    const auto lazy_loop = [](auto& session) {
        for (Writer& writer : session.all(relata::select<Writer>())) (void)session.template children<Story>(writer, &Story::writer_id);
    };
    {
        std::vector<std::string> messages;
        relata::session_options options;
        options.n_plus_one = relata::n_plus_one_mode::off;
        options.n_plus_one_log = [&](std::string_view m) { messages.emplace_back(m); };
        relata::session session{db, options};
        lazy_loop(session);
        CHECK(messages.empty());
    }
    {
        std::vector<std::string> messages;
        relata::session_options options;  // default: warn
        CHECK(options.n_plus_one == relata::n_plus_one_mode::warn);
        CHECK(options.n_plus_one_threshold == 10);
        options.n_plus_one_log = [&](std::string_view m) { messages.emplace_back(m); };
        relata::session session{db, options};
        lazy_loop(session);
        REQUIRE(messages.size() == 1);  // once per relationship
        CHECK(messages[0].find("Writer -> [Story.writer_id]") != std::string::npos);
        CHECK(messages[0].find("relata::select_in(&Story::writer_id)") != std::string::npos);
        for (Story& story : session.all(relata::select<Story>()))
            CHECK(session.related(story, &Story::writer_id).id == story.writer_id);  // tracked: no lazy load
        CHECK(messages.size() == 1);
        session.clear();
        for (Story& story : session.all(relata::select<Story>())) (void)session.related(story, &Story::writer_id);
        REQUIRE(messages.size() == 2);  // the many-to-one relationship, lazily loaded 15 times
        CHECK(messages[1].find("Story.writer_id -> Writer") != std::string::npos);
    }
    {
        relata::session_options options;
        options.n_plus_one = relata::n_plus_one_mode::raise;
        relata::session session{db, options};
        auto authors = session.all(relata::select<Writer>());
        for (std::size_t i = 0; i < 10; ++i) (void)session.children<Story>(authors[i], &Story::writer_id);
        CHECK_THROWS_AS(session.children<Story>(authors[10], &Story::writer_id), relata::n_plus_one_detected);
        // A loader query resets the count.
        auto loaded = session.all(relata::select<Writer>().load(relata::select_in(&Story::writer_id)));
        for (Writer& writer : loaded) CHECK(session.children<Story>(writer, &Story::writer_id).size() == 1);
    }
    {  // a throwing log callback: the exception leaves the navigation
        relata::session_options options;
        options.n_plus_one_threshold = 2;
        options.n_plus_one_log = [](std::string_view) { throw std::runtime_error("log failed"); };
        relata::session session{db, options};
        auto authors = session.all(relata::select<Writer>());
        (void)session.children<Story>(authors[0], &Story::writer_id);
        (void)session.children<Story>(authors[1], &Story::writer_id);
        CHECK_THROWS_AS(session.children<Story>(authors[2], &Story::writer_id), std::runtime_error);
        CHECK(session.children<Story>(authors[3], &Story::writer_id).size() == 1);  // warned once already
    }
}

RELATA_BACKEND_TEST("foreign keys of one member type to different models: named targets, loading options", "[relationships]") {
    relata_test::database test;
    auto& db = test.db;
    seed_relationships(db, 1, 2);
    relata::create_all<Pin>(db);
    relata::insert_all(db, std::vector<Label>{{1, "c++"}});
    relata::insert_all(db, std::vector<Pin>{{1, 1, 1}, {2, 2, std::nullopt}, {3, std::nullopt, 1}});
    relata::session session{db, quiet()};
    auto before = db.statement_count();
    auto pins = session.all(relata::select<Pin>().load(relata::select_in(&Pin::story_id), relata::select_in(&Pin::label_id)));
    CHECK(db.statement_count() == before + autobegin + 3);
    REQUIRE(pins.size() == 3);
    before = db.statement_count();
    std::size_t stories = 0;
    std::size_t labels = 0;
    for (Pin& pin : pins) {
        if (Story* story = session.related<Story>(pin, &Pin::story_id)) stories += story->id == *pin.story_id ? 1 : 0;
        if (Label* label = session.related<Label>(pin, &Pin::label_id)) labels += label->name == "c++" ? 1 : 0;
    }
    CHECK(stories == 2);
    CHECK(labels == 2);
    CHECK(session.children<Pin>(session.get<Label>(1), &Pin::label_id).size() == 2);
    CHECK(db.statement_count() == before + 1);  // the label's pins
    CHECK_THROWS_AS(session.related<Label>(pins[0], &Pin::story_id), relata::session_error);  // references Story, not Label
}
