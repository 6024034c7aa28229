// Issue 3 end to end over HTTP: seminars and dates (organiser), registrations, waiting list, cancellations,
// capacity changes, and every refusal with its exact status and error code.
#include "api.hpp"
#include "http_client.hpp"
#include "server_process.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

using namespace seminard::testing;

namespace {

const std::string slug = "linkedin-marketing-test";
const std::string demo_slug = "linkedin-marketing-fuer-unternehmen";

/// The field names of a 422 answer.
std::set<std::string> field_names(const http_reply& r) {
    std::set<std::string> names;
    const auto body = r.json();
    for (const auto& [name, problem] : body.at("fields").items()) names.insert(name);
    return names;
}

std::string field_code(const http_reply& r, const std::string& field) {
    return r.json().at("fields").at(field).at("code").get<std::string>();
}

/// Registers and REQUIREs a 201; returns the answer's JSON.
json register_ok(http_client& c, std::int64_t date_id, const std::string& email) {
    auto r = register_json(c, date_id, person(email));
    INFO(r.body);
    REQUIRE(r.status == 201);
    return r.json();
}

std::vector<std::string> codes_of(const std::vector<json>& items) {
    std::vector<std::string> codes;
    for (const auto& i : items) codes.push_back(i.at("code").get<std::string>());
    return codes;
}

std::vector<int> positions_of(const std::vector<json>& items) {
    std::vector<int> positions;
    for (const auto& i : items) positions.push_back(i.at("waitlist_position").get<int>());
    return positions;
}

std::string path_of(const std::string& url) {
    auto scheme = url.find("://");
    REQUIRE(scheme != std::string::npos);
    return url.substr(url.find('/', scheme + 3));
}

}  // namespace

// ---- organiser: seminars and dates ----------------------------------------------------------------------------

TEST_CASE("an organiser creates a seminar and a date") {
    server_process server;
    http_client c{server.port()};
    auto s = c.post_json("/api/v1/seminars", seminar_body(slug), organiser());
    INFO(s.body);
    REQUIRE(s.status == 201);
    REQUIRE(s.header("Location") == "http://127.0.0.1:" + std::to_string(server.port()) + "/api/v1/seminars/" + slug);
    REQUIRE(s.json().at("slug") == slug);
    REQUIRE(s.json().at("title") == "LinkedIn Marketing für Unternehmen");

    auto d = c.post_json("/api/v1/seminars/" + slug + "/dates", date_body(12, true), organiser());
    INFO(d.body);
    REQUIRE(d.status == 201);
    auto date = d.json();
    REQUIRE(date.at("id").is_number_integer());
    REQUIRE(d.header("Location").ends_with("/api/v1/dates/" + std::to_string(date.at("id").get<std::int64_t>())));
    REQUIRE(date.at("capacity") == 12);
    REQUIRE(date.at("waitlist") == true);
    REQUIRE(date.at("seats_left") == 12);
    REQUIRE(date.at("registration_open") == true);
    REQUIRE(date.at("days").size() == 2);
    REQUIRE(date.at("days").at(0).at("starts_at") == future_day(1, 27) + "T09:00:00+01:00");

    auto listed = c.get("/api/v1/seminars/" + slug);
    REQUIRE(listed.status == 200);
    REQUIRE(listed.json().at("dates").size() == 1);
    REQUIRE(listed.json().at("dates").at(0).at("id") == date.at("id"));

    SECTION("the same slug again is a conflict") {
        auto again = c.post_json("/api/v1/seminars", seminar_body(slug), organiser());
        REQUIRE(again.status == 409);
        REQUIRE(again.json().at("error") == "slug_taken");
    }
    SECTION("a date for an unknown seminar is a 404") {
        auto r = c.post_json("/api/v1/seminars/no-such-seminar/dates", date_body(3, false), organiser());
        REQUIRE(r.status == 404);
        REQUIRE(r.json().at("error") == "not_found");
    }
}

TEST_CASE("organiser routes refuse a missing token with 401 and a wrong one with 403") {
    server_process server;
    http_client c{server.port()};
    const header_list wrong{{"Authorization", "Bearer this-is-not-the-right-token"}};

    auto none = c.post_json("/api/v1/seminars", seminar_body(slug));
    REQUIRE(none.status == 401);
    REQUIRE(none.json().at("error") == "unauthorized");
    REQUIRE(none.header("WWW-Authenticate").rfind("Bearer", 0) == 0);

    auto basic = c.post_json("/api/v1/seminars", seminar_body(slug), {{"Authorization", "Basic dXNlcjpwYXNz"}});
    REQUIRE(basic.status == 401);

    auto bad = c.post_json("/api/v1/seminars", seminar_body(slug), wrong);
    REQUIRE(bad.status == 403);
    REQUIRE(bad.json().at("error") == "forbidden");

    // Nothing was created by the refused calls.
    REQUIRE(c.get("/api/v1/seminars/" + slug).status == 404);

    const auto date_id = seminar_with_date(c, slug, 3, false);
    const auto id = std::to_string(date_id);
    REQUIRE(c.post_json("/api/v1/seminars/" + slug + "/dates", date_body(3, false)).status == 401);
    REQUIRE(c.post_json("/api/v1/seminars/" + slug + "/dates", date_body(3, false), wrong).status == 403);
    REQUIRE(c.patch_json("/api/v1/dates/" + id, {{"capacity", 9}}).status == 401);
    REQUIRE(c.patch_json("/api/v1/dates/" + id, {{"capacity", 9}}, wrong).status == 403);
    REQUIRE(c.patch_json("/api/v1/seminars/" + slug, {{"title", "x"}}, wrong).status == 403);
    REQUIRE(c.get(registrations_path(date_id)).status == 401);
    REQUIRE(c.get(registrations_path(date_id), wrong).status == 403);
    auto code = register_ok(c, date_id, "a@example.org").at("code").get<std::string>();
    REQUIRE(c.request("POST", "/api/v1/registrations/" + code + "/cancel").status == 401);
    REQUIRE(c.request("POST", "/api/v1/registrations/" + code + "/cancel", {}, wrong).status == 403);
    REQUIRE(get_date(c, date_id).at("capacity") == 3);
    REQUIRE(list_registrations(c, date_id, "confirmed").size() == 1);
}

