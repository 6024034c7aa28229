// Billing addresses (see billing.hpp).
#include "billing.hpp"

#include "field_checker.hpp"
#include "text.hpp"

#include <algorithm>
#include <array>

namespace seminard::domain {

namespace {

// The officially assigned ISO 3166-1 alpha-2 codes, and XK (Kosovo) as the EU and most registries use it.
constexpr std::string_view country_codes =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ "
    "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO "
    "FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE "
    "JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO "
    "MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW "
    "PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM "
    "TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW";

constexpr std::string_view eu_codes =
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK";

bool in_code_list(std::string_view list, std::string_view code) noexcept {
    if (code.size() != 2) return false;
    for (std::size_t i = 0; i + 2 <= list.size(); i += 3)
        if (list.substr(i, 2) == code) return true;
    return false;
}

struct country_def {
    std::string_view code, de, en;
};

// Names for the countries a German training business invoices most; others show their code.
constexpr std::array<country_def, 48> countries{{
    {"AD", "Andorra", "Andorra"},       {"AE", "Vereinigte Arabische Emirate", "United Arab Emirates"},
    {"AL", "Albanien", "Albania"},      {"AT", "Österreich", "Austria"},
    {"AU", "Australien", "Australia"},  {"BA", "Bosnien und Herzegowina", "Bosnia and Herzegovina"},
    {"BE", "Belgien", "Belgium"},       {"BG", "Bulgarien", "Bulgaria"},
    {"CA", "Kanada", "Canada"},         {"CH", "Schweiz", "Switzerland"},
    {"CN", "China", "China"},           {"CY", "Zypern", "Cyprus"},
    {"CZ", "Tschechien", "Czechia"},    {"DE", "Deutschland", "Germany"},
    {"DK", "Dänemark", "Denmark"},      {"EE", "Estland", "Estonia"},
    {"ES", "Spanien", "Spain"},         {"FI", "Finnland", "Finland"},
    {"FR", "Frankreich", "France"},     {"GB", "Vereinigtes Königreich", "United Kingdom"},
    {"GR", "Griechenland", "Greece"},   {"HR", "Kroatien", "Croatia"},
    {"HU", "Ungarn", "Hungary"},        {"IE", "Irland", "Ireland"},
    {"IL", "Israel", "Israel"},         {"IN", "Indien", "India"},
    {"IS", "Island", "Iceland"},        {"IT", "Italien", "Italy"},
    {"JP", "Japan", "Japan"},           {"LI", "Liechtenstein", "Liechtenstein"},
    {"LT", "Litauen", "Lithuania"},     {"LU", "Luxemburg", "Luxembourg"},
    {"LV", "Lettland", "Latvia"},       {"MC", "Monaco", "Monaco"},
    {"ME", "Montenegro", "Montenegro"}, {"MK", "Nordmazedonien", "North Macedonia"},
    {"MT", "Malta", "Malta"},           {"NL", "Niederlande", "Netherlands"},
    {"NO", "Norwegen", "Norway"},       {"PL", "Polen", "Poland"},
    {"PT", "Portugal", "Portugal"},     {"RO", "Rumänien", "Romania"},
    {"RS", "Serbien", "Serbia"},        {"SE", "Schweden", "Sweden"},
    {"SI", "Slowenien", "Slovenia"},    {"SK", "Slowakei", "Slovakia"},
    {"TR", "Türkei", "Türkiye"},        {"US", "Vereinigte Staaten", "United States"},
}};

// VIES formats after the prefix: d a digit, l a letter, x either, other characters literal; '|' separates
// alternatives.
struct vat_format {
    std::string_view prefix, patterns;
};
constexpr std::array<vat_format, 28> vat_formats{{
    {"AT", "Udddddddd"},
    {"BE", "0ddddddddd|1ddddddddd"},
    {"BG", "ddddddddd|dddddddddd"},
    {"CY", "ddddddddl"},
    {"CZ", "dddddddd|ddddddddd|dddddddddd"},
    {"DE", "ddddddddd"},
    {"DK", "dddddddd"},
    {"EE", "ddddddddd"},
    {"EL", "ddddddddd"},
    {"ES", "xdddddddx"},
    {"FI", "dddddddd"},
    {"FR", "xxddddddddd"},
    {"HR", "ddddddddddd"},
    {"HU", "dddddddd"},
    {"IE", "dddddddl|dddddddll|dxdddddl"},
    {"IT", "ddddddddddd"},
    {"LT", "ddddddddd|dddddddddddd"},
    {"LU", "dddddddd"},
    {"LV", "ddddddddddd"},
    {"MT", "dddddddd"},
    {"NL", "dddddddddBdd"},
    {"PL", "dddddddddd"},
    {"PT", "ddddddddd"},
    {"RO", "dd|ddd|dddd|ddddd|dddddd|ddddddd|dddddddd|ddddddddd|dddddddddd"},
    {"SE", "dddddddddd01"},
    {"SI", "dddddddd"},
    {"SK", "dddddddddd"},
    {"XI", "ddddddddd|dddddddddddd|GDddd|HAddd"},
}};

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_upper(char c) noexcept { return c >= 'A' && c <= 'Z'; }

bool matches(std::string_view pattern, std::string_view s) noexcept {
    if (pattern.size() != s.size()) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char p = pattern[i], c = s[i];
        const bool ok = p == 'd'   ? is_digit(c)
                        : p == 'l' ? is_upper(c)
                        : p == 'x' ? is_digit(c) || is_upper(c)
                                   : p == c;
        if (!ok) return false;
    }
    return true;
}

bool matches_any(std::string_view patterns, std::string_view s) noexcept {
    while (true) {
        const auto bar = patterns.find('|');
        if (matches(patterns.substr(0, bar), s)) return true;
        if (bar == std::string_view::npos) return false;
        patterns.remove_prefix(bar + 1);
    }
}

bool valid_postal_code(std::string_view country, std::string_view code) noexcept {
    auto digits = [&](std::size_t n) { return code.size() == n && std::all_of(code.begin(), code.end(), is_digit); };
    if (country == "DE") return digits(5);
    if (country == "AT" || country == "CH" || country == "LI") return digits(4);
    return std::all_of(code.begin(), code.end(), [](char c) {
        return is_digit(c) || is_upper(c) || (c >= 'a' && c <= 'z') || c == ' ' || c == '-';
    });
}

std::string ascii_upper(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return out;
}

}  // namespace

