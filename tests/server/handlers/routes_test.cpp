// The routes driven in-process: router and services on a temporary database, no socket, no child process.
#include "app_under_test.hpp"

#include "domain/schedule.hpp"

#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>

#include <chrono>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

using nlohmann::json;
using seminard::testing::answer;
using seminard::testing::app_under_test;

namespace {

json person(const std::string& email) {
    return {{"first_name", "Anna"}, {"last_name", "Muster"}, {"email", email}, {"privacy_consent", true}};
}

}  // namespace

TEST_CASE("a registration posted as JSON is confirmed and the organiser sees it in the list", "[handlers]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("linkedin", 2, false);
    const auto path = "/api/v1/dates/" + std::to_string(date_id) + "/registrations";

    auto r = app.post_json(path, person("anna@example.org"));
    REQUIRE(r.status == 201);
    const auto body = r.json();
    CHECK(body.at("status") == "confirmed");
    CHECK(r.header("Location") == "http://seminard.test/api/v1/registrations/" + body.at("token").get<std::string>());

    auto list = app.get(path, app_under_test::organiser());
    REQUIRE(list.status == 200);
    REQUIRE(list.json().at("items").size() == 1);
    CHECK(list.json().at("items").at(0).at("email") == "anna@example.org");
    CHECK(list.json().at("items").at(0).at("code") == body.at("code"));
}

TEST_CASE("the seats run out: then full, and nobody learns who is booked", "[handlers]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("linkedin", 1, false);
    const auto path = "/api/v1/dates/" + std::to_string(date_id) + "/registrations";
    REQUIRE(app.post_json(path, person("first@example.org")).status == 201);
    auto full = app.post_json(path, person("second@example.org"));
    CHECK(full.status == 409);
    CHECK(full.json().at("error") == "full");
}

TEST_CASE("every organiser route refuses a request without the token before it runs", "[handlers][access]") {
    app_under_test app;
    const auto date_id = std::to_string(app.seminar_with_date("linkedin", 5, true));
    const std::vector<std::tuple<std::string, std::string>> organiser_routes{
        {"POST", "/api/v1/seminars"},
        {"PATCH", "/api/v1/seminars/linkedin"},
        {"POST", "/api/v1/seminars/linkedin/dates"},
        {"PATCH", "/api/v1/dates/" + date_id},
        {"GET", "/api/v1/dates/" + date_id + "/registrations"},
        {"GET", "/api/v1/dates/" + date_id + "/registrations.csv"},
        {"GET", "/api/v1/seminars/linkedin/registrations.csv"},
        {"POST", "/api/v1/registrations/AAAA-AAAA/cancel"},
        {"GET", "/api/v1/outbox"},
        {"GET", "/api/v1/outbox/1"},
        {"GET", "/api/v1/outbox/1.eml"},
    };
    int client = 0;
    for (const auto& [method, target] : organiser_routes) {
        INFO(method << " " << target);
        // Each from its own address: wrong tokens from one address are throttled (tested below).
        const auto address = "192.0.2." + std::to_string(100 + ++client);
        auto none = app.request(method, target, {{"Content-Type", "application/json"}}, "{}", address);
        CHECK(none.status == 401);
        CHECK(none.header("WWW-Authenticate") == "Bearer realm=\"seminard\"");
        auto wrong = app.request(method,
                                 target,
                                 {{"Content-Type", "application/json"}, {"Authorization", "Bearer not-the-token"}},
                                 "{}",
                                 address);
        CHECK(wrong.status == 403);
    }
    // Nothing was changed by the refused PATCH and POSTs.
    auto s = app.get("/api/v1/seminars/linkedin");
    REQUIRE(s.status == 200);
    CHECK(s.json().at("dates").size() == 1);
    CHECK(s.json().at("dates").at(0).at("capacity") == 5);
}

TEST_CASE("an attendee route with something that cannot be a token is a 404 in the route's own format",
          "[handlers][access]") {
    app_under_test app;
    auto api = app.get("/api/v1/registrations/short");
    CHECK(api.status == 404);
    CHECK(api.json().at("error") == "not_found");
    CHECK(app.get("/api/v1/registrations/short/invite.ics").status == 404);
    CHECK(app.request("DELETE", "/api/v1/registrations/short").status == 404);
    auto page = app.get("/registrations/short");
    CHECK(page.status == 404);
    CHECK(page.header("Content-Type") == "text/html; charset=utf-8");
    CHECK(page.body.find("Seite nicht gefunden") != std::string::npos);
}

TEST_CASE("a browser's form POST is answered with 303 to the confirmation page", "[handlers][pages]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("linkedin", 5, true);
    auto r = app.post_form("/seminars/linkedin",
                           "date_id=" + std::to_string(date_id) +
                               "&first_name=Anna&last_name=Muster&email=anna%40example.org&privacy_consent=on",
                           {{"Accept", "text/html"}});
    REQUIRE(r.status == 303);
    const std::string location{r.header("Location")};
    REQUIRE(location.rfind("http://seminard.test/registrations/", 0) == 0);
    auto page = app.get(location.substr(std::string{"http://seminard.test"}.size()));
    CHECK(page.status == 200);
    CHECK(page.body.find("Ihre Anmeldung ist bestätigt") != std::string::npos);
    CHECK(page.header("Referrer-Policy") == "no-referrer");
}

TEST_CASE("the CSV export comes out of the handler as a stream", "[handlers][csv]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("linkedin", 5, true);
    const auto path = "/api/v1/dates/" + std::to_string(date_id);
    for (const auto* email : {"a@example.org", "b@example.org", "c@example.org"})
        REQUIRE(app.post_json(path + "/registrations", person(email)).status == 201);
    auto csv = app.get(path + "/registrations.csv?dialect=excel", app_under_test::organiser());
    REQUIRE(csv.status == 200);
    CHECK(csv.header("Content-Type") == "text/csv; charset=utf-8; header=present");
    CHECK(csv.body.rfind("\xEF\xBB\xBF"
                         "Code;Status;",
                         0) == 0);
    std::size_t lines = 0;
    for (char ch : csv.body) lines += ch == '\n';
    CHECK(lines == 4);
}

