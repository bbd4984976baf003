// SQLite files that are not what they should be (issue 9, faults): a file that is not a
// database, a database with a page overwritten, a missing file opened read-only, a read-only
// file written through a Session. Each is a relata error naming the cause, never a crash
// (ASan/UBSan run this in CI), and the Session keeps its objects for a retry elsewhere.
#include "backends.hpp"
#include "database_file.hpp"

#if defined(RELATA_TEST_BACKEND_SQLITE)
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace sqlite_faults_test {

struct Note {
    std::int64_t id = 0;
    std::string text;
    int rank = 0;
};
RELATA_MODEL(Note, id, text, rank)

}  // namespace sqlite_faults_test

using sqlite_faults_test::Note;

namespace {

/// Overwrites `length` bytes at `offset` of `path` with `byte`.
void overwrite(const std::string& path, std::streamoff offset, std::size_t length, char byte) {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    REQUIRE(file);
    file.seekp(offset);
    const std::string bytes(length, byte);
    file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    REQUIRE(file);
}

/// Reads every note; the message of the relata::error it throws, or "" when it read them all.
std::string read_all_error(relata::sqlite::connection& db) {
    try {
        (void)relata::all(db, relata::select<Note>());
        return "";
    } catch (const relata::error& error) {
        return error.what();
    }
}

}  // namespace

TEST_CASE("sqlite faults: a file that is not a database is connection_error naming SQLite's reason", "[sqlite][faults]") {
    relata_test::database_file file("not_a_database");
    {
        std::ofstream out(file.path(), std::ios::binary);
        for (int i = 0; i < 1000; ++i) out << "this is a text file, not an SQLite database\n";
    }
    auto db = relata::sqlite::connect(file.path());  // SQLite opens lazily: the first statement finds out
    try {
        relata::create_all<Note>(db);
        FAIL("a text file was used as a database");
    } catch (const relata::connection_error& error) {
        CHECK(std::string(error.what()).find("file is not a database") != std::string::npos);
    }
}

TEST_CASE("sqlite faults: a database with overwritten pages gives database errors, never a crash", "[sqlite][faults]") {
    relata_test::database_file original("corruption_original");
    {
        auto db = relata::sqlite::connect(original.path());
        relata::create_all<Note>(db);
        std::vector<Note> notes;
        for (int i = 0; i < 5000; ++i) notes.push_back(Note{.id = 0, .text = fmt::format("note number {} of many", i), .rank = i});
        relata::insert_all(db, notes);
    }
    const auto size = static_cast<std::streamoff>(std::filesystem::file_size(original.path()));
    REQUIRE(size > 16 * 4096);
    int errors = 0;
    int survived = 0;
    // Pages of the table's b-tree overwritten with each of three patterns, one copy per case.
    for (const char pattern : {'\xFF', '\x00', '\x0D'}) {
        for (const std::streamoff page : {std::streamoff(1), std::streamoff(3), size / 4096 / 2, size / 4096 - 1}) {
            CAPTURE(static_cast<int>(static_cast<unsigned char>(pattern)), page);
            relata_test::database_file copy("corruption_copy");
            std::filesystem::copy_file(original.path(), copy.path());
            overwrite(copy.path(), page * 4096 + 8, 4000, pattern);
            try {
                auto db = relata::sqlite::connect(copy.path());
                const std::string error = read_all_error(db);
                if (error.empty()) {
                    ++survived;  // the bytes hit only values; the rows read are whatever they now are
                } else {
                    ++errors;
                    CHECK(error.starts_with("relata: "));
                }
                relata::session session{db};
                session.add(Note{.id = 0, .text = "after the damage", .rank = -1});
                try {
                    session.commit();
                } catch (const relata::error&) {
                    CHECK(session.statistics().flushes == 0);
                }
            } catch (const relata::error& error) {  // e.g. the schema page itself unreadable
                ++errors;
                CHECK(std::string(error.what()).starts_with("relata: "));
            }
        }
    }
    CHECK(errors > 0);  // most cases are detected as corruption
    CHECK(errors + survived == 12);
    std::printf("faults (sqlite): %d corrupted copies, %d reported as relata errors, %d read without one, 0 crashes\n",
                errors + survived, errors, survived);
}

TEST_CASE("sqlite faults: a missing file opened read-only, and a Session on a read-only file", "[sqlite][faults]") {
    relata_test::database_file missing("missing");
    CHECK_THROWS_AS(relata::sqlite::connect(missing.path(), {.read_only = true}), relata::connection_error);
    CHECK_FALSE(std::filesystem::exists(missing.path()));  // not created

    relata_test::database_file file("read_only");
    {
        auto db = relata::sqlite::connect(file.path());
        relata::create_all<Note>(db);
        db.execute("INSERT INTO note (text, rank) VALUES ('kept', 1)");
    }
    auto reader = relata::sqlite::connect(file.path(), {.read_only = true});
    relata::session session{reader};
    auto& kept = session.get<Note>(1);
    kept.rank = 2;
    auto& added = session.add(Note{.id = 0, .text = "new", .rank = 3});
    try {
        session.commit();
        FAIL("a read-only database was written");
    } catch (const relata::database_error& error) {
        CHECK(error.code() == SQLITE_READONLY);
        CHECK(std::string(error.what()).find("readonly") != std::string::npos);
    }
    CHECK_FALSE(reader.in_transaction());
    CHECK(kept.rank == 2);  // kept for a retry
    CHECK(session.state_of(added) == relata::object_state::pending);
    CHECK(relata_test::scalar(reader, "SELECT COUNT(*) FROM note") == 1);
}
#endif
