// Billing addresses and a seminar's own questions, through the routes: the API and the form, the organiser's views
// and the CSV export.
#include "app_under_test.hpp"

#include <catch2/catch.hpp>

#include <string>

using nlohmann::json;
using seminard::testing::answer;
using seminard::testing::app_under_test;

namespace {

/// A seminar that asks for a billing address and one question of every type.
std::int64_t b2b_seminar(app_under_test& app, const std::string& billing = "required") {
    auto s = app.post_json("/api/v1/seminars",
                           {{"slug", "b2b"},
                            {"title", "LinkedIn für Unternehmen"},
                            {"organizer_name", "Muster GmbH"},
                            {"organizer_email", "seminare@example.org"},
                            {"billing", billing},
                            {"questions",
                             {{{"key", "level"},
                               {"type", "choice"},
                               {"label", {{"de", "Ihre Erfahrung"}, {"en", "Your experience"}}},
                               {"required", true},
                               {"options",
                                {{{"key", "new"}, {"label", {{"de", "Einsteiger"}, {"en", "Beginner"}}}},
                                 {{"key", "pro"}, {"label", {{"de", "Profi"}}}}}}},
                              {{"key", "topics"},
                               {"type", "multi"},
                               {"label", {{"de", "Themen"}}},
                               {"options",
                                {{{"key", "sales"}, {"label", {{"de", "Social Selling"}}}},
                                 {{"key", "hiring"}, {"label", {{"de", "Fachkräfte finden"}}}}}}},
                              {{"key", "diet"}, {"type", "text"}, {"label", {{"de", "Essenswunsch"}}}},
                              {{"key", "notes"}, {"type", "textarea"}, {"label", {{"de", "Anmerkungen"}}}},
                              {{"key", "parking"}, {"type", "checkbox"}, {"label", {{"de", "Parkplatz"}}}}}}},
                           app_under_test::organiser());
    REQUIRE(s.status == 201);
    auto d = app.post_json("/api/v1/seminars/b2b/dates",
                           {{"timezone", "Europe/Berlin"},
                            {"days", {{{"date", "2027-01-27"}, {"start", "09:00"}, {"end", "17:00"}}}},
                            {"capacity", 10},
                            {"waitlist", true}},
                           app_under_test::organiser());
    REQUIRE(d.status == 201);
    return d.json().at("id").get<std::int64_t>();
}

json anna() {
    return {{"first_name", "Anna"},
            {"last_name", "Muster"},
            {"email", "anna@example.org"},
            {"privacy_consent", true},
            {"billing",
             {{"company", "Beispiel GmbH"},
              {"street", "Hauptstraße 1"},
              {"postal_code", "80331"},
              {"city", "München"},
              {"vat_id", "DE 123 456 789"},
              {"po_number", "PO-4711"}}},
            {"answers",
             {{"level", "pro"},
              {"topics", {"sales", "hiring"}},
              {"notes", "Zeile eins\nZeile zwei; mit \"Zitat\""},
              {"parking", true}}}};
}

std::string registrations_of(std::int64_t date_id) {
    return "/api/v1/dates/" + std::to_string(date_id) + "/registrations";
}

}  // namespace

TEST_CASE("a seminar's billing mode and questions are part of the seminar", "[handlers][bookings]") {
    app_under_test app;
    b2b_seminar(app);
    auto s = app.get("/api/v1/seminars/b2b").json();
    CHECK(s.at("billing") == "required");
    REQUIRE(s.at("questions").size() == 5);
    CHECK(s.at("questions")[0].at("label").at("en") == "Your experience");
    CHECK(s.at("questions")[1].at("options")[1].at("key") == "hiring");

    auto bad = app.post_json("/api/v1/seminars",
                             {{"slug", "bad"},
                              {"title", "x"},
                              {"organizer_name", "M"},
                              {"organizer_email", "m@example.org"},
                              {"billing", "sometimes"},
                              {"questions", {{{"key", "Bad Key"}, {"type", "choice"}, {"label", "x"}}}}},
                             app_under_test::organiser());
    REQUIRE(bad.status == 422);
    const auto fields = bad.json().at("fields");
    CHECK(fields.contains("billing"));
    CHECK(fields.contains("questions[0].key"));
    CHECK(fields.contains("questions[0].options"));
}

