// Issue 7 over HTTP: the calendar routes' headers, ETag/304, and what invites say after changes and cancellations,
// read back with libical's parser.
#include "api.hpp"
#include "http_client.hpp"
#include "server_process.hpp"

#include <libical/ical.h>
#include <catch2/catch.hpp>

#include <memory>

using namespace seminard::testing;

namespace {

const std::string slug = "kalender-seminar";

/// A parsed VCALENDAR, freed on scope exit.
struct parsed_calendar {
    std::unique_ptr<icalcomponent, void (*)(icalcomponent*)> root{nullptr, icalcomponent_free};

    explicit parsed_calendar(const std::string& text) {
        root.reset(icalparser_parse_string(text.c_str()));
        REQUIRE(root);
    }
    std::string method() const { return icalproperty_method_to_string(icalcomponent_get_method(root.get())); }
    icalcomponent* first_event() const { return icalcomponent_get_first_component(root.get(), ICAL_VEVENT_COMPONENT); }
    std::string uid() const { return icalcomponent_get_uid(first_event()); }
    int sequence() const { return icalcomponent_get_sequence(first_event()); }
    std::string status() const { return icalproperty_status_to_string(icalcomponent_get_status(first_event())); }
    int events() const { return icalcomponent_count_components(root.get(), ICAL_VEVENT_COMPONENT); }
};

json register_ok(http_client& c, std::int64_t date_id, const std::string& email) {
    auto r = register_json(c, date_id, person(email));
    INFO(r.body);
    REQUIRE(r.status == 201);
    return r.json();
}

}  // namespace

TEST_CASE("a date's calendar is a PUBLISH with its content type, file name and a stable ETag") {
    server_process server;
    http_client c{server.port()};
    const auto date_id = seminar_with_date(c, slug, 10, true);
    const auto path = "/api/v1/dates/" + std::to_string(date_id) + "/calendar.ics";

    auto r = c.get(path);
    REQUIRE(r.status == 200);
    CHECK(r.header("Content-Type") == "text/calendar; charset=utf-8; method=PUBLISH");
    CHECK(r.header("Content-Disposition").rfind("attachment; filename=\"" + slug + "-", 0) == 0);
    const auto etag = r.header("ETag");
    REQUIRE(!etag.empty());
    parsed_calendar cal{r.body};
    CHECK(cal.method() == "PUBLISH");
    CHECK(cal.events() == 1);  // two days, one recurring VEVENT
    CHECK(r.body.find("TZID=Europe/Berlin:") != std::string::npos);

    // A second fetch (a new DTSTAMP) keeps the ETag; If-None-Match gets a bodiless 304.
    auto again = c.get(path, {{"If-None-Match", etag}});
    CHECK(again.status == 304);
    CHECK(again.body.empty());
    CHECK(!again.has_header("Content-Length"));

    // A visible change makes a new ETag and a higher SEQUENCE under the same UID.
    auto patch = c.patch_json("/api/v1/dates/" + std::to_string(date_id),
                              {{"days", {{{"date", future_day(3, 10)}, {"start", "10:00"}, {"end", "16:00"}}}}},
                              organiser());
    REQUIRE(patch.status == 200);
    auto changed = c.get(path, {{"If-None-Match", etag}});
    REQUIRE(changed.status == 200);
    CHECK(changed.header("ETag") != etag);
    parsed_calendar after{changed.body};
    CHECK(after.uid() == cal.uid());
    CHECK(after.sequence() == cal.sequence() + 1);
}

