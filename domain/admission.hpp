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

/// Whether `who` may cancel a registration on date `d` at `now`: attendees until the first day starts, the
/// organiser always (to tidy up the list, also after the seminar).
bool may_cancel(canceller who, const seminar_date& d, instant now);

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
