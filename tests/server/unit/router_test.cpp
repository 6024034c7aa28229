// Tests of the router and the exchange: matching, parameters, 404/405/400, handler failures, HEAD, answering once.
#include "server/http/router.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace server = seminard::server;
namespace domain = seminard::domain;
using nlohmann::json;

namespace {

/// Every answer an exchange sent back, in order (more than one would be a bug).
struct replies {
    std::vector<server::http_response> sent;
};

server::http_request make_request(std::string method, std::string target, server::header_list headers = {}) {
    server::http_request req;
    req.method = std::move(method);
    req.target = target;
    const auto q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) req.query = target.substr(q + 1);
    req.headers = std::move(headers);
    return req;
}

std::shared_ptr<server::exchange> make_exchange(server::http_request req, const std::shared_ptr<replies>& out) {
    return std::make_shared<server::exchange>(
        std::move(req), [out](server::http_response res) { out->sent.push_back(std::move(res)); });
}

/// What a handler saw.
struct seen {
    int calls = 0;
    std::string route;
    std::string method;
    std::map<std::string, std::string> params;
    domain::lang lang = domain::lang::de;
};

server::handler recording(seen& s, int status = 200) {
    return [&s, status](const std::shared_ptr<server::exchange>& ex) {
        ++s.calls;
        s.route = ex->route;
        s.method = ex->request().method;
        s.params = ex->params;
        s.lang = ex->lang;
        server::http_response res;
        res.status = status;
        res.body = "ok";
        ex->respond(std::move(res));
    };
}

/// Dispatches one request and returns what was answered once every reference to the exchange is gone.
std::vector<server::http_response> dispatch(const server::router& r,
                                            std::string method,
                                            std::string target,
                                            server::header_list headers = {}) {
    auto out = std::make_shared<replies>();
    r.dispatch(make_exchange(make_request(std::move(method), std::move(target), std::move(headers)), out));
    return out->sent;
}

json body_of(const server::http_response& res) { return json::parse(res.body); }

}  // namespace

TEST_CASE("an exact path runs its handler", "[router]") {
    server::router r;
    seen health, other;
    r.add("GET", "/healthz", server::access::anyone, recording(health));
    r.add("GET", "/api/v1/seminars", server::access::anyone, recording(other));

    auto sent = dispatch(r, "GET", "/healthz");
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].status == 200);
    CHECK(sent[0].body == "ok");
    CHECK(health.calls == 1);
    CHECK(health.route == "/healthz");
    CHECK(other.calls == 0);
}

TEST_CASE("a {param} captures one percent-decoded segment", "[router]") {
    server::router r;
    seen slug, regs, cancel;
    r.add("GET", "/api/v1/seminars/{slug}", server::access::anyone, recording(slug));
    r.add("GET", "/api/v1/dates/{id}/registrations", server::access::anyone, recording(regs));
    r.add("POST", "/api/v1/registrations/{code}/cancel", server::access::anyone, recording(cancel));

    SECTION("plain") {
        REQUIRE(dispatch(r, "GET", "/api/v1/seminars/linkedin-marketing").at(0).status == 200);
        CHECK(slug.params == std::map<std::string, std::string>{{"slug", "linkedin-marketing"}});
        CHECK(slug.route == "/api/v1/seminars/{slug}");
    }
    SECTION("escapes are decoded, '+' is not a space in a path") {
        REQUIRE(dispatch(r, "GET", "/api/v1/seminars/m%C3%BCnchen%20a+b").at(0).status == 200);
        CHECK(slug.params.at("slug") == "münchen a+b");
    }
    SECTION("in the middle of a pattern") {
        REQUIRE(dispatch(r, "GET", "/api/v1/dates/42/registrations?status=waitlisted").at(0).status == 200);
        CHECK(regs.params.at("id") == "42");
        REQUIRE(dispatch(r, "POST", "/api/v1/registrations/AB12-CD34/cancel").at(0).status == 200);
        CHECK(cancel.params.at("code") == "AB12-CD34");
    }
    SECTION("param() reads a capture and is empty for an unknown name") {
        server::router r2;
        std::string got, missing = "unset";
        r2.add("GET", "/x/{name}", server::access::anyone, [&](const std::shared_ptr<server::exchange>& ex) {
            got = ex->param("name");
            missing = ex->param("nope");
            ex->respond({});
        });
        dispatch(r2, "GET", "/x/v%61lue");
        CHECK(got == "value");
        CHECK(missing.empty());
    }
}

