// Idempotent writes through the real routes: a repeat with the same key gets the first answer and changes nothing,
// whatever the route; keys are per caller, kept a day, and the database never holds a private link in the clear.
#include "app_under_test.hpp"

#include "domain/schedule.hpp"

#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>

#include <chrono>
#include <fstream>
#include <future>
#include <iterator>
#include <string>
#include <thread>

using nlohmann::json;
using seminard::server::header_list;
using seminard::testing::answer;
using seminard::testing::app_under_test;
using seminard::testing::form_key_of;

namespace {

json person(const std::string& email, const std::string& first_name = "Anna") {
    return {{"first_name", first_name}, {"last_name", "Muster"}, {"email", email}, {"privacy_consent", true}};
}

header_list with_key(const std::string& key, header_list headers = {}) {
    headers.emplace_back("Idempotency-Key", key);
    return headers;
}

header_list organiser_with_key(const std::string& key) { return with_key(key, app_under_test::organiser()); }

std::string registrations_of(std::int64_t date_id) {
    return "/api/v1/dates/" + std::to_string(date_id) + "/registrations";
}

/// How many registrations the date holds, in any status.
int registration_count(app_under_test& app, std::int64_t date_id) {
    auto list = app.get(registrations_of(date_id), app_under_test::organiser());
    REQUIRE(list.status == 200);
    return list.json().at("total").get<int>();
}

/// Status, every header and the body: what the client reads.
void require_same_answer(const answer& first, const answer& again) {
    REQUIRE(again.status == first.status);
    CHECK(again.headers == first.headers);
    CHECK(again.body == first.body);
}

int kept_rows(const app_under_test& app) {
    SQLite::Database db{app.db_path().string(), SQLite::OPEN_READONLY};
    return db.execAndGet("SELECT COUNT(*) FROM kept_answers").getInt();
}

/// Waits until no key is in hand any more: the last answer is in the database.
void wait_until_kept(const app_under_test& app) {
    for (int i = 0; i < 400 && app.routes().idempotency_guard()->in_hand() > 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds{5});
    REQUIRE(app.routes().idempotency_guard()->in_hand() == 0);
}

std::string file_bytes(const std::filesystem::path& p) {
    std::ifstream in{p, std::ios::binary};
    return {std::istreambuf_iterator<char>{in}, {}};
}

std::string form_body(std::int64_t date_id, const std::string& email, const std::string& key) {
    return "date_id=" + std::to_string(date_id) + "&first_name=Anna&last_name=Muster&email=" + email +
           "&privacy_consent=on&idempotency_key=" + key;
}

}  // namespace

TEST_CASE("a repeat with the same Idempotency-Key gets the first answer byte for byte and books nobody twice",
          "[handlers][idempotency]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("linkedin", 5, true);
    const auto path = registrations_of(date_id);
    auto first = app.post_json(path, person("anna@example.org"), with_key("booking-1"));
    REQUIRE(first.status == 201);
    REQUIRE(first.header("Location").find(first.json().at("token").get<std::string>()) != std::string_view::npos);

    require_same_answer(first, app.post_json(path, person("anna@example.org"), with_key("booking-1")));
    wait_until_kept(app);
    require_same_answer(first, app.post_json(path, person("anna@example.org"), with_key("booking-1")));
    CHECK(registration_count(app, date_id) == 1);
    // Without the key the same body is a second attempt, and the rule for duplicates answers it.
    auto unkeyed = app.post_json(path, person("anna@example.org"));
    CHECK(unkeyed.status == 409);
    CHECK(unkeyed.json().at("error") == "already_registered");
}

TEST_CASE("the same key with another body is 422 idempotency_key_reused and changes nothing",
          "[handlers][idempotency]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("linkedin", 5, true);
    const auto path = registrations_of(date_id);
    REQUIRE(app.post_json(path, person("anna@example.org"), with_key("k")).status == 201);
    for (int round = 0; round < 2; ++round) {  // from memory, then from the database
        if (round == 1) wait_until_kept(app);
        auto other = app.post_json(path, person("ben@example.org"), with_key("k"));
        CHECK(other.status == 422);
        CHECK(other.json().at("error") == "idempotency_key_reused");
        // Another path or query with the same key and body is another request too.
        auto elsewhere = app.post_json(path + "?lang=en", person("anna@example.org"), with_key("k"));
        CHECK(elsewhere.status == 422);
        CHECK(elsewhere.json().at("message") ==
              "This Idempotency-Key belongs to a different request. Please use a new one.");
    }
    CHECK(registration_count(app, date_id) == 1);
}

