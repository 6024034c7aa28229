// One HTTP/1.1 connection (see http_session.hpp). Callback style, as Beast's advanced_server: do_x starts an
// operation, on_x completes it; every step runs on the session's IO thread (its io_context has that one thread).
#include "server/http/http_session.hpp"

#include "server/http/ip_network.hpp"
#include "server/http/responses.hpp"
#include "server/log/log.hpp"

namespace seminard::server {

namespace {

/// How many bytes to ask for while waiting for the first byte of a request.
constexpr std::size_t first_read_size = 4096;
/// Lingering close: how long and how much we read and discard after our last answer.
constexpr std::chrono::seconds linger_timeout{2};
constexpr std::size_t max_drain = 1024 * 1024;

/// A write buffer up to this size is reused for the connection's next answer.
constexpr std::size_t keep_write_buffer = 64 * 1024;

void append_field(std::string& out, std::string_view name, std::string_view value) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
}

domain::errc classify(beast::error_code ec) {
    if (ec == http::error::body_limit) return domain::errc::payload_too_large;
    if (ec == http::error::header_limit) return domain::errc::header_too_large;
    return domain::errc::bad_request;
}

}  // namespace

std::size_t session_context::session_count() {
    std::lock_guard lock(mutex);
    return sessions.size();
}

bool session_context::admit(const std::string& peer) {
    const bool capped = limits.max_connections_per_client > 0 && !contains_any(trusted_proxies, peer);
    std::lock_guard lock(mutex);
    auto& open = per_client[peer];
    if (capped && open >= limits.max_connections_per_client) {
        if (open == 0) per_client.erase(peer);
        return false;
    }
    ++open;
    return true;
}

void session_context::release(const std::string& peer) {
    std::lock_guard lock(mutex);
    auto it = per_client.find(peer);
    if (it != per_client.end() && --it->second == 0) per_client.erase(it);
}

http_session::http_session(tcp::socket&& socket, session_context& ctx, std::string peer)
    : stream_(std::move(socket)), ctx_(ctx), peer_(std::move(peer)), remote_(peer_) {}

http_session::~http_session() {
    ctx_.release(peer_);
    std::lock_guard lock(ctx_.mutex);
    ctx_.sessions.erase(this);
}

void http_session::run() {
    {
        std::lock_guard lock(ctx_.mutex);
        ctx_.sessions.emplace(this, weak_from_this());
    }
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&http_session::do_read_request, shared_from_this()));
}

void http_session::shutdown() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
        self->closing_ = true;
        // Between requests nothing is lost by closing; mid-request we let the answer go out first.
        if (self->waiting_for_request_) self->stream_.socket().cancel();
    });
}

void http_session::do_read_request() {
    if (closing_ || ctx_.stopping.load()) return do_close();
    // A fresh parser per request; limits are set before anything is read.
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(ctx_.limits.header_limit));
    parser_->body_limit(ctx_.limits.body_limit);
    if (buffer_.size() > 0) return do_read_header();  // a pipelined request is already here
    waiting_for_request_ = true;
    // Idle keep-alive wait: until the first byte of the next request (the first request gets the header timeout).
    stream_.expires_after(first_request_ ? ctx_.limits.header_timeout : ctx_.limits.idle_timeout);
    stream_.async_read_some(buffer_.prepare(first_read_size),
                            beast::bind_front_handler(&http_session::on_first_bytes, shared_from_this()));
}

void http_session::on_first_bytes(beast::error_code ec, std::size_t n) {
    waiting_for_request_ = false;
    if (ec) return do_close();  // idle timeout, peer closed, or shutdown: nothing to answer
    buffer_.commit(n);
    do_read_header();
}

beast::error_code http_session::parse_buffered(bool with_body) {
    parser_->eager(with_body);
    beast::error_code ec;
    while (buffer_.size() > 0 && !(with_body ? parser_->is_done() : parser_->is_header_done())) {
        const auto used = parser_->put(buffer_.data(), ec);
        buffer_.consume(used);
        if (ec == http::error::need_more) return {};  // the asynchronous read takes it from here
        if (ec || used == 0) return ec;
    }
    return {};
}

