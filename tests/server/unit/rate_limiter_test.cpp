// Tests of the per-address token buckets: refill arithmetic on an injected clock, Retry-After, loopback exemption,
// address keys, the memory bound under a flood of addresses, and concurrent use.
#include "server/http/rate_limiter.hpp"

#include "domain/messages.hpp"
#include "domain/result.hpp"
#include "server/options.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace server = seminard::server;
namespace domain = seminard::domain;
using namespace std::chrono_literals;

namespace {

/// A clock the test moves by hand.
struct fake_clock {
    server::rate_limiter::clock::time_point now{std::chrono::hours{1000}};
    server::rate_limiter::clock_fn fn() {
        return [this] { return now; };
    }
};

server::rate_limit_config per_minute(unsigned n, unsigned burst, bool loopback = false) {
    server::rate_limit_config c;
    c.per_window = n;
    c.window = 60s;
    c.burst = burst;
    c.limit_loopback = loopback;
    return c;
}

/// How many acquire() calls in a row succeed (stops at the first refusal, at most `max`).
int allowed_in_a_row(server::rate_limiter& l, const std::string& address, int max = 1000) {
    int n = 0;
    while (n < max && l.acquire(address).allowed) ++n;
    return n;
}

}  // namespace

TEST_CASE("a new address may submit its burst at once, then waits for the rate", "[rate_limiter]") {
    fake_clock t;
    server::rate_limiter l{per_minute(10, 5), t.fn()};  // a token every 6 s, 5 at most

    CHECK(allowed_in_a_row(l, "203.0.113.7") == 5);
    auto refused = l.acquire("203.0.113.7");
    CHECK_FALSE(refused.allowed);
    CHECK(refused.retry_after == 6s);

    SECTION("Retry-After counts down and is rounded up to whole seconds") {
        t.now += 2500ms;
        auto d = l.acquire("203.0.113.7");
        CHECK_FALSE(d.allowed);
        CHECK(d.retry_after == 4s);  // 3.5 s left
        t.now += 3499ms;
        d = l.acquire("203.0.113.7");
        CHECK_FALSE(d.allowed);
        CHECK(d.retry_after == 1s);  // 1 ms left: never 0
    }
    SECTION("one interval later exactly one token is back") {
        t.now += 6s;
        CHECK(allowed_in_a_row(l, "203.0.113.7") == 1);
    }
    SECTION("refill stops at the burst") {
        t.now += 10min;
        CHECK(allowed_in_a_row(l, "203.0.113.7") == 5);
    }
    SECTION("partial refill: 20 s give three tokens (one every 6 s)") {
        t.now += 20s;
        CHECK(allowed_in_a_row(l, "203.0.113.7") == 3);
        CHECK(l.acquire("203.0.113.7").retry_after == 4s);  // the 4th token is due at 24 s
    }
    SECTION("refusals do not use tokens") {
        for (int i = 0; i < 50; ++i) CHECK_FALSE(l.acquire("203.0.113.7").allowed);
        t.now += 6s;
        CHECK(l.acquire("203.0.113.7").allowed);
    }
    SECTION("other addresses have their own bucket") {
        CHECK(allowed_in_a_row(l, "203.0.113.8") == 5);
        CHECK(allowed_in_a_row(l, "2001:db8:1::1") == 5);
    }
}

TEST_CASE("a steady client at the rate is never refused", "[rate_limiter]") {
    fake_clock t;
    server::rate_limiter l{per_minute(60, 1), t.fn()};
    for (int i = 0; i < 100; ++i) {
        CHECK(l.acquire("198.51.100.1").allowed);
        t.now += 1s;
    }
}

TEST_CASE("the window may be a second or an hour", "[rate_limiter]") {
    fake_clock t;
    auto c = per_minute(3, 1);
    c.window = std::chrono::hours{1};  // a token every 20 minutes
    server::rate_limiter l{c, t.fn()};
    CHECK(l.acquire("198.51.100.1").allowed);
    CHECK(l.acquire("198.51.100.1").retry_after == 1200s);
}

