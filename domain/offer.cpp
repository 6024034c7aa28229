// The public offer of a date (see offer.hpp).
#include "offer.hpp"

#include "schedule.hpp"

#include <algorithm>

namespace seminard::domain {

offer offer_of(const seminar_date& d, const date_availability& a, instant now) {
    const bool cancelled = d.status == date_status::cancelled;
    offer o;
    o.seats_left = cancelled ? 0 : std::max(0, d.capacity - a.confirmed);
    o.registration_open = registration_open(d, now);
    o.past = is_past(d, now);
    if (o.past)
        o.state = offer_state::past;
    else if (cancelled)
        o.state = offer_state::cancelled;
    else if (!o.registration_open)
        o.state = offer_state::closed;
    else if (o.seats_left == 0)
        o.state = d.waitlist ? offer_state::waitlist : offer_state::full;
    else
        o.state = offer_state::open;
    return o;
}

bool in_feed(const seminar_date& d, instant now) {
    return d.status == date_status::scheduled && !d.days.empty() && !is_past(d, now);
}

}  // namespace seminard::domain
