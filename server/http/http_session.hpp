// One HTTP/1.1 connection: reads requests under timeouts and limits, hands them to the router, writes answers.
#pragma once

#include "server/http/config.hpp"
#include "server/http/net.hpp"
#include "server/http/router.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

namespace seminard::server {

class http_session;

/// What every session shares: the router, the limits, the trusted proxies, and the registry used for graceful
/// shutdown and the per-client cap. Thread-safe: the registry is guarded by its mutex; everything else is read-only
/// after start.
struct session_context {
    const router& routes;
    limits_config limits;
    bool access_log = true;
    std::vector<ip_network> trusted_proxies;
    std::atomic<bool> stopping{false};

    std::mutex mutex;
    std::unordered_map<http_session*, std::weak_ptr<http_session>> sessions;
    std::unordered_map<std::string, std::size_t> per_client;  ///< open connections by peer address

    /// Runs blocking work (a streamed body's next piece) off the IO threads.
    std::function<void(std::function<void()>)> run_blocking;

    session_context(const router& r, const http_config& cfg, std::function<void(std::function<void()>)> blocking)
        : routes(r),
          limits(cfg.limits),
          access_log(cfg.access_log),
          trusted_proxies(cfg.trusted_proxies),
          run_blocking(std::move(blocking)) {}
    std::size_t session_count();
    /// Counts a new connection from `peer` (canonical address text); false, counting nothing, when the peer already
    /// holds max_connections_per_client (trusted proxies are never capped).
    bool admit(const std::string& peer);
    /// A connection counted by admit() has closed.
    void release(const std::string& peer);
};

/// Lives as long as an operation is pending (every async call binds shared_from_this()). All of its work runs on
/// the one thread of its io_context, so it needs no locks; answers coming from other threads are posted there.
class http_session : public std::enable_shared_from_this<http_session> {
public:
    /// `peer`: the socket's peer address, already counted by ctx.admit().
    http_session(tcp::socket&& socket, session_context& ctx, std::string peer);
    ~http_session();

    void run();
    /// Graceful shutdown: an idle connection closes now, a busy one after its current answer.
    void shutdown();

private:
    void do_read_request();
    void on_first_bytes(beast::error_code ec, std::size_t n);
    /// Feeds the parser what is already buffered, up to the end of the header or (`with_body`) of the request.
    /// A request mostly arrives whole with its first bytes, and an asynchronous read that finds everything here
    /// still costs a round through the scheduler and the timer; so the reads run only for bytes still missing.
    /// Returns the parser's error; "need more" is none.
    beast::error_code parse_buffered(bool with_body);
    void do_read_header();
    void on_header(beast::error_code ec, std::size_t n);
    void do_read_body();
    void on_body(beast::error_code ec, std::size_t n);
    void on_continue_sent(beast::error_code ec, std::size_t n);
    void handle_request();
    void fail_request(beast::error_code ec);
    void do_write(http_response res, bool keep_alive);
    void on_write(beast::error_code ec, std::size_t n);
    void do_write_stream(http_response res, bool keep_alive);
    void on_stream_head(beast::error_code ec, std::size_t n);
    void do_pull();
    void on_pulled(std::shared_ptr<std::string> piece, bool more, bool failed);
    void on_stream_done(beast::error_code ec, std::size_t n);
    void do_close();
    void do_drain();

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    session_context& ctx_;
    std::optional<http::request_parser<http::string_body>> parser_;
    // The answer being written: head and body in one buffer, and what the access log and keep-alive need.
    std::string write_buffer_;
    int write_status_ = 0;
    bool write_keep_alive_ = false;
    std::shared_ptr<http::response<http::empty_body>> continue_;
    // A streamed answer: its header, the header's serializer, the source and the piece being written.
    std::shared_ptr<http::response<http::empty_body>> stream_head_;
    std::optional<http::response_serializer<http::empty_body>> stream_serializer_;
    std::shared_ptr<body_source> source_;
    std::string piece_;
    std::size_t streamed_bytes_ = 0;
    std::string peer_;    ///< the socket's peer (for the per-client count)
    std::string remote_;  ///< the client as requests and the access log name it (behind a trusted proxy: its client)
    bool first_request_ = true;
    bool waiting_for_request_ = false;
    bool closing_ = false;
    bool keep_alive_ = false;
    bool closed_ = false;
    std::array<char, 4096> drain_{};
    std::size_t drained_ = 0;

    // For the access log line of the request in flight.
    std::string method_;
    std::string route_;
    bool cross_origin_ = false;
    std::chrono::steady_clock::time_point started_;
};

}  // namespace seminard::server