TEST_CASE("invalid seminar and date fields are a 422 naming exactly those fields") {
    server_process server;
    http_client c{server.port()};

    auto s = c.post_json("/api/v1/seminars",
                         {{"slug", "Not A Slug"}, {"title", "  "}, {"organizer_email", "nope"}, {"colour", "red"}},
                         organiser());
    INFO(s.body);
    REQUIRE(s.status == 422);
    REQUIRE(s.json().at("error") == "invalid_fields");
    REQUIRE(s.json().at("message").is_string());
    // Unknown keys are refused before the values are looked at.
    REQUIRE(field_names(s) == std::set<std::string>{"colour"});
    REQUIRE(field_code(s, "colour") == "not_allowed");

    auto s2 = c.post_json(
        "/api/v1/seminars", {{"slug", "Not A Slug"}, {"title", "  "}, {"organizer_email", "nope"}}, organiser());
    INFO(s2.body);
    REQUIRE(s2.status == 422);
    REQUIRE(field_names(s2) == std::set<std::string>{"slug", "title", "organizer_name", "organizer_email"});
    REQUIRE(field_code(s2, "slug") == "invalid_format");
    REQUIRE(field_code(s2, "title") == "required");
    REQUIRE(field_code(s2, "organizer_name") == "required");
    REQUIRE(field_code(s2, "organizer_email") == "invalid_email");
    REQUIRE(c.get("/api/v1/seminars").json().at("seminars").empty());

    create_seminar(c, slug);
    auto d = c.post_json("/api/v1/seminars/" + slug + "/dates",
                         {{"timezone", "Mars/Olympus_Mons"},
                          {"days", {{{"date", "2030-02-30"}, {"start", "9"}, {"end", "08:00"}}}},
                          {"capacity", 0}},
                         organiser());
    INFO(d.body);
    REQUIRE(d.status == 422);
    REQUIRE(field_names(d) == std::set<std::string>{"timezone", "days[0].date", "days[0].start", "capacity"});
    REQUIRE(field_code(d, "timezone") == "unknown_zone");
    REQUIRE(field_code(d, "days[0].date") == "invalid_format");
    REQUIRE(field_code(d, "capacity") == "invalid_value");

    auto wrong_types = c.post_json("/api/v1/seminars/" + slug + "/dates",
                                   {{"timezone", "Europe/Berlin"}, {"days", "tomorrow"}, {"capacity", "12"}},
                                   organiser());
    REQUIRE(wrong_types.status == 422);
    REQUIRE(field_names(wrong_types) == std::set<std::string>{"days", "capacity"});

    auto end_before_start = c.post_json("/api/v1/seminars/" + slug + "/dates",
                                        {{"timezone", "Europe/Berlin"},
                                         {"days", {{{"date", future_day(3, 2)}, {"start", "17:00"}, {"end", "09:00"}}}},
                                         {"capacity", 5}},
                                        organiser());
    REQUIRE(end_before_start.status == 422);
    REQUIRE(field_names(end_before_start) == std::set<std::string>{"days[0].end"});
    REQUIRE(c.get("/api/v1/seminars/" + slug).json().at("dates").empty());
}

// ---- public: registering ----------------------------------------------------------------------------------------

