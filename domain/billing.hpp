// Billing addresses (Rechnungsanschrift) of registrations and bookings: the countries, the VAT ID formats of the EU,
// and the rules of a seminar's billing mode. Pure rules; no IO.
#pragma once

#include "limits.hpp"
#include "messages.hpp"
#include "model.hpp"
#include "result.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace seminard::domain {

/// Billing fields as a client sent them (not trimmed yet); absent fields are empty.
struct billing_input {
    std::string company;
    std::string street;
    std::string postal_code;
    std::string city;
    std::string country;  ///< ISO 3166-1 alpha-2, any case; empty: "DE"
    std::string vat_id;
    std::string po_number;
    std::string email;
};

/// The billing address of a registration or booking under the seminar's `mode`:
///  - none: `in` absent, or empty but for the country "DE" a form preselects, gives nullopt; anything filled in is
///    "billing": not_allowed.
///  - optional: absent, or every field but the country empty, gives nullopt; otherwise checked like required.
///  - required: `in` absent → "billing": required; company, street, postal_code and city required.
/// Checks, with problems named "billing.<field>" (the first per field wins): every field valid UTF-8 without control
/// characters and within its limit (limits.hpp: company 200, street 200, postal_code 16, city 100, po_number 100,
/// email 254, vat_id 20 once normalised); country a known ISO code (invalid_value); postal_code the country's format
/// where known (DE, AT, CH, LI: digits 5/4/4/4; others: letters, digits, spaces and hyphens) (invalid_format);
/// email a plausible address (invalid_email); vat_id see normalize_vat_id (invalid_format). Trims every field, upper-
/// cases country and normalises vat_id.
result<std::optional<billing_address>> make_billing(const std::optional<billing_input>& in, billing_mode mode);

/// Whether `code` (upper case) is an officially assigned ISO 3166-1 alpha-2 country code, or XK (Kosovo).
bool known_country(std::string_view code) noexcept;

/// Whether `country` (an ISO code, upper case) is a member state of the EU. Greece is GR here (its VAT prefix is EL).
bool eu_member(std::string_view country) noexcept;

/// A VAT ID in its normal form: upper case, without spaces, dots and hyphens, the two-letter prefix first. When the
/// prefix is an EU member's (EL for Greece, XI for Northern Ireland), the rest must have that state's format (VIES):
/// e.g. DE + 9 digits, AT + U + 8 digits, FR + 2 letters/digits + 9 digits, NL + 9 digits + B + 2 digits. Any other
/// prefix (CH, NO, GB, …): letters and digits, 4..20 characters in all. nullopt when it is none of these.
std::optional<std::string> normalize_vat_id(std::string_view raw);

/// The German (or English) name of a country by ISO code for pages, mails and the CSV; the code itself for codes
/// without a name here.
std::string_view country_name(std::string_view code, lang l) noexcept;

}  // namespace seminard::domain
