// The iCalendar routes: a date (PUBLISH/CANCEL), the feed of upcoming dates, a registration's personal invite.
#include "server/handlers/json_codec.hpp"
#include "server/handlers/routes.hpp"

#include "calendars/ics.hpp"
#include "domain/offer.hpp"
#include "domain/schedule.hpp"
#include "storage/store.hpp"

namespace seminard::server {

namespace {

constexpr std::string_view feed_name_de = "Seminartermine";
constexpr std::string_view feed_name_en = "Seminar dates";

calendars::calendar_context context_of(const services& svc, domain::lang lang) {
    calendars::calendar_context ctx;
    ctx.seminar_url = [&svc](const domain::seminar& s) { return svc.urls.seminar_page(s.slug); };
    ctx.organizer_email = svc.cfg.site.calendar_organizer_email;
    ctx.now = svc.now();
    ctx.language = lang;
    return ctx;
}

/// A validator that ignores DTSTAMP (the generation time), so an unchanged calendar keeps its ETag.
std::string etag_of(std::string_view ics) {
    std::string stable;
    stable.reserve(ics.size());
    while (!ics.empty()) {
        auto eol = ics.find("\r\n");
        auto line = ics.substr(0, eol == std::string_view::npos ? ics.size() : eol + 2);
        if (line.rfind("DTSTAMP", 0) != 0) stable.append(line);
        ics.remove_prefix(line.size());
    }
    auto d = storage::sha256(stable);
    return "\"" + storage::to_hex(std::span<const std::uint8_t>{d.data(), 16}) + "\"";
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
    while (!if_none_match.empty()) {
        auto comma = if_none_match.find(',');
        auto item = if_none_match.substr(0, comma);
        if_none_match = comma == std::string_view::npos ? std::string_view{} : if_none_match.substr(comma + 1);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (item.rfind("W/", 0) == 0) item.remove_prefix(2);
        if (item == "*" || item == etag) return true;
    }
    return false;
}

std::string_view method_of(std::string_view ics) {
    auto pos = ics.find("\r\nMETHOD:");
    if (pos == std::string_view::npos) return "PUBLISH";
    auto rest = ics.substr(pos + 9);
    return rest.substr(0, rest.find("\r\n"));
}

/// The calendar answer: content type with its iTIP method, a file name, an ETag.
http_response calendar_response(std::string ics, std::string filename, bool cacheable) {
    http_response res;
    auto etag = etag_of(ics);
    res.set("Content-Type", "text/calendar; charset=utf-8; method=" + std::string{method_of(ics)});
    // The file name is built from our own slug/code alphabet only, so it cannot break the header.
    res.set("Content-Disposition", "attachment; filename=\"" + filename + "\"");
    res.set("ETag", etag);
    if (cacheable) {
        res.set("Cache-Control", "public, max-age=300");
    } else {
        res.set("Cache-Control", "private, no-store");
    }
    res.body = std::move(ics);
    return res;
}

/// If-None-Match naming the current ETag: 304 without a body.
http_response conditional(const http_request& req, http_response res) {
    if (res.status == 200 && etag_matches(req.header("If-None-Match"), res.header("ETag"))) {
        res.status = 304;
        res.body.clear();
    }
    return res;
}

std::string date_filename(const domain::seminar& s, const domain::seminar_date& d) {
    return s.slug + "-" + (d.days.empty() ? std::to_string(d.id) : domain::format_day(d.days.front().day)) + ".ics";
}

/// A registration's personal invite (REQUEST, or CANCEL once cancelled), never cached by others.
http_response invite_answer(const services& svc,
                            const std::shared_ptr<exchange>& ex,
                            storage::connection& c,
                            const std::optional<domain::registration>& reg) {
    if (!reg) return error_response(domain::errc::not_found, ex->lang);
    auto d = storage::find_date(c, reg->date_id);
    if (!d) return error_response(domain::errc::not_found, ex->lang);
    auto s = storage::find_seminar_by_id(c, d->seminar_id);
    if (!s) return error_response(domain::errc::not_found, ex->lang);
    return conditional(
        ex->request(),
        calendar_response(
            calendars::invite(*s, *d, *reg, context_of(svc, ex->lang)), s->slug + "-" + reg->code + ".ics", false));
}

}  // namespace

void add_calendar_routes(router& r, services& svc) {
    r.add("GET", "/api/v1/dates/{id}/calendar.ics", access::anyone, [&svc](const std::shared_ptr<exchange>& ex) {
        auto id = parse_id(ex->param("id"));
        if (!id) return ex->respond(error_response(domain::errc::not_found, ex->lang));
        auto key = "date.ics|" + std::to_string(*id) + "|" + std::string{domain::lang_code(ex->lang)};
        svc.cached_read(
            ex,
            std::move(key),
            [&svc, lang = ex->lang, id = *id](storage::connection& c) {
                auto d = storage::find_date(c, id);
                if (!d) return error_response(domain::errc::not_found, lang);
                auto s = storage::find_seminar_by_id(c, d->seminar_id);
                if (!s) return error_response(domain::errc::not_found, lang);
                return calendar_response(
                    calendars::publish_date(*s, *d, context_of(svc, lang)), date_filename(*s, *d), true);
            },
            conditional);
    });

    r.add("GET", "/api/v1/calendar.ics", access::anyone, [&svc](const std::shared_ptr<exchange>& ex) {
        svc.cached_read(
            ex,
            "feed.ics|" + std::string{domain::lang_code(ex->lang)},
            [&svc, lang = ex->lang](storage::connection& c) {
                const auto now = svc.now();
                std::vector<std::pair<domain::seminar, domain::seminar_date>> upcoming;
                for (const auto& s : storage::list_seminars(c))
                    for (auto& d : storage::dates_of(c, s.id))
                        if (domain::in_feed(d, now)) upcoming.emplace_back(s, std::move(d));
                auto name = lang == domain::lang::en ? feed_name_en : feed_name_de;
                return calendar_response(calendars::feed(upcoming, context_of(svc, lang), name), "seminare.ics", true);
            },
            conditional);
    });

    // The read-only key of the links we hand out, and the private token that mails and pages linked before.
    r.add("GET", "/api/v1/invites/{key}", access::invite_key, [&svc](const std::shared_ptr<exchange>& ex) {
        svc.read(ex, [&svc, ex, key = std::string{without_ics(ex->param("key"))}](storage::connection& c) {
            return invite_answer(svc, ex, c, storage::find_registration_by_invite_key(c, key));
        });
    });
    r.add("GET",
          "/api/v1/registrations/{token}/invite.ics",
          access::attendee,
          [&svc](const std::shared_ptr<exchange>& ex) {
              svc.read(ex, [&svc, ex, token = ex->param("token")](storage::connection& c) {
                  return invite_answer(svc, ex, c, storage::find_registration_by_token(c, token));
              });
          });
}

}  // namespace seminard::server