TEST_CASE("a key must be 1 to 255 printable ASCII characters", "[handlers][idempotency]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("linkedin", 5, true);
    const auto path = registrations_of(date_id);
    for (const std::string& bad :
         {std::string{}, std::string(256, 'k'), std::string{"schlüssel"}, std::string{"a\tb"}}) {
        INFO(bad);
        auto r = app.post_json(path, person("anna@example.org"), with_key(bad));
        CHECK(r.status == 400);
        CHECK(r.json().at("error") == "invalid_idempotency_key");
    }
    CHECK(registration_count(app, date_id) == 0);
    CHECK(app.post_json(path, person("anna@example.org"), with_key(std::string(255, '~'))).status == 201);
}

TEST_CASE("pretix's X-Idempotency-Key works alike, and Idempotency-Key wins when both are sent",
          "[handlers][idempotency]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("linkedin", 5, true);
    const auto path = registrations_of(date_id);
    auto first = app.post_json(path, person("anna@example.org"), {{"X-Idempotency-Key", "pretix-1"}});
    REQUIRE(first.status == 201);
    require_same_answer(first, app.post_json(path, person("anna@example.org"), {{"X-Idempotency-Key", "pretix-1"}}));
    // The same key under the standard name is the same key.
    require_same_answer(first, app.post_json(path, person("anna@example.org"), {{"Idempotency-Key", "pretix-1"}}));
    require_same_answer(
        first,
        app.post_json(
            path, person("anna@example.org"), {{"X-Idempotency-Key", "other"}, {"Idempotency-Key", "pretix-1"}}));
    // Here the standard header names a new key: the request runs (and meets the duplicate rule).
    auto fresh = app.post_json(
        path, person("anna@example.org"), {{"X-Idempotency-Key", "pretix-1"}, {"Idempotency-Key", "fresh"}});
    CHECK(fresh.status == 409);
    CHECK(fresh.json().at("error") == "already_registered");
    CHECK(registration_count(app, date_id) == 1);
}

TEST_CASE("keys are per caller: another client address and the organiser have keys of their own",
          "[handlers][idempotency]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("linkedin", 5, true);
    const auto path = registrations_of(date_id);
    auto request = [&](const std::string& address, const json& body, header_list headers) {
        headers.emplace_back("Content-Type", "application/json");
        return app.request("POST", path, std::move(headers), body.dump(), address);
    };
    auto anna = request("192.0.2.1", person("anna@example.org"), with_key("shared"));
    REQUIRE(anna.status == 201);
    auto ben = request("192.0.2.2", person("ben@example.org"), with_key("shared"));
    REQUIRE(ben.status == 201);
    CHECK(ben.json().at("code") != anna.json().at("code"));
    // The organiser, from the first client's address, with the same key: yet another caller.
    auto seminar =
        app.request("POST",
                    "/api/v1/seminars",
                    with_key("shared", {{"Content-Type", "application/json"}, app_under_test::organiser()[0]}),
                    json{{"slug", "excel"},
                         {"title", "Excel"},
                         {"organizer_name", "Muster GmbH"},
                         {"organizer_email", "seminare@example.org"}}
                        .dump(),
                    "192.0.2.1");
    CHECK(seminar.status == 201);
    // Each caller's key still means its own request.
    CHECK(request("192.0.2.1", person("ben@example.org"), with_key("shared")).status == 422);
    require_same_answer(anna, request("192.0.2.1", person("anna@example.org"), with_key("shared")));
    require_same_answer(ben, request("192.0.2.2", person("ben@example.org"), with_key("shared")));
    CHECK(registration_count(app, date_id) == 2);
}

