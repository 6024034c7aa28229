// Non-negotiable #1 end to end: many clients race for few seats; nobody is oversold, the waiting list is 1..n.
#include "api.hpp"
#include "http_client.hpp"
#include "server_process.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <latch>
#include <map>
#include <mutex>
#include <numeric>
#include <set>
#include <thread>
#include <vector>

using namespace seminard::testing;

namespace {

const std::string slug = "concurrency";

/// What one registration attempt got back.
struct outcome {
    int status = 0;  ///< 0: no HTTP answer at all
    std::string error;
    std::string registration_status;
    int waitlist_position = 0;
    std::string code;
};

/// Runs `clients` registrations on `threads` threads, all released at once. `email(i)` names client i's address.
/// Each attempt uses its own connection, as separate browsers would.
template <class EmailFn>
std::vector<outcome> race(std::uint16_t port, std::int64_t date_id, int threads, int clients, EmailFn email) {
    std::vector<outcome> results(static_cast<std::size_t>(clients));
    std::latch start{threads};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            start.arrive_and_wait();
            for (int i = t; i < clients; i += threads) {
                auto& out = results[static_cast<std::size_t>(i)];
                try {
                    const std::string address = email(i);
                    http_client c{port};
                    const http_reply r = register_json(c, date_id, person(address));
                    out.status = r.status;
                    const json j = r.json();
                    if (r.status == 201) {
                        out.registration_status = j.at("status").get<std::string>();
                        out.code = j.at("code").get<std::string>();
                        if (j.contains("waitlist_position"))
                            out.waitlist_position = j.at("waitlist_position").get<int>();
                    } else {
                        out.error = j.value("error", "");
                    }
                } catch (const std::exception& e) {
                    out.error = std::string{"client: "} + e.what();  // checked below: status stays 0
                }
            }
        });
    }
    for (auto& th : pool) th.join();
    return results;
}

std::map<int, int> count_statuses(const std::vector<outcome>& results) {
    std::map<int, int> counts;
    for (const auto& r : results) ++counts[r.status];
    return counts;
}

std::string describe(const std::vector<outcome>& results) {
    std::string s;
    for (const auto& [status, n] : count_statuses(results))
        s += std::to_string(status) + ": " + std::to_string(n) + "  ";
    for (const auto& r : results)
        if (r.status == 0 || r.status >= 500) {
            s += "\nfirst failure: " + r.error;
            break;
        }
    return s;
}

}  // namespace

TEST_CASE("200 concurrent registrations for 5 seats: exactly 5 confirmed, the rest waitlisted 1..195") {
    constexpr int capacity = 5;
    constexpr int clients = 200;
    constexpr int threads = 50;
    server_process server;
    http_client admin{server.port()};
    const auto date_id = seminar_with_date(admin, slug, capacity, true);

    auto results = race(
        server.port(), date_id, threads, clients, [](int i) { return "racer" + std::to_string(i) + "@example.org"; });
    INFO(describe(results));
    REQUIRE(count_statuses(results) == std::map<int, int>{{201, clients}});

    int confirmed = 0;
    std::vector<int> positions;
    for (const auto& r : results) {
        if (r.registration_status == "confirmed") ++confirmed;
        if (r.registration_status == "waitlisted") positions.push_back(r.waitlist_position);
    }
    REQUIRE(confirmed == capacity);
    std::sort(positions.begin(), positions.end());
    std::vector<int> expected(clients - capacity);
    std::iota(expected.begin(), expected.end(), 1);
    REQUIRE(positions == expected);  // every position exactly once

    // The database agrees with what the clients were told.
    auto listed_confirmed = list_registrations(admin, date_id, "confirmed", 50);
    auto listed_waiting = list_registrations(admin, date_id, "waitlisted", 50);
    REQUIRE(listed_confirmed.size() == capacity);
    REQUIRE(listed_waiting.size() == clients - capacity);
    std::vector<int> listed_positions;
    for (const auto& item : listed_waiting) listed_positions.push_back(item.at("waitlist_position").get<int>());
    REQUIRE(listed_positions == expected);  // in arrival (id) order, 1..n without gaps
    std::map<std::string, int> told;
    for (const auto& r : results)
        if (r.registration_status == "waitlisted") told[r.code] = r.waitlist_position;
    for (const auto& item : listed_waiting)
        REQUIRE(told.at(item.at("code").get<std::string>()) == item.at("waitlist_position"));
    auto d = get_date(admin, date_id);
    REQUIRE(d.at("confirmed") == capacity);
    REQUIRE(d.at("waitlist_length") == clients - capacity);
    REQUIRE(d.at("seats_left") == 0);
}

