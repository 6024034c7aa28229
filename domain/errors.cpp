// The single mapping of domain errors to HTTP status and machine code.
#include "result.hpp"

namespace seminard::domain {

error_info describe(errc e) noexcept {
    switch (e) {
        case errc::bad_request:
            return {400, "bad_request"};
        case errc::invalid_fields:
            return {422, "invalid_fields"};
        case errc::unauthorized:
            return {401, "unauthorized"};
        case errc::forbidden:
            return {403, "forbidden"};
        case errc::not_found:
            return {404, "not_found"};
        case errc::method_not_allowed:
            return {405, "method_not_allowed"};
        case errc::full:
            return {409, "full"};
        case errc::not_enough_seats:
            return {409, "not_enough_seats"};
        case errc::already_registered:
            return {409, "already_registered"};
        case errc::registration_closed:
            return {409, "registration_closed"};
        case errc::already_cancelled:
            return {409, "already_cancelled"};
        case errc::cancellation_closed:
            return {409, "cancellation_closed"};
        case errc::slug_taken:
            return {409, "slug_taken"};
        case errc::account_exists:
            return {409, "account_exists"};
        case errc::capacity_below_confirmed:
            return {409, "capacity_below_confirmed"};
        case errc::date_cancelled:
            return {409, "date_cancelled"};
        case errc::request_in_progress:
            return {409, "request_in_progress"};
        case errc::idempotency_key_reused:
            return {422, "idempotency_key_reused"};
        case errc::invalid_idempotency_key:
            return {400, "invalid_idempotency_key"};
        case errc::payload_too_large:
            return {413, "payload_too_large"};
        case errc::unsupported_media_type:
            return {415, "unsupported_media_type"};
        case errc::too_many_requests:
            return {429, "too_many_requests"};
        case errc::too_many_attempts:
            return {429, "too_many_attempts"};
        case errc::header_too_large:
            return {431, "header_too_large"};
        case errc::unavailable:
            return {503, "unavailable"};
        case errc::internal:
            return {500, "internal"};
    }
    return {500, "internal"};
}

std::string_view to_string(field_problem p) noexcept {
    switch (p) {
        case field_problem::required:
            return "required";
        case field_problem::too_long:
            return "too_long";
        case field_problem::invalid_email:
            return "invalid_email";
        case field_problem::invalid_format:
            return "invalid_format";
        case field_problem::invalid_value:
            return "invalid_value";
        case field_problem::must_accept:
            return "must_accept";
        case field_problem::unknown_zone:
            return "unknown_zone";
        case field_problem::not_allowed:
            return "not_allowed";
        case field_problem::nonexistent_time:
            return "invalid_value";  // a value that cannot be; the message says why
    }
    return "invalid_value";
}

}  // namespace seminard::domain
