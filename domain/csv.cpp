// CSV for the organiser's export (see csv.hpp).
#include "csv.hpp"

#include "questions.hpp"
#include "schedule.hpp"
#include "text.hpp"

#include <algorithm>
#include <array>

namespace seminard::domain {

namespace {

bool formula_trigger(std::string_view v) {
    if (v.empty()) return false;
    switch (v.front()) {
        case '=':
        case '+':
        case '-':
        case '@':
        case '\t':
        case '\r':
            return true;
        default:
            return false;
    }
}

}  // namespace

csv_format format_of(csv_dialect d) noexcept {
    return d == csv_dialect::excel ? csv_format{';', true} : csv_format{',', false};
}

void append_csv_cell(std::string& out, std::string_view value, csv_dialect d) {
    const auto sep = format_of(d).separator;
    auto text = replace_invalid_utf8(value);
    if (formula_trigger(text)) text.insert(0, 1, '\'');
    const bool quote = text.find_first_of(std::string{sep} + "\"\r\n") != std::string::npos;
    if (!quote) {
        out += text;
        return;
    }
    out.push_back('"');
    for (char c : text) {
        if (c == '"') out.push_back('"');
        out.push_back(c);
    }
    out.push_back('"');
}

std::string csv_header(csv_dialect d, lang l, bool with_date, const csv_extras& extras) {
    static constexpr std::array<std::string_view, 12> de = {"Code",
                                                            "Status",
                                                            "Wartelistenplatz",
                                                            "Angemeldet am",
                                                            "Vorname",
                                                            "Nachname",
                                                            "E-Mail",
                                                            "Firma",
                                                            "Position",
                                                            "Telefon",
                                                            "Einwilligung",
                                                            "Storniert am"};
    static constexpr std::array<std::string_view, 12> en = {"Code",
                                                            "Status",
                                                            "Waiting list position",
                                                            "Registered at",
                                                            "First name",
                                                            "Last name",
                                                            "Email",
                                                            "Company",
                                                            "Job title",
                                                            "Phone",
                                                            "Consent",
                                                            "Cancelled at"};
    const auto& names = l == lang::en ? en : de;
    std::string out;
    if (format_of(d).bom) out += "\xEF\xBB\xBF";
    if (with_date) {
        append_csv_cell(out, l == lang::en ? "Date" : "Termin", d);
        out.push_back(format_of(d).separator);
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i) out.push_back(format_of(d).separator);
        append_csv_cell(out, names[i], d);
    }
    if (extras.booking) {
        out.push_back(format_of(d).separator);
        append_csv_cell(out, l == lang::en ? "Booking code" : "Buchungscode", d);
    }
    if (extras.billing) {
        static constexpr std::array<std::string_view, 8> billing_de = {"Rechnung: Firma",
                                                                       "Rechnung: Straße",
                                                                       "Rechnung: PLZ",
                                                                       "Rechnung: Ort",
                                                                       "Rechnung: Land",
                                                                       "USt-IdNr.",
                                                                       "Bestellnummer",
                                                                       "Rechnung: E-Mail"};
        static constexpr std::array<std::string_view, 8> billing_en = {"Billing: company",
                                                                       "Billing: street",
                                                                       "Billing: postal code",
                                                                       "Billing: city",
                                                                       "Billing: country",
                                                                       "VAT ID",
                                                                       "PO number",
                                                                       "Billing: e-mail"};
        for (auto name : l == lang::en ? billing_en : billing_de) {
            out.push_back(format_of(d).separator);
            append_csv_cell(out, name, d);
        }
    }
    for (const auto& q : extras.questions) {
        out.push_back(format_of(d).separator);
        append_csv_cell(out, q.label.in(l == lang::en), d);
    }
    out += "\r\n";
    return out;
}

std::string csv_row(const registration& r,
                    const date::time_zone* zone,
                    csv_dialect d,
                    lang l,
                    std::string_view date_label,
                    const csv_extras& extras) {
    const char sep = format_of(d).separator;
    const bool de = l == lang::de;
    std::string status;
    switch (r.status) {
        case registration_status::confirmed:
            status = de ? "bestätigt" : "confirmed";
            break;
        case registration_status::waitlisted:
            status = de ? "Warteliste" : "waiting list";
            break;
        case registration_status::cancelled:
            status = de ? "storniert" : "cancelled";
            break;
    }
    const std::string cells[] = {
        r.code,
        status,
        r.waitlist_position ? std::to_string(*r.waitlist_position) : std::string{},
        to_iso8601(r.created_at, zone),
        r.person.first_name,
        r.person.last_name,
        r.person.email,
        r.person.company,
        r.person.job_title,
        r.person.phone,
        to_iso8601(r.consent_at, zone),
        r.cancelled_at ? to_iso8601(*r.cancelled_at, zone) : std::string{},
    };
    std::string out;
    if (!date_label.empty()) {
        append_csv_cell(out, date_label, d);
        out.push_back(sep);
    }
    for (std::size_t i = 0; i < std::size(cells); ++i) {
        if (i) out.push_back(sep);
        append_csv_cell(out, cells[i], d);
    }
    if (extras.booking) {
        out.push_back(sep);
        append_csv_cell(out, r.booking_code, d);
    }
    if (extras.billing) {
        static const billing_address none{"", "", "", "", "", "", "", ""};
        const auto& b = r.billing ? *r.billing : none;
        for (const auto* field :
             {&b.company, &b.street, &b.postal_code, &b.city, &b.country, &b.vat_id, &b.po_number, &b.email}) {
            out.push_back(sep);
            append_csv_cell(out, *field, d);
        }
    }
    for (const auto& q : extras.questions) {
        out.push_back(sep);
        auto a = std::find_if(r.answers.begin(), r.answers.end(), [&](const answer& x) { return x.key == q.key; });
        if (a != r.answers.end()) append_csv_cell(out, answer_text(*a, l), d);
    }
    out += "\r\n";
    return out;
}

}  // namespace seminard::domain