TEST_CASE("registering with JSON confirms a seat and answers with code, token, links and a German confirmation") {
    server_process server;
    http_client c{server.port()};
    const auto date_id = seminar_with_date(c, slug, 12, true);
    auto r = register_json(c, date_id, person("erika@example.org"));
    INFO(r.body);
    REQUIRE(r.status == 201);
    auto j = r.json();
    REQUIRE(j.at("status") == "confirmed");
    REQUIRE(!j.contains("waitlist_position"));
    const auto code = j.at("code").get<std::string>();
    const auto token = j.at("token").get<std::string>();
    REQUIRE(!code.empty());
    REQUIRE(token.size() == 28);
    const auto self = "http://127.0.0.1:" + std::to_string(server.port()) + "/api/v1/registrations/" + token;
    REQUIRE(r.header("Location") == self);
    REQUIRE(j.at("links").at("self") == self);
    // The calendar link has its own read-only key: calendars get subscribed and shared, and the token cancels.
    const auto ics = j.at("links").at("ics").get<std::string>();
    const std::string invites = "http://127.0.0.1:" + std::to_string(server.port()) + "/api/v1/invites/";
    REQUIRE(ics.rfind(invites, 0) == 0);
    REQUIRE(ics.find(token) == std::string::npos);
    REQUIRE(ics.size() == invites.size() + 28 + 4);  // the key and ".ics"
    auto calendar = c.get(ics.substr(ics.find("/api/")));
    REQUIRE(calendar.status == 200);
    REQUIRE(calendar.body.find("METHOD:REQUEST") != std::string::npos);
    // The key reads the invite and nothing else.
    const auto key = ics.substr(invites.size(), 28);
    REQUIRE(c.get("/api/v1/registrations/" + key).status == 404);
    REQUIRE(c.del("/api/v1/registrations/" + key).status == 404);
    REQUIRE(c.get("/registrations/" + key).status == 404);
    REQUIRE(j.at("links").at("cancel") == self);
    const auto& confirmation = j.at("confirmation");
    REQUIRE(confirmation.at("status_text") == "Anmeldung bestätigt");
    REQUIRE(confirmation.at("schedule") == "27./28. Januar " + std::to_string(future_year()) + ", 09:00–17:00 Uhr");
    const auto text = confirmation.at("email").at("text").get<std::string>();
    REQUIRE(text.find("vielen Dank für Ihre Anmeldung") != std::string::npos);
    REQUIRE(text.find(code) != std::string::npos);
    REQUIRE(confirmation.at("email").at("to") == "erika@example.org");
    REQUIRE(confirmation.at("email").at("subject").get<std::string>().rfind("Anmeldebestätigung: ", 0) == 0);

    // The 201 is the confirmation; the attendee's fields, the date and the seminar are at links.self.
    for (auto key : {"attendee", "date", "seminar", "cancelled_at"}) REQUIRE_FALSE(j.contains(key));

    // The private link shows the same registration, in full; the seat count went down.
    auto mine = c.get(path_of(self));
    REQUIRE(mine.status == 200);
    const auto view = mine.json();
    REQUIRE(view.at("code") == code);
    REQUIRE(view.at("status") == "confirmed");
    REQUIRE(view.at("confirmation") == confirmation);
    REQUIRE(view.at("links") == j.at("links"));
    REQUIRE(view.at("attendee").at("email") == "erika@example.org");
    REQUIRE(view.at("date").at("id") == date_id);
    REQUIRE(view.at("seminar").at("slug") == slug);
    REQUIRE(view.at("cancelled_at").is_null());
    REQUIRE(get_date(c, date_id).at("seats_left") == 11);
}

TEST_CASE("the confirmation is in English with Accept-Language en or ?lang=en") {
    server_process server;
    http_client c{server.port()};
    const auto date_id = seminar_with_date(c, slug, 12, true);

    auto check_english = [](const http_reply& r) {
        INFO(r.body);
        REQUIRE(r.status == 201);
        auto j = r.json();
        REQUIRE(j.at("confirmation").at("status_text") == "Registration confirmed");
        REQUIRE(j.at("confirmation").at("schedule").get<std::string>().find("January") != std::string::npos);
        REQUIRE(
            j.at("confirmation").at("email").at("text").get<std::string>().find("thank you for your registration") !=
            std::string::npos);
    };
    check_english(register_json(c, date_id, person("one@example.org"), {{"Accept-Language", "en"}}));
    check_english(
        register_json(c, date_id, person("two@example.org"), {{"Accept-Language", "en-GB,en;q=0.9,de;q=0.5"}}));
    check_english(c.post_json(registrations_path(date_id) + "?lang=en", person("three@example.org")));

    // German stays the default, and wins a tie.
    auto de = register_json(c, date_id, person("four@example.org"), {{"Accept-Language", "fr, de;q=0.8, en;q=0.8"}});
    REQUIRE(de.status == 201);
    REQUIRE(de.json().at("confirmation").at("status_text") == "Anmeldung bestätigt");

    // Errors follow the language too.
    auto en_error = c.get("/nope?lang=en");
    auto de_error = c.get("/nope");
    REQUIRE(en_error.json().at("message") != de_error.json().at("message"));
}

TEST_CASE("a form-urlencoded registration is accepted like JSON") {
    server_process server;
    http_client c{server.port()};
    const auto date_id = seminar_with_date(c, slug, 12, true);
    const auto form = form_encode({{"first_name", "Jürgen"},
                                   {"last_name", "Groß"},
                                   {"email", "juergen@example.org"},
                                   {"company", "Müller & Söhne"},
                                   {"phone", "+49 89 1234-5"},
                                   {"privacy_consent", "on"},
                                   {"website", ""}});
    auto r =
        c.request("POST", registrations_path(date_id), form, {{"Content-Type", "application/x-www-form-urlencoded"}});
    INFO(r.body);
    REQUIRE(r.status == 201);
    auto j = r.json();
    REQUIRE(j.at("status") == "confirmed");
    // As stored: the full view at links.self has the attendee's fields.
    auto stored = c.get(path_of(j.at("links").at("self").get<std::string>()));
    REQUIRE(stored.status == 200);
    const auto attendee = stored.json().at("attendee");
    REQUIRE(attendee.at("first_name") == "Jürgen");
    REQUIRE(attendee.at("last_name") == "Groß");
    REQUIRE(attendee.at("company") == "Müller & Söhne");

    SECTION("without the consent checkbox it is a 422 on privacy_consent") {
        auto no_consent = form_encode({{"first_name", "A"}, {"last_name", "B"}, {"email", "ab@example.org"}});
        auto refused = c.request(
            "POST", registrations_path(date_id), no_consent, {{"Content-Type", "application/x-www-form-urlencoded"}});
        REQUIRE(refused.status == 422);
        REQUIRE(field_names(refused) == std::set<std::string>{"privacy_consent"});
        REQUIRE(field_code(refused, "privacy_consent") == "must_accept");
    }
    SECTION("a broken percent escape is a 400") {
        auto broken = c.request("POST",
                                registrations_path(date_id),
                                "first_name=%zz&last_name=B&email=b%40example.org&privacy_consent=on",
                                {{"Content-Type", "application/x-www-form-urlencoded"}});
        REQUIRE(broken.status == 400);
        REQUIRE(broken.json().at("error") == "bad_request");
    }
}

