// A multi-day seminar date as ONE recurring event (RFC 5546: one UID per iTIP message): the first day plus an RRULE,
// EXDATE for days the rule yields that are no seminar days, RECURRENCE-ID overrides for days with other hours.
#pragma once

#include "domain/model.hpp"

#include <date/tz.h>

#include <cstddef>
#include <string>
#include <vector>

namespace seminard::calendars {

struct recurrence_plan {
    std::vector<domain::seminar_day> days;      ///< the date's days, sorted and distinct; days[0] is the master
    std::string rrule;                          ///< e.g. "FREQ=DAILY;COUNT=2"; empty for a one-day date
    std::vector<date::year_month_day> exdates;  ///< days the rule yields that are not seminar days
    std::vector<std::size_t> overrides;         ///< indexes into days whose occurrence differs from the master's
};

/// Consecutive days: FREQ=DAILY;COUNT=n. Days a whole number of weeks apart: FREQ=WEEKLY;INTERVAL=k;COUNT=n.
/// Anything else: FREQ=DAILY;COUNT=<days from first to last> with an EXDATE per missing day (never RDATE: Outlook
/// ignores it without RRULE). A day is overridden when its local hours differ from the first day's, or when its
/// length in real time does (a day across a DST switch): RFC 5545 gives every instance the master's exact duration
/// while some clients (ical.js) add it as wall-clock time, and an override makes both read the same instants.
recurrence_plan plan_recurrence(const domain::seminar_date& d, const date::time_zone& zone);

}  // namespace seminard::calendars
