// The personal invite's method (see invite.hpp).
#include "invite.hpp"

namespace seminard::domain {

bool invite_cancels(const seminar_date& d, const registration& r) noexcept {
    return r.status == registration_status::cancelled || d.status == date_status::cancelled;
}

}  // namespace seminard::domain