TEST_CASE("a browser form post is redirected with 303 to the confirmation page") {
    server_process server;
    http_client c{server.port()};
    const auto date_id = seminar_with_date(c, slug, 12, true);
    const auto form = form_encode({{"first_name", "Erika"},
                                   {"last_name", "Mustermann"},
                                   {"email", "erika@example.org"},
                                   {"privacy_consent", "on"}});
    const header_list browser{{"Content-Type", "application/x-www-form-urlencoded"},
                              {"Accept", "text/html,application/xhtml+xml,*/*;q=0.8"}};
    auto r = c.request("POST", registrations_path(date_id), form, browser);
    INFO(r.body);
    REQUIRE(r.status == 303);
    const auto location = r.header("Location");
    // The confirmation page behind the private link (HTML); the JSON view has the same token.
    const auto page_prefix = "http://127.0.0.1:" + std::to_string(server.port()) + "/registrations/";
    REQUIRE(location.rfind(page_prefix, 0) == 0);
    auto page = c.get(path_of(location));
    REQUIRE(page.status == 200);
    REQUIRE(page.header("Content-Type") == "text/html; charset=utf-8");
    REQUIRE(page.body.find("bestätigt") != std::string::npos);
    auto view = c.get("/api/v1/registrations/" + location.substr(page_prefix.size()));
    REQUIRE(view.status == 200);
    REQUIRE(view.json().at("status") == "confirmed");
    REQUIRE(view.json().at("attendee").at("email") == "erika@example.org");

    SECTION("in English the redirect keeps the language") {
        auto header = browser;
        header.emplace_back("Accept-Language", "en");
        auto en = c.request("POST",
                            registrations_path(date_id),
                            form_encode({{"first_name", "Max"},
                                         {"last_name", "Muster"},
                                         {"email", "max@example.org"},
                                         {"privacy_consent", "on"}}),
                            header);
        REQUIRE(en.status == 303);
        REQUIRE(en.header("Location").ends_with("?lang=en"));
    }
}

TEST_CASE("invalid registration fields are a 422 naming exactly those fields, and nothing is stored") {
    server_process server;
    http_client c{server.port()};
    const auto date_id = seminar_with_date(c, slug, 12, true);
    auto r = register_json(c, date_id, {{"first_name", " "}, {"email", "not-an-address"}, {"privacy_consent", false}});
    INFO(r.body);
    REQUIRE(r.status == 422);
    REQUIRE(r.json().at("error") == "invalid_fields");
    REQUIRE(field_names(r) == std::set<std::string>{"first_name", "last_name", "email", "privacy_consent"});
    REQUIRE(field_code(r, "first_name") == "required");
    REQUIRE(field_code(r, "last_name") == "required");
    REQUIRE(field_code(r, "email") == "invalid_email");
    REQUIRE(field_code(r, "privacy_consent") == "must_accept");
    REQUIRE(r.json().at("fields").at("email").at("message").is_string());

    auto unknown = person("x@example.org");
    unknown["is_admin"] = true;
    auto u = register_json(c, date_id, unknown);
    REQUIRE(u.status == 422);
    REQUIRE(field_names(u) == std::set<std::string>{"is_admin"});

    auto typed = person("y@example.org");
    typed["first_name"] = 42;
    auto t = register_json(c, date_id, typed);
    REQUIRE(t.status == 422);
    REQUIRE(field_names(t) == std::set<std::string>{"first_name"});

    REQUIRE(list_registrations(c, date_id).empty());
}

TEST_CASE("the same e-mail twice on one date is 409 already_registered, ignoring case and spaces") {
    server_process server;
    http_client c{server.port()};
    const auto date_id = seminar_with_date(c, slug, 12, true);
    auto first = register_ok(c, date_id, "Erika.Muster@Example.org");
    auto again = register_json(c, date_id, person("  erika.muster@EXAMPLE.ORG "));
    INFO(again.body);
    REQUIRE(again.status == 409);
    auto j = again.json();
    REQUIRE(j.at("error") == "already_registered");
    // It reveals nothing about the existing registration.
    REQUIRE(again.body.find(first.at("code").get<std::string>()) == std::string::npos);
    REQUIRE(again.body.find(first.at("token").get<std::string>()) == std::string::npos);
    REQUIRE(!j.contains("code"));
    REQUIRE(!j.contains("token"));
    REQUIRE(list_registrations(c, date_id).size() == 1);

    SECTION("after a cancellation the same e-mail may register again") {
        REQUIRE(c.del("/api/v1/registrations/" + first.at("token").get<std::string>()).status == 200);
        auto third = register_json(c, date_id, person("erika.muster@example.org"));
        REQUIRE(third.status == 201);
    }
    SECTION("the same e-mail may register on another date") {
        const auto other = create_date(c, slug, 12, true);
        REQUIRE(register_json(c, other, person("erika.muster@example.org")).status == 201);
    }
}

