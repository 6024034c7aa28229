// Company bookings (see booking.hpp).
#include "booking.hpp"

#include "field_checker.hpp"
#include "text.hpp"

#include <algorithm>
#include <set>

namespace seminard::domain {

namespace {

/// Moves the problems of a nested rule under `prefix` ("booker.", "attendees[2].").
void merge_under(field_checker& c, const std::string& prefix, const error& e) {
    for (const auto& [name, problem] : e.fields) c.add(prefix + name, problem);
}

}  // namespace

std::optional<if_not_all_fit> parse_if_not_all_fit(std::string_view s) noexcept {
    if (s.empty() || s == "refuse") return if_not_all_fit::refuse;
    if (s == "waitlist_rest") return if_not_all_fit::waitlist_rest;
    return std::nullopt;
}

result<booking_request> make_booking(const booking_input& in, const seminar& s) {
    field_checker c;
    booking_request out;

    // The booker: a person like an attendee (consent is the booking's), with the company required.
    auto booker_in = in.booker;
    booker_in.job_title.clear();
    booker_in.privacy_consent = true;
    if (auto b = make_attendee(booker_in))
        out.booker = std::move(*b);
    else
        merge_under(c, "booker.", b.err());
    if (trim(in.booker.company).empty() && !c.has("booker.company")) c.add("booker.company", field_problem::required);

    if (auto billing = make_billing(in.billing, s.billing))
        out.billing = std::move(*billing);
    else
        c.merge(billing.err());

    if (in.attendees.empty())
        c.add("attendees", field_problem::required);
    else if (in.attendees.size() > limits::booking_attendees)
        c.add("attendees", field_problem::too_long);
    else {
        std::set<std::string> addresses;
        for (std::size_t i = 0; i < in.attendees.size(); ++i) {
            const auto prefix = "attendees[" + std::to_string(i) + "].";
            // The company is the booker's (checked there, once); phone and consent are the booking's.
            auto person_in = in.attendees[i];
            person_in.company.clear();
            person_in.phone.clear();
            person_in.privacy_consent = true;
            booked_attendee a;
            if (auto p = make_attendee(person_in)) {
                a.person = std::move(*p);
                a.person.company = out.booker.company;
                if (!addresses.insert(normalize_email(a.person.email)).second)
                    c.add(prefix + "email", field_problem::invalid_value);  // the same person twice
            } else {
                merge_under(c, prefix, p.err());
            }
            if (auto answers = make_answers(s.questions, in.attendees[i].answers))
                a.answers = std::move(*answers);
            else
                merge_under(c, prefix, answers.err());
            out.attendees.push_back(std::move(a));
        }
    }
    if (!in.privacy_consent) c.add("privacy_consent", field_problem::must_accept);
    if (auto policy = parse_if_not_all_fit(trim(in.if_not_all_fit)))
        out.policy = *policy;
    else
        c.add("if_not_all_fit", field_problem::invalid_value);
    if (!c.ok()) return std::move(c).failure();
    return out;
}

int seats_left_for_newcomers(int capacity, int confirmed, int waitlisted) noexcept {
    if (waitlisted > 0) return 0;  // those waiting come first
    return std::max(0, capacity - confirmed);
}

result<placement> place_booking(
    int capacity, int confirmed, int waitlisted, bool waitlist_enabled, int count, if_not_all_fit policy) {
    const int free = seats_left_for_newcomers(capacity, confirmed, waitlisted);
    if (count <= free) return placement{count, 0};
    if (policy == if_not_all_fit::refuse || !waitlist_enabled) {
        error e{errc::not_enough_seats};
        e.seats_left = free;
        return e;
    }
    return placement{free, count - free};
}

}  // namespace seminard::domain
