// Company bookings through the routes: seats all or nothing (or the rest waiting), every attendee their own
// registration and mail, the booker's mail and private token, cancelling one or all.
#include "app_under_test.hpp"

#include "server/mail/mailer.hpp"
#include "storage/outbox.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <tuple>

using nlohmann::json;
using seminard::testing::answer;
using seminard::testing::app_under_test;
using seminard::testing::form_key_of;
using seminard::testing::quoted_printable_text;

namespace {

json colleague(const std::string& first, const std::string& email) {
    return {{"first_name", first}, {"last_name", "Beispiel"}, {"email", email}};
}

json booking_of(int people, const std::string& policy = "refuse") {
    json attendees = json::array();
    for (int i = 0; i < people; ++i)
        attendees.push_back(colleague("Person" + std::to_string(i + 1), "p" + std::to_string(i + 1) + "@beispiel.de"));
    return {{"booker",
             {{"first_name", "Bernd"},
              {"last_name", "Bucher"},
              {"email", "einkauf@beispiel.de"},
              {"company", "Beispiel GmbH"},
              {"phone", "+49 89 123"}}},
            {"attendees", attendees},
            {"privacy_consent", true},
            {"if_not_all_fit", policy}};
}

std::string bookings_of(std::int64_t date_id) { return "/api/v1/dates/" + std::to_string(date_id) + "/bookings"; }
std::string registrations_of(std::int64_t date_id) {
    return "/api/v1/dates/" + std::to_string(date_id) + "/registrations";
}

json organiser_list(app_under_test& app, std::int64_t date_id) {
    return app.get(registrations_of(date_id) + "?limit=500", app_under_test::organiser()).json();
}

json outbox(app_under_test& app) { return app.get("/api/v1/outbox", app_under_test::organiser()).json().at("items"); }

}  // namespace

TEST_CASE("a company booking registers every colleague at once, each with their own code and mail",
          "[handlers][company-bookings]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("team", 10, false);
    auto r = app.post_json(bookings_of(date_id), booking_of(3));
    REQUIRE(r.status == 201);
    const auto b = r.json();
    CHECK(r.header("Cache-Control") == "no-store");
    CHECK(r.header("Location").find("/api/v1/bookings/") != std::string_view::npos);
    REQUIRE(b.at("registrations").size() == 3);
    std::set<std::string> codes{b.at("code").get<std::string>()};
    for (const auto& one : b.at("registrations")) {
        CHECK(one.at("status") == "confirmed");
        codes.insert(one.at("code").get<std::string>());
        CHECK_FALSE(one.contains("token"));  // the attendees' private links are theirs, not the booker's
    }
    CHECK(codes.size() == 4);  // the booking's code is none of its registrations'
    CHECK(b.at("registrations").at(1).at("first_name") == "Person2");

    // The organiser sees three registrations of the booker's company, each naming the booking.
    const auto list = organiser_list(app, date_id);
    REQUIRE(list.at("total") == 3);
    for (const auto& one : list.at("items")) {
        CHECK(one.at("company") == "Beispiel GmbH");
        CHECK(one.at("booking") == b.at("code"));
    }
    // So does the CSV: a "Buchungscode" column after the fixed ones, with the booking's code on each row.
    const auto csv = app.get(registrations_of(date_id) + ".csv", app_under_test::organiser()).body;
    CHECK(csv.find(",Einwilligung,Storniert am,Buchungscode\r\n") != std::string::npos);
    std::size_t rows_with_code = 0;
    for (auto at = csv.find("," + b.at("code").get<std::string>() + "\r\n"); at != std::string::npos;
         at = csv.find("," + b.at("code").get<std::string>() + "\r\n", at + 1))
        ++rows_with_code;
    CHECK(rows_with_code == 3);

    // Three confirmations and the booker's mail, which lists everyone and keeps its link out of the stored copy.
    const auto mails = outbox(app);
    REQUIRE(mails.size() == 4);
    int booker_mails = 0;
    for (const auto& m : mails) {
        if (m.at("kind") != "booking") continue;
        ++booker_mails;
        CHECK(m.at("booking") == b.at("code"));
        CHECK(m.at("registration").is_null());
        const auto eml = app.get("/api/v1/outbox/" + std::to_string(m.at("id").get<std::int64_t>()) + ".eml",
                                 app_under_test::organiser());
        REQUIRE(eml.status == 200);
        const auto text = quoted_printable_text(eml.body);
        CHECK(text.find("To: Bernd Bucher <einkauf@beispiel.de>") != std::string::npos);
        CHECK(text.find("Buchungsbestätigung") != std::string::npos);
        for (const auto& one : b.at("registrations"))
            CHECK(text.find(one.at("code").get<std::string>()) != std::string::npos);
        CHECK(text.find(b.at("token").get<std::string>()) == std::string::npos);
        CHECK(text.find("text/calendar") == std::string::npos);  // the booker's mail is no invite
    }
    CHECK(booker_mails == 1);

    // The booking's token shows the booking and nothing else.
    const auto token = b.at("token").get<std::string>();
    auto view = app.get("/api/v1/bookings/" + token);
    REQUIRE(view.status == 200);
    CHECK(view.json().at("booker").at("company") == "Beispiel GmbH");
    CHECK(view.json().at("registrations").size() == 3);
    CHECK(app.get("/api/v1/registrations/" + token).status == 404);
    auto forged = token;
    forged.back() = forged.back() == 'A' ? 'B' : 'A';
    CHECK(app.get("/api/v1/bookings/" + forged).status == 404);
}

