// Names of the status enums as they appear in JSON, CSV and the database.
#include "model.hpp"

namespace seminard::domain {

std::string_view to_string(date_status s) noexcept { return s == date_status::cancelled ? "cancelled" : "scheduled"; }

std::string_view to_string(registration_status s) noexcept {
    switch (s) {
        case registration_status::confirmed:
            return "confirmed";
        case registration_status::waitlisted:
            return "waitlisted";
        case registration_status::cancelled:
            return "cancelled";
    }
    return "confirmed";
}

std::optional<registration_status> parse_registration_status(std::string_view s) noexcept {
    if (s == "confirmed") return registration_status::confirmed;
    if (s == "waitlisted") return registration_status::waitlisted;
    if (s == "cancelled") return registration_status::cancelled;
    return std::nullopt;
}

}  // namespace seminard::domain
