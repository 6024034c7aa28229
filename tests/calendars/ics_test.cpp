// Tests for the calendars seminard hands out: every kind parses in libical without errors, passes its restriction
// checker, keeps RFC 5545 lines, carries the right UID, SEQUENCE, times and texts, and lets nobody inject anything.
#include "calendars/ics.hpp"

#include "calendar_check.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <stdexcept>

using namespace seminard;
using namespace seminard::calendars;
using namespace seminard::calendars::test;

namespace {

bool has(const std::string& ics, std::string_view line) { return unfolded(ics).find(line) != std::string::npos; }

domain::registration with_status(domain::registration_status s) {
    auto r = sample_registration();
    r.status = s;
    if (s == domain::registration_status::waitlisted) r.waitlist_position = 3;
    return r;
}

const std::string hostile_name = "Dr. Müller, \"Hans\"; CEO:\r\nATTENDEE:mailto:evil@x";

}  // namespace

TEST_CASE("the libical checks catch a bad value and a REQUEST without ATTENDEE") {
    const std::string bad =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:a\r\n"
        "DTSTAMP:20270101T000000Z\r\nDTSTART:garbage\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    CHECK(libical_problems(bad).size() == 1);
    const std::string no_attendee =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:a\r\n"
        "DTSTAMP:20270101T000000Z\r\nDTSTART:20270101T090000Z\r\nSUMMARY:x\r\n"
        "ORGANIZER:mailto:o@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    const auto problems = libical_problems(no_attendee);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].find("ATTENDEE") != std::string::npos);
}

TEST_CASE("a published two-day date is one recurring VEVENT in Europe/Berlin") {
    const auto ics = publish_date(sample_seminar(), berlin_two_days(), sample_context());
    check_well_formed(ics);
    CHECK(has(ics, "\r\nMETHOD:PUBLISH\r\n"));
    CHECK(has(ics, "\r\nVERSION:2.0\r\n"));
    CHECK(has(ics, "\r\nCALSCALE:GREGORIAN\r\n"));
    CHECK(has(ics, "\r\nPRODID:-//seminard//seminard 0.1//DE\r\n"));
    CHECK(has(ics, "\r\nTZID:Europe/Berlin\r\n"));
    CHECK(has(ics, "\r\nDTSTART;TZID=Europe/Berlin:20270127T090000\r\n"));
    CHECK(has(ics, "\r\nDTEND;TZID=Europe/Berlin:20270127T170000\r\n"));
    CHECK(has(ics, "\r\nRRULE:FREQ=DAILY;COUNT=2\r\n"));
    CHECK(has(ics, "\r\nDTSTAMP:20260701T083000Z\r\n"));
    CHECK(has(ics, "\r\nLAST-MODIFIED:20260602T090000Z\r\n"));
    CHECK(!has(ics, "RDATE"));
    CHECK(event_values(ics, "UID") == std::vector<std::string>{"date-7-5f3a9c@seminard.example.org"});
    CHECK(event_values(ics, "SEQUENCE") == std::vector<std::string>{"0"});
    CHECK(event_values(ics, "STATUS") == std::vector<std::string>{"CONFIRMED"});
    CHECK(event_values(ics, "SUMMARY") == std::vector<std::string>{"LinkedIn Marketing für Unternehmen"});
    CHECK(event_values(ics, "LOCATION") == std::vector<std::string>{sample_seminar().location});
    CHECK(event_values(ics, "DESCRIPTION") ==
          std::vector<std::string>{sample_seminar().description +
                                   "\n\nSeminarseite: http://127.0.0.1:8080/seminars/linkedin-marketing"});
    CHECK(event_values(ics, "URL") == std::vector<std::string>{"http://127.0.0.1:8080/seminars/linkedin-marketing"});
    CHECK(event_values(ics, "ORGANIZER") == std::vector<std::string>{"mailto:seminare@example.org"});
    CHECK(event_params(ics, "ORGANIZER", "CN") == std::vector<std::string>{"Beispiel Kommunikation GmbH"});
    CHECK(count_properties(ics, "ATTENDEE") == 0);
    CHECK(libical_event_times(ics) ==
          std::vector<occurrence>{
              {"date-7-5f3a9c@seminard.example.org", "2027-01-27T08:00:00Z", "2027-01-27T16:00:00Z"}});
}