TEST_CASE("a registration carries its billing address and answers, checked against the seminar",
          "[handlers][bookings]") {
    app_under_test app;
    const auto date_id = b2b_seminar(app);
    const auto path = registrations_of(date_id);

    SECTION("every problem is named") {
        auto missing = anna();
        missing.erase("billing");
        missing["answers"].erase("level");
        auto r = app.post_json(path, missing);
        REQUIRE(r.status == 422);
        CHECK(r.json().at("fields").at("billing").at("code") == "required");
        CHECK(r.json().at("fields").at("answers.level").at("code") == "required");

        auto wrong = anna();
        wrong["billing"]["vat_id"] = "DE12345";
        wrong["billing"]["country"] = "XX";
        wrong["answers"]["level"] = "guru";
        wrong["answers"]["unknown"] = "x";
        r = app.post_json(path, wrong);
        REQUIRE(r.status == 422);
        const auto f = r.json().at("fields");
        CHECK(f.at("billing.vat_id").at("code") == "invalid_format");
        CHECK(f.at("billing.country").at("code") == "invalid_value");
        CHECK(f.at("answers.level").at("code") == "invalid_value");
        CHECK(f.at("answers.unknown").at("code") == "not_allowed");
        // The attendee's own fields and those checked against the seminar come in one answer.
        auto both = anna();
        both.erase("first_name");
        both["billing"]["postal_code"] = "8033";
        r = app.post_json(path, both);
        REQUIRE(r.status == 422);
        CHECK(r.json().at("fields").at("first_name").at("code") == "required");
        CHECK(r.json().at("fields").at("billing.postal_code").at("code") == "invalid_format");
        // Nothing was stored by the refusals.
        CHECK(app.get(path, app_under_test::organiser()).json().at("total") == 0);
    }

    SECTION("a good one is stored and shown everywhere") {
        auto r = app.post_json(path, anna());
        REQUIRE(r.status == 201);
        CHECK(r.json().at("confirmation").at("email").at("text").get<std::string>().find("USt-IdNr.: DE123456789") !=
              std::string::npos);
        const auto token = r.json().at("token").get<std::string>();

        auto list = app.get(path, app_under_test::organiser()).json().at("items");
        REQUIRE(list.size() == 1);
        CHECK(list[0].at("billing").at("vat_id") == "DE123456789");
        CHECK(list[0].at("billing").at("country") == "DE");
        CHECK(list[0].at("answers").at("topics") == json::array({"sales", "hiring"}));
        CHECK(list[0].at("answers").at("parking") == true);
        CHECK_FALSE(list[0].at("answers").contains("diet"));  // not answered

        auto view = app.get("/api/v1/registrations/" + token).json();
        CHECK(view.at("billing").at("po_number") == "PO-4711");
        CHECK(view.at("answers").at("level") == "pro");

        auto page = app.get("/registrations/" + token);
        CHECK(page.body.find("Rechnungsanschrift") != std::string::npos);
        CHECK(page.body.find("Beispiel GmbH") != std::string::npos);
        CHECK(page.body.find("Social Selling, Fachkräfte finden") != std::string::npos);
        CHECK(page.body.find("Zeile eins<br>Zeile zwei") != std::string::npos);

        auto csv = app.get(path + ".csv", app_under_test::organiser());
        REQUIRE(csv.status == 200);
        CHECK(
            csv.body.find("Rechnung: Firma,Rechnung: Straße,Rechnung: PLZ,Rechnung: Ort,Rechnung: Land,USt-IdNr.,"
                          "Bestellnummer,Rechnung: E-Mail,Ihre Erfahrung,Themen,Essenswunsch,Anmerkungen,Parkplatz") !=
            std::string::npos);
        CHECK(
            csv.body.find("Beispiel GmbH,Hauptstraße 1,80331,München,DE,DE123456789,PO-4711,,Profi,"
                          "\"Social Selling, Fachkräfte finden\",,\"Zeile eins\nZeile zwei; mit \"\"Zitat\"\"\",Ja") !=
            std::string::npos);
    }
}

TEST_CASE("answers keep the wording they were given under when the questions change", "[handlers][bookings]") {
    app_under_test app;
    const auto date_id = b2b_seminar(app, "optional");
    auto body = anna();
    body.erase("billing");
    REQUIRE(app.post_json(registrations_of(date_id), body).status == 201);
    // The organiser renames the first question and removes all the others.
    auto patch = app.patch_json("/api/v1/seminars/b2b",
                                {{"questions",
                                  {{{"key", "level"},
                                    {"type", "choice"},
                                    {"label", {{"de", "Vorkenntnisse"}}},
                                    {"options", {{{"key", "pro"}, {"label", {{"de", "Fortgeschritten"}}}}}}}}}},
                                app_under_test::organiser());
    REQUIRE(patch.status == 200);
    auto csv = app.get(registrations_of(date_id) + ".csv", app_under_test::organiser()).body;
    // The current question under its new wording, then the removed ones as they were asked; the old answers as given.
    CHECK(csv.find(",Vorkenntnisse,Themen,Anmerkungen,Parkplatz\r\n") != std::string::npos);
    CHECK(csv.find(",Profi,\"Social Selling, Fachkräfte finden\",") != std::string::npos);
    // The organiser's view reads the same: each answer with the question it was given under.
    const auto list = app.get(registrations_of(date_id), app_under_test::organiser()).json();
    const auto& answered = list.at("items").at(0).at("answered");
    REQUIRE(answered.size() == 4);
    CHECK(answered.at(0).at("question").at("de") == "Ihre Erfahrung");
    CHECK(answered.at(0).at("question").at("en") == "Your experience");
    CHECK(answered.at(0).at("text").at("de") == "Profi");
    CHECK(answered.at(1).at("text").at("de") == "Social Selling, Fachkräfte finden");
    CHECK(answered.at(3).at("text").at("en") == "Yes");
    // The seminar asks for an optional billing address: its columns are there, empty for this registration.
    CHECK(csv.find("Rechnung: Firma") != std::string::npos);
}

