// Issue 4 over HTTP: the per-address rate limit of public registrations (429 with Retry-After, other routes
// untouched, loopback exempt by default) and CORS for the form on the organiser's site (preflight, allow-list).
#include "api.hpp"
#include "http_client.hpp"
#include "server_process.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace seminard::testing;

namespace {

const std::string site = "https://www.example.org";

std::string email(int i) { return "person" + std::to_string(i) + "@example.org"; }

/// No header of the answer says "*" for an origin, and none allows credentials.
void check_no_wildcard(const http_reply& r) {
    CHECK(r.header("Access-Control-Allow-Origin") != "*");
    CHECK_FALSE(r.has_header("Access-Control-Allow-Credentials"));
}

}  // namespace

TEST_CASE("registrations over the limit get 429 with Retry-After, and nothing else is limited") {
    // Two at once, then one every 30 s: the third POST in a row is refused.
    server_process server{with_args({"--rate-limit-loopback", "--rate-limit", "2/min", "--rate-burst", "2"})};
    http_client c{server.port()};
    const auto date = seminar_with_date(c, "rate-limit", 10, true);

    auto first = register_json(c, date, person(email(1)));
    REQUIRE(first.status == 201);
    REQUIRE(register_json(c, date, person(email(2))).status == 201);

    auto refused = register_json(c, date, person(email(3)));
    INFO(refused.body);
    REQUIRE(refused.status == 429);
    CHECK(refused.json().at("error") == "too_many_requests");
    CHECK(refused.json().at("message") ==
          "Zu viele Anmeldungen in kurzer Zeit. Bitte versuchen Sie es in Kürze noch einmal.");
    const auto retry = std::stoi(refused.header("Retry-After"));
    CHECK(retry >= 1);
    CHECK(retry <= 30);
    CHECK(refused.header("Retry-After") == std::to_string(retry));  // a bare integer

    auto english = register_json(c, date, person(email(4)), {{"Accept-Language", "en"}});
    CHECK(english.status == 429);
    CHECK(english.json().at("message") == "Too many submissions in a short time. Please try again shortly.");

    SECTION("a form POST is counted too") {
        auto form = c.request(
            "POST",
            registrations_path(date),
            form_encode(
                {{"first_name", "Erika"}, {"last_name", "Mustermann"}, {"email", email(5)}, {"privacy_consent", "on"}}),
            {{"Content-Type", "application/x-www-form-urlencoded"}});
        CHECK(form.status == 429);
    }
    SECTION("the refused submissions stored nothing") { CHECK(list_registrations(c, date).size() == 2); }
    SECTION("other routes answer as usual") {
        CHECK(c.get("/api/v1/seminars").status == 200);
        CHECK(c.get("/api/v1/dates/" + std::to_string(date)).status == 200);
        const auto token = first.json().at("token").get<std::string>();
        CHECK(c.get("/api/v1/registrations/" + token).status == 200);
        CHECK(c.get("/healthz").status == 200);
        create_seminar(c, "rate-limit-second");  // organiser writes are not limited
        CHECK(c.del("/api/v1/registrations/" + token).status == 200);
    }
}

TEST_CASE("loopback clients are not limited unless --rate-limit-loopback is given") {
    server_process server{with_args({"--rate-limit", "1/h", "--rate-burst", "1"})};
    http_client c{server.port()};
    const auto date = seminar_with_date(c, "loopback-exempt", 10, false);
    for (int i = 0; i < 5; ++i) {
        auto r = register_json(c, date, person(email(i)));
        INFO(r.body);
        CHECK(r.status == 201);
    }
}

