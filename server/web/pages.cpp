// The HTML pages attendees see (see pages.hpp). Markup is built by appending to one string; every value that
// comes from outside this file goes through html::append_text or html::append_attr.
#include "server/web/pages.hpp"

#include "domain/admission.hpp"
#include "domain/billing.hpp"
#include "domain/format_de.hpp"
#include "domain/offer.hpp"
#include "domain/questions.hpp"
#include "domain/schedule.hpp"
#include "domain/text.hpp"
#include "domain/validation.hpp"
#include "server/web/html.hpp"
#include "server/web/markup.hpp"
#include "server/web/urls.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <tuple>

namespace seminard::server {

namespace {

using domain::lang;

/// The zone the pages assume their readers live in; dates in any other zone say which zone their hours are in.
constexpr std::string_view home_zone = "Europe/Berlin";

/// German or English, by the page's language.
std::string_view tr(const page_context& ctx, std::string_view de, std::string_view en) {
    return ctx.lang == lang::en ? en : de;
}

// ---------------------------------------------------------------------------------------------------------------
// URLs

/// The path of a seminar page, also its form's action.
std::string seminar_path(const domain::seminar& s) { return server::seminar_path(s.slug); }

/// A link to one of our pages: public URL, path, and `lang=en` when the page is English (German is the default,
/// so a German link needs no parameter).
std::string page_url(const page_context& ctx, std::string_view path) {
    std::string url = ctx.public_url + std::string{path};
    return ctx.lang == lang::en ? html::with_query(url, "lang=en") : url;
}

/// The same page in the other language. Names German explicitly: a browser that prefers English would
/// otherwise get English again.
std::string switch_url(const page_context& ctx, std::string_view absolute_url) {
    return html::with_query(absolute_url, ctx.lang == lang::en ? "lang=de" : "lang=en");
}

std::string invite_url(const page_context& ctx, std::string_view token) {
    return site_urls{ctx.public_url}.invite(token);
}

// ---------------------------------------------------------------------------------------------------------------
// Markup helpers

using markup::attribute;
using markup::element;
using markup::fact;
using markup::lines;
using markup::link;

struct document_options {
    /// The page holds a private token: keep it out of search engines and out of Referer headers sent to
    /// other sites (the privacy notice may live elsewhere).
    bool is_private = false;
};

/// Wraps the content of `<main>` into a complete page.
std::string document(const page_context& ctx,
                     std::string_view title,
                     std::string_view other_language_url,
                     std::string_view main,
                     document_options options = {}) {
    const bool en = ctx.lang == lang::en;
    std::string out;
    out.reserve(main.size() + 2048);
    out += "<!DOCTYPE html>\n<html lang=\"";
    out += en ? "en" : "de";
    out += "\">\n<head>\n<meta charset=\"utf-8\">\n";
    out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    if (options.is_private) {
        out += "<meta name=\"robots\" content=\"noindex, nofollow\">\n";
        out += "<meta name=\"referrer\" content=\"no-referrer\">\n";
    }
    out += "<title>";
    html::append_text(out, title);
    out += tr(ctx, " – Seminaranmeldung", " – Seminar registration");
    out += "</title>\n<link rel=\"stylesheet\"";
    attribute(out, "href", site_urls{ctx.public_url}.stylesheet(stylesheet_version()));
    // No favicon of our own: an empty one keeps browsers from asking for /favicon.ico (a 404 on every page).
    out += ">\n<link rel=\"icon\" href=\"data:,\">\n</head>\n<body>\n";

    out += "<header class=\"site-header\">\n<div class=\"wrap site-header-inner\">\n";
    link(out, page_url(ctx, "/"), tr(ctx, "Alle Seminare", "All seminars"), "site-home");
    out += "\n<a class=\"lang-switch\"";
    attribute(out, "href", other_language_url);
    out += en ? " hreflang=\"de\" lang=\"de\">Deutsch</a>" : " hreflang=\"en\" lang=\"en\">English</a>";
    out += "\n</div>\n</header>\n";

    out += "<main id=\"main\" class=\"wrap\">\n";
    out += main;
    out += "</main>\n";

    out += "<footer class=\"site-footer\">\n<div class=\"wrap\">\n";
    link(out, ctx.privacy_url, tr(ctx, "Datenschutz", "Privacy"));
    out += "\n</div>\n</footer>\n</body>\n</html>\n";
    return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Dates and their state

using domain::offer_state;

struct offer_view {
    const date_offer* offer;
    offer_state state;
    int seats_left;
    domain::instant start;
};

/// The date's offer as the domain states it (the API's date_json takes it from the same place).
offer_view view_of(const date_offer& o, domain::instant now) {
    const auto offer = domain::offer_of(o.date, o.availability, now);
    return {&o, offer.state, offer.seats_left, domain::first_start(o.date)};
}

bool bookable(offer_state s) { return s == offer_state::open || s == offer_state::waitlist; }

/// All dates of a listing with their state, earliest first.
std::vector<offer_view> views_of(const seminar_listing& s, domain::instant now) {
    std::vector<offer_view> out;
    out.reserve(s.dates.size());
    for (const auto& o : s.dates) out.push_back(view_of(o, now));
    std::stable_sort(out.begin(), out.end(), [](const offer_view& a, const offer_view& b) {
        return std::tie(a.start, a.offer->date.id) < std::tie(b.start, b.offer->date.id);
    });
    return out;
}

std::string state_text(const page_context& ctx, const offer_view& v) {
    const bool de = ctx.lang == lang::de;
    switch (v.state) {
        case offer_state::open:
            if (v.seats_left == 1) return de ? "Nur noch 1 Platz frei" : "Only 1 seat left";
            return (de ? "Noch " : "") + std::to_string(v.seats_left) + (de ? " Plätze frei" : " seats left");
        case offer_state::waitlist:
            return de ? "Ausgebucht – Anmeldung auf die Warteliste" : "Fully booked – join the waiting list";
        case offer_state::full:
            return de ? "Ausgebucht" : "Fully booked";
        case offer_state::closed:
            return de ? "Anmeldung geschlossen" : "Registration closed";
        case offer_state::cancelled:
            return de ? "Abgesagt" : "Cancelled";
        case offer_state::past:
            return de ? "Vergangen" : "Past";
    }
    return {};
}

std::string_view state_class(offer_state s) {
    switch (s) {
        case offer_state::open:
            return "state state--open";
        case offer_state::waitlist:
            return "state state--waitlist";
        case offer_state::full:
        case offer_state::closed:
        case offer_state::cancelled:
        case offer_state::past:
            return "state state--closed";
    }
    return "state";
}

/// The schedule lines of a date, and the zone when it is not the one our readers assume.
void schedule(std::string& out, const page_context& ctx, const domain::seminar_date& d) {
    lines(out, domain::schedule_lines(d.days, ctx.lang));
    if (!d.timezone.empty() && d.timezone != home_zone) {
        out += "<br><span class=\"zone\">";
        html::append_text(out, std::string{tr(ctx, "Zeitzone: ", "Time zone: ")} + d.timezone);
        out += "</span>";
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The registration form

struct field_def {
    std::string_view name;
    std::string_view type;
    std::string_view autocomplete;
    std::string_view label_de;
    std::string_view label_en;
    bool required;
    std::size_t max_length;  ///< the domain's limit, so the browser stops where the server would refuse
};

constexpr std::array<field_def, 6> person_fields{{
    {"first_name", "text", "given-name", "Vorname", "First name", true, domain::limits::person_name},
    {"last_name", "text", "family-name", "Nachname", "Last name", true, domain::limits::person_name},
    {"email", "email", "email", "E-Mail-Adresse", "E-mail address", true, domain::limits::email},
    {"company", "text", "organization", "Firma", "Company", false, domain::limits::company},
    {"job_title", "text", "organization-title", "Position", "Job title", false, domain::limits::job_title},
    {"phone", "tel", "tel", "Telefon", "Phone", false, domain::limits::phone},
}};

constexpr std::string_view date_field = "date_id";
constexpr std::string_view consent_field = "privacy_consent";

std::string_view field_label(const page_context& ctx, std::string_view name) {
    if (name == date_field) return tr(ctx, "Termin", "Date");
    if (name == consent_field) return tr(ctx, "Datenschutz", "Privacy");
    for (const auto& f : person_fields)
        if (f.name == name) return tr(ctx, f.label_de, f.label_en);
    return {};
}

std::string value_of(const form_state& form, std::string_view name) {
    auto it = form.values.find(std::string{name});
    return it == form.values.end() ? std::string{} : it->second;
}

const domain::field_problem* problem_of(const form_state& form, std::string_view name) {
    auto it = form.problems.find(std::string{name});
    return it == form.problems.end() ? nullptr : &it->second;
}

/// `aria-invalid` and `aria-describedby` for a field with a problem.
void invalid_attributes(std::string& out, std::string_view name) {
    out += " aria-invalid=\"true\"";
    attribute(out, "aria-describedby", std::string{name} + "-error");
}

/// `<p id="{name}-error" class="field-error">message</p>`.
void field_error(std::string& out, const page_context& ctx, std::string_view name, domain::field_problem p) {
    out += "<p";
    attribute(out, "id", std::string{name} + "-error");
    out += " class=\"field-error\">";
    html::append_text(out, domain::message(p, ctx.lang));
    out += "</p>\n";
}

struct billing_field_def {
    std::string_view name;  ///< the field of billing_address; the form's field is "billing[name]"
    std::string_view type;
    std::string_view autocomplete;
    std::string_view label_de;
    std::string_view label_en;
    bool required;  ///< when the seminar requires a billing address
    std::size_t max_length;
};

constexpr std::array<billing_field_def, 7> billing_fields{{
    {"company", "text", "billing organization", "Firma", "Company", true, domain::limits::billing_company},
    {"street",
     "text",
     "billing street-address",
     "Straße und Hausnummer",
     "Street and number",
     true,
     domain::limits::billing_street},
    {"postal_code", "text", "billing postal-code", "PLZ", "Postal code", true, domain::limits::billing_postal_code},
    {"city", "text", "billing address-level2", "Ort", "City", true, domain::limits::billing_city},
    {"vat_id", "text", "off", "USt-IdNr.", "VAT ID", false, domain::limits::billing_vat_id},
    {"po_number", "text", "off", "Bestellnummer", "PO number", false, domain::limits::billing_po_number},
    {"email",
     "email",
     "billing email",
     "E-Mail-Adresse für die Rechnung",
     "E-mail address for the invoice",
     false,
     domain::limits::email},
}};

/// The countries the form offers (the address may name any ISO code through the API): the EU and its neighbours.
constexpr std::array<std::string_view, 33> form_countries{
    "DE", "AT", "CH", "LI", "BE", "BG", "CY", "CZ", "DK", "EE", "ES", "FI", "FR", "GB", "GR", "HR", "HU",
    "IE", "IS", "IT", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK", "US"};

std::string billing_id(std::string_view field) { return "billing." + std::string{field}; }
std::string answer_id(std::string_view key) { return "answers." + std::string{key}; }

/// Where a set of answers lives in a form: the single registration's ("answers.key", answers[key]) or one booked
/// attendee's ("attendees[2].answers.key", attendees[2][answers][key]).
struct answer_scope {
    std::string id_prefix = "answers.";
    std::string name_prefix = "answers";

    std::string id(std::string_view key) const { return id_prefix + std::string{key}; }
    std::string name(std::string_view key) const { return name_prefix + "[" + std::string{key} + "]"; }
};

/// The label of any field of the form by its problem name, for the error summary.
std::string problem_label(const page_context& ctx, const domain::seminar& s, std::string_view name) {
    if (auto l = field_label(ctx, name); !l.empty()) return std::string{l};
    if (name == "billing") return std::string{tr(ctx, "Rechnungsanschrift", "Billing address")};
    if (name == "billing.country") return std::string{tr(ctx, "Land", "Country")};
    for (const auto& f : billing_fields)
        if (billing_id(f.name) == name) return std::string{tr(ctx, f.label_de, f.label_en)};
    for (const auto& q : s.questions)
        if (answer_id(q.key) == name) return q.label.in(ctx.lang == lang::en);
    return {};
}

/// The fields in the order the form shows them, by problem name.
std::vector<std::string> form_order(const domain::seminar& s) {
    std::vector<std::string> order{std::string{date_field}};
    for (const auto& f : person_fields) order.emplace_back(f.name);
    for (const auto& q : s.questions) order.push_back(answer_id(q.key));
    order.emplace_back("billing");
    for (std::size_t i = 0; i < billing_fields.size(); ++i) {
        order.push_back(billing_id(billing_fields[i].name));
        if (billing_fields[i].name == "city") order.emplace_back("billing.country");
    }
    order.emplace_back(consent_field);
    return order;
}

/// The box at the top of a re-rendered form: the form-level error and a link to every bad field, in form order.
/// A field of a form by its problem name, with the label the summary shows.
struct labelled_field {
    std::string name;
    std::string label;
    std::string anchor = {};  ///< the field's id when it is not its name (one of several forms on a page)
};

/// What the failed form wanted: its summary's heading says that, not a registration's failure.
enum class attempt { registration, substitute };

void error_summary(std::string& out,
                   const page_context& ctx,
                   const form_state& form,
                   const std::vector<labelled_field>& fields,
                   attempt what = attempt::registration) {
    if (!form.error && form.problems.empty()) return;
    out += "<div class=\"error-summary\" role=\"alert\" aria-labelledby=\"error-summary-title\">\n";
    out += "<h3 id=\"error-summary-title\">";
    if (!form.problems.empty())
        out += tr(ctx, "Bitte prüfen Sie Ihre Angaben", "Please check your details");
    else if (what == attempt::substitute)
        out += tr(ctx, "Der Platz wurde nicht übertragen", "The seat was not handed over");
    else
        out += tr(ctx, "Die Anmeldung war nicht möglich", "Your registration did not go through");
    out += "</h3>\n";
    // invalid_fields says no more than the heading does.
    if (form.error && *form.error != domain::errc::invalid_fields) {
        element(out, "p", {}, domain::message(*form.error, ctx.lang));
        out += '\n';
    }
    if (form.error == domain::errc::not_enough_seats && form.seats_left) {
        // What the booker can do about it, with the number that decides it.
        const int n = *form.seats_left;
        std::string text;
        if (n == 0) {
            text = tr(ctx,
                      "Frei ist kein Platz mehr. Mit „Freie Plätze buchen, die übrigen auf die Warteliste“ kommen "
                      "alle auf die Warteliste.",
                      "No seat is free. With “Book the free seats, the rest on the waiting list” everyone goes on the "
                      "waiting list.");
        } else {
            text = std::string{tr(ctx, "Frei sind noch ", "Only ")} +
                   (n == 1 ? std::string{tr(ctx, "1 Platz", "1 seat")}
                           : std::to_string(n) + std::string{tr(ctx, " Plätze", " seats")}) +
                   std::string{tr(ctx,
                                  ". Buchen Sie weniger Teilnehmende, oder wählen Sie „Freie Plätze buchen, die "
                                  "übrigen auf die Warteliste“.",
                                  " left. Book fewer attendees, or choose “Book the free seats, the rest on the "
                                  "waiting list”.")};
        }
        element(out, "p", {}, text);
        out += '\n';
    }
    if (!form.problems.empty()) {
        out += "<ul>\n";
        for (const auto& f : fields) {
            const auto* p = problem_of(form, f.name);
            if (!p) continue;
            out += "<li>";
            // "billing" as a whole has no field of its own: its link goes to the fieldset.
            const std::string anchor = f.name == "billing" ? std::string{"billing-address"}
                                       : f.anchor.empty()  ? f.name
                                                           : f.anchor;
            link(out, "#" + anchor, f.label + ": " + std::string{domain::message(*p, ctx.lang)});
            out += "</li>\n";
        }
        // Problems with fields the form does not show (a hand-made request): the message, without a link.
        for (const auto& [name, p] : form.problems) {
            const auto& shown = name;  // a plain reference: clang 14 cannot capture a structured binding
            if (std::any_of(fields.begin(), fields.end(), [&](const labelled_field& f) { return f.name == shown; }))
                continue;
            out += "<li>";
            html::append_text(out, name + ": " + std::string{domain::message(p, ctx.lang)});
            out += "</li>\n";
        }
        out += "</ul>\n";
    }
    out += "</div>\n";
}

/// The "Termin" fieldset: one radio per upcoming date, enabled only where registration is possible. The first
/// enabled radio carries the id "date_id" so that the summary's link `#date_id` lands on the group.
void date_choices(std::string& out,
                  const page_context& ctx,
                  const std::vector<offer_view>& upcoming,
                  const form_state& form) {
    const auto* problem = problem_of(form, date_field);
    const auto chosen = value_of(form, date_field);
    const auto open_count =
        std::count_if(upcoming.begin(), upcoming.end(), [](const offer_view& v) { return bookable(v.state); });
    bool chosen_is_open = false;
    for (const auto& v : upcoming)
        if (bookable(v.state) && std::to_string(v.offer->date.id) == chosen) chosen_is_open = true;

    out +=
        problem ? "<fieldset class=\"field field--choices field--error\"" : "<fieldset class=\"field field--choices\"";
    if (problem) attribute(out, "aria-describedby", std::string{date_field} + "-error");
    out += ">\n<legend>";
    out += tr(ctx, "Termin", "Date");
    out += "</legend>\n";
    if (problem) field_error(out, ctx, date_field, *problem);
    bool id_given = false;
    for (const auto& v : upcoming) {
        const auto& d = v.offer->date;
        const auto value = std::to_string(d.id);
        const bool enabled = bookable(v.state);
        std::string id = std::string{date_field} + "-" + value;
        if (enabled && !id_given) {
            id = date_field;
            id_given = true;
        }
        const bool checked = enabled && (chosen_is_open ? value == chosen : open_count == 1);
        out += "<div class=\"choice";
        if (!enabled) out += " choice--disabled";
        out += "\">\n<input type=\"radio\" name=\"date_id\"";
        attribute(out, "id", id);
        attribute(out, "value", value);
        if (enabled) out += " required";
        if (checked) out += " checked";
        if (!enabled) out += " disabled";
        if (problem && enabled) invalid_attributes(out, date_field);
        out += ">\n<label";
        attribute(out, "for", id);
        out += "><span class=\"choice-when\">";
        schedule(out, ctx, d);
        out += "</span> ";
        element(out, "span", state_class(v.state), state_text(ctx, v));
        out += "</label>\n</div>\n";
    }
    out += "</fieldset>\n";
}

/// `id` (default: the field's name) keeps the ids apart when a page has several forms with these fields; values and
/// problems stay under the field's name.
void text_field(
    std::string& out, const page_context& ctx, const field_def& f, const form_state& form, std::string_view id = {}) {
    if (id.empty()) id = f.name;
    const auto* problem = problem_of(form, f.name);
    out += "<div class=\"field";
    if (problem) out += " field--error";
    out += "\">\n<label";
    attribute(out, "for", id);
    out += '>';
    out += tr(ctx, f.label_de, f.label_en);
    if (!f.required) {
        out += " <span class=\"optional\">";
        out += tr(ctx, "(optional)", "(optional)");
        out += "</span>";
    }
    out += "</label>\n";
    if (problem) field_error(out, ctx, id, *problem);
    out += "<input";
    attribute(out, "type", f.type);
    attribute(out, "id", id);
    attribute(out, "name", f.name);
    attribute(out, "autocomplete", f.autocomplete);
    attribute(out, "maxlength", std::to_string(f.max_length));
    if (f.type == "email") out += " spellcheck=\"false\"";
    if (f.required) out += " required";
    attribute(out, "value", value_of(form, f.name));
    if (problem) invalid_attributes(out, id);
    out += ">\n</div>\n";
}

/// One labelled input of the form; `id` is also the name its problems have.
struct input_spec {
    std::string id;
    std::string name;  ///< the form field's name
    std::string_view type;
    std::string_view autocomplete;
    std::string label;
    std::string help;
    bool required = false;
    std::size_t max_length = 0;
    bool needed_in_group = false;  ///< not required alone, but once its optional group is begun: no "(optional)"
};

void input_field(std::string& out, const page_context& ctx, const input_spec& f, const form_state& form) {
    const auto* problem = problem_of(form, f.id);
    out += "<div class=\"field";
    if (problem) out += " field--error";
    out += "\">\n<label";
    attribute(out, "for", f.id);
    out += '>';
    html::append_text(out, f.label);
    if (!f.required && !f.needed_in_group) {
        out += " <span class=\"optional\">";
        out += tr(ctx, "(optional)", "(optional)");
        out += "</span>";
    }
    out += "</label>\n";
    if (!f.help.empty()) {
        out += "<p class=\"hint\"";
        attribute(out, "id", f.id + "-help");
        out += '>';
        html::append_text(out, f.help);
        out += "</p>\n";
    }
    if (problem) field_error(out, ctx, f.id, *problem);
    const bool textarea = f.type == "textarea";
    out += textarea ? "<textarea rows=\"4\"" : "<input";
    if (!textarea) attribute(out, "type", f.type);
    attribute(out, "id", f.id);
    attribute(out, "name", f.name);
    if (!f.autocomplete.empty()) attribute(out, "autocomplete", f.autocomplete);
    attribute(out, "maxlength", std::to_string(f.max_length));
    if (f.type == "email") out += " spellcheck=\"false\"";
    if (f.required) out += " required";
    if (problem)
        invalid_attributes(out, f.id);
    else if (!f.help.empty())
        attribute(out, "aria-describedby", f.id + "-help");
    if (textarea) {
        out += '>';
        html::append_text(out, value_of(form, f.id));
        out += "</textarea>\n</div>\n";
    } else {
        attribute(out, "value", value_of(form, f.id));
        out += ">\n</div>\n";
    }
}

/// A choice (radios), a multiple choice (checkboxes) or a single checkbox question, as a fieldset.
void choice_question(std::string& out,
                     const page_context& ctx,
                     const domain::question& q,
                     const form_state& form,
                     const answer_scope& scope) {
    const bool en = ctx.lang == lang::en;
    const auto id = scope.id(q.key);
    const auto* problem = problem_of(form, id);
    if (q.type == domain::question_type::checkbox) {
        out += "<div class=\"field field--check";
        if (problem) out += " field--error";
        out += "\">\n";
        if (problem) field_error(out, ctx, id, *problem);
        out += "<div class=\"check\">\n<input type=\"checkbox\" value=\"on\"";
        attribute(out, "id", id);
        attribute(out, "name", scope.name(q.key));
        if (q.required) out += " required";
        if (value_of(form, id) == "on") out += " checked";
        if (problem) invalid_attributes(out, id);
        out += ">\n<label";
        attribute(out, "for", id);
        out += '>';
        html::append_text(out, q.label.in(en));
        if (!q.required) {
            out += " <span class=\"optional\">";
            out += tr(ctx, "(optional)", "(optional)");
            out += "</span>";
        }
        out += "</label>\n</div>\n";
        if (!q.help.de.empty()) element(out, "p", "hint", q.help.in(en));
        out += "</div>\n";
        return;
    }
    const bool multi = q.type == domain::question_type::multi;
    const auto list = form.lists.find(id);
    auto chosen = [&](const std::string& key) {
        // One ticked box of a multiple choice arrives as a single value, several as a list.
        if (multi && list != form.lists.end())
            return std::find(list->second.begin(), list->second.end(), key) != list->second.end();
        return value_of(form, id) == key;
    };
    out +=
        problem ? "<fieldset class=\"field field--choices field--error\"" : "<fieldset class=\"field field--choices\"";
    if (problem) attribute(out, "aria-describedby", id + "-error");
    out += ">\n<legend>";
    html::append_text(out, q.label.in(en));
    if (!q.required) {
        out += " <span class=\"optional\">";
        out += tr(ctx, "(optional)", "(optional)");
        out += "</span>";
    }
    out += "</legend>\n";
    if (!q.help.de.empty()) element(out, "p", "hint", q.help.in(en));
    if (problem) field_error(out, ctx, id, *problem);
    for (std::size_t i = 0; i < q.options.size(); ++i) {
        const auto& o = q.options[i];
        // The first option carries the question's id, so that the summary's link lands on the group.
        const auto option_id = i == 0 ? id : id + "-" + o.key;
        out += "<div class=\"choice\">\n<input";
        attribute(out, "type", multi ? "checkbox" : "radio");
        attribute(out, "id", option_id);
        attribute(out, "name", scope.name(q.key));
        attribute(out, "value", o.key);
        if (!multi && q.required) out += " required";
        if (chosen(o.key)) out += " checked";
        if (problem) invalid_attributes(out, id);
        out += ">\n<label";
        attribute(out, "for", option_id);
        out += '>';
        html::append_text(out, o.label.in(en));
        out += "</label>\n</div>\n";
    }
    out += "</fieldset>\n";
}

/// The seminar's own questions, in its order.
void questions_markup(std::string& out,
                      const page_context& ctx,
                      const domain::seminar& s,
                      const form_state& form,
                      const answer_scope& scope = {}) {
    const bool en = ctx.lang == lang::en;
    for (const auto& q : s.questions) {
        if (q.type == domain::question_type::text || q.type == domain::question_type::textarea) {
            const bool long_text = q.type == domain::question_type::textarea;
            input_field(out,
                        ctx,
                        {scope.id(q.key),
                         scope.name(q.key),
                         long_text ? "textarea" : "text",
                         {},
                         q.label.in(en),
                         q.help.in(en),
                         q.required,
                         long_text ? domain::limits::answer_textarea : domain::limits::answer_text},
                        form);
        } else {
            choice_question(out, ctx, q, form, scope);
        }
    }
}

/// The billing address (Rechnungsanschrift) as one group, when the seminar asks for one.
void billing_markup(std::string& out, const page_context& ctx, const domain::seminar& s, const form_state& form) {
    if (s.billing == domain::billing_mode::none) return;
    const bool required = s.billing == domain::billing_mode::required;
    const auto* problem = problem_of(form, "billing");
    out += "<fieldset class=\"group\" id=\"billing-address\">\n<legend>";
    out += tr(ctx, "Rechnungsanschrift", "Billing address");
    if (!required) {
        out += " <span class=\"optional\">";
        out += tr(ctx, "(optional)", "(optional)");
        out += "</span>";
    }
    out += "</legend>\n";
    if (!required)
        element(out,
                "p",
                "hint",
                tr(ctx,
                   "Wenn Sie eine Rechnungsanschrift angeben, bitte mit Firma, Straße, PLZ und Ort.",
                   "If you give a billing address, please include company, street, postal code and city."));
    if (problem) field_error(out, ctx, "billing", *problem);
    for (const auto& f : billing_fields) {
        input_field(out,
                    ctx,
                    {billing_id(f.name),
                     "billing[" + std::string{f.name} + "]",
                     f.type,
                     f.autocomplete,
                     std::string{tr(ctx, f.label_de, f.label_en)},
                     {},
                     required && f.required,
                     f.max_length,
                     !required && f.required},
                    form);
        if (f.name != "city") continue;
        // The country after the city, as addresses are written.
        const auto id = billing_id("country");
        const auto* country_problem = problem_of(form, id);
        auto chosen = value_of(form, id);
        if (chosen.empty()) chosen = "DE";
        out += country_problem ? "<div class=\"field field--error\">\n" : "<div class=\"field\">\n";
        out += "<label for=\"billing.country\">";
        out += tr(ctx, "Land", "Country");
        out += "</label>\n";
        if (country_problem) field_error(out, ctx, id, *country_problem);
        out += "<select id=\"billing.country\" name=\"billing[country]\" autocomplete=\"billing country\"";
        if (country_problem) invalid_attributes(out, id);
        out += ">\n";
        std::vector<std::string_view> codes(form_countries.begin(), form_countries.end());
        if (std::find(codes.begin(), codes.end(), chosen) == codes.end()) codes.push_back(chosen);
        // Germany first, the rest by name in the page's language.
        std::sort(codes.begin() + 1, codes.end(), [&](std::string_view a, std::string_view b) {
            return domain::country_name(a, ctx.lang) < domain::country_name(b, ctx.lang);
        });
        for (auto code : codes) {
            out += "<option";
            attribute(out, "value", code);
            if (code == chosen) out += " selected";
            out += '>';
            html::append_text(out, domain::country_name(code, ctx.lang));
            out += "</option>\n";
        }
        out += "</select>\n</div>\n";
    }
    out += "</fieldset>\n";
}

/// The consent checkbox's wording around its link: the form shows it, consent_wording() keeps it as proof.
struct consent_text {
    std::string_view before, link, after;
};
const consent_text& consent_words(lang l) {
    static constexpr consent_text de{
        "Ich habe die ",
        "Datenschutzhinweise",
        " gelesen und bin einverstanden, dass meine Angaben zur Bearbeitung meiner Anmeldung gespeichert werden."};
    static constexpr consent_text en{
        "I have read the ", "privacy notice", " and agree that my details are stored to handle my registration."};
    return l == lang::en ? en : de;
}

void consent_field_markup(std::string& out, const page_context& ctx, const form_state& form) {
    const auto* problem = problem_of(form, consent_field);
    out += "<div class=\"field field--check";
    if (problem) out += " field--error";
    out += "\">\n";
    if (problem) field_error(out, ctx, consent_field, *problem);
    out +=
        "<div class=\"check\">\n<input type=\"checkbox\" id=\"privacy_consent\" name=\"privacy_consent\" value=\"on\" "
        "required";
    if (form.consent) out += " checked";
    if (problem) invalid_attributes(out, consent_field);
    out += ">\n<label for=\"privacy_consent\">";
    const auto& words = consent_words(ctx.lang);
    out += words.before;
    out += "<a";
    attribute(out, "href", ctx.privacy_url);
    out += " rel=\"noopener\" target=\"_blank\">";
    out += words.link;
    out += "<span class=\"visually-hidden\">";
    out += tr(ctx, " (öffnet in neuem Fenster)", " (opens in a new window)");
    out += "</span></a>";
    out += words.after;
    out += "</label>\n</div>\n</div>\n";
}

/// A field for bots only: people never see it (off-screen, hidden from assistive technology, out of the tab
/// order), and a submission that fills it in is not from a person.
void honeypot(std::string& out, const page_context& ctx) {
    out += "<div class=\"field-website\" aria-hidden=\"true\">\n<label for=\"website\">";
    out += tr(ctx, "Bitte leer lassen", "Please leave empty");
    out +=
        "</label>\n<input type=\"text\" id=\"website\" name=\"website\" value=\"\" tabindex=\"-1\" "
        "autocomplete=\"off\">\n</div>\n";
}

// ---------------------------------------------------------------------------------------------------------------
// Cancellation terms

/// Until when attendees of date `d` may cancel themselves, as people read it in the date's zone: "13. Januar 2027,
/// 09:00 Uhr". Empty for a date whose zone the tz database does not know.
std::string self_cancel_until(const page_context& ctx, const domain::seminar& s, const domain::seminar_date& d) {
    const auto* zone = domain::find_zone(d.timezone);
    if (!zone || d.days.empty()) return {};
    return domain::format_datetime(domain::self_cancel_deadline(s, d), *zone, ctx.lang);
}

/// Whom to ask once attendees cannot cancel themselves: "Muster GmbH, <a href="mailto:…">…</a>".
void organiser_contact(std::string& out, const domain::seminar& s) {
    html::append_text(out, s.organizer_name);
    out += ", ";
    link(out, "mailto:" + s.organizer_email, s.organizer_email);
}

/// The seminar's own terms as the organiser wrote them (paragraphs and line breaks kept).
void terms_text(std::string& out, const domain::seminar& s) {
    if (auto text = html::paragraphs(s.cancellation_terms); !text.empty()) {
        out += "<div class=\"terms-text\">";
        out += text;
        out += "</div>\n";
    }
}

/// The cancellation terms next to the submit button: the seminar's text and, when it sets a deadline, until when each
/// date the form offers can be cancelled by the attendee. Nothing when the seminar has neither.
void terms_markup(std::string& out,
                  const page_context& ctx,
                  const domain::seminar& s,
                  const std::vector<offer_view>& upcoming) {
    if (s.cancellation_terms.empty() && !s.self_cancel_days) return;
    out += "<section class=\"terms\" aria-labelledby=\"terms-title\">\n<h3 id=\"terms-title\">";
    out += tr(ctx, "Stornobedingungen", "Cancellation terms");
    out += "</h3>\n";
    terms_text(out, s);
    if (s.self_cancel_days) {
        std::vector<const domain::seminar_date*> offered;
        for (const auto& v : upcoming)
            if (bookable(v.state)) offered.push_back(&v.offer->date);
        // "until …", or for a date already past its deadline: only through the organiser.
        auto until = [&](const domain::seminar_date& d) {
            if (!domain::may_cancel(domain::canceller::attendee, s, d, ctx.now))
                return std::string{tr(ctx, "nur über den Veranstalter", "only through the organiser")};
            return std::string{tr(ctx, "bis ", "until ")} + self_cancel_until(ctx, s, d);
        };
        if (offered.size() == 1) {
            element(out,
                    "p",
                    "terms-deadline",
                    std::string{tr(ctx,
                                   "Selbst stornieren (über den Link in Ihrer Anmeldebestätigung) können Sie ",
                                   "You can cancel yourself (through the link in your confirmation) ")} +
                        until(*offered.front()) + ".");
            out += '\n';
        } else if (!offered.empty()) {
            element(out,
                    "p",
                    "terms-deadline",
                    tr(ctx,
                       "Selbst stornieren (über den Link in Ihrer Anmeldebestätigung) können Sie:",
                       "You can cancel yourself (through the link in your confirmation):"));
            out += "\n<ul class=\"terms-deadlines\">\n";
            for (const auto* d : offered) {
                element(out, "li", {}, domain::format_day_range(d->days, ctx.lang) + ": " + until(*d));
                out += '\n';
            }
            out += "</ul>\n";
        }
        if (!offered.empty()) {
            element(out,
                    "p",
                    "terms-deadline",
                    tr(ctx,
                       "Danach ist eine Stornierung nur noch über den Veranstalter möglich.",
                       "After that, only the organiser can cancel."));
            out += '\n';
        }
    }
    out += "</section>\n";
}

/// The form's idempotency key as a hidden field (none when `key` is empty). with_fresh_form_key() in server/handlers
/// looks for exactly this markup.
void form_key_field(std::string& out, std::string_view key) {
    if (key.empty()) return;
    out += "<input type=\"hidden\" name=\"idempotency_key\"";
    attribute(out, "value", key);
    out += ">\n";
}

void registration_form(std::string& out,
                       const page_context& ctx,
                       const seminar_listing& s,
                       const std::vector<offer_view>& upcoming,
                       const form_state& form) {
    out += "<form id=\"anmelden\" class=\"register-form\" method=\"post\"";
    attribute(out, "action", page_url(ctx, seminar_path(s.seminar)));
    out += " aria-labelledby=\"anmelden-title\">\n";
    std::vector<labelled_field> fields;
    for (auto& name : form_order(s.seminar)) fields.push_back({name, problem_label(ctx, s.seminar, name)});
    error_summary(out, ctx, form, fields);
    date_choices(out, ctx, upcoming, form);
    for (const auto& f : person_fields) text_field(out, ctx, f, form);
    questions_markup(out, ctx, s.seminar, form);
    billing_markup(out, ctx, s.seminar, form);
    honeypot(out, ctx);
    form_key_field(out, form.idempotency_key);
    consent_field_markup(out, ctx, form);
    terms_markup(out, ctx, s.seminar, upcoming);
    out += "<div class=\"actions\">\n<button type=\"submit\" class=\"button button--primary\">";
    out += tr(ctx, "Jetzt anmelden", "Register now");
    out += "</button>\n</div>\n</form>\n";
}

/// The booker's fields and each attendee's, as the company booking form asks them.
constexpr std::array<field_def, 5> booker_fields{{
    {"first_name", "text", "given-name", "Vorname", "First name", true, domain::limits::person_name},
    {"last_name", "text", "family-name", "Nachname", "Last name", true, domain::limits::person_name},
    {"email", "email", "email", "E-Mail-Adresse", "E-mail address", true, domain::limits::email},
    {"company", "text", "organization", "Firma", "Company", true, domain::limits::company},
    {"phone", "tel", "tel", "Telefon", "Phone", false, domain::limits::phone},
}};
constexpr std::array<field_def, 4> colleague_fields{{
    {"first_name", "text", "off", "Vorname", "First name", true, domain::limits::person_name},
    {"last_name", "text", "off", "Nachname", "Last name", true, domain::limits::person_name},
    {"email", "email", "off", "E-Mail-Adresse", "E-mail address", true, domain::limits::email},
    {"job_title", "text", "off", "Position", "Job title", false, domain::limits::job_title},
}};

std::string attendee_prefix(std::size_t i) { return "attendees[" + std::to_string(i) + "]"; }

std::string attendee_label(const page_context& ctx, std::size_t i) {
    return std::string{tr(ctx, "Teilnehmer:in ", "Attendee ")} + std::to_string(i + 1);
}

void booking_form(std::string& out,
                  const page_context& ctx,
                  const seminar_listing& s,
                  const std::vector<offer_view>& upcoming,
                  const form_state& form,
                  std::size_t rows) {
    const bool en = ctx.lang == lang::en;
    std::vector<labelled_field> fields{{std::string{date_field}, std::string{tr(ctx, "Termin", "Date")}}};
    for (const auto& f : booker_fields)
        fields.push_back(
            {"booker." + std::string{f.name},
             std::string{tr(ctx, "Buchende Person", "Booker")} + ", " + std::string{tr(ctx, f.label_de, f.label_en)}});
    fields.push_back({"attendees", std::string{tr(ctx, "Teilnehmende", "Attendees")}});
    for (std::size_t i = 0; i < rows; ++i) {
        for (const auto& f : colleague_fields)
            fields.push_back({attendee_prefix(i) + "." + std::string{f.name},
                              attendee_label(ctx, i) + ", " + std::string{tr(ctx, f.label_de, f.label_en)}});
        for (const auto& q : s.seminar.questions)
            fields.push_back(
                {attendee_prefix(i) + ".answers." + q.key, attendee_label(ctx, i) + ", " + q.label.in(en)});
    }
    for (auto& name : form_order(s.seminar))
        if (name.rfind("billing", 0) == 0) fields.push_back({name, problem_label(ctx, s.seminar, name)});
    fields.push_back({std::string{consent_field}, std::string{tr(ctx, "Datenschutz", "Privacy")}});

    out += "<form id=\"firmenbuchung\" class=\"register-form\" method=\"post\"";
    attribute(out, "action", page_url(ctx, seminar_path(s.seminar) + "/firmenbuchung"));
    out += " aria-labelledby=\"buchung-title\">\n";
    error_summary(out, ctx, form, fields);
    date_choices(out, ctx, upcoming, form);
    out += "<fieldset class=\"group\" id=\"booker\">\n<legend>";
    out += tr(ctx, "Buchende Person", "Booker");
    out += "</legend>\n";
    for (const auto& f : booker_fields)
        input_field(out,
                    ctx,
                    {"booker." + std::string{f.name},
                     "booker[" + std::string{f.name} + "]",
                     f.type,
                     f.autocomplete,
                     std::string{tr(ctx, f.label_de, f.label_en)},
                     {},
                     f.required,
                     f.max_length},
                    form);
    out += "</fieldset>\n";
    if (const auto* problem = problem_of(form, "attendees")) field_error(out, ctx, "attendees", *problem);
    for (std::size_t i = 0; i < rows; ++i) {
        const auto prefix = attendee_prefix(i);
        out += "<fieldset class=\"group\"";
        attribute(out, "id", prefix);
        out += ">\n<legend>";
        html::append_text(out, attendee_label(ctx, i));
        out += "</legend>\n";
        for (const auto& f : colleague_fields)
            input_field(out,
                        ctx,
                        {prefix + "." + std::string{f.name},
                         prefix + "[" + std::string{f.name} + "]",
                         f.type,
                         f.autocomplete,
                         std::string{tr(ctx, f.label_de, f.label_en)},
                         {},
                         // Rows left empty are dropped: only the first is required in the browser.
                         f.required && i == 0,
                         f.max_length,
                         f.required && i > 0},
                        form);
        questions_markup(out, ctx, s.seminar, form, {prefix + ".answers.", prefix + "[answers]"});
        out += "</fieldset>\n";
    }
    // A double click, or the page sent again, books once (see docs/api.md, "Idempotent requests").
    form_key_field(out, form.idempotency_key);
    out += "<input type=\"hidden\" name=\"rows\"";
    attribute(out, "value", std::to_string(rows));
    out += ">\n";
    if (rows < domain::limits::booking_attendees) {
        out +=
            "<div class=\"actions\">\n<button type=\"submit\" name=\"action\" value=\"add\" "
            "class=\"button button--secondary\" formnovalidate>";
        out += tr(ctx, "Weitere Teilnehmende hinzufügen", "Add another attendee");
        out += "</button>\n</div>\n";
    }
    // What happens when not everyone fits.
    const auto policy = value_of(form, "if_not_all_fit");
    out += "<fieldset class=\"field field--choices\">\n<legend>";
    out += tr(ctx, "Wenn nicht alle einen Platz bekommen", "If not everyone gets a seat");
    out += "</legend>\n";
    for (auto [value, de, en_text] :
         {std::tuple{"refuse", "Nichts buchen – alle oder keiner", "Book nothing – all or none"},
          std::tuple{"waitlist_rest",
                     "Freie Plätze buchen, die übrigen auf die Warteliste",
                     "Book the free seats, the rest on the waiting list"}}) {
        const std::string id = std::string{"if_not_all_fit-"} + value;
        out += "<div class=\"choice\">\n<input type=\"radio\" name=\"if_not_all_fit\"";
        attribute(out, "id", id);
        attribute(out, "value", value);
        if (policy == value || (policy.empty() && std::string_view{value} == "refuse")) out += " checked";
        out += ">\n<label";
        attribute(out, "for", id);
        out += '>';
        out += tr(ctx, de, en_text);
        out += "</label>\n</div>\n";
    }
    out += "</fieldset>\n";
    billing_markup(out, ctx, s.seminar, form);
    honeypot(out, ctx);
    consent_field_markup(out, ctx, form);
    terms_markup(out, ctx, s.seminar, upcoming);
    out += "<div class=\"actions\">\n<button type=\"submit\" class=\"button button--primary\">";
    out += tr(ctx, "Verbindlich buchen", "Book now");
    out += "</button>\n</div>\n</form>\n";
}

// ---------------------------------------------------------------------------------------------------------------
// Registration pages

std::string person_name(const domain::registration& r) { return r.person.first_name + " " + r.person.last_name; }

/// Opens the facts list with what every registration and booking page shows first: seminar, date, place, price.
void seminar_facts(std::string& out,
                   const page_context& ctx,
                   const domain::seminar& s,
                   const domain::seminar_date& d,
                   std::string_view price_label) {
    out += "<dl class=\"facts\">\n";
    fact(out, tr(ctx, "Seminar", "Seminar"), s.title);
    out += "<dt>";
    out += tr(ctx, "Termin", "Date");
    out += "</dt>\n<dd>";
    schedule(out, ctx, d);
    out += "</dd>\n";
    fact(out, tr(ctx, "Ort", "Location"), s.location);
    fact(out, price_label, domain::format_price(s.price_cents, s.currency, ctx.lang));
}

void billing_fact(std::string& out, const page_context& ctx, const std::optional<domain::billing_address>& b) {
    if (!b) return;
    out += "<dt>";
    out += tr(ctx, "Rechnungsanschrift", "Billing address");
    out += "</dt>\n<dd>";
    lines(out, domain::billing_lines(*b, ctx.lang));
    out += "</dd>\n";
}

/// The facts of a registration: seminar, date, place, price, person.
void registration_facts(std::string& out,
                        const page_context& ctx,
                        const domain::seminar& s,
                        const domain::seminar_date& d,
                        const domain::registration& r) {
    seminar_facts(out, ctx, s, d, tr(ctx, "Preis", "Price"));
    fact(out, tr(ctx, "Name", "Name"), person_name(r));
    fact(out, tr(ctx, "E-Mail", "E-mail"), r.person.email);
    fact(out, tr(ctx, "Firma", "Company"), r.person.company);
    for (const auto& a : r.answers) {
        // The wording it was answered under; long answers keep their line breaks.
        element(out, "dt", {}, a.question.in(ctx.lang == lang::en));
        out += "<dd>";
        lines(out, domain::split_lines(domain::answer_text(a, ctx.lang)));
        out += "</dd>\n";
    }
    billing_fact(out, ctx, r.billing);
    out += "</dl>\n";
}

void code_box(std::string& out, const page_context& ctx, const domain::registration& r) {
    out += "<div class=\"code-box\">\n<p class=\"code-label\">";
    out += tr(ctx, "Ihr Anmeldecode", "Your registration code");
    out += "</p>\n";
    element(out, "p", "code", r.code);
    out += "</div>\n";
}

std::string status_heading(const page_context& ctx, const domain::registration& r) {
    switch (r.status) {
        case domain::registration_status::confirmed:
            return std::string{tr(ctx, "Ihre Anmeldung ist bestätigt", "Your registration is confirmed")};
        case domain::registration_status::waitlisted:
            if (!r.waitlist_position)
                return std::string{tr(ctx, "Sie stehen auf der Warteliste", "You are on the waiting list")};
            return std::string{
                       tr(ctx, "Sie stehen auf der Warteliste (Platz ", "You are on the waiting list (number ")} +
                   std::to_string(*r.waitlist_position) + ")";
        case domain::registration_status::cancelled:
            return std::string{tr(ctx, "Ihre Anmeldung ist storniert", "Your registration is cancelled")};
    }
    return {};
}

std::string_view status_text(const page_context& ctx, const domain::registration& r) {
    switch (r.status) {
        case domain::registration_status::confirmed:
            return tr(ctx,
                      "Vielen Dank für Ihre Anmeldung. Ihr Platz ist für Sie reserviert.",
                      "Thank you for registering. Your seat is reserved for you.");
        case domain::registration_status::waitlisted:
            return tr(ctx,
                      "Vielen Dank für Ihre Anmeldung. Der Termin ist ausgebucht. Wird ein Platz frei, rücken Sie in "
                      "der Reihenfolge der Anmeldungen automatisch nach.",
                      "Thank you for registering. The date is fully booked. When a seat becomes free, you move up "
                      "automatically in the order of registration.");
        case domain::registration_status::cancelled:
            return tr(ctx,
                      "Diese Anmeldung wurde storniert. Solange Plätze frei sind, können Sie sich erneut anmelden.",
                      "This registration has been cancelled. While seats are available, you can register again.");
    }
    return {};
}

std::string_view status_class(const domain::registration& r) {
    switch (r.status) {
        case domain::registration_status::confirmed:
            return "status status--confirmed";
        case domain::registration_status::waitlisted:
            return "status status--waitlisted";
        case domain::registration_status::cancelled:
            return "status status--cancelled";
    }
    return "status";
}

void date_cancelled_notice(std::string& out, const page_context& ctx, const domain::seminar_date& d) {
    if (d.status != domain::date_status::cancelled) return;
    element(out,
            "p",
            "notice notice--warning",
            tr(ctx, "Dieser Termin wurde vom Veranstalter abgesagt.", "The organiser has cancelled this date."));
}

/// The person fields a substitute form asks for: first name, last name, e-mail.
bool substitute_field(const field_def& f) {
    return f.name == "first_name" || f.name == "last_name" || f.name == "email";
}

/// The substitute form's fields for its error summary. On the booker's page, with one form per seat, `id_suffix`
/// is the seat's and `label_prefix` names the seat.
std::vector<labelled_field> substitute_summary_fields(const page_context& ctx,
                                                      std::string_view id_suffix = {},
                                                      std::string_view label_prefix = {}) {
    std::vector<labelled_field> fields;
    for (const auto& f : person_fields)
        if (substitute_field(f))
            fields.push_back({std::string{f.name},
                              std::string{label_prefix} + std::string{tr(ctx, f.label_de, f.label_en)},
                              std::string{f.name} + std::string{id_suffix}});
    return fields;
}

/// The form that names a substitute, on the confirmation page and once per seat on the booker's page: the form's
/// key, the seat's code when the token is the booking's (`registration`), and someone else's name and address.
/// `id_suffix` keeps the ids of several such forms on one page apart; `button_name`, when set, is the button's
/// accessible name (it must begin with the visible `button`).
void substitute_form(std::string& out,
                     const page_context& ctx,
                     std::string_view action,
                     const form_state& form,
                     std::string_view registration,
                     std::string_view id_suffix,
                     std::string_view button,
                     std::string_view button_name = {}) {
    out += "<form class=\"substitute-form\" method=\"post\"";
    attribute(out, "action", action);
    out += ">\n";
    form_key_field(out, form.idempotency_key);
    if (!registration.empty()) {
        out += "<input type=\"hidden\" name=\"registration\"";
        attribute(out, "value", registration);
        out += ">\n";
    }
    for (const auto& f : person_fields)
        if (substitute_field(f)) {
            auto someone_else = f;
            someone_else.autocomplete = "off";  // not the person at the keyboard
            someone_else.required = true;
            text_field(out, ctx, someone_else, form, std::string{f.name} + std::string{id_suffix});
        }
    out += "<button type=\"submit\" class=\"button button--secondary\"";
    if (!button_name.empty()) attribute(out, "aria-label", button_name);
    out += '>';
    html::append_text(out, button);
    out += "</button>\n</form>\n";
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Pages

std::string render_index(const page_context& ctx, const std::vector<seminar_listing>& seminars) {
    std::string main;
    main += "<h1>";
    main += tr(ctx, "Seminare", "Seminars");
    main += "</h1>\n";
    if (seminars.empty()) {
        element(main,
                "p",
                "notice",
                tr(ctx, "Derzeit sind keine Seminare ausgeschrieben.", "No seminars are announced at the moment."));
    } else {
        main += "<ul class=\"seminar-list\">\n";
        for (const auto& s : seminars) {
            main += "<li class=\"card\">\n<h2 class=\"card-title\">";
            link(main, page_url(ctx, seminar_path(s.seminar)), s.seminar.title);
            main += "</h2>\n";
            const auto views = views_of(s, ctx.now);
            auto next = std::find_if(views.begin(), views.end(), [](const offer_view& v) { return bookable(v.state); });
            if (next == views.end()) {
                element(main, "p", "card-next", tr(ctx, "Derzeit keine Termine", "No dates at the moment"));
            } else {
                main += "<p class=\"card-next\">";
                html::append_text(main, tr(ctx, "Nächster Termin: ", "Next date: "));
                html::append_text(main, domain::format_day_range(next->offer->date.days, ctx.lang));
                main += " <span";
                attribute(main, "class", state_class(next->state));
                main += '>';
                html::append_text(main, state_text(ctx, *next));
                main += "</span></p>\n";
            }
            if (!s.seminar.location.empty()) element(main, "p", "card-meta", s.seminar.location);
            main += "</li>\n";
        }
        main += "</ul>\n";
    }
    return document(ctx, tr(ctx, "Seminare", "Seminars"), switch_url(ctx, ctx.public_url + "/"), main);
}

std::string render_seminar(const page_context& ctx, const seminar_listing& s, const form_state& form) {
    const auto& sem = s.seminar;
    const auto views = views_of(s, ctx.now);
    std::vector<offer_view> upcoming, past;
    for (const auto& v : views) {
        if (v.state != offer_state::past)
            upcoming.push_back(v);
        else if (v.offer->date.status != domain::date_status::cancelled)
            past.push_back(v);
    }
    const bool any_bookable =
        std::any_of(upcoming.begin(), upcoming.end(), [](const offer_view& v) { return bookable(v.state); });
    const bool has_errors = form.error || !form.problems.empty();

    std::string main;
    main += "<article class=\"seminar\">\n";
    element(main, "h1", {}, sem.title);
    main += "<dl class=\"facts\">\n";
    fact(main, tr(ctx, "Ort", "Location"), sem.location);
    fact(main, tr(ctx, "Preis", "Price"), domain::format_price(sem.price_cents, sem.currency, ctx.lang));
    fact(main, tr(ctx, "Veranstalter", "Organiser"), sem.organizer_name);
    main += "</dl>\n";
    if (any_bookable && !has_errors) {
        main += "<p class=\"jump\">";
        link(main, "#anmelden", tr(ctx, "Jetzt anmelden", "Register now"), "button button--primary");
        main += "</p>\n";
    }
    if (auto text = html::paragraphs(sem.description); !text.empty()) {
        main += "<div class=\"description\">";
        main += text;
        main += "</div>\n";
    }

    main += "<section class=\"dates\" aria-labelledby=\"termine-title\">\n<h2 id=\"termine-title\">";
    main += tr(ctx, "Termine", "Dates");
    main += "</h2>\n";
    if (upcoming.empty()) {
        element(
            main, "p", "notice", tr(ctx, "Derzeit sind keine Termine geplant.", "No dates are planned at the moment."));
    } else {
        main += "<ul class=\"date-list\">\n";
        for (const auto& v : upcoming) {
            main += "<li class=\"date-item\">\n<p class=\"date-when\">";
            schedule(main, ctx, v.offer->date);
            main += "</p>\n";
            element(main, "p", state_class(v.state), state_text(ctx, v));
            main += "</li>\n";
        }
        main += "</ul>\n";
    }
    if (!past.empty()) {
        main += "<h3 class=\"past-title\">";
        main += tr(ctx, "Vergangene Termine", "Past dates");
        main += "</h3>\n<ul class=\"date-list date-list--past\">\n";
        for (const auto& v : past) {
            main += "<li class=\"date-item\">\n<p class=\"date-when\">";
            schedule(main, ctx, v.offer->date);
            main += "</p>\n</li>\n";
        }
        main += "</ul>\n";
    }
    main += "</section>\n";

    main += "<section class=\"register\" aria-labelledby=\"anmelden-title\">\n<h2 id=\"anmelden-title\">";
    main += tr(ctx, "Jetzt anmelden", "Register now");
    main += "</h2>\n";
    if (any_bookable) {
        main += "<p class=\"hint\">";
        main += tr(ctx, "Mehrere Personen aus Ihrem Unternehmen? ", "Several people from your company? ");
        link(main,
             page_url(ctx, seminar_path(sem) + "/firmenbuchung"),
             tr(ctx, "Zur Firmenbuchung", "Go to the company booking"));
        main += "</p>\n";
        registration_form(main, ctx, s, upcoming, form);
    } else {
        // No dead form: say why, and keep a form-level error (e.g. the last seat just went) visible.
        if (form.error) {
            main += "<div class=\"error-summary\" role=\"alert\">\n";
            element(main, "p", {}, domain::message(*form.error, ctx.lang));
            main += "\n</div>\n";
        }
        element(main,
                "p",
                "notice",
                tr(ctx,
                   "Für dieses Seminar ist derzeit keine Anmeldung möglich.",
                   "Registration for this seminar is not possible at the moment."));
    }
    main += "</section>\n</article>\n";
    return document(ctx, sem.title, switch_url(ctx, ctx.public_url + seminar_path(sem)), main);
}

std::string render_booking_form(const page_context& ctx,
                                const seminar_listing& s,
                                const form_state& form,
                                std::size_t rows) {
    const auto& sem = s.seminar;
    std::vector<offer_view> upcoming;
    for (const auto& v : views_of(s, ctx.now))
        if (v.state != offer_state::past) upcoming.push_back(v);
    const bool any_bookable =
        std::any_of(upcoming.begin(), upcoming.end(), [](const offer_view& v) { return bookable(v.state); });
    const auto heading = std::string{tr(ctx, "Firmenbuchung: ", "Company booking: ")} + sem.title;
    std::string main;
    main += "<article class=\"seminar\">\n<h1 id=\"buchung-title\">";
    html::append_text(main, heading);
    main += "</h1>\n";
    element(main,
            "p",
            "lead",
            tr(ctx,
               "Melden Sie mehrere Kolleginnen und Kollegen Ihres Unternehmens in einem Schritt an. Jede Person erhält "
               "eine eigene Bestätigung mit Kalendereinladung, Sie eine Übersicht mit einem Link zum Verwalten der "
               "Buchung.",
               "Register several colleagues of your company in one step. Each person gets a confirmation of their "
               "own with a calendar invitation, and you get an overview with a link to manage the booking."));
    main += "<dl class=\"facts\">\n";
    fact(main, tr(ctx, "Ort", "Location"), sem.location);
    fact(main,
         tr(ctx, "Preis je Person", "Price per person"),
         domain::format_price(sem.price_cents, sem.currency, ctx.lang));
    main += "</dl>\n";
    if (any_bookable) {
        booking_form(main, ctx, s, upcoming, form, rows);
    } else {
        if (form.error) {
            main += "<div class=\"error-summary\" role=\"alert\">\n";
            element(main, "p", {}, domain::message(*form.error, ctx.lang));
            main += "\n</div>\n";
        }
        element(main,
                "p",
                "notice",
                tr(ctx,
                   "Für dieses Seminar ist derzeit keine Anmeldung möglich.",
                   "Registration for this seminar is not possible at the moment."));
    }
    main += "<p class=\"back\">";
    link(main, page_url(ctx, seminar_path(sem)), tr(ctx, "Zurück zum Seminar", "Back to the seminar"));
    main += "</p>\n</article>\n";
    return document(ctx, heading, switch_url(ctx, ctx.public_url + seminar_path(sem) + "/firmenbuchung"), main);
}

std::string render_confirmation(const page_context& ctx,
                                const domain::seminar& s,
                                const domain::seminar_date& d,
                                const domain::registration& r,
                                std::string_view token,
                                std::string_view invite_key,
                                const form_state& substitute) {
    const bool active = r.status != domain::registration_status::cancelled;
    const auto heading = status_heading(ctx, r);
    std::string main;
    main += "<h1";
    attribute(main, "class", status_class(r));
    main += '>';
    html::append_text(main, heading);
    main += "</h1>\n";
    element(main, "p", "lead", status_text(ctx, r));
    date_cancelled_notice(main, ctx, d);
    code_box(main, ctx, r);
    registration_facts(main, ctx, s, d, r);

    if (active) {
        main += "<div class=\"actions\">\n";
        link(main, invite_url(ctx, invite_key), tr(ctx, "Zum Kalender hinzufügen", "Add to calendar"), "button");
        main += "\n</div>\n";
        // The same rule the writer applies to the cancel button's POST: no button that can only fail.
        const bool cancellable = domain::self_cancellable(s, d, r, ctx.now);
        const auto until = self_cancel_until(ctx, s, d);
        if (cancellable) {
            element(main,
                    "p",
                    "hint",
                    std::string{tr(ctx,
                                   "Bewahren Sie den Link zu dieser Seite auf: Über ihn können Sie Ihre Anmeldung "
                                   "jederzeit ansehen und bis zum ",
                                   "Keep the link to this page: with it you can view your registration at any time and "
                                   "cancel it until ")} +
                        until + std::string{tr(ctx, " selbst stornieren.", ".")});
            main += '\n';
            main += "<form class=\"cancel-form\" method=\"post\"";
            attribute(main, "action", page_url(ctx, registration_path(token) + "/cancel"));
            main += ">\n<button type=\"submit\" class=\"button button--secondary\">";
            main += tr(ctx, "Anmeldung stornieren", "Cancel registration");
            main += "</button>\n</form>\n";
        } else {
            element(main,
                    "p",
                    "hint",
                    tr(ctx,
                       "Bewahren Sie den Link zu dieser Seite auf: Über ihn können Sie Ihre Anmeldung jederzeit "
                       "ansehen.",
                       "Keep the link to this page: with it you can view your registration at any time."));
            if (!domain::is_past(d, ctx.now)) {
                // Past the deadline, before the end: whom to ask instead of the button.
                main += "<p class=\"notice cancel-contact\">";
                html::append_text(main,
                                  std::string{tr(ctx,
                                                 "Selbst stornieren ist seit dem ",
                                                 "You can no longer cancel yourself: the deadline was ")} +
                                      until +
                                      std::string{tr(ctx,
                                                     " nicht mehr möglich. Für eine Stornierung wenden Sie sich "
                                                     "bitte an ",
                                                     ". To cancel, please contact ")});
                organiser_contact(main, s);
                main += ".</p>\n";
            }
        }
        // Someone else instead: the same rule as the writer's, so that the form cannot only fail.
        if (domain::may_substitute(d, ctx.now)) {
            main += "<section class=\"substitute\" aria-labelledby=\"substitute-title\">\n<h2 id=\"substitute-title\">";
            main += tr(ctx, "Ersatzteilnehmer:in benennen", "Name a substitute");
            main += "</h2>\n";
            element(main,
                    "p",
                    "hint",
                    tr(ctx,
                       "Sie können nicht teilnehmen? Eine Kollegin oder ein Kollege kann Ihren Platz übernehmen. Platz "
                       "und Anmeldecode bleiben; die neue Person erhält eine eigene Bestätigung mit Kalendereinladung, "
                       "und Ihr Link zu dieser Seite gilt danach nicht mehr.",
                       "Cannot attend? A colleague can take your seat. Seat and code stay; the new person gets a "
                       "confirmation of their own with a calendar invitation, and your link to this page stops "
                       "working."));
            main += '\n';
            error_summary(main, ctx, substitute, substitute_summary_fields(ctx), attempt::substitute);
            substitute_form(main,
                            ctx,
                            page_url(ctx, registration_path(token) + "/substitute"),
                            substitute,
                            {},
                            {},
                            tr(ctx, "Platz übertragen", "Pass on my seat"));
            main += "</section>\n";
        }
        if (!s.cancellation_terms.empty()) {
            main += "<section class=\"terms\" aria-labelledby=\"terms-title\">\n<h2 id=\"terms-title\">";
            main += tr(ctx, "Stornobedingungen", "Cancellation terms");
            main += "</h2>\n";
            terms_text(main, s);
            main += "</section>\n";
        }
    }
    // Also on a cancelled registration: what is stored stays the person's to see until it is erased.
    main += "<section class=\"own-data\" aria-labelledby=\"own-data-title\">\n<h2 id=\"own-data-title\">";
    main += tr(ctx, "Ihre Daten", "Your data");
    main += "</h2>\n";
    element(main,
            "p",
            "hint",
            tr(ctx,
               "Alles, was zu Ihrer E-Mail-Adresse gespeichert ist – Ihre Anmeldungen, Rechnungsangaben, Antworten, "
               "Einwilligung, die Ihnen gesendeten E-Mails und der Verlauf –, als Datei im JSON-Format.",
               "Everything stored under your e-mail address – your registrations, billing details, answers, consent, "
               "the e-mails sent to you and the history – as a file in JSON format."));
    main += "\n<p>";
    link(main,
         page_url(ctx, registration_path(token) + "/daten"),
         tr(ctx, "Meine Daten ansehen", "View my data"),
         "button button--secondary");
    main += ' ';
    link(main,
         ctx.public_url + "/api/v1" + registration_path(token) + "/export",
         tr(ctx, "Meine Daten herunterladen", "Download my data"),
         "button button--secondary");
    main += "</p>\n</section>\n";
    main += "<p class=\"back\">";
    link(main, page_url(ctx, seminar_path(s)), tr(ctx, "Zur Seminarseite", "To the seminar page"));
    main += "</p>\n";
    return document(
        ctx, heading, switch_url(ctx, ctx.public_url + registration_path(token)), main, {.is_private = true});
}

std::string render_cancel_step(const page_context& ctx,
                               const domain::seminar& s,
                               const domain::seminar_date& d,
                               const domain::registration& r,
                               std::string_view token) {
    const auto back = page_url(ctx, registration_path(token));
    // The language switch leads to the confirmation page: the step itself answers a POST and has no URL to get.
    const auto other_language = switch_url(ctx, ctx.public_url + registration_path(token));
    std::string main;
    if (r.status == domain::registration_status::cancelled) {
        const auto heading = status_heading(ctx, r);
        element(main, "h1", status_class(r), heading);
        element(main, "p", "lead", domain::message(domain::errc::already_cancelled, ctx.lang));
        main += "<p class=\"back\">";
        link(main, back, tr(ctx, "Zurück zur Anmeldung", "Back to the registration"));
        main += "</p>\n";
        return document(ctx, heading, other_language, main, {.is_private = true});
    }

    const auto heading =
        tr(ctx, "Möchten Sie Ihre Anmeldung wirklich stornieren?", "Do you really want to cancel your registration?");
    element(main, "h1", {}, heading);
    code_box(main, ctx, r);
    registration_facts(main, ctx, s, d, r);
    element(main,
            "p",
            "lead",
            r.status == domain::registration_status::waitlisted
                ? tr(ctx,
                     "Ihr Platz auf der Warteliste geht damit verloren. Die Stornierung kann nicht rückgängig gemacht "
                     "werden.",
                     "You will lose your place on the waiting list. The cancellation cannot be undone.")
                : tr(ctx,
                     "Ihr Platz wird damit für andere frei. Die Stornierung kann nicht rückgängig gemacht werden.",
                     "Your seat will be given to someone else. The cancellation cannot be undone."));
    main += "<form class=\"cancel-form\" method=\"post\"";
    attribute(main, "action", page_url(ctx, registration_path(token) + "/cancel"));
    main += ">\n<input type=\"hidden\" name=\"confirm\" value=\"yes\">\n";
    main += "<div class=\"actions\">\n<button type=\"submit\" class=\"button button--danger\">";
    main += tr(ctx, "Ja, verbindlich stornieren", "Yes, cancel for good");
    main += "</button>\n";
    link(main, back, tr(ctx, "Nein, zurück", "No, go back"), "button button--secondary");
    main += "\n</div>\n</form>\n";
    return document(ctx, heading, other_language, main, {.is_private = true});
}

namespace {

/// A booking's facts: the seminar, the date, the company and the billing address.
void booking_facts(std::string& out,
                   const page_context& ctx,
                   const domain::seminar& s,
                   const domain::seminar_date& d,
                   const domain::booking& b) {
    seminar_facts(out, ctx, s, d, tr(ctx, "Preis je Person", "Price per person"));
    fact(out, tr(ctx, "Buchungscode", "Booking code"), b.code);
    fact(out, tr(ctx, "Firma", "Company"), b.booker.company);
    fact(out, tr(ctx, "Gebucht von", "Booked by"), domain::trim(b.booker.first_name + " " + b.booker.last_name));
    billing_fact(out, ctx, b.billing);
    out += "</dl>\n";
}

std::string attendee_status(const page_context& ctx, const domain::registration& r) {
    switch (r.status) {
        case domain::registration_status::confirmed:
            return std::string{tr(ctx, "bestätigt", "confirmed")};
        case domain::registration_status::waitlisted:
            return r.waitlist_position ? std::string{tr(ctx, "Warteliste, Platz ", "waiting list, position ")} +
                                             std::to_string(*r.waitlist_position)
                                       : std::string{tr(ctx, "Warteliste", "waiting list")};
        case domain::registration_status::cancelled:
            return std::string{tr(ctx, "storniert", "cancelled")};
    }
    return {};
}

/// A button that asks for one cancellation (registration = a code, or "all") on the booking's page.
void booking_cancel_button(std::string& out,
                           const page_context& ctx,
                           std::string_view token,
                           std::string_view registration,
                           std::string_view label,
                           std::string_view accessible_label) {
    out += "<form class=\"cancel-form\" method=\"post\"";
    attribute(out, "action", page_url(ctx, booking_path(token) + "/cancel"));
    out += ">\n<input type=\"hidden\" name=\"registration\"";
    attribute(out, "value", registration);
    out += ">\n<button type=\"submit\" class=\"button button--secondary\"";
    attribute(out, "aria-label", accessible_label);
    out += '>';
    html::append_text(out, label);
    out += "</button>\n</form>\n";
}

/// "Ersatzteilnehmer:in für Anna Alt, ": how the error summary names a seat's field.
std::string substitute_label(const page_context& ctx, const domain::registration& r) {
    return std::string{tr(ctx, "Ersatzteilnehmer:in für ", "Substitute for ")} + person_name(r) + ", ";
}

/// One seat's substitute form on the booker's page, folded until asked for (no script: a details element), open
/// with `typed` after a failed attempt. Ids end in the seat's code, the form's key is the page's plus that code.
void seat_substitute_form(std::string& out,
                          const page_context& ctx,
                          std::string_view token,
                          const domain::registration& r,
                          form_state typed,
                          const form_state& page) {
    const bool open = typed.error || !typed.problems.empty();
    typed.idempotency_key = page.idempotency_key.empty() ? std::string{} : page.idempotency_key + "-" + r.code;
    out += open ? "<details class=\"substitute\" open>\n<summary>" : "<details class=\"substitute\">\n<summary>";
    out += tr(ctx, "Ersatzteilnehmer:in benennen", "Name a substitute");
    out += "<span class=\"visually-hidden\">";
    html::append_text(out, std::string{tr(ctx, " für ", " for ")} + person_name(r));
    out += "</span></summary>\n";
    element(out,
            "p",
            "hint",
            tr(ctx,
               "Platz und Anmeldecode bleiben. Die neue Person erhält eine eigene Bestätigung mit Kalendereinladung; "
               "die bisherige erfährt per E-Mail, dass ihr Platz übertragen wurde.",
               "Seat and code stay. The new person gets a confirmation of their own with a calendar invitation; the "
               "person before is told by e-mail that the seat was passed on."));
    out += '\n';
    substitute_form(out,
                    ctx,
                    page_url(ctx, booking_path(token) + "/substitute"),
                    typed,
                    r.code,
                    "-" + r.code,
                    tr(ctx, "Platz übertragen", "Pass on the seat"),
                    std::string{tr(ctx, "Platz übertragen: ", "Pass on the seat: ")} + person_name(r));
    out += "</details>\n";
}

}  // namespace

std::string render_booking(const page_context& ctx,
                           const domain::seminar& s,
                           const domain::seminar_date& d,
                           const domain::booking& b,
                           const std::vector<domain::registration>& people,
                           std::string_view token,
                           const seat_substitute& substitute) {
    const auto other_language = switch_url(ctx, ctx.public_url + booking_path(token));
    const auto heading = std::string{tr(ctx, "Ihre Firmenbuchung", "Your company booking")};
    std::string main;
    element(main, "h1", {}, heading);
    element(main,
            "p",
            "lead",
            tr(ctx,
               "Jede angemeldete Person hat eine eigene Bestätigung mit Kalendereinladung erhalten. Hier sehen Sie den "
               "Stand aller Anmeldungen, können für verhinderte Teilnehmende Ersatzteilnehmer:innen benennen und "
               "einzelne Personen oder die ganze Buchung stornieren.",
               "Everyone booked has received a confirmation of their own with a calendar invitation. Here you see "
               "where each registration stands, can name a substitute for someone who cannot attend, and can cancel "
               "single attendees or the whole booking."));
    // A seat's form only while the writer would accept it; a failed attempt's summary heads the page, with links into
    // that seat's form when it is still shown.
    const bool substitutes = domain::may_substitute(d, ctx.now);
    auto has_form = [&](const domain::registration& r) {
        return substitutes && r.status != domain::registration_status::cancelled;
    };
    const auto attempted = std::find_if(people.begin(), people.end(), [&](const domain::registration& r) {
        return r.code == substitute.registration && has_form(r);
    });
    if (attempted != people.end())
        error_summary(main,
                      ctx,
                      substitute.form,
                      substitute_summary_fields(ctx, "-" + attempted->code, substitute_label(ctx, *attempted)),
                      attempt::substitute);
    else
        error_summary(main, ctx, substitute.form, {}, attempt::substitute);
    booking_facts(main, ctx, s, d, b);
    element(main, "h2", {}, tr(ctx, "Teilnehmende", "Attendees"));
    main += "<ul class=\"attendees\">\n";
    bool any_active = false;
    for (const auto& r : people) {
        const auto name = person_name(r);
        main += "<li class=\"attendee\">\n<p class=\"attendee-name\">";
        html::append_text(main, name);
        main += "</p>\n<p class=\"attendee-facts\">";
        html::append_text(main, r.person.email + " · " + r.code + " · " + attendee_status(ctx, r));
        main += "</p>\n";
        if (r.status != domain::registration_status::cancelled &&
            domain::may_cancel(domain::canceller::attendee, s, d, ctx.now)) {
            any_active = true;
            booking_cancel_button(main,
                                  ctx,
                                  token,
                                  r.code,
                                  tr(ctx, "Stornieren", "Cancel"),
                                  std::string{tr(ctx, "Anmeldung stornieren: ", "Cancel the registration of ")} + name);
        }
        if (has_form(r)) {
            const bool failed = attempted != people.end() && &*attempted == &r;
            seat_substitute_form(main, ctx, token, r, failed ? substitute.form : form_state{}, substitute.form);
        }
        main += "</li>\n";
    }
    main += "</ul>\n";
    if (any_active)
        booking_cancel_button(main,
                              ctx,
                              token,
                              "all",
                              tr(ctx, "Ganze Buchung stornieren", "Cancel the whole booking"),
                              tr(ctx, "Ganze Buchung stornieren", "Cancel the whole booking"));
    return document(ctx, heading, other_language, main, {.is_private = true});
}

std::string render_booking_cancel_step(const page_context& ctx,
                                       const domain::seminar& s,
                                       const domain::seminar_date& d,
                                       const domain::booking& b,
                                       const std::vector<domain::registration>& chosen,
                                       std::string_view token,
                                       std::string_view registration) {
    const auto back = page_url(ctx, booking_path(token));
    const auto other_language = switch_url(ctx, ctx.public_url + booking_path(token));
    const auto heading = std::string{registration == "all" ? tr(ctx,
                                                                "Möchten Sie die ganze Buchung wirklich stornieren?",
                                                                "Do you really want to cancel the whole booking?")
                                                           : tr(ctx,
                                                                "Möchten Sie diese Anmeldung wirklich stornieren?",
                                                                "Do you really want to cancel this registration?")};
    std::string main;
    element(main, "h1", {}, heading);
    booking_facts(main, ctx, s, d, b);
    main += "<ul class=\"attendees\">\n";
    for (const auto& r : chosen) {
        main += "<li class=\"attendee\">";
        html::append_text(main, person_name(r) + " · " + r.code + " · " + attendee_status(ctx, r));
        main += "</li>\n";
    }
    main += "</ul>\n";
    element(
        main,
        "p",
        "lead",
        tr(ctx,
           "Die Plätze werden damit für andere frei, und jede Person erhält eine Stornobestätigung. Die Stornierung "
           "kann nicht rückgängig gemacht werden.",
           "The seats will be given to others, and each person gets a cancellation mail. The cancellation cannot "
           "be undone."));
    main += "<form class=\"cancel-form\" method=\"post\"";
    attribute(main, "action", page_url(ctx, booking_path(token) + "/cancel"));
    main += ">\n<input type=\"hidden\" name=\"confirm\" value=\"yes\">\n<input type=\"hidden\" name=\"registration\"";
    attribute(main, "value", registration);
    main += ">\n<div class=\"actions\">\n<button type=\"submit\" class=\"button button--danger\">";
    main += tr(ctx, "Ja, verbindlich stornieren", "Yes, cancel for good");
    main += "</button>\n";
    link(main, back, tr(ctx, "Nein, zurück", "No, go back"), "button button--secondary");
    main += "\n</div>\n</form>\n";
    return document(ctx, heading, other_language, main, {.is_private = true});
}

std::string render_cancel_closed(const page_context& ctx,
                                 const domain::seminar& s,
                                 const domain::seminar_date& d,
                                 const domain::registration& r,
                                 std::string_view token) {
    const auto heading = tr(ctx, "Stornierung nicht möglich", "Cancellation not possible");
    std::string main;
    element(main, "h1", {}, heading);
    element(main, "p", "lead", domain::message(domain::errc::cancellation_closed, ctx.lang));
    main += "<p class=\"notice cancel-contact\">";
    html::append_text(
        main,
        std::string{tr(ctx, "Die Frist endete am ", "The deadline was ")} + self_cancel_until(ctx, s, d) +
            std::string{tr(ctx, ". Für eine Stornierung wenden Sie sich bitte an ", ". To cancel, please contact ")});
    organiser_contact(main, s);
    main += ".</p>\n";
    code_box(main, ctx, r);
    registration_facts(main, ctx, s, d, r);
    if (!s.cancellation_terms.empty()) {
        main += "<section class=\"terms\" aria-labelledby=\"terms-title\">\n<h2 id=\"terms-title\">";
        main += tr(ctx, "Stornobedingungen", "Cancellation terms");
        main += "</h2>\n";
        terms_text(main, s);
        main += "</section>\n";
    }
    main += "<p class=\"back\">";
    link(main, page_url(ctx, registration_path(token)), tr(ctx, "Zurück zur Anmeldung", "Back to the registration"));
    main += "</p>\n";
    return document(
        ctx, heading, switch_url(ctx, ctx.public_url + registration_path(token)), main, {.is_private = true});
}

namespace {

struct privacy_section {
    std::string_view heading_de, heading_en, text_de, text_en;
    bool from_retention = false;  ///< its text says the configured retention (section_text)
};

const std::array<privacy_section, 6>& privacy_sections() {
    static constexpr std::array<privacy_section, 6> sections{{
        {"Was gespeichert wird",
         "What is stored",
         "Wenn Sie sich zu einem Seminar anmelden, speichert dieser Server die Angaben aus dem Formular: Vorname, "
         "Nachname, E-Mail-Adresse und, falls angegeben, Firma, Position und Telefonnummer. Dazu kommen der gewählte "
         "Termin, der Zeitpunkt Ihrer Anmeldung und Ihrer Einwilligung, der Status der Anmeldung (bestätigt, "
         "Warteliste, storniert) und ein Anmeldecode.",
         "When you register for a seminar, this server stores the details from the form: first name, last name, "
         "e-mail address and, if given, company, job title and phone number. It also stores the chosen date, the "
         "time of your registration and of your consent, the status of the registration (confirmed, waiting list, "
         "cancelled) and a registration code."},
        {"Ihre IP-Adresse",
         "Your IP address",
         "Ihre IP-Adresse wird nicht zusammen mit Ihrer Anmeldung gespeichert. Sie wird nur kurzzeitig im "
         "Arbeitsspeicher verwendet, um zu viele Anmeldungen in kurzer Zeit abzuwehren. Das technische "
         "Zugriffsprotokoll des Servers nennt je Anfrage Zeitpunkt, IP-Adresse und die Art der Anfrage, aber keine "
         "Formularangaben.",
         "Your IP address is not stored with your registration. It is used only briefly, in memory, to fend off too "
         "many submissions in a short time. The server's technical access log records the time, IP address and kind "
         "of each request, but no form details."},
        {"Wozu",
         "Why",
         "Die Angaben dienen allein der Abwicklung Ihrer Anmeldung: Platz oder Wartelistenplatz vergeben, Sie "
         "bestätigen, Ihnen die Kalenderdatei bereitstellen und Sie bei Änderungen oder einer Absage des Termins "
         "erreichen. Der Veranstalter des Seminars sieht die Liste der Angemeldeten. Diese Seiten setzen keine "
         "Cookies, kein Tracking und keine Inhalte anderer Anbieter ein.",
         "The details serve only to handle your registration: to give you a seat or a place on the waiting list, "
         "confirm it, provide the calendar file and reach you if the date changes or is cancelled. The organiser of "
         "the seminar sees the list of attendees. These pages use no cookies, no tracking and no content from other "
         "providers."},
        {"Wie lange", "How long", {}, {}, true},
        {"Anmeldung stornieren",
         "Cancelling a registration",
         "Nach der Anmeldung erhalten Sie einen persönlichen Link zu Ihrer Anmeldung. Dort können Sie sie mit "
         "„Anmeldung stornieren“ selbst stornieren, bis zu der Frist, die die Seite nennt (spätestens bis zum Beginn "
         "des Seminars). Ihr Platz wird dann frei. Danach storniert der Veranstalter für Sie.",
         "After registering you get a personal link to your registration. There you can cancel it yourself with "
         "“Cancel registration” until the deadline that page names (at the latest until the seminar begins). Your "
         "seat then becomes free. After that, the organiser cancels for you."},
        {"Ihre Rechte",
         "Your rights",
         "Verantwortlich ist der auf der Seminarseite genannte Veranstalter. Bei ihm können Sie Auskunft über Ihre "
         "gespeicherten Angaben verlangen und sie berichtigen oder löschen lassen. Ihre Einwilligung können Sie "
         "jederzeit widerrufen. Über den persönlichen Link zu Ihrer Anmeldung laden Sie alle zu Ihrer E-Mail-Adresse "
         "gespeicherten Angaben auch selbst herunter („Meine Daten herunterladen“). Auf Ihren Wunsch löscht der "
         "Veranstalter alle Angaben zu Ihrer E-Mail-Adresse: Name, Adresse, Rechnungsangaben, Antworten und die Texte "
         "der Ihnen gesendeten E-Mails sind dann binnen einer Minute auch aus den Dateien der Datenbank entfernt; "
         "nur die Zahl der belegten Plätze bleibt.",
         "The organiser named on the seminar page is responsible. You can ask them what details are stored about you "
         "and have them corrected or deleted. You can withdraw your consent at any time. With the personal link to "
         "your registration you can also download everything stored under your e-mail address yourself (“Download "
         "my data”). At your request the organiser erases everything under your e-mail address: name, address, "
         "billing details, answers and the texts of the e-mails sent to you are then gone from the database's files "
         "within a minute as well; only the number of seats taken stays."},
    }};
    return sections;
}

/// A section's text; "How long" is made from the configured retention.
std::string section_text(const privacy_section& s, domain::lang l, const retention_terms& r) {
    const bool de = l == domain::lang::de;
    if (!s.from_retention) return std::string{de ? s.text_de : s.text_en};
    std::string out;
    if (r.registration_days > 0) {
        const auto n = std::to_string(r.registration_days);
        out = de ? "Ihre Angaben werden " + n +
                       " Tage nach dem letzten Tag Ihres Seminartermins automatisch gelöscht, auch die einer "
                       "stornierten Anmeldung; es bleibt nur die Zahl der belegten Plätze."
                 : "Your details are erased automatically " + n +
                       " days after the last day of your seminar date, those of a cancelled registration too; only "
                       "the number of seats taken remains.";
    } else {
        out = de ? "Ihre Angaben bleiben gespeichert, bis der Veranstalter sie löscht."
                 : "Your details are kept until the organiser erases them.";
    }
    out += ' ';
    if (r.mail_days > 0) {
        const auto m = std::to_string(r.mail_days);
        out += de ? "Die Texte der Ihnen gesendeten E-Mails werden " + m + " Tage nach dem Versand gelöscht."
                  : "The texts of the e-mails sent to you are deleted " + m + " days after sending.";
    } else {
        out += de ? "Die Texte der Ihnen gesendeten E-Mails bleiben, bis der Veranstalter sie löscht."
                  : "The texts of the e-mails sent to you are kept until the organiser erases them.";
    }
    return out;
}

}  // namespace

std::string privacy_notice_text(domain::lang l, const retention_terms& retention) {
    const bool de = l == domain::lang::de;
    std::string out = de ? "Datenschutzhinweise\n" : "Privacy notice\n";
    for (const auto& s : privacy_sections()) {
        out += '\n';
        out += de ? s.heading_de : s.heading_en;
        out += '\n';
        out += section_text(s, l, retention);
        out += '\n';
    }
    return out;
}

std::string consent_wording(domain::lang l) {
    const auto& words = consent_words(l);
    return std::string{words.before} + std::string{words.link} + std::string{words.after};
}

std::string render_privacy(const page_context& ctx) {
    const auto heading = tr(ctx, "Datenschutzhinweise", "Privacy notice");
    std::string main;
    main += "<article class=\"prose\">\n";
    element(main, "h1", {}, heading);
    for (const auto& s : privacy_sections()) {
        element(main, "h2", {}, tr(ctx, s.heading_de, s.heading_en));
        element(main, "p", {}, section_text(s, ctx.lang, ctx.retention));
    }
    main += "</article>\n";
    const auto self = ctx.path.empty() ? ctx.privacy_url : ctx.public_url + ctx.path;
    return document(ctx, heading, switch_url(ctx, self), main);
}

namespace {

std::string when(const page_context& ctx, const domain::seminar_date& d, domain::instant t) {
    const auto* zone = domain::find_zone(d.timezone);
    return zone ? domain::format_datetime(t, *zone, ctx.lang) : domain::to_iso8601(t);
}

std::string_view mail_state_text(const page_context& ctx, std::string_view state) {
    if (state == "sent") return tr(ctx, "gesendet", "sent");
    if (state == "failed") return tr(ctx, "nicht gesendet", "not sent");
    return tr(ctx, "wartet auf den Versand", "waiting to be sent");
}

}  // namespace

std::string render_own_data(const page_context& ctx, const own_data_page& data, std::string_view token) {
    const auto heading = tr(ctx, "Ihre gespeicherten Daten", "Your stored data");
    std::string main;
    element(main, "h1", {}, heading);
    element(main,
            "p",
            "lead",
            std::string{tr(ctx, "Alles, was zu der E-Mail-Adresse ", "Everything stored under the e-mail address ")} +
                data.email + std::string{tr(ctx, " gespeichert ist.", ".")});
    main += "\n<p>";
    link(main,
         ctx.public_url + "/api/v1" + registration_path(token) + "/export",
         tr(ctx, "Als Datei herunterladen (JSON)", "Download as a file (JSON)"),
         "button button--secondary");
    main += "</p>\n";
    for (const auto& e : data.registrations) {
        const auto& r = e.registration;
        main += "<section class=\"own-registration\">\n";
        element(main, "h2", {}, e.seminar.title);
        registration_facts(main, ctx, e.seminar, e.date, r);
        main += "<dl class=\"facts\">\n";
        fact(main, tr(ctx, "Anmeldecode", "Registration code"), r.code);
        fact(main, tr(ctx, "Status", "Status"), std::string{status_text(ctx, r)});
        fact(main, tr(ctx, "Angemeldet am", "Registered on"), when(ctx, e.date, r.created_at));
        fact(main,
             tr(ctx, "Einwilligung", "Consent"),
             when(ctx, e.date, r.consent_at) +
                 (e.notice_sha256.empty()
                      ? std::string{}
                      : std::string{tr(ctx, ", Datenschutzhinweise Fassung ", ", privacy notice version ")} +
                            e.notice_sha256.substr(0, 12)));
        main += "</dl>\n";
        element(main, "h3", {}, tr(ctx, "E-Mails an Sie", "E-mails to you"));
        main += "<ul>\n";
        for (const auto& m : e.mails) {
            const auto subject =
                m.subject.empty() ? std::string{tr(ctx, "(noch ohne Betreff)", "(no subject yet)")} : m.subject;
            element(main,
                    "li",
                    {},
                    when(ctx, e.date, m.created_at) + ": " + subject + " (" +
                        std::string{mail_state_text(ctx, m.state)} + ")");
        }
        main += "</ul>\n";
        element(main, "h3", {}, tr(ctx, "Verlauf", "History"));
        main += "<ul>\n";
        element(
            main, "li", {}, when(ctx, e.date, r.created_at) + ": " + std::string{tr(ctx, "angemeldet", "registered")});
        for (const auto& h : e.history) element(main, "li", {}, when(ctx, e.date, h.at) + ": " + h.event);
        main += "</ul>\n</section>\n";
    }
    if (!data.booking_codes.empty()) {
        element(main, "h2", {}, tr(ctx, "Ihre Firmenbuchungen", "Your company bookings"));
        main += "<ul>\n";
        for (const auto& code : data.booking_codes) element(main, "li", {}, code);
        main += "</ul>\n";
    }
    main += "<p class=\"back\">";
    link(main, page_url(ctx, registration_path(token)), tr(ctx, "Zurück zur Anmeldung", "Back to the registration"));
    main += "</p>\n";
    return document(ctx,
                    heading,
                    switch_url(ctx, ctx.public_url + registration_path(token) + "/daten"),
                    main,
                    {.is_private = true});
}

std::string render_message(const page_context& ctx, std::string_view title, std::string_view text) {
    std::string main;
    element(main, "h1", {}, title);
    element(main, "p", "lead", text);
    main += "<p class=\"back\">";
    link(main, page_url(ctx, "/"), tr(ctx, "Zur Übersicht der Seminare", "To the list of seminars"));
    main += "</p>\n";
    return document(ctx, title, switch_url(ctx, ctx.public_url + (ctx.path.empty() ? "/" : ctx.path)), main);
}

std::string_view stylesheet_version() {
    // FNV-1a, 64 bit: not for security, only so that a changed stylesheet gets a new URL.
    static const std::string version = [] {
        std::uint64_t h = 14695981039346656037ULL;
        for (unsigned char c : stylesheet()) {
            h ^= c;
            h *= 1099511628211ULL;
        }
        char buf[17];
        std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
        return std::string{buf, 10};
    }();
    return version;
}

}  // namespace seminard::server
