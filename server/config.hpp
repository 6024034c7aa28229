// Everything seminard can be told at start-up, with the defaults a newcomer gets.
#pragma once

#include "storage/connection.hpp"

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

/// Mails to attendees (the outbox, delivered by the mailer).
struct mail_config {
    std::string smtp;          ///< "HOST:PORT" of the SMTP server that delivers; empty: mails stay in the outbox
    std::string from_address;  ///< From of every mail (Reply-To: the organiser); empty: the seminar's organiser
    std::chrono::seconds retry_base{30};    ///< first retry after a temporary failure; doubles, at most retry_cap
    std::chrono::seconds retry_cap{3600};   ///< longest wait between two attempts
    int max_attempts = 12;                  ///< then the mail is `failed` (about 6 hours with the defaults)
    std::chrono::seconds smtp_timeout{30};  ///< each step of an SMTP conversation
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
    rate_limit_config rate_limit;
    std::vector<std::string> cors_origins;  ///< exact origins (normalised "scheme://host[:port]") allowed by CORS
    std::string privacy_url;  ///< the privacy notice the form's consent links to; empty: our own /datenschutz page
    mail_config mail;
};

}  // namespace seminard::server
