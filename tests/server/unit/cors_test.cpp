// Tests of the CORS policy: origin validation, preflight answers through the router, and the headers on actual
// answers of public and organiser routes. No network.
#include "server/http/cors.hpp"

#include "server/http/router.hpp"
#include "server/options.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <tuple>
#include <vector>

namespace server = seminard::server;
namespace domain = seminard::domain;

namespace {

const std::string site = "https://www.example.org";

server::http_request make_request(std::string method, std::string path, server::header_list headers = {}) {
    server::http_request req;
    req.method = std::move(method);
    req.target = path;
    req.path = std::move(path);
    req.headers = std::move(headers);
    return req;
}

/// The routes of the contract that matter here: a public GET, a path with a public POST and an organiser GET, an
/// organiser-only path, and a non-API page.
server::router make_router(std::vector<std::string> origins) {
    server::router r;
    auto ok = [](const std::shared_ptr<server::exchange>& ex) {
        server::http_response res;
        res.body = "ok";
        ex->respond(std::move(res));
    };
    using server::access;
    r.add("GET", "/api/v1/seminars", access::anyone, ok);
    r.add("POST", "/api/v1/seminars", access::organiser, ok);
    r.add("POST", "/api/v1/dates/{id}/registrations", access::anyone, ok);
    r.add("GET", "/api/v1/dates/{id}/registrations", access::organiser, ok);
    r.add("GET", "/api/v1/registrations/{token}", access::attendee, ok);
    r.add("DELETE", "/api/v1/registrations/{token}", access::attendee, ok);
    r.add("PATCH", "/api/v1/dates/{id}", access::organiser, ok);
    r.add("GET", "/seminars/{slug}", access::anyone, ok);
    r.set_cors(server::cors_policy{std::move(origins)});
    r.set_access_check(
        [](access, const std::shared_ptr<server::exchange>&, const server::access_granted& grant) { grant(); });
    return r;
}

server::http_response dispatch(const server::router& r, server::http_request req) {
    auto out = std::make_shared<std::vector<server::http_response>>();
    auto ex = std::make_shared<server::exchange>(std::move(req),
                                                 [out](server::http_response res) { out->push_back(std::move(res)); });
    r.dispatch(ex);
    REQUIRE(out->size() == 1);
    return out->front();
}

server::header_list preflight_headers(std::string origin, std::string method, std::string headers = {}) {
    server::header_list h{{"Origin", std::move(origin)}, {"Access-Control-Request-Method", std::move(method)}};
    if (!headers.empty()) h.emplace_back("Access-Control-Request-Headers", std::move(headers));
    return h;
}

std::string error_code(const server::http_response& res) {
    return nlohmann::json::parse(res.body).at("error").get<std::string>();
}

}  // namespace

TEST_CASE("configured origins must be scheme://host[:port] and are kept as browsers send them", "[cors]") {
    using server::cors_policy;
    CHECK(cors_policy::normalize_origin("https://www.example.org") == "https://www.example.org");
    CHECK(cors_policy::normalize_origin("HTTPS://WWW.Example.ORG") == "https://www.example.org");
    CHECK(cors_policy::normalize_origin("http://localhost:3000") == "http://localhost:3000");
    CHECK(cors_policy::normalize_origin("https://example.org:443") == "https://example.org");
    CHECK(cors_policy::normalize_origin("http://example.org:80") == "http://example.org");
    CHECK(cors_policy::normalize_origin("http://example.org:443") == "http://example.org:443");
    CHECK(cors_policy::normalize_origin("http://[::1]:8080") == "http://[::1]:8080");
    CHECK(cors_policy::normalize_origin("http://192.0.2.1") == "http://192.0.2.1");

    for (const char* bad : {"",
                            "*",
                            "null",
                            "example.org",
                            "ftp://example.org",
                            "https://",
                            "https://example.org/",
                            "https://example.org/form",
                            "https://example.org?x=1",
                            "https://example.org#top",
                            "https://user@example.org",
                            "https://exa mple.org",
                            "https://example.org\r\nSet-Cookie: a=b",
                            "https://example.org\n",
                            "https://example.org:",
                            "https://example.org:0",
                            "https://example.org:65536",
                            "https://example.org:80a",
                            "https://.example.org",
                            "https://example..org",
                            "https://bücher.example",
                            "http://[::1",
                            "http://[zz::1]"}) {
        INFO(bad);
        CHECK_FALSE(cors_policy::normalize_origin(bad));
    }
}

