// Idempotent writes against the real server: one key sent from two connections at the same moment books once, and
// every answer is the first one or a 409 that says to retry, which then gets the first one.
#include "api.hpp"
#include "http_client.hpp"
#include "server_process.hpp"

#include <catch2/catch.hpp>

#include <latch>
#include <string>
#include <thread>
#include <vector>

using namespace seminard::testing;

namespace {

/// Sends the same request from `clients` connections, released together; the answers in client order.
template <class Send>
std::vector<http_reply> at_once(std::uint16_t port, int clients, Send send) {
    std::vector<http_reply> replies(static_cast<std::size_t>(clients));
    std::vector<std::string> failures(static_cast<std::size_t>(clients));
    std::latch start{clients};
    std::vector<std::thread> pool;
    for (int i = 0; i < clients; ++i) {
        pool.emplace_back([&, i] {
            const auto at = static_cast<std::size_t>(i);
            try {
                http_client c{port};
                start.arrive_and_wait();
                replies[at] = send(c);
            } catch (const std::exception& e) {
                failures[at] = e.what();
            }
        });
    }
    for (auto& t : pool) t.join();
    for (const auto& f : failures) REQUIRE(f.empty());
    return replies;
}

std::string form_key_of(const std::string& page) {
    const std::string field = "name=\"idempotency_key\" value=\"";
    const auto at = page.find(field);
    REQUIRE(at != std::string::npos);
    const auto start = at + field.size();
    return page.substr(start, page.find('"', start) - start);
}

}  // namespace

TEST_CASE("one registration posted at once from two connections with one key books exactly once") {
    server_process server;
    http_client admin{server.port()};
    const auto date_id = seminar_with_date(admin, "idempotent", 50, true);
    constexpr int rounds = 20;
    int raced = 0;  // rounds in which the second request came while the first was in progress
    for (int round = 0; round < rounds; ++round) {
        INFO("round " << round);
        const auto key = "race-" + std::to_string(round);
        const auto body = person("racer" + std::to_string(round) + "@example.org");
        // Every other round under pretix's name for the header: the same rules.
        const header_list headers{{round % 2 == 0 ? "Idempotency-Key" : "X-Idempotency-Key", key}};
        auto replies =
            at_once(server.port(), 2, [&](http_client& c) { return register_json(c, date_id, body, headers); });
        const http_reply* created = nullptr;
        for (const auto& r : replies) {
            INFO(r.status << " " << r.body);
            if (r.status == 201) {
                if (created) {
                    CHECK(r.body == created->body);  // the second got the first's answer
                    CHECK(r.header("Location") == created->header("Location"));
                }
                created = &r;
            } else {
                REQUIRE(r.status == 409);
                CHECK(r.json().at("error") == "request_in_progress");
                CHECK(r.header("Retry-After") == "1");
                ++raced;
            }
        }
        REQUIRE(created);
        // The retry the 409 asked for gets the first answer.
        auto retry = register_json(admin, date_id, body, headers);
        REQUIRE(retry.status == 201);
        CHECK(retry.body == created->body);
    }
    UNSCOPED_INFO("rounds with a request in progress: " << raced);
    CHECK(list_registrations(admin, date_id).size() == rounds);
}

TEST_CASE("a double click on the seminar page's form gets the same 303 twice and books once") {
    server_process server;
    http_client admin{server.port()};
    const auto date_id = seminar_with_date(admin, "doppelklick", 10, true);
    const header_list browser_form{{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "text/html"}};
    for (int round = 0; round < 5; ++round) {
        INFO("round " << round);
        auto page = admin.get("/seminars/doppelklick");
        REQUIRE(page.status == 200);
        const auto body = "date_id=" + std::to_string(date_id) + "&first_name=Erika&last_name=Muster&email=click" +
                          std::to_string(round) +
                          "%40example.org&privacy_consent=on&idempotency_key=" + form_key_of(page.body);
        auto replies = at_once(server.port(), 2, [&](http_client& c) {
            return c.request("POST", "/seminars/doppelklick", body, browser_form);
        });
        REQUIRE(replies[0].status == 303);
        REQUIRE(replies[1].status == 303);
        CHECK(replies[0].header("Location") == replies[1].header("Location"));
    }
    CHECK(list_registrations(admin, date_id).size() == 5);
}
