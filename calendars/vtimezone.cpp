// VTIMEZONE from the tz database (see vtimezone.hpp).
#include "vtimezone.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace seminard::calendars {

namespace {

using std::chrono::seconds;

/// Onsets before this are written as this (the usual floor of generated VTIMEZONEs); nothing we schedule is older.
constexpr date::year oldest_onset_year{1970};
/// tz marks "no transition before" with a sentinel far in the past.
constexpr date::year sentinel_before{1800};
constexpr unsigned max_nth_weekday = 4;
constexpr unsigned days_per_week = 7;

struct transition {
    domain::instant at;  ///< UTC
    seconds from{};
    seconds to{};
    bool daylight = false;
    std::string name;
};

/// DAYLIGHT is the summer offset. tz flags it with a non-zero save, except in zones with "negative DST"
/// (Europe/Dublin: winter is flagged, and the TZif files on the system keep only the flag, not its sign). A flagged
/// switch to a lower offset, or an unflagged switch up out of a flagged period, is that case: swap the labels, as
/// Outlook and Windows expect summer to be DAYLIGHT.
bool is_daylight(const date::sys_info& before, const date::sys_info& after) {
    using std::chrono::minutes;
    const bool flagged = after.save != minutes{0};
    if (flagged && after.offset < before.offset) return false;
    if (!flagged && before.save != minutes{0} && after.offset > before.offset) return true;
    return flagged;
}

date::local_seconds onset(const transition& t) { return date::local_seconds{t.at.time_since_epoch() + t.from}; }

date::year year_of(date::local_seconds t) { return date::year_month_day{date::floor<date::days>(t)}.year(); }

observance once(const transition& t) { return {t.daylight, onset(t), t.from, t.to, t.name, std::nullopt}; }

/// The rules that describe the onset's day: "last <weekday> of the month" (tried first, as tz rules mostly say) and
/// "n-th <weekday> of the month".
std::vector<yearly_rule> candidate_rules(date::local_seconds onset) {
    const auto day = date::floor<date::days>(onset);
    const date::year_month_day ymd{day};
    const unsigned weekday = date::weekday{day}.c_encoding();
    const unsigned month = static_cast<unsigned>(ymd.month());
    const auto d = static_cast<unsigned>(ymd.day());
    const auto month_length = static_cast<unsigned>((ymd.year() / ymd.month() / date::last).day());
    std::vector<yearly_rule> out;
    if (d + days_per_week > month_length) out.push_back({month, weekday, -1});
    if (auto nth = (d - 1) / days_per_week + 1; nth <= max_nth_weekday)
        out.push_back({month, weekday, static_cast<int>(nth)});
    return out;
}

date::local_seconds rule_onset(const yearly_rule& r, date::year y, seconds time_of_day) {
    const date::weekday wd{r.weekday};
    const date::month m{r.month};
    const date::local_days day = r.ordinal < 0 ? date::local_days{y / m / wd[date::last]}
                                               : date::local_days{y / m / wd[static_cast<unsigned>(r.ordinal)]};
    return day + time_of_day;
}

/// A rule that regenerates exactly the group's transitions inside [window_start, window_end), or none.
std::optional<yearly_rule> find_rule(const std::vector<transition>& group,
                                     domain::instant window_start,
                                     domain::instant window_end) {
    const auto first = onset(group.front());
    const auto time_of_day = first - date::floor<date::days>(first);
    const auto last_year = year_of(date::local_seconds{window_end.time_since_epoch() + group.front().from});
    for (const auto& rule : candidate_rules(first)) {
        std::vector<domain::instant> generated;
        for (auto y = year_of(first); y <= last_year; ++y) {
            const domain::instant at{rule_onset(rule, y, time_of_day).time_since_epoch() - group.front().from};
            if (at >= window_start && at < window_end) generated.push_back(at);
        }
        const bool same = std::equal(
            generated.begin(), generated.end(), group.begin(), group.end(), [](domain::instant g, const transition& t) {
                return g == t.at;
            });
        if (same) return rule;
    }
    return std::nullopt;
}

}  // namespace

