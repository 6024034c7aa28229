// The attendee's pages and mails through the real seminard: the seminar page and its form (errors re-rendered with
// the values kept, 303 to the confirmation page), the two-step cancel, the outbox with its .eml files, and delivery
// to an SMTP server on 127.0.0.1 with a retry after a temporary refusal.
#include "api.hpp"
#include "http_client.hpp"
#include "server_process.hpp"
#include "smtp_sink.hpp"

#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>

#include <chrono>
#include <regex>
#include <string>
#include <thread>

using namespace seminard::testing;
using namespace std::chrono_literals;

namespace {

const std::string slug = "pages-und-mails";
const header_list browser_form{{"Content-Type", "application/x-www-form-urlencoded"},
                               {"Accept", "text/html,application/xhtml+xml,*/*;q=0.8"}};

std::string path_of(const std::string& url) {
    auto scheme = url.find("://");
    return url.substr(url.find('/', scheme + 3));
}

/// The seminar page's form, posted as a browser posts it.
http_reply post_page_form(http_client& c, const header_list& fields) {
    return c.request("POST", "/seminars/" + slug, form_encode(fields), browser_form);
}

/// A complete, valid form for `date_id` and `email` (last name `last_name`).
header_list valid_form(std::int64_t date_id, const std::string& email, const std::string& last_name = "Muster") {
    return {{"date_id", std::to_string(date_id)},
            {"first_name", "Erika"},
            {"last_name", last_name},
            {"email", email},
            {"privacy_consent", "on"}};
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

/// Polls the outbox until `pred(items)` holds or the time is up; returns the last list.
template <class Pred>
json wait_for_outbox(http_client& c, const std::string& query, Pred pred, std::chrono::milliseconds timeout = 15s) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    json items;
    do {
        auto r = c.get("/api/v1/outbox" + query, organiser());
        REQUIRE(r.status == 200);
        items = r.json().at("items");
        if (pred(items)) return items;
        std::this_thread::sleep_for(50ms);
    } while (std::chrono::steady_clock::now() < until);
    return items;
}

std::string token_of(const std::string& location) {
    std::smatch m;
    std::regex re{"/registrations/([A-Za-z0-9_-]{28})"};
    REQUIRE(std::regex_search(location, m, re));
    return m[1];
}

}  // namespace

TEST_CASE("the seminar page shows the dates in German and a form that works without JavaScript") {
    server_process server;
    http_client c{server.port()};
    const auto date_id = seminar_with_date(c, slug, 12, true);

    auto page = c.get("/seminars/" + slug);
    REQUIRE(page.status == 200);
    REQUIRE(page.header("Content-Type") == "text/html; charset=utf-8");
    REQUIRE(contains(page.header("Content-Security-Policy"), "default-src 'none'"));
    REQUIRE(contains(page.body, "<html lang=\"de\""));
    REQUIRE(contains(page.body, "Jetzt anmelden"));
    REQUIRE(contains(page.body, "value=\"" + std::to_string(date_id) + "\" required"));
    REQUIRE(contains(page.body, "09:00–17:00 Uhr"));

    auto en = c.get("/seminars/" + slug + "?lang=en");
    REQUIRE(en.status == 200);
    REQUIRE(contains(en.body, "<html lang=\"en\""));
    REQUIRE(contains(en.body, "Register now"));

    auto index = c.get("/");
    REQUIRE(index.status == 200);
    REQUIRE(contains(index.body, "/seminars/" + slug));

    auto missing = c.get("/seminars/gibt-es-nicht");
    REQUIRE(missing.status == 404);
    REQUIRE(missing.header("Content-Type") == "text/html; charset=utf-8");

    auto css = c.get("/static/seminard.css");
    REQUIRE(css.status == 200);
    REQUIRE(css.header("Content-Type") == "text/css; charset=utf-8");
    REQUIRE_FALSE(css.body.empty());
    auto again = c.get("/static/seminard.css", {{"If-None-Match", css.header("ETag")}});
    REQUIRE(again.status == 304);

    auto privacy = c.get("/datenschutz");
    REQUIRE(privacy.status == 200);
    REQUIRE(contains(privacy.body, "Was gespeichert wird"));
}

