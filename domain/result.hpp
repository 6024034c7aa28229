// The one list of domain errors and the small result<T> that domain and storage operations return.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace seminard::domain {

/// Every failure a client can cause or observe. Each has exactly one HTTP status and one machine code,
/// given by describe(); the server never invents other codes.
enum class errc {
    bad_request,               ///< 400 malformed request (syntax, encoding, wrong JSON shape)
    invalid_fields,            ///< 422 one or more fields are invalid; error::fields says which
    unauthorized,              ///< 401 missing or wrong organiser token
    forbidden,                 ///< 403 authenticated but not allowed
    not_found,                 ///< 404 no such resource (also for unknown tokens: never says which part was wrong)
    method_not_allowed,        ///< 405 path exists, method does not
    full,                      ///< 409 no seat left and no waiting list
    not_enough_seats,          ///< 409 a booking's attendees do not all fit (and may not wait); error::seats_left
    already_registered,        ///< 409 this e-mail already holds an active registration on the date
    registration_closed,       ///< 409 date cancelled, past, or past its deadline
    already_cancelled,         ///< 409 the registration is cancelled already
    cancellation_closed,       ///< 409 past the attendee's own cancel deadline: only the organiser cancels now
    slug_taken,                ///< 409 a seminar with this slug exists
    account_exists,            ///< 409 an organiser account with this e-mail address exists
    capacity_below_confirmed,  ///< 409 capacity lower than the confirmed count (we never cancel people silently)
    date_cancelled,            ///< 409 the date is cancelled and cannot change any more
    request_in_progress,       ///< 409 a request with this Idempotency-Key is still being handled; retry shortly
    idempotency_key_reused,    ///< 422 this Idempotency-Key came with another request before (method, path or body)
    invalid_idempotency_key,   ///< 400 an Idempotency-Key that is not 1 to 255 printable ASCII characters
    payload_too_large,         ///< 413 body over the configured limit
    unsupported_media_type,    ///< 415 body in a content type we do not read
    too_many_requests,         ///< 429 this client address submitted too often; the answer says when to retry
    too_many_attempts,         ///< 429 this client address presented too many wrong credentials; it says when to retry
    header_too_large,          ///< 431 request headers over the limit
    unavailable,               ///< 503 storage not answering or shutting down
    internal,                  ///< 500 a bug on our side; never caused by input alone
};

/// Status and machine code of an error; the only mapping from errc to HTTP.
struct error_info {
    int http_status;
    std::string_view code;
};
error_info describe(errc e) noexcept;

/// Why a single field was rejected. Rendered into a human message by the server in the client's language.
enum class field_problem {
    required,
    too_long,
    invalid_email,
    invalid_format,
    invalid_value,
    must_accept,  ///< privacy consent not given
    unknown_zone,
    not_allowed,       ///< field may not be set here
    nonexistent_time,  ///< a local time the clocks skip on that day (spring DST); its code is invalid_value
};
std::string_view to_string(field_problem p) noexcept;

/// A domain error: what went wrong, optional detail, and per-field problems for errc::invalid_fields.
struct error {
    errc code = errc::internal;
    std::string detail;  ///< optional extra text (English, for logs and developers); never secrets
    std::map<std::string, field_problem> fields;
    std::optional<int> seats_left;  ///< with not_enough_seats: the seats a booking could have had

    error() = default;
    error(errc c) : code(c) {}  // NOLINT: implicit on purpose, `return errc::full;` reads well
    error(errc c, std::string d) : code(c), detail(std::move(d)) {}
};

/// Value or domain error. A minimal stand-in for C++23's std::expected (not in GCC 12).
template <class T>
class [[nodiscard]] result {
public:
    result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit like expected
    result(error e) : v_(std::in_place_index<1>, std::move(e)) {}      // NOLINT
    result(errc e) : v_(std::in_place_index<1>, error{e}) {}           // NOLINT

    explicit operator bool() const noexcept { return v_.index() == 0; }
    bool ok() const noexcept { return v_.index() == 0; }

    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const error& err() const& { return std::get<1>(v_); }
    error&& err() && { return std::get<1>(std::move(v_)); }

private:
    std::variant<T, error> v_;
};

/// Result of an operation that yields nothing but success.
struct done {};

}  // namespace seminard::domain
