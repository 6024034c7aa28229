// Input rules for seminars, dates and registrations: raw fields in, a valid domain value or 422 field list out.
#pragma once

#include "billing.hpp"
#include "limits.hpp"
#include "model.hpp"
#include "questions.hpp"
#include "result.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace seminard::domain {

/// Seminar fields as a client sent them; a missing field is nullopt. For price, an inner nullopt means
/// "explicitly null" (price on request).
struct seminar_input {
    std::optional<std::string> slug;
    std::optional<std::string> title;
    std::optional<std::string> description;
    std::optional<std::string> location;
    std::optional<std::optional<std::int64_t>> price_cents;
    std::optional<std::string> currency;
    std::optional<std::string> organizer_name;
    std::optional<std::string> organizer_email;
    std::optional<std::string> billing;                    ///< "none", "optional" or "required"
    std::optional<std::vector<question_input>> questions;  ///< replaces the whole list
    std::optional<std::string> cancellation_terms;         ///< multi-line
    /// 0..365; an inner nullopt means "explicitly null": attendees may cancel until the first day starts.
    std::optional<std::optional<int>> self_cancel_days;
};

/// A new seminar from input: slug, title, organizer_name and organizer_email are required; billing defaults to
/// none, questions to none, cancellation_terms to empty and self_cancel_days to none (until the first day starts). A
/// seminar whose billing or questions change keeps the answers already given as they were (each answer holds its
/// wording).
result<seminar> make_seminar(const seminar_input& in);
/// Whether two versions of a seminar differ in what its dates' calendars show: SUMMARY (title), LOCATION,
/// DESCRIPTION (description and the link to the slug's page), ORGANIZER (organizer_name, organizer_email) and URL
/// (slug). Price, currency and the cancellation terms are not in calendars.
bool calendar_fields_differ(const seminar& a, const seminar& b) noexcept;

/// What a PATCH of a seminar means for its dates' calendars.
struct seminar_change {
    seminar updated;
    bool calendar_visible = false;  ///< calendar_fields_differ(current, updated): its scheduled dates' SEQUENCE rises
};

/// `current` with the given fields replaced; unchanged fields stay.
result<seminar_change> patch_seminar(const seminar& current, const seminar_input& in);

struct day_input {
    std::string day;    ///< "YYYY-MM-DD"
    std::string start;  ///< "HH:MM"
    std::string end;    ///< "HH:MM"
};

struct date_input {
    std::optional<std::string> timezone;
    std::optional<std::vector<day_input>> days;
    std::optional<int> capacity;
    std::optional<bool> waitlist;
    std::optional<std::optional<std::string>> registration_closes_at;  ///< inner nullopt: back to the default
    std::optional<std::string> status;                                 ///< only "cancelled" or "scheduled"
};

/// A new date from input: timezone, days and capacity are required; waitlist defaults to false.
result<seminar_date> make_date(const date_input& in);

/// What a PATCH of a date means for attendees and seats.
struct date_change {
    seminar_date updated;
    bool visible = false;    ///< attendees must see it: SEQUENCE rises
    bool cancelled = false;  ///< this change cancels the date
};

/// Applies a patch. Lowering capacity below `confirmed` is refused (we never cancel people silently);
/// a cancelled date takes no further change.
result<date_change> patch_date(const seminar_date& current, const date_input& in, int confirmed);

/// Attendee fields as a client sent them. `privacy_consent` is already reduced to a boolean by the
/// transport layer ("on", "true", true).
struct registration_input {
    std::string first_name;
    std::string last_name;
    std::string email;
    std::string company;
    std::string job_title;
    std::string phone;
    bool privacy_consent = false;
    std::optional<billing_input> billing;         ///< absent: no billing object sent
    std::map<std::string, answer_input> answers;  ///< by question key
};

/// Trimmed, checked attendee; field problems for everything wrong at once.
result<attendee> make_attendee(const registration_input& in);

/// What a registration adds to the attendee on seminar `s`: its billing address (under the seminar's billing mode)
/// and its answers to the seminar's questions, with the problems of both at once (make_billing, make_answers).
struct registration_details {
    std::optional<billing_address> billing;
    std::vector<answer> answers;
};
result<registration_details> make_registration_details(const registration_input& in, const seminar& s);

}  // namespace seminard::domain
