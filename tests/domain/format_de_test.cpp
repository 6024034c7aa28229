// Tests for the German and English date, hour and price texts.
#include "domain/format_de.hpp"
#include <catch2/catch.hpp>

#include "domain/schedule.hpp"

#include <string>
#include <vector>

using namespace seminard::domain;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

date::year_month_day ymd(int y, unsigned m, unsigned d) {
    return date::year_month_day{date::year{y}, date::month{m}, date::day{d}};
}

seminar_day day(int y, unsigned m, unsigned d, clock_time start = hours{9}, clock_time end = hours{17}) {
    return seminar_day{ymd(y, m, d), start, end};
}

const std::string nbsp = "\u00A0";

}  // namespace

TEST_CASE("month and weekday names are German with umlauts, or English") {
    CHECK(month_name(date::January, lang::de) == "Januar");
    CHECK(month_name(date::March, lang::de) == "März");
    CHECK(month_name(date::December, lang::de) == "Dezember");
    CHECK(month_name(date::May, lang::en) == "May");
    CHECK(month_name(date::month{13}, lang::de).empty());
    CHECK(weekday_name(date::Sunday, lang::de) == "Sonntag");
    CHECK(weekday_name(date::Wednesday, lang::de) == "Mittwoch");
    CHECK(weekday_name(date::Saturday, lang::en) == "Saturday");
}

TEST_CASE("a single day is written as day, month and year") {
    CHECK(format_day_range({day(2027, 1, 27)}, lang::de) == "27. Januar 2027");
    CHECK(format_day_range({day(2027, 1, 27)}, lang::en) == "27 January 2027");
    CHECK(format_date(ymd(2027, 3, 1), lang::de) == "1. März 2027");
}

TEST_CASE("no days give an empty text") {
    CHECK(format_day_range({}, lang::de).empty());
    CHECK(format_schedule({}, lang::de).empty());
    CHECK(schedule_lines({}, lang::en).empty());
}

TEST_CASE("two consecutive days in one month are joined by a slash in German") {
    std::vector<seminar_day> days{day(2027, 1, 27), day(2027, 1, 28)};
    CHECK(format_day_range(days, lang::de) == "27./28. Januar 2027");
    CHECK(format_day_range(days, lang::en) == "27–28 January 2027");
}

TEST_CASE("three consecutive days in one month are a range with an en dash") {
    std::vector<seminar_day> days{day(2027, 1, 27), day(2027, 1, 28), day(2027, 1, 29)};
    CHECK(format_day_range(days, lang::de) ==
          "27.\u2013"
          "29. Januar 2027");
    CHECK(format_day_range(days, lang::en) ==
          "27\u2013"
          "29 January 2027");
}

TEST_CASE("consecutive days across a month boundary name both months") {
    std::vector<seminar_day> days{day(2027, 1, 30), day(2027, 1, 31), day(2027, 2, 1)};
    CHECK(format_day_range(days, lang::de) == "30. Januar – 1. Februar 2027");
    CHECK(format_day_range(days, lang::en) == "30 January – 1 February 2027");
    CHECK(format_day_range({day(2027, 1, 31), day(2027, 2, 1)}, lang::de) == "31. Januar – 1. Februar 2027");
}

TEST_CASE("consecutive days across a year boundary name both years") {
    std::vector<seminar_day> days{day(2026, 12, 31), day(2027, 1, 1)};
    CHECK(format_day_range(days, lang::de) == "31. Dezember 2026 – 1. Januar 2027");
    CHECK(format_day_range(days, lang::en) == "31 December 2026 – 1 January 2027");
}

TEST_CASE("the leap day is an ordinary day in a range") {
    CHECK(format_day_range({day(2028, 2, 29)}, lang::de) == "29. Februar 2028");
    CHECK(format_day_range({day(2028, 2, 28), day(2028, 2, 29)}, lang::de) == "28./29. Februar 2028");
    CHECK(format_day_range({day(2028, 2, 29), day(2028, 3, 1)}, lang::de) == "29. Februar – 1. März 2028");
    // In a common year 28 February and 1 March are neighbours.
    CHECK(format_day_range({day(2027, 2, 28), day(2027, 3, 1)}, lang::de) == "28. Februar – 1. März 2027");
    // In a leap year they are not.
    CHECK(format_day_range({day(2028, 2, 28), day(2028, 3, 1)}, lang::de) == "28. Februar und 1. März 2028");
}

