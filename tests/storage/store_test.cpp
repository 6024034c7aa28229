// Tests of the store's rules, run through the writer as the server runs them: seats, waiting list, duplicates,
// closing, cancellation and promotion, date and seminar changes, the organiser's list, codes and tokens.
#include "storage/store.hpp"

#include <catch2/catch.hpp>

#include "domain/admission.hpp"
#include "domain/schedule.hpp"
#include "storage/export_cursor.hpp"
#include "storage/outbox.hpp"
#include "storage/writer.hpp"
#include "temp_db.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace storage = seminard::storage;
namespace domain = seminard::domain;
using namespace std::chrono_literals;
using domain::errc;
using domain::registration_status;
using seminard::test::db_in;
using seminard::test::temp_dir;

namespace {

/// "Now" in most tests: well before the date below.
const domain::instant before_date = date::sys_days{date::year{2026} / 12 / 1} + 10h;
/// The date's days: 27./28. January 2027, 09:00-17:00 in Berlin, so the first day starts at 08:00 UTC.
const domain::instant first_start = date::sys_days{date::year{2027} / 1 / 27} + 8h;

domain::seminar_day day(unsigned d, int from_h = 9, int to_h = 17) {
    return {date::year{2027} / 1 / d, domain::clock_time{from_h * 60}, domain::clock_time{to_h * 60}};
}

domain::attendee person(std::string email, std::string first = "Anna") {
    return {std::move(first), "Muster", std::move(email), "Beispiel GmbH", "Marketing", "+49 89 123456"};
}

/// A writer, a reader connection and one seminar in a fresh database.
struct store_env {
    temp_dir dir;
    storage::db_options opts = db_in(dir, false);  // NORMAL: durability is not under test here, speed is
    storage::writer w{opts};
    storage::connection rd{opts, storage::access::read_only};
    domain::seminar sem = add_seminar("linkedin-marketing", "LinkedIn Marketing für Unternehmen");

    domain::seminar add_seminar(const std::string& slug, const std::string& title) {
        domain::seminar s;
        s.slug = slug;
        s.title = title;
        s.location = "München";
        s.price_cents = 149000;
        s.organizer_name = "Beispiel Kommunikation";
        s.organizer_email = "seminare@example.org";
        auto r =
            w.run<domain::seminar>([s](storage::connection& c) { return storage::create_seminar(c, s, before_date); });
        REQUIRE(r.ok());
        return r.value();
    }

    domain::seminar_date add_date(int capacity,
                                  bool waitlist,
                                  std::optional<domain::instant> closes = std::nullopt,
                                  std::int64_t seminar_id = 0) {
        domain::seminar_date d;
        d.seminar_id = seminar_id ? seminar_id : sem.id;
        d.timezone = "Europe/Berlin";
        d.days = {day(27), day(28)};
        d.capacity = capacity;
        d.waitlist = waitlist;
        d.registration_closes_at = closes;
        auto r = w.run<domain::seminar_date>(
            [d](storage::connection& c) { return storage::create_date(c, d, before_date); });
        REQUIRE(r.ok());
        return r.value();
    }

    domain::result<storage::registration_change> reg(std::int64_t date_id,
                                                     const std::string& email,
                                                     domain::instant now = before_date) {
        return w.run<storage::registration_change>([date_id, p = person(email), now](storage::connection& c) {
            return storage::register_attendee(c, date_id, p, now);
        });
    }

    /// Registers and requires success.
    domain::registration reg_ok(std::int64_t date_id, const std::string& email) {
        auto r = reg(date_id, email);
        REQUIRE(r.ok());
        return r->registration;
    }

    domain::result<storage::registration_change> cancel(std::int64_t id,
                                                        storage::canceller who = storage::canceller::organiser,
                                                        domain::instant now = before_date) {
        return w.run<storage::registration_change>(
            [id, who, now](storage::connection& c) { return storage::cancel_registration(c, id, who, now); });
    }

    domain::result<storage::date_update> patch(std::int64_t date_id,
                                               const domain::date_input& in,
                                               domain::instant now = before_date) {
        return w.run<storage::date_update>(
            [date_id, in, now](storage::connection& c) { return storage::update_date(c, date_id, in, now); });
    }

    domain::registration by_code(const std::string& code) {
        auto r = storage::find_registration_by_code(rd, code);
        REQUIRE(r.has_value());
        return *r;
    }

    std::vector<int> waitlist_positions(std::int64_t date_id) {
        auto page = storage::list_registrations(rd, date_id, registration_status::waitlisted, 1000, 0);
        std::vector<int> out;
        for (const auto& r : page.items) out.push_back(r.waitlist_position.value_or(-1));
        return out;
    }
};

std::vector<int> one_to(int n) {
    std::vector<int> v(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = i + 1;
    return v;
}

}  // namespace

// ---- admission -----------------------------------------------------------------------------------------------

TEST_CASE("registrations are confirmed up to capacity, then waitlisted in arrival order with positions 1..n",
          "[store][register]") {
    store_env env;
    const auto d = env.add_date(2, true);
    std::vector<domain::registration> regs;
    for (int i = 0; i < 5; ++i) regs.push_back(env.reg_ok(d.id, "p" + std::to_string(i) + "@example.org"));

    CHECK(regs[0].status == registration_status::confirmed);
    CHECK(regs[1].status == registration_status::confirmed);
    CHECK_FALSE(regs[0].waitlist_position.has_value());
    for (int i = 2; i < 5; ++i) {
        CHECK(regs[static_cast<std::size_t>(i)].status == registration_status::waitlisted);
        CHECK(regs[static_cast<std::size_t>(i)].waitlist_position == i - 1);  // what the command answered
        CHECK(env.by_code(regs[static_cast<std::size_t>(i)].code).waitlist_position == i - 1);  // what is stored
    }
    const auto a = storage::availability(env.rd, d.id);
    CHECK(a.confirmed == 2);
    CHECK(a.waitlisted == 3);
    CHECK(env.waitlist_positions(d.id) == std::vector<int>{1, 2, 3});
}

TEST_CASE("a date without a waiting list answers full once its seats are taken and stores nothing",
          "[store][register]") {
    store_env env;
    const auto d = env.add_date(1, false);
    env.reg_ok(d.id, "first@example.org");
    auto r = env.reg(d.id, "second@example.org");
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().code == errc::full);
    const auto page = storage::list_registrations(env.rd, d.id, std::nullopt, 100, 0);
    CHECK(page.total == 1);
}