TEST_CASE("100 concurrent registrations for 3 seats without a waiting list: 3 confirmed, 97 told it is full") {
    constexpr int capacity = 3;
    constexpr int clients = 100;
    server_process server;
    http_client admin{server.port()};
    const auto date_id = seminar_with_date(admin, slug, capacity, false);

    auto results =
        race(server.port(), date_id, 50, clients, [](int i) { return "full" + std::to_string(i) + "@example.org"; });
    INFO(describe(results));
    REQUIRE(count_statuses(results) == std::map<int, int>{{201, capacity}, {409, clients - capacity}});
    for (const auto& r : results) {
        if (r.status == 201) REQUIRE(r.registration_status == "confirmed");
        if (r.status == 409) REQUIRE(r.error == "full");
    }
    REQUIRE(list_registrations(admin, date_id).size() == capacity);
    REQUIRE(get_date(admin, date_id).at("seats_left") == 0);
}

TEST_CASE("concurrent registrations of one e-mail: exactly one succeeds") {
    constexpr int clients = 40;
    server_process server;
    http_client admin{server.port()};
    const auto date_id = seminar_with_date(admin, slug, 10, true);

    // The same address, written differently: case and surrounding spaces do not make it another person.
    auto results = race(server.port(), date_id, clients, clients, [](int i) {
        switch (i % 4) {
            case 0:
                return std::string{"same.person@example.org"};
            case 1:
                return std::string{"Same.Person@Example.org"};
            case 2:
                return std::string{"  same.person@example.org "};
            default:
                return std::string{"SAME.PERSON@EXAMPLE.ORG"};
        }
    });
    INFO(describe(results));
    REQUIRE(count_statuses(results) == std::map<int, int>{{201, 1}, {409, clients - 1}});
    for (const auto& r : results)
        if (r.status == 409) REQUIRE(r.error == "already_registered");
    REQUIRE(list_registrations(admin, date_id).size() == 1);
}

TEST_CASE("concurrent cancellations and registrations never oversell") {
    constexpr int capacity = 4;
    server_process server;
    http_client admin{server.port()};
    const auto date_id = seminar_with_date(admin, slug, capacity, true);
    std::vector<std::string> tokens;
    for (int i = 0; i < 12; ++i) {
        auto r = register_json(admin, date_id, person("seed" + std::to_string(i) + "@example.org"));
        REQUIRE(r.status == 201);
        tokens.push_back(r.json().at("token").get<std::string>());
    }
    // Half the threads cancel the first ten, the other half register newcomers, all at once.
    std::atomic<int> server_errors{0};
    std::latch start{20};
    std::vector<std::thread> pool;
    for (int t = 0; t < 20; ++t) {
        pool.emplace_back([&, t] {
            start.arrive_and_wait();
            try {
                http_client c{server.port()};
                http_reply r = t < 10 ? c.del("/api/v1/registrations/" + tokens[static_cast<std::size_t>(t)])
                                      : register_json(c, date_id, person("new" + std::to_string(t) + "@example.org"));
                if (r.status >= 500 || (r.status != 200 && r.status != 201)) ++server_errors;
            } catch (const std::exception&) {
                ++server_errors;
            }
        });
    }
    for (auto& th : pool) th.join();
    REQUIRE(server_errors == 0);
    auto confirmed = list_registrations(admin, date_id, "confirmed");
    auto waiting = list_registrations(admin, date_id, "waitlisted");
    // 12 + 10 registered, 10 cancelled: 12 active; capacity 4 confirmed, 8 waiting with positions 1..8.
    REQUIRE(confirmed.size() == capacity);
    REQUIRE(waiting.size() == 8);
    for (std::size_t i = 0; i < waiting.size(); ++i)
        REQUIRE(waiting[i].at("waitlist_position") == static_cast<int>(i + 1));
}