TEST_CASE("a full date without a waiting list answers 409 full") {
    server_process server;
    http_client c{server.port()};
    const auto date_id = seminar_with_date(c, slug, 2, false);
    register_ok(c, date_id, "a@example.org");
    register_ok(c, date_id, "b@example.org");
    auto r = register_json(c, date_id, person("c@example.org"));
    REQUIRE(r.status == 409);
    REQUIRE(r.json().at("error") == "full");
    auto d = get_date(c, date_id);
    REQUIRE(d.at("seats_left") == 0);
    REQUIRE(d.at("confirmed") == 2);
    REQUIRE(list_registrations(c, date_id).size() == 2);
}

TEST_CASE("beyond capacity people join the waiting list in arrival order") {
    server_process server;
    http_client c{server.port()};
    const auto date_id = seminar_with_date(c, slug, 1, true);
    REQUIRE(register_ok(c, date_id, "first@example.org").at("status") == "confirmed");
    for (int i = 1; i <= 3; ++i) {
        auto j = register_ok(c, date_id, "wait" + std::to_string(i) + "@example.org");
        REQUIRE(j.at("status") == "waitlisted");
        REQUIRE(j.at("waitlist_position") == i);
        REQUIRE(j.at("confirmation").at("status_text") == "Warteliste, Platz " + std::to_string(i));
        REQUIRE(j.at("confirmation").at("email").at("text").get<std::string>().find("Warteliste") != std::string::npos);
    }
    auto d = get_date(c, date_id);
    REQUIRE(d.at("waitlist_length") == 3);
    REQUIRE(d.at("seats_left") == 0);
    auto waiting = list_registrations(c, date_id, "waitlisted");
    REQUIRE(positions_of(waiting) == std::vector<int>{1, 2, 3});
}

TEST_CASE("a cancellation by the attendee promotes the first on the waiting list") {
    server_process server;
    http_client c{server.port()};
    const auto date_id = seminar_with_date(c, slug, 2, true);
    auto a = register_ok(c, date_id, "a@example.org");
    auto b = register_ok(c, date_id, "b@example.org");
    auto w1 = register_ok(c, date_id, "w1@example.org");
    auto w2 = register_ok(c, date_id, "w2@example.org");
    auto w3 = register_ok(c, date_id, "w3@example.org");
    REQUIRE(w3.at("waitlist_position") == 3);

    auto r = c.del("/api/v1/registrations/" + a.at("token").get<std::string>());
    INFO(r.body);
    REQUIRE(r.status == 200);
    REQUIRE(r.json().at("status") == "cancelled");
    REQUIRE(!r.json().at("cancelled_at").is_null());

    auto confirmed = list_registrations(c, date_id, "confirmed");
    REQUIRE(codes_of(confirmed) == std::vector<std::string>{b.at("code"), w1.at("code")});
    auto waiting = list_registrations(c, date_id, "waitlisted");
    REQUIRE(codes_of(waiting) == std::vector<std::string>{w2.at("code"), w3.at("code")});
    REQUIRE(positions_of(waiting) == std::vector<int>{1, 2});  // no gap after the promotion
    auto cancelled = list_registrations(c, date_id, "cancelled");
    REQUIRE(codes_of(cancelled) == std::vector<std::string>{a.at("code")});

    // The promoted attendee sees it on the private link.
    auto promoted = c.get("/api/v1/registrations/" + w1.at("token").get<std::string>());
    REQUIRE(promoted.json().at("status") == "confirmed");

    SECTION("a waitlisted attendee who leaves closes the gap behind them") {
        REQUIRE(c.del("/api/v1/registrations/" + w2.at("token").get<std::string>()).status == 200);
        auto still = list_registrations(c, date_id, "waitlisted");
        REQUIRE(codes_of(still) == std::vector<std::string>{w3.at("code")});
        REQUIRE(positions_of(still) == std::vector<int>{1});
        REQUIRE(list_registrations(c, date_id, "confirmed").size() == 2);
    }
    SECTION("cancelling twice is 409 already_cancelled") {
        auto again = c.del("/api/v1/registrations/" + a.at("token").get<std::string>());
        REQUIRE(again.status == 409);
        REQUIRE(again.json().at("error") == "already_cancelled");
    }
}

TEST_CASE("the organiser list pages with limit and cursor and filters by status") {
    server_process server;
    http_client c{server.port()};
    const auto date_id = seminar_with_date(c, slug, 3, true);
    std::vector<std::string> codes;
    for (int i = 0; i < 7; ++i) codes.push_back(register_ok(c, date_id, std::to_string(i) + "@example.org").at("code"));

    auto first = c.get(registrations_path(date_id) + "?limit=3", organiser());
    REQUIRE(first.status == 200);
    REQUIRE(first.json().at("items").size() == 3);
    REQUIRE(first.json().at("total") == 7);
    REQUIRE(first.json().at("next_cursor").is_string());
    REQUIRE(codes_of(list_registrations(c, date_id, std::nullopt, 3)) == codes);
    REQUIRE(codes_of(list_registrations(c, date_id, std::nullopt, 1)) == codes);
    REQUIRE(list_registrations(c, date_id, "confirmed", 2).size() == 3);
    REQUIRE(positions_of(list_registrations(c, date_id, "waitlisted", 2)) == std::vector<int>{1, 2, 3, 4});

    const auto item = first.json().at("items").at(0);
    REQUIRE(item.at("email") == "0@example.org");
    REQUIRE(item.at("status") == "confirmed");
    REQUIRE(item.at("waitlist_position").is_null());

    for (auto bad : {"?limit=0", "?limit=abc", "?limit=100000", "?cursor=-5", "?status=maybe"}) {
        CAPTURE(bad);
        auto r = c.get(registrations_path(date_id) + bad, organiser());
        REQUIRE(r.status == 422);
        REQUIRE(r.json().at("error") == "invalid_fields");
    }
    REQUIRE(c.get(registrations_path(999999), organiser()).status == 404);
}

