// Company bookings: the booker's POST for several colleagues at once, and the booking's private token routes (view,
// cancel one attendee, cancel all).
#include "domain/admission.hpp"
#include "server/handlers/json_codec.hpp"
#include "server/handlers/page_answers.hpp"
#include "server/handlers/routes.hpp"
#include "server/log/log.hpp"
#include "server/web/pages.hpp"
#include "server/web/urls.hpp"
#include "storage/store.hpp"

namespace seminard::server {

namespace {

/// A booking as its booker sees it, read in the same transaction or snapshot as the change.
struct booking_view {
    domain::booking booking;
    std::vector<domain::registration> registrations;
    domain::seminar seminar;
    domain::seminar_date date;
    std::string token;
};

domain::result<booking_view> load_booking_view(storage::connection& c, domain::booking b, std::string token) {
    auto d = storage::find_date(c, b.date_id);
    if (!d) return domain::errc::not_found;
    auto s = storage::find_seminar_by_id(c, d->seminar_id);
    if (!s) return domain::errc::not_found;
    auto people = storage::registrations_of_booking(c, b.id);
    return booking_view{std::move(b), std::move(people), std::move(*s), std::move(*d), std::move(token)};
}

http_response view_response(const services& svc, const booking_view& v, int status, domain::lang lang) {
    auto res =
        json_response(status, booking_json(v.booking, v.registrations, v.token, v.seminar, v.date, lang, svc.urls));
    res.set("Cache-Control", "no-store");
    return res;
}

}  // namespace

void add_booking_routes(router& r, services& svc) {
    r.add("POST", "/api/v1/dates/{id}/bookings", access::anyone, [&svc](const std::shared_ptr<exchange>& ex) {
        auto id = parse_id(ex->param("id"));
        if (!id) return ex->respond(error_response(domain::errc::not_found, ex->lang));
        const auto& req = ex->request();
        // One budget with single registrations: a booking is one submission, whatever its size.
        if (auto d = svc.submissions.acquire(req.remote_address); !d.allowed)
            return ex->respond(too_many_requests(d.retry_after, ex->lang));
        auto body = body_object(req, false);
        if (!body) return ex->respond(error_response(body.err(), ex->lang));
        if (auto website = body->find("website");
            website != body->end() && website->is_string() && !website->get<std::string>().empty()) {
            log_event("info", "honeypot: dropped a booking");
            return ex->respond(json_response(202, json{{"status", "received"}}));
        }
        auto input = booking_input_from(*body);
        if (!input) return ex->respond(error_response(input.err(), ex->lang));
        svc.write<booking_view>(
            ex,
            [date_id = *id, in = std::move(*input), now = svc.now(), lang = ex->lang](
                storage::connection& c) -> domain::result<booking_view> {
                auto made = storage::register_booking(c, date_id, in, now, lang);
                if (!made) return std::move(made).err();
                return booking_view{std::move(made->booking),
                                    std::move(made->registrations),
                                    std::move(made->seminar),
                                    std::move(made->date),
                                    std::move(made->token)};
            },
            [&svc, lang = ex->lang](booking_view& v) {
                auto res = view_response(svc, v, 201, lang);
                res.set("Location", svc.urls.booking_api(v.token));
                return res;
            });
    });

    r.add("GET", "/api/v1/bookings/{token}", access::attendee, [&svc](const std::shared_ptr<exchange>& ex) {
        const auto& token = ex->param("token");
        svc.read(ex, [&svc, ex, token](storage::connection& c) {
            auto b = storage::find_booking_by_token(c, token);
            if (!b) return error_response(domain::errc::not_found, ex->lang);
            auto v = load_booking_view(c, std::move(*b), token);
            if (!v) return error_response(v.err(), ex->lang);
            return view_response(svc, *v, 200, ex->lang);
        });
    });

    // Cancels every attendee of the booking still registered.
    r.add("DELETE", "/api/v1/bookings/{token}", access::attendee, [&svc](const std::shared_ptr<exchange>& ex) {
        const auto& token = ex->param("token");
        svc.write<booking_view>(
            ex,
            [token, now = svc.now()](storage::connection& c) -> domain::result<booking_view> {
                auto b = storage::find_booking_by_token(c, token);
                if (!b) return domain::errc::not_found;
                auto done = storage::cancel_booking(c, b->id, storage::canceller::attendee, now);
                if (!done) return std::move(done).err();
                return load_booking_view(c, std::move(*b), token);
            },
            [&svc, lang = ex->lang](booking_view& v) { return view_response(svc, v, 200, lang); });
    });

    // Cancels one attendee of the booking: {"registration": CODE}.
    r.add("POST", "/api/v1/bookings/{token}/cancel", access::attendee, [&svc](const std::shared_ptr<exchange>& ex) {
        const auto& token = ex->param("token");
        auto body = body_object(ex->request(), true);
        if (!body) return ex->respond(error_response(body.err(), ex->lang));
        auto code_field = body->find("registration");
        std::string code;
        if (code_field != body->end() && code_field->is_string())
            code = domain::canonical_code(code_field->get<std::string>());
        for (auto it = body->begin(); it != body->end(); ++it)
            if (it.key() != "registration") {
                domain::error e{domain::errc::invalid_fields};
                e.fields.emplace(it.key(), domain::field_problem::not_allowed);
                return ex->respond(error_response(e, ex->lang));
            }
        if (code.empty()) {
            domain::error e{domain::errc::invalid_fields};
            e.fields.emplace(
                "registration",
                code_field == body->end() ? domain::field_problem::required : domain::field_problem::invalid_value);
            return ex->respond(error_response(e, ex->lang));
        }
        svc.write<booking_view>(
            ex,
            [token, code, now = svc.now()](storage::connection& c) -> domain::result<booking_view> {
                auto b = storage::find_booking_by_token(c, token);
                if (!b) return domain::errc::not_found;
                auto reg = storage::find_registration_by_code(c, code);
                // Another booking's or nobody's code: the same 404, so that the token reveals nothing else.
                if (!reg || reg->booking_id != b->id) return domain::errc::not_found;
                auto change = storage::cancel_registration(c, reg->id, storage::canceller::attendee, now);
                if (!change) return std::move(change).err();
                return load_booking_view(c, std::move(*b), token);
            },
            [&svc, lang = ex->lang](booking_view& v) { return view_response(svc, v, 200, lang); });
    });
}

void add_booking_pages(router& r, services& svc) {
    r.add("GET", "/bookings/{token}", access::attendee, [&svc](const std::shared_ptr<exchange>& ex) {
        const auto& token = ex->param("token");
        svc.read(ex, [&svc, ex, token](storage::connection& c) {
            auto b = storage::find_booking_by_token(c, token);
            if (!b) return not_found_page(svc, ex->lang);
            auto v = load_booking_view(c, std::move(*b), token);
            if (!v) return not_found_page(svc, ex->lang);
            return private_page(
                render_booking(
                    page_context_of(svc, ex->lang), v->seminar, v->date, v->booking, v->registrations, token),
                svc);
        });
    });

    // registration=CODE or registration=all; without confirm=yes it asks first, so that a stray click cancels nothing.
    r.add("POST", "/bookings/{token}/cancel", access::attendee, [&svc](const std::shared_ptr<exchange>& ex) {
        const auto& token = ex->param("token");
        auto body = body_object(ex->request(), true);
        std::string which;
        if (body && body->contains("registration") && (*body)["registration"].is_string())
            which = (*body)["registration"].get<std::string>();
        if (which != "all") which = domain::canonical_code(which);
        if (which.empty()) return ex->respond(redirect_to(svc.urls.booking_page(token)));
        const bool confirmed = body && body->contains("confirm") && (*body)["confirm"] == "yes";
        if (!confirmed) {
            return svc.read(ex, [&svc, ex, token, which](storage::connection& c) {
                auto b = storage::find_booking_by_token(c, token);
                if (!b) return not_found_page(svc, ex->lang);
                auto v = load_booking_view(c, std::move(*b), token);
                if (!v) return not_found_page(svc, ex->lang);
                std::vector<domain::registration> chosen;
                for (const auto& reg : v->registrations)
                    if (reg.status != domain::registration_status::cancelled && (which == "all" || reg.code == which))
                        chosen.push_back(reg);
                if (chosen.empty()) return redirect_to(svc.urls.booking_page(token));  // nothing left to cancel
                return private_page(
                    render_booking_cancel_step(
                        page_context_of(svc, ex->lang), v->seminar, v->date, v->booking, chosen, token, which),
                    svc);
            });
        }
        svc.writer.submit<bool>(
            [token, which, now = svc.now()](storage::connection& c) -> domain::result<bool> {
                auto b = storage::find_booking_by_token(c, token);
                if (!b) return domain::errc::not_found;
                if (which == "all") {
                    auto done = storage::cancel_booking(c, b->id, storage::canceller::attendee, now);
                    if (!done) return std::move(done).err();
                    return true;
                }
                auto reg = storage::find_registration_by_code(c, which);
                if (!reg || reg->booking_id != b->id) return domain::errc::not_found;
                auto change = storage::cancel_registration(c, reg->id, storage::canceller::attendee, now);
                if (!change) return std::move(change).err();
                return true;
            },
            [&svc, ex, token](domain::result<bool> r) {
                const auto code = r ? std::optional<domain::errc>{} : std::optional{r.err().code};
                ex->respond_with([&svc, ex, token, code]() -> http_response {
                    if (!code || *code == domain::errc::already_cancelled)
                        return redirect_to(svc.urls.booking_page(token) +
                                           (ex->lang == domain::lang::en ? "?lang=en" : ""));
                    if (*code == domain::errc::not_found) return not_found_page(svc, ex->lang);
                    const bool de = ex->lang == domain::lang::de;
                    return html_response(domain::describe(*code).http_status,
                                         render_message(page_context_of(svc, ex->lang),
                                                        de ? "Stornierung nicht möglich" : "Cancellation not possible",
                                                        domain::message(*code, ex->lang)),
                                         svc);
                });
            });
    });
}

}  // namespace seminard::server