TEST_CASE(
    "company bookings racing registrations and cancellations never oversell, and a refused booking leaves "
    "nothing") {
    constexpr int capacity = 25;
    server_process server;
    http_client admin{server.port()};
    const auto date_id = seminar_with_date(admin, slug, capacity, true);
    std::vector<std::string> seeds;
    for (int i = 0; i < 10; ++i) {
        auto r = register_json(admin, date_id, person("seed" + std::to_string(i) + "@example.org"));
        REQUIRE(r.status == 201);
        seeds.push_back(r.json().at("token").get<std::string>());
    }
    auto booking = [](int n, const std::string& policy) {
        json attendees = json::array();
        for (int k = 0; k < 3; ++k)
            attendees.push_back({{"first_name", "Kollegin"},
                                 {"last_name", std::to_string(k)},
                                 {"email", "b" + std::to_string(n) + "." + std::to_string(k) + "@firma.example"}});
        return json{{"booker",
                     {{"first_name", "Bernd"},
                      {"last_name", "Bucher"},
                      {"email", "einkauf" + std::to_string(n) + "@firma.example"},
                      {"company", "Firma " + std::to_string(n)}}},
                    {"attendees", attendees},
                    {"privacy_consent", true},
                    {"if_not_all_fit", policy}};
    };
    // 10 cancellations, 8 bookings of 3 that wait for the rest, 8 that take all or nothing, 20 single registrations.
    constexpr int workers = 46;
    std::vector<int> status(workers, 0);
    std::latch start{workers};
    std::vector<std::thread> pool;
    for (int t = 0; t < workers; ++t) {
        pool.emplace_back([&, t] {
            start.arrive_and_wait();
            try {
                http_client c{server.port()};
                const std::string bookings = "/api/v1/dates/" + std::to_string(date_id) + "/bookings";
                http_reply r = t < 10   ? c.del("/api/v1/registrations/" + seeds[static_cast<std::size_t>(t)])
                               : t < 18 ? c.post_json(bookings, booking(t, "waitlist_rest"))
                               : t < 26
                                   ? c.post_json(bookings, booking(t, "refuse"))
                                   : register_json(c, date_id, person("single" + std::to_string(t) + "@example.org"));
                status[static_cast<std::size_t>(t)] = r.status;
            } catch (const std::exception&) {
                status[static_cast<std::size_t>(t)] = -1;
            }
        });
    }
    for (auto& th : pool) th.join();
    int refused = 0;
    for (int t = 0; t < workers; ++t) {
        INFO("worker " << t);
        const int s = status[static_cast<std::size_t>(t)];
        if (t >= 18 && t < 26 && s == 409) {
            ++refused;
            continue;
        }
        REQUIRE(s == (t < 10 ? 200 : 201));
    }
    auto confirmed = list_registrations(admin, date_id, "confirmed");
    auto waiting = list_registrations(admin, date_id, "waitlisted");
    // Seeds all cancelled; 24 + 3 per accepted all-or-nothing booking + 20 singles are active.
    const int active = 24 + 3 * (8 - refused) + 20;
    REQUIRE(static_cast<int>(confirmed.size()) == capacity);
    REQUIRE(static_cast<int>(waiting.size()) == active - capacity);
    for (std::size_t i = 0; i < waiting.size(); ++i)
        REQUIRE(waiting[i].at("waitlist_position") == static_cast<int>(i + 1));
    // An all-or-nothing booking is wholly confirmed or wholly absent.
    std::map<std::string, std::string> by_email;
    for (const auto& r : confirmed) by_email[r.at("email").get<std::string>()] = "confirmed";
    for (const auto& r : waiting) by_email[r.at("email").get<std::string>()] = "waitlisted";
    for (int t = 18; t < 26; ++t) {
        INFO("booking " << t);
        const auto mine = [&](int k) {
            auto it = by_email.find("b" + std::to_string(t) + "." + std::to_string(k) + "@firma.example");
            return it == by_email.end() ? std::string{"absent"} : it->second;
        };
        const auto expected = status[static_cast<std::size_t>(t)] == 201 ? "confirmed" : "absent";
        for (int k = 0; k < 3; ++k) CHECK(mine(k) == expected);
    }
}