TEST_CASE("the form asks the seminar's questions and the billing address, and keeps what was typed",
          "[handlers][bookings][pages]") {
    app_under_test app;
    const auto date_id = b2b_seminar(app);
    auto page = app.get("/seminars/b2b");
    REQUIRE(page.status == 200);
    for (const char* markup : {"<legend>Rechnungsanschrift</legend>",
                               "name=\"billing[company]\"",
                               "autocomplete=\"billing postal-code\"",
                               "name=\"billing[country]\"",
                               "<option value=\"DE\" selected>Deutschland</option>",
                               "name=\"answers[level]\"",
                               "type=\"radio\"",
                               "<textarea",
                               "name=\"answers[parking]\""}) {
        INFO(markup);
        CHECK(page.body.find(markup) != std::string::npos);
    }
    const std::string base = "date_id=" + std::to_string(date_id) +
                             "&first_name=Anna&last_name=Muster&email=anna%40example.org&privacy_consent=on"
                             "&answers%5Blevel%5D=pro&answers%5Btopics%5D=sales&answers%5Btopics%5D=hiring"
                             "&answers%5Bnotes%5D=eins%0D%0Azwei";
    // Without the billing address: the page again, with the values kept and the problem named.
    auto again = app.post_form("/seminars/b2b", base, {{"Accept", "text/html"}});
    REQUIRE(again.status == 422);
    CHECK(again.body.find("Rechnungsanschrift: Bitte ausfüllen.") != std::string::npos);
    CHECK(again.body.find("value=\"hiring\" checked") != std::string::npos);
    CHECK(again.body.find("value=\"pro\" required checked") != std::string::npos);
    CHECK(again.body.find(">eins\r\nzwei</textarea>") != std::string::npos);
    auto done = app.post_form("/seminars/b2b",
                              base +
                                  "&billing%5Bcompany%5D=Beispiel+GmbH&billing%5Bstreet%5D=Hauptstr.+1"
                                  "&billing%5Bpostal_code%5D=80331&billing%5Bcity%5D=M%C3%BCnchen"
                                  "&billing%5Bcountry%5D=DE",
                              {{"Accept", "text/html"}});
    REQUIRE(done.status == 303);
    auto list = app.get(registrations_of(date_id), app_under_test::organiser()).json().at("items");
    REQUIRE(list.size() == 1);
    CHECK(list[0].at("answers").at("topics") == json::array({"sales", "hiring"}));
    CHECK(list[0].at("answers").at("notes") == "eins\r\nzwei");
    CHECK(list[0].at("billing").at("city") == "München");
    // The confirmation page and the mail repeat what was given.
    std::string location{done.header("Location")};
    location.erase(0, location.find("/registrations/"));  // an absolute URL: its path
    auto confirmation = app.get(location);
    REQUIRE(confirmation.status == 200);
    for (const char* fact : {"Ihre Erfahrung",
                             "Profi",
                             "Social Selling, Fachkräfte finden",
                             "Beispiel GmbH",
                             "80331 München",
                             "Rechnungsanschrift"}) {
        INFO(fact);
        CHECK(confirmation.body.find(fact) != std::string::npos);
    }
    auto outbox = app.get("/api/v1/outbox", app_under_test::organiser()).json().at("items");
    REQUIRE(outbox.size() == 1);
    const auto eml = app.get("/api/v1/outbox/" + std::to_string(outbox[0].at("id").get<std::int64_t>()) + ".eml",
                             app_under_test::organiser());
    REQUIRE(eml.status == 200);
    const auto text = seminard::testing::quoted_printable_text(eml.body);
    for (const char* fact :
         {"Ihre Erfahrung", "Profi", "Social Selling, Fachkräfte finden", "Beispiel GmbH", "80331 München"}) {
        INFO(fact);
        CHECK(text.find(fact) != std::string::npos);
    }
}