TEST_CASE("a booking that does not fit is refused whole, or confirms those that fit and waitlists the rest",
          "[handlers][company-bookings]") {
    app_under_test app;
    SECTION("refuse: 409 not_enough_seats with the seats left, nothing stored") {
        const auto date_id = app.seminar_with_date("klein", 2, true);
        auto r = app.post_json(bookings_of(date_id), booking_of(3));
        REQUIRE(r.status == 409);
        CHECK(r.json().at("error") == "not_enough_seats");
        CHECK(r.json().at("seats_left") == 2);
        CHECK(organiser_list(app, date_id).at("total") == 0);
        CHECK(outbox(app).empty());
    }
    SECTION("waitlist_rest: the first ones confirmed, the rest on the waiting list in the order given") {
        const auto date_id = app.seminar_with_date("klein", 2, true);
        auto r = app.post_json(bookings_of(date_id), booking_of(4, "waitlist_rest"));
        REQUIRE(r.status == 201);
        const auto people = r.json().at("registrations");
        CHECK(people.at(0).at("status") == "confirmed");
        CHECK(people.at(1).at("status") == "confirmed");
        CHECK(people.at(2).at("status") == "waitlisted");
        CHECK(people.at(2).at("waitlist_position") == 1);
        CHECK(people.at(3).at("waitlist_position") == 2);
        // A newcomer queues behind them.
        auto single = app.post_json(
            registrations_of(date_id),
            {{"first_name", "Neu"}, {"last_name", "Kunde"}, {"email", "neu@example.org"}, {"privacy_consent", true}});
        REQUIRE(single.status == 201);
        CHECK(single.json().at("waitlist_position") == 3);
    }
    SECTION("waitlist_rest on a date without a waiting list is refused like refuse") {
        const auto date_id = app.seminar_with_date("klein", 2, false);
        auto r = app.post_json(bookings_of(date_id), booking_of(3, "waitlist_rest"));
        REQUIRE(r.status == 409);
        CHECK(r.json().at("seats_left") == 2);
    }
    SECTION("while people wait, a booking gets no seat ahead of them") {
        const auto date_id = app.seminar_with_date("klein", 1, true);
        REQUIRE(app.post_json(bookings_of(date_id), booking_of(2, "waitlist_rest")).status == 201);
        // One seat frees up by the organiser's hand: the first waiting moves up, not a newcomer.
        auto list = organiser_list(app, date_id).at("items");
        REQUIRE(app.post_json("/api/v1/registrations/" + list.at(0).at("code").get<std::string>() + "/cancel",
                              json::object(),
                              app_under_test::organiser())
                    .status == 200);
        auto second = booking_of(1);
        second["attendees"][0]["email"] = "other@example.org";
        auto r = app.post_json(bookings_of(date_id), second);
        REQUIRE(r.status == 409);
        CHECK(r.json().at("seats_left") == 0);
    }
}

TEST_CASE("a booking's problems are named by their path, all at once", "[handlers][company-bookings]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("team", 10, false);
    auto bad = booking_of(3);
    bad["booker"].erase("company");
    bad["attendees"][1]["email"] = "P1@Beispiel.de";  // the first one's address again
    bad["attendees"][2].erase("first_name");
    bad["privacy_consent"] = false;
    bad["if_not_all_fit"] = "maybe";
    auto r = app.post_json(bookings_of(date_id), bad);
    REQUIRE(r.status == 422);
    const auto f = r.json().at("fields");
    CHECK(f.at("booker.company").at("code") == "required");
    CHECK(f.at("attendees[1].email").at("code") == "invalid_value");
    CHECK(f.at("attendees[2].first_name").at("code") == "required");
    CHECK(f.at("privacy_consent").at("code") == "must_accept");
    CHECK(f.at("if_not_all_fit").at("code") == "invalid_value");

    // A member the shape does not know is refused before anything else.
    auto unknown = booking_of(1);
    unknown["booker"]["extra"] = "x";
    r = app.post_json(bookings_of(date_id), unknown);
    REQUIRE(r.status == 422);
    CHECK(r.json().at("fields").at("booker.extra").at("code") == "not_allowed");

    auto none = booking_of(0);
    r = app.post_json(bookings_of(date_id), none);
    REQUIRE(r.status == 422);
    CHECK(r.json().at("fields").at("attendees").at("code") == "required");
    CHECK(app.post_json(bookings_of(date_id), booking_of(51)).json().at("fields").at("attendees").at("code") ==
          "too_long");
    CHECK(organiser_list(app, date_id).at("total") == 0);
}