TEST_CASE(
    "rebookings both ways, substitutes, cancellations, bookings and registrations racing on two dates never "
    "oversell, and nobody moves up twice") {
    constexpr int capacity = 10;
    server_process server;
    http_client admin{server.port()};
    const auto a = seminar_with_date(admin, slug, capacity, true);
    const auto b = create_date(admin, slug, capacity, true);
    struct seed {
        std::string code, token, status;
    };
    auto seed_date = [&admin](std::int64_t date_id, const std::string& prefix, int n) {
        std::vector<seed> out;
        for (int i = 0; i < n; ++i) {
            auto r = register_json(admin, date_id, person(prefix + std::to_string(i) + "@example.org"));
            REQUIRE(r.status == 201);
            const auto j = r.json();
            out.push_back(
                {j.at("code").get<std::string>(), j.at("token").get<std::string>(), j.at("status").get<std::string>()});
        }
        return out;
    };
    const auto on_a = seed_date(a, "a", 16);  // 10 confirmed, 6 waiting
    const auto on_b = seed_date(b, "b", 12);  // 10 confirmed, 2 waiting
    auto move_body = [](std::int64_t to) { return json{{"date_id", to}}; };
    auto booking = [](int n) {
        json attendees = json::array();
        for (int k = 0; k < 3; ++k)
            attendees.push_back({{"first_name", "Kollege"},
                                 {"last_name", std::to_string(k)},
                                 {"email", "k" + std::to_string(n) + "." + std::to_string(k) + "@firma.example"}});
        return json{{"booker",
                     {{"first_name", "Bernd"},
                      {"last_name", "Bucher"},
                      {"email", "einkauf" + std::to_string(n) + "@firma.example"},
                      {"company", "Firma"}}},
                    {"attendees", attendees},
                    {"privacy_consent", true},
                    {"if_not_all_fit", "waitlist_rest"}};
    };
    // Disjoint seeds per kind of change, so that every request must succeed:
    //   a[0..5] confirmed on A move to B, b[0..3] confirmed on B move to A, a[6..7] and b[4] are cancelled,
    //   a[8..9] and b[5] name substitutes, a[10..15] and b[10..11] wait; 8 newcomers per date, 2 bookings of 3 on B.
    struct job {
        std::string method, path;
        json body;
        bool organiser = false;
    };
    std::vector<job> jobs;
    const auto move_path = [](const seed& s) { return "/api/v1/registrations/" + s.code + "/move"; };
    for (int i = 0; i < 6; ++i) jobs.push_back({"POST", move_path(on_a[i]), move_body(b), true});
    for (int i = 0; i < 4; ++i) jobs.push_back({"POST", move_path(on_b[i]), move_body(a), true});
    for (const auto* s : {&on_a[6], &on_a[7], &on_b[4]})
        jobs.push_back({"DELETE", "/api/v1/registrations/" + s->token, {}});
    int n = 0;
    for (const auto* s : {&on_a[8], &on_a[9], &on_b[5]})
        jobs.push_back({"POST",
                        "/api/v1/registrations/" + s->token + "/substitute",
                        {{"first_name", "Ersatz"},
                         {"last_name", std::to_string(++n)},
                         {"email", "ersatz" + std::to_string(n) + "@example.org"}}});
    for (int i = 0; i < 8; ++i) {
        jobs.push_back({"POST", registrations_path(a), person("neu-a" + std::to_string(i) + "@example.org")});
        jobs.push_back({"POST", registrations_path(b), person("neu-b" + std::to_string(i) + "@example.org")});
    }
    for (int i = 0; i < 2; ++i)
        jobs.push_back({"POST", "/api/v1/dates/" + std::to_string(b) + "/bookings", booking(i)});

    std::vector<int> status(jobs.size(), 0);
    std::latch start{static_cast<std::ptrdiff_t>(jobs.size())};
    std::vector<std::thread> pool;
    for (std::size_t t = 0; t < jobs.size(); ++t) {
        pool.emplace_back([&, t] {
            start.arrive_and_wait();
            try {
                http_client c{server.port()};
                const auto& j = jobs[t];
                const auto headers = j.organiser ? organiser() : header_list{};
                const http_reply r =
                    j.method == "DELETE" ? c.del(j.path, headers) : c.post_json(j.path, j.body, headers);
                status[t] = r.status;
            } catch (const std::exception&) {
                status[t] = -1;
            }
        });
    }
    for (auto& th : pool) th.join();
    for (std::size_t t = 0; t < jobs.size(); ++t) {
        INFO(jobs[t].method << " " << jobs[t].path);
        CHECK(status[t] == (jobs[t].path.find("/registrations/") != std::string::npos ? 200 : 201));
    }

    // Active: A 16 - 6 out + 4 in - 2 cancelled + 8 new = 20; B 12 - 4 out + 6 in - 1 cancelled + 8 new + 6 booked
    // = 27.
    std::map<std::string, int> promotions;
    for (const auto& [date_id, active] : {std::pair{a, 20}, std::pair{b, 27}}) {
        INFO("date " << date_id);
        const auto confirmed = list_registrations(admin, date_id, "confirmed");
        const auto waiting = list_registrations(admin, date_id, "waitlisted");
        CHECK(static_cast<int>(confirmed.size()) == capacity);
        REQUIRE(static_cast<int>(waiting.size()) == active - capacity);
        for (std::size_t i = 0; i < waiting.size(); ++i)
            CHECK(waiting[i].at("waitlist_position") == static_cast<int>(i + 1));
        const auto d = get_date(admin, date_id);
        CHECK(d.at("seats_left") == 0);
    }
    // Each registration moved up at most once: nobody here could wait twice.
    std::optional<std::string> cursor;
    do {
        auto page =
            admin.get("/api/v1/outbox?limit=500" + (cursor ? "&cursor=" + *cursor : std::string{}), organiser());
        REQUIRE(page.status == 200);
        const auto j = page.json();
        for (const auto& m : j.at("items"))
            if (m.at("kind") == "promoted") ++promotions[m.at("registration").get<std::string>()];
        cursor = j.at("next_cursor").is_null() ? std::nullopt : std::optional{j.at("next_cursor").get<std::string>()};
    } while (cursor);
    for (const auto& [code, times] : promotions) {
        INFO(code);
        CHECK(times == 1);
    }
    // Seats freed on A: 6 moved out and 2 cancelled = 8, taken by 4 moved in and 4 of those waiting; on B: 4 moved
    // out and 1 cancelled, newcomers take none of them while someone waits. Whoever moved up got one mail each.
    CHECK(!promotions.empty());
}

