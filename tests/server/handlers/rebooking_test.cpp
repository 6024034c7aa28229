// Rebooking through the routes: the organiser moves a registration to another date of its seminar; the seat rule
// of the target, the old seat to the waiting list, one mail with the new invite and the old one's cancellation.
#include "app_under_test.hpp"

#include <catch2/catch.hpp>

#include "domain/text.hpp"

#include <string>

using nlohmann::json;
using seminard::testing::answer;
using seminard::testing::app_under_test;
using seminard::testing::quoted_printable_text;

namespace {

json person(const std::string& first, const std::string& email) {
    return {{"first_name", first}, {"last_name", "Muster"}, {"email", email}, {"privacy_consent", true}};
}

std::string registrations_of(std::int64_t date_id) {
    return "/api/v1/dates/" + std::to_string(date_id) + "/registrations";
}

/// A second date of seminar `slug`, in March 2027, with `capacity` seats.
std::int64_t march_date(app_under_test& app, const std::string& slug, int capacity, bool waitlist) {
    auto d = app.post_json("/api/v1/seminars/" + slug + "/dates",
                           {{"timezone", "Europe/Berlin"},
                            {"days", {{{"date", "2027-03-10"}, {"start", "09:00"}, {"end", "17:00"}}}},
                            {"capacity", capacity},
                            {"waitlist", waitlist}},
                           app_under_test::organiser());
    REQUIRE(d.status == 201);
    return d.json().at("id").get<std::int64_t>();
}

answer move(app_under_test& app, const std::string& code, const json& body) {
    return app.post_json("/api/v1/registrations/" + code + "/move", body, app_under_test::organiser());
}

/// The decoded body of the base64 part whose Content-Type line names `file`.
std::string attached(const std::string& message, const std::string& file) {
    const auto at = message.find("name=\"" + file + "\"");
    REQUIRE(at != std::string::npos);
    auto start = message.find("\r\n\r\n", at);
    REQUIRE(start != std::string::npos);
    start += 4;
    std::string b64;
    for (auto pos = start; pos < message.size();) {
        const auto end = message.find("\r\n", pos);
        const auto line = message.substr(pos, end - pos);
        if (line.empty() || line.rfind("--", 0) == 0) break;
        b64 += line;
        pos = end + 2;
    }
    auto decoded = seminard::domain::base64_decode(b64);
    REQUIRE(decoded);
    return *decoded;
}

}  // namespace

TEST_CASE("the organiser moves a registration to another date, and the seat left goes to the waiting list",
          "[handlers][rebooking]") {
    app_under_test app;
    const auto january = app.seminar_with_date("umbuchen", 1, true);
    const auto march = march_date(app, "umbuchen", 5, true);
    auto anna = app.post_json(registrations_of(january), person("Anna", "anna@example.com"));
    REQUIRE(anna.status == 201);
    const auto code = anna.json().at("code").get<std::string>();
    const auto token = anna.json().at("token").get<std::string>();
    auto ben = app.post_json(registrations_of(january), person("Ben", "ben@example.com"));
    REQUIRE(ben.json().at("status") == "waitlisted");

    auto r = move(app, code, {{"date_id", march}});
    REQUIRE(r.status == 200);
    const auto j = r.json();
    CHECK(j.at("code") == code);
    CHECK(j.at("date_id") == march);
    CHECK(j.at("moved_from") == january);
    CHECK(j.at("status") == "confirmed");
    CHECK(j.at("promoted") == json::array({ben.json().at("code")}));
    CHECK(j.at("booking").is_null());  // a registration of its own, not of a company booking
    CHECK(r.header("Cache-Control") == "no-store");

    // The attendee's own link shows the new date; the old date's list has Ben confirmed and no Anna.
    auto own = app.get("/api/v1/registrations/" + token);
    REQUIRE(own.status == 200);
    CHECK(own.json().at("date").at("id") == march);
    const auto old_list = app.get(registrations_of(january), app_under_test::organiser()).json();
    REQUIRE(old_list.at("total") == 1);
    CHECK(old_list.at("items").at(0).at("first_name") == "Ben");
    CHECK(old_list.at("items").at(0).at("status") == "confirmed");

    // The history says who moved it where.
    const auto history = app.get("/api/v1/registrations/" + code + "/history", app_under_test::organiser()).json();
    REQUIRE(history.at("items").size() == 1);
    CHECK(history.at("items").at(0).at("event") == "moved");
    CHECK(history.at("items").at(0).at("actor") == "organiser");
    CHECK(history.at("items").at(0).at("detail") ==
          json{{"from_date", january}, {"to_date", march}, {"from_status", "confirmed"}, {"to_status", "confirmed"}});

    // One mail to Anna for the move: the March invite inline and attached, the January one's cancellation attached.
    const auto mails = app.get("/api/v1/outbox?registration=" + code, app_under_test::organiser()).json().at("items");
    REQUIRE(mails.size() == 2);
    CHECK(mails.at(1).at("kind") == "moved");
    const auto eml = app.get("/api/v1/outbox/" + std::to_string(mails.at(1).at("id").get<std::int64_t>()) + ".eml",
                             app_under_test::organiser());
    REQUIRE(eml.status == 200);
    const auto text = quoted_printable_text(eml.body);
    CHECK(text.find("Ihre Anmeldung wurde auf einen anderen Termin umgebucht.") != std::string::npos);
    CHECK(text.find("Neuer Termin: 10. März 2027, 09:00–17:00 Uhr") != std::string::npos);
    CHECK(text.find("Bisheriger Termin: 27./28. Januar 2027, 09:00–17:00 Uhr") != std::string::npos);
    CHECK(eml.body.find("text/calendar; charset=UTF-8; method=REQUEST") != std::string::npos);
    const auto invite = attached(eml.body, "einladung.ics");
    const auto cancel = attached(eml.body, "absage.ics");
    CHECK(invite.find("\r\nMETHOD:REQUEST\r\n") != std::string::npos);
    CHECK(invite.find("DTSTART;TZID=Europe/Berlin:20270310T090000") != std::string::npos);
    CHECK(cancel.find("\r\nMETHOD:CANCEL\r\n") != std::string::npos);
    CHECK(cancel.find("DTSTART;TZID=Europe/Berlin:20270127T090000") != std::string::npos);
    CHECK(cancel.find("20270310") == std::string::npos);
    // Different events: each UID is the code and its date's.
    const auto uid = [](const std::string& ics) {
        const auto at = ics.find("\r\nUID:");
        return ics.substr(at + 6, ics.find("\r\n", at + 6) - at - 6);
    };
    CHECK(uid(invite).rfind(code + ".", 0) == 0);
    CHECK(uid(cancel).rfind(code + ".", 0) == 0);
    CHECK(uid(invite) != uid(cancel));
}

