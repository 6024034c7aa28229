// Input rules (see validation.hpp).
#include "validation.hpp"

#include "field_checker.hpp"
#include "schedule.hpp"
#include "text.hpp"

#include <algorithm>

namespace seminard::domain {

namespace {

bool valid_slug(std::string_view s) {
    if (s.empty() || s.size() > limits::slug || s.front() == '-' || s.back() == '-') return false;
    return std::all_of(
        s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

bool valid_currency(std::string_view s) {
    return s.size() == 3 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

void apply_seminar_fields(field_checker& c, seminar& s, const seminar_input& in, bool creating) {
    auto field = [&](const std::optional<std::string>& v,
                     const char* name,
                     std::size_t max,
                     bool required,
                     std::string& target,
                     bool multiline = false) {
        if (v) {
            target = c.text(name, *v, max, required, multiline);
        } else if (creating && required) {
            c.add(name, field_problem::required);
        }
    };
    if (in.slug) {
        auto v = trim(*in.slug);
        if (v.empty())
            c.add("slug", field_problem::required);
        else if (v.size() > limits::slug)
            c.add("slug", field_problem::too_long);
        else if (!valid_slug(v))
            c.add("slug", field_problem::invalid_format);
        s.slug = v;
    } else if (creating) {
        c.add("slug", field_problem::required);
    }
    field(in.title, "title", limits::title, true, s.title);
    field(in.description, "description", limits::description, false, s.description, true);
    field(in.location, "location", limits::location, false, s.location);
    field(in.organizer_name, "organizer_name", limits::person_name, true, s.organizer_name);
    if (in.organizer_email) {
        s.organizer_email = c.email("organizer_email", *in.organizer_email, true);
    } else if (creating) {
        c.add("organizer_email", field_problem::required);
    }
    if (in.currency) {
        auto v = trim(*in.currency);
        if (!valid_currency(v)) c.add("currency", field_problem::invalid_format);
        s.currency = v;
    }
    if (in.price_cents) {
        const auto& p = *in.price_cents;
        if (p && (*p < 0 || *p > limits::max_price_cents)) c.add("price_cents", field_problem::invalid_value);
        s.price_cents = p;
    }
    if (in.billing) {
        if (auto mode = parse_billing_mode(trim(*in.billing)))
            s.billing = *mode;
        else
            c.add("billing", field_problem::invalid_value);
    }
    if (in.questions) {
        if (auto questions = make_questions(*in.questions))
            s.questions = std::move(*questions);
        else
            c.merge(questions.err());
    }
    field(in.cancellation_terms, "cancellation_terms", limits::cancellation_terms, false, s.cancellation_terms, true);
    if (in.self_cancel_days) {
        const auto& days = *in.self_cancel_days;
        if (days && (*days < 0 || *days > limits::max_self_cancel_days))
            c.add("self_cancel_days", field_problem::invalid_value);
        s.self_cancel_days = days;
    }
}

/// Parses and checks the days; `positions` gets, for each day of `out` (sorted), its index in `in`.
void check_days(field_checker& c,
                const std::vector<day_input>& in,
                std::vector<seminar_day>& out,
                std::vector<std::size_t>& positions) {
    out.clear();
    positions.clear();
    if (in.empty()) {
        c.add("days", field_problem::required);
        return;
    }
    if (in.size() > limits::days_per_date) {
        c.add("days", field_problem::too_long);
        return;
    }
    bool entries_ok = true;  // only this field's own problems matter below, not those of other fields
    for (std::size_t i = 0; i < in.size(); ++i) {
        auto prefix = "days[" + std::to_string(i) + "].";
        auto day = parse_day(in[i].day);
        auto start = parse_clock(in[i].start);
        auto end = parse_clock(in[i].end);
        if (!day) c.add(prefix + "date", field_problem::invalid_format);
        if (!start) c.add(prefix + "start", field_problem::invalid_format);
        if (!end) c.add(prefix + "end", field_problem::invalid_format);
        if (start && end && *end <= *start) c.add(prefix + "end", field_problem::invalid_value);
        if (day && start && end && *end > *start) {
            out.push_back({*day, *start, *end});
            positions.push_back(i);
        } else {
            entries_ok = false;
        }
    }
    if (!entries_ok) return;
    std::vector<std::size_t> order(out.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&out](std::size_t a, std::size_t b) {
        return date::sys_days{out[a].day} < date::sys_days{out[b].day};
    });
    std::vector<seminar_day> sorted;
    std::vector<std::size_t> sorted_positions;
    for (auto k : order) {
        sorted.push_back(out[k]);
        sorted_positions.push_back(positions[k]);
    }
    out = std::move(sorted);
    positions = std::move(sorted_positions);
    for (std::size_t i = 1; i < out.size(); ++i)
        if (out[i].day == out[i - 1].day) c.add("days", field_problem::invalid_value);  // one entry per day
}

/// A local time that does not exist on its day (the clocks jump over it in spring) is refused: parsers disagree
/// about what it means (ical.js reads 02:30 on a gap day as 00:30Z, RFC 5545 3.3.5 as 01:30Z).
void check_times_exist(field_checker& c,
                       const date::time_zone& zone,
                       const std::vector<seminar_day>& days,
                       const std::vector<std::size_t>& positions) {
    for (std::size_t i = 0; i < days.size(); ++i) {
        const auto prefix = "days[" + std::to_string(positions[i]) + "].";
        for (auto [field, t] : {std::pair{"start", days[i].start}, {"end", days[i].end}}) {
            const auto local = date::local_seconds{date::local_days{days[i].day} + t};
            if (zone.get_info(local).result == date::local_info::nonexistent)
                c.add(prefix + field, field_problem::nonexistent_time);
        }
    }
}

void check_deadline(field_checker& c, const seminar_date& d) {
    if (d.registration_closes_at && *d.registration_closes_at > first_start(d))
        c.add("registration_closes_at", field_problem::invalid_value);  // must not be after the start
}

}  // namespace

result<seminar> make_seminar(const seminar_input& in) {
    field_checker c;
    seminar s;
    apply_seminar_fields(c, s, in, true);
    if (!c.ok()) return std::move(c).failure();
    return s;
}

bool calendar_fields_differ(const seminar& a, const seminar& b) noexcept {
    return a.title != b.title || a.location != b.location || a.description != b.description ||
           a.organizer_name != b.organizer_name || a.organizer_email != b.organizer_email || a.slug != b.slug;
}

result<seminar_change> patch_seminar(const seminar& current, const seminar_input& in) {
    field_checker c;
    seminar_change ch{current, false};
    apply_seminar_fields(c, ch.updated, in, false);
    if (!c.ok()) return std::move(c).failure();
    ch.calendar_visible = calendar_fields_differ(current, ch.updated);
    return ch;
}

result<seminar_date> make_date(const date_input& in) {
    field_checker c;
    seminar_date d;
    if (!in.timezone)
        c.add("timezone", field_problem::required);
    else if (!find_zone(*in.timezone))
        c.add("timezone", field_problem::unknown_zone);
    else
        d.timezone = *in.timezone;
    std::vector<std::size_t> positions;
    if (!in.days)
        c.add("days", field_problem::required);
    else
        check_days(c, *in.days, d.days, positions);
    if (const auto* zone = find_zone(d.timezone); zone && c.ok()) check_times_exist(c, *zone, d.days, positions);
    if (!in.capacity)
        c.add("capacity", field_problem::required);
    else if (*in.capacity < 1 || *in.capacity > limits::max_capacity)
        c.add("capacity", field_problem::invalid_value);
    else
        d.capacity = *in.capacity;
    d.waitlist = in.waitlist.value_or(false);
    if (in.registration_closes_at && *in.registration_closes_at) {
        auto t = parse_iso8601(**in.registration_closes_at);
        if (!t)
            c.add("registration_closes_at", field_problem::invalid_format);
        else
            d.registration_closes_at = *t;
    }
    if (in.status && *in.status != "scheduled") c.add("status", field_problem::not_allowed);
    if (c.ok()) check_deadline(c, d);
    if (!c.ok()) return std::move(c).failure();
    return d;
}

result<date_change> patch_date(const seminar_date& current, const date_input& in, int confirmed) {
    if (current.status == date_status::cancelled) return errc::date_cancelled;
    field_checker c;
    date_change ch{current};
    auto& d = ch.updated;
    if (in.timezone) {
        if (!find_zone(*in.timezone))
            c.add("timezone", field_problem::unknown_zone);
        else if (*in.timezone != d.timezone) {
            d.timezone = *in.timezone;
            ch.visible = true;
        }
    }
    std::vector<std::size_t> positions(d.days.size());
    for (std::size_t i = 0; i < positions.size(); ++i) positions[i] = i;
    if (in.days) {
        std::vector<seminar_day> days;
        check_days(c, *in.days, days, positions);
        if (c.ok() && days != d.days) {
            d.days = std::move(days);
            ch.visible = true;
        }
    }
    // New days, or the old days in a new zone: every hour must exist there.
    if (const auto* zone = find_zone(d.timezone); zone && c.ok() && (in.days || in.timezone))
        check_times_exist(c, *zone, d.days, positions);
    if (in.capacity) {
        if (*in.capacity < 1 || *in.capacity > limits::max_capacity)
            c.add("capacity", field_problem::invalid_value);
        else
            d.capacity = *in.capacity;
    }
    if (in.waitlist) d.waitlist = *in.waitlist;
    if (in.registration_closes_at) {
        if (!*in.registration_closes_at) {
            d.registration_closes_at.reset();
        } else if (auto t = parse_iso8601(**in.registration_closes_at)) {
            d.registration_closes_at = *t;
        } else {
            c.add("registration_closes_at", field_problem::invalid_format);
        }
    }
    if (in.status) {
        if (*in.status == "cancelled") {
            d.status = date_status::cancelled;
            ch.cancelled = true;
            ch.visible = true;
        } else if (*in.status != "scheduled") {
            c.add("status", field_problem::invalid_value);
        }
    }
    if (c.ok()) check_deadline(c, d);
    if (!c.ok()) return std::move(c).failure();
    if (!ch.cancelled && d.capacity < confirmed) return error{errc::capacity_below_confirmed};
    if (ch.visible) d.sequence = current.sequence + 1;
    return ch;
}

result<attendee> make_attendee(const registration_input& in) {
    field_checker c;
    attendee a;
    a.first_name = c.text("first_name", in.first_name, limits::person_name, true);
    a.last_name = c.text("last_name", in.last_name, limits::person_name, true);
    a.email = c.email("email", in.email, true);
    a.company = c.text("company", in.company, limits::company, false);
    a.job_title = c.text("job_title", in.job_title, limits::job_title, false);
    a.phone = c.text("phone", in.phone, limits::phone, false);
    if (!a.phone.empty() && !c.has("phone")) {
        bool plausible = std::all_of(a.phone.begin(), a.phone.end(), [](char ch) {
            return (ch >= '0' && ch <= '9') || ch == ' ' || ch == '+' || ch == '-' || ch == '/' || ch == '(' ||
                   ch == ')' || ch == '.';
        });
        if (!plausible) c.add("phone", field_problem::invalid_format);
    }
    if (!in.privacy_consent) c.add("privacy_consent", field_problem::must_accept);
    if (!c.ok()) return std::move(c).failure();
    return a;
}

}  // namespace seminard::domain
