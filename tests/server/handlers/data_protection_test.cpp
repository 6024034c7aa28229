// A person's own data through the routes: everything under their address, on every date, and nobody else's.
#include "app_under_test.hpp"
#include "storage/consent.hpp"
#include "storage/erasure.hpp"
#include "storage/outbox.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <thread>

using nlohmann::json;
using seminard::testing::app_under_test;
using seminard::testing::token_mailed_to;

namespace {

std::string registrations_of(std::int64_t date_id) {
    return "/api/v1/dates/" + std::to_string(date_id) + "/registrations";
}

json person(const std::string& first, const std::string& email) {
    return {{"first_name", first},
            {"last_name", "Muster"},
            {"email", email},
            {"company", "Beispiel GmbH"},
            {"privacy_consent", true}};
}

std::int64_t march_date(app_under_test& app, const std::string& slug) {
    auto d = app.post_json("/api/v1/seminars/" + slug + "/dates",
                           {{"timezone", "Europe/Berlin"},
                            {"days", {{{"date", "2027-03-10"}, {"start", "09:00"}, {"end", "17:00"}}}},
                            {"capacity", 5},
                            {"waitlist", true}},
                           app_under_test::organiser());
    REQUIRE(d.status == 201);
    return d.json().at("id").get<std::int64_t>();
}

std::string export_of(const std::string& token) { return "/api/v1/registrations/" + token + "/export"; }

}  // namespace

TEST_CASE("the own-data export holds every registration under the address, on every date, and nobody else's",
          "[handlers][data_protection]") {
    app_under_test app;
    const auto january = app.seminar_with_date("datenschutz", 1, true);
    const auto march = march_date(app, "datenschutz");
    auto first = app.post_json(registrations_of(january), person("Anna", "anna@beispiel.de"));
    REQUIRE(first.status == 201);
    // The same address in other letters is the same person; someone else on the same date is not in it.
    auto second = app.post_json(registrations_of(march), person("Anna", "Anna@Beispiel.DE"));
    REQUIRE(second.status == 201);
    REQUIRE(app.post_json(registrations_of(january), person("Bruno", "bruno@example.org")).status == 201);
    const auto token = first.json().at("token").get<std::string>();
    REQUIRE(app.request("DELETE", "/api/v1/registrations/" + second.json().at("token").get<std::string>()).status ==
            200);

    auto res = app.get(export_of(token));
    REQUIRE(res.status == 200);
    CHECK(res.header("Cache-Control") == "no-store");
    CHECK(res.header("Content-Disposition").find("attachment") == 0);
    CHECK(res.body.find("bruno") == std::string::npos);
    CHECK(res.body.find(token) == std::string::npos);  // no private link in a file that gets passed around
    const auto data = res.json();
    CHECK(data.at("email") == "anna@beispiel.de");
    const auto& regs = data.at("registrations");
    REQUIRE(regs.size() == 2);
    CHECK(regs.at(0).at("code") == first.json().at("code"));
    CHECK(regs.at(0).at("status") == "confirmed");
    CHECK(regs.at(0).at("date").at("id") == january);
    CHECK(regs.at(0).at("seminar").at("slug") == "datenschutz");
    CHECK(regs.at(0).at("attendee").at("company") == "Beispiel GmbH");
    CHECK(regs.at(0).at("consent").at("privacy_consent_at").is_string());
    CHECK(regs.at(1).at("code") == second.json().at("code"));
    CHECK(regs.at(1).at("status") == "cancelled");  // cancelled is still stored, so it is in the export
    CHECK(regs.at(1).at("cancelled_at").is_string());
    std::set<std::string> kinds;
    for (const auto& m : regs.at(1).at("mails")) kinds.insert(m.at("kind").get<std::string>());
    CHECK(kinds == std::set<std::string>{"registered", "cancelled"});
    CHECK(regs.at(0).at("history").is_array());
    CHECK(data.at("bookings").empty());

    CHECK(app.get(export_of("not-a-token-of-anyone-here-xyz")).status == 404);

    // The same, readable: the page behind "Meine Daten ansehen".
    auto page = app.get("/registrations/" + token + "/daten");
    REQUIRE(page.status == 200);
    CHECK(page.header("Cache-Control") == "no-store");
    CHECK(page.body.find("Ihre gespeicherten Daten") != std::string::npos);
    CHECK(page.body.find(first.json().at("code").get<std::string>()) != std::string::npos);
    CHECK(page.body.find(second.json().at("code").get<std::string>()) != std::string::npos);
    CHECK(page.body.find("bruno") == std::string::npos);
    CHECK(page.body.find("/api/v1/registrations/" + token + "/export") != std::string::npos);
    CHECK(app.get("/registrations/not-a-token-of-anyone-here-xyz/daten").status == 404);
}

