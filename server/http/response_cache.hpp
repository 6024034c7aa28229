// A cache of rendered public answers (seminar JSON, calendars), valid while nothing was committed since they were
// rendered and for at most a second (some fields depend on the clock: registration_open, past, DTSTAMP).
#pragma once

#include "server/http/http_types.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

namespace seminard::server {

/// Thread-safe (a shared mutex: many readers, rare writers). Bounded in entries and in bytes: beyond either the
/// cache is emptied rather than evicted piece by piece (the keys are few: one per public URL, known parameter value
/// and language; callers never key on values a client can make up).
class response_cache {
public:
    static constexpr std::size_t max_entries = 4096;
    static constexpr std::size_t max_bytes = 32 * 1024 * 1024;  ///< bodies and header values held at once
    static constexpr std::chrono::milliseconds max_age{1000};

    /// The answer stored for `key` if it was rendered at `generation` and is younger than max_age.
    std::optional<http_response> find(const std::string& key, std::uint64_t generation) const;
    void store(const std::string& key, std::uint64_t generation, const http_response& res);

    /// Entries and bytes held now (for tests and metrics).
    std::size_t size() const;
    std::size_t bytes() const;

private:
    struct entry {
        std::uint64_t generation;
        std::chrono::steady_clock::time_point rendered;
        std::shared_ptr<const http_response> response;
        std::size_t bytes;
    };
    mutable std::shared_mutex mutex_;
    std::unordered_map<std::string, entry> entries_;
    std::size_t bytes_ = 0;
};

}  // namespace seminard::server
