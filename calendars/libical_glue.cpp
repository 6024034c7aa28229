// Glue to libical (see libical_glue.hpp).
#include "libical_glue.hpp"

#include <cstdlib>

namespace seminard::calendars {

std::string to_ical_string(icalcomponent* c) {
    char* raw = icalcomponent_as_ical_string_r(c);
    std::string out = raw ? raw : "";
    std::free(raw);
    return out;
}

namespace {

icaltimetype ical_time(date::local_seconds t) {
    const auto day = date::floor<date::days>(t);
    const date::year_month_day ymd{day};
    const date::hh_mm_ss tod{t - day};
    icaltimetype out = icaltime_null_time();
    out.year = static_cast<int>(ymd.year());
    out.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
    out.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
    out.hour = static_cast<int>(tod.hours().count());
    out.minute = static_cast<int>(tod.minutes().count());
    out.second = static_cast<int>(tod.seconds().count());
    out.is_date = 0;
    return out;
}

}  // namespace

icaltimetype local_ical_time(date::local_seconds t) { return ical_time(t); }

icaltimetype utc_ical_time(domain::instant t) {
    auto out = ical_time(date::local_seconds{t.time_since_epoch()});
    // The UTC zone is a static inside libical, not one of its (vendor-prefixed) built-in zones.
    out.zone = icaltimezone_get_utc_timezone();
    return out;
}

}  // namespace seminard::calendars
