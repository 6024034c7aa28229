// The test HTTP client (see http_client.hpp): POSIX sockets with poll() deadlines, Beast's parser for responses.
#include "http_client.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace seminard::testing {

namespace http = boost::beast::http;

namespace {

/// The largest response body a test accepts (the organiser list of the concurrency test is the biggest).
constexpr std::uint64_t max_response_body = 64ull << 20;
constexpr std::size_t receive_chunk = 16 * 1024;

bool iequal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    return static_cast<int>(std::max<long long>(0, left.count()));
}

}  // namespace

std::string http_reply::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (iequal(k, name)) return v;
    return {};
}

bool http_reply::has_header(std::string_view name) const {
    return std::any_of(headers.begin(), headers.end(), [&](const auto& h) { return iequal(h.first, name); });
}

nlohmann::json http_reply::json() const { return nlohmann::json::parse(body); }

tcp_connection::tcp_connection(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "socket");
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        int err = errno;
        ::close(fd_);
        fd_ = -1;
        throw std::system_error(err, std::generic_category(), "connect to 127.0.0.1:" + std::to_string(port));
    }
}

tcp_connection::~tcp_connection() {
    if (fd_ >= 0) ::close(fd_);
}

bool tcp_connection::send(std::string_view bytes) {
    while (!bytes.empty()) {
        auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

void tcp_connection::shutdown_write() { ::shutdown(fd_, SHUT_WR); }

long tcp_connection::receive(std::chrono::steady_clock::time_point deadline) {
    for (;;) {
        pollfd p{fd_, POLLIN, 0};
        int r = ::poll(&p, 1, remaining_ms(deadline));
        if (r < 0 && errno == EINTR) continue;
        if (r == 0) return -1;
        char buf[receive_chunk];
        auto n = ::recv(fd_, buf, sizeof buf, 0);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n <= 0) return 0;  // EOF, or reset by the peer
        pending_.append(buf, static_cast<std::size_t>(n));
        return n;
    }
}

http_reply tcp_connection::read_response(std::chrono::milliseconds timeout, bool head) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    http::response_parser<http::string_body> parser;
    parser.eager(true);
    parser.skip(head);
    parser.body_limit(max_response_body);
    parser.header_limit(1u << 20);
    while (!parser.is_done()) {
        if (!pending_.empty()) {
            boost::beast::error_code ec;
            auto used = parser.put(boost::asio::buffer(pending_.data(), pending_.size()), ec);
            pending_.erase(0, used);
            if (ec && ec != http::error::need_more) throw connection_lost("unparsable response: " + ec.message());
            if (parser.is_done()) break;
            if (!ec && used > 0) continue;
        }
        auto n = receive(deadline);
        if (n < 0) throw connection_lost("timed out waiting for a response");
        if (n == 0) {
            // Beast asserts that put_eof() follows some input; closed before a byte means no response at all.
            if (!parser.got_some()) throw connection_lost("connection closed without a response");
            boost::beast::error_code ec;
            parser.put_eof(ec);
            if (ec || !parser.is_done()) throw connection_lost("connection closed before a whole response");
        }
    }
    auto msg = parser.release();
    http_reply out;
    out.status = static_cast<int>(msg.result_int());
    for (const auto& f : msg) out.headers.emplace_back(std::string{f.name_string()}, std::string{f.value()});
    out.body = std::move(msg.body());
    return out;
}

std::string tcp_connection::read_until_closed(std::chrono::milliseconds timeout, bool* closed) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto n = receive(deadline);
        if (n <= 0) {
            if (closed) *closed = n == 0;
            return std::exchange(pending_, {});
        }
    }
}

bool tcp_connection::wait_closed(std::chrono::milliseconds timeout) {
    bool closed = false;
    read_until_closed(timeout, &closed);
    return closed;
}

bool tcp_connection::peer_closed() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0) return false;
    char buf[receive_chunk];
    auto n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) {
        pending_.append(buf, static_cast<std::size_t>(n));
        return false;
    }
    return n == 0 || (errno != EAGAIN && errno != EINTR);
}

std::string format_request(std::string_view method,
                           std::string_view target,
                           std::string_view body,
                           const header_list& headers,
                           std::uint16_t port) {
    std::string out;
    out.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
    out.append("Host: 127.0.0.1:").append(std::to_string(port)).append("\r\n");
    bool has_length = false;
    for (const auto& [k, v] : headers) {
        if (iequal(k, "Content-Length") || iequal(k, "Transfer-Encoding")) has_length = true;
        out.append(k).append(": ").append(v).append("\r\n");
    }
    if (!has_length && (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT"))
        out.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
    out.append("\r\n").append(body);
    return out;
}

std::string form_encode(const header_list& fields) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const auto& [k, v] : fields) {
        if (!out.empty()) out.push_back('&');
        for (const auto* s : {&k, &v}) {
            for (unsigned char c : *s) {
                if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
                    out.push_back(static_cast<char>(c));
                } else if (c == ' ') {
                    out.push_back('+');
                } else {
                    out.push_back('%');
                    out.push_back(hex[c >> 4]);
                    out.push_back(hex[c & 0xF]);
                }
            }
            if (s == &k) out.push_back('=');
        }
    }
    return out;
}

http_reply http_client::request(std::string_view method,
                                std::string_view target,
                                std::string_view body,
                                const header_list& headers) {
    if (conn_ && conn_->peer_closed()) conn_.reset();
    if (!conn_) {
        conn_ = std::make_unique<tcp_connection>(port_);
        ++connections_opened_;
    }
    if (!conn_->send(format_request(method, target, body, headers, port_))) {
        conn_.reset();
        throw connection_lost("could not send the request");
    }
    http_reply reply;
    try {
        reply = conn_->read_response(default_io_timeout, method == "HEAD");
    } catch (...) {
        conn_.reset();
        throw;
    }
    if (iequal(reply.header("Connection"), "close")) conn_.reset();
    return reply;
}

http_reply http_client::get(std::string_view target, const header_list& headers) {
    return request("GET", target, {}, headers);
}

http_reply http_client::del(std::string_view target, const header_list& headers) {
    return request("DELETE", target, {}, headers);
}

http_reply http_client::post_json(std::string_view target, const nlohmann::json& body, const header_list& headers) {
    header_list h = headers;
    h.emplace_back("Content-Type", "application/json");
    return request("POST", target, body.dump(), h);
}

http_reply http_client::patch_json(std::string_view target, const nlohmann::json& body, const header_list& headers) {
    header_list h = headers;
    h.emplace_back("Content-Type", "application/json");
    return request("PATCH", target, body.dump(), h);
}

}  // namespace seminard::testing
