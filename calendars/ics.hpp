// The calendars seminard hands out (RFC 5545, iTIP methods from RFC 5546): a published date, a personal invite, and
// the subscribable feed of all upcoming dates.
#pragma once

#include "domain/messages.hpp"
#include "domain/model.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace seminard::calendars {

/// What a calendar needs besides the seminar data. A plain value; copy it freely.
struct calendar_context {
    /// The public page of a seminar (the URL property, and a link in DESCRIPTION), built by the caller that knows
    /// the site's addresses. Never a private (token) link. Empty: no link at all.
    std::function<std::string(const domain::seminar&)> seminar_url;
    std::string prodid = "-//seminard//seminard 0.1//DE";
    std::string organizer_email;  ///< when set, the ORGANIZER address instead of the seminar's (a no-reply address,
                                  ///< so that automatic replies from calendar clients reach no person); CN stays
                                  ///< the seminar's organizer_name
    domain::instant now{};        ///< DTSTAMP: when this calendar was generated
    domain::lang language = domain::lang::de;  ///< language of the DESCRIPTION texts we add
};

// Every function returns the complete iCalendar object: CRLF line ends, lines folded at 75 octets (never inside a
// UTF-8 sequence), TEXT escaped, a VTIMEZONE generated from the tz database per zone used (TZID = the IANA name).
// A date is one VEVENT with an RRULE over its days (EXDATE for gaps) plus RECURRENCE-ID overrides for days with
// other hours; its UID never changes. SEQUENCE is the date's sequence, plus one for anything cancelled (see
// cancel_sequence). ORGANIZER is left out only when no address is known at all (the API requires one). The date's
// zone must be known to the tz database and the date must have at least one day, else std::invalid_argument.
// Thread-safe: each call builds and frees its own libical objects (libical 3 keeps its scratch buffers per thread);
// run it on the blocking executor, not an IO thread.

/// A cancelled calendar object must supersede every REQUEST/PUBLISH sent before it, which carried at most the date's
/// sequence; so a cancelled date or registration is rendered with date.sequence + 1. This does not rely on the
/// domain having bumped the sequence when it cancelled the date (it does, which only makes the number larger).
int cancel_sequence(const domain::seminar_date& d);

/// The date for everyone: METHOD:PUBLISH with ORGANIZER, no ATTENDEE. A cancelled date: METHOD:CANCEL,
/// STATUS:CANCELLED, SEQUENCE cancel_sequence(d). UID = d.uid.
std::string publish_date(const domain::seminar& s, const domain::seminar_date& d, const calendar_context& ctx);

/// The UID of a registration's invite: "<code>." + d.uid. One per registration, not d.uid itself: after a person
/// cancels (CANCEL, SEQUENCE n+1) and registers again, a REQUEST under d.uid would carry SEQUENCE n and be ignored
/// as outdated; and it keeps the invite apart from a published copy of the date in the same calendar.
std::string invite_uid(const domain::seminar_date& d, const domain::registration& r);

/// The personal invite (iTIP): METHOD:REQUEST with ORGANIZER and ATTENDEE (CN quoted, RSVP=FALSE).
/// Confirmed: STATUS:CONFIRMED, PARTSTAT=ACCEPTED. Waitlisted: STATUS:TENTATIVE, PARTSTAT=TENTATIVE (same UID and
/// SEQUENCE once promoted: the newer DTSTAMP makes the confirmed REQUEST win). Cancelled registration or cancelled
/// date: METHOD:CANCEL, STATUS:CANCELLED, SEQUENCE cancel_sequence(d). DESCRIPTION carries the registration code and
/// status, never the private token link.
std::string invite(const domain::seminar& s,
                   const domain::seminar_date& d,
                   const domain::registration& r,
                   const calendar_context& ctx);

/// A subscribable calendar of the given dates (the caller picks them with domain::in_feed): METHOD:PUBLISH,
/// X-WR-CALNAME and NAME, REFRESH-INTERVAL and X-PUBLISHED-TTL of one hour. Each date as in publish_date (a cancelled
/// one stays in with STATUS:CANCELLED); dates without days or with an unknown zone are left out, never thrown on.
std::string feed(const std::vector<std::pair<domain::seminar, domain::seminar_date>>& dates,
                 const calendar_context& ctx,
                 std::string_view calendar_name);

}  // namespace seminard::calendars
