// The access check (see services.hpp).
#include "server/handlers/services.hpp"

#include "server/handlers/page_answers.hpp"
#include "server/handlers/routes.hpp"

namespace seminard::server {

namespace {

constexpr std::string_view api_prefix = "/api/";
/// Who holds the organiser token, as idempotency keys are scoped.
constexpr const char* organiser_principal = "organiser";

/// 429 with the seconds until the client may try again.
http_response too_many_attempts(std::chrono::seconds retry_after, domain::lang lang) {
    auto res = error_response(domain::errc::too_many_attempts, lang);
    res.set("Retry-After", std::to_string(retry_after.count()));
    return res;
}

/// The organiser's bearer token: 401 without one, 403 for a wrong one, 429 once the client address has presented
/// too many wrong ones (then not even the right one is looked at, so guessing gets no answer).
bool organiser_allowed(services& svc, const std::shared_ptr<exchange>& ex) {
    auto header = ex->request().header("Authorization");
    constexpr std::string_view scheme = "Bearer ";
    if (header.size() <= scheme.size() || !iequals(header.substr(0, scheme.size()), scheme)) {
        auto res = error_response(domain::errc::unauthorized, ex->lang);
        res.set("WWW-Authenticate", "Bearer realm=\"seminard\"");
        ex->respond(std::move(res));
        return false;
    }
    const auto& client = ex->request().remote_address;
    if (auto d = svc.failed_logins.check(client); !d.allowed) {
        ex->respond(too_many_attempts(d.retry_after, ex->lang));
        return false;
    }
    auto token = header.substr(scheme.size());
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    // Compare hashes in constant time: the stored value is a hash, and timing reveals nothing.
    if (!storage::same_digest(storage::sha256(token), svc.admin_token_hash)) {
        if (auto d = svc.failed_logins.acquire(client); !d.allowed) {
            ex->respond(too_many_attempts(d.retry_after, ex->lang));
            return false;
        }
        ex->respond(error_response(domain::errc::forbidden, ex->lang));
        return false;
    }
    // The one organiser token is one identity; per-user tokens will name their user here.
    ex->principal = organiser_principal;
    return true;
}

}  // namespace

bool services::allow(access level, const std::shared_ptr<exchange>& ex) {
    switch (level) {
        case access::anyone:
            return true;
        case access::organiser:
            return organiser_allowed(*this, ex);
        case access::invite_key:
            if (plausible_token(without_ics(ex->param("key")))) return true;
            ex->respond(error_response(domain::errc::not_found, ex->lang));
            return false;
        case access::attendee:
            if (plausible_token(ex->param("token"))) return true;
            if (ex->route.rfind(api_prefix, 0) == 0)
                ex->respond(error_response(domain::errc::not_found, ex->lang));
            else
                ex->respond(not_found_page(*this, ex->lang));
            return false;
    }
    return false;
}

}  // namespace seminard::server
