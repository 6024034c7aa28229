// Tests of the answer builders: the one error format with each errc's status, JSON output, language negotiation;
// split_url, which answers and mails take the public URL apart with; and which header fields may be written.
#include "server/http/responses.hpp"
#include "server/web/urls.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace server = seminard::server;
namespace domain = seminard::domain;
using domain::errc;
using domain::lang;
using nlohmann::json;

namespace {

server::http_request with(std::string query, std::string accept_language = {}) {
    server::http_request req;
    req.method = "GET";
    req.path = "/";
    req.query = std::move(query);
    req.target = req.query.empty() ? "/" : "/?" + req.query;
    if (!accept_language.empty()) req.headers.emplace_back("Accept-Language", std::move(accept_language));
    return req;
}

lang negotiate(std::string query, std::string accept_language = {}) {
    return server::negotiate_language(with(std::move(query), std::move(accept_language)));
}

struct expected_error {
    errc code;
    int status;
    const char* name;
};

}  // namespace

TEST_CASE("each domain error has its documented status and machine code", "[responses]") {
    const std::vector<expected_error> all{
        {errc::bad_request, 400, "bad_request"},
        {errc::invalid_fields, 422, "invalid_fields"},
        {errc::unauthorized, 401, "unauthorized"},
        {errc::forbidden, 403, "forbidden"},
        {errc::not_found, 404, "not_found"},
        {errc::method_not_allowed, 405, "method_not_allowed"},
        {errc::full, 409, "full"},
        {errc::already_registered, 409, "already_registered"},
        {errc::registration_closed, 409, "registration_closed"},
        {errc::already_cancelled, 409, "already_cancelled"},
        {errc::cancellation_closed, 409, "cancellation_closed"},
        {errc::slug_taken, 409, "slug_taken"},
        {errc::account_exists, 409, "account_exists"},
        {errc::capacity_below_confirmed, 409, "capacity_below_confirmed"},
        {errc::date_cancelled, 409, "date_cancelled"},
        {errc::request_in_progress, 409, "request_in_progress"},
        {errc::idempotency_key_reused, 422, "idempotency_key_reused"},
        {errc::invalid_idempotency_key, 400, "invalid_idempotency_key"},
        {errc::payload_too_large, 413, "payload_too_large"},
        {errc::unsupported_media_type, 415, "unsupported_media_type"},
        {errc::header_too_large, 431, "header_too_large"},
        {errc::unavailable, 503, "unavailable"},
        {errc::internal, 500, "internal"},
    };
    for (const auto& e : all) {
        INFO(e.name);
        const auto info = domain::describe(e.code);
        CHECK(info.http_status == e.status);
        CHECK(info.code == e.name);

        const auto de = server::error_response(e.code, lang::de);
        CHECK(de.status == e.status);
        CHECK(de.header("Content-Type") == "application/json; charset=utf-8");
        CHECK(de.header("Cache-Control") == "no-store");
        const auto body = json::parse(de.body);
        CHECK(body == json{{"error", e.name}, {"message", std::string{domain::message(e.code, lang::de)}}});
        CHECK_FALSE(body["message"].get<std::string>().empty());

        const auto en = server::error_response(e.code, lang::en);
        CHECK(en.status == e.status);
        const auto en_body = json::parse(en.body);
        CHECK(en_body["error"] == e.name);
        CHECK(en_body["message"] == std::string{domain::message(e.code, lang::en)});
        CHECK(en_body["message"] != body["message"]);
    }
}

TEST_CASE("error messages are German by default and English on request", "[responses]") {
    CHECK(json::parse(server::error_response(errc::full, lang::de).body)["message"] ==
          "Dieser Termin ist leider ausgebucht.");
    CHECK(json::parse(server::error_response(errc::full, lang::en).body)["message"] ==
          "Sorry, this date is fully booked.");
}

TEST_CASE("an invalid_fields error lists each field with its code and message", "[responses]") {
    domain::error e{errc::invalid_fields};
    e.fields = {{"email", domain::field_problem::invalid_email},
                {"privacy_consent", domain::field_problem::must_accept},
                {"days[0].start", domain::field_problem::required}};
    const auto res = server::error_response(e, lang::de);
    CHECK(res.status == 422);
    const auto body = json::parse(res.body);
    CHECK(body["error"] == "invalid_fields");
    CHECK(body["message"] == "Bitte prüfen Sie die markierten Angaben.");
    REQUIRE(body["fields"].size() == 3);
    CHECK(body["fields"]["email"] ==
          json{{"code", "invalid_email"}, {"message", "Bitte eine gültige E-Mail-Adresse angeben."}});
    CHECK(body["fields"]["days[0].start"] == json{{"code", "required"}, {"message", "Bitte ausfüllen."}});
    CHECK(body["fields"]["privacy_consent"]["code"] == "must_accept");

    const auto en = json::parse(server::error_response(e, lang::en).body);
    CHECK(en["fields"]["email"]["message"] == "Please enter a valid e-mail address.");
    CHECK(en["fields"]["days[0].start"]["message"] == "Required.");
}