TEST_CASE("a colleague already registered on the date stops the booking and is named", "[handlers][company-bookings]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("team", 10, false);
    REQUIRE(app.post_json(registrations_of(date_id),
                          {{"first_name", "Zwei"},
                           {"last_name", "Beispiel"},
                           {"email", "p2@beispiel.de"},
                           {"privacy_consent", true}})
                .status == 201);
    auto r = app.post_json(bookings_of(date_id), booking_of(3));
    REQUIRE(r.status == 409);
    CHECK(r.json().at("error") == "already_registered");
    CHECK(r.json().at("fields").contains("attendees[1].email"));
    CHECK(organiser_list(app, date_id).at("total") == 1);
}

TEST_CASE("the booker cancels one colleague or everyone, and freed seats go to those waiting outside the booking",
          "[handlers][company-bookings]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("team", 2, true);
    auto made = app.post_json(bookings_of(date_id), booking_of(3, "waitlist_rest")).json();
    const auto token = made.at("token").get<std::string>();
    auto outsider = app.post_json(registrations_of(date_id),
                                  {{"first_name", "Außen"},
                                   {"last_name", "Stehend"},
                                   {"email", "aussen@example.org"},
                                   {"privacy_consent", true}});
    REQUIRE(outsider.json().at("waitlist_position") == 2);

    SECTION("one") {
        const auto code = made.at("registrations").at(0).at("code").get<std::string>();
        auto r = app.post_json("/api/v1/bookings/" + token + "/cancel", {{"registration", code}});
        REQUIRE(r.status == 200);
        const auto people = r.json().at("registrations");
        CHECK(people.at(0).at("status") == "cancelled");
        CHECK(people.at(1).at("status") == "confirmed");
        CHECK(people.at(2).at("status") == "confirmed");  // moved up: first on the waiting list
        // The same again: already cancelled. Somebody else's code: not found.
        CHECK(app.post_json("/api/v1/bookings/" + token + "/cancel", {{"registration", code}}).status == 409);
        const auto other = outsider.json().at("code").get<std::string>();
        CHECK(app.post_json("/api/v1/bookings/" + token + "/cancel", {{"registration", other}}).status == 404);
        CHECK(app.post_json("/api/v1/bookings/" + token + "/cancel", json::object()).status == 422);
    }
    SECTION("all") {
        auto r = app.request("DELETE", "/api/v1/bookings/" + token);
        REQUIRE(r.status == 200);
        const auto view = r.json();  // kept: a range-for over a temporary's member would outlive it
        for (const auto& one : view.at("registrations")) CHECK(one.at("status") == "cancelled");
        // The outsider got a seat; the booking's waiting colleague was cancelled without being promoted first.
        const auto list = organiser_list(app, date_id).at("items");
        CHECK(list.at(3).at("status") == "confirmed");
        for (const auto& m : outbox(app))
            if (m.at("kind") == "promoted") CHECK(m.at("registration") == outsider.json().at("code"));
        CHECK(app.request("DELETE", "/api/v1/bookings/" + token).status == 409);
    }
}

