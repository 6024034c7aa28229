// Test helper: a unique temporary directory per test with a database path inside, removed afterwards.
// WAL needs a real file (":memory:" has no -wal and -shm), so storage tests run on one of these.
#pragma once

#include "storage/connection.hpp"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace seminard::test {

/// Owns a fresh directory under the system temp dir; removes it with everything in it on destruction.
class temp_dir {
public:
    temp_dir() {
        auto pattern = (std::filesystem::temp_directory_path() / "seminard-storage-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    const std::filesystem::path& path() const noexcept { return path_; }

private:
    std::filesystem::path path_;
};

/// Database options for a file inside `dir`.
inline storage::db_options db_in(const temp_dir& dir, bool synchronous_full = true) {
    storage::db_options o;
    o.path = (dir.path() / "seminard.db").string();
    o.synchronous_full = synchronous_full;
    return o;
}

}  // namespace seminard::test