TEST_CASE("after a substitute the seat's export is the new holder's: nothing of the person before",
          "[handlers][data_protection][substitutes]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("ersatz", 3, true);
    auto first = app.post_json(registrations_of(date_id), person("Anna", "anna@beispiel.de")).json();
    const auto token = first.at("token").get<std::string>();
    auto swap = app.post_json("/api/v1/registrations/" + token + "/substitute",
                              {{"first_name", "Carl"}, {"last_name", "Neu"}, {"email", "carl@beispiel.de"}});
    REQUIRE(swap.status == 200);
    CHECK(app.get(export_of(token)).status == 404);  // the old link is gone with the seat
    const auto carl = token_mailed_to(app, "carl@beispiel.de");
    REQUIRE_FALSE(carl.empty());

    auto res = app.get(export_of(carl));
    REQUIRE(res.status == 200);
    CHECK(res.body.find("anna") == std::string::npos);
    CHECK(res.body.find("Anna") == std::string::npos);
    const auto data = res.json();
    const auto& reg = data.at("registrations").at(0);
    CHECK(reg.at("code") == first.at("code"));
    CHECK(reg.at("attendee").at("email") == "carl@beispiel.de");
    REQUIRE(reg.at("history").size() == 1);
    CHECK(reg.at("history").at(0).at("event") == "substituted");
    CHECK(reg.at("history").at(0).at("detail").at("to").at("email") == "carl@beispiel.de");
    CHECK_FALSE(reg.at("history").at(0).at("detail").contains("from"));
    for (const auto& m : reg.at("mails")) CHECK(m.at("kind") == "registered");
    CHECK(reg.at("mails").size() == 1);
}

TEST_CASE("a booker who is also an attendee finds the booking, its billing address and its seats in the export",
          "[handlers][data_protection]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("firma", 5, true);
    auto booking = app.post_json(
        "/api/v1/dates/" + std::to_string(date_id) + "/bookings",
        {{"booker",
          {{"first_name", "Bea"}, {"last_name", "Bucher"}, {"email", "bea@beispiel.de"}, {"company", "Beispiel GmbH"}}},
         {"attendees",
          {{{"first_name", "Bea"}, {"last_name", "Bucher"}, {"email", "bea@beispiel.de"}},
           {{"first_name", "Olaf"}, {"last_name", "Other"}, {"email", "olaf@beispiel.de"}}}},
         {"privacy_consent", true}});
    REQUIRE(booking.status == 201);
    const auto bea = token_mailed_to(app, "bea@beispiel.de");
    REQUIRE_FALSE(bea.empty());
    auto res = app.get(export_of(bea));
    REQUIRE(res.status == 200);
    CHECK(res.body.find("olaf") == std::string::npos);  // a colleague's data is theirs
    const auto data = res.json();
    REQUIRE(data.at("registrations").size() == 1);
    CHECK(data.at("registrations").at(0).at("booking") == booking.json().at("code"));
    REQUIRE(data.at("bookings").size() == 1);
    const auto& b = data.at("bookings").at(0);
    CHECK(b.at("code") == booking.json().at("code"));
    CHECK(b.at("booker").at("email") == "bea@beispiel.de");
    CHECK(b.at("attendee_codes").size() == 2);
    REQUIRE(b.at("mails").size() == 1);
    CHECK(b.at("mails").at(0).at("kind") == "booking");
}

namespace {

/// Whether any of the database's files (main, -wal, -shm) holds `needle`, byte for byte.
bool files_hold(const std::filesystem::path& db, const std::string& needle) {
    for (const auto* suffix : {"", "-wal", "-shm"}) {
        std::ifstream in(db.string() + suffix, std::ios::binary);
        if (!in) continue;
        const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        if (bytes.find(needle) != std::string::npos) return true;
    }
    return false;
}

/// Waits (up to 60 s, the promise in the docs) until the writer has truncated the log `n` times.
bool log_truncated(app_under_test& app, std::uint64_t n) {
    for (int i = 0; i < 600 && app.services().writer.log_truncations() < n; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds{100});
    return app.services().writer.log_truncations() >= n;
}

json date_of(app_under_test& app, std::int64_t id) { return app.get("/api/v1/dates/" + std::to_string(id)).json(); }

json list_of(app_under_test& app, std::int64_t date_id) {
    return app.get(registrations_of(date_id) + "?limit=100", app_under_test::organiser()).json().at("items");
}

}  // namespace