TEST_CASE("a date across the DST switch keeps 09:00 local on both sides, the gap as EXDATE") {
    const auto ics = publish_date(sample_seminar(), berlin_dst(), sample_context());
    check_well_formed(ics);
    CHECK(has(ics, "\r\nRRULE:FREQ=DAILY;COUNT=3\r\n"));
    CHECK(has(ics, "\r\nEXDATE;TZID=Europe/Berlin:20270328T090000\r\n"));
    CHECK(has(ics, "\r\nBEGIN:DAYLIGHT\r\nDTSTART:20270328T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"));
    CHECK(libical_event_times(ics).front().start_utc == "2027-03-27T08:00:00Z");
}

TEST_CASE("days with other hours become RECURRENCE-ID overrides with the same UID") {
    auto d = berlin_two_days();
    d.days = {day(2027, 1, 27, 9, 17), day(2027, 1, 28, 9, 13, 30, 0)};
    const auto ics = publish_date(sample_seminar(), d, sample_context());
    check_well_formed(ics);
    CHECK(has(ics, "\r\nRECURRENCE-ID;TZID=Europe/Berlin:20270128T090000\r\n"));
    CHECK(has(ics, "\r\nDTSTART;TZID=Europe/Berlin:20270128T093000\r\n"));
    CHECK(has(ics, "\r\nDTEND;TZID=Europe/Berlin:20270128T130000\r\n"));
    CHECK(libical_event_times(ics) == std::vector<occurrence>{{d.uid, "2027-01-27T08:00:00Z", "2027-01-27T16:00:00Z"},
                                                              {d.uid, "2027-01-28T08:30:00Z", "2027-01-28T12:00:00Z"}});
}

TEST_CASE("other zones carry their own IANA TZID and VTIMEZONE") {
    auto ny = berlin_two_days();
    ny.timezone = "America/New_York";
    ny.days = {day(2027, 11, 5, 9, 17), day(2027, 11, 8, 9, 17)};
    const auto ny_ics = publish_date(sample_seminar(), ny, sample_context());
    check_well_formed(ny_ics);
    CHECK(has(ny_ics, "\r\nTZID:America/New_York\r\n"));
    CHECK(has(ny_ics, "\r\nDTSTART;TZID=America/New_York:20271105T090000\r\n"));
    CHECK(has(ny_ics, "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\r\n"));
    CHECK(libical_event_times(ny_ics).front().start_utc == "2027-11-05T13:00:00Z");

    auto tokyo = berlin_two_days();
    tokyo.timezone = "Asia/Tokyo";
    tokyo.days = {day(2027, 6, 10, 10, 18), day(2027, 6, 11, 10, 18)};
    const auto tokyo_ics = publish_date(sample_seminar(), tokyo, sample_context());
    check_well_formed(tokyo_ics);
    CHECK(has(tokyo_ics,
              "BEGIN:VTIMEZONE\r\nTZID:Asia/Tokyo\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
              "TZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nTZNAME:JST\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"));
    CHECK(!has(tokyo_ics, "DAYLIGHT"));
    CHECK(libical_event_times(tokyo_ics).front().start_utc == "2027-06-10T01:00:00Z");
}

