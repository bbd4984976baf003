// expect: relata: a Session tracks objects by primary key
// session.add() of a model without a primary key (no member `id`, no
// relata::mapping<T>::primary_key) does not compile. A stand-in connection keeps the case
// independent of the backends.
#include <cstdint>
#include <string>
#include <string_view>

#include <relata/relata.hpp>

namespace logs {
struct LogLine {
    std::string text;
    int level = 0;
};
RELATA_MODEL(LogLine, text, level)

struct Event {
    std::int64_t id = 0;
    std::string text;
};
RELATA_MODEL(Event, id, text)
}  // namespace logs

// Satisfies relata::connection; never runs anything.
struct null_connection {
    [[nodiscard]] const relata::dialect& sql_dialect() const { return relata::sqlite_dialect; }
    std::int64_t execute(const relata::rendered_query&) { return 0; }
    template <class Callback>
    void for_each_row(const relata::rendered_query&, Callback&&) {}
    void begin(const relata::transaction_options& = {}) {}
    void commit() {}
    void rollback() {}
    [[nodiscard]] bool in_transaction() const { return false; }
    void savepoint(std::string_view) {}
    void release_savepoint(std::string_view) {}
    void rollback_to_savepoint(std::string_view) {}
    [[nodiscard]] std::uint64_t statement_count() const { return 0; }
};
static_assert(relata::connection<null_connection>);

int main() {
    null_connection db;
    relata::session session{db};
#ifndef RELATA_COMPILE_FAIL_CONTROL
    session.add(logs::LogLine{.text = "started", .level = 1});
#else
    session.add(logs::Event{.id = 0, .text = "started"});
#endif
    return 0;
}
