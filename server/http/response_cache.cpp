// Public answer cache (see response_cache.hpp).
#include "server/http/response_cache.hpp"

#include <mutex>

namespace seminard::server {

std::optional<http_response> response_cache::find(const std::string& key, std::uint64_t generation) const {
    std::shared_lock lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.generation != generation ||
        std::chrono::steady_clock::now() - it->second.rendered > max_age)
        return std::nullopt;
    return *it->second.response;
}

void response_cache::store(const std::string& key, std::uint64_t generation, const http_response& res) {
    auto copy = std::make_shared<const http_response>(res);
    std::unique_lock lock(mutex_);
    if (entries_.size() >= max_entries) entries_.clear();
    entries_[key] = entry{generation, std::chrono::steady_clock::now(), std::move(copy)};
}

}  // namespace seminard::server
