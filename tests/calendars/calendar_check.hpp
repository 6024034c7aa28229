// Shared by the calendars tests: sample seminars and dates, the RFC 5545 line checks, libical's reading of our
// output, and the run of ical.js (node) on it.
#pragma once

#include "calendars/ics.hpp"
#include "calendars/libical_glue.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace seminard::calendars::test {

date::year_month_day ymd(int y, unsigned m, unsigned d);
domain::instant utc(int y, unsigned m, unsigned d, int h, int min = 0);
domain::seminar_day day(int y, unsigned m, unsigned d, int start_h, int end_h, int start_min = 0, int end_min = 0);

domain::seminar sample_seminar();
/// Two days in Europe/Berlin, 2027-01-27/28, 09:00–17:00 (08:00–16:00Z).
domain::seminar_date berlin_two_days();
/// 2027-03-27 and 2027-03-29 in Europe/Berlin, 09:00–17:00: a gap on the 28th, the DST switch.
domain::seminar_date berlin_dst();
domain::registration sample_registration();
calendar_context sample_context();

/// A parsed calendar, freed on destruction.
struct parsed {
    explicit parsed(const std::string& ics);
    component_ptr root;
};

/// Every line ends in CRLF, holds at most 75 octets and is valid UTF-8 on its own; the text ends in CRLF.
void check_lines(const std::string& ics);
/// What libical objects to: its parse errors (X-LIC-ERROR) and failed iTIP restrictions (icalrestriction_check);
/// a missing METHOD counts as a problem, because without it the restrictions check nothing inside VEVENT.
std::vector<std::string> libical_problems(const std::string& ics);
/// check_lines, plus: libical parses it, no X-LIC-ERROR anywhere, icalrestriction_check passes (METHOD set).
void check_well_formed(const std::string& ics);

/// The values of all properties `name` of all VEVENTs as libical reads them (unfolded; TEXT unescaped).
std::vector<std::string> event_values(const std::string& ics, const char* name);
/// The parameter `param` of all properties `name` of all VEVENTs as libical reads it (unquoted).
std::vector<std::string> event_params(const std::string& ics, const char* name, const char* param);
/// The number of properties `name` anywhere in the calendar, as libical reads them.
std::size_t count_properties(const std::string& ics, const char* name);
/// The whole text unfolded, for searching.
std::string unfolded(const std::string& ics);

struct occurrence {
    std::string uid;
    std::string start_utc;  ///< "2027-01-27T08:00:00Z"
    std::string end_utc;
    friend bool operator==(const occurrence&, const occurrence&) = default;
};
std::ostream& operator<<(std::ostream& os, const occurrence& o);

/// Start and end of every VEVENT as libical converts them to UTC through the calendar's own VTIMEZONE (no
/// expansion: masters and overrides as written).
std::vector<occurrence> libical_event_times(const std::string& ics);

/// Every occurrence as ical.js expands it (node check.mjs), sorted by start. Fails the test when node or the
/// installed ical.js is missing.
std::vector<occurrence> icaljs_occurrences(const std::string& ics);

}  // namespace seminard::calendars::test
