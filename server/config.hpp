// Everything seminard can be told at start-up, with the defaults a newcomer gets.
#pragma once

#include "storage/connection.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

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
};

struct config {
    std::string listen_address = "127.0.0.1";
    std::uint16_t listen_port = 8080;
    storage::db_options db;
    std::string public_url;  ///< base of links in confirmations and invites; derived from --listen when empty
    bool demo = false;
    unsigned io_threads = 0;               ///< 0: one per core
    unsigned reader_threads = 0;           ///< 0: one per core, at least 2
    std::string calendar_organizer_email;  ///< ORGANIZER of invites instead of the seminar's (e.g. no-reply)
    std::string admin_token;               ///< from SEMINARD_ADMIN_TOKEN or --admin-token-file; empty: stored hash
    bool access_log = true;
    limits_config limits;
};

}  // namespace seminard::server
