// Seat rules (see admission.hpp).
#include "admission.hpp"

#include "schedule.hpp"

#include <algorithm>
#include <string_view>

namespace seminard::domain {

namespace {
// Crockford's base32: no I, L, O, U, so nothing reads as another symbol or spells a word; when typed back,
// O counts as 0 and I or L as 1.
constexpr std::string_view code_alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
}  // namespace

admission admit(int capacity, int confirmed, int waitlisted, bool waitlist_enabled) noexcept {
    if (confirmed < capacity && waitlisted == 0) return admission::confirmed;
    return waitlist_enabled ? admission::waitlisted : admission::full;
}

int promotions(int capacity, int confirmed, int waitlisted) noexcept {
    return std::max(0, std::min(capacity - confirmed, waitlisted));
}

int promotions(const seminar_date& d, const date_availability& a, instant now) {
    if (d.status != date_status::scheduled || now >= first_start(d)) return 0;
    return promotions(d.capacity, a.confirmed, a.waitlisted);
}

instant self_cancel_deadline(const seminar& s, const seminar_date& d) {
    const auto start = first_start(d);
    if (!s.self_cancel_days || *s.self_cancel_days <= 0 || d.days.empty()) return start;
    const auto* zone = find_zone(d.timezone);
    if (!zone) return start;
    // Calendar days back on the local wall clock, not 24-hour steps back from the instant: "14 days before 09:00"
    // is 09:00 local on that day, whatever the offset was then.
    const auto& first = d.days.front();
    const date::year_month_day day{date::sys_days{first.day} - date::days{*s.self_cancel_days}};
    return to_instant(*zone, day, first.start);
}

bool may_cancel(canceller who, const seminar& s, const seminar_date& d, instant now) {
    return who == canceller::organiser || now < self_cancel_deadline(s, d);
}

bool self_cancellable(const seminar& s, const seminar_date& d, const registration& r, instant now) {
    return r.status != registration_status::cancelled && may_cancel(canceller::attendee, s, d, now);
}

bool may_substitute(const seminar_date& d, instant now) {
    return d.status != date_status::cancelled && now < first_start(d);
}

std::string make_code(const std::array<std::uint8_t, code_random_bytes>& random) {
    std::uint64_t bits = 0;
    for (auto b : random) bits = (bits << 8) | b;
    return make_code(bits);
}

std::string make_code(std::uint64_t bits) {
    static_assert(code_alphabet.size() == 32);  // 40 bits give exactly 8 symbols of 5 bits
    std::string out;
    out.reserve(9);
    for (int i = 7; i >= 0; --i) {
        auto v = static_cast<unsigned>((bits >> (i * 5)) & 0x1F);
        out.push_back(code_alphabet[v]);
        if (i == 4) out.push_back('-');
    }
    return out;
}

std::string canonical_code(std::string_view typed) {
    std::string out;
    for (char c : typed) {
        if (c == '-' || c == ' ') continue;
        char u = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
        if (u == 'O') u = '0';
        if (u == 'I' || u == 'L') u = '1';
        if (code_alphabet.find(u) == std::string_view::npos) return {};
        out.push_back(u);
        if (out.size() > 8) return {};
    }
    if (out.size() != 8) return {};
    out.insert(4, 1, '-');
    return out;
}

std::optional<std::uint64_t> code_value(std::string_view canonical) {
    if (canonical.size() != 9 || canonical[4] != '-') return std::nullopt;
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < canonical.size(); ++i) {
        if (i == 4) continue;
        auto v = code_alphabet.find(canonical[i]);
        if (v == std::string_view::npos) return std::nullopt;
        bits = (bits << 5) | v;
    }
    return bits;
}

}  // namespace seminard::domain
