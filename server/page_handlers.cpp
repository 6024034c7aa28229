// The pages people open in a browser: the seminar list, a seminar with its "Jetzt anmelden" form (a plain form POST,
// no JavaScript), the confirmation page behind the private link with its two-step cancel, the privacy notice and the
// stylesheet. Rendering lives in pages.cpp; this file reads, writes and picks the answer.
#include "handlers.hpp"

#include "access_log.hpp"
#include "form.hpp"
#include "json_codec.hpp"
#include "page_handlers.hpp"
#include "pages.hpp"
#include "storage/store.hpp"

namespace seminard::server {

namespace {

std::string lang_suffix(domain::lang lang, char sep = '?') {
    return lang == domain::lang::en ? std::string{sep} + "lang=en" : std::string{};
}

seminar_listing load_listing(storage::connection& c, domain::seminar s) {
    seminar_listing l;
    for (auto& d : storage::dates_of(c, s.id)) {
        auto a = storage::availability(c, d.id);
        l.dates.push_back({std::move(d), a});
    }
    l.seminar = std::move(s);
    return l;
}

}  // namespace

http_response html_response(int status, std::string body, const services& svc) {
    http_response res;
    res.status = status;
    res.set("Content-Type", "text/html; charset=utf-8");
    // No script runs on our pages, styles come from our own stylesheet, forms post only to us.
    const auto origin = split_url(svc.cfg.public_url).origin;
    res.set("Content-Security-Policy",
            "default-src 'none'; style-src 'self' " + origin + "; img-src 'self' data:; form-action 'self' " + origin +
                "; base-uri 'none'");
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Vary", "Accept-Language");
    res.body = std::move(body);
    return res;
}

page_context page_context_of(const services& svc, domain::lang lang) {
    page_context ctx;
    ctx.lang = lang;
    ctx.public_url = svc.cfg.public_url;
    ctx.privacy_url =
        svc.cfg.privacy_url.empty() ? svc.cfg.public_url + "/datenschutz" + lang_suffix(lang) : svc.cfg.privacy_url;
    ctx.now = svc.now();
    return ctx;
}

void answer_form_again(services& svc,
                       const std::shared_ptr<exchange>& ex,
                       std::string slug,
                       std::int64_t date_id,
                       form_state form,
                       int status,
                       std::optional<std::chrono::seconds> retry_after) {
    svc.read(ex,
             [&svc, ex, slug = std::move(slug), date_id, form = std::move(form), status, retry_after](
                 storage::connection& c) {
                 const auto ctx = page_context_of(svc, ex->lang);
                 std::optional<domain::seminar> s;
                 if (!slug.empty()) {
                     s = storage::find_seminar(c, slug);
                 } else if (auto d = storage::find_date(c, date_id)) {
                     s = storage::find_seminar_by_id(c, d->seminar_id);
                 }
                 if (!s) return not_found_page(svc, ex->lang);
                 auto res = html_response(status, render_seminar(ctx, load_listing(c, std::move(*s)), form), svc);
                 res.set("Cache-Control", "no-store");
                 if (retry_after) res.set("Retry-After", std::to_string(retry_after->count()));
                 return res;
             });
}

http_response not_found_page(const services& svc, domain::lang lang) {
    const bool de = lang == domain::lang::de;
    return html_response(404,
                         render_message(page_context_of(svc, lang),
                                        de ? "Seite nicht gefunden" : "Page not found",
                                        de ? "Diese Seite gibt es nicht (mehr). Prüfen Sie den Link oder beginnen Sie "
                                             "auf der Startseite."
                                           : "This page does not exist (any more). Check the link or start on the "
                                             "home page."),
                         svc);
}

http_response redirect_to(const std::string& location) {
    http_response res;
    res.status = 303;
    res.set("Location", location);
    res.set("Cache-Control", "no-store");
    return res;
}

std::string confirmation_page_url(const services& svc, std::string_view token, domain::lang lang) {
    return registration_page_url(svc.cfg.public_url, token) + lang_suffix(lang);
}

void add_page_routes(router& r, services& svc) {
    r.add("GET", "/", [&svc](const std::shared_ptr<exchange>& ex) {
        svc.cached_read(ex,
                        std::string{"page|/|"} + std::string{domain::lang_code(ex->lang)},
                        [&svc, lang = ex->lang](storage::connection& c) {
                            std::vector<seminar_listing> all;
                            for (auto& s : storage::list_seminars(c)) all.push_back(load_listing(c, std::move(s)));
                            return html_response(200, render_index(page_context_of(svc, lang), all), svc);
                        });
    });

    r.add("GET", "/seminars/{slug}", [&svc](const std::shared_ptr<exchange>& ex) {
        form_state form;
        if (auto d = query_param(ex->request().query, "date"); d && parse_id(*d)) form.values["date_id"] = *d;
        auto key = "page|seminar|" + ex->param("slug") + "|" + form.values["date_id"] + "|" +
                   std::string{domain::lang_code(ex->lang)};
        svc.cached_read(
            ex, std::move(key), [&svc, slug = ex->param("slug"), lang = ex->lang, form](storage::connection& c) {
                auto s = storage::find_seminar(c, slug);
                if (!s) return not_found_page(svc, lang);
                return html_response(
                    200, render_seminar(page_context_of(svc, lang), load_listing(c, std::move(*s)), form), svc);
            });
    });

    r.add("POST", "/seminars/{slug}", [&svc](const std::shared_ptr<exchange>& ex) {
        submit_registration(svc, ex, ex->param("slug"), std::nullopt);
    });

    r.add("GET", "/registrations/{token}", [&svc](const std::shared_ptr<exchange>& ex) {
        const auto& token = ex->param("token");
        if (!plausible_token(token)) return ex->respond(not_found_page(svc, ex->lang));
        svc.read(ex, [&svc, ex, token](storage::connection& c) {
            auto reg = storage::find_registration_by_token(c, token);
            if (!reg) return not_found_page(svc, ex->lang);
            auto d = storage::find_date(c, reg->date_id);
            auto s = d ? storage::find_seminar_by_id(c, d->seminar_id) : std::nullopt;
            if (!s) return not_found_page(svc, ex->lang);
            return private_page(render_confirmation(page_context_of(svc, ex->lang), *s, *d, *reg, token), svc);
        });
    });

    r.add("POST", "/registrations/{token}/cancel", [&svc](const std::shared_ptr<exchange>& ex) {
        const auto& token = ex->param("token");
        if (!plausible_token(token)) return ex->respond(not_found_page(svc, ex->lang));
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
                return private_page(render_cancel_step(page_context_of(svc, ex->lang), *s, *d, *reg, token), svc);
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
                ex->respond_with([&svc, ex, token, code]() -> http_response {
                    if (!code || *code == domain::errc::already_cancelled)
                        return redirect_to(confirmation_page_url(svc, token, ex->lang));
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

    r.add("GET", "/datenschutz", [&svc](const std::shared_ptr<exchange>& ex) {
        auto res = html_response(200, render_privacy(page_context_of(svc, ex->lang)), svc);
        res.set("Cache-Control", "public, max-age=3600");
        ex->respond(std::move(res));
    });

    r.add("GET", "/static/seminard.css", [](const std::shared_ptr<exchange>& ex) {
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

http_response private_page(std::string body, const services& svc) {
    auto res = html_response(200, std::move(body), svc);
    // The URL is the key to the registration: keep it out of caches, Referer headers and search engines.
    res.set("Cache-Control", "no-store");
    res.set("Referrer-Policy", "no-referrer");
    res.set("X-Robots-Tag", "noindex, nofollow");
    return res;
}

}  // namespace seminard::server
