// Tests for the time rules of a seminar date: zones, DST, deadlines, ISO 8601.
#include "domain/schedule.hpp"
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

using namespace seminard::domain;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

date::year_month_day ymd(int y, unsigned m, unsigned d) {
    return date::year_month_day{date::year{y}, date::month{m}, date::day{d}};
}

/// UTC instant from calendar fields.
instant utc(int y, unsigned m, unsigned d, int h, int min = 0, int s = 0) {
    return date::sys_days{ymd(y, m, d)} + hours{h} + minutes{min} + seconds{s};
}

const date::time_zone& berlin() {
    const auto* z = find_zone("Europe/Berlin");
    REQUIRE(z != nullptr);
    return *z;
}

seminar_date berlin_date(std::vector<seminar_day> days) {
    seminar_date d;
    d.timezone = "Europe/Berlin";
    d.days = std::move(days);
    d.capacity = 12;
    return d;
}

/// The demo's next date: 27./28. January 2027, 09:00–17:00 in Berlin.
seminar_date january_date() {
    return berlin_date({{ymd(2027, 1, 27), hours{9}, hours{17}}, {ymd(2027, 1, 28), hours{9}, hours{17}}});
}

}  // namespace

TEST_CASE("a known IANA zone is found by its name") {
    const auto* z = find_zone("Europe/Berlin");
    REQUIRE(z != nullptr);
    CHECK(z->name() == "Europe/Berlin");
    CHECK(find_zone("UTC") != nullptr);
    CHECK(find_zone("America/New_York") != nullptr);
    // A view into a longer buffer uses only its own characters.
    std::string_view longer = "Europe/BerlinXYZ";
    CHECK(find_zone(longer.substr(0, 13)) == z);
}

TEST_CASE("an unknown, empty or overlong zone name is not found") {
    CHECK(find_zone("Mars/Olympus_Mons") == nullptr);
    CHECK(find_zone("") == nullptr);
    CHECK(find_zone(std::string(65, 'A')) == nullptr);
    CHECK(find_zone("Europe/Berlin/../../../etc/passwd") == nullptr);
    CHECK(find_zone("../../etc/passwd") == nullptr);
    CHECK(find_zone(std::string_view{"Europe/Berlin\0", 14}) == nullptr);
}

TEST_CASE("a local wall time converts to UTC with the zone's offset") {
    CHECK(to_instant(berlin(), ymd(2027, 1, 27), hours{9}) == utc(2027, 1, 27, 8));
    CHECK(to_instant(berlin(), ymd(2027, 7, 1), hours{9}) == utc(2027, 7, 1, 7));
    CHECK(to_instant(berlin(), ymd(2027, 1, 27), hours{24}) == utc(2027, 1, 27, 23));  // 24:00 is next midnight
}

TEST_CASE("a local time in the spring DST gap moves to the transition") {
    // 2027-03-28 in Berlin: clocks jump from 02:00 to 03:00 at 01:00Z; 02:30 does not exist.
    CHECK(to_instant(berlin(), ymd(2027, 3, 28), hours{2} + minutes{30}) == utc(2027, 3, 28, 1));
    CHECK(to_instant(berlin(), ymd(2027, 3, 28), hours{2}) == utc(2027, 3, 28, 1));
    CHECK(to_instant(berlin(), ymd(2027, 3, 28), hours{3}) == utc(2027, 3, 28, 1));
    CHECK(to_instant(berlin(), ymd(2027, 3, 28), hours{1} + minutes{59}) == utc(2027, 3, 28, 0, 59));
}

TEST_CASE("a local time in the autumn DST overlap takes the earlier instant") {
    // 2027-10-31 in Berlin: 02:00–03:00 happens twice; 02:30 CEST = 00:30Z comes first, 02:30 CET = 01:30Z.
    CHECK(to_instant(berlin(), ymd(2027, 10, 31), hours{2} + minutes{30}) == utc(2027, 10, 31, 0, 30));
    CHECK(to_instant(berlin(), ymd(2027, 10, 31), hours{3}) == utc(2027, 10, 31, 2));
}

