// The access log and the event log (see log.hpp).
#include "server/log/log.hpp"

#include <date/date.h>

#include <cstdio>
#include <mutex>
#include <string>

namespace seminard::server {

namespace {
std::mutex log_mutex;

/// "2026-12-02T19:26:20.123Z". Written with snprintf, not date::format: its ostringstream is a stream object
/// whose virtual calls a sanitizer build checks with a pipe(), which fails when the process is out of descriptors,
/// just when the log line reporting that must go out.
std::string now_text() {
    const auto now = date::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
    const auto day = date::floor<date::days>(now);
    const date::year_month_day ymd{day};
    const date::hh_mm_ss time{now - day};
    char buf[64];  // room for any int, so that the compiler can see nothing is cut off
    std::snprintf(buf,
                  sizeof buf,
                  "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                  static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()),
                  static_cast<int>(time.hours().count()),
                  static_cast<int>(time.minutes().count()),
                  static_cast<int>(time.seconds().count()),
                  static_cast<int>(time.subseconds().count()));
    return buf;
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