TEST_CASE("loopback is exempt unless asked for, and a zero rate switches the limit off", "[rate_limiter]") {
    fake_clock t;
    SECTION("exempt by default") {
        server::rate_limiter l{per_minute(1, 1), t.fn()};
        CHECK(allowed_in_a_row(l, "127.0.0.1", 100) == 100);
        CHECK(allowed_in_a_row(l, "127.8.9.10", 100) == 100);
        CHECK(allowed_in_a_row(l, "::1", 100) == 100);
        CHECK(allowed_in_a_row(l, "::ffff:127.0.0.1", 100) == 100);
        CHECK(allowed_in_a_row(l, "198.51.100.1", 100) == 1);
        CHECK(l.size() == 1);  // exempt clients take no memory
    }
    SECTION("limited with limit_loopback") {
        server::rate_limiter l{per_minute(1, 2, true), t.fn()};
        CHECK(allowed_in_a_row(l, "127.0.0.1", 100) == 2);
        CHECK(allowed_in_a_row(l, "::1", 100) == 2);
    }
    SECTION("off") {
        server::rate_limiter l{per_minute(0, 1), t.fn()};
        CHECK_FALSE(l.enabled());
        CHECK(allowed_in_a_row(l, "198.51.100.1", 100) == 100);
        CHECK(l.size() == 0);
    }
}