TEST_CASE("the days of a date become UTC intervals in day order") {
    auto iv = day_intervals(january_date());
    REQUIRE(iv.size() == 2);
    CHECK(iv[0].start == utc(2027, 1, 27, 8));
    CHECK(iv[0].end == utc(2027, 1, 27, 16));
    CHECK(iv[1].start == utc(2027, 1, 28, 8));
    CHECK(iv[1].end == utc(2027, 1, 28, 16));
    CHECK(first_start(january_date()) == utc(2027, 1, 27, 8));
    CHECK(last_end(january_date()) == utc(2027, 1, 28, 16));
}

TEST_CASE("days on either side of the spring change get their own offsets") {
    auto d = berlin_date({{ymd(2027, 3, 27), hours{9}, hours{17}}, {ymd(2027, 3, 29), hours{9}, hours{17}}});
    auto iv = day_intervals(d);
    REQUIRE(iv.size() == 2);
    CHECK(iv[0].start == utc(2027, 3, 27, 8));  // +01:00
    CHECK(iv[0].end == utc(2027, 3, 27, 16));
    CHECK(iv[1].start == utc(2027, 3, 29, 7));  // +02:00
    CHECK(iv[1].end == utc(2027, 3, 29, 15));
}

TEST_CASE("a date with an unknown zone has no intervals") {
    auto d = january_date();
    d.timezone = "Nowhere/Else";
    CHECK(day_intervals(d).empty());
}

TEST_CASE("registration closes when the first day starts unless an earlier deadline is set") {
    auto d = january_date();
    CHECK(closes_at(d) == utc(2027, 1, 27, 8));
    d.registration_closes_at = utc(2027, 1, 20, 11);
    CHECK(closes_at(d) == utc(2027, 1, 20, 11));
    // A deadline after the start never keeps registration open longer.
    d.registration_closes_at = utc(2027, 1, 28, 8);
    CHECK(closes_at(d) == utc(2027, 1, 27, 8));
}

TEST_CASE("registration is open only for a scheduled date before its deadline") {
    auto d = january_date();
    CHECK(registration_open(d, utc(2027, 1, 1, 0)));
    CHECK(registration_open(d, utc(2027, 1, 27, 7, 59, 59)));
    CHECK_FALSE(registration_open(d, utc(2027, 1, 27, 8)));   // the deadline itself is closed
    CHECK_FALSE(registration_open(d, utc(2027, 1, 27, 12)));  // running
    CHECK_FALSE(registration_open(d, utc(2027, 2, 1, 0)));    // past

    d.registration_closes_at = utc(2027, 1, 20, 11);
    CHECK(registration_open(d, utc(2027, 1, 20, 10, 59)));
    CHECK_FALSE(registration_open(d, utc(2027, 1, 20, 11)));

    d.registration_closes_at.reset();
    d.status = date_status::cancelled;
    CHECK_FALSE(registration_open(d, utc(2027, 1, 1, 0)));
}

TEST_CASE("a date is past once its last day has ended") {
    auto d = january_date();
    CHECK_FALSE(is_past(d, utc(2027, 1, 1, 0)));
    CHECK_FALSE(is_past(d, utc(2027, 1, 27, 12)));
    CHECK_FALSE(is_past(d, utc(2027, 1, 28, 15, 59, 59)));
    CHECK(is_past(d, utc(2027, 1, 28, 16)));
    CHECK(is_past(d, utc(2028, 1, 1, 0)));
}