bool known_country(std::string_view code) noexcept { return in_code_list(country_codes, code); }

bool eu_member(std::string_view country) noexcept { return in_code_list(eu_codes, country); }

std::optional<std::string> normalize_vat_id(std::string_view raw) {
    std::string v;
    for (char c : raw) {
        if (c == ' ' || c == '.' || c == '-') continue;
        if (!is_digit(c) && !is_upper(c) && !(c >= 'a' && c <= 'z')) return std::nullopt;
        v += c;
    }
    v = ascii_upper(v);
    if (v.size() < 4 || v.size() > limits::billing_vat_id || !is_upper(v[0]) || !is_upper(v[1])) return std::nullopt;
    const auto prefix = std::string_view{v}.substr(0, 2);
    for (const auto& f : vat_formats)
        if (f.prefix == prefix) {
            if (!matches_any(f.patterns, std::string_view{v}.substr(2))) return std::nullopt;
            return v;
        }
    if (prefix == "GR") return std::nullopt;  // Greece's VAT IDs begin with EL
    return v;
}

std::string_view country_name(std::string_view code, lang l) noexcept {
    for (const auto& c : countries)
        if (c.code == code) return l == lang::en ? c.en : c.de;
    return code;
}

result<std::optional<billing_address>> make_billing(const std::optional<billing_input>& in, billing_mode mode) {
    field_checker c;
    const bool empty = !in || (trim(in->company).empty() && trim(in->street).empty() && trim(in->postal_code).empty() &&
                               trim(in->city).empty() && trim(in->vat_id).empty() && trim(in->po_number).empty() &&
                               trim(in->email).empty());
    if (mode == billing_mode::none) {
        // A form or client may send empty fields (or just a default country); anything filled in is refused.
        if (empty && (!in || trim(in->country).empty() || iequals(trim(in->country), "DE")))
            return std::optional<billing_address>{};
        c.add("billing", field_problem::not_allowed);
        return std::move(c).failure();
    }
    if (empty) {
        if (mode == billing_mode::optional) return std::optional<billing_address>{};
        c.add("billing", field_problem::required);
        return std::move(c).failure();
    }
    billing_address b;
    b.company = c.text("billing.company", in->company, limits::billing_company, true);
    b.street = c.text("billing.street", in->street, limits::billing_street, true);
    b.city = c.text("billing.city", in->city, limits::billing_city, true);
    b.po_number = c.text("billing.po_number", in->po_number, limits::billing_po_number, false);
    b.email = c.email("billing.email", in->email, false);
    const auto country = ascii_upper(trim(in->country));
    if (!country.empty()) {
        if (known_country(country))
            b.country = country;
        else
            c.add("billing.country", field_problem::invalid_value);
    }
    b.postal_code = c.text("billing.postal_code", in->postal_code, limits::billing_postal_code, true);
    if (!b.postal_code.empty() && !c.has("billing.postal_code") && !valid_postal_code(b.country, b.postal_code))
        c.add("billing.postal_code", field_problem::invalid_format);
    if (const auto raw = trim(in->vat_id); !raw.empty()) {
        if (auto vat = normalize_vat_id(raw))
            b.vat_id = std::move(*vat);
        else
            c.add("billing.vat_id", field_problem::invalid_format);
    }
    if (!c.ok()) return std::move(c).failure();
    return std::optional<billing_address>{std::move(b)};
}

}  // namespace seminard::domain
