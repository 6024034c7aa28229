// Tests of idempotent writes at the router: where a key comes from, what a fingerprint covers, which answers are
// kept, and the table of keys in hand (in progress, waiting repeats, dropped exchanges) over a store in memory.
#include "server/http/idempotency.hpp"

#include <catch2/catch.hpp>

#include "server/http/router.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace server = seminard::server;
using nlohmann::json;

namespace {

server::http_request make_request(std::string method,
                                  std::string target,
                                  server::header_list headers = {},
                                  std::string body = {},
                                  std::string remote = "192.0.2.1") {
    server::http_request req;
    req.method = std::move(method);
    req.target = target;
    req.path = target.substr(0, target.find('?'));
    req.headers = std::move(headers);
    req.body = std::move(body);
    req.remote_address = std::move(remote);
    return req;
}

/// Answers kept in memory. Lookups and keeps complete at once, unless held: then the test completes them.
class memory_store final : public server::idempotency_store {
public:
    void find(const std::string& scope, const std::string& key, std::function<void(lookup)> done) override {
        lookup l;
        {
            std::lock_guard lock(mutex_);
            ++finds;
            l.failed = fail_finds;
            if (auto it = rows.find(scope + "|" + key); it != rows.end() && !fail_finds) l.found = it->second;
        }
        done(std::move(l));
    }
    void keep(const std::string& scope,
              const std::string& key,
              std::string fingerprint,
              const server::http_response& answer,
              std::function<void(bool)> done) override {
        std::lock_guard lock(mutex_);
        rows[scope + "|" + key] = kept{std::move(fingerprint), answer};
        if (hold_keeps)
            held_keeps.push_back(std::move(done));
        else
            done(true);
    }

    std::mutex mutex_;
    std::map<std::string, kept> rows;
    int finds = 0;
    bool fail_finds = false;
    bool hold_keeps = false;
    std::vector<std::function<void(bool)>> held_keeps;
};

/// A router with one write route whose handler holds its exchanges until the test answers them.
struct fixture {
    std::shared_ptr<memory_store> store = std::make_shared<memory_store>();
    server::router routes;
    std::vector<std::shared_ptr<server::exchange>> held;
    int runs = 0;

    fixture() {
        routes.set_idempotency(store);
        routes.add("POST", "/things", server::access::anyone, [this](const std::shared_ptr<server::exchange>& ex) {
            ++runs;
            held.push_back(ex);
        });
        routes.add("GET", "/things", server::access::anyone, [this](const std::shared_ptr<server::exchange>& ex) {
            ++runs;
            server::http_response res;
            res.body = "list";
            ex->respond(std::move(res));
        });
    }

    /// Dispatches and returns where its answer lands (empty until answered).
    std::shared_ptr<std::vector<server::http_response>> send(server::http_request req) {
        auto out = std::make_shared<std::vector<server::http_response>>();
        routes.dispatch(std::make_shared<server::exchange>(
            std::move(req), [out](server::http_response res) { out->push_back(std::move(res)); }));
        return out;
    }
    std::shared_ptr<std::vector<server::http_response>> post(const std::string& key, const std::string& body = "{}") {
        return send(make_request("POST", "/things", {{"Idempotency-Key", key}}, body));
    }
    std::size_t in_hand() const { return routes.idempotency_guard()->in_hand(); }

    /// Answers the oldest held exchange.
    void answer_held(int status, std::string body, server::header_list headers = {}) {
        REQUIRE_FALSE(held.empty());
        server::http_response res;
        res.status = status;
        res.headers = std::move(headers);
        res.body = std::move(body);
        auto ex = held.front();
        held.erase(held.begin());
        ex->respond(std::move(res));
    }
};

std::string error_of(const server::http_response& res) { return json::parse(res.body).at("error").get<std::string>(); }

}  // namespace

