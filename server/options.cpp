// Command line parsing (see options.hpp).
#include "server/options.hpp"

#include "domain/schedule.hpp"
#include "server/http/cors.hpp"
#include "server/mail/smtp_client.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

namespace seminard::server {

namespace {

template <class T>
bool to_number(const std::string& s, T& out, T min, T max) {
    T v{};
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size() || v < min || v > max) return false;
    out = v;
    return true;
}

bool split_listen(const std::string& s, config& cfg) {
    auto colon = s.rfind(':');
    if (colon == std::string::npos || colon == 0) return false;
    auto host = s.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    unsigned port = 0;
    if (!to_number(s.substr(colon + 1), port, 0u, 65535u)) return false;
    cfg.http.listen_address = host;
    cfg.http.listen_port = static_cast<std::uint16_t>(port);
    return true;
}

/// "N", "N/s", "N/min" or "N/h": N submissions per that window (a minute when none is given).
bool parse_rate(const std::string& s, rate_limit_config& out) {
    constexpr unsigned max_rate = 100000;
    const auto slash = s.find('/');
    unsigned n = 0;
    if (!to_number(s.substr(0, slash), n, 0u, max_rate)) return false;
    std::chrono::seconds window{60};
    if (slash != std::string::npos) {
        const auto unit = s.substr(slash + 1);
        if (unit == "s")
            window = std::chrono::seconds{1};
        else if (unit == "h")
            window = std::chrono::hours{1};
        else if (unit != "min")
            return false;
    }
    out.per_window = n;
    out.window = window;
    return true;
}

}  // namespace

std::string usage_text() {
    return R"(seminard - seminar and event registration server

Usage: seminard [options]
       seminard user add|list|remove|password …   organiser accounts (seminard user --help)

  --listen HOST:PORT      address to listen on (default 127.0.0.1:8080; port 0 picks a free one)
  --db PATH               SQLite database file (default var/seminard.db; created if missing)
  --public-url URL        base of links in confirmations and invites (default http://HOST:PORT)
  --demo                  seed the demo seminar if the database has no seminar yet
  --clock-start TIME      start the server's clock at TIME (ISO 8601 with offset, e.g.
                          2027-01-27T10:00:00+01:00) and let it run on from there: to rehearse a later
                          day (a deadline, a past date) on a copy of the data, and for tests
  --threads N             IO threads (default: number of cores)
  --readers N             database reader threads (default: number of cores, at least 2)
  --sync full|normal      SQLite synchronous level (default full: a 2xx survives power loss;
                          normal: survives a crash of seminard, may lose the last commits on power loss)
  --body-limit BYTES      largest request body (default 65536; 413 beyond)
  --header-timeout SEC    time to send a request header (default 10)
  --body-timeout SEC      time to send a request body (default 30)
  --idle-timeout SEC      keep-alive idle time (default 60)
  --shutdown-grace SEC    time in-flight requests get after SIGTERM (default 10)
  --max-connections-per-client N
                          open connections one client address may hold (default 256; 0: no cap;
                          trusted proxies are never capped)
  --trusted-proxy CIDR    a reverse proxy in front of seminard, e.g. 127.0.0.1/32 or 10.0.0.0/8 (repeatable):
                          requests from it are counted and logged under the client address it names in
                          X-Forwarded-For (or Forwarded); anyone else's such headers are ignored
  --key-file PATH         the server's secret key, kept outside the database (default: the database's path
                          with .key appended; made with mode 0600 on first start). It seals the private links
                          of mails not sent yet and signs the calendar links: keep it, and keep it apart
                          from backups of the database
  --admin-token-file PATH read the organiser token from a file
  --calendar-organizer EMAIL
                          ORGANIZER address of invites (e.g. a no-reply address; default: the seminar's)
  --no-access-log         do not write the access log to stdout
  --rate-limit N[/s|/min|/h]
                          public registrations per client address (IPv6: per /64) and window
                          (default 20/min; 0 switches the limit off); beyond: 429 with Retry-After
  --rate-burst N          submissions one address may make at once before the rate applies (default 10)
  --rate-limit-loopback   limit loopback clients too (127.0.0.0/8, ::1; exempt by default)
  --cors-origin ORIGIN    allow the public API from this web origin, e.g. https://www.example.org
                          (scheme://host[:port], no path; repeatable; default: none)
  --frame-origin ORIGIN   let the pages of this web origin show ours in a frame, e.g. the organiser's site
                          that embeds the registration form (repeatable; default: none, no page of ours may
                          be framed, which keeps clickjacking out)
  --privacy-url URL       the privacy notice the registration form links to (default: the built-in
                          page /datenschutz)
  --smtp HOST:PORT        deliver the outbox's mails through this SMTP server (default: none; the mails
                          stay in the outbox, where the organiser API serves them as .eml)
  --mail-from EMAIL       From address of mails to attendees (Reply-To is the seminar's organiser;
                          default: the organiser's address)
  --mail-retry SEC        first retry after a temporary SMTP failure (default 30; doubles up to an hour,
                          12 attempts in all)
  --smtp-timeout SEC      time for each step of an SMTP conversation (default 30)
  --retention-days N      anonymise the registrations of a date N days after its last day (default 365;
                          0: keep until erased)
  --mail-retention-days N delete the body of a sent mail N days after sending (default 30; 0: keep)
  --session-idle MIN      a workspace login ends after this many minutes without a request (default 60)
  --session-lifetime MIN  and this many minutes after it began, however busy (default 720)
  --help                  show this text

The organiser token is read from SEMINARD_ADMIN_TOKEN (or --admin-token-file). Without one, seminard generates a
token on first start, stores only its hash, and prints it once.
)";
}

