// libFuzzer target (issue 9): the `?` → `$n` rewriter of hand-written SQL
// (relata::detail::hand_written_query) on random text. It must either refuse with
// relata::placeholder_error or rewrite so that the PostgreSQL text has exactly as many `$n`
// as `?` were counted, numbered 1..n in order, and the text outside them unchanged (turning
// each `$n` back into `?` gives the input); the SQLite text is the input itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include <relata/relata.hpp>

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider input(data, size);
    const std::size_t arguments = input.ConsumeIntegralInRange<std::size_t>(0, 20);
    const std::string sql = input.ConsumeRemainingBytesAsString();
    const std::vector<relata::value> values(arguments, relata::value{std::int64_t{1}});
    try {
        const relata::rendered_query sqlite = relata::detail::hand_written_query(sql, relata::sqlite_dialect, values);
        check(sqlite.sql == sql);
        check(sqlite.parameters.size() == arguments);
    } catch (const relata::placeholder_error&) {
    } catch (...) {
        std::abort();
    }
    try {
        const relata::rendered_query postgres = relata::detail::hand_written_query(sql, relata::postgres_dialect, values);
        check(postgres.parameters.size() == arguments);
        // Each `$n` that the rewriter wrote, in order: 1, 2, ... Turning them back gives the input.
        std::string back;
        std::size_t next = 1;
        std::size_t i = 0;
        const std::string& out = postgres.sql;
        while (i < out.size()) {
            const std::string number = "$" + std::to_string(next);
            if (next <= arguments && out.compare(i, number.size(), number) == 0 && sql.size() > back.size() &&
                sql[back.size()] == '?') {
                back.push_back('?');
                i += number.size();
                ++next;
            } else {
                back.push_back(out[i]);
                ++i;
            }
        }
        check(next == arguments + 1);
        check(back == sql);
    } catch (const relata::placeholder_error&) {
    } catch (...) {
        std::abort();
    }
    return 0;
}
