// Shared by the page routes and the registration routes: HTML answers and the form's second chance.
#pragma once

#include "domain/validation.hpp"
#include "server/handlers/services.hpp"
#include "server/web/pages.hpp"
#include "storage/connection.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace seminard::server {

/// A seminar with all its dates and their live seat figures, as the pages show it.
seminar_listing load_listing(storage::connection& c, domain::seminar s);

/// An HTML answer with our security headers (CSP without script, nosniff).
http_response html_response(int status, std::string body, const services& svc);
/// An HTML answer for a page behind the private token link: never cached, never in a Referer, never indexed.
http_response private_page(std::string body, const services& svc, int status = 200);
http_response not_found_page(const services& svc, domain::lang lang);
/// The answer to a cancel step the writer refused: the not-found page, or "Stornierung nicht möglich" with the
/// reason and the error's status.
http_response cancel_refused_page(const services& svc, domain::errc code, domain::lang lang);
http_response redirect_to(const std::string& location);
page_context page_context_of(const services& svc, domain::lang lang);
std::string confirmation_page_url(const services& svc, std::string_view token, domain::lang lang);

/// A fresh key for a form's idempotency_key field (128 random bits).
std::string fresh_form_key();
/// What a cached seminar page carries in its form's idempotency_key field: with_fresh_form_key() puts a new key in
/// its place for every answer, so that the page stays cheap and every view still has a key of its own.
inline constexpr std::string_view form_key_placeholder = "form-key-placeholder--";
http_response with_fresh_form_key(http_response res);

/// Renders the seminar page again with what the person typed and what was wrong (`status` 422, 409 or 429). The
/// seminar is found by `slug`, or else by `date_id` (a form on another site that posts to the API). With `details`,
/// the billing address and answers are checked against that seminar too, so that every problem shows at once.
void answer_form_again(services& svc,
                       const std::shared_ptr<exchange>& ex,
                       std::string slug,
                       std::int64_t date_id,
                       form_state form,
                       int status,
                       std::optional<std::chrono::seconds> retry_after = std::nullopt,
                       std::optional<domain::registration_input> details = std::nullopt);

}  // namespace seminard::server
