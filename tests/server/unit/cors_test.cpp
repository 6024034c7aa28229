// Tests of the CORS policy: origin validation, preflight answers through the router, and the headers on actual
// answers of public and organiser routes. No network.
#include "server/cors.hpp"

#include "server/options.hpp"
#include "server/router.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
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
    r.add("GET", "/api/v1/seminars", ok);
    r.add("POST", "/api/v1/seminars", ok);
    r.add("POST", "/api/v1/dates/{id}/registrations", ok);
    r.add("GET", "/api/v1/dates/{id}/registrations", ok);
    r.add("GET", "/api/v1/registrations/{token}", ok);
    r.add("DELETE", "/api/v1/registrations/{token}", ok);
    r.add("PATCH", "/api/v1/dates/{id}", ok);
    r.add("GET", "/seminars/{slug}", ok);
    r.set_cors(server::cors_policy{std::move(origins)});
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
    using server::cors_policy;
    CHECK(cors_policy::public_route("GET", "/api/v1/seminars"));
    CHECK(cors_policy::public_route("GET", "/api/v1/seminars/{slug}"));
    CHECK(cors_policy::public_route("POST", "/api/v1/dates/{id}/registrations"));
    CHECK(cors_policy::public_route("GET", "/api/v1/registrations/{token}"));
    CHECK(cors_policy::public_route("DELETE", "/api/v1/registrations/{token}"));
    CHECK(cors_policy::public_route("GET", "/api/v1/calendar.ics"));
    CHECK_FALSE(cors_policy::public_route("POST", "/api/v1/seminars"));
    CHECK_FALSE(cors_policy::public_route("GET", "/api/v1/dates/{id}/registrations"));
    CHECK_FALSE(cors_policy::public_route("GET", "/api/v1/dates/{id}/registrations.csv"));
    CHECK_FALSE(cors_policy::public_route("PATCH", "/api/v1/dates/{id}"));
    CHECK_FALSE(cors_policy::public_route("POST", "/api/v1/registrations/{code}/cancel"));
    CHECK_FALSE(cors_policy::public_route("GET", "/seminars/{slug}"));
    CHECK_FALSE(cors_policy::public_route("GET", "/healthz"));
    CHECK_FALSE(cors_policy::public_route("GET", "(not found)"));
}

TEST_CASE("a preflight from an allowed origin gets exactly the allow headers", "[cors]") {
    const auto r = make_router({site, "http://localhost:3000"});

    SECTION("the registration POST with JSON") {
        auto res = dispatch(r,
                            make_request("OPTIONS",
                                         "/api/v1/dates/7/registrations",
                                         preflight_headers(site, "POST", "content-type,accept-language")));
        CHECK(res.status == 204);
        CHECK(res.header("Access-Control-Allow-Origin") == site);
        CHECK(res.header("Access-Control-Allow-Methods") == "POST");  // the organiser's GET is not offered
        CHECK(res.header("Access-Control-Allow-Headers") == "Content-Type, Accept-Language");
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
    cors.decorate(site, "POST", "/api/v1/dates/{id}/registrations", res);
    CHECK(res.header("Access-Control-Allow-Origin") == site);
    CHECK(res.header("Access-Control-Expose-Headers") == "Location, Retry-After");
    CHECK(res.header("Vary") == "Origin");
    CHECK(res.header("Access-Control-Allow-Credentials").empty());

    res = answer();
    cors.decorate(site, "HEAD", "/api/v1/seminars", res);  // HEAD is the GET route
    CHECK(res.header("Access-Control-Allow-Origin") == site);

    res = answer();
    res.set("Vary", "Accept-Language");
    cors.decorate("https://evil.example", "GET", "/api/v1/seminars", res);
    CHECK(res.header("Access-Control-Allow-Origin").empty());
    CHECK(res.header("Vary") == "Accept-Language, Origin");

    res = answer();
    cors.decorate("", "GET", "/api/v1/seminars", res);
    CHECK(res.header("Access-Control-Allow-Origin").empty());
    CHECK(res.header("Vary") == "Origin");

    for (const auto& [method, route] : std::vector<std::pair<std::string, std::string>>{
             {"GET", "/api/v1/dates/{id}/registrations"},
             {"POST", "/api/v1/seminars"},
             {"GET", "/seminars/{slug}"},
             {"GET", "(not found)"},
             {"OPTIONS", "/api/v1/seminars"},
         }) {
        INFO(method << " " << route);
        res = answer();
        cors.decorate(site, method, route, res);
        CHECK(res.headers.empty());
    }

    res = answer();
    server::cors_policy{}.decorate(site, "GET", "/api/v1/seminars", res);  // no allow-list: no CORS at all
    CHECK(res.headers.empty());
}

TEST_CASE("the cors origin option is repeatable and normalised and refuses anything that is not an origin",
          "[cors][options]") {
    auto parse = [](std::vector<std::string> args) { return server::parse_options(args, ""); };
    CHECK(parse({}).cfg.cors_origins.empty());

    auto o = parse({"--cors-origin",
                    "https://www.example.org",
                    "--cors-origin",
                    "HTTP://Localhost:3000",
                    "--cors-origin",
                    "https://www.example.org:443"});
    REQUIRE(o.error.empty());
    CHECK(o.cfg.cors_origins == std::vector<std::string>{"https://www.example.org", "http://localhost:3000"});

    for (const char* bad :
         {"https://www.example.org/", "https://x.org/path", "*", "https://a b", "https://x.org\r\n"}) {
        INFO(bad);
        CHECK(parse({"--cors-origin", bad}).error.find("--cors-origin") == 0);
    }
    CHECK(parse({"--cors-origin"}).error.find("--cors-origin") == 0);
    CHECK(server::usage_text().find("--cors-origin ORIGIN") != std::string::npos);
}
