// Fuzzes a seminar date from JSON: date_input_from, make_date, and the ISO 8601, day and clock parsers. Input: a JSON
// body; what is not a JSON object goes to the three parsers as one string.
#include "domain/schedule.hpp"
#include "domain/validation.hpp"
#include "fuzz_check.hpp"
#include "server/handlers/json_codec.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

using namespace seminard;

constexpr domain::clock_time end_of_day{24 * 60};

/// Each parser takes exactly the text its formatter writes back (within the years we render with four digits).
void check_parsers(std::string_view s) {
    if (auto day = domain::parse_day(s)) {
        FUZZ_CHECK(day->ok());
        FUZZ_CHECK(domain::format_day(*day) == s);
    }
    if (auto t = domain::parse_clock(s)) {
        FUZZ_CHECK(t->count() >= 0 && *t <= end_of_day);
        FUZZ_CHECK(domain::format_clock(*t) == s);
    }
    if (auto t = domain::parse_iso8601(s)) {
        const date::year_month_day ymd{date::floor<date::days>(*t)};
        if (ymd.year() <= date::year{9999} && ymd.year() >= date::year{1970}) {
            FUZZ_CHECK(domain::parse_iso8601(domain::to_iso8601(*t)) == *t);
        }
    }
}

void check_date(const domain::seminar_date& d) {
    FUZZ_CHECK(domain::find_zone(d.timezone) != nullptr);
    FUZZ_CHECK(!d.days.empty() && d.days.size() <= domain::limits::days_per_date);
    FUZZ_CHECK(d.capacity >= 1 && d.capacity <= domain::limits::max_capacity);
    FUZZ_CHECK(d.status == domain::date_status::scheduled);
    for (std::size_t i = 0; i < d.days.size(); ++i) {
        const auto& day = d.days[i];
        FUZZ_CHECK(day.day.ok());
        FUZZ_CHECK(day.start.count() >= 0 && day.start < day.end && day.end <= end_of_day);
        if (i > 0) FUZZ_CHECK(date::sys_days{d.days[i - 1].day} < date::sys_days{day.day});  // sorted, distinct
    }
    const auto intervals = domain::day_intervals(d);
    FUZZ_CHECK(intervals.size() == d.days.size());
    // In a DST gap both ends may move to the transition, so equal is possible; earlier is not.
    for (const auto& iv : intervals) FUZZ_CHECK(iv.start <= iv.end);
    if (d.registration_closes_at) FUZZ_CHECK(*d.registration_closes_at <= domain::first_start(d));
    FUZZ_CHECK(domain::closes_at(d) <= domain::first_start(d));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return fuzz::run_one([&] {
        const std::string_view text{reinterpret_cast<const char*>(data), size};
        auto body = server::json::parse(text, nullptr, false);
        if (body.is_discarded() || !body.is_object()) {
            check_parsers(text);
            return;
        }
        auto in = server::date_input_from(body);
        if (!in) {
            FUZZ_CHECK(in.err().code == domain::errc::invalid_fields && !in.err().fields.empty());
            return;
        }
        if (in->days) {
            for (const auto& day : *in->days) {
                check_parsers(day.day);
                check_parsers(day.start);
                check_parsers(day.end);
            }
        }
        if (in->registration_closes_at && *in->registration_closes_at) check_parsers(**in->registration_closes_at);
        auto d = domain::make_date(*in);
        if (!d) {
            FUZZ_CHECK(d.err().code == domain::errc::invalid_fields && !d.err().fields.empty());
            return;
        }
        check_date(*d);
    });
}