void http_session::do_read_header() {
    started_ = std::chrono::steady_clock::now();
    if (auto ec = parse_buffered(false)) return fail_request(ec);
    if (parser_->is_header_done()) return on_header({}, 0);
    // The whole header must arrive within this; a client trickling bytes (slowloris) is cut off.
    stream_.expires_after(ctx_.limits.header_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_, beast::bind_front_handler(&http_session::on_header, shared_from_this()));
}

void http_session::on_header(beast::error_code ec, std::size_t) {
    first_request_ = false;
    if (ec) return fail_request(ec);
    const auto& req = parser_->get();
    // A Transfer-Encoding that does not end in chunked leaves the body's length unknown; reading on would run the
    // body as the next request (smuggling). RFC 9112 6.3: answer 400 and close.
    if (!req[http::field::transfer_encoding].empty() && !parser_->chunked())
        return fail_request(http::error::bad_transfer_encoding);
    // HTTP/1.1 requires exactly one Host header with no white space in it (RFC 9112 3.2).
    if (req.version() >= 11) {
        auto host = req[http::field::host];
        if (req.count(http::field::host) != 1 || host.find_first_of(" \t") != std::string_view::npos)
            return fail_request(http::error::bad_value);
    }
    method_ = std::string{req.method_string()};
    if (parser_->is_done()) return handle_request();
    auto expect = req[http::field::expect];
    if (!expect.empty() && beast::iequals(expect, "100-continue")) {
        // curl and others wait for this before sending a larger body.
        continue_ = std::make_shared<http::response<http::empty_body>>(http::status::continue_, req.version());
        stream_.expires_after(ctx_.limits.write_timeout);
        return http::async_write(
            stream_, *continue_, beast::bind_front_handler(&http_session::on_continue_sent, shared_from_this()));
    }
    do_read_body();
}

void http_session::on_continue_sent(beast::error_code ec, std::size_t) {
    continue_.reset();
    if (ec) return do_close();
    do_read_body();
}

void http_session::do_read_body() {
    if (auto ec = parse_buffered(true)) return fail_request(ec);
    if (parser_->is_done()) return handle_request();
    stream_.expires_after(ctx_.limits.body_timeout);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&http_session::on_body, shared_from_this()));
}

void http_session::on_body(beast::error_code ec, std::size_t) {
    if (ec) return fail_request(ec);
    handle_request();
}

void http_session::fail_request(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == net::error::eof || ec == beast::error::timeout ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset) {
        return do_close();  // nobody left to answer, or a client too slow to deserve one
    }
    // Malformed or oversized: answer once, then close, since the rest of the stream cannot be trusted.
    route_ = "(rejected)";
    if (method_.empty()) method_ = "-";
    do_write(error_response(classify(ec), domain::lang::de), false);
}