TEST_CASE("days with gaps in one month are listed with und") {
    CHECK(format_day_range({day(2027, 1, 27), day(2027, 1, 29)}, lang::de) == "27. und 29. Januar 2027");
    CHECK(format_day_range({day(2027, 1, 27), day(2027, 1, 29)}, lang::en) == "27 and 29 January 2027");
    std::vector<seminar_day> three{day(2027, 3, 3), day(2027, 3, 5), day(2027, 3, 7)};
    CHECK(format_day_range(three, lang::de) == "3., 5. und 7. März 2027");
    CHECK(format_day_range(three, lang::en) == "3, 5 and 7 March 2027");
    // A run inside a list with gaps is still listed day by day.
    CHECK(format_day_range({day(2027, 1, 27), day(2027, 1, 28), day(2027, 1, 30)}, lang::de) ==
          "27., 28. und 30. Januar 2027");
}

TEST_CASE("days with gaps across months and years name each month and year once") {
    CHECK(format_day_range({day(2027, 1, 28), day(2027, 2, 2)}, lang::de) == "28. Januar und 2. Februar 2027");
    CHECK(format_day_range({day(2027, 1, 28), day(2027, 1, 30), day(2027, 2, 2)}, lang::de) ==
          "28., 30. Januar und 2. Februar 2027");
    CHECK(format_day_range({day(2027, 1, 28), day(2027, 1, 30), day(2027, 2, 2)}, lang::en) ==
          "28, 30 January and 2 February 2027");
    CHECK(format_day_range({day(2026, 12, 30), day(2027, 1, 2)}, lang::de) == "30. Dezember 2026 und 2. Januar 2027");
}

TEST_CASE("the day range sorts its days and counts a repeated day once") {
    CHECK(format_day_range({day(2027, 1, 28), day(2027, 1, 27)}, lang::de) == "27./28. Januar 2027");
    CHECK(format_day_range({day(2027, 1, 27), day(2027, 1, 27)}, lang::de) == "27. Januar 2027");
}

TEST_CASE("hours are 24-hour local times with an en dash, Uhr in German") {
    CHECK(format_hours(hours{9}, hours{17}, lang::de) ==
          "09:00\u2013"
          "17:00 Uhr");
    CHECK(format_hours(hours{9}, hours{17}, lang::en) ==
          "09:00\u2013"
          "17:00");
    CHECK(format_hours(minutes{8 * 60 + 30}, minutes{12 * 60 + 45}, lang::de) == "08:30–12:45 Uhr");
    CHECK(format_hours(hours{0}, hours{24}, lang::de) == "00:00–24:00 Uhr");
}

TEST_CASE("a schedule with equal hours on every day is one line") {
    std::vector<seminar_day> days{day(2027, 1, 27), day(2027, 1, 28)};
    CHECK(format_schedule(days, lang::de) == "27./28. Januar 2027, 09:00–17:00 Uhr");
    CHECK(format_schedule(days, lang::en) == "27–28 January 2027, 09:00–17:00");
    CHECK(schedule_lines(days, lang::de) == std::vector<std::string>{"27./28. Januar 2027, 09:00–17:00 Uhr"});
}

TEST_CASE("a schedule with different hours has one entry per day in day order") {
    std::vector<seminar_day> days{day(2027, 1, 28, hours{9}, hours{13}), day(2027, 1, 27)};
    CHECK(schedule_lines(days, lang::de) ==
          std::vector<std::string>{"27. Januar 2027, 09:00–17:00 Uhr", "28. Januar 2027, 09:00–13:00 Uhr"});
    CHECK(format_schedule(days, lang::de) == "27. Januar 2027, 09:00–17:00 Uhr; 28. Januar 2027, 09:00–13:00 Uhr");
    CHECK(format_schedule(days, lang::en) == "27 January 2027, 09:00–17:00; 28 January 2027, 09:00–13:00");
}

TEST_CASE("hours on a DST change day stay the local wall times") {
    // 2027-03-28 (spring forward) and 2027-10-31 (fall back) in Europe/Berlin: the text is the wall clock.
    CHECK(format_schedule({day(2027, 3, 28)}, lang::de) == "28. März 2027, 09:00–17:00 Uhr");
    CHECK(format_schedule({day(2027, 10, 31, hours{2}, hours{3})}, lang::de) == "31. Oktober 2027, 02:00–03:00 Uhr");
    const auto* berlin = find_zone("Europe/Berlin");
    REQUIRE(berlin != nullptr);
    auto start = to_instant(*berlin, ymd(2027, 3, 28), hours{9});
    CHECK(format_datetime(start, *berlin, lang::de) == "28. März 2027, 09:00 Uhr");
}

