// Starting and stopping the seminard binary for tests (see server_process.hpp).
#include "server_process.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>

extern char** environ;

namespace seminard::testing {

namespace {

/// How long seminard may take to print its listening line (migrations, demo seed; sanitizer builds are slow).
constexpr std::chrono::seconds start_timeout{20};
constexpr std::chrono::milliseconds poll_interval{10};
constexpr std::string_view listening_marker = "seminard listening on ";
constexpr std::string_view port_marker = "(port ";

std::string read_file(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

std::optional<std::uint16_t> parse_port(const std::string& out) {
    auto line = out.find(listening_marker);
    if (line == std::string::npos) return std::nullopt;
    auto eol = out.find('\n', line);
    if (eol == std::string::npos) return std::nullopt;  // the line is not complete yet
    auto p = out.find(port_marker, line);
    if (p == std::string::npos || p > eol) return std::nullopt;
    p += port_marker.size();
    unsigned port = 0;
    bool digits = false;
    while (p < eol && out[p] >= '0' && out[p] <= '9') {
        port = port * 10 + static_cast<unsigned>(out[p++] - '0');
        digits = true;
    }
    if (!digits || port == 0 || port > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(port);
}

exit_status decode(int status) {
    exit_status s;
    if (WIFEXITED(status)) {
        s.exited = true;
        s.code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        s.signalled = true;
        s.signal = WTERMSIG(status);
    }
    return s;
}

std::atomic<int> run_counter{0};

}  // namespace

std::filesystem::path server_binary() {
    // SEMINARD_TEST_BINARY runs the same tests against another build (scripts/test: the Release binary).
    const char* binary = std::getenv("SEMINARD_TEST_BINARY");
    return binary && *binary ? binary : SEMINARD_BINARY;
}

bool server_binary_sanitized() {
    // ASan's runtime is linked statically into the executable; its entry point's name is in the symbol table.
    std::ifstream f(server_binary(), std::ios::binary);
    const std::string content{std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
    return content.find("__asan_init") != std::string::npos;
}

server_options with_args(std::vector<std::string> args) {
    server_options o;
    o.args = std::move(args);
    return o;
}

server_options on_database(std::filesystem::path db, std::vector<std::string> args) {
    server_options o;
    o.db = std::move(db);
    o.args = std::move(args);
    return o;
}

temp_dir::temp_dir() {
    auto pattern = (std::filesystem::temp_directory_path() / "seminard-it-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::system_error(errno, std::generic_category(), "mkdtemp");
    path_ = pattern;
}

temp_dir::~temp_dir() {
    if (std::getenv("SEMINARD_KEEP_TEST_DIRS")) {
        std::cerr << "kept test directory " << path_ << "\n";
        return;
    }
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

server_process::server_process(server_options options) {
    if (options.db.empty()) {
        own_dir_.emplace();
        db_ = own_dir_->path() / "seminard.db";
    } else {
        db_ = options.db;
    }
    const auto run = std::to_string(run_counter.fetch_add(1));
    const auto dir = db_.has_parent_path() ? db_.parent_path() : std::filesystem::current_path();
    stdout_path_ = dir / ("seminard-" + std::to_string(::getpid()) + "-" + run + ".stdout");
    stderr_path_ = dir / ("seminard-" + std::to_string(::getpid()) + "-" + run + ".stderr");

    // Everything the child needs is prepared before fork(): after it, only async-signal-safe calls.
    std::vector<std::string> args{server_binary().string(), "--listen", "127.0.0.1:0", "--db", db_.string()};
    if (!options.access_log) args.emplace_back("--no-access-log");
    args.insert(args.end(), options.args.begin(), options.args.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    std::vector<std::string> env;
    for (char** e = environ; *e; ++e)
        if (std::strncmp(*e, "SEMINARD_ADMIN_TOKEN=", 21) != 0) env.emplace_back(*e);
    if (!options.admin_token.empty()) env.push_back("SEMINARD_ADMIN_TOKEN=" + options.admin_token);
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);

    int out = ::open(stdout_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int err = ::open(stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0 || err < 0) {
        if (out >= 0) ::close(out);
        if (err >= 0) ::close(err);
        throw std::runtime_error("cannot create log files in " + dir.string());
    }
    std::optional<::rlimit> files_limit;
    if (options.open_files_limit) files_limit = ::rlimit{*options.open_files_limit, *options.open_files_limit};
    std::optional<::rlimit> size_limit;
    if (options.file_size_limit) size_limit = ::rlimit{*options.file_size_limit, *options.file_size_limit};
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(126);  // the test died between fork and prctl
        ::dup2(out, STDOUT_FILENO);
        ::dup2(err, STDERR_FILENO);
        ::close_range(3, ~0u, 0);  // no inherited test sockets: closing one in the test must reach the server
        if (files_limit) ::setrlimit(RLIMIT_NOFILE, &*files_limit);
        if (size_limit) ::setrlimit(RLIMIT_FSIZE, &*size_limit);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(out);
    ::close(err);
    if (pid_ < 0) throw std::system_error(errno, std::generic_category(), "fork");

    const auto deadline = std::chrono::steady_clock::now() + start_timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (auto p = parse_port(stdout_text())) {
            port_ = *p;
            return;
        }
        if (!running()) break;
        std::this_thread::sleep_for(poll_interval);
    }
    auto why = stderr_text();
    if (running()) {
        ::kill(pid_, SIGKILL);
        wait(std::chrono::seconds{5});
    }
    throw std::runtime_error("seminard did not start: " + why);
}

server_process::~server_process() {
    if (pid_ > 0 && !status_) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
    }
    if (std::uncaught_exceptions() > 0) {
        // A REQUIRE failed while this server ran: its logs help more than the assertion alone.
        std::cerr << "---- seminard stderr (" << stderr_path_ << ") ----\n" << stderr_text() << "----\n";
        return;
    }
    // In a sanitizer build the server reports on stderr; such a report fails the test that provoked it.
    const auto err = stderr_text();
    for (const char* marker : {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"}) {
        if (err.find(marker) != std::string::npos) {
            FAIL_CHECK("seminard reported a sanitizer error (" << stderr_path_.string() << "):\n" << err);
            break;
        }
    }
}

void server_process::signal(int sig) {
    if (pid_ > 0 && !status_) ::kill(pid_, sig);
}

std::optional<exit_status> server_process::wait(std::chrono::milliseconds timeout) {
    if (status_) return status_;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        int status = 0;
        auto r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_) {
            status_ = decode(status);
            return status_;
        }
        if (r < 0 && errno != EINTR) throw std::system_error(errno, std::generic_category(), "waitpid");
        if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(poll_interval);
    }
}

bool server_process::running() { return !wait(std::chrono::milliseconds{0}).has_value(); }

std::string server_process::stdout_text() const { return read_file(stdout_path_); }

std::string server_process::stderr_text() const { return read_file(stderr_path_); }

bool server_process::wait_for_stderr(const std::string& text, std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (stderr_text().find(text) != std::string::npos) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(poll_interval);
    }
}

}  // namespace seminard::testing
