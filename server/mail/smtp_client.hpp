// A blocking SMTP client that hands one message to one recipient's relay, for the mailer thread (issue 5).
// No Asio in this header: the mailer only needs the outcome.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace seminard::server {

/// The SMTP port used when an endpoint names none.
inline constexpr std::uint16_t smtp_default_port = 25;

/// Where to deliver: a host name or IP address (IPv6 without brackets) and a TCP port.
struct smtp_endpoint {
    std::string host;
    std::uint16_t port = smtp_default_port;
};

/// "127.0.0.1:2525", "[::1]:2525", "mail.example.org:587", "mail.example.org" (port 25); nullopt when malformed
/// (empty host, port 0 or out of range, a bare IPv6 address without brackets, characters no host name has).
std::optional<smtp_endpoint> parse_smtp_endpoint(std::string_view s);

/// What became of one attempt. The mailer retries `retry_later` with a back-off and gives up on `rejected`.
enum class delivery_outcome {
    delivered,    ///< the server answered 2xx to the end of the data: the message is its responsibility now
    retry_later,  ///< a 4xx reply, connection refused or reset, timeout, DNS failure, a protocol error
    rejected,     ///< a 5xx reply, or refused locally (an address that could inject commands, 8-bit data the
                  ///< server cannot take, a message larger than the server's SIZE)
};

/// The outcome and one printable line for logs and the outbox: the server's last reply with the command it answered
/// ("451 4.3.0 Try again later (in reply to end of DATA)"), or the local error.
struct delivery_result {
    delivery_outcome outcome;
    std::string detail;
};

struct smtp_options {
    /// Bounds each step on its own: connecting, every write and every reply, and resolving a name; but getaddrinfo
    /// cannot be interrupted, so a hanging DNS lookup also waits for the system resolver's own timeout (resolv.conf).
    /// An IP address is never looked up.
    std::chrono::milliseconds timeout{30000};
    /// The name we greet with in EHLO/HELO.
    std::string helo_name = "localhost";
};

/// Delivers one message (RFC 5322, CRLF line ends; bare LF and bare CR are sent as CRLF) to one recipient: EHLO
/// (HELO when EHLO is refused), MAIL FROM, RCPT TO, DATA with dot-stuffing, QUIT. Blocking, every step bounded by
/// `opt.timeout`; plain SMTP without TLS or AUTH, meant for a local relay. Never throws. Thread-safe: each call
/// uses its own socket and io_context.
delivery_result smtp_send(const smtp_endpoint& to,
                          const smtp_options& opt,
                          std::string_view envelope_from,
                          std::string_view recipient,
                          std::string_view message);

/// The wire form of `message` between DATA's 354 and the final ".\r\n": every line end CRLF, a leading '.' doubled,
/// and a final CRLF when the message lacks one (an empty message stays empty).
std::string smtp_dot_stuff(std::string_view message);

/// True when `address` can go between '<' and '>' in MAIL FROM or RCPT TO: not empty, no control characters
/// (CR and LF would start a new command), no '<' or '>', not longer than RFC 5321's 256 octets of a path.
bool smtp_address_acceptable(std::string_view address);

}  // namespace seminard::server