TEST_CASE("registering for an unknown date is not_found", "[store][register]") {
    store_env env;
    auto r = env.reg(4242, "a@example.org");
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().code == errc::not_found);
}

TEST_CASE("on a full date without a waiting list a booked address hears full like everyone else", "[store][register]") {
    store_env env;
    const auto d = env.add_date(1, false);
    env.reg_ok(d.id, "booked@example.org");
    auto booked = env.reg(d.id, "booked@example.org");
    REQUIRE_FALSE(booked.ok());
    CHECK(booked.err().code == errc::full);  // not already_registered: that would tell who is booked
    auto stranger = env.reg(d.id, "stranger@example.org");
    REQUIRE_FALSE(stranger.ok());
    CHECK(stranger.err().code == errc::full);
}

TEST_CASE("one e-mail holds one active registration per date, compared case-insensitively and trimmed",
          "[store][register]") {
    store_env env;
    const auto d = env.add_date(5, true);
    const auto first = env.reg_ok(d.id, "Anna.Muster@Example.org");

    for (const char* again : {"Anna.Muster@Example.org", "anna.muster@example.org", " ANNA.MUSTER@EXAMPLE.ORG "}) {
        INFO(again);
        auto r = env.reg(d.id, again);
        REQUIRE_FALSE(r.ok());
        CHECK(r.err().code == errc::already_registered);
        CHECK(r.err().detail.empty());  // reveals nothing about the existing registration
    }
    CHECK(storage::list_registrations(env.rd, d.id, std::nullopt, 100, 0).total == 1);

    SECTION("the same person may register for another date") {
        const auto other = env.add_date(5, true);
        CHECK(env.reg(other.id, "anna.muster@example.org").ok());
    }
    SECTION("after a cancellation the same e-mail can register again") {
        REQUIRE(env.cancel(first.id).ok());
        auto again = env.reg(d.id, "anna.muster@example.org");
        REQUIRE(again.ok());
        CHECK(again->registration.status == registration_status::confirmed);
        CHECK(again->registration.code != first.code);
        CHECK(storage::list_registrations(env.rd, d.id, std::nullopt, 100, 0).total == 2);
    }
}

TEST_CASE("a cancelled date, a past date and a date past its deadline take no registrations", "[store][register]") {
    store_env env;

    SECTION("cancelled") {
        const auto d = env.add_date(5, true);
        domain::date_input cancel;
        cancel.status = "cancelled";
        REQUIRE(env.patch(d.id, cancel).ok());
        auto r = env.reg(d.id, "a@example.org");
        REQUIRE_FALSE(r.ok());
        CHECK(r.err().code == errc::registration_closed);
    }
    SECTION("past: registration closes when the first day starts") {
        const auto d = env.add_date(5, true);
        CHECK(env.reg(d.id, "just-in-time@example.org", first_start - 1s).ok());
        auto at_start = env.reg(d.id, "at-start@example.org", first_start);
        REQUIRE_FALSE(at_start.ok());
        CHECK(at_start.err().code == errc::registration_closed);
        auto later = env.reg(d.id, "later@example.org", first_start + 24h * 30);
        REQUIRE_FALSE(later.ok());
        CHECK(later.err().code == errc::registration_closed);
    }
    SECTION("deadline passed") {
        const auto deadline = date::sys_days{date::year{2027} / 1 / 20} + 11h;
        const auto d = env.add_date(5, true, deadline);
        CHECK(env.reg(d.id, "early@example.org", deadline - 1s).ok());
        auto r = env.reg(d.id, "late@example.org", deadline);
        REQUIRE_FALSE(r.ok());
        CHECK(r.err().code == errc::registration_closed);
    }
    SECTION("closed refusals store nothing") {
        const auto d = env.add_date(5, true);
        (void)env.reg(d.id, "x@example.org", first_start);
        CHECK(storage::list_registrations(env.rd, d.id, std::nullopt, 100, 0).total == 0);
    }
}

// ---- cancellation ----------------------------------------------------------------------------------------------

TEST_CASE("a cancellation promotes the first on the waiting list in the same command", "[store][cancel]") {
    store_env env;
    const auto d = env.add_date(2, true);
    const auto a = env.reg_ok(d.id, "a@example.org");
    env.reg_ok(d.id, "b@example.org");
    const auto c = env.reg_ok(d.id, "c@example.org");
    const auto e = env.reg_ok(d.id, "e@example.org");

    const auto cancel_at = before_date + 1h;
    auto r = env.cancel(a.id, storage::canceller::attendee, cancel_at);
    REQUIRE(r.ok());
    CHECK(r->registration.id == a.id);
    CHECK(r->registration.status == registration_status::cancelled);
    CHECK(r->registration.cancelled_at == cancel_at);
    CHECK(r->token.empty());
    REQUIRE(r->promoted.size() == 1);
    CHECK(r->promoted[0].id == c.id);
    CHECK(r->promoted[0].status == registration_status::confirmed);
    CHECK_FALSE(r->promoted[0].waitlist_position.has_value());

    CHECK(env.by_code(c.code).status == registration_status::confirmed);
    CHECK(env.by_code(e.code).waitlist_position == 1);  // moved up from 2
    const auto av = storage::availability(env.rd, d.id);
    CHECK(av.confirmed == 2);
    CHECK(av.waitlisted == 1);
}

TEST_CASE("cancelling someone on the waiting list closes the gap and promotes nobody", "[store][cancel]") {
    store_env env;
    const auto d = env.add_date(1, true);
    env.reg_ok(d.id, "seat@example.org");
    std::vector<domain::registration> waiting;
    for (int i = 0; i < 4; ++i) waiting.push_back(env.reg_ok(d.id, "w" + std::to_string(i) + "@example.org"));
    REQUIRE(env.waitlist_positions(d.id) == std::vector<int>{1, 2, 3, 4});

    auto r = env.cancel(waiting[1].id);
    REQUIRE(r.ok());
    CHECK(r->promoted.empty());
    CHECK_FALSE(r->registration.waitlist_position.has_value());
    CHECK(env.waitlist_positions(d.id) == std::vector<int>{1, 2, 3});
    CHECK(env.by_code(waiting[0].code).waitlist_position == 1);
    CHECK(env.by_code(waiting[2].code).waitlist_position == 2);
    CHECK(env.by_code(waiting[3].code).waitlist_position == 3);
}

