// Tests for the seat rules and registration codes.
#include "domain/admission.hpp"

#include "domain/schedule.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>

using namespace seminard::domain;

namespace {

using code_bytes = std::array<std::uint8_t, code_random_bytes>;

using std::chrono::hours;
using std::chrono::seconds;

/// 27./28. January 2027, 09:00–17:00 in Berlin: the first day starts at 08:00Z.
seminar_date january_date(int capacity = 12) {
    seminar_date d;
    d.timezone = "Europe/Berlin";
    d.days = {{date::year{2027} / date::January / date::day{27}, hours{9}, hours{17}},
              {date::year{2027} / date::January / date::day{28}, hours{9}, hours{17}}};
    d.capacity = capacity;
    d.waitlist = true;
    return d;
}

const instant first_start_utc = date::sys_days{date::year{2027} / date::January / date::day{27}} + hours{8};
const instant before = first_start_utc - hours{24 * 7};

instant utc(int y, unsigned m, unsigned d, int h) {
    return date::sys_days{date::year{y} / date::month{m} / date::day{d}} + hours{h};
}

/// One day in Berlin starting at `start`, until 17:00.
seminar_date berlin_date(date::year_month_day day, std::chrono::minutes start) {
    seminar_date d;
    d.timezone = "Europe/Berlin";
    d.days = {{day, start, hours{17}}};
    d.capacity = 12;
    return d;
}

seminar with_deadline(int days) {
    seminar s;
    s.self_cancel_days = days;
    return s;
}

bool is_code_symbol(char c) {
    return std::string_view{"0123456789ABCDEFGHJKMNPQRSTVWXYZ"}.find(c) != std::string_view::npos;
}

}  // namespace

TEST_CASE("a newcomer gets a free seat when nobody waits") {
    CHECK(admit(12, 0, 0, false) == admission::confirmed);
    CHECK(admit(12, 11, 0, true) == admission::confirmed);
    CHECK(admit(1, 0, 0, false) == admission::confirmed);
}

TEST_CASE("a newcomer waits when the date is full and has a waiting list") {
    CHECK(admit(12, 12, 0, true) == admission::waitlisted);
    CHECK(admit(12, 12, 5, true) == admission::waitlisted);
}

TEST_CASE("a newcomer is turned away when the date is full without a waiting list") {
    CHECK(admit(12, 12, 0, false) == admission::full);
    // Over capacity (capacity was lowered by hand in storage) is still full, never a seat.
    CHECK(admit(10, 12, 0, false) == admission::full);
    CHECK(admit(10, 12, 0, true) == admission::waitlisted);
}

TEST_CASE("a newcomer waits when somebody is already waiting, even with a free seat") {
    CHECK(admit(12, 11, 1, true) == admission::waitlisted);
    // Without a waiting list (switched off while people still wait) nobody may jump the queue either.
    CHECK(admit(12, 11, 1, false) == admission::full);
}

TEST_CASE("free seats promote as many waiting people as fit") {
    CHECK(promotions(12, 12, 3) == 0);
    CHECK(promotions(12, 11, 3) == 1);
    CHECK(promotions(20, 12, 3) == 3);
    CHECK(promotions(12, 10, 0) == 0);
    CHECK(promotions(10, 12, 3) == 0);  // over capacity: nobody moves, nothing negative
}

TEST_CASE("before a date begins, free seats promote from its waiting list") {
    CHECK(promotions(january_date(), {10, 5}, before) == 2);
    CHECK(promotions(january_date(), {10, 5}, first_start_utc - seconds{1}) == 2);
    CHECK(promotions(january_date(), {12, 5}, before) == 0);
    CHECK(promotions(january_date(), {9, 0}, before) == 0);
}

TEST_CASE("a date that has begun promotes nobody") {
    CHECK(promotions(january_date(), {10, 5}, first_start_utc) == 0);
    CHECK(promotions(january_date(), {0, 5}, first_start_utc + hours{30}) == 0);       // second day
    CHECK(promotions(january_date(), {0, 5}, first_start_utc + hours{24 * 30}) == 0);  // long over
}

