// Sessions, CSRF and personal API tokens (see workspace_access.hpp).
#include "server/handlers/workspace_access.hpp"

#include "domain/text.hpp"
#include "server/handlers/page_answers.hpp"
#include "server/http/form.hpp"
#include "server/web/workspace_pages.hpp"
#include "storage/accounts.hpp"

namespace seminard::server {

namespace {

constexpr std::size_t session_id_bytes = 32;
constexpr std::size_t session_id_size = 43;  // base64url of 32 bytes, unpadded
/// A session's or token's last use is written at most this often: a busy page does not write on every request.
constexpr auto touch_interval = std::chrono::minutes{1};

bool base64url_text(std::string_view s) {
    for (char c : s)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    return true;
}

bool state_changing(std::string_view method) { return method != "GET" && method != "HEAD" && method != "OPTIONS"; }

/// 303 to the login, which brings the browser back to the page it asked for (a GET's target; after a form, the
/// overview).
http_response to_login(const services& svc, const std::shared_ptr<exchange>& ex, bool expired) {
    const auto& req = ex->request();
    std::string next = req.method == "GET" || req.method == "HEAD" ? req.target : "/admin";
    std::string location = svc.urls.base() + "/admin/login?next=" + percent_encode(safe_next(next));
    if (expired) location += "&notice=expired";
    auto res = redirect_to(location);
    res.set("Cache-Control", "no-store");
    if (expired)
        res.set("Set-Cookie", session_cookie({}, std::chrono::seconds{0}, svc.urls.base().rfind("https:", 0) == 0));
    return res;
}

/// Equal in constant time for equal lengths.
bool same_text(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

std::string form_csrf(const http_request& req) {
    auto fields = parse_urlencoded(req.body);
    if (!fields) return {};
    for (const auto& [name, value] : *fields)
        if (name == csrf_field) return value;
    return {};
}

}  // namespace

std::optional<std::string> cookie_value(std::string_view header, std::string_view name) {
    while (!header.empty()) {
        auto semi = header.find(';');
        auto pair = header.substr(0, semi);
        header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
        while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
        auto eq = pair.find('=');
        if (eq == std::string_view::npos || pair.substr(0, eq) != name) continue;
        auto value = pair.substr(eq + 1);
        while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
        return std::string{value};
    }
    return std::nullopt;
}

std::optional<std::string> session_id_of(const http_request& req) {
    auto id = cookie_value(req.header("Cookie"), session_cookie_name);
    if (!id || id->size() != session_id_size || !base64url_text(*id)) return std::nullopt;
    return id;
}

std::string new_session_id() {
    std::string bytes(session_id_bytes, '\0');
    storage::random_bytes({reinterpret_cast<std::uint8_t*>(bytes.data()), bytes.size()});
    return domain::base64_encode(bytes, domain::base64_alphabet::url, domain::base64_padding::unpadded);
}

std::string session_cookie(std::string_view id, std::chrono::seconds max_age, bool secure) {
    std::string c{session_cookie_name};
    c += '=';
    c += id;
    c += "; Path=/admin; Max-Age=" + std::to_string(max_age.count()) + "; HttpOnly; SameSite=Lax";
    if (secure) c += "; Secure";
    return c;
}

std::string csrf_token_for(const storage::secret_key& key, const storage::digest& session_hash) {
    return storage::to_hex(key.mac("workspace csrf\n" + storage::to_hex(session_hash)));
}

bool same_origin(const http_request& req, std::string_view public_origin) {
    auto origin = req.header("Origin");
    const auto site = req.header("Sec-Fetch-Site");
    if (origin == "null") return site == "same-origin";
    if (!origin.empty()) return domain::iequals(origin, public_origin);
    return site != "cross-site";
}

std::string safe_next(std::string_view next) {
    constexpr std::string_view home = "/admin";
    const bool inside = next == home || next.rfind("/admin/", 0) == 0 || next.rfind("/admin?", 0) == 0;
    if (!inside || next.find_first_of("\\\r\n") != std::string_view::npos || next.find("//") != std::string_view::npos)
        return std::string{home};
    return std::string{next};
}

http_response workspace_page(std::string body, const services& svc, int status) {
    auto res = private_page(std::move(body), svc, status);
    res.set("Referrer-Policy", "same-origin");
    return res;
}

http_response workspace_forbidden(const services& svc, std::string_view why) {
    auto res = workspace_page(
        render_workspace_message(page_context_of(svc, domain::lang::de), std::nullopt, "Nicht erlaubt", why), svc, 403);
    return res;
}

void check_workspace(services& svc, access level, const std::shared_ptr<exchange>& ex, access_granted grant) {
    const auto& req = ex->request();
    const bool changes = state_changing(req.method);
    if (changes && !same_origin(req, svc.urls.origin()))
        return ex->respond(
            workspace_forbidden(svc, "Diese Anfrage kam von einer anderen Website und wurde abgelehnt."));
    auto id = session_id_of(req);
    if (!id) return ex->respond(to_login(svc, ex, false));
    const auto hash = storage::sha256(*id);
    svc.on_reader(ex, [&svc, level, ex, hash, changes, grant = std::move(grant)](storage::connection& c) {
        auto s = storage::find_session(c, hash);
        if (!s) return ex->respond(to_login(svc, ex, false));
        const auto now = svc.now();
        if (now - s->seen_at >= svc.cfg.session_idle || now - s->created_at >= svc.cfg.session_lifetime) {
            svc.write_later([hash](storage::connection& w) { storage::end_session(w, hash); });
            return ex->respond(to_login(svc, ex, true));
        }
        ex->user_id = s->user_id;
        ex->actor = s->email;
        ex->owner = s->role == storage::role::owner;
        ex->principal = "user " + std::to_string(s->user_id);
        ex->csrf_token = csrf_token_for(svc.key(), hash);
        if (changes && !same_text(form_csrf(ex->request()), ex->csrf_token))
            return ex->respond(workspace_forbidden(
                svc,
                "Das Formular ist abgelaufen oder unvollständig. Bitte laden Sie die Seite neu und versuchen Sie es "
                "noch einmal."));
        if (level == access::workspace_owner && !ex->owner)
            return ex->respond(workspace_forbidden(svc, "Diese Seite ist den Inhaber:innen vorbehalten."));
        if (now - s->seen_at < touch_interval) return ex->post(grant);
        // The idle time starts again once the touch is committed: the next request cannot overtake it. A refused
        // touch (the writer stopping) lets the request through all the same.
        svc.writer.submit<domain::done>(
            [hash, now](storage::connection& w) -> domain::result<domain::done> {
                storage::touch_session(w, hash, now);
                return domain::done{};
            },
            [ex, grant](const domain::result<domain::done>&) { ex->post(grant); });
    });
}

}  // namespace seminard::server

namespace seminard::server {

namespace {

/// Who holds the bootstrap organiser token, as idempotency keys are scoped and the history names them.
constexpr const char* organiser_principal = "organiser";

/// 429 with the seconds until the client may try again.
http_response too_many_attempts(std::chrono::seconds retry_after, domain::lang lang) {
    auto res = error_response(domain::errc::too_many_attempts, lang);
    res.set("Retry-After", std::to_string(retry_after.count()));
    return res;
}

/// A wrong token: 403, or 429 once the client address has presented too many.
void refuse_token(services& svc, const std::shared_ptr<exchange>& ex) {
    if (auto d = svc.failed_logins.acquire(ex->request().remote_address); !d.allowed)
        return ex->respond(too_many_attempts(d.retry_after, ex->lang));
    ex->respond(error_response(domain::errc::forbidden, ex->lang));
}

}  // namespace

void check_organiser(services& svc, const std::shared_ptr<exchange>& ex, access_granted grant) {
    auto header = ex->request().header("Authorization");
    constexpr std::string_view scheme = "Bearer ";
    if (header.size() <= scheme.size() || !domain::iequals(header.substr(0, scheme.size()), scheme)) {
        auto res = error_response(domain::errc::unauthorized, ex->lang);
        res.set("WWW-Authenticate", "Bearer realm=\"seminard\"");
        return ex->respond(std::move(res));
    }
    // Past too many wrong tokens not even the right one is looked at, so guessing gets no answer.
    if (auto d = svc.failed_logins.check(ex->request().remote_address); !d.allowed)
        return ex->respond(too_many_attempts(d.retry_after, ex->lang));
    auto token = header.substr(scheme.size());
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    // Compare hashes in constant time: the stored value is a hash, and timing reveals nothing.
    const auto hash = storage::sha256(token);
    if (storage::same_digest(hash, svc.admin_token_hash)) {
        ex->principal = organiser_principal;
        ex->actor = organiser_principal;
        ex->owner = true;
        return grant();
    }
    // A personal API token: its hash leads to its row (a unique index); a miss counts as a wrong guess.
    svc.on_reader(ex, [&svc, ex, hash, grant = std::move(grant)](storage::connection& c) {
        auto held = storage::find_api_token(c, hash);
        if (!held) return refuse_token(svc, ex);
        ex->user_id = held->token.user_id;
        ex->actor = held->email;
        ex->owner = held->role == storage::role::owner;
        ex->principal = "user " + std::to_string(held->token.user_id);
        const auto now = svc.now();
        if (!held->token.last_used_at || now - *held->token.last_used_at >= touch_interval)
            svc.write_later(
                [id = held->token.id, now](storage::connection& w) { storage::touch_api_token(w, id, now); });
        ex->post(grant);
    });
}

}  // namespace seminard::server