TEST_CASE("an invite is a REQUEST with ORGANIZER and an accepted ATTENDEE who need not answer") {
    const auto ics = invite(sample_seminar(), berlin_two_days(), sample_registration(), sample_context());
    check_well_formed(ics);
    CHECK(has(ics, "\r\nMETHOD:REQUEST\r\n"));
    CHECK(event_values(ics, "UID") == std::vector<std::string>{"K7Q-M4XD.date-7-5f3a9c@seminard.example.org"});
    CHECK(event_values(ics, "STATUS") == std::vector<std::string>{"CONFIRMED"});
    CHECK(event_values(ics, "ATTENDEE") == std::vector<std::string>{"mailto:erika@example.com"});
    CHECK(event_params(ics, "ATTENDEE", "CN") == std::vector<std::string>{"Erika Mustermann"});
    CHECK(event_params(ics, "ATTENDEE", "PARTSTAT") == std::vector<std::string>{"ACCEPTED"});
    CHECK(event_params(ics, "ATTENDEE", "RSVP") == std::vector<std::string>{"FALSE"});
    CHECK(event_values(ics, "ORGANIZER") == std::vector<std::string>{"mailto:seminare@example.org"});
    const auto description = event_values(ics, "DESCRIPTION").at(0);
    CHECK(description.ends_with("\n\nAnmeldecode: K7Q-M4XD\nStatus: bestätigt"));
    CHECK(libical_event_times(ics).front().end_utc == "2027-01-27T16:00:00Z");
}

TEST_CASE("an invite never holds a private link, only the public seminar page") {
    const auto ics = invite(sample_seminar(), berlin_two_days(), sample_registration(), sample_context());
    CHECK(!has(ics, "/registrations/"));
    CHECK(!has(ics, "/api/"));
    CHECK(!has(ics, "token"));
}

TEST_CASE("a configured no-reply address replaces the organiser's, the organiser's name stays") {
    auto ctx = sample_context();
    ctx.organizer_email = "no-reply@example.org";
    const auto ics = invite(sample_seminar(), berlin_two_days(), sample_registration(), ctx);
    check_well_formed(ics);
    CHECK(event_values(ics, "ORGANIZER") == std::vector<std::string>{"mailto:no-reply@example.org"});
    CHECK(event_params(ics, "ORGANIZER", "CN") == std::vector<std::string>{"Beispiel Kommunikation GmbH"});
}

TEST_CASE("a waitlisted registration gets a tentative invite") {
    const auto ics = invite(
        sample_seminar(), berlin_two_days(), with_status(domain::registration_status::waitlisted), sample_context());
    check_well_formed(ics);
    CHECK(has(ics, "\r\nMETHOD:REQUEST\r\n"));
    CHECK(event_values(ics, "STATUS") == std::vector<std::string>{"TENTATIVE"});
    CHECK(event_params(ics, "ATTENDEE", "PARTSTAT") == std::vector<std::string>{"TENTATIVE"});
    CHECK(event_values(ics, "DESCRIPTION").at(0).ends_with("Status: Warteliste, Platz 3"));
}

TEST_CASE("a cancelled registration gets a CANCEL with the same UID and a higher SEQUENCE") {
    const auto request = invite(sample_seminar(), berlin_two_days(), sample_registration(), sample_context());
    const auto cancel = invite(
        sample_seminar(), berlin_two_days(), with_status(domain::registration_status::cancelled), sample_context());
    check_well_formed(cancel);
    CHECK(has(cancel, "\r\nMETHOD:CANCEL\r\n"));
    CHECK(event_values(cancel, "STATUS") == std::vector<std::string>{"CANCELLED"});
    CHECK(event_values(cancel, "UID") == event_values(request, "UID"));
    CHECK(std::stoi(event_values(cancel, "SEQUENCE").at(0)) > std::stoi(event_values(request, "SEQUENCE").at(0)));
    CHECK(event_values(cancel, "DESCRIPTION").at(0).ends_with("Status: storniert"));
}