TEST_CASE("the clock the services are given decides what is open", "[handlers][clock]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("linkedin", 5, true);
    app.set_now(*seminard::domain::parse_iso8601("2027-01-27T09:00:00+01:00"));  // the first day begins
    auto late = app.post_json("/api/v1/dates/" + std::to_string(date_id) + "/registrations", person("a@example.org"));
    CHECK(late.status == 409);
    CHECK(late.json().at("error") == "registration_closed");
}

TEST_CASE("while another process holds the write lock, writes answer 503 and health says why until writes work again",
          "[handlers][health]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("linkedin", 5, true);
    const auto path = "/api/v1/dates/" + std::to_string(date_id) + "/registrations";
    REQUIRE(app.get("/healthz").status == 200);
    {
        SQLite::Database other{app.db_path().string(), SQLite::OPEN_READWRITE};
        other.exec("BEGIN IMMEDIATE");
        auto refused = app.post_json(path, person("a@example.org"));
        CHECK(refused.status == 503);
        CHECK(refused.json().at("error") == "unavailable");
        auto health = app.get("/healthz");
        CHECK(health.status == 503);
        CHECK(health.json().at("status") == "unavailable");
        CHECK(health.json().at("reason").get<std::string>().find("locked") != std::string::npos);
        other.exec("ROLLBACK");
    }
    // Nobody writes now: health finds out by itself (its probe) that writes work again.
    int status = 0;
    for (int i = 0; i < 100 && status != 200; ++i) {
        status = app.get("/healthz").status;
        if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
    CHECK(status == 200);
    CHECK(app.post_json(path, person("a@example.org")).status == 201);
}

TEST_CASE("guessing the organiser token is throttled per client address", "[handlers][access]") {
    app_under_test app;
    const seminard::server::header_list wrong{{"Authorization", "Bearer guess-0123456789abcdef"}};
    const std::string guesser = "198.51.100.66";
    for (int i = 0; i < 10; ++i) {
        INFO("guess " << i);
        CHECK(app.request("GET", "/api/v1/outbox", wrong, {}, guesser).status == 403);
    }
    auto throttled = app.request("GET", "/api/v1/outbox", wrong, {}, guesser);
    CHECK(throttled.status == 429);
    CHECK(throttled.json().at("error") == "too_many_attempts");
    CHECK(std::stoi(std::string{throttled.header("Retry-After")}) >= 1);
    // Not even the right token is looked at from there for a while: guessing gets no answer at all.
    CHECK(app.request("GET", "/api/v1/outbox", app_under_test::organiser(), {}, guesser).status == 429);
    // The organiser elsewhere is not locked out.
    CHECK(app.request("GET", "/api/v1/outbox", app_under_test::organiser(), {}, "203.0.113.5").status == 200);
    // Loopback is no exception: nobody local needs ten wrong tokens.
    for (int i = 0; i < 10; ++i) app.request("GET", "/api/v1/outbox", wrong, {}, "127.0.0.1");
    CHECK(app.request("GET", "/api/v1/outbox", wrong, {}, "127.0.0.1").status == 429);
    // Sending no token at all is no guess.
    for (int i = 0; i < 20; ++i) CHECK(app.request("GET", "/api/v1/outbox", {}, {}, "203.0.113.6").status == 401);
}

TEST_CASE("made-up ?date= values render the plain page and do not fill the answer cache", "[handlers][cache]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("linkedin", 5, true);
    const auto& cache = app.services().cache;
    // Every view has a form key of its own; the rest of the page is the same.
    auto without_form_key = [](std::string page) {
        const auto key = seminard::testing::form_key_of(page);
        REQUIRE_FALSE(key.empty());
        return page.replace(page.find(key), key.size(), "(key)");
    };
    auto plain = app.get("/seminars/linkedin");
    REQUIRE(plain.status == 200);
    const auto entries = cache.size();
    for (int n = 1; n <= 300; ++n) {
        auto r = app.get("/seminars/linkedin?date=" + std::to_string(date_id + n));
        REQUIRE(r.status == 200);
        // An unknown date preselects nothing beyond what the plain page does.
        CHECK(without_form_key(r.body) == without_form_key(plain.body));
    }
    CHECK(cache.size() == entries);
    // A known date is a page of its own, and cached as one.
    auto chosen = app.get("/seminars/linkedin?date=" + std::to_string(date_id));
    CHECK(chosen.status == 200);
    CHECK(cache.size() == entries + 1);
    CHECK(cache.bytes() < seminard::server::response_cache::max_bytes);
}

TEST_CASE("a date with an hour the clocks skip is refused with 422 and a message that says why", "[handlers][dst]") {
    app_under_test app;
    app.seminar_with_date("linkedin", 5, true);
    auto r = app.post_json("/api/v1/seminars/linkedin/dates",
                           {{"timezone", "Europe/Berlin"},
                            {"days", {{{"date", "2027-03-28"}, {"start", "02:30"}, {"end", "03:15"}}}},
                            {"capacity", 5}},
                           app_under_test::organiser());
    REQUIRE(r.status == 422);
    const auto field = r.json().at("fields").at("days[0].start");
    CHECK(field.at("code") == "invalid_value");
    CHECK(field.at("message") ==
          "Diese Uhrzeit gibt es an diesem Tag in dieser Zeitzone nicht (die Uhr wird umgestellt).");
}
