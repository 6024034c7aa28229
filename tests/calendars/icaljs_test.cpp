// Every kind of calendar read by an independent parser, Mozilla's ical.js (node check.mjs): recurrences expanded with
// overrides and EXDATE through our own VTIMEZONE, and every day's exact UTC start and end.
#include "calendars/ics.hpp"

#include "calendar_check.hpp"

#include <catch2/catch.hpp>

using namespace seminard;
using namespace seminard::calendars;
using namespace seminard::calendars::test;

namespace {

std::vector<occurrence> expect(const std::string& uid, std::vector<std::pair<std::string, std::string>> times) {
    std::vector<occurrence> out;
    for (auto& [start, end] : times) out.push_back({uid, start, end});
    return out;
}

}  // namespace

TEST_CASE("ical.js reads a published two-day date with both days at 08:00-16:00Z", "[icaljs]") {
    const auto d = berlin_two_days();
    const auto got = icaljs_occurrences(publish_date(sample_seminar(), d, sample_context()));
    CHECK(got ==
          expect(d.uid,
                 {{"2027-01-27T08:00:00Z", "2027-01-27T16:00:00Z"}, {"2027-01-28T08:00:00Z", "2027-01-28T16:00:00Z"}}));
}

TEST_CASE("ical.js reads the DST case: +01:00 before the switch, +02:00 after, nothing on the gap", "[icaljs]") {
    const auto d = berlin_dst();
    const auto expected = expect(
        d.uid, {{"2027-03-27T08:00:00Z", "2027-03-27T16:00:00Z"}, {"2027-03-29T07:00:00Z", "2027-03-29T15:00:00Z"}});
    const auto published = icaljs_occurrences(publish_date(sample_seminar(), d, sample_context()));
    CHECK(published == expected);
    auto invite_expected = expected;
    for (auto& o : invite_expected) o.uid = invite_uid(d, sample_registration());
    const auto invited = icaljs_occurrences(invite(sample_seminar(), d, sample_registration(), sample_context()));
    CHECK(invited == invite_expected);
}

TEST_CASE("ical.js applies the RECURRENCE-ID overrides for days with other hours", "[icaljs]") {
    auto d = berlin_dst();
    d.days = {
        day(2027, 3, 26, 9, 17), day(2027, 3, 27, 10, 16, 30, 0), day(2027, 3, 29, 9, 12), day(2027, 3, 30, 9, 17)};
    auto r = sample_registration();
    r.status = domain::registration_status::waitlisted;
    const auto got = icaljs_occurrences(invite(sample_seminar(), d, r, sample_context()));
    CHECK(got == expect(invite_uid(d, r),
                        {{"2027-03-26T08:00:00Z", "2027-03-26T16:00:00Z"},
                         {"2027-03-27T09:30:00Z", "2027-03-27T15:00:00Z"},
                         {"2027-03-29T07:00:00Z", "2027-03-29T10:00:00Z"},
                         {"2027-03-30T07:00:00Z", "2027-03-30T15:00:00Z"}}));
}

TEST_CASE("ical.js reads weekly dates across the DST switch", "[icaljs]") {
    auto d = berlin_two_days();
    d.days = {day(2027, 3, 22, 9, 12), day(2027, 3, 29, 9, 12)};
    const auto got = icaljs_occurrences(publish_date(sample_seminar(), d, sample_context()));
    CHECK(got ==
          expect(d.uid,
                 {{"2027-03-22T08:00:00Z", "2027-03-22T11:00:00Z"}, {"2027-03-29T07:00:00Z", "2027-03-29T10:00:00Z"}}));
}

TEST_CASE("ical.js reads America/New_York across its November switch and Asia/Tokyo without DST", "[icaljs]") {
    auto ny = berlin_two_days();
    ny.timezone = "America/New_York";
    ny.days = {day(2027, 11, 5, 9, 17), day(2027, 11, 8, 9, 17)};
    const auto in_new_york = icaljs_occurrences(publish_date(sample_seminar(), ny, sample_context()));
    CHECK(in_new_york ==
          expect(ny.uid,
                 {{"2027-11-05T13:00:00Z", "2027-11-05T21:00:00Z"}, {"2027-11-08T14:00:00Z", "2027-11-08T22:00:00Z"}}));

    auto tokyo = berlin_two_days();
    tokyo.timezone = "Asia/Tokyo";
    tokyo.days = {day(2027, 6, 10, 10, 18), day(2027, 6, 11, 10, 18)};
    const auto in_tokyo = icaljs_occurrences(publish_date(sample_seminar(), tokyo, sample_context()));
    CHECK(in_tokyo ==
          expect(tokyo.uid,
                 {{"2027-06-10T01:00:00Z", "2027-06-10T09:00:00Z"}, {"2027-06-11T01:00:00Z", "2027-06-11T09:00:00Z"}}));
}

TEST_CASE("ical.js reads both cancellations with every day", "[icaljs]") {
    auto d = berlin_two_days();
    auto r = sample_registration();
    r.status = domain::registration_status::cancelled;
    r.person.first_name = "Dr. Müller, \"Hans\"; CEO:\r\nATTENDEE:mailto:evil@x";
    r.person.last_name = "👩‍💻";
    const auto days = std::vector<std::pair<std::string, std::string>>{
        {"2027-01-27T08:00:00Z", "2027-01-27T16:00:00Z"}, {"2027-01-28T08:00:00Z", "2027-01-28T16:00:00Z"}};
    const auto registration_cancelled = icaljs_occurrences(invite(sample_seminar(), d, r, sample_context()));
    CHECK(registration_cancelled == expect(invite_uid(d, r), days));
    d.status = domain::date_status::cancelled;
    const auto date_cancelled = icaljs_occurrences(publish_date(sample_seminar(), d, sample_context()));
    CHECK(date_cancelled == expect(d.uid, days));
}

TEST_CASE("ical.js reads the feed of dates in several zones", "[icaljs]") {
    auto tokyo = berlin_two_days();
    tokyo.uid = "date-9@seminard.example.org";
    tokyo.timezone = "Asia/Tokyo";
    tokyo.days = {day(2027, 6, 10, 10, 18)};
    const auto a = berlin_two_days();
    const auto b = berlin_dst();
    const auto ics =
        feed({{sample_seminar(), a}, {sample_seminar(), b}, {sample_seminar(), tokyo}}, sample_context(), "Seminare");
    const auto got = icaljs_occurrences(ics);
    CHECK(got == std::vector<occurrence>{{a.uid, "2027-01-27T08:00:00Z", "2027-01-27T16:00:00Z"},
                                         {a.uid, "2027-01-28T08:00:00Z", "2027-01-28T16:00:00Z"},
                                         {b.uid, "2027-03-27T08:00:00Z", "2027-03-27T16:00:00Z"},
                                         {b.uid, "2027-03-29T07:00:00Z", "2027-03-29T15:00:00Z"},
                                         {tokyo.uid, "2027-06-10T01:00:00Z", "2027-06-10T09:00:00Z"}});
}