TEST_CASE("erasing a registration blanks the person in place and leaves nothing of them in the database files",
          "[handlers][data_protection][erasure]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("loeschen", 2, true);
    auto anna = app.post_json(registrations_of(date_id),
                              {{"first_name", "Annabelle"},
                               {"last_name", "Zwetschgenbaum"},
                               {"email", "annabelle.erase@beispiel.de"},
                               {"company", "Pflaumen & Söhne KG"},
                               {"phone", "+49 89 5550199"},
                               {"privacy_consent", true}});
    REQUIRE(anna.status == 201);
    REQUIRE(app.post_json(registrations_of(date_id), person("Bruno", "bruno@example.org")).status == 201);
    REQUIRE(app.post_json(registrations_of(date_id), person("Carla", "carla@example.org")).status == 201);
    const auto code = anna.json().at("code").get<std::string>();
    const auto token = anna.json().at("token").get<std::string>();
    REQUIRE(files_hold(app.db_path(), "Zwetschgenbaum"));  // the grep below can find what it looks for

    const auto before = app.services().writer.log_truncations();
    auto erased = app.request("POST", "/api/v1/registrations/" + code + "/erase", app_under_test::organiser());
    REQUIRE(erased.status == 200);
    CHECK(erased.json() == json{{"erased", {{"registrations", 1}, {"bookings", 0}}}});

    // The seat, the waiting list and the code stay; the person is gone from every view.
    const auto d = date_of(app, date_id);
    CHECK(d.at("confirmed") == 2);
    CHECK(d.at("waitlist_length") == 1);
    CHECK(app.get("/api/v1/registrations/" + token).status == 404);
    const auto list = app.get(registrations_of(date_id) + "?limit=10", app_under_test::organiser()).json();
    REQUIRE(list.at("total") == 3);
    CHECK(list.at("items").at(0).at("code") == code);
    CHECK(list.at("items").at(0).at("last_name") == "");
    CHECK(list.at("items").at(0).at("email") == "");
    CHECK(list.at("items").at(1).at("last_name") == "Muster");  // the others are untouched
    const auto csv = app.get(registrations_of(date_id) + ".csv", app_under_test::organiser()).body;
    CHECK(csv.find("Zwetschgenbaum") == std::string::npos);
    CHECK(csv.find(code) != std::string::npos);
    auto history = app.get("/api/v1/registrations/" + code + "/history", app_under_test::organiser()).json();
    CHECK(history.at("items").back().at("event") == "erased");
    // Nothing more goes out to the address: the confirmation not sent yet is stopped.
    const auto mails = app.get("/api/v1/outbox?registration=" + code, app_under_test::organiser()).json();
    REQUIRE(mails.at("items").size() == 1);
    CHECK(mails.at("items").at(0).at("state") == "failed");
    CHECK(mails.at("items").at(0).at("last_error") == "erased");
    CHECK(mails.at("items").at(0).at("to").is_null());

    REQUIRE(log_truncated(app, before + 1));
    for (const auto* needle : {"Zwetschgenbaum", "Annabelle", "annabelle.erase", "Pflaumen", "5550199"}) {
        INFO(needle);
        CHECK_FALSE(files_hold(app.db_path(), needle));
    }
    CHECK(files_hold(app.db_path(), "carla@example.org"));

    // Again: nothing left to erase, and unknown codes are 404.
    auto again = app.request("POST", "/api/v1/registrations/" + code + "/erase", app_under_test::organiser());
    CHECK(again.json() == json{{"erased", {{"registrations", 0}, {"bookings", 0}}}});
    CHECK(app.request("POST", "/api/v1/registrations/ZZZZ-ZZZZ/erase", app_under_test::organiser()).status == 404);
    CHECK(app.request("POST", "/api/v1/registrations/" + code + "/erase").status == 401);
}

