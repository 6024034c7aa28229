// The test SMTP sink (see smtp_sink.hpp): POSIX sockets and poll, one connection at a time, a pipe to wake it for
// shutdown.
#include "smtp_sink.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <system_error>

namespace seminard::test {

namespace {

constexpr int listen_backlog = 16;
/// How often a stalled connection looks whether it may answer again.
constexpr int stall_poll_ms = 10;
constexpr std::size_t read_chunk = 16 * 1024;
/// A connection that sends more than a message and its commands without a line end is dropped.
constexpr std::size_t max_buffered = smtp_sink::max_message_size + 64 * 1024;
constexpr const char* host_name = "sink.localhost";

[[noreturn]] void throw_errno(const char* what) { throw std::system_error(errno, std::generic_category(), what); }

std::string upper(std::string_view s) {
    std::string out{s};
    for (auto& c : out) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return out;
}

/// "FROM:<a@b> BODY=8BITMIME" with prefix "FROM:" → address "a@b" and parameters "BODY=8BITMIME"; nullopt when the
/// argument is not shaped like that.
std::optional<std::pair<std::string, std::string>> parse_path(std::string_view arg, std::string_view prefix) {
    if (arg.size() < prefix.size() || upper(arg.substr(0, prefix.size())) != prefix) return std::nullopt;
    arg.remove_prefix(prefix.size());
    while (!arg.empty() && arg.front() == ' ') arg.remove_prefix(1);
    if (arg.empty() || arg.front() != '<') return std::nullopt;
    const auto close = arg.find('>');
    if (close == std::string_view::npos) return std::nullopt;
    auto params = arg.substr(close + 1);
    while (!params.empty() && params.front() == ' ') params.remove_prefix(1);
    return std::pair{std::string{arg.substr(1, close - 1)}, std::string{params}};
}

bool send_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const auto n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

}  // namespace

/// The state of one connection.
struct smtp_sink::session {
    explicit session(int socket) : fd(socket) {}

    int fd;
    bool greeted = false;
    bool in_data = false;
    std::optional<message> current;  // set by MAIL, cleared by the end of DATA, RSET, EHLO and HELO
};

smtp_sink::smtp_sink() {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw_errno("pipe2");
    wake_read_ = pipe_fds[0];
    wake_write_ = pipe_fds[1];
    try {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (listen_fd_ < 0) throw_errno("socket");
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        socklen_t len = sizeof addr;
        if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw_errno("bind");
        if (::listen(listen_fd_, listen_backlog) != 0) throw_errno("listen");
        if (::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) throw_errno("getsockname");
        port_ = ntohs(addr.sin_port);
    } catch (...) {
        // The destructor does not run for a constructor that throws.
        if (listen_fd_ >= 0) ::close(listen_fd_);
        ::close(wake_read_);
        ::close(wake_write_);
        throw;
    }
    thread_ = std::thread([this] { serve(); });
}

smtp_sink::~smtp_sink() {
    const char stop = 's';
    while (::write(wake_write_, &stop, 1) < 0 && errno == EINTR) {
    }
    thread_.join();
    ::close(listen_fd_);
    ::close(wake_read_);
    ::close(wake_write_);
}

std::uint16_t smtp_sink::port() const { return port_; }

std::vector<smtp_sink::message> smtp_sink::messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
}

bool smtp_sink::wait_for(std::size_t n, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return messages_.size() >= n; });
}

void smtp_sink::refuse_next(int n, int code) {
    std::lock_guard lock(mutex_);
    refuse_count_ = n;
    refuse_code_ = code;
}

void smtp_sink::stall(bool on) {
    std::lock_guard lock(mutex_);
    stalled_ = on;
}

void smtp_sink::advertise_8bitmime(bool on) {
    std::lock_guard lock(mutex_);
    eight_bit_mime_ = on;
}

void smtp_sink::refuse_ehlo(bool on) {
    std::lock_guard lock(mutex_);
    refuse_ehlo_ = on;
}

std::size_t smtp_sink::connections() const {
    std::lock_guard lock(mutex_);
    return connections_;
}

std::size_t smtp_sink::attempts() const {
    std::lock_guard lock(mutex_);
    return attempts_;
}

std::vector<std::string> smtp_sink::commands() const {
    std::lock_guard lock(mutex_);
    return commands_;
}

void smtp_sink::serve() {
    for (;;) {
        pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_read_, POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return;
        }
        if (fds[1].revents != 0) return;
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        {
            std::lock_guard lock(mutex_);
            ++connections_;
        }
        converse(fd);
        ::close(fd);
    }
}

