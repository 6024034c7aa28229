// CSV for the organiser's export: RFC 4180 quoting, the German-Excel dialect, formula neutralisation.
#pragma once

#include "messages.hpp"
#include "model.hpp"

#include <date/tz.h>

#include <string>
#include <string_view>
#include <vector>

namespace seminard::domain {

/// How a CSV file is written. `excel`: what German Excel opens correctly by double-click (UTF-8 BOM, ';', CRLF);
/// `plain`: RFC 4180 (',', CRLF, no BOM).
enum class csv_dialect { plain, excel };

struct csv_format {
    char separator;
    bool bom;
};
csv_format format_of(csv_dialect d) noexcept;

/// Appends one cell, quoted when it holds the separator, a quote, CR or LF (quotes doubled). A cell a spreadsheet
/// would run as a formula (starting with = + - @, TAB or CR) gets a leading apostrophe first (OWASP's advice), so
/// "=HYPERLINK(…)" shows as text. Invalid UTF-8 bytes are replaced with U+FFFD: the file is always valid UTF-8.
void append_csv_cell(std::string& out, std::string_view value, csv_dialect d);

/// The columns an export adds to the fixed ones: the billing address's eight, and one per question, in order.
struct csv_extras {
    bool booking = false;  ///< a "Buchungscode" column (when any registration came with a company booking)
    bool billing = false;
    struct question_column {
        std::string key;
        localized_text label;  ///< the header: the question's wording now, or as answered for a removed one
    };
    std::vector<question_column> questions;
};

/// The header row (German by default), with the BOM first for Excel, ending in CRLF. `with_date` adds a leading
/// "Termin" column (for exports that span all dates of a seminar); `extras` the billing and question columns after
/// the fixed ones.
std::string csv_header(csv_dialect d, lang l, bool with_date = false, const csv_extras& extras = {});

/// One registration as a row, times in the date's zone as ISO 8601 with offset, ending in CRLF. A non-empty
/// `date_label` fills the leading "Termin" column. A question's cell holds answer_text() (long answers keep their
/// line breaks inside the quotes); an unanswered one is empty.
std::string csv_row(const registration& r,
                    const date::time_zone* zone,
                    csv_dialect d,
                    lang l,
                    std::string_view date_label = {},
                    const csv_extras& extras = {});

}  // namespace seminard::domain
