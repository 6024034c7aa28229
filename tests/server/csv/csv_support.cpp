// Helpers for the CSV export tests (see csv_support.hpp).
#include "csv_support.hpp"

#include "server_process.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string_view>
#include <system_error>

#ifndef SEMINARD_PYTHON3
#define SEMINARD_PYTHON3 "python3"
#endif

namespace seminard::testing {

namespace {

/// Reads the file with the given path in Python's csv module and prints the records as JSON (ASCII only, so the
/// C++ side sees exactly the code points Python decoded).
constexpr const char* python_reader = R"py(import csv
import json
import sys

path, delimiter, encoding = sys.argv[1], sys.argv[2], sys.argv[3]
with open(path, newline='', encoding=encoding, errors='strict') as f:
    rows = list(csv.reader(f, delimiter=delimiter, quotechar='"', doublequote=True, strict=True))
json.dump(rows, sys.stdout)
)py";

constexpr std::size_t receive_buffer = 64 * 1024;

std::string slurp(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

void write_file(const std::filesystem::path& p, std::string_view bytes) {
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    REQUIRE(f.good());
}

/// Single quotes for /bin/sh (temp paths hold no quote, but be safe).
std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'')
            out += "'\\''";
        else
            out.push_back(c);
    }
    return out + "'";
}

/// 01:00 UTC on the last Sunday of a 31-day month: when the EU changes its clocks.
std::time_t eu_switch(int year, int month) {
    std::tm t{};
    t.tm_year = year - 1900;
    t.tm_mon = month - 1;
    t.tm_mday = 31;
    t.tm_hour = 1;
    const std::time_t last_day = ::timegm(&t);
    std::tm g{};
    ::gmtime_r(&last_day, &g);
    return last_day - static_cast<std::time_t>(g.tm_wday) * 86400;
}

bool iequal_prefix(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), s.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
           });
}

/// Counts CRLF-terminated lines of a byte stream fed piece by piece; keeps the first and the last line only.
class line_counter {
public:
    explicit line_counter(streamed_export& out) : out_(out) {}

    void feed(std::string_view data) {
        for (char c : data) {
            current_.push_back(c);
            const auto n = current_.size();
            if (c == '\n' && n >= 2 && current_[n - 2] == '\r') {
                current_.resize(n - 2);
                if (++out_.lines == 1) out_.first_line = current_;
                out_.last_line.swap(current_);
                current_.clear();
            }
        }
    }

private:
    streamed_export& out_;
    std::string current_;
};

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    return static_cast<int>(std::max<long long>(0, left.count()));
}

}  // namespace

csv_rows read_with_python(const std::string& body, char delimiter, const std::string& encoding) {
    temp_dir dir;
    const auto csv = dir.path() / "export.csv";
    const auto script = dir.path() / "read_csv.py";
    const auto out = dir.path() / "rows.json";
    const auto err = dir.path() / "python.stderr";
    write_file(csv, body);
    write_file(script, python_reader);
    const std::string command = std::string{SEMINARD_PYTHON3} + " " + shell_quote(script.string()) + " " +
                                shell_quote(csv.string()) + " " + shell_quote(std::string(1, delimiter)) + " " +
                                shell_quote(encoding) + " > " + shell_quote(out.string()) + " 2> " +
                                shell_quote(err.string());
    const int rc = std::system(command.c_str());
    INFO("python3 csv reader: " << slurp(err));
    REQUIRE(rc == 0);
    return nlohmann::json::parse(slurp(out)).get<csv_rows>();
}

std::string berlin_time(const std::string& utc_iso) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    char z = 0;
    INFO("UTC time " << utc_iso);
    REQUIRE(utc_iso.size() == 20);
    REQUIRE(std::sscanf(utc_iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &z) == 7);
    REQUIRE(z == 'Z');
    std::tm t{};
    t.tm_year = y - 1900;
    t.tm_mon = mo - 1;
    t.tm_mday = d;
    t.tm_hour = h;
    t.tm_min = mi;
    t.tm_sec = s;
    const std::time_t at = ::timegm(&t);
    const bool summer = at >= eu_switch(y, 3) && at < eu_switch(y, 10);
    const std::time_t local = at + (summer ? 7200 : 3600);
    std::tm l{};
    ::gmtime_r(&local, &l);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &l);
    return std::string{buf} + (summer ? "+02:00" : "+01:00");
}

long proc_status_kib(pid_t pid, const char* field) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/status");
    const std::string prefix = std::string{field} + ":";
    for (std::string line; std::getline(f, line);) {
        if (line.rfind(prefix, 0) != 0) continue;
        return std::strtol(line.c_str() + prefix.size(), nullptr, 10);
    }
    return -1;
}