TEST_CASE("the booker's page behind the booking link lists everyone and cancels in two steps",
          "[handlers][company-bookings][pages]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("team", 10, false);
    auto made = app.post_json(bookings_of(date_id), booking_of(2)).json();
    const auto token = made.at("token").get<std::string>();
    const auto first = made.at("registrations").at(0).at("code").get<std::string>();
    auto page = app.get("/bookings/" + token);
    REQUIRE(page.status == 200);
    CHECK(page.header("Cache-Control").find("no-store") != std::string_view::npos);
    for (const char* text : {"Ihre Firmenbuchung",
                             "Person1 Beispiel",
                             "Person2 Beispiel",
                             "Beispiel GmbH",
                             "Ganze Buchung stornieren",
                             "aria-label=\"Anmeldung stornieren: Person1 Beispiel\""}) {
        INFO(text);
        CHECK(page.body.find(text) != std::string::npos);
    }
    CHECK(page.body.find(made.at("code").get<std::string>()) != std::string::npos);
    CHECK(app.get("/bookings/" + made.at("registrations").at(0).at("code").get<std::string>()).status == 404);

    // The first step asks and changes nothing.
    auto step = app.post_form("/bookings/" + token + "/cancel", "registration=" + first);
    REQUIRE(step.status == 200);
    CHECK(step.body.find("wirklich stornieren") != std::string::npos);
    CHECK(organiser_list(app, date_id).at("items").at(0).at("status") == "confirmed");
    // The second cancels that one and goes back to the page.
    auto done = app.post_form("/bookings/" + token + "/cancel", "registration=" + first + "&confirm=yes");
    REQUIRE(done.status == 303);
    CHECK(done.header("Location").find("/bookings/" + token) != std::string_view::npos);
    auto list = organiser_list(app, date_id).at("items");
    CHECK(list.at(0).at("status") == "cancelled");
    CHECK(list.at(1).at("status") == "confirmed");
    // Everyone else.
    REQUIRE(app.post_form("/bookings/" + token + "/cancel", "registration=all&confirm=yes").status == 303);
    CHECK(organiser_list(app, date_id).at("items").at(1).at("status") == "cancelled");
    page = app.get("/bookings/" + token);
    CHECK(page.body.find("Ganze Buchung stornieren") == std::string::npos);  // nothing left to cancel
}

TEST_CASE("the booker's mail carries the seminar's cancellation terms and deadline", "[handlers][company-bookings]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("team", 10, false);
    REQUIRE(app.patch_json("/api/v1/seminars/team",
                           {{"cancellation_terms", "Bis 14 Tage vor Beginn kostenfrei."}, {"self_cancel_days", 14}},
                           app_under_test::organiser())
                .status == 200);
    REQUIRE(app.post_json(bookings_of(date_id), booking_of(1)).status == 201);
    for (const auto& m : outbox(app)) {
        if (m.at("kind") != "booking") continue;
        const auto text =
            quoted_printable_text(app.get("/api/v1/outbox/" + std::to_string(m.at("id").get<std::int64_t>()) + ".eml",
                                          app_under_test::organiser())
                                      .body);
        CHECK(text.find("Stornobedingungen") != std::string::npos);
        CHECK(text.find("Bis 14 Tage vor Beginn kostenfrei.") != std::string::npos);
        CHECK(text.find("Anmeldungen dieser Buchung bis zum 13. Januar 2027") != std::string::npos);
    }
}

TEST_CASE("the company booking form works without JavaScript: another row by a button, then one booking",
          "[handlers][company-bookings][pages]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("team", 10, false);
    const auto html = seminard::server::header_list{{"Accept", "text/html"}};
    auto seminar_page = app.get("/seminars/team");
    CHECK(seminar_page.body.find("/seminars/team/firmenbuchung") != std::string::npos);
    auto page = app.get("/seminars/team/firmenbuchung");
    REQUIRE(page.status == 200);
    for (const char* markup : {"name=\"booker[company]\"",
                               "name=\"attendees[0][email]\"",
                               "name=\"attendees[1][email]\"",
                               "value=\"add\"",
                               "name=\"if_not_all_fit\""}) {
        INFO(markup);
        CHECK(page.body.find(markup) != std::string::npos);
    }
    CHECK(page.body.find("attendees[2]") == std::string::npos);

    const std::string filled = "date_id=" + std::to_string(date_id) +
                               "&booker%5Bfirst_name%5D=Bernd&booker%5Blast_name%5D=Bucher"
                               "&booker%5Bemail%5D=einkauf%40beispiel.de&booker%5Bcompany%5D=Beispiel+GmbH"
                               "&attendees%5B0%5D%5Bfirst_name%5D=Anna&attendees%5B0%5D%5Blast_name%5D=Muster"
                               "&attendees%5B0%5D%5Bemail%5D=anna%40beispiel.de"
                               "&attendees%5B1%5D%5Bfirst_name%5D=Ben&attendees%5B1%5D%5Blast_name%5D=Beispiel"
                               "&attendees%5B1%5D%5Bemail%5D=ben%40beispiel.de&rows=2&privacy_consent=on";
    // One row more, everything kept, nothing stored.
    auto more = app.post_form("/seminars/team/firmenbuchung", filled + "&action=add", html);
    REQUIRE(more.status == 200);
    CHECK(more.body.find("name=\"attendees[2][email]\"") != std::string::npos);
    CHECK(more.body.find("value=\"ben@beispiel.de\"") != std::string::npos);
    CHECK(organiser_list(app, date_id).at("total") == 0);

    // A mistake in the third row: the page again, the field named.
    auto wrong =
        app.post_form("/seminars/team/firmenbuchung",
                      filled + "&rows=3&attendees%5B2%5D%5Bfirst_name%5D=Cem&attendees%5B2%5D%5Bemail%5D=cem%40",
                      html);
    REQUIRE(wrong.status == 422);
    CHECK(wrong.body.find("Teilnehmer:in 3, Nachname") != std::string::npos);
    CHECK(wrong.body.find("id=\"attendees[2].email-error\"") != std::string::npos);
    CHECK(organiser_list(app, date_id).at("total") == 0);

    // The page carries a key of its own.
    const auto key_at = page.body.find("name=\"idempotency_key\" value=\"");
    REQUIRE(key_at != std::string::npos);
    const auto key = page.body.substr(key_at + 34, page.body.find('"', key_at + 34) - key_at - 34);
    REQUIRE(key.size() >= 16);

    // The two filled rows (the empty third one is no attendee): booked, and on to the booker's page; a double
    // click books once and gets the same answer.
    auto done = app.post_form("/seminars/team/firmenbuchung", filled + "&rows=3&idempotency_key=" + key, html);
    REQUIRE(done.status == 303);
    auto again = app.post_form("/seminars/team/firmenbuchung", filled + "&rows=3&idempotency_key=" + key, html);
    CHECK(again.status == 303);
    CHECK(again.header("Location") == done.header("Location"));
    CHECK(done.header("Location").find("/bookings/") != std::string_view::npos);
    const auto list = organiser_list(app, date_id);
    REQUIRE(list.at("total") == 2);
    CHECK(list.at("items").at(1).at("email") == "ben@beispiel.de");
    CHECK(list.at("items").at(1).at("company") == "Beispiel GmbH");

    // Too many for the seats left, all or nothing: the page says how many are free and what to do.
    const auto small = app.seminar_with_date("klein", 1, true);
    std::string two = filled;
    two.replace(0, two.find('&'), "date_id=" + std::to_string(small));
    auto refused = app.post_form("/seminars/klein/firmenbuchung", two + "&if_not_all_fit=refuse", html);
    CHECK(refused.status == 409);
    CHECK(refused.body.find("Für diese Buchung sind nicht mehr genug Plätze frei.") != std::string::npos);
    CHECK(refused.body.find("Frei sind noch 1 Platz. Buchen Sie weniger Teilnehmende") != std::string::npos);
    CHECK(organiser_list(app, small).at("total") == 0);
}

