// The blocking SMTP client (see smtp_client.hpp). Asio's asynchronous operations on a private io_context, each run
// with run_for(timeout): a step that does not finish in time closes the socket, so nothing waits longer.
#include "server/mail/smtp_client.hpp"

#include "domain/text.hpp"

#include <boost/asio.hpp>

#include <algorithm>
#include <charconv>
#include <exception>
#include <vector>

namespace seminard::server {

namespace {

namespace net = boost::asio;
using tcp = boost::asio::ip::tcp;

/// RFC 5321 allows 512 octets per reply line; real servers send more, nobody sends this much.
constexpr std::size_t max_reply_line = 4096;
/// Lines of one multi-line reply (EHLO lists a dozen extensions at most).
constexpr std::size_t max_reply_lines = 100;
/// RFC 5321 4.5.3.1.3: a path (the address between '<' and '>') has at most 256 octets.
constexpr std::size_t max_path_octets = 256;
/// A result's detail stays one readable line in a log or the outbox.
constexpr std::size_t max_detail = 512;
/// A polite QUIT after the outcome is known is not worth the whole timeout.
constexpr std::chrono::milliseconds quit_timeout{2000};
/// RFC 5321 3.8: with 421 the server closes the connection, so there is no one to say QUIT to.
constexpr int closing_code = 421;
/// Host names in DNS have at most 253 characters.
constexpr std::size_t max_host_name = 253;

using error_code = boost::system::error_code;

bool is_host_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_';
}

bool has_8bit(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

/// Control characters (a reply may carry anything) become spaces, and a long text is cut, so a detail is one line.
std::string printable_line(std::string_view s) {
    std::string out;
    out.reserve(std::min(s.size(), max_detail));
    for (char c : s) {
        if (out.size() >= max_detail) {
            out += "...";
            break;
        }
        const auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 || u == 0x7f) ? ' ' : c;
    }
    return out;
}

/// The code of one reply line ("250-SIZE 1000", "354 go ahead", "250"), or 0 when the line is not shaped like one.
int reply_code(std::string_view line) {
    if (line.size() < 3 || (line.size() > 3 && line[3] != ' ' && line[3] != '-')) return 0;
    if (!std::all_of(line.begin(), line.begin() + 3, [](char c) { return c >= '0' && c <= '9'; })) return 0;
    const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    return code >= 200 && code <= 599 ? code : 0;
}

/// One reply: its code and its lines as received (code included, line end removed).
struct reply {
    int code = 0;
    std::vector<std::string> lines;

    int kind() const { return code / 100; }
    std::string text() const {
        std::string all;
        for (const auto& l : lines) {
            if (!all.empty()) all += ' ';
            all += l;
        }
        return printable_line(all);
    }
};

/// The extensions of an EHLO reply that change what we send.
struct extensions {
    bool eight_bit_mime = false;
    bool size = false;
    std::uint64_t size_limit = 0;  // 0: SIZE without a limit, or none advertised
};

extensions parse_extensions(const reply& r) {
    extensions ext;
    // The first line is the server's greeting name; each further line is "keyword [parameters]".
    for (std::size_t i = 1; i < r.lines.size(); ++i) {
        std::string_view line{r.lines[i]};
        line.remove_prefix(std::min<std::size_t>(4, line.size()));
        const auto space = line.find(' ');
        const auto keyword = line.substr(0, space);
        if (domain::iequals(keyword, "8BITMIME")) {
            ext.eight_bit_mime = true;
        } else if (domain::iequals(keyword, "SIZE")) {
            ext.size = true;
            if (space != std::string_view::npos) {
                auto arg = line.substr(space + 1);
                std::uint64_t n = 0;
                auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), n);
                if (ec == std::errc{}) ext.size_limit = n;
            }
        }
    }
    return ext;
}

delivery_result rejected(std::string detail) { return {delivery_outcome::rejected, std::move(detail)}; }
delivery_result retry_later(std::string detail) { return {delivery_outcome::retry_later, std::move(detail)}; }

