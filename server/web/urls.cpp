// Public URLs (see urls.hpp).
#include "server/web/urls.hpp"

#include <algorithm>

namespace seminard::server {

std::string percent_encode(std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                          c == '.' || c == '_' || c == '~';
        if (unreserved) {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 0xF]);
        }
    }
    return out;
}

url_parts split_url(std::string_view url) {
    const auto scheme_end = url.find("://");
    const auto authority_start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
    const auto authority_end = std::min(url.find_first_of("/?#", authority_start), url.size());
    url_parts parts;
    parts.origin = std::string{url.substr(0, authority_end)};
    auto host = url.substr(authority_start, authority_end - authority_start);
    if (!host.empty() && host.front() == '[')
        host = host.substr(1, host.find(']') - 1);
    else
        host = host.substr(0, host.find(':'));
    parts.host = std::string{host};
    return parts;
}

std::string seminar_path(std::string_view slug) { return "/seminars/" + percent_encode(slug); }

std::string registration_path(std::string_view token) { return "/registrations/" + percent_encode(token); }
std::string booking_path(std::string_view token) { return "/bookings/" + percent_encode(token); }

site_urls::site_urls(std::string public_url) : base_(std::move(public_url)), parts_(split_url(base_)) {}

std::string site_urls::home() const { return base_ + "/"; }

std::string site_urls::seminar_page(std::string_view slug) const { return base_ + seminar_path(slug); }

std::string site_urls::privacy_page() const { return base_ + "/datenschutz"; }

std::string site_urls::registration_page(std::string_view token) const { return base_ + registration_path(token); }
std::string site_urls::booking_page(std::string_view token) const { return base_ + booking_path(token); }
std::string site_urls::booking_api(std::string_view token) const {
    return base_ + "/api/v1/bookings/" + percent_encode(token);
}
std::string site_urls::date_bookings_api(std::int64_t date_id) const {
    return base_ + "/api/v1/dates/" + std::to_string(date_id) + "/bookings";
}

std::string site_urls::registration_api(std::string_view token) const {
    return base_ + "/api/v1/registrations/" + percent_encode(token);
}

std::string site_urls::invite(std::string_view invite_key) const {
    return base_ + "/api/v1/invites/" + percent_encode(invite_key) + ".ics";
}

std::string site_urls::seminar_api(std::string_view slug) const {
    return base_ + "/api/v1/seminars/" + percent_encode(slug);
}

std::string site_urls::date_api(std::int64_t date_id) const {
    return base_ + "/api/v1/dates/" + std::to_string(date_id);
}

std::string site_urls::date_registrations_api(std::int64_t date_id) const {
    return date_api(date_id) + "/registrations";
}

std::string site_urls::date_calendar(std::int64_t date_id) const { return date_api(date_id) + "/calendar.ics"; }

std::string site_urls::outbox_mail(std::int64_t mail_id) const {
    return base_ + "/api/v1/outbox/" + std::to_string(mail_id);
}

std::string site_urls::stylesheet(std::string_view version) const {
    std::string url = base_ + "/static/seminard.css?v=";
    url += version;
    return url;
}

}  // namespace seminard::server
