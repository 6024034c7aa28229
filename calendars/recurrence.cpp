// A multi-day seminar date as one recurring event (see recurrence.hpp).
#include "recurrence.hpp"

#include "domain/schedule.hpp"

#include <algorithm>

namespace seminard::calendars {

namespace {

constexpr int days_per_week = 7;

int days_between(date::year_month_day a, date::year_month_day b) {
    return static_cast<int>((date::sys_days{b} - date::sys_days{a}).count());
}

std::chrono::seconds real_length(const date::time_zone& zone, const domain::seminar_day& day) {
    return domain::to_instant(zone, day.day, day.end) - domain::to_instant(zone, day.day, day.start);
}

}  // namespace

recurrence_plan plan_recurrence(const domain::seminar_date& d, const date::time_zone& zone) {
    recurrence_plan plan;
    plan.days = d.days;
    std::sort(plan.days.begin(), plan.days.end(), [](const auto& a, const auto& b) { return a.day < b.day; });
    plan.days.erase(
        std::unique(plan.days.begin(), plan.days.end(), [](const auto& a, const auto& b) { return a.day == b.day; }),
        plan.days.end());
    if (plan.days.size() <= 1) return plan;

    const auto& first = plan.days.front();
    const auto count = std::to_string(plan.days.size());
    std::vector<int> steps;
    for (std::size_t i = 1; i < plan.days.size(); ++i)
        steps.push_back(days_between(plan.days[i - 1].day, plan.days[i].day));
    const bool even = std::all_of(steps.begin(), steps.end(), [&](int s) { return s == steps.front(); });

    if (even && steps.front() == 1) {
        plan.rrule = "FREQ=DAILY;COUNT=" + count;
    } else if (even && steps.front() % days_per_week == 0) {
        const int weeks = steps.front() / days_per_week;
        plan.rrule =
            "FREQ=WEEKLY;" + (weeks > 1 ? "INTERVAL=" + std::to_string(weeks) + ";" : std::string{}) + "COUNT=" + count;
    } else {
        const int span = days_between(first.day, plan.days.back().day) + 1;
        plan.rrule = "FREQ=DAILY;COUNT=" + std::to_string(span);
        std::size_t next = 1;
        for (int offset = 1; offset < span; ++offset) {
            const date::year_month_day day{date::sys_days{first.day} + date::days{offset}};
            if (plan.days[next].day == day) {
                ++next;
            } else {
                plan.exdates.push_back(day);
            }
        }
    }

    const auto first_length = real_length(zone, first);
    for (std::size_t i = 1; i < plan.days.size(); ++i) {
        const auto& day = plan.days[i];
        if (day.start != first.start || day.end != first.end || real_length(zone, day) != first_length) {
            plan.overrides.push_back(i);
        }
    }
    return plan;
}

}  // namespace seminard::calendars
