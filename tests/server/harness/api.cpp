// API shorthands for the integration tests (see api.hpp).
#include "api.hpp"

#include "server_process.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>

namespace seminard::testing {

namespace {
/// Years ahead of today for test dates: always in the future, never past the server's limits.
constexpr int years_ahead = 2;
/// Guards the pagination loop: the largest test list has a few hundred entries.
constexpr int max_pages = 10000;
}  // namespace

header_list organiser() { return {{"Authorization", std::string{"Bearer "} + test_admin_token}}; }

int future_year() {
    auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    ::gmtime_r(&now, &utc);
    return utc.tm_year + 1900 + years_ahead;
}

std::string future_day(int month, int day) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", future_year(), month, day);
    return buf;
}

json seminar_body(const std::string& slug) {
    return {{"slug", slug},
            {"title", "LinkedIn Marketing für Unternehmen"},
            {"description", "Zwei Tage Praxis."},
            {"location", "Seminarzentrum Musterstadt"},
            {"price_cents", 149000},
            {"currency", "EUR"},
            {"organizer_name", "Muster Kommunikation GmbH"},
            {"organizer_email", "seminare@example.org"}};
}

json date_body(int capacity, bool waitlist) {
    return {{"timezone", "Europe/Berlin"},
            {"days",
             {{{"date", future_day(1, 27)}, {"start", "09:00"}, {"end", "17:00"}},
              {{"date", future_day(1, 28)}, {"start", "09:00"}, {"end", "17:00"}}}},
            {"capacity", capacity},
            {"waitlist", waitlist}};
}

json person(const std::string& email, const std::string& first_name) {
    return {{"first_name", first_name},
            {"last_name", "Mustermann"},
            {"email", email},
            {"company", "Beispiel AG"},
            {"privacy_consent", true}};
}

void create_seminar(http_client& c, const std::string& slug) {
    auto r = c.post_json("/api/v1/seminars", seminar_body(slug), organiser());
    INFO(r.body);
    REQUIRE(r.status == 201);
}

std::int64_t create_date(http_client& c, const std::string& slug, int capacity, bool waitlist) {
    auto r = c.post_json("/api/v1/seminars/" + slug + "/dates", date_body(capacity, waitlist), organiser());
    INFO(r.body);
    REQUIRE(r.status == 201);
    return r.json().at("id").get<std::int64_t>();
}

std::int64_t seminar_with_date(http_client& c, const std::string& slug, int capacity, bool waitlist) {
    create_seminar(c, slug);
    return create_date(c, slug, capacity, waitlist);
}

std::string registrations_path(std::int64_t date_id) {
    return "/api/v1/dates/" + std::to_string(date_id) + "/registrations";
}

http_reply register_json(http_client& c, std::int64_t date_id, const json& body, const header_list& headers) {
    return c.post_json(registrations_path(date_id), body, headers);
}

std::vector<json> list_registrations(http_client& c,
                                     std::int64_t date_id,
                                     const std::optional<std::string>& status,
                                     int page_size) {
    std::vector<json> items;
    std::string cursor;
    for (int page = 0; page < max_pages; ++page) {
        auto target = registrations_path(date_id) + "?limit=" + std::to_string(page_size);
        if (status) target += "&status=" + *status;
        if (!cursor.empty()) target += "&cursor=" + cursor;
        auto r = c.get(target, organiser());
        INFO(target << " -> " << r.body);
        REQUIRE(r.status == 200);
        auto j = r.json();
        for (auto& item : j.at("items")) items.push_back(item);
        if (j.at("next_cursor").is_null()) return items;
        cursor = j.at("next_cursor").get<std::string>();
    }
    FAIL("the organiser list did not end after " << max_pages << " pages");
    return items;
}

json get_date(http_client& c, std::int64_t date_id) {
    auto r = c.get("/api/v1/dates/" + std::to_string(date_id));
    INFO(r.body);
    REQUIRE(r.status == 200);
    return r.json();
}

}  // namespace seminard::testing
