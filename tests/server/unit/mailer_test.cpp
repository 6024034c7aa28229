// The mailer's pure parts: when a failed delivery is tried again, and when mails wait for a rush to pass.
#include "server/mail/mailer.hpp"

#include <catch2/catch.hpp>

using seminard::server::retry_delay;
using seminard::server::rush_gauge;
using namespace std::chrono_literals;

TEST_CASE("retries wait twice as long each time, up to the cap", "[mailer]") {
    CHECK(retry_delay(1, 30s, 3600s) == 30s);
    CHECK(retry_delay(2, 30s, 3600s) == 60s);
    CHECK(retry_delay(3, 30s, 3600s) == 120s);
    CHECK(retry_delay(8, 30s, 3600s) == 3600s);  // 30 · 2^7 = 3840 s, capped
    CHECK(retry_delay(1000, 30s, 3600s) == 3600s);
    CHECK(retry_delay(0, 30s, 3600s) == 30s);
}

TEST_CASE("mails wait while the writer is in a rush, and trickle through when it lasts", "[mailer]") {
    rush_gauge rush{100, 30s};
    const auto t0 = std::chrono::steady_clock::time_point{} + 1000s;
    std::uint64_t commands = 0;
    CHECK_FALSE(rush.should_wait(commands, t0));  // the first sample only sets the baseline

    // 10 writes in a second: quiet.
    commands += 10;
    CHECK_FALSE(rush.should_wait(commands, t0 + 1s));

    // 500 writes in the next second: a rush. Between samples the decision holds.
    commands += 500;
    CHECK(rush.should_wait(commands, t0 + 2s));
    CHECK(rush.should_wait(commands, t0 + 2s + 100ms));

    // The rush goes on for 30 s: then one batch a second is let through.
    auto t = t0 + 2s;
    bool let_through = false;
    for (int i = 1; i <= 29; ++i) {
        commands += 500;
        t += 1s;
        CHECK(rush.should_wait(commands, t));
    }
    commands += 500;
    t += 1s;
    let_through = !rush.should_wait(commands, t);
    CHECK(let_through);
    commands += 250;
    CHECK(rush.should_wait(commands, t + 500ms));  // not again within the same second
    commands += 250;
    CHECK_FALSE(rush.should_wait(commands, t + 1s));

    // The rush ends: mails go at once.
    commands += 20;
    CHECK_FALSE(rush.should_wait(commands, t + 2s));
}