TEST_CASE("an attendee may cancel until the seminar starts, the organiser always", "[store][cancel]") {
    store_env env;
    const auto d = env.add_date(3, false);
    const auto a = env.reg_ok(d.id, "a@example.org");

    auto late = env.cancel(a.id, storage::canceller::attendee, first_start);
    REQUIRE_FALSE(late.ok());
    CHECK(late.err().code == errc::cancellation_closed);
    CHECK(env.by_code(a.code).status == registration_status::confirmed);

    auto by_organiser = env.cancel(a.id, storage::canceller::organiser, first_start + 1h);
    REQUIRE(by_organiser.ok());
    CHECK(by_organiser->registration.status == registration_status::cancelled);
    CHECK(by_organiser->registration.cancelled_at == first_start + 1h);

    SECTION("an attendee just before the start may") {
        const auto b = env.reg_ok(d.id, "b@example.org");
        CHECK(env.cancel(b.id, storage::canceller::attendee, first_start - 1s).ok());
    }
}

TEST_CASE("a seminar's self-cancel deadline stops attendees, not the organiser, and is stored with the seminar",
          "[store][cancel]") {
    store_env env;
    domain::seminar_input patch;
    patch.cancellation_terms = "Bis 14 Tage vor Beginn kostenfrei,\ndanach 50 %.";
    patch.self_cancel_days = std::optional<int>{14};
    auto changed = env.w.run<domain::seminar>([&patch](storage::connection& c) {
        return storage::update_seminar(c, "linkedin-marketing", patch, before_date);
    });
    REQUIRE(changed.ok());
    const auto stored = storage::find_seminar(env.rd, "linkedin-marketing");
    REQUIRE(stored);
    CHECK(stored->cancellation_terms == "Bis 14 Tage vor Beginn kostenfrei,\ndanach 50 %.");
    CHECK(stored->self_cancel_days == 14);

    const auto d = env.add_date(1, true);
    const auto a = env.reg_ok(d.id, "a@example.org");
    const auto b = env.reg_ok(d.id, "b@example.org");  // waiting
    const auto deadline = first_start - 14 * 24h;      // 13 January, 09:00 in Berlin
    auto late = env.cancel(a.id, storage::canceller::attendee, deadline);
    REQUIRE_FALSE(late.ok());
    CHECK(late.err().code == errc::cancellation_closed);
    CHECK(env.by_code(a.code).status == registration_status::confirmed);
    // The organiser still cancels, and the seat goes to the first one waiting.
    auto by_organiser = env.cancel(a.id, storage::canceller::organiser, deadline + 1h);
    REQUIRE(by_organiser.ok());
    REQUIRE(by_organiser->promoted.size() == 1);
    CHECK(by_organiser->promoted[0].code == b.code);
    REQUIRE(by_organiser->seminar);
    CHECK(by_organiser->seminar->self_cancel_days == 14);
    // Before the deadline the attendee cancels as always.
    const auto waiting = env.reg_ok(d.id, "c@example.org");
    CHECK(env.cancel(waiting.id, storage::canceller::attendee, deadline - 1s).ok());

    // null: until the first day starts again.
    domain::seminar_input clear;
    clear.self_cancel_days = std::optional<int>{};
    REQUIRE(env.w
                .run<domain::seminar>([&clear](storage::connection& c) {
                    return storage::update_seminar(c, "linkedin-marketing", clear, before_date);
                })
                .ok());
    CHECK_FALSE(storage::find_seminar(env.rd, "linkedin-marketing")->self_cancel_days);
    CHECK(env.cancel(b.id, storage::canceller::attendee, deadline + 1h).ok());
}

TEST_CASE("cancelling twice is already_cancelled, an unknown registration is not_found", "[store][cancel]") {
    store_env env;
    const auto d = env.add_date(3, true);
    const auto a = env.reg_ok(d.id, "a@example.org");
    REQUIRE(env.cancel(a.id).ok());
    auto again = env.cancel(a.id);
    REQUIRE_FALSE(again.ok());
    CHECK(again.err().code == errc::already_cancelled);
    auto attendee_again = env.cancel(a.id, storage::canceller::attendee);
    REQUIRE_FALSE(attendee_again.ok());
    CHECK(attendee_again.err().code == errc::already_cancelled);
    auto unknown = env.cancel(987654);
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.err().code == errc::not_found);
}

// ---- changing a date -------------------------------------------------------------------------------------------

TEST_CASE("raising the capacity promotes as many as fit, in arrival order", "[store][update_date]") {
    store_env env;
    const auto d = env.add_date(2, true);
    std::vector<domain::registration> regs;
    for (int i = 0; i < 6; ++i) regs.push_back(env.reg_ok(d.id, "p" + std::to_string(i) + "@example.org"));

    domain::date_input more;
    more.capacity = 5;
    auto r = env.patch(d.id, more);
    REQUIRE(r.ok());
    CHECK(r->date.capacity == 5);
    CHECK(r->date.sequence == 0);  // seats are not calendar data
    REQUIRE(r->promoted.size() == 3);
    CHECK(r->promoted[0].id == regs[2].id);
    CHECK(r->promoted[1].id == regs[3].id);
    CHECK(r->promoted[2].id == regs[4].id);
    CHECK(env.by_code(regs[5].code).waitlist_position == 1);
    const auto av = storage::availability(env.rd, d.id);
    CHECK(av.confirmed == 5);
    CHECK(av.waitlisted == 1);

    SECTION("more seats than people waiting promotes everybody") {
        domain::date_input lots;
        lots.capacity = 50;
        auto r2 = env.patch(d.id, lots);
        REQUIRE(r2.ok());
        REQUIRE(r2->promoted.size() == 1);
        CHECK(r2->promoted[0].id == regs[5].id);
        CHECK(storage::availability(env.rd, d.id).waitlisted == 0);
    }
}

TEST_CASE("capacity below the confirmed count is refused and nothing changes", "[store][update_date]") {
    store_env env;
    const auto d = env.add_date(3, true);
    for (int i = 0; i < 4; ++i) env.reg_ok(d.id, "p" + std::to_string(i) + "@example.org");

    domain::date_input fewer;
    fewer.capacity = 2;
    fewer.days = std::vector<domain::day_input>{{"2027-02-03", "09:00", "17:00"}};  // would bump the sequence
    auto r = env.patch(d.id, fewer);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().code == errc::capacity_below_confirmed);

    const auto after = storage::find_date(env.rd, d.id);
    REQUIRE(after.has_value());
    CHECK(after->capacity == 3);
    CHECK(after->sequence == 0);
    CHECK(after->days == d.days);
    const auto av = storage::availability(env.rd, d.id);
    CHECK(av.confirmed == 3);
    CHECK(av.waitlisted == 1);

    SECTION("capacity equal to the confirmed count is fine") {
        domain::date_input same;
        same.capacity = 3;
        CHECK(env.patch(d.id, same).ok());
    }
}