TEST_CASE("the key comes from Idempotency-Key, then X-Idempotency-Key, then a form's field, and only on writes",
          "[idempotency]") {
    using server::idempotency_key_of;
    CHECK_FALSE(idempotency_key_of(make_request("POST", "/x")));
    auto standard = idempotency_key_of(make_request("POST", "/x", {{"idempotency-key", "a"}}));
    REQUIRE(standard);
    CHECK(standard->value == "a");
    CHECK_FALSE(standard->from_form);
    CHECK(idempotency_key_of(make_request("DELETE", "/x", {{"X-Idempotency-Key", "p"}}))->value == "p");
    CHECK(idempotency_key_of(make_request("PATCH", "/x", {{"X-Idempotency-Key", "p"}, {"Idempotency-Key", "a"}}))
              ->value == "a");
    CHECK_FALSE(idempotency_key_of(make_request("GET", "/x", {{"Idempotency-Key", "a"}})));
    CHECK_FALSE(idempotency_key_of(make_request("OPTIONS", "/x", {{"Idempotency-Key", "a"}})));

    const server::header_list form{{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    auto field = idempotency_key_of(make_request("POST", "/x", form, "email=a%40b.org&idempotency_key=k%2B1"));
    REQUIRE(field);
    CHECK(field->value == "k+1");
    CHECK(field->from_form);
    auto both = form;
    both.emplace_back("Idempotency-Key", "header");
    CHECK(idempotency_key_of(make_request("POST", "/x", both, "idempotency_key=field"))->value == "header");
    // A JSON body is not searched; a malformed form has no key (its handler refuses it).
    CHECK_FALSE(idempotency_key_of(
        make_request("POST", "/x", {{"Content-Type", "application/json"}}, R"({"idempotency_key":"k"})")));
    CHECK_FALSE(idempotency_key_of(make_request("POST", "/x", form, "idempotency_key=%zz")));
}

TEST_CASE("a key is 1 to 255 printable ASCII characters", "[idempotency]") {
    using server::valid_idempotency_key;
    CHECK(valid_idempotency_key("a"));
    CHECK(valid_idempotency_key(" !~ 9f1c-77b2 "));
    CHECK(valid_idempotency_key(std::string(255, 'x')));
    CHECK_FALSE(valid_idempotency_key(""));
    CHECK_FALSE(valid_idempotency_key(std::string(256, 'x')));
    CHECK_FALSE(valid_idempotency_key("tab\there"));
    CHECK_FALSE(valid_idempotency_key("\x7f"));
    CHECK_FALSE(valid_idempotency_key("\xc3\xa4"));
}

TEST_CASE("the fingerprint covers method, target, content type and body, each on its own", "[idempotency]") {
    using server::request_fingerprint;
    const auto base = make_request("POST", "/a?lang=en", {{"Content-Type", "a"}}, "b");
    const auto fp = request_fingerprint(base);
    CHECK(fp.size() == 32);
    CHECK(request_fingerprint(base) == fp);
    // Other headers and the client do not count.
    auto other_client = base;
    other_client.remote_address = "198.51.100.7";
    other_client.headers.emplace_back("Accept-Language", "en");
    CHECK(request_fingerprint(other_client) == fp);
    CHECK(request_fingerprint(make_request("PATCH", "/a?lang=en", {{"Content-Type", "a"}}, "b")) != fp);
    CHECK(request_fingerprint(make_request("POST", "/a", {{"Content-Type", "a"}}, "b")) != fp);
    CHECK(request_fingerprint(make_request("POST", "/a?lang=en", {{"Content-Type", "c"}}, "b")) != fp);
    CHECK(request_fingerprint(make_request("POST", "/a?lang=en", {{"Content-Type", "a"}}, "c")) != fp);
    // Moving a byte from one part to the next is another request.
    CHECK(request_fingerprint(make_request("POST", "/a?lang=en", {}, "ab")) !=
          request_fingerprint(make_request("POST", "/a?lang=en", {{"Content-Type", "a"}}, "b")));
}

TEST_CASE("2xx, 3xx and 4xx answers are kept, 429, 5xx and streams are not", "[idempotency]") {
    auto answer = [](int status) {
        server::http_response res;
        res.status = status;
        return res;
    };
    for (int status : {200, 201, 202, 303, 400, 404, 409, 422}) CHECK(server::worth_keeping(answer(status)));
    for (int status : {429, 500, 503}) CHECK_FALSE(server::worth_keeping(answer(status)));
    struct nothing : server::body_source {
        bool next(std::string&) override { return false; }
    };
    auto streamed = answer(200);
    streamed.stream = std::make_shared<nothing>();
    CHECK_FALSE(server::worth_keeping(streamed));
}

TEST_CASE("a kept answer packs and unpacks to the same headers and body, without Date and hop-by-hop fields",
          "[idempotency]") {
    server::http_response res;
    res.status = 303;
    res.headers = {{"Location", "https://example.org/r/x"},
                   {"Date", "Tue, 01 Dec 2026 10:00:00 GMT"},
                   {"Cache-Control", "no-store"},
                   {"Connection", "close"},
                   {"Retry-After", "3"}};
    res.body = std::string{"bin\0ary", 7};
    const auto kept = server::answer_to_keep(res);
    CHECK(kept.headers == server::header_list{{"Location", "https://example.org/r/x"},
                                              {"Cache-Control", "no-store"},
                                              {"Retry-After", "3"}});
    const auto packed = server::pack_answer(kept);
    auto back = server::unpack_answer(303, packed);
    REQUIRE(back);
    CHECK(back->status == 303);
    CHECK(back->headers == kept.headers);
    CHECK(back->body == res.body);
    CHECK_FALSE(server::unpack_answer(303, packed.substr(0, 10)));
    CHECK_FALSE(server::unpack_answer(303, ""));
}

TEST_CASE("a repeat while the first runs is 409 request_in_progress with Retry-After 1, then gets its answer",
          "[idempotency]") {
    fixture f;
    auto first = f.post("k1", R"({"a":1})");
    REQUIRE(f.runs == 1);
    CHECK(first->empty());
    CHECK(f.in_hand() == 1);

    auto repeat = f.post("k1", R"({"a":1})");
    REQUIRE(repeat->size() == 1);
    CHECK(repeat->front().status == 409);
    CHECK(error_of(repeat->front()) == "request_in_progress");
    CHECK(repeat->front().header("Retry-After") == "1");
    auto other_body = f.post("k1", R"({"a":2})");
    REQUIRE(other_body->size() == 1);
    CHECK(other_body->front().status == 422);
    CHECK(error_of(other_body->front()) == "idempotency_key_reused");

    f.answer_held(201, "created", {{"Location", "/things/1"}});
    REQUIRE(first->size() == 1);
    CHECK(f.in_hand() == 0);
    auto later = f.post("k1", R"({"a":1})");
    REQUIRE(later->size() == 1);
    CHECK(later->front().status == 201);
    CHECK(later->front().body == "created");
    CHECK(later->front().header("Location") == "/things/1");
    CHECK(f.runs == 1);
    // Other keys, and reads, are not affected.
    f.post("k2", R"({"a":1})");
    CHECK(f.runs == 2);
    f.send(make_request("GET", "/things", {{"Idempotency-Key", "k1"}}));
    CHECK(f.runs == 3);
}

TEST_CASE("an exchange dropped without an answer lets its key go, and nothing is kept", "[idempotency]") {
    fixture f;
    auto first = f.post("lost");
    REQUIRE(f.in_hand() == 1);
    f.held.clear();  // the handler forgets the exchange: its destructor answers 500
    REQUIRE(first->size() == 1);
    CHECK(first->front().status == 500);
    CHECK(f.in_hand() == 0);
    CHECK(f.store->rows.empty());
    f.post("lost");
    CHECK(f.runs == 2);
}

TEST_CASE("a 5xx or a 429 is not kept: the repeat runs again", "[idempotency]") {
    fixture f;
    for (int status : {503, 429}) {
        f.post("retry");
        f.answer_held(status, "{}");
        CHECK(f.in_hand() == 0);
        CHECK(f.store->rows.empty());
    }
    CHECK(f.runs == 2);
}

TEST_CASE("a form's repeat of a key in progress waits for the first answer (a double click)", "[idempotency]") {
    fixture f;
    const server::header_list form{{"Content-Type", "application/x-www-form-urlencoded"}};
    const std::string body = "email=a%40example.org&idempotency_key=page-1";
    auto first = f.send(make_request("POST", "/things", form, body));
    auto second = f.send(make_request("POST", "/things", form, body));
    CHECK(first->empty());
    CHECK(second->empty());
    f.answer_held(303, "", {{"Location", "/done/1"}});
    REQUIRE(second->size() == 1);
    CHECK(second->front().status == 303);
    CHECK(second->front().header("Location") == "/done/1");
    CHECK(f.runs == 1);
    // The same page with other fields: a new submission, which runs and leaves the key's answer as it was.
    auto changed = f.send(make_request("POST", "/things", form, "email=b%40example.org&idempotency_key=page-1"));
    CHECK(f.runs == 2);
    f.answer_held(303, "", {{"Location", "/done/2"}});
    REQUIRE(changed->size() == 1);
    auto again = f.send(make_request("POST", "/things", form, body));
    REQUIRE(again->size() == 1);
    CHECK(again->front().header("Location") == "/done/1");
}

TEST_CASE("until the store has an answer, repeats get it from memory", "[idempotency]") {
    fixture f;
    f.store->hold_keeps = true;
    f.post("k");
    f.answer_held(200, "done");
    CHECK(f.in_hand() == 1);  // answered, not stored yet
    auto repeat = f.post("k");
    REQUIRE(repeat->size() == 1);
    CHECK(repeat->front().body == "done");
    CHECK(f.store->finds == 1);  // the repeat did not ask the store
    REQUIRE(f.store->held_keeps.size() == 1);
    auto stored = std::move(f.store->held_keeps.front());
    f.store->held_keeps.clear();  // the callback holds the table, which holds the store
    stored(true);
    CHECK(f.in_hand() == 0);
}

TEST_CASE("a store that does not answer makes a keyed write 503, and the handler does not run", "[idempotency]") {
    fixture f;
    f.store->fail_finds = true;
    auto r = f.post("k");
    REQUIRE(r->size() == 1);
    CHECK(r->front().status == 503);
    CHECK(f.runs == 0);
    CHECK(f.in_hand() == 0);
}

TEST_CASE("keys are scoped to the client address unless the access check names a principal", "[idempotency]") {
    fixture f;
    f.send(make_request("POST", "/things", {{"Idempotency-Key", "k"}}, "{}", "192.0.2.1"));
    f.answer_held(201, "one");
    auto other_client = f.send(make_request("POST", "/things", {{"Idempotency-Key", "k"}}, "{}", "192.0.2.2"));
    CHECK(f.runs == 2);
    f.answer_held(201, "two");
    REQUIRE(other_client->size() == 1);
    CHECK(other_client->front().body == "two");
    CHECK(f.store->rows.count("client 192.0.2.1|k") == 1);
    CHECK(f.store->rows.count("client 192.0.2.2|k") == 1);
}