void smtp_sink::converse(int fd) {
    session s{fd};
    if (!send_all(fd, std::string{"220 "} + host_name + " ESMTP seminard test sink\r\n")) return;
    std::string in;
    for (;;) {
        // Answer every complete line we have, unless stalled.
        bool stalled = false;
        for (;;) {
            {
                std::lock_guard lock(mutex_);
                stalled = stalled_;
            }
            if (stalled) break;
            if (s.in_data) {
                // Data lines end in CRLF exactly: a bare LF stays in the data, so tests see what the client sent.
                const auto end = in.find("\r\n");
                if (end == std::string::npos) break;
                std::string_view line{in.data(), end};
                if (line == ".") {
                    s.in_data = false;
                    in.erase(0, end + 2);
                    if (!send_all(fd, on_message(s))) return;
                    continue;
                }
                if (!line.empty() && line.front() == '.') line.remove_prefix(1);
                // Past the limit the rest is dropped; the size still tells on_message to refuse it.
                if (s.current && s.current->data.size() <= smtp_sink::max_message_size) {
                    s.current->data += line;
                    s.current->data += "\r\n";
                }
                in.erase(0, end + 2);
            } else {
                const auto end = in.find('\n');
                if (end == std::string::npos) break;
                std::string line = in.substr(0, end);
                in.erase(0, end + 1);
                if (!line.empty() && line.back() == '\r') line.pop_back();
                if (!on_command(s, line)) return;
            }
        }
        if (in.size() > max_buffered) return;

        pollfd fds[2] = {{fd, POLLIN, 0}, {wake_read_, POLLIN, 0}};
        if (::poll(fds, 2, stalled ? stall_poll_ms : -1) < 0) {
            if (errno == EINTR) continue;
            return;
        }
        if (fds[1].revents != 0) return;
        if (fds[0].revents == 0) continue;
        char buf[read_chunk];
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        in.append(buf, static_cast<std::size_t>(n));
    }
}

bool smtp_sink::on_command(session& s, const std::string& line) {
    const auto space = line.find(' ');
    const auto verb = upper(std::string_view{line}.substr(0, space));
    const auto arg = space == std::string::npos ? std::string_view{} : std::string_view{line}.substr(space + 1);
    bool eight_bit_mime = true;
    bool refuse_ehlo = false;
    {
        std::lock_guard lock(mutex_);
        commands_.push_back(line);
        eight_bit_mime = eight_bit_mime_;
        refuse_ehlo = refuse_ehlo_;
    }

    if (verb == "EHLO" && !refuse_ehlo) {
        if (arg.empty()) return send_all(s.fd, "501 5.5.4 EHLO needs a domain\r\n");
        s.greeted = true;
        s.current.reset();
        std::string r = std::string{"250-"} + host_name + " greets " + std::string{arg} + "\r\n";
        if (eight_bit_mime) r += "250-8BITMIME\r\n";
        r += "250-SIZE " + std::to_string(max_message_size) + "\r\n";
        r += "250 HELP\r\n";
        return send_all(s.fd, r);
    }
    if (verb == "HELO") {
        if (arg.empty()) return send_all(s.fd, "501 5.5.4 HELO needs a domain\r\n");
        s.greeted = true;
        s.current.reset();
        return send_all(s.fd, std::string{"250 "} + host_name + "\r\n");
    }
    if (verb == "MAIL") {
        if (!s.greeted || s.current) return send_all(s.fd, "503 5.5.1 Bad sequence of commands\r\n");
        const auto path = parse_path(arg, "FROM:");
        if (!path) return send_all(s.fd, "501 5.5.4 Syntax: MAIL FROM:<address>\r\n");
        s.current = message{path->first, {}, {}, path->second};
        return send_all(s.fd, "250 2.1.0 Ok\r\n");
    }
    if (verb == "RCPT") {
        if (!s.current) return send_all(s.fd, "503 5.5.1 Bad sequence of commands\r\n");
        const auto path = parse_path(arg, "TO:");
        if (!path || path->first.empty()) return send_all(s.fd, "501 5.5.4 Syntax: RCPT TO:<address>\r\n");
        s.current->recipients.push_back(path->first);
        return send_all(s.fd, "250 2.1.5 Ok\r\n");
    }
    if (verb == "DATA") {
        if (!s.current || s.current->recipients.empty()) {
            return send_all(s.fd, "503 5.5.1 Bad sequence of commands\r\n");
        }
        s.in_data = true;
        return send_all(s.fd, "354 End data with <CR><LF>.<CR><LF>\r\n");
    }
    if (verb == "RSET") {
        s.current.reset();
        return send_all(s.fd, "250 2.0.0 Ok\r\n");
    }
    if (verb == "NOOP") return send_all(s.fd, "250 2.0.0 Ok\r\n");
    if (verb == "QUIT") {
        send_all(s.fd, "221 2.0.0 Bye\r\n");
        return false;
    }
    return send_all(s.fd, "500 5.5.2 Command not recognized\r\n");
}

std::string smtp_sink::on_message(session& s) {
    auto m = std::move(*s.current);
    s.current.reset();
    std::string reply;
    {
        std::lock_guard lock(mutex_);
        ++attempts_;
        if (refuse_count_ > 0) {
            --refuse_count_;
            reply = std::to_string(refuse_code_) + " " + std::to_string(refuse_code_ / 100) +
                    ".0.0 Refused on purpose by the test sink\r\n";
        } else if (m.data.size() > max_message_size) {
            reply = "552 5.3.4 Message too big\r\n";
        } else {
            messages_.push_back(std::move(m));
            reply = "250 2.0.0 Ok: queued as " + std::to_string(messages_.size()) + "\r\n";
        }
    }
    changed_.notify_all();
    return reply;
}

}  // namespace seminard::test