TEST_CASE("changing the days bumps the sequence and stores the new days", "[store][update_date]") {
    store_env env;
    const auto d = env.add_date(3, true);
    domain::date_input moved;
    moved.days = std::vector<domain::day_input>{{"2027-02-03", "10:00", "16:30"}, {"2027-02-04", "09:00", "12:00"}};
    auto r = env.patch(d.id, moved, before_date + 2h);
    REQUIRE(r.ok());
    CHECK(r->date.sequence == 1);
    CHECK(r->date.updated_at == before_date + 2h);

    const auto stored = storage::find_date(env.rd, d.id);
    REQUIRE(stored.has_value());
    CHECK(stored->sequence == 1);
    REQUIRE(stored->days.size() == 2);
    CHECK(stored->days[0].day == date::year{2027} / 2 / 3);
    CHECK(stored->days[0].start == domain::clock_time{600});
    CHECK(stored->days[0].end == domain::clock_time{990});
    CHECK(stored->days[1].day == date::year{2027} / 2 / 4);
    CHECK(stored->days[1].end == domain::clock_time{720});

    SECTION("sending the same days again does not bump it") {
        auto again = env.patch(d.id, moved);
        REQUIRE(again.ok());
        CHECK(again->date.sequence == 1);
    }
}

TEST_CASE("cancelling a date bumps its sequence and freezes it", "[store][update_date]") {
    store_env env;
    const auto d = env.add_date(1, true);
    env.reg_ok(d.id, "a@example.org");
    env.reg_ok(d.id, "b@example.org");
    domain::date_input cancel;
    cancel.status = "cancelled";
    auto r = env.patch(d.id, cancel);
    REQUIRE(r.ok());
    CHECK(r->date.status == domain::date_status::cancelled);
    CHECK(r->date.sequence == 1);
    CHECK(r->promoted.empty());

    domain::date_input more;
    more.capacity = 10;
    auto later = env.patch(d.id, more);
    REQUIRE_FALSE(later.ok());
    CHECK(later.err().code == errc::date_cancelled);
    CHECK(storage::availability(env.rd, d.id).waitlisted == 1);  // nobody promoted onto a cancelled date
}

TEST_CASE("updating an unknown date is not_found", "[store][update_date]") {
    store_env env;
    domain::date_input more;
    more.capacity = 10;
    auto r = env.patch(31337, more);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().code == errc::not_found);
}

// ---- seminars ----------------------------------------------------------------------------------------------------

TEST_CASE("a new title bumps the sequence of the seminar's scheduled dates, a new price does not",
          "[store][update_seminar]") {
    store_env env;
    const auto d1 = env.add_date(3, true);
    const auto d2 = env.add_date(3, true);
    const auto cancelled = env.add_date(3, true);
    domain::date_input cancel;
    cancel.status = "cancelled";
    REQUIRE(env.patch(cancelled.id, cancel).ok());  // sequence 1, frozen
    const auto other_seminar = env.add_seminar("other", "Other");
    const auto other_date = env.add_date(3, true, std::nullopt, other_seminar.id);

    auto update = [&](domain::seminar_input in) {
        return env.w.run<domain::seminar>([slug = env.sem.slug, in](storage::connection& c) {
            return storage::update_seminar(c, slug, in, before_date + 1h);
        });
    };

    domain::seminar_input price;
    price.price_cents = std::optional<std::int64_t>{99000};
    REQUIRE(update(price).ok());
    CHECK(storage::find_date(env.rd, d1.id)->sequence == 0);

    domain::seminar_input title;
    title.title = "LinkedIn Marketing für Unternehmen (kompakt)";
    auto r = update(title);
    REQUIRE(r.ok());
    CHECK(r->updated_at == before_date + 1h);
    CHECK(storage::find_date(env.rd, d1.id)->sequence == 1);
    CHECK(storage::find_date(env.rd, d2.id)->sequence == 1);
    CHECK(storage::find_date(env.rd, cancelled.id)->sequence == 1);  // cancelled dates are not touched
    CHECK(storage::find_date(env.rd, other_date.id)->sequence == 0);
    const auto stored = storage::find_seminar(env.rd, "linkedin-marketing");
    REQUIRE(stored.has_value());
    CHECK(stored->title == "LinkedIn Marketing für Unternehmen (kompakt)");
    CHECK(stored->price_cents == 99000);
}

TEST_CASE("a slug can belong to one seminar only", "[store][seminar]") {
    store_env env;
    domain::seminar dup;
    dup.slug = "linkedin-marketing";
    dup.title = "Copy";
    dup.organizer_name = "X";
    dup.organizer_email = "x@example.org";
    auto r = env.w.run<domain::seminar>(
        [dup](storage::connection& c) { return storage::create_seminar(c, dup, before_date); });
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().code == errc::slug_taken);
    CHECK(storage::list_seminars(env.rd).size() == 1);

    SECTION("renaming onto a taken slug is refused too") {
        env.add_seminar("other", "Other");
        domain::seminar_input rename;
        rename.slug = "linkedin-marketing";
        auto u = env.w.run<domain::seminar>(
            [rename](storage::connection& c) { return storage::update_seminar(c, "other", rename, before_date); });
        REQUIRE_FALSE(u.ok());
        CHECK(u.err().code == errc::slug_taken);
        CHECK(storage::find_seminar(env.rd, "other").has_value());
    }
    SECTION("updating an unknown seminar is not_found") {
        auto u = env.w.run<domain::seminar>([](storage::connection& c) {
            return storage::update_seminar(c, "ghost", domain::seminar_input{}, before_date);
        });
        REQUIRE_FALSE(u.ok());
        CHECK(u.err().code == errc::not_found);
    }
}

TEST_CASE("a date needs an existing seminar", "[store][seminar]") {
    store_env env;
    domain::seminar_date d;
    d.seminar_id = 777;
    d.timezone = "Europe/Berlin";
    d.days = {day(27)};
    d.capacity = 1;
    auto r = env.w.run<domain::seminar_date>(
        [d](storage::connection& c) { return storage::create_date(c, d, before_date); });
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().code == errc::not_found);
}

