// Maps method and path pattern to a handler: request in, answer out, no sockets (testable without a network).
#pragma once

#include "server/http/cors.hpp"
#include "server/http/exchange.hpp"
#include "server/http/idempotency.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace seminard::server {

/// A handler answers its exchange exactly once, now or later from another thread.
using handler = std::function<void(const std::shared_ptr<exchange>&)>;

/// Who may call a route. Every route declares it; the router checks it before the handler runs, and CORS follows
/// from it (the public API is open to allowed origins, organiser routes never are).
enum class access {
    anyone,           ///< pages, the public API, health
    attendee,         ///< whoever holds the private token in the path segment {token}
    invite_key,       ///< whoever holds a registration's read-only calendar key in the path segment {key}
    organiser,        ///< an organiser's credentials (Authorization: Bearer)
    workspace,        ///< a workspace login session (cookie); its forms carry the session's CSRF token
    workspace_owner,  ///< the same, of an account with the owner role
};

/// Lets a request through to its route.
using access_granted = std::function<void()>;
/// Decides whether a request may reach a route of a level other than anyone: it calls `grant` exactly once to let it
/// through (now, or later from any thread, e.g. after a database lookup), or answers the exchange itself (303, 401,
/// 403, 404, 429) and never calls `grant`. Runs on the IO thread, so it must not block.
using access_check = std::function<void(access, const std::shared_ptr<exchange>&, access_granted grant)>;

/// Routes are added at start-up and then only read: dispatch() is thread-safe once add() calls are done.
class router {
public:
    /// `pattern` is a path like "/api/v1/seminars/{slug}"; "{name}" captures one decoded segment. An attendee
    /// route must capture {token}, an invite_key route {key} (std::invalid_argument otherwise).
    void add(std::string method, std::string pattern, access level, handler h);

    /// The check for attendee and organiser routes. Without one, such routes answer 403: nothing is open by mistake.
    void set_access_check(access_check check) { check_ = std::move(check); }

    /// Finds the route, sets params/route/lang, runs the handler. Answers 404 for an unknown path, 405 with Allow
    /// for a known path and wrong method, 400 for a path that cannot be decoded, and turns anything a handler
    /// throws into a JSON 500 instead of a dropped connection. HEAD runs the GET route. OPTIONS on a known path is
    /// a CORS preflight when it carries Origin and Access-Control-Request-Method (see cors_policy::preflight),
    /// otherwise 204 with Allow.
    void dispatch(const std::shared_ptr<exchange>& ex) const;

    /// Makes every POST, PATCH, PUT and DELETE route idempotent (see idempotency.hpp): a request with a key runs once
    /// per scope and key, its repeats get the same answer. The scope is the exchange's principal when the access
    /// check named one, otherwise the client address. Set at start-up like the routes; without it keys are ignored.
    void set_idempotency(std::shared_ptr<idempotency_store> store) {
        idempotency_ = std::make_shared<idempotency>(std::move(store));
    }
    /// The keys in hand (for tests); null without set_idempotency().
    const idempotency* idempotency_guard() const noexcept { return idempotency_.get(); }

    /// The CORS allow-list; set at start-up like the routes. The session adds the headers of actual answers.
    void set_cors(cors_policy policy) { cors_ = std::move(policy); }
    const cors_policy& cors() const noexcept { return cors_; }

private:
    struct route {
        std::string method;
        std::string pattern;
        access level;
        bool cross_origin;  ///< part of the public API that pages of allowed origins may call
        std::vector<std::string> segments;
        handler run;
    };
    /// Runs the handler, turning a throw into a JSON 500.
    static void run_handler(const route& r, const std::shared_ptr<exchange>& ex);
    /// The route's handler once access is granted, through the idempotency guard when the request has a key.
    void proceed(const route& r, const std::shared_ptr<exchange>& ex) const;

    std::vector<route> routes_;
    cors_policy cors_;
    access_check check_;
    std::shared_ptr<idempotency> idempotency_;
};

}  // namespace seminard::server