void http_session::handle_request() {
    auto msg = parser_->release();
    keep_alive_ = msg.keep_alive();

    http_request req;
    req.method = std::string{msg.method_string()};
    req.target = std::string{msg.target()};
    // Absolute form ("GET http://host/path", RFC 9112 3.2.2): route by the path after the authority.
    std::string_view origin_form = req.target;
    for (std::string_view scheme : {"http://", "https://"}) {
        if (origin_form.size() > scheme.size() && iequals(origin_form.substr(0, scheme.size()), scheme)) {
            auto slash = origin_form.find('/', scheme.size());
            origin_form = slash == std::string_view::npos ? std::string_view{"/"} : origin_form.substr(slash);
        }
    }
    auto q = origin_form.find('?');
    req.path = std::string{origin_form.substr(0, q)};
    if (q != std::string_view::npos) req.query = std::string{origin_form.substr(q + 1)};
    req.version = msg.version();
    // Behind a trusted reverse proxy the client is named by the proxy's headers; anyone else is its socket's peer.
    req.remote_address =
        contains_any(ctx_.trusted_proxies, peer_)
            ? client_behind_proxies(peer_, msg["X-Forwarded-For"], msg[http::field::forwarded], ctx_.trusted_proxies)
            : peer_;
    remote_ = req.remote_address;
    for (const auto& field : msg)
        req.headers.emplace_back(std::string{field.name_string()}, std::string{field.value()});
    req.body = std::move(msg.body());
    const bool head = req.method == "HEAD";
    std::string origin{req.header("Origin")};

    // The answer may come from any thread; it is posted to the connection's own io_context, also when it was built
    // there, so that handle_request() has returned first. The work guard keeps that io_context running while a
    // reader or the writer still holds the request.
    auto reply = [self = shared_from_this(),
                  head,
                  origin = std::move(origin),
                  work = net::make_work_guard(stream_.get_executor())](http_response res) mutable {
        net::post(self->stream_.get_executor(), [self, head, origin, res = std::move(res)]() mutable {
            // On the connection's thread, after handle_request() has noted the matched route.
            self->ctx_.routes.cors().decorate(origin, self->method_, self->cross_origin_, res);
            if (head) {
                // The headers of the GET answer without its body; a streamed body's length is not known.
                if (!res.stream) res.set("Content-Length", std::to_string(res.body.size()));
                res.stream.reset();
                res.body.clear();
            }
            self->do_write(std::move(res), self->keep_alive_);
        });
        work.reset();
    };
    auto runner = [self = shared_from_this()](std::function<void()> work) {
        net::post(self->stream_.get_executor(), std::move(work));
    };
    auto ex = std::make_shared<exchange>(std::move(req), std::move(reply), std::move(runner));
    ctx_.routes.dispatch(ex);
    route_ = ex->route;
    cross_origin_ = ex->cross_origin;
}

void http_session::do_write(http_response res, bool keep_alive) {
    keep_alive = keep_alive && !closing_ && !ctx_.stopping.load();
    if (res.stream) return do_write_stream(std::move(res), keep_alive);
    write_status_ = res.status;
    write_keep_alive_ = keep_alive;
    // The head and the body in one buffer, one write: Beast's response and serializer cost an allocation per field
    // and a walk over buffer sequences per answer, more than copying the body once.
    auto& out = write_buffer_;
    out.clear();
    out.reserve(256 + res.body.size());
    out += "HTTP/1.1 ";
    out += std::to_string(res.status);
    out += ' ';
    out += http::obsolete_reason(static_cast<http::status>(res.status));
    out += "\r\n";
    bool has_length = false;
    // Each name occurs once: http_response::set replaces a field of the same name.
    for (const auto& [name, value] : res.headers) {
        if (iequals(name, "Server")) continue;  // always ours
        if (!valid_header_field(name, value)) {
            log_event("error", "dropped a response header that would break the response: " + name);
            continue;
        }
        if (iequals(name, "Content-Length")) has_length = true;
        append_field(out, name, value);
    }
    append_field(out, "Server", "seminard");
    // Personal data must not linger in shared caches; public answers that may be cached say so themselves.
    if (res.header("Cache-Control").empty()) append_field(out, "Cache-Control", "no-store");
    // A 304 carries no body and must not claim Content-Length: 0 (RFC 9110 8.6); 1xx/204 have none either.
    const bool bodyless = res.status == 304 || res.status == 204 || res.status < 200 || method_ == "HEAD";
    if (!has_length && !bodyless) append_field(out, "Content-Length", std::to_string(res.body.size()));
    if (!keep_alive) append_field(out, "Connection", "close");
    out += "\r\n";
    if (!bodyless) out += res.body;
    stream_.expires_after(ctx_.limits.write_timeout);
    net::async_write(stream_, net::buffer(out), beast::bind_front_handler(&http_session::on_write, shared_from_this()));
}

void http_session::on_write(beast::error_code ec, std::size_t bytes) {
    if (ctx_.access_log) {
        auto elapsed = std::chrono::steady_clock::now() - started_;
        log_access(remote_, method_, route_, write_status_, bytes, elapsed);
    }
    // A large answer's buffer is not kept for the next, small one.
    if (write_buffer_.capacity() > keep_write_buffer) std::string{}.swap(write_buffer_);
    method_.clear();
    if (ec || !write_keep_alive_) return do_close();
    do_read_request();
}

