// Who may use the workspace and the organiser API: login sessions (a cookie holding a 256-bit id whose SHA-256
// alone is stored), their CSRF tokens and origin check, and personal API tokens. See services::allow.
#pragma once

#include "server/handlers/services.hpp"
#include "server/http/http_types.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace seminard::server {

inline constexpr std::string_view session_cookie_name = "seminard_session";

/// The value of cookie `name` in a Cookie header ("a=1; b=2"); nullopt when absent.
std::optional<std::string> cookie_value(std::string_view header, std::string_view name);
/// The session id the request's cookie holds, if it has the shape of one (43 base64url characters).
std::optional<std::string> session_id_of(const http_request& req);
/// A new session id: 256 random bits, base64url without padding.
std::string new_session_id();
/// The Set-Cookie value that hands `id` to the browser: HttpOnly, SameSite=Lax, Path=/admin, Secure when the public
/// URL is https; it lasts as long as a session may (`max_age`). An empty `id` with zero `max_age` deletes the cookie.
std::string session_cookie(std::string_view id, std::chrono::seconds max_age, bool secure);
/// The CSRF token of the session whose id hashes to `session_hash`: a MAC under the server's key, so it needs no
/// storage, differs per session, and nobody without the key can make one.
std::string csrf_token_for(const storage::secret_key& key, const storage::digest& session_hash);

/// False when a state-changing request comes from another site: an Origin other than the public URL's, or (without
/// Origin) Sec-Fetch-Site cross-site. `Origin: null` (a sandboxed frame, a page without referrer) passes only with
/// Sec-Fetch-Site same-origin. A request with neither header (curl, older browsers) passes.
bool same_origin(const http_request& req, std::string_view public_origin);
/// `next` when it is a path inside the workspace ("/admin" or below, no scheme, host or "//"), else "/admin".
std::string safe_next(std::string_view next);

/// The access check of workspace routes (see services::allow).
void check_workspace(services& svc, access level, const std::shared_ptr<exchange>& ex, access_granted grant);
/// The access check of organiser routes: the bootstrap token, or a personal API token.
void check_organiser(services& svc, const std::shared_ptr<exchange>& ex, access_granted grant);

/// A workspace page: never cached or indexed; Referer only to our own pages (with no-referrer, browsers send
/// `Origin: null` on form posts, and the origin check could not tell our forms from others).
http_response workspace_page(std::string body, const services& svc, int status = 200);
/// The workspace's 403 page (foreign origin, no or a wrong CSRF token, staff on an owner's page).
http_response workspace_forbidden(const services& svc, std::string_view why);

}  // namespace seminard::server
