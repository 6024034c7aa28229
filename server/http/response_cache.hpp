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

/// Thread-safe (a shared mutex: many readers, rare writers). Bounded: beyond `max_entries` the cache is emptied
/// rather than evicted piece by piece (the keys are few: one per public URL and language).
class response_cache {
public:
    static constexpr std::size_t max_entries = 4096;
    static constexpr std::chrono::milliseconds max_age{1000};

    /// The answer stored for `key` if it was rendered at `generation` and is younger than max_age.
    std::optional<http_response> find(const std::string& key, std::uint64_t generation) const;
    void store(const std::string& key, std::uint64_t generation, const http_response& res);

private:
    struct entry {
        std::uint64_t generation;
        std::chrono::steady_clock::time_point rendered;
        std::shared_ptr<const http_response> response;
    };
    mutable std::shared_mutex mutex_;
    std::unordered_map<std::string, entry> entries_;
};

}  // namespace seminard::server