TEST_CASE("erasures racing with registrations and own-data exports: nothing lost, nothing half-erased") {
    server_process server;
    http_client admin{server.port()};
    const auto first = seminar_with_date(admin, slug, 20, true);
    const auto second = create_date(admin, slug, 20, true);
    constexpr int victims = 10;
    auto victim = [](int i) { return "victim" + std::to_string(i) + "@example.org"; };
    for (int i = 0; i < victims; ++i)
        for (auto d : {first, second}) REQUIRE(register_json(admin, d, person(victim(i), "Opfer")).status == 201);
    auto keeper = register_json(admin, first, person("keeper@example.org", "Bleibt"));
    REQUIRE(keeper.status == 201);
    const auto keeper_token = keeper.json().at("token").get<std::string>();

    // 8 threads register newcomers, 2 erase the victims (5 each), 2 download the keeper's data, all at once.
    std::mutex m;
    std::vector<std::string> created;  // codes acknowledged with 201
    std::vector<int> erased_counts;
    std::atomic<int> failures{0};
    std::latch start{12};
    std::vector<std::thread> pool;
    for (int t = 0; t < 12; ++t) {
        pool.emplace_back([&, t] {
            start.arrive_and_wait();
            try {
                http_client c{server.port()};
                for (int k = 0; k < 6; ++k) {
                    if (t < 8) {
                        const auto email = "new" + std::to_string(t) + "-" + std::to_string(k) + "@example.org";
                        auto r = register_json(c, k % 2 ? second : first, person(email, "Neu"));
                        if (r.status != 201) {
                            ++failures;
                            continue;
                        }
                        std::lock_guard lock(m);
                        created.push_back(r.json().at("code").get<std::string>());
                    } else if (t < 10) {
                        if (k == 5) continue;
                        auto r = c.post_json("/api/v1/erasures", json{{"email", victim((t - 8) * 5 + k)}}, organiser());
                        if (r.status != 200) {
                            ++failures;
                            continue;
                        }
                        std::lock_guard lock(m);
                        erased_counts.push_back(r.json().at("erased").at("registrations").get<int>());
                    } else {
                        auto r = c.get("/api/v1/registrations/" + keeper_token + "/export");
                        if (r.status != 200 || r.json().at("registrations").size() != 1 ||
                            r.body.find("victim") != std::string::npos)
                            ++failures;
                    }
                }
            } catch (const std::exception&) {
                ++failures;
            }
        });
    }
    for (auto& th : pool) th.join();
    REQUIRE(failures == 0);
    REQUIRE(created.size() == 48);
    CHECK(erased_counts == std::vector<int>(victims, 2));

    std::set<std::string> stored;
    int blank = 0;
    for (auto d : {first, second}) {
        const auto all = list_registrations(admin, d);
        for (const auto& r : all) {
            const auto email = r.at("email").get<std::string>();
            CHECK(email.find("victim") == std::string::npos);
            // Either a person in every field or in none: no row half erased.
            const bool empty = email.empty();
            CHECK(r.at("first_name").get<std::string>().empty() == empty);
            CHECK(r.at("last_name").get<std::string>().empty() == empty);
            if (empty)
                ++blank;
            else
                stored.insert(r.at("code").get<std::string>());
        }
        // Erased rows keep their seats: the counts match the rows.
        const auto date = get_date(admin, d);
        CHECK(date.at("confirmed").get<std::size_t>() == list_registrations(admin, d, "confirmed").size());
        const auto waiting = list_registrations(admin, d, "waitlisted");
        for (std::size_t i = 0; i < waiting.size(); ++i) CHECK(waiting[i].at("waitlist_position") == int(i + 1));
    }
    CHECK(blank == 2 * victims);
    for (const auto& code : created) CHECK(stored.count(code) == 1);  // every acknowledged registration is there
}
