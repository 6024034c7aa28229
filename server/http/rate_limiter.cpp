// Token buckets per client address (see rate_limiter.hpp).
#include "server/http/rate_limiter.hpp"

#include "server/http/ip_network.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>

namespace seminard::server {

namespace {

/// Enough shards that IO threads rarely wait for each other, few enough that a small cap still spreads evenly.
constexpr std::size_t shard_count = 16;
/// Idle buckets dropped per call at most, so one call stays O(1); each bucket is dropped once, so they keep up.
constexpr int idle_evictions_per_call = 2;

}  // namespace

rate_limiter::rate_limiter(rate_limit_config cfg, clock_fn now)
    : cfg_(cfg),
      now_(std::move(now)),
      interval_(cfg.per_window > 0 ? std::chrono::duration_cast<clock::duration>(cfg.window) / cfg.per_window
                                   : clock::duration::zero()),
      tolerance_(interval_ * std::max(1u, cfg.burst)),
      shard_capacity_(std::max<std::size_t>(1, cfg.max_clients / shard_count)) {
    shards_.reserve(shard_count);
    for (std::size_t i = 0; i < shard_count; ++i) shards_.push_back(std::make_unique<shard>());
}

std::string rate_limiter::bucket_key(std::string_view address) {
    const auto p = parse_ip(address);
    char text[INET6_ADDRSTRLEN] = {};
    if (p && p->v4) {
        inet_ntop(AF_INET, p->bytes.data(), text, sizeof text);
        return text;
    }
    if (p) {
        auto prefix = p->bytes;
        std::fill(prefix.begin() + 8, prefix.end(), 0);
        inet_ntop(AF_INET6, prefix.data(), text, sizeof text);
        return std::string{text} + "/64";
    }
    return std::string{address};
}

bool rate_limiter::is_loopback(std::string_view address) {
    const auto p = parse_ip(address);
    if (!p) return false;
    if (p->v4) return p->bytes[0] == 127;
    static constexpr std::array<std::uint8_t, 16> one{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    return p->bytes == one;
}

rate_decision rate_limiter::acquire(std::string_view address) {
    if (!enabled()) return {};
    if (!cfg_.limit_loopback && is_loopback(address)) return {};
    const auto key = bucket_key(address);
    auto& s = *shards_[std::hash<std::string_view>{}(key) % shards_.size()];
    const auto now = now_();

    std::lock_guard lock(s.mutex);
    auto it = s.index.find(key);
    if (it == s.index.end()) {
        // Make room first: buckets that are full again carry no information; beyond the cap, the least recently
        // seen address is forgotten.
        for (int i = 0; i < idle_evictions_per_call && !s.recency.empty() && s.recency.back().second <= now; ++i) {
            s.index.erase(s.recency.back().first);
            s.recency.pop_back();
        }
        while (s.recency.size() >= shard_capacity_) {
            s.index.erase(s.recency.back().first);
            s.recency.pop_back();
        }
        s.recency.emplace_front(key, now);
        it = s.index.emplace(s.recency.front().first, s.recency.begin()).first;
    } else {
        s.recency.splice(s.recency.begin(), s.recency, it->second);
    }

    // GCRA: the bucket's instant moves one interval ahead per token taken and may run at most `burst` intervals
    // ahead of now; time passing is the refill.
    auto& instant = it->second->second;
    const auto next = std::max(instant, now) + interval_;
    if (next - now > tolerance_) {
        const auto wait = next - now - tolerance_;
        auto seconds = std::chrono::ceil<std::chrono::seconds>(wait);
        return {false, std::max(seconds, std::chrono::seconds{1})};
    }
    instant = next;
    return {};
}

rate_decision rate_limiter::check(std::string_view address) const {
    if (!enabled()) return {};
    if (!cfg_.limit_loopback && is_loopback(address)) return {};
    const auto key = bucket_key(address);
    const auto& s = *shards_[std::hash<std::string_view>{}(key) % shards_.size()];
    const auto now = now_();
    std::lock_guard lock(s.mutex);
    auto it = s.index.find(key);
    if (it == s.index.end()) return {};
    const auto next = std::max(it->second->second, now) + interval_;
    if (next - now <= tolerance_) return {};
    return {false, std::max(std::chrono::ceil<std::chrono::seconds>(next - now - tolerance_), std::chrono::seconds{1})};
}

std::size_t rate_limiter::size() const {
    std::size_t n = 0;
    for (const auto& s : shards_) {
        std::lock_guard lock(s->mutex);
        n += s->recency.size();
    }
    return n;
}

}  // namespace seminard::server