TEST_CASE("a cancelled date cancels the published date and every invite with a higher SEQUENCE") {
    auto d = berlin_dst();
    d.days.push_back(day(2027, 3, 30, 10, 15));  // an override: it must be cancelled too
    const auto published = publish_date(sample_seminar(), d, sample_context());
    const auto request = invite(sample_seminar(), d, sample_registration(), sample_context());

    d.status = domain::date_status::cancelled;
    d.sequence += 1;  // what the domain does on cancellation; the CANCEL must not rely on it
    const auto cancelled_date = publish_date(sample_seminar(), d, sample_context());
    const auto cancelled_invite = invite(sample_seminar(), d, sample_registration(), sample_context());
    for (const auto* ics : {&cancelled_date, &cancelled_invite}) {
        check_well_formed(*ics);
        CHECK(has(*ics, "\r\nMETHOD:CANCEL\r\n"));
        CHECK(event_values(*ics, "STATUS") == std::vector<std::string>(2, "CANCELLED"));
        CHECK(event_values(*ics, "SEQUENCE") == std::vector<std::string>(2, "2"));
        CHECK(event_values(*ics, "DESCRIPTION").at(0).starts_with("Dieser Termin wurde abgesagt."));
    }
    CHECK(event_values(cancelled_date, "UID") == event_values(published, "UID"));
    CHECK(event_values(cancelled_invite, "UID") == event_values(request, "UID"));
    CHECK(event_values(request, "SEQUENCE") == std::vector<std::string>(2, "0"));
    CHECK(cancel_sequence(d) == 2);
}

TEST_CASE("an update keeps the UIDs and shows the higher SEQUENCE") {
    auto d = berlin_two_days();
    const auto before = invite(sample_seminar(), d, sample_registration(), sample_context());
    d.days = {day(2027, 2, 3, 9, 17), day(2027, 2, 4, 9, 16)};
    d.sequence = 1;
    d.updated_at = utc(2026, 8, 1, 12);
    const auto after_invite = invite(sample_seminar(), d, sample_registration(), sample_context());
    const auto after_date = publish_date(sample_seminar(), d, sample_context());
    check_well_formed(after_invite);
    CHECK(event_values(after_invite, "UID") == std::vector<std::string>(2, event_values(before, "UID").at(0)));
    CHECK(event_values(after_invite, "SEQUENCE") == std::vector<std::string>(2, "1"));
    CHECK(event_values(after_date, "UID") == std::vector<std::string>(2, d.uid));
    CHECK(event_values(after_date, "SEQUENCE") == std::vector<std::string>(2, "1"));
    CHECK(has(after_date, "\r\nLAST-MODIFIED:20260801T120000Z\r\n"));
    CHECK(has(after_date, "\r\nDTSTART;TZID=Europe/Berlin:20270203T090000\r\n"));
}

TEST_CASE("hostile attendee names cannot inject a property or a parameter") {
    auto r = sample_registration();
    r.person.first_name = hostile_name;
    r.person.last_name = "👩‍💻";
    r.person.email = "erika@example.com\r\nATTENDEE:mailto:evil@x";
    const auto ics = invite(sample_seminar(), berlin_two_days(), r, sample_context());
    check_well_formed(ics);
    CHECK(count_properties(ics, "ATTENDEE") == 1);
    CHECK(count_properties(ics, "ORGANIZER") == 1);
    CHECK(event_params(ics, "ATTENDEE", "CN") ==
          std::vector<std::string>{"Dr. Müller, 'Hans'; CEO: ATTENDEE:mailto:evil@x 👩‍💻"});
    CHECK(event_params(ics, "ATTENDEE", "PARTSTAT") == std::vector<std::string>{"ACCEPTED"});
    CHECK(event_values(ics, "ATTENDEE") ==
          std::vector<std::string>{"mailto:erika@example.com%0D%0AATTENDEE%3Amailto%3Aevil@x"});
    CHECK(ics.find("\r\nATTENDEE:mailto:evil") == std::string::npos);
}

TEST_CASE("a 300-character name folds on UTF-8 boundaries and reads back whole") {
    auto r = sample_registration();
    r.person.first_name.clear();
    for (int i = 0; i < 100; ++i) r.person.first_name += "äx👩";
    r.person.last_name = "Ende";
    const auto ics = invite(sample_seminar(), berlin_two_days(), r, sample_context());
    check_well_formed(ics);
    CHECK(event_params(ics, "ATTENDEE", "CN") == std::vector<std::string>{r.person.first_name + " Ende"});
}