parsed_options parse_options(const std::vector<std::string>& args, const std::string& env_token) {
    parsed_options out;
    auto& cfg = out.cfg;
    cfg.app.admin_token = env_token;
    auto fail = [&](std::string msg) {
        out.error = std::move(msg);
        return out;
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        auto value = [&](std::string& v) {
            if (i + 1 >= args.size()) return false;
            v = args[++i];
            return true;
        };
        std::string v;
        auto seconds = [&](std::chrono::seconds& target) {
            long n = 0;
            if (!value(v) || !to_number(v, n, 1L, 86400L)) return false;
            target = std::chrono::seconds{n};
            return true;
        };
        if (a == "--help" || a == "-h") {
            out.show_help = true;
        } else if (a == "--listen") {
            if (!value(v) || !split_listen(v, cfg)) return fail("--listen needs HOST:PORT");
        } else if (a == "--db") {
            if (!value(v) || v.empty()) return fail("--db needs a path");
            cfg.app.db.path = v;
        } else if (a == "--public-url") {
            if (!value(v)) return fail("--public-url needs an http:// or https:// URL");
            const std::size_t scheme = v.rfind("http://", 0) == 0 ? 7 : v.rfind("https://", 0) == 0 ? 8 : 0;
            while (v.size() > scheme && v.back() == '/') v.pop_back();
            // A host must follow the scheme, and nothing that could break a header or a calendar line.
            if (scheme == 0 || v.size() == scheme || v[scheme] == '/' ||
                v.find_first_of(" \t\r\n\"<>\\") != std::string::npos)
                return fail("--public-url needs an http:// or https:// URL");
            cfg.app.site.public_url = v;
        } else if (a == "--demo") {
            cfg.demo = true;
        } else if (a == "--clock-start") {
            if (!value(v) || !(cfg.clock_start = domain::parse_iso8601(v)))
                return fail("--clock-start needs a time like 2027-01-27T10:00:00+01:00");
        } else if (a == "--threads") {
            if (!value(v) || !to_number(v, cfg.http.io_threads, 1u, 256u)) return fail("--threads needs 1..256");
        } else if (a == "--readers") {
            if (!value(v) || !to_number(v, cfg.reader_threads, 1u, 256u)) return fail("--readers needs 1..256");
        } else if (a == "--sync") {
            if (!value(v) || (v != "full" && v != "normal")) return fail("--sync needs full or normal");
            cfg.app.db.synchronous_full = v == "full";
        } else if (a == "--body-limit") {
            if (!value(v) || !to_number(v, cfg.http.limits.body_limit, std::size_t{64}, std::size_t{64} << 20))
                return fail("--body-limit needs 64..67108864 bytes");
        } else if (a == "--header-timeout") {
            if (!seconds(cfg.http.limits.header_timeout)) return fail("--header-timeout needs 1..86400 seconds");
        } else if (a == "--body-timeout") {
            if (!seconds(cfg.http.limits.body_timeout)) return fail("--body-timeout needs 1..86400 seconds");
        } else if (a == "--idle-timeout") {
            if (!seconds(cfg.http.limits.idle_timeout)) return fail("--idle-timeout needs 1..86400 seconds");
        } else if (a == "--shutdown-grace") {
            if (!seconds(cfg.http.limits.shutdown_grace)) return fail("--shutdown-grace needs 1..86400 seconds");
        } else if (a == "--max-connections-per-client") {
            if (!value(v) ||
                !to_number(v, cfg.http.limits.max_connections_per_client, std::size_t{0}, std::size_t{100000}))
                return fail("--max-connections-per-client needs 0..100000");
        } else if (a == "--trusted-proxy") {
            std::optional<ip_network> network;
            if (!value(v) || !(network = ip_network::parse(v)))
                return fail("--trusted-proxy needs an address or network like 127.0.0.1 or 10.0.0.0/8");
            cfg.http.trusted_proxies.push_back(*network);
        } else if (a == "--key-file") {
            if (!value(v) || v.empty()) return fail("--key-file needs a path");
            cfg.key_file = v;
        } else if (a == "--admin-token-file") {
            if (!value(v)) return fail("--admin-token-file needs a path");
            std::ifstream f(v);
            std::stringstream ss;
            if (!f || !(ss << f.rdbuf())) return fail("cannot read " + v);
            auto token = ss.str();
            while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' '))
                token.pop_back();
            if (token.empty()) return fail(v + " is empty");
            cfg.app.admin_token = token;
        } else if (a == "--calendar-organizer") {
            if (!value(v) || v.find('@') == std::string::npos || v.find_first_of("\r\n\";:, ") != std::string::npos)
                return fail("--calendar-organizer needs an e-mail address");
            cfg.app.site.calendar_organizer_email = v;
        } else if (a == "--no-access-log") {
            cfg.http.access_log = false;
        } else if (a == "--rate-limit") {
            if (!value(v) || !parse_rate(v, cfg.app.rate_limit))
                return fail("--rate-limit needs N, N/s, N/min or N/h with N in 0..100000");
        } else if (a == "--rate-burst") {
            if (!value(v) || !to_number(v, cfg.app.rate_limit.burst, 1u, 10000u))
                return fail("--rate-burst needs 1..10000");
        } else if (a == "--rate-limit-loopback") {
            cfg.app.rate_limit.limit_loopback = true;
        } else if (a == "--cors-origin") {
            std::optional<std::string> origin;
            if (!value(v) || !(origin = cors_policy::normalize_origin(v)))
                return fail("--cors-origin needs an origin like https://www.example.org (no path, no trailing slash)");
            if (std::find(cfg.app.cors_origins.begin(), cfg.app.cors_origins.end(), *origin) ==
                cfg.app.cors_origins.end())
                cfg.app.cors_origins.push_back(std::move(*origin));
        } else if (a == "--frame-origin") {
            std::optional<std::string> origin;
            if (!value(v) || !(origin = cors_policy::normalize_origin(v)))
                return fail("--frame-origin needs an origin like https://www.example.org (no path, no trailing slash)");
            if (std::find(cfg.app.frame_origins.begin(), cfg.app.frame_origins.end(), *origin) ==
                cfg.app.frame_origins.end())
                cfg.app.frame_origins.push_back(std::move(*origin));
        } else if (a == "--privacy-url") {
            if (!value(v) || (v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0) ||
                v.find_first_of(" \t\r\n\"<>\\") != std::string::npos)
                return fail("--privacy-url needs an http:// or https:// URL");
            cfg.app.site.privacy_url = v;
        } else if (a == "--smtp") {
            if (!value(v) || !parse_smtp_endpoint(v)) return fail("--smtp needs HOST:PORT");
            cfg.app.mail.smtp = v;
        } else if (a == "--mail-from") {
            if (!value(v) || v.find('@') == std::string::npos || v.find_first_of("\r\n\";:,<> ") != std::string::npos)
                return fail("--mail-from needs an e-mail address");
            cfg.app.mail.from_address = v;
        } else if (a == "--mail-retry") {
            if (!seconds(cfg.app.mail.retry_base)) return fail("--mail-retry needs 1..86400 seconds");
        } else if (a == "--retention-days") {
            if (!value(v) || !to_number(v, cfg.app.retention_days, 0, 36500))
                return fail("--retention-days needs 0..36500 days");
        } else if (a == "--mail-retention-days") {
            if (!value(v) || !to_number(v, cfg.app.mail_retention_days, 0, 36500))
                return fail("--mail-retention-days needs 0..36500 days");
        } else if (a == "--session-idle" || a == "--session-lifetime") {
            long minutes = 0;
            if (!value(v) || !to_number(v, minutes, 1L, 60L * 24 * 30)) return fail(a + " needs 1..43200 minutes");
            (a == "--session-idle" ? cfg.app.session_idle : cfg.app.session_lifetime) = std::chrono::minutes{minutes};
        } else if (a == "--smtp-timeout") {
            if (!seconds(cfg.app.mail.smtp_timeout)) return fail("--smtp-timeout needs 1..86400 seconds");
        } else {
            return fail("unknown option " + a + " (see --help)");
        }
    }
    if (!cfg.app.admin_token.empty() && cfg.app.admin_token.size() < 16)
        return fail("the organiser token must have at least 16 characters");
    return out;
}

}  // namespace seminard::server