TEST_CASE("a personal invite is a REQUEST without the private link, and a CANCEL once cancelled") {
    server_process server;
    http_client c{server.port()};
    const auto date_id = seminar_with_date(c, slug, 1, true);
    const auto first = register_ok(c, date_id, "erste@example.com");
    const auto second = register_ok(c, date_id, "zweite@example.com");
    const auto token = first.at("token").get<std::string>();
    const auto invite_path = "/api/v1/registrations/" + token + "/invite.ics";

    auto r = c.get(invite_path);
    REQUIRE(r.status == 200);
    CHECK(r.header("Content-Type") == "text/calendar; charset=utf-8; method=REQUEST");
    CHECK(r.header("Cache-Control").find("no-store") != std::string::npos);
    CHECK(r.body.find(token) == std::string::npos);  // calendars are shared; the link can cancel
    CHECK(r.body.find("RSVP=FALSE") != std::string::npos);
    parsed_calendar confirmed{r.body};
    CHECK(confirmed.method() == "REQUEST");
    CHECK(confirmed.status() == "CONFIRMED");

    // The second person waits: a tentative invite.
    auto waiting = c.get("/api/v1/registrations/" + second.at("token").get<std::string>() + "/invite.ics");
    REQUIRE(waiting.status == 200);
    CHECK(parsed_calendar{waiting.body}.status() == "TENTATIVE");

    // The first cancels: same UID, METHOD:CANCEL, a higher SEQUENCE; the second moves up and is confirmed.
    REQUIRE(c.del("/api/v1/registrations/" + token).status == 200);
    auto cancelled = c.get(invite_path);
    REQUIRE(cancelled.status == 200);
    CHECK(cancelled.header("Content-Type") == "text/calendar; charset=utf-8; method=CANCEL");
    parsed_calendar cancel{cancelled.body};
    CHECK(cancel.method() == "CANCEL");
    CHECK(cancel.status() == "CANCELLED");
    CHECK(cancel.uid() == confirmed.uid());
    CHECK(cancel.sequence() > confirmed.sequence());
    auto promoted = c.get("/api/v1/registrations/" + second.at("token").get<std::string>() + "/invite.ics");
    CHECK(parsed_calendar{promoted.body}.status() == "CONFIRMED");
}

TEST_CASE("cancelling a date turns its calendar and every invite into a CANCEL") {
    server_process server;
    http_client c{server.port()};
    const auto date_id = seminar_with_date(c, slug, 5, false);
    const auto reg = register_ok(c, date_id, "teilnehmer@example.com");
    auto before = parsed_calendar{c.get("/api/v1/dates/" + std::to_string(date_id) + "/calendar.ics").body};

    REQUIRE(c.patch_json("/api/v1/dates/" + std::to_string(date_id), {{"status", "cancelled"}}, organiser()).status ==
            200);
    auto published = c.get("/api/v1/dates/" + std::to_string(date_id) + "/calendar.ics");
    parsed_calendar cal{published.body};
    CHECK(cal.method() == "CANCEL");
    CHECK(cal.uid() == before.uid());
    CHECK(cal.sequence() > before.sequence());
    auto invite = c.get("/api/v1/registrations/" + reg.at("token").get<std::string>() + "/invite.ics");
    CHECK(parsed_calendar{invite.body}.method() == "CANCEL");
}

TEST_CASE("the feed lists upcoming scheduled dates only and can be subscribed to") {
    server_process server{with_args({"--demo", "--clock-start", "2026-12-02T10:00:00+01:00"})};
    http_client c{server.port()};
    auto r = c.get("/api/v1/calendar.ics");
    REQUIRE(r.status == 200);
    CHECK(r.header("Content-Type") == "text/calendar; charset=utf-8; method=PUBLISH");
    CHECK(r.body.find("X-WR-CALNAME:Seminartermine") != std::string::npos);
    CHECK(r.body.find("REFRESH-INTERVAL;VALUE=DURATION:") != std::string::npos);
    CHECK(r.body.find("DTSTART;TZID=Europe/Berlin:20260127") == std::string::npos);  // the past demo date is gone
    CHECK(r.body.find("DTSTART;TZID=Europe/Berlin:20270127") != std::string::npos);  // the next one is in
    CHECK(parsed_calendar{r.body}.events() == 1);
    CHECK(c.get("/api/v1/calendar.ics?lang=en").body.find("X-WR-CALNAME:Seminar dates") != std::string::npos);
}

TEST_CASE("unknown dates and tokens have no calendar") {
    server_process server;
    http_client c{server.port()};
    CHECK(c.get("/api/v1/dates/999/calendar.ics").status == 404);
    CHECK(c.get("/api/v1/registrations/AAAAAAAAAAAAAAAAAAAAAA/invite.ics").status == 404);
    CHECK(c.get("/api/v1/registrations/short/invite.ics").status == 404);
}