TEST_CASE("a seminar and its dates read back as stored", "[store][seminar]") {
    store_env env;
    const auto d = env.add_date(12, true, date::sys_days{date::year{2027} / 1 / 20} + 11h);
    const auto s = storage::find_seminar(env.rd, "linkedin-marketing");
    REQUIRE(s.has_value());
    CHECK(s->id == env.sem.id);
    CHECK(s->title == "LinkedIn Marketing für Unternehmen");
    CHECK(s->price_cents == 149000);
    CHECK(s->currency == "EUR");
    CHECK(s->created_at == before_date);
    const auto dates = storage::dates_of(env.rd, env.sem.id);
    REQUIRE(dates.size() == 1);
    CHECK(dates[0].id == d.id);
    CHECK(dates[0].uid == d.uid);
    CHECK(dates[0].uid.size() == 32 + std::string{"@seminard"}.size());
    CHECK(dates[0].capacity == 12);
    CHECK(dates[0].waitlist);
    CHECK(dates[0].registration_closes_at == date::sys_days{date::year{2027} / 1 / 20} + 11h);
    CHECK(dates[0].days == std::vector<domain::seminar_day>{day(27), day(28)});
    CHECK(domain::first_start(dates[0]) == first_start);
}

// ---- the organiser's list ----------------------------------------------------------------------------------------

TEST_CASE("the organiser's list pages with limit and next_cursor and counts the total", "[store][list]") {
    store_env env;
    const auto d = env.add_date(3, true);
    std::vector<domain::registration> regs;
    for (int i = 0; i < 5; ++i) regs.push_back(env.reg_ok(d.id, "p" + std::to_string(i) + "@example.org"));

    auto p1 = storage::list_registrations(env.rd, d.id, std::nullopt, 2, 0);
    REQUIRE(p1.items.size() == 2);
    CHECK(p1.items[0].id == regs[0].id);
    CHECK(p1.items[1].id == regs[1].id);
    CHECK(p1.total == 5);
    REQUIRE(p1.next_cursor.has_value());
    CHECK(*p1.next_cursor == regs[1].id);

    auto p2 = storage::list_registrations(env.rd, d.id, std::nullopt, 2, *p1.next_cursor);
    REQUIRE(p2.items.size() == 2);
    CHECK(p2.items[0].id == regs[2].id);
    CHECK(p2.items[1].id == regs[3].id);
    CHECK(p2.total == 5);
    REQUIRE(p2.next_cursor.has_value());

    auto p3 = storage::list_registrations(env.rd, d.id, std::nullopt, 2, *p2.next_cursor);
    REQUIRE(p3.items.size() == 1);
    CHECK(p3.items[0].id == regs[4].id);
    CHECK(p3.items[0].waitlist_position == 2);
    CHECK_FALSE(p3.next_cursor.has_value());
    CHECK(p3.total == 5);

    SECTION("a page that ends exactly at the last row has no next_cursor") {
        auto all = storage::list_registrations(env.rd, d.id, std::nullopt, 5, 0);
        CHECK(all.items.size() == 5);
        CHECK_FALSE(all.next_cursor.has_value());
    }
    SECTION("the status filter applies to items and total") {
        REQUIRE(env.cancel(regs[4].id).ok());
        auto waiting = storage::list_registrations(env.rd, d.id, registration_status::waitlisted, 10, 0);
        REQUIRE(waiting.items.size() == 1);
        CHECK(waiting.items[0].id == regs[3].id);
        CHECK(waiting.items[0].waitlist_position == 1);
        CHECK(waiting.total == 1);
        auto confirmed = storage::list_registrations(env.rd, d.id, registration_status::confirmed, 2, 0);
        CHECK(confirmed.items.size() == 2);
        CHECK(confirmed.total == 3);
        CHECK(confirmed.next_cursor == regs[1].id);
        auto cancelled = storage::list_registrations(env.rd, d.id, registration_status::cancelled, 10, 0);
        REQUIRE(cancelled.items.size() == 1);
        CHECK(cancelled.items[0].id == regs[4].id);
        CHECK(cancelled.items[0].cancelled_at == before_date);
    }
    SECTION("another date's registrations are not listed") {
        const auto other = env.add_date(3, true);
        auto empty = storage::list_registrations(env.rd, other.id, std::nullopt, 10, 0);
        CHECK(empty.items.empty());
        CHECK(empty.total == 0);
        CHECK_FALSE(empty.next_cursor.has_value());
    }
}

// ---- codes and tokens --------------------------------------------------------------------------------------------

TEST_CASE("registration codes are unique and look like XXXX-XXXX in Crockford's alphabet", "[store][code]") {
    store_env env;
    const auto d = env.add_date(200, false);
    const std::regex code_format{"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$"};
    std::set<std::string> codes;
    for (int i = 0; i < 100; ++i) {
        const auto r = env.reg_ok(d.id, "p" + std::to_string(i) + "@example.org");
        INFO(r.code);
        CHECK(std::regex_match(r.code, code_format));
        codes.insert(r.code);
        CHECK(env.by_code(r.code).id == r.id);
    }
    CHECK(codes.size() == 100);
}

TEST_CASE("codes are the permuted row id: they do not count up, and each leads back to its row", "[store][code]") {
    store_env env;
    const auto d = env.add_date(10, false);
    const auto a = env.reg_ok(d.id, "a@example.org");
    const auto b = env.reg_ok(d.id, "b@example.org");
    CHECK(b.id == a.id + 1);
    const auto va = *domain::code_value(a.code), vb = *domain::code_value(b.code);
    CHECK(vb != va + 1);
    CHECK(env.rd.codes().backward(va) == static_cast<std::uint64_t>(a.id));
    CHECK(env.rd.codes().forward(static_cast<std::uint64_t>(b.id)) == vb);
    // A code of an id with no row, and one that is no code, find nothing.
    CHECK_FALSE(storage::find_registration_by_code(env.rd, domain::make_code(env.rd.codes().forward(999))));
    CHECK_FALSE(storage::find_registration_by_code(env.rd, "0000-000"));
}

