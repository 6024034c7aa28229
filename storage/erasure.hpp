// Erasure of personal data (GDPR Art. 17): anonymised in place, so that seat counts, the waiting list's order and
// statistics stay right, with nothing left to find in the database files once the log is truncated.
#pragma once

#include "connection.hpp"
#include "domain/model.hpp"
#include "domain/result.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace seminard::storage {

struct erasure_count {
    int registrations = 0;
    int bookings = 0;
};

// ---- commands (writer only) ---------------------------------------------------------------------------------
// Each one: the person fields, billing address, answers and private token of a registration (or booking) are
// blanked; its mails lose recipient, subject and body (those not sent yet are not sent); its history entries lose
// their detail and gain an `erased` entry; `erasures` records the erasure (when, actor, counts). Erasing again
// changes nothing. The caller then has the writer truncate the log (writer::truncate_log_soon).

/// The registration with code `code` (canonical form): not_found when there is none.
domain::result<erasure_count> erase_registration(connection& c,
                                                 std::string_view code,
                                                 std::string_view actor,
                                                 domain::instant now);

/// Everything under an address (normalised with domain::normalize_email): its registrations on every date, the
/// bookings it made as the booker, and where it is named as a seat's holder before a substitute (history detail and
/// the mail that told them).
erasure_count erase_address(connection& c, const std::string& email, std::string_view actor, domain::instant now);

/// Retention: anonymises, as erase_registration does, at most `limit` registrations and bookings of dates whose
/// last day is before `last_day_before` (so they ended at least a day earlier); records a `retention` erasure when
/// it erased any. Idempotent: what is erased is not found again.
erasure_count erase_ended_dates(connection& c, date::year_month_day last_day_before, int limit, domain::instant now);

/// Deletes the bodies of at most `limit` mails sent before `cutoff` (their summary stays); returns how many.
int drop_sent_mail_bodies(connection& c, domain::instant cutoff, int limit);

/// When the newest registration was made (none: nullopt); retention waits while one came in a moment ago.
std::optional<domain::instant> newest_registration_at(connection& c);

}  // namespace seminard::storage
