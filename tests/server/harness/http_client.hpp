// A tiny blocking HTTP/1.1 client for the integration tests, and raw-socket helpers for hostile clients.
// Every read has a deadline, so a misbehaving server fails a test instead of hanging it.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace seminard::testing {

using header_list = std::vector<std::pair<std::string, std::string>>;

/// How long a test waits for one answer before it gives up (generous: the suite may run under sanitizers).
inline constexpr std::chrono::milliseconds default_io_timeout{15000};

/// One parsed HTTP response.
struct http_reply {
    int status = 0;
    header_list headers;
    std::string body;

    /// The first header of that name (case-insensitive), or "" when absent.
    std::string header(std::string_view name) const;
    bool has_header(std::string_view name) const;
    /// The body as JSON; throws (and so fails the test) when it is not JSON.
    nlohmann::json json() const;
};

/// Thrown when the connection is closed or times out before a whole response arrived.
struct connection_lost : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// A blocking TCP connection to 127.0.0.1:port. Not thread-safe; one per thread. Sends never raise SIGPIPE.
class tcp_connection {
public:
    explicit tcp_connection(std::uint16_t port);
    ~tcp_connection();
    tcp_connection(const tcp_connection&) = delete;
    tcp_connection& operator=(const tcp_connection&) = delete;

    /// Sends all bytes; false when the peer has closed or reset the connection.
    bool send(std::string_view bytes);
    /// Closes our sending side (the peer reads EOF).
    void shutdown_write();

    /// Reads one response. Bytes beyond it stay buffered for the next call (pipelining).
    http_reply read_response(std::chrono::milliseconds timeout = default_io_timeout, bool head = false);

    /// Reads until the peer closes (EOF or reset) or the timeout; returns everything received.
    /// `closed` tells which of the two ended the wait.
    std::string read_until_closed(std::chrono::milliseconds timeout, bool* closed = nullptr);

    /// True if the peer closed the connection within `timeout` (data that arrives meanwhile is discarded).
    bool wait_closed(std::chrono::milliseconds timeout);

    /// True if the peer has closed already (non-blocking look).
    bool peer_closed();

private:
    /// Receives what is there, waiting at most until `deadline`. 0 on EOF or reset, -1 on timeout.
    long receive(std::chrono::steady_clock::time_point deadline);

    int fd_ = -1;
    std::string pending_;  // received, not yet consumed by a parsed response
};

/// A keep-alive HTTP/1.1 client: reuses its connection while the server keeps it open, reconnects otherwise.
/// Not thread-safe; give each thread its own.
class http_client {
public:
    explicit http_client(std::uint16_t port) : port_(port) {}

    http_reply request(std::string_view method,
                       std::string_view target,
                       std::string_view body = {},
                       const header_list& headers = {});

    http_reply get(std::string_view target, const header_list& headers = {});
    http_reply del(std::string_view target, const header_list& headers = {});
    /// POST/PATCH with a JSON body and Content-Type application/json.
    http_reply post_json(std::string_view target, const nlohmann::json& body, const header_list& headers = {});
    http_reply patch_json(std::string_view target, const nlohmann::json& body, const header_list& headers = {});

    /// How many TCP connections this client has opened so far.
    int connections_opened() const { return connections_opened_; }

private:
    std::uint16_t port_;
    std::unique_ptr<tcp_connection> conn_;
    int connections_opened_ = 0;
};

/// Serialises a request as HTTP/1.1 bytes (Host and, for a body or a POST/PATCH/PUT, Content-Length added).
std::string format_request(std::string_view method,
                           std::string_view target,
                           std::string_view body,
                           const header_list& headers,
                           std::uint16_t port);

/// application/x-www-form-urlencoded encoding of name/value pairs.
std::string form_encode(const header_list& fields);

}  // namespace seminard::testing
