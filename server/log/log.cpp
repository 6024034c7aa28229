// The access log (see access_log.hpp).
#include "server/log/log.hpp"

#include <date/date.h>

#include <cstdio>
#include <mutex>
#include <string>

namespace seminard::server {

namespace {
std::mutex log_mutex;

std::string now_text() {
    return date::format("%FT%TZ", date::floor<std::chrono::milliseconds>(std::chrono::system_clock::now()));
}

/// Quotes a value for logfmt; control characters and quotes cannot break the line.
std::string quoted(std::string_view v) {
    std::string out = "\"";
    for (char c : v) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
            out.push_back('?');
        } else {
            out.push_back(c);
        }
    }
    out.push_back('"');
    return out;
}
}  // namespace

void log_access(std::string_view remote,
                std::string_view method,
                std::string_view route,
                unsigned status,
                std::size_t bytes,
                std::chrono::steady_clock::duration elapsed) {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
    std::string line = "ts=" + now_text() + " peer=" + std::string{remote} + " method=" + quoted(method) +
                       " route=" + quoted(route) + " status=" + std::to_string(status) +
                       " bytes=" + std::to_string(bytes) + " ms=" + std::to_string(us / 1000) + "." +
                       std::to_string((us % 1000) / 100) + "\n";
    std::lock_guard lock(log_mutex);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
}

void log_event(std::string_view level, std::string_view message) {
    std::string line = "ts=" + now_text() + " level=" + std::string{level} + " msg=" + quoted(message) + "\n";
    std::lock_guard lock(log_mutex);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

}  // namespace seminard::server