TEST_CASE("the token is 28 characters of base64url, leads to its row, and only its SHA-256 is stored",
          "[store][token]") {
    store_env env;
    const auto d = env.add_date(3, true);
    auto r = env.reg(d.id, "anna@example.org");
    REQUIRE(r.ok());
    const auto token = r->token;
    REQUIRE(token.size() == 28);
    CHECK(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
          std::string::npos);
    CHECK(storage::registration_token_code(token) == domain::code_value(r->registration.code));

    const auto found = storage::find_registration_by_token(env.rd, token);
    REQUIRE(found.has_value());
    CHECK(found->id == r->registration.id);
    CHECK_FALSE(storage::find_registration_by_token(env.rd, token + "x").has_value());
    CHECK_FALSE(storage::find_registration_by_token(env.rd, storage::new_token()).has_value());
    // The right row, a wrong secret: the leading code finds the row, the hash refuses it.
    auto forged = token;
    forged.back() = forged.back() == 'A' ? 'B' : 'A';
    CHECK_FALSE(storage::find_registration_by_token(env.rd, forged).has_value());
    forged = storage::new_registration_token(*domain::code_value(r->registration.code));
    CHECK_FALSE(storage::find_registration_by_token(env.rd, forged).has_value());

    // No column of the stored row holds the token, in any form but its digest.
    SQLite::Statement row(env.rd.db(), "SELECT * FROM registrations WHERE id = ?");
    row.bind(1, r->registration.id);
    REQUIRE(row.executeStep());
    bool saw_hash = false;
    for (int i = 0; i < row.getColumnCount(); ++i) {
        const auto col = row.getColumn(i);
        INFO("column " << row.getColumnName(i));
        const std::string value = col.isBlob() ? std::string(static_cast<const char*>(col.getBlob()),
                                                             static_cast<std::size_t>(col.getBytes()))
                                               : col.getString();
        CHECK(value.find(token) == std::string::npos);
        if (std::string{row.getColumnName(i)} == "token_hash") {
            const auto expected = storage::sha256(token);
            CHECK(col.isBlob());
            CHECK(value == std::string(reinterpret_cast<const char*>(expected.data()), expected.size()));
            saw_hash = true;
        }
    }
    CHECK(saw_hash);
    // And no column is meant for it.
    SQLite::Statement cols(env.rd.db(), "SELECT name FROM pragma_table_info('registrations')");
    while (cols.executeStep()) CHECK(cols.getColumn(0).getString() != "token");
}

TEST_CASE("a database from before schema 5 keeps its codes and tokens working, and new codes avoid them",
          "[store][token][migrate]") {
    temp_dir dir;
    const auto opts = db_in(dir, false);
    const std::string legacy_token = storage::new_token();  // 22 characters, as tokens were
    const std::string legacy_code = "7K3M-Q9PX";
    std::int64_t date_id = 0, legacy_id = 0;
    {
        // Schema 4, written the way that build wrote: a random code and the token's hash, unique columns.
        storage::connection old{opts, storage::access::read_write};
        REQUIRE(storage::migrate(old, 4) == 4);
        // Today's store writes columns schema 4 did not have: seminar and date go in as that build wrote them.
        old.db().exec(
            "INSERT INTO seminars(slug, title, organizer_name, organizer_email, created_at, updated_at) VALUES "
            "('altbestand', 'Altbestand', 'Beispiel', 'seminare@example.org', 0, 0)");
        old.db().exec(
            "INSERT INTO dates(seminar_id, uid, timezone, capacity, waitlist, status, created_at, updated_at) VALUES "
            "(" +
            std::to_string(old.db().getLastInsertRowid()) +
            ", 'altbestand-1@example.org', 'Europe/Berlin', 5, 1, 'scheduled', 0, 0)");
        date_id = old.db().getLastInsertRowid();
        old.db().exec("INSERT INTO date_days(date_id, day, start_min, end_min) VALUES (" + std::to_string(date_id) +
                      ", '2027-01-27', 540, 1020)");
        const auto hash = storage::sha256(legacy_token);
        SQLite::Statement ins(old.db(),
                              "INSERT INTO registrations(date_id, code, token_hash, status, first_name, last_name, "
                              "email, email_norm, consent_at, created_at, updated_at, lang) VALUES (?, ?, ?, "
                              "'confirmed', 'Alt', 'Bestand', 'alt@example.org', 'alt@example.org', 0, 0, 0, 'en')");
        ins.bind(1, date_id);
        ins.bind(2, legacy_code);
        ins.bind(3, hash.data(), static_cast<int>(hash.size()));
        ins.exec();
        legacy_id = old.db().getLastInsertRowid();
        old.db().exec("INSERT INTO outbox(registration_id, kind, status, created_at) VALUES (" +
                      std::to_string(legacy_id) + ", 'registered', 'confirmed', 0)");
    }
    storage::writer w{opts};  // migrates to the latest schema
    storage::connection rd{opts, storage::access::read_only};

    const auto by_token = storage::find_registration_by_token(rd, legacy_token);
    REQUIRE(by_token.has_value());
    CHECK(by_token->id == legacy_id);
    CHECK(by_token->person.email == "alt@example.org");
    const auto by_code = storage::find_registration_by_code(rd, legacy_code);
    REQUIRE(by_code.has_value());
    CHECK(by_code->id == legacy_id);
    CHECK(storage::availability(rd, date_id).confirmed == 1);
    {
        SQLite::Statement q(rd.db(), "SELECT COUNT(*) FROM outbox WHERE registration_id = ?");
        q.bind(1, legacy_id);
        REQUIRE(q.executeStep());
        CHECK(q.getColumn(0).getInt() == 1);
    }

    // Make the old row hold exactly the code the next id would get: the new registration skips that id.
    const auto clash_id = legacy_id + 1;
    const auto clash_code = domain::make_code(rd.codes().forward(static_cast<std::uint64_t>(clash_id)));
    auto moved = w.run<bool>([&](storage::connection& c) -> domain::result<bool> {
        SQLite::Statement q(c.db(), "UPDATE registrations SET code = ? WHERE id = ?");
        q.bind(1, clash_code);
        q.bind(2, legacy_id);
        q.exec();
        return true;
    });
    REQUIRE(moved.ok());
    auto fresh = w.run<storage::registration_change>([date_id](storage::connection& c) {
        return storage::register_attendee(c, date_id, person("neu@example.org"), before_date);
    });
    REQUIRE(fresh.ok());
    CHECK(fresh->registration.id == clash_id + 1);
    CHECK(fresh->registration.code != clash_code);
    CHECK(fresh->token.size() == 28);
    CHECK(storage::find_registration_by_token(rd, fresh->token)->id == fresh->registration.id);
    CHECK(storage::find_registration_by_code(rd, clash_code)->id == legacy_id);
    CHECK(storage::find_registration_by_code(rd, fresh->registration.code)->id == fresh->registration.id);
    CHECK(storage::availability(rd, date_id).confirmed == 2);

    // The rebuilt tables are sound, and the writer's connection enforces foreign keys again.
    auto checks = w.run<std::string>([](storage::connection& c) -> domain::result<std::string> {
        SQLite::Statement fk(c.db(), "PRAGMA foreign_key_check");
        if (fk.executeStep()) return std::string{"foreign key broken in "} + fk.getColumn(0).getString();
        SQLite::Statement on(c.db(), "PRAGMA foreign_keys");
        on.executeStep();
        if (on.getColumn(0).getInt() != 1) return std::string{"foreign keys off"};
        SQLite::Statement ok(c.db(), "PRAGMA integrity_check");
        ok.executeStep();
        return ok.getColumn(0).getString();
    });
    REQUIRE(checks.ok());
    CHECK(checks.value() == "ok");
}