TEST_CASE("a substitute takes the seat: code stays, the link and calendar key change hands, both are told",
          "[handlers][substitutes]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("team", 1, true);
    auto first = app.post_json(registrations_of(date_id),
                               {{"first_name", "Anna"},
                                {"last_name", "Alt"},
                                {"email", "anna@beispiel.de"},
                                {"company", "Beispiel GmbH"},
                                {"privacy_consent", true}})
                     .json();
    const auto token = first.at("token").get<std::string>();
    const auto code = first.at("code").get<std::string>();
    const auto old_ics = first.at("links").at("ics").get<std::string>();
    const auto old_ics_path = old_ics.substr(old_ics.find("/api/v1/"));
    REQUIRE(app.get(old_ics_path).status == 200);
    // Someone waits: a substitute must not change the queue.
    REQUIRE(app.post_json(registrations_of(date_id),
                          {{"first_name", "Warte"},
                           {"last_name", "Liste"},
                           {"email", "warte@example.org"},
                           {"privacy_consent", true}})
                .json()
                .at("waitlist_position") == 1);

    auto r = app.post_json("/api/v1/registrations/" + token + "/substitute",
                           {{"first_name", "Bernd"}, {"last_name", "Neu"}, {"email", "bernd@beispiel.de"}});
    REQUIRE(r.status == 200);
    CHECK(r.json().at("code") == code);
    CHECK(r.json().at("status") == "confirmed");
    CHECK(r.json().at("company") == "Beispiel GmbH");
    CHECK_FALSE(r.json().contains("token"));
    // The old link and calendar key are dead.
    CHECK(app.get("/api/v1/registrations/" + token).status == 404);
    CHECK(app.get(old_ics_path).status == 404);
    const auto list = organiser_list(app, date_id).at("items");
    CHECK(list.at(0).at("email") == "bernd@beispiel.de");
    CHECK(list.at(0).at("code") == code);
    CHECK(list.at(1).at("waitlist_position") == 1);

    // Anna gets a cancelling invite, Bernd a confirmation with the seat.
    std::string to_anna, to_bernd, anna_raw, bernd_raw;
    for (const auto& m : outbox(app)) {
        const auto raw = app.get("/api/v1/outbox/" + std::to_string(m.at("id").get<std::int64_t>()) + ".eml",
                                 app_under_test::organiser())
                             .body;
        const auto text = quoted_printable_text(raw);
        if (m.at("kind") == "substituted") std::tie(to_anna, anna_raw) = std::pair{text, raw};
        if (m.at("kind") == "registered" && text.find("bernd@beispiel.de") != std::string::npos)
            std::tie(to_bernd, bernd_raw) = std::pair{text, raw};
    }
    REQUIRE_FALSE(to_anna.empty());
    CHECK(to_anna.find("To: Anna Alt <anna@beispiel.de>") != std::string::npos);
    CHECK(to_anna.find("auf Bernd Neu") != std::string::npos);
    CHECK(anna_raw.find("method=CANCEL") != std::string::npos);  // headers are no quoted-printable
    REQUIRE_FALSE(to_bernd.empty());
    CHECK(bernd_raw.find("method=REQUEST") != std::string::npos);

    // The history says who it was.
    auto history = app.get("/api/v1/registrations/" + code + "/history", app_under_test::organiser()).json();
    REQUIRE(history.at("items").size() == 1);
    CHECK(history.at("items").at(0).at("event") == "substituted");
    CHECK(history.at("items").at(0).at("actor") == "attendee");
    CHECK(history.at("items").at(0).at("detail").at("from").at("email") == "anna@beispiel.de");
    CHECK(history.at("items").at(0).at("detail").at("to").at("email") == "bernd@beispiel.de");
}