/// A reply we did not want: 4xx is transient and 5xx permanent (RFC 5321 4.2.1); any other code where it does not
/// belong means the server and we disagree about the protocol, which another attempt may not repeat.
delivery_result refusal(const reply& r, std::string_view in_reply_to) {
    std::string detail = r.text() + " (in reply to " + std::string{in_reply_to} + ")";
    if (r.kind() == 5) return rejected(std::move(detail));
    if (r.kind() == 4) return retry_later(std::move(detail));
    return retry_later("unexpected reply " + detail);
}

/// One SMTP conversation over one socket. Each public step runs the private io_context for at most the timeout;
/// on failure it returns false and leaves the reason in failure(). Not thread-safe; one per smtp_send call.
class conversation {
public:
    explicit conversation(std::chrono::milliseconds timeout) : timeout_(timeout) {}

    bool connect(const smtp_endpoint& to) {
        std::vector<tcp::endpoint> endpoints;
        error_code ec;
        const auto address = net::ip::make_address(to.host, ec);
        if (!ec) {
            endpoints.emplace_back(address, to.port);
        } else {
            ec = run([&](auto done) {
                resolver_.async_resolve(
                    to.host, std::to_string(to.port), [&endpoints, done](error_code e, tcp::resolver::results_type r) {
                        for (const auto& entry : r) endpoints.push_back(entry.endpoint());
                        done(e);
                    });
            });
            if (ec) return fail("resolving " + to.host + ": " + ec.message());
        }
        ec = run([&](auto done) {
            net::async_connect(socket_, endpoints, [done](error_code e, const tcp::endpoint&) { done(e); });
        });
        if (ec) return fail("connecting to " + to.host + " port " + std::to_string(to.port) + ": " + ec.message());
        return true;
    }

    bool write(std::string_view data, std::string_view what) {
        const auto ec = run([&](auto done) {
            net::async_write(socket_, net::buffer(data), [done](error_code e, std::size_t) { done(e); });
        });
        if (ec) return fail("sending " + std::string{what} + ": " + ec.message());
        return true;
    }

    /// Reads a whole (possibly multi-line) reply. Lenient about a bare LF as line end; strict about the shape.
    bool read_reply(reply& r, std::string_view what) {
        r = reply{};
        for (;;) {
            std::string line;
            if (!read_line(line, what)) return false;
            const int code = reply_code(line);
            if (code == 0 || (r.code != 0 && code != r.code)) {
                return fail_protocol("malformed reply to " + std::string{what} + ": " + printable_line(line));
            }
            r.code = code;
            const bool more = line.size() > 3 && line[3] == '-';
            r.lines.push_back(std::move(line));
            if (!more) return true;
            if (r.lines.size() >= max_reply_lines) {
                return fail_protocol("reply to " + std::string{what} + " longer than " +
                                     std::to_string(max_reply_lines) + " lines");
            }
        }
    }

    /// Sends a command line and reads its reply.
    bool command(std::string_view line, reply& r, std::string_view what) {
        std::string wire{line};
        wire += "\r\n";
        return write(wire, what) && read_reply(r, what);
    }

    /// Says goodbye; the outcome is already known, so a failure here changes nothing.
    void quit() {
        reply ignored;
        auto saved = std::move(failure_);
        timeout_ = std::min(timeout_, quit_timeout);
        command("QUIT", ignored, "QUIT");
        failure_ = std::move(saved);
    }

    /// After a reply we did not want: QUIT, unless the server said it is closing.
    delivery_result give_up(const reply& r, std::string_view in_reply_to) {
        auto result = refusal(r, in_reply_to);
        if (r.code != closing_code) quit();
        return result;
    }

    delivery_result failure() const { return failure_; }

private:
    /// Starts one operation with `start(done)` and runs the io_context until `done(ec)` or the timeout; on the timeout
    /// the socket closes (cancelling the operation) and the result is timed_out.
    template <class Start>
    error_code run(Start start) {
        error_code result = net::error::would_block;
        start([&result](error_code ec) { result = ec; });
        io_.restart();
        io_.run_for(timeout_);
        if (!io_.stopped()) {
            error_code ignored;
            socket_.close(ignored);
            resolver_.cancel();
            io_.run();  // the cancelled handler must run before `result` goes out of scope
            return net::error::timed_out;
        }
        return result;
    }