// ---- concurrency -------------------------------------------------------------------------------------------------

TEST_CASE("hundreds of concurrent registrations never oversell and the waiting list is 1..n", "[store][concurrency]") {
    store_env env;
    const auto d = env.add_date(7, true);
    constexpr int threads = 8;
    constexpr int per_thread = 30;
    std::atomic<int> confirmed{0}, waitlisted{0}, failed{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                auto r = env.reg(d.id, "t" + std::to_string(t) + "-" + std::to_string(i) + "@example.org");
                if (!r)
                    failed.fetch_add(1);
                else if (r->registration.status == registration_status::confirmed)
                    confirmed.fetch_add(1);
                else
                    waitlisted.fetch_add(1);
            }
        });
    }
    for (auto& th : pool) th.join();
    CHECK(failed.load() == 0);
    CHECK(confirmed.load() == 7);
    CHECK(waitlisted.load() == threads * per_thread - 7);
    const auto av = storage::availability(env.rd, d.id);
    CHECK(av.confirmed == 7);
    CHECK(av.waitlisted == threads * per_thread - 7);
    CHECK(env.waitlist_positions(d.id) == one_to(threads * per_thread - 7));
}

TEST_CASE("the seat counts kept by triggers always equal the rows, through every kind of change", "[store][counts]") {
    store_env env;
    const auto d = env.add_date(3, true);
    auto counted = [&env, &d] {
        SQLite::Statement q(env.rd.db(),
                            "SELECT SUM(status = 'confirmed'), SUM(status = 'waitlisted') FROM registrations "
                            "WHERE date_id = ?");
        q.bind(1, d.id);
        REQUIRE(q.executeStep());
        return domain::date_availability{q.getColumn(0).getInt(), q.getColumn(1).getInt()};
    };
    auto check = [&] {
        auto kept = storage::availability(env.rd, d.id);
        auto rows = counted();
        CHECK(kept.confirmed == rows.confirmed);
        CHECK(kept.waitlisted == rows.waitlisted);
    };
    std::vector<domain::registration> regs;
    for (int i = 0; i < 8; ++i) regs.push_back(env.reg_ok(d.id, "p" + std::to_string(i) + "@example.com"));
    check();
    REQUIRE(env.cancel(regs[0].id).ok());  // confirmed leaves, first waiting moves up
    check();
    REQUIRE(env.cancel(regs[6].id).ok());  // a waiting one leaves
    check();
    domain::date_input more;
    more.capacity = 5;
    REQUIRE(env.patch(d.id, more).ok());  // two move up
    check();
    domain::date_input fewer;
    fewer.capacity = 1;
    CHECK(env.patch(d.id, fewer).err().code == errc::capacity_below_confirmed);  // refused: counts unchanged
    check();
    // A refused command inside a batch rolls back to its savepoint: the counts roll back with it.
    auto refused = env.w.run<int>([&d](storage::connection& c) -> domain::result<int> {
        auto r = storage::register_attendee(c, d.id, person("rollback@example.com"), before_date);
        REQUIRE(r.ok());
        return errc::internal;
    });
    CHECK(!refused.ok());
    check();
    auto kept = storage::availability(env.rd, d.id);
    CHECK(kept.confirmed == 5);
    CHECK(kept.waitlisted == 1);
}

TEST_CASE("a registration's invite key finds it, and only it, and the token is no invite key", "[store][invite]") {
    store_env env;
    const auto d = env.add_date(5, true);
    auto anna = env.reg(d.id, "anna@example.org");
    REQUIRE(anna.ok());
    const auto ben = env.reg_ok(d.id, "ben@example.org");
    const auto key = storage::invite_key(env.rd, anna->registration);
    CHECK(key.size() == 28);
    CHECK(key == storage::invite_key(env.rd, anna->registration));  // derived, the same every time
    CHECK(key != storage::invite_key(env.rd, ben));
    CHECK(key != anna->token);
    auto found = storage::find_registration_by_invite_key(env.rd, key);
    REQUIRE(found);
    CHECK(found->id == anna->registration.id);
    CHECK_FALSE(storage::find_registration_by_invite_key(env.rd, anna->token));
    std::string altered = key;
    altered[27] = altered[27] == 'A' ? 'B' : 'A';
    CHECK_FALSE(storage::find_registration_by_invite_key(env.rd, altered));
    CHECK_FALSE(storage::find_registration_by_token(env.rd, key));
    // Another server key derives other keys: a copied database alone cannot make one.
    auto other = env.opts;
    other.key = std::make_shared<const storage::secret_key>(storage::secret_key::generate());
    storage::connection stranger{other, storage::access::read_only};
    CHECK_FALSE(storage::find_registration_by_invite_key(stranger, key));
}

// ---- rebooking -----------------------------------------------------------------------------------------------

namespace {

domain::result<storage::move_change> move(store_env& env,
                                          std::int64_t id,
                                          std::int64_t to,
                                          storage::when_full rule = storage::when_full::waitlist,
                                          domain::instant now = before_date) {
    return env.w.run<storage::move_change>(
        [=](storage::connection& c) { return storage::move_registration(c, id, to, rule, now); });
}

domain::date_availability counted(storage::connection& c, std::int64_t date_id) {
    SQLite::Statement q(c.db(),
                        "SELECT COALESCE(SUM(status = 'confirmed'), 0), COALESCE(SUM(status = 'waitlisted'), 0) FROM "
                        "registrations WHERE date_id = ?");
    q.bind(1, date_id);
    REQUIRE(q.executeStep());
    return domain::date_availability{q.getColumn(0).getInt(), q.getColumn(1).getInt()};
}

}  // namespace

