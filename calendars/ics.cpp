// The calendars seminard hands out (see ics.hpp): built with libical's component API, folded by us.
#include "ics.hpp"

#include "calendars/content_line.hpp"
#include "calendars/libical_glue.hpp"
#include "calendars/recurrence.hpp"
#include "calendars/vtimezone.hpp"
#include "domain/invite.hpp"
#include "domain/schedule.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <stdexcept>

namespace seminard::calendars {

namespace {

/// How often subscribers should reload the feed (REFRESH-INTERVAL, X-PUBLISHED-TTL).
constexpr int feed_refresh_seconds = 60 * 60;

using domain::lang;

/// What differs between the events of one date in the three kinds of calendar.
struct event_spec {
    std::string uid;
    int sequence = 0;
    icalproperty_status status = ICAL_STATUS_CONFIRMED;
    std::string description;
    domain::instant last_modified{};
    const domain::registration* attendee = nullptr;  ///< invites only
    icalparameter_partstat partstat = ICAL_PARTSTAT_ACCEPTED;
};

const date::time_zone& zone_of(const domain::seminar_date& d) {
    const auto* zone = domain::find_zone(d.timezone);
    if (!zone) throw std::invalid_argument("seminar date has an unknown time zone");
    return *zone;
}

bool renderable(const domain::seminar_date& d) { return !d.days.empty() && domain::find_zone(d.timezone); }

/// The preconditions of publish_date and invite (the domain guarantees them for stored dates).
void require_renderable(const domain::seminar_date& d) {
    if (d.days.empty()) throw std::invalid_argument("seminar date has no days");
    zone_of(d);
}

std::string seminar_page(const domain::seminar& s, const calendar_context& ctx) {
    return ctx.seminar_url ? clean_uri(ctx.seminar_url(s)) : std::string{};
}

bool cancelled(const domain::seminar_date& d) { return d.status == domain::date_status::cancelled; }

std::string join_blocks(const std::vector<std::string>& blocks) {
    std::string out;
    for (const auto& b : blocks) {
        if (b.empty()) continue;
        if (!out.empty()) out += "\n\n";
        out += b;
    }
    return out;
}

std::string date_description(const domain::seminar& s, const domain::seminar_date& d, const calendar_context& ctx) {
    const bool de = ctx.language == lang::de;
    std::vector<std::string> blocks;
    if (cancelled(d)) blocks.emplace_back(de ? "Dieser Termin wurde abgesagt." : "This date has been cancelled.");
    blocks.push_back(s.description);
    if (auto page = seminar_page(s, ctx); !page.empty())
        blocks.push_back((de ? "Seminarseite: " : "Seminar page: ") + page);
    return join_blocks(blocks);
}

std::string registration_status_text(const domain::registration& r, lang l) {
    const bool de = l == lang::de;
    switch (r.status) {
        case domain::registration_status::confirmed:
            return de ? "bestätigt" : "confirmed";
        case domain::registration_status::waitlisted:
            if (r.waitlist_position) {
                return (de ? "Warteliste, Platz " : "waiting list, position ") + std::to_string(*r.waitlist_position);
            }
            return de ? "Warteliste" : "waiting list";
        case domain::registration_status::cancelled:
            return de ? "storniert" : "cancelled";
    }
    return {};
}

std::string invite_description(const domain::seminar& s,
                               const domain::seminar_date& d,
                               const domain::registration& r,
                               const calendar_context& ctx) {
    const bool de = ctx.language == lang::de;
    const std::string code = (de ? "Anmeldecode: " : "Registration code: ") + r.code;
    const std::string status = "Status: " + registration_status_text(r, ctx.language);
    return join_blocks({date_description(s, d, ctx), code + "\n" + status});
}

void add_tzid(icalproperty* p, const std::string& tzid) {
    icalproperty_add_parameter(p, icalparameter_new_tzid(tzid.c_str()));
}

date::local_seconds local(date::year_month_day day, domain::clock_time t) {
    return date::local_seconds{date::local_days{day} + t};
}

void add_organizer(icalcomponent* ev, const domain::seminar& s, const calendar_context& ctx) {
    const std::string& email = ctx.organizer_email.empty() ? s.organizer_email : ctx.organizer_email;
    if (email.empty()) return;
    icalproperty* p = icalproperty_new_organizer(mailto(email).c_str());
    if (auto cn = clean_param(s.organizer_name); !cn.empty()) {
        icalproperty_add_parameter(p, icalparameter_new_cn(cn.c_str()));
    }
    icalcomponent_add_property(ev, p);
}

void add_attendee(icalcomponent* ev, const domain::registration& r, icalparameter_partstat partstat) {
    icalproperty* p = icalproperty_new_attendee(mailto(r.person.email).c_str());
    if (auto cn = clean_param(r.person.first_name + " " + r.person.last_name); !cn.empty()) {
        icalproperty_add_parameter(p, icalparameter_new_cn(cn.c_str()));
    }
    icalproperty_add_parameter(p, icalparameter_new_cutype(ICAL_CUTYPE_INDIVIDUAL));
    icalproperty_add_parameter(p, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
    icalproperty_add_parameter(p, icalparameter_new_partstat(partstat));
    icalproperty_add_parameter(p, icalparameter_new_rsvp(ICAL_RSVP_FALSE));
    icalcomponent_add_property(ev, p);
}

/// A VEVENT with its identity; the times follow, then add_details.
component_ptr new_event(const calendar_context& ctx, const event_spec& spec) {
    component_ptr ev{icalcomponent_new_vevent()};
    icalcomponent_add_property(ev.get(), icalproperty_new_uid(spec.uid.c_str()));
    icalcomponent_add_property(ev.get(), icalproperty_new_dtstamp(utc_ical_time(ctx.now)));
    icalcomponent_add_property(ev.get(), icalproperty_new_sequence(spec.sequence));
    return ev;
}

/// Everything but identity and times.
void add_details(icalcomponent* e,
                 const domain::seminar& s,
                 const domain::seminar_date& d,
                 const calendar_context& ctx,
                 const event_spec& spec) {
    if (d.created_at != domain::instant{}) {
        icalcomponent_add_property(e, icalproperty_new_created(utc_ical_time(d.created_at)));
    }
    if (spec.last_modified != domain::instant{}) {
        icalcomponent_add_property(e, icalproperty_new_lastmodified(utc_ical_time(spec.last_modified)));
    }
    icalcomponent_add_property(e, icalproperty_new_summary(clean_text(s.title).c_str()));
    if (!s.location.empty()) icalcomponent_add_property(e, icalproperty_new_location(clean_text(s.location).c_str()));
    if (!spec.description.empty()) {
        icalcomponent_add_property(e, icalproperty_new_description(clean_text(spec.description).c_str()));
    }
    if (auto page = seminar_page(s, ctx); !page.empty())
        icalcomponent_add_property(e, icalproperty_new_url(page.c_str()));
    icalcomponent_add_property(e, icalproperty_new_status(spec.status));
    add_organizer(e, s, ctx);
    if (spec.attendee) add_attendee(e, *spec.attendee, spec.partstat);
}

void add_times(icalcomponent* ev, const std::string& tzid, const domain::seminar_day& day) {
    icalproperty* start = icalproperty_new_dtstart(local_ical_time(local(day.day, day.start)));
    add_tzid(start, tzid);
    icalcomponent_add_property(ev, start);
    icalproperty* end = icalproperty_new_dtend(local_ical_time(local(day.day, day.end)));
    add_tzid(end, tzid);
    icalcomponent_add_property(ev, end);
}

/// The date as one recurring VEVENT plus its overrides, added to cal.
void add_date_events(icalcomponent* cal,
                     const domain::seminar& s,
                     const domain::seminar_date& d,
                     const calendar_context& ctx,
                     const event_spec& spec) {
    const auto plan = plan_recurrence(d, zone_of(d));
    const auto& first = plan.days.front();

    auto master = new_event(ctx, spec);
    add_times(master.get(), d.timezone, first);
    if (!plan.rrule.empty()) {
        icalcomponent_add_property(master.get(),
                                   icalproperty_new_rrule(icalrecurrencetype_from_string(plan.rrule.c_str())));
    }
    for (const auto& day : plan.exdates) {
        icalproperty* ex = icalproperty_new_exdate(local_ical_time(local(day, first.start)));
        add_tzid(ex, d.timezone);
        icalcomponent_add_property(master.get(), ex);
    }
    add_details(master.get(), s, d, ctx, spec);
    icalcomponent_add_component(cal, master.release());

    for (std::size_t i : plan.overrides) {
        const auto& day = plan.days[i];
        auto ev = new_event(ctx, spec);
        // The occurrence the rule yields on that day starts at the first day's hour: that is what it replaces.
        icalproperty* rid = icalproperty_new_recurrenceid(local_ical_time(local(day.day, first.start)));
        add_tzid(rid, d.timezone);
        icalcomponent_add_property(ev.get(), rid);
        add_times(ev.get(), d.timezone, day);
        add_details(ev.get(), s, d, ctx, spec);
        icalcomponent_add_component(cal, ev.release());
    }
}

component_ptr new_calendar(const calendar_context& ctx, icalproperty_method method) {
    component_ptr cal{icalcomponent_new_vcalendar()};
    icalcomponent_add_property(cal.get(), icalproperty_new_version("2.0"));
    icalcomponent_add_property(cal.get(), icalproperty_new_prodid(clean_param(ctx.prodid).c_str()));
    icalcomponent_add_property(cal.get(), icalproperty_new_calscale("GREGORIAN"));
    icalcomponent_add_property(cal.get(), icalproperty_new_method(method));
    return cal;
}

/// One VTIMEZONE per zone, covering every date in it.
void add_vtimezones(icalcomponent* cal, const std::vector<const domain::seminar_date*>& dates) {
    struct span {
        const date::time_zone* zone;
        domain::instant from;
        domain::instant to;
    };
    std::map<std::string, span> spans;
    for (const auto* d : dates) {
        const auto intervals = domain::day_intervals(*d);
        if (intervals.empty()) continue;
        const auto from = std::min_element(intervals.begin(), intervals.end(), [](auto& a, auto& b) {
                              return a.start < b.start;
                          })->start;
        const auto to =
            std::max_element(intervals.begin(), intervals.end(), [](auto& a, auto& b) { return a.end < b.end; })->end;
        auto [it, fresh] = spans.try_emplace(d->timezone, span{&zone_of(*d), from, to});
        if (!fresh) {
            it->second.from = std::min(it->second.from, from);
            it->second.to = std::max(it->second.to, to);
        }
    }
    for (const auto& [tzid, sp] : spans) {
        auto tz = vtimezone_component(tzid, zone_observances(*sp.zone, sp.from, sp.to));
        icalcomponent_add_component(cal, tz.release());
    }
}

/// A date for everyone (PUBLISH, the feed, or its CANCEL).
event_spec published_spec(const domain::seminar& s, const domain::seminar_date& d, const calendar_context& ctx) {
    const bool off = cancelled(d);
    event_spec spec;
    spec.uid = d.uid;
    spec.sequence = off ? cancel_sequence(d) : d.sequence;
    spec.status = off ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED;
    spec.description = date_description(s, d, ctx);
    spec.last_modified = std::max(s.updated_at, d.updated_at);
    return spec;
}

/// libical folds at 75 characters, not octets; so its text is unfolded and folded again on octets.
std::string serialize(icalcomponent* cal) { return fold_lines(unfold_lines(to_ical_string(cal))); }

}  // namespace

int cancel_sequence(const domain::seminar_date& d) { return d.sequence + 1; }

std::string invite_uid(const domain::seminar_date& d, const domain::registration& r) { return r.code + "." + d.uid; }

std::string publish_date(const domain::seminar& s, const domain::seminar_date& d, const calendar_context& ctx) {
    require_renderable(d);
    auto cal = new_calendar(ctx, cancelled(d) ? ICAL_METHOD_CANCEL : ICAL_METHOD_PUBLISH);
    add_vtimezones(cal.get(), {&d});
    add_date_events(cal.get(), s, d, ctx, published_spec(s, d, ctx));
    return serialize(cal.get());
}

std::string invite(const domain::seminar& s,
                   const domain::seminar_date& d,
                   const domain::registration& r,
                   const calendar_context& ctx) {
    require_renderable(d);
    const bool registration_off = r.status == domain::registration_status::cancelled;
    const bool off = domain::invite_cancels(d, r);  // the mail's texts ask the same rule
    const bool waiting = r.status == domain::registration_status::waitlisted;
    auto cal = new_calendar(ctx, off ? ICAL_METHOD_CANCEL : ICAL_METHOD_REQUEST);
    add_vtimezones(cal.get(), {&d});
    event_spec spec;
    spec.uid = invite_uid(d, r);
    spec.sequence = off ? cancel_sequence(d) : d.sequence;
    spec.status = off ? ICAL_STATUS_CANCELLED : waiting ? ICAL_STATUS_TENTATIVE : ICAL_STATUS_CONFIRMED;
    spec.description = invite_description(s, d, r, ctx);
    spec.last_modified = std::max({s.updated_at, d.updated_at, r.updated_at});
    spec.attendee = &r;
    spec.partstat = registration_off ? ICAL_PARTSTAT_DECLINED
                    : waiting        ? ICAL_PARTSTAT_TENTATIVE
                                     : ICAL_PARTSTAT_ACCEPTED;
    add_date_events(cal.get(), s, d, ctx, spec);
    return serialize(cal.get());
}

std::string feed(const std::vector<std::pair<domain::seminar, domain::seminar_date>>& dates,
                 const calendar_context& ctx,
                 std::string_view calendar_name) {
    auto cal = new_calendar(ctx, ICAL_METHOD_PUBLISH);
    const std::string name = clean_param(calendar_name);
    icalcomponent_add_property(cal.get(), icalproperty_new_name(name.c_str()));
    // libical writes X- values without escaping ; and , so those become spaces here; NAME keeps the exact text.
    std::string x_name = name;
    std::replace_if(
        x_name.begin(), x_name.end(), [](char c) { return c == ';' || c == ',' || c == '\\'; }, ' ');
    icalproperty* calname = icalproperty_new_x(x_name.c_str());
    icalproperty_set_x_name(calname, "X-WR-CALNAME");
    icalcomponent_add_property(cal.get(), calname);
    icalcomponent_add_property(cal.get(),
                               icalproperty_new_refreshinterval(icaldurationtype_from_int(feed_refresh_seconds)));
    char* refresh = icaldurationtype_as_ical_string_r(icaldurationtype_from_int(feed_refresh_seconds));
    icalproperty* ttl = icalproperty_new_x(refresh);
    std::free(refresh);
    icalproperty_set_x_name(ttl, "X-PUBLISHED-TTL");
    icalcomponent_add_property(cal.get(), ttl);

    std::vector<const domain::seminar_date*> usable;
    for (const auto& entry : dates) {
        if (renderable(entry.second)) usable.push_back(&entry.second);
    }
    add_vtimezones(cal.get(), usable);
    for (const auto& [s, d] : dates) {
        if (renderable(d)) add_date_events(cal.get(), s, d, ctx, published_spec(s, d, ctx));
    }
    return serialize(cal.get());
}

}  // namespace seminard::calendars
