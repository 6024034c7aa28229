// Tests for a date's public offer: state, seats left, registration open, past.
#include "domain/offer.hpp"
#include <catch2/catch.hpp>

#include "domain/schedule.hpp"

using namespace seminard::domain;
using std::chrono::hours;
using std::chrono::seconds;

namespace {

date::year_month_day ymd(int y, unsigned m, unsigned d) {
    return date::year_month_day{date::year{y}, date::month{m}, date::day{d}};
}

instant utc(int y, unsigned m, unsigned d, int h) { return date::sys_days{ymd(y, m, d)} + hours{h}; }

/// 27./28. January 2027, 09:00–17:00 in Berlin (08:00Z to 16:00Z), 12 seats.
seminar_date january_date(bool waitlist = true) {
    seminar_date d;
    d.timezone = "Europe/Berlin";
    d.days = {{ymd(2027, 1, 27), hours{9}, hours{17}}, {ymd(2027, 1, 28), hours{9}, hours{17}}};
    d.capacity = 12;
    d.waitlist = waitlist;
    return d;
}

const instant before = utc(2027, 1, 10, 12);
const instant first_start_utc = utc(2027, 1, 27, 8);
const instant last_end_utc = utc(2027, 1, 28, 16);

}  // namespace

TEST_CASE("a date with free seats is open and says how many are left") {
    auto o = offer_of(january_date(), {9, 0}, before);
    CHECK(o.state == offer_state::open);
    CHECK(o.seats_left == 3);
    CHECK(o.registration_open);
    CHECK_FALSE(o.past);

    CHECK(offer_of(january_date(), {11, 0}, before).seats_left == 1);
    CHECK(offer_of(january_date(), {}, before).seats_left == 12);
}

TEST_CASE("a full date offers its waiting list, or is full without one") {
    auto waiting = offer_of(january_date(true), {12, 4}, before);
    CHECK(waiting.state == offer_state::waitlist);
    CHECK(waiting.seats_left == 0);
    CHECK(waiting.registration_open);

    auto full = offer_of(january_date(false), {12, 0}, before);
    CHECK(full.state == offer_state::full);
    CHECK(full.seats_left == 0);
    CHECK(full.registration_open);
}

TEST_CASE("more confirmed people than seats leave no seat, never a negative count") {
    auto o = offer_of(january_date(false), {14, 0}, before);
    CHECK(o.seats_left == 0);
    CHECK(o.state == offer_state::full);
}

TEST_CASE("a cancelled date has no seats left and is cancelled until it is over") {
    auto d = january_date();
    d.status = date_status::cancelled;
    auto o = offer_of(d, {3, 0}, before);
    CHECK(o.state == offer_state::cancelled);
    CHECK(o.seats_left == 0);
    CHECK_FALSE(o.registration_open);
    CHECK_FALSE(o.past);

    // Cancelled wins over closed: after the deadline it still reads as cancelled.
    CHECK(offer_of(d, {3, 0}, first_start_utc).state == offer_state::cancelled);
}

TEST_CASE("a date past its registration deadline is closed, with its seats still counted") {
    auto d = january_date();
    d.registration_closes_at = utc(2027, 1, 20, 12);
    auto o = offer_of(d, {3, 0}, utc(2027, 1, 20, 12));
    CHECK(o.state == offer_state::closed);
    CHECK(o.seats_left == 9);
    CHECK_FALSE(o.registration_open);
    CHECK_FALSE(o.past);
    CHECK(offer_of(d, {3, 0}, utc(2027, 1, 20, 12) - seconds{1}).state == offer_state::open);

    SECTION("without a deadline, registration closes when the first day starts") {
        CHECK(offer_of(january_date(), {}, first_start_utc - seconds{1}).state == offer_state::open);
        CHECK(offer_of(january_date(), {}, first_start_utc).state == offer_state::closed);
        CHECK(offer_of(january_date(), {12, 2}, first_start_utc).state ==
              offer_state::closed);  // closed wins over full
    }
}

TEST_CASE("a date whose last day has ended is past, whatever else holds") {
    CHECK(offer_of(january_date(), {}, last_end_utc - seconds{1}).state == offer_state::closed);
    auto o = offer_of(january_date(), {}, last_end_utc);
    CHECK(o.state == offer_state::past);
    CHECK(o.past);
    CHECK_FALSE(o.registration_open);
    CHECK(o.seats_left == 12);

    auto cancelled = january_date();
    cancelled.status = date_status::cancelled;
    CHECK(offer_of(cancelled, {}, last_end_utc).state == offer_state::past);  // past wins over cancelled
    CHECK(offer_of(january_date(false), {12, 0}, last_end_utc).state == offer_state::past);
}

TEST_CASE("the offer's flags are the schedule's deadline and end") {
    auto d = january_date();
    d.registration_closes_at = utc(2027, 1, 20, 12);
    for (auto now : {before, utc(2027, 1, 20, 12), first_start_utc, last_end_utc - seconds{1}, last_end_utc}) {
        auto o = offer_of(d, {5, 0}, now);
        CHECK(o.registration_open == registration_open(d, now));
        CHECK(o.past == is_past(d, now));
    }
}

TEST_CASE("the feed lists a scheduled date until its last day ends") {
    CHECK(in_feed(january_date(), before));
    CHECK(in_feed(january_date(), first_start_utc));  // running dates stay in, though registration has closed
    CHECK(in_feed(january_date(), last_end_utc - seconds{1}));
    CHECK_FALSE(in_feed(january_date(), last_end_utc));
}

TEST_CASE("the feed leaves out cancelled dates and dates without days") {
    auto cancelled = january_date();
    cancelled.status = date_status::cancelled;
    CHECK_FALSE(in_feed(cancelled, before));

    auto empty = january_date();
    empty.days.clear();
    CHECK_FALSE(in_feed(empty, before));

    auto full = january_date(false);
    CHECK(in_feed(full, before));  // seats do not matter to the feed
}
