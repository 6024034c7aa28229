// VTIMEZONE generated from the tz database (date/tz) for the span of an event: the compact STANDARD/DAYLIGHT form
// with yearly RRULEs that Outlook and Thunderbird accept, TZID exactly the IANA name (never libical's built-in zones).
#pragma once

#include "calendars/libical_glue.hpp"
#include "domain/model.hpp"

#include <date/tz.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace seminard::calendars {

/// RRULE:FREQ=YEARLY;BYMONTH=<month>;BYDAY=<ordinal><weekday>, e.g. the last Sunday of March.
struct yearly_rule {
    unsigned month = 1;    ///< 1..12
    unsigned weekday = 0;  ///< 0 = Sunday … 6 = Saturday (date::weekday's c_encoding)
    int ordinal = 1;       ///< 1..4 for the n-th weekday of the month, -1 for the last

    friend bool operator==(const yearly_rule&, const yearly_rule&) = default;
};

/// One STANDARD or DAYLIGHT sub-component.
struct observance {
    bool daylight = false;
    date::local_seconds start{};  ///< onset, in the local time in force before it (offset_from), as RFC 5545 wants
    std::chrono::seconds offset_from{};
    std::chrono::seconds offset_to{};
    std::string name;                 ///< TZNAME, the tz abbreviation ("CEST", "JST", "-03")
    std::optional<yearly_rule> rule;  ///< none: happens once, at start

    friend bool operator==(const observance&, const observance&) = default;
};

/// The observances that give every UTC offset of `zone` from `from` to the end of the year of `to`: the transition
/// in force at `from` and every later one up to that year end. When each kind (standard, daylight) follows one
/// yearly rule over that span (checked by regenerating the transitions from the rule), one observance per kind with
/// an RRULE; otherwise one observance per transition. A zone without transitions in the span gets one STANDARD.
/// Pure: reads only the (immutable) tz database; thread-safe.
std::vector<observance> zone_observances(const date::time_zone& zone, domain::instant from, domain::instant to);

/// The VTIMEZONE component with TZID `tzid` and the given observances; the caller owns it.
component_ptr vtimezone_component(std::string_view tzid, const std::vector<observance>& observances);

}  // namespace seminard::calendars