TEST_CASE("the detail of an error is never shown to the client", "[responses]") {
    const auto res =
        server::error_response(domain::error{errc::internal, "SQLITE_CORRUPT at /var/secret.db"}, lang::en);
    CHECK(res.body.find("SQLITE") == std::string::npos);
    CHECK(res.body.find("secret") == std::string::npos);
}

TEST_CASE("json_response sets the type and replaces invalid UTF-8 instead of throwing", "[responses]") {
    auto res = server::json_response(201, json{{"a", 1}});
    CHECK(res.status == 201);
    CHECK(res.header("Content-Type") == "application/json; charset=utf-8");
    CHECK(res.body == R"({"a":1})");

    std::string bad = "ok\xff";
    server::http_response replaced;
    CHECK_NOTHROW(replaced = server::json_response(200, json{{"s", bad}}));
    CHECK(replaced.body == "{\"s\":\"ok\xEF\xBF\xBD\"}");  // U+FFFD, written as UTF-8
    CHECK(server::json_response(200, json{{"s", "München"}}).body == "{\"s\":\"München\"}");
}

TEST_CASE("German is the default language", "[responses][lang]") {
    CHECK(negotiate("") == lang::de);
    CHECK(negotiate("", "fr") == lang::de);
    CHECK(negotiate("", "fr-FR,fr;q=0.9") == lang::de);
    CHECK(negotiate("", "*") == lang::de);
    CHECK(negotiate("lang=fr") == lang::de);
}

TEST_CASE("the lang query parameter picks the language and wins over Accept-Language", "[responses][lang]") {
    CHECK(negotiate("lang=en") == lang::en);
    CHECK(negotiate("x=1&lang=en") == lang::en);
    CHECK(negotiate("lang=de", "en") == lang::de);
    CHECK(negotiate("lang=en", "de") == lang::en);
    CHECK(negotiate("lang=fr", "en") == lang::en);  // unknown value: the header decides
}

TEST_CASE("Accept-Language with q-values picks the best of German and English", "[responses][lang]") {
    CHECK(negotiate("", "en") == lang::en);
    CHECK(negotiate("", "EN-gb") == lang::en);
    CHECK(negotiate("", "en-US,en;q=0.9,de;q=0.8") == lang::en);
    CHECK(negotiate("", "de;q=0.9,en;q=0.8") == lang::de);
    CHECK(negotiate("", "de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7") == lang::de);
    CHECK(negotiate("", "fr-FR, fr;q=0.9, en;q=0.5") == lang::en);
    CHECK(negotiate("", "en;q=0.8, de") == lang::de);
    CHECK(negotiate("", "de;q=0.5,en;q=0.5") == lang::de);  // a tie goes to German
    CHECK(negotiate("", "en;q=0") == lang::de);             // q=0 means "not acceptable"
    CHECK(negotiate("", "de;q=0.1, en;q=0.2") == lang::en);
}

TEST_CASE("split_url gives the origin and the bare host of a public URL", "[http_types]") {
    using seminard::server::split_url;
    auto plain = split_url("https://seminare.example.org/anmeldung?x=1");
    CHECK(plain.origin == "https://seminare.example.org");
    CHECK(plain.host == "seminare.example.org");
    auto port = split_url("http://127.0.0.1:8080");
    CHECK(port.origin == "http://127.0.0.1:8080");
    CHECK(port.host == "127.0.0.1");
    auto v6 = split_url("http://[::1]:8080/");
    CHECK(v6.origin == "http://[::1]:8080");
    CHECK(v6.host == "::1");
    CHECK(split_url("seminare.example.org:443").host == "seminare.example.org");
}

TEST_CASE("only header fields that cannot break the response are written", "[http_types]") {
    using seminard::server::valid_header_field;
    using namespace std::string_literals;
    CHECK(valid_header_field("Content-Type", "text/calendar; charset=utf-8; method=PUBLISH"));
    CHECK(valid_header_field("Content-Disposition", "attachment; filename=\"kurs-2027-01-27.ics\""));
    CHECK(valid_header_field("X-Custom_1.0~!", ""));
    CHECK(valid_header_field("Location", "https://seminare.example.org/api/v1/registrations/abc-_DEF"));
    // A value that would end the field and start another (response splitting), or cut it short.
    CHECK_FALSE(valid_header_field("Location", "https://x/\r\nSet-Cookie: a=b"));
    CHECK_FALSE(valid_header_field("Location", "https://x/\nSet-Cookie: a=b"));
    CHECK_FALSE(valid_header_field("Location", "https://x/\r"));
    CHECK_FALSE(valid_header_field("Location", "a\0b"s));
    // A name must be a token: no separators, spaces, colons, controls or bytes above ASCII.
    CHECK_FALSE(valid_header_field("", "x"));
    CHECK_FALSE(valid_header_field("Bad Name", "x"));
    CHECK_FALSE(valid_header_field("Bad:Name", "x"));
    CHECK_FALSE(valid_header_field("Bad\r\nName", "x"));
    CHECK_FALSE(valid_header_field("Bad(Name)", "x"));
    CHECK_FALSE(
        valid_header_field("Gr\xc3\xb6\xc3\x9f"
                           "e",
                           "x"));
}
