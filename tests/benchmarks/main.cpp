// relata_benchmarks: every workload twice in one process — with relata's everyday API and
// hand-written against the sqlite3 / libpq C API — on SQLite (file, default journal),
// SQLite (WAL) and PostgreSQL, then a table of relata / hand-written (ratio of medians).
//
//   relata_benchmarks [--relata_scale=F] [--relata_repetitions=N] [--relata_warmup=0|1]
//                     [--relata_engines=sqlite,sqlite-wal,postgres] [--relata_directory=DIR]
//                     [Google Benchmark flags, e.g. --benchmark_filter=session]
//
// --relata_warmup=0 leaves out the unmeasured run each side gets before its measured ones
// (instruction_counts.sh: callgrind would count it too).
// --relata_scale multiplies every size (default 1: the sizes of issue 8); RELATA_BENCH_SCALE
// and RELATA_BENCH_REPETITIONS in the environment do the same. PostgreSQL: the conninfo in
// $RELATA_TEST_POSTGRES, else in the file named by $RELATA_TEST_POSTGRES_FILE (the CTest
// fixture's); without either it is left out (exit 77 when it is the only engine asked for),
// or with RELATA_REQUIRE_POSTGRES=1 the run fails.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>
#include <malloc.h>
#include <fmt/format.h>
#include <unistd.h>

#include <relata/postgres.hpp>
#include <relata/relata.hpp>
#include <relata/sqlite.hpp>

#include "hand_postgres.hpp"
#include "hand_sqlite.hpp"
#include "model.hpp"

namespace relata_bench {
namespace {

constexpr std::size_t unknown = static_cast<std::size_t>(-1);

// ---- settings -------------------------------------------------------------------------------

struct settings {
    double scale = 1.0;
    int repetitions = 5;
    bool warmup = true;  // one unmeasured run per side first
    std::vector<std::string> engines{"sqlite", "sqlite-wal", "postgres"};
    std::string directory;

    [[nodiscard]] std::size_t size(std::size_t base) const {
        return std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(static_cast<double>(base) * scale)));
    }
};

std::vector<std::string> split(std::string_view list) {
    std::vector<std::string> out;
    while (!list.empty()) {
        const std::size_t comma = list.find(',');
        out.emplace_back(list.substr(0, comma));
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return out;
}

// Reads and removes --relata_* flags, leaving the rest for Google Benchmark.
settings parse(int& argc, char** argv) {
    settings s;
    if (const char* v = std::getenv("RELATA_BENCH_SCALE"); v && *v) s.scale = std::stod(v);
    if (const char* v = std::getenv("RELATA_BENCH_REPETITIONS"); v && *v) s.repetitions = std::stoi(v);
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const auto value = [&](std::string_view flag) -> std::optional<std::string> {
            if (!arg.starts_with(flag) || arg.size() <= flag.size() || arg[flag.size()] != '=') return std::nullopt;
            return std::string(arg.substr(flag.size() + 1));
        };
        if (auto v = value("--relata_scale")) s.scale = std::stod(*v);
        else if (auto r = value("--relata_repetitions")) s.repetitions = std::stoi(*r);
        else if (auto w = value("--relata_warmup")) s.warmup = std::stoi(*w) != 0;
        else if (auto e = value("--relata_engines")) s.engines = split(*e);
        else if (auto d = value("--relata_directory")) s.directory = *d;
        else argv[kept++] = argv[i];
    }
    argc = kept;
    if (s.scale <= 0 || s.repetitions < 1) throw std::invalid_argument("--relata_scale and --relata_repetitions must be positive");
    return s;
}

std::optional<std::string> postgres_conninfo() {
    if (const char* direct = std::getenv("RELATA_TEST_POSTGRES"); direct && *direct) return std::string(direct);
    if (const char* file = std::getenv("RELATA_TEST_POSTGRES_FILE"); file && *file) {
        std::ifstream in(file);
        std::string line;
        if (in && std::getline(in, line) && !line.empty()) return line;
    }
    return std::nullopt;
}

// ---- engines --------------------------------------------------------------------------------

// What the tables hold now, so a run populates them only when the last one left them otherwise.
struct table_state {
    std::size_t people = unknown;
    std::size_t purchases = unknown;
};

struct sqlite_engine {
    sqlite_engine(const std::string& path, bool wal)
        : db(relata::sqlite::connect(path, {.write_ahead_log = wal})), hand(path, wal) {
        relata::create_all<person, purchase>(db);
    }
    relata::sqlite::connection db;
    hand_sqlite::connection hand;
    table_state tables;
};

