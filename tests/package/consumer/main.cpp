// The program every consumer test (tests/package) builds against relata, however it was
// obtained: an in-memory SQLite database, one INSERT and one SELECT through relata.
// Prints "relata <version>: <title>" and exits 0, or exits 1.
#include <cstdint>
#include <iostream>
#include <string>

#include <relata/execute.hpp>
#include <relata/model.hpp>
#include <relata/query/insert.hpp>
#include <relata/query/select.hpp>
#include <relata/schema.hpp>
#include <relata/sqlite.hpp>
#include <relata/version.hpp>

namespace consumer {
struct Note {
    std::int64_t id = 0;
    std::string title;
};
RELATA_MODEL(Note, id, title)
}  // namespace consumer

int main() {
    auto db = relata::sqlite::connect(":memory:");
    relata::create_all<consumer::Note>(db);
    relata::execute(db, relata::insert(consumer::Note{.title = "packaged"}));
    const auto notes = relata::all(db, relata::select<consumer::Note>());
    if (notes.size() != 1 || notes.front().title != "packaged") return 1;
    std::cout << "relata " << RELATA_VERSION_STRING << ": " << notes.front().title << '\n';
    return 0;
}