TEST_CASE("public routes are the /api/v1 routes without the organiser token", "[cors]") {
    using server::access;
    server::router r;
    r.set_access_check(
        [](access, const std::shared_ptr<server::exchange>&, const server::access_granted& grant) { grant(); });
    auto ok = [](const std::shared_ptr<server::exchange>& ex) { ex->respond(server::http_response{}); };
    const std::vector<std::tuple<std::string, std::string, access, std::string>> routes{
        {"GET", "/api/v1/seminars", access::anyone, "/api/v1/seminars"},
        {"GET", "/api/v1/seminars/{slug}", access::anyone, "/api/v1/seminars/x"},
        {"POST", "/api/v1/dates/{id}/registrations", access::anyone, "/api/v1/dates/1/registrations"},
        {"GET", "/api/v1/registrations/{token}", access::attendee, "/api/v1/registrations/t"},
        {"DELETE", "/api/v1/registrations/{token}", access::attendee, "/api/v1/registrations/t"},
        {"GET", "/api/v1/calendar.ics", access::anyone, "/api/v1/calendar.ics"},
        {"POST", "/api/v1/seminars", access::organiser, "/api/v1/seminars"},
        {"GET", "/api/v1/dates/{id}/registrations", access::organiser, "/api/v1/dates/1/registrations"},
        {"GET", "/api/v1/dates/{id}/registrations.csv", access::organiser, "/api/v1/dates/1/registrations.csv"},
        {"PATCH", "/api/v1/dates/{id}", access::organiser, "/api/v1/dates/1"},
        {"POST", "/api/v1/registrations/{code}/cancel", access::organiser, "/api/v1/registrations/c/cancel"},
        {"GET", "/seminars/{slug}", access::anyone, "/seminars/x"},
        {"GET", "/healthz", access::anyone, "/healthz"},
    };
    for (const auto& [method, pattern, level, path] : routes) r.add(method, pattern, level, ok);
    auto cross_origin = [&r](std::string method, std::string path) {
        auto ex = std::make_shared<server::exchange>(make_request(std::move(method), std::move(path)),
                                                     [](server::http_response) {});
        r.dispatch(ex);
        return ex->cross_origin;
    };
    CHECK(cross_origin("GET", "/api/v1/seminars"));
    CHECK(cross_origin("GET", "/api/v1/seminars/x"));
    CHECK(cross_origin("POST", "/api/v1/dates/1/registrations"));
    CHECK(cross_origin("GET", "/api/v1/registrations/t"));
    CHECK(cross_origin("DELETE", "/api/v1/registrations/t"));
    CHECK(cross_origin("GET", "/api/v1/calendar.ics"));
    CHECK_FALSE(cross_origin("POST", "/api/v1/seminars"));
    CHECK_FALSE(cross_origin("GET", "/api/v1/dates/1/registrations"));
    CHECK_FALSE(cross_origin("GET", "/api/v1/dates/1/registrations.csv"));
    CHECK_FALSE(cross_origin("PATCH", "/api/v1/dates/1"));
    CHECK_FALSE(cross_origin("POST", "/api/v1/registrations/c/cancel"));
    CHECK_FALSE(cross_origin("GET", "/seminars/x"));
    CHECK_FALSE(cross_origin("GET", "/healthz"));
    CHECK_FALSE(cross_origin("GET", "/no/such/path"));
}