TEST_CASE("a move onto a full date waits at the end of its list, or is refused when asked", "[handlers][rebooking]") {
    app_under_test app;
    const auto january = app.seminar_with_date("voll", 5, true);
    const auto march = march_date(app, "voll", 1, true);
    const auto mover =
        app.post_json(registrations_of(january), person("Mia", "mia@example.com")).json().at("code").get<std::string>();
    REQUIRE(app.post_json(registrations_of(march), person("Sitz", "sitz@example.com")).status == 201);
    REQUIRE(app.post_json(registrations_of(march), person("Wart", "wart@example.com")).json().at("status") ==
            "waitlisted");

    auto refused = move(app, mover, {{"date_id", march}, {"if_full", "refuse"}});
    CHECK(refused.status == 409);
    CHECK(refused.json().at("error") == "full");

    auto r = move(app, mover, {{"date_id", march}});
    REQUIRE(r.status == 200);
    CHECK(r.json().at("status") == "waitlisted");
    CHECK(r.json().at("waitlist_position") == 2);
    const auto waiting =
        app.get(registrations_of(march) + "?status=waitlisted", app_under_test::organiser()).json().at("items");
    REQUIRE(waiting.size() == 2);
    CHECK(waiting.at(0).at("first_name") == "Wart");
    CHECK(waiting.at(1).at("first_name") == "Mia");
    CHECK(waiting.at(1).at("waitlist_position") == 2);
}

TEST_CASE("a move is refused clearly: bad bodies, other seminars, strangers", "[handlers][rebooking]") {
    app_under_test app;
    const auto january = app.seminar_with_date("regeln", 5, true);
    const auto other = app.seminar_with_date("anderes", 5, true);
    const auto code =
        app.post_json(registrations_of(january), person("Eva", "eva@example.com")).json().at("code").get<std::string>();

    auto missing = move(app, code, json::object());
    CHECK(missing.status == 422);
    CHECK(missing.json().at("fields").at("date_id").at("code") == "required");
    auto bad_rule = move(app, code, {{"date_id", january}, {"if_full", "maybe"}});
    CHECK(bad_rule.status == 422);
    CHECK(bad_rule.json().at("fields").contains("if_full"));
    auto foreign = move(app, code, {{"date_id", other}});
    CHECK(foreign.status == 422);
    CHECK(foreign.json().at("fields").at("date_id").at("code") == "invalid_value");
    CHECK(move(app, code, {{"date_id", january}}).status == 422);  // already there
    CHECK(move(app, "ZZZZ-ZZZZ", {{"date_id", other}}).status == 404);
    // Only the organiser moves people.
    auto stranger = app.post_json("/api/v1/registrations/" + code + "/move", {{"date_id", other}});
    CHECK(stranger.status == 401);
}
