// Shorthands for the seminard HTTP API in the integration tests: organiser headers, request bodies, and the few
// calls that most tests need (create a seminar and a date, register, read the organiser list page by page).
#pragma once

#include "http_client.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace seminard::testing {

using json = nlohmann::json;

/// Authorization header with the test organiser token.
header_list organiser();

/// A year far enough ahead that dates in it are open for registration whenever the tests run.
int future_year();
/// "YYYY-MM-DD" in future_year().
std::string future_day(int month, int day);

/// A valid seminar body with this slug.
json seminar_body(const std::string& slug);
/// A valid date body: two days in future_year(), Europe/Berlin.
json date_body(int capacity, bool waitlist);
/// A valid registration body (JSON) for this e-mail.
json person(const std::string& email, const std::string& first_name = "Erika");

/// POST /api/v1/seminars; REQUIREs 201.
void create_seminar(http_client& c, const std::string& slug);
/// POST /api/v1/seminars/{slug}/dates; REQUIREs 201 and returns the id.
std::int64_t create_date(http_client& c, const std::string& slug, int capacity, bool waitlist);
/// A new seminar with one date; returns the date id.
std::int64_t seminar_with_date(http_client& c, const std::string& slug, int capacity, bool waitlist);

std::string registrations_path(std::int64_t date_id);
/// POST /api/v1/dates/{id}/registrations with a JSON body.
http_reply register_json(http_client& c, std::int64_t date_id, const json& body, const header_list& headers = {});

/// The organiser list, all pages (following next_cursor with `page_size`), optionally filtered by status.
std::vector<json> list_registrations(http_client& c,
                                     std::int64_t date_id,
                                     const std::optional<std::string>& status = std::nullopt,
                                     int page_size = 500);

/// GET /api/v1/dates/{id}; REQUIREs 200.
json get_date(http_client& c, std::int64_t date_id);

}  // namespace seminard::testing