TEST_CASE("a preflight from an allowed origin gets exactly the allow headers", "[cors]") {
    const auto r = make_router({site, "http://localhost:3000"});

    SECTION("the registration POST with JSON") {
        auto res =
            dispatch(r,
                     make_request("OPTIONS",
                                  "/api/v1/dates/7/registrations",
                                  preflight_headers(site, "POST", "content-type,accept-language,idempotency-key")));
        CHECK(res.status == 204);
        CHECK(res.header("Access-Control-Allow-Origin") == site);
        CHECK(res.header("Access-Control-Allow-Methods") == "POST");  // the organiser's GET is not offered
        CHECK(res.header("Access-Control-Allow-Headers") ==
              "Content-Type, Accept-Language, Idempotency-Key, X-Idempotency-Key");
        CHECK(res.header("Access-Control-Max-Age") == "600");
        CHECK(res.header("Vary") == "Origin");
        CHECK(res.header("Access-Control-Allow-Credentials").empty());
        CHECK(res.body.empty());
    }
    SECTION("the second configured origin, a path with two public methods, no requested headers") {
        auto res = dispatch(
            r,
            make_request("OPTIONS", "/api/v1/registrations/abc", preflight_headers("http://localhost:3000", "DELETE")));
        CHECK(res.status == 204);
        CHECK(res.header("Access-Control-Allow-Origin") == "http://localhost:3000");
        CHECK(res.header("Access-Control-Allow-Methods") == "GET, DELETE");
        CHECK(res.header("Access-Control-Allow-Headers").empty());
    }
    SECTION("a header outside the list gets no Access-Control-Allow-Headers") {
        auto res = dispatch(r,
                            make_request("OPTIONS",
                                         "/api/v1/dates/7/registrations",
                                         preflight_headers(site, "POST", "Content-Type, Authorization")));
        CHECK(res.status == 204);
        CHECK(res.header("Access-Control-Allow-Origin") == site);
        CHECK(res.header("Access-Control-Allow-Headers").empty());
    }
}

TEST_CASE("a preflight is refused with 403 for other origins, methods and organiser routes", "[cors]") {
    const auto r = make_router({site});
    struct refused {
        std::string path;
        server::header_list headers;
    };
    for (const auto& c : std::vector<refused>{
             {"/api/v1/dates/7/registrations", preflight_headers("https://evil.example", "POST")},
             {"/api/v1/dates/7/registrations", preflight_headers("https://www.example.org.evil.example", "POST")},
             {"/api/v1/dates/7/registrations", preflight_headers("https://www.example.org/", "POST")},
             {"/api/v1/dates/7/registrations", preflight_headers("HTTPS://WWW.EXAMPLE.ORG", "POST")},
             {"/api/v1/dates/7/registrations", preflight_headers("null", "POST")},
             {"/api/v1/dates/7/registrations", preflight_headers("*", "POST")},
             {"/api/v1/dates/7/registrations", preflight_headers(site, "PUT")},
             {"/api/v1/dates/7/registrations", preflight_headers(site, "post")},
             {"/api/v1/seminars", preflight_headers(site, "POST")},  // organiser
             {"/api/v1/dates/7", preflight_headers(site, "PATCH")},  // organiser-only path
             {"/seminars/x", preflight_headers(site, "GET")},        // not the API
         }) {
        INFO(c.headers[0].second << " " << c.headers[1].second << " " << c.path);
        auto res = dispatch(r, make_request("OPTIONS", c.path, c.headers));
        CHECK(res.status == 403);
        CHECK(error_code(res) == "forbidden");
        CHECK(res.header("Access-Control-Allow-Origin").empty());
        CHECK(res.header("Access-Control-Allow-Methods").empty());
    }
}

TEST_CASE("without an allow-list every preflight is refused", "[cors]") {
    const auto r = make_router({});
    auto res = dispatch(r, make_request("OPTIONS", "/api/v1/seminars", preflight_headers(site, "GET")));
    CHECK(res.status == 403);
    CHECK(res.header("Access-Control-Allow-Origin").empty());
}

