// HTML answers shared by the page routes and the registration routes (see page_answers.hpp).
#include "server/handlers/page_answers.hpp"

#include "server/handlers/json_codec.hpp"
#include "storage/crypto.hpp"
#include "storage/store.hpp"

namespace seminard::server {

namespace {

std::string lang_suffix(domain::lang lang, char sep = '?') {
    return lang == domain::lang::en ? std::string{sep} + "lang=en" : std::string{};
}

}  // namespace

seminar_listing load_listing(storage::connection& c, domain::seminar s) {
    seminar_listing l;
    for (auto& d : storage::dates_of(c, s.id)) {
        auto a = storage::availability(c, d.id);
        l.dates.push_back({std::move(d), a});
    }
    l.seminar = std::move(s);
    return l;
}

http_response html_response(int status, std::string body, const services& svc) {
    http_response res;
    res.status = status;
    res.set("Content-Type", "text/html; charset=utf-8");
    // No script runs on our pages, styles come from our own stylesheet, forms post only to us, and only the
    // organiser's own sites (--frame-origin) may frame them: a foreign frame could trick a click (clickjacking).
    const auto& origin = svc.urls.origin();
    std::string frame_ancestors;
    for (const auto& o : svc.cfg.frame_origins) frame_ancestors += (frame_ancestors.empty() ? "" : " ") + o;
    res.set("Content-Security-Policy",
            "default-src 'none'; style-src 'self' " + origin + "; img-src 'self' data:; form-action 'self' " + origin +
                "; base-uri 'none'; frame-ancestors " + (frame_ancestors.empty() ? "'none'" : frame_ancestors));
    // For browsers without frame-ancestors; it cannot name origins, so it is left out when some may frame us.
    if (frame_ancestors.empty()) res.set("X-Frame-Options", "DENY");
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Vary", "Accept-Language");
    res.body = std::move(body);
    return res;
}

page_context page_context_of(const services& svc, domain::lang lang) {
    page_context ctx;
    ctx.lang = lang;
    ctx.public_url = svc.urls.base();
    ctx.privacy_url =
        svc.cfg.site.privacy_url.empty() ? svc.urls.privacy_page() + lang_suffix(lang) : svc.cfg.site.privacy_url;
    ctx.now = svc.now();
    ctx.retention = {svc.cfg.retention_days, svc.cfg.mail_retention_days};
    return ctx;
}

std::string fresh_form_key() { return storage::new_token(); }

http_response with_fresh_form_key(http_response res) {
    // The field's own markup around the placeholder: escaped text from the seminar can never contain its quotes.
    const std::string field = std::string{"name=\""} + std::string{idempotency_form_field} + "\" value=\"" +
                              std::string{form_key_placeholder} + "\"";
    const auto at = res.body.find(field);
    if (at != std::string::npos)
        res.body.replace(
            at + field.size() - form_key_placeholder.size() - 1, form_key_placeholder.size(), fresh_form_key());
    return res;
}

void answer_form_again(services& svc,
                       const std::shared_ptr<exchange>& ex,
                       std::string slug,
                       std::int64_t date_id,
                       form_state form,
                       int status,
                       std::optional<std::chrono::seconds> retry_after,
                       std::optional<domain::registration_input> details) {
    // A new key: the person corrects the fields and sends again, which is a new submission.
    form.idempotency_key = fresh_form_key();
    svc.read(ex,
             [&svc,
              ex,
              slug = std::move(slug),
              date_id,
              form = std::move(form),
              status,
              retry_after,
              details = std::move(details)](storage::connection& c) mutable {
                 const auto ctx = page_context_of(svc, ex->lang);
                 std::optional<domain::seminar> s;
                 if (!slug.empty()) {
                     s = storage::find_seminar(c, slug);
                 } else if (auto d = storage::find_date(c, date_id)) {
                     s = storage::find_seminar_by_id(c, d->seminar_id);
                 }
                 if (!s) return not_found_page(svc, ex->lang);
                 if (details)
                     if (auto more = domain::make_registration_details(*details, *s); !more)
                         form.problems.insert(more.err().fields.begin(), more.err().fields.end());
                 auto res = html_response(status, render_seminar(ctx, load_listing(c, std::move(*s)), form), svc);
                 res.set("Cache-Control", "no-store");
                 if (retry_after) res.set("Retry-After", std::to_string(retry_after->count()));
                 return res;
             });
}

http_response cancel_refused_page(const services& svc, domain::errc code, domain::lang lang) {
    if (code == domain::errc::not_found) return not_found_page(svc, lang);
    return html_response(
        domain::describe(code).http_status,
        render_message(page_context_of(svc, lang),
                       lang == domain::lang::de ? "Stornierung nicht möglich" : "Cancellation not possible",
                       domain::message(code, lang)),
        svc);
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
    return svc.urls.registration_page(token) + lang_suffix(lang);
}

std::string booking_page_url(const services& svc, std::string_view token, domain::lang lang) {
    return svc.urls.booking_page(token) + lang_suffix(lang);
}

void submit_substitute_form(
    services& svc, const std::shared_ptr<exchange>& ex, form_again again, substitute_step step, substitute_done done) {
    // A new key with every page shown again: the corrected form is a new submission.
    auto show_again = [again = std::move(again)](form_state form, int status) {
        form.idempotency_key = fresh_form_key();
        again(std::move(form), status);
    };
    form_state form;
    auto body = body_object(ex->request(), true);
    if (!body) {
        form.error = body.err().code;
        return show_again(std::move(form), domain::describe(body.err().code).http_status);
    }
    for (const char* name : {"first_name", "last_name", "email", "registration"})
        if (auto it = body->find(name); it != body->end() && it->is_string())
            form.values[name] = it->get<std::string>();
    auto input = substitute_input_from(*body);
    std::optional<domain::attendee> person;
    if (input) {
        if (auto p = domain::make_attendee(input->person))
            person = std::move(*p);
        else
            form.problems = p.err().fields;
    } else {
        form.problems = input.err().fields;
    }
    if (!person) {
        form.error = domain::errc::invalid_fields;
        return show_again(std::move(form), 422);
    }
    svc.writer.submit<storage::registration_change>(
        [step = std::move(step), p = std::move(*person), code = std::move(input->registration)](
            storage::connection& c) { return step(c, p, code); },
        [ex, show_again, done = std::move(done), form = std::move(form)](
            domain::result<storage::registration_change> r) mutable {
            if (!r) {
                // invalid_fields: the seat's own address is no substitute.
                form.error = r.err().code;
                form.problems = r.err().fields;
                return show_again(std::move(form), domain::describe(r.err().code).http_status);
            }
            // The writer's completion thread only hands over: the answer is built on the IO thread.
            auto change = std::make_shared<storage::registration_change>(std::move(r).value());
            ex->respond_with([done = std::move(done), change] { return done(*change); });
        });
}

http_response private_page(std::string body, const services& svc, int status) {
    auto res = html_response(status, std::move(body), svc);
    // The URL is the key to the registration: keep it out of caches, Referer headers and search engines.
    res.set("Cache-Control", "no-store");
    res.set("Referrer-Policy", "no-referrer");
    res.set("X-Robots-Tag", "noindex, nofollow");
    return res;
}

}  // namespace seminard::server
