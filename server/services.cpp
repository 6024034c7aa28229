// The organiser check (see services.hpp).
#include "services.hpp"

namespace seminard::server {

bool services::authorize(const std::shared_ptr<exchange>& ex) const {
    auto header = ex->request().header("Authorization");
    constexpr std::string_view scheme = "Bearer ";
    if (header.size() <= scheme.size() || !iequals(header.substr(0, scheme.size()), scheme)) {
        auto res = error_response(domain::errc::unauthorized, ex->lang);
        res.set("WWW-Authenticate", "Bearer realm=\"seminard\"");
        ex->respond(std::move(res));
        return false;
    }
    auto token = header.substr(scheme.size());
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    // Compare hashes in constant time: the stored value is a hash, and timing reveals nothing.
    if (!storage::same_digest(storage::sha256(token), admin_token_hash)) {
        ex->respond(error_response(domain::errc::forbidden, ex->lang));
        return false;
    }
    return true;
}

}  // namespace seminard::server