TEST_CASE("OPTIONS that is no preflight answers 204 with Allow and unknown paths stay 404", "[cors]") {
    const auto r = make_router({site});
    auto res = dispatch(r, make_request("OPTIONS", "/api/v1/dates/7/registrations"));
    CHECK(res.status == 204);
    CHECK(res.header("Allow") == "POST, GET, HEAD, OPTIONS");
    CHECK(res.header("Access-Control-Allow-Origin").empty());

    res = dispatch(r, make_request("OPTIONS", "/api/v1/seminars", {{"Origin", site}}));  // no request method
    CHECK(res.status == 204);
    CHECK(res.header("Allow") == "GET, HEAD, POST, OPTIONS");
    CHECK(res.header("Access-Control-Allow-Origin").empty());

    res = dispatch(r, make_request("OPTIONS", "/nowhere", preflight_headers(site, "GET")));
    CHECK(res.status == 404);
}

TEST_CASE("answers of public routes carry the origin only when it is allowed, and always Vary: Origin", "[cors]") {
    const server::cors_policy cors{{site}};
    auto answer = [] {
        server::http_response res;
        res.body = "{}";
        return res;
    };

    auto res = answer();
    cors.decorate(site, "POST", true, res);
    CHECK(res.header("Access-Control-Allow-Origin") == site);
    CHECK(res.header("Access-Control-Expose-Headers") == "Location, Retry-After");
    CHECK(res.header("Vary") == "Origin");
    CHECK(res.header("Access-Control-Allow-Credentials").empty());

    res = answer();
    cors.decorate(site, "HEAD", true, res);  // HEAD is the GET route
    CHECK(res.header("Access-Control-Allow-Origin") == site);

    res = answer();
    res.set("Vary", "Accept-Language");
    cors.decorate("https://evil.example", "GET", true, res);
    CHECK(res.header("Access-Control-Allow-Origin").empty());
    CHECK(res.header("Vary") == "Accept-Language, Origin");

    res = answer();
    cors.decorate("", "GET", true, res);
    CHECK(res.header("Access-Control-Allow-Origin").empty());
    CHECK(res.header("Vary") == "Origin");

    // Routes that are not cross-origin (organiser routes, pages, unknown paths), and OPTIONS (the router's own).
    for (const auto& [method, cross_origin] : std::vector<std::pair<std::string, bool>>{
             {"GET", false},
             {"POST", false},
             {"OPTIONS", true},
         }) {
        INFO(method << " " << cross_origin);
        res = answer();
        cors.decorate(site, method, cross_origin, res);
        CHECK(res.headers.empty());
    }

    res = answer();
    server::cors_policy{}.decorate(site, "GET", true, res);  // no allow-list: no CORS at all
    CHECK(res.headers.empty());
}

TEST_CASE("the cors origin option is repeatable and normalised and refuses anything that is not an origin",
          "[cors][options]") {
    auto parse = [](std::vector<std::string> args) { return server::parse_options(args, ""); };
    CHECK(parse({}).cfg.app.cors_origins.empty());

    auto o = parse({"--cors-origin",
                    "https://www.example.org",
                    "--cors-origin",
                    "HTTP://Localhost:3000",
                    "--cors-origin",
                    "https://www.example.org:443"});
    REQUIRE(o.error.empty());
    CHECK(o.cfg.app.cors_origins == std::vector<std::string>{"https://www.example.org", "http://localhost:3000"});

    for (const char* bad :
         {"https://www.example.org/", "https://x.org/path", "*", "https://a b", "https://x.org\r\n"}) {
        INFO(bad);
        CHECK(parse({"--cors-origin", bad}).error.find("--cors-origin") == 0);
    }
    CHECK(parse({"--cors-origin"}).error.find("--cors-origin") == 0);
    CHECK(server::usage_text().find("--cors-origin ORIGIN") != std::string::npos);
}
