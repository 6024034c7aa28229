// The SMTP client against the test sink (and a few scripted servers for broken replies): what arrives, and which
// outcome each kind of failure gives.
#include "server/mail/smtp_client.hpp"

#include "smtp_sink.hpp"

#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <thread>

using seminard::server::delivery_outcome;
using seminard::server::parse_smtp_endpoint;
using seminard::server::smtp_endpoint;
using seminard::server::smtp_options;
using seminard::server::smtp_send;
using seminard::test::smtp_sink;

namespace {

constexpr std::chrono::milliseconds test_timeout{2000};
constexpr const char* sender = "anmeldung@example.org";
constexpr const char* recipient = "erika.mustermann@example.org";

smtp_endpoint at(std::uint16_t port) { return {"127.0.0.1", port}; }

smtp_options quick() {
    smtp_options o;
    o.timeout = test_timeout;
    return o;
}

bool contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

bool has_command_starting(const std::vector<std::string>& commands, std::string_view prefix) {
    return std::any_of(commands.begin(), commands.end(), [&](const std::string& c) { return c.starts_with(prefix); });
}

/// A port on 127.0.0.1 that was free a moment ago and where nothing listens now.
std::uint16_t closed_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    ::close(fd);
    return ntohs(addr.sin_port);
}

/// A server for one connection that sends `script` at once, then answers QUIT with 221 and discards everything else
/// until the client leaves.
class scripted_server {
public:
    explicit scripted_server(std::string script) : script_(std::move(script)) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        ::listen(fd_, 1);
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~scripted_server() {
        ::shutdown(fd_, SHUT_RDWR);  // wakes accept() if the client never came
        thread_.join();
        ::close(fd_);
    }
    std::uint16_t port() const { return port_; }
    /// Whether the client said QUIT (it has, if at all, once smtp_send returned: it waits for the 221).
    bool quit_seen() const { return quit_seen_; }

private:
    void serve() {
        const int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        ::send(c, script_.data(), script_.size(), MSG_NOSIGNAL);
        std::string received;
        char buf[1024];
        pollfd p{c, POLLIN, 0};
        for (;;) {
            if (::poll(&p, 1, static_cast<int>(test_timeout.count())) <= 0) break;
            const auto n = ::recv(c, buf, sizeof buf, 0);
            if (n <= 0) break;
            received.append(buf, static_cast<std::size_t>(n));
            if (received.ends_with("QUIT\r\n")) {
                quit_seen_ = true;
                ::send(c, "221 bye\r\n", 9, MSG_NOSIGNAL);
            }
        }
        ::close(c);
    }

    std::string script_;
    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> quit_seen_ = false;
    std::thread thread_;
};

}  // namespace

TEST_CASE("a message reaches the sink unchanged, with its envelope", "[smtp]") {
    smtp_sink sink;
    const std::string message =
        "From: Seminare <anmeldung@example.org>\r\n"
        "Subject: Anmeldung\r\n"
        "\r\n"
        ".a line that starts with a dot\r\n"
        "..two dots\r\n"
        ".\r\n"
        "not the end yet\r\n";
    const auto r = smtp_send(at(sink.port()), quick(), sender, recipient, message);
    CHECK(r.outcome == delivery_outcome::delivered);
    CHECK(r.detail.starts_with("250 "));
    REQUIRE(sink.messages().size() == 1);
    const auto m = sink.messages().front();
    CHECK(m.data == message);
    CHECK(m.from == sender);
    CHECK(m.recipients == std::vector<std::string>{recipient});
    // 7-bit: no BODY parameter; the sink offers SIZE, so the client declares the size.
    CHECK_FALSE(contains(m.mail_parameters, "BODY"));
    CHECK(contains(m.mail_parameters, "SIZE="));
    const auto commands = sink.commands();
    CHECK(commands.front() == "EHLO localhost");
    CHECK(commands.back() == "QUIT");
}

TEST_CASE("bare LF and bare CR line ends go out as CRLF, and a last line gets its line end", "[smtp]") {
    smtp_sink sink;
    const auto r = smtp_send(at(sink.port()), quick(), sender, recipient, "Subject: x\n\n.dot\nold mac\rlast");
    REQUIRE(r.outcome == delivery_outcome::delivered);
    REQUIRE(sink.messages().size() == 1);
    CHECK(sink.messages().front().data == "Subject: x\r\n\r\n.dot\r\nold mac\r\nlast\r\n");
}

