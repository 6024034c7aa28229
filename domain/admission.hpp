// Seat rules: who gets a seat, who waits, how many move up, who may still cancel. Pure rules, applied inside the
// writer's transaction so that the counts it sees are the counts on disk.
#pragma once

#include "model.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace seminard::domain {

enum class admission { confirmed, waitlisted, full };

/// A newcomer gets a seat only when one is free and nobody waits (arrival order); otherwise the waiting
/// list if the date has one; otherwise "full".
admission admit(int capacity, int confirmed, int waitlisted, bool waitlist_enabled) noexcept;

/// How many people move up from the waiting list when seats are free.
int promotions(int capacity, int confirmed, int waitlisted) noexcept;

/// How many people move up from the waiting list of date `d` with the seat figures `a` at `now`: none once the
/// date is cancelled or its first day has started (a seat offered then could not be taken any more), otherwise as
/// many as there are free seats.
int promotions(const seminar_date& d, const date_availability& a, instant now);

/// Who cancels a registration.
enum class canceller { attendee, organiser };

/// The moment from which attendees can no longer cancel a registration on date `d` of seminar `s` themselves: the
/// start of the first day, or with `s.self_cancel_days` = N the same wall-clock time N calendar days before it, in
/// the date's own zone (so a DST change in between does not move it by an hour; a time the clocks skip on that day
/// moves to the change, as to_instant says). A date without days or with an unknown zone gives the epoch.
instant self_cancel_deadline(const seminar& s, const seminar_date& d);

/// Whether `who` may cancel a registration on date `d` of seminar `s` at `now`: attendees before
/// self_cancel_deadline, the organiser always (also after the deadline and after the seminar, to tidy up the list).
bool may_cancel(canceller who, const seminar& s, const seminar_date& d, instant now);

/// Whether the attendee of `r` can still cancel it themselves at `now`: it is not cancelled yet and
/// may_cancel(attendee) holds. What the confirmation page and the attendee's JSON show.
bool self_cancellable(const seminar& s, const seminar_date& d, const registration& r, instant now);

/// Whether a seat on date `d` may pass to a substitute at `now`: until its first day begins, also after the
/// self-cancel deadline (sending a colleague is the way out then), and not once the date is cancelled.
bool may_substitute(const seminar_date& d, instant now);

/// Bytes of randomness a registration code takes.
inline constexpr std::size_t code_random_bytes = 5;

/// A short code people can read out on the phone: 8 symbols of Crockford's base32 (no I, L, O, U),
/// written as "XXXX-XXXX" (40 bits, most significant first). Uniqueness is storage's concern.
std::string make_code(const std::array<std::uint8_t, code_random_bytes>& random);
/// The same for a 40-bit value (higher bits are ignored).
std::string make_code(std::uint64_t value);

/// The 40-bit value of a canonical code (as canonical_code returns it); nullopt for anything else.
std::optional<std::uint64_t> code_value(std::string_view canonical);

/// Accepts codes the way people type them: any case, with or without the hyphen or spaces, O for 0, I/L for 1.
/// Returns the canonical form or an empty string when it cannot be a code.
std::string canonical_code(std::string_view typed);

}  // namespace seminard::domain
