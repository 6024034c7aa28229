// Company bookings (Firmenbuchungen): one booker, several named attendees of one company, one billing address, seats
// taken all at once. Pure rules; storage applies them inside the writer's transaction.
#pragma once

#include "model.hpp"
#include "result.hpp"
#include "validation.hpp"

#include <optional>
#include <string>
#include <vector>

namespace seminard::domain {

/// What happens when not every attendee of a booking gets a seat: refuse the whole booking (409 not_enough_seats),
/// or confirm as many as fit, in the order given, and put the rest on the waiting list.
enum class if_not_all_fit { refuse, waitlist_rest };
std::optional<if_not_all_fit> parse_if_not_all_fit(std::string_view s) noexcept;

/// A booking as a client sent it. The booker's company is every attendee's company.
struct booking_input {
    registration_input booker;  ///< first_name, last_name, email, company, phone; job_title and answers unused
    std::optional<billing_input> billing;
    std::vector<registration_input> attendees;  ///< first_name, last_name, email, job_title, answers each
    bool privacy_consent = false;
    std::string if_not_all_fit;  ///< "refuse" (also when empty) or "waitlist_rest"
};

/// One attendee of a checked booking.
struct booked_attendee {
    attendee person;
    std::vector<answer> answers;
};

/// A checked booking for seminar `s`, ready to be placed.
struct booking_request {
    attendee booker;
    std::optional<billing_address> billing;
    std::vector<booked_attendee> attendees;
    if_not_all_fit policy = if_not_all_fit::refuse;
};

/// Checks a booking against seminar `s`, with every problem at once. Field names: "booker.<field>" (first_name,
/// last_name, email and company required; phone as for registrations), "billing.<field>" (the seminar's billing
/// mode, see make_billing), "attendees" (required: 1..limits::booking_attendees, too_long beyond), and
/// "attendees[i].<field>" (first_name, last_name, email required; job_title; "attendees[i].answers.<key>" for the
/// seminar's questions); the same address twice in one booking is invalid_value on the later one's email;
/// "privacy_consent" must_accept; "if_not_all_fit" invalid_value. Attendees keep the order given.
result<booking_request> make_booking(const booking_input& in, const seminar& s);

/// How a booking of `count` people is placed on a date with these figures: how many get a seat (the first ones,
/// in the order given) and how many go on the waiting list. Seats go to newcomers only while nobody waits (as
/// admit() says for one person). When not all fit and the policy is refuse, or the date has no waiting list:
/// errc::not_enough_seats with error::seats_left set.
struct placement {
    int confirmed = 0;
    int waitlisted = 0;
};
result<placement> place_booking(
    int capacity, int confirmed, int waitlisted, bool waitlist_enabled, int count, if_not_all_fit policy);

/// Seats a newcomer could take now: free seats while nobody waits, else none.
int seats_left_for_newcomers(int capacity, int confirmed, int waitlisted) noexcept;

}  // namespace seminard::domain
