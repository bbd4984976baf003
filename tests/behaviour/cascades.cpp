// What ON DELETE CASCADE / SET NULL / RESTRICT do to the Session's tracked objects.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backends.hpp"

namespace cascade_models {

struct Folder {
    std::int64_t id = 0;
    std::string name;
};
RELATA_MODEL(Folder, id, name)

struct Document {  // deleted with its folder
    std::int64_t id = 0;
    std::int64_t folder_id = 0;
    std::string title;
};
RELATA_MODEL(Document, id, folder_id, title)

struct Revision {  // deleted with its document: a second level of cascade
    std::int64_t id = 0;
    std::int64_t document_id = 0;
};
RELATA_MODEL(Revision, id, document_id)

struct Shortcut {  // survives its folder, pointing nowhere
    std::int64_t id = 0;
    std::optional<std::int64_t> folder_id;
};
RELATA_MODEL(Shortcut, id, folder_id)

struct Lock {  // a folder with locks cannot be deleted
    std::int64_t id = 0;
    std::int64_t folder_id = 0;
};
RELATA_MODEL(Lock, id, folder_id)

}  // namespace cascade_models

using cascade_models::Document;
using cascade_models::Folder;
using cascade_models::Lock;
using cascade_models::Revision;
using cascade_models::Shortcut;

template <>
struct relata::mapping<Document> {
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&Document::folder_id, &Folder::id).on_delete(relata::cascade)};
};
template <>
struct relata::mapping<Revision> {
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&Revision::document_id, &Document::id).on_delete(relata::cascade)};
};
template <>
struct relata::mapping<Shortcut> {
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&Shortcut::folder_id, &Folder::id).on_delete(relata::set_null)};
};
template <>
struct relata::mapping<Lock> {
    static constexpr auto foreign_keys =
        std::tuple{relata::references(&Lock::folder_id, &Folder::id).on_delete(relata::restrict)};
};

namespace {


template <class Connection>
void seed_cascades(Connection& db, int documents) {
    relata::create_all<Folder, Document, Revision, Shortcut, Lock>(db);
    db.execute("INSERT INTO folder (id, name) VALUES (1, 'inbox'), (2, 'archive')");
    for (int i = 1; i <= documents; ++i) {
        db.execute("INSERT INTO document (id, folder_id, title) VALUES (?, 1, ?)", i, fmt::format("d{}", i));
        db.execute("INSERT INTO revision (id, document_id) VALUES (?, ?)", i, i);
    }
    db.execute("INSERT INTO shortcut (id, folder_id) VALUES (1, 1), (2, 2)");
}

}  // namespace

RELATA_BACKEND_TEST("ON DELETE CASCADE and SET NULL are mirrored in the Session's objects", "[session][cascade]") {
    relata_test::database test;
    auto& db = test.db;
    seed_cascades(db, 3);
    relata::session session{db};
    auto documents = session.all(relata::select<Document>());
    auto revisions = session.all(relata::select<Revision>());
    auto shortcuts = session.all(relata::select<Shortcut>().order_by(relata::columns<Shortcut>.id.asc()));
    REQUIRE(documents.size() == 3);
    REQUIRE(revisions.size() == 3);
    Folder& inbox = session.get<Folder>(1);

    session.remove(inbox);
    session.flush();
    for (Document& d : documents) CHECK(session.state_of(d) == relata::object_state::deleted);
    for (Revision& r : revisions) CHECK(session.state_of(r) == relata::object_state::deleted);  // two levels down
    CHECK(shortcuts[0].folder_id == std::nullopt);
    CHECK_FALSE(session.is_dirty(shortcuts[0]));  // the database already holds the NULL
    CHECK(shortcuts[1].folder_id == 2);            // another folder's shortcut is untouched
    CHECK(session.find<Document>(documents[0].id) == nullptr);

    session.rollback();  // the database puts the rows back; so does the Session
    CHECK(relata_test::count_rows(db, "document") == 3);
    for (Document& d : documents) CHECK(session.state_of(d) == relata::object_state::persistent);
    for (Revision& r : revisions) CHECK(session.state_of(r) == relata::object_state::persistent);
    CHECK(shortcuts[0].folder_id == 1);
    CHECK_FALSE(session.is_dirty(shortcuts[0]));
    CHECK(&session.get<Document>(documents[0].id) == &documents[0]);

    session.remove(session.get<Folder>(1));
    session.commit();
    for (Document& d : documents) CHECK(session.state_of(d) == relata::object_state::detached);
    CHECK(relata_test::count_rows(db, "document") == 0);
    CHECK(relata_test::count_rows(db, "revision") == 0);
    CHECK(relata_test::scalar(db, "SELECT COUNT(*) FROM shortcut WHERE folder_id IS NULL") == 1);
    session.commit();  // nothing left to write: no stale UPDATE or DELETE of cascaded rows
}

RELATA_BACKEND_TEST("ON DELETE RESTRICT surfaces as constraint_violation and changes nothing", "[session][cascade]") {
    relata_test::database test;
    auto& db = test.db;
    seed_cascades(db, 1);
    relata::session session{db};
    auto& lock = session.add(Lock{.folder_id = 1});
    session.commit();
    Document& document = session.all(relata::select<Document>())[0];
    Folder& inbox = session.get<Folder>(1);
    session.remove(inbox);
    CHECK_THROWS_AS(session.commit(), relata::constraint_violation);
    CHECK(session.state_of(inbox) == relata::object_state::persistent);
    CHECK(session.state_of(document) == relata::object_state::persistent);
    CHECK(relata_test::count_rows(db, "document") == 1);
    session.expunge(inbox);  // give up the delete: the Session no longer holds it
    session.remove(lock);
    session.commit();
    CHECK(relata_test::count_rows(db, "folder") == 2);
}

RELATA_BACKEND_TEST("a cascade over 10,000 tracked children", "[session][cascade][size]") {
    relata_test::database test;
    auto& db = test.db;
    relata::create_all<Folder, Document, Revision, Shortcut, Lock>(db);
    db.execute("INSERT INTO folder (id, name) VALUES (1, 'big')");
    {
        relata::session writer{db};
        for (int i = 0; i < 10'000; ++i) writer.add(Document{.folder_id = 1, .title = fmt::format("d{}", i)});
        writer.commit();
    }
    relata::session session{db};
    auto documents = session.all(relata::select<Document>());
    REQUIRE(documents.size() == 10'000);
    session.remove(session.get<Folder>(1));
    session.commit();
    CHECK(session.state_of(documents[9'999]) == relata::object_state::detached);
    CHECK(relata_test::count_rows(db, "document") == 0);
}
