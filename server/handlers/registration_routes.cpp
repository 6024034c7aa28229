// Registrations: the public "Jetzt anmelden" POST, the attendee's private token routes, the organiser's list
// and cancel.
#include "domain/admission.hpp"
#include "server/handlers/json_codec.hpp"
#include "server/handlers/page_answers.hpp"
#include "server/handlers/routes.hpp"
#include "server/http/form.hpp"
#include "server/log/log.hpp"
#include "storage/store.hpp"

namespace seminard::server {

namespace {

bool wants_html(const http_request& req) { return req.header("Accept").find("text/html") != std::string_view::npos; }

constexpr std::string_view form_type = "application/x-www-form-urlencoded";

/// The form fields a failed submission gives back to the person, as typed.
constexpr std::array<const char*, 7> kept_fields = {
    "date_id", "first_name", "last_name", "email", "company", "job_title", "phone"};

/// Fills `form` with what the person typed (strings only; the checkbox as a flag).
void keep_values(const json& body, form_state& form) {
    for (const char* name : kept_fields) {
        auto it = body.find(name);
        if (it != body.end() && it->is_string()) form.values[name] = it->get<std::string>();
    }
    auto consent = body.find("privacy_consent");
    form.consent = consent != body.end() && flag_value(*consent).value_or(false);
    // The nested groups, by the names the problems have ("billing.city", "answers.topics").
    for (const char* group : {"billing", "answers"}) {
        auto it = body.find(group);
        if (it == body.end() || !it->is_object()) continue;
        for (auto field = it->begin(); field != it->end(); ++field) {
            const auto name = std::string{group} + "." + field.key();
            if (field->is_string()) {
                form.values[name] = field->get<std::string>();
            } else if (field->is_array()) {
                for (const auto& v : *field)
                    if (v.is_string()) form.lists[name].push_back(v.get<std::string>());
            } else if (field->is_boolean() && field->get<bool>()) {
                form.values[name] = "on";
            }
        }
    }
}

/// Everything the attendee view needs, loaded in the same transaction or snapshot as the change.
struct attendee_view {
    domain::seminar seminar;
    domain::seminar_date date;
    domain::registration registration;
    std::string token;
    std::string invite_key;  ///< the read-only calendar key (storage::invite_key)
};

/// `known_date`, `known_seminar`: what the caller has just read (in the same transaction), so it is not read twice.
/// The invite key is left to the caller's thread (see with_invite_key): on the writer every microsecond counts.
domain::result<attendee_view> load_view(storage::connection& c,
                                        domain::registration reg,
                                        std::string token,
                                        std::optional<domain::seminar_date> known_date = std::nullopt,
                                        std::optional<domain::seminar> known_seminar = std::nullopt) {
    auto d = known_date ? std::move(known_date) : storage::find_date(c, reg.date_id);
    if (!d) return domain::errc::not_found;
    auto s = known_seminar ? std::move(known_seminar) : storage::find_seminar_by_id(c, d->seminar_id);
    if (!s) return domain::errc::not_found;
    return attendee_view{std::move(*s), std::move(*d), std::move(reg), std::move(token), {}};
}

attendee_view& with_invite_key(const services& svc, attendee_view& v) {
    v.invite_key = storage::invite_key(svc.key(), v.registration);
    return v;
}

}  // namespace

void submit_registration(services& svc,
                         const std::shared_ptr<exchange>& ex,
                         std::string slug,
                         std::optional<std::int64_t> api_date_id) {
    const auto& req = ex->request();
    const bool is_form = iequals(req.header("Content-Type").substr(0, form_type.size()), form_type);
    // A browser: our own page always, the API when a plain form posts there and the browser asks for HTML.
    const bool browser = !api_date_id || (is_form && wants_html(req));
    // Counted before anything else, so that garbage and bot submissions use up the budget too.
    if (auto d = svc.submissions.acquire(req.remote_address); !d.allowed) {
        if (!browser) return ex->respond(too_many_requests(d.retry_after, ex->lang));
        form_state form;
        form.error = domain::errc::too_many_requests;
        return answer_form_again(svc, ex, slug, api_date_id.value_or(0), std::move(form), 429, d.retry_after);
    }
    auto body = body_object(req, true);
    if (!body) return ex->respond(error_response(body.err(), ex->lang));
    if (honeypot_filled(*body)) {
        // A bot filled the field people cannot see: answer like a success, store nothing.
        log_event("info", "honeypot: dropped a registration");
        if (browser) return ex->respond(redirect_to(svc.urls.home()));
        return ex->respond(json_response(202, json{{"status", "received"}}));
    }
    // What a browser typed comes back with the page if something is wrong; scripts get JSON and need no copy.
    form_state form;
    if (browser) keep_values(*body, form);
    domain::error problems{domain::errc::invalid_fields};
    std::int64_t date_id = api_date_id.value_or(0);
    if (!api_date_id) {
        auto field = form.values.find("date_id");
        auto id = field == form.values.end() ? std::nullopt : parse_id(field->second);
        if (id)
            date_id = *id;
        else
            problems.fields.emplace("date_id",
                                    field == form.values.end() || field->second.empty()
                                        ? domain::field_problem::required
                                        : domain::field_problem::invalid_value);
    }
    std::optional<domain::attendee> person;
    domain::registration_input details;  // billing address and answers: checked in the writer, against the seminar
    bool parsed = false;
    if (auto input = registration_input_from(*body); !input) {
        for (const auto& [name, problem] : input.err().fields) problems.fields.emplace(name, problem);
    } else {
        parsed = true;
        if (auto p = domain::make_attendee(*input); !p)
            for (const auto& [name, problem] : p.err().fields) problems.fields.emplace(name, problem);
        else
            person = std::move(*p);
        details = std::move(*input);
    }
    if (!problems.fields.empty()) {
        // The billing address and answers depend on the seminar: checked against it here too, so that one answer
        // names every problem (this is the error path; the extra read costs nothing on the way to a seat).
        std::optional<domain::registration_input> check_too;
        if (parsed && date_id > 0) check_too = std::move(details);
        if (browser) {
            form.problems = std::move(problems.fields);
            return answer_form_again(svc, ex, slug, date_id, std::move(form), 422, std::nullopt, std::move(check_too));
        }
        if (!check_too) return ex->respond(error_response(problems, ex->lang));
        return svc.read(
            ex,
            [ex, date_id, problems = std::move(problems), in = std::move(*check_too)](storage::connection& c) mutable {
                if (auto d = storage::find_date(c, date_id))
                    if (auto s = storage::find_seminar_by_id(c, d->seminar_id))
                        if (auto more = domain::make_registration_details(in, *s); !more)
                            problems.fields.insert(more.err().fields.begin(), more.err().fields.end());
                return error_response(problems, ex->lang);
            });
    }
    svc.writer.submit<attendee_view>(
        [slug, date_id, p = std::move(*person), details = std::move(details), now = svc.now(), lang = ex->lang](
            storage::connection& c) -> domain::result<attendee_view> {
            // Our page's form: the date must be one of this seminar's (slug).
            auto created = storage::register_attendee(c, date_id, p, details, now, lang, slug);
            if (!created) return std::move(created).err();
            return attendee_view{std::move(*created->seminar),
                                 std::move(created->date),
                                 std::move(created->registration),
                                 std::move(created->token),
                                 {}};
        },
        [&svc, ex, browser, slug, date_id, form = std::move(form)](domain::result<attendee_view> r) mutable {
            if (!r) {
                if (!browser) return ex->respond(error_response(r.err(), ex->lang));
                if (r.err().code == domain::errc::not_found)
                    form.problems.emplace("date_id", domain::field_problem::invalid_value);
                else if (r.err().code == domain::errc::invalid_fields)
                    form.problems = r.err().fields;  // the billing address and answers, checked against the seminar
                else
                    form.error = r.err().code;
                const int status = form.error ? domain::describe(*form.error).http_status : 422;
                return answer_form_again(svc, ex, slug, date_id, std::move(form), status);
            }
            auto v = std::make_shared<attendee_view>(std::move(r).value());
            ex->respond_with([&svc, ex, browser, v] {
                if (browser) return redirect_to(confirmation_page_url(svc, v->token, ex->lang));
                with_invite_key(svc, *v);
                auto self = svc.urls.registration_api(v->token);
                auto res = json_response(201,
                                         confirmation_json(std::move(v->seminar),
                                                           std::move(v->date),
                                                           std::move(v->registration),
                                                           v->token,
                                                           v->invite_key,
                                                           ex->lang,
                                                           svc.urls));
                res.set("Location", self);
                res.set("Cache-Control", "no-store");
                return res;
            });
        });
}

void add_registration_routes(router& r, services& svc) {
    r.add("POST", "/api/v1/dates/{id}/registrations", access::anyone, [&svc](const std::shared_ptr<exchange>& ex) {
        auto id = parse_id(ex->param("id"));
        if (!id) return ex->respond(error_response(domain::errc::not_found, ex->lang));
        submit_registration(svc, ex, {}, *id);
    });

    r.add("GET", "/api/v1/registrations/{token}", access::attendee, [&svc](const std::shared_ptr<exchange>& ex) {
        const auto& token = ex->param("token");
        svc.read(ex, [&svc, ex, token](storage::connection& c) {
            auto reg = storage::find_registration_by_token(c, token);
            if (!reg) return error_response(domain::errc::not_found, ex->lang);
            auto v = load_view(c, std::move(*reg), token);
            if (!v) return error_response(v.err(), ex->lang);
            with_invite_key(svc, *v);
            auto res = json_response(
                200,
                attendee_view_json(
                    v->seminar, v->date, v->registration, token, v->invite_key, svc.now(), ex->lang, svc.urls));
            res.set("Cache-Control", "no-store");
            return res;
        });
    });

    r.add("DELETE", "/api/v1/registrations/{token}", access::attendee, [&svc](const std::shared_ptr<exchange>& ex) {
        const auto& token = ex->param("token");
        svc.write<attendee_view>(
            ex,
            [token, now = svc.now()](storage::connection& c) -> domain::result<attendee_view> {
                auto reg = storage::find_registration_by_token(c, token);
                if (!reg) return domain::errc::not_found;
                auto change = storage::cancel_registration(c, reg->id, storage::canceller::attendee, now);
                if (!change) return std::move(change).err();
                return load_view(
                    c, std::move(change->registration), token, std::move(change->date), std::move(change->seminar));
            },
            [&svc, lang = ex->lang](attendee_view& v) {
                with_invite_key(svc, v);
                auto res = json_response(
                    200,
                    attendee_view_json(
                        v.seminar, v.date, v.registration, v.token, v.invite_key, svc.now(), lang, svc.urls));
                res.set("Cache-Control", "no-store");
                return res;
            });
    });

    r.add(
        "POST", "/api/v1/registrations/{code}/cancel", access::organiser, [&svc](const std::shared_ptr<exchange>& ex) {
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

    // Rebooking (Umbuchung): {date_id, if_full?: "waitlist" (default) | "refuse"}.
    r.add("POST", "/api/v1/registrations/{code}/move", access::organiser, [&svc](const std::shared_ptr<exchange>& ex) {
        auto code = domain::canonical_code(ex->param("code"));
        if (code.empty()) return ex->respond(error_response(domain::errc::not_found, ex->lang));
        auto body = body_object(ex->request(), false);
        if (!body) return ex->respond(error_response(body.err(), ex->lang));
        auto input = move_input_from(*body);
        if (!input) return ex->respond(error_response(input.err(), ex->lang));
        svc.write<storage::move_change>(
            ex,
            [code, in = *input, now = svc.now()](storage::connection& c) -> domain::result<storage::move_change> {
                auto reg = storage::find_registration_by_code(c, code);
                if (!reg) return domain::errc::not_found;
                return storage::move_registration(
                    c,
                    reg->id,
                    in.date_id,
                    in.refuse_when_full ? storage::when_full::refuse : storage::when_full::waitlist,
                    now);
            },
            [](storage::move_change& change) {
                auto j = registration_json(change.registration);
                j["moved_from"] = change.from.id;
                json promoted = json::array();
                for (const auto& p : change.promoted) promoted.push_back(p.code);
                j["promoted"] = std::move(promoted);
                auto res = json_response(200, j);
                res.set("Cache-Control", "no-store");
                return res;
            });
    });

    r.add("GET", "/api/v1/dates/{id}/registrations", access::organiser, [&svc](const std::shared_ptr<exchange>& ex) {
        auto id = parse_id(ex->param("id"));
        if (!id) return ex->respond(error_response(domain::errc::not_found, ex->lang));
        const auto& query = ex->request().query;
        domain::error problems{domain::errc::invalid_fields};
        const auto paging = read_page_query(query, problems);
        const int limit = paging.limit;
        const std::int64_t cursor = paging.cursor;
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
            auto res = json_response(200, page_json(std::move(items), page.total, page.next_cursor));
            res.set("Cache-Control", "no-store");
            return res;
        });
    });
}

}  // namespace seminard::server
