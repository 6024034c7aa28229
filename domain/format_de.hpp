// Dates, hours and prices as people read them: German by default ("27./28. Januar 2027, 09:00–17:00 Uhr"),
// English on request. Pure functions: no IO, no locale, no global state; safe from any thread.
#pragma once

#include "messages.hpp"
#include "model.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace seminard::domain {

// All texts are UTF-8. Ranges use the en dash U+2013 ("–"): without spaces between two numbers
// ("27.–29.", "09:00–17:00"), with spaces between longer parts ("30. Januar – 1. Februar 2027").

/// "Januar" … "Dezember" (with "März") or "January" … "December"; empty for a month that is not ok().
std::string_view month_name(date::month m, lang l) noexcept;
/// "Montag" … "Sonntag" or "Monday" … "Sunday"; empty for a weekday that is not ok().
std::string_view weekday_name(date::weekday w, lang l) noexcept;

/// One day: "27. Januar 2027" / "27 January 2027".
std::string format_date(date::year_month_day d, lang l);
/// One day with its weekday: "Mittwoch, 27. Januar 2027" / "Wednesday, 27 January 2027".
std::string format_day_long(date::year_month_day d, lang l);

/// The days of a seminar date the way a German flyer writes them (hours are ignored):
///   one day                      "27. Januar 2027"                       "27 January 2027"
///   two consecutive, one month   "27./28. Januar 2027"                   "27–28 January 2027"
///   three or more consecutive    "27.–29. Januar 2027"                   "27–29 January 2027"
///   consecutive across months    "30. Januar – 1. Februar 2027"          "30 January – 1 February 2027"
///   consecutive across years     "31. Dezember 2026 – 1. Januar 2027"    "31 December 2026 – 1 January 2027"
///   with gaps                    "3., 5. und 7. März 2027"               "3, 5 and 7 March 2027"
///   with gaps across months      "28. Januar und 2. Februar 2027"        "28 January and 2 February 2027"
/// Days with gaps are listed one by one (month and year named once per group). The days may come in any
/// order; a day given twice counts once. No days: an empty string.
std::string format_day_range(const std::vector<seminar_day>& days, lang l);

/// Local wall-clock hours: "09:00–17:00 Uhr" / "09:00–17:00" (24-hour clock in both languages).
std::string format_hours(clock_time start, clock_time end, lang l);

/// The schedule of a date as lines: one line "27./28. Januar 2027, 09:00–17:00 Uhr" when every day has the
/// same hours, otherwise one line per day in day order ("27. Januar 2027, 09:00–17:00 Uhr"). No days: none.
std::vector<std::string> schedule_lines(const std::vector<seminar_day>& days, lang l);
/// schedule_lines() joined by "; " into one line, e.g. for a table cell or an e-mail subject.
std::string format_schedule(const std::vector<seminar_day>& days, lang l);

/// Separator between a German amount and its currency: NO-BREAK SPACE (U+00A0), as CLDR writes "1.490,00 €",
/// so that HTML and e-mail never wrap the symbol onto its own line.
inline constexpr std::string_view price_space = "\u00A0";

/// A price in minor units (1/100) of an ISO 4217 currency:
///   German  "1.490,00 €", "1.490,00 CHF", "1.490,00 $", "1.490,00 £" (separated by price_space)
///   English "€1,490.00", "$1,490.00", "£1,490.00", "CHF 1,490.00" (code separated by price_space)
/// EUR (also an empty code, the seminar default), USD and GBP get their symbol; every other currency its code
/// as given. Negative amounts get a leading "-". No price:
/// "Preis auf Anfrage" / "Price on request".
std::string format_price(std::optional<std::int64_t> cents, std::string_view currency, lang l);

/// An instant as local wall time in `zone`, to the minute: "20. Januar 2027, 12:00 Uhr" /
/// "20 January 2027, 12:00".
std::string format_datetime(instant t, const date::time_zone& zone, lang l);

/// A billing address as it is written on an envelope, one line each: company, street, postal code and city, the
/// country's name (left out for Germany in German texts, as a German letter would), then "USt-IdNr.: …",
/// "Bestellnummer: …" and "Rechnung an: …" (English: "VAT ID", "PO number", "Invoice to") where given.
std::vector<std::string> billing_lines(const billing_address& b, lang l);

}  // namespace seminard::domain
