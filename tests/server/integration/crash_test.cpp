// Non-negotiable #2 end to end: kill -9 while clients register; every registration answered 201 is there after
// a restart on the same database.
#include "api.hpp"
#include "http_client.hpp"
#include "server_process.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

using namespace seminard::testing;
using namespace std::chrono_literals;

namespace {
constexpr int capacity = 25;
constexpr int client_threads = 8;
/// Each client stops after this many attempts even if the server is never killed.
constexpr int max_attempts_per_client = 400;
/// How long the clients register before the server is killed.
constexpr auto kill_after = 1200ms;
}  // namespace

TEST_CASE("kill -9 while clients register loses no acknowledged registration") {
    temp_dir dir;
    const auto db = dir.path() / "seminard.db";
    std::int64_t date_id = 0;
    std::set<std::string> acknowledged;
    std::mutex acknowledged_mutex;
    std::atomic<int> attempts{0};
    std::atomic<int> server_errors{0};
    {
        server_process server{on_database(db)};
        http_client admin{server.port()};
        date_id = seminar_with_date(admin, "crash", capacity, true);

        std::atomic<bool> stop{false};
        std::vector<std::thread> clients;
        for (int t = 0; t < client_threads; ++t) {
            clients.emplace_back([&, t] {
                http_client c{server.port()};
                for (int i = 0; i < max_attempts_per_client && !stop; ++i) {
                    ++attempts;
                    try {
                        auto r = register_json(
                            c, date_id, person("c" + std::to_string(t) + "-" + std::to_string(i) + "@example.org"));
                        if (r.status == 201) {
                            std::lock_guard lock(acknowledged_mutex);
                            acknowledged.insert(r.json().at("code").get<std::string>());
                        } else if (r.status >= 500) {
                            ++server_errors;
                        }
                    } catch (const std::exception&) {
                        // Refused, reset or cut mid-answer once the server is gone: not acknowledged, fine.
                        std::this_thread::sleep_for(5ms);
                    }
                }
            });
        }
        std::this_thread::sleep_for(kill_after);
        server.signal(SIGKILL);
        auto status = server.wait(5s);
        stop = true;
        for (auto& th : clients) th.join();
        REQUIRE(status);
        REQUIRE(status->signalled);
        REQUIRE(status->signal == SIGKILL);
    }
    INFO("attempts: " << attempts << ", acknowledged: " << acknowledged.size());
    REQUIRE(server_errors == 0);
    REQUIRE(acknowledged.size() > capacity);  // the kill really hit a busy server, not an idle one

    server_process again{on_database(db)};
    http_client admin{again.port()};
    auto all = list_registrations(admin, date_id);
    std::set<std::string> stored;
    int confirmed = 0;
    std::vector<int> positions;
    for (const auto& item : all) {
        stored.insert(item.at("code").get<std::string>());
        if (item.at("status") == "confirmed") ++confirmed;
        if (item.at("status") == "waitlisted") positions.push_back(item.at("waitlist_position").get<int>());
    }
    std::vector<std::string> missing;
    for (const auto& code : acknowledged)
        if (!stored.count(code)) missing.push_back(code);
    CAPTURE(missing);
    REQUIRE(missing.empty());
    // Only whole registrations: those acknowledged, plus at most one per client that was committed but whose answer
    // the kill cut off.
    REQUIRE(stored.size() >= acknowledged.size());
    REQUIRE(stored.size() <= acknowledged.size() + client_threads);
    REQUIRE(confirmed == capacity);
    for (std::size_t i = 0; i < positions.size(); ++i) REQUIRE(positions[i] == static_cast<int>(i + 1));
    auto d = get_date(admin, date_id);
    REQUIRE(d.at("confirmed") == capacity);
    REQUIRE(d.at("waitlist_length") == static_cast<int>(positions.size()));

    // And the restarted server goes on taking registrations.
    auto r = register_json(admin, date_id, person("after.restart@example.org"));
    REQUIRE(r.status == 201);
    REQUIRE(r.json().at("waitlist_position") == static_cast<int>(positions.size()) + 1);
}