void http_session::do_write_stream(http_response res, bool keep_alive) {
    stream_head_ = std::make_shared<http::response<http::empty_body>>(static_cast<http::status>(res.status), 11);
    for (auto& [name, value] : res.headers) stream_head_->set(name, value);
    stream_head_->set(http::field::server, "seminard");
    if (res.header("Cache-Control").empty()) stream_head_->set(http::field::cache_control, "no-store");
    stream_head_->chunked(true);
    stream_head_->keep_alive(keep_alive);
    source_ = std::move(res.stream);
    streamed_bytes_ = 0;
    stream_serializer_.emplace(*stream_head_);
    stream_.expires_after(ctx_.limits.write_timeout);
    http::async_write_header(
        stream_, *stream_serializer_, beast::bind_front_handler(&http_session::on_stream_head, shared_from_this()));
}

void http_session::on_stream_head(beast::error_code ec, std::size_t n) {
    streamed_bytes_ += n;
    if (ec) return on_stream_done(ec, 0);
    do_pull();
}

void http_session::do_pull() {
    // The source reads the database: that is blocking work, so it runs off the IO threads; the piece comes back
    // onto the connection's thread. One pull at a time, so memory holds one piece, however long the export.
    ctx_.run_blocking([self = shared_from_this(), source = source_] {
        auto piece = std::make_shared<std::string>();
        bool more = false, failed = false;
        try {
            more = source->next(*piece);
        } catch (const std::exception& e) {
            log_event("error", std::string{"streamed body failed: "} + e.what());
            failed = true;
        }
        net::post(self->stream_.get_executor(),
                  [self, piece, more, failed] { self->on_pulled(std::move(piece), more, failed); });
    });
}

void http_session::on_pulled(std::shared_ptr<std::string> piece, bool more, bool failed) {
    if (failed) return on_stream_done(net::error::broken_pipe, 0);  // no last chunk: the client sees a cut transfer
    if (piece->empty()) {
        if (more) return do_pull();
        stream_.expires_after(ctx_.limits.write_timeout);
        return net::async_write(stream_,
                                http::make_chunk_last(),
                                beast::bind_front_handler(&http_session::on_stream_done, shared_from_this()));
    }
    piece_ = std::move(*piece);
    stream_.expires_after(ctx_.limits.write_timeout);
    net::async_write(stream_,
                     http::make_chunk(net::buffer(piece_)),
                     [self = shared_from_this(), more](beast::error_code ec, std::size_t n) {
                         self->streamed_bytes_ += n;
                         if (ec) return self->on_stream_done(ec, 0);
                         if (more) return self->do_pull();
                         self->stream_.expires_after(self->ctx_.limits.write_timeout);
                         net::async_write(self->stream_,
                                          http::make_chunk_last(),
                                          beast::bind_front_handler(&http_session::on_stream_done, self));
                     });
}

void http_session::on_stream_done(beast::error_code ec, std::size_t n) {
    streamed_bytes_ += n;
    const bool keep_alive = !ec && stream_head_ && stream_head_->keep_alive();
    if (ctx_.access_log && stream_head_) {
        log_access(remote_,
                   method_,
                   route_,
                   stream_head_->result_int(),
                   streamed_bytes_,
                   std::chrono::steady_clock::now() - started_);
    }
    source_.reset();
    stream_serializer_.reset();
    stream_head_.reset();
    piece_.clear();
    piece_.shrink_to_fit();
    method_.clear();
    if (!keep_alive) return do_close();
    do_read_request();
}

void http_session::do_close() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return stream_.socket().close(ec);
    // Lingering close: a client still sending (say, a body we refused with 413) would otherwise get a reset
    // from the kernel and could lose our answer. Read and discard for a moment, then close.
    stream_.expires_after(linger_timeout);
    do_drain();
}

void http_session::do_drain() {
    stream_.async_read_some(net::buffer(drain_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
        self->drained_ += n;
        if (ec || self->drained_ > max_drain) {
            beast::error_code ignored;
            self->stream_.socket().close(ignored);
            return;
        }
        self->do_drain();
    });
}

}  // namespace seminard::server
