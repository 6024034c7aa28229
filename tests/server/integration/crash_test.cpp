// Non-negotiable #2 end to end: kill -9 while clients register; every registration answered 201 is there after
// a restart on the same database.
#include "api.hpp"
#include "http_client.hpp"
#include "server_process.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <csignal>
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