TEST_CASE("a rebooking takes a free seat on the target, frees the old one for the waiting list, keeps code and token",
          "[store][move]") {
    store_env env;
    const auto from = env.add_date(1, true);
    const auto to = env.add_date(2, true);
    auto first = env.reg(from.id, "anna@example.com");
    REQUIRE(first.ok());
    const auto waiting = env.reg_ok(from.id, "ben@example.com");
    REQUIRE(waiting.status == registration_status::waitlisted);

    auto moved = move(env, first->registration.id, to.id);
    REQUIRE(moved.ok());
    CHECK(moved->registration.date_id == to.id);
    CHECK(moved->registration.status == registration_status::confirmed);
    CHECK(moved->registration.code == first->registration.code);
    CHECK(moved->from.id == from.id);
    CHECK(moved->date.id == to.id);
    REQUIRE(moved->promoted.size() == 1);  // Ben moves up into the seat Anna left
    CHECK(moved->promoted[0].id == waiting.id);
    CHECK(env.by_code(waiting.code).status == registration_status::confirmed);
    // The private link still leads to the registration, now on its new date.
    auto by_token = storage::find_registration_by_token(env.rd, first->token);
    REQUIRE(by_token);
    CHECK(by_token->date_id == to.id);
    for (const auto id : {from.id, to.id}) {
        const auto kept = storage::availability(env.rd, id);
        const auto rows = counted(env.rd, id);
        CHECK(kept.confirmed == rows.confirmed);
        CHECK(kept.waitlisted == rows.waitlisted);
    }
    CHECK(storage::availability(env.rd, from.id).confirmed == 1);
    CHECK(storage::availability(env.rd, to.id).confirmed == 1);

    // The history says it, and one `moved` mail names both dates.
    const auto history = storage::history_of(env.rd, first->registration.id);
    REQUIRE(history.size() == 1);
    CHECK(history[0].event == "moved");
    CHECK(history[0].actor == "organiser");
    CHECK(history[0].detail.find("\"from_date\":" + std::to_string(from.id)) != std::string::npos);
    CHECK(history[0].detail.find("\"to_date\":" + std::to_string(to.id)) != std::string::npos);
    storage::mail_filter f;
    f.code = first->registration.code;
    const auto mails = storage::list_mails(env.rd, f, 10, 0).items;
    REQUIRE(mails.size() == 2);  // the confirmation, then the rebooking
    CHECK(mails[1].kind == domain::mail_kind::moved);
    CHECK(mails[1].date_id == to.id);
    CHECK(mails[1].moved_from == from.id);
    CHECK(mails[1].status == registration_status::confirmed);
    CHECK(mails[0].date_id == to.id);  // the confirmation is the registration's: where it is now
}

TEST_CASE("a rebooking onto a full date joins its waiting list at the end, or is refused", "[store][move]") {
    store_env env;
    const auto from = env.add_date(5, true);
    const auto to = env.add_date(1, true);
    // The one who moves registered first (lowest id), yet arrives on the target after those already waiting there.
    const auto mover = env.reg_ok(from.id, "mover@example.com");
    env.reg_ok(to.id, "seat@example.com");
    const auto w1 = env.reg_ok(to.id, "w1@example.com");
    const auto w2 = env.reg_ok(to.id, "w2@example.com");

    SECTION("refuse: nothing changes") {
        auto r = move(env, mover.id, to.id, storage::when_full::refuse);
        REQUIRE_FALSE(r.ok());
        CHECK(r.err().code == errc::full);
        CHECK(env.by_code(mover.code).date_id == from.id);
        CHECK(storage::history_of(env.rd, mover.id).empty());
    }
    SECTION("waitlist: third in line, and a newcomer after it is fourth") {
        auto r = move(env, mover.id, to.id);
        REQUIRE(r.ok());
        CHECK(r->registration.status == registration_status::waitlisted);
        CHECK(r->registration.waitlist_position == 3);
        const auto late = env.reg_ok(to.id, "late@example.com");
        CHECK(late.waitlist_position == 4);
        CHECK(env.waitlist_positions(to.id) == one_to(4));
        CHECK(env.by_code(mover.code).waitlist_position == 3);
        CHECK(env.by_code(late.code).waitlist_position == 4);
        // The CSV walks the date in id order (the one moved in first) and still numbers the waiting list by arrival.
        {
            storage::export_cursor cursor{env.opts, {to.id}, std::nullopt};
            std::map<std::string, int> positions;
            while (auto r = cursor.next())
                if (r->waitlist_position) positions[r->person.email] = *r->waitlist_position;
            CHECK(positions ==
                  std::map<std::string, int>{
                      {"w1@example.com", 1}, {"w2@example.com", 2}, {"mover@example.com", 3}, {"late@example.com", 4}});
        }
        // Seats go in that order: w1, w2, the one moved in, the newcomer.
        domain::date_input more;
        more.capacity = 4;
        auto grown = env.patch(to.id, more);
        REQUIRE(grown.ok());
        REQUIRE(grown->promoted.size() == 3);
        CHECK(grown->promoted[0].id == w1.id);
        CHECK(grown->promoted[1].id == w2.id);
        CHECK(grown->promoted[2].id == mover.id);
        CHECK(env.by_code(late.code).waitlist_position == 1);
        // Codes made after a move stay unique and readable.
        CHECK(env.by_code(late.code).id == late.id);
    }
}

TEST_CASE("a rebooking is refused with a reason that says why", "[store][move]") {
    store_env env;
    const auto from = env.add_date(5, true);
    const auto to = env.add_date(5, false);
    const auto other = env.add_seminar("andere", "Ein anderes Seminar");
    const auto foreign = env.add_date(5, true, std::nullopt, other.id);
    const auto r = env.reg_ok(from.id, "anna@example.com");
    auto field_problem = [](const domain::result<storage::move_change>& m) {
        REQUIRE_FALSE(m.ok());
        REQUIRE(m.err().code == errc::invalid_fields);
        return m.err().fields.count("date_id") == 1;
    };
    CHECK(field_problem(move(env, r.id, foreign.id)));  // another seminar's date
    CHECK(field_problem(move(env, r.id, from.id)));     // where it already is
    CHECK(field_problem(move(env, r.id, 99999)));       // no such date
    CHECK(move(env, 99999, to.id).err().code == errc::not_found);

    env.reg_ok(to.id, "anna@example.com");  // the same address already holds a seat there
    CHECK(move(env, r.id, to.id).err().code == errc::already_registered);

    const auto full = env.add_date(1, false);
    env.reg_ok(full.id, "seat@example.com");
    CHECK(move(env, r.id, full.id).err().code == errc::full);  // no waiting list there

    const auto later = env.add_date(5, true);
    CHECK(move(env, r.id, later.id, storage::when_full::waitlist, first_start + 1h).err().code ==
          errc::registration_closed);  // begun
    REQUIRE(env.cancel(r.id).ok());
    CHECK(move(env, r.id, later.id).err().code == errc::already_cancelled);
    CHECK(env.by_code(r.code).date_id == from.id);
}
