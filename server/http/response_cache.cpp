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
    std::size_t size = key.size() + res.body.size();
    for (const auto& [name, value] : res.headers) size += name.size() + value.size();
    if (size > max_bytes) return;
    auto copy = std::make_shared<const http_response>(res);
    std::unique_lock lock(mutex_);
    if (auto old = entries_.find(key); old != entries_.end()) {
        bytes_ -= old->second.bytes;
        entries_.erase(old);
    }
    if (entries_.size() >= max_entries || bytes_ + size > max_bytes) {
        entries_.clear();
        bytes_ = 0;
    }
    entries_.emplace(key, entry{generation, std::chrono::steady_clock::now(), std::move(copy), size});
    bytes_ += size;
}

std::size_t response_cache::size() const {
    std::shared_lock lock(mutex_);
    return entries_.size();
}

std::size_t response_cache::bytes() const {
    std::shared_lock lock(mutex_);
    return bytes_;
}

}  // namespace seminard::server
