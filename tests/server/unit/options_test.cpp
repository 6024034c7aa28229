// Tests of command line and environment parsing: defaults, every option, and refusals with their messages.
#include "server/options.hpp"

#include "domain/schedule.hpp"
#include "server/demo.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace server = seminard::server;
using args = std::vector<std::string>;
using namespace std::chrono_literals;

namespace {

const std::string good_token = "0123456789abcdef";  // exactly the 16-character minimum

/// A file with the given content in a fresh temp directory; removed on destruction.
class temp_file {
public:
    explicit temp_file(const std::string& content) {
        auto pattern = (std::filesystem::temp_directory_path() / "seminard-options-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        dir_ = pattern;
        std::ofstream(path()) << content;
    }
    ~temp_file() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    std::string path() const { return (dir_ / "token").string(); }

private:
    std::filesystem::path dir_;
};

server::parsed_options ok(const args& a, const std::string& env = "") {
    auto p = server::parse_options(a, env);
    INFO("error: " << p.error);
    REQUIRE(p.error.empty());
    return p;
}

std::string error_of(const args& a, const std::string& env = "") { return server::parse_options(a, env).error; }

}  // namespace

TEST_CASE("no options give the documented defaults", "[options]") {
    const auto p = ok({});
    const auto& c = p.cfg;
    CHECK_FALSE(p.show_help);
    CHECK(c.http.listen_address == "127.0.0.1");
    CHECK(c.http.listen_port == 8080);
    CHECK(c.app.db.path == "var/seminard.db");
    CHECK(c.app.db.synchronous_full);
    CHECK(c.app.db.busy_timeout_ms == 5000);
    CHECK(c.app.site.public_url.empty());
    CHECK_FALSE(c.demo);
    CHECK(c.http.io_threads == 0);
    CHECK(c.reader_threads == 0);
    CHECK(c.app.admin_token.empty());
    CHECK(c.http.access_log);
    CHECK(c.http.limits.body_limit == 65536);
    CHECK(c.http.limits.header_limit == 16384);
    CHECK(c.http.limits.header_timeout == 10s);
    CHECK(c.http.limits.body_timeout == 30s);
    CHECK(c.http.limits.idle_timeout == 60s);
    CHECK(c.http.limits.write_timeout == 30s);
    CHECK(c.http.limits.shutdown_grace == 10s);
}

TEST_CASE("the listen address takes HOST:PORT, with IPv6 in brackets and port 0", "[options]") {
    auto p = ok({"--listen", "0.0.0.0:9000"});
    CHECK(p.cfg.http.listen_address == "0.0.0.0");
    CHECK(p.cfg.http.listen_port == 9000);
    p = ok({"--listen", "[::1]:0"});
    CHECK(p.cfg.http.listen_address == "::1");
    CHECK(p.cfg.http.listen_port == 0);
    p = ok({"--listen", "localhost:65535"});
    CHECK(p.cfg.http.listen_address == "localhost");
    CHECK(p.cfg.http.listen_port == 65535);
}

TEST_CASE("every option sets its field", "[options]") {
    temp_file token_file("file-token-0123456789\r\n");
    const auto p = ok({"--db",
                       "/tmp/x.db",
                       "--public-url",
                       "https://seminare.example.org//",
                       "--demo",
                       "--threads",
                       "4",
                       "--readers",
                       "3",
                       "--sync",
                       "normal",
                       "--body-limit",
                       "1024",
                       "--header-timeout",
                       "5",
                       "--body-timeout",
                       "7",
                       "--idle-timeout",
                       "9",
                       "--shutdown-grace",
                       "3",
                       "--admin-token-file",
                       token_file.path(),
                       "--no-access-log"});
    const auto& c = p.cfg;
    CHECK(c.app.db.path == "/tmp/x.db");
    CHECK(c.app.site.public_url == "https://seminare.example.org");
    CHECK(c.demo);
    CHECK(c.http.io_threads == 4);
    CHECK(c.reader_threads == 3);
    CHECK_FALSE(c.app.db.synchronous_full);
    CHECK(c.http.limits.body_limit == 1024);
    CHECK(c.http.limits.header_timeout == 5s);
    CHECK(c.http.limits.body_timeout == 7s);
    CHECK(c.http.limits.idle_timeout == 9s);
    CHECK(c.http.limits.shutdown_grace == 3s);
    CHECK(c.app.admin_token == "file-token-0123456789");  // trailing CR LF stripped
    CHECK_FALSE(c.http.access_log);
    CHECK_FALSE(p.show_help);

    CHECK(ok({"--sync", "full"}).cfg.app.db.synchronous_full);
    CHECK(ok({"--public-url", "http://localhost:8080"}).cfg.app.site.public_url == "http://localhost:8080");
    CHECK(ok({"--help"}).show_help);
    CHECK(ok({"-h"}).show_help);
    CHECK(ok({"--body-limit", "64"}).cfg.http.limits.body_limit == 64);
    CHECK(ok({"--body-limit", "67108864"}).cfg.http.limits.body_limit == 67108864);
    CHECK(ok({"--idle-timeout", "86400"}).cfg.http.limits.idle_timeout == 86400s);
}

TEST_CASE("the organiser token comes from the environment or a file, and must be long enough", "[options]") {
    CHECK(ok({}, good_token).cfg.app.admin_token == good_token);
    CHECK(error_of({}, "short-token") == "the organiser token must have at least 16 characters");
    CHECK(error_of({}, "0123456789abcde") == "the organiser token must have at least 16 characters");

    SECTION("a token file wins over the environment") {
        temp_file f("from-file-token-xyz\n");
        CHECK(ok({"--admin-token-file", f.path()}, good_token).cfg.app.admin_token == "from-file-token-xyz");
    }
    SECTION("a short token in a file is refused too") {
        temp_file f("short\n");
        CHECK(error_of({"--admin-token-file", f.path()}) == "the organiser token must have at least 16 characters");
    }
    SECTION("an empty file is refused") {
        temp_file f(" \n");
        CHECK(error_of({"--admin-token-file", f.path()}) == f.path() + " is empty");
    }
    SECTION("a missing file is refused") {
        CHECK(error_of({"--admin-token-file", "/nonexistent/seminard/token"}) ==
              "cannot read /nonexistent/seminard/token");
    }
}

TEST_CASE("bad values are refused with a message naming the option", "[options]") {
    const std::string listen = "--listen needs HOST:PORT";
    for (const char* v : {"8080", ":8080", "host:", "host:abc", "host:65536", "host:-1", "host:80x", "[::1]"}) {
        INFO(v);
        CHECK(error_of({"--listen", v}) == listen);
    }
    CHECK(error_of({"--listen"}) == listen);
    CHECK(error_of({"--db"}) == "--db needs a path");
    CHECK(error_of({"--db", ""}) == "--db needs a path");
    CHECK(error_of({"--public-url", "ftp://example.org"}) == "--public-url needs an http:// or https:// URL");
    CHECK(error_of({"--public-url", "example.org"}) == "--public-url needs an http:// or https:// URL");
    CHECK(error_of({"--public-url"}) == "--public-url needs an http:// or https:// URL");
    for (const char* v : {"0", "257", "-1", "x", "4x", ""}) {
        INFO(v);
        CHECK(error_of({"--threads", v}) == "--threads needs 1..256");
        CHECK(error_of({"--readers", v}) == "--readers needs 1..256");
    }
    CHECK(error_of({"--sync", "fast"}) == "--sync needs full or normal");
    CHECK(error_of({"--sync", "FULL"}) == "--sync needs full or normal");
    CHECK(error_of({"--body-limit", "63"}) == "--body-limit needs 64..67108864 bytes");
    CHECK(error_of({"--body-limit", "67108865"}) == "--body-limit needs 64..67108864 bytes");
    CHECK(error_of({"--header-timeout", "0"}) == "--header-timeout needs 1..86400 seconds");
    CHECK(error_of({"--body-timeout", "86401"}) == "--body-timeout needs 1..86400 seconds");
    CHECK(error_of({"--idle-timeout", "1.5"}) == "--idle-timeout needs 1..86400 seconds");
    CHECK(error_of({"--shutdown-grace"}) == "--shutdown-grace needs 1..86400 seconds");
    CHECK(error_of({"--frobnicate"}) == "unknown option --frobnicate (see --help)");
    CHECK(error_of({"serve"}) == "unknown option serve (see --help)");
}

TEST_CASE("a public URL without a host is refused", "[options]") {
    // Today "https://" passes and the slash stripping leaves "https:" as the base of every link.
    CHECK(error_of({"--public-url", "https://"}) == "--public-url needs an http:// or https:// URL");
    CHECK(error_of({"--public-url", "http:///"}) == "--public-url needs an http:// or https:// URL");
}

TEST_CASE("the usage text lists every option", "[options]") {
    const auto text = server::usage_text();
    for (const char* o : {"--listen",
                          "--db",
                          "--public-url",
                          "--demo",
                          "--clock-start",
                          "--threads",
                          "--readers",
                          "--sync",
                          "--body-limit",
                          "--header-timeout",
                          "--body-timeout",
                          "--idle-timeout",
                          "--shutdown-grace",
                          "--max-connections-per-client",
                          "--trusted-proxy",
                          "--frame-origin",
                          "--key-file",
                          "--admin-token-file",
                          "--no-access-log",
                          "--help",
                          "SEMINARD_ADMIN_TOKEN"}) {
        INFO(o);
        CHECK(text.find(o) != std::string::npos);
    }
}

TEST_CASE("the clock start takes an ISO 8601 time with its offset", "[options]") {
    CHECK_FALSE(ok({}).cfg.clock_start);
    const auto p = ok({"--clock-start", "2027-01-27T10:00:00+01:00"});
    REQUIRE(p.cfg.clock_start);
    CHECK(seminard::domain::to_iso8601(*p.cfg.clock_start) == "2027-01-27T09:00:00Z");
    for (const char* bad : {"2027-01-27", "2027-01-27T10:00:00", "tomorrow", ""}) {
        INFO(bad);
        CHECK(error_of({"--clock-start", bad}) == "--clock-start needs a time like 2027-01-27T10:00:00+01:00");
    }
    CHECK(error_of({"--clock-start"}) == "--clock-start needs a time like 2027-01-27T10:00:00+01:00");
}

TEST_CASE("the demo's next date is the next 27./28. January still ahead, in Berlin", "[demo]") {
    auto at = [](const char* iso) { return server::next_demo_year(*seminard::domain::parse_iso8601(iso)); };
    CHECK(at("2026-12-02T10:00:00+01:00") == 2027);
    CHECK(at("2027-01-01T00:00:00+01:00") == 2027);
    CHECK(at("2027-01-28T23:59:00+01:00") == 2027);  // the last day is still under way
    CHECK(at("2027-01-28T23:30:00Z") == 2028);       // already the 29th in Berlin
    CHECK(at("2027-01-29T00:00:00+01:00") == 2028);
    CHECK(at("2027-07-01T12:00:00+02:00") == 2028);
    CHECK(at("2027-12-31T23:59:00+01:00") == 2028);
}

TEST_CASE("trusted proxies are repeatable and the per-client cap takes 0 for none", "[options]") {
    const auto p = ok({"--trusted-proxy", "127.0.0.1", "--trusted-proxy", "10.0.0.0/8"});
    REQUIRE(p.cfg.http.trusted_proxies.size() == 2);
    CHECK(p.cfg.http.trusted_proxies[1].to_string() == "10.0.0.0/8");
    CHECK(ok({}).cfg.http.trusted_proxies.empty());
    CHECK(ok({}).cfg.http.limits.max_connections_per_client == 256);
    CHECK(ok({"--max-connections-per-client", "0"}).cfg.http.limits.max_connections_per_client == 0);
    CHECK(error_of({"--trusted-proxy", "10.0.0.1/8"}) ==
          "--trusted-proxy needs an address or network like 127.0.0.1 or 10.0.0.0/8");
    CHECK(error_of({"--trusted-proxy", "nginx"}) ==
          "--trusted-proxy needs an address or network like 127.0.0.1 or 10.0.0.0/8");
    CHECK(error_of({"--max-connections-per-client", "-1"}) == "--max-connections-per-client needs 0..100000");
}

TEST_CASE("retention is 365 days for registrations and 30 for mail bodies unless told, 0 switching it off",
          "[options]") {
    const auto defaults = ok({});
    CHECK(defaults.cfg.app.retention_days == 365);
    CHECK(defaults.cfg.app.mail_retention_days == 30);
    const auto set = ok({"--retention-days", "0", "--mail-retention-days", "7"});
    CHECK(set.cfg.app.retention_days == 0);
    CHECK(set.cfg.app.mail_retention_days == 7);
    for (const char* v : {"-1", "36501", "x", ""}) {
        INFO(v);
        CHECK(error_of({"--retention-days", v}) == "--retention-days needs 0..36500 days");
        CHECK(error_of({"--mail-retention-days", v}) == "--mail-retention-days needs 0..36500 days");
    }
}

TEST_CASE("a workspace login lasts 60 idle minutes and 12 hours at most unless told", "[options]") {
    const auto defaults = ok({});
    CHECK(defaults.cfg.app.session_idle == std::chrono::minutes{60});
    CHECK(defaults.cfg.app.session_lifetime == std::chrono::hours{12});
    const auto set = ok({"--session-idle", "15", "--session-lifetime", "480"});
    CHECK(set.cfg.app.session_idle == std::chrono::minutes{15});
    CHECK(set.cfg.app.session_lifetime == std::chrono::hours{8});
    for (const char* v : {"0", "43201", "x", ""}) {
        INFO(v);
        CHECK(error_of({"--session-idle", v}) == "--session-idle needs 1..43200 minutes");
        CHECK(error_of({"--session-lifetime", v}) == "--session-lifetime needs 1..43200 minutes");
    }
}
