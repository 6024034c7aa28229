// What an attendee's personal invite is: a request for the date, or its cancellation. The mail's texts and the
// calendar's METHOD both take it from here, so that they never disagree.
#pragma once

#include "model.hpp"

namespace seminard::domain {

/// The personal invite for registration `r` on date `d` cancels (iTIP METHOD:CANCEL) once either is cancelled;
/// otherwise it is a request (METHOD:REQUEST). A mail of kind `cancelled` or `date_cancelled` needs no rule of its
/// own: it is only ever sent for a cancelled registration or a cancelled date.
bool invite_cancels(const seminar_date& d, const registration& r) noexcept;

}  // namespace seminard::domain
