// The route table as a whole, and the small readers every route file shares (see routes.hpp).
#include "server/handlers/routes.hpp"

#include "server/handlers/kept_answer_store.hpp"
#include "server/http/cors.hpp"
#include "server/http/form.hpp"
#include "storage/crypto.hpp"

namespace seminard::server {

void add_routes(router& r, services& svc) {
    // The registration form embedded on the organiser's own site posts from another origin: the router answers its
    // preflight, the session adds the CORS headers to answers of the public routes.
    r.set_cors(cors_policy{svc.cfg.cors_origins});
    r.set_access_check([&svc](access level, const std::shared_ptr<exchange>& ex, access_granted grant) {
        svc.allow(level, ex, std::move(grant));
    });
    // Every POST, PATCH and DELETE below honours an Idempotency-Key, without its handler doing anything.
    enable_idempotency(r, svc);
    add_health_routes(r, svc);
    add_seminar_routes(r, svc);
    add_registration_routes(r, svc);
    add_booking_routes(r, svc);
    add_substitute_route(r, svc);
    add_history_route(r, svc);
    add_data_protection_routes(r, svc);
    add_calendar_routes(r, svc);
    add_export_routes(r, svc);
    add_outbox_routes(r, svc);
    add_page_routes(r, svc);
    add_booking_pages(r, svc);
    add_workspace_routes(r, svc);
}

http_response too_many_requests(std::chrono::seconds retry_after, domain::lang lang) {
    auto res = error_response(domain::errc::too_many_requests, lang);
    res.set("Retry-After", std::to_string(retry_after.count()));
    return res;
}

std::optional<std::int64_t> parse_id(std::string_view s) {
    if (s.empty() || s.size() > 18 || s.front() == '0') return std::nullopt;
    std::int64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return v;
}

page_query read_page_query(std::string_view query, domain::error& problems) {
    constexpr int max_page_size = 500;
    page_query page;
    if (auto v = query_param(query, "limit")) {
        auto n = parse_id(*v);
        if (!n || *n > max_page_size)
            problems.fields.emplace("limit", domain::field_problem::invalid_value);
        else
            page.limit = static_cast<int>(*n);
    }
    if (auto v = query_param(query, "cursor")) {
        auto n = parse_id(*v);
        if (!n)
            problems.fields.emplace("cursor", domain::field_problem::invalid_value);
        else
            page.cursor = *n;
    }
    return page;
}

std::string_view without_ics(std::string_view segment) noexcept {
    constexpr std::string_view suffix = ".ics";
    if (segment.size() > suffix.size() && segment.substr(segment.size() - suffix.size()) == suffix)
        segment.remove_suffix(suffix.size());
    return segment;
}

bool plausible_token(std::string_view t) noexcept {
    // 28 characters since schema 5 (storage::new_registration_token); 22 for registrations made before.
    constexpr std::size_t legacy_length = 22;
    if (t.size() != storage::registration_token_size && t.size() != legacy_length) return false;
    for (char c : t)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    return true;
}

}  // namespace seminard::server
