// The compile-time benchmark's one-model program (issue 8): one RELATA_MODEL struct, create_all,
// a Session add/get/commit and one typed select — the smallest complete relata program, compiled
// and linked as one executable (cmake/compile_time_benchmark.sh, variant "one_model"). It is
// also built and run as relata_compile_time_one_model, so it measures a program that works.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <relata/relata.hpp>
#include <relata/sqlite.hpp>

namespace app {
struct Person {
    std::int64_t id = 0;
    std::string name;
    int age = 0;
};
RELATA_MODEL(Person, id, name, age)
}  // namespace app

int main() {
    auto db = relata::sqlite::connect(":memory:");
    relata::create_all<app::Person>(db);

    relata::session session{db};
    app::Person& ada = session.add(app::Person{.name = "Ada", .age = 36});
    session.commit();  // INSERT; the generated key is now in ada.id
    const std::int64_t id = ada.id;
    session.get<app::Person>(id).age += 1;
    session.commit();

    constexpr auto p = relata::columns<app::Person>;
    const std::vector<app::Person> adults = relata::all(db, relata::select<app::Person>().where(p.age >= 18).order_by(p.name));
    std::printf("%zu adult(s), first %s aged %d\n", adults.size(), adults.empty() ? "-" : adults.front().name.c_str(),
                adults.empty() ? 0 : adults.front().age);
    return adults.size() == 1 && adults.front().age == 37 ? 0 : 1;
}
