// Company bookings: the booker's POST for several colleagues at once, and the booking's private token routes (view,
// cancel one attendee, cancel all, name a substitute for a seat).
#include "domain/admission.hpp"
#include "domain/schedule.hpp"
#include "domain/text.hpp"
#include "server/handlers/json_codec.hpp"
#include "server/handlers/page_answers.hpp"
#include "server/handlers/routes.hpp"
#include "server/http/form.hpp"
#include "server/log/log.hpp"
#include "server/web/pages.hpp"
#include "server/web/urls.hpp"
#include "storage/store.hpp"

#include <algorithm>

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

/// The booker's page behind `token` (the 404 page when it leads nowhere), with a seat's substitute form as typed after
/// a failed attempt.
http_response booking_page(const services& svc,
                           domain::lang lang,
                           storage::connection& c,
                           const std::string& token,
                           const seat_substitute& substitute,
                           int status = 200) {
    auto b = storage::find_booking_by_token(c, token);
    if (!b) return not_found_page(svc, lang);
    auto v = load_booking_view(c, std::move(*b), token);
    if (!v) return not_found_page(svc, lang);
    return private_page(
        render_booking(
            page_context_of(svc, lang), v->seminar, v->date, v->booking, v->registrations, token, substitute),
        svc,
        status);
}