TEST_CASE("hostile seminar texts stay inside their TEXT values") {
    auto s = sample_seminar();
    s.title = "Titel; mit, allem\\ \r\nATTENDEE:mailto:evil@x";
    s.location = "Raum 1\rDTSTART:20000101T000000Z";
    s.description = "Zeile 1\r\nEND:VEVENT\r\nBEGIN:VEVENT\nZeile\t3 \x01";
    const auto ics = publish_date(s, berlin_two_days(), sample_context());
    check_well_formed(ics);
    CHECK(count_properties(ics, "ATTENDEE") == 0);
    CHECK(count_properties(ics, "DTSTART") == 1 + 2);  // the event and the two observances
    CHECK(event_values(ics, "SUMMARY") == std::vector<std::string>{"Titel; mit, allem\\ \nATTENDEE:mailto:evil@x"});
    CHECK(event_values(ics, "LOCATION") == std::vector<std::string>{"Raum 1\nDTSTART:20000101T000000Z"});
    CHECK(event_values(ics, "DESCRIPTION").at(0).starts_with("Zeile 1\nEND:VEVENT\nBEGIN:VEVENT\nZeile 3  \n\n"));
}

TEST_CASE("English descriptions on request") {
    auto ctx = sample_context();
    ctx.language = domain::lang::en;
    const auto ics = invite(sample_seminar(), berlin_two_days(), sample_registration(), ctx);
    CHECK(event_values(ics, "DESCRIPTION").at(0).ends_with("\n\nRegistration code: K7Q-M4XD\nStatus: confirmed"));
}

TEST_CASE("the feed is a subscribable PUBLISH of all dates with one VTIMEZONE per zone") {
    auto tokyo = berlin_two_days();
    tokyo.uid = "date-9@seminard.example.org";
    tokyo.timezone = "Asia/Tokyo";
    tokyo.days = {day(2027, 6, 10, 10, 18)};
    const std::vector<std::pair<domain::seminar, domain::seminar_date>> dates{
        {sample_seminar(), berlin_two_days()}, {sample_seminar(), berlin_dst()}, {sample_seminar(), tokyo}};
    const auto ics = feed(dates, sample_context(), "Seminare, Termine; alle");
    check_well_formed(ics);
    CHECK(has(ics, "\r\nMETHOD:PUBLISH\r\n"));
    CHECK(has(ics, "\r\nX-WR-CALNAME:Seminare  Termine  alle\r\n"));
    CHECK(has(ics, "\r\nNAME:Seminare\\, Termine\\; alle\r\n"));
    CHECK(has(ics, "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n"));
    CHECK(has(ics, "\r\nX-PUBLISHED-TTL:PT1H\r\n"));
    CHECK(count_properties(ics, "TZID") == 2);
    CHECK(event_values(ics, "UID") == std::vector<std::string>{berlin_two_days().uid, berlin_dst().uid, tokyo.uid});
    CHECK(count_properties(ics, "ATTENDEE") == 0);
}

TEST_CASE("an empty feed is still a valid calendar") {
    const auto ics = feed({}, sample_context(), "Seminare");
    check_lines(ics);
    parsed cal{ics};
    CHECK(icalrestriction_check(cal.root.get()) != 0);
}

TEST_CASE("a date without days or with an unknown zone is refused, and left out of the feed") {
    auto no_days = berlin_two_days();
    no_days.days.clear();
    auto bad_zone = berlin_two_days();
    bad_zone.timezone = "Mars/Olympus_Mons";
    CHECK_THROWS_AS(publish_date(sample_seminar(), no_days, sample_context()), std::invalid_argument);
    CHECK_THROWS_AS(invite(sample_seminar(), bad_zone, sample_registration(), sample_context()), std::invalid_argument);
    const auto ics = feed({{sample_seminar(), no_days}, {sample_seminar(), bad_zone}, {sample_seminar(), berlin_dst()}},
                          sample_context(),
                          "Seminare");
    check_well_formed(ics);
    CHECK(event_values(ics, "UID") == std::vector<std::string>{berlin_dst().uid});
}
