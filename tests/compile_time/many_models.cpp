// The compile-time benchmark's scaling program (issue 8: "growth linear to 50 models"): a base
// model plus RELATA_COMPILE_TIME_GENERATED (0, 10, 25 or 50) generated models, each used the
// way an application uses a model — declared with RELATA_MODEL, mapped (a UNIQUE constraint, a
// foreign key to the model before it, an index), created by one create_all, written through a
// Session (add, commit, get, change, commit) and read with one typed relata::all. Every model
// has the same 7 members (std::int64_t, std::string, std::optional<std::string>, int, double,
// bool, std::optional<std::int64_t>), so the per-model cost read off two variants is the cost
// of one more such model, not of a different shape. The base model pays the first use of
// every relata template (the variant with 0 generated models), so the differences measure
// models, not relata's one-time instantiations.
//
// cmake/compile_time_benchmark.sh compiles it (-c) as the variants generated_0/10/25/50; with
// -DRELATA_COMPILE_TIME_RUN it has a main() that runs every model's function against an
// in-memory SQLite database (target relata_compile_time_many_models), so the benchmark
// measures code that works.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <relata/relata.hpp>
#include <relata/sqlite.hpp>

#ifndef RELATA_COMPILE_TIME_GENERATED
#define RELATA_COMPILE_TIME_GENERATED 50
#endif
#if RELATA_COMPILE_TIME_GENERATED != 0 && RELATA_COMPILE_TIME_GENERATED != 10 && \
    RELATA_COMPILE_TIME_GENERATED != 25 && RELATA_COMPILE_TIME_GENERATED != 50
#error "relata: RELATA_COMPILE_TIME_GENERATED must be 0, 10, 25 or 50"
#endif

namespace generated {
/// Rows read by the models' queries, so nothing is optimized away.
extern std::size_t rows_read;
std::size_t rows_read = 0;
}  // namespace generated

// Model N: its struct; its mapping, with a foreign key to model PREVIOUS; its use.
#define RELATA_CT_DECLARE(N)                                                                                       \
    namespace generated {                                                                                          \
    struct item##N {                                                                                               \
        std::int64_t id = 0;                                                                                       \
        std::string name;                                                                                          \
        std::optional<std::string> note;                                                                           \
        int quantity = 0;                                                                                          \
        double price = 0;                                                                                          \
        bool active = false;                                                                                       \
        std::optional<std::int64_t> previous_id;                                                                   \
    };                                                                                                             \
    RELATA_MODEL(item##N, id, name, note, quantity, price, active, previous_id)                                    \
    }

#define RELATA_CT_MAPPING(N, PREVIOUS)                                                                             \
    template <>                                                                                                    \
    struct relata::mapping<generated::item##N> {                                                                   \
        static constexpr auto unique = std::tuple{relata::unique(&generated::item##N::name)};                      \
        static constexpr auto foreign_keys =                                                                       \
            std::tuple{relata::references(&generated::item##N::previous_id, &generated::item##PREVIOUS::id)};     \
        static constexpr auto indexes = std::tuple{relata::index(&generated::item##N::quantity)};                  \
    };

#define RELATA_CT_USE(N)                                                                                           \
    namespace generated {                                                                                          \
    void use##N(relata::sqlite::connection& db);                                                                   \
    void use##N(relata::sqlite::connection& db) {                                                                  \
        relata::session session{db};                                                                               \
        item##N row;                                                                                               \
        row.name = "item " #N;                                                                                     \
        row.quantity = N;                                                                                          \
        item##N& added = session.add(std::move(row));                                                              \
        session.commit();                                                                                          \
        const std::int64_t id = added.id;                                                                          \
        session.get<item##N>(id).quantity += 1;                                                                    \
        session.commit();                                                                                          \
        constexpr auto c = relata::columns<item##N>;                                                               \
        rows_read += relata::all(db, relata::select<item##N>().where(c.quantity == N + 1).order_by(c.name)).size(); \
    }                                                                                                              \
    }

#define RELATA_CT_MODEL(N, PREVIOUS) RELATA_CT_DECLARE(N) RELATA_CT_MAPPING(N, PREVIOUS) RELATA_CT_USE(N)

#define RELATA_CT_TYPE(N, PREVIOUS) , generated::item##N
#define RELATA_CT_CALL(N, PREVIOUS) generated::use##N(db);

#define RELATA_CT_MODELS_1_10(M) M(1, 0) M(2, 1) M(3, 2) M(4, 3) M(5, 4) M(6, 5) M(7, 6) M(8, 7) M(9, 8) M(10, 9)
#define RELATA_CT_MODELS_11_25(M)                                                                                  \
    M(11, 10) M(12, 11) M(13, 12) M(14, 13) M(15, 14) M(16, 15) M(17, 16) M(18, 17) M(19, 18) M(20, 19) M(21, 20) \
    M(22, 21) M(23, 22) M(24, 23) M(25, 24)
#define RELATA_CT_MODELS_26_50(M)                                                                                  \
    M(26, 25) M(27, 26) M(28, 27) M(29, 28) M(30, 29) M(31, 30) M(32, 31) M(33, 32) M(34, 33) M(35, 34) M(36, 35) \
    M(37, 36) M(38, 37) M(39, 38) M(40, 39) M(41, 40) M(42, 41) M(43, 42) M(44, 43) M(45, 44) M(46, 45) M(47, 46) \
    M(48, 47) M(49, 48) M(50, 49)

#if RELATA_COMPILE_TIME_GENERATED >= 10
#define RELATA_CT_GENERATED_1_10(M) RELATA_CT_MODELS_1_10(M)
#else
#define RELATA_CT_GENERATED_1_10(M)
#endif
#if RELATA_COMPILE_TIME_GENERATED >= 25
#define RELATA_CT_GENERATED_11_25(M) RELATA_CT_MODELS_11_25(M)
#else
#define RELATA_CT_GENERATED_11_25(M)
#endif
#if RELATA_COMPILE_TIME_GENERATED >= 50
#define RELATA_CT_GENERATED_26_50(M) RELATA_CT_MODELS_26_50(M)
#else
#define RELATA_CT_GENERATED_26_50(M)
#endif
#define RELATA_CT_GENERATED(M) RELATA_CT_GENERATED_1_10(M) RELATA_CT_GENERATED_11_25(M) RELATA_CT_GENERATED_26_50(M)

// The base model: the same members, no foreign key.
RELATA_CT_DECLARE(0)

template <>
struct relata::mapping<generated::item0> {
    static constexpr auto unique = std::tuple{relata::unique(&generated::item0::name)};
    static constexpr auto indexes = std::tuple{relata::index(&generated::item0::quantity)};
};

RELATA_CT_USE(0)

RELATA_CT_GENERATED(RELATA_CT_MODEL)

namespace generated {
void create_schema(relata::sqlite::connection& db);
void create_schema(relata::sqlite::connection& db) {
    relata::create_all<item0 RELATA_CT_GENERATED(RELATA_CT_TYPE)>(db);
}
}  // namespace generated

#ifdef RELATA_COMPILE_TIME_RUN
#include <cstdio>

int main() {
    auto db = relata::sqlite::connect(":memory:");
    generated::create_schema(db);
    generated::use0(db);
    RELATA_CT_GENERATED(RELATA_CT_CALL)
    const std::size_t models = 1 + RELATA_COMPILE_TIME_GENERATED;
    std::printf("%zu models created, written and read; %zu rows read\n", models, generated::rows_read);
    return generated::rows_read == models ? 0 : 1;
}
#endif
