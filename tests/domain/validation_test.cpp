// Tests for the input rules of seminars, dates and registrations.
#include "domain/validation.hpp"

#include <catch2/catch.hpp>
#include "domain/messages.hpp"

#include "domain/schedule.hpp"

#include <string>

using namespace seminard::domain;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

/// "ok", or the machine code followed by every "field:problem", e.g. "invalid_fields slug:required".
/// One string compares the exact outcome and prints readably when a check fails.
template <class T>
std::string outcome(const result<T>& r) {
    if (r) return "ok";
    std::string out{describe(r.err().code).code};
    for (const auto& [field, problem] : r.err().fields) out += " " + field + ":" + std::string{to_string(problem)};
    return out;
}

date::year_month_day ymd(int y, unsigned m, unsigned d) {
    return date::year_month_day{date::year{y}, date::month{m}, date::day{d}};
}

instant utc(int y, unsigned m, unsigned d, int h) { return date::sys_days{ymd(y, m, d)} + hours{h}; }

seminar_input demo_seminar() {
    seminar_input in;
    in.slug = "linkedin-marketing";
    in.title = "LinkedIn Marketing für Unternehmen";
    in.organizer_name = "Beispiel Kommunikation GmbH";
    in.organizer_email = "seminare@example.org";
    return in;
}

date_input demo_date() {
    date_input in;
    in.timezone = "Europe/Berlin";
    in.days = std::vector<day_input>{{"2027-01-27", "09:00", "17:00"}, {"2027-01-28", "09:00", "17:00"}};
    in.capacity = 12;
    in.waitlist = true;
    return in;
}

seminar_date existing_date() {
    auto d = make_date(demo_date()).value();
    d.id = 7;
    d.uid = "date-7@example.org";
    d.sequence = 3;
    return d;
}

