// The confirmation e-mails seminard sends for registrations, promotions, cancellations and date changes: subject,
// text, HTML and the personal invite, as one complete RFC 5322/MIME message. Pure: no IO, no clock.
#pragma once

#include "domain/messages.hpp"
#include "domain/model.hpp"

#include <optional>
#include <string>
#include <vector>

namespace seminard::server {

/// Why a mail is sent: registered (confirmed or waiting list, the status decides), promoted, cancelled,
/// date_changed, date_cancelled. The domain's enum, so that the outbox stores the same kind it renders.
using mail_kind = domain::mail_kind;

/// Everything one mail is made of. A plain value; the caller reads it from storage and configuration.
struct mail_input {
    mail_kind kind = mail_kind::registered;
    domain::seminar seminar;
    domain::seminar_date date;
    domain::registration registration;  ///< the state the mail reports (status, waitlist_position, cancelled_at)
    /// Only for `booking`: the booking and its attendees' registrations as they are (the mail goes to the booker).
    domain::booking booking;
    /// Only for `substituted`: who holds the seat now (the mail goes to the person before, `registration.person`).
    std::string substitute_name;
    std::vector<domain::registration> booked;
    /// Only for `moved`: the date the registration left (`date` is the new one); its invite goes along as a CANCEL.
    std::optional<domain::seminar_date> moved_from;
    std::string token;  ///< `registered` and `booking`: the private link goes into that mail; empty otherwise
    /// A `registered` mail rendered for keeping (the outbox, the organiser's .eml): the link is named, not given.
    bool link_redacted = false;
    domain::lang lang = domain::lang::de;
    std::string public_url;    ///< no trailing slash, e.g. "http://127.0.0.1:8080"
    std::string from_address;  ///< when set: From uses this address (with the organiser's name), Reply-To the
                               ///< organiser's address
    std::string calendar_organizer_email;  ///< passed on to calendars::calendar_context::organizer_email (may be empty)
    domain::instant created_at{};          ///< Date header and the invite's DTSTAMP
    std::string message_id;                ///< without angle brackets, globally unique, given by the caller
};

/// A finished mail. Owns its strings.
struct composed_mail {
    std::string from;     ///< envelope sender address (from_address or the organiser's), domain in ASCII
    std::string to;       ///< the attendee's address, domain in ASCII (mime::ascii_address)
    std::string subject;  ///< UTF-8, as a person reads it
    std::string text;     ///< the text/plain body, UTF-8 with "\n" line ends (also shown in the JSON API)
    std::string message;  ///< the whole RFC 5322 message, 7-bit, CRLF
};

/// A `booking` mail goes to the booker and carries no calendar (each attendee gets their own invite): it is
/// multipart/alternative { text/plain, text/html }.
/// The message: multipart/mixed { multipart/alternative { text/plain, text/html, text/calendar; method=REQUEST or
/// CANCEL }, the same calendar as an attachment "einladung.ics" / "invite.ics" }. The calendar is exactly
/// calendars::invite() for the input (its METHOD names the part's method). The private link (token) appears only
/// in a `registered` mail, never in the calendar. The message is 7-bit unless an address has a non-ASCII local
/// part (internationalised domains become A-labels; such a local part needs SMTPUTF8). Throws std::invalid_argument
/// where calendars::invite does (a date without days or with a zone the tz database does not know). Thread-safe; run it
/// on the blocking executor (it builds the invite with libical).
composed_mail compose_mail(const mail_input& in);

/// The subject as a person reads it, e.g. "Anmeldebestätigung: LinkedIn Marketing für Unternehmen, 27./28. Januar
/// 2027". No IO, no libical.
std::string mail_subject(const mail_input& in);
/// The text/plain body (UTF-8, "\n" line ends), the same text the message carries.
std::string mail_text(const mail_input& in);
/// The text/html body (UTF-8): the same content, every value escaped, inline styles only, no external resources.
std::string mail_html(const mail_input& in);

}  // namespace seminard::server
