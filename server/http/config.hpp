// What the HTTP layer can be told at start-up: where to listen, its threads, and the limits every connection and
// every public submission is held to.
#pragma once

#include "server/http/ip_network.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace seminard::server {

struct limits_config {
    std::size_t body_limit = 64 * 1024;       ///< bytes; 413 beyond (a registration form is < 2 KiB)
    std::size_t header_limit = 16 * 1024;     ///< bytes of request line + headers; 431 beyond
    std::chrono::seconds header_timeout{10};  ///< to receive a whole request header once it started
    std::chrono::seconds body_timeout{30};    ///< to receive the body after the header
    std::chrono::seconds idle_timeout{60};    ///< keep-alive: wait for the next request
    std::chrono::seconds write_timeout{30};   ///< to write one response
    std::chrono::seconds shutdown_grace{10};  ///< in-flight requests get this long after SIGTERM
    std::size_t max_connections = 10000;      ///< beyond this, new connections are closed at once
    /// Open connections one client address may hold (trusted proxies exempt); 0: no cap. A browser opens six at
    /// most, so this leaves room for an office behind one address while nobody can take all descriptors alone.
    std::size_t max_connections_per_client = 256;
};

/// How many public registrations one client address may submit. `per_window` tokens flow back into its bucket
/// evenly over `window`; a bucket holds at most `burst`. per_window == 0 switches the limit off.
struct rate_limit_config {
    unsigned per_window = 20;
    std::chrono::seconds window{60};
    unsigned burst = 10;
    bool limit_loopback = false;      ///< false: 127.0.0.0/8 and ::1 are never limited (local use, tests)
    std::size_t max_clients = 65536;  ///< addresses remembered at once; the least recently seen is forgotten beyond
};

/// The listening socket and the IO threads.
struct http_config {
    std::string listen_address = "127.0.0.1";
    std::uint16_t listen_port = 8080;
    unsigned io_threads = 0;  ///< 0: one per core
    bool access_log = true;
    limits_config limits;
    /// Reverse proxies whose X-Forwarded-For / Forwarded headers name the client (rate limits, logs); requests
    /// from anyone else are taken as coming from their socket's peer, whatever they claim.
    std::vector<ip_network> trusted_proxies;
};

}  // namespace seminard::server
