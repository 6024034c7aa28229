// Registrations: the public "Jetzt anmelden" POST, the attendee's private token routes, the organiser's list
// and cancel.
#include "access_log.hpp"
#include "form.hpp"
#include "handlers.hpp"
#include "json_codec.hpp"

#include "domain/admission.hpp"
#include "storage/store.hpp"

namespace seminard::server {

namespace {

constexpr int default_page_size = 50;
constexpr int max_page_size = 500;
/// The registration form's hidden "website" field: people never see it, form-filling bots do.
bool honeypot_filled(const json& body) {
    auto it = body.find("website");
    return it != body.end() && it->is_string() && !it->get<std::string>().empty();
}

bool wants_html(const http_request& req) { return req.header("Accept").find("text/html") != std::string_view::npos; }

/// Everything the attendee view needs, loaded in the same transaction or snapshot as the change.
struct attendee_view {
    domain::seminar seminar;
    domain::seminar_date date;
    domain::registration registration;
    std::string token;
};

/// `known_date`: the date when the caller has just read it (in the same transaction), so it is not read twice.
domain::result<attendee_view> load_view(storage::connection& c,
                                        domain::registration reg,
                                        std::string token,
                                        std::optional<domain::seminar_date> known_date = std::nullopt) {
    auto d = known_date ? std::move(known_date) : storage::find_date(c, reg.date_id);
    if (!d) return domain::errc::not_found;
    auto s = storage::find_seminar_by_id(c, d->seminar_id);
    if (!s) return domain::errc::not_found;
    return attendee_view{std::move(*s), std::move(*d), std::move(reg), std::move(token)};
}

/// 429 with the seconds until the client's bucket holds a token again.
http_response too_many_requests(std::chrono::seconds retry_after, domain::lang lang) {
    auto res = error_response(domain::errc::too_many_requests, lang);
    res.set("Retry-After", std::to_string(retry_after.count()));
    return res;
}

}  // namespace

void add_registration_routes(router& r, services& svc) {
    r.add("POST", "/api/v1/dates/{id}/registrations", [&svc](const std::shared_ptr<exchange>& ex) {
        // Counted before anything else, so that garbage and bot submissions use up the budget too.
        if (auto d = svc.submissions.acquire(ex->request().remote_address); !d.allowed)
            return ex->respond(too_many_requests(d.retry_after, ex->lang));
        auto id = parse_id(ex->param("id"));
        if (!id) return ex->respond(error_response(domain::errc::not_found, ex->lang));
        auto body = body_object(ex->request(), true);
        if (!body) return ex->respond(error_response(body.err(), ex->lang));
        if (honeypot_filled(*body)) {
            // A bot filled the field people cannot see: answer like a success, store nothing.
            log_event("info", "honeypot: dropped a registration");
            if (wants_html(ex->request())) {
                http_response res;
                res.status = 303;
                res.set("Location", svc.cfg.public_url + "/");
                return ex->respond(std::move(res));
            }
            return ex->respond(json_response(202, json{{"status", "received"}}));
        }
        auto input = registration_input_from(*body);
        if (!input) return ex->respond(error_response(input.err(), ex->lang));
        auto person = domain::make_attendee(*input);
        if (!person) return ex->respond(error_response(person.err(), ex->lang));
        const bool redirect = wants_html(ex->request()) && iequals(ex->request().header("Content-Type").substr(0, 33),
                                                                   "application/x-www-form-urlencoded");
        svc.write<attendee_view>(
            ex,
            [id = *id, p = std::move(*person), now = svc.now()](
                storage::connection& c) -> domain::result<attendee_view> {
                auto created = storage::register_attendee(c, id, p, now);
                if (!created) return std::move(created).err();
                return load_view(
                    c, std::move(created->registration), std::move(created->token), std::move(created->date));
            },
            [&svc, lang = ex->lang, redirect](attendee_view& v) {
                link_base links{svc.cfg.public_url};
                auto self = svc.cfg.public_url + "/api/v1/registrations/" + v.token;
                if (redirect) {
                    http_response res;
                    res.status = 303;
                    res.set("Location", self + (lang == domain::lang::en ? "?lang=en" : ""));
                    res.set("Cache-Control", "no-store");
                    return res;
                }
                auto res = json_response(
                    201, attendee_view_json(v.seminar, v.date, v.registration, v.token, svc.now(), lang, links));
                res.set("Location", self);
                res.set("Cache-Control", "no-store");
                return res;
            });
    });

    r.add("GET", "/api/v1/registrations/{token}", [&svc](const std::shared_ptr<exchange>& ex) {
        const auto& token = ex->param("token");
        if (!plausible_token(token)) return ex->respond(error_response(domain::errc::not_found, ex->lang));
        svc.read(ex, [&svc, ex, token](storage::connection& c) {
            auto reg = storage::find_registration_by_token(c, storage::sha256(token));
            if (!reg) return error_response(domain::errc::not_found, ex->lang);
            auto v = load_view(c, std::move(*reg), token);
            if (!v) return error_response(v.err(), ex->lang);
            auto res = json_response(
                200,
                attendee_view_json(
                    v->seminar, v->date, v->registration, token, svc.now(), ex->lang, link_base{svc.cfg.public_url}));
            res.set("Cache-Control", "no-store");
            return res;
        });
    });

    r.add("DELETE", "/api/v1/registrations/{token}", [&svc](const std::shared_ptr<exchange>& ex) {
        const auto& token = ex->param("token");
        if (!plausible_token(token)) return ex->respond(error_response(domain::errc::not_found, ex->lang));
        svc.write<attendee_view>(
            ex,
            [token, now = svc.now()](storage::connection& c) -> domain::result<attendee_view> {
                auto reg = storage::find_registration_by_token(c, storage::sha256(token));
                if (!reg) return domain::errc::not_found;
                auto change = storage::cancel_registration(c, reg->id, storage::canceller::attendee, now);
                if (!change) return std::move(change).err();
                return load_view(c, std::move(change->registration), token, std::move(change->date));
            },
            [&svc, lang = ex->lang](attendee_view& v) {
                auto res = json_response(
                    200,
                    attendee_view_json(
                        v.seminar, v.date, v.registration, v.token, svc.now(), lang, link_base{svc.cfg.public_url}));
                res.set("Cache-Control", "no-store");
                return res;
            });
    });

    r.add("POST", "/api/v1/registrations/{code}/cancel", [&svc](const std::shared_ptr<exchange>& ex) {
        if (!svc.authorize(ex)) return;
        auto code = domain::canonical_code(ex->param("code"));
        if (code.empty()) return ex->respond(error_response(domain::errc::not_found, ex->lang));
        svc.write<storage::registration_change>(
            ex,
            [code, now = svc.now()](storage::connection& c) -> domain::result<storage::registration_change> {
                auto reg = storage::find_registration_by_code(c, code);
                if (!reg) return domain::errc::not_found;
                return storage::cancel_registration(c, reg->id, storage::canceller::organiser, now);
            },
            [](storage::registration_change& change) {
                auto j = registration_json(change.registration);
                json promoted = json::array();
                for (const auto& p : change.promoted) promoted.push_back(p.code);
                j["promoted"] = std::move(promoted);
                return json_response(200, j);
            });
    });

    r.add("GET", "/api/v1/dates/{id}/registrations", [&svc](const std::shared_ptr<exchange>& ex) {
        if (!svc.authorize(ex)) return;
        auto id = parse_id(ex->param("id"));
        if (!id) return ex->respond(error_response(domain::errc::not_found, ex->lang));
        const auto& query = ex->request().query;
        domain::error problems{domain::errc::invalid_fields};
        int limit = default_page_size;
        if (auto v = query_param(query, "limit")) {
            auto n = parse_id(*v);
            if (!n || *n > max_page_size)
                problems.fields.emplace("limit", domain::field_problem::invalid_value);
            else
                limit = static_cast<int>(*n);
        }
        std::int64_t cursor = 0;
        if (auto v = query_param(query, "cursor")) {
            auto n = parse_id(*v);
            if (!n)
                problems.fields.emplace("cursor", domain::field_problem::invalid_value);
            else
                cursor = *n;
        }
        std::optional<domain::registration_status> status;
        if (auto v = query_param(query, "status")) {
            status = domain::parse_registration_status(*v);
            if (!status) problems.fields.emplace("status", domain::field_problem::invalid_value);
        }
        if (!problems.fields.empty()) return ex->respond(error_response(problems, ex->lang));
        svc.read(ex, [ex, id = *id, status, limit, cursor](storage::connection& c) {
            if (!storage::find_date(c, id)) return error_response(domain::errc::not_found, ex->lang);
            auto page = storage::list_registrations(c, id, status, limit, cursor);
            json items = json::array();
            for (const auto& reg : page.items) items.push_back(registration_json(reg));
            auto res = json_response(
                200,
                json{{"items", std::move(items)},
                     {"total", page.total},
                     {"next_cursor", page.next_cursor ? json(std::to_string(*page.next_cursor)) : json(nullptr)}});
            res.set("Cache-Control", "no-store");
            return res;
        });
    });
}

}  // namespace seminard::server
