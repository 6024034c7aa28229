// German and English date, hour and price texts (see format_de.hpp).
#include "format_de.hpp"

#include "billing.hpp"

#include "schedule.hpp"

#include <algorithm>
#include <array>
#include <chrono>

namespace seminard::domain {

namespace {

constexpr std::string_view en_dash = "\u2013";

constexpr std::array<std::string_view, 12> months_de = {"Januar",
                                                        "Februar",
                                                        "März",
                                                        "April",
                                                        "Mai",
                                                        "Juni",
                                                        "Juli",
                                                        "August",
                                                        "September",
                                                        "Oktober",
                                                        "November",
                                                        "Dezember"};
constexpr std::array<std::string_view, 12> months_en = {"January",
                                                        "February",
                                                        "March",
                                                        "April",
                                                        "May",
                                                        "June",
                                                        "July",
                                                        "August",
                                                        "September",
                                                        "October",
                                                        "November",
                                                        "December"};
// Indexed like date::weekday::c_encoding(): Sunday is 0.
constexpr std::array<std::string_view, 7> weekdays_de = {
    "Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"};
constexpr std::array<std::string_view, 7> weekdays_en = {
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

std::string day_number(date::year_month_day d) { return std::to_string(static_cast<unsigned>(d.day())); }
std::string year_number(date::year_month_day d) { return std::to_string(static_cast<int>(d.year())); }

/// "27." / "27": the day alone, as it stands before a month name or a range dash.
std::string day_part(date::year_month_day d, lang l) { return l == lang::de ? day_number(d) + "." : day_number(d); }

/// "27. Januar" / "27 January".
std::string day_month(date::year_month_day d, lang l) {
    return day_part(d, l) + " " + std::string{month_name(d.month(), l)};
}

/// "a, b und c" / "a, b and c" (no serial comma, as in British English).
std::string join_list(const std::vector<std::string>& items, lang l) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += (i + 1 == items.size()) ? (l == lang::de ? " und " : " and ") : ", ";
        out += items[i];
    }
    return out;
}

/// Groups the integer part in threes: 1490 → "1.490" (de) / "1,490" (en).
std::string group_thousands(std::uint64_t units, char separator) {
    auto digits = std::to_string(units);
    std::string out;
    out.reserve(digits.size() + digits.size() / 3);
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(separator);
        out.push_back(digits[i]);
    }
    return out;
}

/// The symbol for the currencies people know by symbol; empty for all others (which show their code).
std::string_view currency_symbol(std::string_view code) {
    if (code == "EUR" || code.empty()) return "€";
    if (code == "USD") return "$";
    if (code == "GBP") return "£";
    return {};
}

}  // namespace

std::string_view month_name(date::month m, lang l) noexcept {
    if (!m.ok()) return {};
    auto i = static_cast<unsigned>(m) - 1;
    return l == lang::de ? months_de[i] : months_en[i];
}

std::string_view weekday_name(date::weekday w, lang l) noexcept {
    if (!w.ok()) return {};
    auto i = w.c_encoding();
    return l == lang::de ? weekdays_de[i] : weekdays_en[i];
}

std::string format_date(date::year_month_day d, lang l) { return day_month(d, l) + " " + year_number(d); }

std::string format_day_long(date::year_month_day d, lang l) {
    return std::string{weekday_name(date::weekday{date::sys_days{d}}, l)} + ", " + format_date(d, l);
}

std::string format_day_range(const std::vector<seminar_day>& days, lang l) {
    std::vector<date::sys_days> sorted;
    sorted.reserve(days.size());
    for (const auto& d : days) sorted.emplace_back(d.day);
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    if (sorted.empty()) return {};

    const date::year_month_day first{sorted.front()};
    const date::year_month_day last{sorted.back()};
    if (sorted.size() == 1) return format_date(first, l);

    const bool consecutive = sorted.back() - sorted.front() == date::days{static_cast<int>(sorted.size()) - 1};
    if (consecutive) {
        if (first.year() == last.year() && first.month() == last.month()) {
            // German joins two neighbouring days with a slash ("27./28."), longer runs with a dash.
            auto joint = l == lang::de && sorted.size() == 2 ? std::string{"/"} : std::string{en_dash};
            return day_part(first, l) + joint + format_date(last, l);
        }
        auto from = first.year() == last.year() ? day_month(first, l) : format_date(first, l);
        return from + " " + std::string{en_dash} + " " + format_date(last, l);
    }

    // Days with gaps: each day by itself; month and year follow the last day they apply to.
    std::vector<std::string> items;
    items.reserve(sorted.size());
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        const date::year_month_day d{sorted[i]};
        const bool last_of_all = i + 1 == sorted.size();
        const date::year_month_day next = last_of_all ? d : date::year_month_day{sorted[i + 1]};
        const bool year_ends = last_of_all || next.year() != d.year();
        const bool month_ends = year_ends || next.month() != d.month();
        if (year_ends)
            items.push_back(format_date(d, l));
        else if (month_ends)
            items.push_back(day_month(d, l));
        else
            items.push_back(day_part(d, l));
    }
    return join_list(items, l);
}