TEST_CASE("substitutes keep the duplicate rule, and a booker names one by the seat's code",
          "[handlers][substitutes][company-bookings]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("team", 10, false);
    auto made = app.post_json(bookings_of(date_id), booking_of(2)).json();
    const auto token = made.at("token").get<std::string>();
    const auto seat = made.at("registrations").at(1).at("code").get<std::string>();
    const auto path = "/api/v1/registrations/" + token + "/substitute";
    // Someone already on the date, or the same person again, is no substitute.
    auto taken = app.post_json(
        path, {{"first_name", "X"}, {"last_name", "Y"}, {"email", "p1@beispiel.de"}, {"registration", seat}});
    CHECK(taken.status == 409);
    CHECK(taken.json().at("error") == "already_registered");
    auto same = app.post_json(
        path, {{"first_name", "X"}, {"last_name", "Y"}, {"email", "P2@beispiel.de"}, {"registration", seat}});
    CHECK(same.status == 422);
    // Without the seat's code a booking token names nobody; another booking's seat is not found.
    CHECK(app.post_json(path, {{"first_name", "X"}, {"last_name", "Y"}, {"email", "x@beispiel.de"}}).status == 422);
    auto other =
        app.post_json(registrations_of(date_id),
                      {{"first_name", "O"}, {"last_name", "T"}, {"email", "o@example.org"}, {"privacy_consent", true}})
            .json();
    CHECK(app.post_json(path,
                        {{"first_name", "X"},
                         {"last_name", "Y"},
                         {"email", "x@beispiel.de"},
                         {"registration", other.at("code")}})
              .status == 404);
    auto ok = app.post_json(
        path, {{"first_name", "Xaver"}, {"last_name", "Ersatz"}, {"email", "x@beispiel.de"}, {"registration", seat}});
    REQUIRE(ok.status == 200);
    auto view = app.get("/api/v1/bookings/" + token).json();
    CHECK(view.at("registrations").at(1).at("email") == "x@beispiel.de");
    CHECK(view.at("registrations").at(1).at("code") == seat);
    auto history = app.get("/api/v1/registrations/" + seat + "/history", app_under_test::organiser()).json();
    CHECK(history.at("items").at(0).at("actor") == "booker");
    // Once the seminar has begun, nobody is substituted.
    app.set_now(seminard::domain::instant{date::sys_days{date::year{2027} / 1 / 27}} + std::chrono::hours{10});
    CHECK(
        app.post_json(path,
                      {{"first_name", "Zu"}, {"last_name", "Spät"}, {"email", "z@beispiel.de"}, {"registration", seat}})
            .status == 409);
}