TEST_CASE("an unknown path is a JSON 404", "[router]") {
    server::router r;
    seen s;
    r.add("GET", "/api/v1/seminars/{slug}", server::access::anyone, recording(s));
    for (const char* target : {"/nothing", "/api/v1/seminars", "/api/v1/seminars/", "/api/v1/seminars/a/b", "/"}) {
        INFO(target);
        auto sent = dispatch(r, "GET", target);
        REQUIRE(sent.size() == 1);
        CHECK(sent[0].status == 404);
        CHECK(sent[0].header("Content-Type") == "application/json; charset=utf-8");
        CHECK(body_of(sent[0]) == json{{"error", "not_found"}, {"message", "Nicht gefunden."}});
    }
    CHECK(s.calls == 0);
}

TEST_CASE("a known path with the wrong method is 405 with Allow", "[router]") {
    server::router r;
    seen s;
    r.add("GET", "/api/v1/seminars", server::access::anyone, recording(s));
    r.add("POST", "/api/v1/seminars", server::access::anyone, recording(s));
    r.add("POST", "/api/v1/dates/{id}/registrations", server::access::anyone, recording(s));
    r.add("GET", "/api/v1/dates/{id}/registrations", server::access::anyone, recording(s));
    r.add("DELETE", "/api/v1/registrations/{token}", server::access::anyone, recording(s));
    r.add("GET", "/api/v1/registrations/{token}", server::access::anyone, recording(s));

    SECTION("GET brings HEAD along") {
        auto sent = dispatch(r, "DELETE", "/api/v1/seminars");
        REQUIRE(sent.size() == 1);
        CHECK(sent[0].status == 405);
        CHECK(sent[0].header("Allow") == "GET, HEAD, POST");
        CHECK(body_of(sent[0])["error"] == "method_not_allowed");
    }
    SECTION("whatever the order of registration") {
        auto sent = dispatch(r, "PUT", "/api/v1/dates/7/registrations");
        REQUIRE(sent.size() == 1);
        CHECK(sent[0].status == 405);
        CHECK(sent[0].header("Allow") == "POST, GET, HEAD");
        auto sent2 = dispatch(r, "PATCH", "/api/v1/registrations/tok");
        CHECK(sent2.at(0).header("Allow") == "DELETE, GET, HEAD");
    }
    SECTION("a POST-only path refuses HEAD and does not offer it") {
        server::router p;
        p.add("POST", "/api/v1/registrations/{code}/cancel", server::access::anyone, recording(s));
        auto sent = dispatch(p, "HEAD", "/api/v1/registrations/X/cancel");
        REQUIRE(sent.size() == 1);
        CHECK(sent[0].status == 405);
        CHECK(sent[0].header("Allow") == "POST");
    }
    CHECK(s.calls == 0);
}

TEST_CASE("a path that cannot be decoded is 400", "[router]") {
    server::router r;
    seen s;
    r.add("GET", "/api/v1/seminars/{slug}", server::access::anyone, recording(s));
    for (const char* target : {"/api/v1/seminars/%zz",
                               "/api/v1/seminars/%4",
                               "/api/v1/seminars/abc%",
                               "/api/v1/seminars/a%2Fb",
                               "/api/v1/seminars/a%2fb",
                               "/api/v1/seminars/a%00b",
                               "/api/v1/%zz/x",
                               "*",
                               "api/v1/seminars/x"}) {
        INFO(target);
        auto sent = dispatch(r, "GET", target);
        REQUIRE(sent.size() == 1);
        CHECK(sent[0].status == 400);
        CHECK(body_of(sent[0])["error"] == "bad_request");
    }
    CHECK(s.calls == 0);
}