TEST_CASE("an organiser cancels by code and the first on the waiting list moves up") {
    server_process server;
    http_client c{server.port()};
    const auto date_id = seminar_with_date(c, slug, 1, true);
    auto a = register_ok(c, date_id, "a@example.org");
    auto w = register_ok(c, date_id, "w@example.org");
    const auto code = a.at("code").get<std::string>();

    auto r = c.request("POST", "/api/v1/registrations/" + code + "/cancel", {}, organiser());
    INFO(r.body);
    REQUIRE(r.status == 200);
    REQUIRE(r.json().at("status") == "cancelled");
    REQUIRE(r.json().at("promoted") == json::array({w.at("code")}));
    REQUIRE(codes_of(list_registrations(c, date_id, "confirmed")) == std::vector<std::string>{w.at("code")});

    auto again = c.request("POST", "/api/v1/registrations/" + code + "/cancel", {}, organiser());
    REQUIRE(again.status == 409);
    REQUIRE(again.json().at("error") == "already_cancelled");
    auto unknown = c.request("POST", "/api/v1/registrations/ZZZZ-ZZZZ/cancel", {}, organiser());
    REQUIRE(unknown.status == 404);
}

// ---- organiser: changing a date ---------------------------------------------------------------------------------

TEST_CASE("raising the capacity promotes as many from the waiting list as fit") {
    server_process server;
    http_client c{server.port()};
    const auto date_id = seminar_with_date(c, slug, 1, true);
    std::vector<std::string> codes;
    for (int i = 0; i < 5; ++i) codes.push_back(register_ok(c, date_id, std::to_string(i) + "@example.org").at("code"));
    const auto before = get_date(c, date_id);

    auto r = c.patch_json("/api/v1/dates/" + std::to_string(date_id), {{"capacity", 3}}, organiser());
    INFO(r.body);
    REQUIRE(r.status == 200);
    auto j = r.json();
    REQUIRE(j.at("capacity") == 3);
    REQUIRE(j.at("promoted") == json::array({codes[1], codes[2]}));
    REQUIRE(j.at("sequence") == before.at("sequence"));  // attendees' calendars need no update for this
    REQUIRE(codes_of(list_registrations(c, date_id, "confirmed")) ==
            std::vector<std::string>{codes[0], codes[1], codes[2]});
    auto waiting = list_registrations(c, date_id, "waitlisted");
    REQUIRE(codes_of(waiting) == std::vector<std::string>{codes[3], codes[4]});
    REQUIRE(positions_of(waiting) == std::vector<int>{1, 2});

    SECTION("more capacity than people confirms everyone") {
        auto all = c.patch_json("/api/v1/dates/" + std::to_string(date_id), {{"capacity", 50}}, organiser());
        REQUIRE(all.status == 200);
        REQUIRE(all.json().at("promoted").size() == 2);
        REQUIRE(list_registrations(c, date_id, "waitlisted").empty());
        REQUIRE(get_date(c, date_id).at("seats_left") == 45);
    }
}

TEST_CASE("lowering the capacity below the confirmed count is refused and changes nothing") {
    server_process server;
    http_client c{server.port()};
    const auto date_id = seminar_with_date(c, slug, 3, true);
    for (int i = 0; i < 3; ++i) register_ok(c, date_id, std::to_string(i) + "@example.org");
    auto r = c.patch_json("/api/v1/dates/" + std::to_string(date_id), {{"capacity", 2}}, organiser());
    REQUIRE(r.status == 409);
    REQUIRE(r.json().at("error") == "capacity_below_confirmed");
    auto d = get_date(c, date_id);
    REQUIRE(d.at("capacity") == 3);
    REQUIRE(list_registrations(c, date_id, "confirmed").size() == 3);

    auto equal = c.patch_json("/api/v1/dates/" + std::to_string(date_id), {{"capacity", 3}}, organiser());
    REQUIRE(equal.status == 200);
    auto invalid = c.patch_json("/api/v1/dates/" + std::to_string(date_id), {{"capacity", -1}}, organiser());
    REQUIRE(invalid.status == 422);
    REQUIRE(field_names(invalid) == std::set<std::string>{"capacity"});
}

