// The one place that builds the public URLs seminard hands out (pages, mails, calendars, API answers), and the
// percent-encoding they need. Pure functions and plain values; safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace seminard::server {

/// Percent-encodes everything but unreserved characters (RFC 3986).
std::string percent_encode(std::string_view s);

/// The parts of an absolute URL such as --public-url that answers and mails need.
struct url_parts {
    std::string origin;  ///< "scheme://host[:port]", e.g. "https://seminare.example.org"
    std::string host;    ///< the host alone, without port or IPv6 brackets, e.g. "seminare.example.org"
};
/// Splits `url` ("scheme://authority/path…"); without "://" the whole text counts as the authority.
url_parts split_url(std::string_view url);

/// Paths of our public pages, relative to the public URL; every variable part percent-encoded.
std::string seminar_path(std::string_view slug);
std::string registration_path(std::string_view token);
std::string booking_path(std::string_view token);

/// Every absolute URL of the site, from one base. Built once at start-up and shared; immutable.
class site_urls {
public:
    /// `public_url`: "scheme://host[:port][/prefix]" without a trailing slash.
    explicit site_urls(std::string public_url);

    const std::string& base() const noexcept { return base_; }
    /// "scheme://host[:port]": what a Content-Security-Policy names as our own origin.
    const std::string& origin() const noexcept { return parts_.origin; }
    /// The bare host name: for Message-IDs and the SMTP greeting.
    const std::string& host() const noexcept { return parts_.host; }

    std::string home() const;
    std::string seminar_page(std::string_view slug) const;
    std::string privacy_page() const;
    /// The confirmation page behind the private link (the key to view and cancel a registration).
    std::string registration_page(std::string_view token) const;
    /// The attendee's registration in the API (the 201's Location, links.self).
    std::string registration_api(std::string_view token) const;
    /// The booker's page of a company booking behind its private link (view, cancel one or all).
    std::string booking_page(std::string_view token) const;
    std::string booking_api(std::string_view token) const;
    std::string date_bookings_api(std::int64_t date_id) const;
    /// The attendee's personal invite, under its read-only key (storage::invite_key): a calendar that subscribes
    /// to it, or a colleague it is shared with, can fetch it and nothing else.
    std::string invite(std::string_view invite_key) const;
    std::string seminar_api(std::string_view slug) const;
    std::string date_api(std::int64_t date_id) const;
    std::string date_registrations_api(std::int64_t date_id) const;
    std::string date_calendar(std::int64_t date_id) const;
    std::string outbox_mail(std::int64_t mail_id) const;
    /// The stylesheet at its versioned, immutable address.
    std::string stylesheet(std::string_view version) const;

private:
    std::string base_;
    url_parts parts_;
};

}  // namespace seminard::server