TEST_CASE("dot-stuffing doubles a leading dot and normalises line ends", "[smtp]") {
    using seminard::server::smtp_dot_stuff;
    CHECK(smtp_dot_stuff("") == "");
    CHECK(smtp_dot_stuff("a") == "a\r\n");
    CHECK(smtp_dot_stuff(".\r\n") == "..\r\n");
    CHECK(smtp_dot_stuff("a\n.b\r\n..c") == "a\r\n..b\r\n...c\r\n");
    CHECK(smtp_dot_stuff("a.b\r\n") == "a.b\r\n");
    CHECK(smtp_dot_stuff("\r\r\n") == "\r\n\r\n");
}

TEST_CASE("8-bit data is declared BODY=8BITMIME, and refused locally when the server cannot take it", "[smtp]") {
    smtp_sink sink;
    const std::string message = "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n\r\nGrüße aus München\r\n";
    SECTION("the server offers 8BITMIME") {
        const auto r = smtp_send(at(sink.port()), quick(), sender, recipient, message);
        REQUIRE(r.outcome == delivery_outcome::delivered);
        REQUIRE(sink.messages().size() == 1);
        CHECK(contains(sink.messages().front().mail_parameters, "BODY=8BITMIME"));
        CHECK(sink.messages().front().data == message);
    }
    SECTION("the server does not") {
        sink.advertise_8bitmime(false);
        const auto r = smtp_send(at(sink.port()), quick(), sender, recipient, message);
        CHECK(r.outcome == delivery_outcome::rejected);
        CHECK(contains(r.detail, "8BITMIME"));
        CHECK_FALSE(has_command_starting(sink.commands(), "MAIL"));
        CHECK(sink.attempts() == 0);
    }
}

TEST_CASE("a server that refuses EHLO is greeted with HELO", "[smtp]") {
    smtp_sink sink;
    sink.refuse_ehlo(true);
    const auto r = smtp_send(at(sink.port()), quick(), sender, recipient, "Subject: x\r\n\r\nhi\r\n");
    CHECK(r.outcome == delivery_outcome::delivered);
    CHECK(has_command_starting(sink.commands(), "HELO localhost"));
    REQUIRE(sink.messages().size() == 1);
    CHECK(sink.messages().front().mail_parameters.empty());
}

TEST_CASE("a 451 after the data is retried, and the next attempt is delivered", "[smtp]") {
    smtp_sink sink;
    sink.refuse_next(1, 451);
    const auto first = smtp_send(at(sink.port()), quick(), sender, recipient, "Subject: x\r\n\r\nhi\r\n");
    CHECK(first.outcome == delivery_outcome::retry_later);
    CHECK(first.detail == "451 4.0.0 Refused on purpose by the test sink (in reply to end of DATA)");
    CHECK(sink.messages().empty());

    const auto second = smtp_send(at(sink.port()), quick(), sender, recipient, "Subject: x\r\n\r\nhi\r\n");
    CHECK(second.outcome == delivery_outcome::delivered);
    CHECK(sink.wait_for(1, test_timeout));
    CHECK(sink.attempts() == 2);
    CHECK(sink.connections() == 2);
}

TEST_CASE("a 550 after the data is a rejection", "[smtp]") {
    smtp_sink sink;
    sink.refuse_next(1, 550);
    const auto r = smtp_send(at(sink.port()), quick(), sender, recipient, "Subject: x\r\n\r\nhi\r\n");
    CHECK(r.outcome == delivery_outcome::rejected);
    CHECK(r.detail.starts_with("550 "));
    CHECK(sink.messages().empty());
    CHECK(sink.attempts() == 1);
}

TEST_CASE("nothing listening is retried later", "[smtp]") {
    const auto r = smtp_send(at(closed_port()), quick(), sender, recipient, "Subject: x\r\n\r\nhi\r\n");
    CHECK(r.outcome == delivery_outcome::retry_later);
    CHECK(contains(r.detail, "connecting to 127.0.0.1"));
}

TEST_CASE("a server that stops answering is given up within the timeout and retried later", "[smtp]") {
    smtp_sink sink;
    sink.stall(true);
    smtp_options o;
    o.timeout = std::chrono::milliseconds{300};
    const auto start = std::chrono::steady_clock::now();
    const auto r = smtp_send(at(sink.port()), o, sender, recipient, "Subject: x\r\n\r\nhi\r\n");
    const auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(r.outcome == delivery_outcome::retry_later);
    CHECK(contains(r.detail, "EHLO"));
    CHECK(elapsed >= std::chrono::milliseconds{250});
    CHECK(elapsed < std::chrono::milliseconds{1500});
    CHECK(sink.attempts() == 0);
}