struct postgres_engine {
    postgres_engine(const std::string& conninfo, std::string schema_name)
        : schema(std::move(schema_name)), db(relata::postgres::connect(conninfo)), hand(conninfo) {
        db.execute_script(fmt::format("DROP SCHEMA IF EXISTS \"{0}\" CASCADE; CREATE SCHEMA \"{0}\"; "
                                      "SET search_path TO \"{0}\"",
                                      schema));
        hand.exec(fmt::format("SET search_path TO \"{}\"", schema).c_str());
        relata::create_all<person, purchase>(db);
    }
    ~postgres_engine() {
        try {
            db.execute_script(fmt::format("DROP SCHEMA IF EXISTS \"{}\" CASCADE", schema));
        } catch (const std::exception&) {  // a leftover schema in a throwaway cluster is harmless
        }
    }
    postgres_engine(const postgres_engine&) = delete;
    postgres_engine& operator=(const postgres_engine&) = delete;
    std::string schema;
    relata::postgres::connection db;
    hand_postgres::connection hand;
    table_state tables;
};

template <class Engine>
void ensure_people(Engine& e, std::size_t count) {
    if (e.tables.people == count) return;
    populate_people(e.hand, count);  // hand_sqlite:: or hand_postgres:: by argument-dependent lookup
    e.tables.people = count;
}

template <class Engine>
void ensure_purchases(Engine& e, std::size_t count, std::size_t people) {
    ensure_people(e, people);
    if (e.tables.purchases == count) return;
    populate_purchases(e.hand, count, people);
    e.tables.purchases = count;
}

// ---- workloads ------------------------------------------------------------------------------

enum class workload_id {
    session_get_change_commit,
    session_get,
    session_get_no_autoflush,
    session_add_generated,
    session_add_explicit,
    session_all,
    session_get_change_commit_per_row,
    insert_all,
    all,
    first_by_key,
    filtered,
    report,
    stream,
};

struct workload {
    workload_id id;
    const char* name;         // benchmark name
    const char* description;  // summary row, {} is the size
    std::size_t base_size;
    bool postgres_only = false;
};

