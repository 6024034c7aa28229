// Helpers for the CSV export tests: reading an export back with Python's csv module (a CSV reader that is not
// ours), an independent UTC → Europe/Berlin conversion for expected times, a streaming download that counts lines
// without keeping the body, and a sampler of a process's resident memory.
#pragma once

#include "http_client.hpp"

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace seminard::testing {

using csv_rows = std::vector<std::vector<std::string>>;

/// Parses `body` with Python 3's csv module (strict mode, RFC 4180 double quotes) and returns every record.
/// `delimiter` is ',' or ';'; `encoding` is a Python codec name: "utf-8" leaves a BOM in the first cell,
/// "utf-8-sig" strips it. Fails the test when Python cannot read the file.
csv_rows read_with_python(const std::string& body, char delimiter, const std::string& encoding);

/// "2027-01-20T11:00:00Z" as the Europe/Berlin wall clock with its offset, "2027-01-20T12:00:00+01:00", by the
/// EU rule (summer time from the last Sunday of March to the last Sunday of October, 01:00 UTC). Independent of
/// the server's time-zone code on purpose.
std::string berlin_time(const std::string& utc_iso);

/// VmRSS (or another "Vm…" line) of a process from /proc/<pid>/status, in KiB; -1 when unreadable.
long proc_status_kib(pid_t pid, const char* field);

/// Samples a process's VmRSS every `interval` on its own thread and keeps the highest value seen.
class rss_sampler {
public:
    rss_sampler(pid_t pid, std::chrono::milliseconds interval);
    ~rss_sampler();
    rss_sampler(const rss_sampler&) = delete;
    rss_sampler& operator=(const rss_sampler&) = delete;

    /// Stops sampling (idempotent) and returns the peak in KiB.
    long stop();
    long samples() const { return samples_.load(); }

private:
    pid_t pid_;
    std::chrono::milliseconds interval_;
    std::atomic<bool> stop_{false};
    std::atomic<long> peak_{0};
    std::atomic<long> samples_{0};
    std::thread thread_;
};

/// What a streamed download delivered: the response head, and the body's lines counted on the fly (only the first
/// and the last line are kept).
struct streamed_export {
    int status = 0;
    std::string head;  ///< status line and headers, as received
    bool chunked = false;
    bool complete = false;  ///< the last chunk (0-size) arrived
    std::uint64_t chunks = 0;
    std::uint64_t body_bytes = 0;
    std::uint64_t lines = 0;  ///< CRLF-terminated lines
    std::string first_line;   ///< without its CRLF
    std::string last_line;
    std::chrono::milliseconds first_byte{0};  ///< request sent → first body byte
    std::chrono::milliseconds total{0};       ///< request sent → last chunk
};

/// GETs `target` over a fresh connection (Connection: close) and decodes the chunked body incrementally, never
/// holding more than one receive buffer of it. Fails the test on a timeout or a malformed response.
streamed_export stream_export(std::uint16_t port,
                              const std::string& target,
                              const header_list& headers,
                              std::chrono::milliseconds timeout);

}  // namespace seminard::testing
