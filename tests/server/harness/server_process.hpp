// Starts the real seminard binary for a test: a fresh temporary database, an ephemeral port, the organiser token
// in the environment, stdout and stderr captured in files. Never leaves a process behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace seminard::testing {

/// The organiser token every test server gets through SEMINARD_ADMIN_TOKEN.
inline constexpr const char* test_admin_token = "integration-test-organiser-token-0123";

/// A directory under the system temp dir, removed with everything in it on destruction (kept when the
/// environment variable SEMINARD_KEEP_TEST_DIRS is set, for post-mortems).
class temp_dir {
public:
    temp_dir();
    ~temp_dir();
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

struct server_options {
    std::filesystem::path db;       ///< empty: a new database in a temp directory owned by the process object
    std::vector<std::string> args;  ///< extra command line, e.g. {"--demo", "--header-timeout", "1"}
    std::string admin_token = test_admin_token;
    bool access_log = false;  ///< false adds --no-access-log
    /// When set, the server runs with this many file descriptors at most (soft and hard RLIMIT_NOFILE, as
    /// `ulimit -n` in its shell would set them).
    std::optional<unsigned> open_files_limit;
    /// When set, no file the server writes may grow beyond this many bytes (RLIMIT_FSIZE, `ulimit -f`): a full
    /// disk, for this process only.
    std::optional<unsigned long> file_size_limit;
};

/// The seminard binary the tests start: SEMINARD_TEST_BINARY when set (scripts/test: the Release build), else the
/// one built with the tests.
std::filesystem::path server_binary();
/// Whether that binary carries AddressSanitizer (its memory figures then measure the sanitizer, not seminard).
bool server_binary_sanitized();

/// Shorthands: server_process server{with_args({"--demo"})}; server_process again{on_database(db)}.
server_options with_args(std::vector<std::string> args);
server_options on_database(std::filesystem::path db, std::vector<std::string> args = {});

/// How a process ended.
struct exit_status {
    bool exited = false;  ///< normal exit; `code` is valid
    int code = -1;
    bool signalled = false;  ///< killed by a signal; `signal` is valid
    int signal = 0;
};

/// One run of seminard. The constructor returns once the server printed its listening line (or throws with the
/// server's stderr when it did not start). The destructor SIGKILLs and reaps a process still running; the child also
/// gets SIGKILL if the test process dies (PR_SET_PDEATHSIG), so a crashed or timed-out test leaves nothing behind.
/// Construct and destroy on the same thread (the death signal is tied to the thread that forked). Not thread-safe.
class server_process {
public:
    explicit server_process(server_options options = {});
    ~server_process();
    server_process(const server_process&) = delete;
    server_process& operator=(const server_process&) = delete;

    std::uint16_t port() const { return port_; }
    pid_t pid() const { return pid_; }
    const std::filesystem::path& db_path() const { return db_; }

    /// Sends `sig` to the server.
    void signal(int sig);
    /// Waits up to `timeout` for the server to end; nullopt if it is still running then.
    std::optional<exit_status> wait(std::chrono::milliseconds timeout);
    bool running();

    /// What the server wrote so far.
    std::string stdout_text() const;
    std::string stderr_text() const;
    /// Waits until stderr contains `text`; false on timeout.
    bool wait_for_stderr(const std::string& text, std::chrono::milliseconds timeout) const;

private:
    std::optional<temp_dir> own_dir_;
    std::filesystem::path db_;
    std::filesystem::path stdout_path_;
    std::filesystem::path stderr_path_;
    pid_t pid_ = -1;
    std::uint16_t port_ = 0;
    std::optional<exit_status> status_;
};

}  // namespace seminard::testing
