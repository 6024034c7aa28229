// Tests for VTIMEZONEs generated from the tz database: the yearly-rule form, zones without DST, changed rules.
#include "calendars/vtimezone.hpp"

#include "calendar_check.hpp"
#include "domain/schedule.hpp"

#include <catch2/catch.hpp>

using namespace seminard;
using namespace seminard::calendars;
using namespace seminard::calendars::test;
using std::chrono::hours;

namespace {

const date::time_zone& zone(const char* name) {
    const auto* z = domain::find_zone(name);
    REQUIRE(z != nullptr);
    return *z;
}

date::local_seconds local(int y, unsigned m, unsigned d, int h) {
    return date::local_seconds{date::local_days{ymd(y, m, d)} + hours{h}};
}

}  // namespace

TEST_CASE("Europe/Berlin gets STANDARD and DAYLIGHT with yearly last-Sunday rules") {
    const auto obs = zone_observances(zone("Europe/Berlin"), utc(2027, 1, 27, 8), utc(2027, 1, 28, 16));
    REQUIRE(obs.size() == 2);
    CHECK(obs[0] == observance{false, local(2026, 10, 25, 3), hours{2}, hours{1}, "CET", yearly_rule{10, 0, -1}});
    CHECK(obs[1] == observance{true, local(2027, 3, 28, 2), hours{1}, hours{2}, "CEST", yearly_rule{3, 0, -1}});
}

TEST_CASE("America/New_York gets its second-Sunday-in-March and first-Sunday-in-November rules") {
    const auto obs = zone_observances(zone("America/New_York"), utc(2027, 11, 5, 13), utc(2027, 11, 8, 22));
    REQUIRE(obs.size() == 2);
    CHECK(obs[0] == observance{true, local(2027, 3, 14, 2), hours{-5}, hours{-4}, "EDT", yearly_rule{3, 0, 2}});
    CHECK(obs[1] == observance{false, local(2027, 11, 7, 2), hours{-4}, hours{-5}, "EST", yearly_rule{11, 0, 1}});
}

TEST_CASE("a zone without DST gets a single STANDARD") {
    const auto obs = zone_observances(zone("Asia/Tokyo"), utc(2027, 6, 10, 1), utc(2027, 6, 11, 9));
    REQUIRE(obs.size() == 1);
    CHECK(obs[0] == observance{false, local(1970, 1, 1, 0), hours{9}, hours{9}, "JST", std::nullopt});
}

TEST_CASE("a span over several years still needs one rule per kind") {
    const auto obs = zone_observances(zone("Europe/Berlin"), utc(2027, 12, 30, 8), utc(2029, 1, 3, 16));
    REQUIRE(obs.size() == 2);
    CHECK(obs[0].rule == yearly_rule{10, 0, -1});
    CHECK(obs[1].rule == yearly_rule{3, 0, -1});
}

TEST_CASE("a zone that dropped DST inside the span gets an explicit observance instead of a wrong rule") {
    // Brazil ended DST in 2019: a rule from November 2018 would wrongly repeat in November 2019. The February switch
    // back to standard time happens once in the span, so its rule is exact there.
    const auto obs = zone_observances(zone("America/Sao_Paulo"), utc(2019, 1, 10, 12), utc(2019, 11, 20, 20));
    REQUIRE(obs.size() == 2);
    CHECK(obs[0] == observance{true, local(2018, 11, 4, 0), hours{-3}, hours{-2}, "-02", std::nullopt});
    CHECK(obs[1] == observance{false, local(2019, 2, 17, 0), hours{-2}, hours{-3}, "-03", yearly_rule{2, 0, 3}});
}

TEST_CASE("a zone whose rules changed inside the span gets one observance per transition that did not repeat") {
    // Moscow: summer time until October 2010, permanent +04 from March 2011. No summer or winter rule holds for
    // 2011, so those transitions are written one by one; the 2011 switch happens once in the span.
    const auto obs = zone_observances(zone("Europe/Moscow"), utc(2010, 1, 10, 12), utc(2011, 6, 1, 12));
    REQUIRE(obs.size() == 4);
    CHECK(obs[0] == observance{false, local(2009, 10, 25, 3), hours{4}, hours{3}, "MSK", std::nullopt});
    CHECK(obs[1] == observance{true, local(2010, 3, 28, 2), hours{3}, hours{4}, "MSD", std::nullopt});
    CHECK(obs[2] == observance{false, local(2010, 10, 31, 3), hours{4}, hours{3}, "MSK", std::nullopt});
    CHECK(obs[3].start == local(2011, 3, 27, 2));
    CHECK(obs[3].offset_to == hours{4});
    CHECK(!obs[3].daylight);
}

TEST_CASE("a zone with negative DST (Europe/Dublin) calls its summer time DAYLIGHT") {
    const auto obs = zone_observances(zone("Europe/Dublin"), utc(2027, 6, 1, 8), utc(2027, 6, 1, 16));
    REQUIRE(obs.size() == 2);
    CHECK(obs[0] == observance{true, local(2027, 3, 28, 1), hours{0}, hours{1}, "IST", yearly_rule{3, 0, -1}});
    CHECK(obs[1] == observance{false, local(2027, 10, 31, 2), hours{1}, hours{0}, "GMT", yearly_rule{10, 0, -1}});
}

TEST_CASE("the VTIMEZONE carries the exact IANA name and converts local times right in libical") {
    const auto obs = zone_observances(zone("Europe/Berlin"), utc(2027, 3, 27, 8), utc(2027, 3, 29, 15));
    auto tz = vtimezone_component("Europe/Berlin", obs);
    const auto text = to_ical_string(tz.get());
    CHECK(text.find("TZID:Europe/Berlin\r\n") != std::string::npos);
    CHECK(text.find("RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n") != std::string::npos);
    CHECK(text.find("freeassociation") == std::string::npos);

    icaltimezone* zone = icaltimezone_new();
    REQUIRE(icaltimezone_set_component(zone, tz.release()) != 0);  // the zone owns the component now
    auto at = [&](int d, int h) {
        icaltimetype t = icaltime_null_time();
        t.year = 2027;
        t.month = 3;
        t.day = d;
        t.hour = h;
        return domain::instant{std::chrono::seconds{icaltime_as_timet_with_zone(t, zone)}};
    };
    CHECK(at(27, 9) == utc(2027, 3, 27, 8));
    CHECK(at(29, 9) == utc(2027, 3, 29, 7));
    icaltimezone_free(zone, 1);
}