std::vector<observance> zone_observances(const date::time_zone& zone, domain::instant from, domain::instant to) {
    const auto last_year = date::year_month_day{date::floor<date::days>(std::max(from, to))}.year();
    const domain::instant window_end{date::sys_days{(last_year + date::years{1}) / date::January / 1}};

    auto info = zone.get_info(from);
    std::vector<transition> transitions;
    const bool has_onset = info.begin > date::sys_days{sentinel_before / date::January / 1};
    if (has_onset) {
        const auto before = zone.get_info(info.begin - seconds{1});
        transitions.push_back({info.begin, before.offset, info.offset, is_daylight(before, info), info.abbrev});
    }
    while (info.end < window_end) {
        const auto next = zone.get_info(info.end);
        transitions.push_back({info.end, info.offset, next.offset, is_daylight(info, next), next.abbrev});
        info = next;
    }

    if (transitions.size() <= 1) {
        // One offset over the whole span: a single STANDARD, from 1970 at the latest.
        const auto current = zone.get_info(from);
        const date::local_seconds floor{date::local_days{oldest_onset_year / date::January / 1}};
        if (transitions.empty() || onset(transitions.front()) < floor) {
            return {observance{false, floor, current.offset, current.offset, current.abbrev, std::nullopt}};
        }
        auto only = once(transitions.front());
        only.daylight = false;
        return {only};
    }

    // Group the transitions by what they switch to; each group becomes one observance with a yearly rule when the
    // rule reproduces it exactly, else one observance per transition.
    const domain::instant window_start = transitions.front().at;
    std::map<std::tuple<bool, seconds, seconds, std::string>, std::vector<transition>> groups;
    for (const auto& t : transitions) groups[{t.daylight, t.from, t.to, t.name}].push_back(t);

    std::vector<observance> out;
    for (const auto& [key, group] : groups) {
        if (auto rule = find_rule(group, window_start, window_end)) {
            auto o = once(group.front());
            o.rule = rule;
            out.push_back(std::move(o));
        } else {
            for (const auto& t : group) out.push_back(once(t));
        }
    }
    std::sort(out.begin(), out.end(), [](const observance& a, const observance& b) { return a.start < b.start; });
    return out;
}

namespace {

std::string rrule_text(const yearly_rule& r) {
    static constexpr const char* weekdays[] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};
    return "FREQ=YEARLY;BYMONTH=" + std::to_string(r.month) + ";BYDAY=" + std::to_string(r.ordinal) +
           weekdays[r.weekday % days_per_week];
}

}  // namespace

component_ptr vtimezone_component(std::string_view tzid, const std::vector<observance>& observances) {
    component_ptr tz{icalcomponent_new_vtimezone()};
    icalcomponent_add_property(tz.get(), icalproperty_new_tzid(std::string{tzid}.c_str()));
    for (const auto& o : observances) {
        component_ptr sub{o.daylight ? icalcomponent_new_xdaylight() : icalcomponent_new_xstandard()};
        icalcomponent_add_property(sub.get(), icalproperty_new_dtstart(local_ical_time(o.start)));
        icalcomponent_add_property(sub.get(), icalproperty_new_tzoffsetfrom(static_cast<int>(o.offset_from.count())));
        icalcomponent_add_property(sub.get(), icalproperty_new_tzoffsetto(static_cast<int>(o.offset_to.count())));
        if (!o.name.empty()) icalcomponent_add_property(sub.get(), icalproperty_new_tzname(o.name.c_str()));
        if (o.rule) {
            const auto rule = icalrecurrencetype_from_string(rrule_text(*o.rule).c_str());
            icalcomponent_add_property(sub.get(), icalproperty_new_rrule(rule));
        }
        icalcomponent_add_component(tz.get(), sub.release());
    }
    return tz;
}

}  // namespace seminard::calendars
