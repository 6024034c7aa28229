// One request and its one answer, shared by whatever works on it (IO thread, reader pool, writer).
#pragma once

#include "domain/messages.hpp"
#include "http_types.hpp"

#include <atomic>
#include <functional>
#include <map>
#include <string>

namespace seminard::server {

/// Holds the request and the way back to its connection. respond() may be called from any thread; the first
/// call wins, later ones are ignored. If the last owner drops an unanswered exchange (a bug), the client still
/// gets a 500 instead of a hanging connection. Owned through std::shared_ptr.
class exchange {
public:
    using reply_fn = std::function<void(http_response)>;

    exchange(http_request request, reply_fn reply);
    ~exchange();
    exchange(const exchange&) = delete;
    exchange& operator=(const exchange&) = delete;

    const http_request& request() const noexcept { return request_; }
    /// A path parameter captured by the route, already percent-decoded.
    const std::string& param(const std::string& name) const;

    void respond(http_response response);
    bool answered() const noexcept { return answered_.load(); }

    std::map<std::string, std::string> params;  ///< set by the router before the handler runs
    std::string route;                          ///< the matched pattern, for the access log
    domain::lang lang = domain::lang::de;       ///< negotiated by the router

private:
    http_request request_;
    reply_fn reply_;
    std::atomic<bool> answered_{false};
};

}  // namespace seminard::server
