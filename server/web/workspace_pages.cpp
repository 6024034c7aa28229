// The workspace's pages (see workspace_pages.hpp). German only for now: the organiser's own tool.
#include "server/web/workspace_pages.hpp"

#include "domain/format_de.hpp"
#include "domain/messages.hpp"
#include "domain/schedule.hpp"
#include "server/web/html.hpp"
#include "server/web/markup.hpp"
#include "server/web/urls.hpp"

#include <chrono>

namespace seminard::server {

namespace {

using markup::attribute;
using markup::element;
using markup::link;

constexpr domain::lang de = domain::lang::de;

/// The workspace's home zone: times without a date's own zone are shown in it.
const date::time_zone& home_zone() {
    static const date::time_zone* zone = domain::find_zone("Europe/Berlin");
    return *zone;
}

std::string admin_url(const page_context& ctx, std::string_view path) { return ctx.public_url + std::string{path}; }

void hidden(std::string& out, std::string_view name, std::string_view value) {
    out += "<input type=\"hidden\"";
    attribute(out, "name", name);
    attribute(out, "value", value);
    out += ">\n";
}

/// `<form method="post" action="…">` with the session's CSRF token.
void open_form(std::string& out, const page_context& ctx, const workspace_frame& frame, std::string_view path) {
    out += "<form method=\"post\"";
    attribute(out, "action", admin_url(ctx, path));
    out += ">\n";
    hidden(out, csrf_field, frame.csrf);
}

/// A table cell with one button that posts to `path`; screen readers hear which row it acts on (`what`).
void row_action(std::string& out,
                const page_context& ctx,
                const workspace_frame& frame,
                const std::string& path,
                std::string_view label,
                std::string_view what) {
    out += "<td>";
    open_form(out, ctx, frame, path);
    out += "<button type=\"submit\" class=\"button button--secondary button--small\">";
    html::append_text(out, label);
    out += "<span class=\"visually-hidden\"> (";
    html::append_text(out, what);
    out += ")</span></button>\n</form></td>\n";
}

/// A workspace page: header with the navigation and the logout button, then `main`.
std::string document(const page_context& ctx,
                     std::string_view title,
                     const std::optional<workspace_frame>& frame,
                     std::string_view current,
                     std::string_view main) {
    std::string out;
    out.reserve(main.size() + 2048);
    out += "<!DOCTYPE html>\n<html lang=\"de\">\n<head>\n<meta charset=\"utf-8\">\n";
    out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    out += "<meta name=\"robots\" content=\"noindex, nofollow\">\n<meta name=\"referrer\" content=\"same-origin\">\n";
    out += "<title>";
    html::append_text(out, title);
    out += " – Arbeitsbereich</title>\n<link rel=\"stylesheet\"";
    attribute(out, "href", site_urls{ctx.public_url}.stylesheet(stylesheet_version()));
    out += ">\n<link rel=\"icon\" href=\"data:,\">\n</head>\n<body class=\"workspace\">\n";
    out += "<header class=\"site-header\">\n<div class=\"wrap site-header-inner\">\n";
    link(out, admin_url(ctx, "/admin"), "Arbeitsbereich", "site-home");
    if (frame) {
        out += "\n<nav class=\"workspace-nav\" aria-label=\"Arbeitsbereich\">\n<ul>\n";
        auto item = [&](std::string_view path, std::string_view key, std::string_view label) {
            out += "<li><a";
            attribute(out, "href", admin_url(ctx, path));
            if (key == current) out += " aria-current=\"page\"";
            out += '>';
            html::append_text(out, label);
            out += "</a></li>\n";
        };
        item("/admin", "overview", "Übersicht");
        if (frame->owner) item("/admin/users", "users", "Benutzer");
        item("/admin/account", "account", "Mein Konto");
        item("/", "public", "Öffentliche Seiten");
        out += "</ul>\n</nav>\n";
        open_form(out, ctx, *frame, "/admin/logout");
        out += "<button type=\"submit\" class=\"button button--secondary button--small\">Abmelden</button>\n";
        out += "</form>\n";
    }
    out += "</div>\n</header>\n<main id=\"main\" class=\"wrap wrap--wide\">\n";
    out += main;
    out += "</main>\n";
    if (frame) {
        out += "<footer class=\"site-footer\">\n<div class=\"wrap\">\n<p>Angemeldet als ";
        html::append_text(out, frame->email);
        out += frame->owner ? " (Inhaber:in)" : " (Mitarbeiter:in)";
        out += "</p>\n</div>\n</footer>\n";
    }
    out += "</body>\n</html>\n";
    return out;
}

/// `<div class="field">` with label, error and input; `value` only for fields that may be shown again.
void input(std::string& out,
           std::string_view id,
           std::string_view label,
           std::string_view type,
           std::string_view autocomplete,
           std::string_view value,
           const domain::field_problem* problem,
           std::string_view hint = {}) {
    out += "<div class=\"field";
    if (problem) out += " field--error";
    out += "\">\n<label";
    attribute(out, "for", id);
    out += '>';
    html::append_text(out, label);
    out += "</label>\n";
    if (!hint.empty()) {
        out += "<p class=\"hint\"";
        attribute(out, "id", std::string{id} + "-hint");
        out += '>';
        html::append_text(out, hint);
        out += "</p>\n";
    }
    if (problem) {
        out += "<p";
        attribute(out, "id", std::string{id} + "-error");
        out += " class=\"field-error\">";
        html::append_text(out, domain::message(*problem, de));
        out += "</p>\n";
    }
    out += "<input";
    attribute(out, "type", type);
    attribute(out, "id", id);
    attribute(out, "name", id);
    attribute(out, "autocomplete", autocomplete);
    out += " required";
    if (!value.empty()) attribute(out, "value", value);
    std::string described;
    if (!hint.empty()) described = std::string{id} + "-hint";
    if (problem) {
        out += " aria-invalid=\"true\"";
        described += (described.empty() ? "" : " ") + std::string{id} + "-error";
    }
    if (!described.empty()) attribute(out, "aria-describedby", described);
    out += ">\n</div>\n";
}

const domain::field_problem* problem_in(const std::map<std::string, domain::field_problem>& problems,
                                        std::string_view name) {
    auto it = problems.find(std::string{name});
    return it == problems.end() ? nullptr : &it->second;
}

std::string when(domain::instant t) { return domain::format_datetime(t, home_zone(), de); }

/// "in 12 Tagen", "morgen", "heute", "läuft" for a date that has begun.
std::string days_until(domain::instant now, const domain::seminar_date& d) {
    const auto start = domain::first_start(d);
    if (start <= now) return "läuft";
    const auto* zone = domain::find_zone(d.timezone);
    if (!zone) zone = &home_zone();
    const auto today = date::floor<date::days>(zone->to_local(now));
    const auto first = date::floor<date::days>(zone->to_local(start));
    const auto n = (first - today).count();
    if (n == 0) return "heute";
    if (n == 1) return "morgen";
    return "in " + std::to_string(n) + " Tagen";
}

void date_rows(std::string& out, const page_context& ctx, const std::vector<overview_date>& dates, bool upcoming) {
    out += "<div class=\"table-scroll\">\n<table class=\"table\">\n<thead>\n<tr>";
    out += "<th scope=\"col\">Seminar</th><th scope=\"col\">Termin</th>";
    out += "<th scope=\"col\" class=\"num\">Plätze belegt</th><th scope=\"col\" class=\"num\">Warteliste</th>";
    if (upcoming) out += "<th scope=\"col\">Beginn</th><th scope=\"col\" class=\"num\">Neu (7 Tage)</th>";
    out += "</tr>\n</thead>\n<tbody>\n";
    for (const auto& o : dates) {
        out += "<tr>\n<td>";
        link(out, admin_url(ctx, seminar_path(o.seminar_slug)), o.seminar_title);
        out += "</td>\n<td>";
        html::append_text(out, domain::format_day_range(o.date.days, de));
        if (o.date.status == domain::date_status::cancelled)
            out += " <span class=\"state state--closed\">abgesagt</span>";
        out += "</td>\n<td class=\"num\">";
        html::append_text(out, std::to_string(o.seats.confirmed) + " / " + std::to_string(o.date.capacity));
        out += "</td>\n<td class=\"num\">";
        html::append_text(out, o.date.waitlist ? std::to_string(o.seats.waitlisted) : "–");
        out += "</td>\n";
        if (upcoming) {
            out += "<td>";
            html::append_text(out, days_until(ctx.now, o.date));
            out += "</td>\n<td class=\"num\">";
            html::append_text(out, std::to_string(o.registrations_last_7_days));
            out += "</td>\n";
        }
        out += "</tr>\n";
    }
    out += "</tbody>\n</table>\n</div>\n";
}

}  // namespace

std::string render_login(const page_context& ctx, const login_form& form) {
    std::string main;
    element(main, "h1", {}, "Anmelden");
    using notice = login_form::notice;
    switch (form.note) {
        case notice::none:
            break;
        case notice::wrong_credentials:
            main += "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\">\n";
            element(main, "h2", {}, "Die Anmeldung ist nicht gelungen");
            element(main, "p", {}, "E-Mail-Adresse oder Passwort sind falsch.");
            main += "</div>\n";
            break;
        case notice::throttled:
            main += "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\">\n";
            element(main, "h2", {}, "Zu viele Fehlversuche");
            element(main,
                    "p",
                    {},
                    "Bitte versuchen Sie es in " + std::to_string(std::max(1, form.retry_minutes)) +
                        (form.retry_minutes > 1 ? " Minuten" : " Minute") + " noch einmal.");
            main += "</div>\n";
            break;
        case notice::expired:
            element(main, "p", "notice", "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich neu an.");
            break;
        case notice::logged_out:
            element(main, "p", "notice", "Sie sind abgemeldet.");
            break;
    }
    main += "<form method=\"post\" class=\"login-form\"";
    attribute(main, "action", admin_url(ctx, "/admin/login"));
    main += ">\n";
    if (!form.next.empty()) hidden(main, "next", form.next);
    input(main, "email", "E-Mail-Adresse", "email", "username", form.email, nullptr);
    input(main, "password", "Passwort", "password", "current-password", {}, nullptr);
    main += "<button type=\"submit\" class=\"button button--primary\">Anmelden</button>\n</form>\n";
    return document(ctx, "Anmelden", std::nullopt, {}, main);
}

std::string render_overview(const page_context& ctx, const workspace_frame& frame, const workspace_overview& o) {
    std::string main;
    element(main, "h1", {}, "Übersicht");
    element(main, "h2", {}, "Kommende Termine");
    if (o.upcoming.empty())
        element(main, "p", {}, "Keine kommenden Termine.");
    else
        date_rows(main, ctx, o.upcoming, true);
    element(main, "h2", {}, "Vergangene Termine");
    if (o.past.empty())
        element(main, "p", {}, "Noch keine vergangenen Termine.");
    else
        date_rows(main, ctx, o.past, false);
    return document(ctx, "Übersicht", frame, "overview", main);
}

std::string render_account(const page_context& ctx, const workspace_frame& frame, const account_page& page) {
    std::string main;
    element(main, "h1", {}, "Mein Konto");
    element(main, "p", "lead", frame.email);
    if (page.password_changed)
        element(main, "p", "notice", "Ihr Passwort ist geändert. Alle anderen Sitzungen sind beendet.");

    element(main, "h2", {}, "Passwort ändern");
    open_form(main, ctx, frame, "/admin/account/password");
    input(main,
          "current_password",
          "Bisheriges Passwort",
          "password",
          "current-password",
          {},
          problem_in(page.problems, "current_password"));
    input(main,
          "new_password",
          "Neues Passwort",
          "password",
          "new-password",
          {},
          problem_in(page.problems, "new_password"),
          "Mindestens 10 Zeichen. Danach sind Sie auf allen anderen Geräten abgemeldet.");
    input(main,
          "new_password_repeat",
          "Neues Passwort wiederholen",
          "password",
          "new-password",
          {},
          problem_in(page.problems, "new_password_repeat"));
    main += "<button type=\"submit\" class=\"button button--primary\">Passwort ändern</button>\n</form>\n";

    element(main, "h2", {}, "Persönliche API-Schlüssel");
    element(main,
            "p",
            {},
            "Für Skripte und andere Programme: als Authorization: Bearer … an die Organisator-API. Ein Schlüssel "
            "handelt mit Ihren Rechten, bis Sie ihn widerrufen.");
    if (!page.new_token.empty()) {
        main += "<div class=\"notice notice--warning\" role=\"status\">\n";
        element(main, "p", {}, "Neuer Schlüssel „" + page.new_token_name + "“. Er wird nur dieses eine Mal gezeigt:");
        main += "<p><code class=\"secret\">";
        html::append_text(main, page.new_token);
        main += "</code></p>\n</div>\n";
    }
    if (page.tokens.empty()) {
        element(main, "p", {}, "Noch keine Schlüssel.");
    } else {
        main += "<div class=\"table-scroll\">\n<table class=\"table\">\n<thead>\n<tr><th scope=\"col\">Name</th>";
        main += "<th scope=\"col\">Erstellt</th><th scope=\"col\">Zuletzt benutzt</th>";
        main += "<th scope=\"col\"><span class=\"visually-hidden\">Aktion</span></th></tr>\n</thead>\n<tbody>\n";
        for (const auto& t : page.tokens) {
            main += "<tr>\n";
            element(main, "td", {}, t.name);
            element(main, "td", {}, when(t.created_at));
            element(main, "td", {}, t.last_used_at ? when(*t.last_used_at) : "noch nie");
            row_action(
                main, ctx, frame, "/admin/account/tokens/" + std::to_string(t.id) + "/revoke", "Widerrufen", t.name);
            main += "</tr>\n";
        }
        main += "</tbody>\n</table>\n</div>\n";
    }
    open_form(main, ctx, frame, "/admin/account/tokens");
    input(main,
          "name",
          "Name des neuen Schlüssels",
          "text",
          "off",
          page.token_name,
          problem_in(page.problems, "name"),
          "Wofür er gedacht ist, z. B. „CRM-Abgleich“.");
    main += "<button type=\"submit\" class=\"button\">Schlüssel erstellen</button>\n</form>\n";
    return document(ctx, "Mein Konto", frame, "account", main);
}

std::string render_users(const page_context& ctx, const workspace_frame& frame, const users_page& page) {
    std::string main;
    element(main, "h1", {}, "Benutzer");
    if (!page.notice.empty()) {
        main += "<p class=\"notice\" role=\"status\">";
        html::append_text(main, page.notice);
        main += "</p>\n";
    }
    if (page.error) {
        main += "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\">\n";
        element(main, "h2", {}, "Nicht geändert");
        element(main, "p", {}, domain::message(*page.error, de));
        main += "</div>\n";
    }
    main += "<div class=\"table-scroll\">\n<table class=\"table\">\n<thead>\n<tr><th scope=\"col\">E-Mail-Adresse</th>";
    main += "<th scope=\"col\">Rolle</th><th scope=\"col\">Seit</th>";
    main += "<th scope=\"col\"><span class=\"visually-hidden\">Aktion</span></th></tr>\n</thead>\n<tbody>\n";
    for (const auto& u : page.users) {
        main += "<tr>\n";
        element(main, "td", {}, u.email);
        element(main, "td", {}, u.owner ? "Inhaber:in" : "Mitarbeiter:in");
        element(main, "td", {}, when(u.created_at));
        row_action(main, ctx, frame, "/admin/users/" + std::to_string(u.id) + "/remove", "Entfernen", u.email);
        main += "</tr>\n";
    }
    main += "</tbody>\n</table>\n</div>\n";

    element(main, "h2", {}, "Benutzer hinzufügen");
    open_form(main, ctx, frame, "/admin/users");
    input(main, "email", "E-Mail-Adresse", "email", "off", page.email, problem_in(page.problems, "email"));
    const auto* role_problem = problem_in(page.problems, "role");
    main += "<div class=\"field";
    if (role_problem) main += " field--error";
    main += "\">\n<label for=\"role\">Rolle</label>\n";
    if (role_problem) {
        main += "<p id=\"role-error\" class=\"field-error\">";
        html::append_text(main, domain::message(*role_problem, de));
        main += "</p>\n";
    }
    main += "<select id=\"role\" name=\"role\"";
    if (role_problem) main += " aria-invalid=\"true\" aria-describedby=\"role-error\"";
    main += ">\n";
    for (const auto& [value, label] : {std::pair{"staff", "Mitarbeiter:in: Seminare, Termine, Anmeldungen, Exporte"},
                                       std::pair{"owner", "Inhaber:in: alles, auch Benutzer und Einstellungen"}}) {
        main += "<option";
        attribute(main, "value", value);
        if (page.role == value) main += " selected";
        main += '>';
        html::append_text(main, label);
        main += "</option>\n";
    }
    main += "</select>\n</div>\n";
    input(main,
          "password",
          "Erstes Passwort",
          "password",
          "new-password",
          {},
          problem_in(page.problems, "password"),
          "Mindestens 10 Zeichen. Teilen Sie es der Person auf einem sicheren Weg mit; sie kann es unter „Mein "
          "Konto“ ändern.");
    main += "<button type=\"submit\" class=\"button button--primary\">Hinzufügen</button>\n</form>\n";
    return document(ctx, "Benutzer", frame, "users", main);
}

std::string render_workspace_message(const page_context& ctx,
                                     const std::optional<workspace_frame>& frame,
                                     std::string_view title,
                                     std::string_view text) {
    std::string main;
    element(main, "h1", {}, title);
    element(main, "p", {}, text);
    if (frame) {
        main += "<p>";
        link(main, admin_url(ctx, "/admin"), "Zur Übersicht");
        main += "</p>\n";
    }
    return document(ctx, title, frame, {}, main);
}

}  // namespace seminard::server
