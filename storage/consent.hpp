// Consent proof (GDPR Art. 7): which privacy notice and consent wording a registration agreed to.
#pragma once

#include "connection.hpp"
#include "domain/model.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace seminard::storage {

struct consent_version {
    std::int64_t id = 0;
    std::string sha256;  ///< hex, over the notice and the wording (see record_consent_version)
    std::string notice;
    std::string wording;
    domain::instant created_at{};
};

/// Writer only: the version of these texts, new when their hash is new, and from now on the one new registrations
/// and bookings record. The hash covers both texts, each with its length first, so no two pairs share one.
std::int64_t record_consent_version(connection& c,
                                    std::string_view notice,
                                    std::string_view wording,
                                    domain::instant now);

std::optional<consent_version> find_consent_version(connection& c, std::int64_t id);
/// Every version, oldest first.
std::vector<consent_version> list_consent_versions(connection& c);
/// The version a registration agreed to; nullopt for one from before consent versions were kept.
std::optional<std::int64_t> consent_version_of_registration(connection& c, std::int64_t registration_id);
std::optional<std::int64_t> consent_version_of_booking(connection& c, std::int64_t booking_id);

}  // namespace seminard::storage