    bool read_line(std::string& line, std::string_view what) {
        std::size_t n = 0;
        const auto ec = run([&](auto done) {
            net::async_read_until(socket_,
                                  net::dynamic_buffer(buffer_, max_reply_line),
                                  '\n',
                                  [&n, done](error_code e, std::size_t size) {
                                      n = size;
                                      done(e);
                                  });
        });
        if (ec == net::error::not_found) {
            return fail_protocol("reply line to " + std::string{what} + " longer than " +
                                 std::to_string(max_reply_line) + " bytes");
        }
        if (ec == net::error::eof)
            return fail("the server closed the connection before its reply to " + std::string{what});
        if (ec) return fail("waiting for the reply to " + std::string{what} + ": " + ec.message());
        line.assign(buffer_, 0, n - 1);
        buffer_.erase(0, n);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return true;
    }

    /// Every local failure after we started talking is transient: the network or the server may do better later.
    bool fail(std::string detail) {
        failure_ = retry_later(std::move(detail));
        return false;
    }
    bool fail_protocol(std::string detail) { return fail("protocol error: " + std::move(detail)); }

    std::chrono::milliseconds timeout_;
    net::io_context io_{1};
    tcp::resolver resolver_{io_};
    tcp::socket socket_{io_};
    std::string buffer_;
    delivery_result failure_{delivery_outcome::retry_later, {}};
};

/// Greets with EHLO, or HELO when the server does not know EHLO (5xx). nullopt and failure() or `refused` set on
/// failure.
std::optional<extensions> greet(conversation& c,
                                const std::string& helo_name,
                                std::optional<delivery_result>& refused) {
    reply r;
    if (!c.command("EHLO " + helo_name, r, "EHLO")) return std::nullopt;
    if (r.kind() == 2) return parse_extensions(r);
    if (r.kind() != 5) {
        refused = c.give_up(r, "EHLO");
        return std::nullopt;
    }
    if (!c.command("HELO " + helo_name, r, "HELO")) return std::nullopt;
    if (r.kind() != 2) {
        refused = c.give_up(r, "HELO");
        return std::nullopt;
    }
    return extensions{};
}

/// A HELO name is our own configuration; one that could break the command line is replaced rather than sent.
std::string safe_helo_name(const std::string& name) {
    const bool ok = !name.empty() && name.size() <= max_host_name && std::all_of(name.begin(), name.end(), [](char c) {
        return is_host_name_char(c) || c == '[' || c == ']' || c == ':';
    });
    return ok ? name : std::string{"localhost"};
}