TEST_CASE(
    "kill -9 under a mixed load of registrations, bookings, rebookings and cancellations loses nothing acknowledged") {
    temp_dir dir;
    const auto db = dir.path() / "seminard.db";
    std::int64_t a = 0, b = 0;
    /// What an acknowledged answer promised about a registration: its date, and whether it is cancelled. Codes
    /// whose last change got no answer (the kill cut it) may be either way and are left out.
    struct promise {
        std::int64_t date_id = 0;
        bool cancelled = false;
        bool known = true;
    };
    std::map<std::string, promise> promised;
    std::mutex promised_mutex;
    std::atomic<int> server_errors{0};
    std::atomic<int> answered{0};
    {
        server_process server{on_database(db)};
        http_client admin{server.port()};
        a = seminar_with_date(admin, "mixed-crash", capacity, true);
        b = create_date(admin, "mixed-crash", capacity, true);
        std::atomic<bool> stop{false};
        std::vector<std::thread> clients;
        for (int t = 0; t < client_threads; ++t) {
            clients.emplace_back([&, t] {
                http_client c{server.port()};
                std::vector<std::pair<std::string, std::string>> mine;  // (code, token) still on A, active
                auto note = [&](const std::string& code, promise p) {
                    std::lock_guard lock(promised_mutex);
                    promised[code] = p;
                };
                for (int i = 0; i < max_attempts_per_client && !stop; ++i) {
                    const auto tag = std::to_string(t) + "-" + std::to_string(i);
                    // The change a cut answer leaves open: nothing until the request is sent.
                    std::string pending_code;
                    try {
                        http_reply r;
                        if (i % 4 == 1 && !mine.empty()) {
                            pending_code = mine.back().first;
                            note(pending_code, {0, false, false});
                            r = c.post_json(
                                "/api/v1/registrations/" + pending_code + "/move", {{"date_id", b}}, organiser());
                            if (r.status == 200) {
                                note(pending_code, {b, false, true});
                                mine.pop_back();
                            }
                        } else if (i % 5 == 2 && !mine.empty()) {
                            pending_code = mine.front().first;
                            note(pending_code, {0, false, false});
                            r = c.del("/api/v1/registrations/" + mine.front().second);
                            if (r.status == 200) {
                                note(pending_code, {a, true, true});
                                mine.erase(mine.begin());
                            }
                        } else if (i % 7 == 3) {
                            json attendees = json::array();
                            for (int k = 0; k < 3; ++k)
                                attendees.push_back(
                                    {{"first_name", "Kollege"},
                                     {"last_name", std::to_string(k)},
                                     {"email", "k" + tag + "." + std::to_string(k) + "@firma.example"}});
                            r = c.post_json("/api/v1/dates/" + std::to_string(b) + "/bookings",
                                            {{"booker",
                                              {{"first_name", "Bernd"},
                                               {"last_name", "Bucher"},
                                               {"email", "einkauf" + tag + "@firma.example"},
                                               {"company", "Firma"}}},
                                             {"attendees", attendees},
                                             {"privacy_consent", true},
                                             {"if_not_all_fit", "waitlist_rest"}});
                            if (r.status == 201) {
                                const auto booked = r.json();  // kept: a range-for over a temporary's member dangles
                                for (const auto& one : booked.at("registrations"))
                                    note(one.at("code").get<std::string>(), {b, false, true});
                            }
                        } else {
                            r = register_json(c, a, person("c" + tag + "@example.org"));
                            if (r.status == 201) {
                                const auto j = r.json();
                                note(j.at("code").get<std::string>(), {a, false, true});
                                mine.emplace_back(j.at("code").get<std::string>(), j.at("token").get<std::string>());
                            }
                        }
                        ++answered;
                        if (r.status >= 500) ++server_errors;
                    } catch (const std::exception&) {
                        std::this_thread::sleep_for(5ms);  // the server is gone: the change stays open (known=false)
                    }
                }
            });
        }
        std::this_thread::sleep_for(kill_after);
        server.signal(SIGKILL);
        auto status = server.wait(5s);
        stop = true;
        for (auto& th : clients) th.join();
        REQUIRE(status);
        REQUIRE(status->signal == SIGKILL);
    }
    INFO("answered: " << answered << ", registrations promised: " << promised.size());
    REQUIRE(server_errors == 0);
    REQUIRE(promised.size() > capacity);  // the kill hit a busy server

    server_process again{on_database(db)};
    http_client admin{again.port()};
    std::map<std::string, json> stored;
    for (const auto date_id : {a, b}) {
        const auto all = list_registrations(admin, date_id);
        int confirmed = 0, active = 0;
        std::vector<int> positions;
        for (const auto& item : all) {
            stored[item.at("code").get<std::string>()] = item;
            if (item.at("status") != "cancelled") ++active;
            if (item.at("status") == "confirmed") ++confirmed;
        }
        for (const auto& item : list_registrations(admin, date_id, "waitlisted"))
            positions.push_back(item.at("waitlist_position").get<int>());
        INFO("date " << date_id << ": " << active << " active");
        CHECK(confirmed == std::min(capacity, active));
        for (std::size_t i = 0; i < positions.size(); ++i) CHECK(positions[i] == static_cast<int>(i + 1));
        const auto d = get_date(admin, date_id);
        CHECK(d.at("confirmed") == confirmed);
        CHECK(d.at("waitlist_length") == static_cast<int>(positions.size()));
    }
    int checked = 0;
    for (const auto& [code, p] : promised) {
        INFO(code);
        auto it = stored.find(code);
        REQUIRE(it != stored.end());  // nothing acknowledged is lost, whatever happened to it later
        if (!p.known) continue;
        ++checked;
        CHECK(it->second.at("date_id") == p.date_id);
        CHECK((it->second.at("status") == "cancelled") == p.cancelled);
    }
    CHECK(checked > capacity);
}
