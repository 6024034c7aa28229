// Per-client-address rate limit for public submissions: a token bucket per address, bounded in memory.
#pragma once

#include "server/http/config.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace seminard::server {

/// The answer for one submission.
struct rate_decision {
    bool allowed = true;
    std::chrono::seconds retry_after{0};  ///< when refused: whole seconds until a token is back, at least 1
};

/// Thread-safe (the address space is split into shards, each under its own mutex). acquire() is O(1): one hash
/// lookup, a splice to the front of the shard's recency list, and a bounded number of evictions from its back.
///
/// Each bucket is kept as one instant, its "theoretical arrival time" (GCRA, the token bucket written as a
/// timestamp): a bucket whose instant is not in the future is full, so forgetting it changes no answer. Buckets
/// idle that long are dropped first; beyond `max_clients` the least recently seen address is forgotten (it gets a
/// full bucket when it comes back), so a flood of distinct addresses cannot grow memory without bound.
class rate_limiter {
public:
    using clock = std::chrono::steady_clock;
    using clock_fn = std::function<clock::time_point()>;

    explicit rate_limiter(
        rate_limit_config cfg, clock_fn now = [] { return clock::now(); });

    /// Takes one token from the bucket of `address` (as in http_request::remote_address), or says how long to wait.
    rate_decision acquire(std::string_view address);
    /// What acquire() would answer now, without taking a token.
    rate_decision check(std::string_view address) const;

    bool enabled() const noexcept { return cfg_.per_window > 0; }
    /// Buckets held right now (for tests and metrics).
    std::size_t size() const;

    /// The key an address is counted under: IPv4 as is (also when IPv4-mapped), IPv6 by its /64 (one subscriber's
    /// prefix, so rotating through it does not escape the limit), anything unparsable as the raw string.
    static std::string bucket_key(std::string_view address);
    /// 127.0.0.0/8, ::1 and their IPv4-mapped forms.
    static bool is_loopback(std::string_view address);

private:
    struct shard {
        mutable std::mutex mutex;
        /// Most recently seen at the front. The map's keys view the strings held by the list nodes (stable).
        std::list<std::pair<std::string, clock::time_point>> recency;
        std::unordered_map<std::string_view, decltype(recency)::iterator> index;
    };

    rate_limit_config cfg_;
    clock_fn now_;
    clock::duration interval_;   ///< time for one token to flow back
    clock::duration tolerance_;  ///< burst * interval_: how far ahead of now a bucket's instant may run
    std::size_t shard_capacity_;
    std::vector<std::unique_ptr<shard>> shards_;
};

}  // namespace seminard::server
