// Tests for a multi-day seminar date as one recurring event: RRULE, EXDATE for gaps, overrides for other hours.
#include "calendars/recurrence.hpp"

#include "calendar_check.hpp"
#include "domain/schedule.hpp"

#include <catch2/catch.hpp>

using namespace seminard;
using namespace seminard::calendars;
using namespace seminard::calendars::test;

namespace {

const date::time_zone& berlin() { return *domain::find_zone("Europe/Berlin"); }

domain::seminar_date with_days(std::vector<domain::seminar_day> days) {
    auto d = berlin_two_days();
    d.days = std::move(days);
    return d;
}

}  // namespace

TEST_CASE("a one-day date needs no rule") {
    const auto plan = plan_recurrence(with_days({day(2027, 1, 27, 9, 17)}), berlin());
    CHECK(plan.rrule.empty());
    CHECK(plan.exdates.empty());
    CHECK(plan.overrides.empty());
}

TEST_CASE("consecutive days with the same hours are a daily rule") {
    const auto plan = plan_recurrence(berlin_two_days(), berlin());
    CHECK(plan.rrule == "FREQ=DAILY;COUNT=2");
    CHECK(plan.exdates.empty());
    CHECK(plan.overrides.empty());
}

TEST_CASE("a gap between days becomes an EXDATE, never an RDATE") {
    const auto plan = plan_recurrence(berlin_dst(), berlin());
    CHECK(plan.rrule == "FREQ=DAILY;COUNT=3");
    CHECK(plan.exdates == std::vector{ymd(2027, 3, 28)});
    CHECK(plan.overrides.empty());
}

TEST_CASE("days a week apart are a weekly rule") {
    const auto plan =
        plan_recurrence(with_days({day(2027, 3, 1, 9, 12), day(2027, 3, 8, 9, 12), day(2027, 3, 15, 9, 12)}), berlin());
    CHECK(plan.rrule == "FREQ=WEEKLY;COUNT=3");
    const auto fortnightly = plan_recurrence(with_days({day(2027, 3, 1, 9, 12), day(2027, 3, 15, 9, 12)}), berlin());
    CHECK(fortnightly.rrule == "FREQ=WEEKLY;INTERVAL=2;COUNT=2");
}

TEST_CASE("days with other hours become overrides and days come sorted") {
    const auto plan = plan_recurrence(
        with_days({day(2027, 1, 29, 9, 13), day(2027, 1, 27, 9, 17), day(2027, 1, 28, 10, 17)}), berlin());
    CHECK(plan.days.front().day == ymd(2027, 1, 27));
    CHECK(plan.rrule == "FREQ=DAILY;COUNT=3");
    CHECK(plan.overrides == std::vector<std::size_t>{1, 2});
}

TEST_CASE("a day across a DST switch is an override even with the same wall-clock hours") {
    // 00:00–23:00 is 23 hours on the 27th and 22 hours on the 28th (clocks jump from 02:00 to 03:00).
    const auto plan = plan_recurrence(with_days({day(2027, 3, 27, 0, 23), day(2027, 3, 28, 0, 23)}), berlin());
    CHECK(plan.overrides == std::vector<std::size_t>{1});
}