const std::vector<workload>& workloads() {
    static const std::vector<workload> list{
        {workload_id::session_get_change_commit, "session_get_change_commit",
         "{} x session.get(k).score += 1, then one commit()", 20'000},
        {workload_id::session_get, "session_get", "{} x session.get(k) on one Session", 20'000},
        {workload_id::session_get_no_autoflush, "session_get_no_autoflush",
         "{} x session.get(k), autoflush = false", 20'000},
        {workload_id::session_add_generated, "session_add_generated",
         "{} x session.add, generated keys, one commit()", 100'000},
        {workload_id::session_add_explicit, "session_add_explicit", "{} x session.add, explicit keys, one commit()",
         100'000},
        {workload_id::session_all, "session_all", "session.all of {} rows", 100'000},
        {workload_id::session_get_change_commit_per_row, "session_get_change_commit_per_row",
         "{} x (get + change + commit())", 2'000, true},
        {workload_id::insert_all, "insert_all", "relata::insert_all of {} rows", 100'000},
        {workload_id::all, "all", "relata::all of {} rows into structs", 100'000},
        {workload_id::first_by_key, "first_by_key", "{} x relata::first by key", 20'000},
        {workload_id::filtered, "filtered", "{} x where(age, score).order_by.limit(10)", 20'000},
        {workload_id::report, "report", "join + GROUP BY report over {} purchases", 100'000},
        {workload_id::stream, "stream", "relata::stream of {} rows", 1'000'000},
    };
    return list;
}

constexpr auto p = relata::columns<person>;
constexpr auto pu = relata::columns<purchase>;

// The relata half: the everyday API, nothing tuned. Not inlined (nor run_hand): a named frame
// that callgrind's --toggle-collect counts on its own (tests/benchmarks/instruction_counts.sh).
template <class Connection>
[[gnu::noinline]] std::int64_t run_relata(Connection& db, workload_id id, std::size_t n, std::vector<person>& people) {
    std::int64_t check = 0;
    switch (id) {
        case workload_id::session_get_change_commit: {
            relata::session session{db};
            for (std::size_t k = 1; k <= n; ++k) session.template get<person>(static_cast<std::int64_t>(k)).score += 1;
            session.commit();
            break;
        }
        case workload_id::session_get:
        case workload_id::session_get_no_autoflush: {
            std::vector<const person*> kept;
            kept.reserve(n);
            relata::session session{db, relata::session_options{.autoflush = id == workload_id::session_get}};
            for (std::size_t k = 1; k <= n; ++k) {
                kept.push_back(&session.template get<person>(static_cast<std::int64_t>(k)));
                check += kept.back()->age;
            }
            break;
        }
        case workload_id::session_add_generated:
        case workload_id::session_add_explicit: {
            relata::session session{db};
            for (const person& object : people) session.add(object);
            session.commit();
            break;
        }
        case workload_id::session_all: {
            relata::session session{db};
            for (const person& object : session.all(relata::select<person>())) check += object.age;
            break;
        }
        case workload_id::session_get_change_commit_per_row: {
            relata::session session{db};
            for (std::size_t k = 1; k <= n; ++k) {
                session.template get<person>(static_cast<std::int64_t>(k)).score += 1;
                session.commit();
            }
            break;
        }
        case workload_id::insert_all: check = relata::insert_all(db, people); break;
        case workload_id::all: check = static_cast<std::int64_t>(relata::all(db, relata::select<person>()).size()); break;
        case workload_id::first_by_key:
            for (std::size_t k = 1; k <= n; ++k)
                if (auto row = relata::first(db, relata::select<person>().where(p.id == static_cast<std::int64_t>(k))))
                    check += row->age;
            break;
        case workload_id::filtered:
            for (std::size_t i = 0; i < n; ++i) {
                const auto page = relata::all(db, relata::select<person>()
                                                      .where(p.age == 18 + static_cast<int>(i % 60) && p.score >= 50.0)
                                                      .order_by(p.score.desc())
                                                      .limit(10));
                check += static_cast<std::int64_t>(page.size());
            }
            break;
        case workload_id::report: {
            const auto rows = relata::all(db, relata::select(p.age, relata::count(), relata::sum(pu.amount))
                                                  .join(pu.person_id == p.id)
                                                  .group_by(p.age)
                                                  .order_by(p.age));
            for (const auto& [age, count, total] : rows) check += count;
            break;
        }
        case workload_id::stream:
            for (const person& object : relata::stream(db, relata::select<person>())) check += object.age;
            break;
    }
    return check;
}

// The hand-written half (hand_sqlite.hpp, hand_postgres.hpp), found by argument-dependent lookup.
template <class Hand>
[[gnu::noinline]] std::int64_t run_hand(Hand& hand, workload_id id, std::size_t n, std::vector<person>& people) {
    std::int64_t check = 0;
    switch (id) {
        case workload_id::session_get_change_commit: get_change_commit(hand, n); break;
        case workload_id::session_get:
        case workload_id::session_get_no_autoflush: check = get(hand, n); break;
        case workload_id::session_add_generated: add(hand, people, false); break;
        case workload_id::session_add_explicit: add(hand, people, true); break;
        case workload_id::session_all:
        case workload_id::all: check = static_cast<std::int64_t>(select_all(hand).size()); break;
        case workload_id::session_get_change_commit_per_row: get_change_commit_per_row(hand, n); break;
        case workload_id::insert_all: insert_all(hand, people); break;
        case workload_id::first_by_key: check = first_by_key(hand, n); break;
        case workload_id::filtered: check = filtered(hand, n); break;
        case workload_id::report:
            for (const age_total& row : report(hand)) check += row.purchases;
            break;
        case workload_id::stream: check = stream(hand); break;
    }
    return check;
}

// ---- running --------------------------------------------------------------------------------

const settings* config = nullptr;
// Seconds per run, by "workload|engine|relata" or "...|hand".
std::map<std::string, std::vector<double>> samples;
// Sides that had their unmeasured warm-up run (sample_key).
std::set<std::string> warmed_up;
bool failed = false;

std::string sample_key(const workload& w, std::string_view engine, bool relata_side) {
    return fmt::format("{}|{}|{}", w.name, engine, relata_side ? "relata" : "hand");
}

// Puts the tables in the state the workload starts from; returns the objects it inserts.
template <class Engine>
std::vector<person> prepare(Engine& e, const workload& w, std::size_t n) {
    const std::size_t table = config->size(100'000);
    switch (w.id) {
        case workload_id::session_add_generated:
        case workload_id::session_add_explicit:
        case workload_id::insert_all:
            ensure_people(e, 0);
            e.tables.people = unknown;  // the run inserts
            return make_people(n, w.id == workload_id::session_add_explicit);
        case workload_id::report: ensure_purchases(e, n, table); return {};
        case workload_id::stream: ensure_people(e, n); return {};
        default: ensure_people(e, table); return {};
    }
}

template <class Engine>
void register_engine(Engine& e, const std::string& engine_name) {
    for (const workload& w : workloads()) {
        if (w.postgres_only && engine_name != "postgres") continue;
        for (const bool relata_side : {true, false}) {
            const std::string name = fmt::format("{}/{}/{}", w.name, engine_name, relata_side ? "relata" : "hand");
            benchmark::RegisterBenchmark(name.c_str(), [&e, &w, engine_name, relata_side](benchmark::State& state) {
                const std::size_t n = config->size(w.base_size);
                for (auto _ : state) {
                    try {
                        // One unmeasured run of each side before its first measured one: the
                        // first run in a process (or on a table just filled) faults in the heap
                        // and the caches it needs, which measured runs of 166, 116, then 38 ms for
                        // relata's session.all against a steady 22 ms for the side run second.
                        if (config->warmup && warmed_up.insert(sample_key(w, engine_name, relata_side)).second) {
                            std::vector<person> people = prepare(e, w, n);
                            benchmark::DoNotOptimize(relata_side ? run_relata(e.db, w.id, n, people)
                                                                 : run_hand(e.hand, w.id, n, people));
                        }
                        std::vector<person> people = prepare(e, w, n);
                        const auto start = std::chrono::steady_clock::now();
                        const std::int64_t check =
                            relata_side ? run_relata(e.db, w.id, n, people) : run_hand(e.hand, w.id, n, people);
                        const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
                        benchmark::DoNotOptimize(check);
                        state.SetIterationTime(elapsed.count());
                        samples[sample_key(w, engine_name, relata_side)].push_back(elapsed.count());
                    } catch (const std::exception& error) {
                        failed = true;
                        state.SkipWithError(error.what());
                        break;
                    }
                }
                state.counters["rows"] = static_cast<double>(n);
            })
                ->UseManualTime()
                ->Iterations(1)
                ->Repetitions(config->repetitions)
                ->Unit(benchmark::kMillisecond);
        }
    }
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t m = v.size() / 2;
    return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

void print_summary(const std::vector<std::string>& engines) {
    fmt::print("\nrelata / hand-written (ratio of medians over {} runs; in parentheses relata and hand-written "
               "median ms)\n\n",
               config->repetitions);
    fmt::print("| workload |");
    for (const std::string& engine : engines) fmt::print(" {} |", engine);
    fmt::print("\n|---|");
    for (std::size_t i = 0; i < engines.size(); ++i) fmt::print("---|");
    fmt::print("\n");
    for (const workload& w : workloads()) {
        std::string line = fmt::format("| {} |", fmt::format(fmt::runtime(w.description), config->size(w.base_size)));
        bool any = false;
        for (const std::string& engine : engines) {
            const auto r = samples.find(sample_key(w, engine, true));
            const auto h = samples.find(sample_key(w, engine, false));
            if (r == samples.end() || h == samples.end() || r->second.empty() || h->second.empty()) {
                line += " – |";
                continue;
            }
            any = true;
            const double relata_ms = median(r->second) * 1e3;
            const double hand_ms = median(h->second) * 1e3;
            line += fmt::format(" **{:.2f}x** ({:.1f} / {:.1f}) |", relata_ms / hand_ms, relata_ms, hand_ms);
        }
        if (any) fmt::print("{}\n", line);
    }
    std::fflush(stdout);
}

// Resident set size now, in bytes (/proc/self/statm; 0 where unavailable).
std::size_t resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    std::size_t pages = 0;
    std::size_t resident = 0;
    if (!(statm >> pages >> resident)) return 0;
    return resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

// Bytes the allocator has handed out and not taken back (glibc mallinfo2).
std::size_t heap_in_use() {
    return ::mallinfo2().uordblks;
}

struct memory_use {
    double heap_per_object = 0;
    double resident_per_object = 0;
};

// What holding `rows` objects costs: the heap and RSS growth while `load()`'s result is alive.
template <class Load>
memory_use measure_memory(std::size_t rows, Load&& load) {
    ::malloc_trim(0);
    const std::size_t heap_before = heap_in_use();
    const std::size_t resident_before = resident_bytes();
    auto held = load();
    const std::size_t heap_after = heap_in_use();
    const std::size_t resident_after = resident_bytes();
    benchmark::DoNotOptimize(held);
    const auto per_object = [&](std::size_t before, std::size_t after) {
        return after > before ? static_cast<double>(after - before) / static_cast<double>(rows) : 0.0;
    };
    return {per_object(heap_before, heap_after), per_object(resident_before, resident_after)};
}

// Issue 8, item 6: bytes per tracked object of a Session holding every row of `person`,
// against the same rows in a std::vector<person> (the objects' own size, strings included).
void print_memory(sqlite_engine& e) {
    const std::size_t rows = config->size(100'000);
    ensure_people(e, rows);
    const memory_use plain = measure_memory(rows, [&] { return relata::all(e.db, relata::select<person>()); });
    const memory_use tracked = measure_memory(rows, [&] {
        auto session = std::make_unique<relata::session<relata::sqlite::connection>>(e.db);
        benchmark::DoNotOptimize(session->all(relata::select<person>()).size());
        session->rollback();  // end the read transaction; the objects stay tracked
        return session;
    });
    fmt::print("\nMemory per object, {} rows of person (sizeof(person) = {} bytes; heap in use from mallinfo2, and "
               "resident set growth):\n\n",
               rows, sizeof(person));
    fmt::print("| held as | heap bytes / object | RSS bytes / object |\n|---|---|---|\n");
    fmt::print("| std::vector<person> from relata::all | {:.0f} | {:.0f} |\n", plain.heap_per_object,
               plain.resident_per_object);
    fmt::print("| tracked by a Session (session.all) | {:.0f} | {:.0f} |\n", tracked.heap_per_object,
               tracked.resident_per_object);
    if (plain.heap_per_object > 0)
        fmt::print("\nSession overhead per object (snapshot, identity map, entry): {:.0f} bytes, {:.2f}x the object's "
                   "own {:.0f}\n",
                   tracked.heap_per_object - plain.heap_per_object,
                   (tracked.heap_per_object - plain.heap_per_object) / plain.heap_per_object, plain.heap_per_object);
    std::fflush(stdout);
}

}  // namespace
}  // namespace relata_bench

int main(int argc, char** argv) {
    using namespace relata_bench;
    try {
        const settings s = parse(argc, argv);
        config = &s;
        benchmark::Initialize(&argc, argv);
        if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;

        const auto wants = [&](std::string_view engine) {
            return std::find(s.engines.begin(), s.engines.end(), engine) != s.engines.end();
        };
        std::vector<std::string> engines;
        namespace fs = std::filesystem;
        const fs::path directory = s.directory.empty()
                                       ? fs::temp_directory_path() / fmt::format("relata_bench_{}", ::getpid())
                                       : fs::path(s.directory);
        fs::create_directories(directory);
        std::unique_ptr<sqlite_engine> sqlite_file;
        std::unique_ptr<sqlite_engine> sqlite_wal;
        std::unique_ptr<postgres_engine> postgres;
        if (wants("sqlite")) {
            fs::remove(directory / "bench.db");
            sqlite_file = std::make_unique<sqlite_engine>((directory / "bench.db").string(), false);
            register_engine(*sqlite_file, "sqlite");
            engines.emplace_back("sqlite");
        }
        if (wants("sqlite-wal")) {
            fs::remove(directory / "bench-wal.db");
            sqlite_wal = std::make_unique<sqlite_engine>((directory / "bench-wal.db").string(), true);
            register_engine(*sqlite_wal, "sqlite-wal");
            engines.emplace_back("sqlite-wal");
        }
        if (wants("postgres")) {
            if (const auto conninfo = postgres_conninfo()) {
                postgres = std::make_unique<postgres_engine>(*conninfo, fmt::format("relata_bench_{}", ::getpid()));
                register_engine(*postgres, "postgres");
                engines.emplace_back("postgres");
            } else if (const char* required = std::getenv("RELATA_REQUIRE_POSTGRES");
                       required && std::string_view(required) == "1") {
                std::cerr << "relata_benchmarks: PostgreSQL is required (RELATA_REQUIRE_POSTGRES=1) but neither "
                             "RELATA_TEST_POSTGRES nor RELATA_TEST_POSTGRES_FILE names a server\n";
                return 1;
            } else {
                std::cerr << "relata_benchmarks: no PostgreSQL (set RELATA_TEST_POSTGRES); left out\n";
                if (engines.empty()) return 77;
            }
        }

        benchmark::RunSpecifiedBenchmarks();
        benchmark::Shutdown();
        print_summary(engines);
        if (sqlite_file) print_memory(*sqlite_file);
        sqlite_file.reset();
        sqlite_wal.reset();
        postgres.reset();
        if (s.directory.empty()) fs::remove_all(directory);
        return failed ? 1 : 0;
    } catch (const std::exception& error) {
        std::cerr << "relata_benchmarks: " << error.what() << '\n';
        return 1;
    }
}
