// What the public sees of a date: whether it can be booked, how many seats are left, whether it belongs in the
// subscribable feed. The one place the pages, the JSON API and the feed take these answers from.
#pragma once

#include "model.hpp"

namespace seminard::domain {

/// A date's state as offered to attendees: the first state in this list that applies.
enum class offer_state {
    past,       ///< over: now is at or after the end of the last day
    cancelled,  ///< cancelled by the organiser
    closed,     ///< past the registration deadline
    waitlist,   ///< no seat left; registration goes to the waiting list
    full,       ///< no seat left and no waiting list
    open,       ///< seats left
};

/// A date's offer at one instant. A plain value.
struct offer {
    offer_state state = offer_state::open;
    int seats_left = 0;              ///< capacity minus confirmed, never negative; 0 for a cancelled date
    bool registration_open = false;  ///< domain::registration_open: scheduled and before the deadline
    bool past = false;               ///< domain::is_past: now is at or after the end of the last day
};

/// The offer of date `d` with the seat figures `a` at `now`. A date without days or with a zone the tz database
/// does not know counts as past (see is_past).
offer offer_of(const seminar_date& d, const date_availability& a, instant now);

/// Whether the subscribable feed lists date `d` at `now`: scheduled, with at least one day, and not over yet.
bool in_feed(const seminar_date& d, instant now);

}  // namespace seminard::domain
