// The pages people open in a browser: the seminar list, a seminar with its "Jetzt anmelden" form (a plain form POST,
// no JavaScript), the confirmation page behind the private link with its two-step cancel, the privacy notice and the
// stylesheet. Rendering lives in server/web/pages.cpp; this file reads, writes and picks the answer.
#include "server/handlers/routes.hpp"

#include "domain/admission.hpp"
#include "domain/text.hpp"
#include "server/handlers/json_codec.hpp"
#include "server/handlers/page_answers.hpp"
#include "server/http/form.hpp"
#include "server/web/pages.hpp"
#include "storage/store.hpp"

#include <algorithm>

namespace seminard::server {

namespace {

/// The confirmation page behind `token` (404 page when it leads nowhere), with the substitute form as typed after
/// a failed attempt.
http_response confirmation_page(const services& svc,
                                domain::lang lang,
                                storage::connection& c,
                                const std::string& token,
                                const form_state& substitute = {},
                                int status = 200) {
    auto reg = storage::find_registration_by_token(c, token);
    auto d = reg ? storage::find_date(c, reg->date_id) : std::nullopt;
    auto s = d ? storage::find_seminar_by_id(c, d->seminar_id) : std::nullopt;
    if (!s) return not_found_page(svc, lang);
    const auto key = storage::invite_key(c, *reg);
    return private_page(
        render_confirmation(page_context_of(svc, lang), *s, *d, *reg, token, key, substitute), svc, status);
}

}  // namespace

void add_page_routes(router& r, services& svc) {
    r.add("GET", "/", access::anyone, [&svc](const std::shared_ptr<exchange>& ex) {
        svc.cached_read(ex,
                        std::string{"page|/|"} + std::string{domain::lang_code(ex->lang)},
                        [&svc, lang = ex->lang](storage::connection& c) {
                            std::vector<seminar_listing> all;
                            for (auto& s : storage::list_seminars(c)) all.push_back(load_listing(c, std::move(s)));
                            return html_response(200, render_index(page_context_of(svc, lang), all), svc);
                        });
    });

    r.add("GET", "/seminars/{slug}", access::anyone, [&svc](const std::shared_ptr<exchange>& ex) {
        // ?date=N preselects a date. The page is cached under N only when N is one of the seminar's dates: any
        // other N renders the plain page, so that made-up values cannot fill the cache.
        const auto& slug = ex->param("slug");
        const auto lang = std::string{domain::lang_code(ex->lang)};
        const auto wanted = query_param(ex->request().query, "date");
        const auto date_id = wanted ? parse_id(*wanted) : std::nullopt;
        const auto plain_key = "page|seminar|" + slug + "||" + lang;
        auto key = date_id ? "page|seminar|" + slug + "|" + std::to_string(*date_id) + "|" + lang : plain_key;
        const auto generation = svc.writer.generation();  // read before the query: a later commit makes it stale
        if (auto hit = svc.cache.find(key, generation)) return ex->respond(with_fresh_form_key(std::move(*hit)));
        svc.read(ex, [&svc, slug, lang = ex->lang, date_id, key, plain_key, generation](storage::connection& c) {
            auto s = storage::find_seminar(c, slug);
            if (!s) return not_found_page(svc, lang);
            auto listing = load_listing(c, std::move(*s));
            form_state form;
            form.idempotency_key = std::string{form_key_placeholder};  // each answer gets its own key in its place
            const bool known = date_id && std::any_of(listing.dates.begin(),
                                                      listing.dates.end(),
                                                      [&](const date_offer& o) { return o.date.id == *date_id; });
            if (known) form.values["date_id"] = std::to_string(*date_id);
            auto res = html_response(200, render_seminar(page_context_of(svc, lang), listing, form), svc);
            svc.cache.store(known ? key : plain_key, generation, res);
            return with_fresh_form_key(std::move(res));
        });
    });

    r.add("POST", "/seminars/{slug}", access::anyone, [&svc](const std::shared_ptr<exchange>& ex) {
        submit_registration(svc, ex, ex->param("slug"), std::nullopt);
    });

    r.add("GET", "/registrations/{token}", access::attendee, [&svc](const std::shared_ptr<exchange>& ex) {
        const auto& token = ex->param("token");
        svc.read(ex, [&svc, ex, token](storage::connection& c) {
            form_state substitute;  // its own key from the first view on: a double click names nobody twice
            substitute.idempotency_key = fresh_form_key();
            return confirmation_page(svc, ex->lang, c, token, substitute);
        });
    });

    r.add("POST", "/registrations/{token}/cancel", access::attendee, [&svc](const std::shared_ptr<exchange>& ex) {
        const auto& token = ex->param("token");
        auto body = body_object(ex->request(), true);
        const bool confirmed = body && body->contains("confirm") && (*body)["confirm"] == "yes";
        if (!confirmed) {
            // First step: ask, so that a stray click cancels nothing.
            return svc.read(ex, [&svc, ex, token](storage::connection& c) {
                auto reg = storage::find_registration_by_token(c, token);
                if (!reg) return not_found_page(svc, ex->lang);
                if (reg->status == domain::registration_status::cancelled)
                    return redirect_to(confirmation_page_url(svc, token, ex->lang));
                auto d = storage::find_date(c, reg->date_id);
                auto s = d ? storage::find_seminar_by_id(c, d->seminar_id) : std::nullopt;
                if (!s) return not_found_page(svc, ex->lang);
                const auto ctx = page_context_of(svc, ex->lang);
                // Past the deadline there is nothing to confirm: say whom to ask, as the second step would.
                if (!domain::self_cancellable(*s, *d, *reg, ctx.now))
                    return private_page(render_cancel_closed(ctx, *s, *d, *reg, token), svc, 409);
                return private_page(render_cancel_step(ctx, *s, *d, *reg, token), svc);
            });
        }
        svc.writer.submit<storage::registration_change>(
            [token, now = svc.now()](storage::connection& c) -> domain::result<storage::registration_change> {
                auto reg = storage::find_registration_by_token(c, token);
                if (!reg) return domain::errc::not_found;
                return storage::cancel_registration(c, reg->id, storage::canceller::attendee, now);
            },
            [&svc, ex, token](domain::result<storage::registration_change> r) {
                // This runs on the writer's completion thread: every answer, even the redirect, is built on the IO
                // thread.
                const auto code = r ? std::optional<domain::errc>{} : std::optional{r.err().code};
                if (code == domain::errc::cancellation_closed) {
                    // The deadline passed between the question and the answer: the page with whom to ask.
                    return svc.read(ex, [&svc, ex, token](storage::connection& c) {
                        auto reg = storage::find_registration_by_token(c, token);
                        auto d = reg ? storage::find_date(c, reg->date_id) : std::nullopt;
                        auto s = d ? storage::find_seminar_by_id(c, d->seminar_id) : std::nullopt;
                        if (!s) return not_found_page(svc, ex->lang);
                        return private_page(
                            render_cancel_closed(page_context_of(svc, ex->lang), *s, *d, *reg, token), svc, 409);
                    });
                }
                ex->respond_with([&svc, ex, token, code]() -> http_response {
                    if (!code || *code == domain::errc::already_cancelled)
                        return redirect_to(confirmation_page_url(svc, token, ex->lang));
                    return cancel_refused_page(svc, *code, ex->lang);
                });
            });
    });

    // Naming a substitute from the confirmation page; the API route does the same for scripts.
    r.add("POST", "/registrations/{token}/substitute", access::attendee, [&svc](const std::shared_ptr<exchange>& ex) {
        const auto token = ex->param("token");
        submit_substitute_form(
            svc,
            ex,
            [&svc, ex, token](form_state form, int status) {
                svc.read(ex, [&svc, ex, token, form = std::move(form), status](storage::connection& c) {
                    return confirmation_page(svc, ex->lang, c, token, form, status);
                });
            },
            [token, now = svc.now()](storage::connection& c,
                                     const domain::attendee& p,
                                     const std::string&) -> domain::result<storage::registration_change> {
                auto reg = storage::find_registration_by_token(c, token);
                if (!reg) return domain::errc::not_found;
                return storage::substitute_registration(c, reg->id, p, "attendee", now);
            },
            [&svc, ex](const storage::registration_change& change) {
                const auto name =
                    domain::trim(change.registration.person.first_name + " " + change.registration.person.last_name);
                const auto ctx = page_context_of(svc, ex->lang);
                const bool de = ex->lang == domain::lang::de;
                return private_page(
                    render_message(ctx,
                                   de ? "Platz übertragen" : "Seat passed on",
                                   de ? "Ihr Platz gehört jetzt " + name +
                                            ". Die neue Person erhält eine eigene Bestätigung mit "
                                            "Kalendereinladung; Sie erhalten eine E-Mail, deren Absage den Termin "
                                            "aus Ihrem Kalender entfernt. Ihr bisheriger Link gilt nicht mehr."
                                      : "Your seat now belongs to " + name +
                                            ". They get a confirmation of their own with a calendar invitation; "
                                            "you get an e-mail whose cancellation removes the date from your "
                                            "calendar. Your previous link no longer works."),
                    svc);
            });
    });

    r.add("GET", "/datenschutz", access::anyone, [&svc](const std::shared_ptr<exchange>& ex) {
        auto res = html_response(200, render_privacy(page_context_of(svc, ex->lang)), svc);
        res.set("Cache-Control", "public, max-age=3600");
        ex->respond(std::move(res));
    });

    r.add("GET", "/static/seminard.css", access::anyone, [](const std::shared_ptr<exchange>& ex) {
        const auto etag = "\"" + std::string{stylesheet_version()} + "\"";
        http_response res;
        res.set("ETag", etag);
        // The pages link the stylesheet with ?v=<version>: such a URL never changes its content.
        const bool versioned = query_param(ex->request().query, "v") == std::string{stylesheet_version()};
        res.set("Cache-Control", versioned ? "public, max-age=31536000, immutable" : "public, max-age=300");
        if (ex->request().header("If-None-Match") == etag) {
            res.status = 304;
            return ex->respond(std::move(res));
        }
        res.status = 200;
        res.set("Content-Type", "text/css; charset=utf-8");
        res.set("X-Content-Type-Options", "nosniff");
        res.body = std::string{stylesheet()};
        ex->respond(std::move(res));
    });
}

}  // namespace seminard::server