TEST_CASE("erasing an address takes its registrations on every date, its bookings and its past seats",
          "[handlers][data_protection][erasure]") {
    app_under_test app;
    const auto january = app.seminar_with_date("adresse", 5, true);
    const auto march = march_date(app, "adresse");
    const json dora = {{"first_name", "Dorothea"},
                       {"last_name", "Quastenflosser"},
                       {"email", "dora.q@beispiel.de"},
                       {"privacy_consent", true}};
    REQUIRE(app.post_json(registrations_of(january), dora).status == 201);
    auto other_case = dora;
    other_case["email"] = "Dora.Q@Beispiel.DE";
    REQUIRE(app.post_json(registrations_of(march), other_case).status == 201);
    // Her company booking for two colleagues, and a seat she held until a substitute took it.
    REQUIRE(app.post_json("/api/v1/dates/" + std::to_string(march) + "/bookings",
                          {{"booker",
                            {{"first_name", "Dorothea"},
                             {"last_name", "Quastenflosser"},
                             {"email", "dora.q@beispiel.de"},
                             {"company", "Quasten AG"}}},
                           {"attendees",
                            {{{"first_name", "Kai"}, {"last_name", "Kollege"}, {"email", "kai@beispiel.de"}},
                             {{"first_name", "Lea"}, {"last_name", "Kollegin"}, {"email", "lea@beispiel.de"}}}},
                           {"privacy_consent", true}})
                .status == 201);
    auto third = app.seminar_with_date("ersatz", 5, true);
    auto seat = app.post_json(registrations_of(third),
                              {{"first_name", "Dorothea"},
                               {"last_name", "Quastenflosser"},
                               {"email", "dora.q@beispiel.de"},
                               {"privacy_consent", true}})
                    .json();
    REQUIRE(app.post_json("/api/v1/registrations/" + seat.at("token").get<std::string>() + "/substitute",
                          {{"first_name", "Finn"}, {"last_name", "Folger"}, {"email", "finn@beispiel.de"}})
                .status == 200);

    const auto before = app.services().writer.log_truncations();
    auto erased = app.post_json("/api/v1/erasures", {{"email", " DORA.Q@beispiel.de "}}, app_under_test::organiser());
    REQUIRE(erased.status == 200);
    CHECK(erased.json() == json{{"erased", {{"registrations", 2}, {"bookings", 1}}}});
    REQUIRE(log_truncated(app, before + 1));
    // Not the company: it is her colleagues' employer too, on their registrations.
    for (const auto* needle : {"Quastenflosser", "Dorothea", "dora.q@", "Dora.Q@"}) {
        INFO(needle);
        CHECK_FALSE(files_hold(app.db_path(), needle));
    }
    // Her colleagues and the substitute keep their seats and data.
    CHECK(files_hold(app.db_path(), "kai@beispiel.de"));
    CHECK(files_hold(app.db_path(), "finn@beispiel.de"));
    CHECK(date_of(app, march).at("confirmed") == 3);
    CHECK(date_of(app, third).at("confirmed") == 1);

    CHECK(app.post_json("/api/v1/erasures", json::object(), app_under_test::organiser()).status == 422);
    CHECK(app.post_json("/api/v1/erasures", {{"email", 5}}, app_under_test::organiser()).status == 422);
    CHECK(app.post_json("/api/v1/erasures", {{"email", "a@b.de"}, {"name", "x"}}, app_under_test::organiser()).status ==
          422);
    CHECK(app.post_json("/api/v1/erasures", {{"email", "dora.q@beispiel.de"}}).status == 401);
}

TEST_CASE("each registration keeps the privacy notice version it agreed to, and a changed notice is a new version",
          "[handlers][data_protection][consent]") {
    app_under_test app;
    const auto date_id = app.seminar_with_date("einwilligung", 5, true);
    auto first = app.post_json(registrations_of(date_id), person("Anna", "anna@beispiel.de"));
    REQUIRE(first.status == 201);
    auto versions = app.get("/api/v1/consent-versions", app_under_test::organiser()).json().at("items");
    REQUIRE(versions.size() == 1);
    CHECK(versions.at(0).at("notice").get<std::string>().find("Datenschutzhinweise") != std::string::npos);
    CHECK(versions.at(0).at("wording").get<std::string>().find("Ich habe die Datenschutzhinweise gelesen") !=
          std::string::npos);
    CHECK(versions.at(0).at("sha256").get<std::string>().size() == 64);
    CHECK(app.get("/api/v1/consent-versions").status == 401);

    // The same texts again (a restart) are the same version; another text makes the next one.
    auto& writer = app.services().writer;
    auto record = [&](std::string notice) {
        return writer
            .run<std::int64_t>([notice](seminard::storage::connection& c) -> seminard::domain::result<std::int64_t> {
                return seminard::storage::record_consent_version(c, notice, "Einverstanden.", {});
            })
            .value();
    };
    const auto changed = record("Neue Datenschutzhinweise");
    CHECK(changed == versions.at(0).at("id").get<std::int64_t>() + 1);
    CHECK(record("Neue Datenschutzhinweise") == changed);
    auto second = app.post_json(registrations_of(date_id), person("Bruno", "bruno@beispiel.de"));
    REQUIRE(second.status == 201);

    const auto anna = app.get(export_of(first.json().at("token").get<std::string>())).json();
    const auto& anna_consent = anna.at("registrations").at(0).at("consent");
    CHECK(anna_consent.at("notice_version") == versions.at(0).at("id"));
    CHECK(anna_consent.at("notice_sha256") == versions.at(0).at("sha256"));
    CHECK(anna_consent.at("privacy_consent_at").is_string());
    const auto bruno = app.get(export_of(second.json().at("token").get<std::string>())).json();
    CHECK(bruno.at("registrations").at(0).at("consent").at("notice_version") == changed);
    CHECK(app.get("/api/v1/consent-versions", app_under_test::organiser()).json().at("items").size() == 2);
}