TEST_CASE("the organiser's keys follow the organiser, not the address", "[handlers][idempotency]") {
    app_under_test app;
    const auto body = json{{"slug", "excel"},
                           {"title", "Excel"},
                           {"organizer_name", "Muster GmbH"},
                           {"organizer_email", "seminare@example.org"}}
                          .dump();
    auto headers = organiser_with_key("create-excel");
    headers.emplace_back("Content-Type", "application/json");
    auto first = app.request("POST", "/api/v1/seminars", headers, body, "198.51.100.1");
    REQUIRE(first.status == 201);
    // From the office's other line: the same organiser, the same key, so the same answer instead of 409 slug_taken.
    require_same_answer(first, app.request("POST", "/api/v1/seminars", headers, body, "198.51.100.2"));
    // A caller who is not the organiser learns nothing about the organiser's keys.
    auto anonymous = app.request(
        "POST", "/api/v1/seminars", {{"Idempotency-Key", "create-excel"}, {"Content-Type", "application/json"}}, body);
    CHECK(anonymous.status == 401);
}

TEST_CASE("a 422 with field problems is kept and replayed", "[handlers][idempotency]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("linkedin", 5, true);
    const auto path = registrations_of(date_id);
    const json bad{{"first_name", ""}, {"last_name", "Muster"}, {"email", "anna@"}, {"privacy_consent", true}};
    auto first = app.post_json(path, bad, with_key("typo"));
    REQUIRE(first.status == 422);
    CHECK(first.json().at("error") == "invalid_fields");
    wait_until_kept(app);
    CHECK(kept_rows(app) == 1);
    require_same_answer(first, app.post_json(path, bad, with_key("typo")));
    CHECK(registration_count(app, date_id) == 0);
}

TEST_CASE("a 409 full is kept: the repeat hears full even after a seat came free", "[handlers][idempotency]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("linkedin", 1, false);
    const auto path = registrations_of(date_id);
    auto anna = app.post_json(path, person("anna@example.org"));
    REQUIRE(anna.status == 201);
    auto full = app.post_json(path, person("ben@example.org"), with_key("ben-1"));
    REQUIRE(full.status == 409);
    CHECK(full.json().at("error") == "full");
    REQUIRE(app.request("DELETE", "/api/v1/registrations/" + anna.json().at("token").get<std::string>()).status == 200);
    wait_until_kept(app);
    require_same_answer(full, app.post_json(path, person("ben@example.org"), with_key("ben-1")));
    // A new key is a new attempt, which finds the free seat.
    CHECK(app.post_json(path, person("ben@example.org"), with_key("ben-2")).status == 201);
}

TEST_CASE("a 429 is not kept: nothing is stored and the key is free again", "[handlers][idempotency]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("linkedin", 5, true);
    const auto path = registrations_of(date_id);
    // Use up the address's burst with bodies that are refused anyway.
    answer limited;
    for (int i = 0; i < 50 && limited.status != 429; ++i)
        limited = app.post_json(path, json{{"first_name", "x"}}, with_key("limited-" + std::to_string(i)));
    REQUIRE(limited.status == 429);
    wait_until_kept(app);
    const int kept_before = kept_rows(app);  // the 422s before the limit
    auto again = app.post_json(path, person("anna@example.org"), with_key("after-limit"));
    REQUIRE(again.status == 429);
    CHECK(again.json().at("error") == "too_many_requests");
    wait_until_kept(app);
    CHECK(kept_rows(app) == kept_before);
}

TEST_CASE("kept answers are honoured for 24 hours by the server's clock, then the key counts as new",
          "[handlers][idempotency][clock]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("linkedin", 5, true);
    const auto path = registrations_of(date_id);
    const auto start = *seminard::domain::parse_iso8601("2026-12-02T10:00:00+01:00");
    app.set_now(start);
    auto first = app.post_json(path, person("anna@example.org"), with_key("day-1"));
    REQUIRE(first.status == 201);
    wait_until_kept(app);
    app.set_now(start + std::chrono::hours{24});
    require_same_answer(first, app.post_json(path, person("anna@example.org"), with_key("day-1")));
    app.set_now(start + std::chrono::hours{24} + std::chrono::seconds{1});
    auto later = app.post_json(path, person("anna@example.org"), with_key("day-1"));
    CHECK(later.status == 409);
    CHECK(later.json().at("error") == "already_registered");
    CHECK(registration_count(app, date_id) == 1);
}

