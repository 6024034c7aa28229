// One request and its one answer, shared by whatever works on it (IO thread, reader pool, writer).
#pragma once

#include "domain/messages.hpp"
#include "server/http/http_types.hpp"

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace seminard::server {

/// Holds the request and the way back to its connection. respond() may be called from any thread; the first
/// call wins, later ones are ignored. If the last owner drops an unanswered exchange (a bug), the client still
/// gets a 500 instead of a hanging connection. Owned through std::shared_ptr.
class exchange : public std::enable_shared_from_this<exchange> {
public:
    using reply_fn = std::function<void(http_response)>;
    /// Runs a function on the connection's own IO thread.
    using runner_fn = std::function<void(std::function<void()>)>;

    /// Without a runner, respond_with() builds the answer on the calling thread.
    exchange(http_request request, reply_fn reply, runner_fn runner = {});
    ~exchange();
    exchange(const exchange&) = delete;
    exchange& operator=(const exchange&) = delete;

    const http_request& request() const noexcept { return request_; }
    /// A path parameter captured by the route, already percent-decoded.
    const std::string& param(const std::string& name) const;

    /// Sends the answer; the first call wins. An observer set with observe_answer() sees it first.
    void respond(http_response response);
    /// Builds the answer with `make` on the connection's IO thread, then sends it: for callers whose own thread must
    /// stay free (the writer commits; rendering JSON is not its job). A throw in `make` becomes a JSON 500.
    void respond_with(std::function<http_response()> make);
    bool answered() const noexcept { return answered_.load(); }
    /// Runs `work` on the connection's IO thread, later (without a runner: here and now). For work that must not stay
    /// on the thread it was handed to, such as a handler whose request waited for a database lookup.
    void post(std::function<void()> work);

    /// Sees the answer just before it goes out, on the thread that answers; also the 500 of an exchange dropped
    /// unanswered. Set it before the exchange is handed on (it is not guarded); at most one. Must not throw.
    using answer_observer = std::function<void(const http_response&)>;
    void observe_answer(answer_observer observer) { observer_ = std::move(observer); }

    std::map<std::string, std::string> params;  ///< set by the router before the handler runs
    std::string route;                          ///< the matched pattern, for the access log
    bool cross_origin = false;                  ///< the route is public API: CORS headers apply
    domain::lang lang = domain::lang::de;       ///< negotiated by the router
    /// Who the access check found the caller to be ("organiser"); empty on public routes. Idempotency keys are
    /// scoped to it (or, when empty, to the client address).
    std::string principal;
    /// The organiser account behind a workspace session or a personal API token, as the access check found it.
    /// user_id 0: none (the bootstrap organiser token, or a public route). `actor` names who did a change in the
    /// history: the account's address, or "organiser" for the bootstrap token.
    std::int64_t user_id = 0;
    std::string actor;
    bool owner = false;
    std::string csrf_token;  ///< the session's CSRF token, for the forms a workspace page renders

private:
    http_request request_;
    reply_fn reply_;
    runner_fn runner_;
    answer_observer observer_;
    std::atomic<bool> answered_{false};
};

}  // namespace seminard::server