std::string format_hours(clock_time start, clock_time end, lang l) {
    auto out = format_clock(start) + std::string{en_dash} + format_clock(end);
    if (l == lang::de) out += " Uhr";
    return out;
}

std::vector<std::string> schedule_lines(const std::vector<seminar_day>& days, lang l) {
    std::vector<std::string> lines;
    if (days.empty()) return lines;
    const bool same_hours = std::all_of(days.begin(), days.end(), [&](const seminar_day& d) {
        return d.start == days.front().start && d.end == days.front().end;
    });
    if (same_hours) {
        lines.push_back(format_day_range(days, l) + ", " + format_hours(days.front().start, days.front().end, l));
        return lines;
    }
    auto sorted = days;
    std::sort(sorted.begin(), sorted.end(), [](const seminar_day& a, const seminar_day& b) {
        return date::sys_days{a.day} < date::sys_days{b.day};
    });
    lines.reserve(sorted.size());
    for (const auto& d : sorted) lines.push_back(format_date(d.day, l) + ", " + format_hours(d.start, d.end, l));
    return lines;
}

std::string format_schedule(const std::vector<seminar_day>& days, lang l) {
    std::string out;
    for (const auto& line : schedule_lines(days, l)) {
        if (!out.empty()) out += "; ";
        out += line;
    }
    return out;
}

std::string format_price(std::optional<std::int64_t> cents, std::string_view currency, lang l) {
    if (!cents) return l == lang::de ? "Preis auf Anfrage" : "Price on request";
    const bool negative = *cents < 0;
    // Unsigned negation is defined for every value, INT64_MIN included.
    const auto magnitude =
        negative ? std::uint64_t{0} - static_cast<std::uint64_t>(*cents) : static_cast<std::uint64_t>(*cents);
    const auto minor = magnitude % 100;
    auto number = group_thousands(magnitude / 100, l == lang::de ? '.' : ',');
    number += l == lang::de ? ',' : '.';
    number += static_cast<char>('0' + minor / 10);
    number += static_cast<char>('0' + minor % 10);

    std::string out = negative ? "-" : "";
    const auto symbol = currency_symbol(currency);
    if (l == lang::de) {
        out += number;
        out += price_space;
        out += symbol.empty() ? currency : symbol;
    } else if (!symbol.empty()) {
        out += symbol;
        out += number;
    } else {
        out += currency;
        out += price_space;
        out += number;
    }
    return out;
}

std::string format_datetime(instant t, const date::time_zone& zone, lang l) {
    const auto local = zone.to_local(t);
    const auto local_day = date::floor<date::days>(local);
    const auto time_of_day = date::floor<std::chrono::minutes>(local - local_day);
    auto out = format_date(date::year_month_day{local_day}, l) + ", " + format_clock(time_of_day);
    if (l == lang::de) out += " Uhr";
    return out;
}

std::vector<std::string> billing_lines(const billing_address& b, lang l) {
    const bool de = l == lang::de;
    std::vector<std::string> out;
    auto add = [&out](std::string line) {
        if (!line.empty()) out.push_back(std::move(line));
    };
    add(b.company);
    add(b.street);
    add(b.postal_code.empty() ? b.city : b.city.empty() ? b.postal_code : b.postal_code + " " + b.city);
    if (!(de && b.country == "DE")) add(std::string{country_name(b.country, l)});
    if (!b.vat_id.empty()) add((de ? "USt-IdNr.: " : "VAT ID: ") + b.vat_id);
    if (!b.po_number.empty()) add((de ? "Bestellnummer: " : "PO number: ") + b.po_number);
    if (!b.email.empty()) add((de ? "Rechnung an: " : "Invoice to: ") + b.email);
    return out;
}

}  // namespace seminard::domain
