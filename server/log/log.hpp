// The structured one-line access log (logfmt on stdout). Routes, not raw paths: paths can hold private tokens.
#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>

namespace seminard::server {

/// Writes one line; thread-safe (one write per line under a lock).
void log_access(std::string_view remote,
                std::string_view method,
                std::string_view route,
                unsigned status,
                std::size_t bytes,
                std::chrono::steady_clock::duration elapsed);

/// A line of the server's own log (start, stop, errors) on stderr, logfmt.
void log_event(std::string_view level, std::string_view message);

}  // namespace seminard::server
