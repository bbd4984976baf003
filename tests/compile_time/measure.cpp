// Runs a command and prints "<wall seconds> <CPU seconds> <peak RSS in KiB>" for it to the file
// named by the first argument: the compile-time benchmark's stopwatch (like GNU time's
// "%e %U+%S %M", without needing the `time` package). Linux/BSD: wait4() reports ru_maxrss,
// the largest resident set of the process and its waited-for children (cc1plus under g++).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s <result file> <command> [arguments...]\n", argv[0]);
        return 2;
    }
    const auto start = std::chrono::steady_clock::now();
    const pid_t child = fork();
    if (child < 0) return 2;
    if (child == 0) {
        execvp(argv[2], argv + 2);
        std::perror(argv[2]);
        _exit(127);
    }
    int status = 0;
    rusage usage{};
    if (wait4(child, &status, 0, &usage) != child) return 2;
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                       static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    std::FILE* out = std::fopen(argv[1], "w");
    if (out == nullptr) return 2;
    std::fprintf(out, "%.2f %.2f %ld\n", wall, cpu, usage.ru_maxrss);
    std::fclose(out);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