TEST_CASE("changing the days bumps the calendar sequence, changing only the capacity does not") {
    server_process server;
    http_client c{server.port()};
    const auto date_id = seminar_with_date(c, slug, 5, true);
    const auto path = "/api/v1/dates/" + std::to_string(date_id);
    const int start = get_date(c, date_id).at("sequence");

    auto cap = c.patch_json(path, {{"capacity", 8}}, organiser());
    REQUIRE(cap.status == 200);
    REQUIRE(cap.json().at("sequence") == start);

    auto days = c.patch_json(path,
                             {{"days",
                               {{{"date", future_day(2, 3)}, {"start", "10:00"}, {"end", "16:00"}},
                                {{"date", future_day(2, 4)}, {"start", "09:00"}, {"end", "13:00"}}}}},
                             organiser());
    INFO(days.body);
    REQUIRE(days.status == 200);
    REQUIRE(days.json().at("sequence") == start + 1);
    REQUIRE(days.json().at("days").at(0).at("date") == future_day(2, 3));
    REQUIRE(days.json().at("days").at(1).at("end") == "13:00");

    auto same_days = c.patch_json(path,
                                  {{"days",
                                    {{{"date", future_day(2, 3)}, {"start", "10:00"}, {"end", "16:00"}},
                                     {{"date", future_day(2, 4)}, {"start", "09:00"}, {"end", "13:00"}}}}},
                                  organiser());
    REQUIRE(same_days.status == 200);
    REQUIRE(same_days.json().at("sequence") == start + 1);  // nothing visible changed
    REQUIRE(get_date(c, date_id).at("sequence") == start + 1);
}

TEST_CASE("a cancelled date takes no new registrations") {
    server_process server;
    http_client c{server.port()};
    const auto date_id = seminar_with_date(c, slug, 5, true);
    register_ok(c, date_id, "early@example.org");
    const int sequence = get_date(c, date_id).at("sequence");
    auto r = c.patch_json("/api/v1/dates/" + std::to_string(date_id), {{"status", "cancelled"}}, organiser());
    INFO(r.body);
    REQUIRE(r.status == 200);
    REQUIRE(r.json().at("status") == "cancelled");
    REQUIRE(r.json().at("sequence") == sequence + 1);
    REQUIRE(r.json().at("registration_open") == false);

    auto late = register_json(c, date_id, person("late@example.org"));
    REQUIRE(late.status == 409);
    REQUIRE(late.json().at("error") == "registration_closed");

    auto change = c.patch_json("/api/v1/dates/" + std::to_string(date_id), {{"capacity", 9}}, organiser());
    REQUIRE(change.status == 409);
    REQUIRE(change.json().at("error") == "date_cancelled");
}

TEST_CASE("the past demo date is closed for registration") {
    // The server's clock starts on 2 December 2026: the next 27./28. January is in 2027, the past one in 2026.
    server_process server{with_args({"--demo", "--clock-start", "2026-12-02T10:00:00+01:00"})};
    http_client c{server.port()};
    auto s = c.get("/api/v1/seminars/" + demo_slug);
    REQUIRE(s.status == 200);
    const auto dates = s.json().at("dates");
    REQUIRE(dates.size() == 2);
    const auto& past = dates.at(0);
    const auto& next = dates.at(1);
    REQUIRE(past.at("days").at(0).at("date") == "2026-01-27");
    REQUIRE(past.at("past") == true);
    REQUIRE(past.at("registration_open") == false);
    REQUIRE(next.at("days").at(0).at("date") == "2027-01-27");
    REQUIRE(next.at("days").at(1).at("date") == "2027-01-28");
    REQUIRE(next.at("capacity") == 12);
    REQUIRE(next.at("waitlist") == true);
    REQUIRE(next.at("registration_open") == true);
    REQUIRE(next.at("schedule") == "27./28. Januar 2027, 09:00–17:00 Uhr");

    auto closed = register_json(c, past.at("id").get<std::int64_t>(), person("late@example.org"));
    REQUIRE(closed.status == 409);
    REQUIRE(closed.json().at("error") == "registration_closed");

    auto next_answer = register_json(c, next.at("id").get<std::int64_t>(), person("early@example.org"));
    REQUIRE(next_answer.status == 201);
}

TEST_CASE("after 28 January the demo's next date is the following January") {
    server_process server{with_args({"--demo", "--clock-start", "2027-01-29T08:00:00+01:00"})};
    http_client c{server.port()};
    const auto dates = c.get("/api/v1/seminars/" + demo_slug).json().at("dates");
    REQUIRE(dates.size() == 2);
    CHECK(dates.at(0).at("days").at(0).at("date") == "2027-01-27");
    CHECK(dates.at(0).at("past") == true);
    CHECK(dates.at(1).at("days").at(0).at("date") == "2028-01-27");
    CHECK(dates.at(1).at("registration_open") == true);
    CHECK(dates.at(1).at("schedule") == "27./28. Januar 2028, 09:00–17:00 Uhr");
}

TEST_CASE("on 28 January the demo's next date is the one under way, closed for registration") {
    server_process server{with_args({"--demo", "--clock-start", "2027-01-28T12:00:00+01:00"})};
    http_client c{server.port()};
    const auto dates = c.get("/api/v1/seminars/" + demo_slug).json().at("dates");
    REQUIRE(dates.size() == 2);
    CHECK(dates.at(0).at("days").at(0).at("date") == "2026-01-27");
    CHECK(dates.at(1).at("days").at(0).at("date") == "2027-01-27");
    CHECK(dates.at(1).at("past") == false);
    CHECK(dates.at(1).at("registration_open") == false);
    auto late = register_json(c, dates.at(1).at("id").get<std::int64_t>(), person("late@example.org"));
    CHECK(late.status == 409);
    CHECK(late.json().at("error") == "registration_closed");
}

// ---- bad requests ---------------------------------------------------------------------------------------------

