#pragma once
// Tests with two real processes (two writers, two migrators): fork a child that does its work
// on its own connection and sends a plain report back through a pipe.
//
// The child never returns into Catch2: it exits with 0 when its work returned, 3 when it threw
// (the reason goes to stderr), 4 when the report could not be sent. Open no database connection
// before fork() that the child would use: SQLite forbids carrying one across it, and libpq's
// socket would be shared.

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <exception>
#include <type_traits>
#include <utility>

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "catch.hpp"

namespace relata_test {

/// A forked child and the read end of its report pipe.
struct child_process {
    pid_t pid = -1;
    int from_child = -1;
};

/// Forks a child that runs `work(report)` and exits with the report sent to the parent; `what`
/// names the child in its stderr message ("writer 1234 failed: ...").
template <class Report, class Work>
child_process spawn_child(const char* what, const Work& work) {
    static_assert(std::is_trivially_copyable_v<Report>, "the report crosses a pipe as bytes");
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(fds[0]);
        Report report{};
        int code = 0;
        try {
            work(report);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "%s %d failed: %s\n", what, static_cast<int>(::getpid()), e.what());
            code = 3;
        } catch (...) {
            code = 3;
        }
        const auto sent = ::write(fds[1], &report, sizeof report);
        ::close(fds[1]);
        ::_exit(sent == static_cast<ssize_t>(sizeof report) ? code : 4);
    }
    ::close(fds[1]);
    return {pid, fds[0]};
}

/// Waits for the child: its report (`incomplete` when the whole report did not arrive) and its
/// exit code (-1 when it did not exit normally).
template <class Report>
std::pair<Report, int> join_child(const child_process& child, const Report& incomplete = Report{}) {
    Report report{};
    auto* bytes = reinterpret_cast<char*>(&report);
    std::size_t received = 0;
    while (received < sizeof report) {
        const auto n = ::read(child.from_child, bytes + received, sizeof report - received);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        received += static_cast<std::size_t>(n);
    }
    ::close(child.from_child);
    int status = 0;
    while (::waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
    }
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return {received == sizeof report ? report : incomplete, code};
}

}  // namespace relata_test