TEST_CASE("addresses that could inject commands are refused before connecting", "[smtp]") {
    smtp_sink sink;
    const auto send_to = [&](std::string_view from, std::string_view rcpt) {
        return smtp_send(at(sink.port()), quick(), from, rcpt, "Subject: x\r\n\r\nhi\r\n");
    };
    CHECK(send_to(sender, "a@example.org>\r\nRCPT TO:<x@example.org").outcome == delivery_outcome::rejected);
    CHECK(send_to(sender, "a@example.org\nRCPT TO:<x@example.org>").outcome == delivery_outcome::rejected);
    CHECK(send_to(sender, "a@example.org>").outcome == delivery_outcome::rejected);
    CHECK(send_to(sender, "<a@example.org").outcome == delivery_outcome::rejected);
    CHECK(send_to(sender, "").outcome == delivery_outcome::rejected);
    CHECK(send_to("", recipient).outcome == delivery_outcome::rejected);
    CHECK(send_to("x@example.org>\r\nDATA", recipient).outcome == delivery_outcome::rejected);
    CHECK(sink.connections() == 0);
}

TEST_CASE("broken replies are protocol errors, retried later", "[smtp]") {
    SECTION("a reply line longer than the bound") {
        scripted_server server("220-" + std::string(5000, 'x') + "\r\n220 ok\r\n");
        const auto r = smtp_send(at(server.port()), quick(), sender, recipient, "hi\r\n");
        CHECK(r.outcome == delivery_outcome::retry_later);
        CHECK(contains(r.detail, "protocol error"));
    }
    SECTION("a reply of too many lines") {
        std::string script;
        for (int i = 0; i < 150; ++i) script += "220-more\r\n";
        scripted_server server(script + "220 ok\r\n");
        const auto r = smtp_send(at(server.port()), quick(), sender, recipient, "hi\r\n");
        CHECK(r.outcome == delivery_outcome::retry_later);
        CHECK(contains(r.detail, "protocol error"));
    }
    SECTION("a greeting that is not a reply") {
        scripted_server server("hello there\r\n");
        const auto r = smtp_send(at(server.port()), quick(), sender, recipient, "hi\r\n");
        CHECK(r.outcome == delivery_outcome::retry_later);
        CHECK(contains(r.detail, "protocol error"));
    }
    SECTION("a multi-line reply whose codes differ") {
        scripted_server server("220-a\r\n250 b\r\n");
        const auto r = smtp_send(at(server.port()), quick(), sender, recipient, "hi\r\n");
        CHECK(r.outcome == delivery_outcome::retry_later);
    }
    SECTION("a server that never greets") {
        scripted_server server("");
        smtp_options o;
        o.timeout = std::chrono::milliseconds{300};
        const auto r = smtp_send(at(server.port()), o, sender, recipient, "hi\r\n");
        CHECK(r.outcome == delivery_outcome::retry_later);
    }
}

TEST_CASE("a refused greeting and a 421 greeting give their outcomes", "[smtp]") {
    SECTION("554: rejected") {
        scripted_server server("554 5.7.1 go away\r\n");
        const auto r = smtp_send(at(server.port()), quick(), sender, recipient, "hi\r\n");
        CHECK(r.outcome == delivery_outcome::rejected);
        CHECK(r.detail == "554 5.7.1 go away (in reply to the greeting)");
        CHECK(server.quit_seen());
    }
    SECTION("421: retry later; a multi-line reply is one line in the detail") {
        scripted_server server("421-4.3.2 busy\r\n421 4.3.2 come back\r\n");
        const auto r = smtp_send(at(server.port()), quick(), sender, recipient, "hi\r\n");
        CHECK(r.outcome == delivery_outcome::retry_later);
        CHECK(r.detail == "421-4.3.2 busy 421 4.3.2 come back (in reply to the greeting)");
        CHECK_FALSE(server.quit_seen());  // 421: the server is closing
    }
}

TEST_CASE("SMTP endpoints are parsed from host and optional port", "[smtp]") {
    auto check = [](std::string_view s, std::string_view host, std::uint16_t port) {
        INFO(s);
        const auto ep = parse_smtp_endpoint(s);
        REQUIRE(ep);
        CHECK(ep->host == host);
        CHECK(ep->port == port);
    };
    check("127.0.0.1:2525", "127.0.0.1", 2525);
    check("[::1]:2525", "::1", 2525);
    check("[::1]", "::1", 25);
    check("mail.example.org:587", "mail.example.org", 587);
    check("mail.example.org", "mail.example.org", 25);
    check("localhost:65535", "localhost", 65535);

    for (std::string_view bad : {"",
                                 ":25",
                                 "host:",
                                 "host:0",
                                 "host:65536",
                                 "host:25x",
                                 "host:-1",
                                 "host: 25",
                                 "::1",
                                 "::1:25",
                                 "[::1",
                                 "[::1]2525",
                                 "[]:25",
                                 "[mail.example.org]:25",
                                 "mail example.org",
                                 "mail.example.org\r\n:25",
                                 "user@mail.example.org"}) {
        INFO(bad);
        CHECK_FALSE(parse_smtp_endpoint(bad));
    }
}