TEST_CASE("the confirmation page names a substitute without JavaScript, and says what went wrong",
          "[handlers][substitutes]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("ersatz", 3, true);
    const auto html = seminard::server::header_list{{"Accept", "text/html"}};
    auto first = app.post_json(registrations_of(date_id),
                               {{"first_name", "Anna"},
                                {"last_name", "Alt"},
                                {"email", "anna@beispiel.de"},
                                {"company", "Beispiel GmbH"},
                                {"privacy_consent", true}})
                     .json();
    const auto token = first.at("token").get<std::string>();
    const auto page = app.get("/registrations/" + token);
    REQUIRE(page.status == 200);
    CHECK(page.body.find("Ersatzteilnehmer:in benennen") != std::string::npos);
    CHECK(page.body.find("/registrations/" + token + "/substitute\"") != std::string::npos);
    // The form carries a key of its own from the first view on, a new one each time.
    const auto key = form_key_of(page.body);
    CHECK(key.size() >= 16);
    CHECK(form_key_of(app.get("/registrations/" + token).body) != key);

    // A mistake: the page again, the field named, nothing changed.
    auto wrong =
        app.post_form("/registrations/" + token + "/substitute", "first_name=Bernd&last_name=Neu&email=bernd%40", html);
    REQUIRE(wrong.status == 422);
    CHECK(wrong.body.find("id=\"email-error\"") != std::string::npos);
    CHECK(wrong.body.find("value=\"Bernd\"") != std::string::npos);
    // The seat's own address is no substitute.
    auto self = app.post_form(
        "/registrations/" + token + "/substitute", "first_name=Anna&last_name=Alt&email=anna%40beispiel.de", html);
    CHECK(self.status == 422);
    CHECK(app.get("/registrations/" + token).status == 200);
    // An address already on the date: refused, and the heading says what did not happen.
    REQUIRE(
        app.post_json(
               registrations_of(date_id),
               {{"first_name", "Carl"}, {"last_name", "Da"}, {"email", "carl@beispiel.de"}, {"privacy_consent", true}})
            .status == 201);
    auto taken = app.post_form(
        "/registrations/" + token + "/substitute", "first_name=Carl&last_name=Da&email=carl%40beispiel.de", html);
    CHECK(taken.status == 409);
    CHECK(taken.body.find("Der Platz wurde nicht übertragen") != std::string::npos);
    CHECK(taken.body.find("Die Anmeldung war nicht möglich") == std::string::npos);

    const auto filled = "first_name=Bernd&last_name=Neu&email=bernd%40beispiel.de&idempotency_key=" + key;
    auto done = app.post_form("/registrations/" + token + "/substitute", filled, html);
    REQUIRE(done.status == 200);
    // A double click with the page's key: the same answer, no second change.
    auto again = app.post_form("/registrations/" + token + "/substitute", filled, html);
    CHECK(again.status == 200);
    CHECK(again.body == done.body);
    CHECK(done.body.find("Platz übertragen") != std::string::npos);
    CHECK(done.body.find("Bernd Neu") != std::string::npos);
    CHECK(done.header("Cache-Control") == "no-store");
    CHECK(app.get("/registrations/" + token).status == 404);  // the old link is gone
    const auto list = organiser_list(app, date_id);
    REQUIRE(list.at("total") == 2);
    CHECK(list.at("items").at(0).at("email") == "bernd@beispiel.de");
    CHECK(list.at("items").at(0).at("code") == first.at("code"));
}

