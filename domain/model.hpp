// The plain value types of seminard: seminars, their dates and days, registrations. No IO, no behaviour.
#pragma once

#include <date/date.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace seminard::domain {

/// An instant, always UTC, to the second.
using instant = date::sys_seconds;

/// Minutes since local midnight (09:00 is 540). Seminar hours are local wall-clock times.
using clock_time = std::chrono::minutes;

/// Whether a seminar's registrations carry a billing address (Rechnungsanschrift).
enum class billing_mode { none, optional, required };

/// A text in German and, optionally, English (empty: the German one is shown).
struct localized_text {
    std::string de;
    std::string en;

    const std::string& in(bool english) const noexcept { return english && !en.empty() ? en : de; }
    friend bool operator==(const localized_text&, const localized_text&) = default;
};

/// The kinds of question a seminar may ask: short text, long text (newlines allowed), one of several options,
/// any of several options, and a single yes/no checkbox.
enum class question_type { text, textarea, choice, multi, checkbox };

struct question_option {
    std::string key;  ///< [a-z0-9_], unique within its question
    localized_text label;
    friend bool operator==(const question_option&, const question_option&) = default;
};

/// One of a seminar's own questions, in the order the form asks them.
struct question {
    std::string key;  ///< [a-z0-9_], 1..40, unique within the seminar; the CSV column and the answers' key
    question_type type = question_type::text;
    localized_text label;
    localized_text help;  ///< optional hint under the field
    bool required = false;
    std::vector<question_option> options;  ///< choice and multi only: 1..50
    friend bool operator==(const question&, const question&) = default;
};

struct seminar {
    std::int64_t id = 0;
    std::string slug;
    std::string title;
    std::string description;
    std::string location;
    std::optional<std::int64_t> price_cents;  ///< gross price in minor units; none = on request
    std::string currency = "EUR";
    std::string organizer_name;
    std::string organizer_email;
    billing_mode billing = billing_mode::none;
    std::vector<question> questions;
    std::string cancellation_terms;  ///< the seminar's Stornobedingungen as the organiser wrote them; may be multi-line
    /// Attendees may cancel themselves until this many days before the first day starts (see
    /// self_cancel_deadline); none: until it starts.
    std::optional<int> self_cancel_days;
    instant created_at{};
    instant updated_at{};
};

/// One calendar day of a seminar date, in the date's time zone.
struct seminar_day {
    date::year_month_day day{};
    clock_time start{};
    clock_time end{};

    friend bool operator==(const seminar_day&, const seminar_day&) = default;
};

enum class date_status { scheduled, cancelled };

/// A bookable date of a seminar: one or more days, one capacity, one waiting list, one calendar UID.
struct seminar_date {
    std::int64_t id = 0;
    std::int64_t seminar_id = 0;
    std::string uid;                ///< iCalendar UID; fixed at creation, never changes
    std::string timezone;           ///< IANA name, e.g. "Europe/Berlin"
    std::vector<seminar_day> days;  ///< sorted, distinct days
    int capacity = 0;
    bool waitlist = false;
    date_status status = date_status::scheduled;
    std::optional<instant> registration_closes_at;  ///< none: closes when the first day starts
    int sequence = 0;                               ///< iCalendar SEQUENCE; rises with every change attendees must see
    instant created_at{};
    instant updated_at{};
};

/// A date with its live seat figures, as the public sees it.
struct date_availability {
    int confirmed = 0;
    int waitlisted = 0;
};

enum class registration_status { confirmed, waitlisted, cancelled };

struct attendee {
    std::string first_name;
    std::string last_name;
    std::string email;
    std::string company;
    std::string job_title;
    std::string phone;
};

/// Where the invoice goes (Rechnungsanschrift). All fields trimmed; `country` is an ISO 3166-1 alpha-2 code in
/// upper case; `vat_id` (USt-IdNr.) is normalised (upper case, no spaces, dots or hyphens); the others are optional.
struct billing_address {
    std::string company;
    std::string street;
    std::string postal_code;
    std::string city;
    std::string country = "DE";
    std::string vat_id;
    std::string po_number;  ///< the customer's purchase order or reference (Bestellnummer)
    std::string email;      ///< where the invoice goes, when not to the attendee
    friend bool operator==(const billing_address&, const billing_address&) = default;
};

/// An answer to a seminar's question, with the wording it was given under: changing or removing the question later
/// leaves it readable as it was.
struct answer {
    std::string key;
    question_type type = question_type::text;
    localized_text question;              ///< the label when it was answered
    std::string text;                     ///< text and textarea
    std::vector<question_option> chosen;  ///< choice (one) and multi (any), with their labels then
    bool checked = false;                 ///< checkbox
    friend bool operator==(const answer&, const answer&) = default;
};

struct registration {
    std::int64_t id = 0;
    std::int64_t date_id = 0;
    std::string code;  ///< short human code, "XXXX-XXXX" (see make_code), e.g. "04HM-ASW9"
    registration_status status = registration_status::confirmed;
    std::optional<int> waitlist_position;  ///< 1..n while waitlisted
    attendee person;
    std::optional<std::int64_t> booking_id;  ///< the company booking it was made in, if any
    std::string booking_code;                ///< that booking's code (empty without one)
    int holder = 0;                          ///< how many people held the seat before this one (substitutes)
    std::optional<billing_address> billing;
    std::vector<answer> answers;  ///< in the order of the seminar's questions when answered
    instant consent_at{};
    instant created_at{};
    std::optional<instant> cancelled_at;
    instant updated_at{};
};

/// A company booking (Firmenbuchung): one booker registers several colleagues for a date in one go. Each attendee
/// has a registration of their own (with booking_id); the booking holds the booker and the one billing address.
struct booking {
    std::int64_t id = 0;
    std::int64_t date_id = 0;
    std::string code;  ///< "XXXX-XXXX", from the same alphabet as registration codes and never equal to one
    attendee booker;   ///< first_name, last_name, email, company (required) and phone; no job title
    std::optional<billing_address> billing;
    instant consent_at{};
    instant created_at{};
};

/// Why an attendee gets a mail: each change of their registration or its date that they must hear about.
enum class mail_kind {
    registered,      ///< a new registration, confirmed or on the waiting list (the only mail with the private link)
    promoted,        ///< moved up from the waiting list to a seat
    cancelled,       ///< the registration was cancelled, by the attendee or the organiser
    date_changed,    ///< the date's days, hours or time zone changed
    date_cancelled,  ///< the organiser cancelled the whole date
    booking,         ///< to the booker of a company booking: everyone booked, with the link to manage it
    substituted,     ///< to the person a substitute took the seat from: their invite becomes a CANCEL
    moved,           ///< rebooked to another date: the old date's invite cancelled, the new one requested
};

std::string_view to_string(billing_mode m) noexcept;
std::optional<billing_mode> parse_billing_mode(std::string_view s) noexcept;
std::string_view to_string(question_type t) noexcept;
std::optional<question_type> parse_question_type(std::string_view s) noexcept;
std::string_view to_string(date_status s) noexcept;
std::string_view to_string(mail_kind k) noexcept;
std::optional<mail_kind> parse_mail_kind(std::string_view s) noexcept;
std::string_view to_string(registration_status s) noexcept;
std::optional<registration_status> parse_registration_status(std::string_view s) noexcept;

}  // namespace seminard::domain
