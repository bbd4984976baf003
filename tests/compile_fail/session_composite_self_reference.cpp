// expect: relata: a composite foreign key from a model to itself is not supported
// A Session flushing a model whose composite foreign key references the model itself does not
// compile (the row-level flush order handles single-column self-references only). A stand-in
// connection keeps the case independent of the backends.
#include <cstdint>
#include <optional>
#include <string_view>
#include <tuple>

#include <relata/relata.hpp>

namespace docs {
struct Revision {
    std::int64_t id = 0;
    std::int64_t version = 0;
    std::optional<std::int64_t> previous_id;
    std::optional<std::int64_t> previous_version;
};
RELATA_MODEL(Revision, id, version, previous_id, previous_version)
}  // namespace docs

template <>
struct relata::mapping<docs::Revision> {
    static constexpr auto primary_key = std::tuple{&docs::Revision::id, &docs::Revision::version};
#ifndef RELATA_COMPILE_FAIL_CONTROL
    static constexpr auto foreign_keys =
        std::tuple{relata::references(std::tuple{&docs::Revision::previous_id, &docs::Revision::previous_version},
                                      std::tuple{&docs::Revision::id, &docs::Revision::version})};
#endif
};

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
    session.add(docs::Revision{.id = 1, .version = 1});
    session.flush();
    return 0;
}