TEST_CASE("a throwing handler becomes a JSON 500 and never propagates", "[router]") {
    server::router r;
    r.add("GET", "/std", server::access::anyone, [](const std::shared_ptr<server::exchange>&) {
        throw std::runtime_error("bug");
    });
    r.add("GET", "/int", server::access::anyone, [](const std::shared_ptr<server::exchange>&) { throw 42; });
    r.add("GET", "/after", server::access::anyone, [](const std::shared_ptr<server::exchange>& ex) {
        server::http_response res;
        res.status = 201;
        ex->respond(std::move(res));
        throw std::runtime_error("late bug");
    });

    for (const char* target : {"/std", "/int"}) {
        INFO(target);
        std::vector<server::http_response> sent;
        CHECK_NOTHROW(sent = dispatch(r, "GET", target));
        REQUIRE(sent.size() == 1);
        CHECK(sent[0].status == 500);
        CHECK(body_of(sent[0]) == json{{"error", "internal"}, {"message", "Ein interner Fehler ist aufgetreten."}});
    }
    SECTION("an answer given before the throw stands") {
        std::vector<server::http_response> sent;
        CHECK_NOTHROW(sent = dispatch(r, "GET", "/after"));
        REQUIRE(sent.size() == 1);
        CHECK(sent[0].status == 201);
    }
    SECTION("in the client's language") {
        auto sent = dispatch(r, "GET", "/std?lang=en");
        REQUIRE(sent.size() == 1);
        CHECK(body_of(sent[0])["message"] == "An internal error occurred.");
    }
}

TEST_CASE("HEAD runs the GET route", "[router]") {
    server::router r;
    seen get;
    r.add("GET", "/api/v1/seminars/{slug}", server::access::anyone, recording(get));
    auto sent = dispatch(r, "HEAD", "/api/v1/seminars/x");
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].status == 200);
    CHECK(get.calls == 1);
    CHECK(get.method == "HEAD");  // the handler can tell, the session drops the body
    CHECK(get.params.at("slug") == "x");
}

TEST_CASE("the router negotiates the language before the handler runs", "[router]") {
    server::router r;
    seen s;
    r.add("GET", "/x", server::access::anyone, recording(s));
    dispatch(r, "GET", "/x");
    CHECK(s.lang == domain::lang::de);
    dispatch(r, "GET", "/x?lang=en");
    CHECK(s.lang == domain::lang::en);
    dispatch(r, "GET", "/x", {{"Accept-Language", "en-US,en;q=0.9"}});
    CHECK(s.lang == domain::lang::en);
    auto sent = dispatch(r, "GET", "/missing?lang=en");
    CHECK(body_of(sent.at(0))["message"] == "Not found.");
}

TEST_CASE("a handler may answer later from another thread", "[router][exchange]") {
    server::router r;
    std::shared_ptr<server::exchange> kept;
    r.add("POST", "/later", server::access::anyone, [&](const std::shared_ptr<server::exchange>& ex) { kept = ex; });
    auto out = std::make_shared<replies>();
    r.dispatch(make_exchange(make_request("POST", "/later"), out));
    CHECK(out->sent.empty());
    REQUIRE(kept);
    CHECK_FALSE(kept->answered());
    std::thread t([ex = std::move(kept)] {
        server::http_response res;
        res.status = 201;
        ex->respond(std::move(res));
    });
    t.join();
    REQUIRE(out->sent.size() == 1);
    CHECK(out->sent[0].status == 201);
}

TEST_CASE("an exchange answers once: the first respond() wins", "[exchange]") {
    auto out = std::make_shared<replies>();
    {
        auto ex = make_exchange(make_request("GET", "/"), out);
        CHECK_FALSE(ex->answered());
        server::http_response first;
        first.status = 201;
        first.body = "first";
        ex->respond(std::move(first));
        CHECK(ex->answered());
        server::http_response second;
        second.status = 409;
        ex->respond(std::move(second));
    }  // dropped answered: no further reply
    REQUIRE(out->sent.size() == 1);
    CHECK(out->sent[0].status == 201);
    CHECK(out->sent[0].body == "first");
}

TEST_CASE("an exchange dropped without an answer replies 500", "[exchange]") {
    auto out = std::make_shared<replies>();
    SECTION("directly") {
        { auto ex = make_exchange(make_request("GET", "/"), out); }
        REQUIRE(out->sent.size() == 1);
        CHECK(out->sent[0].status == 500);
        CHECK(body_of(out->sent[0])["error"] == "internal");
    }
    SECTION("through a handler that forgot to answer") {
        server::router r;
        r.add("GET", "/forgot", server::access::anyone, [](const std::shared_ptr<server::exchange>&) {});
        r.dispatch(make_exchange(make_request("GET", "/forgot?lang=en"), out));
        REQUIRE(out->sent.size() == 1);
        CHECK(out->sent[0].status == 500);
        CHECK(body_of(out->sent[0]) == json{{"error", "internal"}, {"message", "An internal error occurred."}});
    }
}

