// Tests for billing addresses: the seminar's mode, countries, postal codes and VAT ID formats.
#include "domain/billing.hpp"
#include <catch2/catch.hpp>

#include <string>

using namespace seminard::domain;

namespace {

billing_input munich() {
    billing_input b;
    b.company = "  Beispiel GmbH ";
    b.street = "Hauptstraße 1";
    b.postal_code = "80331";
    b.city = "München";
    return b;
}

field_problem problem(const result<std::optional<billing_address>>& r, const std::string& field) {
    REQUIRE_FALSE(r.ok());
    REQUIRE(r.err().code == errc::invalid_fields);
    const auto it = r.err().fields.find(field);
    REQUIRE(it != r.err().fields.end());
    return it->second;
}

}  // namespace

TEST_CASE("a seminar without billing takes none, and an empty form group is no address", "[billing]") {
    auto none = make_billing(std::nullopt, billing_mode::none);
    REQUIRE(none.ok());
    CHECK_FALSE(none->has_value());
    billing_input preselected;
    preselected.country = "DE";  // the form's select always sends a country
    CHECK(make_billing(preselected, billing_mode::none).ok());
    CHECK(problem(make_billing(munich(), billing_mode::none), "billing") == field_problem::not_allowed);
}

TEST_CASE("an optional address may be left out, but one begun must be whole", "[billing]") {
    billing_input preselected;
    preselected.country = "AT";
    auto empty = make_billing(preselected, billing_mode::optional);
    REQUIRE(empty.ok());
    CHECK_FALSE(empty->has_value());
    billing_input begun;
    begun.company = "Beispiel GmbH";
    auto r = make_billing(begun, billing_mode::optional);
    CHECK(problem(r, "billing.street") == field_problem::required);
    CHECK(problem(r, "billing.postal_code") == field_problem::required);
    CHECK(problem(r, "billing.city") == field_problem::required);
    CHECK(r.err().fields.count("billing.company") == 0);
}

TEST_CASE("a required address must be there, and comes out trimmed with Germany as its default", "[billing]") {
    CHECK(problem(make_billing(std::nullopt, billing_mode::required), "billing") == field_problem::required);
    CHECK(problem(make_billing(billing_input{}, billing_mode::required), "billing") == field_problem::required);
    auto in = munich();
    in.vat_id = "de 123.456-789";
    in.po_number = " PO-4711 ";
    auto r = make_billing(in, billing_mode::required);
    REQUIRE(r.ok());
    REQUIRE(r->has_value());
    const auto& b = **r;
    CHECK(b.company == "Beispiel GmbH");
    CHECK(b.country == "DE");
    CHECK(b.vat_id == "DE123456789");
    CHECK(b.po_number == "PO-4711");
}

TEST_CASE("country codes are ISO 3166-1 alpha-2, in any case", "[billing]") {
    auto in = munich();
    in.country = "at";
    in.postal_code = "1010";
    in.city = "Wien";
    auto r = make_billing(in, billing_mode::required);
    REQUIRE(r.ok());
    CHECK((*r)->country == "AT");
    in.country = "XX";
    CHECK(problem(make_billing(in, billing_mode::required), "billing.country") == field_problem::invalid_value);
    in.country = "Deutschland";
    CHECK(problem(make_billing(in, billing_mode::required), "billing.country") == field_problem::invalid_value);
    CHECK(known_country("DE"));
    CHECK(known_country("XK"));
    CHECK_FALSE(known_country("EU"));
    CHECK_FALSE(known_country("de"));
    CHECK(eu_member("GR"));
    CHECK_FALSE(eu_member("CH"));
    CHECK_FALSE(eu_member("GB"));
    CHECK(country_name("AT", lang::de) == "Österreich");
    CHECK(country_name("AT", lang::en) == "Austria");
    CHECK(country_name("KE", lang::de) == "KE");  // no name here: the code
}

TEST_CASE("postal codes follow the country's format where it is fixed", "[billing]") {
    auto in = munich();
    in.postal_code = "8033";
    CHECK(problem(make_billing(in, billing_mode::required), "billing.postal_code") == field_problem::invalid_format);
    in.postal_code = "80331";
    in.country = "CH";
    CHECK(problem(make_billing(in, billing_mode::required), "billing.postal_code") == field_problem::invalid_format);
    in.postal_code = "8001";
    CHECK(make_billing(in, billing_mode::required).ok());
    in.country = "GB";
    in.postal_code = "SW1A 1AA";
    CHECK(make_billing(in, billing_mode::required).ok());
    in.postal_code = "SW1A/1AA";
    CHECK(problem(make_billing(in, billing_mode::required), "billing.postal_code") == field_problem::invalid_format);
}

TEST_CASE("VAT IDs are checked per EU prefix and normalised", "[billing]") {
    for (const auto& [raw, normal] : std::initializer_list<std::pair<const char*, const char*>>{
             {"DE123456789", "DE123456789"},
             {"ATU12345678", "ATU12345678"},
             {"at u 1234 5678", "ATU12345678"},
             {"FR12345678901", "FR12345678901"},
             {"FRXX123456789", "FRXX123456789"},
             {"NL123456789B01", "NL123456789B01"},
             {"EL123456789", "EL123456789"},
             {"ESX1234567X", "ESX1234567X"},
             {"IE1234567WA", "IE1234567WA"},
             {"SE123456789001", "SE123456789001"},
             {"XIGD123", "XIGD123"},
             {"CHE-123.456.789", "CHE123456789"},  // outside the EU: any letters and digits
             {"GB123456789", "GB123456789"},
         }) {
        INFO(raw);
        const auto v = normalize_vat_id(raw);
        REQUIRE(v.has_value());
        CHECK(*v == normal);
    }
    for (const char* bad : {"DE12345678",
                            "DE1234567890",
                            "AT12345678",
                            "NL123456789A01",
                            "GR123456789",  // Greece's prefix is EL
                            "SE123456789012",
                            "123456789",
                            "DE12345678/9",
                            "DEÄ23456789",
                            "X",
                            "CH12345678901234567890"}) {
        INFO(bad);
        CHECK_FALSE(normalize_vat_id(bad).has_value());
    }
    auto in = munich();
    in.vat_id = "DE 12345678";
    CHECK(problem(make_billing(in, billing_mode::required), "billing.vat_id") == field_problem::invalid_format);
}

TEST_CASE("billing fields are checked for length, encoding and control characters", "[billing]") {
    auto in = munich();
    in.company = std::string(201, 'x');
    in.street = "Haupt\x01straße";
    in.city = "M\xc3";
    in.email = "rechnung@";
    auto r = make_billing(in, billing_mode::required);
    CHECK(problem(r, "billing.company") == field_problem::too_long);
    CHECK(problem(r, "billing.street") == field_problem::invalid_format);
    CHECK(problem(r, "billing.city") == field_problem::invalid_format);
    CHECK(problem(r, "billing.email") == field_problem::invalid_email);
}