TEST_CASE("a form with mistakes comes back with the values kept and the errors next to the fields") {
    server_process server;
    http_client c{server.port()};
    const auto date_id = seminar_with_date(c, slug, 12, true);
    auto r = post_page_form(c,
                            {{"date_id", std::to_string(date_id)},
                             {"first_name", "<b>Jürgen</b>"},
                             {"last_name", ""},
                             {"email", "juergen@"},
                             {"company", "Müller & Söhne"}});
    INFO(r.body);
    REQUIRE(r.status == 422);
    REQUIRE(r.header("Content-Type") == "text/html; charset=utf-8");
    REQUIRE(contains(r.body, "role=\"alert\""));
    REQUIRE(contains(r.body, "aria-describedby=\"email-error\""));
    REQUIRE(contains(r.body, "id=\"last_name-error\""));
    REQUIRE(contains(r.body, "id=\"privacy_consent-error\""));
    REQUIRE(contains(r.body, "&lt;b&gt;Jürgen&lt;/b&gt;"));
    REQUIRE_FALSE(contains(r.body, "<b>Jürgen"));
    REQUIRE(contains(r.body, "Müller &amp; Söhne"));
    REQUIRE(list_registrations(c, date_id).empty());

    SECTION("without a date chosen") {
        auto no_date = post_page_form(c,
                                      {{"first_name", "Erika"},
                                       {"last_name", "Muster"},
                                       {"email", "erika@example.org"},
                                       {"privacy_consent", "on"}});
        REQUIRE(no_date.status == 422);
        REQUIRE(contains(no_date.body, "id=\"date_id-error\""));
    }
    SECTION("a date of another seminar is refused") {
        const auto other = seminar_with_date(c, "anderes-seminar", 5, false);
        auto wrong = post_page_form(c, valid_form(other, "erika@example.org"));
        REQUIRE(wrong.status == 422);
        REQUIRE(list_registrations(c, other).empty());
    }
    SECTION("a full date answers 409 on the page, values kept") {
        const auto tiny = create_date(c, slug, 1, false);
        REQUIRE(register_json(c, tiny, person("first@example.org")).status == 201);
        auto full = post_page_form(c, valid_form(tiny, "erika@example.org", "Zuspät"));
        REQUIRE(full.status == 409);
        REQUIRE(contains(full.body, "Zuspät"));
        REQUIRE(contains(full.body, "role=\"alert\""));
    }
}

TEST_CASE("registering on the page leads to the confirmation page, and cancelling takes two steps") {
    server_process server;
    http_client c{server.port()};
    const auto date_id = seminar_with_date(c, slug, 12, true);
    auto form = valid_form(date_id, "erika@example.org", "Mustermann");
    form.emplace_back("website", "");  // the honeypot, empty as people leave it
    auto r = post_page_form(c, form);
    INFO(r.body);
    REQUIRE(r.status == 303);
    const auto location = r.header("Location");
    const auto token = token_of(location);

    auto page = c.get(path_of(location));
    REQUIRE(page.status == 200);
    REQUIRE(page.header("Cache-Control") == "no-store");
    REQUIRE(page.header("Referrer-Policy") == "no-referrer");
    REQUIRE(contains(page.body, "bestätigt"));
    REQUIRE(contains(page.body, "/api/v1/invites/"));  // the calendar link has a read-only key of its own
    REQUIRE_FALSE(contains(page.body, token + "/invite.ics"));
    const auto code = list_registrations(c, date_id).at(0).at("code").get<std::string>();
    REQUIRE(contains(page.body, code));

    // Step one only asks.
    auto ask = c.request("POST", "/registrations/" + token + "/cancel", "", browser_form);
    REQUIRE(ask.status == 200);
    REQUIRE(contains(ask.body, "name=\"confirm\" value=\"yes\""));
    REQUIRE(list_registrations(c, date_id).at(0).at("status") == "confirmed");

    // Step two cancels and goes back to the page, which now says so.
    auto done =
        c.request("POST", "/registrations/" + token + "/cancel", form_encode({{"confirm", "yes"}}), browser_form);
    REQUIRE(done.status == 303);
    REQUIRE(path_of(done.header("Location")) == "/registrations/" + token);
    REQUIRE(list_registrations(c, date_id).at(0).at("status") == "cancelled");
    auto after = c.get("/registrations/" + token);
    REQUIRE(contains(after.body, "storniert"));

    auto unknown = c.get("/registrations/AAAAAAAAAAAAAAAAAAAAAA");
    REQUIRE(unknown.status == 404);
}