TEST_CASE("an instant is written as ISO 8601 with the zone's offset or as UTC") {
    CHECK(to_iso8601(utc(2027, 1, 27, 8), &berlin()) == "2027-01-27T09:00:00+01:00");
    CHECK(to_iso8601(utc(2027, 7, 1, 7), &berlin()) == "2027-07-01T09:00:00+02:00");
    CHECK(to_iso8601(utc(2027, 1, 27, 8)) == "2027-01-27T08:00:00Z");
    CHECK(to_iso8601(utc(2027, 1, 27, 8, 5, 7), nullptr) == "2027-01-27T08:05:07Z");
    CHECK(to_iso8601(utc(2027, 1, 27, 14), find_zone("America/New_York")) == "2027-01-27T09:00:00-05:00");
    CHECK(to_iso8601(utc(2027, 1, 27, 3, 30), find_zone("Asia/Kolkata")) == "2027-01-27T09:00:00+05:30");
    // Both sides of the autumn overlap keep their own offset.
    CHECK(to_iso8601(utc(2027, 10, 31, 0, 30), &berlin()) == "2027-10-31T02:30:00+02:00");
    CHECK(to_iso8601(utc(2027, 10, 31, 1, 30), &berlin()) == "2027-10-31T02:30:00+01:00");
}

TEST_CASE("to_iso8601 and format_day agree with date::format over centuries, zones and odd offsets", "[schedule]") {
    // Written digit by digit for speed; date::format is the reference.
    const date::time_zone* zones[] = {nullptr,
                                      &berlin(),
                                      find_zone("America/New_York"),
                                      find_zone("Asia/Kathmandu"),
                                      find_zone("Pacific/Chatham"),
                                      find_zone("America/St_Johns")};
    std::uint64_t x = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 4000; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        // 1900 .. 2200, to the second
        const auto t = instant{std::chrono::seconds{static_cast<std::int64_t>(x % 9467280000ull) - 2208988800ll}};
        for (const auto* zone : zones) {
            std::string expected;
            if (!zone) {
                expected = date::format("%FT%TZ", t);
            } else {
                const auto info = zone->get_info(t);
                const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(info.offset).count();
                char off[8];
                std::snprintf(off,
                              sizeof off,
                              "%c%02d:%02d",
                              minutes < 0 ? '-' : '+',
                              static_cast<int>(std::abs(minutes) / 60),
                              static_cast<int>(std::abs(minutes) % 60));
                expected = date::format("%FT%T", date::local_seconds{t.time_since_epoch() + info.offset}) + off;
            }
            INFO(t.time_since_epoch().count());
            REQUIRE(to_iso8601(t, zone) == expected);
        }
        const date::year_month_day day{date::floor<date::days>(t)};
        REQUIRE(format_day(day) == date::format("%F", day));
    }
}

TEST_CASE("ISO 8601 with Z or an offset is parsed, seconds optional") {
    CHECK(parse_iso8601("2027-01-20T12:00:00+01:00") == utc(2027, 1, 20, 11));
    CHECK(parse_iso8601("2027-01-20T12:00:00Z") == utc(2027, 1, 20, 12));
    CHECK(parse_iso8601("2027-01-20T12:00:00z") == utc(2027, 1, 20, 12));
    CHECK(parse_iso8601("2027-01-20T12:00Z") == utc(2027, 1, 20, 12));
    CHECK(parse_iso8601("2027-01-20T12:00+01:00") == utc(2027, 1, 20, 11));
    CHECK(parse_iso8601("2027-01-20T07:00:00-05:00") == utc(2027, 1, 20, 12));
    CHECK(parse_iso8601("2027-01-20T12:00:00+05:30") == utc(2027, 1, 20, 6, 30));
    CHECK(parse_iso8601("2027-01-20 12:00:00Z") == utc(2027, 1, 20, 12));
    CHECK(parse_iso8601("2027-01-20T12:34:56Z") == utc(2027, 1, 20, 12, 34, 56));
    CHECK(parse_iso8601("2027-01-01T00:30:00+01:00") == utc(2026, 12, 31, 23, 30));  // crosses the year
}

TEST_CASE("what to_iso8601 writes parses back to the same instant") {
    for (auto t :
         {utc(2027, 1, 27, 8), utc(2027, 10, 31, 0, 30), utc(2027, 10, 31, 1, 30), utc(2028, 2, 29, 23, 59, 59)}) {
        CHECK(parse_iso8601(to_iso8601(t, &berlin())) == t);
        CHECK(parse_iso8601(to_iso8601(t)) == t);
    }
}