delivery_result send(const smtp_endpoint& to,
                     const smtp_options& opt,
                     std::string_view envelope_from,
                     std::string_view recipient,
                     std::string_view message) {
    if (!smtp_address_acceptable(envelope_from)) {
        return rejected("refused locally: the sender address is empty, too long or has characters not allowed there");
    }
    if (!smtp_address_acceptable(recipient)) {
        return rejected(
            "refused locally: the recipient address is empty, too long or has characters not allowed there");
    }
    const bool eight_bit = has_8bit(message);
    const std::string wire = smtp_dot_stuff(message);

    conversation c{opt.timeout};
    if (!c.connect(to)) return c.failure();
    reply r;
    if (!c.read_reply(r, "the greeting")) return c.failure();
    if (r.kind() != 2) return c.give_up(r, "the greeting");

    std::optional<delivery_result> refused;
    const auto ext = greet(c, safe_helo_name(opt.helo_name), refused);
    if (!ext) return refused ? *refused : c.failure();
    if (eight_bit && !ext->eight_bit_mime) {
        c.quit();
        return rejected("refused locally: the message has 8-bit data and the server does not offer 8BITMIME");
    }
    if (ext->size_limit != 0 && wire.size() > ext->size_limit) {
        c.quit();
        return rejected("refused locally: the message has " + std::to_string(wire.size()) +
                        " bytes, the server takes at most " + std::to_string(ext->size_limit));
    }

    std::string mail = "MAIL FROM:<" + std::string{envelope_from} + ">";
    if (eight_bit) mail += " BODY=8BITMIME";
    if (ext->size) mail += " SIZE=" + std::to_string(wire.size());
    const struct {
        std::string line;
        std::string_view name;
        int expected_kind;
    } steps[] = {
        {std::move(mail), "MAIL FROM", 2},
        {"RCPT TO:<" + std::string{recipient} + ">", "RCPT TO", 2},
        {"DATA", "DATA", 3},
    };
    for (const auto& step : steps) {
        if (!c.command(step.line, r, step.name)) return c.failure();
        if (r.kind() != step.expected_kind) return c.give_up(r, step.name);
    }

    if (!c.write(wire, "the message") || !c.write(".\r\n", "end of DATA") || !c.read_reply(r, "end of DATA")) {
        return c.failure();
    }
    if (r.kind() != 2) return c.give_up(r, "end of DATA");
    delivery_result delivered{delivery_outcome::delivered, r.text()};
    c.quit();  // the message is the server's now, whatever QUIT gets
    return delivered;
}

}  // namespace

std::optional<smtp_endpoint> parse_smtp_endpoint(std::string_view s) {
    smtp_endpoint ep;
    std::string_view host;
    std::string_view port;
    bool has_port = false;
    if (!s.empty() && s.front() == '[') {
        const auto close = s.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        host = s.substr(1, close - 1);
        const auto rest = s.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return std::nullopt;
            port = rest.substr(1);
            has_port = true;
        }
        error_code ec;
        net::ip::make_address_v6(std::string{host}, ec);
        if (ec) return std::nullopt;
    } else {
        const auto colon = s.find(':');
        // Two colons: an IPv6 address without brackets, where a port could not be told apart.
        if (colon != std::string_view::npos && s.find(':', colon + 1) != std::string_view::npos) return std::nullopt;
        host = s.substr(0, colon);
        if (colon != std::string_view::npos) {
            port = s.substr(colon + 1);
            has_port = true;
        }
        if (host.empty() || host.size() > max_host_name || !std::all_of(host.begin(), host.end(), is_host_name_char)) {
            return std::nullopt;
        }
    }
    ep.host = std::string{host};
    if (has_port) {
        unsigned value = 0;
        auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
            return std::nullopt;
        }
        ep.port = static_cast<std::uint16_t>(value);
    }
    return ep;
}

std::string smtp_dot_stuff(std::string_view message) {
    std::string out;
    out.reserve(message.size() + message.size() / 32 + 2);
    bool line_start = true;
    for (std::size_t i = 0; i < message.size(); ++i) {
        const char c = message[i];
        if (c == '\r' || c == '\n') {
            // CRLF, a bare LF and a bare CR each end one line.
            if (c == '\r' && i + 1 < message.size() && message[i + 1] == '\n') ++i;
            out += "\r\n";
            line_start = true;
            continue;
        }
        if (line_start && c == '.') out += '.';
        out += c;
        line_start = false;
    }
    if (!line_start) out += "\r\n";
    return out;
}

bool smtp_address_acceptable(std::string_view address) {
    if (address.empty() || address.size() > max_path_octets) return false;
    return std::none_of(address.begin(), address.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f || c == '<' || c == '>';
    });
}

delivery_result smtp_send(const smtp_endpoint& to,
                          const smtp_options& opt,
                          std::string_view envelope_from,
                          std::string_view recipient,
                          std::string_view message) {
    try {
        return send(to, opt, envelope_from, recipient, message);
    } catch (const std::exception& e) {
        // Only resource exhaustion gets here (Asio is called with error_code everywhere); another try may succeed.
        return retry_later(std::string{"local error: "} + e.what());
    } catch (...) {
        return retry_later("local error");
    }
}

}  // namespace seminard::server
