// Tests for the personal invite's method: a request, or a cancellation once the registration or its date is off.
#include "domain/invite.hpp"
#include <catch2/catch.hpp>

using namespace seminard::domain;

namespace {

registration with_status(registration_status s) {
    registration r;
    r.status = s;
    if (s == registration_status::waitlisted) r.waitlist_position = 1;
    return r;
}

seminar_date with_status(date_status s) {
    seminar_date d;
    d.status = s;
    return d;
}

}  // namespace

TEST_CASE("a confirmed or waiting registration on a scheduled date gets a request, not a cancellation") {
    const auto d = with_status(date_status::scheduled);
    CHECK_FALSE(invite_cancels(d, with_status(registration_status::confirmed)));
    CHECK_FALSE(invite_cancels(d, with_status(registration_status::waitlisted)));
}

TEST_CASE("a cancelled registration cancels its invite") {
    CHECK(invite_cancels(with_status(date_status::scheduled), with_status(registration_status::cancelled)));
}

TEST_CASE("a cancelled date cancels every invite, whatever the registration's state") {
    const auto d = with_status(date_status::cancelled);
    CHECK(invite_cancels(d, with_status(registration_status::confirmed)));
    CHECK(invite_cancels(d, with_status(registration_status::waitlisted)));
    CHECK(invite_cancels(d, with_status(registration_status::cancelled)));
}