TEST_CASE("a PATCH with a key is applied once: renaming a slug twice answers the first 200 again",
          "[handlers][idempotency]") {
    app_under_test app;
    app.seminar_with_date("linkedin", 5, true);
    const json rename{{"slug", "linkedin-2027"}};
    auto first = app.patch_json("/api/v1/seminars/linkedin", rename, organiser_with_key("rename"));
    REQUIRE(first.status == 200);
    require_same_answer(first, app.patch_json("/api/v1/seminars/linkedin", rename, organiser_with_key("rename")));
    // Without the key the old slug is gone.
    CHECK(app.patch_json("/api/v1/seminars/linkedin", rename, app_under_test::organiser()).status == 404);
}

TEST_CASE("cancelling twice with one key gives the same 200 instead of 409 already_cancelled",
          "[handlers][idempotency]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("linkedin", 5, true);
    const auto path = registrations_of(date_id);
    auto anna = app.post_json(path, person("anna@example.org"));
    auto ben = app.post_json(path, person("ben@example.org"));
    REQUIRE(anna.status == 201);
    REQUIRE(ben.status == 201);

    SECTION("the attendee's DELETE") {
        const auto target = "/api/v1/registrations/" + anna.json().at("token").get<std::string>();
        auto first = app.request("DELETE", target, with_key("cancel-1"));
        REQUIRE(first.status == 200);
        CHECK(first.json().at("status") == "cancelled");
        require_same_answer(first, app.request("DELETE", target, with_key("cancel-1")));
        wait_until_kept(app);
        require_same_answer(first, app.request("DELETE", target, with_key("cancel-1")));
        CHECK(app.request("DELETE", target).status == 409);
    }
    SECTION("the organiser's cancel") {
        const auto target = "/api/v1/registrations/" + ben.json().at("code").get<std::string>() + "/cancel";
        auto first = app.request("POST", target, organiser_with_key("cancel-ben"));
        REQUIRE(first.status == 200);
        wait_until_kept(app);
        require_same_answer(first, app.request("POST", target, organiser_with_key("cancel-ben")));
        auto unkeyed = app.request("POST", target, app_under_test::organiser());
        CHECK(unkeyed.status == 409);
        CHECK(unkeyed.json().at("error") == "already_cancelled");
    }
}

TEST_CASE("each view of the seminar page has a form key of its own, and a double submit gets the first 303",
          "[handlers][idempotency][pages]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("linkedin", 5, true);
    auto page = app.get("/seminars/linkedin");
    REQUIRE(page.status == 200);
    const auto key = form_key_of(page.body);
    CHECK(key.size() == 22);
    // The second view comes from the answer cache, with a new key in it.
    auto again = app.get("/seminars/linkedin");
    CHECK(form_key_of(again.body).size() == 22);
    CHECK(form_key_of(again.body) != key);
    CHECK(again.body.find("form-key-placeholder") == std::string::npos);

    const header_list browser{{"Accept", "text/html"}};
    auto first = app.post_form("/seminars/linkedin", form_body(date_id, "anna%40example.org", key), browser);
    REQUIRE(first.status == 303);
    require_same_answer(first,
                        app.post_form("/seminars/linkedin", form_body(date_id, "anna%40example.org", key), browser));
    wait_until_kept(app);
    // A reload of the answer's request after a timeout: still the first confirmation page, not "already registered".
    require_same_answer(first,
                        app.post_form("/seminars/linkedin", form_body(date_id, "anna%40example.org", key), browser));
    CHECK(registration_count(app, date_id) == 1);

    // Back to the page and changed fields, same page, same key: a new submission, not a 422 for a person to puzzle
    // over.
    auto colleague = app.post_form("/seminars/linkedin", form_body(date_id, "ben%40example.org", key), browser);
    REQUIRE(colleague.status == 303);
    CHECK(colleague.header("Location") != first.header("Location"));
    CHECK(registration_count(app, date_id) == 2);
    // The first answer stays the key's answer.
    require_same_answer(first,
                        app.post_form("/seminars/linkedin", form_body(date_id, "anna%40example.org", key), browser));
}

