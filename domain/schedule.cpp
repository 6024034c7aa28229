// Time rules of a seminar date (see schedule.hpp).
#include "schedule.hpp"

#include <algorithm>
#include <cstdio>

namespace seminard::domain {

namespace {

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int to_int(std::string_view s) {
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
}

}  // namespace

const date::time_zone* find_zone(std::string_view name) noexcept {
    if (name.empty() || name.size() > 64) return nullptr;
    try {
        return date::locate_zone(name);
    } catch (const std::exception&) {
        return nullptr;
    }
}

instant to_instant(const date::time_zone& zone, date::year_month_day day, clock_time t) {
    auto local = date::local_days{day} + t;
    auto info = zone.get_info(local);
    switch (info.result) {
        case date::local_info::unique:
        case date::local_info::ambiguous:  // earliest: the first offset
            return date::sys_seconds{
                std::chrono::duration_cast<std::chrono::seconds>(local.time_since_epoch() - info.first.offset)};
        case date::local_info::nonexistent:
            return date::floor<std::chrono::seconds>(info.second.begin);
    }
    return {};
}

std::vector<interval> day_intervals(const seminar_date& d) {
    std::vector<interval> out;
    const auto* zone = find_zone(d.timezone);
    if (!zone) return out;
    out.reserve(d.days.size());
    for (const auto& day : d.days)
        out.push_back({to_instant(*zone, day.day, day.start), to_instant(*zone, day.day, day.end)});
    return out;
}

instant first_start(const seminar_date& d) {
    auto iv = day_intervals(d);
    return iv.empty() ? instant{} : iv.front().start;
}

instant last_end(const seminar_date& d) {
    auto iv = day_intervals(d);
    return iv.empty() ? instant{} : iv.back().end;
}

instant closes_at(const seminar_date& d) {
    auto start = first_start(d);
    if (d.registration_closes_at && *d.registration_closes_at < start) return *d.registration_closes_at;
    return start;
}

bool is_past(const seminar_date& d, instant now) { return now >= last_end(d); }

bool registration_open(const seminar_date& d, instant now) {
    return d.status == date_status::scheduled && now < closes_at(d);
}

namespace {

/// Writes `value` as exactly `width` decimal digits (zero-padded) at `at`.
void put_digits(char* at, unsigned value, int width) {
    for (int i = width - 1; i >= 0; --i) {
        at[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

/// "YYYY-MM-DD" followed, when `with_time`, by "THH:MM:SS", for `seconds` since 1970-01-01 on a wall clock (UTC or
/// local). Written digit by digit, because date::format builds an ostringstream with its locale on every call (see
/// docs/performance.md). Years outside 0..9999 go the slow way.
std::string calendar_text(std::chrono::seconds seconds, bool with_time) {
    const auto day = date::floor<date::days>(date::sys_seconds{seconds});
    const date::year_month_day ymd{day};
    const int year = static_cast<int>(ymd.year());
    if (year < 0 || year > 9999) {
        return with_time ? date::format("%FT%T", date::sys_seconds{seconds}) : date::format("%F", ymd);
    }
    std::string out(with_time ? 19 : 10, '-');
    put_digits(out.data(), static_cast<unsigned>(year), 4);
    put_digits(out.data() + 5, static_cast<unsigned>(ymd.month()), 2);
    put_digits(out.data() + 8, static_cast<unsigned>(ymd.day()), 2);
    if (with_time) {
        const auto in_day = static_cast<unsigned>((date::sys_seconds{seconds} - day).count());
        out[10] = 'T';
        put_digits(out.data() + 11, in_day / 3600, 2);
        out[13] = ':';
        put_digits(out.data() + 14, in_day / 60 % 60, 2);
        out[16] = ':';
        put_digits(out.data() + 17, in_day % 60, 2);
    }
    return out;
}

}  // namespace

std::string to_iso8601(instant t, const date::time_zone* zone) {
    if (!zone) return calendar_text(t.time_since_epoch(), true) + 'Z';
    auto info = zone->get_info(t);
    auto minutes = std::chrono::duration_cast<std::chrono::minutes>(info.offset).count();
    char sign = minutes < 0 ? '-' : '+';
    minutes = minutes < 0 ? -minutes : minutes;
    char offset[] = "+hh:mm";
    offset[0] = sign;
    put_digits(offset + 1, static_cast<unsigned>(minutes / 60), 2);
    put_digits(offset + 4, static_cast<unsigned>(minutes % 60), 2);
    return calendar_text(t.time_since_epoch() + info.offset, true) + offset;
}

std::optional<instant> parse_iso8601(std::string_view s) {
    // YYYY-MM-DDTHH:MM[:SS](Z|±HH:MM)
    if (s.size() < 17) return std::nullopt;
    auto day = parse_day(s.substr(0, 10));
    if (!day || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')) return std::nullopt;
    auto rest = s.substr(11);
    if (rest.size() < 5 || rest[2] != ':' || !all_digits(rest.substr(0, 2)) || !all_digits(rest.substr(3, 2)))
        return std::nullopt;
    int hh = to_int(rest.substr(0, 2)), mm = to_int(rest.substr(3, 2)), ss = 0;
    rest.remove_prefix(5);
    if (!rest.empty() && rest[0] == ':') {
        if (rest.size() < 3 || !all_digits(rest.substr(1, 2))) return std::nullopt;
        ss = to_int(rest.substr(1, 2));
        rest.remove_prefix(3);
    }
    if (hh > 23 || mm > 59 || ss > 59) return std::nullopt;
    int offset_minutes = 0;
    if (rest == "Z" || rest == "z") {
        offset_minutes = 0;
    } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':' &&
               all_digits(rest.substr(1, 2)) && all_digits(rest.substr(4, 2))) {
        int oh = to_int(rest.substr(1, 2)), om = to_int(rest.substr(4, 2));
        if (oh > 18 || om > 59) return std::nullopt;
        offset_minutes = (oh * 60 + om) * (rest[0] == '-' ? -1 : 1);
    } else {
        return std::nullopt;
    }
    auto t = date::sys_days{*day} + std::chrono::hours{hh} + std::chrono::minutes{mm} + std::chrono::seconds{ss} -
             std::chrono::minutes{offset_minutes};
    return instant{t};
}

std::optional<date::year_month_day> parse_day(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    if (!all_digits(s.substr(0, 4)) || !all_digits(s.substr(5, 2)) || !all_digits(s.substr(8, 2))) return std::nullopt;
    date::year_month_day ymd{date::year{to_int(s.substr(0, 4))},
                             date::month{static_cast<unsigned>(to_int(s.substr(5, 2)))},
                             date::day{static_cast<unsigned>(to_int(s.substr(8, 2)))}};
    if (!ymd.ok() || ymd.year() < date::year{1970} || ymd.year() > date::year{9999}) return std::nullopt;
    return ymd;
}

std::optional<clock_time> parse_clock(std::string_view s) {
    if (s.size() != 5 || s[2] != ':' || !all_digits(s.substr(0, 2)) || !all_digits(s.substr(3, 2))) return std::nullopt;
    int hh = to_int(s.substr(0, 2)), mm = to_int(s.substr(3, 2));
    if (mm > 59 || hh > 24 || (hh == 24 && mm != 0)) return std::nullopt;
    return clock_time{hh * 60 + mm};
}

std::string format_day(date::year_month_day d) { return calendar_text(date::sys_days{d}.time_since_epoch(), false); }

std::string format_clock(clock_time t) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(t.count() / 60), static_cast<int>(t.count() % 60));
    return buf;
}

}  // namespace seminard::domain
