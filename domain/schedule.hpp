// Time rules of a seminar date: local days to UTC instants, deadlines, ISO 8601 in and out.
// All zone arithmetic goes through Howard Hinnant's tz; nothing here computes an offset by hand.
#pragma once

#include "model.hpp"

#include <date/tz.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace seminard::domain {

/// The zone for an IANA name, or nullptr when the tz database does not know it.
/// Thread-safe: the database is loaded once and never changes afterwards.
const date::time_zone* find_zone(std::string_view name) noexcept;

struct interval {
    instant start;
    instant end;
};

/// Local wall time in `zone` to UTC. In a DST gap the time moves to the transition; in an overlap the
/// earlier instant wins (what a person in the room means by "09:00" on a normal seminar day).
instant to_instant(const date::time_zone& zone, date::year_month_day day, clock_time t);

/// UTC start and end of every day of a date, in day order. The date's zone must be valid.
std::vector<interval> day_intervals(const seminar_date& d);
instant first_start(const seminar_date& d);
instant last_end(const seminar_date& d);

/// When registration closes: the explicit deadline, or the start of the first day.
instant closes_at(const seminar_date& d);
bool is_past(const seminar_date& d, instant now);
/// Open when scheduled, and now is before the deadline.
bool registration_open(const seminar_date& d, instant now);

/// "2027-01-27T09:00:00+01:00" in the given zone; "…Z" when zone is null.
std::string to_iso8601(instant t, const date::time_zone* zone = nullptr);
/// Strict ISO 8601 with seconds optional and an explicit offset or Z: "2027-01-20T12:00:00+01:00".
std::optional<instant> parse_iso8601(std::string_view s);
/// "YYYY-MM-DD", a real calendar day.
std::optional<date::year_month_day> parse_day(std::string_view s);
/// "HH:MM", 00:00 to 24:00.
std::optional<clock_time> parse_clock(std::string_view s);
std::string format_day(date::year_month_day d);  ///< "YYYY-MM-DD"
std::string format_clock(clock_time t);          ///< "HH:MM"

}  // namespace seminard::domain