TEST_CASE("a preflight from an allowed origin gets the allow headers, other origins a 403") {
    server_process server{with_args({"--cors-origin", site, "--cors-origin", "http://localhost:3000"})};
    http_client c{server.port()};
    const auto path = registrations_path(42);

    SECTION("allowed") {
        auto r = c.request("OPTIONS",
                           path,
                           {},
                           {{"Origin", site},
                            {"Access-Control-Request-Method", "POST"},
                            {"Access-Control-Request-Headers", "content-type"}});
        INFO(r.body);
        CHECK(r.status == 204);
        CHECK(r.header("Access-Control-Allow-Origin") == site);
        CHECK(r.header("Access-Control-Allow-Methods") == "POST");
        CHECK(r.header("Access-Control-Allow-Headers") ==
              "Content-Type, Accept-Language, Idempotency-Key, X-Idempotency-Key");
        CHECK(r.header("Access-Control-Max-Age") == "600");
        CHECK(r.header("Vary") == "Origin");
        CHECK(r.body.empty());
        check_no_wildcard(r);
    }
    SECTION("a header outside the list is not allowed") {
        auto r = c.request("OPTIONS",
                           path,
                           {},
                           {{"Origin", site},
                            {"Access-Control-Request-Method", "POST"},
                            {"Access-Control-Request-Headers", "content-type, authorization"}});
        CHECK(r.status == 204);
        CHECK(r.header("Access-Control-Allow-Origin") == site);
        CHECK_FALSE(r.has_header("Access-Control-Allow-Headers"));
    }
    SECTION("another origin") {
        auto r = c.request(
            "OPTIONS", path, {}, {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
        CHECK(r.status == 403);
        CHECK(r.json().at("error") == "forbidden");
        CHECK_FALSE(r.has_header("Access-Control-Allow-Origin"));
        CHECK_FALSE(r.has_header("Access-Control-Allow-Methods"));
        check_no_wildcard(r);
    }
    SECTION("an organiser route") {
        auto r = c.request(
            "OPTIONS", "/api/v1/seminars/x/dates", {}, {{"Origin", site}, {"Access-Control-Request-Method", "POST"}});
        CHECK(r.status == 403);
        CHECK_FALSE(r.has_header("Access-Control-Allow-Origin"));
    }
    SECTION("OPTIONS without Origin is 204 with Allow") {
        auto r = c.request("OPTIONS", path);
        CHECK(r.status == 204);
        CHECK(r.header("Allow") == "POST, GET, HEAD, OPTIONS");
        CHECK_FALSE(r.has_header("Access-Control-Allow-Origin"));
    }
    SECTION("an unknown path is still 404") {
        auto r =
            c.request("OPTIONS", "/api/v1/nowhere", {}, {{"Origin", site}, {"Access-Control-Request-Method", "GET"}});
        CHECK(r.status == 404);
    }
}

TEST_CASE("answers of the public API name an allowed origin and vary on Origin while others get no CORS headers") {
    server_process server{
        with_args({"--cors-origin", site, "--rate-limit-loopback", "--rate-limit", "1/h", "--rate-burst", "1"})};
    http_client c{server.port()};
    const auto date = seminar_with_date(c, "cors-answers", 10, true);

    auto ok = register_json(c, date, person(email(1)), {{"Origin", site}});
    INFO(ok.body);
    REQUIRE(ok.status == 201);
    CHECK(ok.header("Access-Control-Allow-Origin") == site);
    CHECK(ok.header("Access-Control-Expose-Headers") == "Location, Retry-After");
    CHECK(ok.header("Vary") == "Origin");
    check_no_wildcard(ok);

    // The page on the organiser's site can read when to try again.
    auto limited = register_json(c, date, person(email(2)), {{"Origin", site}});
    CHECK(limited.status == 429);
    CHECK(limited.header("Access-Control-Allow-Origin") == site);
    CHECK(limited.has_header("Retry-After"));

    auto foreign = c.get("/api/v1/seminars", {{"Origin", "https://evil.example"}});
    CHECK(foreign.status == 200);
    CHECK_FALSE(foreign.has_header("Access-Control-Allow-Origin"));
    CHECK(foreign.header("Vary") == "Origin");
    check_no_wildcard(foreign);

    auto injected = c.get("/api/v1/seminars", {{"Origin", site + ".evil.example"}});
    CHECK_FALSE(injected.has_header("Access-Control-Allow-Origin"));

    auto plain = c.get("/api/v1/seminars");
    CHECK_FALSE(plain.has_header("Access-Control-Allow-Origin"));
    CHECK(plain.header("Vary") == "Origin");

    auto head = c.request("HEAD", "/api/v1/seminars", {}, {{"Origin", site}});
    CHECK(head.status == 200);
    CHECK(head.header("Access-Control-Allow-Origin") == site);

    auto organiser_list =
        c.get("/api/v1/dates/" + std::to_string(date) + "/registrations", {{"Origin", site}, organiser().front()});
    CHECK(organiser_list.status == 200);
    CHECK_FALSE(organiser_list.has_header("Access-Control-Allow-Origin"));
    CHECK_FALSE(organiser_list.has_header("Vary"));

    auto page = c.get("/healthz", {{"Origin", site}});
    CHECK_FALSE(page.has_header("Access-Control-Allow-Origin"));
}

TEST_CASE("a malformed --cors-origin or --rate-limit stops the server at start") {
    for (std::vector<std::string> args : {std::vector<std::string>{"--cors-origin", "https://www.example.org/"},
                                          {"--cors-origin", "*"},
                                          {"--rate-limit", "fast"}}) {
        INFO(args.back());
        CHECK_THROWS(server_process{with_args(args)});
    }
}
