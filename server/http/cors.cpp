// CORS allow-list, preflight and answer headers (see cors.hpp).
#include "server/http/cors.hpp"

#include "server/http/responses.hpp"

#include <algorithm>
#include <utility>

namespace seminard::server {

namespace {

constexpr unsigned max_port = 65535;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_hex(char c) { return is_digit(c) || (domain::ascii_lower(c) >= 'a' && domain::ascii_lower(c) <= 'f'); }

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

/// Every header named in Access-Control-Request-Headers is one we allow.
bool headers_allowed(std::string_view requested) {
    while (!requested.empty()) {
        const auto comma = requested.find(',');
        const auto name = trim(requested.substr(0, comma));
        requested = comma == std::string_view::npos ? std::string_view{} : requested.substr(comma + 1);
        if (name.empty()) continue;
        bool known = false;
        std::string_view list = cors_allowed_headers;
        while (!list.empty() && !known) {
            const auto c = list.find(',');
            known = iequals(trim(list.substr(0, c)), name);
            list = c == std::string_view::npos ? std::string_view{} : list.substr(c + 1);
        }
        if (!known) return false;
    }
    return true;
}

void add_vary_origin(http_response& res) {
    const auto vary = res.header("Vary");
    if (vary.empty())
        res.set("Vary", "Origin");
    else if (vary.find("Origin") == std::string_view::npos)
        res.set("Vary", std::string{vary} + ", Origin");
}

http_response refuse(domain::lang lang) {
    auto res = error_response(domain::errc::forbidden, lang);
    add_vary_origin(res);
    return res;
}

}  // namespace

bool cors_policy::allows(std::string_view origin) const noexcept {
    return !origin.empty() && std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

std::optional<std::string> cors_policy::normalize_origin(std::string_view s) {
    std::string out;
    unsigned default_port = 0;
    for (auto [scheme, port] : {std::pair<std::string_view, unsigned>{"http://", 80}, {"https://", 443}}) {
        if (s.size() > scheme.size() && iequals(s.substr(0, scheme.size()), scheme)) {
            out = scheme;
            default_port = port;
            s.remove_prefix(scheme.size());
            break;
        }
    }
    if (out.empty()) return std::nullopt;

    std::string_view host, rest;
    if (s.front() == '[') {
        const auto close = s.find(']');
        if (close == std::string_view::npos || close < 3) return std::nullopt;
        host = s.substr(0, close + 1);
        rest = s.substr(close + 1);
        const auto inner = host.substr(1, host.size() - 2);
        if (inner.find(':') == std::string_view::npos ||
            !std::all_of(inner.begin(), inner.end(), [](char c) { return is_hex(c) || c == ':' || c == '.'; }))
            return std::nullopt;
    } else {
        const auto colon = s.find(':');
        host = s.substr(0, colon);
        rest = colon == std::string_view::npos ? std::string_view{} : s.substr(colon);
        if (host.empty() || host.front() == '.' || host.front() == '-' || host.back() == '.' ||
            host.find("..") != std::string_view::npos ||
            !std::all_of(host.begin(), host.end(), [](char c) { return is_alnum(c) || c == '.' || c == '-'; }))
            return std::nullopt;
    }
    unsigned port = default_port;
    if (!rest.empty()) {
        // Only ":digits" may follow the host: no path, no trailing slash, no query.
        if (rest.front() != ':' || rest.size() < 2 || rest.size() > 6) return std::nullopt;
        port = 0;
        for (char c : rest.substr(1)) {
            if (!is_digit(c)) return std::nullopt;
            port = port * 10 + static_cast<unsigned>(c - '0');
        }
        if (port == 0 || port > max_port) return std::nullopt;
    }
    for (char c : host) out += domain::ascii_lower(c);
    if (port != default_port) out += ":" + std::to_string(port);
    return out;
}

bool cors_policy::is_preflight(const http_request& req) noexcept {
    return req.method == "OPTIONS" && !req.header("Origin").empty() &&
           !req.header("Access-Control-Request-Method").empty();
}

http_response cors_policy::preflight(const http_request& req,
                                     const std::vector<std::string>& methods,
                                     domain::lang lang) const {
    const auto origin = req.header("Origin");
    if (!allows(origin)) return refuse(lang);
    const auto requested = req.header("Access-Control-Request-Method");
    const bool known = std::find(methods.begin(), methods.end(), requested) != methods.end() ||
                       (requested == "HEAD" && std::find(methods.begin(), methods.end(), "GET") != methods.end());
    if (!known) return refuse(lang);

    http_response res;
    res.status = 204;
    res.set("Access-Control-Allow-Origin", std::string{origin});
    std::string list;
    for (const auto& m : methods) list += (list.empty() ? "" : ", ") + m;
    res.set("Access-Control-Allow-Methods", list);
    // Only when every requested header is one we take; otherwise the browser sees none and refuses on its own.
    const auto requested_headers = req.header("Access-Control-Request-Headers");
    if (!trim(requested_headers).empty() && headers_allowed(requested_headers))
        res.set("Access-Control-Allow-Headers", std::string{cors_allowed_headers});
    res.set("Access-Control-Max-Age", std::to_string(cors_max_age_seconds));
    add_vary_origin(res);
    return res;
}

void cors_policy::decorate(std::string_view origin,
                           std::string_view method,
                           bool cross_origin,
                           http_response& res) const {
    // OPTIONS is answered by the router itself (preflight or Allow), with the headers it needs.
    if (!enabled() || method == "OPTIONS" || !cross_origin) return;
    // Also without an Origin: a shared cache must not hand this answer to a page of another origin.
    add_vary_origin(res);
    if (!allows(origin)) return;
    res.set("Access-Control-Allow-Origin", std::string{origin});
    res.set("Access-Control-Expose-Headers", std::string{cors_exposed_headers});
}

}  // namespace seminard::server
