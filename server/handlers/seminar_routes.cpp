// Seminars and dates: the public listing and the organiser's create/patch routes.
#include "server/handlers/json_codec.hpp"
#include "server/handlers/routes.hpp"

#include "domain/format_de.hpp"

#include "storage/store.hpp"

namespace seminard::server {

namespace {

json seminar_with_dates(
    storage::connection& c, const domain::seminar& s, domain::instant now, domain::lang lang, const site_urls& links) {
    auto j = seminar_json(s);
    j["price"] = domain::format_price(s.price_cents, s.currency, lang);
    json dates = json::array();
    for (const auto& d : storage::dates_of(c, s.id))
        dates.push_back(date_json(s, d, storage::availability(c, d.id), now, lang, links));
    j["dates"] = std::move(dates);
    return j;
}

struct seminar_and_date {
    domain::seminar seminar;
    domain::seminar_date date;
    domain::date_availability availability;
};

}  // namespace

void add_seminar_routes(router& r, services& svc) {
    r.add("GET", "/api/v1/seminars", access::anyone, [&svc](const std::shared_ptr<exchange>& ex) {
        svc.cached_read(ex,
                        std::string{"seminars|"} + std::string{domain::lang_code(ex->lang)},
                        [&svc, lang = ex->lang](storage::connection& c) {
                            json list = json::array();
                            const auto now = svc.now();
                            for (const auto& s : storage::list_seminars(c))
                                list.push_back(seminar_with_dates(c, s, now, lang, svc.urls));
                            return json_response(200, json{{"seminars", std::move(list)}});
                        });
    });

    r.add("GET", "/api/v1/seminars/{slug}", access::anyone, [&svc](const std::shared_ptr<exchange>& ex) {
        auto key = "seminar|" + ex->param("slug") + "|" + std::string{domain::lang_code(ex->lang)};
        svc.cached_read(ex, std::move(key), [&svc, slug = ex->param("slug"), lang = ex->lang](storage::connection& c) {
            auto s = storage::find_seminar(c, slug);
            if (!s) return error_response(domain::errc::not_found, lang);
            return json_response(200, seminar_with_dates(c, *s, svc.now(), lang, svc.urls));
        });
    });

    r.add("POST", "/api/v1/seminars", access::organiser, [&svc](const std::shared_ptr<exchange>& ex) {
        auto body = body_object(ex->request(), false);
        if (!body) return ex->respond(error_response(body.err(), ex->lang));
        auto input = seminar_input_from(*body);
        if (!input) return ex->respond(error_response(input.err(), ex->lang));
        auto seminar = domain::make_seminar(*input);
        if (!seminar) return ex->respond(error_response(seminar.err(), ex->lang));
        svc.write<domain::seminar>(
            ex,
            [s = std::move(*seminar), now = svc.now()](storage::connection& c) {
                return storage::create_seminar(c, s, now);
            },
            [&svc](domain::seminar& s) {
                auto res = json_response(201, seminar_json(s));
                res.set("Location", svc.urls.seminar_api(s.slug));
                return res;
            });
    });

    r.add("PATCH", "/api/v1/seminars/{slug}", access::organiser, [&svc](const std::shared_ptr<exchange>& ex) {
        auto body = body_object(ex->request(), false);
        if (!body) return ex->respond(error_response(body.err(), ex->lang));
        auto input = seminar_input_from(*body);
        if (!input) return ex->respond(error_response(input.err(), ex->lang));
        svc.write<domain::seminar>(
            ex,
            [slug = ex->param("slug"), in = std::move(*input), now = svc.now()](storage::connection& c) {
                return storage::update_seminar(c, slug, in, now);
            },
            [](domain::seminar& s) { return json_response(200, seminar_json(s)); });
    });

    r.add("POST", "/api/v1/seminars/{slug}/dates", access::organiser, [&svc](const std::shared_ptr<exchange>& ex) {
        auto body = body_object(ex->request(), false);
        if (!body) return ex->respond(error_response(body.err(), ex->lang));
        auto input = date_input_from(*body);
        if (!input) return ex->respond(error_response(input.err(), ex->lang));
        auto date = domain::make_date(*input);
        if (!date) return ex->respond(error_response(date.err(), ex->lang));
        svc.write<seminar_and_date>(
            ex,
            [slug = ex->param("slug"), d = std::move(*date), now = svc.now()](
                storage::connection& c) mutable -> domain::result<seminar_and_date> {
                auto s = storage::find_seminar(c, slug);
                if (!s) return domain::errc::not_found;
                d.seminar_id = s->id;
                auto created = storage::create_date(c, std::move(d), now);
                if (!created) return std::move(created).err();
                return seminar_and_date{std::move(*s), std::move(*created), {}};
            },
            [&svc, lang = ex->lang](seminar_and_date& sd) {
                auto res =
                    json_response(201, date_json(sd.seminar, sd.date, sd.availability, svc.now(), lang, svc.urls));
                res.set("Location", svc.urls.date_api(sd.date.id));
                return res;
            });
    });

    r.add("GET", "/api/v1/dates/{id}", access::anyone, [&svc](const std::shared_ptr<exchange>& ex) {
        auto id = parse_id(ex->param("id"));
        if (!id) return ex->respond(error_response(domain::errc::not_found, ex->lang));
        svc.read(ex, [&svc, ex, id = *id](storage::connection& c) {
            auto d = storage::find_date(c, id);
            if (!d) return error_response(domain::errc::not_found, ex->lang);
            auto s = storage::find_seminar_by_id(c, d->seminar_id);
            if (!s) return error_response(domain::errc::not_found, ex->lang);
            return json_response(200, date_json(*s, *d, storage::availability(c, id), svc.now(), ex->lang, svc.urls));
        });
    });

    r.add("PATCH", "/api/v1/dates/{id}", access::organiser, [&svc](const std::shared_ptr<exchange>& ex) {
        auto id = parse_id(ex->param("id"));
        if (!id) return ex->respond(error_response(domain::errc::not_found, ex->lang));
        auto body = body_object(ex->request(), false);
        if (!body) return ex->respond(error_response(body.err(), ex->lang));
        auto input = date_input_from(*body);
        if (!input) return ex->respond(error_response(input.err(), ex->lang));
        struct patched {
            seminar_and_date sd;
            std::vector<domain::registration> promoted;
        };
        svc.write<patched>(
            ex,
            [id = *id, in = std::move(*input), now = svc.now()](storage::connection& c) -> domain::result<patched> {
                auto u = storage::update_date(c, id, in, now);
                if (!u) return std::move(u).err();
                auto s = storage::find_seminar_by_id(c, u->date.seminar_id);
                if (!s) return domain::errc::not_found;
                return patched{{std::move(*s), std::move(u->date), storage::availability(c, id)},
                               std::move(u->promoted)};
            },
            [&svc, lang = ex->lang](patched& p) {
                auto j = date_json(p.sd.seminar, p.sd.date, p.sd.availability, svc.now(), lang, svc.urls);
                json promoted = json::array();
                for (const auto& reg : p.promoted) promoted.push_back(reg.code);
                j["promoted"] = std::move(promoted);
                return json_response(200, j);
            });
    });
}

}  // namespace seminard::server