TEST_CASE("the long form of a day carries its weekday") {
    CHECK(format_day_long(ymd(2027, 1, 27), lang::de) == "Mittwoch, 27. Januar 2027");
    CHECK(format_day_long(ymd(2027, 1, 27), lang::en) == "Wednesday, 27 January 2027");
    CHECK(format_day_long(ymd(2028, 2, 29), lang::de) == "Dienstag, 29. Februar 2028");
    CHECK(format_day_long(ymd(2027, 3, 28), lang::de) == "Sonntag, 28. März 2027");
}

TEST_CASE("a German price has dot thousands, comma decimals and the currency after a no-break space") {
    CHECK(format_price(149000, "EUR", lang::de) == "1.490,00" + nbsp + "€");
    CHECK(format_price(149000, "CHF", lang::de) == "1.490,00" + nbsp + "CHF");
    CHECK(format_price(5, "EUR", lang::de) == "0,05" + nbsp + "€");
    CHECK(format_price(0, "EUR", lang::de) == "0,00" + nbsp + "€");
    CHECK(format_price(99999, "EUR", lang::de) == "999,99" + nbsp + "€");
    CHECK(format_price(123456789, "EUR", lang::de) == "1.234.567,89" + nbsp + "€");
    CHECK(format_price(100000000, "USD", lang::de) == "1.000.000,00" + nbsp + "$");
    CHECK(format_price(149000, "", lang::de) == "1.490,00" + nbsp + "€");
    CHECK(format_price(-149050, "EUR", lang::de) == "-1.490,50" + nbsp + "€");
}

TEST_CASE("an English price puts a symbol first, or the code and a no-break space") {
    CHECK(format_price(149000, "EUR", lang::en) == "€1,490.00");
    CHECK(format_price(149000, "GBP", lang::en) == "£1,490.00");
    CHECK(format_price(149000, "USD", lang::en) == "$1,490.00");
    CHECK(format_price(149000, "CHF", lang::en) == "CHF" + nbsp + "1,490.00");
    CHECK(format_price(123456789, "EUR", lang::en) == "€1,234,567.89");
}

TEST_CASE("a missing price is on request") {
    CHECK(format_price(std::nullopt, "EUR", lang::de) == "Preis auf Anfrage");
    CHECK(format_price(std::nullopt, "EUR", lang::en) == "Price on request");
}

TEST_CASE("the extreme price values do not overflow") {
    CHECK(format_price(INT64_MAX, "EUR", lang::de) == "92.233.720.368.547.758,07" + nbsp + "€");
    CHECK(format_price(INT64_MIN, "EUR", lang::de) == "-92.233.720.368.547.758,08" + nbsp + "€");
}

TEST_CASE("an instant is written as local date and time of the zone") {
    const auto* berlin = find_zone("Europe/Berlin");
    REQUIRE(berlin != nullptr);
    // 11:00Z in winter is 12:00 in Berlin.
    instant t = date::sys_days{ymd(2027, 1, 20)} + hours{11};
    CHECK(format_datetime(t, *berlin, lang::de) == "20. Januar 2027, 12:00 Uhr");
    CHECK(format_datetime(t, *berlin, lang::en) == "20 January 2027, 12:00");
    // Seconds are dropped, not rounded.
    CHECK(format_datetime(t + std::chrono::seconds{59}, *berlin, lang::de) == "20. Januar 2027, 12:00 Uhr");
    // 22:30Z on New Year's Eve is already the next year in Berlin.
    instant nye = date::sys_days{ymd(2026, 12, 31)} + hours{23} + minutes{30};
    CHECK(format_datetime(nye, *berlin, lang::de) == "1. Januar 2027, 00:30 Uhr");
    // Summer time: +2.
    instant summer = date::sys_days{ymd(2027, 7, 1)} + hours{10};
    CHECK(format_datetime(summer, *berlin, lang::de) == "1. Juli 2027, 12:00 Uhr");
    const auto* utc = find_zone("UTC");
    REQUIRE(utc != nullptr);
    CHECK(format_datetime(summer, *utc, lang::en) == "1 July 2027, 10:00");
}