TEST_CASE("retention anonymises the registrations of ended dates in bounded rounds, and drops old mail bodies",
          "[handlers][data_protection][retention]") {
    app_under_test app;
    const auto january = app.seminar_with_date("aufbewahrung", 1, true);
    const auto march = march_date(app, "aufbewahrung");
    REQUIRE(app.post_json(registrations_of(january), person("Anna", "anna@beispiel.de")).status == 201);
    REQUIRE(app.post_json(registrations_of(january), person("Bruno", "bruno@beispiel.de")).status == 201);
    auto carla = app.post_json(registrations_of(january), person("Carla", "carla@beispiel.de"));
    REQUIRE(carla.status == 201);
    REQUIRE(app.request("DELETE", "/api/v1/registrations/" + carla.json().at("token").get<std::string>()).status ==
            200);
    REQUIRE(app.post_json(registrations_of(march), person("Dora", "dora@beispiel.de")).status == 201);
    auto& writer = app.services().writer;
    auto erase_before = [&](date::year_month_day day, int limit) {
        return writer
            .run<seminard::storage::erasure_count>([day, limit](seminard::storage::connection& c)
                                                       -> seminard::domain::result<seminard::storage::erasure_count> {
                return seminard::storage::erase_ended_dates(c, day, limit, {});
            })
            .value();
    };
    using namespace date::literals;
    // January's date has ended before 1 February, March's has not.
    CHECK(erase_before(2027_y / date::February / 1, 1).registrations == 1);  // a round is bounded
    CHECK(erase_before(2027_y / date::February / 1, 200).registrations == 2);
    CHECK(erase_before(2027_y / date::February / 1, 200).registrations == 0);  // nothing twice
    const auto jan = date_of(app, january);
    CHECK(jan.at("confirmed") == 1);  // seats and queue as they were
    CHECK(jan.at("waitlist_length") == 1);
    for (const auto& r : list_of(app, january)) CHECK(r.at("email") == "");
    CHECK(list_of(app, march).at(0).at("email") == "dora@beispiel.de");

    // A sent mail's body goes after the mail retention; its summary stays. Dora's, the last one, is still due.
    const auto outbox = app.get("/api/v1/outbox", app_under_test::organiser()).json();
    const auto mail_id = outbox.at("items").back().at("id").get<std::int64_t>();
    const seminard::domain::instant sent{std::chrono::seconds{1'800'000'000}};
    auto dropped = writer.run<int>([&](seminard::storage::connection& c) -> seminard::domain::result<int> {
        seminard::storage::store_rendered_mail(c, mail_id, "a@b.de", "c@d.de", "Betreff", "BODY-TO-DROP");
        seminard::storage::mark_mail_sent(c, mail_id, sent);
        const int early = seminard::storage::drop_sent_mail_bodies(c, sent, 10);  // sent at that very second
        return early * 100 + seminard::storage::drop_sent_mail_bodies(c, sent + std::chrono::seconds{1}, 10);
    });
    CHECK(dropped.value() == 1);
    {
        seminard::storage::connection reader(app.services().cfg.db, seminard::storage::access::read_only);
        CHECK_FALSE(seminard::storage::mail_message(reader, mail_id).has_value());
    }
    CHECK(app.get("/api/v1/outbox/" + std::to_string(mail_id), app_under_test::organiser()).json().at("state") ==
          "sent");
    CHECK(erase_before(2027_y / date::April / 1, 200).registrations == 1);
}