TEST_CASE("a form posted to the API carries its key in the field, a JSON body must use the header",
          "[handlers][idempotency]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("linkedin", 5, true);
    const auto path = registrations_of(date_id);
    auto first = app.post_form(path, form_body(date_id, "anna%40example.org", "form-key-1"));
    REQUIRE(first.status == 201);
    require_same_answer(first, app.post_form(path, form_body(date_id, "anna%40example.org", "form-key-1")));
    // The header wins over the field.
    auto header_key =
        app.post_form(path, form_body(date_id, "anna%40example.org", "form-key-1"), with_key("header-key"));
    CHECK(header_key.status == 409);
    CHECK(header_key.json().at("error") == "already_registered");
    auto in_json = person("ben@example.org");
    in_json["idempotency_key"] = "json-key";
    auto refused = app.post_json(path, in_json);
    REQUIRE(refused.status == 422);
    CHECK(refused.json().at("fields").at("idempotency_key").at("code") == "not_allowed");
    CHECK(registration_count(app, date_id) == 1);
}

TEST_CASE("a form shown again after a mistake carries a new key, so that the corrected one goes through",
          "[handlers][idempotency][pages]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("linkedin", 5, true);
    const header_list browser{{"Accept", "text/html"}};
    const auto key = form_key_of(app.get("/seminars/linkedin").body);
    auto mistake = app.post_form("/seminars/linkedin", form_body(date_id, "anna%40", key), browser);
    REQUIRE(mistake.status == 422);
    const auto next = form_key_of(mistake.body);
    CHECK(next.size() == 22);
    CHECK(next != key);
    auto corrected = app.post_form("/seminars/linkedin", form_body(date_id, "anna%40example.org", next), browser);
    CHECK(corrected.status == 303);
    CHECK(registration_count(app, date_id) == 1);
}

TEST_CASE("a repeat while the first is still in progress is 409 with Retry-After, and a 503 is not kept",
          "[handlers][idempotency]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("linkedin", 5, true);
    const auto path = registrations_of(date_id);
    const auto body = person("anna@example.org").dump();
    seminard::server::http_request req;
    req.method = "POST";
    req.target = req.path = path;
    req.headers = {{"Content-Type", "application/json"}, {"Idempotency-Key", "slow"}};
    req.body = body;
    req.remote_address = "192.0.2.10";
    {
        // Another process holds the write lock: the first request waits for it, and fails.
        SQLite::Database other{app.db_path().string(), SQLite::OPEN_READWRITE};
        other.exec("BEGIN IMMEDIATE");
        std::promise<seminard::server::http_response> first;
        auto answered = first.get_future();
        auto ex = std::make_shared<seminard::server::exchange>(
            req, [&first](seminard::server::http_response res) { first.set_value(std::move(res)); });
        app.routes().dispatch(ex);
        ex.reset();

        auto repeat = app.post_json(path, person("anna@example.org"), with_key("slow"));
        CHECK(repeat.status == 409);
        CHECK(repeat.json().at("error") == "request_in_progress");
        CHECK(repeat.header("Retry-After") == "1");
        // Another body under the key in hand is refused as well.
        CHECK(app.post_json(path, person("ben@example.org"), with_key("slow")).status == 422);

        REQUIRE(answered.wait_for(std::chrono::seconds{20}) == std::future_status::ready);
        CHECK(answered.get().status == 503);
        other.exec("ROLLBACK");
    }
    wait_until_kept(app);
    CHECK(kept_rows(app) == 0);
    // The 503 changed nothing and was not kept: the repeat runs now.
    auto retried = app.post_json(path, person("anna@example.org"), with_key("slow"));
    CHECK(retried.status == 201);
    CHECK(registration_count(app, date_id) == 1);
}

