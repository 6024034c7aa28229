// The HTML pages attendees see: seminar list, seminar page with the "Jetzt anmelden" form, confirmation, cancel
// step, privacy notice and plain messages. Pure rendering: values in, a complete HTML5 document out, no IO.
// Every function is safe to call from any thread; every text from the domain is escaped here.
#pragma once

#include "domain/messages.hpp"
#include "domain/model.hpp"
#include "domain/result.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace seminard::server {

/// What every page needs to know about the request it answers.
/// How long personal data is kept (--retention-days, --mail-retention-days; 0: until the organiser erases it): the
/// privacy notice says so.
struct retention_terms {
    int registration_days = 365;
    int mail_days = 30;
};

struct page_context {
    domain::lang lang = domain::lang::de;
    std::string public_url;   ///< base of every link; no trailing slash
    std::string privacy_url;  ///< absolute URL of the privacy notice
    domain::instant now{};    ///< decides which dates are past, closed or open
    /// Path of the requested page (no query), for the language switch of render_message() and render_privacy(),
    /// whose URL only the caller knows. Empty: they link the other language of the index page.
    std::string path;
    retention_terms retention;
};

/// A date with its live seat figures.
struct date_offer {
    domain::seminar_date date;
    domain::date_availability availability;
};

/// A seminar with all its dates, in any state and order; the pages decide what is shown and how it is sorted.
struct seminar_listing {
    domain::seminar seminar;
    std::vector<date_offer> dates;
};

/// What the person typed and what was wrong, to re-render the form.
struct form_state {
    /// date_id, first_name, last_name, email, company, job_title, phone; "billing.<field>" for the billing address;
    /// "answers.<key>" for text answers, a choice's option key, and "on" for a checked checkbox
    std::map<std::string, std::string> values;
    /// "answers.<key>" of a multiple choice: the option keys ticked
    std::map<std::string, std::vector<std::string>> lists;
    bool consent = false;
    /// Per field name (the names above, "billing.<field>", "answers.<key>", "privacy_consent", "date_id").
    std::map<std::string, domain::field_problem> problems;
    /// A form-level problem: full, already_registered, registration_closed, too_many_requests, not_found…
    std::optional<domain::errc> error;
    /// With not_enough_seats: how many seats the booking could have had.
    std::optional<int> seats_left;
    /// The form's own idempotency key (a hidden field): a double click or a reload sends it twice and gets the first
    /// answer again. A fresh one per page shown; empty: no field.
    std::string idempotency_key;
};

/// The list of seminars, each with its next open date, linking to the seminar pages.
std::string render_index(const page_context& ctx, const std::vector<seminar_listing>& seminars);
/// One seminar: description, facts, upcoming dates with their state, and the registration form (re-rendered
/// with `form` after a failed submission; pass an empty form_state for a fresh page).
std::string render_seminar(const page_context& ctx, const seminar_listing& s, const form_state& form);
/// The private page of one registration: status, code, date, attendee, calendar link, the seminar's cancellation
/// terms, and the cancel button with its deadline, or after the deadline whom to ask instead.
/// `token` is the registration's private token; it appears only in this page's own links. The calendar link
/// carries the read-only `invite_key` instead: calendar links get subscribed and shared.
/// Until the date begins it also offers to name a substitute (Ersatzteilnehmer:in); `substitute` is that form as
/// typed after a failed attempt.
std::string render_confirmation(const page_context& ctx,
                                const domain::seminar& s,
                                const domain::seminar_date& d,
                                const domain::registration& r,
                                std::string_view token,
                                std::string_view invite_key,
                                const form_state& substitute = {});
/// What the own-data page shows: the own-data export, readable.
struct own_data_page {
    struct mail {
        std::string kind, state, subject;
        domain::instant created_at{};
    };
    struct event {
        domain::instant at{};
        std::string event;
    };
    struct entry {
        domain::seminar seminar;
        domain::seminar_date date;
        domain::registration registration;
        std::string notice_sha256;  ///< empty: from before consent versions were kept
        std::vector<mail> mails;
        std::vector<event> history;
    };
    std::string email;
    std::vector<entry> registrations;
    std::vector<std::string> booking_codes;  ///< company bookings made with the address as the booker
};
/// The page behind "Meine Daten ansehen": everything stored under the address, with the JSON download.
std::string render_own_data(const page_context& ctx, const own_data_page& data, std::string_view token);

/// "Do you really want to cancel?" with a form that posts confirm=yes.
std::string render_cancel_step(const page_context& ctx,
                               const domain::seminar& s,
                               const domain::seminar_date& d,
                               const domain::registration& r,
                               std::string_view token);
/// The company booking form of a seminar (Firmenbuchung): the date, the booker, `rows` attendees with the seminar's
/// questions each, what to do when not all fit, the billing address, consent and terms. "Weitere Teilnehmende
/// hinzufügen" is a submit button (action=add) that asks for the page again with one row more: no JavaScript.
std::string render_booking_form(const page_context& ctx,
                                const seminar_listing& s,
                                const form_state& form,
                                std::size_t rows);
/// The booker's substitute forms, one per seat: `form` is the one of the seat `registration` (its code) as typed
/// after a failed attempt. `form.idempotency_key`, when set, is the page's; each seat's form extends it by the seat's
/// code, so that every form has a key of its own.
struct seat_substitute {
    std::string registration;
    form_state form;
};
/// The booker's private page of a company booking: the facts, every attendee with code and status, a cancel button
/// while attendees may still cancel, until the date begins a form per active seat that names a substitute
/// (Ersatzteilnehmer:in), and "cancel the whole booking". A failed attempt's problems head the page.
std::string render_booking(const page_context& ctx,
                           const domain::seminar& s,
                           const domain::seminar_date& d,
                           const domain::booking& b,
                           const std::vector<domain::registration>& people,
                           std::string_view token,
                           const seat_substitute& substitute = {});
/// "Do you really want to cancel?" for one attendee of a booking (`registration` their code) or all of them
/// (`registration` "all"); `chosen` are the registrations it would cancel. Posts confirm=yes.
std::string render_booking_cancel_step(const page_context& ctx,
                                       const domain::seminar& s,
                                       const domain::seminar_date& d,
                                       const domain::booking& b,
                                       const std::vector<domain::registration>& chosen,
                                       std::string_view token,
                                       std::string_view registration);
/// The attendee can no longer cancel `r` themselves (domain::self_cancellable): why, until when they could, and whom
/// to ask instead (the organiser, with a mailto link). Answers the cancel step after the deadline.
std::string render_cancel_closed(const page_context& ctx,
                                 const domain::seminar& s,
                                 const domain::seminar_date& d,
                                 const domain::registration& r,
                                 std::string_view token);
/// Our own privacy notice: what this server stores, why, how long, and how to cancel.
std::string render_privacy(const page_context& ctx);
/// The privacy notice and the consent checkbox's wording as plain text: what a registration agrees to (its hash
/// is the consent version; a changed text makes a new one).
std::string privacy_notice_text(domain::lang l, const retention_terms& retention);
std::string consent_wording(domain::lang l);
/// A page with one heading and one paragraph, e.g. 404 "Seite nicht gefunden". Both are plain text.
std::string render_message(const page_context& ctx, std::string_view title, std::string_view text);

/// The stylesheet of all pages, embedded into the binary at build time from server/web/static/seminard.css.
std::string_view stylesheet();
/// A short hex hash of stylesheet(), for cache busting (`/static/seminard.css?v=…`); the same for the same CSS.
std::string_view stylesheet_version();

}  // namespace seminard::server
