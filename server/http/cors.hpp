// CORS for the registration form embedded on the organiser's own site: an allow-list of exact origins, preflight
// answers, and the headers on actual answers of the public API. No cookies, so never credentials and never "*".
#pragma once

#include "domain/messages.hpp"
#include "server/http/http_types.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace seminard::server {

/// Request headers a cross-origin page may send (the form sends JSON, may pick the language, and may make its
/// submission idempotent).
inline constexpr std::string_view cors_allowed_headers =
    "Content-Type, Accept-Language, Idempotency-Key, X-Idempotency-Key";
/// Response headers a cross-origin page may read beyond the safelisted ones (the new registration, back-off time).
inline constexpr std::string_view cors_exposed_headers = "Location, Retry-After";
/// How long a browser may reuse a preflight answer, in seconds.
inline constexpr int cors_max_age_seconds = 600;

/// Immutable after construction, so safe to share between threads. An Origin is only ever echoed when it is byte
/// for byte one of the configured origins, so nothing a client sends reaches a response header otherwise.
class cors_policy {
public:
    cors_policy() = default;
    /// `origins` as returned by normalize_origin().
    explicit cors_policy(std::vector<std::string> origins) : origins_(std::move(origins)) {}

    /// False without configured origins: no CORS headers at all, every preflight is refused.
    bool enabled() const noexcept { return !origins_.empty(); }
    bool allows(std::string_view origin) const noexcept;

    /// "scheme://host[:port]" in the form browsers send in Origin (lower case, default port left out), or nullopt
    /// when `s` is not such an origin (a path, a trailing slash, user info, spaces or control characters, …).
    static std::optional<std::string> normalize_origin(std::string_view s);

    /// An OPTIONS request carrying Origin and Access-Control-Request-Method.
    static bool is_preflight(const http_request& req) noexcept;

    /// The answer to a preflight on a path whose public routes have `methods`: 204 with the Access-Control-Allow-*
    /// headers for an allowed origin asking for one of them, a JSON 403 (forbidden) for anything else.
    http_response preflight(const http_request& req, const std::vector<std::string>& methods, domain::lang lang) const;

    /// Adds Vary: Origin to an answer of a cross-origin route (the router says which: the public API, see
    /// router::add) and, for an allowed origin, Access-Control-Allow-Origin and Access-Control-Expose-Headers.
    /// Answers of other routes are left alone.
    void decorate(std::string_view origin, std::string_view method, bool cross_origin, http_response& res) const;

private:
    std::vector<std::string> origins_;
};

}  // namespace seminard::server
