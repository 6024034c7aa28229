// Erasure of personal data (GDPR Art. 17): anonymised in place, so that seat counts, the waiting list's order and
// statistics stay right, with nothing left to find in the database files once the log is truncated.
#pragma once

#include "connection.hpp"
#include "domain/model.hpp"
#include "domain/result.hpp"

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

}  // namespace seminard::storage
