// Shared by the page routes and the registration routes: HTML answers and the form's second chance.
#pragma once

#include "pages.hpp"
#include "services.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace seminard::server {

/// An HTML answer with our security headers (CSP without script, nosniff).
http_response html_response(int status, std::string body, const services& svc);
/// An HTML answer for a page behind the private token link: never cached, never in a Referer, never indexed.
http_response private_page(std::string body, const services& svc);
http_response not_found_page(const services& svc, domain::lang lang);
http_response redirect_to(const std::string& location);
page_context page_context_of(const services& svc, domain::lang lang);
std::string confirmation_page_url(const services& svc, std::string_view token, domain::lang lang);

/// Renders the seminar page again with what the person typed and what was wrong (`status` 422, 409 or 429). The
/// seminar is found by `slug`, or else by `date_id` (a form on another site that posts to the API).
void answer_form_again(services& svc,
                       const std::shared_ptr<exchange>& ex,
                       std::string slug,
                       std::int64_t date_id,
                       form_state form,
                       int status,
                       std::optional<std::chrono::seconds> retry_after = std::nullopt);

/// A registration submitted from the seminar page (`slug`, the date from the field date_id) or to the API
/// (`api_date_id`, JSON or form). Browsers get pages and redirects, scripts JSON.
void submit_registration(services& svc,
                         const std::shared_ptr<exchange>& ex,
                         std::string slug,
                         std::optional<std::int64_t> api_date_id);

void add_page_routes(router& r, services& svc);

}  // namespace seminard::server
