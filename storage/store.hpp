// Queries and commands on the seminard schema. Every function takes the connection it runs on: reads run on
// a reader's connection, commands only inside the writer (see writer.hpp), which gives them their transaction.
#pragma once

#include "connection.hpp"
#include "crypto.hpp"
#include "domain/admission.hpp"
#include "domain/booking.hpp"
#include "domain/messages.hpp"
#include "domain/model.hpp"
#include "domain/result.hpp"
#include "domain/validation.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace seminard::storage {

// ---- reads -------------------------------------------------------------------------------------------------

std::vector<domain::seminar> list_seminars(connection& c);
std::optional<domain::seminar> find_seminar(connection& c, std::string_view slug);
std::optional<domain::seminar> find_seminar_by_id(connection& c, std::int64_t id);
std::optional<domain::seminar_date> find_date(connection& c, std::int64_t id);
/// Dates of a seminar ordered by their first day.
std::vector<domain::seminar_date> dates_of(connection& c, std::int64_t seminar_id);
domain::date_availability availability(connection& c, std::int64_t date_id);

/// The registration a private token belongs to (a 28-character token leads to its row by id and is checked against
/// the stored hash in constant time; a 22-character token from before schema 5 is looked up by its hash).
std::optional<domain::registration> find_registration_by_token(connection& c, std::string_view token);
std::optional<domain::registration> find_registration(connection& c, std::int64_t id);

/// The read-only key of a registration's personal calendar: it can fetch the invite and nothing else, so that a
/// calendar subscribed to it, or shared, cannot cancel. Derived from the code and the server's key (28 base64url
/// characters, the code's value first); computed again whenever it is needed, never stored.
std::string invite_key(connection& c, const domain::registration& r);
/// The same from the key alone (no database): for the answer that is rendered off the writer's thread.
std::string invite_key(const secret_key& key, const domain::registration& r);
/// The registration an invite key belongs to (checked against the derivation in constant time).
std::optional<domain::registration> find_registration_by_invite_key(connection& c, std::string_view key);
/// `code` in canonical form (domain::canonical_code).
std::optional<domain::registration> find_registration_by_code(connection& c, std::string_view code);
std::optional<domain::booking> find_booking(connection& c, std::int64_t id);
/// The booking behind a booking's private token (the booker's key to view it and cancel in it); nullopt otherwise.
std::optional<domain::booking> find_booking_by_token(connection& c, std::string_view token);
std::optional<domain::booking> find_booking_by_code(connection& c, std::string_view code);
/// A booking's registrations in the order they were booked.
std::vector<domain::registration> registrations_of_booking(connection& c, std::int64_t booking_id);

struct registration_page {
    std::vector<domain::registration> items;
    std::optional<std::int64_t> next_cursor;  ///< pass as `after_id` to get the next page
    std::int64_t total = 0;                   ///< matching rows in all pages
};
/// The organiser's list, in arrival order, `limit` at a time after registration id `after_id`.
registration_page list_registrations(connection& c,
                                     std::int64_t date_id,
                                     std::optional<domain::registration_status> status,
                                     int limit,
                                     std::int64_t after_id);

std::optional<std::string> get_setting(connection& c, std::string_view key);
/// How many registrations (in any state now) each date received at or after `since`. Costs what was registered
/// since then, not the whole table: ids rise with time, so the scan starts at the newest row and stops at the first
/// older one.
std::map<std::int64_t, int> registrations_per_date_since(connection& c, domain::instant since);

// ---- commands (writer only) ----------------------------------------------------------------------------------

domain::result<domain::seminar> create_seminar(connection& c, domain::seminar s, domain::instant now);
/// Applies an organiser's PATCH to the seminar with `slug` (see domain::patch_seminar; the slug itself may change);
/// bumps the SEQUENCE of its scheduled dates when what calendars show changed (domain::seminar_change).
domain::result<domain::seminar> update_seminar(connection& c,
                                               std::string_view slug,
                                               const domain::seminar_input& patch,
                                               domain::instant now);

domain::result<domain::seminar_date> create_date(connection& c, domain::seminar_date d, domain::instant now);

/// What a change to registrations did: the registration itself and everybody who moved up.
struct registration_change {
    domain::registration registration;
    std::string token;  ///< only set when the registration was just created (the only time we know it)
    std::vector<domain::registration> promoted;
    domain::seminar_date date;  ///< the registration's date as the change saw it (callers need not read it again)
    std::optional<domain::seminar> seminar;  ///< its seminar, when the change read it (a new or cancelled registration)
};

struct date_update {
    domain::seminar_date date;
    std::vector<domain::registration> promoted;
};
/// Applies an organiser's PATCH (see domain::patch_date); more capacity promotes from the waiting list.
domain::result<date_update> update_date(connection& c,
                                        std::int64_t date_id,
                                        const domain::date_input& patch,
                                        domain::instant now);

