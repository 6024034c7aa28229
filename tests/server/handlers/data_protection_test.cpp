// A person's own data through the routes: everything under their address, on every date, and nobody else's.
#include "app_under_test.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>

using nlohmann::json;
using seminard::testing::app_under_test;
using seminard::testing::token_mailed_to;

namespace {

std::string registrations_of(std::int64_t date_id) {
    return "/api/v1/dates/" + std::to_string(date_id) + "/registrations";
}

json person(const std::string& first, const std::string& email) {
    return {{"first_name", first},
            {"last_name", "Muster"},
            {"email", email},
            {"company", "Beispiel GmbH"},
            {"privacy_consent", true}};
}

std::int64_t march_date(app_under_test& app, const std::string& slug) {
    auto d = app.post_json("/api/v1/seminars/" + slug + "/dates",
                           {{"timezone", "Europe/Berlin"},
                            {"days", {{{"date", "2027-03-10"}, {"start", "09:00"}, {"end", "17:00"}}}},
                            {"capacity", 5},
                            {"waitlist", true}},
                           app_under_test::organiser());
    REQUIRE(d.status == 201);
    return d.json().at("id").get<std::int64_t>();
}

std::string export_of(const std::string& token) { return "/api/v1/registrations/" + token + "/export"; }

}  // namespace

TEST_CASE("the own-data export holds every registration under the address, on every date, and nobody else's",
          "[handlers][data_protection]") {
    app_under_test app;
    const auto january = app.seminar_with_date("datenschutz", 1, true);
    const auto march = march_date(app, "datenschutz");
    auto first = app.post_json(registrations_of(january), person("Anna", "anna@beispiel.de"));
    REQUIRE(first.status == 201);
    // The same address in other letters is the same person; someone else on the same date is not in it.
    auto second = app.post_json(registrations_of(march), person("Anna", "Anna@Beispiel.DE"));
    REQUIRE(second.status == 201);
    REQUIRE(app.post_json(registrations_of(january), person("Bruno", "bruno@example.org")).status == 201);
    const auto token = first.json().at("token").get<std::string>();
    REQUIRE(app.request("DELETE", "/api/v1/registrations/" + second.json().at("token").get<std::string>()).status ==
            200);

    auto res = app.get(export_of(token));
    REQUIRE(res.status == 200);
    CHECK(res.header("Cache-Control") == "no-store");
    CHECK(res.header("Content-Disposition").find("attachment") == 0);
    CHECK(res.body.find("bruno") == std::string::npos);
    CHECK(res.body.find(token) == std::string::npos);  // no private link in a file that gets passed around
    const auto data = res.json();
    CHECK(data.at("email") == "anna@beispiel.de");
    const auto& regs = data.at("registrations");
    REQUIRE(regs.size() == 2);
    CHECK(regs.at(0).at("code") == first.json().at("code"));
    CHECK(regs.at(0).at("status") == "confirmed");
    CHECK(regs.at(0).at("date").at("id") == january);
    CHECK(regs.at(0).at("seminar").at("slug") == "datenschutz");
    CHECK(regs.at(0).at("attendee").at("company") == "Beispiel GmbH");
    CHECK(regs.at(0).at("consent").at("privacy_consent_at").is_string());
    CHECK(regs.at(1).at("code") == second.json().at("code"));
    CHECK(regs.at(1).at("status") == "cancelled");  // cancelled is still stored, so it is in the export
    CHECK(regs.at(1).at("cancelled_at").is_string());
    std::set<std::string> kinds;
    for (const auto& m : regs.at(1).at("mails")) kinds.insert(m.at("kind").get<std::string>());
    CHECK(kinds == std::set<std::string>{"registered", "cancelled"});
    CHECK(regs.at(0).at("history").is_array());
    CHECK(data.at("bookings").empty());

    CHECK(app.get(export_of("not-a-token-of-anyone-here-xyz")).status == 404);
}

TEST_CASE("after a substitute the seat's export is the new holder's: nothing of the person before",
          "[handlers][data_protection][substitutes]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("ersatz", 3, true);
    auto first = app.post_json(registrations_of(date_id), person("Anna", "anna@beispiel.de")).json();
    const auto token = first.at("token").get<std::string>();
    auto swap = app.post_json("/api/v1/registrations/" + token + "/substitute",
                              {{"first_name", "Carl"}, {"last_name", "Neu"}, {"email", "carl@beispiel.de"}});
    REQUIRE(swap.status == 200);
    CHECK(app.get(export_of(token)).status == 404);  // the old link is gone with the seat
    const auto carl = token_mailed_to(app, "carl@beispiel.de");
    REQUIRE_FALSE(carl.empty());

    auto res = app.get(export_of(carl));
    REQUIRE(res.status == 200);
    CHECK(res.body.find("anna") == std::string::npos);
    CHECK(res.body.find("Anna") == std::string::npos);
    const auto data = res.json();
    const auto& reg = data.at("registrations").at(0);
    CHECK(reg.at("code") == first.at("code"));
    CHECK(reg.at("attendee").at("email") == "carl@beispiel.de");
    REQUIRE(reg.at("history").size() == 1);
    CHECK(reg.at("history").at(0).at("event") == "substituted");
    CHECK(reg.at("history").at(0).at("detail").at("to").at("email") == "carl@beispiel.de");
    CHECK_FALSE(reg.at("history").at(0).at("detail").contains("from"));
    for (const auto& m : reg.at("mails")) CHECK(m.at("kind") == "registered");
    CHECK(reg.at("mails").size() == 1);
}

TEST_CASE("a booker who is also an attendee finds the booking, its billing address and its seats in the export",
          "[handlers][data_protection]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("firma", 5, true);
    auto booking = app.post_json(
        "/api/v1/dates/" + std::to_string(date_id) + "/bookings",
        {{"booker",
          {{"first_name", "Bea"}, {"last_name", "Bucher"}, {"email", "bea@beispiel.de"}, {"company", "Beispiel GmbH"}}},
         {"attendees",
          {{{"first_name", "Bea"}, {"last_name", "Bucher"}, {"email", "bea@beispiel.de"}},
           {{"first_name", "Olaf"}, {"last_name", "Other"}, {"email", "olaf@beispiel.de"}}}},
         {"privacy_consent", true}});
    REQUIRE(booking.status == 201);
    const auto bea = token_mailed_to(app, "bea@beispiel.de");
    REQUIRE_FALSE(bea.empty());
    auto res = app.get(export_of(bea));
    REQUIRE(res.status == 200);
    CHECK(res.body.find("olaf") == std::string::npos);  // a colleague's data is theirs
    const auto data = res.json();
    REQUIRE(data.at("registrations").size() == 1);
    CHECK(data.at("registrations").at(0).at("booking") == booking.json().at("code"));
    REQUIRE(data.at("bookings").size() == 1);
    const auto& b = data.at("bookings").at(0);
    CHECK(b.at("code") == booking.json().at("code"));
    CHECK(b.at("booker").at("email") == "bea@beispiel.de");
    CHECK(b.at("attendee_codes").size() == 2);
    REQUIRE(b.at("mails").size() == 1);
    CHECK(b.at("mails").at(0).at("kind") == "booking");
}
