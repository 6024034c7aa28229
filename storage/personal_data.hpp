// What seminard stores about one person, gathered for their own-data export (GDPR Art. 15/20).
#pragma once

#include "connection.hpp"
#include "consent.hpp"
#include "domain/model.hpp"

#include <optional>
#include <string>
#include <vector>

namespace seminard::storage {

/// A mail as the person may see it: what it was about and what became of it, not its body.
struct mail_summary {
    std::string kind;
    std::string state;
    std::string subject;  ///< empty until rendered
    domain::instant created_at{};
    std::optional<domain::instant> sent_at;
};

/// A history entry of the person's own time on a seat. The detail of a substitution names only them.
struct own_history_entry {
    domain::instant at{};
    std::string actor;
    std::string event;
    std::string detail;  ///< JSON
};

struct own_registration {
    domain::seminar seminar;
    domain::seminar_date date;
    domain::registration registration;
    std::optional<consent_version> consent;  ///< the notice agreed to (none before schema 14)
    std::vector<mail_summary> mails;
    std::vector<own_history_entry> history;
};

struct own_booking {
    domain::seminar seminar;
    domain::seminar_date date;
    domain::booking booking;
    std::vector<std::string> attendee_codes;  ///< the seats booked (their people are others' data)
    std::optional<consent_version> consent;
    std::vector<mail_summary> mails;
};

struct personal_data {
    std::string email;  ///< as normalised
    std::vector<own_registration> registrations;
    std::vector<own_booking> bookings;
};

/// The registrations (oldest first) and the bookings made as booker under an address already normalised. Erased
/// rows hold no address and are never found. Scans `bookings` (its booker address has no normalised column).
std::vector<std::int64_t> registrations_of_address(connection& c, const std::string& email_norm);
std::vector<std::int64_t> bookings_of_address(connection& c, const std::string& email_norm);

/// Everything stored under an e-mail address (normalised with domain::normalize_email): its registrations on every
/// date, oldest first, and the bookings it made. Of a seat that changed hands only what happened since this person
/// holds it: the mails and history before are the previous holder's. Scans the tables (rare; no index over
/// addresses alone on the write path).
personal_data personal_data_of(connection& c, const std::string& email);

}  // namespace seminard::storage