/// Registers a person: checks in this order: the date exists, is open (registration_closed), the details fit the
/// seminar (billing address and answers, domain::make_registration_details: invalid_fields), a seat or the waiting
/// list is there (full), the address holds no active registration on the date (already_registered); then the seat or
/// the waiting list, code and token, in the caller's transaction. Never oversells: the writer is the only one
/// counting and inserting. Records the confirmation mail (in `lang`, which later mails to this person use too) in
/// the outbox. A non-empty `seminar_slug` (the seminar page's own form) must be the date's seminar (not_found, checked
/// right after the date).
domain::result<registration_change> register_attendee(connection& c,
                                                      std::int64_t date_id,
                                                      const domain::attendee& person,
                                                      const domain::registration_input& details,
                                                      domain::instant now,
                                                      domain::lang lang = domain::lang::de,
                                                      std::string_view seminar_slug = {});
/// The same without billing address and answers (a seminar that asks for neither).
domain::result<registration_change> register_attendee(connection& c,
                                                      std::int64_t date_id,
                                                      const domain::attendee& person,
                                                      domain::instant now,
                                                      domain::lang lang = domain::lang::de);

/// What a company booking did: the booking with its token, and each attendee's registration with theirs, in the
/// order given.
struct booking_change {
    domain::booking booking;
    std::string token;
    std::vector<domain::registration> registrations;
    std::vector<std::string> tokens;
    domain::seminar_date date;
    domain::seminar seminar;
};

/// Registers a company booking in one transaction: the date exists and is open, the booking fits the seminar
/// (domain::make_booking: invalid_fields), its attendees fit (domain::place_booking: not_enough_seats with
/// seats_left), no attendee's address holds an active registration on the date (already_registered, the fields
/// naming each "attendees[i].email"); then the booking, every attendee's registration (confirmed in the order given,
/// the rest waitlisted), their confirmation mails and the booker's mail. All or nothing.
domain::result<booking_change> register_booking(connection& c,
                                                std::int64_t date_id,
                                                const domain::booking_input& input,
                                                domain::instant now,
                                                domain::lang lang = domain::lang::de,
                                                std::string_view seminar_slug = {});

/// Who cancels: attendees until the seminar's self-cancel deadline, the organiser always (domain::may_cancel).
using canceller = domain::canceller;
/// Cancels a registration; a freed seat goes to the first on the waiting list in the same transaction. Every
/// change to a registration and every visible change to a date records the attendees' mails in the outbox. Checks
/// in this order: the registration exists (not_found), is not cancelled (already_cancelled), `who` may still cancel
/// it (cancellation_closed). The change carries the seminar it read.
domain::result<registration_change> cancel_registration(connection& c,
                                                        std::int64_t registration_id,
                                                        canceller who,
                                                        domain::instant now);

/// Cancels every active registration of a booking in one transaction (the waitlisted first, so that no colleague
/// is promoted only to be cancelled); already_cancelled when none was active. Each cancellation as above.
domain::result<std::vector<registration_change>> cancel_booking(connection& c,
                                                                std::int64_t booking_id,
                                                                canceller who,
                                                                domain::instant now);

/// Names a substitute (Ersatzteilnehmer) for an active registration until its date begins (registration_closed
/// after; a cancelled date too): seat, code and answers stay, the person changes, and so do the private token
/// (returned) and the calendar key, so that the person before keeps no key to the seat. The substitute's address must
/// hold no active registration on the date (already_registered) and differ from the one before ("email":
/// invalid_value). Records the history entry (`actor`: attendee, booker or organiser), a `substituted` mail to the
/// person before (their invite becomes a CANCEL) and a `registered` mail with the link to the substitute.
domain::result<registration_change> substitute_registration(connection& c,
                                                            std::int64_t registration_id,
                                                            const domain::attendee& substitute,
                                                            std::string_view actor,
                                                            domain::instant now);

/// What a rebooking does when the target date has no free seat: the waiting list there (when it has one), or no move.
enum class when_full { waitlist, refuse };

/// A registration moved to another date, as the change left it: `date` is the new date, `from` the one it left, and
/// `promoted` who moved up there into the freed seat.
struct move_change {
    domain::registration registration;
    domain::seminar_date from;
    domain::seminar_date date;
    domain::seminar seminar;
    std::vector<domain::registration> promoted;
};

/// Rebooking (Umbuchung), by the organiser: moves an active registration to another date of the same seminar in
/// one transaction. The target's seat rule applies as for a new registration: a seat when one is free and nobody
/// waits, else its waiting list, at the end (`when_full::refuse`, or a target without a waiting list: `full`). The
/// seat left behind goes to the first on the old date's waiting list. Code, token, answers and billing stay. Checks:
/// the registration exists (not_found) and is active (already_cancelled); the target exists, is another date of the
/// same seminar ("date_id": invalid_value), is not cancelled and has not begun (registration_closed; its sign-up
/// deadline does not bind the organiser); the address holds no active registration there (already_registered).
/// Records a `moved` history entry and one `moved` mail (the old date's invite cancelled, the new one requested).
domain::result<move_change> move_registration(
    connection& c, std::int64_t registration_id, std::int64_t target_date_id, when_full rule, domain::instant now);

/// One entry of a registration's history: when, who (attendee, booker, organiser), what, and its detail as JSON.
struct history_entry {
    domain::instant at;
    std::string actor;
    std::string event;
    std::string detail;
};
std::vector<history_entry> history_of(connection& c, std::int64_t registration_id);

void put_setting(connection& c, std::string_view key, std::string_view value);

}  // namespace seminard::storage