TEST_CASE("the database files never hold a private token that an idempotent answer carries",
          "[handlers][idempotency][privacy]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("linkedin", 5, true);
    auto api = app.post_json(registrations_of(date_id), person("anna@example.org"), with_key("sealed-json"));
    REQUIRE(api.status == 201);
    const auto api_token = api.json().at("token").get<std::string>();
    auto form = app.post_form(
        "/seminars/linkedin", form_body(date_id, "ben%40example.org", "sealed-form"), {{"Accept", "text/html"}});
    REQUIRE(form.status == 303);
    const std::string location{form.header("Location")};
    const auto form_token = location.substr(location.rfind('/') + 1);
    REQUIRE(form_token.size() == 28);
    wait_until_kept(app);
    REQUIRE(kept_rows(app) == 2);
    // The kept answers do hold the tokens: replayed, they give them back.
    require_same_answer(api,
                        app.post_json(registrations_of(date_id), person("anna@example.org"), with_key("sealed-json")));
    require_same_answer(
        form,
        app.post_form(
            "/seminars/linkedin", form_body(date_id, "ben%40example.org", "sealed-form"), {{"Accept", "text/html"}}));
    for (const auto& entry : std::filesystem::directory_iterator(app.db_path().parent_path())) {
        INFO(entry.path());
        const auto bytes = file_bytes(entry.path());
        CHECK(bytes.find(api_token) == std::string::npos);
        CHECK(bytes.find(form_token) == std::string::npos);
    }
}

TEST_CASE("a company booking with a key books its colleagues once, and the booking form carries a key of its own",
          "[handlers][idempotency][company-bookings]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("team", 10, false);
    SECTION("the API") {
        const json booking{{"booker",
                            {{"first_name", "Bernd"},
                             {"last_name", "Bucher"},
                             {"email", "einkauf@beispiel.de"},
                             {"company", "Beispiel GmbH"}}},
                           {"attendees",
                            {{{"first_name", "Anna"}, {"last_name", "Muster"}, {"email", "anna@beispiel.de"}},
                             {{"first_name", "Ben"}, {"last_name", "Muster"}, {"email", "ben@beispiel.de"}}}},
                           {"privacy_consent", true},
                           {"if_not_all_fit", "refuse"}};
        const auto path = "/api/v1/dates/" + std::to_string(date_id) + "/bookings";
        auto first = app.post_json(path, booking, with_key("booking-1"));
        REQUIRE(first.status == 201);
        require_same_answer(first, app.post_json(path, booking, with_key("booking-1")));
        CHECK(registration_count(app, date_id) == 2);
        // In JSON the key goes in the header; a field of that name is refused like any unknown one.
        auto in_json = booking;
        in_json["idempotency_key"] = "booking-2";
        auto refused = app.post_json(path, in_json);
        REQUIRE(refused.status == 422);
        CHECK(refused.json().at("fields").at("idempotency_key").at("code") == "not_allowed");
    }
    SECTION("the form: adding a row is an answer of its own, the booking then goes through once") {
        const header_list browser{{"Accept", "text/html"}};
        const auto key = form_key_of(app.get("/seminars/team/firmenbuchung").body);
        REQUIRE(key.size() == 22);
        const std::string filled = "date_id=" + std::to_string(date_id) +
                                   "&booker%5Bfirst_name%5D=Bernd&booker%5Blast_name%5D=Bucher"
                                   "&booker%5Bemail%5D=einkauf%40beispiel.de&booker%5Bcompany%5D=Beispiel+GmbH"
                                   "&attendees%5B0%5D%5Bfirst_name%5D=Anna&attendees%5B0%5D%5Blast_name%5D=Muster"
                                   "&attendees%5B0%5D%5Bemail%5D=anna%40beispiel.de&rows=1&privacy_consent=on";
        auto more =
            app.post_form("/seminars/team/firmenbuchung", filled + "&action=add&idempotency_key=" + key, browser);
        REQUIRE(more.status == 200);
        const auto next = form_key_of(more.body);
        REQUIRE(next.size() == 22);
        CHECK(next != key);
        auto done = app.post_form("/seminars/team/firmenbuchung", filled + "&idempotency_key=" + next, browser);
        REQUIRE(done.status == 303);
        require_same_answer(
            done, app.post_form("/seminars/team/firmenbuchung", filled + "&idempotency_key=" + next, browser));
        CHECK(registration_count(app, date_id) == 1);
    }
}
