// A tiny SMTP server on 127.0.0.1 for the mail tests: records what it receives, and refuses or stalls on purpose.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace seminard::test {

/// Listens on 127.0.0.1 on an ephemeral port and serves one connection at a time on its own thread (connections
/// queue in the backlog and are taken in turn). Speaks enough ESMTP for real clients: 220 greeting, EHLO with a
/// multi-line 250 (8BITMIME, SIZE), HELO, MAIL, RCPT, DATA/354, RSET, NOOP, QUIT; 500 for unknown commands and
/// 503 for commands out of order. Every member function is thread-safe. Not copyable or movable: the thread
/// refers to it.
class smtp_sink {
public:
    /// The largest message it takes (advertised as SIZE); a larger one gets 552 after DATA.
    static constexpr std::size_t max_message_size = 10 * 1024 * 1024;

    /// Binds 127.0.0.1:0 and starts serving; throws std::system_error when the socket cannot be set up.
    smtp_sink();
    /// Stops (an open connection is dropped) and joins.
    ~smtp_sink();
    smtp_sink(const smtp_sink&) = delete;
    smtp_sink& operator=(const smtp_sink&) = delete;

    std::uint16_t port() const;

    /// One accepted transaction. `data` is un-dot-stuffed, with the CRLFs as received, without the final ".\r\n".
    struct message {
        std::string from;
        std::vector<std::string> recipients;
        std::string data;
        std::string mail_parameters;  ///< what followed "MAIL FROM:<...>", e.g. "BODY=8BITMIME SIZE=123"
    };
    std::vector<message> messages() const;

    /// Blocks until at least n messages arrived or the timeout passed; returns whether they did.
    bool wait_for(std::size_t n, std::chrono::milliseconds timeout) const;

    /// The next n transactions get `code` (e.g. 451 or 550) after the end of DATA instead of 250.
    void refuse_next(int n, int code);
    /// Stop answering after the greeting (to test client timeouts) while set; input is read but not answered.
    void stall(bool on);
    /// Whether EHLO lists 8BITMIME (it does by default).
    void advertise_8bitmime(bool on);
    /// Answer EHLO with 500, as a server that knows only HELO (off by default).
    void refuse_ehlo(bool on);

    std::size_t connections() const;  ///< accepted so far
    std::size_t attempts() const;     ///< DATA transactions finished (accepted or refused)
    /// Every command line received, across connections, without its line end (the message data excluded).
    std::vector<std::string> commands() const;

private:
    struct session;

    void serve();
    void converse(int fd);
    /// Answers one command line; returns false when the connection should close.
    bool on_command(session& s, const std::string& line);
    /// Answers the end of DATA.
    std::string on_message(session& s);

    int listen_fd_ = -1;
    int wake_read_ = -1;  // the destructor writes to wake_write_; every poll also watches wake_read_
    int wake_write_ = -1;
    std::uint16_t port_ = 0;

    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::vector<message> messages_;
    std::vector<std::string> commands_;
    int refuse_count_ = 0;
    int refuse_code_ = 0;
    bool stalled_ = false;
    bool eight_bit_mime_ = true;
    bool refuse_ehlo_ = false;
    std::size_t connections_ = 0;
    std::size_t attempts_ = 0;

    std::thread thread_;  // last: starts after everything it uses
};

}  // namespace seminard::test