/// The booker of the booking behind `token` names `p` for the seat `code` (as sent): not_found for no booking, and
/// for another booking's seat or nobody's, so that the token reveals nothing else.
domain::result<storage::registration_change> substitute_for_booker(storage::connection& c,
                                                                   const std::string& token,
                                                                   const std::string& code,
                                                                   const domain::attendee& p,
                                                                   domain::instant now) {
    auto b = storage::find_booking_by_token(c, token);
    if (!b) return domain::errc::not_found;
    const auto canonical = domain::canonical_code(code);
    if (canonical.empty()) {
        domain::error e{domain::errc::invalid_fields};
        e.fields.emplace("registration",
                         code.empty() ? domain::field_problem::required : domain::field_problem::invalid_value);
        return e;
    }
    auto reg = storage::find_registration_by_code(c, canonical);
    if (!reg || reg->booking_id != b->id) return domain::errc::not_found;
    return storage::substitute_registration(c, reg->id, p, "booker", now);
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
        if (honeypot_filled(*body)) {
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

namespace {

constexpr std::size_t default_rows = 2;

/// What the booking form sent back, under the names its fields and problems have ("booker.email",
/// "attendees[1].answers.topics"), so that the page comes back as typed.
void keep_booking_values(const json& node, const std::string& name, form_state& form) {
    if (node.is_string()) {
        form.values[name] = node.get<std::string>();
    } else if (node.is_array() && std::all_of(node.begin(), node.end(), [](const json& v) { return v.is_string(); })) {
        for (const auto& v : node) form.lists[name].push_back(v.get<std::string>());
    } else if (node.is_array()) {
        for (std::size_t i = 0; i < node.size(); ++i)
            keep_booking_values(node[i], name + "[" + std::to_string(i) + "]", form);
    } else if (node.is_object()) {
        for (auto it = node.begin(); it != node.end(); ++it)
            keep_booking_values(*it, name.empty() ? it.key() : name + "." + it.key(), form);
    }
}

/// Rows of the form nobody filled in are no attendees.
void drop_empty_rows(json& body) {
    auto it = body.find("attendees");
    if (it == body.end() || !it->is_array()) return;
    json kept = json::array();
    for (auto& row : *it) {
        bool empty = row.is_object();
        if (empty)
            for (auto field = row.begin(); field != row.end() && empty; ++field) {
                if (field.key() == "answers" && field->is_object()) {
                    for (const auto& a : *field)
                        if (!(a.is_string() && a.get<std::string>().empty())) empty = false;
                } else if (!(field->is_string() && domain::trim(field->get<std::string>()).empty())) {
                    empty = false;
                }
            }
        if (!empty) kept.push_back(std::move(row));
    }
    *it = std::move(kept);
}

std::size_t rows_of(const json& body) {
    std::size_t rows = default_rows;
    if (auto it = body.find("rows"); it != body.end() && it->is_string())
        if (auto n = parse_id(it->get<std::string>())) rows = static_cast<std::size_t>(*n);
    if (auto it = body.find("attendees"); it != body.end() && it->is_array()) rows = std::max(rows, it->size());
    return std::clamp<std::size_t>(rows, 1, domain::limits::booking_attendees);
}

void answer_booking_form(services& svc,
                         const std::shared_ptr<exchange>& ex,
                         std::string slug,
                         form_state form,
                         std::size_t rows,
                         int status) {
    // Every page shown gets a key of its own; "add a row" and a page shown again after a mistake too.
    form.idempotency_key = fresh_form_key();
    svc.read(ex, [&svc, ex, slug, form = std::move(form), rows, status](storage::connection& c) {
        auto s = storage::find_seminar(c, slug);
        if (!s) return not_found_page(svc, ex->lang);
        auto res = html_response(
            status,
            render_booking_form(page_context_of(svc, ex->lang), load_listing(c, std::move(*s)), form, rows),
            svc);
        res.set("Cache-Control", "no-store");
        return res;
    });
}

}  // namespace

void add_substitute_route(router& r, services& svc) {
    // With an attendee's token: their own seat. With a booking's token: the seat named by `registration`.
    r.add("POST",
          "/api/v1/registrations/{token}/substitute",
          access::attendee,
          [&svc](const std::shared_ptr<exchange>& ex) {
              const auto& token = ex->param("token");
              auto body = body_object(ex->request(), true);
              if (!body) return ex->respond(error_response(body.err(), ex->lang));
              auto input = substitute_input_from(*body);
              if (!input) return ex->respond(error_response(input.err(), ex->lang));
              auto person = domain::make_attendee(input->person);
              if (!person) return ex->respond(error_response(person.err(), ex->lang));
              svc.write<storage::registration_change>(
                  ex,
                  [token, p = std::move(*person), code = input->registration, now = svc.now()](
                      storage::connection& c) -> domain::result<storage::registration_change> {
                      if (auto own = storage::find_registration_by_token(c, token))
                          return storage::substitute_registration(c, own->id, p, "attendee", now);
                      return substitute_for_booker(c, token, code, p, now);
                  },
                  [](storage::registration_change& change) {
                      // Not the new token: it goes to the substitute alone, by mail.
                      const auto& reg = change.registration;
                      json j{{"code", reg.code},
                             {"status", domain::to_string(reg.status)},
                             {"first_name", reg.person.first_name},
                             {"last_name", reg.person.last_name},
                             {"email", reg.person.email},
                             {"company", reg.person.company}};
                      if (reg.waitlist_position) j["waitlist_position"] = *reg.waitlist_position;
                      auto res = json_response(200, j);
                      res.set("Cache-Control", "no-store");
                      return res;
                  });
          });
}

void add_history_route(router& r, services& svc) {
    r.add(
        "GET", "/api/v1/registrations/{code}/history", access::organiser, [&svc](const std::shared_ptr<exchange>& ex) {
            auto code = domain::canonical_code(ex->param("code"));
            if (code.empty()) return ex->respond(error_response(domain::errc::not_found, ex->lang));
            svc.read(ex, [ex, code](storage::connection& c) {
                auto reg = storage::find_registration_by_code(c, code);
                if (!reg) return error_response(domain::errc::not_found, ex->lang);
                json items = json::array();
                for (const auto& h : storage::history_of(c, reg->id))
                    items.push_back({{"at", domain::to_iso8601(h.at, nullptr)},
                                     {"actor", h.actor},
                                     {"event", h.event},
                                     {"detail", json::parse(h.detail)}});
                auto res = json_response(200, json{{"code", reg->code}, {"items", std::move(items)}});
                res.set("Cache-Control", "no-store");
                return res;
            });
        });
}

void add_booking_pages(router& r, services& svc) {
    r.add("GET", "/seminars/{slug}/firmenbuchung", access::anyone, [&svc](const std::shared_ptr<exchange>& ex) {
        form_state form;
        if (auto wanted = query_param(ex->request().query, "date"); wanted && parse_id(*wanted))
            form.values["date_id"] = std::string{*wanted};
        answer_booking_form(svc, ex, ex->param("slug"), std::move(form), default_rows, 200);
    });

    r.add("POST", "/seminars/{slug}/firmenbuchung", access::anyone, [&svc](const std::shared_ptr<exchange>& ex) {
        const auto slug = ex->param("slug");
        auto body = body_object(ex->request(), true);
        if (!body) {
            form_state form;
            form.error = body.err().code;
            return answer_booking_form(
                svc, ex, slug, std::move(form), default_rows, domain::describe(body.err().code).http_status);
        }
        form_state form;
        keep_booking_values(*body, {}, form);
        if (auto consent = body->find("privacy_consent"); consent != body->end())
            form.consent = flag_value(*consent).value_or(false);
        const auto rows = rows_of(*body);
        // "Weitere Teilnehmende hinzufügen": the same page with one row more, nothing checked or stored.
        if (auto action = body->find("action"); action != body->end() && *action == "add")
            return answer_booking_form(
                svc, ex, slug, std::move(form), std::min(rows + 1, domain::limits::booking_attendees), 200);
        if (auto d = svc.submissions.acquire(ex->request().remote_address); !d.allowed) {
            form.error = domain::errc::too_many_requests;
            return answer_booking_form(svc, ex, slug, std::move(form), rows, 429);
        }
        if (honeypot_filled(*body)) {
            log_event("info", "honeypot: dropped a booking");
            return ex->respond(redirect_to(svc.urls.home()));
        }
        drop_empty_rows(*body);
        std::optional<std::int64_t> date_id;
        if (auto it = body->find("date_id"); it != body->end() && it->is_string())
            date_id = parse_id(it->get<std::string>());
        auto input = booking_input_from(*body);
        if (!input || !date_id) {
            if (!input) form.problems = input.err().fields;
            if (!date_id) form.problems.emplace("date_id", domain::field_problem::required);
            return answer_booking_form(svc, ex, slug, std::move(form), rows, 422);
        }
        svc.writer.submit<std::string>(
            [slug, date_id = *date_id, in = std::move(*input), now = svc.now(), lang = ex->lang](
                storage::connection& c) -> domain::result<std::string> {
                auto made = storage::register_booking(c, date_id, in, now, lang, slug);
                if (!made) return std::move(made).err();
                return std::move(made->token);
            },
            [&svc, ex, slug, rows, form = std::move(form)](domain::result<std::string> r) mutable {
                if (r) {
                    auto token = std::move(r).value();
                    return ex->respond_with(
                        [&svc, ex, token] { return redirect_to(booking_page_url(svc, token, ex->lang)); });
                }
                int status = 422;
                if (r.err().code == domain::errc::invalid_fields) {
                    form.problems = r.err().fields;
                } else if (r.err().code == domain::errc::not_found) {
                    form.problems.emplace("date_id", domain::field_problem::invalid_value);
                } else {
                    form.error = r.err().code;
                    form.seats_left = r.err().seats_left;
                    form.problems = r.err().fields;  // already_registered names the attendees
                    status = domain::describe(r.err().code).http_status;
                }
                answer_booking_form(svc, ex, slug, std::move(form), rows, status);
            });
    });

    r.add("GET", "/bookings/{token}", access::attendee, [&svc](const std::shared_ptr<exchange>& ex) {
        const auto& token = ex->param("token");
        seat_substitute fresh;
        fresh.form.idempotency_key = fresh_form_key();  // the page is never cached: every view has keys of its own
        svc.read(ex, [&svc, ex, token, fresh](storage::connection& c) {
            return booking_page(svc, ex->lang, c, token, fresh);
        });
    });

    // A substitute for one seat (registration=CODE), as the API's; success goes back to the page, which names them.
    r.add("POST", "/bookings/{token}/substitute", access::attendee, [&svc](const std::shared_ptr<exchange>& ex) {
        const auto token = ex->param("token");
        submit_substitute_form(
            svc,
            ex,
            [&svc, ex, token](form_state form, int status) {
                seat_substitute again;
                again.registration = domain::canonical_code(form.values["registration"]);
                again.form = std::move(form);
                svc.read(ex, [&svc, ex, token, again = std::move(again), status](storage::connection& c) {
                    return booking_page(svc, ex->lang, c, token, again, status);
                });
            },
            [token, now = svc.now()](storage::connection& c, const domain::attendee& p, const std::string& code) {
                return substitute_for_booker(c, token, code, p, now);
            },
            [&svc, ex, token](const storage::registration_change&) {
                return redirect_to(booking_page_url(svc, token, ex->lang));
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
                        return redirect_to(booking_page_url(svc, token, ex->lang));
                    return cancel_refused_page(svc, *code, ex->lang);
                });
            });
    });
}

}  // namespace seminard::server
