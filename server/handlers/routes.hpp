// Route tables. Each route declares who may call it (access); each handler parses the request into domain input,
// runs one storage operation on a reader or the writer, and renders the answer. The rules live in domain/ and
// storage/.
#pragma once

#include "server/handlers/services.hpp"
#include "server/http/router.hpp"

namespace seminard::server {

void add_health_routes(router& r, services& svc);
void add_seminar_routes(router& r, services& svc);
void add_registration_routes(router& r, services& svc);
void add_booking_routes(router& r, services& svc);
void add_booking_pages(router& r, services& svc);
void add_substitute_route(router& r, services& svc);
void add_history_route(router& r, services& svc);
void add_data_protection_routes(router& r, services& svc);
void add_calendar_routes(router& r, services& svc);
void add_export_routes(router& r, services& svc);
void add_outbox_routes(router& r, services& svc);
void add_page_routes(router& r, services& svc);
void add_workspace_routes(router& r, services& svc);

/// All routes of the HTTP contract, with the access check and CORS policy they need.
void add_routes(router& r, services& svc);

/// A path id ("42") as a number; nullopt for anything else (answered as 404, like an unknown id).
std::optional<std::int64_t> parse_id(std::string_view s);

/// Where an organiser's list continues: `limit` (1..500, default 50) and `cursor` (the id after which the page
/// starts) from the query; bad values are added to `problems`.
struct page_query {
    int limit = 50;
    std::int64_t cursor = 0;
};
page_query read_page_query(std::string_view query, domain::error& problems);

/// Whether a path segment can be an attendee token (28 base64url characters since schema 5, 22 before); anything
/// else is a 404 without a database lookup.
bool plausible_token(std::string_view t) noexcept;
/// 429 with the seconds until the client's bucket holds a token again.
http_response too_many_requests(std::chrono::seconds retry_after, domain::lang lang);
/// A path segment without its ".ics" (calendar links end in it; the key or id before it is what counts).
std::string_view without_ics(std::string_view segment) noexcept;

/// A registration submitted from the seminar page (`slug`, the date from the field date_id) or to the API
/// (`api_date_id`, JSON or form). Browsers get pages and redirects, scripts JSON.
void submit_registration(services& svc,
                         const std::shared_ptr<exchange>& ex,
                         std::string slug,
                         std::optional<std::int64_t> api_date_id);

}  // namespace seminard::server
