// The confirmation e-mails (see mail_composer.hpp): one content model per mail, rendered as text and as HTML, and
// packed with the personal invite into a MIME message.
#include "server/mail/mail_composer.hpp"

#include "server/web/html.hpp"
#include "server/web/urls.hpp"

#include "calendars/ics.hpp"
#include "domain/admission.hpp"
#include "domain/format_de.hpp"
#include "domain/invite.hpp"
#include "domain/questions.hpp"
#include "domain/schedule.hpp"
#include "domain/text.hpp"
#include "server/mail/mime.hpp"

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

namespace seminard::server {
namespace {

using domain::registration_status;

/// One labelled fact of the mail ("Termin", "Ort", …); several values are several lines.
struct detail {
    std::string label;
    std::vector<std::string> values;
};

/// What a mail says, before it is rendered as text or HTML.
struct mail_content {
    std::string greeting;
    std::vector<std::string> intro;
    std::vector<detail> details;
    std::string link_label;  ///< with `link`: the private link of a `registered` mail
    std::string link;
    std::string redacted_link;  ///< instead of `link`, in the copy the outbox keeps
    std::string terms_label;    ///< with `terms`: the seminar's cancellation terms and the attendee's deadline
    std::vector<std::vector<std::string>> terms;  ///< paragraphs, each as its lines
    std::vector<std::string> closing;
    std::string regards;
    std::string organizer_name;
    std::string organizer_email;
};

bool is_de(const mail_input& in) { return in.lang == domain::lang::de; }

std::string pick(const mail_input& in, std::string_view de, std::string_view en) {
    return std::string{is_de(in) ? de : en};
}

/// The attendee's calendar loses the date: the attached invite is a CANCEL. calendars::invite asks the same rule.
bool invite_cancels(const mail_input& in) { return domain::invite_cancels(in.date, in.registration); }

bool waitlisted(const mail_input& in) { return in.registration.status == registration_status::waitlisted; }

std::string waitlist_place(const mail_input& in) {
    const auto& pos = in.registration.waitlist_position;
    if (is_de(in)) return pos ? "auf Platz " + std::to_string(*pos) + " der Warteliste" : "auf der Warteliste";
    return pos ? "at position " + std::to_string(*pos) + " on the waiting list" : "on the waiting list";
}

std::string status_value(const mail_input& in) {
    if (in.kind == mail_kind::date_cancelled || in.date.status == domain::date_status::cancelled)
        return pick(in, "Termin abgesagt", "Date cancelled");
    switch (in.registration.status) {
        case registration_status::confirmed:
            return pick(in, "Anmeldung bestätigt", "Registration confirmed");
        case registration_status::waitlisted: {
            const auto& pos = in.registration.waitlist_position;
            if (is_de(in)) return pos ? "Warteliste, Platz " + std::to_string(*pos) : "Warteliste";
            return pos ? "Waiting list, position " + std::to_string(*pos) : "Waiting list";
        }
        case registration_status::cancelled:
            return pick(in, "Anmeldung storniert", "Registration cancelled");
    }
    return {};
}

std::vector<std::string> intro(const mail_input& in) {
    switch (in.kind) {
        case mail_kind::booking:
            break;  // booking_content() writes its own
        case mail_kind::moved: {
            std::vector<std::string> p{pick(in,
                                            "Ihre Anmeldung wurde auf einen anderen Termin umgebucht. Es gilt der neue "
                                            "Termin, den Sie unten finden; Ihr Anmeldecode und Ihr persönlicher Link "
                                            "bleiben gültig.",
                                            "your registration has been moved to another date. The new date below "
                                            "applies; your registration code and your personal link stay valid.")};
            if (waitlisted(in))
                p.push_back(is_de(in) ? "Der neue Termin ist ausgebucht; Sie stehen dort " + waitlist_place(in) +
                                            ". Sobald ein Platz frei wird, rücken Sie automatisch nach und erhalten "
                                            "von uns eine Bestätigung per E-Mail."
                                      : "The new date is fully booked, so you are " + waitlist_place(in) +
                                            " there. As soon as a seat becomes free, you move up automatically and "
                                            "we confirm your seat by e-mail.");
            return p;
        }
        case mail_kind::substituted:
            return {is_de(in) ? "Ihr Platz beim unten genannten Termin wurde auf " + in.substitute_name +
                                    " übertragen. Ihre Anmeldung ist damit beendet."
                              : "your seat for the date below has been passed on to " + in.substitute_name +
                                    ". Your registration has therefore ended."};
        case mail_kind::registered:
            if (in.registration.status == registration_status::cancelled) break;
            if (waitlisted(in))
                return {is_de(in) ? "vielen Dank für Ihre Anmeldung. Der Termin ist leider ausgebucht; Sie stehen " +
                                        waitlist_place(in) +
                                        ". Sobald ein Platz frei wird, rücken Sie automatisch nach und erhalten von "
                                        "uns eine Bestätigung per E-Mail."
                                  : "thank you for your registration. This date is fully booked, so you are " +
                                        waitlist_place(in) +
                                        ". As soon as a seat becomes free, you move up automatically and we confirm "
                                        "your seat by e-mail."};
            return {pick(in,
                         "vielen Dank für Ihre Anmeldung. Ihr Platz ist bestätigt.",
                         "thank you for your registration. Your seat is confirmed.")};
        case mail_kind::promoted:
            return {pick(in,
                         "für den unten genannten Termin ist ein Platz frei geworden. Sie sind von der Warteliste "
                         "nachgerückt; Ihre Anmeldung ist damit bestätigt.",
                         "a seat has become free for the date below. You have moved up from the waiting list, and "
                         "your registration is now confirmed.")};
        case mail_kind::cancelled:
            break;
        case mail_kind::date_changed: {
            std::vector<std::string> p{pick(in,
                                            "die Tage oder Uhrzeiten des unten genannten Seminartermins haben sich "
                                            "geändert. Es gilt der neue Termin, den Sie unten finden; Ihre Anmeldung "
                                            "bleibt bestehen.",
                                            "the days or times of the seminar date below have changed. The new "
                                            "schedule below applies; your registration remains valid.")};
            if (waitlisted(in))
                p.push_back(is_de(in) ? "Sie stehen weiterhin " + waitlist_place(in) + "."
                                      : "You are still " + waitlist_place(in) + ".");
            return p;
        }
        case mail_kind::date_cancelled:
            return {pick(in,
                         "leider müssen wir den unten genannten Seminartermin absagen. Ihre Anmeldung zu diesem "
                         "Termin ist damit hinfällig.",
                         "we regret that we have to cancel the seminar date below. Your registration for this date "
                         "is therefore no longer valid.")};
    }
    return {pick(in,
                 "Ihre Anmeldung zu dem unten genannten Termin ist storniert; Ihr Platz wurde freigegeben.",
                 "your registration for the date below has been cancelled, and your seat has been released.")};
}

std::string calendar_sentence(const mail_input& in) {
    if (invite_cancels(in))
        return pick(in,
                    "Die beigefügte Absage entfernt den Termin aus Ihrem Kalender.",
                    "The attached cancellation removes the date from your calendar.");
    if (in.kind == mail_kind::date_changed)
        return pick(in,
                    "Die beigefügte Einladung aktualisiert den Termin in Ihrem Kalender.",
                    "The attached invitation updates the date in your calendar.");
    if (in.kind == mail_kind::moved)
        return pick(in,
                    "Die beigefügte Einladung trägt den neuen Termin in Ihren Kalender ein; die beigefügte Absage "
                    "(absage.ics) entfernt den bisherigen.",
                    "The attached invitation adds the new date to your calendar; the attached cancellation "
                    "(cancellation.ics) removes the previous one.");
    if (waitlisted(in))
        return pick(in,
                    "Mit der beigefügten Einladung können Sie den Termin vorläufig in Ihren Kalender eintragen.",
                    "With the attached invitation you can add the date to your calendar as tentative.");
    if (in.kind == mail_kind::promoted)
        return pick(in,
                    "Die beigefügte Einladung bestätigt den Termin in Ihrem Kalender.",
                    "The attached invitation confirms the date in your calendar.");
    return pick(in,
                "Mit der beigefügten Einladung können Sie den Termin in Ihren Kalender übernehmen.",
                "With the attached invitation you can add the date to your calendar.");
}

std::string booked_status(const mail_input& in, const domain::registration& r) {
    switch (r.status) {
        case registration_status::confirmed:
            return pick(in, "bestätigt", "confirmed");
        case registration_status::waitlisted:
            return is_de(in)
                       ? "Warteliste" +
                             (r.waitlist_position ? ", Platz " + std::to_string(*r.waitlist_position) : std::string{})
                       : "waiting list" + (r.waitlist_position ? ", position " + std::to_string(*r.waitlist_position)
                                                               : std::string{});
        case registration_status::cancelled:
            return pick(in, "storniert", "cancelled");
    }
    return {};
}

/// The booker's confirmation of a company booking: who is booked with which status, the billing address, and the
/// link to manage the booking.
mail_content booking_content(const mail_input& in) {
    const auto& s = in.seminar;
    const auto& b = in.booking;
    mail_content c;
    c.greeting =
        (is_de(in) ? "Guten Tag " : "Dear ") + domain::trim(b.booker.first_name + " " + b.booker.last_name) + ",";
    const bool any_waiting = std::any_of(in.booked.begin(), in.booked.end(), [](const domain::registration& r) {
        return r.status == registration_status::waitlisted;
    });
    c.intro.push_back(pick(in,
                           "vielen Dank für Ihre Firmenbuchung. Wir haben die folgenden Teilnehmenden angemeldet; jede "
                           "Person erhält eine eigene Bestätigung mit Kalendereinladung.",
                           "thank you for your company booking. We have registered the attendees below; each of them "
                           "gets a confirmation of their own with a calendar invitation."));
    if (any_waiting)
        c.intro.push_back(pick(in,
                               "Nicht alle fanden einen Platz: Wer auf der Warteliste steht, rückt automatisch nach, "
                               "sobald ein Platz frei wird, und erhält dann eine Bestätigung.",
                               "Not everyone found a seat: those on the waiting list move up automatically as soon as "
                               "a seat becomes free, and are then told by e-mail."));
    c.details.push_back({pick(in, "Seminar", "Seminar"), {s.title}});
    c.details.push_back({pick(in, "Termin", "Date"), domain::schedule_lines(in.date.days, in.lang)});
    if (!s.location.empty()) c.details.push_back({pick(in, "Ort", "Location"), {s.location}});
    c.details.push_back({pick(in, "Preis", "Price"),
                         {domain::format_price(s.price_cents, s.currency, in.lang) + pick(in, " je Person", " each")}});
    c.details.push_back({pick(in, "Buchungscode", "Booking code"), {b.code}});
    c.details.push_back({pick(in, "Firma", "Company"), {b.booker.company}});
    std::vector<std::string> people;
    for (const auto& r : in.booked)
        people.push_back(domain::trim(r.person.first_name + " " + r.person.last_name) + " <" + r.person.email + ">, " +
                         r.code + ", " + booked_status(in, r));
    c.details.push_back({pick(in, "Teilnehmende", "Attendees"), std::move(people)});
    if (b.billing)
        c.details.push_back(
            {pick(in, "Rechnungsanschrift", "Billing address"), domain::billing_lines(*b.billing, in.lang)});
    c.link_label = pick(in,
                        "Buchung ansehen, einzelne Teilnehmende oder alle stornieren",
                        "View the booking, cancel one attendee or all");
    if (!in.token.empty()) {
        c.link = site_urls{in.public_url}.booking_page(in.token);
        c.closing.push_back(pick(in,
                                 "Der Link ist persönlich; bitte geben Sie ihn nicht weiter.",
                                 "The link is personal; please do not pass it on."));
    } else {
        c.redacted_link = pick(in,
                               "[persönlicher Link – steht nur in der zugestellten E-Mail]",
                               "[personal link – only in the mail as delivered]");
    }
    c.regards = pick(in, "Mit freundlichen Grüßen", "Kind regards");
    c.organizer_name = s.organizer_name;
    c.organizer_email = s.organizer_email;
    return c;
}

/// Until when the attendee may cancel themselves, and whom to ask after that; judged at the mail's own time (the
/// change it reports), so that a late registration is told at once that only the organiser can cancel.
std::string deadline_sentence(const mail_input& in) {
    const auto& s = in.seminar;
    const auto* zone = domain::find_zone(in.date.timezone);
    if (!zone || in.date.days.empty()) return {};
    const auto contact = s.organizer_name + " (" + s.organizer_email + ")";
    if (!domain::may_cancel(domain::canceller::attendee, s, in.date, in.created_at))
        return is_de(in) ? "Eine Stornierung ist nur noch über " + contact + " möglich."
                         : "Only the organiser can cancel now: " + contact + ".";
    const auto until = domain::format_datetime(domain::self_cancel_deadline(s, in.date), *zone, in.lang);
    if (in.kind == mail_kind::booking)
        return is_de(in) ? "Über den Link in dieser E-Mail können Sie Anmeldungen dieser Buchung bis zum " + until +
                               " selbst stornieren. Danach ist eine Stornierung nur noch über " + contact + " möglich."
                         : "With the link in this e-mail you can cancel registrations of this booking until " + until +
                               ". After that, only the organiser can cancel: " + contact + ".";
    const bool link_here = in.kind == mail_kind::registered;
    if (is_de(in))
        return std::string{link_here ? "Über den persönlichen Link in dieser E-Mail"
                                     : "Über den Link in Ihrer Anmeldebestätigung"} +
               " können Sie Ihre Anmeldung bis zum " + until +
               " selbst stornieren. Danach ist eine Stornierung nur noch über " + contact + " möglich.";
    return std::string{link_here ? "With the personal link in this e-mail"
                                 : "With the link in your registration confirmation"} +
           " you can cancel your registration yourself until " + until +
           ". After that, only the organiser can cancel: " + contact + ".";
}

mail_content content(const mail_input& in) {
    if (in.kind == mail_kind::booking) {
        auto c = booking_content(in);
        const auto& s = in.seminar;
        if (!s.cancellation_terms.empty() || s.self_cancel_days) {
            c.terms_label = pick(in, "Stornobedingungen", "Cancellation terms");
            if (!s.cancellation_terms.empty()) c.terms.push_back(domain::split_lines(s.cancellation_terms));
            if (auto sentence = deadline_sentence(in); !sentence.empty()) c.terms.push_back({std::move(sentence)});
        }
        return c;
    }
    const auto& s = in.seminar;
    const auto& r = in.registration;
    mail_content c;
    const auto name = domain::trim(r.person.first_name + " " + r.person.last_name);
    c.greeting = (is_de(in) ? "Guten Tag " : "Dear ") + name + ",";
    c.intro = intro(in);

    c.details.push_back({pick(in, "Seminar", "Seminar"), {s.title}});
    const bool new_date = in.kind == mail_kind::date_changed || in.kind == mail_kind::moved;
    c.details.push_back({new_date ? pick(in, "Neuer Termin", "New schedule") : pick(in, "Termin", "Date"),
                         domain::schedule_lines(in.date.days, in.lang)});
    if (in.kind == mail_kind::moved && in.moved_from)
        c.details.push_back(
            {pick(in, "Bisheriger Termin", "Previous date"), domain::schedule_lines(in.moved_from->days, in.lang)});
    if (!s.location.empty()) c.details.push_back({pick(in, "Ort", "Location"), {s.location}});
    const bool cancellation = invite_cancels(in);
    if (!cancellation)
        c.details.push_back({pick(in, "Preis", "Price"), {domain::format_price(s.price_cents, s.currency, in.lang)}});
    c.details.push_back({pick(in, "Status", "Status"), {status_value(in)}});
    c.details.push_back({pick(in, "Anmeldecode", "Registration code"), {r.code}});
    if (in.kind == mail_kind::registered) {
        // The confirmation repeats what the person told us, so that a mistake shows at once.
        for (const auto& a : r.answers) {
            c.details.push_back({a.question.in(!is_de(in)), domain::split_lines(domain::answer_text(a, in.lang))});
        }
        if (r.billing)
            c.details.push_back(
                {pick(in, "Rechnungsanschrift", "Billing address"), domain::billing_lines(*r.billing, in.lang)});
    }

    if (in.kind == mail_kind::registered && !in.token.empty()) {
        c.link_label = pick(in,
                            "Ihre Anmeldung ansehen, in den Kalender übernehmen oder stornieren",
                            "View your registration, add it to your calendar or cancel it");
        c.link = site_urls{in.public_url}.registration_page(in.token);
        c.closing.push_back(pick(in,
                                 "Der Link ist persönlich; bitte geben Sie ihn nicht weiter.",
                                 "The link is personal; please do not pass it on."));
    } else if (in.kind == mail_kind::registered && in.link_redacted) {
        // The copy kept in the outbox: the link works like a key, so only the mail that goes out carries it.
        c.link_label = pick(in,
                            "Ihre Anmeldung ansehen, in den Kalender übernehmen oder stornieren",
                            "View your registration, add it to your calendar or cancel it");
        c.redacted_link = pick(in,
                               "[persönlicher Link – steht nur in der zugestellten E-Mail]",
                               "[personal link – only in the mail as delivered]");
    }
    // The terms the attendee agreed to, in every mail about an active registration, when the seminar has any.
    const bool terms = !cancellation && (!s.cancellation_terms.empty() || s.self_cancel_days);
    if (terms) {
        c.terms_label = pick(in, "Stornobedingungen", "Cancellation terms");
        if (!s.cancellation_terms.empty()) c.terms.push_back(domain::split_lines(s.cancellation_terms));
        if (auto sentence = deadline_sentence(in); !sentence.empty()) c.terms.push_back({std::move(sentence)});
    }
    c.closing.push_back(calendar_sentence(in));
    if (in.kind == mail_kind::cancelled || in.kind == mail_kind::substituted) {
        c.closing.push_back(pick(in,
                                 "Falls Sie diese Stornierung nicht veranlasst haben, antworten Sie bitte auf diese "
                                 "E-Mail.",
                                 "If you did not ask for this cancellation, please reply to this e-mail."));
    } else if (in.kind == mail_kind::date_cancelled) {
        c.closing.push_back(pick(in,
                                 "Bei Fragen, etwa zu einem anderen Termin, antworten Sie bitte auf diese E-Mail.",
                                 "If you have any questions, for example about another date, please reply to this "
                                 "e-mail."));
    } else if (in.kind != mail_kind::registered && !cancellation && terms) {
        // The terms above say until when cancelling works.
        c.closing.push_back(pick(in,
                                 "Über den Link in Ihrer Anmeldebestätigung können Sie Ihre Anmeldung jederzeit "
                                 "ansehen.",
                                 "You can view your registration at any time through the link in your registration "
                                 "confirmation."));
    } else if (in.kind != mail_kind::registered && !cancellation) {
        c.closing.push_back(pick(in,
                                 "Über den Link in Ihrer Anmeldebestätigung können Sie Ihre Anmeldung jederzeit "
                                 "ansehen oder stornieren.",
                                 "You can view or cancel your registration at any time through the link in your "
                                 "registration confirmation."));
    }
    c.regards = pick(in, "Mit freundlichen Grüßen", "Kind regards");
    c.organizer_name = s.organizer_name;
    c.organizer_email = s.organizer_email;
    return c;
}

std::string render_text(const mail_content& c) {
    std::string t = c.greeting + "\n\n";
    for (const auto& p : c.intro) t += p + "\n\n";
    for (const auto& d : c.details) {
        // Further lines of a detail start under its first value.
        const std::string indent(domain::utf8_length(d.label) + 2, ' ');
        for (std::size_t i = 0; i < d.values.size(); ++i) t += (i == 0 ? d.label + ": " : indent) + d.values[i] + "\n";
    }
    t += "\n";
    if (!c.terms_label.empty()) {
        t += c.terms_label + ":\n";
        for (const auto& paragraph : c.terms) {
            for (const auto& line : paragraph) t += line + "\n";
            t += "\n";
        }
    }
    if (!c.link.empty()) t += c.link_label + ":\n" + c.link + "\n\n";
    if (!c.redacted_link.empty()) t += c.link_label + ":\n" + c.redacted_link + "\n\n";
    for (const auto& p : c.closing) t += p + "\n\n";
    t += c.regards + "\n" + c.organizer_name + "\n" + c.organizer_email + "\n";
    return t;
}

/// Everything in the HTML part is escaped as an attribute value would be (quotes too): one rule for text and links.
std::string html_escape(std::string_view s) { return html::attr(s); }

// Mail clients drop <style> blocks and external resources, so every rule is inline.
constexpr std::string_view body_style =
    "margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#222222;"
    "background-color:#ffffff;";
constexpr std::string_view p_style = "margin:0 0 14px 0;";
constexpr std::string_view table_style = "border-collapse:collapse;margin:0 0 16px 0;";
constexpr std::string_view th_style = "text-align:left;vertical-align:top;padding:3px 16px 3px 0;font-weight:bold;";
constexpr std::string_view td_style = "vertical-align:top;padding:3px 0;";
constexpr std::string_view link_style = "color:#0b57d0;";

std::string paragraph(std::string_view inner) {
    return "<p style=\"" + std::string{p_style} + "\">" + std::string{inner} + "</p>\n";
}

std::string render_html(const mail_content& c, const mail_input& in, const std::string& subject) {
    std::string h = "<!DOCTYPE html>\n<html lang=\"" + pick(in, "de", "en") +
                    "\">\n<head>\n<meta charset=\"UTF-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
                    html_escape(subject) + "</title>\n</head>\n<body style=\"" + std::string{body_style} + "\">\n";
    h += paragraph(html_escape(c.greeting));
    for (const auto& p : c.intro) h += paragraph(html_escape(p));
    h += "<table role=\"presentation\" style=\"" + std::string{table_style} + "\">\n";
    for (const auto& d : c.details) {
        std::string values;
        for (const auto& v : d.values) values += (values.empty() ? "" : "<br>") + html_escape(v);
        h += "<tr><th scope=\"row\" style=\"" + std::string{th_style} + "\">" + html_escape(d.label) +
             "</th><td style=\"" + std::string{td_style} + "\">" + values + "</td></tr>\n";
    }
    h += "</table>\n";
    if (!c.terms_label.empty()) {
        h += paragraph("<strong>" + html_escape(c.terms_label) + "</strong>");
        for (const auto& lines : c.terms) {
            std::string inner;
            for (const auto& line : lines) inner += (inner.empty() ? "" : "<br>\n") + html_escape(line);
            h += paragraph(inner);
        }
    }
    if (!c.link.empty())
        h += paragraph("<a href=\"" + html_escape(c.link) + "\" style=\"" + std::string{link_style} + "\">" +
                       html_escape(c.link_label) + "</a>");
    if (!c.redacted_link.empty()) h += paragraph(html_escape(c.link_label) + ":<br>\n" + html_escape(c.redacted_link));
    for (const auto& p : c.closing) h += paragraph(html_escape(p));
    h += paragraph(html_escape(c.regards) + "<br>\n" + html_escape(c.organizer_name) +
                   "<br>\n<a href=\"mailto:" + html_escape(c.organizer_email) + "\" style=\"" +
                   std::string{link_style} + "\">" + html_escape(c.organizer_email) + "</a>");
    h += "</body>\n</html>\n";
    return h;
}

/// The value of the calendar's METHOD line ("REQUEST", "CANCEL").
std::string calendar_method(const std::string& ics) {
    constexpr std::string_view key = "\r\nMETHOD:";
    const auto at = ics.find(key);
    if (at == std::string::npos) return {};
    const auto begin = at + key.size();
    return ics.substr(begin, ics.find("\r\n", begin) - begin);
}

}  // namespace

std::string mail_subject(const mail_input& in) {
    std::string prefix;
    switch (in.kind) {
        case mail_kind::registered:
            if (in.registration.status == registration_status::cancelled)
                prefix = pick(in, "Stornierung", "Cancellation");
            else
                prefix = waitlisted(in) ? pick(in, "Warteliste", "Waiting list")
                                        : pick(in, "Anmeldebestätigung", "Registration confirmed");
            break;
        case mail_kind::promoted:
            prefix = pick(in, "Ihr Platz ist bestätigt", "Your seat is confirmed");
            break;
        case mail_kind::cancelled:
            prefix = pick(in, "Stornierung", "Cancellation");
            break;
        case mail_kind::date_changed:
            prefix = pick(in, "Terminänderung", "Schedule change");
            break;
        case mail_kind::date_cancelled:
            prefix = pick(in, "Termin abgesagt", "Date cancelled");
            break;
        case mail_kind::booking:
            prefix = pick(in, "Buchungsbestätigung", "Booking confirmed");
            break;
        case mail_kind::substituted:
            prefix = pick(in, "Platz übertragen", "Seat passed on");
            break;
        case mail_kind::moved:
            prefix = pick(in, "Umbuchung", "Rebooked");
            break;
    }
    return prefix + ": " + in.seminar.title + ", " + domain::format_day_range(in.date.days, in.lang);
}

std::string mail_text(const mail_input& in) { return render_text(content(in)); }

std::string mail_html(const mail_input& in) { return render_html(content(in), in, mail_subject(in)); }

namespace {

/// The headers every mail has, to `to_name` at the ASCII address `m.to`.
std::string envelope_headers(const mail_input& in, const composed_mail& m, const std::string& to_name) {
    const auto& s = in.seminar;
    std::string headers = mime::structured_header("From", mime::mailbox(s.organizer_name, m.from));
    if (!in.from_address.empty())
        headers += mime::structured_header("Reply-To",
                                           mime::mailbox(s.organizer_name, mime::ascii_address(s.organizer_email)));
    headers += mime::structured_header("To", mime::mailbox(to_name, m.to));
    headers += mime::unstructured_header("Subject", m.subject);
    headers += mime::structured_header("Date", mime::date_time(in.created_at));
    headers += mime::structured_header("Message-ID", "<" + in.message_id + ">");
    headers += mime::structured_header("MIME-Version", "1.0");
    headers += mime::structured_header("Content-Language", pick(in, "de", "en"));
    headers += mime::structured_header("Auto-Submitted", "auto-generated");
    return headers;
}

composed_mail compose_booking_mail(const mail_input& in) {
    composed_mail m;
    const auto& booker = in.booking.booker;
    m.from = mime::ascii_address(in.from_address.empty() ? in.seminar.organizer_email : in.from_address);
    m.to = mime::ascii_address(booker.email);
    m.subject = mail_subject(in);
    const auto c = content(in);
    m.text = render_text(c);
    auto alternative = mime::multipart(
        "alternative", {mime::text_part("plain", m.text), mime::text_part("html", render_html(c, in, m.subject))});
    alternative.headers = envelope_headers(in, m, booker.first_name + " " + booker.last_name) + alternative.headers;
    m.message = mime::render(alternative);
    return m;
}

}  // namespace

composed_mail compose_mail(const mail_input& in) {
    if (in.kind == mail_kind::booking) return compose_booking_mail(in);
    calendars::calendar_context ctx;
    ctx.seminar_url = [urls = site_urls{in.public_url}](const domain::seminar& s) { return urls.seminar_page(s.slug); };
    ctx.organizer_email = in.calendar_organizer_email;
    ctx.now = in.created_at;
    ctx.language = in.lang;
    const auto ics = calendars::invite(in.seminar, in.date, in.registration, ctx);

    composed_mail m;
    const auto& s = in.seminar;
    const auto& person = in.registration.person;
    // Only the domain can be made ASCII; an address with a non-ASCII local part stays as given (SMTPUTF8).
    m.from = mime::ascii_address(in.from_address.empty() ? s.organizer_email : in.from_address);
    m.to = mime::ascii_address(person.email);
    m.subject = mail_subject(in);
    const auto c = content(in);
    m.text = render_text(c);
    const auto html = render_html(c, in, m.subject);

    const auto file = pick(in, "einladung.ics", "invite.ics");
    const auto alternative =
        mime::multipart("alternative",
                        {mime::text_part("plain", m.text),
                         mime::text_part("html", html),
                         mime::base64_part("text/calendar; charset=UTF-8; method=" + calendar_method(ics), ics)});
    std::vector<mime::entity> parts{alternative,
                                    mime::base64_part("application/ics; name=\"" + file + "\"", ics, file)};
    if (in.kind == mail_kind::moved && in.moved_from) {
        // One calendar object carries one METHOD (RFC 5546), so the old date's CANCEL is a second attachment: the
        // invite as it is for the date left, with the registration ended there.
        auto left = in.registration;
        left.status = domain::registration_status::cancelled;
        left.cancelled_at = in.created_at;
        left.waitlist_position.reset();
        const auto cancel = calendars::invite(in.seminar, *in.moved_from, left, ctx);
        const auto cancel_file = pick(in, "absage.ics", "cancellation.ics");
        parts.push_back(mime::base64_part("application/ics; name=\"" + cancel_file + "\"", cancel, cancel_file));
    }
    auto mixed = mime::multipart("mixed", parts);

    mixed.headers = envelope_headers(in, m, person.first_name + " " + person.last_name) + mixed.headers;
    m.message = mime::render(mixed);
    return m;
}

}  // namespace seminard::server