namespace {

std::size_t count_of(std::string_view haystack, std::string_view needle) {
    std::size_t n = 0;
    for (auto at = haystack.find(needle); at != std::string_view::npos; at = haystack.find(needle, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("the booker's page names a substitute per seat without JavaScript, and says what went wrong",
          "[handlers][substitutes][company-bookings][pages]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("team", 10, false);
    const auto html = seminard::server::header_list{{"Accept", "text/html"}};
    auto made = app.post_json(bookings_of(date_id), booking_of(3)).json();
    const auto token = made.at("token").get<std::string>();
    const auto seats = made.at("registrations");
    const auto first = seats.at(0).at("code").get<std::string>();
    const auto gone = seats.at(2).at("code").get<std::string>();
    REQUIRE(app.post_json("/api/v1/bookings/" + token + "/cancel", {{"registration", gone}}).status == 200);
    const auto action = "/bookings/" + token + "/substitute";

    // A form per seat still held, none for the cancelled one; each with ids and a key of its own.
    auto page = app.get("/bookings/" + token);
    REQUIRE(page.status == 200);
    CHECK(count_of(page.body, "<form class=\"substitute-form\"") == 2);
    CHECK(count_of(page.body, action + "\"") == 2);
    CHECK(page.body.find("id=\"email-" + first + "\"") != std::string::npos);
    CHECK(page.body.find("id=\"email-" + gone + "\"") == std::string::npos);
    const auto key = form_key_of(page.body);  // the first seat's: the page's key and that seat's code
    REQUIRE(key.size() > first.size() + 16);
    CHECK(key.substr(key.size() - first.size() - 1) == "-" + first);
    CHECK(count_of(page.body, key) == 1);

    // A mistake: the page again, that seat's form open with the values kept and the field named; nothing changed.
    auto wrong = app.post_form(action, "registration=" + first + "&first_name=Xaver&last_name=Ersatz&email=x%40", html);
    REQUIRE(wrong.status == 422);
    CHECK(wrong.header("Cache-Control") == "no-store");
    CHECK(wrong.body.find("id=\"email-" + first + "-error\"") != std::string::npos);
    CHECK(wrong.body.find("href=\"#email-" + first + "\"") != std::string::npos);
    CHECK(wrong.body.find("Ersatzteilnehmer:in für Person1 Beispiel, E-Mail-Adresse") != std::string::npos);
    CHECK(count_of(wrong.body, "value=\"Xaver\"") == 1);
    CHECK(count_of(wrong.body, "<details class=\"substitute\" open>") == 1);
    CHECK(form_key_of(wrong.body) != key);
    // An address already on the date: 409, the reason said, the values kept.
    auto taken = app.post_form(
        action, "registration=" + first + "&first_name=Xaver&last_name=Ersatz&email=p2%40beispiel.de", html);
    CHECK(taken.status == 409);
    CHECK(taken.body.find("Mit dieser E-Mail-Adresse besteht für diesen Termin bereits eine Anmeldung.") !=
          std::string::npos);
    CHECK(count_of(taken.body, "value=\"Xaver\"") == 1);
    // A cancelled seat, another booking's seat, another booking's token.
    auto cancelled = app.post_form(
        action, "registration=" + gone + "&first_name=Xaver&last_name=Ersatz&email=x%40beispiel.de", html);
    CHECK(cancelled.status == 409);
    CHECK(cancelled.body.find("Diese Anmeldung ist bereits storniert.") != std::string::npos);
    auto other =
        app.post_json(registrations_of(date_id),
                      {{"first_name", "O"}, {"last_name", "T"}, {"email", "o@example.org"}, {"privacy_consent", true}})
            .json();
    auto foreign = app.post_form(action,
                                 "registration=" + other.at("code").get<std::string>() +
                                     "&first_name=Xaver&last_name=Ersatz&email=x%40beispiel.de",
                                 html);
    CHECK(foreign.status == 404);
    CHECK(foreign.body.find("Ihre Firmenbuchung") != std::string::npos);
    auto forged = token;
    forged.back() = forged.back() == 'A' ? 'B' : 'A';
    auto nowhere = app.post_form("/bookings/" + forged + "/substitute",
                                 "registration=" + first + "&first_name=Xaver&last_name=Ersatz&email=x%40beispiel.de",
                                 html);
    CHECK(nowhere.status == 404);
    CHECK(nowhere.body.find("Ihre Firmenbuchung") == std::string::npos);
    CHECK(organiser_list(app, date_id).at("items").at(0).at("email") == "p1@beispiel.de");

    // Success: back to the page, which names the new person in that seat; the old link is dead, the one before is
    // told. The page's key makes a double click one substitute.
    const auto old_token = token_mailed_to(app, "p1@beispiel.de");
    REQUIRE(app.get("/registrations/" + old_token).status == 200);
    const auto form =
        "registration=" + first + "&first_name=Xaver&last_name=Ersatz&email=x%40beispiel.de&idempotency_key=" + key;
    auto done = app.post_form(action, form, html);
    REQUIRE(done.status == 303);
    CHECK(done.header("Location").find("/bookings/" + token) != std::string_view::npos);
    CHECK(app.post_form(action, form, html).header("Location") == done.header("Location"));
    CHECK(app.get("/registrations/" + old_token).status == 404);
    page = app.get("/bookings/" + token);
    CHECK(page.body.find("Xaver Ersatz") != std::string::npos);
    CHECK(page.body.find("Person1 Beispiel") == std::string::npos);
    CHECK(page.body.find(first) != std::string::npos);  // the seat keeps its code
    int told = 0;
    for (const auto& m : outbox(app)) {
        if (m.at("kind") != "substituted") continue;
        ++told;
        const auto text =
            quoted_printable_text(app.get("/api/v1/outbox/" + std::to_string(m.at("id").get<std::int64_t>()) + ".eml",
                                          app_under_test::organiser())
                                      .body);
        CHECK(text.find("To: Person1 Beispiel <p1@beispiel.de>") != std::string::npos);
        CHECK(text.find("auf Xaver Ersatz") != std::string::npos);
    }
    CHECK(told == 1);
    auto history = app.get("/api/v1/registrations/" + first + "/history", app_under_test::organiser()).json();
    CHECK(history.at("items").at(0).at("actor") == "booker");

    // Once the seminar has begun: no form, and a late post says why.
    app.set_now(seminard::domain::instant{date::sys_days{date::year{2027} / 1 / 27}} + std::chrono::hours{10});
    page = app.get("/bookings/" + token);
    CHECK(page.body.find("substitute-form") == std::string::npos);
    const auto second = seats.at(1).at("code").get<std::string>();
    auto late =
        app.post_form(action, "registration=" + second + "&first_name=Zu&last_name=Spaet&email=z%40beispiel.de", html);
    CHECK(late.status == 409);
    CHECK(late.body.find("Für diesen Termin ist keine Anmeldung mehr möglich.") != std::string::npos);
}
