// A seminar's cancellation terms and self-cancel deadline, through the routes: the fields, the form, the mail, the
// attendee's JSON and confirmation page, and who may still cancel after the deadline.
#include "app_under_test.hpp"

#include "domain/schedule.hpp"

#include <catch2/catch.hpp>

#include <cctype>
#include <string>

using nlohmann::json;
using seminard::testing::answer;
using seminard::testing::app_under_test;

namespace {

constexpr const char* terms = "Bis 14 Tage vor Beginn kostenfrei,\ndanach 50 % des Preises.";

seminard::domain::instant at(const char* iso) { return *seminard::domain::parse_iso8601(iso); }

json seminar_body(const std::string& slug) {
    return {{"slug", slug},
            {"title", "LinkedIn Marketing für Unternehmen"},
            {"organizer_name", "Muster GmbH"},
            {"organizer_email", "seminare@example.org"}};
}

/// A seminar with the terms and a 14-day deadline, and one date on 27./28. January 2027 (09:00 in Berlin) with one
/// seat and a waiting list; returns the date's id.
std::int64_t seminar_with_terms(app_under_test& app) {
    auto body = seminar_body("linkedin");
    body["cancellation_terms"] = terms;
    body["self_cancel_days"] = 14;
    auto s = app.post_json("/api/v1/seminars", body, app_under_test::organiser());
    REQUIRE(s.status == 201);
    auto d = app.post_json("/api/v1/seminars/linkedin/dates",
                           {{"timezone", "Europe/Berlin"},
                            {"days",
                             {{{"date", "2027-01-27"}, {"start", "09:00"}, {"end", "17:00"}},
                              {{"date", "2027-01-28"}, {"start", "09:00"}, {"end", "17:00"}}}},
                            {"capacity", 1},
                            {"waitlist", true}},
                           app_under_test::organiser());
    REQUIRE(d.status == 201);
    return d.json().at("id").get<std::int64_t>();
}

json person(const std::string& first, const std::string& email) {
    return {{"first_name", first}, {"last_name", "Muster"}, {"email", email}, {"privacy_consent", true}};
}

/// A message's quoted-printable text decoded: soft line breaks joined, =XX turned back into its byte.
std::string decoded(const std::string& message) {
    std::string out;
    for (std::size_t i = 0; i < message.size(); ++i) {
        if (message[i] == '=' && i + 2 < message.size()) {
            if (message[i + 1] == '\r' && message[i + 2] == '\n') {
                i += 2;
                continue;
            }
            if (std::isxdigit(static_cast<unsigned char>(message[i + 1])) &&
                std::isxdigit(static_cast<unsigned char>(message[i + 2]))) {
                out += static_cast<char>(std::stoi(message.substr(i + 1, 2), nullptr, 16));
                i += 2;
                continue;
            }
        }
        out += message[i];
    }
    return out;
}

/// The mail the outbox holds for the registration `code`, decoded.
std::string mail_of(app_under_test& app, const std::string& code) {
    auto list = app.get("/api/v1/outbox?registration=" + code, app_under_test::organiser());
    REQUIRE(list.status == 200);
    const auto items = list.json().at("items");
    REQUIRE(items.size() == 1);
    auto eml = app.get("/api/v1/outbox/" + std::to_string(items[0].at("id").get<std::int64_t>()) + ".eml",
                       app_under_test::organiser());
    REQUIRE(eml.status == 200);
    return decoded(eml.body);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("a seminar's cancellation terms and self-cancel days are checked, stored and given back",
          "[handlers][terms]") {
    app_under_test app;
    auto refused = [&](json extra) {
        auto body = seminar_body("bad");
        body.update(extra);
        auto r = app.post_json("/api/v1/seminars", body, app_under_test::organiser());
        CHECK(r.status == 422);
        return r.json().at("fields");
    };
    CHECK(refused({{"self_cancel_days", -1}}) ==
          json{{"self_cancel_days", {{"code", "invalid_value"}, {"message", "Ungültiger Wert."}}}});
    CHECK(refused({{"self_cancel_days", 366}}).at("self_cancel_days").at("code") == "invalid_value");
    CHECK(refused({{"self_cancel_days", "14"}}).at("self_cancel_days").at("code") == "invalid_value");
    CHECK(refused({{"self_cancel_days", 14.5}}).at("self_cancel_days").at("code") == "invalid_value");
    CHECK(refused({{"cancellation_terms", std::string(5001, 'x')}}) ==
          json{{"cancellation_terms", {{"code", "too_long"}, {"message", "Zu lang."}}}});
    CHECK(refused({{"cancellation_terms", 5}}).at("cancellation_terms").at("code") == "invalid_value");
    const auto both = refused({{"cancellation_terms", std::string(5001, 'x')}, {"self_cancel_days", 400}});
    CHECK(both.size() == 2);
    CHECK(app.get("/api/v1/seminars/bad").status == 404);  // nothing stored

    // Defaults: no terms, cancel until the first day starts.
    auto plain = app.post_json("/api/v1/seminars", seminar_body("plain"), app_under_test::organiser());
    REQUIRE(plain.status == 201);
    CHECK(plain.json().at("cancellation_terms") == "");
    CHECK(plain.json().at("self_cancel_days").is_null());

    seminar_with_terms(app);
    auto s = app.get("/api/v1/seminars/linkedin").json();
    CHECK(s.at("cancellation_terms") == terms);
    CHECK(s.at("self_cancel_days") == 14);
    auto edge = app.patch_json("/api/v1/seminars/linkedin", {{"self_cancel_days", 365}}, app_under_test::organiser());
    REQUIRE(edge.status == 200);
    CHECK(edge.json().at("self_cancel_days") == 365);
    CHECK(edge.json().at("cancellation_terms") == terms);  // not sent: unchanged
    auto cleared = app.patch_json("/api/v1/seminars/linkedin",
                                  {{"self_cancel_days", nullptr}, {"cancellation_terms", ""}},
                                  app_under_test::organiser());
    REQUIRE(cleared.status == 200);
    CHECK(cleared.json().at("self_cancel_days").is_null());
    CHECK(cleared.json().at("cancellation_terms") == "");
}

TEST_CASE("the form shows the terms with each date's deadline and the mail repeats them", "[handlers][terms][pages]") {
    app_under_test app;
    const auto date_id = seminar_with_terms(app);

    auto page = app.get("/seminars/linkedin");
    REQUIRE(page.status == 200);
    CHECK(contains(page.body, "<h3 id=\"terms-title\">Stornobedingungen</h3>"));
    CHECK(contains(page.body, "Bis 14 Tage vor Beginn kostenfrei,<br>danach 50 % des Preises."));
    CHECK(contains(page.body, "können Sie bis 13. Januar 2027, 09:00 Uhr."));
    // Next to the submit button: after the consent, before the button.
    const auto terms_at = page.body.find("terms-title");
    CHECK(page.body.find("id=\"privacy_consent\"") < terms_at);
    CHECK(terms_at < page.body.find("type=\"submit\""));
    auto english = app.get("/seminars/linkedin?lang=en");
    CHECK(contains(english.body, ">Cancellation terms</h3>"));
    CHECK(contains(english.body, "until 13 January 2027, 09:00."));

    // Another date: one line per date.
    auto second = app.post_json("/api/v1/seminars/linkedin/dates",
                                {{"timezone", "Europe/Berlin"},
                                 {"days", {{{"date", "2027-04-07"}, {"start", "09:00"}, {"end", "17:00"}}}},
                                 {"capacity", 5}},
                                app_under_test::organiser());
    REQUIRE(second.status == 201);
    page = app.get("/seminars/linkedin");
    CHECK(contains(page.body, "<li>27./28. Januar 2027: bis 13. Januar 2027, 09:00 Uhr</li>"));
    CHECK(contains(page.body, "<li>7. April 2027: bis 24. März 2027, 09:00 Uhr</li>"));  // before the clocks change

    auto anna = app.post_json("/api/v1/dates/" + std::to_string(date_id) + "/registrations",
                              person("Anna", "anna@example.org"));
    REQUIRE(anna.status == 201);
    const auto text = anna.json().at("confirmation").at("email").at("text").get<std::string>();
    CHECK(contains(text, std::string{"Stornobedingungen:\n"} + terms + "\n"));
    CHECK(contains(text, "bis zum 13. Januar 2027, 09:00 Uhr selbst stornieren"));
    const auto mail = mail_of(app, anna.json().at("code"));
    CHECK(contains(mail, "Stornobedingungen"));
    CHECK(contains(mail, "Bis 14 Tage vor Beginn kostenfrei,"));
    CHECK(contains(mail, "danach 50 % des Preises."));
    CHECK(contains(mail,
                   "Über den persönlichen Link in dieser E-Mail können Sie Ihre Anmeldung bis zum 13. Januar "
                   "2027, 09:00 Uhr selbst stornieren. Danach ist eine Stornierung nur noch über Muster GmbH "
                   "(seminare@example.org) möglich."));

    // Registering after the deadline: the form and the mail say at once that only the organiser cancels.
    app.set_now(at("2027-01-20T10:00:00+01:00"));
    page = app.get("/seminars/linkedin?date=" + std::to_string(date_id));
    CHECK(contains(page.body, "<li>27./28. Januar 2027: nur über den Veranstalter</li>"));
    auto late =
        app.post_json("/api/v1/dates/" + std::to_string(date_id) + "/registrations", person("Ben", "ben@example.org"));
    REQUIRE(late.status == 201);
    CHECK(contains(mail_of(app, late.json().at("code")),
                   "Eine Stornierung ist nur noch über Muster GmbH (seminare@example.org) möglich."));
}

TEST_CASE("after the self-cancel deadline only the organiser cancels", "[handlers][terms]") {
    app_under_test app;
    const auto date_id = seminar_with_terms(app);
    const auto registrations = "/api/v1/dates/" + std::to_string(date_id) + "/registrations";
    auto anna = app.post_json(registrations, person("Anna", "anna@example.org")).json();
    auto ben = app.post_json(registrations, person("Ben", "ben@example.org")).json();
    auto carla = app.post_json(registrations, person("Carla", "carla@example.org")).json();
    REQUIRE(anna.at("status") == "confirmed");
    REQUIRE(ben.at("status") == "waitlisted");
    const auto token = anna.at("token").get<std::string>();
    const auto self = "/api/v1/registrations/" + token;
    const auto page = "/registrations/" + token;

    // Before the deadline: cancellable, with the deadline in UTC; DELETE works.
    auto view = app.get(self).json();
    CHECK(view.at("cancellable") == true);
    CHECK(view.at("cancellable_until") == "2027-01-13T08:00:00Z");
    auto confirmation = app.get(page);
    CHECK(contains(confirmation.body, "class=\"cancel-form\""));
    CHECK(contains(confirmation.body, "bis zum 13. Januar 2027, 09:00 Uhr selbst stornieren."));
    CHECK(contains(confirmation.body, "<h2 id=\"terms-title\">Stornobedingungen</h2>"));
    app.set_now(at("2027-01-13T08:59:59+01:00"));
    auto early = app.request("DELETE", "/api/v1/registrations/" + carla.at("token").get<std::string>());
    CHECK(early.status == 200);
    CHECK(early.json().at("status") == "cancelled");
    CHECK(early.json().at("cancellable") == false);
    CHECK(early.json().at("cancellable_until").is_null());

    // From the deadline on: 409 cancellation_closed, the page shows whom to ask instead of the button.
    app.set_now(at("2027-01-13T09:00:00+01:00"));
    auto refused = app.request("DELETE", self);
    CHECK(refused.status == 409);
    CHECK(
        refused.json() ==
        json{{"error", "cancellation_closed"},
             {"message", "Die Frist zum Selbststornieren ist abgelaufen. Bitte wenden Sie sich an den Veranstalter."}});
    CHECK(app.request("DELETE", self + "?lang=en").json().at("message") ==
          "The deadline for cancelling yourself has passed. Please contact the organiser.");
    view = app.get(self).json();
    CHECK(view.at("status") == "confirmed");
    CHECK(view.at("cancellable") == false);
    CHECK(view.at("cancellable_until") == "2027-01-13T08:00:00Z");

    confirmation = app.get(page);
    REQUIRE(confirmation.status == 200);
    CHECK_FALSE(contains(confirmation.body, "cancel-form"));
    CHECK_FALSE(contains(confirmation.body, "Anmeldung stornieren</button>"));
    CHECK(contains(confirmation.body, "Selbst stornieren ist seit dem 13. Januar 2027, 09:00 Uhr nicht mehr möglich."));
    CHECK(contains(confirmation.body, "Muster GmbH, <a href=\"mailto:seminare@example.org\">seminare@example.org</a>"));
    auto english = app.get(page + "?lang=en");
    CHECK(contains(english.body, "You can no longer cancel yourself: the deadline was 13 January 2027, 09:00."));
    CHECK(contains(english.body, "href=\"mailto:seminare@example.org\""));

    // The page's cancel steps are refused the same way, and change nothing.
    for (const char* body : {"", "confirm=yes"}) {
        INFO("body: " << body);
        auto step = app.post_form(page + "/cancel", body);
        CHECK(step.status == 409);
        CHECK(contains(step.body, "Stornierung nicht möglich"));
        CHECK(contains(step.body, "mailto:seminare@example.org"));
        CHECK(step.header("Cache-Control") == "no-store");
    }
    CHECK(app.get(self).json().at("status") == "confirmed");

    // The organiser still cancels; the seat goes to Ben.
    auto by_organiser = app.post_json("/api/v1/registrations/" + anna.at("code").get<std::string>() + "/cancel",
                                      json::object(),
                                      app_under_test::organiser());
    REQUIRE(by_organiser.status == 200);
    CHECK(by_organiser.json().at("status") == "cancelled");
    CHECK(by_organiser.json().at("promoted") == json::array({ben.at("code")}));
}

TEST_CASE("without a deadline attendees cancel until the first day starts, then hear cancellation_closed",
          "[handlers][terms]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("linkedin", 5, true);
    auto form = app.get("/seminars/linkedin");
    CHECK_FALSE(contains(form.body, "Stornobedingungen"));  // nothing to show
    auto anna =
        app.post_json("/api/v1/dates/" + std::to_string(date_id) + "/registrations", person("Anna", "anna@example.org"))
            .json();
    CHECK_FALSE(contains(anna.at("confirmation").at("email").at("text").get<std::string>(), "Stornobedingungen"));
    const auto token = anna.at("token").get<std::string>();
    CHECK(app.get("/api/v1/registrations/" + token).json().at("cancellable_until") == "2027-01-27T08:00:00Z");

    app.set_now(at("2027-01-27T09:00:00+01:00"));
    auto refused = app.request("DELETE", "/api/v1/registrations/" + token);
    CHECK(refused.status == 409);
    CHECK(refused.json().at("error") == "cancellation_closed");
    auto page = app.get("/registrations/" + token);
    CHECK_FALSE(contains(page.body, "cancel-form"));
    CHECK(contains(page.body, "Selbst stornieren ist seit dem 27. Januar 2027, 09:00 Uhr nicht mehr möglich."));
    // Once the seminar is over there is nothing left to ask about.
    app.set_now(at("2027-01-29T09:00:00+01:00"));
    page = app.get("/registrations/" + token);
    CHECK_FALSE(contains(page.body, "cancel-contact"));
}
