// The HTTP front: acceptor, IO threads, signals and graceful shutdown. No Beast in this header (pimpl).
#pragma once

#include "server/http/config.hpp"
#include "server/http/router.hpp"

#include <cstdint>
#include <functional>
#include <memory>

namespace seminard::server {

/// Owns the io_context and its threads. Construct, then run() on the main thread: it binds, serves until
/// SIGINT/SIGTERM (or stop()), and returns when every connection has finished its answer or the grace period is
/// over. A second signal stops at once. Thread-safe: stop() may be called from any thread.
class http_server {
public:
    /// `run_blocking` runs blocking work off the IO threads (the next piece of a streamed body).
    http_server(const http_config& cfg, const router& routes, std::function<void(std::function<void()>)> run_blocking);
    ~http_server();
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;

    /// The port actually bound (useful with port 0).
    std::uint16_t port() const noexcept;

    /// Called once the socket listens (e.g. to print the address).
    void on_listening(std::function<void(std::uint16_t port)> f);

    void run();
    void stop();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace seminard::server
