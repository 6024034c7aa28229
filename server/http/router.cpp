// Routing (see router.hpp).
#include "server/http/router.hpp"

#include "server/http/form.hpp"
#include "server/http/responses.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <stdexcept>

namespace seminard::server {

namespace {

/// Routes below this path are the API that other sites' pages may call (CORS).
constexpr std::string_view public_api_prefix = "/api/v1/";

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> out;
    if (!path.empty() && path.front() == '/') path.remove_prefix(1);
    while (true) {
        auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

bool is_param(std::string_view segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void router::add(std::string method, std::string pattern, access level, handler h) {
    // Organiser routes stay closed to other origins: their credentials could never pass a preflight anyway.
    const bool cross_origin = level != access::organiser && pattern.rfind(public_api_prefix, 0) == 0;
    route r{std::move(method), std::move(pattern), level, cross_origin, {}, std::move(h)};
    for (auto s : split_path(r.pattern)) r.segments.emplace_back(s);
    auto captures = [&r](std::string_view name) {
        return std::find(r.segments.begin(), r.segments.end(), name) != r.segments.end();
    };
    if (level == access::attendee && !captures("{token}"))
        throw std::invalid_argument("an attendee route needs a {token} segment: " + r.pattern);
    if (level == access::invite_key && !captures("{key}"))
        throw std::invalid_argument("an invite_key route needs a {key} segment: " + r.pattern);
    routes_.push_back(std::move(r));
}

void router::run_handler(const route& r, const std::shared_ptr<exchange>& ex) {
    try {
        r.run(ex);
    } catch (const std::exception& e) {
        std::fprintf(
            stderr, "level=error msg=\"handler threw\" route=\"%s\" error=\"%s\"\n", r.pattern.c_str(), e.what());
        ex->respond(error_response(domain::errc::internal, ex->lang));
    } catch (...) {
        ex->respond(error_response(domain::errc::internal, ex->lang));
    }
}

void router::proceed(const route& r, const std::shared_ptr<exchange>& ex) const {
    try {
        // After the access check: a caller who may not write never learns what a key was used for.
        if (idempotency_) {
            if (auto key = idempotency_key_of(ex->request())) {
                auto scope = ex->principal.empty() ? "client " + ex->request().remote_address : ex->principal;
                idempotency_->run(ex, scope, std::move(*key), [&r, ex] { run_handler(r, ex); });
                return;
            }
        }
    } catch (const std::exception& e) {
        std::fprintf(
            stderr, "level=error msg=\"handler threw\" route=\"%s\" error=\"%s\"\n", r.pattern.c_str(), e.what());
        ex->respond(error_response(domain::errc::internal, ex->lang));
        return;
    } catch (...) {
        ex->respond(error_response(domain::errc::internal, ex->lang));
        return;
    }
    run_handler(r, ex);
}

void router::dispatch(const std::shared_ptr<exchange>& ex) const {
    const auto& req = ex->request();
    ex->lang = negotiate_language(req);
    if (req.path.empty() || req.path.front() != '/') {
        ex->route = "(invalid)";
        ex->respond(error_response(domain::errc::bad_request, ex->lang));
        return;
    }
    // Decode every segment once; a bad escape, or an encoded '/' or NUL, makes the whole path malformed.
    std::vector<std::string> segments;
    for (auto raw : split_path(req.path)) {
        auto decoded = percent_decode(raw, false);
        if (!decoded || decoded->find('/') != std::string::npos || decoded->find('\0') != std::string::npos) {
            ex->route = "(invalid)";
            ex->respond(error_response(domain::errc::bad_request, ex->lang));
            return;
        }
        segments.push_back(std::move(*decoded));
    }
    // A query that cannot be decoded is malformed as a whole, rather than silently ignored parameter by parameter.
    if (!req.query.empty() && !parse_urlencoded(req.query)) {
        ex->route = "(invalid)";
        ex->respond(error_response(domain::errc::bad_request, ex->lang));
        return;
    }
    const std::string_view method = req.method == "HEAD" ? std::string_view{"GET"} : std::string_view{req.method};

    std::string allow;
    std::vector<const route*> matched;  // every route of this path, collected for OPTIONS only
    for (const auto& r : routes_) {
        if (r.segments.size() != segments.size()) continue;
        std::map<std::string, std::string> params;
        bool match = true;
        for (std::size_t i = 0; i < segments.size() && match; ++i) {
            if (is_param(r.segments[i])) {
                if (segments[i].empty())
                    match = false;
                else
                    params[r.segments[i].substr(1, r.segments[i].size() - 2)] = segments[i];
            } else {
                match = r.segments[i] == segments[i];
            }
        }
        if (!match) continue;
        if (method == "OPTIONS") matched.push_back(&r);
        if (r.method != method) {
            if (allow.find(r.method) == std::string::npos) allow += (allow.empty() ? "" : ", ") + r.method;
            if (r.method == "GET" && allow.find("HEAD") == std::string::npos) allow += ", HEAD";
            continue;
        }
        ex->params = std::move(params);
        ex->route = r.pattern;
        ex->cross_origin = r.cross_origin;
        if (r.level == access::anyone) {
            proceed(r, ex);
            return;
        }
        if (!check_) {
            ex->respond(error_response(domain::errc::forbidden, ex->lang));
            return;
        }
        try {
            check_(r.level, ex, [this, &r, ex] { proceed(r, ex); });
        } catch (const std::exception& e) {
            std::fprintf(stderr,
                         "level=error msg=\"access check threw\" route=\"%s\" error=\"%s\"\n",
                         r.pattern.c_str(),
                         e.what());
            ex->respond(error_response(domain::errc::internal, ex->lang));
        } catch (...) {
            ex->respond(error_response(domain::errc::internal, ex->lang));
        }
        return;
    }
    if (!matched.empty() && method == "OPTIONS") {
        // The access log names the path's first pattern; the session adds no CORS headers to an OPTIONS answer.
        ex->route = matched.front()->pattern;
        if (cors_policy::is_preflight(req)) {
            std::vector<std::string> methods;
            for (const auto* r : matched)
                if (r->cross_origin) methods.push_back(r->method);
            ex->respond(cors_.preflight(req, methods, ex->lang));
            return;
        }
        http_response res;
        res.status = 204;
        res.set("Allow", allow + ", OPTIONS");
        ex->respond(std::move(res));
        return;
    }
    if (!allow.empty()) {
        ex->route = "(method not allowed)";
        auto res = error_response(domain::errc::method_not_allowed, ex->lang);
        res.set("Allow", allow);
        ex->respond(std::move(res));
        return;
    }
    ex->route = "(not found)";
    ex->respond(error_response(domain::errc::not_found, ex->lang));
}

}  // namespace seminard::server