TEST_CASE("a cancelled date promotes nobody") {
    auto d = january_date();
    d.status = date_status::cancelled;
    CHECK(promotions(d, {0, 5}, before) == 0);
}

TEST_CASE("attendees may cancel until the first day starts when the seminar sets no deadline") {
    const seminar s;  // self_cancel_days: none
    CHECK(self_cancel_deadline(s, january_date()) == first_start_utc);
    CHECK(may_cancel(canceller::attendee, s, january_date(), before));
    CHECK(may_cancel(canceller::attendee, s, january_date(), first_start_utc - seconds{1}));
    CHECK_FALSE(may_cancel(canceller::attendee, s, january_date(), first_start_utc));
    CHECK_FALSE(may_cancel(canceller::attendee, s, january_date(), first_start_utc + hours{30}));
}

TEST_CASE("a deadline of 0 days is the start of the first day") {
    const auto s = with_deadline(0);
    CHECK(self_cancel_deadline(s, january_date()) == first_start_utc);
    CHECK(may_cancel(canceller::attendee, s, january_date(), first_start_utc - seconds{1}));
    CHECK_FALSE(may_cancel(canceller::attendee, s, january_date(), first_start_utc));
}

TEST_CASE("with N days attendees may cancel until the same hour N calendar days before the first day") {
    const auto s = with_deadline(14);
    // 13 January 2027, 09:00 in Berlin (08:00Z): no clock change in between.
    const instant deadline = utc(2027, 1, 13, 8);
    CHECK(self_cancel_deadline(s, january_date()) == deadline);
    CHECK(may_cancel(canceller::attendee, s, january_date(), deadline - seconds{1}));
    CHECK_FALSE(may_cancel(canceller::attendee, s, january_date(), deadline));
    CHECK_FALSE(may_cancel(canceller::attendee, s, january_date(), first_start_utc - seconds{1}));
    // A registration already cancelled cannot be cancelled again, deadline or not.
    registration r;
    CHECK(self_cancellable(s, january_date(), r, deadline - seconds{1}));
    CHECK_FALSE(self_cancellable(s, january_date(), r, deadline));
    r.status = registration_status::cancelled;
    CHECK_FALSE(self_cancellable(s, january_date(), r, deadline - seconds{1}));
}

TEST_CASE("a clock change between the deadline and the first day does not move the deadline by an hour") {
    const auto s = with_deadline(14);
    SECTION("spring: 09:00 CEST on 7 April, 09:00 CET on 24 March") {
        const auto d = berlin_date(date::year{2027} / date::April / date::day{7}, hours{9});
        CHECK(first_start(d) == utc(2027, 4, 7, 7));
        CHECK(self_cancel_deadline(s, d) == utc(2027, 3, 24, 8));  // 14 × 24 h back would be 07:00Z, 08:00 local
    }
    SECTION("autumn: 09:00 CET on 3 November, 09:00 CEST on 20 October") {
        const auto d = berlin_date(date::year{2027} / date::November / date::day{3}, hours{9});
        CHECK(first_start(d) == utc(2027, 11, 3, 8));
        CHECK(self_cancel_deadline(s, d) == utc(2027, 10, 20, 7));
    }
    SECTION("in the date's own zone: New York changes on 14 March 2027") {
        auto d = berlin_date(date::year{2027} / date::March / date::day{20}, hours{9});
        d.timezone = "America/New_York";
        CHECK(first_start(d) == utc(2027, 3, 20, 13));                             // EDT, UTC−4
        CHECK(self_cancel_deadline(with_deadline(7), d) == utc(2027, 3, 13, 14));  // EST, UTC−5
    }
    SECTION("a deadline in the hour the clocks skip moves to the change") {
        // 02:30 on 11 April exists; 14 days before it, on 28 March, the clocks jump from 02:00 to 03:00 (01:00Z).
        const auto d = berlin_date(date::year{2027} / date::April / date::day{11}, hours{2} + std::chrono::minutes{30});
        CHECK(self_cancel_deadline(s, d) == utc(2027, 3, 28, 1));
    }
}