TEST_CASE("an exchange without a reply function ignores respond()", "[exchange]") {
    auto ex = std::make_shared<server::exchange>(make_request("GET", "/"), server::exchange::reply_fn{});
    CHECK_NOTHROW(ex->respond({}));
    CHECK(ex->answered());
}

TEST_CASE("a route's access level is checked before its handler runs", "[router][access]") {
    using server::access;
    server::router r;
    seen open, attendee, organiser;
    r.add("GET", "/api/v1/seminars", access::anyone, recording(open));
    r.add("GET", "/api/v1/registrations/{token}", access::attendee, recording(attendee));
    r.add("GET", "/api/v1/outbox", access::organiser, recording(organiser));

    SECTION("without a check, only open routes answer; the others are refused, never run") {
        CHECK(dispatch(r, "GET", "/api/v1/seminars").at(0).status == 200);
        auto refused = dispatch(r, "GET", "/api/v1/outbox");
        REQUIRE(refused.size() == 1);
        CHECK(refused[0].status == 403);
        CHECK(body_of(refused[0]).at("error") == "forbidden");
        CHECK(dispatch(r, "GET", "/api/v1/registrations/abc").at(0).status == 403);
        CHECK(organiser.calls == 0);
        CHECK(attendee.calls == 0);
    }

    SECTION("the check sees the level and the matched route, and its own answer goes out when it refuses") {
        std::vector<std::pair<access, std::string>> asked;
        r.set_access_check(
            [&asked](access level, const std::shared_ptr<server::exchange>& ex, const server::access_granted& grant) {
                asked.emplace_back(level, ex->route);
                if (ex->param("token") == "good") return grant();
                server::http_response res;
                res.status = 401;
                ex->respond(std::move(res));
            });
        CHECK(dispatch(r, "GET", "/api/v1/seminars").at(0).status == 200);
        CHECK(asked.empty());  // open routes ask nobody
        CHECK(dispatch(r, "GET", "/api/v1/registrations/good").at(0).status == 200);
        CHECK(attendee.calls == 1);
        auto refused = dispatch(r, "GET", "/api/v1/outbox");
        REQUIRE(refused.size() == 1);
        CHECK(refused[0].status == 401);
        CHECK(organiser.calls == 0);
        REQUIRE(asked.size() == 2);
        CHECK(asked[0] == std::pair{access::attendee, std::string{"/api/v1/registrations/{token}"}});
        CHECK(asked[1] == std::pair{access::organiser, std::string{"/api/v1/outbox"}});
    }
}

TEST_CASE("a check may grant later, from another thread, and the handler then runs once", "[router][access]") {
    using server::access;
    server::router r;
    seen organiser;
    r.add("GET", "/api/v1/outbox", access::organiser, recording(organiser));
    std::thread lookup;
    r.set_access_check([&lookup](access, const std::shared_ptr<server::exchange>&, server::access_granted grant) {
        lookup = std::thread{[grant = std::move(grant)] {
            std::this_thread::sleep_for(std::chrono::milliseconds{20});
            grant();
        }};
    });
    auto out = std::make_shared<replies>();
    r.dispatch(make_exchange(make_request("GET", "/api/v1/outbox"), out));
    CHECK(out->sent.empty());  // not answered while the lookup runs
    lookup.join();
    CHECK(organiser.calls == 1);
    REQUIRE(out->sent.size() == 1);
    CHECK(out->sent[0].status == 200);
}

TEST_CASE("an attendee route must name the token it is reached with", "[router][access]") {
    server::router r;
    seen s;
    CHECK_THROWS_AS(r.add("GET", "/api/v1/registrations/{code}", server::access::attendee, recording(s)),
                    std::invalid_argument);
    CHECK_NOTHROW(r.add("GET", "/registrations/{token}/invite.ics", server::access::attendee, recording(s)));
}
