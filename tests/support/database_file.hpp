#pragma once
// A temporary SQLite database file for tests that need one file several connections (or
// processes) open: an in-memory database is private to its connection.
#include <atomic>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

#include <fmt/format.h>

#include <unistd.h>

namespace relata_test {

/// A path in the temporary directory, unique to this process and object
/// (`relata_<stem>_<pid>_<n>.db`), with the file and its `-wal`, `-shm` and `-journal`
/// companions removed when the object is made and when it ends. Opening a connection is the
/// test's business; close every connection before the object ends.
class database_file {
public:
    explicit database_file(std::string_view stem)
        : path_((std::filesystem::temp_directory_path() /
                 fmt::format("relata_{}_{}_{}.db", stem, static_cast<long>(::getpid()), next_number()))
                    .string()) {
        remove();
    }
    database_file(const database_file&) = delete;
    database_file& operator=(const database_file&) = delete;
    ~database_file() { remove(); }

    /// The file's path.
    [[nodiscard]] const std::string& path() const noexcept { return path_; }

    /// Removes the file and its companions (errors are ignored: a file may not exist).
    void remove() const noexcept {
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
            std::error_code ignored;
            std::filesystem::remove(path_ + suffix, ignored);
        }
    }

private:
    static int next_number() {
        static std::atomic<int> counter{0};
        return ++counter;
    }

    std::string path_;
};

}  // namespace relata_test