TEST_CASE("every change an attendee must hear about is in the outbox, as a complete .eml") {
    server_process server;
    http_client c{server.port()};
    const auto date_id = seminar_with_date(c, slug, 1, true);
    auto anna = register_json(c, date_id, person("anna@example.org", "Anna"), {{"Accept-Language", "en"}});
    REQUIRE(anna.status == 201);
    auto ben = register_json(c, date_id, person("ben@example.org", "Ben"));
    REQUIRE(ben.status == 201);
    REQUIRE(c.del("/api/v1/registrations/" + anna.json().at("token").get<std::string>()).status == 200);

    auto items = wait_for_outbox(c, "?date_id=" + std::to_string(date_id), [](const json& items) {
        if (items.size() < 4) return false;
        for (const auto& m : items)
            if (m.at("state") != "ready") return false;
        return true;
    });
    REQUIRE(items.size() == 4);
    CHECK(items[0].at("kind") == "registered");
    CHECK(items[0].at("language") == "en");
    CHECK(items[0].at("to") == "anna@example.org");
    CHECK(items[1].at("kind") == "registered");
    CHECK(items[1].at("registration_status") == "waitlisted");
    CHECK(items[2].at("kind") == "cancelled");
    CHECK(items[3].at("kind") == "promoted");
    CHECK(items[3].at("registration") == ben.json().at("code"));
    for (const auto& m : items) CHECK(m.at("state") == "ready");  // no SMTP server: kept for the organiser

    auto eml = c.get(path_of(items[3].at("links").at("message").get<std::string>()), organiser());
    REQUIRE(eml.status == 200);
    REQUIRE(eml.header("Content-Type") == "message/rfc822");
    REQUIRE(contains(eml.body, "MIME-Version: 1.0\r\n"));
    REQUIRE(contains(eml.body, "text/calendar"));
    REQUIRE(contains(eml.body, "To: "));

    // The private link is only in the first mail to each attendee.
    auto first = c.get(path_of(items[0].at("links").at("message").get<std::string>()), organiser());
    REQUIRE(first.status == 200);
    REQUIRE(contains(first.body, "Content-Language: en"));

    CHECK(c.get("/api/v1/outbox").status == 401);
    CHECK(c.get("/api/v1/outbox/999999.eml", organiser()).status == 404);
    CHECK(c.get("/api/v1/outbox?state=lost", organiser()).status == 422);
}

TEST_CASE("with --smtp the mails are delivered, and a temporary refusal is retried") {
    seminard::test::smtp_sink sink;
    sink.refuse_next(1, 451);
    server_process server{with_args({"--smtp",
                                     "127.0.0.1:" + std::to_string(sink.port()),
                                     "--mail-retry",
                                     "1",
                                     "--mail-from",
                                     "anmeldung@example.org"})};
    http_client c{server.port()};
    const auto date_id = seminar_with_date(c, slug, 12, true);
    auto r = register_json(c, date_id, person("erika@example.org"));
    REQUIRE(r.status == 201);

    REQUIRE(sink.wait_for(1, 20s));
    const auto msg = sink.messages().at(0);
    CHECK(msg.from == "anmeldung@example.org");
    REQUIRE(msg.recipients.size() == 1);
    CHECK(msg.recipients[0] == "erika@example.org");
    CHECK(contains(msg.data, "Reply-To: "));
    CHECK(contains(msg.data, "method=REQUEST"));
    CHECK(sink.attempts() >= 2);  // the first was refused with 451

    auto items = wait_for_outbox(c, "?registration=" + r.json().at("code").get<std::string>(), [](const json& items) {
        return items.size() == 1 && items[0].at("state") == "sent";
    });
    REQUIRE(items.size() == 1);
    CHECK(items[0].at("state") == "sent");
    CHECK(items[0].at("attempts") == 2);
    CHECK(items[0].at("sent_at").is_string());

    SECTION("a permanent refusal is not retried") {
        sink.refuse_next(1, 550);
        auto x = register_json(c, date_id, person("nobody@example.org"));
        REQUIRE(x.status == 201);
        auto failed = wait_for_outbox(c, "?state=failed", [](const json& items) { return items.size() == 1; });
        REQUIRE(failed.size() == 1);
        CHECK(failed[0].at("attempts") == 1);
        CHECK(failed[0].at("last_error").get<std::string>().find("550") != std::string::npos);
    }
}

TEST_CASE("a mail the SMTP server took is never sent twice because recording it failed", "[mail][hardening]") {
    seminard::test::smtp_sink sink;
    sink.refuse_next(1, 451);  // the first attempt fails; meanwhile the test takes the database's write lock
    server_process server{with_args({"--smtp", "127.0.0.1:" + std::to_string(sink.port()), "--mail-retry", "1"})};
    http_client c{server.port()};
    const auto date_id = seminar_with_date(c, slug, 12, true);
    REQUIRE(register_json(c, date_id, person("einmal@example.org")).status == 201);
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (sink.attempts() < 1 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
    REQUIRE(sink.attempts() == 1);
    {
        // Another process holds the write lock: the retry is accepted by the server, but "sent" cannot be recorded.
        SQLite::Database other{server.db_path().string(), SQLite::OPEN_READWRITE};
        // The server may be recording the failed attempt just now: wait for that write instead of failing on it.
        other.setBusyTimeout(5000);
        other.exec("BEGIN IMMEDIATE");
        REQUIRE(sink.wait_for(1, 20s));
        // Every recording attempt waits out the busy timeout (5 s) and fails; the mailer looks again each second.
        std::this_thread::sleep_for(12s);
        CHECK(sink.messages().size() == 1);
        other.exec("ROLLBACK");
    }
    auto items =
        wait_for_outbox(c, "", [](const json& items) { return items.size() == 1 && items[0].at("state") == "sent"; });
    REQUIRE(items.size() == 1);
    CHECK(items[0].at("state") == "sent");
    std::this_thread::sleep_for(1500ms);
    CHECK(sink.messages().size() == 1);
}