rss_sampler::rss_sampler(pid_t pid, std::chrono::milliseconds interval) : pid_(pid), interval_(interval) {
    thread_ = std::thread([this] {
        while (!stop_.load()) {
            const long v = proc_status_kib(pid_, "VmRSS");
            if (v > peak_.load()) peak_.store(v);
            samples_.fetch_add(1);
            std::this_thread::sleep_for(interval_);
        }
    });
}

rss_sampler::~rss_sampler() { stop(); }

long rss_sampler::stop() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
    return peak_.load();
}

streamed_export stream_export(std::uint16_t port,
                              const std::string& target,
                              const header_list& headers,
                              std::chrono::milliseconds timeout) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    struct closer {
        int fd;
        ~closer() { ::close(fd); }
    } close_at_end{fd};
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);

    std::string request =
        "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\nConnection: close\r\n";
    for (const auto& [k, v] : headers) request += k + ": " + v + "\r\n";
    request += "\r\n";
    REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));

    streamed_export out;
    line_counter lines{out};
    enum class state { head, size, data, data_end, trailer, done } st = state::head;
    std::uint64_t remaining = 0;
    std::string pending;
    const auto started = std::chrono::steady_clock::now();
    const auto deadline = started + timeout;
    bool first_byte = false;
    std::vector<char> buf(receive_buffer);

    while (st != state::done) {
        pollfd p{fd, POLLIN, 0};
        const int r = ::poll(&p, 1, remaining_ms(deadline));
        if (r < 0 && errno == EINTR) continue;
        INFO("streaming " << target << ": " << out.body_bytes << " body bytes, " << out.lines << " lines so far");
        REQUIRE(r > 0);  // else: timed out
        const auto n = ::recv(fd, buf.data(), buf.size(), 0);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n <= 0) break;  // closed before the last chunk: `complete` stays false
        pending.append(buf.data(), static_cast<std::size_t>(n));

        std::size_t pos = 0;
        for (bool progress = true; progress && st != state::done;) {
            progress = false;
            switch (st) {
                case state::head: {
                    const auto end = pending.find("\r\n\r\n");
                    if (end == std::string::npos) break;
                    out.head = pending.substr(0, end + 2);
                    REQUIRE(out.head.rfind("HTTP/1.1 ", 0) == 0);
                    out.status = std::atoi(out.head.c_str() + 9);
                    std::istringstream lines_of_head(out.head);
                    for (std::string line; std::getline(lines_of_head, line);) {
                        if (iequal_prefix(line, "transfer-encoding:") && line.find("chunked") != std::string::npos)
                            out.chunked = true;
                    }
                    INFO(out.head);
                    REQUIRE(out.chunked);
                    pos = end + 4;
                    st = state::size;
                    progress = true;
                    break;
                }
                case state::size: {
                    const auto end = pending.find("\r\n", pos);
                    if (end == std::string::npos) break;
                    std::string_view line{pending.data() + pos, end - pos};
                    line = line.substr(0, line.find(';'));
                    std::uint64_t size = 0;
                    auto [ptr, ec] = std::from_chars(line.data(), line.data() + line.size(), size, 16);
                    INFO("chunk size line '" << line << "'");
                    REQUIRE((ec == std::errc{} && ptr == line.data() + line.size() && !line.empty()));
                    pos = end + 2;
                    if (size == 0) {
                        st = state::trailer;
                    } else {
                        ++out.chunks;
                        remaining = size;
                        st = state::data;
                    }
                    progress = true;
                    break;
                }
                case state::data: {
                    const auto take = std::min<std::uint64_t>(remaining, pending.size() - pos);
                    if (take == 0) break;
                    if (!first_byte) {
                        first_byte = true;
                        out.first_byte = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - started);
                    }
                    lines.feed(std::string_view{pending.data() + pos, static_cast<std::size_t>(take)});
                    pos += static_cast<std::size_t>(take);
                    remaining -= take;
                    out.body_bytes += take;
                    if (remaining == 0) st = state::data_end;
                    progress = true;
                    break;
                }
                case state::data_end:
                    if (pending.size() - pos < 2) break;
                    REQUIRE(pending.compare(pos, 2, "\r\n") == 0);
                    pos += 2;
                    st = state::size;
                    progress = true;
                    break;
                case state::trailer: {
                    const auto end = pending.find("\r\n", pos);
                    if (end == std::string::npos) break;
                    st = end == pos ? state::done : state::trailer;
                    pos = end + 2;
                    progress = true;
                    break;
                }
                case state::done:
                    break;
            }
        }
        pending.erase(0, pos);
    }
    out.complete = st == state::done;
    out.total = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    return out;
}

}  // namespace seminard::testing