TEST_CASE("malformed ISO 8601 is rejected") {
    CHECK_FALSE(parse_iso8601("2027-02-30T10:00:00Z"));  // no such day
    CHECK_FALSE(parse_iso8601("2027-01-01T25:00Z"));
    CHECK_FALSE(parse_iso8601("2027-01-01T24:00Z"));
    CHECK_FALSE(parse_iso8601("2027-01-01T10:60Z"));
    CHECK_FALSE(parse_iso8601("2027-01-01T10:00:60Z"));
    CHECK_FALSE(parse_iso8601("2027-01-01T10:00:00"));  // no offset: local to whom?
    CHECK_FALSE(parse_iso8601("2027-01-01T10:00"));
    CHECK_FALSE(parse_iso8601("2027-01-01T10:00:00Zjunk"));
    CHECK_FALSE(parse_iso8601("2027-01-01T10:00:00+01:00 "));
    CHECK_FALSE(parse_iso8601("2027-01-01T10:00:00+0100"));
    CHECK_FALSE(parse_iso8601("2027-01-01T10:00:00+19:00"));
    CHECK_FALSE(parse_iso8601("2027-01-01T10:00:00+01:60"));
    CHECK_FALSE(parse_iso8601("2027-01-01T10:00:00.5Z"));  // fractions are not part of the contract
    CHECK_FALSE(parse_iso8601("2027-01-01X10:00:00Z"));
    CHECK_FALSE(parse_iso8601("2027-01-01T1:00:00Z"));
    CHECK_FALSE(parse_iso8601("2027-01-01T10:0a:00Z"));
    CHECK_FALSE(parse_iso8601("2027-01-01"));
    CHECK_FALSE(parse_iso8601("garbage"));
    CHECK_FALSE(parse_iso8601(""));
}

TEST_CASE("a calendar day is parsed only as a real YYYY-MM-DD day") {
    CHECK(parse_day("2027-01-27") == ymd(2027, 1, 27));
    CHECK(parse_day("2028-02-29") == ymd(2028, 2, 29));
    CHECK_FALSE(parse_day("2027-02-29"));
    CHECK_FALSE(parse_day("2027-13-01"));
    CHECK_FALSE(parse_day("2027-00-10"));
    CHECK_FALSE(parse_day("2027-01-00"));
    CHECK_FALSE(parse_day("2027-1-27"));
    CHECK_FALSE(parse_day("27.01.2027"));
    CHECK_FALSE(parse_day("2027/01/27"));
    CHECK_FALSE(parse_day("2027-01-27 "));
    CHECK_FALSE(parse_day("1969-12-31"));
    CHECK_FALSE(parse_day(""));
}

TEST_CASE("a clock time is parsed as HH:MM from 00:00 to 24:00") {
    CHECK(parse_clock("00:00") == minutes{0});
    CHECK(parse_clock("09:00") == minutes{540});
    CHECK(parse_clock("17:30") == minutes{1050});
    CHECK(parse_clock("23:59") == minutes{1439});
    CHECK(parse_clock("24:00") == minutes{1440});
    CHECK_FALSE(parse_clock("24:01"));
    CHECK_FALSE(parse_clock("25:00"));
    CHECK_FALSE(parse_clock("12:60"));
    CHECK_FALSE(parse_clock("9:00"));
    CHECK_FALSE(parse_clock("09:00:00"));
    CHECK_FALSE(parse_clock("09.00"));
    CHECK_FALSE(parse_clock("-9:00"));
    CHECK_FALSE(parse_clock(""));
}

TEST_CASE("days and clock times are written back in their input format") {
    CHECK(format_day(ymd(2027, 1, 7)) == "2027-01-07");
    CHECK(format_clock(minutes{540}) == "09:00");
    CHECK(format_clock(minutes{0}) == "00:00");
    CHECK(format_clock(minutes{1440}) == "24:00");
    CHECK(format_clock(*parse_clock("17:45")) == "17:45");
}
