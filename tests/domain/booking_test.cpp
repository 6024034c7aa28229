// Tests for company bookings: how a booking is placed on a date, and how its input is checked.
#include "domain/booking.hpp"
#include <catch2/catch.hpp>

using namespace seminard::domain;

TEST_CASE("a booking takes free seats only while nobody waits", "[booking]") {
    auto all = place_booking(10, 7, 0, true, 3, if_not_all_fit::refuse);
    REQUIRE(all.ok());
    CHECK(all->confirmed == 3);
    CHECK(all->waitlisted == 0);

    auto refused = place_booking(10, 8, 0, true, 3, if_not_all_fit::refuse);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.err().code == errc::not_enough_seats);
    CHECK(refused.err().seats_left == 2);

    auto split = place_booking(10, 8, 0, true, 3, if_not_all_fit::waitlist_rest);
    REQUIRE(split.ok());
    CHECK(split->confirmed == 2);
    CHECK(split->waitlisted == 1);

    // People already waiting come first: no seat for the booking even if one is free.
    auto behind = place_booking(10, 9, 2, true, 1, if_not_all_fit::waitlist_rest);
    REQUIRE(behind.ok());
    CHECK(behind->confirmed == 0);
    CHECK(behind->waitlisted == 1);
    CHECK(place_booking(10, 9, 2, true, 1, if_not_all_fit::refuse).err().seats_left == 0);

    // Without a waiting list the rest cannot wait.
    auto no_list = place_booking(10, 8, 0, false, 3, if_not_all_fit::waitlist_rest);
    REQUIRE_FALSE(no_list.ok());
    CHECK(no_list.err().seats_left == 2);
    CHECK(seats_left_for_newcomers(10, 12, 0) == 0);  // over capacity (capacity lowered): none, never negative
}

TEST_CASE("a booking's input is checked with the booker's company for everyone", "[booking]") {
    seminar s;
    booking_input in;
    in.booker.first_name = "Bernd";
    in.booker.last_name = "Bucher";
    in.booker.email = "einkauf@beispiel.de";
    in.booker.company = " Beispiel GmbH ";
    in.privacy_consent = true;
    registration_input a;
    a.first_name = "Anna";
    a.last_name = "Muster";
    a.email = "anna@beispiel.de";
    a.job_title = "Vertrieb";
    in.attendees = {a};
    auto ok = make_booking(in, s);
    REQUIRE(ok.ok());
    CHECK(ok->attendees.front().person.company == "Beispiel GmbH");
    CHECK(ok->attendees.front().person.job_title == "Vertrieb");
    CHECK(ok->policy == if_not_all_fit::refuse);
    CHECK_FALSE(ok->billing.has_value());

    in.booker.company = std::string(201, 'x');  // too long: reported once, on the booker
    in.attendees.push_back(a);                  // the same person twice
    auto bad = make_booking(in, s);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.err().fields.at("booker.company") == field_problem::too_long);
    CHECK(bad.err().fields.count("attendees[0].company") == 0);
    CHECK(bad.err().fields.at("attendees[1].email") == field_problem::invalid_value);
}
