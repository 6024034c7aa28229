// Names of the enums as they appear in JSON, CSV and the database.
#include "model.hpp"

namespace seminard::domain {

std::string_view to_string(billing_mode m) noexcept {
    switch (m) {
        case billing_mode::none:
            return "none";
        case billing_mode::optional:
            return "optional";
        case billing_mode::required:
            return "required";
    }
    return "none";
}

std::optional<billing_mode> parse_billing_mode(std::string_view s) noexcept {
    for (auto m : {billing_mode::none, billing_mode::optional, billing_mode::required})
        if (to_string(m) == s) return m;
    return std::nullopt;
}

std::string_view to_string(question_type t) noexcept {
    switch (t) {
        case question_type::text:
            return "text";
        case question_type::textarea:
            return "textarea";
        case question_type::choice:
            return "choice";
        case question_type::multi:
            return "multi";
        case question_type::checkbox:
            return "checkbox";
    }
    return "text";
}

std::optional<question_type> parse_question_type(std::string_view s) noexcept {
    for (auto t : {question_type::text,
                   question_type::textarea,
                   question_type::choice,
                   question_type::multi,
                   question_type::checkbox})
        if (to_string(t) == s) return t;
    return std::nullopt;
}

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

std::string_view to_string(mail_kind k) noexcept {
    switch (k) {
        case mail_kind::registered:
            return "registered";
        case mail_kind::promoted:
            return "promoted";
        case mail_kind::cancelled:
            return "cancelled";
        case mail_kind::date_changed:
            return "date_changed";
        case mail_kind::date_cancelled:
            return "date_cancelled";
        case mail_kind::booking:
            return "booking";
        case mail_kind::substituted:
            return "substituted";
        case mail_kind::moved:
            return "moved";
    }
    return "registered";
}

std::optional<mail_kind> parse_mail_kind(std::string_view s) noexcept {
    for (auto k : {mail_kind::registered,
                   mail_kind::promoted,
                   mail_kind::cancelled,
                   mail_kind::date_changed,
                   mail_kind::date_cancelled,
                   mail_kind::booking,
                   mail_kind::substituted,
                   mail_kind::moved})
        if (to_string(k) == s) return k;
    return std::nullopt;
}

}  // namespace seminard::domain