TEST_CASE("unknown tokens, codes and dates are a 404") {
    server_process server;
    http_client c{server.port()};
    const auto date_id = seminar_with_date(c, slug, 5, true);
    const std::string unknown_token = "AAAAAAAAAAAAAAAAAAAAAA";
    const std::vector<std::string> targets{"/api/v1/registrations/" + unknown_token,
                                           "/api/v1/registrations/short",
                                           "/api/v1/dates/999999",
                                           "/api/v1/dates/abc",
                                           "/api/v1/seminars/no-such-seminar"};
    for (const auto& target : targets) {
        CAPTURE(target);
        auto r = c.get(target);
        REQUIRE(r.status == 404);
        REQUIRE(r.json().at("error") == "not_found");
    }
    REQUIRE(c.del("/api/v1/registrations/" + unknown_token).status == 404);
    REQUIRE(register_json(c, 999999, person("a@example.org")).status == 404);
    REQUIRE(c.patch_json("/api/v1/dates/999999", {{"capacity", 3}}, organiser()).status == 404);
    REQUIRE(list_registrations(c, date_id).empty());
}

TEST_CASE("invalid JSON is a 400 and a body in another content type is a 415") {
    server_process server;
    http_client c{server.port()};
    const auto date_id = seminar_with_date(c, slug, 5, true);
    const header_list as_json{{"Content-Type", "application/json"}};
    for (std::string body :
         {"{\"first_name\": ", "[1, 2, 3]", "\"text\"", "{\"a\": 1} trailing", "{\"x\": \"\xff\"}"}) {
        CAPTURE(body);
        auto r = c.request("POST", registrations_path(date_id), body, as_json);
        REQUIRE(r.status == 400);
        REQUIRE(r.json().at("error") == "bad_request");
    }
    auto text = c.request("POST",
                          registrations_path(date_id),
                          "first_name=A&last_name=B&email=a@example.org&privacy_consent=on",
                          {{"Content-Type", "text/plain"}});
    REQUIRE(text.status == 415);
    REQUIRE(text.json().at("error") == "unsupported_media_type");

    auto form_to_organiser = c.request("POST",
                                       "/api/v1/seminars",
                                       form_encode({{"slug", "x"}}),
                                       {{"Content-Type", "application/x-www-form-urlencoded"}, organiser()[0]});
    REQUIRE(form_to_organiser.status == 415);

    auto bad_seminar = c.request("POST", "/api/v1/seminars", "{oops", {as_json[0], organiser()[0]});
    REQUIRE(bad_seminar.status == 400);
    REQUIRE(list_registrations(c, date_id).empty());
}

TEST_CASE("a date past its registration deadline takes no registrations") {
    server_process server;
    http_client c{server.port()};
    create_seminar(c, slug);
    auto body = date_body(5, true);
    body["registration_closes_at"] = "2020-01-01T00:00:00Z";
    auto d = c.post_json("/api/v1/seminars/" + slug + "/dates", body, organiser());
    INFO(d.body);
    REQUIRE(d.status == 201);
    REQUIRE(d.json().at("registration_open") == false);
    const auto date_id = d.json().at("id").get<std::int64_t>();
    auto r = register_json(c, date_id, person("late@example.org"));
    REQUIRE(r.status == 409);
    REQUIRE(r.json().at("error") == "registration_closed");

    // Reopened by moving the deadline back to the default (the start of the first day).
    auto reopen =
        c.patch_json("/api/v1/dates/" + std::to_string(date_id), {{"registration_closes_at", nullptr}}, organiser());
    REQUIRE(reopen.status == 200);
    REQUIRE(reopen.json().at("registration_open") == true);
    REQUIRE(register_json(c, date_id, person("late@example.org")).status == 201);

    auto after_start = date_body(5, true);
    after_start["registration_closes_at"] = future_day(2, 1) + "T00:00:00Z";
    auto refused = c.post_json("/api/v1/seminars/" + slug + "/dates", after_start, organiser());
    REQUIRE(refused.status == 422);
    REQUIRE(field_names(refused) == std::set<std::string>{"registration_closes_at"});
}

TEST_CASE("an organiser changes a seminar, but not onto a slug that is taken") {
    server_process server;
    http_client c{server.port()};
    create_seminar(c, slug);
    create_seminar(c, "other-seminar");
    auto r =
        c.patch_json("/api/v1/seminars/" + slug, {{"title", "Neuer Titel"}, {"price_cents", nullptr}}, organiser());
    INFO(r.body);
    REQUIRE(r.status == 200);
    REQUIRE(r.json().at("title") == "Neuer Titel");
    REQUIRE(r.json().at("price_cents").is_null());
    REQUIRE(r.json().at("organizer_name") == "Muster Kommunikation GmbH");  // untouched fields stay

    auto taken = c.patch_json("/api/v1/seminars/" + slug, {{"slug", "other-seminar"}}, organiser());
    REQUIRE(taken.status == 409);
    REQUIRE(taken.json().at("error") == "slug_taken");
    auto invalid = c.patch_json("/api/v1/seminars/" + slug, {{"organizer_email", "nope"}}, organiser());
    REQUIRE(invalid.status == 422);
    REQUIRE(field_names(invalid) == std::set<std::string>{"organizer_email"});
    REQUIRE(c.patch_json("/api/v1/seminars/no-such-seminar", {{"title", "x"}}, organiser()).status == 404);
    REQUIRE(c.get("/api/v1/seminars/" + slug).json().at("title") == "Neuer Titel");
}