registration_input anna() {
    registration_input in;
    in.first_name = "Anna";
    in.last_name = "Müller";
    in.email = "anna.mueller@example.org";
    in.privacy_consent = true;
    return in;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Seminars

TEST_CASE("a seminar with the required fields is created with trimmed text and defaults") {
    auto in = demo_seminar();
    in.title = "  LinkedIn Marketing für Unternehmen  ";
    in.location = " Unterschleißheim ";
    auto r = make_seminar(in);
    REQUIRE(outcome(r) == "ok");
    CHECK(r->slug == "linkedin-marketing");
    CHECK(r->title == "LinkedIn Marketing für Unternehmen");
    CHECK(r->location == "Unterschleißheim");
    CHECK(r->currency == "EUR");
    CHECK_FALSE(r->price_cents);
    CHECK(r->description.empty());
}

TEST_CASE("a seminar without its required fields names each of them") {
    CHECK(outcome(make_seminar(seminar_input{})) ==
          "invalid_fields organizer_email:required organizer_name:required slug:required title:required");
    auto in = demo_seminar();
    in.title = "   ";
    in.organizer_email = "";
    CHECK(outcome(make_seminar(in)) == "invalid_fields organizer_email:required title:required");
}

TEST_CASE("a seminar slug is lowercase letters, digits and inner hyphens") {
    auto with_slug = [](std::string slug) {
        auto in = demo_seminar();
        in.slug = std::move(slug);
        return outcome(make_seminar(in));
    };
    CHECK(with_slug("linkedin-marketing-2027") == "ok");
    CHECK(with_slug("  linkedin  ") == "ok");
    CHECK(with_slug("a") == "ok");
    CHECK(with_slug("LinkedIn") == "invalid_fields slug:invalid_format");
    CHECK(with_slug("-linkedin") == "invalid_fields slug:invalid_format");
    CHECK(with_slug("linkedin-") == "invalid_fields slug:invalid_format");
    CHECK(with_slug("linked in") == "invalid_fields slug:invalid_format");
    CHECK(with_slug("linkedin_marketing") == "invalid_fields slug:invalid_format");
    CHECK(with_slug("für") == "invalid_fields slug:invalid_format");
    CHECK(with_slug("../admin") == "invalid_fields slug:invalid_format");
    CHECK(with_slug("") == "invalid_fields slug:required");
    CHECK(with_slug(std::string(80, 'a')) == "ok");
    CHECK(with_slug(std::string(81, 'a')) == "invalid_fields slug:too_long");
}

TEST_CASE("seminar texts are checked for length in code points and for control characters") {
    auto in = demo_seminar();
    in.title = std::string(200, 'x');
    CHECK(outcome(make_seminar(in)) == "ok");
    in.title = std::string();
    for (int i = 0; i < 200; ++i) in.title->append("ü");  // 200 code points, 400 bytes
    CHECK(outcome(make_seminar(in)) == "ok");
    in.title->append("ü");
    CHECK(outcome(make_seminar(in)) == "invalid_fields title:too_long");
    in.title = "Line\nbreak";
    CHECK(outcome(make_seminar(in)) == "invalid_fields title:invalid_format");
    in = demo_seminar();
    in.description = "Tag 1: Akquise\nTag 2: Recruiting\r\n\tund mehr";  // the description may have lines
    CHECK(outcome(make_seminar(in)) == "ok");
    in.description = "bell\a";
    CHECK(outcome(make_seminar(in)) == "invalid_fields description:invalid_format");
    in = demo_seminar();
    in.title = "bad \xC3";
    CHECK(outcome(make_seminar(in)) == "invalid_fields title:invalid_format");
}

TEST_CASE("a seminar's organiser e-mail, currency and price are checked") {
    auto in = demo_seminar();
    in.organizer_email = "not-an-address";
    CHECK(outcome(make_seminar(in)) == "invalid_fields organizer_email:invalid_email");

    in = demo_seminar();
    in.currency = "eur";
    CHECK(outcome(make_seminar(in)) == "invalid_fields currency:invalid_format");
    in.currency = "EURO";
    CHECK(outcome(make_seminar(in)) == "invalid_fields currency:invalid_format");
    in.currency = " CHF ";
    CHECK(make_seminar(in)->currency == "CHF");

    in = demo_seminar();
    in.price_cents = std::optional<std::int64_t>{149000};
    CHECK(make_seminar(in)->price_cents == 149000);
    in.price_cents = std::optional<std::int64_t>{0};
    CHECK(outcome(make_seminar(in)) == "ok");
    in.price_cents = std::optional<std::int64_t>{-1};
    CHECK(outcome(make_seminar(in)) == "invalid_fields price_cents:invalid_value");
    in.price_cents = std::optional<std::int64_t>{limits::max_price_cents + 1};
    CHECK(outcome(make_seminar(in)) == "invalid_fields price_cents:invalid_value");
    in.price_cents = std::optional<std::int64_t>{};  // explicit null: on request
    auto r = make_seminar(in);
    REQUIRE(r);
    CHECK_FALSE(r->price_cents);
}

TEST_CASE("a seminar's cancellation terms are multi-line text of at most 5000 code points") {
    auto in = demo_seminar();
    CHECK(make_seminar(in)->cancellation_terms.empty());
    in.cancellation_terms = "  Bis 14 Tage vor Beginn kostenfrei,\ndanach 50 %.\r\n\nBei Nichterscheinen 100 %.  ";
    CHECK(make_seminar(in)->cancellation_terms ==
          "Bis 14 Tage vor Beginn kostenfrei,\ndanach 50 %.\r\n\nBei Nichterscheinen 100 %.");
    in.cancellation_terms = std::string();
    for (int i = 0; i < 5000; ++i) in.cancellation_terms->append("ä");  // 5000 code points, 10 000 bytes
    CHECK(outcome(make_seminar(in)) == "ok");
    in.cancellation_terms->append("ä");
    CHECK(outcome(make_seminar(in)) == "invalid_fields cancellation_terms:too_long");
    in.cancellation_terms = "bell\a";
    CHECK(outcome(make_seminar(in)) == "invalid_fields cancellation_terms:invalid_format");
}

TEST_CASE("a seminar's self-cancel days are 0 to 365, or none") {
    auto with_days = [](std::optional<int> days) {
        auto in = demo_seminar();
        in.self_cancel_days = days;
        return make_seminar(in);
    };
    CHECK_FALSE(make_seminar(demo_seminar())->self_cancel_days);
    CHECK(with_days(0)->self_cancel_days == 0);
    CHECK(with_days(14)->self_cancel_days == 14);
    CHECK(with_days(365)->self_cancel_days == 365);
    CHECK_FALSE(with_days(std::nullopt)->self_cancel_days);
    CHECK(outcome(with_days(-1)) == "invalid_fields self_cancel_days:invalid_value");
    CHECK(outcome(with_days(366)) == "invalid_fields self_cancel_days:invalid_value");

    // A patch sets, keeps or clears them.
    auto current = with_days(14).value();
    seminar_input keep;
    keep.title = "Neu";
    CHECK(patch_seminar(current, keep)->updated.self_cancel_days == 14);
    seminar_input clear;
    clear.self_cancel_days = std::optional<int>{};
    CHECK_FALSE(patch_seminar(current, clear)->updated.self_cancel_days);
    seminar_input terms;
    terms.cancellation_terms = "Neue Bedingungen";
    terms.self_cancel_days = std::optional<int>{30};
    const auto changed = patch_seminar(current, terms).value();
    CHECK(changed.updated.cancellation_terms == "Neue Bedingungen");
    CHECK(changed.updated.self_cancel_days == 30);
    CHECK_FALSE(changed.calendar_visible);  // calendars do not show the terms
}

TEST_CASE("a seminar patch changes only the fields it carries") {
    auto current = make_seminar(demo_seminar()).value();
    current.id = 4;
    current.description = "Zwei Tage";
    current.price_cents = 149000;

    seminar_input patch;
    patch.title = "LinkedIn Marketing – Kompakt";
    auto r = patch_seminar(current, patch);
    REQUIRE(outcome(r) == "ok");
    CHECK(r->updated.title == "LinkedIn Marketing – Kompakt");
    CHECK(r->updated.id == 4);
    CHECK(r->updated.slug == current.slug);
    CHECK(r->updated.description == "Zwei Tage");
    CHECK(r->updated.price_cents == 149000);
    CHECK(r->updated.organizer_email == current.organizer_email);

    CHECK(outcome(patch_seminar(current, seminar_input{})) == "ok");
    CHECK(patch_seminar(current, seminar_input{})->updated.title == current.title);
}

TEST_CASE("a seminar patch may clear optional fields but not required ones") {
    auto current = make_seminar(demo_seminar()).value();
    current.price_cents = 149000;
    current.location = "München";

    seminar_input patch;
    patch.price_cents = std::optional<std::int64_t>{};
    patch.location = "";
    auto r = patch_seminar(current, patch);
    REQUIRE(r);
    CHECK_FALSE(r->updated.price_cents);
    CHECK(r->updated.location.empty());

    seminar_input bad;
    bad.title = "";
    bad.slug = "Bad Slug";
    CHECK(outcome(patch_seminar(current, bad)) == "invalid_fields slug:invalid_format title:required");
}

TEST_CASE("a seminar's title, location, description, organiser and slug are what its calendars show") {
    const auto base = make_seminar(demo_seminar()).value();
    CHECK_FALSE(calendar_fields_differ(base, base));
    auto changed = [&](auto edit) {
        auto s = base;
        edit(s);
        return calendar_fields_differ(base, s);
    };
    CHECK(changed([](seminar& s) { s.title = "LinkedIn Marketing – Kompakt"; }));
    CHECK(changed([](seminar& s) { s.location = "München"; }));
    CHECK(changed([](seminar& s) { s.description = "Zwei Tage"; }));
    CHECK(changed([](seminar& s) { s.organizer_name = "Andere GmbH"; }));
    CHECK(changed([](seminar& s) { s.organizer_email = "info@example.org"; }));
    CHECK(changed([](seminar& s) { s.slug = "linkedin-kompakt"; }));
}

TEST_CASE("a seminar's price and currency are not in its calendars") {
    const auto base = make_seminar(demo_seminar()).value();
    auto s = base;
    s.price_cents = 99000;
    s.currency = "CHF";
    s.updated_at = utc(2027, 1, 1, 12);
    CHECK_FALSE(calendar_fields_differ(base, s));
}

TEST_CASE("a seminar patch is calendar-visible exactly when it changes what calendars show") {
    const auto current = make_seminar(demo_seminar()).value();

    seminar_input price;
    price.price_cents = std::optional<std::int64_t>{99000};
    price.currency = "CHF";
    REQUIRE(patch_seminar(current, price));
    CHECK_FALSE(patch_seminar(current, price)->calendar_visible);

    seminar_input same_title;
    same_title.title = current.title;
    CHECK_FALSE(patch_seminar(current, same_title)->calendar_visible);

    seminar_input title;
    title.title = "LinkedIn Marketing – Kompakt";
    CHECK(patch_seminar(current, title)->calendar_visible);

    seminar_input slug;
    slug.slug = "linkedin-kompakt";
    CHECK(patch_seminar(current, slug)->calendar_visible);

    seminar_input organiser;
    organiser.organizer_email = "info@example.org";
    CHECK(patch_seminar(current, organiser)->calendar_visible);

    CHECK_FALSE(patch_seminar(current, seminar_input{})->calendar_visible);
}

// ---------------------------------------------------------------------------------------------------------------
// Dates

TEST_CASE("a date with zone, days and capacity is created") {
    auto r = make_date(demo_date());
    REQUIRE(outcome(r) == "ok");
    CHECK(r->timezone == "Europe/Berlin");
    CHECK(r->days ==
          std::vector<seminar_day>{{ymd(2027, 1, 27), hours{9}, hours{17}}, {ymd(2027, 1, 28), hours{9}, hours{17}}});
    CHECK(r->capacity == 12);
    CHECK(r->waitlist);
    CHECK(r->status == date_status::scheduled);
    CHECK(r->sequence == 0);
    CHECK_FALSE(r->registration_closes_at);
}

TEST_CASE("a new date without its required fields names each of them") {
    CHECK(outcome(make_date(date_input{})) == "invalid_fields capacity:required days:required timezone:required");
    auto in = demo_date();
    in.days = std::vector<day_input>{};
    CHECK(outcome(make_date(in)) == "invalid_fields days:required");
}

TEST_CASE("a local time the clocks skip on its day is refused, naming the entry and why") {
    // 28 March 2027 in Berlin: 02:00 jumps to 03:00. Parsers disagree about 02:30 (ical.js 00:30Z, RFC 5545 01:30Z).
    auto in = demo_date();
    in.days = std::vector<day_input>{{"2027-03-29", "09:00", "17:00"}, {"2027-03-28", "02:30", "03:15"}};
    auto r = make_date(in);
    REQUIRE_FALSE(r.ok());
    // The problem names the entry as it was sent (the second), though the day sorts first.
    CHECK(outcome(r) == "invalid_fields days[1].start:invalid_value");
    CHECK(r.err().fields.at("days[1].start") == field_problem::nonexistent_time);
    CHECK(std::string{message(field_problem::nonexistent_time, lang::de)}.find("gibt es an diesem Tag") !=
          std::string::npos);

    in.days = std::vector<day_input>{{"2027-03-28", "01:00", "02:15"}};
    CHECK(outcome(make_date(in)) == "invalid_fields days[0].end:invalid_value");
    // Just outside the gap, and the same hours in a zone without that switch, are fine.
    in.days = std::vector<day_input>{{"2027-03-28", "01:00", "03:00"}};
    CHECK(make_date(in).ok());
    in.days = std::vector<day_input>{{"2027-03-28", "02:30", "03:15"}};
    in.timezone = "Asia/Tokyo";
    CHECK(make_date(in).ok());
    // The autumn overlap exists (twice): its first occurrence is meant, and it is accepted.
    in.timezone = "Europe/Berlin";
    in.days = std::vector<day_input>{{"2027-10-31", "02:30", "03:15"}};
    CHECK(make_date(in).ok());
}

TEST_CASE("moving a date into a zone where its hours do not exist is refused") {
    auto current = make_date(demo_date()).value();
    current.days = {{ymd(2027, 3, 28), minutes{2 * 60 + 30}, minutes{3 * 60 + 15}}};
    current.timezone = "Asia/Tokyo";
    date_input in;
    in.timezone = "Europe/Berlin";
    auto r = patch_date(current, in, 0);
    REQUIRE_FALSE(r.ok());
    CHECK(outcome(r) == "invalid_fields days[0].start:invalid_value");
    date_input days_only;
    days_only.days = std::vector<day_input>{{"2027-03-28", "02:30", "03:15"}};
    current.timezone = "Europe/Berlin";
    current.days = {{ymd(2027, 3, 29), minutes{9 * 60}, minutes{17 * 60}}};
    CHECK(outcome(patch_date(current, days_only, 0)) == "invalid_fields days[0].start:invalid_value");
}

TEST_CASE("a new date's waiting list is off unless asked for") {
    auto in = demo_date();
    in.waitlist.reset();
    CHECK_FALSE(make_date(in)->waitlist);
}

TEST_CASE("a new date in an unknown zone is refused") {
    auto in = demo_date();
    in.timezone = "Europe/Atlantis";
    CHECK(outcome(make_date(in)) == "invalid_fields timezone:unknown_zone");
    in.timezone = "";
    CHECK(outcome(make_date(in)) == "invalid_fields timezone:unknown_zone");
}

TEST_CASE("a day must end after it starts and be written as YYYY-MM-DD and HH:MM") {
    auto in = demo_date();
    in.days = std::vector<day_input>{{"2027-01-27", "17:00", "09:00"}};
    CHECK(outcome(make_date(in)) == "invalid_fields days[0].end:invalid_value");
    in.days = std::vector<day_input>{{"2027-01-27", "09:00", "09:00"}};
    CHECK(outcome(make_date(in)) == "invalid_fields days[0].end:invalid_value");
    in.days = std::vector<day_input>{{"2027-01-27", "09:00", "17:00"}, {"27.01.2027", "9:00", "25:00"}};
    CHECK(outcome(make_date(in)) ==
          "invalid_fields days[1].date:invalid_format days[1].end:invalid_format days[1].start:invalid_format");
    in.days = std::vector<day_input>{{"2027-02-29", "09:00", "17:00"}};
    CHECK(outcome(make_date(in)) == "invalid_fields days[0].date:invalid_format");
    in.days = std::vector<day_input>{{"2027-01-27", "18:00", "24:00"}};
    CHECK(outcome(make_date(in)) == "ok");
}

TEST_CASE("the days of a new date are sorted, and a day given twice is refused") {
    auto in = demo_date();
    in.days = std::vector<day_input>{{"2027-01-28", "09:00", "13:00"}, {"2027-01-27", "09:00", "17:00"}};
    auto r = make_date(in);
    REQUIRE(r);
    CHECK(r->days ==
          std::vector<seminar_day>{{ymd(2027, 1, 27), hours{9}, hours{17}}, {ymd(2027, 1, 28), hours{9}, hours{13}}});

    in.days = std::vector<day_input>{
        {"2027-01-28", "09:00", "17:00"}, {"2027-01-27", "09:00", "17:00"}, {"2027-01-28", "14:00", "16:00"}};
    CHECK(outcome(make_date(in)) == "invalid_fields days:invalid_value");
}

TEST_CASE("a day given twice is reported together with problems in other fields") {
    auto in = demo_date();
    in.timezone = "Europe/Atlantis";
    in.days = std::vector<day_input>{{"2027-01-27", "09:00", "17:00"}, {"2027-01-27", "09:00", "17:00"}};
    CHECK(outcome(make_date(in)) == "invalid_fields days:invalid_value timezone:unknown_zone");
}

TEST_CASE("a new date has between one day and the limit") {
    auto in = demo_date();
    std::vector<day_input> many;
    auto first = date::sys_days{ymd(2027, 1, 1)};
    for (int i = 0; i < 61; ++i) many.push_back({format_day(first + date::days{i}), "09:00", "17:00"});
    in.days = many;
    CHECK(outcome(make_date(in)) == "invalid_fields days:too_long");
    many.pop_back();
    in.days = many;
    CHECK(outcome(make_date(in)) == "ok");
}

TEST_CASE("a registration deadline may not be after the first day starts") {
    auto in = demo_date();
    in.registration_closes_at = std::optional<std::string>{"2027-01-20T12:00:00+01:00"};
    auto r = make_date(in);
    REQUIRE(r);
    CHECK(r->registration_closes_at == utc(2027, 1, 20, 11));

    in.registration_closes_at = std::optional<std::string>{"2027-01-27T09:00:00+01:00"};  // exactly the start
    CHECK(outcome(make_date(in)) == "ok");
    in.registration_closes_at = std::optional<std::string>{"2027-01-27T09:00:01+01:00"};
    CHECK(outcome(make_date(in)) == "invalid_fields registration_closes_at:invalid_value");
    in.registration_closes_at = std::optional<std::string>{"next Friday"};
    CHECK(outcome(make_date(in)) == "invalid_fields registration_closes_at:invalid_format");
    in.registration_closes_at = std::optional<std::string>{};  // explicit null: the default
    CHECK_FALSE(make_date(in)->registration_closes_at);
}

TEST_CASE("a new date needs at least one seat and at most the limit") {
    auto in = demo_date();
    in.capacity = 0;
    CHECK(outcome(make_date(in)) == "invalid_fields capacity:invalid_value");
    in.capacity = -3;
    CHECK(outcome(make_date(in)) == "invalid_fields capacity:invalid_value");
    in.capacity = limits::max_capacity + 1;
    CHECK(outcome(make_date(in)) == "invalid_fields capacity:invalid_value");
    in.capacity = 1;
    CHECK(outcome(make_date(in)) == "ok");
}

TEST_CASE("a new date cannot be created cancelled") {
    auto in = demo_date();
    in.status = "cancelled";
    CHECK(outcome(make_date(in)) == "invalid_fields status:not_allowed");
    in.status = "scheduled";
    CHECK(outcome(make_date(in)) == "ok");
}

TEST_CASE("changed days are visible to attendees and raise the sequence") {
    auto current = existing_date();
    date_input patch;
    patch.days = std::vector<day_input>{{"2027-01-27", "09:00", "17:00"}, {"2027-01-28", "09:00", "13:00"}};
    auto r = patch_date(current, patch, 5);
    REQUIRE(outcome(r) == "ok");
    CHECK(r->visible);
    CHECK_FALSE(r->cancelled);
    CHECK(r->updated.sequence == 4);
    CHECK(r->updated.days[1].end == hours{13});
    CHECK(r->updated.id == 7);
    CHECK(r->updated.uid == "date-7@example.org");
}

TEST_CASE("a new time zone is visible to attendees") {
    date_input patch;
    patch.timezone = "Europe/Vienna";
    auto r = patch_date(existing_date(), patch, 0);
    REQUIRE(r);
    CHECK(r->visible);
    CHECK(r->updated.timezone == "Europe/Vienna");
    CHECK(r->updated.sequence == 4);

    patch.timezone = "Europe/Atlantis";
    CHECK(outcome(patch_date(existing_date(), patch, 0)) == "invalid_fields timezone:unknown_zone");
}

TEST_CASE("sending the same days again changes nothing visible") {
    date_input patch;
    patch.days = demo_date().days;
    patch.timezone = "Europe/Berlin";
    auto r = patch_date(existing_date(), patch, 0);
    REQUIRE(r);
    CHECK_FALSE(r->visible);
    CHECK(r->updated.sequence == 3);
}

TEST_CASE("a capacity change alone is not visible in calendars") {
    date_input patch;
    patch.capacity = 20;
    patch.waitlist = false;
    auto r = patch_date(existing_date(), patch, 12);
    REQUIRE(outcome(r) == "ok");
    CHECK_FALSE(r->visible);
    CHECK(r->updated.capacity == 20);
    CHECK_FALSE(r->updated.waitlist);
    CHECK(r->updated.sequence == 3);
}

TEST_CASE("capacity cannot drop below the confirmed registrations") {
    date_input patch;
    patch.capacity = 4;
    auto r = patch_date(existing_date(), patch, 5);
    REQUIRE_FALSE(r);
    CHECK(r.err().code == errc::capacity_below_confirmed);
    CHECK(r.err().fields.empty());
    CHECK(outcome(patch_date(existing_date(), patch, 4)) == "ok");  // exactly the confirmed count is fine
    patch.capacity = 0;
    CHECK(outcome(patch_date(existing_date(), patch, 0)) == "invalid_fields capacity:invalid_value");
}

TEST_CASE("cancelling a date is visible, raises the sequence and marks it cancelled") {
    date_input patch;
    patch.status = "cancelled";
    auto r = patch_date(existing_date(), patch, 12);
    REQUIRE(outcome(r) == "ok");
    CHECK(r->cancelled);
    CHECK(r->visible);
    CHECK(r->updated.status == date_status::cancelled);
    CHECK(r->updated.sequence == 4);
}

TEST_CASE("a cancelled date refuses every further change") {
    auto current = existing_date();
    current.status = date_status::cancelled;
    date_input patch;
    patch.capacity = 20;
    CHECK(outcome(patch_date(current, patch, 0)) == "date_cancelled");
    patch = date_input{};
    patch.status = "scheduled";
    CHECK(outcome(patch_date(current, patch, 0)) == "date_cancelled");
    CHECK(outcome(patch_date(current, date_input{}, 0)) == "date_cancelled");
}

TEST_CASE("an unknown date status is refused") {
    date_input patch;
    patch.status = "postponed";
    CHECK(outcome(patch_date(existing_date(), patch, 0)) == "invalid_fields status:invalid_value");
    patch.status = "scheduled";
    auto r = patch_date(existing_date(), patch, 0);
    REQUIRE(r);
    CHECK_FALSE(r->visible);
}

TEST_CASE("a patched deadline is checked, and null restores the default") {
    auto current = existing_date();
    current.registration_closes_at = utc(2027, 1, 20, 11);
    date_input patch;
    patch.registration_closes_at = std::optional<std::string>{};
    auto r = patch_date(current, patch, 0);
    REQUIRE(r);
    CHECK_FALSE(r->updated.registration_closes_at);
    CHECK_FALSE(r->visible);

    patch.registration_closes_at = std::optional<std::string>{"2027-02-01T00:00:00Z"};
    CHECK(outcome(patch_date(current, patch, 0)) == "invalid_fields registration_closes_at:invalid_value");
    patch.registration_closes_at = std::optional<std::string>{"soon"};
    CHECK(outcome(patch_date(current, patch, 0)) == "invalid_fields registration_closes_at:invalid_format");

    // Moving the days before a kept deadline makes that deadline invalid.
    date_input earlier;
    earlier.days = std::vector<day_input>{{"2027-01-13", "09:00", "17:00"}};
    CHECK(outcome(patch_date(current, earlier, 0)) == "invalid_fields registration_closes_at:invalid_value");
}

TEST_CASE("a date patch with bad days changes nothing") {
    date_input patch;
    patch.days = std::vector<day_input>{{"2027-01-27", "17:00", "09:00"}};
    CHECK(outcome(patch_date(existing_date(), patch, 0)) == "invalid_fields days[0].end:invalid_value");
    patch.days = std::vector<day_input>{};
    CHECK(outcome(patch_date(existing_date(), patch, 0)) == "invalid_fields days:required");
}

// ---------------------------------------------------------------------------------------------------------------
// Attendees

TEST_CASE("an attendee's fields are trimmed") {
    auto in = anna();
    in.first_name = "  Anna ";
    in.last_name = "\tMüller\n";
    in.email = " Anna.Mueller@Example.org ";
    in.company = " Beispiel GmbH ";
    in.job_title = " Marketing ";
    in.phone = " +49 (0)89 123456-7 ";
    auto r = make_attendee(in);
    REQUIRE(outcome(r) == "ok");
    CHECK(r->first_name == "Anna");
    CHECK(r->last_name == "Müller");
    CHECK(r->email == "Anna.Mueller@Example.org");  // as typed; storage compares normalize_email()
    CHECK(r->company == "Beispiel GmbH");
    CHECK(r->job_title == "Marketing");
    CHECK(r->phone == "+49 (0)89 123456-7");
}

TEST_CASE("an attendee must accept the privacy policy") {
    auto in = anna();
    in.privacy_consent = false;
    CHECK(outcome(make_attendee(in)) == "invalid_fields privacy_consent:must_accept");
}

TEST_CASE("an attendee without name or e-mail names each missing field") {
    CHECK(outcome(make_attendee(registration_input{})) ==
          "invalid_fields email:required first_name:required last_name:required privacy_consent:must_accept");
    auto in = anna();
    in.first_name = "   ";
    CHECK(outcome(make_attendee(in)) == "invalid_fields first_name:required");
}

TEST_CASE("an attendee's e-mail must be plausible") {
    auto in = anna();
    in.email = "anna.mueller(at)example.org";
    CHECK(outcome(make_attendee(in)) == "invalid_fields email:invalid_email");
    in.email = "anna@example";
    CHECK(outcome(make_attendee(in)) == "invalid_fields email:invalid_email");
    in.email = "anna@example.org\nBcc: all@example.org";
    CHECK(outcome(make_attendee(in)) == "invalid_fields email:invalid_format");
}

TEST_CASE("control characters in a name are an invalid format") {
    auto in = anna();
    in.first_name = "An\nna";
    CHECK(outcome(make_attendee(in)) == "invalid_fields first_name:invalid_format");
    in = anna();
    in.last_name = std::string{"M\0ller", 6};
    CHECK(outcome(make_attendee(in)) == "invalid_fields last_name:invalid_format");
    in = anna();
    in.company = "Evil\x1b[2J Corp";
    CHECK(outcome(make_attendee(in)) == "invalid_fields company:invalid_format");
}

TEST_CASE("an attendee's name has at most 100 code points") {
    auto in = anna();
    in.last_name.clear();
    for (int i = 0; i < 100; ++i) in.last_name += "ö";
    CHECK(outcome(make_attendee(in)) == "ok");
    in.last_name += "ö";
    CHECK(outcome(make_attendee(in)) == "invalid_fields last_name:too_long");
    in = anna();
    in.job_title = std::string(151, 'x');
    CHECK(outcome(make_attendee(in)) == "invalid_fields job_title:too_long");
}

TEST_CASE("invalid UTF-8 in any attendee field is an invalid format") {
    auto in = anna();
    in.first_name = "Ann\xE4";  // Latin-1 ä, as old forms send it
    CHECK(outcome(make_attendee(in)) == "invalid_fields first_name:invalid_format");
    in = anna();
    in.email = "anna\xC0\x80@example.org";
    CHECK(outcome(make_attendee(in)) == "invalid_fields email:invalid_format");
}

TEST_CASE("a phone number holds only digits and the usual separators") {
    auto with_phone = [](std::string phone) {
        auto in = anna();
        in.phone = std::move(phone);
        return outcome(make_attendee(in));
    };
    CHECK(with_phone("") == "ok");
    CHECK(with_phone("+49 89 1234567") == "ok");
    CHECK(with_phone("089/123 45-67") == "ok");
    CHECK(with_phone("(089) 123.456") == "ok");
    CHECK(with_phone("call me maybe") == "invalid_fields phone:invalid_format");
    CHECK(with_phone("+49 89 1234567 ext 5") == "invalid_fields phone:invalid_format");
    CHECK(with_phone("=HYPERLINK(\"x\")") == "invalid_fields phone:invalid_format");
    CHECK(with_phone(std::string(40, '1')) == "ok");
    CHECK(with_phone(std::string(41, '1')) == "invalid_fields phone:too_long");
}

TEST_CASE("every problem of an attendee is reported at once") {
    registration_input in;
    in.first_name = "Anna";
    in.last_name = std::string(101, 'x');
    in.email = "nope";
    in.phone = "abc";
    CHECK(outcome(make_attendee(in)) ==
          "invalid_fields email:invalid_email last_name:too_long phone:invalid_format privacy_consent:must_accept");
}