TEST_CASE("the organiser may always cancel a registration") {
    for (const auto& s : {seminar{}, with_deadline(0), with_deadline(14), with_deadline(365)}) {
        CHECK(may_cancel(canceller::organiser, s, january_date(), before));
        CHECK(may_cancel(canceller::organiser, s, january_date(), utc(2027, 1, 20, 12)));  // past a 14-day deadline
        CHECK(may_cancel(canceller::organiser, s, january_date(), first_start_utc));
        CHECK(may_cancel(canceller::organiser, s, january_date(), first_start_utc + hours{24 * 30}));
        auto d = january_date();
        d.status = date_status::cancelled;
        CHECK(may_cancel(canceller::organiser, s, d, first_start_utc));
    }
}

TEST_CASE("a registration code is eight Crockford symbols with a hyphen in the middle") {
    auto code = make_code(code_bytes{0x12, 0x34, 0x56, 0x78, 0x9A});
    REQUIRE(code.size() == 9);
    CHECK(code[4] == '-');
    for (std::size_t i = 0; i < code.size(); ++i)
        if (i != 4) CHECK(is_code_symbol(code[i]));
}

TEST_CASE("a registration code encodes its 40 bits most significant first") {
    CHECK(make_code(code_bytes{0, 0, 0, 0, 0}) == "0000-0000");
    CHECK(make_code(code_bytes{0xFF, 0xFF, 0xFF, 0xFF, 0xFF}) == "ZZZZ-ZZZZ");
    CHECK(make_code(code_bytes{0, 0, 0, 0, 1}) == "0000-0001");
    CHECK(make_code(code_bytes{0x80, 0, 0, 0, 0}) == "G000-0000");  // top 5 bits 10000 = 16 = 'G'
    // 0x0123456789 in groups of five bits: 00000 00100 10001 10100 01010 11001 11100 01001
    CHECK(make_code(code_bytes{0x01, 0x23, 0x45, 0x67, 0x89}) == "04HM-ASW9");
}

TEST_CASE("the same random bytes give the same code, different bytes different codes") {
    code_bytes a{1, 2, 3, 4, 5};
    CHECK(make_code(a) == make_code(a));
    std::set<std::string> seen;
    for (unsigned i = 0; i < 256; ++i) seen.insert(make_code(code_bytes{0, 0, 0, 0, static_cast<std::uint8_t>(i)}));
    CHECK(seen.size() == 256);
}

TEST_CASE("a made code reads back as itself") {
    auto code = make_code(code_bytes{0xDE, 0xAD, 0xBE, 0xEF, 0x42});
    CHECK(canonical_code(code) == code);
}

TEST_CASE("a typed code is canonicalised the way people type it") {
    CHECK(canonical_code("04HM-ASW9") == "04HM-ASW9");
    CHECK(canonical_code("04hm-asw9") == "04HM-ASW9");
    CHECK(canonical_code("04HMASW9") == "04HM-ASW9");
    CHECK(canonical_code("04HM ASW9") == "04HM-ASW9");
    CHECK(canonical_code(" 04HM-ASW9 ") == "04HM-ASW9");
    CHECK(canonical_code("O4HM-ASW9") == "04HM-ASW9");  // letter O for zero
    CHECK(canonical_code("o4hm-asw9") == "04HM-ASW9");
    CHECK(canonical_code("I1LL-il00") == "1111-1100");  // I and L for one
}

TEST_CASE("a typed code of the wrong length is refused") {
    CHECK(canonical_code("").empty());
    CHECK(canonical_code("04HM-ASW").empty());
    CHECK(canonical_code("04HM-ASW99").empty());
    CHECK(canonical_code("----").empty());
}

TEST_CASE("a typed code with characters outside the alphabet is refused") {
    CHECK(canonical_code("04HM-ASWU").empty());  // U is not in Crockford's alphabet
    CHECK(canonical_code("04HM_ASW9").empty());
    CHECK(canonical_code("04HM-ASW*").empty());
    CHECK(canonical_code("04HM-ASWÄ").empty());
    CHECK(canonical_code(std::string_view{"04HM\0ASW9", 9}).empty());
}
