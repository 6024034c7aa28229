// Shared by the page routes and the registration routes: HTML answers and the form's second chance.
#pragma once

#include "domain/validation.hpp"
#include "server/handlers/services.hpp"
#include "server/web/pages.hpp"
#include "storage/connection.hpp"
#include "storage/store.hpp"

#include <chrono>
#include <functional>
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
std::string booking_page_url(const services& svc, std::string_view token, domain::lang lang);

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

/// Shows a page again after a failed form: `form` as typed, with what went wrong and a fresh key, under `status`.
using form_again = std::function<void(form_state form, int status)>;
/// The writer's part of naming a substitute: `person` takes the seat (`registration`: the seat's code as the form
/// sent it, on the booker's page), or why not.
using substitute_step = std::function<domain::result<storage::registration_change>(
    storage::connection& c, const domain::attendee& person, const std::string& registration)>;
/// The answer to a substitute that took its seat, built on the IO thread.
using substitute_done = std::function<http_response(const storage::registration_change& change)>;

/// The substitute form of a page (the confirmation page's, one seat's on the booker's page): first name, last name,
/// e-mail and, from the booker's page, `registration`. A mistake, or `step`'s refusal, goes to `again` with the values
/// kept (`registration` among them) and the problem named, under the error's own status (422 for fields; not_found
/// 404: `again` answers the 404 page when its token leads nowhere). Success answers `done(change)`.
void submit_substitute_form(
    services& svc, const std::shared_ptr<exchange>& ex, form_again again, substitute_step step, substitute_done done);

}  // namespace seminard::server