TEST_CASE("addresses are keyed as a client is: IPv4 as is, IPv6 by its /64", "[rate_limiter]") {
    using server::rate_limiter;
    CHECK(rate_limiter::bucket_key("203.0.113.7") == "203.0.113.7");
    CHECK(rate_limiter::bucket_key("::ffff:203.0.113.7") == "203.0.113.7");
    CHECK(rate_limiter::bucket_key("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64");
    CHECK(rate_limiter::bucket_key("2001:DB8:1:2:bbbb:cccc:dddd:eeee") == "2001:db8:1:2::/64");
    CHECK(rate_limiter::bucket_key("fe80::1%eth0") == "fe80::/64");
    CHECK(rate_limiter::bucket_key("not an address") == "not an address");
    CHECK(rate_limiter::bucket_key("") == "");

    CHECK(rate_limiter::is_loopback("127.0.0.1"));
    CHECK(rate_limiter::is_loopback("127.255.255.254"));
    CHECK(rate_limiter::is_loopback("::1"));
    CHECK(rate_limiter::is_loopback("::ffff:127.0.0.1"));
    CHECK_FALSE(rate_limiter::is_loopback("128.0.0.1"));
    CHECK_FALSE(rate_limiter::is_loopback("::2"));
    CHECK_FALSE(rate_limiter::is_loopback("10.0.0.1"));
    CHECK_FALSE(rate_limiter::is_loopback("localhost"));
    CHECK_FALSE(rate_limiter::is_loopback(""));

    SECTION("rotating through one /64 does not escape the limit") {
        fake_clock t;
        server::rate_limiter l{per_minute(10, 3), t.fn()};
        CHECK(l.acquire("2001:db8:0:1::1").allowed);
        CHECK(l.acquire("2001:db8:0:1::2").allowed);
        CHECK(l.acquire("2001:db8:0:1:ffff::3").allowed);
        CHECK_FALSE(l.acquire("2001:db8:0:1::4").allowed);
        CHECK(l.acquire("2001:db8:0:2::1").allowed);
    }
}

TEST_CASE("a flood of distinct addresses cannot grow memory beyond the cap", "[rate_limiter]") {
    fake_clock t;
    auto c = per_minute(10, 2);
    c.max_clients = 256;
    server::rate_limiter l{c, t.fn()};
    for (int i = 0; i < 100000; ++i) {
        const auto address = "10." + std::to_string((i >> 16) & 255) + "." + std::to_string((i >> 8) & 255) + "." +
                             std::to_string(i & 255);
        CHECK(l.acquire(address).allowed);
    }
    CHECK(l.size() <= 256);
    CHECK(l.size() >= 128);  // the cap is spread over shards, but it is used
}

TEST_CASE("buckets that are full again are dropped first", "[rate_limiter]") {
    fake_clock t;
    auto c = per_minute(60, 1);  // a bucket is full again 1 s after its last use
    c.max_clients = 100000;
    server::rate_limiter l{c, t.fn()};
    for (int i = 0; i < 1000; ++i)
        CHECK(l.acquire("10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256)).allowed);
    CHECK(l.size() == 1000);
    t.now += 2s;
    // Each new address drops up to two idle ones: the map shrinks back instead of keeping every idle client.
    for (int i = 0; i < 1000; ++i)
        CHECK(l.acquire("10.1." + std::to_string(i / 256) + "." + std::to_string(i % 256)).allowed);
    CHECK(l.size() < 1100);
}

TEST_CASE("a limited client stays limited while other addresses come and go", "[rate_limiter]") {
    fake_clock t;
    auto c = per_minute(1, 1);
    c.max_clients = 100000;
    server::rate_limiter l{c, t.fn()};
    CHECK(l.acquire("198.51.100.1").allowed);
    for (int i = 0; i < 5000; ++i) (void)l.acquire("10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256));
    CHECK_FALSE(l.acquire("198.51.100.1").allowed);
}

TEST_CASE("concurrent submissions from one address get exactly the burst", "[rate_limiter]") {
    fake_clock t;  // frozen: no refill while the threads run
    server::rate_limiter l{per_minute(10, 40), t.fn()};
    std::atomic<int> allowed{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&] {
            for (int j = 0; j < 100; ++j)
                if (l.acquire("203.0.113.9").allowed) ++allowed;
        });
    for (auto& th : threads) th.join();
    CHECK(allowed.load() == 40);
}

TEST_CASE("too_many_requests is 429 with its own code and a German and an English message", "[rate_limiter]") {
    const auto info = domain::describe(domain::errc::too_many_requests);
    CHECK(info.http_status == 429);
    CHECK(info.code == "too_many_requests");
    CHECK(domain::message(domain::errc::too_many_requests, domain::lang::de) ==
          "Zu viele Anmeldungen in kurzer Zeit. Bitte versuchen Sie es in Kürze noch einmal.");
    CHECK(domain::message(domain::errc::too_many_requests, domain::lang::en) ==
          "Too many submissions in a short time. Please try again shortly.");
}

TEST_CASE("the rate limit options set rate and window and burst and loopback", "[rate_limiter][options]") {
    auto parse = [](std::vector<std::string> args) { return server::parse_options(args, ""); };

    auto defaults = parse({});
    CHECK(defaults.cfg.app.rate_limit.per_window == 20);
    CHECK(defaults.cfg.app.rate_limit.window == 60s);
    CHECK(defaults.cfg.app.rate_limit.burst == 10);
    CHECK_FALSE(defaults.cfg.app.rate_limit.limit_loopback);

    auto o = parse({"--rate-limit", "5", "--rate-burst", "2", "--rate-limit-loopback"});
    REQUIRE(o.error.empty());
    CHECK(o.cfg.app.rate_limit.per_window == 5);
    CHECK(o.cfg.app.rate_limit.window == 60s);
    CHECK(o.cfg.app.rate_limit.burst == 2);
    CHECK(o.cfg.app.rate_limit.limit_loopback);

    CHECK(parse({"--rate-limit", "3/s"}).cfg.app.rate_limit.window == 1s);
    CHECK(parse({"--rate-limit", "30/min"}).cfg.app.rate_limit.window == 60s);
    CHECK(parse({"--rate-limit", "100/h"}).cfg.app.rate_limit.window == 3600s);
    CHECK(parse({"--rate-limit", "0"}).cfg.app.rate_limit.per_window == 0);

    for (std::vector<std::string> bad : {std::vector<std::string>{"--rate-limit"},
                                         {"--rate-limit", "-1"},
                                         {"--rate-limit", "ten"},
                                         {"--rate-limit", "5/day"},
                                         {"--rate-limit", "5/"},
                                         {"--rate-limit", "100001"},
                                         {"--rate-burst", "0"},
                                         {"--rate-burst", "10001"},
                                         {"--rate-burst"}}) {
        INFO(bad.back());
        CHECK(parse(bad).error.find(bad.front()) == 0);
    }
    const auto usage = server::usage_text();
    CHECK(usage.find("--rate-limit N") != std::string::npos);
    CHECK(usage.find("--rate-burst N") != std::string::npos);
    CHECK(usage.find("--rate-limit-loopback") != std::string::npos);
}
